"""Tests for analytics.views on the hand-built corpus (see tests/ui_data.py).

Months: Jan b00-b02, Feb b03-b06, Mar b07-b09, Apr b10-b12, May b13-b16, Jun b17-b19.
The United States is in b00, b03, b06, b09, b10, b13, b16, b19; China and the United
States meet in b03, b09, b13, b19 (scores -0.6, -0.8, -0.6, -0.8, each with an
expected "respond" sentence at -0.2).
"""

from __future__ import annotations

import pandas as pd
import pytest
from ui_data import build_artefacts

from analytics import schema as S
from analytics import views
from analytics.timeseries import period_start


@pytest.fixture(scope="module")
def corpus():
    return build_artefacts()


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter"])
def test_period_of_matches_period_start(freq):
    dates = pd.Series(
        pd.to_datetime(
            [
                "2026-01-01T23:30:00Z",
                "2025-12-29T00:00:00Z",
                "2026-03-31T12:00:00Z",
                None,
                "1969-12-31T10:00:00Z",
                "2024-02-29T05:00:00Z",
                "2026-11-29T08:00:00Z",
            ],
            utc=True,
        ),
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    expected = period_start(dates, freq)
    got = views.period_of(dates, freq)
    assert list(got.index) == list(dates.index)
    pd.testing.assert_series_equal(got, expected, check_names=False)


def test_briefing_volume_counts_each_month(corpus):
    volume = views.briefing_volume(corpus.briefings, "month")
    assert list(volume[S.N_BRIEFINGS]) == [3, 4, 3, 3, 4, 3]
    assert volume[S.PERIOD].iloc[0] == pd.Timestamp("2026-01-01")


def test_corpus_figures_and_skipped_inputs(corpus):
    figures = views.corpus_figures(corpus)
    assert (figures.n_briefings, figures.n_countries, figures.n_topics) == (20, 8, 3)
    assert (figures.n_skipped, figures.n_duplicates) == (1, 0)
    skipped = views.skipped_inputs(corpus.report)
    assert list(skipped["file"]) == ["sample/notes.pdf"]
    assert "unsupported" in skipped["reason"].iloc[0]


def test_country_attention_counts_and_shares(corpus):
    attention = views.country_attention(corpus.countries, corpus.briefings, ["USA"], "month")
    assert list(attention[S.N_BRIEFINGS]) == [1, 2, 1, 1, 2, 1]
    assert list(attention["share"]) == pytest.approx([1 / 3, 2 / 4, 1 / 3, 1 / 3, 2 / 4, 1 / 3])
    assert set(attention[S.COUNTRY]) == {"United States"}


def test_country_totals_ranks_by_briefings(corpus):
    totals = views.country_totals(corpus.countries, limit=3)
    assert list(totals[S.ISO3]) == ["CHN", "USA", "JPN"]
    assert list(totals[S.N_BRIEFINGS]) == [8, 8, 6]


def test_comention_edges_strongest_first(corpus):
    edges = views.comention_edges(corpus.countries, limit=2)
    assert edges.iloc[0].to_dict() == {S.COUNTRY_A: "CHN", S.COUNTRY_B: "USA", S.N_BRIEFINGS: 4}


def test_among_leading_countries_drops_peripheral_edges():
    edges = pd.DataFrame(
        {
            S.COUNTRY_A: ["AAA", "AAA", "BBB", "CCC"],
            S.COUNTRY_B: ["BBB", "CCC", "CCC", "DDD"],
            S.N_BRIEFINGS: [5, 4, 3, 1],
        }
    )
    # involvement: AAA 9, BBB 8, CCC 8, DDD 1 -> the top three keep three edges
    kept = views.among_leading_countries(edges, countries=3)
    assert list(zip(kept[S.COUNTRY_A], kept[S.COUNTRY_B], strict=True)) == [
        ("AAA", "BBB"),
        ("AAA", "CCC"),
        ("BBB", "CCC"),
    ]
    assert len(views.among_leading_countries(edges, countries=3, limit=2)) == 2


def test_topic_shares_sum_to_one_per_period(corpus):
    shares = views.topic_shares(corpus.topics, "quarter")
    totals = shares.groupby(S.PERIOD)["share"].sum()
    assert list(totals) == pytest.approx([1.0, 1.0])
    first = shares[(shares[S.TOPIC_ID] == 1) & (shares[S.PERIOD] == pd.Timestamp("2026-01-01"))]
    assert first["share"].iloc[0] == pytest.approx(5 / 10)  # b01 b02 b04 b06 b07


def test_topic_shares_groups_small_topics_as_other(corpus):
    shares = views.topic_shares(corpus.topics, "quarter", limit=2)
    assert list(dict.fromkeys(shares[S.TOPIC_LABEL])) == [
        "security & defence",  # 10 briefings
        "trade & tariffs",  # 6
        views.OTHER_TOPICS,  # energy, 4
    ]
    other = shares[shares[S.TOPIC_ID] == views.OTHER_TOPIC_ID]
    assert list(other[S.N_BRIEFINGS]) == [2, 2]  # b05 b08 | b15 b18


def test_topic_country_matrix_keeps_largest_topics_first(corpus):
    matrix = views.topic_country_matrix(corpus.topics, corpus.countries, limit=2, topic_limit=2)
    assert list(dict.fromkeys(matrix[S.TOPIC_LABEL])) == ["security & defence", "trade & tariffs"]
    assert list(dict.fromkeys(matrix[S.ISO3])) == ["CHN", "USA"]
    cell = matrix[(matrix[S.TOPIC_LABEL] == "trade & tariffs") & (matrix[S.ISO3] == "USA")]
    assert cell[S.N_BRIEFINGS].iloc[0] == 6


def test_relation_timeline_hand_worked(corpus):
    timeline = views.relation_timeline(
        corpus.interactions, corpus.briefings, [("CHN", "USA")], "month"
    )
    reported = timeline[~timeline[S.FORWARD_LOOKING]]
    assert list(reported[S.PERIOD].dt.month) == [1, 2, 3, 4, 5, 6]  # the corpus' months
    assert list(reported[S.N_INTERACTIONS]) == [0, 1, 1, 0, 1, 1]
    assert list(reported[S.TENSION]) == pytest.approx([0, 0.6, 0.8, 0, 0.6, 0.8])
    assert list(reported[S.ALLIANCE]) == pytest.approx([0] * 6)
    expected = timeline[timeline[S.FORWARD_LOOKING] & (timeline[S.N_INTERACTIONS] > 0)]
    assert list(expected[S.NET]) == pytest.approx([-0.2] * 4)


def test_pair_matrix_is_symmetric(corpus):
    matrix = views.pair_matrix(corpus.interactions).set_index([S.COUNTRY_A, S.COUNTRY_B])
    assert matrix.loc[("CHN", "USA"), S.NET] == pytest.approx((-0.6 - 0.8 - 0.6 - 0.8 - 0.8) / 8)
    assert matrix.loc[("USA", "CHN"), S.N_INTERACTIONS] == 8
    assert matrix.loc[("CHN", "DEU"), S.N_INTERACTIONS] == 0


def test_spike_alerts_flags_a_jump():
    # One briefing a month; pair AAA-BBB mildly tense for four months, then 3 sharp sentences.
    months = ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10", "2026-05-10"]
    briefings = pd.DataFrame(
        {S.BRIEFING_ID: [f"x{i}" for i in range(5)], S.DATE: pd.to_datetime(months, utc=True)}
    )
    rows = [(0, -0.1), (1, -0.2), (2, -0.1), (3, -0.2), (4, -0.9), (4, -0.9), (4, -0.9)]
    interactions = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"x{i}" for i, _ in rows],
            S.DATE: pd.to_datetime([months[i] for i, _ in rows], utc=True),
            S.SECTION: S.HAPPENING,
            S.SENTENCE_INDEX: 0,
            S.SENTENCE: "",
            S.COUNTRY_A: "AAA",
            S.COUNTRY_B: "BBB",
            S.SCORE: [score for _, score in rows],
            S.CLASS: "verbal_conflict",
            S.CUES: "",
            S.FORWARD_LOOKING: False,
        }
    )
    spikes = views.spike_alerts(interactions, briefings, "month")
    assert len(spikes) == 1
    spike = spikes.iloc[0]
    assert spike[S.PERIOD] == pd.Timestamp("2026-05-01")
    assert spike[S.TENSION] == pytest.approx(2.7)
    assert spike[S.BASELINE] == pytest.approx(0.15)  # mean of 0.1, 0.2, 0.1, 0.2


