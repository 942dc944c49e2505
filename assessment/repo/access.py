"""Roles and scopes of DESIGN.md §1, enforced as SQL filters in the query layer.

* admin: everything;
* bureau: enterprises whose region code lies within its jurisdiction
  (``assessment.reference.within`` semantics), written as a range on the code prefix so an index on
  ``region_code`` serves it;
* consultant: enterprises assigned to it;
* enterprise: only itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, true
from sqlmodel import Session, col, select

from assessment import reference
from assessment.models import ConsultantAssignment, Enterprise, Role, User
from assessment.repo.errors import AccessDenied, ValidationFailed

PREFIX_DIGITS = {
    reference.RegionLevel.PROVINCE: 2,
    reference.RegionLevel.PREFECTURE: 4,
    reference.RegionLevel.COUNTY: 6,
}


def jurisdiction_prefix(region_code: str) -> str:
    """The code prefix a jurisdiction covers: ``320000`` → ``32``, ``320100`` → ``3201``."""
    return region_code[: PREFIX_DIGITS[reference.code_level(region_code)]]


def region_condition(region_code: str) -> ColumnElement[bool]:
    """SQL condition: ``Enterprise.region_code`` lies within ``region_code``; ValidationFailed
    for a string that is not a 6-digit region code."""
    return code_range(col(Enterprise.region_code), region_code)


def code_range(column: Any, region_code: str) -> ColumnElement[bool]:
    """SQL condition: the region code in ``column`` lies within ``region_code`` (any table);
    ValidationFailed for a string that is not a 6-digit region code."""
    try:
        prefix = jurisdiction_prefix(region_code)
    except (ValueError, TypeError) as exc:
        shown = region_code[:20] if isinstance(region_code, str) else type(region_code).__name__
        raise ValidationFailed(
            f"“{shown}”不是 6 位行政区划代码。", f"'{shown}' is not a 6-digit region code."
        ) from exc
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # "3201" → "3202": a half-open range
    return and_(column >= prefix, column < upper)


def scope_condition(actor: User) -> ColumnElement[bool]:
    """SQL condition selecting the enterprises ``actor`` may read."""
    if not actor.is_active:
        return false()
    role = Role(actor.role)
    if role is Role.ADMIN:
        return true()
    if role is Role.BUREAU:
        return region_condition(actor.region_code) if actor.region_code else false()
    if role is Role.ENTERPRISE:
        return col(Enterprise.id) == actor.enterprise_id if actor.enterprise_id else false()
    assigned = select(col(ConsultantAssignment.enterprise_id)).where(
        col(ConsultantAssignment.consultant_id) == actor.id
    )
    return col(Enterprise.id).in_(assigned)


def require_role(actor: User, *roles: Role) -> None:
    """Raise :class:`AccessDenied` unless ``actor`` is active and has one of ``roles``."""
    if not actor.is_active or Role(actor.role) not in roles:
        names = ", ".join(roles)
        raise AccessDenied(
            f"此操作仅限以下角色：{names}。", f"Only these roles may do this: {names}."
        )


def readable_enterprise(session: Session, *, actor: User, enterprise_id: int) -> Enterprise:
    """The enterprise if ``actor`` may read it; otherwise :class:`AccessDenied`.

    A missing id also gives AccessDenied, so ids outside one's scope reveal nothing.
    """
    found = session.exec(
        select(Enterprise).where(col(Enterprise.id) == enterprise_id, scope_condition(actor))
    ).first()
    if found is None:
        raise AccessDenied()
    return found


# Who may do what: the table in docs/access.md (tests/integration/test_jurisdiction.py checks
# that the document and these constants agree).
WRITERS_OF_DRAFTS = (Role.ENTERPRISE, Role.CONSULTANT, Role.ADMIN)
SUBMITTERS = WRITERS_OF_DRAFTS  # the enterprise, or its consultant on its behalf (or an admin)
WRITERS_OF_PROFILES = (Role.ENTERPRISE, Role.CONSULTANT, Role.BUREAU, Role.ADMIN)
REVIEWERS = (Role.BUREAU, Role.ADMIN)

# Profile fields each role may change. Region and the size-defining figures decide which bureau
# reviews an enterprise and its size class: only the bureau (inside its jurisdiction) and admins
# change them; an enterprise or its consultant asks its bureau. The credit code is the identity
# of the record and is never changed by an update.
_OWN_PROFILE = frozenset({"name", "industry_code", "production_type"})
_REGISTRY = _OWN_PROFILE | {"region_code", "employees", "revenue_wan"}
PROFILE_FIELDS: dict[Role, frozenset[str]] = {
    Role.ENTERPRISE: _OWN_PROFILE,
    Role.CONSULTANT: _OWN_PROFILE,
    Role.BUREAU: _REGISTRY,
    Role.ADMIN: _REGISTRY,
}


def writable_enterprise(
    session: Session, *, actor: User, enterprise_id: int, roles: tuple[Role, ...]
) -> Enterprise:
    """The enterprise if ``actor`` has one of ``roles`` and the enterprise is in its scope."""
    require_role(actor, *roles)
    return readable_enterprise(session, actor=actor, enterprise_id=enterprise_id)


def stored_id(value: int | None) -> int:
    """The primary key of a flushed row (typed as ``int``)."""
    if value is None:
        raise RuntimeError("row has no id yet: flush the session first")
    return value
