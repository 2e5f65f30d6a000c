"""Tests of the topic model, its tables and its evaluation on Reuters-21578."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import adjusted_rand_score

from analytics import schema as S
from analytics import settings
from analytics.errors import AnalyticsError, InputError, StoreError
from analytics.ingest import load_files
from analytics.topics import (
    LABEL_SEPARATOR,
    SUMMARY_COLUMNS,
    TOPIC_COLUMNS,
    DocumentFrequencies,
    TopicModel,
    TopicModelNotFittedError,
    actor_stop_words,
    align_topics,
    assign_topics,
    briefing_text_for_topics,
    clustering,
    document_frequencies,
    label_stop_words,
    news_stop_words,
    strip_datelines,
    strip_sources,
    tokens,
    topic_similarity,
    topic_stop_words,
    topic_summary,
)
from analytics.topics import model as model_module
from analytics.topics.clustering import absorb_small_topics, adjusted_rand_index, topic_range

# Every country word the fixtures use (names, demonyms, capitals): none may reach a label.
FIXTURE_COUNTRY_WORDS = {
    "saudi",
    "arabia",
    "russia",
    "nigeria",
    "japan",
    "canada",
    "brazil",
    "india",
    "kenya",
    "australia",
    "china",
}
THEMES = ("oil", "election", "military", "harvest")
# Every word of the leaders named in leaders.csv: none may reach a label or top terms.
FIXTURE_LEADER_WORDS = {
    "vladimir",
    "putin",
    "ursula",
    "von",
    "der",
    "leyen",
    "volodymyr",
    "zelensky",
    "kim",
    "jong",
    "un",
    "yoon",
    "suk",
    "yeol",
    "sanae",
    "takaichi",
    "lai",
    "ching",
    "te",
    "xi",
    "jinping",
    "marco",
    "rubio",
}


@pytest.fixture(scope="module")
def briefings(fixtures_dir: Path) -> pd.DataFrame:
    """The 40 fixture briefings (10 per theme) as a briefing table."""
    table = pd.read_csv(fixtures_dir / "topics" / "briefings.csv", dtype=str)
    return table.assign(
        **{S.DATE: pd.to_datetime(table[S.DATE], utc=True)},
        **dict.fromkeys(S.SECTIONS, ""),
    )


@pytest.fixture(scope="module")
def texts(briefings: pd.DataFrame) -> list[str]:
    return briefing_text_for_topics(briefings)


@pytest.fixture(scope="module")
def model(texts: list[str]) -> TopicModel:
    return TopicModel(n_topics=4, random_state=0).fit(texts)


def _partition(labels: np.ndarray, themes: pd.Series) -> dict[str, set[int]]:
    return {theme: set(labels[(themes == theme).to_numpy()].tolist()) for theme in THEMES}


# -- estimator contract -----------------------------------------------------------------


def test_topic_model_clone_keeps_params() -> None:
    model = TopicModel(n_topics=7, ngram_range=(1, 2), random_state=3)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    assert cloned is not model


def test_topic_model_set_params_changes_params() -> None:
    model = TopicModel().set_params(n_topics=5, min_df=1)
    assert (model.n_topics, model.min_df) == (5, 1)


def test_topic_model_init_stores_params_only() -> None:
    model = TopicModel()
    assert not [name for name in vars(model) if name.endswith("_")]


@pytest.mark.parametrize("method", ["transform", "predict", "similarity", "embed"])
@pytest.mark.parametrize(
    "error",
    [NotFittedError, AnalyticsError, TopicModelNotFittedError],
    ids=["sklearn", "app", "own"],
)
def test_topic_model_before_fit_raises_not_fitted(method: str, error: type) -> None:
    with pytest.raises(error, match="not fitted yet: call fit"):
        getattr(TopicModel(), method)(["crude oil output"])


@pytest.mark.parametrize("error", [NotFittedError, AnalyticsError], ids=["sklearn", "app"])
def test_topic_tables_before_fit_raise_not_fitted(error: type, briefings) -> None:
    with pytest.raises(error, match="call fit"):
        assign_topics(TopicModel(), briefings)
    topics = pd.DataFrame({c: [] for c in TOPIC_COLUMNS})
    with pytest.raises(error, match="call fit"):
        topic_summary(TopicModel(), briefings, topics)
    with pytest.raises(error, match="call fit"):
        TopicModel().save(Path("unused"))


def test_topic_model_fit_returns_self(texts: list[str]) -> None:
    model = TopicModel(n_topics=4)
    assert model.fit(texts) is model


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_topics": 0}, "n_topics must be None, 'auto' or a positive integer; got 0"),
        ({"n_topics": 2.5}, "n_topics must be None, 'auto' or a positive integer; got 2.5"),
        ({"n_topics": "many"}, "n_topics must be None, 'auto' or a positive integer; got 'many'"),
        (
            {"min_topics": 9, "max_topics": 3},
            r"min_topics must not exceed max_topics; got \(9, 3\)",
        ),
        ({"min_topics": 0}, "min_topics must be a positive integer; got 0"),
        ({"min_topic_size": 0}, "min_topic_size must be a positive integer; got 0"),
        ({"temperature": 0.0}, "temperature must be positive; got 0.0"),
        ({"n_components": 0}, "n_components must be a positive integer; got 0"),
        ({"ngram_range": (2, 1)}, r"ngram_range must be .*; got \(2, 1\)"),
    ],
    ids=[
        "zero-topics",
        "float-topics",
        "text-topics",
        "min-above-max",
        "zero-min",
        "zero-size",
        "zero-temp",
        "zero-dims",
        "ngrams",
    ],
)
def test_topic_model_fit_invalid_params_raise(params: dict, match: str, texts: list[str]) -> None:
    with pytest.raises(ValueError, match=match):
        TopicModel(**params).fit(texts)


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ("crude oil output", "X must be a sequence of texts, not one text"),
        ([], r"X must hold at least one text; got \[\]"),
        (["crude oil", 3], "every text must be a str; got 3"),
    ],
    ids=["one-string", "empty", "not-a-string"],
)
def test_topic_model_fit_invalid_texts_raise(X: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        TopicModel(n_topics=1).fit(X)  # type: ignore[arg-type]


def test_topic_model_fit_more_topics_than_texts_raises() -> None:
    with pytest.raises(InputError, match="must not exceed the 2 distinct texts; got 3"):
        TopicModel(n_topics=3).fit(["crude oil output", "wheat harvest drought"])


# -- a corpus' document frequencies ---------------------------------------------------------

# Four texts beside the 40 fixture ones: "zeppelin" in three of them, "quokka" in one.
CORPUS_EXTRAS = [
    "Zeppelin tours resume over the lake",
    "A zeppelin museum opens a new hall",
    "Zeppelin makers report strong orders",
    "A quokka photo wins a wildlife prize",
]


def _assert_same_fit(fitted: TopicModel, reference: TopicModel) -> None:
    assert fitted.vocabulary_.tolist() == reference.vocabulary_.tolist()
    np.testing.assert_array_equal(fitted.idf_, reference.idf_)
    np.testing.assert_array_equal(fitted.components_, reference.components_)
    np.testing.assert_array_equal(fitted.labels_, reference.labels_)
    assert fitted.topic_labels_ == reference.topic_labels_
    assert fitted.top_terms_ == reference.top_terms_


@pytest.mark.parametrize(
    ("n_topics", "corpus"),
    [(4, "fixture"), ("auto", "fixture"), (1, "below-min-df")],
    ids=["four-topics", "auto", "every-term-below-min-df"],
)
def test_topic_model_fit_with_the_texts_own_frequencies_is_the_plain_fit(
    n_topics: int | str, corpus: str, texts: list[str]
) -> None:
    # Below min_df everywhere, both fits fall back to keeping every term.
    chosen = texts if corpus == "fixture" else ["crude oil", "wheat harvest", "naval drill"]
    plain = TopicModel(n_topics=n_topics, min_topics=2, random_state=0).fit(chosen)
    with_frequencies = TopicModel(n_topics=n_topics, min_topics=2, random_state=0).fit(
        chosen, document_frequencies=document_frequencies(chosen)
    )
    _assert_same_fit(with_frequencies, plain)


def test_topic_model_fit_on_a_sample_takes_the_corpus_vocabulary_and_idf(
    texts: list[str],
) -> None:
    corpus = texts + CORPUS_EXTRAS
    sample = texts[::2]  # 20 texts, 5 per theme, none of the extras
    frequencies = document_frequencies(corpus)
    model = TopicModel(n_topics=4, random_state=0).fit(sample, document_frequencies=frequencies)
    vocabulary = model.vocabulary_.tolist()
    # In 3 of 44 corpus texts, none sampled: kept; in 1 only: below min_df = 2.
    assert "zeppelin" in vocabulary
    assert "quokka" not in vocabulary
    # Smoothed IDF over the corpus: ln((1 + 44) / (1 + 3)) + 1.
    assert model.idf_[vocabulary.index("zeppelin")] == pytest.approx(np.log(45 / 4) + 1)
    # The vocabulary and IDF a fit of the whole corpus learns, term for term.
    whole = TopicModel(n_topics=4, random_state=0).fit(corpus)
    assert vocabulary == whole.vocabulary_.tolist()
    np.testing.assert_array_equal(model.idf_, whole.idf_)
    # Unlike the sample's own: terms it holds once are in, a plain fit of it drops them.
    own = TopicModel(n_topics=4, random_state=0).fit(sample)
    assert set(own.vocabulary_) < set(vocabulary)
    assert len(model.labels_) == len(sample)
    assert model.predict(CORPUS_EXTRAS[:1]).shape == (1,)


def _frequencies(counts: dict[str, object], n_documents: object) -> DocumentFrequencies:
    return DocumentFrequencies(pd.Series(counts), n_documents)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "params", "match"),
    [
        ({"oil": 2}, {}, r"must be a DocumentFrequencies .*; got dict"),
        (_frequencies({"oil": 2}, 0), {}, r"n_documents must be a positive whole number; got 0"),
        (_frequencies({"oil": 2}, 2.0), {}, r"n_documents must be a positive whole .*; got 2.0"),
        (_frequencies({"oil": 1.5}, 9), {}, r"counts must be a Series of whole counts .*float64"),
        (_frequencies({"oil": 7}, 5), {}, r"within \[1, n_documents=5\]; got 'oil': 7"),
        (_frequencies({"oil": 0}, 5), {}, r"within \[1, n_documents=5\]; got 'oil': 0"),
        (
            DocumentFrequencies(pd.Series([1, 2], index=["oil", "oil"]), 5),
            {},
            r"must name each term once; got 'oil' twice",
        ),
        (_frequencies({"oil": 2}, 2), {}, r"holding the 3 texts; got n_documents=2"),
        (
            _frequencies({"oil": 2}, 5),
            {"ngram_range": (1, 2)},
            r"need ngram_range \(1, 1\); got \(1, 2\)",
        ),
        (
            _frequencies({"the": 2, "and": 3}, 5),
            {},
            r"the corpus holds no topic terms once stop words are removed; "
            r"got document frequencies of 5 texts",
        ),
    ],
    ids=[
        "not-a-record",
        "no-documents",
        "float-documents",
        "float-counts",
        "count-above-documents",
        "zero-count",
        "repeated-term",
        "fewer-documents-than-texts",
        "ngrams",
        "only-stop-words",
    ],
)
def test_topic_model_fit_invalid_document_frequencies_raise(
    value: object, params: dict, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        TopicModel(n_topics=1, **params).fit(
            ["crude oil", "oil output", "wheat harvest"],
            document_frequencies=value,  # type: ignore[arg-type]
        )


# -- features ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SALVADOR, Feb 26 - Showers continued", "Showers continued"),
        ("TITLE\n\nDOVER, Del., March 11 - Prices rose", "TITLE\n\nPrices rose"),
        ("Talks in Geneva, Mar 3 - 4 went well", "Talks in Geneva, Mar 3 - 4 went well"),
    ],
    ids=["dateline", "dateline-with-state", "prose-kept"],
)
def test_strip_datelines_removes_only_datelines(text: str, expected: str) -> None:
    assert strip_datelines(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Floods hit the coast. (BBC) (AP via The Daily Star)", "Floods hit the coast."),
        ("A vote is held. (Reuters) The count begins.", "A vote is held. The count begins."),
        ("LONDON, March 2 - Prices fell. (Wire)", "Prices fell."),
        # Brackets inside a sentence, or a sentence of their own, are its content.
        ("The agency (IAEA) met. (It said so.)", "The agency (IAEA) met. (It said so.)"),
        ("Oil rose (a record) today", "Oil rose (a record) today"),
    ],
    ids=["closing-outlets", "between-sentences", "with-dateline", "content-kept", "mid-sentence"],
)
def test_strip_sources_removes_datelines_and_cited_outlets(text: str, expected: str) -> None:
    assert strip_sources(text) == expected


def test_a_topic_fit_does_not_cluster_by_cited_outlet() -> None:
    # Two subjects, each reported by two outlets crosswise: with the citations read as
    # words, "bbc"/"herald" weighed as much as the subject; without them, the subjects part.
    texts = [
        "Floods swamp river towns after heavy rain. (BBC)",
        "Heavy rain floods river valleys again. (Sydney Morning Herald)",
        "Striking teachers march over pay cuts. (BBC)",
        "Teachers strike again over pay. (Sydney Morning Herald)",
    ] * 3
    model = TopicModel(n_topics=2, random_state=0).fit(texts)
    vocabulary = set(model.vocabulary_)
    assert not vocabulary & {"bbc", "sydney", "morning", "herald"}
    topics = model.predict(texts)
    assert topics[0] == topics[1] != topics[2] == topics[3]


def test_news_stop_words_reads_scopes(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text("term,category,scope\nsaid,reporting,features\nshr,table,labels\n")
    assert news_stop_words(path) == {"said"}
    assert news_stop_words(path, scope="labels") == {"shr"}


@pytest.mark.parametrize(
    ("content", "scope", "match"),
    [
        (None, "features", "topic stop-word file not found"),
        ("word,category\nsaid,x\n", "features", "needs a 'term' column; got columns"),
        ("term\nsaid\n", "titles", "scope must be one of features, labels, keep; got 'titles'"),
    ],
    ids=["missing", "no-term-column", "bad-scope"],
)
def test_news_stop_words_invalid_input_raises(
    content: str | None, scope: str, match: str, tmp_path: Path
) -> None:
    path = tmp_path / "words.csv"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=match):
        news_stop_words(path, scope=scope)


def test_actor_stop_words_hold_leader_names() -> None:
    assert {"putin", "vladimir", "jinping", "takaichi", "yoon", "zelensky"} <= actor_stop_words()
    stop = set(topic_stop_words())
    assert {"putin", "leyen", "ursula", "indo", "pacific"} <= stop
    # Ordinary words that are also part of a name (scope=keep) stay features.
    assert not {"major", "park", "mark"} & stop


# -- clustering ---------------------------------------------------------------------------


def test_topic_model_fit_separates_fixture_themes(model: TopicModel, briefings) -> None:
    partition = _partition(model.labels_, briefings["theme"])
    assert all(len(ids) == 1 for ids in partition.values()), partition
    assert len(set().union(*partition.values())) == 4


def test_topic_model_fit_chooses_number_of_topics_in_range(texts, briefings) -> None:
    model = TopicModel(min_topics=2, max_topics=8).fit(texts)
    assert model.n_topics_ == 4
    assert set(model.selection_scores_) <= set(range(2, 9))


def test_topic_model_fit_auto_means_automatic(texts: list[str]) -> None:
    automatic = TopicModel(min_topics=2, max_topics=8).fit(texts)
    named = TopicModel(n_topics="auto", min_topics=2, max_topics=8).fit(texts)
    assert named.labels_.tolist() == automatic.labels_.tolist()
    assert named.selection_scores_ == automatic.selection_scores_


def test_topic_model_fit_n_topics_overrides_choice(texts: list[str]) -> None:
    model = TopicModel(n_topics=3).fit(texts)
    assert model.n_topics_ == 3
    assert model.topic_ids_.tolist() == [0, 1, 2]
    assert model.selection_scores_ == {}


def test_topic_model_fit_twice_is_identical(texts: list[str], model: TopicModel) -> None:
    again = TopicModel(n_topics=4, random_state=0).fit(texts)
    assert again.labels_.tolist() == model.labels_.tolist()
    assert again.topic_labels_ == model.topic_labels_
    assert again.centroids_.tobytes() == model.centroids_.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["shuffle-1", "shuffle-2", "shuffle-3"])
def test_topic_model_fit_shuffled_input_is_identical(
    seed: int, texts: list[str], model: TopicModel
) -> None:
    order = np.random.RandomState(seed).permutation(len(texts))
    shuffled = TopicModel(n_topics=4, random_state=0).fit([texts[i] for i in order])
    assert shuffled.labels_.tolist() == model.labels_[order].tolist()
    assert shuffled.topic_labels_ == model.topic_labels_
    assert shuffled.top_terms_ == model.top_terms_
    assert shuffled.centroids_.tobytes() == model.centroids_.tobytes()


@pytest.mark.parametrize(
    ("n", "min_topics", "max_topics", "expected"),
    [
        # high = min(max_topics, floor(1.5 * sqrt(n)), n // 3); low = min(min_topics, high)
        (1, 10, 80, (1, 1)),
        (10, 10, 80, (3, 3)),  # 1.5 * 3.16 = 4.7 -> 4; 10 // 3 = 3
        (40, 10, 80, (9, 9)),  # 1.5 * 6.32 = 9.5 -> 9; 40 // 3 = 13
        (40, 2, 8, (2, 8)),
        (160, 10, 80, (10, 18)),  # 1.5 * 12.65 = 18.97 -> 18
        (2844, 10, 80, (10, 79)),  # 1.5 * 53.33 = 79.99 -> 79
        (2845, 10, 80, (10, 80)),  # 1.5 * 53.34 = 80.01 -> 80
        (19043, 10, 80, (10, 80)),
    ],
    ids=[
        "one",
        "ten",
        "fixtures",
        "fixtures-narrow",
        "sample",
        "below-80",
        "reaches-80",
        "reuters",
    ],
)
def test_topic_range_shrinks_for_small_corpora(
    n: int, min_topics: int, max_topics: int, expected: tuple[int, int]
) -> None:
    assert topic_range(min_topics, max_topics, n) == expected


def test_absorb_small_topics_merges_into_most_similar() -> None:
    # Topic 0: prototypes at 0 and 10 degrees; topic 1: at 90 degrees; topic 2: one
    # prototype at 30 degrees. Mean cosine of topic 2 to topic 0: (0.866 + 0.940) / 2
    # = 0.903; to topic 1: 0.5. Texts: 4 in topic 0, 3 in topic 1, 1 in topic 2.
    angles = np.radians([0.0, 10.0, 90.0, 30.0])
    prototypes = np.column_stack([np.cos(angles), np.sin(angles)])
    prototype_topics = np.array([0, 0, 1, 2])
    nearest = np.array([0, 0, 1, 1, 2, 2, 2, 3])
    assert np.bincount(prototype_topics[nearest]).tolist() == [4, 3, 1]
    assert absorb_small_topics(prototypes, prototype_topics, nearest, 1).tolist() == [0, 0, 1, 2]
    assert absorb_small_topics(prototypes, prototype_topics, nearest, 3).tolist() == [0, 0, 1, 0]
    # Minimum 4: topic 2 joins topic 0 (5 texts), then topic 1 (3 texts) joins it too.
    assert absorb_small_topics(prototypes, prototype_topics, nearest, 4).tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("params", "min_size"),
    [({"n_topics": 8, "min_topic_size": 5}, 5), ({"min_topics": 2, "max_topics": 12}, 3)],
    ids=["fixed-k", "automatic"],
)
def test_topic_model_fit_has_no_topic_below_min_size(
    params: dict, min_size: int, texts: list[str]
) -> None:
    model = TopicModel(**params).fit(texts)
    sizes = np.bincount(model.labels_, minlength=model.n_topics_)
    assert sizes.min() >= min_size, sizes
    assert len(model.topic_labels_) == len(model.top_terms_) == model.n_topics_
    assert model.predict(texts).tolist() == model.labels_.tolist()


def test_topic_model_ids_follow_size_then_hash(texts: list[str]) -> None:
    # 10 oil + 10 election texts, plus 4 harvest texts: the harvest topic is the smallest.
    subset = texts[:20] + texts[30:34]
    model = TopicModel(n_topics=3).fit(subset)
    sizes = np.bincount(model.labels_)
    assert sizes.tolist() == [10, 10, 4]


def test_topic_model_transform_rows_sum_to_one(model: TopicModel, texts: list[str]) -> None:
    weights = model.transform(texts)
    assert weights.shape == (40, 4)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    assert (weights > 0).all()


def test_topic_model_predict_matches_fitted_labels(model: TopicModel, texts: list[str]) -> None:
    assert model.predict(texts).tolist() == model.labels_.tolist()


def test_topic_model_predict_new_text_without_refit(model: TopicModel, briefings) -> None:
    oil_topic = model.labels_[(briefings["theme"] == "oil").to_numpy()][0]
    new = ["Refinery strike cuts crude oil and diesel output; tankers idle at port."]
    assert model.predict(new).tolist() == [oil_topic]


def test_topic_model_predict_text_without_terms_still_gets_a_topic(model: TopicModel) -> None:
    weights = model.transform(["the and of 1987"])
    np.testing.assert_allclose(weights, 0.25)


# -- labels -----------------------------------------------------------------------------


def test_topic_model_labels_have_three_distinct_terms(model: TopicModel) -> None:
    for label in model.topic_labels_:
        terms = label.split(LABEL_SEPARATOR)
        assert len(terms) == 3
        assert not [a for a in terms for b in terms if a != b and a in b]


def test_topic_model_labels_hold_no_stop_or_country_words(model: TopicModel) -> None:
    boilerplate = set(ENGLISH_STOP_WORDS) | news_stop_words() | label_stop_words()
    boilerplate |= {"happening", "important", "said", "reuters", "mln", "pct", "year", "would"}
    for terms in model.top_terms_:
        words = {word for term in terms for word in tokens(term)}
        assert not words & boilerplate, terms
        assert not words & FIXTURE_COUNTRY_WORDS, terms


@pytest.fixture(scope="module")
def leader_briefings(fixtures_dir: Path) -> pd.DataFrame:
    """15 briefings (3 themes) that name leaders in every sentence."""
    return pd.read_csv(fixtures_dir / "topics" / "leaders.csv", dtype=str)


@pytest.mark.parametrize("n_topics", [3, None], ids=["fixed-k", "automatic"])
def test_topic_model_labels_hold_no_leader_names(n_topics, leader_briefings) -> None:
    model = TopicModel(n_topics=n_topics, min_topics=2, max_topics=5)
    model.fit(briefing_text_for_topics(leader_briefings))
    for label, terms in zip(model.topic_labels_, model.top_terms_, strict=True):
        words = {word for term in [*terms, label] for word in tokens(term)}
        assert not words & FIXTURE_LEADER_WORDS, (label, terms)
    partition = _partition_by(model.labels_, leader_briefings["theme"])
    assert all(len(ids) == 1 for ids in partition.values()), partition


def _partition_by(labels: np.ndarray, themes: pd.Series) -> dict[str, set[int]]:
    return {t: set(labels[(themes == t).to_numpy()].tolist()) for t in themes.unique()}


def test_topic_model_labels_name_the_theme(model: TopicModel, briefings) -> None:
    expected = {"oil": "crude", "election": "ballot", "military": "military", "harvest": "harvest"}
    for theme, word in expected.items():
        topic = model.labels_[(briefings["theme"] == theme).to_numpy()][0]
        assert word in model.top_terms_[topic], (theme, model.top_terms_[topic])


def test_topic_model_representatives_belong_to_their_topic(model: TopicModel) -> None:
    for topic, members in zip(model.topic_ids_, model.representative_docs_, strict=True):
        assert len(members) == 3
        assert (model.labels_[members] == topic).all()


# -- tables -----------------------------------------------------------------------------


def test_briefing_text_for_topics_joins_title_and_text() -> None:
    table = pd.DataFrame({S.TITLE: ["Oil up", None], S.TEXT: ["Crude rose.", "Wheat fell."]})
    assert briefing_text_for_topics(table) == ["Oil up\n\nCrude rose.", "Wheat fell."]


def test_assign_topics_gives_one_row_per_briefing(model: TopicModel, briefings) -> None:
    topics = assign_topics(model, briefings)
    assert list(topics.columns) == list(TOPIC_COLUMNS)
    assert topics[S.BRIEFING_ID].tolist() == briefings[S.BRIEFING_ID].tolist()
    assert topics[S.TOPIC_ID].tolist() == model.labels_.tolist()
    assert topics[S.DATE].tolist() == briefings[S.DATE].tolist()
    assert ((topics[S.WEIGHT] > 0.25) & (topics[S.WEIGHT] <= 1)).all()
    labels = dict(zip(model.topic_ids_, model.topic_labels_, strict=True))
    assert topics[S.TOPIC_LABEL].tolist() == [labels[t] for t in topics[S.TOPIC_ID]]


def test_topic_summary_lists_every_topic(model: TopicModel, briefings) -> None:
    topics = assign_topics(model, briefings)
    summary = topic_summary(model, briefings, topics)
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    assert summary[S.TOPIC_ID].tolist() == [0, 1, 2, 3]
    assert summary[S.N_BRIEFINGS].tolist() == [10, 10, 10, 10]
    assert summary["label"].tolist() == model.topic_labels_
    assert summary[S.TOP_TERMS].tolist() == [", ".join(t) for t in model.top_terms_]
    by_id = topics.set_index(S.BRIEFING_ID)[S.TOPIC_ID]
    for topic_id, ids in zip(summary[S.TOPIC_ID], summary["representative_ids"], strict=True):
        members = ids.split("|")
        assert len(members) == 3
        assert (by_id[members] == topic_id).all()


def test_assign_topics_with_embedding_matches_texts(model: TopicModel, briefings) -> None:
    from_texts = assign_topics(model, briefings)
    from_embedding = assign_topics(model, briefings, embedding=model.embedding_)
    pd.testing.assert_frame_equal(from_embedding, from_texts, rtol=1e-9)
    np.testing.assert_allclose(
        model.fit_transform(briefing_text_for_topics(briefings)),
        model.transform(briefing_text_for_topics(briefings)),
        rtol=1e-9,
    )


def test_assign_topics_embedding_wrong_rows_raises(model: TopicModel, briefings) -> None:
    with pytest.raises(InputError, match="one row per briefing \\(40\\); got 39 rows"):
        assign_topics(model, briefings, embedding=model.embedding_[:39])
    with pytest.raises(InputError, match=r"vectors must have shape \(texts, \d+\); got shape"):
        model.transform_embedding(np.ones((2, 1)))


def test_topic_summary_representatives_match_model(model: TopicModel, briefings) -> None:
    topics = assign_topics(model, briefings)
    summary = topic_summary(model, briefings, topics)
    expected = [
        "|".join(briefings[S.BRIEFING_ID].iloc[row].tolist()) for row in model.representative_docs_
    ]
    assert summary["representative_ids"].tolist() == expected


# -- alignment across refits ----------------------------------------------------------------


def test_align_topics_keeps_ids_of_surviving_topics(texts: list[str], briefings) -> None:
    themes = briefings["theme"]
    early = (briefings[S.DATE] < pd.Timestamp("2024-03-01", tz="UTC")).to_numpy()
    previous = TopicModel(n_topics=4).fit([t for t, keep in zip(texts, early, strict=True) if keep])
    current = TopicModel(n_topics=4, random_state=7).fit(texts)
    aligned = align_topics(previous, current)
    previous_ids = _partition(previous.labels_, themes[early].reset_index(drop=True))
    aligned_ids = _partition(aligned.labels_, themes)
    assert aligned_ids == previous_ids
    for theme in THEMES:
        (old,) = previous_ids[theme]
        assert aligned.label_of(old) == previous.label_of(old)


def test_align_topics_gives_new_topics_new_ids(texts: list[str], briefings) -> None:
    themes = briefings["theme"]
    no_harvest = (themes != "harvest").to_numpy()
    previous = TopicModel(n_topics=3).fit(
        [t for t, keep in zip(texts, no_harvest, strict=True) if keep]
    )
    current = TopicModel(n_topics=4).fit(texts)
    aligned = align_topics(previous, current)
    assert aligned.topic_ids_.tolist() == [0, 1, 2, 3]
    assert _partition(aligned.labels_, themes)["harvest"] == {3}
    kept = _partition(previous.labels_, themes[no_harvest].reset_index(drop=True))
    del kept["harvest"]
    assert {k: v for k, v in _partition(aligned.labels_, themes).items() if k in kept} == kept
    # The input model is left as it was.
    assert current.topic_ids_.tolist() == [0, 1, 2, 3]


def test_align_topics_new_ids_start_above_previous_max(texts, briefings) -> None:
    previous = TopicModel(n_topics=4).fit(texts)
    previous.topic_ids_ = np.array([0, 5, 9, 2])
    unrelated = TopicModel(n_topics=2).fit(
        ["quantum chip lab photon qubit"] * 2 + ["opera tenor aria stage"] * 2
    )
    aligned = align_topics(previous, unrelated)
    assert aligned.topic_ids_.tolist() == [10, 11]


def test_align_topics_transform_uses_aligned_ids(texts: list[str], model: TopicModel) -> None:
    current = TopicModel(n_topics=4, random_state=11).fit(texts)
    aligned = align_topics(model, current)
    assert aligned.predict(texts).tolist() == model.labels_.tolist()


@pytest.mark.parametrize("value", [-0.1, 1.5], ids=["negative", "above-one"])
def test_align_topics_invalid_similarity_raises(value: float, model: TopicModel) -> None:
    with pytest.raises(ValueError, match=f"min_similarity must be within .*; got {value}"):
        align_topics(model, model, min_similarity=value)


# -- persistence -----------------------------------------------------------------------------


def test_topic_model_save_load_round_trip(model: TopicModel, texts, tmp_path: Path) -> None:
    loaded = TopicModel.load(model.save(tmp_path / "model"))
    assert loaded.get_params() == model.get_params()
    assert loaded.topic_labels_ == model.topic_labels_
    assert loaded.top_terms_ == model.top_terms_
    assert loaded.topic_ids_.tolist() == model.topic_ids_.tolist()
    np.testing.assert_array_equal(loaded.transform(texts), model.transform(texts))


def test_topic_model_save_writes_no_pickle(model: TopicModel, tmp_path: Path) -> None:
    directory = model.save(tmp_path / "model")
    assert sorted(p.name for p in directory.iterdir()) == ["topic_model.json", "topic_model.npz"]
    with np.load(directory / "topic_model.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        ("truncate-arrays", r"arrays file is corrupted or truncated \(checksum mismatch\)"),
        ("truncate-json", "topic model file is corrupted or truncated"),
        ("delete-arrays", "topic model arrays file is missing"),
        ("delete-json", "topic model file is missing"),
        ("other-json", "not a topic model file"),
        ("drop-key", "is incomplete or corrupted; got KeyError"),
        ("wrong-shape", "is inconsistent: topic_labels has shape"),
    ],
    ids=[
        "truncate-arrays",
        "truncate-json",
        "delete-arrays",
        "delete-json",
        "other-json",
        "drop-key",
        "wrong-shape",
    ],
)
def test_topic_model_load_damaged_store_raises(
    damage: str, match: str, model: TopicModel, tmp_path: Path
) -> None:
    directory = model.save(tmp_path / "model")
    model_file, arrays_file = directory / "topic_model.json", directory / "topic_model.npz"
    document = json.loads(model_file.read_text(encoding="utf-8"))
    if damage == "truncate-arrays":
        arrays_file.write_bytes(arrays_file.read_bytes()[:100])
    elif damage == "truncate-json":
        model_file.write_text(model_file.read_text(encoding="utf-8")[:50], encoding="utf-8")
    elif damage == "delete-arrays":
        arrays_file.unlink()
    elif damage == "delete-json":
        model_file.unlink()
    elif damage == "other-json":
        model_file.write_text("[1, 2]", encoding="utf-8")
    elif damage == "drop-key":
        del document["vocabulary"]
        model_file.write_text(json.dumps(document), encoding="utf-8")
    elif damage == "wrong-shape":
        document["topic_labels"] = document["topic_labels"][:2]
        model_file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(StoreError, match=match):
        TopicModel.load(directory)


# -- evaluation on Reuters-21578 ------------------------------------------------------------


def _reuters_briefings(path: Path) -> pd.DataFrame:
    return load_files([path]).briefings


@pytest.fixture(scope="module")
def reuters(reuters_jsonl: Path) -> pd.DataFrame:
    return _reuters_briefings(reuters_jsonl)


@pytest.fixture(scope="module")
def reuters_model(reuters: pd.DataFrame) -> TopicModel:
    return TopicModel().fit(briefing_text_for_topics(reuters))


@pytest.mark.eval
def test_topic_model_reuters_nmi_with_automatic_k(
    reuters: pd.DataFrame, reuters_model: TopicModel, shared_dir: Path, tmp_path: Path
) -> None:
    assert 10 <= reuters_model.n_topics_ <= 80
    predictions = tmp_path / "topics.csv"
    pd.DataFrame({S.BRIEFING_ID: reuters[S.BRIEFING_ID], S.TOPIC_ID: reuters_model.labels_}).to_csv(
        predictions, index=False
    )
    scorer = shared_dir / "eval" / "score_topics.py"
    output = subprocess.run(
        [sys.executable, str(scorer), str(predictions)], capture_output=True, text=True, check=True
    ).stdout
    nmi = float(output.split("NMI")[1].split()[0])
    assert nmi >= 0.56, output


@pytest.mark.eval
def test_topic_model_reuters_shuffled_order_is_identical(
    reuters: pd.DataFrame, reuters_model: TopicModel
) -> None:
    order = np.random.RandomState(0).permutation(len(reuters))
    shuffled = reuters.iloc[order].reset_index(drop=True)
    model = TopicModel().fit(briefing_text_for_topics(shuffled))
    original = pd.Series(reuters_model.labels_, index=reuters[S.BRIEFING_ID]).sort_index()
    again = pd.Series(model.labels_, index=shuffled[S.BRIEFING_ID]).sort_index()
    assert again.tolist() == original.tolist()
    assert model.topic_labels_ == reuters_model.topic_labels_


@pytest.mark.eval
def test_align_topics_reuters_refresh_keeps_surviving_topics(
    reuters: pd.DataFrame, reuters_model: TopicModel
) -> None:
    spring = (reuters[S.DATE] < pd.Timestamp("1987-07-01", tz="UTC")).to_numpy()
    spring_texts = briefing_text_for_topics(reuters[spring])
    previous = TopicModel().fit(spring_texts)
    aligned = align_topics(previous, reuters_model, min_similarity=0.3)
    # Surviving topics: matched one-to-one with similarity at or above the threshold.
    similarity = topic_similarity(previous, reuters_model)
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    surviving = [(r, c) for r, c in zip(rows, cols, strict=True) if similarity[r, c] >= 0.3]
    assert len(surviving) >= 0.7 * len(previous.topic_ids_)
    aligned_ids = aligned.topic_ids_.tolist()
    for row, col in surviving:
        position = aligned_ids.index(int(previous.topic_ids_[row]))
        assert aligned.top_terms_[position] == reuters_model.top_terms_[col]
        previous_terms = set(previous.topic_labels_[row].split(LABEL_SEPARATOR))
        if previous_terms <= set(reuters_model.top_terms_[col]):
            assert aligned.topic_labels_[position] == previous.topic_labels_[row]
    new_ids = sorted(set(aligned_ids) - set(previous.topic_ids_.tolist()))
    assert len(aligned_ids) == len(set(aligned_ids))
    assert all(i > previous.topic_ids_.max() for i in new_ids)
    # Most spring briefings keep the topic id they had before the refresh.
    kept = np.mean(aligned.labels_[spring] == previous.labels_)
    assert kept >= 0.6


@pytest.mark.parametrize(
    ("kmeans_sample", "stability_sample", "lsa_sample", "reuses_first_run"),
    [(12, 15, 10**9, False), (15, 15, 10**9, True), (12, 15, 20, False)],
    ids=["kmeans-sample", "final-reuses-first-run", "lsa-sample"],
)
def test_topic_model_large_corpus_sampling_stays_deterministic(
    kmeans_sample: int,
    stability_sample: int,
    lsa_sample: int,
    reuses_first_run: bool,
    texts: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pretend the 40 fixture texts are a large corpus: k-means runs on samples of
    # kmeans_sample texts, each stability run sees stability_sample, the SVD lsa_sample.
    # When the first stability run's sample has the k-means size (and, with 9
    # prototypes, the same 9 clusters: 2 to 9 topics, 15 // 2 < 9), the final
    # clustering starts from its centres. The fit must stay reproducible and order-free.
    clustered = []
    kmeans = clustering.spherical_kmeans

    def spy(vectors: np.ndarray, n_clusters: int, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
        clustered.append(len(vectors))
        return kmeans(vectors, n_clusters, **kwargs)

    # The final clustering (model) and the stability runs (clustering) both go through the spy.
    monkeypatch.setattr(clustering, "spherical_kmeans", spy)
    monkeypatch.setattr(model_module, "spherical_kmeans", spy)
    samples = {
        "topic_kmeans_sample": kmeans_sample,
        "topic_stability_sample": stability_sample,
        "topic_lsa_sample": lsa_sample,
    }
    with settings.override(**samples):
        first = TopicModel(min_topics=2, n_prototypes=9, random_state=0).fit(texts)
        # Reusing the first run's centres, no k-means ever starts from all 40 texts.
        assert (len(texts) not in clustered) is reuses_first_run
        order = np.random.RandomState(7).permutation(len(texts))
        shuffled = TopicModel(min_topics=2, n_prototypes=9, random_state=0).fit(
            [texts[i] for i in order]
        )
    assert shuffled.labels_.tolist() == first.labels_[order].tolist()
    assert shuffled.topic_labels_ == first.topic_labels_
    np.testing.assert_array_equal(shuffled.embedding_, first.embedding_[order])
    assert first.n_topics_ >= 2


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 0, 0, 0], [0, 0, 0, 0], 1.0),
        # Pairs: tp 1, fp 2, fn 1, tn 2 -> 2 (1*2 - 1*2) / (2*3 + 3*4) = 0.
        ([0, 0, 1, 1], [0, 0, 0, 1], 0.0),
        # Pairs: tp 0, fp 2, fn 2, tn 2 -> 2 (0 - 4) / (2*4 + 2*4) = -0.5.
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
    ],
    ids=["same", "renamed", "one-cluster", "one-moved", "crossed"],
)
def test_adjusted_rand_index_hand_worked(
    first: list[int], second: list[int], expected: float
) -> None:
    assert adjusted_rand_index(np.array(first), np.array(second)) == expected


def test_adjusted_rand_index_equals_scikit_learn() -> None:
    # The choice of the number of topics must not move: the same floats, bit for bit.
    rng = np.random.RandomState(0)
    for _ in range(200):
        size = rng.randint(2, 400)
        first = rng.randint(0, rng.randint(1, 12), size)
        second = np.where(rng.rand(size) < 0.7, first, rng.randint(0, 9, size))
        assert adjusted_rand_index(first, second) == adjusted_rand_score(first, second)
