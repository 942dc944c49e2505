"""Scoring throughput: 1,000,000 synthetic assessments × every released framework.

Prints throughput, total seconds, peak memory, the speed-up over a one-assessment-at-a-time
pure-Python scorer, the ratio to the floor of one ``matrix @ weights`` over the same matrices,
and the latency of scoring and explaining one assessment (median of 50).
``BENCH_ASSESSMENTS`` shrinks the run (e.g. ``BENCH_ASSESSMENTS=20000 python -m bench scoring``),
``BENCH_THREADS`` sets the worker threads (default 2).
"""

from __future__ import annotations

import os

# The workers are threads, one per core: BLAS (used only by the floor) must not spawn its own
# threads on top of them. Effective when this module is the first to import numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import resource
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

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
    FrameworkIndex,
    MatrixScores,
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

CHUNK = 16_384
NAIVE_SAMPLE = 2_000
LATENCY_REPEATS = 50
SEED = 20_260_101


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


def synthetic_paths(framework: Framework, n: int, rng: np.random.Generator) -> np.ndarray:
    """A random production path per assessment."""
    return rng.integers(0, len(framework.paths or ((),)), n).astype(np.int64)


# ----------------------------------------------------------------------------- naive reference


def naive_score(
    answers: dict[str, float], levels: dict[str, int], path: str, framework: Framework
) -> tuple[float, int]:
    """One assessment, dicts and loops: (score, level 0 = none)."""
    rule = framework.result
    per_dimension: dict[str, float] = {}
    for dimension in framework.dimensions:
        total = weight = 0.0
        for indicator in dimension.indicators:
            if indicator.paths is not None and path not in indicator.paths:
                continue
            value = answers.get(indicator.id)
            if value is not None:
                total += indicator.weight * value
                weight += indicator.weight
        if weight > 0 and dimension.scored:
            per_dimension[dimension.id] = total / weight
    if isinstance(rule, CumulativeGatesRule):
        return naive_gates(answers, path, framework, rule)
    weights = {d.id: naive_dimension_weight(d, path, rule) for d in framework.dimensions}
    denominator = sum(weights[d] for d in per_dimension)
    if denominator == 0:
        return float("nan"), 0
    value = rule.scale_max * sum(weights[d] * s for d, s in per_dimension.items()) / denominator
    if isinstance(rule, MeanOfAreasRule):
        reached = [t.level for t in rule.thresholds if value >= t.min_score - 1e-9 * rule.scale_max]
        return value, max(reached, default=0)
    return value, naive_band(value, levels, framework, rule)


def naive_dimension_weight(dimension: object, path: str, rule: object) -> float:
    """Dimension weight for a path (1 for mean_of_areas)."""
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
    answers: dict[str, float], path: str, framework: Framework, rule: CumulativeGatesRule
) -> tuple[float, int]:
    """cumulative_gates for one assessment."""
    top = max(level.value for level in framework.result_levels)
    sums = {level: [0.0, 0.0] for level in range(1, top + 1)}
    for dimension in framework.dimensions:
        if not dimension.scored:
            continue
        weight = naive_dimension_weight(dimension, path, rule)
        for indicator in dimension.indicators:
            value = answers.get(indicator.id)
            applies = indicator.paths is None or path in indicator.paths
            if value is not None and applies and indicator.gate_level:
                sums[indicator.gate_level][0] += weight * indicator.weight * value
                sums[indicator.gate_level][1] += weight * indicator.weight
    satisfaction = {k: (a / b if b > 0 else None) for k, (a, b) in sums.items()}
    if all(s is None for s in satisfaction.values()):
        return float("nan"), 0
    reached = 0
    while reached < top and (satisfaction[reached + 1] or 0.0) >= rule.pass_mark - 1e-9:
        reached += 1
    following = 0.0 if reached >= top else (satisfaction[reached + 1] or 0.0)
    return (float(top) if reached >= top else reached + following), reached


def as_dicts(
    matrix: AnswerMatrix, index: FrameworkIndex, rows: int
) -> list[tuple[dict[str, float], dict[str, int]]]:
    """The first ``rows`` assessments as dicts of scores and levels."""
    found = []
    for r in range(rows):
        answered = matrix.status[r] == ANSWERED
        scores = {
            index.indicator_ids[j]: float(matrix.scores[r, j])
            for j in np.flatnonzero(answered & ~np.isnan(matrix.scores[r]))
        }
        levels = {
            index.indicator_ids[j]: int(matrix.levels[r, j])
            for j in np.flatnonzero(answered & (matrix.levels[r] >= 0))
        }
        found.append((scores, levels))
    return found


# ----------------------------------------------------------------------------- measurements


def chunks(total: int) -> Iterator[int]:
    """Chunk sizes adding up to ``total``."""
    for start in range(0, total, CHUNK):
        yield min(CHUNK, total - start)


Chunk = tuple[AnswerMatrix, np.ndarray]
POOL = 4  # distinct synthetic chunks per framework, reused in turn


