"""The ground truth of a synthetic corpus: what was planted, and how to make it again.

Relation spikes with their briefing ids, emerging topics with their terms, the baseline
conflict share of every pair, the monthly volume and the arguments that reproduce the
corpus; ``write_corpus`` saves it as ``truth.json``.
"""

from __future__ import annotations

import numpy as np

from analytics.synth.plan import CorpusPlan
from analytics.synth.planted import EMERGING_SHARE, SPIKE_SENTENCES, EmergingTopic, PlantedSpike
from analytics.synth.vocabulary import Vocabulary


def corpus_truth(
    *,
    n: int,
    seed: int,
    first: np.datetime64,
    last: np.datetime64,
    plan: CorpusPlan,
    spikes: list[PlantedSpike],
    ids: list[str],
    topic_plans: list[EmergingTopic],
    topic_columns: list[int],
    vocab: Vocabulary,
) -> dict[str, object]:
    """The planted structure and the settings that reproduce the corpus (``truth.json``)."""
    calendar, month_of_row, themes = plan.calendar, plan.month_of_row, plan.themes
    spike_sizes, spike_of_row = plan.spike_sizes, plan.spike_of_row
    conflict_share = plan.text.conflict_share
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
