"""Time syncing a store with an object store: the first upload, a first and a repeated sync down.

    python bench/remote_sync.py --store /work/big/st100k [--work /tmp/remote-sync] [--url URL]

The "object store" is a local folder reached through obstore (``objstore+file://``), so the
figures are the sync's own cost (listing, hashing nothing, copying through obstore), not a
network's. The store is copied into a working copy, published to an empty remote (every
object but the derived ones), then synced down into a fresh working copy (another machine's
first read) and synced again (a read with nothing new). ``--url`` names another (empty)
remote instead, e.g. ``s3://bucket/x`` of a local S3 server (credentials from the environment).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from analytics import settings
from analytics.pipeline import open_store
from analytics.pipeline.remote import (
    _local_files,
    open_remote,
    publish_copy,
    reading_store,
    remote_generation,
    synced_key,
)


def _copy_store(store: Path, copy: Path) -> None:
    """The files of ``store`` a remote holds (not the derived ones) into ``copy``."""
    for key in _local_files(store):
        target = copy / key
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(store / key, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/remote-sync"))
    parser.add_argument("--url", help="an empty remote to use instead of a local folder")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    (args.work / "remote").mkdir(parents=True)
    url = args.url or f"objstore+file://{(args.work / 'remote').resolve()}"
    keys = [key for key in _local_files(args.store) if synced_key(key)]
    size = sum((args.store / key).stat().st_size for key in keys) / 1e6
    print(f"store {args.store}: {len(keys)} objects, {size:.0f} MB synced (derived files stay)")

    with settings.override(store_cache=str(args.work / "writer")):
        remote = open_remote(url, create=True)
        _copy_store(args.store, remote.copy)
        started = time.perf_counter()
        published = publish_copy(remote)
        print(
            f"publish to an empty remote: {published.uploaded} objects in "
            f"{time.perf_counter() - started:.1f} s"
        )

    with settings.override(store_cache=str(args.work / "reader")):
        started = time.perf_counter()
        copy = reading_store(url)
        print(f"first sync down (a new machine): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        reading_store(url)
        print(f"sync down with nothing new: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        remote_generation(url)
        print(f"read of the remote CURRENT: {(time.perf_counter() - started) * 1000:.1f} ms")
        started = time.perf_counter()
        store = open_store(copy)
        files = store.verify()
        print(
            f"open and verify the synced copy ({files} files): "
            f"{time.perf_counter() - started:.1f} s"
        )
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
