"""Table-driven tests of the scoring engine; every expectation is worked out by hand."""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assessment import columns as C
from assessment import scoring
from assessment.scoring import (
    ANSWERED,
    MISSING,
    AnswerError,
    AnswerMatrix,
    empty_matrix,
    encode,
    framework_index,
    parse_answers,
    score,
    score_matrix,
)
from assessment.scoring.kernel import TILE
from indicators.loader import FRAMEWORKS_DIR, load_all, load_framework_file
from indicators.schema import AnswerType, BandsRule, Framework, Indicator
from tests.factories import choice_indicator, make_framework, text
from tests.scoring_factories import (
    build,
    dimension,
    gates_framework,
    long_answers,
    mean_framework,
    mixed_framework,
    multi_indicator,
    sme_like_framework,
)

NA = None  # expected "no level"


def overall(framework: Framework, answers: dict[str, str], **kwargs: Any) -> pd.Series:
    """The overall row of one assessment 'a'."""
    result = score(long_answers({"a": answers}), framework, **kwargs)
    return result.overall.iloc[0]


def check(row: pd.Series, expected_score: float, expected_level: int | None) -> None:
    """Score (NaN allowed) and level (None = NA) of an overall row."""
    if math.isnan(expected_score):
        assert math.isnan(row[C.SCORE])
    else:
        assert row[C.SCORE] == pytest.approx(expected_score, abs=1e-9)
    if expected_level is None:
        assert row[C.LEVEL] is pd.NA
    else:
        assert row[C.LEVEL] == expected_level


# ---------------------------------------------------------------- bands, every answer type

FULL = {"lv": "3", "bo": "yes", "ch": "all", "mu": "y|z", "nu": "40", "pc": "50"}

# t (weight 1): lv w1, bo w2; u (weight 3): ch, mu (cap 6), nu (10→0, 20→.5, 40→1), pc (0→0, 50→1)
MIXED_CASES = [
    pytest.param(FULL, 100.0, 3, id="all-full"),
    # t = (1/3·1 + 0·2)/3 = 1/9; u = (1/2 + 2/6 + 1/4)/3 (pc N/A leaves) = 13/36
    # score = 100·(1·1/9 + 3·13/36)/4 = 100·43/144
    pytest.param(
        {"lv": "1", "bo": "no", "ch": "some", "mu": "x", "nu": "15", "pc": "na"},
        100 * 43 / 144,
        1,
        id="na-leaves-denominator",
    ),
    # only u answered: ch 0, mu 10 capped at 6 → 1, nu 5 clamps to 0, pc 25 → .5: u = 1.5/4
    pytest.param(
        {"ch": "none", "mu": "x|y|z", "nu": "5", "pc": "25"},
        37.5,
        1,
        id="cap-clamp-missing-dimension-leaves",
    ),
    # u = (.5 + 3/6 + .5)/3 = .5 → exactly on the 50 band
    pytest.param({"ch": "some", "mu": "y", "nu": "20", "pc": "na"}, 50.0, 2, id="exactly-on-band"),
    # nu above the last breakpoint clamps to 1, empty multi scores 0, u = (1 + 0 + 1)/3
    pytest.param({"ch": "all", "mu": "", "nu": "1e6"}, 100 * 2 / 3, 2, id="empty-multi-clamp-high"),
    pytest.param({"mu": "none"}, 0.0, NA, id="exclusive-alone-scores-zero"),
    pytest.param({"pc": "na"}, math.nan, NA, id="all-na"),
]


@pytest.mark.parametrize(("answers", "expected_score", "expected_level"), MIXED_CASES)
def test_bands_over_every_answer_type(
    answers: dict[str, str], expected_score: float, expected_level: int | None
) -> None:
    check(overall(mixed_framework(), answers), expected_score, expected_level)


