"""Local accounts: Argon2id password hashes, lock-out after repeated failures, consultant
assignments. There is no built-in default password: the first admin is made by
``ronghe user add --role admin``."""

from __future__ import annotations

import functools
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, literal, or_, update
from sqlmodel import Session, SQLModel, col, func, select

from assessment.models import ConsultantAssignment, Enterprise, Role, User, utcnow
from assessment.password_policy import check_password
from assessment.repo import audit, sessions
from assessment.repo.access import require_role, stored_id
from assessment.repo.enterprises import check_region_code
from assessment.repo.errors import (
    AccessDenied,
    AccountLocked,
    LoginFailed,
    NotFound,
    ValidationFailed,
)
from assessment.settings import get_settings

Clock = Callable[[], datetime]
_HASHER = PasswordHasher()  # argon2-cffi's default type is Argon2id


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password made with ``hasher``'s parameters (one per hasher)."""
    return hasher.hash(secrets.token_urlsafe(16))


def _verify_or_waste(password_hash: str | None, password: str) -> bool:
    """Verify ``password``; without a usable hash verify against a dummy hash instead, so an
    unknown username, an inactive account or a missing password costs the time of a wrong
    password (the answer is then always False)."""
    if password_hash is None:
        verify_password(_dummy_hash(_HASHER), password)
        return False
    return verify_password(password_hash, password)


USERNAME_MAX = 64
USERNAME_PUNCTUATION = frozenset("._-@")


def normalise_username(username: str) -> str:
    """The canonical form of a username: NFKC, case-folded, surrounding spaces removed.

    Full-width ``ＡＤＭＩＮ`` and ``Admin`` both become ``admin``. Usernames are stored in this
    form, so the unique constraint makes them unique after normalisation.
    """
    return unicodedata.normalize("NFKC", username).casefold().strip()


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def check_username(username: str) -> str:
    """The normalised username, or :class:`ValidationFailed`.

    Allowed after normalisation: ASCII letters and digits, ``. _ - @`` and Chinese characters
    (CJK unified ideographs). Control, format (zero-width) and letters of other scripts are
    refused, so a Cyrillic look-alike (``аdmin``) cannot sit beside ``admin``.
    """
    name = normalise_username(username)
    if not name or len(name) > USERNAME_MAX:
        raise ValidationFailed(
            f"用户名不能为空且不超过 {USERNAME_MAX} 个字符。",
            f"The username must be 1 to {USERNAME_MAX} characters.",
        )
    for char in name:
        if not ((char.isascii() and char.isalnum()) or char in USERNAME_PUNCTUATION) and not (
            _is_han(char)
        ):
            shown = f"U+{ord(char):04X}"
            raise ValidationFailed(
                f"用户名只能包含英文字母、数字、汉字和 . _ - @（不允许 {shown}）。",
                f"A username may contain only letters a-z, digits, Chinese characters and "
                f". _ - @ ({shown} is not allowed).",
            )
    return name


def generate_password() -> str:
    """A random password (about 96 bits), to be shown once."""
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    """The password policy (:mod:`assessment.password_policy`) for every new or reset password."""
    check_password(password)


