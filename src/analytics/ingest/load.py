"""Read briefings (text folders, CSV/TSV/JSON/JSONL/Parquet tables) into one validated table.

A briefing file is plain text in the canonical three-section format::

    Optional title line(s)
    What's Happening?
    ...
    Why It's Important?
    ...
    What's Next?
    ...

with optional front matter (a ``---`` block of ``key: value`` lines) or leading
``Date:``/``Title:``/``Source:``/``URL:`` lines. Headings tolerate case, curly
apostrophes, a missing ``?``, a trailing colon and markdown ``#``/``**``
decoration; sections may be missing or reordered. Hard line breaks inside a
paragraph are re-joined with a space; blank lines separate paragraphs.

Tables hold one briefing per row; their columns are found by common names or
named explicitly. A row's text is kept as written (line ends normalised) unless
it holds the canonical headings, in which case it is split like a file. A
briefing's date comes from, in order: its record or front matter, a manifest, a
date in the file name, the file's modification time.

Nothing is dropped silently: the load report has one row per input file (or per
table row) saying whether it was loaded, collapsed as a duplicate, flagged as a
near-duplicate, or skipped and why.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import yaml

from analytics import schema as S
from analytics import settings
from analytics.errors import EmptyCorpusError, InputError
from analytics.ingest import dates as D
from analytics.ingest.duplicates import (
    BAND_COLUMNS,
    EXACT,
    EXACT_OF,
    FINGERPRINT,
    JACCARD,
    NEAR_OF,
    NEW_POSITION,
    OLD_POSITION,
    arrow_strings,
    find_duplicates,
    match_added,
    normalise_text,
    strings_in,
)

# -- load report -------------------------------------------------------------
FILE = "file"
ROW = "row"
STATUS = "status"
REASON = "reason"
REPORT_COLUMNS: tuple[str, ...] = (FILE, ROW, STATUS, REASON, S.BRIEFING_ID)
LOADED = "loaded"
DUPLICATE = "duplicate"
NEAR_DUPLICATE = "near-duplicate"
SKIPPED = "skipped"
STATUSES: tuple[str, ...] = (LOADED, DUPLICATE, NEAR_DUPLICATE, SKIPPED)

# -- limits ---------------------------------------------------------------------
# One briefing (a text file, or one row's text) above this size is skipped: later
# stages cost time per MB and a single huge text would stall everyone's work.
MAX_BRIEFING_MB_ENV = settings.setting("max_briefing_mb").env


def _cap_mb(value: float | None = None) -> float:
    """The per-briefing size cap in MB: ``value``, else the setting ``max_briefing_mb``.

    Raises:
        InputError: when the cap is not a positive number.
    """
    if value is None:
        return float(settings.value("max_briefing_mb"))
    try:
        return settings.positive_mb(value)
    except ValueError:
        raise InputError(
            f"the per-briefing size cap (max_briefing_mb) must be a positive number of MB; "
            f"got {value!r}"
        ) from None


def _over_cap(size: float, limit_mb: float) -> str:
    return (
        f"briefing is {size / _MB:.1f} MB, over the limit of {limit_mb:g} MB "
        f"(set {MAX_BRIEFING_MB_ENV} to raise it)"
    )


_MB = 1024 * 1024

# -- input columns -------------------------------------------------------------
ROLE_TEXT = "text"
ROLE_ID = "id"
ROLE_DATE = "date"
ROLE_TITLE = "title"
ROLE_SOURCE = "source"
ROLE_URL = "url"
# The names each role goes by in the wild, in order of preference (case-insensitive).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    ROLE_TEXT: ("text", "body", "content", "summary", "article", "description", "story"),
    ROLE_ID: ("id", "briefing_id", "doc_id", "guid", "uuid"),
    ROLE_DATE: (
        "date",
        "published",
        "published_at",
        "publish_date",
        "pubdate",
        "timestamp",
        "datetime",
        "created_at",
        "time",
    ),
    ROLE_TITLE: ("title", "headline", "heading", "subject"),
    ROLE_SOURCE: ("source", "outlet", "publisher", "feed", "site"),
    ROLE_URL: ("url", "link", "href"),
}
MANIFEST_KEY_NAMES: tuple[str, ...] = ("file", "filename", "file_name", "name", "path", "filepath")
MANIFEST_NAMES: tuple[str, ...] = ("manifest.csv", "manifest.json")

DATE_RECORD, DATE_FRONT_MATTER, DATE_MANIFEST, DATE_FILE_NAME, DATE_FILE_TIME = S.DATE_SOURCES
_STRING_FIELDS = (S.TITLE, S.SOURCE, S.URL)
_ID_PREFIX = "b-"
# Working columns while loading; dropped before the table is returned.
_INTERNAL = "_atlas_"
_ID = _INTERNAL + "id"
_DATE_RAW = _INTERNAL + "date_raw"
_DATE_KIND = _INTERNAL + "date_kind"
_ROW = _INTERNAL + "row"
_FILE = _INTERNAL + "file"
_NEAR_REASON = re.compile(r"^near-duplicate of .*? \(Jaccard [0-9.]+\)(?:; )?")

# -- canonical text format ---------------------------------------------------
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_HEADINGS: dict[str, re.Pattern[str]] = {
    S.HAPPENING: re.compile(r"what(?:'s|s| is) happening"),
    S.IMPORTANCE: re.compile(r"why (?:it's|its|it is|is it|this is) important|why it matters"),
    S.NEXT: re.compile(r"what(?:'s|s| is) next"),
}
_HEADING_MAX_CHARS = 60
# Cheap test for "may hold a heading" run over whole table columns before parsing.
_HEADING_HINT = r"(?im)^[\s#*_>]*(?:what|why)[^\n]{0,30}(?:happening|important|matters|next)"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_HINT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# Controls counted when telling binary from text: C1 codes too, which text never holds
# but high-byte noise read as latin-1 is full of.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BULLET = re.compile(r"(?:[-*+\u2022]\s|\d{1,3}[.)]\s)")
_META_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z _-]{0,30}?)\s*:\s*(.*?)\s*$")
_FENCE = "---"
_FENCE_ENDS = ("---", "...")
_MAX_FRONT_MATTER_LINES = 200
# yaml.safe_load's loader, in C when PyYAML has it (the same safe constructors, faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Records nested deeper than this are refused: decoding and flattening them recurse
# once per level, and no briefing feed needs more than a few.
MAX_JSON_DEPTH = 100
_TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
# More than this share of control characters means the file is not text.
_MAX_CONTROL_SHARE = 0.05


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


class _Skip(Exception):
    """A whole file cannot be read; the message is the report's reason."""


@dataclass
class _Batch:
    """What one file yielded: records (one per briefing) and skipped rows."""

    records: list[dict[str, object]] = field(default_factory=list)
    table: pd.DataFrame | None = None
    skipped: list[tuple[int | None, str]] = field(default_factory=list)
    encoding: str = "utf-8"


# =============================================================================
# parsing one briefing text
# =============================================================================


def parse_briefing(text: str) -> dict[str, str]:
    """Split a briefing in the canonical format into its parts.

    Args:
        text: the whole file, any line endings.

    Returns:
        ``title``, ``happening``, ``importance``, ``next`` ("" when absent), ``body``
        (the sections joined with blank lines, or the whole text when there are no
        headings) and every front matter or leading ``Key: value`` field, keyed by
        its lower-cased name (``date``, ``source``, ``url``, ...).
    """
    lines = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    fields, start = _read_metadata(lines)
    preamble: list[str] = []
    sections: dict[str, list[str]] = {name: [] for name in S.SECTIONS}
    current: list[str] = preamble
    found = False
    for line in lines[start:]:
        section = _heading_of(line)
        if section is None:
            current.append(line)
        else:
            found = True
            current = sections[section]
            current.append("")  # a repeated heading starts a new paragraph
    parts = {name: _reflow(sections[name]) for name in S.SECTIONS}
    title = fields.pop(ROLE_TITLE, "")
    if found:
        lead = _strip_markdown(_reflow(preamble).replace("\n", " "))
        body = "\n\n".join(part for part in parts.values() if part)
        if not title:
            title = lead
        elif lead and lead != title:
            body = f"{lead}\n\n{body}" if body else lead
    else:
        body = _reflow(preamble)
        first, _, rest = body.partition("\n\n")
        if not title and first.startswith("#") and "\n" not in first:
            title, body = _strip_markdown(first), rest  # a markdown "# Title" line
    return {**fields, ROLE_TITLE: title, **parts, "body": body}


