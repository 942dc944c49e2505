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
* ``indicator``: per framework version (``item`` holds the version), ``n`` assessments and in
  ``items`` the answered count and Σ score (0–1) of each indicator, as two packed vectors
  (:func:`packed_items`). One row per group and framework rather than per indicator keeps the
  table about thirty times smaller than the answers, so a bulk load is not dominated by it.

The table is kept current by :func:`refresh_summary` (submit, review, new drafts) for the groups a
change touches, and rebuilt by :func:`rebuild_summary` (bulk load, rescore, ``init-db``); the
rebuilt table always equals a recomputation from scratch (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
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
    text,
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
from assessment.repo.bulk import bulk_insert, constraints_added_at_end

if TYPE_CHECKING:
    from indicators.schema import Framework

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
    "items",
)
SQL_COLUMNS = CELL_COLUMNS[:-1]  # the metrics computed in SQL have no ``items``
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


def _connection(executor: Executor) -> Connection:
    return executor.connection() if isinstance(executor, Session) else executor


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
        insert(table).from_select(list(SQL_COLUMNS), _restrict(query, grain, keys))
        for query in (assessed, binned, levels)
    ]


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
REBUILD_WORK_MEM = "256MB"
READ_IDS = 30_000  # assessment ids per query (SQLite allows 32,766 variables in older builds)


@dataclass
class KnownScores:
    """Indicator scores a bulk load has just computed, so the summary is built without reading
    its answers back: per framework version, database assessment ids and their (assessments ×
    indicators) values (:func:`assessment.scoring.indicator_values`, indicators in file order)."""

    parts: dict[tuple[str, str], list[tuple[IntArray, FloatArray]]] = field(default_factory=dict)

    def add(self, framework_id: str, version: str, ids: Sequence[int], values: FloatArray) -> None:
        part = (np.asarray(ids, dtype=np.int64), values)
        self.parts.setdefault((framework_id, version), []).append(part)

    def lookup(
        self, framework_id: str, version: str, ids: IntArray, width: int
    ) -> tuple[npt.NDArray[np.bool_], FloatArray]:
        """Which of ``ids`` it holds, and their values (NaN rows for the others)."""
        found = np.zeros(len(ids), dtype=bool)
        out = np.full((len(ids), width), np.nan)
        place = pd.Index(ids)
        for part_ids, values in self.parts.get((framework_id, version), []):
            positions = place.get_indexer(pd.Index(part_ids))
            kept = positions >= 0
            out[positions[kept]] = values[kept]
            found[positions[kept]] = True
        return found, out


def indicator_order(framework: Framework) -> tuple[str, ...]:
    """The indicators of a framework version in file order: the order of the engine's matrix
    columns and of the ``items`` vectors."""
    return tuple(i.id for i in framework.indicators)


def _with_results(query: Any, keys: Sequence[Key] | None) -> Any:
    """``query`` over the newest assessments that have a framework result."""
    newest = _newest(keys)
    return (
        query.join(newest, newest.c.id == col(Assessment.id))
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .join(FrameworkResult, col(FrameworkResult.assessment_id) == col(Assessment.id))
    )


def _result_versions(
    executor: Executor, grain: str, keys: Sequence[Key] | None
) -> list[tuple[str, str]]:
    """The (framework id, version) pairs of the newest assessments' results."""
    pair = col(FrameworkResult.framework_id), col(FrameworkResult.framework_version)
    query = _with_results(select(*pair).select_from(Assessment), keys).distinct()
    return sorted((str(f), str(v)) for f, v in executor.execute(_restrict(query, grain, keys)))


def _indicator_plan(
    executor: Executor, grain: str, keys: Sequence[Key] | None, framework_id: str, version: str
) -> pd.DataFrame:
    """The newest assessments with a result of one framework version, with their own region
    (read one version at a time: a national rebuild holds one framework's rows at once)."""
    query = _with_results(
        select(col(Assessment.id), *_key_columns("c"), col(Assessment.status)), keys
    ).where(
        col(FrameworkResult.framework_id) == framework_id,
        col(FrameworkResult.framework_version) == version,
    )
    return pd.DataFrame(
        [tuple(r) for r in executor.execute(_restrict(query, grain, keys)).all()],
        columns=["aid", *KEY_COLUMNS, "cell_status"],
    ).assign(framework_id=framework_id, version=version)


