"""Enterprises: identity checks on create / update and scope-filtered reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from assessment import identity, reference, validation
from assessment.models import (
    Assessment,
    ConsultantAssignment,
    Enterprise,
    EnterpriseCreate,
    EnterpriseUpdate,
    Role,
    User,
    utcnow,
)
from assessment.repo import audit
from assessment.repo.access import (
    PROFILE_FIELDS,
    WRITERS_OF_PROFILES,
    readable_enterprise,
    region_condition,
    require_role,
    scope_condition,
    stored_id,
    writable_enterprise,
)
from assessment.repo.errors import AccessDenied, InvalidState, ProfileConflict, ValidationFailed

PRODUCTION_TYPES = validation.PRODUCTION_TYPES


def check_region_code(code: str) -> str:
    """A region code that exists in the reference data, or a county code of a listed prefecture.

    The reference table lists provinces and prefectures; counties are accepted when their
    prefecture is listed (their code shape is checked, their name is not known).
    """
    code = code.strip()
    try:
        level = reference.code_level(code)
        reference.region(code if level is not reference.RegionLevel.COUNTY else code[:4] + "00")
    except (ValueError, reference.UnknownCode) as exc:
        raise ValidationFailed(
            f"行政区划代码“{code}”不存在于参考数据中。",
            f"Region code '{code}' is not in the reference data.",
        ) from exc
    return code


def check_industry_code(code: str) -> str:
    """The 2-digit manufacturing division code (``"C13"`` and ``"13"`` both give ``"13"``)."""
    try:
        return reference.industry(code).code
    except reference.UnknownCode as exc:
        raise ValidationFailed(
            f"行业代码“{code}”不是制造业大类（C13–C43）。",
            f"Industry code '{code}' is not a manufacturing division (C13–C43).",
        ) from exc


def check_uscc(code: str) -> str:
    """The normalised unified social credit code, or :class:`ValidationFailed` saying why not."""
    try:
        return identity.validate_uscc(code)
    except identity.InvalidCreditCode as exc:
        raise ValidationFailed(
            f"统一社会信用代码无效：{exc.message_zh}",
            f"Invalid unified social credit code: {exc.message_en}",
        ) from exc


def _derive(values: dict[str, Any]) -> dict[str, Any]:
    """Size class and above-designated-size flag from employees and revenue (None if unknown),
    after the profile passed the shared checks (``assessment.validation.check_profile``)."""
    validation.check_profile(values)
    employees, revenue = values.get("employees"), values.get("revenue_wan")
    size = None
    if employees is not None and revenue is not None:
        size = identity.size_class(employees, revenue).value
    above = identity.is_above_designated_size(revenue) if revenue is not None else False
    return {"size_class": size, "above_designated_size": above}


def create_enterprise(session: Session, *, actor: User, data: EnterpriseCreate) -> Enterprise:
    """Register an enterprise (admin; bureau inside its jurisdiction; consultant, who gets it
    assigned). Validates the credit code, region and industry."""
    require_role(actor, Role.ADMIN, Role.BUREAU, Role.CONSULTANT)
    values = data.model_dump()
    values["uscc"] = check_uscc(data.uscc)
    values["region_code"] = check_region_code(data.region_code)
    values["industry_code"] = check_industry_code(data.industry_code)
    if Role(actor.role) is Role.BUREAU and not _in_jurisdiction(actor, values["region_code"]):
        raise AccessDenied(
            "只能登记本辖区内的企业。", "You may only register enterprises in your area."
        )
    if session.exec(select(Enterprise).where(col(Enterprise.uscc) == values["uscc"])).first():
        raise ValidationFailed(
            f"统一社会信用代码 {values['uscc']} 已登记。",
            f"Credit code {values['uscc']} is already registered.",
        )
    enterprise = Enterprise.model_validate({**values, **_derive(values)})
    if Role(actor.role) in (Role.ADMIN, Role.BUREAU):  # registered by the authority itself
        enterprise.confirmed_at = utcnow()
        enterprise.confirmed_by = actor.id
    session.add(enterprise)
    session.flush()
    if Role(actor.role) is Role.CONSULTANT:
        session.add(
            ConsultantAssignment(
                consultant_id=stored_id(actor.id), enterprise_id=stored_id(enterprise.id)
            )
        )
    audit.record(
        session,
        actor=actor,
        action="enterprise.create",
        object_type="enterprise",
        object_ids=[enterprise.id],
        detail={"uscc": enterprise.uscc},
    )
    session.commit()
    session.refresh(enterprise)
    return enterprise


def _in_jurisdiction(actor: User, region_code: str) -> bool:
    return actor.region_code is not None and reference.within(region_code, actor.region_code)


def update_enterprise(
    session: Session,
    *,
    actor: User,
    enterprise_id: int,
    data: EnterpriseUpdate,
    base_version: int | None = None,
) -> Enterprise:
    """Change an enterprise's profile (within the actor's scope); re-derives the size class.

    Which fields each role may change is ``PROFILE_FIELDS`` (docs/access.md): a field whose value
    does not change is not a change. The write claims the next ``version`` in one conditional
    UPDATE, as drafts do: an update based on ``base_version`` (default: the version read here)
    that someone else has already moved on is refused and changes nothing.

    Raises:
        AccessDenied: outside the actor's scope, or a field its role may not change (the
            message names the fields and who changes them).
        ProfileConflict: someone saved the profile in between.
    """
    enterprise = writable_enterprise(
        session, actor=actor, enterprise_id=enterprise_id, roles=WRITERS_OF_PROFILES
    )
    base = enterprise.version if base_version is None else base_version
    changes = {
        key: value
        for key, value in data.model_dump(exclude_unset=True, exclude_none=True).items()
        if value != getattr(enterprise, key)
    }
    _check_profile_fields(actor, changes)
    if "region_code" in changes:
        changes["region_code"] = check_region_code(changes["region_code"])
        if Role(actor.role) is Role.BUREAU and not _in_jurisdiction(actor, changes["region_code"]):
            raise AccessDenied(
                "不能把企业移出本辖区。", "You cannot move an enterprise out of your area."
            )
    if "industry_code" in changes:
        changes["industry_code"] = check_industry_code(changes["industry_code"])
    merged = {**enterprise.model_dump(), **changes}
    changes.update(_derive(merged))
    from assessment.analytics.summary import refresh_summary, summary_keys

    assessment_ids = [
        stored_id(a)
        for a in session.exec(
            select(col(Assessment.id)).where(col(Assessment.enterprise_id) == enterprise_id)
        ).all()
    ]
    old_groups = summary_keys(session, assessment_ids)  # its dashboard groups before the change
    before = {key: getattr(enterprise, key) for key in changes}
    claimed = session.execute(
        update(Enterprise)
        .where(col(Enterprise.id) == enterprise_id, col(Enterprise.version) == base)
        .values(**changes, version=base + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        session.refresh(enterprise)
        raise ProfileConflict(base_version=base, current_version=enterprise.version)
    audit.record(
        session,
        actor=actor,
        action="enterprise.update",
        object_type="enterprise",
        object_ids=[enterprise_id],
        detail={"before": before, "after": {k: changes[k] for k in before}},
    )
    session.flush()
    refresh_summary(session, assessment_ids=assessment_ids, keys=old_groups)
    session.commit()
    session.refresh(enterprise)
    return enterprise


def _check_profile_fields(actor: User, changes: dict[str, Any]) -> None:
    """AccessDenied naming the fields of ``changes`` that the actor's role may not change."""
    refused = sorted(set(changes) - PROFILE_FIELDS[Role(actor.role)])
    if refused:
        names = ", ".join(refused)
        raise AccessDenied(
            f"您的角色不能修改这些企业信息：{names}。所在地区、从业人员和营业收入由企业所在辖区的"
            "工信主管部门修改，请向其提出。",
            f"Your role cannot change these profile fields: {names}. Region, employees and "
            "revenue are changed by the enterprise's bureau; ask it to make the change.",
        )


