"""The JSON interchange file (roll-up): a jurisdiction's enterprises and non-draft assessments
passed upward to another Ronghe instance. Format and rules: ``docs/interchange.md``.

The file holds data, never instance details (no database ids, no timestamps), and is written
canonically (keys sorted, lists ordered, UTF-8, two-space indent), so export → import into
another instance → export gives the same bytes. Results are not carried: the receiving
instance recomputes them from the answers against the recorded framework versions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session, col

from assessment import columns as C
from assessment.exchange.importing import answer_issues
from assessment.exchange.reading import (
    COLUMN,
    FRAMEWORK_VERSION,
    ROW,
    SHEET,
    ImportRefused,
    Issue,
    refuse,
)
from assessment.models import (
    Answer,
    Assessment,
    Enterprise,
    EnterpriseCreate,
    Role,
    Status,
    User,
    utcnow,
)
from assessment.repo import audit
from assessment.repo.access import readable_enterprise, require_role, scope_condition
from assessment.repo.audit import record_export
from assessment.repo.enterprises import check_industry_code, check_region_code
from assessment.repo.errors import ValidationFailed
from assessment.repo.results import compute_composite, compute_results, store_results

FORMAT: Final = "ronghe-interchange"
FORMAT_VERSION: Final = 1
EXPORTED_STATUSES: Final = (
    Status.SUBMITTED.value,
    Status.RESUBMITTED.value,
    Status.RETURNED.value,
    Status.VERIFIED.value,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnterpriseRecord(_Model):
    uscc: Annotated[str, Field(min_length=18, max_length=18)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    region_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    industry_code: str
    employees: int | None = Field(default=None, ge=0)
    revenue_wan: float | None = Field(default=None, ge=0)
    production_type: Literal["discrete", "process"]


class AssessmentRecord(_Model):
    uscc: Annotated[str, Field(min_length=18, max_length=18)]
    year: Annotated[int, Field(ge=2000, le=2100)]
    status: Literal["submitted", "resubmitted", "returned", "verified"]
    framework_versions: dict[str, str]
    paths: dict[str, str] = Field(default_factory=dict)
    answers: dict[str, dict[str, str]]  # framework id → indicator id → canonical answer


class InterchangeFile(_Model):
    format: Literal["ronghe-interchange"]
    format_version: Literal[1]
    region_code: str | None
    year: int | None
    enterprises: list[EnterpriseRecord]
    assessments: list[AssessmentRecord]


def dumps(document: InterchangeFile) -> bytes:
    """The canonical bytes of a document (sorted keys, ordered lists, UTF-8, LF, final LF)."""
    data = document.model_dump(mode="json")
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


# ----------------------------------------------------------------------------- export


def build_interchange(
    session: Session, *, actor: User, region_code: str | None = None, year: int | None = None
) -> InterchangeFile:
    """The non-draft assessments (and their enterprises) in the actor's scope."""
    from assessment.repo.access import region_condition

    require_role(actor, Role.BUREAU, Role.ADMIN, Role.CONSULTANT)
    query = (
        select(Assessment, Enterprise)
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(scope_condition(actor), col(Assessment.status).in_(EXPORTED_STATUSES))
    )
    if region_code:
        query = query.where(region_condition(region_code))
    if year is not None:
        query = query.where(col(Assessment.year) == year)
    pairs = session.execute(query).all()
    answers: dict[int, dict[str, dict[str, str]]] = {}
    ids = [a.id for a, _ in pairs if a.id is not None]
    for start in range(0, len(ids), 5000):
        rows = session.execute(
            select(
                col(Answer.assessment_id),
                col(Answer.framework_id),
                col(Answer.indicator_id),
                col(Answer.answer),
            ).where(col(Answer.assessment_id).in_(ids[start : start + 5000]))
        ).all()
        for aid, fid, iid, text in rows:
            answers.setdefault(int(aid), {}).setdefault(str(fid), {})[str(iid)] = str(text)
    firms = {e.uscc: e for _, e in pairs}
    return InterchangeFile(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        region_code=region_code,
        year=year,
        enterprises=[
            EnterpriseRecord(
                uscc=e.uscc,
                name=e.name,
                region_code=e.region_code,
                industry_code=e.industry_code,
                employees=e.employees,
                revenue_wan=e.revenue_wan,
                production_type=e.production_type,
            )
            for _, e in sorted(firms.items())
        ],
        assessments=sorted(
            (
                AssessmentRecord(
                    uscc=e.uscc,
                    year=a.year,
                    status=a.status,
                    framework_versions=dict(a.framework_versions),
                    paths=dict(a.paths),
                    answers=answers.get(int(a.id or 0), {}),
                )
                for a, e in pairs
            ),
            key=lambda r: (r.uscc, r.year),
        ),
    )


