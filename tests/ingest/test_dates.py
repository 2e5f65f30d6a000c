"""Tests of analytics.ingest.dates: every accepted date format, vectorised parsing, file dates."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import pytest

from analytics.ingest.dates import (
    check_dates,
    date_from_file_name,
    file_time,
    parse_date,
    parse_dates,
)


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-25", "2025-11-25"),
        ("20251125", "2025-11-25"),
        ("2025-11-25T14:03:00+09:00", "2025-11-25 05:03"),
        ("2025-11-25 14:03", "2025-11-25 14:03"),
        ("2025-11-25T14:03:00Z", "2025-11-25 14:03"),
        ("Nov 25, 2025", "2025-11-25"),
        ("25 November 2025 14:03 UTC", "2025-11-25 14:03"),
        ("Tue, 25 Nov 2025 14:03:00 +0000", "2025-11-25 14:03"),
        ("Tue, 25 Nov 2025 09:03:00 -0500", "2025-11-25 14:03"),
        ("25 Nov 2025 09:03 EST", "2025-11-25 14:03"),
        ("November 25, 2025 2:03 PM", "2025-11-25 14:03"),
        ("1764079380", "2025-11-25 14:03"),
        (1764079380, "2025-11-25 14:03"),
        (1764079380000, "2025-11-25 14:03"),
        (1764079380.5, "2025-11-25 14:03:00.5"),
        (dt.datetime(2025, 11, 25, 14, 3), "2025-11-25 14:03"),
        (dt.date(2025, 11, 25), "2025-11-25"),
        (pd.Timestamp("2025-11-25 23:03", tz="Asia/Tokyo"), "2025-11-25 14:03"),
    ],
    ids=[
        "iso-day",
        "compact-day",
        "iso-offset",
        "iso-space",
        "iso-zulu",
        "month-day-year",
        "day-month-year-utc",
        "rfc2822",
        "rfc2822-offset",
        "us-zone-abbreviation",
        "twelve-hour-clock",
        "epoch-seconds-text",
        "epoch-seconds",
        "epoch-milliseconds",
        "epoch-fraction",
        "naive-datetime",
        "date",
        "aware-timestamp",
    ],
)
def test_parse_date_reads_common_formats_as_utc(value, expected):
    assert parse_date(value) == utc(expected)


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "Nov 25", "soon", "hello 2025", "2025-02-30", "x" * 200, True, float("nan")],
    ids=[
        "none",
        "empty",
        "blank",
        "no-year",
        "word",
        "word-and-year",
        "impossible-day",
        "too-long",
        "bool",
        "nan",
    ],
)
def test_parse_date_rejects_non_dates(value):
    assert parse_date(value) is None


def test_parse_dates_mixed_strings_keep_index_even_when_repeated():
    values = pd.Series(
        ["2025-11-25", "Nov 26, 2025", None, "soon", "1764079380", "20251127"],
        index=[3, 3, 5, 7, 8, 9],
    )
    parsed = parse_dates(values)
    assert str(parsed.dtype) == "datetime64[ns, UTC]"
    assert parsed.index.tolist() == [3, 3, 5, 7, 8, 9]
    assert parsed.tolist()[:2] == [utc("2025-11-25"), utc("2025-11-26")]
    assert parsed.isna().tolist() == [False, False, True, True, False, False]
    assert parsed.tolist()[4:] == [utc("2025-11-25 14:03"), utc("2025-11-27")]


def test_parse_dates_numbers_choose_unit_by_magnitude():
    parsed = parse_dates(pd.Series([1764079380, 1764079380000, np.nan]))
    assert parsed.tolist()[:2] == [utc("2025-11-25 14:03"), utc("2025-11-25 14:03")]
    assert parsed.isna().tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (pd.Series(pd.to_datetime(["2025-01-02 03:00"])), utc("2025-01-02 03:00")),
        (
            pd.Series(pd.to_datetime(["2025-01-02 12:00"]).tz_localize("Asia/Tokyo")),
            utc("2025-01-02 03:00"),
        ),
    ],
    ids=["naive-taken-as-utc", "aware-converted"],
)
def test_parse_dates_datetime_columns(values, expected):
    assert parse_dates(values).tolist() == [expected]


def test_parse_dates_out_of_range_epoch_is_nat():
    assert parse_dates(pd.Series(["99999999999999999999"])).isna().tolist() == [True]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2025-11-25_briefing.txt", "2025-11-25"),
        ("briefing_20251125.md", "2025-11-25"),
        ("news.2025.11.25.txt", "2025-11-25"),
        ("000_920271faedf78b54.txt", None),
        ("2025-02-30_then_2025-03-01.txt", "2025-03-01"),
        ("folder_2020-01-01/plain.txt", None),
        ("report-12345678.txt", None),
    ],
    ids=[
        "dashed",
        "compact",
        "dotted",
        "hash-name",
        "skips-impossible-day",
        "only-the-name-counts",
        "digits-not-a-day",
    ],
)
def test_date_from_file_name(name, expected):
    assert date_from_file_name(name) == (utc(expected) if expected else None)


def test_file_time_is_modification_time_in_utc(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    os.utime(path, (1704164645, 1704164645))
    assert file_time(path) == utc("2024-01-02 03:04:05")
    assert file_time(tmp_path / "missing.txt") is None


@pytest.mark.parametrize(
    ("values", "expected_dates", "expected_notes"),
    [
        (
            ["2025-01-01", "1899-12-31"],
            ["2025-01-01", None],
            ["", "date 1899-12-31 is outside 1900-01-01..2026-06-01"],
        ),
        (
            ["2026-06-01", "2026-06-02"],
            ["2026-06-01", None],
            ["", "date 2026-06-02 is outside 1900-01-01..2026-06-01"],
        ),
        (["0001-01-01"], [None], ["date 0001-01-01 is outside 1900-01-01..2026-06-01"]),
        (
            [1700000000, 0],
            ["2023-11-14 22:13:20", None],
            [
                "date '1700000000' read as epoch seconds",
                "date '0' is not a plausible epoch time (accepted: 1980-01-01..2026-06-01)",
            ],
        ),
        (
            ["2025-01-01", "1700000000"],
            ["2025-01-01", None],
            ["", "date '1700000000' is a number among dates; not read as an epoch time"],
        ),
        (["soon"], [None], ["date 'soon' not understood"]),
    ],
    ids=[
        "before-1900",
        "after-a-year",
        "year-one",
        "epoch-column",
        "epoch-among-dates",
        "nonsense",
    ],
)
def test_check_dates_refuses_implausible_dates_saying_why(values, expected_dates, expected_notes):
    checked = check_dates(pd.Series(values, dtype=object), today=utc("2025-06-01 13:00"))
    assert [None if pd.isna(d) else d for d in checked.dates] == [
        None if e is None else utc(e) for e in expected_dates
    ]
    assert checked.notes.tolist() == expected_notes


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # "25/04/2024" shows the column writes the day first: "03/04/2024" is 3 April.
        (["03/04/2024", "25/04/2024"], ["2024-04-03", "2024-04-25"]),
        (["03.04.2024", "25.04.2024"], ["2024-04-03", "2024-04-25"]),
        # "04/25/2024" shows the month comes first: "03/04/2024" is 4 March.
        (["03/04/2024", "04/25/2024"], ["2024-03-04", "2024-04-25"]),
        # Nothing tells: month first, as before.
        (["03/04/2024", "05/06/2024"], ["2024-03-04", "2024-05-06"]),
    ],
    ids=["day-first-slashes", "day-first-dots", "month-first", "undecided"],
)
def test_parse_dates_reads_a_column_in_the_day_order_its_dates_show(values, expected):
    parsed = parse_dates(pd.Series(values))
    assert parsed.dt.strftime("%Y-%m-%d").tolist() == expected


def test_check_dates_decides_the_day_order_per_file():
    # uk.csv shows the day first; us.csv shows nothing, so its day stays month first.
    values = pd.Series(["03/04/2024", "25/04/2024", "03/04/2024"], index=[7, 7, 8])
    files = pd.Series(["uk.csv", "uk.csv", "us.csv"], index=[7, 7, 8])
    checked = check_dates(values, files, today=utc("2025-01-01"))
    assert checked.dates.dt.strftime("%Y-%m-%d").tolist() == [
        "2024-04-03",
        "2024-04-25",
        "2024-03-04",
    ]


def test_check_dates_notes_a_day_order_read_on_a_guess():
    # uk.csv shows the day first (25/04); us.csv shows nothing: its 03/04 is read month
    # first on a guess and says so; 05/05 reads the same either way and 2024-03-04 is ISO.
    values = pd.Series(
        ["03/04/2024", "25/04/2024", "03/04/2024", "05/05/2024", "2024-03-04"],
        index=[7, 7, 8, 8, 9],
    )
    files = pd.Series(["uk.csv", "uk.csv", "us.csv", "us.csv", "us.csv"], index=[7, 7, 8, 8, 9])
    checked = check_dates(values, files, today=utc("2025-01-01"))
    assert checked.notes.tolist() == [
        "",
        "",
        "date '03/04/2024' read month first as 2024-03-04: no date of its file shows "
        "whether the day or the month comes first",
        "",
        "",
    ]
    assert checked.dates.dt.strftime("%Y-%m-%d").tolist()[2] == "2024-03-04"
