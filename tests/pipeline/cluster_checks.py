"""The Dask engine on a real local cluster: identical exports, added briefings, batched builds,
topic-term counts, dead workers.

Not collected by the test run itself (the name does not start with ``test_``):
``tests/pipeline/test_engines.py`` runs this file in a separate pytest process, because a
process that used a Dask client keeps threads, and a process with threads never forks
(``analytics.parallel.fork_workers``), which later tests rely on.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from planted_duplicates import (
    EXPECTED_EXACT,
    planted_briefings,
    planted_texts,
    write_planted_corpus,
)

from analytics import schema as S
from analytics import settings
from analytics.errors import EngineError
from analytics.ingest import find_duplicates, load_corpus_with_report, mark_duplicates
from analytics.pipeline import (
    LocalEngine,
    current_generation,
    ensure_store,
    open_store,
    split_partitions,
    vacuum_store,
)
from analytics.pipeline.dask_engine import (
    DaskEngine,
    _document_frequencies,
    _mentions,
    check_reference_tables,
    dask_engine,
)
from analytics.pipeline.deltatables import data_files, months_of
from analytics.pipeline.exports import EXPORTS, ExportOptions, export_table
from analytics.pipeline.layout import ROLLUP_COUNT_TABLES, ROLLUP_TABLES
from analytics.synth import generate_corpus, write_corpus
from analytics.topics import briefing_text_for_topics, document_frequencies
from analytics.views import to_csv

ROOT = Path(__file__).resolve().parents[2]


def test_dask_engine_says_when_the_scheduler_cannot_be_reached():
    # Port 9 (discard) on loopback: nothing listens there on this machine or CI's.
    with settings.override(dask_connect_seconds=1.0):
        with pytest.raises(EngineError, match=r"cannot use the scheduler at 'tcp://127.0.0.1:9'"):
            with dask_engine(scheduler="tcp://127.0.0.1:9"):
                pass


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A folder of invented briefings: 48 synthetic ones in several months, countries and
    themes, and 14 with exact and near-duplicates planted (12 stay)."""
    folder = tmp_path_factory.mktemp("engine-corpus")
    frame = generate_corpus(48, seed=7, start="2024-01-01", end="2024-06-30")
    # The briefings file only (write_corpus puts the planted truth beside it).
    written = write_corpus(frame, tmp_path_factory.mktemp("synthetic"))
    shutil.move(written, folder / written.name)
    write_planted_corpus(folder)
    return folder


@contextmanager
def cluster(n_workers: int = 2, **config: object) -> Iterator[Client]:
    """A client of a local cluster of ``n_workers`` worker processes (``config``: Dask's)."""
    # Workers are separate processes: they import analytics as any remote worker would.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    with (
        dask.config.set(config),
        LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local_cluster,
        Client(local_cluster) as client,
    ):
        yield client


def _exports(store_dir: Path) -> dict[str, bytes]:
    store = open_store(store_dir)
    return {name: to_csv(export_table(store, name, ExportOptions())) for name in sorted(EXPORTS)}


@pytest.fixture(scope="module")
def local_store(corpus: Path, tmp_path_factory) -> Path:
    store_dir = tmp_path_factory.mktemp("local") / "store"
    ensure_store([corpus], store_dir)
    return store_dir


@pytest.fixture(scope="module")
def local_exports(local_store: Path) -> dict[str, bytes]:
    return _exports(local_store)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with cluster() as module_client:
        yield module_client


@pytest.mark.parametrize("n_partitions", [2, 4], ids=["2-partitions", "4-partitions"])
def test_dask_engine_exports_are_byte_identical_to_the_local_engine(
    corpus, client, local_exports, tmp_path, n_partitions
):
    lines: list[str] = []
    _, summary = ensure_store(
        [corpus],
        tmp_path / "store",
        engine=DaskEngine(client, n_partitions),
        progress=lambda fraction, message: lines.append(message),
    )
    assert summary.n_briefings == 60
    assert "partitions" in summary.stage_seconds
    # Mentions, topics, relations, watchlist and rollup counts per partition.
    n_tasks = 5 * n_partitions
    assert f"{n_tasks}/{n_tasks} partition tasks done ({n_partitions} partitions)" in lines
    dask_exports = _exports(tmp_path / "store")
    assert sorted(dask_exports) == sorted(local_exports)
    for name, data in local_exports.items():
        assert dask_exports[name] == data, f"export {name} differs"


