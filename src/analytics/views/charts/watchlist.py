"""The Watchlist page's figures: expected events on a timeline, one row per country, or,
when there are too many to draw one by one, how many are due per country and day or week."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import schema as S
from analytics.views.charts.style import (
    NEUTRAL_COLOUR,
    SERIES_COLOURS,
    VOLUME_COLOUR,
    empty_figure,
    house_layout,
    new_figure,
)

_CERTAINTY_COLOURS = dict(zip(S.CERTAINTIES, SERIES_COLOURS, strict=False))
_DAY_MS = 24 * 3600 * 1000
DAY_TICKS_UP_TO = 15  # days of focus up to which the timeline ticks every day


# How a window the sentence did not name is drawn and said.
_UNNAMED_PATTERN = "/"
_UNNAMED_WHEN = "no time named (window assumed from the briefing's date)"


def watchlist_timeline_chart(
    rows: pd.DataFrame,
    title: str,
    focus: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    empty: str = "No expected events for the current filters.",
) -> go.Figure:
    """Each expected event as a bar over its window on its countries' rows, coloured by
    certainty (firm, likely, possible).

    Parameters:
        rows: ``views.timeline_rows`` (one row per event and acting country).
        title: the figure's title.
        focus: the days the x axis shows (first, last), so a window of years does not
            squeeze this week's events into a sliver; bars run off its edges. ``None``:
            every window whole.
        empty: what to say when there is no event.
    """
    if rows.empty:
        return empty_figure(title, empty)
    countries = sorted(rows[S.COUNTRY].unique())
    counts = rows.groupby(S.COUNTRY).size()
    assumed = (rows[S.WHEN].fillna("").astype(str).str.strip() == "").to_numpy()
    traces = []
    # Overlaid bars: a later trace covers an earlier one, so the firmest is drawn last
    # and stays visible where windows of one country overlap; the legend lists it first.
    for certainty in reversed(S.CERTAINTIES):
        of_certainty = (rows[S.CERTAINTY] == certainty).to_numpy()
        part, unnamed = rows[of_certainty], assumed[of_certainty]
        # A certainty's windows the sentences did not name are drawn first, hatched, and
        # its named ones over them; the legend names the certainty once.
        kinds = [flag for flag in (True, False) if (unnamed == flag).any()]
        for flag in kinds:
            traces.append(_window_bars(part[unnamed == flag], certainty, flag, flag == kinds[-1]))
    notes = []
    if assumed.any():
        notes.append(
            {
                "text": f"Hatched: {_UNNAMED_WHEN}",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12, "color": NEUTRAL_COLOUR},
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
        if (last - first).days < DAY_TICKS_UP_TO:
            # Over a few days plotly ticks hours ("12:00", "18:00"), which windows of whole
            # days do not have: one tick a day, its date in the middle of the day.
            xaxis |= {"dtick": _DAY_MS, "tickformat": "%-d %b", "ticklabelmode": "period"}
    layout = house_layout(
        title,
        height=height,
        barmode="overlay",
        legend={"traceorder": "reversed"},
        xaxis=xaxis,
        **({"annotations": notes} if notes else {}),
        yaxis={
            "title": {"text": "Country (events)"},
            "categoryorder": "array",
            "categoryarray": countries[::-1],
            # Windows of one country overlap on its row: the label says how many there are.
            "tickvals": countries,
            "ticktext": [f"{country} ({counts[country]:,})" for country in countries],
        },
    )
    return new_figure(traces, layout)


def _window_bars(part: pd.DataFrame, certainty: str, unnamed: bool, legend: bool) -> dict:
    """One bar per event of ``part`` over its window, on its country's row."""
    start = pd.to_datetime(part[S.WINDOW_START])
    # A window includes its last day: a one-day window is drawn a day wide.
    width = (pd.to_datetime(part[S.WINDOW_END]) - start).dt.days.to_numpy() + 1
    when = part[S.WHEN].fillna("").astype(str).to_numpy(dtype=object)
    return {
        "type": "bar",
        "orientation": "h",
        "name": certainty,
        "legendgroup": certainty,
        "showlegend": legend,
        "y": part[S.COUNTRY].to_numpy(),
        "base": start.dt.strftime("%Y-%m-%d").to_numpy(),
        "x": (width * _DAY_MS).tolist(),
        # Nearly opaque, read against the plot's background; the white outline keeps
        # overlapping windows of one country apart; hatched where the window is assumed.
        "marker": {
            "color": _CERTAINTY_COLOURS[certainty],
            "opacity": 0.9,
            "line": {"color": "white", "width": 1},
        }
        | (
            {"pattern": {"shape": _UNNAMED_PATTERN, "fgcolor": "white", "fillmode": "overlay"}}
            if unnamed
            else {}
        ),
        "customdata": np.column_stack(
            [
                part[S.EVENT_TYPE].to_numpy(dtype=object),
                np.full(len(part), _UNNAMED_WHEN, dtype=object) if unnamed else when,
                part[S.BRIEFING_ID].to_numpy(dtype=object),
            ]
        ),
        "hovertext": part[S.SENTENCE].str.slice(0, 160).to_numpy(),
        "hovertemplate": "<b>%{y}</b>: %{customdata[0]}<br>when: %{customdata[1]}"
        "<br>%{hovertext}<br>briefing %{customdata[2]}<extra>%{fullData.name}</extra>",
    }


