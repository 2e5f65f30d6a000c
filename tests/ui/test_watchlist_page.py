"""AppTest of the Watchlist page on the hand-built corpus and its four expected events
(``tests/ui_data.py``: the latest briefing is Thursday 2026-06-25)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest, app_test
from test_pages import NavigationPagesManager

from analytics.ui import cache

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/watchlist.py"


@pytest.fixture(autouse=True)
def navigation_pages(monkeypatch) -> None:
    monkeypatch.setattr(app_test, "PagesManager", NavigationPagesManager)


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.switch_page(PAGE).run()
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def tables(app: AppTest) -> dict[str, list[str]]:
    """Briefing ids of the upcoming and the overdue table, in their order."""
    frames = [frame.value for frame in app.dataframe]
    return {
        "upcoming": list(frames[0]["briefing_id"]) if frames else [],
        "overdue": list(frames[1]["briefing_id"]) if len(frames) > 1 else [],
    }


def test_watchlist_counts_each_follow_up_status(app):
    assert not app.exception and not app.error
    assert metrics(app) == {"Reported": "1", "Not seen": "1", "Open": "2"}


def test_watchlist_lists_overdue_events_latest_window_first_with_their_status(app):
    overdue = app.dataframe[1].value
    assert list(overdue["briefing_id"]) == ["b10", "b00"]
    assert list(overdue["follow_up"]) == ["not seen", "reported"]


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [("this week", ["b18"]), ("this month", ["b18"]), ("all upcoming", ["b18", "b19"])],
    ids=["week", "month", "all"],
)
def test_watchlist_horizon_picks_the_upcoming_events(app, horizon, expected):
    app.radio(key="watch_horizon").set_value(horizon).run()
    assert not app.exception and not app.error
    assert app.dataframe[0].value["briefing_id"].tolist() == expected


def test_watchlist_country_filter_keeps_events_where_the_country_acts(app):
    app.multiselect(key="country").set_value(["USA"]).run()
    assert metrics(app) == {"Reported": "1", "Not seen": "1", "Open": "1"}
    app.radio(key="watch_horizon").set_value("all upcoming").run()
    assert tables(app) == {"upcoming": ["b19"], "overdue": ["b10", "b00"]}


def test_watchlist_selected_row_opens_its_sentence_and_evidence(app):
    app.session_state["watch-overdue"] = {"selection": {"rows": [1], "columns": []}}
    app.run()
    assert not app.exception and not app.error
    texts = " ".join(t.value for t in app.text)
    assert "United States signed a trade pact with Japan." in texts
    assert "by April 10" in texts
    assert [s.value for s in app.success] == ["Reported in 1 later briefing(s)."]
    evidence = app.dataframe[-1].value
    assert evidence.to_dict("records") == [
        {"date": "2026-04-05", "sentence": "United States signed a trade pact with Japan."}
    ]


def test_watchlist_without_a_selection_says_how_to_open_an_event(app):
    assert any("Select a row" in info.value for info in app.info)


def _all_upcoming(monkeypatch, **overrides) -> AppTest:
    """The page on every upcoming event, run with ``overrides`` of the settings."""
    from analytics import settings

    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    with settings.override(**overrides):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        app.run()
        app.switch_page(PAGE).run()
        app.radio(key="watch_horizon").set_value("all upcoming").run()
    assert not app.exception and not app.error
    return app


def test_watchlist_lists_the_first_events_and_downloads_them_all(monkeypatch):
    app = _all_upcoming(monkeypatch, listed_events=1)
    assert tables(app) == {"upcoming": ["b18"], "overdue": ["b10"]}
    captions = [c.value for c in app.caption]
    assert "The soonest 1 of 2 upcoming events are listed." in captions
    assert "The latest 1 of 2 overdue events are listed." in captions
    labels = [b.label for b in app.get("download_button")]
    assert labels.count("Download CSV (2 rows)") == 2


def test_watchlist_shows_the_load_per_country_when_too_many_to_draw(monkeypatch):
    app = _all_upcoming(monkeypatch, timeline_bars=1)
    (chart,) = list(app.get("plotly_chart"))
    figure = json.loads(chart.proto.spec)
    assert [trace["type"] for trace in figure["data"]] == ["heatmap"]
    assert figure["layout"]["title"]["text"].startswith("Expected events due per country")
    labels = [b.label for b in app.get("download_button")]
    assert any(label.startswith("Download CSV (") for label in labels)


def test_watchlist_horizon_says_running_windows_count(app):
    # upcoming_events keeps an event whose window opened long before and still runs
    # (on the sample, "by 2027" from January 2023 under "this month"): a label
    # "Window begins" said its window began this month.
    horizon = app.radio(key="watch_horizon")
    assert horizon.label == "Window open by the end of"
    assert "opened earlier and still runs" in horizon.help


def test_watchlist_says_why_nothing_is_upcoming_for_earlier_briefings(monkeypatch):
    # Briefings of January to March expect nothing still open on 25 June, the corpus'
    # latest day; "nothing matches the current filters" did not say that "upcoming"
    # counts from that day.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params["dates"] = ["2026-01-05", "2026-03-31"]
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception and not app.error
    note = (
        "No expected event of the selected briefings is open by the end of this month, "
        "counted from 25 June 2026, the corpus' latest briefing day."
    )
    # Said once: an empty timeline had repeated it above the table, on one line running
    # off the chart, with a download of no rows.
    assert [info.value for info in app.info].count(note) == 1
    assert not app.get("plotly_chart")
    assert "Download CSV (0 rows)" not in [b.label for b in app.get("download_button")]


def test_short_event_tables_are_not_padded_with_empty_rows(monkeypatch):
    # Two fixed 300-pixel tables: this month's one upcoming event (b18) sat above seven
    # empty rows. A table is its header and rows tall (35 pixels each, 3 of border),
    # at most 300.
    from analytics.ui import components

    heights: dict[str, object] = {}
    original = components.st.dataframe

    def record(frame, *args, **kwargs):
        heights[kwargs.get("key")] = kwargs.get("height")
        return original(frame, *args, **kwargs)

    monkeypatch.setattr(components.st, "dataframe", record)
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception
    assert heights["watch-upcoming"] == 2 * 35 + 3  # header and b18
    assert heights["watch-overdue"] == 3 * 35 + 3  # header, b10 and b00
    assert components.fitted_height(40, 300) == 300
