"""One reader per file format: briefing text files, CSV/TSV, JSON Lines, JSON, Parquet, feeds.

Each reader turns one file into a ``Batch``: records with the canonical columns (text
files) or a table of them (tables), plus the rows it had to skip and why.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics import schema as S
from analytics.ingest.columns import (
    COLUMN_NAMES,
    DATE_FRONT_MATTER,
    DATE_RECORD,
    INTERNAL_PREFIX,
    ROLE_DATE,
    ROLE_ID,
    ROLE_SOURCE,
    ROLE_TEXT,
    ROLE_TITLE,
    ROLE_URL,
    WORK_DATE_KIND,
    WORK_DATE_RAW,
    WORK_ID,
    WORK_ROW,
    resolve_columns,
    role_of,
    snake,
)
from analytics.ingest.decoding import read_text
from analytics.ingest.feeds import FEED_EXTENSIONS, FeedItems, parse_feed
from analytics.ingest.report import SkippedFile
from analytics.ingest.textformat import parse_briefing, split_table_sections

# Records nested deeper than this are refused: decoding and flattening them recurse
# once per level, and no briefing feed needs more than a few.
MAX_JSON_DEPTH = 100
TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"


@dataclass
class Batch:
    """What one file yielded: records (one per briefing) and skipped rows."""

    records: list[dict[str, object]] = field(default_factory=list)
    table: pd.DataFrame | None = None
    skipped: list[tuple[int | None, str]] = field(default_factory=list)
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)  # about the whole file, on each row


def load_briefing_file(path: Path, columns: Mapping[str, str] | None) -> Batch:
    """One briefing text file as one record (front matter and headings parsed)."""
    decoded = read_text(path)
    parsed = parse_briefing(decoded.text)
    own = {ROLE_DATE, ROLE_ID, "body", S.TITLE, S.SOURCE, S.URL, *S.SECTIONS}
    reserved = set(S.BRIEFING_COLUMNS)
    record: dict[str, object] = {
        f"{key}_input" if key in reserved or key.startswith(INTERNAL_PREFIX) else key: value
        for key, value in parsed.items()
        if key not in own
    }
    record.update({key: parsed[key] for key in (S.TITLE, *S.SECTIONS)})
    record[S.SOURCE] = parsed.get(ROLE_SOURCE, "")
    record[S.URL] = parsed.get(ROLE_URL, "")
    record[S.TEXT] = parsed["body"]
    record[WORK_ID] = parsed.get(ROLE_ID) or None
    record[WORK_DATE_RAW] = parsed.get(ROLE_DATE)
    record[WORK_DATE_KIND] = DATE_FRONT_MATTER
    record[S.ORIGIN] = ""  # the file's shown name is put in front when loading ends
    record[WORK_ROW] = None
    return Batch(records=[record], encoding=decoded.encoding)


def _load_csv(path: Path, columns: Mapping[str, str] | None) -> Batch:
    return _load_delimited(path, columns, delimiter=None)


def _load_tsv(path: Path, columns: Mapping[str, str] | None) -> Batch:
    return _load_delimited(path, columns, delimiter="\t")


def _load_delimited(path: Path, columns: Mapping[str, str] | None, delimiter: str | None) -> Batch:
    decoded = read_text(path)
    text = decoded.text
    if delimiter is None:
        header_line = text.lstrip("\ufeff").split("\n", 1)[0]
        counts = {sep: header_line.count(sep) for sep in (",", ";", "\t", "|")}
        delimiter = max(counts, key=lambda sep: (counts[sep], sep == ","))
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)  # briefings can be longer than the 128 kB default
    body = text.lstrip("\ufeff")
    try:
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        rows: list[list[str]] = []
        lines_read = last_start = 0  # last_start: the line the last row starts on
        for row in reader:
            rows.append(row)
            last_start, lines_read = lines_read + 1, reader.line_num
        runaway = _quote_never_closed(rows, body, last_start, lines_read, delimiter)
    except csv.Error as error:
        raise SkippedFile(f"malformed delimited text: {error}") from None
    finally:
        csv.field_size_limit(previous_limit)
    if not rows:
        raise SkippedFile("empty file")
    header = _unique_names(rows[0])
    batch = Batch(encoding=decoded.encoding)
    has_nul = "\x00" in text
    good: list[list[str]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows[1:], start=1):
        if not row:
            continue  # a blank line is not a row
        if runaway and number == len(rows) - 1:
            batch.skipped.append((number, runaway))
            continue
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


def _quote_never_closed(
    rows: list[list[str]], body: str, start: int, end: int, delimiter: str
) -> str:
    """The reason to skip the last row when a quote opened in it is never closed, else "".

    The lenient reader ends such a field at the end of the file, so the rows after it
    would load as that one cell. Only a last row holding a line break can be one; the
    strict reader, run from its first line, tells whether the file ends inside quotes.
    """
    if len(rows) < 2 or not any("\n" in cell or "\r" in cell for cell in rows[-1]):
        return ""
    tail = "".join(body.splitlines(keepends=True)[start - 1 :])
    try:
        for _row in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        if "unexpected end of data" not in str(error):
            return ""
        return (
            "a quote opened in this row is never closed: it takes in the rest of the file "
            f"(lines {start}-{end})"
        )
    return ""


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


def _load_jsonl(path: Path, columns: Mapping[str, str] | None) -> Batch:
    decoded = read_text(path)
    return _jsonl_batch(path, decoded.text, columns, Batch(encoding=decoded.encoding))


def _jsonl_batch(path: Path, text: str, columns: Mapping[str, str] | None, batch: Batch) -> Batch:
    lines = text.lstrip("\ufeff").split("\n")
    del text  # a large feed is held once as lines, not twice
    numbers = [number for number, line in enumerate(lines, start=1) if line.strip()]
    records = _decode_all_lines([lines[number - 1] for number in numbers])
    if records is not None:
        if not records:
            raise SkippedFile("empty file")
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
            batch.skipped.append((number, TOO_DEEP))
            continue
        if isinstance(value, dict) and _too_deep(value):
            batch.skipped.append((number, TOO_DEEP))
            continue
        if not isinstance(value, dict):
            batch.skipped.append((number, f"not a JSON object ({type(value).__name__})"))
            continue
        records.append(value)
        numbers.append(number)
    if not records and not batch.skipped:
        raise SkippedFile("empty file")
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


def _json_items_one_by_one(text: str, batch: Batch) -> list[object]:
    """The items of a top-level JSON array decoded one at a time.

    Used when the whole document is nested too deeply to decode at once: an item
    that is too deep is skipped (``None`` in its place, its reason in ``batch``) and
    the others are kept.
    """
    decoder = json.JSONDecoder()
    position = _skip_json_space(text, 0)
    if not text.startswith("[", position):
        raise SkippedFile(TOO_DEEP)
    items: list[object] = []
    position = _skip_json_space(text, position + 1)
    if text.startswith("]", position):
        return items
    while True:
        try:
            value, position = decoder.raw_decode(text, position)
        except RecursionError:
            value, position = None, _end_of_json_value(text, position)
            batch.skipped.append((len(items) + 1, TOO_DEEP))
        except json.JSONDecodeError as error:
            raise SkippedFile(f"invalid JSON ({error.msg} at line {error.lineno})") from None
        items.append(None if value is not None and _too_deep(value) else value)
        if value is not None and items[-1] is None:
            batch.skipped.append((len(items), TOO_DEEP))
        position = _skip_json_space(text, position)
        if text.startswith(",", position):
            position = _skip_json_space(text, position + 1)
        elif text.startswith("]", position):
            return items
        else:
            raise SkippedFile("invalid JSON (expected ',' or ']' between records)")


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
    raise SkippedFile("invalid JSON (a record is not closed)")


def _json_problem(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    return str(error)


def _load_json(path: Path, columns: Mapping[str, str] | None) -> Batch:
    decoded = read_text(path)
    text = decoded.text.lstrip("\ufeff")
    batch = Batch(encoding=decoded.encoding)
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            return _jsonl_batch(path, text, columns, batch)  # JSON Lines saved as .json
        raise SkippedFile(f"invalid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        value = _json_items_one_by_one(text, batch)
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        if len(lists) == 1:
            value = lists[0]
        elif not lists and any(role_of(str(key)) == ROLE_TEXT for key in value):
            value = [value]  # one record on its own
        else:
            raise SkippedFile(
                f"a JSON object must hold exactly one list of records, found {len(lists)} lists"
            )
    if not isinstance(value, list):
        raise SkippedFile(f"JSON must be a list of records, got a {type(value).__name__}")
    records: list[dict[str, object]] = []
    numbers: list[int] = []
    already = {number for number, _reason in batch.skipped}
    for number, item in enumerate(value, start=1):
        if number in already:
            continue
        if isinstance(item, dict) and _too_deep(item):
            batch.skipped.append((number, TOO_DEEP))
        elif isinstance(item, dict):
            records.append(item)
            numbers.append(number)
        else:
            batch.skipped.append((number, f"not a JSON object ({type(item).__name__})"))
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    return _table_batch(path, frame, numbers, "row", columns, batch)


def _load_parquet(path: Path, columns: Mapping[str, str] | None) -> Batch:
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many types for a damaged file
        problem = str(error).replace(str(path), path.name)  # no server path in the reason
        raise SkippedFile(f"unreadable Parquet ({type(error).__name__}: {problem})") from None
    frame = frame.reset_index(drop=True)
    batch = Batch()
    frame, numbers = _bytes_decoded(frame, batch)
    return _table_batch(path, frame, numbers, "row", columns, batch)


_NOT_UTF8 = "a cell holds bytes that are not UTF-8 text (damaged data)"


def _bytes_decoded(frame: pd.DataFrame, batch: Batch) -> tuple[pd.DataFrame, list[int]]:
    """``frame`` with cells of bytes (Parquet binary columns) read as UTF-8 text; a row with
    a cell that is not UTF-8 is left out and named in ``batch.skipped``.

    Returns:
        The decoded rows and their row numbers (from 1).
    """
    damaged = pd.Series(False, index=frame.index)
    texts_of: dict[object, pd.Series] = {}  # the columns that held bytes, read as text
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object:
            continue
        is_bytes = values.map(lambda value: isinstance(value, bytes | bytearray))
        if not bool(is_bytes.any()):
            continue

        def as_text(value: object) -> object:
            if not isinstance(value, bytes | bytearray):
                return value
            try:
                return bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                return None

        texts = values.map(as_text)
        damaged |= is_bytes & texts.isna()
        texts_of[column] = texts
    numbers = [int(number) for number in damaged[~damaged].index + 1]
    if not texts_of:
        return frame, numbers  # no bytes anywhere: the usual case, nothing copied
    decoded = frame.copy()
    for column, texts in texts_of.items():
        decoded[column] = texts
    for number in damaged[damaged].index + 1:
        batch.skipped.append((int(number), _NOT_UTF8))
    return decoded[~damaged].reset_index(drop=True), numbers


def load_feed_file(path: Path, columns: Mapping[str, str] | None) -> Batch:
    """A saved RSS/Atom feed: one briefing per item (``columns`` does not apply to feeds)."""
    return feed_batch(parse_feed(path.read_bytes()))


def feed_batch(items: FeedItems) -> Batch:
    """A feed's items as a ``Batch``: canonical columns, sections split, skipped items kept."""
    batch = Batch(skipped=list(items.skipped), encoding=items.encoding)
    if items.table.empty:
        return batch  # every item was skipped, each with its reason
    source = items.table
    table = pd.DataFrame(
        {
            S.TEXT: source["text"].astype("str"),
            S.TITLE: source["title"].astype("str"),
            S.SOURCE: source["source"].astype("str"),
            S.URL: source["url"].astype("str"),
            WORK_ID: source["id"].astype("str"),
            WORK_DATE_RAW: source["date"].astype(object),
            WORK_DATE_KIND: DATE_RECORD,
            WORK_ROW: source["row"].astype("int64"),
            S.ORIGIN: [f":row {number}" for number in source["row"]],
        }
    )
    batch.table = split_table_sections(table)
    return batch


