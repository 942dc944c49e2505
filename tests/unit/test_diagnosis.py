"""Diagnosis: contributions, the gap to the next level, ranked raises and recommendations."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment import columns as C
from assessment.diagnosis import Diagnosis, diagnose, raise_one_step
from assessment.scoring import AnswerError
from indicators.schema import Framework
from tests.scoring_factories import (
    gates_framework,
    long_answers,
    mean_framework,
    mixed_framework,
    sme_like_framework,
)


def diagnosis_of(framework: Framework, answers: dict[str, str], **kwargs: str) -> Diagnosis:
    """Diagnose one assessment 'a'."""
    return diagnose(long_answers({"a": answers}), framework, **kwargs)


# mixed: t (W 1): lv w1, bo w2; u (W 3): ch, mu (x2 y3 z5, cap 6), nu (10→0, 20→.5, 40→1), pc
# t = (1/3 + 2)/3 = 7/9, u = (.5 + 1/3 + .5)/3 = 4/9 → score = 100·(7/9 + 3·4/9)/4 = 475/9
MIXED = {"lv": "1", "bo": "yes", "ch": "some", "mu": "x", "nu": "20", "pc": "na"}


def test_bands_gap_and_ranked_raises() -> None:
    found = diagnosis_of(mixed_framework(), MIXED)
    assert found.score == pytest.approx(475 / 9)
    assert found.level == 2
    assert found.next_level == 3
    assert found.score_needed == pytest.approx(80 - 475 / 9)
    assert found.failed_conditions == ()
    raises = found.raises
    # mu x → x|z: 7 capped at 6 → u +2/9 → +100·3·(2/9)/4; ch, nu +1/6 in u → +12.5 (file
    # order breaks the tie); lv 1 → 2: t +1/9 → +100·(1/9)/4
    assert list(raises[C.INDICATOR_ID]) == ["mu", "ch", "nu", "lv"]
    assert list(raises[C.RAISED_ANSWER]) == ["x|z", "all", "40", "2"]
    assert list(raises[C.SCORE_GAIN]) == pytest.approx([50 / 3, 12.5, 12.5, 25 / 9])
    assert list(raises[C.LEVEL_AFTER]) == [2, 2, 2, 2]
    assert raises[C.LEVEL].tolist()[3] == 1
    assert raises[C.RAISED_LEVEL].tolist()[3] == 2


def test_bands_contributions_sum_to_the_score() -> None:
    found = diagnosis_of(mixed_framework(), MIXED)
    rows = found.contributions.set_index(C.INDICATOR_ID)
    assert rows[C.CONTRIBUTION].sum() == pytest.approx(found.score)
    # lv: 100 · (1/4) · (1/3) · (1/3); ch: 100 · (3/4) · (1/3) · .5; pc N/A contributes nothing
    assert rows.loc["lv", C.CONTRIBUTION] == pytest.approx(100 / 36)
    assert rows.loc["ch", C.CONTRIBUTION] == pytest.approx(12.5)
    assert rows.loc["ch", C.MAX_CONTRIBUTION] == pytest.approx(25.0)
    assert rows.loc["pc", C.CONTRIBUTION] == 0.0
    assert rows.loc["pc", C.MAX_CONTRIBUTION] == 0.0


def test_recommendations_follow_the_ranking() -> None:
    found = diagnosis_of(mixed_framework(), MIXED)
    assert [r.indicator_id for r in found.recommendations] == ["mu", "ch", "nu", "lv"]
    level = found.recommendations[3]
    assert level.current_level == 1
    assert level.text.en == "Rise from level 1"  # recommendations[current level]
    assert level.work_points == ("wp6",)
    assert found.recommendations[0].text.en == "Widen coverage"
    assert found.recommendations[0].current_level is None


def test_limit_caps_recommendations() -> None:
    found = diagnose(long_answers({"a": MIXED}), mixed_framework(), limit=2)
    assert len(found.recommendations) == 2
    assert len(found.raises) == 4


def test_points_suffice_but_a_condition_fails() -> None:
    answers = {"c1": "all", "c2": "all", "s1": "3", "s2": "2", "s3": "3", "s4": "3"}
    found = diagnosis_of(sme_like_framework(), answers)
    assert (found.level, found.next_level, found.score_needed) == (2, 3, 0.0)
    (gap,) = found.failed_conditions
    assert (gap.level, gap.dimension_id, gap.tag) == (3, "sc", "constrained")
    assert (gap.min_level, gap.min_count, gap.count) == (3, 2, 1)
    assert gap.message.en.startswith("The points suffice, but Level 3 needs 2 of")
    assert gap.message.zh.startswith("分数已够")
    assert "只有1项" in gap.message.zh
    assert "（约束性场景）" in gap.message.zh  # the tag in words, not its id
    assert "constrained" not in gap.message.zh
    # raising s2 to 3 scores nothing (unscored scenarios) but completes the band
    (row,) = found.raises.to_dict("records")
    assert row[C.INDICATOR_ID] == "s2"
    assert row[C.SCORE_GAIN] == 0.0
    assert row[C.LEVEL_AFTER] == 3
    assert row[C.HELPS_CONDITION]
    assert found.recommendations[0].text.en == "Rise from level 2"


def test_points_short_and_conditions_short_without_level() -> None:
    answers = {"c1": "none", "c2": "some", "s1": "0", "s2": "0", "s3": "1", "s4": "1"}
    found = diagnosis_of(sme_like_framework(), answers)
    assert found.level is None
    assert found.next_level == 1
    assert found.score_needed == 0.0  # 30 points ≥ 20
    (gap,) = found.failed_conditions
    assert (gap.tag, gap.min_count, gap.count) == ("constrained", 1, 0)
    helpers = found.raises[found.raises[C.HELPS_CONDITION]]
    assert set(helpers[C.INDICATOR_ID]) == {"s1", "s2"}
    assert set(found.raises[C.INDICATOR_ID][:2]) == {"s1", "s2"}  # they reach level 1


# gates discrete: L1 g1a 3, g1b 3; L2 g2a 3, g2b 1; L3 g3a 3, g3b 1; pass mark .8
GATES = {"g1a": "3", "g1b": "2", "g2a": "2", "g2b": "2", "g3a": "3", "g3b": "3"}


def test_gates_levels_gap_and_raises() -> None:
    found = diagnosis_of(gates_framework(), GATES)
    assert found.score == pytest.approx(1 + 2 / 3)
    assert (found.level, found.next_level) == (1, 2)
    assert found.score_needed == pytest.approx(0.8 - 2 / 3)
    levels = found.gate_levels
    assert list(levels[C.SATISFACTION]) == pytest.approx([5 / 6, 2 / 3, 1.0])
    assert list(levels[C.PASSED]) == [True, False, False]
    # g2a 2 → 3: sat2 = (3 + 2/3)/4 ≥ .8 and sat3 = 1 → 3.0; g2b: sat2 = 3/4 → 1.75;
    # g1b 2 → 3 lifts level 1 only, which is passed already: no gain, not listed
    raises = found.raises
    assert list(raises[C.INDICATOR_ID]) == ["g2a", "g2b"]
    assert list(raises[C.SCORE_GAIN]) == pytest.approx([3 - 5 / 3, 1.75 - 5 / 3])
    assert list(raises[C.LEVEL_AFTER]) == [3, 1]


def test_gates_contributions_sum_to_each_level() -> None:
    found = diagnosis_of(gates_framework(), GATES)
    rows = found.contributions
    per_level = rows.groupby(C.GATE_LEVEL)[C.CONTRIBUTION].sum()
    assert list(per_level) == pytest.approx([5 / 6, 2 / 3, 1.0])
    g2a = rows.set_index(C.INDICATOR_ID).loc["g2a"]
    assert g2a[C.CONTRIBUTION] == pytest.approx(3 * (2 / 3) / 4)


def test_gates_path_changes_the_weights() -> None:
    found = diagnosis_of(gates_framework(), {**GATES, "g1a": "0", "g1b": "3"}, path="process")
    # process: sat1 = (0 + 9)/10 = .9; sat2 = (1·2/3 + 3·2/3)/4 = 2/3
    assert list(found.gate_levels[C.SATISFACTION])[:2] == pytest.approx([0.9, 2 / 3])
    assert found.level == 1


def test_mean_of_areas_contributions_and_missing() -> None:
    found = diagnosis_of(mean_framework(), {"p1": "3", "q1": "1", "q2": "3"})
    # d1 = 1, d2 = 5/9, d3 unanswered → 5 · (14/9)/2
    assert found.score == pytest.approx(35 / 9)
    assert found.contributions[C.CONTRIBUTION].sum() == pytest.approx(35 / 9)
    assert found.missing_required == ("p2", "r1")
    assert found.level == 3
    assert found.next_level is None
    assert found.score_needed == 0.0


def test_top_result_has_nothing_to_raise() -> None:
    answers = {"lv": "3", "bo": "yes", "ch": "all", "mu": "x|y|z", "nu": "99", "pc": "50"}
    found = diagnosis_of(mixed_framework(), answers)
    assert found.next_level is None
    assert found.raises.empty
    assert found.recommendations == ()


def test_one_assessment_is_required() -> None:
    answers = long_answers({"a": MIXED, "b": {"lv": "2"}})
    with pytest.raises(AnswerError, match="one assessment"):
        diagnose(answers, mixed_framework())
    assert diagnose(answers, mixed_framework(), assessment_id="b").missing_required == (
        "bo",
        "ch",
        "mu",
        "nu",
    )


RAISE_CASES = [
    ("lv", "1", "2"),
    ("lv", "3", None),
    ("bo", "no", "yes"),
    ("bo", "yes", None),
    ("ch", "none", "some"),
    ("ch", "all", None),
    ("mu", "", "z"),
    ("mu", "none", "z"),
    ("mu", "y", "y|z"),
    ("mu", "x|z", None),  # 7 is capped at 6 already
    ("nu", "15", "20"),  # .25 now; the nearest better breakpoint is 20 (.5)
    ("nu", "40", None),
    ("pc", "25", "50"),
]


@pytest.mark.parametrize(("indicator_id", "answer", "raised"), RAISE_CASES)
def test_raise_one_step(indicator_id: str, answer: str, raised: str | None) -> None:
    framework = mixed_framework()
    indicator = next(i for i in framework.indicators if i.id == indicator_id)
    assert raise_one_step(indicator, answer, framework.max_answer_level) == raised


def test_diagnosis_is_plain_frozen_data() -> None:
    found = diagnosis_of(mixed_framework(), MIXED)
    with pytest.raises(AttributeError):
        found.level = 3  # type: ignore[misc]
    assert isinstance(found.contributions, pd.DataFrame)
