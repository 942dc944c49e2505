"""hardening: audit append-only, enterprise version, length checks, normalised usernames

* ``audit_event`` refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) by trigger
  (``assessment.append_only``);
* ``enterprise.version``: the optimistic-locking counter of profile updates;
* ``CHECK (length(col) <= n)`` on the text columns of enterprise, assessment, answer and
  app_user (``assessment.length_checks``), so SQLite refuses what PostgreSQL refuses;
* usernames are stored lower-case (``accounts.normalise_username``; a clash stops the upgrade).

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-26 13:26:13.515956
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import SQLModel

import assessment.models  # noqa: F401  (registers the tables)
from assessment import append_only, length_checks

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def upgrade() -> None:
    if _sqlite():  # batch mode copies tables: check foreign keys at commit, not per statement
        op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("UPDATE app_user SET username = lower(username) WHERE username <> lower(username)")
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    for name in length_checks.TABLES:
        lengths = length_checks.max_lengths(SQLModel.metadata.tables[name])
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column, length in lengths.items():
                batch_op.create_check_constraint(
                    op.f(f"ck_{name}_{column}_length"), length_checks.condition(column, length)
                )
    for statement in append_only.statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    if _sqlite():
        op.execute("PRAGMA defer_foreign_keys = ON")
    for statement in append_only.statements(op.get_bind().dialect.name, drop=True):
        op.execute(statement)
    for name in reversed(length_checks.TABLES):
        lengths = length_checks.max_lengths(SQLModel.metadata.tables[name])
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column in lengths:
                batch_op.drop_constraint(op.f(f"ck_{name}_{column}_length"), type_="check")
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("version")
