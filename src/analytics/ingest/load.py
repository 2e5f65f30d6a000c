"""Load briefings (text folders, CSV/TSV/JSON/JSONL/Parquet tables) into one validated table.

``load_files`` reads the files with the reader for each format (``readers``),
applies manifests, dates every briefing and accounts for every file and row in
the load report; ``load_corpus_with_report`` also finds the files and marks
duplicates. Text files follow the canonical format (``textformat``).

Tables hold one briefing per row; their columns are found by common names or
named explicitly. A row's text is kept as written (line ends normalised) unless
it holds the canonical headings, in which case it is split like a file. A
briefing's date comes from, in order: its record or front matter, a manifest, a
date in the file name, the file's modification time.

Nothing is dropped silently: the load report has one row per input file (or per
table row) saying whether it was loaded, collapsed as a duplicate, flagged as a
near-duplicate, or skipped and why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from analytics import schema as S
from analytics import settings
from analytics.errors import EmptyCorpusError, InputError
from analytics.ingest import dates as D
from analytics.ingest.columns import (
    DATE_FILE_NAME,
    DATE_FILE_TIME,
    DATE_MANIFEST,
    INTERNAL_PREFIX,
    ROLE_DATE,
    ROLE_SOURCE,
    ROLE_TITLE,
    ROLE_URL,
    WORK_DATE_KIND,
    WORK_DATE_RAW,
    WORK_FILE,
    WORK_ID,
    WORK_ROW,
    check_roles,
    is_missing,
)
from analytics.ingest.decoding import PLAIN_ENCODINGS
from analytics.ingest.duplicates import (
    DuplicateFinder,
    arrow_strings,
    find_duplicates,
    normalise_text,
)
from analytics.ingest.files import (
    DOCUMENTATION,
    LINK_OUT,
    MANIFEST_NAMES,
    discover_files,
    input_folder,
    is_documentation,
    leaves_folder,
    shown_name,
)
from analytics.ingest.manifests import (
    Manifest,
    explicit_manifest,
    load_folder_manifests,
    manifest_entry,
    report_unmatched,
)
from analytics.ingest.marking import mark_duplicates, resolve_id_collisions, sort_briefings
from analytics.ingest.readers import READERS, SUPPORTED_EXTENSIONS, Batch, load_briefing_file
from analytics.ingest.report import LoadResult, ReportRow, SkippedFile, report_frame, sort_report

# -- limits ---------------------------------------------------------------------
# One briefing (a text file, or one row's text) above this size is skipped: later
# stages cost time per MB and a single huge text would stall everyone's work.
_MAX_BRIEFING_MB_ENV = settings.setting("max_briefing_mb").env


def _cap_mb(value: float | None = None) -> float:
    """The per-briefing size cap in MB: ``value``, else the setting ``max_briefing_mb``.

    Raises:
        InputError: when the cap is not a positive number.
    """
    if value is None:
        return float(settings.value("max_briefing_mb"))
    try:
        return settings.positive_mb(value)
    except ValueError:
        raise InputError(
            f"the per-briefing size cap (max_briefing_mb) must be a positive number of MB; "
            f"got {value!r}"
        ) from None


def _over_cap(size: float, limit_mb: float) -> str:
    return (
        f"briefing is {size / _MB:.1f} MB, over the limit of {limit_mb:g} MB "
        f"(set {_MAX_BRIEFING_MB_ENV} to raise it)"
    )


_MB = 1024 * 1024


def load_files(
    files: Sequence[Path],
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    relative_to: str | Path | None = None,
    max_briefing_mb: float | None = None,
) -> LoadResult:
    """Load briefing files without marking duplicates and without failing on no result.

    Parameters:
        files: the files to read (see ``discover_files``).
        manifest: a manifest (CSV/JSON path or DataFrame) giving date, title,
            source and url per file name; ``manifest.csv``/``manifest.json`` in a
            file's folder (or the nearest ancestor holding one) are used as well.
        columns: explicit table column names by role (``text``, ``id``, ``date``,
            ``title``, ``source``, ``url``).
        progress: called with (files done, files total) after each file.
        relative_to: the input folder. The load report and ``origin`` name files
            relative to it, and symbolic links leading out of it are not followed;
            default the deepest folder holding every file.
        max_briefing_mb: the per-briefing size cap; default the environment's
            ``BRIEFING_ATLAS_MAX_BRIEFING_MB``, else 10. A larger briefing is skipped
            with its size and the limit in the report.

    Returns:
        The briefings (sorted by date then id, possibly empty) and the load report.

    Raises:
        InputError: when ``columns`` names an unknown role or a column a table
            lacks, when an explicit manifest cannot be read, or when the size cap
            is not a positive number.
    """
    check_roles(columns)
    limit_mb = _cap_mb(max_briefing_mb)
    files = [Path(file) for file in files]
    base = Path(relative_to) if relative_to is not None else input_folder(files)
    shown = {path: shown_name(path, base) for path in files}
    report_rows: list[ReportRow] = []
    explicit = explicit_manifest(manifest)
    folder_manifests = load_folder_manifests(files, report_rows, base)
    text_records: list[dict[str, object]] = []
    tables: list[pd.DataFrame] = []
    file_of: list[Path] = []
    file_notes: list[str] = []
    for done, path in enumerate(files, start=1):
        batch = _load_one(path, columns, report_rows, shown[path], base, limit_mb)
        if batch is not None:
            for record in batch.records:
                record[WORK_FILE] = len(file_of)
                text_records.append(record)
            if batch.table is not None and len(batch.table):
                tables.append(batch.table.assign(**{WORK_FILE: len(file_of)}))
            for row, reason in batch.skipped:
                report_rows.append(ReportRow(shown[path], row, S.SKIPPED, reason, None))
        file_of.append(path)
        file_notes.append(_file_note(batch))
        if progress is not None:
            progress(done, len(files))
    frames = ([pd.DataFrame.from_records(text_records)] if text_records else []) + tables
    manifests = [explicit] if explicit else []
    manifests += [found for group in folder_manifests.values() for found in group]
    report_unmatched(manifests, files, report_rows)
    if not frames:
        return LoadResult(_empty_briefings(), sort_report(report_frame(report_rows)))
    records = pd.concat(frames, ignore_index=True, sort=False)
    names = [shown[path] for path in file_of]
    briefings, loaded_rows = _finish(
        records, _Files(file_of, names, file_notes), explicit, folder_manifests, limit_mb
    )
    report = report_frame(report_rows + loaded_rows)
    briefings, report = resolve_id_collisions(briefings, report)
    return LoadResult(sort_briefings(briefings), sort_report(report))


class _Files(NamedTuple):
    """The loaded files by index: their paths, shown names and what is noted on every
    row of each (its text encoding, a repeated column...; "" when nothing)."""

    paths: list[Path]
    names: list[str]
    notes: list[str]


def _file_note(batch: Batch | None) -> str:
    """What the load report notes on every row of a file: an encoding other than UTF-8
    and the reader's notes about the whole file."""
    if batch is None:
        return ""
    said = [] if batch.encoding in PLAIN_ENCODINGS else [f"decoded as {batch.encoding}"]
    return "; ".join([*said, *batch.notes])


