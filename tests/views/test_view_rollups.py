"""The unfiltered views read from a store's rollups give exactly what they compute from the
full tables, for every view a rollup answers and every period kind; anything else computes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.pipeline import ROLLUP_FREQS, ensure_store, read_rollups
from analytics.views import (
    ROLLUP_VIEWS,
    FilteredCorpus,
    Filters,
    apply_filters,
    briefing_volume,
    comention_edges,
    country_attention,
    country_totals,
    only_briefing,
    rolled_up,
    spike_alerts,
    topic_country_matrix,
    topic_shares,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Artefacts:
    store, _ = ensure_store(
        [project_root / "data" / "sample"], tmp_path_factory.mktemp("rollups") / "store"
    )
    rollups = read_rollups(store)
    assert rollups is not None
    return dataclasses.replace(store.artefacts(), rollups=rollups)


def _calls(view: FilteredCorpus, freq: str) -> dict[str, tuple]:
    """Each view a rollup answers, called as the pages call it."""
    named = ["CHN", "USA", "RUS", "ATA"]  # Antarctica is never named in the sample
    return {
        "volume": (briefing_volume, (view.headers, freq), {}),
        "attention": (
            country_attention,
            (view.countries, view.headers, named, freq),
            {"codes": view.codes("countries")},
        ),
        "topic-shares": (topic_shares, (view.topics, freq), {"codes": view.codes("topics")}),
        "spikes": (
            spike_alerts,
            (view.interactions, view.headers, freq),
            {"codes": view.codes("interactions")},
        ),
        "totals": (country_totals, (view.countries,), {"codes": view.codes("countries")}),
        "leading-totals": (country_totals, (view.countries, 5), {}),
        "comentions": (comention_edges, (view.countries, 12), {"codes": view.codes("countries")}),
        "every-comention": (comention_edges, (view.countries, None), {}),
        "matrix": (
            topic_country_matrix,
            (view.topics, view.countries),
            {
                "limit": 15,
                "topic_codes": view.codes("topics"),
                "country_codes": view.codes("countries"),
            },
        ),
        "small-matrix": (topic_country_matrix, (view.topics, view.countries, 3, 2), {}),
        "whole-matrix": (topic_country_matrix, (view.topics, view.countries, None, None), {}),
    }


NAMES = (
    "volume",
    "attention",
    "topic-shares",
    "spikes",
    "totals",
    "leading-totals",
    "comentions",
    "every-comention",
    "matrix",
    "small-matrix",
    "whole-matrix",
)
CASES = [(name, freq) for name in NAMES for freq in ROLLUP_FREQS]


@pytest.mark.parametrize(("name", "freq"), CASES, ids=[f"{n}-{f}" for n, f in CASES])
def test_a_rollup_gives_what_the_view_computes_from_the_full_tables(corpus, name, freq) -> None:
    view = FilteredCorpus(corpus, Filters())
    function, args, kwargs = _calls(view, freq)[name]
    stored = rolled_up(view, function, *args, **kwargs)
    assert stored is not None
    assert len(stored) > 0
    pd.testing.assert_frame_equal(stored, function(*args, **kwargs))


def test_every_registered_view_is_tested() -> None:
    assert set(ROLLUP_VIEWS) == {
        briefing_volume,
        country_attention,
        topic_shares,
        spike_alerts,
        country_totals,
        comention_edges,
        topic_country_matrix,
    }


def test_the_sample_has_tension_spikes_to_compare(corpus) -> None:
    view = FilteredCorpus(corpus, Filters())
    assert len(rolled_up(view, spike_alerts, view.interactions, view.headers, "month")) >= 5


@pytest.mark.parametrize(
    "selection",
    [Filters(countries=("USA",)), Filters(search="trade"), Filters(section="next")],
    ids=["country", "search", "section"],
)
def test_a_selection_short_of_the_whole_corpus_is_computed(corpus, selection) -> None:
    view = FilteredCorpus(corpus, selection)
    assert rolled_up(view, briefing_volume, view.headers, "month") is None
    assert rolled_up(view, topic_shares, view.topics, "month") is None


def test_dates_spanning_the_whole_corpus_still_read_the_rollup(corpus) -> None:
    days = pd.to_datetime(corpus.briefings["date"], utc=True).dt.date
    view = FilteredCorpus(corpus, Filters(start=days.min(), end=days.max()))
    assert view.everything
    stored = rolled_up(view, briefing_volume, view.headers, "week")
    assert stored is corpus.rollups["volume"]["week"]


@pytest.mark.parametrize(
    "call",
    [
        lambda view: (topic_shares, (view.topics, "month"), {"limit": 3}),
        lambda view: (briefing_volume, (view.headers.head(5), "month"), {}),
        lambda view: (country_attention, (view.countries, view.headers, [], "month"), {}),
        lambda view: (topic_shares, (view.topics, "day"), {}),
        lambda view: (pd.DataFrame.head, (view.headers,), {}),
    ],
    ids=["other-limit", "not-the-view-table", "no-countries", "no-day-rollup", "unregistered"],
)
def test_a_call_the_rollups_do_not_hold_is_computed(corpus, call) -> None:
    view = FilteredCorpus(corpus, Filters())
    function, args, kwargs = call(view)
    assert rolled_up(view, function, *args, **kwargs) is None


def test_a_corpus_without_rollups_is_computed(corpus) -> None:
    view = FilteredCorpus(dataclasses.replace(corpus, rollups=None), Filters())
    assert rolled_up(view, briefing_volume, view.headers, "month") is None


def test_a_cut_of_the_corpus_carries_no_rollups(corpus) -> None:
    cut = apply_filters(corpus, Filters(countries=("USA",)))
    assert cut.rollups is None
    view = FilteredCorpus(cut, Filters())
    assert view.everything
    assert rolled_up(view, briefing_volume, view.headers, "month") is None
    first = str(corpus.briefings["briefing_id"].iloc[0])
    assert only_briefing(corpus, first).rollups is None
    whole = FilteredCorpus(corpus, Filters())
    assert whole.only_briefing(first).rollups is None
    # Nothing selected away: the corpus itself, rollups and all.
    assert apply_filters(corpus, Filters()).rollups is corpus.rollups


def test_country_totals_are_computed_where_a_rollup_cannot_count_or_order_them(corpus) -> None:
    def totals_read(rollups) -> object:
        view = FilteredCorpus(dataclasses.replace(corpus, rollups=rollups), Filters())
        return rolled_up(view, country_totals, view.countries)

    assert totals_read(corpus.rollups) is not None
    # A period's volume left out: some briefing would be in no period (an undated one).
    short = {f: table.iloc[1:] for f, table in corpus.rollups["volume"].items()}
    assert totals_read({**corpus.rollups, "volume": short}) is None
    # Two countries of one name: the view orders them by its rows, which a rollup lacks.
    renamed = {
        f: table.assign(
            **{S.COUNTRY: table[S.COUNTRY].where(~table[S.ISO3].isin(["CHN", "USA"]), "Same")}
        )
        for f, table in corpus.rollups["countries"].items()
    }
    assert totals_read({**corpus.rollups, "countries": renamed}) is None


def test_the_matrix_rollup_with_countries_of_one_name_is_computed(corpus) -> None:
    # The view orders countries of one name by their first row, which the cells lack.
    cells = next(iter(corpus.rollups["matrix"].values()))
    width = len(cells) // cells["topic_id"].nunique()
    first, second = cells["country"].iloc[0], cells["country"].iloc[1]
    renamed = cells.assign(country=cells["country"].replace({second: first}))
    assert renamed["country"].iloc[:width].duplicated().any()
    rollups = {**corpus.rollups, "matrix": {"month": renamed}}
    view = FilteredCorpus(dataclasses.replace(corpus, rollups=rollups), Filters())
    assert rolled_up(view, topic_country_matrix, view.topics, view.countries) is None
