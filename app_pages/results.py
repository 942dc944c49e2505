"""Results of one assessment: ``/results?assessment=<id>`` (scope enforced by the core)."""

import streamlit as st

from assessment.db import session_scope
from assessment.repo.assessments import list_assessments
from assessment.repo.enterprises import get_enterprise
from assessment.repo.errors import AccessDenied
from ui.assessment_form import status_label
from ui.i18n import t
from ui.resources import engine
from ui.results_view import render_results
from ui.state import actor

raw_id = st.query_params.get("assessment", "")
with session_scope(engine()) as session:
    user = actor(session)
    if not raw_id.isdigit():
        rows = list_assessments(session, actor=user, limit=50)
        if not rows:
            st.info(t("还没有评估。", "There are no assessments yet."))
        else:
            st.caption(t("选择一次评估查看结果：", "Choose an assessment to see its results:"))
        names = {
            eid: get_enterprise(session, actor=user, enterprise_id=eid).name
            for eid in {row.enterprise_id for row in rows}
        }
        for row in rows:
            st.page_link(
                "app_pages/results.py",
                label=f"{names[row.enterprise_id]} · {row.year} · {status_label(row.status)} · "
                f"#{row.id}",
                icon=":material/insights:",
                query_params={"assessment": str(row.id)},
            )
        st.stop()
    st.query_params["assessment"] = raw_id  # keep it in the URL for reruns and reloads
    try:
        render_results(session, user, int(raw_id))
    except AccessDenied:
        st.error(
            t(
                "找不到该评估，或您无权查看。",
                "This assessment does not exist or you may not open it.",
            )
        )
