"""Calendar periods: alignment, completion with zeros, and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analytics.errors import InputError
from analytics.timeseries import (
    complete_periods,
    days_inside,
    period_range,
    period_start,
    trailing_stats,
)


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        ("day", ["2025-11-25", "2025-01-01", "2024-12-31"]),
        ("week", ["2025-11-24", "2024-12-30", "2024-12-30"]),
        ("month", ["2025-11-01", "2025-01-01", "2024-12-01"]),
        ("quarter", ["2025-10-01", "2025-01-01", "2024-10-01"]),
    ],
    ids=["day", "week-starts-monday", "month", "quarter"],
)
def test_period_start_aligns_to_calendar(freq: str, expected: list[str]) -> None:
    dates = pd.Series(
        pd.to_datetime(["2025-11-25T10:00Z", "2025-01-01T00:30Z", "2024-12-31T23:00Z"], utc=True)
    )
    assert period_start(dates, freq).tolist() == [pd.Timestamp(d) for d in expected]


def test_period_start_converts_other_zones_to_utc() -> None:
    # 00:30 in Tokyo on 1 March is still February in UTC.
    tokyo = pd.Series(pd.to_datetime(["2025-03-01T00:30+09:00"], utc=True))
    assert period_start(tokyo, "month").tolist() == [pd.Timestamp("2025-02-01")]


def test_period_start_rejects_unknown_freq() -> None:
    with pytest.raises(
        InputError, match="period must be one of day, week, month, quarter; got 'year'"
    ):
        period_start(pd.Series(pd.to_datetime(["2025-01-01"])), "year")


def _pandas_period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The reference: ``period_start`` as pandas periods give it (slower)."""
    code = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}[freq]
    naive = pd.to_datetime(dates)
    if getattr(naive.dt, "tz", None) is not None:
        naive = naive.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.to_period(code).dt.start_time.astype("datetime64[ns]")


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter"])
def test_period_start_equals_the_pandas_periods(freq):
    dates = pd.Series(
        pd.to_datetime(
            [
                "2026-01-01T23:30:00Z",
                "2025-12-29T00:00:00Z",
                "2026-03-31T12:00:00Z",
                None,
                "1969-12-31T10:00:00Z",
                "2024-02-29T05:00:00Z",
                "2026-11-29T08:00:00Z",
            ],
            utc=True,
        ),
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    expected = _pandas_period_start(dates, freq)
    got = period_start(dates, freq)
    assert list(got.index) == list(dates.index)
    pd.testing.assert_series_equal(got, expected, check_names=False)


def test_period_range_covers_both_ends() -> None:
    periods = period_range(pd.Timestamp("2025-01-15"), pd.Timestamp("2025-03-02"), "month")
    assert list(periods) == [pd.Timestamp(d) for d in ("2025-01-01", "2025-02-01", "2025-03-01")]


def test_complete_periods_fills_missing_periods_with_zero_per_key() -> None:
    counts = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-02-01"]),
            "iso3": ["JPN", "JPN", "CHN"],
            "count": [2, 5, 1],
        }
    )
    full = complete_periods(counts, "month", keys=["iso3"])
    assert full.values.tolist() == [
        ["CHN", pd.Timestamp("2025-01-01"), 0],
        ["CHN", pd.Timestamp("2025-02-01"), 1],
        ["CHN", pd.Timestamp("2025-03-01"), 0],
        ["JPN", pd.Timestamp("2025-01-01"), 2],
        ["JPN", pd.Timestamp("2025-02-01"), 0],
        ["JPN", pd.Timestamp("2025-03-01"), 5],
    ]


def test_complete_periods_widens_to_requested_range() -> None:
    counts = pd.DataFrame({"period": pd.to_datetime(["2025-02-01"]), "n": [3]})
    full = complete_periods(
        counts, "month", start=pd.Timestamp("2025-01-10"), end=pd.Timestamp("2025-03-31")
    )
    assert full["n"].tolist() == [0, 3, 0]


