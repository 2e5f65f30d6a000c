"""The Watchlist page's figure: expected events on a timeline, one row per country."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import schema as S
from analytics.views.charts.style import SERIES_COLOURS, empty_figure, house_layout, new_figure

_CERTAINTY_COLOURS = dict(zip(S.CERTAINTIES, SERIES_COLOURS, strict=False))
_DAY_MS = 24 * 3600 * 1000


def watchlist_timeline_chart(
    rows: pd.DataFrame,
    title: str,
    focus: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> go.Figure:
    """Each expected event as a bar over its window on its countries' rows, coloured by
    certainty (firm, likely, possible).

    Parameters:
        rows: ``views.timeline_rows`` (one row per event and acting country).
        title: the figure's title.
        focus: the days the x axis shows (first, last), so a window of years does not
            squeeze this week's events into a sliver; bars run off its edges. ``None``:
            every window whole.
    """
    if rows.empty:
        return empty_figure(title, "No expected events for the current filters.")
    countries = sorted(rows[S.COUNTRY].unique())
    traces = []
    for certainty in S.CERTAINTIES:
        part = rows[rows[S.CERTAINTY] == certainty]
        if part.empty:
            continue
        start = pd.to_datetime(part[S.WINDOW_START])
        # A window includes its last day: a one-day window is drawn a day wide.
        width = (pd.to_datetime(part[S.WINDOW_END]) - start).dt.days.to_numpy() + 1
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": certainty,
                "y": part[S.COUNTRY].to_numpy(),
                "base": start.dt.strftime("%Y-%m-%d").to_numpy(),
                "x": (width * _DAY_MS).tolist(),
                "marker": {"color": _CERTAINTY_COLOURS[certainty], "opacity": 0.55},
                "customdata": part[[S.EVENT_TYPE, S.WHEN, S.BRIEFING_ID]].to_numpy(),
                "hovertext": part[S.SENTENCE].str.slice(0, 160).to_numpy(),
                "hovertemplate": "<b>%{y}</b>: %{customdata[0]}<br>when: %{customdata[1]}"
                "<br>%{hovertext}<br>briefing %{customdata[2]}<extra>%{fullData.name}</extra>",
            }
        )
    height = max(300, 120 + 28 * len(countries))
    xaxis: dict[str, object] = {"type": "date", "title": {"text": "Expected date or window"}}
    if focus is not None:
        # Half a day either side: the first and last days are drawn whole.
        first, last = (pd.Timestamp(day) for day in focus)
        xaxis["range"] = [
            (first - pd.Timedelta(hours=12)).isoformat(),
            (last + pd.Timedelta(hours=36)).isoformat(),
        ]
    layout = house_layout(
        title,
        height=height,
        barmode="overlay",
        xaxis=xaxis,
        yaxis={
            "title": {"text": "Country"},
            "categoryorder": "array",
            "categoryarray": countries[::-1],
        },
    )
    return new_figure(traces, layout)
