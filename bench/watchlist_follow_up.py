"""Draw expected events marked ``reported`` on the development news corpus, for judging.

    python bench/watchlist_follow_up.py [--shared ../shared] [--n 50] [--out FILE]

Reads ``wce-dev.jsonl`` (Wikipedia current events) as a corpus, lists its expected events
and their follow-up, and draws ``n`` of those marked ``reported`` with a fixed seed (all
of them when fewer are). Each is
printed (or written as JSONL to ``--out``, kept outside the repository: the shared text is
never copied into the project) with its sentence, window and evidence, to be judged by
reading: was the expected event really reported by the evidence? The judgements and the
precision are in ``docs/eval-watchlist.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.countries import extract_mentions
from analytics.watchlist import expected_events, follow_up

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WCE = Path("corpora/wikipedia-current-events/wce-dev.jsonl")
# The draws of seeds 20261206, 20261207 and 20261208 were read to choose the evidence
# rules; precision is measured on this one, drawn after the current rules were fixed.
SEED = 20261209


def followed(shared: Path) -> pd.DataFrame:
    """Every expected event of ``wce-dev.jsonl`` with its follow-up."""
    wce = pd.read_json(shared / WCE, lines=True)
    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: wce["id"].astype(str),
            S.DATE: pd.to_datetime(wce["date"], utc=True),
            S.TITLE: "",
            S.TEXT: wce["text"].astype(str),
        }
    )
    mentions = extract_mentions(briefings)
    return follow_up(expected_events(briefings, mentions), briefings, mentions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not (args.shared / WCE).exists():
        print(f"skipped: {args.shared / WCE} is not present")
        return 0
    events = followed(args.shared)
    counts = events[S.FOLLOW_UP].value_counts().to_dict()
    print(f"{len(events):,} expected events: {counts}")
    reported = events[events[S.FOLLOW_UP] == S.REPORTED]
    rng = np.random.default_rng(SEED)
    # Fewer reported events than asked for: every one is judged.
    size = min(args.n, len(reported))
    drawn = reported.iloc[np.sort(rng.choice(len(reported), size, replace=False))]
    rows = [
        {
            "number": number,
            "briefing_id": row[S.BRIEFING_ID],
            "date": row[S.DATE].strftime("%Y-%m-%d"),
            "countries": row[S.COUNTRIES],
            "cues": row[S.CUES],
            "event_type": row[S.EVENT_TYPE],
            "window": f"{row[S.WINDOW_START]:%Y-%m-%d} to {row[S.WINDOW_END]:%Y-%m-%d}",
            "when": row[S.WHEN],
            "sentence": row[S.SENTENCE],
            "evidence_ids": row[S.EVIDENCE_IDS],
            "evidence": row[S.EVIDENCE].split(" || "),
        }
        for number, (_, row) in enumerate(drawn.iterrows(), start=1)
    ]
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    for row in rows:
        print(
            f"{row['number']}. {row['briefing_id']} ({row['date']}, {row['countries']}, "
            f"{row['event_type']}, {row['window']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
