"""Rendering of the regional dashboard (charts, KPIs, downloads); the figures come from
``assessment.analytics.dashboard`` already scoped and k-suppressed."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import sample_colorscale

from assessment import reference
from assessment.analytics.dashboard import (
    INDEX_NAME,
    INDEX_NOTE,
    Chart,
    Kpi,
    Priority,
    suppressed_label,
    work_point_names,
)
from assessment.analytics.export import to_csv, to_xlsx
from assessment.db import session_scope
from assessment.repo import audit
from indicators.schema import Framework
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

SCALE = "RdYlGn"  # low = red: where to push


def region_label(code: str) -> str:
    """A region's name in the current language (the code when it is not in the table)."""
    try:
        return reference.region_name(code, "en" if lang() == "en" else "zh")
    except (ValueError, reference.UnknownCode):
        return code


def industry_label(code: str) -> str:
    """A manufacturing division's name in the current language ("all" for the total)."""
    if code == "all":
        return t("全部行业", "All industries")
    try:
        return reference.industry(code).name("en" if lang() == "en" else "zh")
    except reference.UnknownCode:
        return code


def indicator_label(framework_id: str, version: str | None, indicator_id: str) -> str:
    """ "Framework · indicator" in the current language (the ids when the version is unknown)."""
    from indicators.errors import UnknownFrameworkError
    from indicators.loader import load_framework

    try:
        framework = load_framework(framework_id, version)
    except UnknownFrameworkError:
        return f"{framework_id} / {indicator_id}"
    names = {i.id: i.name.get(lang()) for i in framework.indicators}
    return f"{framework.title.get(lang())} · {names.get(indicator_id, indicator_id)}"


def size_label(code: str) -> str:
    names = {
        "large": t("大型", "Large"),
        "medium": t("中型", "Medium"),
        "small": t("小型", "Small"),
        "micro": t("微型", "Micro"),
    }
    return names.get(code, t("未知", "Unknown"))


def chart_heading(chart: Chart) -> None:
    """Title with unit and n; says when small groups are hidden."""
    title = pick(chart.title_zh, chart.title_en)
    unit = pick(chart.unit_zh, chart.unit_en)
    st.markdown(f"##### {title}")
    note = t("单位：{unit}；n = {n} 家企业", "Unit: {unit}; n = {n} enterprises").format(
        unit=unit, n=chart.n_shown
    )
    if chart.has_suppressed:
        note += t(
            "；少于{k}家企业的组不显示数字（标为“{label}”）",
            "; groups of fewer than {k} enterprises are not shown (marked “{label}”)",
        ).format(k=chart.k, label=suppressed_label(chart.k, lang()))
    st.caption(note)


def downloads(chart: Chart) -> None:
    """CSV and XLSX buttons for the chart's figures."""
    left, right, _ = st.columns([1, 1, 2])
    name = f"ronghe-{chart.key}"
    left.download_button(
        "CSV",
        data=to_csv(chart, lang()),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"dash__csv_{chart.key}",
        icon=":material/download:",
        on_click=record_download,
        args=(chart.key, "csv"),
    )
    right.download_button(
        "XLSX",
        data=to_xlsx(chart, lang()),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dash__xlsx_{chart.key}",
        icon=":material/download:",
        on_click=record_download,
        args=(chart.key, "xlsx"),
    )


def record_download(chart_key: str, fmt: str) -> None:
    """Audit a chart download (every export is recorded)."""
    with session_scope(engine()) as session:
        audit.record_export(
            session,
            actor=actor(session),
            what=f"dashboard.{chart_key}.{fmt}",
            object_type="dashboard",
        )


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:.1f}"


def render_kpis(kpis: tuple[Kpi, ...], k: int) -> None:
    """Headline figures in rows of five, with the change against last year."""
    for start in range(0, len(kpis), 5):
        columns = st.columns(5)
        for column, kpi in zip(columns, kpis[start : start + 5], strict=False):
            delta = None
            if kpi.change is not None:
                suffix = t(" 个百分点", " pts") if kpi.unit == "percent" else ""
                delta = f"{kpi.change:+.1f}{suffix} " + t("较上年", "vs last year")
            value = _number(kpi.value, kpi.unit)
            if kpi.value is None and kpi.n is None:
                value = suppressed_label(k, lang()) if kpi.unit == "count" else "—"
            column.metric(
                pick(kpi.label_zh, kpi.label_en),
                value,
                delta=delta,
                help=t("n = {n} 家企业", "n = {n} enterprises").format(n=kpi.n)
                if kpi.n is not None
                else t("数量不足，不显示", "Too few enterprises to show"),
            )


