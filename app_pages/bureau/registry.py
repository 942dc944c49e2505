"""Registry and campaigns: upload the jurisdiction's registry of enterprises (the coverage
denominator; checked row by row, stored all or nothing) and open a campaign for a year with
target counts per sub-region."""

import pandas as pd
import streamlit as st

from assessment.analytics.dashboard import subregions
from assessment.analytics.registry import (
    REGISTRY_COLUMNS,
    RegistryInvalid,
    create_campaign,
    import_registry,
    list_campaigns,
    registered_count,
)
from assessment.db import session_scope
from assessment.repo.errors import RepositoryError
from ui import dashboard_view as view
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

registry_tab, campaign_tab = st.tabs([t("企业名录", "Registry"), t("评估活动", "Campaigns")])

with registry_tab:
    with session_scope(engine()) as session:
        count = registered_count(session, actor=actor(session))
    st.metric(t("辖区登记企业", "Registered enterprises"), f"{count:,}")
    st.caption(
        t(
            "上传 CSV 或 XLSX，列为：{cols}。每行都会检查；有错误则不导入，已登记的只计数。",
            "Upload CSV or XLSX with the columns {cols}. Every row is checked; with any error "
            "nothing is imported; enterprises already registered are only counted.",
        ).format(cols=", ".join(REGISTRY_COLUMNS))
    )
    upload = st.file_uploader(t("名录文件", "Registry file"), type=["csv", "xlsx"], key="reg__file")
    if upload is not None and st.button(t("导入", "Import"), key="reg__import", type="primary"):
        with session_scope(engine()) as session:
            try:
                report = import_registry(
                    session, actor=actor(session), content=upload.getvalue(), filename=upload.name
                )
            except RegistryInvalid as exc:
                st.error(exc.message(lang()))
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("行", "Row"): [e.row for e in exc.errors],
                            t("列", "Column"): [e.column for e in exc.errors],
                            t("问题", "Problem"): [
                                e.message_en if lang() == "en" else e.message_zh for e in exc.errors
                            ],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )
            except RepositoryError as exc:
                st.error(exc.message(lang()))
            else:
                st.success(
                    t(
                        "已导入 {added} 家新企业；{already} 家此前已登记。",
                        "Imported {added} new enterprises; {already} were already registered.",
                    ).format(added=report.added, already=report.already)
                )

with campaign_tab, session_scope(engine()) as session:
    me = actor(session)
    children = subregions(me)
    with st.form("camp__form"):
        name = st.text_input(t("活动名称", "Campaign name"), key="camp__name")
        year = st.number_input(
            t("年度", "Year"), min_value=2000, max_value=2100, value=2025, key="camp__year"
        )
        targets = st.data_editor(
            pd.DataFrame(
                {
                    "code": children,
                    t("下级区域", "Sub-region"): [view.region_label(c) for c in children],
                    t("目标企业数", "Target enterprises"): [0] * len(children),
                }
            ),
            hide_index=True,
            disabled=["code", t("下级区域", "Sub-region")],
            key="camp__targets",
        )
        opened = st.form_submit_button(t("开启活动", "Open campaign"), type="primary")
    if opened:
        column = t("目标企业数", "Target enterprises")
        try:
            create_campaign(
                session,
                actor=me,
                year=int(year),
                name=name,
                targets={
                    str(c): int(v)
                    for c, v in zip(targets["code"], targets[column], strict=True)
                    if int(v) > 0
                },
            )
        except RepositoryError as exc:
            st.error(exc.message(lang()))
        else:
            st.success(t("活动已开启。", "Campaign opened."))
    campaigns = list_campaigns(session, actor=me)
    if campaigns:
        st.markdown(f"###### {t('已开启的活动', 'Campaigns')}")
        for campaign in campaigns:
            st.write(f"{campaign.year} · {campaign.name}")
        st.caption(t("进度见区域看板。", "Progress is shown on the regional dashboard."))
