"""The tables of a format-3 store as Delta Lake tables (delta-rs): writing, listing and reading.

Each stored table is a Delta table in ``tables/<name>/``. The per-briefing tables are
partitioned by ``month`` (``2014-03``, from the briefing date; mentions take their
briefing's month). Every row carries ``row_order``, its position in the table, so a
table reads back in the order it was written whatever order its files come in. Delta
has no unsigned integers: ``uint64`` columns (the duplicate keys) are stored as
``int64`` holding the same 64 bits and turned back on reading. The Arrow schema the
rows had (with pandas' metadata) is recorded by the caller and restored on reading,
so a table reads back with the columns, dtypes and row order it was written with.

Files are listed through the Delta log at a given version (``DeltaTable(path,
version=v)``) and read with pyarrow's Parquet reader: listing the files ourselves
keeps our own checksums on them and avoids delta-rs' scan threads.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable, Schema
from deltalake.exceptions import DeltaError
from deltalake.transaction import AddAction, RemoveAction, create_table_with_add_actions

from analytics import schema as S
from analytics.errors import StoreError
from analytics.pipeline.integrity import checksum_entry
from analytics.pipeline.layout import (
    MONTH_COLUMN,
    PARTITIONED_TABLES,
    ROW_ORDER_COLUMN,
    TABLES_DIR,
    damaged_message,
)
from analytics.tallies import sorted_distinct

# The folder name Delta gives rows whose partition value is null.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


@dataclass(frozen=True)
class DataFile:
    """One Parquet file of a Delta table at some version: path relative to the store, size, rows."""

    file: str
    bytes: int
    rows: int
    first_row: int  # the smallest row_order in the file (-1: not recorded)
    last_row: int = -1  # the largest row_order in the file (-1: not recorded)


def table_dir(root: Path, name: str) -> Path:
    """The folder of the Delta table ``name`` in the store at ``root``."""
    return root / TABLES_DIR / name


def encode_schema(schema: pa.Schema) -> str:
    """An Arrow schema (with its pandas metadata) as text for the generation manifest."""
    return base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")


def decode_schema(text: str) -> pa.Schema:
    """The Arrow schema ``encode_schema`` wrote."""
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


def frame_schema(frame: pd.DataFrame) -> pa.Schema:
    """The Arrow schema pandas gives ``frame`` (what Parquet stores of it), with its metadata."""
    return pa.Schema.from_pandas(frame, preserve_index=False)


def appended_schema(recorded: pa.Schema, rows: pa.Schema) -> pa.Schema:
    """The schema a table records after ``rows`` are appended to it: its own, except that
    a column with no value so far (null type: an empty table, or one of missing values
    only) takes the type the appended rows give it."""
    fields = []
    for field in recorded:
        index = rows.get_field_index(field.name)
        if pa.types.is_null(field.type) and index >= 0:
            field = field.with_type(rows.field(index).type)
        fields.append(field)
    return pa.schema(fields, metadata=recorded.metadata)


def months_of(dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each date (``None`` where there is no date)."""
    values = pd.to_datetime(dates, utc=True)
    keys = values.dt.year * 100 + values.dt.month
    labels = {key: f"{int(key) // 100:04d}-{int(key) % 100:02d}" for key in keys.dropna().unique()}
    return keys.map(labels).astype(object).where(values.notna(), None)


def _delta_type(field: pa.Field) -> pa.DataType:
    """The type a column is stored with in Delta (which lacks unsigned, null and ns types)."""
    kind = field.type
    if pa.types.is_unsigned_integer(kind):
        return pa.int64()
    if pa.types.is_null(kind):
        return pa.string()
    if pa.types.is_timestamp(kind):
        return pa.timestamp("us", tz=kind.tz)
    return kind


