"""Diagnosis of one assessment: contributions, the gap to the next level, recommendations.

Every candidate "raise by one step" (one level up, the next better option, one more ticked
option, the nearest better breakpoint) becomes an extra row of one answer matrix, so all of them
are re-scored by a single :func:`assessment.scoring.score_matrix` call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from assessment import columns as C
from assessment.scoring import (
    ANSWERED,
    AnswerError,
    AnswerMatrix,
    BoolArray,
    FloatArray,
    FrameworkIndex,
    Int8Array,
    IntArray,
    MatrixScores,
    condition_count,
    condition_pool,
    encode,
    framework_index,
    gate_kernel,
    int_or_na,
    parse_answers,
    path_positions,
    score_matrix,
)
from indicators.schema import (
    AnswerType,
    BandsRule,
    Condition,
    CumulativeGatesRule,
    Framework,
    Indicator,
    MeanOfAreasRule,
    Text,
)
from indicators.vocabulary import vocabulary

GAIN_TOLERANCE: Final = 1e-12


@dataclass(frozen=True)
class ConditionGap:
    """A band condition of the next level that does not hold yet."""

    level: int
    dimension_id: str
    tag: str | None
    min_level: int
    min_count: int
    count: int
    message: Text


@dataclass(frozen=True)
class Recommendation:
    """Advice for one indicator that holds the result back, from the framework file."""

    indicator_id: str
    name: Text
    current_level: int | None
    text: Text
    work_points: tuple[str, ...]


@dataclass(frozen=True)
class Diagnosis:
    """Why one assessment scores what it scores and what would raise it.

    ``contributions``: indicator_id, dimension_id, gate_level, score, contribution,
    max_contribution (bands / mean_of_areas: native points that sum to the score; gates: share of
    the indicator's level satisfaction). ``gate_levels``: level, satisfaction, passed (gates
    only). ``raises``: indicator_id, dimension_id, answer, raised_answer, level, raised_level,
    score_gain, level_after, helps_condition, best first. ``score_needed``: native points (gates:
    satisfaction) short of the next level, 0 when they suffice.
    """

    assessment_id: str
    framework_id: str
    score: float
    scale_max: float
    level: int | None
    next_level: int | None
    score_needed: float
    contributions: pd.DataFrame
    gate_levels: pd.DataFrame
    raises: pd.DataFrame
    failed_conditions: tuple[ConditionGap, ...]
    recommendations: tuple[Recommendation, ...]
    missing_required: tuple[str, ...]


def diagnose(
    answers: pd.DataFrame,
    framework: Framework,
    *,
    assessment_id: str | None = None,
    path: str | None = None,
    limit: int = 10,
) -> Diagnosis:
    """Diagnose one assessment of long ``answers`` (the only one, or ``assessment_id``).

    Args:
        answers: canonical long answers.
        framework: the framework version answered.
        assessment_id: which assessment, needed when ``answers`` holds several.
        path: the production path (frameworks with paths; default the first).
        limit: at most this many recommendations.

    Raises:
        AnswerError: invalid answers, or no single assessment to diagnose.
    """
    ids = answers[C.ASSESSMENT_ID].astype(str)
    if assessment_id is None:
        found = ids.unique()
        if len(found) != 1:
            raise AnswerError(f"diagnose needs one assessment; answers hold {len(found)}")
        assessment_id = str(found[0])
    rows = answers[ids == assessment_id]
    matrix = encode(rows, framework, assessment_ids=[assessment_id])
    given = None if path is None else pd.Series({assessment_id: path})
    path_index = path_positions(matrix.assessment_ids, framework, given)
    texts = dict(zip(rows[C.INDICATOR_ID].astype(str), rows[C.ANSWER].astype(str), strict=True))
    return diagnose_matrix(matrix, framework, path_index, texts, limit=limit)


def diagnose_matrix(
    matrix: AnswerMatrix,
    framework: Framework,
    path_index: IntArray,
    texts: dict[str, str],
    *,
    limit: int = 10,
) -> Diagnosis:
    """Diagnose the single row of ``matrix``; ``texts`` maps indicator_id → answer text."""
    index = framework_index(framework)
    base = score_matrix(matrix, framework, path_index)
    current = int(base.level[0])
    target, needed = next_step(base, index)
    gaps = failed_conditions(matrix, base, index, target)
    raises = rank_raises(matrix, base, index, path_index, texts, gaps)
    return Diagnosis(
        assessment_id=str(matrix.assessment_ids[0]),
        framework_id=framework.id,
        score=float(base.score[0]),
        scale_max=base.scale_max,
        level=current or None,
        next_level=target,
        score_needed=needed,
        contributions=contributions(matrix, base, index, int(path_index[0])),
        gate_levels=gate_levels(base, index),
        raises=raises,
        failed_conditions=gaps,
        recommendations=recommendations(raises.head(limit), index),
        missing_required=missing_required(matrix, base, index),
    )


# ----------------------------------------------------------------------------- contributions


def contributions(
    matrix: AnswerMatrix, base: MatrixScores, index: FrameworkIndex, path: int
) -> pd.DataFrame:
    """Each indicator's share of the score (bands, mean_of_areas) or of its level (gates)."""
    used = base.scored[0]
    values = np.where(used, matrix.scores[0], np.nan)
    if isinstance(index.framework.result, CumulativeGatesRule):
        unit = _gate_units(index, used, path)
    else:
        unit = _score_units(index, used, path, base.scale_max)
    return pd.DataFrame(
        {
            C.INDICATOR_ID: list(index.indicator_ids),
            C.DIMENSION_ID: [index.dimension_ids[d] for d in index.dim_of],
            C.GATE_LEVEL: int_or_na(index.gate, index.gate > 0),
            C.SCORE: values,
            C.CONTRIBUTION: np.where(used, unit * np.nan_to_num(values), 0.0),
            C.MAX_CONTRIBUTION: unit,
        }
    )


