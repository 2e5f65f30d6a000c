"""The Dask engine: an ingest's per-briefing stages as tasks on a ``dask.distributed`` cluster.

Imported only when an ingest asks for ``--engine dask`` (``engines.open_engine``); needs
the ``dask`` extra. Duplicate detection runs as tasks over partitions of the sorted
texts (``dask_duplicates``). The briefings are split into partitions; for each, mentions, topic
assignment (with the model fitted on the driver, sent once to the cluster), relation
scoring and the watchlist run as tasks over the same pure functions the local engine
calls, and so does counting each partition for the rollups (``rollups.count_rollups``,
the Dask group-bys; the driver merges the partitions' counts in order). The driver
gathers the partitions in order and writes the generation, so the
artefacts are those of the local engine, byte for byte, and a failed run leaves the
store as it was. A task whose worker dies is run again elsewhere (Dask allows
``distributed.scheduler.allowed-failures`` such losses per task); past that, or when the
cluster goes away, the ingest stops with one ``EngineError``.
"""

from __future__ import annotations

import copy
import logging
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.artefacts import Artefacts
from analytics.errors import EngineError, InputError
from analytics.paths import data_dir, reference_fingerprint
from analytics.pipeline.dask_duplicates import find_duplicates_as_tasks
from analytics.pipeline.engines import DASK, split_partitions
from analytics.pipeline.process import (
    BriefingTables,
    Progress,
    assemble_artefacts,
    assign_with_model,
    compute_interactions,
    compute_mentions,
    compute_watchlist,
    fit_topic_model,
    summarise_topics,
)
from analytics.pipeline.rollups import (
    RollupCounts,
    RollupInputs,
    count_rollups,
    merge_rollup_counts,
)

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


def _mentions(part: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return compute_mentions(part)


def _topics(model: Any, part: pd.DataFrame) -> pd.DataFrame:
    return assign_with_model(model, part)


def _relations(part: pd.DataFrame, mentioned: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return compute_interactions(part, mentioned[0])


def _watchlist(part: pd.DataFrame, mentioned: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return compute_watchlist(part, mentioned[0])


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
        report: pd.DataFrame,
        *,
        n_topics: int | str,
        previous_model: Any,
        progress: Progress,
        timings: dict[str, float],
    ) -> tuple[Artefacts, Any]:
        """Every artefact of a corpus and its topic model, the stages run on the cluster."""
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
        tables = self._per_briefing(parts, mentioned, model, progress, timings)
        tick = time.perf_counter()
        summary = summarise_topics(model, briefings, tables.topics)
        timings["topics"] += time.perf_counter() - tick
        return assemble_artefacts(briefings, report, tables, summary), model

    def process_added(
        self, briefings: pd.DataFrame, model: Any, progress: Progress, timings: dict[str, float]
    ) -> BriefingTables:
        """The per-briefing tables of added briefings, with the stored ``model``."""
        parts = split_partitions(briefings, self.partitions)
        progress(0.3, f"Processing {len(briefings)} new briefings in {len(parts)} partitions")
        mentioned = [self._submit(_mentions, part) for part in parts]
        return self._per_briefing(parts, mentioned, model, progress, timings)

    def _submit(self, function: Any, *arguments: Any) -> Future:
        # The partitions travel inside the tasks, so a task whose worker died can run
        # again elsewhere; Dask's warning about large task graphs says just that.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*large graph.*")
            return self.client.submit(function, *arguments, pure=False)

    def _per_briefing(
        self,
        parts: list[pd.DataFrame],
        mentioned: list[Future],
        model: Any,
        progress: Progress,
        timings: dict[str, float],
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
            gathered = self.client.gather([mentioned, topics, relations, watchlists, counted])
        except CLUSTER_FAILURES as error:
            self.client.cancel(mentioned)
            raise EngineError(
                f"the Dask cluster failed during the ingest and the store was not changed: "
                f"{type(error).__name__}: {error}"
            ) from error
        mention_parts, topic_parts, relation_parts, watch_parts, count_parts = gathered
        timings["partitions"] = time.perf_counter() - tick
        tick = time.perf_counter()
        counts = merge_rollup_counts(count_parts)
        timings["counts"] = time.perf_counter() - tick
        return BriefingTables(
            mentions=_concat([pair[0] for pair in mention_parts]),
            countries=_concat([pair[1] for pair in mention_parts]),
            topics=_concat(topic_parts),
            interactions=_concat(relation_parts),
            watchlist=_concat(watch_parts),
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
