"""SQLite: answers and dashboard cells stored WITHOUT ROWID

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 22:05:00

The two tables a bulk load fills most are keyed by a composite key that is most of the row. As
rowid tables SQLite kept each row twice (the table and the key's index), two B-trees to fill
per row; WITHOUT ROWID keeps one, ordered by the key. The tables are copied once here (batch
mode; named CHECK and foreign-key constraints are carried over). PostgreSQL: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("answer", "dashboard_cell")


def _recreate(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("PRAGMA defer_foreign_keys = ON")  # copies: foreign keys checked at commit
    for name in TABLES:
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade() -> None:
    _recreate(False)


def downgrade() -> None:
    _recreate(True)
