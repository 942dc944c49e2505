"""Bulk inserts of frames as fast as each backend allows: prepared ``executemany`` in large
batches on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL. Used by the bulk loader, the import
and the dashboard summary."""

from __future__ import annotations

import contextlib
import functools
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Table
from sqlalchemy.schema import AddConstraint, DropConstraint

from assessment.repo import pgbinary

CHUNK = 50_000
BINARY_ROWS = 250_000  # rows per binary COPY statement
REVALIDATE_FROM = 100_000  # rows from which PostgreSQL checks foreign keys once, after COPY


SQLITE_BULK_CACHE_KIB = 512 * 1024  # page cache while a bulk load runs (the default is 2 MiB)


@contextlib.contextmanager
def bulk_cache(connection: Connection) -> Iterator[None]:
    """SQLite: a large page cache for the duration of a bulk load, so index pages stay in
    memory instead of being written and read back (restored afterwards)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


@contextlib.contextmanager
def constraints_added_at_end(connection: Connection, constraints: list[Any]) -> Iterator[None]:
    """PostgreSQL: ``constraints`` dropped for the block and added back at its end, so foreign
    keys are validated in one set-based pass and indexes built once by sorting instead of row
    by row. The tables stay locked until commit; the names are stable by the naming
    convention. Nothing on SQLite, which checks per row at little cost.

    ``isolate_from_table=False``: by default SQLAlchemy marks an added constraint so that a
    later ``create_all`` of the same metadata leaves it out of CREATE TABLE (a database made
    in the same process after a load lacked its foreign keys)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    for constraint in constraints:
        connection.execute(DropConstraint(constraint))
    yield
    for constraint in reversed(constraints):
        connection.execute(AddConstraint(constraint, isolate_from_table=False))


def bulk_insert(
    connection: Connection,
    table: Any,
    frame: pd.DataFrame | pa.Table,
    *,
    checked_later: bool = False,
) -> None:
    """Insert ``frame`` (a pandas or Arrow table, columns named as the table's) as fast as the
    backend allows (``checked_later``: the caller has dropped the foreign keys and adds them
    back)."""
    if len(frame) == 0:
        return
    if connection.dialect.name == "postgresql":
        if len(frame) < REVALIDATE_FROM or checked_later:
            _copy(connection, table, frame)
            return
        # Big loads: drop the table's foreign keys, COPY, and add them back, so PostgreSQL
        # validates them in one set-based pass instead of a trigger per row (the table is
        # locked for the transaction; the names are stable thanks to the naming convention).
        with constraints_added_at_end(connection, list(table.foreign_key_constraints)):
            _copy(connection, table, frame)
        return
    columns = _names(frame)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    values = [_sqlite_values(_column(frame, name), table.c[name].type) for name in columns]
    for start in range(0, len(frame), CHUNK):
        rows = list(zip(*(v[start : start + CHUNK] for v in values), strict=True))
        connection.exec_driver_sql(sql, rows)


def _names(frame: pd.DataFrame | pa.Table) -> list[str]:
    return list(frame.column_names if isinstance(frame, pa.Table) else frame.columns)


def _column(frame: pd.DataFrame | pa.Table, name: str) -> pd.Series | pa.ChunkedArray:
    return frame.column(name) if isinstance(frame, pa.Table) else frame[name]


def _sqlite_values(column: pd.Series | pa.ChunkedArray, sql_type: Any) -> list[Any]:
    """A column as the Python values SQLite stores (None where missing); the missing-value
    mask is applied only to columns that have missing values."""
    convert = _sqlite_converter(sql_type)
    if isinstance(column, pa.ChunkedArray):  # Arrow gives None for nulls
        items = column.to_pylist()
        return list(map(convert, items)) if convert else items
    if column.hasnans:
        items = column.astype(object).where(column.notna(), None).tolist()
    else:
        items = column.tolist()
    return list(map(convert, items)) if convert else items


def _sqlite_converter(sql_type: Any) -> Callable[[Any], Any] | None:
    """Python value → what SQLAlchemy would store in SQLite for this column type."""
    name = type(sql_type).__name__
    if name == "JSON":
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if name == "UTCDateTime":
        return _sqlite_datetime
    if name == "Boolean":
        return lambda v: None if v is None else int(bool(v))
    return None


@functools.lru_cache(maxsize=4096)  # a load stamps every row with the same few instants
def _sqlite_datetime(value: Any) -> str | None:
    """SQLAlchemy's SQLite storage format, in UTC (as ``UTCDateTime`` stores it)."""
    if value is None:
        return None
    return str(value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))


def _holds_null_marker(frame: pd.DataFrame) -> pd.Series:
    """Rows with a text cell that is exactly COPY's NULL marker ``\\N``."""
    found = pd.Series(False, index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            found |= (column == "\\N").fillna(False).astype(bool)
    return found


def _copy(connection: Connection, table: Table, frame: pd.DataFrame | pa.Table) -> None:
    """PostgreSQL ``COPY FROM STDIN`` on the transaction's own psycopg connection: binary,
    encoded from the column arrays (:mod:`assessment.repo.pgbinary`), for tables of plain
    types; CSV for the others."""
    raw = connection.connection.driver_connection
    assert raw is not None
    statement = f"COPY {table} ({', '.join(_names(frame))}) FROM STDIN WITH (FORMAT binary)"
    for start in range(0, len(frame), BINARY_ROWS):
        if isinstance(frame, pa.Table):
            payload = pgbinary.encode_arrow(table, frame.slice(start, BINARY_ROWS))
        else:
            payload = pgbinary.encode(table, frame.iloc[start : start + BINARY_ROWS])
        if payload is None:
            whole = frame.to_pandas() if isinstance(frame, pa.Table) else frame
            _copy_csv(connection, table, whole)
            return
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(payload)


def _copy_csv(connection: Connection, table: Table, frame: pd.DataFrame) -> None:
    """PostgreSQL ``COPY FROM STDIN`` (CSV) on the transaction's own psycopg connection.

    ``\\N`` is COPY's NULL marker: a text that is exactly ``\\N`` would be read as NULL, so the
    (rare) rows holding one are inserted by a plain INSERT instead.
    """
    marker = _holds_null_marker(frame)
    if marker.any():
        rows = frame[marker].astype(object).where(frame[marker].notna(), None)
        records = [{str(k): v for k, v in row.items()} for row in rows.to_dict("records")]
        connection.execute(table.insert(), records)
        frame = frame[~marker]
    out = frame.copy()
    for name in out.columns:
        if type(table.c[name].type).__name__ == "Integer":  # 1.0 (float with NA) → 1
            out[name] = pd.to_numeric(out[name]).astype("Int64")
        if out[name].map(lambda v: isinstance(v, dict | list)).any():
            out[name] = out[name].map(
                lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
            )
    raw = connection.connection.driver_connection
    assert raw is not None
    statement = f"COPY {table} ({', '.join(out.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(out), CHUNK):
            buffer = io.StringIO()
            out.iloc[start : start + CHUNK].to_csv(buffer, header=False, index=False, na_rep="\\N")
            copy.write(buffer.getvalue())
