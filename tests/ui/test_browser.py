"""Real-browser smoke test: every page in Chromium, offline, with screenshots.

Starts ``streamlit run dashboard.py`` on the bundled sample corpus (its store is
built in a temporary folder by the app itself, through the first-run progress
bar), opens each page with Playwright while refusing every request to a host
other than localhost, fails on any exception or error box and on any chart that
draws nothing, and saves full-page screenshots (1400 px wide): to docs/screenshots/
with ATLAS_SCREENSHOTS=1, else to a temporary folder.

Set ``BRIEFING_ATLAS_BROWSER_HOOK=module:function`` to serve a hand-built corpus
instead (see ``analytics.ui.cache.HOOK_ENV``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Screenshots refresh the README's images only when asked (ATLAS_SCREENSHOTS=1), so a
# test run leaves the working tree clean; otherwise they go to a temporary folder.
SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("ATLAS_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "atlas-screenshots"
)
PAGES = [
    ("", "overview"),
    ("countries", "countries"),
    ("topics", "topics"),
    ("relations", "relations"),
    ("watchlist", "watchlist"),
    ("briefings", "briefings"),
]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTH = 1400

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    env = dict(os.environ)
    hook = env.pop("BRIEFING_ATLAS_BROWSER_HOOK", "")
    if hook:
        env["BRIEFING_ATLAS_ARTEFACTS_HOOK"] = hook
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    store = tmp_path_factory.mktemp("store")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        # Source edits during a run would raise a "source changed" prompt, not a rerun.
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--",
        "--store",
        str(store),
    ]
    log = (tmp_path_factory.mktemp("log") / "streamlit.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def offline_page(browser, blocked: list[str]):
    """A page that lets through only requests to this machine."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})

    def route(request_route) -> None:
        host = request_route.request.url.split("/")[2].split(":")[0]
        if host in {"127.0.0.1", "localhost"}:
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return page


def settle(page, timeout_ms: int = 240_000) -> None:
    """Wait until the script run is over and every element has been drawn."""
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=timeout_ms)
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-testid=\"stProgress\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"] button')",
        timeout=timeout_ms,
    )
    page.wait_for_load_state("networkidle")
    time.sleep(2.0)


# Per chart: how many data marks it drew and whether it shows an empty-state message.
CHART_CONTENT = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => ({
  marks: chart.querySelectorAll(
    '.scatterlayer .trace path, .scatterlayer .point, .barlayer .point, '
    + '.choroplethlocation, .heatmaplayer image').length,
  outline: [...chart.querySelectorAll('.geo .layer path')]
    .reduce((total, path) => total + (path.getAttribute('d') || '').length, 0),
  message: [...chart.querySelectorAll('.annotation-text')].map(t => t.textContent).join(' '),
}))
"""


def drawn_charts(page, timeout_s: float = 90.0) -> list[dict]:
    """The charts' content once every one has drawn its marks, or as it stands at the timeout.

    Plotly draws after Streamlit's run is over (a map also fetches its outline), so on a
    loaded machine the marks can lag the page settling; poll rather than trust one look.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        charts = page.evaluate(CHART_CONTENT)
        if all(chart["marks"] > 0 for chart in charts) or time.monotonic() > deadline:
            return charts
        time.sleep(0.5)


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main container, so grow the viewport to fit it."""
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stAppViewContainer"], section\')]'
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(900, int(height) + 40)})
    time.sleep(1.5)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": 900})


def test_deep_link_on_a_fresh_server_shows_the_page_with_filters(server, browser):
    # Runs first: the first session of a new server must route /topics through the
    # entrypoint too (frame, filters, URL state), not run the page script alone.
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    try:
        page.goto(f"{server}/topics?period=quarter")
        settle(page)
        assert page.locator("h1").first.inner_text() == "Topics"
        assert page.get_by_text("Filters", exact=True).count() == 1
        assert page.get_by_label("quarter").is_checked()
        assert not blocked
    finally:
        page.close()


@pytest.mark.parametrize(("path", "name"), PAGES, ids=[name for _, name in PAGES])
def test_page_renders_offline_in_chromium(server, browser, path, name):
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    try:
        page.goto(f"{server}/{path}")
        settle(page)
        errors = page.locator('[data-testid="stException"]').all_inner_texts()
        errors += page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
        assert not errors, errors
        charts = drawn_charts(page)
        assert name == "briefings" or charts, "expected at least one chart"
        for index, chart in enumerate(charts):
            assert chart["marks"] > 0, f"chart {index} on {name} is empty: {chart['message']!r}"
        if name == "countries":
            # Land and borders of the whole world: tens of thousands of path characters.
            assert charts[0]["outline"] > 20_000, "the world outline did not load"
        SHOTS.mkdir(parents=True, exist_ok=True)
        full_page_screenshot(page, SHOTS / f"{name}.png")
        assert not blocked, f"the page tried to reach the network: {blocked}"
    finally:
        page.close()


def test_shared_link_seeds_filters_in_the_browser(server, browser):
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    try:
        page.goto(f"{server}/briefings?period=quarter&q=__no_such_word__")
        settle(page)
        assert page.get_by_text("0 briefings match the filters").count() == 1
        page.goto(f"{server}/?country=__nowhere__")
        settle(page)
        assert page.get_by_text("Ignored unknown country value(s)").count() == 1
    finally:
        page.close()


def test_selecting_a_network_edge_shows_its_evidence(server, browser):
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    try:
        page.goto(f"{server}/relations")
        settle(page)
        network = page.locator('[data-testid="stPlotlyChart"]').nth(2)
        network.scroll_into_view_if_needed()
        # The edge midpoints are the second-to-last trace; click the first one.
        midpoint = network.locator(".scatterlayer .trace").nth(-2).locator(".point").first
        box = midpoint.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("text=Evidence:", timeout=60_000)
        settle(page)
        assert page.locator("mark.atlas-country").count() > 0
        assert page.locator("mark.atlas-cue").count() > 0
        assert not blocked
    finally:
        page.close()


def test_table_toolbar_offers_no_unneutralised_csv_download(server, browser):
    # The toolbar's own CSV export writes =HYPERLINK(...) cells as they are; the app's
    # formula-safe download button under each table is the way to export.
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    try:
        page.goto(f"{server}/briefings")
        settle(page)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.scroll_into_view_if_needed()
        table.hover()
        toolbar = page.locator('[data-testid="stElementToolbar"]').first
        toolbar.wait_for(state="visible", timeout=30_000)
        labels = [
            button.get_attribute("aria-label") or button.inner_text()
            for button in toolbar.locator("button").all()
        ]
        assert any("Search" in label for label in labels), labels  # the toolbar is there
        assert not any("Download" in label for label in labels), labels
        assert page.get_by_role("button", name="Download CSV").count() >= 1
    finally:
        page.close()
