"""The dashboard summary table (``dashboard_cell``): counts and sums of results per group of
enterprises, so dashboards aggregate a compact table in the database instead of result rows.

A cell's key is (grain, year, metric, framework, item, bucket, region, industry, size class,
above-designated-size, production type, status); its figures are ``n`` (enterprises),
``scored`` (of them, with a value) and ``total`` (sum of the value). Each enterprise counts once
per year, by its newest assessment of that year. Three grains are kept, one per level of
dashboard: ``n`` with the region truncated to the province (``XX0000``, read by the national
dashboard), ``p`` truncated to the prefecture (``XXYY00``, province bureaus) and ``c`` with the
enterprise's own code (county; prefecture and county bureaus). A dashboard thus reads only the
cells of its own sub-regions, a range of the key.

Metrics:

* ``assessed``: every newest assessment, any status; ``scored``/``total``: composite index;
* ``composite``: the composite index in 5-point bins (``bucket`` 0–20), for medians;
* ``level``: per framework, the awarded level (``bucket``; -1 none), ``total`` = Σ score_100;
* ``indicator``: per framework and indicator (``item``), answered count and Σ score (0–1).

The table is kept current by :func:`refresh_summary` (submit, review, new drafts) for the groups a
change touches, and rebuilt by :func:`rebuild_summary` (bulk load, rescore, ``init-db``); the
rebuilt table always equals a recomputation from scratch (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Float,
    Integer,
    and_,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
)
from sqlmodel import Session, col

from assessment import columns as C
from assessment.models import (
    Answer,
    Assessment,
    CompositeResult,
    DashboardCell,
    Enterprise,
    FrameworkResult,
    Status,
)
from assessment.repo.access import code_range

GRAINS = {"n": 2, "p": 4, "c": 6}  # region digits kept by each grain
COMPOSITE_BIN = 5  # width of the composite index bins (points)
ASSESSED, COMPOSITE, LEVEL, INDICATOR = "assessed", "composite", "level", "indicator"
KEY_COLUMNS = (
    "year",
    "region_code",
    "industry_code",
    "size_class",
    "above_size",
    "production_type",
)
CELL_COLUMNS = (
    "grain",
    *KEY_COLUMNS,
    "status",
    "metric",
    "framework_id",
    "item",
    "bucket",
    "n",
    "scored",
    "total",
)
Executor = Session | Connection
Key = tuple[Any, ...]


def _region(grain: str) -> Any:
    code = col(Enterprise.region_code)
    if GRAINS[grain] == 6:
        return code
    padding = "0" * (6 - GRAINS[grain])
    return func.substr(code, 1, GRAINS[grain]).op("||")(padding)


def _key_columns(grain: str) -> list[Any]:
    return [
        col(Assessment.year),
        _region(grain),
        col(Enterprise.industry_code),
        func.coalesce(col(Enterprise.size_class), ""),
        col(Enterprise.above_designated_size),
        col(Enterprise.production_type),
    ]


def _newest(keys: Sequence[Key] | None = None) -> Any:
    """Ids of each enterprise's newest assessment per year (of the enterprises and years that
    ``keys`` can touch, when given, so a refresh reads only its own region ranges)."""
    query = select(func.max(col(Assessment.id)).label("id"))
    if keys:
        inside = select(col(Enterprise.id)).where(_region_ranges(keys))
        query = query.where(
            col(Assessment.year).in_(sorted({k[0] for k in keys})),
            col(Assessment.enterprise_id).in_(inside),
        )
    return query.group_by(col(Assessment.enterprise_id), col(Assessment.year)).subquery()


def _region_ranges(keys: Sequence[Key]) -> Any:
    """Enterprises whose code lies in one of the keys' regions (an index range each)."""
    regions = sorted({str(k[1]) for k in keys})
    return or_(*(code_range(col(Enterprise.region_code), r) for r in regions))


def _restrict(query: Any, grain: str, keys: Sequence[Key] | None) -> Any:
    if keys is None:
        return query
    if not keys:
        return query.where(false())
    return query.where(_region_ranges(keys), tuple_(*_key_columns(grain)).in_(keys))


def _floor_bin(executor: Executor, value: Any) -> Any:
    """``floor(value / COMPOSITE_BIN)`` as an integer on either backend (values are ≥ 0)."""
    divided = cast(value, Float) / COMPOSITE_BIN
    if _dialect(executor) == "postgresql":
        return cast(func.floor(divided), Integer)
    return cast(divided, Integer)  # SQLite truncates, which is floor for values ≥ 0


