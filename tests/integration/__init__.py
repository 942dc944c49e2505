"""Integration tests: persistence, migrations, CLI, on SQLite and (when configured) PostgreSQL."""