def _to_delta(table: pa.Table) -> pa.Table:
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        target = _delta_type(field)
        if pa.types.is_unsigned_integer(field.type):
            values = column.to_numpy().astype(np.uint64, copy=False).view(np.int64)
            columns.append(pa.array(values, pa.int64()))
        else:
            columns.append(column.cast(target))
    fields = [pa.field(f.name, c.type) for f, c in zip(table.schema, columns, strict=True)]
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _from_delta(table: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = []
    fields = []
    for name in table.column_names:
        column = table.column(name)
        field = schema.field(name)
        if pa.types.is_unsigned_integer(field.type):
            values = column.to_numpy().astype(np.int64, copy=False).view(np.uint64)
            column = pa.chunked_array([pa.array(values, field.type)])
        elif pa.types.is_null(field.type):
            if column.null_count == len(column):
                # A column with no value (stored as strings): Arrow casts nothing to null.
                column = pa.chunked_array([pa.nulls(len(column))], pa.null())
            else:
                # Values appended to a column that had none when the table was made: a
                # store written before appends recorded their type keeps them as stored.
                field = pa.field(name, column.type)
        else:
            column = column.cast(field.type)
        columns.append(column)
        fields.append(field)
    return pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata=schema.metadata))


class PartFile(NamedTuple):
    """One Parquet file written into a Delta table folder, not yet committed."""

    action: AddAction  # what the Delta log records of it
    checksum: dict[str, Any]  # its size and SHA-256 (``integrity.checksum_entry``)


class PartLayout(NamedTuple):
    """What every part of one write into a table shares."""

    schema: pa.Schema  # the Delta schema of the rows: the columns, then ``row_order``
    partitioned: bool  # one part per month (``PARTITIONED_TABLES``), else one in all


class WrittenTable(NamedTuple):
    """A write committed to a Delta table: its version and the new files' checksums."""

    version: int
    checksums: dict[str, dict[str, Any]]  # path relative to the store -> checksum entry


