"""Duplicate detection in this process and as tasks on a local Dask cluster: time and memory.

Reads the texts of a corpus table (JSON Lines with a ``text`` column, e.g. a synthetic
corpus), optionally adds planted duplicates (``--planted``: a third of the texts again,
exactly, and a fifth with one word changed), and finds exact and near-duplicates with
``find_duplicates`` (``--engine local``) or the Dask engine's tasks (``--engine dask``),
checking that the two tables are equal when both run. Prints the seconds (best of
``--repeat``), the driver's peak resident memory and, with Dask, each worker's. Run each
engine in its own process so the driver's peak is its own. Not part of the test run::

    PYTHONPATH=src python bench/dask_duplicates.py /tmp/syn20k/briefings.jsonl --engine local
    PYTHONPATH=src python bench/dask_duplicates.py /tmp/syn20k/briefings.jsonl --engine dask \\
        --workers 2 --partitions 4 --check
"""

from __future__ import annotations

import argparse
import logging
import resource
import time
from pathlib import Path

import pandas as pd

from analytics.ingest import find_duplicates


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _texts(corpus: Path, planted: bool) -> pd.Series:
    texts = pd.read_json(corpus, lines=True)["text"]
    if planted:
        near = texts.iloc[::5].str.replace(" the ", " a ", n=1)
        texts = pd.concat([texts, texts.iloc[::3], near], ignore_index=True)
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--planted", action="store_true", help="add exact and near copies")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="compare with find_duplicates")
    args = parser.parse_args(argv)

    if args.engine == "local":
        texts = _texts(args.corpus, args.planted)
        print(f"{len(texts)} texts; driver after reading: {_peak_mb():.0f} MB")
        seconds = []
        for _ in range(args.repeat):
            tick = time.perf_counter()
            found = find_duplicates(texts, with_keys=True)
            seconds.append(time.perf_counter() - tick)
        print(f"local: best {min(seconds):.2f} s of {args.repeat}; driver peak {_peak_mb():.0f} MB")
    else:
        from distributed import Client, LocalCluster

        from analytics.pipeline.dask_engine import DaskEngine

        # The cluster starts first: Linux carries the high-water mark of the process a
        # worker was forked from into the worker.
        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            texts = _texts(args.corpus, args.planted)
            print(f"{len(texts)} texts; driver after reading: {_peak_mb():.0f} MB")
            engine = DaskEngine(client, args.partitions)
            seconds = []
            for _ in range(args.repeat):
                tick = time.perf_counter()
                found = engine.find_duplicates(texts, with_keys=True)
                seconds.append(time.perf_counter() - tick)
            peaks = client.run(_peak_mb)
        print(
            f"dask, {args.workers} workers, {args.partitions} partitions: best "
            f"{min(seconds):.2f} s of {args.repeat}; driver peak {_peak_mb():.0f} MB; workers "
            + ", ".join(f"{peak:.0f} MB" for _, peak in sorted(peaks.items()))
        )
        if args.check:
            pd.testing.assert_frame_equal(found, find_duplicates(texts, with_keys=True))
            print("identical to find_duplicates")
    counts = found[["exact_of", "near_of"]].notna().sum()
    print(f"exact duplicates {counts['exact_of']}, near-duplicates {counts['near_of']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
