"""One validation for every way data comes in: ``ronghe score``, ``ronghe load``, the app and
the import all call these functions, with the same limits, so a data set that one accepts the
others accept too, on either database.

* texts: no control characters (NUL included), not longer than the database column
  (:mod:`assessment.length_checks`, also CHECK constraints on both backends);
* numbers: parsed strictly (:func:`assessment.tabular.numeric_column`), finite, within the
  ranges below (PostgreSQL ``INTEGER`` for counts);
* codes: credit codes with their check character (GB 32100), region codes in the reference
  data, manufacturing divisions, production type ``discrete`` / ``process``;
* consistency: assessment ids unique, each assessment's enterprise in the enterprises table,
  each ``frameworks`` entry ``id@version`` of a released framework version, every answer's
  assessment listed and its framework among the assessment's frameworks; answers themselves are
  checked by :func:`assessment.batch.check_answers` (unknown indicators, repeats, invalid
  answers).

Every refusal is a :class:`~assessment.tabular.TableError` naming file, row and column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from sqlmodel import SQLModel

from assessment import columns as c
from assessment import identity, length_checks
from assessment.demo import ANSWER_COLUMNS, ASSESSMENT_COLUMNS, ENTERPRISE_COLUMNS
from assessment.tabular import (
    TableError,
    file_row,
    find_table,
    number_error,
    numeric_column,
    range_text,
    require_columns,
)

PRODUCTION_TYPES: Final = ("discrete", "process")
MAX_EMPLOYEES: Final = 2_147_483_647  # PostgreSQL INTEGER
MAX_REVENUE_WAN: Final = 1e10  # ¥10^14, far above any enterprise's revenue
YEARS: Final = (1990, 2100)
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Sources:
    """Where each table came from (named in messages); plain names for tables built in code."""

    enterprises: Path = Path("enterprises")
    assessments: Path = Path("assessments")
    answers: Path = Path("answers")

    @classmethod
    def of_directory(cls, directory: Path) -> Sources:
        """The files of a data-set folder (``enterprises.csv`` …)."""
        return cls(
            *(find_table(directory, name) for name in ("enterprises", "assessments", "answers"))
        )


@functools.cache
def max_length(table: str, column: str) -> int:
    """The length limit of a text column of the database."""
    return length_checks.max_lengths(SQLModel.metadata.tables[table])[column]


Why = Callable[[str], tuple[str, str]]


def _fail(
    path: Path, mask: np.ndarray | pd.Series, frame: pd.DataFrame, column: str, why: Why
) -> None:
    """TableError at the first row where ``mask`` holds; ``why(value) -> (zh, en)`` gets the
    cell's text (shortened to 40 characters)."""
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    if hits.size:
        position = int(hits[0])
        value = str(frame[column].iloc[position]).strip()
        zh, en = why(value if len(value) <= 40 else value[:40] + "…")
        raise TableError(path, zh, en, row=file_row(path, position), column=column)


def _saying(message_zh: str, message_en: str) -> Why:
    """A reason that does not depend on the cell."""
    return lambda _: (message_zh, message_en)


def check_text(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    *,
    limit: int,
    required: bool = True,
) -> pd.Series:
    """The stripped text column; TableError for control characters, a text longer than
    ``limit`` or (``required``) an empty cell."""
    text = frame[column].astype(str).str.strip()
    codes, uniques = pd.factorize(text)  # checked once per distinct value
    for bad, why in _text_faults(pd.Series(uniques, dtype="str"), limit, required):
        _fail(path, bad[codes], frame, column, _saying(*why))
    return text


def texts_pass(values: Sequence[str] | np.ndarray, *, limit: int, required: bool = True) -> bool:
    """Whether :func:`check_text` accepts a column of these (stripped, distinct) values: the
    fast path of a streamed run checks distinct values and leaves naming the row to it."""
    faults = _text_faults(pd.Series(values, dtype="str"), limit, required)
    return not any(bad.any() for bad, _ in faults)


