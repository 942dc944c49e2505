"""Ronghe (融合) — the Streamlit entry point: page config, language, navigation."""

import streamlit as st

from ui.i18n import language_switch, t

st.set_page_config(page_title="融合 Ronghe", page_icon="🏭", layout="wide")
language_switch()

pages = {
    t("参考", "Reference"): [
        st.Page(
            "app_pages/frameworks.py",
            title=t("指标体系", "Frameworks"),
            icon="📚",
            url_path="frameworks",
            default=True,
        ),
    ],
}

page = st.navigation(pages)
st.title(page.title)
page.run()
