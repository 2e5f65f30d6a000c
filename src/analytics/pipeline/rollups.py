"""Rollups written at ingest: the whole corpus counted per period, for the unfiltered views.

For each period kind (week, month, quarter) a rollup holds the output of the rule a view
draws, computed on every briefing of the generation:

- ``volume``: ``tallies.briefing_volume`` (briefings per period);
- ``countries``: ``tallies.country_attention`` of every country named (briefings naming it
  per period, and their share);
- ``topics``: ``tallies.topic_shares`` (its default number of topics apart, the rest summed);
- ``pairs``: ``relations.relations_over_time`` of reported interactions (tension, alliance,
  net, their shares, baseline and spike per pair and period);
- ``comentions``: ``views.comention_edges`` of every pair named together (no period: the
  same table under each period kind, counted once);
- ``matrix``: ``views.topic_cells`` of every topic and country, the cells of the
  topic-by-country matrix (no period either).

Each rule is split in three (``RollupRule``): partial counts of some briefings' rows, a
merge of the counts of disjoint sets of briefings, and the rule's output from counts, the
same finishing code the rule itself runs. ``count_rollups`` counts a set of briefings
(a whole corpus, a batch, or one partition on a Dask worker), ``merge_rollup_counts``
merges counts in table order, and ``stored_rollups`` finishes the rollups from counts.

Each rollup is stored as one table of the generation (``rollup_<kind>``, with a ``freq``
column) and so are the merged counts of the whole corpus (``rollup_counts_<kind>``), both
rewritten whole by every ingest: an ingest that adds briefings counts only those and
merges them with the stored counts. The spike settings and the version of the finishing
rules (``FINISH_FORMAT``) the rollups were finished with are recorded in the generation's
meta; ``read_rollups`` serves them as stored while both are those in force, and else
finishes them again from the stored counts, which do not depend on any setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, NamedTuple

import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.pipeline.layout import (
    FIRST_ROLLUP_COUNT_TABLES,
    FIRST_ROLLUP_TABLES,
    ROLLUP_COUNT_TABLES,
)
from analytics.pipeline.store import Store
from analytics.relations import (
    merge_pair_counts,
    pair_counts,
    pair_periods_from_counts,
    relations_from_cells,
)
from analytics.tallies import (
    attention_counts,
    attention_from_counts,
    comention_counts,
    comention_edges_from_counts,
    merge_attention_counts,
    merge_comention_counts,
    merge_topic_country_counts,
    merge_topic_counts,
    merge_volume_counts,
    topic_cells_from_counts,
    topic_country_counts,
    topic_counts,
    topic_shares_from_counts,
    volume_counts,
    volume_from_counts,
)

ROLLUP_FREQS: tuple[str, ...] = ("week", "month", "quarter")
FREQ = "freq"
# What a rollup depends on besides the tables: recorded with it, compared when it is read.
_SETTINGS = ("spike_min_conflicts", "spike_baseline_periods", "spike_k")
# The layout of the stored counts: a store whose meta records another (or none) has its
# counts worked out again from its tables, once.
COUNTS_FORMAT = 1
# The version of the rules that finish rollups from counts: raised when one of them gives
# another output for the same counts (2: a period without briefings has no attention share,
# was 0), so that the rollups a store keeps are finished again from its counts when read.
FINISH_FORMAT = 2


# The columns of each whole-corpus table the rules read: an ingest that reads stored
# tables back for the rollups reads only these.
ROLLUP_COLUMNS: dict[str, list[str]] = {
    "briefings": [S.BRIEFING_ID, S.DATE],
    "countries": [S.BRIEFING_ID, S.DATE, S.ISO3, S.COUNTRY],
    "topics": [S.BRIEFING_ID, S.DATE, S.TOPIC_ID, S.TOPIC_LABEL],
    "interactions": [
        S.BRIEFING_ID,
        S.DATE,
        S.COUNTRY_A,
        S.COUNTRY_B,
        S.SCORE,
        S.FORWARD_LOOKING,
    ],
}


class RollupInputs(NamedTuple):
    """The tables of a set of briefings rollups are counted from."""

    briefings: pd.DataFrame  # at least briefing_id and date
    countries: pd.DataFrame
    topics: pd.DataFrame
    interactions: pd.DataFrame


# Rollup kind -> its counts (a table with a ``freq`` column, every period kind stacked).
RollupCounts = dict[str, pd.DataFrame]


class RollupRule(NamedTuple):
    """One rollup's rule in three steps, for one period kind.

    ``partial`` counts the tables of a set of briefings; ``merge`` takes the counts of
    disjoint sets of briefings in table order; ``finish`` gives the rule's output from
    the merged counts of every kind (``pairs`` and ``countries`` divide by ``volume``).
    """

    partial: Callable[[RollupInputs, str], pd.DataFrame]
    merge: Callable[[Sequence[pd.DataFrame]], pd.DataFrame]
    finish: Callable[[Mapping[str, pd.DataFrame], str], pd.DataFrame]
    # Counted without periods (the same counts under each period kind): counted once.
    timeless: bool = False


def _attention(counts: Mapping[str, pd.DataFrame], freq: str) -> pd.DataFrame:
    named = sorted(counts["countries"][S.ISO3].dropna().unique())
    return attention_from_counts(counts["countries"], counts["volume"], named, freq)


def _pairs(counts: Mapping[str, pd.DataFrame], freq: str) -> pd.DataFrame:
    cells = pair_periods_from_counts(counts["pairs"], counts["volume"], freq)
    return relations_from_cells(cells)


# Rollup kind -> the rule it holds, on the whole corpus for one period kind.
ROLLUPS: dict[str, RollupRule] = {
    "volume": RollupRule(
        lambda tables, freq: volume_counts(tables.briefings, freq),
        merge_volume_counts,
        lambda counts, freq: volume_from_counts(counts["volume"], freq),
    ),
    "countries": RollupRule(
        lambda tables, freq: attention_counts(tables.countries, freq),
        merge_attention_counts,
        _attention,
    ),
    "topics": RollupRule(
        lambda tables, freq: topic_counts(tables.topics, freq),
        merge_topic_counts,
        lambda counts, freq: topic_shares_from_counts(counts["topics"], freq),
    ),
    "pairs": RollupRule(
        lambda tables, freq: pair_counts(tables.interactions, freq),
        merge_pair_counts,
        _pairs,
    ),
    "comentions": RollupRule(
        lambda tables, freq: comention_counts(tables.countries),
        merge_comention_counts,
        lambda counts, freq: comention_edges_from_counts(counts["comentions"], None),
        timeless=True,
    ),
    "matrix": RollupRule(
        lambda tables, freq: topic_country_counts(tables.topics, tables.countries),
        merge_topic_country_counts,
        lambda counts, freq: topic_cells_from_counts(
            counts["matrix"], counts["countries"], counts["topics"]
        ),
        timeless=True,
    ),
}


def rollup_table_name(kind: str) -> str:
    """The store table holding rollup ``kind``: ``rollup_<kind>``."""
    return f"rollup_{kind}"


def counts_table_name(kind: str) -> str:
    """The store table holding the counts of rollup ``kind``: ``rollup_counts_<kind>``."""
    return f"rollup_counts_{kind}"


def _of_freq(table: pd.DataFrame, freq: str) -> pd.DataFrame:
    chosen = table[table[FREQ].to_numpy(dtype=object) == freq]
    return chosen.drop(columns=[FREQ]).reset_index(drop=True)


def _stacked(by_freq: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(
        [table.assign(**{FREQ: freq}) for freq, table in by_freq.items()], ignore_index=True
    )


def _each_freq(rule: RollupRule, work: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """``work(freq)`` for every period kind, stacked with a ``freq`` column; for a timeless
    rule done once and stacked under each kind."""
    if rule.timeless:
        return _stacked(dict.fromkeys(ROLLUP_FREQS, work(ROLLUP_FREQS[0])))
    return _stacked({freq: work(freq) for freq in ROLLUP_FREQS})


def _merged(rule: RollupRule, kind: str, parts: Sequence[RollupCounts], freq: str) -> pd.DataFrame:
    return rule.merge([_of_freq(part[kind], freq) for part in parts])


def _counted(rule: RollupRule, tables: RollupInputs, freq: str) -> pd.DataFrame:
    return rule.merge([rule.partial(tables, freq)])


def _finished(
    rule: RollupRule, by_freq: Mapping[str, Mapping[str, pd.DataFrame]], freq: str
) -> pd.DataFrame:
    return rule.finish(by_freq[freq], freq)


def merge_rollup_counts(parts: Sequence[RollupCounts]) -> RollupCounts:
    """The counts of disjoint sets of briefings as the counts of them all.

    Parameters:
        parts: counts (``count_rollups`` or merged ones) in table order: the briefings
            of the first part came first (a store's counts before those of briefings
            added to it, partitions in order). A name ("as on its first row") is taken
            from the first part that holds it.

    Returns:
        The merged counts, the same whatever the split (sums of whole numbers).
    """
    return {
        kind: _each_freq(rule, partial(_merged, rule, kind, parts))
        for kind, rule in ROLLUPS.items()
    }


def count_rollups(tables: RollupInputs) -> RollupCounts:
    """The counts of every rollup of ``tables`` (a corpus, a batch or a partition).

    Returns:
        Kind -> counts with a ``freq`` column, in the form ``merge_rollup_counts`` gives.
    """
    return {
        kind: _each_freq(rule, partial(_counted, rule, tables)) for kind, rule in ROLLUPS.items()
    }


def stored_rollups(counts: RollupCounts) -> dict[str, pd.DataFrame]:
    """The tables a generation stores for its rollups: each rollup finished from the merged
    ``counts`` of the whole corpus, and the counts themselves.

    Returns:
        ``rollup_<kind>`` -> the rule's output for each period kind, with a ``freq``
        column; ``rollup_counts_<kind>`` -> the counts. Of the kinds ``counts`` holds
        (a store written before a kind was added holds the first ones only).
    """
    kinds = [kind for kind in ROLLUPS if kind in counts]
    by_freq = {
        freq: {kind: _of_freq(counts[kind], freq) for kind in kinds} for freq in ROLLUP_FREQS
    }
    finished = {
        rollup_table_name(kind): _each_freq(
            ROLLUPS[kind], partial(_finished, ROLLUPS[kind], by_freq)
        )
        for kind in kinds
    }
    return {**finished, **{counts_table_name(kind): counts[kind] for kind in kinds}}


def rollup_tables(tables: RollupInputs) -> dict[str, pd.DataFrame]:
    """Every rollup of ``tables`` and its counts (``stored_rollups`` of ``count_rollups``)."""
    return stored_rollups(count_rollups(tables))


def rollup_meta() -> dict[str, Any]:
    """What the generation's meta records about its rollups (the settings in force)."""
    return {
        "freqs": list(ROLLUP_FREQS),
        "settings": _settings_in_force(),
        "counts": COUNTS_FORMAT,
        "finish": FINISH_FORMAT,
    }


