"""Vectorised scoring engine: canonical long answers → indicator, dimension, framework scores.

The core works on a dense matrix (assessments × indicators) of normalised scores, NaN where an
indicator is unanswered or N/A, so one assessment and a million take the same code path:

* :func:`encode` turns long answers into an :class:`AnswerMatrix` (scores, levels, status);
* :func:`score_matrix` turns a matrix into :class:`MatrixScores` (plain numpy arrays);
* :func:`score` does both and returns the documented :class:`ScoreResult` frames.

:func:`score_matrix` runs one compiled pass per row (``assessment/scoring/kernel.py``, numba)
that adds the indicators in a fixed order, so a row scores bit for bit the same alone and in any
batch; there is no Python loop over assessments.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from assessment import columns as C
from assessment.scoring import kernel
from assessment.scoring.kernel import BANDS, GATES, MEAN_OF_AREAS, KernelTables
from indicators.schema import (
    AnswerType,
    BandsRule,
    CumulativeGatesRule,
    Dimension,
    Framework,
    Indicator,
    MeanOfAreasRule,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

MISSING: Final = kernel.MISSING
ANSWERED: Final = kernel.ANSWERED
NA: Final = kernel.NA
_INVALID: Final = -1
NO_LEVEL: Final = -1
TOLERANCE: Final = 1e-9  # relative to the scale: a score exactly on a threshold reaches it
MAX_REPORTED: Final = 5  # invalid answers named in an AnswerError
_STATUS_NAMES: Final = np.array([C.STATUS_MISSING, C.STATUS_ANSWERED, C.STATUS_NA], dtype=object)


class AnswerError(ValueError):
    """Answers that do not fit the framework; the message names assessment, indicator, value."""


# ----------------------------------------------------------------------------- framework index


@dataclass(frozen=True, eq=False)
class FrameworkIndex:
    """A framework compiled into arrays (indicators in file order, dimensions, paths)."""

    framework: Framework
    indicators: tuple[Indicator, ...]
    indicator_ids: tuple[str, ...]
    dimension_ids: tuple[str, ...]
    path_ids: tuple[str, ...]  # ("",) when the framework has no paths
    dim_of: IntArray  # (n_i,) dimension position of each indicator
    weight: FloatArray  # (n_i,) indicator weights
    dim_starts: IntArray  # (n_d,) first indicator column of each dimension (contiguous)
    group: IntArray  # (n_i,) summation group: one per (dimension, gate level)
    group_dim: IntArray  # (n_g,)
    group_gate: IntArray  # (n_g,)
    group_columns: tuple[IntArray, ...]  # indicator columns of each group
    dimension_groups: tuple[IntArray, ...]  # groups of each dimension
    dim_blocks: tuple[tuple[int, int], ...]  # (first, end) indicator columns of each dimension
    scored_dim: BoolArray  # (n_d,)
    dim_weight: FloatArray  # (n_p, n_d) dimension weight per path, 0 when unscored
    applicable: BoolArray  # (n_p, n_i) indicator applies to the path
    required: BoolArray  # (n_i,)
    gate: IntArray  # (n_i,) gate level, 0 when none or unscored
    max_level: int
    top: int  # highest result level

    @property
    def all_applicable(self) -> bool:
        """True when every indicator applies to every path."""
        return bool(self.applicable.all())

    @functools.cached_property
    def kernel(self) -> KernelTables:
        """The arrays the row kernel reads (built on first use)."""
        return _kernel_tables(self)


_INDEX_CACHE: dict[int, FrameworkIndex] = {}


def framework_index(framework: Framework) -> FrameworkIndex:
    """The compiled arrays of ``framework`` (cached per framework object)."""
    cached = _INDEX_CACHE.get(id(framework))
    if cached is not None and cached.framework is framework:
        return cached
    if len(_INDEX_CACHE) > 256:
        _INDEX_CACHE.clear()
    index = _compile(framework)
    _INDEX_CACHE[id(framework)] = index
    return index


def _compile(framework: Framework) -> FrameworkIndex:
    """Build the arrays of a framework."""
    indicators = framework.indicators
    dims = framework.dimensions
    dim_of = np.array([d for d, dim in enumerate(dims) for _ in dim.indicators], dtype=np.int64)
    paths = tuple(p.id for p in framework.paths or ()) or ("",)
    dim_weight = np.array(
        [[_dimension_weight(dim, path) for dim in dims] for path in paths], dtype=np.float64
    )
    applicable = np.array(
        [[i.paths is None or path in i.paths for i in indicators] for path in paths], dtype=bool
    )
    scored = np.array([dim.scored for dim in dims], dtype=bool)
    gate = np.array([i.gate_level or 0 for i in indicators], dtype=np.int64) * scored[dim_of]
    keys, group = np.unique(dim_of * 1000 + gate, return_inverse=True)
    required = np.array([i.required for i in indicators], dtype=bool)
    return FrameworkIndex(
        framework=framework,
        indicators=indicators,
        indicator_ids=tuple(i.id for i in indicators),
        dimension_ids=tuple(d.id for d in dims),
        path_ids=paths,
        dim_of=dim_of,
        weight=np.array([i.weight for i in indicators], dtype=np.float64),
        dim_starts=np.searchsorted(dim_of, np.arange(len(dims))),
        group=group.astype(np.int64),
        group_dim=keys // 1000,
        group_gate=keys % 1000,
        group_columns=tuple(np.flatnonzero(group == g) for g in range(len(keys))),
        dimension_groups=tuple(np.flatnonzero(keys // 1000 == d) for d in range(len(dims))),
        dim_blocks=tuple(
            itertools.pairwise(
                [*np.searchsorted(dim_of, range(len(dims))).tolist(), len(indicators)]
            )
        ),
        scored_dim=scored,
        dim_weight=dim_weight,
        applicable=applicable,
        required=required,
        gate=gate,
        max_level=framework.max_answer_level,
        top=max(level.value for level in framework.result_levels),
    )


def _dimension_weight(dimension: Dimension, path: str) -> float:
    """The weight of a dimension for a path (0 when unscored)."""
    if not dimension.scored:
        return 0.0
    if dimension.path_weights:
        return float(dimension.path_weights[path])
    return float(dimension.weight or 1.0)


# ----------------------------------------------------------------------------- answer matrix


@dataclass(frozen=True, eq=False)
class AnswerMatrix:
    """Encoded answers of many assessments to one framework.

    ``scores`` is in [0, 1] and NaN unless answered (also NaN for an answered number without
    breakpoints); ``levels`` holds the answered level of level questions, else -1; ``status`` is
    MISSING (0), ANSWERED (1) or NA (2).
    """

    assessment_ids: npt.NDArray[np.object_]
    indicator_ids: tuple[str, ...]
    scores: FloatArray
    levels: Int8Array
    status: Int8Array

    @property
    def size(self) -> int:
        """Number of assessments (rows)."""
        return int(self.scores.shape[0])


Parsed = tuple[float, int, int, str]  # score, level, status, reason when invalid
Parser = Callable[[Indicator, list[str], int], list[Parsed]]


def _invalid(reason: str) -> Parsed:
    return (math.nan, NO_LEVEL, _INVALID, reason)


def _parse_level(_indicator: Indicator, texts: list[str], max_level: int) -> list[Parsed]:
    """'0'…'N' → level / N, keeping the level."""
    table = {str(k): (k / max_level, k, ANSWERED, "") for k in range(max_level + 1)}
    bad = _invalid(f"level outside 0..{max_level}")
    return [table.get(text, bad) for text in texts]


def _parse_boolean(_indicator: Indicator, texts: list[str], _max_level: int) -> list[Parsed]:
    """'yes' → 1, 'no' → 0."""
    table = {"yes": (1.0, NO_LEVEL, ANSWERED, ""), "no": (0.0, NO_LEVEL, ANSWERED, "")}
    bad = _invalid("not 'yes' or 'no'")
    return [table.get(text, bad) for text in texts]


def _parse_choice(indicator: Indicator, texts: list[str], _max_level: int) -> list[Parsed]:
    """An option id → option score / best option score."""
    top = indicator.max_score
    table = {o.id: (o.score / top, NO_LEVEL, ANSWERED, "") for o in indicator.options or ()}
    bad = _invalid("unknown option")
    return [table.get(text, bad) for text in texts]


def _parse_multi(indicator: Indicator, texts: list[str], _max_level: int) -> list[Parsed]:
    """Option ids joined by '|' → min(sum of option scores, cap) / max_score."""
    return [_parse_ticks(indicator, text) for text in texts]


def _parse_ticks(indicator: Indicator, text: str) -> Parsed:
    """One multi answer."""
    options = {o.id: o for o in indicator.options or ()}
    ticked = set(text.split("|")) if text else set()
    unknown = sorted(ticked - set(options))
    if unknown:
        return _invalid(f"unknown option(s) {', '.join(unknown)}")
    exclusive = sorted(t for t in ticked if options[t].exclusive)
    if exclusive and len(ticked) > 1:
        return _invalid(f"exclusive option {exclusive[0]} ticked with others")
    # Add in the framework's option order, never the set's: a float sum depends on its order,
    # and a set of strings iterates in a different order in every process (hash seed).
    total = sum(o.score for o in indicator.options or () if o.id in ticked)
    if indicator.cap is not None:
        total = min(total, indicator.cap)
    return (min(total / indicator.max_score, 1.0), NO_LEVEL, ANSWERED, "")


def _parse_number(indicator: Indicator, texts: list[str], _max_level: int) -> list[Parsed]:
    """A decimal number → piecewise-linear score over the breakpoints, clamped at the ends."""
    mapped, ok = _number_scores(indicator, texts)
    reason = "not a percentage 0..100" if indicator.answer is AnswerType.PERCENT else "not a number"
    return [
        (float(s), NO_LEVEL, ANSWERED, "") if good else _invalid(reason)
        for s, good in zip(mapped, ok, strict=True)
    ]


def _number_scores(
    indicator: Indicator, texts: Sequence[str] | npt.NDArray[np.object_]
) -> tuple[FloatArray, BoolArray]:
    """Each text's score (NaN without breakpoints) and whether it is a valid answer."""
    try:  # float() of each text, in one C loop
        values = np.asarray(texts, dtype=object).astype(np.float64)
    except (ValueError, TypeError):
        values = np.array([_to_float(text) for text in texts], dtype=np.float64)
    low, high = (0.0, 100.0) if indicator.answer is AnswerType.PERCENT else (-np.inf, np.inf)
    ok = np.isfinite(values) & (values >= low) & (values <= high)
    if indicator.breakpoints is None:
        mapped = np.full(len(texts), np.nan)
    else:
        xs, ys = zip(*indicator.breakpoints, strict=True)
        mapped = np.interp(np.where(ok, values, xs[0]), xs, ys)
    return mapped, ok


