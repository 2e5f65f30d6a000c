"""AppTest of every page on the hand-built corpus (tests/ui_data.py).

The corpus is served through the ``BRIEFING_ATLAS_ARTEFACTS_HOOK`` test hook (or as a
session upload), so no store or sample corpus is needed.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit import config
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test
from ui_data import build_artefacts

from analytics import views
from analytics.errors import InputError
from analytics.ui import cache

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "pages/overview.py",
    "pages/countries.py",
    "pages/topics.py",
    "pages/relations.py",
    "pages/watchlist.py",
    "pages/briefings.py",
]


class NavigationPagesManager(PagesManager):
    """AppTest resets ``uses_pages_directory`` before every run, so with a ``pages/``
    folder its reruns take the legacy route and run the page script alone, without
    the entrypoint. The running server clears the flag once ``st.navigation`` runs;
    this does the same for tests."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def navigation_pages(monkeypatch) -> None:
    monkeypatch.setattr(app_test, "PagesManager", NavigationPagesManager)


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts")
    return new_app()


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Capture the bytes of every download button, by file name."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return captured


def run_page(app: AppTest, page: str) -> AppTest:
    app.run()
    if page != PAGES[0]:
        app.switch_page(page).run()
    return app


def assert_clean(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
def test_page_renders_without_error(app, page):
    run_page(app, page)
    assert_clean(app)
    assert app.title[0].value == Path(page).stem.capitalize()


def test_overview_filter_change_changes_figures(app):
    app.run()
    assert metric(app, "Briefings") == "20"
    app.multiselect(key="country").set_value(["JPN"]).run()
    assert_clean(app)
    assert metric(app, "Briefings") == "6"  # b00 b04 b07 b10 b14 b17
    app.multiselect(key="country").set_value(["JPN", "CHN"]).run()
    assert metric(app, "Briefings") == "12"  # either of the two: 6 + 8 - 2 together
    app.radio(key="match").set_value("all").run()
    assert metric(app, "Briefings") == "2"  # b07 b17


def test_filters_persist_across_pages(app):
    app.run()
    app.multiselect(key="country").set_value(["TWN"]).run()
    app.switch_page("pages/briefings.py").run()
    assert_clean(app)
    assert app.multiselect(key="country").value == ["TWN"]
    table = app.dataframe[0].value
    assert sorted(table["briefing_id"]) == ["b01", "b11"]


def test_url_parameters_seed_filters(app):
    app.query_params["country"] = ["Japan"]
    app.query_params["period"] = "quarter"
    app.query_params["dates"] = ["2026-01-05", "2026-03-31"]
    app.run()
    assert_clean(app)
    assert app.multiselect(key="country").value == ["JPN"]
    assert app.radio(key="period").value == "quarter"
    assert metric(app, "Briefings") == "3"  # b00 b04 b07
    assert not app.warning


def test_url_countries_may_be_iso_codes(app):
    # A link written by a script names countries by code; it was ignored as unknown.
    app.query_params["country"] = ["jpn", "Atlantis", "TWN"]
    app.run()
    assert_clean(app)
    assert app.multiselect(key="country").value == ["JPN", "TWN"]
    assert [w.value for w in app.warning] == [
        "Ignored unknown country value(s) in the link: 'Atlantis'."
    ]


def test_unknown_url_values_are_ignored_with_a_notice(app):
    app.query_params["country"] = ["Atlantis", "Japan"]
    app.query_params["topic"] = ["astrology"]
    app.query_params["dates"] = ["2026-13-45"]
    app.query_params["period"] = "decade"
    app.run()
    assert_clean(app)
    notices = " ".join(w.value for w in app.warning)
    for word in ("'Atlantis'", "'astrology'", "'2026-13-45'", "'decade'"):
        assert word in notices
    assert app.multiselect(key="country").value == ["JPN"]
    assert app.radio(key="period").value == "month"


def test_url_date_outside_the_corpus_is_ignored_with_a_notice(app):
    # A range that misses the corpus (5 Jan to 25 Jun 2026) entirely is ignored.
    app.query_params["dates"] = ["2020-01-01", "2020-03-31"]
    app.run()
    assert_clean(app)
    assert any("outside the corpus" in w.value and "'2020-01-01'" in w.value for w in app.warning)
    assert metric(app, "Briefings") == "20"


def test_url_dates_reaching_past_the_corpus_are_fitted_to_it(app):
    # A link's range reaching past the corpus' last day (25 Jun 2026) had been dropped
    # whole, its valid first day with it: all 20 briefings showed. The day outside now
    # moves to the corpus' edge: 1 Mar to 25 Jun holds b07 (9 Mar) .. b19 (25 Jun).
    app.query_params["dates"] = ["2026-03-01", "2026-07-31"]
    app.run()
    assert_clean(app)
    assert [w.value for w in app.warning] == [
        "Dates in the link reach outside the corpus (2026-01-05 to 2026-06-25): "
        "'2026-07-31' read as 2026-06-25."
    ]
    assert app.date_input(key="dates").value == (date(2026, 3, 1), date(2026, 6, 25))
    assert metric(app, "Briefings") == "13"
    app.run()  # said once: the link now holds the fitted days
    assert not app.warning


def test_download_button_counts_one_row_as_a_row(app):
    # February 2026 holds b03 .. b05: one month of briefing volume, one CSV row.
    app.query_params["dates"] = ["2026-02-01", "2026-02-28"]
    app.run()
    assert_clean(app)
    labels = [b.label for b in app.get("download_button")]
    assert "Download CSV (1 row)" in labels
    assert "Download CSV (1 rows)" not in labels
    whole = new_app()  # January to June: six months, six rows
    whole.run()
    assert "Download CSV (6 rows)" in [b.label for b in whole.get("download_button")]


def test_download_carries_the_filtered_csv(app, downloads):
    app.query_params["country"] = ["Japan"]
    app.run()
    name = next(n for n in downloads if n.startswith("briefings-per-month"))
    lines = downloads[name].decode("utf-8").splitlines()
    assert "# corpus fingerprint: ui-test-0001" in lines
    assert "# filter countries: JPN" in lines
    assert "# version topic_model: k=3" in lines
    body = [line for line in lines if not line.startswith("#")]
    # Japan: b00 (Jan), b04 (Feb), b07 (Mar), b10 (Apr), b14 (May), b17 (Jun)
    assert body == [
        "period,n_briefings",
        "2026-01-01,1",
        "2026-02-01,1",
        "2026-03-01,1",
        "2026-04-01,1",
        "2026-05-01,1",
        "2026-06-01,1",
    ]


def test_download_without_provenance_and_neutralised(app, downloads):
    app.run()
    app.toggle(key="csv_provenance").set_value(False).run()
    app.switch_page("pages/briefings.py").run()
    data = downloads[next(n for n in downloads if n.startswith("briefings_"))].decode("utf-8")
    assert not data.startswith("#")
    assert "'=HYPERLINK" in data and "\n=HYPERLINK" not in data
    assert len(data.strip().splitlines()) == 21  # header + every briefing


# The Briefings table's width in a 1280 px window beside the open sidebar (measured in
# Chromium), and the row-selection column's.
TABLE_WIDTH_AT_1280 = 820
SELECT_COLUMN = 36


def test_briefing_list_columns_are_sized_to_fit_the_page(app):
    # A large title, a medium countries column and unsized date, source and topic columns
    # made the table scroll sideways at 1280 px, the topic out of sight. Every column now
    # has a width in pixels, and they fit together.
    run_page(app, "pages/briefings.py")
    assert_clean(app)
    listing = next(d for d in app.dataframe if "title" in d.value.columns)
    columns = json.loads(listing.proto.columns)
    shown = [name for name in listing.value.columns if name != "_index"]
    assert {"briefing_id", "date", "title", "source", "countries", "topic"} <= set(shown)
    widths = {name: columns.get(name, {}).get("width") for name in shown}
    assert all(isinstance(width, int) for width in widths.values()), widths
    assert SELECT_COLUMN + sum(widths.values()) <= TABLE_WIDTH_AT_1280
    assert widths["title"] == max(widths.values())


def test_briefing_list_gives_a_corpus_without_sources_room_for_titles(monkeypatch):
    # Summaries of current events have no source: an empty 100 px Source column stood
    # beside cut titles. It is hidden and its width goes to the title.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_unsourced")
    app = run_page(new_app(), "pages/briefings.py")
    assert_clean(app)
    listing = next(d for d in app.dataframe if "title" in d.value.columns)
    columns = json.loads(listing.proto.columns)
    assert columns["source"].get("hidden") is True
    assert columns["title"]["width"] == 375
    shown = [n for n in listing.value.columns if n not in ("_index", "source")]
    widths = [columns.get(name, {}).get("width") for name in shown]
    assert SELECT_COLUMN + sum(widths) <= TABLE_WIDTH_AT_1280


def test_reader_shows_markup_as_literal_text(app):
    run_page(app, "pages/briefings.py")
    app.selectbox(key="reader_id").set_value("b07").run()
    assert_clean(app)
    html_bodies = " ".join(h.proto.body for h in app.get("html"))
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_bodies
    assert "<script>" not in html_bodies
    assert "**not bold** # not a heading" in html_bodies  # st.html: no Markdown
    assert "=HYPERLINK(&quot;http://x&quot;) &lt;b&gt;bold&lt;/b&gt;" in html_bodies
    assert "atlas-search" not in html_bodies  # no search, no search marks


def test_reader_marks_the_search_words(app):
    app.query_params["q"] = "WATCHED"
    run_page(app, "pages/briefings.py")
    assert_clean(app)
    html_bodies = " ".join(h.proto.body for h in app.get("html"))
    # Every briefing says "Markets in X watched closely.": the word is marked in the reader,
    # and the key to the colours names it.
    assert re.search(r'<mark class="atlas-search"[^>]*>watched</mark>', html_bodies)
    assert ">search word</mark>" in html_bodies


def test_reader_pages_a_long_briefing(monkeypatch):
    from ui_data import LONG_PARAGRAPHS

    from analytics import settings

    page_chars = settings.value("reader_page_chars")

    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_long_artefacts")
    app = run_page(new_app(), "pages/briefings.py")
    assert_clean(app)
    assert app.selectbox(key="reader_id").value == "b20"

    def shown_text() -> str:
        return " ".join(h.proto.body for h in app.get("html"))

    def paragraphs(html: str) -> list[int]:
        return [int(n) for n in re.findall(r"Paragraph (\d+):", html)]

    first = shown_text()
    # One page of the ~700 kB text (with its highlight markup), never the whole text:
    # paragraphs are 34 to 38 characters long with the break between them.
    assert len(first) < 5 * page_chars
    assert paragraphs(first) == list(range(len(paragraphs(first))))
    assert page_chars // 40 < len(paragraphs(first)) <= page_chars // 34
    assert "Paragraph 0: " in first and "Paragraph 1000: " not in first
    picker = app.number_input(key="reader_page-b20")
    assert picker.value == 1 and picker.max > 20
    picker.increment().run()
    assert_clean(app)
    second = paragraphs(shown_text())
    assert len(shown_text()) < 5 * page_chars
    # The second page goes on where the first stopped.
    assert second[0] == paragraphs(first)[-1] + 1 < LONG_PARAGRAPHS
    assert second == list(range(second[0], second[0] + len(second)))


def test_relations_page_follows_section_filter(app):
    run_page(app, "pages/relations.py")
    assert_clean(app)
    app.selectbox(key="section").set_value("importance").run()
    assert_clean(app)
    assert app.multiselect(key="relation_pairs").options == []


def test_uploaded_corpus_is_used_for_this_session(monkeypatch):
    monkeypatch.delenv(cache.HOOK_ENV, raising=False)
    app = new_app()
    app.session_state[cache.UPLOAD_KEY] = build_artefacts()
    app.run()
    assert_clean(app)
    assert metric(app, "Briefings") == "20"
    assert app.radio(key=cache.SOURCE_KEY).value == cache.UPLOADED


UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "ui" / "upload"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_file_picker_takes_every_kind_the_loader_reads(app):
    # The picker had its own shorter list: a .tsv table or a saved .rss feed, which the
    # loader reads, could not be chosen.
    app.run()
    accepted = list(app.get("file_uploader")[0].proto.type)
    assert accepted == [
        ".txt", ".text", ".md", ".markdown", ".csv", ".tsv", ".tab", ".jsonl", ".ndjson",
        ".json", ".parquet", ".pq", ".rss", ".atom", ".xml", ".zip",
    ]  # fmt: skip


def test_upload_zip_is_processed_for_this_session(app):
    files = {path.name: path.read_bytes() for path in sorted(UPLOADS.glob("*.txt"))}
    app.run()
    app.get("file_uploader")[0].set_value(("briefings.zip", zipped(files), "application/zip")).run()
    app.button[0].click().run()
    assert_clean(app)
    assert [s.value for s in app.success] == ["Loaded 6 briefings."]
    assert app.radio(key=cache.SOURCE_KEY).value == cache.UPLOADED
    assert metric(app, "Briefings") == "6"
    # Another browser session does not see this upload.
    other = new_app()
    other.run()
    assert metric(other, "Briefings") == "20"


def test_upload_refuses_a_zip_escaping_its_folder(app):
    app.run()
    app.get("file_uploader")[0].set_value(
        ("evil.zip", zipped({"../evil.txt": b"What's Happening?\nx"}), "application/zip")
    ).run()
    app.button[0].click().run()
    assert not app.exception
    assert any("must not contain '..'" in e.value for e in app.error)
    assert metric(app, "Briefings") == "20"  # still the bundled corpus


def test_upload_error_raised_in_the_worker_is_one_message(app):
    app.run()
    app.get("file_uploader")[0].set_value(("blank.txt", b"   \n", "text/plain")).run()
    app.button[0].click().run()
    assert not app.exception
    (error,) = app.error
    # Loading runs in the worker process: its EmptyCorpusError arrives as its message.
    assert error.value.startswith("Your upload could not be used: no briefing could be loaded")
    assert "Traceback" not in error.value and 'File "' not in error.value
    assert metric(app, "Briefings") == "20"  # still the bundled corpus


def test_two_sessions_uploading_different_corpora_each_see_their_own(app):
    files = sorted(UPLOADS.glob("*.txt"))
    first = {path.name: path.read_bytes() for path in files[:2]}
    second = {path.name: path.read_bytes() for path in files[2:]}
    other = new_app()
    for session, entries in ((app, first), (other, second)):
        session.run()
        upload = ("briefings.zip", zipped(entries), "application/zip")
        session.get("file_uploader")[0].set_value(upload).run()
    # Both uploads are processed before either session looks again.
    app.button[0].click().run()
    other.button[0].click().run()
    assert_clean(app)
    assert_clean(other)
    assert metric(app, "Briefings") == "2"
    assert metric(other, "Briefings") == "4"
    app.run()
    other.run()
    assert metric(app, "Briefings") == "2"
    assert metric(other, "Briefings") == "4"
    app.switch_page("pages/briefings.py").run()
    titles = set(app.dataframe[0].value["title"])
    assert len(titles) == 2
    third = new_app()
    third.run()
    assert metric(third, "Briefings") == "20"  # a new session sees the bundled corpus


def fail_with(error: Exception):
    """A stand-in for a core function that raises ``error``."""

    def core_function(*args, **kwargs):
        raise error

    return core_function


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            PermissionError(13, "Permission denied", "/srv/atlas/store/gen-7/meta.json"),
            "The Overview page stopped on an unexpected error (PermissionError)",
        ),
        (
            InputError("period must be one of day, week, month; got 'decade'"),
            "Overview: period must be one of day, week, month; got 'decade'",
        ),
    ],
    ids=["unexpected", "analytics-error"],
)
def test_page_error_shows_one_line_without_traceback(app, monkeypatch, error, shown):
    monkeypatch.setattr(views, "skipped_inputs", fail_with(error))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.error) == 1
    message = app.error[0].value
    assert message.startswith(shown)
    assert "/srv" not in message and "Traceback" not in message
    assert metric(app, "Briefings") == "20"  # what the page drew before the error stays


