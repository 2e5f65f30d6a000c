"""Tables to CSV an analyst can open safely, with where the numbers came from.

Every export holds exactly the rows given (no cap). Text cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) are prefixed with a single quote. An optional header
of ``# `` comment lines records the filters, the corpus fingerprint, the
reference-table and model versions, and the time of export.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a spreadsheet formula.

    Only text (object or string) columns change; numbers keep their sign. Column
    names are neutralised too, since they become the header row.
    """
    safe = frame.copy()
    for column in safe.columns:
        dtype = safe[column].dtype
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            safe[column] = safe[column].map(_neutralise_cell, na_action="ignore")
    safe.columns = [_neutralise_cell(str(c)) for c in safe.columns]
    return safe


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def provenance_lines(
    *,
    filters: Mapping[str, str] | None = None,
    fingerprint: str | None = None,
    versions: Mapping[str, str] | None = None,
    exported_at: datetime | None = None,
    title: str | None = None,
) -> list[str]:
    """The ``# `` comment lines describing where an export came from.

    Parameters:
        filters: the non-default filter settings (``Filters.describe()``).
        fingerprint: the corpus content hash.
        versions: reference-table and model versions (``Artefacts.versions``).
        exported_at: defaults to now (UTC).
        title: what the table shows.
    """
    moment = exported_at or datetime.now(UTC)
    lines = ["# Briefing Atlas export"]
    if title:
        lines.append(f"# table: {_one_line(title)}")
    if fingerprint:
        lines.append(f"# corpus fingerprint: {_one_line(fingerprint)}")
    described = dict(filters or {})
    if described:
        for name in sorted(described):
            lines.append(f"# filter {name}: {_one_line(described[name])}")
    else:
        lines.append("# filters: none (whole corpus)")
    for name in sorted(versions or {}):
        lines.append(f"# version {name}: {_one_line((versions or {})[name])}")
    lines.append(f"# exported at: {moment.isoformat(timespec='seconds')}")
    return lines


def to_csv(frame: pd.DataFrame, *, provenance: list[str] | None = None) -> bytes:
    """Encode ``frame`` as UTF-8 CSV with formulas neutralised and an optional header.

    Parameters:
        frame: the exact rows and columns to export; every row is written.
        provenance: comment lines from ``provenance_lines`` written before the header.

    Returns:
        The CSV bytes (``\\n`` line endings).
    """
    body = neutralise_formulas(frame).to_csv(index=False, lineterminator="\n")
    header = "".join(f"{line}\n" for line in provenance or [])
    return (header + body).encode("utf-8")


def export_name(title: str, fingerprint: str | None = None) -> str:
    """A safe file name for a download, e.g. ``briefings-per-month_3f2a.csv``."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    suffix = f"_{fingerprint[:8]}" if fingerprint else ""
    return f"{slug or 'table'}{suffix}.csv"
