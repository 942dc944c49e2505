"""SQLModel tables of DESIGN.md §3 (reference data, enterprises, assessments, results, accounts,
audit). Tables are created and changed only through Alembic migrations (``assessment/migrations``).

Timestamps are timezone-aware UTC (sqlmodel's ``UTCDateTime`` refuses naive values).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment import append_only, length_checks

# Stable constraint names on every backend (Alembic compares and drops constraints by name).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Current time, aware UTC (the default clock)."""
    return datetime.now(UTC)


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    CONSULTANT = "consultant"
    BUREAU = "bureau"
    ADMIN = "admin"


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    VERIFIED = "verified"


EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
REVIEWABLE_STATUSES = frozenset({Status.SUBMITTED, Status.RESUBMITTED})


# Reference data (filled from assessment.reference by init-db)
class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=6)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(default="", max_length=128)
    level: str = Field(max_length=16)  # province / prefecture / county
    parent_code: str | None = Field(default=None, max_length=6, foreign_key="region.code")
    macro_region: str | None = Field(default=None, max_length=16)


class Industry(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=8)
    name_zh: str = Field(max_length=128)
    name_en: str = Field(default="", max_length=256)
    production_type: str = Field(default="discrete", max_length=16)


# Enterprise
class EnterpriseBase(SQLModel):
    uscc: str = Field(max_length=18)
    name: str = Field(min_length=1, max_length=200)
    region_code: str = Field(max_length=6)
    industry_code: str = Field(max_length=8)
    employees: int | None = Field(default=None, ge=0)
    revenue_wan: float | None = Field(default=None, ge=0)  # main business revenue, ¥10,000
    production_type: str = Field(default="discrete", max_length=16)


class EnterpriseCreate(EnterpriseBase):
    pass


class EnterpriseUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    region_code: str | None = None
    industry_code: str | None = None
    employees: int | None = Field(default=None, ge=0)
    revenue_wan: float | None = Field(default=None, ge=0)
    production_type: str | None = None


class Enterprise(EnterpriseBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, unique=True)
    # no FK: county codes change over time, and an enterprise may keep a county code that is
    # not (or no longer) in the table if its prefecture is listed (checked by the repository)
    region_code: str = Field(max_length=6, index=True)
    industry_code: str = Field(max_length=8, foreign_key="industry.code", index=True)
    size_class: str | None = Field(default=None, max_length=16)
    above_designated_size: bool = False
    # a self-registered enterprise stays unconfirmed until its region's bureau confirms it
    confirmed_at: datetime | None = None
    confirmed_by: int | None = None  # user id; no FK, which would make a cycle with app_user
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # +1 per update


