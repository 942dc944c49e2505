"""Evidence files attached to an answer: PDF or image, size-limited, stored with their SHA-256.

The type is decided from the content (magic bytes, and for images a decode by Pillow), never
from the name alone; the name's extension must agree with it. Files can be added and removed
while the assessment is editable; reads are scoped like every other enterprise data.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from sqlalchemy import delete
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from assessment.models import EvidenceFile, User, utcnow
from assessment.repo import audit
from assessment.repo.assessments import _editable, get_assessment
from assessment.repo.errors import AccessDenied, ValidationFailed

MAX_EVIDENCE_BYTES: Final = 10 * 1024 * 1024
MAX_FILES_PER_INDICATOR: Final = 10
# media type → extensions a file of that type may carry
MEDIA_TYPES: Final = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
}
ACCEPTED_EXTENSIONS: Final = tuple(e.lstrip(".") for exts in MEDIA_TYPES.values() for e in exts)
_PILLOW_FORMATS: Final = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@dataclass(frozen=True)
class EvidenceInfo:
    """An evidence file without its content."""

    id: int
    framework_id: str
    indicator_id: str
    filename: str
    media_type: str
    size_bytes: int
    sha256: str


def detect_media_type(content: bytes) -> str | None:
    """The media type of ``content`` if it is a PDF or a decodable PNG / JPEG / WebP image."""
    if content.startswith(b"%PDF-"):
        return "application/pdf" if b"%%EOF" in content[-2048:] else None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            return _PILLOW_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def check_evidence(filename: str, content: bytes) -> str:
    """The media type of an acceptable evidence file, or :class:`ValidationFailed` saying why."""
    name = PurePath(filename).name
    if not content:
        raise ValidationFailed(f"文件“{name}”是空的。", f"The file '{name}' is empty.")
    if len(content) > MAX_EVIDENCE_BYTES:
        limit = MAX_EVIDENCE_BYTES // (1024 * 1024)
        size = len(content) / (1024 * 1024)
        raise ValidationFailed(
            f"文件“{name}”有 {size:.1f} MB，超过 {limit} MB 的上限。",
            f"The file '{name}' is {size:.1f} MB, over the {limit} MB limit.",
        )
    media_type = detect_media_type(content)
    if media_type is None:
        raise ValidationFailed(
            f"文件“{name}”不是有效的 PDF 或图片（PNG、JPEG、WebP）。",
            f"The file '{name}' is not a valid PDF or image (PNG, JPEG, WebP).",
        )
    extension = PurePath(name).suffix.lower()
    if extension not in MEDIA_TYPES[media_type]:
        raise ValidationFailed(
            f"文件“{name}”的内容是 {media_type}，与扩展名“{extension}”不符。",
            f"The content of '{name}' is {media_type}, which does not match '{extension}'.",
        )
    return media_type


def _info(row: EvidenceFile) -> EvidenceInfo:
    assert row.id is not None
    return EvidenceInfo(
        row.id,
        row.framework_id,
        row.indicator_id,
        row.filename,
        row.media_type,
        row.size_bytes,
        row.sha256,
    )


def add_evidence(
    session: Session,
    *,
    actor: User,
    assessment_id: int,
    framework_id: str,
    indicator_id: str,
    filename: str,
    content: bytes,
) -> EvidenceInfo:
    """Attach a file to one indicator of an editable assessment.

    Raises:
        ValidationFailed: empty, oversized, not a PDF / image, extension not matching the
            content, unknown indicator, the same file already attached there, or too many files.
        InvalidState / AccessDenied: the assessment is submitted or out of scope.
    """
    assessment = _editable(session, actor, assessment_id)
    _require_indicator(assessment.framework_versions, framework_id, indicator_id)
    media_type = check_evidence(filename, content)
    digest = hashlib.sha256(content).hexdigest()
    present = list_evidence(
        session,
        actor=actor,
        assessment_id=assessment_id,
        framework_id=framework_id,
        indicator_id=indicator_id,
    )
    name = PurePath(filename).name[:255]
    if any(e.sha256 == digest for e in present):
        raise ValidationFailed(
            f"文件“{name}”已附在此指标下。", f"The file '{name}' is already attached here."
        )
    if len(present) >= MAX_FILES_PER_INDICATOR:
        raise ValidationFailed(
            f"每个指标最多 {MAX_FILES_PER_INDICATOR} 个佐证文件。",
            f"At most {MAX_FILES_PER_INDICATOR} evidence files per indicator.",
        )
    row = EvidenceFile(
        assessment_id=assessment_id,
        framework_id=framework_id,
        indicator_id=indicator_id,
        filename=name,
        media_type=media_type,
        size_bytes=len(content),
        sha256=digest,
        content=content,
        uploaded_by=actor.id,
        uploaded_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="evidence.add",
        object_type="assessment",
        object_ids=[assessment_id],
        detail={"indicator": f"{framework_id}.{indicator_id}", "file": name, "sha256": digest},
    )
    session.commit()
    return _info(row)


def _require_indicator(versions: dict[str, str], framework_id: str, indicator_id: str) -> None:
    from indicators.loader import load_framework

    if framework_id not in versions:
        raise ValidationFailed(
            f"此评估不包含指标体系 {framework_id}。",
            f"This assessment does not include framework {framework_id}.",
        )
    framework = load_framework(framework_id, versions[framework_id])
    if indicator_id not in {i.id for i in framework.indicators}:
        raise ValidationFailed(
            f"{framework_id} 中没有指标 {indicator_id}。",
            f"{framework_id} has no indicator {indicator_id}.",
        )


def list_evidence(
    session: Session,
    *,
    actor: User,
    assessment_id: int,
    framework_id: str | None = None,
    indicator_id: str | None = None,
) -> Sequence[EvidenceInfo]:
    """The evidence files of an assessment in the actor's scope (without their content)."""
    get_assessment(session, actor=actor, assessment_id=assessment_id)
    query = (
        select(EvidenceFile)
        .options(defer(EvidenceFile.content))  # type: ignore[arg-type]
        .where(col(EvidenceFile.assessment_id) == assessment_id)
    )
    if framework_id is not None:
        query = query.where(col(EvidenceFile.framework_id) == framework_id)
    if indicator_id is not None:
        query = query.where(col(EvidenceFile.indicator_id) == indicator_id)
    return [_info(row) for row in session.exec(query.order_by(col(EvidenceFile.id))).all()]


