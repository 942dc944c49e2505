"""Progress of a draft: answered indicators per dimension, framework and overall, and exactly
which required indicators are still missing (what a submit would refuse).

Pure functions on a framework and the answers given (``indicator_id → answer text``); an
indicator limited to some production paths counts only on those paths, as in scoring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from indicators.schema import Framework, Indicator, Text


def applies(indicator: Indicator, path: str | None) -> bool:
    """Whether ``indicator`` is asked on production ``path`` (None: the framework has none)."""
    return indicator.paths is None or path is None or path in indicator.paths


def effective_path(framework: Framework, path: str | None) -> str | None:
    """The path scoring uses: the given one, else the framework's first, else None."""
    if framework.paths is None:
        return None
    return path if path is not None else framework.paths[0].id


@dataclass(frozen=True)
class Count:
    """Answered (incl. N/A) out of applicable indicators."""

    answered: int
    total: int

    @property
    def share(self) -> float:
        """answered / total (1.0 when nothing applies)."""
        return self.answered / self.total if self.total else 1.0


@dataclass(frozen=True)
class MissingItem:
    """A required indicator left unanswered, with where to find it."""

    framework_id: str
    dimension_id: str
    indicator_id: str
    framework_name: Text
    dimension_name: Text
    indicator_name: Text


@dataclass(frozen=True)
class FrameworkProgress:
    framework_id: str
    overall: Count
    dimensions: dict[str, Count]
    missing: tuple[MissingItem, ...]


def framework_progress(
    framework: Framework, answers: Mapping[str, str], path: str | None = None
) -> FrameworkProgress:
    """Progress of one framework given its answers (``indicator_id → text``)."""
    path = effective_path(framework, path)
    dimensions: dict[str, Count] = {}
    missing: list[MissingItem] = []
    for dimension in framework.dimensions:
        asked = [i for i in dimension.indicators if applies(i, path)]
        done = sum(1 for i in asked if i.id in answers)
        dimensions[dimension.id] = Count(done, len(asked))
        missing.extend(
            MissingItem(
                framework.id,
                dimension.id,
                i.id,
                framework.short_title,
                dimension.name,
                i.name,
            )
            for i in asked
            if i.required and i.id not in answers
        )
    overall = Count(
        sum(c.answered for c in dimensions.values()), sum(c.total for c in dimensions.values())
    )
    return FrameworkProgress(framework.id, overall, dimensions, tuple(missing))


def assessment_progress(
    frameworks: Mapping[str, Framework],
    answers: Mapping[tuple[str, str], str],
    paths: Mapping[str, str] | None = None,
) -> tuple[Count, dict[str, FrameworkProgress]]:
    """Overall progress and the progress of each framework of an assessment."""
    per: dict[str, FrameworkProgress] = {}
    for framework_id, framework in frameworks.items():
        mine = {iid: text for (fid, iid), text in answers.items() if fid == framework_id}
        per[framework_id] = framework_progress(framework, mine, (paths or {}).get(framework_id))
    overall = Count(
        sum(p.overall.answered for p in per.values()), sum(p.overall.total for p in per.values())
    )
    return overall, per
