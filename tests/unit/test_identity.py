"""Unified social credit code check (GB 32100 / GB 11714) and the 2017 size classes."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment import identity
from assessment.identity import (
    SIZE_CLASS_DTYPE,
    USCC_CHARSET,
    CreditCodeError,
    InvalidCreditCode,
    SizeClass,
    is_above_designated_size,
    is_valid_uscc,
    org_code_check_char,
    size_class,
    size_classes,
    uscc_check_char,
    validate_uscc,
)
from assessment.reference import size_thresholds

HUAWEI = "914403001922038216"
TENCENT = "91440300708461136T"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (HUAWEI, HUAWEI),
        (TENCENT, TENCENT),
        ("  91440300708461136t\n", TENCENT),
    ],
)
def test_valid_codes_are_normalised(raw: str, normalised: str) -> None:
    assert validate_uscc(raw) == normalised
    assert is_valid_uscc(raw)


@pytest.mark.parametrize(
    ("code", "kind", "position", "message_zh", "message_en"),
    [
        (HUAWEI[:-1], CreditCodeError.LENGTH, None, "长度应为18位，实际为17位", "got 17"),
        (HUAWEI + "0", CreditCodeError.LENGTH, None, "实际为19位", "got 19"),
        ("", CreditCodeError.LENGTH, None, "实际为0位", "got 0"),
        (
            "91I403001922038216",
            CreditCodeError.CHARACTER,
            3,
            "第3位字符“I”不是合法字符",
            "character 3 'I' is not allowed",
        ),
        ("914403001922038O16", CreditCodeError.CHARACTER, 16, "第16位字符“O”", "character 16 'O'"),
        ("91440300708461136S", CreditCodeError.CHARACTER, 18, "第18位字符“S”", "character 18 'S'"),
        ("91440300708461136-", CreditCodeError.CHARACTER, 18, "第18位字符“-”", "character 18 '-'"),
        (
            "914403001922038217",
            CreditCodeError.CHECK,
            18,
            "校验码应为 6",
            "check character should be 6",
        ),
        (
            "91440300708461136U",
            CreditCodeError.CHECK,
            18,
            "校验码应为 T",
            "check character should be T",
        ),
        ("924403001922038216", CreditCodeError.CHECK, 18, "校验码应为", "should be"),
        (
            "914403001922038316",
            CreditCodeError.ORG_CHECK,
            17,
            "组织机构代码校验码（第17位）应为 X",
            "organisation-code check character (position 17) should be X",
        ),
        ("914403001922038226", CreditCodeError.ORG_CHECK, 17, "应为 1，实际为“2”", "got '2'"),
    ],
)
def test_invalid_codes_say_what_is_wrong(
    code: str, kind: CreditCodeError, position: int | None, message_zh: str, message_en: str
) -> None:
    with pytest.raises(InvalidCreditCode) as info:
        validate_uscc(code)
    error = info.value
    assert (error.kind, error.position) == (kind, position)
    assert message_zh in error.message_zh
    assert message_en in error.message_en
    assert error.message("en") == error.message_en
    assert isinstance(error, ValueError)
    assert not is_valid_uscc(code)


@pytest.mark.parametrize(
    ("body", "check"),
    [("19220382", "1"), ("70846113", "6"), ("10000018", "X"), ("10000004", "0")],
)
def test_org_code_check_char(body: str, check: str) -> None:
    assert org_code_check_char(body) == check


def test_org_code_values_the_full_alphabet() -> None:
    # GB 11714 lets I, O, S, V, Z occur in a bare organisation code; A=10 … Z=35.
    assert org_code_check_char("Z0000000") == str(11 - (35 * 3) % 11)


@pytest.mark.parametrize(("first17", "check"), [(HUAWEI[:17], "6"), (TENCENT[:17], "T")])
def test_uscc_check_char(first17: str, check: str) -> None:
    assert uscc_check_char(first17) == check


@pytest.mark.parametrize(
    ("helper", "bad", "kind"),
    [
        (uscc_check_char, HUAWEI[:16], CreditCodeError.LENGTH),
        (uscc_check_char, "9I" + HUAWEI[2:17], CreditCodeError.CHARACTER),
        (org_code_check_char, "1922038", CreditCodeError.LENGTH),
        (org_code_check_char, "1922-382", CreditCodeError.CHARACTER),
    ],
)
def test_check_char_helpers_reject_bad_input(
    helper: Callable[[str], str], bad: str, kind: CreditCodeError
) -> None:
    with pytest.raises(InvalidCreditCode) as info:
        helper(bad)
    assert info.value.kind is kind


def test_uscc_weights_are_powers_of_three() -> None:
    assert identity.USCC_WEIGHTS[:9] == (1, 3, 9, 27, 19, 26, 16, 17, 20)
    assert identity.USCC_WEIGHTS[-1] == 28


body_chars = st.text(alphabet=USCC_CHARSET, min_size=16, max_size=16)


def _complete(body16: str) -> str:
    """Append the organisation-code check and the USCC check to 16 characters."""
    first17 = body16 + org_code_check_char(body16[8:16])
    return first17 + uscc_check_char(first17)


@given(body_chars)
def test_generated_check_chars_make_any_body_valid(body16: str) -> None:
    code = _complete(body16)
    assert validate_uscc(code) == code


@given(body_chars, st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_any_single_substitution_is_detected(body16: str, index: int, char: str) -> None:
    code = _complete(body16)
    changed = code[:index] + char + code[index + 1 :]
    assert is_valid_uscc(changed) is (changed == code)


# --- size classes -----------------------------------------------------------------------------

SIZE_CASES = [
    (1000, 40000, SizeClass.LARGE),
    (5000, 1_000_000, SizeClass.LARGE),
    (1000, 39999, SizeClass.MEDIUM),
    (999, 40000, SizeClass.MEDIUM),
    (300, 2000, SizeClass.MEDIUM),
    (300, 1999, SizeClass.SMALL),  # revenue drops it a class
    (299, 2000, SizeClass.SMALL),
    (20000, 300, SizeClass.SMALL),  # many staff, little revenue
    (20, 300, SizeClass.SMALL),
    (20, 299.99, SizeClass.MICRO),
    (19, 1_000_000, SizeClass.MICRO),
    (0, 0, SizeClass.MICRO),
]


@pytest.mark.parametrize(("employees", "revenue_wan", "expected"), SIZE_CASES)
def test_size_class(employees: int, revenue_wan: float, expected: SizeClass) -> None:
    assert size_class(employees, revenue_wan) is expected


def test_vectorised_size_classes_match_the_table() -> None:
    employees = pd.Series([case[0] for case in SIZE_CASES], index=range(10, 10 + len(SIZE_CASES)))
    revenue = pd.Series([case[1] for case in SIZE_CASES], index=employees.index)
    result = size_classes(employees, revenue)
    assert result.dtype == SIZE_CLASS_DTYPE
    assert list(result.index) == list(employees.index)
    assert list(result) == [case[2] for case in SIZE_CASES]


def test_vectorised_size_classes_leave_missing_inputs_missing() -> None:
    employees = pd.Series([None, 500, 500], dtype="Int64")
    revenue = pd.Series([5000.0, math.nan, 5000.0])
    result = size_classes(employees, revenue)
    assert result.isna().tolist() == [True, True, False]
    assert result.iloc[2] == SizeClass.MEDIUM
    # An ordered categorical: micro < small < medium < large.
    assert (result > SizeClass.SMALL).tolist() == [False, False, True]


@given(
    st.lists(
        st.tuples(st.integers(0, 3000), st.floats(0, 100_000, allow_nan=False)),
        min_size=1,
        max_size=30,
    )
)
def test_scalar_and_vectorised_agree(rows: list[tuple[int, float]]) -> None:
    employees = pd.Series([row[0] for row in rows])
    revenue = pd.Series([row[1] for row in rows])
    assert list(size_classes(employees, revenue)) == [size_class(e, r) for e, r in rows]


@pytest.mark.parametrize(
    ("employees", "revenue_wan"), [(-1, 100.0), (10, -0.5), (10, math.nan), (10, math.inf)]
)
def test_size_class_rejects_invalid_inputs(employees: int, revenue_wan: float) -> None:
    with pytest.raises(ValueError, match="invalid"):
        size_class(employees, revenue_wan)


def test_vectorised_size_classes_reject_negative_inputs() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        size_classes(pd.Series([10, -1]), pd.Series([100.0, 100.0]))


def test_size_class_thresholds_come_from_the_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    thresholds = size_thresholds()
    large, *rest = thresholds.size_classes.classes
    stricter = thresholds.model_copy(
        update={
            "size_classes": thresholds.size_classes.model_copy(
                update={"classes": (large.model_copy(update={"min_employees": 2000}), *rest)}
            )
        }
    )
    monkeypatch.setattr(identity, "size_thresholds", lambda: stricter)
    assert size_class(1000, 40000) is SizeClass.MEDIUM
    assert size_classes(pd.Series([1000]), pd.Series([40000])).iloc[0] == SizeClass.MEDIUM


@pytest.mark.parametrize(
    ("revenue_wan", "expected"), [(2000, True), (1999.99, False), (0, False), (1e6, True)]
)
def test_above_designated_size(revenue_wan: float, expected: bool) -> None:
    assert is_above_designated_size(revenue_wan) is expected


def test_vectorised_above_designated_size() -> None:
    flags = identity.above_designated_size(pd.Series([2000, 1999.99, None]))
    assert flags.dtype == "boolean"
    assert flags.tolist()[:2] == [True, False]
    assert flags.isna().tolist() == [False, False, True]


def test_valid_usccs_agrees_with_the_one_by_one_check() -> None:
    """The vectorised check (used on whole tables) accepts exactly what validate_uscc does:
    every one-character change of valid codes, wrong lengths, non-ASCII and lower case."""
    import random

    from assessment.demo import generate
    from assessment.identity import valid_usccs

    codes = list(generate(enterprises=300, years=1, seed=4).enterprises["uscc"])
    rng = random.Random(8)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*a é９"
    changed = []
    for code in codes:
        for _ in range(4):
            at = rng.randrange(len(code))
            changed.append(code[:at] + rng.choice(alphabet) + code[at + 1 :])
    texts = [*codes, *changed, "", codes[0][:17], codes[0] + "1", "９" * 18]
    expected = [is_valid_uscc(text) and text == text.upper() for text in texts]
    assert list(valid_usccs(texts)) == expected
    assert all(valid_usccs(codes))
    assert 0 < sum(expected) < len(texts)
