"""Regional dashboard of a bureau (or an admin, nationally): filters, where to push first,
headline figures, rankings, a tile grid, industry × sub-region, levels, weakest indicators,
sizes and trends. Every figure comes scoped and k-suppressed from the core."""

import streamlit as st

from assessment.analytics.dashboard import Filters, available_years, dashboard, subregions
from assessment.analytics.registry import campaign_progress, list_campaigns
from assessment.db import session_scope
from assessment.reference import industries
from ui import dashboard_view as view
from ui.components import localized_selectbox
from ui.i18n import lang, t
from ui.resources import engine, frameworks
from ui.state import actor

catalogue = frameworks()
ANY = "*"

with session_scope(engine()) as session:
    me = actor(session)
    years = available_years(session, me)
    children = subregions(me)
if not years:
    st.info(t("辖区内还没有评估数据。", "There are no assessments in your jurisdiction yet."))
    st.stop()

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    year = c1.selectbox(t("年度", "Year"), years, key="dash__year")
    with c2:
        subregion = localized_selectbox(
            t("下级区域", "Sub-region"),
            [ANY, *children],
            format_func=lambda c: t("全部", "All") if c == ANY else view.region_label(c),
            key="dash__subregion",
        )
    divisions = industries()["code"].tolist()
    with c3:
        industry = localized_selectbox(
            t("行业大类", "Industry division"),
            [ANY, *divisions],
            format_func=lambda c: t("全部", "All") if c == ANY else view.industry_label(c),
            key="dash__industry",
        )
    c4, c5, c6 = st.columns(3)
    with c4:
        size = localized_selectbox(
            t("企业规模", "Size class"),
            [ANY, "large", "medium", "small", "micro"],
            format_func=lambda c: t("全部", "All") if c == ANY else view.size_label(c),
            key="dash__size",
        )
    with c5:
        above = localized_selectbox(
            t("规模以上", "Above designated size"),
            [ANY, "yes", "no"],
            format_func=lambda c: {
                ANY: t("全部", "All"),
                "yes": t("规上", "Yes"),
                "no": t("规下", "No"),
            }[c],
            key="dash__above",
        )
    with c6:
        production = localized_selectbox(
            t("生产类型", "Production type"),
            [ANY, "discrete", "process"],
            format_func=lambda c: {
                ANY: t("全部", "All"),
                "discrete": t("离散型", "Discrete"),
                "process": t("流程型", "Process"),
            }[c],
            key="dash__production",
        )

filters = Filters(
    year=int(year),
    subregion=None if subregion == ANY else subregion,
    industry=None if industry == ANY else industry,
    size_class=None if size == ANY else size,
    above_size=None if above == ANY else above == "yes",
    production_type=None if production == ANY else production,
)
weakest_framework = st.session_state.get("dash__weakest_fw", ANY)
with session_scope(engine()) as session:
    data = dashboard(
        session,
        actor(session),
        filters,
        catalogue,
        weakest_framework=None if weakest_framework == ANY else weakest_framework,
    )
    campaigns = [
        campaign_progress(session, actor=actor(session), campaign_id=c.id or 0)
        for c in list_campaigns(session, actor=actor(session), year=filters.year)
    ]

st.caption(
    t("辖区：{name}；{year} 年", "Jurisdiction: {name}; {year}").format(
        name=data.jurisdiction.name(lang()), year=filters.year
    )
)
view.render_priority(data.priority, catalogue)
view.render_kpis(data.kpis, data.k)
view.index_caption()

for progress in campaigns:
    view.chart_heading(progress)
    st.dataframe(view.campaign_table(progress), hide_index=True, width="stretch")
    view.downloads(progress)

charts = data.charts
left, right = st.columns([3, 2])
with left:
    view.chart_heading(charts["ranking"])
    st.plotly_chart(view.ranking_figure(charts["ranking"]), key="dash__ranking_chart")
    view.downloads(charts["ranking"])
with right:
    st.markdown(
        f"##### {t('区域分布（方块图，无地图边界）', 'Sub-regions as tiles (no map boundaries)')}"
    )
    st.caption(
        t(
            "每个方块是一个下级区域，颜色为融合指数均值；不使用地图边界数据。",
            "Each tile is a sub-region coloured by mean Ronghe Index; no boundary data is used.",
        )
    )
    st.plotly_chart(view.tile_grid_figure(charts["ranking"]), key="dash__tiles_chart")

view.chart_heading(charts["heatmap"])
st.plotly_chart(view.heatmap_figure(charts["heatmap"]), key="dash__heatmap_chart")
view.downloads(charts["heatmap"])

view.chart_heading(charts["weakest"])
localized_selectbox(
    t("指标体系", "Framework"),
    [ANY, *catalogue],
    format_func=lambda f: (
        t("全部体系", "All frameworks") if f == ANY else catalogue[f].title.get(lang())
    ),
    key="dash__weakest_fw",
)
st.dataframe(view.weakest_table(charts["weakest"], catalogue), hide_index=True, width="stretch")
view.downloads(charts["weakest"])

view.chart_heading(charts["levels"])
st.plotly_chart(view.levels_figure(charts["levels"], catalogue), key="dash__levels_chart")
view.downloads(charts["levels"])

left, right = st.columns(2)
with left:
    view.chart_heading(charts["sizes"])
    st.plotly_chart(
        view.bars_figure(charts["sizes"], "size_class", view.size_label), key="dash__sizes_chart"
    )
    view.downloads(charts["sizes"])
with right:
    view.chart_heading(charts["trend"])
    st.plotly_chart(view.bars_figure(charts["trend"], "year", str), key="dash__trend_chart")
    view.downloads(charts["trend"])