def project_client_config() -> dict:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["client"])


@pytest.fixture
def project_config() -> Iterator[None]:
    """Apply the project's ``[client]`` settings, as ``streamlit run`` does, then restore."""
    settings = project_client_config()
    previous = {name: config.get_option(f"client.{name}") for name in settings}
    for name, value in settings.items():
        config.set_option(f"client.{name}", value)
    yield
    for name, value in previous.items():
        config.set_option(f"client.{name}", value)


def test_config_hides_error_details_and_table_toolbar_downloads():
    client = project_client_config()
    # "type": an uncaught error shows its type only (no message, traceback or path).
    assert client["showErrorDetails"] == "type"
    # The toolbar's own "Download as CSV" writes =HYPERLINK(...) cells unneutralised.
    assert client["disableDataExport"] is True


def test_uncaught_error_outside_a_page_shows_no_traceback(app, monkeypatch, project_config):
    monkeypatch.setattr(cache, "corpus_extras", fail_with(OSError("disk error at /srv/atlas")))
    app.run()
    assert len(app.exception) == 1
    shown = app.exception[0]
    assert shown.stack_trace == []
    assert "/srv" not in shown.message


def test_upload_with_a_wider_range_resets_the_date_filter(app, downloads):
    # The bundled test corpus runs from 2026-01-05 to 2026-06-25; the upload reaches
    # beyond it on both sides, and only two of its six briefings fall inside it.
    texts = sorted(UPLOADS.glob("*.txt"))
    days = ["2025-06-01", "2025-11-15", "2026-02-01", "2026-04-10", "2026-08-30", "2026-09-09"]
    files = {
        f"{day}_{path.name[11:]}": path.read_bytes() for day, path in zip(days, texts, strict=True)
    }
    app.run()
    assert app.date_input(key="dates").value == (date(2026, 1, 5), date(2026, 6, 25))
    upload = ("briefings.zip", zipped(files), "application/zip")
    app.get("file_uploader")[0].set_value(upload).run()
    downloads.clear()
    app.button[0].click().run()
    assert not app.exception
    assert any("Loaded 6 briefings" in s.value for s in app.success)
    assert metric(app, "Briefings") == "6"
    assert app.date_input(key="dates").value == (date(2025, 6, 1), date(2026, 9, 9))
    assert any("2025-06-01 to 2026-09-09" in i.value for i in app.info)
    provenance = downloads[next(n for n in downloads if n.startswith("briefings-per-month"))]
    header = [line for line in provenance.decode("utf-8").splitlines() if line.startswith("#")]
    # The upload's own range, not the stale one of the bundled corpus.
    assert [line for line in header if line.startswith("# filter")] == [
        "# filter end: 2026-09-09",
        "# filter start: 2025-06-01",
    ]
    # Back to the bundled corpus: its own whole range again.
    app.radio(key=cache.SOURCE_KEY).set_value(cache.SAMPLE).run()
    assert not app.exception
    assert metric(app, "Briefings") == "20"
    assert app.date_input(key="dates").value == (date(2026, 1, 5), date(2026, 6, 25))


