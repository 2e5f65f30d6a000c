"""Plotly figure builders: a tidy DataFrame in, a ``go.Figure`` out, nothing else.

Every builder titles its figure, labels its axes with units, names countries in
hover text (not only codes) and returns a clear empty-state figure when there is
nothing to draw, so a view never shows a blank frame. Tension is red, alliance
blue; net scores use a diverging scale centred on zero.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale

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


TRACE_TYPES = ("bar", "choropleth", "heatmap", "scatter")  # every trace type drawn here


@functools.lru_cache(maxsize=1)
def _template() -> dict:
    """plotly's default template with trace defaults only for the types drawn here.

    Every figure carries its template, and plotly copies it on each rerun; the
    defaults of the forty trace types never drawn are dead weight.
    """
    import plotly.io as pio

    full = pio.templates[pio.templates.default].to_plotly_json()
    data = {kind: traces for kind, traces in full.get("data", {}).items() if kind in TRACE_TYPES}
    return {"data": data, "layout": full.get("layout", {})}


def _layout(title: str, *, height: int = 420, **settings: object) -> dict:
    """The house layout as a plain dict; ``settings`` add top-level keys or update them.

    A dict setting updates the house dict of that key (e.g. ``margin={"t": 90}``
    keeps the other margins), as ``Figure.update_layout`` would.
    """
    layout: dict = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "font": FONT,
        "height": height,
        "margin": {"l": 60, "r": 30, "t": 70, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        "hoverlabel": {"font": {"size": 13}},
        "template": _template(),
    }
    for key, value in settings.items():
        house = layout.get(key)
        layout[key] = (
            house | value if isinstance(house, dict) and isinstance(value, dict) else value
        )
    return layout


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, skipping plotly's per-property validation.

    Validating every property of every trace was the largest cost of a dashboard
    rerun; the builders only write properties plotly knows, and tests check them.
    """
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def _values(column: pd.Series | np.ndarray) -> np.ndarray:
    """A column as a plain numpy array (dates stay ``datetime64``) for a trace."""
    return column.to_numpy() if isinstance(column, pd.Series) else np.asarray(column)


def _scale(name: str) -> list:
    # Named scales are expanded as plotly.py would: plotly.js reverses some names (RdBu).
    return [list(step) for step in _named_scale(name)]


@functools.lru_cache(maxsize=16)
def _named_scale(name: str) -> tuple[tuple[float, str], ...]:
    return tuple((float(at), str(colour)) for at, colour in get_colorscale(name))


def _axis_title(text: str | None) -> dict:
    return {"title": {"text": text}} if text is not None else {}


def empty_figure(title: str, message: str = "No data for the current filters.") -> go.Figure:
    """A titled figure that says why there is nothing to draw."""
    annotation = {
        "text": message,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 16, "color": NEUTRAL_COLOUR},
    }
    return _figure(
        [],
        _layout(
            title,
            height=300,
            annotations=[annotation],
            xaxis={"visible": False},
            yaxis={"visible": False},
        ),
    )


