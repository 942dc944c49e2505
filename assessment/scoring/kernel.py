"""The compiled kernel of the scoring engine (numba).

Every row (assessment) is scored in one pass over its answers that adds the indicators in one
fixed order: file order within each dimension, dimensions in file order; gate satisfactions add
``W_d · Σ w·s`` per (dimension, gate level) in dimension order. Rows go in tiles whose inner
loops run across the tile's rows, one lane per row, so they vectorise without changing any row's
order of operations. A row's results therefore depend on that row only, never on how many rows
are scored with it or where it sits: one assessment alone and the same one inside a batch of a
million give bit-identical results. No fast-math (it would let the compiler reorder or fuse the
sums); ``error_model="numpy"`` makes 0 / 0 a NaN instead of an exception.

What costs time (measured, see bench/bench_scoring.py): memory streams and per-row work, so
indicators of a dimension are read in groups of up to ``GROUP`` columns side by side (several
memory streams at once, one loop per group size), work a rule does not need is skipped (gates
frameworks without ``detail`` compute no dimension scores; a gate level with one indicator in a
dimension adds ``W_d·(w·s)`` straight to the level), the gate levels are climbed by loops across
the tile.

The kernel releases the GIL, so :func:`assessment.scoring.score_matrix` runs blocks of rows on
several threads. ``cache=True``: the first call ever compiles (a few seconds) and stores the
machine code in ``__pycache__``; later processes load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numba
import numpy as np
import numpy.typing as npt

MISSING: Final = 0
ANSWERED: Final = 1
NA: Final = 2

BANDS: Final = 0
MEAN_OF_AREAS: Final = 1
GATES: Final = 2


@dataclass(frozen=True, eq=False)
class KernelTables:
    """A framework compiled for the kernel (built once per framework, see ``framework_index``).

    ``steps`` are bands sorted by level or thresholds sorted by minimum score. Band condition
    ``c`` of step ``cond_step[c]`` needs ``cond_min_count[c]`` answers at ``cond_min_level[c]``
    or above among its pool; ``member_ptr``/``member_cond`` list (CSR) the conditions whose pool
    holds each indicator.
    """

    rule: int
    scale_max: float
    tolerance: float  # absolute, on the native scale (gates: on the satisfaction)
    dim_start: npt.NDArray[np.int64]  # (n_d + 1,)
    weight: npt.NDArray[np.float64]  # (n_i,)
    fits: npt.NDArray[np.bool_]  # (n_p, n_i) the indicator applies to the path
    required: npt.NDArray[np.bool_]  # (n_i,)
    gate: npt.NDArray[np.int64]  # (n_i,) gate level, 0 when none
    gate_dim_weight: npt.NDArray[np.float64]  # (n_p, n_d) W_d in the gate satisfactions
    total_weight: npt.NDArray[np.float64]  # (n_p, n_d) W_d in the framework score
    step_level: npt.NDArray[np.int64]
    step_min: npt.NDArray[np.float64]
    cond_step: npt.NDArray[np.int64]
    cond_min_level: npt.NDArray[np.int64]
    cond_min_count: npt.NDArray[np.int64]
    member_ptr: npt.NDArray[np.int64]  # (n_i + 1,)
    member_cond: npt.NDArray[np.int64]
    pass_mark: float
    has_requirement: npt.NDArray[np.bool_]  # (n_p, top) gates: the level has a requirement
    top: int  # gates: number of levels; else 0

    def arguments(self) -> tuple[Any, ...]:
        """The tables in the kernel's argument order."""
        return (
            self.rule,
            self.scale_max,
            self.tolerance,
            self.dim_start,
            self.weight,
            self.fits,
            self.required,
            self.gate,
            self.gate_dim_weight,
            self.total_weight,
            self.step_level,
            self.step_min,
            self.cond_step,
            self.cond_min_level,
            self.cond_min_count,
            self.member_ptr,
            self.member_cond,
            self.pass_mark,
            self.has_requirement,
        )


TILE: Final = 1024  # rows handled together, each in its own accumulator lane


GROUP: Final = 4  # indicators read side by side


