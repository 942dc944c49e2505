"""Templates and import: download an Excel template, upload a filled file, read the validation
report, import as drafts (all or nothing; the same file twice changes nothing)."""

import streamlit as st

from assessment.db import session_scope
from assessment.exchange.importing import apply_import, check_import
from assessment.exchange.reading import ImportRefused, read_upload
from ui.exchange_view import render_check, render_issues, render_parsed, template_bytes
from ui.i18n import lang, t
from ui.resources import engine, frameworks
from ui.state import actor

catalogue = frameworks()
st.subheader(t("1. 下载采集模板", "1. Download a collection template"))
chosen = st.multiselect(
    t("指标体系", "Frameworks"),
    options=list(catalogue),
    default=list(catalogue)[:2],
    format_func=lambda f: (
        catalogue[f].short_title.en if lang() == "en" else catalogue[f].short_title.zh
    ),
    key="import__frameworks",
    placeholder=t("请选择", "Choose"),
)
if chosen:
    st.download_button(
        t("下载模板（XLSX）", "Download the template (XLSX)"),
        data=template_bytes(tuple(chosen)),
        file_name="ronghe-template-" + "-".join(chosen) + ".xlsx",
        key="import__template",
    )

st.subheader(t("2. 上传并校验", "2. Upload and validate"))
upload = st.file_uploader(
    t(
        "填好的模板、长表 CSV/XLSX 或数据集 zip",
        "Filled template, long CSV/XLSX or zipped data set",
    ),
    type=["xlsx", "csv", "zip"],
    key="import__file",
)
if upload is None:
    st.stop()
try:
    parsed = read_upload(upload.name, upload.getvalue())
except ImportRefused as refused:
    render_issues(refused.issues, key="import__problems_file")
    st.stop()
render_parsed(parsed)
with session_scope(engine()) as session:
    check = check_import(session, actor=actor(session), parsed=parsed)
if not check.ok:
    render_issues(check.issues, key="import__problems")
    st.stop()
render_check(check)

st.subheader(t("3. 导入", "3. Import"))
if st.button(t("导入为草稿", "Import as drafts"), type="primary", key="import__apply"):
    with session_scope(engine()) as session:
        try:
            outcome = apply_import(session, actor=actor(session), parsed=parsed)
        except ImportRefused as refused:
            render_issues(refused.issues, key="import__problems_apply")
            st.stop()
    (st.success if outcome.changed else st.info)(outcome.message(lang()))
