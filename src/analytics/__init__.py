"""Briefing Atlas analytics core: load briefings, find countries, topics and relations.

This package never imports Streamlit; the dashboard glue lives in ``analytics.ui``.
"""

from __future__ import annotations

__version__ = "0.1.0"
