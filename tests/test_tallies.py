"""The rules over time counted in pieces: for any split of the briefings, finishing the merged
partial counts gives exactly what the rule gives on the whole tables (``analytics.tallies``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics import schema as S
from analytics import tallies
from analytics.errors import InputError
from analytics.tallies import (
    attention_counts,
    attention_from_counts,
    briefing_volume,
    country_attention,
    dense_codes,
    merge_attention_counts,
    merge_partial_counts,
    merge_topic_counts,
    merge_volume_counts,
    spans,
    topic_counts,
    topic_shares,
    topic_shares_from_counts,
    volume_counts,
    volume_from_counts,
)

# Nine briefings from January to April 2025 (b5 undated); b3 names the United States twice,
# and the first row naming it spells it "United States", later ones "USA".
BRIEFINGS = pd.DataFrame(
    {
        S.BRIEFING_ID: [f"b{n}" for n in range(1, 10)],
        S.DATE: pd.to_datetime(
            [
                "2025-01-02",
                "2025-01-20",
                "2025-01-21",
                "2025-02-10",
                None,
                "2025-03-03",
                "2025-03-31",
                "2025-04-14",
                "2025-04-15",
            ],
            utc=True,
        ),
    }
)
_DATE_OF = dict(zip(BRIEFINGS[S.BRIEFING_ID], BRIEFINGS[S.DATE], strict=True))


def _rows(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    """A per-briefing table: each row its briefing, then ``columns``, dated as its briefing."""
    table = pd.DataFrame(rows, columns=[S.BRIEFING_ID, *columns])
    table.insert(1, S.DATE, table[S.BRIEFING_ID].map(_DATE_OF))
    return table


COUNTRIES = _rows(
    [S.ISO3, S.COUNTRY],
    [
        ("b1", "USA", "United States"),
        ("b1", "CHN", "China"),
        ("b2", "CHN", "China"),
        ("b3", "USA", "USA"),
        ("b3", "USA", "USA"),
        ("b4", "FRA", "France"),
        ("b5", "DEU", "Germany"),  # undated: named, in no period
        ("b6", "USA", "USA"),
        ("b7", "CHN", "PRC"),
        ("b9", "USA", "USA"),
        ("b9", None, None),
    ],
)

# Topic 2 is labelled "trade" on its first row, "tariffs" later; 5 and 6 are small.
TOPICS = _rows(
    [S.TOPIC_ID, S.TOPIC_LABEL, S.WEIGHT],
    [
        ("b1", 2, "trade", 0.9),
        ("b2", 1, "war", 0.8),
        ("b3", 2, "tariffs", 0.7),
        ("b4", 5, "climate", 0.6),
        ("b5", 1, "war", 0.5),
        ("b6", 6, "health", 0.4),
        ("b7", 2, "tariffs", 0.9),
        ("b8", 1, "war", 0.8),
        ("b9", 5, "climate", 0.7),
    ],
)

# Groups of briefings, in table order: each split's parts hold disjoint briefings.
SPLITS = {
    "two": [["b1", "b2", "b3", "b4"], ["b5", "b6", "b7", "b8", "b9"]],
    "three-uneven": [["b1"], ["b2", "b3", "b4", "b5", "b6", "b7"], ["b8", "b9"]],
    "empty-part": [["b1", "b2", "b3"], [], ["b4", "b5", "b6", "b7", "b8", "b9"]],
    "one": [[f"b{n}" for n in range(1, 10)]],
}
FREQS = ("week", "month", "quarter")
CASES = [(split, freq) for split in SPLITS for freq in FREQS]
IDS = [f"{split}-{freq}" for split, freq in CASES]


def parts_of(table: pd.DataFrame, split: str) -> list[pd.DataFrame]:
    """``table`` cut into the split's parts (a part's rows: those of its briefings)."""
    return [
        table[table[S.BRIEFING_ID].isin(group)].reset_index(drop=True) for group in SPLITS[split]
    ]


def test_the_splits_hold_each_table_in_order() -> None:
    for split in SPLITS:
        for table in (BRIEFINGS, COUNTRIES, TOPICS):
            joined = pd.concat(parts_of(table, split), ignore_index=True)
            pd.testing.assert_frame_equal(joined, table)


@pytest.mark.parametrize(("split", "freq"), CASES, ids=IDS)
def test_briefing_volume_is_its_merged_counts_finished(split: str, freq: str) -> None:
    merged = merge_volume_counts([volume_counts(p, freq) for p in parts_of(BRIEFINGS, split)])
    pd.testing.assert_frame_equal(
        volume_from_counts(merged, freq), briefing_volume(BRIEFINGS, freq), check_exact=True
    )


def test_briefing_volume_counts_per_month_by_hand() -> None:
    volume = briefing_volume(BRIEFINGS, "month")
    assert volume[S.N_BRIEFINGS].tolist() == [3, 1, 2, 2]  # b5 is undated
    counts = volume_counts(BRIEFINGS.iloc[[0, 7]], "month")  # January and April only
    assert counts[S.N_BRIEFINGS].tolist() == [1, 1]  # sparse: no row for February, March


@pytest.mark.parametrize("iso3s", [None, ["USA", "DEU", "ATA"]], ids=["all", "some"])
@pytest.mark.parametrize(("split", "freq"), CASES, ids=IDS)
def test_country_attention_is_its_merged_counts_finished(split, freq, iso3s) -> None:
    named = iso3s or sorted(COUNTRIES[S.ISO3].dropna().unique())
    counts = merge_attention_counts(
        [attention_counts(p, freq, iso3s=iso3s) for p in parts_of(COUNTRIES, split)]
    )
    volume = merge_volume_counts([volume_counts(p, freq) for p in parts_of(BRIEFINGS, split)])
    pd.testing.assert_frame_equal(
        attention_from_counts(counts, volume, named, freq),
        country_attention(COUNTRIES, BRIEFINGS, named, freq),
        check_exact=True,
    )


def test_country_attention_by_hand() -> None:
    table = country_attention(COUNTRIES, BRIEFINGS, ["USA", "DEU"], "month")
    usa = table[table[S.ISO3] == "USA"]
    # b3 names it twice: one briefing; the name is that of its first row.
    assert usa["n_briefings"].tolist() == [2, 0, 1, 1]
    assert set(usa[S.COUNTRY]) == {"United States"}
    # Germany is named only in an undated briefing: listed, never counted.
    assert table[table[S.ISO3] == "DEU"]["n_briefings"].tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("limit", [2, 8], ids=["limit-2", "limit-8"])
@pytest.mark.parametrize(("split", "freq"), CASES, ids=IDS)
def test_topic_shares_is_its_merged_counts_finished(split, freq, limit) -> None:
    counts = merge_topic_counts([topic_counts(p, freq) for p in parts_of(TOPICS, split)])
    pd.testing.assert_frame_equal(
        topic_shares_from_counts(counts, freq, limit),
        topic_shares(TOPICS, freq, limit),
        check_exact=True,
    )


def test_topic_shares_by_hand() -> None:
    table = topic_shares(TOPICS, "quarter", limit=2)
    # Sizes: topic 1 three briefings (one undated), topic 2 three: both kept, lower id first.
    # Each group's first quarter, then its second; b5 (topic 1) is undated.
    assert table[S.TOPIC_ID].tolist() == [1, 1, 2, 2, -1, -1]
    assert table[S.TOPIC_LABEL].tolist()[::2] == ["war", "trade", "other topics"]
    assert table["n_briefings"].tolist() == [1, 1, 3, 0, 2, 1]


def test_merging_is_associative_and_keeps_the_first_name() -> None:
    first, second, third = (
        attention_counts(p, "month") for p in parts_of(COUNTRIES, "three-uneven")
    )
    # A later part that names the United States otherwise.
    later = attention_counts(
        COUNTRIES.iloc[[0]].assign(**{S.BRIEFING_ID: "b10", S.COUNTRY: "U.S."}), "month"
    )
    together = merge_attention_counts([first, second, third, later])
    for grouped in (
        [merge_attention_counts([first, second]), merge_attention_counts([third, later])],
        [first, merge_attention_counts([second, third, later])],
        [merge_attention_counts([first, second, third]), later],
    ):
        pd.testing.assert_frame_equal(merge_attention_counts(grouped), together, check_exact=True)
    names = together.drop_duplicates(S.ISO3).set_index(S.ISO3)[S.COUNTRY]
    assert names["USA"] == "United States"  # the first part's, not the later "U.S."
    assert names["CHN"] == "China"
    usa_january = together[(together[S.ISO3] == "USA") & (together[S.PERIOD] == "2025-01-01")]
    assert usa_january["n_briefings"].tolist() == [3]  # b1, b3 and b10


def test_merging_no_counts_is_refused() -> None:
    with pytest.raises(InputError, match="merging counts needs at least one part; got none"):
        merge_partial_counts([], [S.PERIOD], [S.N_BRIEFINGS])


@pytest.mark.parametrize(
    ("values", "expected"),
    [([5, 1, 5, 3, 1], [1, 3, 5]), ([], []), ([-1, 7, -1], [-1, 7])],
    ids=["repeats", "empty", "negative"],
)
def test_sorted_distinct_is_numpys_unique(values: list[int], expected: list[int]) -> None:
    found = tallies.sorted_distinct(np.array(values, dtype=np.int64))
    assert found.tolist() == expected == np.unique(np.array(values, dtype=np.int64)).tolist()


def test_dense_codes_number_keys_as_a_sort_would() -> None:
    keys = np.array([7, 2, 7, 0, 2])
    distinct, codes = dense_codes(keys, 8)  # a small space: marked in a table
    assert distinct.tolist() == [0, 2, 7]
    assert codes.tolist() == [2, 1, 2, 0, 1]
    distinct, codes = dense_codes(keys, 10**9)  # a vast space: sorted
    assert distinct.tolist() == [0, 2, 7]
    assert codes.tolist() == [2, 1, 2, 0, 1]
    distinct, codes = dense_codes(np.zeros(0, dtype=np.int64), 5)
    assert distinct.tolist() == [] and codes.tolist() == []


@given(st.lists(st.integers(0, 300), max_size=60), st.integers(0, 2))
def test_dense_codes_agree_with_numpy_unique(values: list[int], wider: int) -> None:
    keys = np.array(values, dtype=np.int64)
    space = 301 * 10 ** (wider * 4)  # from a table of the space to a sort
    expected, inverse = np.unique(keys, return_inverse=True)
    distinct, codes = dense_codes(keys, space)
    assert distinct.tolist() == expected.tolist()
    assert codes.tolist() == inverse.reshape(-1).tolist()


def test_country_attention_has_no_share_in_a_month_without_briefings() -> None:
    # b1 (January) and b8, b9 (April) only: February and March have no briefing to take
    # a share of. The United States is named in b1 and b9.
    kept = ["b1", "b8", "b9"]
    table = country_attention(
        COUNTRIES[COUNTRIES[S.BRIEFING_ID].isin(kept)],
        BRIEFINGS[BRIEFINGS[S.BRIEFING_ID].isin(kept)],
        ["USA"],
        "month",
    )
    assert table[S.PERIOD].dt.month.tolist() == [1, 2, 3, 4]
    assert table[S.N_BRIEFINGS].tolist() == [1, 0, 0, 1]
    shares = table["share"].tolist()
    assert shares[0] == 1.0 and shares[3] == 0.5
    assert table["share"].isna().tolist() == [False, True, True, False]


def test_spans_gathers_each_run_in_order():
    # Runs 5..6, none at 2, 0..2: seven, two lengths of them empty.
    got = spans(np.array([5, 2, 0, 9]), np.array([2, 0, 3, 0]))
    assert got.tolist() == [5, 6, 0, 1, 2]
    assert got.dtype == np.int64
    assert spans(np.array([3]), np.array([2]), np.int32).dtype == np.int32
    assert spans(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []


def test_topics_of_one_label_are_one_row_of_the_matrix() -> None:
    # Topics 4 and 9 share the label "trade": their briefings are added; labels keep the
    # order of their first topic, countries the order given.
    from analytics.tallies import matrix_from_cells, topic_country_cells

    counts = pd.DataFrame(
        {
            S.TOPIC_ID: [4, 4, 7, 9, 9, 2],
            S.ISO3: ["USA", "CHN", "USA", "USA", "JPN", "USA"],
            "n_briefings": [3, 1, 5, 2, 4, 8],
        }
    )
    top = pd.DataFrame({S.ISO3: ["USA", "CHN"], S.COUNTRY: ["United States", "China"]})
    labels = {4: "trade", 7: "war", 9: "trade", 2: "sport"}
    cells = topic_country_cells(counts, top, [7, 4, 9], labels)
    assert cells[S.TOPIC_ID].tolist() == [7, 7, 4, 4, 9, 9]
    assert cells["n_briefings"].tolist() == [5, 0, 3, 1, 2, 0]  # JPN and topic 2 not shown
    matrix = matrix_from_cells(cells)
    assert matrix[S.TOPIC_LABEL].tolist() == ["war", "war", "trade", "trade"]
    assert matrix[S.ISO3].tolist() == ["USA", "CHN", "USA", "CHN"]
    assert matrix["n_briefings"].tolist() == [5, 0, 5, 1]
    assert matrix_from_cells(cells.iloc[:0]).empty
