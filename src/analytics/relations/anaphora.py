"""Countries named again by a phrase: "the two countries", "both sides", "the three leaders",
and a subject pronoun opening a sentence ("It", "He", "She").

A briefing names its parties once and then refers back to them ("Mali, Burkina Faso and
Niger announced ... The three countries accused the regional bloc ..."). Read sentence by
sentence, that second sentence names no country and relates no one. Here such a phrase
becomes a mention of each country it refers to, for the relation scorer only (the
exported mentions and every country count stay as they are), so the sentence relates its
countries as any sentence naming them would.

The rule is one of English reference: a definite plural with a number ("the two
countries", "the three governments", "both sides") refers to the nearest set of exactly
that many countries named before it in the same briefing: a list acting together ("Mali,
Burkina Faso and Niger"), or the acting countries of one sentence ("Trump met Takaichi in
Tokyo. The two leaders signed ..."). A set found this way can itself be referred to again,
and goes on being the one meant while later sentences merely name two countries without
listing them; a list named before the phrase in its own sentence ("Mediators, including A,
B and C, urged both sides") is not what it refers to among earlier sets.
Phrases without a number are left alone: "the leaders" or "the allies" may mean a bloc's
members, which no sentence lists.

A sentence opening with "It", "He" or "She" continues the subject of the sentence right
before it in the same section, when that sentence opens with one acting country: "It" a
state ("China held drills. It also accused Japan ..."), "He"/"She" a person speaking for
one ("The Japanese prime minister met Biden. He later criticised China"). Not "It" before
a copula ("It is the first attack ..."), which names the event or nothing.

The pact the briefing leads with ("A ceasefire between Israel and Iran took effect"),
named again by a definite noun that is reacted to or mediated ("Qatar helped broker the
truce"), stands for its parties, a list of two or more acting countries.

The act the briefing leads with, named again by a definite noun, stands for its doers: as
what a reaction is to ("Qatar condemned the attack") and as the subject a later sentence
opens with ("The drills also added to tensions with Washington"), when that sentence names
none of the doers itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.relations.grammar import (
    ACTOR_KINDS,
    _actors,
    _group_mentions,
    _more_words_than,
    is_object_group,
)
from analytics.relations.lexicon import Lexicon
from analytics.relations.roles import ACTOR, ANAPHOR, sentence_roles
from analytics.text import may_match, segment_columns, split_sentences

_NUMBERS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# The nouns a set of states is referred back to by.
_NOUNS = (
    r"countries|nations|states|sides|governments|leaders|neighbou?rs|capitals|presidents|"
    r"prime\s+ministers|foreign\s+ministers|ministers|allies|powers|rivals|delegations|"
    r"juntas|economies|militaries|armies|navies"
)
# "Mali and Burkina Faso, both of which turned away from France": the list just before.
_RELATIVE = re.compile(
    r"\s*,\s+(?P<quantity>both|all|each|all\s+(?:two|three|four|five|six))\s+of\s+"
    r"(?:which|whom|them)\b",
    re.IGNORECASE,
)
# "Qatar condemned the attack": a reaction to an act named by a definite noun, which
# refers to the act the briefing opens with (its lead).
# Acts of force or pressure; a reaction may also be to a generic act noun.
_FORCE = (
    r"attacks?|strikes?|air\s*strikes?|drills|exercises|seizure|raid|invasion|offensive|"
    r"incursion|annexation|blockade|launch|test|tariffs?|sanctions|ban|expulsion|assault|"
    r"bombardment|bombing|shelling|coup"
)
_ACTS = r"(?:" + _FORCE + r"|moves?|decisions?|measures?|steps?|announcements?)"
# The verbs of a reaction to an act or a pact.
_REACTING = (
    r"condemn|denounc|criticis|criticiz|welcom|prais|reject|hail|decr|deplor|applaud|back|"
    r"support|oppos"
)
_REACTION = re.compile(
    r"\b(?:" + _REACTING + r"|protest)[a-z]*\s+(?P<act>(?:the|this|that)\s+"
    r"(?:[a-z]+\s+){0,2}?" + _ACTS + r")\b",
    re.IGNORECASE,
)
_SUBJECT_WORDS = 6  # words allowed between a lead's subject and its act
# "Qatar helped broker the truce": a reaction to, or the mediation of, the pact the
# briefing opens with, named by a definite noun, is about the pact's parties.
_PACTS = r"(?:truce|ceasefire|cease-fire|deal|agreement|accord|pact|treaty)"
_PACT_REACTION = re.compile(
    r"\b(?:" + _REACTING + r"|broker|mediat|facilitat)[a-z]*\s+(?P<act>(?:the|this|that)\s+"
    r"(?:[a-z]+\s+){0,2}?" + _PACTS + r")\b",
    re.IGNORECASE,
)
_PACT_BETWEEN = re.compile(r"\s+(?:between|among)\s+(?:the\s+)?", re.IGNORECASE)
# "The drills also added to tensions with Washington": a sentence whose subject is the
# lead's act named by a definite noun goes on about the lead's doers. Only acts of force or
# pressure, and "the move": a generic noun opening a sentence ("The announcement followed
# months of talks ...", "The decision came after ...") mostly names when. The first
# pattern only preselects briefings (an act noun after "The" or "This" at a sentence's
# start, in any case).
_FORCE_ACTS = r"(?:" + _FORCE + r"|move)"
_SUBJECT_ACT_ANYWHERE = re.compile(
    "(?:^|[.!?][\"'\u2019\u201d)]*\\s+)(?:(?:But|And|However|Meanwhile),?\\s+)?(?:The|This)\\s+"
    r"(?:[a-z]+\s+){0,2}?" + _FORCE_ACTS + r"\b"
)
_SUBJECT_ACT = re.compile(
    r"\s*(?:(?:But|And|However|Meanwhile),?\s+)?(?P<act>(?:The|This)\s+(?:[a-z]+\s+){0,2}?"
    + _FORCE_ACTS
    + r")\b(?!['\u2019])"
)
# "China held drills near Taiwan. It also accused Japan ...": a sentence opening with a
# subject pronoun continues the previous sentence's subject ("It" a state, "He"/"She" a
# person speaking for one). The first pattern only preselects briefings (no look-around).
_CONNECTIVE = r"(?:(?:But|And|However|Meanwhile|Later|Separately|Earlier),?\s+)?"
_PRONOUN_ANYWHERE = re.compile(
    "[.!?][\"'\u2019\u201d)\\]]*\\s+" + _CONNECTIVE + r"(?:It|He|She)\s+[a-z]"
)
_PRONOUN_OPENS = re.compile(r"\s*" + _CONNECTIVE + r"(?P<pronoun>It|He|She)\s+(?-i:[a-z])")
# "It is the first attack ...", "It is believed ...": "it" before a copula names the
# event or nothing, not the previous subject.
_IT_COPULA = re.compile(
    r"It\s+(?:is|was|has\s+been|had\s+been|will\s+be|would\s+be|remains|seems|appears)\b"
)
_OPENING_WORDS = 3  # words allowed before the country a sentence opens with
_PERSON_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+(?:(?:new|former|acting|then|top|senior)\s+)?(?:president|prime\s+minister|"
    r"premier|chancellor|foreign\s+minister|defen[cs]e\s+minister|minister|secretary|leader|"
    r"king|queen|emir|ambassador|envoy|spokes(?:man|woman|person)|diplomat|official)\b",
    re.IGNORECASE,
)
_PHRASE = re.compile(
    r"\b(?:(?P<both>[Bb]oth)\s+(?:the\s+)?|(?:[Tt]he|[Tt]heir|[Aa]ll)\s+(?P<number>two|three|four|"
    r"five|six)\s+)(?:(?P<noun>" + _NOUNS + r"))\b"
)


def anaphor_mentions(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: Lexicon | None = None,
    segments: tuple[np.ndarray, np.ndarray, list[str]] | None = None,
) -> pd.DataFrame:
    """One mention per country a back-referring phrase stands for, kind ``anaphor``.

    Parameters:
        briefings: the briefing table (``briefing_id`` and its sections or text).
        mentions: the corpus' country mentions (``schema.MENTION_COLUMNS``).
        lexicon: the cue lexicon that finds the act a briefing opens with (default: the
            bundled one).
        segments: ``segment_columns(briefings)`` when the caller has them already.

    Returns:
        Rows with ``schema.MENTION_COLUMNS``: span and sentence of the phrase, one row per
        country it refers to (in the order they were named), ``confidence`` 1.
    """
    ids, sections, texts = segments if segments is not None else segment_columns(briefings)
    hit = may_match(
        texts,
        _PHRASE,
        _RELATIVE,
        _REACTION,
        _PRONOUN_ANYWHERE,
        _SUBJECT_ACT_ANYWHERE,
        _PACT_REACTION,
    )
    if not hit.any():
        return _empty()
    wanted = pd.unique(ids[hit])
    in_wanted = pd.Index(wanted).get_indexer(ids) >= 0
    by_sentence = mentions_by_sentence(mentions, wanted, ACTOR_KINDS)
    if lexicon is None:
        # Resolved once here: the per-briefing steps would look up the shipped files each time.
        from analytics.relations.scoring import default_lexicon

        lexicon = default_lexicon()
    rows: list[tuple[str, str, int, int, int, str, str]] = []
    segment_rows = np.flatnonzero(in_wanted)
    # Segments come in briefing then section order (``segment_columns``).
    briefing_of = ids[segment_rows]
    starts = np.flatnonzero(np.append(True, briefing_of[1:] != briefing_of[:-1]))
    for first, last in zip(starts, np.append(starts[1:], len(segment_rows)), strict=True):
        parts = [(sections[row], texts[row]) for row in segment_rows[first:last].tolist()]
        rows += _resolve(str(briefing_of[first]), parts, by_sentence, lexicon)
    if not rows:
        return _empty()
    columns = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.START, S.END, S.SURFACE, S.ISO3]
    frame = pd.DataFrame(rows, columns=columns)
    frame[S.KIND] = ANAPHOR
    frame[S.CONFIDENCE] = 1.0
    return frame[list(S.MENTION_COLUMNS)]


def mentions_by_sentence(
    mentions: pd.DataFrame, briefings: Iterable[str], kinds: Iterable[str]
) -> dict[tuple[str, str, int], list[tuple[int, int, str, str]]]:
    """The mentions of ``kinds`` in ``briefings``, as (start, end, iso3, kind) per
    (briefing id, section, sentence index), in table order."""
    wanted = mentions[S.BRIEFING_ID].isin(list(briefings)) & mentions[S.KIND].isin(list(kinds))
    table = mentions.loc[wanted.to_numpy()]
    grouped: dict[tuple[str, str, int], list[tuple[int, int, str, str]]] = {}
    for key, span in zip(
        table[[S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]].itertuples(index=False, name=None),
        table[[S.START, S.END, S.ISO3, S.KIND]].itertuples(index=False, name=None),
        strict=True,
    ):
        grouped.setdefault(key, []).append(span)  # type: ignore[arg-type]
    return grouped


def sentence_mentions(
    grouped: dict[tuple[str, str, int], list[tuple[int, int, str, str]]],
    briefing: str,
    section: str,
    index: int,
    offset: int,
) -> list[tuple[int, int, str, str]]:
    """One sentence's mentions from ``mentions_by_sentence``, relative to the sentence
    (which starts at ``offset`` in its section)."""
    return [
        (start - offset, end - offset, iso3, kind)
        for start, end, iso3, kind in grouped.get((briefing, section, index), [])
    ]


def _resolve(
    briefing: str,
    segments: list[tuple[str, str]],
    by_sentence: dict[tuple[str, str, int], list[tuple[int, int, str, str]]],
    lexicon: Lexicon,
) -> list[tuple[str, str, int, int, int, str, str]]:
    """The anaphor rows of one briefing, its segments read in order."""
    # The sentences read so far with their mentions; the sets of countries they name
    # (lists acting together and each sentence's acting countries, nearest last) are
    # worked out only when a phrase asks for them.
    history: list[tuple[str, list[tuple[int, int, str, str]]]] = []
    named: list[tuple[str, ...]] = []
    lists: set[tuple[str, ...]] = set()  # sets of ``named`` that are explicit lists
    referred: list[tuple[str, ...]] = []  # sets a phrase has referred to, in order
    sets_read = 0  # sentences of ``history`` whose sets are in ``named``
    rows: list[tuple[str, str, int, int, int, str, str]] = []
    # Who does the act the briefing opens with, worked out at the first reaction to it.
    opening: tuple[str, list[tuple[int, int, str, str]]] | None = None
    lead: tuple[str, ...] | None = None
    parties: tuple[str, ...] | None = None  # of the pact the lead names, when asked for
    for section, text in segments:
        previous: tuple[str, list[tuple[int, int, str, str]]] | None = None
        for index, (lo, hi) in enumerate(split_sentences(text)):
            sentence = text[lo:hi]
            own = sentence_mentions(by_sentence, briefing, section, index, lo)
            added: list[tuple[int, int, str, str]] = []
            where = (briefing, section, index, lo, sentence)

            pronoun = _PRONOUN_OPENS.match(sentence) if previous is not None else None
            if pronoun is not None and previous is not None:
                subject = _opening_subject(*previous)
                person = pronoun.group("pronoun") != "It"
                copula = _IT_COPULA.match(sentence, pronoun.start("pronoun")) is not None
                if subject is not None and subject[1] == person and not copula:
                    _refer(rows, added, where, *pronoun.span("pronoun"), subject[0])
            previous = (sentence, own)
            if opening is None and section != S.SECTION_TITLE:
                opening = (sentence, own)
            elif opening is not None and own:
                acts = list(_REACTION.finditer(sentence))
                fronted = _SUBJECT_ACT.match(sentence)
                if fronted is not None and all(m[0] >= fronted.end() for m in own):
                    acts.insert(0, fronted)
                if acts and lead is None:
                    lead = _agent(*opening, lexicon)
                pacts = list(_PACT_REACTION.finditer(sentence))
                if pacts and parties is None:
                    parties = _pact_parties(*opening, lexicon)
                for phrases, countries in ((acts, lead), (pacts, parties)):
                    for start, end, iso3 in _acts_of(phrases, countries, own):
                        _refer(rows, added, where, start, end, iso3)
            for phrase in _PHRASE.finditer(sentence):
                n = _NUMBERS[(phrase.group("both") or phrase.group("number")).lower()]
                # Sets of this sentence before the phrase come first, then earlier ones.
                before = [m for m in own if m[1] <= phrase.start()] + [
                    m for m in added if m[1] <= phrase.start()
                ]
                for earlier in history[sets_read:]:
                    found = _sets(*earlier)
                    named += found
                    lists.update(found[1:])
                sets_read = len(history)
                current = _sets(sentence, sorted(before))
                # "Mediators, including A, B and C, urged both sides": a list of this
                # sentence before the phrase is not what it refers to earlier.
                listed = {iso3 for group in current[1:] for iso3 in group}
                others = [group for group in named if not listed.intersection(group)]
                countries = _nearest(n, current, others)
                if countries is None:
                    continue
                if countries not in current and countries not in lists:
                    # Two countries merely named in one sentence since ("... while it
                    # keeps its ties with Russia") do not displace the pair the briefing
                    # has already referred to: "the two countries" goes on meaning it.
                    topic = _nearest(n, [], [group for group in referred if group in others])
                    countries = topic if topic is not None else countries
                referred.append(countries)
                for iso3 in countries:
                    _refer(rows, added, where, phrase.start(), phrase.end(), iso3)
            for phrase in _RELATIVE.finditer(sentence):
                countries = _list_before(sentence, own, phrase)
                for iso3 in countries:
                    _refer(rows, added, where, phrase.start("quantity"), phrase.end(), iso3)
            history.append((sentence, sorted(own + added)))
    return rows


def _agent(
    sentence: str, own: list[tuple[int, int, str, str]], lexicon: Lexicon
) -> tuple[str, ...]:
    """The acting countries before the first act of a briefing's first sentence: its
    subject ("Israel carried out an airstrike in Doha"); none when no country does it.
    """
    acts = [m for m in lexicon.find_cues(sentence) if not m.cue.is_stop and not m.cue.is_joint]
    if not acts or not own:
        return ()
    actors = [
        (role.start, role.end, role.iso3)
        for role in sentence_roles(sentence, own)
        if role.role == ACTOR and role.end <= acts[0].start
    ]
    if not actors:
        return ()
    subject = _group_mentions(sentence, actors)[-1]
    if is_object_group(sentence, subject) or _more_words_than(
        sentence, subject.end, acts[0].start, _SUBJECT_WORDS
    ):
        return ()
    return subject.countries


def _refer(
    rows: list[tuple[str, str, int, int, int, str, str]],
    added: list[tuple[int, int, str, str]],
    where: tuple[str, str, int, int, str],
    start: int,
    end: int,
    iso3: str,
) -> None:
    """Record a mention of ``iso3`` by the words at [start, end) of the sentence ``where``
    names (briefing, section, sentence index, its offset in the section, its text)."""
    briefing, section, index, lo, sentence = where
    added.append((start, end, iso3, ANAPHOR))
    rows.append((briefing, section, index, lo + start, lo + end, sentence[start:end], iso3))


def _acts_of(
    acts: list[re.Match[str]],
    countries: tuple[str, ...] | None,
    own: list[tuple[int, int, str, str]],
) -> list[tuple[int, int, str]]:
    """(start, end, iso3) of each country an act phrase ("the attack", "the truce") stands
    for, when the sentence names none of them itself."""
    if not acts or not countries or any(m[2] in countries for m in own):
        return []
    return [(act.start("act"), act.end("act"), iso3) for act in acts for iso3 in countries]


def _pact_parties(
    sentence: str, own: list[tuple[int, int, str, str]], lexicon: Lexicon
) -> tuple[str, ...]:
    """The parties of the first mutual act of a briefing's first sentence: the list of two
    or more acting countries right before it ("Saudi Arabia and Iran agreed to restore
    relations") or after its "between" ("A ceasefire between Israel and Iran took
    effect"); none otherwise."""
    acts = [m for m in lexicon.find_cues(sentence) if not m.cue.is_stop]
    mutual = next((m for m in acts if m.cue.is_joint or m.cue.direction == "mutual"), None)
    if mutual is None or not own:
        return ()
    actors = [
        (role.start, role.end, role.iso3)
        for role in sentence_roles(sentence, own)
        if role.role == ACTOR
    ]
    groups = _group_mentions(sentence, actors) if actors else []
    for group in groups:
        if len(group.countries) < 2:
            continue
        before = group.end <= mutual.start and not _more_words_than(
            sentence, group.end, mutual.start, _SUBJECT_WORDS
        )
        between = _PACT_BETWEEN.fullmatch(sentence, mutual.end, group.start) is not None
        if (before and not is_object_group(sentence, group)) or between:
            return group.countries
    return ()


def _opening_subject(
    sentence: str, own: list[tuple[int, int, str, str]]
) -> tuple[str, bool] | None:
    """The one acting country a sentence opens with as its subject, and whether a person
    speaks for it ("The Japanese prime minister met ...", "President Biden said ..."), or
    ``None`` (no country in its first words, or a list of them)."""
    if not own:
        return None
    actors = [role for role in sentence_roles(sentence, own) if role.role == ACTOR]
    if not actors or _more_words_than(sentence, 0, actors[0].start, _OPENING_WORDS):
        return None
    first = actors[0]
    spans = [(role.start, role.end, role.iso3) for role in actors]
    if len(_group_mentions(sentence, spans)[0].countries) != 1:
        return None
    kind = next((m[3] for m in own if m[0] == first.start), "name")
    person = kind == "leader" or _PERSON_AFTER.match(sentence, first.end) is not None
    return first.iso3, person


def _list_before(
    sentence: str, own: list[tuple[int, int, str, str]], phrase: re.Match[str]
) -> tuple[str, ...]:
    """The countries of the list right before ", both of which" (two for "both"), or none."""
    before = [m for m in own if m[1] <= phrase.start()]
    kept = _actors(sentence, before) if before else None
    if kept is None:
        return ()
    last = _group_mentions(sentence, kept)[-1]
    if last.end != phrase.start() or len(last.countries) < 2:
        return ()
    if phrase.group("quantity").lower() == "both" and len(last.countries) != 2:
        return ()
    return last.countries


def _sets(sentence: str, mentions: list[tuple[int, int, str, str]]) -> list[tuple[str, ...]]:
    """The sets a later phrase may refer to: the acting countries, then each list in order."""
    if not mentions:
        return []
    kept = _actors(sentence, mentions)
    if kept is None:
        return []
    whole = tuple(dict.fromkeys(iso3 for _, _, iso3 in kept))
    groups = [g.countries for g in _group_mentions(sentence, kept) if len(g.countries) > 1]
    return [whole, *groups]


def _nearest(
    n: int, current: list[tuple[str, ...]], named: list[tuple[str, ...]]
) -> tuple[str, ...] | None:
    """The nearest set of exactly ``n`` countries: this sentence's, then earlier ones."""
    for candidates in (current, named):
        for countries in reversed(candidates):
            if len(countries) == n:
                return countries
    return None


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in S.MENTION_COLUMNS})
    for column in (S.SENTENCE_INDEX, S.START, S.END):
        frame[column] = pd.Series(dtype="int64")
    frame[S.CONFIDENCE] = pd.Series(dtype="float64")
    return frame
