"""Calendar-aware periods shared by every over-time view.

Periods are labelled by their first day (a naive ``Timestamp``): weeks start on
Monday, months on the 1st, quarters on 1 January / April / July / October.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.schema import FREQUENCIES

_PANDAS_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}


def check_freq(freq: str) -> str:
    """Return ``freq`` if it is a supported period name.

    Raises:
        InputError: when ``freq`` is not one of ``day``, ``week``, ``month``, ``quarter``.
    """
    if freq not in _PANDAS_FREQ:
        raise InputError(f"period must be one of {', '.join(FREQUENCIES)}; got {freq!r}")
    return freq


def period_label(period: pd.Timestamp, freq: str = "month") -> str:
    """A period's name by its kind: ``"week of 4 Mar 2024"``, ``"Mar 2024"``, ``"Q1 2024"``.

    Parameters:
        period: the period's first day (``period_start``).
        freq: ``week``, ``month`` or ``quarter``; a week or quarter named as its first
            month would read as that month, and a month's weeks would share one name;
            a day is named as its date.
    """
    if freq == "day":
        return f"{period.day} {period:%b %Y}"
    if freq == "week":
        return f"week of {period.day} {period:%b %Y}"
    if freq == "quarter":
        return f"Q{period.quarter} {period.year}"
    return period.strftime("%b %Y")


def period_step(freq: str) -> pd.DateOffset:
    """The length of one period of kind ``freq``, to step from a period's start to the next.

    Raises:
        InputError: when ``freq`` is not a supported period name.
    """
    return {
        "day": pd.DateOffset(days=1),
        "week": pd.DateOffset(weeks=1),
        "month": pd.DateOffset(months=1),
        "quarter": pd.DateOffset(months=3),
    }[check_freq(freq)]


def days_inside(
    periods: pd.Series, freq: str, first_day: pd.Timestamp, last_day: pd.Timestamp
) -> pd.DataFrame:
    """How many days each period has and how many of them lie from ``first_day`` to
    ``last_day`` (both included): a period cut by the dates shown counts fewer briefings
    for having fewer days, not for a quieter time.

    Parameters:
        periods: period starts (``period_start``).
        freq: their kind.
        first_day, last_day: the dates shown (naive days).

    Returns:
        Columns ``days`` and ``days_inside``, aligned with ``periods``.
    """
    starts = pd.DatetimeIndex(pd.to_datetime(np.asarray(periods)))
    ends = starts + period_step(freq)  # the day after each period's last
    first = pd.Timestamp(first_day).normalize()
    after_last = pd.Timestamp(last_day).normalize() + pd.Timedelta(days=1)
    inside_from = np.maximum(starts.to_numpy(), first.to_datetime64())
    inside_to = np.minimum(ends.to_numpy(), after_last.to_datetime64())
    day = np.timedelta64(1, "D")
    return pd.DataFrame(
        {
            "days": ((ends - starts).to_numpy() // day).astype(np.int64),
            "days_inside": np.maximum((inside_to - inside_from) // day, 0).astype(np.int64),
        }
    )


def _naive_utc(dates: pd.Series) -> pd.Series:
    dates = pd.to_datetime(dates)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """Map each date to the first day of its calendar period.

    Worked out on numpy datetime units rather than pandas periods: the same result,
    several times faster, which matters on every filter change of the dashboard.

    Parameters:
        dates: datetimes, naive or time-zone aware (aware ones are taken in UTC).
        freq: ``day``, ``week``, ``month`` or ``quarter``.

    Returns:
        A naive ``datetime64[ns]`` series named ``period``, aligned with ``dates``;
        missing dates stay ``NaT``.

    Raises:
        InputError: when ``freq`` is not a supported period name.
    """
    check_freq(freq)
    days, missing = _utc_days(dates)
    if freq in ("day", "week"):
        if freq == "week":
            # 1970-01-01 was a Thursday: (days + 3) % 7 counts days since Monday.
            days -= (days + 3) % 7
        starts = days
    elif missing.all():
        starts = days
    else:
        # Calendar months from numpy's datetime units cost about 60 ns a date each way; the
        # dates of a corpus span a few thousand days, so each day's period start is worked
        # out once and looked up (a million interactions: 0.12 -> 0.02 s).
        first = int(np.min(days, where=~missing, initial=np.iinfo(np.int64).max))
        last = int(np.max(days, where=~missing, initial=np.iinfo(np.int64).min))
        months = np.arange(first, last + 1).astype("datetime64[D]").astype("datetime64[M]")
        months = months.astype(np.int64)
        if freq == "quarter":
            months -= months % 3
        of_day = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        days -= first
        days[missing] = 0
        starts = of_day[days]
    # Every array above is as long as the dates (millions of rows on a filter change of a
    # large corpus): worked in place, from days to nanoseconds, into the series' own array.
    starts *= _DAY_NS
    starts[missing] = np.iinfo(np.int64).min  # NaT
    return pd.Series(starts.view("datetime64[ns]"), index=dates.index, name=S.PERIOD)


_DAY_NS = 86_400 * 10**9
_TICKS_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def _utc_days(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each date's day in UTC as days since 1970-01-01 (a new int64 array) and whether it is
    missing; naive dates are taken as UTC, as ``pd.to_datetime(..., utc=True)`` takes them."""
    dtype = dates.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        array = dates.array  # its ticks are the UTC instants, in the array's own unit
    else:
        array = pd.to_datetime(dates, utc=True).array
    ticks = np.asarray(array.asi8)
    missing = ticks == np.iinfo(np.int64).min
    days = ticks // (86_400 * _TICKS_PER_SECOND[array.unit])
    return days, missing


