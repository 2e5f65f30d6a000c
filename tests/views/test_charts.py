"""Tests for analytics.views.charts (every builder module): titles, labels, names in hover
text, empty states."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from ui_data import build_artefacts

from analytics import schema as S
from analytics import views
from analytics.views import charts as charts
from analytics.views.charts.style import (
    PARTIAL_COLOUR,
    SERIES_COLOURS,
    VOLUME_COLOUR,
    covering_range,
)


@pytest.fixture(scope="module")
def corpus():
    return build_artefacts()


@pytest.fixture(scope="module")
def names(corpus):
    return views.country_names(corpus)


def build_all(corpus, names) -> dict[str, go.Figure]:
    totals = views.country_totals(corpus.countries)
    return {
        "volume": charts.volume_chart(views.briefing_volume(corpus.briefings, "month")),
        "attention": charts.attention_chart(
            views.country_attention(corpus.countries, corpus.briefings, ["USA", "JPN"], "month")
        ),
        "map": charts.country_map(totals),
        "top": charts.top_countries_chart(totals),
        "comention": charts.network_chart(views.comention_edges(corpus.countries), names),
        "shares": charts.topic_shares_chart(views.topic_shares(corpus.topics, "month")),
        "heatmap": charts.heatmap_chart(
            views.topic_country_matrix(corpus.topics, corpus.countries),
            x=S.COUNTRY,
            y=S.TOPIC_LABEL,
            z=S.N_BRIEFINGS,
            title="Topics by country",
            x_title="Country",
            y_title="Topic",
            z_title="Briefings",
        ),
        "relations": charts.relation_chart(
            views.relation_timeline(
                corpus.interactions, corpus.briefings, [("CHN", "USA")], "month"
            ),
            names,
        ),
        "matrix": charts.pair_matrix_chart(
            views.named_matrix(views.pair_matrix(corpus.interactions), names)
        ),
        "network": charts.network_chart(
            views.top_pairs(corpus.interactions), names, weight=S.N_INTERACTIONS, colour=S.NET
        ),
    }


def test_every_builder_titles_and_draws_data(corpus, names):
    for name, fig in build_all(corpus, names).items():
        assert isinstance(fig, go.Figure), name
        assert fig.layout.title.text, name
        assert len(fig.data) > 0, name
        assert not fig.layout.annotations or name == "relations", name


@pytest.mark.parametrize(
    "builder",
    [
        lambda: charts.volume_chart(pd.DataFrame({S.PERIOD: [], S.N_BRIEFINGS: []})),
        lambda: charts.attention_chart(pd.DataFrame()),
        lambda: charts.country_map(pd.DataFrame()),
        lambda: charts.top_countries_chart(pd.DataFrame()),
        lambda: charts.network_chart(pd.DataFrame()),
        lambda: charts.topic_shares_chart(pd.DataFrame()),
        lambda: charts.heatmap_chart(
            pd.DataFrame(), x="a", y="b", z="c", title="t", x_title="a", y_title="b", z_title="c"
        ),
        lambda: charts.relation_chart(pd.DataFrame()),
        lambda: charts.pair_matrix_chart(pd.DataFrame()),
    ],
    ids=[
        "volume",
        "attention",
        "map",
        "top",
        "network",
        "shares",
        "heatmap",
        "relations",
        "matrix",
    ],
)
def test_builders_show_a_message_when_empty(builder):
    fig = builder()
    assert fig.layout.title.text
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text  # says why nothing is drawn


def test_attention_chart_names_countries_and_units(corpus):
    attention = views.country_attention(corpus.countries, corpus.briefings, ["USA"], "month")
    count = charts.attention_chart(attention, "count")
    share = charts.attention_chart(attention, "share")
    assert count.data[0].name == "United States"
    assert count.layout.yaxis.title.text == "Briefings (count)"
    assert share.layout.yaxis.title.text == "Share of briefings (%)"
    # Jan 2026: 1 of 3 briefings names the United States -> 33.3 %
    assert share.data[0].y[0] == pytest.approx(100 / 3)


def test_country_map_uses_iso3_and_names_in_hover(corpus):
    fig = charts.country_map(views.country_totals(corpus.countries))
    trace = fig.data[0]
    assert trace.locationmode == "ISO-3"
    assert "United States" in list(trace.text)
    assert "%{text}" in trace.hovertemplate


def test_net_colours_diverge_around_zero(corpus, names):
    network = charts.network_chart(
        views.top_pairs(corpus.interactions), names, weight=S.N_INTERACTIONS, colour=S.NET
    )
    pairs = network.data[-2]
    assert pairs.marker.cmid == 0 and pairs.marker.cmin == -1 and pairs.marker.cmax == 1
    assert pairs.marker.colorscale[0][1] != pairs.marker.colorscale[-1][1]
    assert ["CHN", "USA"] in [list(c) for c in pairs.customdata]
    assert any("China – United States" in text for text in pairs.hovertext)


def test_relation_chart_separates_expected_sentences(corpus, names):
    timeline = views.relation_timeline(
        corpus.interactions, corpus.briefings, [("CHN", "USA")], "month"
    )
    fig = charts.relation_chart(timeline, names)
    lines = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert [t.name for t in lines] == ["China – United States", "China – United States (expected)"]
    assert lines[1].line.dash == "dot"
    assert list(lines[0].customdata[0][:2]) == ["CHN", "USA"]


def test_relation_lines_break_where_a_pair_has_no_sentence(corpus, names):
    # China and the United States meet in February, March, May and June (net -0.6, -0.8,
    # -0.6, -0.8); the line had run straight from March to May as if April had a score.
    timeline = views.relation_timeline(
        corpus.interactions, corpus.briefings, [("CHN", "USA")], "month"
    )
    line = charts.relation_chart(timeline, names).data[0]
    assert [pd.Timestamp(x).month for x in line.x] == [1, 2, 3, 4, 5, 6]
    assert np.allclose(list(line.y), [np.nan, -0.6, -0.8, np.nan, -0.6, -0.8], equal_nan=True)
    assert not line.connectgaps


def test_pair_matrix_chart_cells_carry_pairs(corpus, names):
    matrix = views.named_matrix(views.pair_matrix(corpus.interactions), names)
    fig = charts.pair_matrix_chart(matrix)
    cells = fig.data[0]
    assert "China" in list(cells.y)
    assert {tuple(c[:2]) for c in cells.customdata} >= {("CHN", "USA"), ("USA", "CHN")}


@pytest.mark.parametrize(
    ("values", "expected"),
    [([-0.4, 0.2], 1.0), ([-6.5, 3.0], 7.0), ([float("nan"), 2.0], 2.0), ([], 1.0)],
    ids=["within-one", "lexicon-weights", "ignores-nan", "empty"],
)
def test_net_limit_is_symmetric_and_at_least_one(values, expected):
    assert charts.net_limit(values) == expected


def test_network_scale_follows_score_range(names):
    edges = pd.DataFrame(
        {
            S.COUNTRY_A: ["CHN", "JPN"],
            S.COUNTRY_B: ["USA", "USA"],
            S.N_INTERACTIONS: [5, 2],
            S.NET: [-6.0, 2.5],
        }
    )
    fig = charts.network_chart(edges, names, weight=S.N_INTERACTIONS, colour=S.NET)
    marker = fig.data[-2].marker
    assert (marker.cmin, marker.cmid, marker.cmax) == (-6.0, 0, 6.0)


def test_builders_write_only_valid_properties(corpus, names):
    # Figures are built without plotly's validation; validating them afterwards
    # must accept every property and give the same figure.
    for name, fig in build_all(corpus, names).items():
        checked = go.Figure(fig.to_dict())
        # NaN is read as text so that equal figures compare equal.
        assert json.loads(pio.to_json(checked), parse_constant=str) == json.loads(
            pio.to_json(fig), parse_constant=str
        ), name


def test_net_scale_runs_from_red_tension_to_blue_alliance(corpus, names):
    network = charts.network_chart(
        views.top_pairs(corpus.interactions), names, weight=S.N_INTERACTIONS, colour=S.NET
    )
    scale = [list(step) for step in network.data[-2].marker.colorscale]
    assert scale[0] == [0.0, "rgb(103,0,31)"]
    assert scale[-1] == [1.0, "rgb(5,48,97)"]


def test_network_chart_empty_says_the_given_message():
    empty = pd.DataFrame({S.COUNTRY_A: [], S.COUNTRY_B: [], S.N_BRIEFINGS: []})
    default = charts.network_chart(empty).layout.annotations[0].text
    assert default == "No data for the current filters."
    told = charts.network_chart(empty, empty_message="Only expected developments.")
    assert told.layout.annotations[0].text == "Only expected developments."


def test_attention_legend_sits_below_the_plot_not_over_the_title(corpus):
    # Five countries in the page's half-width column wrap the legend to two rows; above
    # the plot (the house place) the second row covered the chart's title.
    countries = ["USA", "JPN", "CHN", "RUS", "UKR"]
    attention = views.country_attention(corpus.countries, corpus.briefings, countries, "month")
    legend = charts.attention_chart(attention, "count").layout.legend
    assert legend.orientation == "h"
    assert legend.yanchor == "top"
    assert legend.y < 0  # below the plot area and its axis title


ONE_MONTH = pd.Timestamp("2026-03-01")  # one month of data, e.g. a date filter on March


@pytest.mark.parametrize(
    ("period", "start", "tick", "middle"),
    [
        # Mon 2 Mar to Mon 9 Mar: the middle is Thursday noon.
        ("week", "2026-03-02", "week of 2 Mar 2026", "2026-03-05 12:00"),
        # 31 days of March: 15.5 days in.
        ("month", "2026-03-01", "Mar 2026", "2026-03-16 12:00"),
        # 1 Jan to 1 Apr 2026 is 90 days: 45 days in.
        ("quarter", "2026-01-01", "Q1 2026", "2026-02-15"),
    ],
    ids=["week", "month", "quarter"],
)
def test_one_period_gets_a_readable_axis_and_a_visible_bar(period, start, tick, middle):
    start, middle = pd.Timestamp(start), pd.Timestamp(middle)
    volume = pd.DataFrame({S.PERIOD: [start], S.N_BRIEFINGS: [4]})
    fig = charts.volume_chart(volume, period)
    axis = fig.layout.xaxis
    # Plotly alone zoomed the lone date to milliseconds ("23:59:59.9996").
    assert list(axis.ticktext) == [tick]
    # The bar stands over the period's middle (period_placement): so do the tick and range.
    assert pd.Timestamp(axis.tickvals[0]) == middle
    days = {"week": 7, "month": 30.44, "quarter": 91.31}[period]
    low, high = (pd.Timestamp(end) for end in axis.range)
    assert (high - low) / pd.Timedelta(days=1) == pytest.approx(1.2 * days)
    assert low + (high - low) / 2 == middle
    assert low < start < middle < high
    assert fig.data[0].width == pytest.approx(0.8 * days * 86_400_000)


def test_a_month_axis_names_months_under_their_bars():
    # A month's bar spans its month; plotly's own ticks over two months fell fortnightly
    # ("Mar 15", "Mar 29"), across the bars.
    volume = pd.DataFrame(
        {S.PERIOD: [ONE_MONTH, ONE_MONTH + pd.offsets.MonthBegin()], S.N_BRIEFINGS: [4, 2]}
    )
    fig = charts.volume_chart(volume, "month")
    # The axis spans the two months whole: plotly padded its range from the first bar's
    # middle and left out the first month's tick.
    assert list(fig.layout.xaxis.range) == ["2026-03-01T00:00:00", "2026-05-01T00:00:00"]
    # Each month named under the middle of its bar: 31 days from 1 March, 30 from 1 April.
    assert list(fig.layout.xaxis.tickvals) == ["2026-03-16T12:00:00", "2026-04-16T00:00:00"]
    assert list(fig.layout.xaxis.ticktext) == ["Mar 2026", "Apr 2026"]
    assert fig.data[0].width is None
    # Feb 2023 to Dec 2025, 35 months: every sixth, counted from January, names five.
    many = pd.date_range("2023-02-01", "2025-12-01", freq="MS")
    axis = charts.volume_chart(
        pd.DataFrame({S.PERIOD: many, S.N_BRIEFINGS: 1}), "month"
    ).layout.xaxis
    assert list(axis.ticktext) == ["Jul 2023", "Jan 2024", "Jul 2024", "Jan 2025", "Jul 2025"]


def test_topic_shares_of_one_period_are_one_stacked_bar():
    # A stacked area of one date draws nothing: one month's shares become a stacked bar.
    shares = pd.DataFrame(
        {
            S.PERIOD: [ONE_MONTH, ONE_MONTH],
            S.TOPIC_ID: [0, -1],
            S.TOPIC_LABEL: ["trade", "other topics"],
            S.N_BRIEFINGS: [1, 3],
            "share": [0.25, 0.75],
        }
    )
    fig = charts.topic_shares_chart(shares, "month")
    assert [trace.type for trace in fig.data] == ["bar", "bar"]
    assert fig.layout.barmode == "stack"
    assert [trace.y[0] for trace in fig.data] == [25.0, 75.0]
    assert list(fig.layout.xaxis.ticktext) == ["Mar 2026"]


def test_relation_chart_says_why_strength_is_empty_with_only_expected_sentences(corpus, names):
    expected = corpus.interactions[corpus.interactions[S.FORWARD_LOOKING]]
    timeline = views.relation_timeline(expected, corpus.briefings, [("CHN", "USA")], "month")
    fig = charts.relation_chart(timeline, names)
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert all(not any(t.y) for t in bars)  # strength sums reported sentences only
    notes = [a.text for a in fig.layout.annotations]
    assert any("only expected ones are selected" in note for note in notes)
    # With reported sentences the panel is drawn and carries no such note.
    both = views.relation_timeline(corpus.interactions, corpus.briefings, [("CHN", "USA")], "month")
    assert not any(
        "only expected" in a.text for a in charts.relation_chart(both, names).layout.annotations
    )


def test_topic_shares_leave_a_period_without_briefings_blank():
    # Weeks of 8, 15 and 22 Jan 2024; nothing was briefed in the week of the 15th. Drawn
    # as stacked areas, both topics fell to 0% there, which reads as "no topic".
    weeks = pd.to_datetime(["2024-01-08", "2024-01-15", "2024-01-22"] * 2)
    shares = pd.DataFrame(
        {
            S.PERIOD: weeks,
            S.TOPIC_ID: [0, 0, 0, -1, -1, -1],
            S.TOPIC_LABEL: ["trade"] * 3 + ["other topics"] * 3,
            S.N_BRIEFINGS: [1, 0, 3, 3, 0, 1],
            "share": [0.25, 0.0, 0.75, 0.75, 0.0, 0.25],
        }
    )
    fig = charts.topic_shares_chart(shares, "week")
    assert [trace.type for trace in fig.data] == ["bar", "bar"]
    drawn = [pd.to_datetime(list(trace.x)).strftime("%d").tolist() for trace in fig.data]
    assert drawn == [["08", "22"], ["08", "22"]]
    assert [list(trace.y) for trace in fig.data] == [[25.0, 75.0], [75.0, 25.0]]
    notes = [a.text for a in fig.layout.annotations]
    assert notes == ["Blank: 1 of 3 weeks with no briefings"]


QUARTERS = pd.to_datetime(["2024-01-01", "2024-04-01"])


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.volume_chart(
            pd.DataFrame({S.PERIOD: QUARTERS, S.N_BRIEFINGS: [4, 2]}), "quarter"
        ),
        lambda: charts.attention_chart(
            pd.DataFrame(
                {
                    S.PERIOD: QUARTERS,
                    S.ISO3: "JPN",
                    S.COUNTRY: "Japan",
                    S.N_BRIEFINGS: [1, 2],
                    "share": [0.25, 1.0],
                }
            ),
            period="quarter",
        ),
        lambda: charts.topic_shares_chart(
            pd.DataFrame(
                {
                    S.PERIOD: QUARTERS,
                    S.TOPIC_ID: 0,
                    S.TOPIC_LABEL: "trade",
                    S.N_BRIEFINGS: [4, 2],
                    "share": [1.0, 1.0],
                }
            ),
            "quarter",
        ),
    ],
    ids=["volume", "attention", "topic shares"],
)
def test_hover_names_a_quarter_as_the_quarter(build):
    # plotly's date formats have no quarter: these read "Jan 2024" and "Apr 2024".
    trace = build().data[0]
    assert list(trace.hovertext) == ["Q1 2024", "Q2 2024"]
    assert "%{hovertext}" in trace.hovertemplate and "%{x|" not in trace.hovertemplate


def test_relation_hover_names_quarters(corpus, names):
    timeline = views.relation_timeline(
        corpus.interactions, corpus.briefings, [("CHN", "USA")], "quarter"
    )
    fig = charts.relation_chart(timeline, names, period="quarter")
    for trace in fig.data:
        expected = [f"Q{p.quarter} {p.year}" for p in pd.to_datetime(list(trace.x))]
        assert list(trace.hovertext) == expected, trace.name


def _contrast_on_white(colour: str) -> float:
    """WCAG contrast ratio of a ``#RRGGBB`` colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_contrast_on_white_by_hand():
    assert _contrast_on_white("#000000") == pytest.approx(21.0)
    assert _contrast_on_white("#FFFFFF") == pytest.approx(1.0)


