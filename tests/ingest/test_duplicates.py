"""Tests of analytics.ingest.duplicates: exact duplicates and shingle-based near-duplicates."""

from __future__ import annotations

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
    find_duplicates,
    match_added,
    normalise_text,
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
