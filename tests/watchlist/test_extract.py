"""Expected events of invented briefings: which sentences, which countries act, the cue
family, the certainty and the window."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.countries import extract_mentions
from analytics.errors import InputError
from analytics.watchlist import (
    CertaintyWords,
    acting_countries,
    cue_family,
    expected_events,
    forward_sentences,
    load_certainty,
    load_cue_families,
    without_conditions,
)


def _briefings(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(id, date, happening, next) -> a briefing table."""
    table = pd.DataFrame(
        [
            {
                S.BRIEFING_ID: bid,
                S.DATE: pd.Timestamp(day, tz="UTC"),
                S.TITLE: "",
                S.HAPPENING: happening,
                S.IMPORTANCE: "",
                S.NEXT: nxt,
                S.TEXT: f"{happening}\n\n{nxt}",
            }
            for bid, day, happening, nxt in rows
        ]
    )
    return table


BRIEFINGS = _briefings(
    [
        (
            "w1",
            "2024-02-14",
            "Japan and South Korea held talks in Seoul. "
            "France will host a summit with Germany on March 3.",
            "China could impose sanctions on Australia next month. Brazil watched the markets.",
        ),
        (
            "w2",
            "2024-03-04",
            "France hosted a summit with Germany in Paris.",
            "",
        ),
    ]
)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return expected_events(BRIEFINGS, extract_mentions(BRIEFINGS))


def test_expected_events_lists_forward_sentences_with_an_acting_country_and_a_cue(events):
    keys = events[[S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]]
    assert list(keys.itertuples(index=False, name=None)) == [
        ("w1", S.HAPPENING, 1),
        ("w1", S.NEXT, 0),
    ]


def test_expected_events_carry_countries_cue_certainty_and_window(events):
    summit, sanctions = events.to_dict("records")
    assert summit[S.COUNTRIES] == "FRA|DEU"
    assert (summit[S.CUE_FAMILY], summit[S.EVENT_TYPE]) == ("04", "consult")
    assert summit[S.CERTAINTY] == S.FIRM
    assert (summit[S.WHEN], summit[S.WHEN_KIND]) == ("March 3", S.EXPLICIT)
    assert summit[S.WINDOW_START] == summit[S.WINDOW_END] == pd.Timestamp("2024-03-03")
    assert sanctions[S.COUNTRIES] == "CHN|AUS"
    assert sanctions[S.CUE_FAMILY] == "16"
    assert sanctions[S.CERTAINTY] == S.POSSIBLE
    assert (sanctions[S.WINDOW_START], sanctions[S.WINDOW_END]) == (
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-03-31"),
    )


def test_forward_sentences_keep_next_section_sentences_without_a_cue(events):
    sentences = forward_sentences(BRIEFINGS, extract_mentions(BRIEFINGS))
    # In "What's Next?" a sentence looks forward by its place; "Brazil watched the
    # markets" names no cue, so it is no expected event. The past "held talks"
    # sentence and w2 are not forward at all.
    found = sentences[[S.SECTION, S.SENTENCE_INDEX, S.CUES]]
    assert list(found.itertuples(index=False, name=None)) == [
        (S.HAPPENING, 1, "host|summit"),
        (S.NEXT, 0, "impose sanctions"),
        (S.NEXT, 1, ""),
    ]
    assert len(events) == 2


def test_an_undated_event_runs_the_default_horizon():
    briefings = _briefings([("u1", "2024-01-10", "", "India may sign a deal with Japan.")])
    events = expected_events(briefings, extract_mentions(briefings))
    row = events.iloc[0]
    assert (row[S.WHEN], row[S.WHEN_KIND]) == ("", S.UNDATED)
    assert (row[S.WINDOW_START], row[S.WINDOW_END]) == (
        pd.Timestamp("2024-01-10"),
        pd.Timestamp("2024-02-09"),  # 30 days, watchlist_undated_days
    )