@pytest.mark.parametrize("colour", SERIES_COLOURS)
def test_series_colours_read_as_lines_on_white(colour):
    # Lines, markers and bars of countries, pairs and certainties: Okabe-Ito's yellow
    # (#F0E442) is 1.3:1 on white and vanished; its orange, the palest kept, is 2.25:1.
    assert _contrast_on_white(colour) >= 2.0


@pytest.mark.parametrize("name", ["shares", "relations"])
def test_a_side_legend_hangs_from_the_plot_s_top(corpus, names, name):
    # Anchored at its bottom, the column of entries rose above the plot and plotly
    # squeezed the plot into a strip beneath it.
    legend = build_all(corpus, names)[name].layout.legend
    assert (legend.orientation, legend.yanchor, legend.y, legend.xanchor) == ("v", "top", 1, "left")


@pytest.mark.parametrize("name", ["matrix", "network"])
def test_net_colour_bar_title_stands_beside_the_bar(corpus, names, name):
    # Above the bar, "Net score" ran into the top tick label "+6 alliance".
    traces = build_all(corpus, names)[name].to_dict()["data"]
    bars = [t.get("colorbar") or t.get("marker", {}).get("colorbar") for t in traces]
    titles = [bar["title"] for bar in bars if bar]
    assert titles and all(title == {"text": "Net score", "side": "right"} for title in titles)


