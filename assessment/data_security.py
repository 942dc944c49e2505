"""Data-security results beyond the level: separately reported results (the compliance
checklist of ``data_security`` 2026.2) and the statutory fine provisions of the weakest areas, as
a violation object in the ``ronghe penalty`` input format (docs: assessment/penalty/README.md).

Everything comes from the framework data (``Dimension.separate_result``, ``Framework.provisions``);
no indicator or provision is named in code. The penalty page's ``?prefill=`` token is made from
:func:`penalty_violation` with ``assessment.penalty.prefill.encode_prefill`` (wired by the lead).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indicators.schema import Dimension, FineKind, Framework, Provision, Text

DEFAULT_WEAKEST = 2


@dataclass(frozen=True)
class SeparateScore:
    """An unscored dimension reported as its own 0–100 result."""

    dimension_id: str
    name: Text
    basis: Text
    score_100: float | None  # None: nothing answered


def _score(scores: Mapping[str, Any], dimension_id: str) -> float | None:
    value = scores.get(dimension_id)
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def separate_results(
    framework: Framework, dimension_scores: Mapping[str, Any]
) -> list[SeparateScore]:
    """The separately reported results of a framework result, from its dimension scores (0–1 as
    stored in ``FrameworkResult.dimension_scores``)."""
    found = []
    for dimension in framework.dimensions:
        if dimension.separate_result is None:
            continue
        value = _score(dimension_scores, dimension.id)
        found.append(
            SeparateScore(
                dimension_id=dimension.id,
                name=dimension.separate_result.name,
                basis=dimension.separate_result.basis,
                score_100=None if value is None else round(100 * value, 2),
            )
        )
    return found


def _with_provisions(framework: Framework) -> list[Dimension]:
    """Dimensions that count as areas and relate to at least one provision (directly or through
    one of their indicators)."""
    areas = []
    for dimension in framework.dimensions:
        if not dimension.scored and dimension.separate_result is None:
            continue  # profile questions are not areas
        if provisions_for(framework, [dimension.id]):
            areas.append(dimension)
    return areas


def weakest_areas(
    framework: Framework, dimension_scores: Mapping[str, Any], count: int = DEFAULT_WEAKEST
) -> list[tuple[Dimension, float]]:
    """The ``count`` lowest-scoring areas that relate to a provision, lowest first (ties in file
    order); unanswered areas are left out."""
    scored = [
        (dimension, value)
        for dimension in _with_provisions(framework)
        if (value := _score(dimension_scores, dimension.id)) is not None
    ]
    return sorted(scored, key=lambda pair: pair[1])[:count]


def provisions_for(framework: Framework, dimension_ids: list[str]) -> list[Provision]:
    """Provisions that apply to the dimensions or to an indicator inside them, in file order."""
    wanted = set(dimension_ids)
    for dimension in framework.dimensions:
        if dimension.id in wanted:
            wanted |= {i.id for i in dimension.indicators}
    return [p for p in framework.provisions if wanted & set(p.applies_to)]


def penalty_violation(
    framework: Framework,
    dimension_scores: Mapping[str, Any],
    *,
    count: int = DEFAULT_WEAKEST,
    lang: str = "zh",
) -> dict[str, Any] | None:
    """One violation object for ``ronghe penalty`` / the penalty page's prefill: a label naming
    the weakest areas and the fines of their provisions.

    Only the basic (not ``aggravated``) ranges in yuan are listed: the penalty calculator decides
    the tier from the circumstances the user enters, and a range of multiples needs the illegal
    gains, which a self-assessment does not know. Each fine's ``law`` is the citation with its
    verification status. None when no area with provisions was answered.
    """
    areas = weakest_areas(framework, dimension_scores, count)
    if not areas:
        return None
    seen: set[str] = set()
    fines = []
    for provision in provisions_for(framework, [d.id for d, _ in areas]):
        if provision.aggravated or provision.kind is not FineKind.AMOUNT or provision.id in seen:
            continue
        seen.add(provision.id)
        fines.append(
            {
                "law": f"{provision.citation}（{_STATUS[provision.status.value].get(lang)}）",
                "kind": "amount",
                "minimum": provision.minimum,
                "maximum": provision.maximum,
            }
        )
    if not fines:
        return None
    names = "、".join(f"{d.name.get(lang)} {100 * v:.0f}" for d, v in areas)
    label = (
        f"数据安全自评薄弱领域（{names}分）可能涉及的法定罚则；{framework.short_title.zh} "
        f"{framework.version}，仅供参考，不是法律意见"
        if lang != "en"
        else f"Statutory fines the weakest data-security areas ({names} points) may relate to; "
        f"{framework.short_title.en} {framework.version}; for reference only, not legal advice"
    )
    violation = {"label": label, "fines": fines}
    _check_penalty_format(violation)
    return violation


_STATUS = {
    "verified": Text(zh="已核实", en="verified"),
    "partly_verified": Text(zh="部分核实", en="partly verified"),
    "unverified": Text(zh="未核实", en="unverified"),
}


def _check_penalty_format(violation: dict[str, Any]) -> None:
    """Validate against the penalty calculator's own input model (fails loudly on drift)."""
    from assessment.penalty.models import Violation

    Violation.model_validate(violation)
