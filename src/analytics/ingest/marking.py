"""Duplicate marking over the briefing table and its load report.

Ids are made distinct, the table is put in its order (date, then id), exact
duplicates collapse into the first, near-duplicates are flagged, and briefings
added to a stored corpus are checked against it without reading it again.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.ingest.duplicates import (
    BAND_COLUMNS,
    EXACT,
    EXACT_OF,
    FINGERPRINT,
    JACCARD,
    NEAR_OF,
    NEW_POSITION,
    OLD_POSITION,
    DuplicateFinder,
    find_duplicates,
    match_added,
    near_threshold,
    normalise_text,
    strings_in,
)
from analytics.ingest.report import NEAR_REASON, LoadResult, report_positions


def sort_briefings(briefings: pd.DataFrame) -> pd.DataFrame:
    """The briefing table in its order: by date (missing last), then id."""
    ordered = briefings.sort_values([S.DATE, S.BRIEFING_ID], na_position="last", kind="stable")
    return ordered.reset_index(drop=True)


def resolve_id_collisions(
    briefings: pd.DataFrame, report: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give a distinct id to a briefing whose input id is taken by a different text.

    The first in table order keeps the id; later ones become ``id#2``, ``id#3``.
    Same id with the same text is left alone: that is an exact duplicate.
    """
    ids = briefings[S.BRIEFING_ID]
    if not ids.duplicated().any():
        return briefings, report
    normalised = briefings[S.TEXT].map(normalise_text)
    clash = ids.duplicated(keep=False)
    seen_text = normalised[clash].groupby(ids[clash], sort=False).transform("first")
    different = clash.copy()
    different[clash] = normalised[clash] != seen_text
    if not different.any():
        return briefings, report
    taken = set(ids)
    new_ids = ids.copy()
    counters: dict[str, int] = {}
    for position in np.flatnonzero(different.to_numpy()):
        old = ids.iat[position]
        number = counters.get(old, 2)
        while f"{old}#{number}" in taken:
            number += 1
        counters[old] = number + 1
        new_ids.iat[position] = f"{old}#{number}"
        taken.add(new_ids.iat[position])
    briefings = briefings.assign(**{S.BRIEFING_ID: new_ids})
    positions = report_positions(report, briefings)
    renamed = different.to_numpy() & (positions >= 0)
    report = report.copy()
    targets = positions[renamed]
    report.iloc[targets, report.columns.get_loc(S.BRIEFING_ID)] = new_ids[renamed].to_numpy()
    old_reason = report[S.REASON].iloc[targets].fillna("")
    note = ids[renamed].map(_renamed_note)
    note = note.to_numpy()
    report.iloc[targets, report.columns.get_loc(S.REASON)] = np.where(
        old_reason.to_numpy() == "", note, old_reason.to_numpy() + "; " + note
    )
    return briefings, report


