"""Shared fixtures: database engines for the persistence tests.

Every test that asks for ``engine`` / ``session`` runs on SQLite (a fresh in-memory database per
test, the sqlmodel tutorial pattern) and, when ``RONGHE_TEST_POSTGRES_URL`` is set, again on
PostgreSQL (a database with a random name created for the test session and dropped after it;
tables are created and dropped around each test). Without the variable the PostgreSQL variants
are skipped with a reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import assessment.models  # noqa: F401  (registers the tables)
from assessment.db import make_engine
from assessment.repo.reference_data import sync_reference_data

POSTGRES_ENV = "RONGHE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """URL of a new PostgreSQL database with a random name on the test server, dropped (even
    with connections left open) afterwards; skips the test when no server is configured."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped")
    server = make_url(url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server.render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepared(engine: Engine) -> Engine:
    """``engine`` with every table (``create_all``; tests only) and the reference data."""
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        sync_reference_data(session)
    return engine


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with minimal cost in tests (the production parameters take ~50 ms a hash)."""
    from argon2 import PasswordHasher

    import assessment.repo.accounts as accounts

    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for the test session, dropped at the end."""
    with new_postgres_database("ronghe_test") as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test run: "sqlite" or "postgres"."""
    return str(request.param)


REFERENCE_TABLES = ("region", "industry")


@pytest.fixture(scope="session")
def postgres_engine(postgres_database: str) -> Iterator[Engine]:
    """The session's PostgreSQL database with tables and reference data (created once)."""
    engine = prepared(make_engine(postgres_database))
    try:
        yield engine
    finally:
        engine.dispose()


def _empty_postgres(engine: Engine) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with engine.begin() as connection:
        # the audit log refuses TRUNCATE by trigger; the test owner switches triggers off here
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


def _test_engine(backend: str, request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Engine]:
    """The session's PostgreSQL database, emptied (except reference tables) afterwards; or a new
    SQLite database at ``sqlite_url`` with every table (``create_all``) and the reference data."""
    if backend == "postgres":
        shared: Engine = request.getfixturevalue("postgres_engine")
        try:
            yield shared
        finally:
            _empty_postgres(shared)
        return
    engine = prepared(make_engine(sqlite_url))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine with every table and the reference data; SQLite is in memory, per test."""
    yield from _test_engine(backend, request, "sqlite://")


@pytest.fixture
def file_engine(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Like ``engine`` but SQLite lives in a file (WAL), so several connections share it."""
    path = tmp_path_factory.mktemp("db") / "ronghe.db"
    yield from _test_engine(backend, request, f"sqlite:///{path}")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on ``engine``."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
