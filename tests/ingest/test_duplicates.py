"""Tests of analytics.ingest.duplicates: exact duplicates and shingle-based near-duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import settings
from analytics.errors import InputError
from analytics.ingest.duplicates import (
    BAND_COLUMNS,
    EXACT,
    EXACT_OF,
    FINGERPRINT,
    JACCARD,
    NEAR_OF,
    NEW_POSITION,
    OLD_POSITION,
    BandMembers,
    CandidatePairs,
    ExactMatches,
    NearMatches,
    band_members,
    candidate_pairs,
    duplicate_parameters,
    earliest_near,
    exact_matches,
    find_duplicates,
    match_added,
    merge_exact,
    merge_near,
    merge_pairs,
    normalise_text,
    shingle_sets,
    split_by_bucket,
    text_keys,
)

# 24 distinct words: 20 word 5-grams.
WORDS = [f"w{number}" for number in range(1, 25)]
BASE = " ".join(WORDS)


def replaced(position: int, word: str = "changed") -> str:
    words = list(WORDS)
    words[position] = word
    return " ".join(words)


def test_normalise_text_lowercases_and_collapses_whitespace():
    assert normalise_text("  Hello\t\tWORLD\n\nagain ") == "hello world again"


def test_find_duplicates_exact_ignores_case_and_spacing():
    texts = pd.Series(
        ["Alpha beta gamma", "other words", "ALPHA  beta\ngamma "], index=[10, 11, 12]
    )
    found = find_duplicates(texts)
    assert found.index.tolist() == [10, 11, 12]
    assert found[EXACT_OF].tolist() == [pd.NA, pd.NA, 0]
    assert found[NEAR_OF].isna().all()


@pytest.mark.parametrize(
    ("other", "expected_near", "expected_jaccard"),
    [
        # Last word changed: 1 of 20 shingles differs -> 19 / 21.
        (replaced(23), 0, 19 / 21),
        # First word changed: same count -> 19 / 21.
        (replaced(0), 0, 19 / 21),
        # Third word changed: 3 shingles differ -> 17 / 23, below 0.8.
        (replaced(2), None, None),
        # Middle word changed: 5 shingles differ -> 15 / 25.
        (replaced(12), None, None),
        # One word appended: 20 shared, 21 in all.
        (BASE + " w25", 0, 20 / 21),
    ],
    ids=["last-word", "first-word", "third-word", "middle-word", "appended-word"],
)
def test_find_duplicates_near_uses_jaccard_of_word_5_grams(other, expected_near, expected_jaccard):
    found = find_duplicates(pd.Series([BASE, other]))
    near = found[NEAR_OF].iloc[1]
    if expected_near is None:
        assert pd.isna(near)
    else:
        assert near == expected_near
        assert found[JACCARD].iloc[1] == pytest.approx(expected_jaccard)
    assert pd.isna(found[NEAR_OF].iloc[0])


def test_find_duplicates_threshold_is_respected():
    texts = pd.Series([BASE, replaced(2)])  # Jaccard 17 / 23 = 0.739
    assert pd.isna(find_duplicates(texts)[NEAR_OF].iloc[1])
    assert find_duplicates(texts, threshold=0.7)[NEAR_OF].iloc[1] == 0


def test_find_duplicates_defaults_come_from_the_settings():
    texts = pd.Series([BASE, replaced(2)])  # Jaccard 17 / 23 = 0.739
    with settings.override(near_duplicate_threshold=0.7):
        assert find_duplicates(texts)[NEAR_OF].iloc[1] == 0
    with settings.override(duplicate_shingle_size=len(BASE.split()) + 1):
        assert pd.isna(find_duplicates(texts, threshold=0.1)[NEAR_OF].iloc[1])
    with settings.override(near_duplicate_threshold=1.5):
        with pytest.raises(InputError, match=r"threshold must be in \(0, 1\], got 1\.5"):
            find_duplicates(texts)


def test_find_duplicates_points_at_earliest_match():
    texts = pd.Series([BASE, replaced(23), replaced(23, "again")])
    found = find_duplicates(texts)
    assert found[NEAR_OF].tolist() == [pd.NA, 0, 0]


def test_find_duplicates_exact_duplicates_are_not_also_near():
    found = find_duplicates(pd.Series([BASE, BASE.upper(), replaced(23)]))
    assert found[EXACT_OF].tolist() == [pd.NA, 0, pd.NA]
    assert found[NEAR_OF].tolist() == [pd.NA, pd.NA, 0]


@pytest.mark.parametrize(
    "texts",
    [
        ["one two", "one two three", "", None],
        ["", ""],
        [],
    ],
    ids=["short-texts", "empty-texts", "no-texts"],
)
def test_find_duplicates_short_or_empty_texts_are_never_near(texts):
    found = find_duplicates(pd.Series(texts, dtype=object))
    assert len(found) == len(texts)
    assert found[NEAR_OF].isna().all()


def test_find_duplicates_non_ascii_words():
    base = "Zürich Genève Köln Málaga Łódź Århus Öland Ærø Ísafjörður Çanakkale Şile"
    found = find_duplicates(pd.Series([base, base.upper(), base + " Ūdźe"]))
    assert found[EXACT_OF].tolist() == [pd.NA, 0, pd.NA]
    assert found[NEAR_OF].tolist() == [pd.NA, pd.NA, 0]


def test_find_duplicates_is_deterministic_for_a_seed():
    texts = pd.Series([BASE, replaced(23), replaced(5), "unrelated words in a row here"])
    first = find_duplicates(texts, random_state=3)
    pd.testing.assert_frame_equal(first, find_duplicates(texts, random_state=3))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0}, r"threshold must be in \(0, 1\], got 0"),
        ({"shingle_size": 0}, r"shingle_size must be at least 1, got 0"),
        ({"n_bands": 5}, r"n_bands must divide 64, got 5"),
    ],
    ids=["threshold", "shingle-size", "bands"],
)
def test_find_duplicates_rejects_bad_parameters(options, message):
    with pytest.raises(InputError, match=message):
        find_duplicates(pd.Series([BASE]), **options)


def _keys(texts: list[str]) -> pd.DataFrame:
    return find_duplicates(pd.Series(texts), with_keys=True)[[FINGERPRINT, *BAND_COLUMNS]]


def test_find_duplicates_with_keys_gives_fingerprint_and_bands():
    found = find_duplicates(pd.Series([BASE, BASE.upper(), "a b"]), with_keys=True)
    assert found[FINGERPRINT].iloc[0] == found[FINGERPRINT].iloc[1] != 0
    # The exact duplicate and the text without a 5-gram have no bands.
    assert (found[list(BAND_COLUMNS)].iloc[1:] == 0).all(axis=None)
    assert (found[list(BAND_COLUMNS)].iloc[0] != 0).all()


def test_match_added_finds_exact_and_near_pairs_reading_only_candidates():
    stored = [BASE, " ".join(f"x{n}" for n in range(30)), "short text"]
    added = [replaced(23), BASE.upper(), "nothing like the others at all here"]
    read: list[list[int]] = []

    def texts(positions):
        read.append(list(positions))
        return pd.Series(stored).iloc[positions]

    pairs = match_added(pd.Series(added), _keys(added), _keys(stored), texts)
    assert pairs[[NEW_POSITION, OLD_POSITION, EXACT]].values.tolist() == [
        [0, 0, False],
        [1, 0, True],
    ]
    assert pairs[JACCARD].tolist() == pytest.approx([19 / 21, 1.0])
    assert read == [[0]]


def test_match_added_without_shared_bands_reads_nothing():
    def texts(positions):
        raise AssertionError("no stored text should be read")

    pairs = match_added(
        pd.Series(["p q r s t u v"]), _keys(["p q r s t u v"]), _keys([BASE]), texts
    )
    assert pairs.empty


# -- the steps find_duplicates is made of (a cluster runs them as tasks) ---------------------


def _ints(values: np.ndarray) -> list[int]:
    return [int(value) for value in values]


def test_exact_matches_points_each_later_fingerprint_at_its_first_position():
    prints = np.array([7, 3, 7, 3, 9, 7], dtype=np.uint64)
    found = exact_matches(np.arange(6), prints)
    assert _ints(found.duplicates) == [2, 3, 5]
    assert _ints(found.originals) == [0, 1, 0]
    # Any subset holding every text of its fingerprints, in any order: one hash bucket.
    bucket = exact_matches(np.array([5, 2, 0]), np.array([7, 7, 7], dtype=np.uint64))
    assert (_ints(bucket.duplicates), _ints(bucket.originals)) == ([2, 5], [0, 0])
    empty = exact_matches(np.empty(0, np.int64), np.empty(0, np.uint64))
    assert len(empty.duplicates) == len(empty.originals) == 0


def test_merge_exact_and_merge_near_order_by_position():
    exact = merge_exact([ExactMatches(np.array([5, 9]), np.array([1, 2])),
                         ExactMatches(np.array([3]), np.array([0]))])  # fmt: skip
    assert (_ints(exact.duplicates), _ints(exact.originals)) == ([3, 5, 9], [0, 1, 2])
    near = merge_near([NearMatches(np.array([8]), np.array([4]), np.array([0.9])),
                       NearMatches(np.array([2]), np.array([0]), np.array([0.85]))])  # fmt: skip
    assert (_ints(near.duplicates), _ints(near.originals)) == ([2, 8], [0, 4])
    assert near.jaccard.tolist() == [0.85, 0.9]


def test_split_by_bucket_sends_equal_values_to_one_bucket():
    values = np.array([5, 6, 7, 8, 5], dtype=np.uint64)
    buckets = split_by_bucket(values, np.arange(5), 3)
    # 5 % 3 = 2, 6 % 3 = 0, 7 % 3 = 1, 8 % 3 = 2.
    assert [(_ints(v), _ints(p)) for v, p in buckets] == [
        ([6], [1]),
        ([7], [2]),
        ([5, 8, 5], [0, 3, 4]),
    ]


def test_candidate_pairs_pair_texts_sharing_a_band_key():
    members = BandMembers(
        np.array([10, 10, 10, 20, 20], dtype=np.uint64), np.array([4, 1, 7, 1, 7])
    )
    pairs = candidate_pairs(members)
    # key 10 holds 1, 4, 7: (1, 4), (1, 7), (4, 7); key 20 holds 1, 7 again.
    assert (_ints(pairs.left), _ints(pairs.right)) == ([1, 1, 4], [4, 7, 7])
    none = candidate_pairs(BandMembers(np.array([1, 2], dtype=np.uint64), np.array([0, 1])))
    assert len(none.left) == 0


def test_merge_pairs_is_the_sorted_union_of_buckets():
    merged = merge_pairs([CandidatePairs(np.array([1, 4]), np.array([7, 7])),
                          CandidatePairs(np.array([1, 1]), np.array([4, 7]))])  # fmt: skip
    assert (_ints(merged.left), _ints(merged.right)) == ([1, 1, 4], [4, 7, 7])


def test_band_members_leave_out_exact_duplicates_and_texts_without_shingles():
    parameters = duplicate_parameters()
    keys = text_keys(pd.Series([BASE, "a b", replaced(23)]), 10, parameters)
    assert keys.has_shingles.tolist() == [True, False, True]
    members = band_members(keys, np.array([3, 12, 40]))  # only 12 is one of these texts
    assert sorted(set(_ints(members.positions))) == [10]
    assert len(members.keys) == 16


def test_earliest_near_gives_the_same_matches_from_sets_of_several_runs():
    parameters = duplicate_parameters()
    texts = pd.Series([BASE, "x y z", replaced(23), replaced(2), replaced(0)])
    whole = text_keys(texts, 0, parameters)
    first, second = (
        text_keys(texts.iloc[:2], 0, parameters),
        text_keys(texts.iloc[2:], 2, parameters),
    )
    pairs = CandidatePairs(np.array([0, 0, 0, 2]), np.array([2, 3, 4, 4]))
    one = earliest_near([shingle_sets(whole, np.array([0, 2, 3, 4]))], pairs, 0.8)
    two = earliest_near(
        [shingle_sets(second, np.array([0, 2, 3, 4])), shingle_sets(first, np.array([0, 2, 3, 4]))],
        pairs,
        0.8,
    )
    # 2 and 4 resemble 0 at 19/21; 3 only at 17/23, below the threshold.
    for found in (one, two):
        assert (_ints(found.duplicates), _ints(found.originals)) == ([2, 4], [0, 0])
        assert found.jaccard == pytest.approx([19 / 21, 19 / 21])
    assert len(earliest_near([], CandidatePairs(np.array([]), np.array([])), 0.8).duplicates) == 0


def test_text_keys_refuses_too_many_texts(monkeypatch):
    from analytics.ingest import duplicates

    monkeypatch.setattr(duplicates, "_MAX_DOCS", 3)
    with pytest.raises(InputError, match=r"at most 2 texts can be compared, got 3"):
        text_keys(pd.Series(["a", "b", "c"]), 0, duplicate_parameters())
