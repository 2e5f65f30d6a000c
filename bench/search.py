"""Search benchmark: the search box's scan against the store's text index, on a ready store.

    python bench/search.py --store DIR [--repeats 7]

Opens the store's current generation, then for each query times the briefing selection
the search box makes (``CorpusIndex.search_mask``) twice: scanning every text, as a
corpus without a store does, and through the text index. The scan's first query also
lower-cases every text once (kept for the next queries); that first time is printed
apart. Checks that both give the same briefings. Then rebuilds the index from the store
into a scratch folder to time a full build and report its size.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from analytics import schema as S
from analytics.pipeline import TEXT_INDEX, open_store, open_text_index, text_index
from analytics.views import index_corpus

QUERIES = (
    "sanction",  # a word in about a tenth of the briefings
    "beijing",
    "the",  # in every briefing
    "minist sanction",  # two words, both indexed
    "zzqx",  # in none
    "talks on",  # 'on' is short: scanned, 'talks' looked up
)


def _median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        tick = time.perf_counter()
        run()
        times.append(time.perf_counter() - tick)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    store = open_store(args.store)
    opened = open_text_index(store)
    if opened is None:
        print(f"{args.store} has no text index for its generation: ingest into it once")
        return 1
    corpus = store.artefacts()
    scan = index_corpus(corpus)
    indexed = index_corpus(dataclasses.replace(corpus, text_index=opened))
    print(
        f"{len(corpus.briefings):,} briefings; index {TEXT_INDEX}: "
        f"{(store.path / TEXT_INDEX).stat().st_size / 1e6:,.0f} MB"
    )
    tick = time.perf_counter()
    scan.search_mask(QUERIES[0])
    print(f"first scan (lower-cases every text once): {time.perf_counter() - tick:.2f} s")
    print(f"{'query':<18} {'hits':>8} {'scan s':>8} {'index s':>8}")
    for query in QUERIES:
        scanned, looked_up = scan.search_mask(query), indexed.search_mask(query)
        if not (scanned == looked_up).all():
            print(f"{query!r}: the index and the scan disagree")
            return 1
        scan_time = _median_seconds(lambda q=query: scan.search_mask(q), args.repeats)
        index_time = _median_seconds(lambda q=query: indexed.search_mask(q), args.repeats)
        print(f"{query!r:<18} {int(scanned.sum()):>8,} {scan_time:>8.3f} {index_time:>8.3f}")
    texts = corpus.briefings[[S.BRIEFING_ID, S.TITLE, S.TEXT]]
    with tempfile.TemporaryDirectory(dir=Path(args.store).parent) as folder:
        tick = time.perf_counter()
        text_index.write_text_index(Path(folder), texts, store.fingerprint)
        built = time.perf_counter() - tick
        size = (Path(folder) / TEXT_INDEX).stat().st_size
    print(f"full build from the loaded briefings: {built:.1f} s, {size / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
