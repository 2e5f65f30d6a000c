"""Topics: the briefing table in, a fitted topic model and one topic per briefing out.

Enters: briefings. Leaves: the TopicModel estimator (TF-IDF, LSA, k-means; ids aligned across
refits), each briefing's topic and weight, and the topic summary (labels, terms, sizes).

Modules: ``features`` (stop words, tokens, term counts, document frequencies, TF-IDF),
``clustering`` (spherical k-means, prototype merging, the number of topics), ``labels``
(terms, labels, representatives), ``model`` (the estimator), ``persistence`` (save and load),
``alignment`` (ids across refits) and ``assignment`` (the per-briefing tables).
"""

from analytics.topics.alignment import align_topics, topic_similarity
from analytics.topics.assignment import (
    SUMMARY_COLUMNS,
    TOPIC_COLUMNS,
    assign_topics,
    briefing_text_for_topics,
    topic_summary,
)
from analytics.topics.clustering import merge_prototypes, spherical_kmeans
from analytics.topics.features import (
    DocumentFrequencies,
    actor_stop_words,
    combine_document_frequencies,
    count_terms,
    count_vectorizer,
    document_frequencies,
    inverse_document_frequency,
    label_stop_words,
    news_stop_words,
    strip_datelines,
    strip_sources,
    tfidf,
    tokens,
    topic_stop_words,
)
from analytics.topics.labels import LABEL_SEPARATOR
from analytics.topics.model import TopicModel, TopicModelNotFittedError

__all__ = [
    "DocumentFrequencies",
    "LABEL_SEPARATOR",
    "SUMMARY_COLUMNS",
    "TOPIC_COLUMNS",
    "TopicModel",
    "TopicModelNotFittedError",
    "actor_stop_words",
    "align_topics",
    "assign_topics",
    "briefing_text_for_topics",
    "combine_document_frequencies",
    "count_terms",
    "count_vectorizer",
    "document_frequencies",
    "inverse_document_frequency",
    "label_stop_words",
    "merge_prototypes",
    "news_stop_words",
    "spherical_kmeans",
    "strip_datelines",
    "strip_sources",
    "tfidf",
    "tokens",
    "topic_similarity",
    "topic_stop_words",
    "topic_summary",
]
