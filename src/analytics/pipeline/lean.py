"""A store generation read lean: what the views filter and count on in memory, the rest by row.

Enters: an open store of format 3. Leaves: an ``Artefacts`` whose tables hold only the
columns of ``LEAN_COLUMNS`` (``None``: every column), a ``StoreReader`` that reads any
column of any row from the store's files when a view shows it (the reader, the Relations
page's evidence, a search scan), and the mentions' ``TableLookups``: each mention's
briefing position, country code and section as integers, worked out one data file at a
time, so that no column of millions of strings is held for them and the process' memory
stays near the lean tables' own.

A table read lean has the rows and row order of the whole table; views that filter,
count and list read the same columns with the same types, so they draw the same tables
(``tests/views/test_lean.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema as S
from analytics.artefacts import (
    COUNTRY_CODES,
    ID_TABLES,
    ROW_CARRYING,
    SECTIONED,
    Artefacts,
    LazyLookups,
    TableLookups,
    in_briefing_order,
    positions_in,
    table_lookups,
)
from analytics.errors import StoreError
from analytics.ingest.report import listed_rows
from analytics.pipeline.layout import PARTS_FORMATS, TABLES
from analytics.pipeline.store import Store

LEAN_DIR = "lean"
# Raised when what a kept lean folder holds changes: older folders are then read again.
LEAN_FORMAT = 2
# The columns held in memory per table; ``None``: every column. The briefings keep what
# the listing, the counts over time and the filters read (not the texts, url, origin);
# the mentions and the watchlist nothing (their lookups stand in for them, the follow-up
# is read from its own file); the interactions what the charts count (the evidence reads
# the rest); the report only the rows that are shown: inputs not loaded as they are and
# briefings loaded with a note (``listed_rows``).
LEAN_COLUMNS: Mapping[str, tuple[str, ...] | None] = {
    "briefings": (S.BRIEFING_ID, S.DATE, S.TITLE, S.SOURCE),
    "report": None,
    "mentions": (),
    "countries": (S.BRIEFING_ID, S.DATE, S.ISO3, S.COUNTRY),
    "topics": None,
    "topic_summary": None,
    "interactions": (S.BRIEFING_ID, S.DATE, S.COUNTRY_A, S.COUNTRY_B, S.SCORE, S.FORWARD_LOOKING),
    "watchlist": (),
}


class StoreReader:
    """Reads any column of any row of one store generation (``artefacts.TableReader``).

    Parameters:
        store: the open generation the lean tables were read from.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._columns: dict[str, tuple[str, ...]] = {}

    def columns(self, name: str) -> tuple[str, ...]:
        """Every column of table ``name``, in the table's order."""
        if name not in self._columns:
            self._columns[name] = tuple(self.store.schema(name).names)
        return self._columns[name]

    def rows_at(
        self, name: str, positions: np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows of table ``name`` at ``positions``, every column unless ``columns``."""
        return self.store.rows_at(name, positions, list(columns) if columns else None)

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table ``name``, every column unless ``columns``."""
        return self.store.table(name, columns)

    def chunks(
        self, name: str, columns: Sequence[str]
    ) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """Table ``name`` a data file at a time: each file's row positions and ``columns``."""
        for orders, piece in self.store.table_pieces(name, columns):
            yield orders, piece.to_pandas()


def can_read_lean(store: Store) -> bool:
    """Whether ``store`` can be read lean: Delta tables (format 3) holding every table."""
    return store.format not in PARTS_FORMATS and all(store.has_table(n) for n in TABLES)


def read_lean(store: Store) -> Artefacts:
    """The generation's tables with only ``LEAN_COLUMNS`` in memory (see the module docstring).

    The first reader of a generation reads them from the store's files and keeps them with
    every table's lookups in ``lean/<key>/`` (``keep_lean``); every later reader maps that
    folder's files into memory, which costs no reading or conversion at open.

    Raises:
        StoreError: for a store of an older format or without every table (``can_read_lean``),
            or when a table is missing or damaged.
    """
    if not can_read_lean(store):
        raise StoreError(
            f"a store is read lean from Delta tables (format 3) holding {', '.join(TABLES)}; "
            f"got format {store.format} at {store.path}"
        )
    kept = read_kept(store)
    if kept is not None:
        return kept
    artefacts = build_lean(store)
    if keep_lean(store, artefacts):
        return read_kept(store) or artefacts
    return artefacts


def build_lean(store: Store) -> Artefacts:
    """The generation's lean tables and lookups, read from the store's files (what a reader
    of a generation without kept lean tables does before keeping them).

    Raises:
        StoreError: when a table is missing or damaged.
    """
    tables = {name: _lean_table(store, name) for name in TABLES}
    return _lean_artefacts(store, tables, file_lookups(store, tables))


def _lean_artefacts(
    store: Store, tables: Mapping[str, pd.DataFrame], lookups: TableLookups
) -> Artefacts:
    return Artefacts(
        **tables,
        fingerprint=store.fingerprint,
        versions=dict(store.meta.get("versions", {})),
        reader=StoreReader(store),
        lookups=lookups,
    )


def keep_written_lean(store: Store, previous: Store | None = None) -> bool:
    """Keep the lean tables of a generation its writer just made current (``ingest``,
    ``migrate``), so that no dashboard reader has to read and keep them; whether they are
    kept (``keep_lean``: best effort).

    When ``previous`` (the generation the write started from) has its lean tables kept and
    the new generation only appended rows to its tables (an incremental ingest, ``watch``),
    only the appended rows are read, from the files that hold them, and put after the kept
    ones (``appended_lean``); otherwise every lean column is read from the store
    (``build_lean``). Either way the folder holds what a reader would have kept.

    Raises:
        StoreError: when a table is missing or damaged.
    """
    if not can_read_lean(store):
        return False
    if read_kept(store) is not None:
        return True
    artefacts = appended_lean(store, previous) if previous is not None else None
    return keep_lean(store, artefacts if artefacts is not None else build_lean(store))


def _appended_from(store: Store, previous: Store, name: str) -> int | None:
    """Where the rows ``store``'s table ``name`` appended to ``previous``' start (its
    number of rows), or ``None`` when the table was rewritten, its schema changed, or
    either generation lacks it."""
    before = previous.meta.get("tables", {}).get(name)
    after = store.meta.get("tables", {}).get(name)
    if before is None or after is None or before.get("schema") != after.get("schema"):
        return None
    if not set(before.get("files", {})) <= set(after.get("files", {})):
        return None
    start = int(before["rows"])
    return start if int(after["rows"]) >= start else None


def appended_lean(store: Store, previous: Store) -> Artefacts | None:
    """The lean tables and lookups of ``store``'s generation from ``previous``' kept ones
    and the rows appended since (read from their own files); ``None`` when ``previous``
    has none kept, or a table with a briefing id was rewritten rather than appended to.

    The tables rewritten whole (the topic summary) and those with no column held (the
    watchlist) are read as a first reader reads them; country codes are renumbered when
    the appended rows name a country the previous generation did not.

    Raises:
        StoreError: when a table is missing or damaged.
    """
    if not can_read_lean(previous):
        return None
    old = read_kept(previous)
    if old is None or old.lookups is None:
        return None
    starts = {name: _appended_from(store, previous, name) for name in TABLES}
    if any(starts[name] is None for name in (*ID_TABLES, "report")):
        return None
    tables: dict[str, pd.DataFrame] = {}
    added: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        start = starts[name]
        if start is None or LEAN_COLUMNS[name] == ():
            tables[name] = _lean_table(store, name)
            continue
        held = getattr(old, name)
        rows = _rows_from(store, name, start, LEAN_COLUMNS[name])
        if name == "report":
            rows = rows[listed_rows(rows).to_numpy(dtype=bool)]
        if name in ROW_CARRYING:
            rows[S.TABLE_ROW] = np.arange(start, start + len(rows), dtype=np.int64)
        added[name] = rows
        tables[name] = pd.concat([held, rows], ignore_index=True) if len(rows) else held
    mentions = _rows_from(
        store, "mentions", int(starts["mentions"] or 0), [S.BRIEFING_ID, S.ISO3, S.SECTION]
    )
    said = _rows_from(store, "interactions", int(starts["interactions"] or 0), [S.SECTION])
    lookups = _appended_lookups(
        old.lookups,
        tables,
        {**added, "mentions": mentions},
        said,
        first_added=int(starts["briefings"] or 0),
    )
    return _lean_artefacts(store, tables, lookups)


def _rows_from(store: Store, name: str, start: int, columns: Sequence[str] | None) -> pd.DataFrame:
    """The rows of table ``name`` from position ``start`` on (only the files holding them)."""
    rows = np.arange(start, store.table_rows(name), dtype=np.int64)
    return store.rows_at(name, rows, list(columns) if columns else None)


def _appended_lookups(
    old: TableLookups,
    tables: Mapping[str, pd.DataFrame],
    added: Mapping[str, pd.DataFrame],
    interaction_sections: pd.DataFrame,
    first_added: int,
) -> TableLookups:
    """``old`` (the lookups of the rows before) followed by those of the ``added`` rows of
    every ``ID_TABLES`` table; the mentions' added rows carry their id, code and section,
    ``interaction_sections`` the added interactions' sections, and the briefings from
    position ``first_added`` on are the added ones."""
    named = set(old.iso3s)
    for name, column in COUNTRY_CODES.values():
        named |= _distinct(added[name][column])
    iso3s = pd.Index(sorted(named))
    ids = tables["briefings"][S.BRIEFING_ID]
    added_ids = pd.Index(ids.iloc[first_added:])
    known = pd.Index(S.SEGMENT_SECTIONS)

    def joined(before: np.ndarray, after: np.ndarray) -> np.ndarray:
        return np.concatenate([before, after.astype(before.dtype, copy=False)])

    def positions_of(values: pd.Series) -> np.ndarray:
        # Added rows belong to added briefings: looked up among those (not a hash of a
        # million ids per table), and among every briefing only if one is not there.
        found = positions_in(values, added_ids)
        found[found >= 0] += first_added
        missing = found < 0
        if missing.any():
            found[missing] = positions_in(values[missing], pd.Index(ids))
        return found

    def renumbered(codes: np.ndarray) -> np.ndarray:
        if iso3s.equals(old.iso3s):
            return codes
        # Each old code's code among the new countries (-1 stays -1: the appended -1).
        new_codes = np.append(iso3s.get_indexer(old.iso3s), -1)
        return new_codes[codes].astype(codes.dtype, copy=False)

    positions = {
        name: joined(old.positions[name], positions_of(added[name][S.BRIEFING_ID]))
        for name in ID_TABLES
    }
    codes = {
        key: joined(renumbered(old.codes[key]), positions_in(added[name][column], iso3s))
        for key, (name, column) in COUNTRY_CODES.items()
    }
    new_sections = {"mentions": added["mentions"], "interactions": interaction_sections}
    sections = {
        name: joined(old.sections[name], known.get_indexer(new_sections[name][S.SECTION]))
        for name in SECTIONED
    }
    said = set(old.named_sections or ())
    for rows in new_sections.values():
        said |= _distinct(rows[S.SECTION])
    return TableLookups(
        positions=positions,
        codes=codes,
        sections=sections,
        iso3s=iso3s,
        named_sections=frozenset(said),
    )


def lean_key(meta: Mapping[str, Any]) -> str:
    """The name of the kept lean tables of the generation whose manifest is ``meta``: a
    hash of its fingerprint, its tables' versions and rows, and ``LEAN_FORMAT``."""
    recorded = meta.get("tables", {})
    tables = {
        name: [recorded.get(name, {}).get(key) for key in ("version", "rows")] for name in TABLES
    }
    state = {"format": LEAN_FORMAT, "fingerprint": meta.get("fingerprint"), "tables": tables}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:24]


