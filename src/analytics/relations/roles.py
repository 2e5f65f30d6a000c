"""The role of each country mention in a sentence, decided before countries are paired.

Only an acting state relates to another country (``RELATIONS-ANNOTATION.md`` rules 2-4):

- ``location``: the mention is a dateline opening the sentence ("WASHINGTON, March 31 -"),
  a capital after "in/at/from/to/near/via/outside/inside" ("talks in Moscow") or a country
  whose border something is near or on ("near the border with Afghanistan")
  (``is_location``), or a country after "in" where an act on an armed group happened
  ("strikes kill militants in northern Syria", rule 3);
- ``nationality``: the country of a non-state entity ("a British tourist", "American
  company", "Palestinian youths", "a Qatar-based firm", "Serbs and Albanians"): rule 4,
  companies, people, teams and victims are not state actors;
- ``actor``: every other mention: the state acts (its government, leader, ministry or
  forces, the country named as agent), and pairs with the others.

Deciding locations from the words around any country name ("in northern Iraq", "Syria's
capital") was measured on the relations development set and lost recall on its ``test``
half, so a country named as a place still pairs unless one of the two location rules
says otherwise.

A mention is a nationality, in this order:

1. a source cited in parentheses at the end of the sentence ("(Reuters UK)");
2. a former leader ("former President X"): a leader otherwise always acts;
3. a hyphen suffix of the table ("Qatar-based", "U.S.-owned");
4. the head noun the mention modifies, as possessive or adjective ("British and French
   tourists", "Israel's national airline"), up to ``HEAD_WORDS`` words on (the next word
   only after a plain name: "U.S. company") and across a coordinated list of countries,
   when the table says ``non_state``; a ``state`` head ("U.S. forces") or a ``place``
   head ("Syria's capital") ends the search and the country acts. A capitalised word
   that is not a state organ's title ends it too (a proper name: "National Intelligence
   Organization"), and "former" before a state title makes a person ("Former Liberian
   President Charles Taylor");
5. a ``non_state`` noun governing the mention through "of" or "from" ("journalists from
   France"); a list shares the frame of its first member ("journalists from Britain and
   France");
6. a plural demonym used as a noun ("Serbs and Albanians clash"), unless it is listed
   with a country or follows "the" ("Israel and Palestinians agreed", "the Soviets");
7. a country's name inside a firm's, a newspaper's, a sports body's or event's, or a
   historical event's name ("Malaysia Airlines", "the Japan Times", "Air France", "the
   Pakistan Cricket Board", "Cricket Australia", "the London Olympics", "the Korean War",
   "the Armenian Genocide"), or a demonym before an international body's staff ("a
   Kazakh UNESCO official");
8. a singular demonym used as a noun for one person: after "a", "an" or "one" (an age
   between them: "a 15-year-old Palestinian") and before no noun, only punctuation, a
   preposition, a conjunction or a verb of being ("arrests a Palestinian at a checkpoint",
   "an American who"; not "an Iranian drone").

A country after "in" is a ``location`` when an ``armed_group`` word is named between the
last acting mention and it ("missile attacks kill 57 militants in northwest Pakistan",
rule 3: an act on a non-state group makes the country the place).

The table ``data/roles.csv`` (``word``, ``kind``) holds the vocabulary an analyst may edit:
``non_state`` and ``armed_group`` heads make a nationality; ``state`` and ``place`` heads
end the search for the head noun, and the country acts.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analytics.errors import InputError
from analytics.paths import data_dir

# The kind of a mention made by a phrase that refers back to countries named before
# ("the two countries"; ``analytics.relations.anaphora``).
ANAPHOR = "anaphor"
# Kinds a locative word before makes a place ("talks in Moscow", "in both countries").
_LOCATIVE_KINDS = frozenset({"capital", ANAPHOR})

ACTOR = "actor"
LOCATION = "location"
NATIONALITY = "nationality"
ROLES: tuple[str, ...] = (ACTOR, LOCATION, NATIONALITY)

ROLE_COLUMNS: tuple[str, ...] = ("word", "kind")
STATE, NON_STATE, ARMED_GROUP, PLACE = "state", "non_state", "armed_group", "place"
# Kinds of head word in the table; an ``armed_group`` is a non-state entity too.
ROLE_KINDS: tuple[str, ...] = (STATE, NON_STATE, ARMED_GROUP, PLACE)

HEAD_WORDS = 3  # words looked at after a mention for the noun it modifies

# -- grammar (the vocabulary is in data/roles.csv) --------------------------------
# The location rule (``is_location``): a capital after one of these words, a dateline.
# A country joined to one of these names where something goes ("a Gaza-bound flotilla").
_DESTINATION_SUFFIXES = frozenset({"bound"})
# "talks in Moscow", and a point of the compass from it ("a factory south of Khartoum").
_LOCATIVE = re.compile(
    r"\b(?:in|at|from|to|near|via|outside|inside|"
    r"(?:north|south)(?:[\s-]?(?:east|west))?\s+of|(?:east|west)\s+of)\s+$",
    re.IGNORECASE,
)
_LOCATIVE_REACH = 16  # characters: "southwest of " and "outside " fit
# A diplomatic post names the state it is accredited to ("closes its embassy in Damascus"),
# and a visit the state it is paid to ("an official visit to Tehran").
_POST = re.compile(
    r"\b(?:embassy|embassies|consulate|consulates|ambassador|ambassadors|envoy|envoys|"
    r"visit|visits|trip|trips)\s+(?:in|to)\s+$|"
    # ... and so does a journey to it ("travels to Moscow", "flies to Tripoli").
    r"\b(?:travel|travels|travell?ed|fly|flies|flew|head|heads|headed)\s+to\s+$|"
    # Weapons fired at a capital are fired at its state ("missiles at Kyiv").
    r"\b(?:missiles?|rockets?|drones?|shells?|mortars?|projectiles?)\s+(?:at|into|on)\s+$|"
    # A reaction felt "in" a capital is its government's ("concern in Seoul and Tokyo",
    # "fuelling suspicion in Washington").
    r"\b(?:concerns?|alarm|anger|fears?|suspicions?|unease|worry|worries|dismay|outrage|"
    r"irritation|frustration|criticism|condemnation|protests?)\s+in\s+$",
    re.IGNORECASE,
)
# A capital naming where an event was held or a document was signed ("the Vilnius summit",
# "the Minsk agreements", "the Lisbon Treaty"), also with a name's other words between ("the
# Copenhagen Climate Change Conference"), or a club of states named after the city where it
# meets ("the Paris Club").
_VENUE_AFTER = re.compile(
    r"(?:\s+(?-i:[A-Z])[a-z]+){0,3}"
    r"\s+(?:summit|talks|conference|meeting|accords?|agreements?|process|declaration|"
    r"format|protocol|negotiations|forum|treaty|treaties|conventions?|charter|pact|"
    r"(?-i:Club))\b",
    re.IGNORECASE,
)
# A country whose border something is near or on is where it is ("fighters near the border
# with Afghanistan", "close to its border with North Korea"); closing or crossing the border
# with it is a cue, not this.
_BORDER_BEFORE = re.compile(
    r"\b(?:near|close\s+to|on|along|at|by)\s+(?:the|its|their|his|her)\s+"
    r"(?:[A-Za-z][a-z-]*\s+)?borders?\s+(?:with|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_BORDER_REACH = 60  # characters looked at before a mention for the border phrase
# A gathering held in a country names its venue ("at a meeting in the United States", "the
# Non-Aligned Movement summit in Iran"), as a capital after "in" does.
_GATHERING_IN = re.compile(
    r"\b(?:meetings?|summits?|talks|conferences?|forums?|negotiations|gatherings?|sessions?)"
    r"\s+(?:(?:held|hosted|taking\s+place|to\s+be\s+held)\s+)?in\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_ADJECTIVE_REACH = 48  # ... for "along the" (and a first country joined to it)
# ... and a border named by its country's adjective ("outside the Israeli border", "along the
# Afghan border"): the same place, written the other way round.
_BORDER_ADJECTIVE_BEFORE = re.compile(
    r"\b(?:near|close\s+to|on|along|at|by|outside|across|over)\s+(?:the|its|their)\s+"
    # The second of two joined ("along the Lebanese/Israeli border", "the Syria-Turkey border").
    r"(?:(?-i:[A-Z])[\w'.\u2019]*(?:\s+(?-i:[A-Z])[\w'.\u2019]*)?[-/\u2013])?$",
    re.IGNORECASE,
)
# Not "the Lebanese border town of Arsal" (a town of that country) or "Iranian border
# guards" (its forces).
_BORDER_AFTER = re.compile(
    r"(?:[-/\u2013](?-i:[A-Z])[\w'.\u2019]*(?:\s+(?-i:[A-Z])[\w'.\u2019]*)?)?\s+borders?\b(?!\s+(?:towns?|villages?|city|cities|posts?|guards?|police|forces|troops|"
    r"areas?|regions?|provinces?|districts?|crossings?)\b)",
    re.IGNORECASE,
)
# A capital naming where a treaty was signed or a congress met ("the Treaty of Lisbon",
# "the Congress of Vienna"): the document or the meeting, not the state.
_VENUE_BEFORE = re.compile(
    r"\b(?-i:Treaty|Treaties|Convention|Protocol|Statute|Congress|Peace|Declaration|"
    r"Conference|Accords?)\s+of\s+$"
)
# The patterns read after a position are matched there (``match(text, pos)``), never on
# a slice: a slice per mention would copy the rest of a long sentence each time.
_DATELINE_AFTER_AT = re.compile(r"\s*,|\s+[-\u2013]\s|\s*\(")  # not "U.S.-Japan"
_NON_SPACE = re.compile(r"\S")
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
_GOVERNOR = re.compile(r"\b([a-z]+)(?:\s+([a-z]+))?,?\s+(?:of|from)\s+(?:the\s+)?$", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+$")
# A country's name inside a firm's or a newspaper's ("Malaysia Airlines", "Japan Times",
# "Air France"): the firm, not the state.
_FIRM_AFTER = re.compile(
    r"\s+(?:Airlines|Airways|Air\s+Lines|Telecom|Times|Post|Herald|Tribune|Petroleum|Steel|"
    r"Motors|Railways|Shipping|Broadcasting|Television|Holdings|Corporation|Corp\.?|Inc\.?|"
    r"Ltd\.?|Holding|Stock\s+Exchange|University|School\s+of)\b"
)
_FIRM_BEFORE = re.compile(r"\bAir\s+$")
# A country's name or demonym inside a sports body's or a sports event's ("the Pakistan
# Cricket Board", "the Costa Rican Football Federation", "Cricket Australia", "the London
# Olympics", "the Australian Open"): sport, not the state.
_SPORT = (
    r"(?:Football|Soccer|Cricket|Rugby|Olympics?|Paralympics?|Hockey|Ice\s+Hockey|Tennis|"
    r"Basketball|Volleyball|Handball|Athletics|Chess|Golf|Cycling|Swimming|Boxing|Games|"
    r"Open|Grand\s+Prix|World\s+Cup|Marathon)"
)
# A country's name or demonym inside a historical event's name ("the Korean War", "the
# Armenian Genocide", "the Iranian Revolution", "the Iraq War"): the event, not the state.
_EVENT_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+(?:Civil\s+|Independence\s+)?"
    r"(?:War|Wars|Genocide|Revolution|Holocaust|Spring|Uprising|Intifada)\b"
)
# A demonym before an international body's staff ("a Kazakh UNESCO official", "two British
# Red Cross workers"): the person's nationality, not the state's agent. Not an observer: "the
# Palestinian United Nations observer" is the state's post at the UN.
_BODY_STAFF_AFTER = re.compile(
    r"\s+(?:UN|U\.N\.|United\s+Nations|UNESCO|UNICEF|UNHCR|UNRWA|WHO|IAEA|OSCE|IMF|"
    r"World\s+Bank|Red\s+Cross|Red\s+Crescent|ICRC)\s+"
    r"(?:officials?|workers?|employees?|staff|staffers?|inspectors?|monitors?|"
    r"experts?|volunteers?)\b"
)
# ... and after such staff ("United Nations peacekeepers from Nepal", "NATO troops from
# Germany"): the body's people, of that nationality.
_BODY_STAFF_FROM_BEFORE = re.compile(
    r"\b(?:UN|U\.N\.|United\s+Nations|NATO|African\s+Union|AU|EU|European\s+Union)\s+"
    r"(?:peacekeepers|peacekeeping\s+troops|troops|forces|soldiers|officials|workers|"
    r"staff|observers|monitors|experts|inspectors|police)\s+from\s+(?:the\s+)?$"
)
# A non-state noun governing a list through "from such countries as" ("journalists from
# such countries as Turkey, Spain and ..."), as "journalists from Turkey" does.
_GOVERNOR_EXAMPLES = re.compile(
    r"\b([a-z]+)\s+from\s+(?:such\s+countries\s+as|countries\s+(?:such\s+as|including|"
    r"like))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A country's name or demonym inside a non-state armed group's or movement's name: a
# capitalised name holding a word of insurgency and ending in a force's noun ("the Free
# Syrian Army", "the Syrian Democratic Forces", "the Irish Republican Army"). Not "the
# Afghan National Army" or "the Revolutionary Guards", which are a state's, nor a
# "Liberation Army" (the Sudan People's Liberation Army became South Sudan's army).
_GROUP_WORDS = r"(?:Free|Republican|Democratic|Resistance|Rebel)"
_NAMED_GROUP = re.compile(
    r"\b(?:[A-Z][\w'\u2019.-]*\s+){0,3}"
    rf"{_GROUP_WORDS}\s+"
    r"(?:[A-Z][\w'\u2019.-]*\s+){0,2}(?:Army|Forces|Front|Movement|Militia|Brigades?)\b"
)
_GROUP_QUALIFIER = re.compile(_GROUP_WORDS + r"\s")
_NAMED_GROUP_REACH = 60  # characters looked at on each side of a mention for that name
_SPORT_AFTER = re.compile(r"(?:['\u2019]s)?\s+" + _SPORT + r"\b")
_SPORT_BEFORE = re.compile(r"\b" + _SPORT + r"\s+$")
# One person: an article or "one", perhaps an age, right before a singular demonym...
_ONE_PERSON_BEFORE = re.compile(
    r"\b(?:an?|one)\s+(?:(?:\d+|[a-z]+)-year-old\s+|young\s+|elderly\s+)?$", re.IGNORECASE
)
# ... and no noun after it.
_NO_NOUN_AFTER = re.compile(
    r"\s*(?:[,.;:!?)\u2013\u2014]|$|(?:at|in|on|near|who|whom|whose|was|is|has|had|and|or|"
    r"with|from|after|before|for|of|to|by|during|while)\b)",
    re.IGNORECASE,
)
_PLAIN_BEFORE = 40  # characters looked at before a mention for its frame
# A leader or an office holder no longer in office is a person ("former", "ousted").
# The words are tested as substrings first (cheap), then as patterns.
_FORMER_HINTS = ("former", "ex-", "ousted", "deposed", "exiled", "toppled")
_FORMER_WORDS = "(?:" + "|".join(_FORMER_HINTS) + ")"
_FORMER = re.compile(r"\b" + _FORMER_WORDS + r"\s*$", re.IGNORECASE)
_FORMER_WORD = re.compile(r"\b" + _FORMER_WORDS, re.IGNORECASE)
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

    heads: Mapping[str, str]  # word or two-word phrase -> kind (``ROLE_KINDS``)
    suffixes: Mapping[str, str]  # "based" (from "-based") -> kind
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
    repeated = words[words.duplicated().to_numpy()]
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
    for word, kind in zip(table["word"], table["kind"], strict=True):
        if word.startswith("-"):
            suffixes[word[1:]] = kind
        else:
            # "al-Qaeda" is looked up as the words the text splits it into.
            heads[" ".join(word.replace("-", " ").split())] = kind
    longest = max((len(head.split()) for head in heads), default=1)
    return RoleTable(heads, suffixes, longest)


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


def is_location(text: str, start: int, end: int, kind: str) -> bool:
    """Whether the mention ``text[start:end]`` names where, not who: the one location rule.

    A dateline opening the sentence in capitals ("WASHINGTON, March 31 -"), a capital
    naming an event's venue ("the Vilnius summit", "the Minsk agreements"), a country
    whose border something is near or on ("near the border with Afghanistan", "close to
    its border with North Korea"; not "closes its border with"), or a capital
    after "in/at/from/to/near/via/outside/inside" or a point of the compass ("talks in
    Moscow", "a town north of Baghdad") but not after a
    diplomatic post, a visit or a reaction ("its embassy in Damascus", "a visit to Tehran",
    "concern in Seoul" name the state). A phrase referring back to countries ("in both
    countries") is read as a capital is.
    """
    surface = text[start:end]
    # Only space before the mention: it opens the sentence (found without a slice).
    opens = _NON_SPACE.search(text, 0, start) is None
    if opens and surface.isupper() and _DATELINE_AFTER_AT.match(text, end):
        return True
    if kind == "capital" and (
        _VENUE_AFTER.match(text, end) or _VENUE_BEFORE.search(text, max(0, start - 16), start)
    ):
        return True
    if _BORDER_BEFORE.search(text, max(0, start - _BORDER_REACH), start):
        return True
    if (
        kind in _PLACE_KINDS
        and "in " in text[max(0, start - 7) : start]
        and _GATHERING_IN.search(text, max(0, start - 40), start)
    ):
        return True  # "a meeting in the United States": the venue (annotation rule 2)
    if (
        kind in ("demonym", "name")
        and _BORDER_AFTER.match(text, end)
        and _BORDER_ADJECTIVE_BEFORE.search(text, max(0, start - _ADJECTIVE_REACH), start)
    ):
        return True
    if kind not in _LOCATIVE_KINDS or not _LOCATIVE.search(
        text[max(0, start - _LOCATIVE_REACH) : start]
    ):
        return False
    return not _POST.search(text[max(0, start - 24) : start])


def _location_words(text: str, start: int, end: int) -> str:
    """The words that made a mention a location (``is_location``)."""
    venue = _VENUE_AFTER.match(text, end)
    if venue is not None:
        return text[start : venue.end()]
    named = _VENUE_BEFORE.search(text, max(0, start - 16), start)
    if named is not None:
        return _excerpt(text, named.start(), end)
    border = _BORDER_BEFORE.search(text, max(0, start - _BORDER_REACH), start)
    if border is not None:
        return _excerpt(text, border.start(), end)
    adjective = _BORDER_ADJECTIVE_BEFORE.search(text, max(0, start - _ADJECTIVE_REACH), start)
    after = _BORDER_AFTER.match(text, end)
    if adjective is not None and after is not None:
        return _excerpt(text, adjective.start(), after.end())
    before = text[max(0, start - _LOCATIVE_REACH) : start]
    locative = _LOCATIVE.search(before)
    if locative is None:
        return f"{text[start:end]} dateline"
    return _excerpt(text, start - len(before) + locative.start(), end)


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
    if is_location(text, start, end, kind):
        return LOCATION, _location_words(text, start, end)
    table = table if table is not None else default_roles()
    found = _nationality(text, start, end, kind, others, table)
    return found if found is not None else (ACTOR, text[start:end])


def _nationality(
    text: str,
    start: int,
    end: int,
    kind: str,
    others: Sequence[tuple[int, int]],
    table: RoleTable,
) -> tuple[str, str] | None:
    """``(NATIONALITY, words)`` for a non-state entity's country; ``(ACTOR, words)`` when
    a state head decided it ("U.S. forces"); ``None`` when nothing did (the country acts).
    """
    surface = text[start:end]
    window_start = max(0, start - _PLAIN_BEFORE)
    before_text = text[window_start:start].lower()  # short: cheap tests before the patterns
    citation = _citation(text, start, end) if "(" in before_text else None
    if citation is not None:
        return NATIONALITY, citation
    former = (
        _FORMER.search(text, max(0, start - 12), start)
        if any(word in before_text for word in _FORMER_HINTS)
        else None
    )
    if kind == "leader":
        return (NATIONALITY, _excerpt(text, former.start(), end)) if former else None
    suffix = _SUFFIX.match(text, end)
    if suffix is not None and suffix.group(1).lower() in _DESTINATION_SUFFIXES:
        return LOCATION, text[start : suffix.end()]  # "an Australia-bound boat"
    if suffix is not None and suffix.group(1).lower() in table.suffixes:
        return _role_of(table.suffixes[suffix.group(1).lower()], text[start : suffix.end()])
    firm = _FIRM_AFTER.match(text, end)
    if firm is not None:
        return NATIONALITY, text[start : firm.end()]
    if kind == "name" and _FIRM_BEFORE.search(text, max(0, start - 4), start):
        return NATIONALITY, text[max(0, start - 4) : end]
    if kind == "demonym":
        staff = _BODY_STAFF_AFTER.match(text, end)
        if staff is not None:
            return NATIONALITY, text[start : staff.end()]
    if " from " in before_text:
        staff_from = _BODY_STAFF_FROM_BEFORE.search(text, window_start, start)
        if staff_from is not None:
            return NATIONALITY, _excerpt(text, staff_from.start(), end)
    group = _named_group(text, start, end)
    if group is not None:
        return NATIONALITY, group
    if kind == "demonym":
        # "the opposition Syrian National Council", "the rebel Libyan council": a word of
        # a non-state group before the demonym names the group, not the state.
        word = _WORD_BEFORE.search(text, max(0, start - 16), start)
        if word is not None and table.heads.get(word.group(1).lower()) in (
            NON_STATE,
            ARMED_GROUP,
        ):
            return NATIONALITY, _excerpt(text, word.start(1), end)
    event = _EVENT_AFTER.match(text, end)
    if event is not None:
        return NATIONALITY, text[start : event.end()]
    sport = _SPORT_AFTER.match(text, end)
    if sport is not None:
        return NATIONALITY, text[start : sport.end()]
    if kind == "name":
        sport = _SPORT_BEFORE.search(text, max(0, start - 16), start)
        if sport is not None:
            return NATIONALITY, _excerpt(text, sport.start(), end)
    # A name modifies at most the next word ("U.S. forces"); a demonym or a possessive
    # reaches over a few ("Israeli riot police", "Syria's new government").
    modifier = kind == "demonym" or _POSSESSIVE.match(text, end) is not None
    # A country's full name is a noun of its own before a demonym in a list: "Israel and
    # Palestinian militants agree" names the state and a group ("U.S. and British firms",
    # "United States and United Kingdom companies" share the noun).
    head = _head_after(
        text, end, others, table, HEAD_WORDS if modifier else 1, kind != "name" or modifier
    )
    if head is not None:
        head_kind, head_end = head
        if head_kind == STATE and former is not None:
            # "Former Liberian President Charles Taylor": a person, no longer the state.
            return NATIONALITY, _excerpt(text, former.start(), head_end)
        if head_kind == STATE and _FORMER_WORD.search(text, end, head_end):
            # "Thailand's ousted Prime Minister", "the country's former president".
            return NATIONALITY, _excerpt(text, start, head_end)
        return _role_of(head_kind, _excerpt(text, start, head_end))
    governed = " of " in before_text or " from " in before_text
    governor = _GOVERNOR.search(text, window_start, start) if governed else None
    if governor is None and " from " in text[max(0, start - 2 * _PLAIN_BEFORE) : start]:
        examples = _GOVERNOR_EXAMPLES.search(text, max(0, start - 2 * _PLAIN_BEFORE), start)
        if examples is not None and table.heads.get(examples.group(1).lower()) in (
            NON_STATE,
            ARMED_GROUP,
        ):
            return NATIONALITY, _excerpt(text, examples.start(), end)
    if governor is not None:
        first, second = (word.lower() if word else None for word in governor.group(1, 2))
        for phrase in filter(None, (_joined((first, second)), second)):
            if phrase in table.heads:
                return _role_of(table.heads[phrase], _excerpt(text, governor.start(), end))
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
    if kind == "demonym":
        one = _ONE_PERSON_BEFORE.search(text, max(0, start - 24), start)
        if one is not None and _NO_NOUN_AFTER.match(text, end):
            return NATIONALITY, _excerpt(text, one.start(), end)
    return None


def _named_group(text: str, start: int, end: int) -> str | None:
    """The name of a non-state armed group or movement the mention is inside, if any."""
    low = max(0, start - _NAMED_GROUP_REACH)
    high = min(len(text), end + _NAMED_GROUP_REACH)
    if _GROUP_QUALIFIER.search(text, low, high) is None:
        return None  # most sentences: no word of such a name near
    for match in _NAMED_GROUP.finditer(text, low, high):
        if match.start() <= start and end <= match.end():
            return _excerpt(text, match.start(), match.end())
    return None


def _role_of(head_kind: str, evidence: str) -> tuple[str, str] | None:
    """What a head word of the table makes of its country: a ``place`` head says no more
    than that the country is named as a place, and the country acts (``is_location``
    alone decides locations)."""
    if head_kind in (NON_STATE, ARMED_GROUP):
        return NATIONALITY, evidence
    if head_kind == STATE:
        return ACTOR, evidence
    return None


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


# The usual endings of a country's adjective ("Palestinian", "Chinese", "British", "Iraqi").
_DEMONYM_LIKE = re.compile(r"(?-i:[A-Z])[a-z]+(?:an|ese|ish|i|ic|ch|ot)")


def _head_after(
    text: str,
    end: int,
    others: Sequence[tuple[int, int]],
    table: RoleTable,
    reach: int,
    across: bool = True,
) -> tuple[str, int] | None:
    """The kind of the table's noun a mention modifies, and where that noun ends; past a
    demonym that is the next country of a list only when ``across``."""
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
            if not across and _DEMONYM_LIKE.fullmatch(
                text, position + stripped, other_starts[position + stripped]
            ):
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
        if found is not None and joined and word[0].isupper() and found[0] == ARMED_GROUP:
            return None  # "mediated by Qatar and the U.S., Hamas is to ...": a new subject
        if found is not None:
            return found
        if word[0].isupper():
            return None  # a proper name begins: "Israel strikes Hamas fighters"
        joined = False
        words_seen += 1
        position = token.end()
    return None


def _lookup(text: str, position: int, table: RoleTable) -> tuple[str, int] | None:
    """The kind of the longest head phrase of the table at ``position``, with its end."""
    words = list(re.finditer(r"[A-Za-z][\w'\u2019]*", text[position : position + 60]))
    for n_words in range(min(table.longest, len(words)), 0, -1):
        phrase = " ".join(match.group(0).lower() for match in words[:n_words])
        kind = table.heads.get(phrase)
        # A capitalised word other than a state organ's title or an armed group's name
        # is part of a proper name: "Turkish National Intelligence Organization" is no
        # "Turkish national"; "the Pakistani Haqqani network" is an armed group's.
        if kind is not None and (kind in _NAMED_KINDS or words[0].group(0).islower()):
            return kind, position + words[n_words - 1].end()
    return None


# -- one sentence ---------------------------------------------------------------


# "in northwest Pakistan", and "in Helmand, Afghanistan": a place of the country first.
# Only a country's name is a place there; a demonym is the state's ("in Israeli prisons").
_PLACE_KINDS = frozenset({"name", "alias"})
# A demonym inside an organisation's name ("the Organization of American States").
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.IGNORECASE)
_NAME_AFTER = re.compile(r"\s+(?-i:[A-Z])[a-z][\w'\u2019-]*")
# Head kinds that may be written capitalised: a state organ's title, an armed group's name.
_NAMED_KINDS = frozenset({STATE, ARMED_GROUP})
_IN_PLACE = re.compile(
    r"(?:\bin\s+(?:the\s+)?|\bon\s+the\s+)(?:(?:north|south|east|west|central)\w*\s+)?"
    r"(?:(?-i:[A-Z])[\w'.\u2019-]*(?:\s+(?-i:[A-Z])[\w'.\u2019-]*){0,3},\s*)?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# A place phrase naming a part of the country first: "in the Spin Drand area of Khyber, ",
# "in the South Waziristan region of ", "near Miran Shah, ".
_PART_NOUNS = (
    r"(?:area|region|province|provinces|district|county|town|city|village|valley|"
    r"governorate|state|territory|mountains|part|parts)"
)
_IN_PLACE_LOOSE = re.compile(
    r"\b(?:in|near)\s+(?:the\s+)?(?:(?:[\w'.\u2019-]+\s+){0,5}"
    + _PART_NOUNS
    + r"\s+of\s+(?:the\s+)?)?(?:(?-i:[A-Z])[\w'.\u2019-]*(?:\s+(?-i:[A-Z])[\w'.\u2019-]*){0,3}"
    # ... or named before its kind, then the country: "in the Farah area, Afghanistan".
    + r"(?:\s+"
    + _PART_NOUNS
    + r")?,\s*)?$",
    re.IGNORECASE,
)
# A demonym naming a place of its country: "the Pakistani province of", "the Iraqi city of".
_PLACE_NOUN_OF = re.compile(r"\s+" + _PART_NOUNS + r"\s+of\b", re.IGNORECASE)
# A harm done right after the place: its object is what it landed on.
_HARM_VERB = re.compile(
    r"\b(?:kills?|killed|killing|targets?|targeted|targeting|hits?|hitting|strikes|struck)\b",
    re.IGNORECASE,
)
_HARM_REACH = 60  # characters after the country looked at for the harm verb
_GROUP_WORDS_AFTER = 6  # words after the verb looked at for the group's head


# A harm suffered with no one named as its agent ("five U.S. Marines die from a roadside
# bomb in Ramadi, Iraq", "an Australian soldier is killed ... in Afghanistan") or an
# accident ("a U.S. Army helicopter crashes in southern Iraq"): the acting mention before
# it is the victim, and the country after "in" is where it happened.
# A participle with no auxiliary before "in/during/..." is passive too ("two Australian
# soldiers killed in a bomb blast in Afghanistan"): the active verb takes an object first.
_SUFFERED = re.compile(
    r"\b(?:(?:is|are|was|were|been|being)\s+(?:\w+\s+)?(?:killed|wounded|injured|kidnapped|"
    r"abducted)|(?:killed|wounded|injured|kidnapped|abducted)(?=\s+(?:in|by|during|when|while)\b)|"
    r"die|dies|died|crash|crashes|crashed|capsizes|capsized|sinks|sank)\b",
    re.IGNORECASE,
)
# An agent named after "by" ("wounded by Israeli fire"); not one left unnamed, which is only
# the means ("injured by a bomb blast in Afghanistan", "killed by unidentified gunmen").
_BY = re.compile(r"\bby\b(?!\s+(?:an?|unknown|unidentified)\s)", re.IGNORECASE)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
# "in the US bombing", "in the UK operation": the country before a common noun qualifies it.
_ATTRIBUTIVE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# ... and right after "in", before a word for a strike or a force ("killed in U.S. drone
# strike in Pakistan", "wounded in Israeli air raids"): the country did the act.
_IN_BEFORE = re.compile(r"\bin\s+$", re.IGNORECASE)
_ACT_NOUN_AFTER = re.compile(
    r"\s+(?:drones?|strikes?|air|airstrikes?|raids?|attacks?|bombings?|bombardments?|"
    r"shelling|fire|missiles?|rockets?|artillery|tank|helicopter|warplanes?|jets?|military|"
    r"army|navy|forces|troops|soldiers|police|operations?|offensive|assault|ambush)\b",
    re.IGNORECASE,
)
_APPOSED = re.compile(r"\s*,\s*(?:the\s+)?")
# A place the gazetteer does not know, then a comma, before its country ("in Zurich, ").
_ADDRESS_BEFORE = re.compile(
    r"\b(?:in|at|near|outside)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w'\u2019.-]*\s+){0,3}"
    r"(?-i:[A-Z])[\w'\u2019.-]*,\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_ADDRESS_REACH = 60  # characters before the country looked at
_ACTED_REACH = 120  # characters before the place looked at for a strike or visit
_ACTED_ON_THERE = re.compile(
    r"\b(?:strikes?|struck|attack\w*|bomb\w*|shell\w*|drones?|missiles?|rockets?|artillery|"
    r"raids?|air\s*strikes?|visit\w*|arriv\w+|consulates?|embass(?:y|ies)|trips?)\b",
    re.IGNORECASE,
)
_CLOSED_AFTER = re.compile(r"\s*(?:[,.;:)]|$)")
# A gathering held in the place ("meet in London, United Kingdom", "peace talks ... in Oslo,
# Norway"); not a strike on it ("strikes buildings in Tehran, Iran") nor a visit to it.
_GATHERING_BEFORE = re.compile(
    r"\b(?:meets?|meeting|met|talks|summit|conference|forum|negotiations|held|holds?|"
    r"gather(?:s|ed|ing)?|convene[sd]?|sign(?:s|ed)?|session)\b[^.;:]{0,50}$",
    re.IGNORECASE,
)
_LOWER_WORD_AFTER = re.compile(r"\s+([a-z][a-z-]*)\b")
_NOT_NOUNS = _FUNCTION_WORDS | {"as", "amid", "earlier", "later", "last", "when", "where", "or"}


def _acted_on_before(
    text: str, start: int, end: int, roles: Sequence[Role], table: RoleTable
) -> str | None:
    """The words making a country after "in" a place: an armed group named before it, or
    a harm the last acting mention suffered from no named agent.

    Only between the last acting mention before it and it, so the group is what that
    act landed on; ``None`` when the country is not after "in" or no such group is named.
    """
    if not (
        _IN_PLACE.search(text, max(0, start - 60), start)
        or _IN_PLACE_LOOSE.search(text, max(0, start - 80), start)
    ):
        return None
    if _ATTRIBUTIVE.search(text, max(0, start - 5), start):
        noun = _LOWER_WORD_AFTER.match(text, end)
        if noun is not None and noun.group(1) not in _NOT_NOUNS:
            return None  # "died in the US bombing of Tokyo": the country qualifies the act
    if _IN_BEFORE.search(text, max(0, start - 4), start) and _ACT_NOUN_AFTER.match(text, end):
        return None
    actors = [role for role in roles if role.role == ACTOR]
    if not actors:
        return None
    suffered = _SUFFERED.search(text, actors[-1].end, start)
    if (
        suffered is not None
        and _BY.search(text, suffered.end(), start) is None
        # "wounded by Israeli tank fire ... dies in Gaza": the acting mention did the harm.
        and _BY_BEFORE.search(text, max(0, actors[-1].start - 8), actors[-1].start) is None
    ):
        return _excerpt(text, suffered.start(), end)
    group = _armed_group_word(text, actors[-1].end, start, table)
    return None if group is None else _excerpt(text, group.start(), end)


def _armed_group_word(
    text: str, low: int, high: int, table: RoleTable, most_words: int | None = None
) -> re.Match[str] | None:
    """The first word in ``[low, high)`` (within ``most_words`` words, if given) that ends
    an armed group's head in the role table, alone or with the word before it."""
    previous = ""
    for count, word in enumerate(_WORD.finditer(text, low, high)):
        if most_words is not None and count > most_words:
            return None
        lower = word.group().lower().replace("-", " ")
        if ARMED_GROUP in (table.heads.get(lower), table.heads.get(f"{previous} {lower}")):
            return word
        previous = lower
    return None


def _harm_on_group_after(text: str, start: int, end: int, table: RoleTable) -> str | None:
    """The words making a country in a place phrase where a harm landed on an armed group
    named after it: "in the South Waziristan region of Pakistan, kills six militants",
    "in the Pakistani town of Miran Shah ... kills two alleged militants". ``None`` unless
    the country is in a place phrase ("in ..." or "the Pakistani town of") and a harm verb
    after it takes an armed group's head within a few words.
    """
    # The harm verb first: the cheapest test, and the one that fails for most mentions.
    harm = _HARM_VERB.search(text, end, min(len(text), end + _HARM_REACH))
    if harm is None:
        return None
    if _POST.search(text, max(0, start - 24), start):
        return None  # "reopens its embassy in Yemen after strikes on al-Qaeda": the state
    if not (
        _IN_PLACE_LOOSE.search(text, max(0, start - 80), start) or _PLACE_NOUN_OF.match(text, end)
    ):
        return None
    group = _armed_group_word(text, harm.end(), len(text), table, _GROUP_WORDS_AFTER)
    return None if group is None else _excerpt(text, start, group.end())


# While ``shared_roles`` is open: the roles worked out, by sentence, mentions and table.
_SHARED: list[dict[tuple[str, tuple, int], list[Role]]] = []


@contextlib.contextmanager
def shared_roles() -> Iterator[None]:
    """Work out the roles of a sentence once for all the stages that read it in the block.

    The relation scorer and the watchlist read many of the same sentences with the same
    mentions: inside the block, ``sentence_roles`` with the default role table keeps
    what it works out and hands it out again for the same sentence and mentions
    (processes forked inside the block inherit what was kept before they started).
    Leaving the block lets it go.
    """
    _SHARED.append({})
    try:
        yield
    finally:
        _SHARED.pop()


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

    Returns:
        One ``Role`` per mention kept, in text order; inside ``shared_roles`` the roles
        of a sentence and mentions already read are those worked out then.
    """
    if table is not None or not _SHARED:
        return _sentence_roles(text, mentions, table if table is not None else default_roles())
    table = default_roles()
    try:
        key = (text, tuple(mentions), id(table))
        kept = _SHARED[-1].get(key)
    except TypeError:  # mentions given as lists: nothing to key them by
        return _sentence_roles(text, mentions, table)
    if kept is None:
        kept = _SHARED[-1][key] = _sentence_roles(text, mentions, table)
    return list(kept)


def _sentence_roles(
    text: str,
    mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]],
    table: RoleTable,
) -> list[Role]:
    """``sentence_roles`` with its table."""
    chosen: list[tuple[int, int, str, str]] = []
    for mention in sorted(mentions):
        kind = mention[3] if len(mention) > 3 else "name"  # type: ignore[misc]
        # A phrase referring back to several countries ("the two countries") is one
        # mention of each at the same span (``analytics.relations.anaphora``).
        same_phrase = kind == ANAPHOR and chosen and chosen[-1][:2] == mention[:2]
        if chosen and mention[0] < chosen[-1][1] and not same_phrase:
            continue
        chosen.append((mention[0], mention[1], mention[2], kind))
    spans = [(start, end) for start, end, _, _ in chosen]
    roles: list[Role] = []
    for index, (start, end, iso3, kind) in enumerate(chosen):
        role, evidence = assign_role(text, start, end, kind, others=spans, table=table)
        if _one_people(text, chosen, index):
            # "Bosnian Serb leader", "Kosovo Serbs", "talks with Greek Cypriots": a people
            # named by two nations' words is a community, neither nation's state.
            people = _excerpt(text, chosen[index - 1][0], end)
            roles[-1] = roles[-1]._replace(role=NATIONALITY, evidence=people)
            roles.append(Role(iso3, NATIONALITY, people, start, end))
            continue
        if role == ACTOR and kind != "leader" and roles and roles[-1].role == NATIONALITY:
            # "journalists from South Africa and the United Kingdom": a list shares the
            # frame of its first member.
            previous = roles[-1]
            framed_before = not previous.evidence.startswith(text[previous.start : previous.end])
            if framed_before and _LIST_MEMBER.fullmatch(text, previous.end, start):
                role, evidence = previous.role, previous.evidence
        if role == ACTOR and kind == "demonym" and evidence == text[start:end]:
            # "the Organization of American States": a demonym after "of" and before a
            # capitalised word that no state word decided is inside a name.
            of = _OF_BEFORE.search(text, max(0, start - 8), start)
            name = _NAME_AFTER.match(text, end) if of is not None else None
            if of is not None and name is not None:
                role, evidence = NATIONALITY, _excerpt(text, of.start(), name.end())
        if role == ACTOR and roles and roles[-1].role == LOCATION and roles[-1].iso3 == iso3:
            # "talks in Oslo, Norway": the country named after a gathering's place of its
            # own is that place, unless it acts in the sentence too ("China, India and
            # Russia meet in New Delhi, India": the host).
            if (
                _APPOSED.fullmatch(text, roles[-1].end, start)
                and _CLOSED_AFTER.match(text, end)  # not "..., A and B agree"
                and _GATHERING_BEFORE.search(text, max(0, roles[-1].start - 60), roles[-1].start)
                and not _acts(roles, iso3)
            ):
                role, evidence = LOCATION, _excerpt(text, roles[-1].start, end)
        if (
            role == ACTOR
            and kind in _PLACE_KINDS
            and _CLOSED_AFTER.match(text, end)
            and not _acts(roles, iso3)
        ):
            # "sign an accord in Zurich, Switzerland", "shot dead in Lahore, Pakistan": a
            # country named after a place of it that no gazetteer knows is that place.
            address = _ADDRESS_BEFORE.search(text, max(0, start - _ADDRESS_REACH), start)
            if (
                address is not None
                and not any(address.start() <= other_start < start for other_start, _ in spans)
                # Not a strike on the place, nor a visit or a post there ("a drone strike
                # on a train in Kharkiv Oblast, Ukraine", "arrives in Shanghai, China").
                and not _ACTED_ON_THERE.search(
                    text, max(0, address.start() - _ACTED_REACH), address.start()
                )
            ):
                role, evidence = LOCATION, _excerpt(text, address.start(), end)
        if role == ACTOR and (kind in _PLACE_KINDS or _PLACE_NOUN_OF.match(text, end)):
            # "missile attacks kill 57 militants in northwest Pakistan": an act on a
            # non-state group makes the country after "in" where it happened (rule 3),
            # also when the group is named after the place ("a drone attack in the
            # Pakistani province of North Waziristan kills four militants").
            acted_on = _acted_on_before(text, start, end, roles, table) or (
                _harm_on_group_after(text, start, end, table)
            )
            if acted_on is not None:
                role, evidence = LOCATION, acted_on
        roles.append(Role(iso3, role, evidence, start, end))
    return roles


def _acts(roles: Sequence[Role], iso3: str) -> bool:
    """Whether a mention of ``iso3`` among ``roles`` acts."""
    return any(other.iso3 == iso3 and other.role == ACTOR for other in roles)


def _one_people(text: str, chosen: Sequence[tuple[int, int, str, str]], index: int) -> bool:
    """Whether mention ``index`` is a demonym right after another nation's demonym or name,
    one space between: the two words name one people ("Bosnian Serb", "Kosovo Albanians")."""
    if index == 0 or chosen[index][3] != "demonym":
        return False
    before_start, before_end, before_iso3, before_kind = chosen[index - 1]
    return (
        before_kind in ("demonym", "name")
        and before_iso3 != chosen[index][2]
        and text[before_end : chosen[index][0]] == " "
    )


def describe_roles(roles: Sequence[Role], first: Sequence[str] = ()) -> str:
    """The roles as evidence text: "USA actor (U.S. forces); GBR nationality (British tourist)".

    One entry per country and role (its first mention), the countries in ``first``
    (a pair) before the others, then in text order.
    """
    entries: dict[tuple[str, str], str] = {}
    for role in roles:
        entries.setdefault((role.iso3, role.role), role.evidence)
    rank = {iso3: position for position, iso3 in enumerate(first)}
    ordered = sorted(entries.items(), key=lambda item: rank.get(item[0][0], len(rank)))
    return "; ".join(f"{iso3} {role} ({evidence})" for (iso3, role), evidence in ordered)
