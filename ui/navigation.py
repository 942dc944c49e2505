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


PAGES: tuple[PageSpec, ...] = (
    # reference pages
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
        SIGNED_IN,
        "reference",
    ),
    # enterprise pages
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
)


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` ("anonymous" when nobody is signed in) may open, in registry order."""
    return [page for page in PAGES if role in page.roles]
