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
* each native level starts at ``min_score`` on the native scale, and that anchor converts into
  the band of the level's ``stage``: the level lands in its stage.
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
        if self.breakpoints[0] != (0, 0) or self.breakpoints[-1] != (self.native_max, 100):
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
        return _interpolate(min(max(value, 0.0), 100.0), inverse)

    def level_at(self, score: float) -> LevelAnchor | None:
        """The highest level whose ``min_score`` the native score reaches, or None."""
        index = bisect.bisect_right([a.min_score for a in self.levels], score + 1e-9)
        return self.levels[index - 1] if index else None

    def level_range(self, level: int) -> tuple[float, float]:
        """The native score range [start, end) of a level (the last ends at ``native_max``)."""
        anchor = self.anchor(level)
        following = [a.min_score for a in self.levels if a.level == level + 1]
        return anchor.min_score, following[0] if following else self.native_max

    def anchor(self, level: int) -> LevelAnchor:
        """The anchor of a native level; KeyError when the framework has no such level."""
        for anchor in self.levels:
            if anchor.level == level:
                return anchor
        raise KeyError(f"{self.framework} has no level {level}")


class Composite(_Model):
    """The composite 两化融合 index: name and how the weights combine."""

    name: Text
    method: Text


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
        return self

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