def test_upload_drops_filter_values_it_does_not_have_with_a_notice(app):
    app.run()
    app.multiselect(key="country").set_value(["TWN", "JPN"]).run()
    app.multiselect(key="topic").set_value([0]).run()
    files = {path.name: path.read_bytes() for path in sorted(UPLOADS.glob("*.txt"))}
    app.get("file_uploader")[0].set_value(("b.zip", zipped(files), "application/zip")).run()
    app.button[0].click().run()
    assert not app.exception
    assert app.multiselect(key="country").value == ["JPN"]  # Taiwan is not in the upload
    assert app.multiselect(key="topic").value == []
    notice = " ".join(i.value for i in app.info)
    assert "Dropped filter values it does not have: countries 'TWN'; topics (1 chosen" in notice
    assert metric(app, "Briefings") == "1"  # the upload's one briefing naming Japan


def test_relations_pairs_offered_when_only_expected_developments_are_selected(app):
    # In "What's next" every sentence of the corpus is an expected development: the
    # timeline draws them as dotted lines, so its picker must offer their pairs.
    app.query_params["section"] = "What's next"
    run_page(app, "pages/relations.py")
    assert_clean(app)
    picker = app.multiselect(key="relation_pairs")
    # Each briefing's "What's next" sentence names its plan's pair: USA–CHN in 4
    # briefings, eight other pairs in 2 each, ties in pair order (CHN–JPN first).
    assert picker.options[:2] == ["China – United States", "China – Japan"]
    assert len(picker.value) == 3
    timeline = json.loads(app.get("plotly_chart")[0].proto.spec)
    names = {trace.get("name") for trace in timeline["data"]}
    assert "China – United States (expected)" in names


