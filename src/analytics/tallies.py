"""Counting the corpus tables per group and period: the rules the views draw and the
store's rollups hold.

Tables are counted on integer codes (``TableCodes``: each row's briefing and country as
integers) rather than by hashing id strings; ``distinct_counts`` counts distinct briefings
per group. Over time: ``briefing_volume`` (briefings per period), ``country_attention``
(briefings naming each country per period, and their share) and ``topic_shares`` (each
period's briefings per topic, the largest topics apart). The views call these on the
filtered tables; the store's rollups (``analytics.pipeline.rollups``) are their output on
the whole corpus, written at ingest.

Each rule over time is split in three, so the rollups can be counted in pieces:
``*_counts`` (partial counts of some rows: only the periods and groups present, keyed by
period start), ``merge_*_counts`` (the counts of disjoint sets of rows, in table order, as
one) and ``*_from_counts`` (the rule's output from counts). The rule itself is its
``*_from_counts`` of the counts of its tables, so a view and a rollup cannot drift apart.
Distinct-briefing counts add up across pieces because partitions and batches hold
disjoint briefings (each with one date).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics import schema as S
from analytics.errors import InputError
from analytics.timeseries import period_range, period_start

N_BRIEFINGS = S.N_BRIEFINGS
# A count as a fraction (0-1) of its period's briefings.
SHARE = "share"
# The topics beyond the largest, summed in ``topic_shares``.
OTHER_TOPICS = "other topics"
OTHER_TOPIC_ID = -1


@dataclass(frozen=True)
class TableCodes:
    """Integer stand-ins for the briefing ids (and countries) of a table, row by row.

    Views count distinct briefings per group on these instead of hashing id
    strings, which is most of their work on a large corpus.

    Attributes:
        briefing: each row's briefing as an integer (equal ids, equal integers).
        country: each row's country (``country_a`` for interactions) as a position
            in ``iso3s`` (-1 when unknown); ``None`` for a table without countries.
        partner: each interaction's ``country_b`` the same way; ``None`` elsewhere.
        iso3s: the sorted country codes ``country`` and ``partner`` point into.
    """

    briefing: np.ndarray
    country: np.ndarray | None = None
    partner: np.ndarray | None = None
    iso3s: pd.Index | None = None


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: ``np.unique``'s answer.

    Found by sorting: numpy 2's ``np.unique`` hashes instead, many times slower on the
    millions of integer codes of a large corpus (3.3 s against 0.18 s for 3 million).
    """
    ordered = np.sort(np.asarray(values), kind="stable")
    if len(ordered) == 0:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def spans(starts: np.ndarray, lengths: np.ndarray, dtype: type = np.int64) -> np.ndarray:
    """The positions ``starts[i]`` to ``starts[i] + lengths[i] - 1`` of every span, one after
    the other in span order: the rows of many runs gathered without a Python loop."""
    lengths = np.asarray(lengths)
    ends = np.cumsum(lengths)
    offsets = (np.asarray(starts) - (ends - lengths)).astype(dtype)
    return np.arange(int(ends[-1]) if len(ends) else 0, dtype=dtype) + np.repeat(offsets, lengths)


def table_codes(*tables: pd.DataFrame) -> tuple[TableCodes, ...]:
    """Integer codes for tables that do not come from a ``FilteredCorpus``, one per table.

    The views count on integer codes only; a caller without ``FilteredCorpus.codes``
    gets the same kind of codes here. The briefing ids of all ``tables`` are numbered
    together (equal ids, equal integers across the tables; a missing id is -1), and
    each table's countries (``iso3``, or ``country_a`` and ``country_b``) point into
    the sorted codes found in any of them, as the corpus index does.

    Returns:
        One ``TableCodes`` per table, in the order given.
    """
    ids = pd.concat([table[S.BRIEFING_ID] for table in tables], ignore_index=True)
    briefing = pd.factorize(ids)[0].astype(np.int64)
    ends = np.cumsum([len(table) for table in tables])

    def country_column(table: pd.DataFrame) -> str | None:
        return S.ISO3 if S.ISO3 in table else S.COUNTRY_A if S.COUNTRY_A in table else None

    found: set[Any] = set()
    for table in tables:
        for column in (country_column(table), S.COUNTRY_B if S.COUNTRY_B in table else None):
            if column is not None:
                found |= set(table[column].dropna().unique())
    iso3s = pd.Index(sorted(found))

    def codes_of(table: pd.DataFrame, column: str | None) -> np.ndarray | None:
        return None if column is None else iso3s.get_indexer(table[column]).astype(np.int64)

    return tuple(
        TableCodes(
            briefing=briefing[end - len(table) : end],
            country=codes_of(table, country_column(table)),
            partner=codes_of(table, S.COUNTRY_B if S.COUNTRY_B in table else None),
            iso3s=iso3s,
        )
        for table, end in zip(tables, ends, strict=True)
    )