def test_score_100_scale_max_and_completeness() -> None:
    row = overall(mixed_framework(), {"ch": "none", "mu": "x|y|z", "nu": "5", "pc": "25"})
    assert row[C.SCALE_MAX] == 100.0
    assert row[C.SCORE_100] == pytest.approx(37.5)
    assert row[C.MISSING_REQUIRED] == 2  # lv and bo; pc is optional
    assert not row[C.COMPLETE]
    assert row[C.COVERAGE] == pytest.approx(4 / 6)


def test_na_is_not_missing_and_optional_is_not_required() -> None:
    row = overall(mixed_framework(), {**FULL, "pc": "na"})
    assert row[C.MISSING_REQUIRED] == 0
    assert row[C.COMPLETE]
    assert row[C.COVERAGE] == 1.0  # N/A leaves the coverage denominator as well


def test_indicator_and_dimension_frames() -> None:
    answers = {"lv": "2", "bo": "yes", "ch": "some", "pc": "na"}
    result = score(long_answers({"a": answers}), mixed_framework())
    rows = result.indicator_scores.set_index(C.INDICATOR_ID)
    assert list(rows.index) == ["lv", "bo", "ch", "mu", "nu", "pc"]
    assert list(rows[C.STATUS]) == ["answered", "answered", "answered", "missing", "missing", "na"]
    assert rows.loc["lv", C.LEVEL] == 2
    assert rows.loc["bo", C.LEVEL] is pd.NA
    assert rows.loc["lv", C.SCORE] == pytest.approx(2 / 3)
    assert math.isnan(rows.loc["mu", C.SCORE])
    assert list(rows[C.WEIGHT]) == [1, 2, 1, 1, 1, 1]
    assert list(rows[C.DIMENSION_ID]) == ["t", "t", "u", "u", "u", "u"]
    dims = result.dimension_scores.set_index(C.DIMENSION_ID)
    assert dims.loc["t", C.SCORE] == pytest.approx((2 / 3 + 2) / 3)
    assert dims.loc["u", C.SCORE] == pytest.approx(0.5)
    assert list(dims[C.ANSWERED]) == [2, 1]
    assert list(dims[C.APPLICABLE]) == [2, 3]
    assert dims.loc["u", C.COVERAGE] == pytest.approx(1 / 3)


def test_dtypes_of_result_frames() -> None:
    result = score(long_answers({"a": FULL, "b": {"lv": "1"}}), mixed_framework())
    assert str(result.overall[C.LEVEL].dtype) == "Int64"
    assert str(result.indicator_scores[C.LEVEL].dtype) == "Int64"
    assert list(result.overall[C.ASSESSMENT_ID]) == ["a", "b"]


def test_points_summing_to_a_threshold_reach_it() -> None:
    """13 × 0.7 + 0.9 + 10 points = 20 exactly, though the float sum is not."""
    options = [{"id": f"o{k}", "label": text("项", "Item"), "score": 0.7} for k in range(13)]
    options.append({"id": "hr", "label": text("人", "HR"), "score": 0.9})
    raw = make_framework(
        dimensions=[
            dimension(
                "pts",
                [
                    choice_indicator("collect", answer="multi", options=options, weight=10),
                    choice_indicator(
                        "system",
                        weight=90,
                        options=[
                            {"id": "none", "label": text("无", "None"), "score": 0},
                            {"id": "full", "label": text("全", "Full"), "score": 10},
                            {"id": "top", "label": text("顶", "Top"), "score": 90},
                        ],
                    ),
                ],
            )
        ]
    )
    ticked = "|".join(o["id"] for o in options)
    check(overall(build(raw), {"collect": ticked, "system": "full"}), 20.0, 1)


# ---------------------------------------------------------------- bands with conditions

