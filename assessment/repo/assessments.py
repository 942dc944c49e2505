"""Assessments: drafts saved answer by answer with optimistic locking, submit (validation and
materialised results), bureau review, rescoring.

Status flow: draft → submitted → verified, or → returned (with the bureau's comment) →
resubmitted → verified / returned. Every save and status change bumps ``Assessment.version``
with a conditional ``UPDATE ... WHERE version = :base``; a stale base raises
:class:`ConflictError` and the stored draft stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, tuple_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from assessment import columns as C
from assessment.analytics.summary import rebuild_summary, refresh_summary
from assessment.models import (
    EDITABLE_STATUSES,
    REVIEWABLE_STATUSES,
    Answer,
    Assessment,
    Enterprise,
    FrameworkResult,
    Role,
    Status,
    User,
    utcnow,
)
from assessment.repo import audit
from assessment.repo.access import (
    REVIEWERS,
    SUBMITTERS,
    WRITERS_OF_DRAFTS,
    require_role,
    scope_condition,
    stored_id,
    writable_enterprise,
)
from assessment.repo.certified import current_frame
from assessment.repo.errors import (
    AccessDenied,
    ConflictError,
    IncompleteAssessment,
    InvalidState,
    ValidationFailed,
)
from assessment.repo.results import (
    FRAMEWORK_VERSION,
    compute_composite,
    compute_results,
    store_results,
)


@dataclass(frozen=True)
class AnswerInput:
    """One answer to save; ``answer=None`` clears it (back to unanswered)."""

    framework_id: str
    indicator_id: str
    answer: str | None


AnswerLike = AnswerInput | tuple[str, str, str | None]


def _answer_inputs(answers: Iterable[AnswerLike]) -> list[AnswerInput]:
    items = [a if isinstance(a, AnswerInput) else AnswerInput(*a) for a in answers]
    keys = [(a.framework_id, a.indicator_id) for a in items]
    if len(set(keys)) != len(keys):
        raise ValidationFailed(
            "同一指标在一次保存中出现了多次。", "An indicator appears more than once in one save."
        )
    return items


# ----------------------------------------------------------------------------- reads


def get_assessment(session: Session, *, actor: User, assessment_id: int) -> Assessment:
    """One assessment of an enterprise in the actor's scope (AccessDenied otherwise)."""
    found = session.exec(
        select(Assessment)
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(col(Assessment.id) == assessment_id, scope_condition(actor))
    ).first()
    if found is None:
        raise AccessDenied()
    return found


def list_assessments(
    session: Session,
    *,
    actor: User,
    enterprise_id: int | None = None,
    status: Status | str | None = None,
    year: int | None = None,
    limit: int | None = None,
) -> Sequence[Assessment]:
    """Assessments in the actor's scope, newest year first."""
    query = (
        select(Assessment)
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(scope_condition(actor))
    )
    if enterprise_id is not None:
        query = query.where(col(Assessment.enterprise_id) == enterprise_id)
    if status is not None:
        query = query.where(col(Assessment.status) == _status(status).value)
    if year is not None:
        query = query.where(col(Assessment.year) == year)
    query = query.order_by(col(Assessment.year).desc(), col(Assessment.id))
    return session.exec(query.limit(limit) if limit is not None else query).all()


def _status(status: Status | str) -> Status:
    """``status`` as a Status, or ValidationFailed listing the known ones."""
    try:
        return Status(status)
    except ValueError as exc:
        names = ", ".join(Status)
        shown = str(status)[:40]
        raise ValidationFailed(
            f"未知的评估状态“{shown}”，可选：{names}。",
            f"Unknown assessment status '{shown}'; choose one of {names}.",
        ) from exc


def get_answers(session: Session, *, actor: User, assessment_id: int) -> pd.DataFrame:
    """The stored answers in the canonical long format (plus ``framework_id``)."""
    get_assessment(session, actor=actor, assessment_id=assessment_id)
    rows = session.exec(
        select(Answer)
        .where(col(Answer.assessment_id) == assessment_id)
        .order_by(col(Answer.framework_id), col(Answer.indicator_id))
    ).all()
    return pd.DataFrame(
        {
            C.ASSESSMENT_ID: [str(r.assessment_id) for r in rows],
            C.FRAMEWORK_ID: [r.framework_id for r in rows],
            C.INDICATOR_ID: [r.indicator_id for r in rows],
            C.ANSWER: [r.answer for r in rows],
        },
        columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, C.INDICATOR_ID, C.ANSWER],
    )


def get_results(session: Session, *, actor: User, assessment_id: int) -> Sequence[FrameworkResult]:
    """The materialised per-framework results of one assessment."""
    get_assessment(session, actor=actor, assessment_id=assessment_id)
    return session.exec(
        select(FrameworkResult)
        .where(col(FrameworkResult.assessment_id) == assessment_id)
        .order_by(col(FrameworkResult.framework_id))
    ).all()


