"""The page registry: every page of the app, its stable URL and the roles that may open it.

Pages are data here so ``app.py`` stays a router: it builds ``st.navigation`` from this table for
the signed-in role. A page is added by adding one ``PageSpec`` line, in its role's block.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.i18n import lang, t

EVERYONE = frozenset({"anonymous", "enterprise", "consultant", "bureau", "admin"})
SIGNED_IN = frozenset({"enterprise", "consultant", "bureau", "admin"})


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, stable ``url_path``, titles in both languages, icon and audience."""

    path: str
    url_path: str
    title_zh: str
    title_en: str
    icon: str
    roles: frozenset[str]
    section: str  # key into SECTIONS

    @property
    def title(self) -> str:
        return self.title_en if lang() == "en" else self.title_zh


def section_title(key: str) -> str:
    """A navigation section's heading in the current language."""
    titles = {
        "reference": t("参考", "Reference"),
        "account": t("账户", "Account"),
        "enterprise": t("企业", "Enterprise"),
        "bureau": t("主管部门", "Bureau"),
        "consultant": t("咨询服务", "Consulting"),
        "admin": t("管理", "Administration"),
    }
    return titles[key]


HOME = "home"  # the default page: opened at "/", each role's own home
LOGIN = "login"
ANONYMOUS_ONLY = frozenset({"anonymous"})

PAGES: tuple[PageSpec, ...] = (
    # the shell: home and sign-in
    PageSpec("app_pages/home.py", HOME, "首页", "Home", ":material/home:", EVERYONE, "account"),
    PageSpec(
        "app_pages/login.py",
        LOGIN,
        "登录",
        "Sign in",
        ":material/login:",
        ANONYMOUS_ONLY,
        "account",
    ),
    PageSpec(
        "app_pages/register.py",
        "register",
        "企业注册",
        "Register an enterprise",
        ":material/app_registration:",
        ANONYMOUS_ONLY,
        "account",
    ),
    # reference pages (public: they show published material only; docs/sessions.md)
    PageSpec(
        "app_pages/frameworks.py",
        "frameworks",
        "指标体系",
        "Frameworks",
        ":material/menu_book:",
        EVERYONE,
        "reference",
    ),
    PageSpec(
        "app_pages/penalty.py",
        "penalty",
        "处罚裁量计算",
        "Penalty discretion",
        ":material/gavel:",
        EVERYONE,
        "reference",
    ),
    # enterprise pages
    PageSpec(
        "app_pages/assessment.py",
        "assessment",
        "自评估",
        "Self-assessment",
        ":material/edit_note:",
        frozenset({"enterprise", "consultant", "admin"}),
        "enterprise",
    ),
    PageSpec(
        "app_pages/results.py",
        "results",
        "评估结果",
        "Results",
        ":material/insights:",
        SIGNED_IN,
        "enterprise",
    ),
    PageSpec(
        "app_pages/certified.py",
        "certified",
        "认证及官方结果",
        "Certified results",
        ":material/verified:",
        SIGNED_IN,
        "enterprise",
    ),
    PageSpec(
        "app_pages/profile.py",
        "profile",
        "企业信息",
        "Enterprise profile",
        ":material/factory:",
        frozenset({"enterprise"}),
        "enterprise",
    ),
    # bureau pages
    PageSpec(
        "app_pages/bureau/dashboard.py",
        "dashboard",
        "区域看板",
        "Regional dashboard",
        ":material/monitoring:",
        frozenset({"bureau", "admin"}),
        "bureau",
    ),
    PageSpec(
        "app_pages/bureau/enterprises.py",
        "bureau-enterprises",
        "辖区企业",
        "Enterprises",
        ":material/factory:",
        frozenset({"bureau", "admin"}),
        "bureau",
    ),
    PageSpec(
        "app_pages/bureau/registry.py",
        "registry",
        "名录与活动",
        "Registry and campaigns",
        ":material/assignment:",
        frozenset({"bureau", "admin"}),
        "bureau",
    ),
    PageSpec(
        "app_pages/bureau/review.py",
        "review",
        "审核",
        "Review",
        ":material/fact_check:",
        frozenset({"bureau", "admin"}),
        "bureau",
    ),
    # consultant pages
    PageSpec(
        "app_pages/consultant_portfolio.py",
        "portfolio",
        "客户组合",
        "Portfolio",
        ":material/work:",
        frozenset({"consultant", "admin"}),
        "consultant",
    ),
    PageSpec(
        "app_pages/consultant_import.py",
        "import",
        "模板与导入",
        "Templates and import",
        ":material/upload_file:",
        frozenset({"consultant", "admin"}),
        "consultant",
    ),
    PageSpec(
        "app_pages/consultant_export.py",
        "exports",
        "导出与报送",
        "Exports and roll-up",
        ":material/download:",
        frozenset({"consultant", "bureau", "admin"}),
        "consultant",
    ),
    # administration pages
    PageSpec(
        "app_pages/audit.py",
        "audit",
        "审计日志",
        "Audit log",
        ":material/history:",
        frozenset({"admin"}),
        "admin",
    ),
    PageSpec(
        "app_pages/admin/accounts.py",
        "accounts",
        "账户管理",
        "Accounts",
        ":material/manage_accounts:",
        frozenset({"admin"}),
        "admin",
    ),
    PageSpec(
        "app_pages/admin/assignments.py",
        "assignments",
        "咨询机构分配",
        "Consultant assignments",
        ":material/assignment_ind:",
        frozenset({"admin"}),
        "admin",
    ),
    PageSpec(
        "app_pages/admin/jurisdictions.py",
        "jurisdictions",
        "主管部门辖区",
        "Bureau jurisdictions",
        ":material/map:",
        frozenset({"admin"}),
        "admin",
    ),
    PageSpec(
        "app_pages/admin/reference_data.py",
        "reference-data",
        "参考数据版本",
        "Reference data",
        ":material/dataset:",
        frozenset({"admin"}),
        "admin",
    ),
    PageSpec(
        "app_pages/sessions.py",
        "sessions",
        "会话",
        "Sessions",
        ":material/devices:",
        frozenset({"admin"}),
        "admin",
    ),
)


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` ("anonymous" when nobody is signed in) may open, in registry order."""
    return [page for page in PAGES if role in page.roles]


def page_spec(url_path: str) -> PageSpec:
    """The registered page with this ``url_path``."""
    return next(page for page in PAGES if page.url_path == url_path)