def _score_units(index: FrameworkIndex, used: BoolArray, path: int, scale: float) -> FloatArray:
    """Native points an answered indicator adds per unit of its normalised score."""
    if isinstance(index.framework.result, MeanOfAreasRule):
        dim_weight = index.scored_dim.astype(np.float64)
    else:
        dim_weight = index.dim_weight[path]
    weights = index.weight * used
    within = np.bincount(index.dim_of, weights=weights, minlength=len(index.dimension_ids))
    present = (within > 0) & (dim_weight > 0)
    share = np.where(present, dim_weight, 0.0)
    share = share / share.sum() if share.sum() > 0 else share
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = scale * share[index.dim_of] * weights / within[index.dim_of]
    return np.where(used, unit, 0.0)


def _gate_units(index: FrameworkIndex, used: BoolArray, path: int) -> FloatArray:
    """Satisfaction an answered requirement adds to its level per unit of its score."""
    top = index.top
    kernel = gate_kernel(index, top).reshape(len(index.indicators), -1, top)[:, path, :]
    weight = kernel[np.arange(len(index.indicators)), np.maximum(index.gate - 1, 0)]
    weight = np.where((index.gate > 0) & used, weight, 0.0)
    per_level = np.bincount(index.gate, weights=weight, minlength=top + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = weight / per_level[index.gate]
    return np.where(weight > 0, unit, 0.0)


def gate_levels(base: MatrixScores, index: FrameworkIndex) -> pd.DataFrame:
    """Satisfaction and pass per gate level (empty unless cumulative_gates)."""
    rule = index.framework.result
    if base.gate_satisfaction is None or not isinstance(rule, CumulativeGatesRule):
        return pd.DataFrame({C.LEVEL: [], C.SATISFACTION: [], C.PASSED: []})
    satisfaction = base.gate_satisfaction[0]
    levels = np.arange(1, len(satisfaction) + 1)
    return pd.DataFrame(
        {
            C.LEVEL: levels,
            C.SATISFACTION: satisfaction,
            C.PASSED: levels <= base.level[0],
        }
    )


# ----------------------------------------------------------------------------- next level


def next_step(base: MatrixScores, index: FrameworkIndex) -> tuple[int | None, float]:
    """The next level above the current one and the score (or satisfaction) still missing."""
    rule = index.framework.result
    current = int(base.level[0])
    total = float(np.nan_to_num(base.score[0]))
    if isinstance(rule, CumulativeGatesRule):
        if current >= index.top or base.gate_satisfaction is None:
            return None, 0.0
        reached = float(np.nan_to_num(base.gate_satisfaction[0][current]))
        return current + 1, max(rule.pass_mark - reached, 0.0)
    steps = rule.bands if isinstance(rule, BandsRule) else rule.thresholds
    above = sorted((s for s in steps if s.level > current), key=lambda s: s.level)
    if not above:
        return None, 0.0
    return above[0].level, max(above[0].min_score - total, 0.0)


def failed_conditions(
    matrix: AnswerMatrix, base: MatrixScores, index: FrameworkIndex, target: int | None
) -> tuple[ConditionGap, ...]:
    """Conditions of the target band that do not hold, with a bilingual message."""
    rule = index.framework.result
    if not isinstance(rule, BandsRule) or target is None:
        return ()
    band = next(b for b in rule.bands if b.level == target)
    answered = (matrix.status == ANSWERED) & base.applicable
    points_suffice = float(np.nan_to_num(base.score[0])) >= band.min_score - 1e-9 * rule.scale_max
    gaps = []
    for condition in band.conditions:
        pool = condition_pool(index, condition.dimension, condition.tag)
        count = int(condition_count(matrix.levels, answered, pool, condition.min_level)[0])
        if count < condition.min_count:
            message = _condition_text(index, target, condition, count, points_suffice)
            gaps.append(
                ConditionGap(
                    target,
                    condition.dimension,
                    condition.tag,
                    condition.min_level,
                    condition.min_count,
                    count,
                    message,
                )
            )
    return tuple(gaps)


def _condition_text(
    index: FrameworkIndex, target: int, condition: Condition, count: int, points_suffice: bool
) -> Text:
    """E.g. "points suffice but only 4 scenarios at 二级 or above, 6 needed"."""
    framework = index.framework
    goal = framework.result_level(target).name
    scale = (framework.answer_scale or ())[condition.min_level - 1].name
    area = next(d for d in framework.dimensions if d.id == condition.dimension).name
    words = vocabulary()  # the tag in words (约束性场景), not its id
    tag_zh = f"（{words.tag(condition.tag, 'zh')}）" if condition.tag else ""
    tag_en = f" ({words.tag(condition.tag, 'en')})" if condition.tag else ""
    return Text(
        zh=f"{'分数已够，但' if points_suffice else ''}达到{goal.zh}需要{area.zh}{tag_zh}中"
        f"至少{condition.min_count}项达到{scale.zh}及以上，目前只有{count}项",
        en=f"{'The points suffice, but ' if points_suffice else ''}{goal.en} needs "
        f"{condition.min_count} of {area.en}{tag_en} at {scale.en} or above; "
        f"only {count} are",
    )


def missing_required(
    matrix: AnswerMatrix, base: MatrixScores, index: FrameworkIndex
) -> tuple[str, ...]:
    """Required applicable indicators left unanswered."""
    missing = (matrix.status[0] == 0) & base.applicable[0] & index.required
    return tuple(index.indicator_ids[j] for j in np.flatnonzero(missing))


# ----------------------------------------------------------------------------- raises


def raise_one_step(indicator: Indicator, text: str, max_level: int) -> str | None:
    """The answer one step better than ``text``, or None when it is already the best."""
    if indicator.answer is AnswerType.LEVEL:
        level = int(text)
        return str(level + 1) if level < max_level else None
    if indicator.answer is AnswerType.BOOLEAN:
        return "yes" if text == "no" else None
    if indicator.answer is AnswerType.CHOICE:
        scores = {o.id: o.score for o in indicator.options or ()}
        better = [o for o in indicator.options or () if o.score > scores[text]]
        return min(better, key=lambda o: o.score).id if better else None
    if indicator.answer is AnswerType.MULTI:
        return _tick_one_more(indicator, text)
    return _next_breakpoint(indicator, text)


def _tick_one_more(indicator: Indicator, text: str) -> str | None:
    """Tick the best unticked option (dropping an exclusive one) if that raises the score."""
    options = indicator.options or ()
    ticked = {t for t in text.split("|") if t} if text else set()
    ticked = {t for t in ticked if not any(o.id == t and o.exclusive for o in options)}
    free = [o for o in options if o.id not in ticked and not o.exclusive and o.score > 0]
    if not free:
        return None
    raw = sum(o.score for o in options if o.id in ticked)
    best = max(free, key=lambda o: o.score)
    cap = indicator.cap if indicator.cap is not None else float("inf")
    if min(raw + best.score, cap) <= min(raw, cap):
        return None
    return "|".join(o.id for o in options if o.id in ticked or o.id == best.id)


def _next_breakpoint(indicator: Indicator, text: str) -> str | None:
    """The nearest breakpoint whose score is above the current one."""
    if indicator.breakpoints is None:
        return None
    value = float(text)
    xs = np.array([x for x, _ in indicator.breakpoints])
    ys = np.array([y for _, y in indicator.breakpoints])
    now = float(np.interp(value, xs, ys))
    better = np.flatnonzero(ys > now + GAIN_TOLERANCE)
    if better.size == 0:
        return None
    nearest = better[np.argmin(np.abs(xs[better] - value))]
    return f"{xs[nearest]:g}"


def rank_raises(
    matrix: AnswerMatrix,
    base: MatrixScores,
    index: FrameworkIndex,
    path_index: IntArray,
    texts: dict[str, str],
    gaps: tuple[ConditionGap, ...],
) -> pd.DataFrame:
    """Re-score every one-step raise at once; rank by level gained, score gained, conditions."""
    candidates = _candidates(matrix, base, index, texts)
    columns, raised, raised_text = candidates
    trial = _trial_matrix(matrix, index, columns, raised)
    scored = score_matrix(trial, index.framework, np.repeat(path_index, len(columns)))
    gain = np.nan_to_num(scored.score) - np.nan_to_num(base.score[0])
    helps = _helps(index, gaps, columns, matrix.levels[0], trial.levels)
    level_gain = scored.level - base.level[0]
    keep = np.flatnonzero((level_gain > 0) | (gain > GAIN_TOLERANCE) | helps)
    keep = keep[np.lexsort((~helps[keep], -gain[keep], -level_gain[keep]))]
    chosen, before = columns[keep], matrix.levels[0][columns[keep]]
    return pd.DataFrame(
        {
            C.INDICATOR_ID: [index.indicator_ids[j] for j in chosen],
            C.DIMENSION_ID: [index.dimension_ids[index.dim_of[j]] for j in chosen],
            C.ANSWER: [texts[index.indicator_ids[j]] for j in chosen],
            C.RAISED_ANSWER: [raised_text[k] for k in keep],
            C.LEVEL: int_or_na(before, before >= 0),
            C.RAISED_LEVEL: int_or_na(raised[1][keep], raised[1][keep] >= 0),
            C.SCORE_GAIN: gain[keep],
            C.LEVEL_AFTER: int_or_na(scored.level[keep], scored.level[keep] > 0),
            C.HELPS_CONDITION: helps[keep],
        }
    )


Candidates = tuple[IntArray, tuple[FloatArray, IntArray], list[str]]


def _candidates(
    matrix: AnswerMatrix, base: MatrixScores, index: FrameworkIndex, texts: dict[str, str]
) -> Candidates:
    """Indicators that can rise one step, their raised score and level, and the new answer."""
    answered = (matrix.status[0] == ANSWERED) & base.applicable[0]
    columns, scores, levels, raised_texts = [], [], [], []
    for j in np.flatnonzero(answered):
        indicator = index.indicators[j]
        raised = raise_one_step(indicator, texts[indicator.id], index.max_level)
        if raised is None:
            continue
        value, level, _, _ = parse_answers(indicator, [raised], index.max_level)[0]
        columns.append(j)
        scores.append(value)
        levels.append(level)
        raised_texts.append(raised)
    return (
        np.array(columns, dtype=np.int64),
        (np.array(scores, dtype=np.float64), np.array(levels, dtype=np.int64)),
        raised_texts,
    )


def _trial_matrix(
    matrix: AnswerMatrix,
    index: FrameworkIndex,
    columns: IntArray,
    raised: tuple[FloatArray, IntArray],
) -> AnswerMatrix:
    """One row per candidate: the assessment with that one answer raised."""
    n = len(columns)
    rows = np.arange(n)
    trial = AnswerMatrix(
        assessment_ids=np.repeat(matrix.assessment_ids, n),
        indicator_ids=index.indicator_ids,
        scores=np.repeat(matrix.scores, n, axis=0),
        levels=np.repeat(matrix.levels, n, axis=0),
        status=np.repeat(matrix.status, n, axis=0),
    )
    trial.scores[rows, columns] = raised[0]
    trial.levels[rows, columns] = raised[1]
    return trial


def _helps(
    index: FrameworkIndex,
    gaps: tuple[ConditionGap, ...],
    columns: IntArray,
    before: Int8Array,
    after: Int8Array,
) -> BoolArray:
    """Whether each raise brings an indicator of a failing condition's pool up to its level."""
    helps = np.zeros(len(columns), dtype=bool)
    rows = np.arange(len(columns))
    for gap in gaps:
        pool = condition_pool(index, gap.dimension_id, gap.tag)
        crosses = (before[columns] < gap.min_level) & (after[rows, columns] >= gap.min_level)
        helps |= crosses & np.isin(columns, pool)
    return helps


def recommendations(raises: pd.DataFrame, index: FrameworkIndex) -> tuple[Recommendation, ...]:
    """The file's advice for each indicator that holds the result back, best raise first."""
    found = []
    positions = {indicator_id: j for j, indicator_id in enumerate(index.indicator_ids)}
    for indicator_id, level in zip(raises[C.INDICATOR_ID], raises[C.LEVEL], strict=True):
        indicator = index.indicators[positions[indicator_id]]
        current = None if level is pd.NA else int(level)
        if indicator.answer is AnswerType.LEVEL and current is not None:
            advice = (indicator.recommendations or {}).get(current)
        else:
            advice = indicator.recommendation
        if advice is not None:
            found.append(
                Recommendation(indicator_id, indicator.name, current, advice, indicator.work_points)
            )
    return tuple(found)
