"""The on-disk layout of a store: its file names, folder states, generations and tables.

A store folder holds generations (``gen-NNNNNN/meta.json``, the generation manifest,
plus the topic model), the tables they name, the ``CURRENT`` pointer, the
``ATLAS-STORE`` marker and the writer lock. In format 3 every table is a Delta table
(``tables/<name>/``) and a manifest records the Delta version of each table that
belongs to the generation; formats 1 and 2 (read, and migrated on the first write)
list immutable Parquet parts (``parts/``) instead. This module names them and reads
the small pieces of metadata every other store module needs; it writes nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from analytics.errors import StoreError

STORE_FORMAT = 3
READABLE_FORMATS = (1, 2, 3)
# Formats whose tables are Parquet parts: read as they are, migrated on the first write.
PARTS_FORMATS = (1, 2)
CURRENT = "CURRENT"
META = "meta.json"
MODEL_DIR = "topic_model"
PARTS_DIR = "parts"
TABLES_DIR = "tables"
TABLES = (
    "briefings",
    "report",
    "mentions",
    "countries",
    "topics",
    "topic_summary",
    "interactions",
    "watchlist",
)
# Duplicate-detection keys of the stored briefings (not part of the artefacts).
KEYS_TABLE = "duplicate_keys"
# Per-period counts of the whole corpus, rewritten by every ingest (``rollups``).
# Those of the first version come first: every store written since holds them; the
# co-mentions and the topic-by-country cells came later (a store without them is served
# the others, and an ingest into it counts them from its tables once).
FIRST_ROLLUP_TABLES = ("rollup_volume", "rollup_countries", "rollup_topics", "rollup_pairs")
ROLLUP_TABLES = (*FIRST_ROLLUP_TABLES, "rollup_comentions", "rollup_matrix")
# The mergeable counts the rollups are finished from, rewritten with them: an ingest that
# adds briefings merges these with the counts of the added ones.
FIRST_ROLLUP_COUNT_TABLES = (
    "rollup_counts_volume",
    "rollup_counts_countries",
    "rollup_counts_topics",
    "rollup_counts_pairs",
)
ROLLUP_COUNT_TABLES = (
    *FIRST_ROLLUP_COUNT_TABLES,
    "rollup_counts_comentions",
    "rollup_counts_matrix",
)
STORED_TABLES = (*TABLES, KEYS_TABLE, *ROLLUP_TABLES, *ROLLUP_COUNT_TABLES)
# Tables with rows per briefing (or per mention of one), partitioned by the briefing's month.
PARTITIONED_TABLES = ("briefings", "mentions", "countries", "topics", "interactions")
MONTH_COLUMN = "month"
# Each row's position in its table: Delta keeps no row order of its own.
ROW_ORDER_COLUMN = "row_order"
# Written when a store is created: only folders that are empty, marked, or an older
# store (CURRENT plus a readable generation) are ever written to.
MARKER = "ATLAS-STORE"
MARKER_TEXT = "This folder is a Briefing Atlas store; its files are managed by `analytics`.\n"
LOCK = ".atlas-lock"
# What the lock's holder does (``lock.Writer``), written while it holds the lock.
LOCK_HOLDER = ".atlas-lock-holder"
# Only names of exactly these patterns are ours to number, keep or delete.
GENERATION_NAME = re.compile(r"gen-(\d{6,})")
STAGING_NAME = re.compile(r"\.tmp-gen-\d{6,}-(\d+)(?:-[0-9a-f]+)?")
PART_NAME = re.compile(rf"\.?(?:{'|'.join(STORED_TABLES)})-\d{{6,}}\.parquet(?:\.\d+)?")

# Store folder states (``inspect_store``).
NEW = "new"  # missing, empty, or ours with nothing committed yet: may be built
READY = "ready"
DAMAGED = "damaged"  # ours, but it fails to open: never written implicitly
FOREIGN = "foreign"  # holds files that are not a store: never written
NOT_A_FOLDER = "not a folder"


# ``scheme://``: a store given as a URL.
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def store_location(value: str | Path) -> Path:
    """The local folder of a store given as a path, a ``file://`` URL, or the URL of a
    store on an object store (``s3://``, ``gs://``, ``az://``...), whose local folder is
    its working copy (``pipeline.remote``: synced by ``reading_store``/``writing_store``,
    not here).

    Raises:
        StoreError: for a ``file://`` URL of another machine, and URLs of other schemes.
    """
    if isinstance(value, Path):
        return value
    if not URL.match(value):
        return Path(value)
    url = urlparse(value)
    if url.scheme.lower() == "file":
        if url.netloc not in ("", "localhost"):
            raise StoreError(
                "a file:// store URL names a folder on this machine: expected "
                f"file:///absolute/path; got {value!r}"
            )
        return Path(unquote(url.path))
    from analytics.pipeline.remote import is_remote, working_copy

    if is_remote(value):
        return working_copy(value)
    raise StoreError(
        "a store is a folder, a file:///absolute/path URL or a URL of an object store "
        f"(s3://BUCKET/PATH, gs://BUCKET/PATH, az://CONTAINER/PATH); got {value!r}"
    )


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: to a hidden file beside it, renamed
    onto it once written, so a reader never sees half of it and a failure (a full disk)
    leaves an earlier file of that name as it was."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        staging.write_bytes(data)
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


def generation_number(name: str) -> int:
    """The number of generation ``name`` (``gen-000012`` -> 12)."""
    return int(name.split("-")[1])


def damaged_message(store: Path, reason: str) -> str:
    """The message of a ``StoreError`` for a damaged store: ``reason`` and how to rebuild."""
    return (
        f"the store at {store} is damaged ({reason}); rebuild it with "
        f"`python -m analytics ingest PATH... --store {store} --rebuild`"
    )


def table_entry(generation: Path, name: str, meta: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest entry of table ``name``.

    Raises:
        StoreError: when the generation does not list the table.
    """
    entry = meta.get("tables", {}).get(name)
    if entry is None:
        raise StoreError(damaged_message(generation.parent, f"meta.json lists no table {name!r}"))
    return dict(entry)


def table_parts(generation: Path, name: str, meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parts of table ``name`` (formats 1 and 2): files relative to the store folder,
    rows, bytes."""
    entry = meta.get("tables", {}).get(name)
    if entry is None:
        raise StoreError(damaged_message(generation.parent, f"meta.json lists no table {name!r}"))
    if "parts" in entry:
        return list(entry["parts"])
    # Format 1: one file per table inside the generation folder.
    return [{"file": f"{generation.name}/{name}.parquet", **entry}]


def not_a_folder_message(root: Path) -> str:
    """The message of a ``StoreError`` for a store path that is a file."""
    return f"the store path {root} is a file; a store is a folder (new, empty, or a store)"


def current_generation(path: str | Path) -> str | None:
    """The name of the generation in force, or ``None`` when there is none (cheap, no checks)."""
    try:
        return (store_location(path) / CURRENT).read_text(encoding="utf-8").strip() or None
    except (OSError, ValueError, StoreError):
        return None


def generation_names(root: Path) -> list[str]:
    """Our generation folders, oldest first (``gen-old-drafts`` and the like are not ours)."""
    names = [p.name for p in root.iterdir() if p.is_dir() and GENERATION_NAME.fullmatch(p.name)]
    return sorted(names, key=lambda name: int(name.split("-")[1]))


def read_meta(generation: Path) -> dict[str, Any] | None:
    """A generation's meta.json when it is readable and of a format we read, else ``None``."""
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") not in READABLE_FORMATS:
        return None
    return meta
