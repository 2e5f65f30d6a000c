"""A store generation read lean: what the views filter and count on in memory, the rest by row.

Enters: an open store of format 3. Leaves: an ``Artefacts`` whose tables hold only the
columns of ``LEAN_COLUMNS`` (``None``: every column), a ``StoreReader`` that reads any
column of any row from the store's files when a view shows it (the reader, the Relations
page's evidence, a search scan), and the mentions' ``TableLookups``: each mention's
briefing position, country code and section as integers, worked out one data file at a
time, so that no column of millions of strings is held for them and the process' memory
stays near the lean tables' own.

A table read lean has the rows and row order of the whole table; views that filter,
count and list read the same columns with the same types, so they draw the same tables
(``tests/views/test_lean.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema as S
from analytics.artefacts import ROW_CARRYING, Artefacts, LazyLookups, TableLookups
from analytics.errors import StoreError
from analytics.pipeline.layout import PARTS_FORMATS, TABLES
from analytics.pipeline.store import Store

# The columns held in memory per table; ``None``: every column. The briefings keep what
# the listing, the counts over time and the filters read (not the texts, url, origin);
# the mentions and the watchlist nothing (their lookups stand in for them, the follow-up
# is read from its own file); the interactions all but the sentence, cues and roles.
LEAN_COLUMNS: Mapping[str, tuple[str, ...] | None] = {
    "briefings": (S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE),
    "report": None,
    "mentions": (),
    "countries": (S.BRIEFING_ID, S.DATE, S.ISO3, S.COUNTRY),
    "topics": None,
    "topic_summary": None,
    "interactions": (
        S.BRIEFING_ID,
        S.DATE,
        S.SECTION,
        S.SENTENCE_INDEX,
        S.COUNTRY_A,
        S.COUNTRY_B,
        S.SCORE,
        S.CLASS,
        S.FORWARD_LOOKING,
    ),
    "watchlist": (),
}


class StoreReader:
    """Reads any column of any row of one store generation (``artefacts.TableReader``).

    Parameters:
        store: the open generation the lean tables were read from.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._columns: dict[str, tuple[str, ...]] = {}

    def columns(self, name: str) -> tuple[str, ...]:
        """Every column of table ``name``, in the table's order."""
        if name not in self._columns:
            self._columns[name] = tuple(self.store.schema(name).names)
        return self._columns[name]

    def rows_at(
        self, name: str, positions: np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows of table ``name`` at ``positions``, every column unless ``columns``."""
        return self.store.rows_at(name, positions, list(columns) if columns else None)

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table ``name``, every column unless ``columns``."""
        return self.store.table(name, columns)

    def chunks(
        self, name: str, columns: Sequence[str]
    ) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """Table ``name`` a data file at a time: each file's row positions and ``columns``."""
        for orders, piece in self.store.table_pieces(name, columns):
            yield orders, piece.to_pandas()


def can_read_lean(store: Store) -> bool:
    """Whether ``store`` can be read lean: Delta tables (format 3) holding every table."""
    return store.format not in PARTS_FORMATS and all(store.has_table(n) for n in TABLES)


def read_lean(store: Store) -> Artefacts:
    """The generation's tables with only ``LEAN_COLUMNS`` in memory (see the module docstring).

    Raises:
        StoreError: for a store of an older format or without every table (``can_read_lean``),
            or when a table is missing or damaged.
    """
    if not can_read_lean(store):
        raise StoreError(
            f"a store is read lean from Delta tables (format 3) holding {', '.join(TABLES)}; "
            f"got format {store.format} at {store.path}"
        )
    tables = {name: _lean_table(store, name) for name in TABLES}
    return Artefacts(
        **tables,
        fingerprint=store.fingerprint,
        versions=dict(store.meta.get("versions", {})),
        reader=StoreReader(store),
        lookups=mention_lookups(store, tables),
    )


def _lean_table(store: Store, name: str) -> pd.DataFrame:
    kept = LEAN_COLUMNS[name]
    if kept is None:
        return store.table(name)
    if not kept:
        return pd.DataFrame(index=pd.RangeIndex(store.table_rows(name)))
    frame = store.table(name, kept)
    if name in ROW_CARRYING:
        frame[S.TABLE_ROW] = np.arange(len(frame), dtype=np.int64)
    return frame


def _numbered(column: pa.ChunkedArray, number: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Each row's number: ``number`` maps the column's distinct values to theirs (a missing
    value is -1), so each distinct value is looked up once however many rows hold it."""
    encoded = column.combine_chunks()
    if not pa.types.is_dictionary(encoded.type):
        encoded = pc.dictionary_encode(encoded)
    values = encoded.dictionary.to_pylist()
    numbers = np.append(np.asarray(number(values), dtype=np.int64), -1)
    return numbers[pc.fill_null(encoded.indices, len(values)).to_numpy(zero_copy_only=False)]


def _distinct(column: pd.Series) -> set[str]:
    return set(column.dropna().unique())


def mention_lookups(store: Store, tables: Mapping[str, pd.DataFrame]) -> TableLookups:
    """The mentions' briefing positions, countries and sections, and every table's countries.

    The country codes are the sorted codes of the countries, interactions and mentions
    tables, as ``views.index_corpus`` numbers them; the mentions' own, and their sections,
    are read from the distinct values Parquet stores (no string per row). The mentions'
    arrays (32-bit: tens of millions of rows in a large corpus) are built on first use, a
    data file at a time, so that a view that never filters by section or opens the reader
    never pays for them.

    Parameters:
        tables: the lean tables (the briefings' ids, the countries' and interactions' codes).
    """
    named = _distinct(tables["countries"][S.ISO3])
    named |= _distinct(tables["interactions"][S.COUNTRY_A])
    named |= _distinct(tables["interactions"][S.COUNTRY_B])
    said: set[str] = set()
    seen = [S.ISO3, S.SECTION]
    for _, piece in store.table_pieces("mentions", seen, dictionaries=seen):
        for column, values in ((S.ISO3, named), (S.SECTION, said)):
            dictionary = piece.column(column).combine_chunks().dictionary
            values |= {v for v in dictionary.to_pylist() if v is not None}
    iso3s = pd.Index(sorted(named))
    briefings = tables["briefings"][S.BRIEFING_ID]
    built: dict[str, np.ndarray] = {}

    def build() -> dict[str, np.ndarray]:
        if built:
            return built
        # Plain objects: the index's hash table is then built once, not at every file.
        ids = pd.Index(briefings.to_numpy(dtype=object), dtype=object)
        size = store.table_rows("mentions")
        built["positions"] = np.full(size, -1, dtype=np.int32)
        built["codes"] = np.full(size, -1, dtype=np.int32)
        built["sections"] = np.full(size, -1, dtype=np.int8)
        sections = S.SEGMENT_SECTIONS
        columns = [S.BRIEFING_ID, S.ISO3, S.SECTION]
        for orders, piece in store.table_pieces("mentions", columns, dictionaries=columns):
            built["positions"][orders] = _numbered(
                piece.column(S.BRIEFING_ID), lambda v: ids.get_indexer(pd.Index(v, dtype=object))
            )
            built["codes"][orders] = _numbered(piece.column(S.ISO3), iso3s.get_indexer)
            built["sections"][orders] = _numbered(
                piece.column(S.SECTION),
                lambda v: np.array([sections.index(s) if s in sections else -1 for s in v]),
            )
        return built

    return TableLookups(
        positions=LazyLookups({"mentions": lambda: build()["positions"]}),
        codes=LazyLookups({"mentions": lambda: build()["codes"]}),
        sections=LazyLookups({"mentions": lambda: build()["sections"]}),
        iso3s=iso3s,
        named_sections=frozenset(said),
    )
