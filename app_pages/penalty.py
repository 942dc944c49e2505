"""Penalty-discretion calculator (CAC rules of 2025) for a case handler: the case on the left, the
decision (tier, band, articles) beside it on the right; cases saved under a case reference.
Thin: read the widgets, call the core once, render."""

from __future__ import annotations

import streamlit as st

from assessment.penalty.feedback import assess
from assessment.penalty.prefill import PrefillError, decode_prefill
from ui import penalty_cases, penalty_form
from ui.i18n import lang, t
from ui.penalty_form import VIOLATIONS, P, Slots, key, pick

STYLE = """
<style>
@media (min-width: 992px) {
  div[data-testid="stColumn"]:has(.st-key-penalty_result) {
    position: sticky; top: 3.75rem; align-self: flex-start;
    max-height: calc(100vh - 4.5rem); overflow-y: auto;
  }
  div:has(> .st-key-penalty_summary) { display: none; }
}
@media (max-width: 991.98px) {
  div[data-testid="stLayoutWrapper"]:has(> .st-key-penalty_summary) {
    position: sticky; top: 3.75rem; z-index: 10; background: var(--background-color, #fff);
    border-bottom: 1px solid rgba(49, 51, 63, 0.2); padding: 0.25rem 0;
  }
}
</style>
"""

# A prefill link (``?prefill=<token>``) fills the first violation, once per token.
token = st.query_params.get("prefill")
if token and st.session_state.get(P + "prefill_token") != token:
    st.session_state[P + "prefill_token"] = token
    try:
        penalty_form.load_state({"violations": [decode_prefill(token)]})
        st.session_state[P + "prefill_error"] = None
    except PrefillError as exc:
        st.session_state[P + "prefill_error"] = (exc.message_zh, exc.message_en)
if VIOLATIONS not in st.session_state:
    penalty_form.load_state(penalty_form.EMPTY_CASE)

st.html(STYLE)
st.caption(
    pick(penalty_form.RULES.title) + t("（2025年8月1日起施行）", " (in force from 1 August 2025)")
)
prefill_error = st.session_state.get(P + "prefill_error")
if token and prefill_error:
    zh, en = prefill_error
    st.error(en if lang() == "en" else zh, icon=":material/link_off:")
case_bar = st.container()
summary = st.container(key="penalty_summary")
form_col, result_col = st.columns([3, 2], gap="large")
slots: Slots = {}
with form_col:
    general = st.empty()
    ids = list(st.session_state[VIOLATIONS])
    labels = [
        st.session_state.get(key("v", v, "label"))
        or t("违法行为 {n}", "Violation {n}").format(n=i + 1)
        for i, v in enumerate(ids)
    ]
    violations = []
    for i, (v, tab) in enumerate(zip(ids, st.tabs(labels), strict=True)):
        with tab:
            violations.append(penalty_form.violation_form(v, i, slots))
            if len(ids) > 1:
                st.button(
                    t("删除此违法行为", "Remove this violation"),
                    key=key("v", v, "remove"),
                    on_click=penalty_form.remove_violation,
                    args=(v,),
                    icon=":material/delete:",
                )
    st.button(
        t(
            "添加另一违法行为（分别裁量、合并罚款）",
            "Add another violation (decided separately, fines combined)",
        ),
        key=P + "add_violation",
        on_click=penalty_form.add_violation,
        icon=":material/add:",
    )

case_input = {"violations": violations}
outcome = assess(case_input)
with result_col, st.container(key="penalty_result"):
    st.subheader(t("裁量结果", "Decision"))
    if outcome.result is None:
        st.info(t("请先更正左侧标出的输入错误。", "Correct the inputs marked on the left first."))
    else:
        many = len(ids) > 1
        for i, (v, result) in enumerate(zip(ids, outcome.result.violations, strict=True)):
            penalty_form.violation_result(v, i, result, violations[i], slots, many=many)
        penalty_form.case_result(outcome.result)
penalty_form.show_errors(outcome.errors, slots, general)
with summary:
    penalty_form.summary_line(ids, outcome.result)
with case_bar:
    penalty_cases.case_panel(case_input, outcome.result)
