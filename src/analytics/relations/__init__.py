"""Relations: briefings and their country mentions in, scored country-pair interactions and
their aggregation over time out.

Enters: briefings, mentions and the cue lexicon. Leaves: one interaction per country pair per
sentence (score, class, cues, evidence) and tension / alliance per pair per period with spikes.

``cue_tables`` reads and validates the cue and modifier tables, ``lexicon`` compiles and
matches them, ``grammar`` says who in a sentence can relate to whom, ``scoring`` scores a
sentence, ``corpus`` scores a whole corpus (forked on every core), and ``over_time`` is the
one engine that aggregates interactions per pair and period, with spikes.
"""

from analytics.relations.corpus import score_interactions, sentence_spans
from analytics.relations.cue_tables import (
    CONFLICT_CLASSES,
    COOPERATION_CLASSES,
    CUE_CLASSES,
    CUE_COLUMNS,
    MODIFIER_COLUMNS,
    MODIFIER_KINDS,
    NEUTRAL_CLASS,
    cues_path,
    load_cues,
    load_modifiers,
    modifiers_path,
    phrase_inflections,
    validate_cues,
    validate_modifiers,
    word_inflections,
)
from analytics.relations.grammar import ACTOR_KINDS
from analytics.relations.lexicon import (
    Cue,
    CueMatch,
    Lexicon,
    PhraseIndex,
    TextBatch,
    word_positions,
)
from analytics.relations.over_time import (
    ALERT_COLUMNS,
    PAIR_COUNT_COLUMNS,
    SCORE_UNIT,
    PairCodes,
    PairPeriods,
    merge_pair_counts,
    pair_codes,
    pair_counts,
    pair_net,
    pair_periods,
    pair_periods_from_counts,
    pair_summary,
    relations_from_cells,
    relations_over_time,
    score_units,
    spike_alerts,
    spike_cells,
    spike_rows,
)
from analytics.relations.roles import ACTOR, load_roles, sentence_roles, shared_roles
from analytics.relations.scoring import PairScore, default_lexicon, score_sentence

__all__ = [
    "ACTOR",
    "ACTOR_KINDS",
    "CONFLICT_CLASSES",
    "COOPERATION_CLASSES",
    "CUE_CLASSES",
    "CUE_COLUMNS",
    "MODIFIER_COLUMNS",
    "MODIFIER_KINDS",
    "NEUTRAL_CLASS",
    "Cue",
    "CueMatch",
    "Lexicon",
    "PairCodes",
    "PairPeriods",
    "PairScore",
    "PhraseIndex",
    "TextBatch",
    "cues_path",
    "default_lexicon",
    "load_cues",
    "load_modifiers",
    "load_roles",
    "modifiers_path",
    "merge_pair_counts",
    "pair_codes",
    "pair_counts",
    "pair_net",
    "pair_periods",
    "pair_periods_from_counts",
    "pair_summary",
    "relations_from_cells",
    "phrase_inflections",
    "relations_over_time",
    "score_interactions",
    "score_units",
    "score_sentence",
    "sentence_roles",
    "shared_roles",
    "sentence_spans",
    "spike_alerts",
    "spike_cells",
    "spike_rows",
    "ALERT_COLUMNS",
    "PAIR_COUNT_COLUMNS",
    "SCORE_UNIT",
    "validate_cues",
    "validate_modifiers",
    "word_inflections",
    "word_positions",
]
