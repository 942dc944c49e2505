"""Reading and writing data tables as CSV, Parquet or XLSX, chosen by file extension.

Tables are read with every column as text (so codes keep their leading zeros and an empty
``multi`` answer stays an empty string); callers convert the columns they need with
:func:`numeric_column`, whose errors name the row and column.

Row numbers in messages are the ones a person sees: in CSV and XLSX files the header is row 1,
so the first record is row 2; in Parquet files (no header row) the first record is row 1.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from assessment.limits import Limits, get_limits

FORMATS: Final = ("csv", "parquet", "xlsx")
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: Final = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)


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
        self.located_en = _one_line(f"{self.path}{where_en}: {message_en}")
        self.located_zh = _one_line(f"{self.path}{where_zh}：{message_zh}")
        super().__init__(f"{self.located_en} / {self.located_zh}")


def _one_line(text: str) -> str:
    """``text`` without line breaks (messages are printed as one line)."""
    return " ".join(text.split("\n")).replace("\r", " ")


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
    """The row a person sees for the record at 0-based ``position`` (see the module notes);
    a table not read from a file (no known extension) counts like CSV."""
    return position + (1 if Path(path).suffix.lower() == ".parquet" else 2)


def read_table(path: Path, *, limits: Limits | None = None) -> pd.DataFrame:
    """Read a table with every column as text (missing cells become empty strings).

    Before parsing, the file's size, its expanded size (XLSX: the unzipped parts; Parquet: the
    decoded row groups) and, where the format records it, its row count are checked against
    ``limits`` (default :func:`assessment.limits.get_limits`); CSV and XLSX stop reading one
    row past the row limit. Any failure to parse is a TableError naming the file.
    """
    kind = table_format(path)
    if not path.is_file():
        raise TableError(path, "文件不存在", "no such file")
    limits = limits or get_limits()
    _check_size(path, path.stat().st_size, limits.max_file_bytes, "max_file_bytes")
    max_rows = limits.max_rows
    try:
        if kind == "csv":
            with warnings.catch_warnings():  # a row longer than the header is an error
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    path,
                    dtype=str,
                    keep_default_na=False,
                    encoding="utf-8-sig",
                    nrows=max_rows + 1,
                    index_col=False,
                )
        elif kind == "xlsx":
            _check_zip(path, limits)
            frame = pd.read_excel(
                path, dtype=str, keep_default_na=False, engine="openpyxl", nrows=max_rows + 1
            )
        else:
            _check_parquet(path, limits)
            frame = pd.read_parquet(path)
    except TableError:
        raise
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc
    except Exception as exc:  # a broken file can fail anywhere inside the parser
        reason = _one_line(str(exc))[:200] or type(exc).__name__
        raise TableError(path, f"无法读取：{reason}", f"cannot read: {reason}") from exc
    if len(frame) > max_rows:
        _over_limit(path, f"超过 {max_rows} 行", f"more than {max_rows} rows", "max_rows")
    frame.columns = [str(name).strip() for name in frame.columns]
    return _as_text(frame)


def not_utf8(path: Path, exc: UnicodeDecodeError) -> TableError:
    """The error for a file that is not UTF-8 text, naming the first bad byte."""
    return TableError(
        path,
        f"不是 UTF-8 编码的文本（第 {exc.start} 字节）",
        f"not UTF-8 text (byte {exc.start})",
    )


def _over_limit(path: Path, what_zh: str, what_en: str, field: str) -> None:
    variable = Limits.variable(field)
    raise TableError(
        path,
        f"文件{what_zh}，超出限制（可由 {variable} 调整）",
        f"the file has {what_en}, over the limit (set by {variable})",
    )


def _check_size(path: Path, size: int, limit: int, field: str) -> None:
    if size > limit:
        _over_limit(
            path, f"大小为 {size} 字节（限制 {limit}）", f"{size} bytes (limit {limit})", field
        )


def _check_zip(path: Path, limits: Limits) -> None:
    """XLSX: a readable ZIP whose parts expand to at most ``max_expanded_bytes``, and a sheet
    that cannot hold more than Excel's row count (checked before any XML is parsed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise TableError(
            path,
            "不是完整的 XLSX 文件（损坏或被截断）",
            "not a complete XLSX file (corrupt or truncated)",
        ) from exc
    if expanded > limits.max_expanded_bytes:
        _over_limit(
            path,
            f"解压后为 {expanded} 字节（限制 {limits.max_expanded_bytes}）",
            f"{expanded} bytes once unzipped (limit {limits.max_expanded_bytes})",
            "max_expanded_bytes",
        )


