"""What a client report says, gathered once from the core (results, composite, conversion,
diagnosis, peers) so the PDF and the workbook print the same facts.

Results are recomputed from the stored answers against the recorded framework versions, so a
draft reports what it would score and a submitted assessment what was materialised.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlmodel import Session

from assessment import columns as C
from assessment import reference
from assessment.composite import equivalence_text, index_name
from assessment.diagnosis import diagnose
from assessment.models import Assessment, Enterprise, User
from assessment.peers import DEFAULT_K, SUPPRESSED, group_name
from assessment.repo.access import readable_enterprise
from assessment.repo.assessments import get_answers, get_assessment
from assessment.repo.results import (
    DIMENSION_SCORES,
    FRAMEWORK_VERSION,
    compute_composite,
    compute_results,
)
from assessment.results_report import PeerQuery
from indicators.crosswalk import load_crosswalk
from indicators.loader import CATALOGUE_ORDER, load_framework
from indicators.schema import Text

INDEX_NAME, _explanation = index_name()  # the crosswalk data names the index (融合指数)
assert _explanation is not None, "the default crosswalk must explain the Ronghe Index"
INDEX_EXPLANATION: Final = _explanation
SELF_ASSESSED: Final = Text(
    zh="本报告依据企业自评或咨询机构采集的答案计算，未经认证机构审核。",
    en="This report is computed from self-assessed or consultant-collected answers and has not "
    "been audited by a certification body.",
)
STATUS_NAMES: Final = {
    "draft": Text(zh="草稿", en="draft"),
    "submitted": Text(zh="已提交", en="submitted"),
    "returned": Text(zh="已退回", en="returned"),
    "resubmitted": Text(zh="已重新提交", en="resubmitted"),
    "verified": Text(zh="已核实", en="verified"),
}


@dataclass(frozen=True)
class Recommendation:
    """One piece of advice: the indicator, its current level (level indicators) and the measures
    of the 2025 work points it serves."""

    indicator: Text
    current_level: int | None
    text: Text
    work_points: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkSection:
    """One framework's result in the report."""

    framework_id: str
    version: str
    title: Text
    short_title: Text
    level: int | None
    level_name: Text | None
    score: float | None
    scale_max: float | None
    score_100: float | None
    coverage: float | None
    complete: bool
    dimensions: tuple[tuple[Text, float | None], ...]  # name, score on 0..1
    next_level: int | None
    recommendations: tuple[Recommendation, ...]
    conversion: Text | None  # "CMMM 3（集成级）≈ …"; None when no level was reached


@dataclass(frozen=True)
class Peers:
    """The composite's peer percentile and the group it was taken in (k-suppressed)."""

    percentile: float | None
    group: Text
    count: int


@dataclass(frozen=True)
class ReportContent:
    """Everything a report about one assessment prints."""

    assessment_id: int
    enterprise_name: str
    uscc: str
    region: Text
    industry: Text
    size_class: str | None
    year: int
    status: Text
    composite: float | None
    stage: int | None
    stage_name: Text | None
    crosswalk_version: str
    frameworks: tuple[FrameworkSection, ...]
    peers: Peers
    answers: pd.DataFrame  # framework_id, indicator_id, indicator, answer, evidence


def _names(lookup: object, code: str) -> Text:
    """Both names of a region or industry code, the code itself when unknown."""
    try:
        found = lookup(code)  # type: ignore[operator]
        return Text(zh=found.name("zh"), en=found.name("en"))
    except (ValueError, reference.UnknownCode):
        return Text(zh=code or "—", en=code or "—")


def _region_names(code: str) -> Text:
    """A county falls back to its prefecture's name (the table lists prefectures)."""
    names = _names(reference.region, code)
    if names.zh == code and len(code) == 6:
        return _names(reference.region, code[:4] + "00")
    return names


