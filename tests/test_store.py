"""The store: build, no-op re-ingest, incremental additions, damage and interrupted writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import schema as S
from analytics.errors import EmptyCorpusError, StoreError
from analytics.store import ensure_store, open_store


@pytest.fixture()
def corpus(tmp_path: Path, fixtures_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "store", folder)
    return folder


@pytest.fixture()
def built(corpus: Path, tmp_path: Path):
    store_dir = tmp_path / "store"
    store, summary = ensure_store([corpus], store_dir, n_topics=2)
    return store, summary, store_dir


def test_ensure_store_builds_every_table(built) -> None:
    store, summary, _ = built
    artefacts = store.artefacts()
    assert summary.mode == "full"
    assert sorted(artefacts.briefings[S.TITLE]) == [
        "France and Germany plan battery factories",
        "India and Pakistan exchange fire",
        "Japan and US sign defence agreement",
        "Russia strikes Ukrainian power stations",
    ]
    assert set(artefacts.briefings[S.DATE_SOURCE]) == {"manifest"}
    assert len(artefacts.topics) == 4
    assert set(artefacts.countries[S.ISO3]) >= {
        "JPN",
        "USA",
        "RUS",
        "UKR",
        "IND",
        "PAK",
        "FRA",
        "DEU",
    }
    pairs = set(
        zip(artefacts.interactions[S.COUNTRY_A], artefacts.interactions[S.COUNTRY_B], strict=True)
    )
    assert ("JPN", "USA") in pairs and ("RUS", "UKR") in pairs


def test_ensure_store_second_run_does_no_work(built, corpus: Path) -> None:
    store, _, store_dir = built
    again, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "unchanged"
    assert again.generation == store.generation


def test_ensure_store_adds_new_files_incrementally(built, corpus: Path, fixtures_dir: Path) -> None:
    store, _, store_dir = built
    before = store.artefacts().topics.set_index(S.BRIEFING_ID)[S.TOPIC_ID]
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    updated, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    assert summary.n_new_files == 1
    artefacts = updated.artefacts()
    assert len(artefacts.briefings) == 5
    added = artefacts.briefings[artefacts.briefings[S.TITLE] == "China and Japan hold trade talks"]
    assert added[S.DATE_SOURCE].tolist() == ["manifest"]
    after = artefacts.topics.set_index(S.BRIEFING_ID)[S.TOPIC_ID]
    assert after.loc[before.index].tolist() == before.tolist()
    assert added[S.BRIEFING_ID].iloc[0] in set(artefacts.topics[S.BRIEFING_ID])
    assert updated.fingerprint != store.fingerprint


def test_open_store_reports_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at .* create one with"):
        open_store(tmp_path / "nowhere")


def test_open_store_detects_truncated_table(built) -> None:
    store, _, store_dir = built
    table = store.generation / "mentions.parquet"
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    with pytest.raises(
        StoreError, match=r"mentions.parquet has \d+ bytes, expected \d+: truncated.*--rebuild"
    ):
        open_store(store_dir).artefacts()


def test_open_store_detects_corrupted_table(built) -> None:
    store, _, store_dir = built
    table = store.generation / "topics.parquet"
    size = table.stat().st_size
    table.write_bytes(b"\0" * size)
    with pytest.raises(StoreError, match="topics.parquet cannot be read"):
        open_store(store_dir).artefacts()


def test_ensure_store_rebuilds_a_damaged_store(built, corpus: Path) -> None:
    store, _, store_dir = built
    (store.generation / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="meta.json cannot be read"):
        open_store(store_dir)
    rebuilt, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "full"
    assert len(rebuilt.artefacts().briefings) == 4


def test_ensure_store_rejects_a_corpus_with_nothing_to_load(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("   \n", encoding="utf-8")
    with pytest.raises(EmptyCorpusError, match="blank.txt"):
        ensure_store([empty], tmp_path / "store")


def test_interrupted_ingest_leaves_previous_store_intact(
    built, corpus: Path, fixtures_dir: Path
) -> None:
    store, _, store_dir = built
    fingerprint = store.fingerprint
    shutil.copy(fixtures_dir / "store_added" / "b1.txt", corpus / "b1.txt")
    # Kill the process (no cleanup, no exception handling) after the new tables are written
    # but before the new generation is made current.
    script = (
        "import os, analytics.store as st\n"
        "st._fsync_tree = lambda folder: os._exit(9)\n"
        f"st.ensure_store([{str(corpus)!r}], {str(store_dir)!r}, n_topics=2)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert killed.returncode == 9
    survivor = open_store(store_dir)
    assert survivor.fingerprint == fingerprint
    assert len(survivor.artefacts().briefings) == 4
    resumed, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    assert len(resumed.artefacts().briefings) == 5
    assert not list(store_dir.glob(".tmp-*"))
