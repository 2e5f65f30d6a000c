"""The Watchlist page's tables: expected events of the selection, what is coming this week or
month (from the corpus' latest date), what is overdue with its follow-up, and the evidence.

The follow-up is worked out once on the whole corpus (``followed_events``); the selection
then keeps the events of the selected briefings in which the chosen countries act.

A lean corpus holds its events lean (``held_events``): only the columns the page selects,
sorts, counts and draws the timeline on, each row with its position in the whole follow-up
(``schema.TABLE_ROW``), which stays mapped from the store (``texts``); the sentences, cues
and evidence are taken from it for the rows a table lists, a CSV holds or an event shows
(``with_event_texts``). Held whole, the events have every column and ``texts`` is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema as S
from analytics.artefacts import Artefacts, follow_up_tables, follow_up_texts, positions_in
from analytics.errors import InputError
from analytics.frames import expanded
from analytics.tallies import sorted_distinct, spans
from analytics.views.briefings import LaterRows
from analytics.views.filtered import cut_rows, take_rows, take_table_rows

THIS_WEEK = "this week"
THIS_MONTH = "this month"
ALL_UPCOMING = "all upcoming"
HORIZONS: tuple[str, ...] = (THIS_WEEK, THIS_MONTH, ALL_UPCOMING)


def no_upcoming_note(horizon: str, as_of: pd.Timestamp) -> str:
    """What an empty list of upcoming events means. "Upcoming" counts from the corpus'
    latest briefing day, not from the dates chosen: briefings of an earlier stretch often
    expect nothing still open then, and "nothing matches the filters" hid why."""
    today = f"{as_of.day} {as_of:%B %Y}, the corpus' latest briefing day"
    if horizon == ALL_UPCOMING:
        return f"No expected event of the selected briefings is still open after {today}."
    return (
        f"No expected event of the selected briefings is open by the end of {horizon}, "
        f"counted from {today}."
    )


# How far ahead the timeline of all upcoming events reaches; longer windows run off its edge.
TIMELINE_YEARS = 2
# What the event tables show, in order (the CSV downloads carry every column).
EVENT_COLUMNS: tuple[str, ...] = (
    S.WINDOW_START,
    S.WINDOW_END,
    S.COUNTRIES,
    S.EVENT_TYPE,
    S.CERTAINTY,
    S.WHEN,
    S.SENTENCE,
    S.DATE,
    S.BRIEFING_ID,
)


# The columns of the followed events a lean corpus holds: what the page selects (ids,
# countries), sorts (windows), counts (follow-up) and draws the timeline of many events on.
HELD_EVENT_COLUMNS: tuple[str, ...] = (
    S.BRIEFING_ID,
    S.DATE,
    S.COUNTRIES,
    S.EVENT_TYPE,
    S.CERTAINTY,
    S.WHEN,
    S.WINDOW_START,
    S.WINDOW_END,
    S.FOLLOW_UP,
)


def held_events(texts: pa.Table) -> pd.DataFrame:
    """The followed events ``texts`` (``schema.FOLLOW_UP_COLUMNS``, mapped from the store)
    with only ``HELD_EVENT_COLUMNS``, each row with its position in ``texts``
    (``schema.TABLE_ROW``). Columns the file keeps as dictionaries (countries, event type,
    certainty, time, follow-up) are held as categories; the tables the page shows have
    them as strings again (``with_event_texts``, ``event_table``, ``timeline_rows``)."""
    held: pd.DataFrame = texts.select(list(HELD_EVENT_COLUMNS)).to_pandas()
    held[S.TABLE_ROW] = np.arange(len(held), dtype=np.int64)
    return held


def with_event_texts(rows: pd.DataFrame, texts: pa.Table | None) -> pd.DataFrame:
    """``rows`` of the followed events (selected, sorted, cut) with every column.

    Rows held lean carry their position in ``texts`` (``held_events``): the columns they
    lack are taken from it for those rows only, in the follow-up's column order. Rows held
    whole (``texts`` is ``None``) are returned as they are.
    """
    if texts is None or S.TABLE_ROW not in rows.columns:
        return rows
    missing = [c for c in texts.column_names if c not in rows.columns]
    at = rows[S.TABLE_ROW].to_numpy(dtype=np.int64)
    read: pd.DataFrame = take_table_rows(texts.select(missing), at).to_pandas()
    held = expanded(rows.drop(columns=[S.TABLE_ROW]).reset_index(drop=True))
    whole = pd.concat([held, read], axis=1)
    return whole[[c for c in texts.column_names if c in whole.columns]]


def later_events(rows: pd.DataFrame | OrderedEvents, texts: pa.Table | None) -> LaterRows:
    """``rows`` with every column (``with_event_texts``), built when asked (a CSV)."""

    def build() -> pd.DataFrame:
        return with_event_texts(rows if isinstance(rows, pd.DataFrame) else rows.rows(), texts)

    return LaterRows(len(rows), build)


def followed_events(artefacts: Artefacts) -> pd.DataFrame:
    """Every expected event of the corpus with its follow-up (``schema.FOLLOW_UP_COLUMNS``)."""
    from analytics.watchlist import follow_up, report_mentions

    whole = follow_up_tables(artefacts, report_mentions)
    return follow_up(
        whole.watchlist,
        whole.briefings,
        whole.mentions,
        texts_at=follow_up_texts(artefacts),
    )


def latest_day(briefings: pd.DataFrame) -> pd.Timestamp | None:
    """The corpus' latest briefing day (naive midnight), or ``None`` for no briefings."""
    if briefings.empty:
        return None
    return pd.Timestamp(briefings[S.DATE].max()).tz_localize(None).normalize()