@pytest.mark.parametrize("measure", ["count", "share"])
def test_attention_leaves_a_period_without_briefings_blank(measure):
    # March 2024 had no briefings: its share is NaN, and the line breaks there instead
    # of falling to zero (the country was not "not named": nothing was published).
    attention = pd.DataFrame(
        {
            S.PERIOD: pd.to_datetime(["2024-02-01", "2024-03-01", "2024-04-01"]),
            S.ISO3: "JPN",
            S.COUNTRY: "Japan",
            S.N_BRIEFINGS: [1, 0, 3],
            "share": [0.5, float("nan"), 0.75],
        }
    )
    fig = charts.attention_chart(attention, measure, "month")
    y = list(fig.data[0].y)
    assert y[0] == (50.0 if measure == "share" else 1) and y[2] == (
        75.0 if measure == "share" else 3
    )
    assert pd.isna(y[1])
    assert [a.text for a in fig.layout.annotations] == ["Blank: 1 of 3 months with no briefings"]


def test_small_counts_tick_whole_numbers_only():
    # Briefings per week of 1 and 2 were ticked 0, 0.5, 1, 1.5, 2: half a briefing.
    weeks = pd.to_datetime(["2025-03-03", "2025-03-10"])
    few = charts.volume_chart(pd.DataFrame({S.PERIOD: weeks, S.N_BRIEFINGS: [1, 2]}), "week")
    assert (few.layout.yaxis.dtick, few.layout.yaxis.tickformat) == (1, ",d")
    many = charts.volume_chart(pd.DataFrame({S.PERIOD: weeks, S.N_BRIEFINGS: [400, 7]}), "week")
    assert (many.layout.yaxis.dtick, many.layout.yaxis.tickformat) == (None, ",d")
    totals = pd.DataFrame(
        {S.ISO3: ["USA", "ISR"], S.COUNTRY: ["United States", "Israel"], S.N_BRIEFINGS: [4, 1]}
    )
    colorbar = charts.country_map(totals).data[0].colorbar
    assert (colorbar.dtick, colorbar.tickformat) == (1, ",d")
    assert charts.top_countries_chart(totals).layout.xaxis.dtick == 1