def test_expected_events_refuse_tables_without_their_columns():
    with pytest.raises(InputError, match=r"mentions must have columns .*missing \['section'"):
        expected_events(BRIEFINGS, pd.DataFrame({S.BRIEFING_ID: []}))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ministers will meet.", ("firm", "will")),
        ("Ministers are expected to meet.", ("likely", "are expected to")),
        ("Ministers could meet.", ("possible", "could")),
        ("Ministers may meet in May.", ("possible", "may")),
        ("In May ministers met.", None),
        ("Dozens may have been killed.", None),
    ],
    ids=["will", "expected", "could", "may", "month", "may-have"],
)
def test_certainty_of_the_first_certainty_word(sentence, expected):
    found = CertaintyWords().certainty(sentence)
    assert (found.certainty, found.phrase) == expected if expected else found is None


def test_load_certainty_refuses_an_unknown_certainty(tmp_path: Path):
    path = tmp_path / "certainty.csv"
    path.write_text("phrase,certainty\nwill,firm\nperhaps,maybe\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"row 3 \('perhaps'\): certainty must be one of .*got 'maybe'"
    ):
        load_certainty(path)


def test_load_certainty_refuses_a_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match=r"certainty table must be an existing CSV file"):
        load_certainty(tmp_path / "none.csv")


def test_cue_family_is_the_cameo_root():
    assert [cue_family(code) for code in ("036", "04", "1721", "", "x1")] == [
        "03",
        "04",
        "17",
        "",
        "",
    ]


def test_load_cue_families_refuses_a_family_that_is_not_two_digits(tmp_path: Path):
    path = tmp_path / "families.csv"
    path.write_text("family,label\n4,consult\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a family is two digits; got '4'"):
        load_cue_families(path)


def test_expected_events_a_cue_inside_a_condition_is_not_expected():
    briefings = _briefings(
        [
            ("c1", "2024-02-14", "", "Japan will act next month if China imposes sanctions."),
            (
                "c2",
                "2024-02-14",
                "",
                "If China imposes sanctions, Japan will hold talks next month.",
            ),
        ]
    )
    events = expected_events(briefings, extract_mentions(briefings))
    # c1 expects only "act" (no cue): the sanctions are its condition; c2's condition ends
    # at the comma and the talks are what it expects.
    assert list(zip(events[S.BRIEFING_ID], events[S.CUES], strict=True)) == [("c2", "hold talks")]


@pytest.mark.parametrize(
    ("text", "blanked"),
    [
        ("will meet if talks resume.", "will meet                 "),
        ("unless a deal is reached, it will leave", "                        , it will leave"),
        ("provided that aid flows; then", "                       ; then"),
        ("aid provided by Japan on May 3", "aid provided by Japan on May 3"),
        ("no condition here", "no condition here"),
    ],
    ids=["if-to-end", "unless-to-comma", "provided-to-semicolon", "provided-verb", "none"],
)
def test_without_conditions_blanks_condition_clauses(text, blanked):
    assert without_conditions(text) == blanked


def _acting(text: str) -> list[str]:
    """The acting countries of ``text`` read as one forward-looking sentence."""
    briefings = _briefings([("a1", "2024-02-14", "", text)])
    mentions = extract_mentions(briefings)
    rows = mentions[mentions[S.ISO3].notna()]
    found = list(
        zip(
            rows[S.START].astype(int),
            rows[S.END].astype(int),
            rows[S.ISO3],
            rows[S.KIND],
            strict=True,
        )
    )
    return acting_countries(text, found)


