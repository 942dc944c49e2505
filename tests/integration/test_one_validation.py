"""One validation for every way in (issue 11 items 5–7): strict numbers, limits named in the
refusal, formula-inert outputs, and a text that is exactly ``\\N`` stored as text on both
backends."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assessment import repository
from assessment.cli import main
from assessment.demo import DemoData, generate
from assessment.models import EnterpriseCreate
from assessment.repo.loading import load_dataset
from assessment.repository import ValidationFailed
from assessment.tabular import TableError, inert_cells, numeric_column, read_table, write_table
from indicators.loader import load_framework
from tests.integration.factories import make_admin, make_uscc


def _small() -> DemoData:
    return generate(enterprises=2, years=1, seed=5, frameworks={"dcmm": load_framework("dcmm")})


@pytest.mark.parametrize(
    "value", ["1_000", "１２", "inf", "-inf", "nan", "1e400", "0x10", "1,000", " ", "1.5.2", "++1"]
)
def test_numbers_are_parsed_strictly(value: str) -> None:
    frame = pd.DataFrame({"n": ["1", value]})
    with pytest.raises(TableError) as caught:
        numeric_column(frame, "n", Path("t.csv"))
    assert (caught.value.row, caught.value.column) == (3, "n")


@pytest.mark.parametrize("value", ["0", "12", "+3", "1.5", ".5", "2e3", " 7 "])
def test_plain_numbers_pass(value: str) -> None:
    assert numeric_column(pd.DataFrame({"n": [value]}), "n", Path("t.csv")).notna().all()


def test_count_bounds_are_named() -> None:
    frame = pd.DataFrame({"n": ["5", "-1"]})
    with pytest.raises(TableError) as caught:
        numeric_column(frame, "n", Path("t.csv"), integer=True, minimum=0, maximum=10)
    assert "from 0 to 10" in caught.value.message_en


def test_row_limit_is_checked_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": range(50)}).to_csv(path, index=False)
    monkeypatch.setenv("RONGHE_MAX_ROWS", "20")
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert "RONGHE_MAX_ROWS" in caught.value.message_en
    parquet = tmp_path / "t.parquet"
    pd.DataFrame({"a": [str(i) for i in range(50)]}).to_parquet(parquet)
    with pytest.raises(TableError) as caught:
        read_table(parquet)
    assert "50 rows (limit 20)" in caught.value.message_en


def test_formula_cells_become_inert() -> None:
    frame = pd.DataFrame(
        {
            "=id": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "plain"],
            "n": [1, -2, 3, 4, 5],
        }
    )
    inert = inert_cells(frame)
    assert list(inert.columns) == ["'=id", "n"]
    assert inert["'=id"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "plain",
    ]
    assert inert["n"].tolist() == [1, -2, 3, 4, 5]  # numbers untouched


def test_score_output_carries_no_live_formula(tmp_path: Path) -> None:
    data = _small()
    evil = '=HYPERLINK("http://evil","x")'
    first = str(data.answers["assessment_id"].iloc[0])
    answers = data.answers.replace({first: evil})
    source = write_table(answers, tmp_path / "answers.csv")
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"out.{suffix}"
        assert main(["score", str(source), "--out", str(out)]) == 0
        if suffix == "xlsx":
            sheet = openpyxl.load_workbook(out).active
            assert sheet is not None
            cells = [c for row in sheet.iter_rows() for c in row]
            assert not [c for c in cells if c.data_type == "f"]
        else:
            assert f"'{evil}".replace('"', '""') in out.read_text(encoding="utf-8")


def test_a_text_that_is_the_copy_null_marker_is_kept(engine: Engine) -> None:
    data = _small()
    enterprises = data.enterprises.copy()
    enterprises.loc[0, "name"] = "\\N"
    load_dataset(engine, DemoData(enterprises, data.assessments, data.answers))
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM enterprise")).scalars().all()
    assert "\\N" in names
    assert None not in names


def test_load_and_score_accept_and_refuse_the_same_set(tmp_path: Path) -> None:
    data = _small()
    answers = data.answers.copy()
    answers.loc[0, "answer"] = "9"  # a level no framework has
    folder = tmp_path / "set"
    DemoData(data.enterprises, data.assessments, answers).write(folder)
    assert main(["score", str(folder), "--out", str(tmp_path / "o.csv")]) == 2
    database = tmp_path / "db.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{database}")
        assert main(["load", str(folder), "--no-score"]) == 2


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("revenue_wan", float("inf"), "revenue_wan"),
        ("employees", 2**40, "employees"),
        ("name", "A\x00B", "control character"),
        ("production_type", "batch", "discrete or process"),
    ],
)
def test_the_app_refuses_what_load_refuses(
    session: Session, field: str, value: object, fragment: str
) -> None:
    admin = make_admin(session)
    values = {
        "uscc": make_uscc("320102"),
        "name": "测试企业",
        "region_code": "320102",
        "industry_code": "C34",
        "employees": 10,
        "revenue_wan": 100.0,
        field: value,
    }
    with pytest.raises(ValidationFailed) as caught:
        repository.create_enterprise(
            session, actor=admin, data=EnterpriseCreate.model_validate(values)
        )
    assert fragment in caught.value.message_en
