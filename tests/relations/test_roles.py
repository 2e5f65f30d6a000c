"""Roles of country mentions before pairing: actor, location, nationality."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.relations.grammar import _actors
from analytics.relations.roles import (
    ACTOR,
    LOCATION,
    NATIONALITY,
    Role,
    compile_roles,
    describe_roles,
    is_location,
    load_roles,
    sentence_roles,
    validate_roles,
)

# Surface -> (iso3, kind) of the toy gazetteer the sentences below use.
GAZETTEER = {
    "United States": ("USA", "name"),
    "U.S.": ("USA", "alias"),
    "American": ("USA", "demonym"),
    "Syria": ("SYR", "name"),
    "Syrian": ("SYR", "demonym"),
    "Iraq": ("IRQ", "name"),
    "Russia": ("RUS", "name"),
    "Russian": ("RUS", "demonym"),
    "Moscow": ("RUS", "capital"),
    "Ukraine": ("UKR", "name"),
    "France": ("FRA", "name"),
    "French": ("FRA", "demonym"),
    "Iran": ("IRN", "name"),
    "Israel": ("ISR", "name"),
    "Israeli": ("ISR", "demonym"),
    "Palestinians": ("PSE", "demonym"),
    "Palestinian": ("PSE", "demonym"),
    "Iranian": ("IRN", "demonym"),
    "Australian": ("AUS", "demonym"),
    "Malaysia": ("MYS", "name"),
    "British": ("GBR", "demonym"),
    "Britain": ("GBR", "name"),
    "German": ("DEU", "demonym"),
    "Qatar": ("QAT", "name"),
    "Serbs": ("SRB", "demonym"),
    "Albanians": ("ALB", "demonym"),
    "Spain": ("ESP", "name"),
    "Netherlands": ("NLD", "name"),
    "WASHINGTON": ("USA", "capital"),
    "Liberian": ("LBR", "demonym"),
    "Turkish": ("TUR", "demonym"),
    "UK": ("GBR", "alias"),
    "Obama": ("USA", "leader"),
    "Afghanistan": ("AFG", "name"),
    "Somali": ("SOM", "demonym"),
    "Pakistani": ("PAK", "demonym"),
    "Sudanese": ("SDN", "demonym"),
    "Seoul": ("KOR", "capital"),
    "Washington": ("USA", "capital"),
    "London": ("GBR", "capital"),
    "Lisbon": ("PRT", "capital"),
    "Nepal": ("NPL", "name"),
    "Turkey": ("TUR", "name"),
    "Egyptian": ("EGY", "demonym"),
    "Lebanese": ("LBN", "demonym"),
    "Irish": ("IRL", "demonym"),
    "US": ("USA", "alias"),
    "Tokyo": ("JPN", "capital"),
    "Georgia": ("GEO", "name"),
    "Gaza Strip": ("PSE", "name"),
    "Tajikistan": ("TJK", "name"),
    "Afghan": ("AFG", "demonym"),
    "Ireland": ("IRL", "name"),
    "Argentina": ("ARG", "name"),
    "Paris": ("FRA", "capital"),
    "Copenhagen": ("DNK", "capital"),
    "India": ("IND", "name"),
    "Canadian": ("CAN", "demonym"),
    "Italian": ("ITA", "demonym"),
    "Pakistan": ("PAK", "name"),
    "United Kingdom": ("GBR", "name"),
}
_PATTERN = re.compile(
    "|".join(rf"\b{re.escape(s)}(?![\w])" for s in sorted(GAZETTEER, key=len, reverse=True))
)


def mentions_of(text: str) -> list[tuple[int, int, str, str]]:
    """Toy mentions: every gazetteer surface in ``text``."""
    return [(m.start(), m.end(), *GAZETTEER[m.group(0)]) for m in _PATTERN.finditer(text)]


def roles_by_country(text: str) -> dict[str, str]:
    """The role of each country's first mention."""
    found: dict[str, str] = {}
    for role in sentence_roles(text, mentions_of(text)):
        found.setdefault(role.iso3, role.role)
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Acting states.
        ("Russia said it would respond.", {"RUS": ACTOR}),
        ("Moscow warned Kyiv.", {"RUS": ACTOR}),
        ("U.S. forces struck a convoy.", {"USA": ACTOR}),
        ("The Israeli army entered the town.", {"ISR": ACTOR}),
        ("Syria's government rejected the plan.", {"SYR": ACTOR}),
        ("Russia's war in Ukraine goes on.", {"RUS": ACTOR, "UKR": ACTOR}),
        ("Israel and Palestinians agreed to a ceasefire.", {"ISR": ACTOR, "PSE": ACTOR}),
        ("The president of Iran visited.", {"IRN": ACTOR}),
        ("The Turkish National Intelligence Organization arrests a man.", {"TUR": ACTOR}),
        ("Obama spoke.", {"USA": ACTOR}),
        # Locations: the dateline and a capital after a locative word, nothing else.
        ("WASHINGTON, March 4 - Iran protested.", {"USA": LOCATION, "IRN": ACTOR}),
        ("Ministers met in Moscow.", {"RUS": LOCATION}),
        ("Envoys stayed in Moscow.", {"RUS": LOCATION}),
        # ... but a journey to a capital names its state, as a visit to it does.
        ("Envoys flew to Moscow.", {"RUS": ACTOR}),
        ("The army fired rockets at Moscow.", {"RUS": ACTOR}),
        # A capital naming an event's venue ...
        ("The Moscow talks backed Ukraine.", {"RUS": LOCATION, "UKR": ACTOR}),
        ("France left the Moscow agreements.", {"FRA": ACTOR, "RUS": LOCATION}),
        # ... not one that acts.
        ("Moscow talked to Ukraine.", {"RUS": ACTOR, "UKR": ACTOR}),
        # An act on an armed group makes the country after "in" the place (rule 3) ...
        ("U.S. strikes kill militants in northern Syria.", {"USA": ACTOR, "SYR": LOCATION}),
        # ... also named ("the Taliban") and with a place of the country first ...
        (
            "U.S. forces launch an offensive against the Taliban in Helmand, Afghanistan.",
            {"USA": ACTOR, "AFG": LOCATION},
        ),
        # ... or named in two words ("the Islamic State") ...
        (
            "British aircraft strike a site held by the Islamic State in central Syria.",
            {"GBR": ACTOR, "SYR": LOCATION},
        ),
        # ... but a demonym there is the state's ("in Israeli prisons") ...
        ("Hamas is to free hostages held in Israeli prisons.", {"ISR": ACTOR}),
        # ... not an act on people or a state.
        ("U.S. strikes kill civilians in Syria.", {"USA": ACTOR, "SYR": ACTOR}),
        # A diplomatic post names the state it is accredited to.
        ("France closed its embassy in Moscow.", {"FRA": ACTOR, "RUS": ACTOR}),
        ("The ambassador to Moscow was recalled.", {"RUS": ACTOR}),
        # A reaction felt in a capital is its government's ...
        ("The launch raised concern in Seoul.", {"KOR": ACTOR}),
        ("It fuelled suspicion in Washington that Iran cheated.", {"USA": ACTOR, "IRN": ACTOR}),
        # ... not other things that happen there.
        ("Crowds gathered in Seoul.", {"KOR": LOCATION}),
        (
            "France accepted an invitation for an official visit to Moscow.",
            {"FRA": ACTOR, "RUS": ACTOR},
        ),
        # A country whose border something is near or on is where it is; closing the
        # border with it is an act on it.
        (
            "Pakistani troops hunt fighters near the border with Afghanistan.",
            {"PAK": ACTOR, "AFG": LOCATION},
        ),
        ("Russia deploys missiles close to its southern border with Iran.", {"IRN": LOCATION}),
        ("Syria closes its border with Iraq.", {"SYR": ACTOR, "IRQ": ACTOR}),
        # A country named as a place still acts: measured, this keeps recall.
        ("Talks were held in Syria.", {"SYR": ACTOR}),
        ("Fighting goes on in northern Iraq.", {"IRQ": ACTOR}),
        ("Shells fell on Syria's capital.", {"SYR": ACTOR}),
        ("A U.S. drone strike kills a commander in Syria.", {"USA": ACTOR, "SYR": ACTOR}),
        ("Arrests in Spain and the Netherlands.", {"ESP": ACTOR, "NLD": ACTOR}),
        # Nationalities of non-state entities.
        ("A British tourist dies in a crash.", {"GBR": NATIONALITY}),
        ("A German firm rejects a bid from an American company.", {"DEU": NATIONALITY}),
        ("British and French tourists were freed.", {"GBR": NATIONALITY, "FRA": NATIONALITY}),
        ("A Qatar-based firm bought the port.", {"QAT": NATIONALITY}),
        ("Clashes between Serbs and Albanians go on.", {"SRB": NATIONALITY}),
        # One person named by a singular demonym: after an article (and an age) and before
        # no noun ...
        (
            "Israel detained a 15-year-old Palestinian at a checkpoint.",
            {"ISR": ACTOR, "PSE": NATIONALITY},
        ),
        ("Police questioned an American who had fled.", {"USA": NATIONALITY}),
        ("France freed an Iranian, and Iran thanked it.", {"IRN": NATIONALITY}),
        # ... not a demonym before a noun, nor one without an article.
        ("An Iranian drone struck the base.", {"IRN": ACTOR}),
        ("A Palestinian state was proclaimed.", {"PSE": ACTOR}),
        ("Iranian and Israeli officials met.", {"IRN": ACTOR}),
        # A country's name inside a firm's or a newspaper's.
        ("Russia shot down a Malaysia Airlines jet.", {"RUS": ACTOR, "MYS": NATIONALITY}),
        ("Air France resumed flights to Iran.", {"FRA": NATIONALITY, "IRN": ACTOR}),
        ("The Washington Post reported that Iran had agreed.", {"USA": NATIONALITY}),
        ("France said Malaysia would sign.", {"FRA": ACTOR, "MYS": ACTOR}),
        # ... or a sports body's, and a country's fans.
        (
            "The Syrian Football Federation protests a loss to Iraq.",
            {"SYR": NATIONALITY, "IRQ": ACTOR},
        ),
        ("Rugby Spain and the Netherlands Hockey Board met.", {"ESP": NATIONALITY}),
        ("Rugby Spain and the Netherlands Hockey Board met.", {"NLD": NATIONALITY}),
        ("Qatar fans invaded the pitch in a game against Spain.", {"QAT": NATIONALITY}),
        ("British supporters and Syria's Olympic Committee met.", {"GBR": NATIONALITY}),
        ("British supporters and Syria's Olympic Committee met.", {"SYR": NATIONALITY}),
        # A fund that invests is a firm.
        ("A French pensions funder ends its ventures with Qatar.", {"FRA": NATIONALITY}),
        ("The Turkish pension fund sued Iraq.", {"TUR": NATIONALITY, "IRQ": ACTOR}),
        # A demonym before an international body's staff is the person's.
        ("A Turkish UNESCO official tried to hijack a plane to Syria.", {"TUR": NATIONALITY}),
        ("Two British Red Cross workers were freed by Syria.", {"GBR": NATIONALITY}),
        ("A Russian UN envoy met Iran.", {"RUS": ACTOR}),
        ("The Syrian United Nations observer spoke against Israel.", {"SYR": ACTOR}),
        # ... or a sports event's,
        ("Australian lawmakers back a silence at the Moscow Olympics.", {"RUS": NATIONALITY}),
        ("The French Open began as Spain protested.", {"FRA": NATIONALITY, "ESP": ACTOR}),
        # ... or a historical event's (capitalised), not a war named in lower case.
        ("Russia recalled the Syrian Civil War with Iran.", {"RUS": ACTOR, "SYR": NATIONALITY}),
        ("Britain debated the Iraq War with France.", {"IRQ": NATIONALITY, "FRA": ACTOR}),
        ("The French Revolution shaped Spain.", {"FRA": NATIONALITY}),
        ("Russia's Syrian war goes on.", {"SYR": ACTOR}),
        # ... not the state's own sports minister, nor a lower-case sport after a name.
        ("The Turkish sports minister met Syrian officials.", {"TUR": ACTOR}),
        ("Britain hosted football talks with Iran.", {"GBR": ACTOR, "IRN": ACTOR}),
        # People by their trade or situation.
        ("Israel held the Australian owner of a newspaper.", {"AUS": NATIONALITY}),
        ("An American fugitive was caught in Spain.", {"USA": NATIONALITY}),
        ("Journalists from Britain and France met.", {"GBR": NATIONALITY, "FRA": NATIONALITY}),
        ("Former Liberian President Charles Taylor was held.", {"LBR": NATIONALITY}),
        ("Troops deploy along the border (Reuters UK).", {"GBR": NATIONALITY}),
        # Named armed groups, capitalised or hyphenated, and more non-state people.
        ("A strike killed Somali al-Shabab militants.", {"SOM": NATIONALITY}),
        ("The Pakistani Haqqani network attacked a hotel.", {"PAK": NATIONALITY}),
        ("Suspected Sudanese ivory poachers shot elephants.", {"SDN": NATIONALITY}),
        # A demonym inside an organisation's name.
        ("The Organization of American States condemned Syria.", {"USA": NATIONALITY}),
        ("Members of the American Bar Association met.", {"USA": NATIONALITY}),
        # ... but not a new subject after a comma.
        ("Under a deal mediated by the U.S., Hamas frees hostages.", {"USA": ACTOR}),
        # A border named by its country's adjective is a place; a border town is the
        # country's, and its border guards are its forces.
        ("Police shot a man outside the Israeli border.", {"ISR": LOCATION}),
        ("Troops raid a town near the Syrian border.", {"SYR": LOCATION}),
        ("Shells hit near the Lebanese border town of Arsal.", {"LBN": ACTOR}),
        ("Iranian border guards fired on a boat.", {"IRN": ACTOR}),
        ("A bomb went off near the Turkish border with Syria.", {"SYR": LOCATION}),
        ("Afghan police are killed in Kunduz, by the Tajikistan border.", {"TJK": LOCATION}),
        # A capital naming a treaty or a congress is its venue; a stock exchange or a
        # university named after a city is no state.
        ("France ratifies the Treaty of Lisbon.", {"FRA": ACTOR, "PRT": LOCATION}),
        # ... and so is one before the document's or the club's name, other words between.
        ("Ireland ratifies the Lisbon Treaty.", {"IRL": ACTOR, "PRT": LOCATION}),
        ("Argentina pays the Paris Club.", {"ARG": ACTOR, "FRA": LOCATION}),
        ("India leaves the Copenhagen Climate Change Conference.", {"DNK": LOCATION}),
        # ... but not a capital that acts on a treaty, nor one before a lower-case club.
        ("Moscow ratified the treaty.", {"RUS": ACTOR}),
        ("The London Stock Exchange warned Russia.", {"GBR": NATIONALITY, "RUS": ACTOR}),
        # The staff of an international body from a country are people of it.
        ("Riots over United Nations peacekeepers from Nepal.", {"NPL": NATIONALITY}),
        ("African Union troops from Turkey were hit.", {"TUR": NATIONALITY}),
        # A list after "from such countries as" shares the frame of "from".
        (
            "Journalists from such countries as Turkey, Spain and Britain sue Israel.",
            {"TUR": NATIONALITY, "ESP": NATIONALITY, "GBR": NATIONALITY, "ISR": ACTOR},
        ),
        # A country inside an insurgent group's name; not a state's national army.
        ("The Free Syrian Army accuses Iraq.", {"SYR": NATIONALITY, "IRQ": ACTOR}),
        ("The Real Irish Republican Army threatens Britain.", {"IRL": NATIONALITY}),
        ("The Syrian Democratic Forces took the town.", {"SYR": NATIONALITY}),
        ("The Syrian National Army took the town.", {"SYR": ACTOR}),
        # Harm suffered with no agent named: the country after "in" is the place.
        (
            "An Australian soldier is killed in a blast in Afghanistan.",
            {"AUS": ACTOR, "AFG": LOCATION},
        ),
        ("Five U.S. Marines die from a bomb in Afghanistan.", {"AFG": LOCATION}),
        # ... also as a participle with no auxiliary, or with only the means named ...
        ("Two Australian soldiers killed in a blast in Afghanistan.", {"AFG": LOCATION}),
        ("A Canadian diplomat is injured by a bomb in Afghanistan.", {"AFG": LOCATION}),
        ("Two U.S. soldiers are killed by unknown attackers in Iraq.", {"IRQ": LOCATION}),
        # ... and with the place named before its kind, then the country.
        ("Four Italian soldiers die in the Farah area, Afghanistan.", {"AFG": LOCATION}),
        # ... not when an agent is named, or when the acting country did the harm.
        ("Two U.S. soldiers are killed by Iraq in Afghanistan.", {"AFG": ACTOR}),
        ("Palestinians wounded by Israeli fire die in Afghanistan.", {"AFG": ACTOR}),
        # ... nor when the country after "in" did the harm ("killed in U.S. drone strike").
        (
            "The son of a man killed in U.S. drone strike in Pakistan sues.",
            {"USA": ACTOR, "PAK": ACTOR},
        ),
        ("An Australian soldier kills a man in Afghanistan.", {"AFG": ACTOR}),
        # The table's words in both numbers, and words that are adjectives too left out.
        ("An Israeli settler attacked a farmer.", {"ISR": NATIONALITY}),
        ("Navy ships fire at a patrol boat from Iran.", {"IRN": ACTOR}),
        ("Navy ships fire at a fishing boat from Iran.", {"IRN": NATIONALITY}),
        ("Syrian fighter aircraft violated the airspace.", {"SYR": ACTOR}),
        ("Georgia accuses Russia and separatist rebels.", {"RUS": ACTOR}),
        ("Troops raid a Palestinian refugee camp.", {"PSE": ACTOR}),
        ("A German-mediated prisoner swap with Iran.", {"DEU": ACTOR}),
        ("The Australian film was banned by Iran.", {"AUS": NATIONALITY}),
        # A country's full name before a demonym in a list is a noun of its own; before
        # another name, or as an adjective, it shares the list's noun.
        ("Israel and Palestinian militants agree to a truce.", {"ISR": ACTOR, "PSE": NATIONALITY}),
        (
            "Iran fines United States and United Kingdom companies.",
            {"USA": NATIONALITY, "GBR": NATIONALITY},
        ),
        ("U.S. and British companies invest in Iraq.", {"USA": NATIONALITY}),
        # A leader no longer in office is a person: "former" or "ousted", before or after
        # the country.
        ("Ousted Iranian President Ahmadinejad flies to Syria.", {"IRN": NATIONALITY}),
        ("Syria's ousted president flies to Russia.", {"SYR": NATIONALITY, "RUS": ACTOR}),
        ("Syria's president flies to Russia.", {"SYR": ACTOR}),
        # A gathering held in a country names its venue.
        ("Ministers meet at a summit in Qatar.", {"QAT": LOCATION}),
        ("Leaders attend talks held in the United States.", {"USA": LOCATION}),
        # ... not a visit to it, nor a summit it holds.
        ("Qatar hosts a summit.", {"QAT": ACTOR}),
        # A holding company, a ratings agency and a linguist are no state.
        ("Iran sues Qatar Holding.", {"QAT": NATIONALITY}),
        ("American ratings agency Moody's downgrades Iran.", {"USA": NATIONALITY}),
        ("The American linguist visits Israel.", {"USA": NATIONALITY}),
        # Riders and drivers are people, also "from" a country after a comma.
        (
            "Two riders, from Qatar and Israel, are killed.",
            {"QAT": NATIONALITY, "ISR": NATIONALITY},
        ),
        # A resistance army is an armed group; resistance from a country is its own.
        ("U.S. forces kill a Lord's Resistance Army commander in Syria.", {"SYR": LOCATION}),
        ("The plan faces resistance from France.", {"FRA": ACTOR}),
        # Clergy, medics, scholars, factions and a population are people.
        ("An Iranian cleric praised Israel.", {"IRN": NATIONALITY}),
        ("Palestinian factions agree to a truce with Israel.", {"PSE": NATIONALITY}),
        ("Israel bars the Palestinian population from Jerusalem.", {"PSE": NATIONALITY}),
        # An accident: the country after "in" is where it happened.
        ("A U.S. helicopter crashes in Afghanistan, killing three.", {"AFG": LOCATION}),
        # Casualties and private agents are people.
        ("Syria counts Palestinian casualties.", {"PSE": NATIONALITY}),
        ("Two British private security agents were hit.", {"GBR": NATIONALITY}),
        # ... nor a country qualifying the act ("the US bombing").
        ("Koreans who died in the US bombing of Tokyo.", {"USA": ACTOR}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_sentence_roles_follow_the_annotation_rules(text: str, expected: dict[str, str]) -> None:
    found = roles_by_country(text)
    assert {iso3: found[iso3] for iso3 in expected} == expected


@pytest.mark.parametrize(
    "text",
    [
        "WASHINGTON, May 2 - Iran and Iraq traded fire near Moscow.",
        "Rebels in Syria and a British tourist near Moscow; talks in Moscow, Kyiv (UK).",
        "In Moscow, Russian firms and Syrian forces met from Moscow to Qatar.",
        "WASHINGTON (Reuters) - U.S. and Israeli officials met via Moscow.",
    ],
)
def test_a_mention_is_a_location_exactly_when_is_location_says_so(text: str) -> None:
    for role in sentence_roles(text, mentions_of(text)):
        kind = GAZETTEER[text[role.start : role.end]][1]
        assert (role.role == LOCATION) == is_location(text, role.start, role.end, kind), role


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # A country named after a place the gazetteer does not know is that place ...
        ("Ministers sign an accord in Zurich, Spain.", LOCATION),
        ("Two men are shot dead in Lahore, Nepal, police say.", LOCATION),
        # ... unless the place is struck or visited (the country is acted on) ...
        ("Drones strike a refinery in Volgograd Oblast, Turkey.", ACTOR),
        ("The president arrives in Shanghai, Turkey, for talks.", ACTOR),
        # ... or the country goes on to act.
        ("Talks are held in Zurich, Spain and Turkey agree.", ACTOR),
    ],
)
def test_a_country_after_an_unknown_place_of_it_is_that_place(text: str, role: str) -> None:
    country = next(r for r in sentence_roles(text, mentions_of(text)) if r.iso3 != "GBR")
    assert country.role == role


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # A capital a point of the compass is taken from is where, not who.
        ("Planes bomb a town north of London.", LOCATION),
        ("A bomb goes off 40 km south-west of London.", LOCATION),
        ("Troops fight gunmen northeast of London.", LOCATION),
        ("Police raid a compound west of London.", LOCATION),
        # Not the compass point of something else, nor the capital's own acts.
        ("The north of Spain rejects London's demands.", ACTOR),
        ("In the south, London sends troops.", ACTOR),
    ],
)
def test_a_capital_a_point_of_the_compass_is_taken_from_is_a_place(text: str, role: str) -> None:
    [found] = [r for r in sentence_roles(text, mentions_of(text)) if r.iso3 == "GBR"]
    assert found.role == role


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # A gathering's place named with its country ("meet in Moscow, Russia") is that
        # place; not a strike there, not a host that acts, not a subject that follows.
        ("Iran and Syria meet in Moscow, Russia, to talk.", LOCATION),
        ("Israeli jets strike buildings in Moscow, Russia.", ACTOR),
        ("Iran, Russia and Syria meet in Moscow, Russia.", ACTOR),
        ("In talks in Moscow, Russia and Iran agree.", ACTOR),
    ],
)
def test_a_country_named_after_a_gatherings_place_is_that_place(text: str, role: str) -> None:
    last = sentence_roles(text, mentions_of(text))
    assert [found.role for found in last if text[found.start : found.end] == "Russia"][-1] == role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two nations' words in a row name one people: a community, neither state.
        (
            "Israeli Palestinians protest in Haifa.",
            [
                ("ISR", NATIONALITY, "Israeli Palestinians"),
                ("PSE", NATIONALITY, "Israeli Palestinians"),
            ],
        ),
        (
            "Turkish Serbs meet Albanians.",
            [
                ("TUR", NATIONALITY, "Turkish Serbs"),
                ("SRB", NATIONALITY, "Turkish Serbs"),
                ("ALB", NATIONALITY, "Albanians"),
            ],
        ),
        # Not a list, not a name before a demonym with other words between.
        ("Israel, Palestinians and Egypt meet.", [("ISR", ACTOR), ("PSE", ACTOR)]),
        ("Turkey and Serbs talk.", [("TUR", ACTOR)]),
    ],
)
def test_two_nations_words_in_a_row_name_one_people(
    text: str, expected: list[tuple[str, ...]]
) -> None:
    found = [
        (role.iso3, role.role, role.evidence)[: len(expected[0])]
        for role in sentence_roles(text, mentions_of(text))
    ]
    assert found[: len(expected)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A country joined to "-bound" is where a ship or plane goes, no party.
        (
            "Israel raids a Qatar-bound flotilla.",
            [("ISR", ACTOR, "Israel"), ("QAT", LOCATION, "Qatar-bound")],
        ),
        # Peacekeepers serve an international body: their nationality, not their state.
        (
            "Irish peacekeepers leave as Britain thanks Turkey.",
            [
                ("IRL", NATIONALITY, "Irish peacekeepers"),
                ("GBR", ACTOR, "Britain"),
                ("TUR", ACTOR, "Turkey"),
            ],
        ),
        # So are hackers, political parties and firefighters; a suicide bomber is an
        # armed group's.
        (
            "Iranian hackers and Turkish political parties attack Britain.",
            [
                ("IRN", NATIONALITY, "Iranian hackers"),
                ("TUR", NATIONALITY, "Turkish political parties"),
                ("GBR", ACTOR, "Britain"),
            ],
        ),
        (
            "A German suicide bomber and Lebanese firefighters.",
            [
                ("DEU", NATIONALITY, "German suicide bomber"),
                ("LBN", NATIONALITY, "Lebanese firefighters"),
            ],
        ),
        # Asylum seekers are people.
        (
            "Britain turns back Iranian asylum seekers.",
            [("GBR", ACTOR, "Britain"), ("IRN", NATIONALITY, "Iranian asylum seekers")],
        ),
    ],
)
def test_destinations_and_asylum_seekers_are_no_parties(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    roles = sentence_roles(text, mentions_of(text))
    assert [(role.iso3, role.role, role.evidence) for role in roles] == expected


def test_a_country_on_which_an_act_on_an_armed_group_lands_is_its_place() -> None:
    # "on the" as "in": militants killed on a territory; not a blockade on it.
    text = "Israeli commandos kill four militants on the Gaza Strip."
    assert roles_by_country(text)["PSE"] == LOCATION
    assert roles_by_country("Israel tightens its blockade on the Gaza Strip.")["PSE"] == ACTOR


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # A part of the country named first, the group before or after it.
        ("A U.S. strike kills seven militants in the Spin area of Khyber, Afghanistan.", LOCATION),
        ("A U.S. drone attack in the Pakistani province of Kurram kills four militants.", LOCATION),
        ("A U.S. drone attack near Miran Shah, Afghanistan, kills two militants.", LOCATION),
        # Not a strike on the state, nor its embassy, nor a phrase that is no place.
        ("U.S. jets strike Afghanistan, killing ten civilians.", ACTOR),
        ("The U.S. reopens its embassy in Afghanistan after strikes on militants.", ACTOR),
        ("A U.S. soldier is killed in an exchange of fire with the Afghanistan army.", ACTOR),
    ],
)
def test_a_part_of_a_country_where_a_strike_on_an_armed_group_lands_is_a_place(
    text: str, role: str
) -> None:
    found = roles_by_country(text)
    assert found.get("AFG", found.get("PAK")) == role


