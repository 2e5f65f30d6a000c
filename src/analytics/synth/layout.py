"""The layout of a synthetic corpus: record and label columns, file names, headings, defaults.

Shared by the generator, the writer and the command line, so each name is defined once.
"""

from __future__ import annotations

from analytics import schema as S

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
# The gold labels and the planted truth go in a hidden folder beside the briefings (paths
# relative to the output folder): the loader leaves hidden files out, so ingesting the
# folder loads the briefings without naming the generator's own files as skipped inputs.
TRUTH_DIR = ".truth"
TRUTH_FILE = f"{TRUTH_DIR}/truth.json"
LABELS_FILE = f"{TRUTH_DIR}/labels.csv"
README_FILE = "README.txt"
TRUTH_ATTR = "synth_truth"  # key of the planted structure in ``DataFrame.attrs``

DEFAULT_START = "2023-01-01"
DEFAULT_END = "2025-12-31"
MIN_WORDS, MAX_WORDS = 120, 300  # whole text, headings included
