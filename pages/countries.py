"""Countries: who is in the news, where, how attention moves, and who appears together."""

from __future__ import annotations

import streamlit as st

from analytics import settings, views
from analytics.ui import cache, state
from analytics.ui import components as ui
from analytics.views import charts as charts

view = state.current_view()
period = view.filters.period
countries = view.filtered.countries

st.title("Countries")
codes = view.filtered.codes("countries")
totals = cache.unfiltered(view, views.country_totals, countries, codes=codes)

ui.chart_with_data(
    charts.country_map(totals), totals, "Briefings mentioning each country", view, key="map"
)

left, right = st.columns([3, 2])
with right:
    ui.chart_with_data(
        charts.top_countries_chart(totals),
        totals.head(settings.value("top_countries")),
        "Top countries",
        view,
        key="top",
    )
with left:
    default = list(view.filters.countries) or views.leading_codes(
        totals, settings.value("compared_countries")
    )
    chosen = st.multiselect(
        "Countries to compare",
        list(view.options.countries),
        default=[c for c in default if c in view.options.countries],
        format_func=views.country_labeller(view.names),
        key="compare_countries",
    )
    measure = st.segmented_control(
        "Measure",
        ["count", "share"],
        default="count",
        format_func={"count": "Briefings", "share": "Share of briefings"}.get,
        key="attention_measure",
    )
    attention = cache.unfiltered(
        view, views.country_attention, countries, view.filtered.dates, chosen, period, codes=codes
    )
    ui.chart_with_data(
        charts.attention_chart(
            attention, measure or "count", period, (view.filters.start, view.filters.end)
        ),
        attention,
        "Attention over time",
        view,
        key="attention",
    )

comentions = cache.unfiltered(
    view, views.comention_edges, countries, limit=settings.value("ranked_pairs"), codes=codes
)
edges = views.among_leading_countries(
    comentions, settings.value("network_countries"), limit=settings.value("network_edges")
)
ui.chart_with_data(
    charts.network_chart(edges, view.names, title="Countries named in the same briefings"),
    views.with_pair_labels(edges, view.names),
    "Co-mentions",
    view,
    key="comentions",
)
