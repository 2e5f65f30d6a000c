"""Tests for analytics.views on the hand-built corpus (see tests/ui_data.py).

Months: Jan b00-b02, Feb b03-b06, Mar b07-b09, Apr b10-b12, May b13-b16, Jun b17-b19.
The United States is in b00, b03, b06, b09, b10, b13, b16, b19; China and the United
States meet in b03, b09, b13, b19 (scores -0.6, -0.8, -0.6, -0.8, each with an
expected "respond" sentence at -0.2).
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest
import views_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from ui_data import build_artefacts, with_read_me

from analytics import schema as S
from analytics import views
from analytics.artefacts import Artefacts
from analytics.errors import InputError
from analytics.relations import pair_summary, relations_over_time
from analytics.views import FilteredCorpus, Filters, table_codes


@pytest.fixture(scope="module")
def corpus():
    return build_artefacts()


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
    # A whole file has no row: blank, not a missing value a table shows as "None".
    assert skipped["row"].tolist() == [""]


def test_skipped_inputs_show_a_rows_number_and_a_whole_file_blank():
    report = pd.DataFrame(
        {
            "file": ["t.csv", "a.txt", "t.csv"],
            "row": pd.array([4, None, 12], dtype="Int64"),
            "status": ["skipped", "skipped", "skipped"],
            "reason": ["no text", "empty", "no date"],
            "briefing_id": [None, None, None],
        }
    )
    assert views.skipped_inputs(report)[["file", "row"]].values.tolist() == [
        ["t.csv", "4"],
        ["a.txt", ""],
        ["t.csv", "12"],
    ]


def test_inputs_note_tells_merged_duplicates_from_kept_near_duplicates(corpus):
    # Near-duplicates are in the corpus (flagged), exact duplicates are not: one count of
    # both read as if the near ones had been dropped too.
    figures = views.corpus_figures(corpus)
    assert views.inputs_note(figures) == "1 skipped"
    report = pd.DataFrame(
        {
            "file": ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"],
            "row": [0] * 6,
            "status": ["loaded", "duplicate", "duplicate", "near-duplicate", "loaded", "skipped"],
            "reason": ["", "duplicate of a", "duplicate of a", "near-duplicate of e", "", "empty"],
            "briefing_id": ["a", "a", "a", "d", "e", None],
        }
    )
    mixed = views.corpus_figures(dataclasses.replace(corpus, report=report))
    assert (mixed.n_skipped, mixed.n_duplicates, mixed.n_near_duplicates) == (1, 2, 1)
    assert views.inputs_note(mixed) == (
        "1 skipped, 2 exact duplicates merged, 1 near-duplicate kept and flagged"
    )
    # What was lost first, then what was merged, then what was flagged.
    assert list(views.skipped_inputs(report)["status"]) == [
        "skipped",
        "duplicate",
        "duplicate",
        "near-duplicate",
    ]
    # A briefing loaded with a note (its day read month first on a guess) is counted and
    # listed with its reason; plain loaded rows are not.
    noted = report.assign(reason=report["reason"].where(report.index != 4, "date read month first"))
    figures = views.corpus_figures(dataclasses.replace(corpus, report=noted))
    assert views.inputs_note(figures) == (
        "1 skipped, 2 exact duplicates merged, 1 near-duplicate kept and flagged, "
        "1 loaded with a note"
    )
    assert views.skipped_inputs(noted)[["file", "status"]].values.tolist() == [
        ["f.txt", "skipped"],
        ["b.txt", "duplicate"],
        ["c.txt", "duplicate"],
        ["d.txt", "near-duplicate"],
        ["e.txt", "loaded"],
    ]
    clean = views.corpus_figures(dataclasses.replace(corpus, report=report.iloc[[0, 4]]))
    assert views.inputs_note(clean) == ""


def test_a_read_me_set_aside_is_named_apart_from_the_inputs_not_loaded(corpus):
    # A corpus folder's README.txt (the synthetic generator writes one) was counted and
    # listed as a skipped input beside the unreadable ones: it is documentation, named
    # apart, while the .pdf stays a skipped input.
    report = with_read_me(corpus.report)
    figures = views.corpus_figures(dataclasses.replace(corpus, report=report))
    assert (figures.n_skipped, figures.n_duplicates, figures.n_documentation) == (1, 0, 1)
    assert list(views.skipped_inputs(report)["file"]) == ["sample/notes.pdf"]
    assert views.documentation_files(report) == ["sample/README.txt"]
    assert views.documentation_files(corpus.report) == []


def test_corpus_figures_of_a_selection(corpus):
    # Korea acts in plan rows 4 (with Japan) and 6 (with the US), topic 1 both: briefings
    # 4, 6, 14 and 16, one every 9 days from 5 January 2026.
    figures = views.corpus_figures(views.FilteredCorpus(corpus, views.Filters(countries=("KOR",))))
    assert (figures.n_briefings, figures.n_countries, figures.n_topics) == (4, 3, 1)
    assert figures.first_day == pd.Timestamp("2026-02-10", tz="UTC")
    assert figures.last_day == pd.Timestamp("2026-05-29", tz="UTC")
    none = views.corpus_figures(views.FilteredCorpus(corpus, views.Filters(countries=("ATA",))))
    assert (none.n_briefings, none.first_day, none.last_day, none.n_countries) == (0, None, None, 0)


def test_selection_figures_reuse_the_whole_corpus_figures_only_when_all_is_kept(corpus):
    whole = views.corpus_figures(corpus)
    spanning = views.FilteredCorpus(corpus, views.Filters(start=date(2000, 1, 1)))
    assert views.selection_figures(spanning, whole) is whole
    assert views.corpus_figures(spanning) == whole  # what would have been counted
    korea = views.FilteredCorpus(corpus, views.Filters(countries=("KOR",)))
    figures = views.selection_figures(korea, whole)
    assert (figures.n_briefings, figures.n_countries, figures.n_topics) == (4, 3, 1)
    # A section keeps every briefing but not every country named: counted again.
    section = views.FilteredCorpus(corpus, views.Filters(section=S.IMPORTANCE))
    assert views.selection_figures(section, whole) == views.corpus_figures(section)
    assert views.selection_figures(section, whole).n_countries < whole.n_countries


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


def test_comention_edges_of_rows_in_any_order_or_repeated(corpus):
    # The corpus' rows follow their briefings (the matrix is built from them as they
    # stand); shuffled, or with a row repeated, the count is the same as the reference's.
    countries = corpus.countries
    expected = views_reference.comention_edges(countries, limit=500)
    shuffled = countries.sample(frac=1.0, random_state=3).reset_index(drop=True)
    repeated = pd.concat([countries, countries.iloc[[0, 5]]]).sort_values(
        S.BRIEFING_ID, kind="stable"
    )
    for table in (countries, shuffled, repeated.reset_index(drop=True)):
        pd.testing.assert_frame_equal(
            views.comention_edges(table, limit=500), expected, check_dtype=False
        )


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


def test_topic_country_matrix_counts_no_row_of_an_unknown_country(corpus):
    # Two country rows lose their code (b00's USA, b02's UKR): no cell counts them (Ukraine is
    # not among the four shown, so the cells lose b00's USA only), as the reference has it.
    countries = corpus.countries.copy()
    countries.loc[[0, 5], S.ISO3] = None
    matrix = views.topic_country_matrix(corpus.topics, countries, limit=4)
    pd.testing.assert_frame_equal(
        matrix,
        views_reference.topic_country_matrix(corpus.topics, countries, limit=4),
        check_dtype=False,
    )
    whole = views.topic_country_matrix(corpus.topics, corpus.countries, limit=4)
    assert matrix[S.N_BRIEFINGS].sum() == whole[S.N_BRIEFINGS].sum() - 1


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


def _jump_data() -> tuple[pd.DataFrame, pd.DataFrame]:
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
    return interactions, briefings


def test_spike_alerts_flags_a_jump():
    interactions, briefings = _jump_data()
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


def test_reader_page_marks_countries_and_cues(corpus):
    layout = views.reader_pages(corpus, "b19")
    assert len(layout.pages) == 1
    shown = views.reader_page(corpus, "b19", layout, 1)
    sections = {part.section: part.pieces for part in shown}
    assert list(sections) == [S.HAPPENING, S.IMPORTANCE, S.NEXT]
    assert not any(part.continued for part in shown)
    assert sections[S.HAPPENING] == [
        ("United States", "country"),
        (" imposed ", None),
        ("sanctions", "cue"),
        (" on ", None),
        ("China", "country"),
        (".", None),
    ]


def test_reader_page_marks_the_search_words_where_nothing_else_is(corpus):
    layout = views.reader_pages(corpus, "b19")
    shown = views.reader_page(corpus, "b19", layout, 1, search="POSED  chin on")
    happening = {part.section: part.pieces for part in shown}[S.HAPPENING]
    # 'posed' inside 'imposed' and 'on' are marked; 'chin' lies in the country 'China',
    # which keeps its own mark.
    assert happening == [
        ("United States", "country"),
        (" im", None),
        ("posed", "search"),
        (" ", None),
        ("sanctions", "cue"),
        (" ", None),
        ("on", "search"),
        (" ", None),
        ("China", "country"),
        (".", None),
    ]


def test_search_spans_follow_the_search_rule() -> None:
    assert views.search_spans("Tariffs, TARIFF and a tariff-free zone", "tariff") == [
        (0, 6, "search"),
        (9, 15, "search"),
        (22, 28, "search"),
    ]
    # A word with regex characters is plain text; an empty query marks nothing.
    assert views.search_spans("a (b) c", "(b)") == [(2, 5, "search")]
    assert views.search_spans("anything", "   ") == []


def test_search_spans_mark_a_short_word_where_it_stands_alone_when_it_does() -> None:
    text = "Talks on months of plutonium; EU-led talks"
    # 'on' alone at 6; not inside 'months' (10) or 'plutonium' (23).
    assert views.search_spans(text, "talks on") == [
        (0, 5, "search"),
        (37, 42, "search"),
        (6, 8, "search"),
    ]
    # 'eu' stands alone before a hyphen; 'lut' (3 letters) nowhere alone: inside 'plutonium'.
    assert views.search_spans(text, "eu lut") == [(30, 32, "search"), (20, 23, "search")]
    # A longer word is marked wherever it occurs, inside words too.
    assert views.search_spans(text, "onth") == [(10, 14, "search")]


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


# -- integer paths used on large corpora ---------------------------------------


@pytest.mark.parametrize(
    ("groups", "briefings", "n_groups", "expected"),
    [
        ([0, 0, 1, 1, 1, -1], [5, 5, 2, 3, 2, 7], 3, [1, 2, 0]),
        ([2, 2, 2], [0, 1, -1], 3, [0, 0, 2]),
        ([], [], 2, [0, 0]),
        # In briefing order, a group repeated apart inside one briefing's rows.
        ([1, 0, 1, 2, 0], [0, 0, 0, 1, 1], 3, [2, 1, 1]),
    ],
    ids=["repeats-count-once", "negative-briefing-left-out", "empty", "repeat-apart-in-order"],
)
def test_distinct_counts_counts_each_briefing_once(groups, briefings, n_groups, expected):
    counts = views.distinct_counts(
        np.array(groups, dtype=int), np.array(briefings, dtype=int), n_groups
    )
    assert counts.tolist() == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 6), st.integers(-1, 30)), max_size=60),
    st.booleans(),
)
def test_distinct_counts_match_a_set_of_pairs(rows, in_order):
    # Sorted by briefing (as the tables are) or not: the same distinct pairs.
    if in_order:
        rows = sorted(rows, key=lambda row: row[1])
    groups = np.array([group for group, _ in rows], dtype=np.int64)
    briefings = np.array([briefing for _, briefing in rows], dtype=np.int64)
    pairs = {(group, briefing) for group, briefing in rows if group >= 0 and briefing >= 0}
    expected = [sum(1 for group, _ in pairs if group == g) for g in range(7)]
    assert views.distinct_counts(groups, briefings, 7).tolist() == expected


def test_listing_selects_the_kept_briefings_in_its_order(corpus):
    listing = views.BriefingListing(corpus)
    keep = np.zeros(len(corpus.briefings), dtype=bool)
    keep[[0, 2, 19]] = True
    # Newest first: b19, then b02, then b00.
    assert listing.selected(keep).tolist() == [19, 2, 0]
    rows = listing.rows(listing.selected(keep))
    assert rows[S.BRIEFING_ID].tolist() == ["b19", "b02", "b00"]
    later = listing.later(listing.selected(keep))
    assert later.n_rows == 3
    pd.testing.assert_frame_equal(later.build(), rows)
    assert listing.rows(listing.selected(np.zeros(len(keep), dtype=bool))).empty


def test_listing_and_options_agree_with_the_group_by_reference(corpus):
    pd.testing.assert_frame_equal(
        views.briefing_list(corpus), views_reference.briefing_list(corpus)
    )
    ranked = views.filter_options(corpus).countries
    assert list(ranked.items()) == list(views_reference.ranked_countries(corpus.countries).items())


def test_listing_rows_work_out_countries_for_the_rows_asked_in_any_table_order(corpus):
    # The countries table in reverse, one row with no country name and one of a briefing
    # the corpus does not hold: the rows asked for still list each briefing's distinct
    # names, sorted, and the same as the reference's.
    countries = corpus.countries.iloc[::-1].reset_index(drop=True)
    countries.loc[0, S.COUNTRY] = None
    stray = countries.iloc[[1]].assign(**{S.BRIEFING_ID: "not-a-briefing"})
    shuffled = dataclasses.replace(corpus, countries=pd.concat([countries, stray]))
    named = dataclasses.replace(corpus, countries=pd.concat([countries.iloc[1:], stray]))
    expected = views_reference.briefing_list(named).set_index(S.BRIEFING_ID)["countries"]
    listing = views.BriefingListing(shuffled)
    asked = listing.order[[5, 0, 5, 3]]
    rows = listing.rows(asked)
    ids = corpus.briefings[S.BRIEFING_ID].to_numpy()[asked]
    assert rows[S.BRIEFING_ID].tolist() == ids.tolist()
    assert rows["countries"].tolist() == expected.loc[ids].tolist()
    assert all(rows["countries"]) and len(set(rows["countries"])) > 1
    assert listing.rows(asked[:0])["countries"].tolist() == []


def test_pair_matrix_mirrors_one_sided_pairs():
    interactions = pd.DataFrame(
        {
            S.COUNTRY_A: ["CHN", "CHN", "JPN"],
            S.COUNTRY_B: ["USA", "USA", "USA"],
            S.SCORE: [-1.0, 0.5, 1.0],
        }
    )
    matrix = views.pair_matrix(interactions, limit=3).set_index([S.COUNTRY_A, S.COUNTRY_B])
    # Involvement: USA 3, CHN 2, JPN 1.
    assert list(dict.fromkeys(matrix.index.get_level_values(0))) == ["USA", "CHN", "JPN"]
    assert matrix.loc[("USA", "CHN"), S.N_INTERACTIONS] == 2
    assert matrix.loc[("USA", "CHN"), S.NET] == pytest.approx(-0.25)
    assert matrix.loc[("JPN", "USA"), S.NET] == pytest.approx(1.0)
    assert matrix.loc[("CHN", "JPN"), S.N_INTERACTIONS] == 0
    assert np.isnan(matrix.loc[("CHN", "JPN"), S.NET])


def test_in_period_reuses_given_periods(corpus):
    periods = views.row_periods(corpus.interactions, "month")
    choices = views.period_choices(corpus.interactions, "month", periods=periods)
    assert choices[0] == pd.Timestamp("2026-01-01")
    march = views.in_period(
        corpus.interactions, pd.Timestamp("2026-03-01"), "month", periods=periods
    )
    assert set(march[S.BRIEFING_ID]) == {"b07", "b08", "b09"}


def _views_with_and_without_codes(filtered):
    """(name, computed with integer codes, computed from strings) for every coded view."""
    interactions = filtered.interactions
    interaction_codes = filtered.codes("interactions")
    pairs = [("CHN", "USA"), ("JPN", "USA"), ("KOR", "ZZZ")]
    return [
        (
            "top_pairs",
            views.top_pairs(interactions, codes=interaction_codes),
            views.top_pairs(interactions),
        ),
        (
            "spike_alerts",
            views.spike_alerts(interactions, filtered.headers, "month", codes=interaction_codes),
            views.spike_alerts(interactions, filtered.headers, "month"),
        ),
        (
            "relation_timeline",
            views.relation_timeline(
                interactions, filtered.headers, pairs, "month", codes=interaction_codes
            ),
            views.relation_timeline(interactions, filtered.headers, pairs, "month"),
        ),
    ]


@pytest.mark.parametrize(
    "chosen",
    [Filters(), Filters(countries=("USA",)), Filters(section=S.HAPPENING)],
    ids=["everything", "one-country", "one-section"],
)
def test_views_give_the_same_tables_with_integer_codes(corpus, chosen):
    filtered = FilteredCorpus(corpus, chosen)
    for name, coded, plain in _views_with_and_without_codes(filtered):
        assert not plain.empty or name == "spike_alerts", name
        pd.testing.assert_frame_equal(coded, plain, check_dtype=False, obj=name)


def _views_and_references(filtered):
    """(name, the view on the filtered corpus' codes, the view on computed codes, reference)."""
    countries, topics, headers = filtered.countries, filtered.topics, filtered.headers
    country_codes = filtered.codes("countries")
    topic_codes = filtered.codes("topics")
    chosen = ["USA", "JPN"]
    return [
        (
            "country_totals",
            views.country_totals(countries, codes=country_codes),
            views.country_totals(countries),
            views_reference.country_totals(countries),
        ),
        (
            "comention_edges",
            views.comention_edges(countries, codes=country_codes),
            views.comention_edges(countries),
            views_reference.comention_edges(countries),
        ),
        (
            "country_attention",
            views.country_attention(countries, headers, chosen, "month", codes=country_codes),
            views.country_attention(countries, headers, chosen, "month"),
            views_reference.country_attention(countries, headers, chosen, "month"),
        ),
        (
            "topic_shares",
            views.topic_shares(topics, "month", limit=2, codes=topic_codes),
            views.topic_shares(topics, "month", limit=2),
            views_reference.topic_shares(topics, "month", limit=2),
        ),
        (
            "topic_country_matrix",
            views.topic_country_matrix(
                topics, countries, limit=4, topic_codes=topic_codes, country_codes=country_codes
            ),
            views.topic_country_matrix(topics, countries, limit=4),
            views_reference.topic_country_matrix(topics, countries, limit=4),
        ),
    ]


@pytest.mark.parametrize(
    "chosen",
    [Filters(), Filters(countries=("USA",)), Filters(section=S.HAPPENING)],
    ids=["everything", "one-country", "one-section"],
)
def test_views_count_as_the_pandas_reference(corpus, chosen):
    filtered = FilteredCorpus(corpus, chosen)
    for name, coded, computed, reference in _views_and_references(filtered):
        assert not reference.empty, name
        pd.testing.assert_frame_equal(coded, reference, check_dtype=False, obj=name)
        pd.testing.assert_frame_equal(computed, reference, check_dtype=False, obj=name)


def test_table_codes_number_briefings_together_and_countries_sorted():
    topics = pd.DataFrame({S.BRIEFING_ID: ["b2", "b1"]})
    countries = pd.DataFrame({S.BRIEFING_ID: ["b1", "b3", None], S.ISO3: ["USA", None, "CHN"]})
    topic_codes, country_codes = table_codes(topics, countries)
    assert topic_codes.briefing.tolist() == [0, 1]
    assert country_codes.briefing.tolist() == [1, 2, -1]
    assert topic_codes.country is None
    assert list(country_codes.iso3s) == ["CHN", "USA"]
    assert country_codes.country.tolist() == [1, -1, 0]


def test_country_totals_hand_worked(corpus):
    totals = views.country_totals(corpus.countries).set_index(S.ISO3)[views.N_BRIEFINGS]
    # Plan (i % 10): USA in 0, 3, 6, 9 -> 8 of 20; CHN in 1, 3, 7, 9 -> 8; JPN in 0, 4, 7 -> 6.
    assert (totals["USA"], totals["CHN"], totals["JPN"]) == (8, 8, 6)
    assert list(totals.index[:2]) == ["CHN", "USA"]  # equal counts: by name


def test_topic_country_matrix_hand_worked(corpus):
    matrix = views.topic_country_matrix(corpus.topics, corpus.countries)
    cells = matrix.set_index([S.TOPIC_LABEL, S.ISO3])[views.N_BRIEFINGS]
    # Trade briefings (plans 0, 3, 9): USA in all six, CHN in the four of plans 3 and 9.
    assert cells[("trade & tariffs", "USA")] == 6
    assert cells[("trade & tariffs", "CHN")] == 4
    assert cells[("energy", "USA")] == 0


def test_pair_mask_with_codes_matches_strings(corpus):
    filtered = FilteredCorpus(corpus, Filters())
    pairs = [("CHN", "USA"), ("USA", "CHN"), ("XXX", "USA")]
    plain = views.pair_mask(corpus.interactions, pairs)
    coded = views.pair_mask(corpus.interactions, pairs, codes=filtered.codes("interactions"))
    assert plain.tolist() == coded.tolist()
    assert plain.sum() == 8  # four briefings, a reported and an expected sentence each


def _relations_spikes(interactions, briefings, freq):
    """Spikes as ``relations.relations_over_time`` flags them (the rule views follow)."""
    reported = interactions[~interactions[S.FORWARD_LOOKING].astype(bool)]
    conflicts = reported[reported[S.SCORE] < 0].groupby([S.COUNTRY_A, S.COUNTRY_B]).size()
    pairs = [pair for pair, size in conflicts.items() if size >= 3]
    timeline = relations_over_time(reported, briefings, freq, pairs=pairs)
    flagged = timeline[timeline[S.SPIKE].astype(bool)]
    return flagged.sort_values([S.PERIOD, S.TENSION], ascending=[False, False], kind="stable")


@pytest.mark.parametrize("freq", ["week", "month", "quarter"])
def test_relation_views_agree_with_the_relations_module(corpus, freq):
    # views computes these on integer codes; relations is the reference for the rules.
    pairs = [("CHN", "USA"), ("JPN", "USA")]
    timeline = views.relation_timeline(corpus.interactions, corpus.briefings, pairs, freq)
    for outlook in (False, True):
        rows = corpus.interactions[corpus.interactions[S.FORWARD_LOOKING] == outlook]
        expected = relations_over_time(
            rows, corpus.briefings, freq, pairs=pairs, include_forward=outlook
        )
        mine = timeline[timeline[S.FORWARD_LOOKING] == outlook].reset_index(drop=True)
        for column in (S.PERIOD, S.COUNTRY_A, S.COUNTRY_B, S.N_INTERACTIONS, S.TENSION, S.NET):
            pd.testing.assert_series_equal(
                mine[column], expected[column], check_dtype=False, check_names=False
            )
    pd.testing.assert_frame_equal(
        views.top_pairs(corpus.interactions, limit=50),
        pair_summary(corpus.interactions).head(50),
        check_dtype=False,
    )
    interactions, briefings = _jump_data()
    spikes = views.spike_alerts(interactions, briefings, freq)
    expected = _relations_spikes(interactions, briefings, freq)
    assert len(spikes) == len(expected) and (freq != "month" or len(spikes) == 1)
    assert list(spikes[S.PERIOD]) == list(expected[S.PERIOD])
    assert list(spikes[S.COUNTRY_A]) == list(expected[S.COUNTRY_A])
    for column in (S.TENSION, S.TENSION_SHARE, S.BASELINE):
        assert list(spikes[column]) == pytest.approx(list(expected[column])), column


def _long_briefing(copies: int) -> Artefacts:
    """One briefing whose body is ``copies`` paragraphs "Japan warned China. Talks went on."."""
    paragraph = "Japan warned China. Talks went on."
    text = "\n\n".join([paragraph] * copies)
    step = len(paragraph) + 2
    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: ["long"],
            S.DATE: [pd.Timestamp("2026-01-01", tz="UTC")],
            S.TITLE: ["Long"],
            S.TEXT: [text],
        }
    )
    mentions = pd.DataFrame(
        [
            {
                S.BRIEFING_ID: "long",
                S.SECTION: S.SECTION_BODY,
                S.SENTENCE_INDEX: 2 * k,
                S.START: k * step + at,
                S.END: k * step + at + 5,
                S.SURFACE: name,
                S.ISO3: code,
                S.KIND: "name",
                S.CONFIDENCE: 1.0,
            }
            for k in range(copies)
            for at, name, code in ((0, "Japan", "JPN"), (13, "China", "CHN"))
        ]
    )
    interactions = pd.DataFrame(
        {
            S.BRIEFING_ID: ["long"] * copies,
            S.SECTION: [S.SECTION_BODY] * copies,
            S.CUES: ["warned"] * copies,
        }
    )
    empty = pd.DataFrame({S.BRIEFING_ID: pd.Series(dtype=object)})
    return Artefacts(briefings, empty, mentions, empty, empty, empty, interactions, "f")


