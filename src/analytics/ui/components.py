"""Reusable view pieces: charts, tables with CSV downloads, and safe highlighted text.

Briefing text is data, never markup: it is shown with ``st.text`` or inside HTML
built only from ``html.escape``d pieces and rendered with ``st.html`` (which does
not interpret Markdown), so ``<script>`` or ``**bold**`` in a briefing stay literal.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.artefacts import with_read_columns
from analytics.errors import AnalyticsError
from analytics.ui.state import SECTION_NAMES, View
from analytics.views import (
    LaterRows,
    day_text,
    event_evidence,
    export_name,
    no_spikes_note,
    provenance_lines,
    to_csv,
    with_pair_labels,
)
from analytics.views import spike_table as spike_table_rows

_LOG = logging.getLogger(__name__)

# plotly.js fetches its world outline from here instead of a CDN; the files are
# served by Streamlit's static serving from ./static (see .streamlit/config.toml).
TOPOJSON_URL = "app/static/"
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "topojsonURL": TOPOJSON_URL,
    "modeBarButtonsToRemove": ["lasso2d"],
}
PROVENANCE_KEY = "csv_provenance"
# Tension per briefing, in three significant digits: a pair's usual level is often a few
# thousandths (0.004 per briefing), which two decimals showed as 0.00, the same as none.
# A level and its spike share the format; the CSV keeps the full numbers.
PER_BRIEFING_FORMAT = "%.3g"
# Readable headers for the columns views share; a table's own column_config wins.
COLUMN_LABELS: dict[str, Any] = {
    "briefing_id": st.column_config.TextColumn("Briefing"),
    "date": st.column_config.DatetimeColumn("Date", format="YYYY-MM-DD"),
    "period": st.column_config.DateColumn("Period", format="YYYY-MM-DD"),
    "title": st.column_config.TextColumn("Title", width="large"),
    "source": st.column_config.TextColumn("Source"),
    "iso3": st.column_config.TextColumn("ISO3", width="small"),
    "country": st.column_config.TextColumn("Country"),
    "countries": st.column_config.TextColumn("Countries"),
    "topic": st.column_config.TextColumn("Topic"),
    "topic_label": st.column_config.TextColumn("Topic"),
    "pair": st.column_config.TextColumn("Pair"),
    "country_a": st.column_config.TextColumn("A", width="small"),
    "country_b": st.column_config.TextColumn("B", width="small"),
    "n_briefings": st.column_config.NumberColumn("Briefings"),
    "n_interactions": st.column_config.NumberColumn("Sentences"),
    "tension": st.column_config.NumberColumn("Tension", format="%.2f"),
    "alliance": st.column_config.NumberColumn("Alliance", format="%.2f"),
    "net": st.column_config.NumberColumn("Net score", format="%+.2f"),
    "baseline": st.column_config.NumberColumn(
        "Usual tension per briefing",
        format=PER_BRIEFING_FORMAT,
        help="The pair's mean tension per briefing over its recent periods (0: none then)",
    ),
    "tension_share": st.column_config.NumberColumn(
        "Tension per briefing", format=PER_BRIEFING_FORMAT
    ),
    "score": st.column_config.NumberColumn("Score", format="%+.1f"),
    "class": st.column_config.TextColumn("Class"),
    "cues": st.column_config.TextColumn("Cues"),
    "forward_looking": st.column_config.CheckboxColumn("Expected"),
    "sentence": st.column_config.TextColumn("Sentence", width="large"),
    "window_start": st.column_config.DatetimeColumn("From", format="YYYY-MM-DD"),
    "window_end": st.column_config.DatetimeColumn("To", format="YYYY-MM-DD"),
    "event_type": st.column_config.TextColumn("Event"),
    "certainty": st.column_config.TextColumn("Certainty", width="small"),
    "when": st.column_config.TextColumn("When (as written)"),
    "follow_up": st.column_config.TextColumn("Follow-up", width="small"),
    "section": st.column_config.TextColumn("Section"),
    "top_terms": st.column_config.TextColumn("Top terms", width="large"),
    "label": st.column_config.TextColumn("Topic"),
    "share": st.column_config.NumberColumn("Share", format="percent"),
    "file": st.column_config.TextColumn("File"),
    "row": st.column_config.TextColumn("Row"),
    "status": st.column_config.TextColumn("Status"),
    "reason": st.column_config.TextColumn("Reason", width="large"),
}
# A period column's dates named as ``views.period_label`` names them (moment.js formats).
PERIOD_FORMATS: dict[str, str] = {
    "week": "[week of] D MMM YYYY",
    "month": "MMM YYYY",
    "quarter": "[Q]Q YYYY",
}
MARK_STYLES = {
    "country": "background:#dbe9f6;border-radius:3px;padding:0 2px;",
    "cue": "background:#fde2c8;border-bottom:2px solid #c0392b;border-radius:3px;padding:0 2px;",
    "search": "background:#fff3a3;outline:1px solid #c9a800;border-radius:3px;padding:0 2px;",
}


@contextmanager
def one_line_errors(page_title: str) -> Iterator[None]:
    """Show an error escaping a page as one ``st.error`` line, never a traceback.

    Our own errors (``AnalyticsError``) are written for the analyst and shown as they
    are. Any other error is named by its type only: its message may hold server paths
    or file contents. Its traceback goes to the server log. What the page drew
    before the error stays on screen.
    """
    try:
        yield
    except AnalyticsError as error:
        st.error(f"{page_title}: {error}", icon=":material/error:")
    except Exception as error:
        _LOG.exception("The %s page failed", page_title)
        st.error(
            f"The {page_title} page stopped on an unexpected error "
            f"({type(error).__name__}); the details are in the server log. "
            "Try other filters or reload the page.",
            icon=":material/error:",
        )


def chart(fig: go.Figure, *, key: str, selectable: bool = False) -> dict | None:
    """Draw a figure full width; with ``selectable`` return the user's selection."""
    if selectable:
        event = st.plotly_chart(
            fig,
            key=key,
            on_select="rerun",
            selection_mode=("points", "box"),
            config=PLOTLY_CONFIG,
            width="stretch",
        )
        return event.get("selection") if event else None
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch")
    return None


