"""``ronghe init-db`` (migrate to head, reference data, optional demo) and ``ronghe rescore``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from assessment.cli import CommandError
from assessment.db import ensure_local_folder, make_engine, migrate
from assessment.models import Enterprise
from assessment.repo.errors import RepositoryError
from assessment.settings import get_settings


def register(subparsers: Any) -> None:
    """Add the ``init-db`` and ``rescore`` sub-commands."""
    init = subparsers.add_parser(
        "init-db",
        help="创建或升级数据库 / create or upgrade the database",
        description="把数据库迁移到最新版本并写入参考数据（DATABASE_URL）/ migrate the database "
        "(DATABASE_URL) to the newest schema and fill the reference data",
    )
    init.add_argument(
        "--demo-if-empty",
        action="store_true",
        help="数据库没有企业时载入演示数据并创建演示账户 / when there are no "
        "enterprises, load a demo data set and create demo accounts",
    )
    init.add_argument(
        "--demo-enterprises",
        type=int,
        default=300,
        help="演示企业数 / demo enterprises (default 300)",
    )
    init.add_argument("--demo-years", type=int, default=3, help="演示年数 / demo years (default 3)")
    init.add_argument("--seed", type=int, default=2026, help="随机种子 / random seed")
    init.set_defaults(func=run_init)
    rescore = subparsers.add_parser(
        "rescore",
        help="重新计算已存结果 / recompute stored results",
        description="用新的换算表或指标体系版本重新计算已提交评估的结果，不改动答案 / recompute "
        "the results of submitted assessments for a new crosswalk or framework version; "
        "answers are not touched",
    )
    rescore.add_argument(
        "--framework",
        action="append",
        default=[],
        metavar="ID@VERSION",
        help="按此版本计分（可重复）/ score this framework at this version",
    )
    rescore.set_defaults(func=run_rescore)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def run_init(args: argparse.Namespace) -> int:
    """Migrate to head, sync reference data, and load the demo when asked and empty."""
    from assessment.repo.reference_data import sync_reference_data

    settings = get_settings()
    engine = make_engine(settings.DATABASE_URL)
    try:
        migrate(engine)
        with Session(engine) as session:
            regions, industries = sync_reference_data(session)
            empty = session.exec(select(func.count()).select_from(Enterprise)).one() == 0
            _fill_summary(session)
        _say(
            f"数据库已就绪 / database ready: {engine.url.render_as_string(hide_password=True)} "
            f"({regions} regions, {industries} industries)"
        )
        if args.demo_if_empty and empty:
            _load_demo(engine, args, Path(settings.demo_accounts_file))
        elif args.demo_if_empty:
            _say("已有企业数据，未载入演示数据 / enterprises exist: demo not loaded")
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    return 0


def _fill_summary(session: Session) -> None:
    """Build the dashboard summary of a database migrated from before it existed."""
    from assessment.analytics.summary import rebuild_summary
    from assessment.models import Assessment, DashboardCell

    cells = session.exec(select(func.count()).select_from(DashboardCell)).one()
    assessments = session.exec(select(func.count()).select_from(Assessment)).one()
    if assessments and not cells:
        rows = rebuild_summary(session)
        session.commit()
        _say(f"仪表板汇总已建立 / dashboard summary built: {rows} cells")


def _load_demo(engine: Any, args: argparse.Namespace, accounts_file: Path) -> None:
    from assessment.demo import generate
    from assessment.repo.demo_setup import accounts_text, create_demo_accounts, with_county
    from assessment.repo.loading import load_dataset

    data, county = with_county(
        generate(enterprises=args.demo_enterprises, years=args.demo_years, seed=args.seed)
    )
    report = load_dataset(engine, data, actor_username="init-db")
    _say(
        f"演示数据已载入 / demo loaded: {report.enterprises} enterprises, "
        f"{report.assessments} assessments, {report.answers} answers"
    )
    with Session(engine) as session:
        accounts = create_demo_accounts(session, county=county)
        _demo_certified(session, args.seed)
    listing = accounts_text(accounts)
    ensure_local_folder(accounts_file)
    accounts_file.write_text(listing, encoding="utf-8")
    os.chmod(accounts_file, 0o600)
    _say(listing + f"(已保存到 / saved to {accounts_file})")


def _demo_certified(session: Session, seed: int) -> None:
    """Synthetic certified results for some demo enterprises; results recomputed with them."""
    from assessment.repo.assessments import rescore_assessments
    from assessment.repo.certified import seed_demo_certified

    count = seed_demo_certified(session, seed=seed)
    rescore_assessments(session, actor=None)
    _say(f"演示认证结果 / demo certified results: {count}")


def run_rescore(args: argparse.Namespace) -> int:
    """Recompute the stored results of every submitted assessment."""
    from assessment.repo.assessments import rescore_assessments

    versions = {}
    for item in args.framework:
        framework_id, _, version = item.partition("@")
        if not version:
            raise CommandError(f"格式应为 ID@VERSION：{item} / expected ID@VERSION: {item}")
        versions[framework_id] = version
    engine = make_engine()
    try:
        with Session(engine) as session:
            count = rescore_assessments(session, actor=None, framework_versions=versions)
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
    _say(f"已重新计算 / rescored: {count} assessments")
    return 0
