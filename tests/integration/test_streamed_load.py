"""``ronghe load`` in chunks of whole assessments (issue 15): the same rows and results as a
whole load, on SQLite and PostgreSQL; a bad row in the last chunk stores nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from assessment.db import make_engine
from assessment.demo import DemoData, generate
from assessment.models import Answer, Assessment, CompositeResult, Enterprise, FrameworkResult
from assessment.repo import loading
from assessment.repo.loading import InvalidDataset, load_chunks, load_dataset
from assessment.streaming import chunks, survey
from assessment.tabular import read_table, write_table
from assessment.validation import Sources
from tests.conftest import prepared


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 enterprises × 2 years, with the answers shuffled (an ungrouped file)."""
    out = tmp_path_factory.mktemp("set")
    data = generate(enterprises=12, years=2, seed=5)
    data.write(out, "csv")
    shuffled = data.answers.sample(frac=1.0, random_state=2).reset_index(drop=True)
    write_table(shuffled, out / "answers.csv")
    return out


def _load(engine: Engine, folder: Path, size: int, spill: Path) -> None:
    sources = Sources.of_directory(folder)
    answers = survey(sources.answers)
    load_chunks(
        engine,
        read_table(sources.enterprises),
        read_table(sources.assessments),
        lambda: chunks(answers, size, spill),
        sources=sources,
    )


def _stored(engine: Engine) -> dict[str, pd.DataFrame]:
    """What a load stored, without database ids and time stamps, in a stable order."""
    with Session(engine) as session:
        external = dict(session.exec(select(Assessment.id, Assessment.external_id)).all())
        assessments = pd.DataFrame(
            [
                (a.external_id, a.year, a.status, a.framework_versions, a.paths)
                for a in session.exec(select(Assessment)).all()
            ],
            columns=["id", "year", "status", "versions", "paths"],
        )
        answers = pd.DataFrame(
            [
                (external[a.assessment_id], a.framework_id, a.indicator_id, a.answer)
                for a in session.exec(select(Answer)).all()
            ],
            columns=["id", "framework", "indicator", "answer"],
        )
        results = pd.DataFrame(
            [
                (external[r.assessment_id], r.framework_id, r.score, r.level, r.complete)
                for r in session.exec(select(FrameworkResult)).all()
            ],
            columns=["id", "framework", "score", "level", "complete"],
        )
        composite = pd.DataFrame(
            [
                (external[r.assessment_id], r.composite)
                for r in session.exec(select(CompositeResult)).all()
            ],
            columns=["id", "composite"],
        )
    frames = {
        "assessments": assessments,
        "answers": answers,
        "results": results,
        "composite": composite,
    }
    return {
        name: frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)
        for name, frame in frames.items()
    }


def test_chunks_store_what_a_whole_load_stores(
    engine: Engine, folder: Path, tmp_path: Path
) -> None:
    _load(engine, folder, 5, tmp_path)
    whole = prepared(make_engine("sqlite://"))
    try:
        load_dataset(whole, DemoData.read(folder))
        expected = _stored(whole)
    finally:
        whole.dispose()
    got = _stored(engine)
    assert len(got["answers"]) == len(read_table(folder / "answers.csv"))
    assert len(got["composite"]) > 0
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(got[name], frame, obj=name)


def test_a_bad_row_in_the_last_chunk_stores_nothing(
    engine: Engine, folder: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("enterprises", "assessments"):
        (bad / f"{name}.csv").write_bytes((folder / f"{name}.csv").read_bytes())
    answers = read_table(folder / "answers.csv")
    last = answers["assessment_id"].unique()[-1]  # in the last chunk whatever its size
    row = int(answers.index[answers["assessment_id"] == last][-1])
    answers.loc[row, "indicator_id"] = "no-such-indicator"
    write_table(answers, bad / "answers.csv")
    with pytest.raises(InvalidDataset) as caught:
        _load(engine, bad, 5, tmp_path)
    assert caught.value.error.row == row + 2
    assert caught.value.error.column == "indicator_id"
    with Session(engine) as session:
        for model in (Enterprise, Assessment, Answer, FrameworkResult, CompositeResult):
            assert session.exec(select(func.count()).select_from(model)).one() == 0


def test_a_failed_write_of_a_later_chunk_stores_nothing(
    engine: Engine, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are written on a second thread while the next is scored: a write failing there
    stops the load and the transaction stores nothing."""
    write = loading._write
    calls: list[int] = []

    def failing(*args: object) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        write(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "_write", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _load(engine, folder, 5, tmp_path)
    assert len(calls) == 3  # no chunk was written after the failure
    with Session(engine) as session:
        for model in (Enterprise, Assessment, Answer, FrameworkResult, CompositeResult):
            assert session.exec(select(func.count()).select_from(model)).one() == 0


def test_answers_and_summary_cells_are_written_in_key_order(
    engine: Engine, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a shuffled file, each chunk's answers and each part of the summary's indicator cells
    reach the database in the order of their table's key (SQLite then appends to its B-trees,
    PostgreSQL builds the answers' key from presorted rows)."""
    from assessment.models import DashboardCell
    from assessment.repo.bulk import bulk_insert

    written: dict[str, list[pd.DataFrame]] = {"answer": [], "dashboard_cell": []}

    def spy(insert: Any) -> Any:
        def recorded(connection: Any, table: Any, frame: Any, **options: Any) -> None:
            if table.name in written:
                rows = frame.to_pandas() if hasattr(frame, "to_pandas") else frame
                written[table.name].append(rows.drop(columns=["items"], errors="ignore"))
            insert(connection, table, frame, **options)

        return recorded

    for module in ("assessment.repo.loading", "assessment.analytics.summary"):
        monkeypatch.setattr(f"{module}.bulk_insert", spy(bulk_insert))
    _load(engine, folder, 5, tmp_path)
    keys = {
        "answer": ["assessment_id", "framework_id", "indicator_id"],
        "dashboard_cell": [c.name for c in DashboardCell.__table__.primary_key.columns],  # type: ignore[attr-defined]
    }
    for name, parts in written.items():
        assert len(parts) > 1, name
        for part in parts:
            rows = list(part[keys[name]].astype(object).itertuples(index=False, name=None))
            assert rows == sorted(rows), name
