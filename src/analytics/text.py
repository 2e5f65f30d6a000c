"""Text segmentation shared by mentions and relations.

A briefing is scanned as *segments*: its title, then its three sections where it
has them, else its whole body. Each segment is split into sentences whose
character spans are relative to the segment's text, so every mention and every
interaction can point back at the exact words.

``split_sentences`` splits one text and is the reference. For a whole corpus the same
boundaries are found with array operations on all segments at once: join the segments
(``join_segments``), read the code points (``code_points``) and find the sentence
starts (``sentence_starts``); ``segment_columns`` gives the segments without building a
table, ``segment_texts`` reads back the text of given segments and ``factorize_segments``
numbers (briefing, section) pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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

# A source citation: up to eight words in brackets, not ending a sentence of its own.
_CITATION = r"\((?=[^()\x00]{1,100}\))(?:[^()\x00.!?\s]++[.!?]?\s*){1,8}(?<![a-z]{2}[.!?])\)"
# Citations after a sentence's end ("." "!" "?", maybe a closing quote), chained by spaces or
# commas, that end the text or are followed by a new sentence: the outlets closing a news
# summary ("... a coup. (The Australian) (AP via New York Times)"). Group 1 is the chain.
SOURCE_CITATIONS = re.compile(
    r"(?<=[.!?\"\u201d'])[ \t]*(" + _CITATION + r"(?:[ \t]*,?[ \t]*" + _CITATION + r")*)"
    r"(?=\s*(?:$|\x00|[A-Z\"\u201c]))"
)


def strip_source_citations(text: str) -> str:
    """``text`` without the source citations after its sentences (``SOURCE_CITATIONS``):
    they say where the news came from, not what it is about."""
    if "(" not in text:
        return text
    return SOURCE_CITATIONS.sub("", text)


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
    ids, sections, texts = segment_columns(briefings)
    return pd.DataFrame({S.BRIEFING_ID: ids, S.SECTION: sections, S.TEXT: texts})


def segment_columns(briefings: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The three columns of ``segment_table(briefings)``, without building the table.

    A scan over every segment needs the texts as Python strings: taking them straight
    from here spares a round trip of the whole corpus through a string column.

    Returns:
        ``(briefing_ids, sections, texts)``: two object arrays and a list of strings.
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
    plan: list[tuple[str, str, np.ndarray | None]] = [(S.SECTION_TITLE, S.TITLE, None)]
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
        # Typed as ``pd.DataFrame`` types empty lists, so the empty table keeps its dtypes.
        return np.array([]), np.array([]), []
    position = np.concatenate(positions)
    order = np.lexsort((np.concatenate(ranks), position))
    return (
        ids[position[order]],
        np.concatenate(sections)[order],
        # Values are already strings but for odd table inputs; a fixed-width numpy
        # string array (astype(str)) would be slow and large.
        [v if isinstance(v, str) else str(v) for v in np.concatenate(texts)[order]],
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


# -- sentence boundaries of many segments at once, with array operations -------------
# Many segments are joined with ``SEGMENT_SEPARATOR`` into one string, read as an array of
# code points (``code_points``); character classes are boolean tables indexed by code point.

# No match, token, sentence or line break can cross this separator.
SEGMENT_SEPARATOR = " \x00 "


def char_class(test: Callable[[str], bool]) -> np.ndarray:
    """A boolean lookup table over code points: ``table[ord(c)] == test(c)``.

    Parameters:
        test: the class, as a predicate on one character.

    Returns:
        An array of 0x110000 booleans; beyond the basic plane every class is taken as
        empty (the classes used here are all within it).
    """
    table = np.zeros(0x110000, dtype=bool)
    table[:0x10000] = [test(chr(code)) for code in range(0x10000)]
    return table


# Character classes of the sentence boundary of ``split_sentences``.
IS_SPACE = char_class(str.isspace)
_IS_INLINE_SPACE = char_class(lambda c: c.isspace() and c != "\n")
_IS_STOP = char_class(lambda c: c in ".!?")
_IS_CLOSER = char_class(lambda c: c in "\"'\u2019\u201d)]")
_IS_OPENER = char_class(lambda c: c in "\"'\u2018\u201c([")
_TOKEN_OPENERS = "\"'(\u201c\u2018"
_IS_TOKEN_OPENER = char_class(lambda c: c in _TOKEN_OPENERS)
_IS_CAPITAL = char_class(lambda c: "A" <= c <= "Z" or "0" <= c <= "9")
_NEWLINE = ord("\n")
_IS_NEWLINE = char_class(lambda c: c == "\n")


# Runs are followed a character at a time for all positions together for this many
# steps; a position still inside its run then finds the run's end by scanning windows
# (``_run_end``), so one long run (a megabyte of spaces) costs a few array operations
# instead of one per character.
_LOCKSTEP = 32
_WINDOW = 4096


def advance(points: np.ndarray, pos: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Move every position forward past a run of characters of ``table``'s class.

    Parameters:
        points: ``code_points`` of the text (its trailing sentinels stop every run).
        pos: positions in the text.
        table: a ``char_class`` table.

    Returns:
        The new positions (a new array).
    """
    pos = pos.copy()
    active = np.flatnonzero(table[points[pos]])
    for _ in range(_LOCKSTEP):
        if not active.size:
            return pos
        pos[active] += 1
        active = active[table[points[pos[active]]]]
    for i in active.tolist():
        pos[i] = _run_end(points, int(pos[i]), table, forward=True)
    return pos


