"""Input errors of the penalty engine in Chinese and English, each located at the field it concerns.

The engine and its pydantic models speak English (the ``ronghe penalty`` command prints that);
a form needs the message in the user's language beside the field that caused it. ``assess(data)``
validates and evaluates a case once and returns either the result or the located errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from pydantic import ValidationError

from assessment.penalty.engine import PenaltyError, evaluate, evaluate_violation
from assessment.penalty.models import Case, CaseResult, Text, Tier
from assessment.penalty.refs import money, number, tier_name

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    """One input error: ``loc`` is the path in the case input (``("violations", 0, "fines", 1,
    "maximum")``), ``zh`` and ``en`` the message."""

    loc: Loc
    zh: str
    en: str

    def message(self, language: str = "zh") -> str:
        """The message in ``language`` ("zh" or "en")."""
        return self.zh if language.startswith("zh") else self.en


@dataclass(frozen=True)
class Assessed:
    """The outcome of :func:`assess`: a result, or the errors that prevented one."""

    result: CaseResult | None
    errors: tuple[FieldError, ...] = ()


def _yuan(value: str) -> Text:
    try:
        return money(Decimal(value))
    except InvalidOperation:
        return Text(zh=value, en=value)


def _number(value: str) -> str:
    try:
        return f"{Decimal(number(Decimal(value))):,f}"
    except InvalidOperation:
        return value


def _tier(value: str) -> Text:
    try:
        return tier_name(Tier(value))
    except ValueError:
        return Text(zh=value, en=value)


def _tiers(values: str) -> Text:
    names = [_tier(v.strip()) for v in values.split(",")]
    return Text(zh="、".join(n.zh for n in names), en=", ".join(n.en for n in names))


_WHAT = {
    "circumstance": Text(zh="情形", en="circumstance"),
    "Article 14 factor": Text(zh="第十四条考量因素", en="Article 14 factor"),
    "Article 13 factor": Text(zh="第十三条考量因素", en="Article 13 factor"),
}
_UNIT = {
    "amount": Text(zh="罚款金额", en="amounts"),
    "multiple": Text(zh="倍数", en="multiples"),
}

# (pattern of the engine's English message, the field it concerns below the error's location,
# a builder of the bilingual text from the pattern's groups)
Builder = Callable[[dict[str, str]], Text]
_ENGINE_MESSAGES: tuple[tuple[str, str | None, Builder], ...] = (
    (
        r"the statutory (?P<unit>amount|multiple)s must not be negative",
        None,
        lambda g: Text(
            zh=f"法定{_UNIT[g['unit']].zh}不能为负数。",
            en=f"The statutory {_UNIT[g['unit']].en} must not be negative.",
        ),
    ),
    (
        r"the statutory minimum (?P<unit>amount|multiple) \((?P<low>[^)]*)\) is above the "
        r"maximum \((?P<high>[^)]*)\)",
        "minimum",
        lambda g: Text(
            zh=f"法定最低限（{_number(g['low'])}）高于最高限（{_number(g['high'])}），请检查幅度。",
            en=f"The statutory minimum ({_number(g['low'])}) is above the maximum "
            f"({_number(g['high'])}).",
        ),
    ),
    (
        r"illegal_gains must not be negative",
        "illegal_gains",
        lambda _: Text(zh="违法所得不能为负数。", en="The illegal gains must not be negative."),
    ),
    (
        r"a range of multiples needs positive illegal_gains",
        "illegal_gains",
        lambda _: Text(
            zh="按违法所得倍数处罚的，违法所得须大于零；没有违法所得的，请按条款规定的金额幅度填写。",
            en="A range of multiples needs illegal gains above zero; without illegal gains, "
            "enter the provision's range of amounts.",
        ),
    ),
    (
        r"boundary movement (?P<points>\S+) is beyond the 10 percentage points",
        None,
        lambda g: Text(
            zh=f"分界浮动 {g['points']} 个百分点，超出第十一条允许的 10 个百分点。",
            en=f"A movement of {g['points']} points is beyond the 10 points Article 11 allows.",
        ),
    ),
    (
        r"unknown (?P<what>circumstance|Article 14 factor|Article 13 factor): (?P<ids>.+)",
        None,
        lambda g: Text(
            zh=f"未知的{_WHAT[g['what']].zh}：{g['ids']}。",
            en=f"Unknown {_WHAT[g['what']].en}: {g['ids']}.",
        ),
    ),
    (
        r"details given for circumstances not present: (?P<ids>.+)",
        "details",
        lambda g: Text(
            zh=f"为未选择的情形填写了事实：{g['ids']}。",
            en=f"Facts were given for circumstances not chosen: {g['ids']}.",
        ),
    ),
    (
        r"warning_only \(Article 12\) excludes fines",
        "warning_only",
        lambda _: Text(
            zh="依法单独处警告、通报批评或者没收违法所得的（第十二条），不能同时填写罚款幅度。",
            en="A warning, notice of criticism or confiscation alone (Article 12) excludes a "
            "fine range.",
        ),
    ),
    (
        r"proposed_fine needs a statutory fine range",
        "proposed_fine",
        lambda _: Text(
            zh="填写拟处罚款前，请先填写法定罚款幅度。",
            en="A proposed fine needs a statutory fine range first.",
        ),
    ),
    (
        r"proposed_fine must not be negative",
        "proposed_fine",
        lambda _: Text(zh="拟处罚款不能为负数。", en="The proposed fine must not be negative."),
    ),
    (
        r"tier '(?P<tier>\w+)' is not open: the circumstances fix '(?P<fixed>\w+)'",
        "decision",
        lambda g: Text(
            zh=f"“{_tier(g['tier']).zh}”不可选：本案情形已确定为“{_tier(g['fixed']).zh}”。",
            en=f"'{_tier(g['tier']).en}' is not open: the circumstances fix "
            f"'{_tier(g['fixed']).en}'.",
        ),
    ),
    (
        r"tier '(?P<tier>\w+)' is not among the open tiers (?P<open>.+)",
        "decision",
        lambda g: Text(
            zh=f"“{_tier(g['tier']).zh}”不在可选阶次（{_tiers(g['open']).zh}）之内。",
            en=f"'{_tier(g['tier']).en}' is not among the open tiers ({_tiers(g['open']).en}).",
        ),
    ),
    (
        r"the fine (?P<amount>\S+) is above the statutory maximum (?P<high>\S+)",
        "proposed_fine",
        lambda g: Text(
            zh=f"拟处罚款{_yuan(g['amount']).zh}高于法定最高限{_yuan(g['high']).zh}。",
            en=f"The proposed fine of {_yuan(g['amount']).en} is above the statutory maximum "
            f"of {_yuan(g['high']).en}.",
        ),
    ),
)

# pydantic's own error types, for values the form or a JSON file may get wrong
_PYDANTIC_TYPES: dict[str, Text] = {
    "missing": Text(zh="此项必填。", en="This field is required."),
    "extra_forbidden": Text(zh="不接受的字段。", en="This field is not accepted."),
    "decimal_parsing": Text(zh="请填写数字。", en="Enter a number."),
    "decimal_type": Text(zh="请填写数字。", en="Enter a number."),
    "float_parsing": Text(zh="请填写数字。", en="Enter a number."),
    "int_parsing": Text(zh="请填写数字。", en="Enter a number."),
    "bool_parsing": Text(zh="请填写“是”或“否”（true/false）。", en="Enter true or false."),
    "bool_type": Text(zh="请填写“是”或“否”（true/false）。", en="Enter true or false."),
    "string_type": Text(zh="请填写文字。", en="Enter text."),
    "dict_type": Text(zh="此处应为对象（键值对）。", en="An object (keys and values) is expected."),
    "model_type": Text(
        zh="此处应为对象（键值对）。", en="An object (keys and values) is expected."
    ),
    "list_type": Text(zh="此处应为列表。", en="A list is expected."),
    "tuple_type": Text(zh="此处应为列表。", en="A list is expected."),
    "enum": Text(zh="不是可选的取值。", en="Not one of the allowed values."),
    "literal_error": Text(zh="不是可选的取值。", en="Not one of the allowed values."),
    "too_short": Text(zh="至少需要一项。", en="At least one entry is needed."),
}


def translate(message: str, loc: Loc = ()) -> FieldError:
    """The engine's English message as a bilingual error at ``loc`` (refined to the field)."""
    message = message.removeprefix("Value error, ")
    for pattern, field, build in _ENGINE_MESSAGES:
        found = re.search(pattern, message)
        if found:
            text = build(found.groupdict())
            where = loc if field is None or (loc and loc[-1] == field) else (*loc, field)
            return FieldError(where, text.zh, text.en)
    return FieldError(loc, f"输入有误：{message}", message)


