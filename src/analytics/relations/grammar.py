"""Sentence grammar for the relation scorer: who in a sentence can relate to whom.

Which mentions are actors (by their roles: not datelines, places or nationalities),
where clauses begin and end, which neighbouring mentions act together as one group, how
far a cue may reach from a group, and which group a mutual noun belongs to ("the
U.S.-Japan alliance"). Grammar, not vocabulary: the cue words themselves are in the
lexicon and the role words in ``data/roles.csv``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from analytics.relations.lexicon import CueMatch
from analytics.relations.roles import (
    ACTOR,
    LOCATION,
    NATIONALITY,
    STATE,
    default_roles,
    sentence_roles,
)

ACTOR_KINDS: tuple[str, ...] = ("name", "alias", "demonym", "capital", "leader")

# -- sentence structure (grammar, not vocabulary, so it lives here) ---------------
_CLAUSE_BREAK = re.compile(
    r";|\s--\s|\s\u2014\s|,\s*(?=(?:while|whereas|but|although|though|however|saying|"
    r"adding|according\s+to)\b)|"
    # "press for de-escalation while also bolstering its forces": "while" before a
    # gerund opens a clause of its own, comma or not.
    r"\s(?=while\s+(?:also\s+|still\s+)?[a-z]+ing\b)"
)
_RELATIVE = re.compile(r",\s*(?=(?P<pronoun>which|who|whose|where)\b)")
# Offices written in lower case between a demonym and the next country ("the French
# president and the German chancellor").
_OFFICES = (
    r"(?:president|prime|minister|premier|chancellor|foreign|defen[cs]e|secretary|king|"
    r"queen|emir|crown|prince|leader|envoy|ambassador|counterpart|delegation|official|"
    r"diplomat|negotiator|troop|force|soldier|army|navy|military|police|border\s+guard|"
    r"plane|warplane|warship|jet)s?"
)
# A leader's title before the name that follows "and" ("Biden and President Zelensky").
_LEADER_TITLE = (
    r"(?:(?:president|premier|chancellor|king|queen|emir|sheikh|sultan|crown\s+prince|"
    r"(?:prime|foreign|defen[cs]e)\s+minister|secretary\s+of\s+state)\s+)"
)
_STRONG_LINK = re.compile(
    r"^\s*(?:(?:,\s*)?(?:and|&)\s+(?:the\s+|both\s+|his\s+|her\s+|their\s+)?|"
    # Not after a comma: ", and President Biden backed ..." opens a clause of its own.
    r"(?:and|&)\s+" + _LEADER_TITLE + r"|[-\u2013/]\s*|"
    # "Iran and its ally Syria", "Russia and its close partner Belarus": one list.
    r"(?:,\s*)?(?:and|&)\s+(?:its|his|her|their)\s+(?:[a-z]+\s+)?"
    r"(?:ally|allies|partners?|neighbou?rs?)\s+(?:the\s+)?|"
    # "Xi Jinping and President of the United States Barack Obama": a title of the state.
    r"(?:,\s*)?and\s+(?:the\s+)?(?:(?-i:[A-Z])[\w-]*\s+){1,3}of\s+(?:the\s+)?|"
    # "Venezuelan President Nicolas Maduro and Guyanese President ...", "the French
    # president and the German chancellor": the office and name of the first country's
    # leader, then the next country.
    r"\s+(?:(?:(?-i:[A-Z])[\w.'\u2019-]*|" + _OFFICES + r")\s+){1,5}(?:and|&)\s+"
    r"(?:the\s+|his\s+|her\s+|their\s+)?|"
    # "Japan's prime minister and his Chinese counterpart": an office after a possessive
    # (not a name: "Russia's Gazprom and ..." is a firm).
    r"['\u2019]s\s+(?:" + _OFFICES + r"\s+){1,3}(?:and|&)\s+(?:the\s+|his\s+|her\s+|their\s+)?|"
    r"(?:['\u2019]s\s+)?(?:(?:bilateral|diplomatic|trade|economic|security)\s+)?"
    r"(?:relations|relationship|ties)\s+(?:with|to)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# Between two mentions of one country: the office and given names of its leader, whose
# name is the second ("Russian President Vladimir Putin", "the U.S. Secretary of State
# Hillary Clinton"): one person, so the list they open goes on past the name.
_TITLE_LINK = re.compile(
    r"^(?:['\u2019]s)?\s+(?:(?:(?-i:[A-Z])[\w.'\u2019-]*|of|the|for|" + _OFFICES + r")\s+){0,6}$",
    re.IGNORECASE,
)
# A list comma, with perhaps a member that is no country between ("the United States,
# the European Union, Russia and China").
_COMMA_LINK = re.compile(
    r"^\s*,\s*(?:the\s+)?(?:(?:(?-i:[A-Z])[\w.'\u2019-]*\s+){0,4}(?-i:[A-Z])[\w.'\u2019-]*"
    r"\s*,\s*(?:the\s+)?)?$",
    re.IGNORECASE,
)
# After a list's last country, the list goes on to an "and" ("the U.S., Brazil and
# Caribbean states").
_LIST_GOES_ON = re.compile(r"\s*,?\s+(?:and|&)\s", re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:between|among|amongst|involving|of)\b", re.IGNORECASE)
_BETWEEN_LAST = re.compile(r"\b(?:between|among|amongst)$", re.IGNORECASE)
_WORDS = re.compile(r"[\w'\u2019-]+")
_ATTACH_WORDS = 3  # words allowed between a group and the mutual noun it owns
_REACH_WORDS = 15  # a cue further than this from a group is in another constituent
# The patterns read after a position are matched there (``match(text, pos)``), never on
# a slice: a slice per cue or mention would copy the rest of a long sentence each time.
_ANTI = re.compile(r"\banti-$", re.IGNORECASE)
_OBJECT_AFTER_AT = re.compile(r"\s+(?:with|against)\b", re.IGNORECASE)
# A group right after one of these is what is acted on, not who acts ("tariffs on A, B and C").
_OBJECT_BEFORE = re.compile(
    r"\b(?:on|against|to|into|over|upon|toward|towards)\s+(?:the\s+)?$", re.IGNORECASE
)
# A list right after one of these names places, which do nothing together ("rebels based
# in A, B and C", "bird deaths in A, B and C"); a capital after them is a location already.
# The word before the preposition is kept: a state head there makes the list its states
# ("the juntas in A and B").
_PLACES_BEFORE = re.compile(
    r"(?:\b([\w'\u2019-]+)\s+)?\b(?:in|at|across|throughout|within|inside)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A phrase referring back to a list, taken into its group ("A and B, both of which").
_REFERRED = re.compile(r"\b(?:which|who|whom)\b", re.IGNORECASE)
# The words between a cue and the list that did it, in the passive ("mediated by A and B",
# "an attack yesterday in Tehran by A and B").
_AGENT_BETWEEN = re.compile(
    # "by the U.S.", "by a South Korean leader", "by President Donald Trump"
    r"\s+(?:[\w'\u2019-]+\s+){0,4}?by\s+(?:(?:the|a|an)\s+)?(?:(?-i:[A-Z])[a-z]+\s+){0,2}",
    re.IGNORECASE,
)
# "with the help of A, B and C", "with the backing of A and B": the list after "of" does
# the act the noun names.
_WITH_BEFORE = re.compile(r"\bwith\s+(?:the\s+)?(?:[a-z]+\s+)?$", re.IGNORECASE)
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
# Between a subject and its participle, the passive's auxiliaries ("A and B have been
# invited", "... were not consulted", "... could be widely seen").
_PASSIVE_AFTER = re.compile(
    r"(?:\s*,\s*(?:which|who))?"  # the subject of a relative clause ("A, which was hit")
    r"\s+(?:(?:have|has|had|will|would|may|might|could|can|should|must)\s+)?"
    r"(?:(?:not|never|also|already)\s+)?(?:is|are|was|were|be|been|being)\s+"
    r"(?:(?:not|never|also|already|\w+ly)\s+)?",
    re.IGNORECASE,
)
_PROGRESSIVE = re.compile(r"[a-z]+ing\b", re.IGNORECASE)
# "A and B accuse each other": a directed cue done by each to the other.
_RECIPROCAL = re.compile(r"\s+(?:each\s+other|one\s+another)\b", re.IGNORECASE)
# A topic label opening a summary ("Israeli-Palestinian Conflict: ...", "War in Afghanistan:"):
# up to nine words ("International response to the 2011 Egyptian protests:"), none a verb of
# saying or being, then a colon.
# A year may lead the label ("2006 Israel-Lebanon crisis: ...").
_TOPIC_LABEL = re.compile(r"\s*(?:\d{4}(?:[\u2013-]\d{2,4})?\s+)?(?-i:[A-Z])[^:;.!?]{0,60}?:\s")
_LABEL_WORDS = 9
_NOT_LABEL = re.compile(
    r"\b(?:says?|said|tells?|told|states?|stated|adds?|added|announces?|announced|warns?|"
    r"warned|writes?|wrote|is|are|was|were|has|have|had)\b",
    re.IGNORECASE,
)


# Named tuples rather than frozen dataclasses: hundreds of thousands are made per corpus.
class _Group(NamedTuple):
    start: int
    end: int
    countries: tuple[str, ...]


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
    for (_, end, first), (start, _, second) in zip(mentions, mentions[1:], strict=False):
        between = text[end:start]
        if first == second and _TITLE_LINK.match(between):
            links.append("title")
        elif _STRONG_LINK.match(between) or not between.strip():
            links.append("strong")
        elif _COMMA_LINK.match(between):
            links.append("comma")
        else:
            links.append(None)
    # A comma joins only inside a list that goes on to an "and" ("A, B and C"), perhaps
    # after its last country ("A, B and other states").
    joined = [False] * len(links)
    carry = _LIST_GOES_ON.match(text, mentions[-1][1]) is not None
    for index in range(len(links) - 1, -1, -1):
        if links[index] == "title":
            # One person: joined, and the list goes on (or not) as it does after the name.
            joined[index] = True
        elif links[index] == "strong":
            joined[index], carry = True, True
        elif links[index] == "comma":
            joined[index] = carry
        else:
            carry = _LIST_GOES_ON.match(text, mentions[index][1]) is not None
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


def relative_subjects(
    text: str,
    kept: list[tuple[int, int, str]],
    clause_starts: list[int],
    clause_ids: list[int],
) -> dict[int, list[tuple[int, int, str]]]:
    """The countries a relative clause is about, by clause id: the group just before it.

    "Russia, which has accused Ukraine of shelling, ...": the clause's "which" is Russia,
    so Russia acts in it. Only a group of acting countries right before the clause's
    comma counts, and not before "where" (a place, not who acts there).
    """
    found: dict[int, list[tuple[int, int, str]]] = {}
    for cut in _RELATIVE.finditer(text):
        if cut.group("pronoun").lower() == "where":
            continue  # "Turkey, where he holds talks": a place, not who acts there
        position = cut.start()
        before = [mention for mention in kept if mention[1] <= position]
        if not before or text[before[-1][1] : position].strip():
            continue
        last = _group_mentions(text, before)[-1]
        found[_clause_of(clause_starts, clause_ids, position)] = [
            mention for mention in before if mention[0] >= last.start
        ]
    return found


def _make_group(members: list[tuple[int, int, str]]) -> _Group:
    countries = tuple(dict.fromkeys(iso3 for _, _, iso3 in members))
    return _Group(members[0][0], members[-1][1], countries)


def _word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def _more_words_than(text: str, start: int, end: int, limit: int) -> bool:
    """Whether ``text[start:end]`` holds more than ``limit`` words (``_word_count``).

    Counting stops at ``limit + 1`` words, so a cue far from a group in a long sentence
    costs no more than a near one.
    """
    words = _WORDS.finditer(text, start, end)
    return next(itertools.islice(words, limit, None), None) is not None


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


def is_object_group(text: str, group: _Group) -> bool:
    """Whether a group follows a preposition that makes it acted on ("sanctions on A and B")."""
    return bool(_OBJECT_BEFORE.search(text, max(0, group.start - 14), group.start))


def is_place_list(text: str, group: _Group) -> bool:
    """Whether a group of two countries or more is a list of places ("based in A, B and C").

    Its members are where something is or happens, not a list that acts together; a single
    country after "in" may still be the target ("strikes in Syria"), so only lists count.
    After a state head the list names that head's states ("the juntas in A and B", "the
    governments in A and B"), and a relative pronoun referring back to it makes it the
    subject of its clause ("takeovers in A and B, both of which turned away from C"): they
    may act together.
    """
    if len(group.countries) < 2 or _REFERRED.search(text, group.start, group.end):
        return False
    found = _PLACES_BEFORE.search(text, max(0, group.start - 40), group.start)
    if found is None:
        return False
    head = (found.group(1) or "").lower()
    heads = default_roles().heads
    return STATE not in (heads.get(head), heads.get(head[:-1]) if head.endswith("s") else None)


def is_agent_group(text: str, cue_start: int, cue_end: int, group: _Group) -> bool:
    """Whether a group right after a cue does it: the agents of a passive ("a truce mediated
    by A and B") or of a noun after "with" ("with the help of A, B and C").
    """
    if _AGENT_BETWEEN.fullmatch(text, cue_end, group.start):
        return True
    return bool(
        _OF_AFTER.fullmatch(text, cue_end, group.start)
        and _WITH_BEFORE.search(text, max(0, cue_start - 24), cue_start)
    )


def is_passive_subject(text: str, group: _Group, cue_start: int) -> bool:
    """Whether a group is the subject of the cue in the passive: it undergoes the act
    ("A, B and C have been invited", "A and B were not consulted"), so does not do it together.
    """
    if _PROGRESSIVE.match(text, cue_start):  # "A and B are agreeing to meet"
        return False
    return _PASSIVE_AFTER.fullmatch(text, group.end, cue_start) is not None


def topic_label_end(text: str) -> int:
    """Where a topic label opening the sentence ends, or 0 (see ``_TOPIC_LABEL``).

    A label names what the text is about; its words relate no one, so the mentions and
    cues before this position are left out of pairing.
    """
    label = _TOPIC_LABEL.match(text)
    if label is None:
        return 0
    words = label.group().rstrip()[:-1]
    if len(_WORDS.findall(words)) > _LABEL_WORDS or _NOT_LABEL.search(words):
        return 0
    return label.end()


def _actors(
    text: str, mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]]
) -> list[tuple[int, int, str]] | None:
    """The mentions that act, in text order; ``None`` unless two countries or more act.

    Roles before pairing (``analytics.relations.roles``): locations and the nationalities
    of non-state entities relate to no one.
    """
    cast = _cast(text, mentions)
    return None if cast is None else cast[0]


def _cast(
    text: str, mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]] | None:
    """The mentions that act, and those that do not (places, nationalities): start, iso3.

    ``None`` unless two countries or more act.
    """
    roles = sentence_roles(text, mentions)
    kept = [(role.start, role.end, role.iso3) for role in roles if role.role == ACTOR]
    if len({iso3 for _, _, iso3 in kept}) < 2:
        return None
    bystanders = [(role.start, role.iso3) for role in roles if role.role in (LOCATION, NATIONALITY)]
    return kept, sorted(bystanders)


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
            and (
                _BETWEEN.search(text, match.end, right.start)
                # The cue's own last word may be it ("a meeting between", "talks among").
                or _BETWEEN_LAST.search(match.surface) is not None
            )
        ):
            return right
    return None


def _stands_between(
    bystanders: Sequence[tuple[int, str]], low: int, high: int, parties: Sequence[str]
) -> bool:
    """Whether a mention that does not act, of none of the ``parties``' countries, lies in
    ``[low, high)``: "signs the Treaty of Lisbon, leaving the Czech Republic ..."; the cue
    is about that place or person, and reaches no country beyond it. A place of the
    target's own country does not stand between ("arrives in Washington for talks with the
    U.S. president"); one of the actor's own does ("meet in Washington to discuss North
    Korea").
    """
    index = bisect.bisect_left(bystanders, (low, ""))
    while index < len(bystanders) and bystanders[index][0] < high:
        if bystanders[index][1] not in parties:
            return True
        index += 1
    return False


def _any_start_in(starts: list[int], low: int, high: int) -> bool:
    """Whether a sorted list of positions holds one in ``[low, high)``."""
    index = bisect.bisect_left(starts, low)
    return index < len(starts) and starts[index] < high
