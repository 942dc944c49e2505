"""The client report as PDF (fpdf2), Chinese by default, English on request.

Chinese glyphs render in any viewer because the PDF embeds a subset of WenQuanYi Micro Hei, a
TrueType font shipped in ``assessment/reports/fonts/`` with its licence (Apache-2.0); no system
font is used. (TrueType rather than a CFF-flavoured OTF: fpdf2's CFF output is not read back by
PDF text extractors, so copy and search would fail.)
Charts are bars drawn with the PDF library's own rectangles, so no browser is needed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from assessment.reports.content import (
    INDEX_EXPLANATION,
    SELF_ASSESSED,
    FrameworkSection,
    ReportContent,
)
from indicators.crosswalk import load_crosswalk
from indicators.schema import Text

FONT: Final = "noto"
ACCENT: Final = (31, 94, 160)
GREY: Final = (120, 120, 120)
BAR_BACK: Final = (226, 232, 240)


FONT_DIR: Final = Path(__file__).parent / "fonts"
FONT_FILE: Final = FONT_DIR / "wqy-microhei.ttc"
# GB 2312, Latin, punctuation and every character of the framework and reference files: a
# quarter of the glyphs, so a report takes a fraction of the time (made with fontTools'
# pyftsubset from FONT_FILE; see fonts/README.md)
FAST_FONT_FILE: Final = FONT_DIR / "wqy-microhei-gb2312.ttf"


@functools.cache
def _fast_font_chars() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(FAST_FONT_FILE, lazy=True) as font:
        return frozenset(font.getBestCmap())


def font_path(texts: Iterable[str] = ()) -> str:
    """The CJK font file to embed: the small one when it covers every character of ``texts``,
    else the whole WenQuanYi Micro Hei (rare characters in a name still render)."""
    wanted = {ord(ch) for text in texts for ch in text if ord(ch) >= 0x20}
    return str(FAST_FONT_FILE if wanted <= _fast_font_chars() else FONT_FILE)


class _Report(FPDF):
    def __init__(self, lang: str, footer_text: str, font_file: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.footer_text = footer_text
        self.add_font(FONT, "", font_file, collection_font_number=0)
        self.set_font(FONT, size=10)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text}  ·  {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def tr(self, text: Text | None) -> str:
        if text is None:
            return "—"
        return text.en if self.lang == "en" else text.zh

    def say(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def heading(self, text: str, size: float = 14) -> None:
        self.ln(2)
        self.set_font(FONT, size=size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.55, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font(FONT, size=10)
        self.ln(1)

    def para(self, text: str, size: float = 10, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(FONT, size=size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut (with an ellipsis) to fit ``width`` mm in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def bars(self, rows: Sequence[tuple[str, float | None, str]], maximum: float) -> None:
        """Horizontal bars: label, value (None: not scored) and the printed value."""
        label_w, bar_w, height = 62.0, 90.0, 6.0
        for label, value, shown in rows:
            if self.will_page_break(height + 1):
                self.add_page()
            x, y = self.l_margin, self.get_y()
            self.set_font(FONT, size=8.5)
            self.set_xy(x, y)
            self.cell(label_w, height, self.fit(label, label_w - 2))
            self.set_fill_color(*BAR_BACK)
            self.rect(x + label_w, y + 1, bar_w, height - 2, style="F")
            if value is not None and maximum > 0:
                self.set_fill_color(*ACCENT)
                share = max(0.0, min(1.0, value / maximum))
                self.rect(x + label_w, y + 1, bar_w * share, height - 2, style="F")
            self.set_xy(x + label_w + bar_w + 2, y)
            self.cell(20, height, shown)
            self.set_y(y + height + 0.8)
        self.set_font(FONT, size=10)

    def table(  # type: ignore[override]
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
    ) -> None:
        self.set_font(FONT, size=8.5)
        self.set_fill_color(255, 255, 255)  # the bars leave their colour behind
        with super().table(
            col_widths=tuple(widths),
            headings_style=FontFace(emphasis="", fill_color=BAR_BACK),
            line_height=5.5,
            text_align="LEFT",
            first_row_as_headings=True,
        ) as table:
            for values in (header, *rows):
                line = table.row()
                for value in values:
                    line.cell(value)
        self.set_font(FONT, size=10)


def report_pdf(content: ReportContent, *, lang: str = "zh") -> bytes:
    """The report of ``content`` as PDF bytes, in Chinese (``lang="zh"``) or English."""
    pdf = _Report(lang, f"{content.enterprise_name} · {content.year}", font_path(_texts(content)))
    pdf.set_title(pdf.say("数字化转型评估报告", "Digital transformation assessment report"))
    pdf.set_creator("Ronghe 融合")
    _cover(pdf, content)
    _summary(pdf, content)
    for section in content.frameworks:
        _framework(pdf, section)
    _conversion(pdf, content)
    return bytes(pdf.output())


def _texts(content: ReportContent) -> list[str]:
    """Every variable text the report may print (the fixed texts are in the fast font)."""
    texts = [content.enterprise_name, content.region.zh, content.industry.zh]
    for s in content.frameworks:
        texts += [s.title.zh, s.title.en] + [r.text.zh for r in s.recommendations]
    return texts


def _cover(pdf: _Report, content: ReportContent) -> None:
    pdf.add_page()
    pdf.ln(40)
    pdf.set_font(FONT, size=24)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(
        0, 12, pdf.say("数字化转型评估报告", "Digital transformation assessment report"), align="C"
    )
    pdf.ln(8)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=18)
    pdf.multi_cell(0, 10, content.enterprise_name, align="C")
    pdf.ln(10)
    pdf.set_font(FONT, size=11)
    facts = [
        (pdf.say("统一社会信用代码", "Credit code"), content.uscc),
        (pdf.say("所在地区", "Region"), pdf.tr(content.region)),
        (pdf.say("所属行业", "Industry"), pdf.tr(content.industry)),
        (pdf.say("评估年度", "Year"), str(content.year)),
        (pdf.say("评估状态", "Status"), pdf.tr(content.status)),
    ]
    for label, value in facts:
        pdf.set_x(45)
        pdf.cell(40, 8, label)
        pdf.cell(0, 8, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(30)
    pdf.para(pdf.tr(SELF_ASSESSED), size=9, colour=GREY)
    pdf.para(pdf.say("融合平台（Ronghe）生成", "Produced with Ronghe (融合)"), 9, GREY)


def _summary(pdf: _Report, content: ReportContent) -> None:
    pdf.add_page()
    pdf.heading(pdf.say("融合指数", "Ronghe Index"), 16)
    pdf.set_font(FONT, size=30)
    value = "—" if content.composite is None else f"{content.composite:.1f}"
    pdf.cell(45, 16, value)
    pdf.set_font(FONT, size=12)
    stage = (
        pdf.say("未形成", "not formed")
        if content.stage is None
        else pdf.say(
            f"第{content.stage}阶段（{pdf.tr(content.stage_name)}）",
            f"stage {content.stage} ({pdf.tr(content.stage_name)})",
        )
    )
    pdf.cell(0, 16, f"/ 100   {stage}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(pdf.tr(INDEX_EXPLANATION), size=9, colour=GREY)
    pdf.ln(2)
    peers = content.peers
    shown = (
        pdf.say("样本不足，不予显示", "not shown: too few peers")
        if peers.percentile is None
        else pdf.say(f"第 {peers.percentile:.0f} 百分位", f"{peers.percentile:.0f}th percentile")
    )
    pdf.para(
        pdf.say(
            f"同行比较：{shown}；比较组：{pdf.tr(peers.group)}（{peers.count} 家企业）",
            f"Peer comparison: {shown}; group: {pdf.tr(peers.group)} ({peers.count} enterprises)",
        )
    )
    pdf.heading(pdf.say("各体系等级", "Level per framework"))
    header = [
        pdf.say("指标体系", "Framework"),
        pdf.say("版本", "Version"),
        pdf.say("等级", "Level"),
        pdf.say("得分", "Score"),
        pdf.say("百分制", "0–100"),
        pdf.say("覆盖率", "Coverage"),
    ]
    rows = [
        [
            pdf.tr(s.title),
            s.version,
            _level_text(pdf, s),
            _num(s.score, 2),
            _num(s.score_100, 1),
            "—" if s.coverage is None else f"{s.coverage:.0%}",
        ]
        for s in content.frameworks
    ]
    pdf.table(header, rows, (60, 18, 36, 18, 18, 20))
    pdf.heading(pdf.say("各体系百分制得分", "Framework scores on 0–100"))
    pdf.bars(
        [(pdf.tr(s.short_title), s.score_100, _num(s.score_100, 1)) for s in content.frameworks],
        100.0,
    )


def _level_text(pdf: _Report, section: FrameworkSection) -> str:
    if section.level is None:
        return pdf.say("未达一级", "below level 1")
    name = pdf.tr(section.level_name)
    return name if str(section.level) in name else f"{section.level} {name}"


def _num(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _framework(pdf: _Report, section: FrameworkSection) -> None:
    pdf.add_page()
    pdf.heading(f"{pdf.tr(section.title)}  ({section.framework_id}@{section.version})", 14)
    pdf.para(
        pdf.say(
            f"等级：{_level_text(pdf, section)}；得分 {_num(section.score, 2)} / "
            f"{_num(section.scale_max, 0)}；百分制 {_num(section.score_100, 1)}",
            f"Level: {_level_text(pdf, section)}; score {_num(section.score, 2)} / "
            f"{_num(section.scale_max, 0)}; 0–100: {_num(section.score_100, 1)}",
        )
    )
    if section.conversion is not None:
        pdf.para(pdf.say("换算：", "Conversion: ") + pdf.tr(section.conversion), 9, GREY)
    if not section.complete:
        pdf.para(pdf.say("尚有必答指标未作答。", "Some required indicators are unanswered."), 9)
    pdf.heading(pdf.say("各维度得分", "Dimension scores"), 12)
    pdf.bars(
        [
            (pdf.tr(name), value, "—" if value is None else f"{value:.0%}")
            for name, value in section.dimensions
        ],
        1.0,
    )
    pdf.heading(pdf.say("差距与改进建议", "Gaps and recommendations"), 12)
    if section.next_level is not None:
        pdf.para(
            pdf.say(f"下一等级：{section.next_level}", f"Next level: {section.next_level}"), 10
        )
    if not section.recommendations:
        pdf.para(pdf.say("暂无建议。", "No recommendations."), 9, GREY)
    for number, advice in enumerate(section.recommendations, start=1):
        current = (
            ""
            if advice.current_level is None
            else pdf.say(
                f"（当前 {advice.current_level} 级）", f" (now level {advice.current_level})"
            )
        )
        pdf.para(f"{number}. {pdf.tr(advice.indicator)}{current}", 10)
        pdf.para(pdf.tr(advice.text), 9)
        if advice.work_points:
            pdf.para(
                pdf.say("对应 2025 工作要点措施：", "2025 work-point measures: ")
                + ", ".join(advice.work_points),
                8.5,
                GREY,
            )
        pdf.ln(1)


def _conversion(pdf: _Report, content: ReportContent) -> None:
    walk = load_crosswalk(content.crosswalk_version)
    pdf.add_page()
    pdf.heading(pdf.say("换算表", "Conversion table"), 14)
    pdf.para(pdf.tr(walk.basis), 8.5, GREY)
    used = {s.framework_id for s in content.frameworks}
    rows = [
        [
            pdf.tr(m.name),
            str(a.level),
            pdf.tr(a.name),
            str(a.stage),
            pdf.tr(walk.stage(a.stage).name),
        ]
        for m in walk.mappings
        if m.framework in used
        for a in m.levels
    ]
    header = [
        pdf.say("体系", "Framework"),
        pdf.say("等级", "Level"),
        pdf.say("等级名称", "Level name"),
        pdf.say("阶段", "Stage"),
        pdf.say("阶段名称", "Stage name"),
    ]
    pdf.table(header, rows, (46, 16, 44, 16, 48))
    pdf.heading(pdf.say("所用版本", "Versions used"), 12)
    versions = ", ".join(f"{s.framework_id}@{s.version}" for s in content.frameworks)
    pdf.para(pdf.say(f"指标体系：{versions}", f"Frameworks: {versions}"), 9)
    pdf.para(pdf.say(f"换算表：{walk.version}", f"Conversion table (crosswalk): {walk.version}"), 9)
    pdf.heading(pdf.say("声明", "Disclaimer"), 12)
    pdf.para(pdf.tr(INDEX_EXPLANATION), 9)
    pdf.para(pdf.tr(SELF_ASSESSED), 9)