# points: c1 (w4), c2 (w6), none/some/all = 0/.5/1 → score = 10·(4·s1 + 6·s2)
# bands: 1 at 20 (≥2 scenarios ≥1, ≥1 constrained ≥1), 2 at 50 (≥3 at ≥2), 3 at 80 (≥2 s1/s2 ≥3)
CONDITION_CASES = [
    pytest.param(
        {"c1": "all", "c2": "all", "s1": "3", "s2": "3", "s3": "3", "s4": "3"},
        100.0,
        3,
        id="points-and-scenarios-hold",
    ),
    pytest.param(
        {"c1": "all", "c2": "all", "s1": "3", "s2": "2", "s3": "3", "s4": "3"},
        100.0,
        2,
        id="points-suffice-one-constrained-short",
    ),
    pytest.param(
        {"c1": "some", "c2": "some", "s1": "2", "s2": "2", "s3": "2", "s4": "0"},
        50.0,
        2,
        id="both-exactly-on-band-2",
    ),
    pytest.param(
        {"c1": "some", "c2": "some", "s1": "2", "s2": "2", "s3": "1", "s4": "1"},
        50.0,
        1,
        id="two-scenarios-at-2-three-needed",
    ),
    pytest.param(
        {"c1": "none", "c2": "all", "s1": "0", "s2": "0", "s3": "1", "s4": "1"},
        60.0,
        NA,
        id="no-constrained-scenario-no-level",
    ),
    pytest.param(
        {"c1": "some", "c2": "none", "s1": "1", "s3": "1"},
        20.0,
        1,
        id="exactly-20-with-minimum-scenarios",
    ),
    pytest.param({"c1": "all", "c2": "all"}, 100.0, NA, id="scenarios-unanswered"),
    pytest.param(
        {"c1": "none", "c2": "some", "s1": "3", "s2": "3", "s3": "3", "s4": "3"},
        30.0,
        1,
        id="scenarios-suffice-points-decide",
    ),
]


@pytest.mark.parametrize(("answers", "expected_score", "expected_level"), CONDITION_CASES)
def test_bands_with_conditions(
    answers: dict[str, str], expected_score: float, expected_level: int | None
) -> None:
    check(overall(sme_like_framework(), answers), expected_score, expected_level)


def test_unscored_dimension_does_not_enter_the_score_but_counts_coverage() -> None:
    result = score(
        long_answers({"a": {"c1": "all", "c2": "none", "s1": "3"}}), sme_like_framework()
    )
    row = result.overall.iloc[0]
    assert row[C.SCORE] == pytest.approx(40.0)
    assert row[C.MISSING_REQUIRED] == 3
    dims = result.dimension_scores.set_index(C.DIMENSION_ID)
    assert dims.loc["sc", C.SCORE] == pytest.approx(1.0)


# ---------------------------------------------------------------- mean_of_areas

# d1: p1, p2 (N/A ok); d2: q1 (w2), q2; d3: r1 (N/A ok); levels 0..3 → /3; scale 5
MEAN_CASES = [
    # d1 = 1 (p2 N/A), d2 = (2·1/3 + 1)/3 = 5/9, d3 = 0 → 5·(14/9)/3
    pytest.param(
        {"p1": "3", "p2": "na", "q1": "1", "q2": "3", "r1": "0"},
        (1, 2, 3),
        5 * 14 / 27,
        2,
        id="weights-inside-areas-only",
    ),
    # d3 N/A leaves the mean: (1/3 + 2/3)/2 = .5 → 2.5, exactly on the level-2 threshold
    pytest.param(
        {"p1": "1", "q1": "2", "q2": "2", "r1": "na"},
        (1, 2.5, 4),
        2.5,
        2,
        id="exactly-on-threshold",
    ),
    pytest.param(
        {"p1": "0", "p2": "0", "q1": "0", "q2": "0", "r1": "0"},
        (1, 2, 3),
        0.0,
        NA,
        id="zero-no-level",
    ),
    pytest.param({"p2": "na", "r1": "na"}, (1, 2, 3), math.nan, NA, id="all-na"),
    pytest.param(
        {"p1": "3", "p2": "3", "q1": "3", "q2": "3", "r1": "3"}, (1, 2, 3), 5.0, 3, id="top"
    ),
]