def test_reader_pages_cut_a_long_briefing_on_paragraphs():
    artefacts = _long_briefing(1_000)  # 36,000 characters: paragraphs of 34 plus a break
    layout = views.reader_pages(artefacts, "long", page_chars=1_000)
    # 27 whole paragraphs (27 x 36 = 972 characters) fit a page of 1,000.
    assert layout.pages[0] == [views.PagePart(S.SECTION_BODY, 0, 972)]
    assert layout.pages[1][0].start == 972
    assert len(layout.pages) == -(-1_000 // 27)
    ends = [part.end for page in layout.pages for part in page]
    assert ends[-1] == len(layout.sections[S.SECTION_BODY])


def test_reader_page_marks_only_its_own_text():
    artefacts = _long_briefing(1_000)
    layout = views.reader_pages(artefacts, "long", page_chars=1_000)
    (part,) = views.reader_page(artefacts, "long", layout, 2)
    assert part.continued
    text = "".join(piece for piece, _ in part.pieces)
    assert text == layout.sections[S.SECTION_BODY][972:1944]
    assert part.pieces[:4] == [
        ("Japan", "country"),
        (" ", None),
        ("warned", "cue"),
        (" ", None),
    ]
    assert sum(kind == "country" for _, kind in part.pieces) == 2 * 27


@pytest.mark.parametrize(
    ("page", "page_chars", "match"),
    [
        (0, 1_000, r"page must be between 1 and 38; got 0"),
        (39, 1_000, r"page must be between 1 and 38; got 39"),
        (1, 99, r"page_chars must be at least 100; got 99"),
    ],
    ids=["before-first", "after-last", "tiny-pages"],
)
def test_reader_page_rejects_pages_outside_the_briefing(page, page_chars, match):
    artefacts = _long_briefing(1_000)
    with pytest.raises(InputError, match=match):
        layout = views.reader_pages(artefacts, "long", page_chars=page_chars)
        views.reader_page(artefacts, "long", layout, page)


def test_evidence_table_shows_the_roles_that_decided_the_pair():
    interactions = pd.DataFrame(
        {
            S.DATE: pd.to_datetime(["2024-01-05"], utc=True),
            S.COUNTRY_A: ["FRA"],
            S.COUNTRY_B: ["IRN"],
            S.BRIEFING_ID: ["b1"],
            S.SECTION: ["happening"],
            S.SCORE: [-4.0],
            S.CLASS: ["verbal_conflict"],
            S.FORWARD_LOOKING: [False],
            S.CUES: ["demand"],
            S.ROLES: ["FRA actor (France demands); IRN actor (Iran)"],
            S.SENTENCE: ["France demands that Iran release a French citizen."],
        }
    )
    table = views.evidence_table(interactions, {"FRA": "France", "IRN": "Iran"})
    assert list(table.columns)[-2:] == [S.ROLES, S.SENTENCE]
    assert table[S.ROLES].tolist() == ["FRA actor (France demands); IRN actor (Iran)"]
    assert S.ROLES not in views.evidence_table(interactions.drop(columns=[S.ROLES]), {}).columns


@pytest.mark.parametrize(
    ("freq", "start", "label"),
    [
        ("day", "2024-03-04", "4 Mar 2024"),
        ("week", "2024-03-04", "week of 4 Mar 2024"),  # a Monday
        ("week", "2024-03-11", "week of 11 Mar 2024"),  # the next week: its own name
        ("month", "2024-03-01", "Mar 2024"),
        ("quarter", "2024-01-01", "Q1 2024"),
        ("quarter", "2024-10-01", "Q4 2024"),
    ],
    ids=["day", "week", "next-week", "month", "first-quarter", "last-quarter"],
)
def test_period_label_names_the_period_kind(freq, start, label):
    assert views.period_label(pd.Timestamp(start), freq) == label
    assert views.period_labeller(freq)(pd.Timestamp(start)) == label
    assert views.period_labeller(freq)(None) == "All periods"


def test_picker_pairs_fall_back_to_expected_developments():
    interactions = build_artefacts().interactions
    reported = interactions[~interactions[S.FORWARD_LOOKING]]
    expected = interactions[interactions[S.FORWARD_LOOKING]]
    # Reported sentences rank the pairs as top_pairs does: USA–CHN in 4 briefings,
    # the eight other pairs in 2 each, in pair order.
    ranked = views.top_pairs(reported)
    assert views.picker_pairs(reported, ranked, 3) == [
        ("CHN", "USA"),
        ("CHN", "JPN"),
        ("CHN", "TWN"),
    ]
    # Only expected developments (the "What's next" section): the same pairs from those.
    assert views.top_pairs(expected).empty
    assert views.picker_pairs(expected, views.top_pairs(expected), 3) == [
        ("CHN", "USA"),
        ("CHN", "JPN"),
        ("CHN", "TWN"),
    ]
    assert views.picker_pairs(expected.head(0), views.top_pairs(expected.head(0))) == []


def test_representative_briefings_rank_the_selection_by_weight():
    # Topic 0 holds b1 (0.9, dated in the window), b2 (0.5), b3 (0.7) and b4 (0.95, outside
    # the window). Within the window the closest are b1 then b3, then b2.
    topics = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b2", "b3", "b5"],
            S.TOPIC_ID: [0, 0, 0, 1],
            S.WEIGHT: [0.9, 0.5, 0.7, 0.99],
        }
    )
    headers = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b2", "b3", "b5"],
            S.DATE: pd.to_datetime(["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]),
            S.TITLE: ["one", "two", "three", "five"],
            S.SOURCE: ["Wire"] * 4,
        }
    )
    chosen = views.representative_briefings(topics, headers, 0, limit=2)
    assert list(chosen[S.BRIEFING_ID]) == ["b1", "b3"]
    assert list(chosen.columns) == [S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]
    assert list(views.representative_briefings(topics, headers, 2)[S.BRIEFING_ID]) == []


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(
        st.sampled_from([0.1, 0.2, 0.5, 0.5, 0.9, 0.9, float("nan")]), min_size=1, max_size=60
    ),
    ids=st.lists(st.integers(0, 25), min_size=60, max_size=60),
    limit=st.integers(1, 6),
)
def test_representative_briefings_are_the_heaviest_distinct_briefings(weights, ids, limit):
    # Against every row sorted: heaviest first, ties by id, each briefing once (its
    # heaviest row), missing weights last; many rows, repeated briefings, tied weights.
    topics = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i:02d}" for i in ids[: len(weights)]],
            S.TOPIC_ID: 0,
            S.WEIGHT: weights,
        }
    )
    headers = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i:02d}" for i in range(26)],
            S.DATE: pd.Timestamp("2026-03-02"),
            S.TITLE: "t",
            S.SOURCE: "Wire",
        }
    )
    ranked = topics.sort_values(
        [S.WEIGHT, S.BRIEFING_ID], ascending=[False, True], kind="stable"
    ).drop_duplicates(S.BRIEFING_ID)
    chosen = views.representative_briefings(topics, headers, 0, limit=limit)
    assert chosen[S.BRIEFING_ID].tolist() == ranked[S.BRIEFING_ID].head(limit).tolist()


