"""Countries that take part in one meeting relate to each other: hand-worked briefings."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import schema as S
from analytics.countries import extract_mentions
from analytics.relations import score_interactions
from analytics.relations.meetings import PARTICIPANT_CUE


def _briefing(title: str, happening: str, next_: str = "") -> pd.DataFrame:
    record = dict.fromkeys(S.BRIEFING_COLUMNS, "")
    record.update({S.BRIEFING_ID: "b1", S.DATE: pd.Timestamp("2025-07-06", tz="UTC")})
    record[S.DUPLICATE_OF] = pd.NA
    record.update({S.TITLE: title, S.HAPPENING: happening, S.NEXT: next_})
    return pd.DataFrame([record])


def _meeting_rows(briefings: pd.DataFrame) -> list[tuple]:
    rows = score_interactions(briefings, extract_mentions(briefings))
    rows = rows[rows[S.CUES] == PARTICIPANT_CUE]
    columns = [S.SECTION, S.SENTENCE_INDEX, S.COUNTRY_A, S.COUNTRY_B, S.SCORE, S.ROLES]
    return list(rows[columns].itertuples(index=False, name=None))


def test_the_participants_named_sentence_by_sentence_cooperate() -> None:
    briefings = _briefing(
        "Leaders meet in Rio",
        "Leaders met in Rio for a two-day summit hosted by Brazil. "
        "China did not attend in person, sending its premier instead, and Russia joined "
        "by video.",
    )
    # China and Russia already act together in the second sentence ("... and Russia
    # joined"); the host relates to each of them only as a participant.
    assert _meeting_rows(briefings) == [
        ("happening", 1, "BRA", "CHN", 1.0, "BRA participant (Brazil); CHN participant (China)"),
        ("happening", 1, "BRA", "RUS", 1.0, "BRA participant (Brazil); RUS participant (Russia)"),
    ]


def test_a_host_names_its_guests_and_attendees_are_named_later() -> None:
    # The host relates to each guest in the sentence itself ("hosted" is a cue); the
    # guests relate to each other as participants.
    guests = _briefing(
        "A summit in Delaware", "The United States hosted the leaders of India and Japan."
    )
    assert [row[2:4] for row in _meeting_rows(guests)] == [("IND", "JPN")]
    later = _briefing(
        "A summit in Delaware", "The United States hosted a summit. India and Japan attended."
    )
    assert [row[:4] for row in _meeting_rows(later)] == [
        ("happening", 1, "IND", "USA"),
        ("happening", 1, "JPN", "USA"),
    ]


def test_a_meeting_named_late_in_the_first_sentence_is_what_it_reports() -> None:
    # The meeting comes at the 21st word of the first sentence; its attendees, named in the
    # next sentence, take part in it with the host (the two attendees act together in that
    # sentence already, so they get no participant row).
    briefings = _briefing(
        "Ceasefire agreed",
        "The leaders of the two neighbours agreed on Monday to an immediate and unconditional "
        "ceasefire after five days of fighting at talks hosted by Malaysia. Representatives of "
        "the United States and China attended the meeting.",
    )
    assert sorted(row[2:4] for row in _meeting_rows(briefings)) == [
        ("CHN", "MYS"),
        ("MYS", "USA"),
    ]
    # After the first sentence it is no longer the briefing's opening.
    later = _briefing(
        "Ceasefire agreed",
        "The leaders of the two neighbours agreed on Monday to a ceasefire. Talks were hosted "
        "by Malaysia. Representatives of the United States and China attended the meeting.",
    )
    assert _meeting_rows(later) == []


@pytest.mark.parametrize(
    ("title", "happening", "next_"),
    [
        # negated, or named after "without": not there
        ("Peace summit", "Switzerland hosted a summit without Russia. China did not attend.", ""),
        # hosting troops is no meeting
        ("Leaders meet", "Poland hosts U.S. troops. Germany attended the talks.", ""),
        # the briefing does not open with a meeting
        ("Floods hit the coast", "Floods hit Brazil. Brazil hosted India and Japan.", ""),
        # what is next is not who took part
        ("Leaders meet", "Brazil hosted the summit.", "China will attend the next summit."),
    ],
)
def test_no_participants_related_without_a_meeting_they_took_part_in(
    title: str, happening: str, next_: str
) -> None:
    assert _meeting_rows(_briefing(title, happening, next_)) == []


def test_a_pair_a_sentence_relates_gets_no_participant_row() -> None:
    briefings = _briefing(
        "Leaders meet", "Brazil hosted the summit. China attended and signed a deal with Brazil."
    )
    rows = score_interactions(briefings, extract_mentions(briefings))
    pair = rows[(rows[S.COUNTRY_A] == "BRA") & (rows[S.COUNTRY_B] == "CHN")]
    assert PARTICIPANT_CUE not in set(pair[S.CUES]) and len(pair) == 1


def test_those_who_hold_the_opening_meeting_take_part_with_its_host() -> None:
    # The lead's talks are held by the U.S. and Russia (related there by "held talks");
    # the host named later relates to each of them as a participant.
    briefings = _briefing(
        "Talks in Riyadh",
        "Secretary of State Marco Rubio and Russian Foreign Minister Sergei Lavrov held "
        "talks in Riyadh. Saudi Arabia hosted the meeting.",
    )
    assert [row[:4] for row in _meeting_rows(briefings)] == [
        ("happening", 1, "SAU", "USA"),
        ("happening", 1, "RUS", "SAU"),
    ]
    # "met" names the one met as well; the lead itself relates those two already
    met = _briefing(
        "Leaders meet", "President Trump met Xi Jinping in Bali. Indonesia hosted the summit."
    )
    assert [row[2:4] for row in _meeting_rows(met)] == [("IDN", "USA"), ("CHN", "IDN")]


@pytest.mark.parametrize(
    "happening",
    [
        # a meeting that did not take place has no participants
        "Russia did not hold talks with Ukraine. Turkey hosted the delegations.",
        # hosting troops is no meeting, and names no participant
        "Poland hosts U.S. troops. Germany attended the talks.",
        # the meeting is not what the lead's countries do: too far from them
        "Japan announced on Monday a large package of new measures for its farmers and "
        "its fishing industry, and the government also said that officials would later "
        "take part in talks. China attended the talks.",
    ],
)
def test_the_opening_meeting_has_participants_only_when_held(happening: str) -> None:
    assert _meeting_rows(_briefing("Talks", happening)) == []
