"""The results of one assessment (contract: ``render_results(session, actor, assessment_id)``;
the bureau and consultant pages link to ``/results?assessment=<id>`` instead of re-drawing).

Everything shown comes from :func:`assessment.results_report.results_report`; this module
only draws it: the Ronghe Index, a card per framework with radar and bar charts, the diagnosis,
the conversion table, a what-if panel (nothing saved), peers, history and the review status.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlmodel import Session

from assessment import columns as C
from assessment.composite import equivalence_text
from assessment.data_security import penalty_violation
from assessment.models import User
from assessment.peers import PeerResult
from assessment.penalty.prefill import encode_prefill
from assessment.results_report import (
    FrameworkCard,
    ResultsReport,
    conversion_table,
    raise_candidates,
    results_report,
    what_if,
)
from assessment.work_points import work_point_label
from ui.assessment_form import answer_text, status_label
from ui.i18n import lang, t

PRINT_CSS = """
<style>
@media print {
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; position: static !important;
  }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  .stButton, [data-testid="stExpanderToggleIcon"], .ronghe-no-print { display: none !important; }
  .block-container { padding-top: 0 !important; max-width: 100% !important; }
}
</style>
"""
CHART_CONFIG = {"displayModeBar": False}  # the toolbar covered the chart titles on phones
PRINT_LAYOUT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stHeader"] { display: none !important; }
.block-container { max-width: 900px !important; }
</style>
"""


def render_results(session: Session, actor: User, assessment_id: int) -> None:
    """Draw the results of one assessment for ``actor`` (AccessDenied propagates)."""
    report = results_report(session, actor=actor, assessment_id=assessment_id)
    st.html(PRINT_CSS)
    printable = st.toggle(
        t(
            "打印版式（隐藏导航和交互，之后用浏览器打印）",
            "Printable layout (then print from the browser)",
        ),
        key="results__print",
    )
    if printable:
        st.html(PRINT_LAYOUT_CSS)
    _header(report)
    _index(report)
    _overview_chart(report)
    if printable:  # every framework one after another: hidden tabs would not print
        for card in report.cards:
            st.subheader(card.framework.title.get(lang()))
            _framework(report, card)
    else:
        tabs = st.tabs([c.framework.short_title.get(lang()) for c in report.cards])
        for tab, card in zip(tabs, report.cards, strict=True):
            with tab:
                _framework(report, card)
    _conversion(report)
    if not printable:
        _what_if_panel(report)
    _history(report)


def _header(report: ResultsReport) -> None:
    a, e = report.assessment, report.enterprise
    st.subheader(f"{e.name} · {a.year}")
    st.caption(
        t("状态：{s} · 融合换算表版本 {cw}", "Status: {s} · conversion table {cw}").format(
            s=status_label(a.status), cw=report.crosswalk.version
        )
    )
    if report.provisional:
        st.info(
            t(
                "草稿：以下是按目前答案计算的临时结果，提交后才会记入。",
                "Draft: these are provisional results from the answers so far; they are "
                "recorded only when the assessment is submitted.",
            )
        )
    if a.status == "returned":
        st.warning(
            t("主管部门退回修改，意见：", "Returned by the bureau. Comment: ")
            + (a.review_comment or "")
        )
    elif a.status == "verified":
        st.success(
            t("主管部门已核实。", "Verified by the bureau.")
            + (f" {a.review_comment}" if a.review_comment else "")
        )


def _peer_text(peer: PeerResult | None) -> str:
    if peer is None:
        return t("暂无可比结果。", "No result to compare yet.")
    if peer.percentile is None:
        return t(
            "同类企业不足 5 家，不显示百分位（保护其他企业数据）。",
            "Fewer than 5 comparable enterprises: the percentile is not shown (to protect "
            "their data).",
        )
    return t(
        "高于{group}中 {p:.0f}% 的企业（共 {n} 家）。",
        "Above {p:.0f}% of enterprises in the group '{group}' ({n} enterprises).",
    ).format(group=peer.group_name(lang()), p=peer.percentile, n=peer.count)


