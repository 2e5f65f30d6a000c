"""Briefing Atlas analytics core: load briefings, find countries, topics and relations.

This package never imports Streamlit; the dashboard glue lives in ``analytics.ui``.
"""

from __future__ import annotations

from analytics.version import VERSION as __version__

__all__ = ["__version__"]
