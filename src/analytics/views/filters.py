"""The analyst's selection as one frozen value, applied to every table alike.

A ``Filters`` picks briefings once (dates, countries, topics, sources, free-text
search); every table of the ``Artefacts`` is then restricted to those briefing
ids, so all views agree on what "the filtered corpus" is. A section restricts the
section-level tables (mentions, interactions) and the briefing-country table to
what was said in that section.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.artefacts import ID_TABLES, Artefacts, TableReader, positions_in, table_lookups
from analytics.errors import InputError
from analytics.search import TextSearch, search_words, searchable_texts
from analytics.tallies import distinct_counts, sorted_distinct

MATCH_MODES: tuple[str, ...] = ("any", "all")
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
FILTER_SECTIONS: tuple[str, ...] = S.SEGMENT_SECTIONS


@dataclass(frozen=True)
class Filters:
    """What the analyst selected; the defaults select everything.

    Attributes:
        start, end: first and last day included (UTC dates); ``None`` leaves the side open.
        countries: ISO 3166 alpha-3 codes; empty means no country condition.
        country_match: ``any`` keeps briefings mentioning at least one of ``countries``,
            ``all`` those mentioning every one.
        topics: topic ids; empty means every topic.
        sources: briefing sources; empty means every source.
        search: words that must all occur in the title or text (case-insensitive
            substrings; see ``analytics.search``).
        section: restrict mentions and interactions to one section; ``None`` for all.
        period: the time bucket of over-time views: week, month or quarter.
    """

    start: date | None = None
    end: date | None = None
    countries: tuple[str, ...] = ()
    country_match: str = "any"
    topics: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    search: str = ""
    section: str | None = None
    period: str = "month"

    def __post_init__(self) -> None:
        if self.country_match not in MATCH_MODES:
            raise InputError(
                f"country_match must be one of {', '.join(MATCH_MODES)}; got {self.country_match!r}"
            )
        if self.period not in PERIODS:
            raise InputError(f"period must be one of {', '.join(PERIODS)}; got {self.period!r}")
        if self.section is not None and self.section not in FILTER_SECTIONS:
            raise InputError(
                f"section must be one of {', '.join(FILTER_SECTIONS)} or None; got {self.section!r}"
            )
        if self.start is not None and self.end is not None and self.start > self.end:
            raise InputError(
                f"start must not be after end; got start={self.start!r}, end={self.end!r}"
            )

    def describe(self) -> dict[str, str]:
        """The non-default settings as text, e.g. for an export's provenance header."""
        described: dict[str, str] = {}
        default = Filters()
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value == getattr(default, item.name):
                continue
            if isinstance(value, tuple):
                value = ", ".join(str(v) for v in value)
            described[item.name] = str(value)
        return described


@dataclass(frozen=True)
class FilterOptions:
    """What can be selected in a corpus (what the sidebar widgets offer)."""

    first_day: date | None
    last_day: date | None
    countries: dict[str, str]  # iso3 -> name, most mentioned first
    topics: dict[int, str]  # topic id -> label
    sources: tuple[str, ...]
    sections: tuple[str, ...]


