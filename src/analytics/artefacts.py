"""The processed corpus: every unfiltered table the views are drawn from.

``Artefacts`` is what a store holds and what the dashboard caches. Views filter
these tables (see ``analytics.views.filters``) and never mutate them.

Table contracts (column names from ``analytics.schema``):

- ``briefings``: ``BRIEFING_COLUMNS`` plus any extra input columns; ``date`` is
  tz-aware UTC.
- ``report``: the load report, one row per input file or row: ``file``, ``row``,
  ``status`` (loaded / duplicate / near-duplicate / skipped), ``reason``, ``briefing_id``.
- ``mentions``: ``MENTION_COLUMNS``, one row per country mention (spans relative to
  the section's text).
- ``countries``: one row per briefing and country: ``briefing_id``, ``date``, ``iso3``,
  ``country``, ``count``, ``kinds``, ``evidence``.
- ``topics``: one row per briefing: ``briefing_id``, ``topic_id``, ``topic_label``,
  ``weight``, ``date``.
- ``topic_summary``: one row per topic: ``topic_id``, ``label``, ``top_terms``,
  ``n_briefings``, ``representative_ids`` (``|``-separated briefing ids).
- ``interactions``: ``INTERACTION_COLUMNS``, one row per country pair per sentence.
- ``watchlist``: ``WATCHLIST_COLUMNS``, one row per expected event (a forward-looking
  sentence in which a country acts); ``window_start`` / ``window_end`` are naive days.

A corpus read from a store also carries the store's text index (``text_index``), which
search uses instead of scanning every text, and its rollups (``rollups``: kind -> period
kind -> table, see ``analytics.pipeline.rollups``), which the unfiltered views read instead
of counting; a corpus processed in memory has neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from analytics import schema as S
from analytics.search import TextSearch


def empty_watchlist() -> pd.DataFrame:
    """A watchlist with no rows and the columns and types of ``schema.WATCHLIST_COLUMNS``."""
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in S.WATCHLIST_COLUMNS})
    frame[S.DATE] = pd.Series(dtype="datetime64[ns, UTC]")
    frame[S.SENTENCE_INDEX] = pd.Series(dtype="int64")
    frame[S.WINDOW_START] = pd.Series(dtype="datetime64[ns]")
    frame[S.WINDOW_END] = pd.Series(dtype="datetime64[ns]")
    return frame


@dataclass(frozen=True)
class Artefacts:
    """Every unfiltered table of one processed corpus, plus its provenance."""

    briefings: pd.DataFrame
    report: pd.DataFrame
    mentions: pd.DataFrame
    countries: pd.DataFrame
    topics: pd.DataFrame
    topic_summary: pd.DataFrame
    interactions: pd.DataFrame
    fingerprint: str
    versions: dict[str, str] = field(default_factory=dict)
    watchlist: pd.DataFrame = field(default_factory=empty_watchlist)
    text_index: TextSearch | None = field(default=None, compare=False, repr=False)
    rollups: Mapping[str, Mapping[str, pd.DataFrame]] | None = field(
        default=None, compare=False, repr=False
    )
