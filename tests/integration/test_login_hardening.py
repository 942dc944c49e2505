"""Login hardening (issue 11 item 1): lock-out counted atomically under parallel attempts, an
unknown username costs a password verification, usernames unique after normalisation, a
deactivated account cannot change its password.

The parallel tests run threads with their own sessions on a SQLite file (WAL) and on
PostgreSQL; they count how many passwords were really checked, never how long anything took.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

import assessment.repo.accounts as accounts
from assessment import repository
from assessment.models import Role
from assessment.repository import AccessDenied, AccountLocked, LoginFailed, ValidationFailed
from tests.integration.factories import PASSWORD, make_admin, make_user

LIMIT = 5  # Settings.lockout_attempts default


class VerifyCounter:
    """Counts calls of ``accounts.verify_password`` (thread-safe)."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()
        self._real = accounts.verify_password

    def __call__(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.calls += 1
        return self._real(password_hash, password)


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> VerifyCounter:
    counter = VerifyCounter()
    monkeypatch.setattr(accounts, "verify_password", counter)
    return counter


def _parallel_logins(engine: Engine, passwords: list[str]) -> Counter[str]:
    """Run one login per password at once (each its own thread and session); outcome counts."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(passwords))

    def attempt(password: str) -> None:
        start.wait()
        with Session(engine) as session:
            try:
                accounts.authenticate(session, username="target", password=password)
                outcome = "ok"
            except AccountLocked:
                outcome = "locked"
            except LoginFailed:
                outcome = "failed"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _make_target(engine: Engine) -> None:
    with Session(engine) as session:
        make_user(session, Role.CONSULTANT, username="target")


def test_thirty_parallel_guesses_check_only_the_limit(
    file_engine: Engine, verify_calls: VerifyCounter
) -> None:
    _make_target(file_engine)
    outcomes = _parallel_logins(file_engine, ["wrong password!"] * 30)
    assert verify_calls.calls == LIMIT
    assert outcomes == Counter({"failed": LIMIT, "locked": 30 - LIMIT})
    with Session(file_engine) as session, pytest.raises(AccountLocked):
        accounts.authenticate(session, username="target", password=PASSWORD)
    assert verify_calls.calls == LIMIT


def test_correct_login_does_not_wipe_guesses_made_in_parallel(
    file_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the right password is being checked, other sessions guess: their count (and the
    lock it reaches) survives the successful login."""
    _make_target(file_engine)
    real = accounts.verify_password

    def verify_while_guessing(password_hash: str, password: str) -> bool:
        if password == PASSWORD:
            for _ in range(LIMIT - 1):
                with Session(file_engine) as other, pytest.raises(LoginFailed):
                    accounts.authenticate(other, username="target", password="wrong password!")
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", verify_while_guessing)
    with Session(file_engine) as session:
        accounts.authenticate(session, username="target", password=PASSWORD)
    monkeypatch.setattr(accounts, "verify_password", real)
    with Session(file_engine) as session, pytest.raises(AccountLocked):
        accounts.authenticate(session, username="target", password="wrong password!")


def test_waves_of_parallel_guesses_get_only_the_limit_checked(
    file_engine: Engine, verify_calls: VerifyCounter
) -> None:
    _make_target(file_engine)
    for _ in range(3):
        outcomes = _parallel_logins(file_engine, ["wrong password!"] * 20)
        assert outcomes["ok"] == 0
    assert verify_calls.calls == LIMIT


def test_unknown_username_costs_a_password_verification(
    session: Session, verify_calls: VerifyCounter
) -> None:
    make_admin(session)
    with pytest.raises(LoginFailed):
        accounts.authenticate(session, username="nobody", password=PASSWORD)
    assert verify_calls.calls == 1
    with pytest.raises(LoginFailed):
        accounts.authenticate(session, username="admin", password="wrong password!")
    assert verify_calls.calls == 2


def test_inactive_account_costs_a_verification_too(
    session: Session, verify_calls: VerifyCounter
) -> None:
    admin = make_admin(session)
    admin.is_active = False
    session.add(admin)
    session.commit()
    with pytest.raises(LoginFailed):
        accounts.authenticate(session, username="admin", password=PASSWORD)
    assert verify_calls.calls == 1


def test_unknown_username_in_the_audit_log_is_short(session: Session) -> None:
    admin = make_admin(session)
    huge = "x" * 1_000_000 + "\x00\u200b"
    with pytest.raises(LoginFailed):
        accounts.authenticate(session, username=huge, password=PASSWORD)
    (event,) = repository.list_audit_events(session, actor=admin, action="login.failure")
    assert len(event.detail["username"]) <= accounts.USERNAME_MAX


@pytest.mark.parametrize(
    "variant",
    ["Admin", "ADMIN", "\uff41\uff44\uff4d\uff49\uff4e", " admin "],
)
def test_usernames_are_unique_after_normalisation(session: Session, variant: str) -> None:
    make_admin(session, "admin")
    with pytest.raises(ValidationFailed) as caught:
        make_admin(session, variant)
    assert "taken" in caught.value.message_en


@pytest.mark.parametrize(
    "name",
    [
        "\u0430dmin",  # Cyrillic а
        "adm\u200bin",  # zero-width space
        "admin\x00",
        "ad\u202emin",  # right-to-left override
        "adm in",
        "",
        "a" * 65,
    ],
)
def test_look_alike_and_invisible_usernames_are_refused(session: Session, name: str) -> None:
    make_admin(session, "admin")
    with pytest.raises(ValidationFailed):
        make_admin(session, name)


def test_login_and_lookup_use_the_normalised_name(session: Session) -> None:
    admin = make_admin(session, "Zhang.San")
    assert admin.username == "zhang.san"
    user = accounts.authenticate(session, username="ＺＨＡＮＧ.ＳＡＮ", password=PASSWORD)
    assert user.id == admin.id
    assert accounts.get_user_by_username(session, username="ZHANG.SAN") is not None
    chinese = make_admin(session, "张三")
    assert chinese.username == "张三"


def test_deactivated_user_cannot_change_its_password(session: Session) -> None:
    make_admin(session)
    user = make_user(session, Role.CONSULTANT)
    user.is_active = False
    session.add(user)
    session.commit()
    with pytest.raises(AccessDenied):
        accounts.set_password(session, actor=user, user_id=user.id or 0, password="a new secret")
    session.refresh(user)
    assert accounts.verify_password(user.password_hash or "", PASSWORD)
