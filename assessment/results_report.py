"""Everything the results of one assessment show, as one bundle: the Ronghe Index, a card per
framework (level, score, coverage, versions, dimension scores), the diagnosis (contributions,
gap to the next level with recommendations), the conversion table, the peer percentile
(k-suppressed), the history across years, and a what-if that re-scores raised answers without
saving anything.

The results page and the consultant's report both read :func:`results_report`; nothing here
depends on Streamlit. A submitted assessment is scored against the versions its stored results
record; a draft is scored live and marked provisional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from assessment import columns as C
from assessment.composite import composite_index, to_common_scale
from assessment.diagnosis import Diagnosis, diagnose
from assessment.models import (
    Assessment,
    CompositeResult,
    Enterprise,
    FrameworkResult,
    Status,
    User,
)
from assessment.peers import DEFAULT_K, SUPPRESSED, PeerResult
from assessment.repo.access import stored_id
from assessment.repo.assessments import get_answers, get_assessment, list_assessments
from assessment.repo.results import FRAMEWORK_VERSION, compute_results
from indicators.crosswalk import Crosswalk, load_crosswalk
from indicators.loader import load_framework
from indicators.schema import Framework, Text

RESULT_STATUSES = (Status.SUBMITTED, Status.RESUBMITTED, Status.VERIFIED)
DIAGNOSIS_LIMIT = 10


@dataclass(frozen=True)
class FrameworkCard:
    """One framework's result in an assessment, with its diagnosis."""

    framework: Framework
    level: int | None
    score: float | None
    scale_max: float
    score_100: float | None
    coverage: float
    complete: bool
    equivalent_100: float | None
    stage: int | None
    dimensions: pd.DataFrame  # dimension_id, name_zh, name_en, score (0..1, NaN unscored)
    diagnosis: Diagnosis
    answers: dict[str, str]
    path: str | None
    peer: PeerResult | None = None
    # every dimension's score as stored, unscored ones with a result of their own included
    dimension_scores: Mapping[str, Any] = field(default_factory=dict)

    @property
    def level_name(self) -> Text | None:
        """The name of the level reached (None below the first level)."""
        return self.framework.result_level(self.level).name if self.level else None


@dataclass(frozen=True)
class ResultsReport:
    """The results of one assessment (see the module docstring)."""

    assessment: Assessment
    enterprise: Enterprise
    provisional: bool  # a draft: scored live, not stored
    composite: float | None
    stage: int | None
    crosswalk: Crosswalk
    cards: tuple[FrameworkCard, ...]
    peer: PeerResult | None
    history: pd.DataFrame
    results: pd.DataFrame = field(repr=False)  # the per-framework results frame scored here

    @property
    def stage_name(self) -> Text | None:
        return self.crosswalk.stage(self.stage).name if self.stage else None

    def card(self, framework_id: str) -> FrameworkCard:
        return next(c for c in self.cards if c.framework.id == framework_id)


def results_report(
    session: Session, *, actor: User, assessment_id: int, k: int = DEFAULT_K
) -> ResultsReport:
    """The results bundle of one assessment in the actor's scope (AccessDenied otherwise)."""
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    enterprise = session.get(Enterprise, assessment.enterprise_id)
    assert enterprise is not None
    answers = get_answers(session, actor=actor, assessment_id=assessment_id)
    versions = dict(assessment.framework_versions)
    stored = session.exec(
        select(FrameworkResult).where(col(FrameworkResult.assessment_id) == assessment_id)
    ).all()
    versions.update({r.framework_id: r.framework_version for r in stored})
    results = score_frameworks(answers, assessment, versions)
    crosswalk = load_crosswalk()
    composite = _composite(results, crosswalk)
    common = to_common_scale(_crosswalked(results, crosswalk), crosswalk).set_index(C.FRAMEWORK_ID)
    provisional = Status(assessment.status) not in RESULT_STATUSES
    year_peers = PeerQuery(session, assessment, enterprise, k)
    cards = []
    for _, row in results.iterrows():
        framework_id = str(row[C.FRAMEWORK_ID])
        framework = load_framework(framework_id, str(row[FRAMEWORK_VERSION]))
        card = _card(framework, row, answers, assessment, common)
        cards.append(replace(card, peer=year_peers.framework(framework_id, card.score_100)))
    return ResultsReport(
        assessment=assessment,
        enterprise=enterprise,
        provisional=provisional,
        composite=composite[0],
        stage=composite[1],
        crosswalk=crosswalk,
        cards=tuple(cards),
        peer=year_peers.composite(composite[0]),
        history=history(session, actor=actor, assessment=assessment, composite=composite[0]),
        results=results,
    )


