"""Structure planted in a synthetic corpus: relation spikes and emerging topics, and the checks
of the generator's arguments.

Each is given as a record or as its command-line text (``ISO3A:ISO3B:YYYY-MM[:N]``,
``NAME:YYYY-MM``); the checks say what was given and what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.synth.vocabulary import Vocabulary

SPIKE_DEFAULT_SHARE = 0.05  # planted briefings as a share of the month's expected volume
SPIKE_SENTENCES = 3  # conflict sentences between the pair in every planted briefing
EMERGING_SHARE = 0.10  # share of each month's briefings an emerging topic takes
_MAX_EMERGING = 5

_SPIKE_PATTERN = re.compile(r"^([A-Za-z]{3}):([A-Za-z]{3}):(\d{4}-\d{2})(?::(\d+))?$")
_TOPIC_PATTERN = re.compile(r"^(.+):(\d{4}-\d{2})$")


@dataclass(frozen=True)
class PlantedSpike:
    """Extra conflict briefings between two countries in one month.

    ``n_briefings`` of ``None`` means 5% of the month's expected volume (at least one).
    """

    country_a: str
    country_b: str
    month: str  # YYYY-MM
    n_briefings: int | None = None


@dataclass(frozen=True)
class EmergingTopic:
    """A theme that appears only from ``month`` (YYYY-MM) on."""

    name: str
    month: str


def parse_spike(text: str) -> PlantedSpike:
    """Parse ``ISO3A:ISO3B:YYYY-MM[:N]`` into a :class:`PlantedSpike`.

    Raises:
        InputError: the text does not have that shape.
    """
    match = _SPIKE_PATTERN.match(str(text).strip())
    if match is None:
        raise InputError(
            f"a planted spike must look like ISO3A:ISO3B:YYYY-MM[:N] (e.g. USA:CHN:2024-05:40), "
            f"got {text!r}"
        )
    country_a, country_b, month, count = match.groups()
    return PlantedSpike(
        country_a.upper(), country_b.upper(), month, int(count) if count is not None else None
    )


def parse_topic(text: str) -> EmergingTopic:
    """Parse ``NAME:YYYY-MM`` into an :class:`EmergingTopic`.

    Raises:
        InputError: the text does not have that shape.
    """
    match = _TOPIC_PATTERN.match(str(text).strip())
    if match is None:
        raise InputError(
            f"a planted topic must look like NAME:YYYY-MM (e.g. deep-sea mining:2024-07), "
            f"got {text!r}"
        )
    return EmergingTopic(match.group(1).strip(), match.group(2))


def check_count(n: object) -> int:
    """The number of briefings ``n`` as an int; ``InputError`` unless a positive whole number."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"n must be a positive whole number of briefings, got {n!r}")
    return int(n)


def check_seed(seed: object) -> int:
    """The ``seed`` as an int; ``InputError`` unless a non-negative whole number."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a non-negative whole number, got {seed!r}")
    return int(seed)


def check_day(value: object, name: str) -> np.datetime64:
    """``value`` as a day; ``InputError`` naming ``name`` unless it is a date."""
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise InputError(f"{name} must be a date such as 2024-01-31, got {value!r}")
    return np.datetime64(day.date(), "D")


def _check_month(month: str, first: np.datetime64, last: np.datetime64, what: str) -> np.datetime64:
    try:
        value = np.datetime64(month, "M")
    except ValueError:
        value = None
    if value is None or not re.fullmatch(r"\d{4}-\d{2}", month):
        raise InputError(f"the month of {what} must be YYYY-MM, got {month!r}")
    if not first.astype("datetime64[M]") <= value <= last.astype("datetime64[M]"):
        raise InputError(
            f"the month of {what} must lie between {first.astype('datetime64[M]')} and "
            f"{last.astype('datetime64[M]')}, got {month!r}"
        )
    return value


def as_spikes(spikes: Iterable[PlantedSpike | str]) -> list[PlantedSpike]:
    """Each spike as a ``PlantedSpike`` (its text form parsed)."""
    return [spike if isinstance(spike, PlantedSpike) else parse_spike(spike) for spike in spikes]


def as_topics(topics: Iterable[EmergingTopic | str]) -> list[EmergingTopic]:
    """Each topic as an ``EmergingTopic`` (its text form parsed)."""
    return [topic if isinstance(topic, EmergingTopic) else parse_topic(topic) for topic in topics]


def check_spike(
    spike: PlantedSpike, iso3_index: dict[str, int], first: np.datetime64, last: np.datetime64
) -> np.datetime64:
    """The month of a valid ``spike``; ``InputError`` for unknown or equal countries."""
    for code in (spike.country_a, spike.country_b):
        if code not in iso3_index:
            raise InputError(
                f"unknown ISO3 code in planted spike: codes come from data/synth/countries.csv "
                f"({', '.join(sorted(iso3_index))}), got {code!r}"
            )
    if spike.country_a == spike.country_b:
        raise InputError(f"a planted spike needs two different countries, got {spike.country_a!r}")
    if spike.n_briefings is not None and (
        isinstance(spike.n_briefings, bool) or int(spike.n_briefings) < 1
    ):
        raise InputError(
            f"a planted spike needs a positive number of briefings, got {spike.n_briefings!r}"
        )
    return _check_month(spike.month, first, last, "a planted spike")


def check_topics(
    topics: list[EmergingTopic], vocab: Vocabulary, first: np.datetime64, last: np.datetime64
) -> tuple[list[int], list[np.datetime64]]:
    """Column in topics.csv and month of each planted topic; ``InputError`` otherwise."""
    names = vocab.themes["theme"].tolist()
    lowered = [name.lower() for name in names]
    columns: list[int] = []
    months: list[np.datetime64] = []
    for topic in topics:
        if topic.name.lower() not in lowered:
            raise InputError(
                f"unknown planted topic: names come from data/synth/topics.csv "
                f"({', '.join(names)}), got {topic.name!r}"
            )
        column = lowered.index(topic.name.lower())
        if column in columns:
            raise InputError(f"each topic can be planted once, got {topic.name!r} twice")
        columns.append(column)
        months.append(_check_month(topic.month, first, last, f"planted topic {topic.name!r}"))
    if len(columns) > _MAX_EMERGING:
        raise InputError(f"at most {_MAX_EMERGING} topics can be planted, got {len(columns)}")
    if len(columns) >= (vocab.themes["role"] == "background").sum():
        raise InputError(
            f"planted topics must leave at least one background theme, got {len(columns)} planted"
        )
    return columns, months
