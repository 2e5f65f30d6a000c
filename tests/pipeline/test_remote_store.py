"""Stores on object stores: a local working copy synced through obstore.

Every test reaches a local folder through the object-store path (``objstore+file://``, an
obstore ``LocalStore``), so what runs is the code an ``s3://`` store runs; each "machine"
is a working copy of its own (``BRIEFING_ATLAS_STORE_CACHE``). The last test runs against
a local S3 endpoint (moto) when moto is installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from bench_modules import load_bench

from analytics import schema as S
from analytics.cli import main
from analytics.errors import StoreError
from analytics.pipeline import open_store, open_text_index
from analytics.pipeline import remote as remote_module
from analytics.pipeline.remote import (
    REMOTE_LOCK,
    is_remote,
    open_remote,
    reading_store,
    unlock,
    working_copy,
    writing_store,
)

EXPORTED = (
    "briefings",
    "mentions",
    "topics",
    "topic-summary",
    "interactions",
    "relations",
    "watchlist",
    "report",
)
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture()
def more(tmp_path: Path) -> Path:
    """A second folder to add: one briefing dated by its Date: line."""
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "c1.txt").write_text(
        "Date: 2025-03-10\n\nWhat's Happening?\nBrazil and Argentina signed a trade pact in "
        "Brasilia.\nWhy It's Important?\nThe pact cuts tariffs.\nWhat's Next?\nBrazil will "
        "host talks with Argentina next month.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"objstore+file://{tmp_path / 'bucket' / 'atlas'}"


@pytest.fixture()
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Switch to the working copies of machine ``name``; returns its cache folder."""

    def switch(name: str) -> Path:
        cache = tmp_path / f"cache-{name}"
        monkeypatch.setenv("BRIEFING_ATLAS_STORE_CACHE", str(cache))
        return cache

    switch("one")
    return switch


def _ingest(paths: list[Path], store: str, *extra: str) -> int:
    return main(["ingest", *map(str, paths), "--store", store, "--topics", "2", "--quiet", *extra])


def _exports(store: str, out: Path, *extra: str) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    for what in EXPORTED:
        code = main(["export", what, "--store", store, "--out", str(out / f"{what}.csv"), *extra])
        assert code == 0
    return {what: (out / f"{what}.csv").read_bytes() for what in EXPORTED}


def _remote_files(url: str) -> set[str]:
    root = Path(url.removeprefix("objstore+file://"))
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _current(url: str) -> str:
    return Path(url.removeprefix("objstore+file://"), "CURRENT").read_text()


@pytest.fixture()
def reference(corpus: Path, added: Path, tmp_path: Path) -> Path:
    """The same ingests into a plain local folder: the corpus, then ``added`` with --add."""
    store = tmp_path / "local-store"
    assert _ingest([corpus], str(store)) == 0
    assert _ingest([added], str(store), "--add") == 0
    return store


# -- where a remote store is worked on ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "remote"),
    [
        ("s3://bucket/atlas", True),
        ("gs://bucket/atlas", True),
        ("az://container/atlas", True),
        ("objstore+file:///srv/atlas", True),
        ("file:///srv/atlas", False),
        ("/srv/atlas", False),
        ("ftp://host/atlas", False),
    ],
    ids=["s3", "gs", "az", "objstore-file", "file", "path", "ftp"],
)
def test_is_remote_names_object_store_urls(value: str, remote: bool) -> None:
    assert is_remote(value) is remote


def test_working_copy_lies_under_the_store_cache(machine, tmp_path: Path) -> None:
    cache = machine("one")
    assert working_copy("s3://bucket/a/b") == cache / "s3" / "bucket" / "a" / "b"
    assert working_copy("az://container/x") == cache / "az/container/x"
    with pytest.raises(StoreError, match=r"expected objstore\+file:///absolute/path; got"):
        working_copy("objstore+file://host/x")


# -- writing and reading -----------------------------------------------------------------------


