"""Processed-corpus artefacts on disk, keyed by the inputs they came from.

A store is a folder holding *generations*: each generation is a ``meta.json``
naming the Parquet *parts* every table is made of, plus the topic model; the file
``CURRENT`` names the generation in force. Parts (``parts/``) are written once and
never changed: a new generation lists the parts it keeps and the ones it adds, and
``CURRENT`` is replaced atomically, so an ingest killed half-way leaves the
previous store intact.

Re-ingesting unchanged inputs does no work. Adding files processes only the new
briefings: their topics come from the fitted model, their mentions, relations and
report rows are appended as new parts, and the stored briefings are not read again
(their duplicate-detection keys are stored). Anything else, or ``refit=True``,
rebuilds with topic ids aligned to the previous model so saved links keep their
meaning.

Safety: a folder is only written when it is missing, empty or already a store
(``ATLAS-STORE`` marks ours); an ingest that would drop stored briefings refuses
unless told to ``add`` or ``replace``; writers take an inter-process lock
(``.atlas-lock``) for the whole read-previous to write-generation section; every
part and topic-model file carries a SHA-256 checksum, verified once per process;
the generation before the current one is kept until the next write, so a reader
that opened it never loses its files mid-read.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from filelock import FileLock, Timeout

from analytics import schema as S
from analytics import settings
from analytics.artefacts import Artefacts
from analytics.errors import InputError, StoreError
from analytics.ingest import MANIFEST_NAMES, strings_in
from analytics.paths import PROJECT_ROOT

STORE_FORMAT = 2
READABLE_FORMATS = (1, 2)
CURRENT = "CURRENT"
META = "meta.json"
MODEL_DIR = "topic_model"
PARTS_DIR = "parts"
TABLES = (
    "briefings",
    "report",
    "mentions",
    "countries",
    "topics",
    "topic_summary",
    "interactions",
)
# Duplicate-detection keys of the stored briefings (not part of the artefacts).
KEYS_TABLE = "duplicate_keys"
STORED_TABLES = (*TABLES, KEYS_TABLE)
# Written when a store is created: only folders that are empty, marked, or an older
# store (CURRENT plus a readable generation) are ever written to.
MARKER = "ATLAS-STORE"
MARKER_TEXT = "This folder is a Briefing Atlas store; its files are managed by `analytics`.\n"
LOCK = ".atlas-lock"
# How long an ingest waits for another one into the same store (CLI --wait).
DEFAULT_WAIT_SECONDS = 600.0
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

Progress = Callable[[float, str], None]


def default_store_dir() -> Path:
    """Where the dashboard keeps its store when none is configured."""
    override = settings.value("store_dir")
    return Path(override) if override else PROJECT_ROOT / ".atlas-store"


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did: ``mode`` is unchanged, incremental or full."""

    mode: str
    n_briefings: int
    n_new_files: int
    n_loaded: int
    n_duplicates: int
    n_skipped: int
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the terminal."""
        if self.mode == "unchanged":
            return f"store is up to date: {self.n_briefings} briefings, nothing to do"
        return (
            f"{self.mode} ingest: {self.n_briefings} briefings in store "
            f"({self.n_new_files} input files read, {self.n_loaded} loaded, "
            f"{self.n_duplicates} duplicates, {self.n_skipped} skipped) "
            f"in {self.seconds:.1f} s"
        )


class Store:
    """Read access to the current generation of a store folder."""

    def __init__(self, path: Path, generation: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.generation = generation
        self.meta = meta
        self._artefacts: Artefacts | None = None

    @property
    def fingerprint(self) -> str:
        """Content hash of the corpus in this generation."""
        return str(self.meta["fingerprint"])

    @property
    def checksummed(self) -> bool:
        """Whether this generation records a checksum for every part (older stores do not)."""
        return all(
            "sha256" in part
            for name in self.meta.get("tables", {})
            for part in _parts(self.generation, name, self.meta)
        ) and bool(self.meta.get("model_files"))

    def verify(self) -> int:
        """Check every part and topic-model file: present, its size, and its checksum if recorded.

        Returns:
            The number of files checked.

        Raises:
            StoreError: naming the first file that is missing or damaged.
        """
        checked = 0
        for name in self.meta.get("tables", {}):
            for part in _parts(self.generation, name, self.meta):
                _verify_file(self.path, self.path / part["file"], part)
                checked += 1
        for relative, entry in self.meta.get("model_files", {}).items():
            _verify_file(self.path, self.generation / relative, entry)
            checked += 1
        return checked

    def has_table(self, name: str) -> bool:
        """Whether this generation holds ``name`` (older stores lack the duplicate keys)."""
        return name in self.meta.get("tables", {})

    def table_files(self, name: str) -> list[Path]:
        """The Parquet files that make up table ``name``, in order."""
        return [self.path / part["file"] for part in _parts(self.generation, name, self.meta)]

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Read one table (optionally only some columns).

        Raises:
            StoreError: when the table is unknown, missing or damaged.
        """
        if name not in STORED_TABLES:
            raise StoreError(
                f"unknown store table; expected one of {', '.join(STORED_TABLES)}, got {name!r}"
            )
        return _read_table(self.path, self.generation, name, self.meta, columns)

    def artefacts(self) -> Artefacts:
        """Every table of this generation as an ``Artefacts`` (read once, then reused)."""
        if self._artefacts is None:
            tables = {name: self.table(name) for name in TABLES}
            self._artefacts = Artefacts(
                **tables,
                fingerprint=self.fingerprint,
                versions=dict(self.meta.get("versions", {})),
            )
        return self._artefacts

    def topic_model(self) -> Any:
        """The fitted topic model of this generation."""
        from analytics.topics.model import TopicModel

        model_dir = self.generation / MODEL_DIR
        if not model_dir.is_dir():
            raise StoreError(_damaged(self.path, f"topic model folder {model_dir} is missing"))
        for relative, entry in self.meta.get("model_files", {}).items():
            _verify_file(self.path, self.generation / relative, entry)
        return TopicModel.load(model_dir)