def evidence_content(
    session: Session, *, actor: User, assessment_id: int, evidence_id: int
) -> tuple[EvidenceInfo, bytes]:
    """One file with its content (AccessDenied when it is not in the actor's scope); the read is
    recorded in the audit log like any export."""
    get_assessment(session, actor=actor, assessment_id=assessment_id)
    row = session.exec(
        select(EvidenceFile).where(
            col(EvidenceFile.id) == evidence_id, col(EvidenceFile.assessment_id) == assessment_id
        )
    ).first()
    if row is None:
        raise AccessDenied()
    audit.record_export(
        session,
        actor=actor,
        what="evidence_file",
        object_type="evidence_file",
        object_ids=[evidence_id],
        detail={"assessment_id": assessment_id, "filename": row.filename},
    )
    return _info(row), row.content


def remove_evidence(session: Session, *, actor: User, assessment_id: int, evidence_id: int) -> None:
    """Detach a file from an editable assessment (audited)."""
    _editable(session, actor, assessment_id)
    info, _ = evidence_content(
        session, actor=actor, assessment_id=assessment_id, evidence_id=evidence_id
    )
    session.execute(delete(EvidenceFile).where(col(EvidenceFile.id) == evidence_id))
    audit.record(
        session,
        actor=actor,
        action="evidence.remove",
        object_type="assessment",
        object_ids=[assessment_id],
        detail={"indicator": f"{info.framework_id}.{info.indicator_id}", "file": info.filename},
    )
    session.commit()
