"""Tests of analytics.ingest.load: parsing, every input format, the load report, duplicates."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.errors import EmptyCorpusError, InputError
from analytics.ingest import (
    LoadResult,
    discover_files,
    load_corpus,
    load_corpus_with_report,
    load_files,
    mark_duplicates,
    parse_briefing,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "briefings"
# 2024-01-02 03:04:05 UTC, stamped on files whose date must come from their mtime.
FILE_TIME = 1704164645
FILE_TIME_TEXT = "2024-01-02 03:04:05"
# The last accepted date: a year from today.
NEXT_YEAR = f"{pd.Timestamp.now(tz='UTC').normalize() + pd.DateOffset(years=1):%Y-%m-%d}"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def write(path: Path, content: str | bytes, mtime: int | None = FILE_TIME) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def by_id(result: LoadResult) -> pd.DataFrame:
    return result.briefings.set_index(S.BRIEFING_ID)


def report_of(result: LoadResult, name: str) -> pd.DataFrame:
    report = result.report
    return report[report["file"].map(lambda file: Path(file).name) == name]


# -- parse_briefing ------------------------------------------------------------

SEEDLIKE_TEXT = (
    "What's Happening?\n"
    "Two ministers met in Oslo to sign a fisheries pact,\n"
    "the ministry said.\n"
    "Why It's Important?\n"
    "Quotas were disputed for years.\n"
    "What's Next?\n"
    "A joint commission meets in May.\n"
    "\n\n\n"
)


def test_parse_briefing_splits_three_sections_and_rejoins_wrapped_lines():
    parsed = parse_briefing(SEEDLIKE_TEXT)
    assert parsed[S.TITLE] == ""
    assert (
        parsed[S.HAPPENING]
        == "Two ministers met in Oslo to sign a fisheries pact, the ministry said."
    )
    assert parsed[S.IMPORTANCE] == "Quotas were disputed for years."
    assert parsed[S.NEXT] == "A joint commission meets in May."
    assert parsed["body"] == (
        "Two ministers met in Oslo to sign a fisheries pact, the ministry said.\n\n"
        "Quotas were disputed for years.\n\nA joint commission meets in May."
    )


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("What's Happening?", S.HAPPENING),
        ("what\u2019s happening", S.HAPPENING),
        ("## What's Happening", S.HAPPENING),
        ("**What's Happening?**", S.HAPPENING),
        ("WHAT'S HAPPENING:", S.HAPPENING),
        ("What is happening?", S.HAPPENING),
        ("Why It's Important?", S.IMPORTANCE),
        ("### Why it is important", S.IMPORTANCE),
        ("Why It\u2019s Important", S.IMPORTANCE),
        ("What's Next?", S.NEXT),
        ("__What\u2019s next__", S.NEXT),
    ],
    ids=[
        "canonical",
        "curly-lowercase-no-question-mark",
        "markdown-heading",
        "bold",
        "upper-colon",
        "what-is",
        "importance-canonical",
        "importance-it-is",
        "importance-curly",
        "next-canonical",
        "next-underscores",
    ],
)
def test_parse_briefing_tolerates_heading_variants(heading, section):
    parsed = parse_briefing(f"{heading}\nThe words of the section.\n")
    assert parsed[section] == "The words of the section."


def test_parse_briefing_sentence_starting_like_heading_stays_body():
    parsed = parse_briefing("What's Happening?\nWhat's next for the talks is unclear.\n")
    assert parsed[S.HAPPENING] == "What's next for the talks is unclear."
    assert parsed[S.NEXT] == ""


def test_parse_briefing_reads_title_before_first_heading_and_reordered_sections():
    text = "Port strike ends\n\nWhat's Next?\nTalks resume.\n\nWhat's Happening?\nDockers voted.\n"
    parsed = parse_briefing(text)
    assert parsed[S.TITLE] == "Port strike ends"
    assert (parsed[S.HAPPENING], parsed[S.IMPORTANCE], parsed[S.NEXT]) == (
        "Dockers voted.",
        "",
        "Talks resume.",
    )
    assert parsed["body"] == "Dockers voted.\n\nTalks resume."


def test_parse_briefing_reads_front_matter_fields():
    text = (
        "---\ntitle: 'Border reopens'\ndate: 2025-01-02\nSource: Desk\nlink: https://x.test/a\n"
        "tags:\n  - trade\n  - borders\n---\nWhat's Happening?\nTrucks crossed again.\n"
    )
    parsed = parse_briefing(text)
    assert {key: parsed[key] for key in ("title", "date", "source", "url", "tags")} == {
        "title": "Border reopens",
        "date": "2025-01-02",
        "source": "Desk",
        "url": "https://x.test/a",
        "tags": "trade, borders",
    }
    assert parsed[S.HAPPENING] == "Trucks crossed again."


def test_parse_briefing_reads_leading_date_line():
    parsed = parse_briefing("Date: Nov 25, 2025\nTitle line\nWhat's Happening?\nIt rained.\n")
    assert (parsed["date"], parsed[S.TITLE], parsed[S.HAPPENING]) == (
        "Nov 25, 2025",
        "Title line",
        "It rained.",
    )


def test_parse_briefing_without_headings_is_body_only():
    parsed = parse_briefing("First line\nwraps here.\n\nSecond paragraph.\n\n\n")
    assert parsed["body"] == "First line wraps here.\n\nSecond paragraph."
    assert (parsed[S.TITLE], parsed[S.HAPPENING], parsed[S.IMPORTANCE], parsed[S.NEXT]) == (
        "",
        "",
        "",
        "",
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02\x1b",
        "x" * 1_000_000,
        "What's Happening?\n" + "word " * 200_000,
        "---\nunterminated: front matter\n",
        "What's Happening?",
        "\r\r\r\n\u2028\u2029\ufeff",
        "#\n##\n**\n",
        "Date:\nTitle:\n",
    ],
    ids=[
        "empty",
        "control-characters",
        "huge-line",
        "huge-section",
        "unterminated-front-matter",
        "heading-only",
        "odd-line-breaks",
        "bare-markdown",
        "empty-metadata",
    ],
)
def test_parse_briefing_never_crashes_on_hostile_text(text):
    parsed = parse_briefing(text)
    assert all(isinstance(parsed[key], str) for key in ("title", *S.SECTIONS, "body"))
    assert not any(char in parsed["body"] for char in "\x00\x01\x02\x1b")


# -- discover_files ------------------------------------------------------------


def test_discover_files_is_sorted_recursive_and_skips_hidden_and_manifests(tmp_path):
    for name in ("b.txt", "a.csv", "sub/c.md", "notes.pdf", ".hidden.txt", ".git/d.txt"):
        write(tmp_path / name, "x")
    write(tmp_path / "manifest.csv", "file,date\n")
    write(tmp_path / "sub" / "manifest.json", "[]")
    found = discover_files([tmp_path])
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "a.csv",
        "b.txt",
        "notes.pdf",
        "sub/c.md",
    ]


def test_discover_files_missing_path_raises(tmp_path):
    with pytest.raises(InputError, match=r"input path does not exist: got '.*nowhere'"):
        discover_files([tmp_path / "nowhere"])


def test_discover_files_names_a_path_that_is_neither_file_nor_folder(tmp_path):
    # A named pipe exists but holds no briefings to list; it was called missing.
    pipe = tmp_path / "incoming"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match=r"not a file or folder \(a device, pipe or socket\)"):
        discover_files([pipe])


# -- the seed-like fixture: our own briefing with all the seed's quirks ----------


def test_load_corpus_seedlike_fixture_splits_sections_with_manifest_date():
    result = load_corpus_with_report([FIXTURES / "seedlike"])
    briefing = result.briefings.iloc[0]
    assert len(result.briefings) == 1
    assert briefing[S.BRIEFING_ID] == "b-9be8c240d8957113"
    assert briefing[S.HAPPENING] == (
        "Norway and Finland signed a pact on Tuesday to pool their Arctic search-and-rescue "
        "fleets, the Norwegian defence ministry said. The two governments will share "
        "helicopters and icebreakers across the Barents region, starting with joint exercises "
        "in the spring. Russia's foreign ministry called the move a provocation and warned of "
        "a response."
    )
    assert briefing[S.IMPORTANCE] == (
        "The pact deepens Nordic cooperation at a moment of strained relations with Russia in "
        "the far north. Shared fleets let both countries cover longer coastlines with fewer ships."
    )
    assert briefing[S.NEXT] == (
        "Officials from both countries will meet in Tromso next month to agree on a command "
        "structure. Observers expect Sweden to be invited to join later in the year."
    )
    assert briefing[S.TEXT] == "\n\n".join(briefing[list(S.SECTIONS)])
    assert (briefing[S.DATE], briefing[S.DATE_SOURCE]) == (utc("2025-04-08"), "manifest")
    assert (briefing[S.TITLE], briefing[S.SOURCE], briefing[S.URL]) == (
        "Nordic states pool Arctic rescue fleets",
        "Polar Desk",
        "",
    )
    assert pd.isna(briefing[S.DUPLICATE_OF])
    assert briefing[S.ORIGIN] == "017_5c1e9a4b7d2f3e60.txt"  # relative to the input folder


def test_load_corpus_reports_manifest_entry_matching_no_file():
    report = load_corpus_with_report([FIXTURES / "seedlike"]).report
    assert report[["row", "status", "reason"]].astype(object).values.tolist() == [
        [pd.NA, "loaded", ""],
        [2, "skipped", "manifest entry '018_missing_briefing.txt' matches no input file"],
    ]
    assert report["file"].map(lambda file: Path(file).name).tolist() == [
        "017_5c1e9a4b7d2f3e60.txt",
        "manifest.csv",
    ]


# -- text files ----------------------------------------------------------------


def test_load_files_reads_text_file_formats():
    result = load_files(discover_files([FIXTURES / "files"]))
    briefings = by_id(result)
    assert briefings.index.tolist() == [
        "b-8fcd37c491b6d206",
        "b-7ba7040dba9b7a7c",
        "b-a9ac8e6a01678704",
    ]
    plain = briefings.loc["b-8fcd37c491b6d206"]
    assert plain[S.TEXT] == (
        "Kenya and Ethiopia restarted talks on a cross-border power line, officials in Nairobi "
        "said.\n\nThe line would carry hydropower south."
    )
    assert (plain[S.DATE], plain[S.DATE_SOURCE], plain[S.HAPPENING]) == (
        utc("2025-03-10"),
        "file name",
        "",
    )
    dated = briefings.loc["b-7ba7040dba9b7a7c"]
    assert (dated[S.DATE], dated[S.DATE_SOURCE], dated[S.TITLE]) == (
        utc("2025-03-14 09:30"),
        "front matter",
        "Ports reopen after storm",
    )
    assert dated[S.HAPPENING] == (
        "Chile reopened its two largest ports after a storm closed them for three days."
    )
    assert dated[S.NEXT] == "Shipping lines expect delays to clear within a week."
    markdown = briefings.loc["b-a9ac8e6a01678704"]
    assert (markdown[S.DATE], markdown[S.DATE_SOURCE]) == (utc("2025-06-02 01:15"), "front matter")
    assert (markdown[S.TITLE], markdown[S.SOURCE], markdown[S.URL], markdown["region"]) == (
        "Mekong states agree on dam data sharing",
        "River Watch",
        "https://example.org/mekong-data",
        "Southeast Asia",
    )
    assert markdown[S.HAPPENING] == (
        "Vietnam, Laos and Cambodia agreed to publish daily water levels from upstream dams."
    )
    assert markdown[S.IMPORTANCE] == (
        "Farmers downstream have blamed sudden floods on unannounced releases."
    )
    assert markdown[S.NEXT] == (
        "- A shared dashboard goes live in August.\n- Thailand may join the scheme."
    )


def test_load_files_columns_follow_schema_then_extras():
    result = load_files(discover_files([FIXTURES / "files"]))
    assert list(result.briefings.columns) == [*S.BRIEFING_COLUMNS, "region"]
    assert str(result.briefings[S.DATE].dtype) == "datetime64[ns, UTC]"
    assert list(result.report.columns) == ["file", "row", "status", "reason", S.BRIEFING_ID]


def test_load_files_content_id_ignores_case_and_spacing(tmp_path):
    result = load_files([write(tmp_path / "a.txt", "Hello   WORLD\n")])
    expected = "b-" + hashlib.sha1(b"hello world").hexdigest()[:16]
    assert expected == "b-2aae6c35c94fcfb4"
    assert result.briefings[S.BRIEFING_ID].tolist() == [expected]


# -- tables --------------------------------------------------------------------


def test_load_files_reads_csv_with_synonym_columns():
    result = load_files([FIXTURES / "tables" / "briefings.csv"])
    briefings = by_id(result)
    assert briefings.index.tolist() == ["c-1", "c-4"]
    first = briefings.loc["c-1"]
    assert (first[S.TITLE], first[S.SOURCE], first[S.URL], first["region"]) == (
        "Grain corridor extended",
        "Harbour Wire",
        "https://example.org/c-1",
        "Europe",
    )
    assert (
        first[S.TEXT] == "Ukraine and Turkey extended the Black Sea grain corridor\nby four months."
    )
    assert (first[S.DATE], first[S.DATE_SOURCE]) == (utc("2025-11-25"), "record")
    assert briefings.loc["c-4", S.DATE] == utc("2025-11-25 14:03")
    assert first[S.ORIGIN] == "briefings.csv:row 1"
    report = result.report.fillna({S.BRIEFING_ID: "-"})
    assert report[["row", "status", "reason", S.BRIEFING_ID]].values.tolist() == [
        [1, "loaded", "", "c-1"],
        [2, "skipped", "empty text", "-"],
        [3, "skipped", "has 8 fields, header has 7", "-"],
        [4, "loaded", "", "c-4"],
    ]


def test_load_files_reads_tsv_with_epoch_seconds_and_milliseconds():
    briefings = by_id(load_files([FIXTURES / "tables" / "briefings.tsv"]))
    assert briefings[[S.DATE, S.DATE_SOURCE, S.TITLE]].values.tolist() == [
        [utc("2025-11-25 14:03"), "record", "Rice tariffs cut"],
        [utc("2025-11-25 14:03"), "record", "Fishing rights talks"],
    ]
    assert briefings.index.tolist() == ["t-1", "t-2"]


def test_load_files_jsonl_splits_canonical_text_and_skips_bad_lines():
    result = load_files([FIXTURES / "tables" / "briefings.jsonl"])
    briefings = by_id(result)
    assert briefings.index.tolist() == ["j-1", "b-2e4bdc1da963b627", "j-2"]
    talks = briefings.loc["j-1"]
    assert (talks[S.HAPPENING], talks[S.IMPORTANCE], talks[S.NEXT]) == (
        "South Korea and Japan held talks on supply chains.",
        "Both rely on imported chips.",
        "A second round is due in January.",
    )
    assert talks[S.DATE] == utc("2025-11-25 05:03")
    assert talks[S.ORIGIN].endswith("briefings.jsonl:line 1")
    assert briefings.loc["j-2", S.DATE] == utc("2025-11-25 14:03")
    assert briefings.loc["b-2e4bdc1da963b627", S.DATE] == utc("2025-11-25 14:03")
    assert result.report[["row", "status", "reason"]].values.tolist() == [
        [1, "loaded", ""],
        [2, "loaded", "date '1764079380000' read as epoch milliseconds"],
        [3, "skipped", "invalid JSON (Expecting value at column 46)"],
        [4, "skipped", "not a JSON object (list)"],
        [6, "skipped", "empty text"],
        [7, "loaded", ""],
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Each line alone is broken; joined with a comma they would read as two objects.
        (
            ['{"id": "a", "text": "first"},{"text": "', '"}'],
            [[1, "skipped"], [2, "skipped"]],
        ),
        # Two objects on one line and none on the next: the count must not pair up.
        (
            ['{"id": "a", "text": "one"}, {"id": "b", "text": "two"}', "3"],
            [[1, "skipped"], [2, "skipped"]],
        ),
        (
            ['{"id": "a", "text": "one"}', "", '{"id": "b", "text": "two"}'],
            [[1, "loaded"], [3, "loaded"]],
        ),
    ],
    ids=["string-across-lines", "two-values-on-a-line", "blank-line-numbering"],
)
def test_load_files_jsonl_reads_each_line_on_its_own(tmp_path, lines, expected):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = load_files([path])
    assert result.report[["row", "status"]].values.tolist() == expected


def test_load_files_json_array_and_wrapped_object():
    result = load_files(
        [FIXTURES / "tables" / "briefings.json", FIXTURES / "tables" / "wrapped.json"]
    )
    briefings = by_id(result)
    assert briefings[[S.DATE, S.TITLE, S.SOURCE, S.TEXT]].values.tolist() == [
        [utc("2025-11-25"), "", "", "Mongolia signed a coal deal with China."],
        [
            utc("2025-11-25 14:03"),
            "Rail link approved",
            "Rail Daily",
            ("Serbia approved a rail link to Hungary."),
        ],
        [
            utc("2025-11-26"),
            "Pipeline review",
            "Energy Notes",
            ("Greece opened a review of an undersea pipeline."),
        ],
    ]
    assert briefings.index.tolist() == ["w-1", "a-1", "a-2"]
    skipped = result.report[result.report["status"] == "skipped"]
    assert skipped[["row", "reason"]].values.tolist() == [[3, "not a JSON object (str)"]]


def test_load_files_reads_parquet_keeping_extra_column_types(tmp_path):
    path = tmp_path / "feed.parquet"
    pd.DataFrame(
        {
            "ID": [7, 8],
            "published_at": pd.to_datetime(["2025-02-03 10:00", "2025-02-04 00:00"]),
            "Headline": ["Dam opens", "Talks stall"],
            "article": ["Egypt and Sudan inspected the dam.", "Talks on the dam stalled."],
            "score": [0.5, 1.25],
        }
    ).to_parquet(path)
    briefings = by_id(load_files([path]))
    assert briefings.index.tolist() == ["7", "8"]
    assert briefings[[S.DATE, S.DATE_SOURCE, S.TITLE]].values.tolist() == [
        [utc("2025-02-03 10:00"), "record", "Dam opens"],
        [utc("2025-02-04"), "record", "Talks stall"],
    ]
    assert briefings["score"].tolist() == [0.5, 1.25]
    assert briefings.loc["7", S.ORIGIN] == "feed.parquet:row 1"


def test_load_files_explicit_columns_override_detection(tmp_path):
    path = write(
        tmp_path / "t.csv",
        "ref,when,my_text,text\nr-1,2025-05-06,Chosen words here.,Ignored words.\n",
    )
    briefings = load_files([path], columns={"text": "my_text", "date": "When", "id": "ref"})
    row = briefings.briefings.iloc[0]
    assert (row[S.BRIEFING_ID], row[S.DATE], row[S.TEXT], row["text_input"]) == (
        "r-1",
        utc("2025-05-06"),
        "Chosen words here.",
        "Ignored words.",
    )


def test_load_files_missing_explicit_column_raises_naming_columns(tmp_path):
    path = write(tmp_path / "t.csv", "ref,body\nr-1,Words.\n")
    with pytest.raises(
        InputError,
        match=r"column 'story' named for 'text' is not in 't\.csv'; its columns are: ref, body; "
        r"got 'story'",
    ):
        load_files([path], columns={"text": "story"})


def test_load_files_unknown_column_role_raises(tmp_path):
    with pytest.raises(InputError, match=r"got unknown roles \['body'\]"):
        load_files([write(tmp_path / "t.csv", "text\nx\n")], columns={"body": "text"})


def test_load_files_table_date_falls_back_to_file_name_with_note(tmp_path):
    path = write(
        tmp_path / "feed_2025-01-31.csv", "id,date,text\nf-1,soon,Words one.\nf-2,,Words two.\n"
    )
    result = load_files([path])
    assert by_id(result)[[S.DATE, S.DATE_SOURCE]].values.tolist() == [
        [utc("2025-01-31"), "file name"],
        [utc("2025-01-31"), "file name"],
    ]
    assert result.report["reason"].tolist() == [
        "date 'soon' not understood; dated by the file name",
        "no date; dated by the file name",
    ]


# -- manifests and date precedence ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected_date", "expected_source"),
    [
        ("plain.txt", "Words.\n", "2024-01-02 03:04:05", "file time"),
        ("plain_2023-05-06.txt", "Words.\n", "2023-05-06", "file name"),
        ("listed_2023-05-06.txt", "Words.\n", "2022-01-01", "manifest"),
        (
            "front_2023-05-06.txt",
            "---\ndate: 2021-07-08\n---\nWords.\n",
            "2021-07-08",
            "front matter",
        ),
    ],
    ids=[
        "file-time",
        "file-name-beats-file-time",
        "manifest-beats-file-name",
        "front-matter-beats-manifest",
    ],
)
def test_load_files_date_precedence(tmp_path, name, content, expected_date, expected_source):
    write(
        tmp_path / "manifest.csv",
        "file,date\nlisted_2023-05-06.txt,2022-01-01\nfront_2023-05-06.txt,2022-01-01\n",
    )
    path = write(tmp_path / name, content)
    briefing = load_files([path]).briefings.iloc[0]
    assert (briefing[S.DATE], briefing[S.DATE_SOURCE]) == (utc(expected_date), expected_source)


def test_load_files_explicit_manifest_table_matches_path_suffix(tmp_path):
    path = write(tmp_path / "deep" / "er" / "note.txt", "Words.\n")
    manifest = pd.DataFrame(
        {
            "File": ["er/note.txt", "gone.txt"],
            "Date": ["3 Feb 2020", ""],
            "Title": ["From table", ""],
        }
    )
    result = load_files([path], manifest=manifest)
    briefing = result.briefings.iloc[0]
    assert (briefing[S.DATE], briefing[S.DATE_SOURCE], briefing[S.TITLE]) == (
        utc("2020-02-03"),
        "manifest",
        "From table",
    )
    skipped = result.report[result.report["status"] == "skipped"]
    assert skipped["reason"].tolist() == ["manifest entry 'gone.txt' matches no input file"]


def test_load_files_json_manifest_keyed_by_file_name(tmp_path):
    write(tmp_path / "manifest.json", json.dumps({"a.txt": {"date": "2019-09-09", "desk": "N"}}))
    path = write(tmp_path / "a.txt", "Words.\n")
    briefing = load_files([path]).briefings.iloc[0]
    assert (briefing[S.DATE], briefing[S.DATE_SOURCE], briefing["desk"]) == (
        utc("2019-09-09"),
        "manifest",
        "N",
    )


def test_load_files_unreadable_explicit_manifest_raises(tmp_path):
    manifest = write(tmp_path / "list.csv", "date,title\n2020-01-01,x\n")
    with pytest.raises(InputError, match=r"manifest cannot be used: .*no file name column"):
        load_files([write(tmp_path / "a.txt", "Words.\n")], manifest=manifest)


# -- encodings -------------------------------------------------------------------

ENCODED_TEXT = "What\u2019s Happening?\nCaf\u00e9 owners in Qu\u00e9bec\nprotested.\n\n"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            b"\xef\xbb\xbf" + ENCODED_TEXT.encode("utf-8"),
            "Caf\u00e9 owners in Qu\u00e9bec protested.",
        ),
        (ENCODED_TEXT.encode("utf-16"), "Caf\u00e9 owners in Qu\u00e9bec protested."),
        (ENCODED_TEXT.encode("cp1252"), "Caf\u00e9 owners in Qu\u00e9bec protested."),
        (
            ENCODED_TEXT.replace("\n", "\r\n").encode("utf-8"),
            "Caf\u00e9 owners in Qu\u00e9bec protested.",
        ),
        # 0x81 has no Windows-1252 meaning: the detector reads it, as Windows-1256.
        (b"What's Happening?\nCaf\xe9 \x81 closed.\n", "Caf\u00e9 \u067e closed."),
    ],
    ids=["utf-8-bom", "utf-16-bom", "cp1252", "crlf", "undefined-cp1252-byte"],
)
def test_load_files_decodes_encodings(tmp_path, payload, expected):
    briefing = load_files([write(tmp_path / "enc.txt", payload)]).briefings.iloc[0]
    assert briefing[S.HAPPENING] == expected


def test_load_files_decodes_cp1252_csv(tmp_path):
    path = write(
        tmp_path / "t.csv", "id,text\r\nx-1,\u201cQuoted\u201d caf\u00e9\r\n".encode("cp1252")
    )
    assert load_files([path]).briefings[S.TEXT].tolist() == ["\u201cQuoted\u201d caf\u00e9"]


# -- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("image.txt", bytes(range(256)) * 4, "binary file (NUL bytes)"),
        ("noise.txt", b"\x01\x02\x03\x04\x05\x06 abc" * 50, "binary file (control characters)"),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n\t\n", "empty file"),
        ("slides.pdf", b"%PDF-1.4", "unsupported extension '.pdf'"),
        ("broken.json", b'[{"text": "a"},', "invalid JSON (Expecting value at line 1)"),
        ("broken.parquet", b"PAR1 not really", "unreadable Parquet"),
        ("header.csv", b"id,text\n", "no rows"),
        ("columns.csv", b"id,score\n1,2\n", "no text column"),
        ("odd.utf16.txt", b"\xff\xfeA\x00B", "undecodable utf-16 text"),
        ("README.txt", b"About this corpus: 40 briefings.\n", "a folder's read-me"),
        ("License.md", b"Licensed to readers.\n", "a folder's read-me, licence"),
    ],
    ids=[
        "binary",
        "control-characters",
        "empty",
        "whitespace-only",
        "unknown-extension",
        "malformed-json",
        "malformed-parquet",
        "header-only-csv",
        "no-text-column",
        "truncated-utf16",
        "read-me",
        "licence",
    ],
)
def test_load_files_skips_bad_file_and_loads_the_rest(tmp_path, name, payload, reason):
    bad = write(tmp_path / name, payload)
    good = write(tmp_path / "good.txt", "Words that load.\n")
    result = load_files([bad, good])
    assert result.briefings[S.TEXT].tolist() == ["Words that load."]
    row = report_of(result, name).iloc[0]
    assert (row["status"], pd.isna(row["row"]), pd.isna(row[S.BRIEFING_ID])) == (
        "skipped",
        True,
        True,
    )
    assert row["reason"].startswith(reason)


def test_load_files_report_accounts_for_every_file_and_row():
    files = discover_files([FIXTURES])
    result = load_files(files)
    whole_files = result.report[result.report["row"].isna()]["file"]
    table_files = result.report[result.report["row"].notna()]["file"]
    shown = {file.relative_to(FIXTURES).as_posix() for file in files}
    assert set(whole_files) | set(table_files) >= shown
    loaded = result.report[result.report["status"] == "loaded"]
    assert sorted(loaded[S.BRIEFING_ID]) == sorted(result.briefings[S.BRIEFING_ID])


def test_load_corpus_empty_corpus_raises_saying_what_was_tried(tmp_path):
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "slides.pdf", b"%PDF")
    with pytest.raises(
        EmptyCorpusError,
        match=r"no briefing could be loaded from 2 file\(s\) \(empty\.txt: empty file; "
        r"slides\.pdf: unsupported extension '\.pdf'.*\); got \['.*'\]",
    ):
        load_corpus([tmp_path])


def test_load_corpus_folder_without_files_raises(tmp_path):
    with pytest.raises(EmptyCorpusError, match=r"no files found; got \['.*'\]"):
        load_corpus_with_report([tmp_path])


def test_load_files_empty_input_returns_empty_table():
    result = load_files([])
    assert list(result.briefings.columns) == list(S.BRIEFING_COLUMNS)
    assert result.briefings.empty and result.report.empty


def test_load_files_reports_progress(tmp_path):
    calls: list[tuple[int, int]] = []
    files = [write(tmp_path / "a.txt", "A.\n"), write(tmp_path / "b.txt", "B.\n")]
    load_files(files, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


# -- ids and duplicates -------------------------------------------------------------

STORY = (
    "Officials from Peru and Chile met on Monday in Lima to sign an agreement on shared "
    "water rights along the border rivers after ten years of talks"
)


def jsonl(records: list[dict[str, str]]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_load_corpus_collapses_exact_and_flags_near_duplicates(tmp_path):
    records = [
        {"id": "x-2", "date": "2025-01-02", "text": "  " + STORY.upper()},
        {"id": "x-1", "date": "2025-01-01", "text": STORY},
        {"id": "x-3", "date": "2025-01-03", "text": STORY.replace("talks", "negotiation")},
        {"id": "x-4", "date": "2025-01-04", "text": "Brazil cut interest rates again today."},
    ]
    result = load_corpus_with_report([write(tmp_path / "f.jsonl", jsonl(records))])
    briefings = by_id(result)
    assert briefings.index.tolist() == ["x-1", "x-3", "x-4"]
    assert briefings[S.DUPLICATE_OF].isna().tolist() == [True, False, True]
    assert briefings.loc["x-3", S.DUPLICATE_OF] == "x-1"
    # 27 words -> 23 shingles; the changed last word alters one: 22 shared of 24.
    assert result.report[["row", "status", "reason", S.BRIEFING_ID]].values.tolist() == [
        [1, "duplicate", "exact duplicate of x-1 (input id x-2)", "x-1"],
        [2, "loaded", "", "x-1"],
        [3, "near-duplicate", "near-duplicate of x-1 (Jaccard 0.92)", "x-3"],
        [4, "loaded", "", "x-4"],
    ]


def test_mark_duplicates_over_combined_batches_matches_single_load(tmp_path):
    first = write(tmp_path / "a.jsonl", jsonl([{"id": "x-1", "date": "2025-01-01", "text": STORY}]))
    second = write(
        tmp_path / "b.jsonl",
        jsonl(
            [
                {"id": "x-3", "date": "2025-01-03", "text": STORY + " again"},
                {"id": "x-2", "date": "2025-01-02", "text": STORY.lower()},
            ]
        ),
    )
    old = load_corpus_with_report([first])
    new = load_files([second])
    combined = mark_duplicates(
        pd.concat([old.briefings, new.briefings], ignore_index=True),
        pd.concat([old.report, new.report], ignore_index=True),
    )
    together = load_corpus_with_report([first, second])
    pd.testing.assert_frame_equal(combined.briefings, together.briefings)
    pd.testing.assert_frame_equal(
        combined.report.sort_values(["file", "row"]).reset_index(drop=True), together.report
    )


def test_mark_duplicates_twice_gives_same_result(tmp_path):
    records = [
        {"id": "x-1", "date": "2025-01-01", "text": STORY},
        {"id": "x-3", "date": "2025-01-03", "text": STORY + " again"},
    ]
    once = load_corpus_with_report([write(tmp_path / "f.jsonl", jsonl(records))])
    twice = mark_duplicates(once.briefings, once.report)
    pd.testing.assert_frame_equal(once.briefings, twice.briefings)
    pd.testing.assert_frame_equal(once.report, twice.report)


def test_load_files_renames_id_used_by_a_different_text(tmp_path):
    first = write(tmp_path / "a.csv", "id,date,text\n1,2025-01-01,Alpha words.\n")
    second = write(tmp_path / "b.csv", "id,date,text\n1,2025-01-02,Beta words.\n")
    result = load_corpus_with_report([first, second])
    assert result.briefings[[S.BRIEFING_ID, S.TEXT]].values.tolist() == [
        ["1", "Alpha words."],
        ["1#2", "Beta words."],
    ]
    assert result.report[S.BRIEFING_ID].tolist() == ["1", "1#2"]
    assert result.report["reason"].tolist() == ["", "id '1' is used by another text; renamed"]


def test_mark_duplicates_rejects_bad_threshold():
    empty = load_files([])
    with pytest.raises(InputError, match=r"threshold must be in \(0, 1\], got 1\.5"):
        mark_duplicates(empty.briefings, empty.report, threshold=1.5)


def test_load_files_does_not_mutate_or_mark_duplicates(tmp_path):
    records = [
        {"id": "x-1", "date": "2025-01-01", "text": STORY},
        {"id": "x-2", "date": "2025-01-02", "text": STORY},
    ]
    result = load_files([write(tmp_path / "f.jsonl", jsonl(records))])
    assert result.briefings[S.BRIEFING_ID].tolist() == ["x-1", "x-2"]
    assert set(result.report["status"]) == {"loaded"}
    before = result.briefings.copy()
    mark_duplicates(result.briefings, result.report)
    pd.testing.assert_frame_equal(result.briefings, before)


# -- evaluation on the real material -------------------------------------------------


@pytest.mark.eval
def test_load_corpus_seed_file_sections_and_file_time(seed_file):
    result = load_corpus_with_report([seed_file])
    briefing = result.briefings.iloc[0]
    assert briefing[S.HAPPENING].startswith("President Donald Trump has extended")
    assert briefing[S.HAPPENING].endswith("cooperation with South Korea.")
    assert briefing[S.IMPORTANCE].startswith("The invitation from President Trump")
    assert briefing[S.IMPORTANCE].endswith("commitment to bilateral relations.")
    assert briefing[S.NEXT].startswith("The planned visit by Prime Minister Takaichi")
    assert briefing[S.NEXT].endswith("China's reaction to these developments.")
    assert "leaders, as reported" in briefing[S.HAPPENING]  # the hard line break re-joined
    assert briefing[S.TITLE] == ""
    expected = pd.Timestamp(int(seed_file.stat().st_mtime), unit="s", tz="UTC")
    assert (briefing[S.DATE], briefing[S.DATE_SOURCE]) == (expected, "file time")


@pytest.mark.eval
def test_load_files_reuters_keeps_ids_and_record_dates(reuters_jsonl):
    with reuters_jsonl.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    expected = pd.Series(
        pd.to_datetime([record["date"] for record in records], utc=True),
        index=[record["id"] for record in records],
    )
    briefings = load_files([reuters_jsonl]).briefings.set_index(S.BRIEFING_ID)
    assert len(briefings) == 19_043
    assert set(briefings.index) == set(expected.index)
    assert (briefings[S.DATE] == expected.reindex(briefings.index)).all()
    assert set(briefings[S.DATE_SOURCE]) == {"record"}


@pytest.mark.eval
def test_load_corpus_reuters_report_accounts_for_every_article(reuters_jsonl):
    result = load_corpus_with_report([reuters_jsonl])
    counts = result.report["status"].value_counts()
    assert len(result.report) == 19_043
    assert len(result.briefings) == 19_043 - counts.get("duplicate", 0)
    assert counts.get("skipped", 0) == 0
    flagged = result.briefings[S.DUPLICATE_OF].notna().sum()
    assert flagged == counts.get("near-duplicate", 0)


def test_load_corpus_collapses_identical_text_files(tmp_path):
    first = write(tmp_path / "a_2025-01-01.txt", "What's Happening?\nSame words.\n")
    second = write(tmp_path / "b_2025-01-02.txt", "what's happening?\n\nSAME   words.\n")
    result = load_corpus_with_report([tmp_path])
    assert result.briefings[S.ORIGIN].tolist() == [first.name]
    # sha1("same words.") starts 5ea203e3ffbf2623.
    assert result.report[["status", "reason", S.BRIEFING_ID]].values.tolist() == [
        ["loaded", "", "b-5ea203e3ffbf2623"],
        ["duplicate", "exact duplicate of b-5ea203e3ffbf2623", "b-5ea203e3ffbf2623"],
    ]
    assert result.report["file"].iloc[1] == second.name


def test_mark_duplicates_marks_loaded_row_whose_briefing_was_dropped(tmp_path):
    # A store may drop a new row whose id it already holds before marking duplicates.
    old = load_corpus_with_report([write(tmp_path / "a.txt", "Same words.\n")])
    new = load_files([write(tmp_path / "b.txt", "same words.\n")])
    combined = mark_duplicates(old.briefings, pd.concat([old.report, new.report]))
    assert combined.report["status"].tolist() == ["loaded", "duplicate"]


def test_load_files_tolerates_odd_json_value_types(tmp_path):
    lines = [
        {"id": 1.0, "date": True, "title": {"a": 1}, "text": 12345},
        {"id": None, "date": [2025], "text": ["a", "b"]},
        {"id": 3, "date": -5, "text": "What's Happening?\n\u0000 ok \u0007"},
    ]
    path = write(tmp_path / "odd.jsonl", jsonl(lines))
    result = load_files([path])
    briefings = by_id(result)
    assert briefings.loc["1", [S.TEXT, S.TITLE, S.DATE_SOURCE]].tolist() == [
        "12345",
        '{"a": 1}',  # JSON, never Python's own notation
        "file time",
    ]
    # -5 is no plausible epoch time: refused, said so, and the file's time used instead.
    assert briefings.loc["3", [S.DATE, S.HAPPENING]].tolist() == [utc(FILE_TIME_TEXT), "ok"]
    fallback = "dated by the file's modification time"
    assert result.report["reason"].tolist() == [
        f"date 'True' not understood; {fallback}",
        f"date '[2025]' not understood; {fallback}",
        f"date '-5' is not a plausible epoch time (accepted: 1980-01-01..{NEXT_YEAR}); {fallback}",
    ]


CANONICAL_ROWS = [
    # one line per section: taken by the vectorised splitter
    "What's Happening?\n" + "Japan and the Philippines signed a reciprocal access agreement "
    "for their forces.\nWhy It's Important?\n" + "The pact lets troops train on each other's "
    "territory and deepens a growing security partnership.\nWhat's Next?\n" + "Parliaments in "
    "both countries are expected to ratify the agreement in the coming months.",
    # wrapped paragraph and a title line: left to parse_briefing
    "Access pact\nWhat's Happening?\nJapan and the Philippines signed\nan access agreement.\n"
    "Why It's Important?\nIt deepens ties.\nWhat's Next?\nRatification may follow.",
    # a short line that reads like a heading must not be taken by the fast path
    "What's Happening?\nWhat's next\nWhy It's Important?\nShort.\nWhat's Next?\nAlso short.",
]


@pytest.mark.parametrize("text", CANONICAL_ROWS, ids=["one-line", "wrapped-title", "short-lines"])
def test_load_files_table_sections_match_parse_briefing(tmp_path, text):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "r1", "text": text}) + "\n", encoding="utf-8")
    row = load_files([path]).briefings.iloc[0]
    parsed = parse_briefing(text)
    assert (row[S.HAPPENING], row[S.IMPORTANCE], row[S.NEXT], row[S.TEXT]) == (
        parsed["happening"],
        parsed["importance"],
        parsed["next"],
        parsed["body"],
    )


# -- #12: encodings, YAML front matter, dates out of range ---------------------------


@pytest.mark.parametrize(
    ("sentence", "encoding"),
    [
        ("Президент России встретился с министром иностранных дел в Москве.", "cp1251"),
        ("Ο πρωθυπουργός της Ελλάδας συναντήθηκε με τον υπουργό στην Αθήνα.", "cp1253"),
        ("日本の首相は東京で外務大臣と会談した。協議は二日間続く予定だ。", "shift_jis"),
    ],
    ids=["russian-cp1251", "greek-cp1253", "japanese-shift-jis"],
)
def test_load_files_decodes_national_encodings_and_names_them(tmp_path, sentence, encoding):
    path = write(tmp_path / "news_2025-03-04.txt", sentence.encode(encoding))
    result = load_files([path])
    assert result.briefings[S.TEXT].tolist() == [sentence]
    detected = {"cp1251": "cp1251", "cp1253": "cp1253", "shift_jis": "cp932"}[encoding]
    assert result.report["reason"].tolist() == [f"decoded as {detected}"]


def test_parse_briefing_reads_a_folded_yaml_title():
    parsed = parse_briefing(
        "---\ntitle: >\n  Ministers meet\n  in Oslo\ntags:\n  - fish\n  - quotas\n---\nWords.\n"
    )
    assert (parsed["title"], parsed["tags"], parsed["body"]) == (
        "Ministers meet in Oslo",
        "fish, quotas",
        "Words.",
    )


def test_parse_briefing_front_matter_that_is_not_yaml_falls_back_to_lines():
    parsed = parse_briefing("---\ntitle: [unclosed\ndate: 2021-07-08\n---\nWords.\n")
    assert (parsed["title"], parsed["date"]) == ("[unclosed", "2021-07-08")


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("1066-01-01", "date 1066-01-01 is outside 1900-01-01..{next_year}"),
        ("2999-05-05", "date 2999-05-05 is outside 1900-01-01..{next_year}"),
        ("9999-12-31", "date 9999-12-31 is outside 1900-01-01..{next_year}"),
        ("", "no date"),
        ("-1", "date '-1' is a number among dates; not read as an epoch time"),
        ("1700000000", "date '1700000000' is a number among dates; not read as an epoch time"),
    ],
    ids=["1066", "2999", "9999", "empty", "minus-one", "epoch-among-dates"],
)
def test_load_files_reports_refused_dates_and_the_file_time_used(tmp_path, date, reason):
    path = write(tmp_path / "feed.csv", f"id,date,text\nok,2025-01-01,Fine.\nbad,{date},Words.\n")
    result = load_files([path])
    briefing = by_id(result).loc["bad"]
    assert (briefing[S.DATE], briefing[S.DATE_SOURCE]) == (utc(FILE_TIME_TEXT), "file time")
    expected = reason.format(next_year=NEXT_YEAR) + "; dated by the file's modification time"
    assert result.report["reason"].tolist() == ["", expected]


def test_load_files_reads_a_column_of_epoch_numbers_with_a_note(tmp_path):
    path = write(tmp_path / "feed.csv", "id,date,text\na,1700000000,Words.\nb,-1,More.\n")
    result = load_files([path])
    assert by_id(result).loc["a", [S.DATE, S.DATE_SOURCE]].tolist() == [
        utc("2023-11-14 22:13:20"),
        "record",
    ]
    assert result.report["reason"].tolist() == [
        "date '1700000000' read as epoch seconds",
        f"date '-1' is not a plausible epoch time (accepted: 1980-01-01..{NEXT_YEAR}); "
        "dated by the file's modification time",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "El presidente de España se reunió con el líder de Portugal. Año difícil, señaló.",
        "Café crème à Genève.",
        "Zürich Größe.",
    ],
    ids=["spanish", "french-short", "german-short"],
)
def test_load_files_reads_western_latin1_text_as_windows_1252(tmp_path, sentence):
    # Detection scores Central European or Urdu readings of these bytes as high as the
    # Western one; a tie is read as Windows-1252, so no letter changes.
    path = write(tmp_path / "news_2025-03-04.txt", sentence.encode("latin-1"))
    result = load_files([path])
    assert result.briefings[S.TEXT].tolist() == [sentence]
    assert result.report["reason"].tolist() == ["decoded as cp1252"]


# -- columns a table repeats, and JSON cells that are not text ---------------------------


def test_load_files_notes_a_repeated_text_column_and_keeps_the_other(tmp_path):
    path = write(
        tmp_path / "two.csv",
        "id,Text,date,text\n1,Oslo hosts fisheries talks.,2024-01-02,A second text.\n",
    )
    result = load_files([path])
    briefing = by_id(result).loc["1"]
    # The first is the text; the second is kept under a name that cannot clash.
    assert (briefing[S.TEXT], briefing["text_input"]) == (
        "Oslo hosts fisheries talks.",
        "A second text.",
    )
    assert report_of(result, "two.csv")["reason"].tolist() == [
        "the header names the text column twice: the first is read, the other is kept as "
        "an extra column"
    ]


def test_load_files_notes_other_columns_that_could_hold_the_text(tmp_path):
    path = write(
        tmp_path / "feed.csv",
        "id,summary,date,content,description\n1,Short.,2024-01-02,Oslo hosts talks.,Teaser.\n",
    )
    result = load_files([path])
    briefing = by_id(result).loc["1"]
    assert (briefing[S.TEXT], briefing["summary"], briefing["description"]) == (
        "Oslo hosts talks.",
        "Short.",
        "Teaser.",
    )
    assert report_of(result, "feed.csv")["reason"].tolist() == [
        "the text is read from the content column; summary, description could hold it too "
        "and are kept as extra"
    ]


def test_load_files_reads_json_lists_as_text_and_skips_objects(tmp_path):
    lines = [
        {
            "id": "a",
            "text": ["Oslo hosts talks.", "", "Quotas are set."],
            "date": "2024-01-02",
            "source": ["Harbour Wire", "Fjord Post"],
            "title": {"en": "Talks"},
        },
        {"id": "b", "text": {"body": "Nested."}, "date": "2024-01-03"},
        {"id": "c", "text": [["deep"]], "date": "2024-01-04"},
        {"id": "d", "text": "Plain text.", "date": "2024-01-05"},
    ]
    path = write(tmp_path / "cells.jsonl", "\n".join(json.dumps(line) for line in lines))
    result = load_files([path])
    briefings = by_id(result)
    assert briefings.index.tolist() == ["a", "d"]
    assert briefings.loc["a", S.TEXT] == "Oslo hosts talks.\n\nQuotas are set."
    assert briefings.loc["a", S.SOURCE] == "Harbour Wire; Fjord Post"
    assert briefings.loc["a", S.TITLE] == '{"en": "Talks"}'
    report = report_of(result, "cells.jsonl")
    assert report[["row", "status", "reason"]].values.tolist() == [
        [1, "loaded", ""],
        [2, "skipped", "the text is an object, not text"],
        [3, "skipped", "the text is a list of non-text values, not text"],
        [4, "loaded", ""],
    ]


def test_free_names_pass_the_numbers_stored_briefings_hold() -> None:
    from analytics.ingest.marking import _free_names

    # a#2 to a#20 are stored and a#21 is another added briefing's: the next free ones.
    stored = pd.Series([f"a#{n}" for n in range(2, 21)] + ["b", "b#3"], dtype="str")
    free = _free_names({"a": 2, "b": 2}, stored, {"a#21"})
    assert free == {"a": ["a#22", "a#23"], "b": ["b#2", "b#4"]}