def score_frameworks(
    answers: pd.DataFrame, assessment: Assessment, versions: Mapping[str, str]
) -> pd.DataFrame:
    """Per-framework results of one assessment's answers against ``versions``."""
    aid = str(assessment.id)
    plan = pd.DataFrame(
        [(aid, fid, ver, assessment.paths.get(fid)) for fid, ver in versions.items()],
        columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, FRAMEWORK_VERSION, C.PATH],
    )
    results = compute_results(answers, plan)
    order = {fid: n for n, fid in enumerate(versions)}
    return results.sort_values(C.FRAMEWORK_ID, key=lambda s: s.map(order)).reset_index(drop=True)


def _crosswalked(results: pd.DataFrame, crosswalk: Crosswalk) -> pd.DataFrame:
    known = {m.framework for m in crosswalk.mappings}
    return results[results[C.FRAMEWORK_ID].isin(known)][
        [C.ASSESSMENT_ID, C.FRAMEWORK_ID, C.LEVEL, C.SCORE_100]
    ]


def _composite(results: pd.DataFrame, crosswalk: Crosswalk) -> tuple[float | None, int | None]:
    frame = composite_index(_crosswalked(results, crosswalk), crosswalk)
    if frame.empty:
        return None, None
    value = _float(frame[C.COMPOSITE].iloc[0])
    stage = frame[C.STAGE].iloc[0]
    return value, None if stage is pd.NA else int(stage)


