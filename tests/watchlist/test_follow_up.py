"""Follow-up of expected events on an invented corpus: which later sentences count as reports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from test_extract import _briefings

from analytics import schema as S
from analytics import settings
from analytics.countries import extract_mentions
from analytics.errors import InputError
from analytics.watchlist import expected_events, follow_up

BRIEFINGS = _briefings(
    [
        (
            "e1",
            "2024-02-14",
            "",
            "China could impose sanctions on Australia next month. "
            "France will host a summit with Germany on March 3.",
        ),
        ("r1", "2024-03-04", "France hosted a summit with Germany in Paris.", ""),
        ("r2", "2024-03-02", "France criticised Germany over the budget.", ""),  # other family
        ("r3", "2024-03-03", "France held talks with Italy.", ""),  # Germany missing
        ("r4", "2024-03-05", "France will meet Germany again.", ""),  # looks forward
        ("r5", "2024-04-20", "France hosted a summit with Germany.", ""),  # after the grace
    ]
)


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    mentions = extract_mentions(BRIEFINGS)
    return expected_events(BRIEFINGS, mentions), mentions


def test_follow_up_reports_with_the_evidence_inside_the_window(tables):
    events, mentions = tables
    followed = follow_up(events, BRIEFINGS, mentions)
    sanctions, summit, meeting = followed.to_dict("records")
    assert summit[S.FOLLOW_UP] == S.REPORTED
    assert summit[S.EVIDENCE_IDS] == "r1"
    assert summit[S.EVIDENCE] == "2024-03-04: France hosted a summit with Germany in Paris."
    # The window (March) plus 7 days of grace ended before the latest briefing (20 April).
    assert (sanctions[S.FOLLOW_UP], sanctions[S.EVIDENCE_IDS]) == (S.NOT_SEEN, "")
    # r4 looks forward itself: undated, 5 March to 4 April, and nothing later reports it.
    assert (meeting[S.BRIEFING_ID], meeting[S.FOLLOW_UP]) == ("r4", S.NOT_SEEN)


def test_follow_up_is_open_until_the_window_and_grace_end(tables):
    events, mentions = tables
    followed = follow_up(events, BRIEFINGS, mentions, as_of=pd.Timestamp("2024-04-07"))
    assert list(followed[S.FOLLOW_UP]) == [S.OPEN, S.REPORTED, S.OPEN]
    followed = follow_up(events, BRIEFINGS, mentions, as_of=pd.Timestamp("2024-04-08"))
    assert list(followed[S.FOLLOW_UP]) == [S.NOT_SEEN, S.REPORTED, S.OPEN]


def test_follow_up_grace_is_a_setting(tables):
    events, mentions = tables
    with settings.override(watchlist_grace_days=60):
        followed = follow_up(events, BRIEFINGS, mentions)
    # r5 (20 April) is now inside March 3 + 60 days; it shares no word with r4's "meet
    # Germany again", so r4 stays unreported.
    assert list(followed[S.EVIDENCE_IDS]) == ["", "r1|r5", ""]


def test_follow_up_of_no_events_is_an_empty_table(tables):
    events, mentions = tables
    followed = follow_up(events.iloc[:0], BRIEFINGS, mentions)
    assert followed.empty and list(followed.columns) == list(S.FOLLOW_UP_COLUMNS)


def test_follow_up_refuses_a_table_that_is_not_a_watchlist(tables):
    _, mentions = tables
    with pytest.raises(InputError, match=r"watchlist must have columns .*missing \["):
        follow_up(pd.DataFrame({S.BRIEFING_ID: ["e1"]}), BRIEFINGS, mentions)


def _summit_evidence(report: str) -> str:
    """The evidence ids of "France will host a summit with Germany on March 3" when one
    later briefing (4 March) says ``report``."""
    briefings = _briefings(
        [
            ("e1", "2024-02-14", "", "France will host a summit with Germany on March 3."),
            ("r1", "2024-03-04", report, ""),
        ]
    )
    mentions = extract_mentions(briefings)
    followed = follow_up(expected_events(briefings, mentions), briefings, mentions)
    return str(followed.loc[followed[S.BRIEFING_ID] == "e1", S.EVIDENCE_IDS].item())


@pytest.mark.parametrize(
    ("report", "evidence_ids"),
    [
        ("France hosted a summit with Germany in Paris.", "r1"),
        ("France did not host the summit with Germany in Paris.", ""),
        ("France refused to host a summit with Germany.", ""),
        ("The summit of France and Germany in Paris was postponed.", ""),
        ("France postponed the summit with Germany in Paris.", ""),
        ("France called for a summit with Germany in Paris.", ""),
        ("Police closed roads in Paris ahead of the summit of France and Germany.", ""),
    ],
    ids=[
        "hosted",
        "negated",
        "refused",
        "called-off-after",
        "called-off-before",
        "hedged",
        "not-yet",
    ],
)
def test_follow_up_evidence_must_say_the_event_happened(report, evidence_ids):
    assert _summit_evidence(report) == evidence_ids


def test_follow_up_evidence_is_later_than_the_expectation():
    briefings = _briefings(
        [
            ("e1", "2024-03-03", "France hosted a summit with Germany in Paris.", ""),
            ("e2", "2024-03-03", "", "France will host a summit with Germany today."),
        ]
    )
    mentions = extract_mentions(briefings)
    followed = follow_up(expected_events(briefings, mentions), briefings, mentions)
    # A report written the day the expectation is does not follow it up.
    assert list(followed[S.EVIDENCE_IDS]) == [""]


def test_follow_up_condition_words_are_not_what_is_expected():
    briefings = _briefings(
        [
            (
                "e1",
                "2024-02-14",
                "",
                "France will host a summit with Germany on March 3 if parliament signs the treaty.",
            ),
            # Shares only "treaty" and "signs", words of the condition.
            ("r1", "2024-03-04", "France and Germany signed the treaty at a summit.", ""),
            ("r2", "2024-03-05", "France hosted a summit with Germany on March 3.", ""),
        ]
    )
    mentions = extract_mentions(briefings)
    followed = follow_up(expected_events(briefings, mentions), briefings, mentions)
    event = followed[followed[S.BRIEFING_ID] == "e1"].iloc[0]
    assert event[S.EVIDENCE_IDS] == "r2"


@pytest.mark.parametrize(
    ("report", "evidence_ids"),
    [
        ("France hosted a summit with Germany in Paris.", "r1"),
        ("FRANCE HOSTED A SUMMIT WITH GERMANY IN PARIS.", ""),
        ("France said Germany would attend if France hosted a summit in Paris.", ""),
        ("France hosts a summit with Germany in Paris next week.", ""),
        ("France hosted a summit with Germany in Paris last year.", ""),
        ("France hosted a summit with Germany in Paris in 2019.", ""),
        ("France hosted a summit with Germany in Paris two years ago.", ""),
        ("France hosted the 2023-2024 summit with Germany in Paris.", "r1"),
    ],
    ids=[
        "reported",
        "headline-in-capitals",
        "inside-a-condition",
        "time-still-to-come",
        "last-year",
        "a-past-year",
        "years-ago",
        "a-span-of-years-is-a-name",
    ],
)
def test_follow_up_evidence_reports_this_event_not_a_plan_or_an_older_one(report, evidence_ids):
    assert _summit_evidence(report) == evidence_ids


def _evidence(event: str, report: str, fillers: int = 0) -> str:
    """The evidence ids of ``event`` (said on 14 February 2024) when a briefing of 4 March
    says ``report``, beside ``fillers`` other briefings of that day about markets."""
    rows = [("e1", "2024-02-14", "", event), ("r1", "2024-03-04", report, "")]
    rows += [
        (f"f{i}", "2024-03-04", f"Italy said markets were calm on day {i}.", "")
        for i in range(fillers)
    ]
    briefings = _briefings(rows)
    mentions = extract_mentions(briefings)
    followed = follow_up(expected_events(briefings, mentions), briefings, mentions)
    return str(followed.loc[followed[S.BRIEFING_ID] == "e1", S.EVIDENCE_IDS].item())


def test_follow_up_evidence_names_the_expected_act_not_only_its_kind():
    event = "France will meet Germany on March 3 in Paris."
    assert _evidence(event, "France and Germany held a meeting in Paris.") == "r1"
    # "held talks" is a cue of the same family (consult), but not a meeting.
    assert _evidence(event, "France and Germany held talks in Paris.") == ""


def test_follow_up_words_most_sentences_hold_do_not_tell_the_act():
    event = "France will hold talks on farm markets and fishing quotas on March 3."
    report = "France held talks on markets and quotas in Paris."
    # Alone, "markets" and "quotas" are the two words a single country's event needs.
    assert _evidence(event, report) == "r1"
    # In a corpus where most sentences speak of markets, only "quotas" is left.
    assert _evidence(event, report, fillers=40) == ""
    with settings.override(watchlist_common_min=50):
        assert _evidence(event, report, fillers=40) == "r1"


def _in_window_reference(per_country: pd.DataFrame, table: pd.DataFrame, grace) -> set:
    """Every event row against every report of its country and family, then filtered."""
    candidates = per_country.merge(table, on=[S.ISO3, S.CUE_FAMILY])
    day = candidates["day"]
    inside = (
        (candidates["briefing"] != candidates["own"])
        & (day >= candidates[S.WINDOW_START])
        & (day > candidates["event_day"])
        & (day <= candidates[S.WINDOW_END] + grace)
    )
    kept = candidates.loc[inside, ["_event", "report", S.ISO3]]
    return set(map(tuple, kept.to_numpy().tolist()))


def test_the_window_join_keeps_exactly_the_reports_inside_each_window() -> None:
    from analytics.watchlist.follow_up import _in_window

    day = pd.Timestamp
    grace = pd.Timedelta(days=2)
    # Three events of France; reports of France (two families) and Germany.
    per_country = pd.DataFrame(
        {
            "_event": [0, 1, 2, 3],
            S.ISO3: ["FRA", "FRA", "DEU", "FRA"],
            S.CUE_FAMILY: ["meet", "meet", "meet", "meet"],
            "own": [0, 5, 0, 0],
            "event_day": [day("2024-03-01"), day("2024-03-10"), day("2024-03-01"), pd.NaT],
            S.WINDOW_START: [
                day("2024-03-01"),
                day("2024-03-12"),
                day("2024-03-01"),
                day("2024-03-01"),
            ],
            S.WINDOW_END: [
                day("2024-03-05"),
                day("2024-03-12"),
                day("2024-03-31"),
                day("2024-03-31"),
            ],
        }
    )
    table = pd.DataFrame(
        {
            "report": [0, 1, 2, 3, 4, 5, 6],
            S.ISO3: ["FRA", "FRA", "FRA", "FRA", "FRA", "DEU", "FRA"],
            S.CUE_FAMILY: ["meet", "meet", "meet", "meet", "meet", "meet", "fight"],
            "briefing": [0, 1, 2, 3, 5, 4, 1],
            "day": [
                day("2024-03-01"),  # the event's own day: not after it
                day("2024-03-02"),
                day("2024-03-07"),  # the window's last day plus the grace
                day("2024-03-08"),  # one day past the grace
                day("2024-03-13"),  # inside event 1's window, but event 1's own briefing
                day("2024-03-02"),
                day("2024-03-02"),  # another family
            ],
        }
    )
    found = _in_window(per_country, table, grace)
    assert set(map(tuple, found[["_event", "report", S.ISO3]].to_numpy().tolist())) == {
        (0, 1, "FRA"),
        (0, 2, "FRA"),
        (2, 5, "DEU"),
    }
    assert set(map(tuple, found.to_numpy().tolist())) == _in_window_reference(
        per_country, table, grace
    )


@given(st.data())
@hypothesis_settings(max_examples=60, deadline=None)
def test_the_window_join_equals_every_pair_filtered(data) -> None:
    from analytics.watchlist.follow_up import _in_window

    start = pd.Timestamp("2024-01-01")
    days = st.integers(min_value=0, max_value=40)
    n_events = data.draw(st.integers(min_value=0, max_value=12))
    n_reports = data.draw(st.integers(min_value=0, max_value=15))
    countries, families = st.sampled_from(["FRA", "DEU"]), st.sampled_from(["meet", "fight"])
    rows = []
    for event in range(n_events):
        first, length = data.draw(days), data.draw(st.integers(min_value=-2, max_value=20))
        rows.append(
            {
                "_event": event,
                S.ISO3: data.draw(countries),
                S.CUE_FAMILY: data.draw(families),
                "own": data.draw(st.integers(min_value=0, max_value=4)),
                "event_day": start + pd.Timedelta(days=data.draw(days)),
                S.WINDOW_START: start + pd.Timedelta(days=first),
                S.WINDOW_END: start + pd.Timedelta(days=first + length),
            }
        )
    per_country = pd.DataFrame(
        rows,
        columns=["_event", S.ISO3, S.CUE_FAMILY, "own", "event_day", S.WINDOW_START, S.WINDOW_END],
    )
    table = pd.DataFrame(
        [
            {
                "report": report,
                S.ISO3: data.draw(countries),
                S.CUE_FAMILY: data.draw(families),
                "briefing": data.draw(st.integers(min_value=0, max_value=4)),
                "day": start + pd.Timedelta(days=data.draw(days)),
            }
            for report in range(n_reports)
        ],
        columns=["report", S.ISO3, S.CUE_FAMILY, "briefing", "day"],
    )
    grace = pd.Timedelta(days=data.draw(st.integers(min_value=0, max_value=5)))
    found = _in_window(per_country, table, grace)
    pairs = set(map(tuple, found[["_event", "report", S.ISO3]].to_numpy().tolist()))
    assert len(pairs) == len(found)
    if per_country.empty or table.empty:
        assert pairs == set()
    else:
        assert pairs == _in_window_reference(per_country, table, grace)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LYNG SAYS NO DECISION ON SOVIET OFFER", True),
        ("ÉTATS-UNIS ET JAPON SIGNENT", True),  # accented capitals are capitals
        ("Lyng says no decision on the Soviet offer", False),
        ("US AND UK TALK", False),  # eleven letters: too short to tell
        ("ABCDEFGHIJKLMNOPQRst", True),  # 20 letters, 2 lower-case: one in ten
        ("ABCDEFGHIJKLMNOPQrst", False),  # 3 lower-case of 20
        ("ABCDEFGHIJKLMNOPQRSß 1987-2026 ÷×", True),  # digits and signs are no letters
        ("ABCDEFGHIJKLMNOPQRßß", True),
        ("ABCDEFGHIJKLMNOPQßßß", False),  # ß is lower-case
    ],
)
def test_a_headline_is_twelve_latin_letters_nine_in_ten_capitals(text, expected) -> None:
    from analytics.watchlist.follow_up import _headline

    assert _headline(text) is expected


@given(st.data())
@hypothesis_settings(max_examples=60, deadline=None)
def test_pairs_naming_every_country_equal_counting_every_country(data) -> None:
    # The lookup of the rarest country, then of the others, keeps exactly the pairs in
    # which every listed country meets the report inside the window; an event listing a
    # country twice needs more countries than it has and keeps none.
    from analytics.watchlist.follow_up import _in_window, _naming_all

    start = pd.Timestamp("2024-01-01")
    days = st.integers(min_value=0, max_value=30)
    codes, families = st.sampled_from(["FRA", "DEU", "ITA"]), st.sampled_from(["meet", "fight"])
    rows = []
    for event in range(data.draw(st.integers(min_value=0, max_value=8))):
        first = data.draw(days)
        shared = {
            "own": data.draw(st.integers(min_value=0, max_value=4)),
            "event_day": start + pd.Timedelta(days=data.draw(days)),
            S.CUE_FAMILY: data.draw(families),
            S.WINDOW_START: start + pd.Timedelta(days=first),
            S.WINDOW_END: start + pd.Timedelta(days=first + data.draw(days)),
        }
        for iso3 in data.draw(st.lists(codes, min_size=1, max_size=3)):
            rows.append({"_event": event, S.ISO3: iso3, **shared})
    per_country = pd.DataFrame(
        rows,
        columns=["_event", S.ISO3, S.CUE_FAMILY, "own", "event_day", S.WINDOW_START, S.WINDOW_END],
    )
    table_rows = []
    for report in range(data.draw(st.integers(min_value=0, max_value=10))):
        briefing = data.draw(st.integers(min_value=0, max_value=4))
        day = start + pd.Timedelta(days=data.draw(days))
        for family in data.draw(st.sets(families, min_size=1)):
            for iso3 in data.draw(st.sets(codes, min_size=1)):
                table_rows.append(
                    {
                        "report": report,
                        S.ISO3: iso3,
                        S.CUE_FAMILY: family,
                        "briefing": briefing,
                        "day": day,
                    }
                )
    table = pd.DataFrame(table_rows, columns=["report", S.ISO3, S.CUE_FAMILY, "briefing", "day"])
    grace = pd.Timedelta(days=2)
    needed = per_country.groupby("_event").size()
    # Candidates made a few at a time (one run cut anywhere) keep the same pairs.
    budget = data.draw(st.sampled_from([1, 2, 3, 7, 1_000_000]))
    with settings.override(watchlist_follow_up_pairs=budget):
        kept = _naming_all(per_country, table, grace, needed)
    pairs = set(zip(kept["_event"].tolist(), kept["report"].tolist(), strict=True))
    assert len(pairs) == len(kept)
    expected: set = set()
    if not per_country.empty and not table.empty:
        found = _in_window(per_country.drop_duplicates(["_event", S.ISO3]), table, grace)
        counted = found.drop_duplicates().groupby(["_event", "report"]).size()
        expected = {(event, report) for (event, report), n in counted.items() if n == needed[event]}
    assert pairs == expected


def _spread_corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """An event of 14 February 2024 expecting talks on March 3, its report on March 4, and
    40 briefings about markets spread over the days its window and grace cover."""
    event = "France will hold talks on farm markets and fishing quotas on March 3."
    rows = [
        ("e1", "2024-02-14", "", event),
        ("r1", "2024-03-04", "France held talks on markets and quotas in Paris.", ""),
    ]
    rows += [
        (f"f{i}", f"2024-03-{3 + i % 8:02d}", f"Italy said markets were calm on day {i}.", "")
        for i in range(40)
    ]
    briefings = _briefings(rows)
    mentions = extract_mentions(briefings)
    return expected_events(briefings, mentions), briefings, mentions


@pytest.mark.parametrize("stretch", [1, 6, 25])
def test_follow_up_read_a_stretch_of_days_at_a_time_gives_the_same_evidence(stretch):
    events, briefings, mentions = _spread_corpus()
    whole = follow_up(events, briefings, mentions)
    with settings.override(watchlist_follow_up_briefings=stretch):
        sliced = follow_up(events, briefings, mentions)
    pd.testing.assert_frame_equal(sliced, whole)
    # "markets" is common over the 41 sentences read (no stretch holds 30 of them alone),
    # so the report no longer names what the event is about ...
    assert whole[S.EVIDENCE_IDS].tolist() == [""]
    # ... and with a higher bar for common words it does, in stretches too.
    with settings.override(watchlist_common_min=50, watchlist_follow_up_briefings=stretch):
        assert follow_up(events, briefings, mentions)[S.EVIDENCE_IDS].tolist() == ["r1"]


def test_follow_up_of_a_synthetic_corpus_is_the_same_read_in_stretches(tmp_path):
    from analytics.ingest import load_corpus_with_report
    from analytics.synth import generate_corpus

    generate_corpus(1500, seed=1).to_parquet(tmp_path / "briefings.parquet")
    briefings = load_corpus_with_report([tmp_path / "briefings.parquet"]).briefings
    mentions = extract_mentions(briefings)
    events = expected_events(briefings, mentions)
    whole = follow_up(events, briefings, mentions)
    assert (whole[S.FOLLOW_UP] == S.REPORTED).sum() >= 20
    for stretch in (40, 300):
        with settings.override(watchlist_follow_up_briefings=stretch):
            pd.testing.assert_frame_equal(follow_up(events, briefings, mentions), whole)


# Two summits expected on March 3, each of two countries, and seven later reports: r1 and
# r4 name France and Germany, r3 and r5 Italy and Spain. Each event is looked up on the
# country of its two that the fewest reports name, the first code on a tie (Germany and
# France three each; Spain and Italy three each), so each has three candidates, one of
# which misses its other country (r2 names Germany and Italy; r6 Spain and Portugal).
_TWO_SUMMITS = [
    ("e1", "2024-02-14", "", "France will host a summit with Germany on March 3."),
    ("e2", "2024-02-15", "", "Italy will host a summit with Spain on March 3."),
    ("r1", "2024-03-04", "France hosted a summit with Germany in Paris.", ""),
    ("r2", "2024-03-05", "Germany hosted a summit with Italy in Rome.", ""),
    ("r3", "2024-03-05", "Italy hosted a summit with Spain in Rome.", ""),
    ("r4", "2024-03-06", "Germany hosted a summit with France in Berlin.", ""),
    ("r5", "2024-03-06", "Spain hosted a summit with Italy in Madrid.", ""),
    ("r6", "2024-03-07", "Spain hosted a summit with Portugal in Lisbon.", ""),
    ("r7", "2024-03-07", "France hosted a summit with Belgium in Brussels.", ""),
]


@pytest.mark.parametrize("pairs", [1, 2, 4, 5, 6], ids=lambda n: f"{n}-at-a-time")
def test_follow_up_made_a_few_candidates_at_a_time_gives_the_same_evidence(pairs):
    briefings = _briefings(_TWO_SUMMITS)
    mentions = extract_mentions(briefings)
    events = expected_events(briefings, mentions)
    with settings.override(watchlist_follow_up_pairs=pairs):
        followed = follow_up(events, briefings, mentions)
    by_event = followed.set_index(S.BRIEFING_ID)
    assert by_event.loc["e1", S.EVIDENCE_IDS] == "r1|r4"
    assert by_event.loc["e2", S.EVIDENCE_IDS] == "r3|r5"
    assert by_event.loc["e2", S.EVIDENCE] == (
        "2024-03-05: Italy hosted a summit with Spain in Rome. || "
        "2024-03-06: Spain hosted a summit with Italy in Madrid."
    )
    with settings.override(watchlist_follow_up_pairs=1_000_000):
        pd.testing.assert_frame_equal(followed, follow_up(events, briefings, mentions))


@pytest.mark.parametrize("stretch", [1, 3, 1_000], ids=lambda n: f"{n}-a-stretch")
def test_follow_up_shows_the_first_evidence_of_every_stretch_and_names_every_briefing(stretch):
    briefings = _briefings(_TWO_SUMMITS)
    mentions = extract_mentions(briefings)
    events = expected_events(briefings, mentions)
    # One sentence shown an event: the earliest of all the stretches'; every reporting
    # briefing still named.
    with settings.override(watchlist_evidence=1, watchlist_follow_up_briefings=stretch):
        followed = follow_up(events, briefings, mentions).set_index(S.BRIEFING_ID)
    assert followed.loc["e1", S.EVIDENCE_IDS] == "r1|r4"
    assert followed.loc["e1", S.EVIDENCE] == (
        "2024-03-04: France hosted a summit with Germany in Paris."
    )
    assert followed.loc["e2", S.EVIDENCE_IDS] == "r3|r5"
    assert followed.loc["e2", S.EVIDENCE] == "2024-03-05: Italy hosted a summit with Spain in Rome."


@pytest.mark.parametrize("at_once", [1, 2, 100_000])
def test_evidence_is_joined_per_event_in_the_order_found_a_few_events_at_a_time(
    at_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import pyarrow as pa

    module = sys.modules["analytics.watchlist.follow_up"]

    monkeypatch.setattr(module, "_JOINED_AT_ONCE", at_once)
    values = pa.array(["a", "b", "c", "d", "e"], pa.large_string())
    joined = module._joined(np.array([2, 0, 2, 0, 2]), values.take, "|", 4)
    assert joined.tolist() == ["b|d", "", "a|c|e", ""]
    assert str(joined.dtype) == "str"
    # Through a whole follow-up: the same table joined one event at a time.
    briefings = _briefings(_TWO_SUMMITS)
    mentions = extract_mentions(briefings)
    events = expected_events(briefings, mentions)
    followed = follow_up(events, briefings, mentions).set_index(S.BRIEFING_ID)
    assert followed.loc["e1", S.EVIDENCE_IDS] == "r1|r4"
    assert followed.loc["e2", S.EVIDENCE_IDS] == "r3|r5"
