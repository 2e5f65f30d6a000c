"""Integrity of a store's files: sizes and SHA-256 checksums, recorded and verified.

Every part and topic-model file a generation lists carries its size and checksum.
A file is hashed at most once per process for a given state (path, size,
modification and change times), so reading a store again costs a ``stat`` per file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analytics.errors import StoreError
from analytics.pipeline.layout import damaged_message

# (path, size, mtime, ctime) -> SHA-256 of files already verified in this process.
_VERIFIED: dict[tuple[str, int, int, int], str] = {}


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stat_key(path: Path) -> tuple[str, int, int, int]:
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def checksum_entry(path: Path) -> dict[str, Any]:
    """Size and checksum of a file just written (remembered as verified)."""
    digest = _file_sha256(path)
    key = _stat_key(path)
    _VERIFIED[key] = digest
    return {"bytes": key[1], "sha256": digest}


def _shown(root: Path, path: Path) -> str:
    """``path`` as a message names it: relative to the store folder (a table's file names alone
    do not say which table they belong to)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def verify_file(root: Path, path: Path, entry: Mapping[str, Any]) -> None:
    """Raise ``StoreError`` unless ``path`` exists with the recorded size and checksum.

    The checksum is computed at most once per process for a given file state
    (path, size, modification and change times).
    """
    if not path.exists():
        raise StoreError(damaged_message(root, f"{_shown(root, path)} is missing"))
    key = _stat_key(path)
    size = key[1]
    if size != entry.get("bytes", size):
        raise StoreError(
            damaged_message(
                root,
                f"{_shown(root, path)} has {size} bytes, expected {entry['bytes']}: truncated",
            )
        )
    expected = entry.get("sha256")
    if expected is None or _VERIFIED.get(key) == expected:
        return
    digest = _file_sha256(path)
    if digest != expected:
        raise StoreError(
            damaged_message(
                root, f"{_shown(root, path)} does not match its checksum: changed since written"
            )
        )
    _VERIFIED[key] = digest
