"""Self-assessment: framework → dimension → indicators, saved on every change, resumable;
submit lists exactly what is missing.

URL: ``/assessment?assessment=<id>[&framework=..&indicator=..]``."""

import streamlit as st

from assessment.db import session_scope
from assessment.progress import assessment_progress
from assessment.repo import drafts
from assessment.repo.errors import AccessDenied
from indicators.loader import load_framework
from ui.assessment_form import (
    Seen,
    dimension_indicators,
    editable,
    render_conflicts,
    render_feedback,
    render_indicator,
    status_label,
)
from ui.assessment_nav import current_position, render_navigation, render_pager, render_submit
from ui.assessment_start import render_start
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

lg = lang()
raw_id = st.query_params.get("assessment", "")
with session_scope(engine()) as session:
    user = actor(session)
    if not raw_id.isdigit():
        render_start(session, user)
        st.stop()
    st.query_params["assessment"] = raw_id  # keep it in the URL for reruns and reloads
    try:
        state = drafts.draft_state(session, actor=user, assessment_id=int(raw_id))
    except AccessDenied:
        st.error(
            t(
                "找不到该评估，或您无权查看。",
                "This assessment does not exist or you may not open it.",
            )
        )
        st.page_link("app_pages/assessment.py", label=t("返回我的评估", "Back to my assessments"))
        st.stop()

assessment = state.assessment
aid = int(raw_id)
catalogue = {f: load_framework(f, v) for f, v in assessment.framework_versions.items()}
seen = Seen(aid, assessment.version, state.answers, state.notes)
st.session_state["assess__seen"] = seen
can_edit = editable(assessment.status) and user.role != "bureau"

st.caption(
    t(
        "{name} · {year} 年度 · {status} · 版本 {v} · 每次修改自动保存",
        "{name} · year {year} · {status} · version {v} · every change is saved at once",
    ).format(
        name=state.enterprise_name,
        year=assessment.year,
        status=status_label(assessment.status),
        v=assessment.version,
    )
)
if assessment.status == "returned":
    st.warning(
        t("主管部门退回修改，意见：", "Returned for revision by the bureau. Comment: ")
        + (assessment.review_comment or "")
    )
if not can_edit:
    st.info(t("此评估已提交，只读。", "This assessment has been submitted and is read-only."))
    st.page_link(
        "app_pages/results.py",
        label=t("查看结果", "See the results"),
        icon=":material/insights:",
        query_params={"assessment": raw_id},
    )
render_feedback()
render_conflicts(catalogue)

overall, progress = assessment_progress(catalogue, state.answers, assessment.paths)
st.progress(
    overall.share,
    text=t("总进度：{a}/{n} 项", "Overall: {a} of {n} answered").format(
        a=overall.answered, n=overall.total
    ),
)
position = current_position(aid, catalogue, state.position)
framework, dimension_id = render_navigation(aid, catalogue, progress, position)
files = [e for e in state.evidence if e.framework_id == framework.id]
for indicator in dimension_indicators(framework, dimension_id, assessment.paths.get(framework.id)):
    render_indicator(
        framework,
        indicator,
        seen,
        [f for f in files if f.indicator_id == indicator.id],
        can_edit=can_edit,
        highlight=indicator.id == position.indicator_id
        and (framework.id, indicator.id) not in state.answers,
    )
render_pager(aid, framework, dimension_id)
if can_edit:
    render_submit(aid, assessment.version, progress)
