"""Each role's home: what the role can do, a link to each of its pages (from the registry), and
the sidebar's identity and scope in the chosen language only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from assessment.models import Role, User
from assessment.repo.accounts import assign_consultant
from tests.integration.factories import make_admin, make_enterprise, make_user
from tests.ui.conftest import AppAs
from ui.navigation import HOME, LOGIN, pages_for

pytestmark = pytest.mark.ui
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def accounts(engine: Engine) -> dict[str, User]:
    with Session(engine, expire_on_commit=False) as session:
        admin = make_admin(session, "home-admin")
        enterprise = make_enterprise(session, admin, "320505", name="苏州精工机械有限公司")
        other = make_enterprise(session, admin, "320505")
        consultant = make_user(session, Role.CONSULTANT, username="home-consultant")
        assert consultant.id is not None
        assert enterprise.id is not None
        assert other.id is not None
        assign_consultant(
            session,
            actor=admin,
            consultant_id=consultant.id,
            enterprise_ids=[enterprise.id, other.id],
        )
        return {
            "admin": admin,
            "bureau": make_user(session, Role.BUREAU, region_code="320500", username="home-bureau"),
            "enterprise": make_user(
                session, Role.ENTERPRISE, enterprise_id=enterprise.id, username="home-enterprise"
            ),
            "consultant": consultant,
        }


def links(at: AppTest) -> list[str]:
    """Labels of the page links in the main area."""
    return [e.proto.label for e in at.main.get("page_link")]


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(c.value) for c in [*at.sidebar.caption, *at.sidebar.markdown])


SCOPES = {
    "admin": ("全平台", "the whole platform"),
    "bureau": ("苏州市工信局 · 320500", "Industry bureau, Suzhou · 320500"),
    "enterprise": ("苏州精工机械有限公司", "苏州精工机械有限公司"),
    "consultant": ("服务 2 家企业", "2 assigned enterprises"),
}


@pytest.mark.parametrize("role", ["admin", "bureau", "enterprise", "consultant"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_role_lands_on_its_home_with_its_pages_and_scope(
    app_as: AppAs, app_engine: Engine, role: str, lang: str
) -> None:
    user = accounts(app_engine)[role]
    at = app_as(user, lang=lang)
    assert not at.exception
    assert at.title[0].value == ("首页" if lang == "zh" else "Home")
    expected = [
        (p.title_zh if lang == "zh" else p.title_en)
        for p in pages_for(role)
        if p.url_path not in (HOME, LOGIN)
    ]
    assert links(at) == expected
    chosen, other = SCOPES[role] if lang == "zh" else SCOPES[role][::-1]
    assert chosen in sidebar_text(at)
    if other != chosen:
        assert other not in sidebar_text(at)  # the chosen language only


def test_the_admin_home_links_the_sessions_page(app_as: AppAs, app_engine: Engine) -> None:
    at = app_as(accounts(app_engine)["admin"], lang="en")
    assert "Sessions" in links(at)
    assert "Sessions" in [e.proto.label for e in at.sidebar.get("page_link")]


def test_a_visitor_gets_the_public_home_with_sign_in_in_the_main_area(app_engine: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "首页"
    assert links(at)[0] == "登录"  # reachable on a phone without opening the menu
    assert links(at)[1:] == ["企业注册", "指标体系", "处罚裁量计算"]


def test_a_public_page_offers_sign_in_in_the_main_area(app_engine: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("app_pages/frameworks.py").run()
    assert not at.exception
    assert links(at)[0] == "登录"


def test_the_admin_ends_a_session_from_the_sessions_page(app_as: AppAs, app_engine: Engine) -> None:
    from assessment.repo import sessions

    users = accounts(app_engine)
    with Session(app_engine) as session:
        grant = sessions.create_session(session, user=users["bureau"])
        activated = sessions.activate_session(session, grant=grant, user_agent="Firefox")
    assert activated is not None
    at = app_as(users["admin"], page="app_pages/sessions.py", lang="en")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["User"]) == ["home-bureau"]
    assert list(table.columns[:2]) == ["User", "Role"]  # key columns first on narrow screens
    at.button[0].click().run()
    assert not at.exception
    with Session(app_engine) as session:
        assert sessions.resolve_session(session, token=activated[0]) is None


def test_an_unknown_url_lands_home_with_a_note_in_the_users_language(app_engine: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["missing"] = "no-such-page"
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.warning[0].value == "There is no page “no-such-page”; here is the home page."


def test_a_visitors_language_choice_is_kept_in_a_cookie_across_reloads(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import state

    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Home"
    script = at.get("html")[0].proto.body
    assert "document.cookie = 'ronghe_lang=en; path=/" in script
    at.run()  # written once, not on every run
    assert not [h for h in at.get("html") if "ronghe_lang" in h.proto.body]

    # a reload is a fresh session: the browser sends the cookie back
    cookies = {state.LANG_COOKIE: "en"}
    monkeypatch.setattr(state, "cookie_value", cookies.get)
    reloaded = AppTest.from_file(APP, default_timeout=30).run()
    assert reloaded.title[0].value == "Home"
    cookies[state.LANG_COOKIE] = "xx"  # a tampered value is ignored
    assert AppTest.from_file(APP, default_timeout=30).run().title[0].value == "首页"