def report_content(
    session: Session, *, actor: User, assessment_id: int, k: int = DEFAULT_K
) -> ReportContent:
    """Gather the report of one assessment in ``actor``'s scope (AccessDenied otherwise)."""
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    enterprise = readable_enterprise(session, actor=actor, enterprise_id=assessment.enterprise_id)
    answers = get_answers(session, actor=actor, assessment_id=assessment_id)
    plan = pd.DataFrame(
        [
            (str(assessment_id), fid, ver, assessment.paths.get(fid))
            for fid, ver in assessment.framework_versions.items()
        ],
        columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, FRAMEWORK_VERSION, C.PATH],
    )
    results = compute_results(answers, plan)
    composite, crosswalk_version = compute_composite(results)
    walk = load_crosswalk(crosswalk_version)
    value = composite[C.COMPOSITE].iloc[0] if len(composite) else np.nan
    stage = composite[C.STAGE].iloc[0] if len(composite) else pd.NA
    has_value = pd.notna(value)
    order = {framework_id: n for n, framework_id in enumerate(CATALOGUE_ORDER)}
    sections = tuple(
        sorted(
            (
                _section(row, answers, assessment.paths.get(str(row[C.FRAMEWORK_ID])))
                for _, row in results.iterrows()
            ),
            key=lambda s: order.get(s.framework_id, len(order)),
        )
    )
    return ReportContent(
        assessment_id=assessment_id,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        region=_region_names(enterprise.region_code),
        industry=_names(reference.industry, enterprise.industry_code),
        size_class=enterprise.size_class,
        year=assessment.year,
        status=STATUS_NAMES.get(
            assessment.status, Text(zh=assessment.status, en=assessment.status)
        ),
        composite=float(value) if has_value else None,
        stage=int(stage) if pd.notna(stage) else None,
        stage_name=walk.stage(int(stage)).name if pd.notna(stage) else None,
        crosswalk_version=crosswalk_version,
        frameworks=sections,
        peers=_peers(session, assessment, enterprise, float(value) if has_value else None, k),
        answers=_answer_rows(answers, assessment),
    )


def _section(row: pd.Series, answers: pd.DataFrame, path: str | None) -> FrameworkSection:
    framework_id, version = str(row[C.FRAMEWORK_ID]), str(row[FRAMEWORK_VERSION])
    framework = load_framework(framework_id, version)
    level = None if pd.isna(row[C.LEVEL]) else int(row[C.LEVEL])
    names = {lv.value: lv.name for lv in framework.result_levels}
    dims = row[DIMENSION_SCORES] or {}
    dimensions = tuple(
        (d.name, None if dims.get(d.id) is None else float(dims[d.id]))
        for d in framework.dimensions
        if d.scored
    )
    mine = answers[answers[C.FRAMEWORK_ID] == framework_id]
    next_level: int | None = None
    advice: tuple[Recommendation, ...] = ()
    if len(mine):
        known = {i.id for i in framework.indicators}
        diagnosis = diagnose(mine[mine[C.INDICATOR_ID].isin(known)], framework, path=path)
        next_level = diagnosis.next_level
        advice = tuple(
            Recommendation(r.name, r.current_level, r.text, r.work_points)
            for r in diagnosis.recommendations
        )
    conversion = None
    if level is not None:
        with contextlib.suppress(KeyError, ValueError):
            conversion = Text(
                zh=equivalence_text(framework_id, level, "zh"),
                en=equivalence_text(framework_id, level, "en"),
            )
    return FrameworkSection(
        framework_id=framework_id,
        version=version,
        title=framework.title,
        short_title=framework.short_title,
        level=level,
        level_name=names.get(level) if level is not None else None,
        score=_number(row[C.SCORE]),
        scale_max=_number(row[C.SCALE_MAX]),
        score_100=_number(row[C.SCORE_100]),
        coverage=_number(row[C.COVERAGE]),
        complete=bool(row[C.COMPLETE]),
        dimensions=dimensions,
        next_level=next_level,
        recommendations=advice,
        conversion=conversion,
    )


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _answer_rows(answers: pd.DataFrame, assessment: Assessment) -> pd.DataFrame:
    """Answers with the indicator's name and the evidence the framework asks for."""
    rows = []
    for framework_id, version in assessment.framework_versions.items():
        framework = load_framework(framework_id, version)
        given = answers[answers[C.FRAMEWORK_ID] == framework_id].set_index(C.INDICATOR_ID)[C.ANSWER]
        for indicator in framework.indicators:
            rows.append(
                {
                    C.FRAMEWORK_ID: framework_id,
                    C.INDICATOR_ID: indicator.id,
                    "indicator_zh": indicator.name.zh,
                    "indicator_en": indicator.name.en,
                    C.ANSWER: str(given.get(indicator.id, "")),
                    "evidence_zh": indicator.evidence.zh,
                    "evidence_en": indicator.evidence.en,
                }
            )
    return pd.DataFrame(rows)


def _peers(
    session: Session,
    assessment: Assessment,
    enterprise: Enterprise,
    composite: float | None,
    k: int,
) -> Peers:
    """Percentile of the composite among the same year's submitted results, counted in the
    database (the results page's query: only counts leave it; groups below ``k`` are
    suppressed)."""
    found = PeerQuery(session, assessment, enterprise, k).composite(composite)
    group = found.group if found is not None else SUPPRESSED
    return Peers(
        percentile=found.percentile if found is not None else None,
        group=Text(zh=group_name(group, "zh"), en=group_name(group, "en")),
        count=found.count if found is not None else 0,
    )
