"""Feeds on the web: fetching one with a conditional request, and where a store keeps them.

A feed URL (``http://`` or ``https://``) is fetched with a timeout for the whole
request, a size cap, and, when the last response gave them, ``If-None-Match`` (its
ETag) and ``If-Modified-Since`` (its Last-Modified): an unchanged feed answers
``304 Not Modified`` and costs nothing. What was fetched is kept inside the store
folder, under ``feeds/``: a feed named to ``ingest`` as a URL is saved there as it
came (``feeds/<feed>/<time>-<feed>.xml``) and read like a saved feed file; ``watch``
keeps the items it appends there (``feeds/<feed>/<time>-<feed>.jsonl``) and its per-feed state
(``feeds/state.json``: validators, failures, back-off, the ids last seen).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import urlsplit

import pandas as pd

from analytics import settings
from analytics.errors import FeedError, InputError, StoreError
from analytics.pipeline.layout import NEW, write_whole
from analytics.pipeline.lock import mark_store, write_errors, writer_lock
from analytics.pipeline.store import inspect_store
from analytics.version import VERSION

FEEDS_DIR = "feeds"
STATE_FILE = "state.json"
_USER_AGENT = f"BriefingAtlas/{VERSION} (feed watcher)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
_CHUNK = 64 * 1024
_MB = 1024 * 1024
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


def is_feed_url(text: str | Path) -> bool:
    """Whether an input names a feed on the web (``http://`` or ``https://``)."""
    return str(text).strip().lower().startswith(("http://", "https://"))


class Fetched(NamedTuple):
    """A feed's response: ``body`` is None when the server said ``304 Not Modified``."""

    body: bytes | None
    etag: str | None
    last_modified: str | None

    @property
    def modified(self) -> bool:
        """Whether the server sent the feed (rather than ``304 Not Modified``)."""
        return self.body is not None


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to ``http``/``https`` addresses only (never ``ftp`` or files)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_feed_url(newurl):
            raise FeedError(f"redirected to a non-web address; got {newurl[:80]!r}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# Only the web handlers: a feed URL never opens a local file or an FTP server.
_OPENER = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.ProxyHandler(),
    urllib.request.HTTPHandler(),
    urllib.request.HTTPSHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    _WebOnlyRedirects(),
    urllib.request.HTTPErrorProcessor(),
):
    _OPENER.add_handler(_handler)


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float | None = None,
    max_mb: float | None = None,
) -> Fetched:
    """Fetch a feed, conditionally when validators from its last response are given.

    Parameters:
        url: an ``http://`` or ``https://`` address.
        etag: the ETag of the last response, sent back as ``If-None-Match``.
        last_modified: its Last-Modified, sent back as ``If-Modified-Since``.
        timeout: seconds the whole request may take (default: the setting
            ``feed_timeout_seconds``).
        max_mb: the largest feed accepted (default: the setting ``feed_max_mb``).

    Returns:
        The body and the response's validators; no body on ``304 Not Modified``.

    Raises:
        InputError: when ``url`` is not a web address.
        FeedError: when the feed cannot be fetched (refused, timed out, an HTTP error
            status, too large); the message says why.
    """
    if not is_feed_url(url):
        raise InputError(f"a feed URL starts with http:// or https://; got {url!r}")
    timeout = float(settings.value("feed_timeout_seconds") if timeout is None else timeout)
    limit = float(settings.value("feed_max_mb") if max_mb is None else max_mb) * _MB
    headers = {"User-Agent": _USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FeedError(f"larger than {limit / _MB:g} MB (setting feed_max_mb)")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, error.headers.get("ETag") or etag, last_modified)
        raise FeedError(f"HTTP {error.code} {error.reason}".strip()) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise FeedError(f"timed out after {timeout:g} s") from None
        shown = getattr(reason, "strerror", None) or str(reason)
        raise FeedError(f"cannot connect ({shown})") from None
    except TimeoutError:
        raise FeedError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError) as error:  # a connection dropped mid-body, a bad address
        raise FeedError(f"failed ({type(error).__name__}: {error})") from None