def test_country_map_colours_a_wide_spread_of_counts_on_a_log_scale():
    # 10,000 / 100 / 3 briefings: on a linear scale the last two were the same pale shade.
    totals = pd.DataFrame(
        {
            S.ISO3: ["USA", "ISR", "NPL"],
            S.COUNTRY: ["United States", "Israel", "Nepal"],
            S.N_BRIEFINGS: [10_000, 100, 3],
        }
    )
    shown = charts.country_map(totals).data[0]
    assert np.allclose(list(shown.z), [4.0, 2.0, np.log10(3)])
    assert (shown.zmin, shown.zmax) == (0.0, 4.0)
    assert list(shown.colorbar.tickvals) == [0, 1, 2, 3, 4]
    assert list(shown.colorbar.ticktext) == ["1", "10", "100", "1,000", "10,000"]
    assert shown.colorbar.title.text == "Briefings<br>(log scale)"
    assert list(shown.customdata) == [10_000, 100, 3]  # the hover says the counts
    # Counts within a factor of 30 stay linear.
    close = charts.country_map(totals.assign(n_briefings=[60, 20, 3])).data[0]
    assert list(close.z) == [60, 20, 3] and close.colorbar.title.text == "Briefings"


def test_a_heatmap_of_counts_ticks_whole_numbers_and_one_of_scores_does_not():
    matrix = pd.DataFrame(
        {
            S.TOPIC_LABEL: ["trade", "trade", "war"],
            S.COUNTRY: ["Japan", "Israel", "Israel"],
            S.N_BRIEFINGS: [2, 1, 0],
        }
    )
    kwargs = {"x": S.COUNTRY, "y": S.TOPIC_LABEL, "title": "t", "x_title": "Country"}
    kwargs |= {"y_title": "Topic", "z_title": "Briefings"}
    counted = charts.heatmap_chart(matrix, z=S.N_BRIEFINGS, **kwargs).data[0].colorbar
    assert (counted.dtick, counted.tickformat) == (1, ",d")
    scored = charts.heatmap_chart(matrix.assign(net=[0.5, -1.0, 0.25]), z="net", **kwargs)
    assert scored.data[0].colorbar.dtick is None


