"""Rollups written at ingest: each equals its rule on the store's full tables, for every period
kind, after a full and an incremental ingest; served only while the settings they used hold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics import settings
from analytics.pipeline import (
    ROLLUP_FREQS,
    ROLLUPS,
    Store,
    ensure_store,
    read_rollups,
)
from analytics.relations import relations_over_time
from analytics.tallies import briefing_volume, country_attention, topic_shares


@pytest.fixture()
def corpus(tmp_path: Path, fixtures_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "store", folder)
    return folder


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
    assert set(ROLLUPS) == {"volume", "countries", "topics", "pairs"}
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


def test_rollups_are_not_served_under_other_spike_settings(built) -> None:
    _, store = built
    assert read_rollups(store) is not None
    with settings.override(spike_k=settings.value("spike_k") + 1.0):
        assert read_rollups(store) is None


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
