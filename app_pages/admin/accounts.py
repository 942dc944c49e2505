"""Accounts (admins): the list with role, scope, status and lock; create, disable or enable,
unlock, and reset a password (the new one is shown once)."""

import pandas as pd
import streamlit as st

from assessment.db import session_scope
from assessment.models import Role
from assessment.password_policy import MIN_PASSWORD_LENGTH
from assessment.repo.accounts import (
    create_user,
    generate_password,
    list_accounts,
    reset_password,
    set_active,
    unlock_user,
)
from ui.admin import account_label, enterprise_picker, region_picker, reported, scope_text, when
from ui.components import localized_selectbox, role_label
from ui.i18n import t
from ui.resources import engine
from ui.state import actor

FLASH = "admin_accounts__flash"  # the outcome of the last action, shown once after the rerun

flash = st.session_state.pop(FLASH, None)
if flash is not None:
    st.success(flash["message"])
    if flash["password"]:
        st.code(flash["password"], language=None)

with session_scope(engine()) as session:
    rows = list_accounts(session, actor=actor(session))

st.dataframe(
    pd.DataFrame(
        [
            {
                t("用户名", "Username"): r.username,
                t("名称", "Name"): r.display_name,
                t("角色", "Role"): role_label(r.role),
                t("范围", "Scope"): scope_text(r),
                t("状态", "Status"): t("启用", "enabled") if r.is_active else t("停用", "disabled"),
                t("锁定至", "Locked until"): when(r.locked_until),
                t("最近登录", "Last sign-in"): when(r.last_login_at),
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

st.markdown(f"#### {t('管理账户', 'Manage an account')}")
by_id = {r.id: r for r in rows}
labels = {r.id: account_label(r) for r in rows}  # texts made now: AppTest formats outside the run
chosen = localized_selectbox(
    t("账户", "Account"), list(labels), format_func=labels.__getitem__, key="admin_accounts__chosen"
)
row = by_id[chosen]
cols = st.columns(3)
toggle = cols[0].button(
    t("停用账户", "Disable account") if row.is_active else t("启用账户", "Enable account"),
    key="admin_accounts__toggle",
)
unlock = cols[1].button(
    t("解除锁定", "Unlock"), key="admin_accounts__unlock", disabled=row.locked_until is None
)
reset = cols[2].button(t("重置密码", "Reset password"), key="admin_accounts__reset")
if toggle or unlock or reset:
    with reported(), session_scope(engine()) as session:
        password = None
        if toggle:
            set_active(session, actor=actor(session), user_id=chosen, active=not row.is_active)
            message = t("已更新 {user} 的状态。", "The status of {user} is updated.")
        elif unlock:
            unlock_user(session, actor=actor(session), user_id=chosen)
            message = t("已解除 {user} 的锁定。", "{user} is unlocked.")
        else:
            password = reset_password(session, actor=actor(session), user_id=chosen)
            message = t(
                "{user} 的新密码如下，只显示这一次：请现在交给本人，并请其登录后修改。",
                "The new password of {user} is below, shown this once: hand it over now and "
                "ask them to change it after signing in.",
            )
        st.session_state[FLASH] = {
            "message": message.format(user=row.username),
            "password": password,
        }
        st.rerun()

st.markdown(f"#### {t('新建账户', 'New account')}")
role_names = {r.value: role_label(r.value) for r in Role}
role = localized_selectbox(
    t("角色", "Role"),
    list(role_names),
    format_func=role_names.__getitem__,
    key="admin_accounts__role",
)
username = st.text_input(t("用户名", "Username"), key="admin_accounts__username")
display_name = st.text_input(t("显示名称", "Display name"), key="admin_accounts__display")
region = enterprise_id = None
if role == Role.BUREAU:
    region = region_picker(t("辖区", "Jurisdiction"), key="admin_accounts__region")
elif role == Role.ENTERPRISE:
    with session_scope(engine()) as session:
        enterprise_id = enterprise_picker(session, actor(session), key="admin_accounts__enterprise")
typed = st.text_input(
    t("初始密码（留空则自动生成）", "Initial password (leave empty to generate one)"),
    type="password",
    key="admin_accounts__password",
    help=t(
        "至少 {n} 个字符，不能全是空白，不能是常见密码。",
        "At least {n} characters, not only whitespace, not a common password.",
    ).format(n=MIN_PASSWORD_LENGTH),
)
if st.button(t("创建账户", "Create account"), type="primary", key="admin_accounts__create"):
    password = typed or generate_password()
    with reported(), session_scope(engine()) as session:
        created = create_user(
            session,
            actor=actor(session),
            username=username,
            role=role,
            password=password,
            region_code=region,
            enterprise_id=enterprise_id,
            display_name=display_name.strip(),
        )
        generated = t(
            " 生成的密码如下，只显示这一次：", " Its generated password, shown this once:"
        )
        st.session_state[FLASH] = {
            "message": t("已创建账户 {user}。", "Account {user} is created.").format(
                user=created.username
            )
            + ("" if typed else generated),
            "password": None if typed else password,
        }
        st.rerun()
