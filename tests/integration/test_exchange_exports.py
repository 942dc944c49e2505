"""Exports (CSV/XLSX with inert cells) and the JSON interchange roll-up: export → import into
another database → export gives the same bytes, and a second import changes nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assessment import repository
from assessment.db import make_engine
from assessment.exchange.exports import export_tables
from assessment.exchange.interchange import (
    export_interchange,
    import_interchange,
    parse_interchange,
)
from assessment.exchange.reading import ImportRefused
from assessment.models import Answer, Assessment, CompositeResult, Role
from assessment.tabular import inert_text
from tests.conftest import prepared
from tests.integration import factories as f
from tests.integration.consultant_setup import make_client


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86", "'+86"),
        ("-x", "'-x"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("融合", "融合"),
        (3.5, 3.5),
        (-2, -2),
        (None, None),
    ],
)
def test_inert_cells(value: object, expected: object) -> None:
    assert inert_text(value) == expected


def _submitted(session: Session):  # type: ignore[no-untyped-def]
    client = make_client(session, answer="3")
    assert client.assessment.id is not None
    repository.submit_assessment(
        session,
        actor=client.consultant,
        assessment_id=client.assessment.id,
        base_version=client.assessment.version,
    )
    return client


def test_scores_and_answers_export_for_the_consultant(session: Session) -> None:
    client = _submitted(session)
    client.enterprise.name = '=HYPERLINK("http://x")公司'
    session.add(client.enterprise)
    session.commit()
    name, data = export_tables(session, actor=client.consultant, kind="scores", fmt="csv")
    assert name == "ronghe_scores.csv"
    scores = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    assert scores.loc[0, "name"].startswith("'=")
    assert scores.loc[0, "dcmm_level"] == "3"
    assert float(scores.loc[0, "ronghe_index"]) > 0
    _, book = export_tables(session, actor=client.consultant, kind="answers", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(book))["answers"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 28
    assert {r[5] for r in rows} == {"3"}
    stranger = f.make_user(session, Role.CONSULTANT)
    _, empty = export_tables(session, actor=stranger, kind="answers", fmt="csv")
    assert len(pd.read_csv(io.BytesIO(empty), encoding="utf-8-sig")) == 0


@pytest.fixture
def other_instance() -> Iterator[Engine]:
    engine = prepared(make_engine("sqlite://"))
    yield engine
    engine.dispose()


def test_rollup_round_trip_is_byte_identical(session: Session, other_instance: Engine) -> None:
    client = _submitted(session)
    make_client(session, year=2024)  # a draft: never passed upward
    bureau = f.make_user(session, Role.BUREAU, region_code="320000")
    _, first = export_interchange(session, actor=bureau)
    document = json.loads(first)
    assert document["format"] == "ronghe-interchange"
    assert [a["year"] for a in document["assessments"]] == [2025]
    with Session(other_instance, expire_on_commit=False) as upper:
        admin = f.make_admin(upper)
        outcome = import_interchange(upper, actor=admin, data=first)
        assert (outcome.enterprises_new, outcome.assessments_new) == (1, 1)
        stored = upper.execute(select(CompositeResult.composite)).scalar_one()
        assert stored is not None
        _, second = export_interchange(upper, actor=admin)
        assert second == first
        counts = [
            upper.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Assessment, Answer)
        ]
        again = import_interchange(upper, actor=admin, data=first)
        assert not again.changed
        assert "Nothing changed" in again.message("en")
        assert counts == [
            upper.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Assessment, Answer)
        ]
    assert client.enterprise.uscc in first.decode()


def test_rollup_refuses_bad_answers_and_foreign_enterprises(session: Session) -> None:
    _submitted(session)
    bureau = f.make_user(session, Role.BUREAU, region_code="320000")
    _, data = export_interchange(session, actor=bureau)
    document = json.loads(data)
    document["assessments"][0]["answers"]["dcmm"]["data_strategy_planning"] = "9"
    broken = json.dumps(document).encode()
    with pytest.raises(ImportRefused, match="invalid answer"):
        import_interchange(session, actor=f.make_admin(session, "root2"), data=broken)
    elsewhere = f.make_user(session, Role.BUREAU, region_code="110000")
    with pytest.raises(ImportRefused, match="outside your jurisdiction"):
        import_interchange(session, actor=elsewhere, data=data)
    with pytest.raises(ImportRefused, match="format_version"):
        parse_interchange(data.replace(b'"format_version": 1', b'"format_version": 7'))
