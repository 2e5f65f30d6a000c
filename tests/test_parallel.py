"""Tests of analytics.parallel: when work may fork, and how shares come back."""

from __future__ import annotations

import gc
import os
import sys
import threading
import weakref

import pytest

from analytics import parallel
from analytics.parallel import fork_workers, map_forked


def _tagged(share: list[int]) -> list[tuple[int, int]]:
    return [(os.getpid(), value * 10) for value in share]


def test_fork_workers_is_one_beside_other_threads() -> None:
    release = threading.Event()
    server = threading.Thread(target=release.wait)
    server.start()
    try:
        assert fork_workers() == 1
    finally:
        release.set()
        server.join()


@pytest.mark.parametrize(("cores", "limit", "expected"), [(8, 4, 4), (2, 4, 2), (1, 4, 1)])
def test_fork_workers_caps_cores_at_limit(monkeypatch, cores, limit, expected) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert fork_workers(limit) == expected


def test_map_forked_concatenates_in_share_order_across_processes() -> None:
    results = map_forked(_tagged, [[1, 2], [3], [4, 5]])
    assert [value for _, value in results] == [10, 20, 30, 40, 50]
    pids = [pid for pid, _ in results]
    assert pids[0] == pids[1] == os.getpid()  # the first share runs here
    assert os.getpid() not in pids[2:]


def test_map_forked_does_every_share_here_when_processes_fail(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OSError("no processes")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", broken)
    results = map_forked(_tagged, [[1], [2, 3]])
    assert results == [(os.getpid(), 10), (os.getpid(), 20), (os.getpid(), 30)]


class _Cycle:
    """An object that only the garbage collector frees (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def _cycle_freed_by(release) -> bool:
    gc.disable()
    try:
        cycle = _Cycle()
        alive = weakref.ref(cycle)
        del cycle
        release()
        return alive() is None
    finally:
        gc.enable()


def test_release_freed_memory_collects_garbage_and_trims_the_c_heap(monkeypatch):
    calls: list[int] = []

    class FakeLibc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(parallel.ctypes, "CDLL", lambda name: FakeLibc())
    assert _cycle_freed_by(parallel.release_freed_memory)
    assert calls == [0]


def test_release_freed_memory_hands_back_arrows_free_pages(monkeypatch):
    import pyarrow as pa

    released: list[str] = []

    class FakePool:
        def release_unused(self) -> None:
            released.append("released")

    monkeypatch.setattr(pa, "default_memory_pool", lambda: FakePool())
    parallel.release_freed_memory()
    assert released == ["released"]
    # A process that never imported Arrow does not import it to release nothing.
    monkeypatch.delitem(sys.modules, "pyarrow")
    parallel.release_freed_memory()
    assert released == ["released"]
    assert "pyarrow" not in sys.modules


def test_release_freed_memory_still_collects_without_glibc(monkeypatch):
    def no_libc(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(parallel.ctypes, "CDLL", no_libc)
    assert _cycle_freed_by(parallel.release_freed_memory)


def test_limit_heap_arenas_asks_glibc_for_that_many_shared_heaps(monkeypatch):
    asked: list[tuple[int, int]] = []

    class FakeLibc:
        def mallopt(self, parameter: int, value: int) -> int:
            asked.append((parameter, value))
            return 1  # glibc: 1 when the value was taken

    monkeypatch.setattr(parallel.ctypes, "CDLL", lambda name: FakeLibc())
    assert parallel.limit_heap_arenas(2) is True
    # M_ARENA_MAX is -8 in glibc's malloc.h.
    assert asked == [(-8, 2)]


def test_limit_heap_arenas_does_nothing_without_glibc(monkeypatch):
    def no_libc(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(parallel.ctypes, "CDLL", no_libc)
    assert parallel.limit_heap_arenas(2) is False


def test_limit_heap_arenas_is_taken_by_this_systems_allocator():
    # On this machine (glibc), a real call: the value is accepted.
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("the heap limit is glibc's")
    assert parallel.limit_heap_arenas(8) is True
