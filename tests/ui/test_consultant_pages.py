"""The consultant pages: portfolio (bulk reports), templates and import (validation report,
import as drafts), exports and roll-up."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from assessment.exchange.templates import template_workbook
from assessment.models import Role
from tests.integration import factories as f
from tests.integration.consultant_setup import CLIENT_NAME, Client, make_client
from ui.navigation import pages_for

pytestmark = pytest.mark.ui


@pytest.fixture
def client(app_engine: Engine) -> Client:
    with Session(app_engine, expire_on_commit=False) as session:
        return make_client(session)


def _filled(client: Client, first: str = "3") -> bytes:
    book = load_workbook(io.BytesIO(template_workbook(["dcmm"])))
    sheet = book["dcmm"]
    sheet.append([client.enterprise.uscc, 2026, first] + ["3"] * (sheet.max_column - 3))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_pages_are_registered_for_consultants_not_enterprises() -> None:
    consultant = {p.url_path for p in pages_for("consultant")}
    assert {"portfolio", "import", "exports"} <= consultant
    assert "exports" in {p.url_path for p in pages_for("bureau")}
    assert not {"portfolio", "import", "exports"} & {p.url_path for p in pages_for("enterprise")}


def test_portfolio_lists_the_client_and_makes_reports(
    app_as, app_engine: Engine, client: Client
) -> None:
    with Session(app_engine, expire_on_commit=False) as session:
        from assessment import repository

        other = repository.create_assessment(
            session,
            actor=client.consultant,
            enterprise_id=client.enterprise.id,
            year=2024,
            frameworks=["dcmm"],
        )
    at = app_as(client.consultant, page="app_pages/consultant_portfolio.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert CLIENT_NAME in set(table["name"])
    assert "ronghe_index" in table.columns
    at.multiselect(key="portfolio__chosen").select(client.assessment.id).run()
    at.button[0].click().run()
    assert not at.exception
    name, data = at.session_state["portfolio__file"]
    assert name.endswith(".pdf")
    assert data[:4] == b"%PDF"
    at.multiselect(key="portfolio__chosen").select(other.id).run()
    at.button[0].click().run()
    name, data = at.session_state["portfolio__file"]
    assert name.endswith(".zip")
    assert data[:2] == b"PK"


def test_import_page_reports_problems_then_imports(app_as, client: Client) -> None:
    at = app_as(client.consultant, page="app_pages/consultant_import.py", lang="en")
    assert not at.exception
    at.file_uploader(key="import__file").set_value(
        ("filled.xlsx", _filled(client, first="=1+2"), "application/octet-stream")
    ).run()
    assert not at.exception
    assert "problems found" in at.error[0].value
    problems = at.dataframe[-1].value
    assert problems.iloc[0, 4].startswith("the cell holds a formula")
    at.file_uploader(key="import__file").set_value(
        ("filled.xlsx", _filled(client), "application/octet-stream")
    ).run()
    assert "Valid: 1 new drafts" in at.success[0].value
    at.button(key="import__apply").click().run()
    assert not at.exception
    assert any("Imported: 1 new drafts" in s.value for s in at.success)


def test_export_page_for_a_bureau(app_as, app_engine: Engine, client: Client) -> None:
    with Session(app_engine, expire_on_commit=False) as session:
        bureau = f.make_user(session, Role.BUREAU, region_code="320000")
    at = app_as(bureau, page="app_pages/consultant_export.py")
    assert not at.exception
    at.radio(key="export__what").set_value("interchange").run()
    at.button(key="export__make").click().run()
    assert not at.exception
    name, data = at.session_state["export__file"]
    assert name.endswith(".json")
    assert b"ronghe-interchange" in data


def test_portfolio_names_frameworks_and_prompts_in_chinese(
    app_as, app_engine: Engine, client: Client
) -> None:
    """Level columns carry the framework's name, not its id; the empty multiselect prompts
    in Chinese (Streamlit's own placeholder is English)."""
    with Session(app_engine, expire_on_commit=False) as session:
        from assessment import repository

        repository.submit_assessment(
            session,
            actor=client.consultant,
            assessment_id=client.assessment.id,
            base_version=client.assessment.version,
        )
    at = app_as(client.consultant, page="app_pages/consultant_portfolio.py", lang="zh")
    assert not at.exception
    labels = {c: v.get("label") for c, v in json.loads(at.dataframe[0].proto.columns).items()}
    assert labels["dcmm_level"] == "数据管理能力成熟度（DCMM） 等级"
    assert at.multiselect(key="portfolio__chosen").placeholder == "请选择"
