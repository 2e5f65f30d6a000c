"""Score relations on the labelled development set, and check known events on real news.

    python bench/eval_relations_dev.py [--shared ../shared] [--errors DIR] [--no-events]
                                       [--method rules|NAME]

The development set (``bench/relations_dev/``: the ``tune*`` and ``test*`` halves, labelled
by ``../shared/eval/RELATIONS-ANNOTATION.md``) names texts by id; their text is read from
the shared corpora (Wikipedia current events, Reuters-21578) and the bundled sample. The
country mentions and interactions of exactly those texts are scored with the shared
scorer, for each half. The events check computes monthly relations over the whole
``wce-dev.jsonl`` and runs the shared ``check_events.py`` on them. ``--method`` names a
pair model of ``bench/train_pair_model.py`` (its ``FINAL`` candidates, fitted on the tuning
texts) applied to the rules' interactions instead of the rules alone. ``--errors`` writes
the errors of the tuning halves only: the held-out (``test*``) halves are measured, never read.

Skips cleanly (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics import schema as S
from analytics.ingest import load_corpus_with_report, load_files
from analytics.paths import sample_corpus_dir
from analytics.pipeline import compute_interactions, compute_mentions
from analytics.relations import relations_over_time

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEV_SET = PROJECT_ROOT / "bench" / "relations_dev"
SPLITS = (
    "tune",
    "tune-extra",
    "tune-extra2",
    "tune-extra3",
    "tune-briefings",
    "test",
    "test-briefings",
    "test-extra",
    "test-extra3",
)
HELD_OUT = tuple(split for split in SPLITS if split.startswith("test"))
WCE = Path("corpora/wikipedia-current-events/wce-dev.jsonl")
REUTERS = Path("corpora/reuters21578/reuters.jsonl")


@dataclass(frozen=True)
class Scores:
    """What the shared scorer printed for one labelled set."""

    texts: int
    country_precision: float
    country_recall: float
    country_f1: float
    claims: int
    relations: int
    pair_precision: float
    pair_recall: float
    sign_accuracy: float


_SCORE_PATTERN = re.compile(
    r"texts (\d+): countries P ([\d.]+) R ([\d.]+) F1 ([\d.]+)\s+"
    r"pairs: claims (\d+), labelled relations (\d+); precision ([\d.]+), "
    r"recall ([\d.]+), sign accuracy ([\d.]+)"
)


def read_labels(split: str) -> list[dict]:
    """The labelled texts of one half of the development set."""
    path = DEV_SET / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@functools.cache
def _briefings_of(path: Path) -> pd.DataFrame:
    """A shared corpus as a briefing table, read once per run (the tables are not changed)."""
    return load_files([path]).briefings


def labelled_briefings(shared: Path, ids: set[str]) -> pd.DataFrame:
    """The briefing table of the labelled texts, read from where each text lives."""
    sources = [
        _briefings_of(shared / WCE),
        _briefings_of(shared / REUTERS),
        load_corpus_with_report([sample_corpus_dir()]).briefings,
    ]
    found = pd.concat(
        [table[table[S.BRIEFING_ID].isin(ids)] for table in sources], ignore_index=True
    )
    missing = ids - set(found[S.BRIEFING_ID])
    if missing:
        raise SystemExit(f"{len(missing)} labelled ids not found, e.g. {sorted(missing)[:3]}")
    return found.drop_duplicates(S.BRIEFING_ID).reset_index(drop=True)


def relation_rows(
    briefings: pd.DataFrame, mentions: pd.DataFrame, shared: Path, method: str = "rules"
) -> pd.DataFrame:
    """The interactions of ``briefings`` by the rules, or after a pair model (``--method``)."""
    interactions = compute_interactions(briefings, mentions)
    if method == "rules":
        return interactions
    from train_pair_model import interactions_by

    return interactions_by(method, briefings, mentions, interactions, shared)


def score(
    shared: Path,
    labels: list[dict],
    briefings: pd.DataFrame,
    errors: Path | None = None,
    method: str = "rules",
) -> Scores:
    """Mentions and interactions of ``briefings`` scored against ``labels``."""
    ids = {label["id"] for label in labels}
    chosen = briefings[briefings[S.BRIEFING_ID].isin(ids)].reset_index(drop=True)
    mentions, countries = compute_mentions(chosen)
    interactions = relation_rows(chosen, mentions, shared, method)
    with tempfile.TemporaryDirectory(prefix="atlas-dev-") as folder:
        work = Path(folder)
        (work / "labels.jsonl").write_text(
            "".join(json.dumps(label) + "\n" for label in labels), encoding="utf-8"
        )
        countries.to_csv(work / "mentions.csv", index=False)
        interactions.to_csv(work / "interactions.csv", index=False)
        command = [
            sys.executable,
            str(shared / "eval" / "score_relations.py"),
            str(work / "labels.jsonl"),
            str(work / "mentions.csv"),
            str(work / "interactions.csv"),
        ]
        if errors is not None:
            command += ["--errors", str(errors)]
        printed = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = _SCORE_PATTERN.search(printed)
    if match is None:
        raise SystemExit(f"unexpected scorer output:\n{printed}")
    (texts, c_precision, c_recall, c_f1, claims, relations, precision, recall, sign) = (
        match.groups()
    )
    return Scores(
        int(texts),
        float(c_precision),
        float(c_recall),
        float(c_f1),
        int(claims),
        int(relations),
        float(precision),
        float(recall),
        float(sign),
    )


def check_events(shared: Path, method: str = "rules") -> tuple[int, int, str]:
    """Monthly relations of the whole development corpus checked against its known events.

    The printed result ends with the relation stage's speed on that corpus.
    """
    briefings = _briefings_of(shared / WCE)
    mentions, _ = compute_mentions(briefings)
    tick = time.perf_counter()
    interactions = relation_rows(briefings, mentions, shared, method)
    seconds = time.perf_counter() - tick
    keys = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]
    per_sentence = mentions.groupby(keys)[S.ISO3].nunique()
    n_pairs_possible = int((per_sentence >= 2).sum())
    relations = relations_over_time(interactions, briefings, "month")
    with tempfile.TemporaryDirectory(prefix="atlas-events-") as folder:
        path = Path(folder) / "relations.csv"
        relations.to_csv(path, index=False)
        printed = subprocess.run(
            [
                sys.executable,
                str(shared / "eval" / "check_events.py"),
                str(path),
                str(shared / WCE.parent / "dev_events.csv"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    shown, total = re.search(r"events shown: (\d+)/(\d+)", printed).groups()  # type: ignore[union-attr]
    speed = (
        f"relation stage: {n_pairs_possible:,} sentences naming two countries or more, "
        f"{len(per_sentence):,} naming one or more, scored in {seconds:.1f} s: "
        f"{n_pairs_possible / seconds:,.0f} such sentences a second\n"
    )
    return int(shown), int(total), printed + speed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument(
        "--errors", type=Path, help="write each tuning half's errors here (never a test half's)"
    )
    parser.add_argument("--no-events", action="store_true", help="skip the events check")
    parser.add_argument(
        "--method",
        default="rules",
        help="rules (the product) or a FINAL pair model of bench/train_pair_model.py",
    )
    parser.add_argument("--splits", default=",".join(SPLITS), help="halves to score")
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        print(f"no shared corpora at {args.shared}; skipped")
        return 0
    if args.method != "rules":
        from train_pair_model import FINAL

        if args.method not in FINAL:
            parser.error(f"--method must be rules or one of {sorted(FINAL)}; got {args.method!r}")
    labels = {split: read_labels(split) for split in SPLITS}
    ids = {label["id"] for rows in labels.values() for label in rows}
    briefings = labelled_briefings(args.shared, ids)
    print("| half | texts | country F1 | pair precision | pair recall | sign accuracy |")
    print("| --- | --- | --- | --- | --- | --- |")
    for split in args.splits.split(","):
        errors = None
        if args.errors and split not in HELD_OUT:
            args.errors.mkdir(parents=True, exist_ok=True)
            errors = args.errors / f"errors-{split}.csv"
        result = score(args.shared, labels[split], briefings, errors, args.method)
        print(
            f"| {split} | {result.texts} | {result.country_f1:.3f} | {result.pair_precision:.3f} "
            f"| {result.pair_recall:.3f} | {result.sign_accuracy:.3f} |"
        )
    if not args.no_events:
        shown, total, printed = check_events(args.shared, args.method)
        print(printed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
