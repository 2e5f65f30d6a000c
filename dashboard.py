"""Briefing Atlas: the dashboard's frame and router.

Run with ``streamlit run dashboard.py`` (optionally ``-- --corpus PATH --store DIR``).
This script sets the page, declares the pages, loads the corpus, draws the
shared sidebar filters (bound to the URL) and runs the chosen page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analytics.ui import cache, components, state

cache.share_heaps()  # before the corpus is read: reruns' memory shares two heaps
st.set_page_config(
    page_title="Briefing Atlas",
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/countries.py", title="Countries", icon=":material/public:"),
        st.Page("pages/topics.py", title="Topics", icon=":material/category:"),
        st.Page("pages/relations.py", title="Relations", icon=":material/hub:"),
        st.Page("pages/watchlist.py", title="Watchlist", icon=":material/event_upcoming:"),
        st.Page("pages/briefings.py", title="Briefings", icon=":material/article:"),
    ]
)

filter_area = st.sidebar.container()
corpus_area = st.sidebar.container()

with corpus_area:
    st.divider()
    st.subheader("Corpus")
    with st.expander("Use your own briefings", icon=":material/upload_file:"):
        uploads = st.file_uploader(
            "Briefing files (text, tables, saved feeds, or a zip of them)",
            type=cache.upload_types(),  # the loader's own list
            accept_multiple_files=True,
            help="Processed in this browser session only; nothing is shared or kept. "
            "Up to 200 MB per file.",
        )
        if st.button("Process upload", disabled=not uploads, icon=":material/play_arrow:"):
            cache.process_upload(list(uploads or []))
    if cache.uploaded_artefacts() is not None:
        st.radio(
            "Show",
            [cache.UPLOADED, cache.SAMPLE],
            key=cache.SOURCE_KEY,
            horizontal=True,
            help=f"Your upload: {st.session_state.get(cache.UPLOAD_NAME_KEY, '')}",
        )

corpus = cache.active_artefacts()
if corpus is None:
    st.stop()

extras = cache.corpus_extras(corpus)
state.follow_corpus(
    corpus.fingerprint,
    extras.options,
    "your upload" if corpus is cache.uploaded_artefacts() else "the bundled corpus",
    source=cache.corpus_source(corpus),
    n_briefings=extras.whole.n_briefings,
)
cache.follow_store(corpus)
filters = state.sidebar_filters(extras.options, filter_area)
with corpus_area:
    components.provenance_toggle()
    st.caption(f"Corpus fingerprint `{corpus.fingerprint}`")

state.publish_view(corpus, filters, extras, cache.row_selection(corpus))
with components.one_line_errors(pages.title):
    pages.run()
cache.release_freed_memory()
