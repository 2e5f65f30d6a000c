"""The store's text index: built at ingest, appended on adds, never ahead of a reader's
generation, rebuilt when it fails its check, and answering exactly as the scan does."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import schema as S
from analytics.errors import StoreError
from analytics.parallel import fork_workers
from analytics.pipeline import TEXT_INDEX, Store, ensure_store, open_store, open_text_index
from analytics.pipeline import ingest as ingest_module
from analytics.pipeline import text_index as text_index_module
from analytics.views import Filters, apply_filters, index_corpus

# Invented briefings: what each one says is worked out by hand in the tests below.
BASE = [
    {
        "id": "a1",
        "date": "2025-01-06",
        "title": "Ports reopen",
        "text": "Harbour workers in Rotterdam ended their strike on Monday.",
    },
    {
        "id": "a2",
        "date": "2025-01-13",
        "title": "Grain talks stall",
        "text": "Negotiators failed to agree on grain corridor tariffs.",
    },
    {
        "id": "a3",
        "date": "2025-01-20",
        "title": "Tariff truce",
        "text": "Both sides suspended TARIFFS for ninety days.",
    },
]
ADDED = {
    "id": "a4",
    "date": "2025-02-03",
    "title": "Steel levy",
    "text": "A new tariff on steel worries carmakers.",
}


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture()
def feed(tmp_path: Path) -> Path:
    folder = tmp_path / "feed"
    folder.mkdir()
    _write_jsonl(folder / "part1.jsonl", BASE)
    return folder


@pytest.fixture()
def stored(feed: Path, tmp_path: Path) -> tuple[Path, Store]:
    store_dir = tmp_path / "store"
    store, _ = ensure_store([feed], store_dir, n_topics=2)
    return store_dir, store


def _search(store: Store, *words: str) -> list[str]:
    index = open_text_index(store)
    assert index is not None
    return sorted(index.briefing_ids(list(words)))


def _indexed_ids(store_dir: Path) -> list[str]:
    connection = sqlite3.connect(store_dir / TEXT_INDEX)
    try:
        return [
            row[0] for row in connection.execute("SELECT briefing_id FROM briefing ORDER BY row")
        ]
    finally:
        connection.close()


def _add(feed: Path, store_dir: Path) -> tuple[Store, object]:
    _write_jsonl(feed / "part2.jsonl", [ADDED])
    return ensure_store([feed], store_dir, n_topics=2)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["tariff"], ["a2", "a3"]),  # 'tariffs' in a2's text, 'Tariff' title and 'TARIFFS' in a3
        (["ports"], ["a1"]),  # a title only
        (["rotterdam", "strike"], ["a1"]),
        (["tariff", "grain"], ["a2"]),
        (["ninety days"], ["a3"]),  # the index holds spaces too (search words never do)
        (['"quoted"'], []),
        (["ike on mon"], ["a1"]),
        (["rike"], ["a1"]),  # inside a word
        (["on"], ["a1", "a2"]),  # short: 'on Monday' (and 'Monday'), 'on grain'
        (["ik"], ["a1"]),  # 'strike'
        (["s", "ty"], ["a3"]),  # 'ninety days'
        (["ty", "ni"], ["a3"]),
        (["nine"], ["a3"]),  # the start of 'ninety'
        (["fs"], ["a2", "a3"]),  # 'tariffs', 'TARIFFS'
        (["on", "rotterdam"], ["a1"]),  # a word by its terms, with a long one
    ],
    ids=[
        "in-text-and-title",
        "title-only",
        "two-words",
        "all-words",
        "no-spaces",
        "quotes",
        "spaces-never-match",
        "inside-a-word",
        "short",
        "short-inside",
        "one-letter",
        "two-short",
        "start-of-a-word",
        "end-of-a-word",
        "short-and-long",
    ],
)
def test_ingest_builds_an_index_answering_like_the_scan(stored, words, expected) -> None:
    _, store = stored
    assert _search(store, *words) == expected


def test_search_box_results_are_the_same_with_and_without_the_index(stored) -> None:
    _, store = stored
    indexed = dataclasses.replace(store.artefacts(), text_index=open_text_index(store))
    for query in ("tariff", "TARIFF grain", "on", "on tariff", "zz", "d.", "days."):
        with_index = apply_filters(indexed, Filters(search=query)).briefings[S.BRIEFING_ID]
        scanned = apply_filters(store.artefacts(), Filters(search=query)).briefings[S.BRIEFING_ID]
        assert list(with_index) == list(scanned), query
    # Hand-worked: 'on' (short, scanned) is in a1 ('on Monday') and a2 ('on grain') only.
    on = apply_filters(indexed, Filters(search="on tariff")).briefings[S.BRIEFING_ID]
    assert list(on) == ["a2"]


def test_adding_briefings_appends_them_and_older_readers_never_see_them(stored, feed) -> None:
    store_dir, store = stored
    old_index = open_text_index(store)
    assert old_index is not None
    inode = (store_dir / TEXT_INDEX).stat().st_ino
    updated, summary = _add(feed, store_dir)
    assert summary.mode == "incremental" and summary.notices == ()
    # Appended in place, the stored rows untouched: the same file, one row more.
    assert (store_dir / TEXT_INDEX).stat().st_ino == inode
    assert _indexed_ids(store_dir) == ["a1", "a2", "a3", "a4"]
    assert _search(updated, "tariff") == ["a2", "a3", "a4"]
    # A reader of the previous generation, open before or after the add, sees only its three.
    assert sorted(old_index.briefing_ids(["tariff"])) == ["a2", "a3"]
    assert _search(store, "tariff") == ["a2", "a3"]
    assert _search(store, "steel") == []


def test_a_rebuild_replaces_the_file_and_open_readers_keep_theirs(stored, feed, tmp_path) -> None:
    store_dir, store = stored
    old_index = open_text_index(store)
    assert old_index is not None
    other = tmp_path / "other"
    other.mkdir()
    _write_jsonl(other / "only.jsonl", [ADDED])
    replaced, _ = ensure_store([other], store_dir, n_topics=1, replace=True)
    assert _indexed_ids(store_dir) == ["a4"]
    assert _search(replaced, "tariff") == ["a4"]
    assert sorted(old_index.briefing_ids(["tariff"])) == ["a2", "a3"]
    # Opened now, the old generation is not in the new file: search scans instead.
    assert open_text_index(store) is None


def test_an_add_that_fails_before_its_generation_leaves_rows_readers_ignore(
    stored, feed, monkeypatch
) -> None:
    store_dir, _ = stored

    def fail(*args, **kwargs):
        raise StoreError("disk full")

    monkeypatch.setattr(ingest_module, "write_generation", fail)
    with pytest.raises(StoreError, match="disk full"):
        _add(feed, store_dir)
    monkeypatch.undo()
    current = open_store(store_dir)
    assert _indexed_ids(store_dir) == ["a1", "a2", "a3", "a4"]
    assert _search(current, "tariff") == ["a2", "a3"]
    resumed, summary = ensure_store([feed], store_dir, n_topics=2)
    assert summary.mode == "incremental"
    assert summary.notices == (
        "the text index did not match the store (it holds 4 rows where the store holds 3 "
        "briefings); rebuilt it from 3 briefings",
    )
    assert _indexed_ids(store_dir) == ["a1", "a2", "a3", "a4"]
    assert _search(resumed, "tariff") == ["a2", "a3", "a4"]


def test_an_ingest_killed_while_appending_leaves_the_index_as_it_was(stored, feed) -> None:
    store_dir, store = stored
    _write_jsonl(feed / "part2.jsonl", [ADDED])
    # Killed (no cleanup, no exception handling) inside the append's transaction, after the
    # new briefing's id row was written and before its text.
    script = (
        "import os\n"
        "import analytics.pipeline.text_index as text_index\n"
        "text_index.indexable_text = lambda text: os._exit(9)\n"
        "from analytics.pipeline import ensure_store\n"
        f"ensure_store([{str(feed)!r}], {str(store_dir)!r}, n_topics=2)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert killed.returncode == 9, killed.stderr.decode()[-2000:]
    assert _search(open_store(store_dir), "tariff") == ["a2", "a3"]
    assert _indexed_ids(store_dir) == ["a1", "a2", "a3"]
    resumed, summary = ensure_store([feed], store_dir, n_topics=2)
    assert summary.notices == ()
    assert _search(resumed, "tariff") == ["a2", "a3", "a4"]


def test_a_damaged_index_is_not_used_and_the_next_ingest_rebuilds_it(stored, feed) -> None:
    store_dir, store = stored
    (store_dir / TEXT_INDEX).write_bytes(b"not a database " * 500)
    assert open_text_index(store) is None
    # The search box still answers, by scanning.
    scanned = apply_filters(store.artefacts(), Filters(search="tariff")).briefings
    assert sorted(scanned[S.BRIEFING_ID]) == ["a2", "a3"]
    again, summary = ensure_store([feed], store_dir, n_topics=2)
    assert summary.mode == "unchanged"
    assert summary.notices == (
        "the text index did not match the store (it cannot be read: file is not a database); "
        "rebuilt it from 3 briefings",
    )
    assert "rebuilt it from 3 briefings" in summary.describe()
    assert _search(again, "tariff") == ["a2", "a3"]


def test_a_store_without_an_index_gets_one_on_the_next_ingest(stored, feed) -> None:
    store_dir, store = stored
    (store_dir / TEXT_INDEX).unlink()
    assert open_text_index(store) is None
    _, summary = ensure_store([feed], store_dir, n_topics=2)
    assert summary.notices == (
        "the text index did not match the store (there is none); rebuilt it from 3 briefings",
    )
    assert _search(store, "tariff") == ["a2", "a3"]


def test_an_index_failing_sqlites_check_is_rebuilt(stored, feed) -> None:
    store_dir, _ = stored
    connection = sqlite3.connect(store_dir / TEXT_INDEX)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    # Scribble over the second page (a table's b-tree), keeping the file header sound.
    with open(store_dir / TEXT_INDEX, "r+b") as handle:
        handle.seek(page_size)
        handle.write(b"\xff" * 64)
    _, summary = ensure_store([feed], store_dir, n_topics=2)
    assert len(summary.notices) == 1
    assert summary.notices[0].startswith("the text index did not match the store (")
    assert summary.notices[0].endswith("); rebuilt it from 3 briefings")
    assert _indexed_ids(store_dir) == ["a1", "a2", "a3"]


@pytest.mark.parametrize(
    "words",
    [[], ["d."], ["tariff", "o-"], ["ta\x00riff"], ["a\ud800"]],
    ids=["none", "short-with-a-stop", "mixed", "nul", "surrogate"],
)
def test_briefing_ids_refuses_words_the_index_cannot_answer(stored, words) -> None:
    _, store = stored
    index = open_text_index(store)
    assert index is not None
    with pytest.raises(ValueError, match="at least 3 characters"):
        index.briefing_ids(words)


def test_an_index_that_cannot_be_read_while_searching_is_a_store_error(stored) -> None:
    _, store = stored
    index = open_text_index(store)
    assert index is not None
    index._connection.close()
    with pytest.raises(StoreError, match="text index text-index.sqlite cannot be read"):
        index.briefing_ids(["tariff"])


def test_an_index_that_cannot_be_written_is_a_store_error(feed, tmp_path, monkeypatch) -> None:
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(text_index_module.sqlite3, "connect", full)
    with pytest.raises(StoreError, match=r"cannot be written \(database or disk is full\)"):
        ensure_store([feed], tmp_path / "store", n_topics=2)
    assert not list((tmp_path / "store").glob(f".{TEXT_INDEX}*"))


# -- a full build beside the pipeline ------------------------------------------------------

needs_fork = pytest.mark.skipif(
    fork_workers() < 2, reason="builds beside the pipeline only where the process may fork"
)


def _briefing_table(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.BRIEFING_ID: [row["id"] for row in rows],
            S.TITLE: [row["title"] for row in rows],
            S.TEXT: [row["text"] for row in rows],
        }
    )


@needs_fork
def test_a_full_build_runs_in_a_forked_process_and_lands_on_finish(tmp_path: Path) -> None:
    build = text_index_module.TextIndexBuild(tmp_path, _briefing_table(BASE))
    assert build._process is not None
    assert not (tmp_path / TEXT_INDEX).exists()
    build.finish("f" * 16)
    assert [p.name for p in tmp_path.iterdir()] == [TEXT_INDEX]
    store = Store(tmp_path, tmp_path / "gen-000001", {"fingerprint": "f" * 16, "n_briefings": 3})
    assert _search(store, "tariff") == ["a2", "a3"]


@needs_fork
def test_a_forked_build_that_dies_without_a_word_is_done_here_instead(
    tmp_path: Path, monkeypatch
) -> None:
    # The forked process is killed half-way (it leaves a partial file and says nothing):
    # finish fills the index in this process from nothing, and it answers as always.
    def killed(temporary: Path, briefings, sender) -> None:
        (temporary).write_bytes(b"half a file")
        os._exit(9)

    monkeypatch.setattr(text_index_module, "_fill_in_child", killed)
    build = text_index_module.TextIndexBuild(tmp_path, _briefing_table(BASE))
    assert build._process is not None
    build.finish("f" * 16)
    assert [p.name for p in tmp_path.iterdir()] == [TEXT_INDEX]
    store = Store(tmp_path, tmp_path / "gen-000001", {"fingerprint": "f" * 16, "n_briefings": 3})
    assert _search(store, "tariff") == ["a2", "a3"]


def test_a_build_left_unfinished_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="the pipeline failed"):
        with text_index_module.TextIndexBuild(tmp_path, _briefing_table(BASE)):
            raise RuntimeError("the pipeline failed")
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_a_forked_build_that_fails_is_a_store_error(tmp_path: Path) -> None:
    no_titles = _briefing_table(BASE).drop(columns=[S.TITLE])
    with pytest.raises(StoreError, match=r"cannot be written \('title'\); nothing else"):
        with text_index_module.TextIndexBuild(tmp_path, no_titles) as build:
            build.finish("f" * 16)
    assert list(tmp_path.iterdir()) == []


# -- the index answers exactly as the scan, on any text ------------------------------------

# Cases, quotes, FTS5 query syntax, letters whose lower case differs in length ('İ'), NUL
# and line breaks: everything a search must treat as plain characters.
ALPHABET = list("abcAB xyz1_\n\t\"'*^():-.") + [
    *("\x00", "İ", "i", "ß", "ẞ", "Σ", "σ", "ς", "ǅ", "é", "ſ", "\u212a", "\U0001d538"),
]
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


@st.composite
def corpora_and_queries(draw) -> tuple[pd.DataFrame, str]:
    titles = draw(st.lists(st.one_of(st.none(), texts), min_size=1, max_size=8))
    bodies = draw(st.lists(texts, min_size=len(titles), max_size=len(titles)))
    briefings = pd.DataFrame(
        {S.BRIEFING_ID: [f"b{n}" for n in range(len(titles))], S.TITLE: titles, S.TEXT: bodies}
    )
    # Words cut from the texts (so that some match) and words made up.
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        source = draw(st.sampled_from(bodies + [t or "" for t in titles]))
        start = draw(st.integers(0, max(len(source) - 1, 0)))
        pieces.append(source[start : start + draw(st.integers(1, 6))])
    made_up = draw(st.lists(texts, max_size=2))
    return briefings, " ".join(pieces + made_up)


def _or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


def _scan(briefings: pd.DataFrame, query: str) -> list[str]:
    """Today's search, written out: every word in the title + line break + text, both
    lower-cased as a pandas string column lower-cases them."""
    words = pd.Series([query], dtype=str).str.lower().iloc[0].split()
    pairs = zip(briefings[S.TITLE], briefings[S.TEXT], strict=True)
    haystacks = [_or_empty(title) + "\n" + text for title, text in pairs]
    lowered = pd.Series(haystacks, dtype=str).str.lower()
    return [
        briefing_id
        for briefing_id, haystack in zip(briefings[S.BRIEFING_ID], lowered, strict=True)
        if all(word in haystack for word in words)
    ]


# Each way through the index, forced: the terms wherever they can answer, the trigrams
# wherever they can, and the choice by postings that searches make.
WAYS = {
    "terms": {"_MOST_TERMS": 10**9, "_MOST_POSTINGS_PER_BRIEFING": 10.0**9},
    "trigrams": {"_MOST_TERMS": -1, "_MOST_POSTINGS_PER_BRIEFING": -1.0},
    "chosen": {},
}


@pytest.mark.parametrize("way", list(WAYS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=corpora_and_queries())
def test_indexed_search_equals_the_scan_on_any_text(way, case) -> None:
    briefings, query = case
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        for name, value in WAYS[way].items():
            patch.setattr(text_index_module, name, value)
        root = Path(folder)
        text_index_module.write_text_index(root, briefings, "f" * 16)
        store = Store(
            root, root / "gen-000001", {"fingerprint": "f" * 16, "n_briefings": len(briefings)}
        )
        index = open_text_index(store)
        assert index is not None
        try:
            corpus = _artefacts(briefings)
            indexed = dataclasses.replace(corpus, text_index=index)
            found = apply_filters(indexed, Filters(search=query)).briefings[S.BRIEFING_ID]
            assert list(found) == _scan(briefings, query)
        finally:
            index._connection.close()


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), st.lists(texts, max_size=4))
def test_the_listed_terms_are_the_tokenizers_own(bodies, added) -> None:
    # The word table must list exactly the terms SQLite's tokenizer put in the index, with
    # the briefings holding each, after a build and after an append: a term missing from
    # it would lose the briefings holding it.
    def table(texts: list[str], first: int) -> pd.DataFrame:
        ids = [f"b{n}" for n in range(first, first + len(texts))]
        return pd.DataFrame({S.BRIEFING_ID: ids, S.TITLE: "", S.TEXT: texts})

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        text_index_module.write_text_index(root, table(bodies, 0), "f" * 16)
        if added:
            text_index_module.append_text_index(
                root, table(added, len(bodies)), len(bodies), "e" * 16
            )
        connection = sqlite3.connect(root / TEXT_INDEX)
        try:
            connection.execute(
                "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, word_index, 'row')"
            )
            own = dict(connection.execute("SELECT term, doc FROM temp.vocab").fetchall())
            listed = dict(connection.execute("SELECT term, briefings FROM word").fetchall())
        finally:
            connection.close()
    assert listed == own


def _index_of(root: Path, rows: list[dict[str, str]]):
    text_index_module.write_text_index(root, _briefing_table(rows), "f" * 16)
    return _index_of_file(root, len(rows))


def _index_of_file(root: Path, rows: int):
    store = Store(root, root / "gen-000001", {"fingerprint": "f" * 16, "n_briefings": rows})
    index = open_text_index(store)
    assert index is not None
    return index


def test_the_grams_of_a_text_are_the_runs_of_one_and_two_term_characters() -> None:
    def grams(text: str) -> list[str]:
        return sorted(text_index_module._grams_of_text(text).split())

    every = text_index_module._EVERY_ROW  # a term of every row, longer than any gram
    assert grams("talks on") == sorted([every, *"t a l k s ta al lk ks o n on".split()])
    # Runs end at characters that are no term characters ('.', '-'); repeats count once.
    assert grams("u.s. co-op") == sorted([every, *"u s c o p co op".split()])
    assert grams("é2 aa") == sorted([every, *"é 2 é2 a aa".split()])
    assert grams("... --") == [every]


def test_a_short_word_is_one_posting_list_of_the_gram_index(tmp_path: Path) -> None:
    texts = ["Talks on trade.", "Talks stalled.", "Long talks went on.", "Done, gone.", "Quiet."]
    rows = [{"id": f"r{n}", "title": "", "text": text} for n, text in enumerate(texts)]
    index = _index_of(tmp_path, rows)
    try:
        asked: list[tuple[str, str]] = []
        looked_up = index._rows
        index._rows = lambda statement, query: (
            asked.append((statement, query)) or looked_up(statement, query)
        )
        grams = text_index_module._GRAMS
        assert index.has_grams
        # 'g' is in 'long' and 'gone' (r2, r3): 2 of 5 rows, the rows holding it are listed.
        assert not index._held_by_most("g")
        assert index.rows(["g"]).tolist() == [2, 3]
        assert asked == [(grams, '"g"')]
        # 'n' is inside on, long, went, done and gone (r0, r2, r3): 3 of 5 rows, more than
        # half, so the rows lacking it are listed (r1, r4) and the others kept.
        asked.clear()
        assert index._held_by_most("n")
        assert index.rows(["n"]).tolist() == [0, 2, 3]
        assert asked == [(grams, '"everyrow" NOT "n"')]
        # Short words listed together are one query; each common one is a query of its own.
        asked.clear()
        assert index.rows(["g", "lo", "n"]).tolist() == [2]
        assert asked == [(grams, '"everyrow" NOT "n"'), (grams, '"g" AND "lo"')]
        # With a longer word, that one goes to the terms.
        asked.clear()
        assert index.rows(["talks", "on"]).tolist() == [0, 2]
        assert [query for _, query in asked] == ['("talks")', '"everyrow" NOT "on"']
        # 'ui' (quiet) nowhere else; 'zq' in none; a gram asked for is never the sentinel.
        assert index.rows(["ui"]).tolist() == [4]
        assert index.rows(["zq"]).tolist() == []
    finally:
        index._connection.close()


def test_an_index_of_the_second_format_is_read_and_the_next_ingest_rebuilds_it(
    stored, feed
) -> None:
    store_dir, store = stored
    _as_second_format(store_dir)
    index = open_text_index(store)
    assert index is not None
    try:
        # No grams: a short word is answered by its terms ('on' and 'tariffs'), as before.
        assert not index.has_grams and index.answers("on")
        assert sorted(index.briefing_ids(["on"])) == ["a1", "a2"]
    finally:
        index._connection.close()
    _, summary = _add(feed, store_dir)
    assert any("its format is '2', not '3'" in notice for notice in summary.notices)
    rebuilt = open_text_index(open_store(store_dir))
    assert rebuilt is not None
    try:
        assert rebuilt.has_grams
        assert sorted(rebuilt.briefing_ids(["on"])) == ["a1", "a2", "a4"]
    finally:
        rebuilt._connection.close()


def test_an_append_adds_the_grams_of_the_added_briefings(stored, feed) -> None:
    store_dir, _ = stored
    new_store, summary = _add(feed, store_dir)
    assert not any("rebuilt" in notice for notice in summary.notices)
    index = open_text_index(new_store)
    assert index is not None
    try:
        # a4 (added): "A new tariff on steel worries carmakers."; 'ew' is in 'new' only.
        assert index.briefing_ids(["ew"]).tolist() == ["a4"]
        assert sorted(index.briefing_ids(["on"])) == ["a1", "a2", "a4"]
    finally:
        index._connection.close()


def test_words_in_terms_holding_more_postings_than_briefings_go_to_the_trigrams(
    tmp_path: Path,
) -> None:
    rows = [
        {"id": f"r{n}", "title": "", "text": text}
        for n, text in enumerate(["The other one.", "Where there is smoke.", "Bother the moth."])
    ]
    index = _index_of(tmp_path, rows)
    try:
        # 'the': in the terms the (2), other (1), there (1), bother (1): 5 postings > 3
        # briefings, so the trigrams answer; 'ther': other, there, bother: 3, the terms.
        assert index._terms_holding("the") is None
        assert index._terms_holding("ther") == (["bother", "other", "there"], False)
        # Too short for the trigrams: the terms answer whatever they hold, the most held
        # first ('the' is in two briefings), and say they are many (6 postings > 3).
        assert index._terms_holding("he") == (
            ["the", "bother", "other", "there", "where"],
            True,
        )
        assert index._terms_holding("zzq") == ([], False)
        assert index._terms_holding("o.") is None  # a full stop is no term character
        assert index.rows(["the"]).tolist() == [0, 1, 2]
        assert index.rows(["ther", "moth"]).tolist() == [2]
        assert index.rows(["he", "smoke"]).tolist() == [1]
        assert index.rows(["zzq", "the"]).tolist() == []
    finally:
        index._connection.close()


def test_a_word_inside_a_term_every_briefing_holds_needs_no_query(tmp_path: Path) -> None:
    rows = [
        {"id": f"r{n}", "title": "", "text": text}
        for n, text in enumerate(["The cat.", "Then the dog.", "At the end."])
    ]
    index = _index_of(tmp_path, rows)
    try:
        asked: list[str] = []
        looked_up = index._rows
        index._rows = lambda statement, query: asked.append(query) or looked_up(statement, query)
        # 'the' is a term of all three briefings: 'th' and 'the' keep every one unasked.
        assert index.rows(["th"]).tolist() == [0, 1, 2]
        assert index.rows(["the", "th"]).tolist() == [0, 1, 2]
        assert asked == []
        # With another word, only that one is looked up.
        assert index.rows(["the", "dog"]).tolist() == [1]
        assert asked == ['("dog")']
        # 'then' is in one briefing only: looked up.
        assert index.rows(["then"]).tolist() == [1]
    finally:
        index._connection.close()


def _as_second_format(root: Path) -> None:
    """Make the index at ``root`` one of the second format: no gram index."""
    connection = sqlite3.connect(root / TEXT_INDEX)
    with connection:
        connection.execute("DROP TABLE gram_index")
        connection.execute("UPDATE info SET value = '2' WHERE key = 'format'")
    connection.close()


def test_second_format_a_short_word_in_many_terms_is_taken_out_of_the_narrower_rows(
    tmp_path: Path,
) -> None:
    texts = ["Talks on trade.", "Talks stalled.", "Long talks went on.", "Done, gone.", "Quiet."]
    rows = [{"id": f"r{n}", "title": "", "text": text} for n, text in enumerate(texts)]
    _index_of(tmp_path, rows)._connection.close()
    _as_second_format(tmp_path)
    index = _index_of_file(tmp_path, len(rows))
    assert not index.has_grams
    try:
        asked: list[str] = []
        looked_up = index._rows
        index._rows = lambda statement, query: asked.append(query) or looked_up(statement, query)
        # 'on' is in the terms on (r0, r2), done, gone and long: 5 postings, not more than
        # the 5 briefings; the most held term first, then in order.
        assert index._terms_holding("on") == (["on", "done", "gone", "long"], False)
        # 'n' is in on, long, went, done and gone: 6 postings, more than the briefings.
        assert index._terms_holding("n") == (["on", "done", "gone", "long", "went"], True)
        # 'talks' (r0, r1, r2) is narrower: those of its rows holding none of n's terms
        # (r1, 'Talks stalled.') are taken out by a chain of NOTs from its rows.
        assert index.rows(["talks", "n"]).tolist() == [0, 2]
        assert asked == [
            '("talks")',
            '(("talks")) NOT "on" NOT "done" NOT "gone" NOT "long" NOT "went"',
        ]
        assert index.rows(["quiet", "n"]).tolist() == []
        # 'k' is in talks only (3 postings): the narrower word again.
        assert index.rows(["n", "k"]).tolist() == [0, 2]
        # Two words, neither in many terms: one query, as before ('g': long, gone).
        asked.clear()
        assert index.rows(["talks", "g"]).tolist() == [2]
        assert asked == ['("talks") AND ("gone" OR "long")']
        # Only a word in many terms: the union of its terms (every briefing with an 'n').
        assert index.rows(["n"]).tolist() == [0, 2, 3]
    finally:
        index._connection.close()


def test_terms_are_counted_across_the_batches_of_an_append(stored, feed) -> None:
    store_dir, _ = stored
    _add(feed, store_dir)

    def count(term: str) -> int:
        connection = sqlite3.connect(store_dir / TEXT_INDEX)
        try:
            return connection.execute(
                "SELECT briefings FROM word WHERE term = ?", (term,)
            ).fetchone()[0]
        finally:
            connection.close()

    # 'tariff': a3's title and a4 (added); 'tariffs': a2 and a3's text.
    assert (count("tariff"), count("tariffs"), count("steel")) == (2, 2, 1)


def test_an_index_of_the_first_format_is_read_and_the_next_ingest_rebuilds_it(stored, feed) -> None:
    store_dir, store = stored
    connection = sqlite3.connect(store_dir / TEXT_INDEX)
    with connection:
        connection.execute("DROP TABLE word_index")
        connection.execute("DROP TABLE word")
        connection.execute("DROP TABLE gram_index")
        connection.execute("UPDATE info SET value = '1' WHERE key = 'format'")
    connection.close()
    index = open_text_index(store)
    assert index is not None
    try:
        # Trigrams only: a short word is scanned, a longer one still looked up.
        assert (index.answers("on"), index.answers("tariff")) == (False, True)
        assert sorted(index.briefing_ids(["tariff"])) == ["a2", "a3"]
        indexed = dataclasses.replace(store.artefacts(), text_index=index)
        found = apply_filters(indexed, Filters(search="on tariff")).briefings[S.BRIEFING_ID]
        assert list(found) == ["a2"]
    finally:
        index._connection.close()
    _, summary = _add(feed, store_dir)
    assert any("its format is '1', not '3'" in notice for notice in summary.notices)
    assert sorted(_search(open_store(store_dir), "on")) == ["a1", "a2", "a4"]  # "tariff on"


def _artefacts(briefings: pd.DataFrame):
    from analytics.artefacts import Artefacts

    table = briefings.assign(**{S.DATE: pd.Timestamp("2025-01-01", tz="UTC"), S.SOURCE: "desk"})
    empty = pd.DataFrame({S.BRIEFING_ID: pd.Series([], dtype=object)})
    mentions = empty.assign(**{S.ISO3: [], S.SECTION: []})
    interactions = empty.assign(**{S.COUNTRY_A: [], S.COUNTRY_B: [], S.SECTION: []})
    return Artefacts(
        briefings=table,
        report=pd.DataFrame(),
        mentions=mentions,
        countries=empty.assign(**{S.ISO3: []}),
        topics=empty.assign(**{S.TOPIC_ID: np.array([], dtype=np.int64)}),
        topic_summary=pd.DataFrame(),
        interactions=interactions,
        fingerprint="f" * 16,
    )


def test_words_reach_the_index_only_when_it_can_answer_them() -> None:
    asked: list[list[str]] = []

    class Recording:
        def answers(self, word):
            return len(word) >= 3 and word.isalpha()

        def rows(self, words):
            asked.append(list(words))
            return np.array([0], dtype=np.int64)

        def row_ids(self):
            return np.array(["b1"], dtype=object)

    briefings = pd.DataFrame(
        {S.BRIEFING_ID: ["b0", "b1"], S.TITLE: ["ab one", "ab two"], S.TEXT: ["", ""]}
    )
    corpus = dataclasses.replace(_artefacts(briefings), text_index=Recording())
    # 'ab' is short: scanned (both match); 'one' is looked up, and the index's answer counts.
    found = apply_filters(corpus, Filters(search="AB one"))
    assert asked == [["one"]]
    assert list(found.briefings[S.BRIEFING_ID]) == ["b1"]
    # A word holding a NUL is scanned as well: nothing holds it.
    asked.clear()
    nothing = apply_filters(corpus, Filters(search="on\x00e"))
    assert asked == []
    assert list(nothing.briefings[S.BRIEFING_ID]) == []


def test_index_rows_are_placed_by_id_whatever_the_corpus_order() -> None:
    # The index numbers its briefings as they were indexed; a corpus holding them in another
    # order (and one briefing the index does not know) still gets each hit at its own row.
    indexed = pd.DataFrame(
        {
            S.BRIEFING_ID: ["x", "y", "z"],
            S.TITLE: ["tariff talks", "a visit", "new tariff"],
            S.TEXT: ["", "", ""],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        text_index_module.write_text_index(root, indexed, "f" * 16)
        store = Store(root, root / "gen-000001", {"fingerprint": "f" * 16, "n_briefings": 3})
        index = open_text_index(store)
        assert index is not None
        try:
            assert index.rows(["tariff"]).tolist() == [0, 2]
            assert index.row_ids().tolist() == ["x", "y", "z"]
            assert index.briefing_ids(["tariff"]).tolist() == ["x", "z"]
            assert index.rows(["zzqx"]).dtype == np.int64
            assert index.rows(["zzqx"]).tolist() == []
            shuffled = pd.DataFrame(
                {
                    S.BRIEFING_ID: ["z", "w", "y", "x"],
                    S.TITLE: ["new tariff", "tariff", "a visit", "tariff talks"],
                    S.TEXT: ["", "", "", ""],
                }
            )
            corpus = dataclasses.replace(_artefacts(shuffled), text_index=index)
            found = apply_filters(corpus, Filters(search="tariff"))
            # "w" holds the word but is not in the index: the index answers for the corpus.
            assert list(found.briefings[S.BRIEFING_ID]) == ["z", "x"]
            assert index.rows(["ff"]).tolist() == [0, 2]  # short: by the terms
            with pytest.raises(ValueError, match="at least 3 characters"):
                index.rows(["a."])
        finally:
            index._connection.close()


def test_a_watched_index_is_picked_up_once_built_for_the_generation(stored, monkeypatch) -> None:
    store_dir, store = stored
    (store_dir / TEXT_INDEX).unlink()
    opened: list[int] = []
    real_open = text_index_module.open_text_index
    monkeypatch.setattr(
        text_index_module,
        "open_text_index",
        lambda store: opened.append(1) or real_open(store),
    )
    watched = text_index_module.WatchedTextIndex(store)
    indexed = dataclasses.replace(store.artefacts(), text_index=watched)
    corpus = index_corpus(indexed)
    # No file: nothing answered (every word scanned), and nothing opened.
    assert watched.current() is None and not watched.answers("tariff")
    with pytest.raises(ValueError, match="no text index serves this generation yet"):
        watched.rows(["tariff"])
    assert list(corpus.ids[corpus.search_mask("tariff")]) == ["a2", "a3"]
    assert opened == []
    # A file that does not hold the generation is opened once, then not again unchanged.
    text_index_module.write_text_index(store_dir, _briefing_table(BASE[:1]), "e" * 16)
    assert watched.current() is None and watched.current() is None
    assert opened == [1]
    # Built for the generation (as `python -m analytics index` does): the next search uses it.
    assert text_index_module.ensure_text_index(store) is not None
    assert watched.answers("tariff") and watched.current() is not None
    assert opened == [1, 1]
    asked: list[list[str]] = []
    index = watched.current()
    looked_up = index.rows
    index.rows = lambda words: asked.append(list(words)) or looked_up(words)
    assert list(corpus.ids[corpus.search_mask("grain")]) == ["a2"]
    assert asked == [["grain"]]
    assert watched.current() is index and opened == [1, 1]
    index._connection.close()
