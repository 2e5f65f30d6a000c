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
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import cut_tree, linkage
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import squareform
from sklearn.base import BaseEstimator
from sklearn.cluster import kmeans_plusplus
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analytics import errors, timeseries
from analytics import schema as S
from analytics.errors import InputError, StoreError
from analytics.ingest import strings_in
from analytics.topics.features import (
    content_hashes,
    count_terms,
    count_vectorizer,
    inverse_document_frequency,
    label_stop_words,
    strip_datelines,
    tfidf,
    topic_stop_words,
)

LABEL_SEPARATOR = " \u00b7 "
# Large-corpus limits; corpora below them (Reuters-21578 included) are fitted unchanged.
KMEANS_SAMPLE = 20_000
STABILITY_SAMPLE = 20_000
LSA_SAMPLE = 20_000
N_TOP_TERMS = 10
N_LABEL_TERMS = 3
N_REPRESENTATIVES = 3
MODEL_FILE = "topic_model.json"
ARRAYS_FILE = "topic_model.npz"
_FORMAT = "briefing-atlas-topic-model"
_FORMAT_VERSION = 1

LABEL = "label"
REPRESENTATIVE_IDS = "representative_ids"
TOPIC_COLUMNS: tuple[str, ...] = (S.BRIEFING_ID, S.TOPIC_ID, S.TOPIC_LABEL, S.WEIGHT, S.DATE)
SUMMARY_COLUMNS: tuple[str, ...] = (
    S.TOPIC_ID,
    LABEL,
    S.TOP_TERMS,
    S.N_BRIEFINGS,
    REPRESENTATIVE_IDS,
)
SHARE = "share"
SHARE_COLUMNS: tuple[str, ...] = (S.PERIOD, S.TOPIC_ID, S.TOPIC_LABEL, S.N_BRIEFINGS, SHARE)
# Automatic number of topics: at most TOPICS_PER_SQRT_TEXT * sqrt(distinct texts).
TOPICS_PER_SQRT_TEXT = 1.5
# Below this many distinct texts the stability runs are cheap but their agreement
# noisy (3 runs on the 160-briefing sample picked anything from 10 to 18 topics
# depending on the seed): use at least SMALL_CORPUS_RUNS of them.
SMALL_CORPUS = 2000
SMALL_CORPUS_RUNS = 10


class TopicModelNotFittedError(errors.NotFittedError, SklearnNotFittedError):
    """A topic model was used before ``fit``.

    Both an ``analytics.errors.AnalyticsError`` (what the app catches) and scikit-learn's
    ``NotFittedError`` (what estimator tooling expects).
    """


