"""Local accounts: Argon2id password hashes, lock-out after repeated failures, consultant
assignments. There is no built-in default password: the first admin is made by
``ronghe user add --role admin``."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from assessment.models import ConsultantAssignment, Enterprise, Role, User, utcnow
from assessment.repo import audit
from assessment.repo.access import require_role, stored_id
from assessment.repo.enterprises import check_region_code
from assessment.repo.errors import AccountLocked, LoginFailed, NotFound, ValidationFailed
from assessment.settings import get_settings

Clock = Callable[[], datetime]
MIN_PASSWORD_LENGTH = 10
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


def generate_password() -> str:
    """A random password (about 96 bits), to be shown once."""
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
        )


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
    username = username.strip()
    if not username or len(username) > 64:
        raise ValidationFailed(
            "用户名不能为空且不超过 64 个字符。", "The username must be 1 to 64 characters."
        )
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

    Raises:
        AccountLocked: after ``lockout_attempts`` failures, for ``lockout_minutes``.
        LoginFailed: unknown user, inactive account or wrong password (indistinguishable).
    """
    settings = get_settings()
    now = clock()
    user = session.exec(select(User).where(col(User.username) == username.strip())).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _log_login(session, user, username, "login.locked", now)
        raise AccountLocked(user.locked_until)
    ok = (
        user is not None
        and user.is_active
        and user.password_hash is not None
        and verify_password(user.password_hash, password)
    )
    if user is None or not ok:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.lockout_attempts:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
            session.add(user)
        _log_login(session, user, username, "login.failure", now)
        raise LoginFailed()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    _log_login(session, user, username, "login.success", now)
    session.refresh(user)
    return user


def _log_login(
    session: Session, user: User | None, username: str, action: str, now: datetime
) -> None:
    audit.record(
        session,
        actor=user,
        action=action,
        object_type="user",
        object_ids=[user.id] if user is not None else [],
        detail={"username": username},
        at=now,
    )
    session.commit()


def set_password(session: Session, *, actor: User | None, user_id: int, password: str) -> None:
    """Set a new password (the user itself, an admin, or the command line); unlocks the account."""
    user = _user(session, user_id)
    if actor is not None and actor.id != user_id:
        require_role(actor, Role.ADMIN)
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
    return session.exec(select(User).where(col(User.username) == username)).first()


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
