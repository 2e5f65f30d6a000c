"""Labels and representatives of topics: distinctive terms per topic, readable unique labels.

A term scores high in a topic by class-based TF-IDF over document frequencies; a label
joins a topic's first distinct top terms and is lengthened until no two labels coincide;
a topic's representatives are its texts with the highest weight on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from analytics import settings

LABEL_SEPARATOR = " \u00b7 "


def class_term_scores(counts: sp.csr_matrix, assigned: np.ndarray, n_topics: int) -> np.ndarray:
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


def unique_labels(term_scores: np.ndarray, vocabulary: np.ndarray) -> list[str]:
    """A label per topic from its top distinct terms, lengthened until no two coincide."""
    n_top_terms = settings.value("topic_top_terms")
    n_label_terms = settings.value("topic_label_terms")
    ranked = np.argsort(-term_scores, axis=1, kind="stable")[:, : 4 * n_top_terms]
    labels: list[str] = []
    for row in ranked:
        terms = [str(vocabulary[j]) for j in row]
        n_terms = n_label_terms
        label = LABEL_SEPARATOR.join(_label_terms(terms, n_terms))
        while label in labels and n_terms < n_top_terms:
            n_terms += 1
            label = LABEL_SEPARATOR.join(_label_terms(terms, n_terms))
        labels.append(label)
    return labels


def representatives(weight: np.ndarray, labels: np.ndarray, n_topics: int) -> np.ndarray:
    """Indices of each topic's texts with the highest weight on it; -1 pads small topics.

    Ties go to the earlier text. ``topic_summary`` ranks briefings the same way from
    the ``weight`` column of ``assign_topics``.
    """
    n_representatives = settings.value("topic_representatives")
    result = np.full((n_topics, n_representatives), -1, dtype=np.int64)
    ranking = np.lexsort((np.arange(len(weight)), -weight, labels))
    ranked_labels = labels[ranking]
    starts = np.searchsorted(ranked_labels, np.arange(n_topics))
    ends = np.searchsorted(ranked_labels, np.arange(n_topics), side="right")
    for topic in range(n_topics):
        members = ranking[starts[topic] : min(ends[topic], starts[topic] + n_representatives)]
        result[topic, : len(members)] = members
    return result


def dedupe_labels(labels: list[str]) -> list[str]:
    """The labels with a repeated one numbered from its second occurrence: ``"x (2)"``."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result
