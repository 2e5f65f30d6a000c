"""A local HTTP server for feed tests: recorded feeds served from memory on 127.0.0.1.

Each path serves a ``Route`` (body, validators, status, delay); the server answers
``304 Not Modified`` when a request sends back the route's ETag or Last-Modified, and
records every request's headers so tests can check what a poll sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pandas as pd


@dataclass
class Route:
    """What one path serves."""

    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    delay: float = 0.0
    location: str | None = None


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]


class FeedServer:
    """Serves ``routes`` on a free local port until ``close``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                server.requests.append(Seen(self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                sent_etag = self.headers.get("If-None-Match")
                sent_time = self.headers.get("If-Modified-Since")
                if (route.etag and sent_etag == route.etag) or (
                    route.last_modified and sent_time == route.last_modified
                ):
                    self.send_response(304)
                    if route.etag:
                        self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                if route.location:
                    self.send_header("Location", route.location)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        """The requests made to ``path``, oldest first."""
        return [seen for seen in self.requests if seen.path == path]

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()


def serve() -> Iterator[FeedServer]:
    """A server for one test (use as a fixture body)."""
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()


@dataclass(frozen=True)
class Item:
    """An invented feed item."""

    guid: str
    title: str
    text: str
    day: str = "2025-03-10"


def rss(title: str, items: list[Item]) -> bytes:
    """An RSS 2.0 document of ``items`` (descriptions as escaped HTML paragraphs)."""
    entries = []
    for item in items:
        stamp = format_datetime(pd.Timestamp(item.day, tz="UTC").to_pydatetime(), usegmt=True)
        entries.append(
            "<item>"
            f"<title>{escape(item.title)}</title>"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<link>https://news.example.org/{escape(item.guid)}</link>"
            f"<pubDate>{stamp}</pubDate>"
            f"<description>{escape(f'<p>{item.text}</p>')}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode("utf-8")