@pytest.mark.parametrize(
    ("period", "labels"),
    [
        ("week", ["All periods", "week of 22 Jun 2026", "week of 15 Jun 2026"]),
        ("month", ["All periods", "Jun 2026", "May 2026"]),
        ("quarter", ["All periods", "Q2 2026", "Q1 2026"]),
    ],
    ids=["week", "month", "quarter"],
)
def test_relations_matrix_period_picker_names_the_period_kind(app, period, labels):
    # Briefings every 9 days from Mon 5 Jan 2026 to Thu 25 Jun 2026 (Tue 16 Jun before).
    app.query_params["period"] = period
    run_page(app, "pages/relations.py")
    assert_clean(app)
    picker = app.selectbox(key="matrix_period")
    shown = picker.options  # the labels as listed on screen
    assert [shown[0], shown[-1], shown[-2]] == labels
    assert len(set(shown)) == len(shown)


@pytest.mark.parametrize(
    ("period", "shown"),
    [("week", "[week of] D MMM YYYY"), ("month", "MMM YYYY"), ("quarter", "[Q]Q YYYY")],
    ids=["week", "month", "quarter"],
)
def test_spike_tables_name_periods_by_their_kind(period, shown):
    # The tension spike tables (Overview, Relations) show each period as
    # views.period_label names it ("week of 4 Mar 2024", "Mar 2024", "Q1 2024").
    from analytics.ui import components

    assert components.period_column(period)["type_config"]["format"] == shown


