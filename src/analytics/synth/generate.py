"""Synthetic briefing corpora at scale, with planted structure a test can find.

Benchmarks and tests need corpora far larger than the bundled sample, and they
need to know the right answer. The generator writes briefings in the canonical
three-section format whose countries, cue phrases, themes and sentence templates
come from the CSV tables in ``data/synth/``, so an analyst can change the
vocabulary without touching code. Two kinds of structure can be planted and are
recorded in ``truth.json``:

* a relation spike: extra briefings in one month in which two countries clash;
* an emerging topic: a theme with its own vocabulary that appears only from a
  given month on.

Background relations are stable: every pair of countries has a seeded baseline
share of conflict, so a planted spike stands out against it.

Nothing in the project loads a synthetic corpus unless asked: it is written only
where ``--out`` points. Run ``python -m analytics.synth --help``.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import AnalyticsError, InputError
from analytics.paths import data_dir

# -- record layout -------------------------------------------------------------
ID = "id"  # the record field a loader maps to ``briefing_id``
SYNTHETIC = "synthetic"
RECORD_COLUMNS: tuple[str, ...] = (ID, S.DATE, S.TITLE, S.SOURCE, SYNTHETIC, S.TEXT)
# Gold labels kept beside the text (never inside it) for evaluations.
THEME = "theme"
COUNTRIES = "countries"
LABEL_COLUMNS: tuple[str, ...] = (ID, THEME, COUNTRIES)

HEADINGS: tuple[str, str, str] = ("What's Happening?", "Why It's Important?", "What's Next?")
HEADING_WORDS = sum(len(heading.split()) for heading in HEADINGS)
TITLE_PREFIX = "[synthetic] "
SOURCE_NAME = "synthetic"
ID_PREFIX = "syn-"
FORMATS: tuple[str, ...] = ("jsonl", "parquet")
BRIEFINGS_STEM = "briefings"
TRUTH_FILE = "truth.json"
LABELS_FILE = "labels.csv"
README_FILE = "README.txt"
TRUTH_ATTR = "synth_truth"  # key of the planted structure in ``DataFrame.attrs``

DEFAULT_START = "2023-01-01"
DEFAULT_END = "2025-12-31"
MIN_WORDS, MAX_WORDS = 120, 300  # whole text, headings included

# -- generator settings (shape of the corpus, not reference vocabulary) -------
# Target body length in words: bounded so that overshooting by one sentence and
# adding the headings never leaves [MIN_WORDS, MAX_WORDS].
_TARGET_MEAN, _TARGET_SD, _TARGET_LOW, _TARGET_HIGH = 185.0, 35.0, 125, 250
_SECTION_SHARES = (0.4, 0.7, 1.0)  # cumulative share of the target reached per section
_COUNTRIES_PER_BRIEFING = (2, 3, 4, 5)
_COUNTRIES_PROBABILITIES = (0.4, 0.3, 0.2, 0.1)
_EXTRA_RELATION_PROBABILITY = 0.5
_SUBJECT_CAPITAL_PROBABILITY = 0.3  # "Beijing condemned ..." instead of "China condemned ..."
_OBJECT_CAPITAL_PROBABILITY = 0.15
# Monday..Sunday and January..December volume factors: news is weekday-heavy and
# thins out in August and late December.
_WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.4, 0.3])
_SEASONAL_WEIGHTS = np.array([0.95, 1.0, 1.05, 1.0, 1.0, 0.95, 0.9, 0.8, 1.0, 1.05, 1.05, 0.85])
_MONTH_NOISE_SD = 0.12
# Baseline dispositions of pairs absent from relations.csv: (share of pairs, beta a, beta b)
# of the conflict share -- mostly friendly, some mixed, a few rivals.
_DISPOSITIONS = ((0.55, 2.0, 12.0), (0.30, 5.0, 5.0), (0.15, 12.0, 2.0))
SPIKE_DEFAULT_SHARE = 0.05  # planted briefings as a share of the month's expected volume
SPIKE_SENTENCES = 3  # conflict sentences between the pair in every planted briefing
EMERGING_SHARE = 0.10  # share of each month's briefings an emerging topic takes
_MAX_EMERGING = 5

_SPIKE_PATTERN = re.compile(r"^([A-Za-z]{3}):([A-Za-z]{3}):(\d{4}-\d{2})(?::(\d+))?$")
_TOPIC_PATTERN = re.compile(r"^(.+):(\d{4}-\d{2})$")
_TOPIC_FIELDS = frozenset({"X", "Xd", "Xc", "Y", "t1", "t2", "t3"})
# The fields each template section may use: X/Y a country's name (Xd demonym, Xc
# capital), t1-t3 theme terms, L a list of country names, S/O subject and object,
# V the cue verb phrase, H a hedge and tail the cue's closing words.
_TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    "title": _TOPIC_FIELDS,
    "happening": _TOPIC_FIELDS,
    "importance": _TOPIC_FIELDS,
    "next": _TOPIC_FIELDS,
    "context": frozenset({"L"}),
    "relation": frozenset({"S", "V", "O", "tail"}),
    "outlook": frozenset({"S", "H", "V", "O", "tail"}),
}
_TEMPLATE_SECTIONS = tuple(_TEMPLATE_FIELDS)
_MIN_COUNTRIES = 5  # the most countries a briefing names


# -- reference vocabulary ------------------------------------------------------
@dataclass(frozen=True)
class Vocabulary:
    """The CSV tables the generator draws from (see ``data/synth/``)."""

    countries: pd.DataFrame  # iso3, name, demonym, capital, weight
    cues: pd.DataFrame  # relation, sign, past, base, tail, weight
    hedges: tuple[str, ...]
    themes: pd.DataFrame  # theme, role ("background" | "reserve"), weight, terms (tuple)
    templates: dict[str, tuple[str, ...]]
    relations: pd.DataFrame  # iso3_a, iso3_b, conflict_share


def vocabulary_dir() -> Path:
    """The folder holding the generator's CSV vocabularies."""
    return data_dir() / "synth"


