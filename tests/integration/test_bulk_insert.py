"""The bulk insert path stores exactly what the frame holds, on both backends (PostgreSQL:
binary COPY encoded from arrays; SQLite: multi-row INSERTs): NULLs, empty and non-ASCII text, COPY's
own NULL marker as text, bytes, booleans, floats and large integers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel.sql.sqltypes import UTCDateTime

from assessment import length_checks
from assessment.repo import bulk, pgbinary
from assessment.repo.bulk import bulk_insert
from assessment.repo.errors import ValidationFailed

METADATA = MetaData()
SAMPLE = Table(
    "bulk_sample",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("big", BigInteger, nullable=True),
    Column("ratio", Float, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("label", String(64), nullable=True),
    Column("blob", LargeBinary, nullable=True),
    Column("doc", JSON, nullable=True),
    Column("at", UTCDateTime, nullable=True),
)


def _with_tables(engine: Engine, metadata: MetaData) -> Iterator[Engine]:
    """``engine`` with the tables of ``metadata`` for one test."""
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        metadata.drop_all(engine)


@pytest.fixture
def sample(engine: Engine) -> Iterator[Engine]:
    yield from _with_tables(engine, METADATA)


def _frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = np.array(["", "a", "融合指数", "\\N", 'x,y\n"z"', "tab\there", "é" * 30], dtype=object)
    labels = texts[rng.integers(0, len(texts), rows)]
    labels[rng.random(rows) < 0.2] = None
    blobs = [bytes(rng.integers(0, 256, rng.integers(0, 40)).astype(np.uint8)) for _ in range(rows)]
    blobs = [None if rng.random() < 0.2 else b for b in blobs]
    docs = [
        None if rng.random() < 0.2 else {"维度": float(rng.random()), "n": [1, None], "t": "\\N,\n"}
        for _ in range(rows)
    ]
    start = datetime(2026, 11, 26, 8, 30, 15, 123456, tzinfo=UTC)
    stamps = [None if rng.random() < 0.2 else start - timedelta(days=int(d)) for d in range(rows)]
    ratio = rng.normal(size=rows)
    ratio[rng.random(rows) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(1, rows + 1),
            "big": pd.Series(rng.integers(-(2**62), 2**62, rows), dtype="Int64").where(
                rng.random(rows) > 0.2
            ),
            "ratio": ratio,
            "flag": pd.Series(rng.random(rows) > 0.5, dtype="boolean").where(
                rng.random(rows) > 0.2
            ),
            "label": pd.Series(labels, dtype="string[pyarrow]"),
            "blob": pd.Series(blobs, dtype=object),
            "doc": pd.Series(docs, dtype=object),
            "at": pd.Series(stamps, dtype=object),
        }
    )


def _stored(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        rows = connection.execute(select(SAMPLE).order_by(SAMPLE.c.id)).all()
    names = [c.name for c in SAMPLE.columns]
    return pd.DataFrame([tuple(r) for r in rows], columns=names, dtype=object)


@pytest.mark.parametrize("rows", [1, 7, 2_000])
def test_bulk_insert_stores_every_value_as_given(
    sample: Engine, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BINARY_ROWS", 3)  # several COPY statements
    frame = _frame(rows, seed=rows)
    with sample.begin() as connection:
        bulk_insert(connection, SAMPLE, frame)
    stored = _stored(sample)
    assert stored["id"].tolist() == frame["id"].tolist()
    for name in ("big", "flag", "label"):
        expected = [None if pd.isna(v) else v for v in frame[name].astype(object)]
        got = stored[name].tolist()
        typed = [None if e is None else type(g)(e) for e, g in zip(expected, got, strict=True)]
        assert typed == got, name
    expected_ratio = frame["ratio"].to_numpy()
    got_ratio = np.array([np.nan if v is None else v for v in stored["ratio"]], dtype=float)
    assert np.array_equal(expected_ratio, got_ratio, equal_nan=True)
    assert [None if b is None else bytes(b) for b in stored["blob"]] == frame["blob"].tolist()
    assert stored["doc"].tolist() == frame["doc"].tolist()
    assert stored["at"].tolist() == frame["at"].tolist()


def test_a_column_of_dates_is_stored_as_its_python_values(sample: Engine) -> None:
    """A datetime64 column (missing values NaT), as a load stamps its rows."""
    frame = _frame(50, seed=3)
    dated = frame.assign(at=pd.to_datetime(frame["at"], utc=True))
    assert dated["at"].isna().any()
    assert dated["at"].nunique() > 1
    with sample.begin() as connection:
        bulk_insert(connection, SAMPLE, dated)
    assert _stored(sample)["at"].tolist() == frame["at"].tolist()


def test_binary_encoding_is_used_only_for_plain_types() -> None:
    frame = _frame(3, seed=1)
    payload = pgbinary.encode(SAMPLE, frame)
    assert payload is not None
    assert payload.startswith(pgbinary.HEADER)
    assert payload.endswith(pgbinary.TRAILER)
    dated = Table("dated", MetaData(), Column("id", Integer), Column("at", DateTime()))
    assert pgbinary.encode(dated, pd.DataFrame({"id": [1], "at": [pd.Timestamp(0)]})) is None


CHECKED = MetaData()
PARENT = Table("bulk_parent", CHECKED, Column("id", Integer, primary_key=True))
CHILD = Table(
    "bulk_child",
    CHECKED,
    Column("parent_id", Integer, ForeignKey("bulk_parent.id"), primary_key=True),
    Column("code", String(8), primary_key=True),
    Column("text", String(5), nullable=False),
    CheckConstraint(length_checks.condition("code", 8), name="ck_bulk_child_code_length"),
    CheckConstraint(length_checks.condition("text", 5), name="ck_bulk_child_text_length"),
)


# what each backend raises for a refused row: SQLAlchemy's error (a COPY's too, though it runs
# on the driver's connection), or the SQLite foreign-key check at the end of a bulk transaction
REFUSED = (DBAPIError, ValidationFailed)


@pytest.fixture
def checked(engine: Engine) -> Iterator[Engine]:
    yield from _with_tables(engine, CHECKED)


def _arrow_rows(parents: list[int], codes: list[str], texts: list[str | None]) -> pa.Table:
    """Rows as the loader passes them: integers, one plain and one dictionary text column
    split in chunks of different dictionaries."""
    half = len(texts) // 2
    text = pa.chunked_array(
        [pa.array(part, pa.string()).dictionary_encode() for part in (texts[:half], texts[half:])]
    )
    return pa.table({"parent_id": pa.array(parents), "code": pa.array(codes), "text": text})


def _children(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(CHILD).order_by(CHILD.c.parent_id, CHILD.c.code))
        return [(int(a), str(b), str(c)) for a, b, c in rows]


@pytest.mark.parametrize("rows", [1, 7, 23, 250])
def test_arrow_rows_are_stored_as_given_in_multi_row_statements(
    checked: Engine, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 10)  # several batches with a remainder each
    monkeypatch.setattr(bulk, "ROWS_PER_INSERT", 3)
    texts = ["", "融合", "a,b", "\\N", "五个字符串"]
    expected = [(n // 2 + 1, f"c{n % 2}", texts[n % len(texts)]) for n in range(rows)]
    with bulk.bulk_transaction(checked) as connection:
        bulk_insert(connection, PARENT, pd.DataFrame({"id": range(1, rows // 2 + 2)}))
        table = _arrow_rows(*(list(part) for part in zip(*expected, strict=True)))
        bulk_insert(connection, CHILD, table)
    assert _children(checked) == expected


@pytest.mark.parametrize("where", ["plain", "dictionary"])
def test_an_over_long_text_is_refused_by_the_length_check(checked: Engine, where: str) -> None:
    codes, texts = ["a", "b", "c", "d"], ["ok", "ok", "ok", "ok"]
    if where == "plain":
        codes[3] = "x" * 9
    else:
        texts[3] = "六个字符的值"
    with pytest.raises(REFUSED):
        _load(checked, _arrow_rows([1, 1, 1, 1], codes, texts))
    assert _children(checked) == []


def test_checks_apply_again_after_a_measured_insert(checked: Engine) -> None:
    late = {"parent_id": 1, "code": "c", "text": "too long"}
    with pytest.raises(REFUSED):
        _load(checked, _arrow_rows([1, 1], ["a", "b"], ["ok", "ok"]), late)
    assert _children(checked) == []


def test_a_row_with_a_missing_parent_stores_nothing(checked: Engine) -> None:
    rows = _arrow_rows([1, 1, 2, 1], ["a", "b", "c", "d"], ["x", "y", "z", "w"])
    with pytest.raises(REFUSED):
        _load(checked, rows)
    assert _children(checked) == []
    with pytest.raises(REFUSED):  # foreign keys are checked per row again afterwards
        _insert(checked, {"parent_id": 9, "code": "a", "text": "b"})


def _load(engine: Engine, rows: pa.Table, late: dict[str, object] | None = None) -> None:
    """Parent 1 and ``rows`` in one bulk transaction (and a plain insert of ``late``)."""
    with bulk.bulk_transaction(engine) as connection:
        bulk_insert(connection, PARENT, pd.DataFrame({"id": [1]}))
        bulk_insert(connection, CHILD, rows)
        if late is not None:
            connection.execute(CHILD.insert(), [late])


def _insert(engine: Engine, row: dict[str, object]) -> None:
    with engine.begin() as connection:
        connection.execute(CHILD.insert(), [row])


def test_only_tables_whose_checks_are_all_lengths_skip_them() -> None:
    rows = _arrow_rows([1], ["a"], ["b"])
    assert bulk._lengths_within(CHILD, rows)
    assert not bulk._lengths_within(CHILD, rows.to_pandas())  # measured in Arrow only
    other = Table(
        "other",
        MetaData(),
        Column("code", String(8)),
        CheckConstraint(length_checks.condition("code", 8)),
        CheckConstraint("code <> 'x'"),
    )
    assert not bulk._lengths_within(other, pa.table({"code": ["a"]}))
    unchecked = Table("unchecked", MetaData(), Column("code", String(8)))
    assert not bulk._lengths_within(unchecked, pa.table({"code": ["a"]}))
