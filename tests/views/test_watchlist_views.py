"""The Watchlist page's view rules: horizons and the days its timeline shows."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import schema as S
from analytics.errors import InputError
from analytics.views import ALL_UPCOMING, THIS_MONTH, THIS_WEEK, horizon_end, timeline_focus
from analytics.views.charts import watchlist_timeline_chart

# A Tuesday.
AS_OF = pd.Timestamp("2025-11-25")


def _events(*windows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.WINDOW_START: pd.to_datetime([start for start, _ in windows]),
            S.WINDOW_END: pd.to_datetime([end for _, end in windows]),
        }
    )


def test_horizons_end_on_the_weeks_sunday_and_the_months_last_day():
    assert horizon_end(AS_OF, THIS_WEEK) == pd.Timestamp("2025-11-30")
    assert horizon_end(AS_OF, THIS_MONTH) == pd.Timestamp("2025-11-30")
    assert horizon_end(pd.Timestamp("2025-11-03"), THIS_WEEK) == pd.Timestamp("2025-11-09")
    assert horizon_end(AS_OF, ALL_UPCOMING) is None
    with pytest.raises(InputError, match="horizon must be one of"):
        horizon_end(AS_OF, "next decade")


def test_the_timeline_shows_the_horizon_not_a_ten_year_window():
    events = _events(("2025-05-06", "2035-05-06"), ("2025-11-27", "2025-11-27"))
    assert timeline_focus(AS_OF, THIS_WEEK, events) == (AS_OF, pd.Timestamp("2025-11-30"))
    # All upcoming: as far as the windows reach, but two years at most.
    assert timeline_focus(AS_OF, ALL_UPCOMING, events) == (AS_OF, pd.Timestamp("2027-11-25"))
    near = _events(("2025-11-27", "2026-01-15"))
    assert timeline_focus(AS_OF, ALL_UPCOMING, near) == (AS_OF, pd.Timestamp("2026-01-15"))
    assert timeline_focus(AS_OF, ALL_UPCOMING, near.iloc[:0]) == (AS_OF, AS_OF)


def test_the_timeline_chart_sets_its_axis_to_the_focus_days():
    rows = pd.DataFrame(
        {
            S.COUNTRY: ["India", "Japan"],
            S.ISO3: ["IND", "JPN"],
            S.WINDOW_START: ["2025-05-06", "2025-11-27"],
            S.WINDOW_END: ["2035-05-06", "2025-11-27"],
            S.EVENT_TYPE: ["reduce relations", "consult"],
            S.CERTAINTY: ["firm", "likely"],
            S.WHEN: ["over ten years", "on Thursday"],
            S.SENTENCE: ["India will cut tariffs over ten years.", "Japan is expected to meet."],
            S.BRIEFING_ID: ["b1", "b2"],
        }
    )
    focused = watchlist_timeline_chart(rows, "t", (AS_OF, pd.Timestamp("2025-11-30")))
    assert list(focused.layout.xaxis.range) == ["2025-11-24T12:00:00", "2025-12-01T12:00:00"]
    whole = watchlist_timeline_chart(rows, "t")
    assert whole.layout.xaxis.range is None
    # The one-day window is drawn a day wide; the long one keeps its whole width.
    widths = {trace.name: list(trace.x) for trace in whole.data}
    assert widths == {"firm": [3653 * 86_400_000], "likely": [86_400_000]}