def _check_fitted(model: TopicModel) -> None:
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
            distinct texts (``_topic_range``).
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

    def fit(self, X: Sequence[str], y: Any = None) -> TopicModel:
        """Learn the vocabulary, LSA space and topics of the texts ``X``.

        Raises:
            ValueError (``InputError``): on invalid parameters, texts that are not
                strings, or fewer distinct texts than topics.
        """
        self._check_params()
        texts = _check_texts(X)
        # One BLAS thread: the dense steps (the SVD's QR of a tall matrix, k-means++'s
        # small products) ran 2-6 times slower with two threads than with one while
        # other jobs shared the 2-core machine (docs/eval-topics.md).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(texts)

    def _fit(self, texts: list[str]) -> TopicModel:
        hashes = content_hashes(texts)
        # Canonical order: the fit sees the same sequence whatever the input order.
        order = np.argsort(hashes, kind="stable")
        sorted_texts = [strip_datelines(texts[i]) for i in order]
        sorted_hashes = hashes[order]
        n_distinct = len(np.unique(sorted_hashes))

        stop_words = topic_stop_words(self.extra_stop_words)
        counts, vocabulary = self._count_terms(sorted_texts, stop_words)
        del sorted_texts  # counted: free the copies before the dense steps
        idf = inverse_document_frequency(counts)
        weights = tfidf(counts, idf)
        components = self._lsa_components(weights, n_distinct)
        vectors = _unit_rows(np.asarray(weights @ components.T))
        del weights

        rng = np.random.RandomState(self.random_state)
        n_prototypes = min(self.n_prototypes, max(1, n_distinct // 2))
        sampled: tuple[np.ndarray, int] | None = None
        if self.n_topics is None or isinstance(self.n_topics, str):
            low, high = _topic_range(self.min_topics, self.max_topics, n_distinct)
            n_topics, scores, sampled = _choose_n_topics(
                vectors,
                range(low, high + 1),
                n_prototypes=max(n_prototypes, high),
                n_runs=(
                    max(self.n_stability_runs, SMALL_CORPUS_RUNS)
                    if n_distinct < SMALL_CORPUS
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
            and sampled[1] == KMEANS_SAMPLE < len(vectors)
        ):
            # On a large corpus the final clustering would be one more k-means of a
            # seeded KMEANS_SAMPLE-text sample plus a pass over every text, which is
            # what the first stability run already did: take its centres, do the pass.
            prototypes, nearest = _refine_centres(vectors, sampled[0])
        else:
            prototypes, nearest = _spherical_kmeans(
                vectors, n_clusters, seed=rng.randint(2**31 - 1)
            )
        prototype_topics = _merge_prototypes(prototypes, [n_topics])[:, 0]
        min_size = min(self.min_topic_size, max(1, len(texts) // n_topics))
        prototype_topics = _absorb_small_topics(prototypes, prototype_topics, nearest, min_size)
        n_topics = int(prototype_topics.max()) + 1
        prototype_topics, assigned = _canonical_numbering(
            prototype_topics, prototype_topics[nearest], sorted_hashes, n_topics
        )
        centroids = _centroids(vectors, assigned, n_topics)

        term_scores = _class_term_scores(counts, assigned, n_topics)
        # Words that separate stories but read as noise stay out of labels.
        hidden = np.isin(vocabulary, sorted(label_stop_words()))
        term_scores[:, hidden] = -1.0
        top_index = np.argsort(-term_scores, axis=1, kind="stable")[:, :N_TOP_TERMS]
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
        self.topic_labels_ = _unique_labels(term_scores, vocabulary)
        self.selection_scores_ = scores
        labels = np.empty(len(texts), dtype=np.int64)
        labels[order] = assigned
        self.labels_ = labels
        embedding = np.empty_like(vectors)
        embedding[order] = vectors
        del vectors, counts  # the input-order copy is kept; peak memory stays lower
        self.embedding_ = embedding
        primary_weight = self.transform_embedding(embedding)[np.arange(len(texts)), labels]
        self.representative_docs_ = _representatives(primary_weight, labels, n_topics)
        return self

    def fit_transform(self, X: Sequence[str], y: Any = None) -> np.ndarray:
        """Fit on ``X`` and return its topic weights, without embedding ``X`` twice."""
        return self.fit(X).transform_embedding(self.embedding_)

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

    def _lsa_components(self, weights: sp.csr_matrix, n_distinct: int) -> np.ndarray:
        n_docs, n_terms = weights.shape
        # At most a quarter of the distinct texts: with as many dimensions as texts
        # LSA reduces nothing and small corpora cluster on word noise (sample corpus:
        # 11 topics, one of 59 briefings, with 159 dimensions; 17 readable ones with 40).
        n_components = min(self.n_components, n_docs - 1, n_terms - 1, n_distinct // 4)
        if n_components < 2:
            # Too small for LSA: keep the term space itself.
            return np.eye(n_terms)
        if n_docs > LSA_SAMPLE:
            # The SVD's cost grows with the texts; the axes of a seeded sample of
            # LSA_SAMPLE texts serve as well (100,000 synthetic briefings: the same
            # topics), and every text is still projected on them. Corpora up to
            # LSA_SAMPLE (Reuters-21578 included) are fitted on every text.
            chosen = np.random.RandomState(self.random_state).choice(
                n_docs, size=LSA_SAMPLE, replace=False
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
        _check_fitted(self)
        texts = _check_texts(X, allow_empty=True)
        if not texts:
            return np.zeros((0, self.components_.shape[0]))
        stripped = [strip_datelines(t) for t in texts]
        if self._ngrams() == (1, 1):
            counts, _ = count_terms(stripped, self.stop_words_, vocabulary=list(self.vocabulary_))
        else:
            vectorizer = count_vectorizer(
                self.stop_words_, ngram_range=self._ngrams(), vocabulary=list(self.vocabulary_)
            )
            counts = sp.csr_matrix(vectorizer.transform(stripped))
        return _unit_rows(np.asarray(tfidf(counts, self.idf_) @ self.components_.T))

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
        _check_fitted(self)
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
        _check_fitted(self)
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
        """
        _check_fitted(self)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        arrays_path = directory / ARRAYS_FILE
        with arrays_path.open("wb") as handle:
            np.savez_compressed(
                handle,
                idf=self.idf_,
                components=self.components_,
                prototypes=self.prototypes_,
                prototype_topics=self.prototype_topics_,
                centroids=self.centroids_,
                top_term_weights=self.top_term_weights_,
                labels=self.labels_,
                representative_docs=self.representative_docs_,
            )
        params = self.get_params()
        params["ngram_range"] = list(params["ngram_range"])
        params["extra_stop_words"] = list(params["extra_stop_words"])
        document = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "params": params,
            "arrays_sha256": _sha256(arrays_path),
            "n_topics": int(self.n_topics_),
            "topic_ids": self.topic_ids_.tolist(),
            "topic_labels": list(self.topic_labels_),
            "top_terms": self.top_terms_,
            "selection_scores": {str(k): v for k, v in self.selection_scores_.items()},
            "stop_words": list(self.stop_words_),
            "vocabulary": [str(term) for term in self.vocabulary_],
        }
        text = json.dumps(document, ensure_ascii=False, indent=1)
        (directory / MODEL_FILE).write_text(text, encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> TopicModel:
        """Read a model written by ``save``.

        Raises:
            StoreError: when a file is missing, truncated, corrupted or inconsistent.
        """
        directory = Path(directory)
        model_path, arrays_path = directory / MODEL_FILE, directory / ARRAYS_FILE
        try:
            document = json.loads(model_path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise StoreError(f"topic model file is missing; got {str(model_path)!r}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StoreError(
                f"topic model file is corrupted or truncated ({error}); got {str(model_path)!r}"
            ) from error
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            raise StoreError(f"not a topic model file; got {str(model_path)!r}")
        if document.get("version") != _FORMAT_VERSION:
            raise StoreError(
                f"topic model format version must be {_FORMAT_VERSION}; "
                f"got {document.get('version')!r}"
            )
        if not arrays_path.exists():
            raise StoreError(f"topic model arrays file is missing; got {str(arrays_path)!r}")
        if _sha256(arrays_path) != document.get("arrays_sha256"):
            raise StoreError(
                "topic model arrays file is corrupted or truncated (checksum mismatch); "
                f"got {str(arrays_path)!r}"
            )
        try:
            with np.load(arrays_path, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
            params = dict(document["params"])
            params["ngram_range"] = tuple(params["ngram_range"])
            params["extra_stop_words"] = tuple(params["extra_stop_words"])
            model = cls(**params)
            model.vocabulary_ = np.array(document["vocabulary"], dtype=object)
            model.stop_words_ = list(document["stop_words"])
            model.idf_ = arrays["idf"]
            model.components_ = arrays["components"]
            model.prototypes_ = arrays["prototypes"]
            model.prototype_topics_ = arrays["prototype_topics"]
            model.centroids_ = arrays["centroids"]
            model.top_term_weights_ = arrays["top_term_weights"]
            model.labels_ = arrays["labels"]
            model.representative_docs_ = arrays["representative_docs"]
            model.n_topics_ = int(document["n_topics"])
            model.topic_ids_ = np.array(document["topic_ids"], dtype=np.int64)
            model.topic_labels_ = [str(label) for label in document["topic_labels"]]
            model.top_terms_ = [[str(term) for term in row] for row in document["top_terms"]]
            model.selection_scores_ = {
                int(k): float(v) for k, v in document["selection_scores"].items()
            }
        except (KeyError, TypeError, ValueError, OSError, zipfile.BadZipFile) as error:
            raise StoreError(
                f"topic model in {str(directory)!r} is incomplete or corrupted; got {error!r}"
            ) from error
        _check_shapes(model, directory)
        return model


# -- helpers of fit ---------------------------------------------------------------


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


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _softmax(logits: np.ndarray) -> np.ndarray:
    if logits.size == 0:
        return logits
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _topic_range(min_topics: int, max_topics: int, n_distinct: int) -> tuple[int, int]:
    """The searched range of numbers of topics, clamped for small corpora.

    The upper bound is the smallest of ``max_topics``, ``floor(1.5 * sqrt(n))`` and
    ``n // 3`` (``n`` distinct texts): 160 briefings get at most 18 topics, a dashboard
    can still read them, while 2,845 texts or more keep the default 80. The lower
    bound never exceeds the upper one.
    """
    by_sqrt = int(TOPICS_PER_SQRT_TEXT * math.sqrt(n_distinct))
    high = max(1, min(max_topics, by_sqrt, n_distinct // 3))
    return min(min_topics, high), high


def _absorb_small_topics(
    prototypes: np.ndarray,
    prototype_topics: np.ndarray,
    nearest: np.ndarray,
    min_size: int,
    similarity: np.ndarray | None = None,
) -> np.ndarray:
    """Merge every topic with fewer than ``min_size`` texts into its most similar topic.

    The smallest topic goes first (ties: lowest number); its most similar topic is
    the one with the highest mean cosine between their prototypes, the criterion
    that built the topics. Sizes are recounted after each merge. ``similarity`` is
    ``prototypes @ prototypes.T`` when the caller already has it.

    Returns:
        The topic of every prototype, renumbered 0.. without gaps.
    """
    topics = prototype_topics.copy()
    # Texts per prototype, counted once: topic sizes are then sums over prototypes.
    prototype_sizes = np.bincount(nearest, minlength=len(prototypes)).astype(np.float64)
    while True:
        present = np.unique(topics)
        if len(present) < 2:
            break
        n_ids = int(topics.max()) + 1
        sizes = np.bincount(topics, weights=prototype_sizes, minlength=n_ids)[present]
        if sizes.min() >= min_size:
            break
        small = present[np.lexsort((present, sizes))[0]]
        members = topics == small
        if similarity is None:
            similarity = prototypes @ prototypes.T
        affinity = similarity[members].mean(axis=0)
        # Mean affinity of the small topic to every topic, then the best other one.
        mean_affinity = np.bincount(topics, weights=affinity, minlength=n_ids)[present]
        mean_affinity /= np.bincount(topics, minlength=n_ids)[present]
        mean_affinity[present == small] = -np.inf
        topics[members] = present[int(np.argmax(mean_affinity))]
    return np.unique(topics, return_inverse=True)[1].astype(np.int64)


def _choose_n_topics(
    vectors: np.ndarray,
    candidates: Sequence[int],
    *,
    n_prototypes: int,
    n_runs: int,
    fraction: float,
    rng: np.random.RandomState,
    min_size: int = 1,
) -> tuple[int, dict[int, float], tuple[np.ndarray, int] | None]:
    """Pick the number of topics whose partition is most reproducible.

    Each run clusters a different random subsample with its own seed, then assigns
    every text; runs are compared pairwise by the adjusted Rand index at each
    candidate number of topics. A number that reflects structure in the corpus
    gives nearly the same partition whatever the sample and seed; one that cuts a
    theme arbitrarily does not. Ties go to more topics. The gold labels of an
    evaluation set play no part.

    Returns:
        The chosen number, the score of every candidate, and the prototypes of the
        first run with the size of its sample (``None`` when no run was needed).
    """
    candidates = [int(k) for k in candidates]
    if len(candidates) == 1 or n_runs < 2:
        return candidates[-1], {}, None
    n_docs = len(vectors)
    # Each run sees a fraction of the texts, at most STABILITY_SAMPLE of them: enough to
    # judge reproducibility, and a 100,000-briefing corpus is not clustered three times.
    size = min(n_docs, max(candidates[-1] + 1, min(round(fraction * n_docs), STABILITY_SAMPLE)))
    runs = []
    first_prototypes = None
    for _ in range(n_runs):
        sample = np.sort(rng.choice(n_docs, size=size, replace=False))
        n_clusters = max(candidates[-1], min(n_prototypes, size // 2))
        prototypes, _ = _spherical_kmeans(vectors[sample], n_clusters, seed=rng.randint(2**31 - 1))
        if first_prototypes is None:
            first_prototypes = prototypes
        nearest = np.argmax(vectors @ prototypes.T, axis=1)
        cuts = _merge_prototypes(prototypes, candidates)
        if min_size > 1:
            # Compare the topics a user would see: small clusters absorbed.
            similarity = prototypes @ prototypes.T
            cuts = np.column_stack(
                [
                    _absorb_small_topics(prototypes, cuts[:, j], nearest, min_size, similarity)
                    for j in range(cuts.shape[1])
                ]
            )
        # int32 halves the memory of the runs (texts x candidates each).
        runs.append(cuts.astype(np.int32)[nearest])
    scores: dict[int, float] = {}
    for column, k in enumerate(candidates):
        agreement = [
            _adjusted_rand_index(runs[i][:, column], runs[j][:, column])
            for i in range(n_runs)
            for j in range(i + 1, n_runs)
        ]
        scores[int(k)] = round(float(np.mean(agreement)), 6)
    best = max(scores, key=lambda k: (scores[k], k))
    return best, scores, None if first_prototypes is None else (first_prototypes, size)


def _adjusted_rand_index(first: np.ndarray, second: np.ndarray) -> float:
    """Adjusted Rand index of two partitions given as small non-negative integer labels.

    The same integer pair counts, hence the same float, as
    ``sklearn.metrics.adjusted_rand_score``, which spends most of its time checking
    and re-encoding labels: the stability runs compare hundreds of partitions.
    """
    n_samples = len(first)
    if n_samples == 0:
        return 1.0
    n_first, n_second = int(first.max()) + 1, int(second.max()) + 1
    table = np.bincount(first * n_second + second, minlength=n_first * n_second)
    table = table.astype(np.int64).reshape(n_first, n_second)
    sum_squares = int((table**2).sum())
    rows_squares = int((table.sum(axis=1) ** 2).sum())
    columns_squares = int((table.sum(axis=0) ** 2).sum())
    true_positive = sum_squares - n_samples
    false_positive = columns_squares - sum_squares
    false_negative = rows_squares - sum_squares
    true_negative = n_samples**2 - false_positive - false_negative - sum_squares
    if false_negative == 0 and false_positive == 0:
        return 1.0
    return (
        2.0
        * (true_positive * true_negative - false_negative * false_positive)
        / (
            (true_positive + false_negative) * (false_negative + true_negative)
            + (true_positive + false_positive) * (false_positive + true_negative)
        )
    )


def _merge_prototypes(prototypes: np.ndarray, n_clusters: Sequence[int]) -> np.ndarray:
    """Average-linkage (cosine) agglomeration of prototypes, cut at each of ``n_clusters``.

    Returns:
        An int array of shape (prototypes, len(n_clusters)): the cluster of every
        prototype at each cut.
    """
    n = len(prototypes)
    if n < 2:
        return np.zeros((n, len(n_clusters)), dtype=np.int64)
    distances = np.clip(1.0 - prototypes @ prototypes.T, 0.0, 2.0)
    distances = (distances + distances.T) / 2
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    return cut_tree(tree, n_clusters=[min(k, n) for k in n_clusters]).astype(np.int64)


def _spherical_kmeans(
    vectors: np.ndarray, n_clusters: int, *, seed: int, max_iter: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """K-means on the unit sphere (cosine) from a k-means++ start.

    ``max_iter`` is low on purpose: prototypes are merged into topics afterwards,
    so polishing their borders changes little (measured: same NMI at 20 and 50).

    Returns:
        Unit-length centres and the index of each vector's most similar centre.

    Written out with NumPy rather than taken from ``sklearn.cluster.KMeans`` because
    that one adds partial sums across threads in arbitrary order, so its result is
    not byte-for-byte reproducible; and it measures Euclidean distance to centres
    that are not unit length rather than cosine similarity.
    """
    n_docs = len(vectors)
    sample_size = max(KMEANS_SAMPLE, n_clusters)
    if n_docs > sample_size:
        # Seeding and iterating cost O(texts x clusters) each: on a large corpus the
        # centres are learnt on a seeded sample, then one pass over every text moves
        # each centre to the mean of all the texts nearest to it. Corpora up to
        # KMEANS_SAMPLE are clustered on every text.
        chosen = np.random.RandomState(seed).choice(n_docs, size=sample_size, replace=False)
        centres, _ = _spherical_kmeans(
            vectors[np.sort(chosen)], n_clusters, seed=seed, max_iter=max_iter
        )
        return _refine_centres(vectors, centres)
    centres, _ = kmeans_plusplus(vectors, n_clusters, random_state=seed)
    centres = _unit_rows(centres)
    assigned = np.full(n_docs, -1)
    for _ in range(max_iter):
        similarity = vectors @ centres.T
        new_assigned = np.argmax(similarity, axis=1)
        if np.array_equal(new_assigned, assigned):
            break
        assigned = new_assigned
        membership = _membership(assigned, n_clusters)
        sums = np.asarray(membership @ vectors)
        empty = np.flatnonzero(np.asarray(membership.sum(axis=1)).ravel() == 0)
        if len(empty):
            # Re-seed an empty cluster with the text furthest from its own centre.
            fit = similarity[np.arange(n_docs), assigned]
            sums[empty] = vectors[np.argsort(fit, kind="stable")[: len(empty)]]
        centres = _unit_rows(sums)
    return centres, np.argmax(vectors @ centres.T, axis=1)


def _refine_centres(vectors: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One k-means pass over every text: each centre moves to the mean of its nearest texts.

    A centre no text is nearest to stays where it was.

    Returns:
        Unit-length centres and the index of each vector's most similar centre.
    """
    n_clusters = len(centres)
    nearest = np.argmax(vectors @ centres.T, axis=1)
    sums = np.asarray(_membership(nearest, n_clusters) @ vectors)
    empty = np.bincount(nearest, minlength=n_clusters) == 0
    sums[empty] = centres[empty]
    centres = _unit_rows(sums)
    return centres, np.argmax(vectors @ centres.T, axis=1)


def _membership(assigned: np.ndarray, n_clusters: int) -> sp.csr_matrix:
    n_docs = len(assigned)
    return sp.csr_matrix(
        (np.ones(n_docs), (assigned, np.arange(n_docs))), shape=(n_clusters, n_docs)
    )


def _centroids(vectors: np.ndarray, assigned: np.ndarray, n_topics: int) -> np.ndarray:
    return _unit_rows(np.asarray(_membership(assigned, n_topics) @ vectors))


def _canonical_numbering(
    prototype_topics: np.ndarray, assigned: np.ndarray, hashes: np.ndarray, n_topics: int
) -> tuple[np.ndarray, np.ndarray]:
    """Renumber topics by descending size, ties by their smallest member hash."""
    sizes = np.bincount(assigned, minlength=n_topics)
    hash_rank = np.argsort(np.argsort(hashes, kind="stable"), kind="stable")
    first_hash = np.full(n_topics, len(hashes))
    np.minimum.at(first_hash, assigned, hash_rank)
    order = np.lexsort((first_hash, -sizes))
    new_id = np.empty(n_topics, dtype=np.int64)
    new_id[order] = np.arange(n_topics)
    return new_id[prototype_topics], new_id[assigned]


def _class_term_scores(counts: sp.csr_matrix, assigned: np.ndarray, n_topics: int) -> np.ndarray:
    """Class-based TF-IDF of every term in every topic, from document frequencies.

    A term scores high in a topic when many of the topic's texts use it and few
    texts elsewhere do; counting documents rather than occurrences keeps one long
    text from steering a label.
    """
    present = counts.copy()
    present.data = np.ones_like(present.data)
    membership = sp.csr_matrix(
        (np.ones(len(assigned)), (assigned, np.arange(len(assigned)))),
        shape=(n_topics, len(assigned)),
    )
    in_topic = np.asarray((membership @ present).todense())
    sizes = np.maximum(np.bincount(assigned, minlength=n_topics), 1)[:, None]
    frequency = in_topic / sizes
    overall = np.asarray(present.sum(axis=0)).ravel()
    average = overall.sum() / n_topics
    return frequency * np.log1p(average / np.maximum(overall, 1))[None, :]


def _label_terms(ranked: Sequence[str], n_terms: int) -> list[str]:
    """The first ``n_terms`` ranked terms, skipping any that contains or is in a chosen one."""
    chosen: list[str] = []
    for term in ranked:
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n_terms:
            break
    return chosen


def _unique_labels(term_scores: np.ndarray, vocabulary: np.ndarray) -> list[str]:
    """A label per topic from its top distinct terms, lengthened until no two coincide."""
    ranked = np.argsort(-term_scores, axis=1, kind="stable")[:, : 4 * N_TOP_TERMS]
    labels: list[str] = []
    for row in ranked:
        terms = [str(vocabulary[j]) for j in row]
        n_terms = N_LABEL_TERMS
        label = LABEL_SEPARATOR.join(_label_terms(terms, n_terms))
        while label in labels and n_terms < N_TOP_TERMS:
            n_terms += 1
            label = LABEL_SEPARATOR.join(_label_terms(terms, n_terms))
        labels.append(label)
    return labels


def _representatives(weight: np.ndarray, labels: np.ndarray, n_topics: int) -> np.ndarray:
    """Indices of each topic's texts with the highest weight on it; -1 pads small topics.

    Ties go to the earlier text. ``topic_summary`` ranks briefings the same way from
    the ``weight`` column of ``assign_topics``.
    """
    result = np.full((n_topics, N_REPRESENTATIVES), -1, dtype=np.int64)
    ranking = np.lexsort((np.arange(len(weight)), -weight, labels))
    ranked_labels = labels[ranking]
    starts = np.searchsorted(ranked_labels, np.arange(n_topics))
    ends = np.searchsorted(ranked_labels, np.arange(n_topics), side="right")
    for topic in range(n_topics):
        members = ranking[starts[topic] : min(ends[topic], starts[topic] + N_REPRESENTATIVES)]
        result[topic, : len(members)] = members
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_shapes(model: TopicModel, directory: Path) -> None:
    n_topics, n_terms = len(model.topic_ids_), len(model.vocabulary_)
    expected = {
        "idf": (model.idf_.shape, (n_terms,)),
        "components": (model.components_.shape[1:], (n_terms,)),
        "centroids": (model.centroids_.shape, (n_topics, model.components_.shape[0])),
        "prototypes": (model.prototypes_.shape[1:], model.components_.shape[:1]),
        "prototype_topics": (model.prototype_topics_.shape, model.prototypes_.shape[:1]),
        "top_term_weights": (model.top_term_weights_.shape[:1], (n_topics,)),
        "topic_labels": ((len(model.topic_labels_),), (n_topics,)),
        "top_terms": ((len(model.top_terms_),), (n_topics,)),
    }
    for name, (got, wanted) in expected.items():
        if tuple(got) != tuple(wanted):
            raise StoreError(
                f"topic model in {str(directory)!r} is inconsistent: {name} has shape "
                f"{tuple(wanted)!r} expected; got {tuple(got)!r}"
            )


# -- refresh ------------------------------------------------------------------------


def topic_similarity(previous: TopicModel, current: TopicModel) -> np.ndarray:
    """Cosine similarity of every previous topic to every current one in term space.

    Each topic is the vector of its top-term weights over the union of both models'
    top terms.

    Returns:
        An array of shape (previous topics, current topics), in ``topic_ids_`` order.
    """
    _check_fitted(previous)
    _check_fitted(current)
    terms = sorted({t for row in previous.top_terms_ + current.top_terms_ for t in row})
    column = {term: j for j, term in enumerate(terms)}

    def signature(model: TopicModel) -> np.ndarray:
        matrix = np.zeros((len(model.top_terms_), len(terms)))
        for i, row in enumerate(model.top_terms_):
            for term, weight in zip(row, model.top_term_weights_[i], strict=False):
                matrix[i, column[term]] = weight
        return _unit_rows(matrix)

    return signature(previous) @ signature(current).T


def align_topics(
    previous: TopicModel, current: TopicModel, *, min_similarity: float = 0.3
) -> TopicModel:
    """Renumber ``current`` so topics that continue ``previous`` keep their ids.

    Topics are matched one-to-one by the Hungarian algorithm on ``topic_similarity``;
    a matched pair at or above ``min_similarity`` keeps the previous id, and the
    previous label too when all of its terms are still among the current top terms.
    Unmatched current topics get new ids above the previous largest id, in their
    canonical order.

    Returns:
        A renumbered copy of ``current`` (``current`` itself is unchanged), topics
        sorted by id.

    Raises:
        ValueError (``InputError``): when ``min_similarity`` is outside [0, 1].
        TopicModelNotFittedError: when either model is not fitted.
    """
    if not 0 <= min_similarity <= 1:
        raise InputError(f"min_similarity must be within [0, 1]; got {min_similarity!r}")
    similarity = topic_similarity(previous, current)
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    n_current = len(current.topic_ids_)
    new_ids = np.full(n_current, -1, dtype=np.int64)
    new_labels = list(current.topic_labels_)
    for row, col in zip(rows, cols, strict=True):
        if similarity[row, col] >= min_similarity:
            new_ids[col] = previous.topic_ids_[row]
            previous_terms = previous.topic_labels_[row].split(LABEL_SEPARATOR)
            if set(previous_terms) <= set(current.top_terms_[col]):
                new_labels[col] = previous.topic_labels_[row]
    next_id = int(previous.topic_ids_.max()) + 1 if len(previous.topic_ids_) else 0
    for col in range(n_current):
        if new_ids[col] < 0:
            new_ids[col] = next_id
            next_id += 1
    aligned = copy.deepcopy(current)
    old_to_new = dict(zip(current.topic_ids_.tolist(), new_ids.tolist(), strict=True))
    order = np.argsort(new_ids, kind="stable")
    aligned.topic_ids_ = new_ids[order]
    aligned.topic_labels_ = _dedupe_labels([new_labels[i] for i in order])
    aligned.top_terms_ = [current.top_terms_[i] for i in order]
    aligned.top_term_weights_ = current.top_term_weights_[order]
    aligned.centroids_ = current.centroids_[order]
    aligned.prototype_topics_ = np.array(
        [old_to_new[t] for t in current.prototype_topics_.tolist()], dtype=np.int64
    )
    aligned.representative_docs_ = current.representative_docs_[order]
    aligned.labels_ = np.array([old_to_new[t] for t in current.labels_.tolist()], dtype=np.int64)
    return aligned


def _dedupe_labels(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result


# -- tables -----------------------------------------------------------------------------


def briefing_text_for_topics(briefings: pd.DataFrame) -> list[str]:
    """The text a briefing is clustered on: its title, a blank line, its body."""
    titles = briefings[S.TITLE].fillna("").astype(str) if S.TITLE in briefings else ""
    bodies = briefings[S.TEXT].fillna("").astype(str)
    return (titles + "\n\n" + bodies).str.strip().tolist()


def assign_topics(
    model: TopicModel, briefings: pd.DataFrame, *, embedding: np.ndarray | None = None
) -> pd.DataFrame:
    """The primary topic of every briefing.

    Parameters:
        model: a fitted ``TopicModel``.
        briefings: the briefing table (``briefing_id``, ``title``, ``text``, ``date``).
        embedding: the briefings' LSA vectors when already known, one row per
            briefing in the same order (``model.embedding_`` right after fitting on
            ``briefing_text_for_topics(briefings)``); saves reading the texts again.

    Returns:
        One row per briefing: ``briefing_id``, ``topic_id``, ``topic_label``, ``weight``
        (the weight of the primary topic) and ``date``.

    Raises:
        TopicModelNotFittedError: when ``model`` is not fitted.
        InputError: when ``embedding`` does not have one row per briefing.
    """
    if embedding is None:
        weights = model.transform(briefing_text_for_topics(briefings))
    else:
        if len(embedding) != len(briefings):
            raise InputError(
                f"embedding must have one row per briefing ({len(briefings)}); "
                f"got {len(embedding)} rows"
            )
        weights = model.transform_embedding(embedding)
    primary = np.argmax(weights, axis=1) if len(weights) else np.zeros(0, dtype=np.int64)
    labels = np.array(model.topic_labels_, dtype=object)
    return pd.DataFrame(
        {
            S.BRIEFING_ID: briefings[S.BRIEFING_ID].to_numpy(),
            S.TOPIC_ID: model.topic_ids_[primary].astype(np.int64),
            S.TOPIC_LABEL: labels[primary] if len(primary) else np.array([], dtype=object),
            S.WEIGHT: weights[np.arange(len(primary)), primary],
            S.DATE: briefings[S.DATE].to_numpy() if S.DATE in briefings else pd.NaT,
        },
        columns=list(TOPIC_COLUMNS),
    )


def topic_summary(model: TopicModel, briefings: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """One row per topic: label, top terms, size and its most representative briefings.

    No text is read again: a topic's representatives are its briefings with the
    highest ``weight`` on it, as ``assign_topics`` computed them (the same ranking
    as ``representative_docs_``).

    Parameters:
        model: the fitted model ``topics`` was assigned with.
        briefings: the briefing table; only briefings listed in it can represent a topic.
        topics: the output of ``assign_topics``.

    Returns:
        ``topic_id``, ``label``, ``top_terms`` (``", "``-joined), ``n_briefings`` and
        ``representative_ids`` (up to three ids, highest weight first, ties by id,
        ``"|"``-joined), ordered by ``topic_id``.

    Raises:
        TopicModelNotFittedError: when ``model`` is not fitted.
    """
    _check_fitted(model)
    known = strings_in(topics[S.BRIEFING_ID], briefings[S.BRIEFING_ID])
    ranked = (
        topics.loc[known, [S.BRIEFING_ID, S.TOPIC_ID, S.WEIGHT]]
        .assign(**{S.BRIEFING_ID: lambda t: t[S.BRIEFING_ID].astype(str)})
        .sort_values(
            [S.TOPIC_ID, S.WEIGHT, S.BRIEFING_ID], ascending=[True, False, True], kind="stable"
        )
    )
    representatives = (
        ranked.groupby(S.TOPIC_ID).head(N_REPRESENTATIVES).groupby(S.TOPIC_ID)[S.BRIEFING_ID]
    ).agg("|".join)
    sizes = topics.groupby(S.TOPIC_ID).size()
    order = np.argsort(model.topic_ids_, kind="stable")
    ids = model.topic_ids_[order]
    return pd.DataFrame(
        {
            S.TOPIC_ID: ids.astype(np.int64),
            LABEL: [model.topic_labels_[i] for i in order],
            S.TOP_TERMS: [", ".join(model.top_terms_[i]) for i in order],
            S.N_BRIEFINGS: sizes.reindex(ids, fill_value=0).to_numpy().astype(np.int64),
            REPRESENTATIVE_IDS: representatives.reindex(ids, fill_value="").to_numpy(),
        },
        columns=list(SUMMARY_COLUMNS),
    )


def topic_shares_over_time(
    topics: pd.DataFrame,
    freq: str,
    *,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Share of each period's briefings that fall in each topic.

    Periods are calendar-aligned (``analytics.timeseries``); a period without
    briefings is kept with zero counts and shares. Each share uses only the
    briefings dated in that period, so later briefings never shape earlier periods.

    Parameters:
        topics: the output of ``assign_topics`` (``topic_id``, ``topic_label``, ``date``).
        freq: ``day``, ``week``, ``month`` or ``quarter``.
        start, end: keep briefings dated within ``[start, end]`` and extend the
            periods to cover that range (default: the observed dates).

    Returns:
        ``period``, ``topic_id``, ``topic_label``, ``n_briefings``, ``share``; one row
        per period and topic, sorted by period then topic id.

    Raises:
        InputError: for an unknown ``freq``.
    """
    timeseries.check_freq(freq)
    catalogue = (
        topics[[S.TOPIC_ID, S.TOPIC_LABEL]]
        .drop_duplicates(S.TOPIC_ID)
        .sort_values(S.TOPIC_ID, kind="stable")
    )
    dated = topics.loc[topics[S.DATE].notna(), [S.TOPIC_ID, S.DATE]]
    dates = _utc(dated[S.DATE])
    keep = pd.Series(True, index=dated.index)
    if start is not None:
        keep &= dates >= _utc(pd.Series([pd.Timestamp(start)])).iloc[0]
    if end is not None:
        keep &= dates <= _utc(pd.Series([pd.Timestamp(end)])).iloc[0]
    dated = dated[keep]
    if (dated.empty and (start is None or end is None)) or catalogue.empty:
        return pd.DataFrame({c: [] for c in SHARE_COLUMNS})
    dated = dated.assign(**{S.PERIOD: timeseries.period_start(dated[S.DATE], freq)})
    lo = start if start is not None else dated[S.DATE].min()
    hi = end if end is not None else dated[S.DATE].max()
    periods = timeseries.period_range(lo, hi, freq)
    grid = pd.DataFrame({S.PERIOD: periods}).merge(catalogue, how="cross")
    counts = dated.groupby([S.PERIOD, S.TOPIC_ID]).size().rename(S.N_BRIEFINGS).reset_index()
    table = grid.merge(counts, on=[S.PERIOD, S.TOPIC_ID], how="left")
    table[S.N_BRIEFINGS] = table[S.N_BRIEFINGS].fillna(0).astype(np.int64)
    totals = table.groupby(S.PERIOD)[S.N_BRIEFINGS].transform("sum")
    table[SHARE] = np.where(totals > 0, table[S.N_BRIEFINGS] / totals.where(totals > 0, 1), 0.0)
    table = table.sort_values([S.PERIOD, S.TOPIC_ID], kind="stable").reset_index(drop=True)
    return table[list(SHARE_COLUMNS)]


def _utc(dates: pd.Series) -> pd.Series:
    dates = pd.to_datetime(dates)
    if getattr(dates.dt, "tz", None) is None:
        return dates.dt.tz_localize("UTC")
    return dates.dt.tz_convert("UTC")
