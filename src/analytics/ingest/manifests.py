"""Manifests: per-file metadata (date, title, source, url) in a CSV or JSON table.

A manifest named explicitly applies to every input; ``manifest.csv``/``manifest.json``
in a folder apply to the files under it (the nearest ancestor holding one wins).
Entries that match no file, and unusable entries, are reported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.ingest.columns import (
    ROLE_DATE,
    ROLE_SOURCE,
    ROLE_TITLE,
    ROLE_URL,
    WORK_ROW,
    resolve_columns,
)
from analytics.ingest.decoding import read_text
from analytics.ingest.files import (
    LINK_OUT,
    MANIFEST_NAMES,
    discover_files,
    leaves_folder,
    shown_name,
)
from analytics.ingest.readers import TOO_DEEP
from analytics.ingest.report import ReportRow, SkippedFile

MANIFEST_KEY_NAMES: tuple[str, ...] = ("file", "filename", "file_name", "name", "path", "filepath")


@dataclass
class Manifest:
    """Per-file metadata: entries keyed by a relative path, scoped to a folder (or all)."""

    name: str
    folder: Path | None
    entries: pd.DataFrame  # index: key; columns: date, title, source, url, extras, row
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    # A manifest found in a folder covers every file under it, loaded now or not.
    covers_folder: bool = False


def read_manifest(source: str | Path | pd.DataFrame) -> Manifest:
    """Read a manifest (CSV, JSON or a DataFrame). Raises SkippedFile when it cannot be used."""
    if isinstance(source, pd.DataFrame):
        frame, name, folder = source.reset_index(drop=True), "<manifest table>", None
    else:
        path = Path(source)
        name, folder = path.name, path.parent
        text = read_text(path).text
        if path.suffix.lower() == ".json":
            try:
                value = json.loads(text.lstrip("\ufeff"))
            except json.JSONDecodeError as error:
                raise SkippedFile(f"invalid JSON ({error.msg} at line {error.lineno})") from None
            except RecursionError:
                raise SkippedFile(TOO_DEEP) from None
            frame = _manifest_frame_from_json(value)
        else:
            try:
                frame = pd.read_csv(
                    io.StringIO(text.lstrip("\ufeff")),
                    dtype="str",
                    keep_default_na=False,
                    sep=None,
                    engine="python",
                )
            except (pd.errors.ParserError, csv.Error, ValueError) as error:
                raise SkippedFile(f"malformed manifest CSV ({error})") from None
    lowered = {str(column).strip().lower(): column for column in frame.columns}
    key_column = next((lowered[key] for key in MANIFEST_KEY_NAMES if key in lowered), None)
    if key_column is None:
        raise SkippedFile(
            f"manifest has no file name column (looked for {', '.join(MANIFEST_KEY_NAMES)}; "
            f"found {len(frame.columns)} other columns)"
        )
    chosen = resolve_columns([c for c in frame.columns if c != key_column], None, name)
    entries = pd.DataFrame(index=frame.index)
    entries["_key"] = frame[key_column].astype("str").map(_manifest_key)
    entries[ROLE_DATE] = frame[chosen[ROLE_DATE]] if ROLE_DATE in chosen else None
    for role in (ROLE_TITLE, ROLE_SOURCE, ROLE_URL):
        values = frame[chosen[role]] if role in chosen else ""
        entries[role] = pd.Series(values, index=frame.index).astype("str").fillna("").str.strip()
    used = set(chosen.values()) | {key_column}
    for column in frame.columns:
        if column not in used:
            entries[str(column)] = frame[column].to_numpy()
    entries[WORK_ROW] = np.arange(1, len(frame) + 1)
    problems: list[tuple[int | None, str]] = []
    blank = entries["_key"] == ""
    for row in entries.loc[blank, WORK_ROW]:
        problems.append((int(row), "manifest entry has no file name"))
    repeated = entries["_key"].duplicated() & ~blank
    for row, key in zip(
        entries.loc[repeated, WORK_ROW], entries.loc[repeated, "_key"], strict=True
    ):
        problems.append((int(row), f"manifest entry {key!r} repeats an earlier entry"))
    entries = entries[~blank & ~repeated].set_index("_key")
    return Manifest(name, folder, entries, problems)


def _manifest_frame_from_json(value: object) -> pd.DataFrame:
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        if len(lists) == 1:
            value = lists[0]
        else:
            # {"a.txt": {"date": ...}} or {"a.txt": "2025-11-25"}
            rows = [
                {"file": key, **(item if isinstance(item, dict) else {"date": item})}
                for key, item in value.items()
            ]
            return pd.DataFrame.from_records(rows)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SkippedFile(
            "a JSON manifest must be a list of records or an object keyed by file name"
        )
    return pd.DataFrame.from_records(value)


def _manifest_key(raw: str) -> str:
    key = raw.strip().replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key.strip("/")


def _path_keys(path: Path, folder: Path | None) -> list[str]:
    """Keys a manifest may use for ``path``: its path relative to the folder, then suffixes."""
    parts = path.parts
    keys = []
    if folder is not None:
        try:
            keys.append(path.relative_to(folder).as_posix())
        except ValueError:
            pass
    keys += ["/".join(parts[-depth:]) for depth in range(len(parts), 0, -1)]
    return list(dict.fromkeys(keys))


def _find_entry(manifest: Manifest, path: Path) -> pd.Series | None:
    for key in _path_keys(path, manifest.folder):
        if key in manifest.entries.index:
            return manifest.entries.loc[key]
    return None


def _folder_manifests(files: Sequence[Path]) -> dict[Path, list[Path]]:
    """For each folder holding a manifest, the manifest files (nearest ancestor wins)."""
    cache: dict[Path, list[Path]] = {}
    nearest: dict[Path, list[Path]] = {}
    for file in files:
        for folder in file.parents:
            if folder not in cache:
                cache[folder] = [
                    folder / name for name in MANIFEST_NAMES if (folder / name).is_file()
                ]
            if cache[folder]:
                nearest[folder] = cache[folder]
                break
    return nearest


def explicit_manifest(manifest: str | Path | pd.DataFrame | None) -> Manifest | None:
    """The manifest named by the caller; ``InputError`` when it cannot be used."""
    if manifest is None:
        return None
    try:
        return read_manifest(manifest)
    except SkippedFile as problem:
        shown = "<manifest table>" if isinstance(manifest, pd.DataFrame) else str(manifest)
        raise InputError(f"manifest cannot be used: {problem}; got {shown!r}") from None


def load_folder_manifests(
    files: Sequence[Path],
    report_rows: list[ReportRow],
    base: Path | None,
) -> dict[Path, list[Manifest]]:
    """The manifests found in the inputs' folders; unusable ones are reported."""
    loaded: dict[Path, list[Manifest]] = {}
    for folder, paths in _folder_manifests(files).items():
        loaded[folder] = []
        for path in paths:
            shown = shown_name(path, base)
            try:
                if leaves_folder(path, folder):
                    raise SkippedFile(LINK_OUT)
                found = read_manifest(path)
                loaded[folder].append(replace(found, name=shown, covers_folder=True))
            except SkippedFile as problem:
                report_rows.append(ReportRow(shown, None, S.SKIPPED, f"manifest: {problem}", None))
    return loaded