def test_rising_countries_compares_last_two_periods(corpus):
    rising = views.rising_countries(corpus.countries, corpus.briefings, "month")
    top = rising.iloc[0]
    assert top[S.ISO3] == "CHN"  # May 1 of 4, June 2 of 3
    assert top["change"] == pytest.approx(2 / 3 - 1 / 4)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (
            {"points": [{"customdata": ["CHN", "USA", "2026-03-01", 2]}]},
            (("CHN", "USA"), pd.Timestamp("2026-03-01")),
        ),
        ({"points": [{"customdata": ["JPN", "KOR"]}]}, (("JPN", "KOR"), None)),
        (
            {"points": [{"customdata": "USA"}, {"customdata": ["DEU", "RUS"]}]},
            (("DEU", "RUS"), None),
        ),
        ({"points": []}, (None, None)),
        (None, (None, None)),
    ],
    ids=["point-with-period", "edge", "skips-node", "nothing", "none"],
)
def test_selection_target_reads_customdata(selection, expected):
    assert views.selection_target(selection) == expected


def test_evidence_for_pair_either_order_and_period(corpus):
    rows = views.evidence_for(
        corpus.interactions, pair=("USA", "CHN"), period=pd.Timestamp("2026-03-01"), freq="month"
    )
    assert list(rows[S.BRIEFING_ID]) == ["b09", "b09"]


