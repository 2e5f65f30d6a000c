"""Where an ingest's stages run: the embedded local engine, or a Dask cluster.

``open_engine`` gives the engine an ingest asks for (``--engine``, else the
``ingest_engine`` setting). Both compute the same artefacts, byte for byte: the local
engine runs the stages in this process; the Dask engine (``analytics.pipeline.dask_engine``)
splits the briefings into partitions (``split_partitions``) and runs the per-briefing
stages, the rollup counts of each partition and the steps of duplicate detection as tasks.
That module is imported only when the Dask engine is asked for, so the local path never
imports Dask.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import pandas as pd

from analytics import settings
from analytics.errors import InputError
from analytics.ingest import find_duplicates
from analytics.pipeline.process import (
    BriefingTables,
    Progress,
    assign_with_model,
    compute_document_frequencies,
    compute_mentions,
    compute_sentence_tables,
    process_tables,
)
from analytics.pipeline.rollups import RollupInputs, count_rollups

LOCAL = "local"
DASK = "dask"
ENGINE_NAMES: tuple[str, ...] = (LOCAL, DASK)


class Engine(Protocol):
    """What an ingest asks of an engine."""

    name: str

    def describe(self) -> str:
        """One line saying where the stages run."""
        ...

    def find_duplicates(
        self,
        texts: pd.Series,
        *,
        threshold: float | None = None,
        random_state: int | None = None,
        with_keys: bool = False,
    ) -> pd.DataFrame:
        """Exact and near-duplicates among sorted texts (the ``find_duplicates`` table)."""
        ...

    def process(
        self,
        briefings: pd.DataFrame,
        *,
        n_topics: int | str,
        previous_model: Any,
        progress: Progress,
        timings: dict[str, float],
    ) -> tuple[BriefingTables, pd.DataFrame, Any]:
        """The per-briefing tables, topic summary and fitted topic model of a corpus (as
        ``process_tables``); tables may stay on the engine's workers (``DeferredTable``)."""
        ...

    def document_frequencies(self, batches: Iterable[pd.DataFrame]) -> Any:
        """How many briefings of all ``batches`` hold each topic term.

        ``compute_document_frequencies`` of each table, summed; the tables may be read one
        at a time as the engine asks for them.
        """
        ...

    def process_added(
        self,
        briefings: pd.DataFrame,
        model: Any,
        progress: Progress,
        timings: dict[str, float],
        *,
        whole: bool = False,
    ) -> BriefingTables:
        """The per-briefing tables of added briefings, with an already fitted ``model``,
        and their rollup counts (``BriefingTables.rollup_counts``).

        With ``whole``, every table is brought here whole (none stays on workers).
        """
        ...


