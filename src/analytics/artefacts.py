"""The processed corpus: every unfiltered table the views are drawn from.

``Artefacts`` is what a store holds and what the dashboard caches. Views filter
these tables (see ``analytics.views.filters``) and never mutate them.

Table contracts (column names from ``analytics.schema``):

- ``briefings``: ``BRIEFING_COLUMNS`` plus any extra input columns; ``date`` is
  tz-aware UTC.
- ``report``: the load report, one row per input file or row: ``file``, ``row``,
  ``status`` (loaded / duplicate / near-duplicate / skipped), ``reason``, ``briefing_id``.
- ``mentions``: ``MENTION_COLUMNS``, one row per country mention (spans relative to
  the section's text).
- ``countries``: one row per briefing and country: ``briefing_id``, ``date``, ``iso3``,
  ``country``, ``count``, ``kinds``, ``evidence``.
- ``topics``: one row per briefing: ``briefing_id``, ``topic_id``, ``topic_label``,
  ``weight``, ``date``.
- ``topic_summary``: one row per topic: ``topic_id``, ``label``, ``top_terms``,
  ``n_briefings``, ``representative_ids`` (``|``-separated briefing ids).
- ``interactions``: ``INTERACTION_COLUMNS``, one row per country pair per sentence.
- ``watchlist``: ``WATCHLIST_COLUMNS``, one row per expected event (a forward-looking
  sentence in which a country acts); ``window_start`` / ``window_end`` are naive days.

A corpus read from a store also carries the store's text index (``text_index``), which
search uses instead of scanning every text, and its rollups (``rollups``: kind -> period
kind -> table, see ``analytics.pipeline.rollups``), which the unfiltered views read instead
of counting; a corpus processed in memory has neither.

A large store is read *lean* (``analytics.pipeline.lean``): its tables hold only the
columns the views filter and count on, and ``reader`` reads the rest (the briefings' texts,
the interactions' sentences, cues and roles, every mention column, ...) by row when a view
shows them (``table_rows``, ``with_read_columns``); ``lookups`` then holds the briefing
positions, country codes and sections of the mentions (a table of which no column is
kept) as integers, worked out from the store's files. Tables whose rows are
shown with read columns (``ROW_CARRYING``) carry each row's position in its table in
``schema.TABLE_ROW``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema as S
from analytics.frames import compact, concat_compact
from analytics.search import TextSearch
from analytics.tallies import in_briefing_order, spans


def empty_watchlist() -> pd.DataFrame:
    """A watchlist with no rows and the columns and types of ``schema.WATCHLIST_COLUMNS``."""
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in S.WATCHLIST_COLUMNS})
    frame[S.DATE] = pd.Series(dtype="datetime64[ns, UTC]")
    frame[S.SENTENCE_INDEX] = pd.Series(dtype="int64")
    frame[S.WINDOW_START] = pd.Series(dtype="datetime64[ns]")
    frame[S.WINDOW_END] = pd.Series(dtype="datetime64[ns]")
    return frame


# Lean tables that carry each row's table position (``schema.TABLE_ROW``): their rows reach
# views that show read columns after filtering and sorting (the Relations page's evidence).
ROW_CARRYING: tuple[str, ...] = ("interactions",)


class TableReader(Protocol):
    """Reads the columns a lean corpus left in its store, by row."""

    def columns(self, name: str) -> tuple[str, ...]:
        """Every column of table ``name``, in the table's order."""
        ...

    def rows_at(
        self, name: str, positions: np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows of table ``name`` at ``positions`` (its order), every column unless named."""
        ...

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table ``name``, every column unless named."""
        ...

    def chunks(
        self, name: str, columns: Sequence[str]
    ) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """The table ``name`` a file at a time: each piece's row positions and its columns."""
        ...


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


@dataclass(frozen=True)
class TableLookups:
    """Each table's rows as integers, so that filtering and counting is array indexing.

    Attributes:
        positions: per table with a ``briefing_id`` (``ID_TABLES``), each row's briefing
            position (-1: an id the briefings do not hold).
        codes: per ``COUNTRY_CODES`` key, each row's country as a position in ``iso3s``
            (-1: none).
        sections: for ``SECTIONED`` tables, each row's section as a position in
            ``schema.SEGMENT_SECTIONS`` (-1: another section).
        iso3s: the sorted country codes of every table of the corpus.
        named_sections: the sections the mentions and interactions are in (``None``: read
            from the tables).
        in_order: the tables whose ``positions`` never fall from one row to the next (rows
            follow their briefings), so that a briefing's rows are found by bisection
            (``rows_of_briefings``); ``None``: not known (looked at when needed).
    """

    positions: Mapping[str, np.ndarray]
    codes: Mapping[str, np.ndarray]
    sections: Mapping[str, np.ndarray]
    iso3s: pd.Index
    named_sections: frozenset[str] | None = None
    in_order: frozenset[str] | None = None


def rows_of_briefings(
    positions: np.ndarray, wanted: np.ndarray, in_order: bool | None = None
) -> np.ndarray:
    """The rows (ascending) whose briefing position (``positions``) is one of ``wanted``.

    Rows in briefing order (``in_order``; ``None``: looked at) are found by bisection,
    which reads a few of ``positions`` however long it is (a lean corpus maps it from a
    file: a million briefings' mentions are 60 MB of it); others by a scan.
    """
    wanted = np.unique(np.asarray(wanted, dtype=np.int64))
    if not (in_briefing_order(positions) if in_order is None else in_order):
        return np.flatnonzero(np.isin(positions, wanted))
    # Searched in the positions' own type: numpy would otherwise widen the whole array
    # (a million briefings' mentions: 130 MB for a 32-bit array) to search it.
    limits = np.iinfo(positions.dtype) if positions.dtype.kind in "iu" else None
    if limits is not None:
        wanted = wanted[(wanted >= limits.min) & (wanted <= limits.max)].astype(positions.dtype)
    starts = np.searchsorted(positions, wanted, side="left")
    return spans(starts, np.searchsorted(positions, wanted, side="right") - starts)


# The tables with a row per briefing, or per mention of one.
ID_TABLES: tuple[str, ...] = ("briefings", "mentions", "countries", "topics", "interactions")
# Each kind of country code: the table and the column it numbers.
COUNTRY_CODES: Mapping[str, tuple[str, str]] = {
    "mentions": ("mentions", S.ISO3),
    "countries": ("countries", S.ISO3),
    "interactions": ("interactions", S.COUNTRY_A),
    "partners": ("interactions", S.COUNTRY_B),
}
SECTIONED: tuple[str, ...] = ("mentions", "interactions")


@dataclass(frozen=True)
class Artefacts:
    """Every unfiltered table of one processed corpus, plus its provenance."""

    briefings: pd.DataFrame
    report: pd.DataFrame
    mentions: pd.DataFrame
    countries: pd.DataFrame
    topics: pd.DataFrame
    topic_summary: pd.DataFrame
    interactions: pd.DataFrame
    fingerprint: str
    versions: dict[str, str] = field(default_factory=dict)
    watchlist: pd.DataFrame = field(default_factory=empty_watchlist)
    text_index: TextSearch | None = field(default=None, compare=False, repr=False)
    rollups: Mapping[str, Mapping[str, pd.DataFrame]] | None = field(
        default=None, compare=False, repr=False
    )
    reader: TableReader | None = field(default=None, compare=False, repr=False)
    lookups: TableLookups | None = field(default=None, compare=False, repr=False)


def positions_in(values: pd.Series, known: pd.Index) -> np.ndarray:
    """Each value's position in ``known`` (distinct values), -1 where it is not there.

    ``pandas.Index.get_indexer``'s answer, found by Arrow's hash lookup, which is several
    times faster on millions of strings; values Arrow cannot compare fall back to pandas.
    """
    try:
        found = pc.index_in(
            pa.array(values, from_pandas=True), value_set=pa.array(known, from_pandas=True)
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return known.get_indexer(values).astype(np.int64)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def table_lookups(artefacts: Artefacts) -> TableLookups:
    """The ``TableLookups`` of a corpus: those it holds (``Artefacts.lookups``, a lean
    corpus'), the others built from its tables on first use (``LazyLookups``)."""
    held = artefacts.lookups
    ids = pd.Index(artefacts.briefings[S.BRIEFING_ID])
    if held is not None:
        iso3s = held.iso3s
    else:
        interactions = artefacts.interactions
        # Distinct values first: building a set from millions of Arrow strings is slow.
        iso3s = pd.Index(
            sorted(
                set(artefacts.countries[S.ISO3].dropna().unique())
                | set(artefacts.mentions[S.ISO3].dropna().unique())
                | set(interactions[S.COUNTRY_A].dropna().unique())
                | set(interactions[S.COUNTRY_B].dropna().unique())
            )
        )

    def positions_of(name: str) -> Callable[[], np.ndarray]:
        return lambda: positions_in(getattr(artefacts, name)[S.BRIEFING_ID], ids)

    def codes_of(name: str, column: str) -> Callable[[], np.ndarray]:
        return lambda: positions_in(getattr(artefacts, name)[column], iso3s)

    def sections_of(name: str) -> Callable[[], np.ndarray]:
        known = pd.Index(S.SEGMENT_SECTIONS)
        return lambda: known.get_indexer(getattr(artefacts, name)[S.SECTION]).astype(np.int8)

    def kept(
        builders: dict[str, Callable[[], np.ndarray]], lookups: Mapping[str, np.ndarray]
    ) -> LazyLookups:
        for name in lookups:
            builders[name] = partial(lookups.__getitem__, name)
        return LazyLookups(builders)

    return TableLookups(
        positions=kept(
            {name: positions_of(name) for name in ID_TABLES}, held.positions if held else {}
        ),
        codes=kept(
            {key: codes_of(*table) for key, table in COUNTRY_CODES.items()},
            held.codes if held else {},
        ),
        sections=kept(
            {name: sections_of(name) for name in SECTIONED}, held.sections if held else {}
        ),
        iso3s=iso3s,
        named_sections=held.named_sections if held else None,
        in_order=held.in_order if held else None,
    )


# The columns the follow-up reads (``analytics.watchlist.follow_up``): the briefings' ids
# and dates, the acting mentions' places and countries, and every column of the events,
# held while it runs; and the briefings' texts (title, sections, body: report sentences are
# cut from them), which a lean corpus reads a stretch of days at a time (``follow_up_texts``).
FOLLOW_UP_READS: dict[str, tuple[str, ...] | None] = {
    "briefings": (S.BRIEFING_ID, S.DATE),
    "mentions": (S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.ISO3, S.KIND),
    "watchlist": None,
}
FOLLOW_UP_TEXTS: tuple[str, ...] = (S.BRIEFING_ID, S.TITLE, *S.SECTIONS, S.TEXT)


def follow_up_tables(
    artefacts: Artefacts, keep_mentions: Callable[[pd.DataFrame], pd.DataFrame]
) -> Artefacts:
    """``artefacts`` with the briefings, mentions and events the follow-up reads, whole.

    For work on the whole corpus that the views do not do on every rerun (working out the
    follow-up of a store that keeps none). A lean corpus reads the columns of
    ``FOLLOW_UP_READS`` from its store (not the briefings' texts, the mentions' surfaces or
    any other table) and only the mentions ``keep_mentions`` keeps of them (the follow-up
    passes ``watchlist.report_mentions``: those that can place a report), a data file at a
    time, and holds them while the work runs; the follow-up reads the texts by row
    (``follow_up_texts``). One in memory has them all.
    """
    reader = artefacts.reader
    if reader is None:
        return artefacts
    return replace(
        artefacts,
        briefings=reader.table("briefings", FOLLOW_UP_READS["briefings"]),
        mentions=_follow_up_mentions(reader, keep_mentions),
        watchlist=reader.table("watchlist", FOLLOW_UP_READS["watchlist"]),
        reader=None,
        lookups=None,
    )


def follow_up_texts(artefacts: Artefacts) -> Callable[[np.ndarray], pd.DataFrame] | None:
    """How the follow-up reads the texts of the briefings of ``follow_up_tables(artefacts)``
    at some positions (its ``texts_at``): from the store for a lean corpus, ``None`` (the
    table holds them) for one in memory."""
    reader = artefacts.reader
    if reader is None:
        return None
    return partial(reader.rows_at, "briefings", columns=FOLLOW_UP_TEXTS)


def _follow_up_mentions(
    reader: TableReader, keep_mentions: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """The mentions a follow-up reads (those ``keep_mentions`` keeps), in the table's order,
    filtered a data file at a time: the whole table's columns are never held at once. Their
    strings are held as categories (``frames.compact``: a million briefings' 12.9 million
    acting mentions take 0.23 GB so, 0.84 GB as strings); the follow-up expands a
    stretch's at a time."""
    columns = list(FOLLOW_UP_READS["mentions"] or ())
    pieces: list[tuple[np.ndarray, pd.DataFrame]] = []
    for rows, piece in reader.chunks("mentions", columns):
        whole = piece.reset_index(drop=True)
        kept = keep_mentions(whole)
        pieces.append(
            (np.asarray(rows)[kept.index.to_numpy()], compact(kept.reset_index(drop=True)))
        )
    if not pieces:
        return compact(keep_mentions(reader.table("mentions", columns)))
    # The files in the table's order, then the rows, if a file's rows are not in order.
    pieces.sort(key=lambda piece: int(piece[0][0]) if len(piece[0]) else -1)
    positions = np.concatenate([rows for rows, _ in pieces])
    mentions = concat_compact([kept for _, kept in pieces])
    if np.all(positions[1:] > positions[:-1]):
        return mentions
    return mentions.iloc[np.argsort(positions, kind="stable")].reset_index(drop=True)


def table_rows(
    artefacts: Artefacts, name: str, positions: np.ndarray, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The rows of table ``name`` at ``positions`` on a fresh index: every column, or the
    ``columns`` the table has.

    A lean corpus reads them from its store; one in memory takes them from the table.
    """
    if artefacts.reader is None:
        table = getattr(artefacts, name)
        if columns is not None:
            table = table[[c for c in columns if c in table.columns]]
        return table.iloc[positions].reset_index(drop=True)
    if columns is not None:
        stored = artefacts.reader.columns(name)
        columns = [c for c in columns if c in stored]
    return artefacts.reader.rows_at(name, np.asarray(positions, dtype=np.int64), columns)


def with_read_columns(artefacts: Artefacts, name: str, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` of table ``name`` (cut, filtered or sorted from it) with every column.

    Rows of a lean table carry their table position (``schema.TABLE_ROW``); the columns
    left in the store are read for those rows, and the table's column order restored.
    Rows of a table in memory already have every column and are returned as they are.
    """
    if artefacts.reader is None or S.TABLE_ROW not in rows.columns:
        return rows
    all_columns = artefacts.reader.columns(name)
    missing = [c for c in all_columns if c not in rows.columns]
    read = artefacts.reader.rows_at(name, rows[S.TABLE_ROW].to_numpy(dtype=np.int64), missing)
    held = rows.drop(columns=[S.TABLE_ROW]).reset_index(drop=True)
    whole = pd.concat([held, read.reset_index(drop=True)], axis=1)
    return whole[[c for c in all_columns if c in whole.columns]]
