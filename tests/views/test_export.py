"""Tests for analytics.views.export: exact rows, formula neutralising and provenance."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import pytest

from analytics.views.export import export_name, neutralise_formulas, provenance_lines, to_csv


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0bcmd", "'\uff0bcmd"),
        ("\uff0d2", "'\uff0d2"),
        ("\uff20cmd", "'\uff20cmd"),
        (" =1+1", "' =1+1"),
        ("  +cmd", "'  +cmd"),
        ("\u3000\uff1d1", "'\u3000\uff1d1"),
        ("\r=1+1", "'\r=1+1"),
        ("\n\n@x", "'\n\n@x"),
        (" plain", " plain"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("Desk\r=1+1", "Desk\r=1+1"),
        ("", ""),
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "carriage-return",
        "line-feed",
        "fullwidth-equals",
        "fullwidth-plus",
        "fullwidth-minus",
        "fullwidth-at",
        "space-then-equals",
        "spaces-then-plus",
        "ideographic-space-then-fullwidth-equals",
        "carriage-return-then-equals",
        "line-feeds-then-at",
        "space-then-text",
        "plain",
        "inner-equals",
        "inner-carriage-return",
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


def test_neutralise_formulas_covers_categorical_text():
    frame = pd.DataFrame({"label": pd.Categorical(["=1+1", "ok", "=1+1"])})
    safe = neutralise_formulas(frame)
    assert list(safe["label"]) == ["'=1+1", "ok", "'=1+1"]


# Each case: one text cell, then the exact bytes to_csv writes (header "cell").
CSV_CASES = [
    ("Desk\r=1+1", b'cell\n"Desk\r=1+1"\n'),
    ("Desk\n=1+1", b'cell\n"Desk\n=1+1"\n'),
    ("Desk\r\n=1+1", b'cell\n"Desk\r\n=1+1"\n'),
    ("\r=1+1", b'cell\n"\'\r=1+1"\n'),
    ("\n=1+1", b'cell\n"\'\n=1+1"\n'),
    ("\t=1+1", b"cell\n'\t=1+1\n"),
    ('=HYPERLINK("http://x")', b'cell\n"\'=HYPERLINK(""http://x"")"\n'),
    ("+cmd|' /C calc'!A0", b"cell\n'+cmd|' /C calc'!A0\n"),
    ("\uff1d1+1", "cell\n'\uff1d1+1\n".encode()),
    ("\uff0b1", "cell\n'\uff0b1\n".encode()),
    ("\uff0d1", "cell\n'\uff0d1\n".encode()),
    ("\uff20SUM(A1)", "cell\n'\uff20SUM(A1)\n".encode()),
    (" =1+1", b"cell\n' =1+1\n"),
    ('a,"b"\r', b'cell\n"a,""b""\r"\n'),
    ("plain", b"cell\nplain\n"),
]


@pytest.mark.parametrize(
    ("cell", "expected"),
    CSV_CASES,
    ids=[
        "carriage-return-inside",
        "line-feed-inside",
        "crlf-inside",
        "leading-carriage-return-formula",
        "leading-line-feed-formula",
        "leading-tab-formula",
        "hyperlink-with-quotes",
        "plus-cmd",
        "fullwidth-equals",
        "fullwidth-plus",
        "fullwidth-minus",
        "fullwidth-at",
        "space-then-equals",
        "comma-quotes-and-trailing-carriage-return",
        "plain",
    ],
)
def test_to_csv_bytes_are_safe_for_spreadsheets(cell, expected):
    assert to_csv(pd.DataFrame({"cell": [cell]})) == expected


def test_to_csv_keeps_rows_apart_when_cells_hold_line_breaks():
    frame = pd.DataFrame({"desk": ["Desk\r=1+1", "Asia"], "n": [1, 2]})
    data = to_csv(frame, provenance=["# Briefing Atlas export"])
    assert data == b'# Briefing Atlas export\ndesk,n\n"Desk\r=1+1",1\nAsia,2\n'
    back = pd.read_csv(io.BytesIO(data), comment="#")
    assert list(back["desk"]) == ["Desk\r=1+1", "Asia"]
    assert list(back["n"]) == [1, 2]


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