def test_representative_briefings_look_past_a_briefing_holding_the_heaviest_rows():
    # b00's six rows outweigh every other row; it is listed once, then the next heaviest.
    topics = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b00"] * 6 + [f"b{i:02d}" for i in range(1, 15)],
            S.TOPIC_ID: 0,
            S.WEIGHT: [0.9] * 6 + [0.5 - i / 100 for i in range(1, 15)],
        }
    )
    headers = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i:02d}" for i in range(15)],
            S.DATE: pd.Timestamp("2026-03-02"),
            S.TITLE: "t",
            S.SOURCE: "Wire",
        }
    )
    chosen = views.representative_briefings(topics, headers, 0, limit=3)
    assert chosen[S.BRIEFING_ID].tolist() == ["b00", "b01", "b02"]


def test_representative_briefings_come_from_the_date_window(corpus):
    # March keeps b07 (topic 1), b08 (topic 2), b09 (topic 0); topic 1's corpus-wide
    # representatives b01, b02, b04 all fall outside it, b07 is its briefing inside.
    filtered = FilteredCorpus(
        corpus,
        Filters(start=pd.Timestamp("2026-03-01").date(), end=pd.Timestamp("2026-03-31").date()),
    )
    chosen = views.representative_briefings(filtered.topics, filtered.headers, 1)
    assert list(chosen[S.BRIEFING_ID]) == ["b07"]
    # Taken from the corpus' own table at the rows' positions: the same briefings.
    usa = FilteredCorpus(corpus, Filters(countries=("USA",)))
    for selection, topic_id, limit in itertools.product(
        (filtered, usa, FilteredCorpus(corpus, Filters())), (0, 1, 2), (1, 3, 10)
    ):
        at_positions = views.representative_briefings(
            selection.topics, corpus.briefings, topic_id, limit, codes=selection.codes("topics")
        )
        expected = views.representative_briefings(
            selection.topics, selection.headers, topic_id, limit
        )
        pd.testing.assert_frame_equal(at_positions, expected)
    assert len(expected) == 4  # the last: the corpus' four briefings of topic 2, all listed


