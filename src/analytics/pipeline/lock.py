"""Writing safely into a store folder: the inter-process writer lock and clear write errors.

Writers hold ``.atlas-lock`` for the whole read-previous to write-generation section;
a second writer waits (up to ``wait`` seconds) or fails leaving the store unchanged.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from analytics.errors import StoreError
from analytics.pipeline.layout import LOCK, MARKER, MARKER_TEXT


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


@contextmanager
def writer_lock(root: Path, wait: float, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold the store's inter-process writer lock; wait up to ``wait`` seconds for it."""
    with write_errors(root):
        root.mkdir(parents=True, exist_ok=True)
        # Kept between runs: unlinking a flock file lets two processes lock different files.
        lock = FileLock(root / LOCK, preserve_lock_file=True, thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            on_wait(f"waiting for another ingest into {root} to finish…")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise StoreError(
                    f"another ingest into {root} is still running after {wait:g} s; "
                    "the store was not changed: try again later or allow longer with --wait SECONDS"
                ) from None
    try:
        yield
    finally:
        lock.release()


def mark_store(root: Path) -> None:
    """Mark ``root`` as a store (once), so later runs know its files are ours."""
    marker = root / MARKER
    if not marker.exists():
        marker.write_text(MARKER_TEXT, encoding="utf-8")
