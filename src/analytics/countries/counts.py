"""Country mentions counted per briefing: the briefing x country table and sparse matrix.

Enters: the mention rows of ``analytics.countries.mentions.extract_mentions``. Leaves:
``briefing_countries`` (one row per briefing and country, with the count, the kinds seen and
the first sentence as evidence) and ``mention_matrix`` (a CSR matrix of counts). Counts
over time and co-mentions are computed by the views (``analytics.views.countries``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics import schema as S
from analytics.countries.gazetteer import Gazetteer, load_gazetteer
from analytics.countries.mentions import check_briefings
from analytics.errors import InputError
from analytics.text import (
    code_points,
    factorize_segments,
    join_segments,
    segment_texts,
    sentence_starts,
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
    check_briefings(briefings)
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
