"""Composite index, common-scale conversion and equivalents, against hand-computed tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from assessment.composite import (
    EQUIVALENT_100,
    composite_index,
    equivalence_text,
    equivalents,
    to_common_scale,
)
from indicators.crosswalk import Crosswalk, load_crosswalk


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _mapping(
    framework: str,
    weight: float,
    native_max: float,
    breakpoints: list[list[float]],
    starts: list[float],
    stages: list[int],
) -> dict[str, Any]:
    return {
        "framework": framework,
        "name": _text(framework.upper(), framework.upper()),
        "weight": weight,
        "status": "ronghe_default",
        "basis": _text("测试", "Test"),
        "native_max": native_max,
        "breakpoints": breakpoints,
        "levels": [
            {"level": k + 1, "name": _text(f"{k + 1}级", f"L{k + 1}"), "min_score": s, "stage": st}
            for k, (s, st) in enumerate(zip(starts, stages, strict=True))
        ],
    }


@pytest.fixture(scope="module")
def walk() -> Crosswalk:
    """Two frameworks: "five" (0–5, linear ×20, weight 3) and "hundred" (0–100, identity, 1)."""
    names = ["起步", "单项", "集成", "优化", "引领"]
    return Crosswalk.model_validate(
        {
            "schema_version": 1,
            "version": "9.1",
            "title": _text("测试", "Test"),
            "status": "ronghe_default",
            "basis": _text("测试", "Test"),
            "stages": [
                {"value": k + 1, "name": _text(n, n), "description": _text(n, n), "min_100": 20 * k}
                for k, n in enumerate(names)
            ],
            "composite": {"name": _text("综合", "Composite"), "method": _text("加权", "Weighted")},
            "mappings": [
                _mapping("five", 3, 5, [[0, 0], [5, 100]], [1, 2, 3, 4], [2, 3, 4, 5]),
                _mapping("hundred", 1, 100, [[0, 0], [100, 100]], [20, 40, 60, 80], [2, 3, 4, 5]),
            ],
        }
    )


def _results(rows: list[tuple[str, str, int | None, float | None]]) -> pd.DataFrame:
    ids, frameworks, levels, scores = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "assessment_id": list(ids),
            "framework_id": list(frameworks),
            "level": pd.array(list(levels), dtype="Int64"),
            "score_100": pd.array(list(scores), dtype="Float64"),
        }
    )


def test_composite_over_a_hand_computed_table(walk: Crosswalk) -> None:
    results = _results(
        [
            ("a", "five", 3, 60.0),
            ("a", "hundred", 2, 40.0),  # (3·60 + 1·40) / 4 = 55 → stage 3
            ("b", "five", 4, 90.0),
            ("b", "hundred", 4, 82.0),  # (270 + 82) / 4 = 88 → stage 5
            ("c", "hundred", 1, 10.0),  # only one framework: 10 → stage 1
        ]
    )
    got = composite_index(results, walk).set_index("assessment_id")
    assert got.loc[["a", "b", "c"], "composite"].tolist() == pytest.approx([55.0, 88.0, 10.0])
    assert got.loc[["a", "b", "c"], "stage"].tolist() == [3, 5, 1]
    assert got.loc[["a", "b", "c"], "frameworks"].tolist() == [2, 2, 1]


def test_weights_renormalise_over_answered_frameworks(walk: Crosswalk) -> None:
    both = _results([("a", "five", None, 40.0), ("a", "hundred", None, 80.0)])
    missing = _results([("a", "five", None, 40.0), ("a", "hundred", None, None)])
    assert composite_index(both, walk)["composite"].iloc[0] == pytest.approx(50.0)
    only_five = composite_index(missing, walk)
    assert only_five["composite"].iloc[0] == pytest.approx(40.0)
    assert only_five["frameworks"].iloc[0] == 1


def test_a_level_without_a_score_counts_at_its_mid_range(walk: Crosswalk) -> None:
    # "hundred" level 2 spans 40..60 → 50; "five" level 4 spans 4..5 → 80..100 → 90.
    results = _results([("a", "hundred", 2, None), ("a", "five", 4, None)])
    common = to_common_scale(results, walk)
    assert common[EQUIVALENT_100].tolist() == pytest.approx([50.0, 90.0])
    assert composite_index(results, walk)["composite"].iloc[0] == pytest.approx((50 + 270) / 4)


def test_no_result_gives_no_composite(walk: Crosswalk) -> None:
    got = composite_index(_results([("z", "five", None, None)]), walk)
    assert np.isnan(got["composite"].iloc[0])
    assert got["stage"].isna().all()
    assert got["frameworks"].iloc[0] == 0


def test_stage_follows_the_native_level_where_reached(walk: Crosswalk) -> None:
    # score 70 alone would be stage 4, but the native level 2 (conditions unmet) maps to stage 3.
    common = to_common_scale(
        _results([("a", "hundred", 2, 70.0), ("b", "hundred", None, 70.0)]), walk
    )
    assert common["stage"].tolist() == [3, 4]


def test_an_unknown_framework_is_named(walk: Crosswalk) -> None:
    with pytest.raises(ValueError, match="mystery"):
        composite_index(_results([("a", "mystery", 1, 50.0)]), walk)


def test_composite_is_invariant_to_row_order(walk: Crosswalk) -> None:
    rng = np.random.default_rng(1)
    results = _results(
        [
            (f"a{i % 7}", ["five", "hundred"][i % 2], None, float(v))
            for i, v in enumerate(rng.uniform(0, 100, 14))
        ]
    )
    forward = composite_index(results, walk).set_index("assessment_id").sort_index()
    shuffled = composite_index(results.sample(frac=1, random_state=3), walk)
    pd.testing.assert_frame_equal(forward, shuffled.set_index("assessment_id").sort_index())


def test_equivalents_of_a_score_go_through_0_to_100(walk: Crosswalk) -> None:
    (hundred,) = equivalents("five", score=3.5, crosswalk=walk)
    assert hundred.framework_id == "hundred"
    assert hundred.score_low == hundred.score_high == pytest.approx(70.0)
    assert hundred.level == 3  # 70 ≥ 60
    assert hundred.basis.en == "Test"


def test_equivalents_of_a_level_match_by_stage(walk: Crosswalk) -> None:
    (hundred,) = equivalents("five", level=1, crosswalk=walk)
    assert (hundred.level, hundred.stage) == (1, 2)
    assert (hundred.score_low, hundred.score_high) == pytest.approx((20.0, 40.0))


def test_equivalents_need_a_level_or_a_score(walk: Crosswalk) -> None:
    with pytest.raises(ValueError, match="level or a score"):
        equivalents("five", crosswalk=walk)


def test_released_crosswalk_says_cmmm_3_is_sme_3_and_dcmm_3() -> None:
    found = {e.framework_id: e for e in equivalents("cmmm", level=3)}
    assert found["sme"].level == 3
    assert found["dcmm"].level == 3
    assert found["dcmm"].level_name is not None
    assert found["dcmm"].level_name.zh == "稳健级"
    line = equivalence_text("cmmm", 3)
    assert line.startswith("智能制造成熟度 3（集成级） ≈ ")
    assert "DCMM 3（稳健级）" in line
    assert "DCMM level 3 (Robust)" in equivalence_text("cmmm", 3, "en")


def test_released_crosswalk_sme_top_level_has_no_stage_5_counterpart_above_it() -> None:
    # SME 四级 sits in stage 4; CMMM 5 (stage 5) maps back to SME's highest level, 四级.
    assert {e.framework_id: e.level for e in equivalents("cmmm", level=5)}["sme"] == 4
    crosswalk = load_crosswalk()
    assert {e.framework_id: e.level for e in equivalents("sme", level=4)}["cmmm"] == 4
    assert crosswalk.mapping("sme").to_100(80) == pytest.approx(60)
