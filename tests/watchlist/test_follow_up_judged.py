"""The judged follow-up sample: well-formed judgements, and a measurement that stays valid.

``bench/watchlist_dev/follow_up_reuters.csv`` holds the verdicts of reading 50 expected
events of Reuters-21578 marked ``reported`` (``docs/eval-watchlist.md``). The precision
written there holds only while the follow-up still marks those events ``reported`` on the
same evidence: the ``eval`` test re-runs it on the corpus and says which event changed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from bench_modules import load_bench

from analytics import schema as S

JUDGED = Path(__file__).resolve().parents[2] / "bench" / "watchlist_dev" / "follow_up_reuters.csv"
KEY = ("briefing_id", "section", "sentence_index")
MISSES = ("not an expectation", "still to come", "other act")


def _judged() -> list[dict[str, str]]:
    with open(JUDGED, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_judged_sample_is_fifty_distinct_events_with_a_verdict_and_a_reason():
    rows = _judged()
    assert [int(row["number"]) for row in rows] == list(range(1, 51))
    assert len({tuple(row[k] for k in KEY) for row in rows}) == 50
    for row in rows:
        number = row["number"]
        assert re.fullmatch(r"reuters-\d+", row["briefing_id"]), number
        assert re.fullmatch(r"reuters-\d+(\|reuters-\d+)*", row["evidence_ids"]), number
        assert row["when_kind"] in (S.EXPLICIT, S.RELATIVE, S.UNDATED), number
        assert row["reported"] in ("yes", "no"), number
        assert row["in_first_five"] in ("yes", "no"), number
        # Evidence shown first can only confirm an event the whole evidence confirms.
        assert not (row["in_first_five"] == "yes" and row["reported"] == "no"), number
        # A miss says what kind of miss it is; a confirmed event has none.
        assert (row["miss"] == "") == (row["reported"] == "yes"), number
        assert row["miss"] in ("", *MISSES), number
        assert row["reason"].strip(), number


def test_judged_sample_gives_the_documented_precision():
    # docs/eval-watchlist.md: 12/50 reported, dated 9/35, undated 3/15, 10 in the first five.
    rows = _judged()
    confirmed = [row for row in rows if row["reported"] == "yes"]
    dated = [row for row in rows if row["when_kind"] != S.UNDATED]
    assert len(confirmed) == 12
    assert (len(dated), sum(row["reported"] == "yes" for row in dated)) == (35, 9)
    assert sum(row["in_first_five"] == "yes" for row in rows) == 10


@pytest.mark.eval
def test_judged_events_are_still_reported_on_the_same_evidence(reuters_jsonl: Path):
    events = load_bench("watchlist_follow_up").followed(reuters_jsonl)
    found: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for briefing, section, index, status, evidence in zip(
        events[S.BRIEFING_ID],
        events[S.SECTION],
        events[S.SENTENCE_INDEX],
        events[S.FOLLOW_UP],
        events[S.EVIDENCE_IDS],
        strict=True,
    ):
        found.setdefault((briefing, section, str(index)), []).append((status, evidence))
    changed = [
        row["number"]
        for row in _judged()
        if found.get(tuple(row[k] for k in KEY)) != [(S.REPORTED, row["evidence_ids"])]
    ]
    assert changed == [], f"judged events no longer reported on the same evidence: {changed}"
