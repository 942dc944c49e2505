"""``ronghe import FILE``: validate and import a filled template, a long answers table (CSV in
UTF-8, UTF-8 with BOM, GBK or GB18030; XLSX) or a zipped data set as drafts (all or nothing);
a ``.json`` interchange file from another Ronghe instance is rolled up instead."""

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
    """Add the ``import`` sub-command."""
    parser = subparsers.add_parser(
        "import",
        help="校验并导入评估答案 / validate and import assessments",
        description="导入填好的模板、长表（CSV/XLSX）或数据集压缩包；全部通过校验才写入，同一文件"
        "重复导入不会改变任何数据 / import a filled template, a long table (CSV/XLSX) or a "
        "zipped data set; stored only when every row passes, and the same file twice changes "
        "nothing",
    )
    parser.add_argument("file", type=Path, help="文件 / file (.xlsx, .csv, .zip)")
    parser.add_argument("--user", help="以此用户身份 / act as this user (default: system)")
    parser.add_argument(
        "--check", action="store_true", help="只校验，不写入 / validate only, store nothing"
    )
    parser.add_argument(
        "--report", type=Path, help="把问题清单写成 XLSX / write the problems as XLSX"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, check and (unless --check) apply; problems are listed and the exit status is 2."""
    from assessment.exchange.actor import command_line_actor
    from assessment.exchange.importing import apply_import, check_import, issues_workbook
    from assessment.exchange.reading import ImportRefused, read_upload

    if not args.file.is_file():
        raise CommandError(f"文件不存在 / no such file: {args.file}")
    engine = make_engine()
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = command_line_actor(session, args.user)
            try:
                if args.file.suffix.lower() == ".json":
                    return _rollup(session, actor, args)
                parsed = read_upload(args.file.name, args.file.read_bytes())
                if parsed.encoding:
                    sys.stdout.write(f"编码 / encoding: {parsed.encoding}\n")
                sys.stdout.write(f"格式 / layout: {parsed.layout}; {len(parsed.answers)} answers\n")
                if args.check:
                    check = check_import(session, actor=actor, parsed=parsed)
                    if not check.ok:
                        raise ImportRefused(check.issues)
                    sys.stdout.write(
                        f"校验通过 / valid: {check.assessments_new} new, "
                        f"{check.assessments_updated} updated, {check.answers_changed} answers "
                        f"to write, {check.answers_unchanged} unchanged\n"
                    )
                    return 0
                outcome = apply_import(session, actor=actor, parsed=parsed)
            except ImportRefused as exc:
                _list(exc.issues)
                if args.report:
                    args.report.write_bytes(issues_workbook(exc.issues))
                    sys.stderr.write(f"问题清单 / problems written: {args.report}\n")
                raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    sys.stdout.write(f"{outcome.message('zh')} / {outcome.message('en')}\n")
    return 0


def _rollup(session: Any, actor: Any, args: argparse.Namespace) -> int:
    """Import a JSON interchange file from another Ronghe instance (roll-up)."""
    from assessment.exchange.interchange import import_interchange

    if args.check:
        raise CommandError("交换文件不支持 --check / --check does not apply to interchange files")
    outcome = import_interchange(
        session, actor=actor, data=args.file.read_bytes(), filename=args.file.name
    )
    sys.stdout.write(f"{outcome.message('zh')} / {outcome.message('en')}\n")
    return 0


def _list(issues: list[Any]) -> None:
    for issue in issues[:50]:
        where = ", ".join(
            str(p) for p in (issue.sheet, issue.row and f"row {issue.row}", issue.column) if p
        )
        sys.stderr.write(f"  {where}: {issue.value!r} — {issue.reason_zh} / {issue.reason_en}\n")
    if len(issues) > 50:
        sys.stderr.write(f"  … {len(issues) - 50} more / 另有 {len(issues) - 50} 个\n")
