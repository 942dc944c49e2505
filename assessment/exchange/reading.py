"""Reading an uploaded file for import: size and archive limits, the layout (Ronghe template,
long answers table, or a zipped data set), CSV encodings (UTF-8, UTF-8 with BOM, GBK, GB18030;
detected and reported), and what spreadsheet programs leave behind (formulas instead of values,
merged cells). The result is one long answers frame and one enterprises frame, every row
carrying the sheet, row and column it came from, plus the problems found while reading.

Layouts (docs/file-formats.md §3):

* template: the workbook of :mod:`assessment.exchange.templates` (``_meta`` sheet);
* long: CSV or XLSX with ``framework_id, indicator_id, answer`` and either ``uscc, year`` or
  ``assessment_id`` written ``<uscc>-<year>``; optionally ``framework_version``;
* data set: a zip holding ``answers.csv`` and optionally ``assessments.csv`` (assessment_id,
  uscc, year, frameworks) and ``enterprises.csv`` (the data-set format of ``ronghe demo``).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

import pandas as pd
from openpyxl import load_workbook

from assessment import columns as C
from assessment.exchange.templates import (
    ENTERPRISE_COLUMNS,
    FIRST_DATA_ROW,
    META_SHEET,
    TEMPLATE_FORMAT,
)
from assessment.repo.errors import RepositoryError

FRAMEWORK_VERSION: Final = "framework_version"
SHEET: Final = "_sheet"
ROW: Final = "_row"
COLUMN: Final = "_column"
LONG_KEYS: Final = (C.FRAMEWORK_ID, C.INDICATOR_ID, C.ANSWER)
ENTERPRISE_KEYS: Final = tuple(key for key, _, _ in ENTERPRISE_COLUMNS)
ANSWER_FRAME: Final = (
    C.USCC,
    C.YEAR,
    C.FRAMEWORK_ID,
    FRAMEWORK_VERSION,
    C.INDICATOR_ID,
    C.ANSWER,
    SHEET,
    ROW,
    COLUMN,
)


@dataclass(frozen=True)
class Limits:
    """What an upload may be: its size, how far an archive may expand, how many rows."""

    max_bytes: int = 100 * 2**20
    max_expanded_bytes: int = 500 * 2**20
    max_ratio: float = 150.0  # expanded / compressed, per archive member
    max_rows: int = 2_000_000

    @classmethod
    def from_settings(cls) -> Limits:
        """The platform's one set of input limits (``assessment.limits``) applied to an upload:
        ``RONGHE_MAX_UPLOAD_BYTES``, ``RONGHE_MAX_EXPANDED_BYTES``, ``RONGHE_MAX_ROWS``."""
        from assessment.limits import get_limits

        limits = get_limits()
        return cls(
            max_bytes=limits.max_upload_bytes,
            max_expanded_bytes=limits.max_expanded_bytes,
            max_rows=limits.max_rows,
        )


@dataclass(frozen=True)
class Issue:
    """One problem, where it is and why: shown in the validation report."""

    sheet: str
    row: int | None
    column: str | None
    value: str
    reason_zh: str
    reason_en: str


class ImportRefused(RepositoryError):
    """The file cannot be imported; ``issues`` lists every problem found (nothing was stored)."""

    def __init__(self, issues: list[Issue]) -> None:
        first = issues[0]
        more_zh = f"（另有 {len(issues) - 1} 个问题）" if len(issues) > 1 else ""
        more_en = f" (and {len(issues) - 1} more problems)" if len(issues) > 1 else ""
        where = _where(first)
        super().__init__(
            f"无法导入：{where}{first.reason_zh}{more_zh}",
            f"Cannot import: {where}{first.reason_en}{more_en}",
        )
        self.issues = issues


def _where(issue: Issue) -> str:
    parts = [issue.sheet]
    if issue.row is not None:
        parts.append(f"row {issue.row}")
    if issue.column:
        parts.append(f"column {issue.column}")
    return ", ".join(parts) + ": "


def refuse(sheet: str, reason_zh: str, reason_en: str, value: str = "") -> ImportRefused:
    """An ImportRefused with a single file-level problem."""
    return ImportRefused([Issue(sheet, None, None, value, reason_zh, reason_en)])


@dataclass
class ParsedImport:
    """An upload read into frames (text cells), with what was detected and found."""

    filename: str
    sha256: str
    size: int
    layout: str  # template / long / dataset
    encoding: str | None  # CSV only: "UTF-8", "UTF-8 (BOM)", "GBK", "GB18030"
    answers: pd.DataFrame
    enterprises: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


# ----------------------------------------------------------------------------- entry


def read_upload(filename: str, data: bytes, limits: Limits | None = None) -> ParsedImport:
    """Read an upload (``.xlsx``, ``.csv`` or ``.zip``); ImportRefused when it cannot be read."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise refuse(
            filename,
            f"文件过大（{len(data):,} 字节，上限 {limits.max_bytes:,}）",
            f"file too large ({len(data):,} bytes; the limit is {limits.max_bytes:,})",
        )
    if not data:
        raise refuse(filename, "文件为空", "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        check_archive(filename, data, limits)
        parsed = _read_xlsx(filename, data, limits)
    elif suffix == "csv":
        parsed = _read_csv(filename, data, limits)
    elif suffix == "zip":
        parsed = _read_zip(filename, data, limits)
    else:
        raise refuse(
            filename,
            "不支持的文件类型，请上传 .xlsx、.csv 或 .zip",
            "unsupported file type; upload .xlsx, .csv or .zip",
        )
    parsed.sha256, parsed.size = digest, len(data)
    return parsed


def check_archive(filename: str, data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip (XLSX files are zips too) after checking that it expands within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refuse(
            filename,
            "文件已损坏或不是有效的压缩包/工作簿",
            "damaged file: not a valid zip or workbook",
            str(exc),
        ) from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_expanded_bytes:
        raise refuse(
            filename,
            f"解压后过大（{total:,} 字节，上限 {limits.max_expanded_bytes:,}）",
            f"expands too far ({total:,} bytes; the limit is {limits.max_expanded_bytes:,})",
        )
    for member in members:
        if member.file_size > limits.max_ratio * max(member.compress_size, 1) + 2**20:
            raise refuse(
                filename,
                f"压缩比异常（{member.filename}），疑似压缩炸弹",
                f"suspicious compression ratio ({member.filename}): a zip bomb?",
            )
        if member.flag_bits & 0x1:
            raise refuse(filename, "不支持加密文件", "encrypted files are not supported")
    return archive


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


# ----------------------------------------------------------------------------- CSV


def decode_text(filename: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding detected: UTF-8 (with or without BOM), GBK, GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise refuse(
            filename,
            "文件是 UTF-16 编码，请另存为 UTF-8 或 GBK 的 CSV",
            "the file is UTF-16; save it as CSV in UTF-8 or GBK",
        )
    if b"\x00" in data[:4096]:
        raise refuse(filename, "不是文本文件", "not a text file")
    candidates: tuple[tuple[str, str], ...]
    if data.startswith(codecs.BOM_UTF8):
        candidates = (("utf-8-sig", "UTF-8 (BOM)"),)
    else:
        candidates = (("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030"))
    for codec, name in candidates:
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    raise refuse(
        filename,
        "无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8、GBK、GB18030）",
        "unknown text encoding (UTF-8, UTF-8 with BOM, GBK and GB18030 are read)",
    )


def _csv_table(name: str, data: bytes, limits: Limits) -> tuple[pd.DataFrame, str]:
    text, encoding = decode_text(name, data)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=",")
    except (ValueError, pd.errors.ParserError) as exc:
        raise refuse(name, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from exc
    if len(table) > limits.max_rows:
        raise refuse(
            name,
            f"行数过多（{len(table):,}，上限 {limits.max_rows:,}）",
            f"too many rows ({len(table):,}; the limit is {limits.max_rows:,})",
        )
    table.columns = [str(c).strip() for c in table.columns]
    return table, encoding


def _read_csv(filename: str, data: bytes, limits: Limits) -> ParsedImport:
    table, encoding = _csv_table(filename, data, limits)
    issues = _formula_issues(table, filename, first_row=2)
    answers = _long_answers(table, filename, first_row=2, issues=issues)
    answers = answers[~answers[ROW].isin({i.row for i in issues})]
    return ParsedImport(filename, "", 0, "long", encoding, answers, _no_enterprises(), issues)


def _formula_issues(table: pd.DataFrame, sheet: str, *, first_row: int) -> list[Issue]:
    """Cells of a CSV that hold a formula (text starting with "=") rather than a value."""
    issues: list[Issue] = []
    for column in table.columns:
        hits = table.index[table[column].astype(str).str.startswith("=")]
        issues.extend(
            Issue(
                sheet,
                int(i) + first_row,
                str(column),
                str(table.at[i, column]),
                "单元格是公式而不是数值，请粘贴为数值",
                "the cell holds a formula, not a value: paste it as a value",
            )
            for i in hits[:50]
        )
    return issues


# ----------------------------------------------------------------------------- long layout


def _no_enterprises() -> pd.DataFrame:
    return pd.DataFrame(columns=[*ENTERPRISE_KEYS, SHEET, ROW])


def _long_answers(
    table: pd.DataFrame, sheet: str, *, first_row: int, issues: list[Issue]
) -> pd.DataFrame:
    """The long layout as the answers frame; missing columns become issues."""
    missing = [c for c in LONG_KEYS if c not in table.columns]
    keyed = {C.USCC, C.YEAR} <= set(table.columns) or C.ASSESSMENT_ID in table.columns
    if not keyed:
        missing.append(f"{C.USCC}+{C.YEAR} / {C.ASSESSMENT_ID}")
    if missing:
        present = ", ".join(map(str, table.columns))
        issues.extend(
            Issue(
                sheet,
                1,
                name,
                "",
                f"缺少必需的列（现有列：{present}）",
                f"missing required column (columns present: {present})",
            )
            for name in missing
        )
        return pd.DataFrame(columns=list(ANSWER_FRAME))
    out = pd.DataFrame(index=table.index)
    if {C.USCC, C.YEAR} <= set(table.columns):
        out[C.USCC] = table[C.USCC]
        out[C.YEAR] = table[C.YEAR]
    else:
        parts = table[C.ASSESSMENT_ID].astype(str).str.strip().str.rpartition("-")
        out[C.USCC], out[C.YEAR] = parts[0], parts[2]
    for key in LONG_KEYS:
        out[key] = table[key]
    out[FRAMEWORK_VERSION] = table.get(FRAMEWORK_VERSION, "")
    out[SHEET] = sheet
    out[ROW] = table.index.to_numpy() + first_row
    out[COLUMN] = C.ANSWER
    return _stripped(out[list(ANSWER_FRAME)])


def _stripped(frame: pd.DataFrame) -> pd.DataFrame:
    for name in frame.columns:
        if name not in (ROW,):
            frame[name] = frame[name].astype(str).str.strip()
    frame[C.USCC] = frame[C.USCC].str.upper()
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- XLSX


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@dataclass
class _Sheet:
    rows: list[list[str]]
    formulas: list[tuple[int, int, str]]  # row, column (1-based), formula text
    merged: list[str]  # ranges such as "A1:C1"


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Sheet name → merged ranges, read from the workbook XML (read-only mode hides them)."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    found: dict[str, list[str]] = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel}id"), "").lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        if path in archive.namelist():
            ranges = [m.decode() for m in _MERGE.findall(archive.read(path))]
            found[sheet.get("name", "")] = ranges
    return found


def _read_sheets(filename: str, data: bytes, limits: Limits) -> dict[str, _Sheet]:
    archive = check_archive(filename, data, limits)
    try:
        merged = _merged_ranges(archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise refuse(filename, "无法读取工作簿", "cannot read the workbook", str(exc)) from exc
    sheets: dict[str, _Sheet] = {}
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            formulas: list[tuple[int, int, str]] = []
            for r, row in enumerate(sheet.iter_rows(), start=1):
                values = []
                for c, cell in enumerate(row, start=1):
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f" or (
                        isinstance(value, str) and value.startswith("=")
                    ):
                        formulas.append((r, c, str(value)))
                        value = None  # reported; the formula is not read as an answer
                    values.append(_cell_text(value))
                rows.append(values)
                if r > limits.max_rows:
                    raise refuse(
                        filename,
                        f"行数过多（上限 {limits.max_rows:,}）",
                        f"too many rows (the limit is {limits.max_rows:,})",
                    )
            sheets[sheet.title] = _Sheet(rows, formulas, merged.get(sheet.title, []))
    finally:
        book.close()
    return sheets


def _sheet_issues(name: str, sheet: _Sheet, header_rows: int) -> list[Issue]:
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    issues = [
        Issue(
            name,
            r,
            get_column_letter(c),
            text,
            "单元格是公式而不是数值，请复制后“粘贴为数值”",
            "the cell holds a formula, not a value: copy it and paste as values",
        )
        for r, c, text in sheet.formulas[:200]
    ]
    for ref in sheet.merged:
        _, top, _, _ = range_boundaries(ref)
        header = top is not None and top <= header_rows
        issues.append(
            Issue(
                name,
                top,
                ref,
                "",
                "表头中有合并单元格，请取消合并"
                if header
                else "数据区有合并单元格，请取消合并并逐格填写",
                "merged header cells: unmerge them"
                if header
                else "merged cells in the data: unmerge them and fill every cell",
            )
        )
    return issues


def _table(sheet: _Sheet, header_row: int = 1, first_data_row: int = 2) -> pd.DataFrame:
    """A sheet as a text frame with row 1 as header; the index is the sheet row number."""
    if len(sheet.rows) < header_row:
        return pd.DataFrame()
    header = [h.strip() for h in sheet.rows[header_row - 1]]
    body = sheet.rows[first_data_row - 1 :]
    width = len(header)
    frame = pd.DataFrame(
        [(row + [""] * width)[:width] for row in body], columns=header, dtype=object
    )
    frame.index = pd.RangeIndex(first_data_row, first_data_row + len(frame))
    blank = (frame == "").all(axis=1)
    frame = frame[~blank]
    return frame.loc[:, [h != "" for h in header]] if width else frame


def _read_xlsx(filename: str, data: bytes, limits: Limits) -> ParsedImport:
    sheets = _read_sheets(filename, data, limits)
    if META_SHEET in sheets:
        return _read_template(filename, sheets)
    name = next(iter(sheets))
    sheet = sheets[name]
    issues = _sheet_issues(name, sheet, header_rows=1)
    table = _table(sheet)
    answers = _long_answers(table.reset_index(drop=True), name, first_row=2, issues=issues)
    if len(answers):
        answers[ROW] = table.index.to_numpy()
        answers = answers[~answers[ROW].isin({r for r, _, _ in sheet.formulas})]
    return ParsedImport(filename, "", 0, "long", None, answers, _no_enterprises(), issues)


def _read_template(filename: str, sheets: dict[str, _Sheet]) -> ParsedImport:
    meta = sheets[META_SHEET].rows
    issues: list[Issue] = []
    if not meta or meta[0][:2] != ["format", TEMPLATE_FORMAT]:
        issues.append(
            Issue(
                META_SHEET,
                1,
                "B",
                " ".join(meta[0]) if meta else "",
                f"模板格式不是 {TEMPLATE_FORMAT}，请下载新模板",
                f"the template format is not {TEMPLATE_FORMAT}: download a new template",
            )
        )
    versions = {row[1]: row[2] for row in meta[1:] if len(row) >= 3 and row[0] == "framework"}
    frames = []
    for framework_id, version in versions.items():
        if framework_id not in sheets:
            issues.append(
                Issue(
                    framework_id,
                    None,
                    None,
                    "",
                    "模板缺少此指标体系的答案表",
                    "the template lacks this framework's answer sheet",
                )
            )
            continue
        sheet = sheets[framework_id]
        issues += _sheet_issues(framework_id, sheet, header_rows=FIRST_DATA_ROW - 1)
        frames.append(_melt(_table(sheet, 1, FIRST_DATA_ROW), framework_id, version, issues))
    answers = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ANSWER_FRAME)
    enterprises = _no_enterprises()
    enterprise_sheet = next((n for n in sheets if n.startswith("企业")), None)
    if enterprise_sheet is not None:
        sheet = sheets[enterprise_sheet]
        issues += _sheet_issues(enterprise_sheet, sheet, header_rows=FIRST_DATA_ROW - 1)
        table = _table(sheet, 1, FIRST_DATA_ROW)
        if len(table):
            enterprises = pd.DataFrame(
                {key: table.get(key, pd.Series("", index=table.index)) for key in ENTERPRISE_KEYS}
            )
            enterprises[SHEET] = enterprise_sheet
            enterprises[ROW] = table.index.to_numpy()
            enterprises[C.USCC] = enterprises[C.USCC].astype(str).str.strip().str.upper()
            enterprises = enterprises.reset_index(drop=True)
    return ParsedImport(filename, "", 0, "template", None, answers, enterprises, issues)