def _read_table(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(
            f"synthetic vocabulary table is missing: expected a CSV file, got {path!r}"
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in columns if column not in table.columns]
    if missing or table.empty:
        raise InputError(
            f"{path.name} needs columns {list(columns)} and at least one row, "
            f"got columns {list(table.columns)!r} and {len(table)} rows"
        )
    return table[list(columns)].apply(lambda column: column.str.strip())


def _positive_weights(table: pd.DataFrame, name: str) -> np.ndarray:
    weights = pd.to_numeric(table["weight"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(weights) & (weights > 0)):
        raise InputError(
            f"{name} weights must be positive numbers, got {table['weight'].tolist()!r}"
        )
    return weights


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read and check the generator's CSV tables.

    Args:
        directory: folder with ``countries.csv``, ``cues.csv``, ``hedges.csv``,
            ``topics.csv``, ``templates.csv`` and ``relations.csv``; defaults to
            ``data/synth``.

    Returns:
        The tables, with weights as floats and theme terms as tuples.

    Raises:
        InputError: a table is missing, lacks a column, or holds an invalid value.
    """
    folder = Path(directory) if directory is not None else vocabulary_dir()
    countries = _read_table(
        folder / "countries.csv", ("iso3", "name", "demonym", "capital", "weight")
    )
    countries["iso3"] = countries["iso3"].str.upper()
    countries["weight"] = _positive_weights(countries, "countries.csv")
    if len(countries) < _MIN_COUNTRIES or countries["iso3"].duplicated().any():
        raise InputError(
            f"countries.csv needs at least {_MIN_COUNTRIES} distinct ISO3 codes, "
            f"got {countries['iso3'].tolist()!r}"
        )

    cues = _read_table(folder / "cues.csv", ("relation", "sign", "past", "base", "tail", "weight"))
    cues["sign"] = pd.to_numeric(cues["sign"], errors="coerce")
    cues["weight"] = _positive_weights(cues, "cues.csv")
    if not set(cues["sign"]) == {-1, 1}:
        raise InputError(
            f"cues.csv needs signs 1 and -1 (and nothing else), got {sorted(set(cues['sign']))!r}"
        )
    # A tail such as "for its support" follows the object after one space.
    cues["tail"] = cues["tail"].map(lambda tail: f" {tail}" if tail else "")

    hedges = tuple(_read_table(folder / "hedges.csv", ("hedge",))["hedge"])

    themes = _read_table(folder / "topics.csv", ("theme", "role", "weight", "terms"))
    themes["weight"] = _positive_weights(themes, "topics.csv")
    themes["terms"] = themes["terms"].map(
        lambda terms: tuple(term.strip() for term in terms.split(";") if term.strip())
    )
    bad_roles = sorted(set(themes["role"]) - {"background", "reserve"})
    if bad_roles or (themes["role"] == "background").sum() < 2:
        raise InputError(
            "topics.csv roles must be 'background' (at least two) or 'reserve', "
            f"got {themes['role'].tolist()!r}"
        )
    short = themes.loc[themes["terms"].map(len) < 3, "theme"].tolist()
    if short:
        raise InputError(
            f"every theme in topics.csv needs at least 3 terms, got too few for {short!r}"
        )

    template_table = _read_table(folder / "templates.csv", ("section", "template"))
    templates = {
        section: tuple(template_table.loc[template_table["section"] == section, "template"])
        for section in _TEMPLATE_SECTIONS
    }
    empty = [section for section, rows in templates.items() if not rows]
    if empty:
        raise InputError(f"templates.csv needs templates for every section, got none for {empty!r}")
    formatter = string.Formatter()
    for section, rows in templates.items():
        for template in rows:
            try:
                fields = {
                    field for _, field, _, _ in formatter.parse(template) if field is not None
                }
            except ValueError:
                fields = {"<unbalanced braces>"}
            if not fields <= _TEMPLATE_FIELDS[section]:
                raise InputError(
                    f"templates.csv: {section} templates may use the fields "
                    f"{sorted(_TEMPLATE_FIELDS[section])}, got {template!r}"
                )

    relations = _read_table(folder / "relations.csv", ("iso3_a", "iso3_b", "conflict_share"))
    relations["iso3_a"] = relations["iso3_a"].str.upper()
    relations["iso3_b"] = relations["iso3_b"].str.upper()
    relations["conflict_share"] = pd.to_numeric(relations["conflict_share"], errors="coerce")
    unknown = sorted(set(relations["iso3_a"]).union(relations["iso3_b"]) - set(countries["iso3"]))
    shares = relations["conflict_share"]
    if unknown or not shares.between(0, 1).all():
        raise InputError(
            "relations.csv needs ISO3 codes from countries.csv and conflict shares in [0, 1], "
            f"got unknown codes {unknown!r} and shares {shares.tolist()!r}"
        )
    return Vocabulary(countries, cues, hedges, themes, templates, relations)


# -- planted structure ---------------------------------------------------------
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


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"n must be a positive whole number of briefings, got {n!r}")
    return int(n)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a non-negative whole number, got {seed!r}")
    return int(seed)


def _check_day(value: object, name: str) -> np.datetime64:
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


def _as_spikes(spikes: Iterable[PlantedSpike | str]) -> list[PlantedSpike]:
    return [spike if isinstance(spike, PlantedSpike) else parse_spike(spike) for spike in spikes]


def _as_topics(topics: Iterable[EmergingTopic | str]) -> list[EmergingTopic]:
    return [topic if isinstance(topic, EmergingTopic) else parse_topic(topic) for topic in topics]


# -- calendar --------------------------------------------------------------------
@dataclass(frozen=True)
class _Calendar:
    days: np.ndarray  # datetime64[D]
    months: np.ndarray  # datetime64[M], one per month of the period
    month_of_day: np.ndarray  # index into ``months``
    probability: np.ndarray  # chance of a briefing falling on each day


def _calendar(first: np.datetime64, last: np.datetime64, rng: np.random.Generator) -> _Calendar:
    days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    months, month_of_day = np.unique(days.astype("datetime64[M]"), return_inverse=True)
    # 1970-01-01 was a Thursday; shift so Monday is 0.
    weekday = (days.astype(np.int64) + 3) % 7
    month_of_year = months.astype(np.int64) % 12
    # A mild upward trend plus noise, so monthly volumes differ as real feeds do.
    month_factor = (
        _SEASONAL_WEIGHTS[month_of_year]
        * np.exp(rng.normal(0.0, _MONTH_NOISE_SD, len(months)))
        * np.linspace(0.9, 1.1, len(months))
    )
    weights = _WEEKDAY_WEIGHTS[weekday] * month_factor[month_of_day]
    return _Calendar(days, months, month_of_day, weights / weights.sum())


# -- generation ----------------------------------------------------------------
def generate_corpus(
    n: int,
    *,
    seed: int = 0,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    spikes: Iterable[PlantedSpike | str] = (),
    emerging_topics: Iterable[EmergingTopic | str] = (),
    vocabulary: Vocabulary | None = None,
) -> pd.DataFrame:
    """Generate ``n`` synthetic briefings in the canonical three-section format.

    Args:
        n: number of briefings (planted spike briefings included).
        seed: seed of ``numpy.random.default_rng``; the same arguments give the same corpus.
        start, end: first and last day of the period (inclusive), e.g. ``"2023-01-01"``.
        spikes: :class:`PlantedSpike` or ``"ISO3A:ISO3B:YYYY-MM[:N]"`` strings.
        emerging_topics: :class:`EmergingTopic` or ``"NAME:YYYY-MM"`` strings; NAME is a
            theme of ``topics.csv`` (its ``reserve`` themes never appear otherwise).
        vocabulary: tables to draw from; defaults to :func:`load_vocabulary`.

    Returns:
        One row per briefing in date order with the record columns ``id``, ``date``
        (ISO day), ``title``, ``source``, ``synthetic``, ``text`` and the gold labels
        ``theme`` and ``countries`` (ISO3 codes joined by ``;``). The planted structure
        is in ``frame.attrs["synth_truth"]``.

    Raises:
        InputError: an argument is invalid (non-positive ``n``, bad dates, malformed
            or unknown spike or topic, planted briefings not fewer than ``n``).
    """
    n = _check_count(n)
    seed = _check_seed(seed)
    first, last = _check_day(start, "start"), _check_day(end, "end")
    if first > last:
        raise InputError(f"start must not be after end ({end!r}), got {start!r}")
    vocab = vocabulary if vocabulary is not None else load_vocabulary()
    spike_plans = _as_spikes(spikes)
    topic_plans = _as_topics(emerging_topics)
    iso3_index = {code: i for i, code in enumerate(vocab.countries["iso3"])}
    spike_months = [_check_spike(spike, iso3_index, first, last) for spike in spike_plans]
    topic_columns, topic_months = _check_topics(topic_plans, vocab, first, last)

    rng = np.random.default_rng(seed)
    calendar = _calendar(first, last, rng)
    spike_sizes = [
        _spike_size(spike, month, calendar, n)
        for spike, month in zip(spike_plans, spike_months, strict=True)
    ]
    if sum(spike_sizes) >= n:
        raise InputError(
            f"planted spike briefings must be fewer than n={n}, got {sum(spike_sizes)} "
            f"({spike_sizes!r})"
        )

    # Days: the background follows the calendar; planted briefings fall in their month.
    day_parts = [rng.choice(len(calendar.days), size=n - sum(spike_sizes), p=calendar.probability)]
    spike_parts = [np.full(n - sum(spike_sizes), -1)]
    for number, (month, size) in enumerate(zip(spike_months, spike_sizes, strict=True)):
        in_month = np.flatnonzero(calendar.months[calendar.month_of_day] == month)
        weights = calendar.probability[in_month]
        day_parts.append(rng.choice(in_month, size=size, p=weights / weights.sum()))
        spike_parts.append(np.full(size, number))
    day_index = np.concatenate(day_parts)
    order = np.argsort(day_index, kind="stable")
    day_index, spike_of_row = day_index[order], np.concatenate(spike_parts)[order]
    month_of_row = calendar.month_of_day[day_index]

    topic_first = [int((month - calendar.months[0]).astype(np.int64)) for month in topic_months]
    themes = _draw_themes(
        rng, vocab, month_of_row, len(calendar.months), topic_columns, topic_first
    )
    countries, n_countries = _draw_countries(rng, vocab, spike_plans, spike_of_row, iso3_index)
    plan = _plan_text(rng, vocab, themes, countries, n_countries, spike_of_row)
    titles, texts, word_counts = _assemble(vocab, themes, countries, n_countries, plan)
    if word_counts.min() < MIN_WORDS or word_counts.max() > MAX_WORDS:
        raise AnalyticsError(
            f"generated briefings must have {MIN_WORDS}-{MAX_WORDS} words; the templates in "
            f"{vocabulary_dir()} are too short or too long, "
            f"got {word_counts.min()}-{word_counts.max()}"
        )

    ids = [f"{ID_PREFIX}{number:07d}" for number in range(1, n + 1)]
    iso3 = vocab.countries["iso3"].to_numpy()
    country_labels = [
        ";".join(iso3[row[:count]])
        for row, count in zip(countries, n_countries.tolist(), strict=True)
    ]
    frame = pd.DataFrame(
        {
            ID: ids,
            S.DATE: np.datetime_as_string(calendar.days[day_index], unit="D"),
            S.TITLE: titles,
            S.SOURCE: SOURCE_NAME,
            SYNTHETIC: True,
            S.TEXT: texts,
            THEME: vocab.themes["theme"].to_numpy()[themes],
            COUNTRIES: country_labels,
        }
    )
    frame.attrs[TRUTH_ATTR] = _truth(
        n=n,
        seed=seed,
        first=first,
        last=last,
        calendar=calendar,
        month_of_row=month_of_row,
        spikes=spike_plans,
        spike_sizes=spike_sizes,
        spike_of_row=spike_of_row,
        ids=ids,
        topic_plans=topic_plans,
        topic_columns=topic_columns,
        themes=themes,
        vocab=vocab,
        conflict_share=plan["conflict_share"],
    )
    return frame


def _check_spike(
    spike: PlantedSpike, iso3_index: dict[str, int], first: np.datetime64, last: np.datetime64
) -> np.datetime64:
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


def _spike_size(spike: PlantedSpike, month: np.datetime64, calendar: _Calendar, n: int) -> int:
    if spike.n_briefings is not None:
        return int(spike.n_briefings)
    share = calendar.probability[calendar.months[calendar.month_of_day] == month].sum()
    return max(1, round(SPIKE_DEFAULT_SHARE * share * n))


def _check_topics(
    topics: list[EmergingTopic], vocab: Vocabulary, first: np.datetime64, last: np.datetime64
) -> tuple[list[int], list[np.datetime64]]:
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


def _draw_themes(
    rng: np.random.Generator,
    vocab: Vocabulary,
    month_of_row: np.ndarray,
    n_months: int,
    topic_columns: list[int],
    topic_first: list[int],
) -> np.ndarray:
    """One theme per briefing; a planted topic takes a fixed share from its first month on."""
    weights = np.where(vocab.themes["role"] == "background", vocab.themes["weight"], 0.0)
    weights[topic_columns] = 0.0
    background = weights / weights.sum()
    month_numbers = np.arange(n_months)
    table = np.zeros((n_months, len(weights)))
    for column, first_month in zip(topic_columns, topic_first, strict=True):
        table[month_numbers >= first_month, column] = EMERGING_SHARE
    active = table.sum(axis=1)
    table += background[None, :] * (1.0 - active)[:, None]
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    # The first theme whose cumulative probability exceeds the draw; draws are < 1.
    draws = rng.random(len(month_of_row))
    themes = (cumulative[month_of_row] <= draws[:, None]).sum(axis=1)
    for column, first_month in zip(topic_columns, topic_first, strict=True):
        # Guarantee the topic is visible in its first month (when that month has briefings).
        in_month = np.flatnonzero(month_of_row == first_month)
        if len(in_month) and not (themes[in_month] == column).any():
            themes = themes.copy()
            themes[in_month[0]] = column
    return themes


def _draw_countries(
    rng: np.random.Generator,
    vocab: Vocabulary,
    spikes: list[PlantedSpike],
    spike_of_row: np.ndarray,
    iso3_index: dict[str, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Up to five distinct countries per briefing, weighted by news prominence.

    Sampling without replacement by the Gumbel top-k trick keeps it vectorised.
    """
    n_rows = len(spike_of_row)
    log_weights = np.log(vocab.countries["weight"].to_numpy(dtype=float))
    keys = log_weights[None, :] + rng.gumbel(size=(n_rows, len(log_weights)))
    for number, spike in enumerate(spikes):
        rows = spike_of_row == number
        # The pair comes first, in order, ahead of any drawn country.
        keys[rows, iso3_index[spike.country_a]] = 1e9
        keys[rows, iso3_index[spike.country_b]] = 1e9 - 1
    countries = np.argsort(-keys, axis=1, kind="stable")[:, : max(_COUNTRIES_PER_BRIEFING)]
    n_countries = rng.choice(
        np.array(_COUNTRIES_PER_BRIEFING), size=n_rows, p=_COUNTRIES_PROBABILITIES
    )
    return countries, n_countries


def _distinct_positions(
    rng: np.random.Generator, sizes: np.ndarray, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Two different positions below ``sizes`` (per row, broadcast over ``shape``)."""
    size = sizes.reshape((-1,) + (1,) * (len(shape) - 1))
    first = np.floor(rng.random(shape) * size).astype(np.int64)
    second = (first + 1 + np.floor(rng.random(shape) * (size - 1)).astype(np.int64)) % size
    return first, second


def _draw_terms(rng: np.random.Generator, sizes: np.ndarray, slots: int) -> np.ndarray:
    """Three different term positions per slot, below each row's vocabulary size."""
    size = sizes[:, None]
    draws = rng.random((3, len(sizes), slots))
    first = np.floor(draws[0] * size).astype(np.int64)
    step_two = 1 + np.floor(draws[1] * (size - 1)).astype(np.int64)
    step_three = 1 + np.floor(draws[2] * (size - 2)).astype(np.int64)
    step_three += step_three >= step_two  # skip the second term's step
    return np.stack([first, (first + step_two) % size, (first + step_three) % size], axis=-1)


def _conflict_shares(rng: np.random.Generator, vocab: Vocabulary) -> np.ndarray:
    """Symmetric matrix of each pair's baseline share of conflict."""
    n_countries = len(vocab.countries)
    upper = np.triu_indices(n_countries, 1)
    kinds = np.array(_DISPOSITIONS)
    kind = rng.choice(len(kinds), size=len(upper[0]), p=kinds[:, 0])
    shares = np.zeros((n_countries, n_countries))
    shares[upper] = rng.beta(kinds[kind, 1], kinds[kind, 2])
    shares += shares.T
    index = {code: i for i, code in enumerate(vocab.countries["iso3"])}
    for code_a, code_b, share in vocab.relations.itertuples(index=False):
        shares[index[code_a], index[code_b]] = shares[index[code_b], index[code_a]] = share
    return shares


def _plan_text(
    rng: np.random.Generator,
    vocab: Vocabulary,
    themes: np.ndarray,
    countries: np.ndarray,
    n_countries: np.ndarray,
    spike_of_row: np.ndarray,
) -> dict[str, np.ndarray]:
    """Every random choice behind the text, drawn as arrays before any string is built."""
    n_rows = len(themes)
    rows = np.arange(n_rows)
    plan: dict[str, np.ndarray] = {"conflict_share": _conflict_shares(rng, vocab)}
    targets = rng.normal(_TARGET_MEAN, _TARGET_SD, n_rows)
    plan["target"] = np.clip(np.rint(targets), _TARGET_LOW, _TARGET_HIGH).astype(np.int64)

    # Relation slots: 0 the lead of What's Happening?, 1 a second one there, 2 the
    # hedged one in What's Next?. Positions index the briefing's own countries.
    subject_pos, object_pos = _distinct_positions(rng, n_countries, (n_rows, 3))
    lead_flip = rng.random(n_rows) < 0.5
    subject_pos[:, 0], object_pos[:, 0] = lead_flip.astype(np.int64), (~lead_flip).astype(np.int64)
    present = np.ones((n_rows, 3), dtype=bool)
    present[:, 1] = rng.random(n_rows) < _EXTRA_RELATION_PROBABILITY
    spiked = spike_of_row >= 0
    present[spiked, 1] = True
    spike_flip = rng.random((n_rows, 2)) < 0.5
    subject_pos[spiked, 1:] = spike_flip[spiked].astype(np.int64)
    object_pos[spiked, 1:] = (~spike_flip[spiked]).astype(np.int64)
    subject_country = countries[rows[:, None], subject_pos]
    object_country = countries[rows[:, None], object_pos]
    conflict = rng.random((n_rows, 3)) < plan["conflict_share"][subject_country, object_country]
    conflict[spiked] = True
    plan.update(subject=subject_pos, object=object_pos, present=present, conflict=conflict)

    cue_weights = vocab.cues["weight"].to_numpy(dtype=float)
    draws = {}
    for sign in (-1, 1):
        candidates = np.flatnonzero(vocab.cues["sign"].to_numpy() == sign)
        weights = cue_weights[candidates] / cue_weights[candidates].sum()
        draws[sign] = rng.choice(candidates, size=(n_rows, 3), p=weights)
    plan["cue"] = np.where(conflict, draws[-1], draws[1])
    plan["subject_capital"] = rng.random((n_rows, 3)) < _SUBJECT_CAPITAL_PROBABILITY
    plan["object_capital"] = rng.random((n_rows, 3)) < _OBJECT_CAPITAL_PROBABILITY
    # Two different frames, so a briefing does not open two sentences the same way.
    frames = np.full(n_rows, len(vocab.templates["relation"]))
    plan["relation_frame"] = np.stack(_distinct_positions(rng, frames, (n_rows,)), axis=1)
    plan["outlook_frame"] = rng.integers(0, len(vocab.templates["outlook"]), n_rows)
    plan["hedge"] = rng.integers(0, len(vocab.hedges), n_rows)
    plan["outlook_first"] = rng.random(n_rows) < 0.5
    plan["context"] = rng.integers(0, len(vocab.templates["context"]), n_rows)

    term_counts = vocab.themes["terms"].map(len).to_numpy()[themes]
    for section in ("title", "happening", "importance", "next"):
        slots = len(vocab.templates[section])
        # A per-row permutation, so no template repeats within a briefing.
        plan[f"{section}_order"] = rng.permuted(np.tile(np.arange(slots), (n_rows, 1)), axis=1)
        plan[f"{section}_x"], plan[f"{section}_y"] = _distinct_positions(
            rng, n_countries, (n_rows, slots)
        )
        plan[f"{section}_terms"] = _draw_terms(rng, term_counts, slots)
    return plan


def _word_counts(strings: Iterable[str]) -> np.ndarray:
    return np.array([len(text.split()) for text in strings], dtype=np.int64)


@dataclass(frozen=True)
class _Templates:
    """One section's templates with what is needed to count words without formatting."""

    texts: tuple[str, ...]
    base_words: np.ndarray  # words with every field taken as one word (``tail`` as none)
    fields: dict[str, np.ndarray]  # field name -> occurrences per template
    capitalise: np.ndarray  # the template starts with a field

    @classmethod
    def of(cls, texts: tuple[str, ...]) -> _Templates:
        formatter = string.Formatter()
        base_words = np.zeros(len(texts), dtype=np.int64)
        fields: dict[str, np.ndarray] = {}
        for number, text in enumerate(texts):
            parts: list[str] = []
            for literal, field, _, _ in formatter.parse(text):
                parts.append(literal)
                if field is not None:
                    fields.setdefault(field, np.zeros(len(texts), dtype=np.int64))[number] += 1
                    # A tail carries its own leading space; every other field stands
                    # where a word would.
                    parts.append("" if field == "tail" else "X")
            base_words[number] = len("".join(parts).split())
        capitalise = np.array([text.startswith("{") for text in texts])
        return cls(texts, base_words, fields, capitalise)

    def words(self, chosen: np.ndarray, fills: dict[str, np.ndarray]) -> np.ndarray:
        """Word counts of the chosen templates once ``fills`` (word counts per field) are in."""
        total = self.base_words[chosen].copy()
        for field, fill_words in fills.items():
            if field in self.fields:
                extra = fill_words if field == "tail" else fill_words - 1
                total += self.fields[field][chosen] * extra
        return total


def _sentences_needed(
    words: np.ndarray, already: np.ndarray, goal: np.ndarray, minimum: int
) -> tuple[np.ndarray, np.ndarray]:
    """How many leading sentences reach ``goal`` words; returns the count and new total."""
    running = already[:, None] + np.cumsum(words, axis=1)
    needed = np.maximum(minimum, (running < goal[:, None]).sum(axis=1) + 1)
    needed = np.minimum(needed, words.shape[1])
    return needed, running[np.arange(len(words)), needed - 1]


def _format_all(
    templates: _Templates, chosen: np.ndarray, fields: dict[str, list[str]]
) -> list[str]:
    """Format ``templates.texts[chosen[i]]`` with ``fields[name][i]`` for every i."""
    names = [name for name in fields if name in templates.fields]
    position = {name: number for number, name in enumerate(names)}
    # Positional fields format several times faster than keyword ones.
    formatter = string.Formatter()
    positional = [
        "".join(
            literal.replace("{", "{{").replace("}", "}}")
            + ("" if field is None else f"{{{position[field]}}}")
            for literal, field, _, _ in formatter.parse(text)
        )
        for text in templates.texts
    ]
    columns = [fields[name] for name in names]
    formatted = [
        positional[index].format(*values)
        for index, *values in zip(chosen.tolist(), *columns, strict=True)
    ]
    return [
        sentence[:1].upper() + sentence[1:] if capital else sentence
        for sentence, capital in zip(formatted, templates.capitalise[chosen].tolist(), strict=True)
    ]


def _assemble(
    vocab: Vocabulary,
    themes: np.ndarray,
    countries: np.ndarray,
    n_countries: np.ndarray,
    plan: dict[str, np.ndarray],
) -> tuple[list[str], list[str], np.ndarray]:
    """Build titles and texts from the drawn plan; returns word counts (headings included).

    Word counts are worked out from the templates and vocabulary as arrays, so only
    the sentences a briefing uses are ever formatted.
    """
    n_rows = len(themes)
    rows = np.arange(n_rows)
    names = np.array(vocab.countries["name"].tolist(), dtype=object)
    demonyms = np.array(vocab.countries["demonym"].tolist(), dtype=object)
    capitals = np.array(vocab.countries["capital"].tolist(), dtype=object)
    name_words = _word_counts(names)
    demonym_words = _word_counts(demonyms)
    capital_words = _word_counts(capitals)
    # All themes' terms in one array; a theme's term k is at offsets[theme] + k.
    all_terms = np.array([term for terms in vocab.themes["terms"] for term in terms], dtype=object)
    term_words = _word_counts(all_terms)
    offsets = np.concatenate([[0], np.cumsum(vocab.themes["terms"].map(len).to_numpy())])[:-1]
    sections = {name: _Templates.of(vocab.templates[name]) for name in _TEMPLATE_SECTIONS}

    def topic_parts(section: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Template choice and field values (country and term ids) for every slot."""
        chosen = plan[f"{section}_order"]
        x_country = countries[rows[:, None], plan[f"{section}_x"]]
        y_country = countries[rows[:, None], plan[f"{section}_y"]]
        terms = offsets[themes][:, None, None] + plan[f"{section}_terms"]
        ids = {"X": x_country, "Xd": x_country, "Xc": x_country, "Y": y_country}
        ids.update({f"t{k + 1}": terms[..., k] for k in range(3)})
        return chosen, ids

    lookups = {"X": names, "Xd": demonyms, "Xc": capitals, "Y": names}
    lookups.update({f"t{k + 1}": all_terms for k in range(3)})
    word_lookups = {"X": name_words, "Xd": demonym_words, "Xc": capital_words, "Y": name_words}
    word_lookups.update({f"t{k + 1}": term_words for k in range(3)})

    def topic_words(section: str) -> np.ndarray:
        chosen, ids = topic_parts(section)
        fills = {field: word_lookups[field][value] for field, value in ids.items()}
        return sections[section].words(chosen, fills)

    def topic_sentences(section: str, needed: np.ndarray) -> tuple[list[str], list[int]]:
        """The first ``needed`` sentences of every row, flat, with row offsets."""
        chosen, ids = topic_parts(section)
        take_rows, take_slots = np.nonzero(np.arange(chosen.shape[1])[None, :] < needed[:, None])
        fields = {
            field: lookups[field][value[take_rows, take_slots]].tolist()
            for field, value in ids.items()
        }
        flat = _format_all(sections[section], chosen[take_rows, take_slots], fields)
        return flat, np.concatenate([[0], np.cumsum(needed)]).tolist()

    # Relation sentences: slot 0 leads What's Happening?, slot 1 may follow it, slot 2
    # is the hedged outlook in What's Next?.
    cue_past = np.array(vocab.cues["past"].tolist(), dtype=object)
    cue_base = np.array(vocab.cues["base"].tolist(), dtype=object)
    cue_tail = np.array(vocab.cues["tail"].tolist(), dtype=object)
    hedges = np.array(list(vocab.hedges), dtype=object)
    relation_texts: list[list[str]] = []
    relation_words: list[np.ndarray] = []
    for slot in range(3):
        subject = countries[rows, plan["subject"][:, slot]]
        target = countries[rows, plan["object"][:, slot]]
        subject_capital = plan["subject_capital"][:, slot]
        object_capital = plan["object_capital"][:, slot]
        cue = plan["cue"][:, slot]
        outlook = slot == 2
        frames = sections["outlook" if outlook else "relation"]
        chosen = plan["outlook_frame"] if outlook else plan["relation_frame"][:, slot]
        values = {
            "S": np.where(subject_capital, capitals[subject], names[subject]),
            "O": np.where(object_capital, capitals[target], names[target]),
            "V": (cue_base if outlook else cue_past)[cue],
            "tail": cue_tail[cue],
        }
        fills = {
            "S": np.where(subject_capital, capital_words[subject], name_words[subject]),
            "O": np.where(object_capital, capital_words[target], name_words[target]),
            "V": _word_counts(cue_base if outlook else cue_past)[cue],
            "tail": _word_counts(cue_tail)[cue],
        }
        if outlook:
            values["H"] = hedges[plan["hedge"]]
            fills["H"] = _word_counts(hedges)[plan["hedge"]]
        relation_words.append(frames.words(chosen, fills))
        relation_texts.append(
            _format_all(frames, chosen, {key: value.tolist() for key, value in values.items()})
        )

    # The countries beyond the related pair are named together in one sentence.
    name_list = names.tolist()
    listed = [
        _listed([name_list[country] for country in row[: count - 2]]) if count > 2 else ""
        for row, count in zip(countries[:, 2:].tolist(), n_countries.tolist(), strict=True)
    ]
    has_context = n_countries > 2
    context_words = sections["context"].words(
        plan["context"], {"L": np.array([len(text.split()) for text in listed])}
    )
    context_texts = _format_all(sections["context"], plan["context"], {"L": listed})

    target = plan["target"]
    present = plan["present"][:, 1]
    fixed = relation_words[0] + present * relation_words[1] + has_context * context_words
    happening_needed, words = _sentences_needed(
        topic_words("happening"), fixed, _SECTION_SHARES[0] * target, 1
    )
    importance_needed, words = _sentences_needed(
        topic_words("importance"), words, _SECTION_SHARES[1] * target, 2
    )
    next_needed, words = _sentences_needed(
        topic_words("next"), words + relation_words[2], _SECTION_SHARES[2] * target, 1
    )
    happening, happening_at = topic_sentences("happening", happening_needed)
    importance, importance_at = topic_sentences("importance", importance_needed)
    upcoming, upcoming_at = topic_sentences("next", next_needed)
    titles = [
        TITLE_PREFIX + title for title in topic_sentences("title", np.ones(n_rows, np.int64))[0]
    ]

    texts: list[str] = []
    lead, second, outlook_texts = relation_texts
    for row, (has_second, has_others, outlook_first) in enumerate(
        zip(
            present.tolist(),
            has_context.tolist(),
            plan["outlook_first"].tolist(),
            strict=True,
        )
    ):
        filler = happening[happening_at[row] : happening_at[row + 1]]
        opening = [lead[row], filler[0]]
        if has_second:
            opening.append(second[row])
        opening.extend(filler[1:])
        if has_others:
            opening.append(context_texts[row])
        closing = upcoming[upcoming_at[row] : upcoming_at[row + 1]]
        closing.insert(0 if outlook_first else 1, outlook_texts[row])
        texts.append(
            "\n".join(
                (
                    HEADINGS[0],
                    " ".join(opening),
                    HEADINGS[1],
                    " ".join(importance[importance_at[row] : importance_at[row + 1]]),
                    HEADINGS[2],
                    " ".join(closing),
                )
            )
        )
    return titles, texts, words + HEADING_WORDS


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# -- ground truth and output ----------------------------------------------------
def _truth(
    *,
    n: int,
    seed: int,
    first: np.datetime64,
    last: np.datetime64,
    calendar: _Calendar,
    month_of_row: np.ndarray,
    spikes: list[PlantedSpike],
    spike_sizes: list[int],
    spike_of_row: np.ndarray,
    ids: list[str],
    topic_plans: list[EmergingTopic],
    topic_columns: list[int],
    themes: np.ndarray,
    vocab: Vocabulary,
    conflict_share: np.ndarray,
) -> dict[str, object]:
    """The planted structure and the settings that reproduce the corpus."""
    month_names = [str(month) for month in calendar.months]
    volumes = np.bincount(month_of_row, minlength=len(month_names))
    id_array = np.asarray(ids)
    planted_spikes = [
        {
            "country_a": spike.country_a,
            "country_b": spike.country_b,
            "month": spike.month,
            "relation": "conflict",
            "n_briefings": size,
            "conflict_sentences_per_briefing": SPIKE_SENTENCES,
            "briefing_ids": id_array[spike_of_row == number].tolist(),
        }
        for number, (spike, size) in enumerate(zip(spikes, spike_sizes, strict=True))
    ]
    theme_names = vocab.themes["theme"].tolist()
    planted_topics = []
    for topic, column in zip(topic_plans, topic_columns, strict=True):
        months_with_topic = month_of_row[themes == column]
        planted_topics.append(
            {
                "name": theme_names[column],
                "first_month": topic.month,
                "share": EMERGING_SHARE,
                "n_briefings": int(len(months_with_topic)),
                "terms": list(vocab.themes["terms"].iloc[column]),
            }
        )
    iso3 = vocab.countries["iso3"].tolist()
    upper = zip(*np.triu_indices(len(iso3), 1), strict=True)
    baseline = [
        {
            "country_a": iso3[a],
            "country_b": iso3[b],
            "conflict_share": round(float(conflict_share[a, b]), 4),
        }
        for a, b in upper
    ]
    return {
        "synthetic": True,
        "generator": "analytics.synth.generate",
        "seed": seed,
        "n": n,
        "start": str(first),
        "end": str(last),
        "spikes": planted_spikes,
        "emerging_topics": planted_topics,
        "background_themes": [
            name
            for column, (name, role) in enumerate(
                zip(theme_names, vocab.themes["role"], strict=True)
            )
            if role == "background" and column not in topic_columns
        ],
        "monthly_volume": dict(zip(month_names, volumes.tolist(), strict=True)),
        "baseline_conflict_share": baseline,
    }


_README = """\
SYNTHETIC CORPUS -- NOT REAL NEWS

Every briefing in this folder was generated by analytics.synth.generate (Briefing Atlas) from
template sentences and the vocabularies in data/synth/. The countries, events and
statements are invented; nothing here reports anything that happened. Titles start with
"[synthetic] ", the source is "synthetic" and the "synthetic" field is true.

Files
  {briefings}   the briefings (id, date, title, source, synthetic, text)
  {labels}     gold labels per briefing: theme and countries (ISO3, ';'-separated)
  {truth}     planted structure (relation spikes, emerging topics), baseline
                 relations per country pair, monthly volume and the settings used

Reproduce
  python -m analytics.synth --n {n} --seed {seed} --start {start} --end {end} \\
      --format {fmt}{planted} --out DIR
"""


def write_corpus(frame: pd.DataFrame, out_dir: str | Path, fmt: str = "jsonl") -> Path:
    """Write a generated corpus with its ground truth.

    Args:
        frame: the result of :func:`generate_corpus` (its ``attrs`` hold the truth).
        out_dir: folder to write into (created when missing).
        fmt: ``"jsonl"`` or ``"parquet"``.

    Returns:
        The path of the briefings file. ``truth.json``, ``labels.csv`` and
        ``README.txt`` are written beside it.

    Raises:
        InputError: unknown format, missing columns, or a frame without its truth.
    """
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    missing = [column for column in (*RECORD_COLUMNS, *LABEL_COLUMNS) if column not in frame]
    if missing:
        raise InputError(f"a synthetic corpus needs columns {missing}, got {list(frame.columns)!r}")
    truth = frame.attrs.get(TRUTH_ATTR)
    if not isinstance(truth, dict):
        raise InputError(
            f"the frame must come from generate_corpus (attrs[{TRUTH_ATTR!r}] holds the truth), "
            f"got attrs keys {sorted(frame.attrs)!r}"
        )
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{BRIEFINGS_STEM}.{fmt}"
    records = frame.loc[:, list(RECORD_COLUMNS)]
    if fmt == "jsonl":
        records.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        records.to_parquet(path, index=False)
    frame.loc[:, list(LABEL_COLUMNS)].to_csv(folder / LABELS_FILE, index=False, lineterminator="\n")
    (folder / TRUTH_FILE).write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    planted = "".join(
        f" --plant-spike {spike['country_a']}:{spike['country_b']}:{spike['month']}:"
        f"{spike['n_briefings']}"
        for spike in truth["spikes"]
    ) + "".join(
        f" --plant-topic '{topic['name']}:{topic['first_month']}'"
        for topic in truth["emerging_topics"]
    )
    readme = _README.format(
        briefings=path.name,
        labels=LABELS_FILE,
        truth=TRUTH_FILE,
        n=truth["n"],
        seed=truth["seed"],
        start=truth["start"],
        end=truth["end"],
        fmt=fmt,
        planted=planted,
    )
    (folder / README_FILE).write_text(readme, encoding="utf-8")
    return path


# -- command line ----------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The ``python -m analytics.synth`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m analytics.synth",
        description=(
            "Generate a synthetic corpus of briefings in the canonical three-section format, "
            "with planted relation spikes and emerging topics recorded in truth.json."
        ),
    )
    parser.add_argument(
        "--n", type=int, default=100_000, help="number of briefings (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--start", default=DEFAULT_START, help=f"first day (default {DEFAULT_START})"
    )
    parser.add_argument("--end", default=DEFAULT_END, help=f"last day (default {DEFAULT_END})")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="output format")
    parser.add_argument(
        "--plant-spike",
        action="append",
        default=[],
        metavar="ISO3A:ISO3B:YYYY-MM[:N]",
        help="add N conflict briefings between the two countries in that month "
        "(default N: 5%% of the month's volume); repeatable",
    )
    parser.add_argument(
        "--plant-topic",
        action="append",
        default=[],
        metavar="NAME:YYYY-MM",
        help="a theme of data/synth/topics.csv that appears only from that month on; repeatable",
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator from the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        frame = generate_corpus(
            args.n,
            seed=args.seed,
            start=args.start,
            end=args.end,
            spikes=args.plant_spike,
            emerging_topics=args.plant_topic,
        )
        generated = time.perf_counter() - began
        path = write_corpus(frame, args.out, args.format)
    except InputError as error:
        parser.error(str(error))  # exits with status 2 and the usage line
    print(
        f"wrote {len(frame)} synthetic briefings to {path} "
        f"(generated in {generated:.1f} s, total {time.perf_counter() - began:.1f} s)",
        file=sys.stdout,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
