"""National regional dashboard at scale: first render and a filter change, server time.

Builds ``BENCH_DASHBOARD_ENTERPRISES`` (default 500,000) enterprises × 3 years of results
(no answers: the dashboard reads stored results) by bulk insert, builds the summary table, then
in a fresh process (so its peak memory is the app's own) opens the dashboard as a national
admin with Streamlit's AppTest: the first render, then a change of the industry filter. Targets:
first render ≤ 3 s, filter change ≤ 1 s, memory ≤ 2 GB. PostgreSQL too when a server answers
(``RONGHE_BENCH_POSTGRES_URL`` / ``RONGHE_TEST_POSTGRES_URL`` or 127.0.0.1:5432);
``BENCH_DASHBOARD_BACKENDS`` (default ``sqlite,postgres``) picks the backends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

YEARS = (2023, 2024, 2025)
FRAMEWORKS = {"dcmm": "2018.1", "cdo": "2026.1", "integration": "2026.1"}
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _frames(n: int, seed: int = 20261126) -> dict[str, pd.DataFrame]:
    """Enterprises, assessments, composite and framework results as insertable frames."""
    from assessment.demo import INDUSTRY_WEIGHTS, _counties_within, _prefectures
    from assessment.models import utcnow
    from assessment.reference import industries

    rng = np.random.default_rng(seed)
    prefectures = _prefectures()
    place = rng.choice(len(prefectures), size=n, p=prefectures["weight"].to_numpy())
    region = _counties_within(rng, prefectures["code"].to_numpy()[place])
    codes = np.array(list(INDUSTRY_WEIGHTS))
    weights = np.array(list(INDUSTRY_WEIGHTS.values()))
    industry = rng.choice(codes, size=n, p=weights / weights.sum())
    kinds = industries().set_index("code")["production_type"]
    size = rng.choice(["large", "medium", "small", "micro"], size=n, p=[0.02, 0.1, 0.5, 0.38])
    now = utcnow()
    ids = np.arange(1, n + 1)
    enterprises = pd.DataFrame(
        {
            "id": ids,
            "uscc": [f"B{i:017d}" for i in ids],
            "name": [f"企业{i}" for i in ids],
            "region_code": region,
            "industry_code": industry,
            "production_type": kinds.loc[industry].to_numpy(),
            "size_class": size,
            "above_designated_size": rng.random(n) < 0.6,
            "confirmed_at": now,
            "created_at": now,
            "updated_at": now,
        }
    )
    years = len(YEARS)
    base = rng.beta(2.0, 3.5, n) * 100
    assessments = pd.DataFrame(
        {
            "id": np.arange(1, n * years + 1),
            "enterprise_id": np.repeat(ids, years),
            "year": np.tile(YEARS, n),
            "status": np.tile(["verified", "verified", "submitted"], n),
            "framework_versions": [FRAMEWORKS] * (n * years),
            "paths": [{}] * (n * years),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
    )
    growth = np.tile(np.arange(years) * 3.0, n)
    composite = np.clip(np.repeat(base, years) + growth + rng.normal(0, 4, n * years), 0, 100)
    composites = pd.DataFrame(
        {
            "assessment_id": assessments["id"],
            "crosswalk_version": "bench",
            "composite": composite,
            "stage": np.minimum(composite // 20 + 1, 5).astype(int),
            "frameworks": len(FRAMEWORKS),
            "computed_at": now,
        }
    )
    parts = []
    for framework_id, version in FRAMEWORKS.items():
        score = np.clip(composite + rng.normal(0, 8, len(composite)), 0, 100)
        parts.append(
            pd.DataFrame(
                {
                    "assessment_id": assessments["id"],
                    "framework_id": framework_id,
                    "framework_version": version,
                    "level": np.minimum(score // 20 + 1, 5).astype(int),
                    "score": score / 20,
                    "scale_max": 5.0,
                    "score_100": score,
                    "coverage": 1.0,
                    "complete": True,
                    "dimension_scores": [{}] * len(score),
                    "computed_at": now,
                }
            )
        )
    return {
        "enterprise": enterprises,
        "assessment": assessments,
        "composite_result": composites,
        "framework_result": pd.concat(parts, ignore_index=True),
    }


def _build(url: str, frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    from sqlmodel import Session, SQLModel

    from assessment.analytics.summary import rebuild_summary
    from assessment.db import make_engine, migrate
    from assessment.repo.accounts import create_user
    from assessment.repo.bulk import bulk_insert
    from assessment.repo.reference_data import sync_reference_data

    engine = make_engine(url)
    seconds = {}
    try:
        migrate(engine)
        with Session(engine) as session:
            sync_reference_data(session)
            create_user(
                session, actor=None, username="bench-admin", role="admin", password="bench-pass-1"
            )
        started = time.perf_counter()
        with engine.begin() as connection:
            for name, frame in frames.items():
                bulk_insert(connection, SQLModel.metadata.tables[name], frame)
        seconds["insert"] = time.perf_counter() - started
        started = time.perf_counter()
        with engine.begin() as connection:
            cells = rebuild_summary(connection)
        seconds["summary"] = time.perf_counter() - started
        seconds["summary_cells"] = float(cells)
    finally:
        engine.dispose()
    print(
        f"  built: insert {seconds['insert']:.1f} s, summary build {seconds['summary']:.1f} s "
        f"({seconds['summary_cells']:,.0f} cells)",
        flush=True,
    )
    return seconds


def measure(url: str) -> None:
    """In this process: the dashboard as a national admin, first render and a filter change."""
    from sqlmodel import Session, col, select
    from streamlit.testing.v1 import AppTest

    from assessment.db import make_engine
    from assessment.models import User
    from ui.state import session_values

    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    with Session(engine) as session:
        admin = session.exec(select(User).where(col(User.username) == "bench-admin")).one()
    engine.dispose()
    app = str(Path(__file__).resolve().parents[1] / "app.py")
    at = AppTest.from_file(app, default_timeout=600)
    for key, value in session_values(admin).items():
        at.session_state[key] = value
    at.run()
    started = time.perf_counter()
    at.switch_page("app_pages/bureau/dashboard.py").run()
    first = time.perf_counter() - started
    assert not at.exception, at.exception
    charts = len(at.get("plotly_chart"))
    started = time.perf_counter()
    at.selectbox(key="dash__industry__zh").select_index(1).run()
    change = time.perf_counter() - started
    assert not at.exception, at.exception
    started = time.perf_counter()
    at.selectbox(key="dash__subregion__zh").select_index(1).run()
    change2 = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    print(
        json.dumps(
            {
                "first_render_s": round(first, 2),
                "filter_industry_s": round(change, 2),
                "filter_subregion_s": round(change2, 2),
                "charts": charts,
                "peak_memory_mb": round(peak_mb),
            }
        ),
        flush=True,
    )


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: per address space, so unlike ru_maxrss it
    does not carry the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _measure_in_child(url: str) -> dict[str, float]:
    code = f"import bench.bench_dashboard as b; b.measure({url!r})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, float] = json.loads(lines[-1])
    return result


def _report(backend: str, built: dict[str, float], measured: dict[str, float]) -> None:
    verdict = (
        "ok"
        if measured["first_render_s"] <= 3
        and max(measured["filter_industry_s"], measured["filter_subregion_s"]) <= 1
        and measured["peak_memory_mb"] <= 2048
        else "OVER TARGET"
    )
    print(
        f"{backend:>9}: insert {built['insert']:.1f} s, summary build {built['summary']:.1f} s "
        f"({built['summary_cells']:,.0f} cells); first render {measured['first_render_s']} s, "
        f"filter change {measured['filter_industry_s']} s (industry) / "
        f"{measured['filter_subregion_s']} s (sub-region), {measured['charts']} charts, "
        f"peak memory {measured['peak_memory_mb']} MB -> {verdict}",
        flush=True,
    )


def _postgres_server() -> str | None:
    from sqlalchemy import text

    from assessment.db import make_engine

    url = (
        os.environ.get("RONGHE_BENCH_POSTGRES_URL")
        or os.environ.get("RONGHE_TEST_POSTGRES_URL")
        or LOCAL_POSTGRES
    )
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure means: no server to benchmark
        return None
    finally:
        engine.dispose()
    return url


def run() -> None:
    """Build the data once, load it into each backend, measure the dashboard on each."""
    n = int(os.environ.get("BENCH_DASHBOARD_ENTERPRISES", "500000"))
    backends = os.environ.get("BENCH_DASHBOARD_BACKENDS", "sqlite,postgres").split(",")
    started = time.perf_counter()
    frames = _frames(n)
    print(
        f"data: {n:,} enterprises × {len(YEARS)} years = {len(frames['assessment']):,} "
        f"assessments, {len(frames['framework_result']):,} framework results (no answers); "
        f"generated in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            built = _build(url, frames)
            _report("sqlite", built, _measure_in_child(url))
    if "postgres" not in backends:
        return
    server = _postgres_server()
    if server is None:
        print("  postgres: skipped (no server: set RONGHE_BENCH_POSTGRES_URL)")
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from assessment.db import make_engine

    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    name = f"ronghe_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        built = _build(url, frames)
        _report("postgres", built, _measure_in_child(url))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
