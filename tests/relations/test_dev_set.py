"""The relations development set: well-formed labels, and scores that may not fall.

The floors are today's measured scores (``docs/eval-relations.md``) less a small margin,
so a change that makes relations worse on real news cannot land unnoticed.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from bench_modules import load_bench

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "bench" / "relations_dev"
LABELS = ("conflict", "cooperation", "neutral")
KINDS = ("name", "demonym", "capital", "leader", "place")


def _labels(split: str) -> list[dict]:
    lines = (DEV_SET / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _selection(name: str = "selection.csv") -> dict[str, dict[str, str]]:
    with open(DEV_SET / name, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_dev_set_has_the_drawn_texts_in_their_halves():
    selection = _selection()
    tune, test = _labels("tune"), _labels("test")
    assert len(tune) + len(test) == len(selection) >= 500
    assert sum(row["corpus"] == "wce" for row in selection.values()) >= 350
    for split, rows in (("tune", tune), ("test", test)):
        assert {row["id"] for row in rows} == {
            key for key, row in selection.items() if row["split"] == split
        }


def test_extra_tune_texts_are_new_current_events_texts_labelled_in_draw_order():
    extra = _selection("selection-extra.csv")
    labels = _labels("tune-extra")
    assert [row["id"] for row in labels] == list(extra) and len(extra) >= 300
    assert all(row["corpus"] == "wce" and row["split"] == "tune" for row in extra.values())
    assert not set(extra) & set(_selection())


def test_briefing_halves_are_new_sample_briefings_split_as_drawn():
    drawn = _selection("selection-briefings.csv")
    for split in ("tune-briefings", "test-briefings"):
        ids = [row["id"] for row in _labels(split)]
        assert ids == [key for key, row in drawn.items() if row["split"] == split]
        assert len(ids) == 30
    assert all(row["corpus"] == "sample" for row in drawn.values())
    assert not set(drawn) & set(_selection())


def test_second_extra_draw_is_new_current_events_texts_split_in_halves_as_drawn():
    drawn = _selection("selection-extra2.csv")
    for split in ("tune-extra2", "test-extra"):
        ids = [row["id"] for row in _labels(split)]
        assert ids == [key for key, row in drawn.items() if row["split"] == split]
        assert len(ids) == 75
    assert all(row["corpus"] == "wce" for row in drawn.values())
    earlier = _selection() | _selection("selection-extra.csv")
    assert not set(drawn) & set(earlier | _selection("selection-briefings.csv"))


def test_third_extra_draw_is_new_current_events_texts_split_in_halves_as_drawn():
    drawn = _selection("selection-extra3.csv")
    for split in ("tune-extra3", "test-extra3"):
        ids = [row["id"] for row in _labels(split)]
        assert ids == [key for key, row in drawn.items() if row["split"] == split]
        assert len(ids) == 60
    assert all(row["corpus"] == "wce" and int(row["n_countries"]) >= 2 for row in drawn.values())
    earlier = _selection() | _selection("selection-extra.csv") | _selection("selection-extra2.csv")
    assert not set(drawn) & set(earlier | _selection("selection-briefings.csv"))


def test_every_held_out_half_is_scored():
    evaluation = load_bench("eval_relations_dev")
    assert evaluation.HELD_OUT == ("test", "test-briefings", "test-extra", "test-extra3")
    assert set(evaluation.HELD_OUT) < set(evaluation.SPLITS)


@pytest.mark.parametrize("split", load_bench("eval_relations_dev").SPLITS)
def test_dev_set_labels_follow_the_annotation_format(split: str):
    for row in _labels(split):
        assert set(row) == {"id", "date", "countries", "pairs"}, row["id"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]), row["id"]
        codes = [country["iso3"] for country in row["countries"]]
        assert len(codes) == len(set(codes)), row["id"]
        assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes), row["id"]
        assert all(country["kind"] in KINDS for country in row["countries"]), row["id"]
        seen = set()
        for pair in row["pairs"]:
            assert pair["a"] < pair["b"], row["id"]
            assert {pair["a"], pair["b"]} <= set(codes), row["id"]
            assert pair["label"] in LABELS, row["id"]
            assert isinstance(pair["forward_looking"], bool), row["id"]
            assert (pair["a"], pair["b"]) not in seen, row["id"]
            seen.add((pair["a"], pair["b"]))


def _evaluation():
    return load_bench("eval_relations_dev")


@pytest.fixture(scope="module")
def dev_scores(shared_dir: Path) -> dict:
    evaluation = _evaluation()
    labels = {split: evaluation.read_labels(split) for split in evaluation.SPLITS}
    ids = {row["id"] for rows in labels.values() for row in rows}
    briefings = evaluation.labelled_briefings(shared_dir, ids)
    return {split: evaluation.score(shared_dir, labels[split], briefings) for split in labels}


# (half, measure, floor): measured 2026-12-06 after the seventh round (sports bodies and
# events, borders, named events, topics of talks, three cue families), chosen on the tune
# halves: tune P 0.812 R 0.646 sign 0.929; tune-extra 0.853 / 0.683 / 0.955; tune-extra2
# 0.750 / 0.638 / 1.000; tune-extra3 0.714 / 0.526 / 0.909 (0.533 / 0.421 / 0.800 when
# drawn); tune-briefings 0.838 / 0.615 / 0.967; test 0.640 / 0.485 / 0.889; test-briefings
# 0.679 / 0.408 / 0.883; test-extra 0.727 / 0.593 / 1.000 (0.667 / 0.593 / 1.000 when
# drawn); test-extra3 0.500 / 0.448 / 0.867 (the same when drawn), less about 0.02; country
# F1 as measured (0.984, 0.976, 0.976, 0.911, 0.997, 0.960, 0.979, 0.953, 0.958) less about
# 0.02. The eighth round (2026-12-07, rules from the judged audit) moved tune-extra P to
# 0.862, test to 0.637 / 0.479 / 0.888, test-briefings sign to 0.869 and test-extra3 P to
# 0.520; the floors below hold for both. The eleventh round (2026-12-07, grammar of lists,
# relative clauses, openings and agents) moved tune to 0.808 / 0.652 / 0.929, tune-extra2 to
# 0.767 / 0.702, test to 0.642 / 0.479 / 0.888, test-briefings to 0.705 / 0.477 / 0.886 and
# test-extra3 to 0.538 / 0.483 / 0.875 (then test-briefings to 0.724 / 0.485 / 0.900); the
# floors it raised are these less about 0.02. The twelfth round (2026-12-07, briefings'
# discourse: the lead's act as a subject, the opening meeting's holders, condemned acts)
# moved tune to 0.824 / 0.674 / 0.946, tune-briefings to 0.838 / 0.650 / 0.969,
# test-briefings to 0.733 / 0.508 / 0.904 and test to 0.637 / 0.479 / 0.878 (the test floors
# hold it). The thirteenth round (2026-12-08, rules from the fifth audit's tuning half and a
# reading of fresh claims: venues, unnamed means of harm, former leaders, long topic labels,
# names of events) moved tune P to 0.830, tune-extra2 P to 0.892, tune-extra3 P to 0.769 and
# test-briefings to 0.742 / 0.508 / 0.917; the floors it raised are these less about 0.02.
FLOORS = [
    ("tune", "country_f1", 0.96),
    ("tune", "pair_precision", 0.81),
    ("tune", "pair_recall", 0.65),
    ("tune", "sign_accuracy", 0.92),
    ("tune-extra", "country_f1", 0.95),
    ("tune-extra", "pair_precision", 0.83),
    ("tune-extra", "pair_recall", 0.66),
    ("tune-extra", "sign_accuracy", 0.93),
    ("tune-briefings", "country_f1", 0.97),
    ("tune-briefings", "pair_precision", 0.83),
    ("tune-briefings", "pair_recall", 0.59),
    ("tune-briefings", "sign_accuracy", 0.94),
    ("test", "country_f1", 0.94),
    ("test", "pair_precision", 0.62),
    ("test", "pair_recall", 0.46),
    ("test", "sign_accuracy", 0.87),
    ("test-briefings", "country_f1", 0.95),
    ("test-briefings", "pair_precision", 0.72),
    ("test-briefings", "pair_recall", 0.48),
    ("test-briefings", "sign_accuracy", 0.89),
    # The second extra draw (2026-12-06).
    ("tune-extra2", "country_f1", 0.95),
    ("tune-extra2", "pair_precision", 0.87),
    ("tune-extra2", "pair_recall", 0.68),
    ("tune-extra2", "sign_accuracy", 0.98),
    ("test-extra", "country_f1", 0.93),
    ("test-extra", "pair_precision", 0.70),
    ("test-extra", "pair_recall", 0.57),
    ("test-extra", "sign_accuracy", 0.98),
    # The third extra draw (2026-12-06, seventh round).
    ("tune-extra3", "country_f1", 0.89),
    ("tune-extra3", "pair_precision", 0.74),
    ("tune-extra3", "pair_recall", 0.50),
    ("tune-extra3", "sign_accuracy", 0.89),
    ("test-extra3", "country_f1", 0.94),
    ("test-extra3", "pair_precision", 0.51),
    ("test-extra3", "pair_recall", 0.46),
    ("test-extra3", "sign_accuracy", 0.84),
]


@pytest.mark.eval
@pytest.mark.parametrize(("split", "measure", "floor"), FLOORS, ids=lambda v: str(v))
def test_dev_set_scores_do_not_fall(dev_scores: dict, split: str, measure: str, floor: float):
    assert getattr(dev_scores[split], measure) >= floor


@pytest.mark.eval
def test_dev_corpus_shows_the_known_events(shared_dir: Path):
    shown, total, printed = _evaluation().check_events(shared_dir)
    assert total == 10
    assert shown >= 9, printed


# -- the judged audit of claims on fresh news (bench/relations_audit.py) -------------

AUDIT_VERDICTS = ("right", "sign", "none")


def _audit_rows(name: str) -> list[dict[str, str]]:
    with open(DEV_SET / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", ["audit", "audit2"])
def test_audit_draw_is_judged_in_two_halves_of_fresh_texts(name: str):
    rows = _audit_rows(name)
    assert len(rows) == 100 and len({row["id"] for row in rows}) == 100
    assert sorted({row["half"] for row in rows}) == [f"{name}-test", f"{name}-tune"]
    # One held-out row of each draw was moved to its tuning half (relations_dev/README.md).
    assert sum(row["half"] == f"{name}-test" for row in rows) == 49
    assert all(row["verdict"] in AUDIT_VERDICTS for row in rows)
    assert all((row["kind"] == "") == (row["verdict"] == "right") for row in rows)
    assert all(row["a"] < row["b"] and int(row["text_claims"]) >= 1 for row in rows)
    labelled = {label["id"] for split in _evaluation().SPLITS for label in _labels(split)}
    assert not labelled & {row["id"] for row in rows}


def test_the_second_audit_draw_holds_none_of_the_firsts_texts():
    first = {row["id"] for row in _audit_rows("audit")}
    assert not first & {row["id"] for row in _audit_rows("audit2")}


# (draw, judged held-out rows): the third and fourth draws moved one held-out row each to
# the tuning half (relations_dev/README.md); the fifth kept its halves as drawn.
LATER_DRAWS = [("audit3", 49), ("audit4", 49), ("audit5", 50)]


@pytest.mark.parametrize(("name", "held_out"), LATER_DRAWS)
def test_a_later_audit_draw_is_judged_and_holds_no_text_read_before(name: str, held_out: int):
    rows = _audit_rows(name)
    assert len(rows) == 100 and len({row["id"] for row in rows}) == 100
    assert sum(row["half"] == f"{name}-test" for row in rows) == held_out
    assert sorted({row["half"] for row in rows}) == [f"{name}-test", f"{name}-tune"]
    assert all(row["verdict"] in AUDIT_VERDICTS for row in rows)
    assert all((row["kind"] == "") == (row["verdict"] == "right") for row in rows)
    names = ["audit", "audit2", *(draw for draw, _ in LATER_DRAWS)]
    earlier = {row["id"] for draw in names[: names.index(name)] for row in _audit_rows(draw)}
    with open(DEV_SET / "selection-readings.csv", encoding="utf-8", newline="") as handle:
        read = {row["id"] for row in csv.DictReader(handle)}
    labelled = {label["id"] for split in _evaluation().SPLITS for label in _labels(split)}
    assert not (earlier | read | labelled) & {row["id"] for row in rows}


# (half, floor): measured 2026-12-07 after the eighth round, chosen on audit-tune only:
# audit-tune 34 of 44 claims kept right (0.77; 34 of 50 at the draw), audit-test 22 of 49
# (0.45; 22 of 50 at the draw), less about 0.02.
AUDIT_FLOORS = [
    ("audit-tune", 0.75),
    ("audit-test", 0.43),
    # The second draw (2026-12-07, ninth round): audit2-tune 34 of 44 (0.77; 34 of 50 at the
    # draw), audit2-test 30 of 50 (0.60, as drawn), less about 0.02.
    ("audit2-tune", 0.75),
    ("audit2-test", 0.58),
    # The third draw (2026-12-07, evening, after the tenth round; texts read for that round
    # left out): audit3-test 34 of 50 (0.68, as drawn, judged first; 34 of 49 after one row
    # moved to the tuning half), audit3-tune 39 of 50 (0.78), less about 0.02.
    ("audit3-tune", 0.76),
    ("audit3-test", 0.66),
    # The fourth draw (2026-12-07, night, after the eleventh round; texts read for it left
    # out): audit4-test 30 of 50 (0.60, judged first; 29 of 49 after one row read before the
    # draw moved to the tuning half), audit4-tune 28 of 50 (0.56; 29 of 51 with the row, 0.60
    # of the claims still made), less about 0.02.
    ("audit4-tune", 0.55),
    ("audit4-test", 0.57),
    # The fifth draw (2026-12-08, before the thirteenth round; its held-out half judged by a
    # second reader before any rule was chosen): audit5-test 33 of 50 at the draw (0.66), 33
    # of 45 still made after the round (0.73); audit5-tune 34 of 50 (0.68), 34 of 46 (0.74);
    # less about 0.02.
    ("audit5-tune", 0.72),
    ("audit5-test", 0.71),
]


@pytest.mark.eval
@pytest.mark.parametrize(("half", "floor"), AUDIT_FLOORS)
def test_audit_precision_does_not_fall(shared_dir: Path, half: str, floor: float):
    found = load_bench("relations_audit").audit_scores(shared_dir)[half]
    assert found.judged in (49, 50, 51)
    assert found.precision >= floor, found
