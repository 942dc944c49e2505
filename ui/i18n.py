"""Language choice for the UI. Every user-facing string is written at its call site in both
languages, ``t("中文", "English")``, so no text can exist in one language only (a test checks
every call)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}
_KEY = "lang"


def lang() -> str:
    """The current language code: "zh" (default) or "en"."""
    return str(st.session_state.get(_KEY, "zh"))


def t(zh: str, en: str) -> str:
    """The text in the current language."""
    return en if lang() == "en" else zh


def language_switch(on_change: Callable[[], None] | None = None) -> None:
    """A sidebar control that switches the language for this session (``on_change`` keeps it)."""
    st.sidebar.radio(
        "语言 / Language",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=_KEY,
        horizontal=True,
        on_change=on_change,
    )


def join_list(items: Iterable[str]) -> str:
    """Items joined the way the current language lists them: 、 in Chinese, ", " in English."""
    return (", " if lang() == "en" else "、").join(items)
