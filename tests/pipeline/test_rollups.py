"""Rollups written at ingest: each equals its rule on the store's full tables, for every
period kind, after a full, an incremental and a batched ingest; served as stored only while
the settings and finishing rules they used hold, else finished again from the stored counts.
The stored counts they are finished from equal the counts of the full tables, and an ingest
that adds briefings merges them with the counts of the added ones only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics import settings
from analytics.pipeline import (
    ROLLUP_COLUMNS,
    ROLLUP_FREQS,
    ROLLUPS,
    RollupCounts,
    RollupInputs,
    Store,
    count_rollups,
    ensure_store,
    open_store,
    read_rollup_counts,
    read_rollups,
)
from analytics.pipeline.layout import ROLLUP_COUNT_TABLES
from analytics.relations import relations_over_time
from analytics.synth import generate_corpus, write_corpus
from analytics.tallies import briefing_volume, country_attention, topic_shares
from analytics.views import comention_edges, topic_cells


@pytest.fixture()
def built(corpus: Path, tmp_path: Path) -> tuple[Path, Store]:
    store_dir = tmp_path / "store"
    store, _ = ensure_store([corpus], store_dir, n_topics=2)
    return store_dir, store


def _computed(store: Store, kind: str, freq: str) -> pd.DataFrame:
    """The view's rule on the store's full tables, written out per kind."""
    briefings = store.table("briefings")
    countries = store.table("countries")
    if kind == "volume":
        return briefing_volume(briefings, freq)
    if kind == "countries":
        named = sorted(countries[S.ISO3].unique())
        return country_attention(countries, briefings, named, freq)
    if kind == "topics":
        return topic_shares(store.table("topics"), freq)
    if kind == "comentions":
        return comention_edges(countries, limit=None)
    if kind == "matrix":
        return topic_cells(store.table("topics"), countries)
    return relations_over_time(store.table("interactions"), briefings, freq)


CASES = [(kind, freq) for kind in ROLLUPS for freq in ROLLUP_FREQS]


@pytest.mark.parametrize(("kind", "freq"), CASES, ids=[f"{k}-{f}" for k, f in CASES])
def test_each_rollup_equals_its_rule_on_the_full_tables(built, kind: str, freq: str) -> None:
    _, store = built
    rollups = read_rollups(store)
    assert rollups is not None
    stored = rollups[kind][freq]
    assert len(stored) > 0
    pd.testing.assert_frame_equal(stored, _computed(store, kind, freq))


def test_the_rules_cover_every_kind_the_store_holds() -> None:
    assert set(ROLLUPS) == {"volume", "countries", "topics", "pairs", "comentions", "matrix"}
    assert ROLLUP_FREQS == ("week", "month", "quarter")


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        # The fixture's briefings are dated 6 and 20 January, 3 and 17 February 2025.
        ("week", [1, 0, 1, 0, 1, 0, 1]),
        ("month", [2, 2]),
        ("quarter", [4]),
    ],
    ids=["week", "month", "quarter"],
)
def test_volume_rollup_counts_briefings_per_period(built, freq: str, expected: list[int]) -> None:
    _, store = built
    rollups = read_rollups(store)
    assert rollups is not None
    assert rollups["volume"][freq][S.N_BRIEFINGS].tolist() == expected


@pytest.mark.parametrize(("kind", "freq"), CASES, ids=[f"{k}-{f}" for k, f in CASES])
def test_an_incremental_ingest_rewrites_rollups_of_the_whole_corpus(
    built, corpus: Path, fixtures_dir: Path, kind: str, freq: str
) -> None:
    store_dir, _ = built
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    updated, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    rollups = read_rollups(updated)
    assert rollups is not None
    pd.testing.assert_frame_equal(rollups[kind][freq], _computed(updated, kind, freq))
    # One part per rollup: rewritten whole, never appended to.
    assert len(updated.table_files(f"rollup_{kind}")) == 1


def test_the_added_briefing_is_counted_in_its_month(built, corpus, fixtures_dir) -> None:
    store_dir, _ = built
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    updated, _ = ensure_store([corpus], store_dir, n_topics=2)
    rollups = read_rollups(updated)
    assert rollups is not None
    # b1 is dated 3 March 2025 by the manifest.
    assert rollups["volume"]["month"][S.N_BRIEFINGS].tolist() == [2, 2, 1]


def _tables_asked(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tables ``store`` is asked for from now on."""
    asked: list[str] = []
    original = store.table

    def table(name: str, *args, **kwargs):
        asked.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(store, "table", table)
    return asked


