"""The client report as an Excel workbook: summary, per-framework scores, answers with the
evidence each indicator asks for, and gaps with recommendations (cells made inert)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from assessment.reports.content import INDEX_EXPLANATION, SELF_ASSESSED, ReportContent
from assessment.tabular import inert_text
from indicators.schema import Text


def _t(text: Text | None, lang: str) -> str:
    return "" if text is None else (text.en if lang == "en" else text.zh)


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> Worksheet:
    sheet: Worksheet = book.create_sheet(title)
    sheet.append([inert_text(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([inert_text(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, _ in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 22
    return sheet


def report_workbook(content: ReportContent, *, lang: str = "zh") -> bytes:
    """The report of ``content`` as XLSX bytes (four sheets)."""
    en = lang == "en"

    def say(zh: str, english: str) -> str:
        return english if en else zh

    book = Workbook()
    book.remove(book.active)
    peers = content.peers
    summary = [
        (say("企业名称", "Enterprise"), content.enterprise_name),
        (say("统一社会信用代码", "Credit code"), content.uscc),
        (say("所在地区", "Region"), _t(content.region, lang)),
        (say("所属行业", "Industry"), _t(content.industry, lang)),
        (say("评估年度", "Year"), content.year),
        (say("评估状态", "Status"), _t(content.status, lang)),
        (say("融合指数", "Ronghe Index"), content.composite),
        (say("综合阶段", "Stage"), content.stage),
        (say("阶段名称", "Stage name"), _t(content.stage_name, lang)),
        (say("同行百分位", "Peer percentile"), peers.percentile),
        (say("比较组", "Peer group"), _t(peers.group, lang)),
        (say("比较组企业数", "Enterprises in the group"), peers.count),
        (say("换算表版本", "Crosswalk version"), content.crosswalk_version),
        (
            say("指标体系版本", "Framework versions"),
            ", ".join(f"{s.framework_id}@{s.version}" for s in content.frameworks),
        ),
        (say("说明", "Note"), _t(INDEX_EXPLANATION, lang)),
        (say("声明", "Disclaimer"), _t(SELF_ASSESSED, lang)),
    ]
    sheet = _sheet(book, say("概要", "Summary"), [say("项目", "Item"), say("值", "Value")], summary)
    sheet.column_dimensions["B"].width = 70
    scores = []
    for s in content.frameworks:
        scores.append(
            [
                s.framework_id,
                s.version,
                "",
                _t(s.title, lang),
                s.level,
                _t(s.level_name, lang),
                s.score,
                s.scale_max,
                s.score_100,
                s.coverage,
            ]
        )
        scores.extend(
            [s.framework_id, s.version, _t(name, lang), "", None, "", value, 1.0, None, None]
            for name, value in s.dimensions
        )
    _sheet(
        book,
        say("得分", "Scores"),
        [
            "framework_id",
            say("版本", "version"),
            say("维度", "dimension"),
            say("指标体系", "framework"),
            say("等级", "level"),
            say("等级名称", "level name"),
            say("得分", "score"),
            say("满分", "scale max"),
            say("百分制", "score 0–100"),
            say("覆盖率", "coverage"),
        ],
        scores,
    )
    answers = content.answers
    _sheet(
        book,
        say("答案", "Answers"),
        [
            "framework_id",
            "indicator_id",
            say("指标", "indicator"),
            say("答案", "answer"),
            say("证据要求", "evidence asked for"),
        ],
        [
            [
                r.framework_id,
                r.indicator_id,
                r.indicator_en if en else r.indicator_zh,
                r.answer,
                r.evidence_en if en else r.evidence_zh,
            ]
            for r in answers.itertuples(index=False)
        ],
    )
    gaps = [
        [
            s.framework_id,
            s.next_level,
            _t(r.indicator, lang),
            r.current_level,
            _t(r.text, lang),
            ", ".join(r.work_points),
        ]
        for s in content.frameworks
        for r in s.recommendations
    ]
    _sheet(
        book,
        say("差距与建议", "Gaps"),
        [
            "framework_id",
            say("下一等级", "next level"),
            say("指标", "indicator"),
            say("当前等级", "current level"),
            say("建议", "recommendation"),
            say("2025 工作要点", "2025 work points"),
        ],
        gaps,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
