"""Malformed framework files are rejected with the file, the place in the YAML and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from indicators.errors import FrameworkFileError
from indicators.loader import load_framework_file
from tests.factories import choice_indicator, level_indicator, make_framework, text


def write(
    tmp_path: Path, framework: dict[str, Any], *, folder: str = "demo", name: str = "2025.1"
) -> Path:
    path = tmp_path / folder / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    return path


def with_indicator(indicator: dict[str, Any]) -> dict[str, Any]:
    framework = make_framework()
    framework["dimensions"][1]["indicators"] = [indicator]
    return framework


def test_valid_framework_loads(tmp_path: Path) -> None:
    framework = load_framework_file(write(tmp_path, make_framework()))
    assert [i.id for i in framework.indicators] == ["a1", "a2", "b1"]
    assert framework.indicators[2].max_score == 4


def _drop_dimension_weight() -> dict[str, Any]:
    framework = make_framework()
    framework["dimensions"][0]["weight"] = 0
    return framework


def _duplicate_ids() -> dict[str, Any]:
    framework = make_framework()
    framework["dimensions"][1]["indicators"] = [choice_indicator("a1")]
    return framework


def _missing_english() -> dict[str, Any]:
    framework = make_framework()
    framework["title"] = {"zh": "演示"}
    return framework


def _unknown_key() -> dict[str, Any]:
    framework = make_framework()
    framework["dimensions"][0]["indicators"][0]["wieght"] = 2
    return framework


def _band_level_unknown() -> dict[str, Any]:
    framework = make_framework()
    framework["result"]["bands"].append({"level": 9, "min_score": 90})
    return framework


def _bands_not_rising() -> dict[str, Any]:
    framework = make_framework()
    framework["result"]["bands"][2]["min_score"] = 40
    return framework


def _condition_unknown_dimension() -> dict[str, Any]:
    framework = make_framework()
    framework["result"]["bands"][0]["conditions"] = [
        {"dimension": "nowhere", "min_level": 1, "min_count": 1}
    ]
    return framework


def _gates_without_gate_level() -> dict[str, Any]:
    framework = make_framework()
    framework["result"] = {
        "rule": "cumulative_gates",
        "status": "unverified",
        "basis": text("测试", "Test"),
    }
    return framework


def _unknown_rule() -> dict[str, Any]:
    framework = make_framework()
    framework["result"]["rule"] = "median"
    return framework


def _blank_text() -> dict[str, Any]:
    framework = make_framework()
    framework["description"] = text("   ", "Blank Chinese")
    return framework


def _path_weights_wrong() -> dict[str, Any]:
    framework = make_framework(
        paths=[
            {"id": "discrete", "name": text("离散型", "Discrete")},
            {"id": "process", "name": text("流程型", "Process")},
        ]
    )
    framework["dimensions"][0]["path_weights"] = {"discrete": 1}
    return framework


CASES = [
    ("zero weight", _drop_dimension_weight(), "dimensions[0](base).weight", "greater than 0"),
    ("duplicate ids", _duplicate_ids(), "", "repeated: ['a1']"),
    ("missing English", _missing_english(), "title.en", "Field required"),
    (
        "unknown key",
        _unknown_key(),
        "dimensions[0](base).indicators[0](a1).wieght",
        "Extra inputs are not permitted",
    ),
    (
        "missing descriptor",
        with_indicator(
            level_indicator("x1", descriptors={1: text("一级", "One"), 2: text("二级", "Two")})
        ),
        "",
        "exactly one descriptor per level",
    ),
    (
        "missing recommendation",
        with_indicator(level_indicator("x1", recommendations={0: text("开始", "Start")})),
        "",
        "one recommendation",
    ),
    (
        "options on level",
        with_indicator(level_indicator("x1", options=choice_indicator("y")["options"])),
        "",
        "'options' does not apply",
    ),
    (
        "single option",
        with_indicator(
            choice_indicator(
                "x1", options=[{"id": "only", "label": text("唯一", "Only"), "score": 1}]
            )
        ),
        "",
        "at least two options",
    ),
    (
        "repeated option ids",
        with_indicator(
            choice_indicator(
                "x1",
                options=[
                    {"id": "a", "label": text("甲", "A"), "score": 1},
                    {"id": "a", "label": text("乙", "B"), "score": 2},
                ],
            )
        ),
        "",
        "option ids repeat",
    ),
    (
        "all options zero",
        with_indicator(
            choice_indicator(
                "x1",
                options=[
                    {"id": "a", "label": text("甲", "A"), "score": 0},
                    {"id": "b", "label": text("乙", "B"), "score": 0},
                ],
            )
        ),
        "",
        "score above zero",
    ),
    (
        "breakpoints not rising",
        with_indicator(
            {
                **choice_indicator("x1"),
                "answer": "percent",
                "options": None,
                "breakpoints": [[50, 0.5], [20, 1.0]],
            }
        ),
        "",
        "increase strictly",
    ),
    (
        "percent beyond 100",
        with_indicator(
            {
                **choice_indicator("x1"),
                "answer": "percent",
                "options": None,
                "breakpoints": [[0, 0], [150, 1.0]],
            }
        ),
        "",
        "within 0..100",
    ),
    (
        "scored number without breakpoints",
        with_indicator({**choice_indicator("x1"), "answer": "number", "options": None}),
        "",
        "needs breakpoints",
    ),
    (
        "bad work point",
        with_indicator(choice_indicator("x1", work_points=["wp18"])),
        "work_points[0]",
        "should match pattern",
    ),
    (
        "bad id",
        with_indicator(choice_indicator("X-1")),
        "indicators[0](X-1).id",
        "should match pattern",
    ),
    ("band level unknown", _band_level_unknown(), "result", "not in result_levels"),
    ("bands not rising", _bands_not_rising(), "result", "must rise with the level"),
    (
        "condition on unknown dimension",
        _condition_unknown_dimension(),
        "result",
        "unknown dimension 'nowhere'",
    ),
    ("gates without gate levels", _gates_without_gate_level(), "", "needs a gate_level"),
    ("unknown rule", _unknown_rule(), "result", "does not match any of the expected tags"),
    ("blank text", _blank_text(), "description.zh", "must not be blank"),
    ("path weights incomplete", _path_weights_wrong(), "", "must name exactly the paths"),
    (
        "scale numbering",
        make_framework(answer_scale=[{"value": 2, "name": text("二级", "Two")}]),
        "",
        "must number its levels 1, 2, 3",
    ),
]


@pytest.mark.parametrize(
    ("framework", "where", "reason"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_malformed_framework_is_rejected(
    tmp_path: Path, framework: dict[str, Any], where: str, reason: str
) -> None:
    path = write(tmp_path, framework)
    with pytest.raises(FrameworkFileError) as caught:
        load_framework_file(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert where in message
    assert reason in message


def test_version_must_match_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, make_framework(), name="2025.2")
    with pytest.raises(FrameworkFileError, match=r"version '2025.1' must equal the file name"):
        load_framework_file(path)


def test_id_must_match_folder(tmp_path: Path) -> None:
    path = write(tmp_path, make_framework(), folder="other")
    with pytest.raises(FrameworkFileError, match=r"id 'demo' must equal the folder 'other'"):
        load_framework_file(path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "2025.1.yaml"
    path.parent.mkdir()
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="cannot read YAML"):
        load_framework_file(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "2025.1.yaml"
    path.parent.mkdir()
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="mapping at the top level"):
        load_framework_file(path)
