"""Prefill tokens: one violation in the ``ronghe penalty`` input format, carried in a URL.

The penalty page opens as ``/penalty?prefill=<token>``; the token is URL-safe base64 without
padding of the violation's UTF-8 JSON (``label``, ``fines`` [{law, kind, minimum, maximum}],
optionally ``circumstances`` …). Other pages (e.g. a data-security result) link to it this way.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from pydantic import ValidationError

from assessment.penalty.feedback import field_errors, located_text
from assessment.penalty.models import Violation
from assessment.repo.errors import ValidationFailed

MAX_TOKEN_LENGTH = 16_000  # a violation with its facts fits in far less; a URL should stay short
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class PrefillError(ValidationFailed):
    """A prefill token that cannot be read; ``message_zh`` / ``message_en`` say why."""


def encode_prefill(violation: dict[str, Any]) -> str:
    """The token for ``violation`` (validated first, so a link never carries a bad case)."""
    _validated(violation)
    raw = json.dumps(violation, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_prefill(token: str) -> dict[str, Any]:
    """The violation a token carries, validated as a ``ronghe penalty`` violation.

    Raises:
        PrefillError: not URL-safe base64, not UTF-8 JSON of one object, or not a valid violation.
    """
    token = token.strip()
    if not token:
        raise PrefillError("预填链接为空。", "The prefill link is empty.")
    if len(token) > MAX_TOKEN_LENGTH:
        raise PrefillError(
            f"预填链接过长（超过 {MAX_TOKEN_LENGTH} 个字符）。",
            f"The prefill link is too long (over {MAX_TOKEN_LENGTH} characters).",
        )
    if not _ALPHABET.fullmatch(token) or len(token) % 4 == 1:
        raise PrefillError(
            "预填链接不完整或已损坏（不是有效的编码），请重新复制链接。",
            "The prefill link is incomplete or damaged (not valid encoding); copy it again.",
        )
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PrefillError(
            "预填链接的内容无法读取（不是 UTF-8 编码的 JSON）。",
            "The prefill link's content cannot be read (not UTF-8 JSON).",
        ) from exc
    if not isinstance(data, dict) or "violations" in data:
        raise PrefillError(
            "预填链接应当只包含一个违法行为（一个 JSON 对象）。",
            "A prefill link must carry one violation (one JSON object).",
        )
    _validated(data)
    return data


def _validated(violation: dict[str, Any]) -> Violation:
    try:
        return Violation.model_validate(violation)
    except ValidationError as exc:
        errors = field_errors(exc)
        first = errors[0]
        more = len(errors) - 1
        zh = located_text(first, "zh") + (f"（另有 {more} 处错误）" if more else "")
        en = located_text(first, "en") + (f" (and {more} more)" if more else "")
        where = ".".join(str(p) for p in first.loc)
        raise PrefillError(
            f"预填链接中的违法行为有误{f'（{where}）' if where else ''}：{zh}",
            f"The violation in the prefill link is invalid{f' ({where})' if where else ''}: {en}",
        ) from exc
