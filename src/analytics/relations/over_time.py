"""Relations over time: scored interactions in, tension and alliance per country pair and
calendar period out, with the spike rule and the summary per pair.

This is the one relations-over-time engine: the command line's ``export relations``, the
pipeline and the dashboard's Relations page all call it. Interactions become integer
(pair, period) cells and every measure is one ``np.bincount`` over them, so a filter change
on a large corpus costs milliseconds. The spike defaults are settings (``spike_min_conflicts``,
``spike_baseline_periods``, ``spike_k``).

The cells are counted in pieces as the rules of ``analytics.tallies`` are: ``pair_counts``
(partial counts of some interactions, only the cells present), ``merge_pair_counts`` and
``pair_periods_from_counts``; ``pair_periods`` is the last of the first. Scores are summed
as whole numbers of millionths (``score_units``), so a sum does not depend on the order
of addition and merged pieces give the one-go sums exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError
from analytics.relations.corpus import _check_columns
from analytics.tallies import (
    dense_codes,
    merge_partial_counts,
    period_codes,
    volume_counts,
    whole_sums,
)
from analytics.timeseries import check_freq, period_range, period_start, trailing_stats

# What the engine reads of an interaction table.
_NEEDED = (S.COUNTRY_A, S.COUNTRY_B, S.DATE, S.SCORE, S.FORWARD_LOOKING)
# Scores are summed in millionths: whole numbers, exact in float64 below 2**53, i.e. for
# far more than 100 million interactions of |score| <= 10.
SCORE_UNIT = 1_000_000
# The partial counts of relation cells (``pair_counts``).
PAIR_COUNT_COLUMNS: tuple[str, ...] = (
    S.COUNTRY_A,
    S.COUNTRY_B,
    S.PERIOD,
    S.N_INTERACTIONS,
    S.N_CONFLICTS,
    S.TENSION_UNITS,
    S.ALLIANCE_UNITS,
    S.SCORE_UNITS,
)
_PAIR_SUMS = list(PAIR_COUNT_COLUMNS[3:])


def score_units(scores: np.ndarray) -> np.ndarray:
    """Scores as whole numbers of millionths (``SCORE_UNIT``), the unit every sum is taken in.

    Whole numbers add up exactly in any order, so a sum over cells, partitions or
    batches is the same however it is split; each score moves by at most half a
    millionth.
    """
    return np.rint(np.asarray(scores, dtype=float) * SCORE_UNIT)


class PairCodes(NamedTuple):
    """Each interaction's ``country_a`` and ``country_b`` as integers (-1: missing).

    ``first`` points into the sorted ISO3 codes ``first_iso3s``, ``second`` into the
    sorted ``second_iso3s`` (the dashboard passes one sorted vocabulary for both).
    """

    first: np.ndarray
    first_iso3s: np.ndarray
    second: np.ndarray
    second_iso3s: np.ndarray


def pair_codes(interactions: pd.DataFrame) -> PairCodes:
    """Factorise ``country_a`` and ``country_b`` into integers over sorted ISO3 codes."""
    first_codes, first = pd.factorize(interactions[S.COUNTRY_A], sort=True)
    second_codes, second = pd.factorize(interactions[S.COUNTRY_B], sort=True)
    return PairCodes(
        first_codes.astype(np.int64),
        np.asarray(first, dtype=object),
        second_codes.astype(np.int64),
        np.asarray(second, dtype=object),
    )


class PairPeriods(NamedTuple):
    """Interactions summed per country pair (rows, in pair order) and period (columns).

    ``n_briefings`` counts the corpus' briefings per period (the denominators of the
    shares); the measures are arrays shaped (pairs, periods). ``tension``, ``alliance``
    and ``score_sum`` are exact sums of ``score_units`` divided once by ``SCORE_UNIT``.
    """

    periods: pd.DatetimeIndex
    country_a: np.ndarray
    country_b: np.ndarray
    n_briefings: np.ndarray
    n_interactions: np.ndarray
    conflicts: np.ndarray
    tension: np.ndarray
    alliance: np.ndarray
    score_sum: np.ndarray

    def net(self) -> np.ndarray:
        """Mean score per cell; NaN in a cell without interactions."""
        counts = self.n_interactions
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, self.score_sum / np.maximum(counts, 1), np.nan)

    def share(self, measure: np.ndarray) -> np.ndarray:
        """``measure`` per briefing of its period; NaN in a period without briefings."""
        per_period = np.broadcast_to(self.n_briefings.astype(float), measure.shape)
        observed = per_period > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(observed, measure / np.where(observed, per_period, 1), np.nan)

    def spikes(
        self,
        *,
        min_conflicts: int | None = None,
        baseline_periods: int | None = None,
        spike_k: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(baseline, spike)`` per cell by ``spike_cells`` on the tension share."""
        return spike_cells(
            self.share(self.tension),
            self.conflicts,
            min_conflicts=min_conflicts,
            baseline_periods=baseline_periods,
            spike_k=spike_k,
        )