@pytest.mark.parametrize(
    ("text", "acting"),
    [
        ("China will pay a visit to Japan next week.", ["CHN", "JPN"]),
        ("Ford will close its plant in Genk, Belgium, while France will hold talks.", ["FRA"]),
        ("The Australian state of Westmarch will hold a vote, and France will meet.", ["FRA"]),
        ("The Organization of American States will meet France next week.", ["FRA"]),
        ("France will meet Germany next week.", ["FRA", "DEU"]),
        ("Indonesia's ambassador to Malaysia says Indonesia will act.", ["IDN"]),
        ("The mayor of Berlin will resign, and France will meet.", ["FRA"]),
        ("The Brazilian Democratic Movement Party will meet France.", ["FRA"]),
        ("Mitsui and Co USA Inc will own half, and France will sign.", ["FRA"]),
        ("France will withdraw some of its troops from Mali next year.", ["FRA"]),
        ("France announces the deployment of 1,500 more troops to Mali next week.", ["FRA"]),
        ("The French president will fly to Brazil for the summit.", ["FRA"]),
        ("France will send tanks to Ukraine next year.", ["FRA", "UKR"]),
        ("He will seek the nomination for President of France, and Spain will meet.", ["ESP"]),
        ("She quits to campaign to be president of Mexico; Peru will vote in May.", ["PER"]),
        ("American President Lines will add ships, and France will sign.", ["FRA"]),
        ("The United Kingdom's Public and Commercial Services Union will strike.", []),
        ("The Iraq Study Group report will be released on Monday; Peru will vote.", ["PER"]),
        ("Sudan and Sudan People's Liberation Movement will sign a deal.", ["SDN"]),
        ("The U.S. will sell wheat to the Soviet\nUnion next month.", ["USA", "SUN"]),
        ("Sudan's vote next month will be like a vote in Stalin's Russia.", ["SDN"]),
        ("He must stay in the continental United States; France will decide.", ["FRA"]),
        ("France will patrol northern Mali; South Sudan will vote.", ["FRA", "SSD"]),
        ("The Serbian minister for Kosovo says the vote will be held.", ["SRB"]),
        ("A council will vote on a republic within Ukraine; Peru will meet.", ["PER"]),
        (
            "Russian troops will pull out from Georgia; Dutch troops will pull out of Mali.",
            ["RUS", "NLD"],
        ),
        ("The president of Poland will sign the Lisbon treaty on Sunday.", ["POL"]),
        ("Ireland will hold a referendum on the Treaty of Lisbon.", ["IRL"]),
        ("The Liberal Party of Canada will choose a leader; Peru will vote.", ["PER"]),
        ("The Writers Guild of America will strike; Peru will vote.", ["PER"]),
        ("The Government of India will cut rates next week.", ["IND"]),
        ("England will play Belgium in a friendly; Peru will vote.", ["PER"]),
        ("Brazil plays against Italy on Sunday, and Peru will vote.", ["PER"]),
        ("France will play a key role in the talks with Spain.", ["FRA", "ESP"]),
        ("Chinese pressure on Peru may continue next year.", ["CHN", "PER"]),
        ("Nepalese politicians will try again to elect a prime minister.", ["NPL"]),
        ("Argentine farmers will sell wheat to Peru next year.", ["PER"]),
        ("France will end the no-fly zone over Libya on Monday.", ["FRA"]),
        ("Peru will ban flights over Chile next week.", ["PER"]),
        ("Peru will argue over Chile's claims next week.", ["PER", "CHL"]),
        ("Tokyo share prices will weaken next week, and Peru will vote.", ["PER"]),
        ("London dealers expect Peru to sell bonds next week.", ["PER"]),
        ("Beijing will cut fuel prices next month.", ["CHN"]),
        ("The Beijing\u2013Westmarch railway will open in June; Peru will vote.", ["PER"]),
        ("The Westmarch-Beijing railway will open in June; Peru will vote.", ["PER"]),
        ("Beijing-Lima ties will improve next year.", ["CHN", "PER"]),
        ("The province's Albanian leadership will declare independence.", []),
        ("The Albanian leadership will declare independence.", ["ALB"]),
    ],
    ids=[
        "visit-to-a-party",
        "named-place",
        "state-of",
        "name-of-demonym",
        "actors",
        "ambassador-to",
        "mayor-of-a-capital",
        "demonym-heading-a-name",
        "country-in-a-firm-name",
        "withdrawn-from",
        "deployed-to",
        "flown-to",
        "sent-to-a-party",
        "office-sought-for",
        "office-sought-to-be",
        "demonym-heading-a-name-with-a-title-word",
        "possessive-heading-a-name",
        "country-heading-a-group-name",
        "list-before-a-name",
        "a-state-named-union",
        "in-a-possessive-place",
        "continental-region",
        "northern-region",
        "minister-for",
        "within-a-country",
        "pulled-out-from",
        "treaty-named-for-a-city",
        "treaty-of-a-city",
        "party-of-a-country",
        "guild-of-a-country",
        "government-of-a-country",
        "teams-that-play",
        "teams-that-play-against",
        "a-state-that-plays-a-role",
        "demonym-before-an-act",
        "demonym-before-politicians",
        "demonym-before-people",
        "zone-over-a-country",
        "flights-over-a-country",
        "argued-over-a-party",
        "capital-naming-a-market",
        "capital-naming-its-dealers",
        "capital-standing-for-a-state",
        "capital-at-the-end-of-a-route",
        "capital-at-the-other-end-of-a-route",
        "capitals-joined-as-parties",
        "demonym-of-a-people-of-a-place",
        "demonym-of-a-state",
    ],
)
def test_acting_countries_leaves_out_places_parts_and_names(text, acting):
    assert _acting(text) == acting


