"""Certified and official results (issue 14 item 3): validation, scope, audit, import file with
row-level errors and atomicity, and the Ronghe Index using a current certified result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from assessment import repository
from assessment.cli import main
from assessment.models import AuditEvent, CertifiedResult, CompositeResult
from assessment.repo.certified import (
    CertifiedInput,
    ImportRefused,
    import_certified,
    list_certified,
    record_certified,
    ronghe_index,
)
from assessment.repository import AccessDenied, ValidationFailed
from tests.integration import test_assessments
from tests.integration.test_assessments import Cast, submitted

cast = test_assessments.cast  # the same cast of users as the assessment tests (a fixture)

TODAY = date(2026, 11, 26)
DCMM_4 = CertifiedInput(
    kind="dcmm_certificate",
    level=4,
    certificate_no="DCMM-2025-0042",
    issued_on=date(2025, 3, 1),
    expires_on=date(2028, 2, 28),
    source="CESA DCMM 证书查询",
)


def test_a_consultant_records_a_dcmm_certificate_and_it_is_audited(
    session: Session, cast: Cast
) -> None:
    row = record_certified(
        session,
        actor=cast.consultant,
        enterprise_id=cast.enterprise.id or 0,
        data=DCMM_4,
        today=TODAY,
    )
    assert (row.kind, row.level, row.certificate_no) == ("dcmm_certificate", 4, "DCMM-2025-0042")
    assert row.recorded_by == cast.consultant.id
    events = session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "certified.record")
    ).all()
    assert [e.object_ids for e in events] == [[str(row.id)]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            CertifiedInput(
                kind="dcmm_certificate",
                level=6,
                certificate_no="X",
                issued_on=date(2025, 1, 1),
                expires_on=date(2028, 1, 1),
                source="s",
            ),
            "level",
        ),
        (
            CertifiedInput(
                kind="dcmm_certificate",
                level=3,
                issued_on=date(2025, 1, 1),
                expires_on=date(2028, 1, 1),
                source="s",
            ),
            "certificate_no",
        ),
        (
            CertifiedInput(
                kind="dcmm_certificate",
                level=3,
                certificate_no="X",
                issued_on=date(2025, 1, 1),
                expires_on=date(2024, 1, 1),
                source="s",
            ),
            "expires_on",
        ),
        (
            CertifiedInput(
                kind="gbt23001_grade",
                grade="AAAA",
                certificate_no="X",
                issued_on=date(2025, 1, 1),
                source="s",
            ),
            "grade",
        ),
        (
            CertifiedInput(
                kind="integration_official",
                score=101,
                stage=2,
                issued_on=date(2025, 1, 1),
                source="s",
            ),
            "score",
        ),
        (
            CertifiedInput(
                kind="integration_official",
                score=55,
                stage=5,
                issued_on=date(2025, 1, 1),
                source="s",
            ),
            "stage",
        ),
        (
            CertifiedInput(kind="sme_official", level=5, issued_on=date(2025, 1, 1), source="s"),
            "level",
        ),
        (
            CertifiedInput(
                kind="sme_official", level=2, grade="A", issued_on=date(2025, 1, 1), source="s"
            ),
            "grade",
        ),
        (
            CertifiedInput(kind="cmmm_assessed", level=3, issued_on=date(2027, 1, 1), source="s"),
            "issued_on",
        ),
        (
            CertifiedInput(kind="cmmm_assessed", level=3, issued_on=date(2025, 1, 1), source=" "),
            "source",
        ),
        (CertifiedInput(kind="guess", level=3, issued_on=date(2025, 1, 1), source="s"), "kind"),
    ],
)
def test_invalid_results_are_refused_naming_the_field(
    session: Session, cast: Cast, data: CertifiedInput, field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        record_certified(
            session,
            actor=cast.admin,
            enterprise_id=cast.enterprise.id or 0,
            data=data,
            today=TODAY,
        )
    assert field in caught.value.message_en
    assert session.exec(select(CertifiedResult)).all() == []


def test_writes_are_scoped_and_the_enterprise_itself_only_reads(
    session: Session, cast: Cast
) -> None:
    enterprise_id = cast.enterprise.id or 0
    for outsider in (cast.other_bureau, cast.owner):
        with pytest.raises(AccessDenied):
            record_certified(
                session, actor=outsider, enterprise_id=enterprise_id, data=DCMM_4, today=TODAY
            )
    record_certified(
        session, actor=cast.bureau, enterprise_id=enterprise_id, data=DCMM_4, today=TODAY
    )
    assert len(list_certified(session, actor=cast.owner, enterprise_id=enterprise_id)) == 1
    assert len(list_certified(session, actor=cast.consultant)) == 1
    assert list_certified(session, actor=cast.other_bureau) == []
    with pytest.raises(AccessDenied):
        list_certified(session, actor=cast.other_bureau, enterprise_id=enterprise_id)


def test_only_current_results_are_listed_as_current(session: Session, cast: Cast) -> None:
    enterprise_id = cast.enterprise.id or 0
    expired = CertifiedInput(
        kind="dcmm_certificate",
        level=2,
        certificate_no="OLD",
        issued_on=date(2020, 1, 1),
        expires_on=date(2023, 1, 1),
        source="old",
    )
    record_certified(
        session, actor=cast.admin, enterprise_id=enterprise_id, data=expired, today=TODAY
    )
    record_certified(
        session, actor=cast.admin, enterprise_id=enterprise_id, data=DCMM_4, today=TODAY
    )
    current = list_certified(
        session, actor=cast.admin, enterprise_id=enterprise_id, current_on=TODAY
    )
    assert [r.certificate_no for r in current] == ["DCMM-2025-0042"]


def test_the_index_uses_a_current_certificate_in_place_of_the_self_assessment(
    session: Session, cast: Cast
) -> None:
    done = submitted(session, cast, "2")  # self-assessed DCMM level 2
    before = session.get(CompositeResult, done.id)
    assert before is not None
    assert before.certified == []
    record_certified(
        session,
        actor=cast.consultant,
        enterprise_id=cast.enterprise.id or 0,
        data=DCMM_4,
        today=TODAY,
    )
    both = ronghe_index(session, actor=cast.owner, assessment_id=done.id or 0, today=TODAY)
    assert both.self_assessed_stage == 2
    assert both.with_certified_stage == 4  # DCMM level 4 counts at the middle of its band
    assert both.with_certified == pytest.approx(70.0)
    assert [(r["framework_id"], r["kind"]) for r in both.replaced] == [("dcmm", "dcmm_certificate")]
    # a rescore stores the replacement with the composite
    repository.rescore_assessments(session, actor=cast.admin)
    session.expire_all()
    after = session.get(CompositeResult, done.id)
    assert after is not None
    assert after.stage == 4
    assert [r["framework_id"] for r in after.certified or []] == ["dcmm"]
    with pytest.raises(AccessDenied):
        ronghe_index(session, actor=cast.other_bureau, assessment_id=done.id or 0)


def test_an_expired_certificate_does_not_replace(session: Session, cast: Cast) -> None:
    done = submitted(session, cast, "2")
    record_certified(
        session, actor=cast.admin, enterprise_id=cast.enterprise.id or 0, data=DCMM_4, today=TODAY
    )
    later = ronghe_index(
        session, actor=cast.admin, assessment_id=done.id or 0, today=date(2029, 1, 1)
    )
    assert later.replaced == []
    assert later.with_certified == later.self_assessed


HEADER = "uscc,kind,level,grade,score,stage,certificate_no,issued_on,expires_on,source\n"


def _file(tmp_path: Path, uscc: str, *rows: str) -> Path:
    path = tmp_path / "certified.csv"
    path.write_text(
        HEADER + "".join(r.replace("{uscc}", uscc) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_import_stores_every_kind(session: Session, cast: Cast, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        cast.enterprise.uscc,
        "{uscc},dcmm_certificate,3,,,,DCMM-1,2025-01-10,2028-01-09,CESA",
        "{uscc},gbt23001_grade,,AA,,,GB-1,2024-05-01,,两化融合管理体系评定证书",
        "{uscc},integration_official,,,62.5,3,,2025-06-30,,cspiii.com",
        "{uscc},sme_official,2,,,,,2025-03-01,,zjtx.miit.gov.cn",
        "{uscc},cmmm_assessed,3,,,,,2025-08-01,,c3mep.cn",
    )
    stored = import_certified(session, path, actor=cast.consultant, today=TODAY)
    assert [r.kind for r in stored] == [
        "dcmm_certificate",
        "gbt23001_grade",
        "integration_official",
        "sme_official",
        "cmmm_assessed",
    ]
    assert stored[1].grade == "AA"
    assert stored[2].score == pytest.approx(62.5)


def test_import_lists_every_bad_row_and_stores_nothing(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        cast.enterprise.uscc,
        "{uscc},dcmm_certificate,3,,,,DCMM-1,2025-01-10,2028-01-09,CESA",
        "{uscc},gbt23001_grade,,AAAA,,,GB-1,2024-05-01,,x",
        "91000000000000000X,sme_official,2,,,,,2025-03-01,,x",
        "{uscc},cmmm_assessed,three,,,,,2025-08-01,,x",
    )
    with pytest.raises(ImportRefused) as caught:
        import_certified(session, path, actor=cast.admin, today=TODAY)
    where = [(e.row, e.column) for e in caught.value.errors]
    assert where == [(3, "grade"), (4, "uscc"), (5, "level")]
    assert session.exec(select(CertifiedResult)).all() == []


def test_import_refuses_enterprises_outside_the_importers_scope(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    path = _file(tmp_path, cast.enterprise.uscc, "{uscc},sme_official,2,,,,,2025-03-01,,x")
    with pytest.raises(ImportRefused) as caught:
        import_certified(session, path, actor=cast.other_bureau, today=TODAY)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "uscc")]


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite database with one enterprise, reached through DATABASE_URL."""
    from assessment.db import make_engine, migrate
    from assessment.repo.reference_data import sync_reference_data
    from tests.integration.factories import make_admin, make_enterprise

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        sync_reference_data(session)
        uscc = make_enterprise(session, make_admin(session), "320102").uscc
    engine.dispose()
    return uscc


