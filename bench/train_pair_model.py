"""The learned pair model, measured again on ``tune`` + ``tune-extra`` (issue #14, item 3).

    python bench/train_pair_model.py [--shared ../shared] [--folds 5]

Candidates: every pair of acting countries (role ``actor``) in a sentence with at least
one cue, which includes every pair the rules score. Each candidate gets a row of features
(the rules' verdict and score, cue classes and weights before / between / after the pair,
word distances, joining words, clauses, roles and mention kinds, lists, negation /
reversal / hedge, section) and the label the labellers gave the pair in that text
(conflict, cooperation, or none: not related, or neutral).

Two ways of using a model are measured, each with logistic regression, gradient boosting
and a random forest (scikit-learn):

- **filter**: only removes rules claims; a binary model says whether the rules' sign for
  the pair is right, and rows below a threshold are dropped (the kept rows are the rules');
- **rescore**: a three-class model (none / conflict / cooperation) over every candidate; a
  candidate is claimed when ``1 - P(none)`` reaches a threshold, with the likelier sign
  (the rules' row when they agree, else the mean weight of the cues of that sign).

Sentence rows are summed per text and pair as the shared scorer sums them. Model,
regularisation and threshold are chosen by grouped cross-validation (groups = text id)
on the 555 tuning texts only, by F1 of the pooled held-out verdicts. The ``test`` half is
never read here: ``bench/eval_relations_dev.py --method NAME`` measures a final candidate
there with the shared scorer (``FINAL`` names them).

Skips cleanly (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics import schema as S
from analytics.pipeline.process import compute_mentions
from analytics.relations.corpus import sentence_spans
from analytics.relations.cue_tables import NEUTRAL_CLASS
from analytics.relations.grammar import (
    ACTOR_KINDS,
    _clause_ids,
    _clause_of,
    _cues_between,
    _group_mentions,
    is_object_group,
    topic_label_end,
)
from analytics.relations.lexicon import CueMatch, Lexicon, word_positions
from analytics.relations.roles import ACTOR, Role, describe_roles, sentence_roles
from analytics.relations.scoring import MEDIATE_CAMEO, PairScore, _score_found, default_lexicon

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_relations_dev import PROJECT_ROOT, labelled_briefings, read_labels  # noqa: E402

SIGN = {"conflict": -1, "cooperation": 1}
CLASSES = ("none", "conflict", "cooperation")
TRAIN_SPLITS = ("tune", "tune-extra")
CUE_CLASSES = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
    "joint",
)
PLACES = ("before", "between", "after")
JOINING = ("and", "with", "against", "to", "between", "on", "by", "of", "in", "at", "from")
KINDS = ("name", "alias", "demonym", "capital", "leader")
SECTIONS = (S.SECTION_TITLE, S.HAPPENING, S.IMPORTANCE, S.NEXT, S.SECTION_BODY)
_WORDS = re.compile(r"[\w'\u2019-]+")
_LAST_WORD = re.compile(r"([A-Za-z]+)\W*$")
_FIRST_WORD = re.compile(r"\W*([A-Za-z]+)")


def _feature_names() -> tuple[str, ...]:
    names = ["rule_conflict", "rule_cooperation", "rule_neutral", "rule_score", "rule_forward"]
    names += ["rule_n_cues", "rule_claims_in_sentence"]
    names += ["same_group", "same_clause", "clauses_between", "log_words_between"]
    names += ["log_group_a", "log_group_b", "object_group", "in_list_of_3", "adjacent_groups"]
    names += ["groups_between", "first_actor", "pair_first_position", "commas_between"]
    names += [f"{c}_{p}" for c in CUE_CLASSES for p in PLACES]
    names += [f"n_cues_{p}" for p in PLACES]
    names += ["mutual_between", "mutual_before", "mutual_after", "verb_between"]
    names += ["log_nearest_cue_words", "mediation", "directed_between"]
    names += [f"joined_by_{w}" for w in JOINING]
    names += [f"before_first_{w}" for w in ("between", "and", "with", "of")]
    names += ["negation", "negation_between", "reversal", "reversal_between"]
    names += ["hedge", "hedge_between"]
    names += [f"kind_{k}" for k in KINDS]
    names += ["log_locations", "log_nationalities", "log_countries", "log_sentence_words"]
    names += ["log_cues_in_sentence", "topic_label"]
    names += [f"section_{s}" for s in SECTIONS]
    return tuple(names)


FEATURES: tuple[str, ...] = _feature_names()
_INDEX = {name: position for position, name in enumerate(FEATURES)}


@dataclass
class Sentence:
    """One cued sentence with two acting countries or more, as the corpus scorer sees it."""

    briefing_id: str
    section: str
    sentence_index: int
    text: str
    roles: list[Role]
    kinds: dict[tuple[int, int], str]
    kept: list[tuple[int, int, str]]
    matches: list[CueMatch]
    modifiers: dict[str, list[tuple[int, int]]]
    hedges: list[tuple[int, int]]
    label_end: int
    rules: list[PairScore] = field(default_factory=list)


def cued_sentences(
    briefings: pd.DataFrame, mentions: pd.DataFrame, lexicon: Lexicon | None = None
) -> list[Sentence]:
    """Every sentence the corpus scorer would score, one ``Sentence`` each.

    Mirrors ``analytics.relations.corpus`` sentence by sentence (actor kinds, topic
    labels, roles, cues not inside a mention), so ``Sentence.rules`` are the product's rows.
    """
    lexicon = lexicon or default_lexicon()
    actor_rows = mentions[mentions[S.KIND].isin(ACTOR_KINDS)]
    keys = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]
    counts = actor_rows.groupby(keys)[S.ISO3].nunique()
    wanted = counts[counts >= 2].index
    if len(wanted) == 0:
        return []
    ids = np.array([k[0] for k in wanted], dtype=object)
    sections = np.array([k[1] for k in wanted], dtype=object)
    indexes = np.array([k[2] for k in wanted], dtype=np.int64)
    spans = sentence_spans(briefings, ids, sections, indexes)
    if spans is None:
        return []
    joined, segment_start, sent_start, sent_end = spans
    grouped = dict(list(actor_rows.groupby(keys)))
    found: list[Sentence] = []
    for n, key in enumerate(wanted):
        lo, hi = int(sent_start[n]), int(sent_end[n])
        if hi <= lo:
            continue
        text = joined[lo:hi]
        shift = int(segment_start[n]) - lo
        frame = grouped[key].sort_values(S.START, kind="stable")
        sentence_mentions = [
            (int(s) + shift, int(e) + shift, iso3, kind)
            for s, e, iso3, kind in zip(
                frame[S.START], frame[S.END], frame[S.ISO3], frame[S.KIND], strict=True
            )
            if int(s) + shift >= 0 and int(e) + shift <= len(text)
        ]
        if len(sentence_mentions) < 2:
            continue
        words = word_positions(text)
        cues = lexicon.find_cues(text, words)
        if not cues or all(match.cue.is_stop for match in cues):
            continue
        label_end = topic_label_end(text)
        if label_end:
            sentence_mentions = [m for m in sentence_mentions if m[0] >= label_end]
            cues = [m for m in cues if m.start >= label_end]
        roles = sentence_roles(text, sentence_mentions)
        kept = [(role.start, role.end, role.iso3) for role in roles if role.role == ACTOR]
        if len({iso3 for _, _, iso3 in kept}) < 2:
            continue
        matches = _cues_between(cues, kept)
        if not matches:
            continue
        modifiers = {
            kind: lexicon.find_modifiers(text, kind, words) for kind in ("negation", "reversal")
        }
        hedges = lexicon.find_modifiers(text, "hedge", words)
        sentence = Sentence(
            str(key[0]),
            str(key[1]),
            int(key[2]),
            text,
            roles,
            {(m[0], m[1]): m[3] for m in sentence_mentions},
            kept,
            matches,
            modifiers,
            hedges,
            label_end,
        )
        sentence.rules = _score_found(
            text, kept, matches, modifiers, hedges, lexicon.window, key[1] == S.NEXT, 1.0
        )
        found.append(sentence)
    return found


def _closest(
    kept: Sequence[tuple[int, int, str]], a: str, b: str
) -> tuple[tuple[int, int, str], tuple[int, int, str]]:
    """The nearest mention of ``a`` and of ``b``, in text order."""
    best: tuple[int, tuple[int, int, str], tuple[int, int, str]] | None = None
    for x in kept:
        if x[2] != a:
            continue
        for y in kept:
            if y[2] != b:
                continue
            first, second = (x, y) if x[0] < y[0] else (y, x)
            gap = max(0, second[0] - first[1])
            if best is None or gap < best[0]:
                best = (gap, first, second)
    assert best is not None
    return best[1], best[2]


def _words(text: str, lo: int, hi: int) -> int:
    return len(_WORDS.findall(text, lo, hi)) if hi > lo else 0


def _in_spans(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> bool:
    return any(lo <= start < hi for start, _ in spans)


def pair_features(sentence: Sentence) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Every pair of acting countries of one cued sentence, with its feature row.

    Returns:
        The pairs (``a < b``, sorted) and one row per pair, columns ``FEATURES``.
    """
    text, kept = sentence.text, sentence.kept
    countries = sorted({iso3 for _, _, iso3 in kept})
    pairs = [(a, b) for i, a in enumerate(countries) for b in countries[i + 1 :]]
    rows = np.zeros((len(pairs), len(FEATURES)), dtype=float)
    by_pair = {(row.country_a, row.country_b): row for row in sentence.rules}
    groups = _group_mentions(text, list(kept))
    group_starts = [group.start for group in groups]
    clause_starts, clause_ids = _clause_ids(text)
    n_words = len(_WORDS.findall(text))
    roles = sentence.roles
    shared = {
        "log_locations": math.log1p(sum(r.role == "location" for r in roles)),
        "log_nationalities": math.log1p(sum(r.role == "nationality" for r in roles)),
        "log_countries": math.log(len(countries)),
        "log_sentence_words": math.log1p(n_words),
        "log_cues_in_sentence": math.log1p(len(sentence.matches)),
        "topic_label": float(sentence.label_end > 0),
        "negation": float(bool(sentence.modifiers["negation"])),
        "reversal": float(bool(sentence.modifiers["reversal"])),
        "hedge": float(bool(sentence.hedges)),
        "rule_claims_in_sentence": math.log1p(len(sentence.rules)),
    }
    section = f"section_{sentence.section}"
    for row_index, (a, b) in enumerate(pairs):
        row = rows[row_index]
        for name, value in shared.items():
            row[_INDEX[name]] = value
        if section in _INDEX:
            row[_INDEX[section]] = 1.0
        rule = by_pair.get((a, b))
        if rule is not None:
            if rule.cue_class == NEUTRAL_CLASS:
                row[_INDEX["rule_neutral"]] = 1.0
            elif rule.score < 0:
                row[_INDEX["rule_conflict"]] = 1.0
            elif rule.score > 0:
                row[_INDEX["rule_cooperation"]] = 1.0
            row[_INDEX["rule_score"]] = rule.score / 10
            row[_INDEX["rule_forward"]] = float(rule.forward_looking)
            row[_INDEX["rule_n_cues"]] = math.log1p(rule.cues.count("|") + 1)
        first, second = _closest(kept, a, b)
        lo, hi = first[1], second[0]
        group_a = bisect.bisect_right(group_starts, first[0]) - 1
        group_b = bisect.bisect_right(group_starts, second[0]) - 1
        row[_INDEX["same_group"]] = float(group_a == group_b)
        row[_INDEX["adjacent_groups"]] = float(group_b - group_a == 1)
        row[_INDEX["groups_between"]] = math.log1p(max(0, group_b - group_a - 1))
        row[_INDEX["log_group_a"]] = math.log(len(groups[group_a].countries))
        row[_INDEX["log_group_b"]] = math.log(len(groups[group_b].countries))
        row[_INDEX["object_group"]] = float(
            is_object_group(text, groups[group_a]) or is_object_group(text, groups[group_b])
        )
        row[_INDEX["in_list_of_3"]] = float(
            group_a == group_b and len(groups[group_a].countries) >= 3
        )
        clause_a = _clause_of(clause_starts, clause_ids, first[0])
        clause_b = _clause_of(clause_starts, clause_ids, second[0])
        row[_INDEX["same_clause"]] = float(clause_a == clause_b)
        row[_INDEX["clauses_between"]] = math.log1p(
            len({_clause_of(clause_starts, clause_ids, s) for s in clause_starts if lo <= s < hi})
        )
        row[_INDEX["log_words_between"]] = math.log1p(_words(text, lo, hi))
        row[_INDEX["commas_between"]] = math.log1p(text.count(",", lo, hi))
        row[_INDEX["first_actor"]] = float(kept[0][2] in (a, b))
        row[_INDEX["pair_first_position"]] = _words(text, 0, first[0]) / max(n_words, 1)
        last = _LAST_WORD.search(text, lo, hi) if hi > lo else None
        if last is not None and last.group(1).lower() in JOINING:
            row[_INDEX[f"joined_by_{last.group(1).lower()}"]] = 1.0
        before = _LAST_WORD.search(text, max(0, first[0] - 20), first[0])
        if before is not None and f"before_first_{before.group(1).lower()}" in _INDEX:
            row[_INDEX[f"before_first_{before.group(1).lower()}"]] = 1.0
        nearest = n_words
        for match in sentence.matches:
            place = (
                "between" if lo <= match.start < hi else "before" if match.start < lo else "after"
            )
            key = f"{match.cue.cue_class}_{place}"
            if key in _INDEX:
                row[_INDEX[key]] += abs(match.cue.weight) / 10 if match.cue.weight else 1.0
            row[_INDEX[f"n_cues_{place}"]] += 1.0
            mutual = match.cue.direction == "mutual"
            if mutual:
                row[_INDEX[f"mutual_{place}"]] = 1.0
            if place == "between":
                if match.cue.pos == "verb":
                    row[_INDEX["verb_between"]] = 1.0
                if not mutual:
                    row[_INDEX["directed_between"]] = 1.0
                distance = 0
            elif place == "before":
                distance = _words(text, match.end, first[0])
            else:
                distance = _words(text, second[1], match.start)
            nearest = min(nearest, distance)
            if match.cue.cameo == MEDIATE_CAMEO:
                row[_INDEX["mediation"]] = 1.0
        for name in ("n_cues_before", "n_cues_between", "n_cues_after"):
            row[_INDEX[name]] = math.log1p(row[_INDEX[name]])
        row[_INDEX["log_nearest_cue_words"]] = math.log1p(nearest)
        row[_INDEX["negation_between"]] = float(_in_spans(sentence.modifiers["negation"], lo, hi))
        row[_INDEX["reversal_between"]] = float(_in_spans(sentence.modifiers["reversal"], lo, hi))
        row[_INDEX["hedge_between"]] = float(_in_spans(sentence.hedges, lo, hi))
        for mention in (first, second):
            kind = sentence.kinds.get((mention[0], mention[1]), "name")
            if f"kind_{kind}" in _INDEX:
                row[_INDEX[f"kind_{kind}"]] += 0.5
    return pairs, rows


