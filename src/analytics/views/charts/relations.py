"""Charts of the relations page: net score of country pairs over time and the pair matrix."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import schema as S
from analytics.views.charts.style import (
    ALLIANCE_COLOUR,
    NET_SCALE,
    NEUTRAL_COLOUR,
    SERIES_COLOURS,
    SIDE_LEGEND,
    TENSION_COLOUR,
    as_values,
    axis_title,
    bar_width,
    colour_scale,
    covering_range,
    display_name,
    empty_figure,
    house_layout,
    net_colorbar,
    net_limit,
    new_figure,
    period_axis,
    period_names,
    period_placement,
)


def _panel_title(text: str, y: float) -> dict[str, object]:
    """A centred title above a panel whose top is at ``y`` (paper coordinates)."""
    return {
        "text": text,
        "x": 0.5,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
    }


def relation_chart(
    timeline: pd.DataFrame, names: Mapping[str, str] | None = None, period: str = "month"
) -> go.Figure:
    """Net score of chosen pairs over time, with tension and alliance beneath.

    Parameters:
        timeline: from ``views.relation_timeline``; ``forward_looking`` rows
            (what a briefing expects to happen) are drawn apart as dotted lines.

    Every point carries ``customdata = [country_a, country_b, period]`` so a
    selection resolves to the sentences behind it.
    """
    title = "Tension and alliance over time"
    if timeline.empty or timeline[S.N_INTERACTIONS].sum() == 0:
        return empty_figure(
            title, "Choose pairs of countries that interact in the filtered briefings."
        )
    # Two stacked panels sharing the time axis, laid out by hand (make_subplots is slow).
    annotations = [
        _panel_title("Net score per sentence (below 0: tension, above 0: alliance)", 1.0),
        _panel_title("Tension and alliance strength", 0.31),
    ]
    palette = SERIES_COLOURS
    # Columns as plain arrays once: the loop below only indexes them.
    firsts = timeline[S.COUNTRY_A].to_numpy(dtype=object)
    seconds = timeline[S.COUNTRY_B].to_numpy(dtype=object)
    forwards = timeline[S.FORWARD_LOOKING].to_numpy(dtype=bool)
    drawn = timeline[S.N_INTERACTIONS].to_numpy() > 0
    periods = timeline[S.PERIOD].to_numpy()
    nets = timeline[S.NET].to_numpy(dtype=float)
    counts = timeline[S.N_INTERACTIONS].to_numpy(dtype=object)
    days = pd.DatetimeIndex(timeline[S.PERIOD]).strftime("%Y-%m-%d").to_numpy(dtype=object)
    pair_keys = list(dict.fromkeys(zip(firsts, seconds, strict=True)))
    named = period_names(periods, period)
    traces = []
    for index, (a, b) in enumerate(pair_keys):
        label = f"{display_name(a, names)} – {display_name(b, names)}"
        colour = palette[index % len(palette)]
        of_pair = (firsts == a) & (seconds == b)
        for forward, dash, suffix in ((False, "solid", ""), (True, "dot", " (expected)")):
            rows = np.flatnonzero(of_pair & (forwards == forward))
            if not drawn[rows].any():
                continue
            traces.append(
                {
                    "type": "scatter",
                    "x": periods[rows],
                    # A period without a sentence of the pair has no net score: a gap in
                    # the line, not a straight run across months (or years) of silence.
                    "y": np.where(drawn[rows], nets[rows], np.nan),
                    "mode": "lines+markers",
                    "name": label + suffix,
                    "line": {"color": colour, "dash": dash},
                    "marker": {"symbol": "diamond-open" if forward else "circle", "size": 8},
                    "customdata": np.column_stack(
                        [
                            np.full(len(rows), a, dtype=object),
                            np.full(len(rows), b, dtype=object),
                            days[rows],
                            counts[rows],
                        ]
                    ),
                    "hovertext": named[rows],
                    "hovertemplate": (
                        f"{label}{suffix}<br>%{{hovertext}}<br>net %{{y:+.2f}} "
                        "over %{customdata[3]} sentences<extra></extra>"
                    ),
                    "yaxis": "y",
                }
                | period_placement(period)
            )
    reported = timeline[~timeline[S.FORWARD_LOOKING].astype(bool)]
    totals = reported.groupby(S.PERIOD)[[S.TENSION, S.ALLIANCE]].sum().reset_index()
    if not reported[S.N_INTERACTIONS].sum():
        # Only expected developments chosen (the "What's next" section): say why the
        # strength panel stays empty instead of drawing bare axes.
        annotations.append(
            {
                "text": "Strength sums reported sentences; only expected ones are selected.",
                "x": 0.5,
                "y": 0.15,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 13, "color": NEUTRAL_COLOUR},
            }
        )
    traces.append(
        {
            "type": "bar",
            "x": as_values(totals[S.PERIOD]),
            "y": as_values(-totals[S.TENSION]),
            "name": "tension (all chosen pairs)",
            "marker": {"color": TENSION_COLOUR},
            # Drawn below zero, but a strength: the hover says it as the tables do (+19.5).
            "customdata": as_values(totals[S.TENSION]),
            "hovertext": period_names(totals[S.PERIOD], period),
            "hovertemplate": "%{hovertext}<br>tension %{customdata:.2f}<extra></extra>",
            "yaxis": "y2",
        }
        | bar_width(period, timeline[S.PERIOD])
        | period_placement(period)
    )
    traces.append(
        {
            "type": "bar",
            "x": as_values(totals[S.PERIOD]),
            "y": as_values(totals[S.ALLIANCE]),
            "name": "alliance (all chosen pairs)",
            "marker": {"color": ALLIANCE_COLOUR},
            "hovertext": period_names(totals[S.PERIOD], period),
            "hovertemplate": "%{hovertext}<br>alliance %{y:.2f}<extra></extra>",
            "yaxis": "y2",
        }
        | bar_width(period, timeline[S.PERIOD])
        | period_placement(period)
    )
    zero_line = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": 0,
        "y1": 0,
        "line": {"color": "#999", "width": 1},
    }
    layout = house_layout(
        title,
        height=640,
        xaxis={"anchor": "y2", "domain": [0, 1]} | period_axis(period, timeline[S.PERIOD]),
        # Each scale covers its data and zero: pairs only at odds (or only in accord)
        # are not drawn with an empty half above (or below) the zero line.
        yaxis={"domain": [0.46, 1.0], "anchor": "x", "range": covering_range(nets[drawn])}
        | axis_title("Net score"),
        yaxis2={
            "domain": [0.0, 0.30],
            "anchor": "x",
            "range": covering_range(-totals[S.TENSION], totals[S.ALLIANCE]),
        }
        | axis_title("Strength (sum)"),
        annotations=annotations,
        shapes=[zero_line],
        barmode="relative",
        legend=SIDE_LEGEND,
        margin={"t": 90},
    )
    return new_figure(traces, layout)


def pair_matrix_chart(
    matrix: pd.DataFrame, title: str = "Net score between countries"
) -> go.Figure:
    """A selectable matrix of pairs: one square per pair coloured by mean net score.

    Parameters:
        matrix: ``views.named_matrix(views.pair_matrix(...))``: ``country_a``,
            ``country_b``, ``name_a``, ``name_b``, ``n_interactions``, ``net``.

    Squares are scatter markers (not a heatmap) so a click selects a cell; each
    carries ``customdata = [country_a, country_b]``.
    """
    cells = matrix[matrix[S.N_INTERACTIONS] > 0] if not matrix.empty else matrix
    if cells.empty:
        return empty_figure(title)
    order = list(dict.fromkeys(matrix["name_a"]))
    limit = net_limit(cells[S.NET])
    size = max(10, min(40, int(520 / max(len(order), 1))))
    squares = {
        "type": "scatter",
        "x": as_values(cells["name_b"]).astype(object),
        "y": as_values(cells["name_a"]).astype(object),
        "mode": "markers",
        "marker": {
            "symbol": "square",
            "size": size,
            "color": as_values(cells[S.NET]),
            "colorscale": colour_scale(NET_SCALE),
            "cmin": -limit,
            "cmax": limit,
            "cmid": 0,
            "colorbar": net_colorbar(limit),
            "line": {"width": 1, "color": "#bbbbbb"},
        },
        "customdata": np.column_stack(
            [
                as_values(cells[S.COUNTRY_A]).astype(object),
                as_values(cells[S.COUNTRY_B]).astype(object),
                as_values(cells[S.N_INTERACTIONS]).astype(object),
            ]
        ),
        "hovertemplate": (
            "%{y} – %{x}<br>net score %{marker.color:+.2f}"
            "<br>%{customdata[2]} sentences<extra></extra>"
        ),
    }
    grid = {"showgrid": True, "gridcolor": "#eeeeee"} | axis_title(None)
    return new_figure(
        [squares],
        house_layout(
            title,
            height=max(420, size * len(order) + 180),
            xaxis={"categoryorder": "array", "categoryarray": order, "tickangle": -40} | grid,
            yaxis={"categoryorder": "array", "categoryarray": order[::-1]} | grid,
        ),
    )
