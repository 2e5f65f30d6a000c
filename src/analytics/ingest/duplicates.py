"""Exact and near-duplicate texts.

Texts are compared as words: lower-cased and split on whitespace. Exact
duplicates have the same word sequence (so case and spacing do not matter).
Near-duplicates, such as one wire story run by two outlets with a changed
sentence, share most of their word 5-gram *shingles*: a pair is a near-duplicate
when the Jaccard similarity of the two shingle sets reaches a threshold (the
setting ``near_duplicate_threshold``, 0.8; shingle size and seed are settings too).

Comparing every pair is quadratic, so candidates come from MinHash signatures cut
into LSH bands, and only candidates are compared exactly. The signature is a
one-permutation MinHash (each shingle hashed once into one of 64 bins, the
minimum kept per bin, empty bins filled from their right neighbour), so a single
sort does the work of 64 hash functions. With 16 bands of 4 bins a pair at Jaccard
0.8 becomes a candidate with probability about 0.9997. Everything runs on whole
arrays: pyarrow splits words, numpy hashes and sorts.

The work is cut into pure steps so that a cluster can run them where the data is and
still give the single-process result, by construction (``find_duplicates`` is those steps
over one run of texts; ``analytics.pipeline.dask_duplicates`` runs them as tasks):
``text_keys`` (fingerprints, band keys and shingles of consecutive texts, which need no
other text), ``exact_matches`` (texts grouped by fingerprint: any subset holding every
text of each fingerprint it holds), ``band_members`` and ``candidate_pairs`` (the same
for band keys), ``shingle_sets`` and ``earliest_near`` (exact Jaccard of the candidates,
the earliest match kept), and ``duplicate_table`` (the result). ``split_by_bucket`` cuts
keys into hash buckets, so that equal keys meet in one bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import settings
from analytics.errors import InputError
from analytics.tallies import spans

EXACT_OF = "exact_of"
NEAR_OF = "near_of"
JACCARD = "jaccard"
FINGERPRINT = "fingerprint"
N_BANDS = 16
BAND_COLUMNS = tuple(f"band_{band:02d}" for band in range(N_BANDS))
NEW_POSITION = "new_position"
OLD_POSITION = "old_position"
EXACT = "exact"

# Odd 64-bit multiplier for polynomial hashing of word sequences (golden ratio).
_MIX = np.uint64(0x9E3779B97F4A7C15)
# Sort key layout: document (24 bits) | bin (6 bits) | shingle hash (34 bits).
_DOC_SHIFT = np.uint64(40)
_BIN_SHIFT = np.uint64(34)
_VALUE_MASK = np.uint64((1 << 34) - 1)
_SET_MASK = np.uint64((1 << 40) - 1)
_N_BINS = 64
_MAX_DOCS = 1 << 24
# A bucket of many look-alike texts pairs each member with its first few members
# only: enough to find the earliest original without a quadratic blow-up.
_MAX_BUCKET_PARTNERS = 50
# Candidates verified per text per round, and shingles compared per chunk (memory bound).
_PAIRS_PER_ROUND = 4
_CHUNK_SHINGLES = 4_000_000
# Stored candidate texts read back and shingled at a time when added texts are matched
# against a store: their memory stays bounded however many candidates a large store has.
_STORED_CHUNK = 20_000


@dataclass(frozen=True)
class _Words:
    """Every word of every text as a 64-bit hash, in order, with its text's position."""

    hashes: np.ndarray
    docs: np.ndarray
    counts: np.ndarray


def near_threshold(threshold: float | None = None) -> float:
    """The near-duplicate Jaccard threshold: ``threshold``, else the setting.

    Raises:
        InputError: when the threshold is not in (0, 1].
    """
    if threshold is None:
        threshold = float(settings.value("near_duplicate_threshold"))
    if not 0 < threshold <= 1:
        raise InputError(f"threshold must be in (0, 1], got {threshold!r}")
    return threshold


def _shingling(shingle_size: int | None, random_state: int | None) -> tuple[int, int]:
    """Shingle size and seed as given, else their settings."""
    if shingle_size is None:
        shingle_size = int(settings.value("duplicate_shingle_size"))
    if random_state is None:
        random_state = int(settings.value("duplicate_random_state"))
    return shingle_size, random_state


class DuplicateParameters(NamedTuple):
    """The checked parameters of a duplicate search."""

    threshold: float
    shingle_size: int
    n_bands: int
    random_state: int


