"""The indicator-framework file format, as pydantic models.

A framework file (``indicators/frameworks/<id>/<version>.yaml``) is validated against
:class:`Framework`. Every model is frozen and rejects unknown keys, so a typo in a released
file fails loudly instead of being ignored.

Scoring conventions the files rely on (implemented in ``assessment.scoring``):

* every answer maps to a normalised score in [0, 1];
* weights are positive and relative: a dimension score is the weight-normalised mean of its
  answered indicators, so weights need not sum to 1 (the SME file uses points as weights);
* unanswered and N/A indicators leave the denominator and are reported as coverage.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
WORK_POINT_PATTERN = r"^wp([1-9]|1[0-7])$"

Identifier = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
WorkPoint = Annotated[str, Field(pattern=WORK_POINT_PATTERN)]
PositiveWeight = Annotated[float, Field(gt=0)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Model):
    """A user-facing text in Simplified Chinese and English; both are required."""

    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("zh" or "en"); anything else falls back to Chinese."""
        return self.en if lang == "en" else self.zh


class SourceStatus(StrEnum):
    """How far a fact was confirmed (see shared/reference: [V], [P], [U])."""

    VERIFIED = "verified"
    PARTLY_VERIFIED = "partly_verified"
    UNVERIFIED = "unverified"


class Source(_Model):
    """A document a framework follows, with how far it was confirmed.

    ``checked_against`` names the document (and where it was read) that a ``verified`` or
    ``partly_verified`` claim was checked against; from the issue-14 versions on every verified
    source names one (tests/data/test_frameworks.py checks the newest versions).
    """

    id: Identifier
    citation: Annotated[str, Field(min_length=1)]
    status: SourceStatus
    note: Text | None = None
    checked_against: Annotated[str, Field(min_length=1)] | None = None


class NextEdition(_Model):
    """A documented slot: a newer edition of the standard that no released version implements
    yet, with what is known of it and why it is not released."""

    edition: Annotated[str, Field(min_length=1)]
    status: SourceStatus
    note: Text
    checked_against: Annotated[str, Field(min_length=1)] | None = None


class FineKind(StrEnum):
    """How a statutory fine is set (the ``ronghe penalty`` input's ``kind`` where it has one)."""

    AMOUNT = "amount"  # yuan, minimum … maximum
    MULTIPLE = "multiple"  # multiples of the illegal gains
    REVENUE_SHARE = "revenue_share"  # percent of the previous year's turnover (a ceiling)


class Provision(_Model):
    """A statutory fine provision that a dimension or indicator relates to (law and article,
    kind and range), with how far its wording was checked."""

    id: Identifier
    law: Annotated[str, Field(min_length=1)]  # e.g. 《中华人民共和国数据安全法》
    article: Annotated[str, Field(min_length=1)]  # e.g. 第四十五条第一款
    kind: FineKind
    minimum: Annotated[float, Field(ge=0)] = 0.0
    maximum: Annotated[float, Field(gt=0)]
    summary: Text  # the duty breached and the circumstance, in our own words
    applies_to: Annotated[tuple[Identifier, ...], Field(min_length=1)]  # dimension/indicator ids
    status: SourceStatus
    checked_against: Annotated[str, Field(min_length=1)] | None = None
    aggravated: bool = False  # the range for serious circumstances (拒不改正、情节严重 …)

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.minimum > self.maximum:
            raise ValueError(f"provision '{self.id}': minimum {self.minimum} > maximum")
        return self

    @property
    def citation(self) -> str:
        """Law and article as one string, e.g. 《中华人民共和国数据安全法》第四十五条第一款."""
        return f"{self.law}{self.article}"


class Omission(_Model):
    """A part of the followed standard that a version leaves out on purpose, and why."""

    ref: Annotated[str, Field(min_length=1)]  # e.g. "PA22 合规管理"
    reason: Text


class SeparateResult(_Model):
    """An unscored dimension reported as its own 0–100 result (e.g. a compliance checklist kept
    out of a maturity level)."""

    name: Text
    basis: Text


