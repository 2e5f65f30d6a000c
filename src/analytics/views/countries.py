"""What the Countries page shows: mention totals, attention over time and the co-mention network."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics import schema as S
from analytics.artefacts import in_briefing_order
from analytics.tallies import (
    N_BRIEFINGS,
    TableCodes,
    coded_countries,
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
    countries: pd.DataFrame, limit: int = 40, *, codes: TableCodes | None = None
) -> pd.DataFrame:
    """Pairs of countries named in the same briefing, strongest first.

    Parameters:
        codes: integer codes of the rows (``FilteredCorpus.codes("countries")``);
            computed when not given.

    Returns:
        Columns ``country_a``, ``country_b`` (ISO3, a < b), ``n_briefings``.
    """
    columns = [S.COUNTRY_A, S.COUNTRY_B, N_BRIEFINGS]
    if countries.empty:
        return pd.DataFrame({c: [] for c in columns})
    codes = codes if codes is not None else table_codes(countries)[0]
    briefing_of_row = np.asarray(codes.briefing, dtype=np.int64)
    # Country codes point into sorted ISO3 codes, so a < b holds for the upper triangle.
    country, country_ids = coded_countries(codes)
    known = (briefing_of_row >= 0) & (country >= 0)
    briefings, named = briefing_of_row[known], country[known]
    shape = (int(briefing_of_row.max(initial=-1)) + 1, len(country_ids))
    ones = np.ones(len(named), dtype=np.int64)
    if in_briefing_order(briefings):
        # Rows in briefing order (a corpus' own tables): the rows are the matrix' rows as
        # they stand, where building it from coordinates sorted 3 M of them (0.7 s).
        starts = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(briefings, minlength=shape[0]), out=starts[1:])
        incidence = sp.csr_matrix((ones, named, starts), shape=shape)
        incidence.sum_duplicates()
    else:
        incidence = sp.csr_matrix((ones, (briefings, named)), shape=shape)
    incidence.data[:] = 1  # a briefing naming a country twice still counts once
    together = sp.triu(incidence.T @ incidence, k=1).tocoo()
    edges = pd.DataFrame(
        {
            S.COUNTRY_A: country_ids[together.row],
            S.COUNTRY_B: country_ids[together.col],
            N_BRIEFINGS: together.data.astype(int),
        }
    ).sort_values([N_BRIEFINGS, S.COUNTRY_A, S.COUNTRY_B], ascending=[False, True, True])
    return edges.head(limit).reset_index(drop=True)[columns]


def leading_codes(totals: pd.DataFrame, limit: int = 5) -> list[str]:
    """The ISO3 codes of the first ``limit`` rows of ``country_totals``."""
    return [str(code) for code in totals[S.ISO3].head(limit)]
