"""Errors of the persistence layer; each carries a Chinese and an English message for users."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any


class RepositoryError(Exception):
    """Base class: ``message_zh`` and ``message_en`` are shown to users as they are."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_en} / {message_zh}")

    def message(self, language: str = "zh") -> str:
        """The message in ``language`` ("zh" or "en")."""
        return self.message_zh if language.startswith("zh") else self.message_en


class AccessDenied(RepositoryError):
    """The acting user may not read or change this object."""

    def __init__(
        self,
        message_zh: str = "无权访问该数据。",
        message_en: str = "You are not allowed to access this data.",
    ) -> None:
        super().__init__(message_zh, message_en)


class NotFound(RepositoryError):
    """No such object (raised only where the actor may know whether it exists)."""


class ValidationFailed(RepositoryError):
    """Input data is invalid (unknown region, bad credit code, unknown indicator...)."""


class InvalidState(RepositoryError):
    """The assessment's status does not allow this step."""


class IncompleteAssessment(RepositoryError):
    """Submit refused: required indicators are unanswered (``missing`` per framework)."""

    def __init__(self, missing: dict[str, int]) -> None:
        self.missing = missing
        listing = ", ".join(f"{fid}: {n}" for fid, n in sorted(missing.items()))
        super().__init__(
            f"还有必答指标未作答，无法提交（{listing}）。",
            f"Required indicators are unanswered, cannot submit ({listing}).",
        )


class ConflictError(RepositoryError):
    """A save based on a stale version: someone else saved in between.

    Attributes:
        current_version: the stored version now.
        saved_by: username of whoever saved last; ``saved_at`` when.
        refused_answers: the answers that were not saved, so the user can re-apply them.
    """

    def __init__(
        self,
        *,
        base_version: int,
        current_version: int,
        saved_by: str,
        saved_at: datetime | None,
        refused_answers: Sequence[Any],
    ) -> None:
        self.base_version = base_version
        self.current_version = current_version
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.refused_answers = list(refused_answers)
        when = saved_at.strftime("%Y-%m-%d %H:%M:%S UTC") if saved_at else "?"
        super().__init__(
            f"保存冲突：{saved_by} 已于 {when} 保存了此评估（版本 {current_version}，"
            f"您基于版本 {base_version}）。您的 {len(self.refused_answers)} 项修改未保存，"
            "请刷新后重新应用。",
            f"Save conflict: {saved_by} saved this assessment at {when} (version "
            f"{current_version}; yours was based on version {base_version}). Your "
            f"{len(self.refused_answers)} change(s) were not saved; reload and re-apply them.",
        )


class LoginFailed(RepositoryError):
    """Wrong username or password (the message never says which)."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误。", "Wrong username or password.")


class AccountLocked(RepositoryError):
    """Too many failed logins; ``until`` is when the lock ends."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        when = until.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"登录失败次数过多，账户已锁定至 {when}。",
            f"Too many failed logins: the account is locked until {when}.",
        )


class ProfileConflict(RepositoryError):
    """An enterprise profile update based on a stale version: someone else saved in between."""

    def __init__(self, *, base_version: int, current_version: int) -> None:
        self.base_version = base_version
        self.current_version = current_version
        super().__init__(
            f"保存冲突：企业信息已被他人修改（当前版本 {current_version}，您基于版本 "
            f"{base_version}），您的修改未保存，请刷新后重试。",
            f"Save conflict: the enterprise profile was changed by someone else (version "
            f"{current_version}; yours was based on version {base_version}). Your changes were "
            "not saved; reload and try again.",
        )
