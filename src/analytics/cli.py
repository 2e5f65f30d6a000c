"""Command-line interface: ``python -m analytics`` or ``briefing-atlas``.

Every analytic the dashboard shows can be produced headless from a store::

    python -m analytics ingest data/sample --store /tmp/atlas
    python -m analytics ingest new/ --store /tmp/atlas --add
    python -m analytics ingest big/ --store /tmp/atlas --engine dask --workers 4
    python -m analytics ingest https://example.org/feed.xml --store /tmp/atlas --add
    python -m analytics watch feeds.txt --store /tmp/atlas --every 15m
    python -m analytics export relations --store /tmp/atlas --freq month --out relations.csv
    python -m analytics info --store /tmp/atlas
    python -m analytics vacuum --store /tmp/atlas --keep 3
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.errors import AnalyticsError, InputError
from analytics.pipeline import (
    ENGINE_NAMES,
    IngestSummary,
    Stopper,
    Store,
    current_generation,
    ensure_store,
    is_feed_url,
    list_generations,
    migrate_store,
    open_engine,
    open_store,
    parse_interval,
    read_feed_list,
    save_feed,
    store_location,
    vacuum_store,
    watch,
)
from analytics.pipeline.exports import (
    EXPORTS,
    ExportOptions,
    export_table,
    parse_kinds,
    write_export,
)
from analytics.pipeline.lock import current_writer
from analytics.pipeline.remote import (
    WorkingStore,
    is_remote,
    lock_holder,
    open_remote,
    reading_store,
    unlock,
    working_copy,
    writing_store,
)

# Exit code of a command stopped with Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def _cmd_ingest(args: argparse.Namespace) -> int:
    if args.topics is not None and args.topics < 1:
        # Said before any input is read: the topic stage would find it minutes later.
        raise InputError(f"--topics must be a positive number of topics; got {args.topics!r}")

    def show(fraction: float, message: str) -> None:
        if not args.quiet:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

    working: WorkingStore | None = None
    try:
        with writing_store(args.store, wait=args.wait, on_wait=_say) as opened:
            working = opened
            store, summary = _ingest_into(opened.path, args, show)
    except KeyboardInterrupt:
        print(_interrupted(args.store, working), file=sys.stderr)
        return EXIT_INTERRUPTED
    assert working is not None
    if working.published is not None and not args.quiet:
        _say(
            f"published to {working.url}: {working.published.uploaded} objects uploaded"
            + (f", {working.published.deleted} removed" if working.published.deleted else "")
        )
    print(summary.describe())
    if args.follow_up:
        from analytics.pipeline.follow_ups import keep_follow_up

        print(keep_follow_up(working.path))
    if summary.stage_seconds:
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in summary.stage_seconds.items())
        print(f"stages: {stages}")
    skipped = store.table("report")
    skipped = skipped[skipped[S.STATUS] == S.SKIPPED]
    for row in skipped.head(20).itertuples(index=False):
        where = f"{row.file}" + (f" row {row.row}" if pd.notna(row.row) else "")
        print(f"skipped {where}: {row.reason}")
    if len(skipped) > 20:
        print(f"... and {len(skipped) - 20} more skipped; see `export report`")
    return 0


def _ingest_into(
    store_dir: Path, args: argparse.Namespace, show: Callable[[float, str], None]
) -> tuple[Store, IngestSummary]:
    """Run the ingest ``args`` ask for into the store folder ``store_dir``."""
    # A feed URL is fetched once and kept in the store folder, then read as a saved feed.
    paths: list[Path] = []
    saved: list[Path] = []
    try:
        for path in args.paths:
            if is_feed_url(path):
                saved.append(save_feed(path, store_dir, wait=args.wait))
            paths.append(saved[-1] if is_feed_url(path) else Path(path))
    except AnalyticsError:
        for kept in saved:  # a later feed failed: the ingest does not happen, keep nothing
            kept.unlink(missing_ok=True)
        raise
    with open_engine(
        args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        partitions=args.partitions,
        on_notice=None if args.quiet else _say,
    ) as engine:
        return ensure_store(
            paths,
            store_dir,
            manifest=args.manifest,
            columns=dict(args.column or []),
            n_topics=args.topics if args.topics is not None else "auto",
            refit=args.refit or args.rebuild,
            add=args.add,
            replace=args.replace or args.rebuild,
            wait=args.wait,
            on_wait=_say,
            on_notice=_say,
            progress=show,
            engine=engine,
            batch_mb=args.batch_mb,
        )


def _interrupted(value: str, working: WorkingStore | None) -> str:
    """What an interrupted write left: the store unchanged, or holding its result."""
    if working is not None and working.url is not None:
        if working.published is None or working.published.current is None:
            return f"interrupted: the store at {value} is unchanged (nothing was published)"
    elif working is None or current_generation(working.path) == working.before:
        return f"interrupted: the store at {value} is unchanged"
    return (
        f"interrupted after the new generation of {value} was made current: "
        "the store holds this ingest's result"
    )


def _say(message: str) -> None:
    """A message said even with --quiet: waiting on the lock, migrating the store."""
    print(message, file=sys.stderr, flush=True)


def _cmd_watch(args: argparse.Namespace) -> int:
    urls = read_feed_list(args.feeds)
    every = parse_interval(args.every)
    stopper = Stopper()

    def log(line: str) -> None:
        stamp = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{stamp} {line}", flush=True)

    def on_interrupt(signum: int, frame: object) -> None:
        if stopper.stopped:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now (an ingest stays atomic)
        stopper.stop()
        print("stopping after this poll (Ctrl-C again to stop at once)", file=sys.stderr)

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_interrupt) if in_main else None
    try:
        results = watch(
            urls,
            _watched_copy(args.store, args.wait),
            every=every,
            once=args.once,
            log=log,
            stopper=stopper,
            wait=args.wait,
            follow_up=args.follow_up,
            around_poll=_poll_context(args.store, args.wait),
        )
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    if not args.once:
        added = sum(result.n_new for result in results)
        print(
            f"watch stopped after {len(results)} poll{'s' if len(results) != 1 else ''} "
            f"({added} item{'s' if added != 1 else ''} added); "
            "the store holds every completed poll",
            file=sys.stderr,
        )
    return 0


def _watched_copy(value: str, wait: float) -> Path:
    """The folder a watch keeps: the store, or a remote store's working copy, synced."""
    if not is_remote(value):
        return store_location(value)
    with writing_store(value, wait=wait, on_wait=_say) as working:
        return working.path