def candidate_table(sentences: list[Sentence]) -> pd.DataFrame:
    """One row per candidate pair per sentence: keys, the rules' score and the features."""
    keys: list[tuple[Any, ...]] = []
    blocks: list[np.ndarray] = []
    for number, sentence in enumerate(sentences):
        pairs, rows = pair_features(sentence)
        by_pair = {(row.country_a, row.country_b): row.score for row in sentence.rules}
        for pair in pairs:
            keys.append((sentence.briefing_id, number, *pair, by_pair.get(pair, 0.0)))
        blocks.append(rows)
    frame = pd.DataFrame(
        keys, columns=[S.BRIEFING_ID, "sentence_number", S.COUNTRY_A, S.COUNTRY_B, "rule_value"]
    )
    matrix = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURES)))
    return pd.concat([frame, pd.DataFrame(matrix, columns=list(FEATURES))], axis=1)


def gold_pairs(labels: list[dict]) -> dict[tuple[str, str, str], str]:
    """(text id, a, b) -> label, ``a < b``."""
    return {
        (label["id"], *sorted((pair["a"], pair["b"]))): pair["label"]
        for label in labels
        for pair in label["pairs"]
    }


def label_candidates(table: pd.DataFrame, gold: dict) -> pd.DataFrame:
    """The table with each candidate's text-level label (neutral and unlabelled: none)."""
    keys = zip(table[S.BRIEFING_ID], table[S.COUNTRY_A], table[S.COUNTRY_B], strict=True)
    labels = [gold.get(key, "none") for key in keys]
    return table.assign(label=[label if label in SIGN else "none" for label in labels])


