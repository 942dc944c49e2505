"""The audit log: who did what, when. Append-only: there is no update or delete function, the
database refuses UPDATE, DELETE and TRUNCATE (``assessment.append_only``), and reads return
frozen :class:`AuditRecord` copies rather than live ORM rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import String, and_, cast, func, or_
from sqlmodel import Session, col, select

from assessment.auditlog.actions import actions_matching
from assessment.models import AuditEvent, Enterprise, Role, User, utcnow
from assessment.repo.access import require_role

SYSTEM_ACTOR = "system"  # command-line operations run by whoever holds the database
ANONYMOUS_ACTOR = "anonymous"  # someone not signed in, e.g. a failed sign-in attempt
MATCHED_OBJECTS = 200  # at most this many accounts / enterprises whose names match a search


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


def record_sign_in(
    session: Session,
    *,
    action: str,
    user: User | None,
    username: str,
    succeeded: bool,
    at: datetime,
) -> AuditEvent:
    """A sign-in attempt on the account ``username`` (``user`` when it exists).

    Only a success is the account's own act. A failure or a refusal is made by an anonymous
    visitor, so the actor is :data:`ANONYMOUS_ACTOR` and the account is only the target.
    """
    event = record(
        session,
        actor=user if succeeded else None,
        action=action,
        object_type="user",
        object_ids=[user.id] if user is not None else [],
        detail={"username": username},
        at=at,
    )
    if not succeeded:
        event.actor_username = ANONYMOUS_ACTOR
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


def search_audit_events(
    session: Session, *, actor: User, query: str, limit: int = 500
) -> list[AuditRecord]:
    """Events, newest first, matching ``query`` (admins only): an action id prefix
    (``login``, ``user.create``), words of an action's label in either language (登录失败,
    "password"), the acting username, or the target account's or enterprise's name, username or
    credit code. An empty query gives the latest events."""
    require_role(actor, Role.ADMIN)
    text = query.strip()
    if not text:
        return list_audit_events(session, actor=actor, limit=limit)
    needle = text.lower()
    ids_text = cast(col(AuditEvent.object_ids), String)
    conditions = [
        col(AuditEvent.action).startswith(needle, autoescape=True),
        col(AuditEvent.action).in_(actions_matching(text)),
        func.lower(col(AuditEvent.actor_username)).contains(needle, autoescape=True),
        func.lower(cast(col(AuditEvent.detail), String)).contains(needle, autoescape=True),
    ]
    for object_type, ids in _named_objects(session, needle).items():
        conditions += [
            and_(col(AuditEvent.object_type) == object_type, ids_text.contains(f'"{i}"'))
            for i in ids
        ]
    events = list(
        session.exec(
            select(AuditEvent)
            .where(or_(*conditions))
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(limit)
        )
    )
    records = [AuditRecord.of(e) for e in events]
    for event in events:
        session.expunge(event)  # nothing read here can be flushed back
    return records


def _named_objects(session: Session, needle: str) -> dict[str, list[int]]:
    """Ids of accounts and enterprises whose names contain ``needle`` (lower-cased)."""
    users = select(User.id).where(
        or_(
            func.lower(col(User.username)).contains(needle, autoescape=True),
            func.lower(col(User.display_name)).contains(needle, autoescape=True),
        )
    )
    enterprises = select(Enterprise.id).where(
        or_(
            func.lower(col(Enterprise.name)).contains(needle, autoescape=True),
            func.lower(col(Enterprise.uscc)).contains(needle, autoescape=True),
        )
    )
    return {
        "user": [i for i in session.exec(users.limit(MATCHED_OBJECTS)).all() if i is not None],
        "enterprise": [
            i for i in session.exec(enterprises.limit(MATCHED_OBJECTS)).all() if i is not None
        ],
    }
