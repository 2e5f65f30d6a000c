"""The charts' house style and shared building blocks: colours, scales, layout, empty states.

Every builder uses ``house_layout`` and ``new_figure`` so all figures share one font,
title placement, margins and a trimmed plotly template; net scores use one diverging
scale centred on zero (``net_limit``, ``net_colour``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from analytics.timeseries import period_label, period_step

TENSION_COLOUR = "#c0392b"
ALLIANCE_COLOUR = "#2166ac"
NEUTRAL_COLOUR = "#7f7f7f"
VOLUME_COLOUR = "#3b6e8f"
PARTIAL_COLOUR = "#a7c0d2"  # VOLUME_COLOUR lightened: a period the dates shown cut short
NET_SCALE = "RdBu"  # red = tension (negative), blue = alliance (positive)
# Distinct, colour-blind-safe series colours for lines and markers (Okabe-Ito order, black
# last), its yellow (#F0E442, 1.3:1 on white) swapped for Paul Tol's wine: unreadable as a line.
SERIES_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#882255",
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
# A legend of many entries beside the plot, from its top down. Anchored at its bottom (the
# house legend's anchor, for a row above the plot) a column of entries rose above the plot
# and plotly squeezed the plot to a strip beneath it.
SIDE_LEGEND = {"orientation": "v", "yanchor": "top", "y": 1, "x": 1.02, "xanchor": "left"}
NET_STEPS = 11  # colour steps of network edges between -1 and +1
WIDTH_STEPS = 4  # width steps of network edges
SEQUENTIAL_SCALE = "Blues"
FONT = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 13}


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


def house_layout(title: str, *, height: int = 420, **settings: object) -> dict:
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


def new_figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, skipping plotly's per-property validation.

    Validating every property of every trace was the largest cost of a dashboard
    rerun; the builders only write properties plotly knows, and tests check them.
    """
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def as_values(column: pd.Series | np.ndarray) -> np.ndarray:
    """A column as a plain numpy array (dates stay ``datetime64``) for a trace."""
    return column.to_numpy() if isinstance(column, pd.Series) else np.asarray(column)


def colour_scale(name: str) -> list:
    # Named scales are expanded as plotly.py would: plotly.js reverses some names (RdBu).
    return [list(step) for step in _named_scale(name)]


@functools.lru_cache(maxsize=16)
def _named_scale(name: str) -> tuple[tuple[float, str], ...]:
    return tuple((float(at), str(colour)) for at, colour in get_colorscale(name))


# Up to this many, a count axis or colour bar ticks every whole number: plotly's own
# ticks for a largest count of 2 are 0, 0.5, 1, 1.5 and 2 briefings.
WHOLE_TICKS_UP_TO = 6


def count_ticks(counts: object) -> dict:
    """Ticks for an axis or colour bar of counts: whole numbers only.

    Parameters:
        counts: the counts drawn on it (any missing ones ignored).
    """
    values = np.asarray(counts, dtype=float)
    values = values[np.isfinite(values)]
    largest = float(values.max()) if values.size else 0.0
    return {"tickformat": ",d"} | ({"dtick": 1} if largest <= WHOLE_TICKS_UP_TO else {})


def axis_title(text: str | None) -> dict:
    return {"title": {"text": text}} if text is not None else {}


# About how long each period is, to give a single period room on a time axis.
PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31}


def _distinct_starts(periods: object) -> pd.DatetimeIndex:
    """The distinct period starts of ``periods``, sorted (missing ones left out)."""
    starts = pd.DatetimeIndex(pd.unique(pd.to_datetime(pd.Series(np.asarray(periods))).dropna()))
    return starts.sort_values()


def _single_period(periods: object) -> pd.Timestamp | None:
    distinct = _distinct_starts(periods)
    return distinct[0] if len(distinct) == 1 else None


def period_axis(period: str, periods: object) -> dict:
    """A time axis titled by ``period``; over one period alone, a period wide either side
    of it with the period's name as its one tick (plotly zooms a lone date to
    milliseconds, and a stacked area of one date draws nothing).

    Parameters:
        period: ``week``, ``month``, ``quarter`` (or ``day``).
        periods: the period starts drawn on the axis.
    """
    axis = axis_title(period.capitalize())
    starts = _distinct_starts(periods)
    if len(starts) != 1:
        ticks = _PERIOD_TICKS.get(period, lambda _: {})(starts)
        return axis | _span(period, starts) | ticks
    single = starts[0]
    half = pd.Timedelta(days=0.6 * PERIOD_DAYS[period])
    middle = period_middle(single, period)
    return axis | {
        "range": [(middle - half).isoformat(), (middle + half).isoformat()],
        "tickvals": [middle.isoformat()],
        "ticktext": [period_label(single, period)],
    }