def _text_faults(
    distinct: pd.Series, limit: int, required: bool
) -> list[tuple[np.ndarray, tuple[str, str]]]:
    """The text rules, in the order they are reported: per distinct value whether it breaks
    each one, and the reason (zh, en)."""
    control = distinct.str.contains(_CONTROL.pattern, regex=True).fillna(False)
    faults = [
        (
            control.to_numpy(dtype=bool),
            ("含有控制字符（如 NUL）", "contains a control character (such as NUL)"),
        ),
        (
            (distinct.str.len() > limit).to_numpy(dtype=bool),
            (f"超过 {limit} 个字符", f"is longer than {limit} characters"),
        ),
    ]
    if required:
        faults.append(((distinct == "").to_numpy(dtype=bool), ("不能为空", "must not be empty")))
    return faults


def check_number(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    *,
    integer: bool,
    minimum: float,
    maximum: float,
) -> pd.Series:
    """A number column (text or already numeric): strict, finite, within the bounds."""
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return numeric_column(
            frame, column, path, integer=integer, minimum=minimum, maximum=maximum
        )
    as_text = frame.assign(**{column: values.astype(str)})
    floats = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = ~np.isfinite(floats.to_numpy()) | ((floats % 1 != 0).to_numpy() if integer else False)
    bad |= ((floats < minimum) | (floats > maximum)).to_numpy()
    if bad.any():
        number_error(as_text, column, path, bad, integer, range_text(minimum, maximum))
    return floats.astype("int64") if integer else floats


def _codes(
    values: pd.Series,
    frame: pd.DataFrame,
    column: str,
    path: Path,
    check: Callable[[str], str],
    passing: Callable[[np.ndarray], np.ndarray] | None = None,
) -> pd.Series:
    """``check`` each distinct code once; TableError at the first row of a refused one.
    ``passing`` (vectorised) marks codes known to be valid and already normalised; only the
    others go through ``check``."""
    from assessment.repo.errors import RepositoryError

    distinct = np.asarray(values.unique(), dtype=object)
    mapped = {}
    if passing is not None:
        good = passing(distinct)
        mapped = dict(zip(distinct[good].tolist(), distinct[good].tolist(), strict=True))
        distinct = distinct[~good]
    for code in distinct:
        try:
            mapped[code] = check(str(code))
        except RepositoryError as exc:
            shown = str(code)[:40]
            _fail(
                path,
                values == code,
                frame,
                column,
                _saying(f"“{shown}”：{exc.message_zh}", f"'{shown}': {exc.message_en}"),
            )
    return values.map(mapped)