def test_only_actors_pair() -> None:
    text = "A British tourist was hurt as U.S. forces struck Syria."
    kept = _actors(text, mentions_of(text))
    assert kept is not None
    assert [iso3 for _, _, iso3 in kept] == ["USA", "SYR"]
    lone = "An American company sued a German firm."
    assert _actors(lone, mentions_of(lone)) is None


def test_the_roles_evidence_names_the_words_that_decided() -> None:
    text = "WASHINGTON, May 2 - U.S. forces and a British tourist were in Moscow."
    roles = sentence_roles(text, mentions_of(text))
    assert describe_roles(roles, ("GBR", "USA")) == (
        "GBR nationality (British tourist); USA location (WASHINGTON dateline); "
        "USA actor (U.S. forces); RUS location (in Moscow)"
    )


def test_sentence_roles_keep_the_acting_state_for_its_nationals() -> None:
    text = "France demands Iran release a French citizen."
    roles = sentence_roles(text, mentions_of(text))
    assert [(role.iso3, role.role) for role in roles] == [
        ("FRA", ACTOR),
        ("IRN", ACTOR),
        ("FRA", NATIONALITY),
    ]


def test_sentence_roles_drop_overlapping_mentions() -> None:
    text = "Syria acts."
    roles = sentence_roles(text, [(0, 5, "SYR", "name"), (0, 3, "SYR", "name")])
    assert [(role.start, role.end) for role in roles] == [(0, 3)]  # sorted order, as before


