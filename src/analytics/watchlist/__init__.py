"""Watchlist: briefings and their country mentions in, expected events and their follow-up out.

Enters: briefings, mentions, the cue lexicon (``analytics.relations``) and the certainty words.
Leaves: one row per expected event (sentence, acting countries, cue and its family, certainty,
the expected date or window) and, against the corpus' latest date, whether later briefings
reported it, with the evidence.

``timing`` resolves time expressions against a briefing's date, ``certainty`` says how sure a
sentence sounds, ``families`` names the event types, ``extract`` finds the expected events and
``follow_up`` looks for their reports.
"""

from analytics.watchlist.certainty import (
    CERTAINTY_COLUMNS,
    CertaintyWords,
    Sure,
    certainty_path,
    default_certainty_words,
    load_certainty,
    without_conditions,
    without_conditions_batch,
)
from analytics.watchlist.extract import (
    acting_countries,
    expected_events,
    forward_sentences,
)
from analytics.watchlist.families import (
    cue_families_path,
    cue_family,
    default_cue_families,
    load_cue_families,
)
from analytics.watchlist.follow_up import follow_up, report_mentions
from analytics.watchlist.timing import Window, expected_window, expected_windows, find_windows

__all__ = [
    "CERTAINTY_COLUMNS",
    "CertaintyWords",
    "Sure",
    "Window",
    "acting_countries",
    "certainty_path",
    "cue_families_path",
    "cue_family",
    "default_certainty_words",
    "default_cue_families",
    "expected_events",
    "expected_window",
    "expected_windows",
    "find_windows",
    "follow_up",
    "forward_sentences",
    "load_certainty",
    "load_cue_families",
    "report_mentions",
    "without_conditions",
    "without_conditions_batch",
]
