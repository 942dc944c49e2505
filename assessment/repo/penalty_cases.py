"""Saved penalty-discretion calculations: a case handler keeps a calculation under a case reference
(案件编号), lists, reopens and re-saves it. Each case belongs to the user who saved it; admins may
read every case. Every save is audited; a re-save based on a stale version is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assessment.models import PenaltyCase, Role, User, utcnow
from assessment.penalty.feedback import assess, located_text
from assessment.penalty.models import CaseResult
from assessment.repo import audit
from assessment.repo.access import stored_id
from assessment.repo.errors import AccessDenied, NotFound, RepositoryError, ValidationFailed

MAX_REFERENCE = 64
LIST_LIMIT = 500


class PenaltyCaseConflict(RepositoryError):
    """The case was saved (in another tab or session) after the version this save is based on."""

    def __init__(self, *, reference: str, base_version: int, current_version: int) -> None:
        self.base_version = base_version
        self.current_version = current_version
        super().__init__(
            f"保存冲突：案件“{reference}”已被另行保存（当前版本 {current_version}，您基于版本 "
            f"{base_version}）。您的修改仍在页面上，未保存；请重新打开该案件后再保存，或以新的案件编号保存。",
            f"Save conflict: case '{reference}' was saved elsewhere (now version "
            f"{current_version}; yours was based on version {base_version}). Your changes are "
            "still on the page, unsaved: reopen the case and save again, or save under a new "
            "case reference.",
        )


@dataclass(frozen=True)
class CaseListing:
    """One saved case in a list."""

    id: int
    reference: str
    label: str
    owner: str
    decided: bool
    version: int
    updated_at: datetime


def _active(actor: User) -> None:
    if not actor.is_active:
        raise AccessDenied


def _reference(reference: str) -> str:
    reference = reference.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        raise ValidationFailed(
            f"案件编号不能为空且不超过 {MAX_REFERENCE} 个字符。",
            f"The case reference must be 1 to {MAX_REFERENCE} characters.",
        )
    return reference


def summary(result: CaseResult) -> dict[str, Any]:
    """What a list shows of a result: decided or not, tiers and fine ranges (JSON-ready)."""
    dumped = result.model_dump(mode="json")
    return {
        "decided": dumped["decided"],
        "combined_low": dumped["combined_low"],
        "combined_high": dumped["combined_high"],
        "violations": [
            {
                "label": v["label"],
                "tier": v["tier"],
                "options": v["options"],
                "fine_low": v["fine"]["low"] if v["fine"] else None,
                "fine_high": v["fine"]["high"] if v["fine"] else None,
            }
            for v in dumped["violations"]
        ],
    }


def _evaluated(case_input: dict[str, Any]) -> CaseResult:
    outcome = assess(case_input)
    if outcome.result is None:
        first = outcome.errors[0]
        raise ValidationFailed(
            "计算有误，无法保存：" + located_text(first, "zh"),
            "The calculation has errors and cannot be saved: " + located_text(first, "en"),
        )
    return outcome.result


def _taken(reference: str) -> ValidationFailed:
    return ValidationFailed(
        f"您已保存过案件编号为“{reference}”的计算；请打开它后再保存，或换一个编号。",
        f"You already saved a calculation as case '{reference}'; open it to save again, or "
        "choose another reference.",
    )


def save_case(
    session: Session,
    *,
    actor: User,
    reference: str,
    case_input: dict[str, Any],
    case_id: int | None = None,
    base_version: int | None = None,
) -> PenaltyCase:
    """Save a calculation: a new case (``case_id`` None) or a new version of the actor's own case.

    Raises:
        ValidationFailed: empty or taken reference, or input the engine refuses.
        AccessDenied: re-saving another user's case.
        PenaltyCaseConflict: ``base_version`` is not the stored version.
    """
    _active(actor)
    reference = _reference(reference)
    result = _evaluated(case_input)
    labels = "；".join(v.label for v in result.violations if v.label)[:255]
    now = utcnow()
    if case_id is None:
        case = PenaltyCase(
            owner_id=stored_id(actor.id),
            reference=reference,
            label=labels,
            case_input=case_input,
            summary=summary(result),
            created_at=now,
            updated_at=now,
        )
        if _owned_reference(session, actor, reference) is not None:
            raise _taken(reference)
        session.add(case)
        try:
            session.flush()
        except IntegrityError as exc:  # saved meanwhile under the same reference
            session.rollback()
            raise _taken(reference) from exc
        action = "penalty_case.create"
    else:
        case = _readable(session, actor, case_id)
        if case.owner_id != actor.id:
            raise AccessDenied(
                "只能保存自己的案件；可以另存为新的案件编号。",
                "You can only save your own cases; save it under a new case reference instead.",
            )
        clash = _owned_reference(session, actor, reference)
        if clash is not None and clash != case_id:
            raise _taken(reference)
        base = case.version if base_version is None else base_version
        changed = session.execute(
            update(PenaltyCase)
            .where(col(PenaltyCase.id) == case_id, col(PenaltyCase.version) == base)
            .values(
                reference=reference,
                label=labels,
                case_input=case_input,
                summary=summary(result),
                version=base + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            current = session.get(PenaltyCase, case_id)
            raise PenaltyCaseConflict(
                reference=reference,
                base_version=base,
                current_version=current.version if current else base,
            )
        action = "penalty_case.update"
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="penalty_case",
        object_ids=[case.id],
        detail={
            "reference": reference,
            "version": case.version if case_id is None else base + 1,
            "violations": len(result.violations),
            "decided": result.decided,
        },
    )
    session.commit()
    session.refresh(case)
    return case


def _owned_reference(session: Session, actor: User, reference: str) -> int | None:
    return session.exec(
        select(PenaltyCase.id).where(
            col(PenaltyCase.owner_id) == actor.id, col(PenaltyCase.reference) == reference
        )
    ).first()


def _readable(session: Session, actor: User, case_id: int) -> PenaltyCase:
    _active(actor)
    case = session.get(PenaltyCase, case_id)
    if case is None:
        raise NotFound("没有这个案件。", "No such case.")
    if case.owner_id != actor.id and Role(actor.role) is not Role.ADMIN:
        raise AccessDenied("无权查看该案件。", "You are not allowed to open this case.")
    return case


def get_case(session: Session, *, actor: User, case_id: int) -> PenaltyCase:
    """A saved case: the owner's own, or any for an admin (AccessDenied otherwise)."""
    return _readable(session, actor, case_id)


def list_cases(session: Session, *, actor: User, limit: int = LIST_LIMIT) -> list[CaseListing]:
    """The actor's saved cases (every user's for an admin), most recently saved first."""
    _active(actor)
    query = select(PenaltyCase, User.username).join(User, col(User.id) == col(PenaltyCase.owner_id))
    if Role(actor.role) is not Role.ADMIN:
        query = query.where(col(PenaltyCase.owner_id) == actor.id)
    rows = session.exec(
        query.order_by(col(PenaltyCase.updated_at).desc(), col(PenaltyCase.id).desc()).limit(limit)
    ).all()
    return [
        CaseListing(
            id=stored_id(case.id),
            reference=case.reference,
            label=case.label,
            owner=username,
            decided=bool(case.summary.get("decided")),
            version=case.version,
            updated_at=case.updated_at,
        )
        for case, username in rows
    ]
