"""Scoring throughput: 1,000,000 synthetic assessments × every released framework.

Input: one encoded answer matrix for all frameworks side by side, column-major as ``encode``
makes it: scores (float64, NaN unless answered), status and levels (int8), assessments × all
frameworks' indicators, plus a production path per assessment and framework. Everything below
starts from that same matrix:

* engine: :func:`assessment.scoring.score_matrix` over each framework's columns in row chunks
  of ``CHUNK`` assessments, ``detail=False`` (score, level, coverage, missing_required, gate
  satisfaction: what a batch job writes out), then once more with ``detail=True`` (every
  per-indicator and per-dimension array) for comparison;
* floor: one ``matrix @ weights`` over the same full matrix (all frameworks' indicators);
* naive: a one-assessment-at-a-time pure-Python scorer (row to lists, loops over dimensions and
  indicators, dict lookups, weighted means, rule evaluation) over the first ``NAIVE_SAMPLE``
  rows of the same matrix, checked against the engine on those rows; the per-assessment times
  of both on that sample (one thread each) are compared.

Both the engine (its block threads) and the floor (BLAS) use every core; the engine / floor
ratio compares the best of ``RUNS`` runs of each. Matrices are generated before timing; the kernel
is compiled (or loaded from numba's cache) before timing too, and that first call is printed.
``BENCH_ASSESSMENTS`` shrinks the run, e.g. ``BENCH_ASSESSMENTS=200000 python -m bench scoring``.
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment import columns as C
from assessment.diagnosis import diagnose
from assessment.scoring import (
    ANSWERED,
    MISSING,
    NA,
    NO_LEVEL,
    AnswerMatrix,
    framework_index,
    parse_answers,
    score,
    score_matrix,
)
from indicators.loader import load_all
from indicators.schema import (
    AnswerType,
    BandsRule,
    CumulativeGatesRule,
    Framework,
    Indicator,
    MeanOfAreasRule,
)

CHUNK = 262_144  # assessments per score_matrix call in the batch
DISTINCT = 65_536  # distinct random rows per framework, repeated to fill the matrix
NAIVE_SAMPLE = 5_000
LATENCY_REPEATS = 50
RUNS = 5  # timed runs of the engine and of the floor; the best of each is compared
SEED = 20_260_101

TARGET_SECONDS = 10.0
TARGET_MEMORY_MB = 4096.0
TARGET_FLOOR_RATIO = 5.0
TARGET_NAIVE_RATIO = 100.0
TARGET_LATENCY_MS = 20.0


# ----------------------------------------------------------------------------- synthetic data


def answer_values(indicator: Indicator, max_level: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised scores and levels an indicator's answers can take (encoded like real ones)."""
    if indicator.answer is AnswerType.LEVEL:
        texts = [str(k) for k in range(max_level + 1)]
    elif indicator.answer is AnswerType.BOOLEAN:
        texts = ["no", "yes"]
    elif indicator.answer is AnswerType.CHOICE:
        texts = [o.id for o in indicator.options or ()]
    elif indicator.answer is AnswerType.MULTI:
        plain = [o.id for o in indicator.options or () if not o.exclusive]
        texts = ["|".join(plain[:k]) for k in range(len(plain) + 1)]
    else:
        xs = [x for x, _ in indicator.breakpoints or ((0.0, 0.0), (100.0, 1.0))]
        texts = [f"{x:g}" for x in np.linspace(xs[0], xs[-1], 9)]
    parsed = parse_answers(indicator, texts, max_level)
    return np.array([p[0] for p in parsed]), np.array([p[1] for p in parsed], dtype=np.int8)


