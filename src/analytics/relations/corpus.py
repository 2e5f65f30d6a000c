"""The corpus scorer: every sentence of every briefing that names two countries or more,
scored with ``score_sentence`` in batches, on every core for a large corpus.

Mentions are sorted and grouped on integer codes, the wanted sentences are cut out of
the joined texts in one pass, and the scoring plan is shared with forked worker
processes rather than pickled to them.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError
from analytics.parallel import collection_paused, fork_workers, map_forked
from analytics.relations.anaphora import anaphor_mentions
from analytics.relations.grammar import ACTOR_KINDS, _cast, _cues_between, topic_label_end
from analytics.relations.lexicon import CueMatch, Lexicon, TextBatch
from analytics.relations.meetings import meeting_interactions
from analytics.relations.roles import ANAPHOR, Role, describe_roles, sentence_roles
from analytics.relations.scoring import PairScore, _as_lexicon, _score_found
from analytics.text import (
    IS_SPACE,
    advance,
    code_points,
    factorize_segments,
    join_segments,
    retreat,
    segment_columns,
    segment_texts,
    sentence_starts,
    sorted_distinct,
)


def _check_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(
            f"{name} must have columns {', '.join(columns)}; missing {missing!r}; "
            f"got {list(frame.columns)!r}"
        )


def _empty_interactions() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in S.INTERACTION_COLUMNS})
    frame[S.DATE] = pd.Series(dtype="datetime64[ns, UTC]")
    frame[S.SENTENCE_INDEX] = pd.Series(dtype="int64")
    frame[S.SCORE] = pd.Series(dtype="float64")
    frame[S.FORWARD_LOOKING] = pd.Series(dtype="bool")
    return frame


def score_interactions(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    lexicon: Lexicon | pd.DataFrame | None = None,
    coaction_weight: float = 1.0,
) -> pd.DataFrame:
    """Score every related country pair in every sentence of the corpus.

    Parameters:
        briefings: the briefing table (``briefing_id``, ``date``, title, sections or text).
        mentions: country mentions with ``schema.MENTION_COLUMNS`` (spans relative to
            the section text, ``sentence_index`` per ``analytics.text.split_sentences``).
        lexicon: a compiled ``Lexicon``, a cue table, or ``None`` for ``data/cues.csv``.
        coaction_weight: score (0 to 10) of a ``neutral`` row, a pair related only by
            acting together ("Britain and the United States condemned ..."); the
            default 1 is CAMEO's weight for consultation: weak alignment.

    Returns:
        One row per related pair per sentence with ``schema.INTERACTION_COLUMNS``,
        in briefing, section and sentence order.

    Raises:
        InputError: when a table lacks its columns, the lexicon is invalid or
            ``coaction_weight`` is outside [0, 10].
    """
    if not 0 <= coaction_weight <= 10:
        raise InputError(f"coaction_weight must be between 0 and 10; got {coaction_weight!r}")
    _check_columns(briefings, (S.BRIEFING_ID, S.DATE), "briefings")
    _check_columns(mentions, S.MENTION_COLUMNS, "mentions")
    lexicon = _as_lexicon(lexicon)
    with collection_paused():
        # Both passes across sentences read the same segments: cut them once.
        segments = segment_columns(briefings)
        referred = anaphor_mentions(briefings, mentions, lexicon, segments)
        if len(referred):
            mentions = pd.concat([mentions[list(S.MENTION_COLUMNS)], referred], ignore_index=True)
        scored = _score_corpus(briefings, mentions, lexicon, coaction_weight)
        return _with_meetings(briefings, mentions, scored, segments)


def _score_corpus(
    briefings: pd.DataFrame, mentions: pd.DataFrame, lexicon: Lexicon, coaction_weight: float
) -> pd.DataFrame:
    """``score_interactions`` once its inputs are checked."""
    # Every column as integer codes plus its few distinct values: sorting and grouping
    # 1e6 mentions then needs no string comparison and no per-row string conversion.
    id_code, id_values = _codes(mentions[S.BRIEFING_ID])
    section_code, section_values = _codes(mentions[S.SECTION])
    iso3_code, iso3_values = _codes(mentions[S.ISO3])
    kind_code, kind_values = _codes(mentions[S.KIND])
    sentence = mentions[S.SENTENCE_INDEX].to_numpy(dtype=np.int64)
    position = mentions[S.START].to_numpy(dtype=np.int64)
    actor = pd.Index([*ACTOR_KINDS, ANAPHOR]).get_indexer(kind_values) >= 0
    rows = np.flatnonzero(
        actor[kind_code] & (kind_code >= 0) & (id_code >= 0) & (section_code >= 0)
    )
    rows = rows[iso3_code[rows] >= 0]
    # Sentence by sentence, mentions in text order (ties in input order).
    rows = rows[np.lexsort((position[rows], sentence[rows], section_code[rows], id_code[rows]))]
    new_sentence = np.ones(len(rows), dtype=bool)
    new_sentence[1:] = (
        (id_code[rows][1:] != id_code[rows][:-1])
        | (section_code[rows][1:] != section_code[rows][:-1])
        | (sentence[rows][1:] != sentence[rows][:-1])
    )
    sentence_of = np.cumsum(new_sentence) - 1
    # Only sentences naming two countries or more can relate a pair.
    distinct = sorted_distinct(sentence_of * (len(iso3_values) + 1) + iso3_code[rows])
    n_countries = np.bincount(distinct // (len(iso3_values) + 1), minlength=len(new_sentence))
    rows = rows[n_countries[sentence_of] >= 2]
    if rows.size == 0:
        return _empty_interactions()
    ids = id_values[id_code[rows]]
    sections = section_values[section_code[rows]]
    indexes = sentence[rows]
    boundaries = np.flatnonzero(
        (id_code[rows][1:] != id_code[rows][:-1])
        | (section_code[rows][1:] != section_code[rows][:-1])
        | (indexes[1:] != indexes[:-1])
    )
    first_rows = np.concatenate([[0], boundaries + 1])
    spans = sentence_spans(briefings, ids[first_rows], sections[first_rows], indexes[first_rows])
    if spans is None:
        return _empty_interactions()
    joined, segment_start, sent_start, sent_end = spans
    # Only the mentions inside their sentence's span take part.
    group = np.repeat(np.arange(len(first_rows)), np.diff(np.append(first_rows, len(ids))))
    starts = position[rows]
    ends = mentions[S.END].to_numpy(dtype=np.int64)[rows]
    inside = (sent_end[group] > sent_start[group]) & (
        starts >= sent_start[group] - segment_start[group]
    )
    inside &= ends <= sent_end[group] - segment_start[group]
    group, starts, ends = group[inside], starts[inside], ends[inside]
    per_group = np.bincount(group, minlength=len(first_rows))
    # A sentence with fewer than two mentions left relates no pair.
    scored = np.flatnonzero(per_group >= 2)
    bounds = np.concatenate(([0], np.cumsum(per_group)))
    plan = _Plan(
        joined,
        starts + segment_start[group] - sent_start[group],
        ends + segment_start[group] - sent_start[group],
        iso3_values[iso3_code[rows[inside]]],
        kind_values[kind_code[rows[inside]]],
        sent_start[scored].tolist(),
        sent_end[scored].tolist(),
        bounds[scored].tolist(),
        bounds[scored + 1].tolist(),
        (sections[first_rows[scored]] == S.NEXT).tolist(),
    )
    results = _score_all(plan, lexicon, coaction_weight)
    # Rows come out in briefing (input order), section and sentence order; within a
    # sentence ``score_sentence`` already orders the pairs.
    task_rows = first_rows[scored]
    briefing_rank = _briefing_rank(briefings, ids[task_rows])
    section_rank = pd.Index(list(S.SEGMENT_SECTIONS)).get_indexer(sections[task_rows])
    order = np.lexsort((indexes[task_rows], section_rank, briefing_rank))
    n_found = np.fromiter((len(found) for found in results), np.int64, len(results))
    order = order[n_found[order] > 0]
    pair_rows = list(itertools.chain.from_iterable([results[task] for task in order.tolist()]))
    if not pair_rows:
        return _empty_interactions()
    tasks = np.repeat(order, n_found[order])
    used = np.flatnonzero(np.bincount(tasks, minlength=len(scored)))
    sentence_of_task = np.empty(len(scored), dtype=object)
    sentence_of_task[used] = [
        joined[plan.sentence_start[task] : plan.sentence_end[task]] for task in used.tolist()
    ]
    country_a, country_b, score, cue_class, cues, forward = zip(*pair_rows, strict=True)
    # Roles evidence (issue #14), worked out again only for the sentences that relate a
    # pair: the pair's countries first, then the others.
    roles_of_task = {task: plan.roles(task) for task in used.tolist()}
    roles = [
        describe_roles(roles_of_task[task], pair)
        for task, *pair in zip(tasks.tolist(), country_a, country_b, strict=True)
    ]
    rows = task_rows[tasks]
    # Only the two columns are de-duplicated, not the texts beside them.
    dates = briefings[[S.BRIEFING_ID, S.DATE]].drop_duplicates(S.BRIEFING_ID)
    dates = dates.set_index(S.BRIEFING_ID)[S.DATE]
    interactions = pd.DataFrame(
        {
            S.BRIEFING_ID: ids[rows],
            S.SECTION: sections[rows],
            S.SENTENCE_INDEX: indexes[rows].astype("int64"),
            S.SENTENCE: sentence_of_task[tasks],
            S.COUNTRY_A: np.asarray(country_a, dtype=object),
            S.COUNTRY_B: np.asarray(country_b, dtype=object),
            S.SCORE: np.asarray(score, dtype=float),
            S.CLASS: np.asarray(cue_class, dtype=object),
            S.CUES: np.asarray(cues, dtype=object),
            S.FORWARD_LOOKING: np.asarray(forward, dtype=bool),
            S.DATE: dates.array[dates.index.get_indexer(ids[rows])],
            S.ROLES: np.asarray(roles, dtype=object),
        }
    )
    return interactions[list(S.INTERACTION_COLUMNS)]


def _briefing_rank(briefings: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """Each id's position among the briefings; a repeated id ranks at its last row, as a
    dict built in order would place it."""
    all_ids = briefings[S.BRIEFING_ID].to_numpy(dtype=object)
    reverse = pd.Index(all_ids[::-1])
    last_rank = len(all_ids) - 1 - np.flatnonzero(~reverse.duplicated())
    return last_rank[reverse.drop_duplicates().get_indexer(ids)]


def _with_meetings(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    scored: pd.DataFrame,
    segments: tuple[np.ndarray, np.ndarray, list[str]],
) -> pd.DataFrame:
    """``scored`` with the rows relating the participants of one meeting
    (``analytics.relations.meetings``), each after its sentence's own rows."""
    extra = meeting_interactions(briefings, mentions, scored, segments)
    if extra.empty:
        return scored
    rows = pd.concat([scored, extra], ignore_index=True)
    section_rank = pd.Index(list(S.SEGMENT_SECTIONS)).get_indexer(rows[S.SECTION])
    order = np.lexsort(
        (
            np.arange(len(rows)),
            rows[S.SENTENCE_INDEX].to_numpy(),
            section_rank,
            _briefing_rank(briefings, rows[S.BRIEFING_ID].to_numpy(dtype=object)),
        )
    )
    return rows.iloc[order].reset_index(drop=True)


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per row (-1 where missing) and the distinct values, as objects."""
    codes, values = pd.factorize(column)
    return codes, np.asarray(values, dtype=object)


def sentence_spans(
    briefings: pd.DataFrame, ids: np.ndarray, sections: np.ndarray, indexes: np.ndarray
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray] | None:
    """Where each wanted sentence (briefing, section, sentence index) lies.

    All segments holding a wanted sentence are joined and split in one pass with the
    array-based boundaries of ``analytics.text.sentence_starts``, which are those of
    ``split_sentences``.

    Returns:
        ``(joined, segment_start, sentence_start, sentence_end)``: positions in ``joined``
        per wanted sentence; a sentence that does not exist gets an empty span. ``None``
        when no segment matches.
    """
    segment_of, distinct_ids, distinct_sections = factorize_segments(ids, sections)
    # A repeated briefing id is read from its last row, as a dict built in order would.
    exists, texts = segment_texts(briefings, distinct_ids, distinct_sections, keep="last")
    if not exists.any():
        return None
    joined, offsets, lengths = join_segments(texts)
    points = code_points(joined)
    boundaries = sentence_starts(joined, points, offsets)
    # Pieces run from a segment start or a boundary to the next one (or the segment end);
    # stripped of space, the empty ones are no sentence, as in ``split_sentences``.
    begins = np.concatenate((offsets, boundaries))
    order = np.argsort(begins, kind="stable")
    begins = begins[order]
    piece_segment = np.searchsorted(offsets, begins, side="right") - 1
    segment_end = offsets + lengths
    next_begin = np.append(begins[1:], 0)
    same = np.append(piece_segment[1:] == piece_segment[:-1], False)
    finish = np.where(
        same, np.minimum(next_begin, segment_end[piece_segment]), segment_end[piece_segment]
    )
    lead = advance(points, begins, IS_SPACE)
    trail = retreat(points, finish, IS_SPACE)
    real = trail > lead
    lead, trail, piece_segment = lead[real], trail[real], piece_segment[real]
    if lead.size == 0:
        return None
    first_piece = np.searchsorted(piece_segment, segment_of, side="left")
    n_pieces = np.searchsorted(piece_segment, segment_of, side="right") - first_piece
    valid = exists[segment_of] & (indexes < n_pieces) & (indexes >= 0)
    piece = np.where(valid, first_piece + indexes, 0)
    sentence_start = np.where(valid, lead[np.minimum(piece, len(lead) - 1)], 0)
    sentence_end = np.where(valid, trail[np.minimum(piece, len(trail) - 1)], 0)
    return joined, offsets[segment_of], sentence_start, sentence_end


# What forked scoring processes read: set before they start, so nothing is pickled to them.
_FORKED: dict[str, object] = {}


@dataclass(frozen=True)
class _Plan:
    """The sentences to score: spans in ``joined`` and slices of the mentions per task.

    Mentions are arrays (start and end relative to their sentence, ISO code, kind):
    each scoring process makes the tuples of its own tasks only.
    """

    joined: str
    mention_start: np.ndarray
    mention_end: np.ndarray
    mention_iso3: np.ndarray
    mention_kind: np.ndarray
    sentence_start: list[int]
    sentence_end: list[int]
    first_mention: list[int]
    last_mention: list[int]
    forward: list[bool]

    def __len__(self) -> int:
        return len(self.sentence_start)

    def roles(self, task: int) -> list[Role]:
        """The roles of one task's mentions (``analytics.relations.roles``)."""
        lo, hi = self.first_mention[task], self.last_mention[task]
        text = self.joined[self.sentence_start[task] : self.sentence_end[task]]
        columns = (self.mention_start, self.mention_end, self.mention_iso3, self.mention_kind)
        return sentence_roles(
            text, list(zip(*(column[lo:hi].tolist() for column in columns), strict=True))
        )

    def score(
        self, lo: int, hi: int, lexicon: Lexicon, coaction_weight: float
    ) -> list[list[PairScore]]:
        """``score_sentence`` over tasks ``lo`` to ``hi``, in order.

        Sentences are taken in batches of ``relations_batch_sentences`` (a setting): the
        cues of a batch are found in one scan, and the modifiers in another over the
        sentences that still have a cue; only those are scored. Batches bound the memory
        the scans take.
        """
        results: list[list[PairScore]] = []
        batch = settings.value("relations_batch_sentences")
        for start in range(lo, hi, batch):
            results += self._score_batch(start, min(start + batch, hi), lexicon, coaction_weight)
        return results

    def _score_batch(
        self, lo: int, hi: int, lexicon: Lexicon, coaction_weight: float
    ) -> list[list[PairScore]]:
        joined = self.joined
        spans = zip(self.sentence_start[lo:hi], self.sentence_end[lo:hi], strict=True)
        texts = [joined[a:b] for a, b in spans]
        base = self.first_mention[lo] if hi > lo else 0
        first_mention = [first - base for first in self.first_mention[lo:hi]]
        last_mention = [last - base for last in self.last_mention[lo:hi]]
        top = last_mention[-1] + base if last_mention else base
        mentions = list(
            zip(
                self.mention_start[base:top].tolist(),
                self.mention_end[base:top].tolist(),
                self.mention_iso3[base:top].tolist(),
                self.mention_kind[base:top].tolist(),
                strict=True,
            )
        )
        # A sentence without a cue relates no pair: its actors are not even looked at.
        cued: list[
            tuple[int, list[tuple[int, int, str]], list[tuple[int, str]], list[CueMatch]]
        ] = []
        for i, cues in enumerate(lexicon.find_cues_batch(TextBatch(texts))):
            if not cues or all(match.cue.is_stop for match in cues):
                continue
            label_end = topic_label_end(texts[i])
            sentence_mentions = mentions[first_mention[i] : last_mention[i]]
            if label_end:
                sentence_mentions = [m for m in sentence_mentions if m[0] >= label_end]
                cues = [m for m in cues if m.start >= label_end]
            cast = _cast(texts[i], sentence_mentions)
            if cast is not None:
                matches = _cues_between(cues, cast[0])
                if matches:
                    cued.append((i, cast[0], cast[1], matches))
        batch = TextBatch([texts[i] for i, _, _, _ in cued])
        negations = lexicon.find_modifiers_batch(batch, "negation")
        reversals = lexicon.find_modifiers_batch(batch, "reversal")
        hedges = lexicon.find_modifiers_batch(batch, "hedge")
        results: list[list[PairScore]] = [[] for _ in texts]
        forward = self.forward[lo:hi]
        for j, (i, kept, bystanders, matches) in enumerate(cued):
            results[i] = _score_found(
                texts[i],
                kept,
                matches,
                {"negation": negations[j], "reversal": reversals[j]},
                hedges[j],
                lexicon.window,
                forward[i],
                coaction_weight,
                bystanders,
            )
        return results


def _score_forked(cut: tuple[int, int]) -> list[list[PairScore]]:
    plan: _Plan = _FORKED["plan"]  # type: ignore[assignment]
    # A worker only scores, then ends; here the caller has paused collection already.
    gc.disable()
    return plan.score(*cut, _FORKED["lexicon"], _FORKED["coaction_weight"])  # type: ignore[arg-type]


def _score_all(plan: _Plan, lexicon: Lexicon, coaction_weight: float) -> list[list[PairScore]]:
    """Score the plan's sentences, on every core for a large corpus; results in task order.

    Shared with forked processes (``analytics.parallel``), which inherit the plan and
    the compiled lexicon.
    """
    n_tasks = len(plan)
    n_workers = fork_workers()
    if n_tasks < settings.value("relations_parallel_from") or n_workers < 2:
        return plan.score(0, n_tasks, lexicon, coaction_weight)
    size = -(-n_tasks // n_workers)
    cuts = [(lo, min(lo + size, n_tasks)) for lo in range(0, n_tasks, size)]
    _FORKED.update(plan=plan, lexicon=lexicon, coaction_weight=coaction_weight)
    try:
        return map_forked(_score_forked, cuts)
    finally:
        _FORKED.clear()
