"""Tests for analytics.countries.mentions and counts: extraction rules, sentence indices and
counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bench_modules import load_bench
from sentence_cases import SENTENCE_TEXTS

from analytics import schema as S
from analytics.countries import (
    Gazetteer,
    briefing_countries,
    extract_mentions,
    load_gazetteer,
    mention_matrix,
)
from analytics.errors import InputError
from analytics.text import split_sentences

DATE = "2025-11-28"


def _briefings(
    texts: list[str],
    dates: list[str | None] | None = None,
    titles: list[str] | None = None,
    sections: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    count = len(texts)
    dates = dates if dates is not None else [DATE] * count
    frame = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i + 1}" for i in range(count)],
            S.DATE: pd.to_datetime(pd.Series(dates), utc=True),
            S.TITLE: titles if titles is not None else [""] * count,
            S.TEXT: texts,
            S.HAPPENING: [""] * count,
            S.IMPORTANCE: [""] * count,
            S.NEXT: [""] * count,
        }
    )
    for name, values in (sections or {}).items():
        frame[name] = values
    return frame


def _found(text: str, date: str | None = DATE, title: str = "") -> list[tuple]:
    mentions = extract_mentions(_briefings([text], [date], [title]))
    return [
        (row.surface, row.iso3, row.kind)
        for row in mentions.itertuples()
        if row.section == S.SECTION_BODY
    ]


# -- matching rules ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Papua New Guinea signed.", [("Papua New Guinea", "PNG", "name")]),
        (
            "South Sudan and Sudan met.",
            [("South Sudan", "SSD", "name"), ("Sudan", "SDN", "name")],
        ),
        ("Niger and Nigeria met.", [("Niger", "NER", "name"), ("Nigeria", "NGA", "name")]),
        (
            "Guinea-Bissau and Equatorial Guinea met.",
            [("Guinea-Bissau", "GNB", "name"), ("Equatorial Guinea", "GNQ", "name")],
        ),
        ("New Mexico passed a law.", [("New Mexico", "USA", "place")]),
        ("In New South Wales.", [("New South Wales", "AUS", "place")]),
        ("In New England and Jersey.", [("New England", "USA", "place")]),
    ],
    ids=[
        "papua-new-guinea-not-guinea",
        "south-sudan-not-sudan",
        "niger-is-not-nigeria",
        "guinea-compounds",
        "new-mexico-is-a-us-place",
        "new-south-wales-not-wales",
        "new-england-and-jersey",
    ],
)
def test_extract_mentions_longest_match_wins(text: str, expected: list[tuple]):
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Australia told us.", [("Australia", "AUS", "name")]),
        ("A woman spoke.", []),
        ("Iranian forces moved.", [("Iranian", "IRN", "demonym")]),
        ("Chadwick said.", []),
        ("US officials said.", [("US", "USA", "alias")]),
        ("They bought fine china.", []),
        ("A turkey dinner.", []),
    ],
    ids=[
        "us-inside-australia-and-lowercase-us",
        "oman-inside-woman",
        "iranian-is-a-demonym",
        "chad-inside-chadwick",
        "capital-us",
        "lowercase-china-is-porcelain",
        "lowercase-turkey-is-the-bird",
    ],
)
def test_extract_mentions_respects_words_and_case(text: str, expected: list[tuple]):
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S.-Japan alliance.",
            [("U.S.", "USA", "alias"), ("Japan", "JPN", "name")],
        ),
        (
            "The Japan-U.S.-South Korea partnership.",
            [("Japan", "JPN", "name"), ("U.S.", "USA", "alias"), ("South Korea", "KOR", "name")],
        ),
        (
            "Sino-Japanese ties and Sino-U.S. talks.",
            [
                ("Sino-", "CHN", "alias"),
                ("Japanese", "JPN", "demonym"),
                ("Sino-", "CHN", "alias"),
                ("U.S.", "USA", "alias"),
            ],
        ),
        ("An Anglo-French deal.", [("Anglo-", "GBR", "alias"), ("French", "FRA", "demonym")]),
        (
            "China's navy and the U.S.'s role.",
            [("China", "CHN", "name"), ("U.S.", "USA", "alias")],
        ),
    ],
    ids=["us-japan", "japan-us-south-korea", "sino-compounds", "anglo-french", "possessives"],
)
def test_extract_mentions_splits_compounds_and_possessives(text: str, expected: list[tuple]):
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        (
            "A storm hits Guam and Puerto Rico.",
            "2010-05-01",
            [("Guam", "USA"), ("Puerto Rico", "USA")],
        ),
        (
            "Nuuk votes on Greenland's future.",
            "2010-05-01",
            [("Nuuk", "DNK"), ("Greenland", "DNK")],
        ),
        (
            "Bermuda and the Falklands vote.",
            "2010-05-01",
            [("Bermuda", "GBR"), ("Falklands", "GBR")],
        ),
        ("Hong Kong shares fall.", "1987-03-02", [("Hong Kong", "HKG")]),
        ("Hong Kong shares fall.", "2005-03-02", [("Hong Kong", "CHN")]),
        (
            "Talks open in Belgrade and Zagreb.",
            "1987-03-02",
            [("Belgrade", "YUG"), ("Zagreb", "YUG")],
        ),
        (
            "Talks open in Belgrade and Zagreb.",
            "2008-03-02",
            [("Belgrade", "SRB"), ("Zagreb", "HRV")],
        ),
        ("The Kremlin decided.", "1987-10-19", [("Kremlin", "SUN")]),
        ("The Kremlin decided.", "2008-03-02", [("Kremlin", "RUS")]),
        ("Samoa and Tokelau move.", "2011-12-29", [("Samoa", "WSM"), ("Tokelau", "NZL")]),
    ],
    ids=[
        "us-territories",
        "danish-territory",
        "british-territories",
        "hong-kong-1987",
        "hong-kong-2005",
        "yugoslav-capitals",
        "successor-capitals",
        "soviet-kremlin",
        "russian-kremlin",
        "new-zealand-territory",
    ],
)
def test_extract_mentions_codes_territories_and_capitals_to_their_state(
    text: str, date: str, expected: list[tuple]
):
    assert [(surface, iso3) for surface, iso3, _ in _found(text, date)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It cost US$5 million and U.S.$2 million.", []),
        ("A deal between the U.S and Japan.", [("U.S", "USA", "alias"), ("Japan", "JPN", "name")]),
        ("Peru backs the Kyoto Protocol and the Doha round.", [("Peru", "PER", "name")]),
        ("Bank of America buys a firm; Voice of America reports.", []),
    ],
    ids=["currency", "us-without-stop", "treaty-and-round", "company-and-broadcaster"],
)
def test_extract_mentions_reads_currencies_abbreviations_and_names(
    text: str, expected: list[tuple]
):
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Floods hit Peru. (AFP via The Australian)", [("Peru", "PER", "name")]),
        (
            "Peru holds a vote. (Reuters UK),(Voice of America) (The Times of India)",
            [("Peru", "PER", "name")],
        ),
        ("A judge speaks. (in Spanish) Chile then replies.", [("Chile", "CHL", "name")]),
        (
            "Bolivia (with help from Peru) signs.",
            [("Bolivia", "BOL", "name"), ("Peru", "PER", "name")],
        ),
        (
            "Rain falls. (Later the storm reaches Brazil.)",
            [("Brazil", "BRA", "name")],
        ),
    ],
    ids=["outlet", "chained-outlets", "language-note", "inside-a-sentence", "own-sentence"],
)
def test_extract_mentions_skips_source_citations(text: str, expected: list[tuple]):
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A free and open Indo-Pacific.",
        "The Middle East, Europe, Asia, Africa and Latin America.",
        "The European Union, the EU, NATO and the United Nations.",
        "The West, the Gulf, the Balkans, the Caucasus and the Sahel.",
        "Ships in the South China Sea and the Sea of Japan.",
        "The Inter-American Development Bank and the Pan American Health Organization.",
        "Expeditions to the North Pole and the South Pole.",
        "An inquiry into the Gaza flotilla raid.",
    ],
    ids=[
        "indo-pacific",
        "continents",
        "organisations",
        "regions",
        "seas",
        "of-the-americas",
        "poles",
        "an-event's-name",
    ],
)
def test_extract_mentions_ignores_regions_and_organisations(text: str):
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He flew to Atlanta, Georgia, on Monday.", [("Georgia", "USA", "place")]),
        ("Georgia's governor signed.", [("Georgia", "USA", "place")]),
        (
            "Tbilisi is the capital of Georgia.",
            [("Tbilisi", "GEO", "capital"), ("Georgia", "GEO", "name")],
        ),
        ("Michael Jordan played.", []),
        ("Jordan and Israel talked.", [("Jordan", "JOR", "name"), ("Israel", "ISR", "name")]),
        ("Officials in Washington, D.C. agreed.", [("Washington, D.C.", "USA", "capital")]),
        ("Rain in Seattle, Washington again.", [("Washington", "USA", "place")]),
        ("Washington state voted.", [("Washington state", "USA", "place")]),
        (
            "The Democratic Republic of Congo and the Republic of Congo.",
            [
                ("Democratic Republic of Congo", "COD", "alias"),
                ("Republic of Congo", "COG", "alias"),
            ],
        ),
        (
            "Congo-Brazzaville and Kinshasa.",
            [("Congo-Brazzaville", "COG", "alias"), ("Kinshasa", "COD", "capital")],
        ),
        ("North Korea fired.", [("North Korea", "PRK", "name")]),
        (
            # One state's name, not Yugoslavia's adjective beside Macedonia's.
            "Greece and the former Yugoslav Republic of Macedonia met.",
            [("Greece", "GRC", "name"), ("former Yugoslav Republic of Macedonia", "MKD", "alias")],
        ),
    ],
    ids=[
        "georgia-after-a-us-city",
        "georgia-governor",
        "georgia-with-tbilisi",
        "michael-jordan",
        "jordan-the-country",
        "washington-dc",
        "seattle-washington",
        "washington-state",
        "two-congos",
        "congo-brazzaville-and-kinshasa",
        "north-korea",
        "fyr-macedonia",
    ],
)
def test_extract_mentions_resolves_ambiguity_by_context(text: str, expected: list[tuple]):
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "surface", "confidence"),
    [
        ("Fighting in Congo.", "Congo", 0.7),
        ("Officials in Korea agreed.", "Korea", 0.7),
        ("Korea exports rose.", "Korea", 0.49),
        ("Officials in Turkey agreed.", "Turkey", 0.9),
        ("Turkey said it would act.", "Turkey", 0.63),
        ("Turkey said it would act. Ankara agreed.", "Turkey", 0.9),
        ("Chad said it would act.", "Chad", 0.49),
        ("Washington said it would respond.", "Washington", 0.8),
        ("Georgia and Armenia.", "Georgia", 0.42),
        ("Georgia and Armenia met in Tbilisi.", "Georgia", 0.9),
    ],
    ids=[
        "plain-congo-is-drc-lower",
        "korea-alone-is-south-lower",
        "korea-at-sentence-start",
        "turkey-mid-sentence",
        "turkey-at-sentence-start",
        "turkey-confirmed-by-capital",
        "chad-said",
        "washington-the-government",
        "georgia-alone",
        "georgia-confirmed-by-capital",
    ],
)
def test_extract_mentions_says_ambiguity_in_confidence(text: str, surface: str, confidence: float):
    mentions = extract_mentions(_briefings([text]))
    row = mentions[mentions[S.SURFACE] == surface].iloc[0]
    assert row[S.CONFIDENCE] == pytest.approx(confidence)


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("Takaichi spoke.", "2025-11-01", [("Takaichi", "JPN", "leader", 1.0)]),
        ("Takaichi spoke.", "2024-01-01", []),
        ("Trump spoke.", "2019-05-01", [("Trump", "USA", "leader", 1.0)]),
        ("Trump spoke.", "2023-05-01", []),
        ("Trump spoke.", "2025-02-01", [("Trump", "USA", "leader", 1.0)]),
        ("Trump spoke.", None, [("Trump", "USA", "leader", 0.6)]),
        (
            "Reagan and Nakasone met.",
            "1987-04-30",
            [("Reagan", "USA", "leader", 1.0), ("Nakasone", "JPN", "leader", 1.0)],
        ),
        ("Georgia voted.", "1987-05-01", [("Georgia", "USA", "place", 0.5)]),
        ("Berlusconi will stand trial.", "2009-10-26", [("Berlusconi", "ITA", "leader", 1.0)]),
        ("Berlusconi will stand trial.", "2007-10-26", []),
        ("Kabila spoke.", "2013-01-03", [("Kabila", "COD", "leader", 1.0)]),
        (
            "Bakiyev and Kulov stay.",
            "2006-11-09",
            [("Bakiyev", "KGZ", "leader", 1.0), ("Kulov", "KGZ", "leader", 1.0)],
        ),
        ("Foreign Minister Nyan Win spoke.", "2010-10-28", [("Nyan Win", "MMR", "leader", 1.0)]),
        ("Foreign Minister Nyan Win spoke.", "2012-10-28", []),
        ("Thein Sein spoke.", "2013-05-20", [("Thein Sein", "MMR", "leader", 1.0)]),
        ("The firm of NEW BRITAIN and New Britain spoke.", "1987-04-01", []),
    ],
    ids=[
        "takaichi-in-office",
        "takaichi-before-office",
        "trump-first-term",
        "trump-between-terms",
        "trump-second-term",
        "undated-briefing-lower-confidence",
        "reuters-1987-leaders",
        "georgia-before-independence-is-the-state",
        "berlusconi-second-government",
        "berlusconi-between-governments",
        "kabila-the-son",
        "bakiyev-and-kulov",
        "myanmar-foreign-minister-in-office",
        "myanmar-foreign-minister-after-office",
        "myanmar-president",
        "new-britain-is-not-britain",
    ],
)
def test_extract_mentions_dates_office_holders(text: str, date: str | None, expected: list):
    mentions = extract_mentions(_briefings([text], [date]))
    found = [(row.surface, row.iso3, row.kind, row.confidence) for row in mentions.itertuples()]
    assert found == expected


def test_extract_mentions_reads_capitals_titles_and_datelines():
    briefings = _briefings(
        ["TOKYO, March 3 - Japan and the U.S. agreed."],
        ["1987-03-03"],
        ["CHINA WARNS US ON TRADE"],
    )
    mentions = extract_mentions(briefings)
    found = [
        (row.section, row.start, row.end, row.surface, row.iso3, row.kind, row.confidence)
        for row in mentions.itertuples()
    ]
    assert found == [
        ("title", 0, 5, "CHINA", "CHN", "name", 1.0),
        ("title", 12, 14, "US", "USA", "alias", 0.9),  # confirmed by "U.S." below
        ("body", 0, 5, "TOKYO", "JPN", "capital", 1.0),
        ("body", 17, 22, "Japan", "JPN", "name", 1.0),
        ("body", 31, 35, "U.S.", "USA", "alias", 1.0),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SAN MATEO, Calif., March 3 - The firm said.",
            [("SAN MATEO", "USA", "place", 0.9), ("Calif.", "USA", "place", 0.9)],
        ),
        (
            "CAMBRIDGE, England, March 3 - The firm said.",
            [("CAMBRIDGE", "GBR", "place", 0.9), ("England", "GBR", "alias", 1.0)],
        ),
        ("CAMBRIDGE, March 3 - The firm said.", [("CAMBRIDGE", "GBR", "place", 0.38)]),
    ],
    ids=["city-named-in-three-countries", "same-city-other-country", "unresolved-city"],
)
def test_extract_mentions_resolves_cities_by_the_briefing(text: str, expected: list):
    mentions = extract_mentions(_briefings([text], ["1987-03-03"]))
    found = [(row.surface, row.iso3, row.kind, row.confidence) for row in mentions.itertuples()]
    assert found == expected


def test_extract_mentions_finds_small_dateline_places(fixtures_dir: Path):
    small = load_gazetteer(fixtures_dir / "mentions" / "gazetteer")
    text = "HAUPPAUGE, N.Y., March 2 - The company moved from Hauppauge to Osaka."
    mentions = extract_mentions(_briefings([text], ["1987-03-02"]), small)
    found = [(row.start, row.surface, row.iso3, row.kind) for row in mentions.itertuples()]
    # A small town counts in the dateline only; a large city counts anywhere.
    assert found == [(0, "HAUPPAUGE", "USA", "place"), (63, "Osaka", "JPN", "place")]


def test_extract_mentions_uses_the_given_gazetteer(fixtures_dir: Path):
    small = load_gazetteer(fixtures_dir / "mentions" / "gazetteer")
    text = "Japanese ships sailed the Sea of Japan to Atlanta, Georgia."
    mentions = extract_mentions(_briefings([text]), small)
    found = [(row.surface, row.iso3, row.kind) for row in mentions.itertuples()]
    assert found == [("Japanese", "JPN", "demonym"), ("Georgia", "USA", "place")]


# -- spans, sections and sentences ---------------------------------------------------
def test_extract_mentions_spans_are_relative_to_sections():
    briefings = _briefings(
        [""],
        titles=["Japan and China"],
        sections={
            S.HAPPENING: ["Talks began. Tokyo and Beijing met."],
            S.IMPORTANCE: ["It matters for Taiwan."],
            S.NEXT: ["Seoul will watch."],
        },
    )
    mentions = extract_mentions(briefings)
    assert list(mentions.columns) == list(S.MENTION_COLUMNS)
    rows = [
        (row.section, row.sentence_index, row.start, row.end, row.surface, row.iso3)
        for row in mentions.itertuples()
    ]
    assert rows == [
        ("title", 0, 0, 5, "Japan", "JPN"),
        ("title", 0, 10, 15, "China", "CHN"),
        ("happening", 1, 13, 18, "Tokyo", "JPN"),
        ("happening", 1, 23, 30, "Beijing", "CHN"),
        ("importance", 0, 15, 21, "Taiwan", "TWN"),
        ("next", 0, 0, 5, "Seoul", "KOR"),
    ]


@pytest.mark.parametrize("text", SENTENCE_TEXTS, ids=lambda t: t[:20].replace("\n", " "))
def test_extract_mentions_sentence_index_follows_split_sentences(text: str):
    mentions = extract_mentions(_briefings([text]))
    spans = split_sentences(text)
    assert not mentions.empty
    for row in mentions.itertuples():
        start, end = spans[row.sentence_index]
        assert start <= row.start and row.end <= end, (row, spans)


def test_extract_mentions_needs_only_ids_and_text():
    briefings = pd.DataFrame({S.BRIEFING_ID: ["x"], S.TEXT: ["Putin met Xi in Moscow."]})
    mentions = extract_mentions(briefings)
    found = [
        (row.section, row.surface, row.iso3, row.kind, row.confidence)
        for row in mentions.itertuples()
    ]
    # Undated office holders count at 0.6 of their confidence; Moscow confirms Putin.
    assert found == [
        ("body", "Putin", "RUS", "leader", 0.9),
        ("body", "Xi", "CHN", "leader", 0.54),
        ("body", "Moscow", "RUS", "capital", 1.0),
    ]


def test_extract_mentions_keeps_briefing_order():
    briefings = _briefings(["Chile.", "Peru and Chile.", "Nothing here.", "Japan."])
    mentions = extract_mentions(briefings.iloc[::-1])
    assert list(mentions[S.BRIEFING_ID]) == ["b4", "b2", "b2", "b1"]


def test_extract_mentions_returns_empty_table_without_mentions():
    mentions = extract_mentions(_briefings(["Nothing to see here."]))
    assert mentions.empty
    assert list(mentions.columns) == list(S.MENTION_COLUMNS)


def test_extract_mentions_rejects_a_non_frame():
    with pytest.raises(InputError, match=r"briefings must be a pandas DataFrame; got 'list'"):
        extract_mentions(["Japan"])  # type: ignore[arg-type]


def test_extract_mentions_rejects_a_frame_without_ids():
    with pytest.raises(InputError, match=r"must have a 'briefing_id' column; got \['text'\]"):
        extract_mentions(pd.DataFrame({"text": ["Japan"]}))


def test_extract_mentions_does_not_mutate_input():
    briefings = _briefings(["Japan and China."])
    before = briefings.copy()
    extract_mentions(briefings)
    pd.testing.assert_frame_equal(briefings, before)


# -- counts ----------------------------------------------------------------------------
@pytest.fixture()
def toy_mentions() -> pd.DataFrame:
    rows = [
        ("b1", "body", 0, 0, 5, "Japan", "JPN", "name", 1.0),
        ("b1", "body", 0, 10, 15, "Tokyo", "JPN", "capital", 1.0),
        ("b1", "body", 1, 20, 25, "China", "CHN", "name", 1.0),
        ("b2", "body", 0, 0, 5, "Osaka", "JPN", "place", 1.0),
        ("b3", "body", 0, 0, 4, "U.S.", "USA", "alias", 1.0),
        ("b3", "body", 0, 9, 14, "China", "CHN", "name", 1.0),
        ("b3", "body", 0, 19, 24, "Japan", "JPN", "name", 1.0),
    ]
    return pd.DataFrame(rows, columns=list(S.MENTION_COLUMNS))


def test_mention_matrix_counts_per_briefing_and_country(toy_mentions: pd.DataFrame):
    matrix, codes = mention_matrix(toy_mentions, ["b3", "b1", "b2", "b4"])
    assert codes == ["CHN", "JPN", "USA"]
    assert matrix.toarray().tolist() == [[1, 1, 1], [1, 2, 0], [0, 1, 0], [0, 0, 0]]


def test_mention_matrix_repeated_id_repeats_its_row(toy_mentions: pd.DataFrame):
    matrix, codes = mention_matrix(toy_mentions, ["b2", "b3", "b2"])
    assert codes == ["CHN", "JPN", "USA"]
    assert matrix.toarray().tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


def test_mention_matrix_filters_kinds(toy_mentions: pd.DataFrame):
    matrix, codes = mention_matrix(toy_mentions, ["b1", "b2"], kinds=["name", "alias"])
    assert codes == ["CHN", "JPN"]
    assert matrix.toarray().tolist() == [[1, 1], [0, 0]]


def test_mention_matrix_without_mentions_has_no_columns(toy_mentions: pd.DataFrame):
    matrix, codes = mention_matrix(toy_mentions.iloc[:0], ["b1"])
    assert codes == [] and matrix.shape == (1, 0)


def test_mention_matrix_rejects_unknown_kind(toy_mentions: pd.DataFrame):
    with pytest.raises(InputError, match=r"kinds must be among .*got 'city'"):
        mention_matrix(toy_mentions, ["b1"], kinds=["name", "city"])


def test_briefing_countries_one_row_per_briefing_and_country():
    briefings = _briefings(
        ["Japan spoke. Tokyo and China met later.", "Nothing.", "China and Japan."],
        ["2025-11-03", "2025-11-04", "2025-11-20"],
    )
    mentions = extract_mentions(briefings)
    countries = briefing_countries(briefings, mentions)
    assert list(countries.columns) == [
        "briefing_id",
        "date",
        "iso3",
        "country",
        "count",
        "kinds",
        "evidence",
    ]
    rows = [
        (row.briefing_id, row.iso3, row.country, row.count, row.kinds, row.evidence)
        for row in countries.itertuples()
    ]
    assert rows == [
        ("b1", "CHN", "China", 1, "name", "Tokyo and China met later."),
        ("b1", "JPN", "Japan", 2, "capital|name", "Japan spoke."),
        ("b3", "CHN", "China", 1, "name", "China and Japan."),
        ("b3", "JPN", "Japan", 1, "name", "China and Japan."),
    ]
    assert countries["date"].iloc[0] == pd.Timestamp("2025-11-03", tz="UTC")


def test_briefing_countries_excludes_kinds():
    briefings = _briefings(["Japan spoke. Tokyo and China met later."])
    countries = briefing_countries(briefings, extract_mentions(briefings), kinds=["capital"])
    assert list(zip(countries["iso3"], countries["count"], strict=True)) == [("JPN", 1)]
    assert countries["evidence"].tolist() == ["Tokyo and China met later."]


# -- evaluation on real text -----------------------------------------------------------
def _bench(project_root: Path):
    return load_bench("eval_countries")


def _seed_briefing(seed_file: Path) -> pd.DataFrame:
    text = seed_file.read_text(encoding="utf-8")
    happening, rest = text.split("Why It's Important?")
    importance, upcoming = rest.split("What's Next?")
    return _briefings(
        [text.strip()],
        [DATE],
        sections={
            S.HAPPENING: [happening.replace("What's Happening?", "").strip()],
            S.IMPORTANCE: [importance.strip()],
            S.NEXT: [upcoming.strip()],
        },
    )


@pytest.mark.eval
def test_extract_mentions_seed_briefing_countries(seed_file: Path):
    briefings = _seed_briefing(seed_file)
    mentions = extract_mentions(briefings)
    assert set(mentions[S.ISO3]) == {"USA", "JPN", "CHN", "TWN", "KOR"}
    assert not mentions[S.SURFACE].str.contains("Indo").any()
    assert (mentions[S.CONFIDENCE] >= 0.8).all()


@pytest.mark.eval
def test_extract_mentions_reuters_f1(project_root: Path, reuters_jsonl: Path):
    bench = _bench(project_root)
    briefings = bench.load_reuters(reuters_jsonl)
    mentions = extract_mentions(briefings, load_gazetteer())
    result = bench.score(bench.predictions(mentions))
    # Measured 0.863 (precision 0.775, recall 0.973); see docs/eval-countries.md.
    assert result["f1"] >= 0.84, result["report"]
    assert result["precision"] >= 0.74 and result["recall"] >= 0.95


def test_gazetteer_type_is_exposed():
    assert isinstance(load_gazetteer(), Gazetteer)
    assert np.issubdtype(extract_mentions(_briefings(["Japan."]))[S.START].dtype, np.integer)


def test_count_matrix_sums_one_hot_mentions_per_briefing():
    from analytics.countries.counts import count_matrix

    # briefing 0 mentions country 2 twice and country 0 once; briefing 2 mentions country 1.
    counts = count_matrix(np.array([0, 0, 2, 0]), np.array([2, 0, 1, 2]), (3, 3))
    assert counts.toarray().tolist() == [[1, 0, 2], [0, 0, 0], [0, 1, 0]]
    assert counts.data.tolist() == [1, 2, 1]  # row-major order of the non-zero cells
    assert count_matrix(np.array([], dtype=int), np.array([], dtype=int), (2, 4)).nnz == 0


def _one_hot_count_matrix(row: np.ndarray, col: np.ndarray, shape: tuple[int, int]):
    """The former construction, kept as the reference: one-hot encode each mention's
    country with scikit-learn and sum the encodings per briefing (incidence product)."""
    import scipy.sparse as sp
    from sklearn.preprocessing import OneHotEncoder

    n_rows, n_cols = shape
    if len(col) == 0:
        return sp.csr_matrix(shape, dtype=np.int64)
    encoder = OneHotEncoder(categories=[np.arange(n_cols)], dtype=np.int64)
    one_hot = encoder.fit_transform(np.asarray(col, dtype=np.int64).reshape(-1, 1))
    incidence = sp.csr_matrix(
        (np.ones(len(row), dtype=np.int64), (row, np.arange(len(row)))), shape=(n_rows, len(row))
    )
    counts = sp.csr_matrix(incidence @ one_hot)
    counts.sum_duplicates()
    counts.sort_indices()
    return counts


@pytest.mark.parametrize(
    ("n_mentions", "shape", "seed"),
    [(0, (3, 5), 0), (1, (1, 1), 1), (50, (4, 3), 2), (2_000, (300, 40), 3), (500, (1000, 250), 4)],
    ids=["empty", "one-cell", "dense-duplicates", "many-duplicates", "sparse-empty-rows"],
)
def test_count_matrix_equals_one_hot_reference(n_mentions: int, shape: tuple[int, int], seed: int):
    from analytics.countries.counts import count_matrix

    rng = np.random.default_rng(seed)
    row = rng.integers(0, shape[0], n_mentions)
    col = rng.integers(0, shape[1], n_mentions)
    counts = count_matrix(row, col, shape)
    expected = _one_hot_count_matrix(row, col, shape)
    assert counts.format == "csr" and counts.dtype == np.int64
    assert counts.shape == expected.shape == shape
    assert counts.has_canonical_format and counts.has_sorted_indices
    # Identical storage, not only equal values: callers read ``.data`` in row-major order.
    np.testing.assert_array_equal(counts.indptr, expected.indptr)
    np.testing.assert_array_equal(counts.indices, expected.indices)
    np.testing.assert_array_equal(counts.data, expected.data)
    assert int(counts.sum()) == n_mentions


def test_extract_mentions_of_copies_shifts_spans_and_sentences():
    paragraph = "Japan condemned China's strike. Talks went on. Britain and France agreed."
    copies = 60
    one = extract_mentions(_briefings([paragraph]))
    many = extract_mentions(_briefings(["\n\n".join([paragraph] * copies)]))
    # Japan, China (sentence 0), Britain, France (sentence 2) in each copy.
    assert one[S.SURFACE].tolist() == ["Japan", "China", "Britain", "France"]
    assert one[S.SENTENCE_INDEX].tolist() == [0, 0, 2, 2]
    assert len(many) == copies * len(one)
    step = len(paragraph) + 2  # the paragraph and its blank line
    expected_start = [k * step + start for k in range(copies) for start in one[S.START]]
    expected_index = [3 * k + i for k in range(copies) for i in one[S.SENTENCE_INDEX]]
    assert many[S.START].tolist() == expected_start
    assert many[S.SENTENCE_INDEX].tolist() == expected_index
    assert many[S.ISO3].tolist() == one[S.ISO3].tolist() * copies


# -- person names that begin with a country's name -------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Israel Keyes was arrested in the morning.", []),
        ("Chad Johnson scored twice.", []),
        ("Officials said Jordan Peterson had left.", []),
        ("The book by Jordan Peterson, the author, sold.", []),
        ("Reporters asked Chad McKenzie's coach.", []),
        ("The Israel Defense Forces said it struck.", [("Israel", "ISR", "name")]),
        ("Troops reached the Jordan Valley before dawn.", [("Jordan", "JOR", "name")]),
        ("India Pakistan talks resumed.", [("India", "IND", "name"), ("Pakistan", "PAK", "name")]),
        ("Israel Monday said it would talk.", [("Israel", "ISR", "name")]),
        ("Israel Strikes Back", [("Israel", "ISR", "name")]),
        ("Israel Aerospace Industries said it grew.", [("Israel", "ISR", "name")]),
        ("CHAD JOHNSON SCORED", [("CHAD", "TCD", "name")]),
        ("Chad and Jordan signed a deal.", [("Chad", "TCD", "name"), ("Jordan", "JOR", "name")]),
        ("Aid reached Chad. Johnson said so.", [("Chad", "TCD", "name")]),
        ("The sale of Israel Electric shares went ahead.", [("Israel", "ISR", "name")]),
        (
            "A seminar of the Canada-Israel Kessler fund began.",
            [("Canada", "CAN", "name"), ("Israel", "ISR", "name")],
        ),
        ("Talks with Israel Public Broadcasting resumed.", [("Israel", "ISR", "name")]),
    ],
    ids=[
        "given-name-and-surname",
        "sentence-start-surname-then-verb",
        "after-a-lower-case-word",
        "surname-then-comma",
        "possessive-surname",
        "institution-head-word",
        "place-head-word",
        "another-country",
        "weekday",
        "title-case-headline",
        "multiword-organisation",
        "all-capitals",
        "no-surname-follows",
        "sentence-ends-between",
        "company-head-word",
        "hyphenated-compound",
        "longer-proper-name",
    ],
)
def test_extract_mentions_reads_a_given_name_country_before_a_surname_as_a_person(
    text: str, expected: list[tuple]
):
    assert _found(text) == expected