def _name(code: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(code, code)


def volume_chart(volume: pd.DataFrame, period: str = "month") -> go.Figure:
    """Bars of briefings per period (columns ``period``, ``n_briefings``)."""
    title = f"Briefings per {period}"
    if volume.empty or volume[S.N_BRIEFINGS].sum() == 0:
        return empty_figure(title)
    bars = {
        "type": "bar",
        "x": _values(volume[S.PERIOD]),
        "y": _values(volume[S.N_BRIEFINGS]),
        "marker": {"color": VOLUME_COLOUR},
        "hovertemplate": f"%{{x|{PERIOD_FORMAT[period]}}}<br>%{{y}} briefings<extra></extra>",
    }
    return _figure(
        [bars],
        _layout(
            title,
            height=360,
            xaxis=_axis_title(period.capitalize()),
            yaxis=_axis_title("Briefings (count)") | {"rangemode": "tozero"},
        ),
    )


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
    traces = []
    groups = attention.groupby([S.ISO3, S.COUNTRY], sort=False)
    for index, ((iso3, country), rows) in enumerate(groups):
        values = rows["share"] * 100 if measure == "share" else rows[S.N_BRIEFINGS]
        unit = "%{y:.1f}% of briefings" if measure == "share" else "%{y} briefings"
        traces.append(
            {
                "type": "scatter",
                "x": _values(rows[S.PERIOD]),
                "y": _values(values),
                "mode": "lines+markers",
                "name": country,
                "line": {"color": SERIES_COLOURS[index % len(SERIES_COLOURS)], "width": 2},
                "customdata": np.full(len(rows), iso3, dtype=object),
                "hovertemplate": (
                    f"{country}<br>%{{x|{PERIOD_FORMAT[period]}}}<br>{unit}<extra></extra>"
                ),
            }
        )
    y_title = "Share of briefings (%)" if measure == "share" else "Briefings (count)"
    return _figure(
        traces,
        _layout(
            title,
            xaxis=_axis_title(period.capitalize()),
            yaxis=_axis_title(y_title) | {"rangemode": "tozero"},
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
    choropleth = {
        "type": "choropleth",
        "locations": _values(totals[S.ISO3]).astype(object),
        "locationmode": "ISO-3",
        "z": _values(totals[S.N_BRIEFINGS]),
        "text": _values(totals[S.COUNTRY]).astype(object),
        "colorscale": _scale(SEQUENTIAL_SCALE),
        "marker": {"line": {"color": "white", "width": 0.5}},
        "colorbar": {"title": {"text": "Briefings"}},
        "hovertemplate": "%{text}<br>%{z} briefings<extra></extra>",
    }
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
    return _figure(
        [choropleth],
        _layout(title, height=460, geo=geo, margin={"l": 10, "r": 10, "t": 60, "b": 10}),
    )


def top_countries_chart(totals: pd.DataFrame, limit: int = 15) -> go.Figure:
    """Horizontal bars of the most mentioned countries."""
    title = f"Top {limit} countries"
    if totals.empty:
        return empty_figure(title)
    top = totals.head(limit).iloc[::-1]
    bars = {
        "type": "bar",
        "x": _values(top[S.N_BRIEFINGS]),
        "y": _values(top[S.COUNTRY]).astype(object),
        "orientation": "h",
        "marker": {"color": VOLUME_COLOUR},
        "customdata": _values(top[S.ISO3]).astype(object),
        "hovertemplate": "%{y} (%{customdata})<br>%{x} briefings<extra></extra>",
    }
    return _figure(
        [bars],
        _layout(
            title,
            height=max(300, 28 * len(top) + 120),
            xaxis=_axis_title("Briefings mentioning (count)"),
            yaxis=_axis_title(None) | {"automargin": True},
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
    position = (max(-limit, min(limit, float(value))) / limit + 1) / 2
    return _scale_colour(NET_SCALE, round(position, 12))


@functools.lru_cache(maxsize=256)
def _scale_colour(scale: str, position: float) -> str:
    # Network edges use a few colour steps; sampling the scale is slow enough to memoise.
    from plotly.colors import sample_colorscale

    return sample_colorscale(scale, [position])[0]


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
                        _net_colour((2 * step_c / (NET_STEPS - 1) - 1) * limit, limit)
                        if colour
                        else "#9aa9b6"
                    ),
                },
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    label_weight = weight.replace("_", " ")
    mid_text = [
        f"{_name(a, names)} – {_name(b, names)}<br>{label_weight}: {size:g}"
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
                    "colorscale": _scale(NET_SCALE),
                    "cmin": -limit,
                    "cmax": limit,
                    "cmid": 0,
                    "colorbar": _net_colorbar(limit),
                    "line": {"width": 1, "color": "white"},
                }
                if colour
                else {"size": 8, "color": "#9aa9b6"}
            ),
            "customdata": np.column_stack(
                [_values(edges[S.COUNTRY_A]), _values(edges[S.COUNTRY_B])]
            ).astype(object),
            "hovertext": mid_text,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "name": "pairs",
            "showlegend": False,
        }
    )
    degree = pd.concat([edges[S.COUNTRY_A], edges[S.COUNTRY_B]]).value_counts()
    traces.append(
        {
            "type": "scatter",
            "x": [position[n][0] for n in nodes],
            "y": [position[n][1] for n in nodes],
            "mode": "markers+text",
            "text": [_name(n, names) for n in nodes],
            "textposition": [_label_side(*position[n]) for n in nodes],
            "marker": {
                "size": [10 + 3 * int(degree.get(n, 0)) for n in nodes],
                "color": "#34495e",
                "line": {"width": 1, "color": "white"},
            },
            "customdata": list(nodes),
            "hovertemplate": "%{text} (%{customdata})<extra></extra>",
            "showlegend": False,
        }
    )
    return _figure(
        traces,
        _layout(
            title,
            height=620,
            xaxis={"visible": False, "range": [-1.7, 1.7]},
            yaxis={"visible": False, "range": [-1.3, 1.3], "scaleanchor": "x"},
        ),
    )