def _scored_answers(
    executor: Executor, framework: Framework, rows: pd.DataFrame, width: int
) -> FloatArray:
    """Indicator values of ``rows``' assessments scored from their stored answers."""
    from assessment import scoring

    framework_id = framework.id
    known = set(indicator_order(framework))
    ids = rows["aid"].astype("int64").to_numpy()
    out = np.full((len(ids), width), np.nan)
    place = pd.Index(ids.astype(str))
    for start in range(0, len(ids), READ_IDS):
        part = ids[start : start + READ_IDS].tolist()
        found = executor.execute(
            select(col(Answer.assessment_id), col(Answer.indicator_id), col(Answer.answer))
            .where(col(Answer.framework_id) == framework_id)
            .where(col(Answer.assessment_id).in_(part))
        ).all()
        answers = pd.DataFrame(
            [(str(a), i, t) for a, i, t in found],
            columns=[C.ASSESSMENT_ID, C.INDICATOR_ID, C.ANSWER],
        )
        answers = answers[answers[C.INDICATOR_ID].isin(known)]
        paths = None
        if framework.paths:
            chosen = executor.execute(
                select(col(Assessment.id), col(Assessment.paths)).where(
                    col(Assessment.id).in_(part)
                )
            ).all()
            paths = pd.Series({str(a): p.get(framework_id) for a, p in chosen}).dropna()
        result = scoring.score(
            answers, framework, paths=paths, assessment_ids=[str(a) for a in part]
        )
        positions = place.get_indexer(pd.Index(result.matrix.assessment_ids.astype(str)))
        out[positions] = scoring.indicator_values(result.matrix, result.scores)
    return out


def _region_of(codes: pd.Series, grain: str) -> pd.Series:
    digits = GRAINS[grain]
    return codes.str.slice(0, digits) + "0" * (6 - digits)


def sum_by_group(
    keys: pd.DataFrame, matrix: npt.NDArray[Any], *, ordered: bool = False
) -> tuple[IntArray, IntArray, FloatArray]:
    """Rows of ``matrix`` summed per distinct row of ``keys`` (``keys`` without columns: one
    group): each group's first row in ``keys``, its size and its sums; groups in the order of
    their keys (``ordered``) or of their first rows."""
    if len(keys.columns):
        grouped = keys.groupby(list(keys.columns), sort=ordered, dropna=False)
        groups = grouped.ngroup().to_numpy()
    else:
        groups = np.zeros(len(keys), dtype=np.int64)
    order = np.argsort(groups, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0])
    sums: FloatArray = np.add.reduceat(matrix[order].astype(np.float64), starts, axis=0)
    return order[starts], np.diff(np.r_[starts, len(order)]), sums


def packed_items(counts: npt.NDArray[Any], totals: FloatArray) -> pa.Array:
    """Indicator cells' ``items``: per row of ``counts`` and ``totals`` (cells × indicators)
    the answered counts, then the score sums, per indicator of the framework version in file
    order (little-endian float64); one binary array over a single buffer."""
    both = np.ascontiguousarray(np.hstack([counts, totals]), dtype="<f8")
    width = both.shape[1] * both.itemsize
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(both), [None, pa.py_buffer(both)]
    )


def unpack_items(items: bytes) -> tuple[FloatArray, FloatArray]:
    """(answered counts, score sums) of an indicator cell's ``items``."""
    values = np.frombuffer(items, dtype="<f8")
    half = len(values) // 2
    return values[:half], values[half:]


def _aggregate(rows: pd.DataFrame, values: FloatArray, grains: Sequence[str]) -> Iterator[pa.Table]:
    """Indicator cells of each of ``grains`` for one framework version: per group of
    ``rows``, its assessments (``n``) and per indicator the answered count and score sum
    (``items``). The finest grain is summed from the rows, each coarser one from the cells
    of the grain before it (the sums add up; fewer rows to group)."""
    keys = rows[[*KEY_COLUMNS, "cell_status"]].reset_index(drop=True)
    keys["region_code"] = keys["region_code"].astype(str)
    answered = ~np.isnan(values)
    width = values.shape[1]
    # per row: one assessment, then which indicators it answered, then their scores
    sums = np.hstack([np.ones((len(keys), 1)), answered, np.where(answered, values, 0.0)])
    for grain in sorted(grains, key=GRAINS.__getitem__, reverse=True):
        keys = keys.assign(region_code=_region_of(keys["region_code"], grain))
        # cells in the order of the table's key (whose columns varying within a part are
        # these, in this order): SQLite appends them to its B-tree instead of splitting pages
        # all over (the summary of 40,000 assessments in 12 s, not 17 s)
        firsts, _, sums = sum_by_group(keys, sums, ordered=True)
        keys = keys.iloc[firsts].reset_index(drop=True)
        sizes = sums[:, 0].round().astype(np.int64)
        cells = pd.DataFrame(
            {
                "grain": grain,
                **{name: keys[name] for name in KEY_COLUMNS},
                "status": keys["cell_status"],
                "metric": INDICATOR,
                "framework_id": rows["framework_id"].iloc[0],
                "item": rows["version"].iloc[0],
                "bucket": 0,
                "n": sizes,
                "scored": sizes,
                "total": 0.0,
            }
        )
        items = packed_items(sums[:, 1 : 1 + width], sums[:, 1 + width :])
        yield pa.Table.from_pandas(cells, preserve_index=False).append_column("items", items)