def _normal_pairs(pairs: Iterable[Sequence[str]] | None) -> list[tuple[str, str]] | None:
    if pairs is None:
        return None
    normal = []
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            raise InputError(f"pairs must be (iso3, iso3) tuples; got {pair!r}")
        a, b = pair
        normal.append((min(a, b), max(a, b)))
    return list(dict.fromkeys(normal))


def _row_pairs(
    codes: PairCodes, wanted: list[tuple[str, str]] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Each row's pair as one integer key over a single sorted ISO3 vocabulary.

    Keys sort as the ``(country_a, country_b)`` pairs they stand for.

    Returns:
        ``(row_keys, iso3s, wanted_keys)``; -1 marks a row with a missing country.
    """
    named = [codes.first_iso3s, codes.second_iso3s]
    if wanted:
        named.append(np.asarray([iso3 for pair in wanted for iso3 in pair], dtype=object))
    iso3s = np.unique(np.concatenate(named).astype(object))
    size = np.int64(len(iso3s))
    first = np.searchsorted(iso3s, codes.first_iso3s).astype(np.int64)
    second = np.searchsorted(iso3s, codes.second_iso3s).astype(np.int64)
    valid = (codes.first >= 0) & (codes.second >= 0)
    row_keys = np.full(len(codes.first), -1, dtype=np.int64)
    row_keys[valid] = first[codes.first[valid]] * size + second[codes.second[valid]]
    wanted_keys = None
    if wanted is not None:
        sides = np.searchsorted(iso3s, np.asarray(wanted, dtype=object).reshape(-1))
        wanted_keys = np.unique(sides[0::2].astype(np.int64) * size + sides[1::2])
    return row_keys, iso3s, wanted_keys


def pair_counts(
    interactions: pd.DataFrame,
    freq: str,
    *,
    pairs: Iterable[Sequence[str]] | None = None,
    include_forward: bool = False,
    codes: PairCodes | None = None,
) -> pd.DataFrame:
    """The partial counts of relation cells: interactions summed per pair and period.

    Only the (pair, period) cells holding interactions are listed, keyed by period start
    so the counts of interactions of other dates merge (``merge_pair_counts``); undated
    interactions are left out. Scores are summed in whole millionths (``score_units``):
    the sums are integers, the same in whatever order rows, partitions or batches are
    added.

    Parameters:
        interactions: rows from ``score_interactions`` (or a selection of them).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        pairs: only these ``(iso3, iso3)`` pairs (in any order).
        include_forward: also count forward-looking interactions.
        codes: ``pair_codes(interactions)`` when already known.

    Returns:
        ``PAIR_COUNT_COLUMNS``: the pair, the period, ``n_interactions``,
        ``n_conflicts`` (negative scores) and the sums of ``|score|`` of conflict rows,
        of cooperation scores and of every score, in millionths (int64); by pair, then
        period.

    Raises:
        InputError: for an unknown ``freq`` or malformed pairs.
    """
    check_freq(freq)
    wanted = _normal_pairs(pairs)
    row_keys, iso3s, wanted_keys = _row_pairs(
        codes if codes is not None else pair_codes(interactions), wanted
    )
    chosen = row_keys >= 0
    if not include_forward:
        chosen &= ~interactions[S.FORWARD_LOOKING].astype(bool).to_numpy()
    if wanted_keys is not None:
        chosen &= np.isin(row_keys, wanted_keys)
    rows = np.flatnonzero(chosen)
    slots, periods = period_codes(period_start(interactions[S.DATE].iloc[rows], freq))
    dated = slots >= 0
    rows, slots = rows[dated], slots[dated]
    scores = interactions[S.SCORE].to_numpy(dtype=float)[rows]
    units = score_units(scores)
    conflict = scores < 0
    n_periods = np.int64(max(len(periods), 1))
    # The pairs met, then their cells: each numbered densely, the cells by pair, then period.
    pair_ids, pair_index = dense_codes(row_keys[rows], len(iso3s) ** 2)
    cells, cell_index = dense_codes(pair_index * n_periods + slots, len(pair_ids) * int(n_periods))

    def total(weights: np.ndarray) -> np.ndarray:
        return whole_sums(cell_index, weights, len(cells))

    pair_keys = pair_ids[cells // n_periods]
    return pd.DataFrame(
        {
            S.COUNTRY_A: iso3s[pair_keys // len(iso3s)],
            S.COUNTRY_B: iso3s[pair_keys % len(iso3s)],
            S.PERIOD: periods[cells % n_periods],
            S.N_INTERACTIONS: np.bincount(cell_index, minlength=len(cells)).astype(np.int64),
            S.N_CONFLICTS: total(conflict),
            S.TENSION_UNITS: total(np.where(conflict, -units, 0.0)),
            S.ALLIANCE_UNITS: total(np.where(scores > 0, units, 0.0)),
            S.SCORE_UNITS: total(units),
        }
    )[list(PAIR_COUNT_COLUMNS)]


def merge_pair_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``pair_counts`` of disjoint sets of interactions, merged: whole numbers added, so the
    merge of any split equals the counts of the whole."""
    return merge_partial_counts(parts, [S.COUNTRY_A, S.COUNTRY_B, S.PERIOD], _PAIR_SUMS)


def _sorted_codes(values: Sequence[np.ndarray], coded: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct codes of ``values`` sorted, and the first ``coded`` arrays of them as
    positions there (int64): ``np.unique`` and ``np.searchsorted``'s result, found by
    hashing, where sorting the tens of thousands of strings of a large selection's cells
    took most of a relation view's time; only the few distinct ones are sorted."""
    joined = np.concatenate(values).astype(object)
    numbers, distinct = pd.factorize(joined)
    if len(numbers) and numbers.min() < 0:
        raise InputError("every pair must name two countries; got a missing country code")
    order = np.argsort(np.asarray(distinct, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    positions, start = [], 0
    for array in values[:coded]:
        positions.append(rank[numbers[start : start + len(array)]])
        start += len(array)
    return np.asarray(distinct, dtype=object)[order], positions


def pair_periods_from_counts(
    counts: pd.DataFrame,
    volume: pd.DataFrame,
    freq: str,
    *,
    pairs: Iterable[Sequence[str]] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    min_pair_conflicts: int = 0,
) -> PairPeriods | None:
    """The relation cells of ``pair_periods`` from counts.

    Parameters:
        counts: ``pair_counts`` of the interactions (merged or not).
        volume: ``tallies.volume_counts`` of the briefings (the denominators).
        freq, pairs, start, end, min_pair_conflicts: as ``pair_periods``.

    Returns:
        As ``pair_periods``: the sums in millionths are divided by ``SCORE_UNIT`` here,
        once.

    Raises:
        InputError: for an unknown ``freq`` or malformed pairs.
    """
    check_freq(freq)
    wanted = _normal_pairs(pairs)
    counted = volume[S.PERIOD]
    lo = start if start is not None else (counted.min() if len(counted) else pd.NaT)
    hi = end if end is not None else (counted.max() if len(counted) else pd.NaT)
    if pd.isna(lo) or pd.isna(hi):
        return None
    grid = period_range(lo, hi, freq)
    n_periods = len(grid)
    briefing_slot = grid.get_indexer(counted)
    in_range = briefing_slot >= 0
    n_briefings = whole_sums(
        briefing_slot[in_range], volume[S.N_BRIEFINGS].to_numpy()[in_range], n_periods
    )

    first = counts[S.COUNTRY_A].to_numpy(dtype=object)
    second = counts[S.COUNTRY_B].to_numpy(dtype=object)
    named = [first, second]
    if wanted:
        named.append(np.asarray([iso3 for pair in wanted for iso3 in pair], dtype=object))
    iso3s, (first_codes, second_codes) = _sorted_codes(named, 2)
    size = np.int64(len(iso3s))
    keys = first_codes * size + second_codes
    slot = grid.get_indexer(counts[S.PERIOD])
    chosen = slot >= 0
    wanted_keys = None
    if wanted is not None:
        sides = np.searchsorted(iso3s, np.asarray(wanted, dtype=object).reshape(-1))
        wanted_keys = np.unique(sides[0::2].astype(np.int64) * size + sides[1::2])
        chosen &= np.isin(keys, wanted_keys)
    if min_pair_conflicts > 0:
        conflict_keys, per_pair = np.unique(keys[chosen], return_inverse=True)
        in_pair = np.bincount(per_pair, weights=counts[S.N_CONFLICTS].to_numpy(dtype=float)[chosen])
        chosen &= np.isin(keys, conflict_keys[in_pair >= min_pair_conflicts])
    pair_keys = np.unique(keys[chosen])
    if wanted_keys is not None:
        pair_keys = np.union1d(pair_keys, wanted_keys)
    if len(pair_keys) == 0:
        return None
    n_pairs = len(pair_keys)
    cell = np.searchsorted(pair_keys, keys[chosen]) * n_periods + slot[chosen]
    n_cells = n_pairs * n_periods

    def total(column: str) -> np.ndarray:
        values = counts[column].to_numpy(dtype=float)[chosen]
        return np.bincount(cell, weights=values, minlength=n_cells).reshape(n_pairs, n_periods)

    return PairPeriods(
        periods=grid,
        country_a=iso3s[pair_keys // size],
        country_b=iso3s[pair_keys % size],
        n_briefings=n_briefings,
        n_interactions=total(S.N_INTERACTIONS).astype(np.int64),
        conflicts=total(S.N_CONFLICTS),
        tension=total(S.TENSION_UNITS) / SCORE_UNIT,
        alliance=total(S.ALLIANCE_UNITS) / SCORE_UNIT,
        score_sum=total(S.SCORE_UNITS) / SCORE_UNIT,
    )


def pair_periods(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    pairs: Iterable[Sequence[str]] | None = None,
    include_forward: bool = False,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    min_pair_conflicts: int = 0,
    codes: PairCodes | None = None,
) -> PairPeriods | None:
    """Sum interactions into integer (pair, period) cells: the engine of every relation view.

    ``pair_periods_from_counts`` of ``pair_counts`` of the interactions and
    ``volume_counts`` of the briefings, as the store's rollups are worked out. The sums
    of scores are exact (whole millionths, ``score_units``), whatever the order of the rows.

    Parameters:
        interactions: rows from ``score_interactions`` (or a selection of them).
        briefings: the briefing table the interactions came from (the denominators).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        pairs: only these ``(iso3, iso3)`` pairs (in any order); listed pairs without
            interactions still get rows.
        include_forward: also count forward-looking interactions.
        start, end: widen or narrow the period range (default: the briefings' dates).
        min_pair_conflicts: keep only pairs with at least this many conflict interactions
            in the range (no other pair can spike).
        codes: ``pair_codes(interactions)`` when already known.

    Returns:
        The cells, pairs in ``(country_a, country_b)`` order and every period of the range;
        ``None`` when the range or the pairs are empty.

    Raises:
        InputError: for an unknown ``freq``, malformed pairs or missing columns.
    """
    check_freq(freq)
    _check_columns(briefings, (S.DATE,), "briefings")
    _check_columns(interactions, _NEEDED, "interactions")
    return pair_periods_from_counts(
        pair_counts(interactions, freq, pairs=pairs, include_forward=include_forward, codes=codes),
        volume_counts(briefings, freq),
        freq,
        pairs=pairs,
        start=start,
        end=end,
        min_pair_conflicts=min_pair_conflicts,
    )


def relations_over_time(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    pairs: Iterable[Sequence[str]] | None = None,
    include_forward: bool = False,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    min_conflicts: int | None = None,
    baseline_periods: int | None = None,
    spike_k: float | None = None,
    min_pair_conflicts: int = 0,
    codes: PairCodes | None = None,
) -> pd.DataFrame:
    """Tension and alliance per country pair per calendar period.

    ``tension`` sums ``|score|`` of conflict interactions and ``alliance`` sums the
    score of cooperation ones; ``net`` is the mean score (NaN in a period without
    interactions). ``tension_share`` and ``alliance_share`` divide by the number of
    briefings in the whole corpus in that period, so a busy month does not look
    tense; they are NaN in a period with no briefings at all (unobserved, not calm).
    ``baseline`` and ``spike`` follow ``spike_cells``.

    Parameters:
        interactions: rows from ``score_interactions``.
        briefings: the briefing table the interactions came from (the denominators).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        pairs: only these ``(iso3, iso3)`` pairs (in any order); listed pairs without
            interactions still get rows.
        include_forward: also count forward-looking interactions.
        start, end: widen or narrow the period range (default: the corpus dates).
        min_conflicts, baseline_periods, spike_k: the spike rule (default: the settings).
        min_pair_conflicts: keep only pairs with at least this many conflict interactions
            in the range (``pair_periods``).
        codes: ``pair_codes(interactions)`` when already known.

    Returns:
        ``schema.RELATION_COLUMNS`` with ``baseline`` before ``spike``; one row per
        pair and period, empty periods kept; sorted by pair, then period.

    Raises:
        InputError: for an unknown ``freq``, malformed pairs, missing columns or a
            baseline shorter than two periods.
    """
    _check_baseline(baseline_periods)
    cells = pair_periods(
        interactions,
        briefings,
        freq,
        pairs=pairs,
        include_forward=include_forward,
        start=start,
        end=end,
        min_pair_conflicts=min_pair_conflicts,
        codes=codes,
    )
    return relations_from_cells(
        cells, min_conflicts=min_conflicts, baseline_periods=baseline_periods, spike_k=spike_k
    )


def relations_from_cells(
    cells: PairPeriods | None,
    *,
    min_conflicts: int | None = None,
    baseline_periods: int | None = None,
    spike_k: float | None = None,
) -> pd.DataFrame:
    """The table of ``relations_over_time`` from its cells (``pair_periods``, or
    ``pair_periods_from_counts`` for the store's rollups).

    Parameters:
        min_conflicts, baseline_periods, spike_k: the spike rule (default: the settings).

    Returns:
        As ``relations_over_time``; no rows for no cells.

    Raises:
        InputError: for a baseline shorter than two periods.
    """
    _check_baseline(baseline_periods)
    columns = [*S.RELATION_COLUMNS[:-1], S.BASELINE, S.SPIKE]
    if cells is None:
        return pd.DataFrame({column: [] for column in columns})
    n_periods = len(cells.periods)
    n_pairs = len(cells.country_a)
    baseline, spike = cells.spikes(
        min_conflicts=min_conflicts, baseline_periods=baseline_periods, spike_k=spike_k
    )
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(cells.periods.to_numpy(), n_pairs),
            S.COUNTRY_A: np.repeat(cells.country_a, n_periods),
            S.COUNTRY_B: np.repeat(cells.country_b, n_periods),
            S.N_INTERACTIONS: cells.n_interactions.reshape(-1),
            S.TENSION: cells.tension.reshape(-1),
            S.ALLIANCE: cells.alliance.reshape(-1),
            S.NET: cells.net().reshape(-1),
            S.TENSION_SHARE: cells.share(cells.tension).reshape(-1),
            S.ALLIANCE_SHARE: cells.share(cells.alliance).reshape(-1),
            S.BASELINE: baseline.reshape(-1),
            S.SPIKE: spike.reshape(-1).astype(bool),
        }
    )[columns]


def _check_baseline(baseline_periods: int | None) -> None:
    if baseline_periods is not None and baseline_periods < 2:
        raise InputError(f"baseline_periods must be at least 2; got {baseline_periods!r}")


def spike_cells(
    tension_share: np.ndarray,
    conflicts: np.ndarray,
    *,
    min_conflicts: int | None = None,
    baseline_periods: int | None = None,
    spike_k: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The spike rule on a pairs x periods grid of cells.

    A cell's ``baseline`` is the mean ``tension_share`` of up to ``baseline_periods``
    earlier observed periods of its row (at least two); it is a spike when it has at
    least ``min_conflicts`` conflict sentences and its share exceeds the baseline by
    more than ``spike_k`` standard deviations of those same periods. Each left out
    takes its setting (``spike_min_conflicts``, ``spike_baseline_periods``, ``spike_k``).

    Parameters:
        tension_share: shape (pairs, periods); NaN for a period without briefings.
        conflicts: conflict sentences per cell, same shape.

    Returns:
        ``(baseline, spike)``, both shaped like ``tension_share``.
    """
    if min_conflicts is None:
        min_conflicts = settings.value("spike_min_conflicts")
    if baseline_periods is None:
        baseline_periods = settings.value("spike_baseline_periods")
    if spike_k is None:
        spike_k = settings.value("spike_k")
    baseline, spread = trailing_stats(tension_share, baseline_periods)
    with np.errstate(invalid="ignore"):
        spike = (
            ~np.isnan(baseline)
            & (conflicts >= min_conflicts)
            & (tension_share > baseline + spike_k * spread)
        )
    return baseline, spike


def spike_alerts(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    min_conflicts: int | None = None,
    baseline_periods: int | None = None,
    spike_k: float | None = None,
    codes: PairCodes | None = None,
) -> pd.DataFrame:
    """The spikes of ``relations_over_time`` over reported interactions: periods in which a
    pair's tension jumped above its own recent level.

    Only pairs with at least ``min_conflicts`` conflict sentences are aggregated: no other
    pair can spike.

    Parameters:
        min_conflicts, baseline_periods, spike_k: the spike rule (default: the settings).
        codes: ``pair_codes(interactions)`` when already known.

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``n_interactions``,
        ``tension``, ``tension_share``, ``baseline``; newest first, then most tension.
    """
    if min_conflicts is None:
        min_conflicts = settings.value("spike_min_conflicts")
    return spike_rows(
        relations_over_time(
            interactions,
            briefings,
            freq,
            min_conflicts=min_conflicts,
            baseline_periods=baseline_periods,
            spike_k=spike_k,
            min_pair_conflicts=max(min_conflicts, 1),
            codes=codes,
        )
    )


# The columns of a spike alert.
ALERT_COLUMNS: tuple[str, ...] = (
    S.PERIOD,
    S.COUNTRY_A,
    S.COUNTRY_B,
    S.N_INTERACTIONS,
    S.TENSION,
    S.TENSION_SHARE,
    S.BASELINE,
)


def spike_rows(relations: pd.DataFrame) -> pd.DataFrame:
    """The spikes of a ``relations_over_time`` table as alerts, newest first, then most tension.

    Returns:
        ``ALERT_COLUMNS`` of the rows whose ``spike`` is set.
    """
    columns = list(ALERT_COLUMNS)
    if relations.empty:
        return pd.DataFrame({c: [] for c in columns})
    alerts = relations[relations[S.SPIKE].to_numpy(dtype=bool)]
    alerts = alerts.sort_values([S.PERIOD, S.TENSION], ascending=[False, False], kind="stable")
    return alerts[columns].reset_index(drop=True)


def pair_summary(
    interactions: pd.DataFrame,
    *,
    include_forward: bool = False,
    limit: int | None = None,
    codes: PairCodes | None = None,
) -> pd.DataFrame:
    """One row per country pair over the whole table: for ranked pairs, matrix and network.

    Parameters:
        interactions: rows from ``score_interactions``.
        include_forward: also count forward-looking interactions.
        limit: only the first ``limit`` pairs.
        codes: ``pair_codes(interactions)`` when already known.

    Returns:
        ``country_a``, ``country_b``, ``n_interactions``, ``tension`` (sum of ``|score|``
        of conflict rows), ``alliance`` (sum of cooperation scores), ``net`` (mean
        score), summed exactly in millionths as the cells over time are (``score_units``);
        most interactions first, then by pair.

    Raises:
        InputError: when the table lacks the columns it needs.
    """
    _check_columns(interactions, _NEEDED, "interactions")
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.TENSION, S.ALLIANCE, S.NET]
    chosen = np.ones(len(interactions), dtype=bool)
    if not include_forward:
        chosen = ~interactions[S.FORWARD_LOOKING].astype(bool).to_numpy()
    if not chosen.any():
        return pd.DataFrame({c: [] for c in columns})
    codes = codes if codes is not None else pair_codes(interactions)
    first_codes, first, second_codes, second = codes
    valid = chosen & (first_codes >= 0) & (second_codes >= 0)
    key = first_codes[valid].astype(np.int64) * len(second) + second_codes[valid]
    scores = interactions[S.SCORE].to_numpy(dtype=float)[valid]
    units = score_units(scores)
    size = len(first) * len(second)

    def summed(weights: np.ndarray) -> np.ndarray:
        return np.bincount(key, weights=weights, minlength=size) / SCORE_UNIT

    counts = np.bincount(key, minlength=size)
    tension = summed(np.where(scores < 0, -units, 0.0))
    alliance = summed(np.where(scores > 0, units, 0.0))
    total = summed(units)
    present = np.flatnonzero(counts)
    ranked = present[np.lexsort((present, -counts[present]))][:limit]
    return pd.DataFrame(
        {
            S.COUNTRY_A: np.asarray(first, dtype=object)[ranked // len(second)],
            S.COUNTRY_B: np.asarray(second, dtype=object)[ranked % len(second)],
            S.N_INTERACTIONS: counts[ranked].astype(np.int64),
            S.TENSION: tension[ranked],
            S.ALLIANCE: alliance[ranked],
            S.NET: total[ranked] / counts[ranked],
        }
    )[columns]


def pair_net(
    interactions: pd.DataFrame, pair: Sequence[str], start: str, end: str
) -> tuple[float, int]:
    """Mean score and number of reported (not forward-looking) sentences of one pair.

    Parameters:
        interactions: rows from ``score_interactions``.
        pair: two ISO3 codes, in any order.
        start, end: the dates ``[start, end)`` (UTC), e.g. ``"1987-03-01"``.

    Returns:
        ``(net, count)``; ``net`` is NaN when the pair has no sentence then.
    """
    a, b = sorted(pair)
    dates = interactions[S.DATE]
    chosen = interactions[
        (interactions[S.COUNTRY_A] == a)
        & (interactions[S.COUNTRY_B] == b)
        & (dates >= pd.Timestamp(start, tz="UTC"))
        & (dates < pd.Timestamp(end, tz="UTC"))
        & ~interactions[S.FORWARD_LOOKING].astype(bool)
    ]
    return float(chosen[S.SCORE].mean()), len(chosen)
