"""Rendering helpers of the administration pages: region and enterprise pickers, scope texts,
times in China Standard Time, and core errors shown in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import streamlit as st
from sqlmodel import Session

from assessment import reference
from assessment.auditlog.readable import china_time
from assessment.models import User
from assessment.repo.accounts import AccountRow, find_enterprises
from assessment.repo.errors import RepositoryError
from ui.components import role_label
from ui.i18n import lang, t


@contextmanager
def reported() -> Iterator[None]:
    """Show a refusal of the core (bad input, no permission) as an error in the user's
    language instead of a traceback."""
    try:
        yield
    except RepositoryError as error:
        st.error(error.message(lang()))


def when(moment: datetime | None) -> str:
    """A time in China Standard Time, or a dash."""
    return china_time(moment) if moment is not None else "—"


def region_label(code: str | None) -> str:
    """A region's name and code; a county (not in the reference table) by its prefecture."""
    if not code:
        return "—"
    try:
        return f"{reference.region_name(code, 'en' if lang() == 'en' else 'zh')} · {code}"
    except (ValueError, reference.UnknownCode):
        try:
            parent = reference.region_name(code[:4] + "00", "en" if lang() == "en" else "zh")
        except (ValueError, reference.UnknownCode):
            return code
        return t("{parent}下辖区县 · {code}", "county in {parent} · {code}").format(
            parent=parent, code=code
        )


def scope_text(row: AccountRow) -> str:
    """What an account may see, in words."""
    if row.role == "bureau":
        return region_label(row.region_code)
    if row.role == "enterprise":
        return row.enterprise_name or "—"
    if row.role == "consultant":
        return t("{n} 家企业", "{n} enterprise(s)").format(n=row.clients)
    return t("全部", "everything")


def account_label(row: AccountRow) -> str:
    """An account in a picker: username, display name and role."""
    name = f" ({row.display_name})" if row.display_name else ""
    return f"{row.username}{name} · {role_label(row.role)}"


def region_picker(label: str, key: str, current: str | None = None) -> str:
    """Pick a province or prefecture of the reference table, optionally narrowed to a county by
    its code; returns the chosen code."""
    names = {str(code): region_label(str(code)) for code in reference.regions()["code"]}
    codes = list(names)
    default = current if current in codes else (current[:4] + "00" if current else None)
    prefecture_or_province = st.selectbox(
        label,
        codes,
        index=codes.index(default) if default in codes else 0,
        format_func=names.__getitem__,  # texts made now, in the language of this run
        key=f"{key}__{lang()}",
    )
    county = st.text_input(
        t("区县代码（可选，6 位）", "County code (optional, 6 digits)"),
        value=current if current and current not in codes else "",
        key=f"{key}__county",
        help=t(
            "参考数据只列到地市级；区县级主管部门在此填写本区县代码。",
            "The reference table lists provinces and prefectures; for a county bureau enter "
            "the county's code here.",
        ),
    )
    return county.strip() or str(prefecture_or_province)


def enterprise_picker(session: Session, actor: User, key: str) -> int | None:
    """Search enterprises by name or credit code and pick one; returns its id."""
    text = st.text_input(
        t("查找企业（名称或统一社会信用代码）", "Find an enterprise (name or credit code)"),
        key=f"{key}__text",
    )
    found = find_enterprises(session, actor=actor, text=text, limit=50)
    if not found:
        st.caption(t("没有匹配的企业。", "No enterprise matches."))
        return None
    names: dict[int, str] = {e.id or 0: f"{e.name} · {e.uscc}" for e in found}
    chosen: Callable[[int], str] = names.__getitem__
    return st.selectbox(
        t("企业", "Enterprise"), list(names), format_func=chosen, key=f"{key}__choice"
    )
