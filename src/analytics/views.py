"""The small tables each dashboard view draws, computed from (filtered) artefacts.

Pages stay thin: every grouping, ranking and join a view needs lives here, pure
and tested, and the page only hands the result to a chart builder or a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.timeseries import check_freq, complete_periods

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


def corpus_figures(artefacts: Artefacts) -> CorpusFigures:
    """Count briefings, countries, topics and skipped or duplicate inputs."""
    dates = pd.to_datetime(artefacts.briefings[S.DATE], utc=True).dropna()
    status = artefacts.report.get("status", pd.Series(dtype=str)).astype(str)
    topics = artefacts.topics
    return CorpusFigures(
        n_briefings=len(artefacts.briefings),
        first_day=dates.min() if len(dates) else None,
        last_day=dates.max() if len(dates) else None,
        n_countries=int(artefacts.countries[S.ISO3].nunique()),
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
    if briefings.empty:
        return pd.DataFrame({S.PERIOD: pd.Series(dtype="datetime64[ns]"), N_BRIEFINGS: []})
    counts = (
        pd.DataFrame({S.PERIOD: period_of(briefings[S.DATE], freq)})
        .groupby(S.PERIOD)
        .size()
        .reset_index(name=N_BRIEFINGS)
    )
    return complete_periods(counts, freq).astype({N_BRIEFINGS: int})


def country_totals(countries: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Briefings mentioning each country, most mentioned first.

    Returns:
        Columns ``iso3``, ``country``, ``n_briefings``.
    """
    if countries.empty:
        return pd.DataFrame({S.ISO3: [], S.COUNTRY: [], N_BRIEFINGS: []})
    totals = (
        countries.groupby([S.ISO3, S.COUNTRY], sort=False)[S.BRIEFING_ID]
        .nunique()
        .reset_index(name=N_BRIEFINGS)
        .sort_values([N_BRIEFINGS, S.COUNTRY], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return totals.head(limit) if limit is not None else totals


def country_attention(
    countries: pd.DataFrame, briefings: pd.DataFrame, iso3s: list[str], freq: str
) -> pd.DataFrame:
    """Per period, how many briefings mention each country and what share of all briefings.

    Returns:
        Columns ``period``, ``iso3``, ``country``, ``n_briefings``, ``share`` (0-1).
    """
    columns = [S.PERIOD, S.ISO3, S.COUNTRY, N_BRIEFINGS, SHARE]
    chosen = countries[countries[S.ISO3].isin(iso3s)]
    if chosen.empty or briefings.empty:
        return pd.DataFrame({c: [] for c in columns})
    counts = (
        chosen.assign(**{S.PERIOD: period_of(chosen[S.DATE], freq)})
        .groupby([S.ISO3, S.COUNTRY, S.PERIOD])[S.BRIEFING_ID]
        .nunique()
        .reset_index(name=N_BRIEFINGS)
    )
    volume = briefing_volume(briefings, freq)
    counts = complete_periods(
        counts,
        freq,
        keys=[S.ISO3, S.COUNTRY],
        start=volume[S.PERIOD].min(),
        end=volume[S.PERIOD].max(),
    )
    merged = counts.merge(volume, on=S.PERIOD, how="left", suffixes=("", "_all"))
    total = merged[f"{N_BRIEFINGS}_all"].replace(0, np.nan)
    merged[SHARE] = (merged[N_BRIEFINGS] / total).fillna(0.0)
    merged[N_BRIEFINGS] = merged[N_BRIEFINGS].astype(int)
    return merged[columns]


def comention_edges(countries: pd.DataFrame, limit: int = 40) -> pd.DataFrame:
    """Pairs of countries named in the same briefing, strongest first.

    Returns:
        Columns ``country_a``, ``country_b`` (ISO3, a < b), ``n_briefings``.
    """
    columns = [S.COUNTRY_A, S.COUNTRY_B, N_BRIEFINGS]
    if countries.empty:
        return pd.DataFrame({c: [] for c in columns})
    briefing_codes, briefing_ids = pd.factorize(countries[S.BRIEFING_ID])
    country_codes, country_ids = pd.factorize(countries[S.ISO3], sort=True)
    incidence = sp.csr_matrix(
        (np.ones(len(countries), dtype=np.int64), (briefing_codes, country_codes)),
        shape=(len(briefing_ids), len(country_ids)),
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


def largest_topics(topics: pd.DataFrame, limit: int) -> list[int]:
    """Ids of the ``limit`` topics with most briefings (ties: lower id first)."""
    sizes = topics.groupby(S.TOPIC_ID)[S.BRIEFING_ID].nunique()
    ranked = sizes.reset_index(name="n").sort_values(["n", S.TOPIC_ID], ascending=[False, True])
    return [int(t) for t in ranked[S.TOPIC_ID].head(limit)]


def topic_shares(topics: pd.DataFrame, freq: str, limit: int = 8) -> pd.DataFrame:
    """Share of each period's briefings in each of the ``limit`` largest topics.

    Smaller topics are summed as ``other topics`` (id -1) so a chart stays readable.

    Returns:
        Columns ``period``, ``topic_id``, ``topic_label``, ``n_briefings``, ``share`` (0-1).
    """
    columns = [S.PERIOD, S.TOPIC_ID, S.TOPIC_LABEL, N_BRIEFINGS, SHARE]
    if topics.empty:
        return pd.DataFrame({c: [] for c in columns})
    kept = largest_topics(topics, limit)
    is_kept = topics[S.TOPIC_ID].isin(kept)
    grouped = topics.assign(
        **{
            S.PERIOD: period_of(topics[S.DATE], freq),
            S.TOPIC_ID: topics[S.TOPIC_ID].where(is_kept, OTHER_TOPIC_ID),
            S.TOPIC_LABEL: topics[S.TOPIC_LABEL].where(is_kept, OTHER_TOPICS),
        }
    )
    counts = (
        grouped.groupby([S.TOPIC_ID, S.TOPIC_LABEL, S.PERIOD])[S.BRIEFING_ID]
        .nunique()
        .reset_index(name=N_BRIEFINGS)
    )
    counts = complete_periods(counts, freq, keys=[S.TOPIC_ID, S.TOPIC_LABEL])
    totals = counts.groupby(S.PERIOD)[N_BRIEFINGS].transform("sum").replace(0, np.nan)
    counts[SHARE] = (counts[N_BRIEFINGS] / totals).fillna(0.0)
    counts[N_BRIEFINGS] = counts[N_BRIEFINGS].astype(int)
    order = {topic: rank for rank, topic in enumerate([*kept, OTHER_TOPIC_ID])}
    counts = counts.sort_values(
        [S.TOPIC_ID, S.PERIOD], key=lambda c: c.map(order) if c.name == S.TOPIC_ID else c
    )
    return counts[columns].reset_index(drop=True)


def topic_country_matrix(
    topics: pd.DataFrame, countries: pd.DataFrame, limit: int = 15, topic_limit: int = 15
) -> pd.DataFrame:
    """Briefings per topic and country: the ``limit`` most mentioned countries and
    the ``topic_limit`` largest topics, largest first.

    Returns:
        Long table: ``topic_label``, ``iso3``, ``country``, ``n_briefings`` (zeros included).
    """
    columns = [S.TOPIC_LABEL, S.ISO3, S.COUNTRY, N_BRIEFINGS]
    top = country_totals(countries, limit)
    if top.empty or topics.empty:
        return pd.DataFrame({c: [] for c in columns})
    kept = largest_topics(topics, topic_limit)
    chosen_topics = topics[topics[S.TOPIC_ID].isin(kept)]
    labels = chosen_topics.drop_duplicates(S.TOPIC_ID).set_index(S.TOPIC_ID)[S.TOPIC_LABEL]
    joined = countries[countries[S.ISO3].isin(top[S.ISO3])].merge(
        chosen_topics[[S.BRIEFING_ID, S.TOPIC_LABEL]], on=S.BRIEFING_ID
    )
    counts = joined.groupby([S.TOPIC_LABEL, S.ISO3])[S.BRIEFING_ID].nunique()
    grid = pd.MultiIndex.from_product(
        [list(dict.fromkeys(labels.reindex(kept))), list(top[S.ISO3])],
        names=[S.TOPIC_LABEL, S.ISO3],
    )
    matrix = counts.reindex(grid, fill_value=0).reset_index(name=N_BRIEFINGS)
    matrix[S.COUNTRY] = matrix[S.ISO3].map(dict(zip(top[S.ISO3], top[S.COUNTRY], strict=True)))
    return matrix[columns]


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
        pair_label(a, b, names) for a, b in zip(frame[S.COUNTRY_A], frame[S.COUNTRY_B], strict=True)
    ]
    labelled = frame.assign(**{PAIR: pd.Series(labels, index=frame.index, dtype=object)})
    return labelled[[PAIR, *frame.columns]]


def top_pairs(interactions: pd.DataFrame, limit: int = 30) -> pd.DataFrame:
    """The ``limit`` most discussed pairs (``relations.pair_summary``, reported sentences).

    Returns:
        ``country_a``, ``country_b``, ``n_interactions``, ``tension``, ``alliance``, ``net``.
    """
    from analytics.relations import pair_summary

    return pair_summary(interactions).head(limit).reset_index(drop=True)


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


def pair_mask(interactions: pd.DataFrame, pairs: list[tuple[str, str]]) -> np.ndarray:
    """A boolean per interaction: is its (country_a, country_b) one of ``pairs``?"""
    first = interactions[S.COUNTRY_A]
    second = interactions[S.COUNTRY_B]
    keep = np.zeros(len(interactions), dtype=bool)
    for a, b in pairs:
        keep |= ((first == a) & (second == b)).to_numpy(dtype=bool)
    return keep


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
) -> pd.DataFrame:
    """Tension, alliance and net score per period for chosen pairs, split by outlook.

    Built on ``relations.relations_over_time``: ``tension`` sums ``|score|`` of
    conflict sentences, ``alliance`` sums cooperation scores, ``net`` is the mean
    score. Sentences about what is expected (``forward_looking``) are counted
    apart from those reporting what happened.

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``forward_looking``,
        ``n_interactions``, ``tension``, ``alliance``, ``net``.
    """
    from analytics.relations import relations_over_time

    keys = [S.COUNTRY_A, S.COUNTRY_B, S.FORWARD_LOOKING]
    columns = [S.PERIOD, *keys, S.N_INTERACTIONS, S.TENSION, S.ALLIANCE, S.NET]
    if not pairs or interactions.empty or briefings.empty:
        return pd.DataFrame({c: [] for c in columns})
    chosen = interactions[pair_mask(interactions, pairs)]
    forward = chosen[S.FORWARD_LOOKING].fillna(False).astype(bool).to_numpy()
    parts = []
    for outlook, rows in ((False, chosen[~forward]), (True, chosen[forward])):
        timeline = relations_over_time(rows, briefings, freq, pairs=pairs, include_forward=outlook)
        parts.append(timeline.assign(**{S.FORWARD_LOOKING: outlook}))
    combined = pd.concat(parts, ignore_index=True)
    combined[S.N_INTERACTIONS] = combined[S.N_INTERACTIONS].astype(int)
    return combined[columns]


def pair_matrix(interactions: pd.DataFrame, limit: int = 12) -> pd.DataFrame:
    """Mean net score for every pair among the ``limit`` most interacting countries.

    Returns:
        Long table ``country_a``, ``country_b``, ``n_interactions``, ``net``, both
        orientations present so the matrix is symmetric (NaN net where no interaction).
    """
    columns = [S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.NET]
    if interactions.empty:
        return pd.DataFrame({c: [] for c in columns})
    involvement = pd.concat([interactions[S.COUNTRY_A], interactions[S.COUNTRY_B]])
    top = involvement.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    keep = list(top.index[:limit])
    inside = interactions[
        interactions[S.COUNTRY_A].isin(keep) & interactions[S.COUNTRY_B].isin(keep)
    ]
    summary = (
        inside.groupby([S.COUNTRY_A, S.COUNTRY_B])[S.SCORE]
        .agg(["size", "mean"])
        .rename(columns={"size": S.N_INTERACTIONS, "mean": S.NET})
    )
    mirrored = summary.copy()
    mirrored.index = mirrored.index.swaplevel()
    both = pd.concat([summary, mirrored])
    both = both[~both.index.duplicated()]
    grid = pd.MultiIndex.from_product([keep, keep], names=[S.COUNTRY_A, S.COUNTRY_B])
    matrix = both.reindex(grid).reset_index()
    matrix[S.N_INTERACTIONS] = matrix[S.N_INTERACTIONS].fillna(0).astype(int)
    return matrix[columns]


def spike_alerts(
    interactions: pd.DataFrame, briefings: pd.DataFrame, freq: str, *, min_conflicts: int = 3
) -> pd.DataFrame:
    """Periods in which a pair's tension jumped above its own recent level.

    Uses the spike rule of ``relations.relations_over_time`` (tension per briefing
    above the mean plus two standard deviations of up to six earlier periods, with
    at least three conflict sentences) on every pair with at least ``min_conflicts``
    conflict sentences in ``interactions`` (no other pair can spike).

    Returns:
        Columns ``period``, ``country_a``, ``country_b``, ``n_interactions``,
        ``tension``, ``tension_share``, ``baseline``; newest first.
    """
    from analytics.relations import relations_over_time

    columns = [
        S.PERIOD,
        S.COUNTRY_A,
        S.COUNTRY_B,
        S.N_INTERACTIONS,
        S.TENSION,
        S.TENSION_SHARE,
        S.BASELINE,
    ]
    reported = interactions[~interactions[S.FORWARD_LOOKING].astype(bool).to_numpy()]
    conflict = reported[reported[S.SCORE].to_numpy(dtype=float) < 0]
    sizes = conflict.groupby([S.COUNTRY_A, S.COUNTRY_B], sort=True).size()
    pairs = [pair for pair, size in sizes.items() if size >= min_conflicts]
    if not pairs or briefings.empty:
        return pd.DataFrame({c: [] for c in columns})
    timeline = relations_over_time(reported, briefings, freq, pairs=pairs)
    spikes = timeline[timeline[S.SPIKE].astype(bool)]
    spikes = spikes.sort_values([S.PERIOD, S.TENSION], ascending=[False, False], kind="stable")
    return spikes[columns].reset_index(drop=True)


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
    names = named.groupby(S.BRIEFING_ID, sort=False)[S.COUNTRY].agg(", ".join).rename("countries")
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
    artefacts: Artefacts, briefing_id: str, section: str, text: str
) -> list[tuple[int, int, str]]:
    """Character spans to highlight in one section: countries and cue words.

    Returns:
        Sorted, non-overlapping ``(start, end, kind)`` with kind ``country`` or ``cue``.
    """
    mentions = artefacts.mentions
    rows = mentions[(mentions[S.BRIEFING_ID] == briefing_id) & (mentions[S.SECTION] == section)]
    marks = [(int(s), int(e), "country") for s, e in zip(rows[S.START], rows[S.END], strict=True)]
    interactions = artefacts.interactions
    said = interactions[
        (interactions[S.BRIEFING_ID] == briefing_id) & (interactions[S.SECTION] == section)
    ]
    for cues in said[S.CUES]:
        marks += cue_spans(text, cues)
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


def period_choices(interactions: pd.DataFrame, freq: str) -> list[pd.Timestamp]:
    """Every period holding at least one interaction, oldest first."""
    if interactions.empty:
        return []
    return sorted(pd.Series(period_of(interactions[S.DATE], freq)).dropna().unique())


def in_period(interactions: pd.DataFrame, period: pd.Timestamp | None, freq: str) -> pd.DataFrame:
    """The interactions dated in ``period`` (all of them when ``period`` is ``None``)."""
    if period is None or interactions.empty:
        return interactions
    keep = period_of(interactions[S.DATE], freq) == pd.Timestamp(period)
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


def reader_sections(
    artefacts: Artefacts, briefing_id: str
) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Each body section of a briefing as ``(section, marked pieces)``, countries and cues marked.

    The title is left out: the reader shows it as the heading.
    """
    artefacts = only_briefing(artefacts, briefing_id)
    sections = briefing_sections(artefacts, briefing_id)
    return [
        (section, split_marked(text, section_marks(artefacts, briefing_id, section, text)))
        for section, text in zip(sections[S.SECTION], sections[S.TEXT], strict=True)
        if section != S.SECTION_TITLE
    ]


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
