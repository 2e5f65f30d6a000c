"""Countries named again by a phrase: "the two countries", "both sides", "the three leaders".

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
Tokyo. The two leaders signed ..."). A set found this way can itself be referred to again.
Phrases without a number are left alone: "the leaders" or "the allies" may mean a bloc's
members, which no sentence lists.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.relations.grammar import ACTOR_KINDS, _actors, _group_mentions
from analytics.relations.roles import ANAPHOR
from analytics.text import segment_columns, split_sentences

_NUMBERS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# The nouns a set of states is referred back to by.
_NOUNS = (
    r"countries|nations|states|sides|governments|leaders|neighbou?rs|capitals|presidents|"
    r"prime\s+ministers|foreign\s+ministers|ministers|allies|powers|rivals|delegations|"
    r"juntas|economies|militaries|armies|navies"
)
_PHRASE = re.compile(
    r"\b(?:(?P<both>[Bb]oth)\s+(?:the\s+)?|(?:[Tt]he|[Tt]heir|[Aa]ll)\s+(?P<number>two|three|four|"
    r"five|six)\s+)(?:(?P<noun>" + _NOUNS + r"))\b"
)


def anaphor_mentions(briefings: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One mention per country a back-referring phrase stands for, kind ``anaphor``.

    Parameters:
        briefings: the briefing table (``briefing_id`` and its sections or text).
        mentions: the corpus' country mentions (``schema.MENTION_COLUMNS``).

    Returns:
        Rows with ``schema.MENTION_COLUMNS``: span and sentence of the phrase, one row per
        country it refers to (in the order they were named), ``confidence`` 1.
    """
    ids, sections, texts = segment_columns(briefings)
    hit = np.fromiter((_PHRASE.search(text) is not None for text in texts), bool, len(texts))
    if not hit.any():
        return _empty()
    wanted = pd.unique(ids[hit])
    in_wanted = pd.Index(wanted).get_indexer(ids) >= 0
    actor = mentions[S.KIND].isin(ACTOR_KINDS) & mentions[S.BRIEFING_ID].isin(wanted)
    found = mentions.loc[actor.to_numpy(), [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]]
    spans = mentions.loc[actor.to_numpy(), [S.START, S.END, S.ISO3, S.KIND]]
    by_sentence: dict[tuple[str, str, int], list[tuple[int, int, str, str]]] = {}
    for key, span in zip(
        found.itertuples(index=False, name=None),
        spans.itertuples(index=False, name=None),
        strict=True,
    ):
        by_sentence.setdefault(key, []).append(span)  # type: ignore[arg-type]
    rows: list[tuple[str, str, int, int, int, str, str]] = []
    segment_rows = np.flatnonzero(in_wanted)
    # Segments come in briefing then section order (``segment_columns``).
    briefing_of = ids[segment_rows]
    starts = np.flatnonzero(np.append(True, briefing_of[1:] != briefing_of[:-1]))
    for first, last in zip(starts, np.append(starts[1:], len(segment_rows)), strict=True):
        segments = [(sections[row], texts[row]) for row in segment_rows[first:last].tolist()]
        rows += _resolve(str(briefing_of[first]), segments, by_sentence)
    if not rows:
        return _empty()
    columns = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.START, S.END, S.SURFACE, S.ISO3]
    frame = pd.DataFrame(rows, columns=columns)
    frame[S.KIND] = ANAPHOR
    frame[S.CONFIDENCE] = 1.0
    return frame[list(S.MENTION_COLUMNS)]


def _resolve(
    briefing: str,
    segments: list[tuple[str, str]],
    by_sentence: dict[tuple[str, str, int], list[tuple[int, int, str, str]]],
) -> list[tuple[str, str, int, int, int, str, str]]:
    """The anaphor rows of one briefing, its segments read in order."""
    # Sets of countries named so far, nearest last: lists acting together and each
    # sentence's acting countries.
    named: list[tuple[str, ...]] = []
    rows: list[tuple[str, str, int, int, int, str, str]] = []
    for section, text in segments:
        for index, (lo, hi) in enumerate(split_sentences(text)):
            sentence = text[lo:hi]
            own = [
                (start - lo, end - lo, iso3, kind)
                for start, end, iso3, kind in by_sentence.get((briefing, section, index), [])
            ]
            added: list[tuple[int, int, str, str]] = []
            for phrase in _PHRASE.finditer(sentence):
                n = _NUMBERS[(phrase.group("both") or phrase.group("number")).lower()]
                # Sets of this sentence before the phrase come first, then earlier ones.
                before = [m for m in own if m[1] <= phrase.start()] + [
                    m for m in added if m[1] <= phrase.start()
                ]
                countries = _nearest(n, _sets(sentence, sorted(before)), named)
                if countries is None:
                    continue
                for iso3 in countries:
                    added.append((phrase.start(), phrase.end(), iso3, ANAPHOR))
                    rows.append(
                        (
                            briefing,
                            section,
                            index,
                            lo + phrase.start(),
                            lo + phrase.end(),
                            phrase.group(),
                            iso3,
                        )
                    )
            named += _sets(sentence, sorted(own + added))
    return rows


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
