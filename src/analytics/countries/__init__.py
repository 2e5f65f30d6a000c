"""Countries: the briefing table in, country mentions and per-briefing country counts out.

Enters: briefings. Leaves: one row per mention (with its kind and sentence) and one row per
briefing and country, from the gazetteer of names, aliases, demonyms, capitals and office holders.

Modules: ``gazetteer`` (the reference CSVs compiled for matching), ``mentions`` (text ->
mention rows), ``counts`` (mentions -> per-briefing counts and matrices) and ``geonames``
(rebuilding ``data/places.csv`` from GeoNames: ``python -m analytics.countries.geonames``).
"""

from analytics.countries.counts import briefing_countries, mention_matrix
from analytics.countries.gazetteer import Gazetteer, country_stop_words, load_gazetteer
from analytics.countries.mentions import extract_mentions

__all__ = [
    "Gazetteer",
    "load_gazetteer",
    "country_stop_words",
    "extract_mentions",
    "briefing_countries",
    "mention_matrix",
]
