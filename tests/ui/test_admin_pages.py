"""Administration pages driven as an admin: create, disable, unlock, reset a password (shown
once), assignments, jurisdictions, reference data; the audit log in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from assessment.models import Role, User
from assessment.repo.accounts import authenticate, create_user
from assessment.repo.errors import LoginFailed
from tests.integration.factories import PASSWORD, make_enterprise

pytestmark = pytest.mark.ui
ACCOUNTS = "app_pages/admin/accounts.py"
AppAs = Callable[..., AppTest]


@pytest.fixture
def admin(app_engine: Engine) -> User:
    with Session(app_engine, expire_on_commit=False) as session:
        return create_user(session, actor=None, username="root", role="admin", password=PASSWORD)


def make(engine: Engine, username: str, role: Role, **scope: Any) -> User:
    with Session(engine, expire_on_commit=False) as session:
        return create_user(
            session, actor=None, username=username, role=role, password=PASSWORD, **scope
        )


def stored(engine: Engine, username: str) -> User:
    with Session(engine) as session:
        from assessment.repo.accounts import get_user_by_username

        user = get_user_by_username(session, username=username)
        assert user is not None
        return user


def column(at: AppTest, name: str) -> list[Any]:
    return list(at.dataframe[0].value[name])


def choose(at: AppTest, engine: Engine, username: str, lang: str) -> None:
    chooser = at.selectbox(key=f"admin_accounts__chosen__{lang}")
    chooser.set_value(stored(engine, username).id).run()


def test_admin_creates_a_bureau_account_with_a_generated_password(
    app_as: AppAs, app_engine: Engine, admin: User
) -> None:
    at = app_as(admin, page=ACCOUNTS, lang="en")
    at.selectbox(key="admin_accounts__role__en").set_value("bureau").run()
    at.text_input(key="admin_accounts__username").input("sz-bureau")
    at.selectbox(key="admin_accounts__region__en").set_value("320500")
    at.button(key="admin_accounts__create").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Account sz-bureau is created.")
    password = at.code[0].value
    with Session(app_engine) as session:
        assert (
            authenticate(session, username="sz-bureau", password=password).region_code == "320500"
        )
    row = column(at, "Username").index("sz-bureau")
    assert column(at, "Scope")[row] == "Suzhou · 320500"
    assert column(at, "Role")[row] == "industry bureau"
    at.text_input(key="admin_accounts__username").input("other").run()
    assert not at.code  # the password was shown once


@pytest.mark.parametrize(
    ("lang", "password", "message"),
    [
        ("zh", "1234567890", "该密码在常见密码列表中，容易被猜中，请换一个。"),
        ("en", " " * 10, "The password cannot consist of whitespace only."),
        ("en", "short", "The password needs at least 10 characters."),
    ],
)
def test_a_weak_password_is_refused_naming_the_rule(
    app_as: AppAs, app_engine: Engine, admin: User, lang: str, password: str, message: str
) -> None:
    at = app_as(admin, page=ACCOUNTS, lang=lang)
    at.selectbox(key=f"admin_accounts__role__{lang}").set_value("admin").run()
    at.text_input(key="admin_accounts__username").input("second")
    at.text_input(key="admin_accounts__password").input(password)
    at.button(key="admin_accounts__create").click().run()
    assert [e.value for e in at.error] == [message]
    with Session(app_engine) as session, pytest.raises(LoginFailed):
        authenticate(session, username="second", password=password)


def test_admin_disables_and_enables_an_account(
    app_as: AppAs, app_engine: Engine, admin: User
) -> None:
    make(app_engine, "advisor", Role.CONSULTANT)
    at = app_as(admin, page=ACCOUNTS, lang="zh")
    choose(at, app_engine, "advisor", "zh")
    assert at.button(key="admin_accounts__toggle").label == "停用账户"
    at.button(key="admin_accounts__toggle").click().run()
    assert not at.exception
    assert not stored(app_engine, "advisor").is_active
    assert column(at, "状态")[column(at, "用户名").index("advisor")] == "停用"
    assert at.button(key="admin_accounts__toggle").label == "启用账户"
    at.button(key="admin_accounts__toggle").click().run()
    assert stored(app_engine, "advisor").is_active


def test_admin_unlocks_a_locked_account(app_as: AppAs, app_engine: Engine, admin: User) -> None:
    make(app_engine, "advisor", Role.CONSULTANT)
    with Session(app_engine) as session:
        for _ in range(5):
            with pytest.raises(LoginFailed):
                authenticate(session, username="advisor", password="wrong password")
    at = app_as(admin, page=ACCOUNTS, lang="en")
    choose(at, app_engine, "advisor", "en")
    locked = column(at, "Locked until")[column(at, "Username").index("advisor")]
    assert locked.endswith("CST")
    assert not at.button(key="admin_accounts__unlock").disabled
    at.button(key="admin_accounts__unlock").click().run()
    assert not at.exception
    assert at.success[0].value == "advisor is unlocked."
    assert stored(app_engine, "advisor").locked_until is None
    assert at.button(key="admin_accounts__unlock").disabled


def test_admin_resets_a_password_shown_once(app_as: AppAs, app_engine: Engine, admin: User) -> None:
    make(app_engine, "advisor", Role.CONSULTANT)
    at = app_as(admin, page=ACCOUNTS, lang="zh")
    choose(at, app_engine, "advisor", "zh")
    at.button(key="admin_accounts__reset").click().run()
    assert not at.exception
    assert "只显示这一次" in at.success[0].value
    new = at.code[0].value
    with Session(app_engine) as session:
        assert authenticate(session, username="advisor", password=new).username == "advisor"
        with pytest.raises(LoginFailed):
            authenticate(session, username="advisor", password=PASSWORD)
    at.run()
    assert not at.code
    assert not at.success


def test_admin_assigns_and_withdraws_an_enterprise(
    app_as: AppAs, app_engine: Engine, admin: User
) -> None:
    make(app_engine, "advisor", Role.CONSULTANT)
    with Session(app_engine) as session:
        enterprise = make_enterprise(session, admin, "320102", name="南京精工")
    at = app_as(admin, page="app_pages/admin/assignments.py", lang="zh")
    at.text_input(key="admin_assignments__enterprise__text").input("精工").run()
    at.button(key="admin_assignments__assign").click().run()
    assert not at.exception
    assert column(at, "企业") == ["南京精工"]
    at.multiselect(key="admin_assignments__withdraw").set_value([enterprise.id]).run()
    at.button(key="admin_assignments__unassign").click().run()
    assert at.success[0].value == "已取消 1 家企业的分配。"
    assert not at.dataframe


def test_admin_moves_a_bureau(app_as: AppAs, app_engine: Engine, admin: User) -> None:
    make(app_engine, "js", Role.BUREAU, region_code="320000")
    at = app_as(admin, page="app_pages/admin/jurisdictions.py", lang="en")
    assert column(at, "Jurisdiction") == ["Jiangsu · 320000"]
    bureau_id = stored(app_engine, "js").id
    at.selectbox(key=f"admin_jurisdictions__region_{bureau_id}__en").set_value("320500")
    at.text_input(key=f"admin_jurisdictions__region_{bureau_id}__county").input("320506")
    at.button(key="admin_jurisdictions__save").click().run()
    assert not at.exception
    assert stored(app_engine, "js").region_code == "320506"
    assert column(at, "Jurisdiction") == ["Wuzhong District · 320506"]


def test_reference_data_page(app_as: AppAs, admin: User) -> None:
    at = app_as(admin, page="app_pages/admin/reference_data.py", lang="zh")
    assert not at.exception
    assert [m.value for m in at.metric][:1] == ["31"]
    defaults = at.dataframe[1].value
    assert set(defaults["默认"]) <= {"是（新评估使用）", ""}
    assert "是（新评估使用）" in set(at.dataframe[2].value["默认"])


def test_reference_data_tables_convert_to_arrow_as_they_are(
    app_as: AppAs, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A "—" among the row counts made Streamlit's Arrow conversion fail and log a traceback on
    every render before it fell back to its automatic fixes."""
    import streamlit.dataframe_util as dataframe_util

    fixed: list[object] = []
    original = dataframe_util.fix_arrow_incompatible_column_types
    monkeypatch.setattr(
        dataframe_util,
        "fix_arrow_incompatible_column_types",
        lambda df, *a, **k: fixed.append(df) or original(df, *a, **k),
    )
    at = app_as(admin, page="app_pages/admin/reference_data.py", lang="zh")
    assert not at.exception
    assert fixed == []


