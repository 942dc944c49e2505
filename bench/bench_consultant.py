"""The consultant's tools at scale: a 50,000-row XLSX import and a 500,000-row CSV import
(validated and stored as drafts), one PDF report, 100 PDF reports as a zip; seconds and peak
memory (the resident set of a fresh process doing only that step).

Targets (issue 13): XLSX ≤ 30 s, CSV ≤ 60 s, one PDF ≤ 2 s, 100 reports ≤ 60 s. The database is a
SQLite file holding the enterprises (DCMM answers, 28 a year, so 50,000 rows ≈ 1,786
assessments); ``BENCH_CONSULTANT_SCALE`` (default 1.0) scales the row counts.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

XLSX_ROWS = 50_000
CSV_ROWS = 500_000
YEAR = 2027
TARGETS = {"xlsx": 30.0, "csv": 60.0, "pdf": 2.0, "zip": 60.0}


def _prepare(url: str, enterprises: int) -> list[str]:
    """Enterprises assigned to consultant "bench"; returns their credit codes."""
    import pandas as pd
    from sqlmodel import Session

    from assessment.db import make_engine, migrate
    from assessment.demo import DemoData, generate
    from assessment.models import ConsultantAssignment, Role
    from assessment.repo.accounts import create_user
    from assessment.repo.bulk import bulk_insert
    from assessment.repo.loading import load_dataset
    from assessment.repo.reference_data import sync_reference_data
    from indicators.loader import load_framework

    data = generate(
        enterprises=enterprises, years=1, seed=7, frameworks={"dcmm": load_framework("dcmm")}
    )
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        sync_reference_data(session)
        consultant = create_user(
            session, actor=None, username="bench", role=Role.CONSULTANT, password="x" * 12
        )
        consultant_id = consultant.id
    load_dataset(engine, DemoData(data.enterprises, data.assessments, data.answers))
    with engine.begin() as connection:
        ids = pd.read_sql("SELECT id FROM enterprise", connection)["id"]
        bulk_insert(
            connection,
            ConsultantAssignment.__table__,  # type: ignore[attr-defined]
            pd.DataFrame(
                {
                    "consultant_id": consultant_id,
                    "enterprise_id": ids,
                    "created_at": pd.Timestamp.now(tz="UTC"),
                }
            ),
        )
    engine.dispose()
    return [str(u).upper() for u in data.enterprises["uscc"]]


def _answers(usccs: list[str], rows: int) -> Any:
    """``rows`` long-layout answers for YEAR: every DCMM indicator, levels 0–5."""
    import numpy as np
    import pandas as pd

    from indicators.loader import load_framework

    ids = [i.id for i in load_framework("dcmm").indicators]
    per = len(ids)
    firms = math.ceil(rows / per)
    frame = pd.DataFrame(
        {
            "uscc": np.repeat(usccs[:firms], per),
            "year": YEAR,
            "framework_id": "dcmm",
            "indicator_id": np.tile(ids, firms),
            "answer": (np.arange(firms * per) % 6).astype(str),
        }
    )
    return frame.head(rows)


def _import(url: str, path: str) -> tuple[float, int, str]:
    from sqlmodel import Session, select

    from assessment.db import make_engine
    from assessment.exchange.importing import apply_import
    from assessment.exchange.reading import Limits, read_upload
    from assessment.models import User

    engine = make_engine(url)
    started, cpu = time.perf_counter(), _cpu()
    with Session(engine, expire_on_commit=False) as session:
        actor = session.exec(select(User).where(User.username == "bench")).one()
        parsed = read_upload(Path(path).name, Path(path).read_bytes(), Limits(max_bytes=2**30))
        outcome = apply_import(session, actor=actor, parsed=parsed)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, _peak_mb(), f"CPU {_cpu() - cpu:.2f} s; {outcome.message('en')}"


def _reports(url: str, count: int) -> tuple[float, int, str]:
    from sqlmodel import Session, col, select

    from assessment.db import make_engine
    from assessment.models import Assessment, User
    from assessment.reports.bundle import export_reports

    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        actor = session.exec(select(User).where(User.username == "bench")).one()
        ids = [
            int(i)
            for i in session.exec(
                select(Assessment.id).where(col(Assessment.year) == YEAR).limit(count)
            ).all()
            if i is not None
        ]
        started, cpu = time.perf_counter(), _cpu()
        name, data = export_reports(session, actor=actor, assessment_ids=ids, as_zip=count > 1)
        seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, _peak_mb(), f"CPU {_cpu() - cpu:.2f} s; {name}, {len(data):,} bytes"


def _cpu() -> float:
    """CPU seconds of this process and its finished children (wall time suffers when the
    machine is shared; CPU time shows the work itself)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> int:
    """Peak resident memory of this process and its finished children (report workers), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) // 1024


def _in_fresh_process(target: Any, *args: Any) -> tuple[float, int, str]:
    """Run one step in a spawned process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:  # its workers may have children
        return pool.submit(target, *args).result()


def _line(label: str, key: str, result: tuple[float, int, str]) -> None:
    seconds, peak, note = result
    verdict = "ok" if seconds <= TARGETS[key] else "SLOWER THAN TARGET"
    print(
        f"{label:<34} {seconds:7.2f} s (target ≤ {TARGETS[key]:.0f} s, {verdict}); "
        f"peak RSS {peak:,} MB; {note}",
        flush=True,
    )


def run() -> None:
    """Prepare a database, write the two files, time every step in a fresh process."""
    from openpyxl import Workbook

    scale = float(os.environ.get("BENCH_CONSULTANT_SCALE", "1.0"))
    xlsx_rows, csv_rows = int(XLSX_ROWS * scale), int(CSV_ROWS * scale)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        firms = math.ceil((xlsx_rows + csv_rows) / 28) + 1
        usccs = _prepare(url, firms)
        xlsx_answers = _answers(usccs, xlsx_rows)
        csv_answers = _answers(usccs[len(xlsx_answers) // 28 + 1 :], csv_rows)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("answers")
        sheet.append(list(xlsx_answers.columns))
        for row in xlsx_answers.itertuples(index=False):
            sheet.append([str(v) for v in row])
        xlsx = Path(folder) / "answers.xlsx"
        book.save(xlsx)
        csv = Path(folder) / "answers.csv"
        csv_answers.to_csv(csv, index=False)
        print(
            f"prepared {firms:,} enterprises, {xlsx_rows:,}-row XLSX "
            f"({xlsx.stat().st_size / 2**20:.1f} MB) and {csv_rows:,}-row CSV "
            f"({csv.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        _line(f"import XLSX {xlsx_rows:,} rows", "xlsx", _in_fresh_process(_import, url, str(xlsx)))
        _line(f"import CSV {csv_rows:,} rows", "csv", _in_fresh_process(_import, url, str(csv)))
        _line("one PDF report", "pdf", _in_fresh_process(_reports, url, 1))
        _line("100 PDF reports as a zip", "zip", _in_fresh_process(_reports, url, 100))
