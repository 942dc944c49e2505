"""Exports of scores and answers for a selection of assessments in the actor's scope, as CSV or
XLSX; every text cell is made inert (:mod:`assessment.exchange.cells`) and every export is
recorded in the audit log."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final, Literal

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from assessment import columns as C
from assessment.models import (
    Answer,
    Assessment,
    CompositeResult,
    Enterprise,
    FrameworkResult,
    User,
)
from assessment.repo.access import scope_condition
from assessment.repo.audit import record_export
from assessment.tabular import inert_cells
from indicators.loader import CATALOGUE_ORDER

Kind = Literal["scores", "answers"]
KINDS: Final = ("scores", "answers")
IDENTITY: Final = (C.USCC, C.NAME, C.REGION_CODE, C.INDUSTRY_CODE, C.YEAR, C.STATUS)


def selected_assessments(
    session: Session,
    *,
    actor: User,
    assessment_ids: Sequence[int] | None = None,
    year: int | None = None,
    region_code: str | None = None,
    include_drafts: bool = True,
) -> pd.DataFrame:
    """assessment id with its enterprise's identity, year and status, in the actor's scope."""
    from assessment.repo.access import region_condition

    query = (
        select(
            col(Assessment.id),
            col(Enterprise.uscc),
            col(Enterprise.name),
            col(Enterprise.region_code),
            col(Enterprise.industry_code),
            col(Assessment.year),
            col(Assessment.status),
        )
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(scope_condition(actor))
    )
    if assessment_ids is not None:
        query = query.where(col(Assessment.id).in_(list(assessment_ids)))
    if year is not None:
        query = query.where(col(Assessment.year) == year)
    if region_code:
        query = query.where(region_condition(region_code))
    if not include_drafts:
        query = query.where(col(Assessment.status) != "draft")
    rows = session.execute(query.order_by(col(Enterprise.uscc), col(Assessment.year))).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["assessment", *IDENTITY])


def scores_frame(
    session: Session, selection: pd.DataFrame, *, keep_id: bool = False
) -> pd.DataFrame:
    """One row per assessment: identity, each framework's version, level, score and score_100,
    the Ronghe Index (composite) and its stage (stored results; drafts have none)."""
    ids = selection["assessment"].astype(int).tolist()
    results = pd.DataFrame(
        [
            tuple(r)
            for r in session.execute(
                select(
                    col(FrameworkResult.assessment_id),
                    col(FrameworkResult.framework_id),
                    col(FrameworkResult.framework_version),
                    col(FrameworkResult.level),
                    col(FrameworkResult.score),
                    col(FrameworkResult.score_100),
                ).where(col(FrameworkResult.assessment_id).in_(ids))
            ).all()
        ],
        columns=["assessment", C.FRAMEWORK_ID, "version", C.LEVEL, C.SCORE, C.SCORE_100],
    )
    out = selection.copy()
    order = [f for f in CATALOGUE_ORDER if f in set(results[C.FRAMEWORK_ID])]
    for framework_id in order:
        mine = results[results[C.FRAMEWORK_ID] == framework_id].set_index("assessment")
        for column in ("version", C.LEVEL, C.SCORE, C.SCORE_100):
            values = out["assessment"].map(mine[column])
            out[f"{framework_id}_{column}"] = (
                values.astype("Int64") if column == C.LEVEL else values
            )
    composite = pd.DataFrame(
        [
            tuple(r)
            for r in session.execute(
                select(
                    col(CompositeResult.assessment_id),
                    col(CompositeResult.composite),
                    col(CompositeResult.stage),
                ).where(col(CompositeResult.assessment_id).in_(ids))
            ).all()
        ],
        columns=["assessment", C.COMPOSITE, C.STAGE],
    ).set_index("assessment")
    out["ronghe_index"] = out["assessment"].map(composite[C.COMPOSITE])
    out[C.STAGE] = out["assessment"].map(composite[C.STAGE]).astype("Int64")
    return out if keep_id else out.drop(columns="assessment")


def answers_frame(session: Session, selection: pd.DataFrame) -> pd.DataFrame:
    """One row per stored answer: uscc, year, framework_id, framework_version, indicator_id,
    answer (the long layout that ``ronghe import`` reads back)."""
    ids = selection["assessment"].astype(int).tolist()
    versions = {
        int(a.id): a.framework_versions
        for a in session.execute(select(Assessment).where(col(Assessment.id).in_(ids))).scalars()
        if a.id is not None
    }
    rows = session.execute(
        select(
            col(Answer.assessment_id),
            col(Answer.framework_id),
            col(Answer.indicator_id),
            col(Answer.answer),
        )
        .where(col(Answer.assessment_id).in_(ids))
        .order_by(col(Answer.assessment_id), col(Answer.framework_id), col(Answer.indicator_id))
    ).all()
    keys = selection.set_index("assessment")
    return pd.DataFrame(
        {
            C.USCC: [keys.at[r[0], C.USCC] for r in rows],
            C.YEAR: [keys.at[r[0], C.YEAR] for r in rows],
            C.FRAMEWORK_ID: [r[1] for r in rows],
            "framework_version": [versions.get(r[0], {}).get(r[1], "") for r in rows],
            C.INDICATOR_ID: [r[2] for r in rows],
            C.ANSWER: [r[3] for r in rows],
        }
    )


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel opens Chinese text correctly), cells made inert."""
    return inert_cells(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """XLSX with one sheet per frame, cells made inert."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            inert_cells(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def export_tables(
    session: Session,
    *,
    actor: User,
    kind: Kind,
    fmt: Literal["csv", "xlsx"],
    assessment_ids: Sequence[int] | None = None,
    year: int | None = None,
    region_code: str | None = None,
) -> tuple[str, bytes]:
    """(file name, bytes) of the scores or answers of a selection, audited as an export."""
    selection = selected_assessments(
        session, actor=actor, assessment_ids=assessment_ids, year=year, region_code=region_code
    )
    frame = (
        scores_frame(session, selection) if kind == "scores" else answers_frame(session, selection)
    )
    data = to_csv(frame) if fmt == "csv" else to_xlsx({kind: frame})
    record_export(
        session,
        actor=actor,
        what=f"{kind}.{fmt}",
        object_type="assessment",
        object_ids=selection["assessment"].tolist(),
        detail={"rows": len(frame), "year": year, "region_code": region_code},
    )
    suffix = f"_{year}" if year is not None else ""
    return f"ronghe_{kind}{suffix}.{fmt}", data


def portfolio(session: Session, *, actor: User, year: int | None = None) -> pd.DataFrame:
    """The enterprises in the actor's scope (a consultant's clients), each with its assessments
    (newest year first) and their status, levels per framework and Ronghe Index; enterprises
    without an assessment appear once with an empty year. ``assessment`` holds the id."""
    selection = selected_assessments(session, actor=actor, year=year)
    scored = scores_frame(session, selection, keep_id=True)
    firms = session.execute(
        select(
            col(Enterprise.uscc),
            col(Enterprise.name),
            col(Enterprise.region_code),
            col(Enterprise.industry_code),
        )
        .where(scope_condition(actor))
        .order_by(col(Enterprise.uscc))
    ).all()
    missing = pd.DataFrame(
        [tuple(f) for f in firms if f[0] not in set(scored[C.USCC])],
        columns=[C.USCC, C.NAME, C.REGION_CODE, C.INDUSTRY_CODE],
    )
    if year is None and len(missing):
        scored = pd.concat([scored, missing], ignore_index=True)
    scored["assessment"] = scored["assessment"].astype("Int64")
    scored[C.YEAR] = scored[C.YEAR].astype("Int64")
    return scored.sort_values([C.USCC, C.YEAR], ascending=[True, False], ignore_index=True)
