"""Enterprises of the jurisdiction: a sortable, filterable table with status and Ronghe Index,
each row opening the enterprise's results page (read-only), and two ready lists: the lagging
enterprises and those closest to their next level."""

import pandas as pd
import streamlit as st

from assessment.analytics.dashboard import available_years, subregions
from assessment.analytics.review import closest_to_next_level, enterprise_table
from assessment.db import session_scope
from assessment.reference import industries
from ui import dashboard_view as view
from ui.components import localized_selectbox
from ui.i18n import lang, t
from ui.resources import engine, frameworks
from ui.state import actor

ANY = "*"
catalogue = frameworks()
with session_scope(engine()) as session:
    me = actor(session)
    years = available_years(session, me)
    children = subregions(me)
if not years:
    st.info(t("辖区内还没有评估数据。", "There are no assessments in your jurisdiction yet."))
    st.stop()

c1, c2, c3, c4 = st.columns(4)
year = c1.selectbox(t("年度", "Year"), years, key="ent__year")
with c2:
    region = localized_selectbox(
        t("下级区域", "Sub-region"),
        [ANY, *children],
        format_func=lambda c: t("全部", "All") if c == ANY else view.region_label(c),
        key="ent__region",
    )
with c3:
    industry = localized_selectbox(
        t("行业大类", "Industry division"),
        [ANY, *industries()["code"].tolist()],
        format_func=lambda c: t("全部", "All") if c == ANY else view.industry_label(c),
        key="ent__industry",
    )
search = c4.text_input(t("名称或信用代码", "Name or credit code"), key="ent__search")


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns named in the current language, with a link to each results page."""
    return pd.DataFrame(
        {
            t("结果", "Results"): [
                None if pd.isna(a) else f"/results?assessment={a}" for a in frame["assessment_id"]
            ],
            t("企业", "Enterprise"): frame["name"],
            t("统一社会信用代码", "Credit code"): frame["uscc"],
            t("区域", "Region"): [view.region_label(str(c)) for c in frame["region_code"]],
            t("行业", "Industry"): [view.industry_label(str(c)) for c in frame["industry_code"]],
            t("规模", "Size"): [view.size_label(str(c)) for c in frame["size_class"]],
            t("状态", "Status"): [view.assessment_status_label(s) for s in frame["status"]],
            t("融合指数", "Ronghe Index"): frame["composite"].astype(float).round(1),
            t("阶段", "Stage"): frame["stage"],
        }
    )


LINK = st.column_config.LinkColumn(display_text=t("打开", "Open"))
region_code = None if region == ANY else region
industry_code = None if industry == ANY else industry
all_tab, lagging_tab, closest_tab = st.tabs(
    [
        t("全部企业", "All enterprises"),
        t("落后企业", "Lagging"),
        t("最接近升级", "Closest to next level"),
    ]
)
with all_tab, session_scope(engine()) as session:
    table = enterprise_table(
        session,
        actor=actor(session),
        year=int(year),
        region_code=region_code,
        industry_code=industry_code,
        search=search or None,
    )
    st.caption(t("显示 {n} 家（最多500家）", "Showing {n} (at most 500)").format(n=len(table)))
    st.dataframe(
        readable(table),
        hide_index=True,
        width="stretch",
        column_config={t("结果", "Results"): LINK},
    )
with lagging_tab, session_scope(engine()) as session:
    st.caption(
        t(
            "融合指数最低的20家企业，适合开展针对性诊断。",
            "The 20 enterprises with the lowest Ronghe Index, for targeted diagnosis.",
        )
    )
    lagging = enterprise_table(
        session,
        actor=actor(session),
        year=int(year),
        region_code=region_code,
        industry_code=industry_code,
        lowest_first=True,
        limit=20,
    )
    st.dataframe(
        readable(lagging),
        hide_index=True,
        width="stretch",
        column_config={t("结果", "Results"): LINK},
    )
with closest_tab:
    framework_id = localized_selectbox(
        t("指标体系", "Framework"),
        list(catalogue),
        format_func=lambda f: catalogue[f].title.get(lang()),
        key="ent__framework",
    )
    st.caption(
        t(
            "按诊断：只需提升最少几项指标（每项一档）即可达到下一等级的企业，适合精准帮扶。在得分最高的30份结果中计算。",
            "From the diagnosis: enterprises that reach their next level with the fewest one-step "
            "indicator raises, for targeted support. Computed over the 30 highest-scoring results.",
        )
    )
    if st.button(t("计算", "Compute"), key="ent__closest"):
        with session_scope(engine()) as session:
            closest = closest_to_next_level(
                session,
                actor=actor(session),
                year=int(year),
                framework_id=framework_id,
                region_code=region_code,
                candidates=30,
            )
        st.dataframe(
            pd.DataFrame(
                {
                    t("企业", "Enterprise"): closest["name"],
                    t("区域", "Region"): [
                        view.region_label(str(c)) for c in closest["region_code"]
                    ],
                    t("当前等级", "Level"): closest["level"],
                    t("下一等级", "Next level"): closest["next_level"],
                    t("需提升指标数", "Indicator steps"): closest["steps"],
                    t("结果", "Results"): [
                        f"/results?assessment={a}" for a in closest["assessment_id"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={t("结果", "Results"): LINK},
        )
