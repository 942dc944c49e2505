"""``ronghe user add`` / ``ronghe user assign``: local accounts from the command line.

There is no built-in default password: the password comes from ``--password-stdin`` or is
generated and printed once.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlmodel import Session, col, select

from assessment.cli import CommandError
from assessment.db import make_engine
from assessment.models import Enterprise, Role
from assessment.repo.accounts import (
    assign_consultant,
    create_user,
    generate_password,
    get_user_by_username,
)
from assessment.repo.errors import RepositoryError


def register(subparsers: Any) -> None:
    """Add the ``user`` sub-command with ``add`` and ``assign``."""
    parser = subparsers.add_parser("user", help="管理本地账户 / manage local accounts")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="创建账户 / create an account")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--username", required=True)
    add.add_argument("--region", help="管理部门辖区代码 / bureau jurisdiction (6 digits)")
    add.add_argument("--enterprise", help="企业统一社会信用代码 / the enterprise's credit code")
    add.add_argument("--display-name", default="")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入读取密码，否则生成并显示一次 / read the password from stdin; "
        "otherwise one is generated and shown once",
    )
    add.set_defaults(func=run_add)
    assign = actions.add_parser("assign", help="为咨询机构分配企业 / assign clients")
    assign.add_argument("--consultant", required=True, help="咨询机构用户名 / username")
    assign.add_argument(
        "--enterprise",
        required=True,
        action="append",
        help="统一社会信用代码（可重复）/ credit code (repeatable)",
    )
    assign.set_defaults(func=run_assign)


def _enterprise_id(session: Session, uscc: str) -> int:
    found = session.exec(
        select(Enterprise).where(col(Enterprise.uscc) == uscc.strip().upper())
    ).first()
    if found is None or found.id is None:
        raise CommandError(f"未找到企业 {uscc} / no enterprise with credit code {uscc}")
    return found.id


def run_add(args: argparse.Namespace) -> int:
    """Create the account; print the generated password once."""
    generated = not args.password_stdin
    password = generate_password() if generated else sys.stdin.readline().rstrip("\r\n")
    engine = make_engine()
    try:
        with Session(engine) as session:
            enterprise_id = _enterprise_id(session, args.enterprise) if args.enterprise else None
            user = create_user(
                session,
                actor=None,
                username=args.username,
                role=args.role,
                password=password,
                region_code=args.region,
                enterprise_id=enterprise_id,
                display_name=args.display_name,
            )
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    sys.stdout.write(f"已创建账户 / account created: {user.username} ({user.role})\n")
    if generated:
        sys.stdout.write(f"密码（只显示这一次）/ password (shown once): {password}\n")
    return 0


def run_assign(args: argparse.Namespace) -> int:
    """Give a consultant access to enterprises."""
    engine = make_engine()
    try:
        with Session(engine) as session:
            consultant = get_user_by_username(session, username=args.consultant)
            if consultant is None or consultant.id is None:
                raise CommandError(f"未找到用户 {args.consultant} / no user {args.consultant}")
            ids = [_enterprise_id(session, uscc) for uscc in args.enterprise]
            assign_consultant(session, actor=None, consultant_id=consultant.id, enterprise_ids=ids)
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    sys.stdout.write(f"已分配 / assigned: {len(ids)} enterprise(s) to {args.consultant}\n")
    return 0
