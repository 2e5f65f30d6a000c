"""The small tables each dashboard view draws, computed from (filtered) artefacts.

Pages stay thin: every grouping, ranking and join a view needs lives here, pure
and tested, and the page only hands the result to a chart builder or a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.errors import InputError
from analytics.relations.scoring import spike_cells
from analytics.timeseries import check_freq, period_range
from analytics.views.filters import FilteredCorpus, TableCodes

N_BRIEFINGS = S.N_BRIEFINGS
SHARE = "share"
PAIR = "pair"
COUNT = "count"


@dataclass(frozen=True)
class CorpusFigures:
    """Headline figures of a corpus (or a filtered view of it)."""

    n_briefings: int
    first_day: pd.Timestamp | None
    last_day: pd.Timestamp | None
    n_countries: int
    n_topics: int
    n_skipped: int
    n_duplicates: int


def corpus_figures(artefacts: Artefacts | FilteredCorpus) -> CorpusFigures:
    """Count briefings, countries, topics and skipped or duplicate inputs."""
    if isinstance(artefacts, FilteredCorpus):
        briefings = artefacts.headers
        named = artefacts.codes("countries").country
        n_countries = len(np.unique(named[named >= 0])) if named is not None else 0
    else:
        briefings = artefacts.briefings
        n_countries = int(artefacts.countries[S.ISO3].nunique())
    dates = pd.to_datetime(briefings[S.DATE], utc=True).dropna()
    status = artefacts.report.get("status", pd.Series(dtype=str)).astype(str)
    topics = artefacts.topics
    return CorpusFigures(
        n_briefings=len(briefings),
        first_day=dates.min() if len(dates) else None,
        last_day=dates.max() if len(dates) else None,
        n_countries=n_countries,
        n_topics=int(topics[S.TOPIC_ID].nunique()) if not topics.empty else 0,
        n_skipped=int((status == "skipped").sum()),
        n_duplicates=int(status.isin(["duplicate", "near-duplicate"]).sum()),
    )


def skipped_inputs(report: pd.DataFrame) -> pd.DataFrame:
    """The report rows of inputs that were skipped or dropped as duplicates, with reasons."""
    if report.empty or "status" not in report:
        return pd.DataFrame(columns=["file", "row", "status", "reason"])
    keep = report["status"].astype(str) != "loaded"
    columns = [c for c in ("file", "row", "status", "reason") if c in report]
    return report.loc[keep, columns].reset_index(drop=True)


def period_of(dates: pd.Series, freq: str) -> pd.Series:
    """The start of each date's period: ``timeseries.period_start`` on numpy datetime units.

    Same result, several times faster, which matters on every filter change.
    """
    check_freq(freq)
    naive = pd.to_datetime(dates, utc=True).dt.tz_convert(None).to_numpy()
    missing = np.isnat(naive)
    if freq == "day":
        starts = naive.astype("datetime64[D]")
    elif freq == "week":
        days = naive.astype("datetime64[D]")
        # 1970-01-01 was a Thursday: (days + 3) % 7 counts days since Monday.
        since_monday = (days.astype(np.int64) + 3) % 7
        starts = days - since_monday.astype("timedelta64[D]")
    else:
        months = naive.astype("datetime64[M]").astype(np.int64)
        if freq == "quarter":
            months = months - months % 3
        starts = months.astype("datetime64[M]")
    starts = starts.astype("datetime64[ns]")
    starts[missing] = np.datetime64("NaT")
    return pd.Series(starts, index=dates.index, name=S.PERIOD)


def briefing_volume(briefings: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Number of briefings per period, empty periods kept as zero.

    Returns:
        Columns ``period``, ``n_briefings``.
    """
    empty = pd.DataFrame({S.PERIOD: pd.Series(dtype="datetime64[ns]"), N_BRIEFINGS: []})
    if briefings.empty:
        return empty
    periods = period_of(briefings[S.DATE], freq)
    if periods.isna().all():
        return empty
    grid = period_range(periods.min(), periods.max(), freq)
    slot = grid.get_indexer(periods)
    counts = np.bincount(slot[slot >= 0], minlength=len(grid))
    return pd.DataFrame({S.PERIOD: grid.to_numpy(), N_BRIEFINGS: counts.astype(int)})


def _briefing_codes(frame: pd.DataFrame, codes: TableCodes | None) -> np.ndarray:
    """Each row's briefing as an integer: the given codes, else the ids factorised."""
    if codes is not None:
        return np.asarray(codes.briefing, dtype=np.int64)
    return pd.factorize(frame[S.BRIEFING_ID])[0].astype(np.int64)


