"""dashboard cell keys compared byte by byte on PostgreSQL

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 21:50:00

The summary's key texts are codes (region, industry, framework, version, status…), never prose:
with the "C" collation PostgreSQL builds and searches the key's index with plain byte
comparisons, which makes the rebuild after a bulk load several times faster. The order of
these ASCII codes is the same either way. SQLite compares bytes already: nothing to do there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_TEXTS = {
    "grain": 1,
    "metric": 16,
    "region_code": 6,
    "framework_id": 32,
    "item": 64,
    "industry_code": 8,
    "size_class": 16,
    "production_type": 16,
    "status": 16,
}


def _collate(collation: str | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, length in KEY_TEXTS.items():
        op.alter_column(
            "dashboard_cell",
            column,
            type_=sa.String(length, collation=collation),
            existing_nullable=False,
        )


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate(None)
