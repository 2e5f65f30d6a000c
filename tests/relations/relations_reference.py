"""The relation scorer's per-sentence steps as they were before linear-cost scoring.

Kept only as a reference: ``test_relations`` swaps them into ``analytics.relations`` modules and
checks that the current steps give identical interactions. Each step here slices or scans
the whole sentence per cue or mention, so a sentence of length L costs O(L) per cue.
"""

from __future__ import annotations

import bisect
import re

from analytics.relations import CueMatch
from analytics.relations.grammar import (
    _ANTI,
    _ATTACH_WORDS,
    _BETWEEN,
    _BETWEEN_LAST,
    _PASSIVE_AFTER,
    _REACH_WORDS,
    _clause_ids,
    _clause_of,
    _Group,
    _group_mentions,
    _inner_pairs,
    _pairs,
    _word_count,
    relative_subjects,
)
from analytics.relations.roles import (
    _BORDER_ADJECTIVE_BEFORE,
    _BORDER_AFTER,
    _BORDER_BEFORE,
    _GATHERING_IN,
    _LOCATIVE,
    _POST,
    _VENUE_AFTER,
    _VENUE_BEFORE,
    default_roles,
)
from analytics.relations.scoring import (
    _CONDEMNED_ACT,
    _FRONTED,
    _FRONTED_WORDS,
    _INTRODUCED,
    _JOINT_WORDS,
    _MEDIATOR_WORDS,
    _MEETING_CAMEOS,
    _OBJECT_AFTER_AGENT,
    _PARTNER_BEFORE,
    _PASSIVE_ADJUNCT,
    _POST_OF,
    MEDIATE_CAMEO,
    _apply_modifiers,
    _by_mishap,
    _combine,
    _Effect,
    _fights_non_state,
    _govern,
    _happens_in,
    _in_sport,
    _is_topic,
    _neutral,
    _object_then_verb,
    _reacted_to,
    _reversed,
    _sign,
    _suffered_in,
    _talked_about,
    _topic_of,
)

