"""Typed accessors for cross-page session state (pages never touch raw keys)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlmodel import Session

from assessment.models import User
from assessment.repo.errors import AccessDenied

_USER_KEY = "auth__user"


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, as kept between reruns (the database row is re-read per use)."""

    user_id: int
    username: str
    display_name: str
    role: str


def signed_in() -> SignedIn | None:
    """The signed-in user of this browser session, if any."""
    value = st.session_state.get(_USER_KEY)
    return value if isinstance(value, SignedIn) else None


def session_values(user: User) -> dict[str, object]:
    """The session-state entries a completed sign-in of ``user`` leaves (tests seed these)."""
    assert user.id is not None
    return {_USER_KEY: SignedIn(user.id, user.username, user.display_name, user.role)}


def sign_in(user: User) -> None:
    """Remember ``user`` as signed in for this browser session."""
    st.session_state.update(session_values(user))


def sign_out() -> None:
    """Forget the signed-in user."""
    st.session_state.pop(_USER_KEY, None)


def actor(session: Session) -> User:
    """The signed-in user's current database row: every core call takes it as ``actor``.

    Raises:
        AccessDenied: nobody is signed in, or the account was deactivated meanwhile.
    """
    who = signed_in()
    user = session.get(User, who.user_id) if who else None
    if user is None or not user.is_active:
        sign_out()
        raise AccessDenied
    return user
