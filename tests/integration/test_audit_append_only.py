"""The audit log is append-only in the database (issue 11 item 3): UPDATE and DELETE (and
TRUNCATE on PostgreSQL) are refused by triggers, on databases made by the models and by the
migrations; reads return frozen records, not live ORM rows."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import exc, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assessment import repository
from assessment.db import make_engine, migrate
from assessment.repo import audit
from tests.conftest import BACKENDS, new_postgres_database
from tests.integration.factories import make_admin

CHANGES = [
    "UPDATE audit_event SET action = 'forged'",
    "UPDATE audit_event SET detail = '{}'",
    "DELETE FROM audit_event",
]


def _refused(engine: Engine, statement: str) -> None:
    with pytest.raises(exc.DBAPIError) as caught, engine.begin() as connection:
        connection.execute(text(statement))
    assert "append-only" in str(caught.value)


@pytest.mark.parametrize("statement", CHANGES)
def test_audit_rows_cannot_be_changed_or_removed(engine: Engine, statement: str) -> None:
    with Session(engine) as session:
        make_admin(session)
    _refused(engine, statement)
    with engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_event")).scalars().all()
    assert actions == ["user.create"]


def test_audit_table_cannot_be_truncated_on_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _refused(engine, "TRUNCATE audit_event")


@pytest.fixture(params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A new database made by the migrations (a SQLite file, or a new PostgreSQL database)."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('audit') / 'm.db'}"
        else:
            url = stack.enter_context(new_postgres_database("ronghe_audit"))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        migrate(engine)
        yield engine


def test_a_migrated_database_refuses_changes_too(migrated: Engine) -> None:
    with migrated.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor_username, action, object_type, object_ids,"
                " detail) VALUES (CURRENT_TIMESTAMP, 'x', 'a', 'b', '[]', '{}')"
            )
        )
    for statement in CHANGES:
        _refused(migrated, statement)


def test_list_audit_events_returns_read_only_records(session: Session) -> None:
    admin = make_admin(session)
    (record,) = repository.list_audit_events(session, actor=admin)
    assert isinstance(record, audit.AuditRecord)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.action = "forged"  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.detail["username"] = "forged"  # type: ignore[index]
    session.commit()
    assert [e.action for e in repository.list_audit_events(session, actor=admin)] == ["user.create"]
