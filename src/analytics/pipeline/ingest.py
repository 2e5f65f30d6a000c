"""Building and updating a store from inputs: ``ensure_store`` and its ingest flows.

An ingest decides under the writer lock what the inputs ask for: nothing (unchanged
inputs), an incremental ingest (files only added: the new briefings are processed
with the fitted topic model and appended as new parts; when they would change stored
briefings, every table is merged and rewritten), or a full rebuild (anything else,
``refit`` or ``replace``), with topic ids aligned to the previous model. An ingest that
would drop stored briefings refuses unless told to ``add`` or ``replace``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError, StoreError
from analytics.ingest import (
    MANIFEST_NAMES,
    StoredCorpus,
    discover_files,
    input_folder,
    input_stat,
    load_corpus_with_report,
    load_files,
    mark_added,
    mark_duplicates,
    noted_rows,
    number_after_stored,
    strings_in,
)
from analytics.parallel import release_freed_memory
from analytics.pipeline.batches import TopicSample, file_batches, input_mb
from analytics.pipeline.engines import Engine, LocalEngine
from analytics.pipeline.generation import write_generation
from analytics.pipeline.layout import (
    DAMAGED,
    FOREIGN,
    KEYS_TABLE,
    NOT_A_FOLDER,
    PARTS_FORMATS,
    ROLLUP_COUNT_TABLES,
    ROLLUP_TABLES,
    STORED_TABLES,
    TABLES,
    store_location,
)
from analytics.pipeline.lock import mark_store, write_errors, writer_lock
from analytics.pipeline.migration import migrate_locked
from analytics.pipeline.process import (
    BriefingTables,
    Progress,
    Table,
    combine_fingerprint_states,
    corpus_fingerprint,
    corpus_versions,
    fingerprint_from_state,
    fingerprint_state,
    fit_topic_model_on_texts,
    rows_here,
    summarise_topics,
    whole_table,
)
from analytics.pipeline.rollups import (
    ROLLUP_COLUMNS,
    RollupCounts,
    RollupInputs,
    count_rollups,
    merge_rollup_counts,
    read_rollup_counts,
    rollup_meta,
    stored_rollups,
)
from analytics.pipeline.store import Store, inspect_store
from analytics.pipeline.text_index import (
    TextIndexBuild,
    ensure_text_index,
    extend_text_index,
    write_text_index,
)


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did: ``mode`` is unchanged, incremental or full."""

    mode: str
    n_briefings: int
    n_new_files: int
    n_loaded: int  # loaded as they are (near-duplicates not counted)
    n_duplicates: int  # exact duplicates, merged into their first copy
    n_skipped: int
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)
    notices: tuple[str, ...] = ()  # e.g. that the text index was rebuilt, and why
    n_near_duplicates: int = 0  # kept, flagged with the briefing they resemble
    n_noted: int = 0  # loaded with a note in the load report (a date read on a guess...)

    def describe(self) -> str:
        """One line for the terminal."""
        notes = "".join(f"; {notice}" for notice in self.notices)
        if self.mode == "unchanged":
            return f"store is up to date: {self.n_briefings} briefings, nothing to do{notes}"
        near = (
            f", {self.n_near_duplicates} near-duplicates kept and flagged"
            if self.n_near_duplicates
            else ""
        )
        files = "input file" if self.n_new_files == 1 else "input files"
        noted = (
            f" ({self.n_noted} with a note in the load report: `export report`)"
            if self.n_noted
            else ""
        )
        return (
            f"{self.mode} ingest: {self.n_briefings} briefings in store "
            f"({self.n_new_files} {files} read, {self.n_loaded} loaded{noted}{near}, "
            f"{self.n_duplicates} exact duplicates merged, {self.n_skipped} skipped) "
            f"in {self.seconds:.1f} s{notes}"
        )


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
        stat = input_stat(file)
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
    report = previous.table("report", columns=["file", "status"])
    kept = report[report[S.STATUS].isin([S.LOADED, S.NEAR_DUPLICATE])]
    wanted = set(inputs)
    stored = set(previous.meta.get("inputs", {}))
    # The report names files relative to the stored inputs' folder (older stores: as given).
    base = input_folder([Path(path) for path in previous.meta.get("paths", [])])
    folders = [base, Path.cwd()] if base is not None else [Path.cwd()]

    def attributed(name: str) -> bool:
        resolved = [str((folder / name).resolve()) for folder in folders]
        if any(path in stored for path in resolved):
            return any(path in wanted for path in resolved)
        # Rows of an earlier ingest keep names relative to that ingest's inputs' folder,
        # which an --add from elsewhere moved: those end the same way as their input's path.
        tail = "/" + PurePosixPath(name).as_posix()
        return any(Path(path).as_posix().endswith(tail) for path in wanted)

    files = {name: attributed(name) for name in kept["file"].unique()}
    return int(kept["file"].map(files).sum())


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
        verb = "no longer exist" if len(gone) > 1 else "no longer exists"
        problems.append(
            f"{len(gone)} stored input{'s' if len(gone) > 1 else ''} {verb} ({_named(gone)})"
        )
    if unnamed:
        verb = "are" if len(unnamed) > 1 else "is"
        problems.append(
            f"{len(unnamed)} stored input{'s' if len(unnamed) > 1 else ''} {verb} not named "
            f"this time ({_named(unnamed)})"
        )
    remedy = "pass --replace to rebuild the store from exactly these inputs"
    if unnamed and not gone:
        remedy = (
            "name them again, pass --add to keep the stored briefings and add these inputs, "
            "or " + remedy
        )
    raise InputError(
        f"this ingest would drop {_briefings_from(previous, missing)} of the store's "
        f"{n_stored} briefings: "
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
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    batch_mb: float | None = None,
) -> tuple[Store, IngestSummary]:
    """Build or update the store at ``store_dir`` from ``corpus_paths``.

    Parameters:
        corpus_paths: files or folders of briefings (any supported format).
        store_dir: the store folder (or a ``file://`` URL): missing, empty, or a store
            (created when missing).
        manifest: a manifest file giving date / title / source per file name.
        columns: explicit column names for table inputs (``{"text": "body", ...}``).
        n_topics: ``"auto"`` or a fixed number of topics.
        refit: refit topics on the whole corpus (ids stay aligned) even when only
            files were added or nothing changed.
        add: keep the stored briefings and add these inputs (the recorded inputs
            become the union); inputs not named this time are kept.
        replace: rebuild from exactly these inputs, dropping stored briefings whose
            inputs are not named; also the explicit way to rebuild a damaged store.
        wait: seconds to wait for another writer of the same store to finish
            (default: the ``store_wait_seconds`` setting).
        on_wait: called with one message when this ingest has to wait.
        on_notice: called with one message when the store is migrated to the
            current format (once, by the first write into a store of an older one).
        progress: called with ``(fraction_done, message)``.
        engine: where the stages run (``analytics.pipeline.engines.open_engine``);
            default: this process.
        batch_mb: inputs to process above this many MB are read and processed in
            batches of whole files of about this size, one generation each (default:
            the ``ingest_batch_mb`` setting; 0: in one go).

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
    if add and (replace or refit):
        raise InputError(
            "adding keeps the stored briefings and their topics; it cannot be combined "
            f"with replace or refit; got add=True, replace={replace}, refit={refit}"
        )
    if batch_mb is None:
        batch_mb = float(settings.value("ingest_batch_mb"))
    if isinstance(batch_mb, bool) or not isinstance(batch_mb, int | float) or batch_mb < 0:
        raise InputError(f"batch size must be a number of MB, 0 for none; got {batch_mb!r}")
    started = time.perf_counter()
    report_progress = progress or (lambda fraction, message: None)
    root = store_location(store_dir)
    status = inspect_store(root)
    if status.kind in (FOREIGN, NOT_A_FOLDER):
        raise StoreError(status.problem)
    paths = [Path(p) for p in corpus_paths]
    manifest_path = Path(manifest) if manifest else None
    files = discover_files(paths, leave_out=root)
    keys = _input_keys(paths, files, manifest_path)
    request = _Request(
        paths,
        files,
        manifest_path,
        columns,
        n_topics,
        keys,
        refit,
        add,
        replace,
        started,
        engine or LocalEngine(),
        float(batch_mb),
    )
    if wait is None:
        wait = float(settings.value("store_wait_seconds"))
    with writer_lock(root, wait, on_wait or (lambda message: None)):
        with write_errors(root):
            mark_store(root)
        # Read again under the lock: another writer may have finished meanwhile.
        status = inspect_store(root)
        if status.kind == DAMAGED and not replace:
            raise StoreError(status.problem)
        previous = status.store
        if previous is not None and previous.format in PARTS_FORMATS and not replace:
            previous = migrate_locked(previous, on_notice or (lambda message: None))
        store, summary = _ingest_locked(root, previous, request, report_progress)
        if previous is not None and store.generation == previous.generation:
            return store, summary
        return store, _with_lean_kept(store, previous, summary)


def _with_lean_kept(store: Store, previous: Store | None, summary: IngestSummary) -> IngestSummary:
    """Keep the new generation's lean tables for the dashboard (``keep_written_lean``)
    and add the time it took to ``summary``: no reader of the generation reads them."""
    from analytics.pipeline.lean import can_read_lean, keep_written_lean

    tick = time.perf_counter()
    kept = keep_written_lean(store, previous)
    spent = time.perf_counter() - tick
    notices = summary.notices
    if not kept and can_read_lean(store):
        notices = (
            *notices,
            "the dashboard's lean tables were not kept: the store folder cannot be written to",
        )
    return replace(
        summary,
        seconds=summary.seconds + spent,
        stage_seconds={**summary.stage_seconds, "lean": spent},
        notices=notices,
    )


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
    engine: Engine
    batch_mb: float  # 0: no batches

    def batches(self, files: Sequence[Path]) -> list[list[Path]]:
        """``files`` in batches of about ``batch_mb``; one batch when they fit or no size is set."""
        if not self.batch_mb or not files or input_mb(files) <= self.batch_mb:
            return [list(files)]
        return file_batches(files, self.batch_mb)

    def recorded_paths(self, previous: Store | None) -> list[str]:
        """Resolved input paths to record: with ``add``, the stored ones come first."""
        named = [str(path.resolve()) for path in self.paths]
        earlier = list(previous.meta.get("paths", [])) if previous is not None and self.add else []
        return list(dict.fromkeys(earlier + named))

    def added_since(
        self, previous: Store, keys: dict[str, list[int]], options: dict[str, Any]
    ) -> _Added:
        """The input files ``previous`` does not hold yet, to be recorded with ``keys``."""
        stored: dict[str, list[int]] = previous.meta.get("inputs", {})
        files = [file for file in self.files if str(file.resolve()) not in stored]
        return _Added(
            files, self.manifest, self.columns, keys, options, self.recorded_paths(previous)
        )


def _ingest_locked(
    root: Path, previous: Store | None, request: _Request, report_progress: Progress
) -> tuple[Store, IngestSummary]:
    """The part of ``ensure_store`` that runs under the writer lock."""
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
                added = request.added_since(previous, keys, options)
                return _ingest_added_in_batches(previous, added, report_progress, request)

    batches = request.batches(request.files)
    if len(batches) > 1:
        built = _ingest_full_in_batches(root, previous, request, batches, options, report_progress)
        if built is not None:
            return built

    stages: dict[str, float] = {}
    report_progress(0.0, f"Reading {len(request.files)} input files")
    tick = time.perf_counter()
    loaded = load_corpus_with_report(
        request.paths,
        manifest=request.manifest,
        columns=request.columns,
        finder=request.engine.find_duplicates,
        leave_out=root,
    )
    stages["load"] = time.perf_counter() - tick
    previous_model = _stored_model(previous)
    # The text index is built beside the other stages (``TextIndexBuild``).
    with TextIndexBuild(root, loaded.briefings) as index_build:
        per_briefing, summary, model = request.engine.process(
            loaded.briefings,
            n_topics=request.n_topics,
            previous_model=previous_model,
            progress=lambda fraction, message: report_progress(0.1 + 0.85 * fraction, message),
            timings=stages,
        )
        tick = time.perf_counter()
        fingerprint = corpus_fingerprint(loaded.briefings)
        tables = _generation_tables(
            loaded.briefings, loaded.report, per_briefing, summary, loaded.keys
        )
        meta = _meta(
            loaded.briefings,
            fingerprint,
            corpus_versions(summary),
            keys,
            options,
            request.recorded_paths(previous),
        )
        meta["ingest"] = _ingest_record("full", loaded.report, len(request.files))
        stages["write"] = time.perf_counter() - tick
        tick = time.perf_counter()
        index_build.finish(fingerprint)
        stages["text index"] = time.perf_counter() - tick  # the wait for it, when beside
        tick = time.perf_counter()
        store = write_generation(root, None, tables, model, meta)
        stages["write"] += time.perf_counter() - tick
    report_progress(1.0, "Store ready")
    return store, _summary(
        "full",
        len(loaded.briefings),
        loaded.report,
        len(request.files),
        request.started,
        stages,
    )


def _unchanged(previous: Store, started: float) -> IngestSummary:
    """Nothing to process; a text index that does not hold the store is rebuilt."""
    notice = ensure_text_index(previous)
    return IngestSummary(
        "unchanged",
        int(previous.meta["n_briefings"]),
        0,
        0,
        0,
        0,
        time.perf_counter() - started,
        notices=(notice,) if notice else (),
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
    options = dict(previous.meta.get("options", {}))
    added = request.added_since(previous, {**old_keys, **request.keys}, options)
    return _ingest_added_in_batches(previous, added, report_progress, request)


@dataclass(frozen=True)
class _Added:
    """Input files added since the stored generation, and how to read them."""

    files: list[Path]
    manifest: Path | None
    columns: Mapping[str, str] | None
    keys: dict[str, list[int]]
    options: dict[str, Any]
    paths: list[str]


def _generation_tables(
    briefings: pd.DataFrame,
    report: pd.DataFrame,
    per_briefing: BriefingTables,
    summary: pd.DataFrame,
    keys: pd.DataFrame | None,
) -> dict[str, Table | None]:
    """Every table of a generation holding exactly these briefings, rollups included.

    Tables the engine kept on its workers stay there (the generation writes them
    there). The rollups are finished from the engine's counts of these briefings.
    """
    by_name: dict[str, Table] = {
        "briefings": briefings,
        "report": report,
        "mentions": per_briefing.mentions,
        "countries": per_briefing.countries,
        "topics": per_briefing.topics,
        "topic_summary": summary,
        "interactions": per_briefing.interactions,
        "watchlist": per_briefing.watchlist,
    }
    tables: dict[str, Table | None] = {name: by_name[name] for name in TABLES}
    if keys is not None:
        tables[KEYS_TABLE] = keys
    return {**tables, **stored_rollups(_engine_counts(briefings, per_briefing))}


def _engine_counts(briefings: pd.DataFrame, per_briefing: BriefingTables) -> RollupCounts:
    """The rollup counts of ``briefings``: the engine's, or counted here when it did not
    count them (it then holds every table here)."""
    if per_briefing.rollup_counts is not None:
        return per_briefing.rollup_counts
    return count_rollups(
        RollupInputs(
            briefings,
            whole_table(per_briefing.countries),
            whole_table(per_briefing.topics),
            whole_table(per_briefing.interactions),
        )
    )


def _meta(
    briefings: pd.DataFrame,
    fingerprint: str,
    versions: dict[str, str],
    inputs: dict[str, list[int]],
    options: dict[str, Any],
    paths: list[str],
) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint,
        "fingerprint_state": fingerprint_state(briefings),
        "n_briefings": len(briefings),
        "versions": versions,
        "inputs": inputs,
        "options": options,
        "paths": paths,
        "rollups": rollup_meta(),
    }


def _stored_corpus(previous: Store) -> StoredCorpus:
    """Ids, dates and duplicate keys of the stored briefings; texts read on demand."""
    head = previous.table("briefings", columns=[S.BRIEFING_ID, S.DATE])

    def texts(positions: np.ndarray) -> pd.Series:
        # Only the files holding these rows are read: never the whole text column.
        rows = previous.rows_at("briefings", np.asarray(positions), columns=[S.TEXT])
        return pd.Series(rows[S.TEXT].to_numpy(), index=np.asarray(positions), name=S.TEXT)

    return StoredCorpus(
        ids=head[S.BRIEFING_ID], dates=head[S.DATE], keys=previous.table(KEYS_TABLE), texts=texts
    )


def _ingest_added(
    previous: Store,
    added: _Added,
    progress: Progress,
    request: _Request,
    *,
    index_checked: bool = False,
) -> tuple[Store, IngestSummary]:
    """Process only the added briefings and append them to the stored tables.

    ``index_checked``: an earlier batch of this ingest wrote the text index up to
    ``previous`` (``extend_text_index``'s ``checked``).

    Falls back to ``_merge_added`` (every table read, merged and rewritten) when the
    store predates duplicate keys or the added briefings would change stored ones.
    """
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
    # A column the stored briefings lack (an input with a field of its own) cannot be
    # appended to their table: the merge rewrites it with every column.
    known = set(previous.schema("briefings").names)
    if (
        previous.has_table(KEYS_TABLE)
        and stored_state is not None
        and known.issuperset(loaded.briefings.columns)
    ):
        stored = _stored_corpus(previous)
        loaded = number_after_stored(loaded, stored)
        marked = mark_added(stored, loaded, finder=request.engine.find_duplicates)
    if marked is None or stored_state is None or not previous.has_table("watchlist"):
        return _merge_added(previous, added, loaded, progress, request)
    new_briefings = marked.briefings
    stages["load"] = time.perf_counter() - tick

    model = previous.topic_model()
    new = request.engine.process_added(new_briefings, model, progress, stages)
    tick = time.perf_counter()
    # The summary describes every briefing: only the columns it reads of the stored topics.
    read = [S.BRIEFING_ID, S.TOPIC_ID, S.WEIGHT]
    topics = pd.concat(
        [previous.table("topics", columns=read), rows_here(new.topics)[read]], ignore_index=True
    )
    summary = summarise_topics(model, topics[[S.BRIEFING_ID]], topics)
    del topics
    stages["topics"] = stages.get("topics", 0.0) + time.perf_counter() - tick

    tick = time.perf_counter()
    state = combine_fingerprint_states(stored_state, fingerprint_state(new_briefings))
    n_briefings = int(previous.meta["n_briefings"]) + len(new_briefings)
    fingerprint = fingerprint_from_state(state)
    meta = {
        "fingerprint": fingerprint,
        "fingerprint_state": state,
        "n_briefings": n_briefings,
        "versions": dict(previous.meta.get("versions", {})),
        "inputs": added.keys,
        "options": added.options,
        "paths": added.paths,
        "rollups": rollup_meta(),
        "ingest": _ingest_record("incremental", marked.report, len(added.files)),
    }
    appended: dict[str, Table] = {
        "briefings": new_briefings,
        "report": marked.report,
        "mentions": new.mentions,
        "countries": new.countries,
        "topics": new.topics,
        "interactions": new.interactions,
        "watchlist": new.watchlist,
        KEYS_TABLE: marked.keys,
    }
    tables: dict[str, Table | None] = {name: appended.get(name) for name in STORED_TABLES}
    # The summary and the rollups describe every briefing: they replace the stored ones.
    tables["topic_summary"] = summary
    stages["write"] = time.perf_counter() - tick
    tick = time.perf_counter()
    tables.update(stored_rollups(_counts_after_adding(previous, new_briefings, new)))
    stages["rollups"] = time.perf_counter() - tick
    tick = time.perf_counter()
    notice = extend_text_index(previous, new_briefings, fingerprint, checked=index_checked)
    stages["text index"] = time.perf_counter() - tick
    tick = time.perf_counter()
    store = write_generation(
        previous.path,
        previous,
        tables,
        model,
        meta,
        replace_tables=("topic_summary", *ROLLUP_TABLES, *ROLLUP_COUNT_TABLES),
    )
    stages["write"] += time.perf_counter() - tick
    progress(1.0, "Store ready")
    summary_of_ingest = _summary(
        "incremental", n_briefings, marked.report, len(added.files), request.started, stages
    )
    return store, replace(summary_of_ingest, notices=(notice,) if notice else ())


def _counts_after_adding(
    previous: Store, new_briefings: pd.DataFrame, new: BriefingTables
) -> RollupCounts:
    """The rollup counts of every briefing after an incremental ingest: the stored counts
    merged with those of the added briefings (stored first, as the tables hold them).

    A store written before the counts has its counts worked out from its tables, once
    (only the columns the rules read); the generation written next holds them.
    """
    added = _engine_counts(new_briefings, new)
    stored = read_rollup_counts(previous)
    if stored is None:
        stored = count_rollups(
            RollupInputs(
                *(
                    previous.table(name, columns=ROLLUP_COLUMNS[name])
                    for name in ("briefings", "countries", "topics", "interactions")
                )
            )
        )
    return merge_rollup_counts([stored, added])


def _merge_added(
    previous: Store, added: _Added, loaded: Any, progress: Progress, request: _Request
) -> tuple[Store, IngestSummary]:
    """Add briefings by merging every stored table with the new rows and rewriting them.

    Every table is read and merged here whole, so the engine brings the added
    briefings' tables here whole too (``whole=True``): with the Dask engine, this path
    gathers them from the workers rather than having the workers write them.
    """
    stages: dict[str, float] = {}
    tick = time.perf_counter()
    old = previous.artefacts()
    model = previous.topic_model()
    # mark_duplicates settles id clashes and duplicates across old and new rows alike.
    combined = mark_duplicates(
        pd.concat([old.briefings, loaded.briefings], ignore_index=True),
        pd.concat([old.report, loaded.report], ignore_index=True),
        finder=request.engine.find_duplicates,
    )
    briefings = combined.briefings
    report = combined.report.drop_duplicates(subset=["file", "row", "status", "reason"])
    report = report.reset_index(drop=True)
    kept = briefings[S.BRIEFING_ID]
    new_briefings = briefings[~strings_in(briefings[S.BRIEFING_ID], old.briefings[S.BRIEFING_ID])]
    stages["load"] = time.perf_counter() - tick

    new = request.engine.process_added(new_briefings, model, progress, stages, whole=True)

    def merged(old_table: pd.DataFrame, new_table: Table) -> pd.DataFrame:
        added_rows = whole_table(new_table)
        table = (
            pd.concat([old_table, added_rows], ignore_index=True) if len(added_rows) else old_table
        )
        return table[strings_in(table[S.BRIEFING_ID], kept)].reset_index(drop=True)

    merged_tables = BriefingTables(
        mentions=merged(old.mentions, new.mentions),
        countries=merged(old.countries, new.countries),
        topics=merged(old.topics, new.topics),
        interactions=merged(old.interactions, new.interactions),
        watchlist=merged(old.watchlist, new.watchlist),
    )
    summary = summarise_topics(model, briefings, rows_here(merged_tables.topics))
    fingerprint = corpus_fingerprint(briefings)
    tick = time.perf_counter()
    tables = _generation_tables(briefings, report, merged_tables, summary, combined.keys)
    meta = _meta(briefings, fingerprint, dict(old.versions), added.keys, added.options, added.paths)
    meta["ingest"] = _ingest_record("incremental", loaded.report, len(added.files))
    stages["write"] = time.perf_counter() - tick
    tick = time.perf_counter()
    write_text_index(previous.path, briefings, fingerprint)
    stages["text index"] = time.perf_counter() - tick
    tick = time.perf_counter()
    store = write_generation(previous.path, None, tables, model, meta)
    stages["write"] += time.perf_counter() - tick
    progress(1.0, "Store ready")
    return store, _summary(
        "incremental", len(briefings), loaded.report, len(added.files), request.started, stages
    )


def _stored_model(previous: Store | None) -> Any:
    """The topic model of the store's current generation, or ``None`` (no store, or its
    model cannot be read: the new fit then starts afresh)."""
    if previous is None:
        return None
    try:
        return previous.topic_model()
    except StoreError:
        return None


def _keys_up_to(keys: Mapping[str, list[int]], later: Sequence[Path]) -> dict[str, list[int]]:
    """``keys`` without the files of later batches: what a batch's generation records."""
    pending = {str(file.resolve()) for file in later}
    return {name: key for name, key in keys.items() if name not in pending}


