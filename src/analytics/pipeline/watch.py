"""Keeping a store current from feeds: ``python -m analytics watch FEEDS.txt --store DIR``.

Each poll fetches every feed of the list with a conditional request (``feeds``),
keeps the items whose ids are neither stored nor seen in that feed's last stored
document, writes them under the store's ``feeds/`` folder and appends them with the
incremental ``ensure_store(..., add=True)``: one new generation per poll that brings
anything. A feed that fails (refused, timed out, an HTTP error, malformed) adds
nothing, keeps its validators, and is retried at the next poll; after repeated
failures it skips 1, 3, 7, ... polls (at most the setting ``feed_max_backoff_polls``).
When the store cannot be written, nothing of the poll is kept and the next poll
fetches again. Every poll says, for each feed, one line: new items, not modified,
or the error. A poll started is finished: a stop request (Ctrl-C) is honoured
between polls.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from analytics import schema as S
from analytics import settings
from analytics.errors import AnalyticsError, FeedError, InputError, StoreError
from analytics.ingest import FeedItems, SkippedFile, parse_feed
from analytics.pipeline.feeds import (
    FEEDS_DIR,
    FeedState,
    fetch_feed,
    is_feed_url,
    prepare_store_folder,
    read_states,
    snapshot_path,
    write_states,
)
from analytics.pipeline.ingest import IngestSummary, ensure_store
from analytics.pipeline.layout import READY
from analytics.pipeline.lock import write_errors
from analytics.pipeline.store import inspect_store

WATCH_LOCK = ".watch-lock"
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}

# What a poll said of one feed (``FeedPoll.outcome``).
NEW_ITEMS = "new items"
NOTHING_NEW = "nothing new"
NOT_MODIFIED = "not modified"
FAILED = "error"
BACKING_OFF = "backing off"

Log = Callable[[str], None]


def parse_interval(text: str) -> float:
    """Seconds in an interval such as ``15m``, ``90s``, ``1h`` or ``30`` (seconds).

    Raises:
        InputError: when the text is not a positive interval.
    """
    match = _INTERVAL.match(str(text))
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()] if match else 0
    if seconds <= 0:
        raise InputError(
            f"an interval is a positive number with an optional unit s, m or h (e.g. 15m); "
            f"got {text!r}"
        )
    return seconds


def read_feed_list(path: str | Path) -> list[str]:
    """The feed URLs of a list file: one per line; blank lines and ``#`` comments ignored.

    Raises:
        InputError: when the file cannot be read, a line is not an ``http(s)://`` URL,
            or it names no feed.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise InputError(f"the feed list cannot be read ({reason}); got {str(path)!r}") from None
    urls: list[str] = []
    for number, line in enumerate(lines, start=1):
        entry = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not entry:
            continue
        if not is_feed_url(entry) or any(char.isspace() for char in entry):
            raise InputError(
                f"line {number} of the feed list is not a feed URL (http:// or https://); "
                f"got {entry[:80]!r}"
            )
        if entry not in urls:
            urls.append(entry)
    if not urls:
        raise InputError(f"the feed list names no feed URL; got {str(path)!r}")
    return urls


@dataclass(frozen=True)
class FeedPoll:
    """What one poll did with one feed: ``outcome`` and its line for the log."""

    url: str
    outcome: str
    n_new: int = 0
    message: str = ""

    def describe(self) -> str:
        """The feed's log line."""
        return f"{self.url}: {self.message or self.outcome}"


@dataclass(frozen=True)
class PollResult:
    """One poll: a line per feed and, when items were appended, the ingest's summary."""

    feeds: list[FeedPoll]
    summary: IngestSummary | None = None
    store_error: str = ""

    @property
    def n_new(self) -> int:
        """Items appended to the store by this poll."""
        return sum(feed.n_new for feed in self.feeds) if not self.store_error else 0


@dataclass
class _Pending:
    """A feed fetched this poll whose items wait for the store to take them."""

    url: str
    validators: tuple[str | None, str | None]
    ids: list[str]
    new: pd.DataFrame
    n_items: int
    n_skipped: int
    path: Path | None = None


@dataclass
class _Poll:
    """Working state of one poll."""

    states: dict[str, FeedState]
    lines: dict[str, FeedPoll] = field(default_factory=dict)
    pending: list[_Pending] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)