READERS: dict[str, Callable[[Path, Mapping[str, str] | None], Batch]] = {
    ".txt": load_briefing_file,
    ".text": load_briefing_file,
    ".md": load_briefing_file,
    ".markdown": load_briefing_file,
    ".csv": _load_csv,
    ".tsv": _load_tsv,
    ".tab": _load_tsv,
    ".jsonl": _load_jsonl,
    ".ndjson": _load_jsonl,
    ".json": _load_json,
    ".parquet": _load_parquet,
    ".pq": _load_parquet,
    **dict.fromkeys(FEED_EXTENSIONS, load_feed_file),
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(READERS)


def _table_batch(
    path: Path,
    frame: pd.DataFrame,
    numbers: list[int],
    unit: str,
    explicit: Mapping[str, str] | None,
    batch: Batch,
) -> Batch:
    """Turn a table into records with canonical columns; extra columns carried along."""
    if not len(frame):
        if not batch.skipped:
            raise SkippedFile("no rows")
        return batch  # every row was skipped, each with its reason
    chosen = resolve_columns(list(frame.columns), explicit, repr(path.name))
    if ROLE_TEXT not in chosen:
        # Column names are the file's own content: counted, never quoted.
        raise SkippedFile(
            f"no text column (looked for {', '.join(COLUMN_NAMES[ROLE_TEXT])}; "
            f"found {len(frame.columns)} other columns)"
        )
    batch.notes += _repeated_columns(list(frame.columns), chosen)
    frame = frame.reset_index(drop=True)
    frame, numbers = _structured_text_skipped(frame, chosen[ROLE_TEXT], numbers, batch)
    if not len(frame):
        return batch  # every row was skipped, each with its reason
    table = pd.DataFrame(index=frame.index)
    table[S.TEXT] = _as_text(frame[chosen[ROLE_TEXT]])
    for role, column in ((ROLE_TITLE, S.TITLE), (ROLE_SOURCE, S.SOURCE), (ROLE_URL, S.URL)):
        values = frame[chosen[role]] if role in chosen else pd.Series("", index=frame.index)
        table[column] = _as_text(values).fillna("").str.strip()
    table[WORK_ID] = _as_ids(frame[chosen[ROLE_ID]]) if ROLE_ID in chosen else pd.NA
    table[WORK_DATE_RAW] = frame[chosen[ROLE_DATE]] if ROLE_DATE in chosen else None
    table[WORK_DATE_KIND] = DATE_RECORD
    table[WORK_ROW] = numbers
    table[S.ORIGIN] = [f":{unit} {number}" for number in numbers]
    table = split_table_sections(table)
    reserved = set(S.BRIEFING_COLUMNS) | set(table.columns)
    used = set(chosen.values())
    for column in frame.columns:
        if column in used:
            continue
        name = str(column)
        table[f"{name}_input" if name in reserved else name] = frame[column].to_numpy()
    batch.table = table
    return batch


def _repeated_columns(columns: list[object], chosen: Mapping[str, object]) -> list[str]:
    """Notes for roles whose column name the header repeats ("text" twice, or "Text" and
    "text"): the first is read, the others are kept as extra columns, and the load report
    says so rather than choosing silently."""
    notes = []
    for role, column in chosen.items():
        name = snake(str(column))
        # A CSV header's repeats arrive numbered ("text.1"), others differ in case only.
        repeated = re.compile(rf"{re.escape(name)}(?:\.\d+)?")
        repeats = [
            other for other in columns if other != column and repeated.fullmatch(snake(str(other)))
        ]
        if repeats:
            others = (
                "twice: the first is read, the other is kept as an extra column"
                if len(repeats) == 1
                else f"{len(repeats) + 1} times: the first is read, the others are kept as "
                "extra columns"
            )
            notes.append(f"the header names the {role} column {others}")
    text = snake(str(chosen[ROLE_TEXT]))
    also = [
        name
        for name in COLUMN_NAMES[ROLE_TEXT]
        if name != text and name in {snake(str(column)) for column in columns}
    ]
    if also and text in COLUMN_NAMES[ROLE_TEXT]:
        notes.append(
            f"the text is read from the {text} column; {', '.join(also)} could hold it too "
            + ("and is kept as an extra column" if len(also) == 1 else "and are kept as extra")
        )
    return notes


def _structured_text_skipped(
    frame: pd.DataFrame, column: object, numbers: list[int], batch: Batch
) -> tuple[pd.DataFrame, list[int]]:
    """Rows whose text cell is a JSON list or object: a list of strings is joined into
    paragraphs; anything else nested is left out and named in ``batch.skipped``."""
    values = frame[column]
    if values.dtype != object:
        return frame, numbers
    nested = values.map(lambda value: isinstance(value, list | tuple | dict))
    if not bool(nested.any()):
        return frame, numbers
    paragraphs = values[nested].map(_paragraphs)
    refused = nested & values.index.isin(paragraphs[paragraphs.isna()].index)
    frame = frame.copy()
    frame.loc[paragraphs.dropna().index, column] = paragraphs.dropna()
    for position in refused[refused].index:
        kind = "an object" if isinstance(values[position], dict) else "a list of non-text values"
        batch.skipped.append((numbers[position], f"the text is {kind}, not text"))
    kept = ~refused.to_numpy()
    return (
        frame[kept].reset_index(drop=True),
        [number for number, keep in zip(numbers, kept, strict=True) if keep],
    )


def _paragraphs(value: object) -> str | None:
    """A list of strings as paragraphs ("" items left out); None for anything else."""
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return "\n\n".join(item.strip() for item in value if item.strip())
    return None


def _as_text(values: pd.Series) -> pd.Series:
    if values.dtype == object:
        values = values.map(_json_as_text)
    if pd.api.types.is_float_dtype(values.dtype):
        values = values.astype("Float64")  # 1.0 -> "1", not "1.0"
        integral = values.dropna() == values.dropna().round()
        if bool(integral.all()):
            values = values.astype("Int64")
    return values.astype("str")


def _json_as_text(value: object) -> object:
    """A JSON list or object in a cell as text: "a; b" for a list of plain values, JSON
    for anything nested (never Python's own notation)."""
    if isinstance(value, list | tuple):
        if all(isinstance(item, str | int | float | bool) for item in value):
            return "; ".join(str(item) for item in value)
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _as_ids(values: pd.Series) -> pd.Series:
    ids = _as_text(values).str.strip()
    return ids.where(ids.str.len() > 0)
