"""Writing safely into a store folder: the inter-process writer lock and clear write errors.

Writers hold ``.atlas-lock`` for the whole read-previous to write-generation section;
a second writer waits (up to ``wait`` seconds) or fails leaving the store unchanged. The
holder writes what it is doing beside the lock (``.atlas-lock-holder``), so the writer that
waits can say what it waits for: an ingest, a vacuum, a migration, an index build.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from analytics.errors import StoreError
from analytics.pipeline.layout import LOCK, LOCK_HOLDER, MARKER, MARKER_TEXT


@contextmanager
def write_errors(root: Path) -> Iterator[None]:
    """Turn an operating-system failure while writing into one clear ``StoreError``."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or type(error).__name__
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "permission denied (the folder is read-only)"
        raise StoreError(
            f"cannot write to the store at {root}: {reason}; the store was not changed"
        ) from error


@dataclass(frozen=True)
class Writer:
    """What holds a store's writer lock: the work (``"an ingest"``), process, host and start."""

    work: str
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        """``"process 4242, started 2026-12-07 10:01:02"``; the host too when it is another."""
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"process {self.pid}{where}, started {self.since}"


def lock_writer(root: Path) -> Writer | None:
    """What the holder of the writer lock of the store at ``root`` said it does, if it said.

    ``None`` when no writer has said (a writer of an older version, or between taking the
    lock and saying) or what it wrote cannot be read.
    """
    try:
        fields = json.loads((root / LOCK_HOLDER).read_text(encoding="utf-8"))
        return Writer(
            str(fields["work"]), int(fields["pid"]), str(fields["host"]), str(fields["since"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current_writer(root: Path) -> Writer | None:
    """What holds the writer lock of the store at ``root`` now, as it said; ``None`` when no
    writer says so, or the one that did has ended (a writer killed before it could remove
    its note). A writer on another host is taken at its word."""
    writer = lock_writer(root)
    if writer is None or writer.host != socket.gethostname() or process_alive(writer.pid):
        return writer
    return None


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with the id ``pid`` is running (any user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


@contextmanager
def writer_lock(
    root: Path, wait: float, on_wait: Callable[[str], None], work: str = "an ingest"
) -> Iterator[None]:
    """Hold the store's inter-process writer lock; wait up to ``wait`` seconds for it.

    Parameters:
        work: what this writer does, as the messages of a writer waiting for it name it
            (``"an ingest"``, ``"a vacuum"``, ...).

    Raises:
        StoreError: when the lock is still held after ``wait`` seconds (naming what holds
            it), or the folder cannot be written.
    """
    with write_errors(root):
        root.mkdir(parents=True, exist_ok=True)
        # Kept between runs: unlinking a flock file lets two processes lock different files.
        lock = FileLock(root / LOCK, preserve_lock_file=True, thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            on_wait(f"waiting for the store at {root}: it is held by {_holder(root)}…")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise StoreError(
                    f"the store at {root} is still held by {_holder(root)} after {wait:g} s; it "
                    "was not changed: try again later or allow longer with --wait SECONDS"
                ) from None
        try:
            _say_what_holds(root, work)
        except BaseException:
            lock.release()
            raise
    try:
        yield
    finally:
        with suppress(OSError):
            (root / LOCK_HOLDER).unlink()
        lock.release()


def _holder(root: Path) -> str:
    """``"an ingest (process 4242, started ...)"``, or ``"another writer"`` when unsaid."""
    writer = lock_writer(root)
    return "another writer" if writer is None else f"{writer.work} ({writer.describe()})"


def _say_what_holds(root: Path, work: str) -> None:
    writer = Writer(
        work,
        os.getpid(),
        socket.gethostname(),
        datetime.now().isoformat(sep=" ", timespec="seconds"),
    )
    staged = root / f"{LOCK_HOLDER}.{os.getpid()}"
    staged.write_text(json.dumps(asdict(writer)), encoding="utf-8")
    os.replace(staged, root / LOCK_HOLDER)


def mark_store(root: Path) -> None:
    """Mark ``root`` as a store (once), so later runs know its files are ours."""
    marker = root / MARKER
    if not marker.exists():
        marker.write_text(MARKER_TEXT, encoding="utf-8")
