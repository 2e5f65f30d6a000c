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

This module holds ``generate_corpus``, which checks its arguments, draws the plan
(``plan``), builds the text (``assembly``) and records the truth (``truth``); the
vocabulary (``vocabulary``), the planted structure (``planted``), the files
(``output``) and the command line (``cli``) live beside it. Nothing in the project loads
a synthetic corpus unless asked: it is written only where ``--out`` points. Run
``python -m analytics.synth --help``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.errors import AnalyticsError, InputError
from analytics.synth.assembly import assemble
from analytics.synth.layout import (
    COUNTRIES,
    DEFAULT_END,
    DEFAULT_START,
    ID,
    ID_PREFIX,
    MAX_WORDS,
    MIN_WORDS,
    SOURCE_NAME,
    SYNTHETIC,
    THEME,
    TRUTH_ATTR,
)
from analytics.synth.plan import plan_corpus
from analytics.synth.planted import (
    EmergingTopic,
    PlantedSpike,
    as_spikes,
    as_topics,
    check_count,
    check_day,
    check_seed,
    check_spike,
    check_topics,
)
from analytics.synth.truth import corpus_truth
from analytics.synth.vocabulary import Vocabulary, load_vocabulary, vocabulary_dir


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

    Parameters:
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
    n = check_count(n)
    seed = check_seed(seed)
    first, last = check_day(start, "start"), check_day(end, "end")
    if first > last:
        raise InputError(f"start must not be after end ({end!r}), got {start!r}")
    vocab = vocabulary if vocabulary is not None else load_vocabulary()
    spike_plans = as_spikes(spikes)
    topic_plans = as_topics(emerging_topics)
    iso3_index = {code: i for i, code in enumerate(vocab.countries["iso3"])}
    spike_months = [check_spike(spike, iso3_index, first, last) for spike in spike_plans]
    topic_columns, topic_months = check_topics(topic_plans, vocab, first, last)

    rng = np.random.default_rng(seed)
    plan = plan_corpus(
        n,
        rng,
        vocab,
        first=first,
        last=last,
        spikes=spike_plans,
        spike_months=spike_months,
        topic_columns=topic_columns,
        topic_months=topic_months,
    )
    titles, texts, word_counts = assemble(vocab, plan)
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
        for row, count in zip(plan.countries, plan.n_countries.tolist(), strict=True)
    ]
    frame = pd.DataFrame(
        {
            ID: ids,
            S.DATE: np.datetime_as_string(plan.calendar.days[plan.day_index], unit="D"),
            S.TITLE: titles,
            S.SOURCE: SOURCE_NAME,
            SYNTHETIC: True,
            S.TEXT: texts,
            THEME: vocab.themes["theme"].to_numpy()[plan.themes],
            COUNTRIES: country_labels,
        }
    )
    frame.attrs[TRUTH_ATTR] = corpus_truth(
        n=n,
        seed=seed,
        first=first,
        last=last,
        plan=plan,
        spikes=spike_plans,
        ids=ids,
        topic_plans=topic_plans,
        topic_columns=topic_columns,
        vocab=vocab,
    )
    return frame