# ----------------------------------------------------------------------------- writes


def create_assessment(
    session: Session,
    *,
    actor: User,
    enterprise_id: int,
    year: int,
    frameworks: Sequence[str] | Mapping[str, str | None],
) -> Assessment:
    """A new draft for ``year`` against ``frameworks`` (id → version; None = newest release)."""
    from indicators.errors import UnknownFrameworkError
    from indicators.loader import load_framework

    enterprise = writable_enterprise(
        session, actor=actor, enterprise_id=enterprise_id, roles=WRITERS_OF_DRAFTS
    )
    wanted = frameworks if isinstance(frameworks, Mapping) else dict.fromkeys(frameworks)
    if not wanted:
        raise ValidationFailed("请至少选择一个指标体系。", "Choose at least one framework.")
    versions: dict[str, str] = {}
    paths: dict[str, str] = {}
    for framework_id, version in wanted.items():
        try:
            framework = load_framework(framework_id, version)
        except UnknownFrameworkError as exc:
            raise ValidationFailed(
                f"未知的指标体系或版本：{exc}", f"Unknown framework or version: {exc}"
            ) from exc
        versions[framework_id] = framework.version
        path_ids = [p.id for p in framework.paths or ()]
        if enterprise.production_type in path_ids:
            paths[framework_id] = enterprise.production_type
    now = utcnow()
    assessment = Assessment(
        enterprise_id=enterprise_id,
        year=year,
        framework_versions=versions,
        paths=paths,
        created_by=actor.id,
        updated_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(assessment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assessment.create",
        object_type="assessment",
        object_ids=[assessment.id],
        detail={"enterprise_id": enterprise_id, "year": year, "frameworks": versions},
    )
    refresh_summary(session, assessment_ids=[stored_id(assessment.id)])
    session.commit()
    session.refresh(assessment)
    return assessment


def _editable(session: Session, actor: User, assessment_id: int) -> Assessment:
    require_role(actor, *WRITERS_OF_DRAFTS)
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    if Status(assessment.status) not in EDITABLE_STATUSES:
        raise InvalidState(
            "评估已提交，不能再修改。",
            "The assessment has been submitted and can no longer be changed.",
        )
    return assessment


def _validate_answers(assessment: Assessment, items: Sequence[AnswerInput]) -> None:
    """Unknown framework or indicator, or an answer the indicator rejects → ValidationFailed."""
    from assessment import scoring
    from indicators.loader import load_framework

    for framework_id in {a.framework_id for a in items}:
        version = assessment.framework_versions.get(framework_id)
        if version is None:
            raise ValidationFailed(
                f"此评估不包含指标体系 {framework_id}。",
                f"This assessment does not include framework {framework_id}.",
            )
        mine = [a for a in items if a.framework_id == framework_id and a.answer is not None]
        frame = pd.DataFrame(
            {
                C.ASSESSMENT_ID: ["check"] * len(mine),
                C.INDICATOR_ID: [a.indicator_id for a in mine],
                C.ANSWER: [a.answer for a in mine],
            }
        )
        framework = load_framework(framework_id, version)
        known = {i.id for d in framework.dimensions for i in d.indicators}
        unknown = sorted({a.indicator_id for a in items if a.framework_id == framework_id} - known)
        if unknown:
            raise ValidationFailed(
                f"{framework_id} 中没有指标：{', '.join(unknown)}。",
                f"{framework_id} has no indicator {', '.join(unknown)}.",
            )
        try:
            scoring.score(frame, framework, assessment_ids=["check"])
        except scoring.AnswerError as exc:
            raise ValidationFailed(f"答案无效：{exc}", f"Invalid answer: {exc}") from exc


def _bump(
    session: Session,
    *,
    actor: User,
    assessment: Assessment,
    base_version: int,
    refused: Sequence[Any],
    values: Mapping[str, Any] | None = None,
) -> int:
    """Claim the next version (the first write of the transaction) or raise ConflictError."""
    assessment_id = stored_id(assessment.id)
    now = utcnow()
    result = session.execute(
        update(Assessment)
        .where(col(Assessment.id) == assessment_id, col(Assessment.version) == base_version)
        .values(version=base_version + 1, updated_by=actor.id, updated_at=now, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return base_version + 1
    session.rollback()
    raise _conflict(session, assessment_id, base_version, refused)


def _conflict(
    session: Session, assessment_id: int, base_version: int, refused: Sequence[Any]
) -> ConflictError:
    row = session.execute(
        select(Assessment.version, Assessment.updated_at, User.username)
        .join(User, col(User.id) == col(Assessment.updated_by), isouter=True)
        .where(col(Assessment.id) == assessment_id)
    ).one()
    saved_at: datetime | None = row[1]
    return ConflictError(
        base_version=base_version,
        current_version=int(row[0]),
        saved_by=row[2] or audit.SYSTEM_ACTOR,
        saved_at=saved_at,
        refused_answers=refused,
    )


def save_answers(
    session: Session,
    *,
    actor: User,
    assessment_id: int,
    base_version: int,
    answers: Iterable[AnswerLike],
) -> int:
    """Save answers to a draft (or returned) assessment; returns the new version.

    Raises:
        ConflictError: ``base_version`` is stale; carries who saved in between, when, and the
            refused answers. Nothing is written.
        ValidationFailed / InvalidState / AccessDenied: nothing is written either.
    """
    items = _answer_inputs(answers)
    assessment = _editable(session, actor, assessment_id)
    _validate_answers(assessment, items)
    try:
        version = _bump(
            session, actor=actor, assessment=assessment, base_version=base_version, refused=items
        )
        keys = [(a.framework_id, a.indicator_id) for a in items]
        if keys:
            session.execute(
                delete(Answer).where(
                    col(Answer.assessment_id) == assessment_id,
                    tuple_(col(Answer.framework_id), col(Answer.indicator_id)).in_(keys),
                )
            )
        rows = [
            {
                "assessment_id": assessment_id,
                "framework_id": a.framework_id,
                "indicator_id": a.indicator_id,
                "answer": a.answer,
            }
            for a in items
            if a.answer is not None
        ]
        if rows:
            session.execute(insert(Answer), rows)
        audit.record(
            session,
            actor=actor,
            action="assessment.save",
            object_type="assessment",
            object_ids=[assessment_id],
            detail={"version": version, "answers": len(rows), "cleared": len(items) - len(rows)},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(assessment)
    return version


def _answers_frame(session: Session, assessment_ids: Sequence[int]) -> pd.DataFrame:
    rows = session.execute(
        select(Answer.assessment_id, Answer.framework_id, Answer.indicator_id, Answer.answer).where(
            col(Answer.assessment_id).in_(assessment_ids)
        )
    ).all()
    return pd.DataFrame(
        [(str(r[0]), r[1], r[2], r[3]) for r in rows],
        columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, C.INDICATOR_ID, C.ANSWER],
    )


def _plan(
    assessments: Sequence[Assessment], versions: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """(assessment, framework, version, path) rows; ``versions`` overrides recorded versions."""
    rows = [
        (str(a.id), fid, (versions or {}).get(fid, ver), a.paths.get(fid))
        for a in assessments
        for fid, ver in a.framework_versions.items()
    ]
    return pd.DataFrame(rows, columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, FRAMEWORK_VERSION, C.PATH])


def _materialise(
    session: Session, assessments: Sequence[Assessment], versions: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Compute and store results (not committed); returns the per-framework results."""
    ids = [stored_id(a.id) for a in assessments]
    results = compute_results(_answers_frame(session, ids), _plan(assessments, versions))
    certified = current_frame(session, {a.enterprise_id for a in assessments})
    enterprise_of = pd.Series({str(a.id): a.enterprise_id for a in assessments}, dtype=object)
    composite, crosswalk_version = compute_composite(results, certified, enterprise_of)
    store_results(
        session,
        results=results,
        composite=composite,
        crosswalk_version=crosswalk_version,
        id_map={str(i): i for i in ids},
    )
    return results


def submit_assessment(
    session: Session, *, actor: User, assessment_id: int, base_version: int
) -> Assessment:
    """Submit after checking every required indicator is answered; stores the results.

    Raises:
        IncompleteAssessment: with the number of missing required answers per framework.
        ConflictError: someone saved in between (nothing changes).
    """
    require_role(actor, *SUBMITTERS)
    assessment = _editable(session, actor, assessment_id)
    resubmit = Status(assessment.status) is Status.RETURNED
    try:
        version = _bump(
            session,
            actor=actor,
            assessment=assessment,
            base_version=base_version,
            refused=[],
            values={
                "status": (Status.RESUBMITTED if resubmit else Status.SUBMITTED).value,
                "submitted_at": utcnow(),
            },
        )
        results = _materialise(session, [assessment])
        missing = {
            str(r[C.FRAMEWORK_ID]): int(r[C.MISSING_REQUIRED])
            for _, r in results.iterrows()
            if int(r[C.MISSING_REQUIRED]) > 0
        }
        if missing:
            raise IncompleteAssessment(missing)
        audit.record(
            session,
            actor=actor,
            action="assessment.submit",
            object_type="assessment",
            object_ids=[assessment_id],
            detail={"version": version, "resubmitted": resubmit},
        )
        refresh_summary(session, assessment_ids=[assessment_id])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(assessment)
    return assessment


def review_assessment(
    session: Session,
    *,
    actor: User,
    assessment_id: int,
    verify: bool,
    comment: str | None = None,
    base_version: int | None = None,
) -> Assessment:
    """A bureau (inside its jurisdiction) or an admin verifies a submission or returns it with
    a comment for revision."""
    require_role(actor, *REVIEWERS)
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    if Status(assessment.status) not in REVIEWABLE_STATUSES:
        raise InvalidState("只能审核已提交的评估。", "Only submitted assessments can be reviewed.")
    if not verify and not (comment or "").strip():
        raise ValidationFailed(
            "退回修改时必须填写意见。", "Returning an assessment needs a comment."
        )
    status = Status.VERIFIED if verify else Status.RETURNED
    now = utcnow()
    try:
        _bump(
            session,
            actor=actor,
            assessment=assessment,
            base_version=assessment.version if base_version is None else base_version,
            refused=[],
            values={
                "status": status.value,
                "reviewed_by": actor.id,
                "reviewed_at": now,
                "review_comment": comment,
            },
        )
        audit.record(
            session,
            actor=actor,
            action=f"assessment.{status.value}",
            object_type="assessment",
            object_ids=[assessment_id],
            detail={"comment": comment},
        )
        refresh_summary(session, assessment_ids=[assessment_id])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(assessment)
    return assessment


def rescore_assessments(
    session: Session,
    *,
    actor: User | None,
    framework_versions: Mapping[str, str] | None = None,
    batch_size: int = 5000,
) -> int:
    """Recompute stored results of every submitted assessment (answers are not touched).

    ``framework_versions`` scores those frameworks against another released version (the
    result records the version used); the composite uses the newest crosswalk. ``actor`` is
    an admin, or None for the command line. Returns the number of assessments rescored.
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    done = 0
    last_id = 0
    while True:
        batch = session.exec(
            select(Assessment)
            .where(col(Assessment.status) != Status.DRAFT.value, col(Assessment.id) > last_id)
            .order_by(col(Assessment.id))
            .limit(batch_size)
        ).all()
        if not batch:
            break
        _materialise(session, batch, framework_versions)
        session.commit()
        done += len(batch)
        last_id = stored_id(batch[-1].id)
    rebuild_summary(session)
    audit.record(
        session,
        actor=actor,
        action="results.rescore",
        object_type="assessment",
        detail={"assessments": done, "framework_versions": dict(framework_versions or {})},
    )
    session.commit()
    return done


RESULTS_FRAME_COLUMNS = (
    C.ASSESSMENT_ID,
    "enterprise_id",
    C.USCC,
    C.REGION_CODE,
    C.INDUSTRY_CODE,
    "size_class",
    "above_designated_size",
    C.YEAR,
    C.STATUS,
    C.FRAMEWORK_ID,
    FRAMEWORK_VERSION,
    C.LEVEL,
    C.SCORE,
    C.SCORE_100,
    C.COVERAGE,
)


def results_frame(
    session: Session,
    *,
    actor: User,
    year: int | None = None,
    region_code: str | None = None,
    statuses: Sequence[Status] = (Status.SUBMITTED, Status.RESUBMITTED, Status.VERIFIED),
) -> pd.DataFrame:
    """Materialised per-framework results of the assessments in the actor's scope, one row per
    (assessment, framework), with the enterprise's region, industry and size (for dashboards).
    """
    from assessment.repo.access import region_condition

    columns = [
        col(FrameworkResult.assessment_id),
        col(Assessment.enterprise_id),
        col(Enterprise.uscc),
        col(Enterprise.region_code),
        col(Enterprise.industry_code),
        col(Enterprise.size_class),
        col(Enterprise.above_designated_size),
        col(Assessment.year),
        col(Assessment.status),
        col(FrameworkResult.framework_id),
        col(FrameworkResult.framework_version),
        col(FrameworkResult.level),
        col(FrameworkResult.score),
        col(FrameworkResult.score_100),
        col(FrameworkResult.coverage),
    ]
    query = (
        sa_select(*columns)
        .join(Assessment, col(Assessment.id) == col(FrameworkResult.assessment_id))
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(
            scope_condition(actor), col(Assessment.status).in_([_status(s).value for s in statuses])
        )
    )
    if year is not None:
        query = query.where(col(Assessment.year) == year)
    if region_code is not None:
        query = query.where(region_condition(region_code))
    rows = session.execute(
        query.order_by(col(FrameworkResult.assessment_id), col(FrameworkResult.framework_id))
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(RESULTS_FRAME_COLUMNS))
    frame[C.LEVEL] = frame[C.LEVEL].astype("Int64")
    return frame
