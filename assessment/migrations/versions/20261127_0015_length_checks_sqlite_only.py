"""text length checks on SQLite only

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 02:00:00

PostgreSQL's ``VARCHAR(n)`` refuses a text longer than ``n`` characters by itself, so the
``ck_<table>_<column>_length`` checks of migration 0009 evaluated the same rule a second time on
every row: a binary ``COPY`` of 5.4 million answers took 4.2 s with them and 3.3 s without.
SQLite ignores a declared length and keeps its checks (:mod:`assessment.length_checks`).
"""

from collections.abc import Sequence

from alembic import op
from sqlmodel import SQLModel

import assessment.models  # noqa: F401  (registers the tables)
from assessment import length_checks

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if not _postgresql():
        return
    for name in length_checks.TABLES:
        for column in length_checks.max_lengths(SQLModel.metadata.tables[name]):
            op.execute(f"ALTER TABLE {name} DROP CONSTRAINT IF EXISTS ck_{name}_{column}_length")


def downgrade() -> None:
    if not _postgresql():
        return
    for name in length_checks.TABLES:
        for column, length in length_checks.max_lengths(SQLModel.metadata.tables[name]).items():
            op.create_check_constraint(
                op.f(f"ck_{name}_{column}_length"), name, length_checks.condition(column, length)
            )
