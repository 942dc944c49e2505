"""Certified and official results (认证及官方结果): list them beside the self-assessed index, and
(consultant, bureau, admin) enter one. Logic and scope live in assessment/repo/certified.py."""

from datetime import date

import pandas as pd
import streamlit as st

from assessment.composite import index_name
from assessment.db import session_scope
from assessment.repo.certified import (
    GRADES,
    KIND_NAMES,
    CertifiedInput,
    CertifiedKind,
    overview,
    record_certified,
)
from assessment.repo.enterprises import get_enterprise_by_uscc, list_enterprises
from assessment.repo.errors import RepositoryError
from indicators.crosswalk import load_crosswalk
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

LISTED = 500  # enterprises offered in the picker; others are found by credit code

st.caption(
    t(
        "DCMM 证书、贯标等级、两化融合官方评估、中小企业数字化官方评测和智能制造成熟度评估结果，"
        "与企业自评结果分开记录；有效的认证结果在融合指数中代替同一体系的自评结果。",
        "DCMM certificates, management-system (GB/T 23001) grades, official integration, SME "
        "and CMMM results, kept apart from "
        "the self-assessment; a current certified result takes the place of the self-assessed "
        "one of the same framework in the Ronghe Index.",
    )
)


def _kind_label(kind: str) -> str:
    names = KIND_NAMES[CertifiedKind(kind)]
    return names[1] if lang() == "en" else names[0]


with session_scope(engine()) as session:
    me = actor(session)
    code = st.text_input(
        t("统一社会信用代码（可选，用于查找）", "Credit code (optional, to find one enterprise)"),
        key="certified__uscc",
    ).strip()
    try:
        firms = (
            [get_enterprise_by_uscc(session, actor=me, uscc=code)]
            if code
            else list(list_enterprises(session, actor=me, limit=LISTED))
        )
    except RepositoryError as exc:
        st.error(exc.message(lang()))
        st.stop()
    if not firms:
        st.info(t("您的范围内没有企业。", "There are no enterprises in your scope."))
        st.stop()
    if len(firms) == LISTED:
        st.caption(
            t(
                "只列出前 {n} 家企业；其他企业请输入统一社会信用代码查找。",
                "Only the first {n} enterprises are listed; find others by credit code.",
            ).format(n=LISTED)
        )
    labels = {f.id: f"{f.name}（{f.uscc}）" for f in firms if f.id is not None}
    enterprise_id = st.selectbox(
        t("企业", "Enterprise"),
        list(labels),
        format_func=lambda i: labels[i],
        key="certified__enterprise",
    )
    view = overview(session, actor=me, enterprise_id=int(enterprise_id))

walk = load_crosswalk()
name, explanation = index_name(walk)
st.subheader(name.get(lang()))
if explanation is not None:
    st.caption(explanation.get(lang()))
if view.index is None:
    st.info(
        t("该企业还没有已提交的自评。", "This enterprise has no submitted self-assessment yet.")
    )
else:
    index = view.index
    left, right = st.columns(2)
    left.metric(
        t("仅按自评结果", "Self-assessed only"),
        "—" if index.self_assessed is None else f"{index.self_assessed:.1f}",
        help=t("只用企业自评的结果计算", "From the self-assessed results alone"),
    )
    right.metric(
        t("计入有效认证结果", "With current certified results"),
        "—" if index.with_certified is None else f"{index.with_certified:.1f}",
        help=t(
            "有效的认证或官方结果代替同一体系的自评结果",
            "Current certified or official results replace the self-assessed ones",
        ),
    )
    if index.replaced:
        st.markdown(
            t("**以认证结果代替自评：** ", "**Certified results used instead of self-assessed:** ")
            + "；".join(
                f"{walk.mapping(r['framework_id']).name.get(lang())} ← "
                f"{_kind_label(r['kind'])} #{r['certified_id']}"
                for r in index.replaced
            )
        )
    else:
        st.caption(
            t(
                "没有有效的认证结果代替自评结果。",
                "No current certified result replaces a self-assessed one.",
            )
        )

