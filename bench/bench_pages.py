"""Enterprise pages in AppTest: open a self-assessment of all 8 frameworks and save one answer in
each (target ≤ 300 ms server time per run), and render the results page of one assessment
(target ≤ 1 s), on a SQLite database with ``BENCH_PAGES_ENTERPRISES`` demo enterprises
(default 300) submitted for the peer comparison.

Times are wall-clock seconds of ``AppTest.run()`` (the whole script run on the server side,
no browser); the first run of each page warms caches and is reported separately.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

RUNS = 5


def _timed(at: Any) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return elapsed


def _app(user: Any, page: str, params: dict[str, str]) -> tuple[Any, float]:
    from streamlit.testing.v1 import AppTest

    from ui.state import session_values

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    for key, value in session_values(user).items():
        at.session_state[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    return at, _timed(at)


def _prepare(url: str) -> tuple[Any, int, int, dict[str, str]]:
    """Demo data loaded; an enterprise user, its submitted assessment, a new 8-framework draft
    and one valid answer per framework (framework id → indicator id, answer)."""
    from assessment.db import make_engine, migrate
    from assessment.demo import generate
    from assessment.models import Answer, Assessment, Role
    from assessment.repo.accounts import create_user
    from assessment.repo.assessments import create_assessment
    from assessment.repo.loading import load_dataset
    from assessment.repo.reference_data import sync_reference_data
    from indicators.loader import load_all

    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        sync_reference_data(session)
    enterprises = int(os.environ.get("BENCH_PAGES_ENTERPRISES", "300"))
    data = generate(enterprises=enterprises, years=1, seed=20261126, frameworks=load_all())
    load_dataset(engine, data)
    with Session(engine, expire_on_commit=False) as session:
        submitted = session.exec(select(Assessment).order_by(col(Assessment.id))).first()
        assert submitted is not None
        assert submitted.id is not None
        user = create_user(
            session,
            actor=None,
            username="bench-enterprise",
            role=Role.ENTERPRISE,
            password="bench-password-2026",
            enterprise_id=submitted.enterprise_id,
        )
        draft = create_assessment(
            session,
            actor=user,
            enterprise_id=submitted.enterprise_id,
            year=2026,
            frameworks=list(load_all()),
        )
        answers: dict[str, tuple[str, str]] = {}
        for row in session.exec(select(Answer).where(col(Answer.assessment_id) == submitted.id)):
            answers.setdefault(row.framework_id, (row.indicator_id, row.answer))
    engine.dispose()
    assert draft.id is not None
    return user, submitted.id, draft.id, {f: f"{i}={a}" for f, (i, a) in answers.items()}


def _save_one_each(user: Any, draft_id: int, answers: dict[str, str]) -> list[float]:
    """Open the draft, then per framework: pick it, save one answer (each a timed run)."""
    from indicators.loader import load_all

    at, first = _app(user, "app_pages/assessment.py", {"assessment": str(draft_id)})
    times = [_timed(at)]  # opening again, warm
    print(f"  open assessment (8 frameworks, 267 indicators): first {first:.3f} s", flush=True)
    frameworks = load_all()
    for framework_id, pair in answers.items():
        indicator_id, answer = pair.split("=", 1)
        framework = frameworks[framework_id]
        dimension = framework.dimension_of(indicator_id)
        at.selectbox(key=f"assess__fwsel__{draft_id}__zh").set_value(framework_id)
        times.append(_timed(at))
        at.selectbox(key=f"assess__dimsel__{draft_id}__{framework_id}__zh").set_value(dimension.id)
        times.append(_timed(at))
        key = f"{draft_id}__{framework_id}__{indicator_id}__zh__0"
        widget = at.get("radio") + at.get("number_input") + at.get("multiselect")
        target = next(w for w in widget if w.key == f"assess__answer__{key}")
        if target.type == "number_input":
            target.set_value(None if answer == "na" else float(answer))
        elif target.type == "multiselect":
            target.set_value([] if answer == "na" else answer.split("|"))
        else:
            target.set_value(answer)
        times.append(_timed(at))
        if at.error:
            raise RuntimeError(at.error[0].value)
    return times


def _check_saved(url: str, draft_id: int, expected: int) -> None:
    """The runs really saved: one stored answer per framework."""
    from assessment.db import make_engine
    from assessment.models import Answer

    engine = make_engine(url)
    with Session(engine) as session:
        stored = session.exec(select(Answer).where(col(Answer.assessment_id) == draft_id)).all()
    engine.dispose()
    if len(stored) != expected:
        raise RuntimeError(f"expected {expected} saved answers, found {len(stored)}")


def run() -> None:
    """Print the server time of the enterprise pages' runs."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        os.environ["DATABASE_URL"] = url
        started = time.perf_counter()
        user, submitted_id, draft_id, answers = _prepare(url)
        print(f"prepared in {time.perf_counter() - started:.1f} s", flush=True)
        times = _save_one_each(user, draft_id, answers)
        _check_saved(url, draft_id, len(answers))
        print(
            f"  self-assessment runs (open, pick framework, pick dimension, save one answer; "
            f"{len(times)} runs): median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms (target ≤ 300 ms)",
            flush=True,
        )
        at, first = _app(user, "app_pages/results.py", {"assessment": str(submitted_id)})
        warm = [_timed(at) for _ in range(RUNS)]
        print(
            f"  results page (8 frameworks, peers among the demo set): first {first:.3f} s, "
            f"then median {statistics.median(warm):.3f} s, max {max(warm):.3f} s "
            "(target ≤ 1 s)",
            flush=True,
        )