@pytest.mark.parametrize(
    ("filters", "topic_id", "note"),
    [
        (
            Filters(start=pd.Timestamp("2026-03-01").date(), end=pd.Timestamp("2026-03-10").date()),
            0,
            "None of the 6 briefings of 'trade & tariffs' falls within the current filters "
            "(dates 2026-03-01 to 2026-03-10).",
        ),
        (
            Filters(topics=(1,)),
            2,
            "The Topics filter leaves out 'energy' (4 briefings in the whole corpus).",
        ),
        (
            Filters(countries=("TWN",), search="drills"),
            2,
            "None of the 4 briefings of 'energy' falls within the current filters "
            "(countries TWN; search 'drills').",
        ),
    ],
    ids=["dates", "topic-filter", "country-and-search"],
)
def test_no_representatives_note_names_the_filters(corpus, filters, topic_id, note):
    assert views.no_representatives_note(corpus.topic_summary, topic_id, filters) == note


def test_spike_table_keeps_the_columns_a_half_width_table_reads():
    # The Overview's spike table sits in half the page: the pair's codes repeat its
    # label and the total tension repeats the tension per briefing.
    interactions, briefings = _jump_data()
    spikes = views.spike_alerts(interactions, briefings, "month")
    table = views.spike_table(spikes, {"AAA": "Aland", "BBB": "Bland"})
    assert list(table.columns) == ["pair", S.PERIOD, S.N_INTERACTIONS, S.TENSION_SHARE, S.BASELINE]
    row = table.iloc[0]
    assert row["pair"] == "Aland – Bland"
    assert row[S.N_INTERACTIONS] == 3
    assert row[S.TENSION_SHARE] == pytest.approx(2.7)  # three sentences at -0.9, one briefing
    assert row[S.BASELINE] == pytest.approx(0.15)


