"""Where the project's reference data and bundled sample corpus live.

``BRIEFING_ATLAS_DATA`` overrides the data folder (for installs outside a checkout).
"""

from __future__ import annotations

from pathlib import Path

from analytics import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder holding reference tables (gazetteer, cue lexicon) and the sample corpus."""
    override = settings.value("data_dir")
    return Path(override) if override else PROJECT_ROOT / "data"


def sample_corpus_dir() -> Path:
    """The bundled sample corpus (briefing files plus ``manifest.csv``)."""
    return data_dir() / "sample"
