"""Countries: the briefing table in, country mentions and per-briefing country counts out.

Enters: briefings. Leaves: one row per mention (with its kind and sentence) and one row per
briefing and country, from the gazetteer of names, aliases, demonyms, capitals and office holders.
"""