def parse_numbers(
    indicator: Indicator, texts: Sequence[str] | npt.NDArray[np.object_]
) -> tuple[FloatArray, Int8Array, Int8Array]:
    """:func:`parse_answers` of a number or percent indicator as arrays (score, level, status;
    an invalid answer has status ``_INVALID``): many distinct texts, no tuple per text."""
    text = np.asarray(texts, dtype=object)
    na = text == "na"
    score = np.full(len(text), np.nan)
    status = np.full(len(text), NA if indicator.na_allowed else _INVALID, dtype=np.int8)
    mapped, ok = _number_scores(indicator, text[~na])
    score[~na] = np.where(ok, mapped, np.nan)
    status[~na] = np.where(ok, ANSWERED, _INVALID)
    return score, np.full(len(text), NO_LEVEL, dtype=np.int8), status


def _to_float(text: str) -> float:
    """``float(text)``, NaN when it is not a number."""
    try:
        return float(text)
    except ValueError:
        return math.nan


PARSERS: Final[dict[AnswerType, Parser]] = {
    AnswerType.LEVEL: _parse_level,
    AnswerType.BOOLEAN: _parse_boolean,
    AnswerType.CHOICE: _parse_choice,
    AnswerType.MULTI: _parse_multi,
    AnswerType.NUMBER: _parse_number,
    AnswerType.PERCENT: _parse_number,
}