def _load_one(
    path: Path,
    columns: Mapping[str, str] | None,
    report_rows: list[ReportRow],
    shown: str,
    base: Path | None,
    limit_mb: float,
) -> Batch | None:
    reader = READERS.get(path.suffix.lower())
    try:
        if leaves_folder(path, base if base is not None else path.parent):
            raise SkippedFile(LINK_OUT)
        if path.name.lower() in MANIFEST_NAMES:
            raise SkippedFile("manifest, not a briefing")
        if is_documentation(path):
            raise SkippedFile(DOCUMENTATION)
        if reader is None:
            accepted = ", ".join(SUPPORTED_EXTENSIONS)
            raise SkippedFile(
                f"unsupported extension {path.suffix or '(none)'!r} (accepted: {accepted})"
            )
        if reader is load_briefing_file:
            size = path.stat().st_size
            if size > limit_mb * _MB:
                raise SkippedFile(_over_cap(size, limit_mb))  # never read at all
        return reader(path, columns)
    except SkippedFile as problem:
        report_rows.append(ReportRow(shown, None, S.SKIPPED, str(problem), None))
        return None
    except OSError as error:
        reason = f"unreadable: {error.strerror or type(error).__name__}"
        report_rows.append(ReportRow(shown, None, S.SKIPPED, reason, None))
        return None


