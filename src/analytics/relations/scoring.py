"""Sentence-level country pairs scored from tension to alliance, with their evidence.

Co-mention is not a relation. In every sentence the actor mentions (names,
aliases, demonyms, capitals, leaders; not places) are grouped, and a pair is
scored only from cues that sit between the two groups that they relate. The
method needs no model: regular expressions over the sentence and a few rules.

1. **Locations are not actors.** A dateline opening the sentence ("WASHINGTON,
   March 31 -") and a capital after "in/at/from/to/near" ("talks in London") are
   dropped.
2. **Clauses.** A sentence is cut at ``;``, ``--`` and before ", while", ", but",
   ", whereas", ", although", ", though", ", however", ", saying", ", adding",
   ", according to"; a relative clause (", which", ", who", ", whose", ", where")
   runs to the next comma and is a clause of its own. Pairs never cross a clause.
3. **Actor groups.** Mentions joined only by "and", commas (in a list that ends
   with "and"), hyphens, slashes, "the" or "both" act together ("Britain and the
   United States", "Japan-U.S.-South Korea"); so do "X's relations/ties with Y".
4. **Gaps.** A cue between two consecutive groups (at most 15 words from each)
   relates every country of the group before to every country of the group after
   (subject and object: "Britain and the United States condemned Russia's strike
   on Ukraine" gives condemn to GBR-RUS and RUS-USA, strike to RUS-UKR, nothing to
   GBR-UKR). Support for "anti-X" forces is hostility to X.
5. **Mutual cues** (alliance, talks, tensions, agreement...) also relate the
   countries inside one group: the first cue right after a group ("the U.S.-Japan
   alliance"), the last one before "between/among/of" a group ("tensions between
   China and Taiwan"), or one at the end of a clause whose last group did it
   together ("the U.S. and Japan agreed to strengthen their alliance"; not when a
   non-country partner follows: "reached agreement with commercial banks").
6. **Acting together.** Countries that perform a directed cue together ("Britain
   and the United States condemned ...") get a ``neutral`` row: no cue of their
   own, the shared cue as evidence, and a small positive score (``coaction_weight``,
   default 1, CAMEO's weight for consultation) because acting in concert is weak
   alignment, never conflict.
7. **Nouns are not acts.** When a gap holds a verb cue, the verbs speak for the
   gap and its noun cues are their objects ("violated the agreement" is conflict,
   "trade talks collapsed" is conflict); when verb and nouns disagree in sign the
   conflicting cues win ("supported sanctions against Iran" is conflict). A verb
   just before a group also overrules the noun the group modifies ("violating the
   U.S.-Japan agreement").
8. **Modifiers.** A negation up to three words before a cue ("did not condemn",
   "refused to sign", "no sign of cooperation") cancels a conflict cue and turns a
   cooperation cue into mild conflict (weight -w/2, like CAMEO "reject"); a
   reversal ("lifted sanctions", "eased tensions", "suspended talks") flips the
   sign and halves the weight; a negated reversal ("refused to lift sanctions")
   leaves the cue as it is. A hedge ("could", "plans to", "will") earlier in the
   cue's gap or anywhere in the gap before, or the ``next`` section, marks the cue
   forward-looking.
9. **Combining.** A pair's score in a sentence is the mean of its cue weights;
   cues that describe what happened win over forward-looking ones, which win over
   acting together. The class is that of the strongest cue sharing the score's
   sign; ``neutral`` for acting together or a score of exactly 0.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.parallel import fork_workers, map_forked
from analytics.relations.lexicon import (
    CONFLICT_CLASSES,
    COOPERATION_CLASSES,
    NEUTRAL_CLASS,
    CueMatch,
    Lexicon,
    TextBatch,
    cues_path,
    modifiers_path,
    word_positions,
)
from analytics.text import (
    IS_SPACE,
    advance,
    code_points,
    factorize_segments,
    join_segments,
    retreat,
    segment_texts,
    sentence_starts,
    sorted_distinct,
)
from analytics.timeseries import check_freq, period_range, period_start, trailing_stats

ACTOR_KINDS: tuple[str, ...] = ("name", "alias", "demonym", "capital", "leader")

# -- sentence structure (grammar, not vocabulary, so it lives here) ---------------
_CLAUSE_BREAK = re.compile(
    r";|\s--\s|\s\u2014\s|,\s*(?=(?:while|whereas|but|although|though|however|saying|"
    r"adding|according\s+to)\b)"
)
_RELATIVE = re.compile(r",\s*(?=(?:which|who|whose|where)\b)")
_STRONG_LINK = re.compile(
    r"^\s*(?:(?:,\s*)?(?:and|&)\s+(?:the\s+|both\s+)?|[-\u2013/]\s*|"
    r"(?:['\u2019]s\s+)?(?:(?:bilateral|diplomatic|trade|economic|security)\s+)?"
    r"(?:relations|relationship|ties)\s+(?:with|to)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_COMMA_LINK = re.compile(r"^\s*,\s*(?:the\s+)?$", re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:between|among|amongst|involving|of)\b", re.IGNORECASE)
_WORDS = re.compile(r"[\w'\u2019-]+")
_ATTACH_WORDS = 3  # words allowed between a group and the mutual noun it owns
_REACH_WORDS = 15  # a cue further than this from a group is in another constituent
_LOCATIVE = re.compile(r"\b(?:in|at|from|to|near|via|outside|inside)\s+$", re.IGNORECASE)
# The patterns read after a position are matched there (``match(text, pos)``), never on
# a slice: a slice per cue or mention would copy the rest of a long sentence each time.
_DATELINE_AFTER_AT = re.compile(r"\s*,|\s+[-\u2013]\s|\s*\(")  # not "U.S.-Japan"
_ANTI = re.compile(r"\banti-$", re.IGNORECASE)
_OBJECT_AFTER_AT = re.compile(r"\s+(?:with|against)\b", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")


# Named tuples rather than frozen dataclasses: hundreds of thousands are made per corpus.
class _Group(NamedTuple):
    start: int
    end: int
    countries: tuple[str, ...]


class _Effect(NamedTuple):
    """A cue after modifiers: weight (None for neutral co-action) and evidence."""

    weight: float | None
    cue_class: str
    surface: str
    position: int
    forward: bool


@functools.lru_cache(maxsize=4)
def _default_lexicon(cues_stamp: tuple[str, float], modifiers_stamp: tuple[str, float]) -> Lexicon:
    # The stamps (path, modification time) are only the cache key: an edited CSV
    # gets a new key and is compiled afresh.
    return Lexicon()


def default_lexicon() -> Lexicon:
    """The bundled lexicon, compiled once and recompiled when its CSV files change."""

    def stamp(path: Path) -> tuple[str, float]:
        return (str(path), path.stat().st_mtime if path.exists() else 0.0)

    return _default_lexicon(stamp(cues_path()), stamp(modifiers_path()))


def _as_lexicon(lexicon: Lexicon | pd.DataFrame | None) -> Lexicon:
    if lexicon is None:
        return default_lexicon()
    if isinstance(lexicon, Lexicon):
        return lexicon
    if isinstance(lexicon, pd.DataFrame):
        return Lexicon(lexicon)
    raise InputError(
        "lexicon must be a Lexicon, a cue table (DataFrame) or None; "
        f"got {type(lexicon).__name__!r}"
    )


# -- one sentence -------------------------------------------------------------


def _clause_ids(text: str) -> tuple[list[int], list[int]]:
    """Clause id per stretch of text: (sorted stretch starts, id of each stretch)."""
    starts, ids = [0], [0]
    if "," not in text and ";" not in text and "--" not in text and "\u2014" not in text:
        return starts, ids  # nothing can cut the sentence (the usual case)
    main, fresh = 0, 0
    cuts = [(m.start(), "break") for m in _CLAUSE_BREAK.finditer(text)]
    cuts += [(m.start(), "relative") for m in _RELATIVE.finditer(text)]
    resume_at: int | None = None
    for position, kind in sorted(cuts):
        if resume_at is not None and position >= resume_at:
            starts.append(resume_at)
            ids.append(main)
            resume_at = None
        fresh += 1
        starts.append(position)
        ids.append(fresh)
        if kind == "break":
            main = fresh
            resume_at = None
        else:
            comma = text.find(",", position + 1)
            resume_at = comma if comma != -1 else None
    if resume_at is not None:
        starts.append(resume_at)
        ids.append(main)
    return starts, ids


def _clause_of(starts: list[int], ids: list[int], position: int) -> int:
    return ids[bisect.bisect_right(starts, position) - 1]


def _group_mentions(text: str, mentions: list[tuple[int, int, str]]) -> list[_Group]:
    """Join neighbouring mentions that act together into groups."""
    if not mentions:
        return []
    links: list[str | None] = []
    for (_, end, _), (start, _, _) in zip(mentions, mentions[1:], strict=False):
        between = text[end:start]
        if _STRONG_LINK.match(between) or not between.strip():
            links.append("strong")
        elif _COMMA_LINK.match(between):
            links.append("comma")
        else:
            links.append(None)
    # A comma joins only inside a list that goes on to an "and" ("A, B and C").
    joined = [False] * len(links)
    carry = False
    for index in range(len(links) - 1, -1, -1):
        if links[index] == "strong":
            joined[index], carry = True, True
        elif links[index] == "comma":
            joined[index] = carry
        else:
            carry = False
    groups: list[_Group] = []
    members = [mentions[0]]
    for index, mention in enumerate(mentions[1:]):
        if joined[index]:
            members.append(mention)
            continue
        groups.append(_make_group(members))
        members = [mention]
    groups.append(_make_group(members))
    return groups


def _make_group(members: list[tuple[int, int, str]]) -> _Group:
    countries = tuple(dict.fromkeys(iso3 for _, _, iso3 in members))
    return _Group(members[0][0], members[-1][1], countries)


def _is_location(text: str, start: int, end: int, kind: str) -> bool:
    surface = text[start:end]
    # Only space before the mention: it opens the sentence (found without a slice).
    opens = _NON_SPACE.search(text, 0, start) is None
    if opens and surface.isupper() and _DATELINE_AFTER_AT.match(text, end):
        return True
    return kind == "capital" and bool(_LOCATIVE.search(text[max(0, start - 12) : start]))


def _word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def _more_words_than(text: str, start: int, end: int, limit: int) -> bool:
    """Whether ``text[start:end]`` holds more than ``limit`` words (``_word_count``).

    Counting stops at ``limit + 1`` words, so a cue far from a group in a long sentence
    costs no more than a near one.
    """
    words = _WORDS.finditer(text, start, end)
    return next(itertools.islice(words, limit, None), None) is not None


def _modifier_before(
    text: str, spans: list[tuple[int, int]], floor: int, position: int, window: int
) -> int | None:
    """Start of the modifier ending at most ``window`` words before ``position``.

    ``spans`` are sorted: those starting after ``position`` cannot end before it, so the
    search starts at the last one starting at or before it (not at the sentence's end).
    """
    index = bisect.bisect_right(spans, (position, position)) - 1
    while index >= 0 and spans[index][1] > position:
        index -= 1
    if index < 0:
        return None
    start, end = spans[index]
    if start < floor or _more_words_than(text, end, position, window):
        return None
    return start


def _apply_modifiers(
    text: str,
    match: CueMatch,
    floor: int,
    modifiers: dict[str, list[tuple[int, int]]],
    window: int,
) -> tuple[float | None, str, int]:
    """Weight, class and evidence start of a cue after negation and reversal."""
    reversal = _modifier_before(text, modifiers["reversal"], floor, match.start, window)
    # A negation may sit before the reversal ("would not lift the economic sanctions").
    negated_at = match.start if reversal is None else reversal
    negation = _modifier_before(text, modifiers["negation"], floor, negated_at, window)
    weight, cue_class = match.cue.weight, match.cue.cue_class
    if negation is not None and reversal is not None:
        return weight, cue_class, negation
    if reversal is not None:
        return -weight / 2, _flipped_class(cue_class), reversal
    if negation is not None:
        if weight < 0:
            return None, cue_class, negation
        return -weight / 2, "verbal_conflict", negation
    return weight, cue_class, match.start


def _flipped_class(cue_class: str) -> str:
    if cue_class in COOPERATION_CLASSES:
        return CONFLICT_CLASSES[COOPERATION_CLASSES.index(cue_class)]
    return COOPERATION_CLASSES[CONFLICT_CLASSES.index(cue_class)]


def _govern(effects: list[tuple[CueMatch, _Effect]]) -> list[tuple[CueMatch, _Effect]]:
    """Verbs speak for their gap; on a sign disagreement the conflicting cues win."""
    if not any(match.cue.pos == "verb" for match, _ in effects):
        return effects
    signs = {_sign(effect.weight) for _, effect in effects}
    if len(signs) > 1:
        return [(m, e) for m, e in effects if e.weight is not None and e.weight < 0]
    return [(m, e) for m, e in effects if m.cue.pos == "verb"]


def _sign(weight: float | None) -> int:
    """-1, 0 or +1; acting together (no weight of its own) counts as 0."""
    if weight is None or weight == 0:
        return 0
    return 1 if weight > 0 else -1


def _pairs(left: Sequence[str], right: Sequence[str]) -> list[tuple[str, str]]:
    return [(min(a, b), max(a, b)) for a in left for b in right if a != b]


def _inner_pairs(group: _Group) -> list[tuple[str, str]]:
    countries = group.countries
    return [
        (min(a, b), max(a, b))
        for i, a in enumerate(countries)
        for b in countries[i + 1 :]
        if a != b
    ]


def score_sentence(
    text: str,
    mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]],
    lexicon: Lexicon,
    *,
    forward_section: bool = False,
    coaction_weight: float = 1.0,
) -> list[tuple[str, str, float, str, str, bool]]:
    """Score every related country pair in one sentence.

    A mention that is only a location is not an actor: a dateline opening the
    sentence ("WASHINGTON, March 31 -") and a capital after "in/at/from/to/near"
    ("talks in London").

    Parameters:
        text: the sentence.
        mentions: actor mentions as ``(start, end, iso3)`` or ``(start, end, iso3, kind)``
            relative to ``text``.
        lexicon: the compiled cue lexicon.
        forward_section: the sentence is in the ``next`` section (all forward-looking).
        coaction_weight: score of a pair related only by acting together.

    Returns:
        One ``(country_a, country_b, score, class, cues, forward_looking)`` tuple
        per related pair, ``country_a < country_b``, in pair order.
    """
    kept = _actors(text, mentions)
    if kept is None:
        return []
    words = word_positions(text)
    matches = _cues_between(lexicon.find_cues(text, words), kept)
    if not matches:
        return []
    modifiers = {
        kind: lexicon.find_modifiers(text, kind, words) for kind in ("negation", "reversal")
    }
    hedges = lexicon.find_modifiers(text, "hedge", words)
    return _score_found(
        text, kept, matches, modifiers, hedges, lexicon.window, forward_section, coaction_weight
    )


def _actors(
    text: str, mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]]
) -> list[tuple[int, int, str]] | None:
    """The mentions that act, in text order; ``None`` unless two countries or more act."""
    kept: list[tuple[int, int, str]] = []
    for mention in sorted(mentions):
        start, end, iso3 = mention[0], mention[1], mention[2]
        kind = mention[3] if len(mention) > 3 else "name"
        if kept and start < kept[-1][1]:
            continue
        if _is_location(text, start, end, kind):
            continue
        kept.append((start, end, iso3))
    if len({iso3 for _, _, iso3 in kept}) < 2:
        return None
    return kept


def _cues_between(found: list[CueMatch], kept: list[tuple[int, int, str]]) -> list[CueMatch]:
    """The cues that count: no stop phrase, none overlapping an actor mention."""
    matches = [m for m in found if not m.cue.is_stop]
    if not matches:
        return matches
    mention_starts = [start for start, _, _ in kept]
    mention_ends = [end for _, end, _ in kept]

    def overlaps_mention(match: CueMatch) -> bool:
        after = bisect.bisect_right(mention_ends, match.start)
        return after < len(kept) and mention_starts[after] < match.end

    return [m for m in matches if not overlaps_mention(m)]


def _score_found(
    text: str,
    kept: list[tuple[int, int, str]],
    matches: list[CueMatch],
    modifiers: dict[str, list[tuple[int, int]]],
    hedges: list[tuple[int, int]],
    window: int,
    forward_section: bool,
    coaction_weight: float,
) -> list[tuple[str, str, float, str, str, bool]]:
    """``score_sentence`` once its actors, cues and modifiers are found."""
    clause_starts, clause_ids = _clause_ids(text)
    contributions: dict[tuple[str, str], list[_Effect]] = {}
    if len(clause_starts) == 1:
        # One clause (the usual case): everything is in it, and ``kept`` names two
        # countries or more.
        _score_clause(
            text,
            _group_mentions(text, kept),
            matches,
            hedges,
            modifiers,
            window,
            forward_section,
            contributions,
        )
        return [
            _combine(pair, effects, coaction_weight)
            for pair, effects in sorted(contributions.items())
        ]
    by_clause: dict[int, list[tuple[int, int, str]]] = {}
    for mention in kept:
        by_clause.setdefault(_clause_of(clause_starts, clause_ids, mention[0]), []).append(mention)
    # Cues and hedges are sorted into their clauses once, in order, rather than the
    # whole sentence's cues being tested again for every clause.
    cues_in: dict[int, list[CueMatch]] = {}
    for match in matches:
        cues_in.setdefault(_clause_of(clause_starts, clause_ids, match.start), []).append(match)
    hedges_in: dict[int, list[tuple[int, int]]] = {}
    for hedge in hedges:
        hedges_in.setdefault(_clause_of(clause_starts, clause_ids, hedge[0]), []).append(hedge)
    for clause, clause_mentions in by_clause.items():
        if len({iso3 for _, _, iso3 in clause_mentions}) < 2:
            continue
        clause_cues = cues_in.get(clause, [])
        if not clause_cues:
            continue
        clause_hedges = hedges_in.get(clause, [])
        _score_clause(
            text,
            _group_mentions(text, clause_mentions),
            clause_cues,
            clause_hedges,
            modifiers,
            window,
            forward_section,
            contributions,
        )
    return [
        _combine(pair, effects, coaction_weight) for pair, effects in sorted(contributions.items())
    ]


def _score_clause(
    text: str,
    groups: list[_Group],
    cues: list[CueMatch],
    hedges: list[tuple[int, int]],
    modifiers: dict[str, list[tuple[int, int]]],
    window: int,
    forward_section: bool,
    contributions: dict[tuple[str, str], list[_Effect]],
) -> None:
    group_starts = [group.start for group in groups]
    # Per gap: the earliest end of a hedge in it; a hedge governs what follows it, later
    # in its own gap or anywhere in the next gap.
    first_hedge_end: dict[int, int] = {}
    for start, end in hedges:
        hedge_gap = bisect.bisect_left(group_starts, start)
        first_hedge_end[hedge_gap] = min(end, first_hedge_end.get(hedge_gap, end))
    by_gap: dict[int, list[tuple[CueMatch, _Effect]]] = {}
    for match in cues:
        gap = bisect.bisect_left(group_starts, match.start)
        floor = groups[gap - 1].end if gap > 0 else 0
        weight, cue_class, evidence_start = _apply_modifiers(text, match, floor, modifiers, window)
        if weight is None:
            continue
        forward = (
            forward_section
            or first_hedge_end.get(gap, match.start + 1) <= match.start
            or gap - 1 in first_hedge_end
        )
        effect = _Effect(weight, cue_class, text[evidence_start : match.end], match.start, forward)
        by_gap.setdefault(gap, []).append((match, effect))

    def add(pairs: list[tuple[str, str]], effect: _Effect) -> None:
        for pair in pairs:
            contributions.setdefault(pair, []).append(effect)

    governed = {gap: _govern(effects) for gap, effects in by_gap.items()}
    # What the per-cue tests below ask of a whole gap, worked out once per gap.
    cue_starts = {gap: [match.start for match, _ in effects] for gap, effects in by_gap.items()}
    verb_signs = {
        gap: {_sign(other.weight) for match, other in effects if match.cue.pos == "verb"}
        for gap, effects in governed.items()
    }
    for gap, effects in sorted(governed.items()):
        left = groups[gap - 1] if gap > 0 else None
        right = groups[gap] if gap < len(groups) else None
        # "anti-Baghdad guerrillas": support for them is hostility to Baghdad.
        against_right = right is not None and bool(
            _ANTI.search(text[max(0, right.start - 5) : right.start])
        )
        for match, effect in effects:
            mutual = match.cue.direction == "mutual"
            if mutual and match.cue.pos != "verb":
                owner = _owning_group(text, match, left, right, cue_starts[gap])
                if owner is not None:
                    # "violating the U.S.-Japan agreement": the verb before the group
                    # governs the noun the group modifies.
                    owner_gap = gap - 1 if owner is left else gap
                    if not verb_signs.get(owner_gap, set()) - {_sign(effect.weight)}:
                        add(_inner_pairs(owner), effect)
                    continue
            if left is None or _more_words_than(text, left.end, match.start, _REACH_WORDS):
                continue
            if right is not None and not _more_words_than(
                text, match.end, right.start, _REACH_WORDS
            ):
                cross = _reversed(effect) if against_right else effect
                add(_pairs(left.countries, right.countries), cross)
                if mutual and effect.weight is not None and effect.weight > 0:
                    add(_inner_pairs(left), effect)
                else:
                    add(_inner_pairs(left), _neutral(effect))
            elif right is None:
                # "reached agreement with commercial banks": the partner is not a country.
                jointly = mutual and not _OBJECT_AFTER_AT.match(text, match.end)
                add(_inner_pairs(left), effect if jointly else _neutral(effect))


def _owning_group(
    text: str,
    match: CueMatch,
    left: _Group | None,
    right: _Group | None,
    cue_starts: list[int],
) -> _Group | None:
    """The group a mutual noun belongs to: "U.S.-Japan alliance", "tensions between A and B".

    Only the first cue after a group (or the last before it) can belong to it.
    ``cue_starts`` are the sorted starts of the cues in the noun's gap.
    """
    if left is not None and len(left.countries) > 1:
        closer = _any_start_in(cue_starts, left.end, match.start)
        if not closer and not _more_words_than(text, left.end, match.start, _ATTACH_WORDS):
            return left
    if right is not None and len(right.countries) > 1:
        closer = _any_start_in(cue_starts, match.end, right.start)
        if (
            not closer
            and not _more_words_than(text, match.end, right.start, _ATTACH_WORDS)
            and _BETWEEN.search(text, match.end, right.start)
        ):
            return right
    return None


def _any_start_in(starts: list[int], low: int, high: int) -> bool:
    """Whether a sorted list of positions holds one in ``[low, high)``."""
    index = bisect.bisect_left(starts, low)
    return index < len(starts) and starts[index] < high


def _reversed(effect: _Effect) -> _Effect:
    if effect.weight is None:
        return effect
    return _Effect(
        -effect.weight / 2,
        _flipped_class(effect.cue_class),
        effect.surface,
        effect.position,
        effect.forward,
    )


def _neutral(effect: _Effect) -> _Effect:
    return _Effect(None, NEUTRAL_CLASS, effect.surface, effect.position, effect.forward)


def _combine(
    pair: tuple[str, str], effects: list[_Effect], coaction_weight: float
) -> tuple[str, str, float, str, str, bool]:
    scored = [(e, e.weight) for e in effects if e.weight is not None]
    chosen = [(e, w) for e, w in scored if not e.forward] or scored
    if not chosen:
        together = [e for e in effects if not e.forward] or effects
        forward = all(e.forward for e in together)
        return (*pair, float(coaction_weight), NEUTRAL_CLASS, _join_cues(together), forward)
    forward = chosen[0][0].forward
    weights = [w for _, w in chosen]
    # Summed as ``np.mean`` sums, without its overhead for the usual single cue.
    total = weights[0] if len(weights) == 1 else float(np.add.reduce(np.array(weights)))
    score = round(total / len(weights), 3)
    if score == 0:
        cue_class = NEUTRAL_CLASS
    else:
        same_sign = [(e, w) for e, w in chosen if _sign(w) == _sign(score)]
        strongest = max(same_sign, key=lambda item: (abs(item[1]), -item[0].position))
        cue_class = strongest[0].cue_class
    return (*pair, score, cue_class, _join_cues([e for e, _ in chosen]), forward)


def _join_cues(effects: list[_Effect]) -> str:
    ordered = sorted(effects, key=lambda e: e.position)
    return "|".join(dict.fromkeys(" ".join(e.surface.split()) for e in ordered))


# -- the corpus ---------------------------------------------------------------


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
    with _collection_paused():
        return _score_corpus(briefings, mentions, lexicon, coaction_weight)


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: scoring makes millions of small tuples and
    lists, none in a cycle, and each collection would walk them all again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    actor = pd.Index(ACTOR_KINDS).get_indexer(kind_values) >= 0
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
    spans = _sentence_spans(briefings, ids[first_rows], sections[first_rows], indexes[first_rows])
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
    all_ids = briefings[S.BRIEFING_ID].to_numpy(dtype=object)
    reverse = pd.Index(all_ids[::-1])
    # The last row of a repeated briefing id gives its rank, as a dict built in order would.
    last_rank = len(all_ids) - 1 - np.flatnonzero(~reverse.duplicated())
    briefing_rank = last_rank[reverse.drop_duplicates().get_indexer(ids[task_rows])]
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
        }
    )
    return interactions[list(S.INTERACTION_COLUMNS)]


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per row (-1 where missing) and the distinct values, as objects."""
    codes, values = pd.factorize(column)
    return codes, np.asarray(values, dtype=object)


def _sentence_spans(
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


_PARALLEL_FROM = 20_000  # sentences; below this a second process costs more than it saves
_BATCH_SENTENCES = 20_000  # sentences scanned together: large enough to pay, small in memory
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

    def score(
        self, lo: int, hi: int, lexicon: Lexicon, coaction_weight: float
    ) -> list[list[tuple[str, str, float, str, str, bool]]]:
        """``score_sentence`` over tasks ``lo`` to ``hi``, in order.

        Sentences are taken in batches of ``_BATCH_SENTENCES``: the cues of a batch are
        found in one scan, and the modifiers in another over the sentences that still
        have a cue; only those are scored. Batches bound the memory the scans take.
        """
        results: list[list[tuple[str, str, float, str, str, bool]]] = []
        for start in range(lo, hi, _BATCH_SENTENCES):
            results += self._score_batch(
                start, min(start + _BATCH_SENTENCES, hi), lexicon, coaction_weight
            )
        return results

    def _score_batch(
        self, lo: int, hi: int, lexicon: Lexicon, coaction_weight: float
    ) -> list[list[tuple[str, str, float, str, str, bool]]]:
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
        cued: list[tuple[int, list[tuple[int, int, str]], list[CueMatch]]] = []
        for i, cues in enumerate(lexicon.find_cues_batch(TextBatch(texts))):
            if not cues or all(match.cue.is_stop for match in cues):
                continue
            kept = _actors(texts[i], mentions[first_mention[i] : last_mention[i]])
            if kept is not None:
                matches = _cues_between(cues, kept)
                if matches:
                    cued.append((i, kept, matches))
        batch = TextBatch([texts[i] for i, _, _ in cued])
        negations = lexicon.find_modifiers_batch(batch, "negation")
        reversals = lexicon.find_modifiers_batch(batch, "reversal")
        hedges = lexicon.find_modifiers_batch(batch, "hedge")
        results: list[list[tuple[str, str, float, str, str, bool]]] = [[] for _ in texts]
        forward = self.forward[lo:hi]
        for j, (i, kept, matches) in enumerate(cued):
            results[i] = _score_found(
                texts[i],
                kept,
                matches,
                {"negation": negations[j], "reversal": reversals[j]},
                hedges[j],
                lexicon.window,
                forward[i],
                coaction_weight,
            )
        return results


def _score_forked(cut: tuple[int, int]) -> list[list[tuple[str, str, float, str, str, bool]]]:
    plan: _Plan = _FORKED["plan"]  # type: ignore[assignment]
    # A worker only scores, then ends; here the caller has paused collection already.
    gc.disable()
    return plan.score(*cut, _FORKED["lexicon"], _FORKED["coaction_weight"])  # type: ignore[arg-type]


def _score_all(
    plan: _Plan, lexicon: Lexicon, coaction_weight: float
) -> list[list[tuple[str, str, float, str, str, bool]]]:
    """Score the plan's sentences, on every core for a large corpus; results in task order.

    Shared with forked processes (``analytics.parallel``), which inherit the plan and
    the compiled lexicon.
    """
    n_tasks = len(plan)
    n_workers = fork_workers()
    if n_tasks < _PARALLEL_FROM or n_workers < 2:
        return plan.score(0, n_tasks, lexicon, coaction_weight)
    size = -(-n_tasks // n_workers)
    cuts = [(lo, min(lo + size, n_tasks)) for lo in range(0, n_tasks, size)]
    _FORKED.update(plan=plan, lexicon=lexicon, coaction_weight=coaction_weight)
    try:
        return map_forked(_score_forked, cuts)
    finally:
        _FORKED.clear()


# -- over time ----------------------------------------------------------------


def _normal_pairs(pairs: Iterable[Sequence[str]] | None) -> list[tuple[str, str]] | None:
    if pairs is None:
        return None
    normal = []
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            raise InputError(f"pairs must be (iso3, iso3) tuples; got {pair!r}")
        a, b = pair
        normal.append((min(a, b), max(a, b)))
    return list(dict.fromkeys(normal))


def _select(
    interactions: pd.DataFrame,
    include_forward: bool,
    pairs: list[tuple[str, str]] | None,
) -> pd.DataFrame:
    _check_columns(interactions, S.INTERACTION_COLUMNS, "interactions")
    chosen = interactions
    if not include_forward:
        chosen = chosen[~chosen[S.FORWARD_LOOKING].astype(bool)]
    if pairs is not None:
        wanted = pd.MultiIndex.from_tuples(pairs, names=[S.COUNTRY_A, S.COUNTRY_B])
        index = pd.MultiIndex.from_frame(chosen[[S.COUNTRY_A, S.COUNTRY_B]])
        chosen = chosen[index.isin(wanted)]
    return chosen


# Fewest conflict sentences in a period for it to count as a spike.
SPIKE_MIN_CONFLICTS = 3


def relations_over_time(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    pairs: Iterable[Sequence[str]] | None = None,
    include_forward: bool = False,
    baseline_periods: int = 6,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    spike_k: float = 2.0,
    min_interactions: int = SPIKE_MIN_CONFLICTS,
) -> pd.DataFrame:
    """Tension and alliance per country pair per calendar period.

    ``tension`` sums ``|score|`` of conflict interactions and ``alliance`` sums the
    score of cooperation ones; ``net`` is the mean score (NaN in a period without
    interactions). ``tension_share`` and ``alliance_share`` divide by the number of
    briefings in the whole corpus in that period, so a busy month does not look
    tense; they are NaN in a period with no briefings at all (unobserved, not calm).
    ``baseline`` is the mean ``tension_share`` of up to ``baseline_periods`` earlier
    observed periods (at least two). A period is a ``spike`` when it has at least
    ``min_interactions`` conflict interactions and its ``tension_share`` exceeds
    ``baseline + spike_k * std`` of those same earlier periods.

    Parameters:
        interactions: rows from ``score_interactions``.
        briefings: the briefing table the interactions came from (the denominators).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        pairs: only these ``(iso3, iso3)`` pairs (in any order); listed pairs without
            interactions still get rows.
        include_forward: also count forward-looking interactions.
        start, end: widen or narrow the period range (default: the corpus dates).

    Returns:
        ``schema.RELATION_COLUMNS`` with ``baseline`` before ``spike``; one row per
        pair and period, empty periods kept; sorted by pair, then period.

    Raises:
        InputError: for an unknown ``freq``, malformed pairs or missing columns.
    """
    check_freq(freq)
    if baseline_periods < 2:
        raise InputError(f"baseline_periods must be at least 2; got {baseline_periods!r}")
    _check_columns(briefings, (S.DATE,), "briefings")
    wanted_pairs = _normal_pairs(pairs)
    chosen = _select(interactions, include_forward, wanted_pairs)
    columns = [*S.RELATION_COLUMNS[:-1], S.BASELINE, S.SPIKE]
    empty = pd.DataFrame({column: [] for column in columns})

    corpus_periods = period_start(briefings[S.DATE], freq)
    lo = start if start is not None else corpus_periods.min()
    hi = end if end is not None else corpus_periods.max()
    if pd.isna(lo) or pd.isna(hi):
        return empty
    grid = period_range(lo, hi, freq)
    n_periods = len(grid)
    briefing_slot = grid.get_indexer(corpus_periods)
    n_briefings = np.bincount(briefing_slot[briefing_slot >= 0], minlength=n_periods)

    # Interactions inside the range, as integer (pair, period) cells.
    slot = grid.get_indexer(period_start(chosen[S.DATE], freq))
    inside = slot >= 0
    side_a = chosen[S.COUNTRY_A].to_numpy(dtype=object)[inside]
    side_b = chosen[S.COUNTRY_B].to_numpy(dtype=object)[inside]
    scores = chosen[S.SCORE].to_numpy(dtype=float)[inside]
    slot = slot[inside]
    observed_pairs = pd.MultiIndex.from_arrays([side_a, side_b]).unique()
    if wanted_pairs is not None:
        all_pairs = observed_pairs.append(pd.MultiIndex.from_tuples(wanted_pairs)).unique()
    else:
        all_pairs = observed_pairs
    if len(all_pairs) == 0:
        return empty
    all_pairs = all_pairs.sort_values()
    pair_code = all_pairs.get_indexer(pd.MultiIndex.from_arrays([side_a, side_b]))
    cell = pair_code * n_periods + slot
    n_cells = len(all_pairs) * n_periods

    def total(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=n_cells)

    counts = total(None).astype(np.int64)
    conflicts = total((scores < 0).astype(float))
    tension = total(np.where(scores < 0, -scores, 0.0))
    alliance = total(np.where(scores > 0, scores, 0.0))
    score_sum = total(scores)
    per_period = np.tile(n_briefings, len(all_pairs)).astype(float)
    observed = per_period > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        net = np.where(counts > 0, score_sum / np.maximum(counts, 1), np.nan)
        tension_share = np.where(observed, tension / np.where(observed, per_period, 1), np.nan)
        alliance_share = np.where(observed, alliance / np.where(observed, per_period, 1), np.nan)

    # Every pair has the same contiguous run of periods: one row of cells per pair.
    baseline, spike = spike_cells(
        tension_share.reshape(-1, n_periods),
        conflicts.reshape(-1, n_periods),
        baseline_periods=baseline_periods,
        spike_k=spike_k,
        min_conflicts=min_interactions,
    )
    baseline, spike = baseline.reshape(-1), spike.reshape(-1)
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(grid.to_numpy(), len(all_pairs)),
            S.COUNTRY_A: np.repeat(all_pairs.get_level_values(0).to_numpy(dtype=object), n_periods),
            S.COUNTRY_B: np.repeat(all_pairs.get_level_values(1).to_numpy(dtype=object), n_periods),
            S.N_INTERACTIONS: counts,
            S.TENSION: tension,
            S.ALLIANCE: alliance,
            S.NET: net,
            S.TENSION_SHARE: tension_share,
            S.ALLIANCE_SHARE: alliance_share,
            S.BASELINE: baseline,
            S.SPIKE: spike.astype(bool),
        }
    )[columns]


def pair_net(
    interactions: pd.DataFrame, pair: Sequence[str], start: str, end: str
) -> tuple[float, int]:
    """Mean score and number of reported (not forward-looking) sentences of one pair.

    Parameters:
        interactions: rows from ``score_interactions``.
        pair: two ISO3 codes, in any order.
        start, end: the dates ``[start, end)`` (UTC), e.g. ``"1987-03-01"``.

    Returns:
        ``(net, count)``; ``net`` is NaN when the pair has no sentence then.
    """
    a, b = sorted(pair)
    dates = interactions[S.DATE]
    chosen = interactions[
        (interactions[S.COUNTRY_A] == a)
        & (interactions[S.COUNTRY_B] == b)
        & (dates >= pd.Timestamp(start, tz="UTC"))
        & (dates < pd.Timestamp(end, tz="UTC"))
        & ~interactions[S.FORWARD_LOOKING].astype(bool)
    ]
    return float(chosen[S.SCORE].mean()), len(chosen)


def spike_cells(
    tension_share: np.ndarray,
    conflicts: np.ndarray,
    *,
    baseline_periods: int = 6,
    spike_k: float = 2.0,
    min_conflicts: int = SPIKE_MIN_CONFLICTS,
) -> tuple[np.ndarray, np.ndarray]:
    """The spike rule on a pairs x periods grid of cells.

    A cell's ``baseline`` is the mean ``tension_share`` of up to ``baseline_periods``
    earlier observed periods of its row (at least two); it is a spike when it has at
    least ``min_conflicts`` conflict sentences and its share exceeds the baseline by
    more than ``spike_k`` standard deviations of those same periods.

    Parameters:
        tension_share: shape (pairs, periods); NaN for a period without briefings.
        conflicts: conflict sentences per cell, same shape.

    Returns:
        ``(baseline, spike)``, both shaped like ``tension_share``.
    """
    baseline, spread = trailing_stats(tension_share, baseline_periods)
    with np.errstate(invalid="ignore"):
        spike = (
            ~np.isnan(baseline)
            & (conflicts >= min_conflicts)
            & (tension_share > baseline + spike_k * spread)
        )
    return baseline, spike


def pair_summary(interactions: pd.DataFrame, *, include_forward: bool = False) -> pd.DataFrame:
    """One row per country pair over the whole table: for the pair matrix and network.

    Parameters:
        interactions: rows from ``score_interactions``.
        include_forward: also count forward-looking interactions.

    Returns:
        ``country_a``, ``country_b``, ``n_interactions``, ``tension`` (sum of ``|score|``
        of conflict rows), ``alliance`` (sum of cooperation scores), ``net`` (mean
        score); most interactions first, then by pair.
    """
    chosen = _select(interactions, include_forward, None)
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.TENSION, S.ALLIANCE, S.NET]
    if chosen.empty:
        return pd.DataFrame({column: [] for column in columns})
    scores = chosen[S.SCORE].astype(float)
    frame = pd.DataFrame(
        {
            S.COUNTRY_A: chosen[S.COUNTRY_A],
            S.COUNTRY_B: chosen[S.COUNTRY_B],
            S.TENSION: scores.where(scores < 0, 0.0).abs(),
            S.ALLIANCE: scores.where(scores > 0, 0.0),
            S.NET: scores,
        }
    )
    summary = (
        frame.groupby([S.COUNTRY_A, S.COUNTRY_B], sort=True)
        .agg(
            **{
                S.N_INTERACTIONS: (S.NET, "size"),
                S.TENSION: (S.TENSION, "sum"),
                S.ALLIANCE: (S.ALLIANCE, "sum"),
                S.NET: (S.NET, "mean"),
            }
        )
        .reset_index()
    )
    summary = summary.sort_values(
        [S.N_INTERACTIONS, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True], kind="stable"
    )
    return summary[columns].reset_index(drop=True)