class Level(_Model):
    """One step of an ordered scale (answer scale or result levels)."""

    value: Annotated[int, Field(ge=1, le=10)]
    name: Text
    description: Text | None = None


class AnswerType(StrEnum):
    LEVEL = "level"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTI = "multi"
    NUMBER = "number"
    PERCENT = "percent"


class Option(_Model):
    """An option of a ``choice`` or ``multi`` indicator; ``score`` is in the file's own units
    (points for SME), normalised by the indicator's maximum."""

    id: Identifier
    label: Text
    score: Annotated[float, Field(ge=0)]
    exclusive: bool = False  # e.g. "none of these": may not be ticked with others


Breakpoint = tuple[float, Annotated[float, Field(ge=0, le=1)]]


class Indicator(_Model):
    """One question of a framework and how its answer is scored."""

    id: Identifier
    name: Text
    question: Text
    answer: AnswerType
    weight: PositiveWeight = 1.0
    required: bool = True
    na_allowed: bool = False
    group: Text | None = None  # optional sub-heading inside a dimension
    tags: tuple[Identifier, ...] = ()
    descriptors: dict[int, Text] | None = None  # level: one per answer-scale level
    options: tuple[Option, ...] | None = None  # choice / multi
    cap: Annotated[float, Field(gt=0)] | None = None  # multi: the sum is capped here
    breakpoints: tuple[Breakpoint, ...] | None = None  # number / percent → score
    unit: Text | None = None  # number
    gate_level: Annotated[int, Field(ge=1)] | None = None  # cumulative_gates requirement
    paths: tuple[Identifier, ...] | None = None  # only these production paths answer it
    evidence: Text
    recommendations: dict[int, Text] | None = None  # level: advice from level k to k+1
    recommendation: Text | None = None  # other types: advice when below full score
    source: Annotated[str, Field(min_length=1)]
    work_points: tuple[WorkPoint, ...] = ()

    @model_validator(mode="after")
    def _fields_fit_answer_type(self) -> Self:
        kind = self.answer
        _only_for(self, "descriptors", kind is AnswerType.LEVEL)
        _only_for(self, "recommendations", kind is AnswerType.LEVEL)
        _only_for(self, "options", kind in (AnswerType.CHOICE, AnswerType.MULTI))
        _only_for(self, "cap", kind is AnswerType.MULTI)
        _only_for(self, "unit", kind in (AnswerType.NUMBER, AnswerType.PERCENT))
        if kind is AnswerType.LEVEL:
            _require(self, "descriptors", "recommendations")
        else:
            _only_for(self, "recommendation", True)
        if kind in (AnswerType.CHOICE, AnswerType.MULTI):
            _check_options(self)
        if self.breakpoints is not None:
            _only_for(self, "breakpoints", kind in (AnswerType.NUMBER, AnswerType.PERCENT))
            _check_breakpoints(self.breakpoints, percent=kind is AnswerType.PERCENT)
        return self

    @property
    def max_score(self) -> float:
        """The raw score that normalises to 1 (options only; other types are already 0..1)."""
        if self.options is None:
            return 1.0
        if self.answer is AnswerType.CHOICE:
            return max(option.score for option in self.options)
        total = sum(option.score for option in self.options)
        return min(total, self.cap) if self.cap is not None else total


def _only_for(indicator: Indicator, field: str, allowed: bool) -> None:
    if not allowed and getattr(indicator, field) is not None:
        raise ValueError(f"'{field}' does not apply to answer type '{indicator.answer}'")


def _require(indicator: Indicator, *fields: str) -> None:
    for field in fields:
        if getattr(indicator, field) is None:
            raise ValueError(f"answer type '{indicator.answer}' needs '{field}'")


def _check_options(indicator: Indicator) -> None:
    options = indicator.options
    if options is None or len(options) < 2:
        raise ValueError(f"answer type '{indicator.answer}' needs at least two options")
    ids = [option.id for option in options]
    if len(set(ids)) != len(ids):
        raise ValueError(f"option ids repeat: {sorted(_repeated(ids))}")
    if indicator.max_score <= 0:
        raise ValueError("at least one option must score above zero")