def _poll_context(value: str, wait: float) -> Callable[[], AbstractContextManager[object]] | None:
    """For a remote store: each poll syncs under the remote writer lock and publishes."""
    if not is_remote(value):
        return None
    return lambda: writing_store(value, wait=wait, on_wait=_say)


def _cmd_export(args: argparse.Namespace) -> int:
    from analytics.views import provenance_lines, to_csv

    store = open_store(reading_store(args.store, on_notice=_say), as_of=args.as_of)
    options = ExportOptions(
        freq=args.freq,
        include_forward=args.include_forward,
        kinds=parse_kinds(args.kinds) if args.kinds else None,
        topics=args.topics,
    )
    table = export_table(store, args.what, options)
    description = EXPORTS[args.what][1]
    provenance = None
    if args.provenance:
        asked = {"store": args.store if is_remote(args.store) else str(store.path.resolve())}
        if args.as_of is not None:
            asked["generation"] = str(args.as_of)
        if args.what == "relations":
            asked["period"] = args.freq
            asked["forward-looking included"] = str(args.include_forward).lower()
        if args.kinds:
            asked["kinds"] = args.kinds
        if args.topics is not None:
            asked["topics"] = str(args.topics)
        provenance = provenance_lines(
            filters=asked,
            fingerprint=store.fingerprint,
            versions=store.meta.get("versions", {}),
            title=f"{args.what}: {description}",
        )
    data = to_csv(table, provenance=provenance)
    to_stdout = _is_standard_output(args.out)
    try:
        if to_stdout:
            # Through this process's own stream: reopening it would write over what the
            # stream writes next, and the count below would become a last CSV row.
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            write_export(data, args.out, store.path)
    except OSError as error:
        reason = _os_reason(error, with_file=False)
        raise InputError(f"--out cannot be written ({reason}); got {str(args.out)!r}") from error
    print(f"wrote {len(table)} rows to {args.out}", file=sys.stderr if to_stdout else sys.stdout)
    return 0