def retreat(points: np.ndarray, pos: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Move every position back to the start of the run of ``table``'s class before it.

    Parameters:
        points: ``code_points`` of the text.
        pos: positions in the text.
        table: a ``char_class`` table.

    Returns:
        The new positions (a new array), never below 0.
    """
    pos = pos.copy()
    active = np.flatnonzero((pos > 0) & table[points[pos - 1]])
    for _ in range(_LOCKSTEP):
        if not active.size:
            return pos
        pos[active] -= 1
        active = active[(pos[active] > 0) & table[points[pos[active] - 1]]]
    for i in active.tolist():
        pos[i] = _run_end(points, int(pos[i]), table, forward=False)
    return pos


def _run_end(points: np.ndarray, at: int, table: np.ndarray, *, forward: bool) -> int:
    """Where the run of ``table``'s class through ``at`` ends (forward: the first position
    after it, at most ``len(points)``) or starts (backward: its first position, at least 0),
    scanning windows that double in size."""
    size = _WINDOW
    while True:
        if forward:
            window = table[points[at : at + size]]
        else:
            window = table[points[max(0, at - size) : at]][::-1]
        outside = np.flatnonzero(~window)
        if outside.size:
            return at + int(outside[0]) if forward else at - int(outside[0])
        if forward:
            at += window.size
            if at >= len(points):
                return len(points)
        else:
            at -= window.size
            if at <= 0:
                return 0
        size *= 2


# Code points a class is looked up for at once: the lookup's booleans of a whole corpus
# (one per character: 150 MB at 100,000 briefings, three such masks for the stops) would be
# held at once otherwise.
_CLASS_STEP = 1 << 22


def positions_in_class(points: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Sorted positions of ``points`` whose character is of ``table``'s class (int64),
    ``np.flatnonzero(table[points])`` looked up a few million characters at a time."""
    if len(points) <= _CLASS_STEP:
        return np.flatnonzero(table[points])
    pieces = [
        np.flatnonzero(table[points[start : start + _CLASS_STEP]]) + start
        for start in range(0, len(points), _CLASS_STEP)
    ]
    return np.concatenate(pieces)


