"""Processing uploaded briefing files in a separate, lower-priority worker process.

The dashboard stages an analyst's upload (``analytics.ingest.stage_upload``) and hands
the files here: ``process_files`` runs the whole pipeline on them, by default in a new
interpreter (``python -m analytics.pipeline.worker REQUEST RESULT``) that streams its
progress back and leaves its artefacts, or its error, for the caller.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from analytics import errors as error_types
from analytics.artefacts import Artefacts
from analytics.errors import AnalyticsError
from analytics.ingest import load_corpus_with_report
from analytics.pipeline.process import Progress, process


def process_files(
    paths: list[Path], *, progress: Progress | None = None, separate_process: bool = True
) -> Artefacts:
    """Load staged briefing files and compute every artefact in memory.

    By default the work runs in a separate, lower-priority process
    (``process_in_worker``): a server handling other sessions' pages keeps its own
    interpreter (and its lock on it) free while a large upload is processed.

    Parameters:
        paths: files written by ``analytics.ingest.stage_upload``.
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
    analytics.pipeline.worker``): a server running other threads must not fork, and
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
        command = [sys.executable, "-m", "analytics.pipeline.worker", str(request), str(result)]
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
