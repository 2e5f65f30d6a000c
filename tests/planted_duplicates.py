"""Invented texts and briefings with exact and near-duplicates planted far apart.

Used by the tests of the duplicate-detection tasks (in this process and on a cluster):
the duplicates sit in different partitions for any cut into 2 to 12 runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analytics.ingest import load_files

# 24 distinct words: 20 word 5-grams; one word changed at an end leaves 19 of 21 shared.
BASE = " ".join(f"w{number}" for number in range(1, 25))
OTHER = " ".join(f"a{number}" for number in range(24))
THIRD = " ".join(f"b{number}" for number in range(24))


def _replaced(position: int, word: str = "changed") -> str:
    words = BASE.split()
    words[position] = word
    return " ".join(words)


def _filler(number: int) -> str:
    return " ".join(f"t{number}x{word}" for word in range(30))


# Position: text. Fillers share no word with anything.
_PLANTED = {
    0: BASE,
    2: OTHER,
    4: _replaced(23),  # near 0: 19/21
    6: THIRD,
    9: OTHER.upper(),  # exact 2
    11: BASE + "  ",  # exact 0 (spacing)
    13: _replaced(0),  # near 0: 19/21
    15: THIRD + " b24",  # near 6: 20/21
    16: "a b",  # too short to compare
    17: "",
    19: "",  # exact 17
    20: _replaced(12),  # 15/25 with 0: not near
    22: BASE.upper(),  # exact 0
    23: _replaced(23, "again"),  # near 0 (and 4): the earliest, 0
}
N_TEXTS = 24
EXPECTED_EXACT = [{9: 2, 11: 0, 19: 17, 22: 0}.get(p, pd.NA) for p in range(N_TEXTS)]
_NEAR = {4: (0, 19 / 21), 13: (0, 19 / 21), 15: (6, 20 / 21), 23: (0, 19 / 21)}
EXPECTED_NEAR = [_NEAR.get(p, (pd.NA, None)) for p in range(N_TEXTS)]


def planted_texts() -> pd.Series:
    """The 24 texts, duplicates at the positions of ``EXPECTED_EXACT`` / ``EXPECTED_NEAR``."""
    return pd.Series([_PLANTED.get(p, _filler(p)) for p in range(N_TEXTS)], index=range(100, 124))


# (id, date, text): ties on the date settled by id; an earlier date wins over a smaller id.
BRIEFINGS: tuple[tuple[str, str, str], ...] = (
    ("c-near", "2024-01-07", _replaced(23)),
    ("f-00", "2024-01-01", _filler(0)),
    ("b-1", "2024-01-05", BASE.upper()),
    ("z-near", "2024-01-07", _replaced(0)),
    ("f-01", "2024-01-03", _filler(1)),
    ("x-second", "2024-01-03", OTHER.upper()),
    ("a-1", "2024-01-05", BASE),
    ("f-02", "2024-01-08", _filler(2)),
    ("y-first", "2024-01-02", OTHER),
    ("f-03", "2024-01-04", _filler(3)),
    ("f-04", "2024-01-06", _filler(4)),
    ("t-near", "2024-01-09", THIRD + " b24"),
    ("f-05", "2024-01-02", _filler(5)),
    ("t-1", "2024-01-04", THIRD),
)


def write_planted_corpus(folder: Path) -> Path:
    """``BRIEFINGS`` as one JSON Lines table in ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "planted.jsonl"
    rows = [{"id": i, "date": d, "title": i, "text": t} for i, d, t in BRIEFINGS]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def planted_briefings(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``BRIEFINGS`` loaded (not yet de-duplicated): the briefings and their report."""
    loaded = load_files([write_planted_corpus(folder)])
    return loaded.briefings, loaded.report
