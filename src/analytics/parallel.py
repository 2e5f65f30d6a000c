"""Sharing a job between the machine's cores with forked processes, where that is safe.

Forked processes inherit what the parent prepared (a spawned one would re-run the
caller's script and need everything pickled). A process running other threads, such
as the dashboard's server, never forks: a lock held by another thread at the fork
would stay held in the child.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Share = TypeVar("Share")
Result = TypeVar("Result")


def fork_workers(limit: int = 4) -> int:
    """How many processes (this one included) may share a job, at most ``limit``.

    Returns 1 when this process runs other threads or the platform cannot fork.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform can tell
        cores = os.cpu_count() or 1
    return max(1, min(cores, limit))


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a corpus-wide stage.

    A stage that makes millions of small tuples and lists, none in a cycle, would have
    each collection walk them all again; collection resumes (if it was on) on leaving.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def map_forked(work: Callable[[Share], list[Result]], shares: Sequence[Share]) -> list[Result]:
    """``work`` over every share, results concatenated in share order.

    This process does the first share while forked processes do the others; ``work``
    must be a module-level function reading what it needs from state the caller set
    before calling (the children inherit it). When a process fails or cannot start,
    every share is done here instead.
    """
    if len(shares) < 2:
        return [result for share in shares for result in work(share)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(shares) - 1, mp_context=context) as pool:
            futures = [pool.submit(work, share) for share in shares[1:]]
            results = list(work(shares[0]))
            for future in futures:
                results.extend(future.result())
        return results
    except (BrokenProcessPool, OSError):
        return [result for share in shares for result in work(share)]


# glibc's ``mallopt`` parameter for how many heaps (arenas) threads may spread over
# (``M_ARENA_MAX`` in malloc.h).
_M_ARENA_MAX = -8


def limit_heap_arenas(count: int = 2) -> bool:
    """Let the threads of this process share at most ``count`` heaps of the C allocator
    (glibc only; elsewhere nothing is done); whether the limit was set.

    glibc gives threads heaps of their own, up to eight per core. A dashboard runs each
    rerun on a thread of its own, so a rerun's working memory lands in one heap and the
    next in another, and the freed pages of each stay spread over them: at a million
    briefings the dashboard held about 200 MB more that way than with two heaps shared
    (1,530 against 1,330 MB after every page). Heaps made before the call stay.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, count))


def release_freed_memory() -> None:
    """Collect garbage and hand the free pages of the C heap (glibc only) and of Arrow's
    memory pool back to the system.

    A long ingest frees each batch's tables, but the allocators keep the freed pages
    for reuse; between batches that idle memory would count against the run's budget.
    Arrow's pool (mimalloc by default) keeps the buffers of the tables read and dropped
    the same way. Elsewhere (another C library, another system) only the collection and
    Arrow's release run.
    """
    gc.collect()
    arrow = sys.modules.get("pyarrow")  # a process that never read a table has no pool
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