def create_user(
    session: Session,
    *,
    actor: User | None,
    username: str,
    role: Role | str,
    password: str,
    region_code: str | None = None,
    enterprise_id: int | None = None,
    display_name: str = "",
    commit: bool = True,
) -> User:
    """Create an account (by an admin, or ``actor=None`` for the command line).

    A bureau needs ``region_code`` (its jurisdiction), an enterprise user ``enterprise_id``.
    ``commit=False`` leaves the account flushed but uncommitted, so a caller (self-registration)
    can create it in one transaction with the enterprise it belongs to.
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    role = _role(role)
    username = check_username(username)
    if session.exec(select(User).where(col(User.username) == username)).first() is not None:
        raise ValidationFailed(f"用户名“{username}”已存在。", f"Username '{username}' is taken.")
    _check_password(password)
    if role is Role.BUREAU:
        if region_code is None:
            raise ValidationFailed("管理部门账户需要辖区代码。", "A bureau account needs a region.")
        region_code = check_region_code(region_code)
    if role is Role.ENTERPRISE and (
        enterprise_id is None or session.get(Enterprise, enterprise_id) is None
    ):
        raise ValidationFailed(
            "企业账户需要一个已登记的企业。", "An enterprise account needs a registered enterprise."
        )
    user = User(
        username=username,
        role=role.value,
        display_name=display_name,
        region_code=region_code if role is Role.BUREAU else None,
        enterprise_id=enterprise_id if role is Role.ENTERPRISE else None,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_ids=[user.id],
        detail={
            "username": username,
            "role": role.value,
            "region_code": user.region_code,
            "enterprise_id": user.enterprise_id,
        },
    )
    if commit:
        session.commit()
        session.refresh(user)
    return user


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        names = ", ".join(Role)
        raise ValidationFailed(
            f"未知角色“{role}”，可选：{names}。", f"Unknown role '{role}'; choose one of {names}."
        ) from exc


def authenticate(session: Session, *, username: str, password: str, clock: Clock = utcnow) -> User:
    """Check a login; records success or failure in the audit log.

    Lock-out is counted in the database: before the password is checked, one attempt is claimed
    by a single conditional ``UPDATE`` (``failed_logins + 1``, setting ``locked_until`` when the
    limit is reached), so however many logins run in parallel, at most ``lockout_attempts``
    passwords are checked per lock period. A correct password resets the counter.

    An unknown username, an inactive account and a wrong password take the same time (a dummy
    Argon2 verification is made when there is no hash to check).

    Raises:
        AccountLocked: after ``lockout_attempts`` failures, for ``lockout_minutes``.
        LoginFailed: unknown user, inactive account or wrong password (indistinguishable).
    """
    settings = get_settings()
    now = clock()
    name = normalise_username(username)
    user = (
        session.exec(select(User).where(col(User.username) == name)).first()
        if 0 < len(name) <= USERNAME_MAX
        else None
    )
    if user is None:
        _verify_or_waste(None, password)
        _log_login(session, None, _shown_username(username), "login.failure", now)
        raise LoginFailed()
    user_id = stored_id(user.id)
    session.commit()  # end the read so the claim below starts its own write transaction
    claimed = _claim_attempt(
        session, user_id, now, settings.lockout_attempts, settings.lockout_minutes
    )
    if claimed is None:
        session.refresh(user)
        _log_login(session, user, name, "login.locked", now)
        raise AccountLocked(user.locked_until or now)
    session.refresh(user)
    ok = _verify_or_waste(user.password_hash if user.is_active else None, password)
    if not ok:
        _log_login(session, user, name, "login.failure", now)
        raise LoginFailed()
    # Reset the count only if no other attempt was claimed since ours: guesses running in
    # parallel with a correct login keep their count (and a lock they reached).
    session.execute(
        update(User)
        .where(col(User.id) == user_id, col(User.failed_logins) == claimed)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(User)
        .where(col(User.id) == user_id)
        .values(last_login_at=now)
        .execution_options(synchronize_session=False)
    )
    _log_login(session, user, name, "login.success", now)
    session.refresh(user)
    return user


_LOCKED_UNTIL_TYPE = SQLModel.metadata.tables["app_user"].c.locked_until.type


def _claim_attempt(
    session: Session, user_id: int, now: datetime, limit: int, minutes: int
) -> int | None:
    """Count one login attempt atomically and return the count it reached; None (nothing
    changed) while the account is locked. After a lock has run out the count starts at one."""
    locked_until = col(User.locked_until)
    expired = locked_until.is_not(None) & (locked_until <= now)
    count = case((expired, 1), else_=col(User.failed_logins) + 1)
    until = now + timedelta(minutes=minutes)
    result = session.execute(
        update(User)
        .where(col(User.id) == user_id, locked_until.is_(None) | (locked_until <= now))
        .values(
            failed_logins=count,
            locked_until=case(
                (count >= limit, literal(until, type_=_LOCKED_UNTIL_TYPE)), else_=None
            ),
        )
        .returning(col(User.failed_logins))
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()
    return None if result is None else int(result[0])


def _shown_username(username: str) -> str:
    """What the audit log keeps of a username that matched no account: its normalised form,
    printable characters only, cut to the column's length (never the whole input)."""
    name = normalise_username(username[: USERNAME_MAX * 4])
    printable = "".join(ch if ch.isprintable() else "\ufffd" for ch in name)
    return printable[:USERNAME_MAX]


def _log_login(
    session: Session, user: User | None, username: str, action: str, now: datetime
) -> None:
    succeeded = action == "login.success"
    audit.record_sign_in(
        session, action=action, user=user, username=username, succeeded=succeeded, at=now
    )
    session.commit()


