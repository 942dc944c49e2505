"""Audit events as a person reads them: time in China Standard Time, who acted, what was done
(in words), to what (by name), and the details as fields; and as a CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session, col, select

from assessment.auditlog.actions import (
    ANONYMOUS,
    FIELDS,
    OBJECT_TYPES,
    ROLES,
    SYSTEM,
    Label,
    action_label,
)
from assessment.models import Enterprise, Role, User
from assessment.repo.access import require_role
from assessment.repo.audit import ANONYMOUS_ACTOR, SYSTEM_ACTOR, AuditRecord
from assessment.tabular import inert_text

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")  # UTC+8 all year, no daylight saving
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %Z"
ATTEMPTS = frozenset({"login.failure", "login.locked"})  # made by whoever typed the username


@dataclass(frozen=True)
class AuditRow:
    """One event in words."""

    id: int
    time: str  # China Standard Time, zone shown
    actor: str
    action: str  # the id, e.g. "user.create"
    action_label: str
    target: str
    details: str


COLUMNS: dict[str, Label] = {
    "time": Label("时间（北京时间 UTC+8）", "Time (CST, UTC+8)"),
    "actor": Label("操作者", "Actor"),
    "action_label": Label("操作", "Action"),
    "target": Label("对象", "Target"),
    "details": Label("详情", "Details"),
    "action": Label("操作代码", "Action id"),
}


def china_time(moment: datetime) -> str:
    """``moment`` (aware, or naive UTC as SQLite returns it) in China Standard Time."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_STANDARD_TIME).strftime(TIME_FORMAT)


def readable_events(
    session: Session, *, actor: User, events: Sequence[AuditRecord], language: str
) -> list[AuditRow]:
    """``events`` in words, naming target accounts and enterprises (admins only)."""
    require_role(actor, Role.ADMIN)
    names = _names(session, events)
    return [
        AuditRow(
            id=event.id or 0,
            time=china_time(event.at),
            actor=_actor(event, language),
            action=event.action,
            action_label=action_label(event.action, language),
            target=_target(event, names, language),
            details=details_text(_shown_detail(event), language),
        )
        for event in events
    ]


def _actor(event: AuditRecord, language: str) -> str:
    # rows written before sign-in attempts were recorded as anonymous name the account as actor
    if event.action in ATTEMPTS or event.actor_username == ANONYMOUS_ACTOR:
        return ANONYMOUS.get(language)
    if event.actor_username == SYSTEM_ACTOR and event.actor_id is None:
        return SYSTEM.get(language)
    return event.actor_username


def _names(session: Session, events: Iterable[AuditRecord]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[int]] = {"user": set(), "enterprise": set()}
    for event in events:
        if event.object_type in wanted:
            wanted[event.object_type].update(int(i) for i in event.object_ids if i.isdigit())
    names: dict[tuple[str, str], str] = {}
    if wanted["user"]:
        for uid, username in session.exec(
            select(User.id, User.username).where(col(User.id).in_(wanted["user"]))
        ):
            names["user", str(uid)] = username
    if wanted["enterprise"]:
        for eid, name in session.exec(
            select(Enterprise.id, Enterprise.name).where(
                col(Enterprise.id).in_(wanted["enterprise"])
            )
        ):
            names["enterprise", str(eid)] = name
    return names


def _target(event: AuditRecord, names: Mapping[tuple[str, str], str], language: str) -> str:
    kind = OBJECT_TYPES.get(event.object_type)
    kind_text = kind.get(language) if kind else event.object_type
    if event.object_type == "user":
        attempted = event.detail.get("username") if event.action in ATTEMPTS else None
        who = [names.get(("user", i), f"#{i}") for i in event.object_ids]
        if attempted and not who:  # an unknown username: the attempt names no account
            return f"{kind_text} {attempted}"
        return f"{kind_text} " + ", ".join(who) if who else kind_text
    if event.object_type == "enterprise":
        shown = [names.get(("enterprise", i), f"#{i}") for i in event.object_ids[:5]]
        more = len(event.object_ids) - len(shown)
        extra = f" 等 {len(event.object_ids)} 家" if language != "en" else f" and {more} more"
        return f"{kind_text} " + "、".join(shown) + (extra if more > 0 else "")
    ids = ", ".join(f"#{i}" for i in event.object_ids[:5])
    return f"{kind_text} {ids}".strip()


def _shown_detail(event: AuditRecord) -> dict[str, Any]:
    """The detail minus the username that the target column already names."""
    if event.object_type == "user" and (event.object_ids or event.action in ATTEMPTS):
        return {k: v for k, v in event.detail.items() if k != "username"}
    return dict(event.detail)


def details_text(detail: Mapping[str, Any], language: str) -> str:
    """``detail`` as "field: value" pairs; a before/after pair as "field: old → new"."""
    separator = "; " if language == "en" else "；"
    colon = ": " if language == "en" else "："
    before, after = detail.get("before"), detail.get("after")
    parts: list[str] = []
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in after:
            old, new = _value(key, before.get(key), language), _value(key, after[key], language)
            parts.append(f"{_field(key, language)}{colon}{old} → {new}")
    elif "before" in detail and "after" in detail:
        parts.append(
            f"{_field('before', language)} → {_field('after', language)}{colon}"
            f"{_value('', before, language)} → {_value('', after, language)}"
        )
    for key, value in detail.items():
        if key in ("before", "after") or value is None:  # an empty field says nothing
            continue
        parts.append(f"{_field(key, language)}{colon}{_value(key, value, language)}")
    return separator.join(parts)


def _field(key: str, language: str) -> str:
    label = FIELDS.get(key)
    return label.get(language) if label else key


def _value(key: str, value: Any, language: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("yes" if value else "no") if language == "en" else ("是" if value else "否")
    if key == "role" and str(value) in ROLES:
        return ROLES[str(value)].get(language)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def to_csv(rows: Sequence[AuditRow], language: str) -> bytes:
    """The rows as UTF-8 CSV with a byte-order mark (so spreadsheets read the Chinese), headed
    in ``language``, every cell made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label.get(language) for label in COLUMNS.values()])
    for row in rows:
        writer.writerow([inert_text(str(getattr(row, name))) for name in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
