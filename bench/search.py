"""Search benchmark: the search box's scan against the store's text index, on a ready store.

    python bench/search.py --store DIR [--repeats 7]
    python bench/search.py --index FILE --ids PARQUET... [--repeats 7]

Opens the store's current generation, then for each query times the briefing selection
the search box makes (``CorpusIndex.search_mask``) twice: scanning every text, as a
corpus without a store does, and through the text index. The scan's first query also
lower-cases every text once (kept for the next queries); that first time is printed
apart. Each timing is of a search not made before: the masks the corpus keeps of its last
searches (a rerun with the search box unchanged) are not read. Checks that both give the
same briefings. Then rebuilds the index from the store into a scratch folder to time a full
build and report its size.

With ``--index`` (a text index file, e.g. one ``write_text_index`` built from a million
synthetic briefings without a store) and ``--ids`` (the Parquet files of the briefings it
indexed, read for their ``id`` column only), times the indexed search alone three ways: the
lookup by id of the first index format (every hit's id fetched and looked up), the trigrams
alone, and the index as it chooses (the terms for most words); checks that all agree. Words
too short for trigrams only have the last.
"""

from __future__ import annotations

import argparse
import dataclasses
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.pipeline import TEXT_INDEX, open_store, open_text_index, text_index
from analytics.search import indexable_word, search_words
from analytics.views import index_corpus
from analytics.views.filters import CorpusIndex

QUERIES = (
    "sanction",  # a word in about a tenth of the briefings
    "beijing",
    "the",  # in every briefing
    "minist sanction",  # two words, both indexed
    "zzqx",  # in none
    "talks on",  # 'on' is short: one posting list of the gram index, 'talks' looked up
    "eu",  # short, in many terms
    "un",  # short, in thousands of terms of real news (united, under, fund, ...)
    "on",  # short, in many terms that hold most briefings, alone
    "o",  # one letter: in nearly every briefing
)


def _new_search(corpus: CorpusIndex, query: str) -> np.ndarray:
    """``corpus.search_mask(query)`` as a search not made before costs: the masks the
    corpus keeps of its last searches are not read."""
    return corpus._search_mask(sorted(set(search_words(query))))


def _median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        tick = time.perf_counter()
        run()
        times.append(time.perf_counter() - tick)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store")
    parser.add_argument("--index", type=Path)
    parser.add_argument("--ids", nargs="+", type=Path)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    if args.index is not None:
        return _index_alone(args.index, args.ids or [], args.repeats)
    if args.store is None:
        parser.error("give --store DIR, or --index FILE with --ids PARQUET...")
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
    indexed.search_mask(QUERIES[0])
    print(f"first indexed search (places the index rows once): {time.perf_counter() - tick:.2f} s")
    tick = time.perf_counter()
    scan.search_mask(QUERIES[0])
    print(f"first scan (lower-cases every text once): {time.perf_counter() - tick:.2f} s")
    print(f"{'query':<18} {'hits':>8} {'scan s':>8} {'index s':>8}")
    for query in QUERIES:
        scanned, looked_up = scan.search_mask(query), indexed.search_mask(query)
        if not (scanned == looked_up).all():
            print(f"{query!r}: the index and the scan disagree")
            return 1
        scan_time = _median_seconds(lambda q=query: _new_search(scan, q), args.repeats)
        index_time = _median_seconds(lambda q=query: _new_search(indexed, q), args.repeats)
        print(f"{query!r:<18} {int(scanned.sum()):>8,} {scan_time:>8.3f} {index_time:>8.3f}")
    texts = corpus.briefings[[S.BRIEFING_ID, S.TITLE, S.TEXT]]
    with tempfile.TemporaryDirectory(dir=Path(args.store).parent) as folder:
        tick = time.perf_counter()
        text_index.write_text_index(Path(folder), texts, store.fingerprint)
        built = time.perf_counter() - tick
        size = (Path(folder) / TEXT_INDEX).stat().st_size
    print(f"full build from the loaded briefings: {built:.1f} s, {size / 1e6:,.0f} MB")
    return 0


# The lookup the row numbers replaced: every hit's id fetched, then looked up in the corpus.
_BY_ID = (
    "SELECT briefing.briefing_id FROM text_index JOIN briefing ON briefing.row = text_index.rowid "
    "WHERE text_index MATCH ? AND text_index.rowid <= ? ORDER BY text_index.rowid"
)


def _index_alone(path: Path, id_files: list[Path], repeats: int) -> int:
    ids = pd.Index(
        pd.concat([pd.read_parquet(file, columns=["id"]) for file in id_files])["id"].to_numpy()
    )
    connection = sqlite3.connect(path, check_same_thread=False)
    index = text_index.TextIndex(connection, len(ids), path)
    nothing = pd.Series([""] * len(ids))
    corpus = CorpusIndex(
        positions={},
        days=np.zeros(len(ids), dtype="datetime64[D]"),
        codes={},
        iso3s=pd.Index([]),
        titles=nothing,
        texts=nothing,
        ids=ids,
        text_index=index,
    )
    print(f"{len(ids):,} briefings; index {path}: {path.stat().st_size / 1e6:,.0f} MB")
    tick = time.perf_counter()
    corpus.search_mask(QUERIES[0])
    print(f"first search (places the index rows once): {time.perf_counter() - tick:.2f} s")

    def by_id(words: list[str]) -> np.ndarray:
        query = " AND ".join('"' + word + '"' for word in words)
        found = connection.execute(_BY_ID, (query, len(ids))).fetchall()
        positions = ids.get_indexer(np.array([row[0] for row in found], dtype=object))
        mask = np.zeros(len(ids), dtype=bool)
        mask[positions[positions >= 0]] = True
        return mask

    print(f"{'query':<18} {'hits':>9} {'by id s':>8} {'trigrams s':>10} {'index s':>8}")
    for query in QUERIES:
        words = search_words(query)
        if not all(index.answers(word) for word in words):
            continue  # a scanned word: this mode has no texts
        rows = corpus.search_mask(query)
        trigrams = _trigrams_only(corpus, query) if all(map(indexable_word, words)) else None
        if trigrams is not None and not ((rows == by_id(words)).all() and (rows == trigrams).all()):
            print(f"{query!r}: the lookups disagree")
            return 1
        before, alone = "—", "—"
        if trigrams is not None:
            before = f"{_median_seconds(lambda w=words: by_id(w), repeats):.3f}"
            alone = f"{_median_seconds(lambda q=query: _trigrams_only(corpus, q), repeats):.3f}"
        after = _median_seconds(lambda q=query: _new_search(corpus, q), repeats)
        print(f"{query!r:<18} {int(rows.sum()):>9,} {before:>8} {alone:>10} {after:>8.3f}")
    return 0


def _trigrams_only(corpus: CorpusIndex, query: str) -> np.ndarray:
    """The search with every word answered by the trigrams (as the first index format)."""
    limits = ("_MOST_TERMS", "_MOST_POSTINGS_PER_BRIEFING")
    kept = [getattr(text_index, name) for name in limits]
    everywhere = text_index.TextIndex._in_every_briefing
    try:
        text_index._MOST_TERMS, text_index._MOST_POSTINGS_PER_BRIEFING = -1, -1.0
        text_index.TextIndex._in_every_briefing = lambda self, word: False  # type: ignore[method-assign]
        return corpus.search_mask(query)
    finally:
        text_index._MOST_TERMS, text_index._MOST_POSTINGS_PER_BRIEFING = kept
        text_index.TextIndex._in_every_briefing = everywhere  # type: ignore[method-assign]


if __name__ == "__main__":
    raise SystemExit(main())
