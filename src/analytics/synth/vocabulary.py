"""The generator's reference vocabulary: the CSV tables of ``data/synth/``, read and checked.

Countries, cue phrases, hedges, themes, sentence templates and baseline relations live in
plain CSV files an analyst can edit; ``load_vocabulary`` says what is wrong with them.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.paths import data_dir

_TOPIC_FIELDS = frozenset({"X", "Xd", "Xc", "Y", "t1", "t2", "t3"})
# The fields each template section may use: X/Y a country's name (Xd demonym, Xc
# capital), t1-t3 theme terms, L a list of country names, S/O subject and object,
# V the cue verb phrase, H a hedge and tail the cue's closing words.
_TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    "title": _TOPIC_FIELDS,
    "happening": _TOPIC_FIELDS,
    "importance": _TOPIC_FIELDS,
    "next": _TOPIC_FIELDS,
    "context": frozenset({"L"}),
    "relation": frozenset({"S", "V", "O", "tail"}),
    "outlook": frozenset({"S", "H", "V", "O", "tail"}),
}
TEMPLATE_SECTIONS = tuple(_TEMPLATE_FIELDS)
_MIN_COUNTRIES = 5  # the most countries a briefing names


@dataclass(frozen=True)
class Vocabulary:
    """The CSV tables the generator draws from (see ``data/synth/``)."""

    countries: pd.DataFrame  # iso3, name, demonym, capital, weight
    cues: pd.DataFrame  # relation, sign, past, base, tail, weight
    hedges: tuple[str, ...]
    themes: pd.DataFrame  # theme, role ("background" | "reserve"), weight, terms (tuple)
    templates: dict[str, tuple[str, ...]]
    relations: pd.DataFrame  # iso3_a, iso3_b, conflict_share


def vocabulary_dir() -> Path:
    """The folder holding the generator's CSV vocabularies."""
    return data_dir() / "synth"


def _read_table(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(
            f"synthetic vocabulary table is missing: expected a CSV file, got {path!r}"
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in columns if column not in table.columns]
    if missing or table.empty:
        raise InputError(
            f"{path.name} needs columns {list(columns)} and at least one row, "
            f"got columns {list(table.columns)!r} and {len(table)} rows"
        )
    return table[list(columns)].apply(lambda column: column.str.strip())


def _positive_weights(table: pd.DataFrame, name: str) -> np.ndarray:
    weights = pd.to_numeric(table["weight"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(weights) & (weights > 0)):
        raise InputError(
            f"{name} weights must be positive numbers, got {table['weight'].tolist()!r}"
        )
    return weights


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read and check the generator's CSV tables.

    Parameters:
        directory: folder with ``countries.csv``, ``cues.csv``, ``hedges.csv``,
            ``topics.csv``, ``templates.csv`` and ``relations.csv``; defaults to
            ``data/synth``.

    Returns:
        The tables, with weights as floats and theme terms as tuples.

    Raises:
        InputError: a table is missing, lacks a column, or holds an invalid value.
    """
    folder = Path(directory) if directory is not None else vocabulary_dir()
    countries = _read_table(
        folder / "countries.csv", ("iso3", "name", "demonym", "capital", "weight")
    )
    countries["iso3"] = countries["iso3"].str.upper()
    countries["weight"] = _positive_weights(countries, "countries.csv")
    if len(countries) < _MIN_COUNTRIES or countries["iso3"].duplicated().any():
        raise InputError(
            f"countries.csv needs at least {_MIN_COUNTRIES} distinct ISO3 codes, "
            f"got {countries['iso3'].tolist()!r}"
        )

    cues = _read_table(folder / "cues.csv", ("relation", "sign", "past", "base", "tail", "weight"))
    cues["sign"] = pd.to_numeric(cues["sign"], errors="coerce")
    cues["weight"] = _positive_weights(cues, "cues.csv")
    if not set(cues["sign"]) == {-1, 1}:
        raise InputError(
            f"cues.csv needs signs 1 and -1 (and nothing else), got {sorted(set(cues['sign']))!r}"
        )
    # A tail such as "for its support" follows the object after one space.
    cues["tail"] = cues["tail"].map(lambda tail: f" {tail}" if tail else "")

    hedges = tuple(_read_table(folder / "hedges.csv", ("hedge",))["hedge"])

    themes = _read_table(folder / "topics.csv", ("theme", "role", "weight", "terms"))
    themes["weight"] = _positive_weights(themes, "topics.csv")
    themes["terms"] = themes["terms"].map(
        lambda terms: tuple(term.strip() for term in terms.split(";") if term.strip())
    )
    bad_roles = sorted(set(themes["role"]) - {"background", "reserve"})
    if bad_roles or (themes["role"] == "background").sum() < 2:
        raise InputError(
            "topics.csv roles must be 'background' (at least two) or 'reserve', "
            f"got {themes['role'].tolist()!r}"
        )
    short = themes.loc[themes["terms"].map(len) < 3, "theme"].tolist()
    if short:
        raise InputError(
            f"every theme in topics.csv needs at least 3 terms, got too few for {short!r}"
        )

    template_table = _read_table(folder / "templates.csv", ("section", "template"))
    templates = {
        section: tuple(template_table.loc[template_table["section"] == section, "template"])
        for section in TEMPLATE_SECTIONS
    }
    empty = [section for section, rows in templates.items() if not rows]
    if empty:
        raise InputError(f"templates.csv needs templates for every section, got none for {empty!r}")
    formatter = string.Formatter()
    for section, rows in templates.items():
        for template in rows:
            try:
                fields = {
                    field for _, field, _, _ in formatter.parse(template) if field is not None
                }
            except ValueError:
                fields = {"<unbalanced braces>"}
            if not fields <= _TEMPLATE_FIELDS[section]:
                raise InputError(
                    f"templates.csv: {section} templates may use the fields "
                    f"{sorted(_TEMPLATE_FIELDS[section])}, got {template!r}"
                )

    relations = _read_table(folder / "relations.csv", ("iso3_a", "iso3_b", "conflict_share"))
    relations["iso3_a"] = relations["iso3_a"].str.upper()
    relations["iso3_b"] = relations["iso3_b"].str.upper()
    relations["conflict_share"] = pd.to_numeric(relations["conflict_share"], errors="coerce")
    unknown = sorted(set(relations["iso3_a"]).union(relations["iso3_b"]) - set(countries["iso3"]))
    shares = relations["conflict_share"]
    if unknown or not shares.between(0, 1).all():
        raise InputError(
            "relations.csv needs ISO3 codes from countries.csv and conflict shares in [0, 1], "
            f"got unknown codes {unknown!r} and shares {shares.tolist()!r}"
        )
    return Vocabulary(countries, cues, hedges, themes, templates, relations)
