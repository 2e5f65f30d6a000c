"""Loading: files and tables of briefings in, one validated briefing table and a load report out.

Enters: paths (text, CSV/TSV, JSON/JSONL, Parquet, RSS/Atom feeds, zip uploads) and
manifests. Leaves: the briefings table, the load report (every file and row: loaded,
duplicate or skipped, and why) and the duplicate-detection keys.

Modules, in the order a file goes through them: ``files`` (finding inputs), ``decoding``
(bytes to text), ``readers`` (one per format) over ``textformat`` (the canonical briefing
text), ``columns`` (column roles) and ``feeds`` (RSS/Atom items, HTML removed),
``manifests``, ``dates``, ``load`` (the whole run),
``report`` (the load report), ``marking`` over ``duplicates`` (exact and near-duplicates),
and ``uploads`` (staging an analyst's upload safely).
"""

from analytics.ingest.duplicates import (
    N_BANDS,
    BandMembers,
    CandidatePairs,
    DuplicateFinder,
    DuplicateParameters,
    ExactMatches,
    NearMatches,
    ShingleSets,
    TextKeys,
    band_members,
    candidate_pairs,
    duplicate_parameters,
    duplicate_table,
    earliest_near,
    exact_matches,
    find_duplicates,
    match_added,
    merge_exact,
    merge_near,
    merge_pairs,
    normalise_text,
    shingle_sets,
    split_by_bucket,
    strings_in,
    text_fingerprints,
    text_keys,
)
from analytics.ingest.feeds import (
    FEED_EXTENSIONS,
    ITEM_COLUMNS,
    FeedItems,
    html_to_text,
    parse_feed,
)
from analytics.ingest.files import MANIFEST_NAMES, discover_files, input_folder, input_stat
from analytics.ingest.load import load_corpus, load_corpus_with_report, load_files
from analytics.ingest.marking import StoredCorpus, mark_added, mark_duplicates, number_after_stored
from analytics.ingest.report import LoadResult, ReportRow, SkippedFile, listed_rows, noted_rows
from analytics.ingest.textformat import parse_briefing
from analytics.ingest.uploads import check_upload, safe_unzip, stage_upload

__all__ = [
    "FEED_EXTENSIONS",
    "ITEM_COLUMNS",
    "FeedItems",
    "html_to_text",
    "parse_feed",
    "MANIFEST_NAMES",
    "LoadResult",
    "listed_rows",
    "noted_rows",
    "ReportRow",
    "SkippedFile",
    "StoredCorpus",
    "check_upload",
    "discover_files",
    "find_duplicates",
    "input_folder",
    "input_stat",
    "load_corpus",
    "load_corpus_with_report",
    "load_files",
    "mark_added",
    "number_after_stored",
    "mark_duplicates",
    "match_added",
    "normalise_text",
    "parse_briefing",
    "safe_unzip",
    "stage_upload",
    "strings_in",
    "N_BANDS",
    "BandMembers",
    "CandidatePairs",
    "DuplicateFinder",
    "DuplicateParameters",
    "ExactMatches",
    "NearMatches",
    "ShingleSets",
    "TextKeys",
    "band_members",
    "candidate_pairs",
    "duplicate_parameters",
    "duplicate_table",
    "earliest_near",
    "exact_matches",
    "merge_exact",
    "merge_near",
    "merge_pairs",
    "shingle_sets",
    "split_by_bucket",
    "text_keys",
    "text_fingerprints",
]
