"""Sessions (admins): who is signed in where, and ending a session or all of an account's."""

import pandas as pd
import streamlit as st

from assessment.db import session_scope
from assessment.repo.errors import RepositoryError
from assessment.repo.sessions import list_active_sessions, revoke_session, revoke_user_sessions
from ui.components import role_label
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor
from ui.tables import wide_table
from ui.time import cst

with session_scope(engine()) as session:
    me = actor(session)
    active = list_active_sessions(session, actor=me)

st.caption(
    t(
        "每个会话对应一个浏览器中的一次登录；结束后，该浏览器的所有标签页都需要重新登录。",
        "Each session is one sign-in in one browser; once ended, every tab of that browser "
        "must sign in again.",
    )
)
user_col, role_col = t("用户", "User"), t("角色", "Role")
columns = [
    user_col,
    role_col,
    t("会话号", "Session"),
    t("最近活动", "Last active"),
    t("到期", "Expires"),
    t("登录时间", "Signed in"),
    t("浏览器", "Browser"),
]
rows = [
    (
        s.username,
        role_label(s.role),
        s.session_id,
        cst(s.last_seen_at),
        cst(s.expires_at),
        cst(s.created_at),
        s.user_agent,
    )
    for s in active
]
wide_table(pd.DataFrame(rows, columns=columns), key_columns=[user_col, role_col])
if not active:
    st.stop()

labels = {s.session_id: f"{s.username} · #{s.session_id}" for s in active}
users = {s.user_id: s.username for s in active}
left, right = st.columns(2)
with left.form("sessions__one"):
    chosen = st.selectbox(t("会话", "Session"), list(labels), format_func=labels.__getitem__)
    end_one = st.form_submit_button(t("结束该会话", "End this session"))
with right.form("sessions__user"):
    account = st.selectbox(t("账户", "Account"), list(users), format_func=users.__getitem__)
    end_all = st.form_submit_button(t("结束该账户的全部会话", "End all of this account's sessions"))

if end_one or end_all:
    try:
        with session_scope(engine()) as session:
            if end_one:
                revoke_session(session, actor=actor(session), session_id=chosen)
            else:
                revoke_user_sessions(session, actor=actor(session), user_id=account)
    except RepositoryError as error:
        st.error(error.message(lang()))
    else:
        st.rerun()
