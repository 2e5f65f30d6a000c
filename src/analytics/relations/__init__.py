"""Relations: briefings and their country mentions in, scored country-pair interactions and
their aggregation over time out.

Enters: briefings, mentions and the cue lexicon. Leaves: one interaction per country pair per
sentence (score, class, cues, evidence) and tension / alliance per pair per period with spikes.
"""
