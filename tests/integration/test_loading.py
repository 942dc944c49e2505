"""Bulk loading of a data set: rows, statuses and results read back intact on every backend."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateTable
from sqlmodel import Session, SQLModel, func, select

from assessment import reference, repository
from assessment.demo import DemoData, generate
from assessment.models import Answer, Assessment, CompositeResult, Enterprise, FrameworkResult, Role
from assessment.repo.loading import load_dataset
from assessment.repository import ValidationFailed
from tests.integration.factories import make_admin, make_user


@pytest.fixture(scope="module")
def dataset() -> DemoData:
    return generate(enterprises=12, years=2, seed=7)


def rows(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_load_writes_every_table_and_reads_back(engine: Engine, dataset: DemoData) -> None:
    report = load_dataset(engine, dataset)
    assert (report.enterprises, report.assessments, report.answers) == (
        12,
        24,
        len(dataset.answers),
    )
    with Session(engine) as session:
        assert rows(session, Enterprise) == 12
        assert rows(session, Answer) == len(dataset.answers)
        assert rows(session, CompositeResult) == 24
        first = session.exec(select(Enterprise).order_by(Enterprise.uscc)).first()
        assert first is not None
        source = dataset.enterprises.set_index("uscc").loc[first.uscc]
        assert (first.region_code, first.employees) == (source["region_code"], source["employees"])
        assert first.size_class == source["size_class"]
        assert first.created_at.tzinfo is not None
        statuses = dict(session.exec(select(Assessment.year, Assessment.status)).all())
        assert statuses == {2024: "verified", 2025: "submitted"}
        result = session.exec(select(FrameworkResult)).first()
        assert result is not None
        assert isinstance(result.dimension_scores, dict)
        assert result.complete is True
    _assert_versions_and_paths(engine, dataset)


def _assert_versions_and_paths(engine: Engine, dataset: DemoData) -> None:
    """Every loaded assessment records the versions its ``frameworks`` cell names and, for a
    version with paths (CMMM's discrete / process), its enterprise's production type."""
    from indicators.loader import load_framework

    production = dataset.enterprises.set_index("uscc")["production_type"]
    source = dataset.assessments.set_index("assessment_id")
    with Session(engine) as session:
        loaded = session.exec(select(Assessment, Enterprise.uscc).join(Enterprise)).all()
    with_paths = 0
    for assessment, uscc in loaded:
        recorded = str(source.at[str(assessment.external_id), "frameworks"])
        pairs = [item.split("@") for item in recorded.split("|")]
        assert assessment.framework_versions == dict(pairs)
        kind = production[uscc]
        expected = {
            f: kind for f, v in pairs if kind in {p.id for p in load_framework(f, v).paths or ()}
        }
        assert assessment.paths == expected
        with_paths += bool(expected)
    assert with_paths > 0  # the data set exercises paths at all


def test_loaded_results_equal_a_rescore(engine: Engine, dataset: DemoData) -> None:
    load_dataset(engine, dataset)
    with Session(engine) as session:
        before = pd.DataFrame([r.model_dump() for r in session.exec(select(FrameworkResult))])
        repository.rescore_assessments(session, actor=None)
        session.expire_all()
        after = pd.DataFrame([r.model_dump() for r in session.exec(select(FrameworkResult))])
    key = ["assessment_id", "framework_id"]
    columns = [*key, "level", "score", "score_100", "coverage", "complete"]
    pd.testing.assert_frame_equal(
        before[columns].sort_values(key).reset_index(drop=True),
        after[columns].sort_values(key).reset_index(drop=True),
    )


def test_bureau_scope_over_loaded_data(engine: Engine, dataset: DemoData) -> None:
    load_dataset(engine, dataset)
    province = str(dataset.enterprises["region_code"].iloc[0])[:2] + "0000"
    with Session(engine) as session:
        bureau = make_user(session, Role.BUREAU, region_code=province)
        seen = {e.uscc for e in repository.list_enterprises(session, actor=bureau)}
    expected = set(
        dataset.enterprises.loc[
            dataset.enterprises["region_code"].map(lambda c: reference.within(c, province)), "uscc"
        ]
    )
    assert seen == expected


def test_a_refused_load_changes_nothing(engine: Engine, dataset: DemoData) -> None:
    load_dataset(engine, dataset)
    again = dataset  # every credit code is registered by now
    with pytest.raises(ValidationFailed) as caught:
        load_dataset(engine, again)
    assert "already registered" in caught.value.message_en
    broken = dataset.enterprises.copy()
    broken.loc[0, "uscc"] = "91320102MA1XXXXX0X"
    with pytest.raises(ValidationFailed) as caught:
        load_dataset(engine, replace(dataset, enterprises=broken))
    assert "91320102MA1XXXXX0X" in caught.value.message_en
    with Session(engine) as session:
        assert rows(session, Enterprise) == 12
        assert make_admin(session).role == "admin"


def test_results_frame_is_scoped_and_compact(engine: Engine, dataset: DemoData) -> None:
    load_dataset(engine, dataset)
    province = str(dataset.enterprises["region_code"].iloc[0])[:2] + "0000"
    with Session(engine) as session:
        admin = make_admin(session)
        bureau = make_user(session, Role.BUREAU, region_code=province)
        everything = repository.results_frame(session, actor=admin)
        mine = repository.results_frame(session, actor=bureau, year=2025)
    frameworks = len(str(dataset.assessments["frameworks"].iloc[0]).split("|"))
    assert len(everything) == 24 * frameworks
    assert set(mine["year"]) == {2025}
    assert mine["region_code"].map(lambda c: reference.within(c, province)).all()
    inside = dataset.enterprises["region_code"].map(lambda c: reference.within(c, province))
    assert len(mine) == int(inside.sum()) * frameworks
    assert str(everything["level"].dtype) == "Int64"


def test_load_builds_the_summary_a_rebuild_from_stored_answers_gives(
    engine: Engine, dataset: DemoData
) -> None:
    from assessment.analytics.summary import INDICATOR, rebuild_summary, summary_frame

    load_dataset(engine, dataset)  # the indicator cells come from the load's own scores
    with Session(engine) as session:
        loaded = summary_frame(session)
        rebuild_summary(session)  # scores every assessment again from the stored answers
        rebuilt = summary_frame(session)
    indicator = loaded[loaded["metric"] == INDICATOR]
    assert len(indicator) > 0
    assert indicator["items"].map(lambda v: sum(v) > 0).all()  # every cell counts answers
    pd.testing.assert_frame_equal(loaded, rebuilt)


def test_a_load_leaves_the_table_definitions_whole(engine: Engine, dataset: DemoData) -> None:
    """On PostgreSQL a load drops and adds back foreign keys and the answers' key; the tables'
    definitions must still create them (a database made after a load in the same process
    once lacked its foreign keys)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("only a PostgreSQL load drops and adds back constraints")
    load_dataset(engine, dataset)
    for model in (Assessment, Answer, FrameworkResult, CompositeResult):
        table = SQLModel.metadata.tables[str(model.__tablename__)]
        ddl = str(CreateTable(table).compile(dialect=engine.dialect))
        assert ddl.count("FOREIGN KEY") == len(table.foreign_key_constraints) > 0
        assert "PRIMARY KEY" in ddl