def provenance_toggle() -> None:
    """Sidebar switch: add a ``# `` provenance header to every CSV download."""
    st.sidebar.toggle(
        "Provenance header in CSV downloads",
        value=True,
        key=PROVENANCE_KEY,
        help="Comment lines before the table: filters, corpus fingerprint, versions, time.",
    )


def download(frame: pd.DataFrame | LaterRows, title: str, view: View, *, key: str) -> None:
    """A CSV download of exactly ``frame`` (all rows), formula-safe, with provenance.

    ``LaterRows`` are built only when they are written, as the CSV of a long table.
    """
    provenance = (
        provenance_lines(
            filters=view.filters.describe(),
            fingerprint=view.corpus.fingerprint,
            versions=view.corpus.versions,
            title=title,
        )
        if st.session_state.get(PROVENANCE_KEY, True)
        else None
    )
    if isinstance(frame, LaterRows):
        count, rows = frame.n_rows, frame.build
    else:
        # pandas copies on write, so a shallow copy is enough to freeze what is downloaded.
        exact = frame.copy(deep=False)
        count, rows = len(exact), lambda: exact
    # A long table's CSV is built only when the button is clicked: building it on every
    # rerun would cost more than drawing the page.
    eager = count <= settings.value("eager_csv_rows")

    def build() -> bytes:
        return to_csv(rows(), provenance=provenance)

    st.download_button(
        f"Download CSV ({count:,} row{'' if count == 1 else 's'})",
        data=build() if eager else build,
        file_name=export_name(title, view.corpus.fingerprint),
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def period_column(freq: str) -> Any:
    """A table's ``period`` column for periods of kind ``freq`` (``PERIOD_FORMATS``):
    a week's or quarter's first day shown as a month would name the wrong period."""
    return st.column_config.DateColumn("Period", format=PERIOD_FORMATS[freq])


def spike_table(alerts: pd.DataFrame, title: str, view: View, *, key: str) -> None:
    """The tension spike table of ``views.spike_alerts`` (periods of the view's kind), the
    same on every page that shows one, with its CSV of every column."""
    period = view.filters.period
    table(
        spike_table_rows(alerts, view.names),
        title,
        view,
        key=key,
        empty=no_spikes_note(period, (view.filters.start, view.filters.end)),
        all_rows=with_pair_labels(alerts, view.names),
        column_config=_spike_columns(period),
    )


def _spike_columns(freq: str) -> dict[str, Any]:
    """The columns of a tension spike table (``views.spike_table``), periods of kind
    ``freq``: the Relations page had labelled the pair's summed scores "Tension" beside a
    per-briefing level, the Overview the per-briefing level."""
    return {
        "period": period_column(freq),
        "n_interactions": st.column_config.NumberColumn(
            "Sentences", width="small", help=f"Reported sentences naming the pair in the {freq}"
        ),
        "tension_share": st.column_config.NumberColumn(
            "Tension per briefing",
            format=PER_BRIEFING_FORMAT,
            help=f"The pair's tension in the {freq} (its tension sentences' scores, summed "
            f"as positive numbers) divided by the {freq}'s briefings under the filters",
        ),
        "baseline": st.column_config.NumberColumn(
            "Usual per briefing",
            format=PER_BRIEFING_FORMAT,
            help=f"The pair's mean tension per briefing over its recent {freq}s "
            "(0: no tension then)",
        ),
    }


def chart_with_data(
    fig: go.Figure,
    data: pd.DataFrame,
    title: str,
    view: View,
    *,
    key: str,
    selectable: bool = False,
) -> dict | None:
    """A chart followed by the CSV download of the table behind it."""
    selection = chart(fig, key=key, selectable=selectable)
    download(data, title, view, key=f"{key}-csv")
    return selection


ROW_PIXELS = 35  # st.dataframe's row (and header) height


def fitted_height(n_rows: int, most: int) -> int:
    """A table's height in pixels: its header and rows, at most ``most``. A fixed height
    padded a one-row table with empty rows down to it."""
    return min(most, (n_rows + 1) * ROW_PIXELS + 3)


def table(
    frame: pd.DataFrame,
    title: str,
    view: View,
    *,
    key: str,
    column_config: dict | None = None,
    select: bool = False,
    height: int | Literal["auto"] = "auto",
    all_rows: pd.DataFrame | LaterRows | None = None,
    empty: str | None = None,
) -> Any:
    """An interactive table with its CSV download; with ``select`` returns the row selection.

    Parameters:
        empty: what an empty ``frame`` means; by default that nothing matches the filters.
        height: ``"auto"``, or the most pixels the table takes (fewer for a few rows).
        all_rows: the rows the CSV holds when ``frame`` shows only some of them
            (e.g. the first thousand of a long list, or ``LaterRows`` built when the
            button is pressed); by default ``frame`` itself.
    """
    if frame.empty:
        st.info(empty or f"{title}: nothing matches the current filters.")
        return None
    labels = {k: v for k, v in COLUMN_LABELS.items() if k in frame.columns}
    config = labels | (column_config or {})
    if isinstance(height, int):
        height = fitted_height(len(frame), height)
    if select:
        event = st.dataframe(
            frame,
            hide_index=True,
            column_config=config,
            key=key,
            on_select="rerun",
            selection_mode="single-row",
            height=height,
            width="stretch",
        )
    else:
        st.dataframe(
            frame, hide_index=True, column_config=config, key=key, height=height, width="stretch"
        )
    download(frame if all_rows is None else all_rows, title, view, key=f"{key}-csv")
    return event.selection if select else None


def marked_html(pieces: Sequence[tuple[str, str | None]]) -> str:
    """HTML for text runs with highlighted marks; every piece of text is escaped."""
    parts = []
    for text, kind in pieces:
        escaped = html.escape(text, quote=True)
        if kind is None:
            parts.append(escaped)
        else:
            style = MARK_STYLES.get(kind, MARK_STYLES["cue"])
            parts.append(f'<mark class="atlas-{kind}" style="{style}">{escaped}</mark>')
    body = "".join(parts)
    return (
        '<div class="atlas-text" style="white-space:pre-wrap;font-size:0.95rem;'
        f'line-height:1.6;">{body}</div>'
    )


def plain_heading(text: str) -> None:
    """A heading whose text is shown literally (escaped), e.g. a briefing title."""
    st.html(f'<h3 style="margin:0.2rem 0 0.4rem 0;">{html.escape(text, quote=True)}</h3>')


def highlighted_text(pieces: Sequence[tuple[str, str | None]]) -> None:
    """Show text with countries and cue words highlighted, never interpreting markup."""
    st.html(marked_html(pieces))


def legend_for_marks(search: bool = False) -> None:
    """A one-line key to the highlight colours (with the search words' when ``search``)."""
    pieces: list[tuple[str, str | None]] = [
        ("Highlights: ", None),
        ("country", "country"),
        ("  ", None),
        ("cue word", "cue"),
    ]
    if search:
        pieces += [("  ", None), ("search word", "search")]
    st.html(marked_html(pieces))


def plain_caption(text: str) -> None:
    """A small grey line shown literally (escaped): for captions built from data."""
    st.html(
        '<div style="color:#6b6f76;font-size:0.85rem;margin-top:0.4rem;">'
        f"{html.escape(text, quote=True)}</div>"
    )


def evidence_panel(view: View, selection: dict | None, rows: pd.DataFrame, thing: str) -> None:
    """The sentences behind a selected chart point, cell or edge, cues highlighted.

    Parameters:
        selection: the chart's selection (points carry ``[country_a, country_b, period?]``).
        rows: the interactions the chart was drawn from.
        thing: what the analyst selects ("point", "cell", "edge"), also the widget key.
    """
    from analytics import views

    period = view.filters.period
    pair, chosen_period = views.selection_target(selection)
    if pair is None:
        article = "an" if thing[:1] in "aeiou" else "a"
        st.caption(f"Select {article} {thing} to read the sentences behind it.")
        return
    chosen = views.evidence_for(rows, pair=pair, period=chosen_period, freq=period)
    # A lean corpus holds no sentences: they are read from the store for these rows only.
    evidence = with_read_columns(view.corpus, "interactions", chosen)
    label = views.pair_label(*pair, view.names)
    when = f", {views.period_label(chosen_period, period)}" if chosen_period is not None else ""
    expected = views.count_expected(evidence)
    shown = int(settings.value("evidence_sentences"))
    plain_heading(f"Evidence: {label}{when}")
    plain_caption(
        f"{len(evidence):,} sentences, {expected:,} of them about what is expected"
        + (
            f" (the first {shown:,} are shown; the download has all)"
            if len(evidence) > shown
            else ""
        )
    )
    legend_for_marks()
    for caption, pieces in views.evidence_pieces(evidence, view.names, limit=shown):
        plain_caption(caption)
        highlighted_text(pieces)
    download(
        views.evidence_table(evidence, view.names),
        f"Evidence {label}",
        view,
        key=f"evidence-{thing}",
    )


def selected_row(selection: Any) -> int | None:
    """The row chosen in a ``table(..., select=True)``, or ``None``."""
    rows = list(selection.rows) if selection else []
    return int(rows[0]) if rows else None


def watchlist_event(event: dict[str, object], view: View) -> None:
    """One expected event: its sentence, window and follow-up, then the evidence sentences."""
    plain_caption(
        f"{day_text(event.get('date'))} · briefing {event.get('briefing_id')} · "
        f"{SECTION_NAMES.get(str(event.get('section')), event.get('section'))}"
    )
    st.text(str(event.get("sentence") or ""))
    start, end = day_text(event.get("window_start")), day_text(event.get("window_end"))
    window = start if start == end else f"{start} to {end}"
    written = event.get("when") or "no time named: the default horizon"
    st.text(
        f"Expected: {window} ({written}) · {event.get('certainty')} · "
        f"{event.get('event_type')} ({event.get('cues')})"
    )
    status = str(event.get("follow_up") or "")
    evidence = event_evidence(event)
    if status == "reported":
        n_reports = len(str(event.get("evidence_ids")).split("|"))
        st.success(f"Reported in {n_reports} later briefing(s).")
        table(evidence, "Follow-up evidence", view, key="watch-evidence")
        st.text(f"Briefings: {str(event.get('evidence_ids')).replace('|', ', ')}")
    elif status == "not seen":
        st.warning("Not seen: no later briefing inside the window reports it.")
    else:
        st.info("Open: the window has not ended yet, and no report so far.")
