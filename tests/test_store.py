"""The store: build, no-op re-ingest, incremental additions, damage and interrupted writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics.errors import EmptyCorpusError, StoreError
from analytics.store import STORED_TABLES, ensure_store, open_store


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
    table = store.table_files("mentions")[0]
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    with pytest.raises(
        StoreError, match=r"mentions-\d+.parquet has \d+ bytes, expected \d+: truncated.*--rebuild"
    ):
        open_store(store_dir).artefacts()


def test_open_store_detects_corrupted_table(built) -> None:
    store, _, store_dir = built
    table = store.table_files("topics")[0]
    size = table.stat().st_size
    table.write_bytes(b"\0" * size)
    with pytest.raises(StoreError, match=r"topics-\d+.parquet cannot be read"):
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
        "st._fsync_files = lambda paths: os._exit(9)\n"
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
    used = {path for name in STORED_TABLES for path in resumed.table_files(name)}
    assert set((store_dir / "parts").iterdir()) == used


# -- adding briefings: appended parts, duplicates across stored and added ------------------


def _fixture_text(fixtures_dir: Path, name: str) -> str:
    return (fixtures_dir / "store" / name).read_text(encoding="utf-8")


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture()
def jsonl_store(tmp_path: Path, fixtures_dir: Path):
    folder = tmp_path / "feed"
    folder.mkdir()
    base = [
        {"id": f"a{n}", "date": f"2025-0{n}-10", "text": _fixture_text(fixtures_dir, f"a{n}.txt")}
        for n in (1, 2, 3, 4)
    ]
    _write_jsonl(folder / "part1.jsonl", base)
    store_dir = tmp_path / "store"
    store, _ = ensure_store([folder], store_dir, n_topics=2)
    return folder, store_dir, store, base


def _last_word_changed(text: str) -> str:
    return text.rstrip().rsplit(" ", 1)[0] + " soon."


def _dedup_view(store) -> tuple[list, list]:
    """Briefing ids with their duplicate_of, and the load report, in a stable order."""
    briefings = store.artefacts().briefings
    flagged = sorted(
        zip(briefings[S.BRIEFING_ID], briefings[S.DUPLICATE_OF].fillna("-"), strict=True)
    )
    report = store.artefacts().report
    rows = sorted(
        zip(
            report["file"].map(lambda f: Path(f).name),
            report["row"].astype("Int64").astype(str),
            report["status"],
            report["reason"].fillna(""),
            report[S.BRIEFING_ID].fillna(""),
            strict=True,
        )
    )
    return flagged, rows


def _same_as_full_build(folder: Path, store, tmp_path: Path) -> None:
    full, _ = ensure_store([folder], tmp_path / "full-store", n_topics=2)
    assert _dedup_view(store) == _dedup_view(full)
    for table in ("mentions", "interactions"):
        ours = store.table(table).sort_values(list(store.table(table).columns)[:4])
        theirs = full.table(table).sort_values(list(full.table(table).columns)[:4])
        pd.testing.assert_frame_equal(
            ours.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False
        )
    assert store.fingerprint == full.fingerprint


def test_ensure_store_appends_added_briefings_without_rewriting_stored_parts(
    jsonl_store, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder, store_dir, store, base = jsonl_store
    old_parts = {name: store.table_files(name) for name in ("briefings", "mentions", "report")}
    old_bytes = old_parts["briefings"][0].read_bytes()
    added = [
        {
            "id": "b1",
            "date": "2025-06-01",
            "text": (fixtures_dir / "store_added" / "b1.txt").read_text(),
        },
        {"id": "b2", "date": "2025-06-02", "text": _last_word_changed(base[0]["text"])},
        {"id": "b3", "date": "2025-06-03", "text": base[1]["text"].upper()},
    ]
    _write_jsonl(folder / "part2.jsonl", added)
    updated, summary = ensure_store([folder], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    assert (summary.n_loaded, summary.n_duplicates) == (1, 2)
    for name, files in old_parts.items():
        assert updated.table_files(name)[: len(files)] == files
        assert len(updated.table_files(name)) == len(files) + 1
    assert updated.table_files("briefings")[0].read_bytes() == old_bytes
    briefings = updated.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert sorted(briefings.index) == ["a1", "a2", "a3", "a4", "b1", "b2"]
    assert briefings.loc["b2", S.DUPLICATE_OF] == "a1"
    report = updated.artefacts().report.set_index(S.BRIEFING_ID)
    assert report.loc["a2", "reason"].tolist() == ["", "exact duplicate of a2 (input id b3)"]
    assert report.loc["b2", "status"] == "near-duplicate"
    assert len(updated.artefacts().topics) == 6
    _same_as_full_build(folder, updated, tmp_path)


def test_ensure_store_reprocesses_when_an_added_briefing_predates_its_stored_duplicate(
    jsonl_store, tmp_path: Path
) -> None:
    folder, store_dir, store, base = jsonl_store
    earlier = {"id": "c1", "date": "2025-01-01", "text": _last_word_changed(base[2]["text"])}
    _write_jsonl(folder / "part2.jsonl", [earlier])
    updated, summary = ensure_store([folder], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    assert len(updated.table_files("briefings")) == 1  # merged and rewritten
    briefings = updated.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert briefings.loc["a3", S.DUPLICATE_OF] == "c1"
    assert pd.isna(briefings.loc["c1", S.DUPLICATE_OF])
    _same_as_full_build(folder, updated, tmp_path)


def test_ensure_store_renames_an_added_briefing_reusing_a_stored_id(
    jsonl_store, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder, store_dir, _, _ = jsonl_store
    text = (fixtures_dir / "store_added" / "b1.txt").read_text()
    _write_jsonl(folder / "part2.jsonl", [{"id": "a1", "date": "2025-07-01", "text": text}])
    updated, _ = ensure_store([folder], store_dir, n_topics=2)
    ids = set(updated.artefacts().briefings[S.BRIEFING_ID])
    assert ids == {"a1", "a1#2", "a2", "a3", "a4"}
    _same_as_full_build(folder, updated, tmp_path)


def test_open_store_reads_a_format_1_store(jsonl_store) -> None:
    _, store_dir, store, _ = jsonl_store
    generation = store.generation
    expected = store.artefacts().briefings
    meta = json.loads((generation / "meta.json").read_text())
    for name, entry in meta["tables"].items():
        (store_dir / entry["parts"][0]["file"]).rename(generation / f"{name}.parquet")
        meta["tables"][name] = {k: entry["parts"][0][k] for k in ("rows", "bytes")}
    meta["format"] = 1
    (generation / "meta.json").write_text(json.dumps(meta))
    old = open_store(store_dir)
    assert old.table_files("topics") == [generation / "topics.parquet"]
    pd.testing.assert_frame_equal(old.artefacts().briefings, expected)


def test_corpus_fingerprint_ignores_row_order_and_combines_added_rows() -> None:
    from analytics.pipeline import (
        combine_fingerprint_states,
        corpus_fingerprint,
        fingerprint_from_state,
        fingerprint_state,
    )

    frame = pd.DataFrame({S.BRIEFING_ID: ["x", "y", "z"], S.TEXT: ["one", "two", "three"]})
    assert corpus_fingerprint(frame) == corpus_fingerprint(frame.iloc[::-1])
    combined = combine_fingerprint_states(
        fingerprint_state(frame.iloc[:1]), fingerprint_state(frame.iloc[1:])
    )
    assert combined == fingerprint_state(frame)
    assert fingerprint_from_state(combined) == corpus_fingerprint(frame)
    edited = frame.assign(**{S.TEXT: ["one", "two", "three!"]})
    swapped = frame.assign(**{S.BRIEFING_ID: ["y", "x", "z"]})
    assert len({corpus_fingerprint(f) for f in (frame, edited, swapped)}) == 3


def test_ensure_store_reprocesses_when_an_added_duplicate_is_itself_duplicated(
    jsonl_store, tmp_path: Path
) -> None:
    folder, store_dir, _, base = jsonl_store
    near = _last_word_changed(base[0]["text"])
    added = [
        {"id": "d1", "date": "2025-08-01", "text": near},
        {"id": "d2", "date": "2025-08-02", "text": near.lower()},
    ]
    _write_jsonl(folder / "part2.jsonl", added)
    updated, _ = ensure_store([folder], store_dir, n_topics=2)
    assert len(updated.table_files("briefings")) == 1
    briefings = updated.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert briefings.loc["d1", S.DUPLICATE_OF] == "a1"
    assert "d2" not in briefings.index
    _same_as_full_build(folder, updated, tmp_path)


def test_ensure_store_refit_is_explicit_and_keeps_topic_ids(
    tmp_path: Path, project_root: Path
) -> None:
    corpus = tmp_path / "sample"
    shutil.copytree(project_root / "data" / "sample", corpus)
    later = tmp_path / "later"
    later.mkdir()
    for path in sorted(corpus.glob("*.txt"))[-20:]:
        path.rename(later / path.name)
    store_dir = tmp_path / "store"
    store, _ = ensure_store([corpus], store_dir, n_topics=8)
    before = store.artefacts().topics.set_index(S.BRIEFING_ID)[S.TOPIC_ID]
    for path in later.iterdir():
        path.rename(corpus / path.name)
    added, summary = ensure_store([corpus], store_dir, n_topics=8)
    assert summary.mode == "incremental"
    kept = added.artefacts().topics.set_index(S.BRIEFING_ID)[S.TOPIC_ID]
    assert kept.loc[before.index].tolist() == before.tolist()
    refitted, summary = ensure_store([corpus], store_dir, n_topics=8, refit=True)
    assert summary.mode == "full"
    after = refitted.artefacts().topics.set_index(S.BRIEFING_ID)[S.TOPIC_ID]
    # A refitted topic that keeps an old id holds mostly that old topic's briefings.
    overlap = pd.crosstab(before, after.loc[before.index])
    kept_ids = [topic for topic in overlap.columns if topic in overlap.index]
    assert len(kept_ids) >= 5
    assert [overlap[topic].idxmax() for topic in kept_ids] == kept_ids
