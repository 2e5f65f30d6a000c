"""Topic shares over time use only the briefings of each period (``views.topic_shares``)."""

from __future__ import annotations

import pandas as pd

from analytics import schema as S
from analytics.views import topic_shares


def _dated_topics(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.BRIEFING_ID: [f"b{i}" for i in range(len(rows))],
            S.TOPIC_ID: [topic for _, topic, _ in rows],
            S.TOPIC_LABEL: [label for _, _, label in rows],
            S.WEIGHT: 0.9,
            S.DATE: pd.to_datetime([date for date, _, _ in rows], utc=True, format="ISO8601"),
        }
    )


def test_topic_shares_later_briefings_do_not_leak_into_earlier_periods() -> None:
    early = _dated_topics([("2024-01-08", 0, "oil"), ("2024-01-09", 1, "vote")])
    late = _dated_topics(
        [("2024-01-08", 0, "oil"), ("2024-01-09", 1, "vote")] + [("2024-01-22", 1, "vote")] * 5
    )
    first_week = topic_shares(early, "week")
    with_later = topic_shares(late, "week")
    week = first_week[S.PERIOD].iloc[0]

    def shares_in_week(shares: pd.DataFrame) -> dict[int, float]:
        in_week = shares[shares[S.PERIOD] == week]
        return dict(zip(in_week[S.TOPIC_ID], in_week["share"], strict=True))

    # Which topics are largest may change (the order of rows), the week's shares may not.
    assert shares_in_week(first_week) == shares_in_week(with_later) == {0: 0.5, 1: 0.5}
    assert with_later.groupby(S.PERIOD)["share"].sum().tolist() == [1.0, 0.0, 1.0]
