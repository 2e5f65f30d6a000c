"""The Watchlist page's view rules: horizons and the days its timeline shows."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import schema as S
from analytics.errors import InputError
from analytics.views import (
    ALL_UPCOMING,
    THIS_MONTH,
    THIS_WEEK,
    event_table,
    horizon_end,
    timeline_focus,
)
from analytics.views.charts import watchlist_timeline_chart

# A Tuesday.
AS_OF = pd.Timestamp("2025-11-25")


def _events(*windows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.WINDOW_START: pd.to_datetime([start for start, _ in windows]),
            S.WINDOW_END: pd.to_datetime([end for _, end in windows]),
        }
    )


def test_horizons_end_on_the_weeks_sunday_and_the_months_last_day():
    assert horizon_end(AS_OF, THIS_WEEK) == pd.Timestamp("2025-11-30")
    assert horizon_end(AS_OF, THIS_MONTH) == pd.Timestamp("2025-11-30")
    assert horizon_end(pd.Timestamp("2025-11-03"), THIS_WEEK) == pd.Timestamp("2025-11-09")
    assert horizon_end(AS_OF, ALL_UPCOMING) is None
    with pytest.raises(InputError, match="horizon must be one of"):
        horizon_end(AS_OF, "next decade")


def test_the_timeline_shows_the_horizon_not_a_ten_year_window():
    events = _events(("2025-05-06", "2035-05-06"), ("2025-11-27", "2025-11-27"))
    assert timeline_focus(AS_OF, THIS_WEEK, events) == (AS_OF, pd.Timestamp("2025-11-30"))
    # All upcoming: as far as the windows reach, but two years at most.
    assert timeline_focus(AS_OF, ALL_UPCOMING, events) == (AS_OF, pd.Timestamp("2027-11-25"))
    near = _events(("2025-11-27", "2026-01-15"))
    assert timeline_focus(AS_OF, ALL_UPCOMING, near) == (AS_OF, pd.Timestamp("2026-01-15"))
    assert timeline_focus(AS_OF, ALL_UPCOMING, near.iloc[:0]) == (AS_OF, AS_OF)


def test_the_timeline_chart_sets_its_axis_to_the_focus_days():
    rows = pd.DataFrame(
        {
            S.COUNTRY: ["India", "Japan"],
            S.ISO3: ["IND", "JPN"],
            S.WINDOW_START: ["2025-05-06", "2025-11-27"],
            S.WINDOW_END: ["2035-05-06", "2025-11-27"],
            S.EVENT_TYPE: ["reduce relations", "consult"],
            S.CERTAINTY: ["firm", "likely"],
            S.WHEN: ["over ten years", "on Thursday"],
            S.SENTENCE: ["India will cut tariffs over ten years.", "Japan is expected to meet."],
            S.BRIEFING_ID: ["b1", "b2"],
        }
    )
    focused = watchlist_timeline_chart(rows, "t", (AS_OF, pd.Timestamp("2025-11-30")))
    assert list(focused.layout.xaxis.range) == ["2025-11-24T12:00:00", "2025-12-01T12:00:00"]
    whole = watchlist_timeline_chart(rows, "t")
    assert whole.layout.xaxis.range is None
    # The one-day window is drawn a day wide; the long one keeps its whole width.
    widths = {trace.name: list(trace.x) for trace in whole.data}
    assert widths == {"firm": [3653 * 86_400_000], "likely": [86_400_000]}


def test_selected_events_keep_the_selected_briefings_where_the_countries_act() -> None:
    from analytics.views import selected_events

    events = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b1", "b2", "b3", "b4"],
            S.COUNTRIES: ["USA|GBR", "GBR", "FRA|USA|DEU", "", None],
            "n": [1, 2, 3, 4, 5],
        }
    )
    briefings = pd.DataFrame({S.BRIEFING_ID: ["b1", "b2", "b3", "b4", "b9"]})
    assert selected_events(events, briefings)["n"].tolist() == [1, 2, 3, 4, 5]
    assert selected_events(events, briefings.iloc[[1, 4]])["n"].tolist() == [3]
    assert selected_events(events, briefings, ["USA"])["n"].tolist() == [1, 3]
    assert selected_events(events, briefings, ["USA", "GBR"])["n"].tolist() == [1, 2, 3]
    assert selected_events(events, briefings, ["USA", "GBR"], "all")["n"].tolist() == [1]
    # A code is a whole entry of the list, never a part of one.
    assert selected_events(events, briefings, ["US"])["n"].tolist() == []
    assert selected_events(events, briefings, ["SA|G"])["n"].tolist() == []
    assert selected_events(events, briefings, ["DEU"], "all")["n"].tolist() == [3]
    with pytest.raises(InputError, match="country_match must be 'any' or 'all'; got 'some'"):
        selected_events(events, briefings, ["USA"], "some")


def _windows(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.COUNTRY: [country for country, _, _ in rows],
            S.WINDOW_START: pd.to_datetime([start for _, start, _ in rows]),
            S.WINDOW_END: pd.to_datetime([end for _, _, end in rows]),
        }
    )


def test_timeline_load_counts_the_events_due_per_country_and_day() -> None:
    from analytics.views import timeline_load

    rows = _windows(
        ("France", "2026-06-01", "2026-06-03"),
        ("France", "2026-06-02", "2026-06-02"),
        ("Germany", "2026-06-02", "2026-06-02"),
        ("Germany", "2026-05-01", "2026-05-31"),  # over before the first day shown
        ("Italy", "2026-06-04", "2026-09-30"),  # runs past the last day shown
    )
    load = timeline_load(rows, (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-04")))
    days = [d.strftime("%m-%d") for d in load["period"][:4]]
    assert days == ["06-01", "06-02", "06-03", "06-04"]
    assert {c: list(g["events"]) for c, g in load.groupby(S.COUNTRY, sort=False)} == {
        "France": [1, 2, 1, 0],
        "Germany": [0, 1, 0, 0],
        "Italy": [0, 0, 0, 1],
    }
    assert list(dict.fromkeys(load[S.COUNTRY])) == ["France", "Germany", "Italy"]
    only_two = timeline_load(
        rows, (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-04")), countries=2
    )
    assert list(dict.fromkeys(only_two[S.COUNTRY])) == ["France", "Germany"]


def test_timeline_load_counts_per_week_over_a_long_span() -> None:
    from analytics.views import LOAD_DAILY_DAYS, timeline_load

    rows = _windows(
        ("Chile", "2026-06-03", "2026-06-09"),  # Wednesday to the next Tuesday: two weeks
        ("Chile", "2026-08-20", "2026-08-20"),
    )
    focus = (
        pd.Timestamp("2026-06-03"),
        pd.Timestamp("2026-06-03") + pd.Timedelta(days=LOAD_DAILY_DAYS),
    )
    load = timeline_load(rows, focus)
    weeks = pd.to_datetime(load["period"])
    assert weeks.iloc[0] == pd.Timestamp("2026-06-01")  # the Monday of the first day's week
    assert set(weeks.dt.day_of_week) == {0}
    due = dict(zip(weeks.dt.strftime("%m-%d"), load["events"], strict=True))
    assert due["06-01"] == 1 and due["06-08"] == 1 and due["06-15"] == 0
    # The last week shown is that of 4 August; the event of 20 August is after it.
    assert list(due)[-1] == "08-03"
    assert sum(due.values()) == 2
    assert timeline_load(rows.iloc[:0], focus).empty


def test_watchlist_load_chart_is_a_heatmap_of_countries_by_day() -> None:
    from analytics.views import timeline_load
    from analytics.views.charts import watchlist_load_chart

    rows = _windows(("France", "2026-06-01", "2026-06-02"), ("Peru", "2026-06-02", "2026-06-02"))
    load = timeline_load(rows, (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-02")))
    figure = watchlist_load_chart(load, "Due")
    (trace,) = figure.data
    assert trace.type == "heatmap"
    assert list(trace.y) == ["Peru", "France"]  # the busiest country on top
    assert [list(row) for row in trace.z] == [[0, 1], [1, 1]]
    assert list(trace.x) == ["2026-06-01", "2026-06-02"]
    assert "day %{x}" in trace.hovertemplate
    empty = watchlist_load_chart(load.iloc[:0], "Due")
    assert empty.layout.annotations[0].text == "No expected events for the current filters."


def test_selected_events_through_a_corpus_lookup_and_a_mask_are_the_same() -> None:
    import numpy as np

    from analytics.views import event_lookup, selected_events

    events = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b1", "b2", "b3", "b4", "b7"],
            S.COUNTRIES: ["USA|GBR", "GBR", "FRA|USA|DEU", "", None, "USA"],
            "n": [1, 2, 3, 4, 5, 6],
        }
    )
    corpus_ids = pd.Series(["b4", "b3", "b2", "b1", "b9"])  # b7 is not in the corpus
    lookup = event_lookup(events, corpus_ids)
    assert lookup.positions.tolist() == [3, 3, 2, 1, 0, -1]
    assert list(lookup.countries) == ["USA", "GBR", "FRA", "DEU", ""]
    selected = np.array([True, False, True, True, False])  # b4, b2, b1
    briefings = pd.DataFrame({S.BRIEFING_ID: ["b4", "b2", "b1"]})
    for countries, match, expected in [
        ((), "any", [1, 2, 3, 5]),
        (("USA",), "any", [1, 3]),
        (("GBR", "DEU"), "any", [1, 2, 3]),
        (("USA", "GBR"), "all", [1]),
        (("USA", "USA"), "all", [1, 3]),
        (("USA", "ZZZ"), "all", []),
    ]:
        fast = selected_events(events, None, countries, match, lookup=lookup, keep=selected)
        plain = selected_events(events, briefings, countries, match)
        assert fast["n"].tolist() == expected
        assert fast.equals(plain)
    with pytest.raises(InputError, match="the selected briefings are needed, or an event"):
        selected_events(events, None, lookup=lookup)


def test_timeline_rows_give_a_row_per_event_and_country() -> None:
    import views_reference as reference

    from analytics.views import timeline_rows

    events = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b2", "b3", "b4"],
            S.COUNTRIES: ["USA|GBR", "FRA", "", None],
            S.WINDOW_START: pd.to_datetime(["2026-06-01"] * 4),
            S.WINDOW_END: pd.to_datetime(["2026-06-02"] * 4),
            S.EVENT_TYPE: ["talks", "vote", "visit", "talks"],
            S.CERTAINTY: ["firm", "likely", "possible", "firm"],
            S.WHEN: ["next week", "", "June", "soon"],
            S.SENTENCE: ["s1", "s2", "s3", "s4"],
        }
    ).astype({S.COUNTRIES: "string[pyarrow]", S.BRIEFING_ID: "string[pyarrow]"})
    names = {"USA": "United States", "GBR": "United Kingdom"}
    rows = timeline_rows(events, names)
    # Unnamed codes stay codes; no countries: one row with none, an empty list one row of "".
    assert rows[S.COUNTRY].tolist()[:4] == ["United States", "United Kingdom", "FRA", ""]
    assert pd.isna(rows[S.COUNTRY].iloc[4]) and pd.isna(rows[S.ISO3].iloc[4])
    assert rows[S.BRIEFING_ID].tolist() == ["b1", "b1", "b2", "b3", "b4"]
    assert rows[S.SENTENCE].tolist() == ["s1", "s1", "s2", "s3", "s4"]
    pd.testing.assert_frame_equal(rows, reference.timeline_rows(events, names))
    lean = timeline_rows(events.drop(columns=[S.SENTENCE]), names)
    pd.testing.assert_frame_equal(lean, rows.drop(columns=[S.SENTENCE]))
    assert timeline_rows(events.iloc[:0], names).empty
    # Only what a count of the windows needs, in the timeline's order whatever was asked.
    light = timeline_rows(events, names, columns=[S.WINDOW_END, S.COUNTRY, S.WINDOW_START])
    pd.testing.assert_frame_equal(light, rows[[S.COUNTRY, S.WINDOW_START, S.WINDOW_END]])
    from analytics.views import LOAD_COLUMNS

    pd.testing.assert_frame_equal(
        timeline_rows(events, names, columns=LOAD_COLUMNS), rows[list(LOAD_COLUMNS)]
    )
    assert list(timeline_rows(events.iloc[:0], names, columns=LOAD_COLUMNS)) == list(LOAD_COLUMNS)
    with pytest.raises(InputError, match="timeline columns are country, iso3, .*; got score"):
        timeline_rows(events, names, columns=[S.COUNTRY, "score"])


def test_upcoming_and_overdue_events_are_ordered_by_window_stably() -> None:
    from analytics.views import overdue_events, upcoming_events

    as_of = pd.Timestamp("2026-06-10")
    events = pd.DataFrame(
        {
            "n": [1, 2, 3, 4, 5, 6, 7],
            S.WINDOW_START: pd.to_datetime(
                ["2026-06-12", "2026-06-11", "2026-06-11", None, "2026-06-01", "2026-05-01", None]
            ),
            S.WINDOW_END: pd.to_datetime(
                [
                    "2026-06-12",
                    "2026-06-30",
                    "2026-06-30",
                    "2026-06-20",
                    "2026-06-05",
                    "2026-06-05",
                    "2026-06-01",
                ]
            ),
        }
    )
    # Soonest start first, then end; ties keep their order; a window without start last.
    assert upcoming_events(events, as_of, "all upcoming")["n"].tolist() == [2, 3, 1, 4]
    # Latest end first, then start (latest first); without start last among equal ends.
    assert overdue_events(events, as_of)["n"].tolist() == [5, 6, 7]
    assert overdue_events(events.iloc[:0], as_of).empty


def test_outlook_is_the_page_s_calls_in_one() -> None:
    from analytics.views import (
        LOAD_COLUMNS,
        outlook,
        overdue_events,
        timeline_focus,
        timeline_load,
        timeline_rows,
        upcoming_events,
    )

    as_of = pd.Timestamp("2026-06-10")
    events = pd.DataFrame(
        {
            S.BRIEFING_ID: ["b1", "b2", "b3", "b4", "b5"],
            S.COUNTRIES: ["USA|GBR", "FRA", "USA", "JPN", "IND|JPN"],
            S.WINDOW_START: pd.to_datetime(
                ["2026-06-12", "2026-06-11", "2026-06-01", "2026-06-15", "2026-05-01"]
            ),
            S.WINDOW_END: pd.to_datetime(
                ["2026-06-12", "2026-06-30", "2026-06-05", "2026-06-16", "2026-06-02"]
            ),
        }
    )
    names = {"USA": "United States", "JPN": "Japan"}
    upcoming = upcoming_events(events, as_of, "this month")
    assert upcoming[S.BRIEFING_ID].tolist() == ["b2", "b1", "b4"]
    windows = timeline_rows(upcoming, names, columns=LOAD_COLUMNS)
    focus = timeline_focus(as_of, "this month", upcoming)
    # Four windows (b1 names two countries): drawn one by one up to four bars, else counted.
    drawn = outlook(events, as_of, "this month", names, 4)
    counted = outlook(events, as_of, "this month", names, 3)
    for result in (drawn, counted):
        pd.testing.assert_frame_equal(result.upcoming, upcoming)
        pd.testing.assert_frame_equal(result.windows, windows)
        assert result.focus == focus == (as_of, pd.Timestamp("2026-06-30"))
        assert result.overdue.rows()[S.BRIEFING_ID].tolist() == ["b3", "b5"]
        pd.testing.assert_frame_equal(result.overdue.rows(), overdue_events(events, as_of))
    assert drawn.load is None
    pd.testing.assert_frame_equal(counted.load, timeline_load(windows, focus))
    with pytest.raises(InputError, match="horizon must be one of"):
        outlook(events, as_of, "next year", names, 4)


def test_selected_events_hand_out_the_events_themselves_when_all_are_kept() -> None:
    from analytics.views import selected_events

    events = pd.DataFrame({S.BRIEFING_ID: ["b1", "b2"], S.COUNTRIES: ["USA", "FRA"]})
    briefings = pd.DataFrame({S.BRIEFING_ID: ["b1", "b2"]})
    assert selected_events(events, briefings) is events
    renumbered = events.set_axis([5, 9])
    kept = selected_events(renumbered, briefings)
    assert kept is not renumbered and list(kept.index) == [0, 1]
    assert selected_events(events, briefings, ("USA",))[S.BRIEFING_ID].tolist() == ["b1"]


def _timeline(
    countries: list[str], windows: list[tuple[str, str]], certainties: list[str], whens: list
) -> pd.DataFrame:
    """``views.timeline_rows`` of invented events: one per country, window, certainty and
    time as written, with ISO codes, event types, sentences and briefing ids made up."""
    codes = {"India": "IND", "Japan": "JPN"}
    n = len(countries)
    return pd.DataFrame(
        {
            S.COUNTRY: countries,
            S.ISO3: [codes[c] for c in countries],
            S.WINDOW_START: [start for start, _ in windows],
            S.WINDOW_END: [end for _, end in windows],
            S.EVENT_TYPE: ["consult", "visit", "threaten"][:n],
            S.CERTAINTY: certainties,
            S.WHEN: whens,
            S.SENTENCE: [f"{c} will act." for c in countries],
            S.BRIEFING_ID: [f"b{i + 1}" for i in range(n)],
        }
    )


def test_the_timeline_bars_are_nearly_opaque_and_outlined() -> None:
    # At 0.55 opacity the bars faded into the plot's grey-blue background.
    rows = _timeline(
        ["India", "India"],
        [("2025-11-27", "2025-11-29"), ("2025-11-28", "2025-11-28")],
        ["firm", "possible"],
        ["this week", "on Friday"],
    )
    figure = watchlist_timeline_chart(rows, "t")
    markers = {trace.name: trace.marker for trace in figure.data}
    assert set(markers) == {"firm", "possible"}
    for marker in markers.values():
        assert marker.opacity == 0.9
        assert (marker.line.color, marker.line.width) == ("white", 1)


def test_windows_no_sentence_named_are_hatched_and_said_so() -> None:
    # An undated expectation's window (30 days from its briefing) was drawn like a named
    # one: on the current-events corpus "this month" was a wall of identical bars.
    rows = _timeline(
        ["India", "Japan", "Japan"],
        [("2025-11-01", "2025-11-30"), ("2025-11-28", "2025-11-28"), ("2025-11-20", "2025-12-19")],
        ["firm", "firm", "possible"],
        ["", "on Friday", None],
    )
    figure = watchlist_timeline_chart(rows, "t")
    drawn = [(t.name, t.marker.pattern.shape, list(t.y), t.showlegend) for t in figure.data]
    assert drawn == [
        ("possible", "/", ["Japan"], True),
        ("firm", "/", ["India"], False),  # firm's assumed windows first, its named on top
        ("firm", None, ["Japan"], True),
    ]
    # Overlaid on the certainty's colour: a pattern replacing the fill left white stripes
    # on nothing, and the hatched bars vanished from the page.
    pattern = figure.data[0].marker.pattern
    assert (pattern.fillmode, pattern.fgcolor) == ("overlay", "white")
    whens = [row[1] for trace in figure.data[1:] for row in trace.customdata]
    assert whens == ["no time named (window assumed from the briefing's date)", "on Friday"]
    assert [a.text for a in figure.layout.annotations] == [
        "Hatched: no time named (window assumed from the briefing's date)"
    ]
    # Japan's two windows overlap on its row: its label counts them.
    assert list(figure.layout.yaxis.ticktext) == ["India (1)", "Japan (2)"]
    assert list(figure.layout.yaxis.tickvals) == ["India", "Japan"]
    named = watchlist_timeline_chart(rows.iloc[[1]], "t")
    assert not named.layout.annotations and named.data[0].marker.pattern.shape is None


def test_the_firmest_events_are_drawn_on_top_and_listed_first() -> None:
    # Both India windows cover 28 November; the firm one must not hide under the possible.
    rows = _timeline(
        ["India", "India", "India"],
        [("2025-11-27", "2025-11-29"), ("2025-11-28", "2025-11-28"), ("2025-11-26", "2025-11-30")],
        ["possible", "firm", "likely"],
        ["this week", "on Friday", "soon"],
    )
    figure = watchlist_timeline_chart(rows, "t")
    assert [trace.name for trace in figure.data] == ["possible", "likely", "firm"]
    assert figure.layout.legend.traceorder == "reversed"


def test_watchlist_load_of_one_day_is_bars_of_events_per_country() -> None:
    # On a month's last day the load was a heatmap of one column: counts only as shades.
    from analytics.views import timeline_load
    from analytics.views.charts import watchlist_load_chart

    rows = _windows(
        ("France", "2026-06-01", "2026-06-30"),
        ("Peru", "2026-06-20", "2026-06-30"),
        ("Peru", "2026-06-30", "2026-07-02"),
    )
    day = pd.Timestamp("2026-06-30")
    figure = watchlist_load_chart(timeline_load(rows, (day, day)), "Due")
    (trace,) = figure.data
    assert (trace.type, trace.orientation) == ("bar", "h")
    assert list(trace.y) == ["France", "Peru"]  # the busiest country on top
    assert list(trace.x) == [1, 2]
    assert figure.layout.xaxis.title.text == "Expected events due on 30 Jun 2026"


def test_a_focus_of_a_few_days_ticks_each_day_not_hours() -> None:
    # The month's last day alone was ticked "12:00", "18:00", "00:00", "06:00".
    rows = pd.DataFrame(
        {
            S.COUNTRY: ["India"],
            S.ISO3: ["IND"],
            S.WINDOW_START: ["2025-12-01"],
            S.WINDOW_END: ["2025-12-31"],
            S.EVENT_TYPE: ["consult"],
            S.CERTAINTY: ["likely"],
            S.WHEN: ["this month"],
            S.SENTENCE: ["India is expected to consult."],
            S.BRIEFING_ID: ["b1"],
        }
    )
    last_day = pd.Timestamp("2025-12-31")
    axis = watchlist_timeline_chart(rows, "t", (last_day, last_day)).layout.xaxis
    assert (axis.dtick, axis.tickformat, axis.ticklabelmode) == (86_400_000, "%-d %b", "period")
    # Over months plotly's own ticks stay.
    months = watchlist_timeline_chart(rows, "t", (pd.Timestamp("2025-10-01"), last_day))
    assert months.layout.xaxis.dtick is None


def test_event_table_says_when_a_sentence_named_no_time():
    # An undated expectation gets a window from its briefing's date; the "When" column had
    # been blank beside that window, as if the text had named it.
    events = pd.DataFrame(
        {
            S.WINDOW_START: pd.to_datetime(["2026-03-01", "2026-03-05", "2026-03-07"]),
            S.WINDOW_END: pd.to_datetime(["2026-03-31", "2026-03-05", "2026-03-13"]),
            S.COUNTRIES: ["USA|IRN", "FRA", "JPN"],
            S.EVENT_TYPE: ["consult", "consult", "threaten"],
            S.CERTAINTY: ["firm", "possible", "firm"],
            S.WHEN: ["", "on March 5", None],
            S.SENTENCE: ["Talks will follow.", "They may meet on March 5.", "It will respond."],
            S.DATE: pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-07"]),
            S.BRIEFING_ID: ["a", "b", "c"],
        }
    )
    table = event_table(events, {"USA": "United States", "IRN": "Iran"})
    assert list(table[S.WHEN]) == [
        "none named: 30 days from the briefing",
        "on March 5",
        "none named: 6 days from the briefing",
    ]
    assert list(table[S.COUNTRIES]) == ["United States, Iran", "FRA", "JPN"]


def test_a_country_filter_counts_events_numbered_past_32_bits_of_pairs() -> None:
    # A million and a half events and 2,000 countries: an event's number times the
    # countries' is past 2**31, where the lookup's 32-bit numbers would wrap.
    import numpy as np

    from analytics.views.watchlist import EventLookup, selected_events

    events = pd.DataFrame({"n": np.arange(1_500_001)})
    lookup = EventLookup(
        positions=np.zeros(len(events), dtype=np.int64),
        event_of=np.array([1_500_000, 3, 3], dtype=np.int32),
        country_of=np.array([1_999, 1_999, 7], dtype=np.int32),
        countries=pd.Index([f"C{i}" for i in range(2_000)]),
    )
    keep = np.array([True])
    chosen = selected_events(events, events, ["C1999"], lookup=lookup, keep=keep)
    assert chosen["n"].tolist() == [3, 1_500_000]
    both = selected_events(events, events, ["C1999", "C7"], "all", lookup=lookup, keep=keep)
    assert both["n"].tolist() == [3]
