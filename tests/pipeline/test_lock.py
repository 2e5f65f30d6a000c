"""The store's writer lock: a writer that waits says what it waits for."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from analytics.cli import main
from analytics.errors import StoreError
from analytics.pipeline import LOCK, ensure_store, inspect_store, vacuum_store
from analytics.pipeline.layout import LOCK_HOLDER, NEW
from analytics.pipeline.lock import Writer, current_writer, lock_writer, writer_lock


def test_a_writer_names_what_holds_the_lock_while_it_waits_and_when_it_gives_up(
    tmp_path: Path,
) -> None:
    said: list[str] = []
    with writer_lock(tmp_path, 0, said.append, "a vacuum"):
        holder = lock_writer(tmp_path)
        assert holder is not None
        assert (holder.work, holder.pid) == ("a vacuum", os.getpid())
        with pytest.raises(
            StoreError,
            match=rf"^the store at {re.escape(str(tmp_path))} is still held by a vacuum "
            rf"\(process {os.getpid()}, started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\) after 0.2 s; "
            r"it was not changed: try again later or allow longer with --wait SECONDS$",
        ):
            with writer_lock(tmp_path, 0.2, said.append, "an ingest"):
                pytest.fail("two writers held the lock at once")
    assert said == [
        f"waiting for the store at {tmp_path}: it is held by a vacuum "
        f"(process {os.getpid()}, started {holder.since})…"
    ]
    # Released: nothing claims to hold it, and the next writer takes it at once.
    assert lock_writer(tmp_path) is None
    with writer_lock(tmp_path, 0, said.append, "an ingest"):
        now = lock_writer(tmp_path)
        assert now is not None and (now.work, now.pid, now.host) == (
            "an ingest",
            os.getpid(),
            holder.host,
        )
    assert len(said) == 1


def test_a_holder_that_said_nothing_or_nonsense_is_another_writer(tmp_path: Path) -> None:
    with FileLock(tmp_path / LOCK):  # a writer of an older version: no holder file
        with pytest.raises(StoreError, match=r"still held by another writer after 0 s"):
            with writer_lock(tmp_path, 0, lambda message: None):
                pass
        (tmp_path / LOCK_HOLDER).write_text("{not json", encoding="utf-8")
        assert lock_writer(tmp_path) is None
        (tmp_path / LOCK_HOLDER).write_text(json.dumps({"work": "a vacuum"}), encoding="utf-8")
        assert lock_writer(tmp_path) is None


def test_a_holder_elsewhere_is_named_with_its_host() -> None:
    writer = Writer("an ingest", 4242, "not-this-host.example", "2026-12-07 10:01:02")
    assert writer.describe() == "process 4242 on not-this-host.example, started 2026-12-07 10:01:02"


def test_a_folder_holding_only_the_lock_and_its_holder_is_still_new(tmp_path: Path) -> None:
    with writer_lock(tmp_path, 0, lambda message: None):
        assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK, LOCK_HOLDER]
        assert inspect_store(tmp_path).kind == NEW


def test_an_ingest_waiting_for_a_vacuum_in_another_process_says_so(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    store = tmp_path / "store"
    ensure_store([fixtures_dir / "store"], store, n_topics=2)
    with writer_lock(store, 0, lambda message: None, "a vacuum"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "analytics",
                "ingest",
                str(fixtures_dir / "store_added"),
                "--store",
                str(store),
                "--add",
                "--wait",
                "0.3",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    first, last = done.stderr.splitlines()
    assert first.startswith(f"waiting for the store at {store}: it is held by a vacuum (process ")
    assert last.startswith(f"error: the store at {store} is still held by a vacuum (process ")
    # The vacuum it waited for can run, and says nothing held it.
    assert vacuum_store(store, keep=2, wait=0) is not None


def test_info_names_the_writer_holding_the_store_and_not_one_that_ended(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    ensure_store([fixtures_dir / "store"], store, n_topics=2)
    capsys.readouterr()
    with writer_lock(store, 0, lambda message: None, "a vacuum"):
        assert main(["info", "--store", str(store)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert re.fullmatch(
            rf"writer lock: held by a vacuum \(process {os.getpid()}, started .+\)", lines[1]
        )
    assert main(["info", "--store", str(store)]) == 0
    assert "writer lock" not in capsys.readouterr().out
    # A note left by a writer that was killed (its process has ended) names no writer.
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = Writer("an ingest", int(ended.stdout), socket.gethostname(), "2026-12-07 10:00:00")
    (store / LOCK_HOLDER).write_text(json.dumps(left.__dict__), encoding="utf-8")
    assert lock_writer(store) == left and current_writer(store) is None