def test_the_cli_imports_a_file_or_lists_every_bad_row(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _file(tmp_path, cli_db, "{uscc},sme_official,9,,,,,2025-03-01,,x", "{uscc},x,1,,,,,,,")
    assert main(["certified", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'level'" in err
    assert "第3行" in err
    assert "nothing was imported" in err
    good = _file(tmp_path, cli_db, "{uscc},sme_official,3,,,,,2025-03-01,,zjtx.miit.gov.cn")
    assert main(["certified", "import", str(good)]) == 0
    assert "imported 1 certified results" in capsys.readouterr().out
    assert main(["certified", "import", str(good), "--as", "nobody"]) == 2


def test_import_links_an_evidence_file_by_its_hash_within_the_enterprise(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    import hashlib

    from assessment.models import EvidenceFile

    done = submitted(session, cast, "3")
    content = b"%PDF-1.4 certificate scan"
    digest = hashlib.sha256(content).hexdigest()
    evidence = EvidenceFile(
        assessment_id=done.id or 0,
        framework_id="dcmm",
        indicator_id="x",
        filename="cert.pdf",
        media_type="application/pdf",
        size_bytes=len(content),
        sha256=digest,
        content=content,
    )
    session.add(evidence)
    session.commit()
    path = tmp_path / "certified.csv"
    path.write_text(
        "uscc,kind,level,certificate_no,issued_on,expires_on,source,evidence_sha256\n"
        f"{cast.enterprise.uscc},dcmm_certificate,3,D-1,2025-01-01,2028-01-01,CESA,{digest}\n"
        f"{cast.enterprise.uscc},dcmm_certificate,3,D-2,2025-01-01,2028-01-01,CESA,{'0' * 64}\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as caught:
        import_certified(session, path, actor=cast.admin, today=TODAY)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "evidence_sha256")]
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:2]) + "\n")
    (row,) = import_certified(session, path, actor=cast.admin, today=TODAY)
    assert row.evidence_file_id == evidence.id


def test_demo_certified_results_are_reproducible_valid_and_partly_expired(
    session: Session, cast: Cast
) -> None:
    from assessment.repo.certified import seed_demo_certified
    from tests.integration.factories import make_enterprise

    admin = cast.admin
    for k in range(40):
        make_enterprise(session, admin, "320102", name=f"演示企业{k}")
    stored = seed_demo_certified(session, seed=7, today=TODAY)
    rows = session.exec(select(CertifiedResult)).all()
    assert stored == len(rows) > 0
    assert {r.kind for r in rows} <= {"dcmm_certificate", "gbt23001_grade", "sme_official"}
    assert all(r.issued_on is not None and r.issued_on <= TODAY for r in rows)
    assert all(r.source == "演示数据 / demo data" for r in rows)