def test_under_other_spike_settings_rollups_are_finished_again_from_the_counts(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store = built
    asked = _tables_asked(store, monkeypatch)
    default = read_rollups(store)
    assert default is not None
    assert sorted(asked) == sorted(f"rollup_{kind}" for kind in ROLLUPS)
    asked.clear()
    with settings.override(spike_min_conflicts=1, spike_baseline_periods=1, spike_k=0.0):
        rollups = read_rollups(store)
        assert rollups is not None
        assert sorted(asked) == sorted(f"rollup_counts_{kind}" for kind in ROLLUPS)
        monkeypatch.undo()
        for kind, freq in CASES:
            pd.testing.assert_frame_equal(rollups[kind][freq], _computed(store, kind, freq))
        # A baseline of one period: the pairs' rollup differs from the stored one.
        assert not rollups["pairs"]["week"].equals(default["pairs"]["week"])


def test_rollups_finished_by_older_rules_are_finished_again_from_the_counts(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir, store = built
    meta = json.loads((store.generation / "meta.json").read_text())
    # A generation written before a period without briefings had no attention share: its
    # meta records no finishing rules, and its attention rollup holds 0 in empty weeks.
    del meta["rollups"]["finish"]
    older = Store(store_dir, store.generation, meta)
    original = older.table

    def table(name: str, *args, **kwargs):
        read = original(name, *args, **kwargs)
        return read.fillna({"share": 0.0}) if name == "rollup_countries" else read

    monkeypatch.setattr(older, "table", table)
    assert (older.table("rollup_countries")["share"].notna()).all()
    rollups = read_rollups(older)
    assert rollups is not None
    volume = rollups["volume"]["week"]
    empty_weeks = volume.loc[volume[S.N_BRIEFINGS] == 0, S.PERIOD]
    assert len(empty_weeks) == 3
    weekly = rollups["countries"]["week"]
    assert weekly.loc[weekly[S.PERIOD].isin(empty_weeks), "share"].isna().all()
    monkeypatch.undo()
    for kind, freq in CASES:
        pd.testing.assert_frame_equal(rollups[kind][freq], _computed(older, kind, freq))


def test_a_store_written_before_rollups_has_none(built) -> None:
    store_dir, store = built
    meta_path = store.generation / "meta.json"
    meta = json.loads(meta_path.read_text())
    del meta["rollups"]
    for name in [name for name in meta["tables"] if name.startswith("rollup_")]:
        del meta["tables"][name]
    meta_path.write_text(json.dumps(meta))
    older = Store(store_dir, store.generation, meta)
    assert read_rollups(older) is None


def _whole_counts(store: Store) -> RollupCounts:
    """The rollup counts of the store's full tables, counted in one go."""
    names = ("briefings", "countries", "topics", "interactions")
    return count_rollups(RollupInputs(*(store.table(n, columns=ROLLUP_COLUMNS[n]) for n in names)))


def _assert_rollups_of_the_whole_corpus(store: Store) -> None:
    """Every rollup equals its rule on the full tables, and the stored counts their counts."""
    rollups = read_rollups(store)
    assert rollups is not None
    for kind, freq in CASES:
        pd.testing.assert_frame_equal(
            rollups[kind][freq], _computed(store, kind, freq), check_exact=True, obj=kind
        )
    stored = read_rollup_counts(store)
    assert stored is not None
    for kind, counts in _whole_counts(store).items():
        assert len(counts) > 0
        pd.testing.assert_frame_equal(stored[kind], counts, check_exact=True, obj=kind)


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[str, ...] | None]]:
    """Every ``Store.table`` call from now on, as (table, columns)."""
    calls: list[tuple[str, tuple[str, ...] | None]] = []
    read = Store.table

    def recording(self: Store, name: str, columns=None) -> pd.DataFrame:
        calls.append((name, None if columns is None else tuple(columns)))
        return read(self, name, columns)

    monkeypatch.setattr(Store, "table", recording)
    return calls