def parse_answers(indicator: Indicator, texts: list[str], max_level: int) -> list[Parsed]:
    """Parse distinct answer texts of one indicator into (score, level, status, reason)."""
    na = (math.nan, NO_LEVEL, NA, "") if indicator.na_allowed else _invalid("N/A not allowed")
    real = [text for text in texts if text != "na"]
    parsed = iter(PARSERS[indicator.answer](indicator, real, max_level))
    return [na if text == "na" else next(parsed) for text in texts]


def encode(
    answers: pd.DataFrame, framework: Framework, *, assessment_ids: Sequence[str] | None = None
) -> AnswerMatrix:
    """Encode long answers (assessment_id, indicator_id, answer) into an :class:`AnswerMatrix`.

    Rows follow ``assessment_ids`` when given (others are ignored), else first appearance.

    Raises:
        AnswerError: unknown indicator, repeated answer or an answer the indicator rejects.
    """
    index = framework_index(framework)
    # Each text column as codes into its distinct values: hashing runs once over the column
    # (in Arrow for pandas text) and Python strings are made only for the distinct values.
    labels = _Labels.of(answers)
    if assessment_ids is None:
        known, row = labels.names[0], labels.codes[0]
    else:
        known = np.asarray([str(a) for a in assessment_ids], dtype=object)
        row = pd.Index(known).get_indexer(pd.Index(labels.names[0]))[labels.codes[0]]
        keep = np.flatnonzero(row >= 0)
        row, labels = row[keep], labels.take(keep)
    col = pd.Index(index.indicator_ids).get_indexer(pd.Index(labels.names[1]))[labels.codes[1]]
    _check_keys(labels, row, col, len(index.indicators))
    score, level, status = _parse_rows(index, col, labels)
    matrix = empty_matrix(known, index)
    matrix.scores[row, col] = score
    matrix.levels[row, col] = level
    matrix.status[row, col] = status
    return matrix