def _finish(
    records: pd.DataFrame,
    files: _Files,
    explicit: Manifest | None,
    folder_manifests: dict[Path, list[Manifest]],
    limit_mb: float,
) -> tuple[pd.DataFrame, list[ReportRow]]:
    """Dates, ids, size and empty-text checks over all records at once; report rows."""
    file_of = files.paths
    for name in (S.TITLE, S.SOURCE, S.URL, *S.SECTIONS):
        if name not in records:
            records[name] = ""
        records[name] = records[name].fillna("").astype("str")
    records[S.TEXT] = records[S.TEXT].fillna("").astype("str")
    shown_names = records[WORK_FILE].map(dict(enumerate(files.names))).astype("str")
    records[S.ORIGIN] = shown_names + records[S.ORIGIN].fillna("").astype("str")
    notes = pd.Series("", index=records.index, dtype="str")
    parsed = pd.Series(pd.NaT, index=records.index, dtype=D.DATE_DTYPE)
    raw = records[WORK_DATE_RAW].astype(object) if WORK_DATE_RAW in records else None
    # A date field given but blank, or refused, is said so: never filled in silently.
    problem = pd.Series(False, index=records.index)
    if raw is not None:
        present = raw.map(lambda value: not is_missing(value))
        if present.any():
            checked = D.check_dates(_uniform(raw[present]), records.loc[present, WORK_FILE])
            parsed[present] = checked.dates
            notes[present] = checked.notes
            problem[present] = checked.dates.isna()
        blank = ~present & raw.map(lambda value: value is not None)
        notes[blank] = "no date"
        problem |= blank
    records[S.DATE] = parsed
    records[S.DATE_SOURCE] = records[WORK_DATE_KIND].where(parsed.notna())
    _apply_file_level(records, file_of, explicit, folder_manifests)
    records[S.DATE_SOURCE] = records[S.DATE_SOURCE].astype("str")
    no_date = records[S.DATE].isna()
    notes[no_date] = notes[no_date].where(notes[no_date] == "", notes[no_date] + "; ") + "no date"
    notes = _note_fallback_dates(notes, records[S.DATE_SOURCE], problem & ~no_date)
    file_notes = {index: note for index, note in enumerate(files.notes) if note}
    if file_notes:
        noted = records[WORK_FILE].map(file_notes).fillna("").astype("str")
        notes = _join_notes(notes, noted)
    empty = records[S.TEXT].str.strip() == ""
    sizes = pc.binary_length(pc.cast(arrow_strings(records[S.TEXT]), "binary"))
    sizes = pd.Series(sizes.to_numpy(zero_copy_only=False), index=records.index)
    over = sizes > limit_mb * _MB
    if over.any():
        notes[over] = sizes[over].map(lambda size: _over_cap(size, limit_mb))
    ids = records[WORK_ID] if WORK_ID in records else pd.Series(pd.NA, index=records.index)
    ids = ids.astype(object).where(ids.notna(), None)
    missing = ids.isna() & ~empty
    ids[missing] = [_content_id(text) for text in records.loc[missing, S.TEXT]]
    records[S.BRIEFING_ID] = ids.astype("str")
    shown = records[WORK_FILE].map(dict(enumerate(files.names)))
    rows = records[WORK_ROW] if WORK_ROW in records else pd.Series(None, index=records.index)
    report = pd.DataFrame(
        {
            S.FILE: shown,
            S.ROW: pd.array(rows.astype(object).where(rows.notna(), None), dtype="Int64"),
            S.STATUS: np.where(empty | over, S.SKIPPED, S.LOADED),
            S.REASON: notes.where(~empty, "empty text"),
            S.BRIEFING_ID: records[S.BRIEFING_ID].where(~empty & ~over),
        }
    )
    loaded_rows = list(map(ReportRow._make, report.itertuples(index=False, name=None)))
    briefings = records[~empty & ~over].reset_index(drop=True)
    briefings[S.DUPLICATE_OF] = pd.Series(pd.NA, index=briefings.index, dtype="str")
    internal = [column for column in briefings.columns if str(column).startswith(INTERNAL_PREFIX)]
    briefings = briefings.drop(columns=internal)
    extras = [column for column in briefings.columns if column not in S.BRIEFING_COLUMNS]
    return briefings[[*S.BRIEFING_COLUMNS, *extras]], loaded_rows


