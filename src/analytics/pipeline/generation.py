"""Writing a generation: new Delta versions, the topic model and meta.json, then ``CURRENT``.

Each table gets a new Delta version (rows appended, or the table overwritten); the
manifest ``meta.json`` records that version of every table, the topic model, the
inputs and what the ingest did. The generation is filled in a staging folder, synced
to disk and renamed into place before ``CURRENT`` is replaced atomically, so an
ingest killed half-way leaves the previous generation intact: readers open each table
at the version their generation names, and the next writer rolls back table versions
no generation names. Every data file and topic-model file written gets a SHA-256
checksum in the manifest. Older generations stay (the store's history) until
``vacuum``; a store of Parquet parts (formats 1 and 2) keeps its previous generation
and the parts it uses, as before.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analytics import schema as S
from analytics.pipeline.deltatables import (
    DeferredTable,
    PartLayout,
    WrittenTable,
    appended_schema,
    commit_parts,
    data_files,
    decode_schema,
    encode_schema,
    frame_schema,
    months_of,
    parquet_safe,
    roll_back,
    table_dir,
    table_schema,
    write_table,
)
from analytics.pipeline.integrity import checksum_entry
from analytics.pipeline.layout import (
    CURRENT,
    META,
    MODEL_DIR,
    PART_NAME,
    PARTITIONED_TABLES,
    PARTS_DIR,
    PARTS_FORMATS,
    STAGING_NAME,
    STORE_FORMAT,
    current_generation,
    generation_names,
    read_meta,
    table_parts,
)
from analytics.pipeline.lock import process_alive
from analytics.pipeline.store import Store, open_store


def write_generation(
    root: Path,
    previous: Store | None,
    tables: Mapping[str, pd.DataFrame | DeferredTable | None],
    model: Any,
    meta: dict[str, Any],
    replace_tables: Collection[str] = (),
) -> Store:
    """Write a new generation and make it current (the caller holds the writer lock).

    ``tables`` maps each table to the rows to add: with ``previous`` given, they are
    appended to its tables (``None`` or no rows: the table stays at its version),
    except for ``replace_tables``, which are rewritten whole; without, they are the
    whole table. A ``DeferredTable`` (rows on a cluster's workers) is written where its
    rows are and committed here, as one Delta version like a frame written here; when
    its write fails, nothing of this generation becomes current. Once the new
    generation is current, generations of Parquet parts and parts that neither it nor
    the generation before it use are removed: a reader that opened the previous
    generation can finish reading it.
    """
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(root)
    existing = generation_names(root)
    number = int(existing[-1].split("-")[1]) + 1 if existing else 1
    name = f"gen-{number:06d}"
    staging = root / f".tmp-{name}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        before = _fill_generation(
            root, staging, number, previous, tables, model, meta, replace_tables
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_unused(root, keep=[name, *([before] if before else [])])
    return open_store(root)


def _fill_generation(
    root: Path,
    staging: Path,
    number: int,
    previous: Store | None,
    tables: Mapping[str, pd.DataFrame | DeferredTable | None],
    model: Any,
    meta: dict[str, Any],
    replace_tables: Collection[str],
) -> str | None:
    """Write the tables, then model and manifest into ``staging``, then switch ``CURRENT``.

    Returns:
        The name of the generation that was current before, if any.
    """
    name = f"gen-{number:06d}"
    kept = previous.meta.get("tables", {}) if previous is not None else {}
    if previous is not None and previous.format in PARTS_FORMATS:
        kept = {}  # a store of Parquet parts is migrated before anything is added to it
    briefings = tables.get("briefings")
    months = None
    if isinstance(briefings, pd.DataFrame):
        months = pd.Series(
            months_of(briefings[S.DATE]).to_numpy(), index=briefings[S.BRIEFING_ID].to_numpy()
        )
    tables_meta: dict[str, dict[str, Any]] = {}
    for table, frame in tables.items():
        entry = kept.get(table) if table not in replace_tables else None
        n_rows = 0 if frame is None else _n_rows(frame)
        if entry is not None:
            # Versions written by an ingest that never made its generation current go.
            roll_back(root, table, int(entry["version"]))
            if not n_rows:
                tables_meta[table] = entry
                continue
        if frame is None:
            continue
        first_row = int(entry["rows"]) if entry is not None else 0
        append = entry is not None
        if isinstance(frame, pd.DataFrame):
            safe = parquet_safe(frame)
            schema = frame_schema(safe)
            written = write_table(
                root, table, safe, append=append, first_row=first_row, months=months
            )
        else:
            schema = frame.schema
            written = _write_deferred(root, table, frame, append=append, first_row=first_row)
        recorded: dict[str, Any] = dict(entry["files"]) if entry is not None else {}
        files: dict[str, Any] = {}
        for data in data_files(root, table, written.version):
            if data.file not in recorded:
                known = written.checksums.get(data.file)
                recorded[data.file] = known or checksum_entry(root / data.file)
            files[data.file] = recorded[data.file]
        tables_meta[table] = {
            "version": written.version,
            "rows": first_row + n_rows,
            "schema": encode_schema(
                appended_schema(decode_schema(entry["schema"]), schema)
                if entry is not None
                else schema
            ),
            "files": files,
        }
    model.save(staging / MODEL_DIR)
    model_files = {
        path.relative_to(staging).as_posix(): checksum_entry(path)
        for path in sorted((staging / MODEL_DIR).rglob("*"))
        if path.is_file()
    }
    full_meta = {
        "format": STORE_FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        "tables": tables_meta,
        "model_files": model_files,
    }
    (staging / META).write_text(json.dumps(full_meta, indent=1, default=str), encoding="utf-8")
    # The tables' data files were synced as they were written (``write_part``).
    _fsync_files(list(staging.rglob("*")))
    before = current_generation(root)
    os.replace(staging, root / name)
    pointer_tmp = root / f".{CURRENT}.{os.getpid()}"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, root / CURRENT)
    return before if before != name else None


def _n_rows(frame: pd.DataFrame | DeferredTable) -> int:
    return len(frame) if isinstance(frame, pd.DataFrame) else frame.n_rows


def _write_deferred(
    root: Path, name: str, table: DeferredTable, *, append: bool, first_row: int
) -> WrittenTable:
    """Have ``table``'s rows written where they are, then commit them as one version."""
    layout = PartLayout(
        table_schema(root, name, table.schema, append=append), name in PARTITIONED_TABLES
    )
    parts = table.write(table_dir(root, name), layout, first_row)
    return commit_parts(root, name, parts, layout, append=append)


def _remove_stale_staging(root: Path) -> None:
    """Remove staging folders of ingests that died before making their generation current."""
    for path in root.iterdir():
        match = STAGING_NAME.fullmatch(path.name)
        if match and path.is_dir() and not _process_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own earlier attempt, which failed
    return process_alive(pid)


def _remove_unused(root: Path, keep: Sequence[str]) -> None:
    """Remove generations of Parquet parts not in ``keep``, and our part files none uses.

    Generations of Delta tables stay until ``vacuum`` removes them (they are the
    store's history). Only names of our exact patterns are touched; a kept generation
    whose meta cannot be read is removed (it is damaged and no reader can use it).
    """
    used: set[str] = set()
    kept: set[str] = set()
    for name in generation_names(root):
        meta = read_meta(root / name)
        if meta is None or (name not in keep and meta.get("format") in PARTS_FORMATS):
            continue
        kept.add(name)
        if meta.get("format") in PARTS_FORMATS:
            generation = root / name
            for table in meta.get("tables", {}):
                used.update(part["file"] for part in table_parts(generation, table, meta))
    for name in generation_names(root):
        if name not in kept:
            shutil.rmtree(root / name, ignore_errors=True)
    if not (root / PARTS_DIR).is_dir():
        return
    for path in (root / PARTS_DIR).iterdir():
        if PART_NAME.fullmatch(path.name) and f"{PARTS_DIR}/{path.name}" not in used:
            path.unlink(missing_ok=True)


def _fsync_files(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
