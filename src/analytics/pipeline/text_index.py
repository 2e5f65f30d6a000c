"""The store's text index: SQLite FTS5 over every briefing's searchable text.

One file in the store folder, ``text-index.sqlite``, holds these tables:

- ``text_index``: a contentless FTS5 table with the ``trigram`` tokenizer over
  ``analytics.search.searchable_texts`` (already lower-cased, so the tokenizer is told to
  keep case): a quoted word of three or more characters matches exactly the texts that
  hold it as a substring, the scan's own rule;
- ``word_index``: a contentless FTS5 table of the same texts with the ``ascii`` tokenizer
  and no positions (``detail=none``): its terms are the runs of letters, digits and
  non-ASCII characters; ``word`` lists every term with the number of briefings holding it.
  A search word made only of such characters occurs only inside one term, so the briefings
  holding it are those holding one of the terms it is a substring of: the terms are found
  in the list, and one query over their postings answers, with no positions to compare.
  That is several times faster than the trigrams for an ordinary word, and answers words
  of one or two characters, which trigrams cannot. A word in terms that together hold more
  postings than there are briefings is cheaper through the trigrams, and a word inside a
  term every briefing holds ("the") needs no query at all;
- ``gram_index``: a contentless FTS5 table like ``word_index`` whose terms are the distinct
  runs of one and two term characters inside each briefing's terms ("on" holds the grams
  ``o``, ``n`` and ``on``): a word of one or two term characters is one term there, so the
  briefings holding it are one posting list, where its terms in ``word_index`` can be
  thousands ("un" is inside *united*, *under*, *fund*, ...) and their union takes seconds at
  a million briefings;
- ``briefing``: the briefing id of each indexed row; rows are numbered 1, 2, ... in the
  order they were indexed;
- ``checkpoint``: ``(rows, fingerprint)`` for every generation the index holds: rows 1 to
  ``rows`` are exactly the briefings of the generation with that corpus fingerprint.

A full ingest rebuilds the file (filled beside it, then renamed into place), in a forked
process while the pipeline works on the same briefings where the process may fork
(``TextIndexBuild``); an incremental one appends only the new briefings in one SQLite
transaction, so an ingest killed half-way leaves the file as it was. A reader uses the
index only when it lists the reader's generation, and only its rows up to that
generation's checkpoint: it never gets a hit for a briefing its generation does not hold.
The file changes in place, so it carries no SHA-256 entry; SQLite's own ``quick_check`` and
the checkpoints are its check, and an index that fails them is rebuilt from the store with
a notice. An index of the first format (trigrams only) is still read, and rebuilt by the
next ingest; one of the second format (no ``gram_index``) is read, its short words answered
by the union of their terms, and rebuilt by the next ingest or ``python -m analytics index``.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema as S
from analytics.errors import StoreError
from analytics.parallel import fork_workers
from analytics.pipeline.store import Store
from analytics.search import indexable_text, indexable_word, searchable_texts

TEXT_INDEX = "text-index.sqlite"
_FORMAT = "3"
# Files an ingest fills before renaming them into place; any left over is of a dead ingest.
_TEMPORARY = re.compile(rf"\.{re.escape(TEXT_INDEX)}\.\d+\.tmp(?:-journal)?")
# How much lower the priority of an index filled beside the pipeline is than the ingest's.
_BESIDE_NICENESS = 10
# Briefings lower-cased and inserted per batch: bounds the memory of the copies.
_BATCH = 5_000
_SCHEMA = (
    "CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE briefing (row INTEGER PRIMARY KEY, briefing_id TEXT NOT NULL)",
    "CREATE TABLE checkpoint (rows INTEGER NOT NULL, fingerprint TEXT NOT NULL, "
    "PRIMARY KEY (rows, fingerprint))",
    "CREATE VIRTUAL TABLE text_index USING fts5("
    "body, content='', tokenize='trigram case_sensitive 1')",
    "CREATE VIRTUAL TABLE word_index USING fts5(body, content='', detail=none, tokenize='ascii')",
    "CREATE TABLE word (term TEXT PRIMARY KEY, briefings INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE gram_index USING fts5(body, content='', detail=none, tokenize='ascii')",
)
# The terms of the ``ascii`` tokenizer are runs of ASCII letters and digits and of every
# character beyond ASCII (the texts are lower-cased already; it folds nothing else), so a
# search word made only of such characters occurs inside one term.
_WITHIN_A_TERM = re.compile("[0-9a-z\u0080-\ud7ff\ue000-\U0010ffff]+")
# The word index answers a word when its terms hold at most this many postings per
# briefing of the generation and are at most ``_MOST_TERMS``; else the trigrams do (the
# word index still answers words too short for them: far faster than a scan).
_MOST_POSTINGS_PER_BRIEFING = 1.0
_MOST_TERMS = 1_000
_WORDS = "SELECT group_concat(rowid) FROM word_index WHERE word_index MATCH ? AND rowid <= ?"
# Whether a file holds the word index and its term table (2: format 2; 0: format 1).
_WORD_TABLES = "SELECT count(*) FROM sqlite_master WHERE name IN ('word_index', 'word')"
# Whether a file holds the gram index (format 3).
_GRAM_TABLE = "SELECT count(*) FROM sqlite_master WHERE name = 'gram_index'"
_GRAMS = "SELECT group_concat(rowid) FROM gram_index WHERE gram_index MATCH ? AND rowid <= ?"
# The longest word the gram index answers.
_GRAM_LENGTH = 2
# A term of the gram index that every row holds and no search asks for (it is longer than
# any gram): a chain of NOTs from it finds the rows lacking a gram most rows hold, which is
# cheaper than listing the rows that hold it.
_EVERY_ROW = "everyrow"
# How many rows of the file hold a gram (all generations'), from SQLite's own vocabulary.
_GRAM_ROWS = "SELECT doc FROM temp.gram_vocabulary WHERE term = ?"
_GRAM_VOCABULARY = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.gram_vocabulary "
    "USING fts5vocab(main, gram_index, 'row')"
)
# Row numbers of the hits, joined by SQLite into one string: parsing it is several times
# faster than fetching a Python tuple per hit (a word in most briefings has a million).
_SEARCH = "SELECT group_concat(rowid) FROM text_index WHERE text_index MATCH ? AND rowid <= ?"
_ROW_IDS = "SELECT briefing_id FROM briefing WHERE row <= ? ORDER BY row"


class TextIndex:
    """Search one generation's briefings through the store's text index.

    Parameters:
        connection: a connection to the index file, only ever read (kept open: a rebuild
            that renames a new file into place leaves this one readable).
        rows: the generation's checkpoint (kept as ``rows_held``); rows after it belong to
            later generations.
        path: the index file, named in errors.
    """

    def __init__(self, connection: sqlite3.Connection, rows: int, path: Path) -> None:
        self.rows_held = rows
        self.path = path
        self._connection = connection
        self._lock = threading.Lock()
        self._words: tuple[pa.Array, np.ndarray] | None = None
        self._gram_vocabulary = False  # its temporary table made on the connection

    @functools.cached_property
    def has_words(self) -> bool:
        """Whether the file holds the word index (an index of the first format does not)."""
        return bool(self._read(_WORD_TABLES, ())[0][0] == 2)

    @functools.cached_property
    def has_grams(self) -> bool:
        """Whether the file holds the gram index (one of an earlier format does not)."""
        return bool(self._read(_GRAM_TABLE, ())[0][0] == 1)

    def _by_grams(self, word: str) -> bool:
        """Whether the gram index answers ``word``: one or two term characters."""
        return len(word) <= _GRAM_LENGTH and self.has_grams and self._by_terms(word)

    def _by_terms(self, word: str) -> bool:
        """Whether the terms can answer ``word``: the file has them and the word is made of
        term characters only."""
        return self.has_words and _WITHIN_A_TERM.fullmatch(word) is not None

    def answers(self, word: str) -> bool:
        """Whether the index answers ``word`` (lower-cased) exactly: by its trigrams (three
        characters or more) or by its terms (a word of term characters); else the texts are
        scanned for it."""
        return indexable_word(word) or self._by_terms(word)

    def rows(self, words: Sequence[str]) -> np.ndarray:
        """Row numbers (0-based, ascending) of this generation's briefings whose searchable
        text holds every word; ``row_ids()[rows]`` are their ids.

        Parameters:
            words: lower-cased search words, each accepted by ``answers``.

        Raises:
            ValueError: when ``words`` is empty or holds a word the index cannot answer.
            StoreError: when the index file cannot be read.
        """
        if not words or not all(self.answers(word) for word in words):
            raise ValueError(
                "a text index answers one or more words of at least 3 characters (or of "
                "letters and digits only) without NUL or lone surrogates; got "
                f"{list(words)!r}"
            )
        by_terms: list[list[str]] = []
        broad: list[list[str]] = []
        by_trigrams: list[str] = []
        by_grams: list[str] = []
        for word in words:
            if self._in_every_briefing(word):
                continue  # it keeps every briefing: nothing to look up
            if self._by_grams(word):
                by_grams.append(word)
                continue
            holding = self._terms_holding(word)
            if holding is None:
                by_trigrams.append(word)
            elif not holding[0]:
                return np.zeros(0, dtype=np.int64)  # no briefing holds the word
            else:
                (broad if holding[1] else by_terms).append(holding[0])
        if broad and not by_terms:
            by_terms, broad = broad, []  # nothing narrower to take them from: their union
        found: list[np.ndarray] = []
        if by_terms:
            query = " AND ".join("(" + " OR ".join(map(_quoted, terms)) + ")" for terms in by_terms)
            found.append(self._rows(_WORDS, query))
            # A short word in many terms (``on``) is answered the other way round: the rows
            # of the narrower words that hold none of its terms are taken out. FTS5 steps
            # through a chain of NOTs from the narrower rows, where a union would read
            # every posting of every term.
            for terms in broad:
                chain = "".join(" NOT " + _quoted(term) for term in terms)
                lacking = self._rows(_WORDS, "(" + query + ")" + chain)
                found[-1] = np.setdiff1d(found[-1], lacking, assume_unique=True)
        if by_trigrams:
            found.append(self._rows(_SEARCH, " AND ".join(map(_quoted, by_trigrams))))
        missing: list[np.ndarray] = []  # rows lacking a gram most rows hold
        if by_grams:
            # A gram most rows hold is answered by the rows lacking it (few), the others
            # together by the rows holding them all.
            common = [word for word in by_grams if self._held_by_most(word)]
            missing = [
                self._rows(_GRAMS, _quoted(_EVERY_ROW) + " NOT " + _quoted(word)) for word in common
            ]
            if rare := [word for word in by_grams if word not in common]:
                found.append(self._rows(_GRAMS, " AND ".join(map(_quoted, rare))))
        return _all_of(found, missing, self.rows_held)

    def _held_by_most(self, word: str) -> bool:
        """Whether more than half the file's rows hold the gram ``word``."""
        if not self._gram_vocabulary:
            self._read(_GRAM_VOCABULARY, ())  # a table of this connection only
            self._gram_vocabulary = True
        found = self._read(_GRAM_ROWS, (word,))
        return bool(found) and 2 * int(found[0][0]) > self._indexed_rows

    def _terms_holding(self, word: str) -> tuple[list[str], bool] | None:
        """The terms holding ``word`` (those most briefings hold first), when the word index
        is the one to answer it, and whether they are too many (or hold too many postings)
        to merge quickly; ``None`` when the trigrams answer (the word is not made of term
        characters, or it is long enough for trigrams and its terms are too many)."""
        if not self._by_terms(word):
            return None
        terms, briefings = self._vocabulary()
        holding = pc.match_substring(terms, word).to_numpy(zero_copy_only=False)
        postings = int(briefings[holding].sum())
        many = int(holding.sum()) > _MOST_TERMS or postings > (
            _MOST_POSTINGS_PER_BRIEFING * self.rows_held
        )
        if many and indexable_word(word):
            return None
        # Most-held first: a chain of NOTs (``rows``) drops most rows at its first link.
        found = np.flatnonzero(holding)
        found = found[np.argsort(-briefings[found], kind="stable")]
        return [str(term) for term in terms.take(pa.array(found)).to_pylist()], many

    def _in_every_briefing(self, word: str) -> bool:
        """Whether a term every indexed briefing holds contains ``word`` ("the"), so that the
        word keeps every briefing of the generation without a query (a term's count covers
        all the rows the file holds, this generation's and any later one's)."""
        if not self._by_terms(word):
            return False
        terms, briefings = self._vocabulary()
        everywhere = briefings == self._indexed_rows
        if not everywhere.any():
            return False
        return bool(pc.any(pc.match_substring(terms.filter(pa.array(everywhere)), word)).as_py())

    @functools.cached_property
    def _indexed_rows(self) -> int:
        """How many rows the file holds (all generations'), read once: read after the term
        counts or before them, a row appended meanwhile makes no count equal to it."""
        found = self._read("SELECT max(row) FROM briefing", ())
        return int(found[0][0] or 0)

    def _vocabulary(self) -> tuple[pa.Array, np.ndarray]:
        """Every term of the word index and how many briefings hold it, read once."""
        if self._words is None:
            found = self._read("SELECT term, briefings FROM word", ())
            self._words = (
                pa.array([row[0] for row in found], type=pa.string()),
                np.array([row[1] for row in found], dtype=np.int64),
            )
        return self._words

    def _rows(self, statement: str, query: str) -> np.ndarray:
        ((joined,),) = self._read(statement, (query, self.rows_held))
        if not joined:
            return np.zeros(0, dtype=np.int64)
        # SQLite numbers rows from 1; FTS5 answers them in ascending order, joined by
        # commas (parsed by numpy's text reader: no Python string per hit).
        return np.fromstring(joined, dtype=np.int64, sep=",") - 1

    def row_ids(self) -> np.ndarray:
        """The briefing id of each row number of this generation, in order."""
        found = self._read(_ROW_IDS, (self.rows_held,))
        return np.array([row[0] for row in found], dtype=object)

    def briefing_ids(self, words: Sequence[str]) -> np.ndarray:
        """Ids of this generation's briefings whose searchable text holds every word, in
        the order they were indexed (see ``rows`` for the words accepted and the errors)."""
        return self.row_ids()[self.rows(words)]

    def _read(self, statement: str, parameters: tuple[object, ...]) -> list[Any]:
        """Every row ``statement`` answers (the connection is shared by the dashboard's
        sessions: one statement at a time, fetched under the lock)."""
        try:
            with self._lock:
                return self._connection.execute(statement, parameters).fetchall()
        except sqlite3.Error as error:
            raise StoreError(
                f"the store's text index {self.path.name} cannot be read ({error}); the next "
                "ingest into the store rebuilds it"
            ) from error