def _damaged(store: Path, reason: str) -> str:
    return (
        f"the store at {store} is damaged ({reason}); rebuild it with "
        f"`python -m analytics ingest PATH... --store {store} --rebuild`"
    )


def _parts(generation: Path, name: str, meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parts of table ``name``: files relative to the store folder, rows, bytes."""
    entry = meta.get("tables", {}).get(name)
    if entry is None:
        raise StoreError(_damaged(generation.parent, f"meta.json lists no table {name!r}"))
    if "parts" in entry:
        return list(entry["parts"])
    # Format 1: one file per table inside the generation folder.
    return [{"file": f"{generation.name}/{name}.parquet", **entry}]


# (path, size, mtime, ctime) -> SHA-256 of files already verified in this process.
_VERIFIED: dict[tuple[str, int, int, int], str] = {}


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stat_key(path: Path) -> tuple[str, int, int, int]:
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _checksum_entry(path: Path) -> dict[str, Any]:
    """Size and checksum of a file just written (remembered as verified)."""
    digest = _file_sha256(path)
    key = _stat_key(path)
    _VERIFIED[key] = digest
    return {"bytes": key[1], "sha256": digest}


def _verify_file(root: Path, path: Path, entry: Mapping[str, Any]) -> None:
    """Raise ``StoreError`` unless ``path`` exists with the recorded size and checksum.

    The checksum is computed at most once per process for a given file state
    (path, size, modification and change times).
    """
    if not path.exists():
        raise StoreError(_damaged(root, f"{path.name} is missing"))
    key = _stat_key(path)
    size = key[1]
    if size != entry.get("bytes", size):
        raise StoreError(
            _damaged(root, f"{path.name} has {size} bytes, expected {entry['bytes']}: truncated")
        )
    expected = entry.get("sha256")
    if expected is None or _VERIFIED.get(key) == expected:
        return
    digest = _file_sha256(path)
    if digest != expected:
        raise StoreError(
            _damaged(root, f"{path.name} does not match its checksum: changed since written")
        )
    _VERIFIED[key] = digest


def _read_table(
    root: Path,
    generation: Path,
    name: str,
    meta: Mapping[str, Any],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    frames = []
    for part in _parts(generation, name, meta):
        path = root / part["file"]
        _verify_file(root, path, part)
        try:
            frame = pd.read_parquet(path, columns=list(columns) if columns else None)
        except (OSError, pa.ArrowException, ValueError, KeyError) as error:
            raise StoreError(_damaged(root, f"{path.name} cannot be read: {error}")) from error
        if len(frame) != part.get("rows", len(frame)):
            raise StoreError(
                _damaged(root, f"{path.name} has {len(frame)} rows, expected {part['rows']}")
            )
        frames.append(frame)
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)


def open_store(path: str | Path) -> Store:
    """Open the current generation of the store at ``path``.

    Raises:
        StoreError: when there is no store there, or its files are missing or damaged.
    """
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise StoreError(_not_a_folder(root))
    pointer = root / CURRENT
    if not pointer.exists():
        raise StoreError(
            f"no store at {root} (no {CURRENT} file); create one with "
            f"`python -m analytics ingest PATH... --store {root}`"
        )
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, ValueError) as error:
        raise StoreError(_damaged(root, f"{CURRENT} cannot be read: {error}")) from error
    if not GENERATION_NAME.fullmatch(name):
        raise StoreError(_damaged(root, f"{CURRENT} names {name[:40]!r}, not a generation"))
    generation = root / name
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError(f"expected a JSON object, got {type(meta).__name__}")
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise StoreError(
            _damaged(root, f"{generation.name}/{META} cannot be read: {reason}")
        ) from error
    if meta.get("format") not in READABLE_FORMATS:
        raise StoreError(
            _damaged(
                root,
                f"store format {meta.get('format')!r}, this version reads "
                f"{', '.join(map(str, READABLE_FORMATS))}",
            )
        )
    return Store(root, generation, meta)


def _not_a_folder(root: Path) -> str:
    return f"the store path {root} is a file; a store is a folder (new, empty, or a store)"


def current_generation(path: str | Path) -> str | None:
    """The name of the generation in force, or ``None`` when there is none (cheap, no checks)."""
    try:
        return (Path(path) / CURRENT).read_text(encoding="utf-8").strip() or None
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class StoreStatus:
    """What a store folder holds: ``kind`` is one of NEW, READY, DAMAGED, FOREIGN, NOT_A_FOLDER.

    ``store`` is the opened store when READY; ``problem`` says what is wrong otherwise.
    """

    kind: str
    store: Store | None = None
    problem: str = ""


def _generation_names(root: Path) -> list[str]:
    """Our generation folders, oldest first (``gen-old-drafts`` and the like are not ours)."""
    names = [p.name for p in root.iterdir() if p.is_dir() and GENERATION_NAME.fullmatch(p.name)]
    return sorted(names, key=lambda name: int(name.split("-")[1]))


def _read_meta(generation: Path) -> dict[str, Any] | None:
    """A generation's meta.json when it is readable and of a format we read, else ``None``."""
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") not in READABLE_FORMATS:
        return None
    return meta


def inspect_store(path: str | Path) -> StoreStatus:
    """Say whether ``path`` may be built (NEW), opens (READY), is a damaged store,
    holds foreign files, or is not a folder. Nothing is created or changed."""
    root = Path(path)
    if not root.exists():
        return StoreStatus(NEW)
    if not root.is_dir():
        return StoreStatus(NOT_A_FOLDER, problem=_not_a_folder(root))
    names = sorted(p.name for p in root.iterdir() if p.name != LOCK)
    if not names:
        return StoreStatus(NEW)
    generations = _generation_names(root)
    ours = MARKER in names or (
        CURRENT in names and any(_read_meta(root / name) is not None for name in generations)
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
    root = Path(path)
    candidates = []
    if root.is_dir():
        current = current_generation(root)
        names = list(reversed(_generation_names(root)))
        candidates = ([current] if current in names else []) + [n for n in names if n != current]
    for name in candidates:
        meta = _read_meta(root / name)
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


@contextmanager
def _write_errors(root: Path) -> Iterator[None]:
    """Turn an operating-system failure while writing into one clear ``StoreError``."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or type(error).__name__
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "permission denied (the folder is read-only)"
        raise StoreError(
            f"cannot write to the store at {root}: {reason}; the store was not changed"
        ) from error


@contextmanager
def _writer_lock(root: Path, wait: float, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold the store's inter-process writer lock; wait up to ``wait`` seconds for it."""
    with _write_errors(root):
        root.mkdir(parents=True, exist_ok=True)
        # Kept between runs: unlinking a flock file lets two processes lock different files.
        lock = FileLock(root / LOCK, preserve_lock_file=True, thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            on_wait(f"waiting for another ingest into {root} to finish…")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise StoreError(
                    f"another ingest into {root} is still running after {wait:g} s; "
                    "the store was not changed: try again later or allow longer with --wait SECONDS"
                ) from None
    try:
        yield
    finally:
        lock.release()


def _mark(root: Path) -> None:
    marker = root / MARKER
    if not marker.exists():
        marker.write_text(MARKER_TEXT, encoding="utf-8")


# -- ingest --------------------------------------------------------------------


def _input_keys(
    paths: Sequence[Path], files: Sequence[Path], manifest: Path | None
) -> dict[str, list[int]]:
    """Size and modification time of every input and manifest file."""
    tracked = list(files)
    for path in paths:
        if path.is_dir():
            tracked += [p for p in path.rglob("*") if p.name in MANIFEST_NAMES]
    if manifest is not None:
        tracked.append(manifest)
    keys: dict[str, list[int]] = {}
    for file in tracked:
        stat = file.stat()
        keys[str(file.resolve())] = [stat.st_size, stat.st_mtime_ns]
    return keys


def _options(
    manifest: Path | None, columns: Mapping[str, str] | None, n_topics: int | str
) -> dict[str, Any]:
    return {
        "manifest": str(manifest.resolve()) if manifest else None,
        "columns": dict(sorted((columns or {}).items())),
        "n_topics": n_topics,
    }


def _named(keys: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(Path(key).name for key in keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _briefings_from(previous: Store, inputs: Collection[str]) -> int:
    """How many stored briefings the load report attributes to ``inputs`` (resolved paths)."""
    report = previous.table("report", columns=[S.FILE, S.STATUS])
    kept = report[report[S.STATUS].isin([S.LOADED, S.NEAR_DUPLICATE])]
    wanted = set(inputs)
    # The report names files relative to the stored inputs' folder (older stores: as given).
    from analytics.ingest import input_folder

    base = input_folder([Path(path) for path in previous.meta.get("paths", [])])
    folders = [base, Path.cwd()] if base is not None else [Path.cwd()]

    def attributed(name: str) -> bool:
        return any(str((folder / name).resolve()) in wanted for folder in folders)

    files = {name: attributed(name) for name in kept[S.FILE].unique()}
    return int(kept[S.FILE].map(files).sum())


def _refuse_drops(previous: Store, keys: Mapping[str, list[int]]) -> None:
    """Raise ``InputError`` when stored inputs are neither named again nor kept on purpose."""
    old_keys: dict[str, list[int]] = previous.meta.get("inputs", {})
    missing = [name for name in old_keys if name not in keys]
    if not missing:
        return
    gone = [name for name in missing if not Path(name).exists()]
    unnamed = [name for name in missing if Path(name).exists()]
    n_stored = int(previous.meta.get("n_briefings", 0))
    problems = []
    if gone:
        problems.append(
            f"{len(gone)} stored input{'s' if len(gone) > 1 else ''} no longer exist "
            f"({_named(gone)}; {_briefings_from(previous, gone)} stored briefings)"
        )
    if unnamed:
        problems.append(
            f"{len(unnamed)} stored input{'s' if len(unnamed) > 1 else ''} are not named this time "
            f"({_named(unnamed)}; {_briefings_from(previous, unnamed)} stored briefings)"
        )
    remedy = "pass --replace to rebuild the store from exactly these inputs"
    if unnamed and not gone:
        remedy = (
            "name them again, pass --add to keep the stored briefings and add these inputs, "
            "or " + remedy
        )
    raise InputError(
        f"this ingest would drop stored briefings from the store ({n_stored} briefings): "
        f"{'; '.join(problems)}; nothing was changed: {remedy}"
    )


def ensure_store(
    corpus_paths: Sequence[str | Path],
    store_dir: str | Path,
    *,
    manifest: str | Path | None = None,
    columns: Mapping[str, str] | None = None,
    n_topics: int | str = "auto",
    refit: bool = False,
    add: bool = False,
    replace: bool = False,
    wait: float = DEFAULT_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> tuple[Store, IngestSummary]:
    """Build or update the store at ``store_dir`` from ``corpus_paths``.

    Parameters:
        corpus_paths: files or folders of briefings (any supported format).
        store_dir: the store folder: missing, empty, or a store (created when missing).
        manifest: a manifest file giving date / title / source per file name.
        columns: explicit column names for table inputs (``{"text": "body", ...}``).
        n_topics: ``"auto"`` or a fixed number of topics.
        refit: refit topics on the whole corpus (ids stay aligned) even when only
            files were added or nothing changed.
        add: keep the stored briefings and add these inputs (the recorded inputs
            become the union); inputs not named this time are kept.
        replace: rebuild from exactly these inputs, dropping stored briefings whose
            inputs are not named; also the explicit way to rebuild a damaged store.
        wait: seconds to wait for another ingest into the same store to finish.
        on_wait: called with one message when this ingest has to wait.
        progress: called with ``(fraction_done, message)``.

    Returns:
        ``(store, summary)``.

    Raises:
        EmptyCorpusError: when no briefing can be loaded from the inputs.
        InputError: when the ingest would drop stored briefings (inputs not named
            again or deleted) without ``add`` or ``replace``, or ``add`` meets a
            changed stored input.
        StoreError: when the folder is not a store, the store is damaged (without
            ``replace``), it cannot be written, or the wait for the lock times out.
    """
    from analytics.ingest import discover_files

    if add and (replace or refit):
        raise InputError(
            "adding keeps the stored briefings and their topics; it cannot be combined "
            f"with replace or refit; got add=True, replace={replace}, refit={refit}"
        )
    started = time.perf_counter()
    report_progress = progress or (lambda fraction, message: None)
    root = Path(store_dir)
    status = inspect_store(root)
    if status.kind in (FOREIGN, NOT_A_FOLDER):
        raise StoreError(status.problem)
    paths = [Path(p) for p in corpus_paths]
    manifest_path = Path(manifest) if manifest else None
    files = discover_files(paths)
    keys = _input_keys(paths, files, manifest_path)
    request = _Request(
        paths, files, manifest_path, columns, n_topics, keys, refit, add, replace, started
    )
    with _writer_lock(root, wait, on_wait or (lambda message: None)):
        with _write_errors(root):
            _mark(root)
        # Read again under the lock: another writer may have finished meanwhile.
        status = inspect_store(root)
        if status.kind == DAMAGED and not replace:
            raise StoreError(status.problem)
        return _ingest_locked(root, status.store, request, report_progress)


@dataclass(frozen=True)
class _Request:
    """One ingest's inputs and choices, as ``ensure_store`` received them."""

    paths: list[Path]
    files: list[Path]
    manifest: Path | None
    columns: Mapping[str, str] | None
    n_topics: int | str
    keys: dict[str, list[int]]
    refit: bool
    add: bool
    replace: bool
    started: float

    def recorded_paths(self, previous: Store | None) -> list[str]:
        """Resolved input paths to record: with ``add``, the stored ones come first."""
        named = [str(path.resolve()) for path in self.paths]
        earlier = list(previous.meta.get("paths", [])) if previous is not None and self.add else []
        return list(dict.fromkeys(earlier + named))


def _ingest_locked(
    root: Path, previous: Store | None, request: _Request, report_progress: Progress
) -> tuple[Store, IngestSummary]:
    """The part of ``ensure_store`` that runs under the writer lock."""
    from analytics.ingest import load_corpus_with_report

    options = _options(request.manifest, request.columns, request.n_topics)
    keys = request.keys
    if previous is not None and not request.replace:
        # Never build on, or carry forward, a missing or damaged part.
        previous.verify()
        old_keys: dict[str, list[int]] = previous.meta.get("inputs", {})
        if request.add:
            return _add_inputs(previous, request, report_progress)
        _refuse_drops(previous, keys)
        if not request.refit and previous.meta.get("options") == options:
            if old_keys == keys:
                return previous, _unchanged(previous, request.started)
            only_added = all(keys.get(name) == key for name, key in old_keys.items())
            new_manifests = [
                k for k in keys if k not in old_keys and Path(k).name in MANIFEST_NAMES
            ]
            if only_added and not new_manifests:
                new_files = [f for f in request.files if str(f.resolve()) not in old_keys]
                added = _Added(
                    new_files,
                    request.manifest,
                    request.columns,
                    keys,
                    options,
                    request.recorded_paths(previous),
                )
                return _ingest_added(previous, added, report_progress, request.started)

    stages: dict[str, float] = {}
    report_progress(0.0, f"Reading {len(request.files)} input files")
    tick = time.perf_counter()
    loaded = load_corpus_with_report(
        request.paths, manifest=request.manifest, columns=request.columns
    )
    stages["load"] = time.perf_counter() - tick
    previous_model = None
    if previous is not None:
        try:
            previous_model = previous.topic_model()
        except StoreError:
            previous_model = None
    from analytics.pipeline.process import process

    artefacts, model = process(
        loaded.briefings,
        loaded.report,
        n_topics=request.n_topics,
        previous_model=previous_model,
        progress=lambda fraction, message: report_progress(0.1 + 0.85 * fraction, message),
        timings=stages,
    )
    tick = time.perf_counter()
    tables = _artefact_tables(artefacts, loaded.keys)
    meta = _meta(artefacts, keys, options, request.recorded_paths(previous))
    store = _write_generation(root, None, tables, model, meta)
    stages["write"] = time.perf_counter() - tick
    report_progress(1.0, "Store ready")
    return store, _summary(
        "full",
        len(artefacts.briefings),
        artefacts.report,
        len(request.files),
        request.started,
        stages,
    )


def _unchanged(previous: Store, started: float) -> IngestSummary:
    return IngestSummary(
        "unchanged", int(previous.meta["n_briefings"]), 0, 0, 0, 0, time.perf_counter() - started
    )


def _add_inputs(
    previous: Store, request: _Request, report_progress: Progress
) -> tuple[Store, IngestSummary]:
    """``add``: keep every stored briefing and process the inputs not stored yet."""
    old_keys: dict[str, list[int]] = previous.meta.get("inputs", {})
    changed = [name for name, key in request.keys.items() if old_keys.get(name, key) != key]
    if changed:
        raise InputError(
            f"{len(changed)} named input{'s' if len(changed) > 1 else ''} changed since "
            f"{'they were' if len(changed) > 1 else 'it was'} stored ({_named(changed)}); "
            "adding only reads new inputs, so nothing was changed: ingest without --add naming "
            "every input to reprocess them, or pass --replace"
        )
    if all(name in old_keys for name in request.keys):
        return previous, _unchanged(previous, request.started)
    new_files = [f for f in request.files if str(f.resolve()) not in old_keys]
    added = _Added(
        new_files,
        request.manifest,
        request.columns,
        {**old_keys, **request.keys},
        dict(previous.meta.get("options", {})),
        request.recorded_paths(previous),
    )
    return _ingest_added(previous, added, report_progress, request.started)


@dataclass(frozen=True)
class _Added:
    """Input files added since the stored generation, and how to read them."""

    files: list[Path]
    manifest: Path | None
    columns: Mapping[str, str] | None
    keys: dict[str, list[int]]
    options: dict[str, Any]
    paths: list[str]


def _artefact_tables(artefacts: Artefacts, keys: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    tables = {name: getattr(artefacts, name) for name in TABLES}
    if keys is not None:
        tables[KEYS_TABLE] = keys
    return tables


def _meta(
    artefacts: Artefacts,
    inputs: dict[str, list[int]],
    options: dict[str, Any],
    paths: list[str],
) -> dict[str, Any]:
    from analytics.pipeline.process import fingerprint_state

    return {
        "fingerprint": artefacts.fingerprint,
        "fingerprint_state": fingerprint_state(artefacts.briefings),
        "n_briefings": len(artefacts.briefings),
        "versions": artefacts.versions,
        "inputs": inputs,
        "options": options,
        "paths": paths,
    }


def _stored_corpus(previous: Store) -> Any:
    """Ids, dates and duplicate keys of the stored briefings; texts read on demand."""
    from analytics.ingest import StoredCorpus

    head = previous.table("briefings", columns=[S.BRIEFING_ID, S.DATE])

    def texts(positions: np.ndarray) -> pd.Series:
        return previous.table("briefings", columns=[S.TEXT])[S.TEXT].iloc[positions]

    return StoredCorpus(
        ids=head[S.BRIEFING_ID], dates=head[S.DATE], keys=previous.table(KEYS_TABLE), texts=texts
    )


def _ingest_added(
    previous: Store, added: _Added, progress: Progress, started: float
) -> tuple[Store, IngestSummary]:
    """Process only the added briefings and append them to the stored tables.

    Falls back to ``_merge_added`` (every table read, merged and rewritten) when the
    store predates duplicate keys or the added briefings would change stored ones.
    """
    from analytics.ingest import input_folder, load_files, mark_added
    from analytics.pipeline import process as pipeline

    stages: dict[str, float] = {}
    progress(0.0, f"Reading {len(added.files)} new input files")
    tick = time.perf_counter()
    # Files are named relative to every input of the store, as a full ingest names them.
    loaded = load_files(
        added.files,
        manifest=added.manifest,
        columns=added.columns,
        relative_to=input_folder([Path(path) for path in added.paths]),
    )
    stored_state: dict[str, int] | None = previous.meta.get("fingerprint_state")
    marked = None
    if previous.has_table(KEYS_TABLE) and stored_state is not None:
        marked = mark_added(_stored_corpus(previous), loaded)
    if marked is None or stored_state is None:
        return _merge_added(previous, added, loaded, progress, started)
    new_briefings = marked.briefings
    stages["load"] = time.perf_counter() - tick

    model = previous.topic_model()
    new = _process_new(new_briefings, model, progress, stages)
    tick = time.perf_counter()
    topics = pd.concat([previous.table("topics"), new.topics], ignore_index=True)
    summary = pipeline.summarise_topics(model, topics[[S.BRIEFING_ID]], topics)
    stages["topics"] += time.perf_counter() - tick

    tick = time.perf_counter()
    state = pipeline.combine_fingerprint_states(
        stored_state, pipeline.fingerprint_state(new_briefings)
    )
    n_briefings = int(previous.meta["n_briefings"]) + len(new_briefings)
    meta = {
        "fingerprint": pipeline.fingerprint_from_state(state),
        "fingerprint_state": state,
        "n_briefings": n_briefings,
        "versions": dict(previous.meta.get("versions", {})),
        "inputs": added.keys,
        "options": added.options,
        "paths": added.paths,
    }
    appended = {
        "briefings": new_briefings,
        "report": marked.report,
        "mentions": new.mentions,
        "countries": new.countries,
        "topics": new.topics,
        "interactions": new.interactions,
        KEYS_TABLE: marked.keys,
    }
    tables: dict[str, pd.DataFrame | None] = {name: appended.get(name) for name in STORED_TABLES}
    # The summary describes every briefing: it replaces the stored one, never adds to it.
    tables["topic_summary"] = summary
    store = _write_generation(
        previous.path, previous, tables, model, meta, replace_tables=("topic_summary",)
    )
    stages["write"] = time.perf_counter() - tick
    progress(1.0, "Store ready")
    return store, _summary(
        "incremental", n_briefings, marked.report, len(added.files), started, stages
    )


@dataclass(frozen=True)
class _NewTables:
    """The per-briefing artefacts of added briefings."""

    mentions: pd.DataFrame
    countries: pd.DataFrame
    topics: pd.DataFrame
    interactions: pd.DataFrame


def _process_new(
    briefings: pd.DataFrame, model: Any, progress: Progress, stages: dict[str, float]
) -> _NewTables:
    """Mentions, topics (from the fitted ``model``) and relations of added briefings."""
    from analytics.pipeline import process as pipeline

    progress(0.3, f"Processing {len(briefings)} new briefings")
    tick = time.perf_counter()
    mentions, countries = pipeline.compute_mentions(briefings)
    stages["mentions"] = time.perf_counter() - tick
    tick = time.perf_counter()
    topics = pipeline.assign_with_model(model, briefings)
    stages["topics"] = time.perf_counter() - tick
    tick = time.perf_counter()
    interactions = pipeline.compute_interactions(briefings, mentions)
    stages["relations"] = time.perf_counter() - tick
    return _NewTables(mentions, countries, topics, interactions)


def _merge_added(
    previous: Store, added: _Added, loaded: Any, progress: Progress, started: float
) -> tuple[Store, IngestSummary]:
    """Add briefings by merging every stored table with the new rows and rewriting them."""
    from analytics.ingest import mark_duplicates
    from analytics.pipeline import process as pipeline

    stages: dict[str, float] = {}
    tick = time.perf_counter()
    old = previous.artefacts()
    model = previous.topic_model()
    # mark_duplicates settles id clashes and duplicates across old and new rows alike.
    combined = mark_duplicates(
        pd.concat([old.briefings, loaded.briefings], ignore_index=True),
        pd.concat([old.report, loaded.report], ignore_index=True),
    )
    briefings = combined.briefings
    report = combined.report.drop_duplicates(subset=[S.FILE, S.ROW, S.STATUS, S.REASON])
    report = report.reset_index(drop=True)
    kept = briefings[S.BRIEFING_ID]
    new_briefings = briefings[~strings_in(briefings[S.BRIEFING_ID], old.briefings[S.BRIEFING_ID])]
    stages["load"] = time.perf_counter() - tick

    new = _process_new(new_briefings, model, progress, stages)

    def merged(old_table: pd.DataFrame, new_table: pd.DataFrame) -> pd.DataFrame:
        table = (
            pd.concat([old_table, new_table], ignore_index=True) if len(new_table) else old_table
        )
        return table[strings_in(table[S.BRIEFING_ID], kept)].reset_index(drop=True)

    topics = merged(old.topics, new.topics)
    artefacts = Artefacts(
        briefings=briefings,
        report=report,
        mentions=merged(old.mentions, new.mentions),
        countries=merged(old.countries, new.countries),
        topics=topics,
        topic_summary=pipeline.summarise_topics(model, briefings, topics),
        interactions=merged(old.interactions, new.interactions),
        fingerprint=pipeline.corpus_fingerprint(briefings),
        versions=dict(old.versions),
    )
    tick = time.perf_counter()
    tables = _artefact_tables(artefacts, combined.keys)
    meta = _meta(artefacts, added.keys, added.options, added.paths)
    store = _write_generation(previous.path, None, tables, model, meta)
    stages["write"] = time.perf_counter() - tick
    progress(1.0, "Store ready")
    return store, _summary(
        "incremental", len(briefings), loaded.report, len(added.files), started, stages
    )


def _summary(
    mode: str,
    n_briefings: int,
    rows: pd.DataFrame,
    n_files: int,
    started: float,
    stages: dict[str, float],
) -> IngestSummary:
    status = rows[S.STATUS] if S.STATUS in rows else pd.Series(dtype=str)
    return IngestSummary(
        mode=mode,
        n_briefings=n_briefings,
        n_new_files=n_files,
        n_loaded=int((status == S.LOADED).sum()),
        n_duplicates=int(status.isin([S.DUPLICATE, S.NEAR_DUPLICATE]).sum()),
        n_skipped=int((status == S.SKIPPED).sum()),
        seconds=time.perf_counter() - started,
        stage_seconds=stages,
    )


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed Python types become strings so Parquet accepts them."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            values = safe[column].dropna()
            if len({type(v) for v in values}) > 1 or (
                len(values) and not isinstance(values.iloc[0], str)
            ):
                safe[column] = safe[column].map(lambda v: v if v is None or v is pd.NA else str(v))
    return safe


def _write_generation(
    root: Path,
    previous: Store | None,
    tables: Mapping[str, pd.DataFrame | None],
    model: Any,
    meta: dict[str, Any],
    replace_tables: Collection[str] = (),
) -> Store:
    """Write a new generation and make it current (the caller holds the writer lock).

    ``tables`` maps each table to the rows to add: with ``previous`` given, they are
    appended to its parts (``None`` or no rows: its parts are kept as they are),
    except for ``replace_tables``, which are rewritten whole; without, they are the
    whole table. Once the new generation is current, generations and parts that
    neither it nor the generation before it use are removed: a reader that opened
    the previous generation can finish reading it.
    """
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(root)
    existing = _generation_names(root)
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
    tables: Mapping[str, pd.DataFrame | None],
    model: Any,
    meta: dict[str, Any],
    replace_tables: Collection[str],
) -> str | None:
    """Write parts, model and meta into ``staging``, then switch ``CURRENT`` to it.

    Returns:
        The name of the generation that was current before, if any.
    """
    name = f"gen-{number:06d}"
    (root / PARTS_DIR).mkdir(exist_ok=True)
    written: list[Path] = []
    tables_meta: dict[str, dict[str, Any]] = {}
    for table, frame in tables.items():
        parts: list[dict[str, Any]] = []
        if previous is not None and previous.has_table(table) and table not in replace_tables:
            parts = _parts(previous.generation, table, previous.meta)
        if frame is not None and (len(frame) or not parts):
            file = f"{PARTS_DIR}/{table}-{number:06d}.parquet"
            target = root / file
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            _parquet_safe(frame).to_parquet(temporary, index=False)
            os.replace(temporary, target)
            written.append(target)
            parts.append({"file": file, "rows": len(frame), **_checksum_entry(target)})
        tables_meta[table] = {"rows": sum(int(p["rows"]) for p in parts), "parts": parts}
    model.save(staging / MODEL_DIR)
    model_files = {
        path.relative_to(staging).as_posix(): _checksum_entry(path)
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
    _fsync_files([*written, *staging.rglob("*")])
    before = current_generation(root)
    os.replace(staging, root / name)
    pointer_tmp = root / f".{CURRENT}.{os.getpid()}"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, root / CURRENT)
    return before if before != name else None


def _remove_stale_staging(root: Path) -> None:
    """Remove staging folders of ingests that died before making their generation current."""
    for path in root.iterdir():
        match = STAGING_NAME.fullmatch(path.name)
        if match and path.is_dir() and not _process_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own earlier attempt, which failed
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def _remove_unused(root: Path, keep: Sequence[str]) -> None:
    """Remove our generations not in ``keep`` and our part files none of them uses.

    Only names of our exact patterns are touched; a kept generation whose meta
    cannot be read is removed (it is damaged and no reader can use it).
    """
    used: set[str] = set()
    kept: set[str] = set()
    for name in keep:
        meta = _read_meta(root / name)
        if meta is None:
            continue
        kept.add(name)
        generation = root / name
        for table in meta.get("tables", {}):
            used.update(part["file"] for part in _parts(generation, table, meta))
    for name in _generation_names(root):
        if name not in kept:
            shutil.rmtree(root / name, ignore_errors=True)
    for path in (root / PARTS_DIR).iterdir():
        if PART_NAME.fullmatch(path.name) and f"{PARTS_DIR}/{path.name}" not in used:
            path.unlink(missing_ok=True)


def _fsync_files(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
