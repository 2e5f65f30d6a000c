"""Countries that take part in one meeting relate to each other.

A briefing about a summit names who took part sentence by sentence ("... a summit hosted by
President Lula. President Xi did not attend, sending Premier Li Qiang instead, and President
Putin joined by video. ... Indonesia attending as a full member"). No sentence relates two of
them, yet by the annotation rules the host relates to each participant and the participants
act together: each pair cooperates.

The rule: when a briefing opens with a meeting (its title or first sentence names a summit,
meeting, talks, a conference or a forum), every acting country of a sentence that says who
hosts, attends, takes part, joins or sends someone (outside "What's Next?") is a participant,
and so are those the lead says hold it ("A and B held talks", "A met B", "talks with B");
each pair of participants that no sentence of the briefing relates gets one row of weight 1
(CAMEO 04, consult), at the sentence that names the later of the two, with both countries'
words as its evidence.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import schema as S
from analytics.relations.anaphora import mentions_by_sentence, sentence_mentions
from analytics.relations.grammar import ACTOR_KINDS, _group_mentions, _more_words_than
from analytics.relations.roles import ACTOR, ANAPHOR, sentence_roles
from analytics.text import may_match, segment_columns, split_sentences

PARTICIPANT_WEIGHT = 1.0  # CAMEO 04 (consult), the weight of a meeting
PARTICIPANT_CUE = "took part in one meeting"
_MEETING = re.compile(
    r"\b(?:summit|summits|meeting|meetings|talks|conference|forum|gathering|meet|meets|met|"
    r"host|hosts|hosted)\b",
    re.IGNORECASE,
)
_LEAD_WORDS = 40  # a meeting named in the first sentence is what it reports
_LEAD_CHARS = 1000  # forty words of news text end well before this
_TAKES_PART = re.compile(
    r"\b(?:attend(?:s|ed|ing)?|t(?:ake|akes|ook|aking)\s+part|participat(?:e|es|ed|ing)|"
    r"host(?:s|ed|ing)?|join(?:s|ed|ing)?\s+(?:by\s+video|virtually|online|remotely|"
    r"(?:the|this)\s+(?:summit|meeting|talks|conference))|"
    r"sen(?:d|ds|t|ding)\s+(?:(?:its|his|her|their|a|an)\s+)?(?:premier|prime\s+minister|"
    r"foreign\s+minister|vice[-\s]president|delegation|envoy|deputy))\b",
    re.IGNORECASE,
)
_KINDS = frozenset((*ACTOR_KINDS, ANAPHOR))
_NEGATED = re.compile(
    r"\b(?:not|n't|never|declined\s+to|refused\s+to|failed\s+to)\s+(?:\w+\s+)?$", re.IGNORECASE
)
_STATIONED = re.compile(
    r"\s+(?:\S+\s+){0,3}?(?:troops|forces|soldiers|bases?|military|refugees|missiles)\b",
    re.IGNORECASE,
)
_BY = re.compile(r"\s+by\s+(?:the\s+)?", re.IGNORECASE)
_WITHOUT = re.compile(r"\bwithout\s+(?:the\s+)?$", re.IGNORECASE)
_NEAR_WORDS = 8
_WITH = re.compile(r"\s+with\b", re.IGNORECASE)


def meeting_interactions(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    scored: pd.DataFrame,
    segments: tuple[np.ndarray, np.ndarray, list[str]] | None = None,
) -> pd.DataFrame:
    """Rows relating the participants of the meeting a briefing opens with.

    Parameters:
        briefings: the briefing table.
        mentions: country mentions (``schema.MENTION_COLUMNS``), anaphors included.
        scored: the interactions the sentences give; a pair they relate in a briefing gets
            no participant row there.
        segments: ``segment_columns(briefings)`` when the caller has them already.

    Returns:
        Rows with ``schema.INTERACTION_COLUMNS`` (``date`` taken from the briefing).
    """
    ids, sections, texts = segments if segments is not None else segment_columns(briefings)
    # Which segments may name a meeting or a way of taking part: one vectorised scan each.
    array = pa.array(texts, pa.large_string())
    meeting_hit, takes_hit = may_match(array, _MEETING), may_match(array, _TAKES_PART)
    opens = _opening_segments(ids, sections, texts, meeting_hit)
    telling = takes_hit & ~np.isin(sections, [S.SECTION_TITLE, S.NEXT])
    told = set(ids[telling].tolist())
    opens = {briefing: [] for briefing in opens if briefing in told}
    if not opens:
        return scored.iloc[:0]
    by_sentence = mentions_by_sentence(mentions, opens, _KINDS)
    related = _related_pairs(scored, opens)
    rows: list[tuple] = []
    led: set[str] = set()  # briefings whose lead sentence was read
    for row in np.flatnonzero(pd.Index(list(opens)).get_indexer(ids) >= 0).tolist():
        section = sections[row]
        if section in (S.SECTION_TITLE, S.NEXT):
            continue
        briefing, text = ids[row], texts[row]
        lead = briefing not in led
        led.add(briefing)
        if not takes_hit[row] and not lead:
            continue  # no sentence of it says who takes part
        for index, (lo, hi) in enumerate(split_sentences(text)):
            sentence = text[lo:hi]
            first, lead = lead, False
            if not _TAKES_PART.search(sentence) and not first:
                continue
            own = sentence_mentions(by_sentence, briefing, section, index, lo)
            named = _participants(sentence, own)
            if first:
                named = _lead_participants(sentence, own) + named
            opens[briefing] += [
                (iso3, evidence, section, index, sentence) for iso3, evidence in named
            ]
    for briefing, found in opens.items():
        rows += _pair_rows(briefing, found, related.get(briefing, set()))
    if not rows:
        return scored.iloc[:0]
    frame = pd.DataFrame(
        rows,
        columns=[
            S.BRIEFING_ID,
            S.SECTION,
            S.SENTENCE_INDEX,
            S.SENTENCE,
            S.COUNTRY_A,
            S.COUNTRY_B,
            S.ROLES,
        ],
    )
    frame[S.SCORE] = PARTICIPANT_WEIGHT
    frame[S.CLASS] = "verbal_cooperation"
    frame[S.CUES] = PARTICIPANT_CUE
    frame[S.FORWARD_LOOKING] = False
    dates = briefings.drop_duplicates(S.BRIEFING_ID).set_index(S.BRIEFING_ID)[S.DATE]
    frame[S.DATE] = dates.reindex(frame[S.BRIEFING_ID]).array
    frame[S.SENTENCE_INDEX] = frame[S.SENTENCE_INDEX].astype("int64")
    return frame[list(S.INTERACTION_COLUMNS)]


def _opening_segments(
    ids: np.ndarray, sections: np.ndarray, texts: list[str], meeting_hit: np.ndarray
) -> dict[str, list[tuple[str, str, str, int, str]]]:
    """The briefings whose title or first sentence names a meeting (id -> empty list);
    ``meeting_hit`` says which segments may name one at all (``may_match``)."""
    opens: dict[str, list[tuple[str, str, str, int, str]]] = {}
    seen: set[str] = set()
    for row, (briefing, section) in enumerate(zip(ids.tolist(), sections.tolist(), strict=True)):
        if briefing in seen:
            continue
        text = texts[row]
        if section == S.SECTION_TITLE:
            if meeting_hit[row] and _MEETING.search(text):
                opens[briefing] = []
                seen.add(briefing)
            continue
        seen.add(briefing)  # the first sentence of the first section after the title
        if not meeting_hit[row]:
            continue
        # The first sentence of the lead's first characters is the lead's first sentence
        # wherever it ends within them, and holds them all otherwise: the same decision.
        spans = split_sentences(text[:_LEAD_CHARS])
        meeting = _MEETING.search(text, spans[0][0], spans[0][1]) if spans else None
        if meeting is not None and not _more_words_than(
            text, spans[0][0], meeting.start(), _LEAD_WORDS
        ):
            opens[briefing] = []
    return opens


def _participants(sentence: str, own: list[tuple[int, int, str, str]]) -> list[tuple[str, str]]:
    """The countries a sentence says take part, with their words.

    Each act of taking part that is not negated ("did not attend") names its doer: the
    acting countries just before it ("Indonesia attending", "Putin joined by video"), or
    after "by" ("hosted by President Lula"); a host also names its guests ("hosted the
    leaders of A, B and C"). Hosting troops or a base is no meeting.
    """
    actors = _acting(sentence, own)
    found: list[tuple[str, str]] = []
    for act in _TAKES_PART.finditer(sentence):
        if _NEGATED.search(sentence, max(0, act.start() - 16), act.start()):
            continue
        word = act.group().lower()
        if word.startswith("host") and _STATIONED.match(sentence, act.end()):
            continue
        by = _BY.match(sentence, act.end())
        if by is not None:
            found += _group_at(sentence, actors, by.end(), after=True)
        else:
            found += _group_at(sentence, actors, act.start(), after=False)
        if word.startswith("host") and by is None:
            found += _group_at(sentence, actors, act.end(), after=True)
    return found


def _lead_participants(
    sentence: str, own: list[tuple[int, int, str, str]]
) -> list[tuple[str, str]]:
    """Who holds the meeting the briefing opens with: the acting countries just before its
    word ("Rubio and Russian Foreign Minister Lavrov held talks"), and those met after
    "met" or "with" ("Trump met Prime Minister Takaichi", "talks with Iran"); none when
    the meeting is negated or more than ``_LEAD_WORDS`` words in."""
    # Hosting names its own participants (``_participants``), and may be of troops.
    meeting = next(
        (m for m in _MEETING.finditer(sentence) if not m.group().lower().startswith("host")),
        None,
    )
    if meeting is None or _more_words_than(sentence, 0, meeting.start(), _LEAD_WORDS):
        return []
    if _NEGATED.search(sentence, max(0, meeting.start() - 16), meeting.start()):
        return []
    actors = _acting(sentence, own)
    found = _group_at(sentence, actors, meeting.start(), after=False)
    met = meeting.group().lower() in ("meet", "meets", "met")
    if met or _WITH.match(sentence, meeting.end()):
        found += _group_at(sentence, actors, meeting.end(), after=True)
    return found


def _acting(sentence: str, own: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The acting mentions of a sentence with the words that decided their role."""
    return [
        (role.start, role.end, role.iso3, role.evidence)
        for role in sentence_roles(sentence, own)
        if role.role == ACTOR
    ]


def _group_at(
    sentence: str, actors: list[tuple[int, int, str, str]], position: int, *, after: bool
) -> list[tuple[str, str]]:
    """The acting countries of the list nearest ``position`` on one side, within
    ``_NEAR_WORDS`` words and not behind "without"."""
    spans = [(start, end, iso3) for start, end, iso3, _ in actors]
    if not spans:
        return []
    groups = _group_mentions(sentence, spans)
    if after:
        near = [g for g in groups if g.start >= position]
        group = near[0] if near else None
        if group is not None and _more_words_than(sentence, position, group.start, _NEAR_WORDS):
            group = None
    else:
        near = [g for g in groups if g.end <= position]
        group = near[-1] if near else None
        if group is not None and _more_words_than(sentence, group.end, position, _NEAR_WORDS):
            group = None
    if group is None or _WITHOUT.search(sentence, max(0, group.start - 10), group.start):
        return []
    evidence = {iso3: words for start, _, iso3, words in actors if group.start <= start}
    return [(iso3, evidence[iso3]) for iso3 in group.countries]


def _related_pairs(scored: pd.DataFrame, opens: dict) -> dict[str, set[tuple[str, str]]]:
    rows = scored[scored[S.BRIEFING_ID].isin(opens)]
    related: dict[str, set[tuple[str, str]]] = {}
    for briefing, a, b in rows[[S.BRIEFING_ID, S.COUNTRY_A, S.COUNTRY_B]].itertuples(
        index=False, name=None
    ):
        related.setdefault(briefing, set()).add((a, b))
    return related


def _pair_rows(
    briefing: str,
    found: list[tuple[str, str, str, int, str]],
    related: set[tuple[str, str]],
) -> list[tuple]:
    """One row per pair of participants no sentence relates, at the later one's sentence."""
    first: dict[str, tuple[str, str, int, str]] = {}
    for iso3, evidence, section, index, sentence in found:
        first.setdefault(iso3, (evidence, section, index, sentence))
    order = list(first)
    rows: list[tuple] = []
    for j, later in enumerate(order):
        evidence, section, index, sentence = first[later]
        for earlier in order[:j]:
            pair = (min(earlier, later), max(earlier, later))
            if pair in related:
                continue
            roles = f"{earlier} participant ({first[earlier][0]}); {later} participant ({evidence})"
            rows.append((briefing, section, index, sentence, *pair, roles))
    return rows
