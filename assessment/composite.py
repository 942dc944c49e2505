"""Crosswalk application (数据换算): common stage and 0–100 equivalent of every native result,
the composite 两化融合 index, and a result's equivalents in the other frameworks.

The conversion data live in ``indicators/crosswalk/<version>.yaml`` (Ronghe's replaceable
default; see :mod:`indicators.crosswalk`). Composite, for one assessment::

    composite = Σ_f w_f · e_f / Σ_f w_f   over the frameworks f with a result

where ``e_f`` is the 0–100 equivalent of f's native score, or, when only a level is known, the
middle of that level's 0–100 range. Under the ``level_band`` conversion (crosswalk 2026.2 on) the
equivalent is the score's position within the band of the level the framework **awarded**: a
result held back by a level condition (SME scenario counts, CMMM gates) counts just below the next
level's band, never in it, so the value, the stage and the level agree. The index is named in the
crosswalk (:func:`index_name`): Ronghe's own measure, not MIIT's 两化融合发展指数.
Renormalising over the answered frameworks keeps the index
on 0–100 whichever frameworks an enterprise took; ``frameworks`` says how many it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment import columns as c
from indicators.crosswalk import Crosswalk, Mapping, MappingStatus, load_crosswalk
from indicators.schema import Text

EQUIVALENT_100 = "equivalent_100"
FRAMEWORK_COUNT = "frameworks"


def _crosswalk(crosswalk: Crosswalk | None) -> Crosswalk:
    return crosswalk if crosswalk is not None else load_crosswalk()


def to_common_scale(results: pd.DataFrame, crosswalk: Crosswalk | None = None) -> pd.DataFrame:
    """Add ``equivalent_100`` (0–100) and ``stage`` (1..5) to long framework results.

    Args:
        results: one row per (assessment, framework) with framework_id, level (NA = none
            reached) and score_100 (NA = no score); other columns are kept.
        crosswalk: the conversion to apply; the newest released one by default.

    The stage follows the native level where one was reached (the official result), otherwise
    the stage band of the equivalent. Raises ValueError for a framework the crosswalk lacks.
    """
    walk = _crosswalk(crosswalk)
    known = {m.framework for m in walk.mappings}
    unknown = sorted(set(results[c.FRAMEWORK_ID].astype(str)) - known)
    if unknown:
        raise ValueError(f"crosswalk {walk.version} has no mapping for frameworks {unknown}")
    out = results.copy()
    codes, names = pd.factorize(out[c.FRAMEWORK_ID])
    frameworks = np.asarray(names, dtype=object)[codes]  # built from the few distinct ids
    score_100 = pd.to_numeric(out[c.SCORE_100], errors="coerce").to_numpy(dtype="float64")
    level = pd.to_numeric(out[c.LEVEL], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    equivalent = np.full(len(out), np.nan)
    level_stage = np.full(len(out), np.nan)
    for mapping in walk.mappings:  # a loop over the few frameworks, vectorised within each
        rows = np.flatnonzero(frameworks == mapping.framework)
        if not rows.size:
            continue
        equivalent[rows] = _equivalent(
            mapping, score_100[rows], level[rows], walk if walk.level_aware else None
        )
        level_stage[rows] = _looked_up(level[rows], _level_lookup(mapping, "stage"))
    out[EQUIVALENT_100] = equivalent
    stage = np.where(np.isnan(level_stage), _stage_of(walk, equivalent), level_stage)
    out[c.STAGE] = pd.array(stage, dtype="Float64").astype("Int64")
    return out


def _looked_up(keys: np.ndarray, lookup: dict[float, float]) -> np.ndarray:
    """``lookup[key]`` per key, NaN for a key it lacks (NaN included)."""
    if not lookup:
        return np.full(len(keys), np.nan)
    known = np.array(sorted(lookup), dtype="float64")
    values = np.array([lookup[k] for k in known], dtype="float64")
    place = np.clip(np.searchsorted(known, keys), 0, len(known) - 1)
    found: np.ndarray = np.where(known[place] == keys, values[place], np.nan)
    return found


def _equivalent(
    mapping: Mapping, score_100: np.ndarray, level: np.ndarray, banded: Crosswalk | None
) -> np.ndarray:
    """0–100 equivalents from native scores, falling back to the level's mid-range; with
    ``banded`` (a level_band crosswalk) placed within the awarded level's band."""
    xs = np.array([x for x, _ in mapping.breakpoints])
    ys = np.array([y for _, y in mapping.breakpoints])
    native = np.clip(score_100 * mapping.native_max / 100.0, 0.0, mapping.native_max)
    values = np.interp(native, xs, ys)
    if banded is not None:
        values = _within_band(banded, mapping, values, level)
    from_score = np.where(np.isnan(score_100), np.nan, values)
    from_level = _looked_up(level, _level_lookup(mapping, "middle"))
    equivalent: np.ndarray = np.where(np.isnan(from_score), from_level, from_score)
    return equivalent