@dataclass(frozen=True)
class _Labels:
    """Each answer row's assessment id, indicator id and answer text, as codes into the
    distinct values of each (``names``); a row's texts are looked up only to name it in an
    error."""

    names: tuple[npt.NDArray[np.object_], ...]
    codes: tuple[IntArray, ...]

    @classmethod
    def of(cls, answers: pd.DataFrame) -> _Labels:
        factorised = [
            pd.factorize(answers[name].astype(str), use_na_sentinel=False)
            for name in (C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER)
        ]
        return cls(
            tuple(np.asarray(uniques, dtype=object) for _, uniques in factorised),
            tuple(np.asarray(codes, dtype=np.int64) for codes, _ in factorised),
        )

    def take(self, rows: IntArray) -> _Labels:
        return _Labels(self.names, tuple(codes[rows] for codes in self.codes))

    def row(self, r: int) -> tuple[str, str, str]:
        """The assessment id, indicator id and answer text of row ``r``."""
        assessment, indicator, text = (
            names[codes[r]] for names, codes in zip(self.names, self.codes, strict=True)
        )
        return str(assessment), str(indicator), str(text)


def empty_matrix(assessment_ids: npt.NDArray[np.object_], index: FrameworkIndex) -> AnswerMatrix:
    """A (column-major) matrix with every indicator of every assessment unanswered."""
    shape = (len(assessment_ids), len(index.indicators))
    return AnswerMatrix(
        assessment_ids=assessment_ids,
        indicator_ids=index.indicator_ids,
        scores=np.full(shape, np.nan, order="F"),
        levels=np.full(shape, NO_LEVEL, dtype=np.int8, order="F"),
        status=np.zeros(shape, dtype=np.int8, order="F"),
    )


def _check_keys(labels: _Labels, row: IntArray, col: IntArray, n_indicators: int) -> None:
    """Reject unknown indicators and repeated (assessment, indicator) rows."""
    unknown = np.flatnonzero(col < 0)
    if unknown.size:
        raise AnswerError(_describe(labels, unknown, "indicator not in the framework"))
    key = row.astype(np.int64) * n_indicators + col
    order = np.argsort(key, kind="stable")
    repeated = order[1:][np.diff(key[order]) == 0]
    if repeated.size:
        raise AnswerError(_describe(labels, repeated, "answered more than once"))


def _describe(
    labels: _Labels, rows: IntArray, reason: str | Sequence[str], *, with_text: bool = False
) -> str:
    """A message naming the first few offending rows; ``reason`` is one for all or one per row."""
    reasons = [reason] * min(rows.size, MAX_REPORTED) if isinstance(reason, str) else reason
    parts = []
    for r, why in zip(rows[:MAX_REPORTED], reasons, strict=False):
        assessment, indicator, text = labels.row(int(r))
        value = f" answer {text!r}:" if with_text else ""
        parts.append(f"assessment {assessment!r}, indicator {indicator!r}:{value} {why}")
    more = f" (and {rows.size - MAX_REPORTED} more)" if rows.size > MAX_REPORTED else ""
    return "; ".join(parts) + more


def _parse_rows(
    index: FrameworkIndex, col: IntArray, labels: _Labels
) -> tuple[FloatArray, Int8Array, Int8Array]:
    """Parse every row, once per distinct (indicator, answer) pair; raise on invalid rows."""
    uniques, code = labels.names[2], labels.codes[2]
    pairs, inverse = np.unique(col.astype(np.int64) * len(uniques) + code, return_inverse=True)
    pair_col, pair_text = np.divmod(pairs, max(len(uniques), 1))
    bounds = np.searchsorted(pair_col, np.arange(len(index.indicators) + 1))
    parsed: list[Parsed] = []
    for j, indicator in enumerate(index.indicators):
        block = [str(uniques[u]) for u in pair_text[bounds[j] : bounds[j + 1]]]
        parsed.extend(parse_answers(indicator, block, index.max_level))
    score = np.array([p[0] for p in parsed], dtype=np.float64)[inverse]
    level = np.array([p[1] for p in parsed], dtype=np.int8)[inverse]
    status = np.array([p[2] for p in parsed], dtype=np.int8)[inverse]
    bad = np.flatnonzero(status == _INVALID)
    if bad.size:
        reasons = [parsed[inverse[r]][3] for r in bad[:MAX_REPORTED]]
        raise AnswerError("invalid answers: " + _describe(labels, bad, reasons, with_text=True))
    return score, level, status


