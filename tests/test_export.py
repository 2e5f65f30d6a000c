"""Tests for analytics.export: exact rows, formula neutralising and provenance."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import pytest

from analytics.export import export_name, neutralise_formulas, provenance_lines, to_csv


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "carriage-return",
        "plain",
        "inner-equals",
        "empty",
    ],
)
def test_neutralise_formulas_prefixes_dangerous_text(cell, expected):
    safe = neutralise_formulas(pd.DataFrame({"text": [cell]}))
    assert safe["text"].iloc[0] == expected


def test_neutralise_formulas_keeps_numbers_and_missing_values():
    frame = pd.DataFrame({"net": [-0.5, 0.25], "label": ["-tension", None]})
    safe = neutralise_formulas(frame)
    assert list(safe["net"]) == [-0.5, 0.25]
    assert safe["label"].iloc[0] == "'-tension"
    assert pd.isna(safe["label"].iloc[1])
    assert frame["label"].iloc[0] == "-tension"  # input untouched


def test_neutralise_formulas_covers_string_dtype_and_headers():
    frame = pd.DataFrame({"=bad": pd.array(["=1", "ok"], dtype="string")})
    safe = neutralise_formulas(frame)
    assert list(safe.columns) == ["'=bad"]
    assert list(safe["'=bad"]) == ["'=1", "ok"]


def test_to_csv_writes_every_row_without_cap():
    frame = pd.DataFrame({"n": range(120_000)})
    rows = to_csv(frame).decode("utf-8").splitlines()
    assert len(rows) == 120_001
    assert rows[-1] == "119999"


def test_to_csv_round_trips_with_provenance_header():
    frame = pd.DataFrame({"country": ["Japan", "=cmd|' /C calc'!A0"], "n": [3, 1]})
    lines = provenance_lines(
        filters={"countries": "JPN", "period": "week"},
        fingerprint="abc123",
        versions={"cues": "v9", "topic_model": "k=3"},
        exported_at=datetime(2026, 11, 28, 1, 2, 3, tzinfo=UTC),
        title="Top countries",
    )
    data = to_csv(frame, provenance=lines).decode("utf-8")
    assert data.splitlines()[:9] == [
        "# Briefing Atlas export",
        "# table: Top countries",
        "# corpus fingerprint: abc123",
        "# filter countries: JPN",
        "# filter period: week",
        "# version cues: v9",
        "# version topic_model: k=3",
        "# exported at: 2026-11-28T01:02:03+00:00",
        "country,n",
    ]
    back = pd.read_csv(io.StringIO(data), comment="#")
    assert list(back["country"]) == ["Japan", "'=cmd|' /C calc'!A0"]
    assert list(back["n"]) == [3, 1]


def test_provenance_lines_say_when_no_filter_and_flatten_newlines():
    lines = provenance_lines(
        filters={}, fingerprint="f\nx", exported_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert "# filters: none (whole corpus)" in lines
    assert "# corpus fingerprint: f x" in lines
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize(
    ("title", "fingerprint", "expected"),
    [
        ("Briefings per month", "0123456789", "briefings-per-month_01234567.csv"),
        ("Evidence China – Japan", None, "evidence-china-japan.csv"),
        ("***", None, "table.csv"),
    ],
    ids=["with-fingerprint", "unicode-dash", "no-letters"],
)
def test_export_name_is_safe(title, fingerprint, expected):
    assert export_name(title, fingerprint) == expected
