"""The engines: partitions, choosing an engine, the Dask engine's outputs against the local one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from analytics import settings
from analytics.errors import EngineError, InputError
from analytics.pipeline import (
    LocalEngine,
    open_engine,
    split_partitions,
)
from analytics.pipeline.dask_engine import DaskEngine, check_reference_tables, dask_engine

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


class _GoneClient:
    """A Dask client whose cluster went away: tasks are accepted, results never come."""

    def submit(self, function, *arguments, pure=True):
        return None

    def gather(self, futures):
        raise OSError("the scheduler went away")

    def run(self, function):
        raise OSError("the scheduler went away")


def test_dask_engine_says_when_the_cluster_fails_while_finding_duplicates():
    engine = DaskEngine(_GoneClient(), 2)  # type: ignore[arg-type]
    with pytest.raises(
        EngineError,
        match=r"^the Dask cluster failed while finding duplicates and the store was not "
        r"changed: OSError: the scheduler went away$",
    ):
        engine.find_duplicates(pd.Series(["one two three", "four five six"]))


def test_reference_check_says_when_the_workers_cannot_be_asked():
    with pytest.raises(
        EngineError,
        match=r"^cannot compare the workers' reference tables: OSError: the scheduler went away$",
    ):
        check_reference_tables(_GoneClient())  # type: ignore[arg-type]


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


def test_the_engine_on_a_local_cluster(tmp_path):
    # tests/pipeline/cluster_checks.py in its own pytest process (see its docstring).
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(Path(__file__).with_name("cluster_checks.py")),
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "basetemp"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"\b16 passed\b", result.stdout), result.stdout[-2000:]


def test_this_process_stays_single_threaded():
    # Runs after the tests above (file order): forking code later in the run depends on it.
    assert threading.active_count() == 1