def _is_standard_output(out: Path) -> bool:
    """Whether ``out`` is where this process's standard output goes: ``-`` (the usual
    name of standard output on a command line) or a path to it (``/dev/stdout``)."""
    if str(out) == "-":
        return True
    try:
        there, here = os.stat(out), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False  # no such file, or an output stream without a file (tests)
    return (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino)


def _cmd_info(args: argparse.Namespace) -> int:
    store = open_store(reading_store(args.store, on_notice=_say))
    meta = store.meta
    if is_remote(args.store):
        print(f"store: {args.store} (format {store.format}; local copy {store.path})")
        holder = lock_holder(open_remote(args.store))
        if holder is not None:
            print(f"writer lock: held by {holder.describe()}")
    else:
        print(f"store: {store.path} (format {store.format})")
        writer = current_writer(store.path)
        if writer is not None:
            print(f"writer lock: held by {writer.work} ({writer.describe()})")
    print(f"generation: {store.generation.name} created {meta.get('created')}")
    print(f"corpus fingerprint: {store.fingerprint}")
    n_files = store.verify()
    if store.checksummed:
        print(f"checksums: verified ({n_files} files: every data file and the topic model)")
    else:
        print(
            f"checksums: not recorded (store written before checksums; {n_files} files "
            "checked for presence and size only)"
        )
    for name, table in meta.get("tables", {}).items():
        if "version" in table:
            files = len(table.get("files", {}))
            print(
                f"  {name}: {table['rows']} rows, Delta version {table['version']}, "
                f"{files} file{'s' if files != 1 else ''}"
            )
        else:
            parts = len(table.get("parts", [None]))
            print(f"  {name}: {table['rows']} rows in {parts} part{'s' if parts > 1 else ''}")
    print("generations (export an older one with --as-of NUMBER):")
    for generation in list_generations(store.path):
        inputs = ", ".join(Path(path).name for path in generation.paths[:3])
        if len(generation.paths) > 3:
            inputs += f" and {len(generation.paths) - 3} more"
        print(
            f"  {'*' if generation.current else ' '} {generation.number}  {generation.created}  "
            f"{generation.n_briefings} briefings  {generation.mode or 'ingest'}  inputs: {inputs}"
        )
    return 0


def _cmd_follow_up(args: argparse.Namespace) -> int:
    from analytics.pipeline.follow_ups import keep_follow_up

    print(keep_follow_up(reading_store(args.store, on_notice=_say)))
    return 0


def _cmd_index(args: argparse.Namespace) -> int:
    from analytics.pipeline.text_index import index_store

    root = reading_store(args.store, on_notice=_say)
    notice, seconds = index_store(root, wait=args.wait, on_wait=_say)
    where = f"{args.store} (local copy {root})" if is_remote(args.store) else str(root)
    print(f"{where}: {notice} ({seconds:.1f} s)")
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    with writing_store(args.store, wait=args.wait, on_wait=_say) as working:
        store, migrated = migrate_store(working.path, wait=args.wait, on_wait=_say, notify=_say)
    if not migrated:
        print(f"the store at {store.path} is already of format {store.format}: nothing to do")
    else:
        print(f"migrated: generation {store.generation.name} holds every table as Delta tables")
    return 0


