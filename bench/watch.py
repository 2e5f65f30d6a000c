"""Benchmark: one watch poll that brings 1,000 new feed items into a 100,000-briefing store.

Run from the project root (not part of the test run):

    python bench/watch.py                      # builds the 100k store once under /tmp
    python bench/watch.py --store DIR          # reuse a store built by an earlier run

The 100,000 briefings come from ``python -m analytics.synth --n 100000 --seed 0``; the
1,000 feed items are other synthetic briefings (seed 1, dated after the store's last
day) served as one RSS document by a local HTTP server. Each poll runs in a fresh
process, as cron's ``watch --once`` does: the time includes start-up, fetching and
parsing the feed, reading the stored ids, and the incremental ingest. Then the same
feed polled again (nothing new) and with its ETag (304 Not Modified).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
_TIMED_POLL = """
import json, sys, time
tick = time.perf_counter()
from analytics.pipeline import poll_feeds
result = poll_feeds([sys.argv[1]], sys.argv[2])
seconds = time.perf_counter() - tick
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
summary = result.summary
print(json.dumps({
    "seconds": seconds,
    "line": result.feeds[0].describe(),
    "peak_mb": int(status) / 1024,
    "stages": summary.stage_seconds if summary is not None else {},
    "ingest_s": summary.seconds if summary is not None else 0.0,
}))
"""


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )


def _build_store(work: Path) -> Path:
    corpus, store = work / "synthetic-100000", work / "store-100000"
    if not (store / "CURRENT").exists():
        if not corpus.exists():
            print("generating 100,000 synthetic briefings …", flush=True)
            _python("-m", "analytics.synth", "--n", "100000", "--seed", "0", "--out", str(corpus))
        print("building the 100,000-briefing store (once) …", flush=True)
        tick = time.perf_counter()
        _python("-m", "analytics", "ingest", str(corpus), "--store", str(store), "--quiet")
        print(f"store built in {time.perf_counter() - tick:.0f} s", flush=True)
    return store


def _feed(folder: Path, n: int) -> Path:
    """An RSS document of ``n`` synthetic briefings (seed 1) dated after every stored one."""
    sys.path.insert(0, str(ROOT / "src"))
    from analytics.synth import generate_corpus

    frame = generate_corpus(n, seed=1, start="2026-01-01", end="2026-03-31")
    items = []
    for number, row in enumerate(frame.itertuples(index=False), start=1):
        stamp = format_datetime(pd.Timestamp(row.date, tz="UTC").to_pydatetime(), usegmt=True)
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in str(row.text).split("\n"))
        items.append(
            f"<item><title>{escape(str(row.title))}</title>"
            f'<guid isPermaLink="false">bench-feed-{number:05d}</guid>'
            f"<link>https://feeds.example.org/bench/{number}</link>"
            f"<pubDate>{stamp}</pubDate>"
            f"<description>{escape(paragraphs)}</description></item>"
        )
    path = folder / "bench.rss"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Bench Desk</title><link>https://feeds.example.org/</link>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a 100k store to copy instead of building")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "atlas-bench-watch"
    )
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    source = args.store or _build_store(args.work)
    store = args.work / "store-watch"
    subprocess.run(["rm", "-rf", str(store)], check=True)
    subprocess.run(["cp", "-a", str(source), str(store)], check=True)

    served = args.work / "served"
    served.mkdir(exist_ok=True)
    _feed(served, args.items)
    handler = partial(SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/bench.rss"
    results = {}
    try:
        for name in ("new items", "nothing new", "not modified"):
            if name == "nothing new":
                # Forget the validators and seen ids: the stored ids alone must hold them back.
                (store / "feeds" / "state.json").unlink()
            run = _python("-c", _TIMED_POLL, url, str(store))
            results[name] = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{name}: {json.dumps(results[name])}", flush=True)
    finally:
        server.shutdown()
    print()
    print("| poll | seconds | peak MB | log line |")
    print("| --- | ---: | ---: | --- |")
    for name, figures in results.items():
        line = figures["line"].split(": ", 1)[1]
        print(f"| {name} | {figures['seconds']:.1f} | {figures['peak_mb']:.0f} | {line} |")
    stages = results["new items"]["stages"]
    print(
        "\ningest stages of the first poll: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
