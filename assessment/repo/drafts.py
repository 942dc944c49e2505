"""The self-assessment draft as a page needs it: answers, evidence notes and files, and where
each user last worked (so coming back resumes at the same place).

Notes are draft content: saving one claims the next version of the assessment exactly like
saving an answer (a stale base raises :class:`ConflictError`, nothing is written). The position
is not content: it is kept per user and never conflicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from assessment.models import (
    Answer,
    AnswerNote,
    Assessment,
    DraftPosition,
    Enterprise,
    User,
    utcnow,
)
from assessment.repo import audit
from assessment.repo.access import stored_id
from assessment.repo.assessments import _bump, _editable, get_assessment
from assessment.repo.errors import ValidationFailed
from assessment.repo.evidence import EvidenceInfo, list_evidence

MAX_NOTE_CHARS = 4000
Key = tuple[str, str]  # (framework_id, indicator_id)


@dataclass(frozen=True)
class Position:
    """Where a user last worked in an assessment."""

    framework_id: str
    dimension_id: str | None
    indicator_id: str | None


@dataclass(frozen=True)
class DraftState:
    """Everything the self-assessment page shows of one assessment, read in one go."""

    assessment: Assessment
    enterprise_name: str
    answers: dict[Key, str]
    notes: dict[Key, str]
    evidence: Sequence[EvidenceInfo]
    position: Position | None


def draft_state(session: Session, *, actor: User, assessment_id: int) -> DraftState:
    """The assessment (scoped to the actor) with its answers, notes, files and the actor's
    last position."""
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    answers = session.exec(
        select(Answer.framework_id, Answer.indicator_id, Answer.answer).where(
            col(Answer.assessment_id) == assessment_id
        )
    ).all()
    notes = session.exec(
        select(AnswerNote.framework_id, AnswerNote.indicator_id, AnswerNote.note).where(
            col(AnswerNote.assessment_id) == assessment_id
        )
    ).all()
    enterprise = session.get(Enterprise, assessment.enterprise_id)
    return DraftState(
        assessment=assessment,
        enterprise_name=enterprise.name if enterprise else "",
        answers={(f, i): a for f, i, a in answers},
        notes={(f, i): n for f, i, n in notes},
        evidence=list_evidence(session, actor=actor, assessment_id=assessment_id),
        position=last_position(session, actor=actor, assessment_id=assessment_id),
    )


def save_note(
    session: Session,
    *,
    actor: User,
    assessment_id: int,
    base_version: int,
    framework_id: str,
    indicator_id: str,
    note: str,
) -> int:
    """Save (or, when blank, clear) the evidence note of one indicator; returns the new version.

    Raises:
        ConflictError: ``base_version`` is stale (the note is in ``refused_answers``).
        ValidationFailed / InvalidState / AccessDenied: nothing is written.
    """
    assessment = _editable(session, actor, assessment_id)
    text = note.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationFailed(
            f"说明不能超过 {MAX_NOTE_CHARS} 个字符。",
            f"A note may have at most {MAX_NOTE_CHARS} characters.",
        )
    if framework_id not in assessment.framework_versions:
        raise ValidationFailed(
            f"此评估不包含指标体系 {framework_id}。",
            f"This assessment does not include framework {framework_id}.",
        )
    try:
        version = _bump(
            session,
            actor=actor,
            assessment=assessment,
            base_version=base_version,
            refused=[(framework_id, indicator_id, text)],
        )
        session.execute(
            delete(AnswerNote).where(
                col(AnswerNote.assessment_id) == assessment_id,
                col(AnswerNote.framework_id) == framework_id,
                col(AnswerNote.indicator_id) == indicator_id,
            )
        )
        if text:
            session.add(
                AnswerNote(
                    assessment_id=assessment_id,
                    framework_id=framework_id,
                    indicator_id=indicator_id,
                    note=text,
                )
            )
        audit.record(
            session,
            actor=actor,
            action="assessment.note",
            object_type="assessment",
            object_ids=[assessment_id],
            detail={"version": version, "indicator": f"{framework_id}.{indicator_id}"},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return version


def last_position(session: Session, *, actor: User, assessment_id: int) -> Position | None:
    """Where ``actor`` last worked in this assessment, if anywhere."""
    row = session.get(DraftPosition, (assessment_id, stored_id(actor.id)))
    if row is None:
        return None
    return Position(row.framework_id, row.dimension_id, row.indicator_id)


def remember_position(
    session: Session, *, actor: User, assessment_id: int, position: Position
) -> None:
    """Record where ``actor`` works now (an assessment in its scope); overwrites the last one."""
    get_assessment(session, actor=actor, assessment_id=assessment_id)
    row = session.get(DraftPosition, (assessment_id, stored_id(actor.id)))
    if row is None:
        row = DraftPosition(
            assessment_id=assessment_id,
            user_id=stored_id(actor.id),
            framework_id=position.framework_id,
        )
    row.framework_id = position.framework_id
    row.dimension_id = position.dimension_id
    row.indicator_id = position.indicator_id
    row.updated_at = utcnow()
    session.add(row)
    session.commit()
