"""Dates of briefings: parse what news sources write, always to tz-aware UTC.

Tables are parsed vectorised: ISO 8601 in one pass, epoch numbers by magnitude,
and only the *distinct* remaining strings go through the slower free-form parser,
so a column of 100k dates drawn from a few hundred days costs a few hundred parses.
Naive times are taken as UTC.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser

DATE_DTYPE = "datetime64[ns, UTC]"

# Abbreviations dateutil does not know by itself; offsets in seconds east of UTC.
# Ambiguous ones (IST, CST as China time) are left out on purpose: better a date
# read as UTC than one shifted by the wrong zone.
_ZONE_OFFSETS = {
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "BST": 1 * 3600,
    "CET": 1 * 3600,
    "CEST": 2 * 3600,
    "EET": 2 * 3600,
    "EEST": 3 * 3600,
    "MSK": 3 * 3600,
    "JST": 9 * 3600,
    "KST": 9 * 3600,
    "AEST": 10 * 3600,
    "AEDT": 11 * 3600,
}
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
_DIGITS = re.compile(r"[+-]?\d+(?:\.\d+)?")
_COMPACT_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_DASHED_DAY = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.](0[1-9]|1[0-2])[-_.](0[1-9]|[12]\d|3[01])(?!\d)"
)
# A day written with numbers only, day and month in either order ("03/04/2024").
_NUMBERED_DAY = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?!\d)")
# Free-form strings longer than this are not dates (and would be slow to try).
_MAX_DATE_CHARS = 80


def parse_date(value: object, *, day_first: bool = False) -> pd.Timestamp | None:
    """Parse one date as news sources write it.

    Accepts ISO 8601 ("2025-11-25T14:03:00+09:00"), compact days ("20251125"),
    RFC 2822 ("Tue, 25 Nov 2025 14:03:00 +0000"), free-form English dates with a
    four-digit year ("Nov 25, 2025", "25 November 2025 14:03 UTC"), epoch seconds or
    milliseconds, and ``datetime``/``Timestamp`` objects.

    Parameters:
        value: the raw value.
        day_first: read "03/04/2024" as 3 April (else 4 March, unless the first
            number cannot be a month).

    Returns:
        A tz-aware UTC timestamp, or None when the value is empty or not a date.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime | dt.date | np.datetime64):
        return _to_utc(pd.Timestamp(value))
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return _epoch(float(value))
    text = str(value).strip()
    if not text or len(text) > _MAX_DATE_CHARS:
        return None
    if _DIGITS.fullmatch(text):
        compact = _COMPACT_DAY.fullmatch(text)
        if compact:
            return _to_utc(pd.Timestamp(int(text[:4]), int(text[4:6]), int(text[6:8])))
        return _epoch(float(text))
    if not _YEAR.search(text):
        return None  # "Nov 25" or "5" would silently get today's year
    return _parse_text(text, day_first)


def _parse_text(text: str, day_first: bool = False) -> pd.Timestamp | None:
    try:
        if text[:4].isdigit():
            return _to_utc(pd.Timestamp(text))
    except (ValueError, OverflowError):
        pass
    try:
        with warnings.catch_warnings():
            # An unknown zone name is read as UTC rather than rejecting the date.
            warnings.simplefilter("ignore")
            stamp = dateutil_parser.parse(text, dayfirst=day_first, tzinfos=_ZONE_OFFSETS)
            return _to_utc(pd.Timestamp(stamp))
    except (ValueError, OverflowError, TypeError):
        pass
    try:
        # The e-mail parser is lenient (it drops "PM"), so it only gets the leftovers.
        return _to_utc(pd.Timestamp(parsedate_to_datetime(text)))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _epoch(number: float) -> pd.Timestamp | None:
    if not np.isfinite(number):
        return None
    unit = _epoch_unit(abs(number))
    try:
        return _to_utc(pd.Timestamp(number, unit=unit))
    except (ValueError, OverflowError):
        return None


def _epoch_unit(magnitude: float) -> str:
    # Seconds until the year 5138, then milliseconds, microseconds, nanoseconds.
    if magnitude < 1e11:
        return "s"
    if magnitude < 1e14:
        return "ms"
    if magnitude < 1e17:
        return "us"
    return "ns"


