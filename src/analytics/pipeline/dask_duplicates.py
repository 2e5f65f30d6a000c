"""Exact and near-duplicate detection as tasks on a Dask cluster.

Imported by ``analytics.pipeline.dask_engine`` only (needs the ``dask`` extra). The steps
are those of ``analytics.ingest.duplicates``, which ``find_duplicates`` runs in one
process, here run where the data is:

1. the sorted texts are cut into consecutive partitions; each partition's keys
   (fingerprints, LSH band keys, shingles: ``text_keys``) are made by a task and stay on
   its worker;
2. fingerprints are shuffled by key: each partition's task cuts them into hash buckets
   (``split_by_bucket``), and one task per bucket groups what every partition sent it
   (``exact_matches``): equal fingerprints always meet in one bucket;
3. the band keys of the texts that are not exact duplicates are shuffled the same way,
   and one task per bucket pairs the texts sharing a key (``candidate_pairs``);
4. the candidate pairs (two positions each) come back to the driver, which sends each
   partition's pairs, with the shingle sets of the earlier texts they name (cut out of
   their partitions' keys by tasks, ``shingle_sets``), to one verification task
   (``earliest_near``: exact Jaccard, the earliest match kept);
5. the driver puts the results together with ``duplicate_table``.

Every grouping sees every member of its keys, so the result is ``find_duplicates``'s,
whatever the number of partitions. The shuffle has a task per partition and bucket
(``operator.getitem`` on a partition's buckets): fine for the tens to hundreds of
partitions of an ingest.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import getitem
from typing import Any

import numpy as np
import pandas as pd

from analytics.ingest import (
    N_BANDS,
    BandMembers,
    CandidatePairs,
    DuplicateParameters,
    ExactMatches,
    NearMatches,
    ShingleSets,
    TextKeys,
    band_members,
    candidate_pairs,
    duplicate_parameters,
    duplicate_table,
    earliest_near,
    exact_matches,
    merge_exact,
    merge_near,
    merge_pairs,
    shingle_sets,
    split_by_bucket,
    text_keys,
)
from analytics.pipeline.engines import partition_bounds

# What submits a task: ``(function, *arguments) -> Future`` (the engine's ``_submit``).
Submit = Callable[..., Any]
Pieces = list[tuple[np.ndarray, np.ndarray]]


def _partition_keys(texts: pd.Series, offset: int, parameters: DuplicateParameters) -> TextKeys:
    return text_keys(texts, offset, parameters)


def _fingerprint_buckets(keys: TextKeys, n_buckets: int) -> Pieces:
    positions = np.arange(len(keys.fingerprints), dtype=np.int64) + keys.offset
    return split_by_bucket(keys.fingerprints, positions, n_buckets)


def _exact_in_bucket(*pieces: tuple[np.ndarray, np.ndarray]) -> ExactMatches:
    fingerprints = np.concatenate([piece[0] for piece in pieces])
    positions = np.concatenate([piece[1] for piece in pieces])
    return exact_matches(positions, fingerprints)


def _band_buckets(keys: TextKeys, exact_duplicates: np.ndarray, n_buckets: int) -> Pieces:
    members = band_members(keys, exact_duplicates)
    return split_by_bucket(members.keys, members.positions, n_buckets)


def _pairs_in_bucket(*pieces: tuple[np.ndarray, np.ndarray]) -> CandidatePairs:
    keys = np.concatenate([piece[0] for piece in pieces])
    positions = np.concatenate([piece[1] for piece in pieces])
    return candidate_pairs(BandMembers(keys, positions))


def _verify(pairs: CandidatePairs, threshold: float, *sets: ShingleSets) -> NearMatches:
    return earliest_near(sets, pairs, threshold)


def _without_shingles(keys: TextKeys) -> TextKeys:
    return keys._replace(shingles=np.empty(0, dtype=np.uint64))


def find_duplicates_as_tasks(
    gather: Callable[[Any], Any],
    submit: Submit,
    texts: pd.Series,
    n_partitions: int,
    *,
    threshold: float | None = None,
    random_state: int | None = None,
    with_keys: bool = False,
) -> pd.DataFrame:
    """``find_duplicates(texts, ...)``, its steps run as tasks in ``n_partitions`` partitions.

    Parameters:
        gather: the client's ``gather`` (futures to results).
        submit: submits one task, ``submit(function, *arguments)``.
        texts: the texts, in precedence order (sorted by date, then id).
        n_partitions: partitions the texts are cut into (and hash buckets of each shuffle).
        threshold: the near-duplicate Jaccard threshold; default the setting.
        random_state: seed of the shingle hashes; default the setting.
        with_keys: also return the fingerprint and band key columns.

    Returns:
        The ``find_duplicates`` table, equal to the one-process result.

    Raises:
        InputError: when a parameter is out of range or a partition has too many texts.
    """
    parameters = duplicate_parameters(threshold, None, N_BANDS, random_state)
    bounds = partition_bounds(len(texts), n_partitions)
    ranges = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    n_buckets = len(ranges)
    keyed = [
        submit(_partition_keys, texts.iloc[start:stop], start, parameters) for start, stop in ranges
    ]

    def shuffled(splits: list[Any], reduce: Callable[..., Any]) -> list[Any]:
        """One ``reduce`` task per bucket over that bucket's piece of every split."""
        return [
            submit(reduce, *[submit(getitem, split, bucket) for split in splits])
            for bucket in range(n_buckets)
        ]

    fingerprint_splits = [submit(_fingerprint_buckets, keys, n_buckets) for keys in keyed]
    exact = merge_exact(gather(shuffled(fingerprint_splits, _exact_in_bucket)))
    band_splits = [
        submit(
            _band_buckets,
            keys,
            exact.duplicates[(exact.duplicates >= start) & (exact.duplicates < stop)],
            n_buckets,
        )
        for keys, (start, stop) in zip(keyed, ranges, strict=True)
    ]
    pairs = merge_pairs(gather(shuffled(band_splits, _pairs_in_bucket)))
    verified = []
    for start, stop in ranges:
        mine = (pairs.right >= start) & (pairs.right < stop)
        if not mine.any():
            continue
        own = CandidatePairs(pairs.left[mine], pairs.right[mine])
        needed = np.union1d(own.left, own.right)
        owners = np.searchsorted(bounds, needed, side="right") - 1
        sets = [
            submit(shingle_sets, keyed[owner], needed[owners == owner])
            for owner in np.unique(owners).tolist()
        ]
        verified.append(submit(_verify, own, parameters.threshold, *sets))
    near = merge_near(gather(verified))
    parts = gather([submit(_without_shingles, keys) for keys in keyed])
    every = TextKeys(
        0,
        np.concatenate([part.fingerprints for part in parts]),
        np.concatenate([part.band_keys for part in parts]),
        np.concatenate([part.has_shingles for part in parts]),
        np.empty(0, dtype=np.uint64),
    )
    return duplicate_table(texts.index, every, exact, near, with_keys=with_keys)
