"""Regional dashboard figures for a bureau (or an admin), computed in the database from the
summary table (:mod:`assessment.analytics.summary`) and filtered by the actor's jurisdiction.

Every figure is a :class:`Chart`: a frame with one row per group, its ``n`` (enterprises behind
the figure) and ``suppressed``. A group of fewer than ``k`` enterprises (``Settings.k_anonymity``,
5 by default) is suppressed here, in the core: its ``n`` and values become missing and the
pages and downloads show "<k" instead of a number (DESIGN.md §1).

Definitions (also shown on the page):

* an enterprise counts once per year, by its newest assessment of that year; "with results"
  means submitted, resubmitted or verified;
* coverage = enterprises with results ÷ registered enterprises (the registry of the scope);
* the Ronghe Index (融合指数) is the platform's composite; its median is estimated from 5-point
  bins by linear interpolation;
* CDO adoption = enterprises whose ``cdo`` result is above that framework's lowest result level
  ÷ enterprises with a ``cdo`` result;
* DCMM / 贯标 certified share = registered enterprises holding a current certified result of kind
  ``dcmm_certificate`` / ``gbt23001_grade`` (``expires_on`` empty or not before today) ÷
  registered enterprises.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select, true
from sqlmodel import Session, col

from assessment import reference
from assessment.analytics.summary import (
    ASSESSED,
    COMPOSITE,
    COMPOSITE_BIN,
    INDICATOR,
    LEVEL,
    indicator_order,
    sum_by_group,
)
from assessment.composite import index_name
from assessment.models import (
    CertifiedResult,
    DashboardCell,
    Enterprise,
    Role,
    Status,
    User,
)
from assessment.repo.access import code_range, require_role, scope_condition
from assessment.repo.certified import CertifiedKind, current_condition
from assessment.repo.errors import ValidationFailed
from assessment.settings import get_settings
from assessment.work_points import work_points
from indicators.loader import load_framework
from indicators.schema import Framework

RESULT_STATUSES = (Status.SUBMITTED.value, Status.RESUBMITTED.value, Status.VERIFIED.value)
CDO_FRAMEWORK = "cdo"
CERTIFIED_KINDS = {
    "dcmm": CertifiedKind.DCMM_CERTIFICATE.value,
    "gbt23001": CertifiedKind.GBT23001_GRADE.value,
}
_name, _note = index_name()  # the crosswalk data names and explains the index (融合指数)
assert _note is not None, "the default crosswalk must explain the Ronghe Index"
INDEX_NAME = (_name.zh, _name.en)
INDEX_NOTE = (_note.zh, _note.en)
WEAKEST_PER_INDUSTRY = 3
ALL = "all"


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; ``None`` means all."""

    year: int
    subregion: str | None = None
    industry: str | None = None
    size_class: str | None = None
    above_size: bool | None = None
    production_type: str | None = None


@dataclass(frozen=True)
class Jurisdiction:
    """Where a dashboard looks: the region (None: the nation), its sub-region level and grain."""

    code: str | None
    level: str  # national / province / prefecture / county
    grain: str  # summary grain read: "n", "p" or "c" (its sub-regions' level)

    def name(self, lang: str = "zh") -> str:
        if self.code is None:
            return "全国" if lang == "zh" else "China"
        return reference.region_name(self.code, "en" if lang == "en" else "zh")


@dataclass(frozen=True)
class Chart:
    """One chart's figures: ``frame`` has a row per group with ``n`` and ``suppressed``."""

    key: str
    title_zh: str
    title_en: str
    unit_zh: str
    unit_en: str
    frame: pd.DataFrame
    k: int
    n_enterprises: int | None = None  # set where groups overlap (frameworks, years, indicators)

    @property
    def n_shown(self) -> int:
        """Enterprises behind the figures shown (suppressed groups are not counted)."""
        if self.n_enterprises is not None:
            return self.n_enterprises
        shown = self.frame.loc[~self.frame["suppressed"], "n"]
        return int(shown.sum()) if len(shown) else 0

    @property
    def has_suppressed(self) -> bool:
        return bool(self.frame["suppressed"].any())


