"""Topics per briefing: the text a briefing is clustered on, its primary topic, the summary.

Enters: a fitted ``TopicModel`` and the briefing table. Leaves: one topic row per briefing
(``TOPIC_COLUMNS``) and one summary row per topic (``SUMMARY_COLUMNS``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError
from analytics.ingest import strings_in
from analytics.topics.model import TopicModel, check_fitted

LABEL = "label"
REPRESENTATIVE_IDS = "representative_ids"
TOPIC_COLUMNS: tuple[str, ...] = (S.BRIEFING_ID, S.TOPIC_ID, S.TOPIC_LABEL, S.WEIGHT, S.DATE)
SUMMARY_COLUMNS: tuple[str, ...] = (
    S.TOPIC_ID,
    LABEL,
    S.TOP_TERMS,
    S.N_BRIEFINGS,
    REPRESENTATIVE_IDS,
)


def briefing_text_for_topics(briefings: pd.DataFrame) -> list[str]:
    """The text a briefing is clustered on: its title, a blank line, its body."""
    titles = briefings[S.TITLE].fillna("").astype(str) if S.TITLE in briefings else ""
    bodies = briefings[S.TEXT].fillna("").astype(str)
    return (titles + "\n\n" + bodies).str.strip().tolist()


def assign_topics(
    model: TopicModel, briefings: pd.DataFrame, *, embedding: np.ndarray | None = None
) -> pd.DataFrame:
    """The primary topic of every briefing.

    Parameters:
        model: a fitted ``TopicModel``.
        briefings: the briefing table (``briefing_id``, ``title``, ``text``, ``date``).
        embedding: the briefings' LSA vectors when already known, one row per
            briefing in the same order (``model.embedding_`` right after fitting on
            ``briefing_text_for_topics(briefings)``); saves reading the texts again.

    Returns:
        One row per briefing: ``briefing_id``, ``topic_id``, ``topic_label``, ``weight``
        (the weight of the primary topic) and ``date``.

    Raises:
        TopicModelNotFittedError: when ``model`` is not fitted.
        InputError: when ``embedding`` does not have one row per briefing.
    """
    if embedding is None:
        weights = model.transform(briefing_text_for_topics(briefings))
    else:
        if len(embedding) != len(briefings):
            raise InputError(
                f"embedding must have one row per briefing ({len(briefings)}); "
                f"got {len(embedding)} rows"
            )
        weights = model.transform_embedding(embedding)
    primary = np.argmax(weights, axis=1) if len(weights) else np.zeros(0, dtype=np.int64)
    labels = np.array(model.topic_labels_, dtype=object)
    return pd.DataFrame(
        {
            S.BRIEFING_ID: briefings[S.BRIEFING_ID].to_numpy(),
            S.TOPIC_ID: model.topic_ids_[primary].astype(np.int64),
            S.TOPIC_LABEL: labels[primary] if len(primary) else np.array([], dtype=object),
            S.WEIGHT: weights[np.arange(len(primary)), primary],
            S.DATE: briefings[S.DATE].to_numpy() if S.DATE in briefings else pd.NaT,
        },
        columns=list(TOPIC_COLUMNS),
    )


def topic_summary(model: TopicModel, briefings: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """One row per topic: label, top terms, size and its most representative briefings.

    No text is read again: a topic's representatives are its briefings with the
    highest ``weight`` on it, as ``assign_topics`` computed them (the same ranking
    as ``representative_docs_``).

    Parameters:
        model: the fitted model ``topics`` was assigned with.
        briefings: the briefing table; only briefings listed in it can represent a topic.
        topics: the output of ``assign_topics``.

    Returns:
        ``topic_id``, ``label``, ``top_terms`` (``", "``-joined), ``n_briefings`` and
        ``representative_ids`` (up to three ids, highest weight first, ties by id,
        ``"|"``-joined), ordered by ``topic_id``.

    Raises:
        TopicModelNotFittedError: when ``model`` is not fitted.
    """
    check_fitted(model)
    known = strings_in(topics[S.BRIEFING_ID], briefings[S.BRIEFING_ID])
    ranked = (
        topics.loc[known, [S.BRIEFING_ID, S.TOPIC_ID, S.WEIGHT]]
        .assign(**{S.BRIEFING_ID: lambda t: t[S.BRIEFING_ID].astype(str)})
        .sort_values(
            [S.TOPIC_ID, S.WEIGHT, S.BRIEFING_ID], ascending=[True, False, True], kind="stable"
        )
    )
    representatives = (
        ranked.groupby(S.TOPIC_ID)
        .head(settings.value("topic_representatives"))
        .groupby(S.TOPIC_ID)[S.BRIEFING_ID]
    ).agg("|".join)
    sizes = topics.groupby(S.TOPIC_ID).size()
    order = np.argsort(model.topic_ids_, kind="stable")
    ids = model.topic_ids_[order]
    return pd.DataFrame(
        {
            S.TOPIC_ID: ids.astype(np.int64),
            LABEL: [model.topic_labels_[i] for i in order],
            S.TOP_TERMS: [", ".join(model.top_terms_[i]) for i in order],
            S.N_BRIEFINGS: sizes.reindex(ids, fill_value=0).to_numpy().astype(np.int64),
            REPRESENTATIVE_IDS: representatives.reindex(ids, fill_value="").to_numpy(),
        },
        columns=list(SUMMARY_COLUMNS),
    )