def render_priority(priority: Priority | None, frameworks: dict[str, Framework]) -> None:
    """The "where to push first" box: lowest sub-region, its lowest industry, weakest indicators."""
    if priority is None or priority.subregion is None:
        return
    if priority.whole:
        first = t(
            "本辖区（**{name}**）融合指数均值 {value:.1f}",
            "Your jurisdiction (**{name}**): mean Ronghe Index {value:.1f}",
        )
        lowest_industry = t(
            "融合指数最低的行业：**{name}**（均值 {value:.1f}）",
            "Lowest industry by Ronghe Index: **{name}** (mean {value:.1f})",
        )
    else:
        first = t(
            "融合指数最低的下级区域：**{name}**（均值 {value:.1f}）",
            "Lowest sub-region by Ronghe Index: **{name}** (mean {value:.1f})",
        )
        lowest_industry = t(
            "其中最低的行业：**{name}**（均值 {value:.1f}）",
            "Its lowest industry: **{name}** (mean {value:.1f})",
        )
    lines = [
        first.format(name=region_label(priority.subregion), value=priority.subregion_index or 0)
    ]
    if priority.industry is not None:
        lines.append(
            lowest_industry.format(
                name=industry_label(priority.industry), value=priority.industry_index or 0
            )
        )
    if not priority.indicators.empty:
        wps = work_point_names()
        items = []
        for row in priority.indicators.head(5).itertuples():
            framework = frameworks.get(str(row.framework_id))
            fw = framework.title.get(lang()) if framework else str(row.framework_id)
            name = str(row.indicator_zh if lang() == "zh" else row.indicator_en)
            points = ", ".join(
                wps.get(p, (p, p))[0 if lang() == "zh" else 1]
                for p in str(row.work_points).split(",")
                if p
            )
            line = t(
                "- {name}（{fw}）：得分 {score:.0f}/100", "- {name} ({fw}): score {score:.0f}/100"
            )
            items.append(
                line.format(name=name, fw=fw, score=float(str(row.mean_score)))
                + (t(" · 工作要点：{p}", " · work points: {p}").format(p=points) if points else "")
            )
        lines.append(
            t("最薄弱的指标（各体系最低一项）：", "Weakest indicators (lowest per framework):")
        )
        lines.extend(items)
    st.info("\n\n".join(lines[:3]) + "\n" + "\n".join(lines[3:]), icon=":material/flag:")


def ranking_figure(chart: Chart) -> go.Figure:
    """Horizontal bars, lowest at the top; suppressed sub-regions labelled, no bar."""
    frame = chart.frame.iloc[::-1]
    label = suppressed_label(chart.k, lang())
    names = [region_label(str(c)) for c in frame["subregion"]]
    values = frame["mean_index"].astype(float).fillna(0)
    text = [
        label if s else f"{v:.1f} (n={n})"
        for s, v, n in zip(frame["suppressed"], values, frame["n"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            text=text,
            textposition=["outside" if s else "auto" for s in frame["suppressed"]],
            marker={"color": values, "colorscale": SCALE, "cmin": 0, "cmax": 100},
        )
    )
    figure.update_layout(
        height=max(260, 28 * len(frame) + 80),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis_title=t("融合指数均值（0–100）", "Mean Ronghe Index (0–100)"),
        xaxis_range=[0, 100],
    )
    return figure


def tile_grid_figure(chart: Chart) -> go.Figure:
    """Sub-regions as equal tiles in code order (no map geometry), coloured by mean index;
    suppressed tiles grey and labelled."""
    frame = chart.frame.sort_values("subregion").reset_index(drop=True)
    width = max(1, math.ceil(math.sqrt(len(frame) * 1.6)))
    rows = math.ceil(len(frame) / width) if len(frame) else 1
    label = suppressed_label(chart.k, lang())
    xs, ys, colours, texts = [], [], [], []
    for i, row in enumerate(frame.itertuples()):
        r, c = divmod(i, width)
        xs.append(c)
        ys.append(-r)
        value = float(str(row.mean_index))
        hidden = bool(row.suppressed) or math.isnan(value)
        colours.append("#d9d9d9" if hidden else sample_colorscale(SCALE, value / 100)[0])
        name = region_label(str(row.subregion))
        texts.append(f"{name}<br>{label if hidden else f'{value:.1f}'}")
    tile = max(24, min(70, 280 // max(width, 1)))
    figure = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=texts,
            textfont={"size": 10},
            hoverinfo="text",
            marker={"symbol": "square", "size": tile, "color": colours},
        )
    )
    figure.update_layout(
        height=max(220, (tile + 12) * rows + 40),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False, "range": [-0.6, width - 0.4]},
        yaxis={"visible": False, "range": [-rows + 0.4, 0.6]},
        plot_bgcolor="white",
        showlegend=False,
    )
    return figure