def synthetic_matrix(framework: Framework, n: int, rng: np.random.Generator) -> AnswerMatrix:
    """``n`` random assessments, column-major; about 3 % unanswered and 2 % N/A where allowed."""
    index = framework_index(framework)
    shape = (n, len(index.indicators))
    scores = np.empty(shape, order="F")
    levels = np.empty(shape, dtype=np.int8, order="F")
    status = np.full(shape, ANSWERED, dtype=np.int8, order="F")
    maturity = rng.random(n)
    for j, indicator in enumerate(index.indicators):
        values, level_values = answer_values(indicator, index.max_level)
        noisy = np.clip(maturity + rng.normal(0, 0.25, n), 0, 0.999)
        pick = (noisy * len(values)).astype(np.intp)
        scores[:, j], levels[:, j] = values[pick], level_values[pick]
        draw = rng.random(n)
        status[draw < 0.03, j] = MISSING
        if indicator.na_allowed:
            status[(draw >= 0.03) & (draw < 0.05), j] = NA
    blank = status != ANSWERED
    scores[blank], levels[blank] = np.nan, NO_LEVEL
    ids = np.arange(n).astype(str).astype(object)
    return AnswerMatrix(ids, index.indicator_ids, scores, levels, status)


@dataclass(frozen=True)
class Data:
    """The full encoded answer matrix of every framework, side by side."""

    ids: np.ndarray  # (n,) object
    scores: np.ndarray  # (n, k) float64, column-major
    levels: np.ndarray  # (n, k) int8
    status: np.ndarray  # (n, k) int8
    columns: dict[str, slice]  # framework id → its columns
    indicator_ids: dict[str, tuple[str, ...]]  # framework id → its indicators
    paths: dict[str, np.ndarray]  # framework id → path position per row

    def matrix(self, framework_id: str, rows: slice) -> AnswerMatrix:
        """One framework's answers for ``rows`` (views, no copy)."""
        cols = self.columns[framework_id]
        return AnswerMatrix(
            self.ids[rows],
            self.indicator_ids[framework_id],
            self.scores[rows, cols],
            self.levels[rows, cols],
            self.status[rows, cols],
        )


def synthetic_data(frameworks: dict[str, Framework], n: int) -> Data:
    """``n`` assessments × every framework; ``DISTINCT`` random rows per framework, repeated."""
    widths = {fid: len(f.indicators) for fid, f in frameworks.items()}
    edges = np.cumsum([0, *widths.values()])
    columns = {
        fid: slice(int(a), int(b)) for fid, a, b in zip(widths, edges, edges[1:], strict=False)
    }
    total = int(edges[-1])
    scores = np.empty((n, total), order="F")
    levels = np.empty((n, total), dtype=np.int8, order="F")
    status = np.empty((n, total), dtype=np.int8, order="F")
    paths = {}
    for k, (fid, framework) in enumerate(frameworks.items()):
        rng = np.random.default_rng(SEED + k)
        distinct = min(DISTINCT, n)
        pool = synthetic_matrix(framework, distinct, rng)
        cols = columns[fid]
        for start in range(0, n, distinct):
            rows = slice(start, min(start + distinct, n))
            size = rows.stop - rows.start
            scores[rows, cols] = pool.scores[:size]
            levels[rows, cols] = pool.levels[:size]
            status[rows, cols] = pool.status[:size]
        paths[fid] = rng.integers(0, len(framework.paths or ((),)), n).astype(np.int64)
    ids = np.arange(n).astype(str).astype(object)
    indicator_ids = {fid: framework_index(f).indicator_ids for fid, f in frameworks.items()}
    return Data(ids, scores, levels, status, columns, indicator_ids, paths)


# ----------------------------------------------------------------------------- naive reference