@numba.njit(inline="always")
def _slot(
    j: int,
    i: int,
    k: int,
    everywhere: Any,
    scores: Any,
    status: Any,
    strides: Any,
    r0: int,
    m: int,
    fit_scores: Any,
    fit_status: Any,
    blank_s: Any,
    blank_t: Any,
    weight: Any,
    required: Any,
) -> tuple[Any, Any, float, np.int16]:
    """Slot ``i`` of the group starting at indicator ``j``: scores, status, weight, required."""
    if i >= k:
        return blank_s[0 : 0 + m], blank_t[0 : 0 + m], 0.0, np.int16(0)
    jj = j + i
    q = np.int16(1) if required[jj] else np.int16(0)
    if not everywhere[jj]:
        return fit_scores[0 : 0 + m], fit_status[0 : 0 + m], weight[jj], q
    at_s = jj * strides[0] + r0
    at_t = jj * strides[1] + r0
    return scores[at_s : at_s + m], status[at_t : at_t + m], weight[jj], q


@numba.njit(inline="always")
def grouped_gate(has_gate: Any, j: int, k: int) -> bool:
    """Whether one of indicators ``j`` … ``j + k - 1`` has a gate level."""
    for i in range(j, j + k):  # noqa: SIM110 (a plain loop compiles to a plain loop)
        if has_gate[i]:
            return True
    return False


