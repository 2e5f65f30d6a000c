"""The Dask engine: an ingest's per-briefing stages as tasks on a ``dask.distributed`` cluster.

Imported only when an ingest asks for ``--engine dask`` (``engines.open_engine``); needs
the ``dask`` extra. Duplicate detection runs as tasks over partitions of the sorted
texts (``dask_duplicates``). The briefings are split into partitions; for each, mentions, topic
assignment (with the model fitted on the driver, sent once to the cluster), relation
scoring and the watchlist run as tasks over the same pure functions the local engine
calls, and so does counting each partition for the rollups (``rollups.count_rollups``,
the Dask group-bys; the driver merges the partitions' counts in order).

The per-briefing tables stay on the workers, in two phases. Phase 1 computes each
partition's tables and keeps them there (futures); the driver gathers only each
partition's length, a one-row sample of its types and the columns the driver needs
(``KEPT_COLUMNS``: what the topic summary reads). When the generation is
written (``generation.write_generation``), phase 2 (``WorkerTable.write``) gives each
partition its first ``row_order`` (the rows before it) and the table's schema (the one
the whole table would have), and a task per partition writes its Parquet parts into the
store's table folder with the writer the driver uses (``deltatables.write_rows``),
returning only their add actions and checksums: the driver commits them as one Delta
version per table. So the artefacts are those of the local engine, byte for byte, the
heavy columns never pass through the driver, and a failed run leaves the store at its
previous generation (parts no version names are removed by ``vacuum``). Workers must
see the store at the same path (a shared file system); when they do not, the driver
gathers the partitions one at a time and writes them itself.

A task whose worker dies is run again elsewhere (Dask allows
``distributed.scheduler.allowed-failures`` such losses per task); past that, or when the
cluster goes away, the ingest stops with one ``EngineError``.
"""

from __future__ import annotations

import copy
import logging
import operator
import secrets
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import schema as S
from analytics import settings
from analytics.errors import EngineError, InputError
from analytics.paths import data_dir, reference_fingerprint
from analytics.pipeline.dask_duplicates import find_duplicates_as_tasks
from analytics.pipeline.deltatables import (
    PartFile,
    PartLayout,
    conform,
    frame_schema,
    months_of,
    parquet_safe,
    write_rows,
)
from analytics.pipeline.engines import DASK, split_partitions
from analytics.pipeline.process import (
    BriefingTables,
    Progress,
    assign_with_model,
    compute_document_frequencies,
    compute_interactions,
    compute_mentions,
    compute_watchlist,
    fit_topic_model,
    rows_here,
    summarise_topics,
)
from analytics.pipeline.rollups import (
    RollupCounts,
    RollupInputs,
    count_rollups,
    merge_rollup_counts,
)
from analytics.topics import combine_document_frequencies

try:
    from distributed import Client, Future, LocalCluster, as_completed
    from distributed.client import FutureCancelledError
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker
except ImportError as missing:  # pragma: no cover - the dask extra is part of the test extra
    raise EngineError(
        "the dask engine needs dask.distributed: install Briefing Atlas with the dask extra "
        f"(pip install 'briefing-atlas[dask]'); got {missing}"
    ) from missing

# What a failing cluster raises, as opposed to an error of the stages themselves.
CLUSTER_FAILURES: tuple[type[BaseException], ...] = (
    KilledWorker,
    CommClosedError,
    FutureCancelledError,
    OSError,
    TimeoutError,
)
# Progress lines a run prints at most while its tasks complete.
PROGRESS_STEPS = 20
# Starting a local cluster also raises RuntimeError, when a worker process cannot start.
STARTUP_FAILURES: tuple[type[BaseException], ...] = (*CLUSTER_FAILURES, RuntimeError)
# The columns of each per-briefing table the driver keeps (``None``: every column); the
# rest stays on the workers, which write it. The rollups come from the partitions' counts
# (``_rollup_counts``), so the driver keeps only what the topic summary reads of topics.
KEPT_COLUMNS: dict[str, list[str] | None] = {
    "mentions": [],
    "countries": [],
    "topics": [S.BRIEFING_ID, S.TOPIC_ID, S.WEIGHT],
    "interactions": [],
    "watchlist": [],
}


