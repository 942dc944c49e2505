"""Certified and official results (认证及官方结果), kept beside the self-assessed ones.

Five kinds (``CertifiedResult.kind``), each with its own required fields:

==========================  ==========================================================  =========
kind                        what                                                        framework
==========================  ==========================================================  =========
``dcmm_certificate``        DCMM certificate: level 1–5, number, issue and expiry date   dcmm
``gbt23001_grade``          两化融合管理体系 (贯标) grade A / AA / AAA per GB/T 23001,   —
                            number, issue date (expiry optional)
``integration_official``    official 两化融合 development-level score 0–100 and stage    integration
                            1–4 from the national service platform, evaluation date
``sme_official``            official SME digital level 1–4, evaluation date              sme
``cmmm_assessed``           CMMM level 1–5 from an accredited assessment, date           cmmm
==========================  ==========================================================  =========

A result is **current** when ``expires_on`` is empty or not before today. Writes are allowed to
the enterprise's consultant, its bureau and admins (scope-checked) and audited; reads follow the
reader's scope. Where a current certified result exists for a framework an assessment answered,
the Ronghe Index uses it instead of the self-assessed result and names the replacement
(:func:`apply_certified`). A 贯标 grade has no framework in the conversion table and never enters
the index. The import file format is in docs/file-formats.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import pandas as pd
from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from assessment import columns as C
from assessment.models import (
    Assessment,
    CertifiedResult,
    Enterprise,
    EvidenceFile,
    Role,
    User,
)
from assessment.repo import audit
from assessment.repo.access import readable_enterprise, scope_condition, writable_enterprise
from assessment.repo.errors import AccessDenied, ValidationFailed


class CertifiedKind(StrEnum):
    DCMM_CERTIFICATE = "dcmm_certificate"
    GBT23001_GRADE = "gbt23001_grade"
    INTEGRATION_OFFICIAL = "integration_official"
    SME_OFFICIAL = "sme_official"
    CMMM_ASSESSED = "cmmm_assessed"


# kind → the framework whose self-assessed result it replaces in the Ronghe Index
FRAMEWORK_OF: Final[dict[CertifiedKind, str]] = {
    CertifiedKind.DCMM_CERTIFICATE: "dcmm",
    CertifiedKind.INTEGRATION_OFFICIAL: "integration",
    CertifiedKind.SME_OFFICIAL: "sme",
    CertifiedKind.CMMM_ASSESSED: "cmmm",
}
KIND_NAMES: Final[dict[CertifiedKind, tuple[str, str]]] = {
    CertifiedKind.DCMM_CERTIFICATE: ("DCMM 证书", "DCMM certificate"),
    CertifiedKind.GBT23001_GRADE: (
        "两化融合管理体系贯标等级（GB/T 23001）",
        "贯标 grade (GB/T 23001)",
    ),
    CertifiedKind.INTEGRATION_OFFICIAL: (
        "两化融合发展水平官方评估",
        "official integration development level (GB/T 23020)",
    ),
    CertifiedKind.SME_OFFICIAL: ("中小企业数字化水平官方评测", "official SME digital level"),
    CertifiedKind.CMMM_ASSESSED: ("智能制造能力成熟度评估", "CMMM assessed level"),
}
GRADES: Final = ("A", "AA", "AAA")
LEVEL_RANGE: Final[dict[CertifiedKind, tuple[int, int]]] = {
    CertifiedKind.DCMM_CERTIFICATE: (1, 5),
    CertifiedKind.SME_OFFICIAL: (1, 4),
    CertifiedKind.CMMM_ASSESSED: (1, 5),
}
INTEGRATION_STAGES: Final = (1, 4)  # GB/T 23020: 起步建设 … 创新突破
WRITERS: Final = (Role.CONSULTANT, Role.BUREAU, Role.ADMIN)
IMPORT_COLUMNS: Final = (
    "uscc",
    "kind",
    "level",
    "grade",
    "score",
    "stage",
    "certificate_no",
    "issued_on",
    "expires_on",
    "source",
    "evidence_sha256",
)
REQUIRED_COLUMNS: Final = ("uscc", "kind", "issued_on", "source")


@dataclass(frozen=True)
class CertifiedInput:
    """One certified result to record (validated by :func:`validate`)."""

    kind: str
    source: str
    issued_on: date | None = None
    level: int | None = None
    grade: str | None = None
    score: float | None = None
    stage: int | None = None
    certificate_no: str | None = None
    expires_on: date | None = None
    evidence_file_id: int | None = None


@dataclass(frozen=True)
class Problem:
    """One reason an input is refused: the field (import column) and the message."""

    field: str
    message_zh: str
    message_en: str


def _problem(field: str, zh: str, en: str) -> Problem:
    return Problem(field, zh, en)


def validate(data: CertifiedInput, *, today: date) -> list[Problem]:
    """Every problem with ``data`` (empty when it may be stored)."""
    try:
        kind = CertifiedKind(data.kind)
    except ValueError:
        known = ", ".join(k.value for k in CertifiedKind)
        return [
            _problem(
                "kind",
                f"未知类型“{data.kind}”（可选：{known}）",
                f"unknown kind '{data.kind}' (known: {known})",
            )
        ]
    found: list[Problem] = []
    if not data.source.strip():
        found.append(_problem("source", "必须注明来源", "the source must be given"))
    elif len(data.source) > 255:
        found.append(
            _problem("source", "来源不超过255个字符", "the source is at most 255 characters")
        )
    if data.issued_on is None:
        found.append(
            _problem(
                "issued_on", "必须填写发证或评估日期", "the issue or evaluation date is required"
            )
        )
    elif data.issued_on > today:
        found.append(_problem("issued_on", "日期不能晚于今天", "the date cannot be in the future"))
    if (
        data.expires_on is not None
        and data.issued_on is not None
        and data.expires_on <= data.issued_on
    ):
        found.append(
            _problem(
                "expires_on",
                "有效期截止日必须晚于发证日",
                "the expiry must be after the issue date",
            )
        )
    found += _kind_problems(kind, data)
    return found


def _kind_problems(kind: CertifiedKind, data: CertifiedInput) -> list[Problem]:
    found: list[Problem] = []
    wanted = {
        CertifiedKind.DCMM_CERTIFICATE: {"level", "certificate_no", "expires_on"},
        CertifiedKind.GBT23001_GRADE: {"grade", "certificate_no", "expires_on"},
        CertifiedKind.INTEGRATION_OFFICIAL: {"score", "stage"},
        CertifiedKind.SME_OFFICIAL: {"level"},
        CertifiedKind.CMMM_ASSESSED: {"level", "certificate_no"},
    }[kind]
    required = {
        CertifiedKind.DCMM_CERTIFICATE: {"level", "certificate_no", "expires_on"},
        CertifiedKind.GBT23001_GRADE: {"grade", "certificate_no"},
        CertifiedKind.INTEGRATION_OFFICIAL: {"score", "stage"},
        CertifiedKind.SME_OFFICIAL: {"level"},
        CertifiedKind.CMMM_ASSESSED: {"level"},
    }[kind]
    for field in ("level", "grade", "score", "stage", "certificate_no", "expires_on"):
        value = getattr(data, field)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if field in required and empty:
            found.append(
                _problem(field, f"{kind.value} 必须填写 {field}", f"{kind.value} needs {field}")
            )
        elif field not in wanted and not empty:
            found.append(
                _problem(field, f"{kind.value} 不使用 {field}", f"{kind.value} takes no {field}")
            )
    if data.level is not None and kind in LEVEL_RANGE:
        low, high = LEVEL_RANGE[kind]
        if not low <= data.level <= high:
            found.append(
                _problem("level", f"等级须在 {low}–{high} 之间", f"the level must be {low}–{high}")
            )
    if data.grade is not None and data.grade.strip() and data.grade not in GRADES:
        found.append(
            _problem(
                "grade",
                "贯标等级须为 A、AA 或 AAA（GB/T 23001）",
                "the grade must be A, AA or AAA (GB/T 23001)",
            )
        )
    if data.score is not None and not (0 <= data.score <= 100):
        found.append(
            _problem("score", "官方得分须在 0–100 之间", "the official score must be 0–100")
        )
    if data.stage is not None and not INTEGRATION_STAGES[0] <= data.stage <= INTEGRATION_STAGES[1]:
        found.append(
            _problem(
                "stage",
                "发展阶段须在 1–4 之间（起步建设…创新突破）",
                "the stage must be 1–4 (起步建设 … 创新突破)",
            )
        )
    if data.certificate_no is not None and len(data.certificate_no) > 64:
        found.append(
            _problem(
                "certificate_no",
                "证书编号不超过64个字符",
                "the certificate number is at most 64 characters",
            )
        )
    return found


def _refuse(problems: Sequence[Problem]) -> ValidationFailed:
    return ValidationFailed(
        "认证结果无效：" + "；".join(f"{p.field}：{p.message_zh}" for p in problems),
        "Invalid certified result: " + "; ".join(f"{p.field}: {p.message_en}" for p in problems),
    )


def _check_evidence(session: Session, enterprise_id: int, evidence_file_id: int | None) -> None:
    """The evidence file must belong to an assessment of the same enterprise."""
    if evidence_file_id is None:
        return
    owner = session.exec(
        select(Assessment.enterprise_id)
        .join(EvidenceFile, col(EvidenceFile.assessment_id) == col(Assessment.id))
        .where(col(EvidenceFile.id) == evidence_file_id)
    ).first()
    if owner != enterprise_id:
        raise ValidationFailed(
            "佐证文件不存在或不属于该企业。",
            "The evidence file does not exist or belongs to another enterprise.",
        )


def record_certified(
    session: Session,
    *,
    actor: User | None,
    enterprise_id: int,
    data: CertifiedInput,
    today: date | None = None,
) -> CertifiedResult:
    """Validate and store one certified result (committed) and audit it.

    ``actor`` is the enterprise's consultant, its bureau or an admin (None: the command line).
    Raises AccessDenied outside that scope and ValidationFailed naming every bad field.
    """
    row = _add(
        session, actor=actor, enterprise_id=enterprise_id, data=data, today=today or date.today()
    )
    session.commit()
    session.refresh(row)
    return row


def _add(
    session: Session, *, actor: User | None, enterprise_id: int, data: CertifiedInput, today: date
) -> CertifiedResult:
    if actor is not None:
        writable_enterprise(session, actor=actor, enterprise_id=enterprise_id, roles=WRITERS)
    elif session.get(Enterprise, enterprise_id) is None:
        raise ValidationFailed("企业不存在。", "No such enterprise.")
    problems = validate(data, today=today)
    if problems:
        raise _refuse(problems)
    _check_evidence(session, enterprise_id, data.evidence_file_id)
    row = CertifiedResult(
        enterprise_id=enterprise_id,
        kind=data.kind,
        level=data.level,
        grade=(data.grade or None),
        score=data.score,
        stage=data.stage,
        certificate_no=(data.certificate_no or None),
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        source=data.source.strip(),
        evidence_file_id=data.evidence_file_id,
        recorded_by=actor.id if actor is not None else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="certified.record",
        object_type="certified_result",
        object_ids=[row.id],
        detail={"enterprise_id": enterprise_id, "kind": data.kind},
    )
    return row


def list_certified(
    session: Session,
    *,
    actor: User,
    enterprise_id: int | None = None,
    current_on: date | None = None,
) -> list[CertifiedResult]:
    """Certified results the actor may read, newest first; one enterprise's when given (then
    AccessDenied outside scope); only those current on ``current_on`` when given."""
    if enterprise_id is not None:
        readable_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    query = (
        select(CertifiedResult)
        .join(Enterprise, col(Enterprise.id) == col(CertifiedResult.enterprise_id))
        .where(scope_condition(actor))
    )
    if enterprise_id is not None:
        query = query.where(col(CertifiedResult.enterprise_id) == enterprise_id)
    rows = list(session.exec(query).all())
    if current_on is not None:
        rows = [r for r in rows if is_current(r, current_on)]
    return sorted(rows, key=lambda r: (r.issued_on or date.min, r.id or 0), reverse=True)


def is_current(row: CertifiedResult, today: date) -> bool:
    """A result is current when it has no expiry or does not expire before today."""
    return row.expires_on is None or row.expires_on >= today


def current_condition(today: date) -> ColumnElement[bool]:
    """:func:`is_current` as an SQL condition, for queries that count in the database."""
    expires = col(CertifiedResult.expires_on)
    return or_(expires.is_(None), expires >= today)


def current_frame(
    session: Session, enterprise_ids: Iterable[int], today: date | None = None
) -> pd.DataFrame:
    """The newest current certified result per (enterprise, framework) that can enter the
    index: enterprise_id, framework_id, level, score_100, certified_id, kind (no scope check:
    for the result computation of assessments the caller already may write)."""
    ids = sorted(set(enterprise_ids))
    columns = ["enterprise_id", C.FRAMEWORK_ID, C.LEVEL, C.SCORE_100, "certified_id", "kind"]
    if not ids:
        return pd.DataFrame(columns=columns)
    rows = session.exec(
        select(CertifiedResult).where(
            col(CertifiedResult.enterprise_id).in_(ids),
            col(CertifiedResult.kind).in_([k.value for k in FRAMEWORK_OF]),
        )
    ).all()
    day = today or date.today()
    best: dict[tuple[int, str], CertifiedResult] = {}
    for row in rows:
        if not is_current(row, day):
            continue
        key = (row.enterprise_id, FRAMEWORK_OF[CertifiedKind(row.kind)])
        held = best.get(key)
        if held is None or (row.issued_on or date.min, row.id or 0) > (
            held.issued_on or date.min,
            held.id or 0,
        ):
            best[key] = row
    records = [
        (
            enterprise_id,
            framework_id,
            _level(row),
            row.score if row.kind == CertifiedKind.INTEGRATION_OFFICIAL else math.nan,
            row.id,
            row.kind,
        )
        for (enterprise_id, framework_id), row in best.items()
    ]
    frame = pd.DataFrame(records, columns=columns)
    frame[C.LEVEL] = frame[C.LEVEL].astype("Int64")
    frame[C.SCORE_100] = frame[C.SCORE_100].astype("float64")
    return frame


def _level(row: CertifiedResult) -> int | None:
    """The native level a certified result stands for (the official stage for integration)."""
    return row.stage if row.kind == CertifiedKind.INTEGRATION_OFFICIAL else row.level


REPLACED: Final = "certified"  # composite column: which frameworks were replaced by what


def apply_certified(
    results: pd.DataFrame, certified: pd.DataFrame, assessment_enterprise: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put current certified results in place of self-assessed ones.

    Args:
        results: long results (assessment_id, framework_id, level, score_100, …).
        certified: :func:`current_frame` rows.
        assessment_enterprise: assessment_id (as in ``results``) → enterprise_id.

    Returns:
        The results with replaced rows' level and score_100 taken from the certified result,
        and the replacements: assessment_id, framework_id, certified_id, kind.
    """
    out = results.copy()
    empty = pd.DataFrame(columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, "certified_id", "kind"])
    if certified.empty or out.empty:
        return out, empty
    enterprise = out[C.ASSESSMENT_ID].map(assessment_enterprise)
    keyed = certified.set_index(["enterprise_id", C.FRAMEWORK_ID])
    keys = pd.MultiIndex.from_arrays([enterprise, out[C.FRAMEWORK_ID]])
    hit = keys.isin(keyed.index)
    if not hit.any():
        return out, empty
    matched = keyed.reindex(keys[hit])
    out[C.LEVEL] = out[C.LEVEL].astype("Int64")
    out[C.SCORE_100] = pd.to_numeric(out[C.SCORE_100], errors="coerce").astype("float64")
    out.loc[hit, C.LEVEL] = matched[C.LEVEL].to_numpy()
    out.loc[hit, C.SCORE_100] = matched[C.SCORE_100].to_numpy()
    replaced = pd.DataFrame(
        {
            C.ASSESSMENT_ID: out.loc[hit, C.ASSESSMENT_ID].to_numpy(),
            C.FRAMEWORK_ID: out.loc[hit, C.FRAMEWORK_ID].to_numpy(),
            "certified_id": matched["certified_id"].astype("int64").to_numpy(),
            "kind": matched["kind"].to_numpy(),
        }
    )
    return out, replaced


