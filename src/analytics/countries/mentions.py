"""Text -> country-mention rows, and sparse briefing x country counts.

Every segment of every briefing (see ``analytics.text.segment_table``) is joined
into one string and scanned once with the gazetteer's Aho-Corasick automaton
(leftmost-longest matches, so "Papua New Guinea" wins over "Guinea"). There is no
per-character Python; the rules that follow are applied to whole arrays of matches:

- word boundaries ("Oman" in "woman", "Chad" in "Chadwick" are no mentions);
- case: surfaces match as written or in upper case ("US" never matches "us");
  a small city only counts as the place of a news dateline ("HAUPPAUGE, N.Y., March 2 -");
- required context (``before``/``after`` in the gazetteer: "Atlanta, Georgia");
- validity dates: an office holder counts for their country only while in office,
  judged by the briefing's date;
- the best remaining candidate wins (required context found, country named
  unambiguously elsewhere in the briefing, hand-written rows before office holders
  before cities, confidence); a ``block`` row ("Indo-Pacific") drops the match.

Confidence is lowered for an ambiguous surface at the start of a sentence and
raised when the same briefing names the country unambiguously elsewhere. Sentence
indices are those of ``analytics.text.split_sentences``, computed for all segments
at once with array operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics import schema as S
from analytics.countries.gazetteer import (
    BLOCK,
    RUNNING_TEXT_MIN_POPULATION,
    Gazetteer,
    load_gazetteer,
)
from analytics.errors import InputError
from analytics.text import (
    IS_SPACE,
    advance,
    char_class,
    code_points,
    factorize_segments,
    join_segments,
    segment_columns,
    segment_texts,
    sentence_starts,
    sorted_distinct,
    sorted_member,
)
from analytics.timeseries import check_freq, complete_periods, period_start

AMBIGUOUS_BELOW = 0.8
SENTENCE_START_FACTOR = 0.7
CORROBORATED_CONFIDENCE = 0.9
UNDATED_LEADER_FACTOR = 0.6
CAPITALS_FACTOR = 0.7
_SHORT_ALIAS = 3  # "US", "UK": also words once a text is written in capitals
_WORDLIKE_KINDS = ("name", "alias", "demonym")
# "TOKYO, March 3 -", "GREENWICH, Conn., March 2 -", "LONDON (Reuters) -"
_DATELINE_PARTS = re.compile(r"\s*([A-Z][A-Z.'&/ -]*[A-Z.])(?=,| \()[^\n]{0,60}? - ")
_OPENERS = " \t\r\n\"'(\u201c\u2018["
_EMPTY_COLUMNS = {
    S.BRIEFING_ID: pd.Series(dtype=object),
    S.SECTION: pd.Series(dtype=object),
    S.SENTENCE_INDEX: pd.Series(dtype="int64"),
    S.START: pd.Series(dtype="int64"),
    S.END: pd.Series(dtype="int64"),
    S.SURFACE: pd.Series(dtype=object),
    S.ISO3: pd.Series(dtype=object),
    S.KIND: pd.Series(dtype=object),
    S.CONFIDENCE: pd.Series(dtype="float64"),
}


def _empty_mentions() -> pd.DataFrame:
    return pd.DataFrame(_EMPTY_COLUMNS)[list(S.MENTION_COLUMNS)]


def _check_briefings(briefings: pd.DataFrame) -> None:
    if not isinstance(briefings, pd.DataFrame):
        raise InputError(f"briefings must be a pandas DataFrame; got {type(briefings).__name__!r}")
    if S.BRIEFING_ID not in briefings.columns:
        raise InputError(
            f"briefings must have a {S.BRIEFING_ID!r} column; got {list(briefings.columns)!r}"
        )


def _check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = tuple(kinds)
    unknown = [kind for kind in kinds if kind not in S.MENTION_KINDS]
    if unknown:
        raise InputError(f"kinds must be among {', '.join(S.MENTION_KINDS)}; got {unknown[0]!r}")
    return kinds


# -- extraction -------------------------------------------------------------------
_IS_UPPER = char_class(lambda c: "A" <= c <= "Z")
_IS_OPENING = char_class(lambda c: c in _OPENERS)
_IS_ALNUM = char_class(str.isalnum)


def _scan(joined: str, gazetteer: Gazetteer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, stop (characters) and code (``key_id * 2 + upper``) of every leftmost-longest
    match, from one pass of the automaton over the UTF-8 bytes of ``joined``."""
    raw = joined.encode("utf-8")
    found = gazetteer.automaton.find_matches_as_indexes(raw, overlapping=False)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    table = np.asarray(found, dtype=np.int64)
    starts, stops = table[:, 1], table[:, 2]
    if len(raw) != len(joined):
        # Byte offsets to character offsets: subtract the continuation bytes before them.
        data = np.frombuffer(raw, dtype=np.uint8)
        continuation = np.flatnonzero((data & 0xC0) == 0x80)
        starts = starts - np.searchsorted(continuation, starts)
        stops = stops - np.searchsorted(continuation, stops)
    return starts, stops, gazetteer.pattern_codes[table[:, 0]]


