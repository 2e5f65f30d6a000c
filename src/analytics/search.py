"""The text-search rule, defined once: which briefings a search-box query matches.

A query is split into words at whitespace; a briefing matches when every word, lower-cased,
occurs in its lower-cased title or text as a plain substring (no regex, no word boundaries).
``searchable_texts`` gives the text each briefing is searched in. A store's text index
(``analytics.pipeline.text_index``) indexes exactly these texts with SQLite FTS5 (trigrams,
and terms) and answers the words its ``answers`` accepts; the other words are scanned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd

# A trigram index finds substrings of at least three characters; shorter words are scanned.
INDEXED_WORD_LENGTH = 3
# Characters SQLite cannot hold in a text (NUL ends a string, lone surrogates are not UTF-8):
# the index holds a space in their place, which no search word contains.
UNINDEXABLE = re.compile("[\x00\ud800-\udfff]")


def search_words(query: str) -> list[str]:
    """The lower-cased words of a search query, each of which a briefing must contain.

    The query is lower-cased exactly as the texts are (``_lower``): Python's and the
    string column's lower-casing differ on a few letters (e.g. 'İ').
    """
    return str(_lower(pd.Series([query])).iloc[0]).split()


def searchable_texts(titles: pd.Series, texts: pd.Series) -> pd.Series:
    """Each briefing's lower-cased title and text, the text a search looks in.

    Parameters:
        titles, texts: aligned columns of the briefing table (missing values read as empty).

    Returns:
        ``title + "\\n" + text``, lower-cased; a word never spans the line break, since
        search words hold no whitespace.
    """
    return _lower(titles.fillna("").astype(str) + "\n" + texts.fillna("").astype(str))


def _lower(values: pd.Series) -> pd.Series:
    """Lower-case strings the one way search does, for texts and queries alike."""
    return values.astype(str).str.lower()


def indexable_text(text: str) -> str:
    """``text`` as the index stores it: characters SQLite cannot hold become spaces."""
    return UNINDEXABLE.sub(" ", text)


def indexable_word(word: str) -> bool:
    """Whether a text index answers ``word`` exactly (else the texts are scanned for it)."""
    return len(word) >= INDEXED_WORD_LENGTH and UNINDEXABLE.search(word) is None


class TextSearch(Protocol):
    """A text index over a corpus: the briefings whose searchable text holds every word.

    The index numbers its briefings ``0 .. n-1`` (``row_ids`` gives their ids in that
    order); a search answers row numbers, which a caller turns into positions of its own
    table once (one lookup of every id) instead of looking up every hit's id.
    """

    def answers(self, word: str) -> bool:
        """Whether the index answers the lower-cased ``word`` exactly (else it is scanned)."""
        ...

    def rows(self, words: Sequence[str]) -> np.ndarray:
        """Row numbers (ascending ``int64``) of the briefings containing every word of
        ``words`` (each one it ``answers``)."""
        ...

    def row_ids(self) -> np.ndarray:
        """The briefing id of every row number, in order."""
        ...