class LocalEngine:
    """The embedded engine: every stage in this process."""

    name = LOCAL

    def describe(self) -> str:
        """One line saying where the stages run."""
        return "engine: local (this process)"

    def find_duplicates(
        self,
        texts: pd.Series,
        *,
        threshold: float | None = None,
        random_state: int | None = None,
        with_keys: bool = False,
    ) -> pd.DataFrame:
        """Exact and near-duplicates among sorted texts: ``find_duplicates`` in this process."""
        return find_duplicates(
            texts, threshold=threshold, random_state=random_state, with_keys=with_keys
        )

    def process(
        self,
        briefings: pd.DataFrame,
        *,
        n_topics: int | str,
        previous_model: Any,
        progress: Progress,
        timings: dict[str, float],
    ) -> tuple[BriefingTables, pd.DataFrame, Any]:
        """The per-briefing tables, topic summary and fitted topic model (``process_tables``)."""
        return process_tables(
            briefings,
            n_topics=n_topics,
            previous_model=previous_model,
            progress=progress,
            timings=timings,
        )

    def document_frequencies(self, batches: Iterable[pd.DataFrame]) -> Any:
        """How many briefings of all ``batches`` hold each topic term, counted here.

        ``compute_document_frequencies`` of each table in turn, summed as they come.
        """
        # Imported here, as in ``batches``: a reader of the store never needs it.
        from analytics.topics import combine_document_frequencies

        total = combine_document_frequencies([])
        for briefings in batches:
            total = combine_document_frequencies([total, compute_document_frequencies(briefings)])
        return total

    def process_added(
        self,
        briefings: pd.DataFrame,
        model: Any,
        progress: Progress,
        timings: dict[str, float],
        *,
        whole: bool = False,
    ) -> BriefingTables:
        """Mentions, topics (from the fitted ``model``), relations and watchlist of briefings,
        and their rollup counts (always whole: this engine holds every table here)."""
        progress(0.3, f"Processing {len(briefings)} new briefings")
        tick = time.perf_counter()
        mentions, countries = compute_mentions(briefings)
        timings["mentions"] = time.perf_counter() - tick
        tick = time.perf_counter()
        topics = assign_with_model(model, briefings)
        timings["topics"] = time.perf_counter() - tick
        interactions, watchlist = compute_sentence_tables(briefings, mentions, timings=timings)
        tick = time.perf_counter()
        counts = count_rollups(RollupInputs(briefings, countries, topics, interactions))
        timings["counts"] = time.perf_counter() - tick
        return BriefingTables(mentions, countries, topics, interactions, watchlist, counts)


def partition_bounds(n_rows: int, n_partitions: int) -> np.ndarray:
    """Where ``split_partitions`` cuts ``n_rows`` rows: each run's start, then the end.

    At most ``n_partitions`` runs of consecutive rows, none empty (one empty run for no rows).
    """
    n_parts = max(1, min(n_partitions, n_rows))
    return np.linspace(0, n_rows, n_parts + 1).round().astype(np.int64)


def split_partitions(briefings: pd.DataFrame, n_partitions: int) -> list[pd.DataFrame]:
    """``briefings`` cut into at most ``n_partitions`` consecutive, non-empty row ranges.

    Concatenated in order, the partitions are the table again (index reset).

    Raises:
        InputError: when ``n_partitions`` is not a positive whole number.
    """
    if isinstance(n_partitions, bool) or not isinstance(n_partitions, int) or n_partitions < 1:
        raise InputError(f"partitions must be a positive whole number; got {n_partitions!r}")
    bounds = partition_bounds(len(briefings), n_partitions)
    return [
        briefings.iloc[start:stop].reset_index(drop=True)
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    ]


@contextmanager
def open_engine(
    name: str | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    on_notice: Any = None,
) -> Iterator[Engine]:
    """The engine ``name`` (default: the ``ingest_engine`` setting), closed on exit.

    Parameters:
        name: ``"local"`` or ``"dask"``.
        workers: worker processes of a local Dask cluster started for this ingest.
        scheduler: address of a running Dask scheduler (``tcp://host:8786``) to use instead.
        partitions: partitions the briefings are split into (default: the
            ``dask_partitions_per_worker`` setting times the workers).
        on_notice: called with one line when the engine is ready (the dashboard link).

    Raises:
        InputError: on an unknown engine, or Dask options given to the local engine.
        EngineError: when Dask is not installed or the cluster cannot be reached.
    """
    chosen = name or str(settings.value("ingest_engine"))
    if chosen not in ENGINE_NAMES:
        raise InputError(f"engine must be one of {', '.join(ENGINE_NAMES)}; got {chosen!r}")
    if chosen == LOCAL:
        given = [
            option
            for option, value in (
                ("workers", workers),
                ("scheduler", scheduler),
                ("partitions", partitions),
            )
            if value is not None
        ]
        if given:
            raise InputError(
                f"{', '.join(given)} only apply to the dask engine; got engine {chosen!r}"
            )
        yield LocalEngine()
        return
    from analytics.pipeline.dask_engine import dask_engine

    with dask_engine(
        workers=workers, scheduler=scheduler, partitions=partitions, on_notice=on_notice
    ) as engine:
        yield engine