def naive_score(
    row: tuple[list[float], list[int], list[int]],
    position: dict[str, int],
    path: str,
    framework: Framework,
) -> tuple[float, int]:
    """One assessment from one matrix row (scores, status, levels): (score, level 0 = none)."""
    scores, status, levels = row
    rule = framework.result
    if isinstance(rule, CumulativeGatesRule):
        return naive_gates(scores, position, path, framework, rule)
    per_dimension: dict[str, float] = {}
    for dimension in framework.dimensions:
        total = weight = 0.0
        for indicator in dimension.indicators:
            if indicator.paths is not None and path not in indicator.paths:
                continue
            value = scores[position[indicator.id]]
            if not math.isnan(value):
                total += value * indicator.weight
                weight += indicator.weight
        if weight > 0 and dimension.scored:
            per_dimension[dimension.id] = total / weight
    weights = {d.id: naive_dimension_weight(d, path, rule) for d in framework.dimensions}
    numerator = denominator = 0.0
    for dimension_id, value in per_dimension.items():
        if weights[dimension_id] > 0:
            numerator += value * weights[dimension_id]
            denominator += weights[dimension_id]
    if denominator == 0:
        return math.nan, 0
    value = rule.scale_max * (numerator / denominator)
    if isinstance(rule, MeanOfAreasRule):
        reached = [t.level for t in rule.thresholds if value >= t.min_score - 1e-9 * rule.scale_max]
        return value, max(reached, default=0)
    answered_levels = {
        i.id: levels[position[i.id]]
        for i in framework.indicators
        if status[position[i.id]] == ANSWERED and (i.paths is None or path in i.paths)
    }
    return value, naive_band(value, answered_levels, framework, rule)


def naive_dimension_weight(dimension: object, path: str, rule: object) -> float:
    """Dimension weight for a path (1 for mean_of_areas; 0 when the dimension is unscored)."""
    if not getattr(dimension, "scored", True):
        return 0.0
    if isinstance(rule, MeanOfAreasRule):
        return 1.0
    weights = getattr(dimension, "path_weights", None)
    return float(weights[path]) if weights else float(getattr(dimension, "weight", 1.0) or 1.0)


def naive_band(value: float, levels: dict[str, int], framework: Framework, rule: BandsRule) -> int:
    """Highest band whose score and conditions hold."""
    best = 0
    for band in rule.bands:
        ok = value >= band.min_score - 1e-9 * rule.scale_max
        for condition in band.conditions:
            dimension = next(d for d in framework.dimensions if d.id == condition.dimension)
            count = sum(
                1
                for i in dimension.indicators
                if (condition.tag is None or condition.tag in i.tags)
                and levels.get(i.id, -1) >= condition.min_level
            )
            ok = ok and count >= condition.min_count
        if ok:
            best = max(best, band.level)
    return best


def naive_gates(
    scores: list[float],
    position: dict[str, int],
    path: str,
    framework: Framework,
    rule: CumulativeGatesRule,
) -> tuple[float, int]:
    """cumulative_gates for one assessment."""
    top = max(level.value for level in framework.result_levels)
    sums = {level: [0.0, 0.0] for level in range(1, top + 1)}
    needed = set()
    for dimension in framework.dimensions:
        if not dimension.scored:
            continue
        weight = naive_dimension_weight(dimension, path, rule)
        for indicator in dimension.indicators:
            applies = indicator.paths is None or path in indicator.paths
            if not (applies and indicator.gate_level):
                continue
            if weight * indicator.weight > 0:
                needed.add(indicator.gate_level)
            value = scores[position[indicator.id]]
            if not math.isnan(value):
                sums[indicator.gate_level][0] += value * (weight * indicator.weight)
                sums[indicator.gate_level][1] += weight * indicator.weight
    satisfaction = {k: (a / b if b > 0 else None) for k, (a, b) in sums.items()}
    if all(s is None for s in satisfaction.values()):
        return math.nan, 0
    reached = 0
    while reached < top and (
        (satisfaction[reached + 1] or 0.0) >= rule.pass_mark - 1e-9 or reached + 1 not in needed
    ):
        reached += 1
    following = 0.0 if reached >= top else (satisfaction[reached + 1] or 0.0)
    return (float(top) if reached >= top else reached + following), reached