def _indicator_cells(
    executor: Executor,
    grains: Sequence[str],
    keys: Sequence[Key] | None,
    known: KnownScores | None = None,
) -> Iterator[pa.Table]:
    """Indicator metric cells of ``grains`` (one per group and framework version), a part per
    framework version and grain so that memory holds one part at a time; each assessment is
    scored once (from ``known`` where it holds the assessment, else from its stored answers)."""
    from indicators.loader import load_framework

    for framework_id, version in _result_versions(executor, grains[0], keys):
        rows = _indicator_plan(executor, grains[0], keys, framework_id, version)
        framework = load_framework(framework_id, version)
        width = len(indicator_order(framework))
        ids: IntArray = rows["aid"].to_numpy(dtype=np.int64)
        found, values = (known or KnownScores()).lookup(framework_id, version, ids, width)
        missing = ~found
        if missing.any():
            values[missing] = _scored_answers(executor, framework, rows[missing], width)
        yield from _aggregate(rows, values, grains)


def _rolled_up(finer: str, grain: str) -> Any:
    """INSERT … SELECT of the SQL-computed metrics of ``grain`` summed from the cells of the
    ``finer`` grain (their counts and sums add up), instead of joining the results again."""
    cell = DashboardCell.__table__.c  # type: ignore[attr-defined]
    digits = GRAINS[grain]
    region = func.substr(cell.region_code, 1, digits).op("||")("0" * (6 - digits))
    group = [
        *(region if name == "region_code" else cell[name] for name in KEY_COLUMNS),
        cell.status,
        cell.metric,
        cell.framework_id,
        cell.item,
        cell.bucket,
    ]
    query = (
        select(
            literal(grain), *group, func.sum(cell.n), func.sum(cell.scored), func.sum(cell.total)
        )
        .where(cell.grain == finer, cell.metric.in_((ASSESSED, COMPOSITE, LEVEL)))
        .group_by(*group)
    )
    return insert(DashboardCell.__table__).from_select(list(SQL_COLUMNS), query)  # type: ignore[attr-defined]


def _write_cells(
    executor: Executor,
    grains: Sequence[str],
    keys: Sequence[Key] | None,
    known: KnownScores | None = None,
) -> None:
    finest_first = sorted(grains, key=GRAINS.__getitem__, reverse=True)
    for finer, grain in zip([None, *finest_first], finest_first, strict=False):
        if finer is not None and keys is None:  # a whole rebuild: the finer grain is complete
            if _dialect(executor) == "postgresql":
                # the cells were just written: without statistics the planner expects a few
                # rows and sorts a million of them instead of hashing (measured at 200,000
                # assessments: 10.9 s against 4.5 s for the prefectures)
                executor.execute(text(f"ANALYZE {DashboardCell.__tablename__}"))
            executor.execute(_rolled_up(finer, grain))
            continue
        for statement in _sql_cells(executor, grain, keys):
            executor.execute(statement)
    connection = _connection(executor)
    for cells in _indicator_cells(executor, grains, keys, known):
        bulk_insert(connection, DashboardCell.__table__, cells)  # type: ignore[attr-defined]


def rebuild_summary(executor: Executor, known: KnownScores | None = None) -> int:
    """Recompute the whole summary table from the results (not committed); returns its rows.
    ``known``: indicator scores a bulk load computed, used instead of re-reading its answers."""
    table = DashboardCell.__table__  # type: ignore[attr-defined]
    if _dialect(executor) == "postgresql":
        # the GROUP BYs of a whole rebuild have about a cell per result: hashed in memory
        # instead of sorted on disk (PostgreSQL's default work_mem is 4 MB); this transaction only
        executor.execute(text(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'"))
        executor.execute(text(f"TRUNCATE {table.name}"))  # locked until commit, as by the key
    else:
        executor.execute(delete(DashboardCell))
    # every cell is new: the key's index is built once at the end (PostgreSQL)
    with constraints_added_at_end(_connection(executor), [table.primary_key]):
        _write_cells(executor, list(GRAINS), None, known)
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
        _write_cells(executor, [grain], grain_keys)


def summary_frame(executor: Executor) -> pd.DataFrame:
    """The whole summary table as a frame sorted by its key (for checks and tests); ``items``
    unpacked to rounded tuples."""
    rows = executor.execute(select(*(getattr(DashboardCell, c) for c in CELL_COLUMNS))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(CELL_COLUMNS))
    frame["above_size"] = frame["above_size"].astype(bool)
    frame["total"] = frame["total"].astype(float).round(6)
    frame["items"] = pd.Series(
        [
            None if v is None else tuple(np.round(np.concatenate(unpack_items(v)), 6).tolist())
            for v in frame["items"]
        ],
        index=frame.index,
        dtype=object,
    )
    keys = [c for c in CELL_COLUMNS if c not in ("n", "scored", "total", "items")]
    return frame.sort_values(keys).reset_index(drop=True)


__all__ = [
    "ASSESSED",
    "COMPOSITE",
    "COMPOSITE_BIN",
    "GRAINS",
    "INDICATOR",
    "LEVEL",
    "KnownScores",
    "indicator_order",
    "packed_items",
    "rebuild_summary",
    "refresh_summary",
    "sum_by_group",
    "summary_frame",
    "summary_keys",
    "unpack_items",
]
_ = Status  # statuses are stored as they are; the dashboard chooses which to count
