"""Ronghe (融合) — the Streamlit entry point: page config, sign-in gate, language, navigation."""

import streamlit as st

from ui.components import role_label
from ui.i18n import language_switch, t
from ui.navigation import pages_for, section_title
from ui.state import sign_out, signed_in

st.set_page_config(page_title="融合 Ronghe", page_icon=":material/factory:", layout="wide")
language_switch()
user = signed_in()

role = user.role if user else "anonymous"
pages: dict[str, list[st.Page]] = {}
for spec in pages_for(role):
    pages.setdefault(section_title(spec.section), []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path)
    )
if user is None:
    pages[section_title("account")] = [
        st.Page(
            "app_pages/login.py",
            title=t("登录", "Sign in"),
            icon=":material/login:",
            url_path="login",
        )
    ]
else:
    st.sidebar.caption(
        t("已登录：{name}（{role}）", "Signed in: {name} ({role})").format(
            name=user.display_name or user.username, role=role_label(user.role)
        )
    )
    if st.sidebar.button(t("退出登录", "Sign out"), key="auth__sign_out"):
        sign_out()
        st.rerun()

page = st.navigation(pages)
st.title(page.title)
page.run()
