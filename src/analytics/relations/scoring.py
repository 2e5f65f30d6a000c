"""Sentence-level country pairs scored from tension to alliance, with their evidence.

Co-mention is not a relation. In every sentence the actor mentions (names,
aliases, demonyms, capitals, leaders; not places) are grouped, and a pair is
scored only from cues that sit between the two groups that they relate. The
method needs no model: regular expressions over the sentence and a few rules.

1. **Locations are not actors.** A dateline opening the sentence ("WASHINGTON,
   March 31 -") and a capital after "in/at/from/to/near" ("talks in London") are
   dropped.
2. **Topic labels.** A label opening a summary ("Israeli-Palestinian Conflict: ...")
   relates no one: its mentions and cues are left out.
3. **Clauses.** A sentence is cut at ``;``, ``--`` and before ", while", ", but",
   ", whereas", ", although", ", though", ", however", ", saying", ", adding",
   ", according to"; a relative clause (", which", ", who", ", whose", ", where")
   runs to the next comma and is a clause of its own. Pairs never cross a clause.
4. **Actor groups.** Mentions joined only by "and", commas (in a list that ends
   with "and"), hyphens, slashes, "the" or "both" act together ("Britain and the
   United States", "Japan-U.S.-South Korea"); so do "X's relations/ties with Y" and
   a demonym whose office, name or forces come before the "and" ("Venezuelan
   President Nicolas Maduro and Guyanese President ...", "Russian troops and
   Ukrainian soldiers").
5. **Gaps.** A cue between two consecutive groups (at most 15 words from each)
   relates every country of the group before to every country of the group after
   (subject and object: "Britain and the United States condemned Russia's strike
   on Ukraine" gives condemn to GBR-RUS and RUS-USA, strike to RUS-UKR, nothing to
   GBR-UKR). Support for "anti-X" forces is hostility to X.
6. **Mutual cues** (alliance, talks, tensions, agreement...) also relate the
   countries inside one group: the first cue right after a group ("the U.S.-Japan
   alliance"), the last one before "between/among/of" a group ("tensions between
   China and Taiwan"), or one at the end of a clause whose last group did it
   together ("the U.S. and Japan agreed to strengthen their alliance"; not when a
   non-country partner follows: "reached agreement with commercial banks").
7. **Acting together.** Countries that perform a directed cue together ("Britain
   and the United States condemned ...") get a ``neutral`` row: no cue of their
   own, the shared cue as evidence, and a small positive score (``coaction_weight``,
   default 1, CAMEO's weight for consultation) because acting in concert is weak
   alignment, never conflict. A list after "on/against/to/into/over" is acted on and
   does nothing together ("tariffs on A, B and C"), nor does a list of places after
   "in/at/across/throughout/within/inside" ("rebels based in A, B and C"; "the juntas in
   A and B" are states); "A and B accuse each other" is the
   cue done by each to the other; the agents of a passive act together ("a truce
   mediated by A, B and C"); a list right before a joint act (class ``joint``:
   "A, B and C announced ...", "... all call for a ceasefire") acts together and
   relates no one else by it. Mediators (the agents of a mediation cue, CAMEO 045:
   "a deal mediated by A and B", "A and B acting as mediators", "mediators including
   A and B") relate to every other acting country of the clause, the parties (rule 9
   of the annotation), as cooperation. An act suffered somewhere ("a British soldier
   was killed in Iraq", "the Israeli soldier killed in the West Bank": a participle
   after a form of "be" or right after the group, then "in/near/at") does not relate
   the sufferer's state to the place. A mutual noun right after one country ("a Gaza
   ceasefire", "the Ukraine peace talks") names its topic and relates no one across,
   unless "with/against/between/and/to" ties the next country to it. A list does not act
   on one of its own members: "Russia and China hold war games in Russia" names where the
   list acts, and relates its members as acting together (or by a mutual cue).
8. **Nouns are not acts.** A mutual conflict noun that talks are about ("met to talk about
   their strained relations", "to discuss the war") is their topic and relates no one.
   When a gap holds a verb cue, the verbs speak for the gap and its noun cues are their
   objects ("violated the agreement" is conflict,
   "trade talks collapsed" is conflict); when verb and nouns disagree in sign the
   conflicting cues win ("supported sanctions against Iran" is conflict). A verb
   just before a group also overrules the noun the group modifies ("violating the
   U.S.-Japan agreement").
9. **Modifiers.** A negation up to three words before a cue ("did not condemn",
   "refused to sign", "no sign of cooperation") cancels a conflict cue and turns a
   cooperation cue into mild conflict (weight -w/2, like CAMEO "reject"); a
   reversal ("lifted sanctions", "eased tensions", "suspended talks") flips the
   sign and halves the weight; a negated reversal ("refused to lift sanctions")
   leaves the cue as it is. A hedge ("could", "plans to", "will") earlier in the
   cue's gap or anywhere in the gap before, or the ``next`` section, marks the cue
   forward-looking.
10. **Combining.** A pair's score in a sentence is the mean of its cue weights;
   cues that describe what happened win over forward-looking ones, which win over
   acting together. The class is that of the strongest cue sharing the score's
   sign; ``neutral`` for acting together or a score of exactly 0.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.relations.cue_tables import (
    CONFLICT_CLASSES,
    COOPERATION_CLASSES,
    NEUTRAL_CLASS,
    cues_path,
    modifiers_path,
)
from analytics.relations.grammar import (
    _AGENT_BETWEEN,
    _ANTI,
    _OBJECT_AFTER_AT,
    _REACH_WORDS,
    _RECIPROCAL,
    _cast,
    _clause_ids,
    _clause_of,
    _cues_between,
    _Group,
    _group_mentions,
    _inner_pairs,
    _more_words_than,
    _owning_group,
    _pairs,
    _stands_between,
    is_agent_group,
    is_object_group,
    is_passive_subject,
    is_place_list,
    relative_subjects,
    topic_label_end,
)
from analytics.relations.lexicon import CueMatch, Lexicon, word_positions
from analytics.relations.roles import _POSSESSIVE

# A meeting, call or visit named by a phrase opening the sentence ("After talks with A,
# B ...", "During a visit to A, ..."): the phrase's subject is the sentence's.
_FRONTED = re.compile(
    r"\s*(?:after|following|during|in|at|on|before|ahead\s+of)\s+"
    r"(?:(?:a|an|the|his|her|its|their)\s+)?(?:[\w'\u2019-]+\s+){0,3}",
    re.IGNORECASE,
)
_FRONTED_WORDS = 4  # words allowed around the partner and before the subject
_PARTNER_BEFORE = re.compile(r"\b(?:with|to)\s+(?:[\w'\u2019.-]+\s+){0,3}$", re.IGNORECASE)
_MEETING_CAMEOS = frozenset({"04", "042", "043", "044", "046"})
# Between a noun's agent and the group it acts on ("an attack by A on B", "a visit by
# A's leader to B"): a few words, then the preposition of the object.
_OBJECT_AFTER_AGENT = re.compile(
    r"(?:['\u2019]s)?\s+(?:[\w'\u2019.-]+\s+){0,3}?(?:on|against|to|into|toward|towards)\s+"
    r"(?:the\s+)?",
    re.IGNORECASE,
)
# Acts on envoys: summoned (114), expelled, recalled, declared unwelcome (16).
_DIPLOMATIC_CAMEOS = ("114", "16")
# An envoy's post between two countries: the first country's envoy to the second.
_POST_OF = re.compile(
    r"(?:['\u2019]s)?\s+(?:ambassadors?|envoys?|diplomats?|charg[e\u00e9]s? d['\u2019]affaires)"
    r"\s+(?:to|in)\s+(?:the\s+)?",
    re.IGNORECASE,
)

# Natural hazards and accidents: the agent of harm when named before a conflict cue
# (``_by_mishap``).
# A storm only as a weather word: "protesters storm the embassy" is an act.
_HAZARD = re.compile(
    r"\b(?:hurricanes?|typhoons?|cyclones?|earthquakes?|quakes?|tsunamis?|"
    r"(?:tropical|winter|ice|dust|sand)\s+storms?|(?-i:Storm\s+[A-Z])|"
    r"(?:snow|rain|hail|thunder)storms?|floods?|flooding|floodwaters|tornado(?:es)?|"
    r"volcan\w*|eruptions?|landslides?|mudslides?|avalanches?|wildfires?|bushfires?|"
    r"forest\s+fires?|heat\s*waves?|droughts?|blizzards?|downpours?|torrential\s+rains?|"
    # Accidents.
    r"crash|crashes|crashed|capsiz\w+|derail\w*|accidents?)\b"
    # Not an aircraft named after one ("Typhoon fighter jets").
    r"(?!\s+(?:fighter|jet|aircraft|plane|warplane|bomber|helicopter)s?\b)",
    re.IGNORECASE,
)
_HAZARD_REACH = 120
# The cues a hazard or an accident can do: threats and warnings, assaults, fighting, mass
# violence (CAMEO 13, 18, 19, 20); no hazard criticises or sanctions.
_HARM_CAMEO = ("13", "18", "19", "20")
_SINKS = re.compile(r"sinks?|sank|sunk", re.IGNORECASE)
# What follows a verb with no object: a place, a time, a clause or the end.
_NO_OBJECT = re.compile(
    r"\s*(?:[,.;:)]|$|(?:off|in|near|at|after|while|during|to|on|with|within|into|"
    r"and|but|as|when|because)\b)",
    re.IGNORECASE,
)
# A hazard named as a time ("after the earthquake, ..."): what follows is someone's act.
_MERE_TIME = re.compile(
    r"\b(?:after|following|since|amid|despite|before|during)\s+(?:the\s+)?$", re.I
)
_WARNING = re.compile(r"warn|threat", re.IGNORECASE)
_WARNING_OF = re.compile(r"\s+(?:of|about|for)\s+(?:an?\s+|the\s+|possible\s+|more\s+)*", re.I)
# Cues sport shares with diplomacy and war, and the words only sport uses (``_in_sport``).
_SPORT_CUES = frozenset(
    {"host", "meet", "meet with", "fight", "clash", "fighting", "slam", "tie-up"}
)
_SPORT_WORDS = re.compile(
    r"\b(?:semi-?finals?|quarter-?finals?|Grand\s+Slam|World\s+Cup|Championships|"
    r"tournament|penalties|on\s+penalties|Cup\s+of\s+Nations|Six\s+Nations|Champions\s+League|"
    r"Premier\s+League|Olympic\s+champions|Euro\s+\d{4}|futsal|wickets?|"
    r"(?:Commonwealth|Olympic|Asian|Pan\s+American|African|Mediterranean)\s+Games|"
    r"(?:football|soccer|tennis|cricket|rugby|hockey|basketball|volleyball|handball|"
    r"wrestling|boxing|chess)\s+(?:match|team|final|title|championship|tournament|game)s?|"
    r"[Ii]n\s+(?:association\s+)?(?:football|soccer|tennis|cricket|rugby|ice\s+hockey|"
    r"hockey|basketball|volleyball|handball|wrestling|athletics|boxing|chess|golf|cycling|"
    r"baseball|motor\s+racing|motorsport|Formula\s+One|sailing|skiing|swimming|rowing|"
    r"badminton|table\s+tennis|snooker|darts|gymnastics|judo|taekwondo|fencing),)"
)
# The destination or source of an act right before a country ("... to France").
_TO_OR_FROM = re.compile(r"\b(?:to|from|by)\s+(?:the\s+)?$", re.IGNORECASE)
# A word of the form of a present participle: the start of a clause of its own.
_GERUND = re.compile(r"\b[a-z]{2,}ing\b")
# Words allowed between a list and the act it does together ("A and B all/jointly call").
_JOINT_WORDS = 3
# "A joins B in condemning ...": whoever is joined does the act with the joiner.
_JOIN = re.compile(r"join", re.IGNORECASE)
_IN_DOING = re.compile(r"\s+in\s+[a-z]+ing\b", re.IGNORECASE)
# The passive of an act suffered somewhere ("was killed in Iraq"): a participle, "in/near/
# at" and the place, and a form of "be" before it or the sufferer right before it.
_PARTICIPLE = re.compile(r"(?:ed|shot|hit|struck|taken|held|beaten|seized)$", re.IGNORECASE)
# The place may be named as a part of the country ("in the northern Salahuddin province
# of Iraq") and a few words after the act ("killed by small arms fire in ...").
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|at|inside)\s+(?:the\s+)?(?:[\w'\u2019-]+\s+){0,4}?(?:of\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
_SUFFERED_WORDS = 16
_PLACE_AFTER = re.compile(r"\s+(?:in|near|at|inside)\s+(?:the\s+)?", re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|been|being|be|get|gets|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
_ADJACENT = re.compile(r"\s+(?:[\w'\u2019-]+\s+)?", re.IGNORECASE)
# Words that tie a country to a mutual noun before it ("talks resume with the U.S.").
_PARTNER = re.compile(r"\b(?:with|against|between|among|and|to)\b", re.IGNORECASE)
# The CAMEO category of mediation, whose cues relate the mediators to every party.
MEDIATE_CAMEO = "045"
# Words allowed between mediators and the mediation cue ("Qatar and Egypt acting as mediators").
_MEDIATOR_WORDS = 4
# A mediator noun introducing the mediators ("mediators including Qatar and Egypt").
_INTRODUCED = re.compile(r"\s*,?\s+(?:including|such\s+as|like|led\s+by)\s+(?:the\s+)?", re.I)


# A reaction felt somewhere: "raised concern in Seoul and Tokyo", "fuelling suspicion in
# Washington". Capitals and countries after it are the governments that react, and what
# they react to is said after "that", "about" or "over" ("... that Russia could help").
_REACTION = re.compile(
    r"(?:concerns?|fears?|suspicions?|alarm|worries|unease|anger|outrage)$", re.IGNORECASE
)
_REACTION_IN = re.compile(r"\s+(?:in|among)\s+(?:the\s+)?", re.IGNORECASE)
_REACTED_TO = re.compile(
    r",?\s+(?:that|about|over)\s+(?:(?!that\b|about\b|over\b)[\w'\u2019-]+\s+){0,5}?"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


# What talks are about: a conflict noun a few words after "discuss" or "talk about" ("meets
# him to talk about the two countries' strained relations", "to discuss the war") is the
# topic of the talks, not an act of the talkers.
_TOPIC_BEFORE = re.compile(
    r"\b(?:discuss(?:es|ed|ing)?|talk(?:s|ed|ing)?\s+(?:about|over)|talks\s+on)\s+"
    r"(?:[^\s,;:.()]+\s+){0,5}$",
    re.IGNORECASE,
)
_TOPIC_REACH = 60  # characters looked at before a cue for the words that make it a topic


# Named tuples rather than frozen dataclasses: hundreds of thousands are made per corpus,
# and forked scoring processes send them back pickled.
class PairScore(NamedTuple):
    """One related country pair in one sentence: what ``score_sentence`` gives per pair."""

    country_a: str
    country_b: str
    score: float
    cue_class: str
    cues: str
    forward_looking: bool


class _Effect(NamedTuple):
    """A cue after modifiers: weight (None for neutral co-action) and evidence."""

    weight: float | None
    cue_class: str
    surface: str
    position: int
    forward: bool


# A passive act's adjunct of time or cause before the next country ("were attacked
# following Riyadh's execution ..."): the country there is not what the act is on.
_PASSIVE_ADJUNCT = re.compile(
    r"\s+(?:[\w'\u2019-]+\s+){0,3}?(?:following|after|before|during|despite|amid|since)\s+"
    r"(?:(?:the|a|an|its|their)\s+)?(?:[\w'\u2019-]+\s+){0,2}?",
    re.IGNORECASE,
)
# What a criticism condemns: an act of harm and where or on whom it fell, its doer unnamed
# ("the bombing of a mosque in", "the deadly attacks on", "the killing of two soldiers
# near"); a possessive or a country before the act names its doer and ends the match.
_CRITICISE_CAMEO = "111"
_CONDEMNED_ACT = re.compile(
    r"\s+(?:the|a|an|this|that|these|those|last\s+\w+'s|\w+day's)\s+"
    r"(?:(?-i:[a-z])[\w-]*\s+){0,3}?"
    r"(?:attacks?|bombings?|(?:suicide\s+)?blasts?|explosions?|assaults?|(?:air\s*)?strikes?|"
    r"airstrikes?|killings?|shootings?|massacres?|raids?|shelling|hijacking|kidnappings?|"
    r"abductions?|murders?|assassinations?|atrocit(?:y|ies)|violence)"
    r"\s+(?:on|against|in|at|of|near|inside)\s+(?:(?-i:[a-z])[\w-]*\s+){0,5}?(?:the\s+)?",
    re.IGNORECASE,
)


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


def score_sentence(
    text: str,
    mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]],
    lexicon: Lexicon,
    *,
    forward_section: bool = False,
    coaction_weight: float = 1.0,
) -> list[PairScore]:
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
        One ``PairScore`` (country_a, country_b, score, class, cues, forward_looking)
        per related pair, ``country_a < country_b``, in pair order.
    """
    label_end = topic_label_end(text)
    cast = _cast(text, [m for m in mentions if m[0] >= label_end])
    if cast is None:
        return []
    kept, bystanders = cast
    words = word_positions(text)
    found = [m for m in lexicon.find_cues(text, words) if m.start >= label_end]
    matches = _cues_between(found, kept)
    if not matches:
        return []
    modifiers = {
        kind: lexicon.find_modifiers(text, kind, words) for kind in ("negation", "reversal")
    }
    hedges = lexicon.find_modifiers(text, "hedge", words)
    return _score_found(
        text,
        kept,
        matches,
        modifiers,
        hedges,
        lexicon.window,
        forward_section,
        coaction_weight,
        bystanders,
    )


