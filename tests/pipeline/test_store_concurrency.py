"""Several real ingest processes on one store at once give what running them in turn gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import schema as S
from analytics.pipeline import ensure_store, list_generations, open_store

# The suite runs a few repeats; set ATLAS_CONCURRENCY_REPEATS=20 for the full check.
REPEATS = int(os.environ.get("ATLAS_CONCURRENCY_REPEATS", "3"))


def _corpus(folder: Path, prefix: str, texts: list[str]) -> Path:
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"{prefix}{n}.txt").write_text(
            f"title: {prefix} {n}\ndate: 2025-03-{n + 1:02d}\n\n{text}\n", encoding="utf-8"
        )
    return folder


@pytest.fixture()
def inputs(tmp_path: Path, fixtures_dir: Path) -> tuple[Path, Path, Path, Path]:
    base = tmp_path / "base"
    shutil.copytree(fixtures_dir / "store", base)
    left = _corpus(
        tmp_path / "left",
        "left",
        [f"Brazil and Argentina agree on trade rule number {n} in Brasilia." for n in range(3)],
    )
    right = _corpus(
        tmp_path / "right",
        "right",
        [f"Kenya and Ethiopia dispute border post number {n} near Moyale." for n in range(2)],
    )
    middle = _corpus(
        tmp_path / "middle",
        "middle",
        [f"Chile and Peru open fishing talks round {n} in Lima." for n in range(2)],
    )
    return base, left, right, middle


@pytest.mark.parametrize("repeat", range(REPEATS))
def test_concurrent_ingests_equal_running_them_in_turn(
    inputs: tuple[Path, Path, Path, Path], tmp_path: Path, repeat: int
) -> None:
    base, left, right, middle = inputs
    store_dir = tmp_path / f"store-{repeat}"
    ensure_store([base], store_dir, n_topics=2)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "analytics",
                "ingest",
                str(added),
                "--store",
                str(store_dir),
                "--add",
                "--quiet",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for added in (left, right, middle)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert "Traceback" not in err
    store = open_store(store_dir)
    store.verify()
    artefacts = store.artefacts()
    in_turn, _ = ensure_store([base], tmp_path / f"in-turn-{repeat}", n_topics=2)
    in_turn, _ = ensure_store([left], in_turn.path, add=True)
    in_turn, _ = ensure_store([right], in_turn.path, add=True)
    in_turn, _ = ensure_store([middle], in_turn.path, add=True)
    expected = in_turn.artefacts()
    assert sorted(artefacts.briefings[S.TITLE]) == sorted(expected.briefings[S.TITLE])
    assert len(artefacts.briefings) == 4 + 3 + 2 + 2
    files = {Path(name).name for name in artefacts.report["file"]}
    assert files == {p.name for folder in (base, left, right, middle) for p in folder.iterdir()}
    # Every ingest made one generation on top of the one before it: none was lost.
    assert [g.n_briefings for g in list_generations(store_dir)][0] == 4
    assert sorted(g.n_briefings for g in list_generations(store_dir))[-1] == 11
    assert len(list_generations(store_dir)) == 4
    assert sorted(artefacts.report["status"]) == sorted(expected.report["status"])
    assert len(artefacts.topic_summary) == len(expected.topic_summary)
    assert store.fingerprint == in_turn.fingerprint