def duplicate_parameters(
    threshold: float | None = None,
    shingle_size: int | None = None,
    n_bands: int = N_BANDS,
    random_state: int | None = None,
) -> DuplicateParameters:
    """The parameters as given, else their settings, checked (see ``find_duplicates``).

    Raises:
        InputError: when a parameter is out of range.
    """
    threshold = near_threshold(threshold)
    shingle_size, random_state = _shingling(shingle_size, random_state)
    if shingle_size < 1:
        raise InputError(f"shingle_size must be at least 1, got {shingle_size!r}")
    if n_bands < 1 or _N_BINS % n_bands:
        raise InputError(f"n_bands must divide {_N_BINS}, got {n_bands!r}")
    return DuplicateParameters(threshold, shingle_size, n_bands, random_state)


class TextKeys(NamedTuple):
    """The duplicate keys of consecutive texts, the first at position ``offset``.

    ``fingerprints`` (one 64-bit hash of the word sequence per text), ``band_keys``
    (one row of LSH band keys per text, 0 for a text without shingles),
    ``has_shingles`` (whether it has any) and ``shingles`` (sorted unique keys
    text | bin | value, the text counted from ``offset``).
    """

    offset: int
    fingerprints: np.ndarray
    band_keys: np.ndarray
    has_shingles: np.ndarray
    shingles: np.ndarray


class ExactMatches(NamedTuple):
    """Exact duplicates (positions, ascending) and the first text with the same words."""

    duplicates: np.ndarray
    originals: np.ndarray


class BandMembers(NamedTuple):
    """One row per band of each text that can be a near-duplicate: key and position."""

    keys: np.ndarray
    positions: np.ndarray


class CandidatePairs(NamedTuple):
    """Unique pairs of positions sharing a band, ``left < right``, sorted by (right, left)."""

    left: np.ndarray
    right: np.ndarray


class ShingleSets(NamedTuple):
    """The shingle sets of some texts: ``positions`` ascending, ``shingles`` sorted keys
    whose text field is the index into ``positions``."""

    positions: np.ndarray
    shingles: np.ndarray


class NearMatches(NamedTuple):
    """Near-duplicates (positions, ascending), each one's earliest original and their Jaccard."""

    duplicates: np.ndarray
    originals: np.ndarray
    jaccard: np.ndarray


class DuplicateFinder(Protocol):
    """What finds duplicates in a table's texts: ``find_duplicates`` or a cluster's version."""

    def __call__(
        self,
        texts: pd.Series,
        *,
        threshold: float | None = None,
        random_state: int | None = None,
        with_keys: bool = False,
    ) -> pd.DataFrame:
        """Exact and near-duplicates among ``texts`` (the ``find_duplicates`` table)."""
        ...


def find_duplicates(
    texts: pd.Series,
    *,
    threshold: float | None = None,
    shingle_size: int | None = None,
    n_bands: int = N_BANDS,
    random_state: int | None = None,
    with_keys: bool = False,
) -> pd.DataFrame:
    """Exact and near-duplicates among ``texts``, each pointing at an earlier text.

    Position order is precedence: a duplicate always points at a smaller
    position, so sort the texts (e.g. by date) before calling. Texts shorter than
    ``shingle_size`` words have no shingles and are never near-duplicates.

    Parameters:
        texts: the texts (missing values count as "").
        threshold: the smallest Jaccard similarity of shingle sets that makes a
            near-duplicate, in (0, 1]; default the setting ``near_duplicate_threshold``.
        shingle_size: words per shingle; default the setting ``duplicate_shingle_size``.
        n_bands: LSH bands, a divisor of 64; more bands find more pairs below
            the threshold (and cost more exact comparisons).
        random_state: seed salting the shingle hashes; default the setting
            ``duplicate_random_state``.
        with_keys: also return each text's ``fingerprint`` and LSH band keys
            (``BAND_COLUMNS``; 0 for an exact duplicate or a text without shingles),
            so texts added later can be matched against these with ``match_added``
            without reading them again.

    Returns:
        One row per text, on ``texts``' index: ``exact_of`` (position of the first
        text with the same words, NA for that first one), ``near_of`` (position of
        the earliest text this one near-duplicates, NA if none; only texts that are
        not exact duplicates are compared) and ``jaccard`` (their similarity).

    Raises:
        InputError: when a parameter is out of range or there are too many texts.
    """
    parameters = duplicate_parameters(threshold, shingle_size, n_bands, random_state)
    keys = text_keys(texts, 0, parameters)
    exact = exact_matches(np.arange(len(texts), dtype=np.int64), keys.fingerprints)
    pairs = candidate_pairs(band_members(keys, exact.duplicates))
    involved = np.union1d(pairs.left, pairs.right)
    near = earliest_near([shingle_sets(keys, involved)], pairs, parameters.threshold)
    return duplicate_table(texts.index, keys, exact, near, with_keys=with_keys)