def _float(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if np.isnan(number) else number


def _card(
    framework: Framework,
    row: pd.Series,
    answers: pd.DataFrame,
    assessment: Assessment,
    common: pd.DataFrame,
) -> FrameworkCard:
    mine = answers[answers[C.FRAMEWORK_ID] == framework.id]
    path = assessment.paths.get(framework.id)
    known = {i.id for i in framework.indicators}
    mine = mine[mine[C.INDICATOR_ID].isin(known)]
    diagnosis = diagnose(
        mine[[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER]],
        framework,
        assessment_id=str(assessment.id),
        path=path,
        limit=DIAGNOSIS_LIMIT,
    )
    scores = row["dimension_scores"] or {}
    dimensions = pd.DataFrame(
        {
            C.DIMENSION_ID: [d.id for d in framework.dimensions if d.scored],
            "name_zh": [d.name.zh for d in framework.dimensions if d.scored],
            "name_en": [d.name.en for d in framework.dimensions if d.scored],
            C.SCORE: [
                np.nan if scores.get(d.id) is None else float(scores[d.id])
                for d in framework.dimensions
                if d.scored
            ],
        }
    )
    level = row[C.LEVEL]
    in_common = framework.id in common.index
    stage: Any = common.loc[framework.id, C.STAGE] if in_common else pd.NA
    return FrameworkCard(
        framework=framework,
        level=None if level is pd.NA or pd.isna(level) or int(level) == 0 else int(level),
        score=_float(row[C.SCORE]),
        scale_max=float(row[C.SCALE_MAX]),
        score_100=_float(row[C.SCORE_100]),
        coverage=float(row[C.COVERAGE]),
        complete=bool(row[C.COMPLETE]),
        equivalent_100=_float(common.loc[framework.id, "equivalent_100"]) if in_common else None,
        stage=None if stage is pd.NA else int(stage),
        dimensions=dimensions,
        diagnosis=diagnosis,
        answers=dict(zip(mine[C.INDICATOR_ID], mine[C.ANSWER], strict=True)),
        path=path,
        dimension_scores=dict(scores),
    )


# ----------------------------------------------------------------------------- peers


class PeerQuery:
    """Peer percentiles of one assessment, computed in the database without reading any peer's
    identity: per widening step of :mod:`assessment.peers` (prefecture, province, nation,
    nation_industry, nation_all) one conditional count of peers below, equal and in total, for
    submitted results of the same year. Same figures as :func:`assessment.peers.peer_percentile`
    on the same rows (the assessment itself counted in its group)."""

    def __init__(self, session: Session, assessment: Assessment, enterprise: Enterprise, k: int):
        self.session, self.assessment, self.enterprise, self.k = session, assessment, enterprise, k

    def _groups(self) -> list[tuple[str, Any]]:
        e = self.enterprise
        region = col(Enterprise.region_code)
        industry = col(Enterprise.industry_code) == e.industry_code
        size = col(Enterprise.size_class) == e.size_class if e.size_class else None
        prefecture = func.substr(region, 1, 4) == e.region_code[:4]
        province = func.substr(region, 1, 2) == e.region_code[:2]
        steps: list[tuple[str, Any]] = []
        if size is not None:
            steps += [
                ("prefecture", and_(industry, size, prefecture)),
                ("province", and_(industry, size, province)),
                ("nation", and_(industry, size)),
            ]
        return [*steps, ("nation_industry", industry), ("nation_all", None)]

    def _percentile(self, score: Any, value: float | None, base: Any) -> PeerResult | None:
        if value is None:
            return None
        columns = []
        groups = self._groups()
        for _, condition in groups:
            inside = condition if condition is not None else and_(True)
            columns += [
                func.sum(case((inside, 1), else_=0)),
                func.sum(case((and_(inside, score < value), 1), else_=0)),
                func.sum(case((and_(inside, score == value), 1), else_=0)),
            ]
        query = base.with_only_columns(*columns).where(
            col(Assessment.year) == self.assessment.year,
            col(Assessment.status).in_([s.value for s in RESULT_STATUSES]),
            col(Assessment.id) != stored_id(self.assessment.id),
            score.is_not(None),
        )
        counts = [int(v or 0) for v in self.session.execute(query).one()]
        for n, (name, _) in enumerate(groups):
            total, below, equal = counts[3 * n : 3 * n + 3]
            if total + 1 >= self.k:
                return PeerResult(
                    str(self.assessment.id), 100.0 * (below + equal / 2) / total, name, total + 1
                )
        return PeerResult(str(self.assessment.id), None, SUPPRESSED, 0)

    def composite(self, value: float | None) -> PeerResult | None:
        base = (
            sa_select(col(CompositeResult.assessment_id))
            .join(Assessment, col(Assessment.id) == col(CompositeResult.assessment_id))
            .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        )
        return self._percentile(col(CompositeResult.composite), value, base)

    def framework(self, framework_id: str, value: float | None) -> PeerResult | None:
        base = (
            sa_select(col(FrameworkResult.assessment_id))
            .join(Assessment, col(Assessment.id) == col(FrameworkResult.assessment_id))
            .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
            .where(col(FrameworkResult.framework_id) == framework_id)
        )
        return self._percentile(col(FrameworkResult.score_100), value, base)


# ----------------------------------------------------------------------------- history


def history(
    session: Session, *, actor: User, assessment: Assessment, composite: float | None
) -> pd.DataFrame:
    """The enterprise's assessments by year (oldest first): year, assessment_id, status,
    composite and its change since the year before, and each framework's 0–100 score."""
    rows = list_assessments(session, actor=actor, enterprise_id=assessment.enterprise_id)
    ids = [stored_id(a.id) for a in rows]
    composites = dict(
        session.execute(
            sa_select(col(CompositeResult.assessment_id), col(CompositeResult.composite)).where(
                col(CompositeResult.assessment_id).in_(ids)
            )
        ).all()
    )
    scores = session.execute(
        sa_select(
            col(FrameworkResult.assessment_id),
            col(FrameworkResult.framework_id),
            col(FrameworkResult.score_100),
        ).where(col(FrameworkResult.assessment_id).in_(ids))
    ).all()
    if Status(assessment.status) not in RESULT_STATUSES:
        composites[stored_id(assessment.id)] = composite
    per_framework: dict[int, dict[str, float | None]] = {}
    for aid, fid, value in scores:
        per_framework.setdefault(aid, {})[fid] = value
    frame = pd.DataFrame(
        [
            {
                C.YEAR: a.year,
                C.ASSESSMENT_ID: a.id,
                C.STATUS: a.status,
                C.COMPOSITE: composites.get(stored_id(a.id)),
                **per_framework.get(stored_id(a.id), {}),
            }
            for a in sorted(rows, key=lambda a: (a.year, stored_id(a.id)))
        ]
    )
    frame[C.COMPOSITE] = pd.to_numeric(frame[C.COMPOSITE], errors="coerce")
    frame["delta"] = frame[C.COMPOSITE].diff()
    return frame


# ----------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIf:
    """Levels and the index before and after raising some answers (nothing is saved)."""

    frameworks: pd.DataFrame  # framework_id, level_before, level_after, score_before, score_after
    composite_before: float | None
    composite_after: float | None
    stage_after: int | None


def what_if(report: ResultsReport, changes: Mapping[tuple[str, str], str]) -> WhatIf:
    """Re-score ``report``'s assessment with ``changes`` ((framework, indicator) → answer)."""
    touched = sorted({fid for fid, _ in changes})
    after = report.results.copy()
    aid = str(report.assessment.id)
    for framework_id in touched:
        card = report.card(framework_id)
        answers = {**card.answers, **{i: a for (f, i), a in changes.items() if f == framework_id}}
        frame = pd.DataFrame(
            {
                C.ASSESSMENT_ID: aid,
                C.FRAMEWORK_ID: framework_id,
                C.INDICATOR_ID: list(answers),
                C.ANSWER: list(answers.values()),
            }
        )
        versions = {framework_id: card.framework.version}
        rescored = score_frameworks(frame, report.assessment, versions).iloc[0]
        rows = after[C.FRAMEWORK_ID] == framework_id
        for column in (C.LEVEL, C.SCORE, C.SCORE_100):
            after.loc[rows, column] = rescored[column]
    composite, stage = _composite(after, report.crosswalk)
    before = report.results.set_index(C.FRAMEWORK_ID)
    changed = after.set_index(C.FRAMEWORK_ID)
    frame = pd.DataFrame(
        {
            C.FRAMEWORK_ID: touched,
            "level_before": [_level(before.loc[f, C.LEVEL]) for f in touched],
            "level_after": [_level(changed.loc[f, C.LEVEL]) for f in touched],
            "score_before": [_float(before.loc[f, C.SCORE]) for f in touched],
            "score_after": [_float(changed.loc[f, C.SCORE]) for f in touched],
        }
    )
    return WhatIf(frame, report.composite, composite, stage)


def _level(value: Any) -> int | None:
    return None if value is pd.NA or pd.isna(value) or int(value) == 0 else int(value)


def conversion_table(crosswalk: Crosswalk, lang: str = "zh") -> pd.DataFrame:
    """Stage by stage, each framework's levels that land in it (the 数据换算 table)."""
    rows = []
    for stage in crosswalk.stages:
        low, high = crosswalk.stage_range(stage.value)
        row: dict[str, str] = {"stage": f"{stage.value} {stage.name.get(lang)}"}
        row["range"] = f"{low:g}–{high:g}"
        for mapping in crosswalk.mappings:
            names = [
                f"{a.level} {a.name.get(lang)}" for a in mapping.levels if a.stage == stage.value
            ]
            row[mapping.name.get(lang)] = "、".join(names) if lang != "en" else ", ".join(names)
        rows.append(row)
    return pd.DataFrame(rows)


def raise_candidates(card: FrameworkCard) -> Sequence[tuple[str, str, str]]:
    """(indicator_id, current answer, raised answer) of every one-step raise that helps."""
    raises = card.diagnosis.raises
    return list(
        zip(
            raises[C.INDICATOR_ID].astype(str),
            raises[C.ANSWER].astype(str),
            raises[C.RAISED_ANSWER].astype(str),
            strict=True,
        )
    )
