"""Plotly figure builders: a tidy DataFrame in, a ``go.Figure`` out, nothing else.

Every builder titles its figure, labels its axes with units, names countries in
hover text (not only codes) and returns a clear empty-state figure when there is
nothing to draw, so a view never shows a blank frame. Tension is red, alliance
blue; net scores use a diverging scale centred on zero.

Builders are grouped by the page that draws them (``countries``, ``topics``,
``relations``, ``watchlist``) over the house style in ``style``; pages get every chart from here.
"""

from analytics.views.charts.countries import (
    attention_chart,
    country_map,
    network_chart,
    top_countries_chart,
    volume_chart,
)
from analytics.views.charts.relations import pair_matrix_chart, relation_chart
from analytics.views.charts.style import empty_figure, net_limit
from analytics.views.charts.topics import heatmap_chart, topic_shares_chart
from analytics.views.charts.watchlist import watchlist_load_chart, watchlist_timeline_chart

__all__ = [
    "volume_chart",
    "attention_chart",
    "country_map",
    "top_countries_chart",
    "network_chart",
    "topic_shares_chart",
    "heatmap_chart",
    "relation_chart",
    "pair_matrix_chart",
    "empty_figure",
    "net_limit",
    "watchlist_load_chart",
    "watchlist_timeline_chart",
]