@pytest.mark.parametrize(("answers", "thresholds", "expected_score", "expected_level"), MEAN_CASES)
def test_mean_of_areas(
    answers: dict[str, str],
    thresholds: tuple[float, ...],
    expected_score: float,
    expected_level: int | None,
) -> None:
    check(overall(mean_framework(thresholds), answers), expected_score, expected_level)


def test_all_na_reports_missing_required() -> None:
    row = overall(mean_framework(), {"p2": "na", "r1": "na"})
    assert row[C.MISSING_REQUIRED] == 3
    assert row[C.COVERAGE] == 0.0


# ---------------------------------------------------------------- cumulative_gates

# level answers /3. discrete: m 3, n 1 → L1 g1a 3, g1b 3; L2 g2a 3, g2b 1; L3 g3a 3, g3b 1
# process: m 1, n 3 → L1 g1a 1, g1b 9; L2 g2a 1, g2b 3; L3 g3a not applicable, g3b 3
ALL3 = dict.fromkeys(("g1a", "g1b", "g2a", "g2b", "g3a", "g3b"), "3")
GATE_CASES = [
    pytest.param(ALL3, "discrete", 0.8, 3.0, 3, id="all-reached"),
    # sat1 = (3·1 + 3·2/3)/6 = 5/6 passes; sat2 = 2/3 fails → 1 + 2/3
    pytest.param(
        {**ALL3, "g1b": "2", "g2a": "2", "g2b": "2"},
        "discrete",
        0.8,
        1 + 2 / 3,
        1,
        id="level-2-fails",
    ),
    # sat1 = (3·1 + 0)/6 = .5 fails although levels 2 and 3 are fully met → 0 + .5, no level
    pytest.param({**ALL3, "g1b": "0"}, "discrete", 0.8, 0.5, NA, id="lower-gate-failed"),
    # process: sat1 = (0 + 9·1)/10 = .9; sat2 = 1·1/1 (g2b N/A); g3a ignored; sat3 = 2/3
    pytest.param(
        {**ALL3, "g1a": "0", "g2b": "na", "g3a": "0", "g3b": "2"},
        "process",
        0.8,
        2 + 2 / 3,
        2,
        id="process-path-weights-na-inapplicable",
    ),
    # the same answers on the discrete path: sat1 = (0 + 3)/6 = .5
    pytest.param(
        {**ALL3, "g1a": "0", "g2b": "na", "g3a": "0", "g3b": "2"},
        "discrete",
        0.8,
        0.5,
        NA,
        id="discrete-path-weights",
    ),
    # pass mark .5: sat1 = (3·1/3 + 3·2/3)/6 = .5 exactly passes; sat2 = 0
    pytest.param(
        {**ALL3, "g1a": "1", "g1b": "2", "g2a": "0", "g2b": "0"},
        "discrete",
        0.5,
        1.0,
        1,
        id="exactly-on-pass-mark",
    ),
    # only level-1 requirements answered: sat2 unknown → 1 + 0
    pytest.param({"g1a": "3", "g1b": "3"}, "discrete", 0.8, 1.0, 1, id="next-level-unanswered"),
    pytest.param({"g2b": "na"}, "discrete", 0.8, math.nan, NA, id="all-na"),
]


@pytest.mark.parametrize(
    ("answers", "path", "pass_mark", "expected_score", "expected_level"), GATE_CASES
)
def test_cumulative_gates(
    answers: dict[str, str],
    path: str,
    pass_mark: float,
    expected_score: float,
    expected_level: int | None,
) -> None:
    paths = pd.Series({"a": path})
    check(overall(gates_framework(pass_mark), answers, paths=paths), expected_score, expected_level)