def _batch_progress(progress: Progress, start: float, span: float, label: str) -> Progress:
    """``progress`` of one batch: its fractions mapped into ``[start, start + span]``."""
    return lambda fraction, message: progress(start + span * fraction, f"{label}: {message}")


def _ingest_added_in_batches(
    previous: Store, added: _Added, progress: Progress, request: _Request
) -> tuple[Store, IngestSummary]:
    """``_ingest_added``, one batch of the added files at a time (one generation each)."""
    batches = request.batches(added.files)
    if len(batches) == 1:
        return _ingest_added(previous, added, progress, request)
    store = previous
    summaries = []
    for number, files in enumerate(batches):
        later = [file for batch in batches[number + 1 :] for file in batch]
        batch = replace(added, files=files, keys=_keys_up_to(added.keys, later))
        label = f"batch {number + 1} of {len(batches)}"
        store, summary = _ingest_added(
            store,
            batch,
            _batch_progress(progress, number / len(batches), 1 / len(batches), label),
            request,
            index_checked=number > 0,
        )
        summaries.append(summary)
        release_freed_memory()
    return store, _batched_summary("incremental", store, summaries, request, ())


def _ingest_full_in_batches(
    root: Path,
    previous: Store | None,
    request: _Request,
    batches: list[list[Path]],
    options: dict[str, Any],
    progress: Progress,
) -> tuple[Store, IngestSummary] | None:
    """A full build in batches of whole files, one generation per batch.

    A first pass reads every batch for the topic sample (``TopicSample``) while the
    engine counts the document frequencies of each batch's kept briefings; the model is
    fitted on the sample with the vocabulary and IDF of their sum. Then the first batch
    makes a new generation and each later one is appended to it as an incremental ingest
    would. Only one batch's tables are in memory.

    Returns:
        ``None`` when the inputs hold no briefing (the one-shot path then says why).
    """
    sample = TopicSample(int(settings.value("topic_fit_sample")))
    kept: list[int] = []
    tick = time.perf_counter()
    # The engine counts each batch as it is read: the vocabulary and IDF are those of
    # every briefing the store keeps, not only of the sample the model is fitted on.
    frequencies = request.engine.document_frequencies(
        _sampled_batches(batches, request, sample, kept, progress)
    )
    if sample.n_seen == 0:
        return None
    # A batch without briefings joins the next one (the last such joins the one before).
    merged: list[list[Path]] = []
    pending: list[Path] = []
    for files, count in zip(batches, kept, strict=True):
        pending += files
        if count:
            merged.append(pending)
            pending = []
    merged[-1] += pending
    previous_model = _stored_model(previous)
    n_sampled, n_kept = min(sample.n_seen, sample.size), sample.n_seen
    progress(0.2, f"Fitting topics on {n_sampled:,} briefings")
    texts = sample.texts()
    del sample  # the sampled texts and every fingerprint: not needed by the batches
    model = fit_topic_model_on_texts(
        texts,
        n_topics=request.n_topics,
        previous=previous_model,
        document_frequencies=frequencies,
    )
    del texts, frequencies
    first_stages = {"sample": time.perf_counter() - tick}
    span = 0.8 / len(merged)
    paths = request.recorded_paths(previous)
    summaries = []
    store: Store | None = None
    for number, files in enumerate(merged):
        later = [file for batch in merged[number + 1 :] for file in batch]
        keys = _keys_up_to(request.keys, later)
        label = f"batch {number + 1} of {len(merged)}"
        batch_progress = _batch_progress(progress, 0.2 + number * span, span, label)
        batch = _Added(files, request.manifest, request.columns, keys, options, paths)
        if store is None:
            store, summary = _first_batch(root, batch, model, batch_progress, request)
            summary = replace(summary, stage_seconds={**first_stages, **summary.stage_seconds})
            # Later batches read the stored model, which leaves out the fit's vectors.
            model = None
        else:
            store, summary = _ingest_added(
                store, batch, batch_progress, request, index_checked=True
            )
        summaries.append(summary)
        release_freed_memory()
    assert store is not None
    notice = (
        f"built in {len(merged)} {'batch' if len(merged) == 1 else 'batches'} of at most "
        f"{request.batch_mb:g} MB of input (one generation each), topics fitted on "
        f"{n_sampled:,} of {n_kept:,} briefings with the vocabulary and document "
        f"frequencies of all {n_kept:,}"
    )
    return store, _batched_summary("full", store, summaries, request, (notice,))


