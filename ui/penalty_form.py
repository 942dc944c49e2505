"""Widgets of the penalty-discretion page: the case form (violations, fine provisions,
circumstances, factors, persons) and the result column.

The form's state lives in Streamlit widget keys under ``penalty__``; :func:`state_for` turns a case
in the ``ronghe penalty`` input format into those keys (to reopen a saved case or a prefill link)
and :func:`violation_form` reads them back into that format. Errors found by the core
(``assessment.penalty.feedback``) are shown in slots placed right after the fields they concern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from assessment.penalty import CaseResult, Tier, ViolationResult, load_rules
from assessment.penalty.feedback import FieldError, Loc, located_text
from assessment.penalty.models import FineBand, PersonResult
from assessment.penalty.refs import money, number, provision_ref, tier_name
from assessment.penalty.report import amount_text
from ui.i18n import lang, t

P = "penalty__"
VIOLATIONS = P + "violations"  # list of violation uids
NEXT = P + "next_uid"
RULES = load_rules()
ARTICLES = (6, 7, 8)
Slots = dict[Loc, DeltaGenerator]


def pick(text: Any) -> str:
    """A core text (``zh`` / ``en`` fields) in the current language."""
    return str(text.en if lang() == "en" else text.zh)


def colon() -> str:
    """The colon of the current language's typography (punctuation, not text)."""
    return "：" if lang() == "zh" else ": "


def key(*parts: object) -> str:
    """A widget key of the form: ``penalty__v0_f1_max_amount``."""
    return P + "_".join(str(p) for p in parts)


def _new_uid() -> int:
    uid = int(st.session_state.get(NEXT, 0))
    st.session_state[NEXT] = uid + 1
    return uid


# ---- state <-> case input -------------------------------------------------------------------


def signature(circumstances: Iterable[str], warning_only: bool) -> str:
    """The inputs that open the tier options: a decision is keyed by them, so a stale choice
    never meets a different set of options."""
    return "-".join(sorted(circumstances)) + ("-w" if warning_only else "")


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _movement(value: Any) -> dict[str, Any]:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"lower": float(value), "upper": float(value), "reason": ""}
    return dict(value or {})


def state_for(case_input: dict[str, Any]) -> dict[str, Any]:
    """The widget state that shows ``case_input`` (one violation or ``{"violations": [...]}``)."""
    violations = case_input.get("violations", [case_input])
    state: dict[str, Any] = {VIOLATIONS: list(range(len(violations)))}
    uid = len(violations)
    for v, violation in enumerate(violations):
        state[key("v", v, "label")] = violation.get("label", "")
        fines = list(violation.get("fines", []))
        state[key("v", v, "fines")] = list(range(uid, uid + len(fines)))
        for f, fine in zip(state[key("v", v, "fines")], fines, strict=True):
            kind = fine.get("kind", "amount")
            state[key("v", v, "f", f, "law")] = fine.get("law", "")
            state[key("v", v, "f", f, "kind")] = kind
            state[key("v", v, "f", f, "min", kind)] = _float(fine.get("minimum", 0))
            state[key("v", v, "f", f, "max", kind)] = _float(fine.get("maximum"))
            if kind == "multiple":
                state[key("v", v, "f", f, "gains")] = _float(fine.get("illegal_gains"))
        uid += len(fines)
        state[key("v", v, "warning_only")] = bool(violation.get("warning_only", False))
        details = violation.get("details", {})
        for c in violation.get("circumstances", []):
            state[key("v", v, "c", c)] = True
            state[key("v", v, "detail", c)] = details.get(c, "")
        for fid, note in violation.get("factors", {}).items():
            state[key("v", v, "x", fid)] = True
            state[key("v", v, "xnote", fid)] = note or ""
        movement = _movement(violation.get("movement"))
        state[key("v", v, "lower")] = float(movement.get("lower", 0))
        state[key("v", v, "upper")] = float(movement.get("upper", 0))
        state[key("v", v, "move_reason")] = movement.get("reason", "")
        state[key("v", v, "proposed")] = _float(violation.get("proposed_fine"))
        decision = violation.get("decision")
        if decision:
            sig = signature(violation.get("circumstances", []), state[key("v", v, "warning_only")])
            state[key("v", v, "decision", sig)] = decision["tier"]
            state[key("v", v, "reason", sig)] = decision.get("reason", "")
        persons = list(violation.get("responsible_persons", []))
        state[key("v", v, "persons")] = list(range(uid, uid + len(persons)))
        for p, person in zip(state[key("v", v, "persons")], persons, strict=True):
            state.update(_person_state(v, p, person))
        uid += len(persons)
    state[NEXT] = uid
    return state