def test_dask_engine_adds_briefings_as_the_local_engine_does(client, tmp_path):
    first, added = tmp_path / "first", tmp_path / "added"
    frame = generate_corpus(60, seed=7, start="2024-01-01", end="2024-06-30")
    first_file = write_corpus(frame.iloc[:48], first)
    added_file = write_corpus(frame.iloc[48:], added)
    stores, rollups = {}, {}
    for name, engine in (("local", LocalEngine()), ("dask", DaskEngine(client, 3))):
        store_dir = tmp_path / name
        ensure_store([first_file], store_dir)
        _, summary = ensure_store([first_file, added_file], store_dir, engine=engine)
        assert summary.mode == "incremental"
        stores[name] = _exports(store_dir)
        store = open_store(store_dir)
        rollups[name] = {t: store.table(t) for t in (*ROLLUP_TABLES, *ROLLUP_COUNT_TABLES)}
    assert stores["dask"] == stores["local"]
    # The partitions' counts, counted on the workers and merged in order, are the local ones.
    for table, local in rollups["local"].items():
        pd.testing.assert_frame_equal(rollups["dask"][table], local, check_exact=True, obj=table)


class _KillingEngine(DaskEngine):
    """Runs the ``target`` task (mentions) of every partition with a task that kills its
    worker first.

    With ``once``, only the first attempt dies (a marker file remembers it): Dask runs
    the task again on a worker that is alive.
    """

    def __init__(
        self, client: Client, partitions: int, marker: Path, *, once: bool, target=_mentions
    ) -> None:
        super().__init__(client, partitions)
        self.marker = str(marker)
        self.once = once
        self.target = target

    def _submit(self, function, *arguments):
        if function is not self.target:
            return super()._submit(function, *arguments)
        marker, once, target = self.marker, self.once, self.target

        def dying_task(*task_arguments):
            import os
            import pathlib

            if not (once and pathlib.Path(marker).exists()):
                pathlib.Path(marker).touch()
                os._exit(1)
            return target(*task_arguments)

        return super()._submit(dying_task, *arguments)


def test_dask_engine_completes_when_a_worker_dies_once(corpus, client, local_exports, tmp_path):
    marker = tmp_path / "killed"
    engine = _KillingEngine(client, 2, marker, once=True)
    ensure_store([corpus], tmp_path / "store", engine=engine)
    assert marker.exists()  # a worker did die
    assert _exports(tmp_path / "store") == local_exports


def test_dask_engine_failing_workers_leave_the_store_as_it_was(corpus, tmp_path):
    store_dir = tmp_path / "store"
    ensure_store([corpus], store_dir, n_topics=3)
    before = current_generation(store_dir)
    # No retry: the first worker lost fails the task at once.
    with cluster(1, **{"distributed.scheduler.allowed-failures": 0}) as failing_client:
        engine = _KillingEngine(failing_client, 2, tmp_path / "killed", once=False)
        with pytest.raises(
            EngineError,
            match=r"the Dask cluster failed during the ingest and the store was not changed: "
            r"KilledWorker",
        ):
            ensure_store([corpus], store_dir, engine=engine, refit=True)
    assert current_generation(store_dir) == before
    assert len(open_store(store_dir).table("briefings")) == 60


@pytest.mark.parametrize(
    ("n_partitions", "cuts"),
    [(2, [60]), (5, [7, 30, 60])],
    ids=["2-partitions-one-table", "5-partitions-three-tables"],
)
def test_dask_engine_counts_document_frequencies_as_one_process(client, corpus, n_partitions, cuts):
    briefings = load_corpus_with_report([corpus]).briefings
    tables = [briefings.iloc[start:stop] for start, stop in zip([0, *cuts[:-1]], cuts, strict=True)]
    counted = DaskEngine(client, n_partitions).document_frequencies(iter(tables))
    expected = document_frequencies(briefing_text_for_topics(briefings))
    pd.testing.assert_series_equal(counted.counts, expected.counts)
    assert counted.n_documents == expected.n_documents == 60
    assert counted.counts.index.is_monotonic_increasing


def test_dask_engine_batched_build_equals_the_local_engine(corpus, client, tmp_path):
    # Two batches (one file each), the topics fitted on 30 of the 60 briefings with the
    # document frequencies of all 60 counted by each batch's partitions.
    exports = {}
    with settings.override(topic_fit_sample=30):
        for name, engine in (("local", LocalEngine()), ("dask", DaskEngine(client, 3))):
            _, summary = ensure_store([corpus], tmp_path / name, engine=engine, batch_mb=0.001)
            assert summary.notices[0].startswith("built in 2 batches")
            assert (
                "topics fitted on 30 of 60 briefings with the vocabulary and document "
                "frequencies of all 60" in summary.notices[0]
            )
            exports[name] = _exports(tmp_path / name)
    assert exports["dask"] == exports["local"]


