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
        "folder of the reference tables and the sample corpus (default: the project's data/)",
        env="BRIEFING_ATLAS_DATA",
    ),
    Setting(
        "store_dir",
        None,
        "store folder the dashboard uses when started without --store (default: .atlas-store)",
        env="BRIEFING_ATLAS_STORE",
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
    # -- topics ------------------------------------------------------------------------------------
    # -- relations ---------------------------------------------------------------------------------
    # -- pipeline and store ------------------------------------------------------------------------
    # -- presentation ------------------------------------------------------------------------------
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