def _person_state(v: int, p: int, person: dict[str, Any]) -> dict[str, Any]:
    fine = person.get("fine") or {}
    state = {
        key("v", v, "p", p, "name"): person.get("name", ""),
        key("v", v, "p", p, "role"): person.get("role", ""),
        key("v", v, "p", p, "min"): _float(fine.get("minimum", 0)) if fine else 0.0,
        key("v", v, "p", p, "max"): _float(fine.get("maximum")) if fine else None,
    }
    for fid, note in person.get("factors", {}).items():
        state[key("v", v, "p", p, "x", fid)] = True
        state[key("v", v, "p", p, "xnote", fid)] = note or ""
    decision = person.get("decision")
    state[key("v", v, "p", p, "tier")] = decision["tier"] if decision else "reference"
    state[key("v", v, "p", p, "reason")] = decision.get("reason", "") if decision else ""
    return state


EMPTY_CASE: dict[str, Any] = {"violations": [{"fines": [{"kind": "amount", "maximum": None}]}]}


def load_state(case_input: dict[str, Any]) -> None:
    """Replace the form's state by ``case_input`` (call before the form's widgets are drawn)."""
    for name in [k for k in st.session_state if str(k).startswith(P + "v")]:
        del st.session_state[name]
    for name, value in state_for(case_input).items():
        st.session_state[name] = value


# ---- widgets --------------------------------------------------------------------------------


def _default(name: str, value: Any) -> dict[str, Any]:
    """``value=`` for a widget only when its state is not set yet (avoids Streamlit's warning)."""
    return {} if name in st.session_state else {"value": value}


def money_input(
    where: Any, label: str, name: str, *, step: float = 1000.0, default: float | None = None
) -> Any:
    """A non-negative number field (empty until filled, unless a default is given)."""
    return where.number_input(
        label, min_value=0.0, step=step, format="%.2f", key=name, **_default(name, default)
    )


def localized_radio(
    where: Any,
    label: str,
    options: list[str],
    format_func: Callable[[str], str],
    name: str,
    *,
    horizontal: bool = True,
    index: int | None = 0,
) -> str | None:
    """A radio whose option texts follow the language switch; the choice is kept under ``name``.

    Streamlit keeps a keyed widget's option texts from its first render, so the widget gets a key
    per language while the choice itself lives under ``name``.
    """
    chosen = st.session_state.get(name)
    position = options.index(chosen) if chosen in options else index
    # the texts are fixed now, so formatting never depends on the language read later
    texts = {option: format_func(option) for option in options}
    choice = where.radio(
        label,
        options,
        index=position,
        format_func=texts.__getitem__,
        horizontal=horizontal,
        key=f"{name}__{lang()}",
    )
    st.session_state[name] = choice
    return choice


def localized_value(name: str) -> Any:
    """The choice of a :func:`localized_radio` drawn further down the page (its widget's value
    when it has one this session, as the widget has not copied it to ``name`` yet)."""
    widget = f"{name}__{lang()}"
    return st.session_state[widget] if widget in st.session_state else st.session_state.get(name)


def _remove(list_key: str, uid: int) -> None:
    st.session_state[list_key] = [u for u in st.session_state.get(list_key, []) if u != uid]


