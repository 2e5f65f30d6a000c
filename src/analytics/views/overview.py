"""What the Overview page shows beyond the shared figures: the countries rising fastest."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analytics import schema as S
from analytics.tallies import SHARE
from analytics.timeseries import period_label, period_start, period_step


def no_rise_note(freq: str, briefings: pd.DataFrame | None = None) -> str:
    """What an empty ``rising_countries`` means, for the page to say instead of blaming the
    filters (with none set, a quarter's table is often empty).

    Parameters:
        briefings: the briefings the shares are of (as ``rising_countries`` reads them);
            when the period before the latest holds none of them, the note says so.
    """
    since = rising_start(briefings, freq) if briefings is not None else None
    if since is not None and briefings is not None:
        dates = pd.to_datetime(briefings[S.DATE], utc=True)
        before = int(((dates >= since) & (dates < period_after(since, freq))).sum())
        if before == 0:
            latest = period_label(period_after(since.tz_localize(None), freq), freq)
            return (
                f"Nothing to compare the latest {freq} ({latest}) with: the {freq} before it, "
                f"{period_label(since.tz_localize(None), freq)}, has no briefings."
            )
    return (
        f"No country was named in a larger share of briefings in the latest {freq} "
        f"than in the {freq} before."
    )


def rising_note(countries: Sequence[str], match: str = "any") -> str | None:
    """What a country filter does to ``rising_countries`` on the page, for its caption;
    ``None`` without one.

    Parameters:
        countries: the filtered countries' names, in the filter's order.
        match: the filter's ``country_match`` (``any`` or ``all``).
    """
    if not countries:
        return None
    joiner = " and " if match == "all" else " or "
    named = (
        ", ".join(countries[:-1]) + joiner + countries[-1] if len(countries) > 1 else countries[0]
    )
    own = (
        f"{named}'s share is the briefings naming it"
        if len(countries) == 1
        else (
            "a filtered country's share is the briefings naming all of them"
            if match == "all"
            else "a filtered country's share is the briefings naming it"
        )
    )
    return (
        "Shares are of every briefing the other filters keep, the country filter aside: "
        f"{own}; another country's, the briefings naming it together with {named}."
    )


def rising_countries(
    countries: pd.DataFrame, briefings: pd.DataFrame, freq: str, limit: int = 5
) -> pd.DataFrame:
    """Countries whose share of briefings rose most in the latest period vs. the one before;
    none when the period before holds no briefing (its shares are unknown, not zero).

    Parameters:
        countries: the per-briefing country rows counted (the numerators).
        briefings: the briefings the shares are of (the denominators), the newest of which
            names the latest period. Under a country filter the page passes the selection
            without it (``FilteredCorpus.attention_dates``) with the selection's rows, so
            the filtered country is measured against all the news, not against the
            briefings that all name it.

    Returns:
        Columns ``iso3``, ``country``, ``share`` (latest), ``previous``, ``change``.
    """
    columns = [S.ISO3, S.COUNTRY, SHARE, "previous", "change"]
    since = rising_start(briefings, freq)
    if since is None or countries.empty:
        return pd.DataFrame({c: [] for c in columns})
    # Periods start in date order, so the latest period is that of the newest briefing, and
    # only rows from the period before it on are mapped to their periods.
    previous = since.tz_localize(None)
    last = pd.Timestamp(period_after(previous, freq))
    briefing_dates = pd.to_datetime(briefings[S.DATE], utc=True)
    recent = (briefing_dates >= since).to_numpy(dtype=bool)
    briefing_periods = period_start(briefing_dates[recent], freq)
    recent_rows = (pd.to_datetime(countries[S.DATE], utc=True) >= since).to_numpy(dtype=bool)
    countries = countries[recent_rows]
    country_periods = period_start(countries[S.DATE], freq)

    def shares(period: pd.Timestamp) -> pd.Series:
        total = int((briefing_periods == period).sum())
        rows = countries[(country_periods == period).to_numpy()]
        counts = rows.groupby([S.ISO3, S.COUNTRY])[S.BRIEFING_ID].nunique()
        return counts / total if total else counts * 0.0

    if not (briefing_periods == previous).any():
        # No briefing at all in the period before: its shares are unknown, not 0%, and
        # every country of the latest period would have "risen" from nothing.
        return pd.DataFrame({c: [] for c in columns})
    latest = shares(last)
    before = shares(previous)
    table = pd.DataFrame({SHARE: latest, "previous": before.reindex(latest.index).fillna(0)})
    table["change"] = table[SHARE] - table["previous"]
    table = table[table["change"] > 0].reset_index()
    if table.empty:  # one empty table whichever way nothing rose
        return pd.DataFrame({c: [] for c in columns})
    table = table.sort_values(["change", S.ISO3], ascending=[False, True], kind="stable")
    return table.head(limit).reset_index(drop=True)[columns]


def rising_table(rising: pd.DataFrame) -> pd.DataFrame:
    """``rising_countries`` as the page shows it: the shares in percent and their change in
    percentage points (0.055 -> 0.0655 is 5.5% -> 6.55%, +1.05 points; the CSV keeps the
    fractions)."""
    shown = rising.copy()
    for column in (SHARE, "previous", "change"):
        shown[column] = shown[column].astype(float) * 100
    return shown


def rising_start(briefings: pd.DataFrame, freq: str) -> pd.Timestamp | None:
    """The first moment ``rising_countries`` reads (UTC): the start of the period before
    that of the newest briefing; ``None`` when no briefing is dated."""
    newest = pd.to_datetime(briefings[S.DATE], utc=True).max() if len(briefings) else pd.NaT
    if pd.isna(newest):
        return None
    last = pd.Timestamp(period_start(pd.Series([newest]), freq).iloc[0])
    return pd.Timestamp(period_before(last, freq)).tz_localize("UTC")


def period_before(period: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start of the period before ``period``."""
    return pd.Timestamp(period) - period_step(freq)


def period_after(period: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start of the period after ``period``."""
    return pd.Timestamp(period) + period_step(freq)
