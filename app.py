"""Ronghe (融合) — the Streamlit entry point: page config, sign-in gate, language, navigation."""

import streamlit as st

from ui.components import role_label
from ui.i18n import language_switch, t
from ui.state import sign_out, signed_in

st.set_page_config(page_title="融合 Ronghe", page_icon=":material/factory:", layout="wide")
language_switch()
user = signed_in()

reference = [
    st.Page(
        "app_pages/frameworks.py",
        title=t("指标体系", "Frameworks"),
        icon=":material/menu_book:",
        url_path="frameworks",
        default=True,
    ),
]
if user is None:
    pages = {
        t("参考", "Reference"): reference,
        t("账户", "Account"): [
            st.Page(
                "app_pages/login.py",
                title=t("登录", "Sign in"),
                icon=":material/login:",
                url_path="login",
            )
        ],
    }
else:
    reference.append(
        st.Page(
            "app_pages/penalty.py",
            title=t("处罚裁量计算", "Penalty discretion"),
            icon=":material/gavel:",
            url_path="penalty",
        )
    )
    pages = {t("参考", "Reference"): reference}
    if user.role == "admin":
        pages[t("管理", "Administration")] = [
            st.Page(
                "app_pages/audit.py",
                title=t("审计日志", "Audit log"),
                icon=":material/history:",
                url_path="audit",
            )
        ]
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
