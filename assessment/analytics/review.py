"""The bureau's review queue and enterprise lists: submitted assessments with their evidence
files, the enterprise table of a jurisdiction, and the two ready lists (lagging enterprises and
those closest to the next level). Every query is filtered by the actor's scope in SQL.

Writes go through the audited core functions: ``review_assessment`` (verify / return with a
comment) and ``confirm_enterprise``; downloading an evidence file is recorded as an export.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from assessment import columns as C
from assessment.models import (
    REVIEWABLE_STATUSES,
    Answer,
    Assessment,
    CompositeResult,
    Enterprise,
    EvidenceFile,
    FrameworkResult,
    User,
)
from assessment.repo.access import REVIEWERS, region_condition, require_role, scope_condition
from assessment.repo.errors import AccessDenied

ENTERPRISE_COLUMNS = (
    "enterprise_id",
    "name",
    C.USCC,
    C.REGION_CODE,
    C.INDUSTRY_CODE,
    "size_class",
    "assessment_id",
    C.STATUS,
    "composite",
    "stage",
)


def review_queue(session: Session, *, actor: User, limit: int = 200) -> pd.DataFrame:
    """Submitted and resubmitted assessments in scope, oldest submission first, with the
    enterprise, the Ronghe Index and how many evidence files are attached."""
    require_role(actor, *REVIEWERS)
    evidence = (
        select(col(EvidenceFile.assessment_id), func.count().label("files"))
        .group_by(col(EvidenceFile.assessment_id))
        .subquery()
    )
    rows = session.execute(
        select(
            col(Assessment.id),
            col(Assessment.version),
            col(Assessment.year),
            col(Assessment.status),
            col(Assessment.submitted_at),
            col(Enterprise.id),
            col(Enterprise.name),
            col(Enterprise.uscc),
            col(Enterprise.region_code),
            col(CompositeResult.composite),
            func.coalesce(evidence.c.files, 0),
        )
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .outerjoin(CompositeResult, col(CompositeResult.assessment_id) == col(Assessment.id))
        .outerjoin(evidence, evidence.c.assessment_id == col(Assessment.id))
        .where(scope_condition(actor))
        .where(col(Assessment.status).in_([s.value for s in REVIEWABLE_STATUSES]))
        .order_by(col(Assessment.submitted_at), col(Assessment.id))
        .limit(limit)
    ).all()
    columns = [
        "assessment_id",
        "version",
        C.YEAR,
        C.STATUS,
        "submitted_at",
        "enterprise_id",
        "name",
        C.USCC,
        C.REGION_CODE,
        "composite",
        "evidence_files",
    ]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _assessment_in_scope(session: Session, actor: User, assessment_id: int) -> Assessment:
    found: Assessment | None = session.execute(
        select(Assessment)
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(col(Assessment.id) == assessment_id, scope_condition(actor))
    ).scalar_one_or_none()
    if found is None:
        raise AccessDenied()
    return found


def answered_count(session: Session, *, actor: User, assessment_id: int) -> int:
    """How many answers an assessment in scope holds."""
    _assessment_in_scope(session, actor, assessment_id)
    return int(
        session.execute(
            select(func.count()).where(col(Answer.assessment_id) == assessment_id)
        ).scalar_one()
    )


def enterprise_table(
    session: Session,
    *,
    actor: User,
    year: int,
    region_code: str | None = None,
    industry_code: str | None = None,
    search: str | None = None,
    lowest_first: bool = False,
    limit: int = 500,
) -> pd.DataFrame:
    """Enterprises in scope with their newest assessment of ``year`` (status, Ronghe Index and
    stage); enterprises without one are listed with empty status. Sorted by name, or by index
    (lowest first; unscored last) for the lagging list."""
    require_role(actor, *REVIEWERS)
    newest = (
        select(col(Assessment.enterprise_id), func.max(col(Assessment.id)).label("id"))
        .where(col(Assessment.year) == year)
        .group_by(col(Assessment.enterprise_id))
        .subquery()
    )
    query = (
        select(
            col(Enterprise.id),
            col(Enterprise.name),
            col(Enterprise.uscc),
            col(Enterprise.region_code),
            col(Enterprise.industry_code),
            col(Enterprise.size_class),
            newest.c.id,
            col(Assessment.status),
            col(CompositeResult.composite),
            col(CompositeResult.stage),
        )
        .outerjoin(newest, newest.c.enterprise_id == col(Enterprise.id))
        .outerjoin(Assessment, col(Assessment.id) == newest.c.id)
        .outerjoin(CompositeResult, col(CompositeResult.assessment_id) == newest.c.id)
        .where(scope_condition(actor))
    )
    if region_code:
        query = query.where(region_condition(region_code))
    if industry_code:
        query = query.where(col(Enterprise.industry_code) == industry_code)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(
            col(Enterprise.name).like(pattern) | col(Enterprise.uscc).like(pattern.upper())
        )
    if lowest_first:
        composite = col(CompositeResult.composite)
        query = query.where(composite.is_not(None)).order_by(composite, col(Enterprise.id))
    else:
        query = query.order_by(col(Enterprise.name), col(Enterprise.id))
    rows = session.execute(query.limit(limit)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(ENTERPRISE_COLUMNS))
    frame["assessment_id"] = frame["assessment_id"].astype("Int64")
    frame["stage"] = frame["stage"].astype("Int64")
    return frame


def closest_to_next_level(
    session: Session,
    *,
    actor: User,
    year: int,
    framework_id: str,
    region_code: str | None = None,
    candidates: int = 100,
    limit: int = 20,
) -> pd.DataFrame:
    """Enterprises closest to their next level of ``framework_id``: the fewest one-step indicator
    raises (from the diagnosis, best raise first) that reach the next level. The diagnosis runs
    on the ``candidates`` results with the highest score within their level (capped for speed).
    """
    from assessment.diagnosis import diagnose
    from indicators.loader import load_framework

    require_role(actor, *REVIEWERS)
    query = (
        select(
            col(Enterprise.id),
            col(Enterprise.name),
            col(Enterprise.region_code),
            col(Assessment.id),
            col(FrameworkResult.framework_version),
            col(FrameworkResult.level),
            col(FrameworkResult.score),
            col(Assessment.paths),
        )
        .join(Assessment, col(Assessment.id) == col(FrameworkResult.assessment_id))
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(scope_condition(actor))
        .where(col(Assessment.year) == year, col(FrameworkResult.framework_id) == framework_id)
        .where(col(Assessment.status).in_(["submitted", "resubmitted", "verified"]))
        .order_by(col(FrameworkResult.score).desc())
        .limit(candidates)
    )
    if region_code:
        query = query.where(region_condition(region_code))
    found = []
    for eid, name, region, aid, version, level, score, paths in session.execute(query).all():
        answers = session.execute(
            select(col(Answer.indicator_id), col(Answer.answer)).where(
                col(Answer.assessment_id) == aid, col(Answer.framework_id) == framework_id
            )
        ).all()
        if not answers:
            continue
        frame = pd.DataFrame(
            [(str(aid), i, a) for i, a in answers],
            columns=[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER],
        )
        framework = load_framework(framework_id, version)
        result = diagnose(frame, framework, path=(paths or {}).get(framework_id), limit=0)
        if result.next_level is None:
            continue
        steps = _steps_to_next(result.raises, result.score_needed, result.next_level)
        if steps is None:
            continue
        found.append((eid, name, region, aid, level, score, result.next_level, steps))
    columns = [
        "enterprise_id",
        "name",
        C.REGION_CODE,
        "assessment_id",
        C.LEVEL,
        C.SCORE,
        "next_level",
        "steps",
    ]
    table = pd.DataFrame(found, columns=columns)
    return table.sort_values(["steps", C.SCORE], ascending=[True, False]).head(limit)


def _steps_to_next(raises: pd.DataFrame, needed: float, next_level: int) -> int | None:
    """One-step raises (best first) until the level is reached or the score gap is covered."""
    if raises.empty:
        return None
    gained = 0.0
    for step, row in enumerate(raises.itertuples(), start=1):
        gained += float(getattr(row, "score_gain", 0.0) or 0.0)
        level_after = getattr(row, "level_after", None)
        if (
            level_after is not None and not pd.isna(level_after) and int(level_after) >= next_level
        ) or (needed > 0 and gained >= needed):
            return step
    return None


__all__ = [
    "answered_count",
    "closest_to_next_level",
    "enterprise_table",
    "review_queue",
]