def _sampled_batches(
    batches: list[list[Path]],
    request: _Request,
    sample: TopicSample,
    kept: list[int],
    progress: Progress,
) -> Iterator[pd.DataFrame]:
    """Each batch read and offered to ``sample``; yields its briefings the store keeps.

    Appends to ``kept`` how many briefings of each batch are kept (none: nothing yielded).
    """
    relative_to = input_folder(request.paths)
    for number, files in enumerate(batches):
        progress(
            0.2 * number / len(batches),
            f"Sampling batch {number + 1} of {len(batches)} for the topic model",
        )
        loaded = load_files(
            files, manifest=request.manifest, columns=request.columns, relative_to=relative_to
        )
        rows = sample.add(loaded.briefings)
        kept.append(len(rows))
        if len(rows):
            yield loaded.briefings.iloc[rows]
        del loaded


def _first_batch(
    root: Path, batch: _Added, model: Any, progress: Progress, request: _Request
) -> tuple[Store, IngestSummary]:
    """The first batch of a batched build: a new generation holding only its briefings."""
    stages: dict[str, float] = {}
    tick = time.perf_counter()
    loaded = load_files(
        batch.files,
        manifest=batch.manifest,
        columns=batch.columns,
        relative_to=input_folder([Path(path) for path in batch.paths]),
    )
    marked = mark_duplicates(loaded.briefings, loaded.report, finder=request.engine.find_duplicates)
    stages["load"] = time.perf_counter() - tick
    new = request.engine.process_added(marked.briefings, model, progress, stages)
    tick = time.perf_counter()
    summary = summarise_topics(model, marked.briefings, rows_here(new.topics))
    fingerprint = corpus_fingerprint(marked.briefings)
    tables = _generation_tables(marked.briefings, marked.report, new, summary, marked.keys)
    meta = _meta(
        marked.briefings,
        fingerprint,
        corpus_versions(summary),
        batch.keys,
        batch.options,
        batch.paths,
    )
    meta["ingest"] = _ingest_record("full", marked.report, len(batch.files))
    stages["write"] = time.perf_counter() - tick
    tick = time.perf_counter()
    write_text_index(root, marked.briefings, fingerprint)
    stages["text index"] = time.perf_counter() - tick
    tick = time.perf_counter()
    store = write_generation(root, None, tables, model, meta)
    stages["write"] += time.perf_counter() - tick
    progress(1.0, "Stored")
    return store, _summary(
        "full", len(marked.briefings), marked.report, len(batch.files), request.started, stages
    )


