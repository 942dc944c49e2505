"""Integrity of every released framework file (one test id per file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.catalogue import stale_files
from indicators.loader import framework_files, load_all, load_framework_file
from indicators.schema import AnswerType, Framework, lang_texts, looks_chinese

FILES = framework_files()
EXPECTED_IDS = {
    "dcmm",
    "cdo",
    "integration",
    "cmmm",
    "sme",
    "dtm",
    "energy_carbon",
    "data_security",
}


def ids(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture(scope="module", params=FILES, ids=[ids(p) for p in FILES])
def framework(request: pytest.FixtureRequest) -> Framework:
    return load_framework_file(request.param)


def test_all_eight_frameworks_are_released() -> None:
    assert {p.parent.name for p in FILES} == EXPECTED_IDS


def test_texts_exist_in_both_languages(framework: Framework) -> None:
    problems = [
        path
        for path, text in lang_texts(framework)
        if not looks_chinese(text.zh) or looks_chinese(text.en)
    ]
    assert problems == []


def test_weights_positive_and_ids_unique(framework: Framework) -> None:
    ids_seen = [i.id for i in framework.indicators] + [d.id for d in framework.dimensions]
    assert len(ids_seen) == len(set(ids_seen))
    assert all(i.weight > 0 for i in framework.indicators)
    assert all(d.weight and d.weight > 0 for d in framework.dimensions if d.scored)


def test_every_indicator_has_source_evidence_and_advice(framework: Framework) -> None:
    for indicator in framework.indicators:
        assert indicator.source.strip()
        assert indicator.evidence.zh.strip()
        has_advice = indicator.recommendations or indicator.recommendation
        assert has_advice, indicator.id


def test_level_descriptors_cover_the_scale(framework: Framework) -> None:
    scale = [lv.value for lv in framework.answer_scale or ()]
    for indicator in framework.indicators:
        if indicator.answer is AnswerType.LEVEL:
            assert sorted(indicator.descriptors or {}) == scale
            assert len({d.zh for d in (indicator.descriptors or {}).values()}) == len(scale)


def test_result_rule_status_is_stated(framework: Framework) -> None:
    assert framework.result.basis.zh.strip()
    assert framework.result.status in ("verified", "partly_verified", "unverified")


def test_work_point_tags_are_used() -> None:
    tagged = [i for fw in load_all().values() for i in fw.indicators if i.work_points]
    assert len(tagged) >= 50


DCMM_AREAS = {
    "数据战略": ["数据战略规划", "数据战略实施", "数据战略评估"],
    "数据治理": ["数据治理组织", "数据制度建设", "数据治理沟通"],
    "数据架构": ["数据模型", "数据分布", "数据集成与共享", "元数据管理"],
    "数据应用": ["数据分析", "数据开放共享", "数据服务"],
    "数据安全": ["数据安全策略", "数据安全管理", "数据安全审计"],
    "数据质量": ["数据质量需求", "数据质量检查", "数据质量分析", "数据质量提升"],
    "数据标准": ["业务术语", "参考数据和主数据", "数据元", "指标数据"],
    "数据生存周期": ["数据需求", "数据设计和开发", "数据运维", "数据退役"],
}


def test_dcmm_has_the_8_areas_and_28_items_of_gbt_36073() -> None:
    dcmm = load_all()["dcmm"]
    found = {d.name.zh: [i.name.zh for i in d.indicators] for d in dcmm.dimensions}
    assert found == DCMM_AREAS
    assert sum(len(items) for items in found.values()) == 28
    assert dcmm.result.rule == "mean_of_areas"
    assert [lv.name.zh for lv in dcmm.result_levels] == [
        "初始级",
        "受管理级",
        "稳健级",
        "量化管理级",
        "优化级",
    ]


def test_sme_points_add_up_to_100() -> None:
    sme = load_all()["sme"]
    scored = {d.name.zh: sum(i.max_score for i in d.indicators) for d in sme.dimensions if d.scored}
    assert scored == {"数字化基础": 50, "数字化管理": 30, "数字化成效": 20}
    for dimension in sme.dimensions:
        for indicator in dimension.indicators:
            if dimension.scored:  # weights are the question's maximum points
                assert indicator.weight == pytest.approx(indicator.max_score)


def test_sme_has_16_scenarios_10_constrained() -> None:
    sme = load_all()["sme"]
    scenarios = [i for i in sme.indicators if i.answer is AnswerType.LEVEL]
    assert len(scenarios) == 16
    assert sum("constrained" in i.tags for i in scenarios) == 10
    assert sme.result.rule == "bands"
    assert [b.min_score for b in sme.result.bands] == [20, 40, 60, 80]  # type: ignore[union-attr]


def test_cmmm_has_20_subdomains_with_requirements_at_every_level() -> None:
    cmmm = load_all()["cmmm"]
    assert len(cmmm.dimensions) == 20
    for dimension in cmmm.dimensions:
        assert {i.gate_level for i in dimension.indicators} == {1, 2, 3, 4, 5}, dimension.id
    assert {p.id for p in cmmm.paths or ()} == {"discrete", "process"}
    assert cmmm.result.rule == "cumulative_gates"


@pytest.mark.parametrize(
    ("framework_id", "minimum"),
    [("integration", 20), ("cdo", 10), ("energy_carbon", 8), ("data_security", 12)],
)
def test_minimum_indicator_counts(framework_id: str, minimum: int) -> None:
    framework = load_all()[framework_id]
    scored = [i for d in framework.dimensions if d.scored for i in d.indicators]
    assert len(scored) >= minimum


def test_dtm_has_the_five_perspectives_and_stages() -> None:
    dtm = load_all()["dtm"]
    assert [d.name.zh for d in dtm.dimensions] == [
        "发展战略",
        "业务创新转型",
        "新型能力",
        "治理体系",
        "系统性解决方案",
    ]
    assert [lv.name.zh for lv in dtm.result_levels] == [
        "规范级",
        "场景级",
        "领域级",
        "平台级",
        "生态级",
    ]


def test_generated_schema_and_catalogue_are_fresh() -> None:
    stale = stale_files()
    assert stale == [], f"run `make schema` to regenerate: {[p.name for p in stale]}"


def test_every_verified_claim_of_the_newest_versions_names_what_it_was_checked_against() -> None:
    for framework_id, framework in load_all().items():
        for source in framework.sources:
            if source.status.value in ("verified", "partly_verified"):
                assert source.checked_against, f"{framework_id}.{source.id}"
        assert framework.edition, framework_id


def test_the_sme_online_system_source_is_partly_verified_and_cmmm_weights_are_ronghes() -> None:
    frameworks = load_all()
    sme = {s.id: s for s in frameworks["sme"].sources}
    assert sme["zjtx_2024_json"].status.value == "partly_verified"
    cmmm = {s.id: s for s in frameworks["cmmm"].sources}
    assert "融合平台自定" in cmmm["ronghe_cmmm_weights"].citation
    assert "not GB/T 39117-2020's" in frameworks["cmmm"].description.en


def test_dcmm_2018_stays_the_default_and_2025_is_a_documented_slot() -> None:
    dcmm = load_all()["dcmm"]
    assert dcmm.edition == "GB/T 36073-2018"
    assert dcmm.next_edition is not None
    assert dcmm.next_edition.edition.startswith("GB/T 36073-2025")
    assert "2026-07-01" in dcmm.next_edition.note.zh
    assert dcmm.next_edition.checked_against
