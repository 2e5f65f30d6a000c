"""The built wheel carries the reference tables, and ``data_dir`` finds the right copy."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from analytics import paths, settings
from analytics.countries import load_gazetteer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_package_list_names_every_package_under_src() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT / "src").parts)
        for init in (ROOT / "src").rglob("__init__.py")
    }
    assert listed == found | {"analytics._data"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the project (the build writes beside its sources)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignored = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignored)
    shutil.copytree(DATA, source / "data", ignore=ignored)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
         "--no-build-isolation", "--no-index", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("briefing_atlas-*.whl")
    return built


def test_wheel_carries_every_reference_table_and_not_the_sample(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tables = {f"analytics/_data/{p.name}" for p in DATA.glob("*.csv")}
    synth = {f"analytics/_data/synth/{p.name}" for p in (DATA / "synth").glob("*.csv")}
    assert {"analytics/_data/gazetteer.csv", "analytics/_data/cues.csv"} <= tables
    assert tables | synth <= names
    assert not [name for name in names if "/sample/" in name]
    packed = zipfile.ZipFile(wheel).read("analytics/_data/places.csv")
    assert packed == (DATA / "places.csv").read_bytes()


def test_installed_wheel_reads_its_packaged_tables(wheel: Path, tmp_path: Path) -> None:
    # A pure-Python wheel unpacked is an installation: no checkout above it.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    script = (
        "import analytics, analytics.paths as p\n"
        "from analytics.countries import load_gazetteer\n"
        "print(analytics.__file__)\n"
        "print(p.data_dir())\n"
        "print(p.reference_fingerprint())\n"
        "print(len(load_gazetteer().entries))\n"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    ran = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    shown = ran.stdout.split()
    assert shown[0] == str(target / "analytics" / "__init__.py")
    assert shown[1] == str(target / "analytics" / "_data")
    assert shown[2] == paths.reference_fingerprint(DATA)
    assert int(shown[3]) == len(load_gazetteer().entries) > 100


def test_data_dir_prefers_the_setting_then_the_checkout(tmp_path: Path) -> None:
    assert paths.data_dir() == DATA
    with settings.override(data_dir=str(tmp_path)):
        assert paths.data_dir() == tmp_path


def test_data_dir_falls_back_to_the_packaged_copy_without_a_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path)
    assert paths.checkout_data_dir() is None
    assert paths.data_dir() == paths.PACKAGED_DATA
    assert paths.PACKAGED_DATA == ROOT / "src" / "analytics" / "_data"


def test_reference_fingerprint_hashes_names_and_contents(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")
    (tmp_path / "notes.md").write_bytes(b"not a table")
    inner = hashlib.sha256(b"x\n1\n").digest()
    expected = hashlib.sha256(b"a.csv\0" + inner).hexdigest()
    assert paths.reference_fingerprint(tmp_path) == expected
    (tmp_path / "notes.md").write_bytes(b"changed, still not a table")
    assert paths.reference_fingerprint(tmp_path) == expected
    (tmp_path / "a.csv").write_bytes(b"x\n2\n")
    assert paths.reference_fingerprint(tmp_path) != expected
