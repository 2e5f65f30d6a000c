"""The plan of duplicate-detection tasks, run in this process: same table as one run.

``find_duplicates_as_tasks`` takes the functions that submit and gather tasks; here they
call the task at once, so every cut of the texts into partitions and buckets is checked
without a cluster (``cluster_checks.py`` runs the same plan on one).
"""

from __future__ import annotations

import operator
from functools import partial

import numpy as np
import pandas as pd
import pytest
from planted_duplicates import EXPECTED_EXACT, EXPECTED_NEAR, planted_briefings, planted_texts

from analytics import schema as S
from analytics.ingest import find_duplicates, mark_duplicates
from analytics.ingest.duplicates import BAND_COLUMNS, EXACT_OF, FINGERPRINT, JACCARD, NEAR_OF
from analytics.pipeline.dask_duplicates import find_duplicates_as_tasks


class _Calls:
    """Submit and gather that run each task at once, counting the tasks by function."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def submit(self, function, *arguments):
        name = getattr(function, "__name__", repr(function))
        self.counts[name] = self.counts.get(name, 0) + 1
        return function(*arguments)

    @staticmethod
    def gather(results):
        return results


@pytest.mark.parametrize("n_partitions", [1, 2, 3, 4, 7, 12, 40])
def test_tasks_give_the_one_process_table_for_any_partitioning(n_partitions):
    texts = planted_texts()
    calls = _Calls()
    found = find_duplicates_as_tasks(
        calls.gather, calls.submit, texts, n_partitions, with_keys=True
    )
    pd.testing.assert_frame_equal(found, find_duplicates(texts, with_keys=True), check_exact=True)
    assert found[EXACT_OF].tolist() == EXPECTED_EXACT
    assert found[NEAR_OF].tolist() == [near for near, _ in EXPECTED_NEAR]
    jaccard = [value for _, value in EXPECTED_NEAR]
    assert found[JACCARD].fillna(-1).tolist() == pytest.approx(
        [-1 if value is None else value for value in jaccard]
    )
    assert (found.loc[found[EXACT_OF].notna(), list(BAND_COLUMNS)] == 0).all(axis=None)
    n_parts = min(n_partitions, len(texts))
    assert calls.counts["_partition_keys"] == n_parts
    # Two shuffles: a piece of every partition for every bucket.
    assert calls.counts["getitem"] == 2 * n_parts * n_parts


def test_tasks_send_each_bucket_only_its_keys():
    texts = planted_texts()
    sent: list[np.ndarray] = []

    def submit(function, *arguments):
        if function is operator.getitem:
            values, _ = function(*arguments)
            sent.append(values % np.uint64(3) == arguments[1])
        return function(*arguments)

    find_duplicates_as_tasks(list, submit, texts, 3)
    assert len(sent) == 2 * 3 * 3 and all(inside.all() for inside in sent)


def test_tasks_keep_the_earliest_by_date_and_id_in_mark_duplicates(tmp_path):
    briefings, report = planted_briefings(tmp_path)
    local = mark_duplicates(briefings, report)
    for n_partitions in (2, 4):
        calls = _Calls()
        finder = partial(
            find_duplicates_as_tasks, calls.gather, calls.submit, n_partitions=n_partitions
        )
        marked = mark_duplicates(briefings, report, finder=finder)
        pd.testing.assert_frame_equal(marked.briefings, local.briefings)
        pd.testing.assert_frame_equal(marked.report, local.report)
        pd.testing.assert_frame_equal(marked.keys, local.keys)
    reasons = sorted(local.report.loc[local.report[S.STATUS] == S.DUPLICATE, S.REASON])
    # Same day: "a-1" precedes "b-1" by id; an earlier day wins over a smaller id.
    assert reasons == [
        "exact duplicate of a-1 (input id b-1)",
        "exact duplicate of y-first (input id x-second)",
    ]
    duplicate_of = dict(
        zip(local.briefings[S.BRIEFING_ID], local.briefings[S.DUPLICATE_OF], strict=True)
    )
    assert {key: value for key, value in duplicate_of.items() if isinstance(value, str)} == {
        "c-near": "a-1",
        "z-near": "a-1",  # same day as c-near, a later id: still the earliest, a-1
        "t-near": "t-1",
    }
    assert len(local.briefings) == 12
    assert FINGERPRINT in local.keys