def _score_found(
    text: str,
    kept: list[tuple[int, int, str]],
    matches: list[CueMatch],
    modifiers: dict[str, list[tuple[int, int]]],
    hedges: list[tuple[int, int]],
    window: int,
    forward_section: bool,
    coaction_weight: float,
    bystanders: Sequence[tuple[int, str]] = (),
) -> list[PairScore]:
    """``score_sentence`` once its actors, cues and modifiers are found.

    ``bystanders`` are the mentions that do not act, sorted: start, iso3 (``_cast``).
    """
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
            bystanders,
        )
        return [
            _combine(pair, effects, coaction_weight)
            for pair, effects in sorted(contributions.items())
        ]
    by_clause: dict[int, list[tuple[int, int, str]]] = {}
    for mention in kept:
        by_clause.setdefault(_clause_of(clause_starts, clause_ids, mention[0]), []).append(mention)
    for clause, subjects in relative_subjects(text, kept, clause_starts, clause_ids).items():
        by_clause[clause] = subjects + by_clause.get(clause, [])
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
            bystanders,
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
    bystanders: Sequence[tuple[int, str]] = (),
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
        forward = (
            forward_section
            or first_hedge_end.get(gap, match.start + 1) <= match.start
            or gap - 1 in first_hedge_end
        )
        if match.cue.is_joint:
            _add_joint(
                text,
                groups[gap - 1] if gap > 0 else None,
                groups[gap] if gap < len(groups) else None,
                match,
                floor,
                modifiers,
                window,
                forward,
                contributions,
            )
            continue
        if _is_topic(text, match) or _by_mishap(text, match) or _in_sport(text, match):
            continue
        if _fights_non_state(text, match):
            if _modifier_before(text, modifiers["negation"], floor, match.start, window) is None:
                _add_fight_together(
                    text, groups[gap - 1] if gap > 0 else None, match, forward, contributions
                )
            continue
        weight, cue_class, evidence_start = _apply_modifiers(text, match, floor, modifiers, window)
        if weight is None:
            continue
        effect = _Effect(weight, cue_class, text[evidence_start : match.end], match.start, forward)
        by_gap.setdefault(gap, []).append((match, effect))

    def add(pairs: list[tuple[str, str]], effect: _Effect) -> None:
        for pair in pairs:
            contributions.setdefault(pair, []).append(effect)

    # "Ukraine condemns an attack by Russia on Poland": a noun whose agent and target follow
    # it is an act of its own, which the verb of its gap does not speak for.
    for gap, effects in by_gap.items():
        if gap >= len(groups) or not any(match.cue.pos == "verb" for match, _ in effects):
            continue
        own_acts = []
        for match, effect in effects:
            if match.cue.pos != "noun" or not is_agent_group(
                text, match.start, match.end, groups[gap]
            ):
                continue
            beyond = _target_after_agent(text, groups, gap, match)
            if beyond is not None:
                add(_pairs(groups[gap].countries, beyond.countries), effect)
                own_acts.append(match)
        if own_acts:
            by_gap[gap] = [(match, effect) for match, effect in effects if match not in own_acts]
    governed = {gap: _govern(effects) for gap, effects in by_gap.items() if effects}
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
        condemned = _condemned_act(text, effects, left, right)
        for match, effect in effects:
            if condemned is not None and left is not None and right is not None:
                # "France condemned the bombing of a mosque in Pakistan": the act is no
                # one's named; the country it fell on or in has the condemner's sympathy.
                if match is condemned:
                    add(_pairs(left.countries, right.countries), _reversed(effect))
                    add(_inner_pairs(left), _neutral(effect))
                if match.start >= condemned.start:
                    continue
            mutual = match.cue.direction == "mutual"
            if match.cue.cameo == MEDIATE_CAMEO:
                _add_mediation(text, groups, left, right, match, effect, contributions)
                # "broker a deal between Israel and the Palestinians": the verb speaks
                # for its gap, but the pact it brokers is the parties' own (rule 9).
                for other, other_effect in by_gap.get(gap, []):
                    if (
                        right is not None
                        and other.start > match.end
                        and other.cue.direction == "mutual"
                        and other.cue.pos != "verb"
                        and other_effect.weight is not None
                        and other_effect.weight > 0
                        and _owning_group(text, other, None, right, cue_starts[gap]) is right
                    ):
                        add(_inner_pairs(right), other_effect)
                        break
            if mutual and match.cue.pos != "verb":
                owner = _owning_group(text, match, left, right, cue_starts[gap])
                if owner is not None:
                    # "violating the U.S.-Japan agreement": the verb before the group
                    # governs the noun the group modifies.
                    owner_gap = gap - 1 if owner is left else gap
                    if not verb_signs.get(owner_gap, set()) - {_sign(effect.weight)}:
                        add(_inner_pairs(owner), effect)
                    continue
            elif (
                mutual
                and right is not None
                and _owning_group(text, match, None, right, cue_starts[gap]) is right
            ):
                # "efforts to normalise relations between Israel and Saudi Arabia": the
                # list after "between" does the mutual act too.
                add(_inner_pairs(right), effect)
            if right is not None and _reacted_to(text, groups, gap, match, effect, contributions):
                continue
            if right is not None and is_agent_group(text, match.start, match.end, right):
                # "a truce mediated by Qatar, Egypt and the U.S.", "with the help of A and
                # B": the agents act together.
                positive = effect.weight is not None and effect.weight > 0
                add(_inner_pairs(right), effect if mutual and positive else _neutral(effect))
                target_beyond = _target_after_agent(text, groups, gap, match)
                if target_beyond is not None:
                    # "an attack by Russia on Ukraine", "a visit by the Chinese president
                    # to Moscow": the agent acts on the group after it.
                    add(_pairs(right.countries, target_beyond.countries), effect)
                    continue
            if left is None and right is not None:
                doer = _fronted_doer(text, groups, match, right)
                if doer is not None:
                    # "After a call with the Egyptian president, Biden said ...": the
                    # meeting that opens the sentence is its subject's.
                    add(_pairs(doer.countries, right.countries), effect)
                    continue
            if left is None or _more_words_than(text, left.end, match.start, _REACH_WORDS):
                continue
            # A list acted on ("tariffs on A, B and C", "A and B were invited") or a list of
            # places ("based in A, B and C") does nothing together.
            passive = match.cue.pos == "verb" and is_passive_subject(text, left, match.start)
            acted_on = is_object_group(text, left) or is_place_list(text, left) or passive
            diplomatic = match.cue.cameo.startswith(_DIPLOMATIC_CAMEOS)
            holder = _post_holder(text, groups, gap - 1) if passive and diplomatic else None
            if holder is not None:
                # "Japan's ambassador to China was summoned (by the Chinese ministry)": the
                # envoy is acted on, by the host or by the agent named.
                actor = left
                if right is not None and not _within(right, left):
                    if is_agent_group(text, match.start, match.end, right):
                        actor = right
                add(_pairs(holder.countries, actor.countries), effect)
                continue
            inner = [] if acted_on else _inner_pairs(left)
            reciprocal = _RECIPROCAL.match(text, match.end) is not None
            # "Russia and China hold war games in Russia": a list does not act on one of
            # its own members; the country after the cue is where the list acts.
            target = None if right is None or _within(right, left) else right
            if (
                target is not None
                and _stands_between(bystanders, match.end, target.start, target.countries)
                and not _sent_on(text, match, target)
            ):
                # The act is on someone or somewhere of another country ("signs the Treaty
                # of Lisbon, leaving the Czech Republic ..."): no country beyond is its
                # target, and a list before it does it together only when the act is
                # mutual ("A, B and C hold a meeting at the Seoul summit"), not when it is
                # merely named in one breath ("summons the envoys of A, B and C to protest").
                if (mutual and not _OBJECT_AFTER_AT.match(text, match.end)) or reciprocal:
                    add(inner, effect)
                continue
            if (
                passive
                and target is not None
                and _PASSIVE_ADJUNCT.fullmatch(text, match.end, target.start) is not None
            ):
                # "missions in Iran were attacked following Riyadh's execution of a
                # cleric": a passive act has no object; what follows "after" is a time.
                target = None
            if target is not None and _object_then_verb(text, left, match):
                # "imposes sanctions on Iran and expresses support for Libya": a group
                # acted on does not do what the sentence's subject goes on to do.
                target = None
            if target is not None and _suffered_in(text, left, match, target):
                continue
            if target is not None and _happens_in(text, match, target):
                continue
            if target is not None and _talked_about(text, match, target):
                target = None
            if target is not None and _topic_of(text, left, match, target):
                continue
            if target is not None and not _more_words_than(
                text, match.end, target.start, _REACH_WORDS
            ):
                cross = _reversed(effect) if against_right else effect
                add(_pairs(left.countries, target.countries), cross)
                if (mutual and effect.weight is not None and effect.weight > 0) or reciprocal:
                    add(inner, effect)
                else:
                    add(inner, _neutral(effect))
            else:
                # "reached agreement with commercial banks": the partner is not a country;
                # nor is a country beyond the cue's reach ("A and B agreed to restore
                # relations ..., in a deal announced after talks brokered by C").
                jointly = (mutual and not _OBJECT_AFTER_AT.match(text, match.end)) or reciprocal
                add(inner, effect if jointly else _neutral(effect))


