"""Person names that begin with a country's name: "Israel Keyes was arrested", "Chad
Johnson scored" and "Jordan Peterson said" name a person, not a country.

A rule about English, over ``person-names.csv``: a country name that is also a common given
name (``given_name`` rows: Chad, Israel, Jordan, ...), written as such and directly followed
by a capitalised word that reads as a surname, is a person's first name. The word is no
surname when

- it heads a body, place or title named after the country, or is a group, weekday or month
  (every other row of the file: "Israel Defense Forces", "the Jordan Valley", "Georgia
  Tech", "Jordan King Abdullah", "Israel Hamas war", "Israel Monday said"), or
- it is a country's name, alias, demonym or capital itself ("India Pakistan talks").

And the sentence must be written in sentence case, which a lower-case word shows right before
the country's name or right after the surname ("... said Jordan Peterson", "Chad Johnson
scored", "Jordan Peterson, the author"): in a headline in Title Case ("Israel Strikes
Back") every word is capitalised, and nothing there is read as a person. A surname followed
by another capitalised word ("Israel Aerospace Industries", "the Georgia Public Service
Commission"), or by "and" and a capitalised word ("the Georgia Train and Equip Program")
is no surname either, nor is a country joined to a word before it by a hyphen ("the
American-Israel Chamber").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics.errors import InputError

PERSON_NAMES_FILE = "person-names.csv"
GIVEN_NAME = "given_name"
# Every other kind names words that are no surname after a given-name country.
NOT_SURNAME_KINDS: tuple[str, ...] = ("body", "group", "place", "title", "time")
_KINDS = (GIVEN_NAME, *NOT_SURNAME_KINDS)
_WORD = re.compile(r"[A-Z][a-z]+")
# The surname: a capitalised word ("Keyes", "McCain", "O'Neal", "Smith-Jones") right after
# one space, not running on into a hyphen or another word character.
_SURNAME = re.compile(r" ((?:Mc|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w-])")
# Sentence case after it: a lower-case word, after a possessive or a comma at most.
_LOWER_AFTER = re.compile(r"(?:['’]s)?[,;:]?[ \t]+[a-z]")
# A longer name: another capitalised word right after ("Georgia Public Service Commission"),
# or after "and" ("the Georgia Train and Equip Program"). Not after "of": a person is often
# "of" a place or team ("Jordan Staal of Carolina").
_CAPITAL_AFTER = re.compile(r"\s+(?:(?:and|&)\s+)?[A-Z]")
# Sentence case before it: a lower-case word, then only spaces up to the country's name.
_LOWER_BEFORE = re.compile(r"(?<![\w'’-])[a-z][\w'’-]*[ \t]+$")
_BEFORE_REACH = 40  # characters looked at before the name


class PersonNames(NamedTuple):
    """The words of the rule.

    Attributes:
        given_names: country names that are also given names, as written ("Chad").
        not_surnames: words that are no surname after one, in lower case ("defense").
    """

    given_names: frozenset[str]
    not_surnames: frozenset[str]


NO_PERSON_NAMES = PersonNames(frozenset(), frozenset())


def person_names_from_table(table: pd.DataFrame, name: str = PERSON_NAMES_FILE) -> PersonNames:
    """The rule's words from a ``word,kind`` table.

    Raises:
        InputError: for a missing column, an unknown kind, a word that is not one
            capitalised word, or a word listed twice.
    """
    missing = [column for column in ("word", "kind") if column not in table.columns]
    if missing:
        raise InputError(
            f"{name} must have columns word, kind; missing {', '.join(missing)}; "
            f"got {list(table.columns)!r}"
        )
    words = table["word"].astype(str).str.strip()
    kinds = table["kind"].astype(str).str.strip()
    unknown = ~kinds.isin(_KINDS)
    if unknown.any():
        raise InputError(
            f"{name}: kind must be one of {', '.join(_KINDS)}; got {kinds[unknown].iloc[0]!r}"
        )
    malformed = ~words.map(lambda word: bool(_WORD.fullmatch(word)))
    if malformed.any():
        raise InputError(
            f"{name}: a word is one capitalised word of letters (e.g. Chad, Valley); "
            f"got {words[malformed].iloc[0]!r}"
        )
    repeated = words.duplicated()
    if repeated.any():
        raise InputError(f"{name}: each word is listed once; got {words[repeated].iloc[0]!r} twice")
    given = kinds == GIVEN_NAME
    return PersonNames(frozenset(words[given]), frozenset(word.lower() for word in words[~given]))


def read_person_names(directory: Path) -> PersonNames:
    """``person-names.csv`` of ``directory``; no words (the rule off) when it is missing.

    Raises:
        InputError: as ``person_names_from_table``.
    """
    path = directory / PERSON_NAMES_FILE
    if not path.exists():
        return NO_PERSON_NAMES
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return person_names_from_table(table)


def reads_as_person(
    joined: str, start: int, stop: int, names: PersonNames, country_words: np.ndarray
) -> bool:
    """Whether the given-name country ``joined[start:stop]`` begins a person's name.

    Parameters:
        country_words: sorted starts of the country names, aliases, demonyms and capitals
            found in ``joined`` (a surname is none of them).
    """
    if start > 0 and joined[start - 1] == "-":
        return False  # part of a compound ("American-Israel Chamber of Commerce")
    surname = _SURNAME.match(joined, stop)
    if surname is None or surname.group(1).lower() in names.not_surnames:
        return False
    if _CAPITAL_AFTER.match(joined, surname.end()):
        return False
    at = surname.start(1)
    found = int(np.searchsorted(country_words, at))
    if found < len(country_words) and country_words[found] == at:
        return False
    if _LOWER_AFTER.match(joined, surname.end()):
        return True
    return _LOWER_BEFORE.search(joined, max(0, start - _BEFORE_REACH), start) is not None
