"""``ronghe load DIR``: bulk-load a data set (enterprises, assessments, answers) and store its
results."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlmodel import Session

from assessment.cli import CommandError
from assessment.db import make_engine, migrate
from assessment.repo.errors import RepositoryError
from assessment.streaming import DEFAULT_CHUNK


def register(subparsers: Any) -> None:
    """Add the ``load`` sub-command."""
    parser = subparsers.add_parser(
        "load",
        help="批量载入数据集 / bulk-load a data set",
        description="载入 enterprises / assessments / answers 三张表（CSV、Parquet 或 XLSX）并计算"
        "结果 / load the enterprises, assessments and answers tables (CSV, Parquet or XLSX) "
        "and store their results",
    )
    parser.add_argument("directory", type=Path, help="数据目录 / folder of the three tables")
    parser.add_argument(
        "--no-score", action="store_true", help="只载入，不计算结果 / load only, store no results"
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK,
        help="每批载入的评估数，决定内存占用 / assessments loaded at a time; bounds the memory "
        f"(default {DEFAULT_CHUNK:,})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the enterprises and assessments, stream the answers in chunks of whole assessments
    and load everything in one transaction."""
    from assessment.commands.score import progress_line, step_line
    from assessment.repo.loading import load_chunks
    from assessment.repo.reference_data import sync_reference_data
    from assessment.streaming import chunks, survey
    from assessment.tabular import TableError, read_table
    from assessment.validation import Sources

    if not args.directory.is_dir():
        raise CommandError(f"目录不存在 / no such folder: {args.directory}")
    if args.chunk_size < 1:
        raise CommandError("--chunk-size 至少为 1 / --chunk-size must be at least 1")
    try:
        sources = Sources.of_directory(args.directory)
        enterprises = read_table(sources.enterprises)
        assessments = read_table(sources.assessments)
        answers = survey(sources.answers)
    except TableError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"无法读取数据集 / cannot read the data set: {exc}") from exc
    engine = make_engine()
    spill = Path(tempfile.mkdtemp(prefix="ronghe-load-"))
    try:
        migrate(engine)
        with Session(engine) as session:
            sync_reference_data(session)
        report = load_chunks(
            engine,
            enterprises,
            assessments,
            lambda: chunks(answers, args.chunk_size, spill),
            actor_username="load",
            score=not args.no_score,
            sources=sources,
            progress=progress_line("loaded"),
            step=step_line,
        )
    except TableError as exc:  # a file that breaks while it is streamed
        raise CommandError(str(exc)) from exc
    except RepositoryError as exc:
        raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
    finally:
        engine.dispose()
        shutil.rmtree(spill, ignore_errors=True)
    sys.stdout.write(
        f"已载入 / loaded: {report.enterprises} enterprises, {report.assessments} "
        f"assessments, {report.answers} answers, {report.results} results "
        f"({sum(report.seconds.values()):.1f} s: {report.steps()})\n"
    )
    return 0