def test_chosen_topic_shares_are_shares_of_every_topic_s_briefings(corpus):
    # Under the Topics filter on 'security & defence' (1) the filtered briefings are all
    # of topic 1: 100% by construction. Of all briefings, topic 1 holds Jan 2 of 3
    # (b01, b02), Feb 2 of 4 (b04, b06), Mar 1 of 3 (b07), Apr 2 of 3, May 2 of 4, Jun 1 of 3.
    filtered = FilteredCorpus(corpus, Filters(topics=(1,)))
    shares = views.chosen_topic_shares(filtered, "month")
    chosen = shares[shares[S.TOPIC_ID] == 1]
    assert list(chosen[S.N_BRIEFINGS]) == [2, 2, 1, 2, 2, 1]
    assert list(chosen["share"]) == pytest.approx([2 / 3, 2 / 4, 1 / 3, 2 / 3, 2 / 4, 1 / 3])
    other = shares[shares[S.TOPIC_ID] == -1]
    assert list(other[S.N_BRIEFINGS]) == [1, 2, 2, 1, 2, 2]
    assert set(shares[S.TOPIC_ID]) == {1, -1}
    # The other filters still hold: in March (b07-b09) topic 1 is 1 of 3.
    march = FilteredCorpus(
        corpus,
        Filters(
            topics=(1,),
            start=pd.Timestamp("2026-03-01").date(),
            end=pd.Timestamp("2026-03-31").date(),
        ),
    )
    in_march = views.chosen_topic_shares(march, "month")
    assert list(in_march[in_march[S.TOPIC_ID] == 1]["share"]) == pytest.approx([1 / 3])


