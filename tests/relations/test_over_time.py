"""The relations-over-time engine equals the reference implementation it replaced, and equals
its partial counts merged over any split of the briefings, with exact sums of scores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError
from analytics.relations import (
    merge_pair_counts,
    pair_counts,
    pair_periods_from_counts,
    pair_summary,
    relations_from_cells,
    relations_over_time,
    score_interactions,
    spike_alerts,
)
from analytics.tallies import merge_volume_counts, volume_counts


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


# -- relation cells counted in pieces ---------------------------------------------------


def _interactions(rows: list[tuple]) -> pd.DataFrame:
    """(briefing, date, country_a, country_b, score, forward_looking) rows."""
    columns = [S.BRIEFING_ID, S.DATE, S.COUNTRY_A, S.COUNTRY_B, S.SCORE, S.FORWARD_LOOKING]
    table = pd.DataFrame(rows, columns=columns)
    return table.assign(**{S.DATE: pd.to_datetime(table[S.DATE], utc=True)})


# Seven briefings from January to April 2025 (b4 undated) and their interactions.
HAND_BRIEFINGS = pd.DataFrame(
    {
        S.BRIEFING_ID: [f"b{n}" for n in range(1, 8)],
        S.DATE: pd.to_datetime(
            [
                "2025-01-06",
                "2025-01-20",
                "2025-02-03",
                None,
                "2025-03-10",
                "2025-04-07",
                "2025-04-21",
            ],
            utc=True,
        ),
    }
)
HAND_INTERACTIONS = _interactions(
    [
        ("b1", "2025-01-06", "CHN", "USA", 0.1, False),
        ("b1", "2025-01-06", "CHN", "USA", -2.5, False),
        ("b2", "2025-01-20", "CHN", "USA", 0.2, False),
        ("b2", "2025-01-20", "JPN", "USA", 1 / 3, False),
        ("b3", "2025-02-03", "CHN", "USA", 0.3, False),
        ("b3", "2025-02-03", "IRN", "USA", -7.0, True),
        ("b4", None, "IRN", "USA", -1.0, False),  # undated: in no cell
        ("b5", "2025-03-10", "IRN", "USA", -4.0, False),
        ("b5", "2025-03-10", "IRN", "USA", -3.5, False),
        ("b6", "2025-04-07", "CHN", "USA", -0.7, False),
        ("b7", "2025-04-21", "JPN", "USA", 2.0 / 3, False),
        ("b7", "2025-04-21", "CHN", "JPN", 0.1, True),
    ]
)
# Groups of briefings, in table order: each split's parts hold disjoint briefings.
PAIR_SPLITS = {
    "two": [["b1", "b2", "b3"], ["b4", "b5", "b6", "b7"]],
    "three-uneven": [["b1"], ["b2", "b3", "b4", "b5", "b6"], ["b7"]],
    "empty-part": [["b1", "b2"], [], ["b3", "b4", "b5", "b6", "b7"]],
}
PAIR_OPTIONS = {
    "default": {},
    "forward": {"include_forward": True},
    "pairs": {"pairs": [("USA", "CHN"), ("GBR", "USA")]},
    "range": {"start": pd.Timestamp("2025-02-01"), "end": pd.Timestamp("2025-06-30")},
    "min-conflicts": {"min_pair_conflicts": 2},
}
PAIR_CASES = [
    (split, freq, option)
    for split in PAIR_SPLITS
    for freq in ("week", "month", "quarter")
    for option in PAIR_OPTIONS
]


def _split(table: pd.DataFrame, groups: list[list[str]]) -> list[pd.DataFrame]:
    return [table[table[S.BRIEFING_ID].isin(group)].reset_index(drop=True) for group in groups]


@pytest.mark.parametrize(
    ("split", "freq", "option"), PAIR_CASES, ids=["-".join(case) for case in PAIR_CASES]
)
def test_relations_over_time_is_its_merged_counts_finished(split, freq, option) -> None:
    options = PAIR_OPTIONS[option]
    counted = {k: v for k, v in options.items() if k in ("pairs", "include_forward")}
    finishing = {k: v for k, v in options.items() if k != "include_forward"}
    groups = PAIR_SPLITS[split]
    counts = merge_pair_counts(
        [pair_counts(part, freq, **counted) for part in _split(HAND_INTERACTIONS, groups)]
    )
    volume = merge_volume_counts(
        [volume_counts(part, freq) for part in _split(HAND_BRIEFINGS, groups)]
    )
    cells = pair_periods_from_counts(counts, volume, freq, **finishing)
    with settings.override(spike_min_conflicts=1, spike_baseline_periods=2, spike_k=0.5):
        pd.testing.assert_frame_equal(
            relations_from_cells(cells),
            relations_over_time(HAND_INTERACTIONS, HAND_BRIEFINGS, freq, **options),
            check_exact=True,
        )


def test_relation_cells_by_hand() -> None:
    table = relations_over_time(HAND_INTERACTIONS, HAND_BRIEFINGS, "month")
    china = table[(table[S.COUNTRY_A] == "CHN") & (table[S.COUNTRY_B] == "USA")]
    assert china[S.N_INTERACTIONS].tolist() == [3, 1, 0, 1]
    assert china[S.TENSION].tolist() == [2.5, 0.0, 0.0, 0.7]
    assert china[S.ALLIANCE].tolist() == [0.3, 0.3, 0.0, 0.0]
    iran = table[table[S.COUNTRY_A] == "IRN"]
    # The forward-looking and the undated sentence are left out.
    assert iran[S.N_INTERACTIONS].tolist() == [0, 0, 2, 0]
    assert iran[S.TENSION].tolist() == [0.0, 0.0, 7.5, 0.0]
    assert iran[S.NET].tolist()[2] == -3.75


@pytest.mark.parametrize(
    "groups",
    [[[0, 1, 2]], [[0], [1, 2]], [[0, 1], [2]], [[2], [1], [0]], [[2, 1, 0]]],
    ids=["one-go", "first-apart", "last-apart", "reversed-parts", "reversed-rows"],
)
def test_sums_of_scores_are_the_same_in_any_order(groups: list[list[int]]) -> None:
    # Floats added in another order differ in the last bit: the cells must not.
    assert (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3)
    rows = _interactions(
        [
            ("b1", "2025-01-06", "CHN", "USA", 0.1, False),
            ("b2", "2025-01-07", "CHN", "USA", 0.2, False),
            ("b3", "2025-01-08", "CHN", "USA", 0.3, False),
        ]
    )
    briefings = rows[[S.BRIEFING_ID, S.DATE]]
    counts = merge_pair_counts([pair_counts(rows.iloc[group], "month") for group in groups])
    cells = pair_periods_from_counts(counts, volume_counts(briefings, "month"), "month")
    assert cells is not None
    assert counts[S.ALLIANCE_UNITS].tolist() == [600_000]
    assert cells.alliance.tolist() == [[0.6]]
    assert cells.score_sum.tolist() == [[0.6]]
    assert cells.net().tolist() == [[0.6 / 3]]
    one_go = relations_over_time(rows.iloc[[2, 0, 1]], briefings, "month")
    assert one_go[S.ALLIANCE].tolist() == [0.6]


def test_cells_of_counts_order_their_pairs_by_code_whatever_their_order_there() -> None:
    # Pairs met in any order come out sorted by (country_a, country_b), wanted pairs
    # without interactions included, as the single sorted vocabulary orders them.
    rows = _interactions(
        [
            ("b1", "2025-01-06", "USA", "ZAF", -2.0, False),
            ("b2", "2025-01-07", "CHN", "USA", 1.0, False),
            ("b3", "2025-02-08", "BRA", "CHN", 3.0, False),
            ("b4", "2025-02-09", "CHN", "USA", -1.0, False),
        ]
    )
    briefings = rows[[S.BRIEFING_ID, S.DATE]]
    counts = pair_counts(rows, "month").iloc[::-1].reset_index(drop=True)
    volume = volume_counts(briefings, "month")
    cells = pair_periods_from_counts(counts, volume, "month")
    assert cells is not None
    pairs = list(zip(cells.country_a, cells.country_b, strict=True))
    assert pairs == [("BRA", "CHN"), ("CHN", "USA"), ("USA", "ZAF")]
    assert cells.n_interactions.tolist() == [[0, 1], [1, 1], [1, 0]]
    assert cells.tension.tolist() == [[0, 0], [0, 1.0], [2.0, 0]]
    wanted = pair_periods_from_counts(
        counts, volume, "month", pairs=[("ZAF", "AFG"), ("USA", "CHN")]
    )
    assert wanted is not None
    pairs = list(zip(wanted.country_a, wanted.country_b, strict=True))
    assert pairs == [("AFG", "ZAF"), ("CHN", "USA")]
    assert wanted.n_interactions.tolist() == [[0, 0], [1, 1]]
    broken = counts.astype({S.COUNTRY_B: object})
    broken.loc[0, S.COUNTRY_B] = None
    with pytest.raises(InputError, match="every pair must name two countries"):
        pair_periods_from_counts(broken, volume, "month")