def poll_feeds(
    urls: Sequence[str], store_dir: str | Path, *, wait: float | None = None
) -> PollResult:
    """Poll every feed once and append what is new to the store.

    Parameters:
        urls: feed URLs (see ``read_feed_list``).
        store_dir: the store (created when new).
        wait: seconds to wait for another writer of the store (default: the setting
            ``store_wait_seconds``).

    Returns:
        A line per feed, and the ingest summary when items were appended.

    Raises:
        StoreError: when the folder is not a store or the store is damaged.
    """
    root = Path(store_dir)
    prepare_store_folder(root, wait)
    poll = _Poll(read_states(root))
    stored_ids: set[str] | None = None  # read once, and only when a feed sent items
    for url in urls:
        state = poll.states.setdefault(url, FeedState())
        if state.skip_polls > 0:
            state.skip_polls -= 1
            poll.lines[url] = FeedPoll(
                url,
                BACKING_OFF,
                message=f"backing off after {state.failures} failed polls "
                f"(last: {state.last_error}); next try in {state.skip_polls + 1} polls",
            )
            continue
        try:
            fetched = fetch_feed(url, etag=state.etag, last_modified=state.last_modified)
            if not fetched.modified:
                _succeeded(state)
                poll.lines[url] = FeedPoll(url, NOT_MODIFIED)
                continue
            items = parse_feed(fetched.body or b"")
        except (FeedError, SkippedFile) as error:
            poll.lines[url] = _failed(url, state, str(error))
            continue
        if stored_ids is None:
            stored_ids = _stored_ids(root)
        poll.pending.append(
            _new_items(
                url, items, state, stored_ids, poll.taken, fetched.etag, fetched.last_modified
            )
        )
    summary, store_error = _store_pending(root, poll, wait)
    for pending in poll.pending:
        state = poll.states[pending.url]
        if store_error:
            poll.lines[pending.url] = FeedPoll(
                pending.url,
                FAILED,
                message=f"error: the store was not updated ({store_error}); retry next poll",
            )
            continue
        _succeeded(state)
        state.etag, state.last_modified = pending.validators
        state.seen = pending.ids
        poll.lines[pending.url] = _fetched_line(pending)
    with write_errors(root):
        write_states(root, poll.states)
    return PollResult([poll.lines[url] for url in urls], summary, store_error)


def _stored_ids(root: Path) -> set[str]:
    status = inspect_store(root)
    if status.kind != READY or status.store is None:
        return set()
    return set(status.store.table("briefings", columns=[S.BRIEFING_ID])[S.BRIEFING_ID])


def _new_items(
    url: str,
    items: FeedItems,
    state: FeedState,
    stored_ids: set[str],
    taken: set[str],
    etag: str | None,
    last_modified: str | None,
) -> _Pending:
    """The feed's items whose ids are not stored, not seen last time, not taken this poll."""
    table = items.table
    ids = [str(value) for value in table["id"]]
    known = stored_ids | set(state.seen) | taken
    fresh = [identifier not in known for identifier in ids]
    new = table[fresh].drop_duplicates("id")
    taken.update(new["id"])
    return _Pending(
        url, (etag, last_modified), ids, new, len(table) + len(items.skipped), len(items.skipped)
    )


def _store_pending(root: Path, poll: _Poll, wait: float | None) -> tuple[IngestSummary | None, str]:
    """Write the new items of each feed and append them in one ingest.

    Returns:
        The ingest's summary (None when nothing was new) and, when the store could not
        take them, why (the written files are removed again).
    """
    waiting = [pending for pending in poll.pending if len(pending.new)]
    if not waiting:
        return None, ""
    try:
        with write_errors(root):
            for pending in waiting:
                pending.path = snapshot_path(root, pending.url, ".jsonl")
                pending.path.parent.mkdir(parents=True, exist_ok=True)
                columns = [column for column in pending.new.columns if column != "row"]
                pending.new[columns].to_json(
                    pending.path, orient="records", lines=True, force_ascii=False
                )
        _, summary = ensure_store(
            [pending.path for pending in waiting if pending.path is not None],
            root,
            add=True,
            wait=wait,
        )
    except AnalyticsError as error:
        for pending in waiting:
            if pending.path is not None:
                pending.path.unlink(missing_ok=True)
        return None, str(error)
    return summary, ""


def _succeeded(state: FeedState) -> None:
    state.failures = 0
    state.skip_polls = 0
    state.last_error = ""


