"""Expected events: the forward-looking sentences of a corpus with their acting countries,
cue, certainty and expected window.

A sentence looks forward when it is in "What's Next?", carries a certainty word ("will",
"expected to", "could": ``data/certainty.csv``) or names a coming time ("next week",
"upcoming"). It is an expected event when a country acts in it (roles from
``analytics.relations``: datelines, places and nationalities do not act) and the cue
lexicon finds what is to happen. Only sentences that name a country are read, and the
ones of a corpus are cut out of the joined texts in one pass.
"""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.artefacts import empty_watchlist
from analytics.errors import InputError
from analytics.relations import (
    ACTOR,
    ACTOR_KINDS,
    Lexicon,
    TextBatch,
    default_lexicon,
    sentence_roles,
    sentence_spans,
)
from analytics.watchlist.certainty import CertaintyWords, default_certainty_words
from analytics.watchlist.families import cue_family, default_cue_families
from analytics.watchlist.timing import expected_window

# Coming times that make a sentence forward-looking without a certainty word.
_COMING = re.compile(
    r"\b(?:next|coming|upcoming|later\s+this|tomorrow|ahead\s+of|the\s+months\s+ahead|"
    r"the\s+weeks\s+ahead|scheduled|due\s+to)\b",
    re.IGNORECASE,
)


