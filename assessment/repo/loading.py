"""Bulk loading of a data set (``DemoData``: enterprises, assessments, answers) into an empty or
existing database, with results materialised by the vectorised engine.

Inserts are bulk (:mod:`assessment.repo.bulk`): multi-row ``INSERT``s on SQLite and binary ``COPY
... FROM STDIN`` (psycopg) on PostgreSQL; one transaction for the whole load.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import SQLModel, col

from assessment import columns as C
from assessment import identity, validation
from assessment.analytics.summary import KnownScores, rebuild_summary
from assessment.encoded import EncodedChunk, Known, encode_chunk
from assessment.models import (
    Answer,
    Assessment,
    AuditEvent,
    CompositeResult,
    Enterprise,
    FrameworkResult,
    Status,
    utcnow,
)
from assessment.repo.bulk import (
    CHUNK,
    bulk_insert,
    bulk_transaction,
    constraints_added_at_end,
)
from assessment.repo.errors import ValidationFailed
from assessment.repo.results import (
    FRAMEWORK_VERSION,
    composite_rows,
    compute_composite,
    compute_results,
    result_frame,
)
from assessment.streaming import answer_table, as_frame
from assessment.tabular import TableError
from assessment.validation import Sources

if TYPE_CHECKING:
    from assessment.demo import DemoData


@dataclass
class LoadReport:
    """Rows written per table and seconds per step."""

    enterprises: int = 0
    assessments: int = 0
    answers: int = 0
    results: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    answer_seconds: float = 0.0  # laying out and inserting answers (part of the writing step)

    def steps(self) -> str:
        """Seconds per step, named in both languages, and the answers' insert rate (for the
        command's closing line)."""
        steps = [
            f"{STEP_NAMES.get(step, step)} {seconds:.1f} s"
            for step, seconds in self.seconds.items()
        ]
        if rate := self.answer_rate():
            steps.append(f"答案写入 / answers inserted {rate:,.0f}/s")
        return ", ".join(steps)

    def answer_rate(self) -> float | None:
        """Answers per second of their inserts plus, on PostgreSQL, of building the keys and
        foreign keys added back after them (None before any answer)."""
        seconds = self.answer_seconds + self.seconds.get("keys", 0.0)
        return self.answers / seconds if self.answers and seconds > 0 else None


STEP_NAMES: Final = {
    "validate": "检查 / checks",
    "enterprises": "企业 / enterprises",
    "assessments+answers+results": "评估、答案与结果 / assessments, answers, results",
    "keys": "主键与外键 / keys and foreign keys",
    "summary": "看板汇总 / dashboard summary",
    "commit": "提交 / commit",
}


def _timed(report: LoadReport, step: str, started: float) -> float:
    now = time.perf_counter()
    report.seconds[step] = round(now - started, 3)
    return now


def load_dataset(
    engine: Engine,
    data: DemoData,
    *,
    actor_username: str = "system",
    score: bool = True,
    sources: Sources | None = None,
) -> LoadReport:
    """Load ``data`` in one transaction, or refuse it whole with :class:`InvalidDataset`.

    The data set is checked by the same functions as ``ronghe score`` and the import
    (:mod:`assessment.validation`; ``sources`` names the files in messages); credit codes and
    assessment ids already in the database are refused too.

    Assessments whose every framework is complete are stored as submitted (the latest year) or
    verified (earlier years), with their results; the others stay drafts.
    """
    sources = sources or Sources()
    try:
        validation.require_answers(data.answers, sources.answers)
    except TableError as exc:
        raise InvalidDataset(exc) from exc
    return load_chunks(
        engine,
        data.enterprises,
        data.assessments,
        lambda: iter([answer_table(data.answers)]),
        actor_username=actor_username,
        score=score,
        sources=sources,
    )


