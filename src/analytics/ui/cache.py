"""Load the unfiltered corpus once and keep it: the data-loading edge of the app.

The store's artefacts are cached process-wide (``st.cache_resource``) by store
folder and corpus fingerprint, so a filter change never reloads them. A corpus
uploaded in the browser lives only in that session's ``st.session_state``.

Where the data comes from (first match wins):
``streamlit run dashboard.py -- --store DIR --corpus PATH`` or the environment
variables ``BRIEFING_ATLAS_STORE`` / ``BRIEFING_ATLAS_CORPUS``; by default the
bundled sample corpus processed into ``.atlas-store``. Tests may set
``BRIEFING_ATLAS_ARTEFACTS_HOOK=module:function`` to serve a hand-built corpus.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import importlib
import inspect
import os
import sys
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from analytics import schema as S
from analytics import settings
from analytics.artefacts import Artefacts
from analytics.errors import AnalyticsError, InputError, StoreError
from analytics.parallel import limit_heap_arenas
from analytics.parallel import release_freed_memory as collect_and_trim
from analytics.ui.state import View

if TYPE_CHECKING:
    from analytics.pipeline import Store
from analytics.views import (
    BriefingListing,
    CorpusFigures,
    CorpusIndex,
    EventLookup,
    FilterOptions,
    Outlook,
    StoreRows,
    TableCodes,
    corpus_figures,
    country_names,
    event_lookup,
    filter_options,
    followed_events,
    held_events,
    index_corpus,
    outlook,
    rolled_up,
)

T = TypeVar("T")
UPLOAD_KEY = "_atlas_upload"
UPLOAD_NAME_KEY = "_atlas_upload_name"


def upload_types() -> list[str]:
    """What the file picker accepts: every suffix the loader reads, and zip files, each
    with its dot (without it, "text" would be taken for every text type)."""
    from analytics.ingest.uploads import UPLOAD_SUFFIXES

    return list(UPLOAD_SUFFIXES)


UPLOAD_OPTIONS_KEY = "_atlas_upload_options"
UPLOAD_FOLLOWED_KEY = "_atlas_upload_followed"
SOURCE_KEY = "corpus_source"
# Tests and demos: "module:function" returning an Artefacts, used instead of the store.
HOOK_ENV = settings.setting("artefacts_hook").env
# The store generation this session's data comes from (compared with the store's own).
GENERATION_KEY = "_atlas_store_generation"
SAMPLE = "Bundled corpus"
UPLOADED = "Your upload"


@dataclass(frozen=True)
class CorpusConfig:
    """Where the bundled corpus and its store are."""

    corpus_paths: tuple[Path, ...]
    store_dir: Path
    # A store on an object store: its URL (``store_dir`` is then its local working copy).
    store_url: str | None = None


def corpus_config(argv: list[str] | None = None) -> CorpusConfig:
    """Read ``--corpus``/``--store`` from the script arguments, else the environment.

    Raises:
        StoreError: when the store is given as a URL of another scheme.
    """
    from analytics.paths import sample_corpus_dir
    from analytics.pipeline import default_store_dir, store_location
    from analytics.pipeline.remote import is_remote

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--corpus", action="append", default=None)
    parser.add_argument("--store", default=None)
    known, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    corpus = known.corpus or [p for p in str(settings.value("corpus")).split(os.pathsep) if p]
    paths = tuple(Path(p) for p in corpus) or (sample_corpus_dir(),)
    store = store_location(known.store) if known.store else default_store_dir()
    given = known.store or settings.value("store_dir")
    url = str(given) if given and is_remote(str(given)) else None
    return CorpusConfig(corpus_paths=paths, store_dir=store, store_url=url)


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_artefacts(store_dir: str, fingerprint: str, lean: bool) -> Artefacts:
    from analytics.pipeline import WatchedTextIndex, open_store, read_rollups
    from analytics.pipeline.lean import read_lean

    store = open_store(store_dir)
    # Search reads the store's text index when it holds this generation (also one built
    # after this was read), else scans; the unfiltered views read its rollups when it has
    # them, else count.
    artefacts = dataclasses.replace(
        read_lean(store) if lean else store.artefacts(),
        text_index=WatchedTextIndex(store),
        rollups=read_rollups(store),
    )
    # What is loaded now lives as long as the server: the collector need not scan it again
    # (``release_freed_memory`` collects after every run, which then costs milliseconds).
    gc.freeze()
    return artefacts


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_rows(store_dir: str, fingerprint: str) -> StoreRows | None:
    from analytics.pipeline import PARTS_FORMATS, open_store

    store = open_store(store_dir)
    # A newer generation landed meanwhile, or an older format: select in memory this run.
    if store.fingerprint != fingerprint or store.format in PARTS_FORMATS:
        return None
    return StoreRows(store)


def row_selection(artefacts: Artefacts) -> StoreRows | None:
    """How this run selects filtered rows: ``StoreRows`` (DuckDB over the store) or ``None``.

    Stores of at least ``duckdb_from_briefings`` briefings are selected with SQL over
    their Parquet files; smaller ones, uploads and hook corpora in memory.
    """
    if artefacts is uploaded_artefacts() or settings.value("artefacts_hook"):
        return None
    if len(artefacts.briefings) < int(settings.value("duckdb_from_briefings")):
        return None
    return _store_rows(str(corpus_config().store_dir), artefacts.fingerprint)


@st.cache_resource(show_spinner=False, max_entries=2)
def _hook_artefacts(hook: str) -> Artefacts:
    module_name, _, function_name = hook.partition(":")
    factory = getattr(importlib.import_module(module_name), function_name)
    return factory()


@dataclass(frozen=True)
class CorpusExtras:
    """What every run needs from the unfiltered corpus, computed once per corpus."""

    options: FilterOptions
    names: dict[str, str]
    index: CorpusIndex
    listing: BriefingListing  # views.briefing_list of the whole corpus, built on first use
    whole: CorpusFigures  # headline figures of the unfiltered corpus


def _extras(artefacts: Artefacts) -> CorpusExtras:
    index = index_corpus(artefacts)
    return CorpusExtras(
        options=filter_options(artefacts, index),
        names=country_names(artefacts),
        index=index,
        listing=BriefingListing(artefacts, index.positions),
        whole=corpus_figures(artefacts),
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_extras(fingerprint: str, lean: bool, _artefacts: Artefacts) -> CorpusExtras:
    return _extras(_artefacts)


def corpus_extras(artefacts: Artefacts) -> CorpusExtras:
    """Filter options, names, lookups and listing of a corpus, computed once per corpus."""
    if artefacts is uploaded_artefacts():
        # An upload stays private: memoised in its own session, never in a global cache.
        memo = st.session_state.get(UPLOAD_OPTIONS_KEY)
        if memo is None:
            memo = _extras(artefacts)
            st.session_state[UPLOAD_OPTIONS_KEY] = memo
        return memo
    # The lookups of a lean corpus are not those of the same corpus held whole.
    return _cached_extras(artefacts.fingerprint, artefacts.reader is not None, artefacts)


# The follow-up reads every report sentence of the corpus: seconds per ten thousand
# briefings, so the first view of a corpus says what it waits for.
FOLLOWING_UP = "Following up every expected event in the later briefings (once per corpus)…"


class FollowedEvents(NamedTuple):
    """A corpus' followed events as the Watchlist page holds them.

    Attributes:
        events: every expected event with its follow-up; of a lean corpus, only the
            columns the page selects and counts on (``views.held_events``).
        texts: a lean corpus' whole follow-up, mapped from its store, which the other
            columns are taken from by row (``views.with_event_texts``); ``None``: held whole.
    """

    events: pd.DataFrame
    texts: pa.Table | None


@st.cache_resource(show_spinner=FOLLOWING_UP, max_entries=8)
def _cached_followed(
    fingerprint: str, store_dir: str | None, lean: bool, _artefacts: Artefacts
) -> FollowedEvents:
    if store_dir is None:
        return FollowedEvents(followed_events(_artefacts), None)
    if lean:
        from analytics.pipeline.lean import mapped_follow_up

        texts = mapped_follow_up(_artefacts)
        return FollowedEvents(held_events(texts), texts)
    from analytics.pipeline.follow_ups import follow_up_of

    # Kept in the store by the first reader (or by `watch --follow-up`): read, not redone.
    return FollowedEvents(follow_up_of(Path(store_dir), _artefacts), None)


def _followed(artefacts: Artefacts) -> FollowedEvents:
    if artefacts is uploaded_artefacts():
        memo = st.session_state.get(UPLOAD_FOLLOWED_KEY)
        if memo is None or memo[0] != artefacts.fingerprint:
            with st.spinner(FOLLOWING_UP):
                memo = (artefacts.fingerprint, followed_events(artefacts))
            st.session_state[UPLOAD_FOLLOWED_KEY] = memo
        return FollowedEvents(memo[1], None)
    from_store = corpus_source(artefacts) is not None
    store_dir = str(corpus_config().store_dir) if from_store else None
    lean = from_store and artefacts.reader is not None
    return _cached_followed(artefacts.fingerprint, store_dir, lean, artefacts)


def follow_up_pending(artefacts: Artefacts) -> str | None:
    """Why the Watchlist page does not work out the follow-up of a store's corpus itself,
    or ``None`` when it does or need not: a corpus of more briefings than the setting
    ``dashboard_follow_up_briefings`` whose store keeps no follow-up would hold the page
    (and the server's memory) for many minutes; the message says how to keep it."""
    if artefacts is uploaded_artefacts() or corpus_source(artefacts) is None:
        return None
    briefings = len(artefacts.briefings)
    if briefings <= int(settings.value("dashboard_follow_up_briefings")):
        return None
    from analytics.pipeline.follow_ups import follow_up_is_kept

    store_dir = corpus_config().store_dir
    if follow_up_is_kept(Path(store_dir), artefacts):
        return None
    return (
        f"The follow-up of these {briefings:,} briefings is not kept in the store yet. "
        "Working it out reads every later report of every expected event, which takes many "
        "minutes at this size (about 40 at a million briefings on two cores), too long for "
        f"the page to do while you wait. Keep it once with `python -m analytics follow-up "
        f"--store {store_dir}` (ingest and watch do it with `--follow-up`), then reload."
    )


def watchlist_followed(artefacts: Artefacts) -> pd.DataFrame:
    """Every expected event of a corpus with its follow-up, worked out once per corpus.

    The follow-up reads the whole corpus whatever the filters, so it is kept per corpus
    fingerprint; a store's is also kept in the store (``pipeline.follow_ups``), so other
    server processes and restarts read it; an upload's stays in its own session. A lean
    corpus' events hold only the columns the page selects and counts on
    (``views.held_events``): ``watchlist_texts`` gives the rest.
    """
    return _followed(artefacts).events


@st.cache_resource(show_spinner=False, max_entries=16)
def _whole_outlook(
    fingerprint: str,
    lean: bool,
    as_of: pd.Timestamp,
    horizon: str,
    bars: int,
    _events: pd.DataFrame,
    _names: dict[str, str],
) -> Outlook:
    return outlook(_events, as_of, horizon, _names, bars)


def watchlist_outlook(
    view: View, events: pd.DataFrame, as_of: pd.Timestamp, horizon: str, bars: int
) -> Outlook:
    """``views.outlook`` of ``events`` (``views.selected_events``), kept per corpus while
    they are every followed event of it (nothing filtered): the upcoming and overdue
    events of a large corpus are sorted and counted once, not on every rerun. An upload's
    is worked out each time, as its other views are. A corpus read lean holds fewer
    columns of its events than the same corpus held whole: each has its own."""
    corpus = view.corpus
    if corpus is not uploaded_artefacts() and events is watchlist_followed(corpus):
        lean = corpus.reader is not None
        return _whole_outlook(corpus.fingerprint, lean, as_of, horizon, bars, events, view.names)
    return outlook(events, as_of, horizon, view.names, bars)


def watchlist_texts(artefacts: Artefacts) -> pa.Table | None:
    """A lean corpus' whole follow-up, mapped from its store: the sentences and evidence
    of the events a view shows (``views.with_event_texts``); ``None`` when held whole."""
    return _followed(artefacts).texts


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_lookup(fingerprint: str, _artefacts: Artefacts, _events: pd.DataFrame) -> EventLookup:
    positions = None
    if _artefacts.reader is not None:  # lean: the events' positions kept beside them
        from analytics.pipeline.lean import follow_up_positions

        positions = follow_up_positions(_artefacts, _events[S.BRIEFING_ID])
    return event_lookup(_events, _artefacts.briefings[S.BRIEFING_ID], positions)


def watchlist_lookup(artefacts: Artefacts, followed: pd.DataFrame) -> EventLookup:
    """Where each followed event of a corpus stands (``views.event_lookup`` over the
    corpus' briefings), built once per corpus: a filter change is then array indexing."""
    if artefacts is uploaded_artefacts():
        return event_lookup(followed, artefacts.briefings[S.BRIEFING_ID])
    return _cached_lookup(artefacts.fingerprint, artefacts, followed)


class CallKey(NamedTuple):
    """What a cached view result depends on besides the corpus: the function and its arguments.

    Attributes:
        function: the function's module and qualified name.
        arguments: ``(parameter, value)`` for every parameter, defaults filled in; a table
            of the view (or its codes) stands as its name, e.g. ``"table:countries"``.
    """

    function: str
    arguments: tuple[tuple[str, Hashable], ...]


def call_key(view: View, function: Callable[..., Any], *args: Any, **kwargs: Any) -> CallKey:
    """The cache key of ``function(*args, **kwargs)`` on ``view``'s corpus.

    The key is derived, never typed: the function's qualified name and every argument
    bound to its parameter (so ``limit=200`` and a positional ``200`` are one entry, and
    two limits two entries). Tables and table codes are named by what they are in the
    view (``FilteredCorpus.name_of``): unfiltered, a name holds the same rows for a given
    corpus fingerprint, which the cache keys on as well.

    Raises:
        InputError: for a lambda or local function (its name does not identify it), a
            table or array that is not one of the view's, or an unhashable argument.
    """
    name = f"{function.__module__}.{function.__qualname__}"
    if "<" in function.__qualname__:
        raise InputError(f"cached views need a module-level function; got {name!r}")
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return CallKey(
        name,
        tuple(
            (parameter, _key_part(view, parameter, value))
            for parameter, value in bound.arguments.items()
        ),
    )


def _key_part(view: View, parameter: str, value: Any) -> Hashable:
    if isinstance(value, pd.DataFrame | pd.Series | np.ndarray | TableCodes):
        table = view.filtered.name_of(value)
        if table is None:
            raise InputError(
                f"a cached view's tables must be the view's own (view.filtered.<table> or "
                f"view.filtered.codes(<table>)); got another {type(value).__name__} "
                f"for {parameter!r}"
            )
        return f"table:{table}"
    if isinstance(value, list | tuple):
        return tuple(_key_part(view, parameter, item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key_part(view, parameter, v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        raise InputError(
            f"a cached view's arguments must be tables of the view or hashable values; "
            f"got {type(value).__name__} for {parameter!r}"
        ) from None
    return value


@st.cache_resource(show_spinner=False, max_entries=64)
def _unfiltered_result(fingerprint: str, key: CallKey, _compute: Callable[[], Any]) -> Any:
    return _compute()


def unfiltered(view: View, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)``, kept per corpus while nothing is filtered.

    An unfiltered view draws the same tables on every rerun (and in every session), so
    they are read from the store's rollups when these hold the call (``views.rolled_up``),
    else computed once per corpus fingerprint and ``call_key`` (the function and its
    arguments). With any filter set, or on an uploaded corpus (which stays private), the
    function just runs. Results are shared: views never modify the tables they are given.

    Raises:
        InputError: when the call cannot be keyed (see ``call_key``), filtered or not.
    """
    key = call_key(view, function, *args, **kwargs)
    if not view.filtered.everything or view.corpus is uploaded_artefacts():
        return function(*args, **kwargs)
    stored = rolled_up(view.filtered, function, *args, **kwargs)
    if stored is not None:
        return stored
    return _unfiltered_result(view.corpus.fingerprint, key, lambda: function(*args, **kwargs))


@st.cache_resource(show_spinner=False, max_entries=16)
def _reader_rows(
    fingerprint: str, lean: bool, briefing_id: str, section: str | None, _view: View
) -> Artefacts:
    return _view.filtered.only_briefing(briefing_id)


def reader_rows(view: View, briefing_id: str) -> Artefacts:
    """The reader's rows of one selected briefing (``FilteredCorpus.only_briefing``), kept
    for later runs: a lean corpus reads them from its store's files, and the briefing read
    stays the same while the filters change around it.

    The rows depend on the briefing and the section only, as long as the briefing is
    selected (the reader offers only selected ones); an upload's stay uncached.
    """
    corpus = view.corpus
    at = view.filtered.index.position_of(briefing_id)
    if corpus is uploaded_artefacts() or at < 0 or not view.filtered.keep[at]:
        return view.filtered.only_briefing(briefing_id)
    lean = corpus.reader is not None
    return _reader_rows(corpus.fingerprint, lean, briefing_id, view.filters.section, view)


@functools.cache
def share_heaps() -> bool:
    """Have this process' threads share two C heaps (``parallel.limit_heap_arenas``), once:
    every rerun runs on a thread of its own, and with a heap each the freed memory of past
    reruns stayed spread over many heaps."""
    return limit_heap_arenas(2)


def release_freed_memory() -> None:
    """Free what this run left and hand the freed memory back to the system.

    A run's page objects form reference cycles (Streamlit's messages, pandas' blocks) that
    hold the tables a filter change cut from a large corpus (hundreds of megabytes) until
    the collector's next full pass; Arrow's allocator keeps freed blocks for reuse, and so
    does the C heap (a million-briefing store's dashboard held 300-400 MB of freed heap
    pages after its pages had run: ``parallel.release_freed_memory`` trims them, in a few
    milliseconds). Any of them would keep the process near its peak.
    """
    collect_and_trim()
    pa.default_memory_pool().release_unused()


def progress_reporter(bar: st.delta_generator.DeltaGenerator):  # type: ignore[name-defined]
    """A ``(fraction, message)`` callback that moves a Streamlit progress bar."""

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    return report


def store_artefacts(config: CorpusConfig | None = None) -> Artefacts:
    """The bundled corpus' artefacts; builds the store first (with a progress bar) if needed.

    Only a missing or empty folder (or one of ours with nothing committed) is built
    into; a damaged store, or a folder of other files, is never written here.

    Raises:
        AnalyticsError: when the store cannot be opened or built.
    """
    from analytics.pipeline import NEW, ensure_store, inspect_store
    from analytics.pipeline.remote import fresh_copy

    hook = settings.value("artefacts_hook")
    if hook:
        return _hook_artefacts(hook)
    config = config or corpus_config()
    if config.store_url is not None:
        # Read from its working copy, synced when the remote CURRENT moved (never built here).
        fresh_copy(config.store_url, every=float(settings.value("store_check_seconds")))
    status = inspect_store(config.store_dir)
    if status.kind == NEW and config.store_url is not None:
        raise StoreError(f"there is no store at {config.store_url}")
    if status.kind == NEW:
        bar = st.progress(0.0, text="Processing the corpus for the first time…")
        try:
            store, _ = ensure_store(
                list(config.corpus_paths), config.store_dir, progress=progress_reporter(bar)
            )
        finally:
            bar.empty()
    elif status.store is None:
        raise StoreError(status.problem)
    else:
        store = status.store
    st.session_state[GENERATION_KEY] = store.generation.name
    return _store_artefacts(str(config.store_dir), store.fingerprint, read_lean(store))


def read_lean(store: Store) -> bool:
    """Whether the dashboard reads ``store`` lean: texts and sentences stay in the store
    until a view shows them (``pipeline.lean``), from ``lean_from_briefings`` briefings on."""
    from analytics.pipeline.lean import can_read_lean

    threshold = int(settings.value("lean_from_briefings"))
    return can_read_lean(store) and store.table_rows("briefings") >= threshold


def corpus_source(artefacts: Artefacts) -> str | None:
    """Where the shown corpus comes from: its store folder, or None for an upload or a hook.

    ``state.follow_corpus`` keeps the filters when a corpus of the same source changes
    (the store has a new generation) instead of fitting them to a new corpus.
    """
    if artefacts is uploaded_artefacts() or settings.value("artefacts_hook"):
        return None
    return f"store:{corpus_config().store_dir.resolve()}"


def _reload_when_store_changes(store_dir: str, store_url: str | None = None) -> None:
    """Rerun the whole app when the store's current generation is not the one shown.

    Reading the store's ``CURRENT`` pointer is the whole check: a few bytes, no tables. A
    store on an object store has its remote ``CURRENT`` read (one small request, at most
    every ``store_check_seconds``) and its working copy synced first when it moved.
    """
    from analytics.pipeline import current_generation
    from analytics.pipeline.remote import fresh_copy

    if store_url is not None:
        try:
            fresh_copy(store_url, every=float(settings.value("store_check_seconds")))
        except AnalyticsError:
            return  # unreachable for now: the shown generation stays, checked again later
    shown = st.session_state.get(GENERATION_KEY)
    if shown is not None and current_generation(store_dir) not in (None, shown):
        st.rerun(scope="app")
    if store_url is None:
        _say_who_writes(Path(store_dir))


def _say_who_writes(store_dir: Path) -> None:
    """A line while a writer holds the store (an ingest, a vacuum...): what the analyst sees
    may change when it ends. A local store only: its writer notes what it does."""
    from analytics.pipeline.lock import current_writer

    writer = current_writer(store_dir)
    if writer is not None:
        st.caption(
            f":material/sync: {writer.work[:1].upper()}{writer.work[1:]} is writing to the "
            f"store (started {writer.since}); new data it makes is shown here when it is done, "
            "with your filters kept."
        )


def follow_store(artefacts: Artefacts) -> None:
    """Check the store for a new generation every ``store_check_seconds`` while the page is open.

    ``ingest`` or ``watch`` may add briefings to the store while an analyst looks at it;
    the check reruns the app, which loads the new generation (every rerun opens the
    store's current one) and keeps the filters with a "data updated" notice. Nothing is
    checked for an upload, which never changes.
    """
    source = corpus_source(artefacts)
    if source is None:
        return
    seconds = float(settings.value("store_check_seconds"))
    st.fragment(run_every=seconds)(_reload_when_store_changes)(
        source.removeprefix("store:"), corpus_config().store_url
    )


def without_server_paths(message: str, config: CorpusConfig) -> str:
    """``message`` with the store's and the corpus' folders named, not their server paths.

    A remote viewer of the dashboard has no business knowing where the server keeps
    its files; the folder's own name still says which one is meant.
    """
    folders = [config.store_dir, *config.corpus_paths]
    spelled = {str(f): f.name for f in folders} | {str(f.resolve()): f.name for f in folders}
    for path in sorted(spelled, key=len, reverse=True):  # the longest first: parents last
        message = message.replace(path, spelled[path] or path)
    return message


def offer_rebuild(config: CorpusConfig) -> None:
    """A button that rebuilds a damaged store; nothing is written until it is clicked."""
    from analytics.pipeline import DAMAGED, ensure_store, inspect_store, rebuild_plan

    if config.store_url is not None or inspect_store(config.store_dir).kind != DAMAGED:
        return  # a store on an object store is rebuilt by `ingest --replace`, not from here
    plan = rebuild_plan(config.store_dir, config.corpus_paths)
    if not st.button(f"Rebuild the store from {plan.describe()}", icon=":material/build:"):
        return
    bar = st.progress(0.0, text="Rebuilding the store…")
    try:
        ensure_store(
            list(plan.paths),
            config.store_dir,
            manifest=plan.manifest,
            columns=plan.columns,
            n_topics=plan.n_topics,
            replace=True,
            progress=progress_reporter(bar),
        )
    except AnalyticsError as error:
        st.error(f"The store could not be rebuilt: {without_server_paths(str(error), config)}")
        return
    finally:
        bar.empty()
    st.rerun()


def uploaded_artefacts() -> Artefacts | None:
    """The corpus this browser session uploaded, if any."""
    return st.session_state.get(UPLOAD_KEY)


def process_upload(files: list) -> Artefacts | None:
    """Stage, load and process uploaded files for this session only; show the load report.

    The processing runs in a separate, lower-priority worker process
    (``analytics.pipeline.worker.process_files``), so other sessions' pages stay responsive; its
    progress moves this session's bar and its errors arrive as one message.

    Returns:
        The artefacts, also kept in ``st.session_state``; ``None`` when it failed
        (the reason is shown with ``st.error``).
    """
    from analytics.ingest import stage_upload
    from analytics.pipeline.worker import process_files

    bar = st.progress(0.0, text="Reading your files…")
    try:
        with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
            staged = []
            for upload in files:
                staged += stage_upload(upload.name, upload.getvalue(), Path(folder))
            artefacts = process_files(staged, progress=progress_reporter(bar))
    except AnalyticsError as error:
        bar.empty()
        st.error(f"Your upload could not be used: {error}")
        return None
    bar.empty()
    show_load_report(artefacts)
    st.session_state[UPLOAD_KEY] = artefacts
    st.session_state.pop(UPLOAD_OPTIONS_KEY, None)
    st.session_state[SOURCE_KEY] = UPLOADED
    st.session_state[UPLOAD_NAME_KEY] = ", ".join(f.name for f in files)
    return artefacts


def show_load_report(artefacts: Artefacts) -> None:
    """Say how many briefings were loaded and list every input skipped, merged, flagged or noted."""
    from analytics.views import documentation_files, inputs_note, skipped_inputs

    figures = corpus_figures(artefacts)
    notes = [inputs_note(figures)]
    if figures.n_documentation:
        notes.append(
            f"set aside as documentation: {', '.join(documentation_files(artefacts.report))}"
        )
    said = "; ".join(note for note in notes if note)
    st.success(f"Loaded {figures.n_briefings:,} briefings" + (f" ({said})." if said else "."))
    skipped = skipped_inputs(artefacts.report)
    if not skipped.empty:
        st.dataframe(skipped, hide_index=True, width="stretch")


def active_artefacts() -> Artefacts | None:
    """The corpus the session is looking at: its upload when chosen, else the bundled store."""
    upload = uploaded_artefacts()
    if upload is not None and st.session_state.get(SOURCE_KEY, UPLOADED) == UPLOADED:
        return upload
    try:
        config = corpus_config()
    except AnalyticsError as error:
        st.error(f"The corpus could not be loaded: {error}")
        return None
    try:
        return store_artefacts(config)
    except AnalyticsError as error:
        st.error(f"The corpus could not be loaded: {without_server_paths(str(error), config)}")
        offer_rebuild(config)
        return None
