"""The bulk insert path stores exactly what the frame holds, on both backends (PostgreSQL:
binary COPY encoded from arrays; SQLite: executemany): NULLs, empty and non-ASCII text, COPY's
own NULL marker as text, bytes, booleans, floats and large integers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
)
from sqlalchemy.engine import Engine
from sqlmodel.sql.sqltypes import UTCDateTime

from assessment.repo import bulk, pgbinary
from assessment.repo.bulk import bulk_insert

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


@pytest.fixture
def sample(engine: Engine) -> Iterator[Engine]:
    METADATA.create_all(engine)
    try:
        yield engine
    finally:
        METADATA.drop_all(engine)


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


def test_binary_encoding_is_used_only_for_plain_types() -> None:
    frame = _frame(3, seed=1)
    payload = pgbinary.encode(SAMPLE, frame)
    assert payload is not None
    assert payload.startswith(pgbinary.HEADER)
    assert payload.endswith(pgbinary.TRAILER)
    dated = Table("dated", MetaData(), Column("id", Integer), Column("at", DateTime()))
    assert pgbinary.encode(dated, pd.DataFrame({"id": [1], "at": [pd.Timestamp(0)]})) is None
