"""The audit log in words: labels for every recorded action, China Standard Time, actor and
target kept apart (a failed sign-in is an anonymous attempt on an account), fields instead of
dict text, search by prefix or words, and a CSV that cannot run formulas."""

from __future__ import annotations

import ast
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from assessment import repository
from assessment.auditlog.actions import ACTIONS, action_label, actions_matching
from assessment.auditlog.readable import (
    AuditRow,
    china_time,
    details_text,
    readable_events,
    to_csv,
)
from assessment.models import AuditEvent, Role, User
from assessment.repo import accounts
from assessment.repo.audit import search_audit_events
from assessment.repository import AccessDenied, LoginFailed
from assessment.tabular import inert_text
from tests.integration.factories import PASSWORD, make_admin, make_enterprise, make_user

ROOT = Path(__file__).resolve().parents[2]


def recorded_actions() -> tuple[set[str], set[str]]:
    """Action ids written in the core: ``action="..."`` keywords, ``"action": "..."`` dict
    entries and the sign-in helper's arguments; and the constant prefixes of f-string ids."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in (ROOT / "assessment").rglob("*.py"):
        if "migrations" in path.parts or "commands" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.keyword) and node.arg == "action":
                values.append(node.value)
            elif isinstance(node, ast.Dict):
                values += [
                    v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value == "action"
                ]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_log_login":
                values += node.args
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    if "." in value.value or value.value == "export":
                        literals.add(value.value)
                elif isinstance(value, ast.JoinedStr) and isinstance(value.values[0], ast.Constant):
                    prefixes.add(str(value.values[0].value))
    return literals, prefixes


def test_every_recorded_action_has_words_in_both_languages() -> None:
    literals, prefixes = recorded_actions()
    assert {"user.create", "login.failure", "data.load", "export"} <= literals
    assert sorted(literals - set(ACTIONS)) == []
    for prefix in prefixes:
        assert any(a.startswith(prefix) for a in ACTIONS), prefix
    assert {"assessment.verified", "assessment.returned"} <= set(ACTIONS)
    for label in ACTIONS.values():
        assert label.zh != label.en
        assert all(ord(ch) < 0x3000 for ch in label.en)


def test_unknown_actions_show_their_id() -> None:
    assert action_label("user.create", "zh") == "创建账户"
    assert action_label("user.create", "en") == "Account created"
    assert action_label("something.new", "zh") == "something.new"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("login", {"login.success", "login.failure", "login.locked"}),
        ("登录失败", {"login.failure"}),
        ("PASSWORD", {"user.password", "user.password_reset"}),
    ],
)
def test_actions_match_prefix_and_words(query: str, expected: set[str]) -> None:
    assert set(actions_matching(query)) == expected


def test_times_are_china_standard_time_with_the_zone() -> None:
    assert china_time(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)) == "2026-03-02 01:30:00 CST"
    assert china_time(datetime(2026, 3, 1, 17, 30)) == "2026-03-02 01:30:00 CST"  # naive = UTC


def test_details_are_fields_not_dict_text() -> None:
    detail = {"before": {"employees": 10}, "after": {"employees": 12}, "role": "bureau"}
    assert details_text(detail, "zh") == "从业人员：10 → 12；角色：工信主管部门"
    assert details_text(detail, "en") == "employees: 10 → 12; role: industry bureau"
    assert details_text({"before": "320000", "after": "320500"}, "en") == (
        "before → after: 320000 → 320500"
    )
    assert "{" not in details_text({"frameworks": {"dcmm": "2018.1"}}, "zh")


def test_a_failed_sign_in_is_an_anonymous_attempt_on_the_account(session: Session) -> None:
    admin = make_admin(session)
    make_user(session, Role.CONSULTANT, username="advisor")
    for username in ("advisor", "ghost"):
        with pytest.raises(LoginFailed):
            repository.authenticate(session, username=username, password="wrong password")
    stored = repository.list_audit_events(session, actor=admin, action="login.failure")
    assert [(e.actor_id, e.actor_username) for e in stored] == [(None, "anonymous")] * 2
    rows = readable_events(session, actor=admin, events=stored, language="en")
    assert [(r.actor, r.target) for r in rows] == [
        ("anonymous visitor", "account ghost"),
        ("anonymous visitor", "account advisor"),
    ]
    repository.authenticate(session, username="advisor", password=PASSWORD)
    (success,) = repository.list_audit_events(session, actor=admin, action="login.success")
    (row,) = readable_events(session, actor=admin, events=[success], language="zh")
    assert (row.actor, row.target, row.action_label) == ("advisor", "账户 advisor", "登录成功")


def test_old_failed_sign_ins_stored_with_the_account_as_actor_read_right(
    session: Session,
) -> None:
    admin = make_admin(session)
    old = AuditEvent(
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor_id=admin.id,
        actor_username="admin",
        action="login.failure",
        object_type="user",
        object_ids=[str(admin.id)],
        detail={"username": "admin"},
    )
    (row,) = readable_events(session, actor=admin, events=[old], language="zh")
    assert (row.actor, row.target, row.details) == ("未登录的访客", "账户 admin", "")


def test_targets_are_named(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102", name="苏州精工")
    consultant = make_user(session, Role.CONSULTANT, username="advisor")
    repository.assign_consultant(
        session, actor=admin, consultant_id=consultant.id or 0, enterprise_ids=[enterprise.id or 0]
    )
    events = repository.list_audit_events(session, actor=admin, limit=1)
    (row,) = readable_events(session, actor=admin, events=events, language="zh")
    assert (row.action_label, row.target, row.details) == (
        "为咨询机构分配企业",
        "企业 苏州精工",
        "咨询机构：advisor",
    )


def test_search_by_prefix_words_actor_and_target(session: Session) -> None:
    admin = make_admin(session)
    enterprise = make_enterprise(session, admin, "320102", name="苏州精工")
    user = make_user(session, Role.CONSULTANT, username="advisor")
    accounts.unlock_user(session, actor=admin, user_id=user.id or 0)

    def found(query: str) -> list[str]:
        return [e.action for e in search_audit_events(session, actor=admin, query=query)]

    assert found("user.") == ["user.unlock", "user.create", "user.create"]
    assert found("解除") == ["user.unlock"]
    assert found("unlocked") == ["user.unlock"]
    assert found("苏州") == ["enterprise.create"]
    assert found(enterprise.uscc[:8]) == ["enterprise.create"]
    assert found("ADVISOR") == ["user.unlock", "user.create"]
    assert found("100%") == []  # LIKE wildcards are taken literally
    assert len(found("  ")) == 4


def test_reading_the_log_is_admin_only(session: Session) -> None:
    make_admin(session)
    bureau: User = make_user(session, Role.BUREAU, region_code="320000")
    with pytest.raises(AccessDenied):
        search_audit_events(session, actor=bureau, query="login")
    with pytest.raises(AccessDenied):
        readable_events(session, actor=bureau, events=[], language="zh")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("admin", "admin"),
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_are_inert(cell: str, expected: str) -> None:
    assert inert_text(cell) == expected


def test_csv_has_a_bom_headers_in_the_language_and_inert_cells() -> None:
    row = AuditRow(1, "2026-03-02 01:30:00 CST", "=cmd", "user.create", "创建账户", "账户 x", "")
    data = to_csv([row], "zh")
    assert data.startswith("\ufeff".encode())
    header, first = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[0] == "时间（北京时间 UTC+8）"
    assert first[:3] == ["2026-03-02 01:30:00 CST", "'=cmd", "创建账户"]