def _add(list_key: str) -> None:
    st.session_state[list_key] = [*st.session_state.get(list_key, []), _new_uid()]


def add_violation() -> None:
    """Callback: one more violation (Article 15: decided separately, fines combined)."""
    v = _new_uid()
    st.session_state[VIOLATIONS] = [*st.session_state.get(VIOLATIONS, []), v]
    st.session_state[key("v", v, "fines")] = [_new_uid()]


def remove_violation(v: int) -> None:
    """Callback: drop a violation."""
    _remove(VIOLATIONS, v)


KINDS = ("amount", "multiple")


def _kind_label(kind: str) -> str:
    return {
        "amount": t("罚款金额（元）", "Amounts (yuan)"),
        "multiple": t("违法所得的倍数（倍）", "Multiples of illegal gains (×)"),
    }[kind]


def fine_form(v: int, f: int, index: int, loc: Loc, slots: Slots) -> dict[str, Any] | None:
    """One statutory fine provision; None while its maximum is still empty."""
    box = st.container(border=True)
    law = box.text_input(
        t("法律依据（条款）", "Legal basis (provision)") + f" {index + 1}",
        key=key("v", v, "f", f, "law"),
        placeholder=t("如：《数据安全法》第四十五条第一款", "e.g. Data Security Law, Art. 45(1)"),
    )
    kind_key = key("v", v, "f", f, "kind")
    before = st.session_state.get(kind_key, "amount")
    kind = localized_radio(
        box, t("罚款方式", "Fine expressed as"), list(KINDS), _kind_label, kind_key
    )
    kind = kind or "amount"
    if kind != before:
        # A range of amounts means nothing as multiples (and back): start the range afresh.
        for name in (key("v", v, "f", f, unit, k) for unit in ("min", "max") for k in KINDS):
            st.session_state.pop(name, None)
    low, high = box.columns(2)
    if kind == "amount":
        minimum = money_input(
            low,
            t("法定最低罚款（元）", "Statutory minimum (yuan)"),
            key("v", v, "f", f, "min", kind),
            default=0.0,
        )
        maximum = money_input(
            high,
            t("法定最高罚款（元）", "Statutory maximum (yuan)"),
            key("v", v, "f", f, "max", kind),
        )
        gains = None
    else:
        minimum = money_input(
            low,
            t("法定最低倍数（倍）", "Statutory minimum (× gains)"),
            key("v", v, "f", f, "min", kind),
            default=0.0,
            step=0.5,
        )
        maximum = money_input(
            high,
            t("法定最高倍数（倍）", "Statutory maximum (× gains)"),
            key("v", v, "f", f, "max", kind),
            step=0.5,
        )
        gains = money_input(
            box.columns(2)[0],
            t("违法所得（元）", "Illegal gains (yuan)"),
            key("v", v, "f", f, "gains"),
        )
    slots[loc] = box.empty()
    box.button(
        t("删除此罚款条款", "Remove this provision"),
        key=key("v", v, "f", f, "remove"),
        on_click=_remove,
        args=(key("v", v, "fines"), f),
        type="tertiary",
        icon=":material/delete:",
    )
    if maximum is None:
        box.caption(
            t("填写法定最高限后计入计算。", "Counted once the statutory maximum is filled in.")
        )
        return None
    fine: dict[str, Any] = {"law": law.strip(), "kind": kind, "maximum": maximum}
    fine["minimum"] = minimum or 0.0
    if kind == "multiple":
        fine["illegal_gains"] = gains
    return fine


