"""Text lengths as CHECK constraints on SQLite, so both databases refuse the same over-long texts.

PostgreSQL already refuses a ``VARCHAR(n)`` value longer than ``n`` characters; SQLite ignores
the length. Every length-limited text column of the tables written from outside (files, forms)
gets a ``CHECK (length(column) <= n)`` named ``ck_<table>_<column>_length`` on SQLite: the model
metadata carries them (``create_all``) and migration ``0009`` adds them. Migration ``0015``
removes them from PostgreSQL, where they repeated the type's own check on every row (a fifth of
the server's time in a binary ``COPY`` of answers). The same lengths are what
:mod:`assessment.validation` checks first, with a message naming the row.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import CheckConstraint, MetaData, Table

TABLES: Final = ("enterprise", "assessment", "answer", "app_user")


def max_lengths(table: Table) -> dict[str, int]:
    """Column name → maximum length, for the table's length-limited text columns."""
    found = {}
    for column in table.columns:
        length = getattr(column.type, "length", None)
        if isinstance(length, int) and length > 0:
            found[str(column.name)] = length
    return found


def condition(column: str, length: int) -> str:
    """The SQL of one check (``length()`` counts characters on both backends)."""
    return f"length({column}) <= {length}"


def attach(metadata: MetaData) -> None:
    """Add the checks of :data:`TABLES` to ``metadata`` (once)."""
    for name in TABLES:
        table = metadata.tables[name]
        present = {c.name for c in table.constraints}
        for column, length in max_lengths(table).items():
            check = CheckConstraint(condition(column, length), name=f"{column}_length").ddl_if(
                dialect="sqlite"
            )
            if f"ck_{name}_{column}_length" not in present:
                table.append_constraint(check)
