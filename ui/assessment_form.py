"""The self-assessment editor: one dimension of one framework at a time, every change saved as
a draft at once (answers and notes carry the assessment's version counter), conflicts shown
side by side, evidence files per indicator.

Session keys (page-local, prefix ``assess__``): ``seen`` = the version and answers the page last
rendered (the base of the next save), ``pos`` = where the user is, ``gen`` = bumped to reload
widgets from the database, ``conflicts`` = refused saves awaiting the user's choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from assessment.db import session_scope
from assessment.models import EDITABLE_STATUSES, Status
from assessment.progress import applies, effective_path
from assessment.repo import drafts, evidence
from assessment.repo.assessments import save_answers
from assessment.repo.errors import ConflictError, RepositoryError
from indicators.schema import AnswerType, Framework, Indicator
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

NA = "na"


@dataclass(frozen=True)
class Seen:
    """What the page rendered last: the base of the next save."""

    assessment_id: int
    version: int
    answers: dict[tuple[str, str], str]
    notes: dict[tuple[str, str], str]


def status_label(status: str) -> str:
    """An assessment status in the current language."""
    labels = {
        "draft": t("草稿", "draft"),
        "submitted": t("已提交", "submitted"),
        "returned": t("已退回修改", "returned for revision"),
        "resubmitted": t("已重新提交", "resubmitted"),
        "verified": t("已核实", "verified"),
    }
    return labels.get(status, status)


def editable(status: str) -> bool:
    return Status(status) in EDITABLE_STATUSES


def _gen() -> int:
    return int(st.session_state.get("assess__gen", 0))


def _conflicts() -> dict[tuple[str, str, str], dict[str, Any]]:
    return st.session_state.setdefault("assess__conflicts", {})


# ----------------------------------------------------------------------------- answer texts


def answer_text(framework: Framework, indicator: Indicator, answer: str | None) -> str:
    """An answer as the user reads it (level name, option label, yes/no, number)."""
    lg = lang()
    if answer is None or answer == "":
        return t("（未作答）", "(no answer)")
    if answer == NA:
        return t("不适用", "not applicable")
    if indicator.answer is AnswerType.LEVEL:
        names = {lv.value: lv.name.get(lg) for lv in framework.answer_scale or ()}
        return f"{answer} {names.get(int(answer), t('未开展', 'not started'))}"
    if indicator.answer is AnswerType.BOOLEAN:
        return t("是", "yes") if answer == "yes" else t("否", "no")
    if indicator.options:
        labels = {o.id: o.label.get(lg) for o in indicator.options}
        return "; ".join(labels.get(a, a) for a in answer.split("|"))
    unit = "%" if indicator.answer is AnswerType.PERCENT else ""
    if indicator.unit is not None:
        unit = " " + indicator.unit.get(lg)
    return f"{answer}{unit}"


# ----------------------------------------------------------------------------- saving


def _save(kind: str, framework_id: str, indicator_id: str, value: str | None) -> None:
    """Save one answer or note on the version the page showed; on a conflict, retry when the
    stored value is still the one shown (someone saved something else), else keep both for
    the user to choose."""
    seen: Seen = st.session_state["assess__seen"]
    key = (framework_id, indicator_id)
    try:
        with session_scope(engine()) as session:
            user = actor(session)
            try:
                version = _write(session, user, seen, kind, key, value, seen.version)
            except ConflictError as conflict:
                state = drafts.draft_state(session, actor=user, assessment_id=seen.assessment_id)
                stored = (state.answers if kind == "answer" else state.notes).get(key)
                shown = (seen.answers if kind == "answer" else seen.notes).get(key)
                if stored != shown:
                    _conflicts()[(kind, *key)] = {
                        "yours": value,
                        "theirs": stored,
                        "saved_by": conflict.saved_by,
                        "saved_at": conflict.saved_at,
                    }
                    return
                version = _write(session, user, seen, kind, key, value, conflict.current_version)
    except RepositoryError as error:
        st.session_state["assess__error"] = error.message(lang())
        return
    _conflicts().pop((kind, *key), None)
    st.session_state["assess__saved"] = version


def _write(session, user, seen: Seen, kind: str, key, value, base: int) -> int:
    if kind == "note":
        return drafts.save_note(
            session,
            actor=user,
            assessment_id=seen.assessment_id,
            base_version=base,
            framework_id=key[0],
            indicator_id=key[1],
            note=value or "",
        )
    return save_answers(
        session,
        actor=user,
        assessment_id=seen.assessment_id,
        base_version=base,
        answers=[(key[0], key[1], value)],
    )


def _on_answer(widget: str, indicator: Indicator, framework_id: str) -> None:
    value = st.session_state.get(widget)
    if indicator.answer is AnswerType.MULTI:
        chosen = set(value or ())
        text = "|".join(o.id for o in indicator.options or () if o.id in chosen) or None
    elif indicator.answer in (AnswerType.NUMBER, AnswerType.PERCENT):
        text = None if value is None else f"{float(value):g}"
    else:
        text = value
    _save("answer", framework_id, indicator.id, text)


def _on_na(widget: str, indicator: Indicator, framework_id: str) -> None:
    _save("answer", framework_id, indicator.id, NA if st.session_state.get(widget) else None)


def _on_note(widget: str, indicator: Indicator, framework_id: str) -> None:
    _save("note", framework_id, indicator.id, st.session_state.get(widget) or "")


def _on_upload(widget: str, indicator: Indicator, framework_id: str) -> None:
    uploaded = st.session_state.get(widget)
    if uploaded is None:
        return
    seen: Seen = st.session_state["assess__seen"]
    try:
        with session_scope(engine()) as session:
            evidence.add_evidence(
                session,
                actor=actor(session),
                assessment_id=seen.assessment_id,
                framework_id=framework_id,
                indicator_id=indicator.id,
                filename=uploaded.name,
                content=uploaded.getvalue(),
            )
    except RepositoryError as error:
        st.session_state["assess__error"] = error.message(lang())
    else:
        st.session_state["assess__notice"] = t("已上传：{f}", "Uploaded: {f}").format(
            f=uploaded.name
        )
    uploads = st.session_state.setdefault("assess__uploads", {})
    uploads[indicator.id] = uploads.get(indicator.id, 0) + 1  # a fresh, empty uploader


def _on_remove(evidence_id: int) -> None:
    seen: Seen = st.session_state["assess__seen"]
    try:
        with session_scope(engine()) as session:
            evidence.remove_evidence(
                session,
                actor=actor(session),
                assessment_id=seen.assessment_id,
                evidence_id=evidence_id,
            )
    except RepositoryError as error:
        st.session_state["assess__error"] = error.message(lang())
    else:
        st.session_state["assess__notice"] = t("已移除佐证文件。", "Evidence file removed.")


def _keep_theirs(conflict_key: tuple[str, str, str]) -> None:
    _conflicts().pop(conflict_key, None)
    st.session_state["assess__gen"] = _gen() + 1  # widgets re-read the stored values


def _keep_mine(conflict_key: tuple[str, str, str]) -> None:
    kind, framework_id, indicator_id = conflict_key
    yours = _conflicts()[conflict_key]["yours"]
    seen: Seen = st.session_state["assess__seen"]
    with session_scope(engine()) as session:  # based on the version now stored
        current = drafts.draft_state(
            session, actor=actor(session), assessment_id=seen.assessment_id
        )
    st.session_state["assess__seen"] = Seen(
        seen.assessment_id, current.assessment.version, current.answers, current.notes
    )
    _save(kind, framework_id, indicator_id, yours)


# ----------------------------------------------------------------------------- rendering


def render_feedback() -> None:
    """The outcome of the last save: an error, or a short "saved" note."""
    error = st.session_state.pop("assess__error", None)
    if error:
        st.error(error, icon=":material/error:")
    notice = st.session_state.pop("assess__notice", None)
    if notice:
        st.toast(notice)
    saved = st.session_state.pop("assess__saved", None)
    if saved is not None:
        st.toast(t("已自动保存（版本 {v}）", "Saved automatically (version {v})").format(v=saved))


def render_conflicts(frameworks: dict[str, Framework]) -> None:
    """Every refused save side by side with what is stored now; the user picks."""
    for conflict_key, info in list(_conflicts().items()):
        kind, framework_id, indicator_id = conflict_key
        framework = frameworks[framework_id]
        indicator = next(i for i in framework.indicators if i.id == indicator_id)
        with st.container(border=True):
            st.warning(
                t(
                    "保存冲突：{who} 在 {when} 修改了“{name}”。请选择保留哪一个。",
                    "Save conflict: {who} changed '{name}' at {when}. Choose which to keep.",
                ).format(
                    who=info["saved_by"],
                    when=info["saved_at"].strftime("%H:%M:%S") if info["saved_at"] else "?",
                    name=indicator.name.get(lang()),
                )
            )
            left, right = st.columns(2)
            theirs, yours = (
                (
                    answer_text(framework, indicator, info["theirs"]),
                    answer_text(framework, indicator, info["yours"]),
                )
                if kind == "answer"
                else (
                    info["theirs"] or t("（空）", "(empty)"),
                    info["yours"] or t("（空）", "(empty)"),
                )
            )
            left.markdown(f"**{t('对方保存的', 'Theirs (stored)')}**\n\n{theirs}")
            right.markdown(f"**{t('您的修改', 'Yours (not saved)')}**\n\n{yours}")
            left.button(
                t("采用对方的", "Keep theirs"),
                key=f"assess__theirs__{'__'.join(conflict_key)}",
                on_click=_keep_theirs,
                args=(conflict_key,),
            )
            right.button(
                t("保留我的", "Keep mine"),
                key=f"assess__mine__{'__'.join(conflict_key)}",
                on_click=_keep_mine,
                args=(conflict_key,),
                type="primary",
            )


def render_indicator(
    framework: Framework,
    indicator: Indicator,
    seen: Seen,
    files: list[evidence.EvidenceInfo],
    *,
    can_edit: bool,
    highlight: bool,
) -> None:
    """One indicator: question, answer widget (with descriptors or options), N/A where the
    framework allows it, an evidence note and files."""
    lg = lang()
    fid = framework.id
    key = (fid, indicator.id)
    answer = seen.answers.get(key)
    base = f"{seen.assessment_id}__{fid}__{indicator.id}__{lg}__{_gen()}"
    with st.container(border=True):
        mark = "" if answer is not None else " ·  " + t("未作答", "unanswered")
        required = "" if indicator.required else " · " + t("选答", "optional")
        st.markdown(f"**{indicator.name.get(lg)}**{required}{mark}")
        if highlight:
            st.info(t("提交前需要回答这一项。", "This one must be answered before submitting."))
            _scroll_here()
        st.write(indicator.question.get(lg))
        _answer_widget(framework, indicator, answer, base, can_edit)
        label = t("佐证材料", "Evidence") + (f"（{len(files)}）" if files else "")
        with st.expander(label):
            st.caption(indicator.evidence.get(lg))
            _show_stored(f"assess__note__{base}", seen.notes.get(key, ""), ("note", *key))
            st.text_area(
                t(
                    "说明（如文件名、制度编号、系统截图位置）",
                    "Note (file names, policy numbers …)",
                ),
                key=f"assess__note__{base}",
                on_change=_on_note,
                args=(f"assess__note__{base}", indicator, fid),
                disabled=not can_edit,
                height=80,
            )
            _evidence(indicator, fid, files, base, can_edit)


def _show_stored(widget: str, stored: Any, conflict_key: tuple[str, str, str]) -> None:
    """Let a widget show what is stored now (a colleague's save included), except while the
    user's own refused value awaits their choice in a conflict."""
    if conflict_key in _conflicts():
        return
    if widget not in st.session_state or st.session_state[widget] != stored:
        st.session_state[widget] = stored


def _scroll_here() -> None:
    """Bring the indicator a "missing" link pointed at into view (the page keeps its scroll
    position otherwise, which may be far below)."""
    import streamlit.components.v1 as components

    st.html('<div id="ronghe-target"></div>')
    components.html(
        "<script>const el = window.parent.document.getElementById('ronghe-target');"
        "if (el) { el.scrollIntoView({block: 'center'}); }</script>",
        height=0,
    )


def _answer_widget(
    framework: Framework, indicator: Indicator, answer: str | None, base: str, can_edit: bool
) -> None:
    lg = lang()
    widget = f"assess__answer__{base}"
    callback: dict[str, Any] = {"on_change": _on_answer, "args": (widget, indicator, framework.id)}
    kind = indicator.answer
    if kind in (AnswerType.LEVEL, AnswerType.BOOLEAN, AnswerType.CHOICE):
        options, captions = _radio_options(indicator)
        _show_stored(
            widget, answer if answer in options else None, ("answer", framework.id, indicator.id)
        )
        st.radio(
            t("回答", "Answer"),
            options,
            format_func=lambda v: answer_text(framework, indicator, v),
            captions=captions,
            key=widget,
            disabled=not can_edit,
            **callback,
        )
        return
    is_na = answer == NA
    if kind is AnswerType.MULTI:
        ids = [o.id for o in indicator.options or ()]
        labels = {o.id: o.label.get(lg) for o in indicator.options or ()}
        stored = [] if answer in (None, NA) else answer.split("|")
        _show_stored(widget, stored, ("answer", framework.id, indicator.id))
        st.multiselect(
            t("回答（可多选）", "Answer (tick all that apply)"),
            ids,
            format_func=labels.__getitem__,
            key=widget,
            disabled=not can_edit or is_na,
            placeholder=t("请选择", "Choose"),
            **callback,
        )
    else:
        unit = (
            "%"
            if kind is AnswerType.PERCENT
            else (indicator.unit.get(lg) if indicator.unit else "")
        )
        stored_number = None if answer in (None, NA) else float(answer)
        _show_stored(widget, stored_number, ("answer", framework.id, indicator.id))
        st.number_input(
            t("回答（{unit}）", "Answer ({unit})").format(unit=unit)
            if unit
            else t("回答", "Answer"),
            value=None,
            min_value=0.0,
            max_value=100.0 if kind is AnswerType.PERCENT else None,
            key=widget,
            disabled=not can_edit or is_na,
            placeholder=t("请输入数值", "Enter a number"),
            **callback,
        )
    if indicator.na_allowed:
        na_key = f"assess__na__{base}"
        _show_stored(na_key, is_na, ("answer", framework.id, indicator.id))
        st.checkbox(
            t("不适用", "Not applicable"),
            key=na_key,
            disabled=not can_edit,
            on_change=_on_na,
            args=(na_key, indicator, framework.id),
        )


def _radio_options(indicator: Indicator) -> tuple[list[str], list[str]]:
    lg = lang()
    if indicator.answer is AnswerType.LEVEL:
        descriptors = indicator.descriptors or {}
        options = ["0"] + [str(k) for k in sorted(descriptors)]
        captions = [t("尚未开展", "Not started yet")] + [
            descriptors[k].get(lg) for k in sorted(descriptors)
        ]
    elif indicator.answer is AnswerType.BOOLEAN:
        options, captions = ["yes", "no"], ["", ""]
    else:
        options = [o.id for o in indicator.options or ()]
        captions = ["" for _ in options]
    if indicator.na_allowed:
        options.append(NA)
        captions.append(t("本企业不涉及此项", "Does not apply to this enterprise"))
    return options, captions


def _evidence(
    indicator: Indicator,
    framework_id: str,
    files: list[evidence.EvidenceInfo],
    base: str,
    can_edit: bool,
) -> None:
    for info in files:
        left, right = st.columns([4, 1])
        left.caption(
            f"{info.filename} · {info.size_bytes / 1024:.0f} KB · sha256 {info.sha256[:12]}…"
        )
        if can_edit:
            right.button(
                t("移除", "Remove"),
                key=f"assess__rm__{info.id}",
                on_click=_on_remove,
                args=(info.id,),
            )
    if can_edit:
        serial = st.session_state.get("assess__uploads", {}).get(indicator.id, 0)
        widget = f"assess__upload__{base}__{serial}"
        st.file_uploader(
            t(
                "上传佐证文件（PDF 或图片，单个不超过 10 MB）",
                "Upload evidence (PDF or image, at most 10 MB each)",
            ),
            type=list(evidence.ACCEPTED_EXTENSIONS),
            key=widget,
            on_change=_on_upload,
            args=(widget, indicator, framework_id),
            max_upload_size=evidence.MAX_EVIDENCE_BYTES // (1024 * 1024),
        )


def dimension_indicators(
    framework: Framework, dimension_id: str, path: str | None
) -> list[Indicator]:
    """The indicators of a dimension asked on the assessment's production path."""
    dimension = next(d for d in framework.dimensions if d.id == dimension_id)
    path = effective_path(framework, path)
    return [i for i in dimension.indicators if applies(i, path)]
