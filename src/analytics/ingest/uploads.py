"""Briefing files an analyst uploads: safe unpacking and processing in memory.

A zip is unpacked only into its own folder: entries with absolute paths, drive
letters or ``..`` parts are refused, and the total uncompressed size, the number
of entries and the compression ratio are capped (counted on the bytes actually
read, not on what the archive claims) so a zip bomb stops early.
"""

from __future__ import annotations

import io
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from analytics import errors as error_types
from analytics.artefacts import Artefacts
from analytics.errors import AnalyticsError, InputError

Progress = Callable[[float, str], None]

BRIEFING_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".csv", ".jsonl", ".json", ".parquet")
UPLOAD_SUFFIXES: tuple[str, ...] = (*BRIEFING_SUFFIXES, ".zip")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 100.0
MAX_ENTRIES = 50_000
_CHUNK = 1 << 16


def check_upload(name: str, size: int, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Validate an uploaded file's name and size; return its lower-case suffix.

    Raises:
        InputError: for an unsupported type or a file above ``max_bytes``.
    """
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(f"upload must be one of {', '.join(UPLOAD_SUFFIXES)}; got {name!r}")
    if size > max_bytes:
        raise InputError(
            f"upload must be at most {max_bytes // (1024 * 1024)} MB; "
            f"got {name!r} of {size / (1024 * 1024):.1f} MB"
        )
    return suffix


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path of a zip entry, refusing anything that leaves its folder.

    Raises:
        InputError: for an absolute path, a drive letter, a backslash path or ``..``.
    """
    if (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
    ):
        raise InputError(f"zip entry must be a relative path inside the archive; got {name!r}")
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise InputError(f"zip entry must not contain '..'; got {name!r}")
    return path


def safe_unzip(
    data: bytes,
    destination: Path,
    *,
    max_total_bytes: int = MAX_UNZIPPED_BYTES,
    max_ratio: float = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> list[Path]:
    """Unpack a zip archive's briefing files into ``destination``.

    Directories, hidden files (``__MACOSX``, dot files) and files of other types
    are skipped; nested archives are not opened.

    Parameters:
        data: the archive's bytes.
        destination: an existing folder; nothing is written outside it.
        max_total_bytes: cap on the uncompressed bytes written.
        max_ratio: cap on uncompressed / compressed size of the whole archive.
        max_entries: cap on the number of entries.

    Returns:
        The written files, in archive order.

    Raises:
        InputError: for a damaged archive, an unsafe entry name or a breached cap.
    """
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
            if relative.suffix.lower() not in BRIEFING_SUFFIXES:
                continue
            target = (root / Path(*relative.parts)).resolve()
            if not target.is_relative_to(root):
                raise InputError(f"zip entry must stay inside its folder; got {member.filename!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
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


def stage_upload(name: str, data: bytes, destination: Path) -> list[Path]:
    """Write one uploaded file (unpacking zips) into ``destination``; return the files.

    Raises:
        InputError: for an unsupported type, an oversize file or an unsafe archive.
    """
    suffix = check_upload(name, len(data))
    if suffix == ".zip":
        return safe_unzip(data, destination)
    target = destination / safe_member_path(PurePosixPath(name).name).name
    target.write_bytes(data)
    return [target]


def process_files(
    paths: list[Path], *, progress: Progress | None = None, separate_process: bool = True
) -> Artefacts:
    """Load staged briefing files and compute every artefact in memory.

    By default the work runs in a separate, lower-priority process
    (``process_in_worker``): a server handling other sessions' pages keeps its own
    interpreter (and its lock on it) free while a large upload is processed.

    Parameters:
        paths: files written by ``stage_upload``.
        progress: called with ``(fraction_done, message)``.
        separate_process: ``False`` processes in this process, as the worker itself does.

    Returns:
        The artefacts of the uploaded corpus (its load report included).

    Raises:
        EmptyCorpusError: when no briefing could be loaded from the files.
        AnalyticsError: whatever the processing raised, with its message (no traceback),
            or when the worker process ended without a result.
    """
    if separate_process:
        return process_in_worker(paths, progress=progress)
    from analytics.ingest.load import load_corpus_with_report
    from analytics.pipeline import process

    report = progress or (lambda fraction, message: None)
    report(0.02, f"Reading {len(paths)} files")
    loaded = load_corpus_with_report(paths)
    artefacts, _model = process(
        loaded.briefings,
        loaded.report,
        progress=lambda fraction, message: report(0.1 + 0.9 * fraction, message),
    )
    return artefacts


_LOG = logging.getLogger(__name__)
# How much the worker lowers its scheduling priority (nice value added): the server
# answering other sessions' pages comes first when the cores are busy.
WORKER_NICENESS = 10
_PROGRESS_PREFIX = "progress\t"


def process_in_worker(paths: list[Path], *, progress: Progress | None = None) -> Artefacts:
    """``process_files`` in a fresh, lower-priority process; progress is streamed back.

    The worker is a new interpreter running this module (``python -m
    analytics.ingest.uploads``): a server running other threads must not fork, and
    ``multiprocessing``'s spawn would run the page script that called it again in the
    child. It shares nothing with this process but the files and the returned tables,
    so the results are those of processing here. An ``AnalyticsError`` raised there is
    raised here again with the same type and message, without the worker's traceback.

    Raises:
        AnalyticsError: as ``process_files``; or when the worker ended without a result
            (for instance, stopped by the system for lack of memory).
    """
    report = progress or (lambda fraction, message: None)
    with tempfile.TemporaryDirectory(prefix="atlas-worker-") as folder:
        request = Path(folder) / "request.json"
        result = Path(folder) / "result.pickle"
        request.write_text(json.dumps([str(path) for path in paths]), encoding="utf-8")
        command = [sys.executable, "-m", "analytics.ingest.uploads", str(request), str(result)]
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as worker:
            assert worker.stdout is not None and worker.stderr is not None
            for line in worker.stdout:
                if line.startswith(_PROGRESS_PREFIX):
                    fraction, _, message = (
                        line[len(_PROGRESS_PREFIX) :].rstrip("\n").partition("\t")
                    )
                    report(float(fraction), message)
            errors = worker.stderr.read()
            code = worker.wait()
        return _worker_result(code, result, errors)


def _worker_result(code: int, result: Path, errors: str) -> Artefacts:
    """What the worker left: the artefacts, or its error raised here as one line."""
    if code == 0 and result.exists():
        with open(result, "rb") as handle:
            # Written a moment ago by our own worker from the analyst's files.
            return pickle.load(handle)  # noqa: S301
    if code == _ANALYTICS_ERROR_EXIT and errors.strip():
        kind, _, message = errors.strip().splitlines()[-1].partition("\t")
        error_type = getattr(error_types, kind, AnalyticsError)
        if not (isinstance(error_type, type) and issubclass(error_type, AnalyticsError)):
            error_type = AnalyticsError
        raise error_type(message)
    if code < 0 or not errors.strip():
        raise AnalyticsError(
            "processing your files stopped: the worker process ended without a "
            "result (it may have run out of memory); try fewer or smaller files"
        )
    # A fault, not a judgement on the files: the server's log keeps the worker's
    # traceback, the analyst gets one line without server paths.
    _LOG.error("processing an upload failed:\n%s", errors)
    kind = errors.strip().splitlines()[-1].split(":")[0]
    raise AnalyticsError(
        f"processing your files failed unexpectedly ({kind}); the server's log has the details"
    )


_ANALYTICS_ERROR_EXIT = 3


def _worker_main(request: Path, result: Path) -> int:
    """The worker: lower its priority, process the files, leave the result or the error."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):  # not every platform lets a process lower itself
        pass

    def report(fraction: float, message: str) -> None:
        one_line = " ".join(message.split())
        print(f"{_PROGRESS_PREFIX}{fraction}\t{one_line}", flush=True)

    paths = [Path(path) for path in json.loads(request.read_text(encoding="utf-8"))]
    try:
        artefacts = process_files(paths, progress=report, separate_process=False)
    except AnalyticsError as error:
        print(f"{type(error).__name__}\t{' '.join(str(error).split())}", file=sys.stderr)
        return _ANALYTICS_ERROR_EXIT
    with open(result, "wb") as handle:
        pickle.dump(artefacts, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    raise SystemExit(_worker_main(Path(sys.argv[1]), Path(sys.argv[2])))
