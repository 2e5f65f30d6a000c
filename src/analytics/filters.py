"""The analyst's selection as one frozen value, applied to every table alike.

A ``Filters`` picks briefings once (dates, countries, topics, sources, free-text
search); every table of the ``Artefacts`` is then restricted to those briefing
ids, so all views agree on what "the filtered corpus" is. A section restricts the
section-level tables (mentions, interactions) and the briefing-country table to
what was said in that section.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
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
    sources = artefacts.briefings[S.SOURCE].dropna().astype(str)
    present = set(artefacts.mentions[S.SECTION]) | set(artefacts.interactions[S.SECTION])
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


def _utc_days(dates: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(dates, utc=True)
    return stamps.dt.date


@dataclass(frozen=True)
class CorpusIndex:
    """Lookups computed once per corpus so that filtering is array indexing.

    Attributes:
        positions: per table, each row's briefing position (-1 when its id is unknown).
        days: each briefing's UTC day (``datetime64[D]``, NaT when undated).
        haystack: each briefing's lower-cased title and text, for search.
        codes: per table with an ``iso3`` column, each row's country as an integer.
    """

    positions: dict[str, np.ndarray]
    days: np.ndarray
    haystack: pd.Series
    codes: dict[str, np.ndarray]


_ID_TABLES = ("briefings", "mentions", "countries", "topics", "interactions")


def index_corpus(artefacts: Artefacts) -> CorpusIndex:
    """Build the lookups ``apply_filters`` uses; cache the result with the corpus."""
    briefings = artefacts.briefings
    ids = pd.Index(briefings[S.BRIEFING_ID])
    positions = {
        name: ids.get_indexer(getattr(artefacts, name)[S.BRIEFING_ID]).astype(np.int64)
        for name in _ID_TABLES
    }
    stamps = pd.to_datetime(briefings[S.DATE], utc=True)
    days = stamps.dt.tz_convert(None).to_numpy().astype("datetime64[D]")
    haystack = (
        briefings[S.TITLE].fillna("").astype(str) + "\n" + briefings[S.TEXT].fillna("").astype(str)
    ).str.lower()
    known = pd.Index(
        sorted(set(artefacts.countries[S.ISO3].dropna()) | set(artefacts.mentions[S.ISO3].dropna()))
    )
    codes = {
        name: known.get_indexer(getattr(artefacts, name)[S.ISO3]).astype(np.int64)
        for name in ("mentions", "countries")
    }
    return CorpusIndex(positions=positions, days=days, haystack=haystack, codes=codes)


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
        wanted = set(filters.countries)
        rows = artefacts.countries[S.ISO3].isin(wanted).to_numpy(dtype=bool)
        pairs = pd.DataFrame(
            {"pos": index.positions["countries"][rows], "iso3": artefacts.countries[S.ISO3][rows]}
        ).drop_duplicates()
        pairs = pairs[pairs["pos"] >= 0]
        hits = np.bincount(pairs["pos"].to_numpy(dtype=np.int64), minlength=count)
        keep &= hits >= (len(wanted) if filters.country_match == "all" else 1)
    return keep


def select_briefing_ids(
    artefacts: Artefacts, filters: Filters, index: CorpusIndex | None = None
) -> pd.Index:
    """The ids of the briefings the filters keep, in corpus order."""
    index = index or index_corpus(artefacts)
    keep = briefing_mask(artefacts, filters, index)
    return pd.Index(artefacts.briefings[S.BRIEFING_ID].to_numpy()[keep], name=S.BRIEFING_ID)


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
    index = index or index_corpus(artefacts)
    keep = briefing_mask(artefacts, filters, index)

    def rows_of(name: str) -> np.ndarray:
        positions = index.positions[name]
        return (positions >= 0) & keep[np.maximum(positions, 0)]

    def take(name: str, rows: np.ndarray) -> pd.DataFrame:
        return getattr(artefacts, name)[rows].reset_index(drop=True)

    mention_rows = rows_of("mentions")
    interaction_rows = rows_of("interactions")
    country_rows = rows_of("countries")
    if filters.section is not None:
        mention_rows &= (artefacts.mentions[S.SECTION] == filters.section).to_numpy(dtype=bool)
        interaction_rows &= (artefacts.interactions[S.SECTION] == filters.section).to_numpy(
            dtype=bool
        )
        # A briefing keeps a country only if it is named in the chosen section.
        highest = max((int(c.max()) for c in index.codes.values() if len(c)), default=0)
        width = np.int64(highest + 2)
        said = (
            index.positions["mentions"][mention_rows] * width
            + index.codes["mentions"][mention_rows]
        )
        keys = index.positions["countries"] * width + index.codes["countries"]
        country_rows &= np.isin(keys, said)
    topics = take("topics", rows_of("topics"))
    summary = artefacts.topic_summary.copy()
    if not summary.empty:
        sizes = topics.groupby(S.TOPIC_ID)[S.BRIEFING_ID].nunique()
        summary[S.N_BRIEFINGS] = summary[S.TOPIC_ID].map(sizes).fillna(0).astype(int)
    return dataclasses.replace(
        artefacts,
        briefings=take("briefings", keep),
        mentions=take("mentions", mention_rows),
        countries=take("countries", country_rows),
        topics=topics,
        topic_summary=summary,
        interactions=take("interactions", interaction_rows),
    )
