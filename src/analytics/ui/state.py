"""The shared sidebar filters, bound to the URL so every view is a shareable link.

Widgets use ``bind="query-params"``: their key is the URL parameter. Streamlit
silently drops URL values that match no option; we read the URL first and say
which values were ignored, so a mistyped link is never a mystery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.views import (
    PERIODS,
    BriefingListing,
    CorpusFigures,
    FilteredCorpus,
    FilterOptions,
    Filters,
    StoreRows,
    carry_selection,
    fit_link_dates,
    follow_dates,
    split_known,
)

# URL parameter names (also the widget keys), declared once with their help text.
PARAMS: dict[str, str] = {
    "dates": "First and last day of the briefings shown.",
    "country": "Keep briefings naming these countries.",
    "match": "'any': at least one of the chosen countries; 'all': every one of them.",
    "topic": "Keep briefings in these topics.",
    "source": "Keep briefings from these sources.",
    "q": (
        "Words that must all appear in the title or text, in any case and anywhere, also "
        "inside longer words ('sanction' finds 'sanctions'). On a stored corpus every word is "
        "looked up in the store's text index; only a word holding punctuation and shorter "
        "than 3 characters ('u.') is searched for by reading every text, which takes longer "
        "on a large corpus."
    ),
    "section": "Count mentions and relations only in this section of each briefing.",
    "period": "Time bucket of every over-time chart.",
}
SECTION_NAMES: dict[str, str] = {
    S.SECTION_TITLE: "Title",
    S.HAPPENING: "What's happening",
    S.IMPORTANCE: "Why it's important",
    S.NEXT: "What's next",
    S.SECTION_BODY: "Body (briefings without sections)",
}
ALL_SECTIONS = "All sections"
VIEW_KEY = "_atlas_view"
# Fingerprint of the corpus the sidebar filters were last drawn for.
FILTERS_CORPUS_KEY = "_atlas_filters_corpus"
# Where that corpus came from and its range, to tell an update in place from a switch.
FILTERS_SPAN_KEY = "_atlas_filters_span"
_REROUTED_KEY = "_atlas_rerouted"
# What the link's dates were fitted to, said on the run after the fitting.
_FITTED_DATES_KEY = "_atlas_fitted_dates"
# Set on the run that fitted the filters to another corpus: the URL still holds the
# previous corpus' values (the widgets rewrite it below), so they are not checked.
_URL_STALE_KEY = "_atlas_url_stale"


@dataclass(frozen=True)
class View:
    """What a page draws: the unfiltered and filtered corpus and the selection.

    ``filtered`` cuts each table on first use, so a page pays only for the tables it
    reads. ``listing`` is the whole corpus' briefing list with each row's briefing
    position in the corpus, built once on first use; pages restrict it with
    ``BriefingListing.selected``. ``whole`` holds the unfiltered corpus'
    headline figures.
    """

    corpus: Artefacts
    filtered: FilteredCorpus
    filters: Filters
    options: FilterOptions
    names: dict[str, str]
    listing: BriefingListing
    whole: CorpusFigures


def _unique_labels(labels: dict, suffix: str) -> dict:
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {
        key: (label if counts[label] == 1 else f"{label} ({suffix}{key})")
        for key, label in labels.items()
    }


def _url_values(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def _name_coded_countries(country_labels: dict[str, str]) -> None:
    """A link may name countries by ISO 3166 code (``?country=RUS&country=UKR``), as a
    script writing links would: the codes are put in the URL as the names the picker
    shows. A value that is a name already, or neither, is left as it is."""
    values = st.query_params.get_all("country")
    names = set(country_labels.values())
    named = [
        country_labels[value.upper()]
        if value not in names and value.upper() in country_labels
        else value
        for value in values
    ]
    if named != values:
        st.query_params["country"] = named
        st.rerun()  # the picker reads the link when it is first drawn: drawn on the names


def _fit_link_dates(options: FilterOptions) -> None:
    """Move a link's date reaching past the corpus to its edge (``views.fit_link_dates``):
    the date picker drops a range with a day outside its bounds, and the link's other,
    valid, day with it."""
    fitted = fit_link_dates(_url_values("dates"), options.first_day, options.last_day)
    if fitted is None:
        return
    moved = ", ".join(f"{value!r} read as {day}" for value, day in fitted.moved)
    st.session_state[_FITTED_DATES_KEY] = (
        f"Dates in the link reach outside the corpus ({options.first_day} to "
        f"{options.last_day}): {moved}."
    )
    st.query_params["dates"] = [day.isoformat() for day in fitted.days]
    st.rerun()  # the picker reads the link when it is first drawn: drawn on the fitted days


def _check_url(options: FilterOptions, labels: dict[str, list[str]]) -> list[str]:
    """Describe every URL value that no widget option matches."""
    notices = []
    for key, known in labels.items():
        _, unknown = split_known(_url_values(key), known)
        if unknown:
            shown = ", ".join(repr(v) for v in unknown)
            notices.append(f"Ignored unknown {key} value(s) in the link: {shown}.")
    for value in _url_values("dates"):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            notices.append(f"Ignored a date in the link that is not YYYY-MM-DD: {value!r}.")
            continue
        if (
            options.first_day
            and options.last_day
            and not (options.first_day <= day <= options.last_day)
        ):
            notices.append(
                f"Ignored a date in the link outside the corpus "
                f"({options.first_day} to {options.last_day}): {value!r}."
            )
    return notices


@dataclass(frozen=True)
class _Span:
    """The corpus the filters were last drawn for: its source, range and size."""

    source: str | None
    first_day: date | None
    last_day: date | None
    n_briefings: int | None


def follow_corpus(
    fingerprint: str,
    options: FilterOptions,
    corpus_name: str,
    *,
    source: str | None = None,
    n_briefings: int | None = None,
) -> None:
    """Fit the filters to the session's corpus when it changed since the last run.

    Without this, an upload (or the switch back to the bundled corpus) kept the
    previous corpus' date range and silently hid briefings. On a change the dates
    cover the new corpus' whole range, chosen countries, sources and section it
    lacks are dropped, topics are cleared (their ids belong to one corpus), and an
    ``st.info`` in the main area says so. When the corpus comes from the same
    ``source`` as before (its store has a new generation: ``ingest`` or ``watch``
    added briefings), the filters are kept instead (``keep_filters``). Call it
    before ``sidebar_filters``.

    Parameters:
        fingerprint: the content hash of the corpus about to be shown.
        options: that corpus' filter options.
        corpus_name: how the notice names the corpus, e.g. "your upload".
        source: where the corpus comes from (e.g. its store folder); None for a corpus
            that is new each time (an upload).
        n_briefings: the corpus' size, for the notice of an update.
    """
    previous = st.session_state.get(FILTERS_CORPUS_KEY)
    span = st.session_state.get(FILTERS_SPAN_KEY)
    st.session_state[FILTERS_CORPUS_KEY] = fingerprint
    st.session_state[FILTERS_SPAN_KEY] = _Span(
        source, options.first_day, options.last_day, n_briefings
    )
    if previous is None or previous == fingerprint:
        return
    st.session_state[_URL_STALE_KEY] = True
    if source is not None and isinstance(span, _Span) and span.source == source:
        keep_filters(options, span, corpus_name, n_briefings)
        return
    carried = carry_selection(
        options,
        countries=st.session_state.get("country") or (),
        topics=st.session_state.get("topic") or (),
        sources=st.session_state.get("source") or (),
        section=st.session_state.get("section"),
    )
    # Assigned before the widgets are drawn, these win over the values the browser
    # sends back and update the URL.
    if options.first_day is not None and options.last_day is not None:
        st.session_state["dates"] = (options.first_day, options.last_day)
        notice = (
            f"Showing {corpus_name}: the date filter now covers its whole range, "
            f"{options.first_day} to {options.last_day}."
        )
    else:
        st.session_state.pop("dates", None)
        notice = f"Showing {corpus_name}: it has no dated briefings, so no date filter."
    st.session_state["country"] = list(carried.countries)
    st.session_state["topic"] = []
    st.session_state["source"] = list(carried.sources)
    if carried.section is None:
        # None is the "All sections" choice, but assigned it leaves the box without one.
        st.session_state.pop("section", None)
    else:
        st.session_state["section"] = carried.section
    if carried.dropped:
        notice += " Dropped filter values it does not have: " + "; ".join(carried.dropped) + "."
    st.info(notice, icon=":material/filter_alt:")


def keep_filters(
    options: FilterOptions, span: _Span, corpus_name: str, n_briefings: int | None
) -> None:
    """Keep the filters over a corpus updated in place, and say that the data was updated.

    Countries, topics (their ids survive an added batch), sources and section are kept
    while the corpus has them; a date range that reached the old first or last day
    follows the corpus to its new one (``views.follow_dates``).
    """
    carried = carry_selection(
        options,
        countries=st.session_state.get("country") or (),
        sources=st.session_state.get("source") or (),
        section=st.session_state.get("section"),
    )
    topics, lost_topics = split_known(st.session_state.get("topic") or (), options.topics)
    days = follow_dates(st.session_state.get("dates"), (span.first_day, span.last_day), options)
    if days is None:
        st.session_state.pop("dates", None)
    else:
        st.session_state["dates"] = days
    st.session_state["country"] = list(carried.countries)
    st.session_state["topic"] = list(topics)
    st.session_state["source"] = list(carried.sources)
    if st.session_state.get("section") != carried.section:
        # Only a lost section is reset; assigning None would leave the box without a choice.
        st.session_state.pop("section", None)
    notice = f"Data updated: {corpus_name} has new briefings"
    if n_briefings is not None and span.n_briefings is not None:
        added = n_briefings - span.n_briefings
        notice = (
            f"Data updated: {corpus_name} now holds {n_briefings:,} briefings "
            f"({added:+,} since this page last loaded)"
        )
    notice += "; your filters are kept."
    if days is not None and span.last_day is not None and days[1] > span.last_day:
        notice += f" The dates now run to {days[1]}."
    dropped = list(carried.dropped)
    if lost_topics:
        dropped.append("topics " + ", ".join(repr(t) for t in lost_topics))
    if dropped:
        notice += " Dropped filter values it no longer has: " + "; ".join(dropped) + "."
    st.info(notice, icon=":material/update:")


def sidebar_filters(options: FilterOptions, area: Any = None) -> Filters:
    """Draw the shared filters (in ``area``, by default the sidebar) and return the selection.

    Unknown URL values are reported with ``st.warning`` in the main area and
    otherwise ignored.
    """
    country_labels = _unique_labels(options.countries, "")
    topic_labels = _unique_labels(options.topics, "#")
    section_labels = {None: ALL_SECTIONS} | {s: SECTION_NAMES[s] for s in options.sections}
    _name_coded_countries(country_labels)
    if not st.session_state.get(_URL_STALE_KEY):
        _fit_link_dates(options)
    fitted = st.session_state.pop(_FITTED_DATES_KEY, None)
    notices: list[str] = [fitted] if fitted else []
    if not st.session_state.pop(_URL_STALE_KEY, False):
        notices += _check_url(
            options,
            {
                "country": list(country_labels.values()),
                "topic": list(topic_labels.values()),
                "source": list(options.sources),
                "section": list(section_labels.values()),
                "period": list(PERIODS),
                "match": ["any", "all"],
            },
        )
    sidebar = area if area is not None else st.sidebar
    sidebar.header("Filters")
    start, end = options.first_day, options.last_day
    if start is not None and end is not None:
        picked = sidebar.date_input(
            "Dates",
            value=(start, end),
            min_value=start,
            max_value=end,
            key="dates",
            bind="query-params",
            help=PARAMS["dates"],
        )
        days = list(picked) if isinstance(picked, tuple | list) else [picked]
        start = days[0] if days else start
        end = days[1] if len(days) > 1 else end
    countries = sidebar.multiselect(
        "Countries",
        list(country_labels),
        format_func=lambda code: country_labels.get(code, str(code)),
        key="country",
        bind="query-params",
        help=PARAMS["country"],
        placeholder="All countries",
    )
    match = sidebar.radio(
        "Match countries",
        ["any", "all"],
        horizontal=True,
        key="match",
        bind="query-params",
        help=PARAMS["match"],
        disabled=len(countries) < 2,
    )
    topics = sidebar.multiselect(
        "Topics",
        list(topic_labels),
        format_func=lambda topic: topic_labels.get(topic, str(topic)),
        key="topic",
        bind="query-params",
        help=PARAMS["topic"],
        placeholder="All topics",
    )
    sources: list[str] = []
    if len(options.sources) > 1:
        sources = sidebar.multiselect(
            "Sources",
            list(options.sources),
            key="source",
            bind="query-params",
            help=PARAMS["source"],
            placeholder="All sources",
        )
    search = sidebar.text_input(
        "Search text", key="q", bind="query-params", help=PARAMS["q"], placeholder="e.g. tariffs"
    )
    section = sidebar.selectbox(
        "Section",
        list(section_labels),
        format_func=lambda section: section_labels.get(section, str(section)),
        key="section",
        bind="query-params",
        help=PARAMS["section"],
    )
    period = sidebar.radio(
        "Period",
        list(PERIODS),
        index=PERIODS.index("month"),
        horizontal=True,
        key="period",
        bind="query-params",
        help=PARAMS["period"],
    )
    for notice in notices:
        st.warning(notice, icon=":material/link_off:")
    return Filters(
        start=min(start, end) if start and end else start,
        end=max(start, end) if start and end else end,
        countries=tuple(countries),
        country_match=match or "any",
        topics=tuple(int(t) for t in topics),
        sources=tuple(sources),
        search=search or "",
        section=section,
        period=period or "month",
    )


def publish_view(
    corpus: Artefacts, filters: Filters, extras: Any, store_rows: StoreRows | None = None
) -> View:
    """Filter the corpus once per run and keep the result for the page being drawn.

    Parameters:
        extras: ``cache.CorpusExtras`` of the corpus (options, names, index, listing).
        store_rows: select the rows with DuckDB over the store (``cache.row_selection``);
            ``None`` selects them in memory.
    """
    # The previous run's cut tables go first: on a large corpus they are hundreds of MB.
    st.session_state.pop(VIEW_KEY, None)
    view = View(
        corpus=corpus,
        filtered=FilteredCorpus(corpus, filters, extras.index, store_rows),
        filters=filters,
        options=extras.options,
        names=extras.names,
        listing=extras.listing,
        whole=extras.whole,
    )
    st.session_state[VIEW_KEY] = view
    return view


def current_view() -> View:
    """The view the entrypoint prepared for this run (pages call this first).

    On the first session of a fresh server Streamlit may run a script of ``pages/``
    on its own, the legacy multipage route, because ``st.navigation`` has not run
    yet; the page then switches routing to ``st.navigation`` and reruns, so the
    entrypoint draws the frame and the filters first.
    """
    view = st.session_state.get(VIEW_KEY)
    if view is None:
        from streamlit.runtime.pages_manager import PagesManager

        if PagesManager.uses_pages_directory and not st.session_state.get(_REROUTED_KEY):
            st.session_state[_REROUTED_KEY] = True
            PagesManager.uses_pages_directory = False
            st.rerun()
        st.info("Open the dashboard from its main page to load a corpus.")
        st.stop()
    return view