def _check_breakpoints(points: tuple[Breakpoint, ...], *, percent: bool) -> None:
    if len(points) < 2:
        raise ValueError("breakpoints need at least two (x, score) pairs")
    xs = [x for x, _ in points]
    if any(b <= a for a, b in pairwise(xs)):
        raise ValueError(f"breakpoint x values must increase strictly: {xs}")
    if percent and (xs[0] < 0 or xs[-1] > 100):
        raise ValueError(f"percent breakpoints must lie within 0..100: {xs}")


def _repeated(values: list[str]) -> set[str]:
    return {value for value, count in Counter(values).items() if count > 1}


class Dimension(_Model):
    """A group of indicators (capability area, element, dimension …).

    An unscored dimension (``scored: false``) holds profile questions and supporting figures:
    they are stored and can feed result conditions, but never enter the score.
    """

    id: Identifier
    name: Text
    description: Text | None = None
    scored: bool = True
    weight: PositiveWeight | None = 1.0
    path_weights: dict[Identifier, PositiveWeight] | None = None
    separate_result: SeparateResult | None = None  # unscored only: reported on its own
    indicators: Annotated[tuple[Indicator, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _weight_fits_scored(self) -> Self:
        if not self.scored and (self.weight not in (None, 1.0) or self.path_weights):
            raise ValueError("an unscored dimension takes no weight")
        if self.scored and self.separate_result is not None:
            raise ValueError("only an unscored dimension can be a separate result")
        if self.scored and self.weight is None:
            raise ValueError("a scored dimension needs a positive weight")
        numeric = (AnswerType.NUMBER, AnswerType.PERCENT)
        for indicator in self.indicators:
            if self.scored and indicator.answer in numeric and indicator.breakpoints is None:
                raise ValueError(f"indicator '{indicator.id}' is scored, so it needs breakpoints")
        return self


class Path(_Model):
    """A production path (e.g. discrete / process) with its own dimension weights."""

    id: Identifier
    name: Text


class Condition(_Model):
    """At least ``min_count`` indicators of ``dimension`` (optionally only those tagged
    ``tag``) are answered at ``min_level`` or above."""

    dimension: Identifier
    tag: Identifier | None = None
    min_level: Annotated[int, Field(ge=1)]
    min_count: Annotated[int, Field(ge=1)]

    def summary(self) -> str:
        """A compact formula, e.g. ``≥6 × scenarios[constrained] at ≥ level 2``."""
        tag = f"[{self.tag}]" if self.tag else ""
        return f"≥{self.min_count} × {self.dimension}{tag} ≥ L{self.min_level}"


class Band(_Model):
    level: Annotated[int, Field(ge=1)]
    min_score: Annotated[float, Field(ge=0)]
    conditions: tuple[Condition, ...] = ()


class Threshold(_Model):
    level: Annotated[int, Field(ge=1)]
    min_score: Annotated[float, Field(ge=0)]


class _Rule(_Model):
    status: SourceStatus
    basis: Text  # where the rule comes from, and what is unconfirmed about it


class BandsRule(_Rule):
    """Score on 0..scale_max → the highest band whose minimum and conditions all hold."""

    rule: Literal["bands"]
    scale_max: PositiveWeight = 100.0
    bands: Annotated[tuple[Band, ...], Field(min_length=1)]


class CumulativeGatesRule(_Rule):
    """Requirements belong to levels; a level is reached when the weighted satisfaction of its
    requirements reaches ``pass_mark`` and every lower level is reached. Score = reached level
    + satisfaction of the next level (GB/T 39117 style)."""

    rule: Literal["cumulative_gates"]
    pass_mark: Annotated[float, Field(gt=0, le=1)] = 0.8


class MeanOfAreasRule(_Rule):
    """Score = unweighted mean of the dimension scores × scale_max; the level is the highest
    threshold reached."""

    rule: Literal["mean_of_areas"]
    scale_max: PositiveWeight = 5.0
    thresholds: Annotated[tuple[Threshold, ...], Field(min_length=1)]


ResultRule = Annotated[
    BandsRule | CumulativeGatesRule | MeanOfAreasRule, Field(discriminator="rule")
]


class Framework(_Model):
    """One released version of an indicator framework."""

    schema_version: Literal[1]
    id: Identifier
    version: Annotated[str, Field(pattern=r"^[0-9][0-9A-Za-z.\-]*$")]
    released: str | None = None  # ISO date of this version's release
    title: Text
    short_title: Text
    description: Text
    edition: Annotated[str, Field(min_length=1)] | None = None  # the standard edition followed
    next_edition: NextEdition | None = None  # a newer edition not released yet, and why
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]
    answer_scale: tuple[Level, ...] | None = None  # scale of ``level`` indicators
    result_levels: Annotated[tuple[Level, ...], Field(min_length=1)]
    paths: tuple[Path, ...] | None = None
    dimensions: Annotated[tuple[Dimension, ...], Field(min_length=1)]
    result: ResultRule
    provisions: tuple[Provision, ...] = ()  # statutory fines the areas relate to
    omitted: tuple[Omission, ...] = ()  # parts of the standard left out, each with its reason

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_ids(self)
        _check_provisions(self)
        _check_scale(self.result_levels, "result_levels")
        if self.answer_scale is not None:
            _check_scale(self.answer_scale, "answer_scale")
        _check_level_indicators(self)
        _check_paths(self)
        try:
            _check_rule(self)
        except ValueError as exc:
            raise ValueError(f"result: {exc}") from exc
        if not any(dimension.scored for dimension in self.dimensions):
            raise ValueError("a framework needs at least one scored dimension")
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for dimension in self.dimensions for i in dimension.indicators)

    @property
    def max_answer_level(self) -> int:
        return max((level.value for level in self.answer_scale or ()), default=0)

    def dimension_of(self, indicator_id: str) -> Dimension:
        for dimension in self.dimensions:
            if any(i.id == indicator_id for i in dimension.indicators):
                return dimension
        raise KeyError(indicator_id)

    def result_level(self, value: int) -> Level:
        return next(level for level in self.result_levels if level.value == value)