def _cmd_vacuum(args: argparse.Namespace) -> int:
    with writing_store(args.store, wait=args.wait, on_wait=_say) as working:
        result = vacuum_store(working.path, keep=args.keep, wait=args.wait, on_wait=_say)
    print(result.describe())
    if working.published is not None and working.published.deleted:
        print(f"removed {working.published.deleted} objects from {working.url}")
    return 0


def _cmd_unlock(args: argparse.Namespace) -> int:
    holder = unlock(args.store)
    if holder is None:
        print(f"the store at {args.store} has no writer lock: nothing to remove")
    else:
        print(f"removed the writer lock of {args.store} ({holder.describe()})")
    return 0


def _os_reason(error: OSError, *, with_file: bool = True) -> str:
    """An operating-system error in words, without a traceback."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "permission denied"
    elif error.errno == errno.ENOENT:
        reason = "no such file or folder"
    elif error.errno == errno.EISDIR:
        reason = "it is a folder"
    else:
        reason = (error.strerror or type(error).__name__).lower()
    return f"{reason}: {error.filename}" if error.filename and with_file else reason


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0; got {value!r}")
    return seconds


def _generation(value: str) -> int:
    """A generation as ``info`` shows it: its number (``3``) or its name (``gen-000003``)."""
    from analytics.pipeline.layout import GENERATION_NAME

    named = GENERATION_NAME.fullmatch(value.strip())
    text = named.group(1) if named else value.strip()
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"expected a generation as `info` lists it, a number such as 3 or a name such as "
            f"gen-000003; got {value!r}"
        )
    return int(text)


def _cmd_settings(args: argparse.Namespace) -> int:
    from analytics.settings import describe

    for line in describe():
        print(line)
    return 0


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number; got {value!r}")
    return number


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of 0 or more; got {value!r}")
    return number


def _column_pair(value: str) -> tuple[str, str]:
    role, sep, name = value.partition("=")
    roles = ("id", "text", "date", "title", "source", "url")
    if not sep or role not in roles or not name:
        raise argparse.ArgumentTypeError(
            f"expected ROLE=COLUMN with ROLE one of {', '.join(roles)}; got {value!r}"
        )
    return role, name


_STORE_HELP = (
    "store folder, a file:///absolute/path URL, or a store on an object store "
    "(s3://BUCKET/PATH, gs://BUCKET/PATH, az://CONTAINER/PATH; worked on in a local "
    "copy, see README)"
)


def _wait_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=_seconds,
        default=settings.value("store_wait_seconds"),
        metavar="SECONDS",
        help="how long to wait for another writer of the same store (an ingest, a vacuum, "
        "an index build) to finish "
        f"(default: {settings.value('store_wait_seconds'):g}); on timeout the store is "
        "unchanged and the exit code is 2",
    )


def _follow_up_argument(parser: argparse.ArgumentParser, when: str) -> None:
    parser.add_argument(
        "--follow-up",
        action="store_true",
        help=f"{when}, work out the follow-up of every expected event and keep it in the "
        "store, so the Watchlist page and `export watchlist` read it instead of working it "
        "out (tens of seconds per 100,000 briefings)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analytics``."""
    parser = argparse.ArgumentParser(
        prog="briefing-atlas",
        description="Briefing Atlas: countries, topics, tensions and alliances in news briefings.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="load briefings into a store and compute every artefact",
        description="Load files or folders of briefings (txt, md, csv, tsv, jsonl, json, parquet, "
        "rss, atom, xml feeds) or feed URLs into a store. Unchanged inputs do no work; added "
        "files are processed alone.",
    )
    ingest.add_argument(
        "paths",
        nargs="+",
        help="briefing files or folders, or feed URLs (http:// or https://: fetched once and "
        "kept in the store folder under feeds/)",
    )
    ingest.add_argument("--store", required=True, help=_STORE_HELP)
    ingest.add_argument(
        "--manifest", type=Path, help="CSV/JSON giving date, title, source per file"
    )
    ingest.add_argument(
        "--column",
        action="append",
        type=_column_pair,
        metavar="ROLE=COLUMN",
        help="name a table column explicitly, e.g. --column text=body (repeatable)",
    )
    ingest.add_argument("--topics", type=int, help="fixed number of topics (default: automatic)")
    ingest.add_argument("--refit", action="store_true", help="refit topics on the whole corpus")
    mode = ingest.add_mutually_exclusive_group()
    mode.add_argument(
        "--add",
        action="store_true",
        help="keep the stored briefings and add these inputs (earlier inputs need not be named)",
    )
    mode.add_argument(
        "--replace",
        action="store_true",
        help="rebuild the store from exactly these inputs, dropping briefings of inputs not "
        "named; also rebuilds a damaged store. Without --add or --replace, an ingest that "
        "would drop stored briefings is refused",
    )
    mode.add_argument(
        "--rebuild",
        action="store_true",
        help="recompute everything from exactly these inputs (--replace with --refit)",
    )
    _wait_argument(ingest)
    ingest.add_argument(
        "--batch-mb",
        type=_non_negative_float,
        metavar="MB",
        help="read and process inputs above this many MB in batches of whole files of about "
        "this size, one generation each, so memory stays bounded (0: in one go; default: the "
        "ingest_batch_mb setting)",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress messages")
    _follow_up_argument(ingest, "after the ingest")
    ingest.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        help="where the stages run: local (this process) or dask (a Dask cluster; needs the "
        "dask extra); default: the ingest_engine setting",
    )
    cluster = ingest.add_mutually_exclusive_group()
    cluster.add_argument(
        "--workers",
        type=_positive_int,
        help="dask: worker processes of a local cluster started for this ingest "
        "(default: the dask_workers setting)",
    )
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask: address of a running scheduler, e.g. tcp://10.0.0.5:8786",
    )
    ingest.add_argument(
        "--partitions",
        type=_positive_int,
        help="dask: partitions the briefings are split into "
        "(default: dask_partitions_per_worker per worker)",
    )
    ingest.set_defaults(handler=_cmd_ingest)

    watcher = commands.add_parser(
        "watch",
        help="keep a store current from RSS/Atom feeds: poll them and append new items",
        description="Poll every feed of FEEDS (one http(s) URL per line, # comments) with "
        "conditional requests, append the items not stored yet (by id) and log one line per "
        "feed per poll. A failing feed is retried next poll, then backs off; Ctrl-C stops "
        "between polls.",
    )
    watcher.add_argument("feeds", type=Path, help="text file of feed URLs, one per line")
    watcher.add_argument("--store", required=True, help=_STORE_HELP)
    watcher.add_argument(
        "--every", default="15m", help="time between polls, e.g. 90s, 15m, 1h (default: 15m)"
    )
    watcher.add_argument("--once", action="store_true", help="poll once and exit (for cron)")
    watcher.add_argument(
        "--wait",
        type=_seconds,
        default=settings.value("store_wait_seconds"),
        metavar="SECONDS",
        help="how long a poll waits for an ingest into the same store to finish",
    )
    _follow_up_argument(watcher, "after each poll that appends items")
    watcher.set_defaults(handler=_cmd_watch)

    export = commands.add_parser(
        "export",
        help="write one table of a store as CSV",
        description="Tables: "
        + "; ".join(f"{name}: {text}" for name, (_, text) in EXPORTS.items()),
    )
    export.add_argument("what", choices=sorted(EXPORTS), help="which table")
    export.add_argument("--store", required=True, help=_STORE_HELP)
    export.add_argument(
        "--as-of",
        type=_generation,
        metavar="GENERATION",
        help="export from this older generation (as `info` lists them: 3 or gen-000003)",
    )
    export.add_argument(
        "--out", required=True, type=Path, help="CSV file to write (- for standard output)"
    )
    export.add_argument("--freq", default="month", choices=S.FREQUENCIES, help="period (relations)")
    export.add_argument(
        "--include-forward",
        action="store_true",
        help="count forward-looking interactions in relations (default: what happened only)",
    )
    export.add_argument("--kinds", help="mention kinds that count, e.g. name,alias,demonym")
    export.add_argument("--topics", type=int, help="refit with this many topics for the export")
    export.add_argument(
        "--provenance", action="store_true", help="start the CSV with '# ' provenance lines"
    )
    export.set_defaults(handler=_cmd_export)

    info = commands.add_parser(
        "info",
        help="describe a store: generation, tables, a check of every checksum, and its history",
    )
    info.add_argument("--store", required=True, help=_STORE_HELP)
    info.set_defaults(handler=_cmd_info)

    following = commands.add_parser(
        "follow-up",
        help="work out the follow-up of every expected event of a store and keep it there",
        description="The Watchlist page and `export watchlist` then read it instead of "
        "working it out (ingest and watch do the same with --follow-up). Nothing is done "
        "when the store keeps it already.",
    )
    following.add_argument("--store", required=True, help=_STORE_HELP)
    following.set_defaults(handler=_cmd_follow_up)

    indexing = commands.add_parser(
        "index",
        help="build a store's text index where it lacks one or it is out of date",
        description="An ingest builds the index of the store it writes. A copy of a store on "
        "an object store (another machine's dashboard) has none until this builds it there "
        "(the index is never uploaded); until then its searches read every text, with the "
        "same results. Nothing is done when the index holds the store's generation.",
    )
    indexing.add_argument("--store", required=True, help=_STORE_HELP)
    _wait_argument(indexing)
    indexing.set_defaults(handler=_cmd_index)

    migrate = commands.add_parser(
        "migrate",
        help="rewrite a store of an older format (Parquet parts) as Delta tables, once",
        description="The first ingest into an older store migrates it anyway; this does it "
        "alone. Every table and row is kept.",
    )
    migrate.add_argument("--store", required=True, help=_STORE_HELP)
    _wait_argument(migrate)
    migrate.set_defaults(handler=_cmd_migrate)

    vacuum = commands.add_parser(
        "vacuum",
        help="remove old generations and the data files only they need",
        description="Keeps the newest --keep generations (the current one and those just "
        "before it) and every file they need; removes older generations and files.",
    )
    vacuum.add_argument("--store", required=True, help=_STORE_HELP)
    vacuum.add_argument(
        "--keep",
        type=int,
        default=2,
        metavar="N",
        help="generations to keep, at least 2: the current one and the previous (default: 2)",
    )
    _wait_argument(vacuum)
    vacuum.set_defaults(handler=_cmd_vacuum)

    unlocking = commands.add_parser(
        "unlock",
        help="remove the writer lock of a store on an object store whose writer is gone",
        description="A writer into a store on an object store holds a lock object there "
        "while it writes; a writer killed without releasing it leaves it, and later writers "
        "wait for it. Remove it only when that writer (named by `info` and by the waiting "
        "writer's message) is no longer running.",
    )
    unlocking.add_argument("--store", required=True, help="the store's object-store URL")
    unlocking.set_defaults(handler=_cmd_unlock)

    listing = commands.add_parser(
        "settings", help="list every setting with its environment variable and default"
    )
    listing.set_defaults(handler=_cmd_settings)
    return parser


def _named_by_url(message: str, store: str | None) -> str:
    """``message`` naming a store on an object store by its URL rather than its working copy:
    a command the message suggests (``--rebuild``) must reach the store, not the copy."""
    if store is None or not is_remote(store):
        return message
    try:
        copy = str(working_copy(store))
    except AnalyticsError:
        return message
    return message.replace(copy, store)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except AnalyticsError as error:
        print(f"error: {_named_by_url(str(error), getattr(args, 'store', None))}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {_os_reason(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
