"""Tests of the topic model's term counter (``count_terms``), document frequencies and TF-IDF."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from analytics import parallel, settings
from analytics.topics import (
    DocumentFrequencies,
    combine_document_frequencies,
    count_terms,
    count_vectorizer,
    document_frequencies,
    inverse_document_frequency,
    strip_sources,
    tfidf,
    topic_stop_words,
)
from analytics.topics.features import smoothed_idf

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


@hypothesis_settings(max_examples=60, deadline=None)
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


# -- document frequencies ------------------------------------------------------------------------

# Terms per text (stop words such as "of", "and", "the" dropped):
#   1: fell, oil, prices, rose   (the dateline "HOUSTON, Mar 3 - " is not counted; "oil" twice)
#   2: gas, prices               ("gas" twice)
#   3: gas, oil, wheat           ("4th" holds a digit, "x" is one letter)
THREE_TEXTS = [
    "HOUSTON, Mar 3 - Oil prices rose; oil fell.",
    "Prices of gas and the gas",
    "4th gas-oil x wheat",
]


def test_document_frequencies_hand_counted() -> None:
    counts, n_documents = document_frequencies(THREE_TEXTS)
    assert n_documents == 3
    assert counts.to_dict() == {"fell": 1, "gas": 2, "oil": 2, "prices": 2, "rose": 1, "wheat": 1}
    assert counts.index.tolist() == sorted(counts.index)
    assert counts.dtype == np.int64


def test_document_frequencies_drop_extra_stop_words() -> None:
    counts, _ = document_frequencies(THREE_TEXTS, extra_stop_words=("Wheat", "rose"))
    assert counts.index.tolist() == ["fell", "gas", "oil", "prices"]


def test_document_frequencies_of_no_texts_are_empty() -> None:
    counts, n_documents = document_frequencies([])
    assert (len(counts), n_documents) == (0, 0)
    assert combine_document_frequencies([]).n_documents == 0


def test_document_frequencies_are_the_fit_counter_s() -> None:
    # The frequencies a fit's own counter sees on the same texts, term for term.
    texts = TRICKY_TEXTS * 2 + THREE_TEXTS
    counts, terms = count_terms([strip_sources(t) for t in texts], topic_stop_words())
    frequencies = document_frequencies(texts)
    expected = np.bincount(counts.indices, minlength=len(terms))
    assert frequencies.counts.index.tolist() == terms.tolist()
    assert frequencies.counts.tolist() == expected.tolist()
    assert frequencies.n_documents == len(texts)


def _split(texts: list[str], cuts: list[int]) -> list[list[str]]:
    bounds = [0, *cuts, len(texts)]
    return [texts[start:stop] for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]


CORPUS = TRICKY_TEXTS + THREE_TEXTS + ["Wheat harvest", "oil, wheat and gas", "rose rose rose"]


@pytest.mark.parametrize(
    ("cuts", "batch"),
    [([], 100), ([6], 100), ([1, 2, 9], 2), ([0, 5, 5, 12], 3), (list(range(1, 12)), 100)],
    ids=["whole", "halves", "uneven-in-small-batches", "with-empty-parts", "one-text-each"],
)
def test_combined_document_frequencies_equal_the_whole_corpus_s(
    cuts: list[int], batch: int
) -> None:
    whole = document_frequencies(CORPUS)
    with settings.override(topic_count_batch=batch):
        parts = [document_frequencies(part) for part in _split(CORPUS, cuts)]
    for ordered in (parts, parts[::-1]):
        combined = combine_document_frequencies(ordered)
        pd.testing.assert_series_equal(combined.counts, whole.counts)
        assert combined.n_documents == whole.n_documents == 12


@hypothesis_settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, len(CORPUS)), max_size=5), st.integers(0, 2**16))
def test_combining_is_associative_over_any_split(cuts: list[int], seed: int) -> None:
    parts = [document_frequencies(part) for part in _split(CORPUS, sorted(cuts))]
    # Sum in a random grouping: pairs of neighbours merged in a random order.
    rng = np.random.RandomState(seed)
    while len(parts) > 1:
        at = int(rng.randint(len(parts) - 1))
        parts[at : at + 2] = [combine_document_frequencies(parts[at : at + 2])]
    whole = document_frequencies(CORPUS)
    pd.testing.assert_series_equal(parts[0].counts, whole.counts)
    assert parts[0].n_documents == whole.n_documents


def test_smoothed_idf_hand_worked() -> None:
    # n = 3: df 1 -> ln(4/2) + 1, df 3 -> ln(4/4) + 1 = 1.
    np.testing.assert_allclose(smoothed_idf(np.array([1, 3]), 3), [np.log(2) + 1, 1.0])


def test_document_frequencies_are_a_named_record() -> None:
    frequencies = document_frequencies(THREE_TEXTS)
    assert isinstance(frequencies, DocumentFrequencies)
    assert frequencies.counts["gas"] == 2


@pytest.mark.parametrize(
    ("batch", "parallel_from"),
    [(2, 10**9), (2, 1), (4, 1), (100, 1)],
    ids=["small-batches", "forked-small-batches", "forked-uneven-batches", "one-batch"],
)
def test_count_terms_batches_and_processes_give_the_same_counts(
    batch: int, parallel_from: int
) -> None:
    texts = TRICKY_TEXTS * 3
    expected_counts, expected_terms = _expected(texts, ["the"], min_df=2)
    with settings.override(topic_count_batch=batch, topic_parallel_count_from=parallel_from):
        counts, terms = count_terms(texts, ["the"], min_df=2)
    assert terms.tolist() == expected_terms
    np.testing.assert_array_equal(counts.toarray(), expected_counts)
    assert counts.has_sorted_indices


def test_count_terms_does_not_fork_beside_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # A server thread is running: forking could copy a lock it holds, so no process starts.
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started beside another thread")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    release = threading.Event()
    server = threading.Thread(target=release.wait)
    server.start()
    try:
        with settings.override(topic_count_batch=2, topic_parallel_count_from=1):
            counts, terms = count_terms(TRICKY_TEXTS, [])
    finally:
        release.set()
        server.join()
    expected_counts, expected_terms = _expected(TRICKY_TEXTS, [])
    assert terms.tolist() == expected_terms
    np.testing.assert_array_equal(counts.toarray(), expected_counts)


# -- TF-IDF weights ------------------------------------------------------------------


def _reference_idf(counts: sp.csr_matrix) -> np.ndarray:
    """The former hand-written smoothed IDF, kept as the reference."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0


