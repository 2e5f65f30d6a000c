"""Dashboard rerun benchmark: server time of a filter change on every page.

    python bench/dashboard.py --store DIR [--reruns 15] [--duckdb-from N] [--lean-from N]
        [--pages overview,countries,...]

Opens the app headless with Streamlit's AppTest on a ready store, then on each page
changes a shared filter (a country, then back, then the period) and times each
script rerun: the server time of a filter change, from the script start to the
last element sent. Prints the median and p95 per page, the first render and each page's
first visit (the Watchlist's works out the follow-up unless the store keeps it), and
the median CPU time of the process per rerun: on a shared machine wall time
depends on the other jobs, CPU time much less. ``--duckdb-from`` sets the setting
``duckdb_from_briefings`` (0: rows selected by DuckDB over the store; a number above
the store's briefings: in memory); ``--lean-from`` sets ``lean_from_briefings`` (0: the store
read lean, texts and sentences read by row when shown; above its briefings: every table
read whole). Ends with the process' memory (resident now and
its peak): AppTest runs the app in this process, as the server would.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "countries", "topics", "relations", "watchlist", "briefings")


class _NavigationPagesManager(PagesManager):
    # AppTest would otherwise rerun a page script alone, without the entrypoint
    # (see tests/ui/test_pages.py).
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--duckdb-from", type=int, default=None)
    parser.add_argument("--lean-from", type=int, default=None)
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help="the pages to visit, comma-separated (default: all); the Watchlist's first "
        "visit works out the follow-up when the store keeps none",
    )
    args = parser.parse_args()
    os.environ["BRIEFING_ATLAS_STORE"] = args.store
    if args.duckdb_from is not None:
        os.environ["BRIEFING_ATLAS_DUCKDB_FROM_BRIEFINGS"] = str(args.duckdb_from)
    if args.lean_from is not None:
        os.environ["BRIEFING_ATLAS_LEAN_FROM_BRIEFINGS"] = str(args.lean_from)
    app_test.PagesManager = _NavigationPagesManager
    sys.path.insert(0, str(ROOT))

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    tick = time.perf_counter()
    app.run()
    cold = time.perf_counter() - tick
    if app.exception:
        print("first render failed:", [e.value for e in app.exception])
        return 1
    options = app.multiselect(key="country").options
    countries = [options[i] for i in (0, 1, 2)] if len(options) >= 3 else options
    tick = time.perf_counter()
    app.run()
    warm = time.perf_counter() - tick
    print(
        f"first render (cold: store read and indexes built): {cold:.2f} s; "
        f"same view again: {warm:.2f} s"
    )
    print("| page | first visit s | median s | p95 s | median CPU s | reruns |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for page in args.pages.split(","):
        tick = time.perf_counter()
        app.switch_page(f"pages/{page}.py").run()
        first = time.perf_counter() - tick
        timings: list[float] = []
        cpu: list[float] = []
        for step in range(args.reruns):
            widget = app.multiselect(key="country")
            choice = [] if step % 2 else [countries[step % len(countries)]]
            widget.set_value(choice)
            tick, cpu_tick = time.perf_counter(), time.process_time()
            app.run()
            timings.append(time.perf_counter() - tick)
            cpu.append(time.process_time() - cpu_tick)
            if app.exception:
                print(page, "failed:", [e.value for e in app.exception])
                return 1
        print(
            f"| {page} | {first:.2f} | {statistics.median(timings):.3f} "
            f"| {_percentile(timings, 0.95):.3f} "
            f"| {statistics.median(cpu):.3f} | {len(timings)} |"
        )
    selection = app.session_state["_atlas_view"].filtered.store_rows
    print(f"rows selected {'in memory' if selection is None else 'by DuckDB over the store'}")
    lean = app.session_state["_atlas_view"].corpus.reader is not None
    print(f"store read {'lean' if lean else 'whole'}")
    print(
        f"process memory: {_resident_mb():.0f} MB resident "
        f"({_resident_mb('RssFile'):.0f} MB of it mapped files: the kept lean tables), "
        f"{_peak_mb():.0f} MB peak"
    )
    return 0


def _resident_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
