"""Rendering helpers: each takes plain data (framework models, frames) and draws it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st

from indicators.schema import (
    AnswerType,
    BandsRule,
    Condition,
    CumulativeGatesRule,
    Dimension,
    Framework,
    Indicator,
    MeanOfAreasRule,
)
from indicators.vocabulary import vocabulary
from ui.i18n import lang, t

T = TypeVar("T")


def status_label(status: str) -> str:
    labels = {
        "verified": t("已核实", "verified"),
        "partly_verified": t("部分核实", "partly verified"),
        "unverified": t("未核实（可替换的默认值）", "unverified (replaceable default)"),
    }
    return labels[status]


def role_label(role: str) -> str:
    """A user role in the current language."""
    labels = {
        "enterprise": t("企业", "enterprise"),
        "consultant": t("咨询服务机构", "consultant"),
        "bureau": t("工信主管部门", "industry bureau"),
        "admin": t("平台管理员", "administrator"),
    }
    return labels.get(role, role)


def answer_label(answer: AnswerType) -> str:
    labels = {
        AnswerType.LEVEL: t("等级", "level"),
        AnswerType.BOOLEAN: t("是/否", "yes/no"),
        AnswerType.CHOICE: t("单选", "single choice"),
        AnswerType.MULTI: t("多选", "multiple choice"),
        AnswerType.NUMBER: t("数值", "number"),
        AnswerType.PERCENT: t("百分比", "percent"),
    }
    return labels[answer]


def localized_selectbox(
    label: str, options: Sequence[T], format_func: Callable[[T], str], key: str
) -> T:
    """A selectbox whose option texts follow the language switch and which keeps its choice.

    Streamlit keeps a keyed widget's option texts from its first render, so the widget gets a
    key per language while the choice itself is remembered under ``key``.
    """
    chosen = st.session_state.get(key, options[0])
    choice: T = st.selectbox(
        label,
        list(options),
        index=options.index(chosen) if chosen in options else 0,
        format_func=format_func,
        key=f"{key}__{lang()}",
    )
    st.session_state[key] = choice
    return choice


def render_framework_overview(framework: Framework) -> None:
    """Title, description, sources and the result rule of a framework."""
    lg = lang()
    st.subheader(framework.title.get(lg))
    st.caption(
        f"`{framework.id}` · {t('版本', 'version')} {framework.version}"
        + (f" · {t('发布', 'released')} {framework.released}" if framework.released else "")
    )
    st.write(framework.description.get(lg))
    if framework.edition:
        st.caption(t("依据的标准版本：", "Edition followed: ") + framework.edition)
    if framework.next_edition is not None:
        st.info(
            t("新版标准（尚未发布到本平台）：", "Newer edition (not released here yet): ")
            + f"{framework.next_edition.edition} — {framework.next_edition.note.get(lg)}"
        )
    cols = st.columns(3)
    cols[0].metric(t("维度", "Dimensions"), len(framework.dimensions))
    cols[1].metric(t("指标", "Indicators"), len(framework.indicators))
    cols[2].metric(t("结果等级", "Result levels"), len(framework.result_levels))
    st.markdown(f"#### {t('依据', 'Sources')}")
    stop = ". " if lg == "en" else "。"
    for source in framework.sources:  # in full: long citations and notes wrap, never cut off
        note = source.note.get(lg) if source.note else ""
        checked = (
            t("核对依据：", "Checked against: ") + source.checked_against
            if source.checked_against
            else ""
        )
        parts = [p for p in (note, checked) if p]
        st.markdown(
            f"- **{source.citation}** — {status_label(source.status)}{stop}{stop.join(parts)}"
        )
    render_rule(framework)


def render_rule(framework: Framework) -> None:
    """The result rule with its thresholds, status and basis."""
    lg = lang()
    rule = framework.result
    names = {lv.value: lv.name.get(lg) for lv in framework.result_levels}
    colon = ": " if lg == "en" else "："
    st.markdown(f"#### {t('结果规则', 'Result rule')}{colon}{vocabulary().rule(rule.rule, lg)}")
    st.info(f"{status_label(rule.status)} — {rule.basis.get(lg)}")
    if isinstance(rule, BandsRule):
        rows = [
            {
                t("等级", "Level"): names[b.level],
                t("最低分", "Minimum score"): f"{b.min_score:g}",
                t("附加条件", "Conditions"): ("; " if lg == "en" else "；").join(
                    condition_text(framework, c) for c in b.conditions
                ),
            }
            for b in rule.bands
        ]
        st.table(pd.DataFrame(rows), hide_index=True)
    elif isinstance(rule, MeanOfAreasRule):
        st.table(
            pd.DataFrame(
                [
                    {
                        t("等级", "Level"): names[x.level],
                        t("最低分", "Minimum score"): f"{x.min_score:g}",
                    }
                    for x in rule.thresholds
                ]
            ),
            hide_index=True,
        )
    elif isinstance(rule, CumulativeGatesRule):
        st.write(
            t(
                "每级要求的加权满足度达到 {mark} 且所有更低等级均已达到时，达到该级。",
                "A level is reached when its requirements' weighted satisfaction reaches "
                "{mark} and every lower level is reached.",
            ).format(mark=f"{rule.pass_mark:g}")
        )


def condition_text(framework: Framework, condition: Condition) -> str:
    """A band condition in words, e.g. "≥3 项「数字化经营」（约束性场景）达到二级"."""
    lg = lang()
    dimension = next(d for d in framework.dimensions if d.id == condition.dimension)
    level = {lv.value: lv.name.get(lg) for lv in framework.answer_scale or ()}
    name = vocabulary().tag(condition.tag, lg) if condition.tag else ""
    tag = (f" ({name})" if lg == "en" else f"（{name}）") if name else ""
    return t("≥{n} 项「{dim}」{tag}达到{level}", "≥{n} of '{dim}'{tag} at {level} or above").format(
        n=condition.min_count,
        dim=dimension.name.get(lg),
        tag=tag,
        level=level.get(condition.min_level, condition.min_level),
    )


def render_dimension(framework: Framework, dimension: Dimension) -> None:
    """A dimension's indicators, one expander each."""
    lg = lang()
    if dimension.description:
        st.caption(dimension.description.get(lg))
    if not dimension.scored:
        st.caption(
            t(
                "本维度不计分：用于条件判断或记录佐证数据。",
                "This dimension is not scored: it feeds conditions or records figures.",
            )
        )
    for indicator in dimension.indicators:
        with st.expander(f"{indicator.name.get(lg)} · {answer_label(indicator.answer)}"):
            render_indicator(framework, indicator)


