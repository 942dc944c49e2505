"""The compiled kernel of the scoring engine (numba).

Every row (assessment) is scored in one pass over its answers that adds the indicators in one
fixed order: file order within each dimension, dimensions in file order; gate satisfactions add
``W_d · w · s`` per indicator into its gate level, in the same order. Rows go in tiles whose inner
loops run across the tile's rows, one lane per row, so they vectorise without changing any row's
order of operations. A row's results therefore depend on that row only, never on how many rows
are scored with it or where it sits: one assessment alone and the same one inside a batch of a
million give bit-identical results. No fast-math (it would let the compiler reorder or fuse the
sums); ``error_model="numpy"`` makes 0 / 0 a NaN instead of an exception.

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
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

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


def prefetch_signature(_typingctx: Any, array: Any, index: Any) -> Any:
    """Typing and code of :data:`prefetch` (``llvm.prefetch``; PREFETCHT1 on x86)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        byte = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [byte, i32, i32, i32])
        fn = builder.module.declare_intrinsic("llvm.prefetch", [byte], fnty)
        address = builder.bitcast(builder.gep(data, [args[1]]), byte)
        builder.call(fn, [address, i32(0), i32(2), i32(1)])  # read, keep in L2, data
        return context.get_dummy_value()

    return types.void(array, index), codegen


# Ask the CPU to start loading ``array[index]`` into cache: a hint, it changes no result. Streams of
# many short column runs (one per indicator and tile) outrun the hardware prefetchers.
prefetch: Any = intrinsic(prefetch_signature)


