"""Fill the ``region`` and ``industry`` tables from ``assessment.reference`` (idempotent), and
report what reference data, frameworks and crosswalks the platform runs on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select

from assessment import reference
from assessment.models import CompositeResult, FrameworkResult, Industry, Region, Role, User
from assessment.repo.access import require_role
from indicators.crosswalk import crosswalk_files, load_crosswalk
from indicators.loader import framework_versions, load_all, load_framework
from indicators.schema import Text

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


@dataclass(frozen=True)
class ReferenceFile:
    """A shipped reference file: its name, rows, size and a short SHA-256 of its content."""

    name: str
    rows: int
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class FrameworkRelease:
    """A released framework version; ``default`` marks the one new assessments use."""

    framework_id: str
    title: Text
    version: str
    released: str | None
    default: bool
    stored_results: int  # materialised results computed against this version


@dataclass(frozen=True)
class ReferenceStatus:
    """What reference data the platform runs on (the administration page shows it)."""

    regions_by_level: dict[str, int]  # in the database
    industries: int  # in the database
    files: list[ReferenceFile]
    in_sync: bool  # the database holds exactly the rows of the files
    frameworks: list[FrameworkRelease]
    crosswalks: list[FrameworkRelease]  # framework_id "crosswalk"; stored_results: composites


def reference_status(session: Session, *, actor: User) -> ReferenceStatus:
    """Loaded regions and industries, the files they come from, the released framework and
    crosswalk versions and which are the defaults (admins only)."""
    require_role(actor, Role.ADMIN)
    levels = dict(
        session.exec(select(Region.level, func.count()).group_by(col(Region.level))).all()
    )
    industries = session.exec(select(func.count()).select_from(Industry)).one()
    files = [
        _file(reference.REGIONS_FILE, len(reference.regions())),
        _file(reference.INDUSTRIES_FILE, len(reference.industries())),
        _file(reference.SIZE_CLASSES_FILE, 0),
    ]
    in_sync = sum(levels.values()) == files[0].rows and industries == files[1].rows
    return ReferenceStatus(
        regions_by_level=levels,
        industries=industries,
        files=files,
        in_sync=in_sync,
        frameworks=_framework_releases(session),
        crosswalks=_crosswalk_releases(session),
    )


def _file(path: Path, rows: int) -> ReferenceFile:
    content = path.read_bytes()
    return ReferenceFile(path.name, rows, len(content), hashlib.sha256(content).hexdigest()[:12])


def _framework_releases(session: Session) -> list[FrameworkRelease]:
    counts = {
        (framework_id, version): n
        for framework_id, version, n in session.exec(
            select(
                FrameworkResult.framework_id, FrameworkResult.framework_version, func.count()
            ).group_by(col(FrameworkResult.framework_id), col(FrameworkResult.framework_version))
        ).all()
    }
    releases = []
    for framework_id, newest in load_all().items():
        for version in framework_versions(framework_id):
            framework = load_framework(framework_id, version)
            releases.append(
                FrameworkRelease(
                    framework_id,
                    framework.title,
                    version,
                    framework.released,
                    version == newest.version,
                    counts.get((framework_id, version), 0),
                )
            )
    return releases


def _crosswalk_releases(session: Session) -> list[FrameworkRelease]:
    counts = dict(
        session.exec(
            select(CompositeResult.crosswalk_version, func.count()).group_by(
                col(CompositeResult.crosswalk_version)
            )
        ).all()
    )
    newest = load_crosswalk()
    releases = []
    for path in crosswalk_files():
        crosswalk = load_crosswalk(path.stem)
        releases.append(
            FrameworkRelease(
                "crosswalk",
                crosswalk.title,
                crosswalk.version,
                crosswalk.released,
                crosswalk.version == newest.version,
                counts.get(crosswalk.version, 0),
            )
        )
    return releases
