"""PostgreSQL's binary ``COPY`` format built from column arrays in Arrow, without a Python
object per value: the fast path for the bulk loader's large tables (answers, summary cells).

A row is a 16-bit field count, then per field a 32-bit length (-1 for NULL) and the value in
PostgreSQL's binary form; all integers big-endian. Columns of the types below are encoded;
:func:`encode` returns None for a table with any other type (dates), which then goes
through the CSV path.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
BYTES = pa.large_binary()  # 64-bit offsets: a batch of rows may pass 2 GiB
FIXED = {"Integer": ">i4", "BigInteger": ">i8", "Float": ">f8", "Boolean": "u1"}
VARIABLE = ("String", "AutoString", "LargeBinary", "JSON")  # json's binary form is its text
TIMES = ("UTCDateTime",)  # timestamp with time zone (plain DateTime keeps CSV)
EPOCH_2000_US = 946_684_800_000_000  # PostgreSQL's epoch in Unix microseconds


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps with an option makes one per call


def json_text(value: Any) -> str | None:
    """A JSON column's value as ``json.dumps(value, ensure_ascii=False)`` writes it (None for
    NULL)."""
    return None if value is None else _JSON.encode(value)


def encode(table: Any, frame: pd.DataFrame) -> bytes | None:
    """The rows of ``frame`` (columns named as the table's) in binary COPY format, header and
    trailer included; None when a column's type has no encoder here. JSON columns hold Python
    values (dicts, lists; None for NULL), written as ``json.dumps`` writes them."""
    documents = [n for n in frame.columns if type(table.c[n].type).__name__ == "JSON"]
    if documents:
        frame = frame.copy()
    for name in documents:
        texts = [json_text(v) for v in frame[name]]
        frame[name] = pd.Series(texts, index=frame.index, dtype=object)
    return encode_arrow(table, pa.Table.from_pandas(frame, preserve_index=False))


def encode_arrow(table: Any, columns: pa.Table) -> bytes | None:
    """:func:`encode` of an Arrow table, built in Arrow: each row is the join of its fields'
    big-endian length words and values (``binary_join_element_wise``), so the rows come out
    as one buffer without a pandas column or a numpy index per byte."""
    kinds = [type(table.c[name].type).__name__ for name in columns.column_names]
    if any(kind not in FIXED and kind not in VARIABLE and kind not in TIMES for kind in kinds):
        return None
    count = np.full(columns.num_rows, len(kinds), dtype=">i2")
    parts: list[pa.Array | pa.Scalar] = [_words(count)]
    for column, kind in zip(columns.columns, kinds, strict=True):
        parts.extend(_arrow_field(column, kind))
    rows = pc.binary_join_element_wise(*parts, pa.scalar(b"", BYTES))
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], np.int64, len(rows) + 1, rows.offset * 8)
    data = rows.buffers()[2]
    body = memoryview(data)[offsets[0] : offsets[-1]] if data is not None else b""
    return b"".join([HEADER, body, TRAILER])


def _arrow_field(column: pa.ChunkedArray | pa.Array, kind: str) -> list[pa.Array]:
    """A column's length words and values as binary arrays (NULL: length -1, no value)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = pc.cast(column, column.type.value_type)
    missing = column.is_null().to_numpy(zero_copy_only=False)
    if kind in TIMES:  # timestamptz: microseconds since 2000-01-01 UTC
        micros = pc.cast(pc.cast(column, pa.timestamp("us", "UTC")), pa.int64())
        words = pc.fill_null(micros, 0).to_numpy(zero_copy_only=False) - EPOCH_2000_US
        values, lengths = _words(words.astype(">i8")), np.full(len(column), 8)
    elif kind in FIXED:
        filled = pc.fill_null(column, False if kind == "Boolean" else 0)
        words = filled.to_numpy(zero_copy_only=False).astype(FIXED[kind])
        values, lengths = _words(words), np.full(len(column), words.dtype.itemsize)
    else:
        values = pc.cast(column, BYTES)
        lengths = np.nan_to_num(pc.binary_length(values).to_numpy(zero_copy_only=False), nan=0)
    lengths = np.where(missing, -1, lengths).astype(">i4")
    return [_words(lengths), _blank(values, missing)]


def _words(words: npt.NDArray[Any]) -> pa.Array:
    """Fixed-width big-endian words as a binary array (one value per row)."""
    raw = np.ascontiguousarray(words)
    width = raw.dtype.itemsize
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(raw), [None, pa.py_buffer(raw.view(np.uint8))]
    )
    return pc.cast(fixed, BYTES)


def _blank(values: pa.Array, missing: npt.NDArray[np.bool_]) -> pa.Array:
    """``values`` with NULLs as empty values (their length word says -1)."""
    if not missing.any():
        return values
    return pc.if_else(pa.array(missing), pa.scalar(b"", BYTES), values)
