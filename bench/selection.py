"""Row-selection benchmark: the filtered rows picked in memory vs by DuckDB over the store.

    python bench/selection.py --store DIR [--repeats 7] [--sizes 1000,10000,100000]

For each filter below, times what a filter change costs a page that reads every table:
the selected briefings and the rows of mentions, countries, topics and interactions,
once in memory (numpy over the loaded corpus) and once with ``StoreRows`` (SQL over
the generation's Parquet files). Prints the median seconds of each; the store must be
of format 3. ``--sizes`` also times the first N briefings' share of each filter by
restricting the dates, to see where SQL starts to pay.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

import pandas as pd

from analytics import schema as S
from analytics.pipeline import open_store
from analytics.views import FilteredCorpus, Filters, StoreRows, index_corpus

TABLES = ("briefings", "mentions", "countries", "topics", "interactions")


def _select(corpus, filters, index, store_rows) -> int:
    view = FilteredCorpus(corpus, filters, index, store_rows)
    return sum(int(view.rows(name).sum()) for name in TABLES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    store = open_store(args.store)
    corpus = store.artefacts()
    index = index_corpus(corpus)
    store_rows = StoreRows(store)
    days = pd.to_datetime(corpus.briefings[S.DATE], utc=True).dt.date
    first, last = days.min(), days.max()
    middle = first + (last - first) / 2
    countries = list(corpus.countries[S.ISO3].value_counts().index[:3])
    cases = {
        "one month": Filters(start=middle, end=middle + timedelta(days=30)),
        "one year": Filters(start=middle, end=middle + timedelta(days=365)),
        "a country": Filters(countries=countries[:1]),
        "two countries, all": Filters(countries=tuple(countries[:2]), country_match="all"),
        "a topic": Filters(topics=(0,)),
        "a country, one month": Filters(
            countries=countries[:1], start=middle, end=middle + timedelta(days=30)
        ),
        "a section": Filters(section="title"),
        "a country, a section": Filters(countries=countries[1:2], section="happening"),
    }
    print(f"{len(corpus.briefings):,} briefings; median of {args.repeats} runs")
    print("| filter | selected rows | in memory s | DuckDB s |")
    print("| --- | ---: | ---: | ---: |")
    for name, filters in cases.items():
        timings: dict[str, list[float]] = {"memory": [], "duckdb": []}
        counts = set()
        for _ in range(args.repeats):
            for kind, rows in (("memory", None), ("duckdb", store_rows)):
                tick = time.perf_counter()
                counts.add(_select(corpus, filters, index, rows))
                timings[kind].append(time.perf_counter() - tick)
        if len(counts) != 1:
            print(f"{name}: the two selections differ ({sorted(counts)})")
            return 1
        print(
            f"| {name} | {counts.pop():,} | {statistics.median(timings['memory']):.3f} "
            f"| {statistics.median(timings['duckdb']):.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
