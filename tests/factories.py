"""Builders for test data: a small valid framework as a plain dict, to be tweaked per test."""

from __future__ import annotations

import copy
from typing import Any


def text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def level_indicator(indicator_id: str, **overrides: Any) -> dict[str, Any]:
    """A 1–3 level question with descriptors and recommendations for every level."""
    indicator: dict[str, Any] = {
        "id": indicator_id,
        "name": text(f"指标{indicator_id}", f"Indicator {indicator_id}"),
        "question": text("做到了哪一级？", "Which level is reached?"),
        "answer": "level",
        "descriptors": {k: text(f"第{k}级", f"Level {k}") for k in (1, 2, 3)},
        "recommendations": {k: text(f"从{k}级提升", f"Rise from level {k}") for k in (0, 1, 2)},
        "evidence": text("制度文件", "Policy documents"),
        "source": "Test clause 1",
        "work_points": ["wp6"],
    }
    indicator.update(overrides)
    return indicator


def choice_indicator(indicator_id: str, **overrides: Any) -> dict[str, Any]:
    indicator: dict[str, Any] = {
        "id": indicator_id,
        "name": text("选择题", "Choice question"),
        "question": text("选哪一项？", "Which one?"),
        "answer": "choice",
        "options": [
            {"id": "none", "label": text("无", "None"), "score": 0},
            {"id": "some", "label": text("部分", "Some"), "score": 2},
            {"id": "all", "label": text("全部", "All"), "score": 4},
        ],
        "evidence": text("系统截图", "Screenshots"),
        "recommendation": text("扩大覆盖", "Widen coverage"),
        "source": "Test clause 2",
    }
    indicator.update(overrides)
    return indicator


def make_framework(**overrides: Any) -> dict[str, Any]:
    """A valid framework dict (two scored dimensions, bands rule); ``overrides`` replace keys."""
    framework: dict[str, Any] = {
        "schema_version": 1,
        "id": "demo",
        "version": "2025.1",
        "title": text("演示框架", "Demo framework"),
        "short_title": text("演示", "Demo"),
        "description": text("用于测试。", "For tests."),
        "sources": [{"id": "std", "citation": "GB/T 0000-2025", "status": "unverified"}],
        "answer_scale": [{"value": k, "name": text(f"{k}级", f"Level {k}")} for k in (1, 2, 3)],
        "result_levels": [{"value": k, "name": text(f"{k}级", f"Level {k}")} for k in (1, 2, 3)],
        "dimensions": [
            {
                "id": "base",
                "name": text("基础", "Basics"),
                "weight": 2,
                "indicators": [level_indicator("a1"), level_indicator("a2", weight=3)],
            },
            {
                "id": "use",
                "name": text("应用", "Use"),
                "weight": 1,
                "indicators": [choice_indicator("b1")],
            },
        ],
        "result": {
            "rule": "bands",
            "status": "unverified",
            "basis": text("测试用阈值", "Test thresholds"),
            "bands": [
                {"level": 1, "min_score": 20},
                {"level": 2, "min_score": 50},
                {"level": 3, "min_score": 80},
            ],
        },
    }
    framework = copy.deepcopy(framework)
    framework.update(overrides)
    return framework
