"""The watchlist's per-sentence steps as they were before the stage was batched (#17).

Kept only as a reference: ``test_batched_reading`` swaps them into the ``analytics.watchlist``
and ``analytics.relations`` modules and checks that the current steps give identical
expected events. Here each sentence is searched on its own for phrases, its conditions
blanked one at a time, its time triggers found by trying the whole pattern at every
position, every group of the time scanner read to pick a rule's, and a determiner before
a certainty word searched for from the sentence's start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analytics.relations import PhraseIndex, TextBatch
from analytics.watchlist import without_conditions
from analytics.watchlist.certainty import _ATTRIBUTE_BEFORE

TRIGGER = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
    r"week|month|year|day|quarter|tomorrow|today|tonight|hour|spring|summer|autumn|fall|winter|"
    r"fortnight|morning|afternoon|evening|christmas|new\s+year)",
    re.IGNORECASE,
)


def find_batch(self: PhraseIndex, batch: TextBatch) -> list[list[tuple[int, int]]]:
    """``PhraseIndex.find`` text by text."""
    return [self.find(text) for text in batch.texts]


def without_conditions_batch(texts: Sequence[str]) -> list[str]:
    """``without_conditions`` text by text."""
    return [without_conditions(text) for text in texts]


def attribute_before(text: str, start: int) -> bool:
    """A determiner or number and spaces ending at ``start``, searched from the start."""
    return _ATTRIBUTE_BEFORE.search(text, 0, start) is not None


def rule_groups(match: re.Match[str], index: int) -> dict[str, str]:
    """Every group of the match, kept when it is rule ``index``'s and matched."""
    suffix = f"_{index}"
    return {
        name[: -len(suffix)]: value
        for name, value in match.groupdict().items()
        if value is not None and name.endswith(suffix) and not name.startswith("rule_")
    }
