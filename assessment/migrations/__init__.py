"""Alembic migrations of the Ronghe database (the only way tables are created or changed)."""