def text_scores(
    table: pd.DataFrame, values: np.ndarray, gold: dict, ids: set[str]
) -> tuple[float, float, float]:
    """Pair precision, recall and sign accuracy as the shared scorer counts them.

    ``values`` is each candidate row's signed score (0: no row); the labelled relations
    of every text in ``ids`` count, whether or not a candidate of it exists.
    """
    keyed = pd.DataFrame(
        {
            S.BRIEFING_ID: table[S.BRIEFING_ID].to_numpy(),
            S.COUNTRY_A: table[S.COUNTRY_A].to_numpy(),
            S.COUNTRY_B: table[S.COUNTRY_B].to_numpy(),
            "value": values,
        }
    )
    summed = keyed.groupby([S.BRIEFING_ID, S.COUNTRY_A, S.COUNTRY_B])["value"].sum()
    claims = {key: value for key, value in summed.items() if value != 0}
    relations = {k: SIGN[v] for k, v in gold.items() if v in SIGN and k[0] in ids}
    right = sum(1 for k, v in claims.items() if relations.get(k, 0) * v > 0)
    judged = [k for k in relations if k in claims]
    precision = right / max(len(claims), 1)
    recall = right / max(len(relations), 1)
    sign = sum(1 for k in judged if relations[k] * claims[k] > 0) / max(len(judged), 1)
    return precision, recall, sign