def _condemned_act(
    text: str,
    effects: list[tuple[CueMatch, _Effect]],
    left: _Group | None,
    right: _Group | None,
) -> CueMatch | None:
    """The criticism (CAMEO 111) whose object is an act of harm that fell on or in the
    group after it, its doer unnamed: "condemned the bombing of a mosque in Pakistan",
    "condemn the attack in southern Israel", "the terrorist attack on Pakistan's army".
    Not when a country stands before the act ("the U.S. attack on Iraq": a group between
    them) or the act is a seizure of power, whose doers then hold the state."""
    if left is None or right is None:
        return None
    for match, _ in effects:
        if match.cue.cameo == _CRITICISE_CAMEO and match.cue.weight < 0:
            if _CONDEMNED_ACT.fullmatch(text, match.end, right.start) is not None:
                return match
    return None


def _target_after_agent(
    text: str, groups: list[_Group], gap: int, match: CueMatch
) -> _Group | None:
    """The group a noun's agent acts on: "an attack by A on B" (B), or ``None``.

    ``groups[gap]`` is the agent right after the noun; the next group counts when a
    preposition of the act's object comes between them, with a few words at most.
    """
    if match.cue.pos != "noun" or gap + 1 >= len(groups):
        return None
    agent, beyond = groups[gap], groups[gap + 1]
    if not _OBJECT_AFTER_AGENT.fullmatch(text, agent.end, beyond.start):
        return None
    return None if set(beyond.countries) <= set(agent.countries) else beyond


