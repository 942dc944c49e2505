"""Sign-in through the cookie flow: the form hands out a grant, the HTTP route turns it into an
HttpOnly cookie, the app resolves the cookie on every run; sign-out revokes it everywhere.

AppTest cannot carry cookies, so :class:`Browser` plays the browser: it calls the route function
with the grant the page redirected to and sends the cookie back by patching
``ui.state.cookie_token``. The real-browser test is tests/browser/test_sessions_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlmodel import Session, col, select
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from assessment.db import make_engine, migrate
from assessment.models import AuthSession
from assessment.repo.accounts import create_user
from assessment.repo.reference_data import sync_reference_data
from ui import auth_routes, resources, state

pytestmark = pytest.mark.ui
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        sync_reference_data(session)
        create_user(session, actor=None, username="root", role="admin", password="Adm1n-pass-2026")
        create_user(
            session,
            actor=None,
            username="su",
            role="bureau",
            region_code="320500",
            password="Bureau-pass-2026",
            display_name="苏州",
        )
    engine.dispose()
    resources.engine.clear()
    auth_routes._engine.cache_clear()
    yield url
    resources.engine.clear()
    auth_routes._engine.cache_clear()


def call_route(path_and_query: str, cookie: str | None = None) -> tuple[str, str]:
    """GET one of our auth routes (with the session cookie, if any); returns (Location,
    Set-Cookie)."""
    parts = urlsplit(path_and_query)
    endpoint = {
        auth_routes.SESSION_PATH: auth_routes.start_session,
        auth_routes.SIGN_OUT_PATH: auth_routes.clear_session,
    }[parts.path]
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "server": ("testserver", 80),
            "path": parts.path,
            "query_string": parts.query.encode(),
            "headers": [(b"user-agent", b"AppTest")]
            + ([(b"cookie", f"{auth_routes.COOKIE_NAME}={cookie}".encode())] if cookie else []),
        }
    )
    response = endpoint(request)
    return response.headers["location"], response.headers.get("set-cookie", "")


class Browser:
    """One browser: its cookie jar holds at most the session cookie."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cookie: str | None = None
        monkeypatch.setattr(state, "cookie_token", lambda: self.cookie)

    def open(self, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    def follow_redirect(self, at: AppTest) -> str:
        """Follow the redirect the page asked for (like the browser would); returns Location."""
        html = at.get("html")
        assert html, "the page did not redirect"
        url = re.search(r'replace\("([^"]+)"\)', html[0].proto.body)
        assert url is not None
        location, set_cookie = call_route(url.group(1).replace("\\u0026", "&"), self.cookie)
        if set_cookie.startswith(f"{auth_routes.COOKIE_NAME}="):
            value = set_cookie.split(";")[0].split("=", 1)[1].strip('"')
            self.cookie = value or None
        return location

    def sign_in(self, username: str, password: str, page: str = "app_pages/login.py") -> AppTest:
        at = self.open(page)
        at.text_input(key="login__username").input(username)
        at.text_input(key="login__password").input(password)
        at.button[0].click().run()
        return at


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(c.value) for c in [*at.sidebar.caption, *at.sidebar.markdown])


