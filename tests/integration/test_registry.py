"""Registry upload (row-level errors, all or nothing, audited) and campaigns with progress."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from assessment.analytics.registry import (
    RegistryInvalid,
    campaign_progress,
    create_campaign,
    import_registry,
    list_campaigns,
)
from assessment.analytics.summary import rebuild_summary
from assessment.models import AuditEvent, Enterprise, Role
from assessment.repo.assessments import create_assessment
from assessment.repo.errors import AccessDenied, ValidationFailed
from tests.integration.factories import make_admin, make_enterprise, make_uscc, make_user
from tests.integration.test_dashboard import _result

SUZHOU, KUNSHAN = "320500", "320583"


def _csv(rows: list[dict[str, object]]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def _row(region: str = KUNSHAN, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "uscc": make_uscc(region),
        "name": "名录企业",
        "region_code": region,
        "industry_code": "C34",
        "employees": 120,
        "revenue_wan": 3000,
        "production_type": "discrete",
    }
    row.update(changes)
    return row


def _count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Enterprise)).scalar_one())


def test_a_valid_registry_is_imported_confirmed_and_audited(session: Session) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    rows = [_row(), _row(), _row("320581")]
    report = import_registry(session, actor=bureau, content=_csv(rows), filename="r.csv")
    assert (report.added, report.already) == (3, 0)
    stored = session.execute(select(Enterprise)).scalars().all()
    assert {e.uscc for e in stored} == {r["uscc"] for r in rows}
    assert all(e.confirmed_by == bureau.id for e in stored)
    assert all(e.size_class == "small" for e in stored)  # 120 staff, 3,000 万元
    events = session.execute(
        select(AuditEvent).where(col(AuditEvent.action) == "registry.import")
    ).scalars()
    assert [e.detail["added"] for e in events] == [3]
    again = import_registry(session, actor=bureau, content=_csv(rows), filename="r.csv")
    assert (again.added, again.already) == (0, 3)


def test_any_bad_row_stores_nothing_and_every_error_names_row_and_column(
    session: Session,
) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    good = _row()
    rows = [
        good,
        _row(uscc="91320583XXXXXXXX00"),  # row 3: bad check digit
        _row(region="330106"),  # row 4: outside Suzhou
        _row(employees=-3),  # row 5
        _row(industry_code="C99"),  # row 6
        dict(good),  # row 7: repeats row 2
    ]
    with pytest.raises(RegistryInvalid) as info:
        import_registry(session, actor=bureau, content=_csv(rows), filename="r.csv")
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {
        (3, "uscc"),
        (4, "region_code"),
        (5, "employees"),
        (6, "industry_code"),
        (7, "uscc"),
    }
    assert _count(session) == 0


def test_xlsx_is_read_and_a_missing_column_is_a_clear_error(session: Session) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    buffer = io.BytesIO()
    pd.DataFrame([_row()]).to_excel(buffer, index=False)
    report = import_registry(session, actor=bureau, content=buffer.getvalue(), filename="r.xlsx")
    assert report.added == 1
    with pytest.raises(ValidationFailed, match="revenue_wan"):
        import_registry(
            session,
            actor=bureau,
            content=_csv([{k: v for k, v in _row().items() if k != "revenue_wan"}]),
            filename="r.csv",
        )
    with pytest.raises(ValidationFailed):
        import_registry(session, actor=bureau, content=b"x", filename="r.txt")


def test_campaign_tracks_completion_per_sub_region_with_suppression(session: Session) -> None:
    admin = make_admin(session)
    firms = [make_enterprise(session, admin, KUNSHAN) for _ in range(6)]
    firms += [make_enterprise(session, admin, "320582") for _ in range(2)]
    for firm in firms:
        _result(session, admin, firm, 2025, 40.0, 2)
    extra = make_enterprise(session, admin, KUNSHAN)  # a draft only: started, no results
    create_assessment(
        session, actor=admin, enterprise_id=extra.id or 0, year=2025, frameworks=["dcmm"]
    )
    rebuild_summary(session)
    session.commit()
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    with pytest.raises(ValidationFailed):
        create_campaign(session, actor=bureau, year=2025, name="x", targets={"330106": 3})
    campaign = create_campaign(
        session,
        actor=bureau,
        year=2025,
        name="2025 数字化诊断",
        targets={KUNSHAN: 12, "320582": 10, "320581": 4},
    )
    assert [c.id for c in list_campaigns(session, actor=bureau, year=2025)] == [campaign.id]
    progress = campaign_progress(session, actor=bureau, campaign_id=campaign.id or 0).frame
    by_code = progress.set_index("subregion")
    assert by_code.loc[KUNSHAN, "n"] == 6  # the draft is not counted
    assert by_code.loc[KUNSHAN, "completion"] == pytest.approx(50.0)
    assert bool(by_code.loc["320582", "suppressed"])  # 2 enterprises: not shown
    assert pd.isna(by_code.loc["320582", "n"])
    assert by_code.loc["320581", "n"] == 0
    other = make_user(session, Role.BUREAU, region_code="320000")
    with pytest.raises(AccessDenied):
        campaign_progress(session, actor=other, campaign_id=campaign.id or 0)