@pytest.mark.parametrize(
    ("filters", "labels", "busiest"),
    [
        (
            Filters(),
            [
                "trade & tariffs (6 briefings)",
                "security & defence (10 briefings)",
                "energy (4 briefings)",
            ],
            1,
        ),
        # Germany is named in b05, b08, b15, b18: all four of topic 2.
        (
            Filters(countries=("DEU",)),
            [
                "trade & tariffs (0 briefings)",
                "security & defence (0 briefings)",
                "energy (4 briefings)",
            ],
            2,
        ),
        # 1-10 March keeps b07 alone (topic 1).
        (
            Filters(start=pd.Timestamp("2026-03-01").date(), end=pd.Timestamp("2026-03-10").date()),
            [
                "trade & tariffs (0 briefings)",
                "security & defence (1 briefing)",
                "energy (0 briefings)",
            ],
            1,
        ),
        (Filters(search="no such words anywhere"), None, None),
    ],
    ids=["all", "germany", "ten-days", "nothing"],
)
def test_topic_choices_count_the_selection_and_busiest_topic_leads(
    corpus, filters, labels, busiest
):
    summary = FilteredCorpus(corpus, filters).topic_summary
    names = {0: "trade & tariffs", 1: "security & defence", 2: "energy"}
    if labels is not None:
        assert list(views.topic_choices(summary, names).values()) == labels
    assert views.busiest_topic(summary) == busiest


