"""Plotly figure builders: a tidy DataFrame in, a ``go.Figure`` out, nothing else.

Every builder titles its figure, labels its axes with units, names countries in
hover text (not only codes) and returns a clear empty-state figure when there is
nothing to draw, so a view never shows a blank frame. Tension is red, alliance
blue; net scores use a diverging scale centred on zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import schema as S

TENSION_COLOUR = "#c0392b"
ALLIANCE_COLOUR = "#2166ac"
NEUTRAL_COLOUR = "#7f7f7f"
VOLUME_COLOUR = "#3b6e8f"
NET_SCALE = "RdBu"  # red = tension (negative), blue = alliance (positive)
# Distinct, colour-blind-safe series colours (Okabe-Ito order, black last).
SERIES_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
]
# Many topics: a long qualitative palette (plotly's Alphabet + Dark24 are too loud).
TOPIC_COLOURS = [
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#1F77B4",
    "#AEC7E8",
    "#FF7F0E",
    "#FFBB78",
    "#2CA02C",
    "#98DF8A",
    "#D62728",
    "#FF9896",
    "#9467BD",
    "#C5B0D5",
    "#8C564B",
    "#C49C94",
    "#E377C2",
    "#F7B6D2",
]
NET_STEPS = 11  # colour steps of network edges between -1 and +1
WIDTH_STEPS = 4  # width steps of network edges
SEQUENTIAL_SCALE = "Blues"
FONT = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 13}
PERIOD_FORMAT = {"week": "week of %d %b %Y", "month": "%b %Y", "quarter": "%b %Y"}


def _layout(fig: go.Figure, title: str, *, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font=FONT,
        height=height,
        margin={"l": 60, "r": 30, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hoverlabel={"font_size": 13},
    )
    return fig


def empty_figure(title: str, message: str = "No data for the current filters.") -> go.Figure:
    """A titled figure that says why there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 16, "color": NEUTRAL_COLOUR},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height=300)


