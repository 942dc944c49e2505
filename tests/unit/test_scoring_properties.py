"""Hypothesis properties of the scoring engine over the test frameworks and the released files."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import columns as C
from assessment.scoring import parse_answers, score
from indicators.loader import load_all
from indicators.schema import AnswerType, Framework, Indicator
from tests.scoring_factories import (
    gates_framework,
    long_answers,
    mean_framework,
    mixed_framework,
    sme_like_framework,
)

PROPERTY_SETTINGS = settings(
    derandomize=True,
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@functools.cache
def frameworks() -> dict[str, Framework]:
    """Every test framework and every released framework file."""
    found = {
        "mixed": mixed_framework(),
        "mean": mean_framework(),
        "gates": gates_framework(),
        "sme_like": sme_like_framework(),
    }
    return found | {f"file_{key}": value for key, value in load_all().items()}


FRAMEWORK_NAMES = ["mixed", "mean", "gates", "sme_like", "file_sme", "file_cmmm", "file_dcmm"]


def framework_named(name: str) -> Framework:
    """A framework by test name; a released file not written yet skips."""
    if name not in frameworks():
        pytest.skip(f"{name} not released yet")
    return frameworks()[name]


def menu(indicator: Indicator, max_level: int) -> tuple[str, ...]:
    """A finite set of valid non-N/A answers covering the indicator's range and edges."""
    if indicator.answer is AnswerType.LEVEL:
        return tuple(str(k) for k in range(max_level + 1))
    if indicator.answer is AnswerType.BOOLEAN:
        return ("yes", "no")
    options = indicator.options or ()
    if indicator.answer is AnswerType.CHOICE:
        return tuple(o.id for o in options)
    if indicator.answer is AnswerType.MULTI:
        plain = [o.id for o in options if not o.exclusive]
        subsets = ["", *plain, "|".join(plain[::2]), "|".join(plain[1::2]), "|".join(plain)]
        return tuple(subsets + [o.id for o in options if o.exclusive])
    xs = [x for x, _ in indicator.breakpoints or ((0.0, 0.0), (100.0, 1.0))]
    if indicator.answer is AnswerType.PERCENT:
        low, high = max(xs[0] - 10, 0.0), min(xs[-1] + 10, 100.0)
    else:
        low, high = xs[0] - 10, xs[-1] + 10
    return tuple(f"{x:g}" for x in sorted({low, *xs, *np.linspace(low, high, 7).round(3), high}))


def answer_menu(indicator: Indicator, max_level: int) -> tuple[str | None, ...]:
    """The menu plus N/A where allowed and None for unanswered."""
    extra = ("na", None) if indicator.na_allowed else (None,)
    return menu(indicator, max_level) + extra


@st.composite
def assessment(draw: st.DrawFn, framework: Framework) -> dict[str, str]:
    """One assessment's answers (unanswered indicators left out): one integer per indicator."""
    n = len(framework.indicators)
    picks = draw(st.lists(st.integers(0, 255), min_size=n, max_size=n))
    found = {}
    for indicator, pick in zip(framework.indicators, picks, strict=True):
        choices = answer_menu(indicator, framework.max_answer_level)
        answer = choices[pick % len(choices)]
        if answer is not None:
            found[indicator.id] = answer
    return found


def path_series(framework: Framework, ids: list[str], draw: st.DrawFn) -> pd.Series | None:
    """A random production path per assessment (None when the framework has none)."""
    if framework.paths is None:
        return None
    choices = [p.id for p in framework.paths]
    return pd.Series({a: draw(st.sampled_from(choices)) for a in ids})


def normalised(indicator: Indicator, answer: str, max_level: int) -> float:
    """The normalised score of one answer."""
    return parse_answers(indicator, [answer], max_level)[0][0]


def assert_not_lower(low: pd.DataFrame, high: pd.DataFrame, column: str) -> None:
    """Every value of ``high`` is ≥ the one of ``low`` (NaN pairs allowed)."""
    a = low[column].astype("float64").fillna(-1.0).to_numpy()
    b = high[column].astype("float64").fillna(-1.0).to_numpy()
    assert (b >= a - 1e-9).all(), (a, b)


