"""How far two readers of the relations development set agree, by the shared scorer.

    python bench/relations_agreement.py [--shared ../shared]

``bench/relations_dev/second/`` holds a second, independent labelling of some halves of the
development set, made by another reader from the texts, ``RELATIONS-ANNOTATION.md`` and
the set's written conventions, without seeing the first labels. Each half's second labels
are scored as if they were the product's output against the first (and the other way
round), so the figures read like the extractor's: how much of what one reader labels the
other finds, a ceiling the labels themselves allow. Skips cleanly (exit 0) when
``../shared`` (the scorer) is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEV_SET = PROJECT_ROOT / "bench" / "relations_dev"
SIGN = {"conflict": -1, "cooperation": 1}


def _labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _as_output(labels: list[dict], folder: Path) -> tuple[Path, Path]:
    """One reader's labels written as the product's mentions and interactions exports."""
    mentions, interactions = folder / "mentions.csv", folder / "interactions.csv"
    with mentions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["briefing_id", "iso3"])
        for label in labels:
            writer.writerows([label["id"], country["iso3"]] for country in label["countries"])
    with interactions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["briefing_id", "country_a", "country_b", "score"])
        for label in labels:
            writer.writerows(
                [label["id"], pair["a"], pair["b"], SIGN[pair["label"]]]
                for pair in label["pairs"]
                if pair["label"] in SIGN
            )
    return mentions, interactions


def agreement(shared: Path, reference: Path, other: Path) -> str:
    """The shared scorer's two lines for ``other``'s labels scored against ``reference``."""
    with tempfile.TemporaryDirectory(prefix="atlas-agreement-") as folder:
        mentions, interactions = _as_output(_labels(other), Path(folder))
        command = [
            sys.executable,
            str(shared / "eval" / "score_relations.py"),
            str(reference),
            str(mentions),
            str(interactions),
        ]
        printed = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return " | ".join(printed.strip().splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    args = parser.parse_args()
    if not (args.shared / "eval" / "score_relations.py").is_file():
        print(f"{args.shared} is absent: nothing to score")
        return 0
    for second in sorted((DEV_SET / "second").glob("*.jsonl")):
        first = DEV_SET / second.name
        for name, reference, other in (("second", first, second), ("first", second, first)):
            print(f"{second.stem}, the {name} reader: {agreement(args.shared, reference, other)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