def _dialect(executor: Executor) -> str:
    bind = executor.get_bind() if isinstance(executor, Session) else executor
    return str(bind.dialect.name)


def _sql_cells(executor: Executor, grain: str, keys: Sequence[Key] | None) -> list[Any]:
    """INSERT … SELECT statements for the SQL-computed metrics of ``grain``."""
    newest = _newest(keys)
    keys_sql = _key_columns(grain)
    base = [literal(grain), *keys_sql, col(Assessment.status)]

    def frame(*extra: Any) -> Any:
        query = (
            select(*base, *extra)
            .select_from(Assessment)
            .join(newest, newest.c.id == col(Assessment.id))
            .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        )
        return query

    composite = col(CompositeResult.composite)
    assessed = (
        frame(
            literal(ASSESSED),
            literal(""),
            literal(""),
            literal(0),
            func.count(),
            func.count(composite),
            func.coalesce(func.sum(composite), 0.0),
        )
        .outerjoin(CompositeResult, col(CompositeResult.assessment_id) == col(Assessment.id))
        .group_by(*keys_sql, col(Assessment.status))
    )
    bucket = _floor_bin(executor, composite)
    binned = (
        frame(
            literal(COMPOSITE),
            literal(""),
            literal(""),
            bucket,
            func.count(),
            func.count(),
            func.sum(composite),
        )
        .join(CompositeResult, col(CompositeResult.assessment_id) == col(Assessment.id))
        .where(composite.is_not(None))
        .group_by(*keys_sql, col(Assessment.status), bucket)
    )
    level = func.coalesce(col(FrameworkResult.level), -1)
    score = col(FrameworkResult.score_100)
    levels = (
        frame(
            literal(LEVEL),
            col(FrameworkResult.framework_id),
            literal(""),
            level,
            func.count(),
            func.count(score),
            func.coalesce(func.sum(score), 0.0),
        )
        .join(FrameworkResult, col(FrameworkResult.assessment_id) == col(Assessment.id))
        .group_by(*keys_sql, col(Assessment.status), col(FrameworkResult.framework_id), level)
    )
    table = DashboardCell.__table__  # type: ignore[attr-defined]
    return [
        insert(table).from_select(list(CELL_COLUMNS), _restrict(query, grain, keys))
        for query in (assessed, binned, levels)
    ]