def _check_ids(framework: Framework) -> None:
    ids = [d.id for d in framework.dimensions] + [i.id for i in framework.indicators]
    repeated = _repeated(ids)
    if repeated:
        raise ValueError(
            f"dimension and indicator ids must be unique; repeated: {sorted(repeated)}"
        )
    source_ids = [s.id for s in framework.sources]
    if _repeated(source_ids):
        raise ValueError(f"source ids repeat: {sorted(_repeated(source_ids))}")


def _check_provisions(framework: Framework) -> None:
    ids = [p.id for p in framework.provisions]
    if _repeated(ids):
        raise ValueError(f"provision ids repeat: {sorted(_repeated(ids))}")
    known = {d.id for d in framework.dimensions} | {i.id for i in framework.indicators}
    for provision in framework.provisions:
        unknown = sorted(set(provision.applies_to) - known)
        if unknown:
            raise ValueError(
                f"provision '{provision.id}' applies to unknown dimensions or indicators {unknown}"
            )


def _check_scale(levels: tuple[Level, ...], name: str) -> None:
    values = [level.value for level in levels]
    if values != list(range(1, len(values) + 1)):
        raise ValueError(f"{name} must number its levels 1, 2, 3 … in order; got {values}")


def _check_level_indicators(framework: Framework) -> None:
    scale = [level.value for level in framework.answer_scale or ()]
    for indicator in framework.indicators:
        if indicator.answer is not AnswerType.LEVEL:
            continue
        if not scale:
            raise ValueError(
                f"indicator '{indicator.id}' is a level question but the framework "
                "has no answer_scale"
            )
        if sorted(indicator.descriptors or {}) != scale:
            raise ValueError(
                f"indicator '{indicator.id}' needs exactly one descriptor per level "
                f"{scale}; has {sorted(indicator.descriptors or {})}"
            )
        wanted = list(range(0, scale[-1]))
        if sorted(indicator.recommendations or {}) != wanted:
            raise ValueError(
                f"indicator '{indicator.id}' needs one recommendation for each "
                f"current level {wanted}; has {sorted(indicator.recommendations or {})}"
            )


