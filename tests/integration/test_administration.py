"""Administration of accounts in the core: each function is admin-only, does its job and is
audited (SQLite and PostgreSQL through the ``session`` fixture)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from assessment import repository
from assessment.models import Role, User
from assessment.password_policy import check_password
from assessment.repo import accounts
from assessment.repository import AccessDenied, LoginFailed, ValidationFailed
from tests.integration.factories import PASSWORD, make_admin, make_enterprise, make_user


def actions(session: Session, admin: User) -> list[str]:
    return [e.action for e in repository.list_audit_events(session, actor=admin)]


def last_event(session: Session, admin: User) -> Any:
    return repository.list_audit_events(session, actor=admin, limit=1)[0]


@pytest.fixture
def admin(session: Session) -> User:
    return make_admin(session)


@pytest.fixture
def consultant(session: Session) -> User:
    return make_user(session, Role.CONSULTANT, username="advisor")


def test_disable_and_enable_an_account(session: Session, admin: User, consultant: User) -> None:
    accounts.set_active(session, actor=admin, user_id=consultant.id or 0, active=False)
    with pytest.raises(LoginFailed):
        repository.authenticate(session, username="advisor", password=PASSWORD)
    session.commit()
    accounts.set_active(session, actor=admin, user_id=consultant.id or 0, active=True)
    assert repository.authenticate(session, username="advisor", password=PASSWORD).is_active
    recorded = [a for a in actions(session, admin) if a.startswith("user.")]
    assert recorded[:2] == ["user.activate", "user.deactivate"]  # newest first
    event = repository.list_audit_events(session, actor=admin, action="user.deactivate")[0]
    assert (event.actor_username, event.object_ids) == ("admin", [str(consultant.id)])
    assert event.detail == {"username": "advisor"}


def test_an_admin_cannot_disable_itself(session: Session, admin: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.set_active(session, actor=admin, user_id=admin.id or 0, active=False)
    assert "own account" in caught.value.message_en
    assert caught.value.message_zh


def test_unlock_ends_a_lock_out(session: Session, admin: User, consultant: User) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            repository.authenticate(session, username="advisor", password="wrong password")
    listed = {a.username: a for a in accounts.list_accounts(session, actor=admin)}
    assert listed["advisor"].locked_until is not None
    accounts.unlock_user(session, actor=admin, user_id=consultant.id or 0)
    listed = {a.username: a for a in accounts.list_accounts(session, actor=admin)}
    assert listed["advisor"].locked_until is None
    assert repository.authenticate(session, username="advisor", password=PASSWORD)
    assert "user.unlock" in actions(session, admin)


def test_a_lock_that_has_ended_is_not_listed(
    session: Session, admin: User, consultant: User
) -> None:
    consultant.locked_until = datetime(2026, 1, 1, tzinfo=UTC)
    session.add(consultant)
    session.commit()
    later = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=1)
    listed = {
        a.username: a for a in accounts.list_accounts(session, actor=admin, clock=lambda: later)
    }
    assert listed["advisor"].locked_until is None


def test_reset_password_returns_a_new_one_once(
    session: Session, admin: User, consultant: User
) -> None:
    new = accounts.reset_password(session, actor=admin, user_id=consultant.id or 0)
    check_password(new)  # the generated password meets the policy
    with pytest.raises(LoginFailed):
        repository.authenticate(session, username="advisor", password=PASSWORD)
    session.commit()
    assert repository.authenticate(session, username="advisor", password=new)
    event = repository.list_audit_events(session, actor=admin, action="user.password_reset")[0]
    assert new not in str(event.detail)
    assert event.detail == {"username": "advisor"}


def test_set_jurisdiction_moves_a_bureau(session: Session, admin: User) -> None:
    bureau = make_user(session, Role.BUREAU, region_code="320000", username="js")
    moved = accounts.set_jurisdiction(
        session, actor=admin, user_id=bureau.id or 0, region_code="320500"
    )
    assert moved.region_code == "320500"
    event = repository.list_audit_events(session, actor=admin, action="user.jurisdiction")[0]
    assert event.detail == {"username": "js", "before": "320000", "after": "320500"}


@pytest.mark.parametrize(
    ("role", "code", "fragment"),
    [
        (Role.BUREAU, "999999", "999999"),
        (Role.CONSULTANT, "320500", "not a bureau"),
    ],
)
def test_set_jurisdiction_refuses(
    session: Session, admin: User, role: Role, code: str, fragment: str
) -> None:
    user = make_user(session, role, region_code="320000")
    with pytest.raises(ValidationFailed) as caught:
        accounts.set_jurisdiction(session, actor=admin, user_id=user.id or 0, region_code=code)
    assert fragment in caught.value.message_en


def test_assign_list_and_unassign(session: Session, admin: User, consultant: User) -> None:
    first = make_enterprise(session, admin, "320102", name="企业A")
    second = make_enterprise(session, admin, "320102", name="企业B")
    ids = [first.id or 0, second.id or 0]
    repository.assign_consultant(
        session, actor=admin, consultant_id=consultant.id or 0, enterprise_ids=ids
    )
    listed = accounts.list_assignments(session, actor=admin)
    assert [(a.consultant, a.enterprise_name) for a in listed] == [
        ("advisor", "企业A"),
        ("advisor", "企业B"),
    ]
    assert {a.username: a.clients for a in accounts.list_accounts(session, actor=admin)}[
        "advisor"
    ] == 2
    ended = accounts.unassign_consultant(
        session, actor=admin, consultant_id=consultant.id or 0, enterprise_ids=[first.id or 0, 999]
    )
    assert ended == 1
    assert [a.enterprise_name for a in accounts.list_assignments(session, actor=admin)] == ["企业B"]
    event = repository.list_audit_events(session, actor=admin, action="consultant.unassign")[0]
    assert (event.object_ids, event.detail) == ([str(first.id)], {"consultant": "advisor"})


def test_list_accounts_shows_scopes(session: Session, admin: User) -> None:
    enterprise = make_enterprise(session, admin, "320102", name="丙企业")
    make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id, username="staff")
    make_user(session, Role.BUREAU, region_code="320500", username="sz")
    listed = {a.username: a for a in accounts.list_accounts(session, actor=admin)}
    assert listed["staff"].enterprise_name == "丙企业"
    assert listed["sz"].region_code == "320500"
    assert listed["admin"].is_active


AdminCall = Callable[[Session, User, int], object]
ADMIN_ONLY: list[AdminCall] = [
    lambda s, a, _uid: accounts.list_accounts(s, actor=a),
    lambda s, a, _uid: accounts.list_assignments(s, actor=a),
    lambda s, a, uid: accounts.set_active(s, actor=a, user_id=uid, active=False),
    lambda s, a, uid: accounts.unlock_user(s, actor=a, user_id=uid),
    lambda s, a, uid: accounts.reset_password(s, actor=a, user_id=uid),
    lambda s, a, uid: accounts.set_jurisdiction(s, actor=a, user_id=uid, region_code="320500"),
    lambda s, a, uid: accounts.unassign_consultant(
        s, actor=a, consultant_id=uid, enterprise_ids=[1]
    ),
]


@pytest.mark.parametrize("call", ADMIN_ONLY)
@pytest.mark.parametrize("role", [Role.BUREAU, Role.CONSULTANT])
def test_administration_is_admin_only(
    session: Session, admin: User, role: Role, call: AdminCall
) -> None:
    target = make_user(session, Role.BUREAU, region_code="320000")
    other = make_user(session, role, region_code="320000")
    before = actions(session, admin)
    with pytest.raises(AccessDenied):
        call(session, other, target.id or 0)
    session.rollback()
    assert actions(session, admin) == before


def test_a_disabled_admin_can_administer_nothing(session: Session, admin: User) -> None:
    second = make_user(session, Role.ADMIN, username="admin2")
    accounts.set_active(session, actor=admin, user_id=second.id or 0, active=False)
    with pytest.raises(AccessDenied):
        accounts.unlock_user(session, actor=second, user_id=admin.id or 0)


@pytest.mark.parametrize(
    ("password", "fragment_en", "fragment_zh"),
    [
        (" " * 10, "whitespace", "空白"),
        ("\t \n" * 5, "whitespace", "空白"),
        ("short", "10 characters", "10 个字符"),
        ("1234567890", "common", "常见密码"),
        ("QwertyUiop", "common", "常见密码"),
        ("password123", "common", "常见密码"),
    ],
)
def test_password_policy_refuses_naming_the_rule(
    password: str, fragment_en: str, fragment_zh: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_password(password)
    assert fragment_en in caught.value.message_en
    assert fragment_zh in caught.value.message_zh


def test_password_policy_accepts_a_long_uncommon_password() -> None:
    check_password("correct horse battery")
    check_password("融合平台管理员的长密码")


def test_policy_applies_to_create_and_set_password(session: Session, admin: User) -> None:
    with pytest.raises(ValidationFailed):
        repository.create_user(
            session, actor=admin, username="x", role=Role.ADMIN, password="1234567890"
        )
    with pytest.raises(ValidationFailed):
        repository.set_password(session, actor=admin, user_id=admin.id or 0, password=" " * 12)


def test_reference_status_reports_loaded_data_and_defaults(session: Session, admin: User) -> None:
    from assessment import reference
    from assessment.repo.reference_data import reference_status
    from indicators.loader import load_all

    status = reference_status(session, actor=admin)
    assert sum(status.regions_by_level.values()) == len(reference.regions())
    assert status.regions_by_level["province"] == reference.PROVINCE_COUNT
    assert status.industries == len(reference.industries())
    assert status.in_sync
    assert [f.name for f in status.files] == ["regions.csv", "industries.csv", "size_classes.yaml"]
    assert all(len(f.sha256) == 12 for f in status.files)
    defaults = {r.framework_id: r.version for r in status.frameworks if r.default}
    assert defaults == {fid: f.version for fid, f in load_all().items()}
    assert sum(r.default for r in status.crosswalks) == 1


def test_reference_status_is_admin_only(session: Session, admin: User) -> None:
    from assessment.repo.reference_data import reference_status

    bureau = make_user(session, Role.BUREAU, region_code="320000")
    with pytest.raises(AccessDenied):
        reference_status(session, actor=bureau)


def test_find_enterprises_by_name_or_code(session: Session, admin: User) -> None:
    wanted = make_enterprise(session, admin, "320102", name="无锡精密机械")
    make_enterprise(session, admin, "320102", name="常州纺织")
    assert [e.name for e in accounts.find_enterprises(session, actor=admin, text="精密")] == [
        "无锡精密机械"
    ]
    assert [e.id for e in accounts.find_enterprises(session, actor=admin, text=wanted.uscc)] == [
        wanted.id
    ]
    assert len(accounts.find_enterprises(session, actor=admin)) == 2
    bureau = make_user(session, Role.BUREAU, region_code="320000")
    with pytest.raises(AccessDenied):
        accounts.find_enterprises(session, actor=bureau, text="精密")


@pytest.mark.parametrize(
    ("typed", "rule"),
    [("1234567890", "common passwords"), ("          ", "whitespace only")],
)
def test_user_add_applies_the_password_policy(
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: str,
    rule: str,
) -> None:
    import io

    from assessment.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["init-db"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
    assert main(["user", "add", "--role", "admin", "--username", "root", "--password-stdin"]) == 2
    refusal = capsys.readouterr().err
    assert rule in refusal
    assert "密码" in refusal