def feed_folder_name(url: str) -> str:
    """A folder name for a feed: its host and path as a slug, and a short hash of the URL."""
    parts = urlsplit(url.strip())
    slug = _SLUG_CHARS.sub("-", f"{parts.hostname or ''}{parts.path}".lower()).strip("-")
    digest = hashlib.sha1(url.strip().encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{slug[:60].rstrip('-') or 'feed'}-{digest}"


def snapshot_path(store_dir: Path, url: str, suffix: str) -> Path:
    """A new, unused file under the store's ``feeds/`` folder for what one poll of ``url`` got."""
    name = feed_folder_name(url)
    folder = Path(store_dir) / FEEDS_DIR / name
    # The feed's name is in the file's (the load report names files, not their folders),
    # after the time: an undated item is dated by the first day in its file's name.
    stem = f"{pd.Timestamp.now(tz='UTC').strftime('%Y%m%dT%H%M%S%fZ')}-{name}"
    path = folder / f"{stem}{suffix}"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


def prepare_store_folder(store_dir: Path, wait: float | None = None) -> None:
    """Make sure ``store_dir`` is a store (marked when new) before feeds are kept in it.

    Raises:
        StoreError: when the folder holds files that are not a store, is a file, or
            is a damaged store; or when it cannot be written.
    """
    status = inspect_store(store_dir)
    if status.kind == NEW:
        wait = float(settings.value("store_wait_seconds") if wait is None else wait)
        with (
            writer_lock(Path(store_dir), wait, lambda message: None, "a saved feed"),
            write_errors(store_dir),
        ):
            mark_store(Path(store_dir))
    elif status.store is None:
        raise StoreError(status.problem)


def save_feed(url: str, store_dir: str | Path, *, wait: float | None = None) -> Path:
    """Fetch the feed at ``url`` and keep it in the store folder, for ``ingest`` to read.

    Parameters:
        url: the feed's address.
        store_dir: the store the feed is being ingested into (created when new).
        wait: seconds to wait for the writer lock when the store is new.

    Returns:
        The saved file (``feeds/<feed>/<time>-<feed>.xml`` inside the store folder).

    Raises:
        InputError: when the feed cannot be fetched (the message names the URL and why).
        StoreError: see ``prepare_store_folder``.
    """
    root = Path(store_dir)
    try:
        fetched = fetch_feed(url)
    except FeedError as error:
        raise InputError(f"the feed could not be fetched: {error}; got {url!r}") from None
    prepare_store_folder(root, wait)
    path = snapshot_path(root, url, ".xml")
    with write_errors(root):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fetched.body or b"")
    return path


@dataclass
class FeedState:
    """What the watcher remembers of one feed between polls.

    ``etag``/``last_modified`` are the validators of the last feed whose items were
    stored; ``failures`` counts consecutive failed polls and ``skip_polls`` the polls
    still to skip (the back-off); ``seen`` holds the item ids of the last feed stored.
    """

    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    skip_polls: int = 0
    last_error: str = ""
    seen: list[str] = field(default_factory=list)


def state_path(store_dir: str | Path) -> Path:
    """The watcher's state file inside a store folder."""
    return Path(store_dir) / FEEDS_DIR / STATE_FILE


def read_states(store_dir: str | Path) -> dict[str, FeedState]:
    """Every feed's state, by URL; an absent or unreadable file is a fresh start."""
    try:
        raw = json.loads(state_path(store_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    feeds = raw.get("feeds", {}) if isinstance(raw, dict) else {}
    known = set(FeedState.__dataclass_fields__)
    return {
        str(url): FeedState(**{k: v for k, v in entry.items() if k in known})
        for url, entry in feeds.items()
        if isinstance(entry, Mapping)
    }


def write_states(store_dir: str | Path, states: Mapping[str, FeedState]) -> None:
    """Replace the state file atomically (a reader never sees half of it)."""
    path = state_path(store_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "feeds": {url: asdict(state) for url, state in sorted(states.items())}
    }
    write_whole(path, json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"))
