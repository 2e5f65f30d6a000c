"""Topic ids across refits: a refitted model renumbered so continuing topics keep their ids.

Topics of two models are compared by their top-term weights; the Hungarian algorithm
matches them one to one, matched topics keep the previous id (and label), new ones get
new ids above the previous largest.
"""

from __future__ import annotations

import copy

import numpy as np
from scipy.optimize import linear_sum_assignment

from analytics.errors import InputError
from analytics.topics.clustering import unit_rows
from analytics.topics.labels import LABEL_SEPARATOR, dedupe_labels
from analytics.topics.model import TopicModel, check_fitted


def topic_similarity(previous: TopicModel, current: TopicModel) -> np.ndarray:
    """Cosine similarity of every previous topic to every current one in term space.

    Each topic is the vector of its top-term weights over the union of both models'
    top terms.

    Returns:
        An array of shape (previous topics, current topics), in ``topic_ids_`` order.
    """
    check_fitted(previous)
    check_fitted(current)
    terms = sorted({t for row in previous.top_terms_ + current.top_terms_ for t in row})
    column = {term: j for j, term in enumerate(terms)}

    def signature(model: TopicModel) -> np.ndarray:
        matrix = np.zeros((len(model.top_terms_), len(terms)))
        for i, row in enumerate(model.top_terms_):
            for term, weight in zip(row, model.top_term_weights_[i], strict=False):
                matrix[i, column[term]] = weight
        return unit_rows(matrix)

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
    aligned.topic_labels_ = dedupe_labels([new_labels[i] for i in order])
    aligned.top_terms_ = [current.top_terms_[i] for i in order]
    aligned.top_term_weights_ = current.top_term_weights_[order]
    aligned.centroids_ = current.centroids_[order]
    aligned.prototype_topics_ = np.array(
        [old_to_new[t] for t in current.prototype_topics_.tolist()], dtype=np.int64
    )
    aligned.representative_docs_ = current.representative_docs_[order]
    aligned.labels_ = np.array([old_to_new[t] for t in current.labels_.tolist()], dtype=np.int64)
    return aligned
