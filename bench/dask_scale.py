"""Cost of the Dask engine per partition: time of each task kind and peak memory per worker.

Loads a corpus (its duplicates found by each engine's ``find_duplicates``: in this process,
or as tasks), runs the Dask engine's ``process`` on a local cluster and the local engine's,
and prints the load, per task kind (mentions, topics, relations, watchlist) the median
seconds per partition and briefings per second per worker, the driver's topic fit, and the
peak resident memory of each worker process and of the driver (``--skip-local`` or
``--skip-dask`` for one engine's driver alone). The numbers feed
``docs/scale.md``. Run from the project root (not part of the test run)::

    PYTHONPATH=src python bench/dask_scale.py /tmp/syn20k/briefings.jsonl --workers 2 \\
        --partitions 8
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from distributed import Client, LocalCluster, get_task_stream

from analytics.ingest import load_corpus_with_report
from analytics.pipeline import LocalEngine
from analytics.pipeline.dask_engine import DaskEngine


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _quiet(fraction: float, message: str) -> None:
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--skip-local", action="store_true", help="do not time the local engine")
    parser.add_argument("--skip-dask", action="store_true", help="do not time the Dask engine")
    args = parser.parse_args(argv)

    # The cluster starts first: a worker process's peak memory counts from its start, and
    # Linux carries the high-water mark of the process it was forked from into it.
    # Without it (--skip-dask) the driver has no threads and forks its helpers as an ingest does.
    cluster = None
    if not args.skip_dask:
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    n = 0
    if not args.skip_local:
        tick = time.perf_counter()
        loaded = load_corpus_with_report(args.corpus)
        n = len(loaded.briefings)
        print(f"local engine: {n} briefings loaded in {time.perf_counter() - tick:.1f} s")
        timings: dict[str, float] = {}
        tick = time.perf_counter()
        LocalEngine().process(
            loaded.briefings,
            n_topics="auto",
            previous_model=None,
            progress=_quiet,
            timings=timings,
        )
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        print(f"local engine: {time.perf_counter() - tick:.1f} s ({stages})")
        print(f"driver so far: peak {_peak_mb():.0f} MB")
    if cluster is None:
        return 0

    with cluster, Client(cluster) as client:
        engine = DaskEngine(client, args.partitions)
        tick = time.perf_counter()
        loaded = load_corpus_with_report(args.corpus, finder=engine.find_duplicates)
        n = len(loaded.briefings)
        print(f"dask engine: {n} briefings loaded in {time.perf_counter() - tick:.1f} s")
        timings = {}
        tick = time.perf_counter()
        with get_task_stream(client) as stream:
            engine.process(
                loaded.briefings,
                n_topics="auto",
                previous_model=None,
                progress=_quiet,
                timings=timings,
            )
        wall = time.perf_counter() - tick
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        print(
            f"dask engine, {args.workers} workers, {args.partitions} partitions: "
            f"{wall:.1f} s ({stages})"
        )
        per_kind: dict[str, list[float]] = {}
        for task in stream.data:
            key = task["key"] if isinstance(task["key"], str) else str(task["key"][0])
            kind = key.split("-")[0].lstrip("_")
            for step in task["startstops"]:
                if step["action"] == "compute":
                    per_kind.setdefault(kind, []).append(step["stop"] - step["start"])
        size = n / args.partitions
        per_kind.pop("model", None)  # the fitted model handed to the cluster, no work
        for kind, seconds in sorted(per_kind.items()):
            median = statistics.median(seconds)
            print(
                f"  {kind}: {len(seconds)} tasks, median {median:.2f} s per partition of "
                f"{size:.0f} briefings ({size / median:.0f} briefings/s per worker)"
            )
        peaks = client.run(_peak_mb)
        for address, peak in sorted(peaks.items()):
            print(f"  worker {address}: peak {peak:.0f} MB")
    included = "" if args.skip_local else " (the local engine's run included)"
    print(f"driver: peak {_peak_mb():.0f} MB{included}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