@pytest.mark.parametrize(
    ("cues", "expected"),
    [
        ("sanctions|warned", ["sanctions", "warned"]),
        (["drills", " navy "], ["drills", "navy"]),
        ("['agreed', 'pact']", ["agreed", "pact"]),
        (None, []),
    ],
    ids=["pipe-text", "list", "list-written-as-text", "missing"],
)
def test_cue_words_accepts_stored_forms(cues, expected):
    assert views.cue_words(cues) == expected


def test_split_marked_covers_text_and_drops_overlaps():
    text = "Japan warned China."
    pieces = views.split_marked(text, [(0, 5, "country"), (13, 18, "country"), (3, 10, "cue")])
    assert pieces == [("Japan", "country"), (" warned ", None), ("China", "country"), (".", None)]
    assert "".join(p for p, _ in pieces) == text


def test_reader_sections_mark_countries_and_cues(corpus):
    sections = dict(views.reader_sections(corpus, "b19"))
    assert list(sections) == [S.HAPPENING, S.IMPORTANCE, S.NEXT]
    assert sections[S.HAPPENING] == [
        ("United States", "country"),
        (" imposed ", None),
        ("sanctions", "cue"),
        (" on ", None),
        ("China", "country"),
        (".", None),
    ]


def test_briefing_list_newest_first_with_countries(corpus):
    listing = views.briefing_list(corpus)
    first = listing.iloc[0]
    assert first[S.BRIEFING_ID] == "b19"
    assert first["countries"] == "China, United States"
    assert first["topic"] == "trade & tariffs"


def test_briefing_ids_limit_keeps_the_chosen_row() -> None:
    table = pd.DataFrame({"briefing_id": ["a", "b", "c", "d"]})
    assert views.briefing_ids(table) == ["a", "b", "c", "d"]
    assert views.briefing_ids(table, limit=2) == ["a", "b"]
    assert views.briefing_ids(table, limit=2, keep="d") == ["a", "b", "d"]
    assert views.briefing_ids(table, limit=2, keep="zz") == ["a", "b"]


def test_restrict_to_ids_keeps_order_and_repeats() -> None:
    table = pd.DataFrame({"briefing_id": ["a", "b", "a", "c"], "n": [1, 2, 3, 4]})
    assert views.restrict_to_ids(table, ["c", "a"])["n"].tolist() == [1, 3, 4]
    assert views.restrict_to_ids(table, []).empty


def test_pairs_of_takes_the_first_pairs_in_rank_order() -> None:
    ranked = pd.DataFrame({"country_a": ["JPN", "CHN", "IND"], "country_b": ["USA", "TWN", "PAK"]})
    assert views.pairs_of(ranked, limit=2) == [("JPN", "USA"), ("CHN", "TWN")]
    assert views.pairs_of(ranked) == [("JPN", "USA"), ("CHN", "TWN"), ("IND", "PAK")]
