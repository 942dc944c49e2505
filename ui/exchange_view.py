"""Rendering helpers of the consultant pages (portfolio, import, exports)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from assessment.exchange.importing import ImportCheck, issues_frame, issues_workbook
from assessment.exchange.reading import Issue, ParsedImport
from assessment.reports.content import STATUS_NAMES
from ui.i18n import lang, t
from ui.resources import frameworks


@st.cache_data(show_spinner=False)
def template_bytes(frameworks: tuple[str, ...]) -> bytes:
    """The collection template for these frameworks (made once per selection)."""
    from assessment.exchange.templates import template_workbook

    return template_workbook(list(frameworks))


def status_name(status: object) -> str:
    """An assessment status in the current language ("" when there is no assessment)."""
    text = STATUS_NAMES.get(str(status))
    return "" if text is None else (text.en if lang() == "en" else text.zh)


def render_portfolio(table: pd.DataFrame) -> None:
    """The portfolio table: enterprise, year, status, levels, Ronghe Index, link to results."""
    shown = table.copy()
    shown["status"] = shown["status"].map(status_name)
    shown["results"] = [
        f"/results?assessment={int(i)}" if pd.notna(i) else None for i in shown["assessment"]
    ]
    levels = [c for c in shown.columns if c.endswith("_level")]
    columns = ["uscc", "name", "year", "status", "ronghe_index", "stage", "results", *levels]
    config: dict[str, Any] = {
        "uscc": t("统一社会信用代码", "Credit code"),
        "name": t("企业名称", "Enterprise"),
        "year": st.column_config.NumberColumn(t("年度", "Year"), format="%d"),
        "status": t("状态", "Status"),
        "ronghe_index": st.column_config.NumberColumn(t("融合指数", "Ronghe Index"), format="%.1f"),
        "stage": t("阶段", "Stage"),
        "results": st.column_config.LinkColumn(
            t("结果", "Results"), display_text=t("查看", "Open")
        ),
    }
    catalogue = frameworks()
    for column in levels:
        framework_id = column.removesuffix("_level")
        known = catalogue.get(framework_id)
        name = known.short_title.get(lang()) if known else framework_id
        config[column] = t("{f} 等级", "{f} level").format(f=name)
    st.dataframe(
        shown[[c for c in columns if c in shown.columns]],
        column_config=config,
        hide_index=True,
        width="stretch",
    )


def render_parsed(parsed: ParsedImport) -> None:
    """What was detected in the upload and the first rows read."""
    layouts = {
        "template": t("融合模板", "Ronghe template"),
        "long": t("长表", "long table"),
        "dataset": t("数据集压缩包", "zipped data set"),
    }
    facts = t("格式：{layout}；答案行：{rows}", "Layout: {layout}; answer rows: {rows}").format(
        layout=layouts.get(parsed.layout, parsed.layout), rows=len(parsed.answers)
    )
    if parsed.encoding:
        facts += t("；编码：{e}", "; encoding: {e}").format(e=parsed.encoding)
    st.caption(facts)
    preview = parsed.answers.sort_values(["_sheet", "_row"], kind="stable")
    st.dataframe(
        preview.drop(columns=["_column"], errors="ignore").head(20),
        hide_index=True,
        width="stretch",
    )


def render_issues(issues: list[Issue], key: str) -> None:
    """The validation report: a table and its XLSX download."""
    st.error(
        t(
            "发现 {n} 个问题，未导入任何数据。请修改后重新上传。",
            "{n} problems found; nothing was imported. Fix them and upload again.",
        ).format(n=len(issues))
    )
    st.dataframe(issues_frame(issues, lang()), hide_index=True, width="stretch")
    st.download_button(
        t("下载问题清单（XLSX）", "Download the problem list (XLSX)"),
        data=issues_workbook(issues),
        file_name="ronghe-import-problems.xlsx",
        key=key,
    )


def render_check(check: ImportCheck) -> None:
    """What an import would change."""
    st.success(
        t(
            "校验通过：新建 {new} 份草稿，更新 {upd} 份；写入 {w} 个答案，{u} 个未变。",
            "Valid: {new} new drafts, {upd} updated; {w} answers to write, {u} unchanged.",
        ).format(
            new=check.assessments_new,
            upd=check.assessments_updated,
            w=check.answers_changed,
            u=check.answers_unchanged,
        )
    )