_FALLBACK_PHRASES = {
    DATE_MANIFEST: "dated by the manifest",
    DATE_FILE_NAME: "dated by the file name",
    DATE_FILE_TIME: "dated by the file's modification time",
}


def _note_fallback_dates(notes: pd.Series, sources: pd.Series, problem: pd.Series) -> pd.Series:
    """Say where a date came from when the record's own was refused, or from the file's time."""
    phrases = sources.map(_FALLBACK_PHRASES).fillna("").astype("str")
    said = (problem | (sources == DATE_FILE_TIME)) & (phrases != "")
    return notes.where(~said, _join_notes(notes, phrases)[said])


def _join_notes(first: pd.Series, second: pd.Series) -> pd.Series:
    """Two notes per row joined with "; ", either possibly empty."""
    both = (first != "") & (second != "")
    return first.where(second == "", first + np.where(both, "; ", "") + second)


def _uniform(values: pd.Series) -> pd.Series:
    """A column of one kind for vectorised parsing: numbers stay numbers, else strings."""
    kinds = {type(value) for value in values}
    if kinds <= {int, float, np.int64, np.float64}:
        return values.astype("float64")
    if len(kinds) == 1 and issubclass(next(iter(kinds)), pd.Timestamp):
        return pd.to_datetime(values, utc=True)
    # A number among strings stays a number: typed data says it is an epoch time.
    return values.map(lambda value: value if _is_text_or_number(value) else _scalar_text(value))


def _is_text_or_number(value: object) -> bool:
    return isinstance(value, str | int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )


def _scalar_text(value: object) -> str:
    stamp = D.parse_date(value)
    return stamp.isoformat() if stamp is not None else str(value)


def _apply_file_level(
    records: pd.DataFrame,
    file_of: list[Path],
    explicit: Manifest | None,
    folder_manifests: dict[Path, list[Manifest]],
) -> None:
    """Fill dates (and empty title/source/url) from manifest, file name, then file time."""
    file_index = records[WORK_FILE]
    entries: dict[int, pd.Series] = {}
    for index in pd.unique(file_index.to_numpy()):
        entry = manifest_entry(file_of[int(index)], explicit, folder_manifests)
        if entry is not None:
            entries[int(index)] = entry
    for role, column in ((ROLE_TITLE, S.TITLE), (ROLE_SOURCE, S.SOURCE), (ROLE_URL, S.URL)):
        given = {index: str(entry.get(role) or "") for index, entry in entries.items()}
        values = file_index.map(given).astype("str").fillna("")
        blank = (records[column] == "") & (values != "")
        records.loc[blank, column] = values[blank]
    extras = {
        name
        for entry in entries.values()
        for name in entry.index
        if name not in (ROLE_DATE, ROLE_TITLE, ROLE_SOURCE, ROLE_URL, WORK_ROW)
    }
    for name in sorted(extras):
        values = file_index.map({index: entry.get(name) for index, entry in entries.items()})
        if name not in records:
            records[name] = values
        else:
            records[name] = records[name].astype(object).where(records[name].notna(), values)
    stamps = {
        DATE_MANIFEST: {i: D.parse_date(e.get(ROLE_DATE)) for i, e in entries.items()},
        DATE_FILE_NAME: {
            i: D.date_from_file_name(file_of[i].name) for i in pd.unique(file_index.to_numpy())
        },
        DATE_FILE_TIME: {i: D.file_time(file_of[i]) for i in pd.unique(file_index.to_numpy())},
    }
    for kind, by_file in stamps.items():
        undated = records[S.DATE].isna()
        if not undated.any():
            break
        known = {index: stamp for index, stamp in by_file.items() if stamp is not None}
        if not known:
            continue
        fallback = pd.to_datetime(file_index[undated].map(known), utc=True).astype(D.DATE_DTYPE)
        filled = fallback.notna()
        records.loc[fallback.index[filled], S.DATE] = fallback[filled]
        records.loc[fallback.index[filled], S.DATE_SOURCE] = kind


