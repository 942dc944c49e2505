"""Exports and roll-up: scores or answers of the assessments in scope (CSV/XLSX), the JSON
interchange file for the next level up, and (bureaus, admins) importing a lower level's file."""

import streamlit as st

from assessment.db import session_scope
from assessment.exchange.exports import export_tables
from assessment.exchange.interchange import export_interchange, import_interchange
from assessment.exchange.reading import ImportRefused
from assessment.repo.errors import RepositoryError
from ui.exchange_view import render_issues
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor, signed_in

kinds = {
    "scores": t("得分", "Scores"),
    "answers": t("答案", "Answers"),
    "interchange": t("交换文件（JSON，向上级报送）", "Interchange file (JSON, for the next level)"),
}
what = st.radio(
    t("导出内容", "What to export"),
    list(kinds),
    format_func=kinds.get,
    horizontal=True,
    key="export__what",
)
year = st.number_input(
    t("年度（0 表示全部）", "Year (0 for all)"),
    min_value=0,
    max_value=2100,
    value=0,
    step=1,
    key="export__year",
)
fmt = (
    "json"
    if what == "interchange"
    else st.radio(t("格式", "Format"), ["csv", "xlsx"], horizontal=True, key="export__format")
)
if st.button(t("生成导出文件", "Make the export"), key="export__make"):
    with session_scope(engine()) as session:
        me = actor(session)
        if what == "interchange":
            st.session_state["export__file"] = export_interchange(
                session, actor=me, year=int(year) or None
            )
        else:
            st.session_state["export__file"] = export_tables(
                session,
                actor=me,
                kind="scores" if what == "scores" else "answers",
                fmt="xlsx" if fmt == "xlsx" else "csv",
                year=int(year) or None,
            )
prepared = st.session_state.get("export__file")
if prepared:
    st.download_button(
        t("下载 {name}", "Download {name}").format(name=prepared[0]),
        data=prepared[1],
        file_name=prepared[0],
        key="export__download",
    )

who = signed_in()
if who is not None and who.role in ("bureau", "admin"):
    st.subheader(t("汇入下级报送的交换文件", "Roll up a lower level's interchange file"))
    upload = st.file_uploader(
        t("交换文件（JSON）", "Interchange file (JSON)"), type=["json"], key="export__rollup"
    )
    if upload is not None and st.button(t("汇入", "Roll up"), key="export__rollup_apply"):
        with session_scope(engine()) as session:
            try:
                outcome = import_interchange(
                    session, actor=actor(session), data=upload.getvalue(), filename=upload.name
                )
                (st.success if outcome.changed else st.info)(outcome.message(lang()))
            except ImportRefused as refused:
                render_issues(refused.issues, key="export__rollup_problems")
            except RepositoryError as exc:
                st.error(exc.message(lang()))
