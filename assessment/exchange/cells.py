"""Spreadsheet cells that cannot run: text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with an apostrophe so Excel, LibreOffice and WPS show it as text
instead of evaluating it (CSV/formula injection). Every writer of the exchange and report
modules passes its cells through :func:`inert`."""

from __future__ import annotations

from typing import Final

import pandas as pd

TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """``value`` made safe for a spreadsheet cell; numbers and non-trigger text pass unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are :func:`inert`."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(inert)
    out.columns = [str(inert(str(c))) for c in out.columns]
    return out