def test_gates_scale_and_inapplicable_indicator() -> None:
    answers = {**ALL3, "g3a": "0"}
    result = score(
        long_answers({"a": answers}), gates_framework(), paths=pd.Series({"a": "process"})
    )
    row = result.overall.iloc[0]
    assert row[C.SCALE_MAX] == 3.0
    assert row[C.SCORE_100] == pytest.approx(100.0)
    assert row[C.COVERAGE] == 1.0  # g3a does not apply to the process path
    status = result.indicator_scores.set_index(C.INDICATOR_ID)[C.STATUS]
    assert status["g3a"] == "na"


def test_missing_path_means_first_path_and_unknown_path_fails() -> None:
    answers = {**ALL3, "g1b": "0"}
    assert overall(gates_framework(), answers)[C.SCORE] == pytest.approx(0.5)  # discrete
    with pytest.raises(AnswerError, match="unknown path 'hybrid'"):
        overall(gates_framework(), answers, paths=pd.Series({"a": "hybrid"}))


def test_missing_required_under_gates() -> None:
    row = overall(gates_framework(), {"g1a": "3"}, paths=pd.Series({"a": "process"}))
    assert row[C.MISSING_REQUIRED] == 4  # g1b, g2a, g2b, g3b; g3a does not apply
    assert not row[C.COMPLETE]


# ---------------------------------------------------------------- invalid answers

INVALID_CASES = [
    pytest.param("lv", "4", "level outside 0..3", id="level-above-scale"),
    pytest.param("lv", "x", "level outside", id="level-not-a-number"),
    pytest.param("lv", "na", "N/A not allowed", id="na-not-allowed"),
    pytest.param("bo", "maybe", "not 'yes' or 'no'", id="boolean"),
    pytest.param("ch", "most", "unknown option", id="choice-unknown-option"),
    pytest.param("mu", "x|w", "unknown option", id="multi-unknown-option"),
    pytest.param("mu", "none|x", "exclusive option none", id="exclusive-with-others"),
    pytest.param("nu", "abc", "not a number", id="number-not-a-number"),
    pytest.param("nu", "nan", "not a number", id="number-nan"),
    pytest.param("pc", "120", "not a percentage", id="percent-above-100"),
    pytest.param("zz", "1", "indicator not in the framework", id="unknown-indicator"),
]


@pytest.mark.parametrize(("indicator", "answer", "reason"), INVALID_CASES)
def test_invalid_answers_name_assessment_indicator_and_value(
    indicator: str, answer: str, reason: str
) -> None:
    answers = long_answers({"ok": FULL, "bad": {"lv": "1", indicator: answer}})
    with pytest.raises(AnswerError, match=reason) as error:
        score(answers, mixed_framework())
    assert "'bad'" in str(error.value)
    assert f"'{indicator}'" in str(error.value)
    if indicator != "zz":
        assert repr(answer) in str(error.value)


def test_repeated_answer_is_rejected() -> None:
    answers = pd.concat([long_answers({"a": FULL}), long_answers({"a": {"lv": "1"}})])
    with pytest.raises(AnswerError, match="answered more than once"):
        score(answers, mixed_framework())


def test_many_invalid_answers_are_summarised() -> None:
    answers = long_answers({f"a{k}": {"lv": "9"} for k in range(8)})
    with pytest.raises(AnswerError, match=r"and 3 more"):
        score(answers, mixed_framework())


def test_answer_error_is_a_value_error() -> None:
    assert issubclass(AnswerError, ValueError)


# ---------------------------------------------------------------- matrix entry points


def test_encode_holds_scores_levels_and_status() -> None:
    matrix = encode(long_answers({"a": {"lv": "2", "pc": "na", "mu": "x|y"}}), mixed_framework())
    assert matrix.indicator_ids == ("lv", "bo", "ch", "mu", "nu", "pc")
    assert matrix.levels[0].tolist() == [2, -1, -1, -1, -1, -1]
    assert matrix.status[0].tolist() == [1, 0, 0, 1, 0, 2]
    np.testing.assert_allclose(matrix.scores[0], [2 / 3, np.nan, np.nan, 5 / 6, np.nan, np.nan])