def text_keys(texts: pd.Series, offset: int, parameters: DuplicateParameters) -> TextKeys:
    """Fingerprints, band keys and shingles of consecutive texts (no other text needed).

    Parameters:
        texts: the texts (missing values count as ""), in position order.
        offset: the position of the first of them among all texts compared.
        parameters: ``duplicate_parameters`` output.

    Returns:
        Their ``TextKeys``.

    Raises:
        InputError: when there are too many texts for one run.
    """
    if len(texts) >= _MAX_DOCS:
        raise InputError(f"at most {_MAX_DOCS - 1} texts can be compared, got {len(texts)!r}")
    words = _split_words(texts)
    fingerprints = _fingerprints(words)
    shingles = _shingle_keys(
        words,
        parameters.shingle_size,
        parameters.random_state,
        exclude=np.zeros(len(texts), dtype=bool),
    )
    band_keys = np.zeros((len(texts), parameters.n_bands), dtype=np.uint64)
    has_shingles = np.zeros(len(texts), dtype=bool)
    if len(shingles):
        signatures, docs = _signatures(shingles)
        band_keys[docs] = _band_keys(signatures, parameters.n_bands)
        has_shingles[docs] = True
    return TextKeys(offset, fingerprints, band_keys, has_shingles, shingles)


def exact_matches(positions: np.ndarray, fingerprints: np.ndarray) -> ExactMatches:
    """Each text whose fingerprint an earlier text has, and the first text that has it.

    Parameters:
        positions: positions of texts; every text sharing a fingerprint with one of
            them must be among them (e.g. all texts of one hash bucket).
        fingerprints: their fingerprints (``TextKeys.fingerprints``).

    Returns:
        The ``ExactMatches``, by ascending duplicate position.
    """
    if not len(positions):
        return ExactMatches(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    order = np.lexsort((positions, fingerprints))
    ordered_prints, ordered_positions = fingerprints[order], positions[order]
    starts = np.concatenate([[True], ordered_prints[1:] != ordered_prints[:-1]])
    first = ordered_positions[np.flatnonzero(starts)][np.cumsum(starts) - 1]
    later = ~starts
    duplicates, originals = ordered_positions[later], first[later]
    by_position = np.argsort(duplicates, kind="stable")
    return ExactMatches(
        duplicates[by_position].astype(np.int64), originals[by_position].astype(np.int64)
    )


def band_members(keys: TextKeys, exact_duplicates: np.ndarray) -> BandMembers:
    """The band keys of the texts of ``keys`` that can be near-duplicates, with positions.

    Parameters:
        keys: ``text_keys`` output.
        exact_duplicates: positions of exact duplicates (any, also of other texts);
            those texts are left out, as are texts without shingles.
    """
    n_texts = len(keys.fingerprints)
    local = exact_duplicates[
        (exact_duplicates >= keys.offset) & (exact_duplicates < keys.offset + n_texts)
    ]
    compared = keys.has_shingles.copy()
    compared[local - keys.offset] = False
    docs = np.flatnonzero(compared)
    n_bands = keys.band_keys.shape[1]
    return BandMembers(
        keys.band_keys[docs].ravel(),
        np.repeat(docs.astype(np.int64) + keys.offset, n_bands),
    )


def split_by_bucket(
    values: np.ndarray, positions: np.ndarray, n_buckets: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(values, positions)`` cut into ``n_buckets`` by ``value % n_buckets``.

    Equal values always land in the same bucket, so grouping by value within each
    bucket gives the groups of the whole.
    """
    bucket = (values % np.uint64(n_buckets)).astype(np.int64)
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(n_buckets + 1))
    return [
        (values[order[start:stop]], positions[order[start:stop]])
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def candidate_pairs(members: BandMembers) -> CandidatePairs:
    """Pairs of texts sharing a band key (a bucket of many pairs each with its first few).

    Parameters:
        members: band keys and positions holding every member of each key they hold
            (``band_members`` of all texts, or one hash bucket of them).
    """
    keys, positions = members
    order = np.lexsort((positions, keys))
    keys, positions = keys[order], positions[order]
    starts = np.concatenate([[True], keys[1:] != keys[:-1]])
    group_start = np.flatnonzero(starts)
    group_of = np.cumsum(starts) - 1
    rank = np.arange(len(keys)) - group_start[group_of]
    partners = np.minimum(rank, _MAX_BUCKET_PARTNERS)
    if not partners.any():
        return CandidatePairs(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    right = np.repeat(positions, partners)
    offsets = np.arange(int(partners.sum())) - np.repeat(np.cumsum(partners) - partners, partners)
    left = positions[np.repeat(group_start[group_of], partners) + offsets]
    width = np.int64(positions.max()) + 1
    pairs = np.unique(right.astype(np.int64) * width + left)  # sorted by (right, left)
    return CandidatePairs(pairs % width, pairs // width)


def merge_pairs(parts: Sequence[CandidatePairs]) -> CandidatePairs:
    """The union of candidate pairs (of hash buckets), unique and sorted by (right, left)."""
    left = np.concatenate([np.empty(0, dtype=np.int64), *(part.left for part in parts)])
    right = np.concatenate([np.empty(0, dtype=np.int64), *(part.right for part in parts)])
    if not len(left):
        return CandidatePairs(left, right)
    width = np.int64(max(int(left.max()), int(right.max()))) + 1
    pairs = np.unique(right * width + left)
    return CandidatePairs(pairs % width, pairs // width)


def shingle_sets(keys: TextKeys, positions: np.ndarray) -> ShingleSets:
    """The shingle sets of the texts of ``keys`` at ``positions`` (others are ignored).

    Parameters:
        keys: ``text_keys`` output.
        positions: positions to take (ascending; those outside ``keys`` are skipped).
    """
    n_texts = len(keys.fingerprints)
    inside = positions[(positions >= keys.offset) & (positions < keys.offset + n_texts)]
    local = (inside - keys.offset).astype(np.int64)
    key_docs = (keys.shingles >> _DOC_SHIFT).astype(np.int64)
    if len(local) == n_texts:  # every text: the keys as they are
        return ShingleSets(inside.astype(np.int64), keys.shingles)
    starts = np.searchsorted(key_docs, local)
    stops = np.searchsorted(key_docs, local + 1)
    lengths = stops - starts
    taken = spans(starts, lengths)
    renumbered = np.repeat(np.arange(len(local), dtype=np.uint64), lengths) << _DOC_SHIFT
    return ShingleSets(inside.astype(np.int64), renumbered | (keys.shingles[taken] & _SET_MASK))


def earliest_near(
    sets: Sequence[ShingleSets], pairs: CandidatePairs, threshold: float
) -> NearMatches:
    """For each right of ``pairs``, the earliest left whose Jaccard reaches ``threshold``.

    Parameters:
        sets: shingle sets holding every text of ``pairs`` (from one or more runs).
        pairs: candidate pairs, sorted by (right, left), every pair of a right included.
        threshold: the near-duplicate Jaccard threshold.

    Returns:
        The ``NearMatches`` found.
    """
    empty = NearMatches(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if not len(pairs.right):
        return empty
    positions = np.concatenate([part.positions for part in sets])
    order = np.argsort(positions, kind="stable")
    rank = np.empty(len(order), dtype=np.uint64)
    rank[order] = np.arange(len(order), dtype=np.uint64)
    # Each set's texts take their rank among all positions: keys stay sorted when
    # concatenated in position order.
    starts = np.cumsum([0, *(len(part.positions) for part in sets)])[:-1]
    retagged = [
        (rank[start + (part.shingles >> _DOC_SHIFT).astype(np.int64)] << _DOC_SHIFT)
        | (part.shingles & _SET_MASK)
        for part, start in zip(sets, starts, strict=True)
    ]
    keys = np.sort(np.concatenate(retagged)) if len(sets) > 1 else retagged[0]
    ordered = positions[order]
    near_of = np.full(len(ordered), -1, dtype=np.int64)
    similarity = np.full(len(ordered), np.nan)
    left = np.searchsorted(ordered, pairs.left)
    right = np.searchsorted(ordered, pairs.right)
    _earliest_matches(keys, left, right, threshold, near_of, similarity)
    found = np.flatnonzero(near_of >= 0)
    if not len(found):
        return empty
    return NearMatches(ordered[found], ordered[near_of[found]], similarity[found])


def merge_near(parts: Sequence[NearMatches]) -> NearMatches:
    """Near matches of disjoint sets of texts as one, by ascending position."""
    duplicates = np.concatenate([np.empty(0, np.int64), *(part.duplicates for part in parts)])
    order = np.argsort(duplicates, kind="stable")
    originals = np.concatenate([np.empty(0, np.int64), *(part.originals for part in parts)])
    jaccard = np.concatenate([np.empty(0), *(part.jaccard for part in parts)])
    return NearMatches(duplicates[order], originals[order], jaccard[order])


def merge_exact(parts: Sequence[ExactMatches]) -> ExactMatches:
    """Exact matches of disjoint sets of texts as one, by ascending position."""
    duplicates = np.concatenate([np.empty(0, np.int64), *(part.duplicates for part in parts)])
    order = np.argsort(duplicates, kind="stable")
    originals = np.concatenate([np.empty(0, np.int64), *(part.originals for part in parts)])
    return ExactMatches(duplicates[order], originals[order])


def duplicate_table(
    index: pd.Index,
    keys: TextKeys,
    exact: ExactMatches,
    near: NearMatches,
    *,
    with_keys: bool = False,
) -> pd.DataFrame:
    """The ``find_duplicates`` table from the steps' results.

    Parameters:
        index: the texts' index.
        keys: the keys of every text (``shingles`` are not needed: may be empty).
        exact: exact matches of every text.
        near: near matches of every text.
        with_keys: add the fingerprint and band key columns.
    """
    n_texts = len(index)
    exact_of = np.full(n_texts, -1, dtype=np.int64)
    exact_of[exact.duplicates] = exact.originals
    near_of = np.full(n_texts, -1, dtype=np.int64)
    near_of[near.duplicates] = near.originals
    similarity = np.full(n_texts, np.nan)
    similarity[near.duplicates] = near.jaccard
    result = pd.DataFrame(
        {
            EXACT_OF: pd.array(np.where(exact_of >= 0, exact_of, 0), dtype="Int64"),
            NEAR_OF: pd.array(np.where(near_of >= 0, near_of, 0), dtype="Int64"),
            JACCARD: similarity,
        },
        index=index,
    )
    result.loc[exact_of < 0, EXACT_OF] = pd.NA
    result.loc[near_of < 0, NEAR_OF] = pd.NA
    if with_keys:
        band_keys = keys.band_keys.copy()
        band_keys[exact.duplicates] = 0  # an exact duplicate is matched by its fingerprint
        result[FINGERPRINT] = keys.fingerprints
        for band, column in enumerate(_band_columns(band_keys.shape[1])):
            result[column] = band_keys[:, band]
    return result


def text_fingerprints(texts: pd.Series) -> np.ndarray:
    """The exact-duplicate key of each text (``find_duplicates``' ``fingerprint``).

    Two texts get the same key when they hold the same words, ignoring case and spacing.
    """
    return _fingerprints(_split_words(texts))


def _band_columns(n_bands: int) -> tuple[str, ...]:
    return BAND_COLUMNS if n_bands == N_BANDS else tuple(f"band_{b:02d}" for b in range(n_bands))


def match_added(
    added: pd.Series,
    added_keys: pd.DataFrame,
    stored_keys: pd.DataFrame,
    stored_texts: Callable[[np.ndarray], pd.Series],
    *,
    threshold: float | None = None,
    shingle_size: int | None = None,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Every stored text that each added text duplicates, exactly or nearly.

    The stored side is known only by its keys (``find_duplicates(..., with_keys=True)``
    output); the texts of stored candidates sharing a band are fetched through
    ``stored_texts`` and compared exactly, so nothing else is read again.

    Parameters:
        added: the added texts.
        added_keys: their ``fingerprint`` and band columns (same parameters).
        stored_keys: the stored texts' ``fingerprint`` and band columns, by position.
        stored_texts: given stored positions, returns those texts in that order.
        threshold: the near-duplicate Jaccard threshold, in (0, 1]; default the setting.
        shingle_size: words per shingle (as the keys were made with); default the setting.
        random_state: seed of the shingle hashes (as the keys were made with); default
            the setting.

    Returns:
        One row per matching pair: ``new_position`` (position in ``added``),
        ``old_position`` (position in ``stored_keys``), ``exact`` (same words) and
        ``jaccard`` (1.0 for exact pairs), sorted by new then old position.

    Raises:
        InputError: when ``threshold`` is out of range.
    """
    threshold = near_threshold(threshold)
    shingle_size, random_state = _shingling(shingle_size, random_state)
    columns = [column for column in stored_keys.columns if column.startswith("band_")]
    new_prints = added_keys[FINGERPRINT].to_numpy(dtype=np.uint64)
    old_prints = stored_keys[FINGERPRINT].to_numpy(dtype=np.uint64)
    old_lookup = pd.Series(np.arange(len(old_prints)), index=old_prints)
    old_lookup = old_lookup[~old_lookup.index.duplicated()]
    exact_old = old_lookup.reindex(new_prints).fillna(-1).to_numpy(dtype=np.int64, copy=True)
    # An empty text (fingerprint 0) duplicates nothing.
    exact_old[new_prints == 0] = -1
    exact_new = np.flatnonzero(exact_old >= 0)
    pairs = [
        pd.DataFrame(
            {
                NEW_POSITION: exact_new,
                OLD_POSITION: exact_old[exact_new],
                EXACT: True,
                JACCARD: 1.0,
            }
        )
    ]
    new_bands = added_keys[columns].to_numpy(dtype=np.uint64)
    new_bands[exact_new] = 0
    new_flat = new_bands.ravel()
    old_keys, old_at = _stored_band_hits(stored_keys, columns, new_flat[new_flat != 0])
    if len(old_keys):
        band_of_old = pd.DataFrame({"key": old_keys, OLD_POSITION: old_at})
        band_of_new = pd.DataFrame(
            {"key": new_flat, NEW_POSITION: np.arange(len(new_flat)) // len(columns)}
        )
        candidates = band_of_new[new_flat != 0].merge(band_of_old, on="key")
        candidates = candidates[[NEW_POSITION, OLD_POSITION]].drop_duplicates()
        del band_of_old, band_of_new, old_keys, old_at
        # The added texts' shingles are docs 0..n-1; each chunk of stored candidates follows
        # as docs n.. (keys stay sorted by doc), so only one chunk's texts are held at once.
        n_added = len(added)
        added_keys_sorted = _shingle_keys(
            _split_words(added.reset_index(drop=True)),
            shingle_size,
            random_state,
            exclude=np.zeros(n_added, bool),
        )
        old_docs = np.unique(candidates[OLD_POSITION].to_numpy())
        candidate_old = candidates[OLD_POSITION].to_numpy()
        candidate_new = candidates[NEW_POSITION].to_numpy()
        for start in range(0, len(old_docs), _STORED_CHUNK):
            chunk = old_docs[start : start + _STORED_CHUNK]
            inside = (candidate_old >= chunk[0]) & (candidate_old <= chunk[-1])
            stored = stored_texts(chunk).reset_index(drop=True)
            stored_keys_sorted = _shingle_keys(
                _split_words(stored), shingle_size, random_state, exclude=np.zeros(len(chunk), bool)
            )
            keys = np.concatenate(
                [added_keys_sorted, stored_keys_sorted + (np.uint64(n_added) << _DOC_SHIFT)]
            )
            del stored, stored_keys_sorted
            key_docs = (keys >> _DOC_SHIFT).astype(np.int64)
            bounds = np.searchsorted(key_docs, np.arange(n_added + len(chunk) + 1))
            left = n_added + np.searchsorted(chunk, candidate_old[inside])
            right = candidate_new[inside]
            jaccard = _jaccard(keys, bounds, left, right)
            hit = jaccard >= threshold
            pairs.append(
                pd.DataFrame(
                    {
                        NEW_POSITION: right[hit],
                        OLD_POSITION: candidate_old[inside][hit],
                        EXACT: False,
                        JACCARD: jaccard[hit],
                    }
                )
            )
    found = pd.concat(pairs, ignore_index=True)
    found[NEW_POSITION] = found[NEW_POSITION].astype(np.int64)
    found[OLD_POSITION] = found[OLD_POSITION].astype(np.int64)
    return found.sort_values([NEW_POSITION, OLD_POSITION], kind="stable").reset_index(drop=True)


def _stored_band_hits(
    stored_keys: pd.DataFrame, columns: list[str], wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The stored band keys that are among ``wanted`` (non-zero), and their stored positions.

    In the order of the stored keys read row by row (position, then band), as scanning
    the whole key matrix would give them; but one band column at a time, looked up in a
    hash table of the added side's keys, so memory stays that of one column of the
    store, not of its whole key matrix and a sort of it.
    """
    lookup = pd.Index(np.unique(wanted))
    flat_at: list[np.ndarray] = []
    found: list[np.ndarray] = []
    for band, column in enumerate(columns):
        values = stored_keys[column].to_numpy(dtype=np.uint64)
        rows = np.flatnonzero((lookup.get_indexer(values) >= 0) & (values != 0))
        flat_at.append(rows * len(columns) + band)
        found.append(values[rows])
    if not flat_at:
        return np.array([], dtype=np.uint64), np.array([], dtype=np.int64)
    flat = np.concatenate(flat_at)
    order = np.argsort(flat, kind="stable")
    return np.concatenate(found)[order], flat[order] // len(columns)


def normalise_text(text: str) -> str:
    """The comparison form of one text: lower-cased words joined by single spaces."""
    return " ".join(text.lower().split())


def arrow_strings(texts: pd.Series) -> pa.Array:
    """The strings of ``texts`` as one contiguous pyarrow array (missing values as "")."""
    values = pa.array(texts.fillna("").astype("str"))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values


def strings_in(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """``values.isin(allowed)`` as a boolean array, compared as strings by Arrow's hash set.

    pandas' ``isin`` on string columns walks the allowed values one by one in Python:
    seconds at 100,000 ids, where this takes milliseconds.
    """
    found = pc.is_in(arrow_strings(values), value_set=arrow_strings(allowed))
    return found.to_numpy(zero_copy_only=False)


def _split_words(texts: pd.Series) -> _Words:
    values = arrow_strings(texts)
    if pc.all(pc.string_is_ascii(values)).as_py() in (True, None):
        # Same result as the Unicode kernels on ASCII text, at twice the speed.
        tokens = pc.ascii_split_whitespace(pc.ascii_trim_whitespace(pc.ascii_lower(values)))
    else:
        tokens = pc.utf8_split_whitespace(pc.utf8_trim_whitespace(pc.utf8_lower(values)))
    flat = pc.list_flatten(tokens)
    docs = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(tokens.offsets.to_numpy()))
    # An empty text splits into one empty word; drop those.
    nonempty = pc.greater(pc.binary_length(flat), 0)
    flat = flat.filter(nonempty)
    docs = docs[nonempty.to_numpy(zero_copy_only=False)]
    counts = np.bincount(docs, minlength=len(texts)).astype(np.int64)
    if len(flat) == 0:
        return _Words(np.empty(0, dtype=np.uint64), docs, counts)
    encoded = pc.dictionary_encode(flat)
    # Hash distinct words by content so results never depend on input order.
    distinct = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    word_hashes = pd.util.hash_array(distinct, categorize=False)
    return _Words(word_hashes[encoded.indices.to_numpy()], docs, counts)


def _fingerprints(words: _Words) -> np.ndarray:
    """A 64-bit hash of each text's word sequence (0 for a text without words)."""
    fingerprints = np.zeros(len(words.counts), dtype=np.uint64)
    if not len(words.hashes):
        return fingerprints
    starts = np.concatenate([[0], np.cumsum(words.counts)[:-1]])
    positions = np.arange(len(words.hashes)) - np.repeat(starts, words.counts)
    powers = np.cumprod(np.full(int(words.counts.max()), _MIX, dtype=np.uint64))
    weighted = words.hashes * powers[positions]
    present = np.flatnonzero(words.counts)
    fingerprints[present] = np.add.reduceat(weighted, starts[present])
    return fingerprints + words.counts.astype(np.uint64)


def _shingle_keys(
    words: _Words, shingle_size: int, random_state: int, exclude: np.ndarray
) -> np.ndarray:
    """Sorted unique keys doc | bin | value, one per distinct shingle of each text."""
    n_windows = len(words.hashes) - shingle_size + 1
    if n_windows <= 0:
        return np.empty(0, dtype=np.uint64)
    inside = words.docs[:n_windows] == words.docs[shingle_size - 1 :]
    inside &= ~exclude[words.docs[:n_windows]]
    hashes = np.zeros(n_windows, dtype=np.uint64)
    for offset in range(shingle_size):
        hashes = hashes * _MIX + words.hashes[offset : offset + n_windows]
    salt = np.random.default_rng(random_state).integers(0, 2**63, dtype=np.uint64)
    hashes = ((hashes[inside] ^ salt) * _MIX) >> np.uint64(24)  # top 40 bits mix best
    keys = (words.docs[:n_windows][inside].astype(np.uint64) << _DOC_SHIFT) | hashes
    keys.sort()
    if not len(keys):
        return keys
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])]


def _signatures(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-permutation MinHash signatures (densified) and the positions they belong to."""
    groups = keys >> _BIN_SHIFT  # doc | bin
    first = np.concatenate([[True], groups[1:] != groups[:-1]])
    doc_of_group = (groups[first] >> np.uint64(_N_BINS.bit_length() - 1)).astype(np.int64)
    bin_of_group = (groups[first] & np.uint64(_N_BINS - 1)).astype(np.int64)
    # Keys are sorted, so each document's groups are contiguous.
    new_doc = np.concatenate([[True], doc_of_group[1:] != doc_of_group[:-1]])
    docs = doc_of_group[new_doc]
    row_of_group = np.cumsum(new_doc) - 1
    empty = np.iinfo(np.uint64).max
    signatures = np.full((len(docs), _N_BINS), empty, dtype=np.uint64)
    signatures[row_of_group, bin_of_group] = keys[first] & _VALUE_MASK
    # Densify: an empty bin borrows the next non-empty bin to its right (circularly),
    # offset by the distance so borrowed values differ from the originals.
    doubled = np.concatenate([signatures, signatures], axis=1)
    columns = np.arange(2 * _N_BINS)
    candidate = np.where(doubled != empty, columns, 4 * _N_BINS)
    nearest = np.minimum.accumulate(candidate[:, ::-1], axis=1)[:, ::-1][:, :_N_BINS]
    distance = (nearest - columns[:_N_BINS]).astype(np.uint64)
    borrowed = np.take_along_axis(doubled, nearest, axis=1)
    signatures = borrowed + distance * np.uint64(1 << 36)
    return signatures, docs


def _band_keys(signatures: np.ndarray, n_bands: int) -> np.ndarray:
    """One 64-bit key per LSH band of each signature (never 0 in practice)."""
    n_docs, n_bins = signatures.shape
    rows_per_band = n_bins // n_bands
    bands = signatures.reshape(n_docs, n_bands, rows_per_band)
    band_keys: np.ndarray = np.zeros((n_docs, n_bands), dtype=np.uint64)
    for column in range(rows_per_band):
        band_keys = band_keys * _MIX + bands[:, :, column]
    return band_keys * _MIX + np.arange(n_bands, dtype=np.uint64)  # bands never collide


def _earliest_matches(
    keys: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    threshold: float,
    near_of: np.ndarray,
    similarity: np.ndarray,
) -> None:
    """Fill ``near_of``/``similarity`` with each right's earliest left at or above threshold.

    Candidates are checked in rounds, the first few per right at a time, so a
    corpus full of look-alikes verifies about one pair per text instead of all.
    """
    key_docs = (keys >> _DOC_SHIFT).astype(np.int64)
    bounds = np.searchsorted(key_docs, np.arange(int(key_docs[-1]) + 2))
    while len(right):
        first_of_right = np.concatenate([[True], right[1:] != right[:-1]])
        group_start = np.flatnonzero(first_of_right)
        rank = np.arange(len(right)) - group_start[np.cumsum(first_of_right) - 1]
        now = rank < _PAIRS_PER_ROUND
        jaccard = _jaccard(keys, bounds, left[now], right[now])
        hit = jaccard >= threshold
        hit_right, hit_left, hit_jaccard = right[now][hit], left[now][hit], jaccard[hit]
        first_hit = np.unique(hit_right, return_index=True)[1]  # pairs are sorted by left
        near_of[hit_right[first_hit]] = hit_left[first_hit]
        similarity[hit_right[first_hit]] = hit_jaccard[first_hit]
        later = ~now & ~np.isin(right, hit_right)
        left, right = left[later], right[later]


def _jaccard(
    keys: np.ndarray, bounds: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of each pair, in bounded-memory chunks."""
    sizes = np.diff(bounds)
    overlap = np.zeros(len(left), dtype=np.int64)
    work = np.cumsum(sizes[left] + sizes[right])
    start = 0
    while start < len(left):
        stop = max(int(np.searchsorted(work, work[start] + _CHUNK_SHINGLES)), start + 1)
        overlap[start:stop] = _overlap(keys, bounds, left[start:stop], right[start:stop])
        start = stop
    return overlap / (sizes[left] + sizes[right] - overlap)


def _overlap(
    keys: np.ndarray, bounds: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Shared shingles per pair: binary search of one side's keys in the other's."""
    pair_ids = np.arange(len(left), dtype=np.uint64)
    tagged: list[np.ndarray] = []
    for side in (left, right):
        lengths = bounds[side + 1] - bounds[side]
        positions = spans(bounds[side], lengths)
        # pair | shingle: sorted already, since pairs ascend and each set is sorted.
        tagged.append((np.repeat(pair_ids, lengths) << _DOC_SHIFT) | (keys[positions] & _SET_MASK))
    probes, table = tagged
    if not len(table) or not len(probes):
        return np.zeros(len(left), dtype=np.int64)
    found = np.minimum(np.searchsorted(table, probes), len(table) - 1)
    shared = probes[table[found] == probes] >> _DOC_SHIFT
    return np.bincount(shared.astype(np.int64), minlength=len(left))