def _mentions(part: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return compute_mentions(part)


def _topics(model: Any, part: pd.DataFrame) -> pd.DataFrame:
    return assign_with_model(model, part)


def _relations(part: pd.DataFrame, mentioned: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return compute_interactions(part, mentioned[0])


def _watchlist(part: pd.DataFrame, mentioned: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return compute_watchlist(part, mentioned[0])


def _document_frequencies(part: pd.DataFrame) -> Any:
    return compute_document_frequencies(part)


def _rollup_counts(
    heads: pd.DataFrame,
    mentioned: tuple[pd.DataFrame, pd.DataFrame],
    topics: pd.DataFrame,
    interactions: pd.DataFrame,
) -> RollupCounts:
    return count_rollups(RollupInputs(heads, mentioned[1], topics, interactions))


def _model(model: Any) -> Any:
    return model


def _shipped(model: Any) -> Any:
    """The fitted model without the training texts' vectors, which assignment does not use."""
    light = copy.copy(model)
    for name in ("embedding_", "labels_"):
        if hasattr(light, name):
            delattr(light, name)
    return light


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]


class PartitionInfo(NamedTuple):
    """What the driver gathers of one partition's table in phase 1."""

    n_rows: int
    sample: pd.DataFrame  # at most one row: each column's first value, a non-null one if any
    # (texts blanked: only their type matters)
    kept: pd.DataFrame  # the columns ``KEPT_COLUMNS`` names, every row


def _describe(table: pd.DataFrame, kept: list[str] | None) -> PartitionInfo:
    """A partition's table, described for the driver without its heavy columns.

    The sample keeps each column's dtype and, after ``parquet_safe``, the Python type
    of its values: the samples of every partition concatenated and made
    ``parquet_safe`` have the Arrow schema the whole table would have. Its texts are
    blanked, so no sentence or evidence reaches the driver.
    """
    safe = parquet_safe(table)
    if len(safe):
        first = [
            safe[column]
            .iloc[[int(np.argmax(safe[column].notna().to_numpy()))]]
            .reset_index(drop=True)
            for column in safe.columns
        ]
        sample = pd.concat(first, axis=1) if first else safe.iloc[:1]
        for column in sample.columns:
            values = sample[column]
            if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
                is_text = values.map(_is_str).astype(bool)
                sample[column] = values.where(~is_text, "")
    else:
        sample = safe.iloc[:0]
    return PartitionInfo(len(table), sample, table if kept is None else table[kept])


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _write_partition(
    table: pd.DataFrame,
    location: Path,
    layout: PartLayout,
    schema: pa.Schema,
    first_row: int,
    months: pd.Series | None,
) -> list[PartFile]:
    """Phase 2 on a worker: a partition's table as uncommitted parts of the Delta table."""
    return write_rows(location, conform(table, schema), layout, first_row=first_row, months=months)


def _months(part: pd.DataFrame) -> pd.Series:
    """The month of each briefing of a partition, by briefing id (as the generation has it)."""
    return pd.Series(months_of(part[S.DATE]).to_numpy(), index=part[S.BRIEFING_ID].to_numpy())


class WorkerTable:
    """A per-briefing table whose partitions stay on the workers (a ``DeferredTable``).

    Holds the futures of the partitions' tables and what phase 1 gathered of them;
    ``write`` is phase 2.
    """

    def __init__(
        self,
        engine: DaskEngine,
        name: str,
        futures: list[Future],
        infos: Sequence[PartitionInfo],
        months: list[pd.Series],
    ) -> None:
        self.engine = engine
        self.name = name
        self.futures = futures
        self.sizes = [info.n_rows for info in infos]
        self.months = months
        # What parquet_safe makes of the whole table, from the partitions' samples.
        self.schema: pa.Schema = frame_schema(parquet_safe(_concat([i.sample for i in infos])))
        self.light: pd.DataFrame = _concat([info.kept for info in infos])

    @property
    def n_rows(self) -> int:
        """The rows of the table, every partition."""
        return sum(self.sizes)

    def write(self, location: Path, layout: PartLayout, first_row: int) -> list[PartFile]:
        """Phase 2: each partition written as parts of the table at ``location``.

        Partition ``i`` takes ``row_order`` from ``first_row`` plus the rows before it.
        Written by a task per partition on the workers when every worker sees the store
        at ``location``; else gathered here one partition at a time and written here.

        Returns:
            The parts of every partition, in order, for the driver to commit.

        Raises:
            EngineError: when a write fails, or the driver cannot see a part a worker
                wrote; nothing is committed then.
        """
        starts = first_row + np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64)
        needs_months = S.DATE not in self.schema.names
        arguments = [
            (location, layout, self.schema, int(start), months if needs_months else None)
            for start, months in zip(starts, self.months, strict=True)
        ]
        try:
            if self.engine.workers_see(location.parent):
                tasks = [
                    self.engine._submit(_write_partition, future, *args)
                    for future, args in zip(self.futures, arguments, strict=True)
                ]
                written = self.engine._gather(tasks)
            else:
                written = [
                    _write_partition(self.engine._gather(future), *args)
                    for future, args in zip(self.futures, arguments, strict=True)
                ]
        except Exception as error:
            raise EngineError(
                f"writing table {self.name} on the Dask cluster failed and the store stays "
                f"at its current generation: {type(error).__name__}: {error}"
            ) from error
        parts = [part for partition in written for part in partition]
        unseen = [
            part.action.path
            for part in parts
            if not (location / part.action.path).is_file()
            or (location / part.action.path).stat().st_size != part.action.size
        ]
        if unseen:
            raise EngineError(
                f"the workers wrote {len(unseen)} parts of table {self.name} this process "
                f"cannot see (the store must be at the same path on every worker); "
                f"got {unseen[0]!r} missing from {location}"
            )
        self.futures = []  # the rows are written: the workers may let them go
        return parts


def check_reference_tables(client: Client) -> None:
    """Make sure every worker of ``client`` reads the reference tables this process reads.

    Each worker hashes the tables of its own ``data_dir()`` (``reference_fingerprint``,
    run on every worker with ``client.run``); mentions, relations and the watchlist
    depend on them, so a worker with other tables would give other results.

    Raises:
        EngineError: naming the first worker whose tables differ (or that cannot hash them).
    """
    expected = reference_fingerprint()
    try:
        found = client.run(reference_fingerprint)
    except CLUSTER_FAILURES as error:
        raise EngineError(
            f"cannot compare the workers' reference tables: {type(error).__name__}: {error}"
        ) from error
    differing = sorted(worker for worker, digest in found.items() if digest != expected)
    if differing:
        others = f" (and {len(differing) - 1} more)" if len(differing) > 1 else ""
        raise EngineError(
            f"worker {differing[0]}{others} reads other reference tables than this process "
            f"({data_dir()}); point the driver and every worker at the same tables with "
            f"BRIEFING_ATLAS_DATA; got fingerprint {found[differing[0]][:12]}, "
            f"expected {expected[:12]}"
        )


class DaskEngine:
    """Per-briefing stages as tasks on the cluster of ``client``, ``partitions`` at a time."""

    name = DASK

    def __init__(self, client: Client, partitions: int) -> None:
        self.client = client
        self.partitions = partitions

    def describe(self) -> str:
        """One line: the scheduler, its workers, the partitions and the dashboard link."""
        n_workers = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        return (
            f"engine: dask at {self.client.scheduler.address} ({n_workers} workers, "
            f"{self.partitions} partitions); dashboard: {self.client.dashboard_link}"
        )

    def find_duplicates(
        self,
        texts: pd.Series,
        *,
        threshold: float | None = None,
        random_state: int | None = None,
        with_keys: bool = False,
    ) -> pd.DataFrame:
        """Exact and near-duplicates among sorted texts, found by tasks on the cluster.

        The table ``analytics.ingest.find_duplicates`` gives, from the same steps run in
        partitions (``analytics.pipeline.dask_duplicates``).

        Raises:
            InputError: when a parameter is out of range.
            EngineError: when the cluster fails.
        """
        try:
            return find_duplicates_as_tasks(
                self.client.gather,
                self._submit,
                texts,
                self.partitions,
                threshold=threshold,
                random_state=random_state,
                with_keys=with_keys,
            )
        except CLUSTER_FAILURES as error:
            raise EngineError(
                f"the Dask cluster failed while finding duplicates and the store was not "
                f"changed: {type(error).__name__}: {error}"
            ) from error

    def process(
        self,
        briefings: pd.DataFrame,
        *,
        n_topics: int | str,
        previous_model: Any,
        progress: Progress,
        timings: dict[str, float],
    ) -> tuple[BriefingTables, pd.DataFrame, Any]:
        """The per-briefing tables (kept on the workers), topic summary and topic model."""
        parts = split_partitions(briefings, self.partitions)
        progress(0.05, f"Finding country mentions in {len(parts)} partitions on the cluster")
        tick = time.perf_counter()
        mentioned = [self._submit(_mentions, part) for part in parts]
        # The fit needs every text: it runs here while the workers find mentions.
        progress(0.1, f"Clustering topics of {len(briefings):,} briefings")
        try:
            model = fit_topic_model(briefings, n_topics=n_topics, previous=previous_model)
        except BaseException:
            self.client.cancel(mentioned)
            raise
        timings["topics"] = time.perf_counter() - tick
        tables = self._per_briefing(parts, mentioned, model, progress, timings, whole=False)
        tick = time.perf_counter()
        summary = summarise_topics(model, briefings, rows_here(tables.topics))
        timings["topics"] += time.perf_counter() - tick
        return tables, summary, model

    def process_added(
        self,
        briefings: pd.DataFrame,
        model: Any,
        progress: Progress,
        timings: dict[str, float],
        *,
        whole: bool = False,
    ) -> BriefingTables:
        """The per-briefing tables of added briefings, with the stored ``model``.

        Kept on the workers (``WorkerTable``) unless ``whole``: then gathered here.
        """
        parts = split_partitions(briefings, self.partitions)
        progress(0.3, f"Processing {len(briefings)} new briefings in {len(parts)} partitions")
        mentioned = [self._submit(_mentions, part) for part in parts]
        return self._per_briefing(parts, mentioned, model, progress, timings, whole=whole)

    def workers_see(self, folder: Path) -> bool:
        """Whether every worker sees ``folder`` as this process does (a file made here).

        Raises:
            OSError: when the folder cannot be written here, or the workers cannot be asked.
        """
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".workers-probe-{secrets.token_hex(8)}"
        probe.touch()
        try:
            found = self.client.run(Path.is_file, probe)
        finally:
            probe.unlink(missing_ok=True)
        return bool(found) and all(found.values())

    def document_frequencies(self, batches: Iterable[pd.DataFrame]) -> Any:
        """How many briefings of all ``batches`` hold each topic term, counted by tasks.

        A task per partition of each table counts its briefings
        (``compute_document_frequencies``, the map); the driver sums the counts
        (``combine_document_frequencies``, the reduce): whole numbers, so the sum is the
        one-process count whatever the partitions. While the workers count one table the
        driver reads the next; at most two tables are on the cluster at once.

        Raises:
            EngineError: when the cluster fails.
        """
        total = combine_document_frequencies([])
        counting: list[Future] = []  # the previous table's tasks
        submitted: list[Future] = []
        try:
            for briefings in batches:
                # Only the columns of the topic text travel to the workers.
                columns = [name for name in (S.TITLE, S.TEXT) if name in briefings.columns]
                parts = split_partitions(briefings[columns], self.partitions)
                submitted = [self._submit(_document_frequencies, part) for part in parts]
                total = combine_document_frequencies([total, *self.client.gather(counting)])
                counting, submitted = submitted, []
            return combine_document_frequencies([total, *self.client.gather(counting)])
        except CLUSTER_FAILURES as error:
            self.client.cancel(counting + submitted)
            raise EngineError(
                f"the Dask cluster failed while counting topic terms and the store was not "
                f"changed: {type(error).__name__}: {error}"
            ) from error
        except BaseException:
            self.client.cancel(counting + submitted)
            raise

    def _submit(self, function: Any, *arguments: Any) -> Future:
        # The partitions travel inside the tasks, so a task whose worker died can run
        # again elsewhere; Dask's warning about large task graphs says just that.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*large graph.*")
            return self.client.submit(function, *arguments, pure=False)

    def _gather(self, futures: Any) -> Any:
        """Results of ``futures`` here: everything that comes back from the workers."""
        return self.client.gather(futures)

    def _per_briefing(
        self,
        parts: list[pd.DataFrame],
        mentioned: list[Future],
        model: Any,
        progress: Progress,
        timings: dict[str, float],
        *,
        whole: bool,
    ) -> BriefingTables:
        tick = time.perf_counter()
        try:
            # The model enters as a task, not scattered data: when the worker holding it
            # dies, the scheduler can make it again for the tasks that still need it.
            shipped = self._submit(_model, _shipped(model))
            topics = [self._submit(_topics, shipped, part) for part in parts]
            relations = [
                self._submit(_relations, part, m) for part, m in zip(parts, mentioned, strict=True)
            ]
            watchlists = [
                self._submit(_watchlist, part, m) for part, m in zip(parts, mentioned, strict=True)
            ]
            # Each partition's rollup counts, where its tables are; only ids and dates travel.
            counted = [
                self._submit(_rollup_counts, part[[S.BRIEFING_ID, S.DATE]], m, t, r)
                for part, m, t, r in zip(parts, mentioned, topics, relations, strict=True)
            ]
            every = [*mentioned, *topics, *relations, *watchlists, *counted]
            shown = -1
            for done, _ in enumerate(as_completed(every), start=1):
                step = PROGRESS_STEPS * done // len(every)  # a line per step, not per task
                if step != shown:
                    shown = step
                    progress(
                        0.1 + 0.8 * done / len(every),
                        f"{done}/{len(every)} partition tasks done ({len(parts)} partitions)",
                    )
            by_table = {
                "mentions": [self._submit(operator.getitem, m, 0) for m in mentioned],
                "countries": [self._submit(operator.getitem, m, 1) for m in mentioned],
                "topics": topics,
                "interactions": relations,
                "watchlist": watchlists,
            }
            # One round trip: the partitions' counts with their tables or descriptions.
            if whole:
                count_parts, gathered = self._gather([counted, by_table])
            else:
                described = {
                    name: [self._submit(_describe, f, KEPT_COLUMNS[name]) for f in futures]
                    for name, futures in by_table.items()
                }
                count_parts, infos = self._gather([counted, described])
        except CLUSTER_FAILURES as error:
            self.client.cancel(mentioned)
            raise EngineError(
                f"the Dask cluster failed during the ingest and the store was not changed: "
                f"{type(error).__name__}: {error}"
            ) from error
        timings["partitions"] = time.perf_counter() - tick
        tick = time.perf_counter()
        counts = merge_rollup_counts(count_parts)
        timings["counts"] = time.perf_counter() - tick
        if whole:
            return BriefingTables(
                **{name: _concat(tables) for name, tables in gathered.items()},
                rollup_counts=counts,
            )
        months = [_months(part) for part in parts]
        return BriefingTables(
            **{
                name: WorkerTable(self, name, futures, infos[name], months)
                for name, futures in by_table.items()
            },
            rollup_counts=counts,
        )


@contextmanager
def dask_engine(
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    on_notice: Any = None,
) -> Iterator[DaskEngine]:
    """A ``DaskEngine`` on the scheduler at ``scheduler``, else on a local cluster it starts.

    Parameters:
        workers: processes of the local cluster (default: the ``dask_workers`` setting).
        scheduler: address of a running scheduler; the cluster is then not stopped on exit.
        partitions: partitions per ingest (default: ``dask_partitions_per_worker`` per worker).
        on_notice: called with ``DaskEngine.describe()`` once the cluster is ready.

    Raises:
        InputError: when both ``workers`` and ``scheduler`` are given, or a count is not positive.
        EngineError: when the scheduler cannot be reached, the cluster cannot start, or a
            worker reads other reference tables than this process.
    """
    if workers is not None and scheduler is not None:
        raise InputError(
            "give either workers (a local cluster) or scheduler (a running one), not both; "
            f"got workers={workers!r}, scheduler={scheduler!r}"
        )
    n_workers = int(settings.value("dask_workers")) if workers is None else workers
    for option, count in (("workers", n_workers), ("partitions", partitions)):
        if count is not None and (isinstance(count, bool) or count < 1):
            raise InputError(f"{option} must be a positive whole number; got {count!r}")
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=float(settings.value("dask_connect_seconds")))
    except STARTUP_FAILURES as error:
        if cluster is not None:
            cluster.close()
        where = f"the scheduler at {scheduler!r}" if scheduler else "a local Dask cluster"
        raise EngineError(f"cannot use {where}: {type(error).__name__}: {error}") from error
    try:
        if partitions is None:
            n_running = len(client.scheduler_info(n_workers=-1).get("workers", {})) or n_workers
            partitions = int(settings.value("dask_partitions_per_worker")) * n_running
        check_reference_tables(client)
        engine = DaskEngine(client, partitions)
        if on_notice is not None:
            on_notice(engine.describe())
        yield engine
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
