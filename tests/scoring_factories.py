"""Builders for scoring tests: small frameworks of every rule and answers in long format."""

from __future__ import annotations

from typing import Any

import pandas as pd

from assessment import columns as C
from indicators.schema import Framework
from tests.factories import choice_indicator, level_indicator, make_framework, text


def build(raw: dict[str, Any]) -> Framework:
    """Validate a framework dict."""
    return Framework.model_validate(raw)


def long_answers(answers: dict[str, dict[str, str]]) -> pd.DataFrame:
    """{assessment: {indicator: answer}} → canonical long answers."""
    rows = [
        (assessment, indicator, answer)
        for assessment, given in answers.items()
        for indicator, answer in given.items()
    ]
    return pd.DataFrame(rows, columns=[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER])


def boolean_indicator(indicator_id: str, **overrides: Any) -> dict[str, Any]:
    """A yes/no question."""
    indicator = choice_indicator(indicator_id, answer="boolean")
    del indicator["options"]
    indicator.update(overrides)
    return indicator


def multi_indicator(indicator_id: str, **overrides: Any) -> dict[str, Any]:
    """Options x 2, y 3, z 5 (capped at 6), and an exclusive 'none'."""
    options = [
        {"id": "none", "label": text("无", "None"), "score": 0, "exclusive": True},
        {"id": "x", "label": text("甲", "X"), "score": 2},
        {"id": "y", "label": text("乙", "Y"), "score": 3},
        {"id": "z", "label": text("丙", "Z"), "score": 5},
    ]
    settings = {"answer": "multi", "options": options, "cap": 6, **overrides}
    return choice_indicator(indicator_id, **settings)


def number_indicator(indicator_id: str, **overrides: Any) -> dict[str, Any]:
    """A number scored 0 at ≤ 10, 0.5 at 20, 1 at ≥ 40."""
    indicator = choice_indicator(
        indicator_id,
        answer="number",
        unit=text("台", "units"),
        breakpoints=[[10, 0], [20, 0.5], [40, 1]],
    )
    del indicator["options"]
    indicator.update(overrides)
    return indicator


def percent_indicator(indicator_id: str, **overrides: Any) -> dict[str, Any]:
    """A percentage scored linearly from 0 % to 50 %, 1 above."""
    return number_indicator(
        indicator_id, answer="percent", breakpoints=[[0, 0], [50, 1]], **overrides
    )


def dimension(dimension_id: str, indicators: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A dimension dict."""
    return {
        "id": dimension_id,
        "name": text(f"维度{dimension_id}", f"Dimension {dimension_id}"),
        "indicators": indicators,
        **extra,
    }


def condition(
    dimension_id: str, min_level: int, min_count: int, tag: str | None = None
) -> dict[str, Any]:
    """A band condition dict."""
    found = {"dimension": dimension_id, "min_level": min_level, "min_count": min_count}
    return found | ({"tag": tag} if tag else {})


def mixed_framework() -> Framework:
    """Bands over every answer type: dims t (weight 1) and u (weight 3)."""
    return build(
        make_framework(
            dimensions=[
                dimension(
                    "t", [level_indicator("lv"), boolean_indicator("bo", weight=2)], weight=1
                ),
                dimension(
                    "u",
                    [
                        choice_indicator("ch"),
                        multi_indicator("mu"),
                        number_indicator("nu"),
                        percent_indicator("pc", na_allowed=True, required=False),
                    ],
                    weight=3,
                ),
            ]
        )
    )


def mean_framework(thresholds: tuple[float, ...] = (1, 2, 3)) -> Framework:
    """mean_of_areas on 0..5 over three dimensions (weights ignored), levels 1–3."""
    raw = make_framework(
        dimensions=[
            dimension(
                "d1", [level_indicator("p1"), level_indicator("p2", na_allowed=True)], weight=5
            ),
            dimension("d2", [level_indicator("q1", weight=2), level_indicator("q2")]),
            dimension("d3", [level_indicator("r1", na_allowed=True)]),
        ]
    )
    raw["result"] = {
        "rule": "mean_of_areas",
        "status": "unverified",
        "basis": text("测", "Test"),
        "scale_max": 5,
        "thresholds": [{"level": k, "min_score": m} for k, m in enumerate(thresholds, start=1)],
    }
    return build(raw)


def gates_framework(pass_mark: float = 0.8) -> Framework:
    """cumulative_gates, levels 1–3, paths discrete / process.

    Dimension m (discrete 3, process 1): g1a (L1, w1), g2a (L2, w1), g3a (L3, w1, discrete only).
    Dimension n (discrete 1, process 3): g1b (L1, w3), g2b (L2, w1, N/A allowed), g3b (L3, w1).
    """
    raw = make_framework(
        paths=[
            {"id": "discrete", "name": text("离散", "Discrete")},
            {"id": "process", "name": text("流程", "Process")},
        ],
        dimensions=[
            dimension(
                "m",
                [
                    level_indicator("g1a", gate_level=1),
                    level_indicator("g2a", gate_level=2),
                    level_indicator("g3a", gate_level=3, paths=["discrete"]),
                ],
                path_weights={"discrete": 3, "process": 1},
            ),
            dimension(
                "n",
                [
                    level_indicator("g1b", gate_level=1, weight=3),
                    level_indicator("g2b", gate_level=2, na_allowed=True),
                    level_indicator("g3b", gate_level=3),
                ],
                path_weights={"discrete": 1, "process": 3},
            ),
        ],
    )
    raw["result"] = {
        "rule": "cumulative_gates",
        "status": "unverified",
        "basis": text("测", "Test"),
        "pass_mark": pass_mark,
    }
    return build(raw)


def sme_like_framework() -> Framework:
    """Bands with scenario conditions, like SME 2024 on a small scale.

    Points: dimension pts (scored) holds c1 (choice 0/2/4, weight 4) and c2 (weight 6), so the
    score is 100 × points / 10. Scenarios: dimension sc (unscored) holds s1–s4 level questions,
    s1 and s2 tagged ``constrained``. Bands: 1 at 20 with ≥ 2 scenarios at ≥ 1 of which ≥ 1
    constrained; 2 at 50 with ≥ 3 scenarios at ≥ 2; 3 at 80 with ≥ 2 constrained at ≥ 3.
    """
    scenarios = [
        level_indicator(f"s{k}", tags=["constrained"] if k <= 2 else []) for k in (1, 2, 3, 4)
    ]
    raw = make_framework(
        dimensions=[
            dimension(
                "pts",
                [choice_indicator("c1", weight=4), choice_indicator("c2", weight=6)],
                weight=1,
            ),
            dimension("sc", scenarios, scored=False, weight=None),
        ]
    )
    raw["result"]["bands"] = [
        {
            "level": 1,
            "min_score": 20,
            "conditions": [condition("sc", 1, 2), condition("sc", 1, 1, "constrained")],
        },
        {"level": 2, "min_score": 50, "conditions": [condition("sc", 2, 3)]},
        {"level": 3, "min_score": 80, "conditions": [condition("sc", 3, 2, "constrained")]},
    ]
    return build(raw)
