"""Local accounts: Argon2id, lock-out with an injectable clock, audit log access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from assessment import repository
from assessment.models import Role, User
from assessment.repository import AccessDenied, AccountLocked, LoginFailed, ValidationFailed
from tests.integration.factories import PASSWORD, make_admin, make_enterprise, make_user


class Clock:
    """A settable clock for lock-out tests."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_password_is_stored_as_argon2id(session: Session) -> None:
    admin = make_admin(session)
    assert admin.password_hash is not None
    assert admin.password_hash.startswith("$argon2id$")
    assert PASSWORD not in admin.password_hash


def test_login_succeeds_and_is_audited(session: Session, clock: Clock) -> None:
    admin = make_admin(session)
    user = repository.authenticate(session, username="admin", password=PASSWORD, clock=clock)
    assert user.id == admin.id
    assert user.last_login_at == clock.now
    events = repository.list_audit_events(session, actor=admin, action="login.success")
    assert [e.actor_username for e in events] == ["admin"]


@pytest.mark.parametrize(
    ("username", "password"), [("admin", "wrong password!"), ("nobody", PASSWORD)]
)
def test_login_failure_does_not_say_which_part_was_wrong(
    session: Session, clock: Clock, username: str, password: str
) -> None:
    admin = make_admin(session)
    with pytest.raises(LoginFailed) as caught:
        repository.authenticate(session, username=username, password=password, clock=clock)
    assert caught.value.message_en == "Wrong username or password."
    assert caught.value.message_zh == "用户名或密码错误。"
    (event,) = repository.list_audit_events(session, actor=admin, action="login.failure")
    assert event.detail == {"username": username}


def test_five_failures_lock_the_account_for_fifteen_minutes(session: Session, clock: Clock) -> None:
    make_admin(session)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            repository.authenticate(session, username="admin", password="bad password", clock=clock)
    clock.now += timedelta(minutes=14, seconds=59)
    with pytest.raises(AccountLocked) as caught:  # even the right password is refused now
        repository.authenticate(session, username="admin", password=PASSWORD, clock=clock)
    assert caught.value.until == datetime(2026, 3, 1, 9, 15, tzinfo=UTC)
    assert "09:15" in caught.value.message_zh
    clock.now += timedelta(seconds=1)
    assert (
        repository.authenticate(
            session, username="admin", password=PASSWORD, clock=clock
        ).failed_logins
        == 0
    )


def test_four_failures_then_success_resets_the_counter(session: Session, clock: Clock) -> None:
    make_admin(session)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            repository.authenticate(session, username="admin", password="bad password", clock=clock)
    repository.authenticate(session, username="admin", password=PASSWORD, clock=clock)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            repository.authenticate(session, username="admin", password="bad password", clock=clock)
    assert (
        repository.authenticate(session, username="admin", password=PASSWORD, clock=clock).username
        == "admin"
    )


def test_inactive_account_cannot_log_in(session: Session, clock: Clock) -> None:
    admin = make_admin(session)
    admin.is_active = False
    session.add(admin)
    session.commit()
    with pytest.raises(LoginFailed):
        repository.authenticate(session, username="admin", password=PASSWORD, clock=clock)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"role": "bureau"}, "region"),
        ({"role": "bureau", "region_code": "999999"}, "999999"),
        ({"role": "enterprise"}, "enterprise"),
        ({"role": "superuser"}, "superuser"),
        ({"role": "admin", "password": "short"}, "10 characters"),
        ({"role": "admin", "username": "admin"}, "taken"),
    ],
)
def test_invalid_accounts_are_refused(
    session: Session, kwargs: dict[str, str], fragment: str
) -> None:
    make_admin(session)
    values = {"username": "new", "password": PASSWORD, **kwargs}
    with pytest.raises(ValidationFailed) as caught:
        repository.create_user(session, actor=None, **values)  # type: ignore[arg-type]
    assert fragment in caught.value.message_en
    assert caught.value.message_zh


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.CONSULTANT, Role.BUREAU])
def test_only_admins_manage_users_and_read_the_audit_log(session: Session, role: Role) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    user = make_user(session, role, region_code="320000", enterprise_id=enterprise.id)
    with pytest.raises(AccessDenied):
        repository.list_audit_events(session, actor=user)
    with pytest.raises(AccessDenied):
        repository.create_user(
            session, actor=user, username="x", role=Role.ADMIN, password=PASSWORD
        )
    with pytest.raises(AccessDenied):
        repository.list_users(session, actor=user)
    assert len(repository.list_users(session, actor=admin)) == 2


def test_audit_log_records_writes_and_exports_and_filters(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    repository.record_export(
        session,
        actor=admin,
        what="enterprise list",
        object_type="enterprise",
        object_ids=[enterprise.id],
        detail={"format": "xlsx"},
    )
    events = repository.list_audit_events(session, actor=admin)
    assert [e.action for e in events] == ["export", "enterprise.create", "user.create"]
    export = events[0]
    assert (export.actor_username, export.object_ids) == ("admin", [str(enterprise.id)])
    assert export.detail == {"what": "enterprise list", "format": "xlsx"}
    assert events[-1].actor_username == "system"  # the first admin comes from the CLI
    by_object = repository.list_audit_events(
        session, actor=admin, object_type="enterprise", object_id=str(enterprise.id)
    )
    assert [e.action for e in by_object] == ["export", "enterprise.create"]


def test_audit_log_has_no_update_or_delete_function() -> None:
    from assessment.repo import audit

    public = {name for name in dir(audit) if not name.startswith("_")}
    assert not {n for n in public if n.startswith(("update", "delete", "remove", "edit"))}
    assert not {n for n in dir(repository) if "audit" in n and not n.startswith("list")}


def test_set_password_unlocks(session: Session, clock: Clock) -> None:
    admin = make_admin(session)
    user: User = make_user(session, Role.CONSULTANT)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            repository.authenticate(
                session, username=user.username, password="nope nope", clock=clock
            )
    repository.set_password(session, actor=admin, user_id=user.id or 0, password="a new secret")
    assert (
        repository.authenticate(
            session, username=user.username, password="a new secret", clock=clock
        ).id
        == user.id
    )
