"""What the Relations page shows: ranked pairs, the timeline of tension and alliance, the pair
matrix, spike alerts and the evidence sentences behind a point.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from analytics import relations
from analytics import schema as S
from analytics.relations import pair_periods, pair_summary
from analytics.timeseries import MIN_EARLIER_PERIODS, period_label, period_range, period_start
from analytics.views.common import (
    PAIR,
    cue_spans,
    cue_words,
    merge_marks,
    pair_codes,
    split_marked,
)
from analytics.views.filtered import TableCodes


def pair_label(a: str, b: str, names: dict[str, str]) -> str:
    """``"China – Japan"``: a readable name for a country pair."""
    return f"{names.get(a, a)} – {names.get(b, b)}"


def pair_labeller(names: dict[str, str]) -> Callable[[tuple[str, str]], str]:
    """``pair_label`` of a ``(country_a, country_b)`` choice, as a picker's ``format_func``.

    A function of the names alone: a lambda in a page would hold that run's tables
    (through the page's globals) until the collector's next full pass.
    """
    return functools.partial(_pair_choice_label, names=names)


def _pair_choice_label(pair: tuple[str, str], *, names: dict[str, str]) -> str:
    return pair_label(pair[0], pair[1], names)


def period_choice_label(period: pd.Timestamp | None, freq: str = "month") -> str:
    """A period picker's label: ``period_label``, or ``"All periods"`` for ``None``."""
    return "All periods" if period is None else period_label(period, freq)


def period_labeller(freq: str) -> Callable[[pd.Timestamp | None], str]:
    """``period_choice_label`` for periods of kind ``freq``, as a picker's ``format_func``."""
    return functools.partial(period_choice_label, freq=freq)


def with_pair_labels(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Add a ``pair`` column with the readable pair name."""
    labels = [
        pair_label(a, b, names)
        for a, b in zip(
            frame[S.COUNTRY_A].to_numpy(dtype=object),
            frame[S.COUNTRY_B].to_numpy(dtype=object),
            strict=True,
        )
    ]
    labelled = frame.assign(**{PAIR: pd.Series(labels, index=frame.index, dtype=object)})
    return labelled[[PAIR, *frame.columns]]


def top_pairs(
    interactions: pd.DataFrame, limit: int = 30, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """The ``limit`` most discussed pairs (``relations.pair_summary``, reported sentences).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("interactions")``).

    Returns:
        ``country_a``, ``country_b``, ``n_interactions``, ``tension``, ``alliance``, ``net``.
    """
    return pair_summary(interactions, limit=limit, codes=pair_codes(interactions, codes))


def among_leading_countries(
    edges: pd.DataFrame, countries: int = 20, limit: int | None = None
) -> pd.DataFrame:
    """Keep edges whose two countries are both among the ``countries`` best connected
    (then the first ``limit`` of them, in the given order).

    Which countries are best connected is judged on the edges themselves (sum of
    the first numeric column after the pair, e.g. ``n_briefings`` or
    ``n_interactions``), so a network stays legible on a large corpus.
    """
    if edges.empty:
        return edges
    weight = edges.columns[2]
    involvement = (
        pd.concat(
            [
                edges[[S.COUNTRY_A, weight]].rename(columns={S.COUNTRY_A: S.ISO3}),
                edges[[S.COUNTRY_B, weight]].rename(columns={S.COUNTRY_B: S.ISO3}),
            ]
        )
        .groupby(S.ISO3)[weight]
        .sum()
        .reset_index()
        .sort_values([weight, S.ISO3], ascending=[False, True], kind="stable")
    )
    leading = set(involvement[S.ISO3].head(countries))
    keep = edges[S.COUNTRY_A].isin(leading) & edges[S.COUNTRY_B].isin(leading)
    kept = edges[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    return kept if limit is None else kept.head(limit)


def pair_mask(
    interactions: pd.DataFrame,
    pairs: list[tuple[str, str]],
    *,
    codes: TableCodes | None = None,
) -> np.ndarray:
    """A boolean per interaction: is its (country_a, country_b) one of ``pairs``?

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("interactions")``).
    """
    keep = np.zeros(len(interactions), dtype=bool)
    if not pairs:
        return keep
    if codes is not None and codes.partner is not None and codes.iso3s is not None:
        for a, b in pairs:
            first, second = codes.iso3s.get_indexer([a, b])
            if first >= 0 and second >= 0:
                keep |= (codes.country == first) & (codes.partner == second)
        return keep
    # One pass over the whole column, then exact pairs among the few candidate rows.
    candidates = np.flatnonzero(
        interactions[S.COUNTRY_A].isin({a for a, _ in pairs}).to_numpy(dtype=bool)
    )
    first = interactions[S.COUNTRY_A].iloc[candidates].to_numpy(dtype=object)
    second = interactions[S.COUNTRY_B].iloc[candidates].to_numpy(dtype=object)
    found = np.zeros(len(candidates), dtype=bool)
    for a, b in pairs:
        found |= (first == a) & (second == b)
    keep[candidates[found]] = True
    return keep


def relation_timeline(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    pairs: list[tuple[str, str]],
    freq: str,
    *,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Tension, alliance and net score per period for chosen pairs, split by outlook.

    ``relations.pair_periods`` once per outlook: ``tension`` sums ``|score|`` of
    conflict sentences, ``alliance`` sums cooperation scores, ``net`` is the mean
    score; sentences about what is expected (``forward_looking``) are counted apart
    from those reporting what happened. Every chosen pair and every pair seen gets a
    row per period of the briefings' range. ``codes`` (``FilteredCorpus.codes``) find
    the pairs' rows without comparing strings.

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``forward_looking``,
        ``n_interactions``, ``tension``, ``alliance``, ``net``.
    """
    columns = [
        S.PERIOD,
        S.COUNTRY_A,
        S.COUNTRY_B,
        S.FORWARD_LOOKING,
        S.N_INTERACTIONS,
        S.TENSION,
        S.ALLIANCE,
        S.NET,
    ]
    if not pairs or interactions.empty or briefings.empty:
        return pd.DataFrame({c: [] for c in columns})
    chosen = interactions[pair_mask(interactions, pairs, codes=codes)]
    forward = chosen[S.FORWARD_LOOKING].fillna(False).astype(bool).to_numpy()
    parts = []
    for outlook in (False, True):
        cells = pair_periods(
            chosen[forward == outlook], briefings, freq, pairs=pairs, include_forward=True
        )
        if cells is None:
            return pd.DataFrame({c: [] for c in columns})
        n_periods, n_pairs = len(cells.periods), len(cells.country_a)
        parts.append(
            pd.DataFrame(
                {
                    S.PERIOD: np.tile(cells.periods.to_numpy(), n_pairs),
                    S.COUNTRY_A: np.repeat(cells.country_a, n_periods),
                    S.COUNTRY_B: np.repeat(cells.country_b, n_periods),
                    S.FORWARD_LOOKING: outlook,
                    S.N_INTERACTIONS: cells.n_interactions.reshape(-1),
                    S.TENSION: cells.tension.reshape(-1),
                    S.ALLIANCE: cells.alliance.reshape(-1),
                    S.NET: cells.net().reshape(-1),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[columns]


def pair_matrix(interactions: pd.DataFrame, limit: int = 12) -> pd.DataFrame:
    """Mean net score for every pair among the ``limit`` most interacting countries.

    Returns:
        Long table ``country_a``, ``country_b``, ``n_interactions``, ``net``, both
        orientations present so the matrix is symmetric (NaN net where no interaction).
    """
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.NET]
    if interactions.empty:
        return pd.DataFrame({c: [] for c in columns})
    # Both sides in one sorted vocabulary, so a country has one integer either side.
    both_sides = pd.concat(
        [interactions[S.COUNTRY_A], interactions[S.COUNTRY_B]], ignore_index=True
    )
    side_codes, iso3s = pd.factorize(both_sides, sort=True)
    first, second = side_codes[: len(interactions)], side_codes[len(interactions) :]
    involvement = np.bincount(side_codes[side_codes >= 0], minlength=len(iso3s))
    # Most involved first; ties in code (alphabetical) order.
    ranked = np.lexsort((np.arange(len(iso3s)), -involvement))
    keep = ranked[involvement[ranked] > 0][:limit]
    rank = np.full(len(iso3s) + 1, -1, dtype=np.int64)
    rank[keep] = np.arange(len(keep))
    row_a, row_b = rank[first], rank[second]
    inside = (row_a >= 0) & (row_b >= 0)
    size = len(keep)
    cell = row_a[inside] * size + row_b[inside]
    counts = np.bincount(cell, minlength=size * size).reshape(size, size)
    scores = interactions[S.SCORE].to_numpy(dtype=float)[inside]
    totals = np.bincount(cell, weights=scores, minlength=size * size).reshape(size, size)
    # A pair seen only as (b, a) fills the (a, b) cell too: the matrix is symmetric.
    mirrored = (counts == 0) & (counts.T > 0)
    counts = np.where(mirrored, counts.T, counts)
    totals = np.where(mirrored, totals.T, totals)
    with np.errstate(invalid="ignore", divide="ignore"):
        net = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
    codes = np.asarray(iso3s, dtype=object)[keep]
    return pd.DataFrame(
        {
            S.COUNTRY_A: np.repeat(codes, size),
            S.COUNTRY_B: np.tile(codes, size),
            S.N_INTERACTIONS: counts.reshape(-1).astype(int),
            S.NET: net.reshape(-1),
        }
    )[columns]


def no_spikes_note(freq: str, dates: tuple[date | None, date | None] = (None, None)) -> str:
    """What an empty ``spike_alerts`` means, for the page to say instead of blaming the
    filters: with the dates shown (``dates``, first and last day) spanning too few periods
    for any baseline, that no spike can be seen in them."""
    start, end = dates
    if start is not None and end is not None and start <= end:
        n_periods = len(period_range(pd.Timestamp(start), pd.Timestamp(end), freq))
        if n_periods <= MIN_EARLIER_PERIODS:
            shown = f"{n_periods} {freq}" + ("s" if n_periods != 1 else "")
            return (
                f"No spike can show in {shown}: a pair's tension is measured against at "
                f"least {MIN_EARLIER_PERIODS} earlier {freq}s. Widen the dates or choose "
                "a shorter period."
            )
    return f"No pair's tension jumped above its own recent level in any {freq}."


SPIKE_TABLE_COLUMNS: tuple[str, ...] = (
    PAIR,
    S.PERIOD,
    S.N_INTERACTIONS,
    S.TENSION_SHARE,
    S.BASELINE,
)


def spike_table(spikes: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The columns of ``spike_alerts`` a spike table shows, on the Overview and the Relations
    page alike: the readable pair, the period, its sentences, its tension per briefing and
    the pair's usual level (the CSV keeps every column; the codes and total tension repeat
    the pair and the share)."""
    return with_pair_labels(spikes, names)[list(SPIKE_TABLE_COLUMNS)]


def spike_alerts(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Periods in which a pair's tension jumped above its own recent level
    (``relations.spike_alerts``, the spike rule of ``relations.relations_over_time``).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("interactions")``).

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``n_interactions``,
        ``tension``, ``tension_share``, ``baseline``; newest first.
    """
    return relations.spike_alerts(
        interactions, briefings, freq, codes=pair_codes(interactions, codes)
    )


def evidence_for(
    interactions: pd.DataFrame,
    *,
    pair: tuple[str, str] | None = None,
    period: pd.Timestamp | None = None,
    freq: str = "month",
) -> pd.DataFrame:
    """The interaction sentences behind a chart point, cell or edge.

    Parameters:
        pair: keep this (country_a, country_b) pair in either order; ``None`` keeps all.
        period: keep sentences dated in this period of ``freq``; ``None`` keeps all.
    """
    chosen = interactions
    if pair is not None:
        a, b = pair
        chosen = chosen[
            ((chosen[S.COUNTRY_A] == a) & (chosen[S.COUNTRY_B] == b))
            | ((chosen[S.COUNTRY_A] == b) & (chosen[S.COUNTRY_B] == a))
        ]
    if period is not None and not chosen.empty:
        chosen = chosen[period_start(chosen[S.DATE], freq) == pd.Timestamp(period)]
    return chosen.sort_values([S.DATE, S.BRIEFING_ID], kind="stable").reset_index(drop=True)


def pairs_of(ranked: pd.DataFrame, limit: int | None = None) -> list[tuple[str, str]]:
    """The first ``limit`` pairs of a ``top_pairs`` table as ``(country_a, country_b)`` tuples."""
    head = ranked.head(limit) if limit is not None else ranked
    return list(zip(head[S.COUNTRY_A], head[S.COUNTRY_B], strict=True))


def picker_pairs(
    interactions: pd.DataFrame,
    ranked: pd.DataFrame,
    limit: int | None = None,
    *,
    codes: TableCodes | None = None,
) -> list[tuple[str, str]]:
    """The pairs the timeline's picker offers, most discussed first.

    These are ``ranked``'s (``top_pairs``: reported sentences). When the selection holds
    only expected developments (the "What's next" section), the pairs most discussed in
    those instead: the timeline draws them as dotted lines, and an empty picker would
    leave it blank.

    Parameters:
        interactions: the selection's interactions, ``ranked`` worked out from them.
        codes: integer codes of the rows (``FilteredCorpus.codes("interactions")``).
    """
    if len(ranked) or interactions.empty:
        return pairs_of(ranked, limit)
    expected = pair_summary(
        interactions, include_forward=True, limit=limit, codes=pair_codes(interactions, codes)
    )
    return pairs_of(expected, limit)


def reported_note(interactions: pd.DataFrame) -> str | None:
    """Why a view of reported sentences (``top_pairs``: the network) is empty when the
    selection holds only expected developments (the "What's next" section); ``None``
    when it holds reported ones, or nothing."""
    forward = interactions[S.FORWARD_LOOKING].astype(bool).to_numpy()
    if len(forward) == 0 or not forward.all():
        return None
    return (
        "Only expected developments are selected; "
        "the network links countries by reported sentences."
    )


def default_pairs(
    options: list[tuple[str, str]], countries: tuple[str, ...], limit: int = 3
) -> list[tuple[str, str]]:
    """Pairs to show first: those among the filtered countries, else the most discussed."""
    if countries:
        among = [p for p in options if p[0] in countries or p[1] in countries]
        if among:
            return among[:limit]
    return options[:limit]


def row_periods(table: pd.DataFrame, freq: str) -> pd.Series:
    """Each row's period start (from its ``date``), to share between period views."""
    return period_start(table[S.DATE], freq)


def period_choices(
    interactions: pd.DataFrame, freq: str, *, periods: pd.Series | None = None
) -> list[pd.Timestamp]:
    """Every period holding at least one interaction, oldest first.

    Parameters:
        periods: ``row_periods(interactions, freq)`` when already computed.
    """
    if interactions.empty:
        return []
    periods = row_periods(interactions, freq) if periods is None else periods
    return sorted(pd.Series(periods).dropna().unique())


def in_period(
    interactions: pd.DataFrame,
    period: pd.Timestamp | None,
    freq: str,
    *,
    periods: pd.Series | None = None,
) -> pd.DataFrame:
    """The interactions dated in ``period`` (all of them when ``period`` is ``None``).

    Parameters:
        periods: ``row_periods(interactions, freq)`` when already computed.
    """
    if period is None or interactions.empty:
        return interactions
    periods = row_periods(interactions, freq) if periods is None else periods
    keep = (periods == pd.Timestamp(period)).to_numpy(dtype=bool)
    return interactions[keep].reset_index(drop=True)


def named_matrix(matrix: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Add readable ``name_a`` / ``name_b`` columns to a ``pair_matrix``."""
    return matrix.assign(
        name_a=matrix[S.COUNTRY_A].map(lambda c: names.get(c, c)),
        name_b=matrix[S.COUNTRY_B].map(lambda c: names.get(c, c)),
    )


def selection_target(selection: dict | None) -> tuple[tuple[str, str] | None, pd.Timestamp | None]:
    """The pair (and period) a chart selection points at, from the points' ``customdata``.

    Points carry ``[country_a, country_b]`` or ``[country_a, country_b, period, ...]``;
    the first point that does wins. Returns ``(None, None)`` when nothing usable is selected.
    """
    for point in (selection or {}).get("points", []):
        data = point.get("customdata")
        if not isinstance(data, list | tuple) or len(data) < 2:
            continue
        a, b = str(data[0]), str(data[1])
        if len(a) != 3 or len(b) != 3:
            continue
        period = None
        if len(data) >= 3:
            try:
                period = pd.Timestamp(str(data[2]))
            except ValueError:
                period = None
        return (a, b), period
    return None, None


def count_expected(interactions: pd.DataFrame) -> int:
    """How many interaction sentences are forward-looking."""
    return int(interactions[S.FORWARD_LOOKING].fillna(False).astype(bool).sum())


def evidence_table(interactions: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Interaction rows for display: date, pair, section, score, class, cues, the countries'
    roles (stores written before roles have none), sentence."""
    columns = [
        S.DATE,
        PAIR,
        S.BRIEFING_ID,
        S.SECTION,
        S.SCORE,
        S.CLASS,
        S.FORWARD_LOOKING,
        S.CUES,
        *([S.ROLES] if S.ROLES in interactions.columns else []),
        S.SENTENCE,
    ]
    if interactions.empty:
        return pd.DataFrame({c: [] for c in columns})
    table = with_pair_labels(interactions, names)
    table[S.CUES] = table[S.CUES].map(lambda v: ", ".join(cue_words(v)))
    return table[columns].reset_index(drop=True)


def sentence_marks(
    sentence: str, cues: object, country_labels: list[str]
) -> list[tuple[int, int, str]]:
    """Spans to highlight in an interaction sentence: the pair's country names and the cues."""
    marks: list[tuple[int, int, str]] = []
    lowered = sentence.lower()
    for label in country_labels:
        needle = label.lower()
        at = lowered.find(needle) if needle else -1
        while at >= 0:
            marks.append((at, at + len(needle), "country"))
            at = lowered.find(needle, at + len(needle))
    return merge_marks(marks + cue_spans(sentence, cues))


def evidence_pieces(
    interactions: pd.DataFrame, names: dict[str, str], limit: int = 25
) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Up to ``limit`` evidence sentences as ``(caption, marked pieces)`` for the reader."""
    shown = []
    for row in interactions.head(limit).itertuples(index=False):
        record = row._asdict()
        a, b = record[S.COUNTRY_A], record[S.COUNTRY_B]
        labels = [names.get(a, a), names.get(b, b)]
        sentence = str(record[S.SENTENCE])
        outlook = " · expected" if bool(record[S.FORWARD_LOOKING]) else ""
        caption = (
            f"{pd.Timestamp(record[S.DATE]).date()} · {pair_label(a, b, names)} · "
            f"{record[S.SECTION]} · score {float(record[S.SCORE]):+.2f}{outlook} · "
            f"briefing {record[S.BRIEFING_ID]}"
        )
        shown.append(
            (caption, split_marked(sentence, sentence_marks(sentence, record[S.CUES], labels)))
        )
    return shown