def circumstance_form(v: int, loc: Loc, slots: Slots) -> tuple[list[str], dict[str, str]]:
    """Checklists of Articles 6–8 in the user's language; each ticked one may state its facts."""
    headings = {
        6: t("第六条　不予处罚", "Article 6: no penalty"),
        7: t("第七条　应当从轻或者减轻处罚", "Article 7: lighter or mitigated penalty"),
        8: t("第八条　应当从重处罚", "Article 8: heavier penalty"),
    }
    chosen: list[str] = []
    details: dict[str, str] = {}
    for article in ARTICLES:
        st.markdown(f"**{headings[article]}**")
        for c in (c for c in RULES.circumstances if c.article == article):
            ref = provision_ref(c)
            text = f"{ref.zh}　{c.zh}" if lang() == "zh" else f"{ref.en}: {c.en}"
            if st.checkbox(text, key=key("v", v, "c", c.id)):
                chosen.append(c.id)
                fact = st.text_input(
                    t("具体依据和事实（兜底情形必填）", "Legal basis and facts (required)")
                    if c.catch_all
                    else t("具体事实（可选）", "Facts (optional)"),
                    key=key("v", v, "detail", c.id),
                )
                if fact.strip():
                    details[c.id] = fact.strip()
    slots[(*loc, "circumstances")] = st.empty()
    slots[(*loc, "details")] = st.empty()
    return chosen, details


def factor_form(
    prefix: tuple[object, ...], factors: Iterable[Any], note_label: str
) -> dict[str, str]:
    """Checkboxes for factors, each with a note when ticked (Article 14 or Article 13)."""
    notes: dict[str, str] = {}
    for factor in factors:
        ref = provision_ref(factor)
        text = f"{ref.zh}　{factor.zh}" if lang() == "zh" else f"{ref.en}: {factor.en}"
        if st.checkbox(text, key=key(*prefix, "x", factor.id)):
            notes[factor.id] = st.text_input(
                note_label, key=key(*prefix, "xnote", factor.id)
            ).strip()
    return notes


def person_form(v: int, p: int, index: int, loc: Loc, slots: Slots) -> dict[str, Any]:
    """Article 13: one responsible person with own fine range, factors and recorded decision."""
    box = st.container(border=True)
    with box:
        name_col, role_col = st.columns(2)
        name = name_col.text_input(
            t("姓名", "Name") + f" {index + 1}", key=key("v", v, "p", p, "name")
        )
        role = role_col.text_input(t("职务", "Post"), key=key("v", v, "p", p, "role"))
        low, high = st.columns(2)
        minimum = money_input(
            low,
            t("个人法定最低罚款（元）", "Own statutory minimum (yuan)"),
            key("v", v, "p", p, "min"),
            default=0.0,
        )
        maximum = money_input(
            high,
            t("个人法定最高罚款（元）", "Own statutory maximum (yuan)"),
            key("v", v, "p", p, "max"),
        )
        slots[(*loc, "fine")] = st.empty()
        slots[(*loc, "name")] = st.empty()
        st.caption(t("第十三条考量因素", "Article 13 factors"))
        factors = factor_form(("v", v, "p", p), RULES.person_factors, t("说明", "Note"))
        choices = ["reference", *(tier.value for tier in Tier)]
        tier = localized_radio(
            st,
            t("裁量阶次", "Tier"),
            choices,
            lambda c: (
                t("参照单位的阶次", "as the unit's tier")
                if c == "reference"
                else pick(tier_name(Tier(c)))
            ),
            key("v", v, "p", p, "tier"),
        )
        decision = None
        if tier and tier != "reference":
            reason = st.text_input(
                t("单独确定阶次的理由（必填）", "Reasons for an own tier (required)"),
                key=key("v", v, "p", p, "reason"),
            )
            decision = {"tier": tier, "reason": reason}
        slots[(*loc, "decision")] = st.empty()
        st.button(
            t("删除此责任人员", "Remove this person"),
            key=key("v", v, "p", p, "remove"),
            on_click=_remove,
            args=(key("v", v, "persons"), p),
            type="tertiary",
            icon=":material/delete:",
        )
    person: dict[str, Any] = {"name": name.strip(), "role": role.strip(), "factors": factors}
    if maximum is not None:
        person["fine"] = {"kind": "amount", "minimum": minimum or 0.0, "maximum": maximum}
    if decision:
        person["decision"] = decision
    return person


