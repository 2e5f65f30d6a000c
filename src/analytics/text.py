"""Text segmentation shared by mentions and relations.

A briefing is scanned as *segments*: its title, then its three sections where it
has them, else its whole body. Each segment is split into sentences whose
character spans are relative to the segment's text, so every mention and every
interaction can point back at the exact words.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics import schema as S

# Tokens ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sen rep gov gen lt col maj capt cmdr adm sgt st mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec
    inc corp ltd co plc llc bros no nos vs etc approx dept est fig al
    u.s u.k u.n u.s.a e.u p.m a.m d.c n.y
    """.split()
)
# Abbreviations that often end a sentence too ("... visit to the U.S. The talks ...").
SENTENCE_FINAL_ABBREVIATIONS = frozenset({"u.s", "u.k", "u.n", "e.u", "d.c", "u.s.a"})
# A capitalised word after such an abbreviation that almost always starts a new sentence.
SENTENCE_OPENERS = frozenset(
    """
    the this that these those it its he she his her they their we our i in on at but and
    however meanwhile also a an after before while when officials there both some many
    """.split()
)
NEXT_WORD = re.compile(r"[\"'\u2018\u201c(\[]?([A-Za-z]+)")
_BOUNDARY = re.compile(
    r"""[.!?]+["'\u2019\u201d)\]]*(?:\s+)(?=["'\u2018\u201c(\[]?[A-Z0-9])|\n\s*\n"""
)
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``.

    Boundaries are a full stop, question or exclamation mark followed by space and
    a capital or digit, or a blank line. Abbreviations ("U.S.", "Mr.", "Jan.")
    and single initials do not end a sentence. Spans exclude surrounding space.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.start()
        if text[cut] in ".!?":
            token = _TOKEN_BEFORE.search(text, start, cut + 1)
            word = token.group(1).rstrip(".").lstrip("\"'(\u201c\u2018").lower() if token else ""
            if text[cut] == "." and (word in ABBREVIATIONS or len(word) == 1):
                following = NEXT_WORD.match(text, match.end())
                opener = following is not None and following.group(1).lower() in SENTENCE_OPENERS
                if not (word in SENTENCE_FINAL_ABBREVIATIONS and opener):
                    continue
        end = match.end() if text[cut] in ".!?" else cut
        _append_span(text, start, end, spans)
        start = match.end()
    _append_span(text, start, len(text), spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def segment_table(briefings: pd.DataFrame) -> pd.DataFrame:
    """One row per (briefing, section) holding text to scan.

    The title comes first as section ``title``. A briefing with any of the three
    sections contributes those; one without them contributes its ``text`` as
    section ``body``. Empty segments are dropped.

    Returns:
        Columns ``briefing_id``, ``section``, ``text``, ordered by briefing (input
        order) then section.
    """
    n_rows = len(briefings)
    ids = briefings[S.BRIEFING_ID].to_numpy()
    lengths = {
        column: briefings[column].fillna("").astype(str).str.len().to_numpy()
        for column in (S.TITLE, *S.SECTIONS, S.TEXT)
        if column in briefings
    }
    has_sections = np.zeros(n_rows, dtype=bool)
    for section in S.SECTIONS:
        if section in lengths:
            has_sections |= lengths[section] > 0
    plan = [(S.SECTION_TITLE, S.TITLE, None)]
    plan += [(section, section, has_sections) for section in S.SECTIONS]
    plan += [(S.SECTION_BODY, S.TEXT, ~has_sections)]
    positions, ranks, sections, texts = [], [], [], []
    for rank, (section, column, mask) in enumerate(plan):
        if column not in lengths:
            continue
        keep = lengths[column] > 0
        if mask is not None:
            keep &= mask
        rows = np.flatnonzero(keep)
        positions.append(rows)
        ranks.append(np.full(len(rows), rank))
        sections.append(np.full(len(rows), section, dtype=object))
        texts.append(briefings[column].to_numpy()[rows])
    if not positions:
        return pd.DataFrame({S.BRIEFING_ID: [], S.SECTION: [], S.TEXT: []})
    position = np.concatenate(positions)
    order = np.lexsort((np.concatenate(ranks), position))
    return pd.DataFrame(
        {
            S.BRIEFING_ID: ids[position[order]],
            S.SECTION: np.concatenate(sections)[order],
            # Values are already strings but for odd table inputs; a fixed-width numpy
            # string array (astype(str)) would be slow and large.
            S.TEXT: [v if isinstance(v, str) else str(v) for v in np.concatenate(texts)[order]],
        }
    )


def sentence_table(segments: pd.DataFrame) -> pd.DataFrame:
    """Split every segment into sentences.

    Returns:
        Columns ``briefing_id``, ``section``, ``sentence_index`` (0-based within the
        section), ``start``, ``end`` (spans in the segment's text) and ``sentence``.
    """
    rows: list[tuple[str, str, int, int, int, str]] = []
    for briefing_id, section, text in zip(
        segments[S.BRIEFING_ID], segments[S.SECTION], segments[S.TEXT], strict=True
    ):
        for index, (start, end) in enumerate(split_sentences(text)):
            rows.append((briefing_id, section, index, start, end, text[start:end]))
    return pd.DataFrame(
        rows, columns=[S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.START, S.END, S.SENTENCE]
    )
