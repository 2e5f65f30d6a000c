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
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.dedup import strings_in
from analytics.errors import StoreError
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
MANIFEST_NAMES = ("manifest.csv", "manifest.json")

Progress = Callable[[float, str], None]


def default_store_dir() -> Path:
    """Where the dashboard keeps its store when none is configured."""
    override = os.environ.get("BRIEFING_ATLAS_STORE")
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
        from analytics.topics import TopicModel

        model_dir = self.generation / MODEL_DIR
        if not model_dir.is_dir():
            raise StoreError(_damaged(self.path, f"topic model folder {model_dir} is missing"))
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
        if not path.exists():
            raise StoreError(_damaged(root, f"{path.name} is missing"))
        size = path.stat().st_size
        if size != part.get("bytes", size):
            raise StoreError(
                _damaged(root, f"{path.name} has {size} bytes, expected {part['bytes']}: truncated")
            )
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
    pointer = root / CURRENT
    if not pointer.exists():
        raise StoreError(
            f"no store at {root} (no {CURRENT} file); create one with "
            f"`python -m analytics ingest PATH... --store {root}`"
        )
    generation = root / pointer.read_text(encoding="utf-8").strip()
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(
            _damaged(root, f"{generation.name}/{META} cannot be read: {error}")
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


def ensure_store(
    corpus_paths: Sequence[str | Path],
    store_dir: str | Path,
    *,
    manifest: str | Path | None = None,
    columns: Mapping[str, str] | None = None,
    n_topics: int | str = "auto",
    refit: bool = False,
    progress: Progress | None = None,
) -> tuple[Store, IngestSummary]:
    """Build or update the store at ``store_dir`` from ``corpus_paths``.

    Parameters:
        corpus_paths: files or folders of briefings (any supported format).
        store_dir: the store folder (created when missing).
        manifest: a manifest file giving date / title / source per file name.
        columns: explicit column names for table inputs (``{"text": "body", ...}``).
        n_topics: ``"auto"`` or a fixed number of topics.
        refit: refit topics on the whole corpus (ids stay aligned) even when only
            files were added or nothing changed.
        progress: called with ``(fraction_done, message)``.

    Returns:
        ``(store, summary)``.

    Raises:
        EmptyCorpusError: when no briefing can be loaded from the inputs.
    """
    from analytics.briefings import discover_files, load_corpus_with_report

    started = time.perf_counter()
    report_progress = progress or (lambda fraction, message: None)
    root = Path(store_dir)
    paths = [Path(p) for p in corpus_paths]
    manifest_path = Path(manifest) if manifest else None
    files = discover_files(paths)
    keys = _input_keys(paths, files, manifest_path)
    options = _options(manifest_path, columns, n_topics)

    previous: Store | None = None
    try:
        previous = open_store(root)
    except StoreError:
        previous = None

    if previous is not None and not refit and previous.meta.get("options") == options:
        old_keys: dict[str, list[int]] = previous.meta.get("inputs", {})
        if old_keys == keys:
            summary = IngestSummary(
                "unchanged",
                int(previous.meta["n_briefings"]),
                0,
                0,
                0,
                0,
                time.perf_counter() - started,
            )
            return previous, summary
        only_added = all(keys.get(name) == key for name, key in old_keys.items())
        new_manifests = [k for k in keys if k not in old_keys and Path(k).name in MANIFEST_NAMES]
        if only_added and not new_manifests:
            new_files = [f for f in files if str(f.resolve()) not in old_keys]
            added = _Added(new_files, manifest_path, columns, keys, options)
            return _ingest_added(previous, added, report_progress, started)

    stages: dict[str, float] = {}
    report_progress(0.0, f"Reading {len(files)} input files")
    tick = time.perf_counter()
    loaded = load_corpus_with_report(paths, manifest=manifest_path, columns=columns)
    stages["load"] = time.perf_counter() - tick
    previous_model = None
    if previous is not None:
        try:
            previous_model = previous.topic_model()
        except StoreError:
            previous_model = None
    from analytics.pipeline import process

    artefacts, model = process(
        loaded.briefings,
        loaded.report,
        n_topics=n_topics,
        previous_model=previous_model,
        progress=lambda fraction, message: report_progress(0.1 + 0.85 * fraction, message),
        timings=stages,
    )
    tick = time.perf_counter()
    tables = _artefact_tables(artefacts, loaded.keys)
    store = _write_generation(root, None, tables, model, _meta(artefacts, keys, options))
    stages["write"] = time.perf_counter() - tick
    report_progress(1.0, "Store ready")
    return store, _summary(
        "full", len(artefacts.briefings), artefacts.report, len(files), started, stages
    )


@dataclass(frozen=True)
class _Added:
    """Input files added since the stored generation, and how to read them."""

    files: list[Path]
    manifest: Path | None
    columns: Mapping[str, str] | None
    keys: dict[str, list[int]]
    options: dict[str, Any]


def _artefact_tables(artefacts: Artefacts, keys: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    tables = {name: getattr(artefacts, name) for name in TABLES}
    if keys is not None:
        tables[KEYS_TABLE] = keys
    return tables


def _meta(
    artefacts: Artefacts, inputs: dict[str, list[int]], options: dict[str, Any]
) -> dict[str, Any]:
    from analytics.pipeline import fingerprint_state

    return {
        "fingerprint": artefacts.fingerprint,
        "fingerprint_state": fingerprint_state(artefacts.briefings),
        "n_briefings": len(artefacts.briefings),
        "versions": artefacts.versions,
        "inputs": inputs,
        "options": options,
    }


def _stored_corpus(previous: Store) -> Any:
    """Ids, dates and duplicate keys of the stored briefings; texts read on demand."""
    from analytics.briefings import StoredCorpus

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
    from analytics import pipeline
    from analytics.briefings import load_files, mark_added

    stages: dict[str, float] = {}
    progress(0.0, f"Reading {len(added.files)} new input files")
    tick = time.perf_counter()
    loaded = load_files(added.files, manifest=added.manifest, columns=added.columns)
    state = previous.meta.get("fingerprint_state")
    marked = None
    if previous.has_table(KEYS_TABLE) and state is not None:
        marked = mark_added(_stored_corpus(previous), loaded)
    if marked is None:
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
    state = pipeline.combine_fingerprint_states(state, pipeline.fingerprint_state(new_briefings))
    n_briefings = int(previous.meta["n_briefings"]) + len(new_briefings)
    meta = {
        "fingerprint": pipeline.fingerprint_from_state(state),
        "fingerprint_state": state,
        "n_briefings": n_briefings,
        "versions": dict(previous.meta.get("versions", {})),
        "inputs": added.keys,
        "options": added.options,
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
    tables["topic_summary"] = summary
    store = _write_generation(previous.path, previous, tables, model, meta)
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
    from analytics import pipeline

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
    from analytics import pipeline
    from analytics.briefings import mark_duplicates

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
    report = combined.report.drop_duplicates(subset=["file", "row", "status", "reason"])
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
    store = _write_generation(
        previous.path, None, tables, model, _meta(artefacts, added.keys, added.options)
    )
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
    status = rows["status"] if "status" in rows else pd.Series(dtype=str)
    return IngestSummary(
        mode=mode,
        n_briefings=n_briefings,
        n_new_files=n_files,
        n_loaded=int((status == "loaded").sum()),
        n_duplicates=int(status.isin(["duplicate", "near-duplicate"]).sum()),
        n_skipped=int((status == "skipped").sum()),
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
) -> Store:
    """Write a new generation and make it current.

    ``tables`` maps each table to the rows to add: with ``previous`` given, they are
    appended to its parts (``None`` or no rows: its parts are kept as they are);
    without, they are the whole table. Parts no generation uses any more are
    removed once the new generation is current.
    """
    root.mkdir(parents=True, exist_ok=True)
    existing = sorted(p.name for p in root.glob("gen-*") if p.is_dir())
    number = int(existing[-1].split("-")[1]) + 1 if existing else 1
    name = f"gen-{number:06d}"
    for stale in root.glob(".tmp-gen-*"):
        # Left by an ingest that was killed before it could make its generation current.
        shutil.rmtree(stale, ignore_errors=True)
    staging = root / f".tmp-{name}-{os.getpid()}"
    staging.mkdir()
    (root / PARTS_DIR).mkdir(exist_ok=True)
    written: list[Path] = []
    tables_meta: dict[str, dict[str, Any]] = {}
    for table, frame in tables.items():
        parts: list[dict[str, Any]] = []
        if previous is not None and previous.has_table(table):
            parts = _parts(previous.generation, table, previous.meta)
        if frame is not None and (len(frame) or not parts):
            file = f"{PARTS_DIR}/{table}-{number:06d}.parquet"
            target = root / file
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            _parquet_safe(frame).to_parquet(temporary, index=False)
            os.replace(temporary, target)
            written.append(target)
            parts.append({"file": file, "rows": len(frame), "bytes": target.stat().st_size})
        tables_meta[table] = {"rows": sum(int(p["rows"]) for p in parts), "parts": parts}
    model.save(staging / MODEL_DIR)
    full_meta = {
        "format": STORE_FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        "tables": tables_meta,
    }
    (staging / META).write_text(json.dumps(full_meta, indent=1, default=str), encoding="utf-8")
    _fsync_files([*written, *staging.rglob("*")])
    final = root / name
    os.replace(staging, final)
    pointer_tmp = root / f".{CURRENT}.{os.getpid()}"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, root / CURRENT)
    for old in existing:
        shutil.rmtree(root / old, ignore_errors=True)
    _remove_unused_parts(root, tables_meta)
    return open_store(root)


def _remove_unused_parts(root: Path, tables_meta: Mapping[str, Mapping[str, Any]]) -> None:
    used = {root / part["file"] for entry in tables_meta.values() for part in entry["parts"]}
    for path in (root / PARTS_DIR).iterdir():
        if path not in used:
            path.unlink(missing_ok=True)


def _fsync_files(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