def watchlist_load_chart(load: pd.DataFrame, title: str) -> go.Figure:
    """How many expected events each country has due in each period, as a heatmap.

    Parameters:
        load: ``views.timeline_load`` (country, period, events), countries in the order
            shown from the top.
        title: the figure's title.
    """
    if load.empty:
        return empty_figure(title, "No expected events for the current filters.")
    countries = list(dict.fromkeys(load[S.COUNTRY]))
    periods = list(dict.fromkeys(pd.to_datetime(load["period"])))
    if len(periods) == 1:
        return _one_day_load_chart(load, countries, periods[0], title)
    grid = load.pivot(index=S.COUNTRY, columns="period", values="events")
    grid = grid.reindex(index=countries[::-1], columns=periods)
    weekly = len(periods) > 1 and (periods[1] - periods[0]).days == 7
    unit = "week of" if weekly else "day"
    trace = {
        "type": "heatmap",
        "z": grid.to_numpy().tolist(),
        "x": [period.strftime("%Y-%m-%d") for period in periods],
        "y": countries[::-1],
        # Light for few, dark for many (plotly's own "Blues" runs the other way).
        "colorscale": [[0.0, "#f4f8fc"], [1.0, "#0b3d7a"]],
        "zmin": 0,
        "colorbar": {"title": {"text": "events"}},
        "hovertemplate": f"<b>%{{y}}</b>, {unit} %{{x}}: %{{z}} expected events<extra></extra>",
    }
    layout = house_layout(
        title,
        height=max(300, 120 + 22 * len(countries)),
        # Days as labels, not a time axis: one day alone would get sub-second ticks.
        xaxis={
            "type": "category",
            "title": {"text": "Week (from its Monday)" if weekly else "Day"},
        },
        yaxis={"title": {"text": "Country"}},
    )
    return new_figure([trace], layout)


def _one_day_load_chart(
    load: pd.DataFrame, countries: list[str], day: pd.Timestamp, title: str
) -> go.Figure:
    """One day's load (the last of a month or week) as bars of events per country: a
    heatmap of one column showed the counts only as shades."""
    events = load.set_index(S.COUNTRY)["events"].reindex(countries[::-1])
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": events.to_numpy().tolist(),
        "y": countries[::-1],
        "marker": {"color": VOLUME_COLOUR},  # every certainty counted: no certainty colour
        "hovertemplate": "<b>%{y}</b>: %{x} expected events<extra></extra>",
    }
    layout = house_layout(
        title,
        height=max(300, 120 + 22 * len(countries)),
        xaxis={"title": {"text": f"Expected events due on {day.day} {day:%b %Y}"}},
        yaxis={"title": {"text": "Country"}},
    )
    return new_figure([trace], layout)
