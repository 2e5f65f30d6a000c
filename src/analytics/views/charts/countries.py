"""Charts of the overview and countries pages: briefing volume, attention over time, the
world map, the most-mentioned countries and the network of countries named together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import schema as S
from analytics.timeseries import days_inside, period_range
from analytics.views.charts.style import (
    NET_SCALE,
    NET_STEPS,
    PARTIAL_COLOUR,
    SEQUENTIAL_SCALE,
    SERIES_COLOURS,
    VOLUME_COLOUR,
    WIDTH_STEPS,
    as_values,
    axis_title,
    bar_width,
    colour_scale,
    count_ticks,
    display_name,
    empty_figure,
    empty_periods_note,
    house_layout,
    net_colorbar,
    net_colour,
    net_limit,
    new_figure,
    note_above_plot,
    period_axis,
    period_names,
    period_placement,
)


def volume_chart(
    volume: pd.DataFrame,
    period: str = "month",
    dates: tuple[date | None, date | None] | None = None,
) -> go.Figure:
    """Bars of briefings per period (columns ``period``, ``n_briefings``).

    Parameters:
        dates: the first and last day shown (the date filter, or the corpus' own); the
            time axis spans their periods, and a period they cut (the first and last,
            mostly) is drawn lighter and its hover says how many of its days are shown:
            it has fewer briefings for fewer days.
    """
    title = f"Briefings per {period}"
    if volume.empty or volume[S.N_BRIEFINGS].sum() == 0:
        return empty_figure(title)
    names = period_names(volume[S.PERIOD], period)
    colours: object = VOLUME_COLOUR
    notes: list[dict] = []
    axis_periods = pd.Series(volume[S.PERIOD])
    if dates is not None and dates[0] is not None and dates[1] is not None:
        # The axis spans the dates shown, not only the periods with briefings: a range
        # whose briefings all fall in its last week was drawn as that one week alone.
        shown_periods = period_range(pd.Timestamp(dates[0]), pd.Timestamp(dates[1]), period)
        axis_periods = pd.Series(
            pd.DatetimeIndex(volume[S.PERIOD]).union(shown_periods), dtype="datetime64[ns]"
        )
        days = days_inside(volume[S.PERIOD], period, pd.Timestamp(dates[0]), pd.Timestamp(dates[1]))
        cut = (days["days_inside"] < days["days"]).to_numpy()
        if cut.any():
            colours = np.where(cut, PARTIAL_COLOUR, VOLUME_COLOUR).astype(object)
            shown = [
                f"{name} ({inside} of {whole} days shown)" if partial else name
                for name, inside, whole, partial in zip(
                    names, days["days_inside"], days["days"], cut, strict=True
                )
            ]
            names = np.array(shown, dtype=object)
            notes = [
                note_above_plot(
                    f"Lighter: {period}s only partly inside the dates shown (fewer days)"
                )
            ]
    bars = (
        {
            "type": "bar",
            "x": as_values(volume[S.PERIOD]),
            "y": as_values(volume[S.N_BRIEFINGS]),
            "marker": {"color": colours},
            "hovertext": names,
            "hovertemplate": "%{hovertext}<br>%{y} briefings<extra></extra>",
        }
        | bar_width(period, volume[S.PERIOD])
        | period_placement(period)
    )
    return new_figure(
        [bars],
        house_layout(
            title,
            height=360,
            xaxis=period_axis(period, axis_periods),
            yaxis=axis_title("Briefings (count)")
            | {"rangemode": "tozero"}
            | count_ticks(volume[S.N_BRIEFINGS]),
            **({"annotations": notes} if notes else {}),
        ),
    )


def attention_chart(
    attention: pd.DataFrame,
    measure: str = "count",
    period: str = "month",
    dates: tuple[date | None, date | None] | None = None,
) -> go.Figure:
    """Lines of country attention over time.

    Parameters:
        attention: columns ``period``, ``iso3``, ``country``, ``n_briefings``, ``share``.
        measure: ``count`` (briefings mentioning) or ``share`` (percent of all briefings).
        dates: the first and last day shown; counted in briefings, a period they cut
            (the first and last, mostly) is an open point whose hover says how many of
            its days are shown: fewer days, fewer briefings, not less attention. A share
            is of the same days' briefings and is drawn as any other.
    """
    title = "Briefings mentioning each country" + (" (share)" if measure == "share" else "")
    if attention.empty:
        return empty_figure(title, "Choose one or more countries to compare their attention.")
    attention = attention.reset_index(drop=True)  # rows found by position below
    cut = np.zeros(len(attention), dtype=bool)
    days = pd.DataFrame({"days": np.zeros(len(attention)), "days_inside": np.zeros(len(attention))})
    if measure != "share" and dates is not None and dates[0] is not None and dates[1] is not None:
        days = days_inside(
            attention[S.PERIOD], period, pd.Timestamp(dates[0]), pd.Timestamp(dates[1])
        )
        cut = (days["days_inside"] < days["days"]).to_numpy()
    traces = []
    groups = attention.groupby([S.ISO3, S.COUNTRY], sort=False)
    for index, ((iso3, country), rows) in enumerate(groups):
        # A period without briefings has no share (NaN): a gap in the line, in both
        # measures, rather than a fall to zero.
        values = (rows["share"] * 100 if measure == "share" else rows[S.N_BRIEFINGS]).where(
            rows["share"].notna()
        )
        unit = "%{y:.1f}% of briefings" if measure == "share" else "%{y} briefings"
        at = attention.index.get_indexer(rows.index)
        names = [
            f"{name} ({int(days['days_inside'].iloc[i])} of {int(days['days'].iloc[i])} days shown)"
            if cut[i]
            else name
            for name, i in zip(period_names(rows[S.PERIOD], period), at, strict=True)
        ]
        traces.append(
            {
                "type": "scatter",
                "x": as_values(rows[S.PERIOD]),
                "y": as_values(values),
                "mode": "lines+markers",
                "name": country,
                "line": {"color": SERIES_COLOURS[index % len(SERIES_COLOURS)], "width": 2},
                "marker": {
                    "symbol": np.where(cut[at], "circle-open", "circle").astype(object),
                    "size": np.where(cut[at], 9, 6),
                },
                "customdata": np.full(len(rows), iso3, dtype=object),
                "hovertext": names,
                "hovertemplate": f"{country}<br>%{{hovertext}}<br>{unit}<extra></extra>",
            }
            | period_placement(period)
        )
    y_title = "Share of briefings (%)" if measure == "share" else "Briefings (count)"
    blank = attention["share"].isna().groupby(attention[S.PERIOD]).all()
    said = [note["text"] for note in empty_periods_note(int(blank.sum()), len(blank), period)]
    if cut.any():
        said.append(f"Open points: {period}s only partly inside the dates shown (fewer days)")
    notes = [note_above_plot("; ".join(said))] if said else []
    return new_figure(
        traces,
        house_layout(
            title,
            xaxis=period_axis(period, attention[S.PERIOD]),
            yaxis=axis_title(y_title)
            | {"rangemode": "tozero"}
            | ({} if measure == "share" else count_ticks(attention[S.N_BRIEFINGS])),
            # Below the plot: several countries wrap the legend to more rows in the
            # page's half-width column, and above the plot they covered the title.
            legend={"yanchor": "top", "y": -0.22, "x": 0, "xanchor": "left"},
            showlegend=True,  # one country's line is named too (plotly hides a lone legend)
            height=460,
            margin={"t": 50},
            **({"annotations": notes} if notes else {}),
        ),
    )


def country_map(totals: pd.DataFrame) -> go.Figure:
    """World choropleth of briefings per country (columns ``iso3``, ``country``, ``n_briefings``).

    The outline is plotly's ``world_110m`` topojson; the dashboard serves it
    locally (``topojsonURL``) so the map needs no network.
    """
    title = "Where the briefings look: briefings mentioning each country"
    if totals.empty:
        return empty_figure(title)
    counts = as_values(totals[S.N_BRIEFINGS])
    choropleth = {
        "type": "choropleth",
        "locations": as_values(totals[S.ISO3]).astype(object),
        "locationmode": "ISO-3",
        "text": as_values(totals[S.COUNTRY]).astype(object),
        "customdata": counts,
        "colorscale": colour_scale(SEQUENTIAL_SCALE),
        "marker": {"line": {"color": "white", "width": 0.5}},
        "hovertemplate": "%{text}<br>%{customdata:,} briefings<extra></extra>",
    } | _map_colours(np.asarray(counts, dtype=float))
    geo = {
        "showcountries": True,
        "countrycolor": "#d0d0d0",
        "showcoastlines": False,
        "showland": True,
        "landcolor": "#f2f2f2",
        "showframe": False,
        "projection": {"type": "natural earth", "rotation": {"lon": 0, "lat": 0}},
        "center": {"lon": 0, "lat": 15},
        "lonaxis": {"range": [-180, 180]},
        "lataxis": {"range": [-58, 85]},
        "resolution": 110,
    }
    return new_figure(
        [choropleth],
        house_layout(title, height=460, geo=geo, margin={"l": 10, "r": 10, "t": 60, "b": 10}),
    )


# Counts spanning this factor or more are coloured on a log scale: on a linear one the
# most named country is dark and nearly every other one the palest shade.
LOG_MAP_SPREAD = 30.0


def _map_colours(counts: np.ndarray) -> dict:
    """The map's ``z`` and colour bar: the counts themselves, or their base-10 logarithm
    with the bar ticked at 1, 10, 100, ... in counts when they span ``LOG_MAP_SPREAD``."""
    positive = counts[np.isfinite(counts) & (counts > 0)]
    if positive.size == 0 or positive.max() < LOG_MAP_SPREAD * positive.min():
        return {
            "z": counts,
            "colorbar": {"title": {"text": "Briefings"}} | count_ticks(counts),
        }
    top = int(np.ceil(np.log10(positive.max())))
    powers = np.arange(int(np.floor(np.log10(positive.min()))), top + 1)
    return {
        "z": np.log10(np.where(counts > 0, counts, np.nan)),
        "zmin": float(powers[0]),
        "zmax": float(np.log10(positive.max())),
        "colorbar": {
            "title": {"text": "Briefings<br>(log scale)"},
            "tickvals": powers.astype(float),
            "ticktext": [f"{10 ** int(p):,}" for p in powers],
        },
    }


def top_countries_chart(totals: pd.DataFrame, limit: int = 15) -> go.Figure:
    """Horizontal bars of the most mentioned countries (the ``limit`` first, or every
    one when fewer: the title counts the bars drawn, not the most there could be)."""
    if totals.empty:
        return empty_figure(f"Top {limit} countries")
    shown = min(limit, len(totals))
    title = f"Top {shown} countries" if shown == limit else f"All {shown} countries named"
    top = totals.head(limit).iloc[::-1]
    bars = {
        "type": "bar",
        "x": as_values(top[S.N_BRIEFINGS]),
        "y": as_values(top[S.COUNTRY]).astype(object),
        "orientation": "h",
        "marker": {"color": VOLUME_COLOUR},
        "customdata": as_values(top[S.ISO3]).astype(object),
        "hovertemplate": "%{y} (%{customdata})<br>%{x} briefings<extra></extra>",
    }
    return new_figure(
        [bars],
        house_layout(
            title,
            height=max(300, 28 * len(top) + 120),
            xaxis=axis_title("Briefings mentioning (count)") | count_ticks(top[S.N_BRIEFINGS]),
            yaxis=axis_title(None) | {"automargin": True},
        ),
    )


def _label_side(x: float, y: float) -> str:
    """Put a node's label outside the circle, on the side it faces."""
    vertical = "top" if y > 0.5 else "bottom" if y < -0.5 else "middle"
    horizontal = "right" if x > 0.25 else "left" if x < -0.25 else "center"
    if vertical == "middle" and horizontal == "center":
        horizontal = "right"
    return f"{vertical} {horizontal}"


def _circle_layout(nodes: list[str]) -> dict[str, tuple[float, float]]:
    count = max(len(nodes), 1)
    return {
        node: (
            math.cos(2 * math.pi * i / count + math.pi / 2),
            math.sin(2 * math.pi * i / count + math.pi / 2),
        )
        for i, node in enumerate(nodes)
    }


# How hover text names an edge weight ("n_briefings" read as "n briefings" before).
WEIGHT_LABELS = {S.N_BRIEFINGS: "briefings", S.N_INTERACTIONS: "sentences"}
NODE_SIZES = (10.0, 48.0)  # marker diameters (px) of the least and the most involved country


def node_weights(edges: pd.DataFrame, weight: str) -> pd.Series:
    """Each country's sum of ``weight`` over the edges it is on (ISO3 -> total)."""
    ends = pd.concat(
        [
            edges[[S.COUNTRY_A, weight]].set_axis([S.ISO3, weight], axis=1),
            edges[[S.COUNTRY_B, weight]].set_axis([S.ISO3, weight], axis=1),
        ]
    )
    return ends.groupby(S.ISO3)[weight].sum().astype(float)


def node_sizes(totals: np.ndarray) -> np.ndarray:
    """Marker diameters with *area* proportional to ``totals`` (``NODE_SIZES`` at most).

    A node sized by its number of edges made a country named once in a long list of
    countries (each pair an edge of one briefing) as big as the country of the news; the
    area follows the briefings or sentences instead.
    """
    smallest, largest = NODE_SIZES
    top = float(totals.max()) if len(totals) else 0.0
    if top <= 0:
        return np.full(len(totals), smallest)
    return np.maximum(smallest, largest * np.sqrt(np.clip(totals, 0, None) / top))


def network_chart(
    edges: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    *,
    weight: str = S.N_BRIEFINGS,
    colour: str | None = None,
    title: str = "Countries named together",
    empty_message: str | None = None,
) -> go.Figure:
    """Countries on a circle joined by edges whose width is ``weight``; a country's
    marker area is its total ``weight`` over the edges shown (``node_sizes``).

    Parameters:
        edges: columns ``country_a``, ``country_b``, ``weight`` and optionally ``colour``.
        names: ISO3 -> name for labels and hover text.
        colour: a column between -1 and 1 (net score) colouring edges red (tension)
            to blue (alliance); ``None`` draws grey edges.
        empty_message: what the figure says without edges (``empty_figure``'s default
            when ``None``).

    Edge midpoints carry ``customdata = [country_a, country_b]`` so a click on an
    edge can be resolved to its pair.
    """
    if edges.empty:
        return empty_figure(title) if empty_message is None else empty_figure(title, empty_message)
    nodes = sorted(
        set(edges[S.COUNTRY_A]) | set(edges[S.COUNTRY_B]), key=lambda c: display_name(c, names)
    )
    position = _circle_layout(nodes)
    top_weight = float(edges[weight].max()) or 1.0
    nets = edges[colour].astype(float).to_numpy() if colour else np.zeros(len(edges))
    limit = net_limit(nets)
    sizes = edges[weight].astype(float).to_numpy()
    # Edges share a trace per (colour step, width step): one trace per edge is slow to build.
    colour_step = np.clip(
        np.round((nets / limit + 1) / 2 * (NET_STEPS - 1)), 0, NET_STEPS - 1
    ).astype(int)
    width_step = np.clip(np.ceil(sizes / top_weight * WIDTH_STEPS), 1, WIDTH_STEPS).astype(int)
    xa = np.array([position[a][0] for a in edges[S.COUNTRY_A]])
    ya = np.array([position[a][1] for a in edges[S.COUNTRY_A]])
    xb = np.array([position[b][0] for b in edges[S.COUNTRY_B]])
    yb = np.array([position[b][1] for b in edges[S.COUNTRY_B]])
    traces = []
    for step_c, step_w in sorted(set(zip(colour_step.tolist(), width_step.tolist(), strict=True))):
        chosen = np.flatnonzero((colour_step == step_c) & (width_step == step_w))
        xs = np.column_stack([xa[chosen], xb[chosen], np.full(len(chosen), np.nan)]).ravel()
        ys = np.column_stack([ya[chosen], yb[chosen], np.full(len(chosen), np.nan)]).ravel()
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {
                    "width": 1 + 7 * step_w / WIDTH_STEPS,
                    "color": (
                        net_colour((2 * step_c / (NET_STEPS - 1) - 1) * limit, limit)
                        if colour
                        else "#9aa9b6"
                    ),
                },
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    label_weight = WEIGHT_LABELS.get(weight, weight.replace("_", " "))
    mid_text = [
        f"{display_name(a, names)} – {display_name(b, names)}<br>{label_weight}: {size:g}"
        + (f"<br>net score: {net:+.2f}" if colour else "")
        for a, b, size, net in zip(edges[S.COUNTRY_A], edges[S.COUNTRY_B], sizes, nets, strict=True)
    ]
    traces.append(
        {
            "type": "scatter",
            "x": (xa + xb) / 2,
            "y": (ya + yb) / 2,
            "mode": "markers",
            "marker": (
                {
                    "size": 10,
                    "color": nets,
                    "colorscale": colour_scale(NET_SCALE),
                    "cmin": -limit,
                    "cmax": limit,
                    "cmid": 0,
                    "colorbar": net_colorbar(limit),
                    "line": {"width": 1, "color": "white"},
                }
                if colour
                else {"size": 8, "color": "#9aa9b6"}
            ),
            "customdata": np.column_stack(
                [as_values(edges[S.COUNTRY_A]), as_values(edges[S.COUNTRY_B])]
            ).astype(object),
            "hovertext": mid_text,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "name": "pairs",
            "showlegend": False,
        }
    )
    involvement = node_weights(edges, weight).reindex(nodes, fill_value=0.0)
    traces.append(
        {
            "type": "scatter",
            "x": [position[n][0] for n in nodes],
            "y": [position[n][1] for n in nodes],
            "mode": "markers+text",
            "text": [display_name(n, names) for n in nodes],
            "textposition": [_label_side(*position[n]) for n in nodes],
            "marker": {
                "size": node_sizes(involvement.to_numpy(dtype=float)).tolist(),
                "color": "#34495e",
                "line": {"width": 1, "color": "white"},
            },
            # Codes alone: a selected node must never read as a pair (``selection_target``).
            "customdata": list(nodes),
            "hovertext": [
                f"{display_name(n, names)} ({n})<br>{label_weight} with the countries shown: "
                f"{total:,.0f}"
                for n, total in zip(nodes, involvement.to_numpy(dtype=float), strict=True)
            ],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
        }
    )
    return new_figure(
        traces,
        house_layout(
            title,
            height=620,
            xaxis={"visible": False, "range": [-1.7, 1.7]},
            yaxis={"visible": False, "range": [-1.3, 1.3], "scaleanchor": "x"},
        ),
    )