def confirm_enterprise(session: Session, *, actor: User, enterprise_id: int) -> Enterprise:
    """A bureau (or admin) confirms an enterprise of its jurisdiction as a real, registered one."""
    require_role(actor, Role.ADMIN, Role.BUREAU)
    enterprise = readable_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    if enterprise.confirmed_at is not None:
        raise InvalidState("该企业已确认。", "This enterprise is already confirmed.")
    enterprise.confirmed_at = utcnow()
    enterprise.confirmed_by = actor.id
    session.add(enterprise)
    audit.record(
        session,
        actor=actor,
        action="enterprise.confirm",
        object_type="enterprise",
        object_ids=[enterprise_id],
        detail={"uscc": enterprise.uscc},
    )
    session.commit()
    session.refresh(enterprise)
    return enterprise


def get_enterprise(session: Session, *, actor: User, enterprise_id: int) -> Enterprise:
    """One enterprise in the actor's scope (AccessDenied otherwise, also for unknown ids)."""
    return readable_enterprise(session, actor=actor, enterprise_id=enterprise_id)


def get_enterprise_by_uscc(session: Session, *, actor: User, uscc: str) -> Enterprise:
    """The enterprise with this credit code, if in the actor's scope."""
    found = session.exec(
        select(Enterprise).where(
            col(Enterprise.uscc) == uscc.strip().upper(), scope_condition(actor)
        )
    ).first()
    if found is None:
        raise AccessDenied()
    return found


def list_enterprises(
    session: Session,
    *,
    actor: User,
    region_code: str | None = None,
    industry_code: str | None = None,
    confirmed: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Enterprise]:
    """Enterprises in the actor's scope, optionally inside a region / of an industry / confirmed
    or not by their bureau, by id."""
    query = select(Enterprise).where(scope_condition(actor))
    if confirmed is not None:
        confirmed_at = col(Enterprise.confirmed_at)
        query = query.where(confirmed_at.is_not(None) if confirmed else confirmed_at.is_(None))
    if region_code is not None:
        query = query.where(region_condition(region_code))
    if industry_code is not None:
        query = query.where(col(Enterprise.industry_code) == check_industry_code(industry_code))
    query = query.order_by(col(Enterprise.id)).offset(offset)
    return session.exec(query.limit(limit) if limit is not None else query).all()


def count_enterprises(session: Session, *, actor: User, region_code: str | None = None) -> int:
    """How many enterprises the actor can see (inside ``region_code`` if given)."""
    query = select(func.count()).select_from(Enterprise).where(scope_condition(actor))
    if region_code is not None:
        query = query.where(region_condition(region_code))
    return int(session.exec(query).one())
