"""The engines: partitions, choosing an engine, the Dask engine's outputs against the local one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dask
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from analytics import settings
from analytics.errors import EngineError, InputError
from analytics.pipeline import (
    LocalEngine,
    current_generation,
    ensure_store,
    open_engine,
    open_store,
    split_partitions,
)
from analytics.pipeline.dask_engine import DaskEngine, _mentions, dask_engine
from analytics.pipeline.exports import EXPORTS, ExportOptions, export_table
from analytics.synth import generate_corpus, write_corpus
from analytics.views import to_csv

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("n_rows", "n_partitions", "sizes"),
    [
        (5, 2, [2, 3]),  # bounds round(0, 2.5, 5) = 0, 2, 5
        (6, 3, [2, 2, 2]),
        (3, 5, [1, 1, 1]),  # never an empty partition
        (4, 1, [4]),
    ],
    ids=["uneven", "even", "more-partitions-than-rows", "one"],
)
def test_split_partitions_cuts_consecutive_ranges(n_rows, n_partitions, sizes):
    table = pd.DataFrame(
        {"briefing_id": [f"b{i}" for i in range(n_rows)]}, index=range(10, 10 + n_rows)
    )
    parts = split_partitions(table, n_partitions)
    assert [len(part) for part in parts] == sizes
    assert all(list(part.index) == list(range(len(part))) for part in parts)
    rejoined = pd.concat(parts, ignore_index=True)
    assert rejoined["briefing_id"].tolist() == [f"b{i}" for i in range(n_rows)]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True], ids=["zero", "negative", "float", "bool"])
def test_split_partitions_rejects_a_count_that_is_not_positive(bad):
    with pytest.raises(InputError, match=r"partitions must be a positive whole number; got"):
        split_partitions(pd.DataFrame({"briefing_id": ["a"]}), bad)


def test_open_engine_defaults_to_the_local_engine():
    with open_engine() as engine:
        assert isinstance(engine, LocalEngine)
        assert engine.describe() == "engine: local (this process)"


def test_open_engine_follows_the_engine_setting():
    with settings.override(ingest_engine="spark"):
        with pytest.raises(InputError, match=r"engine must be one of local, dask; got 'spark'"):
            with open_engine():
                pass


def test_open_engine_refuses_dask_options_for_the_local_engine():
    with pytest.raises(InputError, match=r"workers, partitions only apply to the dask engine"):
        with open_engine("local", workers=2, partitions=4):
            pass


def test_dask_engine_refuses_workers_and_scheduler_together():
    with pytest.raises(InputError, match=r"either workers .* or scheduler .* not both"):
        with dask_engine(workers=2, scheduler="tcp://127.0.0.1:1"):
            pass


def test_dask_engine_says_when_the_scheduler_cannot_be_reached():
    # Port 9 (discard) on loopback: nothing listens there on this machine or CI's.
    with settings.override(dask_connect_seconds=1.0):
        with pytest.raises(EngineError, match=r"cannot use the scheduler at 'tcp://127.0.0.1:9'"):
            with dask_engine(scheduler="tcp://127.0.0.1:9"):
                pass


def test_the_local_path_does_not_import_dask():
    code = (
        "import sys, analytics.cli, analytics.pipeline\n"
        "from analytics.pipeline import open_engine\n"
        "with open_engine('local'): pass\n"
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.stdout.strip() == "[]"


# -- on a cluster -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """An invented (synthetic) corpus of 48 briefings in several months, countries and themes."""
    folder = tmp_path_factory.mktemp("engine-corpus")
    frame = generate_corpus(48, seed=7, start="2024-01-01", end="2024-06-30")
    return write_corpus(frame, folder)  # the briefings file (beside it: the planted truth)


@pytest.fixture(scope="module")
def client():
    # Workers are separate processes: they import analytics as any remote worker would.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as dask_client,
    ):
        yield dask_client


def _exports(store_dir: Path) -> dict[str, bytes]:
    store = open_store(store_dir)
    return {name: to_csv(export_table(store, name, ExportOptions())) for name in sorted(EXPORTS)}


@pytest.fixture(scope="module")
def local_exports(corpus: Path, tmp_path_factory) -> dict[str, bytes]:
    store_dir = tmp_path_factory.mktemp("local") / "store"
    ensure_store([corpus], store_dir)
    return _exports(store_dir)


@pytest.mark.parametrize("n_partitions", [2, 4], ids=["2-partitions", "4-partitions"])
def test_dask_engine_exports_are_byte_identical_to_the_local_engine(
    corpus, client, local_exports, tmp_path, n_partitions
):
    lines: list[str] = []
    store, summary = ensure_store(
        [corpus],
        tmp_path / "store",
        engine=DaskEngine(client, n_partitions),
        progress=lambda fraction, message: lines.append(message),
    )
    assert summary.n_briefings == 48
    assert "partitions" in summary.stage_seconds
    n_tasks = 4 * n_partitions  # mentions, topics, relations, watchlist per partition
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
    stores = {}
    for name, engine in (("local", LocalEngine()), ("dask", DaskEngine(client, 3))):
        store_dir = tmp_path / name
        ensure_store([first_file], store_dir)
        _, summary = ensure_store([first_file, added_file], store_dir, engine=engine)
        assert summary.mode == "incremental"
        stores[name] = _exports(store_dir)
    assert stores["dask"] == stores["local"]


class _KillingEngine(DaskEngine):
    """Runs the mentions of every partition with a task that kills its worker first.

    With ``once``, only the first attempt dies (a marker file remembers it): Dask runs
    the task again on a worker that is alive.
    """

    def __init__(self, client: Client, partitions: int, marker: Path, *, once: bool) -> None:
        super().__init__(client, partitions)
        self.marker = str(marker)
        self.once = once

    def _submit(self, function, *arguments):
        if function is not _mentions:
            return super()._submit(function, *arguments)
        marker, once = self.marker, self.once

        def dying_mentions(part):
            import os
            import pathlib

            if not (once and pathlib.Path(marker).exists()):
                pathlib.Path(marker).touch()
                os._exit(1)
            return _mentions(part)

        return super()._submit(dying_mentions, *arguments)


def test_dask_engine_completes_when_a_worker_dies_once(corpus, client, local_exports, tmp_path):
    marker = tmp_path / "killed"
    engine = _KillingEngine(client, 2, marker, once=True)
    store, summary = ensure_store([corpus], tmp_path / "store", engine=engine)
    assert marker.exists()  # a worker did die
    assert _exports(tmp_path / "store") == local_exports


def test_dask_engine_failing_workers_leave_the_store_as_it_was(corpus, tmp_path):
    store_dir = tmp_path / "store"
    ensure_store([corpus], store_dir, n_topics=3)
    before = current_generation(store_dir)
    # No retry: the first worker lost fails the task at once.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with (
            LocalCluster(
                n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as failing_client,
        ):
            engine = _KillingEngine(failing_client, 2, tmp_path / "killed", once=False)
            with pytest.raises(
                EngineError,
                match=r"the Dask cluster failed during the ingest and the store was not changed: "
                r"KilledWorker",
            ):
                ensure_store([corpus], store_dir, engine=engine, refit=True)
    assert current_generation(store_dir) == before
    assert len(open_store(store_dir).table("briefings")) == 48
