"""Typed accessors for cross-page session state (pages never touch raw keys).

Who is signed in comes from the session cookie (``ui.auth_routes.COOKIE_NAME``): :func:`establish`
resolves it once per script run against the database, so a reload, a new tab or a deep link find
the same sign-in, and a session revoked elsewhere (sign-out, an admin) ends here on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlmodel import Session

from assessment.db import session_scope
from assessment.models import User
from assessment.repo.errors import AccessDenied
from assessment.repo.sessions import resolve_session, revoke_session, set_session_lang
from ui.auth_routes import COOKIE_NAME
from ui.i18n import LANGUAGES
from ui.resources import engine

_USER_KEY = "auth__user"
_LANG_KEY = "lang"  # the language switch's widget key (ui.i18n)
_LANG_PENDING_KEY = "lang__cookie_pending"  # a visitor's new language still to be stored
LANG_COOKIE = "ronghe_lang"  # a signed-out visitor's language (not a secret)
_ENDED_KEY = "auth__ended_notice"  # True: tell this tab once that its sign-in has ended


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, as kept between reruns (the database row is re-read per use).

    ``session_id`` is the cookie-backed session; None only where a test seeds the state
    directly (:func:`session_values`), which no browser can do.
    """

    user_id: int
    username: str
    display_name: str
    role: str
    session_id: int | None = None


def signed_in() -> SignedIn | None:
    """The signed-in user of this browser session, if any."""
    value = st.session_state.get(_USER_KEY)
    return value if isinstance(value, SignedIn) else None


def session_values(user: User) -> dict[str, object]:
    """The session-state entries a completed sign-in of ``user`` leaves (tests seed these)."""
    assert user.id is not None
    return {_USER_KEY: SignedIn(user.id, user.username, user.display_name, user.role)}


def cookie_value(name: str) -> str | None:
    """A cookie the browser sent when this page was opened, if any."""
    try:
        value = st.context.cookies.get(name)
    except (AttributeError, RuntimeError):  # no browser behind this run (bare mode)
        return None
    return value if isinstance(value, str) else None  # AppTest has no real cookies


def cookie_token() -> str | None:
    """The session token the browser sent when this page was opened, if any."""
    return cookie_value(COOKIE_NAME)


def visitor_language() -> None:
    """A signed-out visitor's language from its cookie, in a fresh tab or after a reload
    (a signed-in user's language is kept with the session instead)."""
    if _LANG_KEY in st.session_state:
        return
    chosen = cookie_value(LANG_COOKIE)
    if chosen in LANGUAGES:
        st.session_state[_LANG_KEY] = chosen


def establish() -> SignedIn | None:
    """Resolve the session cookie (once per run, before any page reads :func:`signed_in`).

    A valid cookie signs the browser session in and, in a fresh tab, restores the language kept
    with the session; an invalid, expired or revoked one signs it out.
    """
    token = cookie_token()
    if not token:
        current = signed_in()
        if current is not None and current.session_id is not None:
            st.session_state.pop(_USER_KEY, None)  # the cookie is gone: so is the sign-in
            return None
        return current
    with session_scope(engine()) as session:
        found = resolve_session(session, token=token)
    if found is None:
        st.session_state.pop(_USER_KEY, None)
        st.session_state.setdefault(_ENDED_KEY, True)
        return None
    user = found.user
    assert user.id is not None
    who = SignedIn(user.id, user.username, user.display_name, user.role, found.session_id)
    if signed_in() != who:  # a new tab, a reload, or another account signed in meanwhile
        st.session_state[_LANG_KEY] = found.lang
    st.session_state[_USER_KEY] = who
    return who


def sign_in_ended() -> bool:
    """Whether to tell the user that the browser's sign-in has ended (expired, signed out in
    another tab, or ended by an admin); True once per tab."""
    if st.session_state.get(_ENDED_KEY) is True:
        st.session_state[_ENDED_KEY] = False
        return True
    return False


def remember_language() -> None:
    """Keep the language just chosen: with the signed-in session, or for a visitor in a cookie
    (written by :func:`write_language_cookie` later in the run; the switch's ``on_change``)."""
    who = signed_in()
    if who is None or who.session_id is None:
        st.session_state[_LANG_PENDING_KEY] = True
        return
    with session_scope(engine()) as session:
        set_session_lang(
            session, session_id=who.session_id, lang=str(st.session_state.get(_LANG_KEY, "zh"))
        )


def write_language_cookie() -> None:
    """Store a visitor's new language choice in a cookie the browser keeps for a year (set from
    the page, so the switch does not reload it and nothing typed is lost). Not a secret, so not
    HttpOnly."""
    if not st.session_state.pop(_LANG_PENDING_KEY, False):
        return
    chosen = str(st.session_state.get(_LANG_KEY, "zh"))
    if chosen not in LANGUAGES:
        return
    st.html(
        f"<script>document.cookie = '{LANG_COOKIE}={chosen}; path=/; max-age=31536000; "
        "SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )


def sign_out() -> None:
    """End the signed-in session everywhere its cookie is used, and forget the user here."""
    who = signed_in()
    st.session_state.pop(_USER_KEY, None)
    if who is None or who.session_id is None:
        return
    with session_scope(engine()) as session:
        user = session.get(User, who.user_id)
        if user is not None:
            revoke_session(session, actor=user, session_id=who.session_id)


def actor(session: Session) -> User:
    """The signed-in user's current database row: every core call takes it as ``actor``.

    Raises:
        AccessDenied: nobody is signed in, or the account was deactivated meanwhile.
    """
    who = signed_in()
    user = session.get(User, who.user_id) if who else None
    if user is None or not user.is_active:
        st.session_state.pop(_USER_KEY, None)
        raise AccessDenied
    return user