def test_other_roles_cannot_open_administration(app_as: AppAs, app_engine: Engine) -> None:
    bureau = make(app_engine, "js", Role.BUREAU, region_code="320000")
    at = app_as(bureau)
    for page in (ACCOUNTS, "app_pages/admin/reference_data.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


AUDIT = "app_pages/audit.py"


def failed_sign_in(engine: Engine, username: str) -> None:
    with Session(engine) as session, pytest.raises(LoginFailed):
        authenticate(session, username=username, password="wrong password")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            {
                "操作": "登录失败",
                "操作者": "未登录的访客",
                "对象": "账户 root",
                "操作代码": "login.failure",
            },
        ),
        (
            "en",
            {
                "Action": "Failed sign-in",
                "Actor": "anonymous visitor",
                "Target": "account root",
                "Action id": "login.failure",
            },
        ),
    ],
)
def test_audit_log_reads_in_words(
    app_as: AppAs, app_engine: Engine, admin: User, lang: str, expected: dict[str, str]
) -> None:
    failed_sign_in(app_engine, "root")
    at = app_as(admin, page=AUDIT, lang=lang)
    assert not at.exception
    table = at.dataframe[0].value
    newest = table.iloc[0]
    assert {name: newest[name] for name in expected} == expected
    time_column = table.columns[0]
    assert "UTC+8" in time_column
    assert newest[time_column].endswith(" CST")
    created = table.iloc[1]  # the admin, created on the command line
    assert created[table.columns[1]] == (
        "系统（命令行）" if lang == "zh" else "system (command line)"
    )
    assert created[table.columns[4]] == (
        "角色：平台管理员" if lang == "zh" else "role: administrator"
    )


