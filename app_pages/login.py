"""Sign in with a local account."""

import streamlit as st

from assessment.db import session_scope
from assessment.repo.accounts import authenticate
from assessment.repo.errors import RepositoryError
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import sign_in

with st.form("login__form"):
    username = st.text_input(t("用户名", "Username"), key="login__username")
    password = st.text_input(t("密码", "Password"), type="password", key="login__password")
    submitted = st.form_submit_button(t("登录", "Sign in"), type="primary")

if submitted:
    try:
        with session_scope(engine()) as session:
            user = authenticate(session, username=username.strip(), password=password)
            sign_in(user)
    except RepositoryError as error:
        st.error(error.message(lang()))
    else:
        st.rerun()

st.caption(
    t(
        "首次运行 make run 时创建的演示账户及其密码保存在 data/local/demo-accounts.txt。",
        "Demo accounts created by the first make run, with their passwords, are in "
        "data/local/demo-accounts.txt.",
    )
)
