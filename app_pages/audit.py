"""Audit log (admins): who did what, when, to what; in words, in China Standard Time; searchable
and downloadable as CSV. Read-only by design."""

import pandas as pd
import streamlit as st

from assessment.auditlog.readable import COLUMNS, readable_events, to_csv
from assessment.db import session_scope
from assessment.repo.audit import record_export, search_audit_events
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

LIMIT = 1000

query = st.text_input(
    t("查找", "Search"),
    key="audit__query",
    placeholder=t(
        "例如：创建账户、data.load、demo-admin", "e.g. account created, data.load, demo-admin"
    ),
    help=t(
        "按操作代码前缀（如 login、user.）、操作名称中的词、操作者"
        "或对象（账户、企业名称、信用代码）查找。",
        "Finds by action id prefix (e.g. login, user.), words of the action's name, the actor, "
        "or the target (account, enterprise name, credit code).",
    ),
)
with session_scope(engine()) as session:
    admin = actor(session)
    events = search_audit_events(session, actor=admin, query=query, limit=LIMIT)
    rows = readable_events(session, actor=admin, events=events, language=lang())

if query.strip():
    st.caption(
        t(
            "找到 {n} 条记录（最多显示 {limit} 条）", "{n} events found (at most {limit} shown)"
        ).format(n=len(rows), limit=LIMIT)
    )
else:
    st.caption(t("最近 {n} 条记录", "Latest {n} events").format(n=len(rows)))
st.dataframe(
    pd.DataFrame(
        [{label.get(lang()): getattr(row, name) for name, label in COLUMNS.items()} for row in rows]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        COLUMNS["target"].get(lang()): st.column_config.TextColumn(width="medium"),
        COLUMNS["details"].get(lang()): st.column_config.TextColumn(width="large"),
    },
)


def record_download() -> None:
    with session_scope(engine()) as session:
        record_export(
            session,
            actor=actor(session),
            what="audit log",
            object_type="audit_event",
            detail={"rows": len(rows), "filter": query.strip(), "format": "csv"},
        )


st.download_button(
    t("下载 CSV", "Download CSV"),
    data=to_csv(rows, lang()),
    file_name="ronghe-audit-log.csv",
    mime="text/csv",
    on_click=record_download,
    key="audit__download",
    disabled=not rows,
)
