"""Snapshot every export of a corpus, and compare two snapshots byte for byte.

Used to prove that a change which should not alter results does not (a refactor, a
faster implementation) and to show exactly what one that should alter them changed.
Run from the project root with the code to test on ``PYTHONPATH`` (not part of the
test run)::

    python bench/compare_exports.py snapshot data/sample --out /tmp/before/sample
    python bench/compare_exports.py snapshot ../shared/corpora/reuters21578/reuters.jsonl \
        --out /tmp/before/reuters
    python bench/compare_exports.py diff /tmp/before/sample /tmp/after/sample
    python bench/compare_exports.py snapshot data/sample --out /tmp/dask2/sample \
        --engine dask --workers 2 --partitions 2

``snapshot`` ingests the corpus into a fresh store with ``python -m analytics`` and
writes each export (every table, relations per week, month and quarter) as CSV; ``--engine``,
``--workers`` and ``--partitions`` are handed to the ingest (the local and Dask engines must
give identical snapshots) and its summary and stage times are printed.
``diff`` says, per export, whether the bytes are identical; when they are not, whether
they are identical after a stable sort of the rows, and how many rows differ.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

# (file name, export arguments): every export the command line offers.
EXPORTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("briefings.csv", ("briefings",)),
    ("report.csv", ("report",)),
    ("mentions.csv", ("mentions",)),
    ("mentions-names.csv", ("mentions", "--kinds", "name,alias")),
    ("topics.csv", ("topics",)),
    ("topic-summary.csv", ("topic-summary",)),
    ("interactions.csv", ("interactions",)),
    ("relations-week.csv", ("relations", "--freq", "week")),
    ("relations-month.csv", ("relations", "--freq", "month")),
    ("relations-quarter.csv", ("relations", "--freq", "quarter")),
    ("relations-month-forward.csv", ("relations", "--freq", "month", "--include-forward")),
    ("watchlist.csv", ("watchlist",)),
)


def _analytics(*arguments: str) -> str:
    command = [sys.executable, "-m", "analytics", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr.strip()}")
    return result.stdout


def snapshot(corpus: list[Path], out: Path, ingest_options: tuple[str, ...] = ()) -> None:
    """Ingest ``corpus`` into a fresh store and write every export into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="atlas-compare-") as folder:
        store = Path(folder) / "store"
        summary = _analytics(
            "ingest", *map(str, corpus), "--store", str(store), "--quiet", *ingest_options
        )
        print(summary.strip())
        for name, arguments in EXPORTS:
            _analytics("export", *arguments, "--store", str(store), "--out", str(out / name))
            print(f"wrote {out / name}")


def _sorted_rows(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [lines[0], *sorted(lines[1:])] if lines else []


def diff(before: Path, after: Path) -> int:
    """Compare two snapshots; returns the number of exports that differ in bytes."""
    differing = 0
    for name, _ in EXPORTS:
        old, new = before / name, after / name
        if not old.exists() or not new.exists():
            print(f"{name}: missing in {'before' if not old.exists() else 'after'}")
            differing += 1
            continue
        if old.read_bytes() == new.read_bytes():
            print(f"{name}: identical")
            continue
        differing += 1
        if _sorted_rows(old) == _sorted_rows(new):
            print(f"{name}: same rows in another order")
            continue
        old_table = pd.read_csv(old, dtype=str, keep_default_na=False)
        new_table = pd.read_csv(new, dtype=str, keep_default_na=False)
        if list(old_table.columns) != list(new_table.columns):
            print(f"{name}: columns differ: {list(old_table.columns)} -> {list(new_table.columns)}")
            continue
        merged = old_table.merge(new_table, how="outer", indicator=True)
        only_old = int((merged["_merge"] == "left_only").sum())
        only_new = int((merged["_merge"] == "right_only").sum())
        print(
            f"{name}: {len(old_table)} -> {len(new_table)} rows; "
            f"{only_old} only before, {only_new} only after"
        )
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot", help="write every export of a corpus")
    take.add_argument("corpus", nargs="+", type=Path)
    take.add_argument("--out", required=True, type=Path)
    take.add_argument("--engine", choices=("local", "dask"), default="local")
    take.add_argument("--workers", help="dask: worker processes of a local cluster")
    take.add_argument("--partitions", help="dask: partitions of the briefings")
    compare = commands.add_parser("diff", help="compare two snapshots")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        options = ["--engine", args.engine]
        for name in ("workers", "partitions"):
            if getattr(args, name) is not None:
                options += [f"--{name}", getattr(args, name)]
        snapshot(args.corpus, args.out, tuple(options))
        return 0
    return 1 if diff(args.before, args.after) else 0


if __name__ == "__main__":
    raise SystemExit(main())
