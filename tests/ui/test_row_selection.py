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


def _shown(monkeypatch, folder: Path, threshold: int) -> tuple[type | None, dict[str, list]]:
    """Which selection the view used, and what each page shows with one country chosen."""
    monkeypatch.delenv(cache.HOOK_ENV, raising=False)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", str(folder / "store"))
    monkeypatch.setenv("BRIEFING_ATLAS_CORPUS", str(folder / "corpus"))
    monkeypatch.setenv("BRIEFING_ATLAS_DUCKDB_FROM_BRIEFINGS", str(threshold))
    app = new_app()
    app.run()
    country = app.multiselect(key="country")
    country.set_value([country.options[0]])
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
        ]
    selection = app.session_state[state.VIEW_KEY].filtered.store_rows
    return (None if selection is None else type(selection)), shown


def test_every_page_shows_the_same_with_either_selection(monkeypatch, sample_store) -> None:
    in_sql, shown_sql = _shown(monkeypatch, sample_store, 160)  # the sample's 160 briefings
    in_memory, shown_memory = _shown(monkeypatch, sample_store, 161)
    assert (in_sql, in_memory) == (StoreRows, None)
    assert shown_sql == shown_memory
    assert any(shown_memory.values())


def test_an_upload_is_selected_in_memory_whatever_its_size(monkeypatch) -> None:
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    monkeypatch.setenv("BRIEFING_ATLAS_DUCKDB_FROM_BRIEFINGS", "0")
    app = new_app()
    app.run()
    assert not app.exception
    assert app.session_state[state.VIEW_KEY].filtered.store_rows is None
