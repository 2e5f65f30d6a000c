"""The watchlist stage's cost within the pipeline: CPU seconds of every stage of ``process``.

    python bench/watchlist_cost.py CORPUS [--runs 3] [--no-shared-roles]

CORPUS is any input ``ingest`` reads (e.g. ``python -m analytics.synth --n 20000
--format parquet --out DIR`` then ``DIR/briefings.parquet``). Each run loads the corpus
and runs ``analytics.pipeline.process`` with its stage clock set to CPU seconds of this
process and of its forked workers (``resource.getrusage``): on a shared machine other jobs
stretch wall time far more than CPU time. Prints, per run, one JSON line: each stage's CPU
seconds, the watchlist's and the relation stage's share of the stages' sum, the wall time,
the process' peak resident memory (``VmHWM``) and its workers', and the number of expected
events. ``--no-shared-roles`` runs the stages without ``shared_roles`` (each stage works
out the roles of the sentences it reads), to measure what sharing them saves and costs.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import resource
import time
import types


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children, user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(corpus: str, *, shared_roles: bool = True) -> dict[str, object]:
    """One run of ``process`` over ``corpus``: CPU seconds per stage and peak memory."""
    from analytics import relations
    from analytics.ingest import load_corpus_with_report

    process_module = importlib.import_module("analytics.pipeline.process")
    process_module.time = types.SimpleNamespace(perf_counter=cpu_seconds)  # type: ignore[attr-defined]
    if not shared_roles:
        relations.shared_roles = contextlib.nullcontext  # type: ignore[assignment]
    loaded = load_corpus_with_report([corpus])
    timings: dict[str, float] = {}
    tick = time.perf_counter()
    artefacts, _ = process_module.process(loaded.briefings, loaded.report, timings=timings)
    wall = time.perf_counter() - tick
    total = sum(timings.values())
    with open("/proc/self/status", encoding="utf-8") as status:
        peak_kb = int(status.read().split("VmHWM:")[1].split()[0])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "briefings": len(loaded.briefings),
        "cpu_s": {stage: round(seconds, 2) for stage, seconds in timings.items()},
        "watchlist_share": round(timings["watchlist"] / total, 3),
        "relations_share": round(timings["relations"] / total, 3),
        "wall_s": round(wall, 1),
        "peak_mb": peak_kb // 1024,
        "worker_peak_mb": children // 1024,
        "expected_events": len(artefacts.watchlist),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="a corpus file or folder ingest reads")
    parser.add_argument("--runs", type=int, default=1, help="runs, each in a fresh process")
    parser.add_argument(
        "--no-shared-roles", action="store_true", help="each stage works out its own roles"
    )
    arguments = parser.parse_args()
    if arguments.runs == 1:
        print(json.dumps(measure(arguments.corpus, shared_roles=not arguments.no_shared_roles)))
        return
    import subprocess
    import sys

    for _ in range(arguments.runs):
        command = [sys.executable, __file__, arguments.corpus]
        if arguments.no_shared_roles:
            command.append("--no-shared-roles")
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
