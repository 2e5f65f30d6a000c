"""Counting the corpus tables per group and period: the rules the views draw and the
store's rollups hold.

Tables are counted on integer codes (``TableCodes``: each row's briefing and country as
integers) rather than by hashing id strings; ``distinct_counts`` counts distinct briefings
per group. Over time: ``briefing_volume`` (briefings per period), ``country_attention``
(briefings naming each country per period, and their share) and ``topic_shares`` (each
period's briefings per topic, the largest topics apart). The views call these on the
filtered tables; the store's rollups (``analytics.pipeline.rollups``) are their output on
the whole corpus, written at ingest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

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


def briefing_volume(briefings: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Number of briefings per period, empty periods kept as zero.

    Returns:
        Columns ``period``, ``n_briefings``.
    """
    empty = pd.DataFrame({S.PERIOD: pd.Series(dtype="datetime64[ns]"), N_BRIEFINGS: []})
    if briefings.empty:
        return empty
    periods = period_start(briefings[S.DATE], freq)
    if periods.isna().all():
        return empty
    grid = period_range(periods.min(), periods.max(), freq)
    slot = grid.get_indexer(periods)
    counts = np.bincount(slot[slot >= 0], minlength=len(grid))
    return pd.DataFrame({S.PERIOD: grid.to_numpy(), N_BRIEFINGS: counts.astype(int)})


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
    valid = (groups >= 0) & (briefings >= 0)
    if not valid.any():
        return np.zeros(n_groups, dtype=np.int64)
    width = np.int64(briefings[valid].max() + 1)
    cells = pd.unique(groups[valid] * width + briefings[valid])
    return np.bincount(cells // width, minlength=n_groups).astype(np.int64)


def country_attention(
    countries: pd.DataFrame,
    briefings: pd.DataFrame,
    iso3s: list[str],
    freq: str,
    *,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Per period, how many briefings mention each country and what share of all briefings.

    Parameters:
        codes: integer codes of the rows of ``countries`` (``FilteredCorpus.codes``);
            computed when not given.

    Returns:
        Columns ``period``, ``iso3``, ``country``, ``n_briefings``, ``share`` (0-1);
        countries by code, every period of ``briefings`` for each.
    """
    columns = [S.PERIOD, S.ISO3, S.COUNTRY, N_BRIEFINGS, SHARE]
    empty = pd.DataFrame({c: [] for c in columns})
    if countries.empty or briefings.empty or not iso3s:
        return empty
    codes = codes if codes is not None else table_codes(countries)[0]
    country, vocabulary = coded_countries(codes)
    wanted = pd.Index(vocabulary).get_indexer(list(iso3s))
    rows = np.flatnonzero(np.isin(country, wanted[wanted >= 0]))
    volume = briefing_volume(briefings, freq)
    if len(rows) == 0 or volume.empty:
        return empty
    grid = pd.DatetimeIndex(volume[S.PERIOD])
    slot = grid.get_indexer(period_start(countries[S.DATE].iloc[rows], freq))
    present = np.unique(country[rows])
    # Countries in code order, each named as on its first row.
    present = present[np.argsort(vocabulary[present], kind="stable")]
    first_rows = rows[[int(np.argmax(country[rows] == code)) for code in present]]
    names = countries[S.COUNTRY].iloc[first_rows].to_numpy(dtype=object)
    rank = np.full(len(vocabulary), -1, dtype=np.int64)
    rank[present] = np.arange(len(present))
    n_periods = len(grid)
    cell = np.where(slot >= 0, rank[country[rows]] * n_periods + slot, -1)
    counts = distinct_counts(cell, codes.briefing[rows], len(present) * n_periods)
    totals = np.tile(volume[N_BRIEFINGS].to_numpy(dtype=float), len(present))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, counts / np.where(totals > 0, totals, 1), 0.0)
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(grid.to_numpy(), len(present)),
            S.ISO3: np.repeat(vocabulary[present], n_periods),
            S.COUNTRY: np.repeat(names, n_periods),
            N_BRIEFINGS: counts.astype(int),
            SHARE: share,
        }
    )[columns]


def largest_topics(
    topics: pd.DataFrame, limit: int, *, codes: TableCodes | None = None
) -> list[int]:
    """Ids of the ``limit`` topics with most briefings (ties: lower id first).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("topics")``);
            computed when not given.
    """
    if topics.empty:
        return []
    codes = codes if codes is not None else table_codes(topics)[0]
    topic_codes, topic_ids = pd.factorize(topics[S.TOPIC_ID].to_numpy(dtype=np.int64), sort=True)
    sizes = distinct_counts(topic_codes, codes.briefing, len(topic_ids))
    order = np.lexsort((topic_ids, -sizes))
    return [int(t) for t in topic_ids[order][:limit]]


def topic_shares(
    topics: pd.DataFrame, freq: str, limit: int = 8, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Share of each period's briefings in each of the ``limit`` largest topics.

    Smaller topics are summed as ``other topics`` (id -1) so a chart stays readable.

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("topics")``);
            computed when not given.

    Returns:
        Columns ``period``, ``topic_id``, ``topic_label``, ``n_briefings``, ``share`` (0-1).
    """
    columns = [S.PERIOD, S.TOPIC_ID, S.TOPIC_LABEL, N_BRIEFINGS, SHARE]
    if topics.empty:
        return pd.DataFrame({c: [] for c in columns})
    codes = codes if codes is not None else table_codes(topics)[0]
    kept = largest_topics(topics, limit, codes=codes)
    topic_ids = topics[S.TOPIC_ID].to_numpy(dtype=np.int64)
    rank = pd.Index(kept).get_indexer(topic_ids)
    other = len(kept)
    rank[rank < 0] = other
    # Each kept topic's label is the one on its first row, as grouping by label would show.
    first_rows = [int(np.argmax(rank == r)) for r in range(len(kept))]
    group_labels = [*topics[S.TOPIC_LABEL].iloc[first_rows].to_numpy(dtype=object), OTHER_TOPICS]
    periods = period_start(topics[S.DATE], freq)
    dated = periods.notna().to_numpy()
    if not dated.any():
        return pd.DataFrame({c: [] for c in columns})
    grid = period_range(periods.min(), periods.max(), freq)
    slot = grid.get_indexer(periods)
    present = np.bincount(rank[dated], minlength=other + 1) > 0
    n_periods = len(grid)
    cell = np.where(dated, rank * n_periods + slot, -1)
    counts = distinct_counts(cell, codes.briefing, (other + 1) * n_periods)
    counts = counts.reshape(other + 1, n_periods)[present]
    totals = counts.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, counts / np.where(totals > 0, totals, 1), 0.0)
    shown = np.flatnonzero(present)
    group_ids = np.array([*kept, OTHER_TOPIC_ID], dtype=np.int64)[shown]
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(grid.to_numpy(), len(shown)),
            S.TOPIC_ID: np.repeat(group_ids, n_periods),
            S.TOPIC_LABEL: np.repeat(np.array(group_labels, dtype=object)[shown], n_periods),
            N_BRIEFINGS: counts.reshape(-1).astype(np.int64),
            SHARE: share.reshape(-1),
        }
    )[columns]