st.subheader(t("已记录的认证及官方结果", "Recorded certified and official results"))
if not view.results:
    st.info(t("尚无记录。", "Nothing recorded yet."))
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("来源类别", "Origin"): t("认证/官方", "Certified / official"),
                    t("类型", "Kind"): _kind_label(r.kind),
                    t("等级", "Level"): r.level,
                    t("贯标等级", "Grade"): r.grade,
                    t("得分", "Score"): r.score,
                    t("阶段", "Stage"): r.stage,
                    t("证书编号", "Certificate no."): r.certificate_no,
                    t("发证/评估日期", "Issued / evaluated"): r.issued_on,
                    t("有效期至", "Expires"): r.expires_on,
                    t("状态", "Status"): t("有效", "current")
                    if r.id in view.current_ids
                    else t("已过期", "expired"),
                    t("来源", "Source"): r.source,
                    t("佐证文件", "Evidence file"): r.evidence_file_id,
                }
                for r in view.results
            ]
        )
        .astype(object)
        .fillna("—"),
        hide_index=True,
        width="stretch",
    )

if not view.may_write:
    st.caption(
        t(
            "认证结果由企业的咨询机构、所在地主管部门或管理员录入。",
            "Certified results are entered by the enterprise's consultant, its bureau or an admin.",
        )
    )
    st.stop()

st.subheader(t("录入一条结果", "Enter a result"))
kind_labels = {k.value: _kind_label(k.value) for k in CertifiedKind}  # fixed in this run's language
kind = st.selectbox(
    t("类型", "Kind"),
    list(kind_labels),
    format_func=kind_labels.__getitem__,
    key="certified__kind",
)
with st.form("certified__form", clear_on_submit=True):
    level = grade = score = stage = number = expires = None
    if kind in ("dcmm_certificate", "sme_official", "cmmm_assessed"):
        top = 4 if kind == "sme_official" else 5
        level = st.selectbox(t("等级", "Level"), list(range(1, top + 1)), key="certified__level")
    if kind == "gbt23001_grade":
        grade = st.selectbox(
            t("贯标等级（GB/T 23001）", "Grade (GB/T 23001)"), GRADES, key="certified__grade"
        )
    if kind == "integration_official":
        score = st.number_input(
            t("官方得分（0–100）", "Official score (0–100)"),
            0.0,
            100.0,
            50.0,
            key="certified__score",
        )
        stage = st.selectbox(
            t("发展阶段", "Stage"),
            [1, 2, 3, 4],
            format_func=lambda s: ["起步建设", "单项覆盖", "集成提升", "创新突破"][s - 1],
            key="certified__stage",
        )
    if kind in ("dcmm_certificate", "gbt23001_grade", "cmmm_assessed"):
        number = st.text_input(t("证书编号", "Certificate number"), key="certified__number")
    issued = st.date_input(
        t("发证/评估日期", "Issued / evaluated on"), value=date.today(), key="certified__issued"
    )
    if kind in ("dcmm_certificate", "gbt23001_grade"):
        expires = st.date_input(t("有效期至", "Expires on"), value=None, key="certified__expires")
    source = st.text_input(
        t("来源（平台、发证机构或文件）", "Source (platform, certifier or document)"),
        key="certified__source",
    )
    evidence_labels = {0: t("（无）", "(none)")} | dict(view.evidence)
    evidence = st.selectbox(
        t("佐证文件", "Evidence file"),
        list(evidence_labels),
        format_func=lambda i: evidence_labels[i],
        key="certified__evidence",
    )
    saved = st.form_submit_button(t("保存", "Save"), key="certified__save")

if saved:
    data = CertifiedInput(
        kind=kind,
        source=source or "",
        issued_on=issued,
        level=level,
        grade=grade,
        score=score,
        stage=stage,
        certificate_no=(number or None),
        expires_on=expires,
        evidence_file_id=evidence or None,
    )
    with session_scope(engine()) as session:
        try:
            record_certified(
                session, actor=actor(session), enterprise_id=int(enterprise_id), data=data
            )
        except RepositoryError as exc:
            st.error(exc.message(lang()))
        else:
            st.success(t("已保存。", "Saved."))
            st.rerun()