def violation_form(v: int, index: int, slots: Slots) -> dict[str, Any]:
    """One violation in the ``ronghe penalty`` input format, drawn as widgets."""
    loc: Loc = ("violations", index)
    slots[loc] = st.empty()
    label = st.text_input(
        t("违法行为名称", "Name of the act"),
        key=key("v", v, "label"),
        placeholder=t("如：未履行数据安全保护义务", "e.g. failure to protect data security"),
    )
    st.markdown(f"##### {t('法定罚款条款', 'Statutory fine provisions')}")
    fine_ids = st.session_state.setdefault(key("v", v, "fines"), [])
    fines = []
    for j, f in enumerate(fine_ids):
        fine = fine_form(v, f, j, (*loc, "fines", j), slots)
        if fine is not None:
            fines.append(fine)
    if len(fine_ids) > 1:
        st.caption(
            t(
                "同一违法行为违反多个法律规范应当给予罚款的，按照罚款数额高的规定处罚（第十五条）。",
                "One act breaching several provisions is fined once, under the provision with "
                "the highest fine (Article 15).",
            )
        )
    st.button(
        t("添加罚款条款", "Add a fine provision"),
        key=key("v", v, "add_fine"),
        on_click=_add,
        args=(key("v", v, "fines"),),
        icon=":material/add:",
    )
    warning_only = False
    if not fine_ids:
        warning_only = st.checkbox(
            t(
                "依法单独处警告、通报批评或者没收违法所得（第十二条）",
                "Only a warning, notice of criticism or confiscation of illegal gains (Article 12)",
            ),
            key=key("v", v, "warning_only"),
        )
    slots[(*loc, "warning_only")] = st.empty()
    st.markdown(f"##### {t('裁量情形', 'Circumstances')}")
    circumstances, details = circumstance_form(v, loc, slots)
    with st.expander(t("第十四条　考量因素", "Article 14: factors considered")):
        factors = factor_form(("v", v), RULES.factors, t("具体情况", "Particulars"))
    slots[(*loc, "factors")] = st.empty()
    with st.expander(
        t("分界浮动与拟处罚款（第十一条）", "Boundary movement and proposed fine (Article 11)")
    ):
        lower, upper = st.columns(2)
        movement = {
            "lower": lower.slider(
                t("30%分界浮动（百分点）", "Move the 30 % boundary (points)"),
                -10.0,
                10.0,
                step=0.5,
                key=key("v", v, "lower"),
                **_default(key("v", v, "lower"), 0.0),
            ),
            "upper": upper.slider(
                t("70%分界浮动（百分点）", "Move the 70 % boundary (points)"),
                -10.0,
                10.0,
                step=0.5,
                key=key("v", v, "upper"),
                **_default(key("v", v, "upper"), 0.0),
            ),
            "reason": st.text_input(
                t("浮动理由", "Reason for the movement"), key=key("v", v, "move_reason")
            ),
        }
        slots[(*loc, "movement")] = st.empty()
        proposed = money_input(
            st, t("拟处罚款（元，可选）", "Proposed fine (yuan, optional)"), key("v", v, "proposed")
        )
        slots[(*loc, "proposed_fine")] = st.empty()
    person_ids = st.session_state.setdefault(key("v", v, "persons"), [])
    with st.expander(
        t("责任人员（第十三条）", "Responsible persons (Article 13)") + f" · {len(person_ids)}",
        expanded=bool(person_ids),
    ):
        persons = [
            person_form(v, p, j, (*loc, "responsible_persons", j), slots)
            for j, p in enumerate(person_ids)
        ]
        st.button(
            t("添加责任人员", "Add a responsible person"),
            key=key("v", v, "add_person"),
            on_click=_add,
            args=(key("v", v, "persons"),),
            icon=":material/person_add:",
        )
    sig = signature(circumstances, warning_only)
    chosen = localized_value(key("v", v, "decision", sig))
    violation: dict[str, Any] = {
        "label": label.strip(),
        "fines": fines,
        "circumstances": circumstances,
        "details": details,
        "factors": factors,
        "movement": movement,
        "warning_only": warning_only,
        "responsible_persons": persons,
    }
    if chosen:
        violation["decision"] = {
            "tier": chosen,
            "reason": st.session_state.get(key("v", v, "reason", sig), ""),
        }
    if proposed is not None:
        violation["proposed_fine"] = proposed
    return violation


