"""Database-level protection of append-only tables (the audit log).

The database itself refuses to change or remove a row of ``audit_event``, whoever connects:
* SQLite: ``BEFORE UPDATE`` / ``BEFORE DELETE`` triggers that abort the statement;
* PostgreSQL: a trigger function raising ``insufficient_privilege`` before every UPDATE, DELETE
  (per row) and TRUNCATE (per statement).

The same DDL is used by the migration (``0009``) and, for databases made with ``create_all``
(tests), by an ``after_create`` event on the table. The table owner can still drop the
triggers; deployments should run the app under a role that does not own the tables.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import DDL, Table, event

TABLE: Final = "audit_event"
MESSAGE: Final = "audit_event is append-only"

SQLITE: Final = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
)
SQLITE_DROP: Final = tuple(
    f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}" for verb in ("update", "delete")
)

POSTGRESQL: Final = (
    f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$",
    f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
)
POSTGRESQL_DROP: Final = (
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
)


def statements(dialect: str, *, drop: bool = False) -> tuple[str, ...]:
    """The DDL that installs (or removes) the protection on ``dialect``."""
    if dialect == "sqlite":
        return SQLITE_DROP if drop else SQLITE
    if dialect == "postgresql":
        return POSTGRESQL_DROP if drop else POSTGRESQL
    return ()


def attach(table: Table) -> None:
    """Install the protection whenever ``table`` is created through the metadata."""
    for dialect in ("sqlite", "postgresql"):
        for statement in statements(dialect):
            ddl = DDL(statement)  # type: ignore[no-untyped-call]
            event.listen(table, "after_create", ddl.execute_if(dialect=dialect))