def mark_duplicates(
    briefings: pd.DataFrame,
    report: pd.DataFrame,
    *,
    threshold: float | None = None,
    random_state: int | None = None,
    finder: DuplicateFinder = find_duplicates,
) -> LoadResult:
    """Collapse exact duplicates and flag near-duplicates over a whole briefing table.

    Exact duplicates (same words, ignoring case and spacing) collapse to the first
    by date then id; the others leave the table and their report rows say
    ``duplicate``. Near-duplicates (Jaccard similarity of word 5-gram shingles at
    least ``threshold``) stay, with ``duplicate_of`` set to the earliest briefing
    they resemble and report status ``near-duplicate``. Earlier near-duplicate
    flags are recomputed, so the table can be old and new briefings combined.

    Parameters:
        briefings: a briefing table (``load_files`` output, possibly concatenated).
        report: its load report.
        threshold: the near-duplicate Jaccard threshold, in (0, 1]; default the
            setting ``near_duplicate_threshold``.
        random_state: seed of the similarity hashing; default the setting
            ``duplicate_random_state``.
        finder: what finds the duplicates among the sorted texts: ``find_duplicates``
            (this process), or an engine's version that gives the same table.

    Returns:
        The remaining briefings sorted by date then id, and the updated report.

    Raises:
        InputError: when ``threshold`` is out of range.
    """
    threshold = near_threshold(threshold)
    report = report.copy()
    reflagged = report[S.STATUS] == S.NEAR_DUPLICATE
    report.loc[reflagged, S.STATUS] = S.LOADED
    report.loc[reflagged, S.REASON] = report.loc[reflagged, S.REASON].str.replace(
        NEAR_REASON.pattern, "", regex=True
    )
    briefings = briefings.assign(**{S.DUPLICATE_OF: pd.Series(pd.NA, index=briefings.index)})
    briefings[S.DUPLICATE_OF] = briefings[S.DUPLICATE_OF].astype("str")
    briefings, report = resolve_id_collisions(briefings.reset_index(drop=True), report)
    briefings = sort_briefings(briefings)
    if briefings.empty:
        return LoadResult(briefings, report, _empty_keys())
    found = finder(
        briefings[S.TEXT], threshold=threshold, random_state=random_state, with_keys=True
    )
    ids = briefings[S.BRIEFING_ID].to_numpy(dtype=object)
    positions = report_positions(report, briefings)
    status = report[S.STATUS].to_numpy(dtype=object).copy()
    reason = report[S.REASON].fillna("").to_numpy(dtype=object).copy()
    report_ids = report[S.BRIEFING_ID].to_numpy(dtype=object).copy()
    exact = found[EXACT_OF].notna().to_numpy()
    kept = ids[found[EXACT_OF].fillna(0).to_numpy(dtype=np.int64)]
    for own, original, target in zip(ids[exact], kept[exact], positions[exact], strict=True):
        if target >= 0:
            status[target] = S.DUPLICATE
            reason[target] = _noted(_exact_note(original, own), reason[target])
            report_ids[target] = original
    near = found[NEAR_OF].notna().to_numpy()
    originals = ids[found[NEAR_OF].fillna(0).to_numpy(dtype=np.int64)]
    similarity = found[JACCARD].to_numpy()
    for original, jaccard, target in zip(
        originals[near], similarity[near], positions[near], strict=True
    ):
        if target >= 0:
            status[target] = S.NEAR_DUPLICATE
            reason[target] = _noted(_near_note(original, jaccard), reason[target])
    duplicate_of = pd.Series(np.where(near, originals, None), index=briefings.index, dtype="str")
    # A row still "loaded" that no briefing in the table came from, while the id it
    # was loaded as is in the table, lost to that briefing: an exact duplicate.
    matched = np.zeros(len(report), dtype=bool)
    matched[positions[positions >= 0]] = True
    present = set(ids)
    for target in np.flatnonzero(~matched & (status == S.LOADED)):
        if report_ids[target] in present:
            status[target] = S.DUPLICATE
            reason[target] = _noted(_exact_note(report_ids[target]), reason[target])
    report[S.STATUS] = pd.Series(status, index=report.index, dtype="str")
    report[S.REASON] = pd.Series(reason, index=report.index, dtype="str")
    report[S.BRIEFING_ID] = pd.Series(report_ids, index=report.index, dtype="str")
    briefings = briefings.assign(**{S.DUPLICATE_OF: duplicate_of})
    keys = pd.concat([briefings[[S.BRIEFING_ID]], found[[FINGERPRINT, *BAND_COLUMNS]]], axis=1)[
        ~exact
    ].reset_index(drop=True)
    briefings = briefings[~exact].reset_index(drop=True)
    return LoadResult(briefings, report, keys)


def _exact_note(original: str, own: str | None = None) -> str:
    """The report's reason for an exact duplicate (and the id it was loaded as)."""
    note = f"exact duplicate of {original}"
    return note + (f" (input id {own})" if own is not None and own != original else "")


def _near_note(original: str, jaccard: float) -> str:
    """The report's reason for a near-duplicate; ``report.NEAR_REASON`` matches it."""
    return f"near-duplicate of {original} (Jaccard {jaccard:.2f})"


def _renamed_note(old_id: object) -> str:
    """What the report says of a briefing renamed because its id is another text's."""
    return f"id {old_id!r} is used by another text; renamed"


def _noted(note: str, reason: str) -> str:
    """``note`` put before an existing reason."""
    return f"{note}; {reason}" if reason else note


def _empty_keys() -> pd.DataFrame:
    frame = pd.DataFrame({S.BRIEFING_ID: pd.Series(dtype="str")})
    for column in (FINGERPRINT, *BAND_COLUMNS):
        frame[column] = pd.Series(dtype=np.uint64)
    return frame


