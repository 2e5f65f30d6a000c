"""Topics: what the briefings are about, how that shifts, and which countries each involves."""

from __future__ import annotations

import streamlit as st

from analytics import settings, views
from analytics.ui import cache, state
from analytics.ui import components as ui
from analytics.views import charts as charts

view = state.current_view()
period = view.filters.period
filtered = view.filtered

st.title("Topics")
every_topic = views.topic_table(filtered.topic_summary)
topic_rows = views.topics_with_briefings(every_topic)
note = views.empty_topics_note(len(every_topic) - len(topic_rows), len(every_topic))
if note:
    st.caption(note)
ui.table(
    topic_rows,
    "Topics",
    view,
    key="topics",
    all_rows=every_topic,
    column_config={
        "topic_id": st.column_config.NumberColumn("Id", width="small"),
        "label": st.column_config.TextColumn("Topic"),
        "top_terms": st.column_config.TextColumn("Top terms", width="large"),
        "n_briefings": st.column_config.ProgressColumn(
            "Briefings", format="%d", min_value=0, max_value=max(1, int(filtered.keep.sum()))
        ),
    },
)

chosen = bool(view.filters.topics)
if chosen:
    # Within the Topics filter the chosen topics are 100% of every period by construction.
    shares = views.chosen_topic_shares(filtered, period)
    st.caption(
        "Shares of all the briefings the other filters keep, whatever their topic: within "
        "the Topics filter the chosen topics would be 100% of every period."
    )
else:
    shares = cache.unfiltered(
        view, views.topic_shares, filtered.topics, period, codes=filtered.codes("topics")
    )
ui.chart_with_data(
    charts.topic_shares_chart(shares, period, chosen=chosen),
    shares,
    f"Topic shares per {period}",
    view,
    key="shares",
)

matrix = cache.unfiltered(
    view,
    views.topic_country_matrix,
    filtered.topics,
    filtered.countries,
    limit=settings.value("matrix_countries"),
    topic_codes=filtered.codes("topics"),
    country_codes=filtered.codes("countries"),
)
ui.chart_with_data(
    charts.heatmap_chart(
        matrix,
        x="country",
        y="topic_label",
        z="n_briefings",
        title="Topics × countries: briefings in each topic naming each country",
        x_title="Country",
        y_title="Topic",
        z_title="Briefings",
    ),
    matrix,
    "Topics by country",
    view,
    key="topic-country",
)

st.subheader("Representative briefings")
if view.options.topics:
    topic_ids = list(view.options.topics)
    choices = views.topic_choices(filtered.topic_summary, view.options.topics)
    busiest = views.busiest_topic(filtered.topic_summary)
    topic_id = st.selectbox(
        "Topic",
        topic_ids,
        # The busiest topic of the selection when the picker first shows, not the
        # first topic, which the filters may leave without a briefing.
        index=topic_ids.index(busiest) if busiest in topic_ids else 0,
        format_func=choices.get,
        help="Each topic with its briefings under the current filters.",
        key="representative_topic",
    )
    examples = views.titled(  # an untitled briefing is named by its opening words
        view.corpus,
        cache.unfiltered(
            view,
            views.representative_briefings,
            filtered.topics,
            view.corpus.briefings,  # the chosen are taken at their rows' positions
            topic_id,
            codes=filtered.codes("topics"),
        ),
        filtered.index.ids,
    )
    st.caption(
        "The topic's briefings closest to its centre among those the filters keep; "
        "the Briefings page lists all of its briefings under the Topics filter."
    )
    ui.table(
        examples,
        "Representative briefings",
        view,
        key="examples",
        empty=views.no_representatives_note(view.corpus.topic_summary, topic_id, view.filters),
    )
else:
    st.info("This corpus has no topics.")
