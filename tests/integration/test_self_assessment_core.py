"""Core of the enterprise pages: self-registration, recommended frameworks, evidence files,
notes and positions, progress, and the results bundle with what-if and peers."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlmodel import Session, col, select

from assessment import peers
from assessment.models import AuditEvent, Enterprise, EnterpriseCreate, Role, Status
from assessment.progress import assessment_progress
from assessment.recommend import Profile, recommend_frameworks
from assessment.repo import drafts, evidence
from assessment.repo.assessments import (
    create_assessment,
    save_answers,
    submit_assessment,
)
from assessment.repo.errors import (
    AccessDenied,
    ConflictError,
    InvalidState,
    ValidationFailed,
)
from assessment.repo.registration import region_choices, register_enterprise, size_explanation
from assessment.results_report import results_report, what_if
from indicators.loader import load_framework
from tests.integration.factories import (
    PASSWORD,
    dcmm_answers,
    make_admin,
    make_enterprise,
    make_uscc,
    make_user,
)


def registration(uscc: str, **changes: object) -> EnterpriseCreate:
    values: dict[str, object] = {
        "uscc": uscc,
        "name": "苏州新材料有限公司",
        "region_code": "320500",
        "industry_code": "26",
        "employees": 120,
        "revenue_wan": 5000.0,
        "production_type": "process",
        **changes,
    }
    return EnterpriseCreate.model_validate(values)


def test_register_creates_an_unconfirmed_enterprise_and_its_account(session: Session) -> None:
    user = register_enterprise(
        session, data=registration(make_uscc("320500")), username="xcl", password=PASSWORD
    )
    assert user.role == Role.ENTERPRISE
    enterprise = session.get(Enterprise, user.enterprise_id)
    assert enterprise is not None
    assert enterprise.confirmed_at is None
    assert (enterprise.size_class, enterprise.above_designated_size) == ("small", True)
    actions = session.exec(select(AuditEvent.action)).all()
    assert "enterprise.register" in actions


def test_a_wrong_credit_code_is_refused_with_its_reason(session: Session) -> None:
    good = make_uscc("320500")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationFailed, match="check character"):
        register_enterprise(session, data=registration(bad), username="x1", password=PASSWORD)
    with pytest.raises(ValidationFailed, match="length"):
        register_enterprise(session, data=registration(good[:10]), username="x1", password=PASSWORD)
    assert session.exec(select(Enterprise)).all() == []


def test_a_registered_code_is_refused_without_naming_anyone(session: Session) -> None:
    code = make_uscc("320500")
    register_enterprise(session, data=registration(code), username="first", password=PASSWORD)
    with pytest.raises(ValidationFailed) as caught:
        register_enterprise(
            session, data=registration(code, name="别家"), username="second", password=PASSWORD
        )
    assert "苏州新材料" not in caught.value.message_zh
    assert "first" not in caught.value.message_en
    assert len(session.exec(select(Enterprise)).all()) == 1


def test_a_bad_password_stores_neither_enterprise_nor_account(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="password"):
        register_enterprise(
            session, data=registration(make_uscc("320500")), username="short", password="x"
        )
    assert session.exec(select(Enterprise)).all() == []


def test_region_choices_go_down_one_level() -> None:
    provinces = region_choices(None)
    assert len(provinces) == 31
    jiangsu = region_choices("320000")
    assert "320500" in [r.code for r in jiangsu]
    assert all(r.parent == "320000" for r in jiangsu)


def test_size_explanation_names_the_rule() -> None:
    explained = size_explanation(350, 12_000)
    assert explained.size_class == "medium"
    assert "300" in explained.size_rule.zh
    assert "2000" in explained.size_rule.zh
    assert explained.above_designated_size is True
    assert size_explanation(None, None).size_class is None


def test_recommendation_follows_size_and_industry() -> None:
    small = recommend_frameworks(Profile("small", True, "26", "process"))
    ids = [r.framework_id for r in small]
    assert ids[:2] == ["integration", "sme"]
    assert {"dcmm", "cdo", "energy_carbon", "data_security"} <= set(ids)
    large = [r.framework_id for r in recommend_frameworks(Profile("large", True, "34", "discrete"))]
    assert "sme" not in large
    assert "cmmm" in large


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def test_evidence_checks_content_not_only_the_name(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin)
    draft = create_assessment(
        session, actor=admin, enterprise_id=enterprise.id, year=2025, frameworks=["dcmm"]
    )
    indicator = load_framework("dcmm").indicators[0].id
    args = {"actor": admin, "assessment_id": draft.id, "framework_id": "dcmm"}
    info = evidence.add_evidence(
        session, **args, indicator_id=indicator, filename="plan.png", content=PNG
    )
    assert len(info.sha256) == 64
    with pytest.raises(ValidationFailed, match="not a valid PDF"):
        evidence.add_evidence(
            session, **args, indicator_id=indicator, filename="x.pdf", content=b"MZ\x90 exe"
        )
    with pytest.raises(ValidationFailed, match="does not match"):
        evidence.add_evidence(
            session, **args, indicator_id=indicator, filename="x.pdf", content=PNG
        )
    big = b"%PDF-1.4\n" + b"0" * evidence.MAX_EVIDENCE_BYTES + b"%%EOF"
    with pytest.raises(ValidationFailed, match="limit"):
        evidence.add_evidence(
            session, **args, indicator_id=indicator, filename="big.pdf", content=big
        )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evidence.add_evidence(session, **args, indicator_id=indicator, filename="a.pdf", content=pdf)
    listed = evidence.list_evidence(session, actor=admin, assessment_id=draft.id)
    assert [e.media_type for e in listed] == ["image/png", "application/pdf"]
    _, content = evidence.evidence_content(
        session, actor=admin, assessment_id=draft.id, evidence_id=listed[1].id
    )
    assert content == pdf
    assert io.BytesIO(content).read(5) == b"%PDF-"


def _enterprise_user(session: Session, admin_name: str = "admin") -> tuple:
    admin = make_admin(session, admin_name)
    enterprise = make_enterprise(session, admin)
    user = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)
    return admin, enterprise, user


def test_notes_conflict_and_positions_resume(session: Session) -> None:
    _, enterprise, user = _enterprise_user(session)
    draft = create_assessment(
        session, actor=user, enterprise_id=enterprise.id, year=2025, frameworks=["dcmm"]
    )
    version = drafts.save_note(
        session,
        actor=user,
        assessment_id=draft.id,
        base_version=draft.version,
        framework_id="dcmm",
        indicator_id="x",
        note="见附件",
    )
    with pytest.raises(ConflictError) as caught:
        drafts.save_note(
            session,
            actor=user,
            assessment_id=draft.id,
            base_version=draft.version,
            framework_id="dcmm",
            indicator_id="x",
            note="mine",
        )
    assert caught.value.refused_answers == [("dcmm", "x", "mine")]
    drafts.remember_position(
        session,
        actor=user,
        assessment_id=draft.id,
        position=drafts.Position("dcmm", "data_strategy", None),
    )
    state = drafts.draft_state(session, actor=user, assessment_id=draft.id)
    assert state.notes == {("dcmm", "x"): "见附件"}
    assert state.position == drafts.Position("dcmm", "data_strategy", None)
    assert state.assessment.version == version


def test_progress_lists_exactly_the_missing_required(session: Session) -> None:
    dcmm = load_framework("dcmm")
    answers = {("dcmm", f, i)[1:]: v for f, i, v in dcmm_answers(skip=2)}  # type: ignore[misc]
    overall, per = assessment_progress({"dcmm": dcmm}, answers)
    ids = [i.id for i in dcmm.indicators]
    assert [m.indicator_id for m in per["dcmm"].missing] == ids[-2:]
    assert (overall.answered, overall.total) == (len(ids) - 2, len(ids))


def test_results_bundle_what_if_and_scope(session: Session) -> None:
    admin, enterprise, user = _enterprise_user(session)
    draft = create_assessment(
        session, actor=user, enterprise_id=enterprise.id, year=2025, frameworks=["dcmm"]
    )
    version = save_answers(
        session,
        actor=user,
        assessment_id=draft.id,
        base_version=draft.version,
        answers=dcmm_answers("2"),
    )
    provisional = results_report(session, actor=user, assessment_id=draft.id)
    assert provisional.provisional
    submit_assessment(session, actor=user, assessment_id=draft.id, base_version=version)
    report = results_report(session, actor=user, assessment_id=draft.id)
    assert not report.provisional
    card = report.card("dcmm")
    assert card.level == 2
    assert card.coverage == 1.0
    assert report.composite is not None
    assert report.peer is not None
    assert report.peer.percentile is None
    first = card.diagnosis.raises["indicator_id"].iloc[0]
    changes = {("dcmm", i.id): "4" for i in card.framework.indicators}
    moved = what_if(report, changes)
    assert moved.frameworks["level_after"].iloc[0] == 4
    assert moved.composite_after is not None
    assert moved.composite_after > report.composite
    assert first  # the ranked raises name indicators
    assert results_report(session, actor=user, assessment_id=draft.id).card("dcmm").level == 2

    other_enterprise = make_enterprise(session, admin)
    other = make_user(session, Role.ENTERPRISE, enterprise_id=other_enterprise.id)
    with pytest.raises(AccessDenied):
        results_report(session, actor=other, assessment_id=draft.id)
    with pytest.raises(InvalidState):
        drafts.save_note(
            session,
            actor=user,
            assessment_id=draft.id,
            base_version=report.assessment.version,
            framework_id="dcmm",
            indicator_id="x",
            note="late",
        )


def test_peer_percentile_in_sql_matches_the_reference_function(session: Session) -> None:
    admin = make_admin(session)
    ids, scores = [], []
    for n in range(7):
        enterprise = make_enterprise(session, admin, "320102" if n < 6 else "330100")
        draft = create_assessment(
            session, actor=admin, enterprise_id=enterprise.id, year=2025, frameworks=["dcmm"]
        )
        value = str(1 + n % 5)
        version = save_answers(
            session,
            actor=admin,
            assessment_id=draft.id,
            base_version=draft.version,
            answers=dcmm_answers(value),
        )
        submit_assessment(session, actor=admin, assessment_id=draft.id, base_version=version)
        ids.append(draft.id)
    report = results_report(session, actor=admin, assessment_id=ids[2])
    rows = session.exec(select(Enterprise)).all()
    by_id = {e.id: e for e in rows}
    from assessment.models import Assessment, FrameworkResult

    for aid in ids:
        a = session.get(Assessment, aid)
        e = by_id[a.enterprise_id]
        r = session.exec(
            select(FrameworkResult).where(col(FrameworkResult.assessment_id) == aid)
        ).one()
        scores.append(
            {
                "assessment_id": str(aid),
                "score_100": r.score_100,
                "industry_code": e.industry_code,
                "size_class": e.size_class,
                "region_code": e.region_code,
            }
        )
    expected = peers.peer_percentile_of(str(ids[2]), pd.DataFrame(scores), score="score_100")
    got = report.card("dcmm").peer
    assert got is not None
    assert (got.group, got.count) == (expected.group, expected.count)
    assert got.percentile == pytest.approx(expected.percentile)
    assert Status(report.assessment.status) is Status.SUBMITTED


def test_region_choices_offer_the_counties_the_reference_lists() -> None:
    from assessment.repo import registration

    choices = {r.code: r for r in registration.region_choices("320500")}
    assert "320506" in choices  # 吴中区, a county of Suzhou
    assert all(code.startswith("3205") and code != "320500" for code in choices)


def test_history_gives_each_year_and_the_change_since_the_year_before(session: Session) -> None:
    _, enterprise, user = _enterprise_user(session)
    ids = []
    for year, value in ((2023, "2"), (2024, "4")):
        draft = create_assessment(
            session, actor=user, enterprise_id=enterprise.id, year=year, frameworks=["dcmm"]
        )
        version = save_answers(
            session,
            actor=user,
            assessment_id=draft.id,
            base_version=draft.version,
            answers=dcmm_answers(value),
        )
        submit_assessment(session, actor=user, assessment_id=draft.id, base_version=version)
        ids.append(draft.id)
    report = results_report(session, actor=user, assessment_id=ids[1])
    history = report.history
    assert list(history["year"]) == [2023, 2024]
    first, second = history["composite"]
    assert history["delta"].iloc[1] == pytest.approx(second - first)
    assert second > first
    assert list(history["dcmm"]) == [pytest.approx(40.0), pytest.approx(80.0)]