def test_wrong_password_is_refused(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = Browser(monkeypatch)
    at = browser.sign_in("root", "not-the-password")
    assert not at.exception
    assert at.error[0].value == "用户名或密码错误。"
    assert not at.get("html")


def test_sign_in_sets_an_httponly_lax_cookie_holding_only_a_token(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    at = browser.sign_in("su", "Bureau-pass-2026")
    url = re.search(r'replace\("([^"]+)"\)', at.get("html")[0].proto.body)
    assert url is not None
    location, set_cookie = call_route(url.group(1).replace("\\u0026", "&"))
    assert location == "/"
    assert "HttpOnly" in set_cookie
    assert "SameSite=lax" in set_cookie
    assert "Path=/" in set_cookie
    assert "Secure" not in set_cookie  # plain http here; https gets Secure (test below)
    token = set_cookie.split(";")[0].split("=", 1)[1]
    engine = make_engine(database)
    with Session(engine) as session:
        stored = session.exec(select(AuthSession)).one()
        assert token not in stored.token_hash
        assert stored.user_agent == "AppTest"
    engine.dispose()


def test_a_grant_cannot_be_used_twice(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = Browser(monkeypatch)
    at = browser.sign_in("su", "Bureau-pass-2026")
    url = re.search(r'replace\("([^"]+)"\)', at.get("html")[0].proto.body)
    assert url is not None
    route = url.group(1).replace("\\u0026", "&")
    assert call_route(route)[1]
    assert call_route(route)[1] == ""  # replayed: no cookie


def test_signing_in_again_ends_the_browsers_previous_session(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    browser.follow_redirect(browser.sign_in("su", "Bureau-pass-2026"))
    first = browser.cookie
    browser.cookie = None  # the sign-in form is shown to a signed-out tab...
    at = browser.sign_in("root", "Adm1n-pass-2026")
    browser.cookie = first  # ...but the browser still sends the old cookie to the route
    browser.follow_redirect(at)
    assert browser.cookie != first
    engine = make_engine(database)
    with Session(engine) as session:
        rows = session.exec(select(AuthSession).order_by(col(AuthSession.id))).all()
        assert [row.revoked_at is not None for row in rows] == [True, False]
    engine.dispose()


def test_the_cookie_is_secure_over_https(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    assert "Secure" in call_route(auth_routes.SIGN_OUT_PATH + "?next=/")[1]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_the_return_address_stays_on_this_site(target: str) -> None:
    assert auth_routes.safe_next(target) == "/"
    assert auth_routes.safe_next("/audit?x=1") == "/audit?x=1"


def test_a_bureau_lands_on_its_home_with_its_scope_and_survives_a_reload(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    at = browser.sign_in("su", "Bureau-pass-2026")
    assert browser.follow_redirect(at) == "/"
    reloaded = browser.open()  # a new websocket, as after a reload or in a new tab
    assert not reloaded.exception
    assert reloaded.title[0].value == "首页"
    assert "苏州市工信局 · 320500" in sidebar_text(reloaded)
    assert "已登录：苏州（工信主管部门）" in sidebar_text(reloaded)


def gate_app(url_path: str, who: object) -> AppTest:
    """The gate page of ``url_path`` alone, as ``who`` (None: signed out) would see it."""

    def script(root: str, url_path: str, who: object) -> None:
        import streamlit as st

        from ui.navigation import HOME, page_spec
        from ui.shell import gate

        home = st.Page(f"{root}/{page_spec(HOME).path}", title="home", url_path=HOME)
        gated = gate(page_spec(url_path), who, {HOME: home})  # type: ignore[arg-type]
        st.navigation([st.Page(gated, default=True), home], position="hidden").run()

    root = str(Path(APP).parent)
    at = AppTest.from_function(script, args=(root, url_path, who), default_timeout=30)
    at.session_state["lang"] = "en"
    return at.run()


def test_a_signed_out_visitor_of_a_deep_link_is_asked_to_sign_in_there(database: str) -> None:
    at = gate_app("sessions", None)
    assert not at.exception
    assert at.info[0].value == "Sign in to open “Sessions”."
    assert at.text_input(key="login__username") is not None


def test_a_role_without_the_page_is_told_so_in_its_language(database: str) -> None:
    who = state.SignedIn(2, "su", "苏州", "bureau", session_id=1)
    at = gate_app("audit", who)
    assert not at.exception
    assert at.warning[0].value.startswith(
        "Your account (industry bureau) may not open “Audit log”."
    )
    assert not at.text_input


def test_a_signed_in_user_opening_the_sign_in_url_is_told_it_is_not_needed(database: str) -> None:
    who = state.SignedIn(2, "su", "", "bureau", session_id=1)
    at = gate_app("login", who)
    assert not at.exception
    assert at.info[0].value == "You are signed in as su; “Sign in” is for visitors who are not."
    assert not at.text_input


def test_language_choice_stays_with_the_session(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    at = browser.open("app_pages/login.py")
    at.radio(key="lang").set_value("en").run()
    at.text_input(key="login__username").input("su")
    at.text_input(key="login__password").input("Bureau-pass-2026")
    at.button[0].click().run()
    browser.follow_redirect(at)
    fresh = browser.open()
    assert fresh.title[0].value == "Home"
    assert "Industry bureau, Suzhou · 320500" in sidebar_text(fresh)
    fresh.radio(key="lang").set_value("zh").run()
    assert browser.open().title[0].value == "首页"  # a new tab keeps the new choice


def test_sign_out_ends_the_session_in_every_tab(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    browser.follow_redirect(browser.sign_in("root", "Adm1n-pass-2026"))
    first, second = browser.open(), browser.open()
    assert "已登录：root" in sidebar_text(first)
    assert "已登录：root" in sidebar_text(second)
    first.sidebar.button(key="auth__sign_out").click().run()
    assert browser.follow_redirect(first) == "/"
    assert browser.cookie is None
    # the other tab still sends the old cookie until it reloads, but it no longer resolves
    second.run()
    assert "已登录" not in sidebar_text(second)
    engine = make_engine(database)
    with Session(engine) as session:
        assert session.exec(select(AuthSession.revoked_at)).one() is not None
    engine.dispose()


def test_a_forged_or_expired_cookie_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    browser.cookie = "forged-token-that-was-never-issued"
    assert "已登录" not in sidebar_text(browser.open())
    browser.follow_redirect(browser.sign_in("root", "Adm1n-pass-2026"))
    engine = make_engine(database)
    with Session(engine) as session:
        row = session.exec(select(AuthSession)).one()
        row.expires_at = row.created_at  # long past
        session.add(row)
        session.commit()
    engine.dispose()
    at = browser.open()
    assert "已登录" not in sidebar_text(at)
    assert at.title[0].value == "首页"
    assert at.toast[0].value.startswith("登录已结束")
    at.run()
    assert not at.toast  # said once per tab


def test_bureau_opening_the_audit_log_is_told_in_its_language(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    browser.follow_redirect(browser.sign_in("su", "Bureau-pass-2026"))
    at = browser.open()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit.py")  # the file is not served to a bureau at all


def test_admin_sees_the_audit_log_with_its_own_sign_in(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(monkeypatch)
    browser.follow_redirect(browser.sign_in("root", "Adm1n-pass-2026"))
    at = browser.open("app_pages/audit.py")
    assert not at.exception
    actions = list(at.dataframe[0].value["操作"])
    assert actions[0] == "开始登录会话"
    assert "登录成功" in actions


def test_app_as_opens_a_page_as_a_signed_in_user(app_as, app_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(app_engine) as session:
        root = create_user(
            session, actor=None, username="root2", role="admin", password="Adm1n-pass-2026"
        )
    at = app_as(root, page="app_pages/audit.py", lang="en")
    assert not at.exception
    assert "Signed in: root2 (administrator)" in [c.value for c in at.sidebar.caption]


@pytest.mark.parametrize(
    ("path", "redirected"),
    [
        ("/no-such-page", "/?missing=no-such-page"),
        ("/audit", None),  # registered: Streamlit serves it (or its gate)
        ("/", None),
        ("/favicon.png", None),
        ("/_stcore/health", None),
        ("/static/js/main.js", None),
        ("/ronghe-auth/session", None),
    ],
)
def test_an_unknown_page_url_goes_home_instead_of_an_english_dialog(
    path: str, redirected: str | None
) -> None:
    import asyncio

    from ui.navigation import PAGES

    passed: list[str] = []
    sent: list[dict[str, object]] = []

    async def inner(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        passed.append(scope["path"])

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    middleware = auth_routes.UnknownPageRedirect(inner, frozenset(p.url_path for p in PAGES))
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    asyncio.run(middleware(scope, receive, send))
    if redirected is None:
        assert passed == [path]
    else:
        assert not passed
        headers = dict(sent[0]["headers"])  # type: ignore[call-overload]
        assert headers[b"location"].decode() == redirected