def _failed(url: str, state: FeedState, reason: str) -> FeedPoll:
    """Count a failure and set the back-off: skip 0, 1, 3, 7, ... polls (capped)."""
    state.failures += 1
    state.last_error = reason
    cap = int(settings.value("feed_max_backoff_polls"))
    state.skip_polls = min(2 ** (state.failures - 1) - 1, cap)
    retry = "retry next poll" if state.skip_polls == 0 else f"retry in {state.skip_polls + 1} polls"
    return FeedPoll(url, FAILED, message=f"error: {reason}; {retry}")


def _fetched_line(pending: _Pending) -> FeedPoll:
    n_new = len(pending.new)
    counted = f"{pending.n_items} in the feed"
    if pending.n_skipped:
        counted += f", {pending.n_skipped} without text"
    if not n_new:
        return FeedPoll(pending.url, NOTHING_NEW, message=f"nothing new ({counted})")
    noun = "item" if n_new == 1 else "items"
    return FeedPoll(pending.url, NEW_ITEMS, n_new, f"{n_new} new {noun} ({counted})")


class Stopper:
    """A stop request for the watch loop: ``stop()`` ends the wait between polls at once."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def stop(self) -> None:
        """Ask the loop to stop after the poll in progress."""
        self._event.set()

    @property
    def stopped(self) -> bool:
        """Whether a stop was requested."""
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when a stop was requested meanwhile."""
        return self._event.wait(max(seconds, 0.0))


def _kept_follow_up(root: Path) -> str:
    """``keep_follow_up``'s line, or one line saying why it could not be kept."""
    from analytics.pipeline.follow_ups import keep_follow_up

    try:
        return keep_follow_up(root)
    except AnalyticsError as error:
        return f"follow-up: not kept ({error})"


def watch(
    urls: Sequence[str],
    store_dir: str | Path,
    *,
    every: float,
    once: bool = False,
    log: Log = print,
    stopper: Stopper | None = None,
    wait: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    follow_up: bool = False,
    around_poll: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[PollResult]:
    """Poll the feeds every ``every`` seconds (or once) and log each feed's outcome.

    Only one watch runs on a store at a time (a lock file under ``feeds/``).

    Parameters:
        urls: feed URLs.
        store_dir: the store kept current.
        every: seconds from the start of one poll to the start of the next.
        once: poll once and return (for cron and tests).
        log: called with each line (a line per feed per poll, and the store's line).
        stopper: ends the loop between polls when stopped (the CLI stops it on Ctrl-C).
        wait: see ``poll_feeds``.
        clock: monotonic seconds (tests may pass their own).
        follow_up: after a poll that appends items, work out and keep the follow-up of the
            new generation (``analytics.pipeline.follow_ups``) and log one line.
        around_poll: a context each poll runs in (a store on an object store: its remote
            writer lock, the sync of its working copy before and the upload after).

    Returns:
        The result of every poll made.

    Raises:
        StoreError: when the folder is not a store, the store is damaged, or another
            watch is running on it.
    """
    root = Path(store_dir)
    prepare_store_folder(root, wait)
    stopper = stopper or Stopper()
    with write_errors(root):
        (root / FEEDS_DIR).mkdir(exist_ok=True)
    lock = FileLock(root / FEEDS_DIR / WATCH_LOCK, preserve_lock_file=True, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise StoreError(
            f"another watch is already keeping the store at {root} current; "
            "stop it first (only one watch per store)"
        ) from None
    results: list[PollResult] = []
    try:
        while True:
            started = clock()
            try:
                with around_poll() if around_poll is not None else nullcontext():
                    result = poll_feeds(urls, root, wait=wait)
            except StoreError as error:
                if around_poll is None or once:
                    raise
                # The object store could not be reached or locked: the feeds are polled
                # again next time (nothing of this poll was published).
                log(f"store: error: {error}; retry next poll")
                if stopper.stopped or stopper.wait(every - (clock() - started)):
                    return results
                continue
            results.append(result)
            for feed in result.feeds:
                log(feed.describe())
            if result.summary is not None:
                log(f"store: {result.summary.describe()}")
                if follow_up:
                    log(_kept_follow_up(root))
            if once or stopper.stopped or stopper.wait(every - (clock() - started)):
                return results
    finally:
        lock.release()
