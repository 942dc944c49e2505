"""``ronghe export``: scores or answers (CSV / XLSX, cells made inert) of the assessments in
the acting user's scope, or the JSON interchange file that passes a jurisdiction's data upward
(docs/interchange.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlmodel import Session

from assessment.cli import CommandError
from assessment.db import make_engine
from assessment.repo.errors import RepositoryError


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command."""
    parser = subparsers.add_parser(
        "export",
        help="导出得分、答案或交换文件 / export scores, answers or the interchange file",
        description="导出范围内评估的得分或答案（CSV/XLSX），或向上级报送的 JSON 交换文件 / "
        "export the scores or answers of the assessments in scope (CSV/XLSX), or the JSON "
        "interchange file for the next level up",
    )
    parser.add_argument("what", choices=("scores", "answers", "interchange"))
    parser.add_argument("--out", type=Path, required=True, help="输出文件 / output file")
    parser.add_argument("--year", type=int, help="年度 / year")
    parser.add_argument("--region", help="行政区划代码 / region code (6 digits)")
    parser.add_argument("--user", help="以此用户身份 / act as this user (default: system)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the export for the user's scope and write it."""
    from assessment.exchange.actor import command_line_actor
    from assessment.exchange.exports import export_tables
    from assessment.exchange.interchange import export_interchange

    suffix = args.out.suffix.lower().lstrip(".")
    if args.what == "interchange" and suffix != "json":
        raise CommandError("交换文件应为 .json / the interchange file must be .json")
    if args.what != "interchange" and suffix not in ("csv", "xlsx"):
        raise CommandError("请用 .csv 或 .xlsx / use .csv or .xlsx")
    engine = make_engine()
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = command_line_actor(session, args.user)
            if args.what == "interchange":
                _, data = export_interchange(
                    session, actor=actor, region_code=args.region, year=args.year
                )
            else:
                _, data = export_tables(
                    session,
                    actor=actor,
                    kind=args.what,
                    fmt=suffix,
                    year=args.year,
                    region_code=args.region,
                )
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    sys.stdout.write(f"已写出 / written: {args.out} ({len(data):,} bytes)\n")
    return 0