def _post_holder(text: str, groups: list[_Group], index: int) -> _Group | None:
    """The group whose envoy is posted to group ``index`` ("Japan's ambassador to China").

    ``None`` unless the text between the two is an envoy's post: the envoy, not the
    country it is posted to, is what a passive cue acts on.
    """
    if index < 1:
        return None
    holder = groups[index - 1]
    return holder if _POST_OF.fullmatch(text, holder.end, groups[index].start) else None


def _fronted_doer(text: str, groups: list[_Group], match: CueMatch, right: _Group) -> _Group | None:
    """The subject after a meeting or visit that opens the sentence, or ``None``.

    "After a call with A, B said ...", "During a visit to A, B's leader warns C": a
    phrase naming a meeting, call or visit opens the sentence and ends at a comma; the
    group right after the comma is its subject, and so the one who met or visited.
    """
    if match.cue.pos != "noun" or match.cue.cameo not in _MEETING_CAMEOS:
        return None
    if not _FRONTED.fullmatch(text, 0, match.start):
        return None
    if not _PARTNER_BEFORE.search(text, match.start, right.start):
        return None  # "At a summit in Nice, France, ...": a place, not a partner
    comma = text.find(",", right.end)
    if comma == -1 or _more_words_than(text, match.end, right.start, _FRONTED_WORDS):
        return None
    if _more_words_than(text, right.end, comma, _FRONTED_WORDS):
        return None
    after = next((group for group in groups if group.start > comma), None)
    if after is None or _more_words_than(text, comma, after.start, _FRONTED_WORDS):
        return None
    return after


