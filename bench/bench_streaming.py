"""Streamed ``ronghe score`` (issue 15): time and peak memory against the input size.

A demo data set of ``BASE`` assessments (every framework) is generated once; larger answers
files repeat its answers with the assessment ids suffixed (``-r1``, ``-r2`` …), written row group
by row group, so every size has the same mix of answers. Each size in ``BENCH_STREAM_SIZES``
(default ``10000,100000``; add ``1000000`` for the national scale — about 265 M rows and
15 minutes on 2 cores) is scored from Parquet, and the sizes up to ``BENCH_STREAM_CSV_MAX``
(default 100,000) also from CSV, each by ``ronghe score`` in a process of its own whose peak RSS
is read from ``wait4``. The floors, measured in the same run on the same files (also in their
own processes): Parquet — ``pd.read_parquet`` of the answers and ``pd.factorize`` of every
column; CSV — ``pyarrow.csv.read_csv`` of the file. Above 100,000 assessments the file does not
fit in memory whole, so the floors do the same work batch by batch (``iter_batches`` /
``open_csv``).

Then ``ronghe demo`` writes data sets of the sizes in ``BENCH_STREAM_DEMO`` (time and peak RSS),
and ``ronghe load`` loads one of ``BENCH_STREAM_LOAD`` assessments (default: the smallest) into
SQLite and, when a server answers, PostgreSQL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = 10_000
DEFAULT_SIZES = "10000,100000"
TARGET_RATIO = 3.0
TARGET_MEMORY_MB = 4096.0
FLOOR_MAX = 100_000
TARGET_LOAD_RATE = 600_000

PARQUET_FLOOR = """
import sys, pandas as pd
answers = pd.read_parquet(sys.argv[1])
for column in answers.columns:
    pd.factorize(answers[column])
"""
CSV_FLOOR = """
import sys, pyarrow.csv as c
c.read_csv(sys.argv[1])
"""
# above FLOOR_MAX the whole file does not fit in memory: the same work batch by batch
PARQUET_STREAMED_FLOOR = """
import sys, pandas as pd, pyarrow.parquet as pq
for batch in pq.ParquetFile(sys.argv[1]).iter_batches(batch_size=1 << 20):
    frame = batch.to_pandas()
    for column in frame.columns:
        pd.factorize(frame[column])
"""
CSV_STREAMED_FLOOR = """
import sys, pyarrow.csv as c
for batch in c.open_csv(sys.argv[1], read_options=c.ReadOptions(block_size=16 << 20)):
    pass
