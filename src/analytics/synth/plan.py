"""The plan of a synthetic corpus: every random draw, as arrays, before any text is built.

A seeded generator draws, in a fixed order, the calendar (daily volumes), each briefing's
day, theme and countries, and every choice behind its sentences (relation slots, cues,
templates, terms). ``plan_corpus`` returns them as one ``CorpusPlan``; the same seed and
arguments give the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from analytics.errors import InputError
from analytics.synth.planted import EMERGING_SHARE, SPIKE_DEFAULT_SHARE, PlantedSpike
from analytics.synth.vocabulary import Vocabulary

# Shape of the corpus (not reference vocabulary).
# Target body length in words: bounded so that overshooting by one sentence and
# adding the headings never leaves [MIN_WORDS, MAX_WORDS].
_TARGET_MEAN, _TARGET_SD, _TARGET_LOW, _TARGET_HIGH = 185.0, 35.0, 125, 250
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


# The template sections filled with a theme's terms and the briefing's countries.
TOPIC_SECTIONS: tuple[str, ...] = ("title", "happening", "importance", "next")


class SectionPlan(NamedTuple):
    """The drawn choices of one theme section (title, happening, importance, next), per row."""

    order: np.ndarray  # the section's templates in the order the row uses them (rows x slots)
    x: np.ndarray  # position of the X country among the row's countries, per slot
    y: np.ndarray  # position of the Y country (never the X one), per slot
    terms: np.ndarray  # three different term positions in the row's theme, per slot


@dataclass(frozen=True)
class TextPlan:
    """Every random choice behind the briefings' text, one row per briefing.

    Relation slots (the last axis of ``subject`` .. ``object_capital``): 0 leads What's
    Happening?, 1 may follow it (``present``), 2 is the hedged outlook in What's Next?.
    """

    conflict_share: np.ndarray  # countries x countries: each pair's baseline share of conflict
    target: np.ndarray  # target body length in words
    subject: np.ndarray  # rows x 3: position of the subject among the row's countries
    object: np.ndarray  # rows x 3: position of the object
    present: np.ndarray  # rows x 3: the relation slot is written
    conflict: np.ndarray  # rows x 3: the relation is a conflict (else cooperation)
    cue: np.ndarray  # rows x 3: row of cues.csv
    subject_capital: np.ndarray  # rows x 3: the subject is named by its capital
    object_capital: np.ndarray  # rows x 3: the object is named by its capital
    relation_frame: np.ndarray  # rows x 2: two different relation templates
    outlook_frame: np.ndarray  # outlook template
    hedge: np.ndarray  # row of hedges.csv
    outlook_first: np.ndarray  # the outlook opens What's Next?
    context: np.ndarray  # context template naming the other countries
    sections: dict[str, SectionPlan]  # by section name (``TOPIC_SECTIONS``)


@dataclass(frozen=True)
class CorpusPlan:
    """The plan of a synthetic corpus: when each briefing falls, what it is about, its text.

    Rows are briefings in date order.
    """

    calendar: Calendar
    day_index: np.ndarray  # index into ``calendar.days``
    month_of_row: np.ndarray  # index into ``calendar.months``
    spike_sizes: list[int]  # briefings planted for each spike
    spike_of_row: np.ndarray  # the planted spike a row belongs to, -1 for the background
    themes: np.ndarray  # row of topics.csv
    countries: np.ndarray  # rows x 5: country rows of countries.csv, the named ones first
    n_countries: np.ndarray  # countries the row names (2-5)
    text: TextPlan


def plan_corpus(
    n: int,
    rng: np.random.Generator,
    vocab: Vocabulary,
    *,
    first: np.datetime64,
    last: np.datetime64,
    spikes: list[PlantedSpike],
    spike_months: list[np.datetime64],
    topic_columns: list[int],
    topic_months: list[np.datetime64],
) -> CorpusPlan:
    """Draw the plan of ``n`` briefings from ``rng`` (checked arguments, in this order).

    Raises:
        InputError: when the planted spike briefings are not fewer than ``n``.
    """
    calendar = _calendar(first, last, rng)
    spike_sizes = [
        _spike_size(spike, month, calendar, n)
        for spike, month in zip(spikes, spike_months, strict=True)
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
    iso3_index = {code: i for i, code in enumerate(vocab.countries["iso3"])}
    countries, n_countries = _draw_countries(rng, vocab, spikes, spike_of_row, iso3_index)
    text = _plan_text(rng, vocab, themes, countries, n_countries, spike_of_row)
    return CorpusPlan(
        calendar=calendar,
        day_index=day_index,
        month_of_row=month_of_row,
        spike_sizes=spike_sizes,
        spike_of_row=spike_of_row,
        themes=themes,
        countries=countries,
        n_countries=n_countries,
        text=text,
    )


@dataclass(frozen=True)
class Calendar:
    """The days of the period and each day's chance of a briefing."""

    days: np.ndarray  # datetime64[D]
    months: np.ndarray  # datetime64[M], one per month of the period
    month_of_day: np.ndarray  # index into ``months``
    probability: np.ndarray  # chance of a briefing falling on each day


