"""Who a command-line operation acts as: a named account, or the database holder (an admin
that is never stored, recorded as "system" in the audit log)."""

from __future__ import annotations

from sqlmodel import Session

from assessment.models import Role, User
from assessment.repo.accounts import get_user_by_username
from assessment.repo.audit import SYSTEM_ACTOR
from assessment.repo.errors import NotFound


def command_line_actor(session: Session, username: str | None) -> User:
    """The account ``username`` (NotFound if none), or the unstored system admin for None."""
    if username is None:
        return User(username=SYSTEM_ACTOR, role=Role.ADMIN.value, is_active=True)
    user = get_user_by_username(session, username=username)
    if user is None:
        raise NotFound(f"没有用户“{username}”。", f"No user '{username}'.")
    return user
