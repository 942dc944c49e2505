"""Bureaus confirm enterprises: who may, what the filter returns, and that it is audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from assessment import repository
from assessment.models import Enterprise, Role
from assessment.repo.enterprises import confirm_enterprise, list_enterprises
from assessment.repo.errors import AccessDenied, InvalidState
from tests.integration.factories import make_admin, make_enterprise, make_user


def _unconfirmed(session: Session, enterprise: Enterprise) -> Enterprise:
    """Stand in for a self-registered enterprise (the registration page comes with its issue)."""
    enterprise.confirmed_at = None
    enterprise.confirmed_by = None
    session.add(enterprise)
    session.commit()
    return enterprise


def test_registered_by_a_bureau_is_confirmed_by_a_consultant_is_not(session: Session) -> None:
    bureau = make_user(session, Role.BUREAU, region_code="320100")
    consultant = make_user(session, Role.CONSULTANT)
    by_bureau = make_enterprise(session, bureau, "320102")
    by_consultant = make_enterprise(session, consultant, "320102")
    assert by_bureau.confirmed_at is not None
    assert by_bureau.confirmed_by == bureau.id
    assert by_consultant.confirmed_at is None


def test_bureau_confirms_inside_its_jurisdiction_only(session: Session) -> None:
    admin = make_admin(session)
    nanjing = make_user(session, Role.BUREAU, region_code="320100")
    suzhou = make_user(session, Role.BUREAU, region_code="320500")
    firm = _unconfirmed(session, make_enterprise(session, admin, "320102"))
    assert firm.id is not None

    with pytest.raises(AccessDenied):
        confirm_enterprise(session, actor=suzhou, enterprise_id=firm.id)
    assert [e.id for e in list_enterprises(session, actor=nanjing, confirmed=False)] == [firm.id]

    confirmed = confirm_enterprise(session, actor=nanjing, enterprise_id=firm.id)
    assert confirmed.confirmed_by == nanjing.id
    assert list_enterprises(session, actor=nanjing, confirmed=False) == []
    assert [e.id for e in list_enterprises(session, actor=nanjing, confirmed=True)] == [firm.id]
    with pytest.raises(InvalidState):
        confirm_enterprise(session, actor=nanjing, enterprise_id=firm.id)
    events = repository.list_audit_events(session, actor=admin, action="enterprise.confirm")
    assert [e.object_ids for e in events] == [[str(firm.id)]]


def test_enterprise_and_consultant_cannot_confirm(session: Session) -> None:
    consultant = make_user(session, Role.CONSULTANT)
    firm = make_enterprise(session, consultant, "320102")
    assert firm.id is not None
    staff = make_user(session, Role.ENTERPRISE, enterprise_id=firm.id)
    for actor in (consultant, staff):
        with pytest.raises(AccessDenied):
            confirm_enterprise(session, actor=actor, enterprise_id=firm.id)