def naive_ratio(data: Data, frameworks: dict[str, Framework]) -> tuple[float, float]:
    """Per-assessment seconds of the naive scorer and of the engine on the same sample rows."""
    naive = engine = 0.0
    sample = slice(0, min(NAIVE_SAMPLE, len(data.ids)))
    for fid, framework in frameworks.items():
        matrix = data.matrix(fid, sample)
        paths = data.paths[fid][sample]
        index = framework_index(framework)
        position = {indicator_id: j for j, indicator_id in enumerate(index.indicator_ids)}
        start = time.perf_counter()
        expected = []
        for r, p in enumerate(paths.tolist()):
            row = (matrix.scores[r].tolist(), matrix.status[r].tolist(), matrix.levels[r].tolist())
            expected.append(naive_score(row, position, index.path_ids[p], framework))
        naive += time.perf_counter() - start
        start = time.perf_counter()
        result = score_matrix(matrix, framework, paths, detail=False)
        engine += time.perf_counter() - start
        np.testing.assert_allclose(result.score, [e[0] for e in expected], rtol=1e-9)
        assert (result.level == [e[1] for e in expected]).all(), fid
    count = sample.stop * len(frameworks)
    return naive / count, engine / count


# ----------------------------------------------------------------------------- measurements


def warm_up(data: Data, frameworks: dict[str, Framework]) -> float:
    """Seconds of the first score_matrix call (kernel compile or load from numba's cache)."""
    fid, framework = next(iter(frameworks.items()))
    start = time.perf_counter()
    score_matrix(data.matrix(fid, slice(0, 1)), framework, data.paths[fid][:1])
    return time.perf_counter() - start


def run_engine(
    data: Data, frameworks: dict[str, Framework], *, detail: bool
) -> tuple[float, np.ndarray]:
    """Wall seconds to score every assessment against every framework; the scores."""
    n = len(data.ids)
    # Column-major: each framework's results are written as one contiguous run.
    found = np.empty((n, len(frameworks)), order="F")
    levels = np.empty((n, len(frameworks)), dtype=np.int64, order="F")
    start = time.perf_counter()
    for first in range(0, n, CHUNK):
        rows = slice(first, min(first + CHUNK, n))
        for k, (fid, framework) in enumerate(frameworks.items()):
            matrix = data.matrix(fid, rows)
            result = score_matrix(matrix, framework, data.paths[fid][rows], detail=detail)
            found[rows, k] = result.score
            levels[rows, k] = result.level
    return time.perf_counter() - start, found


def run_floor(data: Data, frameworks: dict[str, Framework]) -> float:
    """Best of ``RUNS``: seconds of one ``matrix @ weights`` over the full answer matrix."""
    weights = np.concatenate([framework_index(f).weight for f in frameworks.values()])
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        total = data.scores @ weights
        times.append(time.perf_counter() - start)
        del total
    return min(times)


def latency(framework: Framework) -> float:
    """Median seconds to score and explain one assessment from its long answers."""
    rng = np.random.default_rng(SEED)
    texts = one_assessment_texts(framework, rng)
    answers = pd.DataFrame(
        [("x", key, value) for key, value in texts.items()],
        columns=[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER],
    )
    times = []
    for _ in range(LATENCY_REPEATS):
        start = time.perf_counter()
        score(answers, framework)
        diagnose(answers, framework)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_assessment_texts(framework: Framework, rng: np.random.Generator) -> dict[str, str]:
    """Random canonical answers to every indicator."""
    found = {}
    for indicator in framework.indicators:
        if indicator.answer is AnswerType.LEVEL:
            found[indicator.id] = str(rng.integers(0, framework.max_answer_level + 1))
        elif indicator.answer is AnswerType.BOOLEAN:
            found[indicator.id] = str(rng.choice(["yes", "no"]))
        elif indicator.answer is AnswerType.CHOICE:
            found[indicator.id] = str(rng.choice([o.id for o in indicator.options or ()]))
        elif indicator.answer is AnswerType.MULTI:
            plain = [o.id for o in indicator.options or () if not o.exclusive]
            found[indicator.id] = "|".join(p for p in plain if rng.random() < 0.5)
        else:
            xs = [x for x, _ in indicator.breakpoints or ((0.0, 0.0), (100.0, 1.0))]
            found[indicator.id] = f"{rng.uniform(xs[0], xs[-1]):.2f}"
    return found