def test_expected_events_words_that_only_tie_a_list_together_are_not_the_event():
    # "say", "announce", "call for" and "forces" tie the actors of a list to one act for
    # the relations; alone they say nothing about what is expected.
    briefings = _briefings(
        [
            ("j1", "2024-02-14", "", "Japan and Australia will announce plans next week."),
            ("j2", "2024-02-14", "", "Japan may call for restraint and reinforce its forces."),
            (
                "j3",
                "2024-02-14",
                "",
                "Japan and Australia will announce a trade agreement next week.",
            ),
        ]
    )
    events = expected_events(briefings, extract_mentions(briefings))
    assert list(zip(events[S.BRIEFING_ID], events[S.CUES], strict=True)) == [
        ("j3", "trade agreement")
    ]


@pytest.mark.parametrize(
    ("text", "acting"),
    [
        # a territory named by who holds it is a place
        (
            "A strike in Indian-administered Kashmir will protest the verdict; Peru will vote.",
            ["PER"],
        ),
        ("Peru will send aid to the Chilean-held islands next year.", ["PER"]),
        # a country's measure of its economy is a thing, not an actor
        ("France's growth rate is expected to strengthen next year.", []),
        ("Turkey's economy will slow next year, and Peru will vote.", ["PER"]),
        (
            "The revision to U.S. gross national product will come next week; Peru will vote.",
            ["PER"],
        ),
        # an office, a policy or a target of one is the state's
        ("Japan's economy minister will visit Peru next week.", ["JPN", "PER"]),
        ("China's growth target will be cut next year.", ["CHN"]),
        # a governor of a central bank heads a state's body; of a capital, holds a title
        ("The Governor of the Bank of England will announce a new note next week.", ["GBR"]),
        ("The governor of Tokyo will visit Peru next week.", ["PER"]),
        # a country alone in brackets is an aside qualifying a name
        ("The (U.S.) National Football League will close its arm; Peru will vote.", ["PER"]),
        ("The Democratic Republic of the Congo (DRC) will hold elections next year.", ["COD"]),
        # a possessive before an event the state holds, after "around" or "in": not a place
        ("Tensions could return around Peru's presidential election in January.", ["PER"]),
        ("Russia will interfere in Peru's referendum next week.", ["RUS", "PER"]),
        ("Fighting may flare around Peru's border next week.", []),
    ],
    ids=[
        "territory-administered-by",
        "territory-held-by",
        "possessive-before-a-growth-rate",
        "possessive-before-an-economy",
        "name-before-gross-national-product",
        "possessive-before-an-office",
        "possessive-before-a-target",
        "governor-of-a-central-bank",
        "governor-of-a-capital",
        "country-in-brackets-before-a-name",
        "initials-in-brackets-after-the-state",
        "around-a-state-s-election",
        "in-a-state-s-referendum",
        "around-a-state-s-border",
    ],
)
def test_acting_countries_leaves_out_held_territories_measures_and_asides(text, acting):
    assert _acting(text) == acting
