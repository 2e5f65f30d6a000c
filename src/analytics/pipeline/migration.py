"""Migrating a store of Parquet parts (formats 1 and 2) to Delta tables (format 3), once.

A store of an older format opens and reads as it always did. The first write into it
(or ``python -m analytics migrate --store DIR``) rewrites every table it holds as a
Delta table, row for row in the same order with the same dtypes, and commits them as
a new generation of format 3 recording the same corpus, inputs and options. The old
generation and its parts stay until the next write, so a reader that opened them can
finish.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analytics import settings
from analytics.errors import StoreError
from analytics.pipeline.generation import write_generation
from analytics.pipeline.layout import (
    DAMAGED,
    NEW,
    PARTS_FORMATS,
    STORE_FORMAT,
    STORED_TABLES,
    store_location,
)
from analytics.pipeline.lock import write_errors, writer_lock
from analytics.pipeline.store import Store, inspect_store

# What a migrated generation carries over from the one it replaces.
_CARRIED = ("fingerprint", "fingerprint_state", "n_briefings", "versions", "inputs", "options")


def migration_message(store: Store) -> str:
    """The one line said when ``store`` is migrated."""
    return (
        f"migrating the store at {store.path} from format {store.format} (Parquet parts) to "
        f"format {STORE_FORMAT} (Delta tables), once: all {store.meta.get('n_briefings', 0)} "
        "briefings and every table are kept"
    )


def migrate_locked(store: Store, notify: Callable[[str], None]) -> Store:
    """Rewrite ``store`` (formats 1 and 2) as Delta tables; the caller holds the writer lock.

    Every table is read (its checksums verified) and written whole; the new
    generation records the old one's corpus, inputs and options.

    Parameters:
        store: the opened store of an older format.
        notify: called once with the message saying what is done.

    Returns:
        The migrated store.

    Raises:
        StoreError: when a table or the topic model of ``store`` is missing or damaged.
    """
    notify(migration_message(store))
    store.verify()
    tables = {name: store.table(name) for name in STORED_TABLES if store.has_table(name)}
    meta = {key: store.meta[key] for key in _CARRIED if key in store.meta}
    meta["paths"] = list(store.meta.get("paths", []))
    meta["ingest"] = {
        "mode": "migration",
        "from_format": store.format,
        "from_generation": store.generation.name,
    }
    with write_errors(store.path):
        return write_generation(store.path, None, tables, store.topic_model(), meta)


def migrate_store(
    path: str | Path,
    *,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> tuple[Store, bool]:
    """Migrate the store at ``path`` to format 3 unless it is already.

    Parameters:
        path: the store folder.
        wait: seconds to wait for an ingest into the store to finish (default: the
            ``store_wait_seconds`` setting).
        on_wait: called with one message when the migration has to wait.
        notify: called with one message when the store is migrated.

    Returns:
        ``(store, migrated)``: the store in force afterwards, and whether it was migrated.

    Raises:
        StoreError: when there is no store at ``path``, it is damaged, or the wait for
            the writer lock times out.
    """
    root = store_location(path)
    status = inspect_store(root)
    if status.kind == NEW:
        raise StoreError(
            f"no store at {root} to migrate; create one with "
            f"`python -m analytics ingest PATH... --store {root}`"
        )
    if status.store is None:
        raise StoreError(status.problem)
    if wait is None:
        wait = float(settings.value("store_wait_seconds"))
    with writer_lock(root, wait, on_wait or (lambda message: None), "a store migration"):
        status = inspect_store(root)
        if status.kind == DAMAGED or status.store is None:
            raise StoreError(status.problem)
        if status.store.format not in PARTS_FORMATS:
            return status.store, False
        migrated = migrate_locked(status.store, notify or (lambda message: None))
        # The dashboard's lean tables of the new generation, kept now rather than by its
        # first reader (best effort, as the reader's own).
        from analytics.pipeline.lean import keep_written_lean

        keep_written_lean(migrated)
        return migrated, True
