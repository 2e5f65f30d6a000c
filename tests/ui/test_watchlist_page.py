"""AppTest of the Watchlist page on the hand-built corpus and its four expected events
(``tests/ui_data.py``: the latest briefing is Thursday 2026-06-25)."""

from __future__ import annotations

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