def path_positions(
    assessment_ids: npt.NDArray[np.object_], framework: Framework, paths: pd.Series | None
) -> IntArray:
    """Position of each assessment's production path (missing → the framework's first path).

    Raises:
        AnswerError: a path the framework does not define.
    """
    index = framework_index(framework)
    positions = np.zeros(len(assessment_ids), dtype=np.int64)
    if paths is None or framework.paths is None:
        return positions
    named = pd.Series(paths).astype(object).reindex(list(assessment_ids))
    given = named.notna().to_numpy()
    found = pd.Index(index.path_ids).get_indexer(pd.Index(named.to_numpy(dtype=object)))
    unknown = np.flatnonzero(given & (found < 0))
    if unknown.size:
        first = unknown[0]
        raise AnswerError(
            f"assessment {assessment_ids[first]!r}: unknown path "
            f"{named.iloc[first]!r}; the framework has {list(index.path_ids)}"
        )
    return np.where(given, found, 0).astype(np.int64)


# ----------------------------------------------------------------------------- matrix scoring
#
# Every row is scored by one compiled pass (assessment/scoring/kernel.py) that adds indicators in
# a fixed order, never through BLAS: a BLAS product adds in an order that depends on the number
# of rows, and one assessment must score bit for bit the same alone as inside a batch of a
# million. Large matrices are cut into blocks of rows scored on several threads (the kernel
# releases the GIL); a row's result does not depend on its block.

BLOCK_ROWS: Final = 32_768  # rows per thread task when a matrix is split
_POOL: list[ThreadPoolExecutor] = []


@dataclass(frozen=True, eq=False)
class MatrixScores:
    """Scores of every row of an :class:`AnswerMatrix` (plain arrays, rows as in the matrix).

    ``level`` is 0 when no level is reached; ``gate_satisfaction`` (rows × levels) is filled for
    cumulative_gates frameworks only.
    """

    scored: BoolArray  # (n_a, n_i) answered with a score and applicable to the row's path
    applicable: BoolArray  # (n_a, n_i) applies to the row's path and not N/A
    dimension: FloatArray  # (n_a, n_d) 0..1, NaN when nothing is answered
    answered: IntArray  # (n_a, n_d)
    applicable_count: IntArray  # (n_a, n_d) applicable and not N/A
    score: FloatArray  # (n_a,) native scale, NaN when nothing scored is answered
    scale_max: float
    level: IntArray  # (n_a,) 0 = no level
    coverage: FloatArray  # (n_a,) answered / applicable over all indicators
    missing_required: IntArray  # (n_a,)
    gate_satisfaction: FloatArray | None = None


def score_matrix(
    matrix: AnswerMatrix,
    framework: Framework,
    path_index: IntArray | None = None,
    *,
    detail: bool = True,
) -> MatrixScores:
    """Score every row of ``matrix``; ``path_index`` gives each row's path position (default 0).

    Column-major matrices (as :func:`encode` makes them, or slices of one) are read in place;
    others are copied once. Matrices above :data:`BLOCK_ROWS` rows are scored in blocks on one
    thread per core; results do not depend on the split.

    ``detail=False`` (batch jobs that keep only the overall results) skips the per-indicator and
    per-dimension arrays: ``scored``, ``applicable``, ``dimension``, ``answered`` and
    ``applicable_count`` come back with no columns; ``score``, ``level``, ``coverage``,
    ``missing_required`` and ``gate_satisfaction`` are the same, bit for bit.
    """
    index = framework_index(framework)
    tables = index.kernel
    n_rows, n_ind = matrix.scores.shape
    paths = np.zeros(n_rows, dtype=np.int64) if path_index is None else path_index
    flat = [
        _flat(array, dtype)
        for array, dtype in (
            (matrix.scores, np.float64),
            (matrix.status, np.int8),
            (matrix.levels, np.int8),
        )
    ]
    inputs = (
        *(f[0] for f in flat),
        np.array([f[1] for f in flat], dtype=np.int64),
        np.ascontiguousarray(paths, dtype=np.int64),
        detail,
    )
    n_dim, top = len(index.dimension_ids), tables.top
    wide = n_rows if detail else 0
    outputs = (  # indicator-, dimension- or level-major: transposed below
        np.empty((n_ind, wide), dtype=bool),
        np.empty((n_ind, wide), dtype=bool),
        np.empty((n_dim, wide)),
        np.empty((n_dim, wide), dtype=np.int64),
        np.empty((n_dim, wide), dtype=np.int64),
        np.empty(n_rows),
        np.empty(n_rows, dtype=np.int64),
        np.empty(n_rows),
        np.empty(n_rows, dtype=np.int64),
        np.empty((top, n_rows)),
    )
    _run(inputs, n_rows, tables.arguments(), outputs)
    per_row = outputs[:5] if detail else [np.empty((0, n_rows), a.dtype) for a in outputs[:5]]
    return MatrixScores(
        scored=per_row[0].T,
        applicable=per_row[1].T,
        dimension=per_row[2].T,
        answered=per_row[3].T,
        applicable_count=per_row[4].T,
        score=outputs[5],
        scale_max=tables.scale_max,
        level=outputs[6],
        coverage=outputs[7],
        missing_required=outputs[8],
        gate_satisfaction=outputs[9].T if top else None,
    )