def _sent_on(text: str, match: CueMatch, target: _Group) -> bool:
    """Whether the cue's act goes on "to" or comes "from" the target past someone else of
    another country: "extradites a Panamanian general to France", "the extradition of an
    Italian businessman from Argentina". A clause of that person's own in between ("a ship
    travelling to Gaza", "militants operating close to the border") makes it their act.
    """
    return (
        _TO_OR_FROM.search(text, max(0, target.start - 10), target.start) is not None
        and _GERUND.search(text, match.end, target.start) is None
    )


def _is_topic(text: str, match: CueMatch) -> bool:
    """Whether a conflict noun is what talks are about ("to talk about the two countries'
    strained relations", "met to discuss the war"): a mutual conflict cue that is no verb,
    at most five words after "discuss", "talk about/over" or "talks on" with no punctuation
    between. The talks relate the talkers (their own cue); the topic relates no one.
    """
    cue = match.cue
    if cue.pos == "verb" or cue.direction != "mutual" or cue.weight >= 0:
        return False
    return _TOPIC_BEFORE.search(text, max(0, match.start - _TOPIC_REACH), match.start) is not None


def _by_mishap(text: str, match: CueMatch) -> bool:
    """Whether a conflict cue is the act of a natural hazard or an accident, no state's: the
    hazard or accident named before it in the sentence ("Floods in Poland kill five",
    "Typhoon Nanmadol hits Taiwan after killing 11 people in the Philippines", "two
    helicopters crash near Herat, killing Spanish troops"), a warning of one ("a hurricane
    warning", "warns of flooding"), or a ship that sinks with no object ("a cargo ship sinks
    off Japan"; not "sinks a warship"). Not when the hazard is only when something else
    happens ("after the earthquake, A strikes B").
    """
    if match.cue.weight >= 0 or not match.cue.cameo.startswith(_HARM_CAMEO):
        return False
    if _SINKS.fullmatch(match.surface) and _NO_OBJECT.match(text, match.end):
        return True
    start = text.rfind(";", 0, match.start) + 1
    for hazard in _HAZARD.finditer(text, max(start, match.start - _HAZARD_REACH), match.start):
        if not _MERE_TIME.search(text, max(0, hazard.start() - 12), hazard.start()):
            return True
    if not _WARNING.match(match.surface):
        return False
    of = _WARNING_OF.match(text, match.end)
    return of is not None and _HAZARD.match(text, of.end()) is not None


