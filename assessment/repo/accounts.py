"""Local accounts: Argon2id password hashes, lock-out after repeated failures, consultant
assignments. There is no built-in default password: the first admin is made by
``ronghe user add --role admin``."""

from __future__ import annotations

import functools
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, literal, update
from sqlmodel import Session, SQLModel, col, select

from assessment.models import ConsultantAssignment, Enterprise, Role, User, utcnow
from assessment.repo import audit
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
) -> User:
    """Create an account (by an admin, or ``actor=None`` for the command line).

    A bureau needs ``region_code`` (its jurisdiction), an enterprise user ``enterprise_id``.
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
