"""Fill the ``region`` and ``industry`` tables from ``assessment.reference`` (idempotent)."""

from __future__ import annotations

from sqlmodel import Session, select

from assessment import reference
from assessment.models import Industry, Region


def sync_reference_data(session: Session) -> tuple[int, int]:
    """Insert or update every region and industry of the reference files; returns the counts.

    Regions are written in file order, so a parent always exists before its children.
    """
    regions = reference.regions()
    existing_regions = {r.code: r for r in session.exec(select(Region)).all()}
    for row in regions.itertuples(index=False):
        values = {
            "code": row.code,
            "name_zh": row.name_zh,
            "name_en": row.name_en,
            "level": row.level,
            "parent_code": row.parent if isinstance(row.parent, str) else None,
            "macro_region": row.macro_region,
        }
        current = existing_regions.get(str(row.code))
        if current is None:
            session.add(Region.model_validate(values))  # added in file order: parents first
        else:
            current.sqlmodel_update(values)
            session.add(current)
    industries = reference.industries()
    existing_industries = {i.code: i for i in session.exec(select(Industry)).all()}
    for row in industries.itertuples(index=False):
        values = {
            "code": row.code,
            "name_zh": row.name_zh,
            "name_en": row.name_en,
            "production_type": row.production_type,
        }
        found = existing_industries.get(str(row.code))
        if found is None:
            session.add(Industry.model_validate(values))
        else:
            found.sqlmodel_update(values)
            session.add(found)
    session.commit()
    return len(regions), len(industries)
