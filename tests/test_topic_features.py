"""Tests of the term counter of the topic model (``analytics.topic_features.count_terms``)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import parallel, topic_features
from analytics.topic_features import count_terms, count_vectorizer

# Hand-made texts covering what the token pattern must get right: digits inside words,
# underscores, abbreviations, apostrophes, accents, non-Latin scripts, a dotted capital I
# whose lower case grows a combining dot, and texts without any term.
TRICKY_TEXTS = [
    "Oil prices rose; OIL fell. Oil-rich 4th-quarter q3 results_2024",
    "The U.S. and what's next: naïve café Zürich ÉLAN élan",
    "Σίσυφος ΟΔΟΣ Москва москва 東京 İstanbul x y",
    "",
    "12 345 6.7 -- !!",
    "foo_bar foo bar foo",
]


def _expected(
    texts: Sequence[str], stop_words: Sequence[str], **bounds: int | float
) -> tuple[np.ndarray, list[str]]:
    vectorizer = count_vectorizer(stop_words, **bounds)
    counts = vectorizer.fit_transform(texts)
    return counts.toarray(), vectorizer.get_feature_names_out().tolist()


def test_count_terms_hand_worked_counts() -> None:
    texts = ["Oil prices rose; oil fell.", "Prices of gas", "4th gas-oil x"]
    counts, terms = count_terms(texts, ["of"])
    assert terms.tolist() == ["fell", "gas", "oil", "prices", "rose"]
    assert counts.toarray().tolist() == [
        [1, 0, 2, 1, 1],
        [0, 1, 0, 1, 0],
        [0, 1, 1, 0, 0],
    ]
    assert counts.has_sorted_indices


@pytest.mark.parametrize(
    ("stop_words", "bounds"),
    [
        ([], {}),
        (["the", "and", "what"], {}),
        ([], {"min_df": 2}),
        ([], {"max_df": 0.5}),
        (["foo"], {"min_df": 2, "max_df": 3}),
    ],
    ids=["plain", "stop-words", "min-df-count", "max-df-fraction", "both-bounds"],
)
def test_count_terms_matches_count_vectorizer(
    stop_words: list[str], bounds: dict[str, int | float]
) -> None:
    # The first three texts twice: terms in 1, 2 and 4 of the 9 texts.
    texts = TRICKY_TEXTS + TRICKY_TEXTS[:3]
    counts, terms = count_terms(texts, stop_words, **bounds)
    expected_counts, expected_terms = _expected(texts, stop_words, **bounds)
    assert 0 < len(terms)
    assert terms.tolist() == expected_terms
    np.testing.assert_array_equal(counts.toarray(), expected_counts)
    assert counts.dtype == np.float64


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("abAB zéÉ1_.'-\nΣσς東İ\u0301")), max_size=40),
        min_size=1,
        max_size=8,
    )
)
def test_count_terms_matches_count_vectorizer_on_any_text(texts: list[str]) -> None:
    try:
        expected_counts, expected_terms = _expected(texts, [])
    except ValueError:
        with pytest.raises(ValueError, match="empty vocabulary"):
            count_terms(texts, [])
        return
    counts, terms = count_terms(texts, [])
    assert terms.tolist() == expected_terms
    np.testing.assert_array_equal(counts.toarray(), expected_counts)


def test_count_terms_fixed_vocabulary_keeps_column_order() -> None:
    counts, terms = count_terms(["gas oil oil coal", "wind"], [], vocabulary=["oil", "gas", "sun"])
    assert terms.tolist() == ["oil", "gas", "sun"]
    assert counts.toarray().tolist() == [[2, 1, 0], [0, 0, 0]]


@pytest.mark.parametrize(
    ("texts", "bounds", "match"),
    [
        (["the and", "of"], {}, "empty vocabulary"),
        ([], {}, "empty vocabulary"),
        (["oil gas", "coal"], {"min_df": 2}, "no terms remain"),
        (["oil gas", "coal"], {"min_df": 2, "max_df": 1}, "max_df corresponds to < documents"),
    ],
    ids=["only-stop-words", "no-texts", "min-df-too-high", "max-below-min"],
)
def test_count_terms_without_terms_raises(
    texts: list[str], bounds: dict[str, int], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        count_terms(texts, ["the", "and", "of"], **bounds)


@pytest.mark.parametrize(
    ("batch", "parallel_from"),
    [(2, 10**9), (2, 1), (4, 1), (100, 1)],
    ids=["small-batches", "forked-small-batches", "forked-uneven-batches", "one-batch"],
)
def test_count_terms_batches_and_processes_give_the_same_counts(
    batch: int, parallel_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = TRICKY_TEXTS * 3
    expected_counts, expected_terms = _expected(texts, ["the"], min_df=2)
    monkeypatch.setattr(topic_features, "COUNT_BATCH", batch)
    monkeypatch.setattr(topic_features, "PARALLEL_COUNT_FROM", parallel_from)
    counts, terms = count_terms(texts, ["the"], min_df=2)
    assert terms.tolist() == expected_terms
    np.testing.assert_array_equal(counts.toarray(), expected_counts)
    assert counts.has_sorted_indices


def test_count_terms_does_not_fork_beside_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # A server thread is running: forking could copy a lock it holds, so no process starts.
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started beside another thread")

    monkeypatch.setattr(topic_features, "COUNT_BATCH", 2)
    monkeypatch.setattr(topic_features, "PARALLEL_COUNT_FROM", 1)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    release = threading.Event()
    server = threading.Thread(target=release.wait)
    server.start()
    try:
        counts, terms = count_terms(TRICKY_TEXTS, [])
    finally:
        release.set()
        server.join()
    expected_counts, expected_terms = _expected(TRICKY_TEXTS, [])
    assert terms.tolist() == expected_terms
    np.testing.assert_array_equal(counts.toarray(), expected_counts)
