"""What a signed-in account covers, for the sidebar: a bureau's region, an enterprise's name, a
consultant's number of assigned enterprises."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from assessment import reference
from assessment.models import ConsultantAssignment, Enterprise, Role, User


@dataclass(frozen=True)
class Scope:
    """The scope of one account; only the fields of its role are filled."""

    role: str
    region_code: str | None = None
    region_zh: str = ""
    region_en: str = ""
    enterprise_name: str = ""
    assigned_enterprises: int = 0


def region_names(code: str) -> tuple[str, str]:
    """Chinese and English name of a jurisdiction; a county outside the reference table (which
    lists provinces and prefectures) is named as a county of its prefecture."""
    try:
        return reference.region_name(code, "zh"), reference.region_name(code, "en")
    except reference.UnknownCode:
        parent = reference.prefecture_of(code)
        if parent is None or parent == code:
            return code, code
        zh, en = region_names(parent)
        return f"{zh}下辖区县", f"county in {en}"


def scope_of(session: Session, *, user: User) -> Scope:
    """The scope of ``user`` (read afresh: assignments change while a session lasts)."""
    role = Role(user.role)
    if role is Role.BUREAU and user.region_code:
        zh, en = region_names(user.region_code)
        return Scope(role.value, user.region_code, zh, en)
    if role is Role.ENTERPRISE and user.enterprise_id is not None:
        enterprise = session.get(Enterprise, user.enterprise_id)
        return Scope(role.value, enterprise_name=enterprise.name if enterprise else "")
    if role is Role.CONSULTANT:
        count = session.exec(
            select(func.count())
            .select_from(ConsultantAssignment)
            .where(col(ConsultantAssignment.consultant_id) == user.id)
        ).one()
        return Scope(role.value, assigned_enterprises=int(count))
    return Scope(role.value)
