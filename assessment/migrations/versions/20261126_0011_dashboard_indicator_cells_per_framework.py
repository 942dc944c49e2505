"""dashboard indicator cells: one row per group and framework version with packed vectors

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 17:20:00

The summary is derived data: its cells are emptied here and ``ronghe init-db`` (or any bulk
load or rescore) rebuilds them in the new form.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM dashboard_cell")
    with op.batch_alter_table("dashboard_cell", schema=None) as batch_op:
        batch_op.add_column(sa.Column("items", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM dashboard_cell")
    with op.batch_alter_table("dashboard_cell", schema=None) as batch_op:
        batch_op.drop_column("items")