def test_a_lone_topic_or_country_is_named_in_the_legend():
    # plotly hides the legend of a single trace: under a topics filter the shares were
    # one nameless block at 100%.
    months = pd.to_datetime(["2024-01-01", "2024-02-01"])
    shares = pd.DataFrame(
        {
            S.PERIOD: months,
            S.TOPIC_ID: 0,
            S.TOPIC_LABEL: "trade",
            S.N_BRIEFINGS: [4, 2],
            "share": [1.0, 1.0],
        }
    )
    attention = pd.DataFrame(
        {
            S.PERIOD: months,
            S.ISO3: "JPN",
            S.COUNTRY: "Japan",
            S.N_BRIEFINGS: [1, 2],
            "share": [0.25, 1.0],
        }
    )
    for fig in (charts.topic_shares_chart(shares), charts.attention_chart(attention)):
        assert fig.layout.showlegend is True
        assert [trace.name for trace in fig.data] in (["trade"], ["Japan"])


def test_volume_marks_the_periods_the_dates_cut_short():
    # Dates 1 to 21 March 2025 by week: the week of 24 February shows its Saturday and
    # Sunday only and the week of 17 March five days; their bars looked like quiet weeks.
    weeks = pd.to_datetime(["2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17"])
    volume = pd.DataFrame({S.PERIOD: weeks, S.N_BRIEFINGS: [10, 150, 145, 108]})
    fig = charts.volume_chart(volume, "week", (date(2025, 3, 1), date(2025, 3, 21)))
    bars = fig.data[0]
    light, full = PARTIAL_COLOUR, VOLUME_COLOUR
    assert list(bars.marker.color) == [light, full, full, light]
    assert list(bars.hovertext) == [
        "week of 24 Feb 2025 (2 of 7 days shown)",
        "week of 3 Mar 2025",
        "week of 10 Mar 2025",
        "week of 17 Mar 2025 (5 of 7 days shown)",
    ]
    assert [a.text for a in fig.layout.annotations] == [
        "Lighter: weeks only partly inside the dates shown (fewer days)"
    ]
    whole = charts.volume_chart(volume, "week", (date(2025, 2, 24), date(2025, 3, 23)))
    assert whole.data[0].marker.color == full and not whole.layout.annotations


