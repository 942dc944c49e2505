"""data_security 2026.2 (issue 14 item 5): DSMM completeness, compliance as its own result, the
statutory fine provisions as data and the weakest areas as a ``ronghe penalty`` violation."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from assessment.data_security import penalty_violation, provisions_for, separate_results
from assessment.penalty.engine import evaluate
from assessment.penalty.models import Case
from assessment.scoring import score
from indicators.loader import FRAMEWORKS_DIR, load_framework
from indicators.schema import Framework
from tests.scoring_factories import long_answers

DS = load_framework("data_security")
ALL_PAS = {f"PA{n:02d}" for n in range(1, 31)}


def test_the_newest_data_security_is_2026_2_and_the_old_one_stays() -> None:
    assert DS.version == "2026.2"
    assert load_framework("data_security", "2026.1").version == "2026.1"


def test_every_dsmm_process_area_is_asked_or_left_out_with_a_reason() -> None:
    capability = [i for d in DS.dimensions if d.scored for i in d.indicators]
    asked = {pa for i in capability for pa in re.findall(r"PA\d\d", i.source)}
    omitted = {re.match(r"PA\d\d", o.ref).group(0) for o in DS.omitted}  # type: ignore[union-attr]
    assert {"PA04", "PA16", "PA19"} <= asked
    assert asked | omitted == ALL_PAS
    assert not (asked & omitted)
    assert all(o.reason.zh and o.reason.en for o in DS.omitted)


def _answers(level: str, compliance_option: str) -> dict[str, str]:
    found = {}
    for dimension in DS.dimensions:
        for indicator in dimension.indicators:
            if indicator.answer.value == "level":
                found[indicator.id] = level
            elif indicator.answer.value == "boolean":
                found[indicator.id] = "yes" if compliance_option == "best" else "no"
            else:
                options = indicator.options or ()
                pick = options[0] if compliance_option == "best" else options[-1]
                found[indicator.id] = pick.id
    return found


def test_compliance_answers_never_move_the_dsmm_level_but_are_reported_on_their_own() -> None:
    result = score(long_answers({"good": _answers("3", "best"), "bad": _answers("3", "worst")}), DS)
    rows = result.overall.set_index("assessment_id")
    assert rows.loc["good", "level"] == rows.loc["bad", "level"] == 3
    assert rows.loc["good", "score"] == pytest.approx(rows.loc["bad", "score"])
    dims = result.dimension_scores.set_index(["assessment_id", "dimension_id"])["score"]
    good = separate_results(DS, {"compliance": dims[("good", "compliance")]})
    bad = separate_results(DS, {"compliance": dims[("bad", "compliance")]})
    assert [s.dimension_id for s in good] == ["compliance"]
    assert good[0].score_100 == pytest.approx(100.0)
    assert bad[0].score_100 == pytest.approx(0.0)
    assert good[0].name.zh == "合规义务落实度"


def test_the_level_names_stay_the_dsmm_ones_and_compliance_is_unscored() -> None:
    compliance = next(d for d in DS.dimensions if d.id == "compliance")
    assert not compliance.scored
    assert compliance.separate_result is not None
    assert DS.result_levels[0].name.zh == "非正式执行"


def test_every_provision_says_its_verification_and_cites_law_and_article() -> None:
    assert DS.provisions
    for provision in DS.provisions:
        assert provision.law.startswith("《")
        assert provision.article.startswith("第")
        if provision.status.value != "unverified":
            assert provision.checked_against
    dsl_45 = next(p for p in DS.provisions if p.id == "dsl_45_1")
    assert (dsl_45.minimum, dsl_45.maximum) == (50000, 500000)
    assert dsl_45.citation == "《中华人民共和国数据安全法》第四十五条第一款"


def _scores(**low: float) -> dict[str, float]:
    scores = {d.id: 0.8 for d in DS.dimensions}
    scores.update(low)
    return scores


def test_the_weakest_areas_give_their_provisions_as_a_penalty_violation() -> None:
    violation = penalty_violation(DS, _scores(compliance=0.1, exchange=0.2))
    assert violation is not None
    assert "合规义务" in violation["label"]
    assert "数据交换安全" in violation["label"] or "交换" in violation["label"]
    laws = [f["law"] for f in violation["fines"]]
    assert any(law.startswith("《中华人民共和国数据安全法》第四十六条") for law in laws)
    assert any(law.startswith("《中华人民共和国个人信息保护法》第六十六条第一款") for law in laws)
    assert all(f["kind"] == "amount" for f in violation["fines"])
    assert not any("情节严重" in law or "拒不改正" in law for law in laws)  # basic ranges only
    assert all("核实" in law for law in laws)  # each fine says its verification status
    # the penalty calculator accepts it as it is
    result = evaluate(Case.model_validate({"violations": [violation]}))
    assert result.violations


def test_other_weak_areas_give_other_provisions() -> None:
    violation = penalty_violation(DS, _scores(transmission=0.0, storage=0.1), lang="en")
    assert violation is not None
    laws = [f["law"] for f in violation["fines"]]
    assert any("第四十五条第一款" in law for law in laws)
    assert not any("第四十六条" in law for law in laws)
    assert "Transmission" in violation["label"] or "transmission" in violation["label"]


def test_nothing_answered_gives_no_violation() -> None:
    assert penalty_violation(DS, {}) is None
    assert penalty_violation(load_framework("data_security", "2026.1"), _scores()) is None


def test_provisions_of_a_dimension_include_those_of_its_indicators() -> None:
    ids = {p.id for p in provisions_for(DS, ["compliance"])}
    assert {"dsl_46", "pipl_66_1", "dsl_45_1"} <= ids


def _raw() -> dict[str, Any]:
    path = FRAMEWORKS_DIR / "data_security" / "2026.2.yaml"
    return copy.deepcopy(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(applies_to=["nowhere"]), "unknown dimensions or indicators"),
        (lambda p: p.update(minimum=900000), "minimum"),
        (lambda p: p.update(kind="percent"), "Input should be"),
    ],
)
def test_bad_provisions_are_rejected(change: Any, message: str) -> None:
    raw = _raw()
    change(raw["provisions"][0])
    with pytest.raises(ValidationError, match=message):
        Framework.model_validate(raw)


def test_only_an_unscored_dimension_can_be_a_separate_result() -> None:
    raw = _raw()
    raw["dimensions"][0]["separate_result"] = raw["dimensions"][-1]["separate_result"]
    with pytest.raises(ValidationError, match="only an unscored dimension"):
        Framework.model_validate(raw)
