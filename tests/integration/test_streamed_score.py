"""Streamed ``ronghe score`` (issue 15): scoring in chunks of whole assessments gives the same
output as scoring the whole data set at once, for grouped and ungrouped files, CSV and Parquet;
a bad row in the last chunk refuses the run and writes no output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assessment import streaming
from assessment.batch import read_input, score_answers
from assessment.cli import main
from assessment.demo import generate
from assessment.streaming import survey
from assessment.tabular import TableError, read_table, write_table

CHUNKS = [1, 7, 1000]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data set of 20 enterprises × 2 years (40 assessments), every framework."""
    out = tmp_path_factory.mktemp("set")
    generate(enterprises=20, years=2, seed=11).write(out, "csv")
    return out


@pytest.fixture(scope="module")
def whole(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The output of the whole-table scorer (``assessment.batch``, read in one piece)."""
    answers, source, context = read_input(dataset)
    results = score_answers(answers, source, context=context)
    out = tmp_path_factory.mktemp("whole")
    write_table(results, out / "whole.csv")
    write_table(results, out / "whole.parquet")
    return {kind: (out / f"whole.{kind}").read_bytes() for kind in ("csv", "parquet")}


def _score(source: Path, out: Path, chunk: int) -> int:
    return main(["score", str(source), "--out", str(out), "--chunk-size", str(chunk)])


@pytest.mark.parametrize("chunk", CHUNKS)
def test_chunks_give_the_whole_output(
    dataset: Path, whole: dict[str, bytes], tmp_path: Path, chunk: int
) -> None:
    out = tmp_path / "scores.csv"
    assert _score(dataset, out, chunk) == 0
    assert out.read_bytes() == whole["csv"]
    parquet = tmp_path / "scores.parquet"
    assert _score(dataset, parquet, chunk) == 0
    expected = pd.read_parquet(pd.io.common.BytesIO(whole["parquet"]))
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), expected)
    assert len(expected) == 40
    assert expected["ronghe_index_percentile"].notna().any()


@pytest.mark.parametrize("chunk", [1, 7])
def test_parquet_input_and_ungrouped_rows(
    dataset: Path, whole: dict[str, bytes], tmp_path: Path, chunk: int
) -> None:
    """Rows of one assessment scattered over the file (shuffled), read from Parquet: the
    output equals the whole scorer's on the same shuffled file."""
    shuffled = tmp_path / "set"
    shuffled.mkdir()
    for name in ("enterprises", "assessments"):
        write_table(read_table(dataset / f"{name}.csv"), shuffled / f"{name}.parquet")
    answers = read_table(dataset / "answers.csv").sample(frac=1.0, random_state=3)
    write_table(answers.reset_index(drop=True), shuffled / "answers.parquet")
    assert not survey(shuffled / "answers.parquet").grouped
    assert _score(shuffled, tmp_path / "out.csv", chunk) == 0
    got = read_table(tmp_path / "out.csv")
    expected_answers, source, context = read_input(shuffled)
    expected = score_answers(expected_answers, source, context=context)
    write_table(expected, tmp_path / "expected.csv")
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()
    # the same assessments and scores as the grouped file, in another order
    grouped = read_table(dataset / "answers.csv")
    assert set(got["assessment_id"]) == set(grouped["assessment_id"])


@pytest.mark.parametrize("chunk", [1, 7])
def test_parquet_row_groups_across_chunks(
    dataset: Path,
    whole: dict[str, bytes],
    tmp_path: Path,
    chunk: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A grouped Parquet file in several row groups, read as Arrow dictionaries: a chunk cut
    out of a row group whose dictionary holds other chunks' values scores exactly its own
    assessments (each chunk's results written on their own)."""
    monkeypatch.setattr(streaming, "WRITE_BATCH", 1)
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("enterprises", "assessments"):
        write_table(read_table(dataset / f"{name}.csv"), folder / f"{name}.parquet")
    answers = pa.Table.from_pandas(read_table(dataset / "answers.csv"), preserve_index=False)
    pq.write_table(answers, folder / "answers.parquet", row_group_size=2_000)
    assert pq.ParquetFile(folder / "answers.parquet").metadata.num_row_groups > 3
    assert _score(folder, tmp_path / "out.csv", chunk) == 0
    assert (tmp_path / "out.csv").read_bytes() == whole["csv"]


def _copy(dataset: Path, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A copy of the data set's enterprises and assessments in ``tmp_path/bad``, and its
    answers to spoil and write there."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("enterprises", "assessments"):
        (bad / f"{name}.csv").write_bytes((dataset / f"{name}.csv").read_bytes())
    return bad, read_table(dataset / "answers.csv")


def test_a_bad_row_in_the_last_chunk_writes_nothing(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, answers = _copy(dataset, tmp_path)
    level = answers.index[answers["indicator_id"] == answers["indicator_id"].iloc[-1]][-1]
    answers.loc[level, "answer"] = "not an answer"
    write_table(answers, bad / "answers.csv")
    out = tmp_path / "out.csv"
    out.write_text("before", encoding="utf-8")
    assert _score(bad, out, 7) == 2
    error = capsys.readouterr().err
    assert f"row {level + 2}, column 'answer'" in error
    assert out.read_text(encoding="utf-8") == "before"  # an earlier output stays as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out.csv"]  # no leftovers
    fresh = tmp_path / "fresh.parquet"
    assert _score(bad, fresh, 7) == 2
    assert not fresh.exists()


def test_a_reference_error_in_a_later_chunk_names_the_file_row(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checks that count rows within a chunk still name the row of the whole file."""
    bad, answers = _copy(dataset, tmp_path)
    position = len(answers) - 5
    answers.loc[position, "assessment_id"] = answers.loc[position, "assessment_id"] + "x"
    write_table(answers, bad / "answers.csv")
    assert _score(bad, tmp_path / "out.csv", 7) == 2
    error = capsys.readouterr().err
    assert f"answers.csv, row {position + 2}, column 'assessment_id'" in error
    assert "is not in assessments.csv" in error


def test_chunk_size_must_be_positive(dataset: Path, tmp_path: Path) -> None:
    assert _score(dataset, tmp_path / "out.csv", 0) == 2


def test_answers_file_alone_in_chunks(dataset: Path, tmp_path: Path) -> None:
    answers = read_table(dataset / "answers.csv")
    single = tmp_path / "answers.parquet"
    write_table(answers, single)
    assert _score(single, tmp_path / "one.csv", 1000) == 0
    assert _score(single, tmp_path / "many.csv", 4) == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()
    write_table(answers.iloc[:0], tmp_path / "empty.csv")
    with pytest.raises(TableError, match="holds no answers"):
        survey(tmp_path / "empty.csv")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_demo_written_block_by_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """``ronghe demo`` writes its tables block by block: the files hold the generated data
    (several blocks here), and the data set is valid (``ronghe score`` accepts it)."""
    from assessment import demo

    monkeypatch.setattr(demo, "BLOCK", 7)
    out = tmp_path / "set"
    args = ["--enterprises", "20", "--years", "2", "--seed", "9", "--format", fmt]
    assert main(["demo", *args, "--out", str(out)]) == 0
    expected = generate(enterprises=20, years=2, seed=9)
    for name in ("enterprises", "assessments", "answers"):
        got = read_table(out / f"{name}.{fmt}")
        want = read_table(_written(getattr(expected, name), tmp_path / f"{name}.{fmt}"))
        pd.testing.assert_frame_equal(got, want, obj=name)
    assert len(read_table(out / f"enterprises.{fmt}")) == 20
    assert _score(out, tmp_path / "scores.csv", 5) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n}.{fmt}" for n in ("answers", "assessments", "enterprises")
    )


def _written(frame: pd.DataFrame, path: Path) -> Path:
    write_table(frame, path)
    return path


def test_a_row_with_too_few_or_many_fields_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.csv"
    header = "assessment_id,framework_id,indicator_id,answer\n"
    path.write_text(header + "a,dcmm,x,1\n" * 3 + "a,dcmm,y\n", encoding="utf-8")
    assert _score(path, tmp_path / "out.csv", 1) == 2
    error = capsys.readouterr().err
    assert "answers.csv, row 5: cannot read: 3 fields where the header has 4 columns" in error
    assert not (tmp_path / "out.csv").exists()