def period_range(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """Every period start from the period holding ``start`` to the one holding ``end``."""
    code = _PANDAS_FREQ[check_freq(freq)]
    bounds = _naive_utc(pd.Series([pd.Timestamp(start), pd.Timestamp(end)]))
    periods = pd.period_range(bounds.iloc[0], bounds.iloc[1], freq=code)
    return pd.DatetimeIndex(periods.start_time.astype("datetime64[ns]"), name="period")


def complete_periods(
    frame: pd.DataFrame,
    freq: str,
    *,
    keys: list[str] | None = None,
    period_col: str = "period",
    fill: float = 0,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Reindex an aggregated frame so every period (and key combination) has a row.

    Empty periods are kept with ``fill`` so charts show gaps as zeros instead of
    drawing a straight line across them.

    Parameters:
        frame: one row per ``period_col`` (and ``keys``) value.
        freq: the period of ``period_col``.
        keys: further grouping columns whose observed combinations are completed.
        start, end: widen the range beyond the observed periods.
    """
    keys = list(keys or [])
    if frame.empty and (start is None or end is None):
        return frame.copy()
    observed = frame[period_col]
    lo = start if start is not None else observed.min()
    hi = end if end is not None else observed.max()
    periods = period_range(lo, hi, freq)
    if keys:
        combos = frame[keys].drop_duplicates()
        grid = combos.merge(pd.DataFrame({period_col: periods}), how="cross")
    else:
        grid = pd.DataFrame({period_col: periods})
    value_cols = [c for c in frame.columns if c not in keys and c != period_col]
    merged = grid.merge(frame, on=[*keys, period_col], how="left")
    numeric = [c for c in value_cols if pd.api.types.is_numeric_dtype(frame[c])]
    for column in numeric:
        merged[column] = merged[column].fillna(fill).astype(frame[column].dtype)
    return merged.sort_values([*keys, period_col], kind="stable").reset_index(drop=True)


# The fewest observed earlier periods a baseline is measured on (a spike's, by default).
MIN_EARLIER_PERIODS = 2


def trailing_stats(
    values: np.ndarray, window: int, min_count: int = MIN_EARLIER_PERIODS
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation of the ``window`` values before each column.

    Row by row over a 2-D array (one series per row, one period per column),
    ignoring NaN, like ``pandas`` ``shift(1).rolling(window, min_periods=min_count)``
    along each row, but in one vectorised pass over every row.

    Parameters:
        values: shape (series, periods); NaN marks an unobserved period.
        window: how many earlier periods at most.
        min_count: fewer observed earlier periods than this give NaN.

    Returns:
        ``(mean, std)``, both shaped like ``values``.
    """
    values = np.asarray(values, dtype=float)
    rows, columns = values.shape
    padded = np.concatenate([np.full((rows, window), np.nan), values], axis=1)
    earlier = np.lib.stride_tricks.sliding_window_view(padded, window, axis=1)[:, :columns]
    observed = ~np.isnan(earlier)
    count = observed.sum(axis=2)
    filled = np.where(observed, earlier, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=2) / count
        deviation = np.where(observed, earlier - mean[..., None], 0.0)
        std = np.sqrt((deviation**2).sum(axis=2) / (count - 1))
    enough = count >= min_count
    return np.where(enough, mean, np.nan), np.where(enough, std, np.nan)
