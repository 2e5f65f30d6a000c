"""The selection made in SQL: DuckDB picks the selected rows of a store's tables from Parquet.

``StoreRows`` is the second way to select rows (``FilteredCorpus`` takes either): the
filters (dates, countries, topics, sources, section and the briefings a search found)
become SQL predicates over the Parquet files of the store generation's Delta tables, at
the versions the generation's manifest records. A date range reads only the files of
its months (the tables are partitioned by month; files of other months are never
named to DuckDB). The answer is each selected row's ``row_order``, its position in the
table, so the views draw the very tables the in-memory selection gives.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from analytics import schema as S
from analytics.errors import StoreError
from analytics.pipeline import (
    MONTH_COLUMN,
    PARTITIONED_TABLES,
    PARTS_FORMATS,
    ROW_ORDER_COLUMN,
    Store,
)
from analytics.views.filters import Filters

_MONTH_FOLDER = re.compile(rf"{MONTH_COLUMN}=(\d{{4}}-\d{{2}})")


@dataclass(frozen=True)
class Selection:
    """The briefings a filter keeps: a mask over the briefings table and their ids."""

    keep: np.ndarray
    ids: pa.Array


@dataclass(frozen=True)
class TableFiles:
    """The Parquet files of one table at the generation's version.

    Attributes:
        files: each file's path with its month (``None``: undated rows, or no partition).
        rows: the rows the generation records for the table.
    """

    files: tuple[tuple[str, str | None], ...]
    rows: int

    def in_months(self, first: str | None, last: str | None) -> list[str]:
        """The files whose month lies within ``first``..``last`` (``YYYY-MM``; ``None``: open).

        With any bound, the undated rows' files are left out: an undated briefing
        is never inside a date range.
        """
        if first is None and last is None:
            return [file for file, _ in self.files]
        return [
            file
            for file, month in self.files
            if month is not None
            and (first is None or month >= first)
            and (last is None or month <= last)
        ]


def _month_of(path: Path) -> str | None:
    found = _MONTH_FOLDER.fullmatch(path.parent.name)
    return found.group(1) if found else None


class StoreRows:
    """Selects rows of one store generation's tables with DuckDB (see the module docstring).

    Parameters:
        store: an open store of format 3 (Delta tables with a ``row_order`` column).

    Raises:
        StoreError: for a store of an older format (Parquet parts, no row order).
    """

    def __init__(self, store: Store) -> None:
        if store.format in PARTS_FORMATS:
            raise StoreError(
                f"selecting rows with SQL needs a store of format 3 (Delta tables); "
                f"got format {store.format} at {store.path}"
            )
        self.fingerprint = store.fingerprint
        self.tables = {
            name: TableFiles(
                files=tuple((str(path), _month_of(path)) for path in store.table_files(name)),
                rows=store.table_rows(name),
            )
            for name in PARTITIONED_TABLES
        }
        self._connection = duckdb.connect(":memory:", config={"threads": 1})
        self._lock = threading.Lock()

    def select(self, filters: Filters, search_hits: np.ndarray | None = None) -> Selection:
        """The briefings that pass the filters (a section plays no part here).

        Parameters:
            filters: the selection.
            search_hits: the positions of the briefings the search box found, or
                ``None`` when nothing is searched for.
        """
        query, parameters = self._briefing_query(filters, search_hits is not None)
        found = self._run("briefings", query, parameters, {"search_hits": _positions(search_hits)})
        return Selection(
            keep=self._marked("briefings", found),
            ids=found.column(S.BRIEFING_ID).combine_chunks(),
        )

    def keep(self, filters: Filters, search_hits: np.ndarray | None = None) -> np.ndarray:
        """A boolean per briefing (table order): does the briefing pass the filters?"""
        return self.select(filters, search_hits).keep

    def rows(self, name: str, filters: Filters, selection: Selection) -> np.ndarray:
        """A boolean per row of table ``name`` (table order): is the row selected?

        Rows follow their briefing (``selection``, from ``select(filters)``); with a
        section, mentions and interactions must be in it and a briefing-country row is
        kept only if a selected mention names that country in that briefing and section.

        Raises:
            StoreError: for a table that is not partitioned by briefing, or unreadable.
        """
        if name == "briefings":
            return selection.keep
        if name not in self.tables:
            raise StoreError(f"rows are selected in {', '.join(PARTITIONED_TABLES)}; got {name!r}")
        parameters: list[object] = []
        kept = f"{S.BRIEFING_ID} IN (SELECT {S.BRIEFING_ID} FROM kept)"
        query = f"SELECT {ROW_ORDER_COLUMN} FROM {self._source(name, filters)} WHERE {kept}"
        if filters.section is not None and name in ("mentions", "interactions"):
            query += f" AND {S.SECTION} = ?"
            parameters.append(filters.section)
        if filters.section is not None and name == "countries":
            # Countries named in the section: a semi join on (briefing, country).
            query = (
                f"SELECT {ROW_ORDER_COLUMN} FROM {self._source(name, filters)} AS rows "
                f"SEMI JOIN (SELECT DISTINCT {S.BRIEFING_ID}, {S.ISO3} "
                f"FROM {self._source('mentions', filters)} WHERE {S.SECTION} = ? AND {kept}) "
                f"AS said ON rows.{S.BRIEFING_ID} = said.{S.BRIEFING_ID} "
                f"AND rows.{S.ISO3} = said.{S.ISO3}"
            )
            parameters.append(filters.section)
        kept_ids = pa.table({S.BRIEFING_ID: selection.ids})
        return self._marked(name, self._run(name, query, parameters, {"kept": kept_ids}))

    def _source(self, name: str, filters: Filters) -> str:
        """``read_parquet([...])`` of the table's files within the filters' months."""
        first = filters.start.strftime("%Y-%m") if filters.start is not None else None
        last = filters.end.strftime("%Y-%m") if filters.end is not None else None
        files = self.tables[name].in_months(first, last)
        if not files:
            # No file in range: an empty relation with every column a predicate reads.
            return (
                f"(SELECT NULL::VARCHAR AS {S.BRIEFING_ID}, NULL::BIGINT AS {ROW_ORDER_COLUMN}, "
                f"NULL::TIMESTAMPTZ AS {S.DATE}, NULL::VARCHAR AS {S.SOURCE}, "
                f"NULL::BIGINT AS {S.TOPIC_ID}, NULL::VARCHAR AS {S.ISO3}, "
                f"NULL::VARCHAR AS {S.SECTION} WHERE false)"
            )
        listed = ", ".join("'" + file.replace("'", "''") + "'" for file in files)
        return f"read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"

    def _briefing_query(self, filters: Filters, searched: bool) -> tuple[str, list[object]]:
        """The SQL selecting every briefing that passes (row order and id), with its parameters."""
        predicates: list[str] = ["true"]
        parameters: list[object] = []
        if filters.start is not None:
            predicates.append(f"{S.DATE} >= ?")
            parameters.append(_day_start(filters.start))
        if filters.end is not None:
            predicates.append(f"{S.DATE} < ?")
            parameters.append(_day_start(filters.end + timedelta(days=1)))
        if filters.sources:
            predicates.append(f"{S.SOURCE} IN ({_marks(filters.sources)})")
            parameters += list(filters.sources)
        if searched:
            predicates.append(f"{ROW_ORDER_COLUMN} IN (SELECT position FROM search_hits)")
        if filters.topics:
            predicates.append(
                f"{S.BRIEFING_ID} IN (SELECT {S.BRIEFING_ID} FROM {self._source('topics', filters)}"
                f" WHERE {S.TOPIC_ID} IN ({_marks(filters.topics)}))"
            )
            parameters += [int(topic) for topic in filters.topics]
        if filters.countries:
            wanted = list(dict.fromkeys(filters.countries))
            # "all": every chosen country, so one the corpus never names selects nothing.
            needed = len(wanted) if filters.country_match == "all" else 1
            predicates.append(
                f"{S.BRIEFING_ID} IN (SELECT {S.BRIEFING_ID} "
                f"FROM {self._source('countries', filters)} WHERE {S.ISO3} IN ({_marks(wanted)}) "
                f"GROUP BY {S.BRIEFING_ID} HAVING count(DISTINCT {S.ISO3}) >= ?)"
            )
            parameters += [*wanted, needed]
        query = (
            f"SELECT {ROW_ORDER_COLUMN}, {S.BRIEFING_ID} FROM {self._source('briefings', filters)} "
            f"WHERE {' AND '.join(predicates)}"
        )
        return query, parameters

    def _run(
        self,
        name: str,
        query: str,
        parameters: Sequence[object],
        tables: Mapping[str, pa.Table | None],
    ) -> pa.Table:
        """Run ``query`` with ``tables`` registered under their names."""
        with self._lock:
            # One cursor per query: sessions run in threads and register the same names.
            cursor = self._connection.cursor()
            try:
                for table_name, table in tables.items():
                    if table is not None:
                        cursor.register(table_name, table)
                return cursor.sql(query, params=list(parameters)).to_arrow_table()
            except duckdb.Error as error:
                raise StoreError(f"the store's table {name} cannot be read: {error}") from error
            finally:
                cursor.close()

    def _marked(self, name: str, found: pa.Table) -> np.ndarray:
        """A mask over table ``name`` with the row orders ``found`` set."""
        selected = np.zeros(self.tables[name].rows, dtype=bool)
        orders = found.column(ROW_ORDER_COLUMN).to_numpy().astype(np.int64, copy=False)
        if len(orders) and not 0 <= orders.min() <= orders.max() < len(selected):
            # Row orders number a table's rows from 0; anything else is not this generation.
            raise StoreError(
                f"the store's table {name} holds row orders outside 0..{len(selected) - 1}; "
                f"got {orders.min()}..{orders.max()}"
            )
        selected[orders] = True
        return selected


def _positions(hits: np.ndarray | None) -> pa.Table | None:
    if hits is None:
        return None
    return pa.table({"position": pa.array(hits, pa.int64())})


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
