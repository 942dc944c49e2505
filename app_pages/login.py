"""Sign in with a local account; afterwards the browser returns to ``?next=`` (default: home)."""

import streamlit as st

from ui.i18n import t
from ui.signin import sign_in_form

sign_in_form(st.query_params.get("next", "/"))
st.caption(
    t(
        "首次运行 make run 时创建的演示账户及其密码保存在 data/local/demo-accounts.txt。",
        "Demo accounts created by the first make run, with their passwords, are in "
        "data/local/demo-accounts.txt.",
    )
)
