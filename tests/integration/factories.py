"""Builders for persistence tests; rows are made through the repository, never raw SQL."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from assessment import repository
from assessment.identity import org_code_check_char, uscc_check_char
from assessment.models import Enterprise, EnterpriseCreate, Role, User

PASSWORD = "correct horse battery"
_serial = itertools.count(10_000_001)
_names = itertools.count(1)


def make_uscc(region_code: str, serial: int | None = None) -> str:
    """A valid unified social credit code of an enterprise ("91") registered in ``region_code``."""
    body = f"{serial if serial is not None else next(_serial):08d}"
    first17 = "91" + region_code + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def make_admin(session: Session, username: str = "admin") -> User:
    """An admin account created from the command line (``actor=None``)."""
    return repository.create_user(
        session, actor=None, username=username, role=Role.ADMIN, password=PASSWORD
    )


def make_user(
    session: Session,
    role: Role,
    *,
    region_code: str | None = None,
    enterprise_id: int | None = None,
    username: str | None = None,
) -> User:
    """An account of ``role`` with :data:`PASSWORD`."""
    name = username or f"{role.value}{next(_names)}"
    return repository.create_user(
        session,
        actor=None,
        username=name,
        role=role,
        password=PASSWORD,
        region_code=region_code,
        enterprise_id=enterprise_id,
    )


def make_enterprise(
    session: Session,
    actor: User,
    region_code: str = "320102",
    *,
    industry_code: str = "C34",
    employees: int = 350,
    revenue_wan: float = 12_000.0,
    production_type: str = "discrete",
    name: str | None = None,
) -> Enterprise:
    """An enterprise registered by ``actor`` (an admin, bureau or consultant)."""
    data = EnterpriseCreate(
        uscc=make_uscc(region_code),
        name=name or f"测试企业{next(_names)}",
        region_code=region_code,
        industry_code=industry_code,
        employees=employees,
        revenue_wan=revenue_wan,
        production_type=production_type,
    )
    return repository.create_enterprise(session, actor=actor, data=data)


def dcmm_answers(value: str = "3", *, skip: int = 0) -> list[tuple[str, str, str | None]]:
    """Answers to every DCMM indicator (all ``value``), leaving out the last ``skip``."""
    from indicators.loader import load_framework

    framework = load_framework("dcmm", "2018.1")
    ids = [i.id for d in framework.dimensions for i in d.indicators]
    return [("dcmm", indicator_id, value) for indicator_id in ids[: len(ids) - skip]]
