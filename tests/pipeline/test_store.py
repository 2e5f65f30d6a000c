"""The store: build, no-op re-ingest, incremental additions, damage and interrupted writes,
adding and replacing inputs, foreign folders, and content checksums."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from legacy_stores import write_legacy_store

from analytics import schema as S
from analytics.errors import EmptyCorpusError, InputError, StoreError
from analytics.pipeline import (
    DAMAGED,
    FOREIGN,
    MARKER,
    NEW,
    READY,
    STORED_TABLES,
    TABLES,
    Store,
    ensure_store,
    inspect_store,
    open_store,
    rebuild_plan,
)
from analytics.pipeline import integrity as integrity_module
from analytics.pipeline.deltatables import latest_version


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


def test_a_store_written_before_the_watchlist_lists_it_from_what_it_holds(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "c1.txt").write_text(
        "What's Happening?\nFrance and Germany met in Paris.\n"
        "What's Next?\nFrance will host a summit with Germany on March 3.\n",
        encoding="utf-8",
    )
    store, _ = ensure_store([corpus], tmp_path / "store", n_topics=2)
    stored = store.table("watchlist")
    added = stored[stored[S.SENTENCE].str.startswith("France will host")]
    assert added[[S.COUNTRIES, S.CUES, S.WHEN]].values.tolist() == [
        ["FRA|DEU", "host|summit", "March 3"]
    ]
    meta_path = store.generation / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["tables"]["watchlist"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    older = open_store(tmp_path / "store")
    assert not older.has_table("watchlist")
    pd.testing.assert_frame_equal(older.artefacts().watchlist, stored, check_dtype=False)


def test_open_store_reports_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at .* create one with"):
        open_store(tmp_path / "nowhere")


def test_open_store_detects_truncated_table(built) -> None:
    store, _, store_dir = built
    table = store.table_files("mentions")[0]
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    with pytest.raises(
        StoreError,
        match=r"tables/mentions/month=2025-\d\d/part-\S+\.parquet has \d+ bytes, expected \d+: "
        r"truncated.*--rebuild",
    ):
        open_store(store_dir).artefacts()


def test_open_store_detects_corrupted_table_by_its_checksum(built) -> None:
    store, _, store_dir = built
    table = store.table_files("topics")[0]
    size = table.stat().st_size
    table.write_bytes(b"\0" * size)
    with pytest.raises(StoreError, match=r"tables/topics/\S+\.parquet does not match its checksum"):
        open_store(store_dir).artefacts()


def _drop_checksums(store) -> None:
    """Make ``store`` (format 2) look like one written before checksums existed."""
    meta = json.loads((store.generation / "meta.json").read_text())
    for entry in meta["tables"].values():
        for part in entry["parts"]:
            del part["sha256"]
    del meta["model_files"]
    (store.generation / "meta.json").write_text(json.dumps(meta))


def test_open_store_without_checksums_still_detects_an_unreadable_table(
    built, tmp_path: Path
) -> None:
    store_dir = write_legacy_store(built[0], tmp_path / "legacy")
    store = open_store(store_dir)
    _drop_checksums(store)
    assert not open_store(store_dir).checksummed
    table = store.table_files("topics")[0]
    table.write_bytes(b"\0" * table.stat().st_size)
    with pytest.raises(StoreError, match=r"topics-\d+.parquet cannot be read"):
        open_store(store_dir).artefacts()


def test_ensure_store_refuses_a_damaged_store_until_told_to_replace(built, corpus: Path) -> None:
    store, _, store_dir = built

    def data_files() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in (store_dir / "tables").rglob("*") if p.is_file()}

    files_before = data_files()
    (store.generation / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="meta.json cannot be read"):
        open_store(store_dir)
    assert inspect_store(store_dir).kind == DAMAGED
    with pytest.raises(
        StoreError, match=r"damaged \(gen-000001/meta.json cannot be read.*--rebuild"
    ):
        ensure_store([corpus], store_dir, n_topics=2)
    assert data_files() == files_before
    rebuilt, summary = ensure_store([corpus], store_dir, n_topics=2, replace=True)
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
        "import os, analytics.pipeline.generation as generation\n"
        "generation._fsync_files = lambda paths: os._exit(9)\n"
        "from analytics.pipeline import ensure_store\n"
        f"ensure_store([{str(corpus)!r}], {str(store_dir)!r}, n_topics=2)\n"
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
    # The killed ingest's table versions were rolled back: the resumed one appended to the
    # versions of the generation in force, which reads as it did.
    assert sorted(p.name for p in store_dir.glob("gen-*")) == ["gen-000001", "gen-000002"]
    previous = Store(
        store_dir,
        store_dir / "gen-000001",
        json.loads((store_dir / "gen-000001" / "meta.json").read_text()),
    )
    for name in STORED_TABLES:
        pd.testing.assert_frame_equal(previous.table(name), survivor.table(name))
    assert set(survivor.table("briefings")[S.BRIEFING_ID]) < set(
        resumed.table("briefings")[S.BRIEFING_ID]
    )
    for name in STORED_TABLES:
        assert latest_version(store_dir, name) == resumed.meta["tables"][name]["version"]


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
    for table in ("mentions", "interactions", "watchlist"):
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
    # b3 differs from a stored text only in case (merged); b2 in its last word (kept, flagged)
    assert (summary.n_loaded, summary.n_duplicates, summary.n_near_duplicates) == (1, 1, 1)
    assert "1 loaded, 1 near-duplicates kept and flagged, 1 exact duplicates merged" in (
        summary.describe()
    )
    for name, files in old_parts.items():
        # Appended: every stored file is kept as it is, and new ones hold the added rows.
        assert set(files) < set(updated.table_files(name))
    assert old_parts["briefings"][0].read_bytes() == old_bytes
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
    # Merged and rewritten: no stored file is part of the new version.
    assert not set(updated.table_files("briefings")) & set(store.table_files("briefings"))
    briefings = updated.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert briefings.loc["a3", S.DUPLICATE_OF] == "c1"
    assert pd.isna(briefings.loc["c1", S.DUPLICATE_OF])
    _same_as_full_build(folder, updated, tmp_path)


@pytest.mark.parametrize("date", ["2025-07-01", "2025-01-01"], ids=["later", "earlier"])
def test_ensure_store_renames_an_added_briefing_reusing_a_stored_id(
    jsonl_store, tmp_path: Path, fixtures_dir: Path, date: str
) -> None:
    # Dated after or before the stored a1, the added one is renamed: the stored one keeps
    # its id. Appended: the stored parts stay (a million stored briefings were all read
    # and merged again, past the memory of the machine), and the report says so.
    folder, store_dir, store, _ = jsonl_store
    text = (fixtures_dir / "store_added" / "b1.txt").read_text()
    _write_jsonl(folder / "part2.jsonl", [{"id": "a1", "date": date, "text": text}])
    updated, _ = ensure_store([folder], store_dir, n_topics=2)
    ids = set(updated.artefacts().briefings[S.BRIEFING_ID])
    assert ids == {"a1", "a1#2", "a2", "a3", "a4"}
    assert set(updated.table_files("briefings")) & set(store.table_files("briefings"))
    report = updated.artefacts().report.set_index(S.BRIEFING_ID)
    assert report.loc["a1#2", S.REASON] == "id 'a1' is used by another text; renamed"
    _same_as_full_build(folder, updated, tmp_path)


def test_ensure_store_numbers_an_added_id_past_those_taken(
    jsonl_store, tmp_path: Path, fixtures_dir: Path
) -> None:
    # a1#2 is a stored id already: the added a1 becomes a1#3.
    folder, store_dir, _, base = jsonl_store
    text = (fixtures_dir / "store_added" / "b1.txt").read_text()
    taken = {"id": "a1#2", "date": "2025-06-01", "text": _last_word_changed(base[3]["text"])}
    _write_jsonl(folder / "part2.jsonl", [taken])
    ensure_store([folder], store_dir, n_topics=2)
    _write_jsonl(folder / "part3.jsonl", [{"id": "a1", "date": "2025-07-01", "text": text}])
    updated, _ = ensure_store([folder], store_dir, n_topics=2)
    assert "a1#3" in set(updated.artefacts().briefings[S.BRIEFING_ID])
    _same_as_full_build(folder, updated, tmp_path)


def test_renaming_an_added_id_appended_is_what_merging_everything_gives(
    jsonl_store, tmp_path: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two added a1 of different texts (the second named a1#2 as they are read alone): the
    # stored a1 is the first read, so the added ones become a1#2 and a1#3 in reading order,
    # appended as when every stored table is merged with them again, and as one build of
    # every input numbers them.
    import analytics.pipeline.ingest as ingest

    folder, store_dir, _, base = jsonl_store
    text = (fixtures_dir / "store_added" / "b1.txt").read_text()
    rows = [
        {"id": "a1", "date": "2025-07-01", "text": text},
        {"id": "a1", "date": "2025-07-02", "text": _last_word_changed(base[2]["text"])},
    ]
    _write_jsonl(folder / "part2.jsonl", rows)
    merged_dir = tmp_path / "merged"
    shutil.copytree(store_dir, merged_dir)
    appended, _ = ensure_store([folder], store_dir, n_topics=2)
    monkeypatch.setattr(ingest, "mark_added", lambda *args, **kwargs: None)
    merged, _ = ensure_store([folder], merged_dir, n_topics=2)
    assert _dedup_view(appended) == _dedup_view(merged)
    briefings = appended.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert pd.isna(briefings.loc["a1#2", S.DUPLICATE_OF])  # the first added text read
    assert briefings.loc["a1#3", S.DUPLICATE_OF] == "a3"  # the second
    assert (
        briefings.loc["a1#3", S.TEXT]
        == merged.artefacts().briefings.set_index(S.BRIEFING_ID).loc["a1#3", S.TEXT]
    )
    _same_as_full_build(folder, appended, tmp_path)


def test_an_added_repeat_of_the_stored_text_keeps_the_id_as_one_build_does(
    jsonl_store, tmp_path: Path, fixtures_dir: Path
) -> None:
    # Added: a1 of a new text, then a1 of the stored a1's text (named a1#2 when the added
    # file is read alone). One build keeps a1 for the stored text, numbers the new text
    # a1#2 and collapses the repeat into the stored a1 as an exact duplicate.
    folder, store_dir, _, base = jsonl_store
    text = (fixtures_dir / "store_added" / "b1.txt").read_text()
    stored_a1 = next(row for row in base if row["id"] == "a1")
    rows = [
        {"id": "a1", "date": "2025-07-01", "text": text},
        {"id": "a1", "date": "2025-07-02", "text": stored_a1["text"]},
    ]
    _write_jsonl(folder / "part2.jsonl", rows)
    updated, _ = ensure_store([folder], store_dir, n_topics=2)
    briefings = updated.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert set(briefings.index) == {"a1", "a1#2", "a2", "a3", "a4"}
    assert briefings.loc["a1#2", S.TEXT].startswith(text.split("\n")[1][:40])
    report = updated.artefacts().report
    repeat = report[(report["file"].map(lambda f: Path(f).name) == "part2.jsonl")]
    assert list(repeat["status"]) == [S.LOADED, S.DUPLICATE]
    assert "renamed" not in repeat["reason"].fillna("").iloc[1]
    _same_as_full_build(folder, updated, tmp_path)


def test_open_store_reads_a_format_1_store(jsonl_store, tmp_path: Path) -> None:
    _, _, store, _ = jsonl_store
    store_dir = write_legacy_store(store, tmp_path / "format-1", store_format=1)
    old = open_store(store_dir)
    assert old.format == 1
    assert old.table_files("topics") == [store_dir / "gen-000001" / "topics.parquet"]
    pd.testing.assert_frame_equal(old.artefacts().briefings, store.artefacts().briefings)


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
    folder, store_dir, store, base = jsonl_store
    near = _last_word_changed(base[0]["text"])
    added = [
        {"id": "d1", "date": "2025-08-01", "text": near},
        {"id": "d2", "date": "2025-08-02", "text": near.lower()},
    ]
    _write_jsonl(folder / "part2.jsonl", added)
    updated, _ = ensure_store([folder], store_dir, n_topics=2)
    assert not set(updated.table_files("briefings")) & set(store.table_files("briefings"))
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


# -- adding, replacing, and folders that are not ours --------------------------------------


def _ids(store) -> list[str]:
    return sorted(store.table("briefings", columns=[S.BRIEFING_ID])[S.BRIEFING_ID])


def test_ensure_store_refuses_to_drop_inputs_not_named_again(built, added: Path) -> None:
    store, _, store_dir = built
    with pytest.raises(
        InputError,
        match=r"would drop 4 of the store's 4 briefings: 5 stored inputs are not named this "
        r"time \(a1.txt, a2.txt, a3.txt and 2 more\); nothing was changed: name them again, "
        r"pass --add .* or pass --replace",
    ):
        ensure_store([added], store_dir, n_topics=2)
    assert open_store(store_dir).generation == store.generation


def test_ensure_store_add_keeps_stored_briefings_and_records_the_union(
    built, added: Path, corpus: Path
) -> None:
    store, _, store_dir = built
    before = _ids(store)
    updated, summary = ensure_store([added], store_dir, add=True)
    assert summary.mode == "incremental"
    assert len(_ids(updated)) == 5 and set(before) < set(_ids(updated))
    recorded = updated.meta["inputs"]
    assert set(recorded) == set(store.meta["inputs"]) | {str((added / "b1.txt").resolve())}
    assert updated.meta["paths"] == [str(corpus.resolve()), str(added.resolve())]
    again, summary = ensure_store([added], store_dir, add=True)
    assert summary.mode == "unchanged" and again.generation == updated.generation
    both, summary = ensure_store([corpus, added], store_dir, n_topics=2)
    assert summary.mode == "unchanged" and both.generation == updated.generation


def test_ensure_store_refusal_counts_briefings_of_inputs_added_from_another_folder(
    built, added: Path, tmp_path: Path
) -> None:
    # After the --add the inputs' common folder is tmp_path, while the first ingest named its
    # files relative to the corpus folder ("a1.txt"); both are counted all the same.
    _, _, store_dir = built
    ensure_store([added], store_dir, add=True)
    with pytest.raises(InputError, match=r"would drop 4 of the store's 5 briefings: 5 stored"):
        ensure_store([added], store_dir, n_topics=2)
    other = tmp_path / "other.txt"
    other.write_text("What's Happening?\nNorway and Sweden meet.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"would drop 5 of the store's 5 briefings: 6 stored"):
        ensure_store([other], store_dir, n_topics=2)


def test_ensure_store_add_refuses_a_changed_stored_input(built, corpus: Path) -> None:
    _, _, store_dir = built
    (corpus / "a1.txt").write_text("Japan and China talk trade.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"1 named input changed since it was stored \(a1.txt\)"):
        ensure_store([corpus / "a1.txt"], store_dir, add=True)


def test_ensure_store_replace_rebuilds_from_exactly_these_inputs(built, added: Path) -> None:
    _, _, store_dir = built
    replaced, summary = ensure_store([added], store_dir, n_topics=1, replace=True)
    assert summary.mode == "full"
    assert len(_ids(replaced)) == 1
    assert list(replaced.meta["inputs"]) == [str((added / "b1.txt").resolve())]


def test_ensure_store_refuses_when_a_stored_input_was_deleted(built, corpus: Path) -> None:
    store, _, store_dir = built
    (corpus / "a2.txt").unlink()
    with pytest.raises(
        InputError,
        match=r"would drop 1 of the store's 4 briefings: 1 stored input no longer exists "
        r"\(a2.txt\); nothing was changed: pass --replace to rebuild",
    ):
        ensure_store([corpus], store_dir, n_topics=2)
    assert open_store(store_dir).generation == store.generation
    replaced, _ = ensure_store([corpus], store_dir, n_topics=2, replace=True)
    assert len(_ids(replaced)) == 3


def test_ensure_store_refuses_a_folder_that_is_not_a_store(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "documents"
    (folder / "parts").mkdir(parents=True)
    (folder / "parts" / "notes.txt").write_text("my notes", encoding="utf-8")
    (folder / "gen-old-drafts").mkdir()
    assert inspect_store(folder).kind == FOREIGN
    with pytest.raises(
        StoreError, match=r"is not a Briefing Atlas store and not empty \(it holds gen-old-drafts"
    ):
        ensure_store([corpus], folder, n_topics=2)
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == [
        "gen-old-drafts",
        "parts",
        "parts/notes.txt",
    ]


def test_ensure_store_refuses_a_store_path_that_is_a_file(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "store.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match=r"store.txt is a file; a store is a folder"):
        ensure_store([corpus], path, n_topics=2)
    with pytest.raises(StoreError, match=r"store.txt is a file"):
        open_store(path)
    assert path.read_text(encoding="utf-8") == "hello"


def test_ensure_store_keeps_foreign_files_inside_a_store(built, added: Path) -> None:
    _, _, store_dir = built
    (store_dir / "parts").mkdir()
    (store_dir / "parts" / "notes.txt").write_text("my notes", encoding="utf-8")
    (store_dir / "gen-old-drafts").mkdir()
    (store_dir / "gen-old-drafts" / "draft.txt").write_text("draft", encoding="utf-8")
    assert inspect_store(store_dir).kind == READY
    updated, _ = ensure_store([added], store_dir, add=True)
    ensure_store([added], store_dir, n_topics=1, replace=True)
    assert (store_dir / "parts" / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (store_dir / "gen-old-drafts" / "draft.txt").exists()
    assert len(_ids(open_store(store_dir))) == 1


def test_inspect_store_recognises_an_unmarked_store_of_the_current_format(built) -> None:
    _, _, store_dir = built
    (store_dir / MARKER).unlink()
    assert inspect_store(store_dir).kind == READY
    assert inspect_store(store_dir / "missing").kind == NEW


@pytest.mark.parametrize("damage", ["missing", "bit flip"], ids=["missing", "flipped"])
def test_ensure_store_add_on_a_damaged_part_fails_and_carries_nothing_forward(
    built, added: Path, corpus: Path, damage: str
) -> None:
    store, _, store_dir = built
    part = store.table_files("mentions")[0]
    if damage == "missing":
        part.unlink()
    else:
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0x10
        part.write_bytes(bytes(data))
    with pytest.raises(
        StoreError, match=r"tables/mentions/\S+\.parquet (is missing|does not match)"
    ):
        ensure_store([added], store_dir, add=True)
    assert open_store(store_dir).generation == store.generation
    rebuilt, summary = ensure_store([corpus, added], store_dir, n_topics=2, replace=True)
    assert summary.mode == "full"
    assert len(_ids(rebuilt)) == 5
    rebuilt.verify()


def test_rebuild_plan_uses_recorded_inputs_while_they_exist(built, corpus: Path, tmp_path: Path):
    _, _, store_dir = built
    fallback = (tmp_path / "configured",)
    plan = rebuild_plan(store_dir, fallback)
    assert (plan.recorded, plan.paths, plan.n_topics) == (True, (corpus.resolve(),), 2)
    assert plan.describe() == "its recorded inputs (corpus)"
    shutil.rmtree(corpus)
    plan = rebuild_plan(store_dir, fallback)
    assert (plan.recorded, plan.paths) == (False, fallback)
    assert plan.describe() == "the configured corpus (configured)"


def test_reader_of_the_previous_generation_survives_a_rebuild(built, added: Path) -> None:
    store, _, store_dir = built
    reader = open_store(store_dir)  # opened before the writer finishes
    ensure_store([added], store_dir, n_topics=1, replace=True)
    assert len(reader.artefacts().briefings) == 4
    assert reader.topic_model() is not None


# -- topic summary on adds ---------------------------------------------------------------


def test_topic_summary_is_rewritten_not_appended_on_adds(
    built, added: Path, corpus: Path, tmp_path: Path
) -> None:
    store, _, store_dir = built
    topic_ids = sorted(store.table("topic_summary")[S.TOPIC_ID])
    assert len(topic_ids) == 2
    first, summary = ensure_store([added], store_dir, add=True)
    assert summary.n_loaded == 1
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(added / "b1.txt", copy / "b1-again.txt")  # an exact duplicate: nothing loaded
    second, summary = ensure_store([copy], store_dir, add=True)
    assert (summary.mode, summary.n_loaded, summary.n_duplicates) == ("incremental", 0, 1)
    for updated in (first, second):
        table = updated.table("topic_summary")
        assert sorted(table[S.TOPIC_ID]) == topic_ids
        assert table["n_briefings"].sum() == 5


# -- checksums ---------------------------------------------------------------------------


def test_every_single_bit_flip_in_a_briefings_part_is_caught(built) -> None:
    store, _, store_dir = built
    part = store.table_files("briefings")[0]
    original = part.read_bytes()
    offsets = sorted({0, 3, 4, 100, len(original) // 3, len(original) // 2, len(original) - 9})
    offsets += [len(original) - 1]
    for offset in offsets:
        for bit in (0, 7):
            flipped = bytearray(original)
            flipped[offset] ^= 1 << bit
            part.write_bytes(bytes(flipped))
            with pytest.raises(
                StoreError, match=r"tables/briefings/\S+\.parquet does not match its checksum"
            ):
                open_store(store_dir).table("briefings")
    part.write_bytes(original)
    assert len(open_store(store_dir).table("briefings")) == 4


def test_checksums_are_computed_once_per_part_per_process(built, monkeypatch) -> None:
    _, _, store_dir = built
    hashed: list[str] = []
    real = integrity_module._file_sha256

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(integrity_module, "_file_sha256", counting)
    monkeypatch.setattr(integrity_module, "_VERIFIED", {})
    for _ in range(3):
        open_store(store_dir).artefacts()
    assert sorted(hashed) == sorted(
        path.name for name in TABLES for path in open_store(store_dir).table_files(name)
    )


def test_topic_model_files_are_checksummed(built) -> None:
    store, _, store_dir = built
    assert store.checksummed
    model_file = next(name for name in store.meta["model_files"] if name.endswith(".json"))
    path = store.generation / model_file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"', "'", 1).replace("'", '"', 1), encoding="utf-8")
    path.write_text(text[:-2] + text[-1] + text[-2], encoding="utf-8")
    with pytest.raises(StoreError, match=rf"{Path(model_file).name} does not match its checksum"):
        open_store(store_dir).topic_model()


def test_ensure_store_add_names_added_files_relative_to_every_input(
    built, added: Path, corpus: Path
) -> None:
    # Two inputs "a/x.txt" and "b/x.txt" must stay apart in the load report.
    _, _, store_dir = built
    updated, _ = ensure_store([added], store_dir, add=True)
    report = updated.table("report")
    assert "added/b1.txt" in set(report["file"])
    assert not any(str(corpus.parent) in name for name in report["file"])


def _event_columns(store_dir: Path) -> list[list]:
    watchlist = open_store(store_dir).table("watchlist")
    columns = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.SENTENCE, S.COUNTRIES, S.CUES]
    return watchlist[columns].values.tolist()


def test_rows_appended_to_a_table_that_was_empty_keep_their_values(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    # The first briefing expects nothing, so the store's first watchlist is empty (its text
    # columns have no type yet); the second briefing's expected event is appended to it and
    # must read back whole, as a store built from both at once holds it.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    one_go = tmp_path / "one-go"
    for name in ("a1.txt", "a2.txt"):
        (corpus / name).write_bytes((fixtures_dir / "store" / name).read_bytes())
    ensure_store([corpus], one_go, n_topics=1)
    expected = _event_columns(one_go)
    assert len(expected) == 1 and expected[0][3].startswith("The strike added to pressure")

    (corpus / "a2.txt").rename(tmp_path / "a2.txt")
    store_dir = tmp_path / "store"
    ensure_store([corpus], store_dir, n_topics=1)
    assert len(open_store(store_dir).table("watchlist")) == 0
    (tmp_path / "a2.txt").rename(corpus / "a2.txt")
    _, summary = ensure_store([corpus], store_dir, n_topics=1, add=True)
    assert summary.mode == "incremental"
    assert _event_columns(store_dir) == expected
    # The generation records the type the appended values gave the columns.
    from analytics.pipeline.deltatables import decode_schema
    from analytics.pipeline.layout import META

    meta = json.loads((open_store(store_dir).generation / META).read_text(encoding="utf-8"))
    recorded = decode_schema(meta["tables"]["watchlist"]["schema"])
    assert pa.types.is_null(recorded.field(S.SENTENCE).type) is False


def test_a_store_that_recorded_no_type_for_appended_values_still_reads_them(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    # Stores written before appends recorded their types kept the first generation's null
    # types; the values appended were stored, and are read as stored.
    from analytics.pipeline.deltatables import decode_schema, encode_schema
    from analytics.pipeline.layout import META

    store_dir = tmp_path / "store"
    ensure_store([fixtures_dir / "store"], store_dir, n_topics=2)
    expected = _event_columns(store_dir)
    generation = open_store(store_dir).generation
    meta = json.loads((generation / META).read_text(encoding="utf-8"))
    recorded = decode_schema(meta["tables"]["watchlist"]["schema"])
    untyped = [S.SENTENCE, S.COUNTRIES, S.CUES]
    meta["tables"]["watchlist"]["schema"] = encode_schema(
        pa.schema(
            [f.with_type(pa.null()) if f.name in untyped else f for f in recorded],
            metadata=recorded.metadata,
        )
    )
    (generation / META).write_text(json.dumps(meta), encoding="utf-8")
    assert _event_columns(store_dir) == expected


def test_ensure_store_loads_a_folder_holding_a_link_to_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    store, summary = ensure_store([corpus], tmp_path / "store", n_topics=2)
    report = store.table("report")
    assert report.loc[report["file"] == "gone.txt", "reason"].tolist() == [
        "symbolic link leading outside the input folder; not followed"
    ]
    assert summary.n_briefings == 4


def test_ensure_store_inside_its_input_folder_never_reads_its_own_files(corpus: Path) -> None:
    store_dir = corpus / "atlas"
    store, _ = ensure_store([corpus], store_dir, n_topics=2)
    assert not store.table("report")["file"].str.startswith("atlas/").any()
    again, summary = ensure_store([corpus], store_dir, n_topics=2)
    assert summary.mode == "unchanged" and again.generation == store.generation


def test_ingest_summary_counts_rows_loaded_with_a_note(tmp_path: Path):
    # Two days that read either way in a file that never shows the order: loaded month
    # first, each with a note, and the summary line points to the load report.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "days.csv").write_text(
        "id,text,date\n"
        "a,France and Spain sign a fisheries pact.,03/04/2024\n"
        "b,Italy and Greece open a ferry line.,2024-05-06\n",
        encoding="utf-8",
    )
    store, summary = ensure_store([tmp_path / "in"], tmp_path / "store", n_topics=2)
    assert (summary.n_loaded, summary.n_noted) == (2, 1)
    assert "2 loaded (1 with a note in the load report: `export report`)" in summary.describe()
    report = store.artefacts().report.set_index(S.BRIEFING_ID)
    assert report.loc["a", "reason"].startswith("date '03/04/2024' read month first")


def test_an_added_input_with_a_column_of_its_own_keeps_every_briefing(
    jsonl_store, tmp_path: Path, fixtures_dir: Path
) -> None:
    # The stored briefings lack the added file's own field: the briefing table cannot be
    # appended to, so the ingest merges it and the new column is kept (empty for the rest).
    folder, store_dir, _, _ = jsonl_store
    text = (fixtures_dir / "store_added" / "b1.txt").read_text()
    _write_jsonl(
        folder / "part2.jsonl", [{"id": "b1", "date": "2025-07-01", "text": text, "desk": "Asia"}]
    )
    updated, summary = ensure_store([folder], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    briefings = updated.artefacts().briefings.set_index(S.BRIEFING_ID)
    assert set(briefings.index) == {"a1", "a2", "a3", "a4", "b1"}
    assert briefings.loc["b1", "desk"] == "Asia" and pd.isna(briefings.loc["a1", "desk"])
    _same_as_full_build(folder, updated, tmp_path)