def test_relation_strength_hover_gives_tension_as_a_positive_strength(corpus, names):
    # Tension is drawn below zero; its hover read "tension -19.50" where the spike
    # tables say 19.50.
    timeline = views.relation_timeline(
        corpus.interactions, corpus.briefings, [("CHN", "USA")], "month"
    )
    (tension,) = [
        t for t in charts.relation_chart(timeline, names).data if t.name.startswith("tension")
    ]
    assert "%{customdata:.2f}" in tension.hovertemplate and "%{y" not in tension.hovertemplate
    assert list(tension.customdata) == [-y for y in tension.y]
    assert all(value >= 0 for value in tension.customdata) and any(tension.customdata)


def test_a_quarter_axis_names_quarters():
    # Plotly ticked quarters as months ("Jan 2024", "Jul 2024"), half of them mid-quarter.
    few = pd.date_range("2024-01-01", periods=3, freq="QS")
    fig = charts.volume_chart(pd.DataFrame({S.PERIOD: few, S.N_BRIEFINGS: [3, 4, 5]}), "quarter")
    assert list(fig.layout.xaxis.ticktext) == ["Q1 2024", "Q2 2024", "Q3 2024"]
    # Under the middle of each quarter's bar: 91, 91 and 92 days in 2024's first three.
    assert list(fig.layout.xaxis.tickvals) == [
        "2024-02-15T12:00:00",
        "2024-05-16T12:00:00",
        "2024-08-16T00:00:00",
    ]
    # Thirteen quarters: every second one named, so that at most eight are.
    many = pd.date_range("2023-01-01", periods=13, freq="QS")
    axis = charts.volume_chart(
        pd.DataFrame({S.PERIOD: many, S.N_BRIEFINGS: 1}), "quarter"
    ).layout.xaxis
    assert list(axis.ticktext) == [
        "Q1 2023",
        "Q3 2023",
        "Q1 2024",
        "Q3 2024",
        "Q1 2025",
        "Q3 2025",
        "Q1 2026",
    ]


def test_a_week_axis_ticks_the_mondays_weeks_start_on():
    # plotly ticked weeks on Sundays, the day before the product's weeks (Monday) start.
    # Five weeks from Monday 2 Mar 2026: each Monday named.
    few = pd.date_range("2026-03-02", periods=5, freq="7D")
    axis = charts.volume_chart(
        pd.DataFrame({S.PERIOD: few, S.N_BRIEFINGS: [1, 2, 3, 2, 1]}), "week"
    ).layout.xaxis
    assert list(axis.tickvals) == [d.isoformat() for d in few]
    assert list(axis.ticktext) == [
        "2 Mar 2026",
        "9 Mar 2026",
        "16 Mar 2026",
        "23 Mar 2026",
        "30 Mar 2026",
    ]
    # Twenty weeks (a gap in the data too): every fourth Monday, at most eight named.
    many = pd.date_range("2026-01-05", periods=20, freq="7D").delete(3)
    axis = charts.volume_chart(
        pd.DataFrame({S.PERIOD: many, S.N_BRIEFINGS: 1}), "week"
    ).layout.xaxis
    assert list(axis.ticktext) == [
        "5 Jan 2026",
        "2 Feb 2026",
        "2 Mar 2026",
        "30 Mar 2026",
        "27 Apr 2026",
    ]
    assert all(pd.Timestamp(day).day_of_week == 0 for day in axis.tickvals)


@pytest.mark.parametrize("build", ["attention", "shares", "timeline"])
def test_every_weekly_chart_ticks_mondays(corpus, names, build):
    figures = {
        "attention": lambda: charts.attention_chart(
            views.country_attention(corpus.countries, corpus.briefings, ["USA", "JPN"], "week"),
            period="week",
        ),
        "shares": lambda: charts.topic_shares_chart(
            views.topic_shares(corpus.topics, "week"), "week"
        ),
        "timeline": lambda: charts.relation_chart(
            views.relation_timeline(
                corpus.interactions, corpus.briefings, [("CHN", "USA")], "week"
            ),
            names,
            "week",
        ),
    }
    axis = figures[build]().layout.xaxis
    assert axis.tickvals and all(pd.Timestamp(day).day_of_week == 0 for day in axis.tickvals)