def _all_of(found: list[np.ndarray], lacking: list[np.ndarray], rows: int) -> np.ndarray:
    """The row numbers (ascending) in every array of ``found`` (every row of ``rows`` when
    there is none) and in no array of ``lacking``, marked in one boolean per row: sorting
    the arrays together, as ``np.intersect1d`` does, costs far more at a million rows."""
    if len(found) == 1 and not lacking:
        return found[0]
    keep = np.zeros(rows, dtype=bool) if found else np.ones(rows, dtype=bool)
    if found:
        keep[found[0]] = True
        for rows_found in found[1:]:
            held = np.zeros(rows, dtype=bool)
            held[rows_found] = True
            keep &= held
    for rows_lacking in lacking:
        keep[rows_lacking] = False
    return np.flatnonzero(keep).astype(np.int64, copy=False)


def _quoted(word: str) -> str:
    """``word`` as an FTS5 string: one token sequence, no query syntax."""
    return '"' + word.replace('"', '""') + '"'


def open_text_index(store: Store) -> TextIndex | None:
    """The text index of ``store``'s generation, or ``None`` when the index cannot serve it.

    ``None`` (search then scans the texts, as for a corpus without a store) when the file
    is missing, unreadable, or does not hold this generation: a store built before the
    index existed, or a generation whose ingest was interrupted before the index was
    brought up to it. The next ingest rebuilds it.
    """
    path = store.path / TEXT_INDEX
    rows = int(store.meta.get("n_briefings", -1))
    if not path.is_file():
        return None
    try:
        # Not read-only: an ingest killed mid-append leaves a journal that the first
        # connection rolls back (this one only ever reads).
        connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
    except sqlite3.Error:
        return None
    try:
        if _holds(connection, rows, store.fingerprint):
            return TextIndex(connection, rows, path)
    except sqlite3.Error:
        pass
    connection.close()
    return None