def score_rows(
    scores: Any,
    status: Any,
    levels: Any,
    strides: Any,
    start: int,
    stop: int,
    paths: Any,
    detail: bool,
    rule: int,
    scale_max: float,
    tolerance: float,
    dim_start: Any,
    weight: Any,
    fits: Any,
    required: Any,
    gate: Any,
    gate_dim_weight: Any,
    total_weight: Any,
    step_level: Any,
    step_min: Any,
    cond_step: Any,
    cond_min_level: Any,
    cond_min_count: Any,
    member_ptr: Any,
    member_cond: Any,
    pass_mark: float,
    has_requirement: Any,
    out_scored: Any,
    out_applicable: Any,
    out_dimension: Any,
    out_answered: Any,
    out_applicable_count: Any,
    out_score: Any,
    out_level: Any,
    out_coverage: Any,
    out_missing_required: Any,
    out_satisfaction: Any,
) -> None:
    """Score rows ``start`` to ``stop``; results go to the ``out_*`` arrays.

    Inputs are column-major and flat: the answer of row ``r`` to indicator ``j`` is at
    ``j * strides[k] + r`` of ``scores``, ``status``, ``levels`` (k = 0, 1, 2). Outputs are
    indicator-, dimension- or level-major: ``out_scored[j, r]``, ``out_dimension[d, r]``,
    ``out_satisfaction[level - 1, r]``. Rows go in tiles of ``TILE``; the inner loops run over the
    rows of a tile (each row its own lane, so they vectorise), the outer ones over indicators
    in file order, which fixes every row's order of summation. Without ``detail`` the
    per-indicator and per-dimension outputs (``out_scored`` … ``out_applicable_count``) are left
    alone (they may be empty); the rest is computed the same way.
    """
    n_dims = dim_start.shape[0] - 1
    n_steps = step_level.shape[0]
    n_conds = cond_step.shape[0]
    top = has_requirement.shape[1]
    n_paths = fits.shape[0]
    single = n_paths == 1
    gates = rule == GATES
    sums = detail or not gates  # dimension sums: needed for the score unless gates
    everywhere = np.empty(fits.shape[1], dtype=np.bool_)  # applies to every path
    for j in range(fits.shape[1]):
        everywhere[j] = True
        for q in range(n_paths):
            everywhere[j] &= fits[q, j]
    alone = np.zeros(
        fits.shape[1], dtype=np.bool_
    )  # only indicator of its gate level in its dimension
    for d in range(n_dims):
        for j in range(dim_start[d], dim_start[d + 1]):
            if gate[j] > 0:
                alone[j] = True
                for i in range(dim_start[d], dim_start[d + 1]):
                    if i != j and gate[i] == gate[j]:
                        alone[j] = False
    num = np.empty(TILE)
    den = np.empty(TILE)
    total_num = np.empty(TILE)
    total_den = np.empty(TILE)
    answered = np.empty(TILE, dtype=np.int16)
    missing = np.empty(TILE, dtype=np.int16)
    required_missing = np.empty(TILE, dtype=np.int16)
    all_answered = np.empty(TILE, dtype=np.int32)
    all_applicable = np.empty(TILE, dtype=np.int32)
    missing_required = np.empty(TILE, dtype=np.int32)
    fit = np.empty(TILE, dtype=np.bool_)
    fit_scores = np.empty(TILE)
    fit_status = np.empty(TILE, dtype=np.int8)
    hit = np.empty(TILE, dtype=np.int8)
    blank_s = np.full(TILE, np.nan)
    blank_t = np.full(TILE, NA, dtype=np.int8)
    has_gate = gate > 0
    reached = np.empty(TILE, dtype=np.bool_)
    dim_w = np.empty(TILE)
    climbed = np.empty(TILE, dtype=np.int64)
    climbing = np.empty(TILE, dtype=np.bool_)
    nothing = np.empty(TILE, dtype=np.bool_)
    following = np.empty(TILE)
    asks = np.empty(TILE, dtype=np.bool_)
    local_num = np.zeros((max(top, 1), TILE))
    local_den = np.zeros((max(top, 1), TILE))
    touched = np.zeros(max(top, 1), dtype=np.bool_)
    dimension_tile = np.empty(TILE)
    counts = np.empty((max(n_conds, 1), TILE), dtype=np.int16)
    gate_num = np.empty((max(top, 1), TILE))
    gate_den = np.empty((max(top, 1), TILE))
    for r0 in range(start, stop, TILE):
        m = min(TILE, stop - r0)
        tile_paths = paths[r0 : r0 + m]
        total_num[:m] = 0.0
        total_den[:m] = 0.0
        all_answered[:m] = 0
        all_applicable[:m] = 0
        missing_required[:m] = 0
        counts[:, :m] = 0
        gate_num[:, :m] = 0.0
        gate_den[:, :m] = 0.0
        for d in range(n_dims):
            if sums and dim_start[d] == dim_start[d + 1]:  # else the first group starts them
                for t in range(m):
                    num[t] = 0.0
                    den[t] = 0.0
            first = True
            for t in range(m):
                answered[t] = 0
                missing[t] = 0
                required_missing[t] = 0
            if gates:  # W_d of each row's path
                for t in range(m):
                    dim_w[t] = gate_dim_weight[0, d]
                for q in range(1, n_paths):
                    w_q = gate_dim_weight[q, d]
                    for t in range(m):
                        dim_w[t] = w_q if tile_paths[t] == q else dim_w[t]
            j = dim_start[d]
            while j < dim_start[d + 1]:
                # A group: up to GROUP consecutive indicators of the dimension read side by side
                # (several memory streams at once) and added in file order; empty slots read
                # a blank column (NaN, N/A, weight 0), which adds +0.0 and counts nothing.
                # An indicator that does not fit every path goes alone, through a masked copy.
                k = 1
                if everywhere[j]:
                    while k < GROUP and j + k < dim_start[d + 1] and everywhere[j + k]:
                        k += 1
                else:
                    for t in range(m):
                        fit[t] = fits[0, j]
                    for q in range(1, n_paths):  # a select per path: vectorises
                        applies = fits[q, j]
                        if applies != fits[0, j]:
                            for t in range(m):
                                fit[t] = applies if tile_paths[t] == q else fit[t]
                    at_s = j * strides[0] + r0
                    at_t = j * strides[1] + r0
                    col_s = scores[at_s : at_s + m]
                    col_t = status[at_t : at_t + m]
                    for t in range(m):  # rows whose path it does not fit see it as N/A
                        fit_scores[t] = col_s[t] if fit[t] else np.nan
                        fit_status[t] = col_t[t] if fit[t] else NA
                s0, t0, w0, q0 = _slot(
                    j,
                    0,
                    k,
                    everywhere,
                    scores,
                    status,
                    strides,
                    r0,
                    m,
                    fit_scores,
                    fit_status,
                    blank_s,
                    blank_t,
                    weight,
                    required,
                )
                s1, t1, w1, q1 = _slot(
                    j,
                    1,
                    k,
                    everywhere,
                    scores,
                    status,
                    strides,
                    r0,
                    m,
                    fit_scores,
                    fit_status,
                    blank_s,
                    blank_t,
                    weight,
                    required,
                )
                s2, t2, w2, q2 = _slot(
                    j,
                    2,
                    k,
                    everywhere,
                    scores,
                    status,
                    strides,
                    r0,
                    m,
                    fit_scores,
                    fit_status,
                    blank_s,
                    blank_t,
                    weight,
                    required,
                )
                s3, t3, w3, q3 = _slot(
                    j,
                    3,
                    k,
                    everywhere,
                    scores,
                    status,
                    strides,
                    r0,
                    m,
                    fit_scores,
                    fit_status,
                    blank_s,
                    blank_t,
                    weight,
                    required,
                )
                # One loop per group size, so that no empty slot is read.
                if sums:
                    if k == 4:
                        for t in range(m):
                            a = 0.0 if first else num[t]
                            b = 0.0 if first else den[t]
                            s = s0[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w0
                            b += w0 if ok else 0.0
                            s = s1[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w1
                            b += w1 if ok else 0.0
                            s = s2[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w2
                            b += w2 if ok else 0.0
                            s = s3[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w3
                            b += w3 if ok else 0.0
                            num[t] = a
                            den[t] = b
                    elif k == 3:
                        for t in range(m):
                            a = 0.0 if first else num[t]
                            b = 0.0 if first else den[t]
                            s = s0[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w0
                            b += w0 if ok else 0.0
                            s = s1[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w1
                            b += w1 if ok else 0.0
                            s = s2[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w2
                            b += w2 if ok else 0.0
                            num[t] = a
                            den[t] = b
                    elif k == 2:
                        for t in range(m):
                            a = 0.0 if first else num[t]
                            b = 0.0 if first else den[t]
                            s = s0[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w0
                            b += w0 if ok else 0.0
                            s = s1[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w1
                            b += w1 if ok else 0.0
                            num[t] = a
                            den[t] = b
                    else:
                        for t in range(m):
                            a = 0.0 if first else num[t]
                            b = 0.0 if first else den[t]
                            s = s0[t]
                            ok = s == s
                            a += (s if ok else 0.0) * w0
                            b += w0 if ok else 0.0
                            num[t] = a
                            den[t] = b
                needs = q0 + q1 + q2 + q3 > 0
                if k == 4:
                    if needs:
                        for t in range(m):
                            x0 = t0[t]
                            x1 = t1[t]
                            x2 = t2[t]
                            x3 = t3[t]
                            answered[t] += (
                                np.int16(x0 == ANSWERED)
                                + np.int16(x1 == ANSWERED)
                                + np.int16(x2 == ANSWERED)
                                + np.int16(x3 == ANSWERED)
                            )
                            missing[t] += (
                                np.int16(x0 == MISSING)
                                + np.int16(x1 == MISSING)
                                + np.int16(x2 == MISSING)
                                + np.int16(x3 == MISSING)
                            )
                            required_missing[t] += (
                                np.int16(x0 == MISSING) * q0
                                + np.int16(x1 == MISSING) * q1
                                + np.int16(x2 == MISSING) * q2
                                + np.int16(x3 == MISSING) * q3
                            )
                    else:
                        for t in range(m):
                            x0 = t0[t]
                            x1 = t1[t]
                            x2 = t2[t]
                            x3 = t3[t]
                            answered[t] += (
                                np.int16(x0 == ANSWERED)
                                + np.int16(x1 == ANSWERED)
                                + np.int16(x2 == ANSWERED)
                                + np.int16(x3 == ANSWERED)
                            )
                            missing[t] += (
                                np.int16(x0 == MISSING)
                                + np.int16(x1 == MISSING)
                                + np.int16(x2 == MISSING)
                                + np.int16(x3 == MISSING)
                            )
                elif k == 3:
                    if needs:
                        for t in range(m):
                            x0 = t0[t]
                            x1 = t1[t]
                            x2 = t2[t]
                            answered[t] += (
                                np.int16(x0 == ANSWERED)
                                + np.int16(x1 == ANSWERED)
                                + np.int16(x2 == ANSWERED)
                            )
                            missing[t] += (
                                np.int16(x0 == MISSING)
                                + np.int16(x1 == MISSING)
                                + np.int16(x2 == MISSING)
                            )
                            required_missing[t] += (
                                np.int16(x0 == MISSING) * q0
                                + np.int16(x1 == MISSING) * q1
                                + np.int16(x2 == MISSING) * q2
                            )
                    else:
                        for t in range(m):
                            x0 = t0[t]
                            x1 = t1[t]
                            x2 = t2[t]
                            answered[t] += (
                                np.int16(x0 == ANSWERED)
                                + np.int16(x1 == ANSWERED)
                                + np.int16(x2 == ANSWERED)
                            )
                            missing[t] += (
                                np.int16(x0 == MISSING)
                                + np.int16(x1 == MISSING)
                                + np.int16(x2 == MISSING)
                            )
                elif k == 2:
                    if needs:
                        for t in range(m):
                            x0 = t0[t]
                            x1 = t1[t]
                            answered[t] += np.int16(x0 == ANSWERED) + np.int16(x1 == ANSWERED)
                            missing[t] += np.int16(x0 == MISSING) + np.int16(x1 == MISSING)
                            required_missing[t] += (
                                np.int16(x0 == MISSING) * q0 + np.int16(x1 == MISSING) * q1
                            )
                    else:
                        for t in range(m):
                            x0 = t0[t]
                            x1 = t1[t]
                            answered[t] += np.int16(x0 == ANSWERED) + np.int16(x1 == ANSWERED)
                            missing[t] += np.int16(x0 == MISSING) + np.int16(x1 == MISSING)
                else:
                    if needs:
                        for t in range(m):
                            x0 = t0[t]
                            answered[t] += np.int16(x0 == ANSWERED)
                            missing[t] += np.int16(x0 == MISSING)
                            required_missing[t] += np.int16(x0 == MISSING) * q0
                    else:
                        for t in range(m):
                            x0 = t0[t]
                            answered[t] += np.int16(x0 == ANSWERED)
                            missing[t] += np.int16(x0 == MISSING)
                if gates and grouped_gate(has_gate, j, k):
                    # Σ w·s and Σ w per (dimension, gate level); W_d joins below. The group's
                    # columns are first copied side by side (several streams at once), then
                    # added one slot at a time from the copy.
                    for i in range(k):
                        g = gate[j + i] - 1
                        if g < 0:
                            continue
                        w = weight[j + i]
                        column = s0 if i == 0 else (s1 if i == 1 else (s2 if i == 2 else s3))
                        if alone[j + i]:  # the only one of its level in the dimension:
                            # W_d·(0 + w·s) is W_d·(w·s), so it goes straight to the level
                            level_num = gate_num[g, 0 : 0 + m]
                            level_den = gate_den[g, 0 : 0 + m]
                            row_w = dim_w[0 : 0 + m]
                            for t in range(m):
                                s = column[t]
                                ok = s == s
                                level_num[t] += ((s if ok else 0.0) * w) * row_w[t]
                                level_den[t] += (w if ok else 0.0) * row_w[t]
                            continue
                        touched[g] = True
                        level_num = local_num[g, 0 : 0 + m]
                        level_den = local_den[g, 0 : 0 + m]
                        for t in range(m):
                            s = column[t]
                            ok = s == s
                            level_num[t] += (s if ok else 0.0) * w
                            level_den[t] += w if ok else 0.0
                for i in range(k):
                    jj = j + i
                    col_s = s0 if i == 0 else (s1 if i == 1 else (s2 if i == 2 else s3))
                    col_t = t0 if i == 0 else (t1 if i == 1 else (t2 if i == 2 else t3))
                    if detail:
                        row_scored = out_scored[jj, r0 : r0 + m]
                        row_applicable = out_applicable[jj, r0 : r0 + m]
                        for t in range(m):
                            row_scored[t] = col_s[t] == col_s[t]
                        for t in range(m):
                            row_applicable[t] = col_t[t] != NA
                    if member_ptr[jj + 1] > member_ptr[jj]:
                        at_l = jj * strides[2] + r0
                        col_l = levels[at_l : at_l + m]
                        for t in range(m):
                            hit[t] = col_l[t] if col_t[t] == ANSWERED else np.int8(-128)
                        for c_k in range(member_ptr[jj], member_ptr[jj + 1]):
                            c = member_cond[c_k]
                            floor = cond_min_level[c]
                            tally = counts[c, 0 : 0 + m]
                            if floor <= -128:
                                for t in range(m):
                                    tally[t] += np.int16(col_t[t] == ANSWERED)
                            elif floor <= 127:
                                low = np.int8(floor)
                                for t in range(m):
                                    tally[t] += np.int16(hit[t] >= low)
                j += k
                first = False
            for t in range(m):
                all_answered[t] += answered[t]
                all_applicable[t] += answered[t] + missing[t]
                missing_required[t] += required_missing[t]
            if detail:
                out_answered[d, r0 : r0 + m] = answered[:m]
                for t in range(m):
                    out_applicable_count[d, r0 + t] = answered[t] + missing[t]
            if sums:
                dimension = out_dimension[d, r0 : r0 + m] if detail else dimension_tile[0 : 0 + m]
                for t in range(m):
                    dimension[t] = num[t] / den[t]  # 0 / 0 = NaN when nothing is scored
            if gates:
                row_w = dim_w[0 : 0 + m]
                for g in range(top):
                    if touched[g]:
                        level_num = gate_num[g, 0 : 0 + m]
                        level_den = gate_den[g, 0 : 0 + m]
                        sum_num = local_num[g, 0 : 0 + m]
                        sum_den = local_den[g, 0 : 0 + m]
                        for t in range(m):
                            level_num[t] += sum_num[t] * row_w[t]
                            level_den[t] += sum_den[t] * row_w[t]
                        for t in range(m):
                            sum_num[t] = 0.0
                            sum_den[t] = 0.0
                        touched[g] = False
                continue
            if single:
                big_w = total_weight[0, d]
                if big_w > 0.0:
                    for t in range(m):
                        use = den[t] > 0.0
                        total_num[t] += (dimension[t] if use else 0.0) * (big_w if use else 0.0)
                        total_den[t] += big_w if use else 0.0
                continue
            for t in range(m):
                big_w = total_weight[tile_paths[t], d]
                use = (den[t] > 0.0) & (big_w > 0.0)
                total_num[t] += (dimension[t] if use else 0.0) * (big_w if use else 0.0)
                total_den[t] += big_w if use else 0.0
        for t in range(m):
            out_missing_required[r0 + t] = missing_required[t]
            out_coverage[r0 + t] = all_answered[t] / all_applicable[t]  # 0 / 0 = NaN
        if not gates:
            score = out_score[r0 : r0 + m]
            level = out_level[r0 : r0 + m]
            for t in range(m):
                score[t] = scale_max * (total_num[t] / total_den[t])  # NaN when nothing
                level[t] = 0
            for k in range(n_steps):
                reach = step_min[k] - tolerance
                for t in range(m):
                    reached[t] = score[t] >= reach
                if rule == BANDS:
                    for c in range(n_conds):
                        if cond_step[c] == k:
                            need = cond_min_count[c]
                            tally = counts[c, 0 : 0 + m]
                            for t in range(m):
                                reached[t] &= tally[t] >= need
                value = step_level[k]
                for t in range(m):
                    level[t] = value if reached[t] else level[t]
            continue
        # Levels in order; a row climbs while each level passes (or asks nothing of its path).
        # Each loop runs across the tile's rows, so they vectorise.
        mark = pass_mark - tolerance
        for t in range(m):
            climbed[t] = 0
            climbing[t] = True
            nothing[t] = True
            following[t] = 0.0
        for g in range(top):
            for t in range(m):
                asks[t] = has_requirement[0, g]
            for q in range(1, n_paths):
                if has_requirement[q, g] != has_requirement[0, g]:
                    for t in range(m):
                        asks[t] = has_requirement[q, g] if tile_paths[t] == q else asks[t]
            level_num = gate_num[g, 0 : 0 + m]
            level_den = gate_den[g, 0 : 0 + m]
            satisfaction = out_satisfaction[g, r0 : r0 + m]
            for t in range(m):
                sat = level_num[t] / level_den[t]  # 0 / 0 = NaN: no requirement answered
                satisfaction[t] = sat
                known = sat == sat
                nothing[t] &= not known
                passed = (sat >= mark) | (not asks[t])
                stops = climbing[t] & (not passed)
                following[t] = (sat if known else 0.0) if stops else following[t]
                climbing[t] &= passed
                climbed[t] += np.int64(climbing[t])
        score = out_score[r0 : r0 + m]
        level = out_level[r0 : r0 + m]
        for t in range(m):
            reached_levels = climbed[t]
            value = float(top) if reached_levels >= top else reached_levels + following[t]
            score[t] = np.nan if nothing[t] else value
            level[t] = 0 if nothing[t] else reached_levels


score_rows_compiled: Any = numba.njit(cache=True, nogil=True, error_model="numpy")(score_rows)
