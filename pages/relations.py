"""Relations: tension and alliance between countries over time, with the sentences behind them."""

from __future__ import annotations

import streamlit as st

from analytics import settings, views
from analytics.ui import cache, state
from analytics.ui import components as ui
from analytics.views import charts as charts

view = state.current_view()
period = view.filters.period
interactions = view.filtered.interactions
codes = view.filtered.codes("interactions")


st.title("Relations")
st.caption(
    "Each sentence naming two countries is scored by its cue words on the weights of the cue "
    "lexicon (data/cues.csv): below 0 is tension, above 0 alliance. Expected developments "
    "(“What's next”, future tense) are shown apart as dotted lines."
)

# Ranked once, used by the pair picker and the network.
ranked = cache.unfiltered(
    view, views.top_pairs, interactions, limit=settings.value("ranked_pairs"), codes=codes
)
choices = views.picker_pairs(interactions, ranked, settings.value("pair_choices"), codes=codes)
pairs = st.multiselect(
    "Country pairs",
    choices,
    default=views.default_pairs(choices, view.filters.countries),
    format_func=views.pair_labeller(view.names),
    key="relation_pairs",
)
timeline = cache.unfiltered(
    view, views.relation_timeline, interactions, view.filtered.dates, pairs, period, codes=codes
)
selected = ui.chart_with_data(
    charts.relation_chart(timeline, view.names, period),
    views.with_pair_labels(timeline, view.names),
    "Tension and alliance over time",
    view,
    key="timeline",
    selectable=True,
)
ui.evidence_panel(view, selected, interactions, "point")

st.subheader("Pair matrix")
# Shared by the period picker and the matrix (kept while nothing is filtered).
dated = cache.unfiltered(view, views.row_periods, interactions, period)
periods = views.period_choices(interactions, period, periods=dated)
matrix_period = st.selectbox(
    f"{period.capitalize()}",
    [None, *periods],
    format_func=views.period_labeller(period),
    index=len(periods) if periods else 0,
    key="matrix_period",
)
in_period = views.in_period(interactions, matrix_period, period, periods=dated)
matrix = views.named_matrix(
    views.pair_matrix(in_period, limit=settings.value("matrix_countries")), view.names
)
cell = ui.chart_with_data(
    charts.pair_matrix_chart(matrix), matrix, "Pair matrix", view, key="matrix", selectable=True
)
ui.evidence_panel(view, cell, in_period, "cell")

st.subheader("Network")
edges = views.among_leading_countries(
    ranked, settings.value("network_countries"), limit=settings.value("network_edges")
)
edge = ui.chart_with_data(
    charts.network_chart(
        edges,
        view.names,
        weight="n_interactions",
        colour="net",
        title="Countries linked by what the briefings say (edge colour: mean net score)",
        empty_message=views.reported_note(interactions),
    ),
    views.with_pair_labels(edges, view.names),
    "Relations network",
    view,
    key="network",
    selectable=True,
)
ui.evidence_panel(view, edge, interactions, "edge")

st.subheader("Spike alerts")
alerts = cache.unfiltered(
    view, views.spike_alerts, interactions, view.filtered.dates, period, codes=codes
)
ui.spike_table(alerts, "Spike alerts", view, key="spike-table")
