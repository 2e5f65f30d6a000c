"""Sentence splitting and segmentation, with hand-worked spans."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentence_cases import BOUNDARY_TEXTS

from analytics import schema as S
from analytics.text import (
    IS_SPACE,
    SEGMENT_SEPARATOR,
    advance,
    code_points,
    join_segments,
    segment_columns,
    segment_table,
    segment_texts,
    sentence_starts,
    sentence_table,
    sorted_distinct,
    sorted_member,
    space_run_starts,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan protested. China replied.", ["Japan protested.", "China replied."]),
        ("The U.S. and Japan met. Talks ended.", ["The U.S. and Japan met.", "Talks ended."]),
        (
            "Mr. Lee met Gen. Park in Seoul. Both left.",
            ["Mr. Lee met Gen. Park in Seoul.", "Both left."],
        ),
        ("Is it over? Nobody knows!  Next.", ["Is it over?", "Nobody knows!", "Next."]),
        ('He left. "Why?" she asked.', ["He left.", '"Why?" she asked.']),
        ("Talks resumed on Jan. 5 in Geneva.", ["Talks resumed on Jan. 5 in Geneva."]),
        ("A heading\n\nA paragraph", ["A heading", "A paragraph"]),
        ("  spaced out.  ", ["spaced out."]),
        ("", []),
        ("He flew to the U.S. The talks began.", ["He flew to the U.S.", "The talks began."]),
        ("The U.S. Navy sailed.", ["The U.S. Navy sailed."]),
        ("It grew 3.5 pct in 1987. Exports fell.", ["It grew 3.5 pct in 1987.", "Exports fell."]),
    ],
    ids=[
        "plain",
        "us-abbrev",
        "titles",
        "marks",
        "quote",
        "month-abbrev",
        "blank-line",
        "trim",
        "empty",
        "us-then-opener",
        "us-navy",
        "decimal",
    ],
)
def test_split_sentences_spans(text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, end in split_sentences(text)] == expected


def test_split_sentences_spans_are_offsets_into_text() -> None:
    text = "One. Two three."
    assert split_sentences(text) == [(0, 4), (5, 15)]


def _briefings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.BRIEFING_ID: ["a", "b"],
            S.TITLE: ["Title A", ""],
            S.TEXT: ["ignored when sections exist", "Body only. Two."],
            S.HAPPENING: ["It happened.", ""],
            S.IMPORTANCE: ["", ""],
            S.NEXT: ["Then more.", ""],
        }
    )


def test_segment_table_prefers_sections_and_keeps_order() -> None:
    segments = segment_table(_briefings())
    assert segments.values.tolist() == [
        ["a", "title", "Title A"],
        ["a", "happening", "It happened."],
        ["a", "next", "Then more."],
        ["b", "body", "Body only. Two."],
    ]


def test_sentence_table_indexes_sentences_per_section() -> None:
    sentences = sentence_table(segment_table(_briefings()))
    body = sentences[sentences[S.SECTION] == "body"]
    assert body[[S.SENTENCE_INDEX, S.START, S.END, S.SENTENCE]].values.tolist() == [
        [0, 0, 10, "Body only."],
        [1, 11, 15, "Two."],
    ]


def _spans_from_starts(joined: str, starts: list[int], begin: int, end: int) -> list[tuple]:
    """Sentence spans of ``joined[begin:end]`` from the boundaries inside it."""
    cuts = [begin, *[s for s in starts if begin < s < end], end]
    spans = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        piece = joined[a:b]
        lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
        if trail > lead:
            spans.append((a + lead - begin, a + trail - begin))
    return spans


@pytest.mark.parametrize("text", BOUNDARY_TEXTS, ids=lambda t: t[:20].replace("\n", " ") or "-")
def test_sentence_starts_matches_split_sentences(text: str):
    starts = sentence_starts(text, code_points(text), np.zeros(1, dtype=np.int64))
    assert _spans_from_starts(text, starts.tolist(), 0, len(text)) == split_sentences(text)


# Long runs of space and line breaks: followed in windows past the first characters, and
# each line break of a run of blank lines finds the run's start through the one before it.
LONG_RUN_TEXTS = [
    "Talks ended. " + "\n" * 5_000 + "China replied.",
    "Talks ended. " + " \n" * 3_000 + "China replied. " + " " * 9_000 + "Japan waited.",
    "Talks ended." + "\n\n" + "\t" * 7_000 + "\n" + "Then more.",
    "x" * 20_000 + ". The end.\n\n" + "\u2003\n" * 2_000 + "Done.",
]


@pytest.mark.parametrize(
    "text", LONG_RUN_TEXTS, ids=["blank-lines", "space-newline", "tabs", "long-token"]
)
def test_sentence_starts_matches_split_sentences_on_long_runs(text: str):
    starts = sentence_starts(text, code_points(text), np.zeros(1, dtype=np.int64))
    assert _spans_from_starts(text, starts.tolist(), 0, len(text)) == split_sentences(text)


def test_space_run_starts_is_the_start_of_each_line_breaks_space_run():
    text = "a \n \n\nb\n  c" + "\n" * 100 + "d"
    points = code_points(text)
    newlines = np.flatnonzero(points == ord("\n"))
    expected = [len(text[:at]) - len(text[:at].rstrip()) for at in newlines.tolist()]
    expected = [at - back for at, back in zip(newlines.tolist(), expected, strict=True)]
    assert space_run_starts(points, newlines).tolist() == expected
    assert expected[:4] == [1, 1, 1, 7] and expected[-1] == 11


def test_advance_and_retreat_cross_runs_longer_than_their_windows():
    from analytics.text import retreat

    text = "a" + " " * 10_000 + "b" + " " * 40 + "c"
    points = code_points(text)
    starts = np.array([1, 5_000, 10_002, 10_030], dtype=np.int64)
    assert advance(points, starts, IS_SPACE).tolist() == [10_001, 10_001, 10_042, 10_042]
    ends = np.array([10_001, 6_000, 10_042, 10_020], dtype=np.int64)
    assert retreat(points, ends, IS_SPACE).tolist() == [1, 1, 10_002, 10_002]


def test_sentence_starts_splits_joined_segments_like_each_alone():
    joined, offsets, lengths = join_segments(BOUNDARY_TEXTS)
    starts = sentence_starts(joined, code_points(joined), offsets).tolist()
    for text, begin, length in zip(BOUNDARY_TEXTS, offsets, lengths, strict=True):
        spans = _spans_from_starts(joined, starts, int(begin), int(begin + length))
        assert spans == split_sentences(text)


@pytest.mark.parametrize("step", [1, 3, 64])
def test_sentence_starts_look_up_classes_a_slice_at_a_time_as_at_once(
    monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    from analytics import text as text_module
    from analytics.text import positions_in_class

    joined, offsets, _ = join_segments(BOUNDARY_TEXTS)
    points = code_points(joined)
    whole = sentence_starts(joined, points, offsets)
    stop_table = np.zeros(0x110000, dtype=bool)
    stop_table[[ord("."), ord("!"), ord("?")]] = True
    expected_stops = np.flatnonzero(np.isin(points, [46, 33, 63]))
    monkeypatch.setattr(text_module, "_CLASS_STEP", step)
    assert positions_in_class(points, stop_table).tolist() == expected_stops.tolist()
    assert positions_in_class(points[:0], stop_table).tolist() == []
    np.testing.assert_array_equal(sentence_starts(joined, points, offsets), whole)


def test_join_segments_offsets_point_at_each_text():
    joined, offsets, lengths = join_segments(["ab", "", "cde"])
    assert joined == "ab" + SEGMENT_SEPARATOR + SEGMENT_SEPARATOR + "cde"
    assert offsets.tolist() == [0, 5, 8]
    assert lengths.tolist() == [2, 0, 3]


def test_code_points_adds_two_sentinels_and_reads_ascii_as_bytes():
    assert code_points("a\u00e9").tolist() == [97, 233, 0, 0]
    assert code_points("a\u00e9").dtype == np.uint32
    assert code_points("ab").tolist() == [97, 98, 0, 0]
    assert code_points("ab").dtype == np.uint8


def test_sorted_distinct_and_member():
    distinct = sorted_distinct(np.array([5, 1, 5, 3, 1]))
    assert distinct.tolist() == [1, 3, 5]
    assert sorted_member(np.array([0, 1, 4, 5, 9]), distinct).tolist() == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert sorted_member(np.array([1]), np.array([], dtype=np.int64)).tolist() == [False]


@pytest.mark.parametrize(
    ("keep", "expected"),
    [("first", ["T1", "Body one", ""]), ("last", ["T2", "Body two", ""])],
    ids=["first", "last"],
)
def test_segment_texts_reads_repeated_ids_from_keep_row(keep: str, expected: list[str]):
    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: ["a", "a"],
            S.TITLE: ["T1", "T2"],
            S.TEXT: ["Body one", "Body two"],
        }
    )
    exists, texts = segment_texts(
        briefings,
        np.array(["a", "a", "a"], dtype=object),
        np.array([S.SECTION_TITLE, S.SECTION_BODY, S.NEXT], dtype=object),
        keep=keep,
    )
    assert texts == expected
    assert exists.tolist() == [True, True, False]


def test_segment_columns_are_the_columns_of_segment_table():
    briefings = pd.DataFrame(
        {
            S.BRIEFING_ID: ["a", "b"],
            S.TITLE: ["Title A", ""],
            S.HAPPENING: ["", "It happened."],
            S.TEXT: ["Body A", "Body B"],
        }
    )
    ids, sections, texts = segment_columns(briefings)
    assert ids.tolist() == ["a", "a", "b"]
    assert sections.tolist() == [S.SECTION_TITLE, S.SECTION_BODY, S.HAPPENING]
    assert texts == ["Title A", "Body A", "It happened."]
    table = segment_table(briefings)
    assert table[S.TEXT].tolist() == texts
    assert table[S.SECTION].tolist() == sections.tolist()


_PROBES = [
    re.compile(r"\b(?:the|both)\s+two\s+(?P<noun>sides|countries)\b"),
    re.compile(r"\bcondemn[a-z]*\s+the\s+attack\b", re.IGNORECASE),
    re.compile(r",\s+both\s+of\s+which\b"),
]


@given(
    st.lists(
        st.text(alphabet="the twoboh sidcunr,é\u00e9TBCAk\n", max_size=40)
        | st.sampled_from(
            [
                "The two sides met.",
                "both two countries",
                "Qatar CONDEMNED the attack",
                "A, both of which",
            ]
        ),
        max_size=30,
    )
)
def test_may_match_keeps_every_text_a_pattern_matches(texts: list[str]) -> None:
    from analytics.text import may_match

    kept = may_match(texts, *_PROBES)
    assert kept.dtype == bool and len(kept) == len(texts)
    for text, keep in zip(texts, kept.tolist(), strict=True):
        if any(pattern.search(text) for pattern in _PROBES):
            assert keep, text


def test_may_match_drops_texts_no_pattern_can_match() -> None:
    from analytics.text import may_match

    texts = ["The two sides met.", "Nothing to see.", "They condemned the attack.", ""]
    assert may_match(texts, *_PROBES).tolist() == [True, False, True, False]
    assert may_match([], *_PROBES).tolist() == []