def _batched_summary(
    mode: str,
    store: Store,
    summaries: Sequence[IngestSummary],
    request: _Request,
    notices: tuple[str, ...],
) -> IngestSummary:
    """One summary for the batches of an ingest."""
    stages: dict[str, float] = {}
    for summary in summaries:
        for stage, seconds in summary.stage_seconds.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    return IngestSummary(
        mode=mode,
        n_briefings=int(store.meta["n_briefings"]),
        n_new_files=sum(summary.n_new_files for summary in summaries),
        n_loaded=sum(summary.n_loaded for summary in summaries),
        n_duplicates=sum(summary.n_duplicates for summary in summaries),
        n_near_duplicates=sum(summary.n_near_duplicates for summary in summaries),
        n_skipped=sum(summary.n_skipped for summary in summaries),
        n_noted=sum(summary.n_noted for summary in summaries),
        seconds=time.perf_counter() - request.started,
        stage_seconds=stages,
        notices=notices + tuple(note for summary in summaries for note in summary.notices),
    )


def _ingest_record(mode: str, rows: pd.DataFrame, n_files: int) -> dict[str, Any]:
    """What an ingest did, as its generation records it."""
    status = rows["status"] if "status" in rows else pd.Series(dtype=str)
    return {
        "mode": mode,
        "files_read": n_files,
        "loaded": int((status == S.LOADED).sum()),
        "duplicates": int((status == S.DUPLICATE).sum()),
        "near_duplicates": int((status == S.NEAR_DUPLICATE).sum()),
        "skipped": int((status == S.SKIPPED).sum()),
    }


def _summary(
    mode: str,
    n_briefings: int,
    rows: pd.DataFrame,
    n_files: int,
    started: float,
    stages: dict[str, float],
) -> IngestSummary:
    done = _ingest_record(mode, rows, n_files)
    return IngestSummary(
        mode=mode,
        n_briefings=n_briefings,
        n_new_files=n_files,
        n_loaded=done["loaded"],
        n_duplicates=done["duplicates"],
        n_near_duplicates=done["near_duplicates"],
        n_skipped=done["skipped"],
        n_noted=int(noted_rows(rows).sum()),
        seconds=time.perf_counter() - started,
        stage_seconds=stages,
    )