def test_assessment_ids_fix_rows_and_keep_unanswered() -> None:
    answers = long_answers({"a": FULL, "b": {"lv": "1"}})
    result = score(answers, mixed_framework(), assessment_ids=["c", "a"])
    assert list(result.overall[C.ASSESSMENT_ID]) == ["c", "a"]
    assert math.isnan(result.overall[C.SCORE].iloc[0])
    assert result.overall[C.MISSING_REQUIRED].iloc[0] == 5


def test_score_matrix_batch_equals_one_at_a_time() -> None:
    framework = sme_like_framework()
    answers = long_answers({str(k): case.values[0] for k, case in enumerate(CONDITION_CASES)})
    together = score_matrix(encode(answers, framework), framework)
    for k, case in enumerate(CONDITION_CASES):
        alone = score(long_answers({"x": case.values[0]}), framework).overall.iloc[0]
        assert together.score[k] == alone[C.SCORE]
        assert together.level[k] == (0 if alone[C.LEVEL] is pd.NA else alone[C.LEVEL])


def test_multi_without_cap_normalises_by_the_option_sum() -> None:
    raw = make_framework(dimensions=[dimension("d", [multi_indicator("m", cap=None)])])
    check(overall(build(raw), {"m": "x|y"}), 50.0, 2)  # (2 + 3) / 10


def test_multi_adds_option_scores_in_file_order() -> None:
    # Float sums depend on their order, and a set of option ids iterates in an order set by the
    # ids' hashes, which change from process to process: summing in set order gave results that
    # differed in the last bit between runs. With 16 namings of the options, some set order is
    # sure to differ from the file order; every one must give the file-order sum.
    scores = [0.2, 0.9, 0.1, 0.45, 0.6, 0.05, 0.7, 0.7]
    in_file_order = functools.reduce(lambda a, b: a + b, scores[:-1])
    assert in_file_order != functools.reduce(lambda a, b: a + b, reversed(scores[:-1]))
    for prefix in "abcdefghijklmnop":
        ids = [f"{prefix}{k}" for k in range(len(scores))]
        options = [
            {"id": i, "label": text(f"项{i}", f"Item {i}"), "score": v}
            for i, v in zip(ids, scores, strict=True)
        ]
        raw = make_framework(
            dimensions=[dimension("d", [multi_indicator("m", options=options, cap=None)])]
        )
        indicator = build(raw).dimensions[0].indicators[0]
        parsed = parse_answers(indicator, ["|".join(reversed(ids[:-1]))], 5)
        assert parsed[0][0] == in_file_order / indicator.max_score, prefix


# ---------------------------------------------------------------- SME 2024 (scoring-rules §1.1/1.3)


@functools.cache
def sme_2024() -> Framework:
    """The released SME 2024 file; skipped only while it does not exist."""
    path = FRAMEWORKS_DIR / "sme" / "2024.1.yaml"
    if not path.exists():
        pytest.skip("indicators/frameworks/sme/2024.1.yaml not written yet")
    return load_framework_file(path)


UNIT = Fraction(1, 200)  # every SME point value is a multiple of 0.005


def points_answers(framework: Framework, target: Fraction) -> dict[str, str]:
    """Answers to the point questions worth exactly ``target`` points (subset-sum in 0.005s)."""
    scored = [i for d in framework.dimensions if d.scored for i in d.indicators]
    menus = [answer_values(i) for i in scored]
    goal = int(target / UNIT)
    reach = [np.zeros(goal + 1, dtype=bool)]
    reach[0][0] = True
    for menu in menus:
        step = np.zeros(goal + 1, dtype=bool)
        for value in menu.values():
            step[value:] |= reach[-1][: goal + 1 - value] if value <= goal else False
        reach.append(step)
    assert reach[-1][goal], f"cannot make {target} points"
    answers: dict[str, str] = {}
    for k in range(len(scored), 0, -1):
        answer, value = next(
            (a, v) for a, v in menus[k - 1].items() if v <= goal and reach[k - 1][goal - v]
        )
        answers[scored[k - 1].id] = answer
        goal -= value
    return answers