def topic_shares_chart(shares: pd.DataFrame, period: str = "month") -> go.Figure:
    """Stacked areas of each topic's share of briefings per period."""
    title = f"Share of each {period}'s briefings by topic (largest topics)"
    if shares.empty:
        return empty_figure(title)
    traces = []
    groups = shares.groupby([S.TOPIC_ID, S.TOPIC_LABEL], sort=False)
    for index, ((topic_id, label), rows) in enumerate(groups):
        traces.append(
            {
                "type": "scatter",
                "x": _values(rows[S.PERIOD]),
                "y": _values(rows["share"] * 100),
                "name": str(label),
                "mode": "lines",
                "stackgroup": "topics",
                "line": {
                    "width": 0.5,
                    "color": NEUTRAL_COLOUR
                    if topic_id == -1
                    else TOPIC_COLOURS[index % len(TOPIC_COLOURS)],
                },
                "customdata": _values(rows[S.N_BRIEFINGS]),
                "hovertemplate": (
                    f"{label}<br>%{{x|{PERIOD_FORMAT[period]}}}<br>"
                    "%{y:.1f}% of briefings (%{customdata})<extra></extra>"
                ),
            }
        )
    return _figure(
        traces,
        _layout(
            title,
            height=440,
            xaxis=_axis_title(period.capitalize()),
            yaxis=_axis_title("Share of briefings (%)") | {"range": [0, 100]},
            legend={"orientation": "v", "y": 1, "x": 1.02, "xanchor": "left"},
        ),
    )


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
    trace = {
        "type": "heatmap",
        "z": grid.to_numpy(dtype=float),
        "x": list(x_order),
        "y": list(y_order),
        "colorscale": _scale(NET_SCALE if diverging else SEQUENTIAL_SCALE),
        "zmin": -net_limit(matrix[z]) if diverging else 0,
        "colorbar": {"title": {"text": z_title}},
        "hoverongaps": False,
        "hovertemplate": (
            f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>{z_title}: %{{z:.2f}}<extra></extra>"
        ),
        "xgap": 1,
        "ygap": 1,
    }
    if extra is not None:
        trace["customdata"] = extra
    if diverging:
        trace |= {"zmid": 0, "zmax": net_limit(matrix[z])}
    return _figure(
        [trace],
        _layout(
            title,
            height=max(380, 30 * len(y_order) + 200),
            xaxis=_axis_title(x_title) | {"tickangle": -40, "automargin": True},
            yaxis=_axis_title(y_title) | {"automargin": True, "autorange": "reversed"},
        ),
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
    fmt = PERIOD_FORMAT[period]
    limit = net_limit(nets)
    traces = []
    for index, (a, b) in enumerate(pair_keys):
        label = f"{_name(a, names)} – {_name(b, names)}"
        colour = palette[index % len(palette)]
        of_pair = (firsts == a) & (seconds == b) & drawn
        for forward, dash, suffix in ((False, "solid", ""), (True, "dot", " (expected)")):
            rows = np.flatnonzero(of_pair & (forwards == forward))
            if len(rows) == 0:
                continue
            traces.append(
                {
                    "type": "scatter",
                    "x": periods[rows],
                    "y": nets[rows],
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
                    "hovertemplate": (
                        f"{label}{suffix}<br>%{{x|{fmt}}}<br>net %{{y:+.2f}} "
                        "over %{customdata[3]} sentences<extra></extra>"
                    ),
                    "yaxis": "y",
                }
            )
    reported = timeline[~timeline[S.FORWARD_LOOKING].astype(bool)]
    totals = reported.groupby(S.PERIOD)[[S.TENSION, S.ALLIANCE]].sum().reset_index()
    traces.append(
        {
            "type": "bar",
            "x": _values(totals[S.PERIOD]),
            "y": _values(-totals[S.TENSION]),
            "name": "tension (all chosen pairs)",
            "marker": {"color": TENSION_COLOUR},
            "hovertemplate": f"%{{x|{fmt}}}<br>tension %{{y:.2f}}<extra></extra>",
            "yaxis": "y2",
        }
    )
    traces.append(
        {
            "type": "bar",
            "x": _values(totals[S.PERIOD]),
            "y": _values(totals[S.ALLIANCE]),
            "name": "alliance (all chosen pairs)",
            "marker": {"color": ALLIANCE_COLOUR},
            "hovertemplate": f"%{{x|{fmt}}}<br>alliance %{{y:.2f}}<extra></extra>",
            "yaxis": "y2",
        }
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
    layout = _layout(
        title,
        height=640,
        xaxis={"anchor": "y2", "domain": [0, 1]} | _axis_title(period.capitalize()),
        yaxis={"domain": [0.46, 1.0], "anchor": "x", "range": [-1.05 * limit, 1.05 * limit]}
        | _axis_title("Net score"),
        yaxis2={"domain": [0.0, 0.30], "anchor": "x"} | _axis_title("Strength (sum)"),
        annotations=annotations,
        shapes=[zero_line],
        barmode="relative",
        legend={"orientation": "v", "y": 1, "x": 1.02, "xanchor": "left"},
        margin={"t": 90},
    )
    return _figure(traces, layout)


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
        "x": _values(cells["name_b"]).astype(object),
        "y": _values(cells["name_a"]).astype(object),
        "mode": "markers",
        "marker": {
            "symbol": "square",
            "size": size,
            "color": _values(cells[S.NET]),
            "colorscale": _scale(NET_SCALE),
            "cmin": -limit,
            "cmax": limit,
            "cmid": 0,
            "colorbar": _net_colorbar(limit),
            "line": {"width": 1, "color": "#bbbbbb"},
        },
        "customdata": np.column_stack(
            [
                _values(cells[S.COUNTRY_A]).astype(object),
                _values(cells[S.COUNTRY_B]).astype(object),
                _values(cells[S.N_INTERACTIONS]).astype(object),
            ]
        ),
        "hovertemplate": (
            "%{y} – %{x}<br>net score %{marker.color:+.2f}"
            "<br>%{customdata[2]} sentences<extra></extra>"
        ),
    }
    grid = {"showgrid": True, "gridcolor": "#eeeeee"} | _axis_title(None)
    return _figure(
        [squares],
        _layout(
            title,
            height=max(420, size * len(order) + 180),
            xaxis={"categoryorder": "array", "categoryarray": order, "tickangle": -40} | grid,
            yaxis={"categoryorder": "array", "categoryarray": order[::-1]} | grid,
        ),
    )