def test_dask_engine_failing_workers_stop_the_count_of_document_frequencies(corpus, tmp_path):
    briefings = load_corpus_with_report([corpus]).briefings
    with cluster(1, **{"distributed.scheduler.allowed-failures": 0}) as failing_client:
        engine = _KillingEngine(
            failing_client, 2, tmp_path / "killed", once=False, target=_document_frequencies
        )
        with pytest.raises(
            EngineError,
            match=r"the Dask cluster failed while counting topic terms and the store was not "
            r"changed: KilledWorker",
        ):
            engine.document_frequencies([briefings.iloc[:30], briefings.iloc[30:]])


def _set_data_dir(folder: str | None) -> None:
    if folder is None:
        os.environ.pop("BRIEFING_ATLAS_DATA", None)
    else:
        os.environ["BRIEFING_ATLAS_DATA"] = folder


def test_dask_engine_refuses_a_worker_with_other_reference_tables(client, tmp_path):
    edited = tmp_path / "data"
    shutil.copytree(ROOT / "data", edited, ignore=shutil.ignore_patterns("sample"))
    check_reference_tables(client)  # an exact copy elsewhere is the same tables
    one, other = sorted(client.scheduler_info(n_workers=-1)["workers"])
    client.run(_set_data_dir, str(edited), workers=[other])
    try:
        check_reference_tables(client)  # still the same content
        with (edited / "cues.csv").open("a", encoding="utf-8") as cues:
            cues.write("invented cue,1,conflict\n")
        with pytest.raises(
            EngineError,
            match=rf"^worker {other} reads other reference tables than this process .*"
            r"BRIEFING_ATLAS_DATA; got fingerprint [0-9a-f]{12}, expected [0-9a-f]{12}$",
        ):
            with dask_engine(scheduler=client.scheduler.address):
                pass
    finally:
        client.run(_set_data_dir, None, workers=[other])
    check_reference_tables(client)
    assert one != other


@pytest.mark.parametrize("n_partitions", [2, 4], ids=["2-partitions", "4-partitions"])
def test_dask_engine_finds_planted_duplicates_as_one_process(client, tmp_path, n_partitions):
    engine = DaskEngine(client, n_partitions)
    texts = planted_texts()
    found = engine.find_duplicates(texts, with_keys=True)
    pd.testing.assert_frame_equal(found, find_duplicates(texts, with_keys=True), check_exact=True)
    assert found["exact_of"].tolist() == EXPECTED_EXACT
    briefings, report = planted_briefings(tmp_path)
    local = mark_duplicates(briefings, report)
    marked = mark_duplicates(briefings, report, finder=engine.find_duplicates)
    for name in ("briefings", "report", "keys"):
        pd.testing.assert_frame_equal(getattr(marked, name), getattr(local, name))
    assert sorted(marked.briefings["duplicate_of"].dropna()) == ["a-1", "a-1", "t-1"]


# Columns that hold the sentences, evidence and surface forms: the heavy part of the tables.
HEAVY_COLUMNS = {S.SENTENCE, S.EVIDENCE, S.SURFACE, S.CUES}


class _SpyingEngine(DaskEngine):
    """Records everything the driver gathers from the workers; ``shared=False`` acts as
    if the workers could not see the store."""

    def __init__(self, client: Client, partitions: int, *, shared: bool = True) -> None:
        super().__init__(client, partitions)
        self.gathered: list[object] = []
        self.shared = shared

    def _gather(self, futures):
        result = super()._gather(futures)
        self.gathered.append(result)
        return result

    def workers_see(self, folder: Path) -> bool:
        return self.shared and super().workers_see(folder)