def _to_utc(stamp: pd.Timestamp) -> pd.Timestamp | None:
    if stamp is pd.NaT or pd.isna(stamp):
        return None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    try:
        return stamp.as_unit("ns")
    except (ValueError, OverflowError):
        return None  # outside the nanosecond range (years 1677-2262)


def parse_dates(values: pd.Series, groups: pd.Series | None = None) -> pd.Series:
    """Parse a column of dates, vectorised.

    Days written with numbers only ("03/04/2024") are read day first when other days of
    their group show that order ("25/04/2024") and none shows the month first.

    Parameters:
        values: datetimes (naive or aware), epoch numbers, or strings in any format
            ``parse_date`` accepts; mixed types are fine.
        groups: a group key per value (the file it came from); default one group.

    Returns:
        A ``datetime64[ns, UTC]`` series on the same index; NaT where a value is
        empty or not a date.
    """
    return _parse_noting_guesses(values, groups)[0]


def _parse_noting_guesses(
    values: pd.Series, groups: pd.Series | None
) -> tuple[pd.Series, pd.Series]:
    """``parse_dates``, and per value whether it is a numbered day read month first on a
    guess (``_numbered_day_orders``), both on ``values``' index."""
    nothing_guessed = pd.Series(False, index=values.index)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values if values.dt.tz is not None else values.dt.tz_localize("UTC")
        return _as_date_dtype(dates.dt.tz_convert("UTC")), nothing_guessed
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        dates = _epochs(values.astype("float64").reset_index(drop=True)).set_axis(values.index)
        return dates, nothing_guessed
    index = values.index
    values = values.reset_index(drop=True)  # positional labels: the input index may repeat
    if groups is not None:
        groups = groups.reset_index(drop=True)
    parsed = pd.Series(pd.NaT, index=values.index, dtype=DATE_DTYPE)
    guessed = pd.Series(False, index=values.index)
    present = values.notna()
    if not present.any():
        return parsed.set_axis(index), guessed.set_axis(index)
    strings = values[present].astype(str).str.strip()
    numeric = strings.str.fullmatch(_DIGITS.pattern)
    compact = strings.str.fullmatch(_COMPACT_DAY.pattern)
    epochs = numeric & ~compact
    if epochs.any():
        parsed[epochs[epochs].index] = _epochs(pd.to_numeric(strings[epochs]))
    iso = strings[~numeric]
    if len(iso):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            iso_dates = pd.to_datetime(iso, format="ISO8601", utc=True, errors="coerce")
        parsed[iso.index] = _as_date_dtype(iso_dates)
    remaining = strings[parsed[strings.index].isna() & ~epochs]
    if len(remaining):
        keys = (
            groups.iloc[remaining.index].set_axis(remaining.index)
            if groups is not None
            else pd.Series(0, index=remaining.index)
        )
        day_first, guessed[remaining.index] = _numbered_day_orders(remaining, keys)
        for order in (False, True):
            part = remaining[day_first == order]
            if len(part):
                distinct = pd.unique(part.to_numpy(dtype=object))
                lookup = {text: parse_date(text, day_first=order) for text in distinct}
                parsed[part.index] = pd.to_datetime(part.map(lookup), utc=True).astype(DATE_DTYPE)
    return parsed.set_axis(index), guessed.set_axis(index)