def _check_parquet(path: Path, limits: Limits) -> None:
    """Parquet: the row count and decoded size from the footer, before any data is read."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    if metadata.num_rows > limits.max_rows:
        _over_limit(
            path,
            f"有 {metadata.num_rows} 行（限制 {limits.max_rows}）",
            f"{metadata.num_rows} rows (limit {limits.max_rows})",
            "max_rows",
        )
    decoded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if decoded > limits.max_expanded_bytes:
        _over_limit(
            path,
            f"解码后为 {decoded} 字节（限制 {limits.max_expanded_bytes}）",
            f"{decoded} bytes once decoded (limit {limits.max_expanded_bytes})",
            "max_expanded_bytes",
        )


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


def inert_text(value: object) -> object:
    """A text that a spreadsheet would run as a formula, made inert by a leading apostrophe;
    anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def inert_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot be read as formulas.

    The one function every table export uses (CSV and XLSX files, downloads): a cell starting
    with ``= + - @``, a tab or a line break (or their full-width forms) gets a leading
    apostrophe. Numbers are left alone.
    """
    out = frame.copy()
    out.columns = [inert_text(name) for name in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            out.isetitem(position, column.map(inert_text, na_action="ignore").to_numpy())
    return out


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` (without its index) in the format of ``path``'s extension; CSV and XLSX
    cells are made inert (:func:`inert_cells`). A file that cannot be written is a TableError."""
    kind = table_format(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "csv":
            inert_cells(frame).to_csv(path, index=False, encoding="utf-8")
        elif kind == "xlsx":
            inert_cells(frame).to_excel(path, index=False, engine="openpyxl")
        else:
            frame.to_parquet(path, index=False)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TableError(path, f"无法写入：{reason}", f"cannot write: {reason}") from exc
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


_INTEGER: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL: Final = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def numeric_column(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> pd.Series:
    """A text column as numbers; TableError naming the first row that is not one.

    Parsing is strict: ASCII digits with an optional sign, decimal point and exponent (no
    ``1_000``, no full-width digits, no ``inf`` or ``nan``); the value must be finite and, if
    given, within ``minimum`` and ``maximum``.
    """
    text = frame[column].astype(str).str.strip()
    pattern = _INTEGER if integer else _DECIMAL
    shaped = text.str.fullmatch(pattern.pattern).fillna(False).to_numpy(dtype=bool)
    values = pd.to_numeric(text.where(shaped, "nan"), errors="coerce").astype("float64")
    finite = np.isfinite(values.to_numpy())
    bad = ~(shaped & finite)
    if bad.any():
        number_error(frame, column, path, bad, integer, "")
    outside = pd.Series(False, index=values.index)
    if minimum is not None:
        outside |= values < minimum
    if maximum is not None:
        outside |= values > maximum
    if outside.any():
        number_error(frame, column, path, outside.to_numpy(), integer, range_text(minimum, maximum))
    return values.astype("int64") if integer else values


def range_text(minimum: float | None, maximum: float | None) -> str:
    """``"from 0 to 100"``, ``"≥ 0"`` or ``"≤ 5"`` (whole bounds without decimals)."""

    def shown(value: float) -> str:
        return str(int(value)) if float(value).is_integer() else f"{value:g}"

    if minimum is not None and maximum is not None:
        return f"from {shown(minimum)} to {shown(maximum)}"
    if minimum is not None:
        return f"≥ {shown(minimum)}"
    return f"≤ {shown(maximum)}" if maximum is not None else ""


def number_error(
    frame: pd.DataFrame, column: str, path: Path, bad: np.ndarray, integer: bool, bound: str
) -> None:
    position = int(np.flatnonzero(bad)[0])
    shown = str(frame[column].iloc[position])[:40]
    kind_zh, kind_en = ("整数", "a whole number") if integer else ("数字", "a number")
    bound_zh = bound.replace("from ", "").replace(" to ", " 到 ")
    need_zh = f"{bound_zh} 的{kind_zh}" if bound else kind_zh
    need_en = f"{kind_en} {bound}" if bound else kind_en
    raise TableError(
        path,
        f"“{shown}”不是{need_zh}",
        f"'{shown}' is not {need_en}",
        row=file_row(path, position),
        column=column,
    )
