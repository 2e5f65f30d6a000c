"""Topic clustering of briefings as a scikit-learn estimator, with labels and stable ids.

Pipeline: sublinear TF-IDF over a vocabulary without stop words, news boilerplate,
country and leader names and numbers -> LSA (truncated SVD) -> unit-length vectors -> many
small spherical k-means clusters (prototypes) -> average-linkage merge of the
prototypes into topics -> topics below ``min_topic_size`` texts merged into their
most similar topic. Every briefing gets exactly one primary topic and a weight
on every topic (softmax of its cosine similarity to each topic's closest
prototype); there is no outlier bucket. Why this design: docs/eval-topics.md.

Reproducibility: documents are sorted by a content hash before fitting and topics
are numbered by descending size then smallest member hash, so the same texts give
the same topics, ids and labels in any input order. ``align_topics`` carries ids
across a refit.

This module holds the estimator; the clustering (``clustering``), labels (``labels``),
persistence (``persistence``), alignment across refits (``alignment``) and the
per-briefing tables (``assignment``) live beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analytics import errors, settings
from analytics.errors import InputError
from analytics.topics.clustering import (
    absorb_small_topics,
    canonical_numbering,
    choose_n_topics,
    merge_prototypes,
    refine_centres,
    spherical_kmeans,
    topic_centroids,
    topic_range,
    unit_rows,
)
from analytics.topics.features import (
    DocumentFrequencies,
    check_document_frequencies,
    content_hashes,
    corpus_vocabulary,
    count_terms,
    count_vectorizer,
    inverse_document_frequency,
    label_stop_words,
    strip_sources,
    tfidf,
    topic_stop_words,
)
from analytics.topics.labels import class_term_scores, representatives, unique_labels
from analytics.topics.persistence import load_model, save_model


class TopicModelNotFittedError(errors.NotFittedError, SklearnNotFittedError):
    """A topic model was used before ``fit``.

    Both an ``analytics.errors.AnalyticsError`` (what the app catches) and scikit-learn's
    ``NotFittedError`` (what estimator tooling expects).
    """


def check_fitted(model: TopicModel) -> None:
    """Nothing when ``model`` is fitted.

    Raises:
        TopicModelNotFittedError: when it is not.
    """
    try:
        check_is_fitted(model, "prototypes_")
    except SklearnNotFittedError as error:
        raise TopicModelNotFittedError(
            f"this {type(model).__name__} is not fitted yet: call fit(texts) first; "
            f"got a model without topics"
        ) from error


class TopicModel(BaseEstimator):
    """Cluster texts into topics; label each topic by its distinctive terms.

    The texts are first split into many small clusters (``n_prototypes``, spherical
    k-means); average-linkage agglomeration of those prototypes then forms the
    topics, so a topic may be a union of several tight groups (earnings reports of
    several kinds) rather than one round ball, and big themes are not cut in equal
    slices. A text belongs to the topic of its most similar prototype.

    Parameters:
        n_topics: number of topics; ``None`` or ``"auto"`` chooses the most stable number in
            ``[min_topics, max_topics]`` (see ``selection_scores_``).
        min_topics, max_topics: range searched when ``n_topics`` is ``None``; on small
            corpora the upper bound shrinks to ``1.5 * sqrt(n)`` and ``n // 3`` for ``n``
            distinct texts (``topic_range``).
        min_topic_size: a topic with fewer texts is merged into its most similar topic
            (average prototype similarity), smallest first, so ``n_topics_`` may end
            below ``n_topics``; capped at ``n // n_topics`` so a requested number of
            topics stays reachable.
        n_components: LSA dimensions (at most a quarter of the distinct texts).
        n_prototypes: small clusters merged into topics (fewer on small corpora).
        ngram_range: word n-grams counted as terms.
        min_df, max_df: document-frequency bounds of a term (count or fraction).
        temperature: softness of the topic weights (softmax of cosine / temperature).
        n_stability_runs: clusterings of random subsamples compared to choose the
            number of topics (at least 10 below 2,000 distinct texts, where they are
            cheap and three are too noisy).
        subsample: fraction of the texts each of those clusterings sees.
        extra_stop_words: further words to drop, on top of the bundled lists.
        random_state: seed of every random choice.

    Fitted attributes:
        n_topics_, topic_ids_, topic_labels_, top_terms_ (10 per topic),
        top_term_weights_, labels_ (topic id of each training text, in input order),
        representative_docs_ (indices into the training texts, highest weight on
        their topic first), embedding_ (unit LSA vectors of the training texts, in
        input order; not saved), vocabulary_, idf_, components_ (LSA), prototypes_,
        prototype_topics_ (topic id of each prototype), centroids_, stop_words_,
        selection_scores_ (number of topics -> mean adjusted Rand index between runs).
    """

    def __init__(
        self,
        n_topics: int | str | None = None,
        *,
        min_topics: int = 10,
        max_topics: int = 80,
        min_topic_size: int = 3,
        n_components: int = 200,
        n_prototypes: int = 200,
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        temperature: float = 0.05,
        n_stability_runs: int = 3,
        subsample: float = 0.8,
        extra_stop_words: tuple[str, ...] = (),
        random_state: int | None = 0,
    ) -> None:
        self.n_topics = n_topics
        self.min_topics = min_topics
        self.max_topics = max_topics
        self.min_topic_size = min_topic_size
        self.n_components = n_components
        self.n_prototypes = n_prototypes
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.temperature = temperature
        self.n_stability_runs = n_stability_runs
        self.subsample = subsample
        self.extra_stop_words = extra_stop_words
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------

    def fit(
        self,
        X: Sequence[str],
        y: Any = None,
        *,
        document_frequencies: DocumentFrequencies | None = None,
    ) -> TopicModel:
        """Learn the vocabulary, LSA space and topics of the texts ``X``.

        Parameters:
            X: the texts.
            y: ignored (scikit-learn's signature).
            document_frequencies: the document frequencies of a corpus ``X`` was drawn
                from (``features.document_frequencies``, summed over its parts with
                ``combine_document_frequencies``). The vocabulary is then that corpus'
                terms within ``[min_df, max_df]`` of its ``n_documents`` and ``idf_`` its
                IDF, rather than those of ``X``; the rest of the fit is unchanged. A
                corpus' own frequencies give the fit without them. Unigrams only.

        Raises:
            ValueError (``InputError``): on invalid parameters, texts that are not
                strings, fewer distinct texts than topics, or ``document_frequencies``
                that are not valid, of fewer texts than ``X``, or given with n-grams.
        """
        self._check_params()
        texts = _check_texts(X)
        if document_frequencies is not None:
            document_frequencies = check_document_frequencies(document_frequencies)
            if self._ngrams() != (1, 1):
                raise InputError(
                    f"document_frequencies count single words: they need ngram_range (1, 1); "
                    f"got {tuple(self.ngram_range)!r}"
                )
            if document_frequencies.n_documents < len(texts):
                raise InputError(
                    f"document_frequencies must count a corpus holding the {len(texts)} texts; "
                    f"got n_documents={document_frequencies.n_documents!r}"
                )
        # One BLAS thread: the dense steps (the SVD's QR of a tall matrix, k-means++'s
        # small products) ran 2-6 times slower with two threads than with one while
        # other jobs shared the 2-core machine (docs/eval-topics.md).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(texts, document_frequencies)

    def _fit(self, texts: list[str], frequencies: DocumentFrequencies | None) -> TopicModel:
        hashes = content_hashes(texts)
        # Canonical order: the fit sees the same sequence whatever the input order.
        order = np.argsort(hashes, kind="stable")
        sorted_texts = [strip_sources(texts[i]) for i in order]
        sorted_hashes = hashes[order]
        n_distinct = len(np.unique(sorted_hashes))

        stop_words = topic_stop_words(self.extra_stop_words)
        if frequencies is None:
            counts, vocabulary = self._count_terms(sorted_texts, stop_words)
            idf = inverse_document_frequency(counts)
        else:
            vocabulary, idf = self._corpus_vocabulary(frequencies, stop_words)
            counts, _ = count_terms(sorted_texts, stop_words, vocabulary=list(vocabulary))
        del sorted_texts  # counted: free the copies before the dense steps
        weights = tfidf(counts, idf)
        components = self._lsa_components(weights, n_distinct)
        vectors = unit_rows(np.asarray(weights @ components.T))
        del weights

        rng = np.random.RandomState(self.random_state)
        n_prototypes = min(self.n_prototypes, max(1, n_distinct // 2))
        sampled: tuple[np.ndarray, int] | None = None
        if self.n_topics is None or isinstance(self.n_topics, str):
            low, high = topic_range(self.min_topics, self.max_topics, n_distinct)
            n_topics, scores, sampled = choose_n_topics(
                vectors,
                range(low, high + 1),
                n_prototypes=max(n_prototypes, high),
                n_runs=(
                    max(self.n_stability_runs, settings.value("topic_small_corpus_runs"))
                    if n_distinct < settings.value("topic_small_corpus")
                    else self.n_stability_runs
                ),
                fraction=self.subsample,
                rng=rng,
                min_size=min(self.min_topic_size, max(1, len(texts) // high)),
            )
        else:
            if self.n_topics > n_distinct:
                raise InputError(
                    f"n_topics must not exceed the {n_distinct} distinct texts; "
                    f"got {self.n_topics!r}"
                )
            n_topics, scores = int(self.n_topics), {}
        n_clusters = max(n_prototypes, n_topics)
        if (
            sampled is not None
            and len(sampled[0]) == n_clusters
            and sampled[1] == settings.value("topic_kmeans_sample") < len(vectors)
        ):
            # On a large corpus the final clustering would be one more k-means of a
            # seeded topic_kmeans_sample-text sample plus a pass over every text, which is
            # what the first stability run already did: take its centres, do the pass.
            prototypes, nearest = refine_centres(vectors, sampled[0])
        else:
            prototypes, nearest = spherical_kmeans(vectors, n_clusters, seed=rng.randint(2**31 - 1))
        prototype_topics = merge_prototypes(prototypes, [n_topics])[:, 0]
        min_size = min(self.min_topic_size, max(1, len(texts) // n_topics))
        prototype_topics = absorb_small_topics(prototypes, prototype_topics, nearest, min_size)
        n_topics = int(prototype_topics.max()) + 1
        prototype_topics, assigned = canonical_numbering(
            prototype_topics, prototype_topics[nearest], sorted_hashes, n_topics
        )
        centroids = topic_centroids(vectors, assigned, n_topics)

        term_scores = class_term_scores(counts, assigned, n_topics)
        # Words that separate stories but read as noise stay out of labels.
        hidden = np.isin(vocabulary, sorted(label_stop_words()))
        term_scores[:, hidden] = -1.0
        top_index = np.argsort(-term_scores, axis=1, kind="stable")[
            :, : settings.value("topic_top_terms")
        ]
        self.vocabulary_ = vocabulary
        self.stop_words_ = stop_words
        self.idf_ = idf
        self.components_ = components
        self.prototypes_ = prototypes
        self.prototype_topics_ = prototype_topics
        self.centroids_ = centroids
        self.n_topics_ = n_topics
        self.topic_ids_ = np.arange(n_topics, dtype=np.int64)
        self.top_terms_ = [[str(vocabulary[j]) for j in row] for row in top_index]
        self.top_term_weights_ = np.maximum(np.take_along_axis(term_scores, top_index, axis=1), 0)
        self.topic_labels_ = unique_labels(term_scores, vocabulary)
        self.selection_scores_ = scores
        labels = np.empty(len(texts), dtype=np.int64)
        labels[order] = assigned
        self.labels_ = labels
        embedding = np.empty_like(vectors)
        embedding[order] = vectors
        del vectors, counts  # the input-order copy is kept; peak memory stays lower
        self.embedding_ = embedding
        primary_weight = self.transform_embedding(embedding)[np.arange(len(texts)), labels]
        self.representative_docs_ = representatives(primary_weight, labels, n_topics)
        return self

    def fit_transform(
        self,
        X: Sequence[str],
        y: Any = None,
        *,
        document_frequencies: DocumentFrequencies | None = None,
    ) -> np.ndarray:
        """Fit on ``X`` (as ``fit``) and return its topic weights, without embedding ``X`` twice."""
        fitted = self.fit(X, document_frequencies=document_frequencies)
        return fitted.transform_embedding(self.embedding_)

    def _ngrams(self) -> tuple[int, int]:
        low, high = self.ngram_range
        return int(low), int(high)

    def _check_params(self) -> None:
        automatic = self.n_topics is None or (
            isinstance(self.n_topics, str) and self.n_topics == "auto"
        )
        if not automatic and (
            isinstance(self.n_topics, bool)
            or not isinstance(self.n_topics, int | np.integer)
            or self.n_topics < 1
        ):
            raise InputError(
                f"n_topics must be None, 'auto' or a positive integer; got {self.n_topics!r}"
            )
        for name in ("min_topics", "max_topics"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or value < 1:
                raise InputError(f"{name} must be a positive integer; got {value!r}")
        if self.min_topics > self.max_topics:
            raise InputError(
                f"min_topics must not exceed max_topics; got {(self.min_topics, self.max_topics)!r}"
            )
        if not isinstance(self.n_components, int | np.integer) or self.n_components < 1:
            raise InputError(f"n_components must be a positive integer; got {self.n_components!r}")
        if not self.temperature > 0:
            raise InputError(f"temperature must be positive; got {self.temperature!r}")
        for name in ("n_prototypes", "n_stability_runs", "min_topic_size"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or value < 1:
                raise InputError(f"{name} must be a positive integer; got {value!r}")
        if not 0 < self.subsample <= 1:
            raise InputError(f"subsample must be within (0, 1]; got {self.subsample!r}")
        low, high = tuple(self.ngram_range)
        if not 1 <= low <= high:
            raise InputError(
                f"ngram_range must be (low, high) with 1 <= low <= high; got {(low, high)!r}"
            )

    def _count_terms(
        self, texts: list[str], stop_words: list[str]
    ) -> tuple[sp.csr_matrix, np.ndarray]:
        def count(min_df: int | float, max_df: int | float) -> tuple[sp.csr_matrix, np.ndarray]:
            if self._ngrams() == (1, 1):
                return count_terms(texts, stop_words, min_df=min_df, max_df=max_df)
            vectorizer = count_vectorizer(
                stop_words, ngram_range=self._ngrams(), min_df=min_df, max_df=max_df
            )
            counts = vectorizer.fit_transform(texts)
            return sp.csr_matrix(counts), vectorizer.get_feature_names_out()

        try:
            return count(self.min_df, self.max_df)
        except ValueError:
            # Too few texts for min_df / max_df: keep every term rather than fail.
            try:
                return count(1, 1.0)
            except ValueError as error:
                raise InputError(
                    f"the texts hold no topic terms once stop words are removed; "
                    f"got {len(texts)} texts"
                ) from error

    def _corpus_vocabulary(
        self, frequencies: DocumentFrequencies, stop_words: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """``corpus_vocabulary`` with the model's bounds, falling back as ``_count_terms`` does."""
        try:
            return corpus_vocabulary(
                frequencies, stop_words, min_df=self.min_df, max_df=self.max_df
            )
        except ValueError:
            # Too few texts for min_df / max_df: keep every term rather than fail.
            try:
                return corpus_vocabulary(frequencies, stop_words)
            except ValueError as error:
                raise InputError(
                    f"the corpus holds no topic terms once stop words are removed; "
                    f"got document frequencies of {frequencies.n_documents} texts"
                ) from error

    def _lsa_components(self, weights: sp.csr_matrix, n_distinct: int) -> np.ndarray:
        n_docs, n_terms = weights.shape
        # At most a quarter of the distinct texts: with as many dimensions as texts
        # LSA reduces nothing and small corpora cluster on word noise (sample corpus:
        # 11 topics, one of 59 briefings, with 159 dimensions; 17 readable ones with 40).
        n_components = min(self.n_components, n_docs - 1, n_terms - 1, n_distinct // 4)
        if n_components < 2:
            # Too small for LSA: keep the term space itself.
            return np.eye(n_terms)
        lsa_sample = settings.value("topic_lsa_sample")
        if n_docs > lsa_sample:
            # The SVD's cost grows with the texts; the axes of a seeded sample of
            # lsa_sample texts serve as well (100,000 synthetic briefings: the same
            # topics), and every text is still projected on them. Corpora up to
            # lsa_sample (Reuters-21578 included) are fitted on every text.
            chosen = np.random.RandomState(self.random_state).choice(
                n_docs, size=lsa_sample, replace=False
            )
            weights = weights[np.sort(chosen)]
        svd = TruncatedSVD(n_components=n_components, n_iter=3, random_state=self.random_state)
        svd.fit(weights)
        return svd.components_

    # -- using a fitted model -------------------------------------------------

    def embed(self, X: Sequence[str]) -> np.ndarray:
        """Unit-length LSA vectors of the texts ``X`` (the space topics live in).

        Raises:
            TopicModelNotFittedError: before ``fit``.
        """
        check_fitted(self)
        texts = _check_texts(X, allow_empty=True)
        if not texts:
            return np.zeros((0, self.components_.shape[0]))
        stripped = [strip_sources(t) for t in texts]
        if self._ngrams() == (1, 1):
            counts, _ = count_terms(stripped, self.stop_words_, vocabulary=list(self.vocabulary_))
        else:
            vectorizer = count_vectorizer(
                self.stop_words_, ngram_range=self._ngrams(), vocabulary=list(self.vocabulary_)
            )
            counts = sp.csr_matrix(vectorizer.transform(stripped))
        return unit_rows(np.asarray(tfidf(counts, self.idf_) @ self.components_.T))

    def similarity(self, X: Sequence[str]) -> np.ndarray:
        """Similarity of each text to each topic, columns in ``topic_ids_`` order.

        A text's similarity to a topic is its cosine similarity to the closest of
        the topic's prototypes.

        Raises:
            TopicModelNotFittedError: before ``fit``.
        """
        return self._similarity_of_embedding(self.embed(X))

    def _similarity_of_embedding(self, vectors: np.ndarray) -> np.ndarray:
        to_prototypes = vectors @ self.prototypes_.T
        result = np.full((len(to_prototypes), len(self.topic_ids_)), -1.0)
        for column, topic_id in enumerate(self.topic_ids_):
            members = self.prototype_topics_ == topic_id
            if members.any():
                result[:, column] = to_prototypes[:, members].max(axis=1)
        return result

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Topic weights of each text (rows sum to 1), columns in ``topic_ids_`` order.

        Raises:
            TopicModelNotFittedError: before ``fit``.
        """
        return _softmax(self.similarity(X) / self.temperature)

    def transform_embedding(self, vectors: np.ndarray) -> np.ndarray:
        """Topic weights of texts already embedded by ``embed`` (or ``embedding_``).

        Raises:
            TopicModelNotFittedError: before ``fit``.
            InputError: when ``vectors`` is not a 2-D array of LSA vectors.
        """
        check_fitted(self)
        vectors = np.asarray(vectors, dtype=np.float64)
        width = self.components_.shape[0]
        if vectors.ndim != 2 or vectors.shape[1] != width:
            raise InputError(
                f"vectors must have shape (texts, {width}); got shape {vectors.shape!r}"
            )
        return _softmax(self._similarity_of_embedding(vectors) / self.temperature)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """Primary topic id of each text (the topic of its most similar prototype).

        Raises:
            TopicModelNotFittedError: before ``fit``.
        """
        similarity = self.similarity(X)
        return self.topic_ids_[np.argmax(similarity, axis=1)] if len(similarity) else np.array([])

    def fit_predict(self, X: Sequence[str], y: Any = None) -> np.ndarray:
        """Fit on ``X`` and return the primary topic id of each text."""
        return self.fit(X).labels_

    def label_of(self, topic_id: int) -> str:
        """The label of topic ``topic_id``.

        Raises:
            InputError: when the model has no such topic.
        """
        check_fitted(self)
        matches = np.flatnonzero(self.topic_ids_ == topic_id)
        if len(matches) == 0:
            raise InputError(
                f"topic_id must be one of {self.topic_ids_.tolist()}; got {topic_id!r}"
            )
        return self.topic_labels_[int(matches[0])]

    # -- persistence ------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write the fitted model as JSON plus a NumPy ``.npz`` file (no pickle).

        Returns:
            The directory written to (created if needed).

        Raises:
            TopicModelNotFittedError: before ``fit``.
        """
        check_fitted(self)
        return save_model(self, directory)

    @classmethod
    def load(cls, directory: str | Path) -> TopicModel:
        """Read a model written by ``save``.

        Raises:
            StoreError: when a file is missing, truncated, corrupted or inconsistent.
        """
        return load_model(cls, directory)


def _check_texts(X: Sequence[str], *, allow_empty: bool = False) -> list[str]:
    if isinstance(X, str | bytes):
        raise InputError(f"X must be a sequence of texts, not one text; got {X[:40]!r}")
    texts = list(X.tolist() if isinstance(X, pd.Series | np.ndarray) else X)
    bad = [text for text in texts if not isinstance(text, str)]
    if bad:
        raise InputError(f"every text must be a str; got {bad[0]!r}")
    if not texts and not allow_empty:
        raise InputError(f"X must hold at least one text; got {texts!r}")
    return texts


def _softmax(logits: np.ndarray) -> np.ndarray:
    if logits.size == 0:
        return logits
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
