"""Level-aware conversion (issue 14 item 1): the 0–100 value and the stage of a result agree with
the level its framework awards, in the composite and on every batch path."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment import columns as C
from assessment.batch import score_answers
from assessment.composite import EQUIVALENT_100, composite_index, index_name, to_common_scale
from assessment.repo.results import FRAMEWORK_VERSION, compute_composite, compute_results
from assessment.scoring import score
from indicators.crosswalk import load_crosswalk
from indicators.loader import framework_files, load_framework, load_framework_file
from indicators.schema import Framework
from tests.scoring_factories import long_answers
from tests.unit.test_scoring import points_answers, scenario_answers
from tests.unit.test_scoring_properties import PROPERTY_SETTINGS, assessment, path_series

WALK = load_crosswalk()
POINTS = Fraction("42.875")


def _sme_cases() -> dict[str, dict[str, str]]:
    """Two SME 2024 assessments with 42.875 points: 'held' has only two constrained scenarios
    at 二级 (三 needed, so 一级); 'level2' has three constrained and three guiding (二级)."""
    sme = load_framework("sme")
    points = points_answers(sme, POINTS)
    return {
        "held": points | scenario_answers(sme, 2, 4, 2, 1),
        "level2": points | scenario_answers(sme, 3, 3, 2, 1),
    }


def _long(cases: dict[str, dict[str, str]], framework_id: str) -> pd.DataFrame:
    answers = long_answers(cases)
    answers[C.FRAMEWORK_ID] = framework_id
    return answers


def test_the_two_sme_cases_award_different_levels_with_equal_points() -> None:
    result = score(long_answers(_sme_cases()), load_framework("sme"))
    rows = result.overall.set_index(C.ASSESSMENT_ID)
    assert rows.loc["held", C.SCORE] == pytest.approx(float(POINTS))
    assert rows.loc["level2", C.SCORE] == pytest.approx(float(POINTS))
    assert rows.loc["held", C.LEVEL] == 1
    assert rows.loc["level2", C.LEVEL] == 2


def test_the_two_sme_cases_give_different_stages_and_composites() -> None:
    result = score(long_answers(_sme_cases()), load_framework("sme"))
    long = result.overall.assign(**{C.FRAMEWORK_ID: "sme"})
    common = to_common_scale(long, WALK).set_index(C.ASSESSMENT_ID)
    assert common.loc["held", C.STAGE] == 1
    assert common.loc["level2", C.STAGE] == 2
    assert common.loc["held", EQUIVALENT_100] == pytest.approx(19.9)  # top of 一级's band 10–20
    assert common.loc["level2", EQUIVALENT_100] == pytest.approx(22.875)
    composite = composite_index(long, WALK).set_index(C.ASSESSMENT_ID)
    assert composite.loc["held", C.STAGE] == 1
    assert composite.loc["level2", C.STAGE] == 2
    assert composite.loc["held", C.COMPOSITE] < composite.loc["level2", C.COMPOSITE]
    # the 2026.1 table converted the score alone: both cases were the same there
    old = composite_index(long, load_crosswalk("2026.1")).set_index(C.ASSESSMENT_ID)
    assert old.loc["held", C.COMPOSITE] == pytest.approx(old.loc["level2", C.COMPOSITE])


def test_the_stored_results_path_is_level_aware() -> None:
    sme = load_framework("sme")
    plan = pd.DataFrame(
        {
            C.ASSESSMENT_ID: ["held", "level2"],
            C.FRAMEWORK_ID: "sme",
            FRAMEWORK_VERSION: sme.version,
        }
    )
    results = compute_results(_long(_sme_cases(), "sme"), plan)
    composite, version = compute_composite(results)
    assert version == WALK.version
    rows = composite.set_index(C.ASSESSMENT_ID)
    assert rows.loc["held", C.STAGE] == 1
    assert rows.loc["level2", C.STAGE] == 2
    assert rows.loc["held", C.COMPOSITE] == pytest.approx(19.9)


def test_the_batch_scoring_path_is_level_aware(tmp_path: Path) -> None:
    answers = _long(_sme_cases(), "sme")[
        [C.ASSESSMENT_ID, C.FRAMEWORK_ID, C.INDICATOR_ID, C.ANSWER]
    ]
    answers = answers.astype(str).reset_index(drop=True)
    answers["_row"] = range(len(answers))
    wide = score_answers(answers, tmp_path / "answers.csv").set_index(C.ASSESSMENT_ID)
    assert wide.loc["held", C.STAGE] == 1
    assert wide.loc["level2", C.STAGE] == 2
    assert wide.loc["held", "ronghe_index"] == pytest.approx(19.9)
    assert wide.loc["level2", "ronghe_index"] == pytest.approx(22.88)


def test_the_index_name_comes_from_the_crosswalk() -> None:
    name, explanation = index_name()
    assert (name.zh, name.en) == ("融合指数", "Ronghe Index")
    assert explanation is not None
    assert "两化融合发展指数" in explanation.zh


FRAMEWORK_PATHS = framework_files()


@pytest.mark.parametrize("path", FRAMEWORK_PATHS, ids=lambda p: f"{p.parent.name}@{p.stem}")
@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_converted_stage_never_exceeds_the_awarded_level(
    path: Path, data: st.DataObject
) -> None:
    framework: Framework = load_framework_file(path)
    ids = [f"a{k}" for k in range(6)]
    cases = {a: data.draw(assessment(framework)) for a in ids}
    result = score(
        long_answers(cases),
        framework,
        paths=path_series(framework, ids, data.draw),
        assessment_ids=ids,
    )
    long = result.overall.assign(**{C.FRAMEWORK_ID: framework.id})
    common = to_common_scale(long, WALK)
    mapping = WALK.mapping(framework.id)
    for _, row in common.iterrows():
        if pd.isna(row[EQUIVALENT_100]):
            continue
        level = None if pd.isna(row[C.LEVEL]) else int(row[C.LEVEL])
        allowed = mapping.anchor(level).stage if level is not None else mapping.levels[0].stage
        value = float(row[EQUIVALENT_100])
        assert WALK.stage_at(value).value <= allowed, (level, value)
        assert int(row[C.STAGE]) <= allowed
        low, high = mapping.band(level)
        assert low - 1e-9 <= value <= high + 1e-9, (level, value, low, high)
        alone = composite_index(long[long[C.ASSESSMENT_ID] == row[C.ASSESSMENT_ID]], WALK)
        assert int(alone[C.STAGE].iloc[0]) <= allowed
