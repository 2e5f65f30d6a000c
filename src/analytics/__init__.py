"""Briefing Atlas analytics: load briefings, find countries, topics and relations.

The library's public API is listed in ``__all__`` and reachable from here::

    import analytics
    corpus = analytics.load_corpus(["data/sample"])
    store, summary = analytics.ensure_store(["data/sample"], "/tmp/atlas")
    relations = analytics.export_table(store, "relations", analytics.ExportOptions(freq="week"))

Names are imported when first used, so ``import analytics`` stays light. The stages are
packages (``ingest``, ``countries``, ``topics``, ``relations``, ``pipeline``, ``views``,
``synth``) each saying what enters and what leaves it; ``analytics.ui`` is the dashboard's
Streamlit glue, and this package never imports Streamlit.
"""

from __future__ import annotations

import importlib
from typing import Any

from analytics.version import VERSION as __version__

# Each public name and the package it lives in.
_API: dict[str, str] = {
    # loading
    "load_corpus": "analytics.ingest",
    "load_corpus_with_report": "analytics.ingest",
    "load_files": "analytics.ingest",
    "LoadResult": "analytics.ingest",
    # countries
    "extract_mentions": "analytics.countries",
    "briefing_countries": "analytics.countries",
    "load_gazetteer": "analytics.countries",
    # topics
    "TopicModel": "analytics.topics",
    "assign_topics": "analytics.topics",
    "topic_summary": "analytics.topics",
    # relations
    "score_interactions": "analytics.relations",
    "relations_over_time": "analytics.relations",
    "pair_summary": "analytics.relations",
    "default_lexicon": "analytics.relations",
    # the pipeline and the store
    "process": "analytics.pipeline",
    "ensure_store": "analytics.pipeline",
    "open_store": "analytics.pipeline",
    "Store": "analytics.pipeline",
    "IngestSummary": "analytics.pipeline",
    # the exports
    "EXPORTS": "analytics.pipeline.exports",
    "ExportOptions": "analytics.pipeline.exports",
    "export_table": "analytics.pipeline.exports",
    "to_csv": "analytics.views",
    # the selection
    "Filters": "analytics.views",
    "apply_filters": "analytics.views",
    # synthetic corpora
    "generate_corpus": "analytics.synth",
    # errors
    "AnalyticsError": "analytics.errors",
    "InputError": "analytics.errors",
    "EmptyCorpusError": "analytics.errors",
    "StoreError": "analytics.errors",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'analytics' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
