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
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{source} is not valid JSON: {exc.msg} (line {exc.lineno})") from exc


def decide(data: Any) -> CaseResult:
    """Validate the JSON case and evaluate it; user errors become ``CommandError``."""
    try:
        return evaluate(Case.model_validate(data))
    except ValidationError as exc:
        raise CommandError(error_message(exc)) from exc
    except PenaltyError as exc:
        raise CommandError(str(exc)) from exc


def run(args: argparse.Namespace) -> int:
    """Read, decide, write."""
    result = decide(_read(args.input))
    if args.format == "markdown":
        payload = to_markdown(result)
    else:
        text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)
        payload = (text + "\n").encode("utf-8")
    if args.out is None:
        sys.stdout.write(payload.decode("utf-8"))
    else:
        args.out.write_bytes(payload)
    return 0
