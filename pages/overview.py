"""Overview: what the corpus holds, what is moving, and how much was published when."""

from __future__ import annotations

import streamlit as st

from analytics import views
from analytics.ui import cache, state
from analytics.ui import components as ui
from analytics.views import charts as charts

view = state.current_view()
period = view.filters.period

st.title("Overview")
whole = view.whole
figures = views.selection_figures(view.filtered, whole)
first = figures.first_day.date() if figures.first_day is not None else "–"
last = figures.last_day.date() if figures.last_day is not None else "–"
cols = st.columns(5)
cols[0].metric("Briefings", f"{figures.n_briefings:,}", help=f"{whole.n_briefings:,} in the corpus")
cols[1].metric("From", str(first))
cols[2].metric("To", str(last))
cols[3].metric("Countries", f"{figures.n_countries:,}")
cols[4].metric("Topics", f"{figures.n_topics:,}", help="Topics with at least one filtered briefing")

# A folder's read-me or licence is set aside as documentation: named, never counted as a
# problem of the input (a synthetic corpus' README.txt, a corpus' LICENSE).
documentation = views.documentation_files(view.corpus.report)
set_aside = f" Set aside as documentation: {', '.join(documentation)}." if documentation else ""
note = views.inputs_note(whole)
if note:
    skipped = views.skipped_inputs(view.corpus.report)
    with st.expander(f"Inputs: {note}", icon=":material/report:"):
        ui.table(skipped, "Inputs skipped, merged, flagged or noted", view, key="skipped")
    if documentation:
        st.caption(set_aside.strip())
else:
    st.caption("Every input was loaded: none skipped, no duplicates." + set_aside)

st.subheader("Biggest movers")
# One above the other: side by side, a week's spike table ran off its half of the page.
st.markdown(f"**Tension spikes** (latest {period}s first)")
alerts = cache.unfiltered(
    view,
    views.spike_alerts,
    view.filtered.interactions,
    view.filtered.dates,
    period,
    codes=view.filtered.codes("interactions"),
)
ui.spike_table(alerts, "Tension spikes", view, key="spikes")
st.markdown(f"**Rising attention** (latest {period} vs. the one before)")
# Under a country filter the shares are of the briefings without it: of the selection
# itself the filtered country's share is always 100%, and it never showed as rising.
rising = cache.unfiltered(
    view,
    views.rising_countries,
    view.filtered.recent_countries,
    view.filtered.attention_dates,
    period,
)
note = views.rising_note(
    [view.names.get(code, code) for code in view.filters.countries], view.filters.country_match
)
if note:
    st.caption(note)
ui.table(
    views.rising_table(rising),
    "Rising attention",
    view,
    key="rising",
    empty=views.no_rise_note(period, view.filtered.attention_dates),
    all_rows=rising,
    column_config={
        "share": st.column_config.NumberColumn("Share now", format="%.1f%%"),
        "previous": st.column_config.NumberColumn("Before", format="%.1f%%"),
        "change": st.column_config.NumberColumn(
            "Change",
            format="%+.1f pts",
            help="Share now minus share before, in percentage points: from 5.5% to "
            "6.55% is +1.05 points (a rise of a fifth). The CSV holds the shares and "
            "the change as fractions.",
        ),
    },
)

volume = cache.unfiltered(view, views.briefing_volume, view.filtered.dates, period)
ui.chart_with_data(
    charts.volume_chart(volume, period, (view.filters.start, view.filters.end)),
    volume,
    f"Briefings per {period}",
    view,
    key="volume",
)
