"""Summing rows per group for the dashboard summary: sums, sizes and the groups' order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.analytics.summary import sum_by_group


def _keys() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2025, 2024, 2025, 2024, 2025],
            "region_code": ["320402", "320400", "110000", "320400", "320402"],
            "above_size": [True, False, False, False, True],
        }
    )


def test_groups_in_the_order_of_their_keys() -> None:
    matrix = np.arange(10, dtype=np.float64).reshape(5, 2)
    firsts, sizes, sums = sum_by_group(_keys(), matrix, ordered=True)
    groups = _keys().iloc[firsts]
    assert list(groups.itertuples(index=False, name=None)) == [
        (2024, "320400", False),
        (2025, "110000", False),
        (2025, "320402", True),
    ]
    assert sizes.tolist() == [2, 1, 2]
    assert sums.tolist() == [[8.0, 10.0], [4.0, 5.0], [8.0, 10.0]]


def test_groups_in_the_order_of_their_first_rows_by_default() -> None:
    matrix = np.ones((5, 1))
    firsts, sizes, sums = sum_by_group(_keys(), matrix)
    assert firsts.tolist() == [0, 1, 2]
    assert sizes.tolist() == [2, 2, 1]
    assert sums[:, 0].tolist() == [2.0, 2.0, 1.0]
