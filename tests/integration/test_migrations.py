"""Tables exist only through Alembic: upgrading an empty database to head gives exactly the
models (autogenerate finds no difference), on SQLite files and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import SQLModel

from assessment.db import SQLITE_PAGE_SIZE, alembic_config, current_revision, make_engine, migrate
from assessment.models import User, utcnow
from tests.conftest import BACKENDS, new_postgres_database


@pytest.fixture(params=BACKENDS)
def empty_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine on a brand-new empty database (a SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('mig') / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    with new_postgres_database("ronghe_mig") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_upgrade_to_head_matches_the_models(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    migrate(empty_engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(empty_engine) == head
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_gives_the_models_collations(empty_engine: Engine) -> None:
    """Autogenerate does not compare collations: the key texts PostgreSQL compares byte by
    byte (``COLLATE "C"``) are checked here, column by column, both ways."""
    migrate(empty_engine)
    dialect = empty_engine.dialect
    inspector = inspect(empty_engine)
    wanted, found = {}, {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            model = getattr(column.type.dialect_impl(dialect), "collation", None)
            wanted[table.name, column.name] = model
        for reflected in inspector.get_columns(table.name):
            found[table.name, reflected["name"]] = getattr(reflected["type"], "collation", None)
    assert found == wanted
    if dialect.name == "postgresql":
        assert wanted["dashboard_cell", "region_code"] == "C"


def test_upgrade_gives_the_models_sqlite_storage(empty_engine: Engine) -> None:
    """Autogenerate does not compare WITHOUT ROWID either: each table is stored as its model
    says on SQLite, and a new database has the large pages the bulk load is tuned for."""
    if empty_engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID and page sizes are SQLite's")
    migrate(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        ).all()
        created = {str(name): str(sql) for name, sql in rows}
        page_size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
    for table in SQLModel.metadata.sorted_tables:
        without = not table.dialect_kwargs.get("sqlite_with_rowid", True)
        assert created[table.name].rstrip().endswith("WITHOUT ROWID") == without, table.name
    assert {"answer", "dashboard_cell"} <= {
        t.name
        for t in SQLModel.metadata.sorted_tables
        if t.dialect_kwargs.get("sqlite_with_rowid") is False
    }
    assert page_size == SQLITE_PAGE_SIZE


def test_upgrade_gives_the_models_checks(empty_engine: Engine) -> None:
    """Autogenerate does not compare CHECK constraints: each table has the checks its model
    creates on this backend (the text length checks on SQLite only), and an over-long text
    written past the validation is refused on both backends."""
    migrate(empty_engine)
    dialect = empty_engine.dialect.name
    inspector = inspect(empty_engine)
    wanted, found = {}, {}
    for table in SQLModel.metadata.sorted_tables:
        wanted[table.name] = {
            str(check.name)
            for check in table.constraints
            if isinstance(check, CheckConstraint)
            and (check._ddl_if is None or check._ddl_if.dialect in (None, dialect))
        }
        found[table.name] = {str(c["name"]) for c in inspector.get_check_constraints(table.name)}
    assert found == wanted
    assert ("ck_answer_answer_length" in found["answer"]) == (dialect == "sqlite")
    users = User.__table__  # type: ignore[attr-defined]
    row = {"username": "u", "role": "admin", "is_active": True, "failed_logins": 0}
    _insert(empty_engine, users, {**row, "display_name": "名" * 128})  # at the limit
    with pytest.raises((IntegrityError, DataError)):  # SQLite's check, PostgreSQL's VARCHAR
        _insert(empty_engine, users, {**row, "username": "v", "display_name": "名" * 129})


def _insert(engine: Engine, table: Any, row: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(table.insert(), [{**row, "created_at": utcnow()}])


def test_upgrade_is_idempotent_and_keeps_stable_constraint_names(empty_engine: Engine) -> None:
    migrate(empty_engine)
    migrate(empty_engine)
    inspector = inspect(empty_engine)
    assert inspector.get_pk_constraint("enterprise")["name"] == "pk_enterprise"
    uniques = {u["name"] for u in inspector.get_unique_constraints("enterprise")}
    assert "uq_enterprise_uscc" in uniques
    foreign = {f["name"] for f in inspector.get_foreign_keys("assessment")}
    assert "fk_assessment_enterprise_id_enterprise" in foreign


def test_sqlite_connections_use_wal_and_foreign_keys(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("wal") / "nested" / "local"
    engine = make_engine(f"sqlite:///{folder / 'ronghe.db'}")
    try:
        with engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,
        "foreign_keys": 1,
        "busy_timeout": 30_000,
    }
    assert (folder / ".gitignore").read_text() == "*\n"  # local data never gets committed
