"""Benchmarks: time and peak memory of each stage on real and generated corpora.

Run from the project root (not part of the test run):

    python bench/run.py                       # Reuters-21578 (../shared) and 100,000 synthetic
    python bench/run.py --corpora reuters     # one corpus
    python bench/run.py --synthetic-n 20000   # a smaller generated corpus
    python bench/run.py --stages pipeline,increment --synthetic-path PATH   # reuse a corpus

Each stage runs in a fresh process so its peak memory (max RSS) is its own. Results
are printed as a Markdown table and written to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tree_memory import tree_resident  # bench/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578" / "reuters.jsonl"
STAGES = ("ingest", "mentions", "topics", "relations", "pipeline", "increment")


_SPLIT_LAST_1000 = """
import sys
from pathlib import Path
from analytics.ingest import load_corpus_with_report
source = load_corpus_with_report([sys.argv[1]]).briefings
columns = ["briefing_id", "date", "title", "source", "text"]
table = source[columns].rename(columns={"briefing_id": "id"})
table.iloc[:-1000].to_parquet(sys.argv[2])
table.iloc[-1000:].to_parquet(Path(sys.argv[3]) / "last-1000.parquet")
"""
_MOVE_IN = """
import sys
from pathlib import Path
(Path(sys.argv[1]) / "last-1000.parquet").rename(sys.argv[2])
"""
# Peak memory from VmHWM: ru_maxrss would carry over the parent's peak at fork.
_TIMED_INGEST = """
import json, sys, time
tick = time.perf_counter()
from analytics.pipeline import ensure_store
_, summary = ensure_store([sys.argv[1]], sys.argv[2])
seconds = time.perf_counter() - tick
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({
    "seconds": seconds,
    "mode_incremental": float(summary.mode == "incremental"),
    "briefings": summary.n_briefings,
    "peak_mb": int(status) / 1024,
    **{f"{k}_s": v for k, v in summary.stage_seconds.items()},
}))
"""


def _stage(stage: str, corpus: str, work: str) -> dict[str, float]:
    """Run one stage in this process and return its figures."""
    from analytics.ingest import load_corpus_with_report
    from analytics.pipeline import (
        compute_interactions,
        compute_mentions,
        ensure_store,
        fit_topics,
    )

    figures: dict[str, float] = {}
    if stage == "pipeline":
        tick = time.perf_counter()
        store, summary = ensure_store([corpus], Path(work) / "store")
        figures["seconds"] = time.perf_counter() - tick
        figures.update({f"{k}_s": v for k, v in summary.stage_seconds.items()})
        figures["briefings"] = summary.n_briefings
    elif stage == "increment":
        # Every step runs in its own process: this one stays small, and the timed one
        # starts cold, as a command-line `ingest` adding files to an existing store does.
        base = Path(work) / "increment"
        base.mkdir(parents=True, exist_ok=True)
        store_dir = Path(work) / "inc-store"
        steps = [
            ["-c", _SPLIT_LAST_1000, corpus, str(base / "part1.parquet"), str(work)],
            ["-m", "analytics", "ingest", str(base), "--store", str(store_dir), "--quiet"],
            ["-c", _MOVE_IN, str(work), str(base / "part2.parquet")],
            ["-c", _TIMED_INGEST, str(base), str(store_dir)],
        ]
        for step in steps:
            result = subprocess.run(
                [sys.executable, *step], check=True, capture_output=True, text=True
            )
        return json.loads(result.stdout.strip().splitlines()[-1])
    elif stage == "ingest":
        tick = time.perf_counter()
        loaded = load_corpus_with_report([corpus])
        figures["seconds"] = time.perf_counter() - tick
        figures["briefings"] = len(loaded.briefings)
    else:
        briefings = load_corpus_with_report([corpus]).briefings
        tick = time.perf_counter()
        if stage == "mentions":
            compute_mentions(briefings)
            figures["seconds"] = time.perf_counter() - tick
            chars = (
                briefings["title"].fillna("").str.len().sum() + briefings["text"].str.len().sum()
            )
            figures["mb_per_s"] = chars / 1e6 / figures["seconds"]
        elif stage == "topics":
            _, _, summary = fit_topics(briefings)
            figures["seconds"] = time.perf_counter() - tick
            figures["topics"] = len(summary)
        elif stage == "relations":
            mentions, _ = compute_mentions(briefings)
            tick = time.perf_counter()
            interactions = compute_interactions(briefings, mentions)
            figures["seconds"] = time.perf_counter() - tick
            figures["interactions"] = len(interactions)
        figures["briefings"] = len(briefings)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if children:
        # Work split over both cores runs partly in a child process: its peak is its own.
        figures["child_peak_mb"] = children
    return figures


def _run_isolated(stage: str, corpus: str, work: str) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--one-stage",
        stage,
        "--corpus-path",
        corpus,
        "--work",
        work,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    sampling = Path("/proc/self/smaps_rollup").exists()
    while process.poll() is None:
        if sampling:
            peak = max(peak, tree_resident(process.pid)[0] / 2**20)
        time.sleep(0.2)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        return {"error": 1.0, "message": stderr[-500:]}  # type: ignore[dict-item]
    figures = json.loads(stdout.strip().splitlines()[-1])
    if sampling and stage != "increment":  # there, the timed process reports its own
        # Every process of the stage together (forked workers included), sampled 5x/s.
        figures["tree_peak_mb"] = peak
    return figures


def _synthetic(n: int, work: Path) -> str:
    out = work / f"synthetic-{n}"
    if not (out / "briefings.jsonl").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "analytics.synth",
                "--n",
                str(n),
                "--seed",
                "0",
                "--out",
                str(out),
            ],
            check=True,
        )
    return str(out / "briefings.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="reuters,synthetic")
    parser.add_argument("--synthetic-n", type=int, default=100_000)
    parser.add_argument(
        "--synthetic-path", help="an already generated synthetic briefings.jsonl to reuse"
    )
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--one-stage", help=argparse.SUPPRESS)
    parser.add_argument("--corpus-path", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_stage:
        print(json.dumps(_stage(args.one_stage, args.corpus_path, args.work)))
        return 0

    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        work = Path(tmp)
        corpora: dict[str, str] = {}
        for name in args.corpora.split(","):
            if name == "reuters":
                if not REUTERS.exists():
                    print("Reuters-21578 not found beside the project; skipped")
                    continue
                corpora["reuters (19,043)"] = str(REUTERS)
            elif name == "synthetic":
                generated = args.synthetic_path or _synthetic(args.synthetic_n, work)
                corpora[f"synthetic ({args.synthetic_n:,})"] = generated
        for label, path in corpora.items():
            results[label] = {}
            for stage in args.stages.split(","):
                stage_work = work / label.split()[0] / stage
                stage_work.mkdir(parents=True, exist_ok=True)
                figures = _run_isolated(stage, path, str(stage_work))
                results[label][stage] = figures
                print(f"{label:22s} {stage:10s} {json.dumps(figures)}", flush=True)
    machine = (
        f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    (ROOT / "bench" / "results.json").write_text(
        json.dumps({"machine": machine, "results": results}, indent=1), encoding="utf-8"
    )
    print()
    print("| corpus | stage | seconds | peak MB | notes |")
    print("| --- | --- | ---: | ---: | --- |")
    for label, stages in results.items():
        for stage, figures in stages.items():
            notes = ", ".join(
                f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                for k, v in figures.items()
                if k not in {"seconds", "peak_mb"}
            )
            print(
                f"| {label} | {stage} | {figures.get('seconds', float('nan')):.1f} | "
                f"{figures.get('peak_mb', float('nan')):.0f} | {notes} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
