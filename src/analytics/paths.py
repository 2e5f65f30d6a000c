"""Where the project's reference data and bundled sample corpus live.

The reference tables (gazetteer, cue lexicon, ...) have one copy in git, the checkout's
top-level ``data/``; a built wheel carries them inside the package as ``analytics/_data``
(``pyproject.toml`` maps that package to ``data/``), so an installation outside a checkout,
such as a Dask worker on another machine, has them too. ``data_dir`` picks, in order:
``BRIEFING_ATLAS_DATA`` (edited copies), the checkout's ``data/``, the packaged copy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from analytics import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Where a wheel puts the reference tables (the package ``analytics._data``).
PACKAGED_DATA = Path(__file__).resolve().parent / "_data"
# The tables whose content ``reference_fingerprint`` covers: every CSV the stages read.
REFERENCE_TABLES = "*.csv"


def checkout_data_dir() -> Path | None:
    """The checkout's ``data/`` when this module runs from a checkout's ``src/``, else None."""
    folder = PROJECT_ROOT / "data"
    from_checkout = Path(__file__).resolve() == PROJECT_ROOT / "src" / "analytics" / "paths.py"
    return folder if from_checkout and folder.is_dir() else None


def data_dir() -> Path:
    """The folder of the reference tables: the setting, else the checkout's, else the packaged.

    ``BRIEFING_ATLAS_DATA`` (the setting ``data_dir``) wins; then the checkout's ``data/``
    when running from a checkout; then the copy inside the installed package.
    """
    override = settings.value("data_dir")
    if override:
        return Path(override)
    return checkout_data_dir() or PACKAGED_DATA


def sample_corpus_dir() -> Path:
    """The bundled sample corpus (briefing files plus ``manifest.csv``).

    Only a checkout (or a ``BRIEFING_ATLAS_DATA`` folder holding ``sample/``) has it:
    wheels carry the reference tables, not the sample.
    """
    return data_dir() / "sample"


def reference_fingerprint(folder: Path | None = None) -> str:
    """A SHA-256 of the names and contents of the reference tables in ``folder``.

    Two processes that read the same tables get the same fingerprint, wherever the
    folder is; an edited, added or missing table changes it.

    Parameters:
        folder: the folder of the tables; default ``data_dir()``.

    Returns:
        The hex digest, over each ``*.csv`` of the folder in name order.
    """
    folder = data_dir() if folder is None else folder
    digest = hashlib.sha256()
    for table in sorted(folder.glob(REFERENCE_TABLES)):
        digest.update(table.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(table.read_bytes()).digest())
    return digest.hexdigest()
