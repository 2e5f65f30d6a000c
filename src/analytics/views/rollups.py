"""Unfiltered views read from the store's rollups: which view call a rollup answers, and how.

The rollups written at ingest (``analytics.pipeline.rollups``) hold, per period kind, the
output of ``briefing_volume``, ``country_attention`` (of every country), ``topic_shares``
and ``relations_over_time`` on the whole corpus, ``comention_edges`` of every pair and
``topic_cells`` of every topic and country (the topic-by-country matrix).
``rolled_up`` answers a view call from them when the selection is the whole corpus and the
call's tables are the view's own; the registry ``ROLLUP_VIEWS`` says which rollup answers
which view function, and how.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.relations import spike_rows
from analytics.tallies import (
    briefing_volume,
    country_attention,
    matrix_from_cells,
    topic_shares,
    totals_from_counts,
)
from analytics.views.countries import comention_edges, country_totals
from analytics.views.filtered import FilteredCorpus
from analytics.views.relations import spike_alerts
from analytics.views.topics import topic_country_matrix

Rollups = Mapping[str, Mapping[str, pd.DataFrame]]
# What a table argument must be for a rollup of the whole corpus to answer the call.
_WHOLE = {
    "briefings": {"briefings", "headers", "dates", "corpus:briefings"},
    "countries": {"countries", "corpus:countries"},
    "topics": {"topics", "corpus:topics"},
    "interactions": {"interactions", "corpus:interactions"},
}


def _whole(filtered: FilteredCorpus, table: object, kind: str) -> bool:
    return filtered.name_of(table) in _WHOLE[kind]


def _stored(rollups: Rollups, kind: str, freq: object) -> pd.DataFrame | None:
    return rollups.get(kind, {}).get(str(freq))


def _volume(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    if not _whole(filtered, call["briefings"], "briefings"):
        return None
    return _stored(rollups, "volume", call["freq"])


def _attention(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    if not (
        _whole(filtered, call["countries"], "countries")
        and _whole(filtered, call["briefings"], "briefings")
        and len(call["iso3s"])
    ):
        return None
    table = _stored(rollups, "countries", call["freq"])
    if table is None:
        return None
    # The rollup holds every country, in code order as the rule lists them.
    chosen = table[table[S.ISO3].isin(list(call["iso3s"])).to_numpy(dtype=bool)]
    return chosen.reset_index(drop=True)


_SHARES_LIMIT = inspect.signature(topic_shares).parameters["limit"].default


def _shares(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    if (
        not _whole(filtered, call["topics"], "topics")
        or call["limit"] != _SHARES_LIMIT
        or call["keep"] is not None
    ):
        return None
    return _stored(rollups, "topics", call["freq"])


def _spikes(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    if not (
        _whole(filtered, call["interactions"], "interactions")
        and _whole(filtered, call["briefings"], "briefings")
    ):
        return None
    table = _stored(rollups, "pairs", call["freq"])
    return None if table is None else spike_rows(table)


def _totals(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    """``country_totals`` of the whole corpus: each country's briefings summed over the
    periods of a country rollup, which count every dated briefing in exactly one period."""
    if not _whole(filtered, call["countries"], "countries") or not rollups.get("countries"):
        return None
    freq, table = next(iter(rollups["countries"].items()))
    volume = _stored(rollups, "volume", freq)
    if volume is None or int(volume[S.N_BRIEFINGS].sum()) != len(filtered.corpus.briefings):
        return None  # a briefing in no period (no date) would be missed
    totals = totals_from_counts(table)
    if totals[S.COUNTRY].duplicated().any():
        return None  # equal names: the view orders them by its rows, which a rollup lacks
    limit = call["limit"]
    return totals.head(limit) if limit is not None else totals


def _comentions(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    """``comention_edges`` of the whole corpus: the first ``limit`` of every pair, stored
    in the view's order (the same table under each period kind)."""
    if not _whole(filtered, call["countries"], "countries") or not rollups.get("comentions"):
        return None
    table = next(iter(rollups["comentions"].values()))
    limit = call["limit"]
    edges = table if limit is None else table.head(limit)
    return pd.DataFrame(
        {
            S.COUNTRY_A: edges[S.COUNTRY_A].to_numpy(dtype=object),
            S.COUNTRY_B: edges[S.COUNTRY_B].to_numpy(dtype=object),
            S.N_BRIEFINGS: edges[S.N_BRIEFINGS].to_numpy(dtype=np.int64),
        }
    )


def _matrix(filtered: FilteredCorpus, rollups: Rollups, call: Mapping[str, Any]) -> Any:
    """``topic_country_matrix`` of the whole corpus: the cells of every topic and country,
    stored in the view's order (topics largest first, countries most mentioned first), cut
    to the call's largest topics and countries and finished as the view finishes them."""
    if not (
        _whole(filtered, call["topics"], "topics")
        and _whole(filtered, call["countries"], "countries")
        and rollups.get("matrix")
    ):
        return None
    cells = next(iter(rollups["matrix"].values()))
    if cells.empty:
        return matrix_from_cells(cells)
    topics = pd.unique(cells[S.TOPIC_ID].to_numpy(dtype=np.int64))
    width = len(cells) // len(topics)
    if cells[S.COUNTRY].iloc[:width].duplicated().any():
        return None  # equal names: the view orders them by its rows, which a rollup lacks
    shown_topics = len(topics[: call["topic_limit"]])
    shown = width if call["limit"] is None else min(int(call["limit"]), width)
    rows = (np.arange(shown_topics)[:, None] * width + np.arange(shown)[None, :]).reshape(-1)
    return matrix_from_cells(cells.iloc[rows].reset_index(drop=True))


# View function -> how the rollups answer it (``None``: they cannot).
ROLLUP_VIEWS: dict[
    Callable[..., Any], Callable[[FilteredCorpus, Rollups, Mapping[str, Any]], Any]
] = {
    briefing_volume: _volume,
    country_attention: _attention,
    topic_shares: _shares,
    spike_alerts: _spikes,
    country_totals: _totals,
    comention_edges: _comentions,
    topic_country_matrix: _matrix,
}


def rolled_up(
    filtered: FilteredCorpus, function: Callable[..., Any], /, *args: Any, **kwargs: Any
) -> Any | None:
    """What ``function(*args, **kwargs)`` gives on the whole corpus, read from its rollups.

    Parameters:
        filtered: the view's selection; only a selection of the whole corpus is answered.
        function, args, kwargs: the view call, its tables the view's own.

    Returns:
        The stored result, or ``None`` when the rollups do not answer the call: the
        selection is not the whole corpus, the corpus has no rollups (in memory, or a store
        written before them), or the call asks for what they do not hold.
    """
    reader = ROLLUP_VIEWS.get(function)
    rollups = filtered.corpus.rollups
    if reader is None or rollups is None or not filtered.everything:
        return None
    call = inspect.signature(function).bind(*args, **kwargs)
    call.apply_defaults()
    return reader(filtered, rollups, call.arguments)
