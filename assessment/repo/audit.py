"""The audit log: who did what, when. Append-only: there is no update or delete function."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
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
) -> list[AuditEvent]:
    """Audit events, newest first (admins only; others get AccessDenied)."""
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
    return events
