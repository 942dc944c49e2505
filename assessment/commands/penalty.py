"""``ronghe penalty``: the CAC penalty-discretion engine on a JSON case.

The JSON format is documented in ``assessment/penalty/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assessment.cli import CommandError
from assessment.limits import Limits, get_limits
from assessment.penalty import Case, CaseResult, PenaltyError, evaluate, to_markdown
from assessment.penalty.models import error_message


def register(subparsers: Any) -> None:
    """Add the ``penalty`` sub-command."""
    parser = subparsers.add_parser(
        "penalty",
        help="penalty-discretion benchmark (CAC rules of 2025) / 网信部门行政处罚裁量权基准",
        description="Read a case as JSON (a file, or - for stdin); write tier, fine range, "
        "articles and the Article 17 reasoning.",
    )
    parser.add_argument("input", help="JSON file with the case, or - for stdin")
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    parser.add_argument(
        "--format", choices=("json", "markdown"), default="json", help="output format"
    )
    parser.set_defaults(func=run)


def _read(source: str) -> Any:
    """The JSON case of ``source`` (a file or ``-``), within the input limits."""
    limits = get_limits()
    limit = limits.max_json_bytes
    variable = Limits.variable("max_json_bytes")
    try:
        if source == "-":
            binary = getattr(sys.stdin, "buffer", None)  # absent when stdin is replaced by text
            raw = binary.read(limit + 1) if binary else sys.stdin.read(limit + 1).encode()
        else:
            with Path(source).open("rb") as stream:
                raw = stream.read(limit + 1)  # never more than one byte past the limit
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CommandError(f"无法读取 {source}：{reason} / cannot read {source}: {reason}") from exc
    if len(raw) > limit:
        raise CommandError(
            f"{source} 超过 {limit} 字节的限制（可由 {variable} 调整）/ "
            f"{source} is larger than the limit of {limit} bytes (set by {variable})"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{source} 不是 UTF-8 编码（第 {exc.start} 字节）/ "
            f"{source} is not UTF-8 text (byte {exc.start})"
        ) from exc
    depth = _nesting(text)
    if depth > limits.max_json_depth:
        variable = Limits.variable("max_json_depth")
        raise CommandError(
            f"{source} 嵌套 {depth} 层，超过 {limits.max_json_depth} 层的限制"
            f"（可由 {variable} 调整）/ {source} is nested {depth} levels deep, over the limit of "
            f"{limits.max_json_depth} (set by {variable})"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{source} 不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行，第 {exc.colno} 列）/ "
            f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise CommandError(
            f"{source} 含有无法读取的数值（位数过多）/ {source} holds a number that is too long "
            f"to read ({str(exc).split(':')[0]})"
        ) from exc


def _nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (brackets inside strings are
    not counted), measured without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def decide(data: Any, source: str = "input") -> CaseResult:
    """Validate the JSON case and evaluate it; user errors become ``CommandError`` naming
    ``source`` and the place in the case."""
    try:
        return evaluate(Case.model_validate(data))
    except ValidationError as exc:
        reason = error_message(exc)
        raise CommandError(
            f"{source}：案件无效：{reason} / {source}: invalid case: {reason}"
        ) from exc
    except PenaltyError as exc:
        raise CommandError(f"{source}：{exc}") from exc


def run(args: argparse.Namespace) -> int:
    """Read, decide, write."""
    result = decide(_read(args.input), args.input)
    if args.format == "markdown":
        payload = to_markdown(result)
    else:
        text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)
        payload = (text + "\n").encode("utf-8")
    if args.out is None:
        sys.stdout.write(payload.decode("utf-8"))
        return 0
    try:
        args.out.write_bytes(payload)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CommandError(
            f"无法写入 {args.out}：{reason} / cannot write {args.out}: {reason}"
        ) from exc
    return 0