_DATELINE_AFTER = re.compile(r"^(?:\s*,|\s+[-\u2013]\s|\s*\()")
_OBJECT_AFTER = re.compile(r"^\s+(?:with|against)\b", re.IGNORECASE)
_OBJECT_BEFORE = re.compile(
    r"\b(?:on|against|to|into|over|upon|toward|towards)\s+(?:the\s+)?$", re.IGNORECASE
)
_PLACES_BEFORE = re.compile(
    r"(?:\b([\w'\u2019-]+)\s+)?\b(?:in|at|across|throughout|within|inside)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _place_list(text: str, group: _Group) -> bool:
    """A list of two countries or more after "in/at/across/...", not after a state head
    nor referred back to ("A and B, both of which")."""
    found = _PLACES_BEFORE.search(text[max(0, group.start - 40) : group.start])
    if len(group.countries) < 2 or found is None:
        return False
    if re.search(r"\b(?:which|who|whom)\b", text[group.start : group.end], re.IGNORECASE):
        return False
    head = (found.group(1) or "").lower()
    heads = default_roles().heads
    return heads.get(head) != "state" and heads.get(head.removesuffix("s")) != "state"


_AGENT_BY = re.compile(
    # "by the U.S.", "by a South Korean leader", "by President Donald Trump"
    r"\s+(?:[\w'\u2019-]+\s+){0,4}?by\s+(?:(?:the|a|an)\s+)?(?:(?-i:[A-Z])[a-z]+\s+){0,2}",
    re.IGNORECASE,
)
_RECIPROCAL_AFTER = re.compile(r"^\s+(?:each\s+other|one\s+another)\b", re.IGNORECASE)


def _overruled(effect: _Effect, before: list[tuple[CueMatch, _Effect]]) -> bool:
    return any(
        match.cue.pos == "verb" and _sign(other.weight) != _sign(effect.weight)
        for match, other in before
    )


def is_location(text: str, start: int, end: int, kind: str) -> bool:
    surface = text[start:end]
    if not text[:start].strip() and surface.isupper() and _DATELINE_AFTER.match(text[end:]):
        return True
    if kind == "capital" and (
        _VENUE_AFTER.match(text[end:]) or _VENUE_BEFORE.search(text[max(0, start - 16) : start])
    ):
        return True
    if _BORDER_BEFORE.search(text[max(0, start - 60) : start]):
        return True
    if kind in ("name", "alias") and _GATHERING_IN.search(text[max(0, start - 40) : start]):
        return True
    if (
        kind in ("demonym", "name")
        and _BORDER_AFTER.match(text[end:])
        and _BORDER_ADJECTIVE_BEFORE.search(text[max(0, start - 48) : start])
    ):
        return True
    before = text[max(0, start - 16) : start]
    located = kind in ("capital", "anaphor") and bool(_LOCATIVE.search(before))
    return located and not _POST.search(text[max(0, start - 24) : start])


def _modifier_before(
    text: str, spans: list[tuple[int, int]], floor: int, position: int, window: int
) -> int | None:
    """Start of the modifier ending at most ``window`` words before ``position``."""
    for start, end in reversed(spans):
        if end > position:
            continue
        if start < floor or _word_count(text[end:position]) > window:
            return None
        return start
    return None


def _score_found(
    text: str,
    kept: list[tuple[int, int, str]],
    matches: list[CueMatch],
    modifiers: dict[str, list[tuple[int, int]]],
    hedges: list[tuple[int, int]],
    window: int,
    forward_section: bool,
    coaction_weight: float,
    bystanders: list[tuple[int, str]] | tuple[()] = (),
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
    for clause, clause_mentions in by_clause.items():
        if len({iso3 for _, _, iso3 in clause_mentions}) < 2:
            continue
        clause_cues = [
            m for m in matches if _clause_of(clause_starts, clause_ids, m.start) == clause
        ]
        if not clause_cues:
            continue
        clause_hedges = [h for h in hedges if _clause_of(clause_starts, clause_ids, h[0]) == clause]
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
    bystanders: list[tuple[int, str]] | tuple[()] = (),
) -> None:
    group_starts = [group.start for group in groups]
    hedge_gaps = [(bisect.bisect_left(group_starts, start), end) for start, end in hedges]
    by_gap: dict[int, list[tuple[CueMatch, _Effect]]] = {}
    for match in cues:
        gap = bisect.bisect_left(group_starts, match.start)
        floor = groups[gap - 1].end if gap > 0 else 0
        # A hedge governs what follows it: later in its own gap, or the next gap.
        forward = (
            forward_section
            or bool(hedge_gaps)
            and any(
                (hedge_gap == gap and hedge_end <= match.start) or hedge_gap == gap - 1
                for hedge_gap, hedge_end in hedge_gaps
            )
        )
        if match.cue.is_joint:
            left = groups[gap - 1] if gap > 0 else None
            right = groups[gap] if gap < len(groups) else None
            acting = (
                left is not None
                and not _OBJECT_BEFORE.search(text[max(0, left.start - 14) : left.start])
                and not _place_list(text, left)
                and _word_count(text[left.end : match.start]) <= _JOINT_WORDS
                and _modifier_before(text, modifiers["negation"], floor, match.start, window)
                is None
            )
            negated = (
                _modifier_before(text, modifiers["negation"], floor, match.start, window)
                is not None
            )
            # "a statement is jointly issued by A, B and C": the agents act together.
            agents = right is not None and not negated and _agents_of(text, match, right)
            together: list[str] = []
            if agents and right is not None:
                together = list(right.countries)
            elif acting and left is not None:
                together = list(left.countries)
                # "A joins B in doing ...": the joined act with the joiners.
                if (
                    right is not None
                    and match.surface.lower().startswith("join")
                    and _word_count(text[match.end : right.start]) <= _JOINT_WORDS
                    and re.match(r"\s+in\s+[a-z]+ing\b", text[right.end :], re.IGNORECASE)
                ):
                    together += [c for c in right.countries if c not in together]
            surface = text[match.start : match.end]
            joint = _Effect(None, "neutral", surface, match.start, forward)
            for i, a in enumerate(together):
                for b in together[i + 1 :]:
                    contributions.setdefault((min(a, b), max(a, b)), []).append(joint)
            continue
        if _is_topic(text, match) or _by_mishap(text, match) or _in_sport(text, match):
            continue
        if _fights_non_state(text, match):
            fighters = groups[gap - 1] if gap > 0 else None
            if (
                fighters is not None
                and _modifier_before(text, modifiers["negation"], floor, match.start, window)
                is None
                and not _OBJECT_BEFORE.search(text[max(0, fighters.start - 14) : fighters.start])
                and not _place_list(text, fighters)
                and _word_count(text[fighters.end : match.start]) <= _JOINT_WORDS
            ):
                together = _Effect(6.0, "material_cooperation", match.surface, match.start, forward)
                for pair in _inner_pairs(fighters):
                    contributions.setdefault(pair, []).append(together)
            continue
        weight, cue_class, evidence_start = _apply_modifiers(text, match, floor, modifiers, window)
        if weight is None:
            continue
        effect = _Effect(weight, cue_class, text[evidence_start : match.end], match.start, forward)
        by_gap.setdefault(gap, []).append((match, effect))

    def add(pairs: list[tuple[str, str]], effect: _Effect) -> None:
        for pair in pairs:
            contributions.setdefault(pair, []).append(effect)

    # A noun with its agent and target after it is its own act; the gap's verb does not
    # speak for it.
    for gap in list(by_gap):
        effects = by_gap[gap]
        if gap >= len(groups) or all(match.cue.pos != "verb" for match, _ in effects):
            continue
        kept = []
        for match, effect in effects:
            if match.cue.pos == "noun" and _agents_of(text, match, groups[gap]):
                agent = groups[gap]
                if gap + 1 < len(groups):
                    beyond = groups[gap + 1]
                    own = all(country in agent.countries for country in beyond.countries)
                    if _OBJECT_AFTER_AGENT.fullmatch(text[agent.end : beyond.start]) and not own:
                        add(_pairs(agent.countries, beyond.countries), effect)
                        continue
            kept.append((match, effect))
        by_gap[gap] = kept
    governed = {gap: _govern(effects) for gap, effects in by_gap.items() if effects}
    for gap, effects in sorted(governed.items()):
        left = groups[gap - 1] if gap > 0 else None
        right = groups[gap] if gap < len(groups) else None
        # "anti-Baghdad guerrillas": support for them is hostility to Baghdad.
        against_right = right is not None and bool(
            _ANTI.search(text[max(0, right.start - 5) : right.start])
        )
        # A criticism of an act of harm with no doer named: sympathy with where it fell.
        condemned = None
        if left is not None and right is not None:
            for match, _ in effects:
                gap_text = text[match.end : right.start]
                if (
                    match.cue.cameo == "111"
                    and match.cue.weight < 0
                    and _CONDEMNED_ACT.fullmatch(gap_text) is not None
                ):
                    condemned = match
                    break
        for match, effect in effects:
            if condemned is not None and left is not None and right is not None:
                if match is condemned:
                    add(_pairs(left.countries, right.countries), _reversed(effect))
                    add(_inner_pairs(left), _neutral(effect))
                if match.start >= condemned.start:
                    continue
            mutual = match.cue.direction == "mutual"
            if match.cue.cameo == MEDIATE_CAMEO:
                between = text[match.end : right.start] if right is not None else ""
                mediators = None
                if right is not None and (
                    _AGENT_BY.fullmatch(between) or _INTRODUCED.fullmatch(between)
                ):
                    mediators = right
                elif left is not None and (
                    _word_count(text[left.end : match.start]) <= _MEDIATOR_WORDS
                ):
                    mediators = left
                if mediators is not None:
                    skip = set(mediators.countries)
                    if mediators is left and right is not None:
                        skip |= set(right.countries)
                    parties = [c for g in groups for c in g.countries if c not in skip]
                    for pair in _pairs(mediators.countries, list(dict.fromkeys(parties))):
                        contributions.setdefault(pair, []).append(effect)
                # The pact a mediation verb brokers is its parties' own.
                brokered = [
                    (other, other_effect)
                    for other, other_effect in by_gap.get(gap, [])
                    if right is not None
                    and other.start > match.end
                    and other.cue.direction == "mutual"
                    and other.cue.pos != "verb"
                    and other_effect.weight is not None
                    and other_effect.weight > 0
                    and _owning_group(text, other, None, right, by_gap[gap]) is right
                ]
                if brokered and right is not None:
                    add(_inner_pairs(right), brokered[0][1])
            if mutual and match.cue.pos != "verb":
                owner = _owning_group(text, match, left, right, by_gap[gap])
                if owner is not None:
                    # "violating the U.S.-Japan agreement": the verb before the group
                    # governs the noun the group modifies.
                    owner_gap = gap - 1 if owner is left else gap
                    if not _overruled(effect, governed.get(owner_gap, [])):
                        add(_inner_pairs(owner), effect)
                    continue
            elif mutual and right is not None:
                if _owning_group(text, match, None, right, by_gap[gap]) is right:
                    add(_inner_pairs(right), effect)
            if right is not None and _reacted_to(text, groups, gap, match, effect, contributions):
                continue
            agents = right is not None and _agents_of(text, match, right)
            if agents:
                positive = effect.weight is not None and effect.weight > 0
                add(_inner_pairs(right), effect if mutual and positive else _neutral(effect))
                # "an attack by A on B": the agent acts on the group after it.
                if match.cue.pos == "noun" and gap + 1 < len(groups):
                    beyond = groups[gap + 1]
                    own = all(country in right.countries for country in beyond.countries)
                    if _OBJECT_AFTER_AGENT.fullmatch(text[right.end : beyond.start]) and not own:
                        add(_pairs(right.countries, beyond.countries), effect)
                        continue
            if left is None and right is not None:
                doer = _fronted_doer(text, groups, match, right)
                if doer is not None:
                    add(_pairs(doer.countries, right.countries), effect)
                    continue
            if left is None or _word_count(text[left.end : match.start]) > _REACH_WORDS:
                continue
            # A list does not act on one of its own members: that one is the place.
            target = right
            if right is not None and len(left.countries) > 1:
                if all(country in left.countries for country in right.countries):
                    target = None
            reciprocal = _RECIPROCAL_AFTER.match(text[match.end :]) is not None
            object_list = _OBJECT_BEFORE.search(
                text[max(0, left.start - 14) : left.start]
            ) or _place_list(text, left)
            passive = (
                match.cue.pos == "verb"
                and not re.match(r"[a-z]+ing\b", text[match.start :], re.IGNORECASE)
                and _PASSIVE_AFTER.fullmatch(text[left.end : match.start])
            )
            diplomatic = match.cue.cameo.startswith(("114", "16"))
            if passive and diplomatic and gap >= 2:
                holder = groups[gap - 2]
                if _POST_OF.fullmatch(text[holder.end : left.start]):
                    # The envoy posted to ``left`` is acted on, by it or by the agent.
                    agents = right is not None and _agents_of(text, match, right)
                    within = target is None
                    actor = right if agents and right is not None and not within else left
                    add(_pairs(holder.countries, actor.countries), effect)
                    continue
            inner = [] if object_list or passive else _inner_pairs(left)
            # A mention of another country that does not act, between the cue and the
            # target, is what the cue is about; unless the act goes on to/from/by the target
            # with no clause of its own between.
            if (
                target is not None
                and any(
                    match.end <= start < target.start and iso3 not in target.countries
                    for start, iso3 in bystanders
                )
                and not (
                    re.search(r"\b(?:to|from|by)\s+(?:the\s+)?$", text[: target.start], re.I)
                    and not re.search(r"\b[a-z]{2,}ing\b", text[match.end : target.start])
                )
            ):
                if (mutual and not _OBJECT_AFTER.match(text[match.end :])) or reciprocal:
                    add(inner, effect)
                continue
            if passive and target is not None:
                # A passive act's adjunct of time or cause names no object.
                if _PASSIVE_ADJUNCT.fullmatch(text[match.end : target.start]) is not None:
                    target = None
            if target is not None and _object_then_verb(text, left, match):
                target = None
            if target is not None and _suffered_in(text, left, match, target):
                continue
            if target is not None and _happens_in(text, match, target):
                continue
            if target is not None and _talked_about(text, match, target):
                target = None
            if target is not None and _topic_of(text, left, match, target):
                continue
            if target is not None and _word_count(text[match.end : target.start]) <= _REACH_WORDS:
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
                jointly = (mutual and not _OBJECT_AFTER.match(text[match.end :])) or reciprocal
                add(inner, effect if jointly else _neutral(effect))


def _owning_group(
    text: str,
    match: CueMatch,
    left: _Group | None,
    right: _Group | None,
    others: list[tuple[CueMatch, _Effect]],
) -> _Group | None:
    """The group a mutual noun belongs to: "U.S.-Japan alliance", "tensions between A and B".

    Only the first cue after a group (or the last before it) can belong to it.
    """
    if left is not None and len(left.countries) > 1:
        closer = any(left.end <= other.start < match.start for other, _ in others)
        if not closer and _word_count(text[left.end : match.start]) <= _ATTACH_WORDS:
            return left
    if right is not None and len(right.countries) > 1:
        between = text[match.end : right.start]
        closer = any(match.end <= other.start < right.start for other, _ in others)
        owned = _BETWEEN.search(between) or _BETWEEN_LAST.search(match.surface)
        if not closer and owned and _word_count(between) <= _ATTACH_WORDS:
            return right
    return None


def _agents_of(text: str, match, right) -> bool:
    """Whether the group right after a cue names its agents ("... issued by A and B", "a
    meeting with the leaders of A and B")."""
    gap = text[match.end : right.start]
    return bool(
        _AGENT_BY.fullmatch(gap)
        or (
            re.fullmatch(r"\s+of\s+(?:the\s+)?", gap, re.I)
            and re.search(
                r"\bwith\s+(?:the\s+)?(?:[a-z]+\s+)?$",
                text[max(0, match.start - 24) : match.start],
                re.I,
            )
        )
    )


def _fronted_doer(text: str, groups: list[_Group], match: CueMatch, right: _Group) -> _Group | None:
    """The subject after a meeting or visit opening the sentence (by slices)."""
    if match.cue.pos != "noun" or match.cue.cameo not in _MEETING_CAMEOS:
        return None
    if not _FRONTED.fullmatch(text[: match.start]):
        return None
    if not _PARTNER_BEFORE.search(text[match.start : right.start]):
        return None
    comma = text.find(",", right.end)
    if comma == -1 or _word_count(text[match.end : right.start]) > _FRONTED_WORDS:
        return None
    if _word_count(text[right.end : comma]) > _FRONTED_WORDS:
        return None
    for group in groups:
        if group.start > comma:
            return group if _word_count(text[comma : group.start]) <= _FRONTED_WORDS else None
    return None