def _name(code: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(code, code)


def volume_chart(volume: pd.DataFrame, period: str = "month") -> go.Figure:
    """Bars of briefings per period (columns ``period``, ``n_briefings``)."""
    title = f"Briefings per {period}"
    if volume.empty or volume[S.N_BRIEFINGS].sum() == 0:
        return empty_figure(title)
    fig = go.Figure(
        go.Bar(
            x=volume[S.PERIOD],
            y=volume[S.N_BRIEFINGS],
            marker_color=VOLUME_COLOUR,
            hovertemplate=f"%{{x|{PERIOD_FORMAT[period]}}}<br>%{{y}} briefings<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=period.capitalize())
    fig.update_yaxes(title_text="Briefings (count)", rangemode="tozero")
    return _layout(fig, title, height=360)


def attention_chart(
    attention: pd.DataFrame, measure: str = "count", period: str = "month"
) -> go.Figure:
    """Lines of country attention over time.

    Parameters:
        attention: columns ``period``, ``iso3``, ``country``, ``n_briefings``, ``share``.
        measure: ``count`` (briefings mentioning) or ``share`` (percent of all briefings).
    """
    title = "Briefings mentioning each country" + (" (share)" if measure == "share" else "")
    if attention.empty:
        return empty_figure(title, "Choose one or more countries to compare their attention.")
    fig = go.Figure()
    groups = attention.groupby([S.ISO3, S.COUNTRY], sort=False)
    for index, ((iso3, country), rows) in enumerate(groups):
        values = rows["share"] * 100 if measure == "share" else rows[S.N_BRIEFINGS]
        unit = "%{y:.1f}% of briefings" if measure == "share" else "%{y} briefings"
        fig.add_trace(
            go.Scatter(
                x=rows[S.PERIOD],
                y=values,
                mode="lines+markers",
                name=country,
                line={"color": SERIES_COLOURS[index % len(SERIES_COLOURS)], "width": 2},
                customdata=np.full(len(rows), iso3),
                hovertemplate=f"{country}<br>%{{x|{PERIOD_FORMAT[period]}}}<br>{unit}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text=period.capitalize())
    fig.update_yaxes(
        title_text="Share of briefings (%)" if measure == "share" else "Briefings (count)",
        rangemode="tozero",
    )
    return _layout(fig, title)


def country_map(totals: pd.DataFrame) -> go.Figure:
    """World choropleth of briefings per country (columns ``iso3``, ``country``, ``n_briefings``).

    The outline is plotly's ``world_110m`` topojson; the dashboard serves it
    locally (``topojsonURL``) so the map needs no network.
    """
    title = "Where the briefings look: briefings mentioning each country"
    if totals.empty:
        return empty_figure(title)
    fig = go.Figure(
        go.Choropleth(
            locations=totals[S.ISO3],
            locationmode="ISO-3",
            z=totals[S.N_BRIEFINGS],
            text=totals[S.COUNTRY],
            colorscale=SEQUENTIAL_SCALE,
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar={"title": {"text": "Briefings"}},
            hovertemplate="%{text}<br>%{z} briefings<extra></extra>",
        )
    )
    fig.update_geos(
        showcountries=True,
        countrycolor="#d0d0d0",
        showcoastlines=False,
        showland=True,
        landcolor="#f2f2f2",
        showframe=False,
        projection_type="natural earth",
        projection_rotation={"lon": 0, "lat": 0},
        center={"lon": 0, "lat": 15},
        lonaxis_range=[-180, 180],
        lataxis_range=[-58, 85],
        resolution=110,
    )
    fig = _layout(fig, title, height=460)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig


def top_countries_chart(totals: pd.DataFrame, limit: int = 15) -> go.Figure:
    """Horizontal bars of the most mentioned countries."""
    title = f"Top {limit} countries"
    if totals.empty:
        return empty_figure(title)
    top = totals.head(limit).iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=top[S.N_BRIEFINGS],
            y=top[S.COUNTRY],
            orientation="h",
            marker_color=VOLUME_COLOUR,
            customdata=top[S.ISO3],
            hovertemplate="%{y} (%{customdata})<br>%{x} briefings<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="Briefings mentioning (count)")
    fig.update_yaxes(title_text=None, automargin=True)
    return _layout(fig, title, height=max(300, 28 * len(top) + 120))


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


def net_limit(values: object) -> float:
    """Half-width of a net-score scale centred on 0: the largest |value|, at least 1.

    Scores follow the cue lexicon's weights (e.g. -10 .. +10), so the scale is
    fitted to the data but always symmetric, keeping white at zero.
    """
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    return float(max(1.0, np.ceil(finite.max()))) if finite.size else 1.0


def _net_colour(value: float, limit: float = 1.0) -> str:
    # Interpolate the diverging scale by hand: a line trace needs one plain colour.
    from plotly.colors import sample_colorscale

    position = (max(-limit, min(limit, float(value))) / limit + 1) / 2
    return sample_colorscale(NET_SCALE, [position])[0]


def _net_colorbar(limit: float) -> dict:
    return {
        "title": {"text": "Net score"},
        "tickvals": [-limit, 0, limit],
        "ticktext": [f"{-limit:g} tension", "0", f"+{limit:g} alliance"],
    }


def network_chart(
    edges: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    *,
    weight: str = S.N_BRIEFINGS,
    colour: str | None = None,
    title: str = "Countries named together",
) -> go.Figure:
    """Countries on a circle joined by edges whose width is ``weight``.

    Parameters:
        edges: columns ``country_a``, ``country_b``, ``weight`` and optionally ``colour``.
        names: ISO3 -> name for labels and hover text.
        colour: a column between -1 and 1 (net score) colouring edges red (tension)
            to blue (alliance); ``None`` draws grey edges.

    Edge midpoints carry ``customdata = [country_a, country_b]`` so a click on an
    edge can be resolved to its pair.
    """
    if edges.empty:
        return empty_figure(title)
    nodes = sorted(set(edges[S.COUNTRY_A]) | set(edges[S.COUNTRY_B]), key=lambda c: _name(c, names))
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
    fig = go.Figure()
    for step_c, step_w in sorted(set(zip(colour_step, width_step, strict=True))):
        chosen = np.flatnonzero((colour_step == step_c) & (width_step == step_w))
        xs = np.column_stack([xa[chosen], xb[chosen], np.full(len(chosen), np.nan)]).ravel()
        ys = np.column_stack([ya[chosen], yb[chosen], np.full(len(chosen), np.nan)]).ravel()
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={
                    "width": 1 + 7 * step_w / WIDTH_STEPS,
                    "color": (
                        _net_colour((2 * step_c / (NET_STEPS - 1) - 1) * limit, limit)
                        if colour
                        else "#9aa9b6"
                    ),
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    label_weight = weight.replace("_", " ")
    mid_text = [
        f"{_name(a, names)} – {_name(b, names)}<br>{label_weight}: {size:g}"
        + (f"<br>net score: {net:+.2f}" if colour else "")
        for a, b, size, net in zip(edges[S.COUNTRY_A], edges[S.COUNTRY_B], sizes, nets, strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=(xa + xb) / 2,
            y=(ya + yb) / 2,
            mode="markers",
            marker=(
                {
                    "size": 10,
                    "color": nets,
                    "colorscale": NET_SCALE,
                    "cmin": -limit,
                    "cmax": limit,
                    "cmid": 0,
                    "colorbar": _net_colorbar(limit),
                    "line": {"width": 1, "color": "white"},
                }
                if colour
                else {"size": 8, "color": "#9aa9b6"}
            ),
            customdata=np.column_stack([edges[S.COUNTRY_A], edges[S.COUNTRY_B]]),
            hovertext=mid_text,
            hovertemplate="%{hovertext}<extra></extra>",
            name="pairs",
            showlegend=False,
        )
    )
    degree = pd.concat([edges[S.COUNTRY_A], edges[S.COUNTRY_B]]).value_counts()
    fig.add_trace(
        go.Scatter(
            x=[position[n][0] for n in nodes],
            y=[position[n][1] for n in nodes],
            mode="markers+text",
            text=[_name(n, names) for n in nodes],
            textposition=[_label_side(*position[n]) for n in nodes],
            marker={
                "size": [10 + 3 * int(degree.get(n, 0)) for n in nodes],
                "color": "#34495e",
                "line": {"width": 1, "color": "white"},
            },
            customdata=nodes,
            hovertemplate="%{text} (%{customdata})<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False, range=[-1.7, 1.7])
    fig.update_yaxes(visible=False, range=[-1.3, 1.3], scaleanchor="x")
    return _layout(fig, title, height=620)


def topic_shares_chart(shares: pd.DataFrame, period: str = "month") -> go.Figure:
    """Stacked areas of each topic's share of briefings per period."""
    title = f"Share of each {period}'s briefings by topic (largest topics)"
    if shares.empty:
        return empty_figure(title)
    fig = go.Figure()
    groups = shares.groupby([S.TOPIC_ID, S.TOPIC_LABEL], sort=False)
    for index, ((topic_id, label), rows) in enumerate(groups):
        fig.add_trace(
            go.Scatter(
                x=rows[S.PERIOD],
                y=rows["share"] * 100,
                name=str(label),
                mode="lines",
                stackgroup="topics",
                line={
                    "width": 0.5,
                    "color": NEUTRAL_COLOUR
                    if topic_id == -1
                    else TOPIC_COLOURS[index % len(TOPIC_COLOURS)],
                },
                customdata=rows[S.N_BRIEFINGS],
                hovertemplate=(
                    f"{label}<br>%{{x|{PERIOD_FORMAT[period]}}}<br>"
                    "%{y:.1f}% of briefings (%{customdata})<extra></extra>"
                ),
            )
        )
    fig.update_xaxes(title_text=period.capitalize())
    fig.update_yaxes(title_text="Share of briefings (%)", range=[0, 100])
    fig = _layout(fig, title, height=440)
    fig.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "xanchor": "left"})
    return fig


def heatmap_chart(
    matrix: pd.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    title: str,
    x_title: str,
    y_title: str,
    z_title: str,
    diverging: bool = False,
    customdata: list[str] | None = None,
) -> go.Figure:
    """A heatmap from a long table (one row per cell).

    With ``diverging`` the scale runs red (-1) to blue (+1) centred on zero, for
    net scores; otherwise a sequential scale starting at zero.
    ``customdata`` names columns attached to every cell for selection.
    """
    if matrix.empty:
        return empty_figure(title)
    x_order = list(dict.fromkeys(matrix[x]))
    y_order = list(dict.fromkeys(matrix[y]))
    grid = matrix.pivot(index=y, columns=x, values=z).reindex(index=y_order, columns=x_order)
    extra = None
    if customdata:
        extra = np.dstack(
            [
                matrix.pivot(index=y, columns=x, values=c)
                .reindex(index=y_order, columns=x_order)
                .astype(object)
                .to_numpy()
                for c in customdata
            ]
        )
    trace = go.Heatmap(
        z=grid.to_numpy(dtype=float),
        x=x_order,
        y=y_order,
        customdata=extra,
        colorscale=NET_SCALE if diverging else SEQUENTIAL_SCALE,
        zmid=0 if diverging else None,
        zmin=-net_limit(matrix[z]) if diverging else 0,
        zmax=net_limit(matrix[z]) if diverging else None,
        colorbar={"title": {"text": z_title}},
        hoverongaps=False,
        hovertemplate=(
            f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>{z_title}: %{{z:.2f}}<extra></extra>"
        ),
        xgap=1,
        ygap=1,
    )
    fig = go.Figure(trace)
    fig.update_xaxes(title_text=x_title, tickangle=-40, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True, autorange="reversed")
    return _layout(fig, title, height=max(380, 30 * len(y_order) + 200))


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
    fig = go.Figure()
    fig.update_layout(
        xaxis={"anchor": "y2", "domain": [0, 1]},
        yaxis={"domain": [0.46, 1.0], "anchor": "x"},
        yaxis2={"domain": [0.0, 0.30], "anchor": "x"},
        annotations=[
            {
                "text": "Net score per sentence (below 0: tension, above 0: alliance)",
                "x": 0.5,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            },
            {
                "text": "Tension and alliance strength",
                "x": 0.5,
                "y": 0.31,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            },
        ],
    )
    palette = SERIES_COLOURS
    pair_keys = list(dict.fromkeys(zip(timeline[S.COUNTRY_A], timeline[S.COUNTRY_B], strict=True)))
    fmt = PERIOD_FORMAT[period]
    limit = net_limit(timeline[S.NET])
    for index, (a, b) in enumerate(pair_keys):
        label = f"{_name(a, names)} – {_name(b, names)}"
        colour = palette[index % len(palette)]
        rows = timeline[(timeline[S.COUNTRY_A] == a) & (timeline[S.COUNTRY_B] == b)]
        for forward, dash, suffix in ((False, "solid", ""), (True, "dot", " (expected)")):
            part = rows[rows[S.FORWARD_LOOKING] == forward]
            part = part[part[S.N_INTERACTIONS] > 0]
            if part.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=part[S.PERIOD],
                    y=part[S.NET],
                    mode="lines+markers",
                    name=label + suffix,
                    line={"color": colour, "dash": dash},
                    marker={"symbol": "diamond-open" if forward else "circle", "size": 8},
                    customdata=np.column_stack(
                        [
                            np.full(len(part), a),
                            np.full(len(part), b),
                            part[S.PERIOD].dt.strftime("%Y-%m-%d"),
                            part[S.N_INTERACTIONS],
                        ]
                    ),
                    hovertemplate=(
                        f"{label}{suffix}<br>%{{x|{fmt}}}<br>net %{{y:+.2f}} "
                        "over %{customdata[3]} sentences<extra></extra>"
                    ),
                    yaxis="y",
                )
            )
    reported = timeline[~timeline[S.FORWARD_LOOKING].astype(bool)]
    totals = reported.groupby(S.PERIOD)[[S.TENSION, S.ALLIANCE]].sum().reset_index()
    fig.add_trace(
        go.Bar(
            x=totals[S.PERIOD],
            y=-totals[S.TENSION],
            name="tension (all chosen pairs)",
            marker_color=TENSION_COLOUR,
            hovertemplate=f"%{{x|{fmt}}}<br>tension %{{y:.2f}}<extra></extra>",
            yaxis="y2",
        ),
    )
    fig.add_trace(
        go.Bar(
            x=totals[S.PERIOD],
            y=totals[S.ALLIANCE],
            name="alliance (all chosen pairs)",
            marker_color=ALLIANCE_COLOUR,
            hovertemplate=f"%{{x|{fmt}}}<br>alliance %{{y:.2f}}<extra></extra>",
            yaxis="y2",
        ),
    )
    fig.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref="y",
        y0=0,
        y1=0,
        line={"color": "#999", "width": 1},
    )
    fig.update_layout(
        yaxis_title_text="Net score",
        yaxis_range=[-1.05 * limit, 1.05 * limit],
        yaxis2_title_text="Strength (sum)",
        xaxis_title_text=period.capitalize(),
    )
    fig.update_layout(barmode="relative")
    fig = _layout(fig, title, height=640)
    fig.update_layout(
        legend={"orientation": "v", "y": 1, "x": 1.02, "xanchor": "left"}, margin={"t": 90}
    )
    return fig


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
    fig = go.Figure(
        go.Scatter(
            x=cells["name_b"],
            y=cells["name_a"],
            mode="markers",
            marker={
                "symbol": "square",
                "size": size,
                "color": cells[S.NET],
                "colorscale": NET_SCALE,
                "cmin": -limit,
                "cmax": limit,
                "cmid": 0,
                "colorbar": _net_colorbar(limit),
                "line": {"width": 1, "color": "#bbbbbb"},
            },
            customdata=np.column_stack(
                [cells[S.COUNTRY_A], cells[S.COUNTRY_B], cells[S.N_INTERACTIONS]]
            ),
            hovertemplate=(
                "%{y} – %{x}<br>net score %{marker.color:+.2f}"
                "<br>%{customdata[2]} sentences<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=order,
        tickangle=-40,
        title_text=None,
        showgrid=True,
        gridcolor="#eeeeee",
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=order[::-1],
        title_text=None,
        showgrid=True,
        gridcolor="#eeeeee",
    )
    return _layout(fig, title, height=max(420, size * len(order) + 180))