@runtime_checkable
class DeferredTable(Protocol):
    """A table whose rows stay where they were computed (a cluster's workers) until a
    generation writes them there, as Parquet parts of its Delta table (``write_rows``).

    ``schema`` is the Arrow schema the whole table would have (``frame_schema`` of it
    made ``parquet_safe``); ``light`` holds the columns the driver keeps of every row.
    """

    @property
    def n_rows(self) -> int:
        """The rows of the table."""
        ...

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema (with pandas' metadata) of the whole table."""
        ...

    @property
    def light(self) -> pd.DataFrame:
        """The columns the driver keeps, every row in order."""
        ...

    def write(self, location: Path, layout: PartLayout, first_row: int) -> list[PartFile]:
        """Write the rows as parts of the table at ``location``, ``row_order`` from
        ``first_row``; the parts, for the driver to commit."""
        ...


def parquet_safe(frame: pd.DataFrame, strings: Sequence[str] = ()) -> pd.DataFrame:
    """Object columns holding mixed Python types, and the columns ``strings``, as strings.

    Parquet takes one type a column; a table computed in pieces passes the columns
    another piece holds as strings in ``strings``, so its rows match the whole table's.
    """
    safe = frame.copy()
    for column in safe.columns:
        if column in strings:
            safe[column] = safe[column].astype(object).map(_as_text)
        elif safe[column].dtype == object:
            values = safe[column].dropna()
            if len({type(v) for v in values}) > 1 or (
                len(values) and not isinstance(values.iloc[0], str)
            ):
                safe[column] = safe[column].map(_as_text)
    return safe


def _as_text(value: Any) -> Any:
    return value if value is None or value is pd.NA else str(value)


def conform(frame: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    """A piece of a table made ``parquet_safe`` as the whole table, of Arrow ``schema``, is.

    Columns the whole table holds as strings become strings in the piece too (where
    the piece holds numbers, say), as ``parquet_safe`` of the whole table makes them.
    """
    safe = parquet_safe(frame)
    own = frame_schema(safe)
    strings = [
        field.name
        for field in schema
        if _is_text(field.type)
        and not _is_text(kind := own.field(field.name).type)
        and not pa.types.is_null(kind)
    ]
    return parquet_safe(safe, strings) if strings else safe


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def table_schema(root: Path, name: str, schema: pa.Schema, *, append: bool) -> pa.Schema:
    """The Delta schema of rows of Arrow ``schema`` written to table ``name``.

    Appended rows take the table's stored column types (a column empty so far stays a
    string); otherwise the types Delta stores ``schema``'s with, then ``row_order``.
    """
    fields = [_delta_field(field) for field in schema]
    fields.append(pa.field(ROW_ORDER_COLUMN, pa.int64()))
    location = str(table_dir(root, name))
    if append and DeltaTable.is_deltatable(location):
        stored = pa.schema(DeltaTable(location).schema().to_arrow())
        return pa.schema([stored.field(field.name) for field in fields])
    return pa.schema(fields)


def write_rows(
    location: Path,
    frame: pd.DataFrame,
    layout: PartLayout,
    *,
    first_row: int,
    months: pd.Series | None = None,
) -> list[PartFile]:
    """Write ``frame`` (``parquet_safe``) as parts of the table at ``location``, uncommitted.

    The rows take ``row_order`` from ``first_row`` and the types of ``layout.schema``;
    a partitioned table gets one part per month, others one part. Until committed
    (``commit_parts``) the parts are in no version of the table: readers never see
    them, and the store's vacuum removes them.

    Parameters:
        location: the table's folder.
        frame: the rows, in order.
        layout: the Delta schema and partitioning shared by every part of the write.
        first_row: the ``row_order`` of the first row.
        months: the month of each briefing, indexed by briefing id, for partitioned
            tables without a date column.
    """
    table = _to_delta(pa.Table.from_pandas(frame, preserve_index=False))
    order = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    table = table.append_column(ROW_ORDER_COLUMN, pa.array(order, pa.int64()))
    table = table.replace_schema_metadata(None).cast(layout.schema)
    if not layout.partitioned:
        return [write_part(location, table, "")]
    codes, values = pd.factorize(_months_column(frame, months), sort=True)
    parts = []
    for code, value in [*enumerate(values), (-1, None)]:
        rows = np.flatnonzero(codes == code)
        if len(rows):
            parts.append(write_part(location, table.take(rows), value))
    return parts


def commit_parts(
    root: Path, name: str, parts: Sequence[PartFile], layout: PartLayout, *, append: bool
) -> WrittenTable:
    """Commit ``parts`` to table ``name`` as one new Delta version (appended, or
    replacing what it holds), with delta-rs.

    Returns:
        The version written and the parts' checksums by path relative to the store.
    """
    location = table_dir(root, name)
    schema = layout.schema
    partition_by = None
    if layout.partitioned:
        partition_by = [MONTH_COLUMN]
        schema = schema.append(pa.field(MONTH_COLUMN, pa.string()))
    delta_schema = Schema.from_arrow(schema)
    actions = [part.action for part in parts]
    if not DeltaTable.is_deltatable(str(location)):
        create_table_with_add_actions(
            str(location), delta_schema, actions, mode="error", partition_by=partition_by
        )
    else:
        committed: list[AddAction | RemoveAction] = list(actions)
        DeltaTable(str(location)).create_write_transaction(
            committed,
            mode="append" if append else "overwrite",
            schema=delta_schema,
            partition_by=partition_by,
        )
    prefix = f"{TABLES_DIR}/{name}/"
    return WrittenTable(
        int(DeltaTable(str(location)).version()),
        {prefix + part.action.path: part.checksum for part in parts},
    )


def write_table(
    root: Path,
    name: str,
    frame: pd.DataFrame,
    *,
    append: bool,
    first_row: int,
    months: pd.Series | None = None,
) -> WrittenTable:
    """Write ``frame`` to the Delta table ``name`` (appended, or replacing what it holds).

    The Parquet files are written with pyarrow (``write_rows``), one per month
    (partitioned tables) or one in all, and committed to the table's Delta log as one
    new version with delta-rs: writing them with delta-rs' own writer needs several
    times the table's size in memory.

    Parameters:
        root: the store folder.
        name: the table.
        frame: the rows, in order (``parquet_safe``).
        append: add the rows to the table's latest version; else overwrite it.
        first_row: the ``row_order`` of the first row (the rows the table keeps).
        months: the month of each briefing, indexed by briefing id, for partitioned
            tables without a date column.

    Returns:
        The Delta version written and the new files' checksums.
    """
    schema = table_schema(root, name, frame_schema(frame), append=append)
    layout = PartLayout(schema, name in PARTITIONED_TABLES)
    parts = write_rows(table_dir(root, name), frame, layout, first_row=first_row, months=months)
    return commit_parts(root, name, parts, layout, append=append)


def _months_column(frame: pd.DataFrame, months: pd.Series | None) -> pd.Series:
    """The month of each row: from its date, else from its briefing's."""
    if S.DATE in frame.columns:
        return months_of(frame[S.DATE]).reset_index(drop=True)
    if months is not None:
        return frame[S.BRIEFING_ID].map(months).reset_index(drop=True)
    return pd.Series(None, index=range(len(frame)), dtype=object)


def _stats(rows: pa.Table) -> dict[str, Any]:
    """The Delta statistics of a file: its rows and the range of its row order."""
    stats: dict[str, Any] = {"numRecords": rows.num_rows}
    if rows.num_rows:
        bounds = pc.min_max(rows.column(ROW_ORDER_COLUMN)).as_py()
        stats["minValues"] = {ROW_ORDER_COLUMN: bounds["min"]}
        stats["maxValues"] = {ROW_ORDER_COLUMN: bounds["max"]}
        stats["nullCount"] = {ROW_ORDER_COLUMN: 0}
    return stats


def write_part(location: Path, rows: pa.Table, month: str | None) -> PartFile:
    """Write one Parquet file of the table at ``location``, synced to disk.

    The one writer of a table's data file, on the driver or a worker alike.

    Parameters:
        location: the table's folder.
        rows: the rows in their Delta types, ``row_order`` last.
        month: the partition value (``None``: rows without a month); ``""`` for a table
            without partitions.

    Returns:
        Its add action for the Delta log and its checksum.
    """
    if month == "":
        folder, values = "", {}
    else:
        folder = f"{MONTH_COLUMN}={month if month is not None else NULL_PARTITION}/"
        values = {MONTH_COLUMN: month}
    relative = f"{folder}part-00000-{uuid.uuid4()}-c000.snappy.parquet"
    target = location / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows, target, compression="snappy")
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())
    stat = target.stat()
    action = AddAction(
        relative,
        stat.st_size,
        values,
        stat.st_mtime_ns // 1_000_000,
        True,
        json.dumps(_stats(rows)),
    )
    return PartFile(action, checksum_entry(target))