@functools.cache
def answer_values(indicator: Indicator) -> dict[str, int]:
    """Each distinct point value an indicator can pay (in UNITs), with one answer paying it."""
    exact = {o.id: Fraction(str(o.score)) / UNIT for o in indicator.options or ()}
    assert all(p.denominator == 1 for p in exact.values())
    points = {option: int(value) for option, value in exact.items()}
    if indicator.answer is AnswerType.CHOICE:
        return points
    plain = [o.id for o in indicator.options or () if not o.exclusive]
    by_value = {
        sum(points[o] for o in ticked): "|".join(ticked)
        for n in range(len(plain) + 1)
        for ticked in combinations(plain, n)
    }
    return {answer: value for value, answer in by_value.items()}


def scenario_answers(
    framework: Framework, constrained: int, guiding: int, level: int, rest: int
) -> dict[str, str]:
    """``constrained`` constrained and ``guiding`` other scenarios at ``level``, the rest at
    ``rest`` (the scenario dimension and tag are those the band conditions name)."""
    rule = framework.result
    assert isinstance(rule, BandsRule)
    tagged = next(c for b in rule.bands for c in b.conditions if c.tag)
    pool = framework.dimensions[[d.id for d in framework.dimensions].index(tagged.dimension)]
    hard = [i.id for i in pool.indicators if tagged.tag in i.tags]
    soft = [i.id for i in pool.indicators if tagged.tag not in i.tags]
    raised = hard[:constrained] + soft[:guiding]
    return {i.id: str(level if i.id in raised else rest) for i in pool.indicators}


SME_CASES = [
    # 40 points (S ≥ 40) and 6 scenarios at 二级, 3 of them constrained: 二级, both exactly
    pytest.param(40, (3, 3, 2, 1), 2, id="both-hold-exactly-level-2"),
    # 85 points would reach 四级, but only 4 scenarios at 二级 (6 needed): 一级 (16 at ≥ 一级)
    pytest.param(85, (3, 1, 2, 1), 1, id="points-suffice-scenarios-do-not"),
    # 60 points, 8 scenarios at 三级 but only 4 constrained (5 needed): 二级
    pytest.param(60, (4, 4, 3, 2), 2, id="four-constrained-at-3-five-needed"),
    # 50 points, 6 at 二级 but only 2 constrained (3 needed): 一级
    pytest.param(50, (2, 4, 2, 1), 1, id="two-constrained-at-2-three-needed"),
    # 80 points, 10 at 四级 of which 6 constrained, the rest at 三级: 四级 exactly
    pytest.param(80, (6, 4, 4, 3), 4, id="both-hold-exactly-level-4"),
    # 20 points (data collection 13 × 0.7 + 0.9 plus 10), 6 at 一级 of which 3 constrained
    pytest.param(20, (3, 3, 1, 0), 1, id="twenty-points-from-0-7-sums"),
    # 19.5 points with every scenario at 四级: below the lowest band
    pytest.param(Fraction("19.5"), (10, 6, 4, 4), None, id="points-below-20"),
]


@pytest.mark.parametrize(("points", "scenarios", "expected_level"), SME_CASES)
def test_sme_2024_points_and_scenarios(
    points: int | Fraction, scenarios: tuple[int, int, int, int], expected_level: int | None
) -> None:
    framework = sme_2024()
    answers = points_answers(framework, Fraction(points)) | scenario_answers(framework, *scenarios)
    check(overall(framework, answers), float(points), expected_level)


# ---------------------------------------------------------------- one row alone, as in a batch


