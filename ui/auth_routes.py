"""HTTP routes that set and clear the session cookie (served by ``serve.py`` beside Streamlit).

A Streamlit script cannot set an HttpOnly cookie (it talks to the browser over a websocket), so
the sign-in form hands the browser a one-time grant and sends it to :data:`SESSION_PATH`; this
route exchanges the grant for a session token (``assessment.repo.sessions``), sets the cookie and
redirects back to the page the user wanted. :data:`SIGN_OUT_PATH` only clears the cookie: the
session itself is revoked in the database by the script, where the user is known.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from assessment.db import make_engine, session_scope
from assessment.repo.sessions import activate_session, resolve_session, revoke_session
from assessment.settings import get_settings

COOKIE_NAME = "ronghe_session"
SESSION_PATH = "/ronghe-auth/session"
SIGN_OUT_PATH = "/ronghe-auth/sign-out"
# single-segment paths Streamlit answers itself (OIDC callback, asset folders), and our routes
_NOT_PAGES = frozenset({"oauth2callback", "ronghe-auth", "static", "media", "component", "app"})


def safe_next(target: str | None) -> str:
    """A same-site path to return to (anything else becomes the home page: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def _secure(request: Request) -> bool:
    forced = get_settings().session_cookie_secure
    return forced if forced is not None else request.url.scheme == "https"


def start_session(request: Request) -> RedirectResponse:
    """Exchange ``?grant=`` for the session cookie and go on to ``?next=``.

    A plain function: Starlette runs it in its thread pool, so the database call does not block
    the event loop that serves the websockets."""
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    grant = request.query_params.get("grant", "")
    with session_scope(_engine(get_settings().DATABASE_URL)) as session:
        activated = activate_session(
            session, grant=grant, user_agent=request.headers.get("user-agent", "")
        )
        previous = request.cookies.get(COOKIE_NAME)
        if activated is not None and previous:
            # signing in again in this browser ends the sign-in its old cookie held
            found = resolve_session(session, token=previous)
            if found is not None:
                revoke_session(session, actor=found.user, session_id=found.session_id)
    if activated is not None:
        token, expires_at = activated
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=int(get_settings().session_hours * 3600),
            expires=expires_at,
            path="/",
            secure=_secure(request),
            httponly=True,
            samesite="lax",
        )
    response.headers["Cache-Control"] = "no-store"
    return response


def clear_session(request: Request) -> RedirectResponse:
    """Remove the session cookie from this browser and go on to ``?next=``."""
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(
        COOKIE_NAME, path="/", secure=_secure(request), httponly=True, samesite="lax"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def auth_routes() -> list[Route]:
    """The routes ``serve.py`` adds to the Streamlit app."""
    return [
        Route(SESSION_PATH, start_session, methods=["GET"]),
        Route(SIGN_OUT_PATH, clear_session, methods=["GET"]),
    ]


class UnknownPageRedirect:
    """Send a request for a page URL nobody registered to the home page, which says so in the
    user's language, instead of Streamlit's English "Page not found" dialog.

    Only single-segment paths without a dot are page URLs; assets, media, ``/_stcore/...`` and
    the registered pages pass through untouched.
    """

    def __init__(self, app: ASGIApp, known: frozenset[str]) -> None:
        self.app = app
        self.known = known | _NOT_PAGES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        segment = str(scope.get("path", "")).strip("/")
        if (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and segment
            and "/" not in segment
            and "." not in segment
            and not segment.startswith("_")
            and segment not in self.known
        ):
            target = "/?" + urlencode({"missing": segment[:64]})
            await RedirectResponse(target, status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)