def test_trailing_stats_hand_worked():
    # Window of 3 earlier columns, at least 2 observed: column 2 sees [1, 3],
    # column 3 sees [1, 3, nan], column 4 sees [3, nan, 5].
    mean, std = trailing_stats(np.array([[1.0, 3.0, np.nan, 5.0, 7.0]]), window=3)
    assert np.isnan(mean[0, :2]).all() and np.isnan(std[0, :2]).all()
    assert mean[0, 2:].tolist() == [2.0, 2.0, 4.0]
    assert std[0, 2:] == pytest.approx([2**0.5, 2**0.5, 2**0.5])


def test_trailing_stats_matches_pandas_rolling():
    values = np.random.default_rng(0).random((4, 30))
    values[values < 0.2] = np.nan
    mean, std = trailing_stats(values, window=6)
    window = pd.DataFrame(values.T).shift(1).rolling(6, min_periods=2)
    np.testing.assert_allclose(mean, window.mean().to_numpy().T, equal_nan=True)
    np.testing.assert_allclose(std, window.std(ddof=1).to_numpy().T, equal_nan=True)


@pytest.mark.parametrize(
    ("freq", "starts", "first", "last", "days", "inside"),
    [
        # 1 March 2025 is a Saturday: its week (from Monday 24 February) shows 2 days.
        (
            "week",
            ["2025-02-24", "2025-03-03", "2025-03-17"],
            "2025-03-01",
            "2025-03-21",
            [7, 7, 7],
            [2, 7, 5],
        ),
        ("month", ["2025-01-01", "2025-02-01"], "2025-01-08", "2025-02-25", [31, 28], [24, 25]),
        ("quarter", ["2024-01-01"], "2023-12-01", "2024-12-31", [91], [91]),
    ],
    ids=["week", "month", "leap-quarter"],
)
def test_days_inside_counts_the_days_of_each_period_shown(freq, starts, first, last, days, inside):
    table = days_inside(
        pd.Series(pd.to_datetime(starts)), freq, pd.Timestamp(first), pd.Timestamp(last)
    )
    assert table["days"].tolist() == days
    assert table["days_inside"].tolist() == inside


@pytest.mark.parametrize("freq", ["month", "quarter"])
def test_period_start_of_no_date_or_no_dates_at_all(freq):
    none = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns, UTC]", index=[4, 7])
    starts = period_start(none, freq)
    assert starts.isna().all() and list(starts.index) == [4, 7]
    assert str(starts.dtype) == "datetime64[ns]"
    assert period_start(pd.Series([], dtype="datetime64[ns, UTC]"), freq).empty
    # Dates centuries apart: each day of the span is looked up once.
    far = pd.Series(pd.to_datetime(["1900-02-11", "2099-11-30"], utc=True))
    assert period_start(far, freq).tolist() == list(_pandas_period_start(far, freq))


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter"])
def test_period_start_reads_dates_of_any_unit_and_arrow_timestamps(freq: str) -> None:
    text = ["2026-01-01T23:30:00Z", None, "1969-12-31T10:00:00Z", "2024-02-29T05:00:00Z"]
    nanoseconds = pd.Series(pd.to_datetime(text, utc=True).as_unit("ns"))
    expected = period_start(nanoseconds, freq).tolist()
    assert expected[1] is pd.NaT and expected[0] == _pandas_period_start(nanoseconds, freq)[0]
    seconds = pd.Series(pd.to_datetime(text, utc=True).as_unit("s"))
    naive = pd.Series(pd.to_datetime(text, utc=True).tz_convert(None).as_unit("ms"))
    arrow = nanoseconds.astype(pd.ArrowDtype(pa.timestamp("us", tz="UTC")))
    for dates in (seconds, naive, arrow):
        starts = period_start(dates, freq)
        assert starts.dtype == "datetime64[ns]" and starts.name == "period"
        assert starts.tolist() == expected
