"""Every setting of Briefing Atlas in one place: its name, default, environment variable and help.

A setting is read with ``value(NAME)``: the environment variable when it is set (and
valid), else the default. Tunables that no user needs to change still live here, with
``env=None``, so there is one place to read what the product's knobs are and what they
do; tests change them with ``override``. ``python -m analytics settings`` lists them.

Each stage keeps its settings together in its own section below.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from analytics.errors import InputError


@dataclass(frozen=True)
class Setting:
    """One setting: ``name`` as code reads it, ``env`` when users may set it."""

    name: str
    default: Any
    help: str
    env: str | None = None
    parse: Callable[[str], Any] = str
    accepts: str = "text"


def positive_mb(text: object) -> float:
    """A positive, finite number (of MB); ``ValueError`` otherwise."""
    number = float(str(text))
    if not 0 < number < float("inf"):
        raise ValueError(text)
    return number


SETTINGS: tuple[Setting, ...] = (
    # -- where things are ---------------------------------------------------------------------
    Setting(
        "data_dir",
        None,
        "folder of the reference tables and the sample corpus "
        "(default: the checkout's data/, else the copy inside the installed package)",
        env="BRIEFING_ATLAS_DATA",
    ),
    Setting(
        "store_dir",
        None,
        "store folder the dashboard uses when started without --store (default: .atlas-store)",
        env="BRIEFING_ATLAS_STORE",
    ),
    Setting(
        "store_cache",
        None,
        "folder of the local working copies of stores on object stores (--store s3://..., "
        "gs://..., az://...), one per store under <scheme>/<bucket>/<path> "
        "(default: ~/.cache/briefing-atlas/stores)",
        env="BRIEFING_ATLAS_STORE_CACHE",
    ),
    Setting(
        "corpus",
        "",
        "corpus paths (separated like PATH) the dashboard uses when started without --corpus",
        env="BRIEFING_ATLAS_CORPUS",
    ),
    Setting(
        "artefacts_hook",
        "",
        "tests and demos: 'module:function' returning Artefacts served instead of a store",
        env="BRIEFING_ATLAS_ARTEFACTS_HOOK",
    ),
    # -- ingest ------------------------------------------------------------------------------------
    Setting(
        "max_briefing_mb",
        10.0,
        "largest briefing loaded, in MB of text; larger ones are skipped and reported",
        env="BRIEFING_ATLAS_MAX_BRIEFING_MB",
        parse=positive_mb,
        accepts="a positive number of MB",
    ),
    Setting(
        "near_duplicate_threshold",
        0.8,
        "smallest Jaccard similarity of word shingles that makes two briefings "
        "near-duplicates, in (0, 1]",
    ),
    Setting(
        "duplicate_shingle_size",
        5,
        "words per shingle when comparing briefings for near-duplicates "
        "(stored duplicate keys are made with it)",
    ),
    Setting(
        "duplicate_random_state",
        0,
        "seed of the shingle hashing that finds near-duplicates "
        "(stored duplicate keys are made with it)",
    ),
    Setting("max_upload_bytes", 200 * 1024 * 1024, "largest file an analyst may upload, in bytes"),
    Setting(
        "max_unzipped_bytes",
        500 * 1024 * 1024,
        "most bytes an uploaded zip archive may expand to",
    ),
    Setting(
        "max_zip_ratio",
        100.0,
        "most an uploaded zip archive may expand, as a multiple of its size",
    ),
    Setting("max_zip_entries", 50_000, "most entries an uploaded zip archive may hold"),
    # -- countries ---------------------------------------------------------------------------------
    Setting(
        "running_text_min_population",
        1_000_000,
        "a listed city counts in running text from this population on; smaller ones only in "
        "datelines (read when the gazetteer is compiled)",
    ),
    Setting(
        "mention_ambiguous_below",
        0.8,
        "a surface whose gazetteer confidence is below this is ambiguous: lifted to "
        "mention_corroborated_confidence when the briefing names its country firmly elsewhere",
    ),
    Setting(
        "mention_sentence_start_factor",
        0.7,
        "confidence factor of a name, alias or demonym not fully sure at a sentence start "
        "('Turkey said')",
    ),
    Setting(
        "mention_capitals_factor",
        0.7,
        "confidence factor of a short upper-case alias in an all-capitals text ('... WARNS US')",
    ),
    Setting(
        "mention_corroborated_confidence",
        0.9,
        "a mention this sure confirms its country for the briefing; doubtful mentions of a "
        "confirmed country are raised to it",
    ),
    Setting(
        "mention_undated_leader_factor",
        0.6,
        "confidence factor of an office holder in a briefing without a date",
    ),
    Setting(
        "places_min_name_length",
        3,
        "GeoNames places (python -m analytics.countries.geonames): shortest place name kept",
    ),
    Setting(
        "places_countries_per_name",
        3,
        "GeoNames places: most countries a place name is kept for (the most populous ones)",
    ),
    # -- topics ------------------------------------------------------------------------------------
    # Large-corpus limits: corpora below them (Reuters-21578 included) are fitted unchanged.
    Setting(
        "topic_kmeans_sample",
        20_000,
        "topic k-means learns its centres on a seeded sample of this many texts, then one pass "
        "over every text moves them",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_stability_sample",
        20_000,
        "most texts one stability run (choosing the number of topics) clusters",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_lsa_sample",
        20_000,
        "the LSA axes are learnt on a seeded sample of this many texts; every text is projected",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_count_batch",
        5_000,
        "texts tokenised per batch when counting topic terms (bounds the memory of tokens)",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_parallel_count_from",
        20_000,
        "from this many texts the term-counting batches are shared between the cores",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_small_corpus",
        2000,
        "below this many distinct texts the number of topics is chosen from at least "
        "topic_small_corpus_runs stability runs (cheap there, and three are too noisy)",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_small_corpus_runs",
        10,
        "fewest stability runs on a small corpus (see topic_small_corpus)",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topics_per_sqrt_text",
        1.5,
        "automatic number of topics: at most this times the square root of the distinct texts",
        parse=float,
        accepts="a positive number",
    ),
    Setting(
        "topic_top_terms",
        10,
        "top terms kept per topic (and the longest a label may grow to stay unique)",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_label_terms",
        3,
        "terms in a topic label (more only when two labels would coincide)",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "topic_representatives",
        3,
        "representative briefings listed per topic",
        parse=int,
        accepts="a positive whole number",
    ),
    # -- relations ---------------------------------------------------------------------------------
    Setting(
        "spike_min_conflicts",
        3,
        "fewest conflict sentences of a pair in a period for the period to count as a spike",
    ),
    Setting(
        "spike_baseline_periods",
        6,
        "how many earlier periods (at most; two at least observed) a spike is measured against",
    ),
    Setting(
        "spike_k",
        2.0,
        "a spike's tension share exceeds its baseline by more than this many standard deviations",
    ),
    Setting(
        "relations_parallel_from",
        20_000,
        "sentences to score from which the relation scorer forks a process per core; "
        "below it a second process costs more than it saves",
    ),
    Setting(
        "relations_batch_sentences",
        20_000,
        "sentences the relation scorer scans together: large enough to pay, small in memory",
    ),
    # -- watchlist ---------------------------------------------------------------------------------
    Setting(
        "watchlist_undated_days",
        30,
        "an expected event whose sentence names no time is watched this many days from its "
        "briefing's date",
    ),
    Setting(
        "watchlist_grace_days",
        7,
        "days after an expected event's window in which a report of it still counts (news "
        "lags), and before which the event stays open",
    ),
    Setting(
        "watchlist_parallel_from",
        50_000,
        "sentences naming a country from which the watchlist is read on every core",
    ),
    Setting(
        "watchlist_read_at_once",
        20_000,
        "sentences naming a country the watchlist reads at a time (in each process): the "
        "same rows, with the working memory of that many",
    ),
    Setting(
        "watchlist_common_share",
        0.03,
        "a word in more than this share of the sentences a follow-up reads (and in "
        "watchlist_common_min of them at least) is common: it does not tell which act a "
        "report is of",
    ),
    Setting(
        "watchlist_common_min",
        30,
        "fewest sentences holding a word for it to count as common in a follow-up (a small "
        "corpus has no common words)",
    ),
    Setting(
        "watchlist_follow_up_briefings",
        50_000,
        "briefings whose report sentences a follow-up reads at a time (consecutive days; the "
        "result is the same for any size, memory grows with it)",
    ),
    Setting(
        "watchlist_follow_up_pairs",
        1_000_000,
        "(event, report sentence) candidates a follow-up pairs and compares at a time (the "
        "result is the same for any number, memory grows with it)",
    ),
    Setting(
        "watchlist_evidence",
        5,
        "reporting sentences kept as evidence of each followed-up event (earliest first)",
    ),
    # -- pipeline and store ------------------------------------------------------------------------
    Setting(
        "ingest_engine",
        "local",
        "engine an ingest runs on when --engine is not given: local (this process) or dask",
        env="BRIEFING_ATLAS_ENGINE",
        accepts="local or dask",
    ),
    Setting(
        "dask_workers",
        2,
        "worker processes of the local Dask cluster an ingest starts when neither --workers "
        "nor --scheduler is given",
        env="BRIEFING_ATLAS_DASK_WORKERS",
        parse=int,
        accepts="a whole number of workers",
    ),
    Setting(
        "dask_connect_seconds",
        10.0,
        "seconds an ingest tries to reach the Dask scheduler given with --scheduler",
    ),
    Setting(
        "dask_partitions_per_worker",
        2,
        "partitions per Dask worker when --partitions is not given",
    ),
    Setting(
        "ingest_batch_mb",
        0.0,
        "an ingest with more input than this many MB reads and processes it in batches of "
        "whole files of about this size, one generation each, so memory stays bounded "
        "(CLI --batch-mb); 0: in one go",
        env="BRIEFING_ATLAS_INGEST_BATCH_MB",
        parse=float,
        accepts="a number of MB (0: no batches)",
    ),
    Setting(
        "topic_fit_sample",
        100_000,
        "a batched ingest fits the topic model on a seeded sample of this many briefings "
        "of the whole input (all of them when there are no more)",
        parse=int,
        accepts="a positive whole number",
    ),
    Setting(
        "store_wait_seconds",
        600.0,
        "seconds a writer of a store (ingest, vacuum, index, migrate) waits for another one "
        "to finish (CLI --wait)",
    ),
    Setting(
        "store_sync_wait_seconds",
        30.0,
        "seconds a reader of a store on an object store waits for another process on this "
        "machine that is updating the store's local working copy; then it reads the copy as it is",
    ),
    Setting(
        "feed_timeout_seconds",
        20.0,
        "seconds one feed request may take (ingest of a feed URL, each feed of a watch poll)",
        env="BRIEFING_ATLAS_FEED_TIMEOUT",
        parse=float,
        accepts="a number of seconds",
    ),
    Setting("feed_max_mb", 20.0, "largest feed document fetched, in MB"),
    Setting(
        "feed_max_backoff_polls",
        32,
        "a feed failing again and again skips 1, 3, 7, ... polls before its next try, "
        "never more than this many",
    ),
    # -- presentation ------------------------------------------------------------------------------
    Setting(
        "duckdb_from_briefings",
        10_000_000,
        "a store of at least this many briefings has the dashboard's filtered rows selected "
        "by DuckDB over its Parquet files (only the filtered months are read); smaller ones "
        "select in memory, which measured faster at every size tried (docs/benchmarks.md)",
        env="BRIEFING_ATLAS_DUCKDB_FROM_BRIEFINGS",
        parse=int,
        accepts="a whole number of briefings",
    ),
    Setting(
        "lean_from_briefings",
        0,
        "a store of at least this many briefings is read lean by the dashboard: only the "
        "columns its views filter and count on are held in memory, texts and sentences are "
        "read from the store when shown (docs/benchmarks.md, 'A million briefings')",
        env="BRIEFING_ATLAS_LEAN_FROM_BRIEFINGS",
        parse=int,
        accepts="a whole number of briefings",
    ),
    Setting(
        "store_check_seconds",
        30.0,
        "how often an open dashboard checks its store for a new generation (written by "
        "ingest or watch) and reloads with a notice",
    ),
    Setting(
        "reader_page_chars",
        20_000,
        "characters of briefing text the reader shows at once (a long briefing is paged)",
    ),
    Setting(
        "reader_choices",
        500,
        "newest matching briefings offered in the reader's picker (any table row can be read)",
    ),
    Setting(
        "listed_briefings",
        1_000,
        "newest matching briefings listed in the Briefings table (the CSV has every match)",
    ),
    Setting(
        "timeline_bars",
        400,
        "expected events (one per acting country) the Watchlist timeline draws one by one; "
        "above, it shows how many are due per country and day or week",
    ),
    Setting(
        "dashboard_follow_up_briefings",
        200_000,
        "largest corpus whose follow-up the Watchlist page works out itself when the store "
        "keeps none (about a minute per 100,000 briefings); above it, the page says how to "
        "keep it (`python -m analytics follow-up --store DIR`)",
        env="BRIEFING_ATLAS_DASHBOARD_FOLLOW_UP",
        parse=int,
        accepts="a whole number of briefings",
    ),
    Setting(
        "listed_events",
        1_000,
        "expected events listed in each Watchlist table, soonest or latest first (the CSV has "
        "every one)",
    ),
    Setting(
        "eager_csv_rows",
        200,
        "tables up to this many rows have their CSV built with the page; longer ones on click",
    ),
    Setting(
        "evidence_sentences",
        25,
        "sentences shown under a selected relation (the evidence CSV has all of them)",
    ),
    Setting(
        "compared_countries",
        5,
        "countries the attention chart compares when none is chosen (the most mentioned)",
    ),
    Setting("top_countries", 15, "countries in the Countries page's top-countries chart"),
    Setting(
        "ranked_pairs",
        200,
        "country pairs ranked (by tension) or co-mentioned that the networks are drawn from",
    ),
    Setting("pair_choices", 60, "country pairs offered in the relations pair picker"),
    Setting("network_countries", 20, "most involved countries a network shows"),
    Setting("network_edges", 60, "strongest links a network shows among those countries"),
    Setting(
        "matrix_countries",
        15,
        "countries (most mentioned or most involved) in the pair and topic-by-country matrices",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}
_OVERRIDES: dict[str, Any] = {}


def setting(name: str) -> Setting:
    """The declaration of setting ``name``.

    Raises:
        InputError: when there is no such setting.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InputError(
            f"unknown setting; expected one of {', '.join(sorted(_BY_NAME))}, got {name!r}"
        ) from None


def value(name: str) -> Any:
    """The value in force: an override, else the environment variable, else the default.

    Raises:
        InputError: when the environment variable holds a value the setting cannot use.
    """
    declared = setting(name)
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    raw = os.environ.get(declared.env) if declared.env else None
    if raw is None or raw == "":
        return declared.default
    try:
        return declared.parse(raw)
    except ValueError:
        raise InputError(f"{declared.env} must be {declared.accepts}; got {raw!r}") from None


@contextmanager
def override(**values: Any) -> Iterator[None]:
    """Set settings for the duration of a ``with`` block (tests, benchmarks)."""
    for name in values:
        setting(name)
    saved = dict(_OVERRIDES)
    _OVERRIDES.update(values)
    try:
        yield
    finally:
        _OVERRIDES.clear()
        _OVERRIDES.update(saved)


def describe() -> list[str]:
    """One line per setting: name, environment variable, default and help."""
    return [
        f"{s.name} ({s.env or 'no environment variable'}; default {s.default!r}): {s.help}"
        for s in SETTINGS
    ]
