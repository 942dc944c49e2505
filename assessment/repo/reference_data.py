"""Fill the ``region`` and ``industry`` tables from ``assessment.reference`` (idempotent)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, select

from assessment import reference
from assessment.models import Industry, Region

Table = TypeVar("Table", Region, Industry)


def sync_reference_data(session: Session) -> tuple[int, int]:
    """Insert or update every region and industry of the reference files; returns the counts.

    Regions are written in file order, so a parent always exists before its children.
    """
    regions = reference.regions()
    _upsert(
        session,
        Region,
        [
            {
                "code": row.code,
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "level": row.level,
                "parent_code": row.parent if isinstance(row.parent, str) else None,
                "macro_region": row.macro_region,
            }
            for row in regions.itertuples(index=False)
        ],
    )
    industries = reference.industries()
    _upsert(
        session,
        Industry,
        [
            {
                "code": row.code,
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "production_type": row.production_type,
            }
            for row in industries.itertuples(index=False)
        ],
    )
    session.commit()
    return len(regions), len(industries)


def _upsert(session: Session, model: type[Table], rows: list[dict[str, Any]]) -> None:
    """Add each row as ``model`` keyed by ``code``, or update the stored one, in list order."""
    existing: dict[str, Table] = {r.code: r for r in session.exec(select(model)).all()}
    for values in rows:
        current = existing.get(str(values["code"]))
        if current is None:
            session.add(model.model_validate(values))
        else:
            current.sqlmodel_update(values)
            session.add(current)
