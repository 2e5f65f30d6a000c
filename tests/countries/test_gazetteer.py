"""Tests for analytics.countries.gazetteer: the reference CSVs and their compiled form."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.countries import Gazetteer, country_stop_words, extract_mentions, load_gazetteer
from analytics.errors import InputError


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture()
def small_dir(fixtures_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the four-file toy gazetteer."""
    target = tmp_path / "gazetteer"
    shutil.copytree(fixtures_dir / "mentions" / "gazetteer", target)
    return target


def _candidates(gazetteer: Gazetteer, surface: str) -> pd.DataFrame:
    return gazetteer.candidates[gazetteer.candidates["key"] == surface]


@pytest.mark.parametrize(
    ("surface", "iso3", "kind"),
    [
        ("U.S.", "USA", "alias"),
        ("US", "USA", "alias"),
        ("America", "USA", "alias"),
        ("UK", "GBR", "alias"),
        ("Britain", "GBR", "alias"),
        ("DPRK", "PRK", "alias"),
        ("ROK", "KOR", "alias"),
        ("PRC", "CHN", "alias"),
        ("UAE", "ARE", "alias"),
        ("Czechia", "CZE", "name"),
        ("Türkiye", "TUR", "name"),
        ("Turkey", "TUR", "alias"),
        ("Burma", "MMR", "alias"),
        ("Ivory Coast", "CIV", "alias"),
        ("Côte d'Ivoire", "CIV", "name"),
        ("Japanese", "JPN", "demonym"),
        ("South Korean", "KOR", "demonym"),
        ("Emirati", "ARE", "demonym"),
        ("Beijing", "CHN", "capital"),
        ("Kremlin", "RUS", "capital"),
        ("Downing Street", "GBR", "capital"),
        ("White House", "USA", "capital"),
        ("Pyongyang", "PRK", "capital"),
        ("Bonn", "DEU", "capital"),
        ("West Germany", "DEU", "alias"),
        ("USSR", "SUN", "alias"),
        ("Zaire", "COD", "alias"),
        ("Czechoslovakia", "CSK", "name"),
        ("Yugoslavia", "YUG", "name"),
        ("Gaza", "PSE", "alias"),
        ("West Bank", "PSE", "alias"),
        ("Kosovo", "XKX", "name"),
        ("Hong Kong", "HKG", "name"),
        ("Macau", "MAC", "name"),
        ("Hong Kong", "CHN", "place"),
        ("Puerto Rico", "USA", "place"),
        ("Greenland", "DNK", "place"),
        ("Gibraltar", "GBR", "place"),
        ("Western Sahara", "ESH", "name"),
        ("Taiwan", "TWN", "name"),
        ("Takaichi", "JPN", "leader"),
        ("Zelenskyy", "UKR", "leader"),
        ("Osaka", "JPN", "place"),
    ],
    ids=lambda value: str(value),
)
def test_load_gazetteer_maps_surface(gazetteer: Gazetteer, surface: str, iso3: str, kind: str):
    rows = _candidates(gazetteer, surface)
    assert ((rows[S.ISO3] == iso3) & (rows[S.KIND] == kind)).any(), rows


@pytest.mark.parametrize(
    "surface",
    ["Indo-Pacific", "Latin America", "South China Sea", "New Guinea", "Michael Jordan"],
    ids=["indo-pacific", "latin-america", "south-china-sea", "new-guinea", "michael-jordan"],
)
def test_load_gazetteer_blocks_regions_and_people(gazetteer: Gazetteer, surface: str):
    rows = _candidates(gazetteer, surface)
    assert list(rows[S.KIND]) == ["block"]


@pytest.mark.parametrize(
    "surface",
    ["Middle East", "Europe", "Asia", "European Union", "EU", "NATO", "United Nations", "Sahel"],
    ids=lambda value: value,
)
def test_load_gazetteer_has_no_country_for_regions_and_bodies(gazetteer: Gazetteer, surface: str):
    assert _candidates(gazetteer, surface).empty