def _word_bounded(
    points: np.ndarray, starts: np.ndarray, stops: np.ndarray, keys: np.ndarray, gaz: Gazetteer
) -> np.ndarray:
    before_alnum = _IS_ALNUM[points[np.maximum(starts - 1, 0)]] & (starts > 0)
    after_alnum = _IS_ALNUM[points[stops]]
    ok_start = ~(gaz.key_word_start[keys] & before_alnum)
    ok_end = ~(gaz.key_word_end[keys] & after_alnum)
    return ok_start & ok_end


def _datelines(
    texts: list[str], sections: np.ndarray, points: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per segment: dateline length (0 if none), and the dateline place's start and end.

    The place is the dateline up to its first comma or parenthesis ("NEW YORK" in
    "NEW YORK, March 2 -"). Only a section (not a title) opening with two capitals
    can carry one; that test is made on all segments at once before any regular
    expression runs.
    """
    length = np.zeros(len(texts), dtype=np.int64)
    lead = np.zeros(len(texts), dtype=np.int64)
    place_end = np.zeros(len(texts), dtype=np.int64)
    first = advance(points, offsets, IS_SPACE)
    opening = _IS_UPPER[points[first]] & _IS_UPPER[points[first + 1]]
    match = _DATELINE_PARTS.match
    for i in np.flatnonzero(opening & (sections != S.SECTION_TITLE)).tolist():
        found = match(texts[i])
        if found is not None:
            length[i], lead[i], place_end[i] = found.end(), found.start(1), found.end(1)
    return length, lead, place_end


def _add_dateline_places(
    texts: list[str],
    datelines: tuple[np.ndarray, np.ndarray, np.ndarray],
    offsets: np.ndarray,
    starts: np.ndarray,
    stops: np.ndarray,
    keys: np.ndarray,
    upper: np.ndarray,
    gaz: Gazetteer,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Add the dateline place of each segment where the scan did not already find it."""
    _, lead, place_end = datelines
    rows = np.flatnonzero(place_end > lead)
    if rows.size == 0:
        return starts, stops, keys, upper
    found = [gaz.dateline_keys.get(texts[i][lead[i] : place_end[i]]) for i in rows]
    known = np.array([key is not None for key in found], dtype=bool)
    rows = rows[known]
    new_starts = offsets[rows] + lead[rows]
    fresh = ~sorted_member(new_starts, starts)
    rows, new_starts = rows[fresh], new_starts[fresh]
    new_keys = np.array([k for k in found if k is not None], dtype=np.int64)[fresh]
    order = np.argsort(np.concatenate((starts, new_starts)), kind="stable")
    return (
        np.concatenate((starts, new_starts))[order],
        np.concatenate((stops, offsets[rows] + place_end[rows]))[order],
        np.concatenate((keys, new_keys))[order],
        np.concatenate((upper, np.ones(len(rows), dtype=bool)))[order],
    )


def extract_mentions(briefings: pd.DataFrame, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Find every country mention in the briefings' titles and sections.

    Parameters:
        briefings: the briefing table (``briefing_id``, ``date``, ``title``, ``text`` and
            the three sections; missing text columns are treated as empty).
        gazetteer: the compiled reference data; default ``load_gazetteer()``.

    Returns:
        ``schema.MENTION_COLUMNS``: one row per mention; ``start``/``end`` are character
        offsets in the section's text and ``sentence_index`` counts sentences within the
        section as ``analytics.text.split_sentences`` does. Ordered as the briefings,
        then by section and position.

    Raises:
        InputError: when ``briefings`` is not a DataFrame with a ``briefing_id`` column.
    """
    _check_briefings(briefings)
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    segment_ids, segment_sections, texts = segment_columns(briefings)
    if not texts:
        return _empty_mentions()
    # The texts stay a list of strings: a string column would copy the whole corpus twice.
    segments = pd.DataFrame({S.BRIEFING_ID: segment_ids, S.SECTION: segment_sections})
    joined, offsets, _ = join_segments(texts)
    points = code_points(joined)

    starts, stops, codes = _scan(joined, gaz)
    keys, upper = codes // 2, (codes % 2).astype(bool)
    keep = _word_bounded(points, starts, stops, keys, gaz)
    starts, stops, keys, upper = starts[keep], stops[keep], keys[keep], upper[keep]
    datelines = _datelines(texts, segments[S.SECTION].to_numpy(), points, offsets)
    starts, stops, keys, upper = _add_dateline_places(
        texts, datelines, offsets, starts, stops, keys, upper, gaz
    )
    if starts.size == 0:
        return _empty_mentions()
    segment = np.searchsorted(offsets, starts, side="right") - 1
    in_dateline = starts < (offsets + datelines[0])[segment]

    dates = _briefing_dates(segments, briefings)[segment]
    briefing_codes = pd.factorize(segments[S.BRIEFING_ID])[0][segment]
    chosen, confidence = _choose_candidates(
        gaz, joined, starts, stops, keys, upper, in_dateline, dates, briefing_codes
    )
    found = chosen >= 0
    if not found.any():
        return _empty_mentions()
    row = chosen[found]
    position, stop, seg = starts[found], stops[found], segment[found]
    confidence = confidence[found]

    boundaries = sentence_starts(joined, points, offsets)
    segment_start = offsets[seg]
    first = np.searchsorted(boundaries, segment_start, side="right")
    upto = np.searchsorted(boundaries, position, side="right")
    sentence_index = upto - first
    padded = np.concatenate((boundaries, [0]))  # index -1 when no boundary precedes
    sentence_start = np.where(upto > first, padded[upto - 1], segment_start)
    # A mention opens its sentence when only opening quotes, brackets and space precede it.
    starts_sentence = np.zeros(len(row), dtype=bool)
    unsure = np.flatnonzero(confidence < 1)
    reach = advance(points, sentence_start[unsure], _IS_OPENING)
    starts_sentence[unsure] = reach >= position[unsure]

    surfaces = [joined[a:b] for a, b in zip(position.tolist(), stop.tolist(), strict=True)]
    kinds = gaz.arrays[S.KIND][row]
    width = int(gaz.arrays["iso3_code"].max()) + 1
    confidence = _adjust_confidence(
        confidence,
        kinds,
        surfaces,
        stop - position,
        starts_sentence,
        texts,
        seg,
        briefing_codes[found] * width + gaz.arrays["iso3_code"][row],
    )
    mentions = pd.DataFrame(
        {
            # Taken from the typed columns: no Python string per row is converted again.
            S.BRIEFING_ID: segments[S.BRIEFING_ID].array.take(seg),
            S.SECTION: segments[S.SECTION].array.take(seg),
            S.SENTENCE_INDEX: sentence_index.astype(np.int64),
            S.START: (position - segment_start).astype(np.int64),
            S.END: (stop - segment_start).astype(np.int64),
            S.SURFACE: surfaces,
            S.ISO3: pd.Series(gaz.arrays[S.ISO3]).array.take(row),
            S.KIND: pd.Series(gaz.arrays[S.KIND]).array.take(row),
            S.CONFIDENCE: confidence,
        }
    )
    # Matches come out of the scan in text order, which is briefing, section, position.
    return mentions[list(S.MENTION_COLUMNS)]


def _choose_candidates(
    gaz: Gazetteer,
    joined: str,
    starts: np.ndarray,
    stops: np.ndarray,
    keys: np.ndarray,
    upper: np.ndarray,
    in_dateline: np.ndarray,
    dates: np.ndarray,
    briefing_codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For every match, the best candidate row its case, context and date allow.

    Among allowed candidates the order is: required context found ("Atlanta, Georgia"),
    country named unambiguously elsewhere in the briefing ("SAN MATEO, Calif."), source
    (hand-written, office holder, city list), confidence.

    Returns:
        ``(row, confidence)`` per match: the row in ``gaz.arrays`` (-1 when no candidate is
        allowed or the best one is a ``block``) and its confidence.
    """
    arrays = gaz.arrays
    count = gaz.key_count[keys]
    match = np.repeat(np.arange(len(keys)), count)
    first = np.repeat(gaz.key_first[keys] - np.cumsum(count) + count, count)
    row = first + np.arange(len(match))
    is_city = ~np.isnan(arrays["population"][row])
    # A city's upper-case form only in a dateline; in running text only large cities.
    ok = ~(is_city & upper[match] & ~in_dateline[match])
    ok &= ~(
        is_city & ~in_dateline[match] & (arrays["population"][row] < RUNNING_TEXT_MIN_POPULATION)
    )

    before, after = arrays["before"][row], arrays["after"][row]
    needs_before, needs_after = before != "", after != ""
    for i in np.flatnonzero(needs_before & ok):
        position = starts[match[i]]
        ok[i] = joined[position - len(before[i]) : position] == before[i]
    for i in np.flatnonzero(needs_after & ok):
        position = stops[match[i]]
        ok[i] = joined[position : position + len(after[i])] == after[i]

    when = dates[match]
    start, end = arrays["start"][row], arrays["end"][row]
    dated = ~np.isnat(when)
    limited = ~(np.isnat(start) & np.isnat(end))
    in_force = (np.isnat(start) | (start <= when)) & (np.isnat(end) | (when < end))
    ok &= ~dated | in_force
    confidence = arrays[S.CONFIDENCE][row]
    # Without a briefing date a dated row still counts, with less confidence.
    confidence = np.where(~dated & limited, confidence * UNDATED_LEADER_FACTOR, confidence)

    keep = np.flatnonzero(ok)
    chosen = np.full(len(keys), -1, dtype=np.int64)
    best_confidence = np.zeros(len(keys), dtype=float)
    if keep.size == 0:
        return chosen, best_confidence
    contextual = (needs_before | needs_after)[keep]
    supported = _supported(match[keep], row[keep], confidence[keep], arrays, briefing_codes)
    order = np.lexsort(
        (-confidence[keep], arrays["rank"][row[keep]], ~supported, ~contextual, match[keep])
    )
    ranked = keep[order]
    best = ranked[np.concatenate(([True], match[ranked][1:] != match[ranked][:-1]))]
    chosen[match[best]] = row[best]
    best_confidence[match[best]] = confidence[best]
    blocked = chosen >= 0
    blocked[blocked] = arrays[S.KIND][chosen[blocked]] == BLOCK
    chosen[blocked] = -1
    return chosen, best_confidence


def _supported(
    match: np.ndarray,
    row: np.ndarray,
    confidence: np.ndarray,
    arrays: dict[str, np.ndarray],
    briefing_codes: np.ndarray,
) -> np.ndarray:
    """Whether each candidate's country is named unambiguously elsewhere in its briefing.

    Unambiguous: the match has one allowed candidate, a country (not a block), held
    with confidence from ``CORROBORATED_CONFIDENCE`` on.
    """
    per_match = np.bincount(match, minlength=int(match.max()) + 1)
    country = arrays["iso3_code"][row]
    sure = (
        (per_match[match] == 1)
        & (confidence >= CORROBORATED_CONFIDENCE)
        & (arrays[S.KIND][row] != BLOCK)
    )
    width = int(arrays["iso3_code"].max()) + 1
    pair = briefing_codes[match] * width + country
    return sorted_member(pair, sorted_distinct(pair[sure]))


def _briefing_dates(segments: pd.DataFrame, briefings: pd.DataFrame) -> np.ndarray:
    if S.DATE not in briefings.columns:
        return np.full(len(segments), np.datetime64("NaT"), dtype="datetime64[ns]")
    dates = pd.to_datetime(briefings[S.DATE], errors="coerce", utc=True)
    by_id = pd.Series(
        dates.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]"),
        index=briefings[S.BRIEFING_ID].to_numpy(),
    )
    by_id = by_id[~by_id.index.duplicated()]
    return by_id.reindex(segments[S.BRIEFING_ID].to_numpy()).to_numpy(dtype="datetime64[ns]")


def _adjust_confidence(
    confidence: np.ndarray,
    kinds: np.ndarray,
    surfaces: list[str],
    lengths: np.ndarray,
    first_word: np.ndarray,
    texts: list[str],
    segment: np.ndarray,
    pairs: np.ndarray,
) -> np.ndarray:
    """Ambiguous names are less sure at a sentence start ("Turkey said", "Chad said"),
    short upper-case aliases are less sure in an all-capitals text ("... WARNS US"), and
    both are sure again when the same briefing (``pairs``: briefing and country) names the
    country confidently elsewhere.
    """
    confidence = confidence.copy()
    wordlike = np.isin(kinds, _WORDLIKE_KINDS)
    ambiguous = confidence < AMBIGUOUS_BELOW
    soft = wordlike & (confidence < 1) & first_word
    shouting = np.zeros(len(confidence), dtype=bool)
    segment_in_capitals: dict[int, bool] = {}  # each segment is tested once
    short = np.flatnonzero(wordlike & (lengths <= _SHORT_ALIAS))
    for i, seg in zip(short.tolist(), segment[short].tolist(), strict=True):
        if surfaces[i].isupper():
            capitals = segment_in_capitals.get(seg)
            if capitals is None:
                capitals = segment_in_capitals[seg] = texts[seg].isupper()
            shouting[i] = capitals
    confidence[soft] *= SENTENCE_START_FACTOR
    confidence[shouting] *= CAPITALS_FACTOR
    firm = sorted_distinct(pairs[confidence >= CORROBORATED_CONFIDENCE])
    lift = (ambiguous | soft | shouting) & sorted_member(pairs, firm)
    confidence[lift] = np.maximum(confidence[lift], CORROBORATED_CONFIDENCE)
    return np.round(confidence, 3)


# -- counts -----------------------------------------------------------------------
def _select(mentions: pd.DataFrame, kinds: Iterable[str] | None) -> pd.DataFrame:
    chosen = _check_kinds(kinds)
    if chosen is None:
        return mentions
    return mentions[mentions[S.KIND].isin(chosen)]


def _cells(
    mentions: pd.DataFrame, ids: Sequence[str] | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each mention's cell in the briefing x country matrix, as integer codes.

    Returns:
        ``(kept, row, col, codes, inverse)``: ``kept`` marks the mentions of ``ids``, ``row``
        is their position among the distinct ids, ``col`` their column in ``codes`` (sorted
        ISO codes) and ``inverse`` the position of each of ``ids`` among the distinct ids.
    """
    inverse, distinct = pd.factorize(np.asarray(ids, dtype=object))
    row = _positions(mentions[S.BRIEFING_ID], pd.Index(distinct))
    iso3_codes, iso3_values = pd.factorize(mentions[S.ISO3])
    kept = (row >= 0) & (iso3_codes >= 0)
    iso3_codes = iso3_codes[kept]
    # Columns are the ISO codes sorted; the few distinct codes are sorted, not every row.
    present = np.flatnonzero(np.bincount(iso3_codes, minlength=len(iso3_values)))
    values = np.asarray(iso3_values, dtype=object)[present]
    by_code = np.argsort(values, kind="stable")
    codes = values[by_code]
    col = np.empty(len(iso3_values), dtype=np.int64)
    col[present[by_code]] = np.arange(len(codes))
    return kept, row[kept], col[iso3_codes], codes, inverse


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """``index.get_indexer(values)`` for a long column with few distinct values: each
    distinct value is looked up once."""
    codes, uniques = pd.factorize(values)
    found = index.get_indexer(np.asarray(uniques, dtype=object))
    return np.where(codes >= 0, found[np.maximum(codes, 0)], -1)


def mention_matrix(
    mentions: pd.DataFrame, briefing_ids: Sequence[str], *, kinds: Iterable[str] | None = None
) -> tuple[sp.csr_matrix, list[str]]:
    """Briefing x country mention counts.

    Parameters:
        mentions: ``MENTION_COLUMNS`` rows.
        briefing_ids: the rows of the matrix, in this order (briefings without mentions
            get an empty row; mentions of other briefings are ignored).
        kinds: mention kinds that count (default: all).

    Returns:
        ``(X, codes)``: a CSR matrix of counts and its columns, ISO codes sorted.

    Raises:
        InputError: on an unknown kind.
    """
    chosen = _select(mentions, kinds)
    ids = list(briefing_ids)
    _, row, col, codes, inverse = _cells(chosen, ids)
    if codes.size == 0:
        return sp.csr_matrix((len(ids), 0), dtype=np.int64), []
    counts = count_matrix(row, col, (int(inverse.max()) + 1, len(codes)))
    return sp.csr_matrix(counts[inverse]), [str(code) for code in codes]


def count_matrix(row: np.ndarray, col: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Counts of (row, col) cells as a CSR matrix.

    Each mention is a 1 at its (briefing, country) cell; converting to CSR sums the
    repeated cells (the same matrix as one-hot encoding the countries and summing the
    rows of each briefing, about 25 times faster).

    Parameters:
        row: each mention's briefing row.
        col: each mention's country column, in ``range(shape[1])``.
        shape: ``(n_briefings, n_countries)``.

    Returns:
        A canonical CSR matrix (sorted indices, no explicit zeros) of ``int64`` counts.
    """
    counts = sp.csr_matrix(
        (
            np.ones(len(row), dtype=np.int64),
            (np.asarray(row, dtype=np.int64), np.asarray(col, dtype=np.int64)),
        ),
        shape=shape,
    )
    # The COO -> CSR conversion sums duplicates but leaves the indices unsorted.
    counts.sum_duplicates()
    counts.sort_indices()
    return counts


def briefing_countries(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    kinds: Iterable[str] | None = None,
    gazetteer: Gazetteer | None = None,
) -> pd.DataFrame:
    """One row per briefing and country mentioned.

    Returns:
        ``briefing_id``, ``date``, ``iso3``, ``country`` (display name), ``count``
        (mentions), ``kinds`` (sorted, ``|``-joined) and ``evidence`` (the first sentence
        that mentions the country), ordered as the briefings, then by country code.

    Raises:
        InputError: on an unknown kind or a table without ``briefing_id``.
    """
    _check_briefings(briefings)
    chosen = _select(mentions, kinds)
    columns = [S.BRIEFING_ID, S.DATE, S.ISO3, S.COUNTRY, "count", "kinds", "evidence"]
    ids = briefings[S.BRIEFING_ID].to_numpy(dtype=object)
    kept, row, col, codes, inverse = _cells(chosen, ids)
    if codes.size == 0:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    chosen = chosen[kept]
    # One cell per distinct (briefing, country); every table row is one of them.
    cell = row * len(codes) + col
    cells, cell_of = np.unique(cell, return_inverse=True)
    # The counts come from the scikit-learn matrix; its non-zeros in row-major order are
    # exactly the sorted cells.
    counts = count_matrix(row, col, (int(inverse.max()) + 1, len(codes))).data
    # Table rows: each briefing row (repeated ids repeat their cells), countries sorted.
    cells_of_row = np.searchsorted(cells // len(codes), inverse, side="left")
    n_cells = np.searchsorted(cells // len(codes), inverse, side="right") - cells_of_row
    table_row = np.repeat(np.arange(len(ids)), n_cells)
    within = np.arange(len(table_row)) - np.repeat(np.cumsum(n_cells) - n_cells, n_cells)
    table_cell = np.repeat(cells_of_row, n_cells) + within
    table_col = cells[table_cell] % len(codes)
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    names = gaz.country_names(pd.Series(codes, dtype=object)).to_numpy(dtype=object)
    evidence = _first_sentences(briefings, chosen, cell_of, len(cells))
    table = pd.DataFrame(
        {
            S.BRIEFING_ID: ids[table_row],
            S.ISO3: codes[table_col],
            "count": counts[table_cell].astype(np.int64),
            "kinds": _kinds_seen(chosen, cell_of, len(cells))[table_cell],
            "evidence": pd.Series(evidence[table_cell], dtype=object),
        }
    )
    if S.DATE in briefings.columns:
        # A repeated id takes the date of its first row.
        first_row = np.unique(inverse, return_index=True)[1]
        table[S.DATE] = briefings[S.DATE].array[first_row[inverse[table_row]]]
    else:
        table[S.DATE] = pd.NaT
    table[S.COUNTRY] = names[table_col]
    return table[columns].reset_index(drop=True)


def _kinds_seen(mentions: pd.DataFrame, cell_of: np.ndarray, n_cells: int) -> np.ndarray:
    """Sorted ``|``-joined kinds per cell (briefing and country), through one bit per kind."""
    labels = np.array(
        [
            "|".join(sorted(kind for rank, kind in enumerate(S.MENTION_KINDS) if mask >> rank & 1))
            for mask in range(1 << len(S.MENTION_KINDS))
        ],
        dtype=object,
    )
    rank = pd.Index(list(S.MENTION_KINDS)).get_indexer(mentions[S.KIND].to_numpy(dtype=object))
    bits = np.where(rank >= 0, np.left_shift(1, np.maximum(rank, 0)), 0)
    masks = np.zeros(n_cells, dtype=np.int64)
    np.bitwise_or.at(masks, cell_of, bits)
    return labels[masks]


def _first_sentences(
    briefings: pd.DataFrame, mentions: pd.DataFrame, cell_of: np.ndarray, n_cells: int
) -> np.ndarray:
    """Per cell, the sentence of its first mention (by section order, then position)."""
    # The few distinct section names are ranked once, not every row.
    section_code, section_names = pd.factorize(mentions[S.SECTION])
    name_rank = pd.Index(list(S.SEGMENT_SECTIONS)).get_indexer(
        np.asarray(section_names, dtype=object)
    )
    section_rank = np.where(section_code >= 0, name_rank[np.maximum(section_code, 0)], -1)
    order = np.lexsort((mentions[S.START].to_numpy(dtype=np.int64), section_rank))
    _, first_of_cell = np.unique(cell_of[order], return_index=True)
    first = order[first_of_cell]
    return _evidence(
        briefings,
        mentions[S.BRIEFING_ID].array.take(first).to_numpy(dtype=object),
        mentions[S.SECTION].array.take(first).to_numpy(dtype=object),
        mentions[S.SENTENCE_INDEX].to_numpy(dtype=np.int64)[first],
    )


def _evidence(
    briefings: pd.DataFrame, ids: np.ndarray, sections: np.ndarray, index: np.ndarray
) -> np.ndarray:
    """The sentence ``index`` of each (briefing, section) segment, all split in one pass."""
    segment, distinct_ids, distinct_sections = factorize_segments(ids, sections)
    known, texts = segment_texts(briefings, distinct_ids, distinct_sections)
    joined, offsets, lengths = join_segments(texts)
    starts = sentence_starts(joined, code_points(joined), offsets)
    known = known[segment]
    seg_start, seg_end = offsets[segment], offsets[segment] + lengths[segment]
    # Sentence k of a segment starts at its k-th boundary and ends at the next one.
    base = np.searchsorted(starts, seg_start, side="right")
    padded = np.concatenate((starts, [len(joined)]))
    begin = np.where(index > 0, padded[np.minimum(base + index - 1, len(starts))], seg_start)
    finish = np.minimum(padded[np.minimum(base + index, len(starts))], seg_end)
    sentences = np.empty(len(ids), dtype=object)
    sentences[:] = [
        joined[a:b].strip() if ok else ""
        for a, b, ok in zip(begin.tolist(), finish.tolist(), known.tolist(), strict=True)
    ]
    return sentences


def mentions_over_time(
    countries: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    iso3: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Mentions and briefings per period and country.

    Parameters:
        countries: the ``briefing_countries`` table.
        briefings: the briefing table (its dates define each period's total).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        iso3: restrict to these countries (default: all).

    Returns:
        ``period``, ``iso3``, ``country``, ``count`` (mentions), ``n_briefings`` (briefings
        mentioning the country), ``share`` (``n_briefings`` / all briefings of the period);
        every period from the first to the last briefing is present for every country.

    Raises:
        InputError: on an unknown period.
    """
    check_freq(freq)
    columns = [S.PERIOD, S.ISO3, S.COUNTRY, "count", S.N_BRIEFINGS, "share"]
    chosen = countries
    if iso3 is not None:
        codes = [iso3] if isinstance(iso3, str) else list(iso3)
        chosen = chosen[chosen[S.ISO3].isin(codes)]
    dated = briefings[briefings[S.DATE].notna()] if S.DATE in briefings else briefings.iloc[:0]
    chosen = chosen[chosen[S.DATE].notna()]
    if dated.empty or chosen.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    totals = (
        pd.DataFrame({S.PERIOD: period_start(dated[S.DATE], freq)})
        .groupby(S.PERIOD)
        .size()
        .rename("_total")
    )
    per = (
        chosen.assign(**{S.PERIOD: period_start(chosen[S.DATE], freq)})
        .groupby([S.PERIOD, S.ISO3])
        .agg(count=("count", "sum"), n_briefings=(S.BRIEFING_ID, "nunique"))
        .reset_index()
    )
    per = complete_periods(
        per, freq, keys=[S.ISO3], start=totals.index.min(), end=totals.index.max()
    )
    per = per.join(totals, on=S.PERIOD)
    total = per["_total"].fillna(0).to_numpy(dtype=float)
    per["share"] = np.divide(
        per[S.N_BRIEFINGS].to_numpy(dtype=float), total, out=np.zeros(len(per)), where=total > 0
    )
    names = countries.drop_duplicates(S.ISO3).set_index(S.ISO3)[S.COUNTRY]
    per[S.COUNTRY] = per[S.ISO3].map(names)
    per = per.sort_values([S.PERIOD, S.ISO3], kind="stable")
    return per[columns].reset_index(drop=True)


def comention_pairs(countries: pd.DataFrame) -> pd.DataFrame:
    """Briefings mentioning both countries of each pair (from ``X.T @ X`` on presence).

    Returns:
        ``country_a``, ``country_b`` (ISO codes, ``a < b``), ``n_briefings``; most shared
        first, then by codes.
    """
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_BRIEFINGS]
    pairs = countries[[S.BRIEFING_ID, S.ISO3]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    rows, ids = pd.factorize(pairs[S.BRIEFING_ID])
    codes = np.sort(pairs[S.ISO3].unique())
    cols = np.searchsorted(codes, pairs[S.ISO3].to_numpy())
    presence = sp.csr_matrix(
        (np.ones(len(pairs), dtype=np.int64), (rows, cols)), shape=(len(ids), len(codes))
    )
    together = sp.triu(presence.T @ presence, k=1).tocoo()
    table = pd.DataFrame(
        {
            S.COUNTRY_A: codes[together.row],
            S.COUNTRY_B: codes[together.col],
            S.N_BRIEFINGS: together.data.astype(np.int64),
        }
    )
    table = table[table[S.N_BRIEFINGS] > 0]
    table = table.sort_values(
        [S.N_BRIEFINGS, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True], kind="stable"
    )
    return table.reset_index(drop=True)
