"""Long-document benchmark: one long briefing against the same text as many ordinary ones.

Run from the project root (not part of the test run):

    python bench/long_documents.py                 # 10 MB and 50 MB
    python bench/long_documents.py --sizes 1,2,10  # other sizes (MB)
    python bench/long_documents.py --shape one-sentence   # no sentence ever ends

``--shape one-sentence`` turns every full stop followed by a space into a comma, so each
briefing (and the long one) is a single sentence of many clauses: the hardest case
for relation scoring. ``PYTHONPATH`` set by the caller chooses the code measured (for
instance an exported older version); by default it is this checkout's ``src``.

For each size the text of generated briefings (``analytics.synth``) is written twice:
as those briefings (one JSONL row each, "split") and joined into one briefing ("long").
Each shape is processed in a fresh process; every stage's seconds per MB are printed as a
Markdown table with the long/split ratio (the target is at most 2). The per-briefing
size cap is raised (``BRIEFING_ATLAS_MAX_BRIEFING_MB``) so the long briefing loads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("load", "dedup", "mentions", "topics", "relations", "write")
SIZE_CAP_ENV = "BRIEFING_ATLAS_MAX_BRIEFING_MB"

_CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from analytics.ingest import discover_files, load_files, mark_duplicates
from analytics.pipeline import ensure_store

path = sys.argv[1]
tick = time.perf_counter()
loaded = load_files(discover_files([path]))
load = time.perf_counter() - tick
tick = time.perf_counter()
deduplicated = mark_duplicates(loaded.briefings, loaded.report)
dedup = time.perf_counter() - tick
with tempfile.TemporaryDirectory() as work:
    _, summary = ensure_store([path], Path(work) / "store")
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({
    "briefings": len(deduplicated.briefings),
    "load": load,
    "dedup": dedup,
    **{k: summary.stage_seconds[k] for k in ("mentions", "topics", "relations", "write")},
    "peak_mb": int(status) / 1024,
}))
"""


SHAPES = {
    "prose": lambda text: text,
    "one-sentence": lambda text: text.replace(". ", ", ").replace("?\n", ":\n"),
}


def write_corpora(size_mb: float, work: Path, shape: str = "prose") -> tuple[Path, Path, float]:
    """Write ``split`` (many briefings) and ``long`` (one) JSONL files of ``size_mb`` text.

    Returns:
        ``(split_dir, long_dir, text_mb)``: the folders and the text's size in MB.
    """
    generated = work / f"synth-{size_mb:g}"
    n = int(size_mb * 1e6 / 1_200) + 100  # generated briefings hold about 1.3 kB of text
    if not (generated / "briefings.jsonl").exists():  # a corpus generated before is reused
        subprocess.run(
            [sys.executable, "-m", "analytics.synth", "--n", str(n), "--seed", "0"]
            + ["--out", str(generated)],
            check=True,
            capture_output=True,
        )
    rows, total = [], 0
    with open(generated / "briefings.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            row["text"] = SHAPES[shape](row["text"])
            rows.append(row)
            total += len(row["text"])
            if total >= size_mb * 1e6:
                break
    split_dir, long_dir = work / f"split-{shape}-{size_mb:g}", work / f"long-{shape}-{size_mb:g}"
    split_dir.mkdir(exist_ok=True)
    long_dir.mkdir(exist_ok=True)
    with open(split_dir / "briefings.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            keep = {k: row[k] for k in ("id", "date", "title", "source", "text")}
            out.write(json.dumps(keep) + "\n")
    text = "\n\n".join(row["text"] for row in rows)
    one = {"id": "long", "date": rows[0]["date"], "title": "One long briefing", "text": text}
    (long_dir / "briefing.jsonl").write_text(json.dumps(one) + "\n", encoding="utf-8")
    return split_dir, long_dir, len(text) / 1e6


def run_shape(path: Path) -> dict[str, float]:
    """Process one corpus in a fresh process and return its figures."""
    env = {
        **os.environ,
        SIZE_CAP_ENV: "100",
        "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT / "src"),
    }
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def table(results: list[dict[str, object]]) -> str:
    """The results as a Markdown table: seconds per MB per stage, long/split ratio."""
    head = "| size | shape | briefings | " + " | ".join(f"{s} s/MB" for s in STAGES)
    lines = [head + " | total s | peak MB |", "|" + "---|" * (len(STAGES) + 5)]
    by_key = {(r["size_mb"], r["shape"]): r for r in results}
    for result in results:
        mb = float(result["text_mb"])  # type: ignore[arg-type]
        cells = [f"{float(result[s]) / mb:.3f}" for s in STAGES]  # type: ignore[arg-type]
        total = sum(float(result[s]) for s in STAGES)  # type: ignore[arg-type]
        lines.append(
            f"| {mb:.1f} MB | {result['shape']} | {result['briefings']:,} | "
            + " | ".join(cells)
            + f" | {total:.1f} | {float(result['peak_mb']):,.0f} |"  # type: ignore[arg-type]
        )
        split = by_key.get((result["size_mb"], "split"))
        if result["shape"] == "long" and split is not None:
            ratios = [
                f"{float(result[s]) / max(float(split[s]), 1e-3):.2f}×"  # type: ignore[arg-type]
                for s in STAGES
            ]
            lines.append(f"| | long ÷ split | | {' | '.join(ratios)} | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50", help="sizes in MB, comma-separated")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="prose")
    parser.add_argument("--work", help="folder for the generated corpora (default: temporary)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "long_results.json"))
    args = parser.parse_args()
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(args.work or temporary)
        work.mkdir(parents=True, exist_ok=True)
        for size in [float(s) for s in args.sizes.split(",")]:
            split_dir, long_dir, text_mb = write_corpora(size, work, args.shape)
            for shape, path in (("split", split_dir), ("long", long_dir)):
                figures = run_shape(path)
                results.append({"size_mb": size, "shape": shape, "text_mb": text_mb, **figures})
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