def test_overview_spike_table_fits_its_half_width_column(app, monkeypatch, downloads):
    # Eight columns (pair, period, both codes, sentences, tension, tension per briefing,
    # usual level) ran off the right of the half-width column; the CSV keeps them all.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_with_spike")
    app.run()
    assert_clean(app)
    spikes = next(d for d in app.dataframe if "baseline" in d.value.columns)
    assert list(spikes.value.columns) == [
        "pair",
        "period",
        "n_interactions",
        "tension_share",
        "baseline",
    ]
    row = spikes.value.iloc[0]
    assert row["pair"] == "China – United States"
    assert row["tension_share"] == pytest.approx((0.8 + 3 * 0.9) / 3)
    labels = {k: v["label"] for k, v in json.loads(spikes.proto.columns).items() if "label" in v}
    assert (labels["tension_share"], labels["baseline"]) == (
        "Tension per briefing",
        "Usual per briefing",
    )
    csv = downloads[next(n for n in downloads if n.startswith("tension-spikes"))].decode()
    header = next(line for line in csv.splitlines() if not line.startswith("#"))
    assert "country_a" in header and "tension" in header.split(",")


def test_spike_tables_label_the_same_numbers_alike_on_both_pages(app, monkeypatch):
    # The Relations page showed the pair's summed scores as "Tension" (15.55) beside the
    # per-briefing level, while the Overview's "Tension" was the per-briefing level (0.676),
    # with the pair's ISO codes repeated as "A" and "B". Both now show the same columns
    # under the same labels, each with a help text saying what it holds.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_with_spike")
    shown = {}
    for page in ("pages/overview.py", "pages/relations.py"):
        run_page(app, page)
        assert_clean(app)
        spikes = next(d for d in app.dataframe if "baseline" in d.value.columns)
        columns = json.loads(spikes.proto.columns)
        shown[page] = (
            list(spikes.value.columns),
            {k: (v.get("label"), bool(v.get("help"))) for k, v in columns.items()},
        )
    assert shown["pages/overview.py"] == shown["pages/relations.py"]
    names, labels = shown["pages/relations.py"]
    assert names == ["pair", "period", "n_interactions", "tension_share", "baseline"]
    assert labels["tension_share"] == ("Tension per briefing", True)
    assert labels["baseline"] == ("Usual per briefing", True)
    assert labels["n_interactions"] == ("Sentences", True)


@pytest.mark.parametrize(
    ("page", "prefix"),
    [("pages/overview.py", "tension-spikes"), ("pages/relations.py", "spike-alerts")],
    ids=["overview", "relations"],
)
def test_spike_tables_show_a_small_usual_level_as_a_level(
    app, monkeypatch, downloads, page, prefix
):
    # A pair's usual tension is often a few thousandths per briefing: "%.2f" showed
    # 0.004 as 0.00, the same as none. Both per-briefing columns keep three significant
    # digits (sprintf's %g, as Python's); the CSV keeps the full numbers.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_with_spike")
    run_page(app, page)
    assert_clean(app)
    spikes = next(d for d in app.dataframe if "baseline" in d.value.columns)
    columns = json.loads(spikes.proto.columns)
    for column in ("tension_share", "baseline"):
        shown = columns[column]["type_config"]["format"]
        assert [shown % value for value in (0.004, 0.0, 0.11, (0.8 + 3 * 0.9) / 3)] == [
            "0.004",
            "0",
            "0.11",
            "1.17",
        ]
    csv = downloads[next(n for n in downloads if n.startswith(prefix))].decode()
    lines = [line for line in csv.splitlines() if not line.startswith("#")]
    shared = pd.read_csv(io.StringIO("\n".join(lines)))
    assert shared["baseline"].tolist() == pytest.approx(spikes.value["baseline"].tolist())
    assert shared["tension_share"].iloc[0] == pytest.approx((0.8 + 3 * 0.9) / 3, abs=1e-12)