@pytest.mark.parametrize(
    ("surface", "starts"),
    [
        ("Takaichi", ["2025-10-21"]),
        ("Trump", ["2017-01-20", "2025-01-20"]),
        ("Kishida", ["2012-12-26", "2021-10-04"]),
        ("Reagan", ["1981-01-20"]),
    ],
    ids=["takaichi", "trump-two-terms", "kishida-two-offices", "reagan"],
)
def test_load_gazetteer_dates_office_holders(gazetteer: Gazetteer, surface: str, starts: list):
    rows = _candidates(gazetteer, surface)
    assert sorted(rows["start"].dt.strftime("%Y-%m-%d")) == starts


def test_load_gazetteer_covers_every_un_member(gazetteer: Gazetteer):
    # 193 members, 2 observers (Holy See, Palestine) and the extra entities of the issue.
    expected_extra = {"TWN", "XKX", "HKG", "MAC", "PRI", "GRL", "GIB", "ESH", "PSE", "VAT"}
    codes = set(gazetteer.countries[S.ISO3])
    assert expected_extra <= codes
    named = set(gazetteer.entries.loc[gazetteer.entries[S.KIND] == "name", S.ISO3])
    # Dependent territories are found as places of their state (RELATIONS-ANNOTATION.md);
    # their codes stay for maps.
    assert expected_extra - {"PRI", "GRL", "GIB"} <= named
    assert len(codes) >= 195


def test_load_gazetteer_is_cached():
    assert load_gazetteer() is load_gazetteer()


def test_countries_has_codes_and_names(gazetteer: Gazetteer):
    countries = gazetteer.countries
    assert list(countries.columns) == ["iso3", "name", "iso2"]
    assert countries.loc[countries[S.ISO3] == "JPN", "iso2"].item() == "JP"


@pytest.mark.parametrize(
    ("iso3", "name"),
    [("JPN", "Japan"), ("USA", "United States"), ("KOR", "South Korea"), ("SUN", "Soviet Union")],
    ids=["japan", "usa", "south-korea", "soviet-union"],
)
def test_country_name_returns_display_name(gazetteer: Gazetteer, iso3: str, name: str):
    assert gazetteer.country_name(iso3) == name


def test_country_name_rejects_unknown_code(gazetteer: Gazetteer):
    with pytest.raises(InputError, match=r"unknown country code.*got 'XYZ'"):
        gazetteer.country_name("XYZ")


def test_load_gazetteer_reads_a_folder(small_dir: Path):
    small = load_gazetteer(small_dir)
    assert sorted(small.countries[S.ISO3]) == ["GEO", "JPN", "USA"]
    assert small.country_name("GEO") == "Georgia"


def test_load_gazetteer_rejects_missing_file(small_dir: Path):
    (small_dir / "actors.csv").unlink()
    with pytest.raises(InputError, match=r"actors.csv is missing"):
        load_gazetteer(small_dir)


def test_load_gazetteer_rejects_missing_column(small_dir: Path):
    path = small_dir / "countries.csv"
    path.write_text("iso3,name\nJPN,Japan\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"countries.csv must have columns .*missing iso2"):
        load_gazetteer(small_dir)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Nippon,JPN,nickname,1,,,,,", r"kind must be one of .*got 'nickname'"),
        ("Atlantis,ATL,name,1,,,,,", r"every iso3 must be listed .*got 'ATL'"),
        ("Nippon,JPN,alias,1.5,,,,,", r"confidence must be a number from 0 to 1; got '1.5'"),
    ],
    ids=["unknown-kind", "unknown-code", "confidence-out-of-range"],
)
def test_load_gazetteer_rejects_bad_rows(small_dir: Path, line: str, message: str):
    path = small_dir / "gazetteer.csv"
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gazetteer(small_dir)


def test_country_stop_words_has_single_lowercase_tokens(gazetteer: Gazetteer):
    words = country_stop_words(gazetteer)
    assert {"japan", "japanese", "tokyo", "korea", "korean", "kremlin", "britain"} <= words
    assert all(word == word.lower() and " " not in word for word in words)
    assert "takaichi" not in words  # office holders are topics' "who", not stopped here