def period_codes(periods: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's period as a position in the sorted distinct periods (-1: no date).

    Returns:
        ``(codes, periods)``: one code per row, and the distinct periods (``datetime64[ns]``).
    """
    values = periods.to_numpy(dtype="datetime64[ns]")
    codes, distinct = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(distinct, dtype="datetime64[ns]")


def _with_undated(codes: np.ndarray, periods: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``period_codes`` with rows without a date in a last period ``NaT`` of their own."""
    codes = np.where(codes < 0, len(periods), codes)
    return codes, np.append(periods, np.datetime64("NaT", "ns"))


def dense_codes(keys: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` of whole-number keys in ``0 .. space - 1``.

    When the space is not much larger than the keys, the keys are marked in a table of the
    whole space instead of sorted: the same answer in a fraction of the time.

    Returns:
        ``(distinct, codes)``: the distinct keys ascending, and each key's position there.
    """
    if space > max(4 * len(keys), 1 << 16):
        distinct, codes = np.unique(keys, return_inverse=True)
        return distinct, codes.reshape(-1).astype(np.int64, copy=False)
    seen = np.zeros(space, dtype=bool)
    seen[keys] = True
    position = np.cumsum(seen, dtype=np.int64) - 1
    return np.flatnonzero(seen), position[keys]


def whole_sums(index: np.ndarray, values: np.ndarray | pd.Series, size: int) -> np.ndarray:
    """Whole-number ``values`` summed per ``index`` (``0 .. size - 1``), as int64.

    Summed as float64 by ``np.bincount``: exact while every total stays below 2**53.
    """
    weights = np.asarray(values, dtype=float)
    return np.bincount(index, weights=weights, minlength=size).astype(np.int64)


def in_briefing_order(positions: np.ndarray) -> bool:
    """Whether ``positions`` (rows' briefing positions) never fall from one row to the next."""
    return bool((positions[1:] >= positions[:-1]).all()) if len(positions) > 1 else True


def merge_partial_counts(
    parts: Sequence[pd.DataFrame],
    keys: Sequence[str],
    sums: Sequence[str],
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Partial counts of disjoint sets of rows as the counts of all of them.

    The merge the rules over time share (``merge_volume_counts`` and its siblings):
    ``sums`` are added per combination of ``keys``, which come out sorted (a missing
    period last). Adding is exact (whole numbers) and associative, so any split of the
    rows merges to the counts of the whole.

    Parameters:
        parts: partial counts with the same columns, in table order (the rows of the
            first part came first).
        keys: the columns a count is kept per (e.g. ``iso3``, ``period``).
        sums: the count columns, added.
        names: name column -> the key column it names (``country`` -> ``iso3``): each key
            keeps the name of the first part that holds it, which is its name on its
            first row in the tables concatenated in that order.

    Returns:
        The merged counts, with the columns of ``parts[0]``.
    """
    if not parts:
        raise InputError("merging counts needs at least one part; got none")
    columns = list(parts[0].columns)
    frames = [part for part in parts if len(part)]
    if not frames:
        return parts[0].iloc[:0].reset_index(drop=True)
    stacked = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    merged = stacked.groupby(list(keys), sort=True, dropna=False)[list(sums)].sum()
    merged = merged.reset_index()
    for name, key in (names or {}).items():
        first = stacked.drop_duplicates(key)
        named = pd.Series(first[name].to_numpy(), index=first[key].to_numpy())
        merged[name] = named.reindex(merged[key].to_numpy()).to_numpy()
    return merged[columns]


def volume_counts(briefings: pd.DataFrame, freq: str) -> pd.DataFrame:
    """The partial counts of ``briefing_volume``: briefings per period that has any.

    Returns:
        Columns ``period``, ``n_briefings``; periods sorted, undated briefings left out.
    """
    periods = period_start(briefings[S.DATE], freq) if len(briefings) else None
    if periods is None:
        return pd.DataFrame(
            {S.PERIOD: pd.Series(dtype="datetime64[ns]"), N_BRIEFINGS: np.zeros(0, np.int64)}
        )
    codes, distinct = period_codes(periods)
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    return pd.DataFrame({S.PERIOD: distinct, N_BRIEFINGS: counts.astype(np.int64)})


def merge_volume_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``volume_counts`` of disjoint sets of briefings, merged (``merge_partial_counts``)."""
    return merge_partial_counts(parts, [S.PERIOD], [N_BRIEFINGS])


def volume_from_counts(counts: pd.DataFrame, freq: str) -> pd.DataFrame:
    """``briefing_volume`` from its counts (``volume_counts``, merged or not).

    Returns:
        Columns ``period``, ``n_briefings``: every period from the first to the last
        counted, empty ones as zero.
    """
    if counts.empty:
        return pd.DataFrame({S.PERIOD: pd.Series(dtype="datetime64[ns]"), N_BRIEFINGS: []})
    grid = period_range(counts[S.PERIOD].min(), counts[S.PERIOD].max(), freq)
    totals = whole_sums(grid.get_indexer(counts[S.PERIOD]), counts[N_BRIEFINGS], len(grid))
    return pd.DataFrame({S.PERIOD: grid.to_numpy(), N_BRIEFINGS: totals.astype(int)})


def briefing_volume(briefings: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Number of briefings per period, empty periods kept as zero.

    Returns:
        Columns ``period``, ``n_briefings``.
    """
    return volume_from_counts(volume_counts(briefings, freq), freq)


def coded_countries(codes: TableCodes) -> tuple[np.ndarray, np.ndarray]:
    """Each row's country as an integer (-1: unknown), and the ISO3 codes they stand for.

    Raises:
        InputError: when ``codes`` belong to a table without countries.
    """
    if codes.country is None or codes.iso3s is None:
        raise InputError(
            "country codes are needed (codes of a table with an iso3 or country_a column); "
            f"got codes without countries for {len(codes.briefing)} rows"
        )
    return np.asarray(codes.country, dtype=np.int64), codes.iso3s.to_numpy(dtype=object)


def distinct_counts(groups: np.ndarray, briefings: np.ndarray, n_groups: int) -> np.ndarray:
    """How many distinct briefings each group holds.

    Parameters:
        groups: each row's group, ``0 .. n_groups - 1`` (negative: left out).
        briefings: each row's briefing as a non-negative integer (negative: left out).
        n_groups: the number of groups.

    Returns:
        An integer array of length ``n_groups``.
    """
    groups = np.asarray(groups, dtype=np.int64)
    briefings = np.asarray(briefings, dtype=np.int64)
    # Every temporary below is the length of the rows (3 M at a million briefings), and
    # fresh memory is what a rerun pays for most: arrays are reused in place, and the rows
    # are copied only when some are left out.
    valid = groups >= 0
    valid &= briefings >= 0
    if not valid.all():
        if not valid.any():
            return np.zeros(n_groups, dtype=np.int64)
        groups, briefings = groups[valid], briefings[valid]
    del valid
    width = np.int64(max(n_groups, 1))
    # Distinct (briefing, group) pairs by sorting their keys: the tables list each
    # briefing's rows together in briefing order, so the keys come in short unsorted runs
    # that a stable sort (timsort) puts in order in one pass; 6x faster than hashing them
    # at a million briefings (0.05 s against 0.33 s for 3,000,000 rows).
    in_order = bool((briefings[1:] >= briefings[:-1]).all())
    keys = briefings * width
    keys += groups
    keys.sort(kind="stable" if in_order else "quicksort")
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    distinct = keys[first]
    del keys, first
    distinct %= width
    return np.bincount(distinct, minlength=n_groups).astype(np.int64)


# What ``country_attention`` gives.
ATTENTION_COLUMNS: tuple[str, ...] = (S.PERIOD, S.ISO3, S.COUNTRY, N_BRIEFINGS, SHARE)
_ATTENTION_COUNT_COLUMNS = [S.ISO3, S.COUNTRY, S.PERIOD, N_BRIEFINGS]


def attention_counts(
    countries: pd.DataFrame,
    freq: str,
    *,
    iso3s: Sequence[str] | None = None,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """The partial counts of ``country_attention``: distinct briefings per country and period.

    Only the (country, period) cells that hold rows are listed; rows without a date
    count in a period ``NaT`` (the country is named, in no period). Partitions and
    batches hold disjoint briefings, so the distinct counts of two sets of rows add up
    (``merge_attention_counts``).

    Parameters:
        iso3s: only these countries (default: every country of the table).
        codes: integer codes of the rows (``FilteredCorpus.codes``); computed when not given.

    Returns:
        Columns ``iso3``, ``country`` (as on the country's first row), ``period``,
        ``n_briefings``; by code, then period (``NaT`` last).
    """
    empty = pd.DataFrame(
        {
            S.ISO3: pd.Series(dtype=object),
            S.COUNTRY: pd.Series(dtype=object),
            S.PERIOD: pd.Series(dtype="datetime64[ns]"),
            N_BRIEFINGS: pd.Series(dtype=np.int64),
        }
    )
    if countries.empty:
        return empty
    codes = codes if codes is not None else table_codes(countries)[0]
    country, vocabulary = coded_countries(codes)
    chosen = country >= 0
    if iso3s is not None:
        wanted = pd.Index(vocabulary).get_indexer(list(iso3s))
        chosen &= np.isin(country, wanted[wanted >= 0])
    rows = np.flatnonzero(chosen)
    if len(rows) == 0:
        return empty
    slots, periods = _with_undated(*period_codes(period_start(countries[S.DATE].iloc[rows], freq)))
    present = sorted_distinct(country[rows])
    present = present[np.argsort(vocabulary[present], kind="stable")]
    rank = np.full(len(vocabulary), -1, dtype=np.int64)
    rank[present] = np.arange(len(present))
    row_rank = rank[country[rows]]
    # Each country named as on its first row.
    first_rows = rows[np.unique(row_rank, return_index=True)[1]]
    names = countries[S.COUNTRY].iloc[first_rows].to_numpy(dtype=object)
    n_periods = len(periods)
    cell = row_rank * n_periods + slots
    n_cells = len(present) * n_periods
    seen = np.flatnonzero(np.bincount(cell, minlength=n_cells))
    counts = distinct_counts(cell, codes.briefing[rows], n_cells)
    return pd.DataFrame(
        {
            S.ISO3: vocabulary[present][seen // n_periods],
            S.COUNTRY: names[seen // n_periods],
            S.PERIOD: periods[seen % n_periods],
            N_BRIEFINGS: counts[seen],
        }
    )[_ATTENTION_COUNT_COLUMNS]


def merge_attention_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``attention_counts`` of disjoint sets of briefings, merged (``merge_partial_counts``)."""
    return merge_partial_counts(parts, [S.ISO3, S.PERIOD], [N_BRIEFINGS], names={S.COUNTRY: S.ISO3})


def attention_from_counts(
    counts: pd.DataFrame, volume: pd.DataFrame, iso3s: Sequence[str], freq: str
) -> pd.DataFrame:
    """``country_attention`` from its counts and those of the briefings.

    Parameters:
        counts: ``attention_counts`` (merged or not).
        volume: ``volume_counts`` of the briefings (the shares' denominators).
        iso3s: the countries to show.

    Returns:
        As ``country_attention``.
    """
    columns = list(ATTENTION_COLUMNS)
    empty = pd.DataFrame({c: [] for c in columns})
    if counts.empty or volume.empty or not iso3s:
        return empty
    chosen = counts[counts[S.ISO3].isin(list(iso3s)).to_numpy(dtype=bool)]
    per_period = volume_from_counts(volume, freq)
    if chosen.empty or per_period.empty:
        return empty
    grid = pd.DatetimeIndex(per_period[S.PERIOD])
    n_periods = len(grid)
    listed = chosen[S.ISO3].to_numpy(dtype=object)
    present = np.unique(listed)
    rank = np.searchsorted(present, listed)
    first = np.unique(rank, return_index=True)[1]
    names = chosen[S.COUNTRY].to_numpy(dtype=object)[first]
    slot = grid.get_indexer(chosen[S.PERIOD])
    dated = slot >= 0
    n_briefings = whole_sums(
        rank[dated] * n_periods + slot[dated],
        chosen[N_BRIEFINGS].to_numpy()[dated],
        len(present) * n_periods,
    )
    totals = np.tile(per_period[N_BRIEFINGS].to_numpy(dtype=float), len(present))
    with np.errstate(invalid="ignore", divide="ignore"):
        # No briefings, no share: 0% would read as "not named" where there was nothing to read.
        share = np.where(totals > 0, n_briefings / np.where(totals > 0, totals, 1), np.nan)
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(grid.to_numpy(), len(present)),
            S.ISO3: np.repeat(present, n_periods),
            S.COUNTRY: np.repeat(names, n_periods),
            N_BRIEFINGS: n_briefings.astype(int),
            SHARE: share,
        }
    )[columns]


def country_attention(
    countries: pd.DataFrame,
    briefings: pd.DataFrame,
    iso3s: list[str],
    freq: str,
    *,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Per period, how many briefings mention each country and what share of all briefings.

    Worked out as ``attention_from_counts`` of the tables' counts, as the store's
    rollups are.

    Parameters:
        codes: integer codes of the rows of ``countries`` (``FilteredCorpus.codes``);
            computed when not given.

    Returns:
        Columns ``period``, ``iso3``, ``country``, ``n_briefings``, ``share`` (0-1; NaN in
        a period without briefings); countries by code, every period of ``briefings`` for each.
    """
    if countries.empty or briefings.empty or not iso3s:
        return pd.DataFrame({c: [] for c in ATTENTION_COLUMNS})
    return attention_from_counts(
        attention_counts(countries, freq, iso3s=iso3s, codes=codes),
        volume_counts(briefings, freq),
        iso3s,
        freq,
    )


COMENTION_COLUMNS: tuple[str, ...] = (S.COUNTRY_A, S.COUNTRY_B, N_BRIEFINGS)


def comention_counts(countries: pd.DataFrame, *, codes: TableCodes | None = None) -> pd.DataFrame:
    """The partial counts of ``views.comention_edges``: distinct briefings naming each pair
    of countries together.

    Every pair named together at least once, ``country_a`` before ``country_b`` (ISO3
    order), by pair. Partitions and batches hold disjoint briefings, so the counts of two
    sets of rows add up (``merge_comention_counts``).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("countries")``);
            computed when not given.

    Returns:
        Columns ``country_a``, ``country_b``, ``n_briefings``.
    """
    if countries.empty:
        return pd.DataFrame(
            {
                S.COUNTRY_A: pd.Series(dtype=object),
                S.COUNTRY_B: pd.Series(dtype=object),
                N_BRIEFINGS: pd.Series(dtype=np.int64),
            }
        )
    codes = codes if codes is not None else table_codes(countries)[0]
    briefing_of_row = np.asarray(codes.briefing, dtype=np.int64)
    # Country codes point into sorted ISO3 codes, so a < b holds for the upper triangle.
    country, country_ids = coded_countries(codes)
    known = (briefing_of_row >= 0) & (country >= 0)
    briefings, named = briefing_of_row[known], country[known]
    shape = (int(briefing_of_row.max(initial=-1)) + 1, len(country_ids))
    ones = np.ones(len(named), dtype=np.int64)
    if in_briefing_order(briefings):
        # Rows in briefing order (a corpus' own tables): the rows are the matrix' rows as
        # they stand, where building it from coordinates sorted 3 M of them (0.7 s).
        starts = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(briefings, minlength=shape[0]), out=starts[1:])
        incidence = sp.csr_matrix((ones, named, starts), shape=shape)
        incidence.sum_duplicates()
    else:
        incidence = sp.csr_matrix((ones, (briefings, named)), shape=shape)
    incidence.data[:] = 1  # a briefing naming a country twice still counts once
    together = sp.triu(incidence.T @ incidence, k=1).tocoo()
    order = np.lexsort((together.col, together.row))
    return pd.DataFrame(
        {
            S.COUNTRY_A: country_ids[together.row[order]],
            S.COUNTRY_B: country_ids[together.col[order]],
            N_BRIEFINGS: together.data[order].astype(np.int64),
        }
    )


def merge_comention_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``comention_counts`` of disjoint sets of briefings, merged (``merge_partial_counts``)."""
    return merge_partial_counts(parts, [S.COUNTRY_A, S.COUNTRY_B], [N_BRIEFINGS])


def comention_edges_from_counts(counts: pd.DataFrame, limit: int | None = 40) -> pd.DataFrame:
    """``views.comention_edges`` from its counts (``comention_counts``, merged or not): the
    ``limit`` pairs named together in most briefings (``None``: every pair), ties by codes.

    Returns:
        Columns ``country_a``, ``country_b`` (ISO3, a < b), ``n_briefings``.
    """
    columns = list(COMENTION_COLUMNS)
    if counts.empty:
        return pd.DataFrame({c: [] for c in columns})
    edges = pd.DataFrame(
        {
            S.COUNTRY_A: counts[S.COUNTRY_A].to_numpy(dtype=object),
            S.COUNTRY_B: counts[S.COUNTRY_B].to_numpy(dtype=object),
            N_BRIEFINGS: counts[N_BRIEFINGS].to_numpy(dtype=np.int64),
        }
    ).sort_values([N_BRIEFINGS, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True])
    edges = edges if limit is None else edges.head(limit)
    return edges.reset_index(drop=True)[columns]


TOPIC_COUNTRY_COLUMNS: tuple[str, ...] = (S.TOPIC_LABEL, S.ISO3, S.COUNTRY, N_BRIEFINGS)


def topic_country_counts(
    topics: pd.DataFrame,
    countries: pd.DataFrame,
    *,
    topic_codes: TableCodes | None = None,
    country_codes: TableCodes | None = None,
) -> pd.DataFrame:
    """The partial counts of ``views.topic_country_matrix``: distinct briefings of each
    topic naming each country (a briefing's topic is its topic row's; the topics table
    gives every briefing one).

    Every (topic, country) cell holding a briefing, by topic, then country. Partitions and
    batches hold disjoint briefings, so the counts of two sets of rows add up
    (``merge_topic_country_counts``).

    Parameters:
        topic_codes, country_codes: integer codes of the rows of ``topics`` and
            ``countries`` whose briefing integers agree (``FilteredCorpus.codes``); both or
            neither (computed together when either is missing).

    Returns:
        Columns ``topic_id``, ``iso3``, ``n_briefings``.
    """
    if topics.empty or countries.empty:
        return pd.DataFrame(
            {
                S.TOPIC_ID: pd.Series(dtype=np.int64),
                S.ISO3: pd.Series(dtype=object),
                N_BRIEFINGS: pd.Series(dtype=np.int64),
            }
        )
    if topic_codes is None or country_codes is None:
        topic_codes, country_codes = table_codes(topics, countries)
    topic_briefing = np.asarray(topic_codes.briefing, dtype=np.int64)
    country_briefing = np.asarray(country_codes.briefing, dtype=np.int64)
    numbers, topic_ids = pd.factorize(topics[S.TOPIC_ID].to_numpy(dtype=np.int64), sort=True)
    width = int(max(topic_briefing.max(initial=-1), country_briefing.max(initial=-1))) + 2
    # Each briefing's topic (-1: none); the last slot, -1, is that of a row of no briefing.
    topic_of_briefing = np.full(width, -1, dtype=np.int64)
    placed = topic_briefing >= 0
    topic_of_briefing[topic_briefing[placed]] = numbers[placed]
    country, iso3s = coded_countries(country_codes)
    cell = topic_of_briefing[country_briefing]  # a briefing of -1 reads the last slot
    outside = (cell < 0) | (country < 0)
    cell *= len(iso3s)
    cell += country
    cell[outside] = -1
    counts = distinct_counts(cell, country_briefing, len(topic_ids) * len(iso3s))
    seen = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            S.TOPIC_ID: np.asarray(topic_ids, dtype=np.int64)[seen // len(iso3s)],
            S.ISO3: iso3s[seen % len(iso3s)],
            N_BRIEFINGS: counts[seen].astype(np.int64),
        }
    )


def merge_topic_country_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``topic_country_counts`` of disjoint sets of briefings, merged
    (``merge_partial_counts``)."""
    return merge_partial_counts(parts, [S.TOPIC_ID, S.ISO3], [N_BRIEFINGS])


TOPIC_CELL_COLUMNS: tuple[str, ...] = (S.TOPIC_ID, S.TOPIC_LABEL, S.ISO3, S.COUNTRY, N_BRIEFINGS)


def topic_country_cells(
    counts: pd.DataFrame,
    top: pd.DataFrame,
    kept: Sequence[int],
    labels: Mapping[int, str],
) -> pd.DataFrame:
    """The cells of ``views.topic_country_matrix`` per topic, from its counts
    (``topic_country_counts``, merged or not): the briefings of each kept topic naming each
    top country, zeros included.

    Parameters:
        top: the countries shown, in order (``views.country_totals``: ``iso3``, ``country``).
        kept: the topics shown, largest first; ``labels`` names each.

    Returns:
        Columns ``topic_id``, ``topic_label``, ``iso3``, ``country``, ``n_briefings``: each
        kept topic in order with every top country in order.
    """
    kept_ids = np.asarray(kept, dtype=np.int64)
    topic_rank = pd.Index(kept_ids).get_indexer(counts[S.TOPIC_ID].to_numpy(dtype=np.int64))
    country_rank = pd.Index(top[S.ISO3].to_numpy(dtype=object)).get_indexer(
        counts[S.ISO3].to_numpy(dtype=object)
    )
    inside = (topic_rank >= 0) & (country_rank >= 0)
    cells = np.zeros(len(kept_ids) * len(top), dtype=np.int64)
    cells[topic_rank[inside] * len(top) + country_rank[inside]] = counts[N_BRIEFINGS].to_numpy(
        dtype=np.int64
    )[inside]
    return pd.DataFrame(
        {
            S.TOPIC_ID: np.repeat(kept_ids, len(top)),
            S.TOPIC_LABEL: np.repeat(
                np.array([labels[int(t)] for t in kept_ids], dtype=object), len(top)
            ),
            S.ISO3: np.tile(top[S.ISO3].to_numpy(dtype=object), len(kept_ids)),
            S.COUNTRY: np.tile(top[S.COUNTRY].to_numpy(dtype=object), len(kept_ids)),
            N_BRIEFINGS: cells,
        }
    )


def totals_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """``views.country_totals`` from per-period counts of countries (``attention_counts``, or
    the country rollup finished from them): each country's briefings summed over the
    periods, named as on its first row, most mentioned first, then by name and code (the
    view orders countries of one name by their first row, which counts do not keep).

    Returns:
        Columns ``iso3``, ``country``, ``n_briefings``; countries with briefings only.
    """
    named = counts.drop_duplicates(S.ISO3)
    briefings = counts.groupby(S.ISO3, sort=False)[N_BRIEFINGS].sum()
    totals = pd.DataFrame(
        {
            S.ISO3: named[S.ISO3].to_numpy(dtype=object),
            S.COUNTRY: named[S.COUNTRY].to_numpy(dtype=object),
            N_BRIEFINGS: briefings.reindex(named[S.ISO3]).to_numpy(dtype=np.int64),
        }
    )
    totals = totals[totals[N_BRIEFINGS] > 0].sort_values(
        [N_BRIEFINGS, S.COUNTRY, S.ISO3], ascending=[False, True, True], kind="stable"
    )
    return totals.reset_index(drop=True)


def topic_cells_from_counts(
    counts: pd.DataFrame, attention: pd.DataFrame, topics: pd.DataFrame
) -> pd.DataFrame:
    """``topic_country_cells`` of every topic and every country named, from the counts of
    a whole corpus: ``counts`` (``topic_country_counts``), ``attention``
    (``attention_counts``: each country's briefings and name) and ``topics``
    (``topic_counts``: each topic's briefings and label), each summed over its periods.

    Countries come most mentioned first, then by name and code (``views.country_totals``
    orders countries of one name by their first row, which counts do not keep); topics
    largest first, ties by lower id (``largest_topics``).
    """
    top = totals_from_counts(attention)
    labelled = topics.drop_duplicates(S.TOPIC_ID)
    topic_ids = labelled[S.TOPIC_ID].to_numpy(dtype=np.int64)
    sizes = topics.groupby(S.TOPIC_ID, sort=False)[N_BRIEFINGS].sum().reindex(topic_ids)
    kept = [] if top.empty else _largest(topic_ids, sizes.to_numpy(dtype=np.int64), None)
    names = labelled[S.TOPIC_LABEL].to_numpy(dtype=object)
    labels = dict(zip(topic_ids.tolist(), names, strict=True))
    return topic_country_cells(counts, top, kept, labels)


def matrix_from_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """``views.topic_country_matrix`` from its cells per topic (``topic_country_cells``):
    topics of one label are one row of the matrix, their briefings added (a briefing has
    one topic), labels in the order of their first topic.

    Returns:
        Long table: ``topic_label``, ``iso3``, ``country``, ``n_briefings``.
    """
    columns = list(TOPIC_COUNTRY_COLUMNS)
    if cells.empty:
        return pd.DataFrame({c: [] for c in columns})
    topics = pd.unique(cells[S.TOPIC_ID].to_numpy(dtype=np.int64))
    width = len(cells) // len(topics)  # every topic holds the same countries in order
    labels = cells[S.TOPIC_LABEL].to_numpy(dtype=object)[::width]
    label_order = list(dict.fromkeys(labels))
    label_rank = np.array([label_order.index(label) for label in labels], dtype=np.int64)
    counts = cells[N_BRIEFINGS].to_numpy(dtype=np.int64).reshape(len(topics), width)
    merged = np.zeros((len(label_order), width), dtype=np.int64)
    np.add.at(merged, label_rank, counts)
    return pd.DataFrame(
        {
            S.TOPIC_LABEL: np.repeat(np.array(label_order, dtype=object), width),
            S.ISO3: np.tile(cells[S.ISO3].to_numpy(dtype=object)[:width], len(label_order)),
            S.COUNTRY: np.tile(cells[S.COUNTRY].to_numpy(dtype=object)[:width], len(label_order)),
            N_BRIEFINGS: merged.reshape(-1),
        }
    )[columns]


def _largest(topic_ids: np.ndarray, sizes: np.ndarray, limit: int | None) -> list[int]:
    """The ``limit`` ids with the largest ``sizes`` (ties: lower id first)."""
    order = np.lexsort((topic_ids, -sizes))
    return [int(t) for t in topic_ids[order][:limit]]


def largest_topics(
    topics: pd.DataFrame, limit: int | None, *, codes: TableCodes | None = None
) -> list[int]:
    """Ids of the ``limit`` topics with most briefings (ties: lower id first; ``None``:
    every topic).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("topics")``);
            computed when not given.
    """
    if topics.empty:
        return []
    codes = codes if codes is not None else table_codes(topics)[0]
    topic_codes, topic_ids = pd.factorize(topics[S.TOPIC_ID].to_numpy(dtype=np.int64), sort=True)
    sizes = distinct_counts(topic_codes, codes.briefing, len(topic_ids))
    return _largest(np.asarray(topic_ids), sizes, limit)


_TOPIC_COUNT_COLUMNS = [S.TOPIC_ID, S.TOPIC_LABEL, S.PERIOD, N_BRIEFINGS]


def topic_counts(
    topics: pd.DataFrame, freq: str, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """The partial counts of ``topic_shares``: distinct briefings per topic and period.

    Only the (topic, period) cells that hold rows are listed; rows without a date count
    in a period ``NaT`` (they still make a topic large). Partitions and batches hold
    disjoint briefings, so the counts of two sets of rows add up (``merge_topic_counts``).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("topics")``);
            computed when not given.

    Returns:
        Columns ``topic_id``, ``topic_label`` (as on the topic's first row), ``period``,
        ``n_briefings``; by topic, then period (``NaT`` last).
    """
    if topics.empty:
        return pd.DataFrame(
            {
                S.TOPIC_ID: pd.Series(dtype=np.int64),
                S.TOPIC_LABEL: pd.Series(dtype=object),
                S.PERIOD: pd.Series(dtype="datetime64[ns]"),
                N_BRIEFINGS: pd.Series(dtype=np.int64),
            }
        )
    codes = codes if codes is not None else table_codes(topics)[0]
    topic_codes, topic_ids = pd.factorize(topics[S.TOPIC_ID].to_numpy(dtype=np.int64), sort=True)
    slots, periods = _with_undated(*period_codes(period_start(topics[S.DATE], freq)))
    first_rows = np.unique(topic_codes, return_index=True)[1]
    # The first rows' labels only: every row's as a Python string cost most of the view.
    labels = topics[S.TOPIC_LABEL].iloc[first_rows].to_numpy(dtype=object)
    n_periods = len(periods)
    cell = topic_codes * n_periods + slots
    n_cells = len(topic_ids) * n_periods
    seen = np.flatnonzero(np.bincount(cell, minlength=n_cells))
    counts = distinct_counts(cell, codes.briefing, n_cells)
    return pd.DataFrame(
        {
            S.TOPIC_ID: np.asarray(topic_ids, dtype=np.int64)[seen // n_periods],
            S.TOPIC_LABEL: labels[seen // n_periods],
            S.PERIOD: periods[seen % n_periods],
            N_BRIEFINGS: counts[seen],
        }
    )[_TOPIC_COUNT_COLUMNS]


def merge_topic_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``topic_counts`` of disjoint sets of briefings, merged (``merge_partial_counts``)."""
    return merge_partial_counts(
        parts, [S.TOPIC_ID, S.PERIOD], [N_BRIEFINGS], names={S.TOPIC_LABEL: S.TOPIC_ID}
    )


def topic_shares_from_counts(
    counts: pd.DataFrame, freq: str, limit: int = 8, *, keep: Sequence[int] | None = None
) -> pd.DataFrame:
    """``topic_shares`` from its counts (``topic_counts``, merged or not).

    A topic's size is its briefings in every period, undated ones included; the
    ``other topics`` of a period are the sum of the other topics' briefings, which
    counts each briefing once because the topics table gives every briefing one topic.

    Parameters:
        keep: the topics shown on their own (largest first), instead of the ``limit``
            largest; every other topic is summed as ``other topics``.

    Returns:
        As ``topic_shares``.
    """
    columns = [S.PERIOD, S.TOPIC_ID, S.TOPIC_LABEL, N_BRIEFINGS, SHARE]
    if counts.empty:
        return pd.DataFrame({c: [] for c in columns})
    topic_codes, topic_ids = pd.factorize(counts[S.TOPIC_ID].to_numpy(dtype=np.int64), sort=True)
    topic_ids = np.asarray(topic_ids, dtype=np.int64)
    n_briefings = counts[N_BRIEFINGS].to_numpy(dtype=np.int64)
    sizes = whole_sums(topic_codes, n_briefings, len(topic_ids))
    if keep is None:
        kept = _largest(topic_ids, sizes, limit)
    else:
        chosen = np.isin(topic_ids, np.asarray(list(keep), dtype=np.int64))
        kept = _largest(topic_ids[chosen], sizes[chosen], int(chosen.sum()))
    rank = pd.Index(kept).get_indexer(topic_ids)[topic_codes]
    other = len(kept)
    rank[rank < 0] = other
    # Each kept topic's label is the one on its first row, as grouping by label would show.
    first = np.unique(topic_codes, return_index=True)[1]
    labels = counts[S.TOPIC_LABEL].to_numpy(dtype=object)[first]
    group_labels = [*labels[np.searchsorted(topic_ids, kept)], OTHER_TOPICS]
    periods = counts[S.PERIOD]
    dated = periods.notna().to_numpy()
    if not dated.any():
        return pd.DataFrame({c: [] for c in columns})
    grid = period_range(periods.min(), periods.max(), freq)
    slot = grid.get_indexer(periods)
    present = np.bincount(rank[dated], minlength=other + 1) > 0
    n_periods = len(grid)
    cells = whole_sums(
        rank[dated] * n_periods + slot[dated], n_briefings[dated], (other + 1) * n_periods
    )
    cells = cells.reshape(other + 1, n_periods)[present]
    totals = cells.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, cells / np.where(totals > 0, totals, 1), 0.0)
    shown = np.flatnonzero(present)
    group_ids = np.array([*kept, OTHER_TOPIC_ID], dtype=np.int64)[shown]
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(grid.to_numpy(), len(shown)),
            S.TOPIC_ID: np.repeat(group_ids, n_periods),
            S.TOPIC_LABEL: np.repeat(np.array(group_labels, dtype=object)[shown], n_periods),
            N_BRIEFINGS: cells.reshape(-1).astype(np.int64),
            SHARE: share.reshape(-1),
        }
    )[columns]


def topic_shares(
    topics: pd.DataFrame,
    freq: str,
    limit: int = 8,
    *,
    codes: TableCodes | None = None,
    keep: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Share of each period's briefings in each of the ``limit`` largest topics.

    Smaller topics are summed as ``other topics`` (id -1) so a chart stays readable.
    Worked out as ``topic_shares_from_counts`` of the table's counts, as the store's
    rollups are.

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("topics")``);
            computed when not given.
        keep: the topics shown on their own instead of the largest (e.g. those an
            analyst chose), every other one summed as ``other topics``.

    Returns:
        Columns ``period``, ``topic_id``, ``topic_label``, ``n_briefings``, ``share`` (0-1).
    """
    return topic_shares_from_counts(topic_counts(topics, freq, codes=codes), freq, limit, keep=keep)
