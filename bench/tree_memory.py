"""Wall time and peak memory of a command's whole process tree (Linux ``/proc``).

``/usr/bin/time -v`` reports the largest single process; an ingest forks processes (the
text index built beside the stages, stages shared between the cores), so this samples
the memory of the command and every descendant together (every 0.2 s) and prints the
peak of the sum, the peak of the largest process and the wall time. Memory is the
proportional set size (PSS, ``/proc/PID/smaps_rollup``): a forked process shares its
parent's pages until either writes them, and summing resident sizes would count those
pages once per process. Run from the project root (not part
of the test run)::

    python bench/tree_memory.py -- env PYTHONPATH=src python -m analytics ingest \\
        /work/big/in1m --store /work/big/st1m --batch-mb 150
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, of every process readable in ``/proc``."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: the fields after it start past the last ')'.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _resident_bytes(pid: int) -> int:
    """The process' proportional set size (its shared pages divided among their sharers)."""
    try:
        for line in (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        return 0
    return 0


def tree_resident(root: int) -> tuple[int, int]:
    """(sum, largest) proportional set size in bytes of ``root`` and its descendants."""
    tree = _children()
    pending = [root]
    total = largest = 0
    while pending:
        pid = pending.pop()
        rss = _resident_bytes(pid)
        total += rss
        largest = max(largest, rss)
        pending += tree.get(pid, [])
    return total, largest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    parser.add_argument(
        "--kill-above",
        type=float,
        metavar="MB",
        help="end the command when its tree holds more than this (a shared machine's guard)",
    )
    parser.add_argument(
        "--log", type=Path, help="also write every sample (seconds, tree MB, largest MB) here"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    started = time.perf_counter()
    process = subprocess.Popen(command)
    peak_total = peak_largest = 0
    log = args.log.open("w", encoding="utf-8") if args.log else None
    while process.poll() is None:
        total, largest = tree_resident(process.pid)
        peak_total = max(peak_total, total)
        peak_largest = max(peak_largest, largest)
        if args.kill_above and total > args.kill_above * 2**20:
            process.kill()
            process.wait()
            print(
                f"tree-memory: killed after {time.perf_counter() - started:.1f} s holding "
                f"{total / 2**20:,.0f} MB (above --kill-above {args.kill_above:,.0f} MB)",
                file=sys.stderr,
            )
            break
        if log is not None:
            elapsed = time.perf_counter() - started
            log.write(f"{elapsed:.1f} {total / 2**20:.0f} {largest / 2**20:.0f}\n")
            log.flush()
        time.sleep(args.every)
    if log is not None:
        log.close()
    seconds = time.perf_counter() - started
    print(
        f"tree-memory: exit {process.returncode}, {seconds:.1f} s, peak of the tree "
        f"{peak_total / 2**20:,.0f} MB, largest process {peak_largest / 2**20:,.0f} MB",
        file=sys.stderr,
    )
    return int(process.returncode)


if __name__ == "__main__":
    raise SystemExit(main())