_ID_PREFIX = "b-"


def _content_id(text: str) -> str:
    digest = hashlib.sha1(normalise_text(text).encode("utf-8"), usedforsecurity=False)
    return _ID_PREFIX + digest.hexdigest()[:16]


def _empty_briefings() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype="str") for column in S.BRIEFING_COLUMNS})
    frame[S.DATE] = pd.Series(dtype=D.DATE_DTYPE)
    return frame


def load_corpus_with_report(
    paths: Sequence[str | Path] | str | Path,
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_briefing_mb: float | None = None,
    finder: DuplicateFinder = find_duplicates,
    leave_out: Path | None = None,
) -> LoadResult:
    """Discover, load and de-duplicate a corpus of briefings.

    Parameters:
        paths: files and folders (searched recursively).
        manifest: see ``load_files``.
        columns: see ``load_files``.
        progress: see ``load_files``.
        max_briefing_mb: see ``load_files``.
        finder: what finds duplicates (see ``mark_duplicates``); an ingest's engine
            passes its own.
        leave_out: a folder whose files are no inputs (see ``discover_files``).

    Returns:
        The briefings (``schema.BRIEFING_COLUMNS`` then extra input columns, sorted
        by date then id) and the load report, which names files relative to the
        deepest folder holding every input.

    Raises:
        InputError: when a path does not exist or ``columns``/``manifest`` is unusable.
        EmptyCorpusError: when no briefing could be loaded; the message says what
            was tried and why each file was skipped.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    # Input names only: an upload's inputs sit in a server folder users must not see.
    shown = [Path(path).name or str(path) for path in paths]
    files = discover_files(paths, leave_out=leave_out)
    if not files:
        raise EmptyCorpusError(f"no briefing could be loaded: no files found; got {shown!r}")
    loaded = load_files(
        files,
        manifest=manifest,
        columns=columns,
        progress=progress,
        relative_to=input_folder([Path(path) for path in paths]),
        max_briefing_mb=max_briefing_mb,
    )
    if loaded.briefings.empty:
        problems = loaded.report[loaded.report[S.STATUS] == S.SKIPPED]
        listed = [
            f"{file}{'' if pd.isna(row) else f' row {row}'}: {reason}"
            for file, row, reason in zip(
                problems[S.FILE], problems[S.ROW], problems[S.REASON], strict=True
            )
        ]
        more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
        raise EmptyCorpusError(
            f"no briefing could be loaded from {len(files)} file(s) "
            f"({'; '.join(listed[:5])}{more}); got {shown!r}"
        )
    return mark_duplicates(loaded.briefings, loaded.report, finder=finder)


def load_corpus(
    paths: Sequence[str | Path] | str | Path,
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_briefing_mb: float | None = None,
) -> pd.DataFrame:
    """The briefings of ``load_corpus_with_report`` (same arguments and errors)."""
    return load_corpus_with_report(
        paths,
        manifest=manifest,
        columns=columns,
        progress=progress,
        max_briefing_mb=max_briefing_mb,
    ).briefings