def latest_version(root: Path, name: str) -> int | None:
    """The newest version of table ``name``, or ``None`` when there is no such Delta table."""
    location = str(table_dir(root, name))
    if not DeltaTable.is_deltatable(location):
        return None
    return int(DeltaTable(location).version())


def roll_back(root: Path, name: str, version: int) -> None:
    """Make ``version`` the newest state of table ``name`` again (a write that never became
    part of a generation left newer versions behind)."""
    location = str(table_dir(root, name))
    table = DeltaTable(location)
    if table.version() == version:
        return
    # Commits that change no data (a vacuum's) need no undoing.
    if _paths(table) != _paths(DeltaTable(location, version=version)):
        table.restore(version)


def _paths(table: DeltaTable) -> set[str]:
    return set(pa.table(table.get_add_actions()).column("path").to_pylist())


def data_files(root: Path, name: str, version: int) -> list[DataFile]:
    """The Parquet files of table ``name`` at ``version``, from the Delta log.

    Raises:
        StoreError: when the table or that version cannot be opened.
    """
    location = table_dir(root, name)
    try:
        actions = pa.table(DeltaTable(str(location), version=version).get_add_actions(flatten=True))
    except (DeltaError, OSError, ValueError) as error:
        raise StoreError(
            damaged_message(root, f"table {name} version {version} cannot be opened: {error}")
        ) from error
    prefix = f"{TABLES_DIR}/{name}/"
    paths = actions.column("path").to_pylist()
    sizes = actions.column("size_bytes").to_pylist()
    rows = actions.column("num_records").to_pylist()
    first = f"min.{ROW_ORDER_COLUMN}"
    last = f"max.{ROW_ORDER_COLUMN}"

    def bounds(column: str) -> list[Any]:
        if column in actions.column_names:
            return list(actions.column(column).to_pylist())
        return [None] * len(paths)

    firsts, lasts = bounds(first), bounds(last)
    files = [
        DataFile(
            prefix + unquote(str(path)),
            int(size),
            int(count if count is not None else -1),
            int(start if start is not None else -1),
            int(end if end is not None else -1),
        )
        for path, size, count, start, end in zip(paths, sizes, rows, firsts, lasts, strict=True)
    ]
    # In row order as far as the files tell: reading them so often needs no sort at all.
    return sorted(files, key=lambda data: (data.first_row, data.file))