def _calendar(first: np.datetime64, last: np.datetime64, rng: np.random.Generator) -> Calendar:
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
    return Calendar(days, months, month_of_day, weights / weights.sum())


def _spike_size(spike: PlantedSpike, month: np.datetime64, calendar: Calendar, n: int) -> int:
    if spike.n_briefings is not None:
        return int(spike.n_briefings)
    share = calendar.probability[calendar.months[calendar.month_of_day] == month].sum()
    return max(1, round(SPIKE_DEFAULT_SHARE * share * n))


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
) -> TextPlan:
    """Every random choice behind the text, drawn as arrays before any string is built."""
    n_rows = len(themes)
    rows = np.arange(n_rows)
    conflict_share = _conflict_shares(rng, vocab)
    targets = rng.normal(_TARGET_MEAN, _TARGET_SD, n_rows)
    target = np.clip(np.rint(targets), _TARGET_LOW, _TARGET_HIGH).astype(np.int64)

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
    conflict = rng.random((n_rows, 3)) < conflict_share[subject_country, object_country]
    conflict[spiked] = True

    cue_weights = vocab.cues["weight"].to_numpy(dtype=float)
    draws = {}
    for sign in (-1, 1):
        candidates = np.flatnonzero(vocab.cues["sign"].to_numpy() == sign)
        weights = cue_weights[candidates] / cue_weights[candidates].sum()
        draws[sign] = rng.choice(candidates, size=(n_rows, 3), p=weights)
    cue = np.where(conflict, draws[-1], draws[1])
    subject_capital = rng.random((n_rows, 3)) < _SUBJECT_CAPITAL_PROBABILITY
    object_capital = rng.random((n_rows, 3)) < _OBJECT_CAPITAL_PROBABILITY
    # Two different frames, so a briefing does not open two sentences the same way.
    frames = np.full(n_rows, len(vocab.templates["relation"]))
    relation_frame = np.stack(_distinct_positions(rng, frames, (n_rows,)), axis=1)
    outlook_frame = rng.integers(0, len(vocab.templates["outlook"]), n_rows)
    hedge = rng.integers(0, len(vocab.hedges), n_rows)
    outlook_first = rng.random(n_rows) < 0.5
    context = rng.integers(0, len(vocab.templates["context"]), n_rows)

    term_counts = vocab.themes["terms"].map(len).to_numpy()[themes]
    sections: dict[str, SectionPlan] = {}
    for section in TOPIC_SECTIONS:
        slots = len(vocab.templates[section])
        # A per-row permutation, so no template repeats within a briefing.
        order = rng.permuted(np.tile(np.arange(slots), (n_rows, 1)), axis=1)
        x, y = _distinct_positions(rng, n_countries, (n_rows, slots))
        sections[section] = SectionPlan(order, x, y, _draw_terms(rng, term_counts, slots))
    return TextPlan(
        conflict_share=conflict_share,
        target=target,
        subject=subject_pos,
        object=object_pos,
        present=present,
        conflict=conflict,
        cue=cue,
        subject_capital=subject_capital,
        object_capital=object_capital,
        relation_frame=relation_frame,
        outlook_frame=outlook_frame,
        hedge=hedge,
        outlook_first=outlook_first,
        context=context,
        sections=sections,
    )