def test_rising_attention_change_is_shown_in_points(app, downloads):
    # "change" is share now minus share before: a difference of two percentages. Shown
    # as a percentage (31.43% for 28.57% -> 60%) it read as a relative rise.
    app.run()
    assert_clean(app)
    rising = next(d for d in app.dataframe if "change" in d.value.columns)
    row = rising.value.iloc[0]
    assert row["change"] == pytest.approx(row["share"] - row["previous"])
    columns = json.loads(rising.proto.columns)
    change = columns["change"]
    assert change["label"] == "Change"
    assert change["type_config"]["format"] == "%+.1f pts"
    assert columns["share"]["type_config"]["format"] == "%.1f%%"
    assert "percentage points" in change["help"]
    # The table shows percent and points; the CSV keeps the fractions.
    csv = downloads[next(n for n in downloads if n.startswith("rising-attention"))].decode()
    lines = [line for line in csv.splitlines() if not line.startswith("#")]
    shared = pd.read_csv(io.StringIO("\n".join(lines)))
    assert shared["share"].tolist() == pytest.approx((rising.value["share"] / 100).tolist())
    assert shared["change"].tolist() == pytest.approx((rising.value["change"] / 100).tolist())
    assert 0 < shared["change"].max() <= 1


def test_rising_attention_under_a_country_filter_shows_the_country(app, downloads):
    # Filtered on Japan, every selected briefing names Japan: its share of them was 100%
    # in both months, and it never showed as rising. Shares are now of every briefing the
    # other filters keep. June holds b17 b18 b19, May b13 .. b16; Japan is named in b17
    # (with China) and b14 (with South Korea): Japan 1/3 now, 1/4 before (+1/12); China
    # named with Japan in 1/3 now, none before (+1/3); South Korea falls.
    app.query_params["country"] = "Japan"
    app.run()
    assert_clean(app)
    csv = downloads[next(n for n in downloads if n.startswith("rising-attention"))].decode()
    lines = [line for line in csv.splitlines() if not line.startswith("#")]
    rising = pd.read_csv(io.StringIO("\n".join(lines)))
    assert rising["iso3"].tolist() == ["CHN", "JPN"]
    assert rising["share"].tolist() == pytest.approx([1 / 3, 1 / 3])
    assert rising["previous"].tolist() == pytest.approx([0, 1 / 4])
    assert rising["change"].tolist() == pytest.approx([1 / 3, 1 / 12])
    captions = " ".join(c.value for c in app.caption)
    assert "Shares are of every briefing the other filters keep" in captions
    assert "together with Japan" in captions


def test_relations_network_says_why_it_is_empty_with_only_expected_developments(app):
    app.query_params["section"] = "What's next"
    run_page(app, "pages/relations.py")
    assert_clean(app)
    network = json.loads(app.get("plotly_chart")[2].proto.spec)["layout"]
    assert "network links countries by reported sentences" in network["annotations"][0]["text"]
    # Reported sentences selected: the network is drawn, without the note.
    app.selectbox(key="section").set_value("happening").run()
    network = json.loads(app.get("plotly_chart")[2].proto.spec)
    assert network["data"]
    assert "reported sentences" not in json.dumps(network["layout"])


@pytest.mark.parametrize(
    ("period", "point", "heading"),
    [
        ("week", "2026-01-05", "Evidence: China – United States, week of 5 Jan 2026"),
        ("month", "2026-01-01", "Evidence: China – United States, Jan 2026"),
        ("quarter", "2026-01-01", "Evidence: China – United States, Q1 2026"),
    ],
    ids=["week", "month", "quarter"],
)
def test_relations_evidence_names_the_selected_period(app, period, point, heading):
    app.query_params["period"] = period
    run_page(app, "pages/relations.py")
    app.session_state["timeline"] = {
        "selection": {"points": [{"customdata": ["CHN", "USA", point]}], "point_indices": [0]}
    }
    app.run()
    assert_clean(app)
    headings = [h.proto.body for h in app.get("html")]
    assert any(heading in body for body in headings), headings


def shown_choice(box) -> str | None:
    """The option a selectbox shows in the browser: the value the script set, else its
    default; ``None`` for an empty box ("Choose an option")."""
    proto = box.proto
    if proto.set_value:
        return proto.raw_value if proto.HasField("raw_value") else None
    return proto.options[proto.default] if proto.HasField("default") else None


def test_upload_keeps_all_sections_chosen_in_the_section_box(app):
    # Assigning None to the box's state showed it empty ("Choose an option"), though
    # None is its "All sections" choice.
    app.run()
    assert shown_choice(app.selectbox(key="section")) == "All sections"
    files = {path.name: path.read_bytes() for path in sorted(UPLOADS.glob("*.txt"))}
    app.get("file_uploader")[0].set_value(("b.zip", zipped(files), "application/zip")).run()
    app.button[0].click().run()
    assert_clean(app)
    assert shown_choice(app.selectbox(key="section")) == "All sections"
    assert app.selectbox(key="section").value is None  # all sections