class WatchedTextIndex:
    """The text index of one store generation, opened as soon as one can serve it.

    A dashboard keeps its corpus for as long as the generation is current; an index built
    for that generation after the corpus was read (``python -m analytics index``, on a copy
    of a store on an object store) is picked up at the next search: while none serves, each
    search looks at the file (one ``stat``) and opens it when it changed. Once one is open
    it is kept (its connection keeps the file readable if a later build replaces it).
    Implements ``analytics.search.TextSearch``; until an index serves, it answers no word,
    so every word is scanned for.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._index: TextIndex | None = None
        self.current()

    def current(self) -> TextIndex | None:
        """The index serving the generation, or ``None`` while there is none."""
        if self._index is not None:
            return self._index
        with self._lock:
            if self._index is None:
                try:
                    found = (self._store.path / TEXT_INDEX).stat()
                    stamp: tuple[int, int, int] | None = (
                        found.st_ino,
                        found.st_mtime_ns,
                        found.st_size,
                    )
                except OSError:
                    stamp = None
                if stamp is not None and stamp != self._seen:
                    self._index = open_text_index(self._store)
                self._seen = stamp
            return self._index

    def answers(self, word: str) -> bool:
        index = self.current()
        return index is not None and index.answers(word)

    def rows(self, words: Sequence[str]) -> np.ndarray:
        return self._serving().rows(words)

    def row_ids(self) -> np.ndarray:
        return self._serving().row_ids()

    def _serving(self) -> TextIndex:
        index = self.current()
        if index is None:
            raise ValueError("no text index serves this generation yet: scan every word")
        return index


def index_problem(
    root: Path, rows: int, fingerprint: str, *, ends_there: bool, quick_check: bool = True
) -> str | None:
    """Why the index at ``root`` cannot serve the generation ``(rows, fingerprint)``.

    Parameters:
        root: the store folder.
        rows, fingerprint: the generation's number of briefings and corpus fingerprint.
        ends_there: also require that the index holds nothing after that generation (as
            an append to it does).
        quick_check: run SQLite's ``quick_check`` over the whole file (its cost grows with
            the index: skipped where this process checked and wrote the file itself).

    Returns:
        The reason in a few words, or ``None`` when the index passes SQLite's
        ``quick_check`` and holds the generation.
    """
    path = root / TEXT_INDEX
    if not path.is_file():
        return "there is none"
    try:
        connection = sqlite3.connect(path, timeout=30)
        try:
            verdict = (
                [row[0] for row in connection.execute("PRAGMA quick_check")]
                if quick_check
                else ["ok"]
            )
            if verdict != ["ok"]:
                return f"SQLite's check found: {'; '.join(verdict[:3])}"
            version = connection.execute("SELECT value FROM info WHERE key = 'format'").fetchone()
            if version is None or version[0] != _FORMAT:
                return f"its format is {version[0] if version else None!r}, not {_FORMAT!r}"
            if not _holds(connection, rows, fingerprint):
                return "it does not hold the stored briefings"
            last = connection.execute("SELECT max(row) FROM briefing").fetchone()[0] or 0
            if ends_there and last != rows:
                return f"it holds {last} rows where the store holds {rows} briefings"
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"it cannot be read: {error}"
    return None


def write_text_index(root: Path, briefings: pd.DataFrame, fingerprint: str) -> None:
    """Build the index of ``briefings`` (one generation) afresh and rename it into place.

    Raises:
        StoreError: when the file cannot be written (e.g. the disk is full).
    """
    with TextIndexBuild(root, briefings, beside=False) as build:
        build.finish(fingerprint)


class TextIndexBuild:
    """A full build of the text index, started before the pipeline needs it.

    Where this process may fork (``analytics.parallel.fork_workers``: one thread, and a
    second core), a forked process fills the new file while this one goes on with the
    other stages; else, or with ``beside=False``, ``finish`` fills it. ``finish`` adds the
    generation's checkpoint and renames the file into place; leaving the ``with`` block
    without it stops the forked process and removes the unfinished file.

    Parameters:
        root: the store folder (the caller holds the writer lock).
        briefings: every briefing of the new generation, in their stored order.
        beside: whether to build in a forked process when one may be used.
    """

    def __init__(self, root: Path, briefings: pd.DataFrame, *, beside: bool = True) -> None:
        self.root = root
        self._briefings = briefings
        for path in root.iterdir():
            if _TEMPORARY.fullmatch(path.name):
                path.unlink(missing_ok=True)  # ingests hold the writer lock: a dead one's
        self._temporary = root / f".{TEXT_INDEX}.{os.getpid()}.tmp"
        self._process: Any = None
        self._receiver: Connection | None = None
        if beside and fork_workers() > 1:
            context = multiprocessing.get_context("fork")
            receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_fill_in_child, args=(self._temporary, briefings, sender), daemon=True
            )
            self._process.start()
            sender.close()
            self._receiver = receiver

    def finish(self, fingerprint: str) -> None:
        """Wait for the rows, record the generation ``fingerprint`` and put the file in place.

        Raises:
            StoreError: when the file cannot be written.
        """
        try:
            if self._process is None:
                _fill(self._temporary, self._briefings)
            else:
                self._process.join()
                problem = self._received()
                if problem is None:
                    # It ended without a word (killed, or it crashed): the rows are filled
                    # here instead, from nothing.
                    self._remove_unfinished()
                    _fill(self._temporary, self._briefings)
                elif problem or self._process.exitcode != 0:
                    raise StoreError(
                        _write_failed(self.root, problem or f"exit code {self._process.exitcode}")
                    )
            connection = sqlite3.connect(self._temporary)
            try:
                with connection:
                    connection.execute(
                        "INSERT INTO checkpoint VALUES (?, ?)", (len(self._briefings), fingerprint)
                    )
            finally:
                connection.close()
            with open(self._temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(self._temporary, self.root / TEXT_INDEX)
        except sqlite3.Error as error:
            raise StoreError(_write_failed(self.root, error)) from error
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop a forked build still running and remove the unfinished file (if any)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None
        self._remove_unfinished()

    def _received(self) -> str | None:
        """What the forked build said when it ended ("" when all went well); ``None`` when
        it ended without a word."""
        try:
            return str(self._receiver.recv()) if self._receiver is not None else None
        except (EOFError, OSError):
            return None

    def _remove_unfinished(self) -> None:
        # A build stopped mid-transaction also leaves its journal; the file is never reopened.
        for path in (self._temporary, self._temporary.with_name(self._temporary.name + "-journal")):
            path.unlink(missing_ok=True)

    def __enter__(self) -> TextIndexBuild:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.cancel()


def _fill(temporary: Path, briefings: pd.DataFrame) -> None:
    """Create a new index file holding every row of ``briefings`` (no checkpoint yet)."""
    connection = sqlite3.connect(temporary)
    try:
        with connection:
            for statement in _SCHEMA:
                connection.execute(statement)
            connection.execute("INSERT INTO info VALUES ('format', ?)", (_FORMAT,))
            _insert(connection, briefings, 0)
    finally:
        connection.close()


def _fill_in_child(temporary: Path, briefings: pd.DataFrame, sender: Connection) -> None:
    """``_fill`` in the forked process; what went wrong is sent back as one line.

    The process yields the processor to the pipeline's own stages (``nice``): they are what
    the ingest waits for, and the index is filled in the time they leave free.
    """
    problem = ""
    try:
        os.nice(_BESIDE_NICENESS)
        _fill(temporary, briefings)
    except BaseException as error:  # reported to the parent, which raises it
        problem = str(error) or type(error).__name__
    sender.send(problem)
    sender.close()


def append_text_index(
    root: Path, briefings: pd.DataFrame, after_rows: int, fingerprint: str
) -> None:
    """Append ``briefings`` after row ``after_rows`` in one transaction, as generation
    ``fingerprint`` (the caller checked with ``index_problem`` that the index ends there).

    Raises:
        StoreError: when the file cannot be written.
    """
    try:
        connection = sqlite3.connect(root / TEXT_INDEX, timeout=30)
        try:
            with connection:
                rows = _insert(connection, briefings, after_rows)
                connection.execute(
                    "INSERT OR IGNORE INTO checkpoint VALUES (?, ?)", (rows, fingerprint)
                )
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise StoreError(_write_failed(root, error)) from error


def extend_text_index(
    previous: Store, added: pd.DataFrame, fingerprint: str, *, checked: bool = False
) -> str | None:
    """Bring the index from ``previous``'s generation to the next one, which adds ``added``.

    Only ``added`` is indexed when the index ends at ``previous``; otherwise it is
    rebuilt from the store first. ``checked``: this process checked and wrote the file
    to ``previous`` itself (the batches of one ingest), so SQLite's ``quick_check`` of
    the whole file is not run again; its checkpoints still are.

    Returns:
        A notice saying the index was rebuilt and why, or ``None``.
    """
    rows = int(previous.meta["n_briefings"])
    problem = index_problem(
        previous.path, rows, previous.fingerprint, ends_there=True, quick_check=not checked
    )
    if problem is not None:
        write_text_index(previous.path, _stored_texts(previous), previous.fingerprint)
    append_text_index(previous.path, added, rows, fingerprint)
    return None if problem is None else _rebuilt(problem, rows)


def ensure_text_index(store: Store) -> str | None:
    """Rebuild the index from ``store`` when it does not hold the store's generation.

    Returns:
        A notice saying the index was rebuilt and why, or ``None`` when it was sound.
    """
    rows = int(store.meta["n_briefings"])
    problem = index_problem(store.path, rows, store.fingerprint, ends_there=False)
    if problem is None:
        return None
    write_text_index(store.path, _stored_texts(store), store.fingerprint)
    return _rebuilt(problem, rows)


def index_store(root: Path, *, wait: float, on_wait: Callable[[str], None]) -> tuple[str, float]:
    """Build the text index of the store at ``root`` when it does not hold the store's
    generation, under the store's writer lock (an ingest into it waits, and it waits for
    an ingest): what was done, in words, and the seconds it took.

    A copy of a store on an object store has no index until it is built there (the index is
    never uploaded): until then its searches read every text.

    Raises:
        StoreError: when there is no store at ``root``, the lock is held past ``wait``, or
            the index cannot be written.
    """
    from analytics.pipeline.lock import writer_lock
    from analytics.pipeline.store import open_store

    started = time.perf_counter()
    open_store(root)  # a folder that is no store is named as such, before any lock is made
    with writer_lock(root, wait, on_wait, "a text index build"):
        store = open_store(root)  # again: an ingest waited for may have made a generation
        notice = ensure_text_index(store)
    if notice is None:
        notice = (
            f"the text index holds generation {store.generation.name} "
            f"({int(store.meta['n_briefings']):,} briefings): nothing to do"
        )
    return notice, time.perf_counter() - started


def _holds(connection: sqlite3.Connection, rows: int, fingerprint: str) -> bool:
    found = connection.execute(
        "SELECT 1 FROM checkpoint WHERE rows = ? AND fingerprint = ?", (rows, fingerprint)
    ).fetchone()
    return found is not None


def _insert(connection: sqlite3.Connection, briefings: pd.DataFrame, after_rows: int) -> int:
    """Index ``briefings`` as rows ``after_rows + 1`` on; returns the last row's number."""

    def batches() -> Iterator[tuple[pd.Series, pd.Series]]:
        for start in range(0, len(briefings), _BATCH):
            chunk = briefings.iloc[start : start + _BATCH]
            yield chunk[S.BRIEFING_ID].astype(str), searchable_texts(chunk[S.TITLE], chunk[S.TEXT])

    words = connection.execute(_WORD_TABLES).fetchone()[0] == 2
    grams = connection.execute(_GRAM_TABLE).fetchone()[0] == 1
    # A new index counts its terms once at the end, from SQLite's own vocabulary; an
    # append counts those of each batch in a scratch index in memory and adds them.
    fresh = words and connection.execute("SELECT count(*) FROM word").fetchone()[0] == 0
    row = after_rows
    for ids, texts in batches():
        numbers = range(row + 1, row + 1 + len(ids))
        bodies = [indexable_text(text) for text in texts]
        connection.executemany(
            "INSERT INTO briefing (row, briefing_id) VALUES (?, ?)", zip(numbers, ids, strict=True)
        )
        connection.executemany(
            "INSERT INTO text_index (rowid, body) VALUES (?, ?)",
            zip(numbers, bodies, strict=True),
        )
        if words:
            connection.executemany(
                "INSERT INTO word_index (rowid, body) VALUES (?, ?)",
                zip(numbers, bodies, strict=True),
            )
            if not fresh:
                _add_term_counts(connection, bodies)
        if grams:
            connection.executemany(
                "INSERT INTO gram_index (rowid, body) VALUES (?, ?)",
                zip(numbers, map(_grams_of_text, bodies), strict=True),
            )
        row += len(ids)
    if fresh:
        connection.execute(
            "CREATE VIRTUAL TABLE temp.word_vocabulary USING fts5vocab(main, word_index, 'row')"
        )
        connection.execute("INSERT INTO word SELECT term, doc FROM temp.word_vocabulary")
        connection.execute("DROP TABLE temp.word_vocabulary")
    return row