def _reference_tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """The former hand copy of ``TfidfTransformer(sublinear_tf=True)``, kept as the reference."""
    weights = counts.astype(np.float64, copy=True).tocsr()
    weights.data = 1.0 + np.log(weights.data)
    weights = weights @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weights)


def _random_counts(seed: int) -> sp.csr_matrix:
    """200 texts x 300 terms, 5% filled with counts 1-9, and some empty texts."""
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((200, 300)) < 0.05, rng.integers(1, 10, (200, 300)), 0)
    dense[rng.choice(200, 20, replace=False)] = 0
    return sp.csr_matrix(dense.astype(np.float64))


def _assert_same_weights(weights: sp.csr_matrix, expected: sp.csr_matrix) -> None:
    assert isinstance(weights, sp.csr_matrix) and weights.dtype == np.float64
    weights, expected = weights.copy(), expected.copy()
    weights.sort_indices()
    expected.sort_indices()
    np.testing.assert_array_equal(weights.indptr, expected.indptr)
    np.testing.assert_array_equal(weights.indices, expected.indices)
    assert np.allclose(weights.data, expected.data, rtol=1e-12, atol=0)


def test_tfidf_hand_worked() -> None:
    # 3 texts; "a" in 2 of them, "b" in 1. idf(a) = ln(4/3) + 1, idf(b) = ln(4/2) + 1.
    counts = sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 0.0], [2.0, 0.0]]))
    idf = inverse_document_frequency(counts)
    np.testing.assert_allclose(idf, [np.log(4 / 3) + 1, np.log(2) + 1])
    weights = tfidf(counts, idf).toarray()
    row0 = np.array([idf[0], idf[1]])  # tf 1 -> 1 + ln 1 = 1
    np.testing.assert_allclose(weights[0], row0 / np.linalg.norm(row0))
    np.testing.assert_array_equal(weights[1], [0.0, 0.0])  # an empty text stays zero
    np.testing.assert_allclose(weights[2], [1.0, 0.0])  # one term: unit weight


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tfidf_equals_former_hand_copy(seed: int) -> None:
    counts = _random_counts(seed)
    before = counts.copy()
    idf = inverse_document_frequency(counts)
    np.testing.assert_array_equal(idf, _reference_idf(counts))
    _assert_same_weights(tfidf(counts, idf), _reference_tfidf(counts, idf))
    # The counts are not changed in place.
    np.testing.assert_array_equal(counts.data, before.data)


def test_tfidf_with_idf_of_another_corpus_equals_former_hand_copy() -> None:
    # A fitted topic model weights new texts with the idf of the texts it was fitted on.
    idf = inverse_document_frequency(_random_counts(3))
    new_counts = _random_counts(4)
    _assert_same_weights(tfidf(new_counts, idf), _reference_tfidf(new_counts, idf))


def test_tfidf_of_integer_counts_is_float() -> None:
    counts = sp.csr_matrix(np.array([[1, 3], [0, 2]], dtype=np.int64))
    idf = inverse_document_frequency(counts)
    _assert_same_weights(tfidf(counts, idf), _reference_tfidf(counts, idf))


def test_sample_topics_unchanged_by_the_library_tfidf(monkeypatch: pytest.MonkeyPatch) -> None:
    from analytics.ingest import load_corpus_with_report
    from analytics.paths import sample_corpus_dir
    from analytics.topics import briefing_text_for_topics
    from analytics.topics import model as topics

    texts = briefing_text_for_topics(load_corpus_with_report([sample_corpus_dir()]).briefings)
    model = topics.TopicModel().fit(texts)
    monkeypatch.setattr(topics, "tfidf", _reference_tfidf)
    monkeypatch.setattr(topics, "inverse_document_frequency", _reference_idf)
    reference = topics.TopicModel().fit(texts)
    assert model.n_topics_ == reference.n_topics_ > 1
    np.testing.assert_array_equal(model.labels_, reference.labels_)
    assert model.topic_labels_ == reference.topic_labels_
    assert model.top_terms_ == reference.top_terms_
