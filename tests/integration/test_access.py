"""Roles and scopes (DESIGN.md §1) enforced in the query layer, on every backend."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from assessment import reference, repository
from assessment.models import Enterprise, EnterpriseUpdate, Role, User
from assessment.repo.access import jurisdiction_prefix
from assessment.repository import AccessDenied
from tests.integration.factories import make_admin, make_enterprise, make_user

# enterprises of the test world: counties and prefecture-level codes in three provinces
REGIONS = ("320102", "320105", "320100", "320211", "321002", "330102", "330100", "110105")


@dataclass
class World:
    admin: User
    enterprises: dict[str, Enterprise]  # by region code


@pytest.fixture
def world(session: Session) -> World:
    admin = make_admin(session)
    enterprises = {code: make_enterprise(session, admin, code) for code in REGIONS}
    return World(admin=admin, enterprises=enterprises)


def visible_ids(session: Session, actor: User) -> set[int | None]:
    return {e.id for e in repository.list_enterprises(session, actor=actor)}


@pytest.mark.parametrize(
    "jurisdiction",
    ["320000", "320100", "320200", "321000", "320102", "330000", "330100", "110100", "440000"],
    ids=lambda code: f"bureau-{code}",
)
def test_bureau_sees_exactly_its_jurisdiction(
    session: Session, world: World, jurisdiction: str
) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=jurisdiction)
    expected = {
        e.id for code, e in world.enterprises.items() if reference.within(code, jurisdiction)
    }
    assert visible_ids(session, bureau) == expected
    assert repository.count_enterprises(session, actor=bureau) == len(expected)


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [
        ("320000", {"320102", "320105", "320100", "320211", "321002"}),
        ("320100", {"320102", "320105", "320100"}),
        ("320102", {"320102"}),
    ],
)
def test_province_prefecture_county_levels(
    session: Session, world: World, jurisdiction: str, expected: set[str]
) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=jurisdiction)
    assert visible_ids(session, bureau) == {world.enterprises[c].id for c in expected}


def test_bureau_cannot_read_another_regions_enterprise_by_id(
    session: Session, world: World
) -> None:
    bureau = make_user(session, Role.BUREAU, region_code="330000")
    outside = world.enterprises["320102"]
    with pytest.raises(AccessDenied) as caught:
        repository.get_enterprise(session, actor=bureau, enterprise_id=outside.id or 0)
    assert caught.value.message_zh
    assert caught.value.message_en
    inside = world.enterprises["330102"]
    assert repository.get_enterprise(session, actor=bureau, enterprise_id=inside.id or 0) == inside
    with pytest.raises(AccessDenied):
        repository.get_enterprise_by_uscc(session, actor=bureau, uscc=outside.uscc)


def test_unknown_id_is_indistinguishable_from_a_forbidden_one(
    session: Session, world: World
) -> None:
    bureau = make_user(session, Role.BUREAU, region_code="330000")
    with pytest.raises(AccessDenied):
        repository.get_enterprise(session, actor=bureau, enterprise_id=999_999)


@pytest.mark.parametrize("code", REGIONS)
def test_enterprise_user_sees_only_itself(session: Session, world: World, code: str) -> None:
    own = world.enterprises[code]
    user = make_user(session, Role.ENTERPRISE, enterprise_id=own.id)
    assert visible_ids(session, user) == {own.id}
    other = next(e for c, e in world.enterprises.items() if c != code)
    with pytest.raises(AccessDenied):
        repository.get_enterprise(session, actor=user, enterprise_id=other.id or 0)


@pytest.mark.parametrize(
    "clients",
    [("320102", "330100"), ("110105",), ()],
    ids=["two-clients", "one-client", "no-clients"],
)
def test_consultant_sees_only_its_clients(
    session: Session, world: World, clients: tuple[str, ...]
) -> None:
    consultant = make_user(session, Role.CONSULTANT)
    ids = [world.enterprises[c].id or 0 for c in clients]
    repository.assign_consultant(
        session, actor=world.admin, consultant_id=consultant.id or 0, enterprise_ids=ids
    )
    assert visible_ids(session, consultant) == set(ids)


def test_consultant_registering_an_enterprise_gets_it_assigned(
    session: Session, world: World
) -> None:
    consultant = make_user(session, Role.CONSULTANT)
    created = make_enterprise(session, consultant, "440305")
    assert visible_ids(session, consultant) == {created.id}


def test_admin_sees_everything(session: Session, world: World) -> None:
    assert visible_ids(session, world.admin) == {e.id for e in world.enterprises.values()}


def test_inactive_account_sees_nothing(session: Session, world: World) -> None:
    bureau = make_user(session, Role.BUREAU, region_code="320000")
    bureau.is_active = False
    assert visible_ids(session, bureau) == set()


def test_bureau_may_not_register_outside_its_area(session: Session, world: World) -> None:
    bureau = make_user(session, Role.BUREAU, region_code="320100")
    make_enterprise(session, bureau, "320106")
    with pytest.raises(AccessDenied):
        make_enterprise(session, bureau, "320211")


def test_enterprise_user_cannot_register_enterprises(session: Session, world: World) -> None:
    user = make_user(session, Role.ENTERPRISE, enterprise_id=world.enterprises["320102"].id)
    with pytest.raises(AccessDenied):
        make_enterprise(session, user, "320102")


def test_enterprise_user_updates_own_profile_only(session: Session, world: World) -> None:
    own, other = world.enterprises["320102"], world.enterprises["330102"]
    user = make_user(session, Role.ENTERPRISE, enterprise_id=own.id)
    updated = repository.update_enterprise(
        session, actor=user, enterprise_id=own.id or 0, data=EnterpriseUpdate(name="新名称")
    )
    assert updated.name == "新名称"
    with pytest.raises(AccessDenied):
        repository.update_enterprise(
            session, actor=user, enterprise_id=other.id or 0, data=EnterpriseUpdate(name="x")
        )


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("320000", "32"), ("320100", "3201"), ("320102", "320102"), ("419000", "4190")],
)
def test_jurisdiction_prefix(code: str, prefix: str) -> None:
    assert jurisdiction_prefix(code) == prefix


def test_region_filter_matches_reference_within_for_every_listed_region(
    session: Session, world: World
) -> None:
    codes = reference.regions()["code"].tolist()
    for jurisdiction in codes[:: max(1, len(codes) // 40)]:
        listed = repository.list_enterprises(session, actor=world.admin, region_code=jurisdiction)
        expected = {e.id for c, e in world.enterprises.items() if reference.within(c, jurisdiction)}
        assert {e.id for e in listed} == expected, jurisdiction
