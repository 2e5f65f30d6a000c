"""Phrases that refer back to countries ("the two countries", "both sides"): hand-worked cases."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import schema as S
from analytics.countries import extract_mentions
from analytics.relations import score_interactions
from analytics.relations.anaphora import anaphor_mentions
from analytics.relations.roles import ANAPHOR, sentence_roles


def _briefing(text: str, **sections: str) -> pd.DataFrame:
    record = dict.fromkeys(S.BRIEFING_COLUMNS, "")
    record.update({S.BRIEFING_ID: "b1", S.DATE: pd.Timestamp("2024-01-28", tz="UTC")})
    record[S.DUPLICATE_OF] = pd.NA
    record[S.TEXT] = text
    record.update(sections)
    return pd.DataFrame([record])


def _referred(briefings: pd.DataFrame) -> list[tuple[str, int, str, str]]:
    found = anaphor_mentions(briefings, extract_mentions(briefings))
    return list(
        found[[S.SECTION, S.SENTENCE_INDEX, S.SURFACE, S.ISO3]].itertuples(index=False, name=None)
    )


def _pairs(briefings: pd.DataFrame) -> dict[tuple[str, str], float]:
    rows = score_interactions(briefings, extract_mentions(briefings))
    return rows.groupby([S.COUNTRY_A, S.COUNTRY_B])[S.SCORE].sum().to_dict()


def test_a_numbered_phrase_refers_to_the_list_before_it() -> None:
    briefings = _briefing(
        "Mali, Burkina Faso and Niger announced their exit from the bloc. "
        "The three countries accused France of interference."
    )
    assert _referred(briefings) == [
        ("body", 1, "The three countries", "MLI"),
        ("body", 1, "The three countries", "BFA"),
        ("body", 1, "The three countries", "NER"),
    ]
    pairs = _pairs(briefings)
    # Each of the three accuses France (-2 each); they act together in each sentence (+1
    # a sentence).
    assert pairs[("BFA", "FRA")] == pairs[("FRA", "MLI")] == pairs[("FRA", "NER")] == -2.0
    assert pairs[("BFA", "MLI")] == pairs[("BFA", "NER")] == pairs[("MLI", "NER")] == 2.0


def test_without_the_phrase_the_second_sentence_relates_no_one() -> None:
    briefings = _briefing(
        "Mali, Burkina Faso and Niger announced their exit from the bloc. "
        "They accused France of interference."
    )
    assert _referred(briefings) == []
    assert not any("FRA" in pair for pair in _pairs(briefings))


def test_the_nearest_set_of_that_many_wins() -> None:
    briefings = _briefing(
        "Japan and South Korea held talks. China and the United States signed a deal. "
        "The two countries criticised Russia."
    )
    # The nearest pair (CHN, USA), not Japan and South Korea.
    assert _referred(briefings) == [
        ("body", 2, "The two countries", "CHN"),
        ("body", 2, "The two countries", "USA"),
    ]
    pairs = _pairs(briefings)
    assert pairs[("CHN", "RUS")] == pairs[("RUS", "USA")] == -2.0
    assert ("JPN", "RUS") not in pairs


def test_the_number_must_match() -> None:
    briefings = _briefing("China and the United States signed a deal. The three countries met.")
    assert _referred(briefings) == []


def test_a_set_referred_to_is_a_set_again() -> None:
    briefings = _briefing(
        "Chad and Niger closed the border. The two countries then criticised Russia. "
        "The three countries met in Paris."
    )
    # The second sentence's acting countries are Chad and Niger (referred to) and Russia.
    referred = _referred(briefings)
    assert {row[3] for row in referred if row[1] == 1} == {"TCD", "NER"}
    assert sorted(row[3] for row in referred if row[1] == 2) == ["NER", "RUS", "TCD"]


def test_a_sentence_of_two_acting_countries_is_a_set_and_sections_follow_each_other() -> None:
    briefings = _briefing(
        "",
        happening="President Biden met Prime Minister Kishida in Tokyo.",
        importance="Both leaders condemned North Korea's missile launches.",
    )
    assert _referred(briefings) == [
        ("importance", 0, "Both leaders", "USA"),
        ("importance", 0, "Both leaders", "JPN"),
    ]
    pairs = _pairs(briefings)
    assert pairs[("JPN", "PRK")] == pairs[("PRK", "USA")] == -2.0


def test_a_place_referred_back_to_is_a_place() -> None:
    text = "Protests against Russia spread in both countries."
    mentions = [(17, 23, "RUS", "name"), (34, 48, "GEO", ANAPHOR), (34, 48, "ARM", ANAPHOR)]
    roles = sentence_roles(text, mentions)
    assert [(role.iso3, role.role, role.evidence) for role in roles] == [
        ("RUS", "actor", "Russia"),
        ("ARM", "location", "in both countries"),
        ("GEO", "location", "in both countries"),
    ]


def test_the_evidence_shows_the_phrase() -> None:
    briefings = _briefing(
        "Israel and Bahrain announced talks. The two governments agreed to restore relations."
    )
    rows = score_interactions(briefings, extract_mentions(briefings))
    referred = rows[rows[S.SENTENCE_INDEX] == 1]
    assert referred[[S.COUNTRY_A, S.COUNTRY_B]].values.tolist() == [["BHR", "ISR"]]
    assert referred[S.ROLES].iloc[0] == (
        "BHR actor (The two governments); ISR actor (The two governments)"
    )


def test_the_country_mentions_are_not_changed() -> None:
    briefings = _briefing("Chad and Sudan signed a pact. Both sides welcomed it.")
    mentions = extract_mentions(briefings)
    assert set(mentions[S.KIND]) <= set(S.MENTION_KINDS)
    assert len(anaphor_mentions(briefings, mentions)) == 2
    assert len(extract_mentions(briefings)) == len(mentions)


@pytest.mark.parametrize(
    "text",
    ["No country is named here. The two sides met.", "The two countries met.", ""],
)
def test_no_set_named_before_gives_an_empty_typed_table(text: str) -> None:
    found = anaphor_mentions(_briefing(text), extract_mentions(_briefing(text)))
    assert found.empty
    assert list(found.columns) == list(S.MENTION_COLUMNS)
    assert found[S.START].dtype == "int64" and found[S.CONFIDENCE].dtype == "float64"


def test_both_of_which_refers_to_the_list_just_before() -> None:
    briefings = _briefing(
        "The coup follows takeovers in Mali and Burkina Faso, both of which turned away "
        "from France."
    )
    assert _referred(briefings) == [
        ("body", 0, "both of which", "MLI"),
        ("body", 0, "both of which", "BFA"),
    ]
    pairs = _pairs(briefings)
    assert pairs[("BFA", "FRA")] == pairs[("FRA", "MLI")] == -4.0
    assert pairs[("BFA", "MLI")] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        # "both" needs two countries; a list of three is "all of which".
        "Mali, Chad and Niger, both of which turned away from France.",
        # the phrase must follow the list.
        "Mali and Chad met. Officials, both of which turned away from France, left.",
    ],
)
def test_both_of_which_without_its_list_refers_to_no_one(text: str) -> None:
    assert _referred(_briefing(text)) == []


def test_a_reaction_to_the_lead_act_relates_to_whoever_did_it() -> None:
    briefings = _briefing(
        "",
        happening="Israel carried out an airstrike in Doha on 9 September. "
        "Qatar condemned the attack as a violation of its sovereignty.",
    )
    assert _referred(briefings) == [("happening", 1, "the attack", "ISR")]
    assert _pairs(briefings)[("ISR", "QAT")] == -2.0


@pytest.mark.parametrize(
    "happening",
    [
        # the lead's act is done by no country: nothing to refer to
        "Militants attacked a base near Doha. Qatar condemned the attack.",
        # the reaction names the doer already: it is scored as it stands
        "Israel struck a site near Doha. Qatar condemned the attack by Israel.",
    ],
)
def test_a_reaction_refers_to_the_lead_only_when_it_needs_to(happening: str) -> None:
    assert _referred(_briefing("", happening=happening)) == []


def test_a_subject_pronoun_continues_the_previous_sentences_subject() -> None:
    briefings = _briefing("China held drills near Taiwan. It also accused Japan of provocation.")
    assert _referred(briefings) == [("body", 1, "It", "CHN")]
    assert _pairs(briefings)[("CHN", "JPN")] == -2.0


def test_he_or_she_continues_a_person_speaking_for_a_country() -> None:
    briefings = _briefing(
        "The Japanese prime minister met Biden in Washington. He later criticised China."
    )
    assert _referred(briefings) == [("body", 1, "He", "JPN")]
    assert _pairs(briefings)[("CHN", "JPN")] == -2.0


@pytest.mark.parametrize(
    "text",
    [
        # "It" before a copula names the event or nothing, not the subject.
        "China held drills near Taiwan. It is the first such exercise near Japan.",
        # "He" is a person: a country as such is no "he" ...
        "China held drills near Taiwan. He accused Japan of provocation.",
        # ... and "it" no person speaking for one.
        "The Chinese president held talks. It accused Japan of provocation.",
        # A subject that is no country, or a list of them.
        "The deal was signed by India. It gives Japan access.",
        "China and Russia held drills. It accused Japan of provocation.",
        # Only the sentence right before, in the same section.
        "China held drills near Taiwan. Talks stalled. It accused Japan of provocation.",
    ],
)
def test_a_pronoun_refers_back_only_to_a_subject_of_its_kind(text: str) -> None:
    assert _referred(_briefing(text)) == []


def test_the_lead_act_as_a_subject_goes_on_about_its_doers() -> None:
    briefings = _briefing(
        "",
        happening="China's military launched large-scale exercises around Taiwan. "
        "The drills also added to tensions with Washington.",
    )
    assert _referred(briefings) == [("happening", 1, "The drills", "CHN")]
    # the exercises around Taiwan are a show of force (-7.2); tension with the U.S. (-3)
    assert _pairs(briefings) == {("CHN", "TWN"): -7.2, ("CHN", "USA"): -3.0}


@pytest.mark.parametrize(
    "happening",
    [
        # a country before the act names its doer: nothing refers back
        "China held drills around Taiwan. The U.S. drills added to tensions with Beijing.",
        # the act is the lead's doer's again, named: nothing to add
        "China held drills around Taiwan. The drills by China added to tensions with Japan.",
        # the act noun is not the sentence's subject
        "China held drills around Taiwan. Japan said the drills raised tensions.",
        # a possessive act noun is a different phrase ("The move's backers ...")
        "China held drills around Taiwan. The move's critics in Japan protested.",
        # a generic noun opening a sentence mostly names when, not who acts
        "China imposed sanctions on Japan. The announcement followed talks between Iran "
        "and Pakistan.",
    ],
)
def test_the_lead_act_as_a_subject_refers_back_only_as_the_subject(happening: str) -> None:
    referred = [row for row in _referred(_briefing("", happening=happening)) if row[1] == 1]
    assert referred == []


def test_a_reaction_to_the_lead_acts_in_the_plural_and_opposition_refers_back() -> None:
    briefings = _briefing(
        "",
        happening="Britain and Canada formally recognised the State of Palestine. "
        "Israel condemned the decisions. The United States also opposed the step.",
    )
    assert _referred(briefings) == [
        ("happening", 1, "the decisions", "GBR"),
        ("happening", 1, "the decisions", "CAN"),
        ("happening", 2, "the step", "GBR"),
        ("happening", 2, "the step", "CAN"),
    ]
    pairs = _pairs(briefings)
    assert pairs[("GBR", "ISR")] == pairs[("CAN", "ISR")] == -2.0
    assert pairs[("GBR", "USA")] == pairs[("CAN", "USA")] == -2.0


def test_a_list_before_the_phrase_is_not_what_it_refers_to_earlier() -> None:
    # The nearest earlier set of two is China and the U.S.; the mediators' list names the
    # U.S., so "both sides" are the two before them.
    briefings = _briefing(
        "",
        happening="India and Pakistan exchanged fire. China and the United States urged "
        "restraint. Mediators, including the United States, Saudi Arabia and Iran, may "
        "persuade both sides to de-escalate.",
    )
    assert [row for row in _referred(briefings) if row[1] == 2] == [
        ("happening", 2, "both sides", "IND"),
        ("happening", 2, "both sides", "PAK"),
    ]


def test_the_pair_referred_to_goes_on_being_referred_to() -> None:
    # India and Russia are named in one sentence after the governments were referred to,
    # but as no list: "the two countries" still means India and the U.S.
    briefings = _briefing(
        "",
        happening="Modi was received by Biden at the White House. The two governments "
        "announced deals. For New Delhi, closer ties bring investment while it keeps its "
        "relationship with Russia. The two countries may deepen cooperation with Japan.",
    )
    referred = [row for row in _referred(briefings) if row[2] == "The two countries"]
    assert referred == [
        ("happening", 3, "The two countries", "IND"),
        ("happening", 3, "The two countries", "USA"),
    ]
    # An explicit list named since does displace it.
    listed = _briefing(
        "",
        happening="Modi was received by Biden at the White House. The two governments "
        "announced deals. India and Russia held talks. The two countries signed a pact.",
    )
    assert [row[3] for row in _referred(listed) if row[1] == 3] == ["IND", "RUS"]


def test_a_reaction_to_the_opening_pact_is_about_its_parties() -> None:
    briefings = _briefing(
        "",
        happening="A ceasefire between Israel and Iran took effect on 24 June. "
        "Qatar helped broker the truce. Russia criticised the deal.",
    )
    assert _referred(briefings) == [
        ("happening", 1, "the truce", "ISR"),
        ("happening", 1, "the truce", "IRN"),
        ("happening", 2, "the deal", "ISR"),
        ("happening", 2, "the deal", "IRN"),
    ]
    pairs = _pairs(briefings)
    assert pairs[("IRN", "QAT")] == pairs[("ISR", "QAT")] == 4.5  # helped (+4), broker (+5)
    assert pairs[("IRN", "RUS")] == pairs[("ISR", "RUS")] == -2.0
    # The pact's parties as a list before its act, too.
    listed = _briefing(
        "",
        happening="The U.S. and the Philippines agreed to expand access to bases. "
        "Beijing is expected to criticise the agreement.",
    )
    assert [row[3] for row in _referred(listed)] == ["USA", "PHL"]


@pytest.mark.parametrize(
    "happening",
    [
        # one party only (the other is no state): no pact of two to refer to
        "A ceasefire between Israel and Hamas took effect. Qatar helped broker the truce.",
        # the reaction names a party itself
        "A ceasefire between Israel and Iran took effect. Qatar told Iran it backed the deal.",
    ],
)
def test_a_reaction_refers_to_the_opening_pact_only_when_it_needs_to(happening: str) -> None:
    assert [row for row in _referred(_briefing("", happening=happening)) if row[1] == 1] == []
