"""``ronghe report``: the client report (PDF or Excel) of one enterprise and year, or a zip of
every assessment of a year in the acting user's scope."""

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
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="生成评估报告 / produce assessment reports",
        description="按企业和年度生成 PDF 或 Excel 报告；--all 把该年度范围内的全部报告打包为 zip "
        "/ the PDF or Excel report of one enterprise and year; --all zips every report of the year "
        "within the user's scope",
    )
    parser.add_argument("--enterprise", help="统一社会信用代码 / credit code (USCC)")
    parser.add_argument("--year", type=int, required=True, help="评估年度 / year")
    parser.add_argument("--all", action="store_true", help="范围内全部企业 / every enterprise")
    parser.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="报告语言 / language")
    parser.add_argument("--user", help="以此用户身份 / act as this user (default: system)")
    parser.add_argument("--out", type=Path, required=True, help="输出文件 / output file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Find the assessments, render and write the file."""
    from sqlmodel import col, select

    from assessment.exchange.actor import command_line_actor
    from assessment.models import Assessment, Enterprise
    from assessment.repo.access import scope_condition
    from assessment.reports.bundle import export_reports, find_assessment

    if bool(args.enterprise) == bool(args.all):
        raise CommandError("请给出 --enterprise 或 --all 之一 / give --enterprise or --all")
    engine = make_engine()
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = command_line_actor(session, args.user)
            if args.enterprise:
                ids = [
                    find_assessment(session, actor=actor, uscc=args.enterprise, year=args.year).id
                ]
            else:
                ids = list(
                    session.exec(
                        select(Assessment.id)
                        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
                        .where(col(Assessment.year) == args.year, scope_condition(actor))
                        .order_by(col(Assessment.id))
                    ).all()
                )
            name, data = export_reports(
                session,
                actor=actor,
                assessment_ids=[int(i) for i in ids if i is not None],
                fmt=args.format,
                lang=args.lang,
                as_zip=args.all,
            )
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    out = args.out if not (args.all and args.out.suffix != ".zip") else args.out / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    sys.stdout.write(f"已写出 / written: {out} ({len(data):,} bytes, {len(ids)} reports)\n")
    return 0
