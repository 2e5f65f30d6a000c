"""The page views' counting rules written plainly in pandas, as a reference.

``analytics.views`` counts on integer codes only (one path, fast on a large corpus);
``test_views`` checks it against these group-bys, which say the same rules in the most
obvious way: distinct briefings per country, pair, period or topic.
"""

from __future__ import annotations

import itertools

import pandas as pd

from analytics import schema as S
from analytics.timeseries import period_range, period_start

N = S.N_BRIEFINGS


def country_totals(countries: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Distinct briefings per country; most first, then by name, then by first row."""
    rows = countries.reset_index(drop=True).dropna(subset=[S.ISO3])
    first = rows.groupby(S.ISO3, sort=False).head(1)
    totals = pd.DataFrame(
        {
            S.ISO3: first[S.ISO3].to_numpy(),
            S.COUNTRY: first[S.COUNTRY].to_numpy(),
            N: rows.groupby(S.ISO3)[S.BRIEFING_ID].nunique().reindex(first[S.ISO3]).to_numpy(),
            "first": first.index.to_numpy(),
        }
    )
    totals = totals.sort_values([N, S.COUNTRY, "first"], ascending=[False, True, True])
    totals = totals.drop(columns="first").reset_index(drop=True)
    return totals.head(limit) if limit is not None else totals


def comention_edges(countries: pd.DataFrame, limit: int = 40) -> pd.DataFrame:
    """Pairs (a < b) of countries named in the same briefing, strongest first."""
    counts: dict[tuple[str, str], int] = {}
    for _, named in countries.dropna(subset=[S.ISO3]).groupby(S.BRIEFING_ID)[S.ISO3]:
        for pair in itertools.combinations(sorted(set(named)), 2):
            counts[pair] = counts.get(pair, 0) + 1
    edges = pd.DataFrame(
        [(a, b, n) for (a, b), n in counts.items()], columns=[S.COUNTRY_A, S.COUNTRY_B, N]
    )
    edges = edges.sort_values([N, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True])
    return edges.head(limit).reset_index(drop=True)


def country_attention(
    countries: pd.DataFrame, briefings: pd.DataFrame, iso3s: list[str], freq: str
) -> pd.DataFrame:
    """Per chosen country (by code) and period of ``briefings``: briefings and share."""
    periods = period_start(briefings[S.DATE], freq)
    grid = period_range(periods.min(), periods.max(), freq)
    volume = periods.value_counts().reindex(grid, fill_value=0)
    chosen = countries[countries[S.ISO3].isin(iso3s)].reset_index(drop=True)
    chosen = chosen.assign(**{S.PERIOD: period_start(chosen[S.DATE], freq)})
    rows = []
    for iso3 in sorted(chosen[S.ISO3].unique()):
        mine = chosen[chosen[S.ISO3] == iso3]
        counts = mine.groupby(S.PERIOD)[S.BRIEFING_ID].nunique()
        for period in grid:
            n = int(counts.get(period, 0))
            total = int(volume[period])
            share = n / total if total else float("nan")
            rows.append((period, iso3, mine[S.COUNTRY].iloc[0], n, share))
    return pd.DataFrame(rows, columns=[S.PERIOD, S.ISO3, S.COUNTRY, N, "share"])


def largest_topics(topics: pd.DataFrame, limit: int) -> list[int]:
    """Ids of the topics with most distinct briefings (ties: lower id first)."""
    sizes = topics.groupby(S.TOPIC_ID)[S.BRIEFING_ID].nunique().reset_index()
    sizes = sizes.sort_values([S.BRIEFING_ID, S.TOPIC_ID], ascending=[False, True])
    return [int(t) for t in sizes[S.TOPIC_ID].head(limit)]


def topic_shares(topics: pd.DataFrame, freq: str, limit: int = 8) -> pd.DataFrame:
    """Each period's briefings per largest topic (the rest as -1), and their share."""
    kept = largest_topics(topics, limit)
    rows = topics.assign(
        group=topics[S.TOPIC_ID].where(topics[S.TOPIC_ID].isin(kept), -1),
        **{S.PERIOD: period_start(topics[S.DATE], freq)},
    ).dropna(subset=[S.PERIOD])
    grid = period_range(rows[S.PERIOD].min(), rows[S.PERIOD].max(), freq)
    counts = rows.groupby(["group", S.PERIOD])[S.BRIEFING_ID].nunique()
    labels = {t: topics.loc[topics[S.TOPIC_ID] == t, S.TOPIC_LABEL].iloc[0] for t in kept} | {
        -1: "other topics"
    }
    groups = [g for g in [*kept, -1] if g in set(rows["group"])]
    table = pd.DataFrame(
        [
            (period, g, labels[g], int(counts.get((g, period), 0)))
            for g in groups
            for period in grid
        ],
        columns=[S.PERIOD, S.TOPIC_ID, S.TOPIC_LABEL, N],
    )
    totals = table.groupby(S.PERIOD)[N].transform("sum")
    table["share"] = (table[N] / totals.where(totals > 0, 1)).where(totals > 0, 0.0)
    return table


def topic_country_matrix(
    topics: pd.DataFrame, countries: pd.DataFrame, limit: int = 15, topic_limit: int = 15
) -> pd.DataFrame:
    """Distinct briefings per (label of a largest topic, leading country), zeros included."""
    top = country_totals(countries, limit)
    kept = largest_topics(topics, topic_limit)
    label_of = {t: topics.loc[topics[S.TOPIC_ID] == t, S.TOPIC_LABEL].iloc[0] for t in kept}
    labels = list(dict.fromkeys(label_of[t] for t in kept))
    in_kept = topics[topics[S.TOPIC_ID].isin(kept)]
    briefing_label = dict(
        zip(in_kept[S.BRIEFING_ID], in_kept[S.TOPIC_ID].map(label_of), strict=True)
    )
    named = countries.assign(label=countries[S.BRIEFING_ID].map(briefing_label))
    counts = named.groupby(["label", S.ISO3])[S.BRIEFING_ID].nunique()
    return pd.DataFrame(
        [
            (label, iso3, name, int(counts.get((label, iso3), 0)))
            for label in labels
            for iso3, name in zip(top[S.ISO3], top[S.COUNTRY], strict=True)
        ],
        columns=[S.TOPIC_LABEL, S.ISO3, S.COUNTRY, N],
    )


def ranked_countries(countries: pd.DataFrame) -> dict[str, str]:
    """The sidebar's countries: iso3 -> name, most briefings first, then by name."""
    ranked = (
        countries.groupby([S.ISO3, S.COUNTRY], sort=False)[S.BRIEFING_ID]
        .nunique()
        .reset_index(name="n")
        .sort_values(["n", S.COUNTRY], ascending=[False, True], kind="stable")
    )
    return dict(zip(ranked[S.ISO3], ranked[S.COUNTRY], strict=True))


def briefing_list(artefacts) -> pd.DataFrame:
    """The briefing list built with a group-by and a map: newest first, ties by id."""
    named = artefacts.countries[[S.BRIEFING_ID, S.COUNTRY]].drop_duplicates()
    names = (
        named.sort_values([S.BRIEFING_ID, S.COUNTRY], kind="stable")
        .groupby(S.BRIEFING_ID, sort=False)[S.COUNTRY]
        .agg(", ".join)
    )
    topic = artefacts.topics.set_index(S.BRIEFING_ID)[S.TOPIC_LABEL]
    table = artefacts.briefings[[S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]].copy()
    table["countries"] = table[S.BRIEFING_ID].map(names).fillna("")
    table["topic"] = table[S.BRIEFING_ID].map(topic).fillna("")
    return table.sort_values([S.DATE, S.BRIEFING_ID], ascending=[False, True]).reset_index(
        drop=True
    )


def timeline_rows(events: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """``views.timeline_rows`` as it was written first: each event's countries split and
    exploded by pandas, each row's country named on its own."""
    from analytics.views.watchlist import TIMELINE_COLUMNS

    columns = list(TIMELINE_COLUMNS)
    if events.empty:
        return pd.DataFrame(columns=columns)
    rows = events.assign(**{S.ISO3: events[S.COUNTRIES].str.split("|")}).explode(S.ISO3)
    rows[S.COUNTRY] = rows[S.ISO3].map(lambda code: names.get(code, code))
    return rows[columns].reset_index(drop=True)
