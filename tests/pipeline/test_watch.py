"""Tests of analytics.pipeline.watch and .feeds: polling recorded feeds from a local server.

No test reaches the internet: every feed is served by ``feed_server`` on 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
from pathlib import Path

import pytest
from feed_server import FeedServer, Item, Route, rss, serve
from filelock import FileLock

from analytics import schema as S
from analytics import settings
from analytics.cli import main
from analytics.errors import FeedError, InputError, StoreError
from analytics.pipeline import (
    FEEDS_DIR,
    LOCK,
    Stopper,
    current_generation,
    ensure_store,
    fetch_feed,
    open_store,
    parse_interval,
    poll_feeds,
    read_feed_list,
    read_states,
    watch,
)

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"

# Invented items: every text differs in its words, so none is a near-duplicate of another.
PLACES = ["Norway", "Chile", "Kenya", "Egypt", "Peru", "Fiji", "Japan", "Brazil", "Ghana", "Oman"]
TOPICS = ["harbour fees", "grain shipments", "fishing quotas", "rail links", "power lines",
          "visa rules", "cotton prices", "water rights", "school exchanges", "copper mines",
          "wind farms", "postal services"]  # fmt: skip


def item(number: int) -> Item:
    first = PLACES[number % len(PLACES)]
    second = PLACES[(number * 3 + 1) % len(PLACES)]
    topic = TOPICS[number % len(TOPICS)]
    text = (
        f"{first} and {second} opened talks on {topic} in round {number}. "
        f"Officials from {first} expect a {topic} draft after meeting number {number * 7 + 3}."
    )
    return Item(f"item-{number:03d}", f"{topic.capitalize()} talks {number}", text, "2025-03-10")


@pytest.fixture()
def server():
    yield from serve()


@pytest.fixture()
def store_dir(tmp_path: Path, fixtures_dir: Path) -> Path:
    """A store holding the four fixture briefings, which polls add to."""
    corpus = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "store", corpus)
    store = tmp_path / "store"
    ensure_store([corpus], store, n_topics=2)
    return store


def stored(store_dir: Path) -> list[str]:
    return sorted(open_store(store_dir).table("briefings")[S.BRIEFING_ID])


def lines(result) -> list[str]:
    return [feed.describe() for feed in result.feeds]


def test_poll_appends_new_items_then_only_the_changed_ones(server: FeedServer, store_dir) -> None:
    server.routes["/world.rss"] = Route(rss("World Desk", [item(1), item(2)]))
    url = server.url("/world.rss")
    before = set(stored(store_dir))

    first = poll_feeds([url], store_dir)
    assert lines(first) == [f"{url}: 2 new items (2 in the feed)"]
    assert first.summary is not None and first.summary.mode == "incremental"
    assert set(stored(store_dir)) - before == {"item-001", "item-002"}

    # The feed changes: item 1 leaves, item 3 arrives; only item 3 is new.
    server.routes["/world.rss"] = Route(rss("World Desk", [item(2), item(3)]))
    second = poll_feeds([url], store_dir)
    assert lines(second) == [f"{url}: 1 new item (2 in the feed)"]
    assert set(stored(store_dir)) - before == {"item-001", "item-002", "item-003"}
    briefing = open_store(store_dir).table("briefings").set_index(S.BRIEFING_ID).loc["item-003"]
    assert briefing[S.SOURCE] == "World Desk"
    assert briefing[S.URL] == "https://news.example.org/item-003"
    assert briefing[S.TEXT] == item(3).text


def test_poll_of_repeated_items_leaves_the_store_as_it_was(server: FeedServer, store_dir) -> None:
    server.routes["/world.rss"] = Route(rss("World Desk", [item(1), item(2)]))
    url = server.url("/world.rss")
    poll_feeds([url], store_dir)
    generation = current_generation(store_dir)
    again = poll_feeds([url], store_dir)
    assert lines(again) == [f"{url}: nothing new (2 in the feed)"]
    assert again.summary is None
    assert current_generation(store_dir) == generation


def test_etag_and_last_modified_are_sent_back_and_304_costs_nothing(
    server: FeedServer, store_dir
) -> None:
    stamp = "Mon, 10 Mar 2025 12:00:00 GMT"
    server.routes["/tagged.rss"] = Route(rss("Tagged", [item(4)]), etag='"v1"')
    server.routes["/dated.rss"] = Route(rss("Dated", [item(5)]), last_modified=stamp)
    urls = [server.url("/tagged.rss"), server.url("/dated.rss")]
    poll_feeds(urls, store_dir)
    states = read_states(store_dir)
    assert (states[urls[0]].etag, states[urls[1]].last_modified) == ('"v1"', stamp)
    generation = current_generation(store_dir)

    second = poll_feeds(urls, store_dir)
    assert lines(second) == [f"{urls[0]}: not modified", f"{urls[1]}: not modified"]
    assert current_generation(store_dir) == generation
    tagged = server.requests_to("/tagged.rss")
    dated = server.requests_to("/dated.rss")
    assert "If-None-Match" not in tagged[0].headers
    assert tagged[1].headers["If-None-Match"] == '"v1"'
    assert dated[1].headers["If-Modified-Since"] == stamp


def test_malformed_feed_is_an_error_the_store_untouched_and_the_next_poll_retries(
    server: FeedServer, store_dir
) -> None:
    server.routes["/broken.rss"] = Route((FEEDS / "broken.xml").read_bytes())
    url = server.url("/broken.rss")
    generation = current_generation(store_dir)
    first = poll_feeds([url], store_dir)
    assert lines(first) == [
        f"{url}: error: malformed feed (not well-formed XML: no element found); retry next poll"
    ]
    assert current_generation(store_dir) == generation
    assert not list((store_dir / FEEDS_DIR).rglob("*.jsonl"))

    server.routes["/broken.rss"] = Route(rss("Fixed", [item(6)]))
    second = poll_feeds([url], store_dir)
    assert lines(second) == [f"{url}: 1 new item (1 in the feed)"]
    assert "item-006" in stored(store_dir)
    assert read_states(store_dir)[url].failures == 0


def test_feed_that_times_out_is_an_error_and_the_others_still_load(
    server: FeedServer, store_dir
) -> None:
    server.routes["/slow.rss"] = Route(rss("Slow", [item(7)]), delay=1.5)
    server.routes["/quick.rss"] = Route(rss("Quick", [item(8)]))
    slow, quick = server.url("/slow.rss"), server.url("/quick.rss")
    with settings.override(feed_timeout_seconds=0.3):
        result = poll_feeds([slow, quick], store_dir)
    assert lines(result) == [
        f"{slow}: error: timed out after 0.3 s; retry next poll",
        f"{quick}: 1 new item (1 in the feed)",
    ]
    assert "item-007" not in stored(store_dir) and "item-008" in stored(store_dir)


def test_failing_feed_backs_off_1_then_3_polls(server: FeedServer, store_dir) -> None:
    server.routes["/down.rss"] = Route(b"", status=503)
    url = server.url("/down.rss")
    said = [lines(poll_feeds([url], store_dir))[0].removeprefix(f"{url}: ") for _ in range(8)]
    assert said == [
        "error: HTTP 503 Service Unavailable; retry next poll",
        "error: HTTP 503 Service Unavailable; retry in 2 polls",
        "backing off after 2 failed polls (last: HTTP 503 Service Unavailable); "
        "next try in 1 polls",
        "error: HTTP 503 Service Unavailable; retry in 4 polls",
        "backing off after 3 failed polls (last: HTTP 503 Service Unavailable); "
        "next try in 3 polls",
        "backing off after 3 failed polls (last: HTTP 503 Service Unavailable); "
        "next try in 2 polls",
        "backing off after 3 failed polls (last: HTTP 503 Service Unavailable); "
        "next try in 1 polls",
        "error: HTTP 503 Service Unavailable; retry in 8 polls",
    ]
    assert len(server.requests_to("/down.rss")) == 4  # polls 1, 2, 4 and 8


def test_back_off_is_capped_by_the_setting(server: FeedServer, store_dir) -> None:
    server.routes["/down.rss"] = Route(b"", status=500)
    url = server.url("/down.rss")
    with settings.override(feed_max_backoff_polls=1):
        for _ in range(5):
            poll_feeds([url], store_dir)
    assert read_states(store_dir)[url].skip_polls <= 1
    assert len(server.requests_to("/down.rss")) == 3  # polls 1, 2 and 4


def test_ten_polls_of_overlapping_feeds_leave_no_duplicate_briefing(
    server: FeedServer, store_dir
) -> None:
    east, west = server.url("/east.rss"), server.url("/west.rss")
    before = len(stored(store_dir))
    for poll in range(10):
        # East carries items poll..poll+4, west poll+2..poll+6 (three shared by id each
        # poll), and west repeats east's first item under its own id with the same text.
        east_items = [item(n) for n in range(poll, poll + 5)]
        copy = Item(f"west-copy-{poll}", east_items[0].title, east_items[0].text)
        west_items = [item(n) for n in range(poll + 2, poll + 7)] + [copy]
        server.routes["/east.rss"] = Route(rss("East", east_items))
        server.routes["/west.rss"] = Route(rss("West", west_items))
        poll_feeds([east, west], store_dir)
    ids = stored(store_dir)
    briefings = open_store(store_dir).table("briefings")
    assert len(ids) == len(set(ids))
    assert not briefings[S.TEXT].duplicated().any()
    # Items 0..15 once each: 16 new briefings; every west copy was an exact duplicate.
    assert len(ids) - before == 16
    assert {f"item-{n:03d}" for n in range(16)} <= set(ids)
    assert not any(identifier.startswith("west-copy") for identifier in ids)


def test_store_that_cannot_be_written_keeps_nothing_and_the_next_poll_adds(
    server: FeedServer, store_dir
) -> None:
    server.routes["/world.rss"] = Route(rss("World Desk", [item(9)]), etag='"w1"')
    url = server.url("/world.rss")
    other_writer = FileLock(store_dir / LOCK)
    other_writer.acquire()
    try:
        result = poll_feeds([url], store_dir, wait=0)
    finally:
        other_writer.release()
    assert lines(result)[0].startswith(
        f"{url}: error: the store was not updated (the store at {store_dir} is still held by"
    )
    assert lines(result)[0].endswith("; retry next poll")
    assert result.n_new == 0
    assert not list((store_dir / FEEDS_DIR).rglob("*.jsonl"))
    assert read_states(store_dir)[url].etag is None  # so the next poll fetches it again

    again = poll_feeds([url], store_dir)
    assert lines(again) == [f"{url}: 1 new item (1 in the feed)"]
    assert "item-009" in stored(store_dir)


def test_poll_into_a_new_store_builds_it(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/world.rss"] = Route(rss("World Desk", [item(n) for n in range(6)]))
    url = server.url("/world.rss")
    result = poll_feeds([url], tmp_path / "fresh")
    assert lines(result) == [f"{url}: 6 new items (6 in the feed)"]
    assert result.summary is not None and result.summary.mode == "full"
    assert stored(tmp_path / "fresh") == [f"item-{n:03d}" for n in range(6)]


def test_poll_refuses_a_folder_that_is_not_a_store(server: FeedServer, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="is not a Briefing Atlas store and not empty"):
        poll_feeds([server.url("/x.rss")], folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_watch_loops_until_stopped_and_logs_each_feed(server: FeedServer, store_dir) -> None:
    server.routes["/world.rss"] = Route(rss("World Desk", [item(10)]), etag='"a"')
    url = server.url("/world.rss")
    stopper = Stopper()
    logged: list[str] = []

    def log(line: str) -> None:
        logged.append(line)
        if len([entry for entry in logged if entry.startswith(url)]) == 2:
            stopper.stop()

    results = watch([url], store_dir, every=0.05, log=log, stopper=stopper)
    assert len(results) == 2
    assert [entry for entry in logged if not entry.startswith("store: ")] == [
        f"{url}: 1 new item (1 in the feed)",
        f"{url}: not modified",
    ]
    assert logged[1].startswith("store: incremental ingest: 5 briefings in store")


def test_watch_follow_up_keeps_the_new_generations_follow_up(server: FeedServer, store_dir) -> None:
    server.routes["/world.rss"] = Route(rss("World Desk", [item(11)]))
    url = server.url("/world.rss")
    logged: list[str] = []
    watch([url], store_dir, every=60, once=True, log=logged.append, follow_up=True)
    assert logged[0] == f"{url}: 1 new item (1 in the feed)"
    assert logged[1].startswith("store: incremental ingest: 5 briefings in store")
    assert re.fullmatch(
        r"follow-up: \d+ expected events, \d+ reported; kept for the dashboard and exports "
        r"\(\d+\.\d s\)",
        logged[2],
    )
    assert len(list((store_dir / "follow-up").glob("*.parquet"))) == 1
    # A poll with nothing new writes no generation and works nothing out.
    logged.clear()
    watch([url], store_dir, every=60, once=True, log=logged.append, follow_up=True)
    assert logged == [f"{url}: nothing new (1 in the feed)"]


def test_only_one_watch_per_store(server: FeedServer, store_dir) -> None:
    (store_dir / FEEDS_DIR).mkdir(exist_ok=True)
    running = FileLock(store_dir / FEEDS_DIR / ".watch-lock")
    running.acquire()
    try:
        with pytest.raises(StoreError, match="another watch is already keeping the store"):
            watch([server.url("/x.rss")], store_dir, every=60, once=True, log=lambda line: None)
    finally:
        running.release()


def test_fetch_feed_refuses_what_is_not_a_web_address() -> None:
    with pytest.raises(InputError, match=r"starts with http:// or https://; got 'file:///etc/x'"):
        fetch_feed("file:///etc/x")


def test_fetch_feed_refuses_a_feed_over_the_size_cap(server: FeedServer) -> None:
    server.routes["/big.rss"] = Route(b"x" * 300_000)
    with pytest.raises(FeedError, match=r"^larger than 0.1 MB \(setting feed_max_mb\)$"):
        fetch_feed(server.url("/big.rss"), max_mb=0.1)


def test_fetch_feed_refuses_a_redirect_off_the_web(server: FeedServer) -> None:
    server.routes["/ftp.rss"] = Route(status=302, location="ftp://127.0.0.1/feed.rss")
    with pytest.raises(FeedError, match=r"^redirected to a non-web address; got 'ftp://127"):
        fetch_feed(server.url("/ftp.rss"))
    server.routes["/file.rss"] = Route(status=302, location="file:///etc/passwd")
    with pytest.raises(FeedError, match=r"^HTTP 302 Found - Redirection to url 'file:///etc/"):
        fetch_feed(server.url("/file.rss"))


def test_fetch_feed_follows_a_redirect_to_another_feed(server: FeedServer) -> None:
    server.routes["/new.rss"] = Route(rss("Moved", [item(1)]), etag='"n"')
    server.routes["/old.rss"] = Route(status=301, location=server.url("/new.rss"))
    fetched = fetch_feed(server.url("/old.rss"))
    assert fetched.modified and fetched.etag == '"n"' and b"item-001" in (fetched.body or b"")


def test_fetch_feed_names_a_refused_connection() -> None:
    with pytest.raises(FeedError, match=r"^cannot connect \(Connection refused\)$"):
        fetch_feed("http://127.0.0.1:9/nothing-listens-here.rss", timeout=2)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900.0), ("90s", 90.0), ("1h", 3600.0), ("30", 30.0), ("0.5s", 0.5), (" 2M ", 120.0)],
    ids=["minutes", "seconds", "hours", "bare-number", "fraction", "spaces-and-case"],
)
def test_parse_interval(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["0m", "-5s", "15 minutes", "", "m"], ids=str)
def test_parse_interval_refuses(text: str) -> None:
    with pytest.raises(InputError, match=r"positive number with an optional unit .*got"):
        parse_interval(text)


def test_read_feed_list_skips_comments_and_repeats(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text(
        "# world desks\nhttps://a.example.org/feed.xml\n\n  http://b.example.org/rss  \n"
        "https://a.example.org/feed.xml\n",
        encoding="utf-8",
    )
    assert read_feed_list(listing) == ["https://a.example.org/feed.xml", "http://b.example.org/rss"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("https://a.example.org/x\nftp://b.example.org/y\n", r"line 2 of the feed list is not"),
        ("# only a comment\n\n", r"names no feed URL"),
    ],
    ids=["not-a-url", "empty"],
)
def test_read_feed_list_refuses(tmp_path: Path, content: str, message: str) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_feed_list(listing)


def test_cli_watch_once_logs_a_line_per_feed(server: FeedServer, store_dir, tmp_path, capsys):
    server.routes["/world.rss"] = Route(rss("World Desk", [item(11), item(12)]))
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"{server.url('/world.rss')}\n{server.url('/gone.rss')}\n", "utf-8")
    assert main(["watch", str(listing), "--store", str(store_dir), "--once"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[1] for line in out[:2]] == [
        f"{server.url('/world.rss')}: 2 new items (2 in the feed)",
        f"{server.url('/gone.rss')}: error: HTTP 404 Not Found; retry next poll",
    ]
    assert out[2].split(" ", 1)[1].startswith("store: incremental ingest: 6 briefings in store")


def test_cli_watch_with_a_bad_list_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("not a url\n", encoding="utf-8")
    assert main(["watch", str(listing), "--store", str(tmp_path / "s"), "--once"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: line 1 of the feed list is not a feed URL (http:// or https://); "
                   "got 'not a url'"]  # fmt: skip
    assert not (tmp_path / "s").exists()


def test_cli_ingest_of_a_feed_url_keeps_the_feed_in_the_store(
    server: FeedServer, tmp_path: Path, capsys
) -> None:
    server.routes["/world.rss"] = Route((FEEDS / "world.rss").read_bytes())
    store = tmp_path / "store"
    assert main(["ingest", server.url("/world.rss"), "--store", str(store), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "3 loaded" in out and "1 skipped" in out
    assert "item 'world-0003' has no text (no content or summary)" in out
    saved = list((store / FEEDS_DIR).rglob("*.xml"))
    assert len(saved) == 1 and saved[0].read_bytes() == (FEEDS / "world.rss").read_bytes()
    assert set(stored(store)) == {
        "world-0001",
        "https://news.example.org/world/grain-corridor",
        "feed-7ad70535b928544d",
    }


def test_cli_ingest_of_an_unreachable_feed_exits_2_and_writes_nothing(tmp_path, capsys):
    store = tmp_path / "store"
    url = "http://127.0.0.1:9/feed.rss"
    assert main(["ingest", url, "--store", str(store)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: the feed could not be fetched: cannot connect (Connection refused); got {url!r}"
    )
    assert not store.exists()


def test_cli_watch_stops_cleanly_on_ctrl_c(server: FeedServer, store_dir, tmp_path, capsys):
    server.routes["/world.rss"] = Route(rss("World Desk", [item(13)]), etag='"c"')
    listing = tmp_path / "feeds.txt"
    listing.write_text(server.url("/world.rss") + "\n", encoding="utf-8")
    # Ctrl-C arrives during the first poll or the wait after it: either way the poll
    # finishes, the loop ends, and the exit is clean.
    before = signal.getsignal(signal.SIGINT)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        code = main(["watch", str(listing), "--store", str(store_dir), "--every", "1h"])
    finally:
        timer.cancel()
    assert code == 0
    captured = capsys.readouterr()
    assert "stopping after this poll (Ctrl-C again to stop at once)" in captured.err
    assert captured.err.strip().endswith(
        "watch stopped after 1 poll (1 item added); the store holds every completed poll"
    )
    assert "item-013" in stored(store_dir)
    assert signal.getsignal(signal.SIGINT) == before  # the handler in force is put back


def test_cli_ingest_keeps_no_feed_when_a_later_one_fails(server: FeedServer, tmp_path, capsys):
    server.routes["/world.rss"] = Route((FEEDS / "world.rss").read_bytes())
    store = tmp_path / "store"
    gone = server.url("/gone.rss")
    assert main(["ingest", server.url("/world.rss"), gone, "--store", str(store)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: the feed could not be fetched: HTTP 404 Not Found; got {gone!r}"
    )
    assert not list(store.rglob("*.xml"))
    assert current_generation(store) is None


def test_cli_watch_keeps_a_store_on_an_object_store_current(
    server: FeedServer, tmp_path: Path, fixtures_dir: Path, monkeypatch, capsys
) -> None:
    url = f"objstore+file://{tmp_path / 'bucket' / 'atlas'}"
    remote = tmp_path / "bucket" / "atlas"
    monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "cache-one"))
    shutil.copytree(fixtures_dir / "store", tmp_path / "corpus")
    assert main(["ingest", str(tmp_path / "corpus"), "--store", url, "--topics", "2"]) == 0
    server.routes["/world.rss"] = Route(rss("World Desk", [item(11), item(12)]), etag='"v1"')
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"{server.url('/world.rss')}\n", "utf-8")
    capsys.readouterr()
    assert main(["watch", str(listing), "--store", url, "--once"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split(" ", 1)[1] == f"{server.url('/world.rss')}: 2 new items (2 in the feed)"
    assert out[1].split(" ", 1)[1].startswith("store: incremental ingest: 6 briefings in store")
    # The poll's generation, its saved items and the feed state were published.
    assert (remote / "CURRENT").read_text() == "gen-000002"
    assert (remote / FEEDS_DIR / "state.json").is_file()
    assert len(list((remote / FEEDS_DIR).rglob("*.jsonl"))) == 1
    # Another machine's watch starts from the published state: the feed's ETag is sent.
    monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(tmp_path / "cache-two"))
    server.routes["/world.rss"].status = 304
    assert main(["watch", str(listing), "--store", url, "--once"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[1] for line in out] == [f"{server.url('/world.rss')}: not modified"]
    assert server.requests_to("/world.rss")[-1].headers.get("If-None-Match") == '"v1"'