def _index(report: ResultsReport) -> None:
    lg = lang()
    history = report.history
    mine = history[history[C.ASSESSMENT_ID] == report.assessment.id]
    delta = mine["delta"].iloc[0] if not mine.empty else None
    left, right = st.columns([1, 2])
    left.metric(
        t("融合指数", "Ronghe Index"),
        "—" if report.composite is None else f"{report.composite:.1f}",
        delta=None if delta is None or pd.isna(delta) else f"{delta:+.1f}",
        help=t("0–100", "0–100"),
    )
    stage = report.stage_name.get(lg) if report.stage_name else "—"
    right.markdown(
        t(
            "**所处阶段：** {stage}（基于 {n} 个指标体系）",
            "**Stage:** {stage} (from {n} frameworks)",
        ).format(stage=stage, n=len(report.cards))
    )
    right.caption(
        t(
            "融合平台自有的综合测度，由各体系的结果按换算表加权得出，不是工业和信息化部发布的两化融合发展指数。",
            "Ronghe's own composite measure, weighted from each framework's result through the "
            "conversion table; not MIIT's official integration development index "
            "({official}).",
        ).format(official="两化融合发展指数")  # the contract's English text names it in Chinese
    )
    right.caption(t("同类比较：", "Peers: ") + _peer_text(report.peer))


def _overview_chart(report: ResultsReport) -> None:
    lg = lang()
    cards = [c for c in report.cards if c.equivalent_100 is not None]
    if not cards:
        return
    figure = go.Figure(
        go.Bar(
            x=[c.framework.short_title.get(lg) for c in cards],
            y=[c.equivalent_100 for c in cards],
            text=[f"{c.equivalent_100:.0f}" for c in cards],
            textposition="outside",
        )
    )
    figure.update_layout(
        title=t("各指标体系换算到 0–100 的结果", "Each framework's result on the 0–100 scale"),
        yaxis={"title": t("换算值（0–100）", "Equivalent (0–100)"), "range": [0, 105]},
        height=320,
        margin={"t": 50, "b": 40, "l": 40, "r": 10},
    )
    st.plotly_chart(figure, key="results__overview", config=CHART_CONFIG)


def _level_text(card: FrameworkCard) -> str:
    return card.level_name.get(lang()) if card.level_name else t("未达一级", "below level 1")


def _framework(report: ResultsReport, card: FrameworkCard) -> None:
    lg = lang()
    framework = card.framework
    cols = st.columns(4)
    cols[0].metric(t("等级", "Level"), _level_text(card))
    score = "—" if card.score is None else f"{card.score:.2f} / {card.scale_max:g}"
    cols[1].metric(t("得分", "Score"), score)
    cols[2].metric(t("覆盖率", "Coverage"), f"{card.coverage:.0%}")
    cols[3].metric(t("版本", "Version"), framework.version)
    st.caption(framework.title.get(lg) + " · " + t("同类比较：", "Peers: ") + _peer_text(card.peer))
    if card.level:
        st.caption(
            t("换算：", "Conversion: ")
            + equivalence_text(framework.id, card.level, lg, report.crosswalk)
            if framework.id in {m.framework for m in report.crosswalk.mappings}
            else ""
        )
    _charts(card)
    _contributions(card)
    _gap(card)
    if framework.id == "data_security":
        render_data_security_link(report, card)


def render_data_security_link(report: ResultsReport, card: FrameworkCard) -> None:
    """A link to the penalty-discretion calculator pre-filled with the statutory fine provisions
    of the weakest data-security areas (the provisions are framework data)."""
    del report
    violation = penalty_violation(card.framework, card.dimension_scores, lang=lang())
    if violation is None:  # an older version without provisions, or nothing answered
        return
    st.markdown(
        t(
            "薄弱领域涉及的法定罚则：{label}。[在处罚裁量计算中打开]({url})",
            "Statutory fines the weakest areas relate to: {label}. "
            "[Open in the penalty-discretion calculator]({url})",
        ).format(label=violation["label"], url="/penalty?prefill=" + encode_prefill(violation))
    )


