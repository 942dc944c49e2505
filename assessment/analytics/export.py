"""Downloads of a chart's figures as CSV or XLSX, suppression kept and cells made inert.

A suppressed group's ``n`` and values are written as "少于5家" / "<5", never as a number. Any text
cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an
apostrophe so a spreadsheet shows it as text instead of running it as a formula (OWASP CSV
injection).
"""

from __future__ import annotations

import io

import pandas as pd

from assessment import reference
from assessment.analytics.dashboard import Chart, suppressed_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A text value made safe for spreadsheets (numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def chart_table(chart: Chart, lang: str = "zh") -> pd.DataFrame:
    """The figures of ``chart`` as written to a download: region and industry names beside
    their codes, values rounded to 0.1, suppressed cells as "<k" text."""
    frame = chart.frame.copy()
    label = suppressed_label(chart.k, lang)
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if name == "suppressed":
            out[name] = column.astype(bool)
        elif column.dtype.kind == "f" or str(column.dtype) == "Float64":
            out[name] = column.round(1).astype(object).where(column.notna(), None)
        elif column.dtype.kind in "iu" or str(column.dtype) == "Int64":
            values = column.astype(object).where(column.notna(), None)
            out[name] = values.mask(hidden, label) if name == "n" else values
        else:
            out[name] = column.astype(object)
        if name in NAMERS:
            out[f"{name}_name"] = [NAMERS[name](str(v), lang) for v in column]
    return _inert_frame(out)


def _inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell through :func:`inert`, keeping object columns (``map`` would turn ints into
    floats)."""
    return pd.DataFrame(
        {c: pd.Series([inert(v) for v in frame[c]], dtype=object) for c in frame.columns}
    )


def _region_name(code: str, lang: str) -> str:
    try:
        return reference.region_name(code, "en" if lang == "en" else "zh")
    except (ValueError, reference.UnknownCode):
        return code


def _industry_name(code: str, lang: str) -> str:
    try:
        return reference.industry(code).name("en" if lang == "en" else "zh")
    except reference.UnknownCode:
        return "全部" if lang == "zh" else "all"


NAMERS = {"subregion": _region_name, "industry": _industry_name}


def to_csv(chart: Chart, lang: str = "zh") -> bytes:
    """CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly)."""
    return chart_table(chart, lang).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(chart: Chart, lang: str = "zh") -> bytes:
    """An XLSX workbook with one sheet of the figures and one with the title and note."""
    table = chart_table(chart, lang)
    title = chart.title_zh if lang == "zh" else chart.title_en
    unit = chart.unit_zh if lang == "zh" else chart.unit_en
    note = (
        f"少于{chart.k}家企业的组不显示数字。"
        if lang == "zh"
        else f"Groups of fewer than {chart.k} enterprises are not shown as numbers."
    )
    about = pd.DataFrame(
        {"item": ["title", "unit", "n", "note"], "value": [title, unit, chart.n_shown, note]}
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="data", index=False)
        _inert_frame(about).to_excel(writer, sheet_name="about", index=False)
    return buffer.getvalue()


__all__ = ["chart_table", "inert", "to_csv", "to_xlsx"]
