"""The app and its store: a damaged store is named and never replaced; write failures are
one clear message. Pages are run with AppTest as in test_pages."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path

import pytest
from bench_modules import load_bench
from test_pages import navigation_pages, new_app  # noqa: F401  (autouse fixture)

from analytics.pipeline import ensure_store, open_store
from analytics.pipeline import lock as lock_module
from analytics.ui import cache


@pytest.fixture()
def configured(tmp_path: Path, fixtures_dir: Path, monkeypatch) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "store", corpus)
    store_dir = tmp_path / "store"
    monkeypatch.delenv(cache.HOOK_ENV, raising=False)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", str(store_dir))
    monkeypatch.setenv("BRIEFING_ATLAS_CORPUS", str(corpus))
    return corpus, store_dir


def test_app_names_a_damaged_store_keeps_its_parts_and_rebuilds_on_request(configured) -> None:
    corpus, store_dir = configured
    store, _ = ensure_store([corpus], store_dir, n_topics=2)
    meta = store.generation / "meta.json"
    meta.write_text("{not json", encoding="utf-8")
    tables = store_dir / "tables"
    parts = {p: p.read_bytes() for p in tables.rglob("*") if p.is_file()}

    app = new_app()
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "The corpus could not be loaded: the store at store is damaged "
        "(gen-000001/meta.json cannot be read: Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1)); rebuild it with "
        "`python -m analytics ingest PATH... --store store --rebuild`"
    ]
    assert {p: p.read_bytes() for p in tables.rglob("*") if p.is_file()} == parts
    assert meta.read_text(encoding="utf-8") == "{not json"
    rebuild = [b for b in app.button if b.label.startswith("Rebuild")]
    assert [b.label for b in rebuild] == ["Rebuild the store from the configured corpus (corpus)"]

    rebuild[0].click().run()
    assert not app.exception and not app.error
    rebuilt = open_store(store_dir)
    assert rebuilt.meta["n_briefings"] == 4
    assert json.loads((rebuilt.generation / "meta.json").read_text())["paths"] == [
        str(corpus.resolve())
    ]


def test_app_on_a_read_only_empty_store_folder_shows_one_error(configured, monkeypatch) -> None:
    _, store_dir = configured
    store_dir.mkdir()

    class ReadOnlyLock:
        """What acquiring the lock does in a folder the app may not write (root ignores modes)."""

        def __init__(self, path: Path, **kwargs: object) -> None:
            self.path = path

        def acquire(self, timeout: float) -> None:
            raise PermissionError(errno.EACCES, "Permission denied", str(self.path))

    monkeypatch.setattr(lock_module, "FileLock", ReadOnlyLock)
    app = new_app()
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "The corpus could not be loaded: cannot write to the store at store: "
        "permission denied (the folder is read-only); the store was not changed"
    ]
    assert not [b for b in app.button if b.label.startswith("Rebuild")]
    assert list(store_dir.iterdir()) == []


def test_store_messages_name_folders_not_server_paths(tmp_path: Path) -> None:
    config = cache.CorpusConfig(
        corpus_paths=(tmp_path / "feeds" / "news",), store_dir=tmp_path / "atlas"
    )
    message = f"the store at {tmp_path / 'atlas'} is damaged; inputs {tmp_path}/feeds/news/a.txt"
    shown = cache.without_server_paths(message, config)
    assert shown == "the store at atlas is damaged; inputs news/a.txt"
    assert str(tmp_path) not in shown


def test_app_names_a_store_url_it_cannot_use(configured, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", "ftp://host/atlas")
    app = new_app()
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "The corpus could not be loaded: a store is a folder, a file:///absolute/path URL or "
        "a URL of an object store (s3://BUCKET/PATH, gs://BUCKET/PATH, "
        "az://CONTAINER/PATH); got 'ftp://host/atlas'"
    ]


def test_app_reads_a_store_given_as_a_file_url(configured, monkeypatch) -> None:
    corpus, store_dir = configured
    ensure_store([corpus], store_dir, n_topics=2)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", store_dir.resolve().as_uri())
    app = new_app()
    app.run()
    assert not app.exception and not app.error
    assert cache.corpus_config([]).store_dir == store_dir.resolve()


ADDED = """Date: 2025-03-03
Title: China and Japan hold trade talks
Source: Asia desk

