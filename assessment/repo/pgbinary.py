"""PostgreSQL's binary ``COPY`` format built from column arrays with numpy, without a Python
object per value: the fast path for the bulk loader's large tables (answers, summary cells).

A row is a 16-bit field count, then per field a 32-bit length (-1 for NULL) and the value in
PostgreSQL's binary form; all integers big-endian. Columns of the types below are encoded;
:func:`encode` returns None for a table with any other type (dates, JSON), which then goes
through the CSV path.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
SLICE_BYTES = 16 << 20
FIXED = {"Integer": ">i4", "BigInteger": ">i8", "Float": ">f8", "Boolean": "u1"}
VARIABLE = {"String": pa.string(), "AutoString": pa.string(), "LargeBinary": pa.binary()}

Bytes = npt.NDArray[np.uint8]
Lengths = npt.NDArray[np.int64]


def encode(table: Any, frame: pd.DataFrame) -> bytes | None:
    """The rows of ``frame`` (columns named as the table's) in binary COPY format, header and
    trailer included; None when a column's type has no encoder here."""
    kinds = [type(table.c[name].type).__name__ for name in frame.columns]
    if any(kind not in FIXED and kind not in VARIABLE for kind in kinds):
        return None
    fields = [_field(frame[name], kind) for name, kind in zip(frame.columns, kinds, strict=True)]
    spans = [np.maximum(lengths, 0) for lengths, _ in fields]
    row_bytes = 2 + sum(4 + span for span in spans)
    # laid out a slice of rows at a time: the layout needs an index per byte of the slice
    slice_of = np.cumsum(row_bytes) // SLICE_BYTES
    cuts = np.r_[0, np.flatnonzero(np.diff(slice_of)) + 1, len(frame)]
    data_starts = [np.r_[0, np.cumsum(span)] for span in spans]
    parts = [HEADER]
    for start, end in itertools.pairwise(cuts.tolist()):
        sliced = [
            (lengths[start:end], flat[at[start] : at[end]])
            for (lengths, flat), at in zip(fields, data_starts, strict=True)
        ]
        parts.append(_rows(end - start, sliced).tobytes())
    parts.append(TRAILER)
    return b"".join(parts)


def _field(column: pd.Series, kind: str) -> tuple[Lengths, Bytes]:
    """Per row the value's length in bytes (-1: NULL) and the non-NULL values' bytes."""
    if kind in FIXED:
        missing = column.isna().to_numpy()
        width = np.dtype(FIXED[kind]).itemsize
        values = column[~missing].to_numpy().astype(FIXED[kind])
        lengths = np.where(missing, -1, width).astype(np.int64)
        return lengths, values.view(np.uint8).ravel()
    array = pa.array(column, from_pandas=True)  # an Arrow-backed column gives a ChunkedArray
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    array = pa.concat_arrays(chunks) if chunks else pa.array([], type=VARIABLE[kind])
    if array.type != VARIABLE[kind]:
        array = pc.cast(array, VARIABLE[kind])
    array = pa.concat_arrays([array])  # offset 0
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + 1)
    data = array.buffers()[2]
    lengths = np.diff(offsets).astype(np.int64)
    lengths[array.is_null().to_numpy(zero_copy_only=False)] = -1
    flat = np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, np.uint8)
    return lengths, flat[offsets[0] : offsets[-1]]


def _rows(count: int, fields: list[tuple[Lengths, Bytes]]) -> Bytes:
    """The tuples of ``count`` rows laid out field by field."""
    lengths = np.stack([f[0] for f in fields], axis=1)  # (rows, columns)
    sizes = 4 + np.maximum(lengths, 0)
    row_sizes = 2 + sizes.sum(axis=1)
    row_starts = np.r_[0, np.cumsum(row_sizes)[:-1]]
    field_starts = row_starts[:, None] + 2 + np.cumsum(sizes, axis=1) - sizes
    out = np.empty(int(row_sizes.sum()), dtype=np.uint8)
    _put(out, row_starts, np.full(count, len(fields), dtype=">i2"))
    for position, (field_lengths, flat) in enumerate(fields):
        starts = field_starts[:, position]
        _put(out, starts, field_lengths.astype(">i4"))
        present = field_lengths > 0
        spans = field_lengths[present]
        # each byte of ``flat`` goes to its row's value start plus its place within the value
        within = np.arange(len(flat)) - np.repeat(np.cumsum(spans) - spans, spans)
        out[np.repeat(starts[present] + 4, spans) + within] = flat
    return out


def _put(out: Bytes, starts: Lengths, words: npt.NDArray[Any]) -> None:
    """Write one fixed-width big-endian word per row at ``starts``."""
    width = words.dtype.itemsize
    out[starts[:, None] + np.arange(width)] = words.view(np.uint8).reshape(-1, width)