@dataclass(frozen=True)
class StoredCorpus:
    """What de-duplicating added briefings needs to know of the stored ones.

    ``ids``, ``dates`` and ``keys`` are row-aligned (position ``i`` is one briefing);
    ``texts`` returns the texts at given positions, read only when needed.
    """

    ids: pd.Series
    dates: pd.Series
    keys: pd.DataFrame
    texts: Callable[[np.ndarray], pd.Series]


def _order_keys(dates: pd.Series, ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(nanoseconds, id) per briefing, missing dates last, as the table's sort order."""
    nanos = dates.array.asi8 if len(dates) else np.empty(0, dtype=np.int64)
    nanos = np.where(dates.isna().to_numpy(), np.iinfo(np.int64).max, nanos)
    return nanos, ids.astype("str").to_numpy(dtype=object)


# How many numbered ids (``id#2``, ``id#3``...) are looked up at once, past those a family
# of added briefings needs, for the added briefings whose id a stored one holds.
_RENAME_TRIES = 16


def number_after_stored(loaded: LoadResult, stored: StoredCorpus) -> LoadResult:
    """Number added briefings reusing stored ids for other texts as one build would.

    A build reading every input at once keeps an id for the first text read and numbers
    the other texts holding it in reading order (``id#2``, ``id#3``...,
    ``resolve_id_collisions``). Reading the added inputs alone already numbered repeats
    among them (the second added ``x`` became ``x#2``); when the store holds ``x`` for
    another text, the stored one is the first read, so the added ``x`` and the added texts
    numbered after it are numbered again, in the order they were read, from the first
    numbers no other briefing holds. An added text equal to the stored one keeps the id
    (an exact duplicate, collapsed later), as in one build. Both the appending and the
    merging ingest start from the result, so both store what one build would.
    """
    briefings, report = loaded.briefings, loaded.report
    if briefings.empty or stored.ids.empty:
        return loaded
    ids = briefings[S.BRIEFING_ID].astype("str").to_numpy(dtype=object)
    held = np.flatnonzero(strings_in(briefings[S.BRIEFING_ID], stored.ids))
    if not len(held):
        return loaded
    at_store = np.flatnonzero(strings_in(stored.ids, pd.Series(ids[held], dtype="str")))
    stored_text = dict(
        zip(
            stored.ids.to_numpy(dtype=object)[at_store],
            stored.texts(at_store).map(normalise_text),
            strict=True,
        )
    )
    texts = briefings[S.TEXT].to_numpy(dtype=object)
    positions = report_positions(report, briefings)
    reasons = report[S.REASON].fillna("").to_numpy(dtype=object).copy()
    siblings_of = _renamed_siblings(ids, positions, reasons)
    new_ids = ids.copy()
    family_of: dict[int, str] = {}
    for root in held.tolist():
        original = str(ids[root])
        if normalise_text(texts[root]) == stored_text[original]:
            continue  # the stored text again: an exact duplicate, not a new text
        family_of[root] = original
        for member in siblings_of.get(original, []):
            if normalise_text(texts[member]) == stored_text[original]:
                new_ids[member] = original  # the stored text: one build leaves its id alone
                at = positions[member]
                reasons[at] = _without_note(reasons[at], _renamed_note(original))
            else:
                family_of[member] = original
    if not family_of:
        return loaded
    outside = {new_ids[at] for at in range(len(ids)) if at not in family_of}
    by_original: dict[str, list[int]] = {}
    for at, original in family_of.items():
        by_original.setdefault(original, []).append(at)
    free = _free_names(
        {original: len(family) for original, family in by_original.items()}, stored.ids, outside
    )
    for original, family in by_original.items():
        family.sort(key=lambda at: 0 if ids[at] == original else _number_of(ids[at], original))
        for at, name in zip(family, free[original], strict=True):
            new_ids[at] = name
            if positions[at] >= 0:
                note = _renamed_note(original)
                if note not in reasons[positions[at]]:
                    reasons[positions[at]] = _noted(note, reasons[positions[at]])
    report = report.copy()
    live = positions >= 0
    report_ids = report[S.BRIEFING_ID].to_numpy(dtype=object).copy()
    report_ids[positions[live]] = new_ids[live]
    report[S.BRIEFING_ID] = pd.Series(report_ids, index=report.index, dtype="str")
    report[S.REASON] = pd.Series(reasons, index=report.index, dtype="str")
    renamed = briefings.assign(
        **{S.BRIEFING_ID: pd.Series(new_ids, index=briefings.index, dtype="str")}
    )
    keys = loaded.keys
    if keys is not None:
        keys = keys.assign(**{S.BRIEFING_ID: pd.Series(new_ids, index=keys.index, dtype="str")})
    order = sort_briefings(renamed.assign(_at=np.arange(len(renamed))))["_at"].to_numpy()
    return LoadResult(
        renamed.iloc[order].reset_index(drop=True),
        report,
        None if keys is None else keys.iloc[order].reset_index(drop=True),
    )


def _free_names(
    wanted: dict[str, int], stored_ids: pd.Series, taken: set[str]
) -> dict[str, list[str]]:
    """For each id, the first ``wanted[id]`` names ``id#2``, ``id#3``... that neither a
    stored briefing nor ``taken`` holds. The candidates of every id are looked up among
    the stored ids in one pass (one pass each took 0.2 s at a million stored briefings),
    and again, further on, only for an id whose first candidates were taken."""
    free: dict[str, list[str]] = {original: [] for original in wanted}
    start = dict.fromkeys(wanted, 2)
    while short := [original for original in wanted if len(free[original]) < wanted[original]]:
        tried = {
            original: [
                f"{original}#{n}"
                for n in range(start[original], start[original] + wanted[original] + _RENAME_TRIES)
            ]
            for original in short
        }
        names = [name for candidates in tried.values() for name in candidates]
        in_store = strings_in(pd.Series(names, dtype="str"), stored_ids)
        used = {name for name, held in zip(names, in_store, strict=True) if held} | taken
        for original, candidates in tried.items():
            need = wanted[original] - len(free[original])
            free[original] += [name for name in candidates if name not in used][:need]
            start[original] += len(candidates)
    return free


_RENAMED = re.compile(
    r"id ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") is used by another text; renamed"
)


