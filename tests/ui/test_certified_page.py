"""The certified-results page with AppTest: a consultant enters a DCMM certificate, the enterprise
reads it beside its self-assessed index, another bureau sees nothing of it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from assessment import repository
from assessment.models import CertifiedResult, Enterprise, Role, User
from tests.integration.factories import dcmm_answers, make_admin, make_enterprise, make_user
from tests.ui.conftest import AppAs

PAGE = "app_pages/certified.py"
K = "certified__"

pytestmark = pytest.mark.ui


@dataclass
class People:
    enterprise: Enterprise
    owner: User
    consultant: User
    other_bureau: User


@pytest.fixture
def people(app_engine: Engine) -> People:
    with Session(app_engine, expire_on_commit=False) as session:
        admin = make_admin(session)
        firm = make_enterprise(session, admin, "320102", name="金陵精密机械有限公司")
        consultant = make_user(session, Role.CONSULTANT, username="consultant")
        repository.assign_consultant(
            session, actor=admin, consultant_id=consultant.id or 0, enterprise_ids=[firm.id or 0]
        )
        owner = make_user(session, Role.ENTERPRISE, enterprise_id=firm.id, username="owner")
        draft = repository.create_assessment(
            session, actor=owner, enterprise_id=firm.id or 0, year=2025, frameworks=["dcmm"]
        )
        repository.save_answers(
            session,
            actor=owner,
            assessment_id=draft.id or 0,
            base_version=1,
            answers=dcmm_answers("2"),
        )
        repository.submit_assessment(
            session, actor=owner, assessment_id=draft.id or 0, base_version=2
        )
        other = make_user(session, Role.BUREAU, region_code="330100", username="hangzhou")
        return People(firm, owner, consultant, other)


def test_a_consultant_enters_a_dcmm_certificate_and_the_index_says_it_replaced_the_self_assessment(
    app_as: AppAs, app_engine: Engine, people: People
) -> None:
    at = app_as(people.consultant, page=PAGE, lang="en")
    assert not at.exception
    assert at.selectbox(key=K + "kind").value == "dcmm_certificate"  # the first kind
    at.selectbox(key=K + "level").set_value(4)
    at.text_input(key=K + "number").input("DCMM-2025-0042")
    at.date_input(key=K + "expires").set_value("2030-01-01")
    at.text_input(key=K + "source").input("CESA certificate register")
    at.button(key=K + "save").click().run()
    assert not at.exception
    assert not at.error
    with Session(app_engine) as session:
        (row,) = session.exec(select(CertifiedResult)).all()
    assert (row.level, row.certificate_no) == (4, "DCMM-2025-0042")
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert "Certified results used instead of self-assessed" in text
    assert "DCMM ← DCMM certificate" in text
    frame = at.dataframe[0].value
    assert frame["Origin"].tolist() == ["Certified / official"]
    assert frame["Status"].tolist() == ["current"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Self-assessed only"] != metrics["With current certified results"]
    assert any("not MIIT's official" in c.value for c in at.caption)


def test_a_missing_certificate_number_is_refused_with_its_reason(
    app_as: AppAs, people: People
) -> None:
    at = app_as(people.consultant, page=PAGE, lang="zh")  # a DCMM certificate by default
    at.text_input(key=K + "source").input("CESA")
    at.button(key=K + "save").click().run()
    assert not at.exception
    assert at.error
    assert "certificate_no" in at.error[0].value


def test_the_enterprise_reads_but_cannot_enter(app_as: AppAs, people: People) -> None:
    at = app_as(people.owner, page=PAGE, lang="zh")
    assert not at.exception
    assert not [b for b in at.button if b.key == K + "save"]  # no entry form
    assert any("认证结果由企业的咨询机构" in c.value for c in at.caption)
    assert any("融合指数" in s.value for s in at.subheader)


def test_another_bureau_sees_no_enterprise(app_as: AppAs, people: People) -> None:
    at = app_as(people.other_bureau, page=PAGE, lang="en")
    assert not at.exception
    assert any("no enterprises in your scope" in i.value for i in at.info)


def test_an_enterprise_is_found_by_credit_code_within_scope_only(
    app_as: AppAs, people: People
) -> None:
    at = app_as(people.consultant, page=PAGE, lang="en")
    at.text_input(key=K + "uscc").input(people.enterprise.uscc).run()
    assert not at.exception
    assert at.selectbox(key=K + "enterprise").value == people.enterprise.id
    other = app_as(people.other_bureau, page=PAGE, lang="en")
    other.text_input(key=K + "uscc").input(people.enterprise.uscc).run()
    assert other.error  # outside its scope: refused without naming anything
    assert "not allowed" in other.error[0].value
