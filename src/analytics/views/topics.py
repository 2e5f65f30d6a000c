"""What the Topics page shows: the topic table, shares over time, topic by country, examples."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.tallies import (
    N_BRIEFINGS,
    TableCodes,
    largest_topics,
    matrix_from_cells,
    table_codes,
    topic_country_cells,
    topic_country_counts,
    topic_shares,
)
from analytics.views.countries import country_totals
from analytics.views.filtered import FilteredCorpus, take_rows
from analytics.views.filters import Filters


def topic_table(topic_summary: pd.DataFrame) -> pd.DataFrame:
    """Topics with their label, top terms (comma-separated) and size, biggest first."""
    if topic_summary.empty:
        return pd.DataFrame({S.TOPIC_ID: [], "label": [], S.TOP_TERMS: [], N_BRIEFINGS: []})
    table = topic_summary[[S.TOPIC_ID, "label", S.TOP_TERMS, N_BRIEFINGS]].copy()
    table[S.TOP_TERMS] = table[S.TOP_TERMS].map(_as_text)
    return table.sort_values([N_BRIEFINGS, S.TOPIC_ID], ascending=[False, True]).reset_index(
        drop=True
    )


def topics_with_briefings(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a ``topic_table`` with at least one briefing under the filters: under a
    Topics filter (or a narrow selection) the table was mostly topics of 0 briefings."""
    return table[(table[N_BRIEFINGS] > 0).to_numpy(dtype=bool)].reset_index(drop=True)


def empty_topics_note(n_empty: int, n_topics: int) -> str | None:
    """What the page says of the topics ``topics_with_briefings`` leaves out; ``None``
    when none is."""
    if not n_empty:
        return None
    many = "topic has" if n_empty == 1 else "topics have"
    return (
        f"{n_empty:,} of {n_topics:,} {many} no briefing under the filters: left out of the "
        "table, listed in its CSV."
    )


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value.replace("|", ", ")
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return "" if value is None or value is pd.NA else str(value)


def topic_country_matrix(
    topics: pd.DataFrame,
    countries: pd.DataFrame,
    limit: int | None = 15,
    topic_limit: int | None = 15,
    *,
    topic_codes: TableCodes | None = None,
    country_codes: TableCodes | None = None,
) -> pd.DataFrame:
    """Briefings per topic and country: the ``limit`` most mentioned countries and
    the ``topic_limit`` largest topics, largest first (``None``: every one).

    ``tallies.matrix_from_cells`` of ``topic_cells``, as the store's rollups are read.

    Parameters:
        topic_codes, country_codes: integer codes of the rows of ``topics`` and
            ``countries`` (``FilteredCorpus.codes``) whose briefing integers agree; both
            or neither (computed together when either is missing).

    Returns:
        Long table: ``topic_label``, ``iso3``, ``country``, ``n_briefings`` (zeros included).
    """
    cells = topic_cells(
        topics,
        countries,
        limit,
        topic_limit,
        topic_codes=topic_codes,
        country_codes=country_codes,
    )
    return matrix_from_cells(cells)


def topic_cells(
    topics: pd.DataFrame,
    countries: pd.DataFrame,
    limit: int | None = None,
    topic_limit: int | None = None,
    *,
    topic_codes: TableCodes | None = None,
    country_codes: TableCodes | None = None,
) -> pd.DataFrame:
    """The cells of ``topic_country_matrix`` per topic (``tallies.topic_country_cells`` of
    ``tallies.topic_country_counts``): each of the ``topic_limit`` largest topics with each
    of the ``limit`` most mentioned countries (``None``: every one), zeros included.

    Returns:
        Columns ``topic_id``, ``topic_label`` (as on the topic's first row), ``iso3``,
        ``country``, ``n_briefings``; empty when no topic or no country is named.
    """
    if topic_codes is None or country_codes is None:
        topic_codes, country_codes = table_codes(topics, countries)
    top = country_totals(countries, limit, codes=country_codes)
    kept = [] if top.empty else largest_topics(topics, topic_limit, codes=topic_codes)
    topic_ids = topics[S.TOPIC_ID].to_numpy(dtype=np.int64)
    first_rows = [int(np.argmax(topic_ids == topic_id)) for topic_id in kept]
    labels = dict(
        zip(kept, topics[S.TOPIC_LABEL].iloc[first_rows].to_numpy(dtype=object), strict=True)
    )
    counts = topic_country_counts(
        topics, countries, topic_codes=topic_codes, country_codes=country_codes
    )
    return topic_country_cells(counts, top, kept, labels)