@pytest.mark.parametrize("query", ["登录失败", "login.", "ROOT"])
def test_audit_search_by_words_prefix_or_name(
    app_as: AppAs, app_engine: Engine, admin: User, query: str
) -> None:
    failed_sign_in(app_engine, "root")
    make(app_engine, "advisor", Role.CONSULTANT)
    at = app_as(admin, page=AUDIT, lang="zh")
    at.text_input(key="audit__query").input(query).run()
    assert not at.exception
    found = list(at.dataframe[0].value["操作代码"])
    assert "login.failure" in found
    assert "user.create" not in found or query == "ROOT"
    assert at.caption[0].value.startswith(f"找到 {len(found)} 条记录")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_search_examples_find_something_in_the_demo(
    app_as: AppAs, app_engine: Engine, lang: str
) -> None:
    from assessment.demo import generate
    from assessment.repo.demo_setup import create_demo_accounts, with_county
    from assessment.repo.loading import load_dataset

    data, county = with_county(generate(enterprises=30, years=1, seed=7))
    load_dataset(app_engine, data, actor_username="init-db")
    with Session(app_engine) as session:
        create_demo_accounts(session, county=county)
    admin = stored(app_engine, "demo-admin")
    at = app_as(admin, page=AUDIT, lang=lang)
    placeholder = at.text_input(key="audit__query").placeholder
    examples = (
        placeholder.split("：", 1)[1].split("、")
        if lang == "zh"
        else placeholder.removeprefix("e.g. ").split(", ")
    )
    assert len(examples) == 3
    for example in examples:
        at.text_input(key="audit__query").input(example).run()
        assert not at.exception
        assert len(at.dataframe[0].value) > 0, example


def test_admin_creates_an_enterprise_account_for_a_found_enterprise(
    app_as: AppAs, app_engine: Engine, admin: User
) -> None:
    with Session(app_engine, expire_on_commit=False) as session:
        enterprise = make_enterprise(session, admin, "320102", name="南京精工")
        make_enterprise(session, admin, "320102", name="无锡纺织")
    at = app_as(admin, page=ACCOUNTS, lang="zh")
    at.selectbox(key="admin_accounts__role__zh").set_value("enterprise").run()
    at.text_input(key="admin_accounts__enterprise__text").input("精工").run()
    assert at.selectbox(key="admin_accounts__enterprise__choice").value == enterprise.id
    at.text_input(key="admin_accounts__username").input("nj-staff")
    at.text_input(key="admin_accounts__password").input("a long enough secret")
    at.button(key="admin_accounts__create").click().run()
    assert not at.exception
    assert at.success[0].value == "已创建账户 nj-staff。"
    assert not at.code  # a typed password is never echoed
    assert stored(app_engine, "nj-staff").enterprise_id == enterprise.id
    assert column(at, "范围")[column(at, "用户名").index("nj-staff")] == "南京精工"


def test_an_admin_is_told_it_cannot_disable_itself(
    app_as: AppAs, app_engine: Engine, admin: User
) -> None:
    at = app_as(admin, page=ACCOUNTS, lang="en")
    choose(at, app_engine, "root", "en")
    at.button(key="admin_accounts__toggle").click().run()
    assert [e.value for e in at.error] == ["You cannot disable your own account."]
    assert stored(app_engine, "root").is_active
