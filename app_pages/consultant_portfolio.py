"""Consultant portfolio: the assigned enterprises with status, levels and Ronghe Index; bulk
export of reports (one zip) and scores."""

import streamlit as st

from assessment.db import session_scope
from assessment.exchange.exports import export_tables, portfolio
from assessment.reports.bundle import export_reports
from ui.exchange_view import render_portfolio
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

with session_scope(engine()) as session:
    table = portfolio(session, actor=actor(session))

if table.empty:
    st.info(t("还没有分配给您的企业。", "No enterprises are assigned to you yet."))
    st.stop()
st.caption(
    t("{n} 家企业，{a} 份评估", "{n} enterprises, {a} assessments").format(
        n=table["uscc"].nunique(), a=int(table["assessment"].notna().sum())
    )
)
render_portfolio(table)

assessed = table[table["assessment"].notna()]
labels = {
    int(str(a)): f"{n} · {y}"
    for a, n, y in zip(assessed["assessment"], assessed["name"], assessed["year"], strict=True)
}
chosen = st.multiselect(
    t("选择评估（批量操作）", "Choose assessments (bulk actions)"),
    options=list(labels),
    format_func=lambda a: labels[a],
    key="portfolio__chosen",
    placeholder=t("请选择", "Choose"),
)
pdf_col, xlsx_col, scores_col = st.columns(3)
if pdf_col.button(
    t("生成报告（PDF；多份打包为 zip）", "Make reports (PDF; several as a zip)"),
    disabled=not chosen,
):
    with session_scope(engine()) as session:
        st.session_state["portfolio__file"] = export_reports(
            session,
            actor=actor(session),
            assessment_ids=chosen,
            lang=lang(),
            as_zip=len(chosen) > 1,
        )
if xlsx_col.button(
    t("生成报告（Excel；多份打包为 zip）", "Make reports (Excel; several as a zip)"),
    disabled=not chosen,
):
    with session_scope(engine()) as session:
        st.session_state["portfolio__file"] = export_reports(
            session,
            actor=actor(session),
            assessment_ids=chosen,
            fmt="xlsx",
            lang=lang(),
            as_zip=len(chosen) > 1,
        )
if scores_col.button(t("导出得分（CSV）", "Export scores (CSV)"), disabled=not chosen):
    with session_scope(engine()) as session:
        st.session_state["portfolio__file"] = export_tables(
            session, actor=actor(session), kind="scores", fmt="csv", assessment_ids=chosen
        )
prepared = st.session_state.get("portfolio__file")
if prepared:
    name, data = prepared
    st.download_button(
        t("下载 {name}", "Download {name}").format(name=name),
        data=data,
        file_name=name,
        key="portfolio__download",
    )
