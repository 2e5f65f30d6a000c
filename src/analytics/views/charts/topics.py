"""Charts of the topics page: topic shares over time and heatmaps from long tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import schema as S
from analytics.views.charts.style import (
    NET_SCALE,
    NEUTRAL_COLOUR,
    SEQUENTIAL_SCALE,
    SIDE_LEGEND,
    TOPIC_COLOURS,
    as_values,
    axis_title,
    bar_width,
    colour_scale,
    count_ticks,
    empty_figure,
    empty_periods_note,
    house_layout,
    net_limit,
    new_figure,
    period_axis,
    period_names,
    period_placement,
)

AREAS_FROM_PERIODS = 8  # topic shares over fewer periods are drawn as stacked bars


def topic_shares_chart(
    shares: pd.DataFrame, period: str = "month", *, chosen: bool = False
) -> go.Figure:
    """Stacked areas of each topic's share of briefings per period.

    A period with no briefings has no shares: were it drawn, every topic would fall to
    0% and read as "no topic" rather than "no data". When there are such periods the
    shares are drawn as stacked bars, the empty periods left blank and counted in a note.

    Parameters:
        chosen: the topics are those an analyst chose (``views.chosen_topic_shares``),
            not the largest: only they are drawn, on an axis fitted to their shares
            (stacked over the rest, a topic of 3% was a sliver under 97% of grey); the
            title says so.
    """
    which = "chosen topics, on a scale fitted to them" if chosen else "largest topics"
    title = f"Share of each {period}'s briefings by topic ({which})"
    if shares.empty:
        return empty_figure(title)
    totals = shares.groupby(S.PERIOD)[S.N_BRIEFINGS].sum()
    empty_periods = int((totals == 0).sum())
    drawn = shares[shares[S.PERIOD].isin(totals.index[totals > 0])]
    top = 100.0
    if chosen:
        drawn = drawn[(drawn[S.TOPIC_ID] != -1).to_numpy()]
        stacked = (drawn["share"] * 100).groupby(drawn[S.PERIOD]).sum()
        top = min(100.0, max(1.0, float(stacked.max()) * 1.1)) if len(stacked) else 100.0
    # One period alone is drawn as one stacked bar: an area of one date draws nothing. A
    # few periods are bars too: an area between two or three period middles slopes
    # across whole periods as if shares changed day by day.
    width = bar_width(period, drawn[S.PERIOD])
    as_bars = bool(width) or empty_periods > 0 or len(totals) < AREAS_FROM_PERIODS
    traces = []
    groups = drawn.groupby([S.TOPIC_ID, S.TOPIC_LABEL], sort=False)
    for index, ((topic_id, label), rows) in enumerate(groups):
        colour = NEUTRAL_COLOUR if topic_id == -1 else TOPIC_COLOURS[index % len(TOPIC_COLOURS)]
        shape = (
            {"type": "bar", "marker": {"color": colour}} | width
            if as_bars
            else {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "topics",
                "line": {"width": 0.5, "color": colour},
            }
        )
        traces.append(
            shape
            | {
                "x": as_values(rows[S.PERIOD]),
                "y": as_values(rows["share"] * 100),
                "name": str(label),
                "customdata": as_values(rows[S.N_BRIEFINGS]),
                "hovertext": period_names(rows[S.PERIOD], period),
                "hovertemplate": (
                    f"{label}<br>%{{hovertext}}<br>"
                    "%{y:.1f}% of briefings (%{customdata})<extra></extra>"
                ),
            }
            | period_placement(period)
        )
    notes = empty_periods_note(empty_periods, len(totals), period)
    return new_figure(
        traces,
        house_layout(
            title,
            height=440,
            xaxis=period_axis(period, drawn[S.PERIOD]),
            yaxis=axis_title("Share of briefings (%)") | {"range": [0, top]},
            legend=SIDE_LEGEND,
            # plotly hides the legend of a single trace: a topics filter left one
            # nameless block at 100%.
            showlegend=True,
            barmode="stack",
            **({"annotations": notes} if notes else {}),
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
    values = matrix[z].to_numpy(dtype=float)
    counts = not diverging and bool(np.all(np.mod(values[np.isfinite(values)], 1) == 0))
    whole = count_ticks(values) if counts else {}  # counts tick whole numbers
    trace = {
        "type": "heatmap",
        "z": grid.to_numpy(dtype=float),
        "x": list(x_order),
        "y": list(y_order),
        "colorscale": colour_scale(NET_SCALE if diverging else SEQUENTIAL_SCALE),
        "zmin": -net_limit(matrix[z]) if diverging else 0,
        "colorbar": {"title": {"text": z_title}} | whole,
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
    return new_figure(
        [trace],
        house_layout(
            title,
            height=max(380, 30 * len(y_order) + 200),
            xaxis=axis_title(x_title) | {"tickangle": -40, "automargin": True},
            yaxis=axis_title(y_title) | {"automargin": True, "autorange": "reversed"},
        ),
    )