def mark(ok: bool) -> str:
    """✓ or ✗."""
    return "✓" if ok else "✗"


def run() -> None:
    """Run the scoring benchmark and print its figures."""
    total = int(os.environ.get("BENCH_ASSESSMENTS", "1000000"))
    frameworks = load_all()
    width = sum(len(f.indicators) for f in frameworks.values())
    print(
        f"assessments: {total:,}; frameworks: {len(frameworks)} ({', '.join(frameworks)}); "
        f"indicators: {width} in all; cores: {os.cpu_count()}; chunk: {CHUNK:,}"
    )
    start = time.perf_counter()
    data = synthetic_data(frameworks, total)
    size = (data.scores.nbytes + data.levels.nbytes + data.status.nbytes) / 2**20
    print(
        f"input: one encoded matrix {total:,} × {width} (scores float64 + status, levels int8, "
        f"column-major) = {size:,.0f} MB, generated in {time.perf_counter() - start:.1f} s "
        "(untimed)"
    )
    first = warm_up(data, frameworks)
    print(f"first score_matrix call (numba compile, or load from its cache): {first:.2f} s")
    pairs = total * len(frameworks)
    walls = []
    for _ in range(RUNS):
        wall, found = run_engine(data, frameworks, detail=False)
        walls.append(wall)
    wall = walls[0]
    print(
        f"engine (batch: score, level, coverage, missing_required, gate satisfaction): "
        f"{wall:.2f} s wall for {pairs:,} assessment×framework scores ({pairs / wall:,.0f}/s; "
        f"{wall / pairs * 1e9:.0f} ns each; runs: {', '.join(f'{w:.2f}' for w in walls)} s)  "
        f"{mark(wall <= TARGET_SECONDS)} ≤ {TARGET_SECONDS:g} s"
    )
    detailed, again = run_engine(data, frameworks, detail=True)
    assert np.array_equal(found, again, equal_nan=True)
    print(
        f"engine with every per-indicator and per-dimension array (detail=True): "
        f"{detailed:.2f} s wall (same scores, bit for bit)"
    )
    floor = run_floor(data, frameworks)
    ratio = min(walls) / floor
    print(
        f"floor: one matrix @ weights over the full matrix {floor:.3f} s; best of {RUNS} each: "
        f"engine / floor = {ratio:.1f}x  {mark(ratio <= TARGET_FLOOR_RATIO)} ≤ "
        f"{TARGET_FLOOR_RATIO:g}x (detail=True: {detailed / floor:.1f}x)"
    )
    naive, engine = naive_ratio(data, frameworks)
    speedup = naive / engine
    print(
        f"naive pure Python: {naive * 1e6:.1f} µs/assessment; engine on the same "
        f"{min(NAIVE_SAMPLE, total):,}-row sample (one thread): {engine * 1e9:.0f} ns/assessment; "
        f"speed-up {speedup:,.0f}x  {mark(speedup >= TARGET_NAIVE_RATIO)} ≥ "
        f"{TARGET_NAIVE_RATIO:g}x (vs the batch rate above: {naive / (wall / pairs):,.0f}x; "
        "results agree)"
    )
    latencies = {fid: latency(f) for fid, f in frameworks.items()}
    slowest = max(latencies, key=lambda fid: latencies[fid])
    print(
        f"single assessment score + explain (median of {LATENCY_REPEATS}): "
        + ", ".join(f"{fid} {t * 1e3:.1f} ms" for fid, t in latencies.items())
        + f"; slowest {slowest} {latencies[slowest] * 1e3:.1f} ms  "
        + f"{mark(latencies[slowest] * 1e3 <= TARGET_LATENCY_MS)} ≤ {TARGET_LATENCY_MS:g} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory (ru_maxrss, whole process incl. the input matrix): {peak:,.0f} MB  "
        f"{mark(peak <= TARGET_MEMORY_MB)} ≤ {TARGET_MEMORY_MB:,.0f} MB"
    )