def space_run_starts(points: np.ndarray, newlines: np.ndarray) -> np.ndarray:
    """``retreat(points, newlines, IS_SPACE)`` for the positions of *every* line break.

    Many line breaks in one run of space (a thousand blank lines) would each walk back
    over the whole run; instead each walks back over the other space before it only, and
    one that then meets the previous line break shares that one's run start.

    Parameters:
        points: ``code_points`` of the text.
        newlines: sorted positions of all line breaks in it.
    """
    before = retreat(points, newlines, _IS_INLINE_SPACE)
    linked = (before > 0) & (points[np.maximum(before - 1, 0)] == _NEWLINE)
    head = np.maximum.accumulate(np.where(linked, 0, np.arange(len(newlines))))
    return before[head]


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` by sorting, faster than its hashing here)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def sorted_member(values: np.ndarray, sorted_array: np.ndarray) -> np.ndarray:
    """``np.isin`` for a sorted second array, without hashing."""
    if sorted_array.size == 0:
        return np.zeros(len(values), dtype=bool)
    where = np.minimum(np.searchsorted(sorted_array, values), sorted_array.size - 1)
    return sorted_array[where] == values


def _word_hashes(words: Iterable[str]) -> np.ndarray:
    return np.array(sorted({_hash_word(word) for word in words}), dtype=np.int64)


def _hash_word(word: str) -> int:
    value = 0
    for char in word:
        value = (value * _HASH_BASE + ord(char)) % _HASH_MODULUS
    return value * 16 + len(word)


_HASH_BASE, _HASH_MODULUS = 1_000_003, (1 << 40) - 87
_ABBREVIATION_HASHES = _word_hashes(ABBREVIATIONS)
_FINAL_ABBREVIATION_HASHES = _word_hashes(SENTENCE_FINAL_ABBREVIATIONS)
_LONGEST_ABBREVIATION = max(len(word) for word in ABBREVIATIONS)


def _abbreviations(
    points: np.ndarray, token_start: np.ndarray, cut: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each token ``[token_start, cut]`` is, as ``split_sentences`` judges it, a
    known abbreviation or a single letter (stripped of its final full stops and opening
    quotes, lower-cased: ASCII letters, the lists are ASCII), and whether it is one of the
    abbreviations that may also end a sentence ("U.S.").
    """
    word_end = _retreat_to(points, cut + 1, token_start, 46)
    word_start = _advance_to(points, token_start, word_end, _IS_TOKEN_OPENER)
    length = word_end - word_start
    single = length == 1
    short = np.flatnonzero((length > 1) & (length <= _LONGEST_ABBREVIATION))
    value = np.zeros(short.size, dtype=np.int64)
    for offset in range(_LONGEST_ABBREVIATION):
        inside = offset < length[short]
        code = points[np.minimum(word_start[short] + offset, len(points) - 1)].astype(np.int64)
        code = np.where((code >= 65) & (code <= 90), code + 32, code)
        value = np.where(inside, (value * _HASH_BASE + code) % _HASH_MODULUS, value)
    hashes = value * 16 + length[short]
    result = single.copy()
    result[short] |= sorted_member(hashes, _ABBREVIATION_HASHES)
    final = np.zeros(len(token_start), dtype=bool)
    final[short] = sorted_member(hashes, _FINAL_ABBREVIATION_HASHES)
    return result, final


def _reopen_after_final_abbreviations(
    text: str, end: np.ndarray, abbreviation: np.ndarray, final: np.ndarray
) -> None:
    """Let "U.S." end a sentence when the next word usually opens one ("... the U.S. The
    talks ..."), as ``split_sentences`` does; updates ``abbreviation`` in place."""
    openers = SENTENCE_OPENERS
    next_word = NEXT_WORD.match
    for i in np.flatnonzero(final).tolist():
        following = next_word(text, int(end[i]))
        if following is not None and following.group(1).lower() in openers:
            abbreviation[i] = False


def _retreat_to(points: np.ndarray, pos: np.ndarray, floor: np.ndarray, code: int) -> np.ndarray:
    """Move back over a run of ``code`` characters ending at ``pos``, not below ``floor``."""
    pos = pos.copy()
    active = np.flatnonzero((pos > floor) & (points[pos - 1] == code))
    while active.size:
        pos[active] -= 1
        active = active[(pos[active] > floor[active]) & (points[pos[active] - 1] == code)]
    return pos


def _advance_to(
    points: np.ndarray, pos: np.ndarray, ceiling: np.ndarray, table: np.ndarray
) -> np.ndarray:
    """Move forward over characters of ``table``'s class, not beyond ``ceiling``."""
    pos = pos.copy()
    active = np.flatnonzero((pos < ceiling) & table[points[pos]])
    while active.size:
        pos[active] += 1
        active = active[(pos[active] < ceiling[active]) & table[points[pos[active]]]]
    return pos


def sentence_starts(text: str, points: np.ndarray, segment_starts: np.ndarray) -> np.ndarray:
    """Sorted positions in ``text`` where a sentence other than a segment's first starts.

    Parameters:
        text: one segment, or many joined with ``SEGMENT_SEPARATOR``.
        points: ``code_points(text)``.
        segment_starts: sorted start of every segment in ``text`` (``[0]`` for one).

    Returns:
        Positions (int64). Sentence ``k`` of a segment runs from its ``k``-th boundary
        (or the segment start) to the next boundary (or the segment end), stripped of
        space; pieces that are only space are no sentence.

     The boundaries are those of
    ``analytics.text.split_sentences`` (a run of ``.!?``, closing quotes, space, then an
    optional opening quote and a capital or digit, except after an abbreviation or a
    single letter; or a blank line), found for all segments at once with array
    operations on the few candidate positions instead of a scan per segment.
    """
    stops = positions_in_class(points, _IS_STOP)
    if stops.size:
        follows = np.concatenate(([False], stops[1:] == stops[:-1] + 1))
        precedes = np.concatenate((stops[1:] == stops[:-1] + 1, [False]))
        run_start, run_end = stops[~follows], stops[~precedes] + 1
    else:
        run_start = run_end = stops
    after_closers = advance(points, run_end, _IS_CLOSER)
    after_space = advance(points, after_closers, IS_SPACE)
    look = after_space + _IS_OPENER[points[after_space]]
    sentence_end = (after_space > after_closers) & (
        _IS_CAPITAL[points[after_space]] | _IS_CAPITAL[points[look]]
    )
    cut, end = run_start[sentence_end], after_space[sentence_end]
    # The token before the stop runs back to the previous space; single letters and known
    # abbreviations followed by a full stop do not end a sentence.
    token_start = retreat(points, cut, ~IS_SPACE)
    abbreviation, final = _abbreviations(points, token_start, cut)
    abbreviation &= points[cut] == 46
    _reopen_after_final_abbreviations(text, end, abbreviation, final & abbreviation)
    accepted = end[~abbreviation]
    # Blank lines: whitespace runs holding two line breaks and not consumed by a stop
    # above (whose space run ends where this one ends); the boundary runs from the run's
    # first line break to after its last one.
    newline = positions_in_class(points, _IS_NEWLINE)
    run_of = space_run_starts(points, newline)
    change = run_of[1:] != run_of[:-1]
    first_nl = newline[np.concatenate(([True], change))] if newline.size else newline
    last_nl = newline[np.concatenate((change, [True]))] if newline.size else newline
    several = last_nl > first_nl
    first_nl, last_nl = first_nl[several], last_nl[several]
    consumed = sorted_member(advance(points, last_nl, IS_SPACE), end)
    first_nl, last_nl = first_nl[~consumed], last_nl[~consumed]
    blank_end = last_nl + 1
    # A blank line that closes an empty span (at a segment start) does not add a sentence.
    bounds = np.sort(np.concatenate((accepted, blank_end)))
    previous = np.searchsorted(bounds, first_nl, side="left") - 1
    prev_end = np.where(previous >= 0, bounds[np.maximum(previous, 0)], 0)
    seg_start = segment_starts[np.searchsorted(segment_starts, first_nl, side="right") - 1]
    prev_end = np.maximum(prev_end, seg_start)
    empty = advance(points, prev_end, IS_SPACE) >= first_nl
    return np.sort(np.concatenate((accepted, blank_end[~empty])))


def code_points(joined: str) -> np.ndarray:
    """Code points of ``joined`` (a read-only array), plus two trailing sentinels 0.

    An ASCII text (the usual case) gives one byte per character (``uint8``), anything
    else ``uint32``: every pass over the text then reads a quarter of the memory, and
    the character tables are indexed the same way.
    """
    padded = joined + "\x00\x00"
    if padded.isascii():
        return np.frombuffer(padded.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32)


_SECTION_COLUMNS = {
    S.SECTION_TITLE: S.TITLE,
    **{section: section for section in S.SECTIONS},
    S.SECTION_BODY: S.TEXT,
}


def segment_texts(
    briefings: pd.DataFrame, ids: np.ndarray, sections: np.ndarray, *, keep: str = "first"
) -> tuple[np.ndarray, list[str]]:
    """The text of each ``(briefing id, section)`` segment, read straight from its column.

    Equal to the ``text`` of that row of ``segment_table(briefings)``, without building
    the whole table; a repeated briefing id is read from its ``keep`` (first or last) row.

    Parameters:
        briefings: the briefing table.
        ids: briefing id per wanted segment.
        sections: section name per wanted segment (``S.SEGMENT_SECTIONS``).
        keep: ``"first"`` or ``"last"``: which row of a repeated briefing id is read.

    Returns:
        ``(exists, texts)``: whether ``segment_table`` has that segment, and its text
        ("" where it has not).
    """
    all_ids = briefings[S.BRIEFING_ID].to_numpy(dtype=object)
    order = np.arange(len(all_ids)) if keep == "first" else np.arange(len(all_ids))[::-1]
    index = pd.Index(all_ids[order])
    unique = ~index.duplicated()
    found = pd.Index(all_ids[order][unique]).get_indexer(ids)
    rows = np.where(found >= 0, order[unique][np.maximum(found, 0)], 0)
    exists = found >= 0
    texts = np.full(len(ids), "", dtype=object)

    def column(name: str, where: np.ndarray) -> pd.Series | None:
        if name not in briefings.columns:
            return None
        # Only the wanted rows are converted, as segment_table converts them.
        return briefings[name].iloc[rows[where]].fillna("").astype(str)

    def non_empty(values: pd.Series) -> np.ndarray:
        # Lengths from the string column itself: no Python string per row is made.
        return values.str.len().to_numpy(dtype=np.int64) > 0

    body = sections == S.SECTION_BODY
    with_sections = np.zeros(len(ids), dtype=bool)
    where = np.flatnonzero(body)
    for section in S.SECTIONS:
        values = column(section, where)
        if values is not None:
            with_sections[where] |= non_empty(values)
    has_text = np.zeros(len(ids), dtype=bool)
    for section, name in _SECTION_COLUMNS.items():
        where = np.flatnonzero(sections == section)
        values = column(name, where)
        if values is not None:
            texts[where] = values.to_numpy(dtype=object)
            has_text[where] = non_empty(values)
    exists &= has_text
    exists &= ~(body & with_sections)
    texts[~exists] = ""
    return exists, texts.tolist()


def join_segments(texts: list[str]) -> tuple[str, np.ndarray, np.ndarray]:
    """Join segment texts with ``SEGMENT_SEPARATOR`` for one scan over all of them.

    Returns:
        ``(joined, offsets, lengths)``: the joined string, where each text starts in it
        and each text's length (int64 arrays).
    """
    lengths = np.fromiter((len(text) for text in texts), np.int64, len(texts))
    offsets = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + len(SEGMENT_SEPARATOR), out=offsets[1:])
    return SEGMENT_SEPARATOR.join(texts), offsets, lengths


def factorize_segments(
    ids: np.ndarray, sections: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Number the distinct ``(briefing id, section)`` pairs in order of first appearance.

    The same numbering as ``pd.factorize`` of the pairs, through integer codes of each
    column rather than a tuple per row.

    Parameters:
        ids: briefing id per row (object array).
        sections: section per row (object array).

    Returns:
        ``(codes, distinct_ids, distinct_sections)``: each row's pair number, and the id
        and section of every distinct pair.
    """
    id_code, id_values = pd.factorize(ids, use_na_sentinel=False)
    section_code, section_values = pd.factorize(sections, use_na_sentinel=False)
    width = max(len(section_values), 1)
    codes, pairs = pd.factorize(id_code.astype(np.int64) * width + section_code)
    return (
        codes,
        np.asarray(id_values, dtype=object)[pairs // width],
        np.asarray(section_values, dtype=object)[pairs % width],
    )


def may_match(texts: list[str] | pa.Array, *patterns: re.Pattern[str]) -> np.ndarray:
    """Which texts a pattern may match: one vectorised scan of them all (Arrow's RE2
    engine, in C++), where trying Python's ``re`` on every text would loop in Python.

    The answer is a superset of the texts any of ``patterns`` matches with ``search``
    (RE2 ignores case here and counts more word boundaries, never fewer); read the texts
    it keeps with the patterns themselves. Patterns must use only what RE2 knows (no
    look-around, no back-references); group names are dropped.
    """
    if len(texts) == 0:
        return np.zeros(0, dtype=bool)
    array = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.large_string())
    union = "|".join(re.sub(r"\(\?P<\w+>", "(", pattern.pattern) for pattern in patterns)
    found = pc.match_substring_regex(array, union, ignore_case=True)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
