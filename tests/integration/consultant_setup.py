"""A consultant with one assigned client and a DCMM draft, for the consultant-tool tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from assessment import repository
from assessment.models import Assessment, Enterprise, Role, User
from tests.integration import factories as f

CLIENT_NAME = "南京融合精密机械有限公司"


@dataclass
class Client:
    admin: User
    consultant: User
    enterprise: Enterprise
    assessment: Assessment


def make_client(session: Session, *, answer: str = "2", year: int = 2025) -> Client:
    """An admin, a consultant, its client enterprise and a draft with every DCMM answer."""
    admin = f.make_admin(session, username=f"admin_{year}_{answer}")
    consultant = f.make_user(session, Role.CONSULTANT)
    enterprise = f.make_enterprise(session, admin, name=CLIENT_NAME)
    assert consultant.id is not None
    assert enterprise.id is not None
    repository.assign_consultant(
        session, actor=admin, consultant_id=consultant.id, enterprise_ids=[enterprise.id]
    )
    assessment = repository.create_assessment(
        session, actor=consultant, enterprise_id=enterprise.id, year=year, frameworks=["dcmm"]
    )
    assert assessment.id is not None
    repository.save_answers(
        session,
        actor=consultant,
        assessment_id=assessment.id,
        base_version=assessment.version,
        answers=f.dcmm_answers(answer),
    )
    session.refresh(assessment)
    return Client(admin, consultant, enterprise, assessment)
