"""Watchlist: what the briefings expect to happen, what is coming, and whether it was reported."""

from __future__ import annotations

import streamlit as st

from analytics import settings, views
from analytics.ui import cache, state
from analytics.ui import components as ui
from analytics.views import charts as charts

view = state.current_view()
filters = view.filters

st.title("Watchlist")
pending = cache.follow_up_pending(view.corpus)
if pending is not None:
    st.warning(pending, icon=":material/hourglass_top:")
    st.stop()
followed = cache.watchlist_followed(view.corpus)
texts = cache.watchlist_texts(view.corpus)  # a lean corpus' sentences and evidence, by row
events = views.selected_events(
    followed,
    None,  # the briefings: chosen by ``keep`` over the corpus' lookup
    filters.countries,
    filters.country_match,
    lookup=cache.watchlist_lookup(view.corpus, followed),
    keep=view.filtered.keep,
)
as_of = views.latest_day(view.corpus.briefings)
if as_of is None:
    st.info("This corpus has no briefings.")
    st.stop()
st.caption(
    f"{len(events):,} expected events in the selected briefings: sentences that look ahead "
    "(in “What's Next?”, or with “will”, “expected to”, “could”, a coming date) in which a "
    f"country acts. Today is the corpus' latest briefing day, {as_of:%d %B %Y}. The follow-up "
    "is a heuristic: later briefings inside the window naming the same countries with the "
    "same kind of event; read the evidence."
)
counts = views.follow_up_counts(events)
for column, (status, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(status.capitalize(), f"{count:,}")

st.subheader("Coming up")
horizon = st.radio(
    "Window open by the end of",
    list(views.HORIZONS),
    horizontal=True,
    key="watch_horizon",
    index=1,
    help="Events whose window has not ended and is open by the end of this week or this "
    "month (counted from the corpus' latest briefing day), also those whose window opened "
    "earlier and still runs; 'all upcoming': every event whose window has not ended.",
)
# Kept while nothing is filtered: the upcoming and overdue events of every event.
outlook = cache.watchlist_outlook(
    view, events, as_of, horizon, int(settings.value("timeline_bars"))
)
upcoming = outlook.upcoming
if upcoming.empty:
    # Said once, by the table below: an empty timeline repeated it on one line that ran
    # off the chart.
    figure, shown = None, views.timeline_rows(upcoming, view.names)
elif outlook.load is None:
    timeline = views.timeline_rows(views.with_event_texts(upcoming, texts), view.names)
    figure = charts.watchlist_timeline_chart(
        timeline,
        f"Expected events by country ({horizon})",
        outlook.focus,
        empty=views.no_upcoming_note(horizon, as_of),
    )
    shown = timeline
else:
    # Too many windows to draw one by one: how many are due per country and day or week.
    shown = outlook.load
    figure = charts.watchlist_load_chart(
        shown, f"Expected events due per country ({horizon}; {len(upcoming):,} events)"
    )
if figure is not None:
    ui.chart_with_data(figure, shown, f"Expected events {horizon}", view, key="watch-timeline")
listed = int(settings.value("listed_events"))  # the CSV download has every event
upcoming_rows = views.event_table(views.with_event_texts(upcoming.head(listed), texts), view.names)
if len(upcoming) > listed:
    st.caption(f"The soonest {listed:,} of {len(upcoming):,} upcoming events are listed.")
picked_upcoming = ui.table(
    upcoming_rows,
    "Upcoming events",
    view,
    key="watch-upcoming",
    empty=views.no_upcoming_note(horizon, as_of),
    select=True,
    height=300,
    all_rows=views.later_events(upcoming, texts),
)

st.subheader("Overdue: did it happen?")
overdue = outlook.overdue
overdue_rows = views.event_table(views.with_event_texts(overdue.head(listed), texts), view.names)
if len(overdue) > listed:
    st.caption(f"The latest {listed:,} of {len(overdue):,} overdue events are listed.")
picked_overdue = ui.table(
    overdue_rows,
    "Overdue events",
    view,
    key="watch-overdue",
    select=True,
    height=300,
    all_rows=views.later_events(overdue, texts),
)

chosen = views.event_record(overdue, ui.selected_row(picked_overdue), texts)
if chosen is None:
    chosen = views.event_record(upcoming, ui.selected_row(picked_upcoming), texts)
st.subheader("Event")
if chosen is None:
    st.info("Select a row of either table to read its sentence and the follow-up evidence.")
else:
    ui.watchlist_event(chosen, view)
