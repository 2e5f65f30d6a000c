"""How sure a forward-looking sentence sounds: the certainty words of ``data/certainty.csv``.

``will``, ``is to``, ``plans to`` are firm; ``expected to``, ``likely`` are likely; ``could``,
``may``, ``might`` are possible. The first certainty word of a sentence governs it (it is
the one on the main verb far more often than not); a sentence that looks forward only by
its section or its date is firm ("The summit opens on March 3"). A modal before "have"
("may have been killed") guesses at the past and looks forward to nothing; one after a
determiner or number ("the likely winner", "the upcoming vote") qualifies a noun and says
nothing of the sentence. A condition
("if the Council imposes sanctions") says what must happen first: its words and dates are
not those of the expected event (``without_conditions``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.paths import data_dir
from analytics.relations import PhraseIndex, TextBatch

CERTAINTY_COLUMNS: tuple[str, ...] = ("phrase", "certainty")
_PERFECT_AFTER = re.compile(r"\s+(?:not\s+)?have\b", re.IGNORECASE)
# A determiner or number before a certainty word and no "to" after it make it an
# adjective of a noun ("the likely successor", "two likely outcomes").
_ATTRIBUTE_BEFORE = re.compile(
    r"\b(?:a|an|the|this|that|these|those|its|their|his|her|our|one|two|three|four|five|"
    r"several|many|\d+)\s+$",
    re.IGNORECASE,
)
_TO_AFTER = re.compile(r"\s+to\b", re.IGNORECASE)
# Where such a determiner may start: within this many characters before the certainty
# word, unless all of them are one word and spaces ("1000000000 ... likely").
_ATTRIBUTE_REACH = 40
_ONE_WORD = re.compile(r"\w*\s*")


# A condition clause runs from its conjunction to the next comma, semicolon, colon or
# dash, or to the end of the sentence ("if his party is elected later this year").
_CONDITION_WORD = (
    r"\b(?:if|unless|(?:provided|providing)\s+that|in\s+the\s+event\s+(?:that|of)|in\s+case)\b"
)
_CONDITION = re.compile(_CONDITION_WORD + r"[^,;:\u2013\u2014]*", re.IGNORECASE)
# The same over texts joined by a character no sentence holds: a clause ends with its text.
_SEPARATOR = "\x00"
_CONDITION_IN_BATCH = re.compile(_CONDITION_WORD + r"[^,;:\u2013\u2014\x00]*", re.IGNORECASE)


def without_conditions(text: str) -> str:
    """``text`` with its condition clauses blanked, its length and offsets kept.

    Parameters:
        text: a sentence or part of one.

    Returns:
        ``text`` with each clause from "if", "unless", "provided that", "in case" or
        "in the event that/of" to the next comma, semicolon, colon, dash or the end
        replaced by spaces: what must happen first, not what is expected.
    """
    return _CONDITION.sub(_blank, text)


def without_conditions_batch(texts: Sequence[str]) -> list[str]:
    """``without_conditions`` of every text, in one substitution over them all.

    Parameters:
        texts: sentences or parts of sentences.

    Returns:
        Each text with its condition clauses blanked, in order.
    """
    joined = _SEPARATOR.join(texts)
    if not texts or joined.count(_SEPARATOR) != len(texts) - 1:
        # A text holding the separator itself is read on its own.
        return [without_conditions(text) for text in texts]
    return _CONDITION_IN_BATCH.sub(_blank, joined).split(_SEPARATOR)


def _blank(found: re.Match[str]) -> str:
    return " " * len(found.group())


def certainty_path() -> Path:
    """The default certainty table, ``data/certainty.csv``."""
    return data_dir() / "certainty.csv"


def load_certainty(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check a certainty table (``phrase``, ``certainty``).

    Raises:
        InputError: when the file is missing, a column is missing, a phrase is empty or
            repeated, or a certainty is not one of ``schema.CERTAINTIES``.
    """
    path = Path(path) if path is not None else certainty_path()
    if not path.is_file():
        raise InputError(f"certainty table must be an existing CSV file; got {str(path)!r}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in CERTAINTY_COLUMNS if column not in table.columns]
    if missing:
        raise InputError(
            f"certainty table needs columns {', '.join(CERTAINTY_COLUMNS)}; "
            f"got {list(table.columns)!r}"
        )
    table = table[list(CERTAINTY_COLUMNS)].apply(lambda column: column.str.strip())
    table["phrase"] = table["phrase"].str.lower()
    pairs = zip(table["phrase"], table["certainty"], strict=True)
    for position, (phrase, certainty) in enumerate(pairs):
        if not phrase:
            raise InputError(f"certainty table row {position + 2}: phrase is empty; got {phrase!r}")
        if certainty not in S.CERTAINTIES:
            raise InputError(
                f"certainty table row {position + 2} ({phrase!r}): certainty must be one of "
                f"{', '.join(S.CERTAINTIES)}; got {certainty!r}"
            )
    repeated = table["phrase"][table["phrase"].duplicated()].tolist()
    if repeated:
        raise InputError(f"certainty table lists a phrase twice; got {repeated[0]!r}")
    return table.reset_index(drop=True)


class Sure(NamedTuple):
    """The certainty word that governs a sentence: how sure, as written, and where it ends."""

    certainty: str
    phrase: str
    end: int


class CertaintyWords:
    """The certainty table compiled for matching (one phrase index, as the cue lexicon's).

    Parameters:
        table: a certainty table (``load_certainty``); ``None`` reads ``data/certainty.csv``.
    """

    def __init__(self, table: pd.DataFrame | None = None) -> None:
        self.table = load_certainty() if table is None else table
        self.of_phrase = dict(zip(self.table["phrase"], self.table["certainty"], strict=True))
        self.index = PhraseIndex(self.table["phrase"].tolist())

    def first_certainty(self, text: str, spans: list[tuple[int, int]]) -> Sure | None:
        """The first span of ``text`` that is a certainty phrase (spans of other phrases,
        the month "May" and a modal before "have" are passed over), or ``None``."""
        for start, end in spans:
            written = text[start:end]
            if written == "May":  # the month; only the lower-case word is the modal
                continue
            if _PERFECT_AFTER.match(text, end):
                continue  # "may have been killed", "could have": a guess about the past
            if _attribute_before(text, start) and not _TO_AFTER.match(text, end):
                continue  # "three likely outcomes", "a plan to": it qualifies a noun
            phrase = " ".join(written.lower().replace("\u2019", "'").split())
            if phrase in self.of_phrase:
                return Sure(self.of_phrase[phrase], written, end)
        return None

    def certainty(self, sentence: str) -> Sure | None:
        """The certainty word that governs ``sentence`` (``first_certainty``), or ``None``."""
        return self.first_certainty(sentence, self.index.find(sentence))

    def certainty_batch(self, batch: TextBatch) -> list[Sure | None]:
        """``certainty`` of every text of ``batch``, in one scan of them all."""
        return [
            self.first_certainty(text, spans)
            for text, spans in zip(batch.texts, self.index.find_batch(batch), strict=True)
        ]


def _attribute_before(text: str, start: int) -> bool:
    """Whether a determiner or number and spaces end at ``start`` in ``text``.

    The search looks back ``_ATTRIBUTE_REACH`` characters, not to the sentence's start:
    a match starting further back would make those characters one word and spaces, and
    only then is the whole beginning searched.
    """
    low = max(0, start - _ATTRIBUTE_REACH)
    if _ATTRIBUTE_BEFORE.search(text, low, start):
        return True
    return low > 0 and bool(
        _ONE_WORD.fullmatch(text, low, start) and _ATTRIBUTE_BEFORE.search(text, 0, start)
    )


@functools.lru_cache(maxsize=4)
def _cached_words(stamp: tuple[str, float]) -> CertaintyWords:
    return CertaintyWords(load_certainty(stamp[0]))


def default_certainty_words() -> CertaintyWords:
    """``data/certainty.csv`` compiled, once per version of the file."""
    path = certainty_path()
    stamp = (str(path), path.stat().st_mtime if path.exists() else 0.0)
    return _cached_words(stamp)