def load_chunks(
    engine: Engine,
    enterprises: pd.DataFrame,
    assessments_in: pd.DataFrame,
    answer_chunks: Callable[[], Iterator[pa.Table]],
    *,
    actor_username: str = "system",
    score: bool = True,
    sources: Sources | None = None,
    progress: Callable[[int, int], None] | None = None,
    step: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load a data set whose answers come in chunks of whole assessments (Arrow tables of
    text, each row's file position in ``_row``), all in one transaction: a bad row in the last
    chunk stores nothing. ``progress`` gets (assessments stored, in all) after each chunk,
    ``step`` the name of each long step after the last one (keys, summary, commit).

    Enterprises and assessments are checked whole first; each chunk is checked, scored and
    stored in turn (its assessments, answers and results), so memory is bounded by a chunk.
    A chunk is checked and encoded in one pass (``assessment.encoded``); when that finds a
    problem, the row-by-row checks name the row.
    """
    report = LoadReport()
    announce = step or (lambda _: None)
    started = time.perf_counter()
    sources = sources or Sources()
    try:
        checked, assessments_all, context = validation.validate_context(
            enterprises, assessments_in, sources
        )
    except TableError as exc:
        raise InvalidDataset(exc) from exc
    firms = _enterprise_frame(checked)
    latest = int(pd.to_numeric(assessments_all[C.YEAR]).max())
    started = _timed(report, "validate", started)
    stored: set[str] = set()
    known = KnownScores()  # the loaded assessments' indicator scores, for the summary
    checks = Known.of(context)
    try:
        with bulk_transaction(engine) as connection:
            postgres = connection.dialect.name == "postgresql"  # keys added back after chunks
            _refuse_known(connection, firms[C.USCC].tolist(), sources.enterprises)
            _refuse_known_ids(
                connection,
                assessments_all[C.ASSESSMENT_ID].astype(str).tolist(),
                sources.assessments,
            )
            bulk_insert(connection, _table(Enterprise), firms)
            enterprise_ids = _id_map(
                connection, Enterprise.uscc, Enterprise.id, firms[C.USCC].tolist()
            )
            started = _timed(report, "enterprises", started)
            with _constraints_checked_at_end(connection), _Writer() as writer:
                for table in answer_chunks():
                    answers = _checked(table, checks, sources)
                    positions = validation.context_of(context, answers.ids)["_row"].to_numpy()
                    mine = assessments_all.iloc[positions]
                    chunk = _prepare(answers, mine, firms, enterprise_ids, latest, score, known)
                    writer.submit(_write, connection, chunk, report, known)
                    stored.update(mine[C.ASSESSMENT_ID].astype(str))
                    if progress is not None:
                        progress(len(stored), len(assessments_all))
                writer.wait()
                rest = assessments_all[~assessments_all[C.ASSESSMENT_ID].astype(str).isin(stored)]
                drafts = _prepare(None, rest, firms, enterprise_ids, latest, False, None)
                _write(connection, drafts, report, None)  # assessments without answers
                started = _timed(report, "assessments+answers+results", started)
                if postgres:
                    announce(STEP_NAMES["keys"])  # built as this block ends
            if postgres:
                started = _timed(report, "keys", started)
            connection.execute(
                _table(AuditEvent).insert(),
                [
                    {
                        "at": utcnow(),
                        "actor_id": None,
                        "actor_username": actor_username,
                        "action": "data.load",
                        "object_type": "dataset",
                        "object_ids": [],
                        "detail": {
                            "enterprises": len(firms),
                            "assessments": report.assessments,
                            "answers": report.answers,
                        },
                    }
                ],
            )
            announce(STEP_NAMES["summary"])
            rebuild_summary(connection, known)  # the dashboards' summary (assessment.analytics)
            started = _timed(report, "summary", started)
            announce(STEP_NAMES["commit"])
        _timed(report, "commit", started)  # on SQLite with the foreign-key check
        report.enterprises = len(firms)
    except (IntegrityError, DataError) as exc:  # a concurrent load, or a check we lack
        reason = " ".join(str(exc.orig).split())[:200]
        raise ValidationFailed(
            f"数据库拒绝了这些数据，未保存任何内容：{reason}",
            f"The database refused the data; nothing was stored: {reason}",
        ) from exc
    return report


@dataclass(frozen=True)
class _Answers:
    """A chunk's answers, checked: encoded in one pass, or (``encoded`` None) row by row."""

    table: pa.Table
    encoded: EncodedChunk | None
    ids: pd.Index  # the chunk's assessment ids, stripped, in order of first appearance
    frame: pd.DataFrame | None = None  # the rows as the row-by-row checks read them

    def rows(self, ids: Mapping[str, int]) -> pa.Table:
        """The ``answer`` rows (texts as given; ``ids``: assessment id → database id)."""
        assessment: npt.NDArray[np.int64]
        if self.encoded is not None:
            database = np.array([ids[str(a)] for a in self.encoded.ids], dtype=np.int64)
            assessment = database[self.encoded.assessment]
        else:
            assert self.frame is not None  # kept when the rows were checked one by one
            stripped = self.frame[C.ASSESSMENT_ID].astype(str).str.strip()
            mapped = stripped.map(ids)
            if mapped.isna().any():
                raise ValidationFailed(
                    "部分答案引用了不存在的评估。", "Some answers refer to unknown assessments."
                )
            assessment = np.asarray(mapped.to_numpy(), dtype=np.int64)
        columns = (C.FRAMEWORK_ID, C.INDICATOR_ID, C.ANSWER)
        texts = [self.table.column(name) for name in columns]  # dictionaries kept for SQLite
        rows = pa.Table.from_arrays(
            [pa.array(assessment), *texts], names=["assessment_id", *columns]
        )
        return rows.take(_key_order(assessment, texts[0], texts[1]))


def _key_order(assessment: npt.NDArray[np.int64], *texts: pa.ChunkedArray) -> npt.NDArray[np.int64]:
    """The order of rows by the answer table's key (assessment, then the texts byte by byte,
    as both databases compare them): stored in that order, SQLite appends to its key's B-tree
    and PostgreSQL builds the key from presorted rows (a fifth faster). Sorted on one integer
    made of the values' ranks; by columns where that integer could overflow."""
    ranks = [_ranks(column) for column in texts]
    base = assessment - (assessment.min() if len(assessment) else 0)
    span = float(base.max(initial=0) + 1)
    for _, count in ranks:
        span *= count
    if span >= 2**62:
        return np.lexsort([rank for rank, _ in reversed(ranks)] + [assessment])
    key = base.astype(np.int64)
    for rank, count in ranks:
        key = key * count + rank
    return np.argsort(key, kind="stable")  # rows mostly in order already: a run merge


def _ranks(column: pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], int]:
    """Each value's rank among the column's distinct values in byte order, and their count
    (ranked once per distinct value, through a dictionary)."""
    coded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    coded = coded.unify_dictionaries()
    if coded.num_chunks == 0:
        return np.empty(0, dtype=np.int64), 1
    dictionary = coded.chunk(0).dictionary
    order = pc.sort_indices(dictionary).to_numpy()
    rank = np.empty(len(dictionary), dtype=np.int64)
    rank[order] = np.arange(len(dictionary))
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in coded.chunks])
    return rank[codes], max(1, len(dictionary))