def _flat(array: npt.NDArray[Any], dtype: type[np.generic]) -> tuple[npt.NDArray[Any], int]:
    """A read-only flat view of a 2-D array whose columns are contiguous, and its column stride.

    Column-major matrices (as :func:`encode` makes them) and row slices or column slices of one
    (one framework's columns of all frameworks' answers) are read in place; others (row-major,
    other dtypes) are copied once.
    """
    n_rows, n_cols = array.shape
    size = np.dtype(dtype).itemsize
    column = array.strides[1] // size if n_cols > 1 else n_rows
    in_place = (
        array.dtype == dtype
        and (array.strides[0] == size or n_rows <= 1)
        and (n_cols <= 1 or (array.strides[1] % size == 0 and column >= n_rows))
    )
    if not in_place:
        array, column = np.asfortranarray(array, dtype=dtype), n_rows
    length = (n_cols - 1) * column + n_rows if n_rows and n_cols else 0
    view = np.lib.stride_tricks.as_strided(array, (length,), (size,), writeable=False)
    return view, column


def _run(
    inputs: tuple[Any, ...],
    n_rows: int,
    tables: tuple[Any, ...],
    outputs: tuple[npt.NDArray[Any], ...],
) -> None:
    """Run the kernel over all rows, in blocks on a thread pool when there are many."""
    if n_rows <= BLOCK_ROWS or (os.cpu_count() or 1) == 1:
        kernel.score_rows_compiled(*inputs[:4], 0, n_rows, *inputs[4:], *tables, *outputs)
        return
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(os.cpu_count(), thread_name_prefix="scoring"))

    def block(start: int) -> None:
        stop = min(start + BLOCK_ROWS, n_rows)
        kernel.score_rows_compiled(*inputs[:4], start, stop, *inputs[4:], *tables, *outputs)

    list(_POOL[0].map(block, range(0, n_rows, BLOCK_ROWS)))


def _scale_max(index: FrameworkIndex) -> float:
    """The top of the framework's native score scale."""
    rule = index.framework.result
    if isinstance(rule, CumulativeGatesRule):
        return float(index.top)
    return float(rule.scale_max)


def _kernel_tables(index: FrameworkIndex) -> KernelTables:
    """The kernel's arrays of a compiled framework."""
    rule = index.framework.result
    n_paths, n_ind = index.applicable.shape
    n_dim = len(index.dimension_ids)
    scale = _scale_max(index)
    empty_i = np.zeros(0, dtype=np.int64)
    steps: list[tuple[int, float]] = []
    conditions: list[tuple[int, int, int, IntArray]] = []  # step, min level, min count, pool
    top = 0
    pass_mark = 0.0
    has_requirement = np.zeros((n_paths, 0), dtype=bool)
    total_weight = np.zeros((n_paths, n_dim))
    if isinstance(rule, BandsRule):
        kind = BANDS
        total_weight = index.dim_weight
        for k, band in enumerate(sorted(rule.bands, key=lambda b: b.level)):
            steps.append((band.level, band.min_score))
            conditions.extend(
                (k, c.min_level, c.min_count, condition_pool(index, c.dimension, c.tag))
                for c in band.conditions
            )
    elif isinstance(rule, MeanOfAreasRule):
        kind = MEAN_OF_AREAS
        total_weight = np.tile(index.scored_dim.astype(np.float64), (n_paths, 1))
        steps = sorted(((t.level, t.min_score) for t in rule.thresholds), key=lambda s: s[1])
    else:
        kind = GATES
        top = index.top
        pass_mark = rule.pass_mark
        per_level = gate_kernel(index, top).reshape(n_ind, n_paths, top)
        has_requirement = (per_level > 0).sum(axis=0) > 0
    members: list[list[int]] = [[] for _ in range(n_ind)]
    for c, (_, _, _, pool) in enumerate(conditions):
        for j in pool:
            members[j].append(c)
    return KernelTables(
        rule=kind,
        scale_max=scale,
        tolerance=TOLERANCE if kind == GATES else TOLERANCE * scale,
        dim_start=np.append(index.dim_starts, n_ind).astype(np.int64),
        weight=np.ascontiguousarray(index.weight),
        fits=np.ascontiguousarray(index.applicable),
        required=np.ascontiguousarray(index.required),
        gate=np.ascontiguousarray(index.gate, dtype=np.int64),
        gate_dim_weight=np.ascontiguousarray(index.dim_weight),
        total_weight=np.ascontiguousarray(total_weight, dtype=np.float64),
        step_level=np.array([s[0] for s in steps], dtype=np.int64),
        step_min=np.array([s[1] for s in steps], dtype=np.float64),
        cond_step=np.array([c[0] for c in conditions], dtype=np.int64) if conditions else empty_i,
        cond_min_level=np.array([c[1] for c in conditions], dtype=np.int64)
        if conditions
        else empty_i,
        cond_min_count=np.array([c[2] for c in conditions], dtype=np.int64)
        if conditions
        else empty_i,
        member_ptr=np.cumsum([0, *map(len, members)]).astype(np.int64),
        member_cond=np.array([c for m in members for c in m], dtype=np.int64)
        if conditions
        else empty_i,
        pass_mark=float(pass_mark),
        has_requirement=np.ascontiguousarray(has_requirement),
        top=top,
    )