def random_matrix(framework: Framework, rows: int, seed: int) -> AnswerMatrix:
    """Random valid encoded answers: about 5 % unanswered and 5 % N/A where allowed."""
    rng = np.random.default_rng(seed)
    matrix = empty_matrix(np.arange(rows).astype(str).astype(object), framework_index(framework))
    for j, indicator in enumerate(framework.indicators):
        texts = [str(k) for k in range(framework.max_answer_level + 1)]
        if indicator.answer is not AnswerType.LEVEL:
            texts = ["yes", "no"] if indicator.answer is AnswerType.BOOLEAN else []
            texts += [o.id for o in indicator.options or ()]
            texts += [f"{x:g}" for x, _ in indicator.breakpoints or ()]
        parsed = parse_answers(indicator, texts, framework.max_answer_level)
        parsed = [p for p in parsed if p[2] == ANSWERED] or [(np.nan, -1, ANSWERED, "")]
        pick = rng.integers(0, len(parsed), rows)
        draw = rng.random(rows)
        status = np.where(draw < 0.05, MISSING, ANSWERED)
        if indicator.na_allowed:
            status = np.where((draw >= 0.05) & (draw < 0.1), scoring.NA, status)
        answered = status == ANSWERED
        matrix.scores[:, j] = np.where(answered, [parsed[k][0] for k in pick], np.nan)
        matrix.levels[:, j] = np.where(answered, [parsed[k][1] for k in pick], -1)
        matrix.status[:, j] = status
    return matrix


def single_row(matrix: AnswerMatrix, row: int) -> AnswerMatrix:
    """Row ``row`` of ``matrix`` as a matrix of its own (a fresh copy)."""
    take = slice(row, row + 1)
    return AnswerMatrix(
        matrix.assessment_ids[take],
        matrix.indicator_ids,
        matrix.scores[take].copy(),
        matrix.levels[take].copy(),
        matrix.status[take].copy(),
    )


MATRIX_FIELDS = ("scored", "applicable", "dimension", "answered", "applicable_count", "score")
TOTAL_FIELDS = ("score", "level", "coverage", "missing_required", "gate_satisfaction")


@pytest.mark.parametrize("framework_id", sorted(load_all()))
def test_one_row_alone_scores_bit_for_bit_as_in_a_large_batch(
    framework_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows in every lane of the kernel's tiles, split over threads, and as row-major copies."""
    framework = load_all()[framework_id]
    rows = 2 * TILE + 37
    matrix = random_matrix(framework, rows, seed=len(framework_id))
    paths = np.random.default_rng(1).integers(0, len(framework.paths or ((),)), rows)
    monkeypatch.setattr(scoring, "BLOCK_ROWS", TILE - 5)  # several threads, uneven blocks
    together = score_matrix(matrix, framework, paths)
    totals = score_matrix(matrix, framework, paths, detail=False)
    row_major = AnswerMatrix(
        matrix.assessment_ids,
        matrix.indicator_ids,
        np.ascontiguousarray(matrix.scores),
        np.ascontiguousarray(matrix.levels),
        np.ascontiguousarray(matrix.status),
    )
    copied = score_matrix(row_major, framework, paths)
    for name in TOTAL_FIELDS:
        for other in (totals, copied):
            np.testing.assert_array_equal(getattr(other, name), getattr(together, name))
    assert totals.dimension.shape == (rows, 0)
    for row in [0, 1, TILE - 1, TILE, TILE + 1, 2 * TILE, rows - 1, *range(100, 2000, 97)]:
        alone = score_matrix(single_row(matrix, row), framework, paths[row : row + 1])
        for name in MATRIX_FIELDS + TOTAL_FIELDS:
            expected = getattr(together, name)
            if expected is None:
                assert getattr(alone, name) is None
                continue
            got = getattr(alone, name)[0]
            assert np.array_equal(got, expected[row], equal_nan=True), (name, row)
            assert np.asarray(got).tobytes() == np.asarray(expected[row]).tobytes(), (name, row)
