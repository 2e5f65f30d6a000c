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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.errors import InputError

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
        search: words that must all occur in the title or text (case-insensitive).
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


def filter_options(artefacts: Artefacts) -> FilterOptions:
    """List the dates, countries, topics, sources and sections a corpus offers."""
    dates = _utc_days(artefacts.briefings[S.DATE]).dropna()
    country_rows = artefacts.countries
    if country_rows.empty:
        countries: dict[str, str] = {}
    else:
        ranked = (
            country_rows.groupby([S.ISO3, S.COUNTRY], sort=False)[S.BRIEFING_ID]
            .nunique()
            .reset_index(name="n")
            .sort_values(["n", S.COUNTRY], ascending=[False, True], kind="stable")
        )
        countries = dict(zip(ranked[S.ISO3], ranked[S.COUNTRY], strict=True))
    summary = artefacts.topic_summary
    topics = (
        {int(t): str(label) for t, label in zip(summary[S.TOPIC_ID], summary["label"], strict=True)}
        if not summary.empty
        else {}
    )
    sources = pd.Series(artefacts.briefings[S.SOURCE].dropna().unique()).astype(str)
    present = set(artefacts.mentions[S.SECTION].unique()) | set(
        artefacts.interactions[S.SECTION].unique()
    )
    return FilterOptions(
        first_day=dates.min() if len(dates) else None,
        last_day=dates.max() if len(dates) else None,
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


def _utc_days(dates: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(dates, utc=True)
    return stamps.dt.date


@dataclass(frozen=True)
class CorpusIndex:
    """Lookups computed once per corpus so that filtering is array indexing.

    Attributes:
        positions: per table, each row's briefing position (-1 when its id is unknown).
        days: each briefing's UTC day (``datetime64[D]``, NaT when undated).
        codes: per table with an ``iso3`` column, each row's country as an integer
            (for ``interactions`` its ``country_a``; ``partners``: its ``country_b``).
        iso3s: the country codes behind those integers (``iso3s[code]``).
        titles, texts: the briefings' titles and texts; ``haystack`` is built from
            them on the first search only, since lower-casing every text is slow.
    """

    positions: Mapping[str, np.ndarray]
    days: np.ndarray
    codes: Mapping[str, np.ndarray]
    iso3s: pd.Index
    titles: pd.Series = dataclasses.field(repr=False)
    texts: pd.Series = dataclasses.field(repr=False)

    @functools.cached_property
    def haystack(self) -> pd.Series:
        """Each briefing's lower-cased title and text, for search."""
        return (
            self.titles.fillna("").astype(str) + "\n" + self.texts.fillna("").astype(str)
        ).str.lower()


_ID_TABLES = ("briefings", "mentions", "countries", "topics", "interactions")
# The tables a FilteredCorpus offers as attributes.
VIEW_TABLES: tuple[str, ...] = (*_ID_TABLES, "headers", "topic_summary")
HEADER_COLUMNS: tuple[str, ...] = (S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE)


class LazyLookups(Mapping[str, np.ndarray]):
    """A read-only mapping of per-table arrays, each built on first use and kept.

    The mention table of a large corpus has millions of rows, and its lookups are
    needed only for a section filter or the reader: building them when the
    dashboard opens would make the analyst wait for nothing.

    Parameters:
        builders: name -> function building that array.
    """

    def __init__(self, builders: Mapping[str, Callable[[], np.ndarray]]) -> None:
        self._builders = dict(builders)
        self._built: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in self._builders

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def index_corpus(artefacts: Artefacts) -> CorpusIndex:
    """Build the lookups ``apply_filters`` uses; cache the result with the corpus.

    The lookups of each table are built on first use (see ``LazyLookups``).
    """
    briefings = artefacts.briefings
    ids = pd.Index(briefings[S.BRIEFING_ID])

    def positions_of(name: str) -> Callable[[], np.ndarray]:
        return lambda: ids.get_indexer(getattr(artefacts, name)[S.BRIEFING_ID]).astype(np.int64)

    positions = LazyLookups({name: positions_of(name) for name in _ID_TABLES})
    stamps = pd.to_datetime(briefings[S.DATE], utc=True)
    days = stamps.dt.tz_convert(None).to_numpy().astype("datetime64[D]")
    interactions = artefacts.interactions
    # Distinct values first: building a set from millions of Arrow strings is slow.
    known = pd.Index(
        sorted(
            set(artefacts.countries[S.ISO3].dropna().unique())
            | set(artefacts.mentions[S.ISO3].dropna().unique())
            | set(interactions[S.COUNTRY_A].dropna().unique())
            | set(interactions[S.COUNTRY_B].dropna().unique())
        )
    )

    def codes_of(column: pd.Series) -> Callable[[], np.ndarray]:
        return lambda: known.get_indexer(column).astype(np.int64)

    codes = LazyLookups(
        {
            "mentions": codes_of(artefacts.mentions[S.ISO3]),
            "countries": codes_of(artefacts.countries[S.ISO3]),
            "interactions": codes_of(interactions[S.COUNTRY_A]),
            "partners": codes_of(interactions[S.COUNTRY_B]),
        }
    )
    return CorpusIndex(
        positions=positions,
        days=days,
        codes=codes,
        iso3s=known,
        titles=briefings[S.TITLE],
        texts=briefings[S.TEXT],
    )


def _selects_briefings(filters: Filters) -> bool:
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
    for word in filters.search.lower().split():
        keep &= index.haystack.str.contains(word, regex=False).to_numpy(dtype=bool)
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
        # Count each (briefing, country) once, however many rows name it.
        width = np.int64(len(index.iso3s) + 1)
        cells = np.unique(index.positions["countries"][rows] * width + codes[rows])
        hits = np.bincount(cells // width, minlength=count)
        keep &= hits >= (len(set(filters.countries)) if filters.country_match == "all" else 1)
    return keep


@dataclass(frozen=True)
class TableCodes:
    """Integer stand-ins for the briefing ids (and countries) of a table, row by row.

    Views count distinct briefings per group on these instead of hashing id
    strings, which is most of their work on a large corpus.

    Attributes:
        briefing: each row's briefing as an integer (equal ids, equal integers).
        country: each row's country (``country_a`` for interactions) as a position
            in ``iso3s`` (-1 when unknown); ``None`` for a table without countries.
        partner: each interaction's ``country_b`` the same way; ``None`` elsewhere.
        iso3s: the sorted country codes ``country`` and ``partner`` point into.
    """

    briefing: np.ndarray
    country: np.ndarray | None = None
    partner: np.ndarray | None = None
    iso3s: pd.Index | None = None


def table_codes(*tables: pd.DataFrame) -> tuple[TableCodes, ...]:
    """Integer codes for tables that do not come from a ``FilteredCorpus``, one per table.

    The views count on integer codes only; a caller without ``FilteredCorpus.codes``
    gets the same kind of codes here. The briefing ids of all ``tables`` are numbered
    together (equal ids, equal integers across the tables; a missing id is -1), and
    each table's countries (``iso3``, or ``country_a`` and ``country_b``) point into
    the sorted codes found in any of them, as the corpus index does.

    Returns:
        One ``TableCodes`` per table, in the order given.
    """
    ids = pd.concat([table[S.BRIEFING_ID] for table in tables], ignore_index=True)
    briefing = pd.factorize(ids)[0].astype(np.int64)
    ends = np.cumsum([len(table) for table in tables])

    def country_column(table: pd.DataFrame) -> str | None:
        return S.ISO3 if S.ISO3 in table else S.COUNTRY_A if S.COUNTRY_A in table else None

    found: set[Any] = set()
    for table in tables:
        for column in (country_column(table), S.COUNTRY_B if S.COUNTRY_B in table else None):
            if column is not None:
                found |= set(table[column].dropna().unique())
    iso3s = pd.Index(sorted(found))

    def codes_of(table: pd.DataFrame, column: str | None) -> np.ndarray | None:
        return None if column is None else iso3s.get_indexer(table[column]).astype(np.int64)

    return tuple(
        TableCodes(
            briefing=briefing[end - len(table) : end],
            country=codes_of(table, country_column(table)),
            partner=codes_of(table, S.COUNTRY_B if S.COUNTRY_B in table else None),
            iso3s=iso3s,
        )
        for table, end in zip(tables, ends, strict=True)
    )


class FilteredCorpus:
    """The corpus restricted to a selection, each table cut on first use.

    It reads like an ``Artefacts`` (same table attributes, fingerprint, versions)
    but a page that never looks at, say, the 1.6 million mention rows of a large
    corpus never pays for filtering them. ``artefacts()`` gives every table at once;
    ``codes(name)`` gives integer codes aligned with a table's rows.

    Parameters:
        artefacts: the unfiltered corpus (never modified).
        filters: the selection.
        index: ``index_corpus(artefacts)``, computed once and reused across calls.
    """

    def __init__(
        self, artefacts: Artefacts, filters: Filters, index: CorpusIndex | None = None
    ) -> None:
        self.corpus = artefacts
        self.filters = filters
        self.index = index or index_corpus(artefacts)
        self.fingerprint = artefacts.fingerprint
        self.versions = artefacts.versions
        self.report = artefacts.report
        # No condition at all: every table is the corpus' own, as ``apply_filters`` promises.
        self.untouched = not _selects_briefings(filters) and filters.section is None
        self._rows: dict[str, np.ndarray] = {}
        self._codes: dict[str, TableCodes] = {}

    @functools.cached_property
    def everything(self) -> bool:
        """Does the selection keep the whole corpus (e.g. dates spanning all of it)?"""
        return self.filters.section is None and bool(self.keep.all())

    @functools.cached_property
    def keep(self) -> np.ndarray:
        """A boolean per corpus briefing (corpus order): is it selected?"""
        if not _selects_briefings(self.filters):
            return np.ones(len(self.corpus.briefings), dtype=bool)
        return briefing_mask(self.corpus, self.filters, self.index)

    def rows(self, name: str) -> np.ndarray:
        """A boolean per row of the corpus table ``name``: is the row selected?

        Rows follow their briefing; with a section, mentions and interactions must
        be in that section and a briefing keeps a country only if it is named there.
        """
        if name not in self._rows:
            self._rows[name] = self._select_rows(name)
        return self._rows[name]

    def _select_rows(self, name: str) -> np.ndarray:
        if name == "briefings":
            return self.keep
        positions = self.index.positions[name]
        rows = (positions >= 0) & self.keep[np.maximum(positions, 0)]
        section = self.filters.section
        if section is None:
            return rows
        if name in ("mentions", "interactions"):
            return rows & (getattr(self.corpus, name)[S.SECTION] == section).to_numpy(dtype=bool)
        if name == "countries":
            index = self.index
            width = np.int64(len(index.iso3s) + 1)
            said = self.rows("mentions")
            named = index.positions["mentions"][said] * width + index.codes["mentions"][said]
            keys = index.positions["countries"] * width + index.codes["countries"]
            return rows & np.isin(keys, named)
        return rows

    def _take(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        table = getattr(self.corpus, name)
        if columns is not None:
            table = table[columns]
        rows = self.rows(name)
        if self.untouched or rows.all():
            return table
        return table[rows].reset_index(drop=True)

    def name_of(self, value: object) -> str | None:
        """Which table (or table codes) of this view ``value`` is, e.g. ``"countries"``.

        A cache keys results on these names: for one corpus fingerprint and an unfiltered
        view, the table of a name always holds the same rows.

        Returns:
            The table's name (``"codes:<table>"`` for ``codes(<table>)``; ``"corpus:<table>"``
            for an unfiltered corpus table); ``None`` when ``value`` is none of them.
        """
        for name in VIEW_TABLES:
            if name in self.__dict__ and self.__dict__[name] is value:
                return name
        for name, codes in self._codes.items():
            if codes is value:
                return f"codes:{name}"
        for name in VIEW_TABLES:
            if getattr(self.corpus, name, None) is value:
                return f"corpus:{name}"
        return None

    def codes(self, name: str) -> TableCodes:
        """Integer codes aligned with the rows of the filtered table ``name``."""
        if name not in self._codes:
            rows = self.rows(name)
            country = self.index.codes.get(name)
            partner = self.index.codes.get("partners") if name == "interactions" else None
            self._codes[name] = TableCodes(
                briefing=self.index.positions[name][rows],
                country=None if country is None else country[rows],
                partner=None if partner is None else partner[rows],
                iso3s=self.index.iso3s,
            )
        return self._codes[name]

    @functools.cached_property
    def briefings(self) -> pd.DataFrame:
        """The selected briefings."""
        return self._take("briefings")

    @functools.cached_property
    def headers(self) -> pd.DataFrame:
        """The selected briefings' id, date, title and source, without the long texts.

        Enough for every count over time and every listing, and several times
        cheaper to cut from a large corpus than ``briefings``.
        """
        columns = [c for c in HEADER_COLUMNS if c in self.corpus.briefings.columns]
        if "briefings" in self.__dict__:
            return self.briefings[columns]
        return self._take("briefings", columns)

    @functools.cached_property
    def mentions(self) -> pd.DataFrame:
        """The mentions in the selected briefings (and section)."""
        return self._take("mentions")

    @functools.cached_property
    def interactions(self) -> pd.DataFrame:
        """The interactions in the selected briefings (and section)."""
        return self._take("interactions")

    @functools.cached_property
    def countries(self) -> pd.DataFrame:
        """The briefing-country rows of the selected briefings (and section)."""
        return self._take("countries")

    @functools.cached_property
    def topics(self) -> pd.DataFrame:
        """The topic rows of the selected briefings."""
        return self._take("topics")

    @functools.cached_property
    def topic_summary(self) -> pd.DataFrame:
        """Every topic, ``n_briefings`` recounted on the selection."""
        summary = self.corpus.topic_summary
        if self.untouched:
            return summary
        summary = summary.copy()
        if not summary.empty:
            rows = self.rows("topics")
            topic_ids = self.corpus.topics[S.TOPIC_ID].to_numpy(dtype=np.int64)[rows]
            briefings = self.index.positions["topics"][rows]
            # Distinct (topic, briefing) pairs on integers, then briefings per topic.
            pairs = pd.DataFrame({"topic": topic_ids, "briefing": briefings}).drop_duplicates()
            sizes = pairs["topic"].value_counts()
            summary[S.N_BRIEFINGS] = summary[S.TOPIC_ID].map(sizes).fillna(0).astype(int)
        return summary

    def artefacts(self) -> Artefacts:
        """Every table at once, as an ``Artefacts`` (the corpus itself when nothing is filtered)."""
        if self.untouched:
            return self.corpus
        return dataclasses.replace(
            self.corpus,
            briefings=self.briefings,
            mentions=self.mentions,
            countries=self.countries,
            topics=self.topics,
            topic_summary=self.topic_summary,
            interactions=self.interactions,
        )

    def only_briefing(self, briefing_id: str) -> Artefacts:
        """One briefing's selected rows (briefings, mentions, interactions), found by position.

        Cheaper than ``artefacts()`` when a reader shows a single briefing.
        """
        chosen = (self.corpus.briefings[S.BRIEFING_ID] == briefing_id).to_numpy(dtype=bool)
        chosen = chosen & self.keep
        wanted = np.flatnonzero(chosen)

        def rows(name: str) -> pd.DataFrame:
            table = getattr(self.corpus, name)
            found = np.flatnonzero(np.isin(self.index.positions[name], wanted))
            picked = table.iloc[found]
            if self.filters.section is not None:
                picked = picked[(picked[S.SECTION] == self.filters.section).to_numpy(dtype=bool)]
            return picked.reset_index(drop=True)

        return dataclasses.replace(
            self.corpus,
            briefings=self.corpus.briefings[chosen].reset_index(drop=True),
            mentions=rows("mentions"),
            interactions=rows("interactions"),
        )


def apply_filters(
    artefacts: Artefacts, filters: Filters, index: CorpusIndex | None = None
) -> Artefacts:
    """Restrict every table of ``artefacts`` to what ``filters`` select.

    Parameters:
        artefacts: the unfiltered corpus (left untouched).
        filters: the selection.
        index: ``index_corpus(artefacts)``, computed once and reused across calls.

    Returns:
        A new ``Artefacts`` with the same fingerprint and versions whose tables hold
        only the selected briefings (and, with a section, only that section's
        mentions, interactions and briefing-country rows). ``topic_summary`` keeps
        every topic with ``n_briefings`` recounted on the selection. When nothing
        is filtered the tables are the corpus' own (views never modify them).
    """
    if not _selects_briefings(filters) and filters.section is None:
        return artefacts
    return FilteredCorpus(artefacts, filters, index).artefacts()