def _sentences_with_countries(
    briefings: pd.DataFrame, mentions: pd.DataFrame
) -> tuple[pd.DataFrame, list[str], list[list[tuple[int, int, str, str]]]] | None:
    """Every sentence naming a country (actor kinds): its keys, text and mentions."""
    kinds = mentions[S.KIND].to_numpy(dtype=object)
    usable = mentions[np.isin(kinds, ACTOR_KINDS) & mentions[S.ISO3].notna().to_numpy()]
    if usable.empty:
        return None
    usable = usable.sort_values(
        [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.START], kind="stable"
    )
    keys = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]
    first = ~usable.duplicated(keys).to_numpy()
    heads = usable[first]
    spans = sentence_spans(
        briefings,
        heads[S.BRIEFING_ID].to_numpy(dtype=object),
        heads[S.SECTION].to_numpy(dtype=object),
        heads[S.SENTENCE_INDEX].to_numpy(dtype=np.int64),
    )
    if spans is None:
        return None
    joined, segment_start, sentence_start, sentence_end = spans
    bounds_of = zip(sentence_start.tolist(), sentence_end.tolist(), strict=True)
    texts = [joined[a:b] for a, b in bounds_of]
    group = np.cumsum(first) - 1
    shift = (segment_start - sentence_start)[group]
    starts = usable[S.START].to_numpy(dtype=np.int64) + shift
    ends = usable[S.END].to_numpy(dtype=np.int64) + shift
    bounds = np.flatnonzero(first).tolist() + [len(usable)]
    rows = list(
        zip(
            starts.tolist(),
            ends.tolist(),
            usable[S.ISO3].tolist(),
            usable[S.KIND].tolist(),
            strict=True,
        )
    )
    per_sentence = [rows[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    return heads[keys].reset_index(drop=True), texts, per_sentence


def forward_sentences(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    lexicon: Lexicon | None = None,
    certainty_words: CertaintyWords | None = None,
) -> pd.DataFrame:
    """Every forward-looking sentence in which a country acts, with or without a cue.

    Parameters:
        briefings: the briefing table (``briefing_id``, ``date``, sections or text).
        mentions: country mentions with ``schema.MENTION_COLUMNS``.
        lexicon: the cue lexicon (default ``data/cues.csv``).
        certainty_words: the certainty table compiled (default ``data/certainty.csv``).

    Returns:
        ``schema.WATCHLIST_COLUMNS``, in briefing, section and sentence order; ``cues``
        and ``cue_family`` are "" where the lexicon finds no cue. An undated sentence's
        window runs ``watchlist_undated_days`` from its briefing's date.

    Raises:
        InputError: when a table lacks its columns.
    """
    for what, frame, needed in (
        ("briefings", briefings, (S.BRIEFING_ID, S.DATE)),
        ("mentions", mentions, S.MENTION_COLUMNS),
    ):
        missing = [column for column in needed if column not in frame.columns]
        if missing:
            raise InputError(f"{what} must have columns {', '.join(needed)}; missing {missing!r}")
    found = _sentences_with_countries(briefings, mentions)
    if found is None:
        return empty_watchlist()
    keys, texts, sentence_mentions = found
    words = certainty_words or default_certainty_words()
    series = pd.Series(texts, dtype=object)
    # Cheap tests over every sentence in C first; the rules below read only the candidates.
    candidate = (
        (keys[S.SECTION] == S.NEXT).to_numpy()
        | series.str.contains(words.pattern).to_numpy(dtype=bool)
        | series.str.contains(_COMING).to_numpy(dtype=bool)
    )
    chosen = np.flatnonzero(candidate)
    if chosen.size == 0:
        return empty_watchlist()
    dates = briefings[[S.BRIEFING_ID, S.DATE]].drop_duplicates(S.BRIEFING_ID, keep="last")
    dates = dates.set_index(S.BRIEFING_ID)[S.DATE]
    briefing_dates = dates.reindex(keys[S.BRIEFING_ID].iloc[chosen]).to_numpy()
    undated_days = int(settings.value("watchlist_undated_days"))
    names = (S.COUNTRIES, S.CERTAINTY, S.WHEN, S.WHEN_KIND, S.WINDOW_START, S.WINDOW_END)
    columns: dict[str, list[object]] = {name: [] for name in names}
    picked: list[int] = []
    for position, stamp in zip(chosen.tolist(), briefing_dates, strict=True):
        if pd.isna(stamp):
            continue
        text = texts[position]
        reference = pd.Timestamp(stamp).date()
        sure = words.certainty(text)
        window = expected_window(text, reference)
        in_next = keys[S.SECTION].iat[position] == S.NEXT
        if sure is None and not in_next and window is None:
            continue
        acting = _acting_countries(text, sentence_mentions[position])
        if not acting:
            continue
        if window is None:
            start, end, kind, when = (
                reference,
                reference + timedelta(days=undated_days),
                S.UNDATED,
                "",
            )
        else:
            start, end, kind, when = window
        values = ("|".join(acting), S.FIRM if sure is None else sure[0], when, kind, start, end)
        for name, value in zip(names, values, strict=True):
            columns[name].append(value)
        picked.append(position)
    if not picked:
        return empty_watchlist()
    cue_columns = _cue_columns([texts[i] for i in picked], lexicon or default_lexicon())
    chosen_keys = keys.iloc[picked].reset_index(drop=True)
    table = pd.DataFrame(
        {
            S.BRIEFING_ID: chosen_keys[S.BRIEFING_ID].to_numpy(dtype=object),
            S.DATE: dates.reindex(chosen_keys[S.BRIEFING_ID]).array,
            S.SECTION: chosen_keys[S.SECTION].to_numpy(dtype=object),
            S.SENTENCE_INDEX: chosen_keys[S.SENTENCE_INDEX].to_numpy(dtype=np.int64),
            S.SENTENCE: np.asarray([texts[i] for i in picked], dtype=object),
            **{
                name: np.asarray(columns[name], dtype=object)
                for name in (S.COUNTRIES, S.CERTAINTY, S.WHEN, S.WHEN_KIND)
            },
            **cue_columns,
            **{
                name: pd.to_datetime(pd.Series(columns[name], dtype=object)).to_numpy()
                for name in (S.WINDOW_START, S.WINDOW_END)
            },
        }
    )
    return _in_corpus_order(table[list(S.WATCHLIST_COLUMNS)], briefings)


def _acting_countries(text: str, mentions: list[tuple[int, int, str, str]]) -> list[str]:
    """The countries that act in a sentence, in text order, each once."""
    roles = sentence_roles(text, mentions)
    return list(dict.fromkeys(role.iso3 for role in roles if role.role == ACTOR))


def _cue_columns(texts: list[str], lexicon: Lexicon) -> dict[str, np.ndarray]:
    """``cues``, ``cue_family`` and ``event_type`` of each sentence (first cue's family)."""
    names = default_cue_families()
    cues, families, types = [], [], []
    for found in lexicon.find_cues_batch(TextBatch(texts)):
        kept = [match for match in found if not match.cue.is_stop]
        family = next((cue_family(m.cue.cameo) for m in kept if cue_family(m.cue.cameo)), "")
        cues.append("|".join(dict.fromkeys(" ".join(m.surface.lower().split()) for m in kept)))
        families.append(family)
        types.append(names.get(family, ""))
    return {
        S.CUES: np.asarray(cues, dtype=object),
        S.CUE_FAMILY: np.asarray(families, dtype=object),
        S.EVENT_TYPE: np.asarray(types, dtype=object),
    }


def _in_corpus_order(table: pd.DataFrame, briefings: pd.DataFrame) -> pd.DataFrame:
    """Rows in briefing (input) order, then section and sentence order."""
    rank = pd.Index(briefings[S.BRIEFING_ID].drop_duplicates(keep="last"))
    section_rank = pd.Index(list(S.SEGMENT_SECTIONS)).get_indexer(table[S.SECTION])
    order = np.lexsort(
        (
            table[S.SENTENCE_INDEX].to_numpy(),
            section_rank,
            rank.get_indexer(table[S.BRIEFING_ID]),
        )
    )
    return table.iloc[order].reset_index(drop=True)


def expected_events(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    lexicon: Lexicon | None = None,
    certainty_words: CertaintyWords | None = None,
) -> pd.DataFrame:
    """The watchlist: forward-looking sentences in which a country acts and a cue says what.

    Parameters:
        briefings: the briefing table.
        mentions: country mentions with ``schema.MENTION_COLUMNS``.
        lexicon: the cue lexicon (default ``data/cues.csv``).
        certainty_words: the certainty table compiled (default ``data/certainty.csv``).

    Returns:
        ``schema.WATCHLIST_COLUMNS``, one row per expected event (sentence).

    Raises:
        InputError: when a table lacks its columns.
    """
    sentences = forward_sentences(
        briefings, mentions, lexicon=lexicon, certainty_words=certainty_words
    )
    return sentences[sentences[S.CUE_FAMILY] != ""].reset_index(drop=True)