def _country_codes(frame: pd.DataFrame, codes: TableCodes | None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's country as an integer, and the ISO3 codes those integers stand for."""
    if codes is not None and codes.country is not None and codes.iso3s is not None:
        return np.asarray(codes.country, dtype=np.int64), codes.iso3s.to_numpy(dtype=object)
    found, iso3s = pd.factorize(frame[S.ISO3])
    return found.astype(np.int64), np.asarray(iso3s, dtype=object)


def _pair_codes(
    interactions: pd.DataFrame, codes: TableCodes | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``country_a`` and ``country_b`` as integers into sorted ISO3 codes.

    Returns:
        ``(first_codes, first_iso3s, second_codes, second_iso3s)``; -1 marks a missing code.
    """
    if codes is not None and codes.partner is not None and codes.iso3s is not None:
        iso3s = codes.iso3s.to_numpy(dtype=object)
        return np.asarray(codes.country), iso3s, np.asarray(codes.partner), iso3s
    first_codes, first = pd.factorize(interactions[S.COUNTRY_A], sort=True)
    second_codes, second = pd.factorize(interactions[S.COUNTRY_B], sort=True)
    return (
        first_codes.astype(np.int64),
        np.asarray(first, dtype=object),
        second_codes.astype(np.int64),
        np.asarray(second, dtype=object),
    )


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


def country_totals(
    countries: pd.DataFrame, limit: int | None = None, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Briefings mentioning each country, most mentioned first (ties: by name).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("countries")``),
            which spare hashing ids and country codes on a large table.

    Returns:
        Columns ``iso3``, ``country``, ``n_briefings``.
    """
    if countries.empty:
        return pd.DataFrame({S.ISO3: [], S.COUNTRY: [], N_BRIEFINGS: []})
    country, iso3s = _country_codes(countries, codes)
    counts = distinct_counts(country, _briefing_codes(countries, codes), len(iso3s))
    # The first row naming each country gives its name and its place among equals.
    first = np.full(len(iso3s), len(countries), dtype=np.int64)
    named = country >= 0
    np.minimum.at(first, country[named], np.flatnonzero(named))
    present = np.flatnonzero(first < len(countries))
    names = countries[S.COUNTRY].iloc[first[present]].to_numpy(dtype=object)
    order = np.lexsort((first[present], names, -counts[present]))
    chosen = present[order]
    totals = pd.DataFrame(
        {
            S.ISO3: iso3s[chosen],
            S.COUNTRY: names[order],
            N_BRIEFINGS: counts[chosen],
        }
    )
    return totals.head(limit) if limit is not None else totals


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
        codes: integer codes of the rows of ``countries`` (``FilteredCorpus.codes``).

    Returns:
        Columns ``period``, ``iso3``, ``country``, ``n_briefings``, ``share`` (0-1);
        countries by code, every period of ``briefings`` for each.
    """
    columns = [S.PERIOD, S.ISO3, S.COUNTRY, N_BRIEFINGS, SHARE]
    empty = pd.DataFrame({c: [] for c in columns})
    if countries.empty or briefings.empty or not iso3s:
        return empty
    country, vocabulary = _country_codes(countries, codes)
    wanted = pd.Index(vocabulary).get_indexer(list(iso3s))
    rows = np.flatnonzero(np.isin(country, wanted[wanted >= 0]))
    volume = briefing_volume(briefings, freq)
    if len(rows) == 0 or volume.empty:
        return empty
    grid = pd.DatetimeIndex(volume[S.PERIOD])
    slot = grid.get_indexer(period_of(countries[S.DATE].iloc[rows], freq))
    present = np.unique(country[rows])
    # Countries in code order, each named as on its first row.
    present = present[np.argsort(vocabulary[present], kind="stable")]
    first_rows = rows[[int(np.argmax(country[rows] == code)) for code in present]]
    names = countries[S.COUNTRY].iloc[first_rows].to_numpy(dtype=object)
    rank = np.full(len(vocabulary), -1, dtype=np.int64)
    rank[present] = np.arange(len(present))
    n_periods = len(grid)
    cell = np.where(slot >= 0, rank[country[rows]] * n_periods + slot, -1)
    counts = distinct_counts(
        cell, _briefing_codes(countries, codes)[rows], len(present) * n_periods
    )
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


def comention_edges(
    countries: pd.DataFrame, limit: int = 40, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Pairs of countries named in the same briefing, strongest first.

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("countries")``).

    Returns:
        Columns ``country_a``, ``country_b`` (ISO3, a < b), ``n_briefings``.
    """
    columns = [S.COUNTRY_A, S.COUNTRY_B, N_BRIEFINGS]
    if countries.empty:
        return pd.DataFrame({c: [] for c in columns})
    briefing_codes = _briefing_codes(countries, codes)
    if codes is not None and codes.country is not None and codes.iso3s is not None:
        # The corpus' country codes are sorted, like a sorted factorisation.
        country_codes, country_ids = np.asarray(codes.country), codes.iso3s.to_numpy(dtype=object)
    else:
        country_codes, country_ids = pd.factorize(countries[S.ISO3], sort=True)
    known = (briefing_codes >= 0) & (country_codes >= 0)
    incidence = sp.csr_matrix(
        (
            np.ones(int(known.sum()), dtype=np.int64),
            (briefing_codes[known], country_codes[known]),
        ),
        shape=(int(briefing_codes.max(initial=-1)) + 1, len(country_ids)),
    )
    incidence.data[:] = 1  # a briefing naming a country twice still counts once
    together = sp.triu(incidence.T @ incidence, k=1).tocoo()
    edges = pd.DataFrame(
        {
            S.COUNTRY_A: np.asarray(country_ids)[together.row],
            S.COUNTRY_B: np.asarray(country_ids)[together.col],
            N_BRIEFINGS: together.data.astype(int),
        }
    ).sort_values([N_BRIEFINGS, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True])
    return edges.head(limit).reset_index(drop=True)[columns]


def country_names(artefacts: Artefacts) -> dict[str, str]:
    """ISO3 code -> country name, as found in the corpus."""
    rows = artefacts.countries[[S.ISO3, S.COUNTRY]].drop_duplicates(S.ISO3)
    return dict(zip(rows[S.ISO3], rows[S.COUNTRY], strict=True))


def topic_table(topic_summary: pd.DataFrame) -> pd.DataFrame:
    """Topics with their label, top terms (comma-separated) and size, biggest first."""
    if topic_summary.empty:
        return pd.DataFrame({S.TOPIC_ID: [], "label": [], S.TOP_TERMS: [], N_BRIEFINGS: []})
    table = topic_summary[[S.TOPIC_ID, "label", S.TOP_TERMS, N_BRIEFINGS]].copy()
    table[S.TOP_TERMS] = table[S.TOP_TERMS].map(_as_text)
    return table.sort_values([N_BRIEFINGS, S.TOPIC_ID], ascending=[False, True]).reset_index(
        drop=True
    )


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value.replace("|", ", ")
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return "" if value is None or value is pd.NA else str(value)


OTHER_TOPICS = "other topics"
OTHER_TOPIC_ID = -1


def largest_topics(
    topics: pd.DataFrame, limit: int, *, codes: TableCodes | None = None
) -> list[int]:
    """Ids of the ``limit`` topics with most briefings (ties: lower id first)."""
    if topics.empty:
        return []
    topic_codes, topic_ids = pd.factorize(topics[S.TOPIC_ID].to_numpy(dtype=np.int64), sort=True)
    sizes = distinct_counts(topic_codes, _briefing_codes(topics, codes), len(topic_ids))
    order = np.lexsort((topic_ids, -sizes))
    return [int(t) for t in topic_ids[order][:limit]]


def topic_shares(
    topics: pd.DataFrame, freq: str, limit: int = 8, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Share of each period's briefings in each of the ``limit`` largest topics.

    Smaller topics are summed as ``other topics`` (id -1) so a chart stays readable.

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("topics")``).

    Returns:
        Columns ``period``, ``topic_id``, ``topic_label``, ``n_briefings``, ``share`` (0-1).
    """
    columns = [S.PERIOD, S.TOPIC_ID, S.TOPIC_LABEL, N_BRIEFINGS, SHARE]
    if topics.empty:
        return pd.DataFrame({c: [] for c in columns})
    kept = largest_topics(topics, limit, codes=codes)
    topic_ids = topics[S.TOPIC_ID].to_numpy(dtype=np.int64)
    rank = pd.Index(kept).get_indexer(topic_ids)
    other = len(kept)
    rank[rank < 0] = other
    # Each kept topic's label is the one on its first row, as grouping by label would show.
    first_rows = [int(np.argmax(rank == r)) for r in range(len(kept))]
    group_labels = [*topics[S.TOPIC_LABEL].iloc[first_rows].to_numpy(dtype=object), OTHER_TOPICS]
    periods = period_of(topics[S.DATE], freq)
    dated = periods.notna().to_numpy()
    if not dated.any():
        return pd.DataFrame({c: [] for c in columns})
    grid = period_range(periods.min(), periods.max(), freq)
    slot = grid.get_indexer(periods)
    present = np.bincount(rank[dated], minlength=other + 1) > 0
    n_periods = len(grid)
    cell = np.where(dated, rank * n_periods + slot, -1)
    counts = distinct_counts(cell, _briefing_codes(topics, codes), (other + 1) * n_periods)
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


def topic_country_matrix(
    topics: pd.DataFrame,
    countries: pd.DataFrame,
    limit: int = 15,
    topic_limit: int = 15,
    *,
    topic_codes: TableCodes | None = None,
    country_codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Briefings per topic and country: the ``limit`` most mentioned countries and
    the ``topic_limit`` largest topics, largest first.

    Parameters:
        topic_codes, country_codes: integer codes of the rows of ``topics`` and
            ``countries`` (``FilteredCorpus.codes``); both or neither.

    Returns:
        Long table: ``topic_label``, ``iso3``, ``country``, ``n_briefings`` (zeros included).
    """
    columns = [S.TOPIC_LABEL, S.ISO3, S.COUNTRY, N_BRIEFINGS]
    top = country_totals(countries, limit, codes=country_codes)
    if top.empty or topics.empty:
        return pd.DataFrame({c: [] for c in columns})
    kept = largest_topics(topics, topic_limit, codes=topic_codes)
    if topic_codes is not None and country_codes is not None:
        topic_briefing = _briefing_codes(topics, topic_codes)
        country_briefing = _briefing_codes(countries, country_codes)
    else:
        # One factorisation of both tables' ids, so equal ids get equal integers.
        joint = pd.factorize(
            pd.concat([topics[S.BRIEFING_ID], countries[S.BRIEFING_ID]], ignore_index=True)
        )[0]
        topic_briefing, country_briefing = joint[: len(topics)], joint[len(topics) :]
    topic_ids = topics[S.TOPIC_ID].to_numpy(dtype=np.int64)
    first_rows = [int(np.argmax(topic_ids == topic_id)) for topic_id in kept]
    kept_labels = topics[S.TOPIC_LABEL].iloc[first_rows].to_numpy(dtype=object)
    label_order = list(dict.fromkeys(kept_labels))
    # Each row's topic label (as a position in label_order), -1 outside kept topics.
    kept_rank = pd.Index(kept).get_indexer(topic_ids)
    label_of_kept = pd.Index(label_order).get_indexer(kept_labels)
    label_rank = np.where(kept_rank >= 0, label_of_kept[np.maximum(kept_rank, 0)], -1)
    width = int(max(topic_briefing.max(initial=-1), country_briefing.max(initial=-1))) + 1
    label_of_briefing = np.full(width, -1, dtype=np.int64)
    label_of_briefing[topic_briefing] = label_rank
    country, iso3s = _country_codes(countries, country_codes)
    country_rank = np.full(len(iso3s), -1, dtype=np.int64)
    country_rank[pd.Index(iso3s).get_indexer(top[S.ISO3])] = np.arange(len(top))
    row_country = np.where(country >= 0, country_rank[np.maximum(country, 0)], -1)
    row_label = label_of_briefing[country_briefing]
    cell = np.where((row_country >= 0) & (row_label >= 0), row_label * len(top) + row_country, -1)
    counts = distinct_counts(cell, country_briefing, len(label_order) * len(top))
    return pd.DataFrame(
        {
            S.TOPIC_LABEL: np.repeat(np.array(label_order, dtype=object), len(top)),
            S.ISO3: np.tile(top[S.ISO3].to_numpy(dtype=object), len(label_order)),
            S.COUNTRY: np.tile(top[S.COUNTRY].to_numpy(dtype=object), len(label_order)),
            N_BRIEFINGS: counts.astype(np.int64),
        }
    )[columns]


def representative_briefings(
    topic_summary: pd.DataFrame, briefings: pd.DataFrame, topic_id: int
) -> pd.DataFrame:
    """The topic's representative briefings still in ``briefings``: id, date, title, source."""
    row = topic_summary[topic_summary[S.TOPIC_ID] == topic_id]
    ids = str(row["representative_ids"].iloc[0]).split("|") if not row.empty else []
    chosen = briefings[briefings[S.BRIEFING_ID].isin(ids)]
    return chosen[[S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]].reset_index(drop=True)


def pair_label(a: str, b: str, names: dict[str, str]) -> str:
    """``"China – Japan"``: a readable name for a country pair."""
    return f"{names.get(a, a)} – {names.get(b, b)}"


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
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.TENSION, S.ALLIANCE, S.NET]
    reported = ~interactions[S.FORWARD_LOOKING].astype(bool).to_numpy()
    if not reported.any():
        return pd.DataFrame({c: [] for c in columns})
    # relations.pair_summary on integer pair codes: one bincount per measure.
    first_codes, first, second_codes, second = _pair_codes(interactions, codes)
    valid = reported & (first_codes >= 0) & (second_codes >= 0)
    key = first_codes[valid].astype(np.int64) * len(second) + second_codes[valid]
    scores = interactions[S.SCORE].to_numpy(dtype=float)[valid]
    size = len(first) * len(second)
    counts = np.bincount(key, minlength=size)
    tension = np.bincount(key, weights=np.where(scores < 0, -scores, 0.0), minlength=size)
    alliance = np.bincount(key, weights=np.where(scores > 0, scores, 0.0), minlength=size)
    total = np.bincount(key, weights=scores, minlength=size)
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
    )


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