@dataclass(frozen=True)
class Kpi:
    """One headline figure with last year's value (``None``: suppressed or not available)."""

    key: str
    label_zh: str
    label_en: str
    unit: str  # "count", "percent" or "index"
    value: float | None
    previous: float | None
    n: int | None  # enterprises behind the figure (None when suppressed)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Priority:
    """Where to push first: the lowest sub-region, its lowest industry and weakest indicators."""

    subregion: str | None
    subregion_index: float | None
    industry: str | None
    industry_index: float | None
    indicators: pd.DataFrame  # as in the weakest-indicator chart
    whole: bool = False  # ``subregion`` is the jurisdiction itself (a county has no sub-regions)


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page shows, for one actor and one set of filters."""

    jurisdiction: Jurisdiction
    filters: Filters
    k: int
    kpis: tuple[Kpi, ...]
    charts: dict[str, Chart] = field(default_factory=dict)
    priority: Priority | None = None


# ----------------------------------------------------------------------------- scope


def jurisdiction_of(actor: User) -> Jurisdiction:
    """The actor's jurisdiction: a bureau's region or, for an admin, the nation."""
    require_role(actor, Role.BUREAU, Role.ADMIN)
    if Role(actor.role) is Role.ADMIN or not actor.region_code:
        if Role(actor.role) is Role.BUREAU:  # a bureau without a region sees nothing
            raise ValidationFailed("此账户没有辖区。", "This account has no jurisdiction.")
        return Jurisdiction(None, "national", "n")
    level = reference.code_level(actor.region_code).value
    return Jurisdiction(actor.region_code, level, "p" if level == "province" else "c")


def subregions(actor: User) -> list[str]:
    """The sub-regions a dashboard compares: provinces, prefectures or counties."""
    where = jurisdiction_of(actor)
    if where.code is None:
        table = reference.regions()
        return table.loc[table["level"] == "province", "code"].tolist()
    if where.level == "county":
        return [where.code]
    return reference.children(where.code)


def _subregion_expr(where: Jurisdiction) -> Any:
    """The sub-region of a cell: its region code, at the grain the jurisdiction reads."""
    del where  # each jurisdiction reads the grain of its sub-regions
    return col(DashboardCell.region_code)


def _check_subregion(actor: User, filters: Filters) -> None:
    if filters.subregion is not None and filters.subregion not in subregions(actor):
        raise ValidationFailed(
            f"“{filters.subregion}”不是本辖区的下级区域。",
            f"'{filters.subregion}' is not a sub-region of your jurisdiction.",
        )


def _cell_conditions(
    filters: Filters, where: Jurisdiction, metric: str, years: Sequence[int]
) -> list[Any]:
    """Cells of ``where`` (the actor's jurisdiction: the scope), the metric, years and filters."""
    cell = DashboardCell
    conditions: list[Any] = [
        col(cell.grain) == where.grain,
        col(cell.metric) == metric,
        col(cell.year).in_(list(years)),
        code_range(col(cell.region_code), where.code) if where.code else true(),
    ]
    columns = (cell.region_code, cell.industry_code, cell.size_class, cell.above_size)
    return conditions + _filtered(filters, *columns, cell.production_type)


def _filtered(
    filters: Filters, region: Any, industry: Any, size: Any, above: Any, production: Any
) -> list[Any]:
    """The conditions of the filters that are set, on the given columns (summary cells or
    enterprises: both carry the same attributes)."""
    conditions = []
    if filters.subregion:
        conditions.append(code_range(col(region), filters.subregion))
    if filters.above_size is not None:
        conditions.append(col(above) == filters.above_size)
    for value, column in (
        (filters.industry, industry),
        (filters.size_class, size),
        (filters.production_type, production),
    ):
        if value:
            conditions.append(col(column) == value)
    return conditions


def cell_sums(
    session: Session,
    actor: User,
    filters: Filters,
    *,
    metric: str,
    by: Sequence[str] = (),
    years: Sequence[int] | None = None,
    statuses: Sequence[str] | None = RESULT_STATUSES,
    framework_id: str | None = None,
) -> pd.DataFrame:
    """Sums of ``n``, ``scored`` and ``total`` of the cells in scope, grouped ``by``:
    any of year, subregion, industry, size_class, status, framework_id, item, bucket."""
    where = jurisdiction_of(actor)
    cell = DashboardCell
    names = _cell_names(where)
    groups = [names[b].label(b) for b in by]
    conditions = _cell_conditions(filters, where, metric, years or [filters.year])
    conditions.extend(_status_framework(statuses, framework_id))
    query = select(
        *groups,
        func.sum(col(cell.n)).label("n"),
        func.sum(col(cell.scored)).label("scored"),
        func.sum(col(cell.total)).label("total"),
    ).where(*conditions)
    if groups:
        query = query.group_by(*(names[b] for b in by))
    rows = session.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[*by, "n", "scored", "total"])
    frame = frame[frame["n"].notna()]
    for name in ("n", "scored"):
        frame[name] = frame[name].astype("int64")
    frame["total"] = frame["total"].astype(float)
    return frame.reset_index(drop=True)


