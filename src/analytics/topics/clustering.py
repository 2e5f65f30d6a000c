"""Clustering of unit-length text vectors into prototypes and topics.

Spherical k-means (cosine) makes many small prototypes; average-linkage agglomeration
merges them into topics; topics below a size are absorbed into their most similar one;
the number of topics is the one whose partition is most reproducible across subsamples
(adjusted Rand index); topics are numbered canonically (size, then smallest member hash).
Pure NumPy/SciPy on arrays: nothing here knows about texts or the estimator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import cut_tree, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import kmeans_plusplus

from analytics import settings


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` with every non-zero row scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def topic_range(min_topics: int, max_topics: int, n_distinct: int) -> tuple[int, int]:
    """The searched range of numbers of topics, clamped for small corpora.

    The upper bound is the smallest of ``max_topics``, ``floor(1.5 * sqrt(n))`` (the
    ``topics_per_sqrt_text`` setting) and ``n // 3`` (``n`` distinct texts): 160
    briefings get at most 18 topics, a dashboard can still read them, while 2,845 texts
    or more keep the default 80. The lower bound never exceeds the upper one.
    """
    by_sqrt = int(settings.value("topics_per_sqrt_text") * math.sqrt(n_distinct))
    high = max(1, min(max_topics, by_sqrt, n_distinct // 3))
    return min(min_topics, high), high


def absorb_small_topics(
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


def choose_n_topics(
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
    # Each run sees a fraction of the texts, at most topic_stability_sample of them: enough to
    # judge reproducibility, and a 100,000-briefing corpus is not clustered three times.
    most = settings.value("topic_stability_sample")
    size = min(n_docs, max(candidates[-1] + 1, min(round(fraction * n_docs), most)))
    runs = []
    first_prototypes = None
    for _ in range(n_runs):
        sample = np.sort(rng.choice(n_docs, size=size, replace=False))
        n_clusters = max(candidates[-1], min(n_prototypes, size // 2))
        prototypes, _ = spherical_kmeans(vectors[sample], n_clusters, seed=rng.randint(2**31 - 1))
        if first_prototypes is None:
            first_prototypes = prototypes
        nearest = np.argmax(vectors @ prototypes.T, axis=1)
        cuts = merge_prototypes(prototypes, candidates)
        if min_size > 1:
            # Compare the topics a user would see: small clusters absorbed.
            similarity = prototypes @ prototypes.T
            cuts = np.column_stack(
                [
                    absorb_small_topics(prototypes, cuts[:, j], nearest, min_size, similarity)
                    for j in range(cuts.shape[1])
                ]
            )
        # int32 halves the memory of the runs (texts x candidates each).
        runs.append(cuts.astype(np.int32)[nearest])
    scores: dict[int, float] = {}
    for column, k in enumerate(candidates):
        agreement = [
            adjusted_rand_index(runs[i][:, column], runs[j][:, column])
            for i in range(n_runs)
            for j in range(i + 1, n_runs)
        ]
        scores[int(k)] = round(float(np.mean(agreement)), 6)
    best = max(scores, key=lambda k: (scores[k], k))
    return best, scores, None if first_prototypes is None else (first_prototypes, size)


def adjusted_rand_index(first: np.ndarray, second: np.ndarray) -> float:
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


def merge_prototypes(prototypes: np.ndarray, n_clusters: Sequence[int]) -> np.ndarray:
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


def spherical_kmeans(
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
    sample_size = max(settings.value("topic_kmeans_sample"), n_clusters)
    if n_docs > sample_size:
        # Seeding and iterating cost O(texts x clusters) each: on a large corpus the
        # centres are learnt on a seeded sample, then one pass over every text moves
        # each centre to the mean of all the texts nearest to it. Corpora up to
        # topic_kmeans_sample texts are clustered on every text.
        chosen = np.random.RandomState(seed).choice(n_docs, size=sample_size, replace=False)
        centres, _ = spherical_kmeans(
            vectors[np.sort(chosen)], n_clusters, seed=seed, max_iter=max_iter
        )
        return refine_centres(vectors, centres)
    centres, _ = kmeans_plusplus(vectors, n_clusters, random_state=seed)
    centres = unit_rows(centres)
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
        centres = unit_rows(sums)
    return centres, np.argmax(vectors @ centres.T, axis=1)


def refine_centres(vectors: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    centres = unit_rows(sums)
    return centres, np.argmax(vectors @ centres.T, axis=1)


def _membership(assigned: np.ndarray, n_clusters: int) -> sp.csr_matrix:
    n_docs = len(assigned)
    return sp.csr_matrix(
        (np.ones(n_docs), (assigned, np.arange(n_docs))), shape=(n_clusters, n_docs)
    )


def topic_centroids(vectors: np.ndarray, assigned: np.ndarray, n_topics: int) -> np.ndarray:
    """Unit-length mean vector of each topic's texts (``assigned``: topic of every text)."""
    return unit_rows(np.asarray(_membership(assigned, n_topics) @ vectors))


def canonical_numbering(
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
