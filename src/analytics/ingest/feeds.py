"""RSS and Atom feeds as briefings: one feed document in, one briefing per item out.

A feed (a saved ``.rss``/``.atom``/``.xml`` file, or the bytes fetched from a feed
URL) is parsed by ``feedparser``. Each item becomes one row with the canonical
columns: its title, its date (published, else updated; a missing or unreadable
date is left to the loader to report and replace, like any other date), its source
(the item's own ``<source>``, else the feed's title, else the feed's link), its
link as url, a stable id (the item's guid/id, else its link, else a hash of its
title and text) and its text: the content (else the summary) with HTML removed by
``nh3`` (block elements kept as paragraph breaks) and entities unescaped. Items
whose text carries the three headings are split into sections as table rows are.

A document that is not well-formed XML, or not a feed at all, is one skipped file
with the reason; an item without any text is one skipped row; the rest loads.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.sax import SAXException

import feedparser
import nh3
import pandas as pd

from analytics.ingest.report import SkippedFile

# File extensions read as feeds (``.xml`` only when it parses as one).
FEED_EXTENSIONS: tuple[str, ...] = (".rss", ".atom", ".xml")

# Columns of a feed's item table (``FeedItems.table``), as the table readers name them.
ITEM_COLUMNS: tuple[str, ...] = ("id", "title", "date", "source", "url", "text")

# Elements whose end is a paragraph break in the item's text; nh3 keeps these (with no
# attributes) and removes every other tag, and the content of script and style.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_BLOCK_MARK = re.compile(r"</?(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")\s*/?>")
_LINE_BREAK = re.compile(r"<br\s*/?>")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
# A heading run into its paragraph ("<b>What's Next?</b> Talks resume ..."): put on its own line.
_LEADING_HEADING = re.compile(
    r"^(what(?:'|\u2019)?s happening|why it(?:'|\u2019)?s important|why it matters"
    r"|what(?:'|\u2019)?s next)\s*[?:]+\s*(?=\S)",
    re.IGNORECASE,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_MAX_REASON_ID = 80


@dataclass
class FeedItems:
    """What one feed document yielded.

    ``table`` has one row per usable item with ``ITEM_COLUMNS`` and ``row`` (the item's
    position in the document, from 1); ``skipped`` holds ``(position, reason)`` of the
    items that could not be used; ``title`` is the feed's own title (or link).
    """

    table: pd.DataFrame
    skipped: list[tuple[int | None, str]] = field(default_factory=list)
    title: str = ""
    encoding: str = "utf-8"


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment: tags removed by ``nh3``, entities unescaped.

    Block elements (``p``, ``div``, ``li``, headings, ...) end paragraphs, ``br``
    ends a line; whitespace inside a paragraph is collapsed as a browser would;
    the content of ``script`` and ``style`` is dropped.

    Parameters:
        markup: HTML, possibly malformed.

    Returns:
        Plain text with paragraphs separated by one blank line.
    """
    cleaned = nh3.clean(markup, tags=set(_BLOCK_TAGS | {"br"}), attributes={}, link_rel=None)
    cleaned = _LINE_BREAK.sub("\n", cleaned)
    cleaned = _BLOCK_MARK.sub("\n\n", cleaned)
    return _paragraphs(html.unescape(cleaned))


def _paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line, spaces collapsed, headings on their own line."""
    paragraphs = []
    for block in _PARAGRAPH_SPLIT.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if not joined:
            continue
        heading = _LEADING_HEADING.match(joined)
        if heading is not None:
            paragraphs.append(joined[: heading.end()].strip())
            joined = joined[heading.end() :]
        paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _detail_text(value: str, detail: Mapping[str, Any] | None) -> str:
    """The text of a feed field: HTML removed when the feed says it is HTML."""
    kind = str((detail or {}).get("type") or "text/html").lower()
    if kind in _HTML_TYPES or "html" in kind:
        return html_to_text(value)
    return _paragraphs(value)


def _item_text(entry: Mapping[str, Any]) -> str:
    """The item's content (the first HTML or text part), else its summary, as plain text."""
    for part in entry.get("content") or []:
        value = str(part.get("value") or "")
        if value.strip():
            text = _detail_text(value, part)
            if text:
                return text
    summary = str(entry.get("summary") or "")
    return _detail_text(summary, entry.get("summary_detail")) if summary.strip() else ""


