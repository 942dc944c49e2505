"""The password policy for local accounts (created by an admin, by ``ronghe user add``, or set and
reset later): long enough, not blank and not a commonly used password.

The common-password list is the 30,000 most frequent passwords of public breach corpora as shipped
by ``zxcvbn`` (MIT licence, `zxcvbn.frequency_lists`), compared case-insensitively.
"""

from __future__ import annotations

import functools

from assessment.repo.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common-password list, lower-cased (loaded once, on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # a large module: import when needed

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str) -> None:
    """Refuse a password that breaks a rule, naming the rule in both languages.

    Raises:
        ValidationFailed: only whitespace, too short, or on the common-password list.
    """
    if not password.strip():
        raise ValidationFailed(
            "密码不能只由空格等空白字符组成。", "The password cannot consist of whitespace only."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
        )
    if password.strip().lower() in common_passwords():
        raise ValidationFailed(
            "该密码在常见密码列表中，容易被猜中，请换一个。",
            "This password is on the list of common passwords and easy to guess; choose another.",
        )
