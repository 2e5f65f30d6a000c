"""Tests of analytics.ingest.feeds: RSS/Atom items as briefings, HTML removed, bad feeds named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.errors import EmptyCorpusError
from analytics.ingest import html_to_text, load_corpus_with_report, parse_feed
from analytics.ingest.report import SkippedFile

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
FILE_TIME = 1704164645  # 2024-01-02 03:04:05 UTC


@pytest.fixture()
def feed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "feeds"
    shutil.copytree(FEEDS, folder)
    for path in folder.iterdir():
        os.utime(path, (FILE_TIME, FILE_TIME))
    return folder


@pytest.fixture()
def loaded(feed_folder: Path):
    return load_corpus_with_report([feed_folder])


def test_load_feed_folder_reports_every_feed_and_item(loaded) -> None:
    report = loaded.report
    rows = list(zip(report["file"], report["row"].astype(object), report["status"], strict=True))
    assert rows == [
        ("broken.xml", pd.NA, S.SKIPPED),
        ("desk.atom", 1, S.LOADED),
        ("desk.atom", 2, S.LOADED),
        ("settings.xml", pd.NA, S.SKIPPED),
        ("world.rss", 1, S.LOADED),
        ("world.rss", 2, S.LOADED),
        ("world.rss", 3, S.SKIPPED),
        ("world.rss", 4, S.LOADED),
    ]
    reasons = dict(
        zip(
            zip(report["file"], report["row"].fillna(0), strict=True), report["reason"], strict=True
        )
    )
    assert reasons[("broken.xml", 0)] == ("malformed feed (not well-formed XML: no element found)")
    assert reasons[("settings.xml", 0)] == "not an RSS or Atom feed"
    assert reasons[("world.rss", 3)] == "item 'world-0003' has no text (no content or summary)"
    assert reasons[("world.rss", 4)] == (
        "date 'sometime next spring' not understood; dated by the file's modification time"
    )


def test_rss_item_with_headings_becomes_a_briefing_with_sections(loaded) -> None:
    briefing = loaded.briefings.set_index(S.BRIEFING_ID).loc["world-0001"]
    assert briefing[S.TITLE] == "Harbour talks & tariffs"
    assert briefing[S.SOURCE] == "Atlas World Desk"
    assert briefing[S.URL] == "https://news.example.org/world/harbour-talks"
    assert briefing[S.DATE] == pd.Timestamp("2025-03-10 12:30:00", tz="UTC")
    assert briefing[S.DATE_SOURCE] == "record"
    # The script's content is dropped, entities unescaped, spaces collapsed; the
    # heading run into its paragraph ("<strong>What's Next?</strong> A second ...") counts.
    assert briefing[S.HAPPENING] == "Norway and Chile opened harbour talks in Oslo."
    assert briefing[S.IMPORTANCE] == "Fish exports are worth \u20ac2 billion & rising."
    assert briefing[S.NEXT] == "A second round is due in April."
    assert briefing[S.TEXT] == (
        "Norway and Chile opened harbour talks in Oslo.\n\n"
        "Fish exports are worth \u20ac2 billion & rising.\n\n"
        "A second round is due in April."
    )


def test_rss_item_without_guid_takes_its_link_as_id_and_keeps_paragraphs(loaded) -> None:
    briefing = loaded.briefings.set_index(S.BRIEFING_ID).loc[
        "https://news.example.org/world/grain-corridor"
    ]
    assert briefing[S.TEXT] == (
        "Kenya and Egypt agreed to reopen the grain corridor.\nShipping resumes on Friday."
        "\n\nPrices fell at once."
    )
    assert briefing[S.HAPPENING] == ""
    assert briefing[S.DATE] == pd.Timestamp("2025-03-11 07:00:00", tz="UTC")  # +01:00 in the feed


def test_item_without_guid_or_link_gets_a_stable_hash_id(feed_folder: Path, loaded) -> None:
    undated = loaded.briefings[loaded.briefings[S.TITLE] == "Undated note"]
    assert len(undated) == 1
    first = undated[S.BRIEFING_ID].iloc[0]
    assert first.startswith("feed-") and len(first) == len("feed-") + 16
    again = load_corpus_with_report([feed_folder / "world.rss"]).briefings
    assert first in set(again[S.BRIEFING_ID])
    assert undated[S.DATE].iloc[0] == pd.Timestamp("2024-01-02 03:04:05", tz="UTC")
    assert undated[S.URL].iloc[0] == ""


def test_atom_content_wins_over_summary_and_plain_text_stays_literal(loaded) -> None:
    briefings = loaded.briefings.set_index(S.BRIEFING_ID)
    accord = briefings.loc["urn:example:analysis:17"]
    assert accord[S.TITLE] == "Lake accord signed"
    assert accord[S.TEXT] == (
        "Uganda and Tanzania signed the lake accord.\n\nBoth sides call it a first step."
    )
    assert accord[S.DATE] == pd.Timestamp("2025-03-14 07:15:00", tz="UTC")  # updated, +02:00
    assert accord[S.SOURCE] == "Atlas Analysis"
    quotas = briefings.loc["urn:example:analysis:18"]
    assert quotas[S.TEXT] == "Fiji <and> Samoa agreed on fishing quotas."  # type="text"
    assert quotas[S.DATE] == pd.Timestamp("2025-03-13 07:00:00", tz="UTC")  # published first
    assert quotas[S.URL] == ""  # an Atom id is not a web address


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<ul><li>first</li><li>second</li></ul>", "first\n\nsecond"),
        ("<p onclick='x()'>Hi <a href='javascript:x'>there</a></p>", "Hi there"),
        ("<style>p {color: red}</style><p>kept</p>", "kept"),
        ("<p>AT&amp;T &lt;b&gt; &#8364;5</p>", "AT&T <b> \u20ac5"),
        ("<p>What's Next: talks resume</p>", "What's Next:\n\ntalks resume"),
        ("<div>unclosed <b>bold", "unclosed bold"),
        ("   ", ""),
    ],
    ids=[
        "paragraphs",
        "line-breaks",
        "list-items",
        "attributes-and-links",
        "style-content",
        "entities",
        "inline-heading",
        "malformed",
        "blank",
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"not a feed", r"^not an RSS or Atom feed \(not well-formed XML: syntax error\)$"),
        (b"<?xml version='1.0'?><a><b>1</b></a>", r"^not an RSS or Atom feed$"),
        (b"<rss version='2.0'><channel><title>x</title></channel></rss>", r"^feed has no items$"),
        (
            b"<rss version='2.0'><channel><item><title>a</ti",
            r"^malformed feed \(not well-formed XML: unclosed token\)$",
        ),
    ],
    ids=["plain-text", "other-xml", "no-items", "cut-off"],
)
def test_parse_feed_refuses_what_is_not_a_usable_feed(document: bytes, reason: str) -> None:
    with pytest.raises(SkippedFile, match=reason):
        parse_feed(document)


def test_parse_feed_never_fetches_a_url_given_as_bytes() -> None:
    with pytest.raises(SkippedFile, match=r"^not an RSS or Atom feed \(not well-formed XML"):
        parse_feed(b"http://127.0.0.1:9/feed.xml")


def test_a_folder_of_only_bad_feeds_names_each_reason(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    shutil.copy(FEEDS / "broken.xml", folder)
    shutil.copy(FEEDS / "settings.xml", folder)
    with pytest.raises(
        EmptyCorpusError,
        match=r"broken.xml: malformed feed \(not well-formed XML: no element found\); "
        r"settings.xml: not an RSS or Atom feed",
    ):
        load_corpus_with_report([folder])
