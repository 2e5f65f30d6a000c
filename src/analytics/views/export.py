"""Tables to CSV an analyst can open safely, with where the numbers came from.

Every export holds exactly the rows given (no cap). Text cells that a
spreadsheet would run as a formula are prefixed with a single quote: those
starting with ``=``, ``+``, ``-``, ``@`` or their fullwidth forms (``＝ ＋ － ＠``),
also after leading spaces or line breaks, and those starting with a tab, a
carriage return or a line feed. Any field holding a carriage return or a line
feed is quoted, so a spreadsheet never starts a new row inside a cell. An
optional header of ``# `` comment lines records the filters, the corpus
fingerprint, the reference-table and model versions, and the time of export.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

# Characters that start a formula in Excel, LibreOffice or Google Sheets; spreadsheets
# with East Asian input read the fullwidth forms as their ASCII twins.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A cell starting with one of these is prefixed whatever follows: spreadsheets trim or
# split on them, and what comes after may be a formula start.
CONTROL_STARTS: tuple[str, ...] = ("\t", "\r", "\n")


def _neutralise_cell(value: object) -> object:
    # lstrip: spreadsheets trim leading blanks before deciding a cell is a formula.
    if isinstance(value, str) and (
        value.startswith(CONTROL_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _is_text(pd.Series(dtype.categories))
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a spreadsheet formula.

    Only text (object, string or categorical text) columns change; numbers keep
    their sign. Column names are neutralised too, since they become the header row.
    """
    safe = frame.copy()
    for column in safe.columns:
        if _is_text(safe[column]):
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


def _quote_line_breaks(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text: ``\\n`` row ends, fields holding ``\\r`` or ``\\n`` quoted.

    Python's csv writer (3.11) quotes only the characters of its own line terminator, so
    with ``\\n`` row ends a lone ``\\r`` stayed bare and a spreadsheet started a new row
    there. Written with ``\\r\\n`` row ends, both characters force quotes; the row ends are
    then turned back into ``\\n``. They are the ``\\r\\n`` outside quotes: with minimal
    quoting only quoted fields contain ``"``, so splitting on ``"`` leaves the text
    outside quotes at the even positions.
    """
    text = frame.to_csv(index=False, lineterminator="\r\n")
    pieces = text.split('"')
    pieces[::2] = [piece.replace("\r\n", "\n") for piece in pieces[::2]]
    return '"'.join(pieces)


def to_csv(frame: pd.DataFrame, *, provenance: list[str] | None = None) -> bytes:
    """Encode ``frame`` as UTF-8 CSV with formulas neutralised and an optional header.

    Parameters:
        frame: the exact rows and columns to export; every row is written.
        provenance: comment lines from ``provenance_lines`` written before the header.

    Returns:
        The CSV bytes (``\\n`` row ends; fields holding a line break are quoted).
    """
    body = _quote_line_breaks(neutralise_formulas(frame))
    header = "".join(f"{line}\n" for line in provenance or [])
    return (header + body).encode("utf-8")


def export_name(title: str, fingerprint: str | None = None) -> str:
    """A safe file name for a download, e.g. ``briefings-per-month_3f2a.csv``."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    suffix = f"_{fingerprint[:8]}" if fingerprint else ""
    return f"{slug or 'table'}{suffix}.csv"
