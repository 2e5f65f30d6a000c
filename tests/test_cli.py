"""The command line: ingest, every export, and error paths."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics.cli import main

EXPECTED_COLUMNS = {
    "mentions": ["briefing_id", "date", "iso3", "country", "count", "kinds", "evidence"],
    "topics": ["briefing_id", "topic_id", "topic_label", "weight", "date"],
    "topic-summary": ["topic_id", "label", "top_terms", "n_briefings"],
    "interactions": [
        "briefing_id",
        "date",
        "section",
        "sentence_index",
        "sentence",
        "country_a",
        "country_b",
        "score",
        "class",
        "cues",
        "forward_looking",
    ],
    "relations": [
        "period",
        "country_a",
        "country_b",
        "n_interactions",
        "tension",
        "alliance",
        "net",
        "tension_share",
        "alliance_share",
        "spike",
    ],
    "briefings": ["briefing_id", "date", "date_source", "title", "source", "url", "text"],
    "report": ["file", "row", "status", "reason", "briefing_id"],
}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(fixtures_dir / "store", root / "corpus")
    assert (
        main(
            [
                "ingest",
                str(root / "corpus"),
                "--store",
                str(root / "store"),
                "--topics",
                "2",
                "--quiet",
            ]
        )
        == 0
    )
    return root / "store"


def test_help_works_as_module_and_console_script() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "analytics", "--help"], capture_output=True, text=True, check=True
    )
    assert "ingest" in module.stdout and "export" in module.stdout
    script = Path(sys.executable).parent / "briefing-atlas"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    console = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    assert console.stdout == module.stdout


def test_ingest_twice_reports_no_work(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = store_dir.parent / "corpus"
    assert main(["ingest", str(corpus), "--store", str(store_dir), "--topics", "2", "--quiet"]) == 0
    assert "store is up to date: 4 briefings, nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize("what", sorted(EXPECTED_COLUMNS), ids=sorted(EXPECTED_COLUMNS))
def test_export_writes_expected_columns(what: str, store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{what}.csv"
    assert main(["export", what, "--store", str(store_dir), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns[: len(EXPECTED_COLUMNS[what])]) == EXPECTED_COLUMNS[what]
    assert len(table) > 0


def test_export_with_provenance_starts_with_comment_lines(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "relations.csv"
    args = [
        "export",
        "relations",
        "--store",
        str(store_dir),
        "--out",
        str(out),
        "--freq",
        "quarter",
        "--provenance",
    ]
    assert main(args) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert any("corpus fingerprint" in line for line in lines if line.startswith("#"))
    table = pd.read_csv(out, comment="#")
    assert set(pd.to_datetime(table["period"]).dt.month) <= {1, 4, 7, 10}


def test_export_mentions_with_kinds_keeps_only_those_kinds(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "mentions.csv"
    assert (
        main(
            ["export", "mentions", "--store", str(store_dir), "--out", str(out), "--kinds", "name"]
        )
        == 0
    )
    kinds = pd.read_csv(out)["kinds"]
    assert set(kinds) == {"name"}


def test_export_rejects_unknown_kind(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "mentions",
            "--store",
            str(store_dir),
            "--out",
            str(tmp_path / "x.csv"),
            "--kinds",
            "name,planet",
        ]
    )
    assert code == 2
    assert "--kinds takes a comma-separated list of" in capsys.readouterr().err


def test_export_from_missing_store_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["export", "briefings", "--store", str(tmp_path / "none"), "--out", str(tmp_path / "x.csv")]
    )
    assert code == 2
    assert "no store at" in capsys.readouterr().err


def test_ingest_rejects_malformed_column_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--column", "body"])
    assert exit_info.value.code == 2
    assert "expected ROLE=COLUMN" in capsys.readouterr().err


def test_export_topic_summary_with_topics_override(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    code = main(
        ["export", "topic-summary", "--store", str(store_dir), "--out", str(out), "--topics", "1"]
    )
    assert code == 0
    summary = pd.read_csv(out)
    assert len(summary) == 1
    assert summary["n_briefings"].tolist() == [4]


def test_export_rejects_zero_topics(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "topics",
            "--store",
            str(store_dir),
            "--out",
            str(tmp_path / "t.csv"),
            "--topics",
            "0",
        ]
    )
    assert code == 2
    assert "--topics must be a positive number of topics; got 0" in capsys.readouterr().err
