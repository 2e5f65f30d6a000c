"""Topics: the briefing table in, a fitted topic model and one topic per briefing out.

Enters: briefings. Leaves: the TopicModel estimator (TF-IDF, LSA, k-means; ids aligned across
refits), each briefing's topic and weight, and the topic summary (labels, terms, sizes).
"""
