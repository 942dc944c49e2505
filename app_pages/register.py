"""Self-registration of an enterprise and its first account (for anonymous visitors)."""

import streamlit as st

from assessment.db import session_scope
from assessment.models import EnterpriseCreate
from assessment.repo.errors import RepositoryError
from assessment.repo.registration import register_enterprise
from assessment.repo.sessions import create_session
from ui.enterprise_forms import (
    industry_select,
    production_type_radio,
    region_picker,
    render_size,
    uscc_input,
)
from ui.i18n import join_list, lang, t
from ui.resources import engine
from ui.signin import redirect_with_grant

st.caption(
    t(
        "注册后即可填写自评估；所在地工信主管部门确认前，企业显示为“待确认”。",
        "You can fill in self-assessments as soon as you have registered; until your local "
        "industry bureau confirms the enterprise it is shown as unconfirmed.",
    )
)

st.subheader(t("企业信息", "Enterprise"))
uscc = uscc_input("register__uscc")
name = st.text_input(t("企业名称", "Enterprise name"), key="register__name", max_chars=200)
st.markdown(f"**{t('所在地区', 'Region')}**")
region_code = region_picker("register__region")
industry_code = industry_select("register__industry")
left, right = st.columns(2)
employees = left.number_input(
    t("从业人员（人）", "Employees"), min_value=0, step=1, value=None, key="register__employees"
)
revenue = right.number_input(
    t("营业收入（万元）", "Revenue (¥10,000)"),
    min_value=0.0,
    step=100.0,
    value=None,
    key="register__revenue",
)
default_type = "discrete"
if industry_code:
    from assessment.reference import industry

    default_type = industry(industry_code).production_type.value
production_type = production_type_radio(f"register__type__{industry_code}", default_type)
render_size(int(employees) if employees is not None else None, revenue)

with st.form("register__account"):
    st.subheader(t("账户", "Account"))
    username = st.text_input(t("用户名", "Username"), key="register__username", max_chars=64)
    display_name = st.text_input(t("联系人姓名", "Contact name"), key="register__display")
    password = st.text_input(
        t("密码（至少 10 个字符）", "Password (at least 10 characters)"),
        type="password",
        key="register__password",
    )
    repeat = st.text_input(
        t("再次输入密码", "Repeat the password"), type="password", key="register__repeat"
    )
    submitted = st.form_submit_button(t("注册", "Register"), type="primary")

if submitted:
    missing = [
        label
        for label, value in (
            (t("统一社会信用代码", "credit code"), uscc),
            (t("企业名称", "name"), name.strip()),
            (t("所在地区", "region"), region_code),
            (t("所属行业", "industry"), industry_code),
            (t("用户名", "username"), username.strip()),
        )
        if not value
    ]
    if missing:
        st.error(t("请填写：", "Please fill in: ") + join_list(missing))
    elif password != repeat:
        st.error(t("两次输入的密码不一致。", "The two passwords differ."))
    else:
        data = EnterpriseCreate(
            uscc=uscc or "",
            name=name,
            region_code=region_code or "",
            industry_code=industry_code or "",
            employees=int(employees) if employees is not None else None,
            revenue_wan=revenue,
            production_type=production_type,
        )
        try:
            with session_scope(engine()) as session:
                user = register_enterprise(
                    session,
                    data=data,
                    username=username,
                    password=password,
                    display_name=display_name,
                )
                grant = create_session(session, user=user, lang=lang())
        except RepositoryError as error:
            st.error(error.message(lang()))
        else:
            redirect_with_grant(grant, "/assessment")