def _cell_names(where: Jurisdiction) -> dict[str, Any]:
    cell = DashboardCell
    return {
        "year": col(cell.year),
        "subregion": _subregion_expr(where),
        "industry": col(cell.industry_code),
        "size_class": col(cell.size_class),
        "status": col(cell.status),
        "framework_id": col(cell.framework_id),
        "item": col(cell.item),
        "bucket": col(cell.bucket),
    }


def _status_framework(statuses: Sequence[str] | None, framework_id: str | None) -> list[Any]:
    conditions: list[Any] = []
    if statuses is not None:
        conditions.append(col(DashboardCell.status).in_(list(statuses)))
    if framework_id is not None:
        conditions.append(col(DashboardCell.framework_id) == framework_id)
    return conditions


def indicator_sums(
    session: Session,
    actor: User,
    filters: Filters,
    *,
    by: Sequence[str] = (),
    framework_id: str | None = None,
) -> pd.DataFrame:
    """Per indicator (``framework_id``, ``item`` = indicator id), grouped ``by`` as in
    :func:`cell_sums`: answered count (``n`` = ``scored``) and score sum (``total``), added up
    from the packed vectors of the indicator cells in scope."""
    where = jurisdiction_of(actor)
    names = _cell_names(where)
    conditions = _cell_conditions(filters, where, INDICATOR, [filters.year])
    conditions.extend(_status_framework(RESULT_STATUSES, framework_id))
    cell = DashboardCell
    rows = session.execute(
        select(
            *(names[b].label(b) for b in by),
            col(cell.framework_id),
            col(cell.item),
            col(cell.items),
        ).where(*conditions)
    ).all()
    cells = pd.DataFrame([tuple(r) for r in rows], columns=[*by, "framework_id", "version", "v"])
    parts = [pd.DataFrame(columns=[*by, "framework_id", "item", "n", "scored", "total"])]
    for (framework, version), part in cells.groupby(["framework_id", "version"], sort=False):
        items = np.asarray(_indicator_ids(str(framework), str(version)), dtype=object)
        matrix = np.frombuffer(b"".join(part["v"]), dtype="<f8").reshape(len(part), -1)
        firsts, _, sums = sum_by_group(part[list(by)], matrix)
        counts, totals = np.hsplit(sums, 2)
        group, item = np.nonzero(counts)
        keys = part[list(by)].iloc[firsts[group]]
        answered = counts[group, item].astype("int64")
        parts.append(
            pd.DataFrame(
                {
                    **{b: keys[b].to_numpy() for b in by},
                    "framework_id": framework,
                    "item": items[item],
                    "n": answered,
                    "scored": answered,
                    "total": totals[group, item],
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    summed = frame.groupby([*by, "framework_id", "item"], as_index=False, sort=False)
    result: pd.DataFrame = summed[["n", "scored", "total"]].sum()  # versions sharing indicators
    return result.astype({"n": "int64", "scored": "int64", "total": "float64"})


@functools.lru_cache(maxsize=64)
def _indicator_ids(framework_id: str, version: str) -> tuple[str, ...]:
    """Indicators of a framework version in file order (the order of ``items`` vectors)."""
    return indicator_order(load_framework(framework_id, version))


# ----------------------------------------------------------------------------- suppression


def k_threshold() -> int:
    """The suppression threshold k (``Settings.k_anonymity``)."""
    return get_settings().k_anonymity


def suppress(frame: pd.DataFrame, k: int, values: Sequence[str]) -> pd.DataFrame:
    """Mark groups with ``n < k`` suppressed and blank their ``n`` and ``values``."""
    out = frame.copy()
    hidden = out["n"] < k
    out["suppressed"] = hidden.to_numpy(dtype=bool)
    out["n"] = out["n"].astype("Int64").mask(hidden)
    for name in values:
        out[name] = out[name].astype(float).mask(hidden)
    return out


def suppressed_label(k: int, lang: str = "zh") -> str:
    """How a suppressed figure is written: "少于5家" / "<5"."""
    return f"少于{k}家" if lang == "zh" else f"<{k}"


# ----------------------------------------------------------------------------- figures


def available_years(session: Session, actor: User) -> list[int]:
    """Years with any assessment in the actor's jurisdiction, newest first."""
    where = jurisdiction_of(actor)
    query = select(col(DashboardCell.year)).where(
        col(DashboardCell.grain) == where.grain,
        col(DashboardCell.metric) == ASSESSED,
        code_range(col(DashboardCell.region_code), where.code) if where.code else true(),
    )
    years = session.execute(query.distinct()).scalars().all()
    return sorted((int(y) for y in years), reverse=True)


def registered(
    session: Session, actor: User, filters: Filters, *, by_subregion: bool = False
) -> pd.DataFrame:
    """Registered enterprises in scope matching the filters (the coverage denominator)."""
    where = jurisdiction_of(actor)
    code = col(Enterprise.region_code)
    conditions = _enterprise_conditions(actor, filters)
    if by_subregion:
        group = (
            func.substr(code, 1, 2).op("||")("0000")
            if where.code is None
            else (func.substr(code, 1, 4).op("||")("00") if where.level == "province" else code)
        )
        rows = session.execute(
            select(group.label("subregion"), func.count()).where(*conditions).group_by(group)
        ).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["subregion", "n"])
    query = select(func.count()).select_from(Enterprise).where(*conditions)
    total = session.execute(query).scalar_one()
    return pd.DataFrame({"n": [int(total)]})


def _enterprise_conditions(actor: User, filters: Filters) -> list[Any]:
    columns = (Enterprise.region_code, Enterprise.industry_code, Enterprise.size_class)
    filtered = _filtered(
        filters, *columns, Enterprise.above_designated_size, Enterprise.production_type
    )
    return [scope_condition(actor), *filtered]


def certified(session: Session, actor: User, filters: Filters, *, today: date) -> dict[str, int]:
    """Registered enterprises in scope holding a current certified result, per kind."""
    counts = {}
    for key, kind in CERTIFIED_KINDS.items():
        query = (
            select(func.count(func.distinct(col(CertifiedResult.enterprise_id))))
            .join(Enterprise, col(Enterprise.id) == col(CertifiedResult.enterprise_id))
            .where(
                col(CertifiedResult.kind) == kind,
                current_condition(today),
                *_enterprise_conditions(actor, filters),
            )
        )
        counts[key] = int(session.execute(query).scalar_one())
    return counts


def median_from_bins(bins: pd.DataFrame) -> float | None:
    """The median of values binned by ``bucket`` (width :data:`COMPOSITE_BIN`), interpolated."""
    if bins.empty or int(bins["n"].sum()) == 0:
        return None
    ordered = bins.groupby("bucket")["n"].sum().sort_index()
    half = ordered.sum() / 2
    before = 0.0
    for bucket, count in ordered.items():
        if before + count >= half:
            low = float(bucket) * COMPOSITE_BIN  # type: ignore[arg-type]
            return float(min(100.0, low + COMPOSITE_BIN * (half - before) / count))
        before += count
    return None  # pragma: no cover - the loop always returns


def _year_kpis(
    session: Session, actor: User, filters: Filters, frameworks: dict[str, Framework], k: int
) -> dict[str, tuple[float | None, int | None]]:
    """Values (and n) of the headline figures for ``filters.year``; suppressed → None."""
    out: dict[str, tuple[float | None, int | None]] = {}
    status = cell_sums(session, actor, filters, metric=ASSESSED, by=("status",), statuses=None)
    by_status = dict(zip(status["status"], status["n"], strict=True))
    reg = int(registered(session, actor, filters)["n"].iloc[0])
    counts = {
        "registered": reg,
        "assessed": sum(by_status.values()),
        "submitted": by_status.get(Status.SUBMITTED.value, 0)
        + by_status.get(Status.RESUBMITTED.value, 0),
        "verified": by_status.get(Status.VERIFIED.value, 0),
    }
    for key, value in counts.items():
        out[key] = (None, None) if value < k and value > 0 else (float(value), value)
    results = status[status["status"].isin(RESULT_STATUSES)]
    with_results, scored = int(results["n"].sum()), int(results["scored"].sum())
    ok = with_results >= k and reg >= k
    out["coverage"] = (100.0 * with_results / reg if ok and reg else None, reg if ok else None)
    if scored >= k:
        out["mean_index"] = (float(results["total"].sum()) / scored, scored)
        bins = cell_sums(session, actor, filters, metric=COMPOSITE, by=("bucket",))
        out["median_index"] = (median_from_bins(bins), scored)
    else:
        out["mean_index"] = out["median_index"] = (None, None)
    cdo = frameworks.get(CDO_FRAMEWORK)
    if cdo is not None:
        levels = cell_sums(
            session, actor, filters, metric=LEVEL, by=("bucket",), framework_id=CDO_FRAMEWORK
        )
        lowest = min(level.value for level in cdo.result_levels)
        rated = levels[levels["bucket"] >= lowest]
        total = int(rated["n"].sum())
        adopted = int(rated.loc[rated["bucket"] > lowest, "n"].sum())
        out["cdo_adoption"] = (100.0 * adopted / total, total) if total >= k else (None, None)
    certs = certified(session, actor, filters, today=date.today())
    for key, count in certs.items():
        ok = reg >= k and (count == 0 or count >= k)
        out[f"{key}_certified"] = (100.0 * count / reg if ok else None, reg if ok else None)
    return out


KPI_LABELS: dict[str, tuple[str, str, str]] = {
    "registered": ("登记企业", "Registered enterprises", "count"),
    "assessed": ("开展评估企业", "Enterprises assessing", "count"),
    "submitted": ("已提交待审核", "Submitted, awaiting review", "count"),
    "verified": ("已审核通过", "Verified", "count"),
    "coverage": ("评估覆盖率", "Coverage of the registry", "percent"),
    "mean_index": ("融合指数均值", "Ronghe Index, mean", "index"),
    "median_index": ("融合指数中位数", "Ronghe Index, median", "index"),
    "cdo_adoption": ("首席数据官制度建立率", "CDO adoption", "percent"),
    "dcmm_certified": ("DCMM贯标认证占比", "DCMM-certified share", "percent"),
    "gbt23001_certified": (
        "两化融合管理体系贯标占比",
        "贯标 (GB/T 23001) certified share",
        "percent",
    ),
}


def kpis(
    session: Session, actor: User, filters: Filters, frameworks: dict[str, Framework]
) -> tuple[Kpi, ...]:
    """The headline figures with last year's values."""
    k = k_threshold()
    now = _year_kpis(session, actor, filters, frameworks, k)
    before = _year_kpis(session, actor, replace(filters, year=filters.year - 1), frameworks, k)
    return tuple(
        Kpi(key, zh, en, unit, now[key][0], before.get(key, (None, None))[0], now[key][1])
        for key, (zh, en, unit) in KPI_LABELS.items()
        if key in now
    )


def level_distribution(
    session: Session, actor: User, filters: Filters, frameworks: dict[str, Framework]
) -> Chart:
    """Enterprises per framework and level, with each level's share and the share at or above it."""
    k = k_threshold()
    frame = cell_sums(session, actor, filters, metric=LEVEL, by=("framework_id", "bucket"))
    frame = frame[frame["framework_id"].isin(list(frameworks))]
    parts = []
    for _framework_id, rows in frame.groupby("framework_id", sort=False):
        total = int(rows["n"].sum())
        rows = rows.sort_values("bucket")
        at_or_above = rows["n"][::-1].cumsum()[::-1]
        parts.append(
            rows.assign(
                share=100.0 * rows["n"] / total,
                at_or_above=at_or_above,
                share_at_or_above=100.0 * at_or_above / total,
                framework_total=total,
            )
        )
    columns = ["framework_id", "bucket", "n", "share", "at_or_above", "share_at_or_above"]
    if not parts:
        data = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    else:
        data = pd.concat(parts, ignore_index=True)
    data = data.rename(columns={"bucket": "level"})
    data = suppress(data, k, ["share"])
    hide_cum = data["at_or_above"] < k
    data["share_at_or_above"] = data["share_at_or_above"].astype(float).mask(hide_cum)
    data["at_or_above"] = data["at_or_above"].astype("Int64").mask(hide_cum)
    totals = data.get("framework_total", pd.Series(dtype=float))
    largest = int(totals.max()) if len(totals) and int(totals.max()) >= k else 0
    data = data.drop(columns=["framework_total"], errors="ignore")
    return Chart(
        "levels",
        "各体系等级分布",
        "Level distribution per framework",
        "企业占比（%）",
        "share of enterprises (%)",
        data,
        k,
        n_enterprises=largest,
    )


def _index_chart(
    session: Session,
    actor: User,
    filters: Filters,
    by: Sequence[str],
    key: str,
    titles: tuple[str, str],
    years: Sequence[int] | None = None,
) -> Chart:
    k = k_threshold()
    frame = cell_sums(session, actor, filters, metric=ASSESSED, by=by, years=years)
    frame = frame.assign(
        mean_index=np.where(
            frame["scored"] > 0, frame["total"] / frame["scored"].clip(lower=1), np.nan
        )
    )
    frame["n"] = frame["scored"]
    data = suppress(frame.drop(columns=["scored", "total"]), k, ["mean_index"])
    return Chart(key, titles[0], titles[1], "融合指数（0–100）", "Ronghe Index (0–100)", data, k)


def subregion_ranking(session: Session, actor: User, filters: Filters) -> Chart:
    """Sub-regions by mean Ronghe Index (lowest first), with coverage of the registry."""
    chart = _index_chart(
        session,
        actor,
        filters,
        ("subregion",),
        "ranking",
        ("下级区域排名（融合指数均值）", "Sub-region ranking (mean Ronghe Index)"),
    )
    reg = registered(session, actor, filters, by_subregion=True).rename(columns={"n": "registered"})
    data = chart.frame.merge(reg, on="subregion", how="left")
    data["coverage"] = 100.0 * data["n"].astype(float) / data["registered"].astype(float)
    data.loc[data["suppressed"] | (data["registered"] < chart.k), "coverage"] = np.nan
    data["registered"] = data["registered"].astype("Int64").mask(data["registered"] < chart.k)
    data = data.sort_values("mean_index", na_position="last").reset_index(drop=True)
    return replace(chart, frame=data)


def industry_region_heatmap(session: Session, actor: User, filters: Filters) -> Chart:
    """Mean Ronghe Index per industry division and sub-region."""
    return _index_chart(
        session,
        actor,
        filters,
        ("industry", "subregion"),
        "heatmap",
        ("行业 × 下级区域（融合指数均值）", "Industry × sub-region (mean Ronghe Index)"),
    )


def size_comparison(session: Session, actor: User, filters: Filters) -> Chart:
    """Mean Ronghe Index per size class."""
    return _index_chart(
        session,
        actor,
        filters,
        ("size_class",),
        "sizes",
        ("企业规模对比（融合指数均值）", "Size classes (mean Ronghe Index)"),
    )


def trend(session: Session, actor: User, filters: Filters, years: Sequence[int]) -> Chart:
    """Mean Ronghe Index and enterprises with results per year (n: the selected year's)."""
    chart = _index_chart(
        session,
        actor,
        filters,
        ("year",),
        "trend",
        ("历年趋势（融合指数均值）", "Trend over years (mean Ronghe Index)"),
        years=years,
    )
    this_year = chart.frame[(chart.frame["year"] == filters.year) & ~chart.frame["suppressed"]]
    return replace(chart, n_enterprises=int(this_year["n"].sum()) if len(this_year) else 0)


def work_point_names() -> dict[str, tuple[str, str]]:
    """``wp6`` → (zh, en) short names of the 2025 work-points measures."""
    return {key: (name.zh, name.en) for key, name in work_points().items()}


def weakest_indicators(
    session: Session,
    actor: User,
    filters: Filters,
    frameworks: dict[str, Framework],
    *,
    framework_id: str | None = None,
    per_group: int = WEAKEST_PER_INDUSTRY,
) -> Chart:
    """The lowest-scoring indicators (of one framework, or all) across the jurisdiction
    (``industry`` "all") and in each industry, each with the 2025 work-points measures it serves
    (from the framework data)."""
    k = k_threshold()
    overall = indicator_sums(session, actor, filters, framework_id=framework_id)
    overall["industry"] = ALL
    split = indicator_sums(session, actor, filters, by=("industry",), framework_id=framework_id)
    frame = pd.concat([overall, split], ignore_index=True)
    frame = frame.assign(mean_score=100.0 * frame["total"] / frame["n"].clip(lower=1))
    data = suppress(frame.drop(columns=["scored", "total"]), k, ["mean_score"])
    data = _with_indicator_info(data[~data["suppressed"]], frameworks)
    overall_n = data.loc[data["industry"] == ALL, "n"]
    data = (
        data.sort_values(["industry", "mean_score"])
        .groupby("industry", sort=False)
        .head(per_group)
        .reset_index(drop=True)
    )
    return Chart(
        "weakest",
        "最薄弱的指标（按行业）",
        "Weakest indicators (by industry)",
        "指标平均得分（满分100）",
        "mean indicator score (out of 100)",
        data,
        k,
        n_enterprises=int(overall_n.max()) if len(overall_n) else 0,
    )


def _with_indicator_info(frame: pd.DataFrame, frameworks: dict[str, Framework]) -> pd.DataFrame:
    info = {
        (fid, ind.id): (ind.name.zh, ind.name.en, ",".join(ind.work_points))
        for fid, fw in frameworks.items()
        for ind in fw.indicators
    }
    keys = list(zip(frame["framework_id"], frame["item"], strict=True))
    out = frame.copy()
    out["indicator_zh"] = [info.get(key, (key[1], key[1], ""))[0] for key in keys]
    out["indicator_en"] = [info.get(key, (key[1], key[1], ""))[1] for key in keys]
    out["work_points"] = [info.get(key, ("", "", ""))[2] for key in keys]
    return out.rename(columns={"item": "indicator_id"})


def priority(
    session: Session,
    actor: User,
    filters: Filters,
    frameworks: dict[str, Framework],
    ranking: Chart,
    heatmap: Chart,
) -> Priority:
    """The lowest shown sub-region, its lowest shown industry, and their weakest indicator in
    each framework (of the sub-region and industry when that group is large enough, else of the
    sub-region), weakest first. A county bureau has no sub-regions to compare: its priority is
    its own county (``whole``), its lowest industry and weakest indicators."""
    shown = ranking.frame[~ranking.frame["suppressed"]].dropna(subset=["mean_index"])
    whole = len(subregions(actor)) < 2
    if shown.empty or (filters.subregion is not None and len(shown) < 2 and not whole):
        return Priority(None, None, None, None, pd.DataFrame())
    worst = shown.iloc[0]
    cells = heatmap.frame
    inside = cells[(cells["subregion"] == worst["subregion"]) & ~cells["suppressed"]]
    inside = inside.dropna(subset=["mean_index"]).sort_values("mean_index")
    industry = None if inside.empty else str(inside.iloc[0]["industry"])
    narrowed = replace(filters, subregion=str(worst["subregion"]))
    indicators = pd.DataFrame()
    for candidate in ([industry] if industry else []) + [None]:
        chart = weakest_indicators(
            session,
            actor,
            replace(narrowed, industry=candidate or filters.industry),
            frameworks,
            per_group=10_000,
        )
        indicators = chart.frame[chart.frame["industry"] == ALL]
        indicators = indicators.groupby("framework_id", sort=False).head(1)
        if not indicators.empty:
            break
    return Priority(
        str(worst["subregion"]),
        float(worst["mean_index"]),
        industry,
        None if inside.empty else float(inside.iloc[0]["mean_index"]),
        indicators.reset_index(drop=True),
        whole,
    )


def dashboard(
    session: Session,
    actor: User,
    filters: Filters,
    frameworks: dict[str, Framework],
    *,
    weakest_framework: str | None = None,
) -> Dashboard:
    """Every figure of the regional dashboard for ``actor`` (bureau or admin) and ``filters``;
    the weakest-indicator chart covers ``weakest_framework`` (None: all frameworks)."""
    where = jurisdiction_of(actor)
    _check_subregion(actor, filters)
    years = sorted(available_years(session, actor))
    ranking = subregion_ranking(session, actor, filters)
    heatmap = industry_region_heatmap(session, actor, filters)
    charts = {
        "levels": level_distribution(session, actor, filters, frameworks),
        "ranking": ranking,
        "heatmap": heatmap,
        "sizes": size_comparison(session, actor, filters),
        "trend": trend(session, actor, filters, years or [filters.year]),
        "weakest": weakest_indicators(
            session, actor, filters, frameworks, framework_id=weakest_framework
        ),
    }
    return Dashboard(
        jurisdiction=where,
        filters=filters,
        k=k_threshold(),
        kpis=kpis(session, actor, filters, frameworks),
        charts=charts,
        priority=priority(session, actor, filters, frameworks, ranking, heatmap),
    )


__all__ = [
    "INDEX_NAME",
    "INDEX_NOTE",
    "Chart",
    "Dashboard",
    "Filters",
    "Jurisdiction",
    "Kpi",
    "Priority",
    "available_years",
    "dashboard",
    "jurisdiction_of",
    "k_threshold",
    "kpis",
    "level_distribution",
    "median_from_bins",
    "registered",
    "subregion_ranking",
    "subregions",
    "suppress",
    "suppressed_label",
    "weakest_indicators",
    "work_point_names",
]
