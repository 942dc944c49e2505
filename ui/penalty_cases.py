"""The case bar of the penalty page: save a calculation under a case reference (案件编号), list and
reopen saved cases, download the reasoning (Markdown) and the input (JSON)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from assessment.db import session_scope
from assessment.penalty import CaseResult
from assessment.penalty.report import input_json, to_markdown
from assessment.repo.errors import RepositoryError
from assessment.repo.penalty_cases import CaseListing, get_case, list_cases, save_case
from ui import penalty_form
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor, signed_in

P = penalty_form.P
CASE_ID, VERSION, REFERENCE, NOTICE = (
    P + "case_id",
    P + "case_version",
    P + "reference",
    P + "notice",
)
CHINA = ZoneInfo("Asia/Shanghai")


def _when(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") + t("（北京时间）", " (CST)")


def _notify(kind: str, error: RepositoryError | None = None, zh: str = "", en: str = "") -> None:
    if error is not None:
        zh, en = error.message_zh, error.message_en
    st.session_state[NOTICE] = (kind, zh, en)


def open_case() -> None:
    """Callback: load the chosen saved case into the form."""
    case_id = st.session_state.get(P + "open_choice")
    if case_id is None:
        return
    try:
        with session_scope(engine()) as session:
            case = get_case(session, actor=actor(session), case_id=int(case_id))
    except RepositoryError as exc:
        _notify("error", exc)
        return
    penalty_form.load_state(case.case_input)
    st.session_state[CASE_ID] = case.id
    st.session_state[VERSION] = case.version
    st.session_state[REFERENCE] = case.reference
    _notify(
        "info",
        zh=f"已打开案件“{case.reference}”（版本 {case.version}）。",
        en=f"Opened case '{case.reference}' (version {case.version}).",
    )


def new_case() -> None:
    """Callback: an empty form, not tied to a saved case."""
    penalty_form.load_state(penalty_form.EMPTY_CASE)
    for name in (CASE_ID, VERSION, NOTICE):
        st.session_state.pop(name, None)
    st.session_state[REFERENCE] = ""


def _save(case_input: dict[str, Any], *, as_new: bool) -> None:
    case_id = None if as_new else st.session_state.get(CASE_ID)
    try:
        with session_scope(engine()) as session:
            case = save_case(
                session,
                actor=actor(session),
                reference=st.session_state.get(REFERENCE, ""),
                case_input=case_input,
                case_id=case_id,
                base_version=st.session_state.get(VERSION) if case_id else None,
            )
    except RepositoryError as exc:
        _notify("error", exc)
        return
    st.session_state[CASE_ID] = case.id
    st.session_state[VERSION] = case.version
    _notify(
        "success",
        zh=f"已保存案件“{case.reference}”（版本 {case.version}），并记入审计日志。",
        en=f"Saved case '{case.reference}' (version {case.version}); the save is in the audit log.",
    )


def _listing_table(cases: list[CaseListing], *, owners: bool) -> pd.DataFrame:
    rows = []
    for c in cases:
        row = {
            t("案件编号", "Case reference"): c.reference,
            t("违法行为", "Acts"): c.label,
            t("状态", "State"): t("已决定", "decided") if c.decided else t("待决定", "pending"),
            t("版本", "Version"): c.version,
            t("保存时间", "Saved"): _when(c.updated_at),
        }
        if owners:
            row[t("保存人", "Saved by")] = c.owner
        rows.append(row)
    return pd.DataFrame(rows)


def _file_stem(reference: str) -> str:
    return re.sub(r"[^\w-]+", "-", reference).strip("-") or "penalty"


def case_panel(case_input: dict[str, Any], result: CaseResult | None) -> None:
    """Case reference, save, downloads and the list of saved cases."""
    who = signed_in()
    stem = _file_stem(str(st.session_state.get(REFERENCE, "")))
    ref_col, save_col, new_col, md_col, json_col = st.columns(
        [3, 1.2, 1.2, 1.6, 1.6], vertical_alignment="bottom"
    )
    ref_col.text_input(
        t("案件编号", "Case reference"),
        key=REFERENCE,
        placeholder=t("如：苏网信罚〔2026〕12号", "e.g. SU-CAC-2026-12"),
        disabled=who is None,
    )
    if who is not None:
        opened = st.session_state.get(CASE_ID) is not None
        if save_col.button(
            t("保存", "Save"),
            key=P + "save",
            type="primary",
            icon=":material/save:",
            disabled=result is None,
        ):
            _save(case_input, as_new=False)
        if opened and new_col.button(t("另存为新案件", "Save as new"), key=P + "save_new"):
            _save(case_input, as_new=True)
    md_col.download_button(
        t("下载说明", "Reasoning"),
        data=to_markdown(result) if result is not None else b"",
        file_name=f"{stem}-reasoning.md",
        mime="text/markdown",
        key=P + "download",
        disabled=result is None,
        icon=":material/download:",
        help=t(
            "裁量阶次、罚款区间、依据和第十七条说明（Markdown，中英文）",
            "Tier, fine range, articles and the Article 17 reasoning (Markdown, zh and en)",
        ),
    )
    json_col.download_button(
        t("下载输入", "Input"),
        data=input_json(case_input),
        file_name=f"{stem}-input.json",
        mime="application/json",
        key=P + "download_json",
        icon=":material/data_object:",
        help=t(
            "本计算的输入（JSON），可用 ronghe penalty 命令重新计算",
            "This calculation's input (JSON); ronghe penalty re-runs it",
        ),
    )
    notice = st.session_state.get(NOTICE)
    if notice:
        kind, zh, en = notice
        text = en if lang() == "en" else zh
        {"error": st.error, "success": st.success}.get(kind, st.info)(text)
    if who is None:
        st.caption(t("登录后可保存和打开案件。", "Sign in to save and open cases."))
        return
    with session_scope(engine()) as session:
        user = actor(session)
        cases = list_cases(session, actor=user)
        admin = user.role == "admin"
    with st.expander(t("已保存的案件", "Saved cases") + f" · {len(cases)}"):
        if not cases:
            st.caption(t("还没有保存的案件。", "No saved cases yet."))
            return
        st.dataframe(_listing_table(cases, owners=admin), hide_index=True, width="stretch")
        names = {c.id: f"{c.reference} · {c.label}" if c.label else c.reference for c in cases}
        pick_col, open_col, clear_col = st.columns([4, 1, 1.4], vertical_alignment="bottom")
        pick_col.selectbox(
            t("选择案件", "Choose a case"),
            list(names),
            format_func=names.__getitem__,
            key=P + "open_choice",
        )
        open_col.button(t("打开", "Open"), key=P + "open", on_click=open_case)
        clear_col.button(t("新建空白计算", "New calculation"), key=P + "new", on_click=new_case)
