"""Names of the 2025 work-point measures (``wp1`` … ``wp17``) that indicators are tagged with."""

from __future__ import annotations

import functools

import yaml

from assessment.reference import DATA_DIR
from indicators.schema import Text

WORK_POINTS_FILE = DATA_DIR / "work_points.yaml"


@functools.cache
def work_points() -> dict[str, Text]:
    """Measure id → its short name in both languages."""
    raw = yaml.safe_load(WORK_POINTS_FILE.read_text(encoding="utf-8"))
    return {key: Text.model_validate(value) for key, value in raw["measures"].items()}


def work_point_label(measure: str, lang: str = "zh") -> str:
    """E.g. "第6条 提升工业数据要素供给…" / "No. 6: Industrial data as a production factor…"."""
    number = measure.removeprefix("wp")
    name = work_points()[measure].get(lang)
    return f"No. {number}: {name}" if lang == "en" else f"第{number}条 {name}"
