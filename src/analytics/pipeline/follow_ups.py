"""The follow-up of a store's expected events, worked out once and kept beside the store.

The follow-up (``analytics.watchlist.follow_up``) reads every report sentence of a corpus:
tens of seconds for 100,000 briefings. It depends on the whole corpus (its latest day, the
words most of its sentences hold, every event's window), so it cannot be merged from the
follow-ups of batches the way rollups are, and an ingest of 1,000 briefings has no time to
redo it. It is kept instead: the first reader of a generation that needs it (the Watchlist
page, ``export watchlist``), or ``watch`` and ``ingest --follow-up`` right after they write
a generation, works it out and saves it as ``follow-up/<key>.parquet`` in the store folder;
every later reader of that generation reads the file. The dashboard maps an uncompressed
copy from the generation's lean folder (``lean.mapped_follow_up``: only the rows and
columns a view reads are loaded), which ``--follow-up`` keeps as well.

The key is a hash of what the follow-up depends on: the generation's corpus fingerprint,
the product version, the reference tables (cues, modifiers, certainty words, ...) and the
follow-up's settings. A file is written beside its final name and renamed into place, so a
reader sees a whole file or none; two processes that save the same key write the same
table. A file that cannot be read, or whose rows are not the generation's events, is worked
out again. Saving is best effort: a store folder that cannot be written to (read-only, disk
full) only costs the next reader the same work. ``vacuum`` removes the files of the
generations it removes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.artefacts import Artefacts, follow_up_tables, follow_up_texts
from analytics.parallel import release_freed_memory

FOLLOW_UP_DIR = "follow-up"
# The settings the follow-up reads (``analytics.watchlist.follow_up``).
_SETTINGS = (
    "watchlist_grace_days",
    "watchlist_evidence",
    "watchlist_common_share",
    "watchlist_common_min",
)


def follow_up_key(fingerprint: str) -> str:
    """The name of the follow-up of the corpus ``fingerprint`` under today's rules."""
    from analytics.pipeline.process import reference_versions

    state = {
        "fingerprint": fingerprint,
        "versions": reference_versions(),
        "settings": {name: str(settings.value(name)) for name in _SETTINGS},
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:24]


def _path(root: Path, key: str) -> Path:
    return root / FOLLOW_UP_DIR / f"{key}.parquet"


def stored_follow_up(root: Path, artefacts: Artefacts) -> pd.DataFrame | None:
    """The kept follow-up of ``artefacts`` (a generation of the store at ``root``), or
    ``None`` when there is none, it cannot be read, or its rows are not the events of the
    generation's watchlist."""
    path = _path(root, follow_up_key(artefacts.fingerprint))
    if not path.is_file():
        return None
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError):
        return None
    events = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]
    watchlist = artefacts.watchlist
    if artefacts.reader is not None:
        # A lean corpus holds no watchlist column: its events' keys are read, and the
        # column types taken from none of its rows.
        watchlist = artefacts.reader.table("watchlist", events)
        types = artefacts.reader.rows_at("watchlist", np.zeros(0, dtype=np.int64)).dtypes
    else:
        types = watchlist.dtypes
    if not _fits(table, watchlist, events):
        return None
    # The watchlist's own columns, as the watchlist holds them: Parquet keeps times in
    # milliseconds at the finest where the table may hold seconds.
    shared = [c for c in table.columns if c in types.index]
    return table.astype({c: types[c] for c in shared})


def _fits(table: pd.DataFrame, watchlist: pd.DataFrame, events: list[str]) -> bool:
    if list(table.columns) != list(S.FOLLOW_UP_COLUMNS) or len(table) != len(watchlist):
        return False
    return bool(
        (table[events].reset_index(drop=True) == watchlist[events].reset_index(drop=True))
        .all()
        .all()
    )


def save_follow_up(root: Path, fingerprint: str, table: pd.DataFrame) -> bool:
    """Keep ``table`` as the follow-up of the corpus ``fingerprint`` in the store at
    ``root``; whether it was written (``False`` when the folder cannot be written to)."""
    folder = root / FOLLOW_UP_DIR
    final = _path(root, follow_up_key(fingerprint))
    temporary = folder / f".{final.name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        table.to_parquet(temporary, index=False)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