def _span(period: str, starts: pd.DatetimeIndex) -> dict:
    """The axis range from the first period's first day to the last period's end: each
    period is drawn over its whole span (``period_placement``), and plotly's own range,
    padded from the first bar's middle, left out the first period's tick."""
    if starts.empty:
        return {}
    first, last = starts.min(), starts.max()
    return {"range": [first.isoformat(), (last + period_step(period)).isoformat()]}


def period_middle(start: pd.Timestamp, period: str) -> pd.Timestamp:
    """The middle of the period that begins on ``start``, where ``period_placement`` draws it."""
    return start + (start + period_step(period) - start) / 2


# How plotly counts periods of each kind (``xperiod``) and a day one of them starts on
# (``xperiod0``): weeks start on Mondays (2000-01-03 was one), as ``period_start``'s do.
_PLOTLY_PERIODS = {
    "day": (24 * 3600 * 1000, "2000-01-01"),
    "week": (7 * 24 * 3600 * 1000, "2000-01-03"),
    "month": ("M1", "2000-01-01"),
    "quarter": ("M3", "2000-01-01"),
}


def period_placement(period: str) -> dict:
    """Trace settings that draw a value of a period (x = the period's first day) over the
    middle of the period, so a bar covers its own week, month or quarter; centred on the
    first day, a month's bar straddled the month before. Lines use it too, so their points
    stand over the bars of the same period.
    """
    span, first = _PLOTLY_PERIODS[period]
    return {"xperiod": span, "xperiod0": first, "xperiodalignment": "middle"}


def period_names(periods: object, period: str) -> np.ndarray:
    """Each period start named as ``period_label`` names it, for hover text.

    plotly's date formats have no quarter: ``%b %Y`` showed a quarter as its first month.
    """
    starts = pd.to_datetime(pd.Series(np.asarray(periods)))
    distinct = starts.drop_duplicates()
    names = {start: period_label(start, period) for start in distinct.dropna()}
    return np.array([names.get(start, "") for start in starts], dtype=object)


def note_above_plot(text: str) -> dict:
    """A short note in small grey type above the plot's top left, under the title."""
    return {
        "text": text,
        "x": 0,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": NEUTRAL_COLOUR},
    }


def empty_periods_note(n_empty: int, n_periods: int, period: str) -> list[dict]:
    """The annotation that counts the periods left blank for having no briefings, or
    none when there are none."""
    if not n_empty:
        return []
    return [note_above_plot(f"Blank: {n_empty} of {n_periods} {period}s with no briefings")]


QUARTER_TICKS = 8  # at most this many quarters named on an axis (half-width charts too)


