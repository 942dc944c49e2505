"""Excel templates for collecting assessments on site, generated from the framework files.

A template has an instructions sheet, an enterprise sheet and one answer sheet per framework
(named by the framework id). Every data sheet has three header rows, frozen: row 1 the stable
keys (``uscc``, ``year``, indicator ids) that the importer reads, row 2 the Chinese and row 3
the English names; data start on row 4. Answer cells carry drop-down lists of the answers the
indicator accepts (levels, options, yes/no, ``na`` where allowed) kept on a hidden sheet; the
hidden ``_meta`` sheet names the format and each sheet's framework version, so a new framework
version gives a new template and a filled template imports with no editing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment import columns as C
from assessment import reference
from assessment.tabular import inert_text
from indicators.loader import load_framework
from indicators.schema import AnswerType, Framework, Indicator

TEMPLATE_FORMAT: Final = "ronghe-template/1"
META_SHEET: Final = "_meta"
LISTS_SHEET: Final = "_lists"
INSTRUCTIONS_SHEET: Final = "说明 Instructions"
ENTERPRISE_SHEET: Final = "企业 Enterprises"
HEADER_ROWS: Final = 3  # keys, Chinese names, English names
FIRST_DATA_ROW: Final = HEADER_ROWS + 1
TEMPLATE_ROWS: Final = 500  # rows that carry the drop-down lists

ENTERPRISE_COLUMNS: Final = (
    (C.USCC, "统一社会信用代码", "Unified social credit code"),
    (C.NAME, "企业名称", "Enterprise name"),
    (C.REGION_CODE, "行政区划代码", "Region code (GB/T 2260)"),
    (C.INDUSTRY_CODE, "行业大类代码", "Industry division (C13–C43)"),
    (C.EMPLOYEES, "从业人员数", "Employees"),
    (C.REVENUE_WAN, "营业收入（万元）", "Revenue (¥10,000)"),
    (C.PRODUCTION_TYPE, "生产类型", "Production type"),
)
ANSWER_KEYS: Final = (
    (C.USCC, "统一社会信用代码", "Unified social credit code"),
    (C.YEAR, "评估年度", "Year"),
)
PRODUCTION_TYPES: Final = ("discrete", "process")
_HEAD_FILL: Final = PatternFill("solid", fgColor="DCE6F1")
_KEY_FONT: Final = Font(color="808080", size=8)


def allowed_answers(indicator: Indicator, max_level: int) -> list[str] | None:
    """The answer texts a drop-down offers (None: free entry, e.g. numbers and multi-choice)."""
    values: list[str] | None
    if indicator.answer is AnswerType.LEVEL:
        values = [str(v) for v in range(max_level + 1)]
    elif indicator.answer is AnswerType.BOOLEAN:
        values = ["yes", "no"]
    elif indicator.answer is AnswerType.CHOICE:
        values = [o.id for o in indicator.options or ()]
    else:
        return None
    return [*values, "na"] if indicator.na_allowed else values


def _hint(indicator: Indicator, max_level: int) -> str:
    """The input message of an answer column: what to write, in both languages."""
    kind = indicator.answer
    if kind is AnswerType.LEVEL:
        text = f"0–{max_level}：0 未开始 / 0 not started"
    elif kind is AnswerType.BOOLEAN:
        text = "yes / no"
    elif kind in (AnswerType.CHOICE, AnswerType.MULTI):
        text = "; ".join(f"{o.id} = {o.label.zh} / {o.label.en}" for o in indicator.options or ())
        if kind is AnswerType.MULTI:
            text = "多选用 | 分隔 / several joined by |: " + text
    else:
        unit = f" ({indicator.unit.zh} / {indicator.unit.en})" if indicator.unit else ""
        text = "百分数 0–100 / percent 0–100" if kind is AnswerType.PERCENT else "数字 / number"
        text += unit
    if indicator.na_allowed:
        text += "；不适用填 na / na = not applicable"
    return text[:250]


def _header(sheet: Worksheet, columns: Sequence[tuple[str, str, str]]) -> None:
    for index, (key, zh, en) in enumerate(columns, start=1):
        for row, value in enumerate((key, zh, en), start=1):
            cell = sheet.cell(row, index, inert_text(value))
            cell.fill = _HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(1, index).font = _KEY_FONT
        sheet.column_dimensions[get_column_letter(index)].width = 18
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 3)


class _Lists:
    """Drop-down values kept on the hidden lists sheet (no 255-character limit that way)."""

    def __init__(self, book: Workbook) -> None:
        self.sheet = book.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "hidden"
        self.column = 0

    def add(self, values: Sequence[str]) -> str:
        self.column += 1
        for row, value in enumerate(values, start=1):
            self.sheet.cell(row, self.column, value)
        letter = get_column_letter(self.column)
        return f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"


def _validate(sheet: Worksheet, column: int, source: str, hint: str) -> None:
    letter = get_column_letter(column)
    rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
    rule.error = "请从下拉列表中选择 / choose a value from the list"
    rule.errorTitle = "Ronghe"
    rule.prompt = hint
    rule.showErrorMessage = True
    rule.showInputMessage = True
    sheet.add_data_validation(rule)
    rule.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + TEMPLATE_ROWS - 1}")


def _answer_sheet(book: Workbook, lists: _Lists, framework: Framework) -> None:
    sheet = book.create_sheet(framework.id)
    indicators = framework.indicators
    columns = list(ANSWER_KEYS) + [(i.id, i.name.zh, i.name.en) for i in indicators]
    _header(sheet, columns)
    max_level = framework.max_answer_level
    for offset, indicator in enumerate(indicators, start=len(ANSWER_KEYS) + 1):
        hint = _hint(indicator, max_level)
        values = allowed_answers(indicator, max_level)
        if values is not None:
            _validate(sheet, offset, lists.add(values), hint)
        required = "必答 / required" if indicator.required else "选答 / optional"
        sheet.cell(1, offset).comment = Comment(f"{required}\n{hint}", "Ronghe")


def _enterprise_sheet(book: Workbook, lists: _Lists) -> None:
    sheet = book.create_sheet(ENTERPRISE_SHEET)
    _header(sheet, ENTERPRISE_COLUMNS)
    industries = [f"C{code}" for code in reference.industries()["code"]]
    _validate(sheet, 4, lists.add(industries), "GB/T 4754-2017 C13–C43")
    _validate(sheet, 7, lists.add(PRODUCTION_TYPES), "discrete 离散型 / process 流程型")


def _instructions(book: Workbook, frameworks: Sequence[Framework]) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = INSTRUCTIONS_SHEET
    lines = [
        "融合平台评估采集模板 / Ronghe assessment collection template",
        "",
        "1. 在“企业 Enterprises”表每行填写一家企业（统一社会信用代码必须有效）。",
        "   One enterprise per row on the Enterprises sheet (a valid credit code).",
        "2. 在每个指标体系的答案表中，每行填写一家企业一个年度的答案；第1行是指标编号，请勿修改。",
        "   On each framework's sheet, one row per enterprise and year; row 1 holds the indicator"
        " ids: do not change it.",
        "3. 从下拉列表选择答案；多选题用 | 分隔选项编号；不适用填 na；空白表示未作答。",
        "   Pick answers from the lists; multiple choices are option ids joined by |; na = not "
        "applicable; an empty cell is unanswered.",
        "4. 请填写数值而不是公式，不要合并单元格。导入后为草稿，提交前可继续修改。",
        "   Enter values, not formulas, and do not merge cells. Imports become drafts that can "
        "still be edited before submission.",
        "",
        "指标体系版本 / Framework versions:",
        *(f"   {f.id}@{f.version}  {f.title.zh} / {f.title.en}" for f in frameworks),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row, 1, line)
    sheet.column_dimensions["A"].width = 110


def template_workbook(frameworks: Sequence[str] | dict[str, str | None]) -> bytes:
    """An XLSX template for ``frameworks`` (ids, or id → version; None = newest release)."""
    wanted = frameworks if isinstance(frameworks, dict) else dict.fromkeys(frameworks)
    loaded = [load_framework(fid, version) for fid, version in wanted.items()]
    book = Workbook()
    _instructions(book, loaded)
    lists = _Lists(book)
    _enterprise_sheet(book, lists)
    for framework in loaded:
        _answer_sheet(book, lists, framework)
    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(["format", TEMPLATE_FORMAT])
    for framework in loaded:
        meta.append(["framework", framework.id, framework.version])
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