def _within_band(
    walk: Crosswalk, mapping: Mapping, values: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """``low + (high − low) · min(position, cap)`` per row, with the band and cap of the row's
    awarded level (NaN level: below the first level)."""
    keys: list[int | None] = [None, *(a.level for a in mapping.levels)]
    table = np.array([(*mapping.band(k), walk.band_cap(mapping, k)) for k in keys])
    codes = np.where(np.isnan(levels), 0, np.nan_to_num(levels)).astype(np.int64)
    codes = np.clip(codes, 0, len(keys) - 1)
    low, high, cap = table[codes, 0], table[codes, 1], table[codes, 2]
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    position = np.where(width > 0, np.clip((values - low) / safe, 0.0, 1.0), 0.0)
    out: np.ndarray = low + width * np.minimum(position, cap)
    return out


def _level_lookup(mapping: Mapping, what: str) -> dict[float, float]:
    """Native level → its stage, or → the middle of its 0–100 range."""
    lookup: dict[float, float] = {}
    for anchor in mapping.levels:
        start, end = mapping.level_range(anchor.level)
        middle = (mapping.to_100(start) + mapping.to_100(end)) / 2
        lookup[float(anchor.level)] = float(anchor.stage) if what == "stage" else middle
    return lookup


def _stage_of(crosswalk: Crosswalk, values: np.ndarray) -> np.ndarray:
    """Stage numbers (float, NaN stays NaN) of 0–100 values."""
    starts = np.array([s.min_100 for s in crosswalk.stages])
    stages = np.searchsorted(starts, values + 1e-9, side="right").astype("float64")
    stages[np.isnan(values)] = np.nan
    clipped: np.ndarray = np.clip(stages, 1, len(starts))
    return clipped


def composite_index(results: pd.DataFrame, crosswalk: Crosswalk | None = None) -> pd.DataFrame:
    """The composite 两化融合 index per assessment, vectorised over all assessments.

    Args:
        results: long framework results: assessment_id, framework_id, level, score_100.
        crosswalk: the conversion and weights; the newest released one by default.

    Returns:
        One row per assessment_id: composite (0..100, NaN when no framework has a result),
        stage (1..5, Int64), frameworks (how many results the index rests on).
    """
    walk = _crosswalk(crosswalk)
    common = to_common_scale(results, walk)
    weights = {m.framework: m.weight for m in walk.mappings}
    weight = common[c.FRAMEWORK_ID].map(weights).where(common[EQUIVALENT_100].notna(), 0.0)
    sums = (
        pd.DataFrame(
            {
                c.ASSESSMENT_ID: common[c.ASSESSMENT_ID],
                "weighted": (weight * common[EQUIVALENT_100]).fillna(0.0),
                "weight": weight,
                FRAMEWORK_COUNT: common[EQUIVALENT_100].notna().astype("int64"),
            }
        )
        .groupby(c.ASSESSMENT_ID, sort=False)
        .sum()
    )
    composite = (sums["weighted"] / sums["weight"].where(sums["weight"] > 0)).astype("float64")
    return pd.DataFrame(
        {
            c.ASSESSMENT_ID: sums.index,
            c.COMPOSITE: composite.to_numpy(),
            c.STAGE: pd.array(_stage_of(walk, composite.to_numpy()), dtype="Int64"),
            FRAMEWORK_COUNT: sums[FRAMEWORK_COUNT].to_numpy(),
        }
    )


def index_name(crosswalk: Crosswalk | None = None) -> tuple[Text, Text | None]:
    """The composite index's name (融合指数 / Ronghe Index from crosswalk 2026.2 on) and its
    one-line explanation (None in crosswalks that carry none)."""
    walk = _crosswalk(crosswalk)
    return walk.composite.name, walk.composite.explanation


@dataclass(frozen=True)
class Equivalent:
    """A result's counterpart in one framework, with the basis of the mapping."""

    framework_id: str
    framework_name: Text
    level: int | None  # None: the counterpart lies below the framework's first level
    level_name: Text | None
    score_low: float  # native score range of the counterpart (equal for a score query)
    score_high: float
    stage: int
    stage_name: Text
    status: MappingStatus
    basis: Text


def equivalents(
    framework_id: str,
    *,
    level: int | None = None,
    score: float | None = None,
    crosswalk: Crosswalk | None = None,
) -> list[Equivalent]:
    """The equivalents of one native result in every other framework of the crosswalk.

    Args:
        framework_id: the framework the result belongs to.
        level: its native level; matched by common stage (each other framework's highest level
            at or below that stage).
        score: its native score; converted through 0–100 (takes precedence over ``level``).
        crosswalk: the conversion; the newest released one by default.
    """
    walk = _crosswalk(crosswalk)
    source = walk.mapping(framework_id)
    if score is not None:
        value = source.to_100(score)
        return [_by_value(walk, m, value) for m in walk.mappings if m is not source]
    if level is None:
        raise ValueError("give a level or a score")
    stage = source.anchor(level).stage
    return [_by_stage(walk, m, stage) for m in walk.mappings if m is not source]


def _by_value(walk: Crosswalk, mapping: Mapping, value: float) -> Equivalent:
    native = mapping.from_100(value)
    anchor = mapping.level_at(native)
    stage = anchor.stage if anchor is not None else walk.stage_at(value).value
    return _equivalent_of(walk, mapping, anchor.level if anchor else None, native, native, stage)


def _by_stage(walk: Crosswalk, mapping: Mapping, stage: int) -> Equivalent:
    below = [a for a in mapping.levels if a.stage <= stage]
    low, high = walk.stage_range(stage)
    level = below[-1].level if below else None
    return _equivalent_of(
        walk, mapping, level, mapping.from_100(low), mapping.from_100(high), stage
    )


def _equivalent_of(
    walk: Crosswalk, mapping: Mapping, level: int | None, low: float, high: float, stage: int
) -> Equivalent:
    anchor = mapping.anchor(level) if level is not None else None
    return Equivalent(
        framework_id=mapping.framework,
        framework_name=mapping.name,
        level=level,
        level_name=anchor.name if anchor else None,
        score_low=round(low, 4),
        score_high=round(high, 4),
        stage=stage,
        stage_name=walk.stage(stage).name,
        status=mapping.status,
        basis=mapping.basis,
    )


def result_label(mapping: Mapping, level: int | None, lang: str = "zh") -> str:
    """A result as text: CMMM 3（集成级） / CMMM level 3 (Integrated); below level 1 for None."""
    name = mapping.name.get(lang)
    if level is None:
        return f"{name} 未达一级" if lang != "en" else f"{name} below level 1"
    level_name = mapping.anchor(level).name.get(lang)
    return (
        f"{name} {level}（{level_name}）"
        if lang != "en"
        else f"{name} level {level} ({level_name})"
    )


def equivalence_text(
    framework_id: str, level: int, lang: str = "zh", crosswalk: Crosswalk | None = None
) -> str:
    """One line such as "CMMM 3（集成级）≈ 中小企业数字化 3（三级）≈ …" for a native level."""
    walk = _crosswalk(crosswalk)
    parts = [result_label(walk.mapping(framework_id), level, lang)]
    for equivalent in equivalents(framework_id, level=level, crosswalk=walk):
        parts.append(result_label(walk.mapping(equivalent.framework_id), equivalent.level, lang))
    return " ≈ ".join(parts)
