"""Briefings: find briefings and read them with countries and cue words highlighted."""

from __future__ import annotations

import streamlit as st

from analytics import settings, views
from analytics.ui import cache, state
from analytics.ui import components as ui

view = state.current_view()
listed = settings.value("listed_briefings")  # the CSV download has every match

st.title("Briefings")
matches = view.listing.selected(view.filtered.keep)  # the matches' positions, newest first
st.caption(
    f"{len(matches):,} briefings match the filters"
    + (f" (the newest {listed:,} are listed)" if len(matches) > listed else "")
    + ". Use the sidebar search to narrow them; select a row to read it."
)
shown = view.listing.rows(matches[:listed], openings=True)  # untitled: its opening words
# One source or none is the same cell on every row: its width goes to the title (the
# reader still names the source).
sourced = len(view.options.sources) > 1
picked = ui.table(
    shown,
    "Briefings",
    view,
    key="briefing-table",
    select=True,
    height=360,
    all_rows=view.listing.later(matches),
    # Every column sized in pixels to fit the page at 1280 px (820 px of table beside the
    # sidebar): the id, the title, the countries and the topic shortened on screen (whole
    # in the CSV, the reader and a cell's tooltip); a wider page shares out the rest.
    column_config={
        "briefing_id": st.column_config.TextColumn(
            "Briefing", width=70, help="The briefing's id (whole in the CSV and below)"
        ),
        "date": st.column_config.DatetimeColumn("Date", format="YYYY-MM-DD", width=85),
        "title": st.column_config.TextColumn("Title", width=275 if sourced else 375),
        "source": st.column_config.TextColumn("Source", width=100) if sourced else None,
        "countries": st.column_config.TextColumn("Countries", width=130),
        "topic": st.column_config.TextColumn(
            "Topic", width=120, help="The topic's label: its leading words"
        ),
    },
)

if len(matches):
    chosen = views.row_id(shown, list(picked.rows) if picked else [])
    ids = views.briefing_ids(shown, limit=settings.value("reader_choices"), keep=chosen)
    labels = views.briefing_labels(views.restrict_to_ids(shown, ids))
    briefing_id = st.selectbox(
        "Read briefing",
        ids,
        index=ids.index(chosen) if chosen in ids else 0,
        format_func=labels.get,
        key="reader_id",
    )
    one_briefing = cache.reader_rows(view, briefing_id)  # every column, read once
    record = views.briefing_record(one_briefing, briefing_id)
    st.divider()
    # Titles and metadata are shown as literal text: briefing content is never markup.
    ui.plain_heading(views.reader_heading(one_briefing, record))
    st.text(
        f"{views.day_text(record.get('date'))} · {record.get('source') or 'unknown source'} · "
        f"briefing {record.get('briefing_id')}"
    )
    if record.get("url"):
        st.text(f"Link: {record.get('url')}")
    ui.legend_for_marks(search=bool(view.filters.search.strip()))
    layout = views.reader_pages(one_briefing, briefing_id)
    page = 1
    if len(layout.pages) > 1:
        # A long briefing is read a page at a time; each briefing opens on its first page.
        page = st.number_input(
            f"Page (of {len(layout.pages):,})",
            min_value=1,
            max_value=len(layout.pages),
            value=1,
            step=1,
            key=f"reader_page-{briefing_id}",
        )
    shown_parts = views.reader_page(
        one_briefing, briefing_id, layout, int(page), search=view.filters.search
    )
    for part in shown_parts:
        name = state.SECTION_NAMES.get(part.section, part.section)
        st.markdown(f"**{name}**" + (" (continued)" if part.continued else ""))
        ui.highlighted_text(part.pieces)
