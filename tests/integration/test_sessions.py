"""Sessions: only hashes stored, a grant works once, expired/forged/revoked tokens are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from assessment.models import AuditEvent, AuthSession, Role
from assessment.repo import sessions
from assessment.repo.errors import AccessDenied
from tests.integration.factories import make_admin, make_user


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def signed_in(session: Session, clock: Clock, role: Role = Role.ADMIN, lang: str = "en") -> str:
    user = (
        make_admin(session)
        if role is Role.ADMIN
        else make_user(session, role, region_code="320000")
    )
    grant = sessions.create_session(session, user=user, lang=lang, clock=clock)
    activated = sessions.activate_session(session, grant=grant, user_agent="pytest", clock=clock)
    assert activated is not None
    return activated[0]


def test_a_token_resolves_to_its_user_and_language_and_only_hashes_are_stored(
    session: Session, clock: Clock
) -> None:
    token = signed_in(session, clock)
    found = sessions.resolve_session(session, token=token, clock=clock)
    assert found is not None
    assert (found.user.username, found.lang) == ("admin", "en")
    assert found.expires_at == clock.now + timedelta(hours=12)
    stored = session.exec(select(AuthSession)).one()
    assert stored.token_hash == sessions.hash_token(token)
    assert token not in stored.token_hash
    assert stored.user_agent == "pytest"


def test_a_grant_works_once_and_is_not_itself_a_session(session: Session, clock: Clock) -> None:
    admin = make_admin(session)
    grant = sessions.create_session(session, user=admin, clock=clock)
    assert sessions.resolve_session(session, token=grant, clock=clock) is None
    assert sessions.activate_session(session, grant=grant, clock=clock) is not None
    assert sessions.activate_session(session, grant=grant, clock=clock) is None


def test_a_late_grant_is_refused(session: Session, clock: Clock) -> None:
    admin = make_admin(session)
    grant = sessions.create_session(session, user=admin, clock=clock)
    clock.now += timedelta(seconds=sessions.GRANT_SECONDS + 1)
    assert sessions.activate_session(session, grant=grant, clock=clock) is None


def test_an_expired_or_forged_token_is_refused(session: Session, clock: Clock) -> None:
    token = signed_in(session, clock)
    assert sessions.resolve_session(session, token=token + "x", clock=clock) is None
    assert sessions.resolve_session(session, token="", clock=clock) is None
    clock.now += timedelta(hours=11, minutes=59)
    assert sessions.resolve_session(session, token=token, clock=clock) is not None
    clock.now += timedelta(minutes=1)
    assert sessions.resolve_session(session, token=token, clock=clock) is None


def test_the_lifetime_is_a_setting(
    session: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSION_HOURS", "0.5")
    token = signed_in(session, clock)
    clock.now += timedelta(minutes=31)
    assert sessions.resolve_session(session, token=token, clock=clock) is None


def test_signing_out_revokes_and_is_audited(session: Session, clock: Clock) -> None:
    token = signed_in(session, clock)
    found = sessions.resolve_session(session, token=token, clock=clock)
    assert found is not None
    sessions.revoke_session(session, actor=found.user, session_id=found.session_id)
    assert sessions.resolve_session(session, token=token, clock=clock) is None
    actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert actions[-2:] == ["session.start", "session.sign_out"]


def test_a_deactivated_users_sessions_no_longer_resolve(session: Session, clock: Clock) -> None:
    token = signed_in(session, clock, role=Role.BUREAU)
    found = sessions.resolve_session(session, token=token, clock=clock)
    assert found is not None
    found.user.is_active = False
    session.add(found.user)
    session.commit()
    assert sessions.resolve_session(session, token=token, clock=clock) is None


def test_only_an_admin_lists_and_revokes_other_peoples_sessions(
    session: Session, clock: Clock
) -> None:
    token = signed_in(session, clock, role=Role.BUREAU)
    bureau = sessions.resolve_session(session, token=token, clock=clock)
    assert bureau is not None
    other = make_user(session, Role.BUREAU, region_code="320000")
    with pytest.raises(AccessDenied):
        sessions.list_active_sessions(session, actor=bureau.user)
    with pytest.raises(AccessDenied):
        sessions.revoke_session(session, actor=other, session_id=bureau.session_id)
    admin = make_admin(session)
    listed = sessions.list_active_sessions(session, actor=admin, clock=clock)
    assert [(s.username, s.session_id) for s in listed] == [
        (bureau.user.username, bureau.session_id)
    ]
    assert sessions.revoke_user_sessions(session, actor=admin, user_id=bureau.user.id or 0) == 1
    assert sessions.resolve_session(session, token=token, clock=clock) is None
    assert sessions.list_active_sessions(session, actor=admin, clock=clock) == []
    event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert event is not None
    assert (event.action, event.actor_username) == ("session.revoke_all", "admin")


def test_the_language_choice_is_kept_with_the_session(session: Session, clock: Clock) -> None:
    token = signed_in(session, clock, lang="zh")
    found = sessions.resolve_session(session, token=token, clock=clock)
    assert found is not None
    sessions.set_session_lang(session, session_id=found.session_id, lang="en")
    again = sessions.resolve_session(session, token=token, clock=clock)
    assert again is not None
    assert again.lang == "en"
