"""Reference data versions (admins): the regions and industries loaded, the files they come
from, the released framework versions with the default, and the crosswalk version."""

import pandas as pd
import streamlit as st

from assessment.db import session_scope
from assessment.repo.reference_data import FrameworkRelease, reference_status
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

with session_scope(engine()) as session:
    status = reference_status(session, actor=actor(session))

st.markdown(f"#### {t('已载入的参考数据', 'Loaded reference data')}")
cols = st.columns(3)
cols[0].metric(t("省级行政区", "Provinces"), status.regions_by_level.get("province", 0))
cols[1].metric(t("地市级行政区", "Prefectures"), status.regions_by_level.get("prefecture", 0))
cols[2].metric(t("制造业行业大类", "Manufacturing divisions"), status.industries)
if status.in_sync:
    st.success(
        t("数据库与随附的参考文件一致。", "The database matches the shipped reference files.")
    )
else:
    st.warning(
        t(
            "数据库与参考文件不一致：请运行 ronghe init-db 同步。",
            "The database differs from the reference files: run ronghe init-db to synchronise.",
        )
    )
st.dataframe(
    pd.DataFrame(
        [
            {
                t("文件", "File"): f"data/reference/{f.name}",
                t("行数", "Rows"): f.rows or None,  # None shows as an empty cell
                t("大小（字节）", "Size (bytes)"): f.size_bytes,
                "SHA-256": f.sha256,
            }
            for f in status.files
        ]
    ).astype({t("行数", "Rows"): "Int64"}),
    hide_index=True,
    width="stretch",
)
st.caption(
    t(
        "来源与核实状态见 data/reference/README.md：行政区划为 GB/T 2260（省、地市两级），"
        "行业为 GB/T 4754-2017 制造业大类，规模划分为国家统计局 2017 年标准。",
        "Sources and verification status are in data/reference/README.md: regions after "
        "GB/T 2260 (provinces and prefectures), industries after GB/T 4754-2017 manufacturing "
        "divisions, size classes after the NBS 2017 rules.",
    )
)


def releases_table(releases: list[FrameworkRelease], results_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("名称", "Name"): r.title.get(lang()),
                t("版本", "Version"): r.version,
                t("发布日期", "Released"): r.released or "—",
                t("默认", "Default"): t("是（新评估使用）", "yes (new assessments)")
                if r.default
                else "",
                results_label: r.stored_results,
            }
            for r in releases
        ]
    )


st.markdown(f"#### {t('指标体系版本', 'Framework versions')}")
st.dataframe(
    releases_table(status.frameworks, t("已存结果数", "Stored results")),
    hide_index=True,
    width="stretch",
)
st.markdown(f"#### {t('数据换算对照表版本', 'Crosswalk versions')}")
st.dataframe(
    releases_table(status.crosswalks, t("已存融合指数数", "Stored Ronghe Index results")),
    hide_index=True,
    width="stretch",
)
st.caption(
    t(
        "已发布的版本文件从不修改；变更以新版本发布，每份评估记录其所依据的版本。",
        "Released version files are never edited: a change is a new version, and every "
        "assessment records the versions it was answered against.",
    )
)