def check_enterprises(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The enterprises table checked and normalised (codes stripped, credit codes upper case,
    industries as 2-digit divisions, numbers as numbers)."""
    from assessment.repo.enterprises import check_industry_code, check_region_code, check_uscc

    out = frame.copy()
    uscc = check_text(frame, c.USCC, path, limit=64).str.upper()
    out[c.USCC] = _codes(uscc, frame, c.USCC, path, check_uscc, identity.valid_usccs)
    _fail(
        path,
        out[c.USCC].duplicated().to_numpy(),
        frame,
        c.USCC,
        lambda v: (f"统一社会信用代码 {v} 重复", f"credit code {v} appears more than once"),
    )
    out[c.NAME] = check_text(frame, c.NAME, path, limit=max_length("enterprise", "name"))
    for column, checker in (
        (c.REGION_CODE, check_region_code),
        (c.INDUSTRY_CODE, check_industry_code),
    ):
        text = check_text(frame, column, path, limit=max_length("enterprise", column))
        out[column] = _codes(text, frame, column, path, checker)
    if c.PRODUCTION_TYPE in frame.columns:
        kind = check_text(frame, c.PRODUCTION_TYPE, path, limit=16)
        _fail(
            path,
            ~kind.isin(PRODUCTION_TYPES),
            frame,
            c.PRODUCTION_TYPE,
            lambda v: (
                f"生产类型“{v}”应为 discrete（离散）或 process（流程）",
                f"production type '{v}' must be discrete or process",
            ),
        )
        out[c.PRODUCTION_TYPE] = kind
    out[c.EMPLOYEES] = check_number(
        frame, c.EMPLOYEES, path, integer=True, minimum=0, maximum=MAX_EMPLOYEES
    )
    out[c.REVENUE_WAN] = check_number(
        frame, c.REVENUE_WAN, path, integer=False, minimum=0, maximum=MAX_REVENUE_WAN
    )
    return out


def check_profile(values: dict[str, object]) -> None:
    """An enterprise profile from the app (create or update) checked by the same rules as a
    table row: name, employees, revenue and production type (codes are checked by the
    repository's own functions, which the table checks call too). Raises ValidationFailed
    naming the field."""
    from assessment.repo.errors import ValidationFailed

    row = {k: [v] for k, v in values.items() if v is not None}
    frame = pd.DataFrame(row, dtype=object)
    source = Path("profile")
    try:
        if c.NAME in frame.columns:
            check_text(frame, c.NAME, source, limit=max_length("enterprise", "name"))
        for column, integer, maximum in (
            (c.EMPLOYEES, True, MAX_EMPLOYEES),
            (c.REVENUE_WAN, False, MAX_REVENUE_WAN),
        ):
            if column in frame.columns:
                frame[column] = pd.to_numeric(frame[column], errors="coerce")
                check_number(frame, column, source, integer=integer, minimum=0, maximum=maximum)
    except TableError as exc:
        raise ValidationFailed(
            f"“{exc.column}”：{exc.message_zh}", f"'{exc.column}': {exc.message_en}"
        ) from exc
    if values.get(c.PRODUCTION_TYPE, PRODUCTION_TYPES[0]) not in PRODUCTION_TYPES:
        raise ValidationFailed(
            "生产类型须为 discrete（离散）或 process（流程）。",
            "Production type must be discrete or process.",
        )


def check_assessments(
    frame: pd.DataFrame, path: Path, *, usccs: pd.Series | None, enterprises_path: Path
) -> pd.DataFrame:
    """The assessments table checked: ids unique, enterprises known, years and framework lists
    valid. Columns other than ``assessment_id`` are checked when present."""
    out = frame.copy()
    ids = check_text(frame, c.ASSESSMENT_ID, path, limit=max_length("assessment", "external_id"))
    out[c.ASSESSMENT_ID] = ids
    _fail(
        path,
        ids.duplicated().to_numpy(),
        frame,
        c.ASSESSMENT_ID,
        lambda v: (f"评估编号“{v}”重复", f"assessment id '{v}' appears more than once"),
    )
    if c.USCC in frame.columns:
        uscc = check_text(frame, c.USCC, path, limit=64).str.upper()
        out[c.USCC] = uscc
        if usccs is not None:
            _fail(
                path,
                ~uscc.isin(set(usccs)),
                frame,
                c.USCC,
                lambda v: (
                    f"统一社会信用代码 {v} 不在 {enterprises_path.name} 中",
                    f"credit code {v} is not in {enterprises_path.name}",
                ),
            )
    if c.YEAR in frame.columns:
        out[c.YEAR] = check_number(
            frame, c.YEAR, path, integer=True, minimum=YEARS[0], maximum=YEARS[1]
        )
    if c.FRAMEWORKS in frame.columns:
        out[c.FRAMEWORKS] = _check_framework_lists(frame, path)
    return out


def _check_framework_lists(frame: pd.DataFrame, path: Path) -> pd.Series:
    """Every ``frameworks`` cell: ``id@version`` items separated by ``|``, each a released
    framework version, each framework once; returns the cells in canonical form
    (``dcmm@2018.1|sme@2024.1``, no spaces)."""
    text = check_text(frame, c.FRAMEWORKS, path, limit=1024)
    verdicts = {cell: _framework_list_problem(cell) for cell in text.unique()}
    problem = text.map(verdicts)
    bad = problem.notna().to_numpy()
    if bad.any():
        first = problem.iloc[int(np.flatnonzero(bad)[0])]
        _fail(path, bad, frame, c.FRAMEWORKS, _saying(*first))
    canonical = {
        cell: "|".join(
            "@".join(part.strip() for part in item.partition("@")[::2])
            for item in cell.split("|")
            if item.strip()
        )
        for cell in verdicts
    }
    return text.map(canonical)


@functools.cache
def _framework_list_problem(cell: str) -> tuple[str, str] | None:
    from assessment.batch import known_framework_ids  # batch imports this module
    from indicators.errors import UnknownFrameworkError
    from indicators.loader import load_framework

    seen: set[str] = set()
    items = [item.strip() for item in cell.split("|") if item.strip()]
    if not items:
        return (
            "没有列出任何评估框架（应写成 框架@版本）",
            "lists no framework (write framework@version)",
        )
    for item in items:
        framework_id, at, version = (part.strip() for part in item.partition("@"))
        if not (framework_id and at and version):
            return (f"“{item}”应写成 框架@版本", f"'{item}' should read framework@version")
        if framework_id in seen:
            return (
                f"框架“{framework_id}”列出了两次",
                f"framework '{framework_id}' is listed twice",
            )
        seen.add(framework_id)
        if framework_id not in known_framework_ids():
            return (f"未知的评估框架“{framework_id}”", f"unknown framework '{framework_id}'")
        try:
            load_framework(framework_id, version)
        except UnknownFrameworkError:
            return (
                f"框架“{framework_id}”没有版本“{version}”",
                f"framework '{framework_id}' has no version '{version}'",
            )
    return None


def check_answer_references(
    answers: pd.DataFrame, path: Path, assessments: pd.DataFrame, assessments_path: Path
) -> None:
    """Every answer's assessment is listed, and (when the assessments list their frameworks)
    its framework is one of the assessment's."""
    for column in (c.ASSESSMENT_ID, c.FRAMEWORK_ID, c.INDICATOR_ID):
        check_text(
            answers,
            column,
            path,
            limit=max_length("answer", column)
            if column != c.ASSESSMENT_ID
            else max_length("assessment", "external_id"),
        )
    check_text(answers, c.ANSWER, path, limit=max_length("answer", "answer"), required=False)
    ids = answers[c.ASSESSMENT_ID].astype(str).str.strip()
    known = assessments[c.ASSESSMENT_ID].astype(str).str.strip()
    _fail(
        path,
        ~ids.isin(set(known)),
        answers,
        c.ASSESSMENT_ID,
        lambda v: (
            f"评估“{v}”不在 {assessments_path.name} 中",
            f"assessment '{v}' is not in {assessments_path.name}",
        ),
    )
    if c.FRAMEWORKS not in assessments.columns:
        return
    listed = {
        (aid, item.partition("@")[0].strip())
        for aid, cell in zip(known, assessments[c.FRAMEWORKS].astype(str), strict=True)
        for item in cell.split("|")
        if item.strip()
    }
    pairs = ids + "\x1f" + answers[c.FRAMEWORK_ID].astype(str).str.strip()
    _fail(
        path,
        ~pairs.isin({f"{aid}\x1f{framework}" for aid, framework in listed}),
        answers,
        c.FRAMEWORK_ID,
        lambda v: (
            f"评估未列出框架“{v}”（见 {assessments_path.name} 的 frameworks 列）",
            f"framework '{v}' is not listed for this assessment (see the frameworks column of "
            f"{assessments_path.name})",
        ),
    )


def check_tables(
    enterprises: pd.DataFrame | None,
    assessments: pd.DataFrame,
    answers: pd.DataFrame,
    sources: Sources,
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The table-level checks of a data set (enterprises optional); the checked, normalised
    enterprises and assessments."""
    firms, checked = check_context_tables(enterprises, assessments, sources)
    check_answer_references(answers, sources.answers, assessments, sources.assessments)
    return firms, checked


def check_context_tables(
    enterprises: pd.DataFrame | None, assessments: pd.DataFrame, sources: Sources
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The checks of :func:`check_tables` that need no answers (a streamed ``ronghe score``
    checks each chunk's answers with :func:`check_answer_references` as it goes)."""
    firms = None
    if enterprises is not None and {
        c.USCC,
        c.NAME,
        c.REGION_CODE,
        c.INDUSTRY_CODE,
        c.EMPLOYEES,
        c.REVENUE_WAN,
    } <= set(enterprises.columns):
        firms = check_enterprises(enterprises, sources.enterprises)
    checked = check_assessments(
        assessments,
        sources.assessments,
        usccs=firms[c.USCC] if firms is not None else None,
        enterprises_path=sources.enterprises,
    )
    return firms, checked


def validate_dataset(
    enterprises: pd.DataFrame,
    assessments: pd.DataFrame,
    answers: pd.DataFrame,
    sources: Sources | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everything a complete data set must satisfy before it is stored (``ronghe load``, the
    import): the table checks and every answer checked against its framework version. Returns
    the checked enterprises and assessments."""
    sources = sources or Sources()
    firms, checked, context = validate_context(enterprises, assessments, sources)
    require_answers(answers, sources.answers)
    validate_answers(answers, context, sources)
    return firms, checked


def validate_context(
    enterprises: pd.DataFrame, assessments: pd.DataFrame, sources: Sources
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The enterprises and assessments of a data set checked (whole): the checked enterprises,
    the checked assessments and the per-assessment context (``assessment.batch``)."""
    from assessment.batch import dataset_context

    for frame, path, needed in (
        (enterprises, sources.enterprises, ENTERPRISE_COLUMNS),
        (assessments, sources.assessments, ASSESSMENT_COLUMNS),
    ):
        require_columns(frame, needed, path)
        if frame.empty:
            raise TableError(path, "没有任何数据行（只有表头）", "holds no rows (only a header)")
    firms, checked = check_context_tables(enterprises, assessments, sources)
    assert firms is not None  # the enterprise columns are required above
    return firms, checked, dataset_context(checked, sources.assessments, firms)


def require_answers(answers: pd.DataFrame, path: Path) -> None:
    """The answers table has its columns and at least one row."""
    require_columns(answers, ANSWER_COLUMNS, path)
    if answers.empty:
        raise TableError(path, "没有任何数据行（只有表头）", "holds no rows (only a header)")


def context_of(context: pd.DataFrame, ids: object) -> pd.DataFrame:
    """The rows of ``context`` (indexed by assessment id) for the assessments ``ids``."""
    positions = context.index.get_indexer(pd.Index(pd.unique(np.asarray(ids, dtype=object))))
    mine = context.iloc[positions[positions >= 0]]
    mine.attrs.update(context.attrs)
    return mine


def validate_answers(answers: pd.DataFrame, context: pd.DataFrame, sources: Sources) -> None:
    """Answers (all of a data set's, or a chunk of whole assessments with each row's file
    position in ``_row``) checked against the checked context: references, then every answer
    against its framework version. Errors name the row of the file."""
    from assessment.batch import check_answers

    mine = context_of(context, answers[c.ASSESSMENT_ID].astype(str).str.strip())
    listed = mine.reset_index()[[c.ASSESSMENT_ID, c.FRAMEWORKS]]
    try:
        check_answer_references(answers, sources.answers, listed, sources.assessments)
        check_answers(answers, sources.answers, mine)
    except TableError as exc:
        raise relocated(exc, answers, sources.answers) from exc


def relocated(error: TableError, rows: pd.DataFrame, path: Path) -> TableError:
    """An error naming a row of ``path`` by its place in ``rows``, renamed to the file row
    recorded in ``rows["_row"]`` (a chunk of a streamed file); others unchanged."""
    if error.row is None or error.path != str(path) or "_row" not in rows.columns:
        return error
    position = int(rows["_row"].iloc[error.row - file_row(path, 0)])
    return TableError(
        path, error.message_zh, error.message_en, row=file_row(path, position), column=error.column
    )
