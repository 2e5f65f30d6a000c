"""The bundled sample corpus: complete, dated by its manifest, and broad enough to chart."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.countries import briefing_countries, extract_mentions
from analytics.ingest import load_corpus_with_report
from analytics.paths import sample_corpus_dir

HEADINGS = ["What's Happening?", "Why It's Important?", "What's Next?"]


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, str]]:
    with open(sample_corpus_dir() / "manifest.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def loaded():
    return load_corpus_with_report([sample_corpus_dir()])


def test_manifest_and_files_agree_one_to_one(manifest: list[dict[str, str]]) -> None:
    files = sorted(p.name for p in sample_corpus_dir().glob("*.txt"))
    listed = [row["file"] for row in manifest]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == files
    assert len(files) >= 150


def test_sample_loads_every_file_dated_by_the_manifest(loaded, manifest) -> None:
    report, briefings = loaded.report, loaded.briefings
    assert set(report["status"]) == {"loaded"}
    assert len(briefings) == len(manifest)
    assert set(briefings[S.DATE_SOURCE]) == {"manifest"}
    expected = {row["title"]: pd.Timestamp(row["date"], tz="UTC") for row in manifest}
    assert dict(zip(briefings[S.TITLE], briefings[S.DATE], strict=True)) == expected


def test_sample_file_names_carry_no_date(manifest) -> None:
    for row in manifest:
        stem = Path(row["file"]).stem
        assert not any(token.isdigit() and len(token) >= 4 for token in stem.split("_")), stem


def test_sample_briefings_follow_the_canonical_format(manifest) -> None:
    for row in manifest:
        text = (sample_corpus_dir() / row["file"]).read_text(encoding="utf-8")
        headings = [line for line in text.splitlines() if line in HEADINGS]
        assert headings == HEADINGS, row["file"]
        words = len(text.split())
        assert 120 <= words <= 300, (row["file"], words)


def test_sample_spans_2023_to_late_2025_and_every_month(loaded) -> None:
    dates = loaded.briefings[S.DATE]
    assert dates.min() >= pd.Timestamp("2023-01-01", tz="UTC")
    assert dates.max() <= pd.Timestamp("2025-11-30", tz="UTC")
    months = dates.dt.tz_localize(None).dt.to_period("M").nunique()
    assert months == 35  # January 2023 to November 2025, none empty


def test_sample_names_at_least_40_countries(loaded) -> None:
    briefings = loaded.briefings
    countries = briefing_countries(briefings, extract_mentions(briefings))
    assert countries[S.ISO3].nunique() >= 40