def _in_sport(text: str, match: CueMatch) -> bool:
    """Whether a cue that sport shares with diplomacy and war ("host", "meet", "fight",
    "clash", "slam", "tie-up") is sport's in this sentence: a word only sport uses is in it
    ("Mali eliminates hosts South Africa on penalties to reach the semi-finals", "Iran and
    Russia meet in the final of the Wrestling World Championships"). The countries are
    teams there; other cues in the sentence still count ("Egypt recalls its ambassador to
    Algeria after violence towards its football fans").
    """
    return match.cue.phrase in _SPORT_CUES and _SPORT_WORDS.search(text) is not None


_IN_RIGHT_AFTER = re.compile(r"\s+(?:in|across|throughout)\s+(?:the\s+)?", re.IGNORECASE)


def _happens_in(text: str, match: CueMatch, right: _Group) -> bool:
    """Whether a conflict cue names where it happens, not whom it is with: "in response
    to conflicts in Iraq and Syria", "violence across A and B", "soldiers killed in Iraq
    and Afghanistan". A conflict cue right before a list of places (``is_place_list``)
    has its parties elsewhere or unnamed, so the list is not its target. One country
    after it may still be ("the war in Ukraine", "strikes in Syria").
    """
    return (
        match.cue.weight < 0
        and _IN_RIGHT_AFTER.fullmatch(text, match.end, right.start) is not None
        and is_place_list(text, right)
    )


# What talks are about is their topic ("Cabinet discussions regarding the invasion of Iraq",
# "talks on Iran's nuclear programme"), unless a partner follows ("talks on Monday with Iran").
_ABOUT_AFTER = re.compile(r"\s+(?:about|regarding|concerning|over|on)\b", re.IGNORECASE)
_VENUE_BEFORE_GROUP = re.compile(r"\b(?:in|at|hosted\s+by)\s+(?:the\s+)?$", re.IGNORECASE)
_PARTNER_WORD = re.compile(r"\b(?:with|between|among|to)\b", re.IGNORECASE)


