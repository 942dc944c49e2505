"""A real browser (Playwright driving Debian's chromium) against ``streamlit run`` on a free port:
an enterprise signs in, answers, submits and reads its results; screenshots go to a temporary
folder. Skipped, with the reason, where Playwright or chromium is not available."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from assessment.db import make_engine, migrate
from assessment.models import Role
from assessment.repo.assessments import create_assessment, save_answers
from assessment.repo.reference_data import sync_reference_data
from indicators.loader import load_framework
from tests.browser.serving import CHROMIUM, CHROMIUM_ARGS, require_browser, served_app
from tests.integration.factories import PASSWORD, make_admin, make_enterprise, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_browser()
from playwright import sync_api  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A database with an enterprise whose DCMM draft lacks its first dimension, and the app
    served as ``make run`` serves it, on a free port."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'app.db'}"
    engine = make_engine(url)
    migrate(engine)
    dcmm = load_framework("dcmm")
    with Session(engine, expire_on_commit=False) as session:
        sync_reference_data(session)
        admin = make_admin(session, "browser-admin")
        enterprise = make_enterprise(session, admin, name="浏览器测试企业")
        user = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id, username="acme")
        draft = create_assessment(
            session, actor=user, enterprise_id=enterprise.id, year=2025, frameworks=["dcmm"]
        )
        rest = [("dcmm", i.id, "3") for d in dcmm.dimensions[1:] for i in d.indicators]
        save_answers(
            session, actor=user, assessment_id=draft.id, base_version=draft.version, answers=rest
        )
    engine.dispose()
    shots = folder / "screenshots"
    shots.mkdir()
    with served_app(url) as base:
        yield {"base": base, "shots": shots, "dimension": dcmm.dimensions[0]}


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the script."""
    time.sleep(0.5)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=60_000,
    )
    time.sleep(0.3)


def sign_in(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the app's sign-in page (the one place to adapt when sign-in changes)."""
    page.goto(f"{base}/login")
    settle(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page)


def test_an_enterprise_answers_submits_and_reads_its_results(site) -> None:  # type: ignore[no-untyped-def]
    base, shots, dimension = site["base"], site["shots"], site["dimension"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, base, "acme", PASSWORD)
        page.get_by_role("link", name="自评估").first.click()
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        main.get_by_role("link", name="打开").first.click()
        settle(page)
        page.screenshot(path=str(shots / "editor.png"))
        main.locator('[data-testid="stSelectbox"]').nth(1).click()
        page.get_by_role("option", name=dimension.name.zh).click()
        settle(page)
        for _ in dimension.indicators:
            unanswered = main.locator('[data-testid="stRadio"]:not(:has(input:checked))').first
            unanswered.locator("label").filter(has_text="3 稳健级").first.click()
            settle(page)
        assert "总进度：28/28 项" in main.inner_text()
        main.get_by_role("button", name="提交评估").click()
        settle(page)
        page.wait_for_selector("text=融合指数", timeout=30_000)
        time.sleep(2)
        page.screenshot(path=str(shots / "results.png"))
        text = main.inner_text()
        assert "稳健级" in text
        assert "融合平台自有的综合测度" in text
        assert len(list(shots.glob("*.png"))) == 2
        browser.close()
