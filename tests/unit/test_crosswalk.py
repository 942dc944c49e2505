"""The crosswalk file: validation, monotonic conversion, coverage of every framework file."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from indicators.crosswalk import (
    Crosswalk,
    MappingStatus,
    crosswalk_files,
    load_crosswalk,
    load_crosswalk_file,
)
from indicators.errors import FrameworkFileError
from indicators.loader import framework_files, load_framework_file
from indicators.schema import BandsRule, CumulativeGatesRule, Framework, MeanOfAreasRule

DESIGN_FRAMEWORKS = {
    "dcmm",
    "cdo",
    "integration",
    "cmmm",
    "sme",
    "dtm",
    "energy_carbon",
    "data_security",
}
CROSSWALK = load_crosswalk()


def raw_crosswalk() -> dict[str, Any]:
    """The newest released crosswalk as a plain dict, to be broken per test."""
    loaded: dict[str, Any] = yaml.safe_load(crosswalk_files()[-1].read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def test_newest_file_loads_and_its_version_is_its_name() -> None:
    path = crosswalk_files()[-1]
    assert load_crosswalk_file(path).version == path.stem == CROSSWALK.version


def test_stages_are_the_five_named_common_stages() -> None:
    assert [s.name.zh for s in CROSSWALK.stages] == ["起步", "单项", "集成", "优化", "引领"]
    assert [s.min_100 for s in CROSSWALK.stages] == [0, 20, 40, 60, 80]


def test_every_design_framework_has_a_mapping() -> None:
    assert {m.framework for m in CROSSWALK.mappings} >= DESIGN_FRAMEWORKS


@pytest.mark.parametrize("path", framework_files(), ids=lambda p: p.parent.name)
def test_every_framework_file_has_a_consistent_mapping(path: Path) -> None:
    framework = load_framework_file(path)
    mapping = CROSSWALK.mapping(framework.id)
    assert mapping.native_max == pytest.approx(_scale_max(framework))
    assert [a.level for a in mapping.levels] == [lv.value for lv in framework.result_levels]
    for anchor, (low, high) in zip(mapping.levels, _level_starts(framework), strict=True):
        assert low - 1e-9 <= anchor.min_score <= high + 1e-9, anchor


def _scale_max(framework: Framework) -> float:
    rule = framework.result
    if isinstance(rule, CumulativeGatesRule):
        return float(len(framework.result_levels))
    return rule.scale_max


def _level_starts(framework: Framework) -> list[tuple[float, float]]:
    """Where each level can start: exactly its threshold, or for gates k − 1 + pass_mark … k."""
    rule = framework.result
    if isinstance(rule, BandsRule):
        return [(b.min_score, b.min_score) for b in sorted(rule.bands, key=lambda b: b.level)]
    if isinstance(rule, MeanOfAreasRule):
        steps = sorted(rule.thresholds, key=lambda t: t.level)
        return [(t.min_score, t.min_score) for t in steps]
    return [(k - 1 + rule.pass_mark, float(k)) for k in range(1, len(framework.result_levels) + 1)]


@pytest.mark.parametrize("mapping", CROSSWALK.mappings, ids=lambda m: m.framework)
def test_conversion_is_monotonic_and_levels_land_in_their_stage(mapping: Any) -> None:
    scores = np.linspace(0, mapping.native_max, 201)
    converted = [mapping.to_100(s) for s in scores]
    assert all(b >= a for a, b in itertools.pairwise(converted))
    assert converted[0] == 0
    # the top reaches 100 only where the top level maps to the fifth stage (level_band rule)
    top = mapping.levels[-1]
    top_value = CROSSWALK.convert(mapping.framework, mapping.native_max, top.level)
    assert top_value is not None
    assert CROSSWALK.stage_at(top_value).value == top.stage
    levels = [mapping.level_at(s) for s in scores]
    values = [0 if lv is None else lv.level for lv in levels]
    assert all(b >= a for a, b in itertools.pairwise(values))
    stages = [a.stage for a in mapping.levels]
    assert stages == sorted(stages)
    for anchor in mapping.levels:
        assert CROSSWALK.stage_at(mapping.to_100(anchor.min_score)).value == anchor.stage


@pytest.mark.parametrize("mapping", CROSSWALK.mappings, ids=lambda m: m.framework)
def test_inverse_undoes_the_conversion(mapping: Any) -> None:
    for score in np.linspace(0, mapping.native_max, 11):
        assert mapping.from_100(mapping.to_100(score)) == pytest.approx(score)


def test_weights_are_positive_and_mappings_say_their_status_and_basis() -> None:
    for mapping in CROSSWALK.mappings:
        assert mapping.weight > 0
        assert mapping.status is MappingStatus.RONGHE_DEFAULT
        assert mapping.basis.zh
        assert mapping.basis.en
    assert CROSSWALK.status is MappingStatus.RONGHE_DEFAULT


def test_cmmm_anchors_follow_the_quoted_maturity_bands() -> None:
    cmmm = CROSSWALK.mapping("cmmm")
    assert [a.min_score for a in cmmm.levels] == [0.8, 1.8, 2.8, 3.8, 4.8]
    assert cmmm.to_100(2.8) == pytest.approx(40)
    assert cmmm.to_100(3.3) == pytest.approx(50)


def _break(raw: dict[str, Any], framework: str, key: str, value: Any) -> dict[str, Any]:
    mapping = next(m for m in raw["mappings"] if m["framework"] == framework)
    mapping[key] = value
    return raw


@pytest.mark.parametrize(
    ("framework", "key", "value", "message"),
    [
        ("cmmm", "breakpoints", [[0, 0], [2.8, 60], [2.0, 70], [5, 100]], "rise strictly"),
        ("cmmm", "breakpoints", [[0, 0], [2, 50], [4, 90]], "must run from"),
        (
            "sme",
            "breakpoints",
            [[0, 0], [20, 10], [40, 20], [60, 40], [80, 60], [100, 100]],
            "outside its stage",
        ),
        ("cmmm", "weight", 0, "greater than 0"),
        (
            "sme",
            "levels",
            [{"level": 1, "name": {"zh": "一级", "en": "1"}, "min_score": 20, "stage": 3}],
            "not its stage",
        ),
        ("sme", "status", "guessed", "Input should be"),
        ("sme", "surprise", 1, "Extra inputs are not permitted"),
    ],
)
def test_invalid_mappings_are_rejected(framework: str, key: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Crosswalk.model_validate(_break(raw_crosswalk(), framework, key, value))


def test_a_repeated_framework_is_rejected() -> None:
    raw = raw_crosswalk()
    raw["mappings"].append(copy.deepcopy(raw["mappings"][0]))
    with pytest.raises(ValidationError, match="one mapping only"):
        Crosswalk.model_validate(raw)


def test_a_file_whose_version_differs_from_its_name_is_rejected(tmp_path: Path) -> None:
    raw = raw_crosswalk()
    path = tmp_path / "2030.1.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="must equal the file name"):
        load_crosswalk_file(path)


def test_crosswalk_models_are_frozen() -> None:
    with pytest.raises(ValidationError):
        CROSSWALK.mappings[0].weight = 9  # type: ignore[misc]


def test_the_2026_1_conversion_stays_score_only_and_2026_2_is_level_aware() -> None:
    old, new = load_crosswalk("2026.1"), load_crosswalk("2026.2")
    assert not old.level_aware
    assert new.level_aware
    # the same SME result held back at level 1 by its scenario counts
    assert old.convert("sme", 42.875, 1) == pytest.approx(22.875)
    assert new.convert("sme", 42.875, 1) == pytest.approx(19.9)
    assert new.convert("sme", 42.875, 2) == pytest.approx(22.875)


def test_an_old_score_rule_file_must_still_end_at_100() -> None:
    raw = yaml.safe_load(crosswalk_files()[0].read_text(encoding="utf-8"))
    assert "conversion" not in raw
    sme = next(m for m in raw["mappings"] if m["framework"] == "sme")
    sme["breakpoints"][-1] = [100, 80]
    with pytest.raises(ValidationError, match="must run from"):
        Crosswalk.model_validate(raw)


@pytest.mark.parametrize("mapping", CROSSWALK.mappings, ids=lambda m: m.framework)
def test_every_level_band_lies_inside_its_stage(mapping: Any) -> None:
    for anchor in mapping.levels:
        low, high = mapping.band(anchor.level)
        stage_low, stage_high = CROSSWALK.stage_range(anchor.stage)
        assert stage_low - 1e-9 <= low <= high <= stage_high + 1e-9


def test_the_index_is_named_as_ronghes_own_measure() -> None:
    composite = CROSSWALK.composite
    assert composite.name.zh == "融合指数"
    assert composite.name.en == "Ronghe Index"
    assert composite.explanation is not None
    assert "不是工业和信息化部发布的两化融合发展指数" in composite.explanation.zh
    assert "not MIIT's official" in composite.explanation.en


def test_the_inverse_never_leaves_the_native_scale() -> None:
    sme = CROSSWALK.mapping("sme")  # ends at (100, 80) under level_band
    assert sme.from_100(95) == pytest.approx(100)
    assert sme.from_100(80) == pytest.approx(100)
