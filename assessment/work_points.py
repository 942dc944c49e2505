"""Names of the 2025 work-point measures (``wp1`` … ``wp17``) that indicators are tagged with.

The names are data in ``indicators/vocabulary.yaml`` (one list for the framework browser, the
results page, reports and the dashboards)."""

from __future__ import annotations

from indicators.schema import Text
from indicators.vocabulary import vocabulary


def work_points() -> dict[str, Text]:
    """Measure id → its short name in both languages."""
    return dict(vocabulary().work_points)


def work_point_label(measure: str, lang: str = "zh") -> str:
    """E.g. "第6条 提升工业数据要素供给" / "No. 6: Increase the supply of industrial data…"."""
    number = measure.removeprefix("wp")
    name = work_points()[measure].get(lang)
    return f"No. {number}: {name}" if lang == "en" else f"第{number}条 {name}"