def pending_fines(v: int) -> bool:
    """True when a fine provision of violation ``v`` has no maximum yet."""
    return any(
        st.session_state.get(
            key("v", v, "f", f, "max", st.session_state.get(key("v", v, "f", f, "kind"), "amount"))
        )
        is None
        for f in st.session_state.get(key("v", v, "fines"), [])
    )


# ---- errors ---------------------------------------------------------------------------------


def show_errors(errors: Iterable[FieldError], slots: Slots, fallback: DeltaGenerator) -> None:
    """Each error in the slot nearest its field (the longest matching location), else above."""
    placed: dict[Loc, list[str]] = {}
    for error in errors:
        loc = error.loc
        while loc and loc not in slots:
            loc = loc[:-1]
        if loc:
            placed.setdefault(loc, []).append(error.message(lang()))
        else:
            placed.setdefault((), []).append(located_text(error, lang()))
    for loc, messages in placed.items():
        (slots[loc] if loc else fallback).error("\n\n".join(messages), icon=":material/error:")


# ---- result ---------------------------------------------------------------------------------


def band_text(band: FineBand | None) -> str:
    """A fine band in the user's language, with multiples where the range is in multiples."""
    text = pick(amount_text(band))
    if band is not None and band.low_multiple is not None and band.high_multiple is not None:
        text += t("（违法所得的 {low}–{high} 倍）", " ({low}–{high} × gains)").format(
            low=number(band.low_multiple), high=number(band.high_multiple)
        )
    return text


def options_lines(outcome: ViolationResult) -> str:
    """Each open tier with its fine band (a pending choice), as a Markdown list."""
    if not outcome.bands:
        return "\n".join(f"- **{pick(tier_name(o))}**" for o in outcome.options)
    return "\n".join(
        f"- **{pick(tier_name(b.tier))}**{colon()}{band_text(b)}" for b in outcome.bands
    )


def decision_form(
    v: int,
    index: int,
    outcome: ViolationResult,
    circumstances: list[str],
    warning_only: bool,
    slots: Slots,
) -> None:
    """The decision-maker's choice among the open tiers, with reasons (Articles 6(2), 7, 10)."""
    sig = signature(circumstances, warning_only)
    localized_radio(
        st,
        t("决定者的选择", "The decision-maker's choice"),
        [o.value for o in outcome.options],
        lambda o: pick(tier_name(Tier(o))),
        key("v", v, "decision", sig),
        horizontal=True,
        index=None,
    )
    st.text_area(
        t("选择理由（必填）", "Reasons for the choice (required)"),
        key=key("v", v, "reason", sig),
        height=68,
    )
    slots[("violations", index, "decision")] = st.empty()


def person_results(persons: Iterable[PersonResult]) -> None:
    """Article 13: each responsible person's tier and band, one line each."""
    lines = []
    for p in persons:
        who = f"{p.name}（{p.role}）" if p.role and lang() == "zh" else p.name
        if p.role and lang() != "zh":
            who += f" ({p.role})"
        tier = pick(tier_name(p.tier)) if p.tier else t("待决定", "to be decided")
        if p.by_reference:
            tier += t("（参照单位）", " (as the unit)")
        band = band_text(p.fine) if p.fine else t("未填写个人幅度", "no own range given")
        lines.append(f"- **{who or '—'}**{colon()}{tier} · {band}")
    if lines:
        st.markdown(f"**{t('责任人员（第十三条）', 'Responsible persons (Article 13)')}**")
        st.markdown("\n".join(lines))


