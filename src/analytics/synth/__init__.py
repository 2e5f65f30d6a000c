"""Synthetic corpora for benchmarks: a seed and a size in, briefings with planted structure out.

Enters: size, seed, dates, planted spikes and topics. Leaves: JSONL/Parquet briefings and the
planted truth (``python -m analytics.synth``).

Modules: ``vocabulary`` (the CSV tables of data/synth), ``planted`` (spikes, emerging
topics, argument checks), ``plan`` (every random draw, as a ``CorpusPlan``), ``assembly``
(the text), ``truth`` (truth.json), ``generate`` (``generate_corpus``), ``output``
(``write_corpus``), ``layout`` (columns, file names, defaults) and ``cli``.
"""

from analytics.synth.cli import build_parser, main
from analytics.synth.generate import generate_corpus
from analytics.synth.layout import (
    DEFAULT_END,
    DEFAULT_START,
    LABEL_COLUMNS,
    LABELS_FILE,
    MAX_WORDS,
    MIN_WORDS,
    README_FILE,
    RECORD_COLUMNS,
    TRUTH_ATTR,
    TRUTH_DIR,
    TRUTH_FILE,
)
from analytics.synth.output import write_corpus
from analytics.synth.plan import CorpusPlan, SectionPlan, TextPlan, plan_corpus
from analytics.synth.planted import (
    EMERGING_SHARE,
    SPIKE_DEFAULT_SHARE,
    SPIKE_SENTENCES,
    EmergingTopic,
    PlantedSpike,
    parse_spike,
    parse_topic,
)
from analytics.synth.vocabulary import Vocabulary, load_vocabulary, vocabulary_dir

__all__ = [
    "DEFAULT_END",
    "DEFAULT_START",
    "EMERGING_SHARE",
    "LABELS_FILE",
    "LABEL_COLUMNS",
    "MAX_WORDS",
    "MIN_WORDS",
    "README_FILE",
    "RECORD_COLUMNS",
    "SPIKE_DEFAULT_SHARE",
    "SPIKE_SENTENCES",
    "TRUTH_ATTR",
    "TRUTH_DIR",
    "TRUTH_FILE",
    "CorpusPlan",
    "EmergingTopic",
    "PlantedSpike",
    "SectionPlan",
    "TextPlan",
    "Vocabulary",
    "build_parser",
    "generate_corpus",
    "load_vocabulary",
    "main",
    "parse_spike",
    "parse_topic",
    "plan_corpus",
    "vocabulary_dir",
    "write_corpus",
]
