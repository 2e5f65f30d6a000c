"""Column names of every table the core produces: the single source of truth.

Code elsewhere refers to ``schema.BRIEFING_ID`` and friends rather than string
literals, so renaming a column is a one-line change here.
"""

from __future__ import annotations

# -- briefings -------------------------------------------------------------
BRIEFING_ID = "briefing_id"
DATE = "date"
DATE_SOURCE = "date_source"
TITLE = "title"
SOURCE = "source"
URL = "url"
TEXT = "text"
HAPPENING = "happening"
IMPORTANCE = "importance"
NEXT = "next"
DUPLICATE_OF = "duplicate_of"
ORIGIN = "origin"  # file (and row or line) the briefing came from

SECTIONS: tuple[str, ...] = (HAPPENING, IMPORTANCE, NEXT)
BRIEFING_COLUMNS: tuple[str, ...] = (
    BRIEFING_ID,
    DATE,
    DATE_SOURCE,
    TITLE,
    SOURCE,
    URL,
    TEXT,
    HAPPENING,
    IMPORTANCE,
    NEXT,
    DUPLICATE_OF,
    ORIGIN,
)

# Where a briefing's date came from, in order of precedence.
DATE_SOURCES: tuple[str, ...] = ("record", "front matter", "manifest", "file name", "file time")

# -- load report: one row per input file (or table row) -----------------------
FILE = "file"  # the input file, relative to the input folder
ROW = "row"  # the table row or line (NA for a whole file)
# A row's position in its corpus table, carried by the lean tables whose other columns are
# read from the store when shown (``artefacts.ROW_CARRYING``).
TABLE_ROW = "table_row"
STATUS = "status"
REASON = "reason"
REPORT_COLUMNS: tuple[str, ...] = (FILE, ROW, STATUS, REASON, BRIEFING_ID)
# What became of an input (its ``status``).
LOADED = "loaded"
DUPLICATE = "duplicate"  # collapsed into the earlier briefing with the same words
NEAR_DUPLICATE = "near-duplicate"  # kept, ``duplicate_of`` names the briefing it resembles
SKIPPED = "skipped"
REPORT_STATUSES: tuple[str, ...] = (LOADED, DUPLICATE, NEAR_DUPLICATE, SKIPPED)

# -- segments: one row per (briefing, section) of text -----------------------
SECTION = "section"
SECTION_TITLE = "title"  # the title is scanned as its own section
SECTION_BODY = "body"  # whole text of a briefing without the three headings
SEGMENT_SECTIONS: tuple[str, ...] = (SECTION_TITLE, HAPPENING, IMPORTANCE, NEXT, SECTION_BODY)

# -- sentences ---------------------------------------------------------------
SENTENCE_INDEX = "sentence_index"
SENTENCE = "sentence"
START = "start"
END = "end"

# -- mentions ----------------------------------------------------------------
SURFACE = "surface"
ISO3 = "iso3"
COUNTRY = "country"
KIND = "kind"
CONFIDENCE = "confidence"
MENTION_KINDS: tuple[str, ...] = ("name", "alias", "demonym", "capital", "leader", "place")
MENTION_COLUMNS: tuple[str, ...] = (
    BRIEFING_ID,
    SECTION,
    SENTENCE_INDEX,
    START,
    END,
    SURFACE,
    ISO3,
    KIND,
    CONFIDENCE,
)

# -- topics ------------------------------------------------------------------
TOPIC_ID = "topic_id"
TOPIC_LABEL = "topic_label"
WEIGHT = "weight"
TOP_TERMS = "top_terms"
N_BRIEFINGS = "n_briefings"

# -- interactions and relations ---------------------------------------------
COUNTRY_A = "country_a"
COUNTRY_B = "country_b"
SCORE = "score"
CLASS = "class"
CUES = "cues"
FORWARD_LOOKING = "forward_looking"
ROLES = "roles"  # each country's role in the sentence and the words that decided it
INTERACTION_COLUMNS: tuple[str, ...] = (
    BRIEFING_ID,
    DATE,
    SECTION,
    SENTENCE_INDEX,
    SENTENCE,
    COUNTRY_A,
    COUNTRY_B,
    SCORE,
    CLASS,
    CUES,
    FORWARD_LOOKING,
    ROLES,
)

PERIOD = "period"
N_INTERACTIONS = "n_interactions"
TENSION = "tension"
ALLIANCE = "alliance"
NET = "net"
TENSION_SHARE = "tension_share"
ALLIANCE_SHARE = "alliance_share"
BASELINE = "baseline"
SPIKE = "spike"
# The partial counts of relation cells (``relations.over_time.pair_counts``): score sums
# in whole millionths.
N_CONFLICTS = "n_conflicts"
TENSION_UNITS = "tension_units"
ALLIANCE_UNITS = "alliance_units"
SCORE_UNITS = "score_units"
RELATION_COLUMNS: tuple[str, ...] = (
    PERIOD,
    COUNTRY_A,
    COUNTRY_B,
    N_INTERACTIONS,
    TENSION,
    ALLIANCE,
    NET,
    TENSION_SHARE,
    ALLIANCE_SHARE,
    SPIKE,
)

# -- watchlist: expected events and their follow-up ------------------------------
COUNTRIES = "countries"  # the acting countries, ``|``-separated ISO codes in text order
CUE_FAMILY = "cue_family"  # the CAMEO root (two digits) of the event's first cue
EVENT_TYPE = "event_type"  # the family's name ("consult", "threaten"...)
CERTAINTY = "certainty"
WHEN = "when"  # the time expression as written ("" when the text names none)
WHEN_KIND = "when_kind"
WINDOW_START = "window_start"
WINDOW_END = "window_end"
WATCHLIST_COLUMNS: tuple[str, ...] = (
    BRIEFING_ID,
    DATE,
    SECTION,
    SENTENCE_INDEX,
    SENTENCE,
    COUNTRIES,
    CUES,
    CUE_FAMILY,
    EVENT_TYPE,
    CERTAINTY,
    WHEN,
    WHEN_KIND,
    WINDOW_START,
    WINDOW_END,
)
# How sure the text sounds (``data/certainty.csv``), surest first.
FIRM = "firm"
LIKELY = "likely"
POSSIBLE = "possible"
CERTAINTIES: tuple[str, ...] = (FIRM, LIKELY, POSSIBLE)
# What fixed the window: a calendar date, an expression relative to the briefing's date,
# or nothing (the default horizon from the briefing's date).
EXPLICIT = "explicit"
RELATIVE = "relative"
UNDATED = "undated"
WHEN_KINDS: tuple[str, ...] = (EXPLICIT, RELATIVE, UNDATED)
# The follow-up of an expected event.
FOLLOW_UP = "follow_up"
EVIDENCE_IDS = "evidence_ids"  # ``|``-separated ids of the briefings that report it
EVIDENCE = "evidence"  # their sentences, `` || ``-separated, each after its date
REPORTED = "reported"
NOT_SEEN = "not seen"
OPEN = "open"
FOLLOW_UPS: tuple[str, ...] = (REPORTED, NOT_SEEN, OPEN)
FOLLOW_UP_COLUMNS: tuple[str, ...] = (*WATCHLIST_COLUMNS, FOLLOW_UP, EVIDENCE_IDS, EVIDENCE)

# -- time --------------------------------------------------------------------
FREQUENCIES: tuple[str, ...] = ("day", "week", "month", "quarter")
