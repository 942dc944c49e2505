"""Home: what the visitor's role can do, with a link to each of its pages (from the registry)."""

import streamlit as st

from ui.home import ROLE_INTRO, render_page_links
from ui.i18n import t
from ui.navigation import LOGIN, page_spec, pages_for
from ui.state import signed_in

who = signed_in()
missing = st.query_params.get("missing")
if missing:
    st.warning(
        t(
            "没有“{path}”这个页面，已为您打开首页。",
            "There is no page “{path}”; here is the home page.",
        ).format(path=missing)
    )
role = who.role if who else "anonymous"
st.write(ROLE_INTRO[role]())
if who is None:
    st.page_link(
        page_spec(LOGIN).path,
        label=t("登录", "Sign in"),
        icon=":material/login:",
        query_params={"next": "/"},
    )
render_page_links(pages_for(role))
