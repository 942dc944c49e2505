"""Enterprise identity: the unified social credit code check, size class, above-designated-size.

The credit-code rules follow GB 32100-2015 with the embedded GB 11714 organisation-code check
(shared reference scoring-rules.md §7, [V]). Size thresholds come from
``data/reference/size_classes.yaml`` (2017 NBS method for industry, standards.md §7.1–7.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from assessment.reference import SizeClass, size_thresholds

# GB 32100 characters: digits and capitals without I, O, S, V, Z; a value is the index.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
# Weight of position i (1-based) is 3^(i-1) mod 31.
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(USCC_LENGTH - 1))
# GB 11714 body weights; the body is positions 9–16, its check character position 17.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_BODY = slice(8, 16)
ORG_CHECK_POSITION = 17

# Ordered from smallest to largest so that comparisons on the categorical mean "bigger than".
SIZE_CLASS_DTYPE = pd.CategoricalDtype(
    [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE], ordered=True
)


class CreditCodeError(StrEnum):
    """What is wrong with a credit code."""

    LENGTH = "length"
    CHARACTER = "character"
    ORG_CHECK = "org_check"
    CHECK = "check"


class InvalidCreditCode(ValueError):
    """A unified social credit code that fails GB 32100; carries zh and en messages."""

    def __init__(
        self, kind: CreditCodeError, message_zh: str, message_en: str, position: int | None = None
    ) -> None:
        self.kind = kind
        self.message_zh = message_zh
        self.message_en = message_en
        self.position = position  # 1-based, None when the error is not about one character
        super().__init__(f"{message_en} ({message_zh})")

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.message_en if lang == "en" else self.message_zh


def validate_uscc(code: str) -> str:
    """Return the normalised code (stripped, upper case) or raise :class:`InvalidCreditCode`.

    Checks in order: length, character set, GB 11714 check (position 17), GB 32100 check (18).
    """
    normalised = code.strip().upper()
    if len(normalised) != USCC_LENGTH:
        raise _length_error(normalised, USCC_LENGTH)
    _require_charset(normalised, USCC_CHARSET)
    _require_check(ORG_CHECK_POSITION, normalised, org_code_check_char(normalised[ORG_BODY]))
    _require_check(USCC_LENGTH, normalised, uscc_check_char(normalised[: USCC_LENGTH - 1]))
    return normalised


def valid_usccs(codes: Sequence[str] | np.ndarray) -> np.ndarray:
    """:func:`is_valid_uscc` of many normalised (stripped, upper-case) codes at once, in numpy:
    a data set's checks run :func:`validate_uscc` (for its message) only on the codes this
    refuses."""
    texts = np.asarray(codes, dtype=object)
    ok = np.zeros(len(texts), dtype=bool)
    shaped = np.array(
        [isinstance(t, str) and len(t) == USCC_LENGTH and t.isascii() for t in texts], dtype=bool
    )
    if not shaped.any():
        return ok
    chars = np.frombuffer("".join(texts[shaped]).encode("ascii"), dtype=np.uint8)
    chars = chars.reshape(-1, USCC_LENGTH)
    value = _lookup(USCC_CHARSET)[chars]
    body = _lookup("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")[chars[:, ORG_BODY]]
    org = 11 - (body * np.array(ORG_CODE_WEIGHTS)).sum(axis=1) % 11
    org_char = np.where(org == 10, ord("X"), np.where(org == 11, ord("0"), ord("0") + org % 10))
    total = (value[:, : USCC_LENGTH - 1] * np.array(USCC_WEIGHTS)).sum(axis=1)
    check = np.frombuffer(USCC_CHARSET.encode("ascii"), dtype=np.uint8)[(31 - total % 31) % 31]
    ok[shaped] = (
        (value >= 0).all(axis=1)
        & (body >= 0).all(axis=1)
        & (chars[:, ORG_CHECK_POSITION - 1] == org_char)
        & (chars[:, USCC_LENGTH - 1] == check)
    )
    return ok


def _lookup(charset: str) -> np.ndarray:
    """Byte → its place in ``charset`` (−1 for any other byte)."""
    table = np.full(256, -1, dtype=np.int64)
    table[np.frombuffer(charset.encode("ascii"), dtype=np.uint8)] = np.arange(len(charset))
    return table


def is_valid_uscc(code: str) -> bool:
    """Whether ``code`` is a valid unified social credit code."""
    try:
        validate_uscc(code)
    except InvalidCreditCode:
        return False
    return True


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) for the first 17 characters."""
    body = first17.upper()
    if len(body) != USCC_LENGTH - 1:
        raise _length_error(body, USCC_LENGTH - 1)
    _require_charset(body, USCC_CHARSET)
    total = sum(USCC_CHARSET.index(char) * w for char, w in zip(body, USCC_WEIGHTS, strict=True))
    # C18 = 31 - (S mod 31), where 31 wraps to 0.
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The GB 11714 organisation-code check character for its 8 body characters."""
    body = body8.upper()
    if len(body) != len(ORG_CODE_WEIGHTS):
        raise _length_error(body, len(ORG_CODE_WEIGHTS))
    # GB 11714 values the full Latin alphabet A=10 … Z=35, unlike the 31-character USCC set.
    _require_charset(body, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    total = sum(int(char, 36) * w for char, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def size_class(employees: int, revenue_wan: float) -> SizeClass:
    """Size class by the 2017 NBS rules for industry (revenue in 万元).

    A class needs both floors; a firm missing one drops a class until both are met, so the
    first class (largest first) whose floors are both met is the answer; micro takes the rest.
    """
    _require_size_inputs(employees, revenue_wan)
    for rule in size_thresholds().size_classes.classes:
        if employees >= rule.min_employees and revenue_wan >= rule.min_revenue_wan:
            return rule.id
    return SizeClass.MICRO  # unreachable: the YAML loader demands micro floors of 0


def size_classes(employees: pd.Series[Any], revenue_wan: pd.Series[Any]) -> pd.Series[Any]:
    """Vectorised :func:`size_class`: an ordered categorical, NA where either input is missing."""
    staff = pd.to_numeric(employees).astype("float64").to_numpy(na_value=np.nan)
    revenue = pd.to_numeric(revenue_wan).astype("float64").to_numpy(na_value=np.nan)
    if (staff < 0).any() or (revenue < 0).any():
        raise ValueError("从业人员和营业收入不能为负 / employees and revenue must not be negative")
    rules = size_thresholds().size_classes.classes
    conditions = [(staff >= r.min_employees) & (revenue >= r.min_revenue_wan) for r in rules]
    labels = np.select(conditions, [r.id.value for r in rules], default="")
    labels = np.where(np.isnan(staff) | np.isnan(revenue), "", labels)
    classes = pd.Series(labels, index=employees.index, dtype="object").replace("", None)
    return classes.astype(SIZE_CLASS_DTYPE)


def is_above_designated_size(main_business_revenue_wan: float) -> bool:
    """Whether main business revenue (万元) reaches the 规模以上 line (≥ 2000 万元 since 2011)."""
    _require_size_inputs(0, main_business_revenue_wan)
    return main_business_revenue_wan >= _designated_size_floor()


def above_designated_size(main_business_revenue_wan: pd.Series[Any]) -> pd.Series[Any]:
    """Vectorised :func:`is_above_designated_size`: nullable booleans, NA for missing revenue."""
    revenue = pd.to_numeric(main_business_revenue_wan).astype("Float64")
    if (revenue < 0).any():
        raise ValueError("营业收入不能为负 / revenue must not be negative")
    return (revenue >= _designated_size_floor()).astype("boolean")


def _designated_size_floor() -> float:
    """The above-designated-size floor in 万元, from the YAML."""
    return size_thresholds().above_designated_size.min_main_business_revenue_wan


def _require_size_inputs(employees: float, revenue_wan: float) -> None:
    """Raise ValueError (zh / en) for negative or non-finite size inputs."""
    if not (math.isfinite(employees) and employees >= 0):
        raise ValueError(f"从业人员数无效：{employees} / invalid number of employees: {employees}")
    if not (math.isfinite(revenue_wan) and revenue_wan >= 0):
        raise ValueError(f"营业收入无效：{revenue_wan} / invalid revenue: {revenue_wan}")


def _require_charset(text: str, charset: str) -> None:
    """Raise a CHARACTER error at the first character of ``text`` outside ``charset``."""
    for position, char in enumerate(text, start=1):
        if char not in charset:
            raise InvalidCreditCode(
                CreditCodeError.CHARACTER,
                f"第{position}位字符“{char}”不是合法字符",
                f"character {position} '{char}' is not allowed",
                position,
            )


def _require_check(position: int, code: str, expected: str) -> None:
    """Raise a check error when ``code[position - 1]`` is not ``expected``."""
    actual = code[position - 1]
    if actual == expected:
        return
    if position == ORG_CHECK_POSITION:
        raise InvalidCreditCode(
            CreditCodeError.ORG_CHECK,
            f"组织机构代码校验码（第{position}位）应为 {expected}，实际为“{actual}”",
            f"organisation-code check character (position {position}) should be {expected},"
            f" got '{actual}'",
            position,
        )
    raise InvalidCreditCode(
        CreditCodeError.CHECK,
        f"校验码应为 {expected}，实际为“{actual}”",
        f"check character should be {expected}, got '{actual}'",
        position,
    )


def _length_error(text: str, expected: int) -> InvalidCreditCode:
    """A LENGTH error for ``text`` that should have ``expected`` characters."""
    return InvalidCreditCode(
        CreditCodeError.LENGTH,
        f"长度应为{expected}位，实际为{len(text)}位",
        f"length should be {expected} characters, got {len(text)}",
    )


__all__ = [
    "SIZE_CLASS_DTYPE",
    "USCC_CHARSET",
    "CreditCodeError",
    "InvalidCreditCode",
    "SizeClass",
    "above_designated_size",
    "is_above_designated_size",
    "is_valid_uscc",
    "org_code_check_char",
    "size_class",
    "size_classes",
    "uscc_check_char",
    "validate_uscc",
]