def _melt(
    table: pd.DataFrame, framework_id: str, version: str, issues: list[Issue]
) -> pd.DataFrame:
    """A wide answer sheet (uscc, year, one column per indicator) as long answer rows."""
    from openpyxl.utils import get_column_letter

    for key in (C.USCC, C.YEAR):
        if key not in table.columns:
            issues.append(
                Issue(framework_id, 1, key, "", "缺少必需的列", "missing required column")
            )
            return pd.DataFrame(columns=list(ANSWER_FRAME))
    letters = {name: get_column_letter(i) for i, name in enumerate(table.columns, start=1)}
    wide = table.assign(**{ROW: table.index.to_numpy()})
    long = wide.melt(id_vars=[C.USCC, C.YEAR, ROW], var_name=C.INDICATOR_ID, value_name=C.ANSWER)
    long = long[long[C.ANSWER].astype(str).str.strip() != ""]
    long[C.FRAMEWORK_ID] = framework_id
    long[FRAMEWORK_VERSION] = version
    long[SHEET] = framework_id
    long[COLUMN] = long[C.INDICATOR_ID].map(letters)
    return _stripped(long[list(ANSWER_FRAME)])


# ----------------------------------------------------------------------------- zip


def _read_zip(filename: str, data: bytes, limits: Limits) -> ParsedImport:
    archive = check_archive(filename, data, limits)
    names = {m.filename.rsplit("/", 1)[-1].lower(): m.filename for m in archive.infolist()}
    if any(n.endswith(".zip") for n in names):
        raise refuse(filename, "压缩包内不能再有压缩包", "archives inside the archive are refused")
    if "answers.csv" not in names:
        tables = [n for n in names if n.endswith((".csv", ".xlsx"))]
        if len(tables) != 1:
            raise refuse(
                filename,
                "压缩包应包含 answers.csv（数据集）或恰好一个表格文件",
                "the zip should hold answers.csv (a data set) or exactly one table file",
            )
        inner = read_upload(tables[0], archive.read(names[tables[0]]), limits)
        inner.filename = filename
        return inner
    answers_table, encoding = _csv_table("answers.csv", archive.read(names["answers.csv"]), limits)
    issues = _formula_issues(answers_table, "answers.csv", first_row=2)
    if "assessments.csv" in names and C.USCC not in answers_table.columns:
        assessments, _ = _csv_table(
            "assessments.csv", archive.read(names["assessments.csv"]), limits
        )
        if {C.ASSESSMENT_ID, C.USCC, C.YEAR} <= set(assessments.columns):
            keys = assessments.drop_duplicates(C.ASSESSMENT_ID).set_index(C.ASSESSMENT_ID)
            ids = answers_table.get(C.ASSESSMENT_ID, pd.Series(dtype=str))
            answers_table[C.USCC] = ids.map(keys[C.USCC]).fillna("")
            answers_table[C.YEAR] = ids.map(keys[C.YEAR]).fillna("")
    answers = _long_answers(answers_table, "answers.csv", first_row=2, issues=issues)
    answers = answers[~answers[ROW].isin({i.row for i in issues})]
    enterprises = _no_enterprises()
    if "enterprises.csv" in names:
        table, _ = _csv_table("enterprises.csv", archive.read(names["enterprises.csv"]), limits)
        enterprises = pd.DataFrame(
            {key: table.get(key, pd.Series("", index=table.index)) for key in ENTERPRISE_KEYS}
        )
        enterprises[SHEET] = "enterprises.csv"
        enterprises[ROW] = table.index.to_numpy() + 2
        enterprises[C.USCC] = enterprises[C.USCC].astype(str).str.strip().str.upper()
    return ParsedImport(filename, "", 0, "dataset", encoding, answers, enterprises, issues)
