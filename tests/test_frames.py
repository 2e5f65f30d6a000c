"""Compact tables: strings held as categories and turned back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.frames import compact, concat_compact, expanded


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.array(["b2", "b1", "b2", None], dtype="str"),
            "index": np.array([3, 1, 2, 0], dtype=np.int64),
            "kept": pd.Series(["x", "y", "x", "y"], dtype=object),
        }
    )


def test_compact_holds_string_columns_as_sorted_categories_and_expands_back() -> None:
    frame = _frame()
    held = compact(frame)
    assert isinstance(held["id"].dtype, pd.CategoricalDtype)
    assert held["id"].cat.categories.tolist() == ["b1", "b2"]
    assert held["id"].cat.codes.tolist() == [1, 0, 1, -1]
    # Numbers and object columns are left as they are (an object column would come back
    # as strings).
    assert held["index"].dtype == np.int64
    assert held["kept"].dtype == object
    pd.testing.assert_frame_equal(expanded(held), frame)
    numbers = frame[["index"]]
    assert compact(numbers) is numbers
    assert expanded(frame) is frame


def test_concat_compact_unions_the_pieces_categories() -> None:
    frame = _frame()
    pieces = [compact(frame.iloc[:1]), compact(frame.iloc[1:])]
    assert pieces[0]["id"].cat.categories.tolist() == ["b2"]
    joined = concat_compact(pieces)
    assert isinstance(joined["id"].dtype, pd.CategoricalDtype)
    assert joined["id"].cat.categories.tolist() == ["b1", "b2"]
    assert joined.index.tolist() == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(expanded(joined), frame)
    # pd.concat alone would have fallen back to strings.
    assert not isinstance(pd.concat(pieces)["id"].dtype, pd.CategoricalDtype)


def test_concat_compact_needs_a_piece() -> None:
    with pytest.raises(ValueError, match="at least one piece"):
        concat_compact([])