def _charts(card: FrameworkCard) -> None:
    lg = lang()
    dims = card.dimensions
    names = list(dims["name_en" if lg == "en" else "name_zh"])
    values = [None if pd.isna(v) else round(100 * float(v), 1) for v in dims[C.SCORE]]
    left, right = st.columns(2)
    radar = go.Figure(
        go.Scatterpolar(r=[*values, values[0]], theta=[*names, names[0]], fill="toself")
    )
    radar.update_layout(
        title=t("维度得分雷达图（%）", "Dimension scores, radar (%)"),
        polar={
            "radialaxis": {"range": [0, 100], "ticksuffix": "%", "tickfont": {"size": 9}},
            "angularaxis": {"tickfont": {"size": 11}, "rotation": 90, "direction": "clockwise"},
        },
        height=360,
        margin={"t": 60, "b": 40, "l": 80, "r": 80},
        showlegend=False,
    )
    left.plotly_chart(radar, key=f"results__radar__{card.framework.id}", config=CHART_CONFIG)
    bars = go.Figure(go.Bar(x=values, y=names, orientation="h"))
    bars.update_layout(
        title=t("维度得分（%）", "Dimension scores (%)"),
        xaxis={"title": t("得分（%，满分 100）", "Score (% of full marks)"), "range": [0, 100]},
        height=360,
        margin={"t": 50, "b": 40, "l": 10, "r": 10},
    )
    right.plotly_chart(bars, key=f"results__bars__{card.framework.id}", config=CHART_CONFIG)


def _indicator_names(card: FrameworkCard) -> dict[str, str]:
    return {i.id: i.name.get(lang()) for i in card.framework.indicators}