# ---------------------------------------------------------------- import file


@dataclass(frozen=True)
class RowError:
    """One refused row of an import file (row as a person sees it in the file)."""

    row: int
    column: str
    message_zh: str
    message_en: str

    def text(self) -> str:
        return (
            f"第{self.row}行，列“{self.column}”：{self.message_zh} / "
            f"row {self.row}, column '{self.column}': {self.message_en}"
        )


class ImportRefused(ValidationFailed):
    """The import file has errors; nothing was stored. ``errors`` lists every bad row."""

    def __init__(self, path: Path, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        listing = "\n".join(e.text() for e in self.errors)
        super().__init__(
            f"{path}：{len(self.errors)} 处错误，未导入任何记录。\n{listing}",
            f"{path}: {len(self.errors)} error(s), nothing was imported.\n{listing}",
        )


def import_certified(
    session: Session, path: Path, *, actor: User | None, today: date | None = None
) -> list[CertifiedResult]:
    """Import every row of a certified-results file in one transaction.

    Every row is checked first (columns, enterprise by USCC within the actor's write scope,
    each field); any problem refuses the whole file with :class:`ImportRefused` listing every
    bad row and column, and nothing is stored. Returns the stored rows.
    """
    from assessment.tabular import file_row, read_table, require_columns

    day = today or date.today()
    table = read_table(path)
    require_columns(table, REQUIRED_COLUMNS, path)
    for column in IMPORT_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    enterprises = _enterprises_by_uscc(session, table["uscc"].str.strip().tolist())
    errors: list[RowError] = []
    ready: list[tuple[int, CertifiedInput]] = []
    for position, record in enumerate(table.to_dict(orient="records")):
        row = file_row(path, position)
        data, problems = _parse_row(record)
        enterprise = enterprises.get(str(record["uscc"]).strip())
        if enterprise is None:
            problems.append(
                _problem(
                    "uscc", "找不到该统一社会信用代码的企业", "no enterprise with this credit code"
                )
            )
        elif actor is not None and not _may_write(session, actor, enterprise):
            problems.append(
                _problem(
                    "uscc",
                    "无权为该企业录入认证结果",
                    "you may not record results for this enterprise",
                )
            )
        if data is not None:  # a cell that did not parse is reported once, not again as missing
            unparsed = {p.field for p in problems}
            problems += [p for p in validate(data, today=day) if p.field not in unparsed]
        digest = str(record.get("evidence_sha256", "") or "").strip().lower()
        if digest and enterprise is not None and data is not None:
            evidence_id = _evidence_by_hash(session, enterprise, digest)
            if evidence_id is None:
                problems.append(
                    _problem(
                        "evidence_sha256",
                        "该企业的评估中没有此哈希值的佐证文件",
                        "no evidence file with this hash among the enterprise's assessments",
                    )
                )
            else:
                data = replace(data, evidence_file_id=evidence_id)
        errors += [RowError(row, p.field, p.message_zh, p.message_en) for p in problems]
        if not problems and enterprise is not None and data is not None:
            ready.append((enterprise, data))
    if errors:
        raise ImportRefused(path, errors)
    stored = [
        _add(session, actor=actor, enterprise_id=enterprise_id, data=data, today=day)
        for enterprise_id, data in ready
    ]
    audit.record(
        session,
        actor=actor,
        action="certified.import",
        object_type="certified_result",
        object_ids=[r.id for r in stored],
        detail={"file": path.name, "rows": len(stored)},
    )
    session.commit()
    return stored


def _evidence_by_hash(session: Session, enterprise_id: int, digest: str) -> int | None:
    """The enterprise's evidence file with this SHA-256 (the first stored), if any."""
    found = session.exec(
        select(EvidenceFile.id)
        .join(Assessment, col(Assessment.id) == col(EvidenceFile.assessment_id))
        .where(col(Assessment.enterprise_id) == enterprise_id, col(EvidenceFile.sha256) == digest)
        .order_by(col(EvidenceFile.id))
    ).first()
    return int(found) if found is not None else None


def _enterprises_by_uscc(session: Session, codes: list[str]) -> dict[str, int]:
    rows = session.exec(
        select(Enterprise.uscc, Enterprise.id).where(col(Enterprise.uscc).in_(set(codes)))
    ).all()
    return {uscc: int(eid) for uscc, eid in rows if eid is not None}


def _may_write(session: Session, actor: User, enterprise_id: int) -> bool:
    try:
        writable_enterprise(session, actor=actor, enterprise_id=enterprise_id, roles=WRITERS)
    except AccessDenied:
        return False
    return True


def _parse_row(record: Mapping[Any, Any]) -> tuple[CertifiedInput | None, list[Problem]]:
    """Text cells → a CertifiedInput, with a problem per unparsable cell."""
    problems: list[Problem] = []

    def cell(name: str) -> str:
        return str(record.get(name, "") or "").strip()

    def number(name: str, kind: type) -> Any:
        text = cell(name)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            problems.append(_problem(name, f"“{text}”不是数字", f"'{text}' is not a number"))
            return None
        if kind is int:
            if not value.is_integer():
                problems.append(
                    _problem(name, f"“{text}”不是整数", f"'{text}' is not a whole number")
                )
                return None
            return int(value)
        return value

    def day(name: str) -> date | None:
        text = cell(name)
        if not text:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            problems.append(
                _problem(
                    name, f"“{text}”不是日期（YYYY-MM-DD）", f"'{text}' is not a date (YYYY-MM-DD)"
                )
            )
            return None

    data = CertifiedInput(
        kind=cell("kind"),
        source=cell("source"),
        issued_on=day("issued_on"),
        expires_on=day("expires_on"),
        level=number("level", int),
        grade=cell("grade") or None,
        score=number("score", float),
        stage=number("stage", int),
        certificate_no=cell("certificate_no") or None,
    )
    return data, problems


# ---------------------------------------------------------------- the index, certified vs self


@dataclass(frozen=True)
class IndexWithCertified:
    """The Ronghe Index of one assessment computed now, from the self-assessed results alone and
    with current certified results in their place; ``replaced`` names each replacement."""

    self_assessed: float | None
    self_assessed_stage: int | None
    with_certified: float | None
    with_certified_stage: int | None
    replaced: list[dict[str, Any]]


def ronghe_index(
    session: Session, *, actor: User, assessment_id: int, today: date | None = None
) -> IndexWithCertified:
    """Both values of the index for an assessment the actor may read (AccessDenied otherwise)."""
    from assessment.models import FrameworkResult
    from assessment.repo.results import compute_composite

    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise AccessDenied()
    readable_enterprise(session, actor=actor, enterprise_id=assessment.enterprise_id)
    stored = session.exec(
        select(FrameworkResult).where(col(FrameworkResult.assessment_id) == assessment_id)
    ).all()
    results = pd.DataFrame(
        {
            C.ASSESSMENT_ID: [str(assessment_id)] * len(stored),
            C.FRAMEWORK_ID: [r.framework_id for r in stored],
            C.LEVEL: pd.array([r.level for r in stored], dtype="Int64"),
            C.SCORE_100: pd.array([r.score_100 for r in stored], dtype="Float64"),
        }
    )
    own, _ = compute_composite(results)
    certified = current_frame(session, [assessment.enterprise_id], today)
    enterprise_of = pd.Series({str(assessment_id): assessment.enterprise_id}, dtype=object)
    both, _ = compute_composite(results, certified, enterprise_of)

    def first(frame: pd.DataFrame, column: str) -> Any:
        if frame.empty or pd.isna(frame[column].iloc[0]):
            return None
        value = frame[column].iloc[0]
        return int(value) if column == C.STAGE else round(float(value), 2)

    return IndexWithCertified(
        self_assessed=first(own, C.COMPOSITE),
        self_assessed_stage=first(own, C.STAGE),
        with_certified=first(both, C.COMPOSITE),
        with_certified_stage=first(both, C.STAGE),
        replaced=list(both[REPLACED].iloc[0]) if not both.empty else [],
    )


# ---------------------------------------------------------------- what the page shows


@dataclass(frozen=True)
class Overview:
    """One enterprise's certified results, whether the actor may add one, the evidence files it
    may attach, and the Ronghe Index of its latest submitted assessment with and without them."""

    results: list[CertifiedResult]
    current_ids: set[int]
    may_write: bool
    evidence: list[tuple[int, str]]  # (evidence file id, file name)
    assessment_id: int | None
    index: IndexWithCertified | None


def overview(
    session: Session, *, actor: User, enterprise_id: int, today: date | None = None
) -> Overview:
    """Everything the certified-results page needs for one enterprise (scope-checked)."""
    from assessment.models import Status

    day = today or date.today()
    rows = list_certified(session, actor=actor, enterprise_id=enterprise_id)
    may_write = actor.role in {r.value for r in WRITERS} and _may_write(
        session, actor, enterprise_id
    )
    evidence = session.exec(
        select(EvidenceFile.id, EvidenceFile.filename)
        .join(Assessment, col(Assessment.id) == col(EvidenceFile.assessment_id))
        .where(col(Assessment.enterprise_id) == enterprise_id)
        .order_by(col(EvidenceFile.id))
    ).all()
    latest = session.exec(
        select(Assessment.id)
        .where(
            col(Assessment.enterprise_id) == enterprise_id,
            col(Assessment.status) != Status.DRAFT.value,
        )
        .order_by(col(Assessment.year).desc(), col(Assessment.id).desc())
    ).first()
    index = (
        ronghe_index(session, actor=actor, assessment_id=latest, today=day)
        if latest is not None
        else None
    )
    return Overview(
        results=rows,
        current_ids={r.id for r in rows if r.id is not None and is_current(r, day)},
        may_write=may_write,
        evidence=[(int(i), str(name)) for i, name in evidence if i is not None],
        assessment_id=latest,
        index=index,
    )


# ---------------------------------------------------------------- demo data

DEMO_SHARES: Final = {  # share of demo enterprises holding each kind (synthetic, not statistics)
    CertifiedKind.DCMM_CERTIFICATE: 0.12,
    CertifiedKind.GBT23001_GRADE: 0.25,
    CertifiedKind.SME_OFFICIAL: 0.10,
}


def seed_demo_certified(session: Session, *, seed: int, today: date | None = None) -> int:
    """Demo only: synthetic certified results for a reproducible share of the enterprises (some
    already expired), recorded by the system and audited; returns how many were stored.

    Levels follow each enterprise's latest self-assessed level of the framework where one
    exists (a certificate rarely differs much from a careful self-assessment), else level 2.
    """
    import numpy as np

    from assessment.models import FrameworkResult

    day = today or date.today()
    rng = np.random.default_rng(seed)
    firms = session.exec(select(Enterprise.id).order_by(col(Enterprise.id))).all()
    latest = {
        (int(eid), str(fid)): level
        for eid, fid, level in session.exec(
            select(Assessment.enterprise_id, FrameworkResult.framework_id, FrameworkResult.level)
            .join(FrameworkResult, col(FrameworkResult.assessment_id) == col(Assessment.id))
            .order_by(col(Assessment.year))
        ).all()
    }
    stored = 0
    for enterprise_id in firms:
        if enterprise_id is None:
            continue
        for kind, share in DEMO_SHARES.items():
            if rng.random() >= share:
                continue
            back = day - timedelta(days=int(rng.integers(30, 4 * 365)))
            issued = back.replace(day=1)  # up to four years ago, never in the future
            level = latest.get((enterprise_id, FRAMEWORK_OF.get(kind, "")))
            data = _demo_input(kind, issued, int(level) if level else 2, rng)
            _add(session, actor=None, enterprise_id=enterprise_id, data=data, today=day)
            stored += 1
    session.commit()
    return stored


def _demo_input(kind: CertifiedKind, issued: date, level: int, rng: Any) -> CertifiedInput:
    number = f"DEMO-{issued.year}-{int(rng.integers(1000, 10000))}"
    source = "演示数据 / demo data"
    if kind is CertifiedKind.DCMM_CERTIFICATE:
        expires = date(issued.year + 3, issued.month, 1)
        return CertifiedInput(
            kind=kind.value,
            level=min(max(level, 1), 5),
            certificate_no=number,
            issued_on=issued,
            expires_on=expires,
            source=source,
        )
    if kind is CertifiedKind.GBT23001_GRADE:
        grade = GRADES[int(rng.choice(3, p=[0.5, 0.35, 0.15]))]
        return CertifiedInput(
            kind=kind.value, grade=grade, certificate_no=number, issued_on=issued, source=source
        )
    return CertifiedInput(
        kind=kind.value, level=min(max(level, 1), 4), issued_on=issued, source=source
    )
