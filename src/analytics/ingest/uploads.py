"""Briefing files an analyst uploads: checked, safely unpacked and staged in a folder.

A zip is unpacked only into its own folder: entries with absolute paths, drive
letters or ``..`` parts are refused, and the total uncompressed size, the number
of entries and the compression ratio are capped (counted on the bytes actually
read, not on what the archive claims) so a zip bomb stops early. Every file is
kept: one whose name is already staged (a name repeated in an archive, two uploads
of one name) is staged as ``name (2).txt``, and entries of a type the loader cannot
read (a zip inside the zip) are staged too, so the load report names them.
Processing the staged files is the pipeline's work (``analytics.pipeline.worker``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from analytics import settings
from analytics.errors import InputError
from analytics.ingest.readers import SUPPORTED_EXTENSIONS

BRIEFING_SUFFIXES: tuple[str, ...] = SUPPORTED_EXTENSIONS
UPLOAD_SUFFIXES: tuple[str, ...] = (*BRIEFING_SUFFIXES, ".zip")
_CHUNK = 1 << 16


def check_upload(name: str, size: int, *, max_bytes: int | None = None) -> str:
    """Validate an uploaded file's name and size; return its lower-case suffix.

    ``max_bytes`` defaults to the setting ``max_upload_bytes``.

    Raises:
        InputError: for an unsupported type or a file above ``max_bytes``.
    """
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(f"upload must be one of {', '.join(UPLOAD_SUFFIXES)}; got {name!r}")
    if max_bytes is None:
        max_bytes = int(settings.value("max_upload_bytes"))
    if size > max_bytes:
        raise InputError(
            f"upload must be at most {max_bytes // (1024 * 1024)} MB; "
            f"got {name!r} of {size / (1024 * 1024):.1f} MB"
        )
    return suffix


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path of a zip entry, refusing anything that leaves its folder.

    Backslashes separate folders as slashes do (zip tools of old Windows wrote them so).

    Raises:
        InputError: for an absolute path, a drive letter or ``..``.
    """
    if not name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise InputError(f"zip entry must be a relative path inside the archive; got {name!r}")
    path = PurePosixPath(name.replace("\\", "/"))
    if any(part == ".." for part in path.parts):
        raise InputError(f"zip entry must not contain '..'; got {name!r}")
    return path


def safe_unzip(
    data: bytes,
    destination: Path,
    *,
    max_total_bytes: int | None = None,
    max_ratio: float | None = None,
    max_entries: int | None = None,
) -> list[Path]:
    """Unpack a zip archive's briefing files into ``destination``.

    Directories and hidden files (``__MACOSX``, dot files) are skipped. Files of
    other types, nested archives among them, are written unopened so the load report
    names them; an entry whose name is already written is written as ``name (2).ext``.

    Parameters:
        data: the archive's bytes.
        destination: an existing folder; nothing is written outside it.
        max_total_bytes: cap on the uncompressed bytes written; default the setting
            ``max_unzipped_bytes``.
        max_ratio: cap on uncompressed / compressed size of the whole archive; default
            the setting ``max_zip_ratio``.
        max_entries: cap on the number of entries; default the setting ``max_zip_entries``.

    Returns:
        The written files, in archive order.

    Raises:
        InputError: for a damaged archive, an unsafe entry name or a breached cap.
    """
    if max_total_bytes is None:
        max_total_bytes = int(settings.value("max_unzipped_bytes"))
    if max_ratio is None:
        max_ratio = float(settings.value("max_zip_ratio"))
    if max_entries is None:
        max_entries = int(settings.value("max_zip_entries"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InputError(f"upload is not a readable zip archive; got {error}") from error
    root = destination.resolve()
    written: list[Path] = []
    total = 0
    limit = min(max_total_bytes, int(max_ratio * max(len(data), 1)))
    with archive:
        members = archive.infolist()
        if len(members) > max_entries:
            raise InputError(
                f"zip archive must hold at most {max_entries} entries; got {len(members)}"
            )
        for member in members:
            relative = safe_member_path(member.filename)
            if member.is_dir() or any(p.startswith((".", "__MACOSX")) for p in relative.parts):
                continue
            target = (root / Path(*relative.parts)).resolve()
            if not target.is_relative_to(root):
                raise InputError(f"zip entry must stay inside its folder; got {member.filename!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target = _unused_path(target)
            with archive.open(member) as source, target.open("wb") as sink:
                while chunk := source.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        sink.close()
                        target.unlink(missing_ok=True)
                        raise InputError(
                            "zip archive expands beyond the limit of "
                            f"{limit // (1024 * 1024)} MB (at most {max_ratio:g}x its "
                            f"size, {max_total_bytes // (1024 * 1024)} MB in all); "
                            f"got more than {total // (1024 * 1024)} MB"
                        )
                    sink.write(chunk)
            written.append(target)
    return written


def _unused_path(path: Path) -> Path:
    """``path``, or ``name (2).ext``, ``name (3).ext``… when a file is already there:
    a second file of one name is a second briefing, not a replacement."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
    return candidate


def stage_upload(name: str, data: bytes, destination: Path) -> list[Path]:
    """Write one uploaded file (unpacking zips) into ``destination``; return the files.

    Raises:
        InputError: for an unsupported type, an oversize file or an unsafe archive.
    """
    suffix = check_upload(name, len(data))
    if suffix == ".zip":
        return safe_unzip(data, destination)
    target = _unused_path(destination / safe_member_path(PurePosixPath(name).name).name)
    target.write_bytes(data)
    return [target]