def filter_options(artefacts: Artefacts, index: CorpusIndex | None = None) -> FilterOptions:
    """List the dates, countries, topics, sources and sections a corpus offers.

    Countries are ranked by the briefings naming them (ties: by name, then first seen),
    counted on the lookups of ``index`` (``index_corpus(artefacts)`` when not given).
    """
    stamps = pd.to_datetime(artefacts.briefings[S.DATE], utc=True).dropna()
    index = index or index_corpus(artefacts)
    country_rows = artefacts.countries
    if country_rows.empty:
        countries: dict[str, str] = {}
    else:
        iso3 = np.asarray(index.codes["countries"], dtype=np.int64)
        names, labels = pd.factorize(country_rows[S.COUNTRY])
        # Each (code, name) pair as one number, numbered in the order first seen.
        pairs = np.where((iso3 >= 0) & (names >= 0), iso3 * len(labels) + names, -1)
        numbers, seen = pd.factorize(pairs[pairs >= 0])
        group = np.full(len(pairs), -1, dtype=np.int64)
        group[pairs >= 0] = numbers
        briefings = np.asarray(index.positions["countries"], dtype=np.int64)
        ranked = pd.DataFrame(
            {
                S.ISO3: index.iso3s[seen // len(labels)],
                S.COUNTRY: np.asarray(labels, dtype=object)[seen % len(labels)],
                "n": distinct_counts(group, briefings, len(seen)),
            }
        ).sort_values(["n", S.COUNTRY], ascending=[False, True], kind="stable")
        countries = dict(zip(ranked[S.ISO3], ranked[S.COUNTRY], strict=True))
    summary = artefacts.topic_summary
    topics = (
        {int(t): str(label) for t, label in zip(summary[S.TOPIC_ID], summary["label"], strict=True)}
        if not summary.empty
        else {}
    )
    sources = pd.Series(artefacts.briefings[S.SOURCE].dropna().unique()).astype(str)
    held = artefacts.lookups
    if held is not None and held.named_sections is not None:
        present = set(held.named_sections)
    else:
        present = set(artefacts.mentions[S.SECTION].unique())
        present |= set(artefacts.interactions[S.SECTION].unique())
    return FilterOptions(
        first_day=stamps.min().date() if len(stamps) else None,
        last_day=stamps.max().date() if len(stamps) else None,
        countries=countries,
        topics=topics,
        sources=tuple(sorted(set(sources[sources != ""]))),
        sections=tuple(s for s in FILTER_SECTIONS if s in present),
    )


def split_known(values: Iterable[Any], known: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """Separate ``values`` into those found in ``known`` and the rest, keeping order."""
    allowed = set(known)
    kept: list[Any] = []
    unknown: list[Any] = []
    for value in values:
        (kept if value in allowed else unknown).append(value)
    return kept, unknown


@dataclass(frozen=True)
class CarriedSelection:
    """A selection moved onto another corpus: what still applies there, what was dropped.

    Attributes:
        countries, sources: the chosen values the new corpus has, in their order.
        section: the chosen section, or ``None`` when the new corpus lacks it.
        dropped: one phrase per kind of dropped value, e.g. ``"countries 'ATA'"``.
    """

    countries: tuple[str, ...]
    sources: tuple[str, ...]
    section: str | None
    dropped: tuple[str, ...]


def carry_selection(
    options: FilterOptions,
    *,
    countries: Iterable[str] = (),
    topics: Iterable[int] = (),
    sources: Iterable[str] = (),
    section: str | None = None,
) -> CarriedSelection:
    """Keep the chosen values that exist in a corpus with ``options``; name the rest.

    Topics are always dropped: topic ids number one corpus' fitted topics, so the
    same id means another topic in another corpus. Dates are not carried: a new
    corpus is shown over its whole range.
    """
    kept_countries, lost_countries = split_known(countries, options.countries)
    kept_sources, lost_sources = split_known(sources, options.sources)
    lost_topics = list(topics)
    dropped = []
    if lost_countries:
        dropped.append("countries " + ", ".join(repr(c) for c in lost_countries))
    if lost_topics:
        dropped.append(f"topics ({len(lost_topics)} chosen; each corpus has its own)")
    if lost_sources:
        dropped.append("sources " + ", ".join(repr(s) for s in lost_sources))
    kept_section = section if section in options.sections else None
    if section is not None and kept_section is None:
        dropped.append(f"section {section!r}")
    return CarriedSelection(
        countries=tuple(kept_countries),
        sources=tuple(kept_sources),
        section=kept_section,
        dropped=tuple(dropped),
    )


def follow_dates(
    selected: Sequence[date] | None,
    before: tuple[date | None, date | None],
    after: FilterOptions,
) -> tuple[date, date] | None:
    """The date selection to keep when a corpus is updated in place (briefings added).

    An end (start) that was at the old corpus' last (first) day follows the corpus to
    its new last (first) day, so newly added briefings are shown; any other chosen day
    is kept, moved inside the new range when it fell outside.

    Parameters:
        selected: the chosen first and last day (one day: that day for both), or None.
        before: the old corpus' first and last day.
        after: the updated corpus' options.

    Returns:
        The days to select, or None when the updated corpus has no dated briefing.
    """
    first, last = after.first_day, after.last_day
    if first is None or last is None:
        return None
    days = list(selected or [])
    if not days:
        return (first, last)
    start, end = min(days[0], days[-1]), max(days[0], days[-1])
    old_first, old_last = before
    start = first if old_first is None or start <= old_first else start
    end = last if old_last is None or end >= old_last else end
    start, end = min(max(start, first), last), max(min(end, last), first)
    return (start, end) if start <= end else (first, last)


class LinkDates(NamedTuple):
    """A link's date range fitted into the corpus (``fit_link_dates``)."""

    days: tuple[date, date]  # the first and last day to select
    moved: tuple[tuple[str, date], ...]  # each value of the link moved, and where to


def fit_link_dates(
    values: Sequence[str], first: date | None, last: date | None
) -> LinkDates | None:
    """A link's two dates fitted into the corpus' range, when one of them falls outside it.

    A link reaching past the corpus (``dates=1987-08-01&dates=1987-10-31`` over a corpus
    ending on 20 October) had its whole range ignored; the day outside now moves to the
    corpus' nearer edge and the other is kept.

    Parameters:
        values: the link's ``dates`` values (two ``YYYY-MM-DD`` strings to be fitted).
        first, last: the corpus' first and last day.

    Returns:
        The range to select and the values moved; ``None`` when there is nothing to fit:
        not two valid dates, both inside the corpus, or a range that misses it entirely.
    """
    if first is None or last is None or len(values) != 2:
        return None
    try:
        days = sorted(date.fromisoformat(value) for value in values)
    except ValueError:
        return None
    start, end = days
    if end < first or start > last or (first <= start and end <= last):
        return None
    fitted = (max(start, first), min(end, last))
    moved = tuple(
        (day.isoformat(), edge) for day, edge in zip(days, fitted, strict=True) if day != edge
    )
    return LinkDates(fitted, moved)


@dataclass(frozen=True)
class CorpusIndex:
    """Lookups computed once per corpus so that filtering is array indexing.

    Attributes:
        positions: per table, each row's briefing position (-1 when its id is unknown).
        days: each briefing's UTC day (``datetime64[D]``, NaT when undated).
        codes: per table with an ``iso3`` column, each row's country as an integer
            (for ``interactions`` its ``country_a``; ``partners``: its ``country_b``).
        iso3s: the country codes behind those integers (``iso3s[code]``).
        sections: for ``mentions`` and ``interactions``, each row's section as a position
            in ``FILTER_SECTIONS`` (-1: another section).
        titles, texts: the briefings' titles and texts; ``haystack`` is built from
            them on the first scan only, since lower-casing every text is slow. A lean
            corpus holds no texts (``None``): a scan reads them from ``reader`` a file
            at a time.
        ids: the briefing ids (corpus order), to place the text index's hits.
        text_index: the store's text index, which answers the search words it can
            without a scan; ``None`` for a corpus without a store.
        reader: the lean corpus' store reader (``Artefacts.reader``); ``None`` in memory.
        in_order: the tables whose rows follow their briefings
            (``TableLookups.in_order``; ``None``: not known).
    """

    positions: Mapping[str, np.ndarray]
    days: np.ndarray
    codes: Mapping[str, np.ndarray]
    iso3s: pd.Index
    titles: pd.Series = dataclasses.field(repr=False)
    texts: pd.Series | None = dataclasses.field(repr=False)
    ids: pd.Index = dataclasses.field(repr=False)
    text_index: TextSearch | None = dataclasses.field(repr=False)
    sections: Mapping[str, np.ndarray] = dataclasses.field(default_factory=dict, repr=False)
    reader: TableReader | None = dataclasses.field(default=None, repr=False)
    in_order: frozenset[str] | None = dataclasses.field(default=None, repr=False)
    # The masks of the last searches, by their words: a rerun with the search box unchanged
    # (any other filter changed) reads the mask instead of asking the index or scanning again.
    _searches: OrderedDict[tuple[str, ...], np.ndarray] = dataclasses.field(
        default_factory=OrderedDict, repr=False, compare=False
    )
    _searches_lock: threading.Lock = dataclasses.field(
        default_factory=threading.Lock, repr=False, compare=False
    )

    @functools.cached_property
    def haystack(self) -> pd.Series:
        """Each briefing's searchable text (``analytics.search.searchable_texts``), for a scan."""
        if self.texts is None:
            raise InputError("a lean corpus holds no texts to scan; its reader reads them")
        return searchable_texts(self.titles, self.texts)

    def position_of(self, briefing_id: str) -> int:
        """The position of the briefing ``briefing_id`` in the corpus (-1: not there).

        Found by one comparison of the ids: ``ids.get_indexer`` would build and keep a
        hash table of every id as a Python string (about 100 MB at a million briefings)
        for the one id the reader asks about on each rerun.
        """
        found = np.flatnonzero(self.ids == briefing_id)
        return int(found[0]) if len(found) else -1

    def in_section(self, name: str, section: str) -> np.ndarray:
        """A boolean per row of ``mentions`` or ``interactions``: is it in ``section``?"""
        return self.sections[name] == FILTER_SECTIONS.index(section)

    def scan(self, words: Sequence[str]) -> np.ndarray:
        """A boolean per briefing: does its title or text hold every one of ``words``?

        In memory the lower-cased texts are kept after the first scan; a lean corpus
        reads its titles and texts a store file at a time, so memory holds one file's.
        """
        keep = np.ones(len(self.titles), dtype=bool)
        if self.reader is None:
            for word in words:
                keep &= self.haystack.str.contains(word, regex=False).to_numpy(dtype=bool)
            return keep
        for orders, piece in self.reader.chunks("briefings", [S.TITLE, S.TEXT]):
            texts = searchable_texts(piece[S.TITLE], piece[S.TEXT])
            found = np.ones(len(piece), dtype=bool)
            for word in words:
                found &= texts.str.contains(word, regex=False).to_numpy(dtype=bool)
            keep[orders] = found
        return keep

    @functools.cached_property
    def _index_positions(self) -> np.ndarray:
        """Each text index row's position in the corpus (-1 for an id it does not hold),
        looked up once: a search then places its hits by array indexing."""
        if self.text_index is None:
            return np.zeros(0, dtype=np.int64)
        return positions_in(pd.Series(self.text_index.row_ids(), dtype=object), self.ids)

    def search_mask(self, query: str) -> np.ndarray:
        """A boolean per briefing (corpus order): does its title or text hold every word?

        Words the text index can answer (``TextSearch.answers``) are looked up there; the
        others, and every word of a corpus without an index, are scanned for. The masks of
        the last ``SEARCHES_KEPT`` searches are kept (read-only), keyed by their words in
        any order, so a rerun with the same search costs nothing.
        """
        key = tuple(sorted(set(search_words(query))))
        with self._searches_lock:
            kept = self._searches.get(key)
            if kept is not None:
                self._searches.move_to_end(key)
                return kept
        mask = self._search_mask(list(key))
        mask.flags.writeable = False
        with self._searches_lock:
            self._searches[key] = mask
            while len(self._searches) > SEARCHES_KEPT:
                self._searches.popitem(last=False)
        return mask

    def _search_mask(self, words: list[str]) -> np.ndarray:
        keep = np.ones(len(self.titles), dtype=bool)
        index = self.text_index
        indexed = [w for w in words if index.answers(w)] if index is not None else []
        if indexed and index is not None:
            positions = self._index_positions[index.rows(indexed)]
            found = np.zeros(len(keep), dtype=bool)
            found[positions[positions >= 0]] = True
            keep &= found
        scanned = [word for word in words if word not in indexed]
        if scanned:
            keep &= self.scan(scanned)
        return keep


# Searches whose masks a CorpusIndex keeps (a boolean per briefing each: 1 MB at a million).
SEARCHES_KEPT = 8

# The tables a FilteredCorpus offers as attributes.
VIEW_TABLES: tuple[str, ...] = (
    *ID_TABLES,
    "headers",
    "dates",
    "topic_summary",
    "recent_countries",
    "attention_dates",
)
HEADER_COLUMNS: tuple[str, ...] = (S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE)


def index_corpus(artefacts: Artefacts) -> CorpusIndex:
    """Build the lookups ``apply_filters`` uses; cache the result with the corpus.

    The lookups of each table are built on first use (``artefacts.table_lookups``); a
    lean corpus brings its own (``Artefacts.lookups``).
    """
    briefings = artefacts.briefings
    lookups = table_lookups(artefacts)
    stamps = pd.to_datetime(briefings[S.DATE], utc=True)
    return CorpusIndex(
        positions=lookups.positions,
        days=stamps.dt.tz_convert(None).to_numpy().astype("datetime64[D]"),
        codes=lookups.codes,
        iso3s=lookups.iso3s,
        titles=briefings[S.TITLE],
        texts=None if artefacts.reader is not None else briefings[S.TEXT],
        ids=pd.Index(briefings[S.BRIEFING_ID]),
        text_index=artefacts.text_index,
        sections=lookups.sections,
        reader=artefacts.reader,
        in_order=lookups.in_order,
    )


def selects_briefings(filters: Filters) -> bool:
    return bool(
        filters.start is not None
        or filters.end is not None
        or filters.countries
        or filters.topics
        or filters.sources
        or filters.search.strip()
    )


def briefing_mask(artefacts: Artefacts, filters: Filters, index: CorpusIndex) -> np.ndarray:
    """A boolean per briefing (corpus order): does the briefing pass the filters?"""
    briefings = artefacts.briefings
    count = len(briefings)
    keep = np.ones(count, dtype=bool)
    if filters.start is not None:
        keep &= index.days >= np.datetime64(filters.start, "D")
    if filters.end is not None:
        keep &= index.days <= np.datetime64(filters.end, "D")
    if filters.sources:
        keep &= briefings[S.SOURCE].isin(filters.sources).to_numpy(dtype=bool)
    if filters.search.strip():
        keep &= index.search_mask(filters.search)
    if filters.topics:
        rows = artefacts.topics[S.TOPIC_ID].isin(filters.topics).to_numpy(dtype=bool)
        in_topic = np.zeros(count, dtype=bool)
        positions = index.positions["topics"][rows]
        in_topic[positions[positions >= 0]] = True
        keep &= in_topic
    if filters.countries:
        wanted = index.iso3s.get_indexer(list(dict.fromkeys(filters.countries)))
        codes = index.codes["countries"]
        rows = np.isin(codes, wanted[wanted >= 0]) & (index.positions["countries"] >= 0)
        needed = len(set(filters.countries)) if filters.country_match == "all" else 1
        if needed == 1:
            # One country named is enough: no need to count them.
            named = np.zeros(count, dtype=bool)
            named[index.positions["countries"][rows]] = True
            keep &= named
        else:
            # Count each (briefing, country) once, however many rows name it.
            width = np.int64(len(index.iso3s) + 1)
            cells = sorted_distinct(index.positions["countries"][rows] * width + codes[rows])
            keep &= np.bincount(cells // width, minlength=count) >= needed
    return keep
