"""``ronghe score INPUT --out OUTPUT``: batch scoring of a data set or an answers file.

INPUT is a directory holding ``answers`` (and optionally ``assessments`` and ``enterprises``)
or a single answers file; CSV, Parquet or XLSX by extension (docs/file-formats.md). The work is
done by ``assessment.batch``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assessment.cli import CommandError
from assessment.peers import DEFAULT_K
from assessment.streaming import DEFAULT_CHUNK, score_file
from assessment.tabular import TableError


def _explanation() -> tuple[str, str]:
    """The index's one-line explanation from the newest crosswalk (zh, en)."""
    from assessment.composite import index_name

    name, explanation = index_name()
    if explanation is None:
        return name.zh, name.en
    return explanation.zh, explanation.en


_EXPLANATION = _explanation()


def register(subparsers: Any) -> None:
    """Add the ``score`` sub-command."""
    parser = subparsers.add_parser(
        "score",
        help="批量评分 / score a data set",
        description="为数据集或答案文件中的每次评估评分，并计算融合指数（ronghe_index 列）。"
        + _EXPLANATION[0]
        + " / score every assessment of a data set or answers file and add the Ronghe Index "
        "(column ronghe_index). " + _EXPLANATION[1],
    )
    parser.add_argument(
        "input",
        type=Path,
        help="数据集目录或答案文件 / data-set directory or answers file (.csv, .parquet, .xlsx)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="结果文件 / result file (.csv, .parquet, .xlsx)"
    )
    parser.add_argument(
        "--k",
        type=int,
        default=DEFAULT_K,
        help="同行比较的最小组规模 / smallest peer group shown (default 5)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK,
        help="每批评分的评估数，决定内存占用 / assessments scored at a time; bounds the memory "
        f"(default {DEFAULT_CHUNK:,})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, check, score and write; user errors become a CommandError naming row and column."""
    if args.k < 2:
        raise CommandError("--k 至少为 2 / --k must be at least 2")
    if args.chunk_size < 1:
        raise CommandError("--chunk-size 至少为 1 / --chunk-size must be at least 1")
    try:
        scored = score_file(
            args.input, args.out, k=args.k, chunk_size=args.chunk_size, progress=progress_line()
        )
    except TableError as exc:
        raise CommandError(str(exc)) from exc
    sys.stdout.write(
        f"已为 {scored} 次评估评分 / scored {scored} assessments: {args.out}\n"
        f"融合指数 / Ronghe Index: {_EXPLANATION[0]} / {_EXPLANATION[1]}\n"
    )
    return 0


def progress_line(label: str = "scored") -> Callable[[int, int], None]:
    """A progress report on standard error: on a terminal a bar with the rate and the time left
    (tqdm), redrawn in place; otherwise a plain line at most every 10 % (logs stay short). A
    total of 0 means not known yet (a file read once): then the count alone, in logs each time
    it has doubled."""
    if sys.stderr.isatty():
        return _bar(label)
    shown = {"tenth": -1, "count": 0}

    def report(done: int, total: int) -> None:
        if total <= 0:
            if done >= 2 * shown["count"]:
                sys.stderr.write(f"{label} {done:,}\n")
                shown["count"] = done
        else:
            tenth = done * 10 // total
            if tenth > shown["tenth"]:
                sys.stderr.write(f"{label} {done:,}/{total:,}\n")
            shown["tenth"] = tenth
        sys.stderr.flush()

    return report


def _bar(label: str) -> Callable[[int, int], None]:
    """A terminal progress bar of assessments, timed from now, shown from the first report
    (the total set when it is known) and closed when the count reaches the total."""
    from tqdm import tqdm

    # delay: nothing drawn before a first count; mininterval 0: redrawn at every report, as
    # reports come a chunk (seconds) apart
    bar = tqdm(
        desc=label,
        unit=" assessments",
        unit_scale=True,
        file=sys.stderr,
        delay=1e-9,
        mininterval=0,
    )

    def report(done: int, total: int) -> None:
        if total > 0 and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if total > 0 and done >= total:
            bar.close()

    return report


def step_line(name: str) -> None:
    """A long step after the last chunk announced on standard error (a load's key build,
    dashboard summary and commit take minutes at a province's scale)."""
    sys.stderr.write(f"{name} …\n")
    sys.stderr.flush()
