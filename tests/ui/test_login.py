"""Sign-in gate: wrong passwords are refused, roles see their pages, sign-out forgets the user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from assessment.db import make_engine, migrate
from assessment.repo.accounts import create_user
from assessment.repo.reference_data import sync_reference_data
from ui import resources

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
            region_code="320000",
            password="Bureau-pass-2026",
        )
    engine.dispose()
    resources.engine.clear()
    yield url
    resources.engine.clear()


def sign_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("app_pages/login.py").run()
    at.text_input(key="login__username").input(username)
    at.text_input(key="login__password").input(password)
    at.button[0].click().run()
    return at


def test_wrong_password_is_refused(database: str) -> None:
    at = sign_in("root", "not-the-password")
    assert not at.exception
    assert at.error[0].value == "用户名或密码错误。"


def test_admin_sees_the_audit_log_with_its_own_login(database: str) -> None:
    at = sign_in("root", "Adm1n-pass-2026")
    assert not at.exception
    assert "已登录：root（平台管理员）" in [c.value for c in at.sidebar.caption]
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    actions = list(at.dataframe[0].value["操作"])
    assert actions[0] == "登录成功"  # the action in words; its id is in 操作代码


def test_bureau_has_no_audit_page(database: str) -> None:
    at = sign_in("su", "Bureau-pass-2026")
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit.py")
    # the core refuses too (tests/integration): hiding the page is not the protection


def test_sign_out(database: str) -> None:
    at = sign_in("su", "Bureau-pass-2026")
    at.sidebar.button(key="auth__sign_out").click().run()
    assert not at.exception
    assert not any("已登录" in c.value for c in at.sidebar.caption)


def test_app_as_opens_a_page_as_a_signed_in_user(app_as, app_engine) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    with Session(app_engine) as session:
        root = create_user(
            session, actor=None, username="root2", role="admin", password="Adm1n-pass-2026"
        )
    at = app_as(root, page="app_pages/audit.py", lang="en")
    assert not at.exception
    assert "Signed in: root2 (administrator)" in [c.value for c in at.sidebar.caption]
