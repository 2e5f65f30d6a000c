"""Rollups written at ingest: the whole corpus counted per period, for the unfiltered views.

For each period kind (week, month, quarter) a rollup holds the output of the rule a view
draws, computed on every briefing of the generation:

- ``volume``: ``tallies.briefing_volume`` (briefings per period);
- ``countries``: ``tallies.country_attention`` of every country named (briefings naming it
  per period, and their share);
- ``topics``: ``tallies.topic_shares`` (its default number of topics apart, the rest summed);
- ``pairs``: ``relations.relations_over_time`` of reported interactions (tension, alliance,
  net, their shares, baseline and spike per pair and period).

Each is stored as one table of the generation (``rollup_<kind>``, with a ``freq`` column),
rewritten whole by every ingest. The spike settings they were computed with are recorded in
the generation's meta; ``read_rollups`` serves them only while the same settings are in force.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.pipeline.layout import ROLLUP_TABLES
from analytics.pipeline.store import Store
from analytics.relations import relations_over_time
from analytics.tallies import briefing_volume, country_attention, topic_shares

ROLLUP_FREQS: tuple[str, ...] = ("week", "month", "quarter")
FREQ = "freq"
# What a rollup depends on besides the tables: recorded with it, compared when it is read.
_SETTINGS = ("spike_min_conflicts", "spike_baseline_periods", "spike_k")


# The columns of each whole-corpus table the rules read: an ingest that reads stored
# tables back for the rollups reads only these.
ROLLUP_COLUMNS: dict[str, list[str]] = {
    "briefings": [S.BRIEFING_ID, S.DATE],
    "countries": [S.BRIEFING_ID, S.DATE, S.ISO3, S.COUNTRY],
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
    """The whole-corpus tables rollups are counted from."""

    briefings: pd.DataFrame  # at least briefing_id and date
    countries: pd.DataFrame
    topics: pd.DataFrame
    interactions: pd.DataFrame


def _countries(tables: RollupInputs, freq: str) -> pd.DataFrame:
    named = sorted(tables.countries[S.ISO3].dropna().unique())
    return country_attention(tables.countries, tables.briefings, named, freq)


# Rollup kind -> the rule it holds, on the whole corpus for one period kind.
ROLLUPS: dict[str, Callable[[RollupInputs, str], pd.DataFrame]] = {
    "volume": lambda tables, freq: briefing_volume(tables.briefings, freq),
    "countries": _countries,
    "topics": lambda tables, freq: topic_shares(tables.topics, freq),
    "pairs": lambda tables, freq: relations_over_time(tables.interactions, tables.briefings, freq),
}


def rollup_table_name(kind: str) -> str:
    """The store table holding rollup ``kind``: ``rollup_<kind>``."""
    return f"rollup_{kind}"


def rollup_tables(tables: RollupInputs) -> dict[str, pd.DataFrame]:
    """Every rollup of ``tables``, one store table per kind with every period kind stacked.

    Returns:
        ``rollup_<kind>`` -> the rule's output for each period kind, with a ``freq`` column.
    """
    return {
        rollup_table_name(kind): pd.concat(
            [rule(tables, freq).assign(**{FREQ: freq}) for freq in ROLLUP_FREQS],
            ignore_index=True,
        )
        for kind, rule in ROLLUPS.items()
    }


def rollup_meta() -> dict[str, Any]:
    """What the generation's meta records about its rollups (the settings in force)."""
    return {"freqs": list(ROLLUP_FREQS), "settings": _settings_in_force()}


def read_rollups(store: Store) -> dict[str, dict[str, pd.DataFrame]] | None:
    """The rollups of ``store``'s generation: kind -> period kind -> table.

    Returns:
        ``None`` when the generation has none (a store written before them) or they were
        computed under other spike settings than those in force: the views then count.
    """
    recorded: Mapping[str, Any] = store.meta.get("rollups") or {}
    if recorded.get("settings") != _settings_in_force():
        return None
    if not all(store.has_table(name) for name in ROLLUP_TABLES):
        return None
    rollups: dict[str, dict[str, pd.DataFrame]] = {}
    for kind in ROLLUPS:
        table = store.table(rollup_table_name(kind))
        by_freq = table[FREQ].to_numpy(dtype=object)
        rollups[kind] = {
            freq: table[by_freq == freq].drop(columns=[FREQ]).reset_index(drop=True)
            for freq in recorded.get("freqs", [])
        }
    return rollups


def _settings_in_force() -> dict[str, Any]:
    return {name: settings.value(name) for name in _SETTINGS}
