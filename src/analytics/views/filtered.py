"""The selection applied: the rows of each table that the filters keep, and their integer codes.

``FilteredCorpus`` cuts each table only when a view reads it; ``TableCodes`` are the integer
codes (briefing, country, partner) the views count on. The selected rows are worked out in
memory (numpy over the corpus' lookups) or, given ``StoreRows``, by DuckDB over the store's
Parquet files: the same rows either way, and the same views drawn from them.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import schema as S
from analytics.artefacts import Artefacts, rows_of_briefings, table_rows
from analytics.errors import InputError
from analytics.tallies import TableCodes, distinct_counts
from analytics.views.filters import (
    HEADER_COLUMNS,
    VIEW_TABLES,
    CorpusIndex,
    Filters,
    briefing_mask,
    index_corpus,
    selects_briefings,
)
from analytics.views.store_rows import Selection, StoreRows


def cut_rows(table: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``table[rows].reset_index(drop=True)``: the rows a boolean per row keeps, in order.

    A table whose every column Arrow gives back as pandas holds it (Arrow-backed strings,
    numbers, booleans, times; not Python objects) is cut a column at a time: Arrow's columns
    filtered chunk by chunk, numpy's taken at the kept positions (found once), several times
    faster than pandas on the millions of rows of a large corpus, and a quarter faster than
    one conversion of the whole table to Arrow and back; any other table the pandas way.
    """
    if not _arrow_cuts(table):
        return table[rows].reset_index(drop=True)
    kept = np.asarray(rows, dtype=bool)
    positions = np.flatnonzero(kept)
    columns: dict[object, object] = {}
    for name, column in table.items():
        values = column.array
        if isinstance(values, pd.arrays.ArrowExtensionArray | pd.arrays.ArrowStringArray):
            columns[name] = values[kept]
        elif isinstance(column.dtype, np.dtype):
            columns[name] = column.to_numpy().take(positions)
        else:
            columns[name] = values.take(positions)
    return pd.DataFrame(columns, columns=table.columns, copy=False)


