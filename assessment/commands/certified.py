"""``ronghe certified import FILE``: import certified and official results (DCMM certificates,
贯标 grades, official 两化融合 scores, official SME levels, CMMM assessed levels).

The file format is in docs/file-formats.md. Every row is checked first; any error refuses the
whole file (exit status 2) with every bad row and column listed, and nothing is stored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from assessment.cli import CommandError
from assessment.db import make_engine, migrate
from assessment.models import User
from assessment.repo.errors import RepositoryError
from assessment.tabular import TableError


def register(subparsers: Any) -> None:
    """Add the ``certified`` sub-command with ``import``."""
    parser = subparsers.add_parser(
        "certified", help="认证及官方结果 / certified and official results"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    imp = actions.add_parser(
        "import",
        help="导入认证及官方结果 / import certified and official results",
        description="导入 DCMM 证书、贯标等级、两化融合官方得分、中小企业数字化官方等级和智能制造"
        "成熟度评估等级（CSV、Parquet 或 XLSX，格式见 docs/file-formats.md）；"
        "任何一行有错则整个文件"
        "不导入 / import DCMM certificates, 贯标 grades, official 两化融合 scores, official SME "
        "levels and CMMM assessed levels (CSV, Parquet or XLSX; see docs/file-formats.md); one "
        "bad row refuses the whole file",
    )
    imp.add_argument("file", type=Path, help="导入文件 / the file to import")
    imp.add_argument(
        "--as",
        dest="username",
        help="以该用户的权限导入（咨询机构、管理部门或管理员）；缺省为命令行系统身份 / import "
        "with this user's scope (consultant, bureau or admin); default: the command line",
    )
    imp.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import the file in one transaction; print how many results were stored."""
    from assessment.repo.certified import import_certified

    engine = make_engine()
    try:
        migrate(engine)
        with Session(engine) as session:
            actor = _actor(session, args.username)
            stored = import_certified(session, args.file, actor=actor)
    except (RepositoryError, TableError) as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    sys.stdout.write(
        f"已导入 {len(stored)} 条认证及官方结果 / imported {len(stored)} certified results\n"
    )
    return 0


def _actor(session: Session, username: str | None) -> User | None:
    if username is None:
        return None
    found = session.exec(select(User).where(col(User.username) == username.strip())).first()
    if found is None:
        raise CommandError(f"未找到用户 {username} / no user {username}")
    return found
