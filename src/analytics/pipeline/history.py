"""A store's history: its generations listed, and old ones vacuumed on request.

Every write of a format-3 store adds a generation (``gen-NNNNNN/meta.json``) naming a
Delta version of each table; older generations stay readable (``open_store(path,
as_of=N)``, ``export --as-of N``) until ``vacuum_store`` removes all but the newest
ones. Vacuuming removes the generation folders and then, with Delta's own vacuum
(retention not enforced, every version a kept generation names kept), each table's
data files that no kept generation needs. The current generation and the one before
it (which readers may still be reading) are always kept.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deltalake import DeltaTable

from analytics import settings
from analytics.errors import InputError, StoreError
from analytics.pipeline.deltatables import roll_back, table_dir
from analytics.pipeline.follow_ups import remove_follow_ups
from analytics.pipeline.layout import (
    PART_NAME,
    PARTS_DIR,
    PARTS_FORMATS,
    current_generation,
    generation_names,
    generation_number,
    read_meta,
    store_location,
)
from analytics.pipeline.lean import remove_lean
from analytics.pipeline.lock import write_errors, writer_lock
from analytics.pipeline.store import open_store

# Generations a vacuum keeps at least: the current one and the one before it.
MIN_KEEP = 2


@dataclass(frozen=True)
class GenerationInfo:
    """One generation of a store, as ``info`` lists it."""

    number: int
    created: str
    n_briefings: int
    mode: str
    paths: tuple[str, ...]
    current: bool


def list_generations(path: str | Path) -> list[GenerationInfo]:
    """The readable generations of the store at ``path``, oldest first.

    Raises:
        StoreError: when there is no store at ``path``.
    """
    root = open_store(path).path
    current = current_generation(root)
    listed = []
    for name in generation_names(root):
        meta = read_meta(root / name)
        if meta is None:
            continue
        done = meta.get("ingest", {})
        listed.append(
            GenerationInfo(
                number=generation_number(name),
                created=str(meta.get("created", "")),
                n_briefings=int(meta.get("n_briefings", 0)),
                mode=str(done.get("mode", "")),
                paths=tuple(str(p) for p in meta.get("paths", [])),
                current=name == current,
            )
        )
    return listed


@dataclass(frozen=True)
class VacuumResult:
    """What a vacuum removed: generation numbers and data files."""

    removed_generations: tuple[int, ...]
    removed_files: int
    kept_generations: tuple[int, ...]

    def describe(self) -> str:
        """One line for the terminal."""
        kept = ", ".join(map(str, self.kept_generations))
        if not self.removed_generations and not self.removed_files:
            return f"nothing to remove: the store keeps generations {kept}"
        gone = ", ".join(map(str, self.removed_generations)) or "none"
        return (
            f"removed generations {gone} and {self.removed_files} data files no kept "
            f"generation needs; kept generations {kept}"
        )


def vacuum_store(
    path: str | Path,
    *,
    keep: int = MIN_KEEP,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> VacuumResult:
    """Remove all but the newest ``keep`` generations and the files only they needed.

    Parameters:
        path: the store folder.
        keep: how many generations to keep, the current one and those just before it
            (at least 2: readers may still be reading the previous one).
        wait: seconds to wait for an ingest into the store to finish (default: the
            ``store_wait_seconds`` setting).
        on_wait: called with one message when the vacuum has to wait.

    Returns:
        What was removed and kept.

    Raises:
        InputError: when ``keep`` is below 2.
        StoreError: when there is no store, it is damaged or of an older format, or the
            wait for the writer lock times out.
    """
    if keep < MIN_KEEP:
        raise InputError(
            f"a vacuum keeps at least the current generation and the previous one, which "
            f"readers may still be reading: expected --keep {MIN_KEEP} or more; got {keep}"
        )
    root = store_location(path)
    open_store(root)
    if wait is None:
        wait = float(settings.value("store_wait_seconds"))
    with writer_lock(root, wait, on_wait or (lambda message: None), "a vacuum"), write_errors(root):
        store = open_store(root)
        if store.format in PARTS_FORMATS:
            raise StoreError(
                f"the store at {root} is of format {store.format} (Parquet parts), which keeps "
                "no history to vacuum; migrate it with "
                f"`python -m analytics migrate --store {root}`"
            )
        store.verify()
        number = generation_number(store.generation.name)
        names = generation_names(root)
        older = [n for n in names if generation_number(n) < number and read_meta(root / n)]
        kept = [*older[len(older) - (keep - 1) :], store.generation.name]
        versions: dict[str, list[int]] = {}
        keeps_parts = False
        for name in kept:
            meta = read_meta(root / name) or {}
            keeps_parts = keeps_parts or meta.get("format") in PARTS_FORMATS
            for table, entry in meta.get("tables", {}).items():
                if "version" in entry:
                    versions.setdefault(table, []).append(int(entry["version"]))
        removed = tuple(generation_number(n) for n in names if n not in kept)
        for name in names:
            if name not in kept:
                shutil.rmtree(root / name, ignore_errors=True)
        if not keeps_parts:
            _remove_parts(root)
        removed_files = 0
        for table, table_versions in versions.items():
            roll_back(root, table, int(store.meta["tables"][table]["version"]))
            before = _count_data_files(table_dir(root, table))
            # Delta lists removed files again on later vacuums: count what is gone instead.
            DeltaTable(str(table_dir(root, table))).vacuum(
                retention_hours=0,
                dry_run=False,
                enforce_retention_duration=False,
                keep_versions=sorted(set(table_versions)),
                full=True,
            )
            removed_files += before - _count_data_files(table_dir(root, table))
        metas = [read_meta(root / name) or {} for name in kept]
        fingerprints = [meta.get("fingerprint", "") for meta in metas]
        remove_follow_ups(root, [fingerprint for fingerprint in fingerprints if fingerprint])
        remove_lean(root, metas)
    return VacuumResult(removed, removed_files, tuple(generation_number(n) for n in kept))


def _count_data_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*.parquet") if "_delta_log" not in path.parts)


def _remove_parts(root: Path) -> None:
    """Remove our Parquet parts: no generation of Delta tables uses them."""
    parts = root / PARTS_DIR
    if not parts.is_dir():
        return
    for path in parts.iterdir():
        if PART_NAME.fullmatch(path.name):
            path.unlink(missing_ok=True)