def _checked(table: pa.Table, checks: Known, sources: Sources) -> _Answers:
    """A chunk checked in one pass, else row by row (InvalidDataset names the row)."""
    encoded = encode_chunk(table, checks)
    if encoded is not None:
        return _Answers(table, encoded, pd.Index(encoded.ids))
    frame = as_frame(table)
    assert checks.context is not None  # a load always has its assessments
    try:
        validation.validate_answers(frame, checks.context, sources)
    except TableError as exc:
        raise InvalidDataset(exc) from exc
    ids = pd.Index(frame[C.ASSESSMENT_ID].astype(str).str.strip().unique())
    return _Answers(table, None, ids, frame)


class _Writer:
    """A chunk's database writes run on a second thread while the main thread checks and
    scores the next chunk (the drivers release the GIL while the database works); one chunk
    at a time, in order, and a failed write stops the load."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="load-writer")
        self.pending: Future[None] | None = None

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        self.wait()
        self.pending = self.pool.submit(write, *args)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self.wait()
            elif self.pending is not None:  # finish before the transaction is rolled back
                futures.wait([self.pending])
        finally:
            self.pool.shutdown(wait=True)


@dataclass
class _Chunk:
    """One chunk scored and laid out as rows, ready to be written."""

    answers: _Answers | None
    assessments: pd.DataFrame  # ``assessment`` rows
    results: pd.DataFrame | None
    composite: pd.DataFrame | None
    crosswalk_version: str
    values: list[tuple[str, str, list[str], Any]]  # indicator scores kept for the summary


def _prepare(
    answers: _Answers | None,
    assessments_in: pd.DataFrame,
    firms: pd.DataFrame,
    enterprise_ids: Mapping[str, int],
    latest: int,
    score: bool,
    known: KnownScores | None,
) -> _Chunk:
    """Score (``score``) one chunk and lay out its assessment rows (no database work)."""
    plan = _plan(assessments_in, firms)
    values: list[tuple[str, str, list[str], Any]] = []
    keep = (lambda *part: values.append(part)) if known is not None else None
    results = None
    if score and answers is not None and not assessments_in.empty:
        if answers.encoded is not None:
            results = compute_results(None, plan.rows, keep, matrices=answers.encoded.matrices())
        else:
            results = compute_results(answers.frame, plan.rows, keep)
    composite, crosswalk_version = compute_composite(results) if results is not None else (None, "")
    assessments = _assessment_frame(assessments_in, plan, results, enterprise_ids, latest)
    return _Chunk(answers, assessments, results, composite, crosswalk_version, values)


def _write(
    connection: Connection, chunk: _Chunk, report: LoadReport, known: KnownScores | None
) -> None:
    """Store one chunk: its assessments, answers and results (and the indicator scores in
    ``known``)."""
    assessments = chunk.assessments
    if assessments.empty:
        return
    bulk_insert(connection, _table(Assessment), assessments, checked_later=True)
    ids = _id_map(
        connection, Assessment.external_id, Assessment.id, assessments["external_id"].tolist()
    )
    report.assessments += len(assessments)
    for framework_id, version, external, matrix in chunk.values:
        assert known is not None  # values are kept only for it
        known.add(framework_id, version, [ids[a] for a in external], matrix)
    if chunk.answers is None:
        return
    started = time.perf_counter()
    rows = chunk.answers.rows(ids)
    bulk_insert(connection, _table(Answer), rows, checked_later=True)
    report.answer_seconds += time.perf_counter() - started
    report.answers += rows.num_rows
    results, composite = chunk.results, chunk.composite
    if results is not None and composite is not None:
        scored = results[results[C.ASSESSMENT_ID].map(_statuses(assessments)) != "draft"]
        result = result_frame(scored, ids)
        bulk_insert(connection, _table(FrameworkResult), result, checked_later=True)
        kept = composite[composite[C.ASSESSMENT_ID].isin(set(scored[C.ASSESSMENT_ID]))]
        bulk_insert(
            connection,
            _table(CompositeResult),
            pd.DataFrame(composite_rows(kept, ids, chunk.crosswalk_version)),
            checked_later=True,
        )
        report.results += len(result)


_LOADED: Final = (Assessment, Answer, FrameworkResult, CompositeResult)


@contextlib.contextmanager
def _constraints_checked_at_end(connection: Connection) -> Iterator[None]:
    """PostgreSQL: the foreign keys of the tables a load fills are checked once at the end,
    and so is the answers' primary key when the table starts empty (its index is then built
    once, by sorting). SQLite checks its foreign keys at the end of the load's transaction
    (:func:`assessment.repo.bulk.bulk_transaction`)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    constraints: list[Any] = [
        constraint for model in _LOADED for constraint in _table(model).foreign_key_constraints
    ]
    answers = _table(Answer)
    if connection.execute(select(answers.c.assessment_id).limit(1)).first() is None:
        constraints.append(answers.primary_key)
    with constraints_added_at_end(connection, constraints):
        yield