def _item_date(entry: Mapping[str, Any]) -> str:
    """ISO 8601 (UTC) of the published, else updated, time; else the raw text ("" if none)."""
    for parsed, raw in (("published_parsed", "published"), ("updated_parsed", "updated")):
        stamp = entry.get(parsed)
        if stamp:
            seconds = calendar.timegm(stamp)
            return pd.Timestamp(seconds, unit="s", tz="UTC").isoformat()
        if entry.get(raw):
            return str(entry[raw]).strip()  # given but unreadable: the loader reports it
    return ""


def _item_id(entry: Mapping[str, Any], title: str, text: str) -> str:
    """The item's guid/id, else its link, else a hash of its title and text."""
    for key in ("id", "link"):
        value = str(entry.get(key) or "").strip()
        if value:
            return value
    digest = hashlib.sha1(f"{title}\n{text}".encode(), usedforsecurity=False)
    return "feed-" + digest.hexdigest()[:16]


def _web_link(entry: Mapping[str, Any]) -> str:
    """The item's link when it is a web address (an Atom id or RSS guid stands in otherwise)."""
    link = str(entry.get("link") or "").strip()
    return link if link.lower().startswith(("http://", "https://")) else ""


def _source(entry: Mapping[str, Any], feed_name: str) -> str:
    own = entry.get("source") or {}
    return str(own.get("title") or own.get("href") or feed_name).strip()


def _problem(error: BaseException) -> str:
    """A parser error in words (its line is not given: the parser may have added one)."""
    return str(getattr(error, "getMessage", lambda: str(error))())


def parse_feed(data: bytes) -> FeedItems:
    """Parse one RSS or Atom document into its items.

    Parameters:
        data: the document's bytes (a saved file's content or an HTTP response body);
            never a URL: nothing is fetched here.

    Returns:
        The usable items and the reasons the others were skipped.

    Raises:
        SkippedFile: when the document is not well-formed XML, is not a feed, or has
            no items; the message is the reason.
    """
    parsed = feedparser.parse(data)
    error = parsed.get("bozo_exception")
    is_feed = bool(parsed.get("version"))
    if isinstance(error, SAXException):
        if not is_feed:
            raise SkippedFile(f"not an RSS or Atom feed (not well-formed XML: {_problem(error)})")
        raise SkippedFile(f"malformed feed (not well-formed XML: {_problem(error)})")
    if not is_feed and not parsed.entries:
        raise SkippedFile("not an RSS or Atom feed")
    feed = parsed.feed
    feed_name = str(feed.get("title") or feed.get("link") or "").strip()
    if not parsed.entries:
        raise SkippedFile("feed has no items")
    rows: list[dict[str, object]] = []
    skipped: list[tuple[int | None, str]] = []
    for position, entry in enumerate(parsed.entries, start=1):
        title = _detail_text(str(entry.get("title") or ""), entry.get("title_detail"))
        title = title.replace("\n", " ")
        text = _item_text(entry)
        if not text:
            named = _item_id(entry, title, text)
            shown = named if len(named) <= _MAX_REASON_ID else named[: _MAX_REASON_ID - 1] + "…"
            skipped.append((position, f"item {shown!r} has no text (no content or summary)"))
            continue
        rows.append(
            {
                "id": _item_id(entry, title, text),
                "title": title,
                "date": _item_date(entry),
                "source": _source(entry, feed_name),
                "url": _web_link(entry),
                "text": text,
                "row": position,
            }
        )
    table = pd.DataFrame(rows, columns=[*ITEM_COLUMNS, "row"])
    return FeedItems(table, skipped, feed_name, str(parsed.get("encoding") or "utf-8"))
