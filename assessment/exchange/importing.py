"""Validated, atomic and idempotent import of assessments collected by consultants.

:func:`check_import` lists every problem of a read upload (sheet, row, column, value, reason);
:func:`apply_import` stores it in one transaction, or nothing when any problem remains.

* Every enterprise must be in the actor's scope (a consultant's assigned clients); an admin may
  also register new enterprises from the enterprise sheet.
* Answers go into a draft per enterprise and year: a new one, or the existing draft (or
  returned assessment), whose answers the file sets; answers the file leaves empty are kept. A
  submitted assessment is never overwritten.
* The same content twice changes nothing and says so; every import (also an unchanged one) is
  recorded in the audit log with the file's SHA-256.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import delete, insert, select, tuple_, update
from sqlmodel import Session, col

from assessment import columns as C
from assessment import identity
from assessment.exchange.reading import (
    COLUMN,
    FRAMEWORK_VERSION,
    ROW,
    SHEET,
    ImportRefused,
    Issue,
    ParsedImport,
)
from assessment.models import (
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AuditEvent,
    Enterprise,
    EnterpriseCreate,
    Role,
    Status,
    User,
    utcnow,
)
from assessment.repo import audit
from assessment.repo.access import WRITERS_OF_DRAFTS, require_role, scope_condition
from assessment.repo.bulk import bulk_insert
from assessment.repo.enterprises import check_industry_code, check_region_code
from assessment.repo.errors import ValidationFailed
from assessment.scoring import parse_answers
from assessment.tabular import inert_text
from indicators.errors import UnknownFrameworkError
from indicators.loader import framework_files, load_framework
from indicators.schema import Framework, Indicator

MAX_LISTED: Final = 1000  # issues kept per check (the count is always complete)
YEARS: Final = (2000, 2100)
ROW_KEYS: Final = frozenset({C.USCC, C.YEAR})


@dataclass(frozen=True)
class ImportCheck:
    """What an import would do: problems, and counts of what it would write."""

    issues: list[Issue]
    assessments_new: int
    assessments_updated: int
    answers_changed: int
    answers_unchanged: int

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def changes(self) -> bool:
        return bool(self.assessments_new or self.answers_changed)


@dataclass(frozen=True)
class ImportOutcome:
    """What an applied import did."""

    changed: bool
    assessment_ids: list[int]
    assessments_new: int
    answers_written: int
    answers_unchanged: int
    sha256: str
    previously_imported_at: str | None  # when the same file was imported before, if it was

    def message(self, lang: str = "zh") -> str:
        if not self.changed:
            before = (
                f"（此文件已于 {self.previously_imported_at} 导入）"
                if self.previously_imported_at
                else ""
            )
            before_en = (
                f" (this file was imported on {self.previously_imported_at})"
                if self.previously_imported_at
                else ""
            )
            return (
                f"没有变化：全部 {self.answers_unchanged} 个答案均已存在{before}。"
                if lang != "en"
                else f"Nothing changed: all {self.answers_unchanged} answers are already "
                f"stored{before_en}."
            )
        return (
            f"已导入：新建 {self.assessments_new} 份草稿，写入 {self.answers_written} 个答案，"
            f"{self.answers_unchanged} 个答案未变。"
            if lang != "en"
            else f"Imported: {self.assessments_new} new drafts, {self.answers_written} answers "
            f"written, {self.answers_unchanged} unchanged."
        )


def _issue(row: pd.Series, column: str, reason_zh: str, reason_en: str) -> Issue:
    by_cell = row.get(COLUMN) and column not in ROW_KEYS  # a template answer cell: its letter
    return Issue(
        str(row[SHEET]),
        int(row[ROW]) if pd.notna(row[ROW]) else None,
        str(row[COLUMN]) if by_cell else column,
        str(row.get(column, "")),
        reason_zh,
        reason_en,
    )


def _flag(issues: list[Issue], rows: pd.DataFrame, column: str, zh: str, en: str) -> None:
    """Add an issue for each row of ``rows`` (up to the listing limit); a problem with a row's
    key (credit code, year) is listed once per sheet row, not once per answer cell."""
    if column in ROW_KEYS:
        rows = rows.drop_duplicates([SHEET, ROW])
    room = MAX_LISTED - len(issues)
    for _, row in rows.head(max(room, 0)).iterrows():
        issues.append(_issue(row, column, zh, en))


# ----------------------------------------------------------------------------- checks


def _check_cells(answers: pd.DataFrame, issues: list[Issue]) -> pd.Series:
    """Empty keys, bad years and bad credit codes; returns the mask of rows still usable."""
    usable = pd.Series(True, index=answers.index)
    for key, zh, en in (
        (C.USCC, "统一社会信用代码为空", "the credit code is empty"),
        (C.YEAR, "年度为空", "the year is empty"),
        (C.FRAMEWORK_ID, "指标体系为空", "the framework is empty"),
        (C.INDICATOR_ID, "指标编号为空", "the indicator id is empty"),
    ):
        empty = answers[key] == ""
        _flag(
            issues,
            answers[empty & usable],
            key,
            f"必填单元格为空：{zh}",
            f"empty required cell: {en}",
        )
        usable &= ~empty
    years = pd.to_numeric(answers[C.YEAR], errors="coerce")
    bad_year = usable & ~years.between(*YEARS) | usable & (years % 1 != 0)
    _flag(
        issues,
        answers[bad_year],
        C.YEAR,
        f"年度应为 {YEARS[0]}–{YEARS[1]} 的整数",
        f"the year should be a whole number from {YEARS[0]} to {YEARS[1]}",
    )
    usable &= ~bad_year
    codes = answers.loc[usable, C.USCC].unique()
    bad_codes = {code for code in codes if not identity.is_valid_uscc(code)}
    bad = usable & answers[C.USCC].isin(bad_codes)
    _flag(
        issues,
        answers[bad],
        C.USCC,
        "统一社会信用代码无效（校验位不符或格式错误）",
        "invalid unified social credit code (check character or format)",
    )
    return usable & ~bad


def _frameworks(
    answers: pd.DataFrame, usable: pd.Series, issues: list[Issue]
) -> dict[str, Framework]:
    """The framework version of each (framework_id, framework_version) pair, flagging the rest."""
    known_ids = {p.parent.name for p in framework_files()}
    found: dict[str, Framework] = {}
    pairs = answers.loc[usable, [C.FRAMEWORK_ID, FRAMEWORK_VERSION]].drop_duplicates()
    for framework_id, version in pairs.itertuples(index=False, name=None):
        rows = (
            usable
            & (answers[C.FRAMEWORK_ID] == framework_id)
            & (answers[FRAMEWORK_VERSION] == version)
        )
        if framework_id not in known_ids:
            _flag(
                issues,
                answers[rows].head(1),
                C.FRAMEWORK_ID,
                f"未知的指标体系“{framework_id}”",
                f"unknown framework '{framework_id}'",
            )
            continue
        try:
            framework = load_framework(framework_id, version or None)
        except UnknownFrameworkError:
            _flag(
                issues,
                answers[rows].head(1),
                FRAMEWORK_VERSION,
                f"指标体系 {framework_id} 没有已发布的版本“{version}”",
                f"framework {framework_id} has no released version '{version}'",
            )
            continue
        found[f"{framework_id}@{version}"] = framework
    return found


_REASONS_ZH: Final = (
    (re.compile(r"^not 'yes' or 'no'$"), "应为 yes 或 no"),
    (re.compile(r"^unknown option$"), "不是该指标的选项"),
    (re.compile(r"^N/A not allowed$"), "该指标不允许填 na（不适用）"),
    (re.compile(r"^level outside 0\.\.(\d+)$"), r"等级应在 0–\1 之间"),
    (re.compile(r"^unknown option\(s\) (.*)$"), r"未知的选项：\1"),
    (re.compile(r"^exclusive option (\S+) ticked with others$"), r"互斥选项 \1 不能与其他选项同选"),
    (re.compile(r"^not a percentage 0\.\.100$"), "应为 0–100 的百分数"),
    (re.compile(r"^not a number$"), "应为数字"),
)


def answer_reason(reason: str, indicator: Indicator) -> tuple[str, str]:
    """The scoring engine's reason for refusing an answer in both languages, with the options
    the indicator offers where that helps."""
    zh = next((p.sub(r, reason) for p, r in _REASONS_ZH if p.match(reason)), reason)
    if indicator.options and "option" in reason:
        listed = ", ".join(o.id for o in indicator.options)
        return f"{zh}；可选：{listed}", f"{reason}; options: {listed}"
    return zh, reason


def _check_answers(
    answers: pd.DataFrame, usable: pd.Series, frameworks: dict[str, Framework], issues: list[Issue]
) -> pd.Series:
    """Unknown indicators, invalid answers and duplicate rows (distinct pairs parsed once)."""
    key = answers[C.FRAMEWORK_ID] + "@" + answers[FRAMEWORK_VERSION]
    usable &= key.isin(frameworks)
    for name, framework in frameworks.items():
        mine = usable & (key == name)
        indicators = {i.id: i for i in framework.indicators}
        unknown = mine & ~answers[C.INDICATOR_ID].isin(indicators)
        _flag(
            issues,
            answers[unknown],
            C.INDICATOR_ID,
            f"不是指标体系 {framework.id}@{framework.version} 的指标",
            f"not an indicator of framework {framework.id}@{framework.version}",
        )
        usable &= ~unknown
        mine &= ~unknown
        pairs = answers.loc[mine, [C.INDICATOR_ID, C.ANSWER]].drop_duplicates()
        reasons: dict[tuple[str, str], str] = {}
        for indicator_id, texts in pairs.groupby(C.INDICATOR_ID, sort=False)[C.ANSWER]:
            distinct = [str(t) for t in texts]
            parsed = parse_answers(
                indicators[str(indicator_id)], distinct, framework.max_answer_level
            )
            reasons.update(
                {
                    (str(indicator_id), t): p[3]
                    for t, p in zip(distinct, parsed, strict=True)
                    if p[3]
                }
            )
        if reasons:
            pair_keys = pd.MultiIndex.from_frame(answers[[C.INDICATOR_ID, C.ANSWER]])
            bad = mine & pd.Series(pair_keys.isin(list(reasons)), index=answers.index)
            for _, row in answers[bad].head(max(MAX_LISTED - len(issues), 0)).iterrows():
                reason = reasons[(row[C.INDICATOR_ID], row[C.ANSWER])]
                zh, en = answer_reason(reason, indicators[row[C.INDICATOR_ID]])
                issues.append(_issue(row, C.ANSWER, f"答案无效（{zh}）", f"invalid answer ({en})"))
            usable &= ~bad
    duplicate = usable & answers.duplicated([C.USCC, C.YEAR, C.FRAMEWORK_ID, C.INDICATOR_ID])
    _flag(
        issues,
        answers[duplicate],
        C.INDICATOR_ID,
        "重复行：同一企业、年度和指标出现多次",
        "duplicate row: the same enterprise, year and indicator appears more than once",
    )
    return usable & ~duplicate


def _check_enterprises(enterprises: pd.DataFrame, issues: list[Issue]) -> None:
    """The enterprise sheet: credit codes, names, region and industry codes, figures."""
    for _, row in enterprises.iterrows():
        code = str(row[C.USCC])
        if not identity.is_valid_uscc(code):
            issues.append(
                _issue(row, C.USCC, "统一社会信用代码无效", "invalid unified social credit code")
            )
        if not str(row[C.NAME]).strip():
            issues.append(
                _issue(row, C.NAME, "必填单元格为空：企业名称", "empty required cell: name")
            )
        for column, check in (
            (C.REGION_CODE, check_region_code),
            (C.INDUSTRY_CODE, check_industry_code),
        ):
            try:
                check(str(row[column]))
            except ValidationFailed as exc:
                issues.append(_issue(row, column, exc.message_zh, exc.message_en))
        for column in (C.EMPLOYEES, C.REVENUE_WAN):
            value = str(row[column]).strip()
            if value and (pd.isna(pd.to_numeric(value, errors="coerce")) or float(value) < 0):
                issues.append(_issue(row, column, "应为非负数字", "should be a number ≥ 0"))
        if str(row[C.PRODUCTION_TYPE]).strip() not in ("", "discrete", "process"):
            issues.append(
                _issue(
                    row,
                    C.PRODUCTION_TYPE,
                    "生产类型应为 discrete 或 process",
                    "production type should be discrete or process",
                )
            )
    duplicate = enterprises[enterprises.duplicated(C.USCC)]
    _flag(
        issues,
        duplicate.assign(**{COLUMN: C.USCC}),
        C.USCC,
        "重复行：同一企业出现多次",
        "duplicate row: the same enterprise appears more than once",
    )


def _scope(session: Session, actor: User, codes: Sequence[str]) -> dict[str, int]:
    """Credit code → enterprise id for the codes the actor may write drafts for."""
    found: dict[str, int] = {}
    for start in range(0, len(codes), 5000):
        rows = session.execute(
            select(col(Enterprise.uscc), col(Enterprise.id)).where(
                col(Enterprise.uscc).in_(codes[start : start + 5000]), scope_condition(actor)
            )
        ).all()
        found.update({str(u): int(i) for u, i in rows})
    return found


@dataclass
class _Plan:
    check: ImportCheck
    answers: pd.DataFrame  # usable rows with enterprise_id, year, assessment_id (NA: new)
    enterprises_new: pd.DataFrame
    existing: dict[tuple[int, int], Assessment]
    changed: pd.DataFrame


def answer_issues(
    answers: pd.DataFrame, issues: list[Issue]
) -> tuple[pd.Series, dict[str, Framework]]:
    """Check long answer rows (the reading module's answers frame): empty keys, years, credit
    codes, frameworks and versions, indicators, answers, duplicates. Adds to ``issues``;
    returns the mask of usable rows and the frameworks by "id@version" as written."""
    usable = _check_cells(answers, issues)
    frameworks = _frameworks(answers, usable, issues)
    return _check_answers(answers, usable, frameworks, issues), frameworks


def _plan(session: Session, actor: User, parsed: ParsedImport) -> _Plan:
    require_role(actor, *WRITERS_OF_DRAFTS)
    issues = list(parsed.issues)
    answers = parsed.answers.reset_index(drop=True)
    if answers.empty and not issues:
        issues.append(
            Issue(parsed.filename, None, None, "", "文件中没有答案", "the file holds no answers")
        )
    usable, frameworks = answer_issues(answers, issues)
    _check_enterprises(parsed.enterprises, issues)
    codes = sorted(set(answers.loc[usable, C.USCC]) | set(parsed.enterprises[C.USCC]))
    in_scope = _scope(session, actor, codes)
    sheet_codes = set(parsed.enterprises[C.USCC])
    new_codes = set(codes) - set(in_scope)
    may_register = Role(actor.role) is Role.ADMIN
    if new_codes and not may_register:
        outside = answers[usable & answers[C.USCC].isin(new_codes)].drop_duplicates(C.USCC)
        _flag(
            issues,
            outside,
            C.USCC,
            "企业不在您的服务范围内（未分配给您或尚未登记）",
            "the enterprise is outside your assignments (not assigned to you or not registered)",
        )
        rows = parsed.enterprises[parsed.enterprises[C.USCC].isin(new_codes)]
        _flag(
            issues,
            rows.assign(**{COLUMN: C.USCC}),
            C.USCC,
            "企业不在您的服务范围内（未分配给您或尚未登记）",
            "the enterprise is outside your assignments (not assigned to you or not registered)",
        )
    elif new_codes - sheet_codes:
        missing = answers[usable & answers[C.USCC].isin(new_codes - sheet_codes)]
        _flag(
            issues,
            missing.drop_duplicates(C.USCC),
            C.USCC,
            "企业尚未登记，且企业表中没有它",
            "the enterprise is not registered and not on the enterprise sheet",
        )
    rows = answers[usable].copy()
    rows[FRAMEWORK_VERSION] = (rows[C.FRAMEWORK_ID] + "@" + rows[FRAMEWORK_VERSION]).map(
        {key: f.version for key, f in frameworks.items()}
    )
    rows["enterprise_id"] = rows[C.USCC].map(in_scope)
    rows[C.YEAR] = pd.to_numeric(rows[C.YEAR]).astype("int64")
    existing = _existing(session, rows)
    _check_existing(rows, existing, issues)
    changed, unchanged = _diff(session, rows, existing)
    new_keys = {  # by credit code: an enterprise registered by this import has no id yet
        (u, int(y))
        for u, e, y in zip(rows[C.USCC], rows["enterprise_id"], rows[C.YEAR], strict=True)
        if pd.isna(e) or (int(e), int(y)) not in existing
    }
    updated = {
        (int(e), int(y))
        for e, y in zip(changed["enterprise_id"], changed[C.YEAR], strict=True)
        if pd.notna(e) and (int(e), int(y)) in existing
    }
    check = ImportCheck(issues, len(new_keys), len(updated), len(changed), unchanged)
    new_firms = parsed.enterprises[parsed.enterprises[C.USCC].isin(new_codes)]
    return _Plan(check, rows, new_firms, existing, changed)


def _existing(session: Session, rows: pd.DataFrame) -> dict[tuple[int, int], Assessment]:
    """(enterprise id, year) → the newest assessment, for the enterprises of the file."""
    ids = sorted({int(e) for e in rows["enterprise_id"].dropna()})
    found: dict[tuple[int, int], Assessment] = {}
    for start in range(0, len(ids), 5000):
        for assessment in session.execute(
            select(Assessment)
            .where(col(Assessment.enterprise_id).in_(ids[start : start + 5000]))
            .order_by(col(Assessment.id))
        ).scalars():
            found[(assessment.enterprise_id, assessment.year)] = assessment
    return found


def _check_existing(
    rows: pd.DataFrame, existing: dict[tuple[int, int], Assessment], issues: list[Issue]
) -> None:
    """A submitted assessment is not overwritten; a draft keeps the versions it was begun on."""
    firsts = rows.drop_duplicates(["enterprise_id", C.YEAR, C.FRAMEWORK_ID])
    for _, row in firsts.iterrows():
        if pd.isna(row["enterprise_id"]):
            continue
        found = existing.get((int(row["enterprise_id"]), int(row[C.YEAR])))
        if found is None:
            continue
        if Status(found.status) not in EDITABLE_STATUSES:
            issues.append(
                _issue(
                    row,
                    C.YEAR,
                    f"该企业 {row[C.YEAR]} 年的评估已提交，不能用导入覆盖",
                    f"the enterprise's {row[C.YEAR]} assessment is submitted and cannot be "
                    "overwritten by an import",
                )
            )
        version = found.framework_versions.get(str(row[C.FRAMEWORK_ID]))
        if version is not None and version != row[FRAMEWORK_VERSION]:
            issues.append(
                _issue(
                    row,
                    FRAMEWORK_VERSION,
                    f"草稿使用 {row[C.FRAMEWORK_ID]}@{version}，文件是 {row[FRAMEWORK_VERSION]}",
                    f"the draft uses {row[C.FRAMEWORK_ID]}@{version}; the file has "
                    f"{row[FRAMEWORK_VERSION]}",
                )
            )


def _diff(
    session: Session, rows: pd.DataFrame, existing: dict[tuple[int, int], Assessment]
) -> tuple[pd.DataFrame, int]:
    """The rows whose answer differs from the stored one, and how many are already stored."""
    keys = list(zip(rows["enterprise_id"], rows[C.YEAR], strict=True))
    found = [
        existing[(int(e), int(y))].id if pd.notna(e) and (int(e), int(y)) in existing else None
        for e, y in keys
    ]
    rows = rows.assign(assessment_id=pd.array(found, dtype="Int64"))
    ids = sorted({int(a) for a in rows["assessment_id"].dropna()})
    stored: list[Any] = []
    for start in range(0, len(ids), 5000):
        stored += session.execute(
            select(
                col(Answer.assessment_id),
                col(Answer.framework_id),
                col(Answer.indicator_id),
                col(Answer.answer),
            ).where(col(Answer.assessment_id).in_(ids[start : start + 5000]))
        ).all()
    before = pd.DataFrame(
        [tuple(r) for r in stored],
        columns=["assessment_id", C.FRAMEWORK_ID, C.INDICATOR_ID, "_stored"],
    )
    rows["assessment_id"] = rows["assessment_id"].astype("float64")
    before["assessment_id"] = before["assessment_id"].astype("float64")
    merged = rows.merge(before, how="left", on=["assessment_id", C.FRAMEWORK_ID, C.INDICATOR_ID])
    same = merged["_stored"] == merged[C.ANSWER]
    return merged[~same].drop(columns="_stored"), int(same.sum())


# ----------------------------------------------------------------------------- public


def check_import(session: Session, *, actor: User, parsed: ParsedImport) -> ImportCheck:
    """Every problem of ``parsed`` for ``actor`` and what an import would change (no writes)."""
    return _plan(session, actor, parsed).check


def apply_import(session: Session, *, actor: User, parsed: ParsedImport) -> ImportOutcome:
    """Store ``parsed`` as drafts in one transaction (all or nothing).

    Raises:
        ImportRefused: with every problem found; nothing is stored.
    """
    plan = _plan(session, actor, parsed)
    if not plan.check.ok:
        session.rollback()
        raise ImportRefused(plan.check.issues)
    before = _previous(session, parsed.sha256)
    try:
        if not plan.check.changes:
            audit.record(
                session,
                actor=actor,
                action="import.unchanged",
                object_type="file",
                object_ids=[parsed.sha256],
                detail={
                    "file": parsed.filename,
                    "sha256": parsed.sha256,
                    "layout": parsed.layout,
                    "encoding": parsed.encoding,
                    "answers_unchanged": plan.check.answers_unchanged,
                },
            )
            session.commit()
            return ImportOutcome(
                False, [], 0, 0, plan.check.answers_unchanged, parsed.sha256, before
            )
        ids, created = _write(session, actor, plan)
        audit.record(
            session,
            actor=actor,
            action="import",
            object_type="assessment",
            object_ids=ids,
            detail={
                "file": parsed.filename,
                "sha256": parsed.sha256,
                "layout": parsed.layout,
                "encoding": parsed.encoding,
                "size": parsed.size,
                "assessments_new": created,
                "answers_written": len(plan.changed),
                "answers_unchanged": plan.check.answers_unchanged,
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return ImportOutcome(
        True, ids, created, len(plan.changed), plan.check.answers_unchanged, parsed.sha256, before
    )


def _previous(session: Session, sha256: str) -> str | None:
    found = session.execute(
        select(col(AuditEvent.at), col(AuditEvent.detail))
        .where(col(AuditEvent.action).in_(["import", "import.unchanged"]))
        .order_by(col(AuditEvent.id))
    ).all()
    for at, detail in found:
        if (detail or {}).get("sha256") == sha256:
            return str(at)[:19]
    return None


def _register(session: Session, actor: User, firms: pd.DataFrame) -> dict[str, int]:
    from assessment.repo.enterprises import create_enterprise

    ids = {}
    for _, row in firms.iterrows():
        data = EnterpriseCreate(
            uscc=str(row[C.USCC]),
            name=str(row[C.NAME]).strip(),
            region_code=str(row[C.REGION_CODE]).strip(),
            industry_code=str(row[C.INDUSTRY_CODE]).strip(),
            employees=int(float(row[C.EMPLOYEES])) if str(row[C.EMPLOYEES]).strip() else None,
            revenue_wan=float(row[C.REVENUE_WAN]) if str(row[C.REVENUE_WAN]).strip() else None,
            production_type=str(row[C.PRODUCTION_TYPE]).strip() or "discrete",
        )
        enterprise = _no_commit(
            session, lambda d=data: create_enterprise(session, actor=actor, data=d)
        )
        assert enterprise.id is not None
        ids[enterprise.uscc] = enterprise.id
    return ids


def _no_commit(session: Session, make):  # type: ignore[no-untyped-def]
    """Run a repository writer inside this transaction (its commit becomes a flush)."""
    commit = session.commit
    session.commit = session.flush  # type: ignore[method-assign]
    try:
        return make()
    finally:
        session.commit = commit  # type: ignore[method-assign]


def _write(session: Session, actor: User, plan: _Plan) -> tuple[list[int], int]:
    rows = plan.changed.copy()
    if len(plan.enterprises_new):
        registered = _register(session, actor, plan.enterprises_new)
        rows["enterprise_id"] = rows["enterprise_id"].fillna(rows[C.USCC].map(registered))
    rows["enterprise_id"] = rows["enterprise_id"].astype("int64")
    versions = rows.drop_duplicates(["enterprise_id", C.YEAR, C.FRAMEWORK_ID])
    now = utcnow()
    wanted: dict[tuple[int, int], dict[str, str]] = {}
    for e, y, f, v in versions[
        ["enterprise_id", C.YEAR, C.FRAMEWORK_ID, FRAMEWORK_VERSION]
    ].itertuples(index=False, name=None):
        wanted.setdefault((int(e), int(y)), {})[str(f)] = str(v)
    production = dict(
        session.execute(
            select(col(Enterprise.id), col(Enterprise.production_type)).where(
                col(Enterprise.id).in_(sorted({k[0] for k in wanted}))
            )
        ).all()
    )
    ids: dict[tuple[int, int], int] = {}
    created = 0
    new_rows = []
    for key, frameworks in wanted.items():
        found = plan.existing.get(key)
        if found is None:
            new_rows.append(
                {
                    "enterprise_id": key[0],
                    "year": key[1],
                    "status": Status.DRAFT.value,
                    "framework_versions": frameworks,
                    "paths": _paths(frameworks, production.get(key[0])),
                    "version": 1,
                    "created_by": actor.id,
                    "updated_by": actor.id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            continue
        assert found.id is not None
        merged = {**found.framework_versions, **frameworks}
        session.execute(
            update(Assessment)
            .where(col(Assessment.id) == found.id)
            .values(
                version=col(Assessment.version) + 1,
                updated_by=actor.id,
                updated_at=now,
                framework_versions=merged,
                paths={**_paths(merged, production.get(key[0])), **found.paths},
            )
            .execution_options(synchronize_session=False)
        )
        ids[key] = found.id
    if new_rows:
        connection = session.connection()
        for start in range(0, len(new_rows), 5000):
            chunk = new_rows[start : start + 5000]
            result = connection.execute(
                insert(Assessment).returning(col(Assessment.id), sort_by_parameter_order=True),
                chunk,
            )
            for row, (new_id,) in zip(chunk, result.all(), strict=True):
                ids[(int(str(row["enterprise_id"])), int(str(row["year"])))] = int(str(new_id))
        created = len(new_rows)
    rows["assessment_id"] = [
        ids[(int(e), int(y))] for e, y in zip(rows["enterprise_id"], rows[C.YEAR], strict=True)
    ]
    before = {a.id for a in plan.existing.values()}
    _replace_answers(session, rows, rows["assessment_id"].isin(before))
    return sorted(ids.values()), created


def _paths(frameworks: dict[str, str], production_type: str | None) -> dict[str, str]:
    paths = {}
    for framework_id, version in frameworks.items():
        framework = load_framework(framework_id, version)
        if production_type in {p.id for p in framework.paths or ()}:
            paths[framework_id] = str(production_type)
    return paths


def _replace_answers(session: Session, rows: pd.DataFrame, existed: pd.Series) -> None:
    """Delete the stored answers the file changes, then insert the file's (bulk)."""
    connection = session.connection()
    stored = rows[existed]
    keys = list(
        zip(stored["assessment_id"], stored[C.FRAMEWORK_ID], stored[C.INDICATOR_ID], strict=True)
    )
    for start in range(0, len(keys), 2000):
        connection.execute(
            delete(Answer).where(
                tuple_(
                    col(Answer.assessment_id), col(Answer.framework_id), col(Answer.indicator_id)
                ).in_(keys[start : start + 2000])
            )
        )
    table = Answer.__table__  # type: ignore[attr-defined]
    bulk_insert(
        connection,
        table,
        pd.DataFrame(
            {
                "assessment_id": rows["assessment_id"].astype("int64").to_numpy(),
                "framework_id": rows[C.FRAMEWORK_ID].to_numpy(),
                "indicator_id": rows[C.INDICATOR_ID].to_numpy(),
                "answer": rows[C.ANSWER].to_numpy(),
            }
        ),
    )


# ----------------------------------------------------------------------------- report


def issues_frame(issues: Sequence[Issue], lang: str = "zh") -> pd.DataFrame:
    """The validation report as a table (sheet, row, column, value, reason)."""
    en = lang == "en"
    return pd.DataFrame(
        {
            "工作表 / sheet": [i.sheet for i in issues],
            "行 / row": pd.array([i.row for i in issues], dtype="Int64"),
            "列 / column": [i.column or "" for i in issues],
            "值 / value": [i.value for i in issues],
            "原因 / reason": [i.reason_en if en else i.reason_zh for i in issues],
        }
    )


def issues_workbook(issues: Sequence[Issue]) -> bytes:
    """The validation report as XLSX (both languages; cells made inert)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题 Problems"
    sheet.append(["工作表 sheet", "行 row", "列 column", "值 value", "原因", "reason"])
    for issue in issues:
        sheet.append(
            [
                inert_text(issue.sheet),
                issue.row,
                inert_text(issue.column or ""),
                inert_text(issue.value),
                inert_text(issue.reason_zh),
                inert_text(issue.reason_en),
            ]
        )
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (18, 8, 18, 24, 50, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = [
    "ImportCheck",
    "ImportOutcome",
    "ImportRefused",
    "answer_issues",
    "apply_import",
    "check_import",
    "issues_frame",
    "issues_workbook",
]