# -- models ---------------------------------------------------------------------------


def _logistic(c: float) -> Callable[[], Any]:
    return lambda: make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))


def _boosting(depth: int, rate: float) -> Callable[[], Any]:
    return lambda: HistGradientBoostingClassifier(
        max_depth=depth, learning_rate=rate, max_iter=200, l2_regularization=1.0, random_state=0
    )


def _forest(leaf: int) -> Callable[[], Any]:
    return lambda: RandomForestClassifier(
        n_estimators=300, min_samples_leaf=leaf, random_state=0, n_jobs=1
    )


MODELS: dict[str, Callable[[], Any]] = {
    **{f"logistic C={c}": _logistic(c) for c in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)},
    **{f"boosting depth={d} rate={r}": _boosting(d, r) for d in (2, 3, 5) for r in (0.03, 0.1)},
    **{f"forest leaf={leaf}": _forest(leaf) for leaf in (1, 3, 10)},
}
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))
VARIANTS = ("filter", "rescore")


def _targets(table: pd.DataFrame, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """Training rows and targets: the filter learns whether a rules claim has the right sign."""
    if variant == "filter":
        claimed = table["rule_value"].to_numpy() != 0
        rule_sign = np.sign(table["rule_value"].to_numpy())
        gold_sign = table["label"].map({"none": 0, **SIGN}).to_numpy()
        return claimed, (rule_sign == gold_sign).astype(int)
    return np.ones(len(table), dtype=bool), table["label"].to_numpy()


def _scores(model: Any, x: np.ndarray, variant: str) -> np.ndarray:
    """Filter: P(the rules' sign is right); rescore: P(none), P(conflict), P(cooperation)."""
    probabilities = model.predict_proba(x)
    classes = list(model.classes_)
    if variant == "filter":
        return probabilities[:, classes.index(1)] if 1 in classes else np.zeros(len(x))
    return np.column_stack(
        [
            probabilities[:, classes.index(name)] if name in classes else np.zeros(len(x))
            for name in CLASSES
        ]
    )


def _evidence_weight(table: pd.DataFrame, sign: np.ndarray) -> np.ndarray:
    """The size of a claim the rules did not make with that sign: the mean weight of the
    sentence's cues of that sign (their classes' sums over places), at least 1."""
    if sign.size == 0:
        return np.zeros(0)
    conflict = sum(
        table[f"{c}_{p}"].to_numpy()
        for c in ("verbal_conflict", "material_conflict")
        for p in PLACES
    )
    cooperation = sum(
        table[f"{c}_{p}"].to_numpy()
        for c in ("verbal_cooperation", "material_cooperation")
        for p in PLACES
    )
    cues = np.expm1(sum(table[f"n_cues_{p}"].to_numpy() for p in PLACES))
    size = np.where(sign < 0, conflict, cooperation) * 10 / np.maximum(cues, 1)
    return np.maximum(size, 1.0)


def decide(table: pd.DataFrame, scores: np.ndarray, variant: str, threshold: float) -> np.ndarray:
    """Each candidate row's signed score after the model's verdict (0: dropped)."""
    rule = table["rule_value"].to_numpy()
    if variant == "filter":
        return np.where(scores >= threshold, rule, 0.0)
    related = 1 - scores[:, 0] >= threshold
    sign = np.where(scores[:, 1] > scores[:, 2], -1.0, 1.0)
    agrees = np.sign(rule) == sign
    value = np.where(agrees, rule, sign * _evidence_weight(table, sign))
    return np.where(related, value, 0.0)


def fit_model(table: pd.DataFrame, name: str, variant: str) -> Any:
    """A model of ``MODELS`` fitted on labelled candidates for one variant."""
    rows, target = _targets(table, variant)
    model = MODELS[name]()
    model.fit(table.loc[rows, list(FEATURES)].to_numpy(), target[rows])
    return model


def held_out_scores(table: pd.DataFrame, name: str, variant: str, folds: int) -> np.ndarray:
    """Scores of every candidate from the fold that did not see its text."""
    rows, _ = _targets(table, variant)
    width = 1 if variant == "filter" else len(CLASSES)
    out = np.zeros((len(table), width))
    split = GroupKFold(n_splits=folds).split(table, groups=table[S.BRIEFING_ID])
    x = table[list(FEATURES)].to_numpy()
    for train, held in split:
        model = fit_model(table.iloc[train], name, variant)
        chosen = held[rows[held]]
        if chosen.size:
            out[chosen] = _scores(model, x[chosen], variant).reshape(len(chosen), width)
    return out[:, 0] if variant == "filter" else out


def training_data(shared: Path) -> tuple[pd.DataFrame, dict, set[str]]:
    """The labelled candidates of ``tune`` + ``tune-extra``, their gold pairs and text ids."""
    labels = [label for split in TRAIN_SPLITS for label in read_labels(split)]
    ids = {label["id"] for label in labels}
    briefings = labelled_briefings(shared, ids)
    mentions, _ = compute_mentions(briefings)
    gold = gold_pairs(labels)
    table = label_candidates(candidate_table(cued_sentences(briefings, mentions)), gold)
    return table, gold, ids


# The candidates measured on ``test`` (one measurement each): ``--method NAME`` of
# ``bench/eval_relations_dev.py``. Each is the best of its kind by the cross-validation
# printed by ``main`` (F1 of the pooled held-out verdicts): the best filter (logistic
# regression, level with the other families to three places, and the one a JSON of
# coefficients can carry), the best re-scorer, and the best re-scorer a JSON of
# coefficients can carry.
FINAL: dict[str, tuple[str, str, float]] = {
    "filter-logistic": ("logistic C=0.03", "filter", 0.25),
    "rescore-forest": ("forest leaf=3", "rescore", 0.5),
    "rescore-logistic": ("logistic C=0.01", "rescore", 0.45),
}


@functools.cache
def final_model(method: str, shared: Path) -> Any:
    """A ``FINAL`` model fitted on every tuning candidate (once per run)."""
    name, variant, _ = FINAL[method]
    table, _, _ = training_data(shared)
    return fit_model(table, name, variant)


def interactions_by(
    method: str, briefings: pd.DataFrame, mentions: pd.DataFrame, rules: pd.DataFrame, shared: Path
) -> pd.DataFrame:
    """The interactions after a ``FINAL`` model's verdict on every candidate.

    A kept row the rules made with the same sign is the rules' row as it is; a row the
    model adds or re-signs takes the ``decide`` score, class ``verbal_conflict`` or
    ``verbal_cooperation`` and "(pair model)" as its cues.
    """
    _, variant, threshold = FINAL[method]
    model = final_model(method, shared)
    sentences = cued_sentences(briefings, mentions)
    candidates = candidate_table(sentences)
    if candidates.empty:
        return rules.iloc[:0]
    x = candidates[list(FEATURES)].to_numpy()
    values = decide(candidates, _scores(model, x, variant), variant, threshold)
    wanted = candidates.assign(value=values)
    wanted = wanted[wanted["value"] != 0]
    numbers = wanted["sentence_number"].tolist()
    pairs = list(zip(wanted[S.COUNTRY_A], wanted[S.COUNTRY_B], strict=True))
    chosen = pd.DataFrame(
        {
            S.BRIEFING_ID: [sentences[n].briefing_id for n in numbers],
            S.SECTION: [sentences[n].section for n in numbers],
            S.SENTENCE_INDEX: np.array([sentences[n].sentence_index for n in numbers], np.int64),
            S.COUNTRY_A: [a for a, _ in pairs],
            S.COUNTRY_B: [b for _, b in pairs],
            "value": wanted["value"].to_numpy(),
            "new_sentence": [sentences[n].text for n in numbers],
            "new_roles": [
                describe_roles(sentences[n].roles, p) for n, p in zip(numbers, pairs, strict=True)
            ],
            "new_forward": [
                sentences[n].section == S.NEXT or bool(sentences[n].hedges) for n in numbers
            ],
        }
    )
    keys = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.COUNTRY_A, S.COUNTRY_B]
    merged = chosen.merge(rules, on=keys, how="left")
    same = merged[S.SCORE].notna() & (np.sign(merged[S.SCORE]) == np.sign(merged["value"]))
    same = same.to_numpy()
    value = merged["value"].to_numpy()
    merged[S.SCORE] = np.where(same, merged[S.SCORE].to_numpy(), value)
    merged[S.CLASS] = np.where(
        same, merged[S.CLASS], np.where(value < 0, "verbal_conflict", "verbal_cooperation")
    )
    merged[S.CUES] = np.where(same, merged[S.CUES], "(pair model)")
    merged[S.SENTENCE] = merged["new_sentence"]
    merged[S.ROLES] = np.where(merged[S.ROLES].notna(), merged[S.ROLES], merged["new_roles"])
    merged[S.FORWARD_LOOKING] = np.where(
        merged[S.FORWARD_LOOKING].notna(), merged[S.FORWARD_LOOKING], merged["new_forward"]
    ).astype(bool)
    dates = briefings.drop_duplicates(S.BRIEFING_ID).set_index(S.BRIEFING_ID)[S.DATE]
    merged[S.DATE] = dates.reindex(merged[S.BRIEFING_ID]).to_numpy()
    return merged[list(S.INTERACTION_COLUMNS)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", help="models whose name starts with this")
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        print(f"no shared corpora at {args.shared}; skipped")
        return 0
    tick = time.perf_counter()
    table, gold, ids = training_data(args.shared)
    counts = table["label"].value_counts().to_dict()
    print(
        f"{' + '.join(TRAIN_SPLITS)}: {len(ids)} texts, {len(table)} candidate pairs in "
        f"{table[S.BRIEFING_ID].nunique()} texts {counts}, {len(FEATURES)} features "
        f"({time.perf_counter() - tick:.1f} s)"
    )
    rules = text_scores(table, table["rule_value"].to_numpy(), gold, ids)
    print(f"rules: P {rules[0]:.3f} R {rules[1]:.3f} sign {rules[2]:.3f}")
    print("| variant | model | threshold | CV P | CV R | CV sign | CV F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    best: dict[tuple[str, str], tuple[float, str, float, tuple[float, float, float]]] = {}
    for variant in VARIANTS:
        for name in MODELS:
            if args.only and not name.startswith(args.only):
                continue
            scores = held_out_scores(table, name, variant, args.folds)
            results = []
            for threshold in THRESHOLDS:
                p, r, s = text_scores(table, decide(table, scores, variant, threshold), gold, ids)
                results.append((2 * p * r / max(p + r, 1e-9), threshold, (p, r, s)))
            f1, threshold, (p, r, s) = max(results)
            print(f"| {variant} | {name} | {threshold} | {p:.3f} | {r:.3f} | {s:.3f} | {f1:.3f} |")
            family = (variant, name.split()[0])
            if f1 > best.get(family, (-1.0,))[0]:
                best[family] = (f1, name, threshold, (p, r, s))
    print("\nbest per variant and family (F1 of pooled held-out verdicts):")
    for (variant, _), (f1, name, threshold, (p, r, s)) in sorted(best.items()):
        print(
            f"  {variant:8} {name:28} t={threshold}: P {p:.3f} R {r:.3f} sign {s:.3f} F1 {f1:.3f}"
        )
    print(f"({time.perf_counter() - tick:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