@dataclass(frozen=True)
class EventLookup:
    """Where each event stands, as integers, so that a selection is array indexing.

    Attributes:
        positions: each event's briefing position in the table the lookup was built on
            (-1 when its briefing is not there).
        event_of, country_of: one entry per event and listed country: the event's row and
            the country's number in ``countries`` (32-bit integers below two billion).
        countries: the codes behind those numbers.
    """

    positions: np.ndarray
    event_of: np.ndarray
    country_of: np.ndarray
    countries: pd.Index


def event_lookup(
    events: pd.DataFrame, briefing_ids: pd.Series, positions: np.ndarray | None = None
) -> EventLookup:
    """The ``EventLookup`` of ``events`` (followed events) over the briefings
    ``briefing_ids``, in their order: built once per corpus, used on every rerun.
    ``positions``: each event's briefing position, when known (a lean corpus keeps them:
    ``lean.follow_up_positions``); else looked up."""
    if positions is None:
        # Arrow's hash lookup: no Python string per briefing (a million of them at once).
        positions = positions_in(events[S.BRIEFING_ID], pd.Index(briefing_ids))
    # Each distinct list of countries is split once (a lean corpus holds them as
    # categories already); a missing list is one empty code, as an empty string splits.
    column = events[S.COUNTRIES]
    if isinstance(column.dtype, pd.CategoricalDtype):
        which = column.cat.codes.to_numpy(dtype=np.int64)
        distinct = column.cat.categories.to_numpy(dtype=object)
    else:
        which, distinct = pd.factorize(column)
        which = np.asarray(which, dtype=np.int64)
    lists = [str(value).split("|") for value in distinct] + [[""]]
    which = np.where(which < 0, len(lists) - 1, which)
    sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    numbers, countries = pd.factorize(np.asarray([c for codes in lists for c in codes], object))
    counts = sizes[which]
    # 32-bit where the numbers fit (they do below two billion entries): a million events
    # list two million countries, and each array of them is half the size.
    index = np.int32 if max(int(counts.sum()), len(numbers), len(events)) < 2**31 else np.int64
    at = spans((np.cumsum(sizes) - sizes)[which], counts, index)
    return EventLookup(
        positions=np.asarray(positions, dtype=np.int64),
        event_of=np.repeat(np.arange(len(events), dtype=index), counts),
        country_of=numbers.astype(index)[at],
        countries=pd.Index(countries),
    )