def _talked_about(text: str, match: CueMatch, right: _Group) -> bool:
    """Whether the group after a mutual talks cue (CAMEO 04, consult) is what the talks
    are about: "about", "regarding", "concerning", "over" or "on" right after the cue, no
    word naming a partner ("with", "between") before the group, and the group not the
    owner of the topic ("talks on Iran's nuclear programme" are with Iran)."""
    cue = match.cue
    return (
        cue.direction == "mutual"
        and cue.weight > 0
        and cue.cameo.startswith("04")
        and _ABOUT_AFTER.match(text, match.end) is not None
        and _PARTNER_WORD.search(text, match.end, right.start) is None
        # "a summit on nuclear weapons in the United States": where it is held, not its topic.
        and _VENUE_BEFORE_GROUP.search(text, match.end, right.start) is None
        # "talks on Iran's nuclear programme": whose programme is talked about is a party.
        and _POSSESSIVE.match(text, right.end) is None
    )


def _within(right: _Group, left: _Group) -> bool:
    """Whether every country of ``right`` is in ``left``, which names two or more."""
    return len(left.countries) > 1 and set(right.countries) <= set(left.countries)


def _reacted_to(
    text: str,
    groups: list[_Group],
    gap: int,
    match: CueMatch,
    effect: _Effect,
    contributions: dict[tuple[str, str], list[_Effect]],
) -> bool:
    """A reaction felt by the group right after the cue, towards the group it is about:
    "raises concern in Seoul, Tokyo and Washington that Russia could help ...". The
    reacting governments relate to what they react to (not to whoever raised it: "views on
    Taiwan raised concern in Beijing" is not about Taiwan's acts), and share the reaction.
    With nothing named after them, they react to the acting subject that raised it
    ("Japan's moves raised concern in Beijing and Seoul"), within reach of the cue.

    Returns:
        Whether the cue was read so (its pairs, if any, are added).
    """
    right = groups[gap]
    if _REACTION.search(text, match.start, match.end) is None:
        return False
    felt = _REACTION_IN.match(text, match.end)
    if felt is None or felt.end() != right.start:
        return False
    target = groups[gap + 1] if gap + 1 < len(groups) else None
    if target is None or _REACTED_TO.fullmatch(text, right.end, target.start) is None:
        # Nothing named to react to: the reaction is to whoever raised it, unless the
        # country before the cue is only what that was about ("views on Taiwan").
        left = groups[gap - 1] if gap > 0 else None
        if left is None or is_object_group(text, left):
            return True
        if _more_words_than(text, left.end, match.start, _REACH_WORDS) or _within(right, left):
            return False
        target = left
    for pair in _pairs(right.countries, target.countries):
        contributions.setdefault(pair, []).append(effect)
    for pair in _inner_pairs(right):
        contributions.setdefault(pair, []).append(_neutral(effect))
    return True


def _topic_of(text: str, left: _Group, match: CueMatch, right: _Group) -> bool:
    """Whether a mutual noun names its one country as the topic: "demands a Gaza
    ceasefire as the U.S. abstains", "the Ukraine peace talks".

    The country sits right before the noun (a word such as "peace" or "trade" between
    at most), and nothing ties the next country to the noun ("with", "against",
    "between", "and"): then the noun relates no pair across.
    """
    if match.cue.direction != "mutual" or match.cue.pos == "verb" or len(left.countries) > 1:
        return False
    if not _ADJACENT.fullmatch(text, left.end, match.start):
        return False
    return _PARTNER.search(text, match.end, right.start) is None


# A new verb of the sentence's subject after a group acted on: "and expresses", ", vows",
# at most a few words before the cue.
_NEXT_PREDICATE_WORDS = 4
_NEXT_PREDICATE = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:also\s+)?"
    r"(?!(?:its|his|this|has|was|armed|based|related|united|allied)\s)[a-z]{3,}(?:s|ed)\s"
)


def _object_then_verb(text: str, left: _Group, match: CueMatch) -> bool:
    """Whether the group before a cue is acted on ("sanctions on A, B and C") and a new
    predicate of the sentence's subject ("..., expresses support for D", "... and calls
    for D") stands between it and the cue: the group does not do the cue's act."""
    return is_object_group(text, left) and (
        _NEXT_PREDICATE.match(text, left.end) is not None
        and not _more_words_than(text, left.end, match.start, _NEXT_PREDICATE_WORDS)
    )


def _suffered_in(text: str, left: _Group, match: CueMatch, right: _Group) -> bool:
    """Whether the left group suffered the act where the right group is: "a British
    soldier was killed in Iraq", "the Israeli soldier killed in the West Bank".

    A verb cue in the passive after a form of "be" and, at most 16 words on, the right
    group after "in/near/at" (or "in the ... province of"), or a participle right after
    the group and "in/near/at" the right group right after it, make the right group the
    place of what happened to the left one, not a party to it.
    """
    if match.cue.pos != "verb" or not _PARTICIPLE.search(match.surface):
        return False
    if _PASSIVE_BEFORE.search(text, max(left.end, match.start - 24), match.start):
        # "soldiers are killed ... in the northern Salahuddin province of Iraq"
        return not _more_words_than(text, match.end, right.start, _SUFFERED_WORDS) and bool(
            _PLACE_BEFORE.search(text, max(match.end, right.start - 60), right.start)
        )
    # "the Israeli soldier killed in the West Bank": the place right after the participle
    # ("Russian forces killed civilians in Ukraine" is active).
    return bool(
        _ADJACENT.fullmatch(text, left.end, match.start)
        and _PLACE_AFTER.fullmatch(text, match.end, right.start)
    )