def representative_briefings(
    topics: pd.DataFrame,
    briefings: pd.DataFrame,
    topic_id: int,
    limit: int | None = None,
    *,
    codes: TableCodes | None = None,
) -> pd.DataFrame:
    """The topic's briefings closest to its centre among ``briefings``.

    The corpus-wide representatives (``topic_summary``) can all fall outside a date
    filter while the topic keeps briefings inside it, so they are ranked again on the
    selection: highest ``weight`` on the topic first, ties by briefing id.

    Parameters:
        topics: topic rows of the selection (``briefing_id``, ``topic_id``, ``weight``).
        briefings: the selected briefings (``briefing_id``, ``date``, ``title``, ``source``).
        topic_id: the topic.
        limit: how many; the ``topic_representatives`` setting by default.
        codes: integer codes of the rows of ``topics`` (``FilteredCorpus.codes("topics")``),
            whose briefing positions are rows of ``briefings``: then ``briefings`` may be the
            corpus' own table (every briefing, the selection's among them), and the chosen
            are taken at their positions, not looked up by id among a million.

    Returns:
        ``briefing_id``, ``date``, ``title``, ``source``, closest first; empty when the
        selection holds no briefing of the topic.
    """
    columns = [S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]
    count = settings.value("topic_representatives") if limit is None else limit
    # Rows are taken by position (``take_rows``): a boolean cut of a lean table's columns
    # joined each column's chunks first (every title of a million briefings on each rerun).
    of_topic = np.flatnonzero((topics[S.TOPIC_ID] == topic_id).to_numpy(dtype=bool))
    of_topic = _heaviest(of_topic, topics, count)
    members = take_rows(topics[[S.BRIEFING_ID, S.WEIGHT]], of_topic)
    members = members.assign(**{S.BRIEFING_ID: members[S.BRIEFING_ID].astype(str)})
    ranked = members.sort_values(
        [S.WEIGHT, S.BRIEFING_ID], ascending=[False, True], kind="stable"
    ).drop_duplicates(S.BRIEFING_ID)
    chosen = ranked[S.BRIEFING_ID].head(count).tolist()
    if codes is not None:
        at = np.asarray(codes.briefing, dtype=np.int64)[of_topic[ranked.index[: len(chosen)]]]
        found = at[at >= 0]
    else:
        found = np.flatnonzero(briefings[S.BRIEFING_ID].isin(chosen).to_numpy(dtype=bool))
    rows = take_rows(briefings[columns], found)
    rows = rows.assign(**{S.BRIEFING_ID: rows[S.BRIEFING_ID].astype(str)})
    rows = rows.set_index(S.BRIEFING_ID)
    return rows.reindex([c for c in chosen if c in rows.index]).reset_index()[columns]


