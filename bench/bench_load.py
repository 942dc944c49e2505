"""Bulk load of a demo data set into SQLite and (when reachable) PostgreSQL.

``BENCH_LOAD_ASSESSMENTS`` (default 200,000) assessments over 5 years; the answers are for the
frameworks in ``BENCH_LOAD_FRAMEWORKS`` (comma-separated ids, default ``dcmm``; ``all`` for
every released framework — about 265 answers per assessment, which is 53 million rows at the
default size); ``BENCH_LOAD_BACKENDS`` (default ``sqlite,postgres``) picks the backends.
PostgreSQL is used from ``RONGHE_TEST_POSTGRES_URL`` or a server on
127.0.0.1:5432; a fresh database is created and dropped.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

YEARS = 5
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_server() -> str | None:
    url = os.environ.get("RONGHE_TEST_POSTGRES_URL") or LOCAL_POSTGRES
    from assessment.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure means: no server to benchmark
        return None
    finally:
        engine.dispose()
    return url


def _load(url: str, data: object) -> dict[str, float]:
    from assessment.db import make_engine, migrate
    from assessment.repo.loading import load_dataset
    from assessment.repo.reference_data import sync_reference_data

    engine = make_engine(url)
    try:
        started = time.perf_counter()
        migrate(engine)
        with Session(engine) as session:
            sync_reference_data(session)
        prepared = time.perf_counter() - started
        report = load_dataset(engine, data)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    rate = report.answer_rate()
    if rate:
        print(f"  answers inserted at {rate:,.0f} rows/s (with key build on PostgreSQL)")
    return {"migrate+reference": round(prepared, 3), **report.seconds}


def _print(backend: str, seconds: dict[str, float]) -> None:
    steps = ", ".join(f"{k} {v:.2f}" for k, v in seconds.items())
    print(f"{backend:>10}: {sum(seconds.values()):7.2f} s  ({steps})", flush=True)


def run() -> None:
    """Generate the data set once, load it into each backend, print seconds per backend."""
    from assessment.demo import generate
    from indicators.loader import load_all, load_framework

    assessments = int(os.environ.get("BENCH_LOAD_ASSESSMENTS", "200000"))
    wanted = os.environ.get("BENCH_LOAD_FRAMEWORKS", "dcmm")
    frameworks = (
        load_all() if wanted == "all" else {f: load_framework(f) for f in wanted.split(",") if f}
    )
    enterprises = math.ceil(assessments / YEARS)
    started = time.perf_counter()
    data = generate(enterprises=enterprises, years=YEARS, seed=20261126, frameworks=frameworks)
    print(
        f"data set: {len(data.enterprises):,} enterprises, {len(data.assessments):,} "
        f"assessments, {len(data.answers):,} answers ({', '.join(frameworks)}); "
        f"generated in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    print(
        "score = vectorised scoring + composite (same on every backend); inserts are "
        "multi-row INSERTs on SQLite, binary COPY on PostgreSQL",
        flush=True,
    )
    backends = os.environ.get("BENCH_LOAD_BACKENDS", "sqlite,postgres").split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            _print("sqlite", _load(f"sqlite:///{Path(folder) / 'bench.db'}", data))
    if "postgres" not in backends:
        return
    server = _postgres_server()
    if server is None:
        print("  postgres: skipped (no server: set RONGHE_TEST_POSTGRES_URL)")
        return
    from assessment.db import make_engine

    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    name = f"ronghe_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        _print("postgres", _load(url, data))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