def set_password(session: Session, *, actor: User | None, user_id: int, password: str) -> None:
    """Set a new password (the user itself, an admin, or the command line); unlocks the account."""
    user = _user(session, user_id)
    if actor is not None and actor.id != user_id:
        require_role(actor, Role.ADMIN)
    if actor is not None and actor.id == user_id and not (actor.is_active and user.is_active):
        raise AccessDenied(
            "已停用的账户不能修改密码。", "A deactivated account cannot change its password."
        )
    _check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    audit.record(
        session, actor=actor, action="user.password", object_type="user", object_ids=[user_id]
    )
    session.commit()


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在。", f"User {user_id} does not exist.")
    return user


def get_user_by_username(session: Session, *, username: str) -> User | None:
    """The account with this username, if any."""
    name = normalise_username(username)
    return session.exec(select(User).where(col(User.username) == name)).first()


def list_users(session: Session, *, actor: User) -> Sequence[User]:
    """All accounts (admins only)."""
    require_role(actor, Role.ADMIN)
    return session.exec(select(User).order_by(col(User.username))).all()


def assign_consultant(
    session: Session, *, actor: User | None, consultant_id: int, enterprise_ids: Sequence[int]
) -> None:
    """Give a consultant access to enterprises (admin or command line)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    consultant = _user(session, consultant_id)
    if consultant.role != Role.CONSULTANT:
        raise ValidationFailed(
            f"{consultant.username} 不是咨询机构账户。",
            f"{consultant.username} is not a consultant account.",
        )
    existing = set(
        session.exec(
            select(ConsultantAssignment.enterprise_id).where(
                col(ConsultantAssignment.consultant_id) == consultant_id
            )
        ).all()
    )
    for enterprise_id in dict.fromkeys(enterprise_ids):
        if session.get(Enterprise, enterprise_id) is None:
            raise ValidationFailed(
                f"企业 {enterprise_id} 不存在。", f"Enterprise {enterprise_id} does not exist."
            )
        if enterprise_id not in existing:
            session.add(
                ConsultantAssignment(
                    consultant_id=stored_id(consultant.id), enterprise_id=enterprise_id
                )
            )
    audit.record(
        session,
        actor=actor,
        action="consultant.assign",
        object_type="enterprise",
        object_ids=enterprise_ids,
        detail={"consultant": consultant.username},
    )
    session.commit()


# Administration (admins only): status, lock, password reset, scopes and assignments


@dataclass(frozen=True)
class AccountRow:
    """One account as the administration page lists it."""

    id: int
    username: str
    display_name: str
    role: str
    region_code: str | None  # bureau jurisdiction
    enterprise_id: int | None
    enterprise_name: str | None
    clients: int  # consultant: assigned enterprises
    is_active: bool
    locked_until: datetime | None  # set only while the lock lasts
    last_login_at: datetime | None
    created_at: datetime


def list_accounts(session: Session, *, actor: User, clock: Clock = utcnow) -> list[AccountRow]:
    """Every account with its scope, status and current lock (admins only)."""
    require_role(actor, Role.ADMIN)
    now = clock()
    names = dict(session.exec(select(Enterprise.id, Enterprise.name).join(User)).all())
    clients = dict(
        session.exec(
            select(ConsultantAssignment.consultant_id, func.count()).group_by(
                col(ConsultantAssignment.consultant_id)
            )
        ).all()
    )
    return [
        AccountRow(
            id=stored_id(user.id),
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            region_code=user.region_code,
            enterprise_id=user.enterprise_id,
            enterprise_name=names.get(user.enterprise_id) if user.enterprise_id else None,
            clients=clients.get(stored_id(user.id), 0),
            is_active=user.is_active,
            locked_until=user.locked_until if _locked(user, now) else None,
            last_login_at=user.last_login_at,
            created_at=user.created_at,
        )
        for user in session.exec(select(User).order_by(col(User.username))).all()
    ]


def _locked(user: User, now: datetime) -> bool:
    until = user.locked_until
    if until is None:
        return False
    if until.tzinfo is None:  # SQLite gives naive datetimes back; they are UTC
        until = until.replace(tzinfo=UTC)
    return until > now


def _administered(session: Session, actor: User, user_id: int) -> User:
    require_role(actor, Role.ADMIN)
    return _user(session, user_id)


def _audit_user(session: Session, actor: User, action: str, user: User, **detail: Any) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="user",
        object_ids=[user.id],
        detail={"username": user.username, **detail},
    )


def set_active(session: Session, *, actor: User, user_id: int, active: bool) -> User:
    """Enable or disable an account; a disabled account cannot sign in or act (admins only).

    An admin cannot disable its own account, so the platform never loses its last admin this way.
    """
    user = _administered(session, actor, user_id)
    if not active and user.id == actor.id:
        raise ValidationFailed("不能停用自己的账户。", "You cannot disable your own account.")
    if user.is_active != active:
        user.is_active = active
        session.add(user)
        _audit_user(session, actor, "user.activate" if active else "user.deactivate", user)
        session.commit()
        if not active:  # signed-in browsers of a disabled account are signed out at once
            sessions.revoke_user_sessions(session, actor=actor, user_id=stored_id(user.id))
    session.refresh(user)
    return user


def unlock_user(session: Session, *, actor: User, user_id: int) -> User:
    """End a lock-out and forget the failed sign-ins counted so far (admins only)."""
    user = _administered(session, actor, user_id)
    user.locked_until = None
    user.failed_logins = 0
    session.add(user)
    _audit_user(session, actor, "user.unlock", user)
    session.commit()
    session.refresh(user)
    return user


def reset_password(session: Session, *, actor: User, user_id: int) -> str:
    """Give an account a new generated password and unlock it; the password is returned once
    and stored only as its hash (admins only)."""
    user = _administered(session, actor, user_id)
    password = generate_password()
    _check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    _audit_user(session, actor, "user.password_reset", user)
    session.commit()
    # whoever knew the old password may be signed in with it somewhere
    sessions.revoke_user_sessions(session, actor=actor, user_id=stored_id(user.id))
    return password


def set_jurisdiction(session: Session, *, actor: User, user_id: int, region_code: str) -> User:
    """Move a bureau account to another jurisdiction (a region code of any level; admins only)."""
    user = _administered(session, actor, user_id)
    if user.role != Role.BUREAU:
        raise ValidationFailed(
            f"{user.username} 不是主管部门账户。", f"{user.username} is not a bureau account."
        )
    region_code = check_region_code(region_code)
    before = user.region_code
    if before != region_code:
        user.region_code = region_code
        session.add(user)
        _audit_user(session, actor, "user.jurisdiction", user, before=before, after=region_code)
        session.commit()
    session.refresh(user)
    return user


@dataclass(frozen=True)
class AssignmentRow:
    """A consultant's access to one enterprise."""

    consultant_id: int
    consultant: str
    enterprise_id: int
    enterprise_name: str
    uscc: str
    region_code: str
    since: datetime


