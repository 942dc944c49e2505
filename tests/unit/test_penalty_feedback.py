"""The engine's input errors in both languages, located at the field a form shows them beside."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.penalty.feedback import FieldError, assess, located_text, translate
from assessment.penalty.models import Case, CaseResult


def errors_of(data: dict[str, Any]) -> tuple[FieldError, ...]:
    outcome = assess(data)
    assert outcome.result is None
    return outcome.errors


AMOUNT = {"kind": "amount", "minimum": 0, "maximum": 100_000}

CASES = [
    (
        "min_above_max",
        {"fines": [{"minimum": 200, "maximum": 100}]},
        ("violations", 0, "fines", 0, "minimum"),
        "高于最高限",
    ),
    (
        "multiple_without_gains",
        {"fines": [{"kind": "multiple", "minimum": 1, "maximum": 5}]},
        ("violations", 0, "fines", 0, "illegal_gains"),
        "违法所得须大于零",
    ),
    (
        "negative_gains",
        {"fines": [{"kind": "multiple", "maximum": 5, "illegal_gains": -1}]},
        ("violations", 0, "fines", 0, "illegal_gains"),
        "违法所得不能为负数",
    ),
    (
        "negative_amount",
        {"fines": [{"minimum": -1, "maximum": 5}]},
        ("violations", 0, "fines", 0),
        "不能为负数",
    ),
    (
        "movement",
        {"movement": {"lower": 11}},
        ("violations", 0, "movement", "lower"),
        "超出第十一条",
    ),
    (
        "warning_with_fine",
        {"warning_only": True, "fines": [AMOUNT]},
        ("violations", 0, "warning_only"),
        "第十二条",
    ),
    (
        "proposed_without_range",
        {"proposed_fine": 5},
        ("violations", 0, "proposed_fine"),
        "请先填写法定罚款幅度",
    ),
    (
        "proposed_above_max",
        {"fines": [AMOUNT], "proposed_fine": 200_000},
        ("violations", 0, "proposed_fine"),
        "高于法定最高限人民币100,000元",
    ),
    (
        "tier_not_open",
        {"circumstances": ["art8_item1"], "decision": {"tier": "lighter", "reason": "x"}},
        ("violations", 0, "decision"),
        "已确定为“从重处罚”",
    ),
    (
        "tier_not_among_open",
        {"circumstances": ["art7_item1"], "decision": {"tier": "heavier", "reason": "x"}},
        ("violations", 0, "decision"),
        "不在可选阶次（减轻处罚、从轻处罚）之内",
    ),
    (
        "stray_detail",
        {"details": {"art8_item1": "x"}},
        ("violations", 0, "details"),
        "未选择的情形",
    ),
    (
        "unknown_factor",
        {"factors": {"art14_item9": ""}},
        ("violations", 0, "factors"),
        "未知的第十四条考量因素",
    ),
    (
        "person_range",
        {"responsible_persons": [{"name": "张三", "fine": {"minimum": 9, "maximum": 1}}]},
        ("violations", 0, "responsible_persons", 0, "fine", "minimum"),
        "高于最高限",
    ),
    (
        "missing_maximum",
        {"fines": [{"minimum": 1}]},
        ("violations", 0, "fines", 0, "maximum"),
        "此项必填",
    ),
]


@pytest.mark.parametrize(("data", "loc", "zh"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_is_located_and_in_chinese(
    data: dict[str, Any], loc: tuple[object, ...], zh: str
) -> None:
    (error,) = errors_of(data)
    assert error.loc == loc
    assert zh in error.message("zh")
    assert not error.message("zh").startswith("输入有误")  # a known message, not the fallback
    assert error.message("en")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in error.en)


def test_every_error_is_reported_not_only_the_first() -> None:
    errors = errors_of(
        {"fines": [{"minimum": 9, "maximum": 1}, {"kind": "multiple", "maximum": 2}]}
    )
    assert [e.loc[-1] for e in errors] == ["minimum", "illegal_gains"]


def test_the_failing_violation_of_several_is_named() -> None:
    errors = errors_of(
        {
            "violations": [
                {"fines": [AMOUNT]},
                {"fines": [AMOUNT], "proposed_fine": 10**9},
            ]
        }
    )
    assert [e.loc for e in errors] == [("violations", 1, "proposed_fine")]
    assert located_text(errors[0], "zh").startswith("违法行为2：")
    assert located_text(errors[0], "en").startswith("violation 2: ")


def test_an_unknown_message_is_kept_rather_than_lost() -> None:
    error = translate("something new", ("violations", 0))
    assert error.en == "something new"
    assert "something new" in error.zh


def test_good_input_gives_the_same_result_as_the_engine() -> None:
    from assessment.penalty import evaluate

    data = {"fines": [AMOUNT], "circumstances": ["art8_item1"]}
    outcome = assess(data)
    assert isinstance(outcome.result, CaseResult)
    assert outcome.errors == ()
    assert outcome.result == evaluate(Case.model_validate(data))
