"""The relations-over-time engine equals the reference implementation it replaced."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics import settings
from analytics.relations import (
    pair_summary,
    relations_over_time,
    score_interactions,
    spike_alerts,
)


@pytest.fixture(scope="module")
def sample(project_root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analytics.countries.mentions import extract_mentions
    from analytics.ingest import load_corpus_with_report

    briefings = load_corpus_with_report([project_root / "data" / "sample"]).briefings
    return score_interactions(briefings, extract_mentions(briefings)), briefings


@pytest.mark.parametrize(
    ("freq", "options"),
    [
        ("week", {}),
        ("month", {}),
        ("quarter", {}),
        ("month", {"include_forward": True}),
        ("month", {"pairs": [("USA", "CHN"), ("GBR", "ZZZ")]}),
        ("week", {"start": pd.Timestamp("2000-01-01")}),
    ],
    ids=["week", "month", "quarter", "forward", "pairs", "wider"],
)
def test_relations_over_time_equals_the_reference(sample, freq, options) -> None:
    from over_time_reference import reference_relations_over_time

    interactions, briefings = sample
    got = relations_over_time(interactions, briefings, freq, **options)
    expected = reference_relations_over_time(interactions, briefings, freq, **options)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected)


def test_pair_summary_equals_the_reference(sample) -> None:
    from over_time_reference import reference_pair_summary

    interactions, _ = sample
    for include_forward in (False, True):
        pd.testing.assert_frame_equal(
            pair_summary(interactions, include_forward=include_forward),
            reference_pair_summary(interactions, include_forward=include_forward),
        )


def test_spike_alerts_are_the_spikes_of_relations_over_time(sample) -> None:
    interactions, briefings = sample
    with settings.override(spike_k=0.5, spike_min_conflicts=1):
        alerts = spike_alerts(interactions, briefings, "week")
        table = relations_over_time(interactions, briefings, "week")
    flagged = table[table[S.SPIKE]].sort_values(
        [S.PERIOD, S.TENSION], ascending=[False, False], kind="stable"
    )
    assert len(alerts) > 0
    pd.testing.assert_frame_equal(
        alerts.reset_index(drop=True), flagged[list(alerts.columns)].reset_index(drop=True)
    )


def test_spike_defaults_are_the_settings(sample) -> None:
    interactions, briefings = sample
    default = relations_over_time(interactions, briefings, "week")
    explicit = relations_over_time(
        interactions, briefings, "week", min_conflicts=3, baseline_periods=6, spike_k=2.0
    )
    pd.testing.assert_frame_equal(default, explicit)
    with settings.override(spike_min_conflicts=10**6):
        assert not relations_over_time(interactions, briefings, "week")[S.SPIKE].any()
