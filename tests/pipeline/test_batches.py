"""Batched ingests: batches of whole files, the topic sample, and stores equal to one-shot ones."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError, StoreError
from analytics.pipeline import LocalEngine, TopicSample, ensure_store, file_batches, open_store
from analytics.pipeline.batches import input_mb
from analytics.pipeline.exports import EXPORTS, export_table
from analytics.pipeline.layout import ROLLUP_COUNT_TABLES, ROLLUP_TABLES
from analytics.synth import generate_corpus
from analytics.topics import DocumentFrequencies, briefing_text_for_topics

ROOT = Path(__file__).resolve().parents[2]
# Each input file of the corpus below is 30-60 KB: at this size every file is a batch.
ONE_FILE_A_BATCH = 0.01


def _write_files(frame: pd.DataFrame, folder: Path, rows_per_file: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, len(frame), rows_per_file)):
        path = folder / f"part-{number:02d}.jsonl"
        chunk = frame.iloc[start : start + rows_per_file]
        path.write_text(
            "".join(json.dumps(record) + "\n" for record in chunk.to_dict("records")),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """119 invented briefings in date order over 4 files, with duplicates across files.

    The third file repeats a briefing of the first word for word (a later date and another
    id: an exact duplicate the store collapses) and one with its last word changed (a
    near-duplicate it flags); the fourth repeats another one word for word.
    """
    frame = generate_corpus(116, seed=5, start="2024-01-01", end="2024-06-30")
    frame = frame[["id", "date", "title", "source", "text"]].copy()
    frame["date"] = frame["date"].astype(str)
    first = frame.iloc[3]
    copies = pd.DataFrame(
        [
            {**first.to_dict(), "id": "copy-exact", "date": "2024-04-20"},
            {
                **frame.iloc[5].to_dict(),
                "id": "copy-near",
                "date": "2024-04-21",
                "text": frame.iloc[5]["text"].rstrip().rsplit(" ", 1)[0] + " tomorrow.",
            },
            {**frame.iloc[7].to_dict(), "id": "copy-late", "date": "2024-06-30"},
        ]
    )
    frame = pd.concat([frame, copies], ignore_index=True)
    frame = frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    folder = tmp_path_factory.mktemp("batched") / "in"
    _write_files(frame, folder, 30)
    return folder


@pytest.fixture(scope="module")
def one_shot(corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    store, summary = ensure_store([corpus], tmp_path_factory.mktemp("one") / "store")
    # two exact (merged), one near (kept and flagged)
    assert (summary.n_duplicates, summary.n_near_duplicates) == (2, 1)
    return store


def _exports(store) -> dict[str, str]:
    return {name: export_table(store, name).to_csv(index=False) for name in EXPORTS}


def _same_store(ours, theirs) -> None:
    assert _exports(ours) == _exports(theirs)
    for name in ("briefings", "report", "topics", "duplicate_keys", *ROLLUP_TABLES):
        pd.testing.assert_frame_equal(ours.table(name), theirs.table(name))
    # Counts merged batch by batch are those of the whole corpus, exactly.
    for name in (*ROLLUP_TABLES, *ROLLUP_COUNT_TABLES):
        pd.testing.assert_frame_equal(ours.table(name), theirs.table(name), check_exact=True)
    assert ours.fingerprint == theirs.fingerprint
    assert ours.meta["fingerprint_state"] == theirs.meta["fingerprint_state"]
    for relative in ours.meta["model_files"]:
        assert (ours.generation / relative).read_bytes() == (
            theirs.generation / relative
        ).read_bytes()


# -- the pieces ----------------------------------------------------------------------------------


def test_file_batches_cuts_consecutive_runs_of_whole_files(tmp_path: Path) -> None:
    sizes = {"a": 400_000, "b": 500_000, "c": 300_000, "d": 2_000_000, "e": 100_000}
    files = []
    for name, size in sizes.items():
        path = tmp_path / name
        path.write_bytes(b"x" * size)
        files.append(path)
    # 1 MB = 1,048,576 bytes: a+b = 900,000 fit, +c = 1,200,000 does not; d alone is larger.
    batches = file_batches(files, 1.0)
    assert [[path.name for path in batch] for batch in batches] == [
        ["a", "b"],
        ["c"],
        ["d"],
        ["e"],
    ]


@pytest.mark.parametrize("bad", [0, -1.5, True, "5"], ids=["zero", "negative", "bool", "text"])
def test_file_batches_rejects_a_size_that_is_not_a_positive_number(bad, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"batch size must be a positive number of MB; got"):
        file_batches([tmp_path], bad)


def _briefings(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i}" for i in range(len(texts))],
            S.TITLE: [f"T{i}" for i in range(len(texts))],
            S.TEXT: texts,
        }
    )


def test_topic_sample_keeps_every_briefing_below_its_size_in_order() -> None:
    sample = TopicSample(10)
    assert sample.add(_briefings(["one two", "three four"])).tolist() == [0, 1]
    assert sample.add(_briefings(["five six"])).tolist() == [0]
    assert sample.texts() == ["T0\n\none two", "T1\n\nthree four", "T0\n\nfive six"]


def test_topic_sample_leaves_out_exact_duplicates_as_a_store_does() -> None:
    sample = TopicSample(10)
    # Same words ignoring case and spacing: the second is a duplicate of the first.
    assert sample.add(_briefings(["Alpha beta", "alpha  BETA", "gamma"])).tolist() == [0, 2]
    assert sample.add(_briefings(["gamma", "delta"])).tolist() == [1]
    assert sample.texts() == ["T0\n\nAlpha beta", "T2\n\ngamma", "T1\n\ndelta"]
    assert sample.n_seen == 3


def _reference_reservoir(texts: list[str], size: int, seed: int) -> list[str]:
    """Algorithm R one briefing at a time: the rule ``TopicSample`` vectorises."""
    rng = np.random.RandomState(seed)
    slots: list[tuple[int, str]] = []
    for position, text in enumerate(texts):
        if position < size:
            slots.append((position, text))
            continue
        drawn = int(rng.randint(0, position + 1))
        if drawn < size:
            slots[drawn] = (position, text)
    return [text for _, text in sorted(slots)]


@pytest.mark.parametrize("cuts", [[50], [7, 13, 30], [1] * 50], ids=["one", "uneven", "singles"])
def test_topic_sample_draws_the_reservoir_whatever_the_batches(cuts: list[int]) -> None:
    texts = [f"word{i} other{i}" for i in range(sum(cuts))]
    sample = TopicSample(6, random_state=3)
    start = 0
    for cut in cuts:
        sample.add(_briefings(texts[start : start + cut]).assign(**{S.TITLE: ""}))
        start += cut
    expected = _reference_reservoir(texts, 6, 3)
    assert sample.texts() == briefing_text_for_topics(pd.DataFrame({S.TEXT: expected}))
    assert len(sample.texts()) == 6


def test_topic_sample_rejects_a_size_that_is_not_positive() -> None:
    with pytest.raises(InputError, match=r"sample size must be a positive whole number; got 0"):
        TopicSample(0)


# -- batched builds against one-shot ones --------------------------------------------------------


def test_a_batched_build_equals_the_one_shot_build(corpus: Path, one_shot, tmp_path: Path) -> None:
    store, summary = ensure_store([corpus], tmp_path / "store", batch_mb=ONE_FILE_A_BATCH)
    assert summary.mode == "full"
    assert (summary.n_briefings, summary.n_loaded) == (117, 116)
    assert (summary.n_duplicates, summary.n_near_duplicates) == (2, 1)
    assert summary.notices[0].startswith("built in 4 batches of at most 0.01 MB of input")
    assert "topics fitted on 117 of 117 briefings" in summary.notices[0]
    _same_store(store, one_shot)


def test_a_batched_build_commits_one_generation_per_batch(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    ensure_store([corpus], store_dir, batch_mb=ONE_FILE_A_BATCH)
    generations = sorted(path.name for path in store_dir.glob("gen-*"))
    assert generations == [f"gen-00000{n}" for n in (1, 2, 3, 4)]
    # Each is a whole store of the files so far (30 rows each, 29 in the last): the third
    # file held one exact duplicate and the fourth one more (both collapsed).
    counts = [open_store(store_dir, as_of=n).meta["n_briefings"] for n in (1, 2, 3, 4)]
    assert counts == [30, 60, 89, 117]
    recorded = [sorted(open_store(store_dir, as_of=n).meta["inputs"]) for n in (1, 2, 3, 4)]
    assert [len(names) for names in recorded] == [1, 2, 3, 4]


def test_a_batched_build_below_its_batch_size_is_the_one_shot_path(
    corpus: Path, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    _, summary = ensure_store([corpus], store_dir, batch_mb=100)
    assert summary.notices == ()
    assert sorted(path.name for path in store_dir.glob("gen-*")) == ["gen-000001"]


def test_the_batch_setting_applies_when_no_size_is_given(corpus: Path, tmp_path: Path) -> None:
    with settings.override(ingest_batch_mb=ONE_FILE_A_BATCH):
        _, summary = ensure_store([corpus], tmp_path / "store")
    assert summary.notices[0].startswith("built in 4 batches")


def test_a_topic_sample_smaller_than_the_corpus_fits_on_the_sample(
    corpus: Path, tmp_path: Path
) -> None:
    with settings.override(topic_fit_sample=60):
        store, summary = ensure_store([corpus], tmp_path / "store", batch_mb=ONE_FILE_A_BATCH)
    assert "topics fitted on 60 of 117 briefings" in summary.notices[0]
    assert len(store.table("topics")) == 117  # every briefing assigned by the sample's model


def test_a_sampled_fit_has_the_vocabulary_and_idf_of_every_briefing(
    corpus: Path, one_shot, tmp_path: Path
) -> None:
    counted: list[list[str]] = []

    class CountingEngine(LocalEngine):
        def document_frequencies(self, batches: Iterable[pd.DataFrame]) -> DocumentFrequencies:
            def recorded() -> Iterator[pd.DataFrame]:
                for briefings in batches:
                    counted.append(briefings[S.BRIEFING_ID].tolist())
                    yield briefings

            return super().document_frequencies(recorded())

    with settings.override(topic_fit_sample=60):
        store, summary = ensure_store(
            [corpus], tmp_path / "store", batch_mb=ONE_FILE_A_BATCH, engine=CountingEngine()
        )
    assert summary.notices[0].endswith(
        "topics fitted on 60 of 117 briefings with the vocabulary and document frequencies "
        "of all 117"
    )
    # One count per batch, of the briefings the store keeps: the two exact copies are left
    # out (the near-duplicate stays), so 30 + 30 + 29 + 28 = 117.
    assert [len(ids) for ids in counted] == [30, 30, 29, 28]
    stored = sorted(store.table("briefings")[S.BRIEFING_ID])
    assert sorted(id_ for ids in counted for id_ in ids) == stored
    assert "copy-exact" not in stored and "copy-near" in stored
    model, whole = store.topic_model(), one_shot.topic_model()
    assert model.vocabulary_.tolist() == whole.vocabulary_.tolist()
    np.testing.assert_array_equal(model.idf_, whole.idf_)


def test_an_interrupted_batched_build_leaves_the_last_batch_and_resumes(
    corpus: Path, one_shot, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    # Kill the process (no cleanup) while the third batch's generation is being written.
    script = (
        "import os, analytics.pipeline.generation as generation\n"
        "calls = []\n"
        "def die(paths):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 3:\n"
        "        os._exit(9)\n"
        "    return real(paths)\n"
        "real = generation._fsync_files\n"
        "generation._fsync_files = die\n"
        "from analytics.pipeline import ensure_store\n"
        f"ensure_store([{str(corpus)!r}], {str(store_dir)!r}, batch_mb={ONE_FILE_A_BATCH})\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        timeout=600,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert killed.returncode == 9, killed.stderr.decode()
    survivor = open_store(store_dir)
    assert survivor.generation.name == "gen-000002"
    assert survivor.meta["n_briefings"] == 60
    survivor.verify()
    assert len(survivor.table("briefings")) == 60
    # The same command again stores the files not stored yet, batch by batch, as if
    # nothing had happened.
    resumed, summary = ensure_store([corpus], store_dir, batch_mb=ONE_FILE_A_BATCH)
    assert summary.mode == "incremental"
    assert summary.n_new_files == 2
    assert sorted(path.name for path in store_dir.glob("gen-*"))[-1] == "gen-000004"
    _same_store(resumed, one_shot)


def test_a_batched_add_equals_adding_in_one_go(corpus: Path, tmp_path: Path) -> None:
    first = sorted(corpus.glob("*.jsonl"))[:1]
    start = tmp_path / "start"
    start.mkdir()
    (start / first[0].name).write_bytes(first[0].read_bytes())
    rest = tmp_path / "rest"
    rest.mkdir()
    for path in sorted(corpus.glob("*.jsonl"))[1:]:
        (rest / path.name).write_bytes(path.read_bytes())
    stores = []
    for name, batch_mb in (("whole", 0.0), ("batched", ONE_FILE_A_BATCH)):
        store_dir = tmp_path / name
        ensure_store([start], store_dir)
        stores.append(ensure_store([rest], store_dir, add=True, batch_mb=batch_mb))
    (whole, _), (batched, summary) = stores
    assert summary.mode == "incremental"
    assert (summary.n_new_files, summary.n_loaded) == (3, 86)
    assert (summary.n_duplicates, summary.n_near_duplicates) == (2, 1)
    assert len(list((tmp_path / "batched").glob("gen-*"))) == 4
    assert len(list((tmp_path / "whole").glob("gen-*"))) == 2
    _same_store(batched, whole)


@pytest.mark.parametrize("bad", [-1, True], ids=["negative", "bool"])
def test_ensure_store_rejects_a_batch_size_that_is_not_a_number_of_mb(
    bad, corpus: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"batch size must be a number of MB, 0 for none; got"):
        ensure_store([corpus], tmp_path / "store", batch_mb=bad)
    assert not (tmp_path / "store").exists()


def test_the_cli_refuses_a_negative_batch_size_in_one_line(corpus: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(corpus), "--store", str(tmp_path)]
        + ["--batch-mb", "-2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "--batch-mb: must be a number of 0 or more; got '-2'" in result.stderr


# -- reading a few rows of a large table ---------------------------------------------------------


@pytest.mark.parametrize("whole_up_to", [10_000, 0], ids=["read-whole", "duckdb"])
def test_rows_at_reads_the_rows_asked_for_in_that_order(one_shot, monkeypatch, whole_up_to) -> None:
    # Small files are read whole and filtered; large ones by DuckDB: the same rows.
    from analytics.pipeline import deltatables

    monkeypatch.setattr(deltatables, "WHOLE_FILE_ROWS", whole_up_to)
    import duckdb

    by_duckdb: list[int] = []
    connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: by_duckdb.append(1) or connect(*a, **k))
    whole = one_shot.table("briefings")
    positions = np.array([116, 0, 45, 45, 3, 4, 2])
    rows = one_shot.rows_at("briefings", positions, columns=[S.BRIEFING_ID, S.TEXT])
    pd.testing.assert_frame_equal(
        rows, whole[[S.BRIEFING_ID, S.TEXT]].iloc[positions].reset_index(drop=True)
    )
    # Every column, with the types the table records (times in UTC, to the nanosecond).
    every = one_shot.rows_at("briefings", positions)
    pd.testing.assert_frame_equal(every, whole.iloc[positions].reset_index(drop=True))
    # Rows 45 and 116 are one of their months' rows: DuckDB reads them when files are large.
    assert (len(by_duckdb) >= 2) == (whole_up_to == 0)


def test_rows_at_reads_only_the_files_holding_the_rows(one_shot, monkeypatch) -> None:
    from analytics.pipeline import deltatables

    opened: list[str] = []
    real = deltatables._rows_of_part

    def counting(root, data, *args, **kwargs):
        opened.append(str(data.file))
        return real(root, data, *args, **kwargs)

    monkeypatch.setattr(deltatables, "_rows_of_part", counting)
    one_shot.rows_at("briefings", np.array([0]), columns=[S.TEXT])
    # The briefings table has one file per month (six months); row 0 is in January's.
    assert len(opened) == 1
    assert "month=2024-01" in opened[0]


def test_rows_at_names_a_position_not_in_the_table(one_shot) -> None:
    with pytest.raises(StoreError, match=r"rows \[500\] are not in the table"):
        one_shot.rows_at("briefings", np.array([2, 500]), columns=[S.TEXT])


def test_file_batches_count_a_link_to_nothing_as_its_own_size(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 600)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    files = [tmp_path / "a.txt", tmp_path / "gone.txt"]
    link_size = (tmp_path / "gone.txt").lstat().st_size
    assert file_batches(files, 1000 / (1024 * 1024)) == [files]
    assert input_mb(files) == (600 + link_size) / (1024 * 1024)