def selected_events(
    events: pd.DataFrame,
    briefings: pd.DataFrame | None,
    countries: Sequence[str] = (),
    country_match: str = "any",
    *,
    lookup: EventLookup | None = None,
    keep: np.ndarray | None = None,
) -> pd.DataFrame:
    """The events of the selected briefings in which the chosen countries act.

    Parameters:
        events: followed events (``followed_events``).
        briefings: the selected briefings (their ``briefing_id``); ``None`` with ``lookup``
            and ``keep``.
        countries: ISO codes; empty keeps every event.
        country_match: ``any`` keeps events where one of ``countries`` acts, ``all`` those
            where every one does.
        lookup, keep: instead of ``briefings``, the ``event_lookup`` of ``events`` over the
            whole corpus and a boolean per corpus briefing (is it selected?): the page's
            way, which looks nothing up on a rerun.

    Raises:
        InputError: when ``country_match`` is neither ``any`` nor ``all``, or neither the
            briefings nor a lookup and a selection are given.
    """
    if country_match not in ("any", "all"):
        raise InputError(f"country_match must be 'any' or 'all'; got {country_match!r}")
    if lookup is None or keep is None:
        if briefings is None:
            raise InputError(
                "the selected briefings are needed, or an event lookup and a selection of "
                "the corpus' briefings (lookup and keep)"
            )
        lookup = event_lookup(events, briefings[S.BRIEFING_ID])
        keep = np.ones(len(briefings), dtype=bool)
    found = lookup.positions >= 0
    rows = np.zeros(len(events), dtype=bool)
    rows[found] = keep[lookup.positions[found]]
    if countries:
        wanted = lookup.countries.get_indexer(list(dict.fromkeys(countries)))
        hit = np.isin(lookup.country_of, wanted[wanted >= 0])
        # Each event once per distinct country chosen ("USA|USA" names one country).
        # In 64 bits: an event's number times the countries' overflows 32.
        width = np.int64(len(lookup.countries) + 1)
        pairs = sorted_distinct(
            lookup.event_of[hit].astype(np.int64) * width + lookup.country_of[hit]
        )
        named = np.bincount(pairs // (len(lookup.countries) + 1), minlength=len(events))
        rows &= named == len(wanted) if country_match == "all" else named > 0
    if rows.all():
        # The events themselves when they are numbered from 0, as the corpus' are: a cache
        # of what the page draws of every event knows them (``ui.cache.watchlist_outlook``).
        default = isinstance(events.index, pd.RangeIndex) and events.index.equals(
            pd.RangeIndex(len(events))
        )
        return events if default else events.reset_index(drop=True)
    return cut_rows(events, rows)


def horizon_end(as_of: pd.Timestamp, horizon: str) -> pd.Timestamp | None:
    """The last day ``horizon`` reaches from ``as_of`` (``None``: no end).

    "this week" ends on the Sunday of ``as_of``'s week, "this month" on its last day.

    Raises:
        InputError: when ``horizon`` is not one of ``HORIZONS``.
    """
    if horizon not in HORIZONS:
        raise InputError(f"horizon must be one of {', '.join(HORIZONS)}; got {horizon!r}")
    if horizon == THIS_WEEK:
        return as_of + pd.Timedelta(days=6 - as_of.weekday())
    if horizon == THIS_MONTH:
        return as_of + pd.offsets.MonthEnd(0)
    return None


def upcoming_events(events: pd.DataFrame, as_of: pd.Timestamp, horizon: str) -> pd.DataFrame:
    """Events whose window has not ended by ``as_of`` and begins within ``horizon``.

    Sorted by window start, then end; an undated event counts from its briefing's day.
    """
    last = horizon_end(as_of, horizon)
    keep = events[S.WINDOW_END] >= as_of
    if last is not None:
        keep &= events[S.WINDOW_START] <= last
    return take_rows(events, _window_order(events, keep.to_numpy(dtype=bool), ascending=True))


@dataclass(frozen=True)
class OrderedEvents:
    """Events in a list's order, taken from ``events`` only as far as they are listed.

    Most of a large corpus' events are overdue: a page lists the first thousand and its
    CSV, built when asked, all of them, so taking every one on each filter change (a
    million rows in a new order) would cost more than the rest of the page.

    Attributes:
        events: the events the list is drawn from (``selected_events``).
        order: the positions in ``events`` of the listed ones, in the list's order.
    """

    events: pd.DataFrame
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.order)

    def head(self, n: int) -> pd.DataFrame:
        """The first ``n`` events of the list."""
        return take_rows(self.events, self.order[:n])

    def rows(self) -> pd.DataFrame:
        """Every event of the list, in its order."""
        return take_rows(self.events, self.order)