def report_unmatched(
    manifests: list[Manifest],
    files: Sequence[Path],
    report_rows: list[ReportRow],
) -> None:
    """Report manifest entries (and manifest problems) that match no file."""
    for manifest in manifests:
        for row, reason in manifest.problems:
            report_rows.append(ReportRow(manifest.name, row, S.SKIPPED, reason, None))
        candidates = list(files)
        if manifest.covers_folder and manifest.folder is not None:
            candidates += discover_files([manifest.folder])
        matched: set[str] = set()
        for path in candidates:
            for key in _path_keys(path, manifest.folder):
                if key in manifest.entries.index:
                    matched.add(key)
                    break
        for key, row in zip(manifest.entries.index, manifest.entries[WORK_ROW], strict=True):
            if key not in matched:
                reason = f"manifest entry {key!r} matches no input file"
                report_rows.append(ReportRow(manifest.name, int(row), S.SKIPPED, reason, None))


def manifest_entry(
    path: Path, explicit: Manifest | None, folder_manifests: dict[Path, list[Manifest]]
) -> pd.Series | None:
    """The manifest entry for ``path``: the explicit manifest first, then its folder's."""
    if explicit is not None:
        entry = _find_entry(explicit, path)
        if entry is not None:
            return entry
    for folder in path.parents:
        if folder in folder_manifests:
            for manifest in folder_manifests[folder]:
                entry = _find_entry(manifest, path)
                if entry is not None:
                    return entry
            return None
    return None