"""


def _measured(
    command: list[str], env: dict[str, str] | None = None, output: list[str] | None = None
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``command`` run in a process of its own (its standard
    output appended to ``output`` when given)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen(
            command,
            stdout=stdout if output is not None else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{command} failed: {error[-500:]}")
        if output is not None:
            stdout.seek(0)
            output.append(stdout.read().decode())
    return seconds, usage.ru_maxrss / 1024


def _answers_of(size: int, base: Path, folder: Path) -> tuple[Path, Path | None]:
    """An answers file of ``size`` assessments (Parquet, and CSV when small enough)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    source = pq.read_table(base)
    parquet = folder / f"answers-{size}.parquet"
    csv = (
        folder / f"answers-{size}.csv"
        if size <= int(os.environ.get("BENCH_STREAM_CSV_MAX", "100000"))
        else None
    )
    writer = pq.ParquetWriter(parquet, source.schema)
    csv_writer = pa_csv.CSVWriter(csv, source.schema) if csv else None
    for copy in range(size // BASE):
        table = source
        if copy:
            column = source.column("assessment_id")
            kind = column.type
            ids = pc.binary_join_element_wise(
                column, pa.scalar(f"-r{copy}", type=kind), pa.scalar("", type=kind)
            )
            table = source.set_column(0, "assessment_id", ids)
        writer.write_table(table, row_group_size=1 << 20)
        if csv_writer:
            csv_writer.write_table(table)
    writer.close()
    if csv_writer:
        csv_writer.close()
    return parquet, csv


def run() -> None:
    from assessment.demo import generate

    sizes = [int(s) for s in os.environ.get("BENCH_STREAM_SIZES", DEFAULT_SIZES).split(",")]
    env_note = "RONGHE_MAX_FILE_BYTES and RONGHE_MAX_ROWS raised for the large files"
    os.environ["RONGHE_MAX_FILE_BYTES"] = str(1 << 40)
    os.environ["RONGHE_MAX_ROWS"] = str(1 << 40)
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        data = generate(enterprises=BASE // 2, years=2, seed=1)
        answers = data.answers[["assessment_id", "framework_id", "indicator_id", "answer"]]
        base = folder / "base.parquet"
        answers.to_parquet(base, index=False)
        per = len(answers) / BASE
        print(
            f"base: {BASE:,} demo assessments, {len(answers):,} answers ({per:.0f} per "
            f"assessment, every framework), made in {time.perf_counter() - started:.1f} s; "
            f"{env_note}",
            flush=True,
        )
        del data, answers
        ronghe = [sys.executable, "-m", "assessment.cli", "score"]
        # numba compiles the scoring kernels on a checkout's first run and caches them: a
        # first, unmeasured run keeps that once-only cost out of the smallest size's figure
        _measured([*ronghe, str(base), "--out", str(folder / "warm-up.parquet")])
        print(
            f"{'assessments':>12} {'rows':>12} {'input':>8} {'score s':>8} {'rows/s':>10} "
            f"{'peak MB':>8} {'floor s':>8} {'ratio':>6}",
            flush=True,
        )
        for size in sizes:
            parquet, csv = _answers_of(size, base, folder)
            rows = round(per * size)
            whole = size <= FLOOR_MAX
            for kind, path, floor_code in (
                ("parquet", parquet, PARQUET_FLOOR if whole else PARQUET_STREAMED_FLOOR),
                ("csv", csv, CSV_FLOOR if whole else CSV_STREAMED_FLOOR),
            ):
                if path is None:
                    continue
                out = folder / f"out-{size}-{kind}.parquet"
                seconds, peak = _measured([*ronghe, str(path), "--out", str(out)])
                floor = _measured([sys.executable, "-c", floor_code, str(path)])[0]
                ratio = f"{seconds / floor:.1f}" if floor else "-"
                floor_text = f"{floor:.1f}" if floor else "-"
                print(
                    f"{size:>12,} {rows:>12,} {kind:>8} {seconds:>8.1f} {rows / seconds:>10,.0f} "
                    f"{peak:>8.0f} {floor_text:>8} {ratio:>6}",
                    flush=True,
                )
                out.unlink(missing_ok=True)
            parquet.unlink()
            if csv:
                csv.unlink()
        print(
            f"targets: score <= {TARGET_RATIO:.0f}x its floor, peak RSS <= {TARGET_MEMORY_MB:.0f} "
            "MB and flat with size (default --chunk-size)",
            flush=True,
        )
        _demo_and_load(folder)


def _demo_and_load(folder: Path) -> None:
    """``ronghe demo`` (Parquet) at each size of ``BENCH_STREAM_DEMO`` (default 10000,100000
    assessments, 3 years), then ``ronghe load`` of ``BENCH_STREAM_LOAD`` assessments (default
    the smallest) into SQLite and PostgreSQL."""
    import pyarrow.parquet as pq

    from bench.bench_load import _postgres_server

    sizes = [int(s) for s in os.environ.get("BENCH_STREAM_DEMO", DEFAULT_SIZES).split(",")]
    print(f"{'demo':>12} {'answers':>12} {'seconds':>8} {'peak MB':>8}", flush=True)
    demo = [sys.executable, "-m", "assessment.cli", "demo", "--years", "3", "--format"]
    for size in sizes:
        out = folder / f"demo-{size}"
        seconds, peak = _measured(
            [*demo, "parquet", "--enterprises", str(size // 3), "--out", str(out)]
        )
        answers = pq.ParquetFile(out / "answers.parquet").metadata.num_rows
        print(f"{size:>12,} {answers:>12,} {seconds:>8.1f} {peak:>8.0f}", flush=True)
        if size != sizes[0]:
            for part in out.iterdir():
                part.unlink()
            out.rmdir()
    loaded = int(os.environ.get("BENCH_STREAM_LOAD", sizes[0]))
    source = folder / f"demo-{loaded}"
    if not source.exists():
        _measured([*demo, "parquet", "--enterprises", str(loaded // 3), "--out", str(source)])
    answers = pq.ParquetFile(source / "answers.parquet").metadata.num_rows
    load = [sys.executable, "-m", "assessment.cli", "load", str(source)]
    print(
        f"{'load':>12} {'answers':>12} {'seconds':>8} {'peak MB':>8} {'answers/s':>10} "
        f"{'inserted/s':>10}"
    )
    targets = [("sqlite", f"sqlite:///{folder / 'load.db'}")]
    server = _postgres_server()
    if server is not None:
        targets.append(("postgres", server))
    for backend, url in targets:
        if backend == "postgres":
            url = _fresh_postgres(url)
        _drop_sqlite(folder / "load.db")
        os.sync()  # each backend from a quiet disk, not behind the last one's write-back
        said: list[str] = []
        seconds, peak = _measured(load, {"DATABASE_URL": url}, said)
        rate = answers / seconds
        closing = said[0].strip().splitlines()[-1]  # its steps' seconds and insert rate
        inserted = re.search(r"answers inserted ([\d,]+)/s", closing)
        print(
            f"{backend:>12} {answers:>12,} {seconds:>8.1f} {peak:>8.0f} {rate:>10,.0f} "
            f"{inserted.group(1) if inserted else '-':>10}",
            flush=True,
        )
        print(f"{'':>12} {closing}", flush=True)
        if backend == "postgres":
            _drop_postgres(url)
    print(
        f"targets: load >= {TARGET_LOAD_RATE:,} answers/s on each backend (at 200,000 "
        f"assessments: BENCH_STREAM_LOAD=200000), peak RSS <= {TARGET_MEMORY_MB:.0f} MB; "
        "answers/s is end to end (process start to exit: checking, scoring, storing, the "
        "dashboard summary, commit), inserted/s the database side (the answers' inserts and, on "
        "PostgreSQL, building their key and foreign key afterwards)",
        flush=True,
    )


def _drop_sqlite(path: Path) -> None:
    """The SQLite database of an earlier load, with its write-ahead log and shared memory."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fresh_postgres(server: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from assessment.db import make_engine

    name = f"ronghe_bench_stream_{os.getpid()}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from assessment.db import make_engine

    name = make_url(url).database
    admin = make_engine(
        make_url(url).set(database="postgres").render_as_string(hide_password=False)
    ).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    run()
