"""The load report: one row per input file (or table row) saying what became of it.

A row is ``loaded``, ``duplicate`` (collapsed into an earlier briefing),
``near-duplicate`` (kept, pointing at the briefing it resembles) or ``skipped`` with
its reason. This module holds the report's row record and table, the link from a
briefing back to its report row, and ``LoadResult`` (briefings with their report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from analytics import schema as S
from analytics.ingest.duplicates import arrow_strings


class ReportRow(NamedTuple):
    """One row of the load report: an input file (and table row), what became of it, why."""

    file: str
    row: int | None
    status: str
    reason: str
    briefing_id: str | None


def noted_rows(report: pd.DataFrame) -> pd.Series:
    """Which rows of a load report are briefings loaded with a note: their reason says
    what the loader chose on a guess or fell back to (a day read month first, an epoch
    time, a file's date, an encoding, a repeated column)."""
    if S.STATUS not in report or S.REASON not in report:
        return pd.Series(False, index=report.index)
    return report[S.STATUS].astype(str).eq(S.LOADED) & report[S.REASON].fillna("").ne("")


def listed_rows(report: pd.DataFrame) -> pd.Series:
    """Which rows of a load report a reader is shown: inputs not loaded as they are
    (skipped, merged, flagged) and briefings loaded with a note; plain loaded rows say
    nothing the briefing itself does not."""
    if S.STATUS not in report:
        return pd.Series(False, index=report.index)
    return report[S.STATUS].astype(str).ne(S.LOADED) | noted_rows(report)


@dataclass(frozen=True)
class LoadResult:
    """Loaded briefings and the report accounting for every input file and row.

    ``keys`` (after de-duplication) holds each briefing's duplicate-detection keys
    (``briefing_id``, ``fingerprint`` and the LSH band columns), row for row, so
    briefings added later can be checked against these without reading them again.
    """

    briefings: pd.DataFrame
    report: pd.DataFrame
    keys: pd.DataFrame | None = None


class SkippedFile(Exception):
    """A whole file cannot be read; the message is the report's reason."""


NEAR_REASON = re.compile(r"^near-duplicate of .*? \(Jaccard [0-9.]+\)(?:; )?")


def report_frame(rows: list[ReportRow]) -> pd.DataFrame:
    """The load report table of ``rows``, with its column types."""
    frame = pd.DataFrame(rows, columns=list(S.REPORT_COLUMNS))
    frame[S.FILE] = frame[S.FILE].astype("str")
    frame[S.ROW] = pd.array(
        frame[S.ROW].astype(object).where(frame[S.ROW].notna(), None), dtype="Int64"
    )
    for column in (S.STATUS, S.REASON, S.BRIEFING_ID):
        frame[column] = frame[column].astype("str")
    return frame


def sort_report(report: pd.DataFrame) -> pd.DataFrame:
    """File by file, the whole-file row first, then table rows in order."""
    ordered = report.sort_values([S.FILE, S.ROW], na_position="first", kind="stable")
    return ordered.reset_index(drop=True)


def _origin_keys(origins: pd.Series) -> pd.DataFrame:
    """(file, row) of each origin, matching the load report's columns."""
    parts = pc.extract_regex(
        arrow_strings(origins), r"^(?P<file>(?s:.*)):(?:row|line) (?P<row>\d+)$"
    )
    # A whole file's origin does not match: its struct is null, its fields are not.
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    files = pd.Series(parts.field("file").to_pandas(), index=origins.index, dtype="str")
    rows = pd.Series(parts.field("row").to_pandas(), index=origins.index, dtype="str")
    files = files.where(matched, origins.astype("str"))
    rows = pd.to_numeric(rows.where(matched)).astype("Int64")
    return pd.DataFrame({S.FILE: files, S.ROW: rows}, index=origins.index)


def _row_keys(files: pd.Series, rows: pd.Series) -> pd.Index:
    """One string per (file, row) pair; a whole file has an empty row part."""
    row_text = rows.astype("Int64").astype("str").fillna("")
    return pd.Index(files.astype("str").str.cat(row_text.astype("str"), sep="\x1f"))


def report_positions(report: pd.DataFrame, briefings: pd.DataFrame) -> np.ndarray:
    """For each briefing, the position of its report row (-1 when it has none)."""
    keys = _origin_keys(briefings[S.ORIGIN])
    wanted = _row_keys(keys[S.FILE], keys[S.ROW])
    live = report[S.STATUS].isin([S.LOADED, S.NEAR_DUPLICATE]).to_numpy()
    lookup = pd.Series(np.arange(len(report)), index=_row_keys(report[S.FILE], report[S.ROW]))[live]
    # A file loaded again (by a store adding files) has its latest row last.
    lookup = lookup[~lookup.index.duplicated(keep="last")]
    return lookup.reindex(wanted).fillna(-1).to_numpy(dtype=np.int64)
