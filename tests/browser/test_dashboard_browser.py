"""The regional dashboard in a real browser (Playwright driving Debian's chromium at 1280×800):
a prefecture bureau signs in and sees the lagging county, its industry and weakest indicators.

Skips with the reason when Playwright or /usr/bin/chromium is not available.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from assessment.db import make_engine, migrate
from assessment.demo import generate
from assessment.models import Role
from assessment.repo.accounts import create_user
from assessment.repo.demo_setup import with_county
from assessment.repo.loading import load_dataset
from assessment.repo.reference_data import sync_reference_data
from indicators.loader import load_all
from tests.browser.serving import CHROMIUM, CHROMIUM_ARGS, require_browser, served_app

PASSWORD = "bureau-browser-test-1"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_browser()
from playwright import sync_api as playwright  # noqa: E402


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        sync_reference_data(session)
    frameworks = {k: v for k, v in load_all().items() if k in ("dcmm", "cdo", "sme")}
    data, county = with_county(generate(enterprises=150, years=2, seed=11, frameworks=frameworks))
    load_dataset(engine, data)
    with Session(engine) as session:
        create_user(
            session,
            actor=None,
            username="pref-bureau",
            role=Role.BUREAU,
            password=PASSWORD,
            region_code=county[:4] + "00",
        )
    engine.dispose()
    with served_app(url) as base:
        yield base


def test_prefecture_bureau_sees_the_lagging_county_at_1280x800(server: str, tmp_path: Path) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{server}/login")
            page.wait_for_selector("input[type=password]", timeout=30_000)
            page.locator("input[type=text]").first.fill("pref-bureau")
            page.locator("input[type=password]").fill(PASSWORD)
            page.keyboard.press("Enter")
            page.get_by_role("link", name="区域看板").first.click(timeout=30_000)
            page.wait_for_selector("[data-testid=stPlotlyChart]", timeout=60_000)
            box = page.get_by_text("融合指数最低的下级区域")
            box.wait_for(timeout=30_000)
            assert box.is_visible()  # above the fold at 1280×800
            assert page.get_by_text("最薄弱的指标").first.is_visible()
            shot = tmp_path / "dashboard-1280x800.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 20_000
            assert page.locator("[data-testid=stException]").count() == 0
        finally:
            browser.close()
