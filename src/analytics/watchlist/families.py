"""Event types: the cue family (the CAMEO root, two digits) of a cue, and its name.

An expected event and a later report of it match when their cues share a family: "will
meet" (04, consult) is reported by "held talks" (04), not by "condemned" (11). The names
are in ``data/cue_families.csv``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from analytics.errors import InputError
from analytics.paths import data_dir


def cue_families_path() -> Path:
    """The default family table, ``data/cue_families.csv``."""
    return data_dir() / "cue_families.csv"


def cue_family(cameo: str) -> str:
    """The family of a cue's CAMEO code: its first two digits ("" when it has none)."""
    cameo = cameo.strip()
    return cameo[:2] if len(cameo) >= 2 and cameo[:2].isdigit() else ""


def load_cue_families(path: str | Path | None = None) -> dict[str, str]:
    """The family names, keyed by family (``"04"`` -> ``"consult"``).

    Raises:
        InputError: when the file is missing, lacks ``family`` / ``label`` columns, or
            a family is not two digits.
    """
    path = Path(path) if path is not None else cue_families_path()
    if not path.is_file():
        raise InputError(f"cue family table must be an existing CSV file; got {str(path)!r}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"family", "label"} <= set(table.columns):
        raise InputError(
            f"cue family table needs columns family, label; got {list(table.columns)!r}"
        )
    bad = [family for family in table["family"] if not (len(family) == 2 and family.isdigit())]
    if bad:
        raise InputError(f"cue family table: a family is two digits; got {bad[0]!r}")
    return dict(zip(table["family"], table["label"].str.strip(), strict=True))


@functools.lru_cache(maxsize=1)
def default_cue_families() -> dict[str, str]:
    """``data/cue_families.csv``, read once."""
    return load_cue_families()