@dataclass(frozen=True)
class Outlook:
    """What the Watchlist draws of a selection's events, in one call a cache can keep.

    Attributes:
        upcoming: ``upcoming_events`` within the horizon.
        windows: ``timeline_rows`` of ``upcoming`` with ``LOAD_COLUMNS`` only (one row per
            event and acting country).
        focus: ``timeline_focus``, the days the timeline shows.
        load: ``timeline_load`` of ``windows`` over ``focus`` when they are more than the
            bars the timeline draws one by one; ``None`` when they are drawn one by one.
        overdue: ``overdue_list``.
    """

    upcoming: pd.DataFrame
    windows: pd.DataFrame
    focus: tuple[pd.Timestamp, pd.Timestamp]
    load: pd.DataFrame | None
    overdue: OrderedEvents


def outlook(
    events: pd.DataFrame,
    as_of: pd.Timestamp,
    horizon: str,
    names: Mapping[str, str],
    bars: int,
) -> Outlook:
    """The upcoming events within ``horizon``, their windows and load, and the overdue
    events of ``events`` (``selected_events``) as of ``as_of``: see ``Outlook``.

    Raises:
        InputError: when ``horizon`` is not one of ``HORIZONS``.
    """
    upcoming = upcoming_events(events, as_of, horizon)
    windows = timeline_rows(upcoming, names, columns=LOAD_COLUMNS)
    focus = timeline_focus(as_of, horizon, upcoming)
    load = timeline_load(windows, focus) if len(windows) > bars else None
    return Outlook(upcoming, windows, focus, load, overdue_list(events, as_of))


def overdue_list(events: pd.DataFrame, as_of: pd.Timestamp) -> OrderedEvents:
    """Events whose window ended before ``as_of``, latest window first, with follow-up."""
    past = (events[S.WINDOW_END] < as_of).to_numpy(dtype=bool)
    return OrderedEvents(events, _window_order(events, past, ascending=False))