def heatmap_figure(chart: Chart) -> go.Figure:
    """Industry × sub-region mean index; suppressed cells blank and labelled."""
    frame = chart.frame
    label = suppressed_label(chart.k, lang())
    regions = sorted(frame["subregion"].unique())
    industries = sorted(frame["industry"].unique())
    values = frame.pivot(index="industry", columns="subregion", values="mean_index")
    values = values.reindex(index=industries, columns=regions)
    hidden = frame.pivot(index="industry", columns="subregion", values="suppressed")
    hidden = hidden.reindex(index=industries, columns=regions)
    counts = frame.pivot(index="industry", columns="subregion", values="n")
    counts = counts.reindex(index=industries, columns=regions)
    grid = values.to_numpy(dtype=float)
    text = [
        [
            label
            if hidden.iat[i, j] is True
            else ("" if math.isnan(grid[i, j]) else f"{grid[i, j]:.0f}")
            for j in range(len(regions))
        ]
        for i in range(len(industries))
    ]
    hover = [
        [
            f"{industry_label(industries[i])} · {region_label(regions[j])}: "
            + (label if hidden.iat[i, j] is True else f"n={counts.iat[i, j]!s}")
            for j in range(len(regions))
        ]
        for i in range(len(industries))
    ]
    figure = go.Figure(
        go.Heatmap(
            z=values.to_numpy(dtype=float),
            x=[region_label(r) for r in regions],
            y=[industry_label(i) for i in industries],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale=SCALE,
            zmin=0,
            zmax=100,
            xgap=2,
            ygap=2,
            colorbar={"title": t("指数", "Index")},
        )
    )
    figure.update_layout(
        height=max(300, 26 * len(industries) + 120),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="#f0f0f0",
    )
    return figure


def levels_figure(chart: Chart, frameworks: dict[str, Framework]) -> go.Figure:
    """Stacked shares of each level per framework (suppressed levels omitted, see the table)."""
    frame = chart.frame[~chart.frame["suppressed"]]
    figure = go.Figure()
    for level in sorted(frame["level"].unique()):
        rows = frame[frame["level"] == level]
        name = t("未达级", "No level") if level < 0 else t("等级 {n}", "Level {n}").format(n=level)
        figure.add_bar(
            x=[
                frameworks[f].title.get(lang()) if f in frameworks else f
                for f in rows["framework_id"]
            ],
            y=rows["share"],
            name=name,
            text=[f"{v:.0f}%" for v in rows["share"]],
        )
    figure.update_layout(
        barmode="stack",
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis_title=t("企业占比（%）", "Share of enterprises (%)"),
    )
    return figure


def bars_figure(chart: Chart, column: str, labeller: object) -> go.Figure:
    """Mean index per group as bars with n (suppressed groups labelled)."""
    frame = chart.frame
    label = suppressed_label(chart.k, lang())
    names = [labeller(str(v)) if callable(labeller) else str(v) for v in frame[column]]
    values = frame["mean_index"].astype(float).fillna(0)
    text = [
        label if s else f"{v:.1f} (n={n})"
        for s, v, n in zip(frame["suppressed"], values, frame["n"], strict=True)
    ]
    figure = go.Figure(go.Bar(x=names, y=values, text=text, textposition="auto"))
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis_title=t("融合指数均值（0–100）", "Mean Ronghe Index (0–100)"),
        yaxis_range=[0, 100],
    )
    return figure


def weakest_table(chart: Chart, frameworks: dict[str, Framework]) -> pd.DataFrame:
    """The weakest-indicator figures as a readable table."""
    wps = work_point_names()
    index = 0 if lang() == "zh" else 1
    frame = chart.frame
    return pd.DataFrame(
        {
            t("行业", "Industry"): [industry_label(str(i)) for i in frame["industry"]],
            t("体系", "Framework"): [
                frameworks[f].title.get(lang()) if f in frameworks else f
                for f in frame["framework_id"]
            ],
            t("指标", "Indicator"): frame["indicator_zh" if lang() == "zh" else "indicator_en"],
            t("平均得分（/100）", "Mean score (/100)"): frame["mean_score"].round(1),
            "n": frame["n"],
            t("2025 工作要点举措", "2025 work-points measure"): [
                "; ".join(f"{p} {wps.get(p, (p, p))[index]}" for p in str(w).split(",") if p)
                for w in frame["work_points"]
            ],
        }
    )


def pick(zh: str, en: str) -> str:
    """One of a bilingual pair that the core supplies (chart titles, KPI labels)."""
    return en if lang() == "en" else zh


def index_caption() -> None:
    """The Ronghe Index's name and what it is (and is not)."""
    st.caption(f"**{pick(*INDEX_NAME)}**: {pick(*INDEX_NOTE)}")


def assessment_status_label(status: object) -> str:
    """An assessment status in the current language ("—" when there is none)."""
    labels = {
        "draft": t("草稿", "Draft"),
        "submitted": t("已提交", "Submitted"),
        "resubmitted": t("已重新提交", "Resubmitted"),
        "returned": t("已退回", "Returned"),
        "verified": t("已审核", "Verified"),
    }
    return labels.get(str(status), "—")


def campaign_table(chart: Chart) -> pd.DataFrame:
    """A campaign's targets and completion per sub-region, with progress bars."""
    frame = chart.frame
    label = suppressed_label(chart.k, lang())
    return pd.DataFrame(
        {
            t("下级区域", "Sub-region"): [region_label(str(c)) for c in frame["subregion"]],
            t("目标", "Target"): frame["target"],
            t("已完成（有结果企业）", "Done (enterprises with results)"): [
                label if s else str(n) for s, n in zip(frame["suppressed"], frame["n"], strict=True)
            ],
            t("完成率（%）", "Completion (%)"): frame["completion"].astype(float).round(1),
        }
    )
