"""The order the bulk loader stores answers in: by the answer table's key, texts byte by byte."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pytest

from assessment.repo.loading import _key_order

TEXTS = ["D1", "D10", "D2", "d1", "数据", "数", "a-b", "a_b", "", "Z"]


def _expected(assessment: list[int], *columns: list[str]) -> list[int]:
    rows = zip(assessment, *columns, strict=True)
    keys = [(a, *(text.encode() for text in texts)) for a, *texts in rows]
    return sorted(range(len(keys)), key=keys.__getitem__)


def _column(texts: list[str], parts: int, dictionary: bool) -> pa.ChunkedArray:
    """``texts`` in ``parts`` chunks, each a plain array or one with a dictionary of its own."""
    bounds = np.linspace(0, len(texts), parts + 1).astype(int)
    chunks = [pa.array(texts[a:b], pa.string()) for a, b in itertools.pairwise(bounds)]
    if dictionary:
        chunks = [chunk.dictionary_encode() for chunk in chunks]
    return pa.chunked_array(chunks)


@pytest.mark.parametrize("seed", range(6))
def test_rows_are_ordered_by_the_key(seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 400))
    assessment = rng.integers(1_000, 1_040, count)
    framework = [TEXTS[i] for i in rng.integers(0, 4, count)]
    indicator = [TEXTS[i] for i in rng.integers(0, len(TEXTS), count)]
    parts, dictionary = int(rng.integers(1, 4)), bool(seed % 2)
    order = _key_order(
        assessment, _column(framework, parts, dictionary), _column(indicator, parts, not dictionary)
    )
    assert order.tolist() == _expected(assessment.tolist(), framework, indicator)


def test_ids_too_far_apart_for_one_integer_are_ordered_too() -> None:
    rng = np.random.default_rng(9)
    distinct = [f"i{n:05d}" for n in range(3_000)]  # 3,000 × 3,000 ranks × 2**40 ids ≥ 2**62
    indicator = [distinct[i] for i in rng.permutation(3_000)]
    framework = list(reversed(indicator))
    assessment = rng.choice(np.array([5, 2**40], dtype=np.int64), 3_000)
    order = _key_order(assessment, _column(framework, 1, False), _column(indicator, 2, True))
    assert order.tolist() == _expected(assessment.tolist(), framework, indicator)


def test_no_rows() -> None:
    empty = pa.chunked_array([], pa.string())
    assert _key_order(np.empty(0, dtype=np.int64), empty, empty).tolist() == []
