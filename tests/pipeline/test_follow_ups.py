"""The follow-up kept beside the store: worked out once per generation, then read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics import schema as S
from analytics import settings
from analytics.pipeline import ensure_store, open_store, vacuum_store
from analytics.pipeline.follow_ups import (
    FOLLOW_UP_DIR,
    follow_up_key,
    follow_up_of,
    keep_follow_up,
    save_follow_up,
    stored_follow_up,
)
from analytics.watchlist import follow_up, report_mentions


@pytest.fixture()
def store_dir(tmp_path: Path, fixtures_dir: Path) -> Path:
    store = tmp_path / "store"
    ensure_store([fixtures_dir / "store"], store, n_topics=2)
    return store


def _worked_out(artefacts) -> pd.DataFrame:
    return follow_up(artefacts.watchlist, artefacts.briefings, artefacts.mentions)


def _refuse(*args, **kwargs):
    raise AssertionError("the follow-up was worked out again")


def test_the_first_reader_keeps_the_follow_up_and_later_ones_read_it(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    artefacts = open_store(store_dir).artefacts()
    expected = _worked_out(artefacts)
    assert len(expected) == 1
    assert stored_follow_up(store_dir, artefacts) is None

    first = follow_up_of(store_dir, artefacts)
    assert first.equals(expected)
    # One whole file, named by the generation's key; nothing half-written left beside it.
    assert [path.name for path in (store_dir / FOLLOW_UP_DIR).iterdir()] == [
        f"{follow_up_key(artefacts.fingerprint)}.parquet"
    ]
    monkeypatch.setattr("analytics.watchlist.follow_up", _refuse)
    again = follow_up_of(store_dir, artefacts)
    assert again.equals(expected)
    assert again.to_csv(index=False) == expected.to_csv(index=False)


def test_the_key_changes_with_the_corpus_and_the_settings_it_depends_on(
    store_dir: Path,
) -> None:
    artefacts = open_store(store_dir).artefacts()
    follow_up_of(store_dir, artefacts)
    key = follow_up_key(artefacts.fingerprint)
    assert follow_up_key("another corpus") != key
    for changed in ({"watchlist_grace_days": 30}, {"watchlist_evidence": 2}):
        with settings.override(**changed):
            assert follow_up_key(artefacts.fingerprint) != key
            # Kept under the old setting, so not read under the new one.
            assert stored_follow_up(store_dir, artefacts) is None
    with settings.override(watchlist_undated_days=5):  # the store's, not the follow-up's
        assert follow_up_key(artefacts.fingerprint) == key


def test_a_damaged_or_foreign_file_is_worked_out_again(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    artefacts = open_store(store_dir).artefacts()
    expected = _worked_out(artefacts)
    path = store_dir / FOLLOW_UP_DIR / f"{follow_up_key(artefacts.fingerprint)}.parquet"
    path.parent.mkdir()
    path.write_bytes(b"PAR1 not a parquet file")
    assert stored_follow_up(store_dir, artefacts) is None
    assert follow_up_of(store_dir, artefacts).equals(expected)
    assert stored_follow_up(store_dir, artefacts) is not None  # rewritten whole
    # A file of other events (another corpus' rows under this name) is not read either.
    other = expected.assign(**{S.SENTENCE_INDEX: expected[S.SENTENCE_INDEX] + 1})
    assert save_follow_up(store_dir, artefacts.fingerprint, other)
    assert stored_follow_up(store_dir, artefacts) is None
    assert save_follow_up(store_dir, artefacts.fingerprint, expected.drop(columns=S.EVIDENCE))
    assert stored_follow_up(store_dir, artefacts) is None


def test_saving_where_no_folder_can_be_made_says_so(tmp_path: Path, store_dir: Path) -> None:
    artefacts = open_store(store_dir).artefacts()
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / FOLLOW_UP_DIR).write_text("a file where the folder would be")
    assert not save_follow_up(blocked, artefacts.fingerprint, _worked_out(artefacts))
    assert stored_follow_up(blocked, artefacts) is None


def test_keep_follow_up_says_what_it_did(store_dir: Path) -> None:
    line = keep_follow_up(store_dir)
    assert line.startswith("follow-up: 1 expected events, 0 reported; kept for the dashboard")
    again = keep_follow_up(store_dir)
    name = open_store(store_dir).generation.name
    assert again == f"follow-up: already kept for generation {name}"


def test_vacuum_removes_the_follow_ups_of_the_generations_it_removes(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    store = tmp_path / "store"
    fingerprints = []
    for number, name in enumerate(["a1.txt", "a2.txt", "a3.txt", "a4.txt"]):
        (corpus / name).write_bytes((fixtures_dir / "store" / name).read_bytes())
        ensure_store([corpus], store, n_topics=1 if number == 0 else 2, add=number > 0)
        opened = open_store(store)
        follow_up_of(store, opened.artefacts())
        fingerprints.append(opened.fingerprint)
    assert len(set(fingerprints)) == 4
    kept_files = {path.name for path in (store / FOLLOW_UP_DIR).iterdir()}
    assert kept_files == {f"{follow_up_key(f)}.parquet" for f in fingerprints}
    vacuum_store(store, keep=2)
    assert {path.name for path in (store / FOLLOW_UP_DIR).iterdir()} == {
        f"{follow_up_key(f)}.parquet" for f in fingerprints[-2:]
    }


def test_follow_up_is_kept_in_the_store_folder_or_in_the_lean_folder(store_dir: Path) -> None:
    import shutil

    from analytics.pipeline.follow_ups import follow_up_is_kept
    from analytics.pipeline.lean import read_lean

    store = open_store(store_dir)
    lean = read_lean(store)
    assert not follow_up_is_kept(store_dir, lean)
    assert not follow_up_is_kept(store_dir, store.artefacts())
    keep_follow_up(store_dir)
    assert follow_up_is_kept(store_dir, lean)
    assert follow_up_is_kept(store_dir, store.artefacts())
    shutil.rmtree(store_dir / FOLLOW_UP_DIR)
    # The lean folder's copy, which the dashboard maps, is there still; a corpus held
    # whole reads only the store folder's.
    assert follow_up_is_kept(store_dir, lean)
    assert not follow_up_is_kept(store_dir, store.artefacts())


def test_read_lean_the_follow_up_reads_the_texts_a_stretch_at_a_time(tmp_path: Path) -> None:
    from analytics.artefacts import follow_up_tables, follow_up_texts
    from analytics.pipeline.lean import read_lean

    # e1 and r1 are bare texts (their body is read), r2 has the three sections and r3
    # only "What's Next?" (no report comes from it).
    files = {
        "e1.txt": "France will host a summit with Germany on March 3.\n",
        "r1.txt": "France hosted a summit with Germany in Paris.\n",
        "r2.txt": (
            "What's Happening?\nGermany hosted a summit with France in Berlin.\n"
            "Why It's Important?\nThe summit eased a quarrel over farm subsidies.\n"
            "What's Next?\nFrance and Germany will meet again in May.\n"
        ),
        "r3.txt": "What's Next?\nFrance hosted a summit with Germany in Lyon.\n",
    }
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    dates = {"e1": "2024-02-14", "r1": "2024-03-04", "r2": "2024-03-05", "r3": "2024-03-06"}
    (corpus / "manifest.csv").write_text(
        "file,date,title,source\n"
        + "".join(f"{name}.txt,{day},{name},desk\n" for name, day in dates.items()),
        encoding="utf-8",
    )
    ensure_store([corpus], tmp_path / "store", n_topics=2)
    whole = open_store(tmp_path / "store").artefacts()
    lean = read_lean(open_store(tmp_path / "store"))
    read = follow_up_tables(lean, report_mentions)
    assert list(read.briefings.columns) == [S.BRIEFING_ID, S.DATE]
    ids = dict(zip(whole.briefings[S.TITLE], whole.briefings[S.BRIEFING_ID], strict=True))
    reads: list[list[int]] = []
    texts_at = follow_up_texts(lean)
    assert texts_at is not None

    def counted(positions):
        reads.append(sorted(positions.tolist()))
        return texts_at(positions)

    with settings.override(watchlist_follow_up_briefings=1):  # a briefing a stretch
        followed = follow_up(read.watchlist, read.briefings, read.mentions, texts_at=counted)
    pd.testing.assert_frame_equal(followed, _worked_out(whole))
    summit = followed.loc[followed[S.BRIEFING_ID] == ids["e1"]]
    assert summit[S.EVIDENCE_IDS].tolist() == [f"{ids['r1']}|{ids['r2']}"]
    # r1 and r2 hold report sentences (r3 none: "What's Next?" reports nothing): each is
    # read for the common words, then again for its events.
    position = {title: i for i, title in enumerate(whole.briefings[S.TITLE])}
    assert sorted(reads) == sorted([[position["r1"]], [position["r2"]]] * 2)