def render_indicator(framework: Framework, indicator: Indicator) -> None:
    """Question, answer scale, evidence, source, work points and advice of one indicator."""
    lg = lang()
    colon = ": " if lg == "en" else "："
    st.markdown(f"**{indicator.question.get(lg)}**")
    flags = [
        f"`{indicator.id}`",
        f"{t('权重', 'weight')} {indicator.weight:g}",
        t("必答", "required") if indicator.required else t("选答", "optional"),
    ]
    if indicator.na_allowed:
        flags.append(t("可选“不适用”", "N/A allowed"))
    if indicator.gate_level:
        flags.append(f"{t('要求等级', 'requirement level')} {indicator.gate_level}")
    flags += [vocabulary().tag(tag, lg) for tag in indicator.tags]
    st.caption(" · ".join(flags))
    table = answer_table(framework, indicator)
    if not table.empty:
        st.table(table, hide_index=True)  # descriptors in full, wrapped
    st.markdown(
        f"- {t('佐证材料', 'Evidence')}{colon}{indicator.evidence.get(lg)}\n"
        f"- {t('依据条款', 'Source')}{colon}{indicator.source}\n"
        + (
            f"- {t('2025 工作要点', '2025 work points')}{colon}"
            + ("; " if lg == "en" else "；").join(
                vocabulary().work_point(wp, lg) for wp in indicator.work_points
            )
            if indicator.work_points
            else ""
        )
    )
    if indicator.recommendation:
        st.markdown(f"{t('建议', 'Advice')}{colon}{indicator.recommendation.get(lg)}")


def answer_table(framework: Framework, indicator: Indicator) -> pd.DataFrame:
    """The answer scale of an indicator as a table: descriptors, options or breakpoints."""
    lg = lang()
    if indicator.descriptors:
        scale = {lv.value: lv.name.get(lg) for lv in framework.answer_scale or ()}
        advice = indicator.recommendations or {}
        return pd.DataFrame(
            [
                {
                    t("等级", "Level"): f"{k} {scale.get(k, '')}",
                    t("描述", "Descriptor"): text.get(lg),
                    t("由上一级提升的建议", "Advice to reach it"): advice[k - 1].get(lg)
                    if k - 1 in advice
                    else "",
                }
                for k, text in sorted(indicator.descriptors.items())
            ]
        )
    if indicator.options:
        return pd.DataFrame(
            [
                {t("选项", "Option"): o.label.get(lg), t("分值", "Score"): f"{o.score:g}"}
                for o in indicator.options
            ]
        )
    if indicator.breakpoints:
        if indicator.answer is AnswerType.PERCENT:
            unit = "%"
        else:
            unit = " " + indicator.unit.get(lg) if indicator.unit else ""
        return pd.DataFrame(
            [
                {t("取值", "Value"): f"{x:g}{unit}", t("得分（0–1）", "Score (0–1)"): f"{y:g}"}
                for x, y in indicator.breakpoints
            ]
        )
    return pd.DataFrame(
        [
            {t("回答", "Answer"): t("是", "yes"), t("得分（0–1）", "Score (0–1)"): "1"},
            {t("回答", "Answer"): t("否", "no"), t("得分（0–1）", "Score (0–1)"): "0"},
        ]
        if indicator.answer is AnswerType.BOOLEAN
        else []
    )
