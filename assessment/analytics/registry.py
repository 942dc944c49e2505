"""A bureau's registry of enterprises (the denominator of coverage) and its campaigns.

* :func:`import_registry` reads a CSV/XLSX of enterprises of the jurisdiction (columns as the
  ``enterprises`` table of docs/file-formats.md: uscc, name, region_code, industry_code,
  employees, revenue_wan, production_type), checks every row and either registers all new
  enterprises (confirmed by the bureau) in one transaction or stores nothing and returns every
  row's errors. Enterprises already registered in the jurisdiction are counted, not changed.
* :func:`create_campaign` opens a campaign for a year with target counts per sub-region;
  :func:`campaign_progress` compares each target with the enterprises that have results that
  year (from the summary table; counts under k are suppressed).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import Session, col

from assessment import columns as C
from assessment import reference
from assessment.analytics.dashboard import (
    Chart,
    Filters,
    cell_sums,
    jurisdiction_of,
    k_threshold,
    subregions,
    suppress,
)
from assessment.analytics.summary import ASSESSED
from assessment.models import Campaign, CampaignTarget, Enterprise, EnterpriseCreate, User, utcnow
from assessment.repo import audit
from assessment.repo.access import REVIEWERS, require_role, stored_id
from assessment.repo.enterprises import (
    _derive,
    check_industry_code,
    check_region_code,
    check_uscc,
)
from assessment.repo.errors import AccessDenied, RepositoryError, ValidationFailed
from assessment.tabular import TableError, read_table, require_columns

REGISTRY_COLUMNS = (
    C.USCC,
    C.NAME,
    C.REGION_CODE,
    C.INDUSTRY_CODE,
    C.EMPLOYEES,
    C.REVENUE_WAN,
    C.PRODUCTION_TYPE,
)


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file: the row a person sees (header = row 1) and column."""

    row: int
    column: str
    message_zh: str
    message_en: str


class RegistryInvalid(RepositoryError):
    """The uploaded registry has errors; nothing was stored. ``errors`` lists every one."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            f"名录有 {len(errors)} 处错误，未导入任何企业。",
            f"The registry has {len(errors)} errors; no enterprise was imported.",
        )


@dataclass
class RegistryReport:
    """What an import did."""

    added: int = 0
    already: int = 0
    added_ids: list[int] = field(default_factory=list)


def _read(content: bytes, filename: str) -> pd.DataFrame:
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationFailed("请上传 CSV 或 XLSX 文件。", "Upload a CSV or XLSX file.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"registry{suffix}"
        path.write_bytes(content)
        try:
            frame = read_table(path)
            require_columns(frame, REGISTRY_COLUMNS, path)
        except TableError as exc:
            where = f" «{exc.column}»" if exc.column else ""
            raise ValidationFailed(exc.message_zh + where, exc.message_en + where) from exc
    return frame


def _row_errors(
    actor: User, row: int, record: dict[str, Any]
) -> tuple[list[RowError], dict[str, Any] | None]:
    """Check one record; returns its errors or the values to store."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    checks = (
        (C.USCC, check_uscc),
        (C.REGION_CODE, check_region_code),
        (C.INDUSTRY_CODE, check_industry_code),
    )
    for column, check in checks:
        try:
            values[column] = check(str(record[column]))
        except ValidationFailed as exc:
            errors.append(RowError(row, column, exc.message_zh, exc.message_en))
    region = values.get(C.REGION_CODE)
    if region and actor.region_code and not reference.within(region, actor.region_code):
        errors.append(RowError(row, C.REGION_CODE, "不在本辖区内。", "Outside your jurisdiction."))
    for column in (C.EMPLOYEES, C.REVENUE_WAN):
        text = str(record[column]).strip()
        try:
            number = float(text) if text else None
        except ValueError:
            number = -1.0
        if number is not None and number < 0:
            errors.append(
                RowError(row, column, "须为不小于0的数字。", "Must be a number of 0 or more.")
            )
        values[column] = (
            None
            if number is None or number < 0
            else (int(number) if column == C.EMPLOYEES else number)
        )
    values[C.NAME] = str(record[C.NAME]).strip()
    values[C.PRODUCTION_TYPE] = str(record[C.PRODUCTION_TYPE]).strip() or "discrete"
    try:
        EnterpriseCreate.model_validate(values)
        derived = _derive(values)
    except ValidationError as exc:
        for err in exc.errors():
            column = str(err["loc"][0]) if err["loc"] else "row"
            errors.append(RowError(row, column, f"无效：{err['msg']}", f"invalid: {err['msg']}"))
        derived = {}
    except ValidationFailed as exc:
        errors.append(RowError(row, C.PRODUCTION_TYPE, exc.message_zh, exc.message_en))
        derived = {}
    return errors, (None if errors else {**values, **derived})


