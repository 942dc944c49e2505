"""Saved penalty calculations: scoped to the user who saved them (admins read all), a case
reference unique per owner, optimistic versions on re-save, every save audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select

from assessment.models import AuditEvent, PenaltyCase, Role, User
from assessment.repo.errors import AccessDenied, NotFound, ValidationFailed
from assessment.repo.penalty_cases import (
    PenaltyCaseConflict,
    get_case,
    list_cases,
    save_case,
)
from tests.integration.factories import make_admin, make_user

CASE: dict[str, Any] = {
    "violations": [
        {
            "label": "未履行数据安全保护义务",
            "fines": [{"law": "《数据安全法》第四十五条", "minimum": 50000, "maximum": 500000}],
            "circumstances": ["art8_item1"],
        }
    ]
}


def handler(session: Session, name: str) -> User:
    return make_user(session, Role.BUREAU, region_code="320500", username=name)


def audit_actions(session: Session) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.action)
            .where(col(AuditEvent.object_type) == "penalty_case")
            .order_by(col(AuditEvent.id))
        ).all()
    )


def test_save_stores_input_and_summary_and_is_audited(session: Session) -> None:
    user = handler(session, "wang")
    case = save_case(session, actor=user, reference=" 苏网信罚〔2026〕12号 ", case_input=CASE)
    assert case.reference == "苏网信罚〔2026〕12号"
    assert case.version == 1
    assert case.owner_id == user.id
    assert case.case_input == CASE
    assert case.label == "未履行数据安全保护义务"
    assert case.summary["decided"] is True
    assert case.summary["violations"][0]["tier"] == "heavier"
    assert case.summary["violations"][0]["fine_low"] == 365000.0
    event = session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "penalty_case.create")
    ).one()
    assert event.actor_username == "wang"
    assert event.object_ids == [str(case.id)]
    assert event.detail["reference"] == "苏网信罚〔2026〕12号"


def test_another_user_cannot_read_or_overwrite_your_case(session: Session) -> None:
    owner, other = handler(session, "owner"), handler(session, "other")
    case = save_case(session, actor=owner, reference="A-1", case_input=CASE)
    assert case.id is not None
    with pytest.raises(AccessDenied):
        get_case(session, actor=other, case_id=case.id)
    with pytest.raises(AccessDenied):
        save_case(session, actor=other, reference="A-1", case_input=CASE, case_id=case.id)
    assert list_cases(session, actor=other) == []
    assert [c.reference for c in list_cases(session, actor=owner)] == ["A-1"]


def test_admin_reads_every_case_with_its_owner(session: Session) -> None:
    owner, admin = handler(session, "owner"), make_admin(session)
    case = save_case(session, actor=owner, reference="A-1", case_input=CASE)
    assert case.id is not None
    assert get_case(session, actor=admin, case_id=case.id).case_input == CASE
    (listed,) = list_cases(session, actor=admin)
    assert (listed.reference, listed.owner, listed.decided) == ("A-1", "owner", True)


def test_reference_is_unique_per_owner_only(session: Session) -> None:
    first, second = handler(session, "first"), handler(session, "second")
    save_case(session, actor=first, reference="A-1", case_input=CASE)
    with pytest.raises(ValidationFailed) as caught:
        save_case(session, actor=first, reference="A-1", case_input=CASE)
    assert "A-1" in caught.value.message("zh")
    assert "A-1" in caught.value.message("en")
    save_case(session, actor=second, reference="A-1", case_input=CASE)
    assert len(session.exec(select(PenaltyCase)).all()) == 2


def test_resave_bumps_the_version_and_a_stale_version_is_refused(session: Session) -> None:
    user = handler(session, "wang")
    case = save_case(session, actor=user, reference="A-1", case_input=CASE)
    assert case.id is not None
    changed = {"violations": [{**CASE["violations"][0], "circumstances": []}]}
    saved = save_case(
        session, actor=user, reference="A-1", case_input=changed, case_id=case.id, base_version=1
    )
    assert saved.version == 2
    assert saved.summary["violations"][0]["tier"] == "general"
    with pytest.raises(PenaltyCaseConflict) as caught:
        save_case(
            session, actor=user, reference="A-1", case_input=CASE, case_id=case.id, base_version=1
        )
    assert caught.value.current_version == 2
    assert "版本 2" in caught.value.message("zh")
    assert get_case(session, actor=user, case_id=case.id).case_input == changed
    assert audit_actions(session) == ["penalty_case.create", "penalty_case.update"]


def test_bad_input_or_reference_stores_nothing(session: Session) -> None:
    user = handler(session, "wang")
    bad = {"violations": [{"fines": [{"minimum": 9, "maximum": 1}]}]}
    with pytest.raises(ValidationFailed) as caught:
        save_case(session, actor=user, reference="A-1", case_input=bad)
    assert "高于最高限" in caught.value.message("zh")
    assert "above the maximum" in caught.value.message("en")
    with pytest.raises(ValidationFailed):
        save_case(session, actor=user, reference="   ", case_input=CASE)
    assert session.exec(select(PenaltyCase)).all() == []
    assert audit_actions(session) == []


def test_a_pending_calculation_can_be_saved(session: Session) -> None:
    user = handler(session, "wang")
    pending = {"violations": [{"fines": [{"maximum": 100}], "circumstances": ["art7_item1"]}]}
    case = save_case(session, actor=user, reference="P-1", case_input=pending)
    assert case.summary["decided"] is False
    assert case.summary["violations"][0]["options"] == ["mitigated", "lighter"]


def test_missing_case_is_not_found_and_inactive_users_are_refused(session: Session) -> None:
    user = handler(session, "wang")
    with pytest.raises(NotFound):
        get_case(session, actor=user, case_id=999)
    user.is_active = False
    with pytest.raises(AccessDenied):
        list_cases(session, actor=user)
