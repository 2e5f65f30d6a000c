"""Hostile and broken input: property-based checks that loaders never crash or lose records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import schema as S
from analytics.briefings import load_files, parse_briefing
from analytics.text import split_sentences

# Text with control characters, surrogate-free unicode, odd line ends and long runs.
hostile_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=400
) | st.builds(
    lambda word, n: word * n, st.sampled_from(["x", "Japan ", "\x00", "é"]), st.integers(0, 20_000)
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(text=hostile_text)
def test_parse_briefing_never_crashes(text: str) -> None:
    parsed = parse_briefing(text)
    assert set(parsed) >= {"title", "happening", "importance", "next"}


@SETTINGS
@given(text=hostile_text)
def test_split_sentences_spans_stay_inside_text(text: str) -> None:
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        previous_end = end


@SETTINGS
@given(text=hostile_text, encoding=st.sampled_from(ENCODINGS), crlf=st.booleans())
def test_load_files_accounts_for_every_text_file(
    tmp_path_factory: pytest.TempPathFactory, text: str, encoding: str, crlf: bool
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    body = text.replace("\n", "\r\n") if crlf else text
    path = folder / "briefing.txt"
    try:
        path.write_bytes(body.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(body.encode("utf-8", "replace"))
    result = load_files([path])
    report = result.briefings, result.report
    assert len(report[1]) == 1
    status = report[1]["status"].iloc[0]
    assert status in {"loaded", "skipped"}
    assert (status == "loaded") == (len(result.briefings) == 1)
    if status == "skipped":
        assert report[1]["reason"].iloc[0]


@SETTINGS
@given(
    records=st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {"id": st.text(max_size=12), "text": hostile_text, "date": st.text(max_size=30)}
            ),
            st.fixed_dictionaries({"body": st.one_of(st.none(), st.integers(), hostile_text)}),
            st.just("{broken json"),
            st.just(""),
        ),
        max_size=12,
    )
)
def test_load_files_accounts_for_every_jsonl_line(
    tmp_path_factory: pytest.TempPathFactory, records: list[object]
) -> None:
    folder = tmp_path_factory.mktemp("jsonl")
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path = folder / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = load_files([path])
    report = result.report
    non_blank = sum(1 for line in lines if line.strip())
    per_row = report[report["row"].notna()]
    if non_blank:
        # One report row per non-blank line: loaded, or skipped with its reason.
        assert len(per_row) == non_blank
        assert (per_row["status"] == "loaded").sum() == len(result.briefings)
        skipped = per_row[per_row["status"] == "skipped"]
        assert skipped["reason"].str.len().gt(0).all()
    else:
        assert result.briefings.empty
        assert report["status"].tolist() == ["skipped"]


def test_load_files_skips_binary_file_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 40)
    result = load_files([path])
    assert result.briefings.empty
    assert result.report["status"].tolist() == ["skipped"]
    assert "binary" in result.report["reason"].iloc[0]


def test_load_files_keeps_a_huge_single_line(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("What's Happening?\n" + "Japan " * 200_000 + "\n", encoding="utf-8")
    result = load_files([path])
    assert len(result.briefings) == 1
    assert result.briefings[S.HAPPENING].iloc[0].count("Japan") == 200_000


@SETTINGS
@given(texts=st.lists(hostile_text, min_size=1, max_size=4), title=hostile_text)
def test_extract_mentions_never_crashes_and_spans_point_at_the_surface(
    texts: list[str], title: str
) -> None:
    import pandas as pd

    from analytics.mentions import extract_mentions
    from analytics.text import segment_table

    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i}" for i in range(len(texts))],
            S.DATE: pd.Timestamp("2025-11-25", tz="UTC"),
            S.TITLE: title,
            S.TEXT: [f"Japan and China. {text} Talks in Tokyo." for text in texts],
            S.HAPPENING: "",
            S.IMPORTANCE: "",
            S.NEXT: "",
        }
    )
    mentions = extract_mentions(briefings)
    segments = segment_table(briefings).set_index([S.BRIEFING_ID, S.SECTION])[S.TEXT]
    for row in mentions.itertuples(index=False):
        segment = segments.loc[(row.briefing_id, row.section)]
        assert segment[row.start : row.end] == row.surface
    bodies = mentions[mentions[S.SECTION] == S.SECTION_BODY]
    assert set(bodies[S.BRIEFING_ID]) == set(briefings[S.BRIEFING_ID])
    assert {"JPN", "CHN"} <= set(bodies[S.ISO3])
