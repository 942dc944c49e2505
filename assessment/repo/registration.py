"""Self-registration of an enterprise: the enterprise (unconfirmed until its bureau confirms it)
and its first enterprise account, created in one transaction.

Also the data the registration form needs: the region choices one level at a time
(province → prefecture → county, counties only where the reference data lists them) and the
derived size class with the rule that gave it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assessment import identity, reference
from assessment.models import Enterprise, EnterpriseCreate, Role, User
from assessment.repo import audit
from assessment.repo.accounts import create_user
from assessment.repo.enterprises import (
    PRODUCTION_TYPES,
    check_industry_code,
    check_region_code,
    check_uscc,
)
from assessment.repo.errors import ValidationFailed
from indicators.schema import Text

USCC_TAKEN = ValidationFailed(
    "该统一社会信用代码已登记。如为本企业，请联系企业内已有账户的同事或所在地工信主管部门。",
    "This unified social credit code is already registered. If it is your enterprise, ask a "
    "colleague who has an account or your local industry bureau.",
)


def register_enterprise(
    session: Session,
    *,
    data: EnterpriseCreate,
    username: str,
    password: str,
    display_name: str = "",
) -> User:
    """Register an enterprise and its first account (role enterprise); returns the account.

    The enterprise stays unconfirmed (``confirmed_at`` None) until the bureau of its region
    confirms it; the account can draft assessments at once. Nothing is stored unless both
    the enterprise and the account are valid.

    Raises:
        ValidationFailed: bad credit code (with the reason), region, industry, production
            type, username or password; or the credit code is already registered (the
            message names no one else's data).
    """
    values = data.model_dump()
    values["uscc"] = check_uscc(data.uscc)
    values["name"] = data.name.strip()
    if not values["name"]:
        raise ValidationFailed("请填写企业名称。", "Enter the enterprise's name.")
    values["region_code"] = check_region_code(data.region_code)
    values["industry_code"] = check_industry_code(data.industry_code)
    if data.production_type not in PRODUCTION_TYPES:
        raise ValidationFailed(
            "生产类型须为离散或流程。", "Production type must be discrete or process."
        )
    if session.exec(select(Enterprise.id).where(col(Enterprise.uscc) == values["uscc"])).first():
        raise USCC_TAKEN
    size = size_explanation(data.employees, data.revenue_wan)
    enterprise = Enterprise.model_validate(
        {
            **values,
            "size_class": size.size_class,
            "above_designated_size": bool(size.above_designated_size),
        }
    )
    try:
        session.add(enterprise)
        session.flush()
        user = create_user(
            session,
            actor=None,
            username=username,
            role=Role.ENTERPRISE,
            password=password,
            enterprise_id=enterprise.id,
            display_name=display_name.strip(),
            commit=False,
        )
        audit.record(
            session,
            actor=user,
            action="enterprise.register",
            object_type="enterprise",
            object_ids=[enterprise.id],
            detail={"uscc": enterprise.uscc, "region_code": enterprise.region_code},
        )
        session.commit()
    except IntegrityError as exc:  # a concurrent registration of the same code won the race
        session.rollback()
        raise USCC_TAKEN from exc
    except BaseException:
        session.rollback()
        raise
    session.refresh(user)
    return user


# ----------------------------------------------------------------------------- form data


@functools.cache
def region_choices(parent: str | None = None) -> tuple[reference.Region, ...]:
    """The regions one level below ``parent`` (None: the provinces), in table order.

    Empty when the reference data lists nothing below ``parent`` (e.g. a prefecture whose
    counties are not in the table): the form then stops at ``parent``. Counties appear as soon
    as the reference table lists them with their prefecture as parent.
    """
    table = reference.regions()
    if parent is None:
        rows = table[table["level"] == reference.RegionLevel.PROVINCE.value]
    else:
        rows = table[table["parent"] == parent]
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    return tuple(reference.Region.model_validate(record) for record in records)


@dataclass(frozen=True)
class SizeExplanation:
    """The derived size class and above-designated-size flag, with the rules that gave them."""

    size_class: str | None  # None until both employees and revenue are known
    size_name: Text | None
    size_rule: Text
    above_designated_size: bool | None  # None until revenue is known
    above_rule: Text


def size_explanation(employees: int | None, revenue_wan: float | None) -> SizeExplanation:
    """Size class (2017 NBS method) and the 规模以上 flag of these figures, explained."""
    method = reference.size_thresholds()
    classes = method.size_classes
    size_class = name = None
    rule = Text(
        zh=f"按《{classes.method.zh}》（工业）：从业人员和营业收入须同时达到下限。",
        en=f"By the {classes.method.en} (industry): both floors, employees and revenue, must "
        "be met.",
    )
    if employees is not None and revenue_wan is not None:
        found = identity.size_class(employees, revenue_wan)
        chosen = next(c for c in classes.classes if c.id == found)
        size_class, name = found.value, chosen.name
        rule = Text(
            zh=f"{rule.zh}{chosen.name.zh}：从业人员 ≥ {chosen.min_employees} 人且营业收入 ≥ "
            f"{chosen.min_revenue_wan:g} 万元（未达更高一档的两项下限）。",
            en=f"{rule.en} {chosen.name.en}: at least {chosen.min_employees} employees and "
            f"revenue of at least ¥{chosen.min_revenue_wan / 100:g} million (the floors of "
            "the next larger class are not both met).",
        )
    floor = method.above_designated_size
    above = None if revenue_wan is None else identity.is_above_designated_size(revenue_wan)
    above_rule = Text(
        zh=f"{floor.name.zh}：主营业务收入 ≥ {floor.min_main_business_revenue_wan:g} 万元"
        f"（{floor.since} 年起）。",
        en=f"{floor.name.en}: main business revenue of at least "
        f"¥{floor.min_main_business_revenue_wan / 100:g} million (since {floor.since}).",
    )
    return SizeExplanation(size_class, name, rule, above, above_rule)
