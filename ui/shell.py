"""The app shell around the pages: the navigation built from the registry (with a gate for pages
the visitor may not open), the sidebar identity and the menu."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from assessment.db import session_scope
from assessment.models import User
from assessment.repo.scope import Scope, scope_of
from ui.components import role_label
from ui.i18n import t
from ui.navigation import ANONYMOUS_ONLY, HOME, LOGIN, PageSpec, section_title
from ui.resources import engine
from ui.signin import current_path, sign_in_form
from ui.state import SignedIn


def gate(spec: PageSpec, who: SignedIn | None, pages: dict[str, st.Page]) -> Callable[[], None]:
    """The page shown at ``spec``'s URL to a visitor who may not open it: it says why, in the
    visitor's language, and offers sign-in (then comes back here) or the way home."""

    def render() -> None:
        if who is None:
            st.info(
                t("「{page}」需要登录后才能打开。", "Sign in to open “{page}”.").format(
                    page=spec.title
                )
            )
            sign_in_form(current_path())
        elif spec.roles == ANONYMOUS_ONLY:
            st.info(
                t(
                    "您已登录为 {name}，无需再打开「{page}」。",
                    "You are signed in as {name}; “{page}” is for visitors who are not.",
                ).format(name=who.display_name or who.username, page=spec.title)
            )
            st.page_link(pages[HOME], label=t("回到首页", "Go home"), icon=":material/home:")
        else:
            st.warning(
                t(
                    "您的账户（{role}）无权打开「{page}」。如需使用，请联系平台管理员。",
                    "Your account ({role}) may not open “{page}”. Ask the platform "
                    "administrator if you need it.",
                ).format(role=role_label(who.role), page=spec.title)
            )
            st.page_link(pages[HOME], label=t("回到首页", "Go home"), icon=":material/home:")

    render.__name__ = f"gate_{spec.url_path}"
    return render


def build_pages(specs: tuple[PageSpec, ...], who: SignedIn | None) -> dict[str, st.Page]:
    """One ``st.Page`` per registered URL: the page itself where the visitor's role may open it,
    its gate elsewhere, so every URL works for everyone (no "Page not found")."""
    role = who.role if who else "anonymous"
    pages: dict[str, st.Page] = {}
    for spec in specs:
        target = spec.path if role in spec.roles else gate(spec, who, pages)
        pages[spec.url_path] = st.Page(
            target,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.url_path == HOME,
        )
    return pages


def scope_text(scope: Scope) -> str:
    """The account's scope in words, e.g. "苏州市工信局 · 320500"."""
    if scope.region_code:
        return t("{zh}工信局 · {code}", "Industry bureau, {en} · {code}").format(
            zh=scope.region_zh, en=scope.region_en, code=scope.region_code
        )
    if scope.enterprise_name:
        return scope.enterprise_name
    if scope.role == "consultant":
        return t("服务 {n} 家企业", "{n} assigned enterprises").format(n=scope.assigned_enterprises)
    if scope.role == "admin":
        return t("全平台", "the whole platform")
    return ""


def render_identity(who: SignedIn) -> None:
    """Who is signed in, in which role and scope (sidebar)."""
    with session_scope(engine()) as session:
        user = session.get(User, who.user_id)
        scope = scope_of(session, user=user) if user is not None else Scope(who.role)
    st.sidebar.caption(
        t("已登录：{name}（{role}）", "Signed in: {name} ({role})").format(
            name=who.display_name or who.username, role=role_label(who.role)
        )
    )
    text = scope_text(scope)
    if text:
        st.sidebar.caption(text)


def render_menu(specs: list[PageSpec], pages: dict[str, st.Page], who: SignedIn | None) -> None:
    """The sidebar menu: the visitor's own pages by section (gated URLs are not listed)."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in specs:
        if who is not None and spec.url_path == LOGIN:
            continue
        sections.setdefault(spec.section, []).append(spec)
    for section, members in sections.items():
        st.sidebar.caption(section_title(section))
        for spec in members:
            st.sidebar.page_link(pages[spec.url_path], label=spec.title, icon=spec.icon)