def field_errors(exc: ValidationError) -> tuple[FieldError, ...]:
    """Every validation error of ``exc`` in both languages, located."""
    errors = [e for e in exc.errors() if e["type"] != "too_short"] or exc.errors()
    located = []
    for error in errors:
        loc: Loc = tuple(error["loc"])
        known = _PYDANTIC_TYPES.get(error["type"])
        if known is not None:
            located.append(FieldError(loc, known.zh, known.en))
        else:
            located.append(translate(str(error["msg"]), loc))
    return tuple(located)


def located_text(error: FieldError, language: str = "zh") -> str:
    """An error with its place in words, for a place that has no field of its own."""
    where = error.loc
    parts: list[str] = []
    names = {
        "violations": Text(zh="违法行为", en="violation"),
        "fines": Text(zh="罚款条款", en="fine provision"),
        "responsible_persons": Text(zh="责任人员", en="responsible person"),
    }
    zh = language.startswith("zh")
    for key, index in pairwise(where):
        if isinstance(key, str) and isinstance(index, int) and key in names:
            name = names[key]
            parts.append(f"{name.zh}{index + 1}" if zh else f"{name.en} {index + 1}")
    prefix = ("、".join(parts) + "：") if zh and parts else (", ".join(parts) + ": ")
    return (prefix if parts else "") + error.message(language)


def assess(data: Any) -> Assessed:
    """Validate and evaluate a case (the ``ronghe penalty`` input format)."""
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        return Assessed(None, field_errors(exc))
    try:
        return Assessed(evaluate(case))
    except PenaltyError as exc:
        return Assessed(None, _locate(case.violations, exc))


def _locate(violations: Sequence[Any], exc: PenaltyError) -> tuple[FieldError, ...]:
    """The violations whose evaluation fails, each with its error."""
    errors = []
    for index, violation in enumerate(violations):
        try:
            evaluate_violation(violation)
        except PenaltyError as error:
            errors.append(translate(str(error), ("violations", index)))
    return tuple(errors) or (translate(str(exc)),)
