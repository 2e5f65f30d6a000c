"""Tables held compact while long work runs on a large corpus.

A column of strings repeats a few values over millions of rows (a briefing's id on each of
its mentions, a section's name, a country code): held as categories it costs a small
integer a row instead of the string. ``compact`` turns a frame's string columns into
categories, ``expanded`` turns them back (the same values and dtypes as before), and
``concat_compact`` joins compact pieces read one at a time without falling back to
strings (``pd.concat`` does when the pieces' categories differ).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pandas.api.types import union_categoricals


def _is_strings(column: pd.Series) -> bool:
    # Columns of the string dtype only: an ``object`` column would come back as strings.
    return isinstance(column.dtype, pd.StringDtype)


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column of the string dtype held as categories (sorted), the
    others as they are."""
    strings = [name for name in frame.columns if _is_strings(frame[name])]
    if not strings:
        return frame
    return frame.astype(dict.fromkeys(strings, "category"))


def expanded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column held as categories turned back into its values' dtype:
    ``expanded(compact(frame))`` equals ``frame``."""
    held = {
        name: frame[name].cat.categories.dtype
        for name in frame.columns
        if isinstance(frame[name].dtype, pd.CategoricalDtype)
    }
    return frame.astype(held) if held else frame


def concat_compact(pieces: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Compact pieces (``compact``) with the same columns as one compact frame on a fresh
    index: each categorical column's categories are the sorted union of the pieces'
    (``union_categoricals``)."""
    if not pieces:
        raise ValueError("concat_compact needs at least one piece")
    columns = list(pieces[0].columns)
    categorical = [
        name for name in columns if isinstance(pieces[0][name].dtype, pd.CategoricalDtype)
    ]
    whole = pd.concat([piece.drop(columns=categorical) for piece in pieces], ignore_index=True)
    for name in categorical:
        whole[name] = union_categoricals([piece[name] for piece in pieces], sort_categories=True)
    return whole[columns]
