"""Signed-in sessions that survive a reload: a random token in the browser, its hash stored.

Signing in is two steps so the cookie token never passes through the page script:

1. after the password is checked, :func:`create_session` stores a *pending* session and returns
   a one-time grant (valid :data:`GRANT_SECONDS`);
2. the HTTP route that sets the cookie calls :func:`activate_session` with that grant; it
   replaces the grant's hash by a fresh token's hash and returns the token for the cookie.

Only SHA-256 hashes are stored: the tokens carry 256 random bits, so a fast hash cannot be
reversed, and a leaked table gives no usable cookie. :func:`resolve_session` refuses a token that
is unknown, pending, expired, revoked, or whose account was deactivated. Revoking a session (by
signing out, or by an admin) ends it in every tab that shares the cookie. See docs/sessions.md.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from assessment.models import AuthSession, Role, User, utcnow
from assessment.repo import audit
from assessment.repo.access import require_role, stored_id
from assessment.repo.errors import AccessDenied, NotFound, ValidationFailed
from assessment.settings import get_settings

Clock = Callable[[], datetime]
GRANT_SECONDS = 120  # a grant only bridges the sign-in form and the cookie route
TOUCH_SECONDS = 300  # last_seen_at is written at most this often (not on every rerun)
LANGUAGES = ("zh", "en")


def hash_token(token: str) -> str:
    """The stored form of a token or grant: hex SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def session_lifetime() -> timedelta:
    """How long a sign-in lasts (``session_hours`` setting)."""
    return timedelta(hours=get_settings().session_hours)


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValidationFailed(f"未知语言“{lang}”。", f"Unknown language '{lang}'.")
    return lang


def create_session(session: Session, *, user: User, lang: str = "zh", clock: Clock = utcnow) -> str:
    """Start a session for ``user`` (already authenticated); returns its one-time grant."""
    if not user.is_active:
        raise AccessDenied()
    grant = _new_token()
    now = clock()
    session.add(
        AuthSession(
            user_id=stored_id(user.id),
            token_hash=hash_token(grant),
            lang=_lang(lang),
            created_at=now,
            expires_at=now + timedelta(seconds=GRANT_SECONDS),
        )
    )
    session.commit()
    return grant


def activate_session(
    session: Session, *, grant: str, user_agent: str = "", clock: Clock = utcnow
) -> tuple[str, datetime] | None:
    """Exchange a grant for the cookie token; returns ``(token, expires_at)``, or None if refused.

    A grant works once, within :data:`GRANT_SECONDS`, for an account that is still active.
    """
    now = clock()
    row = session.exec(
        select(AuthSession).where(
            col(AuthSession.token_hash) == hash_token(grant),
            col(AuthSession.activated_at).is_(None),
            col(AuthSession.revoked_at).is_(None),
        )
    ).first()
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    token = _new_token()
    row.token_hash = hash_token(token)
    row.activated_at = now
    row.last_seen_at = now
    row.expires_at = now + session_lifetime()
    row.user_agent = user_agent[:255]
    session.add(row)
    audit.record(
        session,
        actor=user,
        action="session.start",
        object_type="session",
        object_ids=[row.id],
        detail={"expires_at": row.expires_at.isoformat()},
        at=now,
    )
    session.commit()
    return token, row.expires_at


@dataclass(frozen=True)
class ResolvedSession:
    """A valid session and its account."""

    session_id: int
    user: User
    lang: str
    expires_at: datetime


def resolve_session(
    session: Session, *, token: str, clock: Clock = utcnow
) -> ResolvedSession | None:
    """The session a cookie token belongs to, or None (unknown, pending, expired, revoked, or the
    account is deactivated)."""
    if not token:
        return None
    now = clock()
    found = session.exec(
        select(AuthSession, User)
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(
            col(AuthSession.token_hash) == hash_token(token),
            col(AuthSession.activated_at).is_not(None),
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.expires_at) > now,
            col(User.is_active).is_(True),
        )
    ).first()
    if found is None:
        return None
    row, user = found
    if row.last_seen_at is None or (now - row.last_seen_at).total_seconds() > TOUCH_SECONDS:
        row.last_seen_at = now
        session.add(row)
        session.commit()
        session.refresh(user)
    return ResolvedSession(stored_id(row.id), user, row.lang, row.expires_at)


def set_session_lang(session: Session, *, session_id: int, lang: str) -> None:
    """Remember the language chosen in a session (it comes back after a reload)."""
    row = session.get(AuthSession, session_id)
    if row is not None and row.lang != _lang(lang):
        row.lang = lang
        session.add(row)
        session.commit()


def revoke_session(
    session: Session, *, actor: User, session_id: int, clock: Clock = utcnow
) -> None:
    """End one session: its owner signing out, or an admin. Audited."""
    row = session.get(AuthSession, session_id)
    if row is None:
        raise NotFound(f"会话 {session_id} 不存在。", f"Session {session_id} does not exist.")
    own = row.user_id == actor.id
    if not own:
        require_role(actor, Role.ADMIN)
    if row.revoked_at is not None:
        return
    row.revoked_at = clock()
    row.revoked_by = actor.id
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action="session.sign_out" if own else "session.revoke",
        object_type="session",
        object_ids=[session_id],
        detail={"user_id": row.user_id},
    )
    session.commit()


def revoke_user_sessions(
    session: Session, *, actor: User | None, user_id: int, clock: Clock = utcnow
) -> int:
    """End every session of an account (an admin, or ``actor=None`` for the command line);
    returns how many were open. Audited."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    now = clock()
    rows = session.exec(
        select(AuthSession).where(
            col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
        row.revoked_by = actor.id if actor is not None else None
        session.add(row)
    audit.record(
        session,
        actor=actor,
        action="session.revoke_all",
        object_type="user",
        object_ids=[user_id],
        detail={"sessions": len(rows)},
    )
    session.commit()
    return len(rows)


@dataclass(frozen=True)
class ActiveSession:
    """One open session as the admin page lists it (never the token or its hash)."""

    session_id: int
    user_id: int
    username: str
    role: str
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime
    user_agent: str


def list_active_sessions(
    session: Session, *, actor: User, clock: Clock = utcnow
) -> Sequence[ActiveSession]:
    """Every usable session, newest first (admins only)."""
    require_role(actor, Role.ADMIN)
    rows = session.exec(
        select(AuthSession, User)
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(
            col(AuthSession.activated_at).is_not(None),
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.expires_at) > clock(),
        )
        .order_by(col(User.username), col(AuthSession.created_at).desc())
    ).all()
    return [
        ActiveSession(
            stored_id(row.id),
            row.user_id,
            user.username,
            user.role,
            row.created_at,
            row.last_seen_at,
            row.expires_at,
            row.user_agent,
        )
        for row, user in rows
    ]
