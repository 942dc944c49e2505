"""The audit log: who did what, when. Append-only: there is no update or delete function, the
database refuses UPDATE, DELETE and TRUNCATE (``assessment.append_only``), and reads return
frozen :class:`AuditRecord` copies rather than live ORM rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlmodel import Session, col, select

from assessment.models import AuditEvent, Role, User, utcnow
from assessment.repo.access import require_role

SYSTEM_ACTOR = "system"  # command-line operations run by whoever holds the database


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_ids: Iterable[object] = (),
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an event to the session (committed together with the write it describes)."""
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_username=actor.username if actor is not None else SYSTEM_ACTOR,
        action=action,
        object_type=object_type,
        object_ids=[str(i) for i in object_ids],
        detail=dict(detail or {}),
    )
    session.add(event)
    return event


def record_export(
    session: Session,
    *,
    actor: User,
    what: str,
    object_type: str,
    object_ids: Iterable[object] = (),
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record an export (a download or file written for ``actor``) and commit."""
    record(
        session,
        actor=actor,
        action="export",
        object_type=object_type,
        object_ids=object_ids,
        detail={"what": what, **(detail or {})},
    )
    session.commit()


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit event as read: immutable, detached from the session."""

    id: int
    at: datetime
    actor_id: int | None
    actor_username: str
    action: str
    object_type: str
    object_ids: list[str]  # a copy (lists compare equal to the stored JSON)
    detail: Mapping[str, Any]

    @classmethod
    def of(cls, event: AuditEvent) -> AuditRecord:
        """A frozen copy of a stored event."""
        return cls(
            id=int(event.id or 0),
            at=event.at,
            actor_id=event.actor_id,
            actor_username=event.actor_username,
            action=event.action,
            object_type=event.object_type,
            object_ids=list(event.object_ids),
            detail=MappingProxyType(dict(event.detail)),
        )


def list_audit_events(
    session: Session,
    *,
    actor: User,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditRecord]:
    """Audit events, newest first, as read-only records (admins only; others get AccessDenied)."""
    require_role(actor, Role.ADMIN)
    query = select(AuditEvent)
    if action is not None:
        query = query.where(col(AuditEvent.action) == action)
    if object_type is not None:
        query = query.where(col(AuditEvent.object_type) == object_type)
    if actor_username is not None:
        query = query.where(col(AuditEvent.actor_username) == actor_username)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    if until is not None:
        query = query.where(col(AuditEvent.at) < until)
    query = query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    events = list(session.exec(query.offset(offset).limit(limit if object_id is None else None)))
    if object_id is not None:  # JSON list membership: filtered here, portable across backends
        events = [e for e in events if object_id in e.object_ids][:limit]
    records = [AuditRecord.of(e) for e in events]
    for event in events:
        session.expunge(event)  # nothing read here can be flushed back
    return records