def test_upload_from_a_filtered_link_gives_one_notice_not_a_wrong_link_warning(app):
    # The link named Taiwan, which the bundled corpus has: after the upload (without
    # Taiwan) the filter is dropped with a notice; the link was not wrong.
    app.query_params["country"] = ["Taiwan"]
    app.run()
    assert_clean(app)
    assert not app.warning
    files = {path.name: path.read_bytes() for path in sorted(UPLOADS.glob("*.txt"))}
    app.get("file_uploader")[0].set_value(("b.zip", zipped(files), "application/zip")).run()
    app.button[0].click().run()
    assert_clean(app)
    assert "Dropped filter values it does not have: countries 'TWN'" in " ".join(
        i.value for i in app.info
    )
    assert not [w.value for w in app.warning]


def test_representative_briefings_are_the_topics_closest_within_the_dates(app):
    # March keeps b07 of 'security & defence', whose corpus-wide representatives
    # (b01, b02, b04) all fall before it: the table showed none of them and said
    # "nothing matches the current filters" beside a topic with a briefing in range.
    app.query_params["dates"] = ["2026-03-01", "2026-03-31"]
    run_page(app, "pages/topics.py")
    app.selectbox(key="representative_topic").set_value(1).run()
    assert_clean(app)
    examples = next(d.value for d in app.dataframe if "briefing_id" in d.value.columns)
    assert list(examples["briefing_id"]) == ["b07"]
    assert not [i.value for i in app.info if "Representative" in i.value]


def test_representative_briefings_say_why_a_topic_has_none(app):
    # 1-10 March keeps only b07 ('security & defence'); 'trade & tariffs' has none there.
    app.query_params["dates"] = ["2026-03-01", "2026-03-10"]
    run_page(app, "pages/topics.py")
    app.selectbox(key="representative_topic").set_value(0).run()
    assert_clean(app)
    assert (
        "None of the 6 briefings of 'trade & tariffs' falls within the current filters "
        "(dates 2026-03-01 to 2026-03-10)."
    ) in [i.value for i in app.info]


def test_topic_shares_under_a_topic_filter_are_shares_of_all_briefings(app):
    # Within the Topics filter the chosen topic was 100% of every month, saying nothing;
    # of all briefings, 'security & defence' holds 2/3, 2/4, 1/3, 2/3, 2/4, 1/3.
    app.query_params["topic"] = ["security & defence"]
    run_page(app, "pages/topics.py")
    assert_clean(app)
    spec = next(
        json.loads(chart.proto.spec)
        for chart in app.get("plotly_chart")
        if "by topic" in json.loads(chart.proto.spec)["layout"]["title"]["text"]
    )
    assert "chosen topics" in spec["layout"]["title"]["text"]
    traces = {trace["name"]: trace for trace in spec["data"]}
    # Only the chosen topic is drawn, on an axis fitted to it (its top share and a
    # tenth): stacked under the other topics, a small share was a sliver of the chart.
    assert set(traces) == {"security & defence"}
    assert spec["layout"]["yaxis"]["range"] == pytest.approx([0, 200 / 3 * 1.1])
    # plotly writes arrays as base64 ("bdata"): read them back as numbers.
    packed = traces["security & defence"]["y"]
    chosen = np.frombuffer(base64.b64decode(packed["bdata"]), dtype=packed["dtype"])
    assert list(chosen) == pytest.approx([200 / 3, 50, 100 / 3, 200 / 3, 50, 100 / 3])
    assert any("would be 100%" in c.value for c in app.caption)


def test_topics_table_leaves_out_topics_without_briefings(app, downloads):
    # Under the Topics filter the table listed every topic, all but the chosen one at 0
    # briefings (79 of 80 rows on a real corpus); they are left out and counted, and the
    # CSV still lists every topic.
    app.query_params["topic"] = ["security & defence"]
    run_page(app, "pages/topics.py")
    assert_clean(app)
    table = next(d.value for d in app.dataframe if "top_terms" in d.value.columns)
    assert list(table["label"]) == ["security & defence"]
    assert list(table["n_briefings"]) == [10]  # five of the ten plans, twice over
    assert (
        "2 of 3 topics have no briefing under the filters: left out of the table, "
        "listed in its CSV."
    ) in [c.value for c in app.caption]
    csv = downloads[next(n for n in downloads if n.startswith("topics"))].decode()
    header, *rows = [line for line in csv.splitlines() if not line.startswith("#")]
    assert len(rows) == 3


def test_representative_topic_starts_on_the_selection_s_busiest_topic(app):
    # Under a Germany filter the picker opened on 'trade & tariffs', which has no
    # briefing naming Germany; it opens on 'energy' (b05, b08, b15, b18), and each
    # choice says how many briefings the filters keep.
    app.query_params["country"] = ["Germany"]
    run_page(app, "pages/topics.py")
    assert_clean(app)
    picker = app.selectbox(key="representative_topic")
    assert picker.value == 2
    assert list(picker.options) == [
        "trade & tariffs (0 briefings)",
        "security & defence (0 briefings)",
        "energy (4 briefings)",
    ]
    examples = next(d.value for d in app.dataframe if "briefing_id" in d.value.columns)
    assert set(examples["briefing_id"]) <= {"b05", "b08", "b15", "b18"} and len(examples) == 3


