"""Ronghe (融合) — the Streamlit entry point: page config, session, language, navigation.

Served by ``serve.py`` (``make run``), which adds the routes that set the session cookie.
"""

import streamlit as st

from ui.i18n import language_switch, t
from ui.navigation import HOME, LOGIN, PAGES, pages_for
from ui.shell import build_pages, render_identity, render_menu
from ui.signin import current_path, sign_out_redirect
from ui.state import (
    establish,
    remember_language,
    sign_in_ended,
    sign_out,
    visitor_language,
    write_language_cookie,
)

st.set_page_config(page_title="融合 Ronghe", page_icon=":material/factory:", layout="wide")
user = establish()
if user is None:
    visitor_language()
if user is not None:
    render_identity(user)
elif sign_in_ended():
    st.toast(
        t(
            "登录已结束（已过期、已在其他标签页退出或被管理员结束），请重新登录。",
            "Your sign-in has ended (it expired, you signed out in another tab, or an "
            "administrator ended it); please sign in again.",
        ),
        icon=":material/logout:",
    )
language_switch(on_change=remember_language)
write_language_cookie()

pages = build_pages(PAGES, user)
page = st.navigation(list(pages.values()), position="hidden")
visible = pages_for(user.role if user else "anonymous")
allowed = {spec.url_path for spec in visible}
render_menu(visible, pages, user)
if user is not None and st.sidebar.button(t("退出登录", "Sign out"), key="auth__sign_out"):
    sign_out()
    sign_out_redirect()

if user is None and page.url_path in allowed - {LOGIN, HOME}:
    # on a phone the sidebar is folded away: keep sign-in one tap from every public page
    # (a gated page shows the sign-in form itself)
    st.page_link(
        pages[LOGIN],
        label=t("登录", "Sign in"),
        icon=":material/login:",
        query_params={"next": current_path()},
    )
st.title(page.title)
page.run()
