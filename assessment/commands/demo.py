"""``ronghe demo``: write a synthetic data set (enterprises, assessments, answers)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assessment.cli import CommandError
from assessment.demo import DemoData, generate_blocks
from assessment.tabular import TableError


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="生成合成演示数据 / write synthetic demo data",
        description="生成合成但逼真的企业、评估和答案表 / write synthetic but realistic "
        "enterprises, assessments and answers",
    )
    parser.add_argument(
        "--enterprises", type=int, default=200, help="企业数 / number of enterprises (default 200)"
    )
    parser.add_argument(
        "--years", type=int, default=3, help="评估年数 / number of assessment years (default 3)"
    )
    parser.add_argument("--seed", type=int, default=0, help="随机种子 / random seed (default 0)")
    parser.add_argument(
        "--end-year",
        type=int,
        default=2025,
        help="最后评估年份 / last assessment year (default 2025)",
    )
    parser.add_argument("--out", type=Path, required=True, help="输出目录 / output directory")
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="文件格式 / file format (default csv)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the data set and write its three tables into ``--out``."""
    if args.enterprises < 1 or args.years < 1:
        raise CommandError(
            "--enterprises 和 --years 至少为 1 / --enterprises and --years must be at least 1"
        )
    if args.out.exists() and not args.out.is_dir():
        raise CommandError(f"{args.out} 不是目录 / {args.out} is not a directory")
    blocks = generate_blocks(
        enterprises=args.enterprises, years=args.years, seed=args.seed, end_year=args.end_year
    )
    try:
        counts = DemoData.write_blocks(blocks, args.out, args.format)
    except TableError as exc:
        raise CommandError(str(exc)) from exc
    sys.stdout.write(
        f"已写入 {counts.enterprises} 家企业、{counts.assessments} 次评估、"
        f"{counts.answers} 条答案 / wrote {counts.enterprises} enterprises, "
        f"{counts.assessments} assessments, {counts.answers} answers: "
        + ", ".join(str(p) for p in counts.paths)
        + "\n"
    )
    return 0
