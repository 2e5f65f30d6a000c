"""The pipeline and the store: inputs in, every artefact computed and kept on disk out.

Enters: corpus paths (or a briefing table). Leaves: Artefacts in memory and a store of
atomic, checksummed generations that later runs add to.

Modules: ``process`` (a briefing table to artefacts in memory), ``store`` (opening and
reading a store), ``ingest`` (``ensure_store``: building and updating one), ``generation``
(writing a generation), ``deltatables`` (the tables as Delta Lake tables), ``migration``
(older stores of Parquet parts to Delta tables, once), ``history`` (listing generations,
vacuuming old ones), ``lock`` (the writer lock), ``integrity`` (checksums), ``layout`` (the
names of a store's files and folder states), ``rollups`` (per-period counts of the whole
corpus written at ingest, which the unfiltered views read, and the mergeable counts they
are finished from), ``batches`` (a batched
ingest's batches of whole files and its topic sample), ``text_index`` (the store's
SQLite FTS5 index of the briefings' texts, which search uses), ``feeds`` (fetching feeds
with conditional requests, and their state in the store) and ``watch`` (polling feeds into
a store);
``worker`` processes uploads in a separate process (``python -m analytics.pipeline.worker``,
imported on its own).
"""

from analytics.pipeline.batches import TopicSample, file_batches, input_mb
from analytics.pipeline.engines import (
    DASK,
    ENGINE_NAMES,
    LOCAL,
    Engine,
    LocalEngine,
    open_engine,
    partition_bounds,
    split_partitions,
)
from analytics.pipeline.feeds import (
    FEEDS_DIR,
    FeedState,
    Fetched,
    fetch_feed,
    is_feed_url,
    read_states,
    save_feed,
)
from analytics.pipeline.history import (
    GenerationInfo,
    VacuumResult,
    list_generations,
    vacuum_store,
)
from analytics.pipeline.ingest import IngestSummary, ensure_store
from analytics.pipeline.layout import (
    DAMAGED,
    FOREIGN,
    LOCK,
    MARKER,
    MONTH_COLUMN,
    NEW,
    NOT_A_FOLDER,
    PARTITIONED_TABLES,
    PARTS_FORMATS,
    READY,
    ROW_ORDER_COLUMN,
    STORE_FORMAT,
    STORED_TABLES,
    TABLES,
    current_generation,
    store_location,
)
from analytics.pipeline.migration import migrate_store
from analytics.pipeline.process import (
    BriefingTables,
    assemble_artefacts,
    combine_fingerprint_states,
    compute_interactions,
    compute_mentions,
    compute_sentence_tables,
    compute_watchlist,
    corpus_fingerprint,
    fingerprint_from_state,
    fingerprint_state,
    fit_topic_model,
    fit_topic_model_on_texts,
    fit_topics,
    process,
)
from analytics.pipeline.rollups import (
    ROLLUP_COLUMNS,
    ROLLUP_FREQS,
    ROLLUPS,
    RollupCounts,
    RollupInputs,
    RollupRule,
    count_rollups,
    merge_rollup_counts,
    read_rollup_counts,
    read_rollups,
    rollup_tables,
    stored_rollups,
)
from analytics.pipeline.store import (
    RebuildPlan,
    Store,
    StoreStatus,
    default_store_dir,
    inspect_store,
    open_store,
    rebuild_plan,
)
from analytics.pipeline.text_index import (
    TEXT_INDEX,
    TextIndex,
    WatchedTextIndex,
    open_text_index,
)
from analytics.pipeline.watch import (
    FeedPoll,
    PollResult,
    Stopper,
    parse_interval,
    poll_feeds,
    read_feed_list,
    watch,
)

__all__ = [
    # in memory
    "process",
    "compute_mentions",
    "fit_topics",
    "compute_interactions",
    "compute_watchlist",
    "compute_sentence_tables",
    "corpus_fingerprint",
    "fingerprint_state",
    "combine_fingerprint_states",
    "fingerprint_from_state",
    "fit_topic_model",
    "fit_topic_model_on_texts",
    "BriefingTables",
    "assemble_artefacts",
    # where the stages run (the Dask engine, analytics.pipeline.dask_engine, is imported lazily)
    "Engine",
    "LocalEngine",
    "open_engine",
    "partition_bounds",
    "split_partitions",
    "ENGINE_NAMES",
    "LOCAL",
    "DASK",
    # the store
    "Store",
    "open_store",
    "current_generation",
    "default_store_dir",
    "inspect_store",
    "StoreStatus",
    "rebuild_plan",
    "RebuildPlan",
    "ensure_store",
    "IngestSummary",
    # batched ingests
    "file_batches",
    "input_mb",
    "TopicSample",
    "store_location",
    "migrate_store",
    "list_generations",
    "GenerationInfo",
    "vacuum_store",
    "VacuumResult",
    # feeds kept current
    "is_feed_url",
    "fetch_feed",
    "Fetched",
    "save_feed",
    "FeedState",
    "read_states",
    "FEEDS_DIR",
    "read_feed_list",
    "parse_interval",
    "poll_feeds",
    "watch",
    "Stopper",
    "FeedPoll",
    "PollResult",
    # rollups
    "ROLLUPS",
    "ROLLUP_FREQS",
    "ROLLUP_COLUMNS",
    "RollupInputs",
    "RollupCounts",
    "RollupRule",
    "count_rollups",
    "merge_rollup_counts",
    "stored_rollups",
    "rollup_tables",
    "read_rollups",
    "read_rollup_counts",
    # the text index
    "TextIndex",
    "open_text_index",
    "WatchedTextIndex",
    "TEXT_INDEX",
    # store folder states, tables and files
    "NEW",
    "READY",
    "DAMAGED",
    "FOREIGN",
    "NOT_A_FOLDER",
    "TABLES",
    "STORED_TABLES",
    "STORE_FORMAT",
    "MARKER",
    "LOCK",
    "MONTH_COLUMN",
    "PARTITIONED_TABLES",
    "PARTS_FORMATS",
    "ROW_ORDER_COLUMN",
]
