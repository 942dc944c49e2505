"""Drafts, optimistic locking, submit with materialised results, review, rescore."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, col, select

from assessment import repository
from assessment.models import (
    Assessment,
    AuditEvent,
    CompositeResult,
    Enterprise,
    FrameworkResult,
    Role,
    Status,
    User,
)
from assessment.repo import audit
from assessment.repository import (
    AccessDenied,
    ConflictError,
    IncompleteAssessment,
    InvalidState,
    ValidationFailed,
)
from indicators.loader import load_framework
from tests.integration.factories import dcmm_answers, make_admin, make_enterprise, make_user


@dataclass
class Cast:
    admin: User
    enterprise: Enterprise
    owner: User  # the enterprise's own account
    consultant: User
    bureau: User  # Nanjing, where the enterprise is
    other_bureau: User  # Hangzhou


@pytest.fixture
def cast(session: Session) -> Cast:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102")
    consultant = make_user(session, Role.CONSULTANT, username="consultant")
    repository.assign_consultant(
        session, actor=admin, consultant_id=consultant.id or 0, enterprise_ids=[enterprise.id or 0]
    )
    return Cast(
        admin=admin,
        enterprise=enterprise,
        owner=make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id, username="owner"),
        consultant=consultant,
        bureau=make_user(session, Role.BUREAU, region_code="320100", username="nanjing"),
        other_bureau=make_user(session, Role.BUREAU, region_code="330100", username="hangzhou"),
    )


def new_draft(session: Session, cast: Cast) -> Assessment:
    return repository.create_assessment(
        session,
        actor=cast.owner,
        enterprise_id=cast.enterprise.id or 0,
        year=2025,
        frameworks=["dcmm"],
    )


def stored(session: Session, actor: User, assessment_id: int) -> dict[str, str]:
    frame = repository.get_answers(session, actor=actor, assessment_id=assessment_id)
    return dict(zip(frame["indicator_id"], frame["answer"], strict=True))


def test_draft_records_framework_versions(session: Session, cast: Cast) -> None:
    draft = new_draft(session, cast)
    assert (draft.status, draft.version, draft.framework_versions) == (
        "draft",
        1,
        {"dcmm": load_framework("dcmm").version},  # the newest release is the default
    )


def test_save_answers_bumps_version_and_stores_answers(session: Session, cast: Cast) -> None:
    draft = new_draft(session, cast)
    answers = dcmm_answers("2")[:3]
    version = repository.save_answers(
        session, actor=cast.owner, assessment_id=draft.id or 0, base_version=1, answers=answers
    )
    assert version == 2
    assert stored(session, cast.owner, draft.id or 0) == {a[1]: "2" for a in answers}
    version = repository.save_answers(
        session,
        actor=cast.consultant,
        assessment_id=draft.id or 0,
        base_version=2,
        answers=[(answers[0][0], answers[0][1], None), (answers[1][0], answers[1][1], "4")],
    )
    assert version == 3
    assert stored(session, cast.owner, draft.id or 0) == {answers[1][1]: "4", answers[2][1]: "2"}


def test_stale_save_is_refused_and_says_who_saved(session: Session, cast: Cast) -> None:
    draft = new_draft(session, cast)
    first = dcmm_answers("1")[:2]
    repository.save_answers(
        session, actor=cast.consultant, assessment_id=draft.id or 0, base_version=1, answers=first
    )
    mine = [("dcmm", first[0][1], "5")]
    with pytest.raises(ConflictError) as caught:
        repository.save_answers(
            session, actor=cast.owner, assessment_id=draft.id or 0, base_version=1, answers=mine
        )
    error = caught.value
    assert (error.saved_by, error.current_version, error.base_version) == ("consultant", 2, 1)
    assert error.saved_at is not None
    assert [(a.framework_id, a.indicator_id, a.answer) for a in error.refused_answers] == mine
    assert "consultant" in error.message_zh
    assert "consultant" in error.message_en
    assert stored(session, cast.owner, draft.id or 0) == {a[1]: "1" for a in first}
    assert (
        repository.get_assessment(session, actor=cast.owner, assessment_id=draft.id or 0).version
        == 2
    )


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (("dcmm", "no_such_indicator", "1"), "no_such_indicator"),
        (("dcmm", None, "9"), "9"),
        (("sme", "anything", "1"), "sme"),
    ],
)
def test_invalid_answers_are_refused_and_nothing_changes(
    session: Session, cast: Cast, answer: tuple[str, str | None, str], fragment: str
) -> None:
    draft = new_draft(session, cast)
    repository.save_answers(
        session,
        actor=cast.owner,
        assessment_id=draft.id or 0,
        base_version=1,
        answers=dcmm_answers("2")[:1],
    )
    framework_id, indicator_id, value = answer
    indicator_id = indicator_id or dcmm_answers()[0][1]
    with pytest.raises(ValidationFailed) as caught:
        repository.save_answers(
            session,
            actor=cast.owner,
            assessment_id=draft.id or 0,
            base_version=2,
            answers=[(framework_id, indicator_id, value)],
        )
    assert fragment in caught.value.message_en
    assert stored(session, cast.owner, draft.id or 0) == {dcmm_answers()[0][1]: "2"}
    assert (
        repository.get_assessment(session, actor=cast.owner, assessment_id=draft.id or 0).version
        == 2
    )


def test_a_failed_save_never_destroys_the_draft(
    session: Session, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(session, cast)
    repository.save_answers(
        session,
        actor=cast.owner,
        assessment_id=draft.id or 0,
        base_version=1,
        answers=dcmm_answers("2")[:4],
    )

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        repository.save_answers(
            session,
            actor=cast.owner,
            assessment_id=draft.id or 0,
            base_version=2,
            answers=dcmm_answers("5")[:4],
        )
    monkeypatch.undo()
    assert set(stored(session, cast.owner, draft.id or 0).values()) == {"2"}
    assert (
        repository.get_assessment(session, actor=cast.owner, assessment_id=draft.id or 0).version
        == 2
    )


def test_submit_refuses_incomplete_and_keeps_the_draft(session: Session, cast: Cast) -> None:
    draft = new_draft(session, cast)
    repository.save_answers(
        session,
        actor=cast.owner,
        assessment_id=draft.id or 0,
        base_version=1,
        answers=dcmm_answers("3", skip=2),
    )
    with pytest.raises(IncompleteAssessment) as caught:
        repository.submit_assessment(
            session, actor=cast.owner, assessment_id=draft.id or 0, base_version=2
        )
    assert caught.value.missing == {"dcmm": 2}
    again = repository.get_assessment(session, actor=cast.owner, assessment_id=draft.id or 0)
    assert (again.status, again.version) == ("draft", 2)
    assert session.exec(select(FrameworkResult)).all() == []


def submitted(session: Session, cast: Cast, value: str = "3") -> Assessment:
    draft = new_draft(session, cast)
    repository.save_answers(
        session,
        actor=cast.owner,
        assessment_id=draft.id or 0,
        base_version=1,
        answers=dcmm_answers(value),
    )
    return repository.submit_assessment(
        session, actor=cast.owner, assessment_id=draft.id or 0, base_version=2
    )


def test_submit_materialises_framework_and_composite_results(session: Session, cast: Cast) -> None:
    done = submitted(session, cast, "3")
    assert (done.status, done.version) == ("submitted", 3)
    assert done.submitted_at is not None
    (result,) = repository.get_results(session, actor=cast.bureau, assessment_id=done.id or 0)
    assert (result.framework_id, result.framework_version, result.complete) == (
        "dcmm",
        load_framework("dcmm").version,
        True,
    )
    assert result.score == pytest.approx(3.0)
    assert result.score_100 == pytest.approx(60.0)
    assert result.coverage == pytest.approx(1.0)
    assert result.level == 3
    assert len(result.dimension_scores) == 8
    assert all(v == pytest.approx(0.6) for v in result.dimension_scores.values())
    composite = session.get(CompositeResult, done.id)
    assert composite is not None
    assert composite.frameworks == 1
    assert composite.crosswalk_version
    assert composite.composite is not None
    assert 0 <= composite.composite <= 100


def test_submitted_assessment_cannot_be_edited(session: Session, cast: Cast) -> None:
    done = submitted(session, cast)
    with pytest.raises(InvalidState):
        repository.save_answers(
            session,
            actor=cast.owner,
            assessment_id=done.id or 0,
            base_version=done.version,
            answers=dcmm_answers("1")[:1],
        )


def test_review_cycle_return_resubmit_verify(session: Session, cast: Cast) -> None:
    done = submitted(session, cast)
    with pytest.raises(ValidationFailed):
        repository.review_assessment(
            session, actor=cast.bureau, assessment_id=done.id or 0, verify=False, comment=" "
        )
    returned = repository.review_assessment(
        session,
        actor=cast.bureau,
        assessment_id=done.id or 0,
        verify=False,
        comment="请补充证据 / add evidence",
    )
    assert (returned.status, returned.review_comment) == ("returned", "请补充证据 / add evidence")
    version = repository.save_answers(
        session,
        actor=cast.owner,
        assessment_id=done.id or 0,
        base_version=returned.version,
        answers=dcmm_answers("4")[:1],
    )
    again = repository.submit_assessment(
        session, actor=cast.owner, assessment_id=done.id or 0, base_version=version
    )
    assert again.status == Status.RESUBMITTED
    verified = repository.review_assessment(
        session, actor=cast.bureau, assessment_id=done.id or 0, verify=True
    )
    assert verified.status == Status.VERIFIED
    assert verified.reviewed_by == cast.bureau.id


@pytest.mark.parametrize("who", ["owner", "consultant", "other_bureau"])
def test_only_the_bureau_of_the_area_or_an_admin_reviews(
    session: Session, cast: Cast, who: str
) -> None:
    done = submitted(session, cast)
    with pytest.raises(AccessDenied):
        repository.review_assessment(
            session, actor=getattr(cast, who), assessment_id=done.id or 0, verify=True
        )
    assert (
        repository.review_assessment(
            session, actor=cast.admin, assessment_id=done.id or 0, verify=True
        ).status
        == Status.VERIFIED
    )


@pytest.mark.parametrize("who", ["bureau", "other_bureau"])
def test_bureaus_cannot_write_drafts(session: Session, cast: Cast, who: str) -> None:
    draft = new_draft(session, cast)
    with pytest.raises(AccessDenied):
        repository.save_answers(
            session,
            actor=getattr(cast, who),
            assessment_id=draft.id or 0,
            base_version=1,
            answers=dcmm_answers()[:1],
        )
    with pytest.raises(AccessDenied):
        repository.create_assessment(
            session,
            actor=getattr(cast, who),
            enterprise_id=cast.enterprise.id or 0,
            year=2024,
            frameworks=["dcmm"],
        )


def test_other_regions_bureau_cannot_read_assessments_by_id(session: Session, cast: Cast) -> None:
    done = submitted(session, cast)
    for read in (repository.get_assessment, repository.get_answers, repository.get_results):
        with pytest.raises(AccessDenied):
            read(session, actor=cast.other_bureau, assessment_id=done.id or 0)
    assert repository.list_assessments(session, actor=cast.other_bureau) == []
    assert [a.id for a in repository.list_assessments(session, actor=cast.bureau)] == [done.id]


def test_rescore_recomputes_without_touching_answers(session: Session, cast: Cast) -> None:
    done = submitted(session, cast, "2")
    before = stored(session, cast.owner, done.id or 0)
    (old,) = repository.get_results(session, actor=cast.admin, assessment_id=done.id or 0)
    session.exec(select(FrameworkResult)).one().score = 0.0  # a stale materialised value
    session.commit()
    assert (
        repository.rescore_assessments(
            session, actor=cast.admin, framework_versions={"dcmm": "2018.1"}
        )
        == 1
    )
    session.expire_all()
    (new,) = repository.get_results(session, actor=cast.admin, assessment_id=done.id or 0)
    assert new.score == pytest.approx(2.0)
    assert new.computed_at >= old.computed_at
    assert stored(session, cast.owner, done.id or 0) == before
    with pytest.raises(AccessDenied):
        repository.rescore_assessments(session, actor=cast.bureau)


def test_writes_are_audited(session: Session, cast: Cast) -> None:
    done = submitted(session, cast)
    repository.review_assessment(
        session, actor=cast.bureau, assessment_id=done.id or 0, verify=True
    )
    actions = [
        e.action
        for e in session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.object_type) == "assessment")
            .order_by(col(AuditEvent.id))
        ).all()
    ]
    assert actions == [
        "assessment.create",
        "assessment.save",
        "assessment.submit",
        "assessment.verified",
    ]
