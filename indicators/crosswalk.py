"""The crosswalk file format (数据换算): native framework results → a common five-stage scale
and a 0–100 equivalent, plus the weights of the composite 两化融合 index.

A crosswalk file (``indicators/crosswalk/<version>.yaml``) is validated against
:class:`Crosswalk`. No official conversion between the frameworks is published (standards.md
§9), so every mapping states its ``status`` and ``basis``; the file is Ronghe's replaceable
default and a new version replaces it when MIIT publishes one.

Conventions the validators enforce:

* the stages are numbered 1…5 and each starts at ``min_100`` on the 0–100 scale (the first at 0);
* a mapping's ``breakpoints`` run from ``(0, 0)`` to ``(native_max, 100)`` and rise strictly in
  both coordinates, so the conversion is monotonic and invertible (piecewise-linear between);
  under the ``level_band`` conversion the last point may lie below 100, because a framework whose
  top level maps to a stage below 5 must not reach the fifth stage's band;
* each native level starts at ``min_score`` on the native scale, and that anchor converts into
  the band of the level's ``stage``: the level lands in its stage;
* ``conversion.rule: level_band`` (crosswalk 2026.2 on): a result converts within the 0–100 band
  of the level the framework **awarded**, so a result held back by a level condition (SME
  scenario counts, CMMM gates) never converts above its level; every level's band must then lie
  inside its stage's band. ``score`` (2026.1) converts the native score alone.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from indicators.errors import FrameworkFileError
from indicators.loader import read_model, version_key
from indicators.schema import Identifier, PositiveWeight, Text

CROSSWALK_DIR = Path(__file__).parent / "crosswalk"
STAGE_COUNT = 5


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MappingStatus(StrEnum):
    """Who stands behind a mapping."""

    RONGHE_DEFAULT = "ronghe_default"  # our replaceable default; no official conversion exists
    OFFICIAL = "official"  # taken from a published conversion (name it in ``basis``)


class ConversionRule(StrEnum):
    """How a native result becomes a 0–100 value."""

    SCORE = "score"  # the native score alone (crosswalk 2026.1)
    LEVEL_BAND = "level_band"  # the score's position within the awarded level's band


class Conversion(_Model):
    """The conversion rule of a crosswalk version and the reason for it."""

    rule: ConversionRule
    # level_band: a held-back result (its score lies above its awarded level's band) counts at
    # this position of the band (0..1), just below the next level, never in it
    band_top: Annotated[float, Field(gt=0, lt=1)] = 0.99
    basis: Text


class Stage(_Model):
    """One step of the common five-stage scale."""

    value: Annotated[int, Field(ge=1, le=STAGE_COUNT)]
    name: Text
    description: Text
    min_100: Annotated[float, Field(ge=0, lt=100)]


class LevelAnchor(_Model):
    """A native result level, where it starts on the native scale and its common stage."""

    level: Annotated[int, Field(ge=1)]
    name: Text
    min_score: Annotated[float, Field(ge=0)]
    stage: Annotated[int, Field(ge=1, le=STAGE_COUNT)]


ScorePoint = tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0, le=100)]]


class Mapping(_Model):
    """How one framework's native result converts, and its weight in the composite index."""

    framework: Identifier
    name: Text  # short name used in conversion texts ("CMMM 3 ≈ …")
    weight: PositiveWeight
    status: MappingStatus
    basis: Text
    native_max: PositiveWeight
    breakpoints: Annotated[tuple[ScorePoint, ...], Field(min_length=2)]
    levels: Annotated[tuple[LevelAnchor, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        xs = [x for x, _ in self.breakpoints]
        ys = [y for _, y in self.breakpoints]
        if self.breakpoints[0] != (0, 0) or self.breakpoints[-1][0] != self.native_max:
            raise ValueError(
                f"breakpoints must run from (0, 0) to ({self.native_max:g}, 100); "
                f"got {self.breakpoints[0]} … {self.breakpoints[-1]}"
            )
        if not (_strictly_rising(xs) and _strictly_rising(ys)):
            raise ValueError(f"breakpoints must rise strictly in both coordinates: {xs} → {ys}")
        values = [anchor.level for anchor in self.levels]
        if values != list(range(1, len(values) + 1)):
            raise ValueError(f"levels must be numbered 1, 2, 3 … in order; got {values}")
        scores = [anchor.min_score for anchor in self.levels]
        if not _strictly_rising(scores) or scores[-1] > self.native_max:
            raise ValueError(f"level min_score must rise strictly within 0..native_max: {scores}")
        stages = [anchor.stage for anchor in self.levels]
        if any(b < a for a, b in itertools.pairwise(stages)):
            raise ValueError(f"a higher level never maps to a lower stage: {stages}")
        return self

    def to_100(self, score: float) -> float:
        """The 0–100 equivalent of a native score (piecewise-linear, clipped to the scale)."""
        return _interpolate(min(max(score, 0.0), self.native_max), self.breakpoints)

    def from_100(self, value: float) -> float:
        """The native score whose 0–100 equivalent is ``value`` (the inverse of ``to_100``)."""
        inverse = tuple((y, x) for x, y in self.breakpoints)
        top = self.breakpoints[-1][1]  # 100, or below under level_band (then clipped there)
        return _interpolate(min(max(value, 0.0), top), inverse)

    def level_at(self, score: float) -> LevelAnchor | None:
        """The highest level whose ``min_score`` the native score reaches, or None."""
        index = bisect.bisect_right([a.min_score for a in self.levels], score + 1e-9)
        return self.levels[index - 1] if index else None

    def level_range(self, level: int) -> tuple[float, float]:
        """The native score range [start, end) of a level (the last ends at ``native_max``)."""
        anchor = self.anchor(level)
        following = [a.min_score for a in self.levels if a.level == level + 1]
        return anchor.min_score, following[0] if following else self.native_max

    def band(self, level: int | None) -> tuple[float, float]:
        """The 0–100 band [start, end) of a native level; ``None`` (below the first level) spans
        from 0 to where the first level starts."""
        if level is None:
            return 0.0, self.to_100(self.levels[0].min_score)
        start, end = self.level_range(level)
        return self.to_100(start), self.to_100(end)

    def anchor(self, level: int) -> LevelAnchor:
        """The anchor of a native level; KeyError when the framework has no such level."""
        for anchor in self.levels:
            if anchor.level == level:
                return anchor
        raise KeyError(f"{self.framework} has no level {level}")


class Composite(_Model):
    """The composite index: its name, what it is (Ronghe's own measure, not MIIT's official
    两化融合发展指数) and how the weights combine."""

    name: Text
    method: Text
    explanation: Text | None = None  # one line: what the index is and is not (2026.2 on)


class Crosswalk(_Model):
    """One released version of the crosswalk."""

    schema_version: Literal[1]
    version: Annotated[str, Field(pattern=r"^[0-9][0-9A-Za-z.\-]*$")]
    released: str | None = None
    title: Text
    status: MappingStatus
    basis: Text
    stages: Annotated[tuple[Stage, ...], Field(min_length=STAGE_COUNT, max_length=STAGE_COUNT)]
    composite: Composite
    conversion: Conversion | None = None  # None: the ``score`` rule of 2026.1
    mappings: Annotated[tuple[Mapping, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if [s.value for s in self.stages] != list(range(1, STAGE_COUNT + 1)):
            raise ValueError("stages must be numbered 1 … 5 in order")
        starts = [s.min_100 for s in self.stages]
        if starts[0] != 0 or not _strictly_rising(starts):
            raise ValueError(f"stage min_100 must start at 0 and rise strictly: {starts}")
        ids = [m.framework for m in self.mappings]
        if len(set(ids)) != len(ids):
            raise ValueError(f"each framework may have one mapping only: {ids}")
        for mapping in self.mappings:
            for anchor in mapping.levels:
                landed = self.stage_at(mapping.to_100(anchor.min_score)).value
                if landed != anchor.stage:
                    raise ValueError(
                        f"{mapping.framework} level {anchor.level} starts at "
                        f"{mapping.to_100(anchor.min_score):g} on 0–100, which is "
                        f"stage {landed}, not its stage {anchor.stage}"
                    )
            _check_band_rule(self, mapping)
        return self

    @property
    def rule(self) -> ConversionRule:
        """The conversion rule (``score`` when the file names none)."""
        return self.conversion.rule if self.conversion else ConversionRule.SCORE

    @property
    def level_aware(self) -> bool:
        """True when results convert within their awarded level's band."""
        return self.rule is ConversionRule.LEVEL_BAND

    def convert(self, framework_id: str, score: float | None, level: int | None) -> float | None:
        """The 0–100 value of one native result (score on the native scale; level as awarded,
        None = below the first level). Scalar twin of ``assessment.composite.to_common_scale``."""
        mapping = self.mapping(framework_id)
        if score is None:
            if level is None:
                return None
            low, high = mapping.band(level)
            return (low + high) / 2
        value = mapping.to_100(score)
        if not self.level_aware:
            return value
        low, high = mapping.band(level)
        return low + (high - low) * min(_position(value, low, high), self.band_cap(mapping, level))

    def band_cap(self, mapping: Mapping, level: int | None) -> float:
        """The highest position a result may take in its level's band: 1 for a top level whose
        band ends in its own stage, else ``band_top`` (the next level's band is not reached)."""
        top = mapping.levels[-1]
        if level == top.level and self.stage_at(mapping.band(level)[1]).value == top.stage:
            return 1.0
        return self.conversion.band_top if self.conversion else 1.0

    def stage_at(self, value: float) -> Stage:
        """The stage whose band holds a 0–100 value."""
        index = bisect.bisect_right([s.min_100 for s in self.stages], value + 1e-9)
        return self.stages[max(index, 1) - 1]

    def stage(self, value: int) -> Stage:
        """A stage by its number."""
        return self.stages[value - 1]

    def stage_range(self, value: int) -> tuple[float, float]:
        """The 0–100 band [start, end) of a stage."""
        end = self.stages[value].min_100 if value < STAGE_COUNT else 100.0
        return self.stage(value).min_100, end

    def mapping(self, framework_id: str) -> Mapping:
        """The mapping of one framework; KeyError names the known ids."""
        for mapping in self.mappings:
            if mapping.framework == framework_id:
                return mapping
        known = ", ".join(m.framework for m in self.mappings)
        raise KeyError(
            f"crosswalk {self.version} has no mapping for '{framework_id}' (known: {known})"
        )


def _position(value: float, low: float, high: float) -> float:
    """Where ``value`` lies in [low, high] as 0..1 (0 for an empty band), clipped."""
    if high <= low:
        return 0.0
    return min(max((value - low) / (high - low), 0.0), 1.0)


def _check_band_rule(walk: Crosswalk, mapping: Mapping) -> None:
    """The breakpoints' end and, under ``level_band``, every level band inside its stage."""
    end = mapping.breakpoints[-1][1]
    if not walk.level_aware:
        if end != 100:
            raise ValueError(
                f"{mapping.framework}: breakpoints must run from (0, 0) to "
                f"({mapping.native_max:g}, 100); got … {mapping.breakpoints[-1]}"
            )
        return
    for anchor in mapping.levels:
        low, high = mapping.band(anchor.level)
        stage_low, stage_high = walk.stage_range(anchor.stage)
        if low < stage_low - 1e-9 or high > stage_high + 1e-9:
            raise ValueError(
                f"{mapping.framework} level {anchor.level} spans {low:g}–{high:g} on 0–100, "
                f"outside its stage {anchor.stage} ({stage_low:g}–{stage_high:g}); under "
                "level_band every level band must lie inside its stage"
            )


def _strictly_rising(values: list[float]) -> bool:
    return all(b > a for a, b in itertools.pairwise(values))


def _interpolate(x: float, points: tuple[tuple[float, float], ...]) -> float:
    xs = [p[0] for p in points]
    index = min(max(bisect.bisect_right(xs, x), 1), len(points) - 1)
    (x0, y0), (x1, y1) = points[index - 1], points[index]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def load_crosswalk_file(path: Path) -> Crosswalk:
    """Parse and validate one crosswalk file; its version must equal the file name.

    Raises:
        FrameworkFileError: naming the file, the place in the YAML and the reason.
    """
    crosswalk = read_model(path, Crosswalk)
    if crosswalk.version != path.stem:
        raise FrameworkFileError(
            path,
            [("version", f"version '{crosswalk.version}' must equal the file name '{path.stem}'")],
        )
    return crosswalk


def crosswalk_files(root: Path = CROSSWALK_DIR) -> list[Path]:
    """Every released crosswalk file under ``root``, oldest version first."""
    return sorted(root.glob("*.yaml"), key=lambda p: version_key(p.stem))


@functools.cache
def load_crosswalk(version: str | None = None) -> Crosswalk:
    """A released crosswalk; the newest when ``version`` is None."""
    files = crosswalk_files()
    if version is not None:
        files = [p for p in files if p.stem == version]
    if not files:
        raise FileNotFoundError(
            f"no crosswalk {version or ''} in {CROSSWALK_DIR}".replace("  ", " ")
        )
    return load_crosswalk_file(files[-1])
