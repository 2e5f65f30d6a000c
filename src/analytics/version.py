"""The version of Briefing Atlas, kept where every stage may read it (exports record it)."""

from __future__ import annotations

VERSION = "0.1.0"