def no_representatives_note(topic_summary: pd.DataFrame, topic_id: int, filters: Filters) -> str:
    """Why ``representative_briefings`` is empty for a topic, naming the filters that are set.

    Parameters:
        topic_summary: the whole corpus' summary (``topic_id``, ``label``, ``n_briefings``).
    """
    row = topic_summary[topic_summary[S.TOPIC_ID] == topic_id]
    label = str(row["label"].iloc[0]) if not row.empty else f"#{topic_id}"
    n_in_corpus = int(row[N_BRIEFINGS].iloc[0]) if not row.empty else 0
    if n_in_corpus == 0:
        return f"The topic '{label}' has no briefings in this corpus."
    if filters.topics and topic_id not in filters.topics:
        return (
            f"The Topics filter leaves out '{label}' "
            f"({n_in_corpus:,} briefings in the whole corpus)."
        )
    conditions = []
    if filters.start is not None or filters.end is not None:
        conditions.append(f"dates {filters.start or '…'} to {filters.end or '…'}")
    if filters.countries:
        conditions.append("countries " + ", ".join(filters.countries))
    if filters.sources:
        conditions.append("sources " + ", ".join(filters.sources))
    if filters.search.strip():
        conditions.append(f"search {filters.search.strip()!r}")
    which = f" ({'; '.join(conditions)})" if conditions else ""
    return (
        f"None of the {n_in_corpus:,} briefings of '{label}' falls within the "
        f"current filters{which}."
    )


def chosen_topic_shares(filtered: FilteredCorpus, freq: str) -> pd.DataFrame:
    """Under a topic filter, each chosen topic's share of the briefings the other filters
    keep, every other topic summed as ``other topics``: within the filter the chosen
    topics are 100% of the briefings by construction.

    Returns:
        As ``topic_shares``; with no topic filter, ``topic_shares`` of the selection.
    """
    whole = filtered.without_topics
    chosen = filtered.filters.topics or None
    return topic_shares(whole.topics, freq, codes=whole.codes("topics"), keep=chosen)


def topic_choices(topic_summary: pd.DataFrame, labels: Mapping[int, str]) -> dict[int, str]:
    """Each topic's name in a topic picker with its briefings in the selection
    ("attack · war (4 briefings)"), in ``labels`` order: a topic the filters leave
    empty shows as such before it is picked.

    Parameters:
        topic_summary: the selection's summary (``FilteredCorpus.topic_summary``).
        labels: topic id -> unique label (``FilterOptions.topics``).
    """
    sizes = _topic_sizes(topic_summary)
    return {
        topic_id: f"{label} ({_briefings(sizes.get(topic_id, 0))})"
        for topic_id, label in labels.items()
    }


def busiest_topic(topic_summary: pd.DataFrame) -> int | None:
    """The topic with most briefings in the selection (ties: lowest id); ``None`` when
    the selection holds no briefing with a topic."""
    sizes = _topic_sizes(topic_summary)
    busiest = max(sorted(sizes), key=lambda topic_id: sizes[topic_id], default=None)
    return busiest if busiest is not None and sizes[busiest] > 0 else None


def _topic_sizes(topic_summary: pd.DataFrame) -> dict[int, int]:
    return dict(
        zip(
            topic_summary[S.TOPIC_ID].astype(int),
            topic_summary[N_BRIEFINGS].astype(int),
            strict=True,
        )
    )


def _briefings(count: int) -> str:
    return f"{count:,} briefing" + ("" if count == 1 else "s")


def _heaviest(rows: np.ndarray, topics: pd.DataFrame, count: int) -> np.ndarray:
    """Those of ``rows`` (positions in ``topics``) that can be among the ``count`` heaviest
    distinct briefings: the rows weighing at least the ``count``-th largest weight, when they
    hold ``count`` briefings or more (so each of the heaviest briefings has its heaviest row
    among them); else every row. Sorting a topic's hundred thousand rows of a large corpus to
    list ten was most of the view's time."""
    if count <= 0 or len(rows) <= 4 * count:
        return rows
    weights = topics[S.WEIGHT].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    weighed = weights[~np.isnan(weights)]
    if len(weighed) < count:
        return rows
    least = np.partition(weighed, len(weighed) - count)[len(weighed) - count]
    heavy = rows[weights >= least]
    if topics[S.BRIEFING_ID].iloc[heavy].nunique() < count:
        return rows
    return heavy
