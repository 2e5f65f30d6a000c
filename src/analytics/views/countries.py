"""What the Countries page shows: mention totals, attention over time and the co-mention network."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.tallies import (
    N_BRIEFINGS,
    TableCodes,
    coded_countries,
    comention_counts,
    comention_edges_from_counts,
    distinct_counts,
    table_codes,
)


def country_totals(
    countries: pd.DataFrame, limit: int | None = None, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Briefings mentioning each country, most mentioned first (ties: by name).

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("countries")``),
            which spare hashing ids and country codes on a large table; computed
            (``table_codes``) when not given.

    Returns:
        Columns ``iso3``, ``country``, ``n_briefings``.
    """
    if countries.empty:
        return pd.DataFrame({S.ISO3: [], S.COUNTRY: [], N_BRIEFINGS: []})
    codes = codes if codes is not None else table_codes(countries)[0]
    country, iso3s = coded_countries(codes)
    counts = distinct_counts(country, codes.briefing, len(iso3s))
    # The first row naming each country gives its name and its place among equals; first
    # occurrences found by hashing (``np.minimum.at`` took 0.15-0.3 s over 3 M rows, this
    # 0.025 s), each country at one of them, so the assignment below sets each cell once.
    first = np.full(len(iso3s), len(countries), dtype=np.int64)
    at = np.flatnonzero(~pd.Series(country, copy=False).duplicated().to_numpy())
    at = at[country[at] >= 0]
    first[country[at]] = at
    present = np.flatnonzero(first < len(countries))
    names = countries[S.COUNTRY].iloc[first[present]].to_numpy(dtype=object)
    order = np.lexsort((first[present], names, -counts[present]))
    chosen = present[order]
    totals = pd.DataFrame(
        {
            S.ISO3: iso3s[chosen],
            S.COUNTRY: names[order],
            N_BRIEFINGS: counts[chosen],
        }
    )
    return totals.head(limit) if limit is not None else totals


def comention_edges(
    countries: pd.DataFrame, limit: int | None = 40, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Pairs of countries named in the same briefing, strongest first.

    ``tallies.comention_edges_from_counts`` of ``tallies.comention_counts``, as the store's
    rollups are worked out.

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("countries")``);
            computed when not given.

    Returns:
        Columns ``country_a``, ``country_b`` (ISO3, a < b), ``n_briefings``; the ``limit``
        strongest pairs (``None``: every pair).
    """
    return comention_edges_from_counts(comention_counts(countries, codes=codes), limit)


def leading_codes(totals: pd.DataFrame, limit: int = 5) -> list[str]:
    """The ISO3 codes of the first ``limit`` rows of ``country_totals``."""
    return [str(code) for code in totals[S.ISO3].head(limit)]
