"""The self-assessment start view: the enterprise's assessments, and a new one for a year with
the recommended frameworks preselected and the reasons shown."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from assessment.models import Role, User, utcnow
from assessment.recommend import Profile, recommend_frameworks
from assessment.repo.assessments import create_assessment, list_assessments
from assessment.repo.enterprises import get_enterprise, list_enterprises
from assessment.repo.errors import RepositoryError
from ui.assessment_form import status_label
from ui.i18n import join_list, lang, t
from ui.resources import frameworks

PAGE = "app_pages/assessment.py"
RESULTS = "app_pages/results.py"


def render_start(session: Session, user: User) -> None:
    """List the assessments in scope and offer to start a new one."""
    enterprise_id = user.enterprise_id
    if Role(user.role) is not Role.ENTERPRISE:
        choices = list_enterprises(session, actor=user, limit=500)
        if not choices:
            st.info(t("您的范围内没有企业。", "There are no enterprises in your scope."))
            return
        names = {e.id: f"{e.name}（{e.uscc}）" for e in choices}
        enterprise_id = st.selectbox(
            t("企业", "Enterprise"), list(names), format_func=names.__getitem__, key="assess__ent"
        )
    if enterprise_id is None:
        st.info(t("此账户没有关联企业。", "This account has no enterprise."))
        return
    rows = list_assessments(session, actor=user, enterprise_id=enterprise_id)
    if rows:
        st.subheader(t("已有评估", "Your assessments"))
    for row in rows:
        with st.container(border=True):
            left, middle, right = st.columns([2, 1, 1])
            left.markdown(
                f"**{row.year}** · {status_label(row.status)} · "
                + join_list(frameworks()[f].short_title.get(lang()) for f in row.framework_versions)
            )
            middle.page_link(
                PAGE,
                label=t("打开", "Open"),
                icon=":material/edit_note:",
                query_params={"assessment": str(row.id)},
            )
            right.page_link(
                RESULTS,
                label=t("结果", "Results"),
                icon=":material/insights:",
                query_params={"assessment": str(row.id)},
            )
    _new_assessment(session, user, enterprise_id)


def _new_assessment(session: Session, user: User, enterprise_id: int) -> None:
    st.subheader(t("开始新的自评估", "Start a new self-assessment"))
    enterprise = get_enterprise(session, actor=user, enterprise_id=enterprise_id)
    catalogue = frameworks()
    recommended = recommend_frameworks(Profile.of(enterprise), tuple(catalogue))
    lg = lang()
    year = st.number_input(
        t("评估年度", "Year assessed"),
        min_value=2015,
        max_value=utcnow().year,
        value=utcnow().year - 1,
        step=1,
        key="assess__year",
    )
    st.markdown(t("**推荐的指标体系及理由**", "**Recommended frameworks and why**"))
    for item in recommended:
        reasons = " ".join(r.get(lg) for r in item.reasons)
        st.markdown(
            t("- **{name}**：推荐理由：{why}", "- **{name}**: recommended because: {why}").format(
                name=catalogue[item.framework_id].short_title.get(lg), why=reasons
            )
        )
    chosen = st.multiselect(
        t(
            "选择指标体系（已预选推荐项，可增减）",
            "Frameworks (the recommended ones are preselected)",
        ),
        list(catalogue),
        default=[r.framework_id for r in recommended],
        format_func=lambda f: catalogue[f].title.get(lg),
        key=f"assess__frameworks__{enterprise_id}__{lg}",
        placeholder=t("请选择", "Choose"),
    )
    if st.button(t("开始评估", "Start"), type="primary", key="assess__start"):
        try:
            created = create_assessment(
                session,
                actor=user,
                enterprise_id=enterprise_id,
                year=int(year),
                frameworks=chosen,
            )
        except RepositoryError as error:
            st.error(error.message(lang()))
        else:
            st.query_params["assessment"] = str(created.id)
            st.rerun()