def _read_metadata(lines: list[str]) -> tuple[dict[str, str], int]:
    """Front matter fields and leading ``Key: value`` lines; returns them and where text starts."""
    fields: dict[str, str] = {}
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and lines[index].strip() == _FENCE:
        end = next(
            (
                i
                for i in range(index + 1, min(len(lines), index + _MAX_FRONT_MATTER_LINES))
                if lines[i].strip() in _FENCE_ENDS
            ),
            None,
        )
        if end is not None:
            key = None
            for line in lines[index + 1 : end]:
                match = _META_LINE.match(line)
                if match and not line[:1].isspace():
                    key = _field_name(match.group(1))
                    fields[key] = _unquote(match.group(2))
                elif key is not None and line.strip().startswith("- "):
                    item = _unquote(line.strip()[2:].strip())  # a YAML list item
                    fields[key] = f"{fields[key]}, {item}" if fields[key] else item
            fields.update(_yaml_fields("\n".join(lines[index + 1 : end]), fields))
            index = end + 1
    roles = (ROLE_DATE, ROLE_TITLE, ROLE_SOURCE, ROLE_URL)
    while index < len(lines):
        match = _META_LINE.match(lines[index]) if len(lines[index]) < 2000 else None
        role = _role_of(match.group(1)) if match else None
        if match is None or role not in roles or not match.group(2):
            break
        fields.setdefault(role, match.group(2))
        index += 1
    return fields, index