TILE: Final = 1024  # rows handled together, each in its own accumulator lane


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
    alone (they may be empty) and cumulative gates skip the dimension sums, which only those
    outputs use; the rest is computed the same way.
    """
    n_dims = dim_start.shape[0] - 1
    n_steps = step_level.shape[0]
    n_conds = cond_step.shape[0]
    top = has_requirement.shape[1]
    n_paths = fits.shape[0]
    single = n_paths == 1
    by_dimension = detail or rule != GATES  # gates without detail need no dimension scores
    dim_weight = gate_dim_weight if rule == GATES else total_weight
    num = np.empty(TILE)
    den = np.empty(TILE)
    total_num = np.empty(TILE)
    total_den = np.empty(TILE)
    answered = np.empty(TILE, dtype=np.int16)
    missing = np.empty(TILE, dtype=np.int16)
    missing_needed = np.empty(TILE, dtype=np.int16)
    all_answered = np.empty(TILE, dtype=np.int32)
    all_applicable = np.empty(TILE, dtype=np.int32)
    missing_required = np.empty(TILE, dtype=np.int32)
    fit = np.empty(TILE, dtype=np.bool_)
    is_answered = np.empty(TILE, dtype=np.bool_)
    reached = np.empty(TILE, dtype=np.bool_)
    dim_w = np.empty(TILE)
    dimension_tile = np.empty(TILE)
    counts = np.empty((max(n_conds, 1), TILE), dtype=np.int32)
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
            num[:m] = 0.0
            den[:m] = 0.0
            answered[:m] = 0
            missing[:m] = 0
            missing_needed[:m] = 0
            dim_w[:m] = dim_weight[0, d]  # W_d of each row's path
            for q in range(1, n_paths):
                w_q = dim_weight[q, d]
                for t in range(m):
                    dim_w[t] = w_q if tile_paths[t] == q else dim_w[t]
            for j in range(dim_start[d], dim_start[d + 1]):
                w = weight[j]
                at_s = j * strides[0] + r0
                at_t = j * strides[1] + r0
                fit[:m] = fits[0, j]
                for q in range(1, n_paths):  # a select per path: vectorises, unlike a gather
                    applies = fits[q, j]
                    if applies != fits[0, j]:
                        for t in range(m):
                            fit[t] = applies if tile_paths[t] == q else fit[t]
                # Loops over the tile's rows, each touching few arrays so that they vectorise;
                # branch-free: adding 0.0 leaves a sum as it is.
                col_s = scores[at_s : at_s + m]
                col_t = status[at_t : at_t + m]
                # Start loading this indicator's answers of the next tile now, so they are in
                # cache when that tile comes: one request per 64-byte line.
                ahead = min(TILE, stop - r0 - m)
                for t in range(m, m + ahead, 8):
                    prefetch(scores, at_s + t)
                for t in range(m, m + ahead, 64):
                    prefetch(status, at_t + t)
                if by_dimension:
                    for t in range(m):
                        s = col_s[t]
                        ok = fit[t] & (s == s)
                        wt = w if ok else 0.0
                        num[t] += (s if ok else 0.0) * wt
                        den[t] += wt
                if detail:
                    row_scored = out_scored[j, r0 : r0 + m]
                    row_applicable = out_applicable[j, r0 : r0 + m]
                    for t in range(m):
                        row_scored[t] = fit[t] & (col_s[t] == col_s[t])
                        row_applicable[t] = fit[t] & (col_t[t] != NA)
                # Required and optional misses are counted apart, so that missing_required
                # needs no pass of its own; they are added up after the dimension.
                missed = missing_needed if required[j] else missing
                for t in range(m):
                    answered[t] += fit[t] & (col_t[t] == ANSWERED)
                    missed[t] += fit[t] & (col_t[t] == MISSING)
                if member_ptr[j + 1] > member_ptr[j]:
                    for t in range(m):
                        is_answered[t] = fit[t] & (col_t[t] == ANSWERED)
                g = gate[j] - 1
                if g >= 0:  # W_d · w · s and W_d · w into the indicator's gate level
                    level_num = gate_num[g, :m]
                    level_den = gate_den[g, :m]
                    for t in range(m):
                        s = col_s[t]
                        ok = fit[t] & (s == s)
                        level_num[t] += (s if ok else 0.0) * (w if ok else 0.0) * dim_w[t]
                        level_den[t] += (w if ok else 0.0) * dim_w[t]
                at_l = j * strides[2] + r0
                col_l = levels[at_l : at_l + m]
                for k in range(member_ptr[j], member_ptr[j + 1]):
                    c = member_cond[k]
                    floor = cond_min_level[c]
                    tally = counts[c, :m]
                    for t in range(m):
                        tally[t] += is_answered[t] & (col_l[t] >= floor)
            dimension = out_dimension[d, r0 : r0 + m] if detail else dimension_tile[:m]
            for t in range(m):
                dimension[t] = num[t] / den[t]  # 0 / 0 = NaN when nothing is scored
                missing[t] += missing_needed[t]
                all_answered[t] += answered[t]
                all_applicable[t] += answered[t] + missing[t]
                missing_required[t] += missing_needed[t]
            if detail:
                out_answered[d, r0 : r0 + m] = answered[:m]
                for t in range(m):
                    out_applicable_count[d, r0 + t] = answered[t] + missing[t]
            if rule == GATES:
                continue
            for t in range(m):
                use = (den[t] > 0.0) & (dim_w[t] > 0.0)
                total_num[t] += (dimension[t] if use else 0.0) * (dim_w[t] if use else 0.0)
                total_den[t] += dim_w[t] if use else 0.0
        for t in range(m):
            out_missing_required[r0 + t] = missing_required[t]
            out_coverage[r0 + t] = all_answered[t] / all_applicable[t]  # 0 / 0 = NaN
        if rule != GATES:
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
                            tally = counts[c, :m]
                            for t in range(m):
                                reached[t] &= tally[t] >= need
                value = step_level[k]
                for t in range(m):
                    level[t] = value if reached[t] else level[t]
            continue
        for t in range(m):
            r = r0 + t
            p = 0 if single else paths[r]
            reached_levels = 0
            blocked = False
            nothing = True
            for g in range(top):
                sat = gate_num[g, t] / gate_den[g, t]  # 0 / 0 = NaN: no requirement answered
                out_satisfaction[g, r] = sat
                if not np.isnan(sat):
                    nothing = False
                passed = sat >= pass_mark - tolerance or not has_requirement[p, g]
                if passed and not blocked:
                    reached_levels += 1
                else:
                    blocked = True
            following = out_satisfaction[min(reached_levels, top - 1), r]
            if nothing:
                out_score[r] = np.nan
                out_level[r] = 0
            elif reached_levels >= top:
                out_score[r] = float(top)
                out_level[r] = reached_levels
            else:
                out_score[r] = reached_levels + (0.0 if np.isnan(following) else following)
                out_level[r] = reached_levels


score_rows_compiled: Any = numba.njit(cache=True, nogil=True, error_model="numpy")(score_rows)
