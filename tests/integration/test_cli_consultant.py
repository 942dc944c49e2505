"""The consultant's commands end to end on a SQLite file: ``template`` → fill → ``import``
(refused with a problem list, then fixed) → ``report`` → ``export``."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from assessment import repository
from assessment.cli import main
from assessment.db import make_engine, migrate
from assessment.models import Role
from assessment.repo.reference_data import sync_reference_data
from tests.integration import factories as f


@pytest.fixture
def consultant_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file with consultant "kim" assigned one client; returns its USCC."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        sync_reference_data(session)
        admin = f.make_admin(session)
        kim = f.make_user(session, Role.CONSULTANT, username="kim")
        firm = f.make_enterprise(session, admin, name="无锡示例电子有限公司")
        assert kim.id is not None
        assert firm.id is not None
        repository.assign_consultant(
            session, actor=admin, consultant_id=kim.id, enterprise_ids=[firm.id]
        )
        uscc = firm.uscc
    engine.dispose()
    return uscc


def test_template_import_report_export(
    consultant_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", "--framework", "dcmm", "--out", "t.xlsx"]) == 0
    book = load_workbook("t.xlsx")
    sheet = book["dcmm"]
    sheet.append([consultant_db, 2026, "=1+1"] + ["3"] * (sheet.max_column - 3))
    book.save("filled.xlsx")
    assert main(["import", "filled.xlsx", "--user", "kim", "--report", "problems.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "formula" in err
    problems = load_workbook("problems.xlsx").active
    assert problems is not None
    assert problems["C2"].value == "C"
    sheet["C4"] = "3"
    book.save("filled.xlsx")
    assert main(["import", "filled.xlsx", "--user", "kim"]) == 0
    assert "Imported: 1 new drafts" in capsys.readouterr().out
    assert main(["import", "filled.xlsx", "--user", "kim"]) == 0
    assert "Nothing changed" in capsys.readouterr().out
    assert (
        main(
            [
                "report",
                "--enterprise",
                consultant_db,
                "--year",
                "2026",
                "--user",
                "kim",
                "--out",
                "r.pdf",
            ]
        )
        == 0
    )
    assert Path("r.pdf").read_bytes().startswith(b"%PDF")
    assert main(["export", "answers", "--user", "kim", "--out", "a.csv"]) == 0
    assert len(Path("a.csv").read_text(encoding="utf-8-sig").splitlines()) == 29
    assert (
        main(
            [
                "report",
                "--all",
                "--year",
                "2026",
                "--user",
                "kim",
                "--out",
                "all.zip",
                "--format",
                "xlsx",
            ]
        )
        == 0
    )
    names = zipfile.ZipFile("all.zip").namelist()
    assert len(names) == 1
    assert names[0].endswith(".xlsx")