def _check_paths(framework: Framework) -> None:
    path_ids = {p.id for p in framework.paths or ()}
    for dimension in framework.dimensions:
        if dimension.path_weights is not None and set(dimension.path_weights) != path_ids:
            raise ValueError(
                f"dimension '{dimension.id}' path_weights must name exactly the "
                f"paths {sorted(path_ids)}"
            )
        for indicator in dimension.indicators:
            unknown = set(indicator.paths or ()) - path_ids
            if unknown:
                raise ValueError(
                    f"indicator '{indicator.id}' names unknown paths {sorted(unknown)}"
                )


def _check_rule(framework: Framework) -> None:
    rule = framework.result
    levels = {level.value for level in framework.result_levels}
    if isinstance(rule, BandsRule):
        _check_steps([(b.level, b.min_score) for b in rule.bands], levels, rule.scale_max)
        for band in rule.bands:
            for condition in band.conditions:
                _check_condition(framework, condition)
    elif isinstance(rule, MeanOfAreasRule):
        _check_steps([(t.level, t.min_score) for t in rule.thresholds], levels, rule.scale_max)
    else:
        _check_gates(framework, levels)


def _check_steps(steps: list[tuple[int, float]], levels: set[int], scale_max: float) -> None:
    for level, min_score in steps:
        if level not in levels:
            raise ValueError(f"rule names level {level}, which is not in result_levels")
        if min_score > scale_max:
            raise ValueError(f"rule threshold {min_score} is above the scale maximum {scale_max}")
    ordered = sorted(steps)
    if [lvl for lvl, _ in ordered] != sorted({lvl for lvl, _ in steps}):
        raise ValueError("rule names a level twice")
    scores = [score for _, score in ordered]
    if any(b <= a for a, b in pairwise(scores)):
        raise ValueError(f"rule thresholds must rise with the level: {ordered}")


def _check_condition(framework: Framework, condition: Condition) -> None:
    dimension = next((d for d in framework.dimensions if d.id == condition.dimension), None)
    if dimension is None:
        raise ValueError(f"condition names unknown dimension '{condition.dimension}'")
    pool = [i for i in dimension.indicators if condition.tag is None or condition.tag in i.tags]
    if condition.min_count > len(pool):
        raise ValueError(
            f"condition asks for {condition.min_count} indicators of "
            f"'{condition.dimension}' (tag {condition.tag}) but only {len(pool)} exist"
        )
    if condition.min_level > framework.max_answer_level:
        raise ValueError(f"condition min_level {condition.min_level} is above the answer scale")


def _check_gates(framework: Framework, levels: set[int]) -> None:
    gated = [i for d in framework.dimensions if d.scored for i in d.indicators]
    missing = [i.id for i in gated if i.gate_level is None]
    if missing:
        raise ValueError(
            f"cumulative_gates needs a gate_level on every scored indicator; "
            f"missing on {missing[:5]}"
        )
    used = {i.gate_level for i in gated}
    if used - levels:
        raise ValueError(f"gate levels {sorted(used - levels)} are not in result_levels")  # type: ignore[type-var]
    if levels - used:
        raise ValueError(f"result levels {sorted(levels - used)} have no requirements")


def lang_texts(model: BaseModel) -> list[tuple[str, Text]]:
    """Every Text inside ``model`` with its dotted path (for integrity checks)."""
    found: list[tuple[str, Text]] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, Text):
            found.append((path, value))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, tuple | list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")

    walk(model, "")
    return found


_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_chinese(text: str) -> bool:
    """True when ``text`` contains at least one CJK ideograph."""
    return bool(_CJK.search(text))