def _add_mediation(
    text: str,
    groups: list[_Group],
    left: _Group | None,
    right: _Group | None,
    match: CueMatch,
    effect: _Effect,
    contributions: dict[tuple[str, str], list[_Effect]],
) -> None:
    """Mediators relate to each party (annotation rule 9), wherever the parties stand.

    The mediators are the group that does the mediating: the agents of a passive ("a deal
    mediated by Qatar and Egypt, ... Israeli ..."), a group a few words before the cue
    ("Qatar and Egypt acting as mediators"), or the group a mediator noun introduces
    ("mediators including Qatar and Egypt"). Every other acting country of the clause
    is a party; the ones the cue already reaches are not counted twice.
    """
    mediators: _Group | None = None
    if right is not None and (
        _AGENT_BETWEEN.fullmatch(text, match.end, right.start)
        or _INTRODUCED.fullmatch(text, match.end, right.start)
    ):
        mediators = right
    elif left is not None and not _more_words_than(text, left.end, match.start, _MEDIATOR_WORDS):
        mediators = left
    if mediators is None:
        return
    reached = set()
    if left is not None and right is not None and mediators is left:
        reached = set(right.countries)
    parties = [
        iso3
        for group in groups
        if group is not mediators
        for iso3 in group.countries
        if iso3 not in reached and iso3 not in mediators.countries
    ]
    for pair in _pairs(mediators.countries, list(dict.fromkeys(parties))):
        contributions.setdefault(pair, []).append(effect)


# Fighting what no state is: a non-state group, a crime, an illness ("fight rebels", "keep
# fighting Al-Qaeda", "fight terrorism", "fighting cancer").
_FIGHT_CUES = frozenset({"fight", "fighting"})
_FIGHT_OBJECT = re.compile(
    r"\s+(?:against\s+)?(?:(?:the|a|an|all|its|their)\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:rebels?|militants?|militia(?:s|men)?|gunmen|insurgents?|insurgency|jihadists?|"
    r"terrorists?|terrorism|extremists?|extremism|separatists?|guerrillas?|pirates?|piracy|"
    r"smugglers?|traffickers?|trafficking|cartels?|gangs?|crime|drugs|corruption|poverty|"
    r"cancer|illness|disease|epidemics?|pandemic|malaria|AIDS|HIV|Ebola|wildfires?|fires|"
    r"floods|locusts|Al-Qaeda|al-Qaeda|al-Shabaab|Taliban|ISIS|ISIL|Islamic\s+State|Boko\s+Haram)\b"
)
_FIGHT_TOGETHER_WEIGHT = 6.0  # as "fight alongside" (CAMEO 062, cooperate militarily)


def _fights_non_state(text: str, match: CueMatch) -> bool:
    """Whether a fight cue has what no state is as its object ("U.S. and Iraqi forces fight
    gunmen in Baghdad", "Chinese and Russian troops ... fight terrorism", "he is fighting
    cancer in Cuba"): the act is on that, not between the countries around it."""
    return match.cue.phrase in _FIGHT_CUES and _FIGHT_OBJECT.match(text, match.end) is not None


def _add_fight_together(
    text: str,
    left: _Group | None,
    match: CueMatch,
    forward: bool,
    contributions: dict[tuple[str, str], list[_Effect]],
) -> None:
    """A list right before the fight acts together against what it fights (annotation rule
    5: cooperation among the list); no country is fought. A negated fight ("did not fight
    terrorism") is left out by the caller."""
    if left is None or is_object_group(text, left) or is_place_list(text, left):
        return
    if _more_words_than(text, left.end, match.start, _JOINT_WORDS):
        return
    effect = _Effect(
        _FIGHT_TOGETHER_WEIGHT, "material_cooperation", match.surface, match.start, forward
    )
    for pair in _inner_pairs(left):
        contributions.setdefault(pair, []).append(effect)


def _add_joint(
    text: str,
    left: _Group | None,
    right: _Group | None,
    match: CueMatch,
    floor: int,
    modifiers: dict[str, list[tuple[int, int]]],
    window: int,
    forward: bool,
    contributions: dict[tuple[str, str], list[_Effect]],
) -> None:
    """A joint act ("A, B and C announce ..."): the list that does it acts together.

    Only a list that does the act counts: one right before the cue (a few words such as
    "all" or "jointly" between), not acted on ("sanctions on A and B ... announce"), or the
    agents of a passive ("a statement is jointly issued by A, B and C"); and not negated
    ("A and B did not join"). Joining someone in doing something ("A and B join C and D in
    allowing ...") makes the joined act with the joiners: every pair of both lists acts
    together.
    """
    if _modifier_before(text, modifiers["negation"], floor, match.start, window) is not None:
        return
    if right is not None and is_agent_group(text, match.start, match.end, right):
        # "a statement is jointly issued by A, B and C": the agents of the passive.
        together = right
    elif left is None or is_object_group(text, left) or is_place_list(text, left):
        return
    elif _more_words_than(text, left.end, match.start, _JOINT_WORDS):
        return
    else:
        together = left
    if (
        left is not None
        and together is left
        and right is not None
        and _JOIN.match(match.surface)
        and not _more_words_than(text, match.end, right.start, _JOINT_WORDS)
        and _IN_DOING.match(text, right.end)
    ):
        countries = tuple(dict.fromkeys(left.countries + right.countries))
        together = _Group(left.start, right.end, countries)
    if len(together.countries) < 2:
        return
    effect = _Effect(None, NEUTRAL_CLASS, text[match.start : match.end], match.start, forward)
    for pair in _inner_pairs(together):
        contributions.setdefault(pair, []).append(effect)


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


def _combine(pair: tuple[str, str], effects: list[_Effect], coaction_weight: float) -> PairScore:
    scored = [(e, e.weight) for e in effects if e.weight is not None]
    chosen = [(e, w) for e, w in scored if not e.forward] or scored
    if not chosen:
        together = [e for e in effects if not e.forward] or effects
        forward = all(e.forward for e in together)
        return PairScore(
            *pair, float(coaction_weight), NEUTRAL_CLASS, _join_cues(together), forward
        )
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
    return PairScore(*pair, score, cue_class, _join_cues([e for e, _ in chosen]), forward)


def _join_cues(effects: list[_Effect]) -> str:
    ordered = sorted(effects, key=lambda e: e.position)
    return "|".join(dict.fromkeys(" ".join(e.surface.split()) for e in ordered))