def _frames(value: object) -> Iterator[pd.DataFrame]:
    if isinstance(value, pd.DataFrame):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _frames(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _frames(item)


def _files_per_partition_and_month(store_dir: Path, table: str, n_partitions: int) -> int:
    """How many (partition, month) pairs the rows of ``table`` fall in."""
    store = open_store(store_dir)
    briefings = store.table("briefings", columns=[S.BRIEFING_ID, S.DATE])
    partition = {}
    for number, part in enumerate(split_partitions(briefings, n_partitions)):
        partition.update(dict.fromkeys(part[S.BRIEFING_ID], number))
    month = dict(zip(briefings[S.BRIEFING_ID], months_of(briefings[S.DATE]), strict=True))
    ids = store.table(table, columns=[S.BRIEFING_ID])[S.BRIEFING_ID]
    return len({(partition[i], month[i]) for i in ids})


def _month_files(store_dir: Path, table: str) -> dict[str, int]:
    version = int(open_store(store_dir).meta["tables"][table]["version"])
    counts: dict[str, int] = {}
    for data in data_files(store_dir, table, version):
        folder = Path(data.file).parent.name
        counts[folder] = counts.get(folder, 0) + 1
    return counts


def test_dask_engine_workers_write_the_heavy_tables_and_the_driver_only_commits(
    corpus, client, local_store, local_exports, tmp_path
):
    engine = _SpyingEngine(client, 4)
    ensure_store([corpus], tmp_path / "store", engine=engine)
    frames = [frame for result in engine.gathered for frame in _frames(result)]
    # No sentence, evidence or surface form came back: at most a blank sample of its type.
    heavy = {
        value
        for frame in frames
        for column in HEAVY_COLUMNS.intersection(frame.columns)
        for value in frame[column].dropna()
    }
    assert heavy <= {""}
    kept = {column for frame in frames if len(frame) > 1 for column in frame.columns}
    assert {S.BRIEFING_ID, S.ISO3, S.COUNTRY_A, S.TOPIC_ID} <= kept
    assert HEAVY_COLUMNS.isdisjoint(kept)
    for table in ("mentions", "interactions"):
        # One part per partition and month, written by the workers; the local engine
        # writes one per month.
        per_month = _month_files(tmp_path / "store", table)
        expected = _files_per_partition_and_month(tmp_path / "store", table, 4)
        assert sum(per_month.values()) == expected
        assert max(per_month.values()) > 1
        assert set(_month_files(local_store, table).values()) == {1}
    assert _exports(tmp_path / "store") == local_exports
    # The generation records what the local engine's records: types, pandas' metadata, rows.
    local_meta = open_store(local_store).meta["tables"]
    dask_meta = open_store(tmp_path / "store").meta["tables"]
    for table in ("mentions", "countries", "topics", "interactions", "watchlist"):
        assert dask_meta[table]["schema"] == local_meta[table]["schema"], table
        assert dask_meta[table]["rows"] == local_meta[table]["rows"], table


def test_dask_engine_writes_on_the_driver_when_the_workers_cannot_see_the_store(
    corpus, client, local_exports, tmp_path
):
    engine = _SpyingEngine(client, 2, shared=False)
    ensure_store([corpus], tmp_path / "store", engine=engine)
    assert _exports(tmp_path / "store") == local_exports


def _failing_part_writer() -> None:
    """On a worker: the part writer fails for every partition but the first."""
    from analytics.pipeline import deltatables

    real = deltatables.write_part

    def failing(location, rows, month):
        if rows.column("row_order")[0].as_py() > 0:
            raise OSError("disk full")
        return real(location, rows, month)

    failing.real = real  # type: ignore[attr-defined]
    deltatables.write_part = failing


def _real_part_writer() -> None:
    from analytics.pipeline import deltatables

    deltatables.write_part = getattr(deltatables.write_part, "real", deltatables.write_part)


def _parquet_files(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.parquet")
        if "_delta_log" not in path.parts
    }


def test_dask_engine_a_failing_part_write_leaves_the_previous_generation(
    corpus, client, local_exports, tmp_path
):
    store_dir = tmp_path / "store"
    ensure_store([corpus], store_dir)
    before = current_generation(store_dir)
    client.run(_failing_part_writer)
    try:
        with pytest.raises(
            EngineError,
            match=r"^writing table mentions on the Dask cluster failed and the store stays at "
            r"its current generation: OSError: disk full$",
        ):
            ensure_store([corpus], store_dir, engine=DaskEngine(client, 4), refit=True)
    finally:
        client.run(_real_part_writer)
    assert current_generation(store_dir) == before
    store = open_store(store_dir)
    store.verify()
    assert _exports(store_dir) == local_exports
    # The first partition's parts were written, but no Delta version names them: the
    # vacuum removes them, and every file the generation names stays.
    folder = store_dir / "tables" / "mentions"
    named = {
        Path(name).relative_to("tables/mentions").as_posix()
        for name in store.meta["tables"]["mentions"]["files"]
    }
    assert _parquet_files(folder) > named
    vacuum_store(store_dir)
    assert _parquet_files(folder) == named
    assert _exports(store_dir) == local_exports