PLOTLY_PERIODS = {
    "week": (7 * 86_400_000, "2000-01-03"),  # 3 Jan 2000 was a Monday
    "month": ("M1", "2000-01-01"),
    "quarter": ("M3", "2000-01-01"),
}


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_every_period_chart_draws_a_period_over_its_own_span(corpus, names, period):
    # Centred on its first day, a month's bar covered the second half of the month before.
    figures = {
        "volume": charts.volume_chart(views.briefing_volume(corpus.briefings, period), period),
        "attention": charts.attention_chart(
            views.country_attention(corpus.countries, corpus.briefings, ["USA", "JPN"], period),
            period=period,
        ),
        "shares": charts.topic_shares_chart(views.topic_shares(corpus.topics, period), period),
        "relations": charts.relation_chart(
            views.relation_timeline(
                corpus.interactions, corpus.briefings, [("CHN", "USA")], period
            ),
            names,
            period,
        ),
    }
    span, first = PLOTLY_PERIODS[period]
    for name, fig in figures.items():
        assert fig.data, name
        for trace in fig.data:
            assert trace.xperiodalignment == "middle", name
            assert (trace.xperiod, trace.xperiod0) == (span, first), name
    assert pd.Timestamp("2000-01-03").day_of_week == 0


def test_topic_shares_of_a_few_periods_are_stacked_bars_of_many_areas():
    # June and July alone: an area from mid-June to mid-July sloped across both months
    # as if the shares changed day by day. Eight months or more read as areas.
    def shares_over(months: int) -> pd.DataFrame:
        periods = pd.date_range("2025-06-01", periods=months, freq="MS")
        return pd.DataFrame(
            {
                S.PERIOD: [p for p in periods for _ in range(2)],
                S.TOPIC_ID: [0, 1] * months,
                S.TOPIC_LABEL: ["war", "trade"] * months,
                S.N_BRIEFINGS: [1, 3] * months,
                "share": [0.25, 0.75] * months,
            }
        )

    few = charts.topic_shares_chart(shares_over(2), "month")
    assert [trace.type for trace in few.data] == ["bar", "bar"]
    assert few.layout.barmode == "stack"
    many = charts.topic_shares_chart(shares_over(8), "month")
    assert [trace.type for trace in many.data] == ["scatter", "scatter"]
    assert all(trace.stackgroup == "topics" for trace in many.data)


@pytest.mark.parametrize(
    ("lows", "highs", "expected"),
    [
        ([2.0, 5.0, 3.0], None, [-0.25, 5.25]),
        ([-2.0, -4.0], None, [-4.2, 0.2]),
        ([-6.0], [4.0], [-6.5, 4.5]),
        ([-0.0, -0.0], [4.0, 10.0], [-0.5, 10.5]),
        ([float("nan"), 0.2], None, [-0.05, 1.05]),
        ([], None, [-0.05, 1.05]),
    ],
    ids=["positive-only", "negative-only", "both-sides", "bars-above-only", "small", "empty"],
)
def test_covering_range_covers_the_data_and_zero_only(lows, highs, expected):
    assert covering_range(lows, highs) == pytest.approx(expected)


def _one_sided_timeline(sign: int) -> pd.DataFrame:
    # Three months of one pair only in accord (sign +1) or only at odds (-1):
    # nets 2, 5, 3 (or their negatives) over two sentences, strength twice as much.
    nets = [2.0, 5.0, 3.0]
    return pd.DataFrame(
        {
            S.PERIOD: pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            S.COUNTRY_A: "JPN",
            S.COUNTRY_B: "USA",
            S.FORWARD_LOOKING: False,
            S.N_INTERACTIONS: 2,
            S.NET: [sign * n for n in nets],
            S.TENSION: [2 * n if sign < 0 else 0.0 for n in nets],
            S.ALLIANCE: [2 * n if sign > 0 else 0.0 for n in nets],
        }
    )


@pytest.mark.parametrize(
    ("sign", "net_range", "strength_range"),
    [(1, [-0.25, 5.25], [-0.5, 10.5]), (-1, [-5.25, 0.25], [-10.5, 0.5])],
    ids=["only-alliance", "only-tension"],
)
def test_relation_chart_draws_no_empty_half_for_one_sided_pairs(sign, net_range, strength_range):
    # Net scores 2..5 were drawn on -5..+5 and the strength bars on an autorange: an empty
    # half of each panel. Each scale now spans the data and zero, 5% to spare.
    layout = charts.relation_chart(_one_sided_timeline(sign), None).layout
    assert list(layout.yaxis.range) == pytest.approx(net_range)
    assert list(layout.yaxis2.range) == pytest.approx(strength_range)


def test_network_chart_sizes_countries_by_weight_not_by_edge_count():
    # One briefing lists Austria with five countries (five edges of weight 1); Russia and
    # Ukraine are named together in 100 briefings. Austria must not look like the hub.
    listed = ["DEU", "FRA", "ITA", "ESP", "RUS"]
    edges = pd.DataFrame(
        {
            S.COUNTRY_A: ["RUS", *["AUT"] * len(listed)],
            S.COUNTRY_B: ["UKR", *listed],
            S.N_BRIEFINGS: [100, *[1] * len(listed)],
        }
    )
    names = {"RUS": "Russia", "UKR": "Ukraine", "AUT": "Austria"}
    nodes = charts.network_chart(edges, names).data[-1]
    size = dict(zip(nodes.customdata, nodes.marker.size, strict=True))
    assert size["RUS"] > size["UKR"] > size["AUT"]
    assert size["RUS"] == 48.0  # the largest marker: 101 briefings
    assert size["AUT"] == pytest.approx(48.0 * (5 / 101) ** 0.5)  # area ∝ 5 briefings
    assert size["DEU"] == 10.0  # the smallest marker
    assert "Russia (RUS)<br>briefings with the countries shown: 101" in nodes.hovertext