def test_describe_roles_puts_the_pair_first_with_its_words() -> None:
    roles = [
        Role("SYR", LOCATION, "in Syria", 20, 25),
        Role("USA", ACTOR, "U.S. forces", 0, 4),
        Role("USA", ACTOR, "U.S.", 30, 34),
    ]
    assert describe_roles(roles, ("USA",)) == "USA actor (U.S. forces); SYR location (in Syria)"


def test_load_roles_reads_the_bundled_table() -> None:
    table = load_roles()
    assert set(table["kind"]) == {"state", "non_state", "armed_group", "place"}
    compiled = compile_roles(table)
    assert compiled.heads["central bank"] == "state"
    assert compiled.heads["bank"] == "non_state"
    assert compiled.heads["capital"] == "place"
    assert compiled.suffixes["based"] == "non_state"


def test_a_custom_table_changes_the_role() -> None:
    table = compile_roles(validate_roles(pd.DataFrame({"word": ["tourist"], "kind": ["place"]})))
    text = "A British tourist spoke."
    [role] = sentence_roles(text, mentions_of(text), table=table)
    assert role.role == ACTOR


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame({"word": ["army"]}), "must have columns word, kind"),
        (pd.DataFrame({"word": ["army"], "kind": ["organ"]}), "kind must be one of .*got 'organ'"),
        (pd.DataFrame({"word": [" "], "kind": ["state"]}), "word must not be empty"),
        (pd.DataFrame({"word": ["army", "Army"], "kind": ["state"] * 2}), "got 'army' twice"),
    ],
    ids=["missing-column", "unknown-kind", "empty-word", "repeated-word"],
)
def test_validate_roles_rejects_bad_tables(table: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_roles(table)


def test_load_roles_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be an existing CSV file"):
        load_roles(tmp_path / "none.csv")
