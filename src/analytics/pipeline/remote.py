"""Stores on object stores (``s3://``, ``gs://``, ``az://``): a local working copy kept in step.

A store keeps generation manifests, the ``CURRENT`` pointer, SQLite and file locks, which
need a local folder. A store given as an object-store URL is therefore worked on in a local
*working copy* (``working_copy``: under ``store_cache``), synced with the object store
through ``obstore``, which reads its credentials and endpoint from the usual ``AWS_*``,
``GOOGLE_*`` and ``AZURE_*`` environment variables:

- reading (``reading_store``): the remote ``CURRENT`` is read, every object the copy lacks
  (or holds in another version) is downloaded, files the remote no longer has are removed,
  and ``CURRENT`` is written last; then the store is read from the copy as any folder.
- writing (``writing_store``): a *remote writer lock* (an object created only if absent)
  is taken, the copy is synced, the caller writes into the copy as into any folder, and
  what changed is uploaded in an order that keeps the remote readable at every moment:
  data files, then each table's Delta log in version order (a commit is only ever
  created, never overwritten), then the generation folders (``meta.json`` last), and
  ``CURRENT`` last of all: the commit point. Objects the write removed (a vacuum's) are
  deleted only after that. A write stopped before ``CURRENT`` leaves the remote at the
  previous generation; the next writer's sync brings the table versions no generation
  names into its copy, where the store's own recovery rolls them back.

Derived files are never uploaded: the text index, the lean tables and the kept follow-ups
are built by each copy (search reads the texts until an ingest into the copy rebuilds the
index). ``objstore+file:///path`` reaches a local folder through this same object-store
path (tests and demos); ``file:///path`` stays a plain local store.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from filelock import FileLock, Timeout

from analytics import settings
from analytics.errors import StoreError
from analytics.pipeline.layout import CURRENT, GENERATION_NAME, META, URL, write_whole

if TYPE_CHECKING:
    from obstore.store import ObjectStore

# Schemes of object stores obstore reaches (``from_url``).
REMOTE_SCHEMES = frozenset({"s3", "s3a", "gs", "az", "adl", "azure", "abfs", "abfss"})
# A local folder reached through the object-store path, as a bucket would be.
SYNCED_FILE_SCHEME = "objstore+file"
# The remote writer lock: an object created only when absent (``put`` mode "create").
REMOTE_LOCK = ".atlas-writer-lock"
# Beside the working copy (inside, the store would not be a store's folder alone): what was
# last synced (each object's size and e_tag, and the local file's size, modification and
# change times then), and the lock held while the copy changes.
SYNC_RECORD = ".{name}.atlas-sync.json"
SYNC_LOCK = ".{name}.atlas-sync-lock"
# Derived from the tables and kept by each copy on its own: never uploaded nor removed.
# (Their modules import this one's callers; the names are spelled here to stay light.)
LOCAL_ONLY = ("text-index.sqlite", "lean", "follow-up")
DELTA_LOG = "_delta_log"
LAST_CHECKPOINT = "_last_checkpoint"
# The cloud machines' metadata service, asked for a role's credentials when none are set.
_METADATA_ENDPOINT = "169.254.169.254"
_CREDENTIAL_VARIABLES = {
    "s3": "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    "s3a": "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    "gs": "GOOGLE_SERVICE_ACCOUNT or GOOGLE_APPLICATION_CREDENTIALS",
    "az": "AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_KEY",
}
# Objects fetched or sent at once: the requests wait on the network, not on Python.
_CONCURRENT_REQUESTS = 8
_LOCK_POLL_SECONDS = 1.0


def is_remote(value: str | Path) -> bool:
    """Whether ``value`` names a store on an object store (its URL's scheme is one)."""
    if isinstance(value, Path) or not URL.match(value):
        return False
    return urlparse(value).scheme.lower() in REMOTE_SCHEMES | {SYNCED_FILE_SCHEME}


def working_copy(url: str) -> Path:
    """The local working copy of the store at ``url``:
    ``<store_cache>/<scheme>/<bucket>/<path>`` (``file`` and the path for ``objstore+file``).

    Raises:
        StoreError: when the URL names no bucket or path, or holds ``.`` or ``..`` parts.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == SYNCED_FILE_SCHEME:
        if parsed.netloc not in ("", "localhost") or not unquote(parsed.path).startswith("/"):
            raise StoreError(
                "an objstore+file:// store URL names a folder on this machine: expected "
                f"objstore+file:///absolute/path; got {url!r}"
            )
        parts = ["file", *PurePosixPath(unquote(parsed.path)).parts[1:]]
    else:
        parts = [scheme, parsed.netloc, *PurePosixPath(unquote(parsed.path)).parts[1:]]
    no_bucket = not parsed.netloc and scheme != SYNCED_FILE_SCHEME
    if no_bucket or any(part in ("", ".", "..") for part in parts):
        raise StoreError(
            f"a store URL names a bucket and a path in it: expected {scheme}://BUCKET/PATH; "
            f"got {url!r}"
        )
    configured = settings.value("store_cache")
    base = Path(configured) if configured else Path.home() / ".cache" / "briefing-atlas" / "stores"
    return base.joinpath(*parts)


@dataclass
class RemoteStore:
    """A store on an object store: its URL, the obstore store reaching it, its working copy."""

    url: str
    objects: ObjectStore
    copy: Path

    def reason(self, error: BaseException) -> str:
        """``error`` of a request to the object store in one line (obstore's own messages
        run over many lines of debug detail)."""
        from obstore.exceptions import PermissionDeniedError, UnauthenticatedError

        if isinstance(error, PermissionDeniedError | UnauthenticatedError | PermissionError):
            return (
                "permission denied: check the credentials in the environment "
                "(AWS_*, GOOGLE_* or AZURE_* variables)"
            )
        text = str(error)
        if "NoSuchBucket" in text or (isinstance(error, FileNotFoundError) and "bucket" in text):
            return "the bucket does not exist"
        if _METADATA_ENDPOINT in text:
            # With no credentials in the environment the clients ask the cloud machine's
            # metadata service for a role's; off such a machine that fails obscurely.
            scheme = urlparse(self.url).scheme.lower()
            wanted = _CREDENTIAL_VARIABLES.get(scheme, _CREDENTIAL_VARIABLES["az"])
            return (
                f"no credentials found: set {wanted} in the environment, or run where the "
                "machine's role gives them"
            )
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        first = lines[0] if lines else type(error).__name__
        return first if len(first) <= 300 else first[:297] + "..."

    @contextmanager
    def requests(self, doing: str) -> Iterator[None]:
        """Turn a failed request to the object store into one ``StoreError``."""
        from obstore.exceptions import BaseError

        try:
            yield
        except (BaseError, OSError, ValueError, RuntimeError) as error:
            if isinstance(error, StoreError):
                raise
            raise StoreError(f"cannot {doing} the store at {self.url}: {self.reason(error)}") from (
                error
            )


def open_remote(url: str, *, create: bool = False) -> RemoteStore:
    """The object store at ``url`` and its working copy (nothing is read yet).

    Parameters:
        url: an object-store URL (``is_remote``).
        create: an ``objstore+file`` folder is made when missing (a write creates the store).

    Raises:
        StoreError: when obstore cannot be configured for the URL.
    """
    from obstore.exceptions import BaseError
    from obstore.store import from_url

    copy = working_copy(url)
    parsed = urlparse(url)
    retry = {"max_retries": 3, "retry_timeout": timedelta(seconds=30)}
    try:
        if parsed.scheme.lower() == SYNCED_FILE_SCHEME:
            folder = unquote(parsed.path)
            if not create and not Path(folder).is_dir():
                raise StoreError(f"there is no store at {url}: {folder} is not a folder")
            objects = from_url(f"file://{folder}", mkdir=create)
        else:
            # The client's options (endpoint, AWS_ALLOW_HTTP...) come from the environment.
            objects = from_url(url, retry_config=retry)  # type: ignore[call-overload]
    except (BaseError, OSError, ValueError) as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        raise StoreError(
            f"cannot open the store at {url}: {lines[0] if lines else type(error).__name__}"
        ) from error
    return RemoteStore(url, objects, copy)


# -- the remote writer lock -------------------------------------------------------------------


@dataclass(frozen=True)
class LockHolder:
    """Who holds a remote writer lock, as its object says."""

    host: str
    pid: int
    since: str
    token: str = ""

    def describe(self) -> str:
        return f"host {self.host}, process {self.pid}, since {self.since}"


def lock_holder(remote: RemoteStore) -> LockHolder | None:
    """The holder of ``remote``'s writer lock, or ``None`` when nobody holds it."""
    import obstore

    with remote.requests("read the writer lock of"):
        try:
            body = bytes(obstore.get(remote.objects, REMOTE_LOCK).bytes())
        except FileNotFoundError:
            return None
    try:
        fields = json.loads(body)
        return LockHolder(
            str(fields["host"]), int(fields["pid"]), str(fields["since"]), str(fields["token"])
        )
    except (ValueError, KeyError, TypeError):
        return LockHolder("unknown", 0, "unknown")


@contextmanager
def remote_lock(
    remote: RemoteStore, wait: float, on_wait: Callable[[str], None]
) -> Iterator[LockHolder]:
    """Hold ``remote``'s writer lock (yielded: its token tells it from a later writer's);
    wait up to ``wait`` seconds for another writer's.

    Raises:
        StoreError: when another writer still holds it after ``wait`` seconds, naming the
            holder and how to remove a lock whose writer is gone.
    """
    import obstore
    from obstore.exceptions import AlreadyExistsError, PreconditionError

    holder = LockHolder(
        socket.gethostname(),
        os.getpid(),
        datetime.now(UTC).isoformat(timespec="seconds"),
        secrets.token_hex(8),
    )
    body = json.dumps(holder.__dict__).encode()
    deadline = time.monotonic() + wait
    said = False
    while True:
        with remote.requests("lock"):
            try:
                _put(remote, REMOTE_LOCK, body, create=True)
                break
            except (AlreadyExistsError, PreconditionError):
                pass
        other = lock_holder(remote)
        if other is None:
            continue  # released meanwhile
        left = deadline - time.monotonic()
        if left <= 0:
            raise StoreError(
                f"another writer holds the store at {remote.url} ({other.describe()}) and "
                f"still did after {wait:g} s; the store was not changed: try again later or "
                "allow longer with --wait SECONDS; if that writer is gone, remove its lock with "
                f"`python -m analytics unlock --store {remote.url}`"
            )
        if not said:
            on_wait(f"waiting for another writer into {remote.url} ({other.describe()})…")
            said = True
        time.sleep(min(_LOCK_POLL_SECONDS, left))
    try:
        yield holder
    finally:
        # Only our own lock: one removed by `unlock` may have been taken by another writer.
        try:
            if (current := lock_holder(remote)) is not None and current.token == holder.token:
                with remote.requests("unlock"):
                    obstore.delete(remote.objects, REMOTE_LOCK)
        except StoreError:
            pass  # the write itself is done or failed already; a left lock is named to the next


def unlock(url: str) -> LockHolder | None:
    """Remove the writer lock of the store at ``url`` (its writer is gone); return its holder.

    Raises:
        StoreError: when ``url`` is not an object-store URL, or the lock cannot be removed.
    """
    import obstore

    if not is_remote(url):
        raise StoreError(
            "only a store on an object store has a remote writer lock (a local store's lock "
            f"is released by the system when its writer ends); got {url!r}"
        )
    remote = open_remote(url)
    holder = lock_holder(remote)
    if holder is not None:
        with remote.requests("unlock"):
            obstore.delete(remote.objects, REMOTE_LOCK)
    return holder


# -- syncing the working copy -----------------------------------------------------------------


@dataclass
class _Record:
    """What the working copy last had in step with the remote, per key: the object's
    size and e_tag, and the local file's times then."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, copy: Path) -> _Record:
        try:
            entries = json.loads(_beside(copy, SYNC_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls(entries if isinstance(entries, dict) else {})

    def save(self, copy: Path) -> None:
        write_whole(_beside(copy, SYNC_RECORD), json.dumps(self.entries, sort_keys=True).encode())

    def note(self, copy: Path, key: str, e_tag: str | None) -> None:
        stat = (copy / key).stat()
        self.entries[key] = {
            "size": stat.st_size,
            "e_tag": e_tag,
            "mtime_ns": stat.st_mtime_ns,
            "ctime_ns": stat.st_ctime_ns,
        }

    def in_step(self, copy: Path, key: str) -> bool:
        """Whether the local file of ``key`` is the one last synced (unchanged since): its
        size and times as noted; the change time too, which no tool can set back after
        writing into the file (as one that keeps the modification time may)."""
        entry = self.entries.get(key)
        try:
            stat = (copy / key).stat()
        except OSError:
            return False
        return (
            entry is not None
            and entry["size"] == stat.st_size
            and entry["mtime_ns"] == stat.st_mtime_ns
            and entry.get("ctime_ns", stat.st_ctime_ns) == stat.st_ctime_ns
        )


def _beside(copy: Path, pattern: str) -> Path:
    return copy.parent / pattern.format(name=copy.name)


def synced_key(key: str) -> bool:
    """Whether the object or file ``key`` (relative to the store) is kept in step: not a
    hidden file (locks, staging, the sync record), a temporary one, or a derived one."""
    parts = key.split("/")
    return (
        parts[0] not in LOCAL_ONLY
        and not parts[0].startswith(f"{LOCAL_ONLY[0]}-")
        and not any(part.startswith(".") for part in parts)
        and not parts[-1].endswith((".tmp", ".part"))
    )


def _remote_objects(remote: RemoteStore) -> dict[str, dict[str, Any]]:
    import obstore

    found: dict[str, dict[str, Any]] = {}
    for chunk in obstore.list(remote.objects, None, chunk_size=1000):
        for meta in chunk:
            if synced_key(meta["path"]):
                found[meta["path"]] = {"size": meta["size"], "e_tag": meta["e_tag"]}
    return found


def _local_files(copy: Path) -> list[str]:
    found: list[str] = []
    for folder, folders, files in os.walk(copy):
        relative = Path(folder).relative_to(copy)
        folders[:] = [f for f in folders if synced_key((relative / f).as_posix())]
        found.extend(key for name in files if synced_key(key := (relative / name).as_posix()))
    return found


def _generation_of(key: str) -> int | None:
    """The number of the generation folder ``key`` lies in, if any."""
    match = GENERATION_NAME.fullmatch(key.split("/")[0]) if "/" in key else None
    return int(match.group(1)) if match else None


def _download(remote: RemoteStore, key: str) -> str | None:
    """Fetch ``key`` into the copy (whole, then renamed into place); return its e_tag."""
    import obstore

    target = remote.copy / key
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        try:
            result = obstore.get(remote.objects, key)
        except FileNotFoundError:
            raise _Vanished(key) from None
        with open(staging, "wb") as out:
            for chunk in result.stream():
                out.write(chunk)
        os.replace(staging, target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return result.meta["e_tag"]


def _current_of(remote: RemoteStore) -> bytes | None:
    import obstore

    try:
        return bytes(obstore.get(remote.objects, CURRENT).bytes())
    except FileNotFoundError:
        return None


class _Vanished(Exception):
    """An object listed by a sync was deleted before it was fetched (a vacuum, or a writer
    removing an unpublished generation, ran meanwhile): the sync starts again."""


# Syncs started again when listed objects vanish before they are fetched.
_SYNC_ATTEMPTS = 5


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: the generation now current in the copy, objects fetched and removed."""

    current: str | None
    downloaded: int
    removed: int


def sync_copy(remote: RemoteStore, *, writer: bool = False) -> SyncResult:
    """Bring the working copy in step with the remote (the caller holds the copy's sync lock).

    A sync whose listed objects are deleted before they are fetched (a vacuum publishing
    meanwhile) reads ``CURRENT`` and lists again: a reader is never failed by a vacuum.

    Raises:
        StoreError: when the object store cannot be read (or written, for a writer), or
            objects keep vanishing.
    """
    for attempt in range(_SYNC_ATTEMPTS):
        try:
            return _sync_once(remote, writer=writer)
        except _Vanished as vanished:
            if attempt == _SYNC_ATTEMPTS - 1:
                raise StoreError(
                    f"cannot read the store at {remote.url}: its objects changed under "
                    f"{_SYNC_ATTEMPTS} syncs in a row ({vanished} was deleted while it was "
                    "read); try again"
                ) from None
    raise AssertionError("unreachable")


def _sync_once(remote: RemoteStore, *, writer: bool) -> SyncResult:
    """One sync of the working copy (``sync_copy``).

    Objects the copy lacks, or holds in another version, are downloaded; ``CURRENT`` is
    written as read first; then local files the remote does not hold are removed (a write
    that never published, objects a vacuum removed): the copy is whole at every moment.
    Generation folders numbered after the remote's ``CURRENT`` belong to a write that
    stopped before publishing: they are not fetched, and a ``writer`` (holding the remote
    lock) deletes them from the remote too.

    Raises:
        StoreError: when the object store cannot be read (or written, for a writer).
    """
    import obstore

    remote.copy.mkdir(parents=True, exist_ok=True)
    record = _Record.load(remote.copy)
    with remote.requests("read"):
        current = _current_of(remote)
        objects = _remote_objects(remote)
    current_name = current.decode("utf-8", "replace").strip() if current is not None else None
    match = GENERATION_NAME.fullmatch(current_name or "")
    # A CURRENT that names no generation is damage, not a write stopped before it: every
    # generation is kept (the copy's store then names the damage; --rebuild is the way on).
    newest = int(match.group(1)) if match else 0 if current is None else None
    unpublished = [
        key
        for key in objects
        if newest is not None and (number := _generation_of(key)) is not None and number > newest
    ]
    if writer and unpublished:
        with remote.requests("clean up"):
            obstore.delete(remote.objects, unpublished)
    for key in unpublished:
        del objects[key]
    fetch = [
        key
        for key, meta in objects.items()
        if key != CURRENT
        and not (
            record.in_step(remote.copy, key)
            and record.entries[key]["e_tag"] == meta["e_tag"]
            and record.entries[key]["size"] == meta["size"]
        )
    ]
    with remote.requests("download"), ThreadPoolExecutor(_CONCURRENT_REQUESTS) as pool:
        e_tags = pool.map(lambda key: _download(remote, key), fetch)
        for key, e_tag in zip(fetch, e_tags, strict=True):
            record.note(remote.copy, key, e_tag)
    if current is not None:
        write_whole(remote.copy / CURRENT, current)
        record.note(remote.copy, CURRENT, objects.get(CURRENT, {}).get("e_tag"))
    # Only then what the remote no longer holds goes (a reader of the copy's previous
    # generation is in the same position as a reader of a local store being vacuumed).
    removed = 0
    for key in _local_files(remote.copy):
        if key not in objects:
            (remote.copy / key).unlink(missing_ok=True)
            record.entries.pop(key, None)
            removed += 1
    _remove_empty_folders(remote.copy)
    for key in [key for key in record.entries if key not in objects]:
        del record.entries[key]
    record.save(remote.copy)
    return SyncResult(current_name, len(fetch), removed)


def _remove_empty_folders(copy: Path) -> None:
    for folder, _, _ in sorted(os.walk(copy), key=lambda entry: -len(entry[0])):
        path = Path(folder)
        relative = path.relative_to(copy).as_posix()
        if path != copy and synced_key(relative) and not any(path.iterdir()):
            path.rmdir()


def _publish_order(key: str) -> tuple[int, str, int, str]:
    """Upload order: data and other files, then each Delta log (commits by version,
    checkpoints, ``_last_checkpoint``), then generation folders (``meta.json`` last)."""
    parts = key.split("/")
    if DELTA_LOG in parts:
        log = "/".join(parts[: parts.index(DELTA_LOG) + 1])
        name = parts[-1]
        rank = 2 if name == LAST_CHECKPOINT else 0 if _is_commit(name) else 1
        return (1, log, rank, name)
    if (number := _generation_of(key)) is not None:
        return (2, f"{number:012d}", 1 if parts[-1] == META and len(parts) == 2 else 0, key)
    return (0, "", 0, key)


def _is_commit(name: str) -> bool:
    stem, _, suffix = name.partition(".")
    return suffix == "json" and stem.isdigit()


def _put(remote: RemoteStore, key: str, body: bytes, *, create: bool) -> str | None:
    """Send one object (only if absent when ``create``); return its e_tag."""
    import obstore

    result = obstore.put(remote.objects, key, body, mode="create" if create else "overwrite")
    return result["e_tag"]


def _upload(remote: RemoteStore, key: str) -> str | None:
    """Upload the copy's file ``key``; a Delta commit only if absent. Return its e_tag.

    Raises:
        StoreError: when a different commit of that number is there already.
    """
    import obstore
    from obstore.exceptions import AlreadyExistsError, PreconditionError

    body = (remote.copy / key).read_bytes()
    commit = DELTA_LOG in key.split("/") and _is_commit(key.rsplit("/", 1)[-1])
    # A generation's files are never rewritten either: two writers numbering theirs alike
    # (the lock removed while one ran) cannot mix or replace each other's.
    try:
        return _put(remote, key, body, create=commit or _generation_of(key) is not None)
    except (AlreadyExistsError, PreconditionError):
        # Ours, sent by a publish stopped after it, or another writer's: never overwritten.
        if bytes(obstore.get(remote.objects, key).bytes()) != body:
            raise StoreError(
                f"cannot publish to the store at {remote.url}: {key} was written by another "
                "writer meanwhile (was its lock removed while this write ran?); this write was "
                "not published"
            ) from None
        return str(obstore.head(remote.objects, key)["e_tag"])


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: objects uploaded and deleted, and the ``CURRENT`` it sent."""

    uploaded: int
    deleted: int
    current: str | None


def publish_copy(
    remote: RemoteStore,
    lock: LockHolder | None = None,
    on_current: Callable[[str], None] | None = None,
) -> PublishResult:
    """Upload what changed in the working copy since the last sync, ``CURRENT`` last, then
    delete the objects the copy no longer holds (the caller holds both locks).

    ``CURRENT`` is sent only while the remote writer lock is still ``lock``'s: a writer
    whose lock was removed (``unlock``) and maybe taken by another never replaces what that
    other one published. ``on_current`` is told the generation as soon as ``CURRENT`` is
    sent, so that a command stopped during the deletions after it says the write landed.

    Raises:
        StoreError: when an upload fails (the remote keeps its previous generation), or a
            table commit of that number was published meanwhile by another writer (the lock
            was removed while this one wrote), or old objects could not be deleted after
            ``CURRENT`` was sent (the message says the write was published; the next write
            deletes them).
    """
    import obstore

    record = _Record.load(remote.copy)
    local = set(_local_files(remote.copy))
    changed = sorted(
        (key for key in local if key != CURRENT and not record.in_step(remote.copy, key)),
        key=_publish_order,
    )
    gone = sorted(key for key in record.entries if key not in local and key != CURRENT)
    data = [key for key in changed if _publish_order(key)[0] == 0]
    ordered = [key for key in changed if _publish_order(key)[0] > 0]
    current = None
    try:
        with remote.requests("upload to"):
            with ThreadPoolExecutor(_CONCURRENT_REQUESTS) as pool:
                for key, e_tag in zip(
                    data, pool.map(lambda key: _upload(remote, key), data), strict=True
                ):
                    record.note(remote.copy, key, e_tag)
            for key in ordered:  # one at a time: a log is never published with a gap
                record.note(remote.copy, key, _upload(remote, key))
            if (remote.copy / CURRENT).is_file() and not record.in_step(remote.copy, CURRENT):
                if lock is not None and _lock_token(remote) != lock.token:
                    raise StoreError(
                        f"cannot publish to the store at {remote.url}: its writer lock was "
                        "removed while this write ran (`unlock`), so another writer may have "
                        "written meanwhile; this write was not published: run it again"
                    )
                record.note(remote.copy, CURRENT, _upload(remote, CURRENT))
                current = (remote.copy / CURRENT).read_text(encoding="utf-8").strip()
                if on_current is not None:
                    on_current(current)
        if gone:
            try:
                with remote.requests("remove old objects of"):
                    obstore.delete(remote.objects, gone)
            except StoreError as error:
                if current is None:
                    raise
                # Still listed in the record: the next write deletes them.
                raise StoreError(
                    f"{error}; the write was published (generation {current} is current), "
                    f"but {len(gone)} objects it replaced are still there: the next write "
                    "or vacuum removes them"
                ) from error
            for key in gone:
                record.entries.pop(key, None)
    finally:
        record.save(remote.copy)
    return PublishResult(len(changed) + (current is not None), len(gone), current)


def _lock_token(remote: RemoteStore) -> str | None:
    holder = lock_holder(remote)
    return holder.token if holder is not None else None


@contextmanager
def copy_lock(remote: RemoteStore, wait: float) -> Iterator[bool]:
    """Hold the working copy's sync lock (one process changes a copy at a time); yields
    whether it was had within ``wait`` seconds."""
    remote.copy.mkdir(parents=True, exist_ok=True)
    lock = FileLock(_beside(remote.copy, SYNC_LOCK), preserve_lock_file=True, thread_local=False)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


# -- what the commands use --------------------------------------------------------------------


@dataclass
class WorkingStore:
    """The folder a command works on: the store itself, or a remote store's working copy."""

    path: Path
    before: str | None
    url: str | None = None
    published: PublishResult | None = None

    @property
    def name(self) -> str:
        """How messages name the store: its URL, else its folder."""
        return self.url or str(self.path)


def reading_store(value: str | Path, *, on_notice: Callable[[str], None] | None = None) -> Path:
    """The folder to read the store ``value`` from: itself, or its synced working copy.

    A copy another process on this machine is changing (a write, another sync) is read as
    it is after a short wait, with a notice: it is whole at every moment.

    Raises:
        StoreError: when the remote cannot be read or holds no store.
    """
    from analytics.pipeline.layout import store_location

    if not is_remote(value):
        return store_location(value)
    url = str(value)
    remote = open_remote(url)
    with copy_lock(remote, float(settings.value("store_sync_wait_seconds"))) as held:
        if not held:
            if on_notice is not None:
                on_notice(
                    f"the local copy of {url} is being updated by another process; "
                    "reading it as it is"
                )
            return remote.copy
        result = sync_copy(remote)
    if result.current is None:
        raise StoreError(f"there is no store at {url}: it holds no CURRENT generation")
    return remote.copy


@contextmanager
def writing_store(
    value: str | Path,
    *,
    wait: float,
    on_wait: Callable[[str], None],
) -> Iterator[WorkingStore]:
    """The folder to write the store ``value`` in: itself, or its working copy, synced
    under the remote writer lock and published when the block ends without an error.

    Parameters:
        wait: seconds to wait for another writer's lock.
        on_wait: told once when waiting.

    Raises:
        StoreError: when the lock is held past ``wait``, or the remote cannot be reached.
    """
    from analytics.pipeline.layout import current_generation, store_location

    if not is_remote(value):
        path = store_location(value)
        yield WorkingStore(path, current_generation(path))
        return
    url = str(value)
    remote = open_remote(url, create=True)
    with remote_lock(remote, wait, on_wait) as lock, copy_lock(remote, wait) as held:
        if not held:
            raise StoreError(
                f"the local copy of {url} at {remote.copy} is held by another process on this "
                f"machine after {wait:g} s; the store was not changed: try again later"
            )
        synced = sync_copy(remote, writer=True)
        working = WorkingStore(remote.copy, synced.current, url)
        yield working

        def sent(current: str) -> None:
            working.published = PublishResult(0, 0, current)

        working.published = publish_copy(remote, lock, sent)


# URL -> when this process last checked its remote CURRENT (``fresh_copy``).
_CHECKED: dict[str, float] = {}


def fresh_copy(url: str, *, every: float) -> Path:
    """The working copy of the store at ``url``, synced at the first call in this process
    and then whenever the remote ``CURRENT`` (one small request, at most every ``every``
    seconds) names another generation than the copy's: what a long-running reader (the
    dashboard) calls on every rerun.

    Raises:
        StoreError: when a sync is needed and the remote cannot be read or holds no store.
    """
    from analytics.pipeline.layout import current_generation

    copy = working_copy(url)
    now = time.monotonic()
    last = _CHECKED.get(url)
    if last is not None and now - last < every:
        return copy
    if last is not None and remote_generation(url) == current_generation(copy):
        _CHECKED[url] = now
        return copy
    path = reading_store(url)
    _CHECKED[url] = now
    return path


def remote_generation(value: str) -> str | None:
    """The generation the remote ``CURRENT`` names (one small GET), or ``None``."""
    try:
        remote = open_remote(value)
        with remote.requests("read"):
            current = _current_of(remote)
    except StoreError:
        return None
    return current.decode("utf-8", "replace").strip() or None if current is not None else None
