"""Downloads of a chart's figures as CSV or XLSX, suppression kept and cells made inert.

A suppressed group's ``n`` and values are written as "少于5家" / "<5", never as a number. Any text
cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an
apostrophe so a spreadsheet shows it as text instead of running it as a formula (OWASP CSV
injection).
"""

from __future__ import annotations

import io

import pandas as pd

from assessment.analytics.dashboard import Chart, suppressed_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A text value made safe for spreadsheets (numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def chart_table(chart: Chart, lang: str = "zh") -> pd.DataFrame:
    """The figures of ``chart`` as written to a download: suppressed cells as "<k" text."""
    frame = chart.frame.copy()
    label = suppressed_label(chart.k, lang)
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    out = frame.astype(object)
    for name in frame.columns:
        if name == "suppressed":
            continue
        if frame[name].dtype.kind in "fiu" or str(frame[name].dtype) in ("Int64", "Float64"):
            values = frame[name].astype(object).where(frame[name].notna(), None)
            out[name] = values.where(~hidden, label) if name == "n" else values
    if "n" not in frame.columns:
        out["n"] = None
    out = out.map(inert)
    return out


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
        about.map(inert).to_excel(writer, sheet_name="about", index=False)
    return buffer.getvalue()


__all__ = ["chart_table", "inert", "to_csv", "to_xlsx"]