def take_rows(table: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """``table.iloc[positions].reset_index(drop=True)``, taken by Arrow as ``cut_rows`` cuts."""
    if _arrow_cuts(table):
        whole = pa.Table.from_pandas(table, preserve_index=False)
        taken: pd.DataFrame = take_table_rows(whole, positions).to_pandas()
        return taken
    return table.iloc[positions].reset_index(drop=True)


def take_table_rows(table: pa.Table, positions: np.ndarray) -> pa.Table:
    """``table.take(positions)``, one chunk of the table at a time.

    Arrow's take joins a column's chunks first (a copy of the whole column, 33 ms for the
    texts of a million followed events to take 1,000 rows, against 0.3 ms from one chunk);
    tables mapped from kept files, or read a file at a time, come in many chunks.
    """
    wanted = np.asarray(positions, dtype=np.int64)
    if len(wanted) and (wanted.min() < 0 or wanted.max() >= table.num_rows):
        raise IndexError(
            f"row positions must be from 0 to {table.num_rows - 1}; "
            f"got {wanted.min() if wanted.min() < 0 else wanted.max()}"
        )
    batches = table.to_batches()
    # Taking a good share of the rows copies about as much as joining the chunks does.
    if len(batches) <= 1 or not len(wanted) or len(wanted) * 4 >= table.num_rows:
        return table.take(pa.array(wanted, pa.int64()))
    starts = np.cumsum([0] + [batch.num_rows for batch in batches])
    chunk = np.searchsorted(starts, wanted, side="right") - 1
    by_chunk = np.argsort(chunk, kind="stable")
    bounds = np.searchsorted(chunk[by_chunk], np.arange(len(batches) + 1))
    pieces = [
        batches[number].take(pa.array(wanted[inside] - starts[number]))
        for number, inside in enumerate(np.split(by_chunk, bounds[1:-1]))
        if len(inside)
    ]
    gathered = pa.Table.from_batches(pieces, schema=table.schema).combine_chunks()
    # Back from chunk order to the order asked for.
    back = np.empty(len(wanted), dtype=np.int64)
    back[by_chunk] = np.arange(len(wanted), dtype=np.int64)
    return gathered.take(pa.array(back))


def _arrow_cuts(table: pd.DataFrame) -> bool:
    return bool(
        len(table.columns)
        and table.columns.is_unique
        and all(_round_trips(dtype) for dtype in table.dtypes)
    )


def _round_trips(dtype: object) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype | pd.DatetimeTZDtype):
        return True
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biufM"
    return isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.name in (
        "Int64",
        "Int32",
        "Float64",
        "boolean",
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
        store_rows: select the rows with SQL over the store the corpus was read from
            (``StoreRows`` of the same generation); ``None`` selects them in memory.

    Raises:
        InputError: when ``store_rows`` belongs to another corpus than ``artefacts``.
    """

    def __init__(
        self,
        artefacts: Artefacts,
        filters: Filters,
        index: CorpusIndex | None = None,
        store_rows: StoreRows | None = None,
    ) -> None:
        if store_rows is not None and store_rows.fingerprint != artefacts.fingerprint:
            raise InputError(
                f"the store rows must be those of the corpus shown (fingerprint "
                f"{artefacts.fingerprint!r}); got those of {store_rows.fingerprint!r}"
            )
        self.corpus = artefacts
        self.filters = filters
        self.index = index or index_corpus(artefacts)
        self.store_rows = store_rows
        self.fingerprint = artefacts.fingerprint
        self.versions = artefacts.versions
        self.report = artefacts.report
        # No condition at all: every table is the corpus' own, as ``apply_filters`` promises.
        self.untouched = not selects_briefings(filters) and filters.section is None
        self._rows: dict[str, np.ndarray] = {}
        self._codes: dict[str, TableCodes] = {}
        self._every: dict[str, bool] = {}

    @functools.cached_property
    def everything(self) -> bool:
        """Does the selection keep the whole corpus (e.g. dates spanning all of it)?"""
        return self.filters.section is None and bool(self.keep.all())

    @functools.cached_property
    def keep(self) -> np.ndarray:
        """A boolean per corpus briefing (corpus order): is it selected?"""
        if not selects_briefings(self.filters):
            return np.ones(len(self.corpus.briefings), dtype=bool)
        if self.store_rows is not None:
            if self.dates_span_corpus:
                return np.ones(len(self.corpus.briefings), dtype=bool)
            return self.store_selection.keep
        return briefing_mask(self.corpus, self.filters, self.index)

    @functools.cached_property
    def dates_span_corpus(self) -> bool:
        """Do the filters select by dates alone, with every briefing dated inside them?

        The sidebar's first view is such a range: it keeps everything, which needs no query.
        """
        filters = self.filters
        if filters.countries or filters.topics or filters.sources or filters.search.strip():
            return False
        days = self.index.days
        if np.isnat(days).any():
            return False
        start = np.datetime64(filters.start, "D") if filters.start is not None else None
        end = np.datetime64(filters.end, "D") if filters.end is not None else None
        return bool(
            (start is None or (days >= start).all()) and (end is None or (days <= end).all())
        )

    @functools.cached_property
    def store_selection(self) -> Selection:
        """The briefings ``store_rows`` selects (worked out once per view)."""
        if self.store_rows is None:
            raise InputError("a selection in SQL needs store rows; this view selects in memory")
        return self.store_rows.select(self.filters, self.search_hits)

    @functools.cached_property
    def search_hits(self) -> np.ndarray | None:
        """Positions of the briefings the search box finds; ``None`` when nothing is searched."""
        if not self.filters.search.strip():
            return None
        return np.flatnonzero(self.index.search_mask(self.filters.search))

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
        selecting = self.filters.section is not None or (
            selects_briefings(self.filters) and not self.dates_span_corpus
        )
        if self.store_rows is not None and selecting:
            return self.store_rows.rows(name, self.filters, self.store_selection)
        positions = self.index.positions[name]
        # ``take`` with clipping reads each row's briefing without an index array the length
        # of the table (3 M rows at a million briefings); a row of no briefing is dropped.
        rows = np.take(self.keep, positions, mode="clip")
        if len(positions) and positions.min() < 0:
            rows &= positions >= 0
        section = self.filters.section
        if section is None:
            return rows
        if name in ("mentions", "interactions"):
            return rows & self.index.in_section(name, section)
        if name == "countries":
            index = self.index
            width = np.int64(len(index.iso3s) + 1)
            said = self.rows("mentions")
            named = index.positions["mentions"][said] * width + index.codes["mentions"][said]
            keys = index.positions["countries"] * width + index.codes["countries"]
            return rows & np.isin(keys, named)
        return rows

    def _keeps_every_row(self, name: str) -> bool:
        """Does the selection keep every row of the corpus table ``name``?

        Keeping every briefing and naming no section (the sidebar's first view: dates
        spanning the corpus), it keeps every row of a briefing, answered without a verdict
        per row (millions of rows at a million briefings).
        """
        if name not in self._every:
            if self.untouched:
                every = True
            elif self.filters.section is None and self.everything and name != "briefings":
                every = bool(self.index.positions[name].min(initial=0) >= 0)
            else:
                every = bool(self.rows(name).all())
            self._every[name] = every
        return self._every[name]

    def _take(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        table = getattr(self.corpus, name)
        if columns is not None:
            table = table[columns]
        if self._keeps_every_row(name):
            return table
        return cut_rows(table, self.rows(name))

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
            country = self.index.codes.get(name)
            partner = self.index.codes.get("partners") if name == "interactions" else None
            briefing = self.index.positions[name]
            if not self._keeps_every_row(name):
                # Unfiltered, the corpus' own codes (views never write into them).
                rows = self.rows(name)
                briefing = briefing[rows]
                country = None if country is None else country[rows]
                partner = None if partner is None else partner[rows]
            self._codes[name] = TableCodes(
                briefing=briefing, country=country, partner=partner, iso3s=self.index.iso3s
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
    def dates(self) -> pd.DataFrame:
        """The selected briefings' dates alone (one column, ``date``): all a count over time
        reads of them (volumes, the briefings a share is of), without cutting the ids,
        titles and sources of a large selection as ``headers`` does."""
        if "headers" in self.__dict__:
            return self.headers[[S.DATE]]
        return self._take("briefings", [S.DATE])

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
    def recent_countries(self) -> pd.DataFrame:
        """The rows of ``countries`` dated from the start of the period (``filters.period``)
        before that of the newest briefing of ``without_countries`` (what the rising
        countries' shares are of): all ``views.rising_countries`` reads, a small share of
        the table, cut without cutting the rest. With nothing filtered, or when every row
        is kept (dates spanning the corpus), the corpus' own table (which holds them, and
        costs nothing to hand out)."""
        from analytics.views.overview import rising_start

        if self._keeps_every_row("countries"):
            return self.corpus.countries
        since = rising_start(self.attention_dates, self.filters.period)
        table = self.corpus.countries
        if since is None:
            return table.iloc[0:0].reset_index(drop=True)
        dates = pd.DatetimeIndex(table[S.DATE])
        dated = dates.tz_convert("UTC") if dates.tz is not None else dates.tz_localize("UTC")
        rows = np.asarray(dated >= since, dtype=bool) & self.rows("countries")
        return cut_rows(table, rows)

    @functools.cached_property
    def topics(self) -> pd.DataFrame:
        """The topic rows of the selected briefings."""
        return self._take("topics")

    @functools.cached_property
    def without_topics(self) -> FilteredCorpus:
        """The same selection with no topic condition (itself when there is none): what
        the chosen topics are a share of."""
        if not self.filters.topics:
            return self
        filters = dataclasses.replace(self.filters, topics=())
        return FilteredCorpus(self.corpus, filters, self.index, self.store_rows)

    @functools.cached_property
    def without_countries(self) -> FilteredCorpus:
        """The same selection with no country condition (itself when there is none): what
        the attention a country gets is a share of. Filtered on Japan, every selected
        briefing names Japan; its share of them says nothing."""
        if not self.filters.countries:
            return self
        filters = dataclasses.replace(self.filters, countries=())
        return FilteredCorpus(self.corpus, filters, self.index, self.store_rows)

    @functools.cached_property
    def attention_dates(self) -> pd.DataFrame:
        """The dates of ``without_countries`` (its ``dates``): the briefings a country's share
        of the attention (``views.rising_countries``) is of."""
        return self.without_countries.dates

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
            # Distinct briefings per topic (topic ids are small integers, -1 among them).
            lowest = int(topic_ids.min()) if len(topic_ids) else 0
            span = int(topic_ids.max()) - lowest + 1 if len(topic_ids) else 0
            counts = distinct_counts(topic_ids - lowest, briefings, span)
            sizes = pd.Series(counts, index=np.arange(lowest, lowest + span))
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
            rollups=None,  # they count the whole corpus, not this selection
        )

    def only_briefing(self, briefing_id: str) -> Artefacts:
        """One briefing's selected rows (briefings, mentions, interactions), found by position.

        Cheaper than ``artefacts()`` when a reader shows a single briefing; the rows have
        every column (a lean corpus reads them from its store).
        """
        chosen = (self.corpus.briefings[S.BRIEFING_ID] == briefing_id).to_numpy(dtype=bool)
        wanted = np.flatnonzero(chosen & self.keep)

        known = self.index.in_order

        def rows(name: str) -> pd.DataFrame:
            in_order = None if known is None else name in known
            found = rows_of_briefings(self.index.positions[name], wanted, in_order)
            if self.filters.section is not None:
                found = found[self.index.in_section(name, self.filters.section)[found]]
            return table_rows(self.corpus, name, found)

        return dataclasses.replace(
            self.corpus,
            briefings=table_rows(self.corpus, "briefings", wanted),
            mentions=rows("mentions"),
            interactions=rows("interactions"),
            rollups=None,  # they count the whole corpus, not this briefing
            reader=None,  # every column is held
            lookups=None,
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
    if not selects_briefings(filters) and filters.section is None:
        return artefacts
    return FilteredCorpus(artefacts, filters, index).artefacts()