def _contributions(card: FrameworkCard) -> None:
    frame = card.diagnosis.contributions
    names = _indicator_names(card)
    indicators = {i.id: i for i in card.framework.indicators}
    shown = frame[frame[C.MAX_CONTRIBUTION] > 0]
    with st.expander(
        t("得分构成：每个指标贡献了多少", "Why this score: each indicator's contribution")
    ):
        st.caption(
            t(
                "贡献 = 指标得分 × 该指标在总分中的份额；“满分贡献”是该指标答满时的贡献。",
                "Contribution = the indicator's score × its share of the total; 'full' is its "
                "contribution when answered at the top.",
            )
        )
        st.dataframe(
            pd.DataFrame(
                {
                    t("指标", "Indicator"): [names[i] for i in shown[C.INDICATOR_ID]],
                    t("回答", "Answer"): [
                        answer_text(card.framework, indicators[i], card.answers.get(i))
                        for i in shown[C.INDICATOR_ID]
                    ],
                    t("贡献", "Contribution"): shown[C.CONTRIBUTION].round(3),
                    t("满分贡献", "Full"): shown[C.MAX_CONTRIBUTION].round(3),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _gap(card: FrameworkCard) -> None:
    lg = lang()
    diagnosis = card.diagnosis
    framework = card.framework
    st.markdown(f"##### {t('差距与建议', 'Gap to the next level and what to do')}")
    if diagnosis.next_level is None:
        st.success(t("已达最高等级。", "The highest level is reached."))
        return
    target = framework.result_level(diagnosis.next_level).name.get(lg)
    st.write(
        t(
            "下一等级：{target}；还差 {need:.2f} 分（满分 {top:g}）。",
            "Next level: {target}; {need:.2f} points short (of {top:g}).",
        ).format(target=target, need=diagnosis.score_needed, top=diagnosis.scale_max)
    )
    for gap in diagnosis.failed_conditions:
        st.warning(gap.message.get(lg))
    raises = diagnosis.raises.head(10)
    advice = {r.indicator_id: r for r in diagnosis.recommendations}
    indicators = {i.id: i for i in framework.indicators}
    if not raises.empty:
        st.caption(
            t(
                "按提升一步对结果的作用排序：先看能升级的，再看得分提升。",
                "Ranked by what one step up does: level gains first, then score gains.",
            )
        )
    for rank, row in enumerate(raises.to_dict("records"), start=1):
        indicator = indicators[row[C.INDICATOR_ID]]
        tip = advice.get(row[C.INDICATOR_ID])
        step = (
            answer_text(framework, indicator, row[C.ANSWER])
            + " → "
            + answer_text(framework, indicator, row[C.RAISED_ANSWER])
        )
        gain = t("得分 +{g:.2f}", "score +{g:.2f}").format(g=float(row[C.SCORE_GAIN]))
        lines = [
            t(
                "**{n}. {name}**：{step}（提升后{gain}）", "**{n}. {name}**: {step} (then {gain})"
            ).format(n=rank, name=indicator.name.get(lg), step=step, gain=gain)
        ]
        if tip is not None:
            lines.append(t("建议：{x}", "Recommendation: {x}").format(x=tip.text.get(lg)))
            if tip.work_points:
                points = "; ".join(work_point_label(w, lg) for w in tip.work_points)
                lines.append(
                    t("对应 2025 年工作要点：{x}", "2025 work points served: {x}").format(x=points)
                )
        st.markdown("  \n".join(lines))


def _conversion(report: ResultsReport) -> None:
    lg = lang()
    st.markdown(f"#### {t('体系间换算表', 'Conversion between frameworks')}")
    st.caption(report.crosswalk.basis.get(lg))
    table = conversion_table(report.crosswalk, lg).rename(
        columns={"stage": t("通用阶段", "Common stage"), "range": t("0–100 区间", "0–100 band")}
    )
    st.dataframe(table, hide_index=True, width="stretch")


@st.fragment
def _what_if_panel(report: ResultsReport) -> None:
    lg = lang()
    st.markdown(f"#### {t('假设分析：如果提升这些指标', 'What if: raise some indicators')}")
    st.caption(t("只做计算，不保存任何内容。", "Only a calculation; nothing is saved."))
    choices: dict[str, tuple[str, str, str]] = {}
    for card in report.cards:
        names = _indicator_names(card)
        for indicator_id, _now, raised in raise_candidates(card):
            label = f"{card.framework.short_title.get(lg)} › {names[indicator_id]}"
            choices[label] = (card.framework.id, indicator_id, raised)
    picked = st.multiselect(
        t("选择要提升一步的指标", "Indicators to raise by one step"),
        list(choices),
        key=f"results__whatif__{report.assessment.id}__{lg}",
        placeholder=t("请选择", "Choose"),
    )
    if not picked:
        return
    outcome = what_if(report, {(choices[p][0], choices[p][1]): choices[p][2] for p in picked})
    cards = {c.framework.id: c for c in report.cards}
    rows = []
    for row in outcome.frameworks.to_dict("records"):
        framework = cards[row[C.FRAMEWORK_ID]].framework

        def name(level: int | None, fw=framework) -> str:
            return fw.result_level(level).name.get(lg) if level else t("未达一级", "below level 1")

        rows.append(
            {
                t("指标体系", "Framework"): framework.short_title.get(lg),
                t("等级：现在 → 之后", "Level: now → after"): f"{name(row['level_before'])} → "
                f"{name(row['level_after'])}",
                t("得分：现在 → 之后", "Score: now → after"): f"{row['score_before'] or 0:.2f} → "
                f"{row['score_after'] or 0:.2f}",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    before = outcome.composite_before or 0.0
    after = outcome.composite_after or 0.0
    st.metric(
        t("融合指数（假设）", "Ronghe Index (what if)"),
        f"{after:.1f}",
        delta=f"{after - before:+.1f}",
    )


def _history(report: ResultsReport) -> None:
    st.markdown(f"#### {t('历年变化', 'Across the years')}")
    history = report.history
    frame = pd.DataFrame(
        {
            t("年度", "Year"): history[C.YEAR],
            t("状态", "Status"): [status_label(s) for s in history[C.STATUS]],
            t("融合指数", "Ronghe Index"): history[C.COMPOSITE].round(1),
            t("较上年", "Change"): [
                "—" if pd.isna(d) else f"{d:+.1f}" for d in history["delta"].astype("float64")
            ],
        }
    )
    titles = {c.framework.id: c.framework.short_title.get(lang()) for c in report.cards}
    for framework_id, title in titles.items():
        if framework_id in history:  # each framework's 0–100 score, year by year
            frame[f"{title}（0–100）" if lang() != "en" else f"{title} (0–100)"] = pd.to_numeric(
                history[framework_id], errors="coerce"
            ).round(1)
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(
        t(
            "“较上年”为融合指数相对上一年度评估的变化；草稿按当前答案临时计算。",
            "'Change' is the Ronghe Index against the previous year's assessment; a draft counts "
            "with its answers so far.",
        )
    )
