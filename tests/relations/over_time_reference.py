"""Relations over time as they were computed before the integer-code engine (slower).

Kept only as a reference: ``test_over_time`` checks that ``analytics.relations`` gives the
same tables. Pairs here are string ``MultiIndex`` values and the summary a pandas groupby.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.relations import spike_cells
from analytics.relations.corpus import _check_columns
from analytics.timeseries import check_freq, period_range, period_start


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


def _select(
    interactions: pd.DataFrame,
    include_forward: bool,
    pairs: list[tuple[str, str]] | None,
) -> pd.DataFrame:
    _check_columns(interactions, S.INTERACTION_COLUMNS, "interactions")
    chosen = interactions
    if not include_forward:
        chosen = chosen[~chosen[S.FORWARD_LOOKING].astype(bool)]
    if pairs is not None:
        wanted = pd.MultiIndex.from_tuples(pairs, names=[S.COUNTRY_A, S.COUNTRY_B])
        index = pd.MultiIndex.from_frame(chosen[[S.COUNTRY_A, S.COUNTRY_B]])
        chosen = chosen[index.isin(wanted)]
    return chosen


def reference_relations_over_time(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    pairs: Iterable[Sequence[str]] | None = None,
    include_forward: bool = False,
    baseline_periods: int = 6,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    spike_k: float = 2.0,
    min_interactions: int = 3,
) -> pd.DataFrame:
    """Tension and alliance per country pair per calendar period.

    ``tension`` sums ``|score|`` of conflict interactions and ``alliance`` sums the
    score of cooperation ones; ``net`` is the mean score (NaN in a period without
    interactions). ``tension_share`` and ``alliance_share`` divide by the number of
    briefings in the whole corpus in that period, so a busy month does not look
    tense; they are NaN in a period with no briefings at all (unobserved, not calm).
    ``baseline`` is the mean ``tension_share`` of up to ``baseline_periods`` earlier
    observed periods (at least two). A period is a ``spike`` when it has at least
    ``min_interactions`` conflict interactions and its ``tension_share`` exceeds
    ``baseline + spike_k * std`` of those same earlier periods.

    Parameters:
        interactions: rows from ``score_interactions``.
        briefings: the briefing table the interactions came from (the denominators).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        pairs: only these ``(iso3, iso3)`` pairs (in any order); listed pairs without
            interactions still get rows.
        include_forward: also count forward-looking interactions.
        start, end: widen or narrow the period range (default: the corpus dates).

    Returns:
        ``schema.RELATION_COLUMNS`` with ``baseline`` before ``spike``; one row per
        pair and period, empty periods kept; sorted by pair, then period.

    Raises:
        InputError: for an unknown ``freq``, malformed pairs or missing columns.
    """
    check_freq(freq)
    if baseline_periods < 2:
        raise InputError(f"baseline_periods must be at least 2; got {baseline_periods!r}")
    _check_columns(briefings, (S.DATE,), "briefings")
    wanted_pairs = _normal_pairs(pairs)
    chosen = _select(interactions, include_forward, wanted_pairs)
    columns = [*S.RELATION_COLUMNS[:-1], S.BASELINE, S.SPIKE]
    empty = pd.DataFrame({column: [] for column in columns})

    corpus_periods = period_start(briefings[S.DATE], freq)
    lo = start if start is not None else corpus_periods.min()
    hi = end if end is not None else corpus_periods.max()
    if pd.isna(lo) or pd.isna(hi):
        return empty
    grid = period_range(lo, hi, freq)
    n_periods = len(grid)
    briefing_slot = grid.get_indexer(corpus_periods)
    n_briefings = np.bincount(briefing_slot[briefing_slot >= 0], minlength=n_periods)

    # Interactions inside the range, as integer (pair, period) cells.
    slot = grid.get_indexer(period_start(chosen[S.DATE], freq))
    inside = slot >= 0
    side_a = chosen[S.COUNTRY_A].to_numpy(dtype=object)[inside]
    side_b = chosen[S.COUNTRY_B].to_numpy(dtype=object)[inside]
    scores = chosen[S.SCORE].to_numpy(dtype=float)[inside]
    slot = slot[inside]
    observed_pairs = pd.MultiIndex.from_arrays([side_a, side_b]).unique()
    if wanted_pairs is not None:
        all_pairs = observed_pairs.append(pd.MultiIndex.from_tuples(wanted_pairs)).unique()
    else:
        all_pairs = observed_pairs
    if len(all_pairs) == 0:
        return empty
    all_pairs = all_pairs.sort_values()
    pair_code = all_pairs.get_indexer(pd.MultiIndex.from_arrays([side_a, side_b]))
    cell = pair_code * n_periods + slot
    n_cells = len(all_pairs) * n_periods

    def total(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=n_cells)

    counts = total(None).astype(np.int64)
    conflicts = total((scores < 0).astype(float))
    tension = total(np.where(scores < 0, -scores, 0.0))
    alliance = total(np.where(scores > 0, scores, 0.0))
    score_sum = total(scores)
    per_period = np.tile(n_briefings, len(all_pairs)).astype(float)
    observed = per_period > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        net = np.where(counts > 0, score_sum / np.maximum(counts, 1), np.nan)
        tension_share = np.where(observed, tension / np.where(observed, per_period, 1), np.nan)
        alliance_share = np.where(observed, alliance / np.where(observed, per_period, 1), np.nan)

    # Every pair has the same contiguous run of periods: one row of cells per pair.
    baseline, spike = spike_cells(
        tension_share.reshape(-1, n_periods),
        conflicts.reshape(-1, n_periods),
        baseline_periods=baseline_periods,
        spike_k=spike_k,
        min_conflicts=min_interactions,
    )
    baseline, spike = baseline.reshape(-1), spike.reshape(-1)
    return pd.DataFrame(
        {
            S.PERIOD: np.tile(grid.to_numpy(), len(all_pairs)),
            S.COUNTRY_A: np.repeat(all_pairs.get_level_values(0).to_numpy(dtype=object), n_periods),
            S.COUNTRY_B: np.repeat(all_pairs.get_level_values(1).to_numpy(dtype=object), n_periods),
            S.N_INTERACTIONS: counts,
            S.TENSION: tension,
            S.ALLIANCE: alliance,
            S.NET: net,
            S.TENSION_SHARE: tension_share,
            S.ALLIANCE_SHARE: alliance_share,
            S.BASELINE: baseline,
            S.SPIKE: spike.astype(bool),
        }
    )[columns]


def reference_pair_summary(
    interactions: pd.DataFrame, *, include_forward: bool = False
) -> pd.DataFrame:
    """One row per country pair over the whole table: for the pair matrix and network.

    Parameters:
        interactions: rows from ``score_interactions``.
        include_forward: also count forward-looking interactions.

    Returns:
        ``country_a``, ``country_b``, ``n_interactions``, ``tension`` (sum of ``|score|``
        of conflict rows), ``alliance`` (sum of cooperation scores), ``net`` (mean
        score); most interactions first, then by pair.
    """
    chosen = _select(interactions, include_forward, None)
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.TENSION, S.ALLIANCE, S.NET]
    if chosen.empty:
        return pd.DataFrame({column: [] for column in columns})
    scores = chosen[S.SCORE].astype(float)
    frame = pd.DataFrame(
        {
            S.COUNTRY_A: chosen[S.COUNTRY_A],
            S.COUNTRY_B: chosen[S.COUNTRY_B],
            S.TENSION: scores.where(scores < 0, 0.0).abs(),
            S.ALLIANCE: scores.where(scores > 0, 0.0),
            S.NET: scores,
        }
    )
    summary = (
        frame.groupby([S.COUNTRY_A, S.COUNTRY_B], sort=True)
        .agg(
            **{
                S.N_INTERACTIONS: (S.NET, "size"),
                S.TENSION: (S.TENSION, "sum"),
                S.ALLIANCE: (S.ALLIANCE, "sum"),
                S.NET: (S.NET, "mean"),
            }
        )
        .reset_index()
    )
    summary = summary.sort_values(
        [S.N_INTERACTIONS, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True], kind="stable"
    )
    return summary[columns].reset_index(drop=True)
