"""The signed-in enterprise's profile: what is registered, its confirmation, and changes to it
(each change is audited by the core; fields the enterprise may not change directly are refused
there with the reason)."""

from typing import Literal

import streamlit as st

from assessment import reference
from assessment.db import session_scope
from assessment.models import EnterpriseUpdate
from assessment.repo.enterprises import get_enterprise, update_enterprise
from assessment.repo.errors import AccessDenied, RepositoryError
from ui.enterprise_forms import (
    industry_select,
    production_type_radio,
    region_picker,
    render_size,
    size_label,
)
from ui.i18n import join_list, lang, t
from ui.resources import engine
from ui.state import actor

lg: Literal["zh", "en"] = "en" if lang() == "en" else "zh"
with session_scope(engine()) as session:
    user = actor(session)
    if user.enterprise_id is None:
        st.info(t("此页面供企业账户使用。", "This page is for enterprise accounts."))
        st.stop()
    try:
        enterprise = get_enterprise(session, actor=user, enterprise_id=user.enterprise_id)
    except AccessDenied as error:
        st.error(error.message(lang()))
        st.stop()

saved = st.session_state.pop("profile__saved", None)
if saved:
    message = t("已保存：{f}（已记入审计日志）。", "Saved: {f} (recorded in the audit log).")
    st.success(message.format(f=join_list(saved)))
    st.toast(message.format(f=join_list(saved)))
if enterprise.confirmed_at is None:
    st.warning(
        t(
            "待确认：所在地工信主管部门尚未确认本企业。确认前可以正常填写和提交自评估。",
            "Unconfirmed: your local industry bureau has not confirmed this enterprise yet. "
            "You can fill in and submit self-assessments meanwhile.",
        )
    )
else:
    st.success(
        t("已由主管部门确认（{when}）。", "Confirmed by the bureau ({when}).").format(
            when=enterprise.confirmed_at.strftime("%Y-%m-%d")
        )
    )

region = enterprise.region_code
try:
    region_text = reference.region_name(region, lg)
except reference.UnknownCode:
    region_text = reference.region_name(region[:4] + "00", lg)
st.markdown(
    t(
        "- **统一社会信用代码**：`{uscc}`\n- **企业名称**：{name}\n"
        "- **所在地区**：{region}（{code}）\n"
        "- **所属行业**：C{industry} {industry_name}\n- **企业规模**：{size}",
        "- **Credit code**: `{uscc}`\n- **Name**: {name}\n- **Region**: {region} ({code})\n"
        "- **Industry**: C{industry} {industry_name}\n- **Size class**: {size}",
    ).format(
        uscc=enterprise.uscc,
        name=enterprise.name,
        region=region_text,
        code=region,
        industry=enterprise.industry_code,
        industry_name=reference.industry(enterprise.industry_code).name(lg),
        size=size_label(enterprise.size_class),
    )
)

st.subheader(t("修改企业信息", "Change the profile"))
name = st.text_input(t("企业名称", "Enterprise name"), value=enterprise.name, key="profile__name")
st.markdown(f"**{t('所在地区', 'Region')}**")
new_region = region_picker("profile__region", enterprise.region_code)
new_industry = industry_select("profile__industry", enterprise.industry_code)
left, right = st.columns(2)
employees = left.number_input(
    t("从业人员（人）", "Employees"),
    min_value=0,
    step=1,
    value=enterprise.employees,
    key="profile__employees",
)
revenue = right.number_input(
    t("营业收入（万元）", "Revenue (¥10,000)"),
    min_value=0.0,
    step=100.0,
    value=enterprise.revenue_wan,
    key="profile__revenue",
)
production_type = production_type_radio("profile__type", enterprise.production_type)
render_size(int(employees) if employees is not None else None, revenue)

if st.button(t("保存修改", "Save changes"), type="primary", key="profile__save"):
    wanted = {
        "name": name.strip() or None,
        "region_code": new_region,
        "industry_code": new_industry,
        "employees": int(employees) if employees is not None else None,
        "revenue_wan": revenue,
        "production_type": production_type,
    }
    current = enterprise.model_dump()
    changes = {k: v for k, v in wanted.items() if v is not None and v != current.get(k)}
    if not changes:
        st.info(t("没有修改。", "Nothing changed."))
    else:
        try:
            with session_scope(engine()) as session:
                update_enterprise(
                    session,
                    actor=actor(session),
                    enterprise_id=user.enterprise_id,
                    data=EnterpriseUpdate.model_validate(changes),
                )
        except RepositoryError as error:
            st.error(error.message(lang()))
        else:
            st.session_state["profile__saved"] = sorted(changes)
            st.rerun()
