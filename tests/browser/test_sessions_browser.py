"""The served app in a real browser (Debian's chromium through Playwright): a sign-in survives a
reload and a deep link in a new tab, sign-out ends it everywhere, a forged or expired cookie is
refused. Skips with a reason where chromium or playwright is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from assessment.db import make_engine, migrate
from assessment.models import AuthSession
from assessment.repo.accounts import create_user
from assessment.repo.reference_data import sync_reference_data
from tests.browser.serving import CHROMIUM, CHROMIUM_ARGS, require_browser, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "Adm1n-pass-2026"

require_browser()
from playwright import sync_api  # noqa: E402


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        sync_reference_data(session)
        create_user(session, actor=None, username="root", role="admin", password=PASSWORD)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[str]:
    with served_app(database) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def signed_in_as(page: Any, who: str) -> None:
    page.get_by_text(f"已登录：{who}").wait_for(timeout=20_000)


def signed_out(page: Any) -> None:
    """The page shows the visitors' sign-in link and no signed-in user."""
    page.get_by_role("link", name="登录").first.wait_for(timeout=20_000)
    assert page.get_by_text("已登录：").count() == 0


def test_sign_in_survives_reload_and_new_tab_and_sign_out_ends_it_everywhere(
    server: str, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server + "/audit?from=mail")  # a deep link with a query, signed out
    page.get_by_text("「审计日志」需要登录后才能打开。").wait_for(timeout=20_000)
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server + "/audit?from=mail", timeout=20_000)  # back where it was going
    signed_in_as(page, "root")
    page.get_by_text("最近").wait_for(timeout=20_000)  # the audit page itself, not its gate

    cookie = next(c for c in context.cookies() if c["name"] == "ronghe_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert not cookie["secure"]  # plain http on localhost
    assert page.evaluate("document.cookie").find("ronghe_session") == -1  # not readable by JS

    page.reload()
    signed_in_as(page, "root")

    second = context.new_page()
    second.goto(server + "/sessions")
    signed_in_as(second, "root")
    second.get_by_role("heading", name="会话").wait_for(timeout=20_000)

    second.get_by_role("button", name="退出登录").click()
    second.wait_for_url(server + "/", timeout=20_000)
    signed_out(second)
    assert not [c for c in context.cookies() if c["name"] == "ronghe_session"]

    page.get_by_role("link", name="首页").first.click()  # the first tab, without reloading
    page.get_by_text("登录已结束").wait_for(timeout=20_000)  # told once why
    signed_out(page)
    page.reload()
    signed_out(page)
    context.close()


def test_a_forged_or_expired_cookie_is_refused(server: str, browser: Any, database: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    host = server.removeprefix("http://").split(":")[0]
    context.add_cookies(
        [{"name": "ronghe_session", "value": "forged", "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.goto(server + "/audit")
    page.get_by_text("「审计日志」需要登录后才能打开。").wait_for(timeout=20_000)

    page.get_by_label("用户名").fill("root")  # on a phone, the form is in the main area
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server + "/audit", timeout=20_000)
    page.get_by_text("最近").wait_for(timeout=20_000)

    engine = make_engine(database)
    with Session(engine) as session:
        for row in session.exec(select(AuthSession)).all():
            row.expires_at = row.created_at
            session.add(row)
        session.commit()
    engine.dispose()
    page.reload()
    page.get_by_text("「审计日志」需要登录后才能打开。").wait_for(timeout=20_000)
    context.close()
