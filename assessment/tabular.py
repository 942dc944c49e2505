"""Reading and writing data tables as CSV, Parquet or XLSX, chosen by file extension.

Tables are read with every column as text (so codes keep their leading zeros and an empty
``multi`` answer stays an empty string); callers convert the columns they need with
:func:`numeric_column`, whose errors name the row and column.

Row numbers in messages are the ones a person sees: in CSV and XLSX files the header is row 1,
so the first record is row 2; in Parquet files (no header row) the first record is row 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

import pandas as pd

FORMATS: Final = ("csv", "parquet", "xlsx")


class TableError(ValueError):
    """A table that cannot be used; names the file and, where known, the row and column."""

    def __init__(
        self,
        path: Path | str,
        message_zh: str,
        message_en: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.message_zh = message_zh
        self.message_en = message_en
        where_en = "".join(
            [
                f", row {row}" if row is not None else "",
                f", column '{column}'" if column is not None else "",
            ]
        )
        where_zh = "".join(
            [
                f"，第{row}行" if row is not None else "",
                f"，“{column}”列" if column is not None else "",
            ]
        )
        super().__init__(
            f"{self.path}{where_en}: {message_en} / {self.path}{where_zh}：{message_zh}"
        )


def table_format(path: Path) -> str:
    """The table format of ``path`` from its extension; TableError for anything else."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise TableError(
            path,
            f"不支持的文件类型，应为 {'、'.join(FORMATS)} 之一",
            f"unsupported file type; use one of {', '.join(FORMATS)}",
        )
    return suffix


def file_row(path: Path, position: int) -> int:
    """The row a person sees for the record at 0-based ``position`` (see the module notes)."""
    return position + (1 if table_format(path) == "parquet" else 2)


def read_table(path: Path) -> pd.DataFrame:
    """Read a table with every column as text (missing cells become empty strings)."""
    kind = table_format(path)
    if not path.is_file():
        raise TableError(path, "文件不存在", "no such file")
    try:
        if kind == "csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif kind == "xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            frame = pd.read_parquet(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise TableError(path, f"无法读取：{exc}", f"cannot read: {exc}") from exc
    frame.columns = [str(name).strip() for name in frame.columns]
    return _as_text(frame)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as pandas text (``str``, Arrow-backed); NA becomes "" and whole floats lose
    their ".0"."""
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
            column = column.astype("Int64")
        if not pd.api.types.is_string_dtype(column) or column.dtype == object:
            column = column.astype(object).where(column.notna(), "").astype("str")
        out[name] = column.fillna("")
    return out


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` (without its index) in the format of ``path``'s extension."""
    kind = table_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    elif kind == "xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    else:
        frame.to_parquet(path, index=False)
    return path


def find_table(directory: Path, stem: str) -> Path:
    """The one file ``<stem>.csv|parquet|xlsx`` in ``directory``; TableError if none or several."""
    found = [
        directory / f"{stem}.{kind}" for kind in FORMATS if (directory / f"{stem}.{kind}").is_file()
    ]
    if len(found) != 1:
        names = "、".join(f"{stem}.{kind}" for kind in FORMATS)
        problem_zh = "找不到" if not found else "同时存在多个"
        problem_en = "found none of" if not found else "found more than one of"
        raise TableError(
            directory,
            f"{problem_zh} {names}",
            f"{problem_en} {', '.join(f'{stem}.{k}' for k in FORMATS)}",
        )
    return found[0]


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> None:
    """TableError naming the first required column that ``frame`` lacks."""
    for column in columns:
        if column not in frame.columns:
            present = ", ".join(map(str, frame.columns))
            raise TableError(
                path,
                f"缺少必需的列（现有列：{present}）",
                f"missing required column (columns present: {present})",
                column=column,
            )


def numeric_column(
    frame: pd.DataFrame, column: str, path: Path, *, integer: bool = False
) -> pd.Series:
    """A text column as numbers; TableError naming the first row that is not a number."""
    values = pd.to_numeric(frame[column].astype(str).str.strip(), errors="coerce")
    bad = values.isna() | ((values % 1 != 0) if integer else False)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        kind_zh, kind_en = ("整数", "a whole number") if integer else ("数字", "a number")
        raise TableError(
            path,
            f"“{frame[column].iloc[position]}”不是{kind_zh}",
            f"'{frame[column].iloc[position]}' is not {kind_en}",
            row=file_row(path, position),
            column=column,
        )
    return values.astype("int64") if integer else values.astype("float64")
