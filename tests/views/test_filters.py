"""Tests for analytics.views.filters on the hand-built corpus (ids b00..b19, one every 9 days).

Plan of briefing i (i % 10): 0 USA-JPN trade, 1 CHN-TWN security, 2 RUS-UKR security,
3 USA-CHN trade, 4 JPN-KOR security, 5 DEU-RUS energy, 6 USA-KOR security,
7 CHN-JPN security, 8 UKR-DEU energy, 9 USA-CHN trade. Sources alternate by plan.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from ui_data import build_artefacts

from analytics import schema as S
from analytics import views
from analytics.artefacts import LazyLookups
from analytics.errors import InputError
from analytics.views.filtered import FilteredCorpus, apply_filters, cut_rows, take_rows
from analytics.views.filters import (
    SEARCHES_KEPT,
    CorpusIndex,
    FilterOptions,
    Filters,
    carry_selection,
    filter_options,
    follow_dates,
    index_corpus,
    split_known,
)


@pytest.fixture(scope="module")
def corpus():
    return build_artefacts()


def ids(*numbers: int) -> list[str]:
    return [f"b{n:02d}" for n in numbers]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ids(*range(20))),
        (Filters(countries=("USA",)), ids(0, 3, 6, 9, 10, 13, 16, 19)),
        (Filters(countries=("USA", "CHN"), country_match="all"), ids(3, 9, 13, 19)),
        (Filters(countries=("TWN", "KOR")), ids(1, 4, 6, 11, 14, 16)),
        (Filters(countries=("TWN", "KOR"), country_match="all"), []),
        (Filters(start=date(2026, 2, 1), end=date(2026, 2, 28)), ids(3, 4, 5, 6)),
        (Filters(start=date(2026, 2, 1), end=date(2026, 2, 28), sources=("Wire",)), ids(3, 5)),
        (Filters(end=date(2026, 1, 14)), ids(0, 1)),
        (Filters(start=date(2026, 6, 25)), ids(19)),
        (Filters(topics=(2,)), ids(5, 8, 15, 18)),
        (Filters(topics=(0,), countries=("JPN",)), ids(0, 10)),
        (Filters(search="sanctions"), ids(9, 19)),
        (Filters(search="SANCTIONS   china"), ids(9, 19)),
        (Filters(search="sanctions japan"), []),
        (Filters(search="<script>"), ids(7)),
    ],
    ids=[
        "default-keeps-all",
        "one-country",
        "all-of-two-countries",
        "any-of-two-countries",
        "all-of-two-never-together",
        "date-range-inclusive",
        "dates-and-source",
        "end-only",
        "start-only",
        "topic",
        "topic-and-country",
        "search-word",
        "search-words-any-case",
        "search-words-must-all-match",
        "search-is-literal-not-regex",
    ],
)
def test_filters_keep_the_expected_briefings(corpus, filters, expected):
    assert list(FilteredCorpus(corpus, filters).briefings[S.BRIEFING_ID]) == expected


def test_the_index_finds_a_briefing_by_its_id(corpus):
    index = views.index_corpus(corpus)
    ids = corpus.briefings[S.BRIEFING_ID].tolist()
    assert [index.position_of(i) for i in (ids[3], ids[0], ids[-1])] == [3, 0, len(ids) - 1]
    assert index.position_of("no-such-briefing") == -1


def test_apply_filters_restricts_every_table_by_id(corpus):
    view = apply_filters(corpus, Filters(countries=("USA", "CHN"), country_match="all"))
    expected = set(ids(3, 9, 13, 19))
    for name in ("briefings", "mentions", "countries", "topics", "interactions"):
        assert set(getattr(view, name)[S.BRIEFING_ID]) == expected, name
    assert view.fingerprint == corpus.fingerprint
    assert view.report.equals(corpus.report)


def test_a_row_of_an_unknown_briefing_is_never_selected(corpus):
    # A mention whose briefing id is in no briefing (position -1) is dropped by any
    # selection, whichever briefing the first position belongs to.
    stray = corpus.mentions.iloc[:1].assign(**{S.BRIEFING_ID: "no-such-briefing"})
    mentions = pd.concat([stray, corpus.mentions], ignore_index=True)
    odd = dataclasses.replace(corpus, mentions=mentions)
    # The last: dates spanning the corpus keep every briefing, and still not the stray row.
    spanning = Filters(start=date(2000, 1, 1), end=date(2100, 1, 1))
    for filters in (Filters(countries=("USA",)), Filters(end=date(2026, 1, 14)), spanning):
        selection = FilteredCorpus(odd, filters)
        kept = selection.mentions
        assert "no-such-briefing" not in set(kept[S.BRIEFING_ID])
        expected = FilteredCorpus(corpus, filters).mentions
        assert kept[S.BRIEFING_ID].tolist() == expected[S.BRIEFING_ID].tolist()
        assert len(selection.codes("mentions").briefing) == len(kept)
        assert (selection.codes("mentions").briefing >= 0).all()


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(countries=("KOR",)), Filters(end=date(2026, 1, 14), section=S.NEXT)],
)
def test_dates_are_the_selected_briefings_dates_alone(corpus, filters):
    selection = FilteredCorpus(corpus, filters)
    dates = selection.dates
    assert list(dates.columns) == [S.DATE]
    assert selection.name_of(dates) == "dates"
    fresh = FilteredCorpus(corpus, filters)
    pd.testing.assert_frame_equal(dates, fresh.headers[[S.DATE]])
    assert fresh.dates[S.DATE].tolist() == dates[S.DATE].tolist()  # cut from the headers


def test_dates_spanning_the_corpus_hand_out_its_own_tables_and_codes(corpus):
    # Nothing to cut or copy: every row of every table is kept.
    index = index_corpus(corpus)
    selection = FilteredCorpus(corpus, Filters(start=date(2000, 1, 1)), index)
    assert selection.everything and not selection.untouched
    for name in ("mentions", "countries", "topics", "interactions"):
        assert getattr(selection, name) is getattr(corpus, name), name
        assert selection.codes(name).briefing is index.positions[name], name
    narrower = FilteredCorpus(corpus, Filters(start=date(2026, 1, 14)), index)
    assert len(narrower.countries) < len(corpus.countries)
    assert narrower.codes("countries").briefing is not index.positions["countries"]


def test_apply_filters_without_selection_returns_the_corpus(corpus):
    assert apply_filters(corpus, Filters(period="week")) is corpus


def test_apply_filters_reuses_a_prepared_index(corpus):
    index = index_corpus(corpus)
    chosen = Filters(countries=("KOR",), section=S.HAPPENING, search="alliance")
    with_index = apply_filters(corpus, chosen, index)
    without = apply_filters(corpus, chosen)
    assert list(with_index.briefings[S.BRIEFING_ID]) == ids(6, 16)
    for name in ("briefings", "mentions", "countries", "topics", "interactions"):
        pd.testing.assert_frame_equal(getattr(with_index, name), getattr(without, name))


def test_apply_filters_recounts_topic_sizes(corpus):
    view = apply_filters(corpus, Filters(countries=("USA",)))
    sizes = dict(
        zip(view.topic_summary[S.TOPIC_ID], view.topic_summary[S.N_BRIEFINGS], strict=True)
    )
    assert sizes == {0: 6, 1: 2, 2: 0}


def test_apply_filters_section_restricts_mentions_interactions_and_countries(corpus):
    view = apply_filters(corpus, Filters(section=S.IMPORTANCE))
    assert set(view.mentions[S.SECTION]) == {S.IMPORTANCE}
    assert view.interactions.empty  # interactions are only in "happening" and "next"
    first = view.countries[view.countries[S.BRIEFING_ID] == "b00"]
    assert list(first[S.ISO3]) == ["USA"]  # "Markets in United States watched closely."
    assert "b07" not in set(view.countries[S.BRIEFING_ID])  # its importance names no country
    assert len(view.briefings) == 20


def test_apply_filters_section_next_keeps_forward_looking(corpus):
    view = apply_filters(corpus, Filters(section=S.NEXT))
    assert len(view.interactions) == 20
    assert view.interactions[S.FORWARD_LOOKING].all()


def test_apply_filters_does_not_mutate_input(corpus):
    before = {f.name: getattr(corpus, f.name) for f in dataclasses.fields(corpus)}
    copies = {k: v.copy() for k, v in before.items() if isinstance(v, pd.DataFrame)}
    apply_filters(corpus, Filters(countries=("JPN",), section=S.NEXT, search="japan"))
    for name, frame in copies.items():
        pd.testing.assert_frame_equal(getattr(corpus, name), frame)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country_match": "most"}, r"country_match must be one of any, all; got 'most'"),
        ({"period": "year"}, r"period must be one of week, month, quarter; got 'year'"),
        ({"section": "summary"}, r"section must be one of .*; got 'summary'"),
        (
            {"start": date(2026, 3, 1), "end": date(2026, 2, 1)},
            r"start must not be after end; got start=",
        ),
    ],
    ids=["match", "period", "section", "reversed-dates"],
)
def test_filters_rejects_bad_values(kwargs, message):
    with pytest.raises(InputError, match=message):
        Filters(**kwargs)


def test_filters_describe_lists_only_changed_settings():
    described = Filters(countries=("USA", "JPN"), period="week").describe()
    assert described == {"countries": "USA, JPN", "period": "week"}
    assert Filters().describe() == {}


def test_filter_options_lists_corpus_choices(corpus):
    options = filter_options(corpus)
    assert options.first_day == date(2026, 1, 5)
    assert options.last_day == date(2026, 6, 25)
    assert options.sources == ("Atlas Daily", "Wire")
    assert list(options.countries) == ["CHN", "USA", "JPN", "DEU", "RUS", "KOR", "UKR", "TWN"]
    assert options.topics == {0: "trade & tariffs", 1: "security & defence", 2: "energy"}
    assert options.sections == (S.HAPPENING, S.IMPORTANCE, S.NEXT)


@pytest.mark.parametrize(
    ("values", "known", "expected"),
    [
        (["USA", "XXX", "JPN"], ["JPN", "USA"], (["USA", "JPN"], ["XXX"])),
        ([], ["JPN"], ([], [])),
        (["a"], [], ([], ["a"])),
    ],
    ids=["mixed", "empty", "nothing-known"],
)
def test_split_known_separates_unknown(values, known, expected):
    assert split_known(values, known) == expected


@pytest.mark.parametrize(
    "chosen",
    [
        Filters(countries=("USA",)),
        Filters(countries=("USA", "CHN"), country_match="all", section=S.NEXT),
        Filters(topics=(1,), search="japan"),
        Filters(section=S.IMPORTANCE),
    ],
    ids=["country", "all-countries-and-section", "topic-and-search", "section"],
)
def test_filtered_corpus_tables_match_apply_filters(corpus, chosen):
    lazy = FilteredCorpus(corpus, chosen)
    eager = apply_filters(corpus, chosen)
    for name in ("briefings", "mentions", "countries", "topics", "topic_summary", "interactions"):
        pd.testing.assert_frame_equal(getattr(lazy, name), getattr(eager, name), obj=name)
    assert list(lazy.headers.columns) == [S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE]
    assert list(lazy.headers[S.BRIEFING_ID]) == list(eager.briefings[S.BRIEFING_ID])


def test_filtered_corpus_codes_point_at_the_rows(corpus):
    lazy = FilteredCorpus(corpus, Filters(countries=("KOR",)))
    codes = lazy.codes("countries")
    ids = corpus.briefings[S.BRIEFING_ID].to_numpy()[codes.briefing]
    assert list(ids) == list(lazy.countries[S.BRIEFING_ID])
    assert list(codes.iso3s[codes.country]) == list(lazy.countries[S.ISO3])
    pairs = lazy.codes("interactions")
    assert list(pairs.iso3s[pairs.country]) == list(lazy.interactions[S.COUNTRY_A])
    assert list(pairs.iso3s[pairs.partner]) == list(lazy.interactions[S.COUNTRY_B])


@pytest.mark.parametrize(
    ("chosen", "everything", "untouched"),
    [
        (Filters(), True, True),
        (Filters(start=date(2026, 1, 5), end=date(2026, 6, 25)), True, False),
        (Filters(start=date(2026, 1, 6)), False, False),
        (Filters(section=S.NEXT), False, False),
    ],
    ids=["no-filter", "dates-span-the-corpus", "first-day-left-out", "section"],
)
def test_filtered_corpus_knows_when_it_keeps_everything(corpus, chosen, everything, untouched):
    lazy = FilteredCorpus(corpus, chosen)
    assert (lazy.everything, lazy.untouched) == (everything, untouched)


def test_filtered_corpus_only_briefing_keeps_the_section(corpus):
    one = FilteredCorpus(corpus, Filters(section=S.HAPPENING)).only_briefing("b03")
    assert list(one.briefings[S.BRIEFING_ID]) == ["b03"]
    assert set(one.mentions[S.BRIEFING_ID]) == {"b03"}
    assert set(one.mentions[S.SECTION]) == {S.HAPPENING}
    assert set(one.interactions[S.SECTION]) == {S.HAPPENING}
    outside = FilteredCorpus(corpus, Filters(countries=("RUS",))).only_briefing("b03")
    assert outside.briefings.empty and outside.mentions.empty


def test_filtered_corpus_never_builds_the_search_text_without_search(corpus):
    index = index_corpus(corpus)
    FilteredCorpus(corpus, Filters(countries=("USA",)), index).briefings  # noqa: B018
    assert "haystack" not in index.__dict__
    FilteredCorpus(corpus, Filters(search="tariffs"), index).briefings  # noqa: B018
    assert "haystack" in index.__dict__


def test_lazy_lookups_build_each_array_once_on_first_use():
    calls: list[str] = []

    def build() -> np.ndarray:
        calls.append("a")
        return np.arange(3)

    lookups = LazyLookups({"a": build})
    assert "a" in lookups and "b" not in lookups and not calls
    assert lookups["a"].tolist() == [0, 1, 2]
    assert lookups.get("a") is lookups["a"]
    assert calls == ["a"]
    assert (list(lookups), len(lookups)) == (["a"], 1)
    with pytest.raises(KeyError, match="b"):
        lookups["b"]


NEW_CORPUS = FilterOptions(
    first_day=date(2025, 6, 1),
    last_day=date(2026, 9, 9),
    countries={"JPN": "Japan", "KOR": "South Korea"},
    topics={0: "ports", 1: "trade"},
    sources=("Wire",),
    sections=(S.HAPPENING,),
)


@pytest.mark.parametrize(
    ("chosen", "countries", "sources", "section", "dropped"),
    [
        ({}, (), (), None, ()),
        ({"countries": ["KOR", "TWN", "JPN"]}, ("KOR", "JPN"), (), None, ("countries 'TWN'",)),
        (
            {"topics": [0, 3], "sources": ["Atlas Daily", "Wire"]},
            (),
            ("Wire",),
            None,
            ("topics (2 chosen; each corpus has its own)", "sources 'Atlas Daily'"),
        ),
        ({"section": S.HAPPENING}, (), (), S.HAPPENING, ()),
        ({"section": S.NEXT}, (), (), None, (f"section {S.NEXT!r}",)),
    ],
    ids=["nothing-chosen", "unknown-country", "topics-and-source", "section-kept", "section-lost"],
)
def test_carry_selection_keeps_what_the_new_corpus_has(
    chosen, countries, sources, section, dropped
):
    carried = carry_selection(NEW_CORPUS, **chosen)
    assert carried.countries == countries
    assert carried.sources == sources
    assert carried.section == section
    assert carried.dropped == dropped


# The store before an update held 2025-01-06 .. 2025-02-17; added briefings moved its
# range to 2025-01-01 .. 2025-03-03 (NEW_CORPUS's other options do not matter here).
UPDATED = dataclasses.replace(NEW_CORPUS, first_day=date(2025, 1, 1), last_day=date(2025, 3, 3))
BEFORE = (date(2025, 1, 6), date(2025, 2, 17))


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ((date(2025, 1, 6), date(2025, 2, 17)), (date(2025, 1, 1), date(2025, 3, 3))),
        ((date(2025, 1, 20), date(2025, 2, 17)), (date(2025, 1, 20), date(2025, 3, 3))),
        ((date(2025, 1, 6), date(2025, 2, 3)), (date(2025, 1, 1), date(2025, 2, 3))),
        ((date(2025, 1, 20), date(2025, 2, 3)), (date(2025, 1, 20), date(2025, 2, 3))),
        ((date(2025, 2, 3),), (date(2025, 2, 3), date(2025, 2, 3))),
        (None, (date(2025, 1, 1), date(2025, 3, 3))),
    ],
    ids=["whole-range-follows", "end-follows", "start-follows", "inner-kept", "one-day", "none"],
)
def test_follow_dates_moves_only_the_ends_that_reached_the_old_range(selected, expected):
    assert follow_dates(selected, BEFORE, UPDATED) == expected


def test_follow_dates_keeps_days_inside_a_shrunken_range():
    shrunk = dataclasses.replace(NEW_CORPUS, first_day=date(2025, 2, 1), last_day=date(2025, 2, 10))
    assert follow_dates((date(2025, 1, 20), date(2025, 2, 5)), BEFORE, shrunk) == (
        date(2025, 2, 1),
        date(2025, 2, 5),
    )
    undated = dataclasses.replace(NEW_CORPUS, first_day=None, last_day=None)
    assert follow_dates((date(2025, 1, 20), date(2025, 2, 5)), BEFORE, undated) is None


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(
            {
                "id": pd.array(["a", "b", None, "d"], dtype="str"),
                "day": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"], utc=True),
                "n": [1, 2, 3, 4],
                "x": [0.5, np.nan, 1.5, 2.5],
                "ok": [True, False, True, False],
                "row": pd.array([1, None, 3, 4], dtype="Int64"),
            }
        ),
        pd.DataFrame(
            {
                # Arrow columns of several chunks (as tables mapped from a store's files).
                "id": pd.Series(
                    pa.chunked_array([["a", "b"], [None, "d"]]), dtype=pd.StringDtype("pyarrow")
                ),
                "cues": pd.Series(
                    pa.chunked_array([[["a"], []], [["b", "c"], None]]),
                    dtype=pd.ArrowDtype(pa.list_(pa.string())),
                ),
                "t": pd.Series([1, None, 3, 4], dtype=pd.ArrowDtype(pa.timestamp("s"))),
                "day": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"]),
                "ok": pd.array([True, None, False, True], dtype="boolean"),
                "f": pd.array([0.5, None, 1.5, 2.5], dtype="Float64"),
                "code": np.array([7, 8, 9, 10], dtype=np.int32),
            }
        ),
        pd.DataFrame({"cues": [["a"], [], ["b", "c"], None], "n": [1, 2, 3, 4]}),
        pd.DataFrame(index=pd.RangeIndex(4)),
    ],
    ids=["arrow-round-trip", "chunked-and-arrow-dtypes", "python-objects", "no-columns"],
)
def test_cut_rows_keeps_what_a_boolean_mask_keeps(frame: pd.DataFrame) -> None:
    rows = np.array([True, False, True, True])
    cut = cut_rows(frame, rows)
    pd.testing.assert_frame_equal(cut, frame[rows].reset_index(drop=True))
    assert len(cut_rows(frame, np.zeros(4, dtype=bool))) == 0
    pd.testing.assert_frame_equal(cut_rows(frame, np.ones(4, dtype=bool)), frame)


def test_take_rows_takes_what_iloc_takes() -> None:
    frame = pd.DataFrame(
        {
            "id": pd.array(["a", "b", None, "d"], dtype="str"),
            "n": [1, 2, 3, 4],
            "day": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"]),
        }
    )
    positions = np.array([3, 0, 2])
    pd.testing.assert_frame_equal(
        take_rows(frame, positions), frame.iloc[positions].reset_index(drop=True)
    )
    objects = pd.DataFrame({"cues": [["a"], [], ["b"]]})
    pd.testing.assert_frame_equal(
        take_rows(objects, np.array([2, 0])), objects.iloc[[2, 0]].reset_index(drop=True)
    )


def test_take_table_rows_takes_across_chunks_in_the_order_asked() -> None:
    import pyarrow as pa

    from analytics.views.filtered import take_table_rows

    # Rows 0-9, 10-19 and 20-29 in three chunks, as a table mapped from a kept file comes;
    # a few rows are taken a chunk at a time, many after joining the chunks: the same rows.
    table = pa.Table.from_batches(
        [
            pa.record_batch({"n": list(range(k, k + 10)), "s": [f"s{i}" for i in range(k, k + 10)]})
            for k in (0, 10, 20)
        ]
    )
    for positions in ([25, 0, 13, 13, 1], list(range(29, -1, -1))):
        taken = take_table_rows(table, np.array(positions))
        assert taken.column("n").to_pylist() == positions
        assert taken.column("s").to_pylist() == [f"s{i}" for i in positions]
    assert take_table_rows(table, np.array([], dtype=np.int64)).num_rows == 0
    with pytest.raises(IndexError, match="row positions must be from 0 to 29; got 30"):
        take_table_rows(table, np.array([1, 30]))
    with pytest.raises(IndexError, match="row positions must be from 0 to 29; got -1"):
        take_table_rows(table, np.array([-1, 2]))


def test_search_masks_are_kept_by_their_words_read_only_and_the_oldest_let_go(corpus, monkeypatch):
    index = index_corpus(corpus)
    scanned: list[list[str]] = []
    scan = CorpusIndex.scan
    monkeypatch.setattr(
        CorpusIndex, "scan", lambda self, words: scanned.append(list(words)) or scan(self, words)
    )
    first = index.search_mask("Tariffs  china")
    # b03 and b13 hold both words (b01, b07, b09, ... only 'china').
    assert list(corpus.briefings[S.BRIEFING_ID][first]) == ["b03", "b13"]
    # The same words in another order and case: the kept mask, no second scan.
    assert index.search_mask("CHINA tariffs") is first
    assert scanned == [["china", "tariffs"]]
    with pytest.raises(ValueError, match="read-only"):
        first[0] = True
    # Once SEARCHES_KEPT other searches have run, it is let go and worked out again.
    for number in range(SEARCHES_KEPT):
        index.search_mask(f"word{number}")
    again = index.search_mask("tariffs china")
    assert scanned[-1] == ["china", "tariffs"] and len(scanned) == SEARCHES_KEPT + 2
    assert again.tolist() == first.tolist()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ["1987-08-01", "1987-10-31"],
            ((date(1987, 8, 1), date(1987, 10, 20)), (("1987-10-31", date(1987, 10, 20)),)),
        ),
        (
            ["1987-01-01", "1987-03-31"],
            ((date(1987, 2, 26), date(1987, 3, 31)), (("1987-01-01", date(1987, 2, 26)),)),
        ),
        (
            ["1987-12-31", "1986-01-01"],  # either order, both ends outside
            (
                (date(1987, 2, 26), date(1987, 10, 20)),
                (("1986-01-01", date(1987, 2, 26)), ("1987-12-31", date(1987, 10, 20))),
            ),
        ),
        (["1987-03-01", "1987-04-30"], None),  # inside: nothing to fit
        (["1986-01-01", "1986-12-31"], None),  # misses the corpus: ignored, not fitted
        (["1988-01-01", "1988-02-01"], None),
        (["1987-13-01", "1987-10-31"], None),  # not a date
        (["1987-10-31"], None),  # one value
    ],
    ids=["end-after", "start-before", "both-outside", "inside", "before", "after", "bad", "one"],
)
def test_fit_link_dates_moves_a_day_outside_the_corpus_to_its_edge(values, expected):
    fitted = views.fit_link_dates(values, date(1987, 2, 26), date(1987, 10, 20))
    assert (None if fitted is None else (fitted.days, fitted.moved)) == expected