@pytest.mark.parametrize(
    ("freq", "dates", "expected"),
    [
        # 1 March to 30 April: two months, neither with two earlier months before it.
        ("month", ("2025-03-01", "2025-04-30"), "No spike can show in 2 months"),
        # Three months: the third has two earlier ones.
        ("month", ("2025-03-01", "2025-05-01"), "No pair's tension jumped"),
        # Monday 3 to Sunday 9 March 2025 is one week; to Monday 10 two.
        ("week", ("2025-03-03", "2025-03-09"), "No spike can show in 1 week:"),
        ("week", ("2025-03-03", "2025-03-10"), "No spike can show in 2 weeks:"),
        ("quarter", ("2024-11-15", "2025-05-01"), "No pair's tension jumped"),
        ("month", (None, "2025-03-01"), "No pair's tension jumped"),
    ],
)
def test_no_spikes_note_says_when_the_dates_hold_too_few_periods(
    freq: str, dates: tuple[str | None, str | None], expected: str
) -> None:
    from datetime import date

    start, end = (None if day is None else date.fromisoformat(day) for day in dates)
    assert views.no_spikes_note(freq, (start, end)).startswith(expected)
    assert views.no_spikes_note(freq) == (
        f"No pair's tension jumped above its own recent level in any {freq}."
    )


def test_rising_table_shows_shares_in_percent_and_the_change_in_points() -> None:
    # Taiwan named in 3 of 5 briefings now and 2 of 7 before: 60% from 28.57%, +31.43 points.
    rising = pd.DataFrame(
        {
            "iso3": ["TWN"],
            "country": ["Taiwan"],
            "share": [3 / 5],
            "previous": [2 / 7],
            "change": [3 / 5 - 2 / 7],
        }
    )
    shown = views.rising_table(rising)
    assert shown["share"].tolist() == pytest.approx([60.0])
    assert shown["previous"].tolist() == pytest.approx([28.571428])
    assert shown["change"].tolist() == pytest.approx([31.428571])
    assert rising["change"].tolist() == pytest.approx([0.3142857])  # not changed in place


def test_opening_words_stand_for_a_missing_title():
    briefings = pd.DataFrame(
        {
            S.HAPPENING: ["A fire destroys a home.  More\ntext follows here", "", None, ""],
            S.TEXT: ["ignored", "Floods in the north.", "", ""],
        }
    )
    assert views.opening_words(briefings, limit=20).tolist() == [
        "\u201cA fire destroys a \u2026\u201d",  # cut at a word, whitespace folded
        "\u201cFloods in the north.\u201d",  # no sections: the text
        "",
        "",
    ]


