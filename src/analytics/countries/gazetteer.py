"""Country names, aliases, demonyms, capitals, places and office holders -> ISO 3166 alpha-3.

The reference data lives in four CSV files under ``data/`` (see
``data/README-gazetteer.md``) so an analyst can read and correct it:

- ``countries.csv``: one row per country code (``iso3``, ``iso2``, display ``name``,
  ``status``, validity ``start``/``end``);
- ``gazetteer.csv``: one row per surface form (``surface``, ``iso3``, ``kind``,
  ``confidence``, required ``before``/``after`` context, validity ``start``/``end``);
  an empty ``iso3`` marks a phrase that is never a country ("Indo-Pacific");
- ``actors.csv``: office holders (``surface``, ``iso3``, ``role``, ``start``, ``end``,
  ``confidence``), counted for their country only while in office;
- ``places.csv``: cities (``surface``, ``iso3``, ``population``, ``confidence``);
- ``person-names.csv``: country names that are also given names and the words that are no
  surname after them (``word``, ``kind``; see ``analytics.countries.person_names``).

A :class:`Gazetteer` joins them into one *candidate* table (a surface may have
several candidates, e.g. "Georgia" the country or the US state) and compiles one
Aho-Corasick automaton over every surface and its upper-case form, so text is
scanned once whatever the number of names.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd

from analytics import paths, settings
from analytics import schema as S
from analytics.countries.person_names import (
    NO_PERSON_NAMES,
    PERSON_NAMES_FILE,
    PersonNames,
    read_person_names,
)
from analytics.errors import InputError

COUNTRIES_FILE = "countries.csv"
GAZETTEER_FILE = "gazetteer.csv"
ACTORS_FILE = "actors.csv"
PLACES_FILE = "places.csv"

BLOCK = "block"
"""Kind of a gazetteer row whose phrase is never a country (it only wins the longest match)."""
GAZETTEER_KINDS: tuple[str, ...] = ("name", "alias", "demonym", "capital", "place", BLOCK)

# Candidates from the hand-written gazetteer beat office holders, which beat the city list.
_SOURCE_RANK = {GAZETTEER_FILE: 0, ACTORS_FILE: 1, PLACES_FILE: 2}
_CANDIDATE_COLUMNS = (
    "key",
    S.ISO3,
    S.KIND,
    S.CONFIDENCE,
    "before",
    "after",
    "start",
    "end",
    "population",
    "rank",
)
_STOP_KINDS = ("name", "alias", "demonym", "capital")
_WORD = re.compile(r"[^\W\d_]{2,}")


def read_table(directory: Path, name: str, required: tuple[str, ...]) -> pd.DataFrame:
    """One reference CSV of ``directory`` as strings (empty cells stay "").

    Raises:
        InputError: when the file or one of the ``required`` columns is missing.
    """
    path = directory / name
    if not path.exists():
        raise InputError(f"gazetteer file {name} is missing from {directory}; got {str(path)!r}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise InputError(
            f"{name} must have columns {', '.join(required)}; missing {', '.join(missing)}; "
            f"got {list(table.columns)!r}"
        )
    return table


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d", errors="raise")


def _confidence(values: pd.Series, name: str) -> pd.Series:
    numbers = pd.to_numeric(values.replace("", "1"), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers > 1)
    if bad.any():
        raise InputError(
            f"{name}: confidence must be a number from 0 to 1; got {values[bad].iloc[0]!r}"
        )
    return numbers.astype(float)


class Gazetteer:
    """The compiled reference tables: candidates per surface and a scanning automaton.

    Parameters:
        countries: ``iso3``, ``iso2``, ``name`` (plus optional ``status``, ``start``, ``end``).
        entries: gazetteer rows (``surface``, ``iso3``, ``kind``, ``confidence``, ``before``,
            ``after``, ``start``, ``end``).
        actors: office holders (``surface``, ``iso3``, ``role``, ``start``, ``end``,
            ``confidence``).
        places: cities (``surface``, ``iso3``, ``population``, ``confidence``).
        person_names: country names that begin person names ("Chad Johnson") and the
            words that are no surname after them; default none (the rule off).

    Raises:
        InputError: on an unknown kind, a code missing from ``countries``, a bad number
            or a given name that is no country name or alias of ``entries``.
    """

    def __init__(
        self,
        countries: pd.DataFrame,
        entries: pd.DataFrame,
        actors: pd.DataFrame | None = None,
        places: pd.DataFrame | None = None,
        person_names: PersonNames = NO_PERSON_NAMES,
    ) -> None:
        self._countries = countries.reset_index(drop=True).copy()
        self._names = dict(zip(self._countries[S.ISO3], self._countries["name"], strict=True))
        self.entries = entries.reset_index(drop=True).copy()
        self.actors = (actors if actors is not None else _empty_actors()).reset_index(drop=True)
        self.places = (places if places is not None else _empty_places()).reset_index(drop=True)
        self.person_names = person_names
        self.candidates = self._candidates()
        self._compile()
        self._index_candidates()
        self._index_person_names()

    # -- public -------------------------------------------------------------
    @property
    def countries(self) -> pd.DataFrame:
        """One row per country code: ``iso3``, ``name``, ``iso2`` (a copy)."""
        return self._countries[[S.ISO3, "name", "iso2"]].copy()

    def country_name(self, iso3: str) -> str:
        """Display name of ``iso3``.

        Raises:
            InputError: when the code is not in ``countries.csv``.
        """
        try:
            return self._names[iso3]
        except KeyError:
            raise InputError(
                f"unknown country code; expected an ISO 3166 alpha-3 code from "
                f"{COUNTRIES_FILE}; got {iso3!r}"
            ) from None

    def country_names(self, codes: pd.Series) -> pd.Series:
        """Display names aligned with ``codes`` (the code itself where unknown)."""
        return codes.map(self._names).fillna(codes)

    # -- building -----------------------------------------------------------
    def _candidates(self) -> pd.DataFrame:
        entries = self.entries
        kinds = set(entries[S.KIND]) - set(GAZETTEER_KINDS)
        if kinds:
            raise InputError(
                f"{GAZETTEER_FILE}: kind must be one of {', '.join(GAZETTEER_KINDS)}; "
                f"got {sorted(kinds)[0]!r}"
            )
        known = set(self._names)
        for name, table in (
            (GAZETTEER_FILE, entries),
            (ACTORS_FILE, self.actors),
            (PLACES_FILE, self.places),
        ):
            codes = set(table[S.ISO3]) - known - {""}
            if codes:
                raise InputError(
                    f"{name}: every iso3 must be listed in {COUNTRIES_FILE}; "
                    f"got {sorted(codes)[0]!r}"
                )
        parts = [
            pd.DataFrame(
                {
                    "key": entries[S.SURFACE],
                    S.ISO3: entries[S.ISO3],
                    S.KIND: entries[S.KIND],
                    S.CONFIDENCE: _confidence(entries[S.CONFIDENCE], GAZETTEER_FILE),
                    "before": entries["before"],
                    "after": entries["after"],
                    "start": _dates(entries["start"]),
                    "end": _dates(entries["end"]),
                    "population": np.nan,
                    "rank": _SOURCE_RANK[GAZETTEER_FILE],
                }
            ),
            pd.DataFrame(
                {
                    "key": self.actors[S.SURFACE],
                    S.ISO3: self.actors[S.ISO3],
                    S.KIND: "leader",
                    S.CONFIDENCE: _confidence(self.actors[S.CONFIDENCE], ACTORS_FILE),
                    "before": "",
                    "after": "",
                    "start": _dates(self.actors["start"]),
                    "end": _dates(self.actors["end"]),
                    "population": np.nan,
                    "rank": _SOURCE_RANK[ACTORS_FILE],
                }
            ),
            pd.DataFrame(
                {
                    "key": self.places[S.SURFACE],
                    S.ISO3: self.places[S.ISO3],
                    S.KIND: "place",
                    S.CONFIDENCE: _confidence(self.places[S.CONFIDENCE], PLACES_FILE),
                    "before": "",
                    "after": "",
                    "start": pd.NaT,
                    "end": pd.NaT,
                    "population": pd.to_numeric(self.places["population"], errors="coerce"),
                    "rank": _SOURCE_RANK[PLACES_FILE],
                }
            ),
        ]
        candidates = pd.concat(parts, ignore_index=True)
        candidates = candidates[candidates["key"].str.len() > 0]
        # A city that shares its surface with a hand-written entry or an office holder
        # never competes with it: the hand-written data is the deliberate choice.
        curated = set(candidates.loc[candidates["rank"] < _SOURCE_RANK[PLACES_FILE], "key"])
        is_city = candidates["rank"] == _SOURCE_RANK[PLACES_FILE]
        candidates = candidates[~(is_city & candidates["key"].isin(curated))]
        candidates["start"] = candidates["start"].astype("datetime64[ns]")
        candidates["end"] = candidates["end"].astype("datetime64[ns]")
        return candidates.reset_index(drop=True)[list(_CANDIDATE_COLUMNS)]

    def _compile(self) -> None:
        keys = pd.Index(self.candidates["key"].unique())
        self.keys = keys
        self.key_ids = keys.get_indexer(self.candidates["key"])
        population = self.candidates.groupby("key")["population"].max().reindex(keys)
        small_city = (population < settings.value("running_text_min_population")).to_numpy()
        curated = ~population.notna().to_numpy()
        # Each key is searched as written (code ``2 * key_id``) and, for hand-written rows,
        # in upper case too (``2 * key_id + 1``: "CHINA" in an all-capitals title).
        patterns: list[bytes] = []
        codes: list[int] = []
        for key_id, key in enumerate(keys):
            if small_city[key_id]:
                continue  # found only in datelines, see dateline_keys
            patterns.append(key.encode("utf-8"))
            codes.append(2 * key_id)
            upper = key.upper()
            # Two-letter forms stay as written: "Xi" in capitals is a Roman numeral.
            if curated[key_id] and len(key) > 2 and upper != key and upper not in keys:
                patterns.append(upper.encode("utf-8"))
                codes.append(2 * key_id + 1)
        # One leftmost-longest automaton: "Papua New Guinea" wins over "Guinea".
        self.automaton = ahocorasick_rs.BytesAhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )
        self.pattern_codes = np.asarray(codes, dtype=np.int64)
        # Datelines are upper case ("HAUPPAUGE, N.Y., March 2 -"): every key, by its upper form.
        upper_keys = pd.Series(np.arange(len(keys)), index=keys.str.upper())
        self.dateline_keys = upper_keys[~upper_keys.index.duplicated()].to_dict()
        # Boundaries are only required where the key itself starts or ends with a word
        # character: "Sino-" may run into "Japanese", "U.S." may be followed by anything.
        self.key_word_start = np.array([k[0].isalnum() for k in keys], dtype=bool)
        self.key_word_end = np.array([k[-1].isalnum() for k in keys], dtype=bool)

    def _index_candidates(self) -> None:
        """Candidate columns as arrays ordered by key, for array-at-a-time rule checks."""
        order = np.argsort(self.key_ids, kind="stable")
        table = self.candidates.iloc[order]
        key_ids = self.key_ids[order]
        self.key_first = np.searchsorted(key_ids, np.arange(len(self.keys)))
        self.key_count = np.bincount(key_ids, minlength=len(self.keys))
        self.arrays = {
            S.ISO3: table[S.ISO3].to_numpy(dtype=object),
            "iso3_code": pd.factorize(table[S.ISO3])[0].astype(np.int64),
            S.KIND: table[S.KIND].to_numpy(dtype=object),
            S.CONFIDENCE: table[S.CONFIDENCE].to_numpy(dtype=float),
            "before": table["before"].to_numpy(dtype=object),
            "after": table["after"].to_numpy(dtype=object),
            "start": table["start"].to_numpy(dtype="datetime64[ns]"),
            "end": table["end"].to_numpy(dtype="datetime64[ns]"),
            "population": table["population"].to_numpy(dtype=float),
            "rank": table["rank"].to_numpy(dtype=np.int64),
        }

    def _index_person_names(self) -> None:
        """The keys of the given-name countries and, per key, whether it may be a country's
        name, alias, demonym or capital (a word that is no surname after one)."""
        entries = self.entries
        country_names = set(entries.loc[entries[S.KIND].isin(["name", "alias"]), S.SURFACE])
        strangers = sorted(self.person_names.given_names - country_names)
        if strangers:
            raise InputError(
                f"{PERSON_NAMES_FILE}: a given_name must be a country's name or alias in "
                f"{GAZETTEER_FILE}; got {strangers[0]!r}"
            )
        self.given_name_keys = np.flatnonzero(self.keys.isin(sorted(self.person_names.given_names)))
        country_word = np.isin(self.arrays[S.KIND], ["name", "alias", "demonym", "capital"])
        self.key_is_country_word = (
            np.add.reduceat(country_word.astype(np.int64), self.key_first) > 0
            if len(self.keys)
            else np.zeros(0, dtype=bool)
        )


def _empty_actors() -> pd.DataFrame:
    columns = [S.SURFACE, S.ISO3, "role", "start", "end", S.CONFIDENCE]
    return pd.DataFrame({column: pd.Series(dtype=str) for column in columns})


def _empty_places() -> pd.DataFrame:
    columns = [S.SURFACE, S.ISO3, "population", S.CONFIDENCE]
    return pd.DataFrame({column: pd.Series(dtype=str) for column in columns})


@lru_cache(maxsize=4)
def _load(directory: Path) -> Gazetteer:
    countries = read_table(directory, COUNTRIES_FILE, (S.ISO3, "iso2", "name"))
    entries = read_table(
        directory,
        GAZETTEER_FILE,
        (S.SURFACE, S.ISO3, S.KIND, S.CONFIDENCE, "before", "after", "start", "end"),
    )
    actors = read_table(
        directory, ACTORS_FILE, (S.SURFACE, S.ISO3, "role", "start", "end", S.CONFIDENCE)
    )
    places_path = directory / PLACES_FILE
    places = (
        read_table(directory, PLACES_FILE, (S.SURFACE, S.ISO3, "population", S.CONFIDENCE))
        if places_path.exists()
        else None
    )
    return Gazetteer(countries, entries, actors, places, read_person_names(directory))


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Load and compile the gazetteer CSVs (cached per folder).

    Parameters:
        directory: folder holding the CSVs; default ``analytics.paths.data_dir()``.

    Returns:
        A compiled :class:`Gazetteer`; the same object for repeated calls.

    Raises:
        InputError: when a file or a column is missing or a value is invalid.
    """
    folder = Path(directory) if directory is not None else paths.data_dir()
    return _load(folder.resolve())


def country_stop_words(gazetteer: Gazetteer | None = None) -> frozenset[str]:
    """Lower-case single-word tokens of every country name, alias, demonym and capital.

    Used by the topic model so that topics say *what* happens rather than *where*.
    """
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    entries = gazetteer.entries
    surfaces = entries.loc[entries[S.KIND].isin(_STOP_KINDS) & (entries[S.ISO3] != ""), S.SURFACE]
    words = {word.lower() for surface in surfaces for word in _WORD.findall(surface)}
    return frozenset(words)
