"""Cached wrappers around core loaders (the core itself never caches through Streamlit)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from assessment.db import make_engine
from indicators.loader import load_all
from indicators.schema import Framework


@st.cache_resource
def frameworks() -> dict[str, Framework]:
    """The newest version of every framework (immutable; shared by all sessions)."""
    return load_all()


@st.cache_resource
def engine() -> Engine:
    """The database engine for ``DATABASE_URL`` (one per server process)."""
    return make_engine()