def read_files(
    root: Path,
    files: Sequence[DataFile],
    schema: pa.Schema,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a table from its files in row order, with the dtypes of ``schema``.

    Raises:
        StoreError: naming a file that cannot be read.
    """
    wanted = list(columns) if columns else list(schema.names)
    table = _concat_ordered([_read_part(root, data, wanted) for data in files], schema, wanted)
    order = table.column(ROW_ORDER_COLUMN)
    if len(order) > 1 and not pc.all(pc.less(order[:-1], order[1:])).as_py():
        table = table.take(pc.sort_indices(order))
    table = table.drop_columns([ROW_ORDER_COLUMN]).select(wanted)
    restored = _from_delta(table, schema)
    frame: pd.DataFrame = restored.to_pandas()
    return frame


def files_holding(files: Sequence[DataFile], positions: np.ndarray) -> list[DataFile]:
    """The files whose recorded row-order range holds one of ``positions`` (and every file
    that records no range)."""
    # Sorted: each file's range is then two binary searches (a large contiguous range of
    # rows, as a lean read of appended rows asks for, is not scanned once per file).
    ordered = sorted_distinct(np.asarray(positions, dtype=np.int64))
    return [
        data
        for data in files
        if data.first_row < 0
        or data.last_row < 0
        or np.searchsorted(ordered, data.last_row, side="right")
        > np.searchsorted(ordered, data.first_row, side="left")
    ]


def read_rows_at(
    root: Path,
    files: Sequence[DataFile],
    schema: pa.Schema,
    positions: np.ndarray,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows at ``positions`` (row orders) of a table, in the order of ``positions``.

    Only files whose recorded row-order range holds a wanted position are read (files
    without a recorded range are read too), so a few rows of a large table cost a few
    files, not the table.

    Raises:
        StoreError: naming a file that cannot be read, or when a position is not in the
            table.
    """
    wanted = np.asarray(positions, dtype=np.int64)
    ordered = sorted_distinct(wanted)
    chosen = files_holding(files, wanted)
    names = list(columns) if columns else list(schema.names)
    pieces = []
    for data in chosen:
        inside = ordered
        if data.first_row >= 0 and data.last_row >= 0:  # only the rows the file can hold
            low, high = np.searchsorted(ordered, [data.first_row, data.last_row + 1])
            inside = ordered[low:high]
        pieces.append(_rows_of_part(root, data, names, inside))
    table = _concat_ordered(pieces, schema, names)
    order = table.column(ROW_ORDER_COLUMN).to_numpy()
    at = pd.Index(order).get_indexer(wanted)
    if len(at) and (at < 0).any():
        missing = wanted[at < 0][:3].tolist()
        raise StoreError(damaged_message(root, f"rows {missing} are not in the table"))
    table = table.take(pa.array(at, pa.int64())).drop_columns([ROW_ORDER_COLUMN]).select(names)
    frame: pd.DataFrame = _from_delta(table, schema).to_pandas()
    return frame


def read_file_columns(
    root: Path,
    data: DataFile,
    schema: pa.Schema,
    columns: Sequence[str],
    dictionaries: Sequence[str] = (),
) -> tuple[np.ndarray, pa.Table]:
    """One data file's row orders and its ``columns`` with the types of ``schema``.

    Parameters:
        dictionaries: string columns read dictionary-encoded (each distinct value once,
            rows as integers into them), as Parquet stores them: no string per row.

    Raises:
        StoreError: naming the file when it cannot be read.
    """
    piece = _read_part(root, data, columns, dictionaries)
    orders = piece.column(ROW_ORDER_COLUMN).to_numpy().astype(np.int64, copy=False)
    plain = [c for c in columns if c not in dictionaries]
    typed = _from_delta(piece.select(plain), schema)
    return orders, pa.table(
        {c: typed.column(c) if c in plain else piece.column(c) for c in columns}
    )


def _read_part(
    root: Path, data: DataFile, names: Sequence[str], dictionaries: Sequence[str] = ()
) -> pa.Table:
    """The columns ``names`` and the row order of one data file of a table.

    Raises:
        StoreError: naming the file when it cannot be read.
    """
    try:
        file = pq.ParquetFile(root / data.file, read_dictionary=list(dictionaries) or None)
        return file.read(columns=[*names, ROW_ORDER_COLUMN])
    except (OSError, pa.ArrowException, ValueError, KeyError) as error:
        raise StoreError(damaged_message(root, f"{data.file} cannot be read: {error}")) from error


# A data file of at most this many rows (or with a quarter of its rows wanted) is read whole
# and filtered: fast, and its decoded columns are small. A larger one is read by DuckDB (a
# month of a million briefings' mentions, 416,000 rows in 4.3 MB, decodes to some 70 MB).
WHOLE_FILE_ROWS = 10_000


def _rows_of_part(root: Path, data: DataFile, names: Sequence[str], wanted: np.ndarray) -> pa.Table:
    """The columns ``names`` and the row order of the rows of one data file whose row
    order is in ``wanted``.

    A large file is read by DuckDB, which decodes it a few thousand rows at a time and
    keeps only the rows asked for: reading its columns whole held all of them at once (a
    month of a million briefings is one row group of some 28,000 texts: three briefings
    opened in the reader took the process up by 250 MB that way, by 40 MB this way, in
    about the same time).

    Raises:
        StoreError: naming the file when it cannot be read.
    """
    if data.rows <= WHOLE_FILE_ROWS or len(wanted) * 4 >= data.rows:
        piece = _read_part(root, data, names)
        kept = pc.is_in(piece.column(ROW_ORDER_COLUMN), pa.array(wanted, pa.int64()))
        return piece.filter(kept)
    import duckdb

    columns = ", ".join(_quoted(c) for c in [*names, ROW_ORDER_COLUMN])
    query = (
        f"SELECT {columns} FROM read_parquet($path) "
        f"WHERE {_quoted(ROW_ORDER_COLUMN)} IN (SELECT unnest($wanted::BIGINT[]))"
    )
    try:
        stored = pq.read_schema(root / data.file)
        with duckdb.connect(":memory:", config=_POINT_READS) as connection:
            found = connection.sql(
                query, params={"path": str(root / data.file), "wanted": wanted.tolist()}
            ).to_arrow_table()
        # DuckDB names its own types (microseconds in its session's time zone, plain
        # strings): back to the file's, as a whole read gives them.
        return found.cast(pa.schema([stored.field(c) for c in found.column_names]))
    except (duckdb.Error, OSError, pa.ArrowException) as error:
        raise StoreError(damaged_message(root, f"{data.file} cannot be read: {error}")) from error


# One thread, and no cache of files' bytes: a connection of its own for each read, closed
# after it, hands its memory back (one kept open held 50-70 MB between reads).
_POINT_READS: dict[str, str | bool | int | float | list[str]] = {
    "threads": 1,
    "enable_external_file_cache": False,
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _concat_ordered(pieces: list[pa.Table], schema: pa.Schema, names: Sequence[str]) -> pa.Table:
    """The parts as one table; with none, an empty one of the columns and the row order."""
    if pieces:
        return pa.concat_tables(pieces, promote_options="permissive")
    empty = pa.schema([_delta_field(schema.field(c)) for c in names])
    return empty.empty_table().append_column(ROW_ORDER_COLUMN, pa.array([], pa.int64()))


def _delta_field(field: pa.Field) -> pa.Field:
    return pa.field(field.name, _delta_type(field))
