"""Processed-corpus artefacts on disk, keyed by the inputs they came from.

A store is a folder holding *generations*: each generation is a complete set of
Parquet tables plus ``meta.json``; the file ``CURRENT`` names the one in force.
A new generation is written beside the old one and ``CURRENT`` is replaced
atomically, so an ingest killed half-way leaves the previous store intact.

Re-ingesting unchanged inputs does no work; adding files processes only the new
ones (their topics come from the fitted model, their mentions and relations are
appended); anything else, or ``refit=True``, rebuilds with topic ids aligned to
the previous model so saved links keep their meaning.
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

import pandas as pd
import pyarrow as pa

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.errors import StoreError
from analytics.paths import PROJECT_ROOT

STORE_FORMAT = 1
CURRENT = "CURRENT"
META = "meta.json"
MODEL_DIR = "topic_model"
TABLES = (
    "briefings",
    "report",
    "mentions",
    "countries",
    "topics",
    "topic_summary",
    "interactions",
)
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

    def table(self, name: str) -> pd.DataFrame:
        """Read one table; raises StoreError when it is missing or damaged."""
        if name not in TABLES:
            raise StoreError(
                f"unknown store table; expected one of {', '.join(TABLES)}, got {name!r}"
            )
        return _read_table(self.generation, name, self.meta)

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


def _read_table(generation: Path, name: str, meta: Mapping[str, Any]) -> pd.DataFrame:
    path = generation / f"{name}.parquet"
    expected = meta.get("tables", {}).get(name, {})
    if not path.exists():
        raise StoreError(_damaged(generation.parent, f"{path.name} is missing"))
    size = path.stat().st_size
    if expected and size != expected.get("bytes"):
        raise StoreError(
            _damaged(
                generation.parent,
                f"{path.name} has {size} bytes, expected {expected.get('bytes')}: truncated",
            )
        )
    try:
        frame = pd.read_parquet(path)
    except (OSError, pa.ArrowException, ValueError) as error:
        raise StoreError(
            _damaged(generation.parent, f"{path.name} cannot be read: {error}")
        ) from error
    if expected and len(frame) != expected.get("rows"):
        raise StoreError(
            _damaged(
                generation.parent, f"{path.name} has {len(frame)} rows, expected {expected['rows']}"
            )
        )
    return frame


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
    if meta.get("format") != STORE_FORMAT:
        raise StoreError(
            _damaged(
                root, f"store format {meta.get('format')!r}, this version reads {STORE_FORMAT}"
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
    from analytics.briefings import (
        discover_files,
        load_corpus_with_report,
        load_files,
        mark_duplicates,
    )

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
            return _ingest_added(
                previous,
                new_files,
                manifest_path,
                columns,
                keys,
                options,
                report_progress,
                started,
                load_files,
                mark_duplicates,
            )

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
    store = _write_generation(root, artefacts, model, keys, options)
    report_progress(1.0, "Store ready")
    return store, _summary("full", artefacts, len(files), started, stages)


def _ingest_added(
    previous: Store,
    new_files: list[Path],
    manifest: Path | None,
    columns: Mapping[str, str] | None,
    keys: dict[str, list[int]],
    options: dict[str, Any],
    progress: Progress,
    started: float,
    load_files: Callable[..., Any],
    mark_duplicates: Callable[..., Any],
) -> tuple[Store, IngestSummary]:
    from analytics import pipeline

    stages: dict[str, float] = {}
    old = previous.artefacts()
    model = previous.topic_model()
    progress(0.0, f"Reading {len(new_files)} new input files")
    tick = time.perf_counter()
    added = load_files(new_files, manifest=manifest, columns=columns)
    known = set(old.briefings[S.BRIEFING_ID])
    # mark_duplicates settles id clashes and duplicates across old and new rows alike.
    combined = mark_duplicates(
        pd.concat([old.briefings, added.briefings], ignore_index=True),
        pd.concat([old.report, added.report], ignore_index=True),
    )
    briefings = combined.briefings
    report = combined.report.drop_duplicates(subset=["file", "row", "status", "reason"])
    report = report.reset_index(drop=True)
    kept = set(briefings[S.BRIEFING_ID])
    new_briefings = briefings[~briefings[S.BRIEFING_ID].isin(known)]
    stages["load"] = time.perf_counter() - tick

    progress(0.3, f"Processing {len(new_briefings)} new briefings")
    tick = time.perf_counter()
    new_mentions, new_countries = pipeline.compute_mentions(new_briefings)
    stages["mentions"] = time.perf_counter() - tick
    tick = time.perf_counter()
    new_topics = pipeline.assign_with_model(model, new_briefings)
    stages["topics"] = time.perf_counter() - tick
    tick = time.perf_counter()
    new_interactions = pipeline.compute_interactions(new_briefings, new_mentions)
    stages["relations"] = time.perf_counter() - tick

    def merged(old_table: pd.DataFrame, new_table: pd.DataFrame) -> pd.DataFrame:
        table = (
            pd.concat([old_table, new_table], ignore_index=True) if len(new_table) else old_table
        )
        return table[table[S.BRIEFING_ID].isin(kept)].reset_index(drop=True)

    topics = merged(old.topics, new_topics)
    versions = dict(old.versions)
    artefacts = Artefacts(
        briefings=briefings,
        report=report,
        mentions=merged(old.mentions, new_mentions),
        countries=merged(old.countries, new_countries),
        topics=topics,
        topic_summary=pipeline.summarise_topics(model, briefings, topics),
        interactions=merged(old.interactions, new_interactions),
        fingerprint=pipeline.corpus_fingerprint(briefings),
        versions=versions,
    )
    store = _write_generation(previous.path, artefacts, model, keys, options)
    progress(1.0, "Store ready")
    return store, _summary(
        "incremental", artefacts, len(new_files), started, stages, report_rows=added.report
    )


def _summary(
    mode: str,
    artefacts: Artefacts,
    n_files: int,
    started: float,
    stages: dict[str, float],
    report_rows: pd.DataFrame | None = None,
) -> IngestSummary:
    rows = artefacts.report if report_rows is None else report_rows
    status = rows["status"] if "status" in rows else pd.Series(dtype=str)
    return IngestSummary(
        mode=mode,
        n_briefings=len(artefacts.briefings),
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
    artefacts: Artefacts,
    model: Any,
    keys: dict[str, list[int]],
    options: dict[str, Any],
) -> Store:
    root.mkdir(parents=True, exist_ok=True)
    existing = sorted(p.name for p in root.glob("gen-*") if p.is_dir())
    number = int(existing[-1].split("-")[1]) + 1 if existing else 1
    name = f"gen-{number:06d}"
    for stale in root.glob(".tmp-gen-*"):
        # Left by an ingest that was killed before it could make its generation current.
        shutil.rmtree(stale, ignore_errors=True)
    staging = root / f".tmp-{name}-{os.getpid()}"
    staging.mkdir()
    tables_meta: dict[str, dict[str, int]] = {}
    for table in TABLES:
        frame = _parquet_safe(getattr(artefacts, table))
        path = staging / f"{table}.parquet"
        frame.to_parquet(path, index=False)
        tables_meta[table] = {"rows": len(frame), "bytes": path.stat().st_size}
    model.save(staging / MODEL_DIR)
    meta = {
        "format": STORE_FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "fingerprint": artefacts.fingerprint,
        "n_briefings": len(artefacts.briefings),
        "versions": artefacts.versions,
        "inputs": keys,
        "options": options,
        "tables": tables_meta,
    }
    (staging / META).write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    _fsync_tree(staging)
    final = root / name
    os.replace(staging, final)
    pointer_tmp = root / f".{CURRENT}.{os.getpid()}"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, root / CURRENT)
    for old in existing:
        shutil.rmtree(root / old, ignore_errors=True)
    return open_store(root)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