def read_rollups(store: Store) -> dict[str, dict[str, pd.DataFrame]] | None:
    """The rollups of ``store``'s generation: kind -> period kind -> table.

    Rollups finished under other spike settings than those in force, or by other finishing
    rules (``FINISH_FORMAT``), are finished again from the stored counts, as an ingest
    would finish them now.

    Returns:
        ``None`` when the generation has neither usable rollups nor counts (a store written
        before them): the views then count. A kind the generation was written without (a
        store written before it was added) is left out: its view counts.
    """
    recorded: Mapping[str, Any] = store.meta.get("rollups") or {}
    current = (
        recorded.get("settings") == _settings_in_force()
        and recorded.get("finish") == FINISH_FORMAT
        and all(store.has_table(name) for name in FIRST_ROLLUP_TABLES)
    )
    if current:
        kinds = [kind for kind in ROLLUPS if store.has_table(rollup_table_name(kind))]
        tables = {kind: store.table(rollup_table_name(kind)) for kind in kinds}
        freqs = list(recorded.get("freqs", []))
    else:
        counts = _stored_counts(store, FIRST_ROLLUP_COUNT_TABLES)
        if counts is None:
            return None
        finished = stored_rollups(counts)
        tables = {kind: finished[rollup_table_name(kind)] for kind in counts}
        freqs = list(ROLLUP_FREQS)
    return {kind: {freq: _of_freq(table, freq) for freq in freqs} for kind, table in tables.items()}


def read_rollup_counts(store: Store) -> RollupCounts | None:
    """The merged counts of every briefing of ``store``'s generation, of every kind.

    Returns:
        ``None`` for a store written before the counts (or with counts of another
        layout or other period kinds, or without a kind added since): its counts are
        then worked out from its tables.
    """
    return _stored_counts(store, ROLLUP_COUNT_TABLES)


def _stored_counts(store: Store, required: Sequence[str]) -> RollupCounts | None:
    """The stored counts of each kind the generation holds, ``None`` unless it holds the
    ``required`` tables in the layout in force (``COUNTS_FORMAT``, the period kinds)."""
    recorded: Mapping[str, Any] = store.meta.get("rollups") or {}
    if recorded.get("counts") != COUNTS_FORMAT or recorded.get("freqs") != list(ROLLUP_FREQS):
        return None
    if not all(store.has_table(name) for name in required):
        return None
    return {
        kind: store.table(counts_table_name(kind))
        for kind in ROLLUPS
        if store.has_table(counts_table_name(kind))
    }


def _settings_in_force() -> dict[str, Any]:
    return {name: settings.value(name) for name in _SETTINGS}