def _renamed_siblings(
    ids: np.ndarray, positions: np.ndarray, reasons: np.ndarray
) -> dict[str, list[int]]:
    """The briefings reading renamed because an earlier one held their id: by that id,
    their positions in reading order (``x#2`` before ``x#3``)."""
    found: dict[str, list[int]] = {}
    for member in np.flatnonzero(positions >= 0).tolist():
        match = _RENAMED.search(str(reasons[positions[member]]))
        if match is None:
            continue
        original = str(ast.literal_eval(match.group(1)))
        if str(ids[member]).startswith(f"{original}#"):
            found.setdefault(original, []).append(member)
    for original, members in found.items():
        members.sort(key=lambda member: _number_of(ids[member], original))
    return found


def _number_of(name: object, original: str) -> int:
    """The number of ``original#N`` (large when the rest is not a number)."""
    rest = str(name)[len(original) + 1 :]
    return int(rest) if rest.isdigit() else 1 << 30


def _without_note(reason: str, note: str) -> str:
    """``reason`` less ``note`` and the separator that joined it."""
    text = str(reason)
    for joined in (f"{note}; ", f"; {note}", note):
        if joined in text:
            return text.replace(joined, "", 1)
    return text


def mark_added(
    stored: StoredCorpus,
    added: LoadResult,
    *,
    threshold: float | None = None,
    random_state: int | None = None,
    finder: DuplicateFinder = find_duplicates,
) -> LoadResult | None:
    """De-duplicate added briefings among themselves and against stored ones.

    The result is what ``mark_duplicates`` over stored and added briefings together
    would give for the added ones, while the stored briefings stay as they are.
    Added briefings reusing stored ids for other texts are numbered first
    (``number_after_stored``, as processing them together would number them). When an
    added briefing still holds a stored id for another text, when the added briefings
    would change a stored one (an added briefing dated before a stored one it
    duplicates), or when an added briefing that duplicates a stored one is itself the
    original of another added briefing, ``None`` is returned: process everything together.

    Parameters:
        stored: the stored briefings' ids, dates, duplicate keys and texts.
        added: ``load_files`` output for the added inputs.
        threshold: the near-duplicate Jaccard threshold, in (0, 1]; default the setting.
        random_state: seed of the similarity hashing (as the stored keys used); default
            the setting.
        finder: what finds duplicates among the added briefings (see ``mark_duplicates``).

    Returns:
        The added briefings still to store (with ``duplicate_of`` set), their
        report and keys; or ``None``.
    """
    own = mark_duplicates(
        added.briefings,
        added.report,
        threshold=threshold,
        random_state=random_state,
        finder=finder,
    )
    briefings, report, keys = own.briefings, own.report.copy(), own.keys
    if briefings.empty or stored.ids.empty:
        return own
    assert keys is not None
    pairs = match_added(
        briefings[S.TEXT],
        keys,
        stored.keys,
        stored.texts,
        threshold=threshold,
        random_state=random_state,
    )
    clashing = np.flatnonzero(strings_in(briefings[S.BRIEFING_ID], stored.ids))
    exact_pairs = pairs[pairs[EXACT]]
    same_text = set(
        exact_pairs[NEW_POSITION][
            stored.ids.to_numpy(dtype=object)[exact_pairs[OLD_POSITION]]
            == briefings[S.BRIEFING_ID].to_numpy(dtype=object)[exact_pairs[NEW_POSITION]]
        ]
    )
    if any(position not in same_text for position in clashing):
        return None  # an id a stored text holds, not numbered (``number_after_stored``)
    if pairs.empty:
        return LoadResult(briefings, report, keys)
    new_nanos, new_ids = _order_keys(briefings[S.DATE], briefings[S.BRIEFING_ID])
    old_nanos, old_ids = _order_keys(stored.dates, stored.ids)
    new_at, old_at = pairs[NEW_POSITION].to_numpy(), pairs[OLD_POSITION].to_numpy()
    earlier = (new_nanos[new_at] < old_nanos[old_at]) | (
        (new_nanos[new_at] == old_nanos[old_at]) & (new_ids[new_at] < old_ids[old_at])
    )
    if earlier.any():
        return None
    matched_ids = set(new_ids[np.unique(new_at)])
    referenced = set(briefings[S.DUPLICATE_OF].dropna()) | set(
        report.loc[report[S.STATUS] == S.DUPLICATE, S.BRIEFING_ID]
    )
    if matched_ids & referenced:
        return None
    positions = report_positions(report, briefings)
    status = report[S.STATUS].to_numpy(dtype=object).copy()
    reason = report[S.REASON].fillna("").to_numpy(dtype=object).copy()
    report_ids = report[S.BRIEFING_ID].to_numpy(dtype=object).copy()
    duplicate_of = briefings[S.DUPLICATE_OF].to_numpy(dtype=object).copy()
    dropped = np.zeros(len(briefings), dtype=bool)
    # The stored original: exact before near, then the earliest in table order.
    ranked = pairs.assign(
        _exact=~pairs[EXACT], _nanos=old_nanos[old_at], _id=old_ids[old_at]
    ).sort_values([NEW_POSITION, "_exact", "_nanos", "_id"], kind="stable")
    best = ranked.drop_duplicates(NEW_POSITION)
    lookup = pd.Series(np.arange(len(briefings)), index=briefings[S.BRIEFING_ID].to_numpy())
    for new, old, is_exact, jaccard in zip(
        best[NEW_POSITION], best[OLD_POSITION], best[EXACT], best[JACCARD], strict=True
    ):
        target = positions[new]
        original = old_ids[old]
        if is_exact:
            dropped[new] = True
            if target >= 0:
                status[target] = S.DUPLICATE
                rest = NEAR_REASON.sub("", reason[target])
                reason[target] = _noted(_exact_note(original, new_ids[new]), rest)
                report_ids[target] = original
            continue
        current = duplicate_of[new]
        if isinstance(current, str):
            at = lookup[current]
            if (new_nanos[at], new_ids[at]) < (old_nanos[old], old_ids[old]):
                continue
        duplicate_of[new] = original
        if target >= 0:
            status[target] = S.NEAR_DUPLICATE
            rest = NEAR_REASON.sub("", reason[target])
            reason[target] = _noted(_near_note(original, jaccard), rest)
    report[S.STATUS] = pd.Series(status, index=report.index, dtype="str")
    report[S.REASON] = pd.Series(reason, index=report.index, dtype="str")
    report[S.BRIEFING_ID] = pd.Series(report_ids, index=report.index, dtype="str")
    briefings = briefings.assign(
        **{S.DUPLICATE_OF: pd.Series(duplicate_of, index=briefings.index, dtype="str")}
    )
    return LoadResult(
        briefings[~dropped].reset_index(drop=True),
        report,
        keys[~dropped].reset_index(drop=True),
    )