def _indicator_cells(executor: Executor, grain: str, keys: Sequence[Key] | None) -> pd.DataFrame:
    """Indicator metric cells, scored from the stored answers by the engine."""
    from assessment import scoring
    from indicators.loader import load_framework

    if executor.execute(select(col(Answer.assessment_id)).limit(1)).first() is None:
        return pd.DataFrame(columns=list(CELL_COLUMNS))
    newest = _newest(keys)
    query = (
        select(
            col(Assessment.id),
            *_key_columns(grain),
            col(Assessment.status),
            col(FrameworkResult.framework_id),
            col(FrameworkResult.framework_version),
            col(Assessment.paths),
        )
        .join(newest, newest.c.id == col(Assessment.id))
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .join(FrameworkResult, col(FrameworkResult.assessment_id) == col(Assessment.id))
    )
    plan = pd.DataFrame(
        [tuple(r) for r in executor.execute(_restrict(query, grain, keys)).all()],
        columns=["aid", *KEY_COLUMNS, "cell_status", "framework_id", "version", "paths"],
    )
    parts = []
    for (framework_id, version), rows in plan.groupby(["framework_id", "version"]):
        ids = rows["aid"].astype(int).tolist()
        answers = pd.DataFrame(
            [
                (str(a), i, t)
                for a, i, t in executor.execute(
                    select(col(Answer.assessment_id), col(Answer.indicator_id), col(Answer.answer))
                    .where(col(Answer.framework_id) == framework_id)
                    .where(col(Answer.assessment_id).in_(ids))
                ).all()
            ],
            columns=[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER],
        )
        if answers.empty:
            continue
        framework = load_framework(str(framework_id), str(version))
        known = {i.id for d in framework.dimensions for i in d.indicators}
        answers = answers[answers[C.INDICATOR_ID].isin(known)]
        paths = pd.Series(
            {
                str(a): p.get(str(framework_id))
                for a, p in zip(rows["aid"], rows["paths"], strict=True)
            }
        ).dropna()
        scored = scoring.score(
            answers,
            framework,
            paths=paths if framework.paths else None,
            assessment_ids=[str(a) for a in ids],
        ).indicator_scores
        scored = scored[scored[C.SCORE].notna()]
        scored = scored[[C.ASSESSMENT_ID, C.INDICATOR_ID, C.SCORE]].merge(
            rows.assign(**{C.ASSESSMENT_ID: rows["aid"].astype(str)}), on=C.ASSESSMENT_ID
        )
        grouped = (
            scored.groupby([*KEY_COLUMNS, "cell_status", C.INDICATOR_ID])[C.SCORE]
            .agg(["count", "sum"])
            .reset_index()
        )
        parts.append(
            grouped.assign(
                grain=grain,
                status=grouped["cell_status"],
                metric=INDICATOR,
                framework_id=str(framework_id),
                item=grouped[C.INDICATOR_ID],
                bucket=0,
                n=grouped["count"],
                scored=grouped["count"],
                total=grouped["sum"],
            )[list(CELL_COLUMNS)]
        )
    if not parts:
        return pd.DataFrame(columns=list(CELL_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def _write_cells(executor: Executor, grain: str, keys: Sequence[Key] | None) -> None:
    for statement in _sql_cells(executor, grain, keys):
        executor.execute(statement)
    indicators = _indicator_cells(executor, grain, keys)
    if not indicators.empty:
        records: list[dict[str, Any]] = [
            {str(k): v for k, v in r.items()} for r in indicators.astype(object).to_dict("records")
        ]
        for record in records:
            record["above_size"] = bool(record["above_size"])
            for name in ("year", "bucket", "n", "scored"):
                record[name] = int(record[name])
            record["total"] = float(record["total"])
        table = DashboardCell.__table__  # type: ignore[attr-defined]
        executor.execute(insert(table), records)


def rebuild_summary(executor: Executor) -> int:
    """Recompute the whole summary table from the results (not committed); returns its rows."""
    executor.execute(delete(DashboardCell))
    for grain in GRAINS:
        _write_cells(executor, grain, None)
    return int(executor.execute(select(func.count()).select_from(DashboardCell)).scalar_one())


def summary_keys(executor: Executor, assessment_ids: Iterable[int]) -> dict[str, list[Key]]:
    """The group keys (per grain) that the given assessments' enterprise-years belong to."""
    ids = sorted(set(assessment_ids))
    keys: dict[str, list[Key]] = {}
    for grain in GRAINS:
        rows = executor.execute(
            select(*_key_columns(grain))
            .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
            .where(col(Assessment.id).in_(ids))
            .distinct()
        ).all()
        keys[grain] = [tuple(r) for r in rows]
    return keys


def refresh_summary(
    executor: Executor,
    *,
    assessment_ids: Iterable[int] = (),
    keys: dict[str, list[Key]] | None = None,
) -> None:
    """Recompute the cells of the groups the given assessments belong to (plus ``keys``, e.g.
    an enterprise's groups before its profile changed). Not committed."""
    wanted = summary_keys(executor, assessment_ids)
    for grain, extra in (keys or {}).items():
        wanted[grain] = sorted(set(wanted.get(grain, [])) | set(extra))
    for grain, grain_keys in wanted.items():
        if not grain_keys:
            continue
        executor.execute(
            delete(DashboardCell).where(
                and_(
                    col(DashboardCell.grain) == grain,
                    tuple_(*(getattr(DashboardCell, k) for k in KEY_COLUMNS)).in_(grain_keys),
                )
            )
        )
        _write_cells(executor, grain, grain_keys)


def summary_frame(executor: Executor) -> pd.DataFrame:
    """The whole summary table as a frame sorted by its key (for checks and tests)."""
    rows = executor.execute(select(*(getattr(DashboardCell, c) for c in CELL_COLUMNS))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(CELL_COLUMNS))
    frame["above_size"] = frame["above_size"].astype(bool)
    frame["total"] = frame["total"].astype(float).round(6)
    keys = [c for c in CELL_COLUMNS if c not in ("n", "scored", "total")]
    return frame.sort_values(keys).reset_index(drop=True)


__all__ = [
    "ASSESSED",
    "COMPOSITE",
    "COMPOSITE_BIN",
    "GRAINS",
    "INDICATOR",
    "LEVEL",
    "rebuild_summary",
    "refresh_summary",
    "summary_frame",
    "summary_keys",
]
_ = Status  # statuses are stored as they are; the dashboard chooses which to count