def condition_pool(index: FrameworkIndex, dimension_id: str, tag: str | None) -> IntArray:
    """Indicator positions a band condition counts (a dimension, optionally one tag)."""
    d = index.dimension_ids.index(dimension_id)
    return np.flatnonzero(
        (index.dim_of == d) & np.array([tag is None or tag in i.tags for i in index.indicators])
    )


def condition_count(
    levels: Int8Array, answered: BoolArray, pool: IntArray, min_level: int
) -> IntArray:
    """Per row, how many indicators of ``pool`` are answered at ``min_level`` or above."""
    hits = (levels[:, pool] >= min_level) & answered[:, pool]
    counts: IntArray = hits.sum(axis=1, dtype=np.int64)
    return counts


def gate_kernel(index: FrameworkIndex, top: int) -> FloatArray:
    """(n_i, n_p × top): path dimension weight × indicator weight where the gate is the level."""
    one_hot = (index.gate[:, None] == np.arange(1, top + 1)).astype(np.float64)  # (n_i, top)
    per_path = index.dim_weight[:, index.dim_of] * index.weight * index.applicable  # (n_p, n_i)
    kernel: FloatArray = per_path.T[:, :, None] * one_hot[:, None, :]
    return kernel.reshape(len(index.indicators), -1)


# ----------------------------------------------------------------------------- documented API


@dataclass(frozen=True)
class ScoreResult:
    """Frames of one scoring run (columns in docs/architecture.md).

    Each frame is built on first use: a batch that keeps only the overall results never pays
    for the (assessments × indicators) indicator frame.
    """

    matrix: AnswerMatrix
    scores: MatrixScores
    index: FrameworkIndex

    @functools.cached_property
    def indicator_scores(self) -> pd.DataFrame:
        return indicator_frame(self.matrix, self.scores, self.index)

    @functools.cached_property
    def dimension_scores(self) -> pd.DataFrame:
        return dimension_frame(self.matrix, self.scores, self.index)

    @functools.cached_property
    def overall(self) -> pd.DataFrame:
        return overall_frame(self.matrix, self.scores)


def score(
    answers: pd.DataFrame,
    framework: Framework,
    *,
    paths: pd.Series | None = None,
    assessment_ids: Sequence[str] | None = None,
) -> ScoreResult:
    """Score long answers against ``framework``.

    ``score = scale_max × Σ_d W_d·(Σ_{i∈d} w_i·s_i / Σ_{i∈d, answered} w_i) / Σ_{d answered} W_d``
    for bands (W_d = dimension or path weight) and mean_of_areas (W_d = 1); cumulative_gates uses
    ``score = reached + sat(reached + 1)``, ``sat(L) = Σ_{gate=L} W_d·w_i·s_i / Σ_{gate=L} W_d·w_i``
    over answered requirements. N/A, unanswered and inapplicable indicators leave every
    denominator.

    Args:
        answers: canonical long answers (assessment_id, indicator_id, answer).
        framework: the framework version the answers were given against.
        paths: assessment_id → production path id; missing means the first path.
        assessment_ids: rows of the result (assessments without answers score NaN); default:
            every assessment in ``answers`` in order of first appearance.

    Raises:
        AnswerError: an answer the framework does not accept.
    """
    return score_encoded(
        encode(answers, framework, assessment_ids=assessment_ids), framework, paths
    )


