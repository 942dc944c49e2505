"""Wide tables that stay usable on a phone: the key columns come first and stay pinned while the
rest scrolls sideways inside the table's own container (the page itself never scrolls sideways)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st


def wide_table(frame: pd.DataFrame, key_columns: Sequence[str]) -> None:
    """Show ``frame`` with ``key_columns`` first and pinned; the others scroll."""
    keys = [column for column in key_columns if column in frame.columns]
    ordered = frame[keys + [column for column in frame.columns if column not in keys]]
    st.dataframe(
        ordered,
        hide_index=True,
        width="stretch",
        column_config={column: st.column_config.Column(pinned=True) for column in keys},
    )
