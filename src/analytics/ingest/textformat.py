"""The canonical briefing text format: headings, front matter and reflowed paragraphs.

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

``parse_briefing`` splits one text into title, the three sections and its leading
fields; ``split_table_sections`` does the same over a whole table column, with one
vectorised pass for rows in the exact layout generated corpora use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import yaml

from analytics import schema as S
from analytics.ingest.columns import (
    DATE_FRONT_MATTER,
    ROLE_DATE,
    ROLE_ID,
    ROLE_SOURCE,
    ROLE_TITLE,
    ROLE_URL,
    WORK_DATE_KIND,
    WORK_DATE_RAW,
    is_missing,
    role_of,
    snake,
)
from analytics.ingest.duplicates import arrow_strings

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


_BULLET = re.compile(r"(?:[-*+\u2022]\s|\d{1,3}[.)]\s)")
_META_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z _-]{0,30}?)\s*:\s*(.*?)\s*$")
_FENCE = "---"
_FENCE_ENDS = ("---", "...")
_MAX_FRONT_MATTER_LINES = 200
# yaml.safe_load's loader, in C when PyYAML has it (the same safe constructors, faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_briefing(text: str) -> dict[str, str]:
    """Split a briefing in the canonical format into its parts.

    Parameters:
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
        role = role_of(match.group(1)) if match else None
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
    role = role_of(name)
    return role if role in (ROLE_DATE, ROLE_TITLE, ROLE_SOURCE, ROLE_URL, ROLE_ID) else snake(name)


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


def split_table_sections(table: pd.DataFrame) -> pd.DataFrame:
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
        name: [] for name in (S.TEXT, S.TITLE, *S.SECTIONS, WORK_DATE_RAW, WORK_DATE_KIND)
    }
    table = _split_canonical_rows(table, hinted)
    hinted &= table[S.HAPPENING].eq("") & table[S.IMPORTANCE].eq("") & table[S.NEXT].eq("")
    positions = np.flatnonzero(hinted.to_numpy())
    if not len(positions):
        return table
    texts = table[S.TEXT].to_numpy(dtype=object)[positions]
    titles = table[S.TITLE].to_numpy(dtype=object)[positions]
    dates_raw = table[WORK_DATE_RAW].to_numpy(dtype=object)[positions]
    date_kinds = table[WORK_DATE_KIND].to_numpy(dtype=object)[positions]
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
        if is_missing(date_raw) and parsed.get(ROLE_DATE):
            date_raw, date_kind = parsed[ROLE_DATE], DATE_FRONT_MATTER
        for name, value in zip(updates, (body, title, *sections, date_raw, date_kind), strict=True):
            updates[name].append(value)
    table = table.copy()
    for name, values in updates.items():
        column = table.columns.get_loc(name)
        if name == WORK_DATE_RAW:
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