# Accounts
class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=128)
    role: str = Field(max_length=16)
    region_code: str | None = Field(default=None, max_length=6)  # bureau jurisdiction (any level)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    password_hash: str | None = Field(default=None, max_length=256)
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ConsultantAssignment(SQLModel, table=True):
    __tablename__ = "consultant_assignment"

    consultant_id: int = Field(foreign_key="app_user.id", primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", primary_key=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


# Assessments, answers and materialised results
class Assessment(SQLModel, table=True):
    __table_args__ = (Index("ix_assessment_enterprise_year", "enterprise_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    year: int
    status: str = Field(default=Status.DRAFT.value, max_length=16, index=True)
    # framework id -> version answered against, e.g. {"dcmm": "2018.1"}
    framework_versions: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    paths: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    version: int = 1  # optimistic-locking counter, +1 on every save
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    reviewed_by: int | None = Field(default=None, foreign_key="app_user.id")
    reviewed_at: datetime | None = None
    review_comment: str | None = None


def _code_text(length: int) -> Any:
    """A key text compared byte by byte on PostgreSQL (codes and ids, not prose): its index is
    built and searched without the locale's collation, several times faster on a rebuild of
    millions of cells (SQLite compares bytes anyway)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Answer(SQLModel, table=True):
    # SQLite: rows stored in the key's own B-tree, not a rowid table plus a key index: one
    # B-tree to fill on a bulk load (1.3-1.7x faster) and an assessment's answers side by side
    __table_args__ = {"sqlite_with_rowid": False}

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    # ids, compared byte by byte (PostgreSQL builds the key after a bulk load ~30 % faster)
    framework_id: str = Field(primary_key=True, sa_type=_code_text(32))
    indicator_id: str = Field(primary_key=True, sa_type=_code_text(64))
    answer: str = Field(max_length=1024)


class FrameworkResult(SQLModel, table=True):
    __tablename__ = "framework_result"

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    framework_id: str = Field(max_length=32, primary_key=True)
    framework_version: str = Field(max_length=32)
    level: int | None = None
    score: float | None = None
    scale_max: float | None = None
    score_100: float | None = None
    coverage: float | None = None
    complete: bool = False
    dimension_scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    computed_at: datetime = Field(default_factory=utcnow)


class CompositeResult(SQLModel, table=True):
    __tablename__ = "composite_result"

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    crosswalk_version: str | None = Field(default=None, max_length=32)
    composite: float | None = None
    stage: int | None = None
    frameworks: int = 0
    # which frameworks' self-assessed results a current certified result replaced:
    # [{"framework_id": "dcmm", "certified_id": 7, "kind": "dcmm_certificate"}, …]
    certified: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    computed_at: datetime = Field(default_factory=utcnow)


# Evidence files attached to an answer (content kept by hash so the same file is stored once)
class EvidenceFile(SQLModel, table=True):
    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_assessment", "assessment_id", "framework_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id")
    framework_id: str = Field(max_length=32)
    indicator_id: str = Field(max_length=64)
    filename: str = Field(max_length=255)
    media_type: str = Field(max_length=64)
    size_bytes: int = Field(ge=0)
    sha256: str = Field(max_length=64, index=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow)


# Draft helpers of the self-assessment: a note per indicator (saved with the version counter like
# answers) and where each user last worked, so coming back resumes at the same place
class AnswerNote(SQLModel, table=True):
    __tablename__ = "answer_note"

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    framework_id: str = Field(max_length=32, primary_key=True)
    indicator_id: str = Field(max_length=64, primary_key=True)
    note: str = Field(max_length=4000)


class DraftPosition(SQLModel, table=True):
    __tablename__ = "draft_position"

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    framework_id: str = Field(max_length=32)
    dimension_id: str | None = Field(default=None, max_length=64)
    indicator_id: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


# Certified and official results, kept beside the self-assessed ones (DESIGN.md §2)
class CertifiedResult(SQLModel, table=True):
    __tablename__ = "certified_result"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    # dcmm_certificate / gbt23001_grade / integration_official / sme_official / cmmm_assessed
    kind: str = Field(max_length=32, index=True)
    level: int | None = None
    grade: str | None = Field(default=None, max_length=8)  # 贯标 A / AA / AAA
    score: float | None = None
    stage: int | None = None
    certificate_no: str | None = Field(default=None, max_length=64)
    issued_on: date | None = None
    expires_on: date | None = None
    source: str = Field(default="", max_length=255)
    evidence_file_id: int | None = Field(default=None, foreign_key="evidence_file.id")
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


# Dashboard summary (assessment/analytics/summary.py): counts and sums per group of enterprises,
# kept current when results change, so regional dashboards never read every result row.
class DashboardCell(SQLModel, table=True):
    __tablename__ = "dashboard_cell"
    __table_args__ = {"sqlite_with_rowid": False}  # as Answer: the key is most of the row

    # key in this order: a dashboard reads one grain, year and metric over a range of regions
    grain: str = Field(primary_key=True, sa_type=_code_text(1))  # n province, p pref., c own
    year: int = Field(primary_key=True)
    metric: str = Field(primary_key=True, sa_type=_code_text(16))  # assessed/composite/level/…
    region_code: str = Field(primary_key=True, sa_type=_code_text(6))
    framework_id: str = Field(default="", primary_key=True, sa_type=_code_text(32))
    item: str = Field(default="", primary_key=True, sa_type=_code_text(64))  # version
    bucket: int = Field(default=0, primary_key=True)  # composite 5-point bin, or level (-1: none)
    industry_code: str = Field(primary_key=True, sa_type=_code_text(8))
    size_class: str = Field(default="", primary_key=True, sa_type=_code_text(16))
    above_size: bool = Field(default=False, primary_key=True)
    production_type: str = Field(primary_key=True, sa_type=_code_text(16))
    status: str = Field(primary_key=True, sa_type=_code_text(16))
    n: int = 0  # enterprises (each by its newest assessment of the year)
    scored: int = 0  # of them, with a value in ``total`` (composite / score)
    total: float = 0.0  # sum of the value (composite index, score_100)
    # indicator metric: answered counts and score sums per indicator (analytics.summary)
    items: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


# Campaigns: a bureau's assessment drive for a year with target counts per sub-region
class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    region_code: str | None = Field(default=None, max_length=6, index=True)  # None: national
    year: int
    name: str = Field(min_length=1, max_length=200)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class CampaignTarget(SQLModel, table=True):
    __tablename__ = "campaign_target"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    region_code: str = Field(primary_key=True, max_length=6)  # a sub-region of the campaign's
    target: int = Field(ge=0)


# Audit log (append-only: the repository has no update or delete function for it)
class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)  # no FK: the log outlives accounts
    actor_username: str = Field(max_length=64)
    action: str = Field(max_length=48, index=True)
    object_type: str = Field(max_length=32)
    object_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


# Penalty-discretion calculations saved by a case handler under a case reference (案件编号)
class PenaltyCase(SQLModel, table=True):
    __tablename__ = "penalty_case"
    __table_args__ = (UniqueConstraint("owner_id", "reference", name="uq_penalty_case_owner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="app_user.id", index=True)
    reference: str = Field(max_length=64)  # 案件编号, unique per owner
    label: str = Field(default="", max_length=255)  # the acts' names, for lists
    case_input: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    version: int = 1  # optimistic-locking counter, +1 on every save
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# Signed-in sessions (the browser holds a random token in a cookie; only its hash is stored here)
class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    # SHA-256 of the one-time sign-in grant while pending, then of the cookie token
    token_hash: str = Field(max_length=64, unique=True)
    activated_at: datetime | None = None  # None: a pending grant, not yet a usable session
    lang: str = Field(default="zh", max_length=8)
    user_agent: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_seen_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: int | None = None  # user id; no FK, like the audit log it outlives accounts


append_only.attach(SQLModel.metadata.tables["audit_event"])  # the database refuses changes
length_checks.attach(SQLModel.metadata)  # text lengths checked on SQLite too


__all__ = [
    "EDITABLE_STATUSES",
    "REVIEWABLE_STATUSES",
    "Answer",
    "AnswerNote",
    "Assessment",
    "AuditEvent",
    "AuthSession",
    "Campaign",
    "CampaignTarget",
    "CertifiedResult",
    "CompositeResult",
    "ConsultantAssignment",
    "DashboardCell",
    "DraftPosition",
    "Enterprise",
    "EnterpriseCreate",
    "EnterpriseUpdate",
    "EvidenceFile",
    "FrameworkResult",
    "Industry",
    "PenaltyCase",
    "Region",
    "Role",
    "Status",
    "User",
    "utcnow",
]