def test_an_incremental_ingest_counts_only_the_added_briefings(
    built, corpus: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir, _ = built
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    calls = _reads(monkeypatch)
    updated, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    read = dict(calls)
    # No stored rows of these are read for the rollups; the topic summary reads three columns.
    assert "countries" not in read and "interactions" not in read
    assert read["topics"] == (S.BRIEFING_ID, S.TOPIC_ID, S.WEIGHT)
    assert {name for name, _ in calls} >= {f"rollup_counts_{kind}" for kind in ROLLUPS}
    monkeypatch.undo()
    _assert_rollups_of_the_whole_corpus(updated)


def test_a_full_ingest_stores_the_counts_of_its_tables(built) -> None:
    _, store = built
    _assert_rollups_of_the_whole_corpus(store)
    assert store.meta["rollups"]["counts"] == 1


def _forget_counts(store: Store) -> Store:
    """``store`` as a version before the counts wrote it: rollups, but no counts."""
    meta_path = store.generation / "meta.json"
    meta = json.loads(meta_path.read_text())
    del meta["rollups"]["counts"]
    for name in ROLLUP_COUNT_TABLES:
        del meta["tables"][name]
    meta_path.write_text(json.dumps(meta))
    return open_store(store.path)


def test_a_store_written_before_the_counts_is_served_and_gets_them_at_its_next_ingest(
    built, corpus: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir, store = built
    older = _forget_counts(store)
    assert read_rollup_counts(older) is None
    assert read_rollups(older) is not None  # its rollups are still served
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    calls = _reads(monkeypatch)
    updated, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    # Counted once from the stored tables, only the columns the rules read.
    assert ("countries", tuple(ROLLUP_COLUMNS["countries"])) in calls
    assert ("interactions", tuple(ROLLUP_COLUMNS["interactions"])) in calls
    monkeypatch.undo()
    _assert_rollups_of_the_whole_corpus(updated)
    assert updated.meta["rollups"]["counts"] == 1


def test_a_store_written_before_the_comentions_is_served_the_rest_and_counts_them_once(
    built, corpus: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The co-mentions and the topic-by-country cells came after the first four kinds.
    store_dir, store = built
    meta_path = store.generation / "meta.json"
    meta = json.loads(meta_path.read_text())
    for kind in ("comentions", "matrix"):
        del meta["tables"][f"rollup_{kind}"], meta["tables"][f"rollup_counts_{kind}"]
    meta_path.write_text(json.dumps(meta))
    older = open_store(store_dir)
    rollups = read_rollups(older)
    assert rollups is not None and set(rollups) == {"volume", "countries", "topics", "pairs"}
    assert read_rollup_counts(older) is None  # an ingest counts every kind again, once
    with settings.override(spike_k=0.0):  # finished again from the counts it holds
        again = read_rollups(older)
        assert again is not None and set(again) == set(rollups)
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    calls = _reads(monkeypatch)
    updated, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    assert ("countries", tuple(ROLLUP_COLUMNS["countries"])) in calls
    monkeypatch.undo()
    _assert_rollups_of_the_whole_corpus(updated)


# Each input file below is about 10-20 KB: at this size every file is a batch.
ONE_FILE_A_BATCH = 0.001


def test_a_batched_build_and_a_batched_add_keep_rollups_of_the_whole_corpus(
    tmp_path: Path,
) -> None:
    frame = generate_corpus(50, seed=11, start="2024-01-01", end="2024-08-31")
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    files = [
        write_corpus(frame.iloc[start : start + 10], tmp_path / f"in-{start:02d}")
        for start in range(0, 50, 10)
    ]
    store_dir = tmp_path / "store"
    store, summary = ensure_store(files[:3], store_dir, batch_mb=ONE_FILE_A_BATCH)
    assert summary.notices[0].startswith("built in 3 batches")
    _assert_rollups_of_the_whole_corpus(store)
    store, summary = ensure_store(files, store_dir, batch_mb=ONE_FILE_A_BATCH)
    assert summary.mode == "incremental"
    assert summary.n_new_files == 2
    assert len(store.table("briefings")) == 50
    _assert_rollups_of_the_whole_corpus(store)