def overdue_events(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``overdue_list``'s events, every one taken."""
    return overdue_list(events, as_of).rows()


def _window_order(events: pd.DataFrame, keep: np.ndarray, *, ascending: bool) -> np.ndarray:
    """The positions of the kept events by window (start then end; end then start, latest
    first, when descending), stably: found on the two window columns alone."""
    keys = [S.WINDOW_START, S.WINDOW_END] if ascending else [S.WINDOW_END, S.WINDOW_START]
    kept = np.flatnonzero(keep)
    windows = pa.table(
        {key: pa.array(events[key].to_numpy()[kept], from_pandas=True) for key in keys}
    )
    # Arrow's sort is stable, and puts missing windows last either way, as pandas does.
    direction = "ascending" if ascending else "descending"
    order = pc.sort_indices(windows, sort_keys=[(key, direction, "at_end") for key in keys])
    return kept[order.to_numpy()]


def event_record(
    events: pd.DataFrame | OrderedEvents, row: int | None, texts: pa.Table | None = None
) -> dict[str, object] | None:
    """Row ``row`` of ``events`` as a dict, every column (those held lean taken from
    ``texts``); ``None`` when no row is chosen or it is gone."""
    if row is None or not 0 <= row < len(events):
        return None
    picked = events.head(row + 1).iloc[[row]]
    return dict(with_event_texts(picked, texts).iloc[0])


def follow_up_counts(events: pd.DataFrame) -> dict[str, int]:
    """How many events have each follow-up status (every status, zeros included)."""
    counts = events[S.FOLLOW_UP].value_counts()
    return {status: int(counts.get(status, 0)) for status in S.FOLLOW_UPS}


def event_evidence(event: Mapping[str, object]) -> pd.DataFrame:
    """The reporting sentences of one followed event (``event_record``): ``date``,
    ``sentence`` per row, in date order (the briefing ids are in its ``evidence_ids``)."""
    text = str(event.get(S.EVIDENCE) or "")
    rows = []
    for line in text.split(" || ") if text else []:
        day, _, sentence = line.partition(": ")
        rows.append({S.DATE: day, S.SENTENCE: sentence})
    return pd.DataFrame(rows, columns=[S.DATE, S.SENTENCE])


def timeline_focus(
    as_of: pd.Timestamp, horizon: str, events: pd.DataFrame
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days the timeline shows: from ``as_of`` to the horizon's last day, or, for all
    upcoming events, to the latest window end but at most ``TIMELINE_YEARS`` years on."""
    end = horizon_end(as_of, horizon)
    if end is None:
        cap = as_of + pd.DateOffset(years=TIMELINE_YEARS)
        latest = pd.to_datetime(events[S.WINDOW_END]).max() if len(events) else as_of
        end = min(pd.Timestamp(latest), cap) if pd.notna(latest) else as_of
    return as_of, max(end, as_of)


# Above this many days the load is counted per week (Monday to Sunday), not per day.
LOAD_DAILY_DAYS = 62


def timeline_load(
    rows: pd.DataFrame, focus: tuple[pd.Timestamp, pd.Timestamp], *, countries: int = 30
) -> pd.DataFrame:
    """How many expected events each country has due on each day (or week) of ``focus``:
    the timeline when it holds too many windows to draw one by one.

    An event counts on every day its window covers inside ``focus`` (first and last day
    included); over more than ``LOAD_DAILY_DAYS`` days, on every week it touches, each week
    named by its Monday. Only the ``countries`` countries with the most events are kept.

    Parameters:
        rows: ``timeline_rows`` (one row per event and acting country).
        focus: the first and last day shown (``timeline_focus``).

    Returns:
        Columns ``country``, ``period`` (the day, or the week's Monday) and ``events``, one
        row per kept country and period (zeros included), countries with the most events
        first, then periods in order.
    """
    columns = [S.COUNTRY, "period", "events"]
    first, last = (pd.Timestamp(day).normalize() for day in focus)
    if rows.empty or last < first:
        return pd.DataFrame(columns=columns)
    weekly = (last - first).days + 1 > LOAD_DAILY_DAYS
    origin = first - pd.Timedelta(days=first.weekday()) if weekly else first
    step = 7 if weekly else 1
    days = pd.to_datetime(rows[S.WINDOW_START]).dt.normalize()
    ends = pd.to_datetime(rows[S.WINDOW_END]).dt.normalize()
    start_day = (days.clip(lower=first) - origin).dt.days.to_numpy()
    end_day = (ends.clip(upper=last) - origin).dt.days.to_numpy()
    inside = (days <= last).to_numpy() & (ends >= first).to_numpy() & (start_day <= end_day)
    codes, names = pd.factorize(rows[S.COUNTRY].to_numpy()[inside])
    periods = ((last - origin).days // step) + 1
    # Each window adds one from its first period to its last: a difference per country,
    # summed along the periods.
    change = np.zeros((len(names), periods + 1), dtype=np.int64)
    np.add.at(change, (codes, start_day[inside] // step), 1)
    np.add.at(change, (codes, end_day[inside] // step + 1), -1)
    load = np.cumsum(change[:, :periods], axis=1)
    totals = np.bincount(codes, minlength=len(names))
    keep = sorted(range(len(names)), key=lambda i: (-totals[i], str(names[i])))[:countries]
    starts = [origin + pd.Timedelta(days=step * k) for k in range(periods)]
    return pd.DataFrame(
        {
            S.COUNTRY: np.repeat(np.asarray(names, dtype=object)[keep], periods),
            "period": np.tile(np.array(starts, dtype="datetime64[ns]"), len(keep)),
            "events": load[keep].ravel(),
        }
    )


# The columns of ``timeline_rows``.
TIMELINE_COLUMNS: tuple[str, ...] = (
    S.COUNTRY,
    S.ISO3,
    S.WINDOW_START,
    S.WINDOW_END,
    S.EVENT_TYPE,
    S.CERTAINTY,
    S.WHEN,
    S.SENTENCE,
    S.BRIEFING_ID,
)
# Stands for a missing list of countries while they are split (no code holds it).
_NO_COUNTRIES = "\ufffe"


# The columns ``timeline_load`` counts from: ``timeline_rows(..., columns=LOAD_COLUMNS)``.
LOAD_COLUMNS: tuple[str, ...] = (S.COUNTRY, S.ISO3, S.WINDOW_START, S.WINDOW_END)


def timeline_rows(
    events: pd.DataFrame,
    names: Mapping[str, str],
    *,
    columns: Sequence[str] = TIMELINE_COLUMNS,
) -> pd.DataFrame:
    """One row per event and acting country for the timeline: country name, window, what.

    Columns: ``country`` (name), ``iso3``, ``window_start``, ``window_end`` (a one-day
    window drawn a day wide), ``event_type``, ``certainty``, ``when``, ``sentence`` (when
    ``events`` hold it: not lean ones, whose timeline of many events draws no sentence),
    ``briefing_id``; or only those of ``columns`` (``LOAD_COLUMNS``: what a count of the
    windows needs, without taking the texts of every upcoming event of a large corpus).

    Raises:
        InputError: when ``columns`` names one that is not a timeline column.
    """
    unknown = [c for c in columns if c not in TIMELINE_COLUMNS]
    if unknown:
        raise InputError(
            f"timeline columns are {', '.join(TIMELINE_COLUMNS)}; got {', '.join(unknown)}"
        )
    wanted = set(columns) - ({S.SENTENCE} - set(events.columns))
    columns = [c for c in TIMELINE_COLUMNS if c in wanted]  # in the timeline's order
    if events.empty:
        return pd.DataFrame(columns=columns)
    # Split by Arrow and each distinct code named once: a million upcoming events split
    # and named row by row in Python took half a second of every filter change. An event
    # without countries keeps one row with none, as ``DataFrame.explode`` gives it.
    listed = pa.array(events[S.COUNTRIES], from_pandas=True)
    if pa.types.is_dictionary(listed.type):
        listed = listed.dictionary_decode()  # held lean as categories
    split = pc.split_pattern(pc.fill_null(listed.cast(pa.string()), _NO_COUNTRIES), "|")
    flat = pc.list_flatten(split)
    codes = flat.to_numpy(zero_copy_only=False)
    codes[pc.equal(flat, _NO_COUNTRIES).to_numpy(zero_copy_only=False)] = np.nan
    numbers, distinct = pd.factorize(codes)
    named = np.array([names.get(code, code) for code in distinct] + [np.nan], dtype=object)
    other = [c for c in columns if c not in (S.COUNTRY, S.ISO3)]
    rows = expanded(take_rows(events[other], pc.list_parent_indices(split).to_numpy()))
    if S.ISO3 in columns:
        rows.insert(0, S.ISO3, codes)
    if S.COUNTRY in columns:
        rows.insert(0, S.COUNTRY, named[numbers])
    return rows


def event_table(events: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """The columns the page lists (``EVENT_COLUMNS``, plus follow-up when present), with
    country names instead of codes."""
    columns = [*EVENT_COLUMNS]
    if S.FOLLOW_UP in events.columns:
        columns.insert(5, S.FOLLOW_UP)
    table = expanded(events[columns]).copy()
    table[S.COUNTRIES] = table[S.COUNTRIES].map(
        lambda codes: ", ".join(names.get(code, code) for code in str(codes).split("|"))
    )
    table[S.WHEN] = _when_named(table)
    return table


def _when_named(table: pd.DataFrame) -> pd.Series:
    """The time as the sentence names it; for a sentence naming none, the window the
    watchlist gave it ("none named: 30 days from the briefing"), where the column had been
    blank beside a window that looked as if the text had named it."""
    when = table[S.WHEN].fillna("").astype(str)
    days = (pd.to_datetime(table[S.WINDOW_END]) - pd.to_datetime(table[S.WINDOW_START])).dt.days
    unnamed = when.str.strip() == ""
    assumed = "none named: " + days.astype("Int64").astype(str) + " days from the briefing"
    return when.where(~unnamed, assumed.where(days.notna(), "none named"))
