"""Rows selected by DuckDB over the store's Parquet files are exactly the rows the in-memory
selection keeps: same tables, row order and dtypes, for many filter combinations."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from legacy_stores import write_legacy_store
from sample_selections import filter_choices, store_in_two_ingests

from analytics import schema as S
from analytics import views
from analytics.errors import InputError, StoreError
from analytics.pipeline import Store, open_store
from analytics.views import (
    FilteredCorpus,
    Filters,
    StoreRows,
    TableFiles,
    index_corpus,
)

TABLES = (
    "briefings",
    "headers",
    "mentions",
    "countries",
    "recent_countries",
    "attention_dates",
    "topics",
    "interactions",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Store:
    """The sample corpus stored in two ingests, so every table was appended to once."""
    return store_in_two_ingests(tmp_path_factory.mktemp("store-rows"), project_root)


@pytest.fixture(scope="module")
def selections(store: Store) -> tuple:
    artefacts = store.artefacts()
    return artefacts, index_corpus(artefacts), StoreRows(store)


def assert_same_selection(selections: tuple, filters: Filters) -> FilteredCorpus:
    artefacts, index, store_rows = selections
    in_memory = FilteredCorpus(artefacts, filters, index)
    in_sql = FilteredCorpus(artefacts, filters, index, store_rows)
    np.testing.assert_array_equal(in_sql.keep, in_memory.keep)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(in_sql, name), getattr(in_memory, name))
    pd.testing.assert_frame_equal(in_sql.topic_summary, in_memory.topic_summary)
    for name in ("countries", "topics", "interactions"):
        np.testing.assert_array_equal(in_sql.codes(name).briefing, in_memory.codes(name).briefing)
    return in_memory


def test_the_store_was_appended_to_and_is_dated(store: Store) -> None:
    assert store.table_rows("briefings") == 160
    assert store.artefacts().briefings[S.DATE].notna().all()
    assert len(store.table_files("briefings")) > len(
        {p.parent for p in store.table_files("briefings")}
    )


DAYS = [
    None,
    date(2022, 1, 1),
    date(2023, 6, 30),
    date(2024, 1, 1),
    date(2024, 7, 15),
    date(2026, 1, 1),
]
WORDS = ["", "china", "TRADE talks", "zz-never-written", "a"]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_both_selections_give_the_same_tables(selections: tuple, data: st.DataObject) -> None:
    assert_same_selection(selections, data.draw(filter_choices(selections[0], DAYS, WORDS)))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), period=st.sampled_from(["week", "month", "quarter"]))
def test_rising_countries_read_from_the_recent_rows_only_are_the_same(
    selections: tuple, data: st.DataObject, period: str
) -> None:
    artefacts, index, _ = selections
    filters = data.draw(filter_choices(artefacts, DAYS, WORDS))
    view = FilteredCorpus(artefacts, dataclasses.replace(filters, period=period), index)
    recent, every = view.recent_countries, view.countries
    # Rows of the selection's countries (none before the period before the last, unless
    # every row is kept, nothing filtered or dates spanning the corpus: then the corpus'
    # own table).
    assert set(recent[S.BRIEFING_ID] + recent[S.ISO3]) <= set(every[S.BRIEFING_ID] + every[S.ISO3])
    # The shares are of the selection without its country condition (what the page passes).
    base = view.attention_dates
    kept_all = view.filters.section is None and view.everything
    assert (recent is artefacts.countries) == (view.untouched or kept_all)
    if recent is not artefacts.countries and len(recent):
        since = views.rising_start(base, period)
        assert (pd.to_datetime(recent[S.DATE], utc=True) >= since).all()
    pd.testing.assert_frame_equal(
        views.rising_countries(recent, base, period),
        views.rising_countries(every, base, period),
    )


def test_recent_countries_start_at_the_period_before_the_newest_briefings() -> None:
    briefings = pd.DataFrame(
        {S.DATE: pd.to_datetime(["2024-03-20", "2024-05-02", "2024-04-11"], utc=True)}
    )
    assert views.rising_start(briefings, "month") == pd.Timestamp("2024-04-01", tz="UTC")
    assert views.rising_start(briefings, "quarter") == pd.Timestamp("2024-01-01", tz="UTC")
    # 2024-05-02 is a Thursday: its week starts Monday 29 April, the one before on the 22nd.
    assert views.rising_start(briefings, "week") == pd.Timestamp("2024-04-22", tz="UTC")
    assert views.rising_start(briefings.iloc[0:0], "month") is None


@pytest.mark.parametrize(
    "filters",
    [
        Filters(start=date(2023, 9, 1), end=date(2023, 9, 30)),
        Filters(start=date(2023, 9, 1), end=date(2023, 9, 30), section="title"),
        Filters(countries=("CHN", "USA"), country_match="all", section="happening"),
        Filters(search="china", end=date(2024, 6, 1)),
        Filters(start=date(2030, 1, 1)),
    ],
    ids=["one-month", "one-month-title", "two-countries-all", "search-and-end", "no-month"],
)
def test_chosen_selections_agree(selections: tuple, filters: Filters) -> None:
    assert_same_selection(selections, filters)


def test_a_month_range_selects_that_months_briefings(selections: tuple) -> None:
    artefacts, _, store_rows = selections
    keep = store_rows.keep(Filters(start=date(2023, 9, 1), end=date(2023, 9, 30)))
    days = pd.to_datetime(artefacts.briefings[S.DATE], utc=True)
    expected = ((days.dt.year == 2023) & (days.dt.month == 9)).to_numpy()
    assert keep.sum() == 7  # the sample's September 2023 briefings
    np.testing.assert_array_equal(keep, expected)


def test_a_date_range_names_only_its_months_files() -> None:
    files = TableFiles(
        files=(("a", "2024-01"), ("b", "2024-02"), ("c", "2024-03"), ("d", None)), rows=4
    )
    assert files.in_months("2024-02", "2024-02") == ["b"]
    assert files.in_months("2024-02", None) == ["b", "c"]
    assert files.in_months(None, "2024-01") == ["a"]
    assert files.in_months(None, None) == ["a", "b", "c", "d"]


def test_sql_reads_only_the_months_of_the_date_range(selections: tuple) -> None:
    _, _, store_rows = selections
    source = store_rows._source("briefings", Filters(start=date(2025, 5, 5), end=date(2025, 6, 2)))
    named = {part.split("month=")[1][:7] for part in source.split("'") if "month=" in part}
    assert named == {"2025-05", "2025-06"}


def test_search_hits_are_a_predicate(selections: tuple) -> None:
    artefacts, _, store_rows = selections
    selection = store_rows.select(Filters(search="anything"), np.array([3, 7], dtype=np.int64))
    assert np.flatnonzero(selection.keep).tolist() == [3, 7]
    assert selection.ids.to_pylist() == artefacts.briefings[S.BRIEFING_ID].iloc[[3, 7]].tolist()


def test_a_view_selecting_in_memory_has_no_sql_selection(selections: tuple) -> None:
    artefacts, index, _ = selections
    with pytest.raises(InputError, match="a selection in SQL needs store rows"):
        _ = FilteredCorpus(artefacts, Filters(), index).store_selection


def test_only_stored_tables_are_selected(selections: tuple) -> None:
    with pytest.raises(StoreError, match=r"rows are selected in briefings, .*got 'report'"):
        store_rows = selections[2]
        store_rows.rows("report", Filters(), store_rows.select(Filters()))


def test_store_rows_of_another_corpus_are_refused(selections: tuple) -> None:
    artefacts, index, store_rows = selections
    other = artefacts.__class__(**{**artefacts.__dict__, "fingerprint": "elsewhere"})
    with pytest.raises(InputError, match="store rows must be those of the corpus shown"):
        FilteredCorpus(other, Filters(), index, store_rows)


def test_a_store_of_parquet_parts_is_refused(store: Store, tmp_path: Path) -> None:
    legacy = open_store(write_legacy_store(store, tmp_path / "legacy", store_format=2))
    with pytest.raises(StoreError, match="needs a store of format 3.*got format 2"):
        StoreRows(legacy)


def test_row_orders_outside_the_table_are_refused(store: Store) -> None:
    store_rows = StoreRows(store)
    briefings = store_rows.tables["briefings"]
    # As if the files held more rows than the generation records.
    store_rows.tables["briefings"] = TableFiles(files=briefings.files, rows=10)
    with pytest.raises(StoreError, match=r"row orders outside 0\.\.9; got 0\.\.159"):
        store_rows.keep(Filters())


class NoQueries(StoreRows):
    """Store rows that fail on any query: proves a view needed none."""

    def select(self, filters: Filters, search_hits: np.ndarray | None = None):
        raise AssertionError(f"queried for {filters}")


def test_dates_spanning_the_corpus_need_no_query(store: Store, selections: tuple) -> None:
    artefacts, index, _ = selections
    spanning = Filters(
        start=date(2023, 1, 8), end=date(2025, 11, 25)
    )  # the sample's first, last day
    view = FilteredCorpus(artefacts, spanning, index, NoQueries(store))
    assert view.everything and view.dates_span_corpus
    assert len(view.mentions) == len(artefacts.mentions)
    one_day_short = Filters(start=date(2023, 1, 9), end=date(2025, 11, 25))
    assert not FilteredCorpus(artefacts, one_day_short, index).dates_span_corpus
    with pytest.raises(AssertionError, match="queried for"):
        _ = FilteredCorpus(artefacts, one_day_short, index, NoQueries(store)).keep
