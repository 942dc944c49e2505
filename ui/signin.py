"""The sign-in form and the browser redirects that set and clear the session cookie."""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import streamlit as st

from assessment.db import session_scope
from assessment.repo.accounts import authenticate
from assessment.repo.errors import RepositoryError
from assessment.repo.sessions import create_session
from ui.auth_routes import SESSION_PATH, SIGN_OUT_PATH, safe_next
from ui.i18n import lang, t
from ui.resources import engine


def current_path() -> str:
    """Path and query of the page open in the browser (where to come back after sign-in)."""
    path = urlsplit(st.context.url or "").path or "/"
    # st.context.url has no query string: take it from the page's query parameters
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    return safe_next(path + (f"?{urlencode(pairs)}" if pairs else ""))


def redirect(url: str) -> None:
    """Send the browser to ``url`` (an HTTP route of ours) and stop this run."""
    st.html(
        f"<script>window.location.replace({json.dumps(url)});</script>",
        unsafe_allow_javascript=True,
    )
    st.caption(t("正在跳转……", "Redirecting…"))
    st.link_button(t("继续", "Continue"), url)
    st.stop()


def sign_in_form(next_path: str) -> None:
    """Username and password; once accepted the browser visits the cookie route, then
    ``next_path``."""
    with st.form("login__form"):
        username = st.text_input(t("用户名", "Username"), key="login__username")
        password = st.text_input(t("密码", "Password"), type="password", key="login__password")
        submitted = st.form_submit_button(t("登录", "Sign in"), type="primary")
    if not submitted:
        return
    try:
        with session_scope(engine()) as session:
            user = authenticate(session, username=username.strip(), password=password)
            grant = create_session(session, user=user, lang=lang())
    except RepositoryError as error:
        st.error(error.message(lang()))
        return
    redirect_with_grant(grant, next_path)


def redirect_with_grant(grant: str, next_path: str) -> None:
    """Send the browser to the cookie route with a one-time ``grant``, then on to ``next_path``."""
    redirect(SESSION_PATH + "?" + urlencode({"grant": grant, "next": safe_next(next_path)}))


def sign_out_redirect() -> None:
    """Clear the cookie in this browser and return to the home page."""
    redirect(SIGN_OUT_PATH + "?" + urlencode({"next": "/"}))
