"""Materialised results: score answers with the engine (vectorised, one call per framework
version) and write per-framework results and the composite index.

Used by submit, by ``ronghe rescore`` and by the bulk loader, so stored results always come from
the same computation and can be recomputed from the answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import delete, insert
from sqlmodel import Session, col

from assessment import columns as C
from assessment.models import CompositeResult, FrameworkResult, utcnow
from assessment.repo.errors import ValidationFailed

if TYPE_CHECKING:
    from assessment.scoring import AnswerMatrix, ScoreResult

FRAMEWORK_VERSION = "framework_version"
KeepValues = Callable[[str, str, list[str], "npt.NDArray[np.float64]"], None]
DIMENSION_SCORES = "dimension_scores"
RESULT_COLUMNS = (
    C.ASSESSMENT_ID,
    C.FRAMEWORK_ID,
    FRAMEWORK_VERSION,
    C.LEVEL,
    C.SCORE,
    C.SCALE_MAX,
    C.SCORE_100,
    C.COVERAGE,
    C.MISSING_REQUIRED,
    C.COMPLETE,
    DIMENSION_SCORES,
)


def compute_results(
    answers: pd.DataFrame | None,
    plan: pd.DataFrame,
    keep: KeepValues | None = None,
    matrices: Mapping[tuple[str, str], AnswerMatrix] | None = None,
) -> pd.DataFrame:
    """Score every (assessment, framework version) of ``plan``.

    Args:
        answers: assessment_id, framework_id, indicator_id, answer (assessment ids as str).
        plan: assessment_id, framework_id, framework_version and optionally path.
        keep: called per framework version with its assessment ids and indicator values
            (:func:`assessment.scoring.indicator_values`), for the dashboard summary.
        matrices: instead of ``answers``, the answers already checked and encoded per
            (framework id, version) (a bulk load's chunk, ``assessment.encoded``).

    Returns:
        One row per plan row with :data:`RESULT_COLUMNS`; answers to indicators the version
        does not have are ignored (a rescore against a newer version).
    """
    from assessment import scoring
    from indicators.loader import load_framework

    frames = []
    for keys, rows in plan.groupby([C.FRAMEWORK_ID, FRAMEWORK_VERSION]):
        framework_id, version = str(keys[0]), str(keys[1])
        framework = load_framework(framework_id, version)
        ids = rows[C.ASSESSMENT_ID].astype(str).tolist()
        paths = None
        if C.PATH in rows and framework.paths:
            paths = rows.set_index(rows[C.ASSESSMENT_ID].astype(str))[C.PATH].dropna()
        try:
            if matrices is not None:
                matrix = scoring.matrix_rows(matrices.get((framework_id, version)), ids, framework)
                result = scoring.score_encoded(matrix, framework, paths)
            else:
                assert answers is not None
                known = {i.id for i in framework.indicators}
                mine = answers[
                    (answers[C.FRAMEWORK_ID] == framework_id) & answers[C.INDICATOR_ID].isin(known)
                ]
                result = scoring.score(
                    mine[[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER]],
                    framework,
                    paths=paths,
                    assessment_ids=ids,
                )
        except scoring.AnswerError as exc:
            raise ValidationFailed(
                f"答案不符合指标体系 {framework_id}@{version}：{exc}",
                f"Answers do not fit {framework_id}@{version}: {exc}",
            ) from exc
        if keep is not None:
            matrix_ids = [str(a) for a in result.matrix.assessment_ids]
            keep(
                framework_id,
                version,
                matrix_ids,
                scoring.indicator_values(result.matrix, result.scores),
            )
        overall = result.overall.copy()
        overall[C.FRAMEWORK_ID] = framework_id
        overall[FRAMEWORK_VERSION] = version
        overall[DIMENSION_SCORES] = pd.Series(_dimension_dicts(result), dtype=object)
        frames.append(overall)
    if not frames:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(RESULT_COLUMNS)]


def _dimension_dicts(result: ScoreResult) -> list[dict[str, float | None]]:
    """Per assessment, its dimension scores by dimension id in file order (None: not scored)."""
    values = result.scores.dimension
    cells = values.astype(object)
    cells[np.isnan(values)] = None
    names = result.index.dimension_ids
    return [dict(zip(names, row, strict=True)) for row in cells.tolist()]


def compute_composite(
    results: pd.DataFrame,
    certified: pd.DataFrame | None = None,
    enterprise_of: pd.Series | None = None,
) -> tuple[pd.DataFrame, str]:
    """The Ronghe Index (composite) per assessment and the crosswalk version it used.

    Args:
        results: long framework results (assessment_id, framework_id, level, score_100).
        certified: current certified results (``assessment.repo.certified.current_frame``);
            with ``enterprise_of`` (assessment_id → enterprise_id) they take the place of the
            self-assessed results of the same framework.

    The composite frame has a ``certified`` column: per assessment, the list of replacements
    ({framework_id, certified_id, kind}); empty when none.
    """
    from assessment.composite import composite_index
    from assessment.repo.certified import REPLACED, apply_certified
    from indicators.crosswalk import load_crosswalk

    crosswalk = load_crosswalk()
    known = {m.framework for m in crosswalk.mappings}
    usable = results[results[C.FRAMEWORK_ID].isin(known)]
    replaced = pd.DataFrame(columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, "certified_id", "kind"])
    if certified is not None and enterprise_of is not None:
        usable, replaced = apply_certified(usable, certified, enterprise_of)
    composite = composite_index(
        usable[[C.ASSESSMENT_ID, C.FRAMEWORK_ID, C.LEVEL, C.SCORE_100]], crosswalk
    )
    by_assessment: dict[str, list[dict[str, Any]]] = {}
    for row in replaced.itertuples(index=False):
        by_assessment.setdefault(str(row[0]), []).append(
            {"framework_id": str(row[1]), "certified_id": int(row[2]), "kind": str(row[3])}
        )
    composite[REPLACED] = pd.Series(
        [by_assessment.get(str(a), []) for a in composite[C.ASSESSMENT_ID]],
        index=composite.index,
        dtype=object,
    )
    return composite, crosswalk.version


def _clean(value: Any) -> Any:
    """NaN / NA → None, numpy scalars → Python scalars (for the database)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def result_frame(results: pd.DataFrame, id_map: dict[str, int]) -> pd.DataFrame:
    """The ``framework_result`` rows as a frame (NaN / NA where a value is missing), for bulk
    inserts (``id_map``: scoring id → assessment id)."""
    return pd.DataFrame(
        {
            "assessment_id": results[C.ASSESSMENT_ID].astype(str).map(id_map),
            "framework_id": results[C.FRAMEWORK_ID],
            "framework_version": results[FRAMEWORK_VERSION],
            "level": results[C.LEVEL].astype("Int64"),
            "score": results[C.SCORE].astype("float64"),
            "scale_max": results[C.SCALE_MAX].astype("float64"),
            "score_100": results[C.SCORE_100].astype("float64"),
            "coverage": results[C.COVERAGE].astype("float64"),
            "complete": results[C.COMPLETE].astype(bool),
            "dimension_scores": results[DIMENSION_SCORES],  # dicts of floats or None
            "computed_at": utcnow(),
        }
    )


def result_rows(results: pd.DataFrame, id_map: dict[str, int]) -> list[dict[str, Any]]:
    """Rows for the ``framework_result`` table as records of Python values."""
    records = result_frame(results, id_map).astype(object).to_dict(orient="records")
    for record in records:
        for key in ("level", "score", "scale_max", "score_100", "coverage"):
            record[key] = _clean(record[key])
        record["complete"] = bool(record["complete"])
        record["dimension_scores"] = {
            k: _clean(v) for k, v in (record["dimension_scores"] or {}).items()
        }
    return records  # type: ignore[return-value]


def composite_rows(
    composite: pd.DataFrame, id_map: dict[str, int], crosswalk_version: str
) -> list[dict[str, Any]]:
    """Rows for the ``composite_result`` table (``certified``: the replacements, if any)."""
    now = utcnow()
    replaced = (
        composite["certified"] if "certified" in composite else pd.Series([[]] * len(composite))
    )
    return [
        {
            "assessment_id": id_map[str(aid)],
            "crosswalk_version": crosswalk_version,
            "composite": _clean(value),
            "stage": _clean(stage),
            "frameworks": int(count),
            "certified": list(used),
            "computed_at": now,
        }
        for aid, value, stage, count, used in zip(
            composite[C.ASSESSMENT_ID],
            composite[C.COMPOSITE].astype(object),
            composite[C.STAGE].astype(object),
            composite[C.FRAMEWORKS],
            replaced,
            strict=True,
        )
    ]


def store_results(
    session: Session,
    *,
    results: pd.DataFrame,
    composite: pd.DataFrame,
    crosswalk_version: str,
    id_map: dict[str, int],
) -> None:
    """Replace the stored results of the assessments in ``id_map`` (not committed)."""
    ids: Sequence[int] = list(id_map.values())
    session.execute(delete(FrameworkResult).where(col(FrameworkResult.assessment_id).in_(ids)))
    session.execute(delete(CompositeResult).where(col(CompositeResult.assessment_id).in_(ids)))
    rows = result_rows(results, id_map)
    if rows:
        session.execute(insert(FrameworkResult), rows)
    composite_records = composite_rows(composite, id_map, crosswalk_version)
    if composite_records:
        session.execute(insert(CompositeResult), composite_records)
