"""Prefill tokens (``/penalty?prefill=<token>``): a violation survives the round trip; a bad token
is refused with a clear message in both languages."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from assessment.penalty.prefill import (
    MAX_TOKEN_LENGTH,
    PrefillError,
    decode_prefill,
    encode_prefill,
)

VIOLATION: dict[str, Any] = {
    "label": "未履行数据安全保护义务",
    "fines": [
        {
            "law": "《数据安全法》第四十五条第一款",
            "kind": "amount",
            "minimum": 50000,
            "maximum": 500000,
        }
    ],
    "circumstances": ["art8_item1"],
    "details": {"art8_item1": "泄露个人信息十万条"},
}


def raw_token(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def test_round_trip_keeps_the_violation() -> None:
    token = encode_prefill(VIOLATION)
    assert decode_prefill(token) == VIOLATION


def test_token_is_url_safe_base64_without_padding_of_utf8_json() -> None:
    token = encode_prefill(VIOLATION)
    assert "=" not in token
    assert "+" not in token
    assert "/" not in token
    padded = token + "=" * (-len(token) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded).decode("utf-8")) == VIOLATION


def test_a_token_made_elsewhere_decodes() -> None:
    """Another page builds the token itself, from the contract in COMMON.md."""
    data = {"label": "x", "fines": [{"law": "某法", "kind": "amount", "maximum": 10}]}
    token = raw_token(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert decode_prefill(token) == data


def test_encode_refuses_a_violation_the_engine_refuses() -> None:
    with pytest.raises(PrefillError, match="above the maximum"):
        encode_prefill({"fines": [{"minimum": 9, "maximum": 1}]})


@pytest.mark.parametrize(
    ("token", "zh", "en"),
    [
        ("", "为空", "empty"),
        ("abc$def", "已损坏", "damaged"),
        ("a", "已损坏", "damaged"),  # a length no base64 text can have
        (raw_token(b"\xff\xfe not utf-8"), "无法读取", "cannot be read"),
        (raw_token(b"{not json"), "无法读取", "cannot be read"),
        (raw_token(b"[1, 2]"), "一个违法行为", "one violation"),
        (raw_token(b'{"violations": []}'), "一个违法行为", "one violation"),
        (raw_token(b'{"fines": 1}'), "应为列表", "list is expected"),
        (raw_token(b'{"circumstances": ["art99_item1"]}'), "未知的情形", "Unknown circumstance"),
        (
            raw_token(json.dumps({"fines": [{"minimum": 9, "maximum": 1}]}).encode()),
            "高于最高限",
            "above the maximum",
        ),
        ("A" * (MAX_TOKEN_LENGTH + 4), "过长", "too long"),
    ],
    ids=[
        "empty",
        "alphabet",
        "length",
        "not_utf8",
        "not_json",
        "array",
        "whole_case",
        "wrong_type",
        "unknown_id",
        "min_above_max",
        "too_long",
    ],
)
def test_bad_tokens_are_refused_in_both_languages(token: str, zh: str, en: str) -> None:
    with pytest.raises(PrefillError) as caught:
        decode_prefill(token)
    assert zh in caught.value.message("zh")
    assert en in caught.value.message("en")
    assert "Value error" not in caught.value.message("en")