def fine_text(v: int, outcome: ViolationResult) -> str:
    """The decided tier's band, or why there is none yet."""
    if outcome.tier is None:
        return t("待选择；各可选阶次的区间见下方", "to be chosen; each open tier's band below")
    if outcome.fine is None and pending_fines(v):
        return t("填写法定罚款幅度后显示", "shown once the statutory range is filled in")
    return band_text(outcome.fine)


def violation_result(
    v: int,
    index: int,
    outcome: ViolationResult,
    violation: dict[str, Any],
    slots: Slots,
    *,
    many: bool,
) -> None:
    """Tier, band, open choices, warnings and persons of one violation."""
    if many:
        name = outcome.label or t("违法行为 {n}", "Violation {n}").format(n=index + 1)
        st.markdown(f"**{index + 1}. {name}**")
    st.metric(
        t("裁量阶次", "Tier"),
        pick(tier_name(outcome.tier)) if outcome.tier else t("待决定", "to be decided"),
    )
    st.markdown(f"**{t('罚款区间', 'Fine range')}:** {fine_text(v, outcome)}")
    if len(outcome.options) > 1:
        st.markdown(
            f"**{t('各可选阶次的罚款区间', 'Fine range of each open tier')}**\n\n"
            + options_lines(outcome)
        )
        decision_form(
            v, index, outcome, violation["circumstances"], violation["warning_only"], slots
        )
    if outcome.proposed_fine_fits is not None:
        proposed = pick(money(Decimal(str(violation["proposed_fine"]))))
        if outcome.proposed_fine_fits:
            st.success(
                t(
                    "拟处罚款{amount}在该阶次区间内。",
                    "The proposed fine of {amount} lies in this tier's band.",
                ).format(amount=proposed)
            )
        else:
            st.warning(
                t(
                    "拟处罚款{amount}不在该阶次区间内。",
                    "The proposed fine of {amount} lies outside this tier's band.",
                ).format(amount=proposed)
            )
    for message in outcome.messages:
        st.warning(pick(message))
    person_results(outcome.persons)


def case_result(result: CaseResult) -> None:
    """The combined band (Article 15), the articles and the Article 17 paragraph."""
    if len(result.violations) > 1:
        if result.combined_low is not None and result.combined_high is not None:
            low, high = money(result.combined_low), money(result.combined_high)
            combined = t("{low} 至 {high}", "{low} to {high}").format(
                low=pick(low), high=pick(high)
            )
        else:
            combined = t(
                "待各违法行为的阶次确定后合计", "summed once every violation's tier is decided"
            )
        st.markdown(f"**{t('合并罚款（第十五条）', 'Combined fines (Article 15)')}:** {combined}")
    st.markdown(t("**依据：** ", "**Articles:** ") + " · ".join(pick(a) for a in result.articles))
    with st.expander(t("裁量说明（第十七条）", "Reasoning (Article 17)"), expanded=False):
        st.markdown(pick(result.reasoning))


def summary_line(ids: list[int], result: CaseResult | None) -> None:
    """One line per violation (tier and band) for narrow screens, where the result is below."""
    if result is None:
        st.markdown(t("**裁量结果：** 请先更正输入错误", "**Decision:** correct the inputs first"))
        return
    lines = []
    for i, (v, outcome) in enumerate(zip(ids, result.violations, strict=True)):
        tier = pick(tier_name(outcome.tier)) if outcome.tier else t("待决定", "to be decided")
        band = fine_text(v, outcome)
        name = outcome.label or t("违法行为 {n}", "Violation {n}").format(n=i + 1)
        lines.append(f"**{name}**{colon()}{tier} · {band}")
    st.markdown("  \n".join(lines))