def test_ingest_into_an_object_store_exports_what_a_local_store_does(
    corpus: Path, added: Path, url: str, reference: Path, machine, tmp_path: Path
) -> None:
    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    assert _current(url) == "gen-000002"
    files = _remote_files(url)
    # Derived files stay in each copy; locks and the sync record never leave it.
    assert not any(f.startswith(("text-index", "lean/", "follow-up")) for f in files)
    assert not any(part.startswith(".") for f in files for part in f.split("/"))
    assert {"ATLAS-STORE", "CURRENT", "gen-000002/meta.json"} <= files
    assert "tables/briefings/_delta_log/00000000000000000001.json" in files
    machine("two")  # another machine: its copy is made by the sync
    assert _exports(url, tmp_path / "remote") == _exports(str(reference), tmp_path / "local")


def test_info_lists_the_remote_history_and_as_of_reads_an_older_generation(
    corpus: Path, added: Path, url: str, reference: Path, machine, tmp_path: Path, capsys
) -> None:
    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    machine("two")
    capsys.readouterr()
    assert main(["info", "--store", url]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == f"store: {url} (format 3; local copy {working_copy(url)})"
    generations = [line for line in shown if "briefings  " in line]
    assert [line.split()[0] for line in generations] == ["1", "*"]
    assert "5 briefings" in generations[1] and "4 briefings" in generations[0]
    old = _exports(url, tmp_path / "remote-old", "--as-of", "1")
    assert old == _exports(str(reference), tmp_path / "local-old", "--as-of", "1")


def test_vacuum_deletes_the_remote_objects_it_removed(
    corpus: Path, added: Path, more: Path, url: str, machine, tmp_path: Path, capsys
) -> None:
    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    assert _ingest([more], url, "--add") == 0
    before = _remote_files(url)
    local = working_copy(url)
    data_before = {f for f in before if f.endswith(".parquet") and "_delta_log" not in f}
    assert main(["vacuum", "--store", url]) == 0
    after = _remote_files(url)
    assert not any(f.startswith("gen-000001/") for f in after)
    assert any(f.startswith("gen-000001/") for f in before)
    data_after = {f for f in after if f.endswith(".parquet") and "_delta_log" not in f}
    # The remote holds exactly the data files the vacuumed copy holds.
    assert data_after < data_before
    assert data_after == {
        p.relative_to(local).as_posix()
        for p in local.rglob("*.parquet")
        if "_delta_log" not in p.parts and p.parts[len(local.parts)] == "tables"
    }
    assert f"from {url}" in capsys.readouterr().out
    machine("two")
    _exports(url, tmp_path / "after-vacuum")
    assert len(pd.read_csv(tmp_path / "after-vacuum" / "briefings.csv")) == 6


def _stop(paths: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("stopped_by", [None, "ctrl-c", "network"])
def test_migrate_rewrites_an_older_remote_store_and_the_next_write_removes_its_parts(
    stopped_by: str | None,
    url: str,
    machine,
    corpus: Path,
    added: Path,
    more: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    import obstore
    from legacy_stores import write_legacy_store

    local = tmp_path / "local-store"
    assert _ingest([corpus], str(local)) == 0
    root = Path(url.removeprefix("objstore+file://"))
    write_legacy_store(open_store(local), root, store_format=2)
    assert main(["migrate", "--store", url]) == 0
    assert _current(url) == "gen-000002"
    machine("two")
    migrated = open_store(reading_store(url))
    assert migrated.format == 3
    pd.testing.assert_frame_equal(migrated.table("briefings"), open_store(local).table("briefings"))
    if stopped_by is None:
        assert _ingest([added], url, "--add") == 0
        files = _remote_files(url)
        assert not any(f.startswith(("parts/", "gen-000001/")) for f in files)
        return
    # The next write stopped after it published its generation, while it deleted the
    # older format's parts and generation: it says so, and the write after it deletes them.
    real = obstore.delete

    def stopped(store, paths):
        if isinstance(paths, list):  # the replaced objects (the lock is one path)
            _stop(paths) if stopped_by == "ctrl-c" else _network_error()
        return real(store, paths)

    monkeypatch.setattr(obstore, "delete", stopped)
    capsys.readouterr()
    if stopped_by == "ctrl-c":
        assert _ingest([added], url, "--add") == 130
        assert capsys.readouterr().err.endswith(
            f"interrupted after the new generation of {url} was made current: the store "
            "holds this ingest's result\n"
        )
    else:
        assert _ingest([added], url, "--add") == 2
        error = capsys.readouterr().err
        assert error.startswith(f"error: cannot remove old objects of the store at {url}: ")
        assert "; the write was published (generation gen-000003 is current), but " in error
        assert error.endswith("are still there: the next write or vacuum removes them\n")
    monkeypatch.setattr(obstore, "delete", real)
    assert _current(url) == "gen-000003"
    assert any(f.startswith(("parts/", "gen-000001/")) for f in _remote_files(url))
    machine("reader")
    _exports(url, tmp_path / "published")
    assert len(pd.read_csv(tmp_path / "published" / "briefings.csv")) == 5
    machine("two")
    assert _ingest([more], url, "--add") == 0
    assert not any(f.startswith(("parts/", "gen-000001/")) for f in _remote_files(url))


# -- the remote writer lock --------------------------------------------------------------------


def _hold_lock(url: str, host: str = "elsewhere", pid: int = 4242) -> None:
    root = Path(url.removeprefix("objstore+file://"))
    root.mkdir(parents=True, exist_ok=True)
    holder = {"host": host, "pid": pid, "since": "2026-12-01T10:00:00+00:00", "token": "t"}
    (root / REMOTE_LOCK).write_text(json.dumps(holder))


def test_a_held_lock_makes_a_writer_wait_then_fail_naming_the_holder(
    corpus: Path, url: str
) -> None:
    _hold_lock(url)
    said: list[str] = []
    started = time.monotonic()
    with pytest.raises(
        StoreError,
        match=r"another writer holds the store at objstore\+file://.* \(host elsewhere, process "
        r"4242, since 2026-12-01T10:00:00\+00:00\) and still did after 0.5 s; the store was not "
        r"changed: .* remove its lock with `python -m analytics unlock --store objstore\+file://",
    ):
        with writing_store(url, wait=0.5, on_wait=said.append):
            pytest.fail("the lock was taken")
    assert time.monotonic() - started >= 0.5
    assert said == [
        f"waiting for another writer into {url} (host elsewhere, process 4242, "
        "since 2026-12-01T10:00:00+00:00)…"
    ]
    assert _remote_files(url) == {REMOTE_LOCK}  # nothing written


def test_unlock_removes_a_stale_lock_and_the_next_writer_proceeds(
    corpus: Path, url: str, capsys
) -> None:
    _hold_lock(url)
    assert _ingest([corpus], url, "--wait", "0") == 2
    assert "unlock --store" in capsys.readouterr().err
    assert main(["unlock", "--store", url]) == 0
    assert capsys.readouterr().out == (
        f"removed the writer lock of {url} (host elsewhere, process 4242, "
        "since 2026-12-01T10:00:00+00:00)\n"
    )
    assert unlock(url) is None
    assert _ingest([corpus], url, "--wait", "0") == 0
    assert REMOTE_LOCK not in _remote_files(url)  # released by the writer


def test_unlock_refuses_a_local_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"only a store on an object store has a remote writer"):
        unlock(str(tmp_path))


# -- failures are one line ---------------------------------------------------------------------


def test_reading_a_missing_or_empty_remote_store_fails_in_one_line(tmp_path: Path, machine) -> None:
    missing = f"objstore+file://{tmp_path / 'nowhere'}"
    with pytest.raises(StoreError, match=rf"no store at {re.escape(missing)}: .* not a folder$"):
        reading_store(missing)
    (tmp_path / "empty").mkdir()
    empty = f"objstore+file://{tmp_path / 'empty'}"
    with pytest.raises(StoreError, match=rf"no store at {re.escape(empty)}: it holds no CURRENT"):
        reading_store(empty)


def test_credentials_without_permission_fail_the_write_in_one_line(
    corpus: Path, url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from obstore.exceptions import PermissionDeniedError

    def denied(remote, key: str, body: bytes, *, create: bool) -> str | None:
        raise PermissionDeniedError("Forbidden\n\nDebug source: ...")

    monkeypatch.setattr(remote_module, "_put", denied)
    assert _ingest([corpus], url) == 2
    assert capsys.readouterr().err == (
        f"error: cannot lock the store at {url}: permission denied: check the credentials in "
        "the environment (AWS_*, GOOGLE_* or AZURE_* variables)\n"
    )


@pytest.mark.parametrize(
    ("url", "variables"),
    [
        ("s3://bucket/atlas", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ("gs://bucket/atlas", "GOOGLE_SERVICE_ACCOUNT or GOOGLE_APPLICATION_CREDENTIALS"),
    ],
    ids=["s3", "gcs"],
)
def test_no_credentials_are_named_as_such(url: str, variables: str, machine) -> None:
    # Without credentials the clients ask a cloud machine's metadata service; off one, the
    # answer named that service's address and said nothing of credentials.
    remote = open_remote(url)
    refused = RuntimeError(
        "Generic S3 error: Error performing PUT http://169.254.169.254/latest/api/token in "
        "1.4ms - Server returned non-2xx status code: 403 Forbidden"
    )
    assert remote.reason(refused) == (
        f"no credentials found: set {variables} in the environment, or run where the "
        "machine's role gives them"
    )


def test_an_unreachable_endpoint_fails_in_one_line(monkeypatch: pytest.MonkeyPatch, machine):
    for name, value in load_bench("local_s3").unreachable_s3_settings().items():
        monkeypatch.setenv(name, value)
    with pytest.raises(StoreError, match=r"^cannot read the store at s3://bucket/atlas: [^\n]+$"):
        reading_store("s3://bucket/atlas")


# -- a write stopped half-way ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop_at", "next_machine"),
    [
        (lambda key: "_delta_log" not in key and key.startswith("tables/"), "one"),
        (lambda key: key.endswith("00000000000000000001.json") and "/mentions/" in key, "one"),
        (lambda key: key.endswith("00000000000000000001.json") and "/mentions/" in key, "two"),
        (lambda key: key == "gen-000002/meta.json", "one"),
        (lambda key: key == "CURRENT", "two"),
    ],
    ids=["data-files", "table-commits", "table-commits-other-machine", "manifest", "current"],
)
def test_a_write_stopped_before_current_leaves_the_previous_generation_and_the_next_recovers(
    stop_at: Callable[[str], bool],
    next_machine: str,
    corpus: Path,
    added: Path,
    url: str,
    reference: Path,
    machine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    assert _ingest([corpus], url) == 0
    first = _exports(url, tmp_path / "first")
    put = remote_module._put

    def killed(remote, key: str, body: bytes, *, create: bool) -> str | None:
        if stop_at(key):
            raise KeyboardInterrupt  # as a writer killed here: nothing after is sent
        return put(remote, key, body, create=create)

    monkeypatch.setattr(remote_module, "_put", killed)
    assert _ingest([added], url, "--add") == 130
    assert f"interrupted: the store at {url} is unchanged" in capsys.readouterr().err
    monkeypatch.setattr(remote_module, "_put", put)
    assert _current(url) == "gen-000001"
    machine("reader")
    assert _exports(url, tmp_path / "while-stopped") == first
    machine(next_machine)
    assert _ingest([added], url, "--add") == 0
    assert _current(url) == "gen-000002"
    machine("checker")
    exported = _exports(url, tmp_path / "recovered")
    assert exported == _exports(str(reference), tmp_path / "local")
    ids = pd.read_csv(tmp_path / "recovered" / "briefings.csv")[S.BRIEFING_ID]
    assert len(ids) == 5 and ids.is_unique


# -- concurrent writers and readers ------------------------------------------------------------


def _cli(args: list[str], cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "BRIEFING_ATLAS_STORE_CACHE": str(cache), "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_machines_ingesting_at_once_leave_the_union(
    corpus: Path, added: Path, more: Path, url: str, machine, tmp_path: Path
) -> None:
    assert _ingest([corpus], url) == 0
    writers = [
        _cli(["ingest", str(folder), "--store", url, "--add", "--quiet"], tmp_path / name)
        for folder, name in ((added, "cache-a"), (more, "cache-b"))
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    assert _current(url) == "gen-000003"
    local = tmp_path / "local-union"
    for folder, extra in ((corpus, ()), (added, ("--add",)), (more, ("--add",))):
        assert _ingest([folder], str(local), *extra) == 0
    machine("checker")
    store = open_store(reading_store(url))
    ids = store.table("briefings")[S.BRIEFING_ID]
    assert sorted(ids) == sorted(open_store(local).table("briefings")[S.BRIEFING_ID])
    assert len(ids) == 6 and ids.is_unique
    assert store.table("report")["file"].str.endswith(("b1.txt", "c1.txt")).sum() == 2


def test_a_reader_syncing_while_a_writer_publishes_reads_whole_generations(
    corpus: Path, added: Path, url: str, machine, tmp_path: Path
) -> None:
    assert _ingest([corpus], url) == 0
    writer = _cli(["ingest", str(added), "--store", url, "--add", "--quiet"], tmp_path / "cw")
    machine("reader")
    seen: list[int] = []
    while writer.poll() is None or not seen:
        store = open_store(reading_store(url))
        seen.append(len(store.table("briefings")))
        store.verify()
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    store = open_store(reading_store(url))
    seen.append(len(store.table("briefings")))
    assert set(seen) <= {4, 5} and seen[-1] == 5


# -- the text index of a working copy ----------------------------------------------------------


def test_search_on_a_synced_copy_reads_texts_until_an_ingest_there_rebuilds_the_index(
    corpus: Path, added: Path, url: str, machine
) -> None:
    assert _ingest([corpus], url) == 0
    machine("two")
    store = open_store(reading_store(url))
    assert open_text_index(store) is None  # not uploaded: search reads the texts
    assert _ingest([added], url, "--add") == 0
    store = open_store(reading_store(url))
    index = open_text_index(store)
    assert index is not None
    briefings = store.table("briefings")
    holding = briefings[briefings[S.TEXT].str.contains("talks", case=False)][S.BRIEFING_ID]
    assert sorted(index.briefing_ids(["talks"])) == sorted(holding)


def test_the_index_command_builds_a_synced_copys_index_there_and_uploads_nothing(
    corpus: Path, url: str, machine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _ingest([corpus], url) == 0
    machine("two")
    remote_before = _remote_files(url)
    capsys.readouterr()
    assert main(["index", "--store", url]) == 0
    copy = working_copy(url)
    assert re.fullmatch(
        rf"{re.escape(url)} \(local copy {re.escape(str(copy))}\): the text index did not "
        r"match the store \(there is none\); rebuilt it from 4 briefings \(\d+\.\d s\)\n",
        capsys.readouterr().out,
    )
    store = open_store(reading_store(url))
    index = open_text_index(store)
    assert index is not None
    briefings = store.table("briefings")
    holding = briefings[briefings[S.TEXT].str.contains("talks", case=False)][S.BRIEFING_ID]
    assert sorted(index.briefing_ids(["talks"])) == sorted(holding) and len(holding)
    # Built in the copy only: the remote holds the same objects.
    assert _remote_files(url) == remote_before
    assert main(["index", "--store", url]) == 0
    assert re.search(
        r": the text index holds generation gen-000001 \(4 briefings\): nothing to do "
        r"\(\d+\.\d s\)\n$",
        capsys.readouterr().out,
    )


# -- a local S3 endpoint -----------------------------------------------------------------------


@pytest.fixture()
def s3_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto S3 server on a free port, with bucket ``atlas-test``; its endpoint URL."""
    pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server, settings = load_bench("local_s3").start_s3_server("atlas-test")
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    try:
        yield settings["AWS_ENDPOINT_URL"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_ingest_into_s3_reads_back_and_delta_opens_the_tables_there(
    s3_endpoint: str, corpus: Path, added: Path, reference: Path, machine, tmp_path: Path
) -> None:
    from deltalake import DeltaTable

    url = "s3://atlas-test/stores/atlas"
    # Put-if-absent is what the writer lock and the table commits rely on.
    remote = open_remote(url)
    import obstore

    obstore.put(remote.objects, "probe", b"1", mode="create")
    with pytest.raises(obstore.exceptions.AlreadyExistsError):
        obstore.put(remote.objects, "probe", b"2", mode="create")
    obstore.delete(remote.objects, "probe")
    with pytest.raises(StoreError, match=r"^cannot read the store at s3://nowhere/x: the bucket "):
        reading_store("s3://nowhere/x")
    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    machine("two")
    assert _exports(url, tmp_path / "s3") == _exports(str(reference), tmp_path / "local")
    options = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }
    table = DeltaTable(f"{url}/tables/briefings", storage_options=options)
    meta = open_store(reading_store(url)).meta["tables"]["briefings"]
    assert table.version() == meta["version"]
    assert table.to_pyarrow_table().num_rows == 5


# -- a damaged remote --------------------------------------------------------------------------


def test_a_writer_never_deletes_generations_of_a_remote_whose_current_is_garbage(
    corpus: Path, added: Path, more: Path, url: str, machine, capsys
) -> None:
    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    before = _remote_files(url)
    Path(url.removeprefix("objstore+file://"), "CURRENT").write_text("garbage")
    machine("two")
    capsys.readouterr()
    assert _ingest([more], url, "--add") == 2
    # Named by its URL: the command it suggests must rebuild the store, not the copy.
    assert capsys.readouterr().err == (
        f"error: the store at {url} is damaged (CURRENT names 'garbage', not a generation); "
        f"rebuild it with `python -m analytics ingest PATH... --store {url} --rebuild`\n"
    )
    assert _remote_files(url) == before  # nothing deleted: rebuilt only when told
    assert _ingest([corpus, added, more], url, "--rebuild") == 0
    assert _current(url) == "gen-000003"


def test_a_reader_syncing_while_a_vacuum_deletes_what_it_listed_reads_the_store(
    corpus: Path, added: Path, more: Path, url: str, machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    assert _ingest([more], url, "--add") == 0
    listed = remote_module._remote_objects
    root = Path(url.removeprefix("objstore+file://"))
    deleted: list[str] = []

    def vacuumed_after_listing(remote) -> dict:
        found = listed(remote)
        if not deleted:  # a vacuum's deletions land between the listing and the downloads
            for path in sorted((root / "gen-000001").rglob("*")):
                if path.is_file():
                    deleted.append(path.relative_to(root).as_posix())
                    path.unlink()
        return found

    monkeypatch.setattr(remote_module, "_remote_objects", vacuumed_after_listing)
    machine("reader")
    store = open_store(reading_store(url))
    assert deleted and store.generation.name == "gen-000003"
    assert len(store.table("briefings")) == 6
    assert not (store.path / "gen-000001").exists()


@pytest.mark.parametrize("sent_first", [False, True], ids=["before-manifest", "after-manifest"])
def test_a_writer_whose_lock_was_removed_while_it_published_fails_and_the_other_write_stays(
    sent_first: bool,
    corpus: Path,
    added: Path,
    more: Path,
    url: str,
    machine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    assert _ingest([corpus], url) == 0
    put = remote_module._put
    other: list[int] = []

    def unlocked_meanwhile(remote, key: str, body: bytes, *, create: bool) -> str | None:
        if key != "gen-000002/meta.json" or other:
            return put(remote, key, body, create=create)
        e_tag = put(remote, key, body, create=create) if sent_first else None
        if not other:
            other.append(-1)
            # `unlock` run by mistake, and another machine's whole ingest, land here.
            assert main(["unlock", "--store", url]) == 0
            machine("two")
            other[0] = _ingest([more], url, "--add", "--wait", "0")
            machine("one")
        return e_tag if sent_first else put(remote, key, body, create=create)

    monkeypatch.setattr(remote_module, "_put", unlocked_meanwhile)
    capsys.readouterr()
    assert _ingest([added], url, "--add") == 2
    assert other == [0]
    assert "was not published" in capsys.readouterr().err
    monkeypatch.setattr(remote_module, "_put", put)
    machine("checker")
    store = open_store(reading_store(url))
    store.verify()
    # The other machine's briefing is there: the stopped writer replaced nothing.
    assert store.generation.name == "gen-000002"
    assert store.table("report")["file"].str.endswith("c1.txt").sum() == 1
    assert len(store.table("briefings")) == 5


# -- network failures at each step -------------------------------------------------------------


def _network_error(*args, **kwargs):
    from obstore.exceptions import GenericError

    raise GenericError("Generic S3 error: error sending request\n\nCaused by: connection reset")


@pytest.mark.parametrize(
    ("function", "fails_on", "doing"),
    [
        ("_download", lambda key: "_delta_log" in key, "download"),
        ("_put", lambda key: key == REMOTE_LOCK, "lock"),
        ("_put", lambda key: "_delta_log" not in key and key.startswith("tables/"), "upload to"),
        ("_put", lambda key: key.endswith("00000000000000000001.json"), "upload to"),
        ("_put", lambda key: key == "gen-000002/meta.json", "upload to"),
        ("_put", lambda key: key == "CURRENT", "upload to"),
    ],
    ids=["sync", "lock", "data-files", "table-commits", "manifest", "current"],
)
def test_a_network_error_at_any_step_fails_in_one_line_and_leaves_the_previous_generation(
    function: str,
    fails_on: Callable[[str], bool],
    doing: str,
    corpus: Path,
    added: Path,
    url: str,
    reference: Path,
    machine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    assert _ingest([corpus], url) == 0
    first = _exports(url, tmp_path / "first")
    real = getattr(remote_module, function)

    def failing(remote, key: str, *args, **kwargs):
        if fails_on(key):
            _network_error()
        return real(remote, key, *args, **kwargs)

    machine("two")  # a copy that must download the tables
    monkeypatch.setattr(remote_module, function, failing)
    capsys.readouterr()
    assert _ingest([added], url, "--add") == 2
    assert capsys.readouterr().err == (
        f"error: cannot {doing} the store at {url}: Generic S3 error: error sending request\n"
    )
    monkeypatch.setattr(remote_module, function, real)
    assert _current(url) == "gen-000001"
    assert REMOTE_LOCK not in _remote_files(url)  # released on the way out
    machine("reader")
    assert _exports(url, tmp_path / "while-failed") == first
    machine("two")
    assert _ingest([added], url, "--add") == 0
    assert _exports(url, tmp_path / "recovered") == _exports(str(reference), tmp_path / "local")


def test_a_network_error_deleting_what_a_vacuum_removed_is_one_line_and_a_vacuum_again_ends_it(
    corpus: Path, added: Path, more: Path, url: str, machine, monkeypatch, capsys
) -> None:
    import obstore

    assert _ingest([corpus], url) == 0
    assert _ingest([added], url, "--add") == 0
    assert _ingest([more], url, "--add") == 0
    real = obstore.delete

    def failing(store, paths):
        if isinstance(paths, list):  # the removed objects (the lock is one path)
            _network_error()
        return real(store, paths)

    monkeypatch.setattr(obstore, "delete", failing)
    capsys.readouterr()
    assert main(["vacuum", "--store", url]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot remove old objects of the store at {url}: Generic S3 error: error "
        "sending request\n"
    )
    monkeypatch.setattr(obstore, "delete", real)
    machine("reader")
    store = open_store(reading_store(url))
    store.verify()
    assert len(store.table("briefings")) == 6
    machine("one")
    assert main(["vacuum", "--store", url]) == 0
    assert not any(f.startswith("gen-000001/") for f in _remote_files(url))


def test_a_copy_file_changed_in_place_with_its_size_and_time_kept_is_fetched_again(
    corpus: Path, url: str, machine
) -> None:
    assert _ingest([corpus], url) == 0
    copy = working_copy(url)
    data = next((copy / "tables" / "briefings").rglob("*.parquet"))
    stat = data.stat()
    with open(data, "r+b") as handle:  # bit rot, or a tool that keeps file times
        handle.seek(100)
        handle.write(b"XXXX")
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    store = open_store(reading_store(url))
    assert store.verify() > 0  # the remote was intact: the copy is whole again
