"""Home-page content: each role's introduction and the links to its pages (from the registry,
so pages added later appear by themselves)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.i18n import t
from ui.navigation import HOME, LOGIN, PageSpec, section_title

ROLE_INTRO: dict[str, Callable[[], str]] = {
    "anonymous": lambda: t(
        "融合平台测评制造企业的数字化转型水平（数据管理能力 DCMM、两化融合、智能制造能力成熟度、"
        "中小企业数字化水平等），服务企业、工信主管部门和咨询服务机构。"
        "指标体系和处罚裁量计算无需登录即可查看；测评、审核和统计需要登录。",
        "Ronghe measures manufacturing enterprises' digital transformation (DCMM, IT–industry "
        "integration, intelligent-manufacturing maturity, SME digitalisation and more) for "
        "enterprises, industry bureaus and consultants. The frameworks and the penalty "
        "calculator are open without signing in; assessments, reviews and statistics need an "
        "account.",
    ),
    "enterprise": lambda: t(
        "作为企业用户，您可以维护本企业资料、填报自评、查看各体系的结果与改进建议。",
        "As an enterprise user you keep your enterprise's profile, fill in self-assessments and "
        "read each framework's result with advice on how to improve.",
    ),
    "consultant": lambda: t(
        "作为咨询服务机构，您可以为分配给您的企业填报和修改测评，查看其结果并出具诊断报告。",
        "As a consultant you fill in and revise assessments for the enterprises assigned to you, "
        "read their results and prepare diagnosis reports.",
    ),
    "bureau": lambda: t(
        "作为工信主管部门，您可以查看辖区内企业的测评、审核提交的测评、确认自行注册的企业，"
        "并查看辖区统计。",
        "As an industry bureau you see the assessments of enterprises in your jurisdiction, "
        "review submitted ones, confirm self-registered enterprises and read the regional "
        "statistics.",
    ),
    "admin": lambda: t(
        "作为平台管理员，您可以管理账户与会话、查看审计日志和参考数据。",
        "As the platform administrator you manage accounts and sessions and read the audit log "
        "and the reference data.",
    ),
}


def render_page_links(specs: list[PageSpec]) -> None:
    """A link to each page in ``specs`` (except home and sign-in), grouped by section."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in specs:
        if spec.url_path not in (HOME, LOGIN):
            sections.setdefault(spec.section, []).append(spec)
    for section, members in sections.items():
        st.subheader(section_title(section))
        for spec in members:
            st.page_link(spec.path, label=spec.title, icon=spec.icon)