def _quarter_ticks(starts: pd.DatetimeIndex) -> dict:
    """Quarters named by ``period_label`` ("Q1 2024") under the middle of their bars (a
    name of a span, not of a day): plotly named them by months ("Jan 2024", "Jul 2024"),
    and every other tick fell mid-quarter."""
    every = max(1, -(-len(starts) // QUARTER_TICKS))  # ceiling: whole years when many
    shown = starts[::every]
    return {
        "tickvals": [period_middle(start, "quarter").isoformat() for start in shown],
        "ticktext": [period_label(start, "quarter") for start in shown],
    }


# Steps between named weeks, in weeks: the fewest that keep at most WEEK_TICKS names.
WEEK_TICKS = 8
WEEK_TICK_STEPS = (1, 2, 4, 8, 13, 26, 52)


def _week_ticks(starts: pd.DatetimeIndex) -> dict:
    """Weeks ticked on the Mondays they start on (``period_start``), each named by its
    day ("4 Mar 2024"): plotly's own weekly ticks fell on Sundays, a day before the
    product's weeks begin, so each tick sat inside a week rather than at its start."""
    if starts.empty:
        return {}
    first, last = starts.min(), starts.max()
    n_weeks = (last - first).days // 7 + 1
    step = next((s for s in WEEK_TICK_STEPS if -(-n_weeks // s) <= WEEK_TICKS), WEEK_TICK_STEPS[-1])
    shown = pd.date_range(first, last, freq=f"{7 * step}D")
    return {
        "tickvals": [day.isoformat() for day in shown],
        "ticktext": [f"{day.day} {day:%b %Y}" for day in shown],
    }


MONTH_TICK_STEPS = (1, 2, 3, 6, 12, 24)


def _month_ticks(starts: pd.DatetimeIndex) -> dict:
    """Months named under the middle of their bars ("Jun 2025"), every 1, 2, 3, 6, 12 or
    24 months counted from January so that at most ``WEEK_TICKS`` are named: a month's bar
    spans its month (``period_placement``), and plotly's own ticks of a few months fell
    fortnightly, across the bars ("Jun 15", "Jun 29")."""
    if starts.empty:
        return {}
    first, last = starts.min(), starts.max()
    first_index, last_index = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    step = next(
        (
            s
            for s in MONTH_TICK_STEPS
            if len(range(-(-first_index // s) * s, last_index + 1, s)) <= WEEK_TICKS
        ),
        MONTH_TICK_STEPS[-1],
    )
    shown = [
        pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
        for index in range(-(-first_index // step) * step, last_index + 1, step)
    ]
    return {
        "tickvals": [period_middle(day, "month").isoformat() for day in shown],
        "ticktext": [f"{day:%b %Y}" for day in shown],
    }


_PERIOD_TICKS = {"week": _week_ticks, "month": _month_ticks, "quarter": _quarter_ticks}


def bar_width(period: str, periods: object) -> dict:
    """A bar trace's ``width`` when it has one period alone (plotly, with no neighbour to
    measure a bar against, draws it a millisecond or the whole axis wide); else nothing."""
    if _single_period(periods) is None:
        return {}
    return {"width": 0.8 * PERIOD_DAYS[period] * 24 * 3600 * 1000}


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
    return new_figure(
        [],
        house_layout(
            title,
            height=300,
            annotations=[annotation],
            xaxis={"visible": False},
            yaxis={"visible": False},
        ),
    )


def display_name(code: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(code, code)


def net_limit(values: object) -> float:
    """Half-width of a net-score scale centred on 0: the largest |value|, at least 1.

    Scores follow the cue lexicon's weights (e.g. -10 .. +10), so the scale is
    fitted to the data but always symmetric, keeping white at zero.
    """
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    return float(max(1.0, np.ceil(finite.max()))) if finite.size else 1.0


def covering_range(
    lows: object, highs: object | None = None, *, pad: float = 0.05, min_span: float = 1.0
) -> list[float]:
    """An axis range covering every finite value and zero, with a margin of ``pad`` of its
    span at both ends: data on one side of zero shows that side (and zero), never an empty
    mirror half.

    Parameters:
        lows, highs: the values to cover (``highs`` adds more: the bottoms and the tops of
            bars drawn below and above zero).
        min_span: the least span before the margins (no data or all zeros: ``[0, min_span]``
            around zero's side), so a flat series does not draw a hair-thin scale.

    Returns:
        ``[bottom, top]``.
    """
    values = np.concatenate(
        [np.asarray(v, dtype=float).reshape(-1) for v in (lows, highs) if v is not None]
    )
    values = values[np.isfinite(values)]
    low = min(0.0, float(values.min())) if values.size else 0.0
    high = max(0.0, float(values.max())) if values.size else 0.0
    if high - low < min_span:
        # Widen away from zero on the data's side (upwards when there is none).
        if low < 0 and high == 0:
            low = high - min_span
        else:
            high = low + min_span
    margin = pad * (high - low)
    return [low - margin, high + margin]


def net_colour(value: float, limit: float = 1.0) -> str:
    # Interpolate the diverging scale by hand: a line trace needs one plain colour.
    position = (max(-limit, min(limit, float(value))) / limit + 1) / 2
    return _scale_colour(NET_SCALE, round(position, 12))


@functools.lru_cache(maxsize=256)
def _scale_colour(scale: str, position: float) -> str:
    # Network edges use a few colour steps; sampling the scale is slow enough to memoise.
    from plotly.colors import sample_colorscale

    return sample_colorscale(scale, [position])[0]


def net_colorbar(limit: float) -> dict:
    # The title beside the bar: above it, it ran into the top tick, "+6 alliance".
    return {
        "title": {"text": "Net score", "side": "right"},
        "tickvals": [-limit, 0, limit],
        "ticktext": [f"{-limit:g} tension", "0", f"+{limit:g} alliance"],
    }