def follow_up_of(root: Path, artefacts: Artefacts) -> pd.DataFrame:
    """The follow-up of a store generation's events: kept, or worked out and kept.

    Parameters:
        root: the store folder.
        artefacts: the generation's tables (``Store.artefacts``).

    Returns:
        ``schema.FOLLOW_UP_COLUMNS``, the watchlist's rows in its order.
    """
    kept = stored_follow_up(root, artefacts)
    return kept if kept is not None else _work_out(root, artefacts)[0]


def _work_out(root: Path, artefacts: Artefacts) -> tuple[pd.DataFrame, bool]:
    """The follow-up of ``artefacts`` worked out, and whether it could be kept."""
    from analytics.watchlist import follow_up, report_mentions

    whole = follow_up_tables(artefacts, report_mentions)
    release_freed_memory()  # the data files read, a piece at a time, for the tables held
    table = follow_up(
        whole.watchlist,
        whole.briefings,
        whole.mentions,
        texts_at=follow_up_texts(artefacts),
    )
    return table, save_follow_up(root, artefacts.fingerprint, table)


def remove_follow_ups(root: Path, keep_fingerprints: Iterable[str]) -> list[Path]:
    """Remove the kept follow-ups of every corpus but ``keep_fingerprints`` (under today's
    rules), and files left half-written; the paths removed."""
    folder = root / FOLLOW_UP_DIR
    if not folder.is_dir():
        return []
    wanted = {f"{follow_up_key(fingerprint)}.parquet" for fingerprint in keep_fingerprints}
    removed = []
    for path in sorted(folder.iterdir()):
        if path.name not in wanted:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def keep_follow_up(root: Path) -> str:
    """Work out and keep the follow-up of the store's current generation (``ingest
    --follow-up``, ``watch --follow-up``), so that no reader waits for it; one line saying
    what was done.

    Raises:
        StoreError: when the store cannot be opened.
    """
    from analytics.pipeline.lean import can_read_lean, read_lean
    from analytics.pipeline.store import open_store

    started = time.perf_counter()
    store = open_store(root)
    # Read lean: the follow-up then reads only the columns it needs (``follow_up_tables``),
    # not every table of the generation (at a million briefings, gigabytes less).
    artefacts = read_lean(store) if can_read_lean(store) else store.artefacts()
    if stored_follow_up(root, artefacts) is not None:
        _keep_mapped(artefacts)
        return f"follow-up: already kept for generation {store.generation.name}"
    table, saved = _work_out(root, artefacts)
    events, reported = len(table), int((table[S.FOLLOW_UP] == S.REPORTED).sum())
    # The mapped copy is made from the kept file: one follow-up table in memory, not two
    # (a million events' sentences and evidence).
    del table
    if saved:
        _keep_mapped(artefacts)
    where = (
        "kept for the dashboard and exports"
        if saved
        else "not kept: the store folder cannot be written to"
    )
    return (
        f"follow-up: {events:,} expected events, {reported:,} reported; {where} "
        f"({time.perf_counter() - started:.1f} s)"
    )


def _keep_mapped(artefacts: Artefacts) -> None:
    """Keep the follow-up just kept in the generation's lean folder too, as the dashboard
    maps it (``lean.mapped_follow_up``), with its events' briefing positions
    (``lean.follow_up_positions``), when the corpus was read lean (a generation without a
    whole lean folder keeps nothing there: ``lean.keep_follow_up_file``)."""
    from analytics.pipeline.lean import follow_up_positions, mapped_follow_up

    if artefacts.reader is not None:
        mapped = mapped_follow_up(artefacts)
        # And the events' briefing positions beside it, which the page would look up.
        follow_up_positions(artefacts, mapped.column(S.BRIEFING_ID).to_pandas())


def follow_up_is_kept(root: Path, artefacts: Artefacts) -> bool:
    """Whether the store at ``root`` keeps a follow-up file for the generation of
    ``artefacts`` (in the store folder, or in the generation's lean folder as the dashboard
    maps it); only the files' presence is looked at, not their rows."""
    key = follow_up_key(artefacts.fingerprint)
    if _path(root, key).is_file():
        return True
    from analytics.pipeline.lean import StoreReader, kept_follow_up_path

    reader = artefacts.reader
    return isinstance(reader, StoreReader) and kept_follow_up_path(reader.store, key).is_file()