@pytest.mark.parametrize("name", FRAMEWORK_NAMES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_raising_an_answer_never_lowers_any_score(name: str, data: st.DataObject) -> None:
    framework = framework_named(name)
    before = data.draw(assessment(framework))
    answered = [i for i in framework.indicators if i.id in before and before[i.id] != "na"]
    if not answered:
        return
    indicator = data.draw(st.sampled_from(answered))
    other = data.draw(st.sampled_from(menu(indicator, framework.max_answer_level)))
    level = framework.max_answer_level
    pair = sorted([before[indicator.id], other], key=lambda a: normalised(indicator, a, level))
    low, high = {**before, indicator.id: pair[0]}, {**before, indicator.id: pair[1]}
    path = path_series(framework, ["low"], data.draw)
    paths = None if path is None else pd.Series({"low": path["low"], "high": path["low"]})
    result = score(long_answers({"low": low, "high": high}), framework, paths=paths)
    rows = result.overall.set_index(C.ASSESSMENT_ID)
    for column in (C.SCORE, C.LEVEL):
        assert_not_lower(rows.loc[["low"]], rows.loc[["high"]], column)
    dims = result.dimension_scores
    assert_not_lower(
        dims[dims[C.ASSESSMENT_ID] == "low"].reset_index(),
        dims[dims[C.ASSESSMENT_ID] == "high"].reset_index(),
        C.SCORE,
    )


@pytest.mark.parametrize("name", FRAMEWORK_NAMES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_row_order_does_not_matter(name: str, data: st.DataObject) -> None:
    framework = framework_named(name)
    batch = data.draw(st.lists(assessment(framework), min_size=1, max_size=4))
    answers = long_answers({f"a{k}": given for k, given in enumerate(batch)})
    ids = [f"a{k}" for k in range(len(batch))]
    paths = path_series(framework, ids, data.draw)
    order = data.draw(st.permutations(list(range(len(answers)))))
    shuffled = answers.iloc[list(order)]
    first = score(answers, framework, paths=paths, assessment_ids=ids)
    second = score(shuffled, framework, paths=paths, assessment_ids=ids)
    for frame in ("overall", "dimension_scores", "indicator_scores"):
        pd.testing.assert_frame_equal(getattr(first, frame), getattr(second, frame))


@pytest.mark.parametrize("name", FRAMEWORK_NAMES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_scores_stay_in_range(name: str, data: st.DataObject) -> None:
    framework = framework_named(name)
    batch = data.draw(st.lists(assessment(framework), min_size=1, max_size=4))
    ids = [f"a{k}" for k in range(len(batch))]
    paths = path_series(framework, ids, data.draw)
    answers = long_answers(dict(zip(ids, batch, strict=True)))
    result = score(answers, framework, paths=paths, assessment_ids=ids)
    top = result.overall[C.SCALE_MAX].iloc[0]
    scores = result.overall[C.SCORE].dropna()
    assert ((scores >= 0) & (scores <= top + 1e-9)).all()
    assert result.overall[C.SCORE_100].dropna().between(0, 100 + 1e-9).all()
    assert result.dimension_scores[C.SCORE].dropna().between(0, 1 + 1e-12).all()
    assert result.indicator_scores[C.SCORE].dropna().between(0, 1).all()
    assert result.overall[C.COVERAGE].dropna().between(0, 1).all()
    levels = set(result.overall[C.LEVEL].dropna())
    assert levels <= {level.value for level in framework.result_levels}
    required = sum(i.required for i in framework.indicators)
    assert result.overall[C.MISSING_REQUIRED].between(0, required).all()


@pytest.mark.parametrize("name", FRAMEWORK_NAMES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_single_and_batch_agree_exactly(name: str, data: st.DataObject) -> None:
    framework = framework_named(name)
    batch = data.draw(st.lists(assessment(framework), min_size=2, max_size=4))
    ids = [f"a{k}" for k in range(len(batch))]
    paths = path_series(framework, ids, data.draw)
    answers = long_answers(dict(zip(ids, batch, strict=True)))
    together = score(answers, framework, paths=paths, assessment_ids=ids)
    for k, assessment_id in enumerate(ids):
        alone = score(answers, framework, paths=paths, assessment_ids=[assessment_id])
        expected = together.overall.iloc[[k]].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone.overall, expected, check_exact=True)
        dims = together.dimension_scores
        expected_dims = dims[dims[C.ASSESSMENT_ID] == assessment_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone.dimension_scores, expected_dims, check_exact=True)


def test_released_files_score_without_error_at_both_ends() -> None:
    for framework in frameworks().values():
        top = {i.id: best_answer(i, framework.max_answer_level) for i in framework.indicators}
        result = score(long_answers({"top": top}), framework)
        row = result.overall.iloc[0]
        assert row[C.SCORE_100] == pytest.approx(100.0), framework.id
        assert row[C.LEVEL] == max(level.value for level in framework.result_levels), framework.id


def best_answer(indicator: Indicator, max_level: int) -> str:
    """The answer with the highest score."""
    if indicator.answer is AnswerType.LEVEL:
        return str(max_level)
    if indicator.answer is AnswerType.BOOLEAN:
        return "yes"
    options = indicator.options or ()
    if indicator.answer is AnswerType.CHOICE:
        return max(options, key=lambda o: o.score).id
    if indicator.answer is AnswerType.MULTI:
        return "|".join(o.id for o in options if not o.exclusive)
    points = indicator.breakpoints or ((0.0, 1.0),)
    x_best = max(points, key=lambda point: point[1])[0]
    return f"{np.float64(x_best)}"
