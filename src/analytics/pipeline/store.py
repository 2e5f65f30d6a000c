"""Processed-corpus artefacts on disk, keyed by the inputs they came from: reading a store.

A store is a folder holding *generations*: each generation is a manifest
(``gen-NNNNNN/meta.json``) plus the topic model; the file ``CURRENT`` names the
generation in force. In format 3 every table is a Delta Lake table (``tables/<name>/``)
and the manifest names the Delta version of each table that belongs to the generation,
so a reader opens every table at that version and never sees half an ingest; older
generations stay readable (``open_store(path, as_of=N)``) until vacuumed. Formats 1
and 2 list immutable Parquet *parts* instead; they are read as they are and migrated
to format 3 by the first write.

Re-ingesting unchanged inputs does no work. Adding files processes only the new
briefings: their topics come from the fitted model, their mentions, relations and
report rows are appended to the tables, and the stored briefings are not read again
(their duplicate-detection keys are stored). Anything else, or ``refit=True``,
rebuilds with topic ids aligned to the previous model so saved links keep their
meaning.

Safety: a folder is only written when it is missing, empty or already a store
(``ATLAS-STORE`` marks ours); an ingest that would drop stored briefings refuses
unless told to ``add`` or ``replace``; writers take an inter-process lock
(``.atlas-lock``) for the whole read-previous to write-generation section. What is
verified, once per process: every data file the Delta log lists for a table at the
generation's version must be one the manifest recorded, with its size and SHA-256, and
the files must hold the recorded rows; every topic-model file has its SHA-256 checked
too. Formats 1 and 2: each part's size and checksum.

This module opens and reads a store (``Store``, ``open_store``, ``inspect_store``,
``rebuild_plan``). The layout lives in ``layout``, the Delta tables in ``deltatables``,
checksums in ``integrity``, the writer lock in ``lock``, writing a generation in
``generation``, the ingest flows (``ensure_store``) in ``ingest``, migration in
``migration`` and history in ``history``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import settings
from analytics.artefacts import Artefacts
from analytics.errors import StoreError
from analytics.paths import PROJECT_ROOT
from analytics.pipeline.deltatables import (
    DataFile,
    data_files,
    decode_schema,
    files_holding,
    read_file_columns,
    read_files,
    read_rows_at,
)
from analytics.pipeline.integrity import verify_file
from analytics.pipeline.layout import (
    CURRENT,
    DAMAGED,
    FOREIGN,
    GENERATION_NAME,
    LOCK,
    LOCK_HOLDER,
    MARKER,
    META,
    MODEL_DIR,
    NEW,
    NOT_A_FOLDER,
    PARTS_FORMATS,
    READABLE_FORMATS,
    READY,
    STORE_FORMAT,
    STORED_TABLES,
    TABLES,
    current_generation,
    damaged_message,
    generation_names,
    generation_number,
    not_a_folder_message,
    read_meta,
    store_location,
    table_entry,
    table_parts,
)


def default_store_dir() -> Path:
    """Where the dashboard keeps its store when none is configured."""
    override = settings.value("store_dir")
    return store_location(str(override)) if override else PROJECT_ROOT / ".atlas-store"


class Store:
    """Read access to one generation of a store folder (the current one, unless asked)."""

    def __init__(self, path: Path, generation: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.generation = generation
        self.meta = meta
        self._artefacts: Artefacts | None = None
        self._files: dict[str, list[DataFile]] = {}

    @property
    def format(self) -> int:
        """The store format of this generation: 3 for Delta tables, 1 or 2 for Parquet parts."""
        return int(self.meta.get("format", STORE_FORMAT))

    @property
    def fingerprint(self) -> str:
        """Content hash of the corpus in this generation."""
        return str(self.meta["fingerprint"])

    @property
    def checksummed(self) -> bool:
        """Whether this generation records a checksum for every data file (older stores do not)."""
        if not self.meta.get("model_files"):
            return False
        if self.format not in PARTS_FORMATS:
            return all("files" in entry for entry in self.meta.get("tables", {}).values())
        return all(
            "sha256" in part
            for name in self.meta.get("tables", {})
            for part in table_parts(self.generation, name, self.meta)
        )

    def verify(self) -> int:
        """Check every data file and topic-model file: present, its size and its checksum.

        In format 3 the data files of each table are those the Delta log lists at the
        version the generation names; each must be one the generation recorded, with
        its size and SHA-256, and they must hold the recorded number of rows.

        Returns:
            The number of files checked.

        Raises:
            StoreError: naming the first file that is missing or damaged.
        """
        checked = 0
        for name in self.meta.get("tables", {}):
            if self.format in PARTS_FORMATS:
                for part in table_parts(self.generation, name, self.meta):
                    verify_file(self.path, self.path / part["file"], part)
                    checked += 1
            else:
                checked += len(self._verified_files(name))
        for relative, entry in self.meta.get("model_files", {}).items():
            verify_file(self.path, self.generation / relative, entry)
            checked += 1
        return checked

    def has_table(self, name: str) -> bool:
        """Whether this generation holds ``name`` (older stores lack the duplicate keys)."""
        return name in self.meta.get("tables", {})

    def table_rows(self, name: str) -> int:
        """The number of rows this generation records for table ``name``."""
        return int(table_entry(self.generation, name, self.meta)["rows"])

    def table_files(self, name: str) -> list[Path]:
        """The Parquet files that make up table ``name``, in order."""
        if self.format not in PARTS_FORMATS:
            return [self.path / data.file for data in self._data_files(name)]
        return [self.path / part["file"] for part in table_parts(self.generation, name, self.meta)]

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Read one table (optionally only some columns).

        Raises:
            StoreError: when the table is unknown, missing or damaged.
        """
        if name not in STORED_TABLES:
            raise StoreError(
                f"unknown store table; expected one of {', '.join(STORED_TABLES)}, got {name!r}"
            )
        if self.format in PARTS_FORMATS:
            return _read_table(self.path, self.generation, name, self.meta, columns)
        entry = table_entry(self.generation, name, self.meta)
        files = self._verified_files(name)
        frame = read_files(self.path, files, decode_schema(entry["schema"]), columns)
        if len(frame) != int(entry["rows"]):
            raise StoreError(
                damaged_message(
                    self.path, f"table {name} has {len(frame)} rows, expected {entry['rows']}"
                )
            )
        return frame

    def rows_at(
        self, name: str, positions: np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows of table ``name`` at ``positions`` (0-based, in the table's order).

        A Delta table reads only the files holding them, and checks only those against the
        manifest (a few rows of a large table cost a few files, not hashing the table); a
        store of Parquet parts reads the table.

        Returns:
            One row per position, in the order of ``positions``, on a fresh index.

        Raises:
            StoreError: when the table is unknown, missing or damaged, or a position is
                not in it.
        """
        if self.format in PARTS_FORMATS or name not in STORED_TABLES:
            return self.table(name, columns).iloc[positions].reset_index(drop=True)
        entry = table_entry(self.generation, name, self.meta)
        files = files_holding(self._data_files(name), positions)
        self._verify(name, files)
        return read_rows_at(self.path, files, decode_schema(entry["schema"]), positions, columns)

    def schema(self, name: str) -> pa.Schema:
        """The Arrow schema table ``name`` records (format 3; older formats: its first part's).

        Raises:
            StoreError: when the table is unknown or missing.
        """
        if self.format in PARTS_FORMATS:
            return pa.Schema.from_pandas(self.table(name).head(0), preserve_index=False)
        return decode_schema(table_entry(self.generation, name, self.meta)["schema"])

    def table_pieces(
        self, name: str, columns: Sequence[str], dictionaries: Sequence[str] = ()
    ) -> Iterator[tuple[np.ndarray, pa.Table]]:
        """Table ``name`` one data file at a time: each file's row positions and ``columns``.

        Memory stays at one file's columns, however large the table; a store of Parquet
        parts gives its whole table as one piece. ``dictionaries`` names string columns
        read dictionary-encoded (format 3 only).

        Raises:
            StoreError: when the table is unknown, missing or damaged.
        """
        if self.format in PARTS_FORMATS:
            frame = self.table(name, columns)
            yield (
                np.arange(len(frame), dtype=np.int64),
                pa.Table.from_pandas(frame, preserve_index=False),
            )
            return
        schema = self.schema(name)
        for data in self._verified_files(name):
            yield read_file_columns(self.path, data, schema, list(columns), dictionaries)

    def _data_files(self, name: str) -> list[DataFile]:
        if name not in self._files:
            entry = table_entry(self.generation, name, self.meta)
            self._files[name] = data_files(self.path, name, int(entry["version"]))
        return self._files[name]

    def _verified_files(self, name: str) -> list[DataFile]:
        """The data files of table ``name``, each checked against the manifest."""
        files = self._data_files(name)
        self._verify(name, files)
        return files

    def _verify(self, name: str, files: Sequence[DataFile]) -> None:
        """Check ``files`` of table ``name`` against the manifest (each one's size and
        checksum), and that the table's files hold the rows it records."""
        entry = table_entry(self.generation, name, self.meta)
        recorded: dict[str, Any] = entry.get("files", {})
        for data in files:
            if data.file not in recorded:
                raise StoreError(
                    damaged_message(
                        self.path,
                        f"{data.file} is not one of the files {self.generation.name} "
                        f"recorded for table {name}",
                    )
                )
            verify_file(self.path, self.path / data.file, recorded[data.file])
        everything = self._data_files(name)
        if sum(data.rows for data in everything) != int(entry["rows"]):
            raise StoreError(
                damaged_message(
                    self.path,
                    f"table {name} version {entry['version']} holds "
                    f"{sum(data.rows for data in everything)} rows, expected {entry['rows']}",
                )
            )

    def artefacts(self) -> Artefacts:
        """Every table of this generation as an ``Artefacts`` (read once, then reused)."""
        if self._artefacts is None:
            tables = {name: self.table(name) for name in TABLES if self.has_table(name)}
            if "watchlist" not in tables:
                # Stores written before the watchlist: listed from what they hold.
                from analytics.pipeline.process import compute_watchlist

                tables["watchlist"] = compute_watchlist(tables["briefings"], tables["mentions"])
            self._artefacts = Artefacts(
                **tables,
                fingerprint=self.fingerprint,
                versions=dict(self.meta.get("versions", {})),
            )
        return self._artefacts

    def topic_model(self) -> Any:
        """The fitted topic model of this generation."""
        from analytics.topics import TopicModel

        model_dir = self.generation / MODEL_DIR
        if not model_dir.is_dir():
            raise StoreError(
                damaged_message(self.path, f"topic model folder {model_dir} is missing")
            )
        for relative, entry in self.meta.get("model_files", {}).items():
            verify_file(self.path, self.generation / relative, entry)
        return TopicModel.load(model_dir)


def _read_table(
    root: Path,
    generation: Path,
    name: str,
    meta: Mapping[str, Any],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a table of Parquet parts (formats 1 and 2)."""
    frames = []
    for part in table_parts(generation, name, meta):
        path = root / part["file"]
        verify_file(root, path, part)
        try:
            frame = pd.read_parquet(path, columns=list(columns) if columns else None)
        except (OSError, pa.ArrowException, ValueError, KeyError) as error:
            raise StoreError(
                damaged_message(root, f"{path.name} cannot be read: {error}")
            ) from error
        if len(frame) != part.get("rows", len(frame)):
            raise StoreError(
                damaged_message(root, f"{path.name} has {len(frame)} rows, expected {part['rows']}")
            )
        frames.append(frame)
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)


def open_store(path: str | Path, as_of: int | None = None) -> Store:
    """Open the current generation of the store at ``path``, or generation ``as_of``.

    Parameters:
        path: the store folder (or a ``file://`` URL).
        as_of: the number of an older generation to open (``info`` lists them).

    Raises:
        StoreError: when there is no store there, no such generation, or its files are
            missing or damaged.
    """
    root = store_location(path)
    if root.exists() and not root.is_dir():
        raise StoreError(not_a_folder_message(root))
    pointer = root / CURRENT
    if not pointer.exists():
        raise StoreError(
            f"no store at {root} (no {CURRENT} file); create one with "
            f"`python -m analytics ingest PATH... --store {root}`"
        )
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, ValueError) as error:
        raise StoreError(damaged_message(root, f"{CURRENT} cannot be read: {error}")) from error
    if not GENERATION_NAME.fullmatch(name):
        raise StoreError(damaged_message(root, f"{CURRENT} names {name[:40]!r}, not a generation"))
    if as_of is not None:
        held = [generation_number(n) for n in generation_names(root) if read_meta(root / n)]
        if as_of not in held:
            raise StoreError(
                f"the store at {root} holds no generation {as_of}; it holds generations "
                f"{', '.join(map(str, held))} (see `python -m analytics info --store {root}`)"
            )
        name = f"gen-{as_of:06d}"
    generation = root / name
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError(f"expected a JSON object, got {type(meta).__name__}")
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise StoreError(
            damaged_message(root, f"{generation.name}/{META} cannot be read: {reason}")
        ) from error
    if meta.get("format") not in READABLE_FORMATS:
        raise StoreError(
            damaged_message(
                root,
                f"store format {meta.get('format')!r}, this version reads "
                f"{', '.join(map(str, READABLE_FORMATS))}",
            )
        )
    return Store(root, generation, meta)


@dataclass(frozen=True)
class StoreStatus:
    """What a store folder holds: ``kind`` is one of NEW, READY, DAMAGED, FOREIGN, NOT_A_FOLDER.

    ``store`` is the opened store when READY; ``problem`` says what is wrong otherwise.
    """

    kind: str
    store: Store | None = None
    problem: str = ""


def inspect_store(path: str | Path) -> StoreStatus:
    """Say whether ``path`` may be built (NEW), opens (READY), is a damaged store,
    holds foreign files, or is not a folder. Nothing is created or changed."""
    root = store_location(path)
    if not root.exists():
        return StoreStatus(NEW)
    if not root.is_dir():
        return StoreStatus(NOT_A_FOLDER, problem=not_a_folder_message(root))
    # The writer lock and what its holder says it does: a store being created holds them.
    names = sorted(
        p.name for p in root.iterdir() if p.name != LOCK and not p.name.startswith(LOCK_HOLDER)
    )
    if not names:
        return StoreStatus(NEW)
    generations = generation_names(root)
    ours = MARKER in names or (
        CURRENT in names and any(read_meta(root / name) is not None for name in generations)
    )
    if not ours:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return StoreStatus(
            FOREIGN,
            problem=f"{root} is not a Briefing Atlas store and not empty (it holds {shown}); "
            "nothing there was changed: use a new or empty folder for the store",
        )
    if CURRENT not in names and not generations:
        return StoreStatus(NEW)
    try:
        return StoreStatus(READY, store=open_store(root))
    except StoreError as error:
        return StoreStatus(DAMAGED, problem=str(error))


@dataclass(frozen=True)
class RebuildPlan:
    """The inputs an explicit rebuild of a damaged store reads, and where they came from."""

    paths: tuple[Path, ...]
    manifest: Path | None
    columns: dict[str, str]
    n_topics: int | str
    recorded: bool  # True: the store's own recorded inputs; False: the configured corpus

    def describe(self) -> str:
        """Which inputs, in words."""
        shown = ", ".join(path.name for path in self.paths[:3])
        more = f" and {len(self.paths) - 3} more" if len(self.paths) > 3 else ""
        source = "its recorded inputs" if self.recorded else "the configured corpus"
        return f"{source} ({shown}{more})"


def rebuild_plan(path: str | Path, configured: Sequence[Path]) -> RebuildPlan:
    """How to rebuild the store at ``path``: from the inputs its newest readable
    generation recorded when they all still exist, else from ``configured``."""
    root = store_location(path)
    candidates = []
    if root.is_dir():
        current = current_generation(root)
        names = list(reversed(generation_names(root)))
        candidates = ([current] if current in names else []) + [n for n in names if n != current]
    for name in candidates:
        meta = read_meta(root / name)
        if meta is None:
            continue
        options = meta.get("options", {})
        recorded = [Path(p) for p in meta.get("paths", [])]
        manifest = Path(options["manifest"]) if options.get("manifest") else None
        if (
            recorded
            and all(p.exists() for p in recorded)
            and (manifest is None or manifest.exists())
        ):
            return RebuildPlan(
                tuple(recorded),
                manifest,
                dict(options.get("columns", {})),
                options.get("n_topics", "auto"),
                recorded=True,
            )
        break
    return RebuildPlan(tuple(configured), None, {}, "auto", recorded=False)
