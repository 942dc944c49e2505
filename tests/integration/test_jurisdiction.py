"""No way out of a jurisdiction (issue 11 item 2): the role × field table of docs/access.md is
what the core enforces, role by role; profile updates have a version check."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assessment import identity, repository
from assessment.models import Enterprise, EnterpriseUpdate, Role, User
from assessment.repo import access
from assessment.repo.errors import ProfileConflict
from assessment.repository import AccessDenied, ValidationFailed
from tests.integration.factories import (
    dcmm_answers,
    make_admin,
    make_enterprise,
    make_user,
)

DOC = Path(__file__).parents[2] / "docs" / "access.md"
NEW_VALUES = {
    "name": "改名后的企业",
    "industry_code": "35",
    "production_type": "process",
    "region_code": "320105",
    "employees": 20,
    "revenue_wan": 900.0,
}
ROLES = [Role.ENTERPRISE, Role.CONSULTANT, Role.BUREAU, Role.ADMIN]


def _doc_table() -> dict[str, dict[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- permissions: begin -->")[1].split("<!-- permissions: end -->")[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in block.strip().splitlines()
    ]
    header = rows[0][1:]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows[2:]}


def test_the_document_and_the_core_agree() -> None:
    table = _doc_table()
    for role in ROLES:
        allowed = {field for field in NEW_VALUES if table[field][role.value] != "no"}
        assert allowed == set(access.PROFILE_FIELDS[role]), role
        assert table["uscc"][role.value] == "no"
        assert (table["submit an assessment"][role.value] != "no") == (role in access.SUBMITTERS)
        assert (table["edit a draft"][role.value] != "no") == (role in access.WRITERS_OF_DRAFTS)
        assert (table["verify / return an assessment"][role.value] != "no") == (
            role in access.REVIEWERS
        )


def _actor(session: Session, role: Role, enterprise: Enterprise) -> User:
    if role is Role.ADMIN:
        return make_admin(session, "admin2")
    user = make_user(session, role, region_code="320100", enterprise_id=enterprise.id)
    if role is Role.CONSULTANT:
        repository.assign_consultant(
            session, actor=None, consultant_id=user.id or 0, enterprise_ids=[enterprise.id or 0]
        )
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", sorted(NEW_VALUES))
def test_each_role_changes_exactly_its_fields(session: Session, role: Role, field: str) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102", industry_code="C34")
    actor = _actor(session, role, enterprise)
    change = EnterpriseUpdate.model_validate({field: NEW_VALUES[field]})
    if field in access.PROFILE_FIELDS[role]:
        updated = repository.update_enterprise(
            session, actor=actor, enterprise_id=enterprise.id or 0, data=change
        )
        assert str(getattr(updated, field)) == str(NEW_VALUES[field])
        assert updated.version == 2
        return
    with pytest.raises(AccessDenied) as caught:
        repository.update_enterprise(
            session, actor=actor, enterprise_id=enterprise.id or 0, data=change
        )
    assert field in caught.value.message_en
    assert "bureau" in caught.value.message_en
    assert field in caught.value.message_zh
    session.refresh(enterprise)
    assert enterprise.version == 1


def test_enterprise_cannot_move_its_submitted_assessment_to_another_bureau(
    session: Session,
) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    owner = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)
    draft = repository.create_assessment(
        session, actor=owner, enterprise_id=enterprise.id or 0, year=2025, frameworks=["dcmm"]
    )
    saved = repository.save_answers(
        session,
        actor=owner,
        assessment_id=draft.id or 0,
        base_version=draft.version,
        answers=dcmm_answers(),
    )
    repository.submit_assessment(
        session, actor=owner, assessment_id=draft.id or 0, base_version=saved
    )
    friendly = make_user(session, Role.BUREAU, region_code="330000")
    with pytest.raises(AccessDenied):
        repository.update_enterprise(
            session,
            actor=owner,
            enterprise_id=enterprise.id or 0,
            data=EnterpriseUpdate(region_code="330102"),
        )
    with pytest.raises(AccessDenied):
        repository.review_assessment(
            session, actor=friendly, assessment_id=draft.id or 0, verify=True
        )


def test_sending_the_unchanged_profile_is_not_a_change(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    owner = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)
    updated = repository.update_enterprise(
        session,
        actor=owner,
        enterprise_id=enterprise.id or 0,
        data=EnterpriseUpdate(
            name="新名字",
            region_code=enterprise.region_code,
            employees=enterprise.employees,
            revenue_wan=enterprise.revenue_wan,
        ),
    )
    assert (updated.name, updated.region_code) == ("新名字", "320102")


def test_bureau_cannot_submit(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    draft = repository.create_assessment(
        session, actor=admin, enterprise_id=enterprise.id or 0, year=2025, frameworks=["dcmm"]
    )
    bureau = make_user(session, Role.BUREAU, region_code="320000")
    with pytest.raises(AccessDenied):
        repository.submit_assessment(
            session, actor=bureau, assessment_id=draft.id or 0, base_version=draft.version
        )


def test_stale_profile_update_is_refused(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    repository.update_enterprise(
        session, actor=admin, enterprise_id=enterprise.id or 0, data=EnterpriseUpdate(name="A")
    )
    with pytest.raises(ProfileConflict) as caught:
        repository.update_enterprise(
            session,
            actor=admin,
            enterprise_id=enterprise.id or 0,
            data=EnterpriseUpdate(employees=5),
            base_version=1,
        )
    assert caught.value.current_version == 2
    session.refresh(enterprise)
    assert (enterprise.name, enterprise.employees, enterprise.version) == ("A", 350, 2)


def test_concurrent_profile_updates_keep_the_size_class_consistent(file_engine: Engine) -> None:
    with Session(file_engine, expire_on_commit=False) as session:
        admin = make_admin(session)
        enterprise = make_enterprise(session, admin, "320102", employees=350, revenue_wan=12_000)
    changes = [EnterpriseUpdate(employees=5), EnterpriseUpdate(revenue_wan=50.0)] * 6
    start = threading.Barrier(len(changes))
    errors: list[BaseException] = []

    def write(change: EnterpriseUpdate) -> None:
        with Session(file_engine) as session:
            actor = session.get(User, admin.id)
            assert actor is not None
            base = session.get(Enterprise, enterprise.id)
            assert base is not None
            start.wait()
            try:
                repository.update_enterprise(
                    session, actor=actor, enterprise_id=enterprise.id or 0, data=change
                )
            except ProfileConflict:
                pass
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(file_engine) as session:
        stored = session.get(Enterprise, enterprise.id)
        assert stored is not None
        assert stored.employees is not None
        assert stored.revenue_wan is not None
        expected = identity.size_class(stored.employees, stored.revenue_wan).value
        assert stored.size_class == expected


@pytest.mark.parametrize("code", ["abc", "3201", "32010a", ""])
def test_invalid_region_filter_is_a_repository_error(session: Session, code: str) -> None:
    admin = make_admin(session)
    with pytest.raises(ValidationFailed) as caught:
        repository.list_enterprises(session, actor=admin, region_code=code)
    assert re.search("region code", caught.value.message_en)


def test_unknown_status_filter_is_a_repository_error(session: Session) -> None:
    admin = make_admin(session)
    with pytest.raises(ValidationFailed) as caught:
        repository.list_assessments(session, actor=admin, status="approved")
    assert "approved" in caught.value.message_en
