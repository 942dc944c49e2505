"""The one-pass checks of ``assessment.encoded``: a valid chunk scores exactly as the row-by-row
path scores it; every defect the row-by-row checks refuse makes the one-pass checks step aside
(return None), so that the row-by-row path can name the row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from assessment import columns as c
from assessment import validation
from assessment.batch import ANSWER_COLUMNS, read_input, score_answers, wide_results
from assessment.demo import generate
from assessment.encoded import Known, ParsedAnswers, encode_chunk

Data = tuple[pd.DataFrame, pd.DataFrame]  # raw answers, context


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("set")
    generate(enterprises=15, years=2, seed=3).write(out, "csv")
    return out


@pytest.fixture
def data(dataset: Path) -> Data:
    answers, _, context = read_input(dataset)
    assert context is not None
    return answers[list(ANSWER_COLUMNS)].copy(), context.copy()


def _table(answers: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(answers.astype(object), preserve_index=False)


def _refused_row_by_row(answers: pd.DataFrame, context: pd.DataFrame) -> bool:
    rows = answers.assign(_row=np.arange(len(answers)))
    try:
        validation.validate_answers(rows, context, validation.Sources())
    except validation.TableError:
        return True
    return False


def test_a_valid_chunk_scores_as_the_row_by_row_path(data: Data) -> None:
    answers, context = data
    encoded = encode_chunk(_table(answers), Known.of(context))
    assert encoded is not None
    frameworks = sorted(answers[c.FRAMEWORK_ID].unique())
    fast = wide_results([encoded], context, frameworks)
    slow = score_answers(
        answers.assign(_row=np.arange(len(answers))),
        Path("answers.csv"),
        context=context,
        frameworks=frameworks,
        peers=False,
    )
    pd.testing.assert_frame_equal(fast, slow)


def test_spaces_around_values_change_nothing(data: Data) -> None:
    answers, context = data
    padded = answers.copy()
    for column in ANSWER_COLUMNS:
        padded[column] = " " + padded[column] + "\t"
    frameworks = sorted(answers[c.FRAMEWORK_ID].unique())
    known = Known.of(context)
    plain, spaced = encode_chunk(_table(answers), known), encode_chunk(_table(padded), known)
    assert plain is not None
    assert spaced is not None
    pd.testing.assert_frame_equal(
        wide_results([plain], context, frameworks), wide_results([spaced], context, frameworks)
    )


def _first_of(answers: pd.DataFrame, framework: str | None = None) -> int:
    rows = answers.index
    if framework is not None:
        rows = rows[answers[c.FRAMEWORK_ID] == framework]
    return int(rows[len(rows) // 2])


def _set(column: str, value: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        answers, _ = data
        answers.loc[_first_of(answers), column] = value

    return change


def _repeat(data: Data) -> None:
    answers, _ = data
    row = answers.loc[[_first_of(answers)]]
    answers.loc[len(answers) + 10] = row.iloc[0]


def _unlist_framework(data: Data) -> None:
    answers, context = data
    row = answers.loc[_first_of(answers)]
    cell = context.loc[row[c.ASSESSMENT_ID], c.FRAMEWORKS]
    kept = [item for item in cell.split("|") if not item.startswith(row[c.FRAMEWORK_ID] + "@")]
    context.loc[row[c.ASSESSMENT_ID], c.FRAMEWORKS] = "|".join(kept)


def _unknown_version(data: Data) -> None:
    answers, context = data
    row = answers.loc[_first_of(answers)]
    cell = context.loc[row[c.ASSESSMENT_ID], c.FRAMEWORKS]
    items = [
        f"{row[c.FRAMEWORK_ID]}@1999.9" if item.startswith(row[c.FRAMEWORK_ID] + "@") else item
        for item in cell.split("|")
    ]
    context.loc[row[c.ASSESSMENT_ID], c.FRAMEWORKS] = "|".join(items)


def _invalid_level(data: Data) -> None:
    answers, _ = data
    answers.loc[_first_of(answers, "sme"), c.ANSWER] = "not an answer"


def _invalid_number(data: Data) -> None:
    answers, _ = data
    numbers = answers.index[pd.to_numeric(answers[c.ANSWER], errors="coerce").notna()]
    numeric = answers.loc[numbers, c.ANSWER].str.contains(".", regex=False)
    answers.loc[numbers[numeric.to_numpy()][0], c.ANSWER] = "12,5"


DEFECTS: dict[str, Callable[[Data], None]] = {
    "control character": _set(c.INDICATOR_ID, "x\x01"),
    "too long": _set(c.ANSWER, "9" * 5000),
    "blank id": _set(c.INDICATOR_ID, "  "),
    "blank assessment": _set(c.ASSESSMENT_ID, ""),
    "unknown assessment": _set(c.ASSESSMENT_ID, "no-such-assessment"),
    "unknown framework": _set(c.FRAMEWORK_ID, "no-such-framework"),
    "unknown indicator": _set(c.INDICATOR_ID, "no-such-indicator"),
    "repeated answer": _repeat,
    "framework not listed": _unlist_framework,
    "unknown version": _unknown_version,
    "invalid level answer": _invalid_level,
    "invalid number": _invalid_number,
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_every_defect_is_left_to_the_row_by_row_checks(data: Data, defect: str) -> None:
    DEFECTS[defect](data)
    answers, context = data
    assert _refused_row_by_row(answers, context)  # a real defect
    assert encode_chunk(_table(answers), Known.of(context)) is None


def test_answers_with_their_own_version_take_the_row_by_row_path(data: Data) -> None:
    answers, context = data
    table = _table(answers.assign(framework_version=""))
    assert encode_chunk(table, Known.of(context)) is None


def test_the_parse_cache_starts_afresh_when_full(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with more distinct texts than the cache keeps scores as one with room for all:
    a chunk bringing new texts to a full cache (after one that filled it)."""
    answers, context = data
    frameworks = sorted(answers[c.FRAMEWORK_ID].unique())
    roomy = encode_chunk(_table(answers), Known.of(context))
    monkeypatch.setattr(ParsedAnswers, "MAX_TEXTS", 2)
    known = Known.of(context)
    some = answers[c.ASSESSMENT_ID].unique()[:5]
    first = answers[answers[c.ASSESSMENT_ID].isin(some)]
    assert encode_chunk(_table(first), known) is not None  # fills the cache
    tight = encode_chunk(_table(answers), known)
    assert roomy is not None
    assert tight is not None
    pd.testing.assert_frame_equal(
        wide_results([tight], context, frameworks), wide_results([roomy], context, frameworks)
    )