def _numbered_day_orders(strings: pd.Series, keys: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The one rule for the order of days written with numbers only ("03/04/2024"), per
    string of ``strings`` (grouped by ``keys``, a file's rows one group):

    - whether to read it day first: some day of its group starts with a number that
      cannot be a month ("25/04/2024") and none has such a number second ("04/25/2024");
    - whether it is read month first on a guess: it reads as two different days and no
      day of its group has a number above 12 to settle the order.
    """
    parts = strings.str.extract("^" + _NUMBERED_DAY.pattern)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    if first.isna().all():
        nothing = pd.Series(False, index=strings.index)
        return nothing, nothing

    def in_group(mask: pd.Series) -> pd.Series:
        return mask.groupby(keys, sort=False).transform("any").astype(bool)

    day_first = in_group((first > 12) & (second <= 12)) & ~in_group((second > 12) & (first <= 12))
    settled = in_group((first > 12) | (second > 12))
    guessed = (first <= 12) & (second <= 12) & (first != second) & ~settled
    return day_first, guessed


def _epochs(numbers: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=numbers.index, dtype=DATE_DTYPE)
    finite = numbers[np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan))]
    magnitude = finite.abs()
    bounds = [(0, 1e11, "s"), (1e11, 1e14, "ms"), (1e14, 1e17, "us"), (1e17, np.inf, "ns")]
    for low, high, unit in bounds:
        chosen = finite[(magnitude >= low) & (magnitude < high)]
        if len(chosen):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stamps = pd.to_datetime(chosen, unit=unit, utc=True, errors="coerce")
            result[chosen.index] = _as_date_dtype(stamps)
    return result


def _as_date_dtype(dates: pd.Series) -> pd.Series:
    lowest = pd.Timestamp.min.tz_localize("UTC")
    highest = pd.Timestamp.max.tz_localize("UTC")
    in_range = dates.isna() | ((dates >= lowest) & (dates <= highest))
    return dates.where(in_range).astype(DATE_DTYPE)


def date_from_file_name(name: str) -> pd.Timestamp | None:
    """The day written in a file name ("2025-11-25_x.txt", "briefing_20251125.md").

    Parameters:
        name: a file name (or path; only the final part is read).

    Returns:
        Midnight UTC of that day, or None when the name carries no valid date.
    """
    stem = Path(name).name
    for pattern in (_DASHED_DAY, _COMPACT_DAY):
        for match in pattern.finditer(stem):
            year, month, day = (int(part) for part in match.groups())
            try:
                return pd.Timestamp(year, month, day, tz="UTC").as_unit("ns")
            except ValueError:
                continue  # "2025-02-30" is not a day; try the next candidate
    return None


def file_time(path: Path) -> pd.Timestamp | None:
    """The modification time of ``path`` in UTC, to the second (None if unreadable)."""
    try:
        seconds = int(path.stat().st_mtime)
    except OSError:
        return None
    return pd.Timestamp(seconds, unit="s", tz="UTC").as_unit("ns")


# -- which dates a briefing may carry ------------------------------------------
# News briefings are dated from 1900 to a year ahead (embargoed or scheduled items);
# anything outside is a typo, a placeholder (0001-01-01, 9999-12-31) or a misread
# field, and is reported rather than stored.
EARLIEST_DATE = pd.Timestamp("1900-01-01", tz="UTC")
LATEST_AHEAD = pd.DateOffset(years=1)
# A number read as an epoch time must land after this: 0, -1 and small counts are
# sentinels or years, not timestamps.
EARLIEST_EPOCH = pd.Timestamp("1980-01-01", tz="UTC")


class DateRange(NamedTuple):
    """The dates accepted, both ends included."""

    earliest: pd.Timestamp
    latest: pd.Timestamp

    def describe(self) -> str:
        """The range as ``1900-01-01..2027-05-01``."""
        return f"{self.earliest:%Y-%m-%d}..{self.latest:%Y-%m-%d}"


def accepted_range(today: pd.Timestamp | None = None) -> DateRange:
    """The accepted briefing dates: ``EARLIEST_DATE`` to a year after ``today`` (default now)."""
    now = pd.Timestamp.now(tz="UTC") if today is None else today
    return DateRange(EARLIEST_DATE, (now.normalize() + LATEST_AHEAD).as_unit("ns"))


class CheckedDates(NamedTuple):
    """Parsed dates (NaT where refused) and, row for row, what was noted about each."""

    dates: pd.Series
    notes: pd.Series


def check_dates(
    values: pd.Series, groups: pd.Series | None = None, *, today: pd.Timestamp | None = None
) -> CheckedDates:
    """Parse present date values and refuse the implausible ones, saying why.

    A value outside ``accepted_range`` is refused ("date 1066-01-01 is outside
    1900-01-01..2027-05-01"), also when it is too far out for a timestamp. A number
    (or a string of digits that is not a compact day) is read as epoch seconds,
    milliseconds, ... only when every value of its group (one table column) is such
    a number and it lands between ``EARLIEST_EPOCH`` and the accepted end; each one
    read so is noted. A value typed as a number (JSON, Parquet) is a number on its
    own account. Anything else that does not parse is "not understood".

    Parameters:
        values: raw date values, none missing (check for blanks before).
        groups: a group key per value (the column it came from); default one group.
        today: the day the accepted range ends a year after (default now).

    Returns:
        The dates (``DATE_DTYPE``) and a note per value ("" when nothing to say).
    """
    accepted = accepted_range(today)
    numbers = _is_number(values)
    group_keys = pd.Series(0, index=values.index) if groups is None else groups
    all_numbers = numbers.groupby(group_keys, sort=False).transform("all").astype(bool)
    dates, guessed = _parse_noting_guesses(values, groups)
    notes = pd.Series("", index=values.index, dtype=object)

    def shown(mask: pd.Series) -> pd.Series:
        return values[mask].map(_shown)

    epochs = numbers & (all_numbers | _is_typed_number(values))
    plausible = (dates >= EARLIEST_EPOCH) & (dates <= accepted.latest)
    refused_epochs = epochs & ~plausible
    if refused_epochs.any():
        notes[refused_epochs] = (
            "date "
            + shown(refused_epochs)
            + " is not a plausible epoch time (accepted: "
            + DateRange(EARLIEST_EPOCH, accepted.latest).describe()
            + ")"
        )
    read_epochs = epochs & plausible
    if read_epochs.any():
        magnitudes = pd.to_numeric(values[read_epochs].astype(str).str.strip()).abs()
        units = magnitudes.map(lambda magnitude: _EPOCH_UNIT_NAMES[_epoch_unit(magnitude)])
        notes[read_epochs] = "date " + shown(read_epochs) + " read as epoch " + units
    lone = numbers & ~epochs
    if lone.any():
        notes[lone] = "date " + shown(lone) + " is a number among dates; not read as an epoch time"
    others = ~numbers
    outside = others & dates.notna() & ((dates < accepted.earliest) | (dates > accepted.latest))
    if outside.any():
        notes[outside] = (
            "date " + dates[outside].dt.strftime("%Y-%m-%d") + " is outside " + accepted.describe()
        )
    failed = others & dates.isna()
    for index in failed[failed].index:
        day = calendar_day(values[index])
        notes[index] = (
            f"date {day} is outside {accepted.describe()}"
            if day is not None
            else f"date {_shown(values[index])} not understood"
        )
    guessed &= dates.notna() & ~outside
    if guessed.any():
        notes[guessed] = (
            "date "
            + shown(guessed)
            + " read month first as "
            + dates[guessed].dt.strftime("%Y-%m-%d")
            + ": no date of its file shows whether the day or the month comes first"
        )
    refused = refused_epochs | lone | outside
    return CheckedDates(dates.where(~refused).astype(DATE_DTYPE), notes.astype("str"))


_EPOCH_UNIT_NAMES = {
    "s": "seconds",
    "ms": "milliseconds",
    "us": "microseconds",
    "ns": "nanoseconds",
}


def _is_typed_number(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values.dtype):
        return pd.Series(not pd.api.types.is_bool_dtype(values.dtype), index=values.index)
    return values.map(
        lambda value: (
            isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool)
        )
    ).astype(bool)


def _is_number(values: pd.Series) -> pd.Series:
    """Whether each value is a number or a string of digits (a compact day is not)."""

    if pd.api.types.is_bool_dtype(values.dtype):
        return pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return pd.Series(True, index=values.index)
    # str() of a number is digits too; True/False and datetimes are not.
    strings = values.astype(str).str.strip()
    digits = strings.str.fullmatch(_DIGITS.pattern) & ~strings.str.fullmatch(_COMPACT_DAY.pattern)
    return digits.fillna(False).astype(bool)


def _shown(value: object) -> str:
    """A raw value as a report quotes it: short, one line."""
    return repr(str(value).strip()[:40])


def calendar_day(value: object) -> str | None:
    """The day a string names as ``YYYY-MM-DD`` when it is a valid calendar date in any
    year 1-9999 (beyond what timestamps hold), else None."""
    text = str(value).strip()
    if not text or len(text) > _MAX_DATE_CHARS or not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = dateutil_parser.parse(text, tzinfos=_ZONE_OFFSETS, default=_NO_DEFAULT)
        except (ValueError, OverflowError, TypeError):
            return None
    # Formatted by hand: strftime drops the leading zeros of years before 1000.
    return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"


_NO_DEFAULT = dt.datetime(2000, 1, 1)
