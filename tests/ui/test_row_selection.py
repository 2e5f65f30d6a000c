"""The dashboard selects filtered rows with DuckDB from ``duckdb_from_briefings`` briefings on,
in memory below, and every page shows the same either way. Pages run with AppTest as in
test_pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_pages import PAGES, navigation_pages, new_app  # noqa: F401  (autouse fixture)

from analytics.pipeline import ensure_store
from analytics.ui import cache, state
from analytics.views import StoreRows


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Path:
    folder = tmp_path_factory.mktemp("row-selection")
    shutil.copytree(project_root / "data" / "sample", folder / "corpus")
    ensure_store([folder / "corpus"], folder / "store")
    return folder


def _shown(
    monkeypatch, folder: Path, threshold: int, *, lean_from: int = 0, section: str | None = None
) -> tuple[type | None, dict[str, list], bool]:
    """Which selection the view used, what each page shows with one country chosen (and
    ``section``), and whether the store was read lean (from ``lean_from`` briefings on)."""
    monkeypatch.delenv(cache.HOOK_ENV, raising=False)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", str(folder / "store"))
    monkeypatch.setenv("BRIEFING_ATLAS_CORPUS", str(folder / "corpus"))
    monkeypatch.setenv("BRIEFING_ATLAS_DUCKDB_FROM_BRIEFINGS", str(threshold))
    monkeypatch.setenv("BRIEFING_ATLAS_LEAN_FROM_BRIEFINGS", str(lean_from))
    app = new_app()
    app.run()
    country = app.multiselect(key="country")
    country.set_value([country.options[0]])
    if section is not None:
        app.selectbox(key="section").set_value(section)
    shown: dict[str, list] = {}
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception and not app.error
        shown[page] = [
            *(metric.value for metric in app.metric),
            *(
                frame.value.to_csv()
                for frame in app.dataframe
                if isinstance(frame.value, pd.DataFrame)
            ),
            *(text.value for text in app.markdown),
            *(text.value for text in app.text),
            *(chart.proto.spec for chart in app.get("plotly_chart")),
        ]
    view = app.session_state[state.VIEW_KEY]
    selection = view.filtered.store_rows
    return (None if selection is None else type(selection)), shown, view.corpus.reader is not None


def test_every_page_shows_the_same_with_either_selection(monkeypatch, sample_store) -> None:
    in_sql, shown_sql, _ = _shown(monkeypatch, sample_store, 160)  # the sample's 160 briefings
    in_memory, shown_memory, _ = _shown(monkeypatch, sample_store, 161)
    assert (in_sql, in_memory) == (StoreRows, None)
    assert shown_sql == shown_memory
    assert any(shown_memory.values())


@pytest.mark.parametrize("section", [None, "happening"], ids=["all-sections", "one-section"])
def test_every_page_shows_the_same_read_lean_or_whole(
    monkeypatch, sample_store, section: str | None
) -> None:
    _, shown_lean, lean = _shown(monkeypatch, sample_store, 161, lean_from=160, section=section)
    _, shown_whole, whole_lean = _shown(
        monkeypatch, sample_store, 161, lean_from=161, section=section
    )
    assert (lean, whole_lean) == (True, False)
    assert shown_lean == shown_whole
    assert [page for page, shown in shown_whole.items() if not shown] == []


def test_an_upload_is_selected_in_memory_whatever_its_size(monkeypatch) -> None:
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    monkeypatch.setenv("BRIEFING_ATLAS_DUCKDB_FROM_BRIEFINGS", "0")
    app = new_app()
    app.run()
    assert not app.exception
    assert app.session_state[state.VIEW_KEY].filtered.store_rows is None


def _watchlist_shown(monkeypatch, folder: Path, *, lean_from: int, table: str) -> list:
    """What the Watchlist page shows with every upcoming event and the first row of
    ``table`` opened, read lean or whole (from ``lean_from`` briefings on)."""
    monkeypatch.delenv(cache.HOOK_ENV, raising=False)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", str(folder / "store"))
    monkeypatch.setenv("BRIEFING_ATLAS_CORPUS", str(folder / "corpus"))
    monkeypatch.setenv("BRIEFING_ATLAS_LEAN_FROM_BRIEFINGS", str(lean_from))
    app = new_app()
    app.run()
    app.switch_page("pages/watchlist.py").run()
    app.radio(key="watch_horizon").set_value("all upcoming").run()
    app.session_state[table] = {"selection": {"rows": [0], "columns": []}}
    app.run()
    assert not app.exception and not app.error
    view = app.session_state[state.VIEW_KEY]
    assert (view.corpus.reader is not None) == (lean_from <= 160)
    return [
        *(metric.value for metric in app.metric),
        *(frame.value.to_csv() for frame in app.dataframe),
        *(text.value for text in app.text),
        *(element.value for element in (*app.success, *app.warning, *app.info)),
        *(chart.proto.spec for chart in app.get("plotly_chart")),
        *(button.label for button in app.get("download_button")),
    ]


@pytest.mark.parametrize("table", ["watch-overdue", "watch-upcoming"])
def test_the_watchlist_shows_the_same_read_lean_or_whole(monkeypatch, sample_store, table) -> None:
    lean = _watchlist_shown(monkeypatch, sample_store, lean_from=160, table=table)
    whole = _watchlist_shown(monkeypatch, sample_store, lean_from=161, table=table)
    assert lean == whole
    # The opened event's sentence, window and status are shown, and three tables listed.
    assert sum(text.startswith("Expected: ") for text in whole if isinstance(text, str)) == 1
    assert len([v for v in whole if isinstance(v, str) and v.startswith(",window_start")]) == 2
