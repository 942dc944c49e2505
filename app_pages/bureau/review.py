"""Review: the queue of submitted assessments with their evidence files (verify, or return with
a comment the enterprise sees) and newly registered enterprises to confirm. Every action goes
through the audited core functions."""

import streamlit as st

from assessment.analytics.review import review_queue
from assessment.db import session_scope
from assessment.repo.assessments import get_assessment, review_assessment
from assessment.repo.enterprises import confirm_enterprise, list_enterprises
from assessment.repo.errors import RepositoryError
from assessment.repo.evidence import evidence_content, list_evidence
from ui import dashboard_view as view
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

queue_tab, confirm_tab = st.tabs(
    [t("审核队列", "Review queue"), t("新注册企业", "New enterprises")]
)

with queue_tab, session_scope(engine()) as session:
    me = actor(session)
    queue = review_queue(session, actor=me)
    if queue.empty:
        st.success(t("没有待审核的评估。", "No assessments are waiting for review."))
    else:
        st.caption(
            t("待审核：{n} 份（最早提交的在前）", "Waiting: {n} (oldest first)").format(
                n=len(queue)
            )
        )
        labels = {
            int(a): f"{n} · {y} · #{a}"
            for a, n, y in zip(queue["assessment_id"], queue["name"], queue["year"], strict=True)
        }
        chosen = st.selectbox(
            t("选择评估", "Assessment"),
            list(labels),
            format_func=labels.__getitem__,
            key="rev__pick",
        )
        row = queue[queue["assessment_id"] == chosen].iloc[0]
        st.markdown(
            t(
                "**{name}**（{region}）· {year} 年 · 融合指数 {index}",
                "**{name}** ({region}) · {year} · Ronghe Index {index}",
            ).format(
                name=row["name"],
                region=view.region_label(str(row["region_code"])),
                year=row["year"],
                index="—" if row["composite"] is None else f"{row['composite']:.1f}",
            )
        )
        st.link_button(
            t("查看结果（只读）", "Open results (read-only)"),
            f"/results?assessment={chosen}",
            icon=":material/open_in_new:",
        )
        files = list_evidence(session, actor=me, assessment_id=chosen)
        versions = get_assessment(session, actor=me, assessment_id=chosen).framework_versions
        st.markdown(f"###### {t('佐证材料', 'Evidence files')} ({len(files)})")
        if not files:
            st.caption(t("未上传佐证材料。", "No evidence files were attached."))
        for info in files:
            left, right = st.columns([4, 1])
            name = view.indicator_label(
                info.framework_id, versions.get(info.framework_id), info.indicator_id
            )
            left.write(f"{name}: {info.filename} ({info.size_bytes:,} B)")
            if right.button(t("准备下载", "Prepare download"), key=f"rev__file_{info.id}"):
                _, content = evidence_content(
                    session, actor=me, assessment_id=chosen, evidence_id=info.id
                )
                right.download_button(
                    t("下载", "Download"),
                    content,
                    file_name=info.filename,
                    mime=info.media_type,
                    key=f"rev__dl_{info.id}",
                )
        with st.form("rev__form"):
            comment = st.text_area(
                t(
                    "意见（退回时必填，企业可见）",
                    "Comment (required to return; the enterprise sees it)",
                ),
                key="rev__comment",
            )
            verify = st.form_submit_button(t("审核通过", "Verify"), type="primary")
            send_back = st.form_submit_button(t("退回修改", "Return for revision"))
        if verify or send_back:
            try:
                review_assessment(
                    session,
                    actor=me,
                    assessment_id=int(chosen),
                    verify=bool(verify),
                    comment=comment.strip() or None,
                    base_version=int(row["version"]),
                )
            except RepositoryError as exc:
                st.error(exc.message(lang()))
            else:
                st.toast(t("已保存审核结果。", "Review saved."))
                st.rerun()

with confirm_tab, session_scope(engine()) as session:
    me = actor(session)
    pending = list_enterprises(session, actor=me, confirmed=False, limit=200)
    if not pending:
        st.success(t("没有待确认的企业。", "No enterprises are waiting for confirmation."))
    for enterprise in pending:
        left, right = st.columns([4, 1])
        left.write(
            f"**{enterprise.name}** · {enterprise.uscc} · "
            f"{view.region_label(enterprise.region_code)} · "
            f"{view.industry_label(enterprise.industry_code)}"
        )
        if right.button(t("确认", "Confirm"), key=f"rev__confirm_{enterprise.id}"):
            try:
                confirm_enterprise(session, actor=me, enterprise_id=int(enterprise.id or 0))
            except RepositoryError as exc:
                st.error(exc.message(lang()))
            else:
                st.rerun()