def test_titled_fills_only_missing_titles_from_the_text(corpus):
    briefings = corpus.briefings.copy()
    briefings.loc[1, S.TITLE] = "  "
    untitled = dataclasses.replace(corpus, briefings=briefings)
    rows = briefings.loc[[0, 1, 2], [S.BRIEFING_ID, S.TITLE]].reset_index(drop=True)
    filled = views.titled(untitled, rows, pd.Index(briefings[S.BRIEFING_ID]))
    first_words = views.opening_words(briefings.loc[[1]]).iloc[0]
    assert filled[S.TITLE].tolist() == [
        briefings.loc[0, S.TITLE],
        first_words,
        briefings.loc[2, S.TITLE],
    ]
    assert first_words.startswith("\u201c") and briefings.loc[1, S.HAPPENING][:10] in first_words
    assert rows.loc[1, S.TITLE] == "  "  # the caller's rows are not changed
    # The list on screen shows the opening words; its CSV rows keep the title as it is.
    listing = views.BriefingListing(untitled)
    where = int(np.flatnonzero(listing.order == 1)[0])
    assert listing.rows(listing.order, openings=True)[S.TITLE].iloc[where] == first_words
    assert listing.rows(listing.order)[S.TITLE].iloc[where] == "  "


@pytest.mark.parametrize(
    ("countries", "match", "expected"),
    [
        ((), "any", None),
        (
            ("Japan",),
            "any",
            "Shares are of every briefing the other filters keep, the country filter aside: "
            "Japan's share is the briefings naming it; another country's, the briefings "
            "naming it together with Japan.",
        ),
        (
            ("Japan", "China", "Taiwan"),
            "any",
            "Shares are of every briefing the other filters keep, the country filter aside: "
            "a filtered country's share is the briefings naming it; another country's, the "
            "briefings naming it together with Japan, China or Taiwan.",
        ),
        (
            ("Japan", "China"),
            "all",
            "Shares are of every briefing the other filters keep, the country filter aside: "
            "a filtered country's share is the briefings naming all of them; another "
            "country's, the briefings naming it together with Japan and China.",
        ),
    ],
    ids=["none", "one", "any-of-three", "all-of-two"],
)
def test_rising_note_says_what_the_country_filter_does(countries, match, expected) -> None:
    assert views.rising_note(countries, match) == expected


def test_rising_countries_of_a_country_filter_measure_it_against_all_briefings() -> None:
    # Four briefings in May (b1..b4), two in June (b5, b6). Japan is named in b1 and b5
    # (with China); the selection "names Japan" is b1 and b5. Against the selection Japan
    # holds 100% in both months and does not rise; against every briefing it goes from
    # 1/4 to 1/2 (+0.25), and China, named with Japan, from 0 to 1/2.
    dates = pd.to_datetime(
        ["2024-05-02", "2024-05-09", "2024-05-16", "2024-05-23", "2024-06-03", "2024-06-10"],
        utc=True,
    )
    briefings = pd.DataFrame({S.BRIEFING_ID: [f"b{i}" for i in range(1, 7)], S.DATE: dates})
    rows = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b5", "b5"],
            S.ISO3: ["JPN", "JPN", "CHN"],
            S.COUNTRY: ["Japan", "Japan", "China"],
            S.DATE: dates[[0, 4, 4]],
        }
    )
    selected = briefings[briefings[S.BRIEFING_ID].isin(["b1", "b5"])]
    assert views.rising_countries(rows, selected, "month")[S.ISO3].tolist() == ["CHN"]
    rising = views.rising_countries(rows, briefings, "month")
    assert rising[S.ISO3].tolist() == ["CHN", "JPN"]
    assert rising["change"].tolist() == pytest.approx([0.5, 0.25])


def test_rising_countries_need_briefings_in_the_period_before() -> None:
    # Two briefings in March 2024, none in April, one in May naming Japan: against April's
    # nothing Japan "rose" from 0% to 100%. April's share is unknown, not 0%, so nothing
    # rose, and the note says why the table is empty.
    dates = pd.to_datetime(["2024-03-04", "2024-03-11", "2024-05-06"], utc=True)
    briefings = pd.DataFrame({S.BRIEFING_ID: ["b1", "b2", "b3"], S.DATE: dates})
    rows = pd.DataFrame(
        {S.BRIEFING_ID: ["b3"], S.ISO3: ["JPN"], S.COUNTRY: ["Japan"], S.DATE: dates[[2]]}
    )
    assert views.rising_countries(rows, briefings, "month").empty
    assert views.no_rise_note("month", briefings) == (
        "Nothing to compare the latest month (May 2024) with: the month before it, "
        "Apr 2024, has no briefings."
    )
    # With a briefing in April the comparison is made: Japan from 0 of 1 to 1 of 1.
    april = pd.DataFrame({S.BRIEFING_ID: ["b4"], S.DATE: pd.to_datetime(["2024-04-08"], utc=True)})
    with_april = pd.concat([briefings, april], ignore_index=True)
    assert views.rising_countries(rows, with_april, "month")["change"].tolist() == [1.0]
    assert views.no_rise_note("month", with_april) == views.no_rise_note("month")


def test_reader_heading_is_the_title_else_the_opening_words(corpus):
    one = dataclasses.replace(corpus, briefings=corpus.briefings.iloc[[0]])
    title = corpus.briefings[S.TITLE].iloc[0]
    assert views.reader_heading(one, {S.TITLE: title}) == title
    assert views.reader_heading(one, {S.TITLE: " "}) == views.opening_words(one.briefings).iloc[0]
    empty = one.briefings.assign(**{S.TEXT: "", **dict.fromkeys(S.SECTIONS, "")})
    assert views.reader_heading(dataclasses.replace(one, briefings=empty), {}) == "(untitled)"
