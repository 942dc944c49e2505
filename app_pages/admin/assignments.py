"""Consultant assignments (admins): which enterprises each consultant serves; assign and
withdraw."""

import pandas as pd
import streamlit as st

from assessment.db import session_scope
from assessment.repo.accounts import (
    assign_consultant,
    list_accounts,
    list_assignments,
    unassign_consultant,
)
from ui.admin import account_label, enterprise_picker, region_label, reported, when
from ui.components import localized_selectbox
from ui.i18n import t
from ui.resources import engine
from ui.state import actor

FLASH = "admin_assignments__flash"

flash = st.session_state.pop(FLASH, None)
if flash is not None:
    st.success(flash)

with session_scope(engine()) as session:
    admin = actor(session)
    consultants = {r.id: r for r in list_accounts(session, actor=admin) if r.role == "consultant"}
    assignments = list_assignments(session, actor=admin)

if not consultants:
    st.info(
        t(
            "还没有咨询机构账户：请先在“账户管理”中创建。",
            "No consultant accounts yet: create one under Accounts first.",
        )
    )
    st.stop()

chosen = localized_selectbox(
    t("咨询机构", "Consultant"),
    list(consultants),
    format_func={uid: account_label(r) for uid, r in consultants.items()}.__getitem__,
    key="admin_assignments__consultant",
)
mine = [a for a in assignments if a.consultant_id == chosen]
st.caption(t("已分配 {n} 家企业", "{n} enterprise(s) assigned").format(n=len(mine)))
if mine:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("企业", "Enterprise"): a.enterprise_name,
                    t("统一社会信用代码", "Credit code"): a.uscc,
                    t("地区", "Region"): region_label(a.region_code),
                    t("分配时间", "Assigned"): when(a.since),
                }
                for a in mine
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    names = {a.enterprise_id: f"{a.enterprise_name} · {a.uscc}" for a in mine}
    withdrawn = st.multiselect(
        t("取消分配", "Withdraw"),
        list(names),
        format_func=names.__getitem__,
        key="admin_assignments__withdraw",
        placeholder=t("选择要取消分配的企业", "Choose enterprises to withdraw"),
    )
    if st.button(
        t("取消所选企业的分配", "Withdraw the selected"),
        key="admin_assignments__unassign",
        disabled=not withdrawn,
    ):
        with reported(), session_scope(engine()) as session:
            ended = unassign_consultant(
                session, actor=actor(session), consultant_id=chosen, enterprise_ids=withdrawn
            )
            st.session_state[FLASH] = t(
                "已取消 {n} 家企业的分配。", "{n} assignment(s) withdrawn."
            ).format(n=ended)
            st.rerun()

st.markdown(f"#### {t('分配企业', 'Assign an enterprise')}")
with session_scope(engine()) as session:
    enterprise_id = enterprise_picker(session, actor(session), key="admin_assignments__enterprise")
if (
    st.button(
        t("分配给该咨询机构", "Assign to this consultant"),
        type="primary",
        key="admin_assignments__assign",
        disabled=enterprise_id is None,
    )
    and enterprise_id is not None
):
    with reported(), session_scope(engine()) as session:
        assign_consultant(
            session, actor=actor(session), consultant_id=chosen, enterprise_ids=[enterprise_id]
        )
        st.session_state[FLASH] = t("已分配。", "Assigned.")
        st.rerun()
