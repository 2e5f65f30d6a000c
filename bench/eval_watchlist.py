"""Score the watchlist's dates and countries on the labelled development set.

    python bench/eval_watchlist.py [--shared ../shared] [--errors] [--halves HALF ...]

The set (``bench/watchlist_dev/``: ``tune.jsonl``, ``test.jsonl``, the later
``tune-extra.jsonl`` and ``test-extra.jsonl``, the fifth draw's ``tune-extra2.jsonl`` and
``test-extra2.jsonl``, the sixth draw's ``tune-extra3.jsonl`` and ``test-extra3.jsonl``, and
the seventh draw's ``tune-extra4.jsonl`` and ``test-extra4.jsonl``)
names forward-looking sentences by corpus, id, section and sentence index; their text is
read from the shared corpora (Wikipedia current events, Reuters-21578) and the bundled
sample, and each is read as the product reads it: its expected window from
``analytics.watchlist.expected_window`` against the text's date, its acting countries from
the country mentions and the roles of ``analytics.relations``. Scores, for each half:

- explicit dates (a calendar day or days named): the window is exactly the labelled one;
- relative expressions ("next week", "in the coming months", "by 2013"): the window is
  exactly the labelled one (by the conventions of ``bench/watchlist_dev/README.md``);
- undated sentences: no window is found;
- countries: micro precision, recall and F1 of the acting countries over every sentence.

``--errors`` prints the wrong sentences of the tuning halves only: the held-out halves are
measured, never read. ``--halves`` scores only the halves named.

Skips cleanly (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.countries import extract_mentions
from analytics.ingest import load_corpus_with_report
from analytics.paths import sample_corpus_dir
from analytics.relations import ACTOR_KINDS, sentence_spans
from analytics.watchlist import acting_countries, expected_window

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEV_SET = PROJECT_ROOT / "bench" / "watchlist_dev"
SPLITS = (
    "tune",
    "test",
    "tune-extra",
    "test-extra",
    "tune-extra2",
    "test-extra2",
    "tune-extra3",
    "test-extra3",
    "tune-extra4",
    "test-extra4",
)
TUNING = ("tune", "tune-extra", "tune-extra2", "tune-extra3", "tune-extra4")
HELD_OUT = ("test", "test-extra", "test-extra2", "test-extra3", "test-extra4")
WCE = Path("corpora/wikipedia-current-events/wce-dev.jsonl")
REUTERS = Path("corpora/reuters21578/reuters.jsonl")


@dataclass(frozen=True)
class Scores:
    """The figures of one half of the set."""

    sentences: int
    explicit: int
    explicit_right: int
    relative: int
    relative_right: int
    undated: int
    undated_right: int
    country_precision: float
    country_recall: float
    country_f1: float

    @property
    def explicit_accuracy(self) -> float:
        return self.explicit_right / self.explicit if self.explicit else float("nan")

    @property
    def relative_accuracy(self) -> float:
        return self.relative_right / self.relative if self.relative else float("nan")


def labels(split: str) -> list[dict]:
    """The labelled forward-looking sentences of one half."""
    lines = (DEV_SET / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [row for row in map(json.loads, filter(None, lines)) if row["forward"]]


def _briefings(shared: Path, wanted: dict[str, set[str]]) -> pd.DataFrame:
    """The labelled texts as one briefing table, read as ``draw.py`` read them."""
    parts = []
    if wanted.get("wce"):
        wce = pd.read_json(shared / WCE, lines=True)
        wce = wce[wce["id"].astype(str).isin(wanted["wce"])]
        parts.append(
            pd.DataFrame(
                {
                    S.BRIEFING_ID: wce["id"].astype(str),
                    S.DATE: pd.to_datetime(wce["date"], utc=True),
                    S.TITLE: "",
                    S.TEXT: wce["text"].astype(str),
                }
            )
        )
    if wanted.get("reuters"):
        reuters = load_corpus_with_report([shared / REUTERS]).briefings
        parts.append(reuters[reuters[S.BRIEFING_ID].isin(wanted["reuters"])])
    if wanted.get("sample"):
        sample = load_corpus_with_report([sample_corpus_dir()]).briefings
        parts.append(sample[sample[S.BRIEFING_ID].isin(wanted["sample"])])
    return pd.concat(parts, ignore_index=True)


def predictions(shared: Path, rows: list[dict]) -> list[tuple[str, date | None, tuple, list[str]]]:
    """Per labelled sentence: its text, the window found and the acting countries."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row["corpus"], set()).add(row["id"])
    briefings = _briefings(shared, wanted)
    mentions = extract_mentions(briefings)
    mentions = mentions[mentions[S.KIND].isin(ACTOR_KINDS)]
    ids = np.array([row["id"] for row in rows], dtype=object)
    sections = np.array([row["section"] for row in rows], dtype=object)
    indexes = np.array([row["sentence_index"] for row in rows], dtype=np.int64)
    spans = sentence_spans(briefings, ids, sections, indexes)
    if spans is None:
        raise SystemExit("none of the labelled sentences was found in the corpora")
    joined, segment_start, sentence_start, sentence_end = spans
    found = []
    for i, row in enumerate(rows):
        text = joined[sentence_start[i] : sentence_end[i]]
        shift = int(segment_start[i] - sentence_start[i])
        here = mentions[
            (mentions[S.BRIEFING_ID] == row["id"])
            & (mentions[S.SECTION] == row["section"])
            & (mentions[S.SENTENCE_INDEX] == row["sentence_index"])
        ]
        tuples = [
            (start + shift, end + shift, iso3, kind)
            for start, end, iso3, kind in zip(
                here[S.START], here[S.END], here[S.ISO3], here[S.KIND], strict=True
            )
        ]
        acting = acting_countries(text, tuples)
        window = expected_window(text, date.fromisoformat(row["date"]))
        span = (window.start.isoformat(), window.end.isoformat()) if window else ()
        found.append((text, window.text if window else None, span, acting))
    return found


