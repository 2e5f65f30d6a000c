"""Column roles: which column of an input table holds a briefing's text, id, date, ...

Each role goes by several names in the wild (``body``, ``headline``, ``published_at``);
they are matched case-insensitively, or named explicitly by the caller. The working
columns loading adds while it runs are named here too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from analytics import schema as S
from analytics.errors import InputError

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


DATE_RECORD, DATE_FRONT_MATTER, DATE_MANIFEST, DATE_FILE_NAME, DATE_FILE_TIME = S.DATE_SOURCES


# Working columns while loading; dropped before the table is returned.
INTERNAL_PREFIX = "_atlas_"
WORK_ID = INTERNAL_PREFIX + "id"
WORK_DATE_RAW = INTERNAL_PREFIX + "date_raw"
WORK_DATE_KIND = INTERNAL_PREFIX + "date_kind"
WORK_ROW = INTERNAL_PREFIX + "row"
WORK_FILE = INTERNAL_PREFIX + "file"


def role_of(name: str) -> str | None:
    """The role a column or field name plays (``text``, ``date``, ...), or None."""
    wanted = snake(name)
    for role, names in COLUMN_NAMES.items():
        if wanted in names:
            return role
    return None


def snake(name: str) -> str:
    """A name lower-cased with spaces and hyphens as underscores."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def resolve_columns(
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


def check_roles(columns: Mapping[str, str] | None) -> None:
    """Raises ``InputError`` when ``columns`` names a role that does not exist."""
    unknown = sorted(set(columns or {}) - set(COLUMN_NAMES))
    if unknown:
        raise InputError(
            f"columns= maps roles {', '.join(COLUMN_NAMES)} to column names; "
            f"got unknown roles {unknown!r}"
        )


def is_missing(value: object) -> bool:
    """Whether an input value is absent: None, blank text or NA."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