What's Happening?
China and Japan held trade talks in Beijing and agreed to resume seafood imports.
Why It's Important?
The talks eased trade tensions that had built up between the two neighbours over the past year.
What's Next?
Ministers could meet again to discuss further steps on trade cooperation.
"""


def updates(app) -> list[str]:
    return [i.value for i in app.info if i.value.startswith("Data updated")]


def test_app_notices_a_new_store_generation_and_keeps_the_filters(configured, tmp_path) -> None:
    from datetime import date

    corpus, store_dir = configured
    ensure_store([corpus], store_dir, n_topics=2)
    app = new_app()
    app.run()
    assert not app.exception
    assert app.date_input(key="dates").value == (date(2025, 1, 6), date(2025, 2, 17))
    app.multiselect(key="country").set_value(["JPN"]).run()
    assert not updates(app)

    added = tmp_path / "added"
    added.mkdir()
    (added / "b1.txt").write_text(ADDED, encoding="utf-8")
    ensure_store([added], store_dir, add=True)  # as `ingest --add` or a `watch` poll does
    app.run()
    assert not app.exception and not app.error
    assert updates(app) == [
        "Data updated: the bundled corpus now holds 5 briefings (+1 since this page last "
        "loaded); your filters are kept. The dates now run to 2025-03-03."
    ]
    assert app.multiselect(key="country").value == ["JPN"]
    assert app.date_input(key="dates").value == (date(2025, 1, 6), date(2025, 3, 3))
    # Japan: the defence agreement (a1) and the new trade talks.
    assert [m.value for m in app.metric if m.label == "Briefings"] == ["2"]

    app.run()  # the notice is said once
    assert not updates(app)


def test_app_says_while_a_writer_holds_the_store(configured) -> None:
    corpus, store_dir = configured
    ensure_store([corpus], store_dir, n_topics=2)
    app = new_app()
    app.run()
    assert not [c for c in app.caption if "is writing to the store" in c.value]
    with lock_module.writer_lock(store_dir, 0, print, "an ingest"):
        app.run()
        said = [c.value for c in app.caption if "is writing to the store" in c.value]
        assert not app.exception and len(said) == 1
        assert re.fullmatch(
            r":material/sync: An ingest is writing to the store \(started \d{4}-\d\d-\d\d "
            r"\d\d:\d\d:\d\d\); new data it makes is shown here when it is done, with your "
            r"filters kept\.",
            said[0],
        )
    app.run()
    assert not [c for c in app.caption if "is writing to the store" in c.value]


def test_store_check_reruns_the_app_only_for_another_generation(configured, monkeypatch):
    corpus, store_dir = configured
    store, _ = ensure_store([corpus], store_dir, n_topics=2)
    reruns: list[str] = []
    monkeypatch.setattr(cache.st, "rerun", lambda scope="app": reruns.append(scope))
    shown = {cache.GENERATION_KEY: store.generation.name}
    monkeypatch.setattr(cache.st, "session_state", shown)
    cache._reload_when_store_changes(str(store_dir))
    assert reruns == []
    shown[cache.GENERATION_KEY] = "gen-000000"
    cache._reload_when_store_changes(str(store_dir))
    assert reruns == ["app"]


def test_app_reads_a_store_on_an_object_store_and_notices_its_new_generation(
    configured, tmp_path, monkeypatch
) -> None:
    from analytics import settings
    from analytics.pipeline.remote import writing_store

    corpus, _ = configured
    url = f"objstore+file://{tmp_path / 'bucket' / 'atlas'}"

    def write_elsewhere(paths: list[Path], **options) -> None:
        # Another machine: a working copy of its own.
        monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "writer-cache"))
        with writing_store(url, wait=0, on_wait=print) as working:
            ensure_store(paths, working.path, **options)
        monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "app-cache"))

    write_elsewhere([corpus], n_topics=2)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", url)
    with settings.override(store_check_seconds=0.0):
        app = new_app()
        app.run()
        assert not app.exception and not app.error
        config = cache.corpus_config([])
        assert (config.store_url, config.store_dir) == (
            url,
            tmp_path / "app-cache" / "file" / str(tmp_path / "bucket" / "atlas").lstrip("/"),
        )
        assert [m.value for m in app.metric if m.label == "Briefings"] == ["4"]

        added = tmp_path / "added"
        added.mkdir()
        (added / "b1.txt").write_text(ADDED, encoding="utf-8")
        write_elsewhere([added], add=True)
        app.run()
        assert not app.exception and not app.error
        assert updates(app) == [
            "Data updated: the bundled corpus now holds 5 briefings (+1 since this page last "
            "loaded); your filters are kept. The dates now run to 2025-03-03."
        ]


def test_app_names_a_missing_store_on_an_object_store(configured, tmp_path, monkeypatch) -> None:
    (tmp_path / "bucket").mkdir()
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", f"objstore+file://{tmp_path / 'bucket'}")
    monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "app-cache"))
    app = new_app()
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "The corpus could not be loaded: there is no store at "
        f"objstore+file://{tmp_path / 'bucket'}: it holds no CURRENT generation"
    ]
    # Never built nor rebuilt from the dashboard.
    assert not [b for b in app.button if b.label.startswith("Rebuild")]


def test_watchlist_page_keeps_the_follow_up_in_the_store_and_reads_it_next_time(
    configured, monkeypatch
) -> None:
    corpus, store_dir = configured
    ensure_store([corpus], store_dir, n_topics=2)
    app = new_app()
    app.run()
    app.switch_page("pages/watchlist.py").run()
    assert not app.exception and not app.error
    kept = list((store_dir / "follow-up").glob("*.parquet"))
    assert len(kept) == 1
    shown = [m.value for m in app.metric]

    # Another server process (the cache cleared) reads the kept follow-up: none is worked out.
    def refuse(*args, **kwargs):
        raise AssertionError("the follow-up was worked out again")

    monkeypatch.setattr("analytics.watchlist.follow_up", refuse)
    cache._cached_followed.clear()
    again = new_app()
    again.run()
    again.switch_page("pages/watchlist.py").run()
    assert not again.exception and not again.error
    assert [m.value for m in again.metric] == shown
    assert list((store_dir / "follow-up").glob("*.parquet")) == kept


def test_watchlist_page_leaves_a_large_corpus_follow_up_to_the_command_line(
    configured, monkeypatch
) -> None:
    import analytics.watchlist
    from analytics import settings
    from analytics.pipeline.follow_ups import follow_up_is_kept, keep_follow_up

    corpus, store_dir = configured
    store, _ = ensure_store([corpus], store_dir, n_topics=2)
    worked_out = analytics.watchlist.follow_up

    def refuse(*args, **kwargs):
        raise AssertionError("the page worked the follow-up out")

    # The fixture's 4 briefings are above a limit of 3: the page works nothing out and
    # says how to keep the follow-up; nothing is written to the store.
    with settings.override(dashboard_follow_up_briefings=3):
        monkeypatch.setattr("analytics.watchlist.follow_up", refuse)
        cache._cached_followed.clear()
        app = new_app()
        app.run()
        app.switch_page("pages/watchlist.py").run()
        assert not app.exception and not app.error
        assert [w.value for w in app.warning] == [
            "The follow-up of these 4 briefings is not kept in the store yet. Working it out "
            "reads every later report of every expected event, which takes many minutes at "
            "this size (about 40 at a million briefings on two cores), too long for the page "
            f"to do while you wait. Keep it once with `python -m analytics follow-up --store "
            f"{store_dir}` (ingest and watch do it with `--follow-up`), then reload."
        ]
        assert not app.metric and not app.dataframe
        assert not (store_dir / "follow-up").exists()
        assert not follow_up_is_kept(store_dir, store.artefacts())

        # Kept by the command: the page reads it.
        monkeypatch.setattr("analytics.watchlist.follow_up", worked_out)
        assert keep_follow_up(store_dir).startswith("follow-up: ")
        assert follow_up_is_kept(store_dir, store.artefacts())
        monkeypatch.setattr("analytics.watchlist.follow_up", refuse)
        again = new_app()
        again.run()
        again.switch_page("pages/watchlist.py").run()
        assert not again.exception and not again.error and not again.warning
        assert [m.label for m in again.metric] == ["Reported", "Not seen", "Open"]


def test_app_names_an_unreachable_object_store_in_one_message(configured, tmp_path, monkeypatch):
    for name, value in load_bench("local_s3").unreachable_s3_settings().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BRIEFING_ATLAS_STORE", "s3://bucket/atlas")
    monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "app-cache"))
    app = new_app()
    app.run(timeout=120)
    assert not app.exception
    [error] = [e.value for e in app.error]
    assert error.startswith("The corpus could not be loaded: cannot read the store at s3://")
    assert "\n" not in error