def list_assignments(session: Session, *, actor: User) -> list[AssignmentRow]:
    """Every consultant–enterprise assignment, by consultant and enterprise name (admins only)."""
    require_role(actor, Role.ADMIN)
    rows = session.exec(
        select(ConsultantAssignment, User, Enterprise)
        .join(User, col(User.id) == col(ConsultantAssignment.consultant_id))
        .join(Enterprise, col(Enterprise.id) == col(ConsultantAssignment.enterprise_id))
        .order_by(col(User.username), col(Enterprise.name))
    ).all()
    return [
        AssignmentRow(
            consultant_id=a.consultant_id,
            consultant=u.username,
            enterprise_id=a.enterprise_id,
            enterprise_name=e.name,
            uscc=e.uscc,
            region_code=e.region_code,
            since=a.created_at,
        )
        for a, u, e in rows
    ]


def unassign_consultant(
    session: Session, *, actor: User, consultant_id: int, enterprise_ids: Sequence[int]
) -> int:
    """Withdraw a consultant's access to enterprises; returns how many assignments ended
    (admins only)."""
    consultant = _administered(session, actor, consultant_id)
    wanted = list(dict.fromkeys(enterprise_ids))
    found = session.exec(
        select(ConsultantAssignment).where(
            col(ConsultantAssignment.consultant_id) == consultant_id,
            col(ConsultantAssignment.enterprise_id).in_(wanted),
        )
    ).all()
    for assignment in found:
        session.delete(assignment)
    ended = sorted(a.enterprise_id for a in found)
    if ended:
        audit.record(
            session,
            actor=actor,
            action="consultant.unassign",
            object_type="enterprise",
            object_ids=ended,
            detail={"consultant": consultant.username},
        )
    session.commit()
    return len(ended)


def find_enterprises(
    session: Session, *, actor: User, text: str = "", limit: int = 50
) -> Sequence[Enterprise]:
    """Enterprises whose name or credit code contains ``text``, by name, to pick for an
    enterprise account or a consultant assignment (admins only)."""
    require_role(actor, Role.ADMIN)
    needle = text.strip().lower()
    query = select(Enterprise)
    if needle:
        query = query.where(
            or_(
                func.lower(col(Enterprise.name)).contains(needle, autoescape=True),
                func.lower(col(Enterprise.uscc)).contains(needle, autoescape=True),
            )
        )
    return session.exec(query.order_by(col(Enterprise.name)).limit(limit)).all()