def import_registry(
    session: Session, *, actor: User, content: bytes, filename: str
) -> RegistryReport:
    """Register every new enterprise of an uploaded registry, all or nothing (audited).

    Raises:
        RegistryInvalid: with every row's errors; nothing is stored.
        ValidationFailed: the file cannot be read or lacks columns.
    """
    require_role(actor, *REVIEWERS)
    frame = _read(content, filename)
    errors: list[RowError] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for position, record in enumerate(frame.to_dict(orient="records")):
        row = position + 2
        found, values = _row_errors(actor, row, {str(k): v for k, v in record.items()})
        errors.extend(found)
        if values is not None:
            if values[C.USCC] in seen:
                errors.append(
                    RowError(
                        row,
                        C.USCC,
                        f"与第{seen[values[C.USCC]]}行重复。",
                        f"Repeats row {seen[values[C.USCC]]}.",
                    )
                )
                continue
            seen[values[C.USCC]] = row
            rows.append(values)
    known = {
        e.uscc: e
        for e in session.execute(
            select(Enterprise).where(col(Enterprise.uscc).in_([r[C.USCC] for r in rows]))
        ).scalars()
    }
    for values in rows:
        other = known.get(values[C.USCC])
        if (
            other is not None
            and actor.region_code
            and not reference.within(other.region_code, actor.region_code)
        ):
            errors.append(
                RowError(
                    seen[values[C.USCC]],
                    C.USCC,
                    "该企业已在其他辖区登记。",
                    "This enterprise is registered in another jurisdiction.",
                )
            )
    if errors:
        raise RegistryInvalid(errors)
    report = RegistryReport(already=sum(r[C.USCC] in known for r in rows))
    now = utcnow()
    try:
        for values in rows:
            if values[C.USCC] in known:
                continue
            enterprise = Enterprise.model_validate(
                {**values, "confirmed_at": now, "confirmed_by": actor.id}
            )
            session.add(enterprise)
            session.flush()
            report.added_ids.append(stored_id(enterprise.id))
        report.added = len(report.added_ids)
        audit.record(
            session,
            actor=actor,
            action="registry.import",
            object_type="enterprise",
            object_ids=report.added_ids,
            detail={"file": filename, "added": report.added, "already": report.already},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def create_campaign(
    session: Session, *, actor: User, year: int, name: str, targets: dict[str, int]
) -> Campaign:
    """Open a campaign of the actor's jurisdiction for ``year`` with a target per sub-region."""
    require_role(actor, *REVIEWERS)
    where = jurisdiction_of(actor)
    allowed = set(subregions(actor))
    unknown = sorted(set(targets) - allowed)
    if unknown:
        raise ValidationFailed(
            f"不是本辖区的下级区域：{', '.join(unknown)}",
            f"Not sub-regions of your jurisdiction: {', '.join(unknown)}",
        )
    if any(int(v) < 0 for v in targets.values()) or not name.strip():
        raise ValidationFailed(
            "名称不能为空，目标数不能为负。", "The name is required and targets cannot be negative."
        )
    campaign = Campaign(region_code=where.code, year=year, name=name.strip(), created_by=actor.id)
    session.add(campaign)
    session.flush()
    for code, target in targets.items():
        session.add(
            CampaignTarget(campaign_id=stored_id(campaign.id), region_code=code, target=int(target))
        )
    audit.record(
        session,
        actor=actor,
        action="campaign.create",
        object_type="campaign",
        object_ids=[campaign.id],
        detail={"year": year, "name": campaign.name, "targets": dict(targets)},
    )
    session.commit()
    session.refresh(campaign)
    return campaign


def list_campaigns(session: Session, *, actor: User, year: int | None = None) -> list[Campaign]:
    """Campaigns of the actor's own jurisdiction, newest first."""
    where = jurisdiction_of(actor)
    query = select(Campaign).where(
        col(Campaign.region_code).is_(None)
        if where.code is None
        else col(Campaign.region_code) == where.code
    )
    if year is not None:
        query = query.where(col(Campaign.year) == year)
    return list(session.execute(query.order_by(col(Campaign.id).desc())).scalars())


def campaign_progress(session: Session, *, actor: User, campaign_id: int) -> Chart:
    """Target and enterprises with results that year per sub-region of a campaign."""
    campaign = session.get(Campaign, campaign_id)
    where = jurisdiction_of(actor)
    if campaign is None or campaign.region_code != where.code:
        raise AccessDenied()
    targets = pd.DataFrame(
        [
            (t.region_code, t.target)
            for t in session.execute(
                select(CampaignTarget).where(col(CampaignTarget.campaign_id) == campaign_id)
            ).scalars()
        ],
        columns=["subregion", "target"],
    )
    done = cell_sums(
        session, actor, Filters(year=campaign.year), metric=ASSESSED, by=("subregion",)
    )[["subregion", "n"]]
    frame = targets.merge(done, on="subregion", how="left").fillna({"n": 0})
    frame["n"] = frame["n"].astype("int64")
    frame["completion"] = 100.0 * frame["n"] / frame["target"].where(frame["target"] > 0)
    k = k_threshold()
    data = suppress(frame, k, ["completion"])
    data.loc[frame["n"] == 0, ["n", "completion", "suppressed"]] = [0, 0.0, False]
    return Chart(
        "campaign",
        f"评估活动进度：{campaign.name}（{campaign.year}年）",
        f"Campaign progress: {campaign.name} ({campaign.year})",
        "完成率（%）",
        "completion (%)",
        data,
        k,
    )


def registered_count(session: Session, *, actor: User) -> int:
    """Enterprises registered in the actor's jurisdiction (for the registry page)."""
    require_role(actor, *REVIEWERS)
    from assessment.repo.access import scope_condition

    query = select(func.count()).select_from(Enterprise).where(scope_condition(actor))
    return int(session.execute(query).scalar_one())


__all__ = [
    "REGISTRY_COLUMNS",
    "RegistryInvalid",
    "RegistryReport",
    "RowError",
    "campaign_progress",
    "create_campaign",
    "import_registry",
    "list_campaigns",
    "registered_count",
]