def score_encoded(
    matrix: AnswerMatrix, framework: Framework, paths: pd.Series | None = None
) -> ScoreResult:
    """:func:`score` of answers already encoded (``paths`` as there)."""
    scores = score_matrix(
        matrix, framework, path_positions(matrix.assessment_ids, framework, paths)
    )
    return ScoreResult(matrix, scores, framework_index(framework))


def matrix_rows(
    matrix: AnswerMatrix | None, ids: Sequence[str], framework: Framework
) -> AnswerMatrix:
    """The rows of ``ids`` of ``matrix`` (unanswered where it has none, or no matrix), in the
    order of ``ids``: what :func:`encode` gives with ``assessment_ids=ids``."""
    out = empty_matrix(np.asarray(list(ids), dtype=object), framework_index(framework))
    if matrix is None or not len(ids):
        return out
    at = pd.Index(matrix.assessment_ids).get_indexer(pd.Index(out.assessment_ids))
    have = np.flatnonzero(at >= 0)
    for target, source in (
        (out.scores, matrix.scores),
        (out.levels, matrix.levels),
        (out.status, matrix.status),
    ):
        target[have] = source[at[have]]
    return out


def indicator_values(matrix: AnswerMatrix, scores: MatrixScores) -> FloatArray:
    """(assessments × indicators): the score in [0, 1] of each answered indicator that applies
    to the row's path, NaN otherwise (the ``score`` column of :func:`indicator_frame`)."""
    values: FloatArray = np.where(
        scores.applicable & (matrix.status == ANSWERED), matrix.scores, np.nan
    )
    return values


def indicator_frame(
    matrix: AnswerMatrix, scores: MatrixScores, index: FrameworkIndex
) -> pd.DataFrame:
    """One row per (assessment, indicator); inapplicable indicators show as N/A."""
    n_rows, n_ind = matrix.scores.shape
    status = np.where(scores.applicable | (matrix.status == MISSING), matrix.status, NA)
    status = np.where(scores.applicable | (matrix.status == NA), status, NA)
    level = matrix.levels.ravel()
    has_level = (level >= 0) & (status.ravel() == ANSWERED)
    return pd.DataFrame(
        {
            C.ASSESSMENT_ID: np.repeat(matrix.assessment_ids, n_ind),
            C.INDICATOR_ID: np.tile(np.asarray(index.indicator_ids, dtype=object), n_rows),
            C.DIMENSION_ID: np.tile(
                np.asarray(index.dimension_ids, dtype=object)[index.dim_of], n_rows
            ),
            C.STATUS: _STATUS_NAMES[status.ravel()],
            C.LEVEL: int_or_na(level, has_level),
            C.SCORE: indicator_values(matrix, scores).ravel(),
            C.WEIGHT: np.tile(index.weight, n_rows),
        }
    )


def dimension_frame(
    matrix: AnswerMatrix, scores: MatrixScores, index: FrameworkIndex
) -> pd.DataFrame:
    """One row per (assessment, dimension)."""
    n_rows, n_dim = scores.dimension.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = scores.answered / scores.applicable_count
    return pd.DataFrame(
        {
            C.ASSESSMENT_ID: np.repeat(matrix.assessment_ids, n_dim),
            C.DIMENSION_ID: np.tile(np.asarray(index.dimension_ids, dtype=object), n_rows),
            C.SCORE: scores.dimension.ravel(),
            C.ANSWERED: scores.answered.ravel(),
            C.APPLICABLE: scores.applicable_count.ravel(),
            C.COVERAGE: coverage.ravel(),
        }
    )


def overall_frame(matrix: AnswerMatrix, scores: MatrixScores) -> pd.DataFrame:
    """One row per assessment: score, level (NA when none), coverage and completeness."""
    return pd.DataFrame(
        {
            C.ASSESSMENT_ID: matrix.assessment_ids,
            C.SCORE: scores.score,
            C.SCALE_MAX: np.full(matrix.size, scores.scale_max),
            C.SCORE_100: scores.score / scores.scale_max * 100.0,
            C.LEVEL: int_or_na(scores.level, scores.level > 0),
            C.COVERAGE: scores.coverage,
            C.MISSING_REQUIRED: scores.missing_required,
            C.COMPLETE: scores.missing_required == 0,
        }
    )


def int_or_na(values: npt.NDArray[np.integer], present: BoolArray) -> pd.arrays.IntegerArray:
    """A nullable Int64 array: ``values`` where ``present``, else NA."""
    return pd.arrays.IntegerArray(np.where(present, values, 0).astype(np.int64), ~present)
