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
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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
from analytics.pipeline.layout import (
    MONTH_COLUMN,
    PARTITIONED_TABLES,
    ROW_ORDER_COLUMN,
    TABLES_DIR,
    damaged_message,
)

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
            # A column with no value (stored as strings): Arrow casts nothing to null.
            column = pa.chunked_array([pa.nulls(len(column))], pa.null())
        else:
            column = column.cast(field.type)
        columns.append(column)
        fields.append(field)
    return pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata=schema.metadata))


def write_table(
    root: Path,
    name: str,
    frame: pd.DataFrame,
    *,
    append: bool,
    first_row: int,
    months: pd.Series | None = None,
) -> int:
    """Write ``frame`` to the Delta table ``name`` (appended, or replacing what it holds).

    The Parquet files are written with pyarrow, one per month (partitioned tables) or
    one in all, and committed to the table's Delta log as one new version with
    delta-rs: writing them with delta-rs' own writer needs several times the table's
    size in memory.

    Parameters:
        root: the store folder.
        name: the table.
        frame: the rows, in order.
        append: add the rows to the table's latest version; else overwrite it.
        first_row: the ``row_order`` of the first row (the rows the table keeps).
        months: the month of each briefing, indexed by briefing id, for partitioned
            tables without a date column.

    Returns:
        The Delta version written.
    """
    table = _to_delta(pa.Table.from_pandas(frame, preserve_index=False))
    table = table.replace_schema_metadata(None)
    order = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    table = table.append_column(ROW_ORDER_COLUMN, pa.array(order, pa.int64()))
    location = table_dir(root, name)
    exists = DeltaTable.is_deltatable(str(location))
    schema = table.schema
    if append and exists:
        # Appended rows take the table's column types (a column empty so far stays a string).
        stored = pa.schema(DeltaTable(str(location)).schema().to_arrow())
        schema = pa.schema([stored.field(field.name) for field in table.schema])
        table = table.cast(schema)
    partition_by = None
    actions = []
    if name in PARTITIONED_TABLES:
        partition_by = [MONTH_COLUMN]
        schema = schema.append(pa.field(MONTH_COLUMN, pa.string()))
        codes, values = pd.factorize(_months_column(frame, months), sort=True)
        for code, value in [*enumerate(values), (-1, None)]:
            rows = np.flatnonzero(codes == code)
            if len(rows):
                actions.append(_write_file(location, table.take(rows), value))
    else:
        actions.append(_write_file(location, table, ""))
    delta_schema = Schema.from_arrow(schema)
    if not exists:
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
    return int(DeltaTable(str(location)).version())


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


def _write_file(location: Path, rows: pa.Table, month: str | None) -> AddAction:
    """Write one Parquet file of the table at ``location``; its add action for the log."""
    if month == "":
        folder, values = "", {}
    else:
        folder = f"{MONTH_COLUMN}={month if month is not None else NULL_PARTITION}/"
        values = {MONTH_COLUMN: month}
    relative = f"{folder}part-00000-{uuid.uuid4()}-c000.snappy.parquet"
    target = location / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows, target, compression="snappy")
    stat = target.stat()
    return AddAction(
        relative,
        stat.st_size,
        values,
        stat.st_mtime_ns // 1_000_000,
        True,
        json.dumps(_stats(rows)),
    )


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
    ordered = np.unique(wanted)
    chosen = [
        data
        for data in files
        if data.first_row < 0
        or data.last_row < 0
        or np.any((ordered >= data.first_row) & (ordered <= data.last_row))
    ]
    names = list(columns) if columns else list(schema.names)
    wanted_rows = pa.array(ordered, pa.int64())
    pieces = []
    for data in chosen:
        piece = _read_part(root, data, names)
        pieces.append(piece.filter(pc.is_in(piece.column(ROW_ORDER_COLUMN), wanted_rows)))
    table = _concat_ordered(pieces, schema, names)
    order = table.column(ROW_ORDER_COLUMN).to_numpy()
    at = pd.Index(order).get_indexer(wanted)
    if len(at) and (at < 0).any():
        missing = wanted[at < 0][:3].tolist()
        raise StoreError(damaged_message(root, f"rows {missing} are not in the table"))
    table = table.take(pa.array(at, pa.int64())).drop_columns([ROW_ORDER_COLUMN]).select(names)
    frame: pd.DataFrame = _from_delta(table, schema).to_pandas()
    return frame


def _read_part(root: Path, data: DataFile, names: Sequence[str]) -> pa.Table:
    """The columns ``names`` and the row order of one data file of a table.

    Raises:
        StoreError: naming the file when it cannot be read.
    """
    try:
        return pq.ParquetFile(root / data.file).read(columns=[*names, ROW_ORDER_COLUMN])
    except (OSError, pa.ArrowException, ValueError, KeyError) as error:
        raise StoreError(damaged_message(root, f"{data.file} cannot be read: {error}")) from error


def _concat_ordered(pieces: list[pa.Table], schema: pa.Schema, names: Sequence[str]) -> pa.Table:
    """The parts as one table; with none, an empty one of the columns and the row order."""
    if pieces:
        return pa.concat_tables(pieces, promote_options="permissive")
    empty = pa.schema([_delta_field(schema.field(c)) for c in names])
    return empty.empty_table().append_column(ROW_ORDER_COLUMN, pa.array([], pa.int64()))


def _delta_field(field: pa.Field) -> pa.Field:
    return pa.field(field.name, _delta_type(field))
