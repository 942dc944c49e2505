"""The served application: Streamlit's ASGI app (``app.py``) plus the session-cookie routes.

``streamlit run serve.py`` (what ``make run`` does) finds ``app`` below and serves it with
uvicorn; ``uvicorn serve:app`` works too. See docs/sessions.md.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.auth_routes import UnknownPageRedirect, auth_routes
from ui.navigation import PAGES

app = st.App(
    "app.py",
    routes=auth_routes(),
    middleware=[Middleware(UnknownPageRedirect, known=frozenset(page.url_path for page in PAGES))],
)