def _table(model: type[SQLModel]) -> Table:
    """The core ``Table`` of a table model."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def _statuses(assessments: pd.DataFrame) -> Mapping[str, str]:
    return dict(zip(assessments["external_id"], assessments["status"], strict=True))


def _enterprise_frame(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Enterprise rows (checked by ``validate_dataset``) with the derived size class and
    above-designated-size flag."""
    now = utcnow()
    employees, revenue = enterprises[C.EMPLOYEES], enterprises[C.REVENUE_WAN]
    return pd.DataFrame(
        {
            C.USCC: enterprises[C.USCC],
            C.NAME: enterprises[C.NAME].astype(str),
            C.REGION_CODE: enterprises[C.REGION_CODE],
            C.INDUSTRY_CODE: enterprises[C.INDUSTRY_CODE],
            C.EMPLOYEES: employees.astype("Int64"),
            C.REVENUE_WAN: revenue.astype("float64"),
            C.PRODUCTION_TYPE: enterprises[C.PRODUCTION_TYPE].astype(str),
            "size_class": identity.size_classes(employees, revenue).astype(object),
            "above_designated_size": identity.above_designated_size(revenue)
            .fillna(False)
            .astype(bool),
            # loaded by an operator from a bureau's or consultant's data set, not self-registered
            "confirmed_at": now,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
    )


@dataclass(frozen=True)
class _Plan:
    """Which framework versions (and paths) each assessment row answers."""

    rows: pd.DataFrame  # (assessment, framework, version, path), assessments in input order
    versions: pd.Series  # per assessment row: {framework: version}
    paths: pd.Series  # per assessment row: {framework: path}, where the version has paths


def _plan(assessments: pd.DataFrame, firms: pd.DataFrame) -> _Plan:
    """The plan from the ``frameworks`` column, worked out once per distinct (frameworks text,
    production type) and joined to the assessments, not once per assessment."""
    production = dict(zip(firms[C.USCC], firms[C.PRODUCTION_TYPE], strict=True))
    kind = assessments[C.USCC].astype(str).str.upper().map(production).fillna("").astype(str)
    choice = assessments[C.FRAMEWORKS].astype(str) + "\x00" + kind
    chosen = {key: _chosen(*key.split("\x00", 1)) for key in choice.unique()}
    pairs = pd.DataFrame(
        [(key, *item) for key, items in chosen.items() for item in items],
        columns=["choice", C.FRAMEWORK_ID, FRAMEWORK_VERSION, C.PATH],
    )
    rows = pd.DataFrame(
        {C.ASSESSMENT_ID: assessments[C.ASSESSMENT_ID].astype(str).to_numpy(), "choice": choice}
    ).merge(pairs, on="choice", sort=False)  # an inner merge keeps the assessments' order
    versions = {key: {f: v for f, v, _ in items} for key, items in chosen.items()}
    paths = {key: {f: p for f, _, p in items if p is not None} for key, items in chosen.items()}
    return _Plan(
        rows.drop(columns="choice"),
        choice.map(versions),
        choice.map(paths),
    )


def _chosen(text: str, kind: str) -> list[tuple[str, str, str | None]]:
    """(framework, version, path) of one ``frameworks`` text for an enterprise of production
    type ``kind`` (the path is its production type where the version has such a path)."""
    from indicators.loader import load_framework

    chosen = []
    for item in text.split("|"):
        if not item:
            continue
        framework_id, version = item.split("@", 1)
        framework = load_framework(framework_id, version)
        path = kind if kind in {p.id for p in framework.paths or ()} else None
        chosen.append((framework_id, version, path))
    return chosen


def _assessment_frame(
    assessments: pd.DataFrame,
    plan: _Plan,
    results: pd.DataFrame | None,
    enterprise_ids: Mapping[str, int],
    latest_year: int,
) -> pd.DataFrame:
    aid = assessments[C.ASSESSMENT_ID].astype(str)
    year = pd.to_numeric(assessments[C.YEAR]).astype("int64")
    status = pd.Series(Status.DRAFT.value, index=assessments.index)
    if results is not None:
        complete = results.groupby(C.ASSESSMENT_ID)[C.COMPLETE].all()
        done = aid.map(complete).fillna(False).astype(bool)
        latest = year == latest_year
        status = status.mask(done & latest, Status.SUBMITTED.value)
        status = status.mask(done & ~latest, Status.VERIFIED.value)
    now = utcnow()
    enterprise = assessments[C.USCC].astype(str).str.upper().map(enterprise_ids)
    return pd.DataFrame(
        {
            "external_id": aid,
            "enterprise_id": enterprise,
            "year": year,
            "status": status,
            "framework_versions": plan.versions,
            "paths": plan.paths,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "submitted_at": status.map(lambda s: None if s == Status.DRAFT.value else now),
        }
    )


def _refuse_known(connection: Connection, usccs: Sequence[str], source: Path) -> None:
    for start in range(0, len(usccs), CHUNK):
        known = (
            connection.execute(
                select(col(Enterprise.uscc)).where(
                    col(Enterprise.uscc).in_(usccs[start : start + CHUNK])
                )
            )
            .scalars()
            .all()
        )
        if known:
            listed = ", ".join(known[:5])
            raise ValidationFailed(
                f"{source}：这些企业已登记：{listed}",
                f"{source}: these enterprises are already registered: {listed}",
            )


def _refuse_known_ids(connection: Connection, ids: Sequence[str], source: Path) -> None:
    for start in range(0, len(ids), CHUNK):
        known = (
            connection.execute(
                select(col(Assessment.external_id)).where(
                    col(Assessment.external_id).in_(ids[start : start + CHUNK])
                )
            )
            .scalars()
            .all()
        )
        if known:
            listed = ", ".join(str(k) for k in known[:5])
            raise ValidationFailed(
                f"{source}：这些评估编号已在数据库中：{listed}",
                f"{source}: these assessment ids are already in the database: {listed}",
            )


class InvalidDataset(ValidationFailed):
    """A data set refused by the validation; ``error`` names file, row and column."""

    def __init__(self, error: TableError) -> None:
        self.error = error
        super().__init__(error.located_zh, error.located_en)


def _id_map(connection: Connection, key: Any, value: Any, keys: Sequence[str]) -> dict[str, int]:
    """``key`` → ``value`` for the rows whose key is one of ``keys``."""
    found: dict[str, int] = {}
    for start in range(0, len(keys), CHUNK):
        part = list(keys[start : start + CHUNK])
        rows = connection.execute(select(key, value).where(key.in_(part))).all()
        found.update((str(k), int(v)) for k, v in rows)
    return found
