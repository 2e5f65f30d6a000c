"""Tests for analytics.ui.cache keys: derived from the function and its arguments, never typed."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from ui_data import build_artefacts

from analytics import schema as S
from analytics import views
from analytics.errors import InputError
from analytics.ui import cache
from analytics.ui.state import View
from analytics.views import FilteredCorpus, Filters

CALLS: list[tuple[str, int]] = []


def counted_rows(table: pd.DataFrame, limit: int = 3) -> int:
    """A view that records each time it really runs."""
    CALLS.append(("counted_rows", limit))
    return min(len(table), limit)


@pytest.fixture(scope="module")
def corpus():
    return build_artefacts()


def make_view(corpus, filters: Filters | None = None) -> View:
    filters = filters or Filters()
    extras = cache._extras(corpus)
    return View(
        corpus=corpus,
        filtered=FilteredCorpus(corpus, filters, extras.index),
        filters=filters,
        options=extras.options,
        names=extras.names,
        listing=extras.listing,
        whole=extras.whole,
    )


def test_call_key_binds_arguments_to_their_parameters(corpus):
    view = make_view(corpus)
    countries = view.filtered.countries
    by_name = cache.call_key(view, views.comention_edges, countries, limit=200)
    by_position = cache.call_key(view, views.comention_edges, countries, 200)
    assert by_name == by_position
    assert by_name.function == "analytics.views.countries.comention_edges"
    assert dict(by_name.arguments) == {"countries": "table:countries", "limit": 200, "codes": None}
    # Defaults are part of the key: leaving limit out is the same call as limit=40.
    assert cache.call_key(view, views.comention_edges, countries) == cache.call_key(
        view, views.comention_edges, countries, limit=40
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"limit": 200}, {"limit": 100}),
        ({"freq": "month"}, {"freq": "week"}),
    ],
    ids=["limit", "period"],
)
def test_different_argument_values_get_different_keys(corpus, first, second):
    view = make_view(corpus)
    topics = view.filtered.topics
    function = views.comention_edges if "limit" in first else views.topic_shares
    table = view.filtered.countries if "limit" in first else topics
    assert cache.call_key(view, function, table, **first) != cache.call_key(
        view, function, table, **second
    )


def test_tables_and_codes_are_named_by_what_they_are_in_the_view(corpus):
    view = make_view(corpus)
    filtered = view.filtered
    key = cache.call_key(
        view,
        views.topic_country_matrix,
        filtered.topics,
        filtered.countries,
        topic_codes=filtered.codes("topics"),
        country_codes=filtered.codes("countries"),
    )
    named = dict(key.arguments)
    assert named["topics"] == "table:topics" and named["countries"] == "table:countries"
    assert named["topic_codes"] == "table:codes:topics"
    assert named["country_codes"] == "table:codes:countries"
    # The same function on other tables is another entry.
    swapped = cache.call_key(view, views.country_totals, filtered.countries)
    assert swapped != cache.call_key(view, views.country_totals, filtered.mentions)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda view: (lambda table: len(table), view.filtered.countries), "module-level function"),
        (
            lambda view: (views.country_totals, view.filtered.countries.head(3)),
            "tables must be the view's own.*got another DataFrame for 'countries'",
        ),
        (
            lambda view: (views.leading_codes, view.filtered.countries, set()),
            "hashable values; got set for 'limit'",
        ),
    ],
    ids=["lambda", "foreign-table", "unhashable"],
)
def test_call_key_refuses_what_cannot_key_a_call(corpus, call, match):
    view = make_view(corpus)
    function, *arguments = call(view)
    with pytest.raises(InputError, match=match):
        cache.call_key(view, function, *arguments)


def test_unfiltered_keeps_one_entry_per_call_and_recomputes_when_filtered(corpus):
    cache._unfiltered_result.clear()
    CALLS.clear()
    view = make_view(corpus)
    table = view.filtered.countries
    assert cache.unfiltered(view, counted_rows, table, limit=2) == 2
    assert cache.unfiltered(view, counted_rows, table, 2) == 2  # same call, same entry
    assert cache.unfiltered(view, counted_rows, table, limit=5) == 5  # another value
    assert CALLS == [("counted_rows", 2), ("counted_rows", 5)]
    filtered = make_view(corpus, Filters(countries=("USA",)))
    cache.unfiltered(filtered, counted_rows, filtered.filtered.countries, limit=2)
    cache.unfiltered(filtered, counted_rows, filtered.filtered.countries, limit=2)
    assert CALLS[2:] == [("counted_rows", 2), ("counted_rows", 2)]


def test_unfiltered_reads_a_stored_rollup_instead_of_computing(corpus):
    cache._unfiltered_result.clear()
    stored = pd.DataFrame({"period": [pd.Timestamp("2024-01-01")], "n_briefings": [99]})
    with_rollups = dataclasses.replace(corpus, rollups={"volume": {"month": stored}})
    view = make_view(with_rollups)
    assert cache.unfiltered(view, views.briefing_volume, view.filtered.headers, "month") is stored
    # A period kind the rollups lack, or any filter, is computed from the tables.
    weekly = cache.unfiltered(view, views.briefing_volume, view.filtered.headers, "week")
    assert weekly[S.N_BRIEFINGS].sum() == len(corpus.briefings)
    filtered = make_view(with_rollups, Filters(countries=("USA",)))
    counted = cache.unfiltered(filtered, views.briefing_volume, filtered.filtered.headers, "month")
    assert counted is not stored
    assert counted[S.N_BRIEFINGS].sum() == len(filtered.filtered.headers)


def test_reader_rows_are_the_selected_briefings_rows_kept_for_later_runs(corpus):
    view = make_view(corpus, Filters(section="happening"))
    rows = cache.reader_rows(view, "b03")
    expected = view.filtered.only_briefing("b03")
    for name in ("briefings", "mentions", "interactions"):
        pd.testing.assert_frame_equal(getattr(rows, name), getattr(expected, name))
    # Another run with other filters around the same briefing (b03 names both) and the
    # same section: the kept rows, not read again.
    again = make_view(corpus, Filters(section="happening", countries=("USA", "CHN")))
    assert again.filtered.keep[3]
    assert cache.reader_rows(again, "b03") is rows
    # A briefing the filters drop has no rows to read.
    dropped = make_view(corpus, Filters(search="zz-never-written"))
    assert cache.reader_rows(dropped, "b03").briefings.empty


def test_each_run_ends_handing_the_freed_c_heap_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # A million-briefing store's dashboard held 300-400 MB of freed heap pages after its
    # pages had run; the end of every run collects and trims them
    # (``parallel.release_freed_memory``, tested on its own in test_parallel.py).
    calls: list[str] = []
    monkeypatch.setattr(cache, "collect_and_trim", lambda: calls.append("trimmed"))
    cache.release_freed_memory()
    assert calls == ["trimmed"]


def test_share_heaps_limits_the_c_heaps_to_two_once(monkeypatch):
    asked: list[int] = []
    monkeypatch.setattr(cache, "limit_heap_arenas", lambda count: asked.append(count) or True)
    cache.share_heaps.cache_clear()
    try:
        assert cache.share_heaps() is True
        assert cache.share_heaps() is True
        assert asked == [2]
    finally:
        cache.share_heaps.cache_clear()


def test_the_watchlist_outlook_is_kept_only_for_every_followed_event(corpus, monkeypatch):
    # The unfiltered outlook is worked out once per corpus and horizon; a selection's
    # events (a country chosen) on every call.
    cache._whole_outlook.clear()
    runs: list[int] = []

    def counted(events, *args):
        runs.append(len(events))
        return views.outlook(events, *args)

    monkeypatch.setattr(cache, "outlook", counted)
    view = make_view(corpus)
    followed = cache.watchlist_followed(corpus)
    assert len(followed) > 2
    as_of = views.latest_day(corpus.briefings)
    events = views.selected_events(followed, view.filtered.headers)
    assert events is followed
    first = cache.watchlist_outlook(view, events, as_of, "all upcoming", 50)
    again = cache.watchlist_outlook(view, events, as_of, "all upcoming", 50)
    assert again is first and runs == [len(followed)]
    cache.watchlist_outlook(view, events, as_of, "this week", 50)
    assert runs == [len(followed)] * 2
    chosen = views.selected_events(followed, view.filtered.headers, ("USA",))
    assert 0 < len(chosen) < len(followed)
    for _ in range(2):
        result = cache.watchlist_outlook(view, chosen, as_of, "all upcoming", 50)
    assert runs == [len(followed)] * 2 + [len(chosen)] * 2
    expected = views.outlook(chosen, as_of, "all upcoming", view.names, 50)
    pd.testing.assert_frame_equal(result.upcoming, expected.upcoming)
