"""Sentence-boundary cases shared by the text and mention tests."""

# Abbreviations, initials, quotes, blank lines and missing final stops.
SENTENCE_TEXTS = [
    "Japan spoke. The U.S. replied. Mr. Smith met China.",
    "First line about Japan\n\nSecond paragraph on China. Then Korea.",
    "\n\nLeading blank line. Then India.",
    'He said "Japan is ready." Then China answered! Was Taiwan next? Yes.',
    "The Inc. said so. J. Smith went to Iran. A . B Peru.",
    "Trailing text without stop about Chile\n \n",
    "Talks in the U.S. The deal with Japan. Officials of the U.S. Trade Office met Iran.",
]

# The same with texts that hold no sentence at all.
BOUNDARY_TEXTS = [*SENTENCE_TEXTS, "", "   "]