def test_relations_invites_a_selection_in_good_english(app):
    run_page(app, "pages/relations.py")
    captions = [c.value for c in app.caption]
    for invitation in ("Select a point", "Select a cell", "Select an edge"):
        assert any(c.startswith(invitation) for c in captions), captions


def test_overview_says_every_input_was_loaded_when_none_was_skipped(app, monkeypatch):
    # "Inputs not loaded: 0 skipped, 0 duplicates" read as a problem, and its table said
    # "nothing matches the current filters", which the filters had nothing to do with.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_all_loaded")
    app.run()
    assert_clean(app)
    assert not [e.label for e in app.expander if e.label.startswith("Inputs")]
    assert "Every input was loaded: none skipped, no duplicates." in [c.value for c in app.caption]


def test_overview_names_a_read_me_apart_from_problems(app, monkeypatch):
    # A synthetic corpus' README.txt opened "Inputs not loaded: 1 skipped" as if an input
    # had failed: a read-me is documentation, named in the caption, never a problem.
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_with_read_me")
    app.run()
    assert_clean(app)
    assert not [e.label for e in app.expander if e.label.startswith("Inputs")]
    assert (
        "Every input was loaded: none skipped, no duplicates. "
        "Set aside as documentation: sample/README.txt."
    ) in [c.value for c in app.caption]


def test_overview_lists_the_inputs_not_loaded(app):
    app.run()
    labels = [e.label for e in app.expander if e.label.startswith("Inputs")]
    assert labels == ["Inputs: 1 skipped"]


def test_overview_empty_movers_say_what_is_missing_not_that_filters_hide_it(app):
    # With no filter set, this corpus (5 January to 25 June 2026) spans two quarters: too
    # few for any spike, and no country rises in the latest; "nothing matches the current
    # filters" sent the analyst looking for a filter.
    app.query_params["period"] = "quarter"
    app.run()
    assert_clean(app)
    notes = [info.value for info in app.info]
    assert notes == [
        "No spike can show in 2 quarters: a pair's tension is measured against at least 2 "
        "earlier quarters. Widen the dates or choose a shorter period.",
        "No country was named in a larger share of briefings in the latest quarter "
        "than in the quarter before.",
    ]
    assert not any("current filters" in note for note in notes)


def test_relations_empty_spike_alerts_say_there_is_no_spike(app):
    # Five months: enough earlier months for a baseline, and no pair jumps above it.
    app.query_params["dates"] = ["2026-02-01", "2026-06-25"]
    run_page(app, "pages/relations.py")
    assert_clean(app)
    assert "No pair's tension jumped above its own recent level in any month." in [
        info.value for info in app.info
    ]


def test_relations_spike_alerts_under_two_months_say_no_spike_can_show(app):
    app.query_params["dates"] = ["2026-05-01", "2026-06-25"]
    run_page(app, "pages/relations.py")
    assert_clean(app)
    assert (
        "No spike can show in 2 months: a pair's tension is measured against at least 2 "
        "earlier months. Widen the dates or choose a shorter period."
    ) in [info.value for info in app.info]


def test_overview_volume_marks_the_month_the_date_filter_cuts(app):
    # From 5 January: January shows 27 of its 31 days.
    app.query_params["dates"] = ["2026-01-05", "2026-03-31"]
    app.run()
    assert_clean(app)
    volume = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert volume["layout"]["title"]["text"] == "Briefings per month"
    assert volume["data"][0]["hovertext"][0] == "Jan 2026 (27 of 31 days shown)"


def test_untitled_briefings_are_named_by_their_opening_words(monkeypatch):
    # Summaries of current events have no titles: the list, the reader's picker and a
    # topic's representative briefings showed blanks ("2026-06-25 · ").
    monkeypatch.setenv(cache.HOOK_ENV, "ui_data:build_artefacts_untitled")
    app = run_page(new_app(), "pages/briefings.py")
    assert_clean(app)
    listed = next(d.value for d in app.dataframe if "briefing_id" in d.value.columns)
    assert listed["title"].str.startswith("\u201c").all(), listed["title"].head()
    assert (
        listed["title"].iloc[0]
        == views.opening_words(
            build_artefacts().briefings.set_index("briefing_id").loc[["b19"]]
        ).iloc[0]
    )
    picker = app.selectbox(key="reader_id")
    assert picker.format_func(picker.value).startswith("2026-06-25 · \u201c")
    # The reader is headed by the same words (it had said "(untitled)").
    heading = next(h.proto.body for h in app.get("html") if h.proto.body.startswith("<h3"))
    assert html.escape(listed["title"].iloc[0]) in heading
    app.switch_page("pages/topics.py").run()
    assert_clean(app)
    examples = next(d.value for d in app.dataframe if "briefing_id" in d.value.columns)
    assert len(examples) and examples["title"].str.startswith("\u201c").all()
