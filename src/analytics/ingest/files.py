"""Finding input files: folders walked, hidden files and manifests left out, links checked."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from analytics.errors import InputError

# The file names of a folder's manifest (case-insensitive): metadata, never a briefing.
MANIFEST_NAMES: tuple[str, ...] = ("manifest.csv", "manifest.json")


def discover_files(paths: Sequence[str | Path], *, leave_out: Path | None = None) -> list[Path]:
    """Every file under ``paths``, recursively, sorted; hidden files and manifests excluded.

    Parameters:
        paths: files and folders.
        leave_out: a folder whose files are no inputs when met inside a folder of
            ``paths`` (the store being written, kept inside its corpus folder); a
            path named inside it is read.

    Returns:
        Unique file paths, sorted. Files of any extension are listed so that the
        load report can account for the ones it cannot read; so are symbolic links
        to folders outside ``path``, which loading reports as not followed.

    Raises:
        InputError: when a path does not exist.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    found: set[Path] = set()
    left_out = leave_out.resolve() if leave_out is not None else None
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            folder = path.resolve()
            # Only a folder holding the left-out one meets its files (no per-file lookups).
            holds_left_out = left_out is not None and left_out.is_relative_to(folder)
            skipped = left_out if holds_left_out and left_out != folder else None
            for candidate in path.rglob("*"):
                relative = candidate.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                if skipped is not None and folder.joinpath(*relative).is_relative_to(skipped):
                    continue
                if candidate.is_file() and candidate.name.lower() not in MANIFEST_NAMES:
                    found.add(candidate)
                elif candidate.is_symlink() and leaves_folder(candidate, path):
                    found.add(candidate)  # a link out of the folder: reported, not followed
        elif path.is_file():
            if path.name.lower() not in MANIFEST_NAMES:
                found.add(path)
        elif path.exists():
            raise InputError(
                "input path is not a file or folder (a device, pipe or socket): save what it "
                f"gives to a file first; got {str(raw)!r}"
            )
        else:
            raise InputError(f"input path does not exist: got {str(raw)!r}")
    return sorted(found, key=lambda p: p.as_posix())


def leaves_folder(path: Path, folder: Path) -> bool:
    """Whether ``path`` resolves (through symbolic links) to outside ``folder``."""
    try:
        return not path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop or an unreadable link
        return True


def input_stat(path: Path) -> os.stat_result:
    """An input file's size and times; a link to nothing gives the link's own (loading
    reports it), so it never stops an ingest."""
    try:
        return path.stat()
    except FileNotFoundError:
        return path.lstat()


LINK_OUT = "symbolic link leading outside the input folder; not followed"

# A corpus folder's read-me, licence or change log (README.txt, LICENSE.md, ...: the name
# before its extension, any case) describes the files beside it and is no briefing; the
# load report lists it with this reason. A briefing so named loads once renamed.
DOCUMENTATION_STEMS = frozenset({"readme", "license", "licence", "copying", "changelog"})
DOCUMENTATION = "a folder's read-me, licence or change log, not a briefing (rename it to load it)"


def is_documentation(path: Path) -> bool:
    """Whether ``path`` is named as a folder's documentation (``DOCUMENTATION_STEMS``)."""
    return path.name.split(".", 1)[0].lower() in DOCUMENTATION_STEMS


def input_folder(paths: Sequence[Path]) -> Path | None:
    """The deepest folder holding every path (a folder counts as holding itself)."""
    folders = [
        str(path if path.is_dir() and not path.is_symlink() else path.parent) for path in paths
    ]
    if not folders:
        return None
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # absolute and relative paths mixed
        return None


def shown_name(path: Path, base: Path | None) -> str:
    """A file as users see it: relative to the input folder, never a server path."""
    if base is not None:
        for shown, folder in ((path, base), (path.resolve(), base.resolve())):
            try:
                return shown.relative_to(folder).as_posix()
            except ValueError:
                continue
    return path.name