def score(rows: list[dict], found: list) -> Scores:
    counts = {"explicit": [0, 0], "relative": [0, 0], "undated": [0, 0]}
    true_positive = predicted = gold = 0
    for row, (_, _, span, acting) in zip(rows, found, strict=True):
        tally = counts[row["when"]]
        tally[0] += 1
        if row["when"] == "undated":
            tally[1] += span == ()
        else:
            tally[1] += span == (row["start"], row["end"])
        true_positive += len(set(acting) & set(row["countries"]))
        predicted += len(set(acting))
        gold += len(set(row["countries"]))
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        len(rows),
        *counts["explicit"],
        *counts["relative"],
        *counts["undated"],
        precision,
        recall,
        f1,
    )


def evaluate(
    shared: Path, halves: tuple[str, ...] = SPLITS
) -> dict[str, tuple[Scores, list[dict], list]]:
    """Scores, labels and predictions of each half named."""
    results = {}
    for split in halves:
        rows = labels(split)
        found = predictions(shared, rows)
        results[split] = (score(rows, found), rows, found)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument(
        "--errors", action="store_true", help="print the wrong sentences of the tuning halves"
    )
    parser.add_argument("--halves", nargs="+", choices=SPLITS, default=list(SPLITS))
    args = parser.parse_args()
    if not (args.shared / WCE).exists():
        print(f"skipped: {args.shared / WCE} is not present")
        return 0
    results = evaluate(args.shared, tuple(args.halves))
    print(
        "| half | sentences | explicit dates exact | relative windows exact | undated "
        "| countries P / R / F1 |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for split, (scores, rows, found) in results.items():
        print(_table_row(split, scores))
        if args.errors and split in TUNING:
            for row, (text, when, span, acting) in zip(rows, found, strict=True):
                want = () if row["when"] == "undated" else (row["start"], row["end"])
                if span != want or set(acting) != set(row["countries"]):
                    print(f"  [{split}] {row['id']} {row['date']}: {text}")
                    print(f"      window {span} ({when!r}), want {want} ({row['when']})")
                    print(f"      countries {acting}, want {row['countries']}")
    for name, halves in (
        ("pooled tuning", TUNING),
        ("pooled held-out", HELD_OUT),
        ("pooled held-out, the first four", HELD_OUT[:4]),
        ("pooled held-out, the first three", HELD_OUT[:3]),
    ):
        if all(split in results for split in halves):
            rows = [row for split in halves for row in results[split][1]]
            found = [one for split in halves for one in results[split][2]]
            print(_table_row(name, score(rows, found)))
    return 0


def _table_row(name: str, scores: Scores) -> str:
    return (
        f"| {name} | {scores.sentences} | {scores.explicit_right}/{scores.explicit} "
        f"({scores.explicit_accuracy:.3f}) | {scores.relative_right}/{scores.relative} "
        f"({scores.relative_accuracy:.3f}) | {scores.undated_right}/{scores.undated} | "
        f"{scores.country_precision:.3f} / {scores.country_recall:.3f} / "
        f"{scores.country_f1:.3f} |"
    )


if __name__ == "__main__":
    sys.exit(main())