def export_interchange(
    session: Session, *, actor: User, region_code: str | None = None, year: int | None = None
) -> tuple[str, bytes]:
    """(file name, canonical bytes) of the interchange file, audited as an export."""
    document = build_interchange(session, actor=actor, region_code=region_code, year=year)
    data = dumps(document)
    record_export(
        session,
        actor=actor,
        what="interchange.json",
        object_type="jurisdiction",
        object_ids=[region_code or "all"],
        detail={
            "assessments": len(document.assessments),
            "enterprises": len(document.enterprises),
            "year": year,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    parts = ["ronghe", region_code or "all", str(year) if year else "all-years"]
    return "_".join(parts) + ".json", data


# ----------------------------------------------------------------------------- import


@dataclass(frozen=True)
class RollupOutcome:
    """What importing an interchange file changed."""

    enterprises_new: int
    enterprises_updated: int
    assessments_new: int
    assessments_updated: int
    assessments_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(
            self.enterprises_new
            + self.enterprises_updated
            + self.assessments_new
            + self.assessments_updated
        )

    def message(self, lang: str = "zh") -> str:
        if not self.changed:
            return (
                f"没有变化：{self.assessments_unchanged} 份评估均已存在且相同。"
                if lang != "en"
                else f"Nothing changed: all {self.assessments_unchanged} assessments are "
                "already stored as they are."
            )
        return (
            f"已汇入：新企业 {self.enterprises_new}，更新企业 {self.enterprises_updated}，"
            f"新评估 {self.assessments_new}，更新评估 {self.assessments_updated}，"
            f"未变 {self.assessments_unchanged}。"
            if lang != "en"
            else f"Rolled up: {self.enterprises_new} new and {self.enterprises_updated} updated "
            f"enterprises, {self.assessments_new} new and {self.assessments_updated} updated "
            f"assessments, {self.assessments_unchanged} unchanged."
        )


def parse_interchange(data: bytes, filename: str = "interchange.json") -> InterchangeFile:
    """The validated document; ImportRefused naming the JSON path of the first problems."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse(
            filename, f"不是有效的 UTF-8 JSON：{exc}", f"not valid UTF-8 JSON: {exc}"
        ) from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise refuse(filename, f"不是 {FORMAT} 文件", f"not a {FORMAT} file")
    if raw.get("format_version") != FORMAT_VERSION:
        raise refuse(
            filename,
            f"不支持的交换格式版本 {raw.get('format_version')}（支持 {FORMAT_VERSION}）",
            f"unsupported format_version {raw.get('format_version')} (this instance reads "
            f"{FORMAT_VERSION})",
        )
    try:
        return InterchangeFile.model_validate(raw)
    except ValidationError as exc:
        issues = [
            Issue(
                filename,
                None,
                ".".join(map(str, e["loc"])),
                str(e.get("input", ""))[:80],
                f"格式错误：{e['msg']}",
                f"invalid: {e['msg']}",
            )
            for e in exc.errors()[:200]
        ]
        raise ImportRefused(issues) from exc


def _long(document: InterchangeFile) -> pd.DataFrame:
    rows = [
        (r.uscc, str(r.year), fid, r.framework_versions.get(fid, ""), iid, text, n)
        for n, r in enumerate(document.assessments)
        for fid, answers in r.answers.items()
        for iid, text in answers.items()
    ]
    frame = pd.DataFrame(
        rows,
        columns=[C.USCC, C.YEAR, C.FRAMEWORK_ID, FRAMEWORK_VERSION, C.INDICATOR_ID, C.ANSWER, "n"],
    )
    frame[SHEET] = "assessments[" + frame["n"].astype(str) + "]"
    frame[ROW] = None
    frame[COLUMN] = "answers." + frame[C.FRAMEWORK_ID] + "." + frame[C.INDICATOR_ID]
    return frame.drop(columns="n")


def _check(document: InterchangeFile, actor: User) -> list[Issue]:
    issues: list[Issue] = []
    answer_issues(_long(document), issues)
    known = {e.uscc for e in document.enterprises}
    for n, e in enumerate(document.enterprises):
        for field, check in (
            (C.REGION_CODE, check_region_code),
            (C.INDUSTRY_CODE, check_industry_code),
        ):
            try:
                check(getattr(e, field))
            except ValidationFailed as exc:
                issues.append(
                    Issue(
                        f"enterprises[{n}]",
                        None,
                        field,
                        getattr(e, field),
                        exc.message_zh,
                        exc.message_en,
                    )
                )
        if Role(actor.role) is Role.BUREAU:
            from assessment.reference import within

            if not actor.region_code or not within(e.region_code, actor.region_code):
                issues.append(
                    Issue(
                        f"enterprises[{n}]",
                        None,
                        C.REGION_CODE,
                        e.region_code,
                        "企业不在您的辖区内",
                        "the enterprise is outside your jurisdiction",
                    )
                )
    for n, r in enumerate(document.assessments):
        if r.uscc not in known:
            issues.append(
                Issue(
                    f"assessments[{n}]",
                    None,
                    C.USCC,
                    r.uscc,
                    "评估引用的企业不在 enterprises 中",
                    "the assessment's enterprise is not in enterprises",
                )
            )
        if set(r.answers) - set(r.framework_versions):
            issues.append(
                Issue(
                    f"assessments[{n}]",
                    None,
                    "answers",
                    ",".join(sorted(r.answers)),
                    "答案的指标体系不在 framework_versions 中",
                    "answers name a framework missing from framework_versions",
                )
            )
    seen = [(r.uscc, r.year) for r in document.assessments]
    if len(set(seen)) != len(seen):
        issues.append(
            Issue(
                "assessments",
                None,
                None,
                "",
                "同一企业同一年度出现多次",
                "an enterprise and year appear more than once",
            )
        )
    return issues


def import_interchange(
    session: Session, *, actor: User, data: bytes, filename: str = "interchange.json"
) -> RollupOutcome:
    """Import a lower instance's file (admin, or a bureau for its jurisdiction); all or nothing,
    idempotent, audited with the file's hash. Results of the imported assessments are stored."""
    require_role(actor, Role.ADMIN, Role.BUREAU)
    document = parse_interchange(data, filename)
    issues = _check(document, actor)
    if issues:
        raise ImportRefused(issues)
    try:
        outcome, touched = _apply(session, actor, document)
        if touched:
            _rescore(session, touched)
        audit.record(
            session,
            actor=actor,
            action="rollup.import" if outcome.changed else "rollup.unchanged",
            object_type="assessment",
            object_ids=touched,
            detail={
                "file": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "message": outcome.message("en"),
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return outcome


def _enterprise_values(record: EnterpriseRecord) -> dict[str, Any]:
    return record.model_dump()


def _derive(values: dict[str, Any]) -> dict[str, Any]:
    """The stored enterprise fields, with size class and above-designated-size derived."""
    from assessment import identity

    employees, revenue = values.get(C.EMPLOYEES), values.get(C.REVENUE_WAN)
    size = None
    if employees is not None and revenue is not None:
        size = identity.size_class(employees, revenue).value
    above = identity.is_above_designated_size(revenue) if revenue is not None else False
    return {**values, "size_class": size, "above_designated_size": above}


def _apply(
    session: Session, actor: User, document: InterchangeFile
) -> tuple[RollupOutcome, list[int]]:
    firms = {
        e.uscc: e
        for e in session.execute(
            select(Enterprise).where(
                col(Enterprise.uscc).in_([r.uscc for r in document.enterprises])
            )
        ).scalars()
    }
    now = utcnow()
    new_firms = updated_firms = 0
    for record in document.enterprises:
        values = _enterprise_values(record)
        values[C.INDUSTRY_CODE] = check_industry_code(values[C.INDUSTRY_CODE])
        found = firms.get(record.uscc)
        if found is None:
            created = Enterprise.model_validate(
                {
                    **_derive(EnterpriseCreate(**values).model_dump()),
                    "confirmed_at": now,
                    "confirmed_by": actor.id,
                }
            )
            session.add(created)
            session.flush()
            firms[record.uscc] = created
            new_firms += 1
            continue
        current = {k: getattr(found, k) for k in values}
        if current != values:
            readable_enterprise(session, actor=actor, enterprise_id=int(found.id or 0))
            for key, value in _derive(values).items():
                setattr(found, key, value)
            found.updated_at = now
            session.add(found)
            updated_firms += 1
    session.flush()
    new = updated = unchanged = 0
    touched: list[int] = []
    for item in document.assessments:
        enterprise = firms[item.uscc]
        existing = (
            session.execute(
                select(Assessment)
                .where(
                    col(Assessment.enterprise_id) == enterprise.id,
                    col(Assessment.year) == item.year,
                )
                .order_by(col(Assessment.id).desc())
            )
            .scalars()
            .first()
        )
        wanted = {(f, i): a for f, answers in item.answers.items() for i, a in answers.items()}
        if existing is not None and existing.id is not None:
            stored = {
                (str(f), str(i)): str(a)
                for f, i, a in session.execute(
                    select(
                        col(Answer.framework_id), col(Answer.indicator_id), col(Answer.answer)
                    ).where(col(Answer.assessment_id) == existing.id)
                ).all()
            }
            same = (
                stored == wanted
                and existing.status == item.status
                and existing.framework_versions == item.framework_versions
                and existing.paths == item.paths
            )
            if same:
                unchanged += 1
                continue
            session.execute(
                update(Assessment)
                .where(col(Assessment.id) == existing.id)
                .values(
                    status=item.status,
                    framework_versions=item.framework_versions,
                    paths=item.paths,
                    version=col(Assessment.version) + 1,
                    updated_by=actor.id,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            session.execute(delete(Answer).where(col(Answer.assessment_id) == existing.id))
            assessment_id = existing.id
            updated += 1
        else:
            assessment = Assessment(
                enterprise_id=int(enterprise.id or 0),
                year=item.year,
                status=item.status,
                framework_versions=item.framework_versions,
                paths=item.paths,
                created_by=actor.id,
                updated_by=actor.id,
                created_at=now,
                updated_at=now,
                submitted_at=now,
            )
            session.add(assessment)
            session.flush()
            assessment_id = int(assessment.id or 0)
            new += 1
        if wanted:
            session.execute(
                insert(Answer),
                [
                    {
                        "assessment_id": assessment_id,
                        "framework_id": f,
                        "indicator_id": i,
                        "answer": a,
                    }
                    for (f, i), a in wanted.items()
                ],
            )
        touched.append(assessment_id)
    return RollupOutcome(new_firms, updated_firms, new, updated, unchanged), touched


def _rescore(session: Session, ids: list[int]) -> None:
    """Materialise the results of the imported assessments (not committed)."""
    assessments = (
        session.execute(select(Assessment).where(col(Assessment.id).in_(ids))).scalars().all()
    )
    answers = pd.DataFrame(
        [
            (str(a), f, i, t)
            for a, f, i, t in session.execute(
                select(
                    col(Answer.assessment_id),
                    col(Answer.framework_id),
                    col(Answer.indicator_id),
                    col(Answer.answer),
                ).where(col(Answer.assessment_id).in_(ids))
            ).all()
        ],
        columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, C.INDICATOR_ID, C.ANSWER],
    )
    plan = pd.DataFrame(
        [
            (str(a.id), f, v, a.paths.get(f))
            for a in assessments
            for f, v in a.framework_versions.items()
        ],
        columns=[C.ASSESSMENT_ID, C.FRAMEWORK_ID, FRAMEWORK_VERSION, C.PATH],
    )
    results = compute_results(answers, plan)
    composite, crosswalk_version = compute_composite(results)
    store_results(
        session,
        results=results,
        composite=composite,
        crosswalk_version=crosswalk_version,
        id_map={str(i): i for i in ids},
    )
