"""Penalty-discretion calculator (CAC rules of 2025): circumstances in, tier, fine band and the
Article 17 reasoning out. Thin: read the widgets, call ``evaluate`` once, render."""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from assessment.penalty import Case, PenaltyError, Tier, evaluate, load_rules, to_markdown
from assessment.penalty.models import error_message
from assessment.penalty.refs import provision_ref, tier_name
from assessment.penalty.report import amount_text
from ui.i18n import lang, t

P = "penalty__"
RULES = load_rules()


def pick(text: Any) -> str:
    """A core text (``zh`` / ``en`` fields) in the current language."""
    return str(text.en if lang() == "en" else text.zh)


def fine_inputs() -> list[dict[str, Any]]:
    """The statutory range widgets (Article 11) as a list of fine provisions."""
    kinds = {
        "none": t("无罚款", "no fine"),
        "amount": t("金额（元）", "amounts (yuan)"),
        "multiple": t("违法所得倍数", "multiples of illegal gains"),
    }
    kind = st.radio(
        t("法定罚款幅度", "Statutory fine range"),
        list(kinds),
        key=P + "kind",
        format_func=kinds.__getitem__,
        horizontal=True,
    )
    if kind == "none":
        return []
    low, high, gains = st.columns(3)
    fine: dict[str, Any] = {
        "kind": kind,
        "minimum": low.number_input(
            t("法定最低限", "Statutory minimum"), min_value=0.0, value=0.0, key=P + "min"
        ),
        "maximum": high.number_input(
            t("法定最高限", "Statutory maximum"),
            min_value=0.0,
            value=100000.0 if kind == "amount" else 5.0,
            key=P + "max",
        ),
    }
    if kind == "multiple":
        fine["illegal_gains"] = gains.number_input(
            t("违法所得（元）", "Illegal gains (yuan)"),
            min_value=0.0,
            value=10000.0,
            key=P + "gains",
        )
    return [fine]


def circumstance_inputs() -> tuple[list[str], dict[str, str]]:
    """Checklists quoting Articles 6–8 (Chinese, English alongside); catch-alls ask for a basis."""
    headings = {
        6: t("第六条 不予处罚", "Article 6: no penalty"),
        7: t("第七条 应当从轻或者减轻处罚", "Article 7: lighter or mitigated penalty"),
        8: t("第八条 应当从重处罚", "Article 8: heavier penalty"),
    }
    chosen, details = [], {}
    for article, heading in headings.items():
        st.markdown(f"**{heading}**")
        for c in (c for c in RULES.circumstances if c.article == article):
            ref = provision_ref(c)
            if st.checkbox(f"{ref.zh} {c.zh}（{ref.en}: {c.en}）", key=P + c.id):
                chosen.append(c.id)
                if c.catch_all:
                    details[c.id] = st.text_input(
                        t("具体依据和事实", "Legal basis and facts"), key=P + "detail_" + c.id
                    )
    return chosen, {k: v for k, v in details.items() if v.strip()}


st.caption(pick(RULES.title) + t("（2025年8月1日起施行）", " (in force from 1 August 2025)"))
fines = fine_inputs()
warning_only = not fines and st.checkbox(
    t(
        "依法单独处警告、通报批评或者没收违法所得（第十二条）",
        "Only a warning, notice of criticism or confiscation of illegal gains (Article 12)",
    ),
    key=P + "warning_only",
)
circumstances, details = circumstance_inputs()
factors = st.multiselect(
    t("第十四条考量因素", "Article 14 factors"),
    [f.id for f in RULES.factors],
    key=P + "factors",
    placeholder=t("选择适用的考量因素", "Choose the factors that apply"),
    format_func=lambda f: (
        f"{provision_ref(RULES.factor(f)).zh} {RULES.factor(f).zh} / {RULES.factor(f).en}"
    ),
)
lower, upper = st.columns(2)
movement = {
    "lower": lower.slider(
        t("30%分界浮动（百分点）", "Move the 30 % boundary (points)"),
        -10.0,
        10.0,
        0.0,
        0.5,
        key=P + "lower",
    ),
    "upper": upper.slider(
        t("70%分界浮动（百分点）", "Move the 70 % boundary (points)"),
        -10.0,
        10.0,
        0.0,
        0.5,
        key=P + "upper",
    ),
    "reason": st.text_input(t("浮动理由", "Reason for the movement"), key=P + "move_reason"),
}
# The choice widgets are keyed by the inputs that open the options, so a stale choice never
# meets a different set of options.
signature = "-".join(sorted(circumstances)) + ("-w" if warning_only else "")
decision_key, reason_key = P + "decision_" + signature, P + "reason_" + signature
chosen_tier = st.session_state.get(decision_key)
decision = (
    {"tier": chosen_tier, "reason": st.session_state.get(reason_key, "")} if chosen_tier else None
)
violation = {
    "circumstances": circumstances,
    "details": details,
    "fines": fines,
    "warning_only": warning_only,
    "factors": dict.fromkeys(factors, ""),
    "movement": movement,
    "decision": decision,
}

try:
    result = evaluate(Case.model_validate(violation))
except ValidationError as exc:
    st.error(error_message(exc))
    st.stop()
except PenaltyError as exc:
    st.error(str(exc))
    st.stop()

(outcome,) = result.violations
st.metric(
    t("裁量阶次", "Tier"),
    pick(tier_name(outcome.tier)) if outcome.tier else t("待决定", "to be decided"),
)
# A fine range is too long for a metric tile, which would cut it off.
st.markdown(f"**{t('罚款区间', 'Fine range')}:** {pick(amount_text(outcome.fine))}")
if len(outcome.options) > 1:
    st.radio(
        t(
            "决定者的选择（第六条第二款、第七条或第十条）",
            "The decision-maker's choice (Article 6(2), 7 or 10)",
        ),
        [o.value for o in outcome.options],
        index=None,
        key=decision_key,
        format_func=lambda o: pick(tier_name(Tier(o))),
    )
    st.text_area(t("选择理由（必填）", "Reasons for the choice (required)"), key=reason_key)
for message in outcome.messages:
    st.warning(pick(message))
st.markdown(t("**依据：** ", "**Articles:** ") + " · ".join(pick(a) for a in result.articles))
st.markdown(pick(result.reasoning))
with st.expander(t("英文版本", "Chinese version")):
    st.markdown(result.reasoning.en if lang() != "en" else result.reasoning.zh)
st.download_button(
    t("下载裁量说明（Markdown）", "Download the reasoning (Markdown)"),
    data=to_markdown(result),
    file_name="penalty-reasoning.md",
    mime="text/markdown",
    key=P + "download",
)