def test_country_stop_words_default_gazetteer():
    assert "china" in country_stop_words()


def test_gazetteer_and_topic_stop_words_need_no_pycountry(project_root: Path):
    # A fresh interpreter where ``import pycountry`` fails: the gazetteer and the topic
    # vocabulary's country and leader words come from the CSVs in data/ alone.
    core = project_root / "src" / "analytics"
    names = sorted(f"analytics.{p.stem}" for p in core.glob("*.py") if p.stem != "__main__")
    code = (
        "import importlib, sys\n"
        "sys.modules['pycountry'] = None\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "from analytics.countries import load_gazetteer\n"
        "from analytics.topics import topic_stop_words\n"
        "gazetteer = load_gazetteer()\n"
        "words = set(topic_stop_words())\n"
        "print(len(gazetteer.countries), gazetteer.country_name('KOR'))\n"
        "print(sorted(words & {'japan', 'japanese', 'tokyo', 'putin', 'oil'}))\n"
        "print('pycountry' in sys.modules and sys.modules['pycountry'] is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=project_root
    )
    assert result.returncode == 0, result.stderr
    n_countries = len(pd.read_csv(project_root / "data" / "countries.csv"))
    assert result.stdout.splitlines() == [
        f"{n_countries} South Korea",
        "['japan', 'japanese', 'putin', 'tokyo']",
        "False",
    ]


def test_pycountry_is_no_dependency(project_root: Path):
    project = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = project["project"]["dependencies"] + [
        requirement
        for extra in project["project"]["optional-dependencies"].values()
        for requirement in extra
    ]
    assert not [r for r in requirements if r.lower().startswith("pycountry")]


# -- person-names.csv ---------------------------------------------------------------
def _georgia_smith(folder: Path) -> list[str]:
    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1"],
            S.DATE: pd.to_datetime(["2025-01-10"], utc=True),
            S.TITLE: [""],
            S.TEXT: ["Officials said Georgia Smith had resigned."],
        }
    )
    return extract_mentions(briefings, load_gazetteer(folder))[S.ISO3].tolist()


def test_person_names_come_from_the_folder_s_table(small_dir: Path):
    # Without person-names.csv the rule is off: "Georgia" is the country (the toy
    # gazetteer's US state needs a city before it). Listed as a given name, it begins a
    # person's name before the surname "Smith".
    assert _georgia_smith(small_dir) == ["GEO"]
    named = shutil.copytree(small_dir, small_dir.parent / "with-person-names")  # own cache
    (named / "person-names.csv").write_text(
        "word,kind\nGeorgia,given_name\nTech,body\n", encoding="utf-8"
    )
    assert _georgia_smith(named) == []


def test_the_shipped_person_names_are_country_names(gazetteer: Gazetteer):
    assert {"Chad", "Israel", "Jordan"} <= gazetteer.person_names.given_names
    assert {"defense", "valley", "river", "army", "government", "forces", "embassy"} <= (
        gazetteer.person_names.not_surnames
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("word,type\nGeorgia,given_name\n", r"person-names.csv must have columns word, kind"),
        ("word,kind\nGeorgia,first_name\n", r"kind must be one of .*got 'first_name'"),
        ("word,kind\nNew York,place\n", r"one capitalised word .*got 'New York'"),
        ("word,kind\nvalley,place\n", r"one capitalised word .*got 'valley'"),
        ("word,kind\nTech,body\nTech,place\n", r"each word is listed once; got 'Tech' twice"),
        ("word,kind\nTokyo,given_name\n", r"given_name must be a country's name .*got 'Tokyo'"),
    ],
    ids=["missing-column", "unknown-kind", "two-words", "lower-case", "repeated", "no-country"],
)
def test_load_gazetteer_rejects_bad_person_names(small_dir: Path, table: str, message: str):
    (small_dir / "person-names.csv").write_text(table, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gazetteer(small_dir)
