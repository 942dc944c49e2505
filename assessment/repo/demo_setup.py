"""Demo set-up for ``ronghe init-db --demo-if-empty``: a demo data set concentrated in one
province so that every demo bureau sees several sub-regions, and one account per role whose
scope contains demo enterprises. Passwords are random, shown once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd
from sqlmodel import Session, col, select

from assessment import columns as C
from assessment.models import Enterprise, Role
from assessment.repo.accounts import assign_consultant, create_user, generate_password
from assessment.repo.errors import ValidationFailed

if TYPE_CHECKING:
    from assessment.demo import DemoData

CONSULTANT_CLIENTS = 5


@dataclass(frozen=True)
class DemoAccount:
    """A created demo account and its one-time password."""

    role: str
    username: str
    password: str
    scope: str  # e.g. a region code, a credit code, "all"


# Shares of all demo enterprises moved into the focus province: its busiest prefecture (spread
# unevenly over up to five of its real counties, so they can be compared) and three more.
FOCUS_COUNTY_SHARES = (0.12, 0.08, 0.06, 0.05, 0.04)
OTHER_PREFECTURE_SHARE = 0.05
OTHER_PREFECTURES = 3


def with_county(data: DemoData) -> tuple[DemoData, str]:
    """Concentrate the demo in its busiest province: move every ``k``-th enterprise into real
    counties of that province's busiest prefecture (uneven shares, so the counties differ) and of
    three more of its prefectures; company names take their new city's name. Deterministic.

    Returns the data and the focus county (the first, busiest county of the focus prefecture).
    """
    from assessment import reference
    from assessment.demo import place_short_names

    firms = data.enterprises.copy()
    codes = firms[C.REGION_CODE].astype(str)
    province = str(codes.str[:2].value_counts().sort_index().idxmax())
    prefectures = [
        code
        for code in codes[codes.str[:2] == province].str[:4].value_counts().index
        if reference.descendants(code + "00")
    ]
    plan: list[tuple[str, float]] = []
    focus_counties = reference.descendants(prefectures[0] + "00")[: len(FOCUS_COUNTY_SHARES)]
    plan += list(zip(focus_counties, FOCUS_COUNTY_SHARES, strict=False))
    for prefecture in prefectures[1 : 1 + OTHER_PREFECTURES]:
        counties = reference.descendants(prefecture + "00")
        plan += [(county, OTHER_PREFECTURE_SHARE / len(counties[:3])) for county in counties[:3]]
    # firms of the commonest industries first, grouped by industry: the counties get distinct
    # industry mixes (as real counties do), so industry × county groups reach the k threshold
    outside = firms[~codes.str.startswith(province)]
    rank = outside[C.INDUSTRY_CODE].map(outside[C.INDUSTRY_CODE].value_counts())
    movable = list(
        outside.assign(_rank=-rank).sort_values(["_rank", C.INDUSTRY_CODE], kind="stable").index
    )
    short = place_short_names()
    start = 0
    for county, share in plan:
        take = movable[start : start + max(5, round(share * len(firms)))]
        start += len(take)
        for row in take:
            old = short.get(codes[row][:4] + "00", "")
            name = str(firms.at[row, C.NAME])
            firms.at[row, C.NAME] = short[county[:4] + "00"] + name.removeprefix(old)
            firms.at[row, C.REGION_CODE] = county
    return replace(data, enterprises=firms), focus_counties[0]


def create_demo_accounts(session: Session, *, county: str) -> list[DemoAccount]:
    """Admin, province / prefecture / county bureaus around ``county``, an enterprise inside it
    and a consultant with a few clients; usernames ``demo-<role>``."""
    prefix = county[:4]
    inside = session.exec(
        select(Enterprise).where(col(Enterprise.region_code) == county).order_by(col(Enterprise.id))
    ).first()
    if inside is None:
        raise ValidationFailed(
            f"区县 {county} 中没有演示企业。", f"No demo enterprise in {county}."
        )
    plan = [
        (Role.ADMIN, "demo-admin", None, None, "all"),
        (Role.BUREAU, "demo-province", county[:2] + "0000", None, county[:2] + "0000"),
        (Role.BUREAU, "demo-prefecture", prefix + "00", None, prefix + "00"),
        (Role.BUREAU, "demo-county", county, None, county),
        (Role.ENTERPRISE, "demo-enterprise", None, inside.id, inside.uscc),
        (Role.CONSULTANT, "demo-consultant", None, None, ""),
    ]
    accounts = []
    for role, username, region, enterprise_id, scope in plan:
        password = generate_password()
        user = create_user(
            session,
            actor=None,
            username=username,
            role=role,
            password=password,
            region_code=region,
            enterprise_id=enterprise_id,
            # no display name: the sidebar shows the username, the same in both languages
        )
        if role is Role.CONSULTANT:
            clients = session.exec(
                select(Enterprise)
                .where(col(Enterprise.region_code).startswith(prefix))
                .order_by(col(Enterprise.id))
                .limit(CONSULTANT_CLIENTS)
            ).all()
            assign_consultant(
                session,
                actor=None,
                consultant_id=user.id or 0,
                enterprise_ids=[e.id or 0 for e in clients],
            )
            scope = ", ".join(e.uscc for e in clients)
        accounts.append(DemoAccount(role.value, username, password, scope))
    return accounts


def accounts_text(accounts: list[DemoAccount]) -> str:
    """The one-time listing of demo accounts (also written to the git-ignored file)."""
    frame = pd.DataFrame([a.__dict__ for a in accounts])
    header = "# Ronghe 演示账户 / demo accounts — 密码只显示这一次 / passwords are shown once\n"
    table = frame.to_string(index=False, justify="left", formatters=_left_aligned(frame))
    return header + table + "\n"


def _left_aligned(frame: pd.DataFrame) -> dict[str, Callable[[object], str]]:
    """Formatters padding each column on the right, so long scopes do not push columns apart."""
    return {name: _padder(int(frame[name].astype(str).str.len().max())) for name in frame.columns}


def _padder(width: int) -> Callable[[object], str]:
    def pad(value: object) -> str:
        return f"{value!s:<{width}}"

    return pad
