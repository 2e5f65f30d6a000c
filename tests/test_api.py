"""The declared public API: every name resolves, to the object its package defines."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import analytics


@pytest.mark.parametrize("name", [n for n in analytics.__all__ if n != "__version__"])
def test_public_name_is_its_package_object(name: str):
    package = importlib.import_module(analytics._API[name])
    assert getattr(analytics, name) is getattr(package, name)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match=r"has no attribute 'load_everything'"):
        analytics.load_everything  # noqa: B018


def test_version_is_the_projects():
    from analytics.version import VERSION

    assert analytics.__version__ == VERSION


def test_importing_the_package_loads_no_stage():
    code = (
        "import sys, analytics\n"
        "print(sorted(m for m in sys.modules if m.startswith('analytics.')))\n"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert printed.strip() == "['analytics.version']"


def test_export_table_matches_the_command_line(tmp_path, fixtures_dir):
    import shutil

    from analytics.cli import main

    corpus = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "store", corpus)
    store, _ = analytics.ensure_store([corpus], tmp_path / "store", n_topics=2)
    table = analytics.export_table(store, "relations", analytics.ExportOptions(freq="week"))
    out = tmp_path / "relations.csv"
    assert (
        main(
            [
                "export",
                "relations",
                "--store",
                str(tmp_path / "store"),
                "--freq",
                "week",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_bytes() == analytics.to_csv(table)
    with pytest.raises(analytics.InputError, match=r"unknown export; expected one of .*got 'x'"):
        analytics.export_table(store, "x")
