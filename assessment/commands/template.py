"""``ronghe template``: the Excel collection template for a set of frameworks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assessment.cli import CommandError


def register(subparsers: Any) -> None:
    """Add the ``template`` sub-command."""
    parser = subparsers.add_parser(
        "template",
        help="生成 Excel 采集模板 / write an Excel collection template",
        description="按所选指标体系生成带下拉列表的 Excel 模板，填好后可用 ronghe import 导入 / "
        "an Excel template with drop-down lists for the chosen frameworks; fill it in and "
        "import it with ronghe import",
    )
    parser.add_argument(
        "--framework",
        action="append",
        required=True,
        metavar="ID[@VERSION]",
        help="指标体系（可重复，缺省为最新版本）/ framework, repeatable (default: newest version)",
    )
    parser.add_argument("--out", type=Path, required=True, help="输出 .xlsx / output .xlsx")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the workbook and write it."""
    from assessment.exchange.templates import template_workbook
    from indicators.errors import UnknownFrameworkError

    wanted: dict[str, str | None] = {}
    for item in args.framework:
        framework_id, _, version = item.partition("@")
        wanted[framework_id.strip()] = version.strip() or None
    try:
        data = template_workbook(wanted)
    except UnknownFrameworkError as exc:
        raise CommandError(f"未知的指标体系或版本 / unknown framework or version: {exc}") from exc
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    sys.stdout.write(f"已写出模板 / template written: {args.out}\n")
    return 0
