"""Bureau jurisdictions (admins): each bureau account's region, and moving it to another."""

import pandas as pd
import streamlit as st

from assessment import reference
from assessment.db import session_scope
from assessment.repo.accounts import list_accounts, set_jurisdiction
from ui.admin import account_label, region_label, region_picker, reported
from ui.components import localized_selectbox
from ui.i18n import t
from ui.resources import engine
from ui.state import actor

FLASH = "admin_jurisdictions__flash"

flash = st.session_state.pop(FLASH, None)
if flash is not None:
    st.success(flash)

with session_scope(engine()) as session:
    bureaus = {r.id: r for r in list_accounts(session, actor=actor(session)) if r.role == "bureau"}

if not bureaus:
    st.info(
        t(
            "还没有主管部门账户：请先在“账户管理”中创建。",
            "No bureau accounts yet: create one under Accounts first.",
        )
    )
    st.stop()


def level_text(code: str | None) -> str:
    if not code:
        return "—"
    level = reference.code_level(code).value
    return {"province": t("省级", "province"), "prefecture": t("地市级", "prefecture")}.get(
        level, t("区县级", "county")
    )


st.dataframe(
    pd.DataFrame(
        [
            {
                t("账户", "Account"): r.username,
                t("名称", "Name"): r.display_name,
                t("辖区", "Jurisdiction"): region_label(r.region_code),
                t("层级", "Level"): level_text(r.region_code),
                t("状态", "Status"): t("启用", "enabled") if r.is_active else t("停用", "disabled"),
            }
            for r in bureaus.values()
        ]
    ),
    hide_index=True,
    width="stretch",
)

st.markdown(f"#### {t('调整辖区', 'Change a jurisdiction')}")
chosen = localized_selectbox(
    t("主管部门账户", "Bureau account"),
    list(bureaus),
    format_func={uid: account_label(r) for uid, r in bureaus.items()}.__getitem__,
    key="admin_jurisdictions__bureau",
)
code = region_picker(
    t("新辖区", "New jurisdiction"),
    key=f"admin_jurisdictions__region_{chosen}",
    current=bureaus[chosen].region_code,
)
if st.button(t("保存辖区", "Save jurisdiction"), type="primary", key="admin_jurisdictions__save"):
    with reported(), session_scope(engine()) as session:
        moved = set_jurisdiction(session, actor=actor(session), user_id=chosen, region_code=code)
        st.session_state[FLASH] = t(
            "{user} 的辖区现为 {region}。", "The jurisdiction of {user} is now {region}."
        ).format(user=moved.username, region=region_label(moved.region_code))
        st.rerun()
