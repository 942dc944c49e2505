"""Audit log (admins): who did what, when, to which objects. Read-only by design."""

import pandas as pd
import streamlit as st

from assessment.db import session_scope
from assessment.repo.audit import list_audit_events
from ui.i18n import t
from ui.resources import engine
from ui.state import actor

action = st.text_input(
    t("按操作筛选（如 login_failed）", "Filter by action (e.g. login_failed)"), key="audit__action"
)
with session_scope(engine()) as session:
    events = list_audit_events(
        session, actor=actor(session), action=action.strip() or None, limit=1000
    )

st.caption(t("最近 {n} 条记录", "Latest {n} events").format(n=len(events)))
st.dataframe(
    pd.DataFrame(
        [
            {
                t("时间 (UTC)", "Time (UTC)"): e.at,
                t("用户", "User"): e.actor_username,
                t("操作", "Action"): e.action,
                t("对象", "Object"): e.object_type,
                t("对象编号", "Object ids"): ", ".join(e.object_ids),
                t("详情", "Detail"): str(dict(e.detail)),
            }
            for e in events
        ]
    ),
    hide_index=True,
    width="stretch",
)
