"""Home: what the visitor's role can do, with a link to each of its pages (from the registry)."""

import streamlit as st

from ui.home import ROLE_INTRO, render_page_links
from ui.i18n import t
from ui.navigation import LOGIN, page_spec, pages_for
from ui.state import signed_in

who = signed_in()
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
