"""Sentence splitting and segmentation, with hand-worked spans."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import schema as S
from analytics.text import segment_table, sentence_table, split_sentences


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