def synthetic_pool(framework: Framework) -> list[Chunk]:
    """A few full-size random chunks (generating 1M rows each run would dominate the time)."""
    found = []
    for k in range(POOL):
        rng = np.random.default_rng(SEED + k)
        found.append(
            (synthetic_matrix(framework, CHUNK, rng), synthetic_paths(framework, CHUNK, rng))
        )
    return found


def timed_chunk(framework: Framework, chunk: Chunk, n: int) -> tuple[float, float]:
    """Time scoring the first ``n`` rows of a chunk, and the floor over the same matrix."""
    matrix, paths = chunk
    if n < matrix.size:
        matrix = AnswerMatrix(
            matrix.assessment_ids[:n],
            matrix.indicator_ids,
            matrix.scores[:n],
            matrix.levels[:n],
            matrix.status[:n],
        )
        paths = paths[:n]
    start = time.perf_counter()
    result: MatrixScores = score_matrix(matrix, framework, paths)
    middle = time.perf_counter()
    floor = matrix.scores @ framework_index(framework).weight
    end = time.perf_counter()
    assert result.score.shape == floor.shape
    return middle - start, end - middle


def run_batch(frameworks: dict[str, Framework], total: int, threads: int) -> dict[str, float]:
    """Score ``total`` assessments per framework on ``threads`` threads; wall and summed times."""
    pools = {fid: synthetic_pool(f) for fid, f in frameworks.items()}
    jobs = [
        (f, pools[fid][k % POOL], n)
        for fid, f in frameworks.items()
        for k, n in enumerate(chunks(total))
    ]
    wall = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        timings = list(pool.map(lambda job: timed_chunk(*job), jobs))
    wall = time.perf_counter() - wall
    return {
        "wall": wall,
        "engine": sum(t[0] for t in timings),
        "floor": sum(t[1] for t in timings),
    }


def naive_ratio(frameworks: dict[str, Framework]) -> tuple[float, float]:
    """Per-assessment seconds of the naive scorer and of the engine, checking they agree."""
    naive = engine = 0.0
    for framework in frameworks.values():
        rng = np.random.default_rng(SEED)
        matrix = synthetic_matrix(framework, NAIVE_SAMPLE, rng)
        paths = synthetic_paths(framework, NAIVE_SAMPLE, rng)
        index = framework_index(framework)
        rows = as_dicts(matrix, index, NAIVE_SAMPLE)
        names = [index.path_ids[p] for p in paths]
        start = time.perf_counter()
        expected = [
            naive_score(s, lv, p, framework) for (s, lv), p in zip(rows, names, strict=True)
        ]
        naive += time.perf_counter() - start
        start = time.perf_counter()
        result = score_matrix(matrix, framework, paths)
        engine += time.perf_counter() - start
        np.testing.assert_allclose(result.score, [e[0] for e in expected], rtol=1e-9)
        assert (result.level == [e[1] for e in expected]).all(), framework.id
    count = NAIVE_SAMPLE * len(frameworks)
    return naive / count, engine / count


def latency(framework: Framework) -> float:
    """Median seconds to score and explain one assessment from its long answers."""
    rng = np.random.default_rng(SEED)
    matrix = synthetic_matrix(framework, 1, rng)
    texts = one_assessment_texts(framework, rng)
    answers = pd.DataFrame(
        [("x", key, value) for key, value in texts.items()],
        columns=[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER],
    )
    del matrix
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


def run() -> None:
    """Run the scoring benchmark and print its figures."""
    total = int(os.environ.get("BENCH_ASSESSMENTS", "1000000"))
    threads = int(os.environ.get("BENCH_THREADS", "2"))
    frameworks = load_all()
    print(
        f"frameworks: {', '.join(frameworks)} ({len(frameworks)}); "
        f"assessments: {total:,}; threads: {threads}; chunk: {CHUNK:,}"
    )
    batch = run_batch(frameworks, total, threads)
    pairs = total * len(frameworks)
    print(
        f"batch: {pairs / batch['wall']:,.0f} assessment×framework/s; "
        f"wall {batch['wall']:.2f} s (scoring + floor; matrices generated beforehand)"
    )
    print(
        f"engine: {batch['engine']:.2f} s summed over chunks "
        f"({pairs / batch['engine']:,.0f}/s per thread); "
        f"numpy floor (matrix @ weights): {batch['floor']:.2f} s; "
        f"engine / floor = {batch['engine'] / batch['floor']:.1f}x"
    )
    naive, engine = naive_ratio(frameworks)
    print(
        f"naive pure Python: {naive * 1e6:.1f} µs/assessment; engine: {engine * 1e6:.2f} "
        f"µs/assessment ({NAIVE_SAMPLE:,}-row batches); speed-up {naive / engine:,.0f}x"
    )
    latencies = {fid: latency(f) for fid, f in frameworks.items()}
    slowest = max(latencies, key=lambda fid: latencies[fid])
    print(
        "single assessment score + explain (median of 50): "
        + ", ".join(f"{fid} {t * 1e3:.1f} ms" for fid, t in latencies.items())
        + f"; slowest {slowest} {latencies[slowest] * 1e3:.1f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak:,.0f} MB")