def remove_lean(root: Path, kept: Iterable[Mapping[str, Any]]) -> list[Path]:
    """Remove the kept lean tables of every generation but those whose manifests are
    ``kept`` (``vacuum``), and folders left half-written; the paths removed."""
    folder = root / LEAN_DIR
    if not folder.is_dir():
        return []
    wanted = {lean_key(meta) for meta in kept}
    removed = []
    for path in sorted(folder.iterdir()):
        if path.name not in wanted:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def keep_lean(store: Store, artefacts: Artefacts) -> bool:
    """Keep a lean read's tables and lookups as Arrow files in ``lean/<key>/`` of the store.

    Written beside the final name and renamed into place, so a reader sees a whole folder or
    none. Best effort, as the follow-up: a store folder that cannot be written to only costs
    the next reader the same reading. Returns whether it was kept.
    """
    lookups = table_lookups(artefacts)
    final = store.path / LEAN_DIR / lean_key(store.meta)
    temporary = final.parent / f".{final.name}.{os.getpid()}.tmp"
    meta = {
        "format": LEAN_FORMAT,
        "rows": {name: len(getattr(artefacts, name)) for name in TABLES},
        "iso3s": [str(code) for code in lookups.iso3s],
        "named_sections": sorted(lookups.named_sections or ()),
        "in_order": [
            name for name in ID_TABLES if in_briefing_order(np.asarray(lookups.positions[name]))
        ],
    }
    try:
        temporary.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            if LEAN_COLUMNS[name] != ():
                frame = getattr(artefacts, name)
                _write_arrow(
                    temporary / f"{name}.arrow", pa.Table.from_pandas(frame, preserve_index=False)
                )
        for name, arrays in _lookup_arrays(lookups).items():
            _write_arrow(temporary / f"lookups-{name}.arrow", pa.table(arrays))
        (temporary / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if final.exists():
            # A damaged folder of the same key: readers that mapped its files keep them.
            shutil.rmtree(final, ignore_errors=True)
        os.replace(temporary, final)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return False
    return True


def _lookup_arrays(lookups: TableLookups) -> dict[str, dict[str, np.ndarray]]:
    """Every lookup array, grouped by the table whose rows it numbers."""
    grouped: dict[str, dict[str, np.ndarray]] = {name: {} for name in ID_TABLES}
    for name in ID_TABLES:
        grouped[name]["positions"] = lookups.positions[name]
    for key, (name, _) in COUNTRY_CODES.items():
        grouped[name][f"codes-{key}"] = lookups.codes[key]
    for name in SECTIONED:
        grouped[name]["sections"] = lookups.sections[name]
    return grouped


def read_kept(store: Store) -> Artefacts | None:
    """The kept lean tables of ``store``'s generation, mapped into memory from their files;
    ``None`` when there are none or they are not whole (they are then read and kept again)."""
    folder = store.path / LEAN_DIR / lean_key(store.meta)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != LEAN_FORMAT:
            return None
        tables: dict[str, pd.DataFrame] = {}
        for name in TABLES:
            rows = int(meta["rows"][name])
            if name != "report" and rows != store.table_rows(name):
                return None
            if LEAN_COLUMNS[name] == ():
                tables[name] = pd.DataFrame(index=pd.RangeIndex(rows))
            else:
                tables[name] = _read_arrow(folder / f"{name}.arrow").to_pandas()
            if len(tables[name]) != rows:
                return None
        arrays = {name: _read_arrow(folder / f"lookups-{name}.arrow") for name in ID_TABLES}
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None

    def array(name: str, column: str) -> np.ndarray:
        return arrays[name].column(column).to_numpy()

    lookups = TableLookups(
        positions={name: array(name, "positions") for name in ID_TABLES},
        codes={key: array(name, f"codes-{key}") for key, (name, _) in COUNTRY_CODES.items()},
        sections={name: array(name, "sections") for name in SECTIONED},
        iso3s=pd.Index(meta["iso3s"], dtype=object),
        named_sections=frozenset(meta["named_sections"]),
        # Folders kept before it was recorded: looked at when needed.
        in_order=frozenset(meta["in_order"]) if "in_order" in meta else None,
    )
    return Artefacts(
        **tables,
        fingerprint=store.fingerprint,
        versions=dict(store.meta.get("versions", {})),
        reader=StoreReader(store),
        lookups=lookups,
    )


def _write_arrow(path: Path, table: pa.Table) -> None:
    # Uncompressed, so that a reader maps the file and converts nothing.
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_arrow(path: Path) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def _lean_table(store: Store, name: str) -> pd.DataFrame:
    kept = LEAN_COLUMNS[name]
    if not kept and kept is not None:
        return pd.DataFrame(index=pd.RangeIndex(store.table_rows(name)))
    frame = store.table(name, kept)  # every column when None
    if name == "report":
        # The views show and count only the inputs not loaded as they are and the
        # briefings loaded with a note.
        return frame[listed_rows(frame).to_numpy(dtype=bool)].reset_index(drop=True)
    if name in ROW_CARRYING:
        frame[S.TABLE_ROW] = np.arange(len(frame), dtype=np.int64)
    return frame


def _numbered(column: pa.ChunkedArray, number: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Each row's number: ``number`` maps the column's distinct values to theirs (a missing
    value is -1), so each distinct value is looked up once however many rows hold it."""
    encoded = column.combine_chunks()
    if not pa.types.is_dictionary(encoded.type):
        encoded = pc.dictionary_encode(encoded)
    values = encoded.dictionary.to_pylist()
    numbers = np.append(np.asarray(number(values), dtype=np.int64), -1)
    return numbers[pc.fill_null(encoded.indices, len(values)).to_numpy(zero_copy_only=False)]


def _distinct(column: pd.Series) -> set[str]:
    return set(column.dropna().unique())


def file_lookups(store: Store, tables: Mapping[str, pd.DataFrame]) -> TableLookups:
    """The lookups a lean read cannot take from its tables: those of the mentions, the
    interactions' sections, every table's countries and the sections named.

    The country codes are the sorted codes of the countries, interactions and mentions
    tables, as ``artefacts.table_lookups`` numbers them; the mentions' own, and the sections
    of both tables, are read from the distinct values Parquet stores (no string per row).
    The arrays (the mentions': 32-bit, tens of millions of rows in a large corpus) are built
    on first use, a data file at a time.

    Parameters:
        tables: the lean tables (the briefings' ids, the countries' and interactions' codes).
    """
    named = _distinct(tables["countries"][S.ISO3])
    named |= _distinct(tables["interactions"][S.COUNTRY_A])
    named |= _distinct(tables["interactions"][S.COUNTRY_B])
    said: set[str] = set()
    for name, columns in (("mentions", [S.ISO3, S.SECTION]), ("interactions", [S.SECTION])):
        for _, piece in store.table_pieces(name, columns, dictionaries=columns):
            for column in columns:
                dictionary = piece.column(column).combine_chunks().dictionary
                (named if column == S.ISO3 else said).update(
                    v for v in dictionary.to_pylist() if v is not None
                )
    iso3s = pd.Index(sorted(named))
    briefings = tables["briefings"][S.BRIEFING_ID]
    sections = S.SEGMENT_SECTIONS

    def section_numbers(values: list[str]) -> np.ndarray:
        return np.array([sections.index(v) if v in sections else -1 for v in values])

    def mention_arrays() -> dict[str, np.ndarray]:
        # Plain objects: the index's hash table is then built once, not at every file.
        ids = pd.Index(briefings.to_numpy(dtype=object), dtype=object)
        size = store.table_rows("mentions")
        built: dict[str, np.ndarray] = {
            "positions": np.full(size, -1, dtype=np.int32),
            "codes": np.full(size, -1, dtype=np.int32),
            "sections": np.full(size, -1, dtype=np.int8),
        }
        columns = [S.BRIEFING_ID, S.ISO3, S.SECTION]
        for orders, piece in store.table_pieces("mentions", columns, dictionaries=columns):
            built["positions"][orders] = _numbered(
                piece.column(S.BRIEFING_ID), lambda v: ids.get_indexer(pd.Index(v, dtype=object))
            )
            built["codes"][orders] = _numbered(piece.column(S.ISO3), iso3s.get_indexer)
            built["sections"][orders] = _numbered(piece.column(S.SECTION), section_numbers)
        return built

    def interaction_sections() -> np.ndarray:
        said = np.full(store.table_rows("interactions"), -1, dtype=np.int8)
        for orders, piece in store.table_pieces(
            "interactions", [S.SECTION], dictionaries=[S.SECTION]
        ):
            said[orders] = _numbered(piece.column(S.SECTION), section_numbers)
        return said

    kept: dict[str, dict[str, np.ndarray]] = {}

    def mention(kind: str) -> Callable[[], np.ndarray]:
        def build() -> np.ndarray:
            if "mentions" not in kept:
                kept["mentions"] = mention_arrays()
            return kept["mentions"][kind]

        return build

    return TableLookups(
        positions=LazyLookups({"mentions": mention("positions")}),
        codes=LazyLookups({"mentions": mention("codes")}),
        sections=LazyLookups(
            {"mentions": mention("sections"), "interactions": interaction_sections}
        ),
        iso3s=iso3s,
        named_sections=frozenset(said),
    )


# The kept follow-up of a generation (``pipeline.follow_ups``), as an uncompressed Arrow file
# in its lean folder, named by the follow-up's own key (the reference tables and settings).
FOLLOW_UP_FILE = "follow-up-{key}.arrow"
# The follow-up's columns of few distinct values that the Watchlist holds for every event
# (``views.watchlist.HELD_EVENT_COLUMNS``): kept as Arrow dictionaries, a small number a row
# instead of the string, so that holding them maps a few megabytes of the file, not a
# hundred (a million briefings' events).
FOLLOW_UP_DICTIONARIES: tuple[str, ...] = (
    S.COUNTRIES,
    S.EVENT_TYPE,
    S.CERTAINTY,
    S.WHEN,
    S.FOLLOW_UP,
)


def mapped_follow_up(artefacts: Artefacts) -> pa.Table:
    """The follow-up of a lean corpus' generation (``schema.FOLLOW_UP_COLUMNS``, the
    watchlist's rows in its order), mapped into memory from its kept lean folder: only the
    pages of the rows and columns a view reads are ever loaded.

    The first reader that finds no file there writes it from the follow-up the store
    keeps (or works it out: ``follow_ups.follow_up_of``), as ``keep_follow_up`` does; a
    folder that cannot be written to leaves the table in memory.

    Raises:
        StoreError: when ``artefacts`` is not a lean corpus of a store, or a table of its
            generation is missing or damaged.
    """
    from analytics.pipeline.follow_ups import follow_up_key, follow_up_of

    reader = artefacts.reader
    if not isinstance(reader, StoreReader):
        raise StoreError(
            "the follow-up is mapped from the lean folder of a store's generation; got a "
            f"corpus {'held whole' if reader is None else 'read by ' + type(reader).__name__}"
        )
    store = reader.store
    path = kept_follow_up_path(store, follow_up_key(artefacts.fingerprint))
    mapped = _mapped_follow_up(path, len(artefacts.watchlist))
    if mapped is not None:
        return mapped
    table = pa.Table.from_pandas(follow_up_of(store.path, artefacts), preserve_index=False)
    if keep_follow_up_file(store, artefacts.fingerprint, table):
        return _mapped_follow_up(path, table.num_rows) or table
    return table


def follow_up_positions(artefacts: Artefacts, briefing_ids: pd.Series) -> np.ndarray:
    """Each followed event's briefing position in the corpus (-1: none), for the events'
    ``briefing_ids`` (the follow-up of a lean corpus, in its order: ``mapped_follow_up``).

    Kept beside the mapped follow-up (``follow-up-<key>-positions.arrow``) by the first
    reader, so that later dashboard processes map a number per event instead of looking up
    a million briefing ids (a hash of every id, some 60 MB for a moment).
    """
    from analytics.pipeline.follow_ups import follow_up_key

    reader = artefacts.reader
    path = None
    if isinstance(reader, StoreReader):
        path = _positions_path(
            kept_follow_up_path(reader.store, follow_up_key(artefacts.fingerprint))
        )
        try:
            kept = _read_arrow(path)
            if kept.num_rows == len(briefing_ids) and kept.column_names == ["positions"]:
                return kept.column("positions").to_numpy()
        except (OSError, pa.ArrowException):
            pass
    positions = positions_in(briefing_ids, pd.Index(artefacts.briefings[S.BRIEFING_ID]))
    if path is not None and path.parent.is_dir():
        _keep_arrow(path, pa.table({"positions": positions}))  # else the next reader looks
    return positions


def _positions_path(follow_up_file: Path) -> Path:
    return follow_up_file.with_name(follow_up_file.stem + "-positions.arrow")


def keep_follow_up_file(store: Store, fingerprint: str, table: pa.Table) -> bool:
    """Keep ``table`` (the follow-up of the corpus ``fingerprint``) in the lean folder of
    ``store``'s generation, written beside its name and renamed into place; whether it was
    kept (not when the generation has no whole lean folder, or it cannot be written to)."""
    from analytics.pipeline.follow_ups import follow_up_key

    if read_kept(store) is None:
        return False
    return _keep_arrow(
        kept_follow_up_path(store, follow_up_key(fingerprint)), with_dictionaries(table)
    )


def _keep_arrow(path: Path, table: pa.Table) -> bool:
    """Write ``table`` beside ``path`` and rename it into place; whether it was kept (a
    folder that cannot be written to keeps nothing)."""
    temporary = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        _write_arrow(temporary, table)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def kept_follow_up_path(store: Store, key: str) -> Path:
    """Where the lean folder of ``store``'s generation keeps the follow-up named ``key``."""
    return store.path / LEAN_DIR / lean_key(store.meta) / FOLLOW_UP_FILE.format(key=key)


def _mapped_follow_up(path: Path, rows: int) -> pa.Table | None:
    """The follow-up file at ``path`` mapped, or ``None`` when it is missing, not whole or
    not ``rows`` events of the follow-up's columns."""
    try:
        table = _read_arrow(path)
    except (OSError, pa.ArrowException):
        return None
    if table.column_names != list(S.FOLLOW_UP_COLUMNS) or table.num_rows != rows:
        return None
    if not all(pa.types.is_dictionary(table[name].type) for name in FOLLOW_UP_DICTIONARIES):
        return None  # written before they were kept as dictionaries: written again
    return table


def with_dictionaries(table: pa.Table) -> pa.Table:
    """``table`` (a follow-up) with ``FOLLOW_UP_DICTIONARIES`` as dictionaries, their
    numbers as narrow as the distinct values allow (a byte a row for up to 127 of them)."""
    for name in FOLLOW_UP_DICTIONARIES:
        at = table.schema.get_field_index(name)
        column = table.column(at)
        if not pa.types.is_dictionary(column.type):
            # One dictionary for the whole column: an Arrow file cannot change it midway.
            encoded = pc.dictionary_encode(column.combine_chunks())
            narrow = pa.int8() if len(encoded.dictionary) <= 127 else pa.int16()
            if len(encoded.dictionary) <= 32767:
                encoded = pa.DictionaryArray.from_arrays(
                    encoded.indices.cast(narrow), encoded.dictionary
                )
            table = table.set_column(at, name, encoded)
    return table
