"""Framework browser: every framework's dimensions, indicators, descriptors, rule and sources."""

import streamlit as st

from indicators.browse import search
from indicators.loader import framework_versions, load_framework
from ui.components import (
    answer_label,
    localized_selectbox,
    render_dimension,
    render_framework_overview,
    render_indicator,
)
from ui.i18n import lang, t
from ui.resources import frameworks

catalogue = frameworks()
lg = lang()

query = st.text_input(
    t("搜索指标", "Search indicators"),
    key="fw__query",
    placeholder=t("例如：主数据、5G、能耗", "e.g. master data, 5G, energy"),
)
if query.strip():
    found = search(catalogue, query)
    st.caption(t("找到 {n} 个指标", "{n} indicators found").format(n=len(found)))
    for match in found:
        label = (
            f"{match.framework_title.get(lg)} › {match.dimension_name.get(lg)} › "
            f"{match.indicator.name.get(lg)} · {answer_label(match.indicator.answer)}"
        )
        with st.expander(label):
            render_indicator(catalogue[match.framework_id], match.indicator)
    st.divider()

framework_id = localized_selectbox(
    t("指标体系", "Framework"),
    list(catalogue),
    format_func=lambda fid: catalogue[fid].title.get(lg),
    key="fw__id",
)
versions = framework_versions(framework_id)
version = st.selectbox(t("版本", "Version"), options=versions[::-1], key="fw__version")
framework = load_framework(framework_id, version)

render_framework_overview(framework)
st.markdown(f"#### {t('维度与指标', 'Dimensions and indicators')}")
tabs = st.tabs([d.name.get(lg) for d in framework.dimensions])
for tab, dimension in zip(tabs, framework.dimensions, strict=True):
    with tab:
        render_dimension(framework, dimension)
