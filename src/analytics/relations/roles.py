"""The role of each country mention in a sentence, decided before countries are paired.

Only an acting state relates to another country (``RELATIONS-ANNOTATION.md`` rules 2-4):

- ``actor``: the state acts: its government, leader, ministry or forces, or the country
  named as agent ("Russia said", "U.S. forces", "the Israeli army", "Syria's government");
- ``location``: the country is where something happens ("in Syria", "in northern Iraq",
  "Syria's capital", the "WASHINGTON, March 31 -" dateline);
- ``nationality``: the country of a non-state entity ("a British tourist", "American
  company", "Palestinian youths", "a Qatar-based firm", "Serbs and Albanians").

The rules are about English, not about one sentence, and are tried in this order:

1. a dateline opening the sentence is a location, and so is a source cited in parentheses
   at its end ("(Reuters UK)"), which is a nationality (of a news outlet);
2. a leader stands for the state: always an actor;
3. a hyphen suffix ("Qatar-based", "U.S.-owned") is looked up in ``data/roles.csv``;
4. the head noun the mention modifies, as possessive or adjective ("Syria's capital",
   "Israeli riot police", "British and French tourists"), up to ``HEAD_WORDS`` words on
   (the next word only after a plain name: "U.S. forces") and across a coordinated
   list of countries, is looked up in the table; a capitalised word that is not a
   state organ's title ends the search (a proper name: "National Intelligence
   Organization"), and "former" before a state title makes a person ("Former Liberian
   President Charles Taylor");
5. a noun governing the mention through "of" or "from" ("the government of Iraq", "the outskirts
   of Kabul", "journalists from France") is looked up in the table;
6. a plural demonym used as a noun ("Serbs and Albanians clash") names people;
7. a name, alias or capital after "in/at/across/inside/outside/throughout/within"
   (directions, "the" and a town may stand between: "in northern Iraq", "in Valencia,
   Spain") is a location, unless a relation noun governs the preposition ("war in
   Ukraine", "an attack in Arad, Israel", "its embassy in Canada"); a capital after
   "from/to/via" is one too ("flew to Moscow"). "near" and "around" are not places for a
   country: "drills near Taiwan" press on it. A list takes the place frame of its first
   member ("in Serbia, the Netherlands and Spain");
8. otherwise the country acts.

The table ``data/roles.csv`` (``word``, ``kind``) holds the vocabulary an analyst may edit:
``state`` heads make an actor, ``non_state`` heads a nationality, ``place`` heads a
location, and ``relation`` nouns keep "<noun> in X" a party.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analytics.errors import InputError
from analytics.paths import data_dir

ACTOR = "actor"
LOCATION = "location"
NATIONALITY = "nationality"
ROLES: tuple[str, ...] = (ACTOR, LOCATION, NATIONALITY)

ROLE_COLUMNS: tuple[str, ...] = ("word", "kind")
# What a head word of each kind makes of the country that it names.
ROLE_OF_KIND: Mapping[str, str] = {
    "state": ACTOR,
    "non_state": NATIONALITY,
    "place": LOCATION,
}
RELATION_KIND = "relation"
ROLE_KINDS: tuple[str, ...] = (*ROLE_OF_KIND, RELATION_KIND)

HEAD_WORDS = 3  # words looked at after a mention for the noun it modifies

# -- grammar (the vocabulary is in data/roles.csv) --------------------------------
_DATELINE_AFTER = re.compile(r"\s*,|\s+[-\u2013]\s|\s*\(")  # not "U.S.-Japan"
_POSSESSIVE = re.compile(r"['\u2019]s?\b")
_SUFFIX = re.compile(r"-([a-z]+)\b")
_TOKEN = re.compile(r"\s*(?:([A-Za-z][\w'\u2019.]*)|(,)|(-|\u2013|/)|(\S))")
_FUNCTION_WORDS = frozenset(
    "the a an of to in on at with by for from that which who whom whose is are was were be "
    "been has have had will would could may might should can said says say as than after "
    "before over under into onto against between among during about since until while "
    "its his her their our this these those".split()
)
_CONJUNCTIONS = frozenset({"and", "or", "&"})
_GOVERNOR = re.compile(r"\b([a-z]+)(?:\s+([a-z]+))?\s+(?:of|from)\s+(?:the\s+)?$", re.IGNORECASE)
_DIRECTION = (
    r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)"
    r"(?:ern)?|far|occupied|neighbouring|neighboring|rural|coastal|eastern|western)"
)
# "in northern Iraq", "in the Gaza Strip", "in Valencia, Spain" (a town, then its country).
_PLACE_PREPOSITION = re.compile(
    r"\b(in|at|across|inside|outside|throughout|within)\s+"
    rf"(?:the\s+)?(?:{_DIRECTION}\s+)*(?-i:(?:[A-Z][\w'\u2019-]*\s+){{0,2}}[A-Z][\w'\u2019-]*,\s+)?$",
    re.IGNORECASE,
)
_MAY_PLACE = re.compile(r"\b(?:in|at|across|inside|outside|throughout|within)\s")
_CAPITAL_PREPOSITION = re.compile(r"\b(from|to|via)\s+$", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+$")
_PLAIN_BEFORE = 40  # characters looked at before a mention for its preposition
_ABBREVIATION = re.compile(r"^[A-Z.]+$")
_LOWER_WORD_AFTER = re.compile(r"\s+[a-z]")
_NON_SPACE = re.compile(r"\S")
_FORMER = re.compile(r"\b(?:former|ex-)\s*$", re.IGNORECASE)
_LIST_MEMBER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)(?:the\s+)?", re.IGNORECASE)
_LIST_JOIN = re.compile(r"\s*(?:,\s*)?(?:and|&|,)\s*", re.IGNORECASE)
# A source cited in parentheses at the end ("... (Reuters UK)", "(BBC), (AP)").
_CITATION_OPEN = re.compile(r"\([^()]*$")
_CITATION_CLOSE = re.compile(r"[^()]*\)(?:[\s.,;]*\([^()]*\))*[\s.,;]*$")


class Role(NamedTuple):
    """One mention's role and the words that decided it."""

    iso3: str
    role: str
    evidence: str
    start: int
    end: int