def test_volume_chart_spans_the_dates_shown_not_only_the_busy_periods():
    # Dates from Saturday 1 Aug to Tuesday 20 Oct 1987 whose briefings all fall in the
    # week of 19 Oct: the axis was that one week alone, hiding twelve empty weeks. It now
    # runs from the week of 27 Jul (holding 1 Aug) to the end of the week of 19 Oct.
    volume = pd.DataFrame({S.PERIOD: pd.to_datetime(["1987-10-19"]), S.N_BRIEFINGS: [54]})
    fig = charts.volume_chart(volume, "week", (date(1987, 8, 1), date(1987, 10, 20)))
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert (start, end) == (pd.Timestamp("1987-07-27"), pd.Timestamp("1987-10-26"))
    assert list(fig.data[0].y) == [54]
    # Without dates the axis stays around the one week drawn.
    alone = charts.volume_chart(volume, "week")
    assert list(alone.layout.xaxis.ticktext) == ["week of 19 Oct 1987"]


def test_attention_chart_opens_the_points_of_periods_cut_by_the_dates():
    # 1 to 31 March 2014 by week: the week of 24 Feb holds 2 of its days (1-2 Mar) and the
    # week of 31 Mar 1 day; their counts fell for fewer days, not for less attention.
    weeks = pd.to_datetime(["2014-02-24", "2014-03-03", "2014-03-31"])
    attention = pd.DataFrame(
        {
            S.PERIOD: weeks,
            S.ISO3: ["RUS"] * 3,
            S.COUNTRY: ["Russia"] * 3,
            S.N_BRIEFINGS: [6, 13, 5],
            "share": [0.5, 0.6, 0.5],
        }
    )
    fig = charts.attention_chart(attention, "count", "week", (date(2014, 3, 1), date(2014, 3, 31)))
    line = fig.data[0]
    assert list(line.marker.symbol) == ["circle-open", "circle", "circle-open"]
    assert list(line.hovertext) == [
        "week of 24 Feb 2014 (2 of 7 days shown)",
        "week of 3 Mar 2014",
        "week of 31 Mar 2014 (1 of 7 days shown)",
    ]
    assert "Open points: weeks only partly inside" in fig.layout.annotations[0].text
    # A share is of the same days' briefings: drawn as any other point.
    share = charts.attention_chart(
        attention, "share", "week", (date(2014, 3, 1), date(2014, 3, 31))
    )
    assert "circle-open" not in list(share.data[0].marker.symbol)
    assert not share.layout.annotations


@pytest.mark.parametrize(
    ("n_countries", "title"),
    [(20, "Top 15 countries"), (15, "Top 15 countries"), (12, "All 12 countries named")],
    ids=["more", "as-many", "fewer"],
)
def test_top_countries_title_counts_the_bars_drawn(n_countries, title):
    # Under a country filter twelve countries were drawn under "Top 15 countries".
    totals = pd.DataFrame(
        {
            S.ISO3: [f"C{i:02d}" for i in range(n_countries)],
            S.COUNTRY: [f"Country {i}" for i in range(n_countries)],
            S.N_BRIEFINGS: list(range(n_countries, 0, -1)),
        }
    )
    fig = charts.top_countries_chart(totals, limit=15)
    assert fig.layout.title.text == title
    assert len(fig.data[0].y) == min(15, n_countries)


def test_topic_shares_of_chosen_topics_fit_the_axis_to_them():
    # A chosen topic holding 3% and 4% of two months' briefings was a sliver under 97% of
    # "other topics" on a 0-100% axis; alone, the axis runs to its top share and a tenth.
    months = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01"])
    shares = pd.DataFrame(
        {
            S.PERIOD: months,
            S.TOPIC_ID: [7, -1, 7, -1],
            S.TOPIC_LABEL: ["oil · gas", "other topics"] * 2,
            S.N_BRIEFINGS: [3, 97, 4, 96],
            "share": [0.03, 0.97, 0.04, 0.96],
        }
    )
    chosen = charts.topic_shares_chart(shares, "month", chosen=True)
    assert [trace.name for trace in chosen.data] == ["oil · gas"]
    assert list(chosen.layout.yaxis.range) == pytest.approx([0, 4.4])
    assert "chosen topics" in chosen.layout.title.text
    # The largest topics with the rest stay stacked to 100%.
    largest = charts.topic_shares_chart(shares, "month")
    assert [trace.name for trace in largest.data] == ["oil · gas", "other topics"]
    assert list(largest.layout.yaxis.range) == [0, 100]