def _yaml_fields(block: str, read: Mapping[str, str]) -> dict[str, str]:
    """Front matter fields as YAML reads them (folded and quoted values, lists).

    Scalars YAML would retype (dates, numbers, yes/no) keep the text as written
    (``read``, from the line reader); nested mappings are left to that reader too.
    Nothing is returned when the block is not valid YAML or not a mapping.
    """
    try:
        value = yaml.load(block, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return {}
    if not isinstance(value, dict):
        return {}
    fields: dict[str, str] = {}
    for raw_key, item in value.items():
        if not isinstance(raw_key, str) or not _META_LINE.match(f"{raw_key}:"):
            continue
        key = _field_name(raw_key)
        if isinstance(item, str):
            fields[key] = item.strip()
        elif isinstance(item, list) and all(isinstance(part, str) for part in item):
            fields[key] = ", ".join(part.strip() for part in item)
        elif item is None:
            fields[key] = ""
        elif key in read:
            fields[key] = read[key]
    return fields


def _field_name(name: str) -> str:
    role = _role_of(name)
    return role if role in (ROLE_DATE, ROLE_TITLE, ROLE_SOURCE, ROLE_URL, ROLE_ID) else _snake(name)


def _role_of(name: str) -> str | None:
    wanted = _snake(name)
    for role, names in COLUMN_NAMES.items():
        if wanted in names:
            return role
    return None


def _snake(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _heading_of(line: str) -> str | None:
    """The section a line announces, or None when it is not a heading."""
    if len(line) > _HEADING_MAX_CHARS or not line.strip():
        return None
    label = _strip_markdown(line).translate(_APOSTROPHES).casefold()
    label = re.sub(r"\s+", " ", label).rstrip(" ?:.!").strip()
    for section, pattern in _HEADINGS.items():
        if pattern.fullmatch(label):
            return section
    return None


def _strip_markdown(line: str) -> str:
    return line.strip().lstrip("#>").strip().strip("*_").strip()


def _reflow(lines: Iterable[str]) -> str:
    """Re-join hard-wrapped lines into paragraphs; blank lines separate paragraphs."""
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
        elif not current:
            current = line
        else:
            # List items keep their own line; wrapped prose becomes one line.
            current += ("\n" if _BULLET.match(line) else " ") + line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


# =============================================================================
# files and bytes
# =============================================================================


def discover_files(paths: Sequence[str | Path]) -> list[Path]:
    """Every file under ``paths``, recursively, sorted; hidden files and manifests excluded.

    Args:
        paths: files and folders.

    Returns:
        Unique file paths, sorted. Files of any extension are listed so that the
        load report can account for the ones it cannot read; so are symbolic links
        to folders outside ``path``, which loading reports as not followed.

    Raises:
        InputError: when a path does not exist.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in path.rglob("*"):
                relative = candidate.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                if candidate.is_file() and candidate.name.lower() not in MANIFEST_NAMES:
                    found.add(candidate)
                elif candidate.is_symlink() and _leaves_folder(candidate, path):
                    found.add(candidate)  # a link out of the folder: reported, not followed
        elif path.is_file():
            if path.name.lower() not in MANIFEST_NAMES:
                found.add(path)
        else:
            raise InputError(f"input path does not exist: got {str(raw)!r}")
    return sorted(found, key=lambda p: p.as_posix())


class Decoded(NamedTuple):
    """A file's text and the encoding it was read with (Python codec name)."""

    text: str
    encoding: str


# Encodings whose text needs no mention in the load report.
_PLAIN_ENCODINGS = ("utf-8", "utf-8-sig", "ascii")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes looked at to tell UTF-16 without a BOM and binary data from text.
_SNIFF_BYTES = 65536


def _leaves_folder(path: Path, folder: Path) -> bool:
    """Whether ``path`` resolves (through symbolic links) to outside ``folder``."""
    try:
        return not path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop or an unreadable link
        return True


_LINK_OUT = "symbolic link leading outside the input folder; not followed"


def input_folder(paths: Sequence[Path]) -> Path | None:
    """The deepest folder holding every path (a folder counts as holding itself)."""
    folders = [
        str(path if path.is_dir() and not path.is_symlink() else path.parent) for path in paths
    ]
    if not folders:
        return None
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # absolute and relative paths mixed
        return None


def _shown_name(path: Path, base: Path | None) -> str:
    """A file as users see it: relative to the input folder, never a server path."""
    if base is not None:
        for shown, folder in ((path, base), (path.resolve(), base.resolve())):
            try:
                return shown.relative_to(folder).as_posix()
            except ValueError:
                continue
    return path.name


def _decode(data: bytes) -> Decoded:
    """Bytes to text: a BOM, then UTF-8 (or BOM-less UTF-16), then charset-normalizer's
    best guess, then Windows-1252 and latin-1; binary data is refused."""
    if not data.strip():
        raise _Skip("empty file")
    decoded = _decode_by_bom(data) or _decode_utf16_without_bom(data)
    if decoded is None:
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            decoded = _decode_detected(data) or _decode_fallback(data)
    text = decoded.text
    sample = text[:_SNIFF_BYTES]
    if len(_BINARY_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        kind = "NUL bytes" if "\x00" in sample else "control characters"
        raise _Skip(f"binary file ({kind})")
    if not text.strip():
        raise _Skip("empty file")
    return decoded


def _decode_by_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise _Skip(f"undecodable {encoding} text ({error.reason})") from None
    return None


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a BOM: NUL bytes on one side of most characters only."""
    sample = data[:_SNIFF_BYTES]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, mostly, rarely in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # Mostly-ASCII UTF-16 has a NUL in every other byte; binary data has them anywhere.
        if mostly > 0.3 * half and rarely < 0.02 * half:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_detected(data: bytes) -> Decoded | None:
    """charset-normalizer's guess; Windows-1252 when that reads the bytes the same way."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    try:
        if data.decode("cp1252") == text:
            return Decoded(text, "cp1252")  # the Western default, named as such
    except UnicodeDecodeError:
        pass
    return Decoded(text, codecs.lookup(best.encoding).name)


def _decode_fallback(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1")


def _read_text(path: Path) -> Decoded:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _Skip(f"unreadable: {error.strerror or type(error).__name__}") from None
    return _decode(data)


# =============================================================================
# readers: one per file format
# =============================================================================


def _load_briefing_file(path: Path, columns: Mapping[str, str] | None) -> _Batch:
    decoded = _read_text(path)
    parsed = parse_briefing(decoded.text)
    own = {ROLE_DATE, ROLE_ID, "body", S.TITLE, S.SOURCE, S.URL, *S.SECTIONS}
    reserved = set(S.BRIEFING_COLUMNS)
    record: dict[str, object] = {
        f"{key}_input" if key in reserved or key.startswith(_INTERNAL) else key: value
        for key, value in parsed.items()
        if key not in own
    }
    record.update({key: parsed[key] for key in (S.TITLE, *S.SECTIONS)})
    record[S.SOURCE] = parsed.get(ROLE_SOURCE, "")
    record[S.URL] = parsed.get(ROLE_URL, "")
    record[S.TEXT] = parsed["body"]
    record[_ID] = parsed.get(ROLE_ID) or None
    record[_DATE_RAW] = parsed.get(ROLE_DATE)
    record[_DATE_KIND] = DATE_FRONT_MATTER
    record[S.ORIGIN] = ""  # the file's shown name is put in front when loading ends
    record[_ROW] = None
    return _Batch(records=[record], encoding=decoded.encoding)


def _load_csv(path: Path, columns: Mapping[str, str] | None) -> _Batch:
    return _load_delimited(path, columns, delimiter=None)


def _load_tsv(path: Path, columns: Mapping[str, str] | None) -> _Batch:
    return _load_delimited(path, columns, delimiter="\t")


def _load_delimited(path: Path, columns: Mapping[str, str] | None, delimiter: str | None) -> _Batch:
    decoded = _read_text(path)
    text = decoded.text
    if delimiter is None:
        header_line = text.lstrip("\ufeff").split("\n", 1)[0]
        counts = {sep: header_line.count(sep) for sep in (",", ";", "\t", "|")}
        delimiter = max(counts, key=lambda sep: (counts[sep], sep == ","))
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)  # briefings can be longer than the 128 kB default
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise _Skip(f"malformed delimited text: {error}") from None
    finally:
        csv.field_size_limit(previous_limit)
    if not rows:
        raise _Skip("empty file")
    header = _unique_names(rows[0])
    batch = _Batch(encoding=decoded.encoding)
    has_nul = "\x00" in text
    good: list[list[str]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows[1:], start=1):
        if not row:
            continue  # a blank line is not a row
        if len(row) != len(header):
            batch.skipped.append((number, f"has {len(row)} fields, header has {len(header)}"))
            continue
        if has_nul and any("\x00" in cell for cell in row):
            batch.skipped.append((number, "a cell holds a NUL byte (damaged data)"))
            continue
        good.append(row)
        numbers.append(number)
    frame = pd.DataFrame(good, columns=header, dtype="str")
    return _table_batch(path, frame, numbers, "row", columns, batch)


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for position, raw in enumerate(names):
        name = raw.strip() or f"column_{position + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        unique.append(name)
    return unique


def _load_jsonl(path: Path, columns: Mapping[str, str] | None) -> _Batch:
    decoded = _read_text(path)
    return _jsonl_batch(path, decoded.text, columns, _Batch(encoding=decoded.encoding))


def _jsonl_batch(path: Path, text: str, columns: Mapping[str, str] | None, batch: _Batch) -> _Batch:
    lines = text.lstrip("\ufeff").split("\n")
    del text  # a large feed is held once as lines, not twice
    numbers = [number for number, line in enumerate(lines, start=1) if line.strip()]
    records = _decode_all_lines([lines[number - 1] for number in numbers])
    if records is not None:
        if not records:
            raise _Skip("empty file")
        del lines
        frame = pd.DataFrame.from_records(records)
        del records
        return _table_batch(path, frame, numbers, "line", columns, batch)
    records = []
    numbers = []
    decoder = json.JSONDecoder()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = decoder.decode(line)
        except ValueError as error:
            batch.skipped.append((number, f"invalid JSON ({_json_problem(error)})"))
            continue
        except RecursionError:
            batch.skipped.append((number, _TOO_DEEP))
            continue
        if isinstance(value, dict) and _too_deep(value):
            batch.skipped.append((number, _TOO_DEEP))
            continue
        if not isinstance(value, dict):
            batch.skipped.append((number, f"not a JSON object ({type(value).__name__})"))
            continue
        records.append(value)
        numbers.append(number)
    if not records and not batch.skipped:
        raise _Skip("empty file")
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    return _table_batch(path, frame, numbers, "line", columns, batch)


def _decode_all_lines(lines: list[str]) -> list[dict[str, object]] | None:
    """Every line decoded in one call, or None when any line is not a JSON object.

    Lines are joined with a comma and a raw newline, which no JSON string may
    contain, so a value can never span two lines and the count must match.
    """
    try:
        values = json.loads("[" + ",\n".join(lines) + "]")
    except (ValueError, RecursionError):
        return None
    if len(values) != len(lines) or not all(isinstance(value, dict) for value in values):
        return None
    if any(_too_deep(value) for value in values):
        return None  # read line by line, so each deep record gets its own reason
    return values


def _too_deep(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value nests containers deeper than ``limit`` levels."""
    if isinstance(value, dict) and not any(isinstance(v, dict | list) for v in value.values()):
        return False  # the usual flat record, decided without walking
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        assert isinstance(children, Iterable)
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _json_items_one_by_one(text: str, batch: _Batch) -> list[object]:
    """The items of a top-level JSON array decoded one at a time.

    Used when the whole document is nested too deeply to decode at once: an item
    that is too deep is skipped (``None`` in its place, its reason in ``batch``) and
    the others are kept.
    """
    decoder = json.JSONDecoder()
    position = _skip_json_space(text, 0)
    if not text.startswith("[", position):
        raise _Skip(_TOO_DEEP)
    items: list[object] = []
    position = _skip_json_space(text, position + 1)
    if text.startswith("]", position):
        return items
    while True:
        try:
            value, position = decoder.raw_decode(text, position)
        except RecursionError:
            value, position = None, _end_of_json_value(text, position)
            batch.skipped.append((len(items) + 1, _TOO_DEEP))
        except json.JSONDecodeError as error:
            raise _Skip(f"invalid JSON ({error.msg} at line {error.lineno})") from None
        items.append(None if value is not None and _too_deep(value) else value)
        if value is not None and items[-1] is None:
            batch.skipped.append((len(items), _TOO_DEEP))
        position = _skip_json_space(text, position)
        if text.startswith(",", position):
            position = _skip_json_space(text, position + 1)
        elif text.startswith("]", position):
            return items
        else:
            raise _Skip("invalid JSON (expected ',' or ']' between records)")


def _skip_json_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _end_of_json_value(text: str, position: int) -> int:
    """Where the array or object starting at ``position`` ends, strings skipped whole."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text, position):
        mark = token.group()
        if mark in "[{":
            depth += 1
        elif mark in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    raise _Skip("invalid JSON (a record is not closed)")


def _json_problem(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    return str(error)


def _load_json(path: Path, columns: Mapping[str, str] | None) -> _Batch:
    decoded = _read_text(path)
    text = decoded.text.lstrip("\ufeff")
    batch = _Batch(encoding=decoded.encoding)
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            return _jsonl_batch(path, text, columns, batch)  # JSON Lines saved as .json
        raise _Skip(f"invalid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        value = _json_items_one_by_one(text, batch)
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        if len(lists) == 1:
            value = lists[0]
        elif not lists and any(_role_of(str(key)) == ROLE_TEXT for key in value):
            value = [value]  # one record on its own
        else:
            raise _Skip(
                f"a JSON object must hold exactly one list of records, found {len(lists)} lists"
            )
    if not isinstance(value, list):
        raise _Skip(f"JSON must be a list of records, got a {type(value).__name__}")
    records: list[dict[str, object]] = []
    numbers: list[int] = []
    already = {number for number, _reason in batch.skipped}
    for number, item in enumerate(value, start=1):
        if number in already:
            continue
        if isinstance(item, dict) and _too_deep(item):
            batch.skipped.append((number, _TOO_DEEP))
        elif isinstance(item, dict):
            records.append(item)
            numbers.append(number)
        else:
            batch.skipped.append((number, f"not a JSON object ({type(item).__name__})"))
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    return _table_batch(path, frame, numbers, "row", columns, batch)


def _load_parquet(path: Path, columns: Mapping[str, str] | None) -> _Batch:
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many types for a damaged file
        problem = str(error).replace(str(path), path.name)  # no server path in the reason
        raise _Skip(f"unreadable Parquet ({type(error).__name__}: {problem})") from None
    frame = frame.reset_index(drop=True)
    return _table_batch(path, frame, list(range(1, len(frame) + 1)), "row", columns, _Batch())


_READERS: dict[str, Callable[[Path, Mapping[str, str] | None], _Batch]] = {
    ".txt": _load_briefing_file,
    ".text": _load_briefing_file,
    ".md": _load_briefing_file,
    ".markdown": _load_briefing_file,
    ".csv": _load_csv,
    ".tsv": _load_tsv,
    ".tab": _load_tsv,
    ".jsonl": _load_jsonl,
    ".ndjson": _load_jsonl,
    ".json": _load_json,
    ".parquet": _load_parquet,
    ".pq": _load_parquet,
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_READERS)


# =============================================================================
# tables
# =============================================================================


def _resolve_columns(
    available: Sequence[object], explicit: Mapping[str, str] | None, where: str
) -> dict[str, object]:
    """Map each role to a column of the table (text may be missing: then no entry)."""
    by_name = {str(name).strip().lower(): name for name in reversed(list(available))}
    chosen: dict[str, object] = {}
    for role, name in (explicit or {}).items():
        if name in available:
            chosen[role] = name
        elif str(name).strip().lower() in by_name:
            chosen[role] = by_name[str(name).strip().lower()]
        else:
            existing = ", ".join(str(column) for column in available)
            raise InputError(
                f"column {name!r} named for {role!r} is not in {where}; "
                f"its columns are: {existing}; got {name!r}"
            )
    used = set(chosen.values())
    for role, names in COLUMN_NAMES.items():
        if role in chosen:
            continue
        for name in names:
            column = by_name.get(name)
            if column is not None and column not in used:
                chosen[role] = column
                used.add(column)
                break
    return chosen


def _check_roles(columns: Mapping[str, str] | None) -> None:
    unknown = sorted(set(columns or {}) - set(COLUMN_NAMES))
    if unknown:
        raise InputError(
            f"columns= maps roles {', '.join(COLUMN_NAMES)} to column names; "
            f"got unknown roles {unknown!r}"
        )


def _table_batch(
    path: Path,
    frame: pd.DataFrame,
    numbers: list[int],
    unit: str,
    explicit: Mapping[str, str] | None,
    batch: _Batch,
) -> _Batch:
    """Turn a table into records with canonical columns; extra columns carried along."""
    if not len(frame):
        if not batch.skipped:
            raise _Skip("no rows")
        return batch  # every row was skipped, each with its reason
    chosen = _resolve_columns(list(frame.columns), explicit, repr(path.name))
    if ROLE_TEXT not in chosen:
        # Column names are the file's own content: counted, never quoted.
        raise _Skip(
            f"no text column (looked for {', '.join(COLUMN_NAMES[ROLE_TEXT])}; "
            f"found {len(frame.columns)} other columns)"
        )
    frame = frame.reset_index(drop=True)
    table = pd.DataFrame(index=frame.index)
    table[S.TEXT] = _as_text(frame[chosen[ROLE_TEXT]])
    for role, column in ((ROLE_TITLE, S.TITLE), (ROLE_SOURCE, S.SOURCE), (ROLE_URL, S.URL)):
        values = frame[chosen[role]] if role in chosen else pd.Series("", index=frame.index)
        table[column] = _as_text(values).fillna("").str.strip()
    table[_ID] = _as_ids(frame[chosen[ROLE_ID]]) if ROLE_ID in chosen else pd.NA
    table[_DATE_RAW] = frame[chosen[ROLE_DATE]] if ROLE_DATE in chosen else None
    table[_DATE_KIND] = DATE_RECORD
    table[_ROW] = numbers
    table[S.ORIGIN] = [f":{unit} {number}" for number in numbers]
    table = _split_table_sections(table)
    reserved = set(S.BRIEFING_COLUMNS) | set(table.columns)
    used = set(chosen.values())
    for column in frame.columns:
        if column in used:
            continue
        name = str(column)
        table[f"{name}_input" if name in reserved else name] = frame[column].to_numpy()
    batch.table = table
    return batch


def _as_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values.dtype):
        values = values.astype("Float64")  # 1.0 -> "1", not "1.0"
        integral = values.dropna() == values.dropna().round()
        if bool(integral.all()):
            values = values.astype("Int64")
    return values.astype("str")


def _as_ids(values: pd.Series) -> pd.Series:
    ids = _as_text(values).str.strip()
    return ids.where(ids.str.len() > 0)


def _split_table_sections(table: pd.DataFrame) -> pd.DataFrame:
    """Normalise table text; rows holding the canonical headings are split into sections."""
    text = table[S.TEXT].fillna("")
    if text.str.contains("\r", regex=False).any():
        text = text.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    if _matches(text, _CONTROL_HINT).any():
        text = text.str.replace(_CONTROL_HINT, " ", regex=True)
    text = text.str.strip()
    table = table.assign(**{S.TEXT: text, S.HAPPENING: "", S.IMPORTANCE: "", S.NEXT: ""})
    hinted = _matches(text, _HEADING_HINT)
    if not hinted.any():
        return table
    updates: dict[str, list[object]] = {
        name: [] for name in (S.TEXT, S.TITLE, *S.SECTIONS, _DATE_RAW, _DATE_KIND)
    }
    table = _split_canonical_rows(table, hinted)
    hinted &= table[S.HAPPENING].eq("") & table[S.IMPORTANCE].eq("") & table[S.NEXT].eq("")
    positions = np.flatnonzero(hinted.to_numpy())
    if not len(positions):
        return table
    texts = table[S.TEXT].to_numpy(dtype=object)[positions]
    titles = table[S.TITLE].to_numpy(dtype=object)[positions]
    dates_raw = table[_DATE_RAW].to_numpy(dtype=object)[positions]
    date_kinds = table[_DATE_KIND].to_numpy(dtype=object)[positions]
    for index in range(len(positions)):
        parsed = parse_briefing(texts[index])
        sections = [parsed[name] for name in S.SECTIONS]
        title = titles[index]
        body = parsed["body"] if any(sections) else texts[index]
        if any(sections) and parsed[ROLE_TITLE]:
            if not title:
                title = parsed[ROLE_TITLE]
            elif parsed[ROLE_TITLE] != title:
                body = f"{parsed[ROLE_TITLE]}\n\n{body}"
        date_raw = dates_raw[index]
        date_kind = date_kinds[index]
        if _is_missing(date_raw) and parsed.get(ROLE_DATE):
            date_raw, date_kind = parsed[ROLE_DATE], DATE_FRONT_MATTER
        for name, value in zip(updates, (body, title, *sections, date_raw, date_kind), strict=True):
            updates[name].append(value)
    table = table.copy()
    for name, values in updates.items():
        column = table.columns.get_loc(name)
        if name == _DATE_RAW:
            table[name] = table[name].astype(object)
        table.iloc[positions, column] = pd.Series(values, dtype=object).to_numpy()
    return table


# The exact layout generated corpora use: the three headings, each followed by one line.
_CANONICAL_ROW = (
    r"^What's Happening\?\n(?P<happening>[^\n]*)\n"
    r"Why It's Important\?\n(?P<importance>[^\n]*)\n"
    r"What's Next\?\n(?P<next>[^\n]*)$"
)


def _split_canonical_rows(table: pd.DataFrame, hinted: pd.Series) -> pd.DataFrame:
    """Split rows in the exact canonical layout with one vectorised regex.

    Rows with anything else (a title line, front matter, wrapped paragraphs, markdown)
    are left for ``parse_briefing``, which this reproduces exactly on the rows it takes.
    """
    if not hinted.any():
        return table
    extracted = pc.extract_regex(arrow_strings(table[S.TEXT]), _CANONICAL_ROW)
    parts = {}
    valid = extracted.is_valid().to_numpy(zero_copy_only=False) & hinted.to_numpy()
    for name in S.SECTIONS:
        column = pc.utf8_trim_whitespace(pc.struct_field(extracted, name))
        values = pd.Series(column.to_numpy(zero_copy_only=False), index=table.index)
        # A short line could itself read as a heading to parse_briefing: leave such rows.
        valid &= values.fillna("").str.len().to_numpy() > _HEADING_MAX_CHARS
        parts[name] = values
    if not valid.any():
        return table
    table = table.copy()
    for name in S.SECTIONS:
        table.loc[valid, name] = parts[name][valid]
    table.loc[valid, S.TEXT] = (
        parts[S.HAPPENING][valid]
        + "\n\n"
        + parts[S.IMPORTANCE][valid]
        + "\n\n"
        + parts[S.NEXT][valid]
    )
    return table


def _matches(values: pd.Series, pattern: str) -> pd.Series:
    """Whether each string contains ``pattern`` (RE2 syntax), on whole columns at once."""
    found = pc.match_substring_regex(arrow_strings(values), pattern)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# =============================================================================
# manifests
# =============================================================================


@dataclass
class _Manifest:
    """Per-file metadata: entries keyed by a relative path, scoped to a folder (or all)."""

    name: str
    folder: Path | None
    entries: pd.DataFrame  # index: key; columns: date, title, source, url, extras, row
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    # A manifest found in a folder covers every file under it, loaded now or not.
    covers_folder: bool = False


def _read_manifest(source: str | Path | pd.DataFrame) -> _Manifest:
    """Read a manifest (CSV, JSON or a DataFrame). Raises _Skip when it cannot be used."""
    if isinstance(source, pd.DataFrame):
        frame, name, folder = source.reset_index(drop=True), "<manifest table>", None
    else:
        path = Path(source)
        name, folder = path.name, path.parent
        text = _read_text(path).text
        if path.suffix.lower() == ".json":
            try:
                value = json.loads(text.lstrip("\ufeff"))
            except json.JSONDecodeError as error:
                raise _Skip(f"invalid JSON ({error.msg} at line {error.lineno})") from None
            except RecursionError:
                raise _Skip(_TOO_DEEP) from None
            frame = _manifest_frame_from_json(value)
        else:
            try:
                frame = pd.read_csv(
                    io.StringIO(text.lstrip("\ufeff")),
                    dtype="str",
                    keep_default_na=False,
                    sep=None,
                    engine="python",
                )
            except (pd.errors.ParserError, csv.Error, ValueError) as error:
                raise _Skip(f"malformed manifest CSV ({error})") from None
    lowered = {str(column).strip().lower(): column for column in frame.columns}
    key_column = next((lowered[key] for key in MANIFEST_KEY_NAMES if key in lowered), None)
    if key_column is None:
        raise _Skip(
            f"manifest has no file name column (looked for {', '.join(MANIFEST_KEY_NAMES)}; "
            f"found {len(frame.columns)} other columns)"
        )
    chosen = _resolve_columns([c for c in frame.columns if c != key_column], None, name)
    entries = pd.DataFrame(index=frame.index)
    entries["_key"] = frame[key_column].astype("str").map(_manifest_key)
    entries[ROLE_DATE] = frame[chosen[ROLE_DATE]] if ROLE_DATE in chosen else None
    for role in (ROLE_TITLE, ROLE_SOURCE, ROLE_URL):
        values = frame[chosen[role]] if role in chosen else ""
        entries[role] = pd.Series(values, index=frame.index).astype("str").fillna("").str.strip()
    used = set(chosen.values()) | {key_column}
    for column in frame.columns:
        if column not in used:
            entries[str(column)] = frame[column].to_numpy()
    entries[_ROW] = np.arange(1, len(frame) + 1)
    problems: list[tuple[int | None, str]] = []
    blank = entries["_key"] == ""
    for row in entries.loc[blank, _ROW]:
        problems.append((int(row), "manifest entry has no file name"))
    repeated = entries["_key"].duplicated() & ~blank
    for row, key in zip(entries.loc[repeated, _ROW], entries.loc[repeated, "_key"], strict=True):
        problems.append((int(row), f"manifest entry {key!r} repeats an earlier entry"))
    entries = entries[~blank & ~repeated].set_index("_key")
    return _Manifest(name, folder, entries, problems)


def _manifest_frame_from_json(value: object) -> pd.DataFrame:
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        if len(lists) == 1:
            value = lists[0]
        else:
            # {"a.txt": {"date": ...}} or {"a.txt": "2025-11-25"}
            rows = [
                {"file": key, **(item if isinstance(item, dict) else {"date": item})}
                for key, item in value.items()
            ]
            return pd.DataFrame.from_records(rows)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _Skip("a JSON manifest must be a list of records or an object keyed by file name")
    return pd.DataFrame.from_records(value)


def _manifest_key(raw: str) -> str:
    key = raw.strip().replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key.strip("/")


def _path_keys(path: Path, folder: Path | None) -> list[str]:
    """Keys a manifest may use for ``path``: its path relative to the folder, then suffixes."""
    parts = path.parts
    keys = []
    if folder is not None:
        try:
            keys.append(path.relative_to(folder).as_posix())
        except ValueError:
            pass
    keys += ["/".join(parts[-depth:]) for depth in range(len(parts), 0, -1)]
    return list(dict.fromkeys(keys))


def _find_entry(manifest: _Manifest, path: Path) -> pd.Series | None:
    for key in _path_keys(path, manifest.folder):
        if key in manifest.entries.index:
            return manifest.entries.loc[key]
    return None


def _folder_manifests(files: Sequence[Path]) -> dict[Path, list[Path]]:
    """For each folder holding a manifest, the manifest files (nearest ancestor wins)."""
    cache: dict[Path, list[Path]] = {}
    nearest: dict[Path, list[Path]] = {}
    for file in files:
        for folder in file.parents:
            if folder not in cache:
                cache[folder] = [
                    folder / name for name in MANIFEST_NAMES if (folder / name).is_file()
                ]
            if cache[folder]:
                nearest[folder] = cache[folder]
                break
    return nearest


# =============================================================================
# loading
# =============================================================================


def load_files(
    files: Sequence[Path],
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    relative_to: str | Path | None = None,
    max_briefing_mb: float | None = None,
) -> LoadResult:
    """Load briefing files without marking duplicates and without failing on no result.

    Args:
        files: the files to read (see ``discover_files``).
        manifest: a manifest (CSV/JSON path or DataFrame) giving date, title,
            source and url per file name; ``manifest.csv``/``manifest.json`` in a
            file's folder (or the nearest ancestor holding one) are used as well.
        columns: explicit table column names by role (``text``, ``id``, ``date``,
            ``title``, ``source``, ``url``).
        progress: called with (files done, files total) after each file.
        relative_to: the input folder. The load report and ``origin`` name files
            relative to it, and symbolic links leading out of it are not followed;
            default the deepest folder holding every file.
        max_briefing_mb: the per-briefing size cap; default the environment's
            ``BRIEFING_ATLAS_MAX_BRIEFING_MB``, else 10. A larger briefing is skipped
            with its size and the limit in the report.

    Returns:
        The briefings (sorted by date then id, possibly empty) and the load report.

    Raises:
        InputError: when ``columns`` names an unknown role or a column a table
            lacks, when an explicit manifest cannot be read, or when the size cap
            is not a positive number.
    """
    _check_roles(columns)
    limit_mb = _cap_mb(max_briefing_mb)
    files = [Path(file) for file in files]
    base = Path(relative_to) if relative_to is not None else input_folder(files)
    shown = {path: _shown_name(path, base) for path in files}
    report_rows: list[tuple[str, int | None, str, str, str | None]] = []
    explicit = _explicit_manifest(manifest)
    folder_manifests = _load_folder_manifests(files, report_rows, base)
    text_records: list[dict[str, object]] = []
    tables: list[pd.DataFrame] = []
    file_of: list[Path] = []
    encodings: list[str] = []
    for done, path in enumerate(files, start=1):
        batch = _load_one(path, columns, report_rows, shown[path], base, limit_mb)
        if batch is not None:
            for record in batch.records:
                record[_FILE] = len(file_of)
                text_records.append(record)
            if batch.table is not None and len(batch.table):
                tables.append(batch.table.assign(**{_FILE: len(file_of)}))
            for row, reason in batch.skipped:
                report_rows.append((shown[path], row, SKIPPED, reason, None))
        file_of.append(path)
        encodings.append(batch.encoding if batch is not None else "utf-8")
        if progress is not None:
            progress(done, len(files))
    frames = ([pd.DataFrame.from_records(text_records)] if text_records else []) + tables
    manifests = [explicit] if explicit else []
    manifests += [found for group in folder_manifests.values() for found in group]
    _report_unmatched(manifests, files, report_rows)
    if not frames:
        return LoadResult(_empty_briefings(), _sort_report(_report_frame(report_rows)))
    records = pd.concat(frames, ignore_index=True, sort=False)
    names = [shown[path] for path in file_of]
    briefings, loaded_rows = _finish(
        records, _Files(file_of, names, encodings), explicit, folder_manifests, limit_mb
    )
    report = _report_frame(report_rows + loaded_rows)
    briefings, report = _resolve_id_collisions(briefings, report)
    return LoadResult(_sort(briefings), _sort_report(report))


class _Files(NamedTuple):
    """The loaded files by index: their paths, shown names and text encodings."""

    paths: list[Path]
    names: list[str]
    encodings: list[str]


def _explicit_manifest(manifest: str | Path | pd.DataFrame | None) -> _Manifest | None:
    if manifest is None:
        return None
    try:
        return _read_manifest(manifest)
    except _Skip as problem:
        shown = "<manifest table>" if isinstance(manifest, pd.DataFrame) else str(manifest)
        raise InputError(f"manifest cannot be used: {problem}; got {shown!r}") from None


def _load_folder_manifests(
    files: Sequence[Path],
    report_rows: list[tuple[str, int | None, str, str, str | None]],
    base: Path | None,
) -> dict[Path, list[_Manifest]]:
    loaded: dict[Path, list[_Manifest]] = {}
    for folder, paths in _folder_manifests(files).items():
        loaded[folder] = []
        for path in paths:
            shown = _shown_name(path, base)
            try:
                if _leaves_folder(path, folder):
                    raise _Skip(_LINK_OUT)
                found = _read_manifest(path)
                loaded[folder].append(replace(found, name=shown, covers_folder=True))
            except _Skip as problem:
                report_rows.append((shown, None, SKIPPED, f"manifest: {problem}", None))
    return loaded


def _load_one(
    path: Path,
    columns: Mapping[str, str] | None,
    report_rows: list[tuple[str, int | None, str, str, str | None]],
    shown: str,
    base: Path | None,
    limit_mb: float,
) -> _Batch | None:
    reader = _READERS.get(path.suffix.lower())
    try:
        if _leaves_folder(path, base if base is not None else path.parent):
            raise _Skip(_LINK_OUT)
        if path.name.lower() in MANIFEST_NAMES:
            raise _Skip("manifest, not a briefing")
        if reader is None:
            accepted = ", ".join(SUPPORTED_EXTENSIONS)
            raise _Skip(f"unsupported extension {path.suffix or '(none)'!r} (accepted: {accepted})")
        if reader is _load_briefing_file:
            size = path.stat().st_size
            if size > limit_mb * _MB:
                raise _Skip(_over_cap(size, limit_mb))  # never read at all
        return reader(path, columns)
    except _Skip as problem:
        report_rows.append((shown, None, SKIPPED, str(problem), None))
        return None
    except OSError as error:
        reason = f"unreadable: {error.strerror or type(error).__name__}"
        report_rows.append((shown, None, SKIPPED, reason, None))
        return None


def _report_unmatched(
    manifests: list[_Manifest],
    files: Sequence[Path],
    report_rows: list[tuple[str, int | None, str, str, str | None]],
) -> None:
    """Report manifest entries (and manifest problems) that match no file."""
    for manifest in manifests:
        for row, reason in manifest.problems:
            report_rows.append((manifest.name, row, SKIPPED, reason, None))
        candidates = list(files)
        if manifest.covers_folder and manifest.folder is not None:
            candidates += discover_files([manifest.folder])
        matched: set[str] = set()
        for path in candidates:
            for key in _path_keys(path, manifest.folder):
                if key in manifest.entries.index:
                    matched.add(key)
                    break
        for key, row in zip(manifest.entries.index, manifest.entries[_ROW], strict=True):
            if key not in matched:
                reason = f"manifest entry {key!r} matches no input file"
                report_rows.append((manifest.name, int(row), SKIPPED, reason, None))


def _finish(
    records: pd.DataFrame,
    files: _Files,
    explicit: _Manifest | None,
    folder_manifests: dict[Path, list[_Manifest]],
    limit_mb: float,
) -> tuple[pd.DataFrame, list[tuple[str, int | None, str, str, str | None]]]:
    """Dates, ids, size and empty-text checks over all records at once; report rows."""
    file_of = files.paths
    for name in (S.TITLE, S.SOURCE, S.URL, *S.SECTIONS):
        if name not in records:
            records[name] = ""
        records[name] = records[name].fillna("").astype("str")
    records[S.TEXT] = records[S.TEXT].fillna("").astype("str")
    records[S.ORIGIN] = records[_FILE].map(dict(enumerate(files.names))).astype("str") + records[
        S.ORIGIN
    ].fillna("").astype("str")
    notes = pd.Series("", index=records.index, dtype="str")
    parsed = pd.Series(pd.NaT, index=records.index, dtype=D.DATE_DTYPE)
    raw = records[_DATE_RAW].astype(object) if _DATE_RAW in records else None
    # A date field given but blank, or refused, is said so: never filled in silently.
    problem = pd.Series(False, index=records.index)
    if raw is not None:
        present = raw.map(lambda value: not _is_missing(value))
        if present.any():
            checked = D.check_dates(_uniform(raw[present]), records.loc[present, _FILE])
            parsed[present] = checked.dates
            notes[present] = checked.notes
            problem[present] = checked.dates.isna()
        blank = ~present & raw.map(lambda value: value is not None)
        notes[blank] = "no date"
        problem |= blank
    records[S.DATE] = parsed
    records[S.DATE_SOURCE] = records[_DATE_KIND].where(parsed.notna())
    _apply_file_level(records, file_of, explicit, folder_manifests)
    records[S.DATE_SOURCE] = records[S.DATE_SOURCE].astype("str")
    no_date = records[S.DATE].isna()
    notes[no_date] = notes[no_date].where(notes[no_date] == "", notes[no_date] + "; ") + "no date"
    notes = _note_fallback_dates(notes, records[S.DATE_SOURCE], problem & ~no_date)
    encoding_notes = {
        index: f"decoded as {encoding}"
        for index, encoding in enumerate(files.encodings)
        if encoding not in _PLAIN_ENCODINGS
    }
    if encoding_notes:
        noted = records[_FILE].map(encoding_notes).fillna("").astype("str")
        notes = _join_notes(notes, noted)
    empty = records[S.TEXT].str.strip() == ""
    sizes = pc.binary_length(pc.cast(arrow_strings(records[S.TEXT]), "binary"))
    sizes = pd.Series(sizes.to_numpy(zero_copy_only=False), index=records.index)
    over = sizes > limit_mb * _MB
    if over.any():
        notes[over] = sizes[over].map(lambda size: _over_cap(size, limit_mb))
    ids = records[_ID] if _ID in records else pd.Series(pd.NA, index=records.index)
    ids = ids.astype(object).where(ids.notna(), None)
    missing = ids.isna() & ~empty
    ids[missing] = [_content_id(text) for text in records.loc[missing, S.TEXT]]
    records[S.BRIEFING_ID] = ids.astype("str")
    shown = records[_FILE].map(dict(enumerate(files.names)))
    rows = records[_ROW] if _ROW in records else pd.Series(None, index=records.index)
    report = pd.DataFrame(
        {
            FILE: shown,
            ROW: pd.array(rows.astype(object).where(rows.notna(), None), dtype="Int64"),
            STATUS: np.where(empty | over, SKIPPED, LOADED),
            REASON: notes.where(~empty, "empty text"),
            S.BRIEFING_ID: records[S.BRIEFING_ID].where(~empty & ~over),
        }
    )
    loaded_rows = list(report.itertuples(index=False, name=None))
    briefings = records[~empty & ~over].reset_index(drop=True)
    briefings[S.DUPLICATE_OF] = pd.Series(pd.NA, index=briefings.index, dtype="str")
    internal = [column for column in briefings.columns if str(column).startswith(_INTERNAL)]
    briefings = briefings.drop(columns=internal)
    extras = [column for column in briefings.columns if column not in S.BRIEFING_COLUMNS]
    return briefings[[*S.BRIEFING_COLUMNS, *extras]], loaded_rows


_FALLBACK_PHRASES = {
    DATE_MANIFEST: "dated by the manifest",
    DATE_FILE_NAME: "dated by the file name",
    DATE_FILE_TIME: "dated by the file's modification time",
}


def _note_fallback_dates(notes: pd.Series, sources: pd.Series, problem: pd.Series) -> pd.Series:
    """Say where a date came from when the record's own was refused, or from the file's time."""
    phrases = sources.map(_FALLBACK_PHRASES).fillna("").astype("str")
    said = (problem | (sources == DATE_FILE_TIME)) & (phrases != "")
    return notes.where(~said, _join_notes(notes, phrases)[said])


def _join_notes(first: pd.Series, second: pd.Series) -> pd.Series:
    """Two notes per row joined with "; ", either possibly empty."""
    both = (first != "") & (second != "")
    return first.where(second == "", first + np.where(both, "; ", "") + second)


def _uniform(values: pd.Series) -> pd.Series:
    """A column of one kind for vectorised parsing: numbers stay numbers, else strings."""
    kinds = {type(value) for value in values}
    if kinds <= {int, float, np.int64, np.float64}:
        return values.astype("float64")
    if len(kinds) == 1 and issubclass(next(iter(kinds)), pd.Timestamp):
        return pd.to_datetime(values, utc=True)
    # A number among strings stays a number: typed data says it is an epoch time.
    return values.map(lambda value: value if _is_text_or_number(value) else _scalar_text(value))


def _is_text_or_number(value: object) -> bool:
    return isinstance(value, str | int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )


def _scalar_text(value: object) -> str:
    stamp = D.parse_date(value)
    return stamp.isoformat() if stamp is not None else str(value)


def _apply_file_level(
    records: pd.DataFrame,
    file_of: list[Path],
    explicit: _Manifest | None,
    folder_manifests: dict[Path, list[_Manifest]],
) -> None:
    """Fill dates (and empty title/source/url) from manifest, file name, then file time."""
    file_index = records[_FILE]
    entries: dict[int, pd.Series] = {}
    for index in pd.unique(file_index.to_numpy()):
        entry = _manifest_entry(file_of[int(index)], explicit, folder_manifests)
        if entry is not None:
            entries[int(index)] = entry
    for role, column in ((ROLE_TITLE, S.TITLE), (ROLE_SOURCE, S.SOURCE), (ROLE_URL, S.URL)):
        given = {index: str(entry.get(role) or "") for index, entry in entries.items()}
        values = file_index.map(given).astype("str").fillna("")
        blank = (records[column] == "") & (values != "")
        records.loc[blank, column] = values[blank]
    extras = {
        name
        for entry in entries.values()
        for name in entry.index
        if name not in (ROLE_DATE, ROLE_TITLE, ROLE_SOURCE, ROLE_URL, _ROW)
    }
    for name in sorted(extras):
        values = file_index.map({index: entry.get(name) for index, entry in entries.items()})
        if name not in records:
            records[name] = values
        else:
            records[name] = records[name].astype(object).where(records[name].notna(), values)
    stamps = {
        DATE_MANIFEST: {i: D.parse_date(e.get(ROLE_DATE)) for i, e in entries.items()},
        DATE_FILE_NAME: {
            i: D.date_from_file_name(file_of[i].name) for i in pd.unique(file_index.to_numpy())
        },
        DATE_FILE_TIME: {i: D.file_time(file_of[i]) for i in pd.unique(file_index.to_numpy())},
    }
    for kind, by_file in stamps.items():
        undated = records[S.DATE].isna()
        if not undated.any():
            break
        known = {index: stamp for index, stamp in by_file.items() if stamp is not None}
        if not known:
            continue
        fallback = pd.to_datetime(file_index[undated].map(known), utc=True).astype(D.DATE_DTYPE)
        filled = fallback.notna()
        records.loc[fallback.index[filled], S.DATE] = fallback[filled]
        records.loc[fallback.index[filled], S.DATE_SOURCE] = kind


def _manifest_entry(
    path: Path, explicit: _Manifest | None, folder_manifests: dict[Path, list[_Manifest]]
) -> pd.Series | None:
    if explicit is not None:
        entry = _find_entry(explicit, path)
        if entry is not None:
            return entry
    for folder in path.parents:
        if folder in folder_manifests:
            for manifest in folder_manifests[folder]:
                entry = _find_entry(manifest, path)
                if entry is not None:
                    return entry
            return None
    return None


def _content_id(text: str) -> str:
    digest = hashlib.sha1(normalise_text(text).encode("utf-8"), usedforsecurity=False)
    return _ID_PREFIX + digest.hexdigest()[:16]


def _report_frame(rows: list[tuple[str, int | None, str, str, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    frame[FILE] = frame[FILE].astype("str")
    frame[ROW] = pd.array(frame[ROW].astype(object).where(frame[ROW].notna(), None), dtype="Int64")
    for column in (STATUS, REASON, S.BRIEFING_ID):
        frame[column] = frame[column].astype("str")
    return frame


def _sort_report(report: pd.DataFrame) -> pd.DataFrame:
    """File by file, the whole-file row first, then table rows in order."""
    ordered = report.sort_values([FILE, ROW], na_position="first", kind="stable")
    return ordered.reset_index(drop=True)


def _empty_briefings() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype="str") for column in S.BRIEFING_COLUMNS})
    frame[S.DATE] = pd.Series(dtype=D.DATE_DTYPE)
    return frame


def _sort(briefings: pd.DataFrame) -> pd.DataFrame:
    ordered = briefings.sort_values([S.DATE, S.BRIEFING_ID], na_position="last", kind="stable")
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
    return pd.DataFrame({FILE: files, ROW: rows}, index=origins.index)


def _row_keys(files: pd.Series, rows: pd.Series) -> pd.Index:
    """One string per (file, row) pair; a whole file has an empty row part."""
    row_text = rows.astype("Int64").astype("str").fillna("")
    return pd.Index(files.astype("str").str.cat(row_text.astype("str"), sep="\x1f"))


def _report_positions(report: pd.DataFrame, briefings: pd.DataFrame) -> np.ndarray:
    """For each briefing, the position of its report row (-1 when it has none)."""
    keys = _origin_keys(briefings[S.ORIGIN])
    wanted = _row_keys(keys[FILE], keys[ROW])
    live = report[STATUS].isin([LOADED, NEAR_DUPLICATE]).to_numpy()
    lookup = pd.Series(np.arange(len(report)), index=_row_keys(report[FILE], report[ROW]))[live]
    # A file loaded again (by a store adding files) has its latest row last.
    lookup = lookup[~lookup.index.duplicated(keep="last")]
    return lookup.reindex(wanted).fillna(-1).to_numpy(dtype=np.int64)


def _resolve_id_collisions(
    briefings: pd.DataFrame, report: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give a distinct id to a briefing whose input id is taken by a different text.

    The first in table order keeps the id; later ones become ``id#2``, ``id#3``.
    Same id with the same text is left alone: that is an exact duplicate.
    """
    ids = briefings[S.BRIEFING_ID]
    if not ids.duplicated().any():
        return briefings, report
    normalised = briefings[S.TEXT].map(normalise_text)
    clash = ids.duplicated(keep=False)
    seen_text = normalised[clash].groupby(ids[clash], sort=False).transform("first")
    different = clash.copy()
    different[clash] = normalised[clash] != seen_text
    if not different.any():
        return briefings, report
    taken = set(ids)
    new_ids = ids.copy()
    counters: dict[str, int] = {}
    for position in np.flatnonzero(different.to_numpy()):
        old = ids.iat[position]
        number = counters.get(old, 2)
        while f"{old}#{number}" in taken:
            number += 1
        counters[old] = number + 1
        new_ids.iat[position] = f"{old}#{number}"
        taken.add(new_ids.iat[position])
    briefings = briefings.assign(**{S.BRIEFING_ID: new_ids})
    positions = _report_positions(report, briefings)
    renamed = different.to_numpy() & (positions >= 0)
    report = report.copy()
    targets = positions[renamed]
    report.iloc[targets, report.columns.get_loc(S.BRIEFING_ID)] = new_ids[renamed].to_numpy()
    old_reason = report[REASON].iloc[targets].fillna("")
    note = "id " + ids[renamed].map(repr) + " is used by another text; renamed"
    note = note.to_numpy()
    report.iloc[targets, report.columns.get_loc(REASON)] = np.where(
        old_reason.to_numpy() == "", note, old_reason.to_numpy() + "; " + note
    )
    return briefings, report


def mark_duplicates(
    briefings: pd.DataFrame,
    report: pd.DataFrame,
    *,
    threshold: float = 0.8,
    random_state: int = 0,
) -> LoadResult:
    """Collapse exact duplicates and flag near-duplicates over a whole briefing table.

    Exact duplicates (same words, ignoring case and spacing) collapse to the first
    by date then id; the others leave the table and their report rows say
    ``duplicate``. Near-duplicates (Jaccard similarity of word 5-gram shingles at
    least ``threshold``) stay, with ``duplicate_of`` set to the earliest briefing
    they resemble and report status ``near-duplicate``. Earlier near-duplicate
    flags are recomputed, so the table can be old and new briefings combined.

    Args:
        briefings: a briefing table (``load_files`` output, possibly concatenated).
        report: its load report.
        threshold: the near-duplicate Jaccard threshold, in (0, 1].
        random_state: seed of the similarity hashing.

    Returns:
        The remaining briefings sorted by date then id, and the updated report.

    Raises:
        InputError: when ``threshold`` is out of range.
    """
    if not 0 < threshold <= 1:
        raise InputError(f"threshold must be in (0, 1], got {threshold!r}")
    report = report.copy()
    reflagged = report[STATUS] == NEAR_DUPLICATE
    report.loc[reflagged, STATUS] = LOADED
    report.loc[reflagged, REASON] = report.loc[reflagged, REASON].str.replace(
        _NEAR_REASON.pattern, "", regex=True
    )
    briefings = briefings.assign(**{S.DUPLICATE_OF: pd.Series(pd.NA, index=briefings.index)})
    briefings[S.DUPLICATE_OF] = briefings[S.DUPLICATE_OF].astype("str")
    briefings, report = _resolve_id_collisions(briefings.reset_index(drop=True), report)
    briefings = _sort(briefings)
    if briefings.empty:
        return LoadResult(briefings, report, _empty_keys())
    found = find_duplicates(
        briefings[S.TEXT], threshold=threshold, random_state=random_state, with_keys=True
    )
    ids = briefings[S.BRIEFING_ID].to_numpy(dtype=object)
    positions = _report_positions(report, briefings)
    status = report[STATUS].to_numpy(dtype=object).copy()
    reason = report[REASON].fillna("").to_numpy(dtype=object).copy()
    report_ids = report[S.BRIEFING_ID].to_numpy(dtype=object).copy()
    exact = found[EXACT_OF].notna().to_numpy()
    kept = ids[found[EXACT_OF].fillna(0).to_numpy(dtype=np.int64)]
    for own, original, target in zip(ids[exact], kept[exact], positions[exact], strict=True):
        if target >= 0:
            note = f"exact duplicate of {original}"
            note += f" (input id {own})" if own != original else ""
            status[target] = DUPLICATE
            reason[target] = f"{note}; {reason[target]}" if reason[target] else note
            report_ids[target] = original
    near = found[NEAR_OF].notna().to_numpy()
    originals = ids[found[NEAR_OF].fillna(0).to_numpy(dtype=np.int64)]
    similarity = found[JACCARD].to_numpy()
    for original, jaccard, target in zip(
        originals[near], similarity[near], positions[near], strict=True
    ):
        if target >= 0:
            note = f"near-duplicate of {original} (Jaccard {jaccard:.2f})"
            status[target] = NEAR_DUPLICATE
            reason[target] = f"{note}; {reason[target]}" if reason[target] else note
    duplicate_of = pd.Series(np.where(near, originals, None), index=briefings.index, dtype="str")
    # A row still "loaded" that no briefing in the table came from, while the id it
    # was loaded as is in the table, lost to that briefing: an exact duplicate.
    matched = np.zeros(len(report), dtype=bool)
    matched[positions[positions >= 0]] = True
    present = set(ids)
    for target in np.flatnonzero(~matched & (status == LOADED)):
        if report_ids[target] in present:
            note = f"exact duplicate of {report_ids[target]}"
            status[target] = DUPLICATE
            reason[target] = f"{note}; {reason[target]}" if reason[target] else note
    report[STATUS] = pd.Series(status, index=report.index, dtype="str")
    report[REASON] = pd.Series(reason, index=report.index, dtype="str")
    report[S.BRIEFING_ID] = pd.Series(report_ids, index=report.index, dtype="str")
    briefings = briefings.assign(**{S.DUPLICATE_OF: duplicate_of})
    keys = pd.concat([briefings[[S.BRIEFING_ID]], found[[FINGERPRINT, *BAND_COLUMNS]]], axis=1)[
        ~exact
    ].reset_index(drop=True)
    briefings = briefings[~exact].reset_index(drop=True)
    return LoadResult(briefings, report, keys)


def _empty_keys() -> pd.DataFrame:
    frame = pd.DataFrame({S.BRIEFING_ID: pd.Series(dtype="str")})
    for column in (FINGERPRINT, *BAND_COLUMNS):
        frame[column] = pd.Series(dtype=np.uint64)
    return frame


@dataclass(frozen=True)
class StoredCorpus:
    """What de-duplicating added briefings needs to know of the stored ones.

    ``ids``, ``dates`` and ``keys`` are row-aligned (position ``i`` is one briefing);
    ``texts`` returns the texts at given positions, read only when needed.
    """

    ids: pd.Series
    dates: pd.Series
    keys: pd.DataFrame
    texts: Callable[[np.ndarray], pd.Series]


def _order_keys(dates: pd.Series, ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(nanoseconds, id) per briefing, missing dates last, as the table's sort order."""
    nanos = dates.array.asi8 if len(dates) else np.empty(0, dtype=np.int64)
    nanos = np.where(dates.isna().to_numpy(), np.iinfo(np.int64).max, nanos)
    return nanos, ids.astype("str").to_numpy(dtype=object)


def mark_added(
    stored: StoredCorpus,
    added: LoadResult,
    *,
    threshold: float = 0.8,
    random_state: int = 0,
) -> LoadResult | None:
    """De-duplicate added briefings among themselves and against stored ones.

    The result is what ``mark_duplicates`` over stored and added briefings together
    would give for the added ones, while the stored briefings stay as they are.
    When the added briefings would change a stored one (an added briefing dated
    before a stored one it duplicates, or reusing a stored id for another text),
    or an added briefing that duplicates a stored one is itself the original of
    another added briefing, ``None`` is returned: process everything together.

    Args:
        stored: the stored briefings' ids, dates, duplicate keys and texts.
        added: ``load_files`` output for the added inputs.
        threshold: the near-duplicate Jaccard threshold, in (0, 1].
        random_state: seed of the similarity hashing (as the stored keys used).

    Returns:
        The added briefings still to store (with ``duplicate_of`` set), their
        report and keys; or ``None``.
    """
    own = mark_duplicates(
        added.briefings, added.report, threshold=threshold, random_state=random_state
    )
    briefings, report, keys = own.briefings, own.report.copy(), own.keys
    if briefings.empty or stored.ids.empty:
        return own
    assert keys is not None
    pairs = match_added(
        briefings[S.TEXT],
        keys,
        stored.keys,
        stored.texts,
        threshold=threshold,
        random_state=random_state,
    )
    clashing = np.flatnonzero(strings_in(briefings[S.BRIEFING_ID], stored.ids))
    exact_pairs = pairs[pairs[EXACT]]
    same_text = set(
        exact_pairs[NEW_POSITION][
            stored.ids.to_numpy(dtype=object)[exact_pairs[OLD_POSITION]]
            == briefings[S.BRIEFING_ID].to_numpy(dtype=object)[exact_pairs[NEW_POSITION]]
        ]
    )
    if any(position not in same_text for position in clashing):
        return None
    if pairs.empty:
        return own
    new_nanos, new_ids = _order_keys(briefings[S.DATE], briefings[S.BRIEFING_ID])
    old_nanos, old_ids = _order_keys(stored.dates, stored.ids)
    new_at, old_at = pairs[NEW_POSITION].to_numpy(), pairs[OLD_POSITION].to_numpy()
    earlier = (new_nanos[new_at] < old_nanos[old_at]) | (
        (new_nanos[new_at] == old_nanos[old_at]) & (new_ids[new_at] < old_ids[old_at])
    )
    if earlier.any():
        return None
    matched_ids = set(new_ids[np.unique(new_at)])
    referenced = set(briefings[S.DUPLICATE_OF].dropna()) | set(
        report.loc[report[STATUS] == DUPLICATE, S.BRIEFING_ID]
    )
    if matched_ids & referenced:
        return None
    positions = _report_positions(report, briefings)
    status = report[STATUS].to_numpy(dtype=object).copy()
    reason = report[REASON].fillna("").to_numpy(dtype=object).copy()
    report_ids = report[S.BRIEFING_ID].to_numpy(dtype=object).copy()
    duplicate_of = briefings[S.DUPLICATE_OF].to_numpy(dtype=object).copy()
    dropped = np.zeros(len(briefings), dtype=bool)
    # The stored original: exact before near, then the earliest in table order.
    ranked = pairs.assign(
        _exact=~pairs[EXACT], _nanos=old_nanos[old_at], _id=old_ids[old_at]
    ).sort_values([NEW_POSITION, "_exact", "_nanos", "_id"], kind="stable")
    best = ranked.drop_duplicates(NEW_POSITION)
    lookup = pd.Series(np.arange(len(briefings)), index=briefings[S.BRIEFING_ID].to_numpy())
    for new, old, is_exact, jaccard in zip(
        best[NEW_POSITION], best[OLD_POSITION], best[EXACT], best[JACCARD], strict=True
    ):
        target = positions[new]
        original = old_ids[old]
        if is_exact:
            dropped[new] = True
            if target >= 0:
                note = f"exact duplicate of {original}"
                note += f" (input id {new_ids[new]})" if new_ids[new] != original else ""
                status[target] = DUPLICATE
                reason[target] = _NEAR_REASON.sub("", reason[target])
                reason[target] = f"{note}; {reason[target]}" if reason[target] else note
                report_ids[target] = original
            continue
        current = duplicate_of[new]
        if isinstance(current, str):
            at = lookup[current]
            if (new_nanos[at], new_ids[at]) < (old_nanos[old], old_ids[old]):
                continue
        duplicate_of[new] = original
        if target >= 0:
            note = f"near-duplicate of {original} (Jaccard {jaccard:.2f})"
            status[target] = NEAR_DUPLICATE
            rest = _NEAR_REASON.sub("", reason[target])
            reason[target] = f"{note}; {rest}" if rest else note
    report[STATUS] = pd.Series(status, index=report.index, dtype="str")
    report[REASON] = pd.Series(reason, index=report.index, dtype="str")
    report[S.BRIEFING_ID] = pd.Series(report_ids, index=report.index, dtype="str")
    briefings = briefings.assign(
        **{S.DUPLICATE_OF: pd.Series(duplicate_of, index=briefings.index, dtype="str")}
    )
    return LoadResult(
        briefings[~dropped].reset_index(drop=True),
        report,
        keys[~dropped].reset_index(drop=True),
    )


def load_corpus_with_report(
    paths: Sequence[str | Path] | str | Path,
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_briefing_mb: float | None = None,
) -> LoadResult:
    """Discover, load and de-duplicate a corpus of briefings.

    Args:
        paths: files and folders (searched recursively).
        manifest: see ``load_files``.
        columns: see ``load_files``.
        progress: see ``load_files``.
        max_briefing_mb: see ``load_files``.

    Returns:
        The briefings (``schema.BRIEFING_COLUMNS`` then extra input columns, sorted
        by date then id) and the load report, which names files relative to the
        deepest folder holding every input.

    Raises:
        InputError: when a path does not exist or ``columns``/``manifest`` is unusable.
        EmptyCorpusError: when no briefing could be loaded; the message says what
            was tried and why each file was skipped.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    # Input names only: an upload's inputs sit in a server folder users must not see.
    shown = [Path(path).name or str(path) for path in paths]
    files = discover_files(paths)
    if not files:
        raise EmptyCorpusError(f"no briefing could be loaded: no files found; got {shown!r}")
    loaded = load_files(
        files,
        manifest=manifest,
        columns=columns,
        progress=progress,
        relative_to=input_folder([Path(path) for path in paths]),
        max_briefing_mb=max_briefing_mb,
    )
    if loaded.briefings.empty:
        problems = loaded.report[loaded.report[STATUS] == SKIPPED]
        listed = [
            f"{file}{'' if pd.isna(row) else f' row {row}'}: {reason}"
            for file, row, reason in zip(
                problems[FILE], problems[ROW], problems[REASON], strict=True
            )
        ]
        more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
        raise EmptyCorpusError(
            f"no briefing could be loaded from {len(files)} file(s) "
            f"({'; '.join(listed[:5])}{more}); got {shown!r}"
        )
    return mark_duplicates(loaded.briefings, loaded.report)


def load_corpus(
    paths: Sequence[str | Path] | str | Path,
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_briefing_mb: float | None = None,
) -> pd.DataFrame:
    """The briefings of ``load_corpus_with_report`` (same arguments and errors)."""
    return load_corpus_with_report(
        paths,
        manifest=manifest,
        columns=columns,
        progress=progress,
        max_briefing_mb=max_briefing_mb,
    ).briefings