def briefing_positions(artefacts: Artefacts, table: pd.DataFrame) -> np.ndarray:
    """Each row's briefing position in ``artefacts.briefings`` (-1 when unknown).

    Computed once for a per-briefing table such as ``briefing_list``, it lets
    ``selected_rows`` restrict the table by array indexing on every filter change.
    """
    ids = pd.Index(artefacts.briefings[S.BRIEFING_ID])
    return ids.get_indexer(table[S.BRIEFING_ID]).astype(np.int64)


def selected_rows(table: pd.DataFrame, positions: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    """The rows of ``table`` whose briefing is selected, order kept.

    Parameters:
        positions: ``briefing_positions(corpus, table)``.
        keep: a boolean per corpus briefing, e.g. ``FilteredCorpus.keep``.
    """
    rows = (positions >= 0) & np.asarray(keep, dtype=bool)[np.maximum(positions, 0)]
    if rows.all():
        return table
    return table[rows].reset_index(drop=True)


def restrict_to_briefings(table: pd.DataFrame, briefings: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` whose briefing is in ``briefings`` (order kept)."""
    return restrict_to_ids(table, briefings[S.BRIEFING_ID])


def restrict_to_ids(table: pd.DataFrame, ids: Sequence[str] | pd.Series) -> pd.DataFrame:
    """The rows of ``table`` whose ``briefing_id`` is one of ``ids`` (order kept)."""
    if len(ids) == 0:
        return table.iloc[0:0].reset_index(drop=True)
    # A hash lookup: Series.isin against tens of thousands of strings is ~20x slower.
    allowed = pd.Index(np.asarray(ids, dtype=object)).unique()
    keep = allowed.get_indexer(table[S.BRIEFING_ID].to_numpy(dtype=object)) >= 0
    return table[keep].reset_index(drop=True)


def relation_timeline(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    pairs: list[tuple[str, str]],
    freq: str,
    *,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Tension, alliance and net score per period for chosen pairs, split by outlook.

    Built on ``relations.relations_over_time``: ``tension`` sums ``|score|`` of
    conflict sentences, ``alliance`` sums cooperation scores, ``net`` is the mean
    score. Sentences about what is expected (``forward_looking``) are counted
    apart from those reporting what happened. ``codes`` (``FilteredCorpus.codes``)
    find the pairs' rows without comparing strings.

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``forward_looking``,
        ``n_interactions``, ``tension``, ``alliance``, ``net``.
    """
    keys = [S.COUNTRY_A, S.COUNTRY_B, S.FORWARD_LOOKING]
    columns = [S.PERIOD, *keys, S.N_INTERACTIONS, S.TENSION, S.ALLIANCE, S.NET]
    if not pairs or interactions.empty or briefings.empty:
        return pd.DataFrame({c: [] for c in columns})
    briefing_periods = period_of(briefings[S.DATE], freq)
    lo, hi = briefing_periods.min(), briefing_periods.max()
    if pd.isna(lo) or pd.isna(hi):
        return pd.DataFrame({c: [] for c in columns})
    grid = period_range(lo, hi, freq)
    n_periods = len(grid)
    chosen = interactions[pair_mask(interactions, pairs, codes=codes)]
    forward = chosen[S.FORWARD_LOOKING].fillna(False).astype(bool).to_numpy()
    slots = grid.get_indexer(period_of(chosen[S.DATE], freq))
    scores = chosen[S.SCORE].to_numpy(dtype=float)
    # Plain object arrays: iterating an Arrow-backed column element by element is slow.
    sides = list(
        zip(
            chosen[S.COUNTRY_A].to_numpy(dtype=object),
            chosen[S.COUNTRY_B].to_numpy(dtype=object),
            strict=True,
        )
    )
    wanted = {(min(a, b), max(a, b)) for a, b in pairs}
    parts = []
    # As relations.relations_over_time, per outlook: every wanted pair (in a-b order)
    # and every pair seen, each over the corpus' whole period range.
    for outlook in (False, True):
        mine = np.flatnonzero((forward == outlook) & (slots >= 0))
        seen = sorted(wanted | {sides[i] for i in mine})
        code = {pair: number for number, pair in enumerate(seen)}
        cell = np.array([code[sides[i]] for i in mine], dtype=np.int64) * n_periods + slots[mine]
        size = len(seen) * n_periods
        part_scores = scores[mine]
        counts = np.bincount(cell, minlength=size)
        total = np.bincount(cell, weights=part_scores, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            net = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
        parts.append(
            pd.DataFrame(
                {
                    S.PERIOD: np.tile(grid.to_numpy(), len(seen)),
                    S.COUNTRY_A: np.repeat(np.array([a for a, _ in seen], dtype=object), n_periods),
                    S.COUNTRY_B: np.repeat(np.array([b for _, b in seen], dtype=object), n_periods),
                    S.FORWARD_LOOKING: outlook,
                    S.N_INTERACTIONS: counts.astype(int),
                    S.TENSION: np.bincount(
                        cell, weights=np.where(part_scores < 0, -part_scores, 0.0), minlength=size
                    ),
                    S.ALLIANCE: np.bincount(
                        cell, weights=np.where(part_scores > 0, part_scores, 0.0), minlength=size
                    ),
                    S.NET: net,
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


def spike_alerts(
    interactions: pd.DataFrame,
    briefings: pd.DataFrame,
    freq: str,
    *,
    min_conflicts: int = 3,
    baseline_periods: int = 6,
    spike_k: float = 2.0,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Periods in which a pair's tension jumped above its own recent level.

    The spike rule of ``relations.relations_over_time``: ``tension_share`` (tension
    per briefing of the period) above ``baseline`` (the mean over up to
    ``baseline_periods`` earlier periods with briefings, at least two) plus
    ``spike_k`` standard deviations, with at least three conflict sentences in the
    period; computed on integer (pair, period) cells for every pair with at least
    ``min_conflicts`` conflict sentences in ``interactions`` (no other pair can spike).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("interactions")``).

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``n_interactions``,
        ``tension``, ``tension_share``, ``baseline``; newest first.
    """
    columns = [
        S.PERIOD,
        S.COUNTRY_A,
        S.COUNTRY_B,
        S.N_INTERACTIONS,
        S.TENSION,
        S.TENSION_SHARE,
        S.BASELINE,
    ]
    empty = pd.DataFrame({c: [] for c in columns})
    # Whole columns and a mask: cutting the table itself would copy every sentence.
    reported = ~interactions[S.FORWARD_LOOKING].astype(bool).to_numpy()
    scores = interactions[S.SCORE].to_numpy(dtype=float)
    if briefings.empty or not (reported & (scores < 0)).any():
        return empty
    first_codes, first, second_codes, second = _pair_codes(interactions, codes)
    # Sorted codes of each side give pairs in (country_a, country_b) order.
    pair_key = first_codes.astype(np.int64) * len(second) + second_codes
    named = (first_codes >= 0) & (second_codes >= 0) & reported
    pair_key[~named] = -1
    conflicts_per_pair = np.bincount(
        pair_key[(scores < 0) & named], minlength=len(first) * len(second)
    )
    kept_keys = np.flatnonzero(conflicts_per_pair >= min_conflicts)
    if len(kept_keys) == 0:
        return empty
    briefing_periods = period_of(briefings[S.DATE], freq)
    lo, hi = briefing_periods.min(), briefing_periods.max()
    if pd.isna(lo) or pd.isna(hi):
        return empty
    grid = period_range(lo, hi, freq)
    n_periods = len(grid)
    briefing_slot = grid.get_indexer(briefing_periods)
    per_period = np.bincount(briefing_slot[briefing_slot >= 0], minlength=n_periods)

    pair_code = np.searchsorted(kept_keys, pair_key)
    slot = grid.get_indexer(period_of(interactions[S.DATE], freq))
    inside = (slot >= 0) & named & (pair_code < len(kept_keys))
    inside[inside] &= kept_keys[pair_code[inside]] == pair_key[inside]
    cell = pair_code[inside] * n_periods + slot[inside]
    chosen_scores = scores[inside]
    n_cells = len(kept_keys) * n_periods
    counts = np.bincount(cell, minlength=n_cells)
    conflicts = np.bincount(cell, weights=(chosen_scores < 0).astype(float), minlength=n_cells)
    tension = np.bincount(
        cell, weights=np.where(chosen_scores < 0, -chosen_scores, 0.0), minlength=n_cells
    )
    observed = np.tile(per_period, len(kept_keys)) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            observed, tension / np.tile(np.maximum(per_period, 1), len(kept_keys)), np.nan
        )
    baseline, spike = spike_cells(
        share.reshape(-1, n_periods),
        conflicts.reshape(-1, n_periods),
        baseline_periods=baseline_periods,
        spike_k=spike_k,
    )
    baseline, spike = baseline.reshape(-1), spike.reshape(-1)
    hits = np.flatnonzero(spike)
    pair_of = kept_keys[hits // n_periods]
    alerts = pd.DataFrame(
        {
            S.PERIOD: grid.to_numpy()[hits % n_periods],
            S.COUNTRY_A: np.asarray(first, dtype=object)[pair_of // len(second)],
            S.COUNTRY_B: np.asarray(second, dtype=object)[pair_of % len(second)],
            S.N_INTERACTIONS: counts[hits].astype(np.int64),
            S.TENSION: tension[hits],
            S.TENSION_SHARE: share[hits],
            S.BASELINE: baseline[hits],
        }
    )
    alerts = alerts.sort_values([S.PERIOD, S.TENSION], ascending=[False, False], kind="stable")
    return alerts[columns].reset_index(drop=True)


def rising_countries(
    countries: pd.DataFrame, briefings: pd.DataFrame, freq: str, limit: int = 5
) -> pd.DataFrame:
    """Countries whose share of briefings rose most in the latest period vs. the one before.

    Returns:
        Columns ``iso3``, ``country``, ``share`` (latest), ``previous``, ``change``.
    """
    columns = [S.ISO3, S.COUNTRY, SHARE, "previous", "change"]
    if briefings.empty or countries.empty:
        return pd.DataFrame({c: [] for c in columns})
    briefing_periods = period_of(briefings[S.DATE], freq)
    last = briefing_periods.max()
    if pd.isna(last):
        return pd.DataFrame({c: [] for c in columns})
    previous = pd.Timestamp(period_before(last, freq))
    country_periods = period_of(countries[S.DATE], freq)

    def shares(period: pd.Timestamp) -> pd.Series:
        total = int((briefing_periods == period).sum())
        rows = countries[(country_periods == period).to_numpy()]
        counts = rows.groupby([S.ISO3, S.COUNTRY])[S.BRIEFING_ID].nunique()
        return counts / total if total else counts * 0.0

    latest = shares(last)
    before = shares(previous)
    table = pd.DataFrame({SHARE: latest, "previous": before.reindex(latest.index).fillna(0)})
    table["change"] = table[SHARE] - table["previous"]
    table = table[table["change"] > 0].reset_index()
    table = table.sort_values(["change", S.ISO3], ascending=[False, True], kind="stable")
    return table.head(limit).reset_index(drop=True)[columns]


def period_before(period: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start of the period before ``period``."""
    step = {
        "day": pd.DateOffset(days=1),
        "week": pd.DateOffset(weeks=1),
        "month": pd.DateOffset(months=1),
        "quarter": pd.DateOffset(months=3),
    }[check_freq(freq)]
    return pd.Timestamp(period) - step


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
        chosen = chosen[period_of(chosen[S.DATE], freq) == pd.Timestamp(period)]
    return chosen.sort_values([S.DATE, S.BRIEFING_ID], kind="stable").reset_index(drop=True)


def briefing_list(artefacts: Artefacts) -> pd.DataFrame:
    """One row per briefing for the searchable table: date, title, source, countries, topic."""
    briefings = artefacts.briefings
    named = artefacts.countries[[S.BRIEFING_ID, S.COUNTRY]].drop_duplicates()
    named = named.sort_values([S.BRIEFING_ID, S.COUNTRY], kind="stable")
    # Join each briefing's run of sorted names on plain arrays: a groupby with a
    # Python join per group walks Arrow strings one by one (seconds on 100k briefings).
    ids = named[S.BRIEFING_ID].to_numpy(dtype=object)
    countries = named[S.COUNTRY].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    ends = np.r_[starts[1:], len(ids)]
    names = pd.Series(
        [", ".join(countries[start:end]) for start, end in zip(starts, ends, strict=True)],
        index=pd.Index(ids[starts], name=S.BRIEFING_ID),
        name="countries",
        dtype=object,
    )
    topic = artefacts.topics.set_index(S.BRIEFING_ID)[S.TOPIC_LABEL]
    table = briefings[[S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]].copy()
    table["countries"] = table[S.BRIEFING_ID].map(names).fillna("")
    table["topic"] = table[S.BRIEFING_ID].map(topic).fillna("")
    return table.sort_values([S.DATE, S.BRIEFING_ID], ascending=[False, True]).reset_index(
        drop=True
    )


def briefing_sections(artefacts: Artefacts, briefing_id: str) -> pd.DataFrame:
    """The sections of one briefing with their text, in reading order.

    Returns:
        Columns ``section``, ``text`` (title first, then the three sections, or ``body``).
    """
    from analytics.text import segment_table

    row = artefacts.briefings[artefacts.briefings[S.BRIEFING_ID] == briefing_id]
    segments = segment_table(row)
    return segments[[S.SECTION, S.TEXT]].reset_index(drop=True)


def section_marks(
    artefacts: Artefacts,
    briefing_id: str,
    section: str,
    text: str,
    start: int = 0,
    end: int | None = None,
) -> list[tuple[int, int, str]]:
    """Character spans to highlight in one section, or in its part ``text[start:end]``.

    Countries are the mentions lying wholly in the part; cue words are found in the part
    only, so a page of a long briefing costs its own length, not the briefing's.

    Returns:
        Sorted, non-overlapping ``(start, end, kind)`` with kind ``country`` or ``cue``,
        relative to ``start``.
    """
    end = len(text) if end is None else end
    mentions = artefacts.mentions
    rows = mentions[(mentions[S.BRIEFING_ID] == briefing_id) & (mentions[S.SECTION] == section)]
    starts = rows[S.START].to_numpy(dtype=np.int64)
    ends = rows[S.END].to_numpy(dtype=np.int64)
    inside = (starts >= start) & (ends <= end)
    marks = [
        (a - start, b - start, "country")
        for a, b in zip(starts[inside].tolist(), ends[inside].tolist(), strict=True)
    ]
    interactions = artefacts.interactions
    said = interactions[
        (interactions[S.BRIEFING_ID] == briefing_id) & (interactions[S.SECTION] == section)
    ]
    part = text[start:end] if (start, end) != (0, len(text)) else text
    seen: set[str] = set()
    for cues in said[S.CUES]:
        if isinstance(cues, str):
            # A repeated cue list finds the same spans again, which merging drops anyway.
            if cues in seen:
                continue
            seen.add(cues)
        marks += cue_spans(part, cues)
    return merge_marks(marks)


def cue_words(cues: object) -> list[str]:
    """The cue phrases of an interaction (stored as ``|``-separated text or a list)."""
    if isinstance(cues, str):
        text = cues.strip()
        if text.startswith("[") and text.endswith("]"):
            # A list written out as text by a table store: "['sanction', 'warn']".
            text = text[1:-1].replace("'", "").replace('"', "").replace(",", "|")
        return [c.strip() for c in text.replace(";", "|").split("|") if c.strip()]
    if isinstance(cues, list | tuple | np.ndarray):
        return [str(c).strip() for c in cues if str(c).strip()]
    return []


def cue_spans(text: str, cues: object) -> list[tuple[int, int, str]]:
    """Every case-insensitive occurrence of each cue phrase in ``text``."""
    lowered = text.lower()
    spans = []
    for cue in cue_words(cues):
        needle = cue.lower()
        at = lowered.find(needle)
        while at >= 0:
            spans.append((at, at + len(needle), "cue"))
            at = lowered.find(needle, at + len(needle))
    return spans


def merge_marks(marks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sort spans and drop those overlapping an earlier one (first come wins)."""
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(marks):
        if end <= start or (kept and start < kept[-1][1]):
            continue
        kept.append((start, end, kind))
    return kept


def split_marked(text: str, marks: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Cut ``text`` into ``(piece, kind)`` runs; ``kind`` is ``None`` for unmarked text."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for start, end, kind in merge_marks(marks):
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], kind))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def leading_codes(totals: pd.DataFrame, limit: int = 5) -> list[str]:
    """The ISO3 codes of the first ``limit`` rows of ``country_totals``."""
    return [str(code) for code in totals[S.ISO3].head(limit)]


def pair_options(interactions: pd.DataFrame, limit: int = 40) -> list[tuple[str, str]]:
    """The most discussed country pairs, as ``(country_a, country_b)`` tuples."""
    return pairs_of(top_pairs(interactions, limit))


def pairs_of(ranked: pd.DataFrame, limit: int | None = None) -> list[tuple[str, str]]:
    """The first ``limit`` pairs of a ``top_pairs`` table as ``(country_a, country_b)`` tuples."""
    head = ranked.head(limit) if limit is not None else ranked
    return list(zip(head[S.COUNTRY_A], head[S.COUNTRY_B], strict=True))


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
    return period_of(table[S.DATE], freq)


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
    """Interaction rows for display: date, pair, section, score, class, cues, sentence."""
    columns = [
        S.DATE,
        PAIR,
        S.BRIEFING_ID,
        S.SECTION,
        S.SCORE,
        S.CLASS,
        S.FORWARD_LOOKING,
        S.CUES,
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


def briefing_record(artefacts: Artefacts, briefing_id: str) -> dict[str, object]:
    """Date, title, source, url and origin of one briefing (empty dict when absent)."""
    rows = artefacts.briefings[artefacts.briefings[S.BRIEFING_ID] == briefing_id]
    if rows.empty:
        return {}
    row = rows.iloc[0]
    return {
        c: row[c] for c in (S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE, S.URL, S.ORIGIN) if c in row
    }


# Characters of briefing text the reader shows at once: a long briefing is read page by
# page, so the browser never receives more than about this much of it.
READER_PAGE_CHARS = 20_000


class PagePart(NamedTuple):
    """The characters ``start`` to ``end`` of one section, shown on one page."""

    section: str
    start: int
    end: int


class ReaderPages(NamedTuple):
    """A briefing's body sections and how they fall into pages."""

    sections: dict[str, str]
    pages: list[list[PagePart]]


class ReaderSection(NamedTuple):
    """One section's part on the shown page, countries and cues marked."""

    section: str
    pieces: list[tuple[str, str | None]]
    continued: bool  # the part starts inside the section (it began on an earlier page)


def page_cut(text: str, start: int, limit: int) -> int:
    """Where a page that starts at ``start`` and may reach ``limit`` ends.

    The last paragraph break before ``limit``, else the last sentence end, else the last
    space, each only in the page's second half (so pages stay near their size); else
    ``limit`` itself. Only the page's own characters are searched.
    """
    if limit >= len(text):
        return len(text)
    half = start + (limit - start) // 2
    for boundary in ("\n\n", ". ", "? ", "! ", "\n", " "):
        at = text.rfind(boundary, half, limit)
        if at >= 0:
            return at + len(boundary)
    return limit


def reader_pages(
    artefacts: Artefacts, briefing_id: str, page_chars: int = READER_PAGE_CHARS
) -> ReaderPages:
    """Lay a briefing's body sections (not the title) out on pages of ``page_chars``.

    Sections follow each other on a page while they fit; a longer one is cut on a
    paragraph or sentence boundary (``page_cut``). A briefing shorter than a page is one
    page holding every section whole.

    Raises:
        InputError: when ``page_chars`` is below 100.
    """
    if page_chars < 100:
        raise InputError(f"page_chars must be at least 100; got {page_chars!r}")
    table = briefing_sections(artefacts, briefing_id)
    sections = {
        section: text
        for section, text in zip(table[S.SECTION], table[S.TEXT], strict=True)
        if section != S.SECTION_TITLE
    }
    pages: list[list[PagePart]] = [[]]
    room = page_chars
    for section, text in sections.items():
        at = 0
        while at < len(text):
            # A section that does not fit in the little room left starts a new page.
            if room <= 0 or (len(text) - at > room and room < page_chars // 4 and pages[-1]):
                pages.append([])
                room = page_chars
            end = page_cut(text, at, at + room)
            pages[-1].append(PagePart(section, at, end))
            room -= end - at
            at = end
            if at < len(text):
                room = 0  # the section goes on: the rest starts a new page
    return ReaderPages(sections, pages)


def reader_page(
    artefacts: Artefacts, briefing_id: str, layout: ReaderPages, page: int
) -> list[ReaderSection]:
    """The sections' parts on page ``page`` (1-based) of ``layout``, countries and cues marked.

    Highlights are found for this page only.

    Raises:
        InputError: when ``page`` is not between 1 and the number of pages.
    """
    if not 1 <= page <= len(layout.pages):
        raise InputError(f"page must be between 1 and {len(layout.pages)}; got {page!r}")
    artefacts = only_briefing(artefacts, briefing_id)
    shown = []
    for part in layout.pages[page - 1]:
        text = layout.sections[part.section]
        marks = section_marks(artefacts, briefing_id, part.section, text, part.start, part.end)
        piece = text[part.start : part.end]
        shown.append(ReaderSection(part.section, split_marked(piece, marks), part.start > 0))
    return shown


def only_briefing(artefacts: Artefacts, briefing_id: str) -> Artefacts:
    """The corpus cut down to one briefing's rows (briefings, mentions, interactions)."""
    import dataclasses

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame[S.BRIEFING_ID] == briefing_id]

    return dataclasses.replace(
        artefacts,
        briefings=rows(artefacts.briefings),
        mentions=rows(artefacts.mentions),
        interactions=rows(artefacts.interactions),
    )


def day_text(value: object) -> str:
    """``YYYY-MM-DD`` for a timestamp, ``unknown date`` when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "unknown date"
    stamp = pd.Timestamp(value)
    return "unknown date" if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def briefing_labels(table: pd.DataFrame) -> dict[str, str]:
    """Briefing id -> ``"YYYY-MM-DD · title"`` for pickers (first 90 characters of the title)."""
    days = pd.to_datetime(table[S.DATE], utc=True).dt.strftime("%Y-%m-%d").fillna("undated")
    titles = table[S.TITLE].fillna("").astype(str).str.slice(0, 90)
    return dict(zip(table[S.BRIEFING_ID], days + " · " + titles, strict=True))


def briefing_ids(
    table: pd.DataFrame, *, limit: int | None = None, keep: str | None = None
) -> list[str]:
    """The ``briefing_id`` column of a table as a list.

    Parameters:
        limit: at most this many ids (the first rows), so a picker stays fast on a
            large corpus; the table itself still holds every row.
        keep: an id always included (e.g. the row the user selected), even past ``limit``.
    """
    ids = [str(v) for v in table[S.BRIEFING_ID].iloc[:limit]]
    if keep is not None and keep not in ids and keep in set(table[S.BRIEFING_ID].astype(str)):
        ids.append(keep)
    return ids


def row_id(table: pd.DataFrame, rows: list[int]) -> str | None:
    """The briefing id of the first selected row position, if any."""
    if not rows or table.empty or rows[0] >= len(table):
        return None
    return str(table[S.BRIEFING_ID].iloc[rows[0]])