def _grams_of_text(body: str) -> str:
    """The distinct grams of one and two term characters inside ``body``'s terms, and the
    term every row holds, as the text the gram index is given (``"talks on"`` →
    ``everyrow t a l k s ta al lk ks o n on``, the grams in any order)."""
    return " ".join([_EVERY_ROW, *frozenset().union(*map(_grams_of_token, body.split()))])


@functools.lru_cache(maxsize=1 << 18)
def _grams_of_token(token: str) -> frozenset[str]:
    """The grams of the terms inside one run of non-space characters (cached: news repeats
    its words, so most runs were seen before)."""
    grams: set[str] = set()
    for term in _WITHIN_A_TERM.findall(token):
        grams.update(term)
        grams.update(term[start : start + 2] for start in range(len(term) - 1))
    return frozenset(grams)


def _add_term_counts(connection: sqlite3.Connection, bodies: list[str]) -> None:
    """Add to ``word`` the terms of ``bodies`` and how many of them hold each, counted by
    the same tokenizer in a scratch index of the connection's temporary database."""
    connection.execute(
        "CREATE VIRTUAL TABLE temp.added USING fts5("
        "body, content='', detail=none, tokenize='ascii')"
    )
    try:
        connection.executemany("INSERT INTO temp.added (body) VALUES (?)", zip(bodies))
        connection.execute(
            "CREATE VIRTUAL TABLE temp.added_vocabulary USING fts5vocab(temp, added, 'row')"
        )
        connection.execute(
            "INSERT INTO word (term, briefings) SELECT term, doc FROM temp.added_vocabulary "
            "WHERE true ON CONFLICT (term) DO UPDATE SET briefings = briefings + excluded.briefings"
        )
    finally:
        connection.execute("DROP TABLE IF EXISTS temp.added_vocabulary")
        connection.execute("DROP TABLE temp.added")


def _stored_texts(store: Store) -> pd.DataFrame:
    return store.table("briefings", columns=[S.BRIEFING_ID, S.TITLE, S.TEXT])


def _rebuilt(problem: str, rows: int) -> str:
    return f"the text index did not match the store ({problem}); rebuilt it from {rows:,} briefings"


def _write_failed(root: Path, error: object) -> str:
    return f"the text index in {root} cannot be written ({error}); nothing else was changed"
