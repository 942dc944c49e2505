"""``ronghe demo`` → ``ronghe score`` round trips, and score errors that name row and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assessment.cli import main
from assessment.scoring import score
from assessment.tabular import read_table, write_table
from indicators.loader import load_all, load_framework


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert (
        main(["demo", "--enterprises", "6", "--years", "2", "--seed", "4", "--out", str(out)]) == 0
    )
    return out


@pytest.fixture(scope="module")
def sme_answers(demo_dir: Path) -> pd.DataFrame:
    """The SME answers of two assessments, as text, in file order."""
    answers = read_table(demo_dir / "answers.csv")
    sme = answers[answers["framework_id"] == "sme"]
    first_two = sme["assessment_id"].unique()[:2]
    return sme[sme["assessment_id"].isin(first_two)].reset_index(drop=True)


def test_demo_then_score_round_trip(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    assert main(["score", str(demo_dir), "--out", str(out)]) == 0
    assert "scored 12 assessments" in capsys.readouterr().out
    result = read_table(out)
    assessments = read_table(demo_dir / "assessments.csv")
    assert sorted(result["assessment_id"]) == sorted(assessments["assessment_id"])
    for framework_id in load_all():
        for suffix in ("score", "score_100", "level"):
            assert f"{framework_id}_{suffix}" in result.columns
    composite = pd.to_numeric(result["ronghe_index"])
    assert composite.between(0, 100).all()
    assert set(result["stage_name_en"]) <= {
        "Starting",
        "Single-function",
        "Integrated",
        "Optimised",
        "Leading",
    }
    assert (result["frameworks"] == str(len(load_all()))).all()
    # 6 enterprises a year: fewer than k = 5 share anything narrower than the nation
    assert set(result["peer_group"]) <= {"nation_industry", "nation_all", "suppressed"}
    assert (result["peer_count"].astype(int) >= 5).all()
    assert pd.to_numeric(result["ronghe_index_percentile"]).between(0, 100).all()


def test_peer_groups_are_suppressed_below_k(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    assert main(["score", str(demo_dir), "--out", str(out), "--k", "7"]) == 0
    result = read_table(out)
    assert set(result["peer_group"]) == {"suppressed"}
    assert (result["ronghe_index_percentile"] == "").all()
    assert main(["score", str(demo_dir), "--out", str(out), "--k", "1"]) == 2


def test_scores_equal_the_engine_on_the_same_answers(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.parquet"
    assert main(["score", str(demo_dir), "--out", str(out)]) == 0
    result = pd.read_parquet(out).set_index("assessment_id")
    answers = read_table(demo_dir / "answers.csv")
    dcmm = score(answers[answers["framework_id"] == "dcmm"], load_framework("dcmm")).overall
    expected = dcmm.set_index("assessment_id")["score_100"].round(2)
    pd.testing.assert_series_equal(
        result.loc[expected.index, "dcmm_score_100"], expected, check_names=False
    )


def test_parquet_data_set_and_xlsx_answers_file(tmp_path: Path, sme_answers: pd.DataFrame) -> None:
    data = tmp_path / "parquet"
    assert (
        main(
            [
                "demo",
                "--enterprises",
                "3",
                "--years",
                "1",
                "--seed",
                "1",
                "--format",
                "parquet",
                "--out",
                str(data),
            ]
        )
        == 0
    )
    assert main(["score", str(data), "--out", str(tmp_path / "a.xlsx")]) == 0
    assert len(pd.read_excel(tmp_path / "a.xlsx")) == 3
    single = write_table(sme_answers, tmp_path / "answers.xlsx")
    assert main(["score", str(single), "--out", str(tmp_path / "b.csv")]) == 0
    result = read_table(tmp_path / "b.csv")
    assert len(result) == 2
    assert "sme_level" in result.columns
    assert "ronghe_index" in result.columns


def test_path_column_chooses_the_cmmm_path(demo_dir: Path, tmp_path: Path) -> None:
    answers = read_table(demo_dir / "answers.csv")
    cmmm = answers[answers["framework_id"] == "cmmm"].assign(path="process")
    path = write_table(cmmm, tmp_path / "cmmm.csv")
    assert main(["score", str(path), "--out", str(tmp_path / "out.csv")]) == 0
    cmmm.loc[cmmm.index[0], "path"] = "floating"
    write_table(cmmm, path)
    assert main(["score", str(path), "--out", str(tmp_path / "out.csv")]) == 2


def _error(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["score", str(path), "--out", str(tmp_path / "out.csv")]) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("framework_id", "mystery", "column 'framework_id': unknown framework 'mystery'"),
        (
            "indicator_id",
            "no_such_question",
            "column 'indicator_id': 'no_such_question' is not an indicator of framework sme",
        ),
        ("answer", "maybe", "column 'answer': indicator"),
        ("assessment_id", "", "column 'assessment_id': must not be empty"),
    ],
)
def test_bad_cells_are_named_by_row_and_column(
    sme_answers: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    column: str,
    value: str,
    expected: str,
) -> None:
    broken = sme_answers.copy()
    broken.loc[4, column] = value  # record 5: row 6 of the CSV, counting the header as row 1
    path = write_table(broken, tmp_path / "answers.csv")
    message = _error(path, tmp_path, capsys)
    assert f"answers.csv, row 6, {expected}" in message
    assert "第6行" in message


def test_invalid_answer_names_the_reason(
    sme_answers: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    framework = load_framework("sme")
    level_question = next(i.id for i in framework.indicators if i.answer.value == "level")
    broken = sme_answers.copy()
    row = broken.index[broken["indicator_id"] == level_question][0]
    broken.loc[row, "answer"] = "9"
    path = write_table(broken, tmp_path / "answers.csv")
    message = _error(path, tmp_path, capsys)
    assert f"row {row + 2}, column 'answer'" in message
    assert "level outside" in message


def test_repeated_answer_is_named(
    sme_answers: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = pd.concat([sme_answers, sme_answers.iloc[[0]]], ignore_index=True)
    path = write_table(broken, tmp_path / "answers.parquet")
    message = _error(path, tmp_path, capsys)
    assert f"row {len(broken)}, column 'indicator_id'" in message  # parquet: no header row
    assert "more than once" in message


def test_missing_column_is_named(
    sme_answers: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_table(sme_answers.drop(columns="answer"), tmp_path / "answers.xlsx")
    message = _error(path, tmp_path, capsys)
    assert "column 'answer': missing required column" in message
    assert "缺少必需的列" in message


def test_unknown_version_in_the_assessments_table(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "set"
    for name in ("enterprises", "assessments", "answers"):
        write_table(read_table(demo_dir / f"{name}.csv"), data / f"{name}.csv")
    assessments = read_table(data / "assessments.csv")
    newest = f"dcmm@{load_framework('dcmm').version}"
    assert newest in assessments.loc[0, "frameworks"]
    assessments.loc[0, "frameworks"] = assessments.loc[0, "frameworks"].replace(
        newest, "dcmm@1999.9"
    )
    write_table(assessments, data / "assessments.csv")
    message = _error(data, tmp_path, capsys)
    assert "assessments.csv, row 2, column 'frameworks'" in message
    assert "framework 'dcmm' has no version '1999.9'" in message


def test_framework_version_column_of_an_answers_file(
    sme_answers: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = sme_answers.assign(framework_version=load_framework("sme").version)
    path = write_table(named, tmp_path / "answers.csv")
    assert main(["score", str(path), "--out", str(tmp_path / "out.csv")]) == 0
    named.loc[3, "framework_version"] = "2001.1"
    write_table(named, path)
    message = _error(path, tmp_path, capsys)
    assert "answers.csv, row 5, column 'framework_version'" in message


def test_unsupported_extensions_and_missing_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(tmp_path / "nothing.csv"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "input does not exist" in capsys.readouterr().err
    assert main(["score", str(tmp_path), "--out", str(tmp_path / "o.txt")]) == 2
    assert "unsupported file type" in capsys.readouterr().err
