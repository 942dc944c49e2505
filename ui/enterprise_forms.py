"""Form pieces shared by registration and the profile: the credit-code check as it is typed,
the region picker (province → prefecture → county where the reference data lists counties),
the industry choice and the derived size class with its rule."""

from __future__ import annotations

import streamlit as st

from assessment import reference
from assessment.repo.enterprises import check_uscc
from assessment.repo.errors import ValidationFailed
from assessment.repo.registration import region_choices, size_explanation
from ui.i18n import lang, t


def uscc_input(key: str) -> str | None:
    """A credit-code field checked while typing; returns the valid normalised code or None."""
    code = st.text_input(
        t("统一社会信用代码（18 位）", "Unified social credit code (18 characters)"),
        key=key,
        max_chars=18,
        live=True,
        placeholder="91320500MA1XXXXXXX",
    )
    if not code:
        st.caption(t("输入后即时校验。", "Checked as you type."))
        return None
    try:
        valid = check_uscc(code)
    except ValidationFailed as error:
        st.error(error.message(lang()), icon=":material/error:")
        return None
    st.success(t("代码校验通过。", "The code is valid."), icon=":material/check_circle:")
    return valid


def region_picker(key: str, current: str | None = None) -> str | None:
    """Province → prefecture → county selects; returns the most specific code chosen."""
    chosen: str | None = None
    levels = (
        (t("省级", "Province"), 2),
        (t("地市级", "Prefecture"), 4),
        (t("区县级", "County"), 6),
    )
    columns = st.columns(3)
    parent: str | None = None
    for column, (label, digits) in zip(columns, levels, strict=True):
        choices = {r.code: r for r in region_choices(parent)}
        options = list(choices)
        if not options:
            break
        default = current[:digits].ljust(6, "0") if current else None
        with column:
            picked = st.selectbox(
                label,
                options,
                index=options.index(default) if default in options else None,
                format_func=lambda c, regions=choices: regions[c].name(
                    "en" if lang() == "en" else "zh"
                ),
                placeholder=t("请选择", "Choose"),
                key=f"{key}__{digits}__{parent}__{lang()}",
            )
        if picked is None:
            break
        chosen = parent = picked
    # the table stops above the stored county: keep the county
    stops_above = chosen is not None and not region_choices(chosen)
    if current and chosen and stops_above and reference.within(current, chosen):
        return current
    return chosen


def industry_select(key: str, current: str | None = None) -> str | None:
    """The GB/T 4754 manufacturing division (C13–C43)."""
    frame = reference.industries()
    codes = [str(c) for c in frame["code"]]
    return st.selectbox(
        t("所属行业（国民经济行业分类大类）", "Industry (GB/T 4754 division)"),
        codes,
        index=codes.index(current) if current in codes else None,
        format_func=lambda c: (
            f"C{c} {reference.industry(c).name('en' if lang() == 'en' else 'zh')}"
        ),
        placeholder=t("请选择", "Choose"),
        key=f"{key}__{lang()}",
    )


def production_type_radio(key: str, default: str = "discrete") -> str:
    """Discrete or process production."""
    options = ["discrete", "process"]
    labels = {"discrete": t("离散型", "Discrete"), "process": t("流程型", "Process")}
    return str(
        st.radio(
            t("生产类型", "Production type"),
            options,
            index=options.index(default) if default in options else 0,
            format_func=labels.__getitem__,
            horizontal=True,
            key=f"{key}__{lang()}",
        )
    )


def render_size(employees: int | None, revenue_wan: float | None) -> None:
    """The derived size class and above-designated-size flag, each with the rule used."""
    explained = size_explanation(employees, revenue_wan)
    lg = lang()
    name = explained.size_name.get(lg) if explained.size_name else t("待填写", "not yet known")
    above = {
        None: t("待填写", "not yet known"),
        True: t("是（规模以上）", "yes (above designated size)"),
        False: t("否（规模以下）", "no (below designated size)"),
    }[explained.above_designated_size]
    left, right = st.columns(2)
    left.markdown(t("**企业规模：** {x}", "**Size class:** {x}").format(x=name))
    left.caption(explained.size_rule.get(lg))
    right.markdown(
        t("**规模以上工业企业：** {x}", "**Above designated size:** {x}").format(x=above)
    )
    right.caption(explained.above_rule.get(lg))


def size_label(size_class: str | None) -> str:
    """A size class id in the current language."""
    for rule in reference.size_thresholds().size_classes.classes:
        if rule.id.value == size_class:
            return rule.name.get(lang())
    return t("未知", "unknown")