class RoleTable(NamedTuple):
    """The head words of ``data/roles.csv``, one lookup per kind."""

    heads: Mapping[str, str]  # word or two-word phrase -> role
    suffixes: Mapping[str, str]  # "based" (from "-based") -> role
    relations: frozenset[str]
    longest: int  # most words in a head phrase


def roles_path() -> Path:
    """The default role table, ``data/roles.csv``."""
    return data_dir() / "roles.csv"


def validate_roles(table: pd.DataFrame) -> pd.DataFrame:
    """Check a role table: columns ``word`` and ``kind``, known kinds, no repeated word.

    Returns:
        The table with words stripped and lower-cased.

    Raises:
        InputError: on a missing column, an empty word, an unknown kind or a repeat.
    """
    missing = [column for column in ROLE_COLUMNS if column not in table.columns]
    if missing:
        raise InputError(
            f"role table must have columns {', '.join(ROLE_COLUMNS)}; missing {missing!r}; "
            f"got {list(table.columns)!r}"
        )
    words = table["word"].astype(str).str.strip().str.lower()
    kinds = table["kind"].astype(str).str.strip()
    for position, (word, kind) in enumerate(zip(words, kinds, strict=True)):
        if not word or word == "-":
            raise InputError(f"role table row {position + 2}: word must not be empty; got {word!r}")
        if kind not in ROLE_KINDS:
            raise InputError(
                f"role table row {position + 2} ({word!r}): kind must be one of "
                f"{', '.join(ROLE_KINDS)}; got {kind!r}"
            )
    # A word may be a head and a relation noun too ("embassy"), but only once each.
    keys = pd.Series(list(zip(words, kinds == RELATION_KIND, strict=True)))
    repeated = words[keys.duplicated().to_numpy()]
    if not repeated.empty:
        raise InputError(f"role table words must be unique; got {repeated.iloc[0]!r} twice")
    return pd.DataFrame({"word": words, "kind": kinds})


def load_roles(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a role table CSV (default ``data/roles.csv``).

    Raises:
        InputError: when the file is missing or breaks a rule of ``validate_roles``.
    """
    path = Path(path) if path is not None else roles_path()
    if not path.is_file():
        raise InputError(f"role table must be an existing CSV file; got {str(path)!r}")
    return validate_roles(pd.read_csv(path, dtype=str, keep_default_na=False))


def compile_roles(table: pd.DataFrame) -> RoleTable:
    """The lookups of a validated role table (``validate_roles``)."""
    heads: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    relations: set[str] = set()
    for word, kind in zip(table["word"], table["kind"], strict=True):
        if kind == RELATION_KIND:
            relations.add(word)
        elif word.startswith("-"):
            suffixes[word[1:]] = ROLE_OF_KIND[kind]
        else:
            heads[" ".join(word.split())] = ROLE_OF_KIND[kind]
    longest = max((len(head.split()) for head in heads), default=1)
    return RoleTable(heads, suffixes, frozenset(relations), longest)


@functools.lru_cache(maxsize=4)
def _cached_roles(stamp: tuple[str, float]) -> RoleTable:
    return compile_roles(load_roles(stamp[0]))


_STAMP_SECONDS = 1.0  # how long a look at the table file's time stands
_last_stamp: list[tuple[float, tuple[str, float]]] = []


def default_roles() -> RoleTable:
    """The bundled role table, compiled once and again when ``data/roles.csv`` changes.

    The file's modification time is looked at once a second at most: scoring asks for
    the table once per sentence.
    """
    now = time.monotonic()
    if not _last_stamp or now - _last_stamp[0][0] > _STAMP_SECONDS:
        path = roles_path()
        stamp = (str(path), path.stat().st_mtime if path.exists() else 0.0)
        _last_stamp[:] = [(now, stamp)]
    return _cached_roles(_last_stamp[0][1])


# -- one mention ----------------------------------------------------------------


def assign_role(
    text: str,
    start: int,
    end: int,
    kind: str,
    *,
    others: Sequence[tuple[int, int]] = (),
    table: RoleTable | None = None,
) -> tuple[str, str]:
    """The role of the mention ``text[start:end]`` and the words that decided it.

    Parameters:
        text: the sentence.
        start, end: the mention's span in ``text``.
        kind: the mention kind (``name``, ``alias``, ``demonym``, ``capital``, ``leader``...).
        others: spans of the sentence's other country mentions, sorted; a list of them
            joined by "and", commas or hyphens shares the head noun after it.
        table: the compiled role table (default: ``data/roles.csv``).

    Returns:
        ``(role, evidence)``: one of ``ROLES`` and a short excerpt of the sentence.
    """
    table = table if table is not None else default_roles()
    surface = text[start:end]
    opens = _NON_SPACE.search(text, 0, start) is None  # only space before: it opens
    if opens and surface.isupper() and _DATELINE_AFTER.match(text, end):
        return LOCATION, f"{surface} dateline"
    window_start = max(0, start - _PLAIN_BEFORE)
    before_text = text[window_start:start].lower()  # short: cheap tests before the patterns
    citation = _citation(text, start, end) if "(" in before_text else None
    if citation is not None:
        return NATIONALITY, citation
    former = (
        _FORMER.search(text, max(0, start - 12), start)
        if "former" in before_text or "ex-" in before_text
        else None
    )
    if kind == "leader":
        return (NATIONALITY, _excerpt(text, former.start(), end)) if former else (ACTOR, surface)
    suffix = _SUFFIX.match(text, end)
    if suffix is not None and suffix.group(1).lower() in table.suffixes:
        return table.suffixes[suffix.group(1).lower()], text[start : suffix.end()]
    # A name modifies at most the next word ("U.S. forces"); a demonym or a possessive
    # reaches over a few ("Israeli riot police", "Syria's new government").
    modifier = kind == "demonym" or _POSSESSIVE.match(text, end) is not None
    head = _head_after(text, end, others, table, HEAD_WORDS if modifier else 1)
    if head is not None:
        role, head_end = head
        if role == ACTOR and former is not None:
            # "Former Liberian President Charles Taylor": a person, no longer the state.
            return NATIONALITY, _excerpt(text, former.start(), head_end)
        return role, _excerpt(text, start, head_end)
    governed = " of " in before_text or " from " in before_text
    governor = _GOVERNOR.search(text, window_start, start) if governed else None
    if governor is not None:
        first, second = (word.lower() if word else None for word in governor.group(1, 2))
        for phrase in filter(None, (_joined((first, second)), second)):
            if phrase in table.heads:
                return table.heads[phrase], _excerpt(text, governor.start(), end)
    if kind == "demonym" and surface.endswith("s") and not surface.endswith("ss"):
        # "Serbs and Albanians clash" are people; "the Soviets", "Israel and
        # Palestinians agreed" speak for a side.
        before = _WORD_BEFORE.search(text, max(0, start - 12), start)
        listed = any(
            other_end <= start and _LIST_JOIN.fullmatch(text, other_end, start)
            for _, other_end in others
        )
        if not listed and (before is None or before.group(1).lower() != "the"):
            return NATIONALITY, surface
    if kind in ("demonym", "leader"):
        return ACTOR, surface
    place = (
        _PLACE_PREPOSITION.search(text, window_start, start)
        if _MAY_PLACE.search(before_text)
        else None
    )
    if place is not None and not _modifies_next(text, surface, end):
        before = _WORD_BEFORE.search(text, window_start, place.start())
        if before is None or before.group(1).lower() not in table.relations:
            return LOCATION, _excerpt(text, place.start(), end)
    if kind == "capital":
        place = _CAPITAL_PREPOSITION.search(text, window_start, start)
        if place is not None:
            return LOCATION, _excerpt(text, place.start(), end)
    return ACTOR, surface


def _citation(text: str, start: int, end: int) -> str | None:
    """The parenthesised source the mention is in, when it closes the sentence."""
    opened = _CITATION_OPEN.search(text, max(0, start - _PLAIN_BEFORE), start)
    if opened is None:
        return None
    closed = _CITATION_CLOSE.match(text, end)
    if closed is None:
        return None
    close = text.index(")", end)
    return _excerpt(text, opened.start(), close + 1)


def _joined(words: Iterable[str | None]) -> str:
    return " ".join(word for word in words if word)


def _excerpt(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def _modifies_next(text: str, surface: str, end: int) -> bool:
    """An abbreviation before a lower-case word modifies it: "in U.S. custody"."""
    return bool(_ABBREVIATION.match(surface)) and bool(_LOWER_WORD_AFTER.match(text, end))


def _head_after(
    text: str, end: int, others: Sequence[tuple[int, int]], table: RoleTable, reach: int
) -> tuple[str, int] | None:
    """The role given by the noun a mention modifies, and where that noun ends."""
    position = end
    possessive = _POSSESSIVE.match(text, position)
    if possessive is not None:
        position = possessive.end()
    other_starts = dict(others)
    words_seen = 0
    joined = False  # the last token joins a list: a country may follow
    while words_seen < reach:
        following = text[position:]
        stripped = len(following) - len(following.lstrip())
        if position + stripped in other_starts:
            if not joined:
                return None
            position = other_starts[position + stripped]
            possessive = _POSSESSIVE.match(text, position)
            if possessive is not None:
                position = possessive.end()
            joined = False
            continue
        token = _TOKEN.match(text, position)
        if token is None:
            return None
        word, comma, hyphen, other = token.groups()
        if other is not None:
            return None
        if comma is not None or hyphen is not None:
            joined = True
            position = token.end()
            continue
        assert word is not None
        lower = word.lower().rstrip(".")
        if lower in _CONJUNCTIONS:
            joined = True
            position = token.end()
            continue
        if lower in _FUNCTION_WORDS:
            return None
        if len(word) > 1 and word.isupper():
            return None  # a headline in capitals ("BRITAIN WANTS BANK ...") has no head
        found = _lookup(text, token.start(1), table)
        if found is not None:
            return found
        if word[0].isupper():
            return None  # a proper name begins: "Israel strikes Hamas fighters"
        joined = False
        words_seen += 1
        position = token.end()
    return None


def _lookup(text: str, position: int, table: RoleTable) -> tuple[str, int] | None:
    """The longest head phrase of the table starting at ``position``, with its end."""
    words = list(re.finditer(r"[A-Za-z][\w'\u2019]*", text[position : position + 60]))
    for n_words in range(min(table.longest, len(words)), 0, -1):
        phrase = " ".join(match.group(0).lower() for match in words[:n_words])
        role = table.heads.get(phrase)
        # A capitalised word other than a state organ's title is part of a proper name:
        # "Turkish National Intelligence Organization" is no "Turkish national".
        if role is not None and (role == ACTOR or words[0].group(0).islower()):
            return role, position + words[n_words - 1].end()
    return None


# -- one sentence ---------------------------------------------------------------


def sentence_roles(
    text: str,
    mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]],
    *,
    table: RoleTable | None = None,
) -> list[Role]:
    """The role of every mention of a sentence, in text order (overlaps dropped).

    Parameters:
        text: the sentence.
        mentions: ``(start, end, iso3)`` or ``(start, end, iso3, kind)``, relative to ``text``.
        table: the compiled role table (default: ``data/roles.csv``).
    """
    table = table if table is not None else default_roles()
    chosen: list[tuple[int, int, str, str]] = []
    for mention in sorted(mentions):
        if chosen and mention[0] < chosen[-1][1]:
            continue
        kind = mention[3] if len(mention) > 3 else "name"  # type: ignore[misc]
        chosen.append((mention[0], mention[1], mention[2], kind))
    spans = [(start, end) for start, end, _, _ in chosen]
    roles: list[Role] = []
    for start, end, iso3, kind in chosen:
        role, evidence = assign_role(text, start, end, kind, others=spans, table=table)
        if role == ACTOR and kind != "leader" and roles and roles[-1].role != ACTOR:
            # "in Serbia, the Netherlands and Spain", "journalists from South Africa and
            # the United Kingdom": a list shares the frame of its first member.
            previous = roles[-1]
            framed_before = not previous.evidence.startswith(text[previous.start : previous.end])
            if framed_before and _LIST_MEMBER.fullmatch(text, previous.end, start):
                role, evidence = previous.role, previous.evidence
        roles.append(Role(iso3, role, evidence, start, end))
    return roles


def describe_roles(roles: Sequence[Role], first: Sequence[str] = ()) -> str:
    """The roles as evidence text: "USA actor (U.S. forces); SYR location (in Syria)".

    One entry per country and role (its first mention), the countries in ``first``
    (a pair) before the others, then in text order.
    """
    entries: dict[tuple[str, str], str] = {}
    for role in roles:
        entries.setdefault((role.iso3, role.role), role.evidence)
    rank = {iso3: position for position, iso3 in enumerate(first)}
    ordered = sorted(entries.items(), key=lambda item: rank.get(item[0][0], len(rank)))
    return "; ".join(f"{iso3} {role} ({evidence})" for (iso3, role), evidence in ordered)
