"""Where the user is in a self-assessment (query parameters, this session, or the position the
server remembered), the framework and dimension pickers, and submit with the list of what is
missing (each item a link to it)."""

from __future__ import annotations

import streamlit as st

from assessment.db import session_scope
from assessment.progress import FrameworkProgress
from assessment.repo import drafts
from assessment.repo.assessments import submit_assessment
from assessment.repo.errors import RepositoryError
from indicators.schema import Framework
from ui.i18n import lang, t
from ui.resources import engine
from ui.state import actor

PAGE = "app_pages/assessment.py"


def _valid(position: drafts.Position | None, catalogue: dict[str, Framework]) -> bool:
    if position is None or position.framework_id not in catalogue:
        return False
    dims = {d.id for d in catalogue[position.framework_id].dimensions}
    return position.dimension_id in dims


def _from_query(catalogue: dict[str, Framework]) -> drafts.Position | None:
    framework_id = st.query_params.get("framework")
    if framework_id not in catalogue:
        return None
    framework = catalogue[framework_id]
    indicator_id = st.query_params.get("indicator")
    try:
        dimension = framework.dimension_of(indicator_id) if indicator_id else None
    except KeyError:
        dimension = None
    if dimension is None:
        return drafts.Position(framework_id, framework.dimensions[0].id, None)
    return drafts.Position(framework_id, dimension.id, indicator_id)


def current_position(
    assessment_id: int, catalogue: dict[str, Framework], remembered: drafts.Position | None
) -> drafts.Position:
    """Query parameters (when they changed), else this session's place, else the server's
    remembered place, else the start; the URL is kept in step."""
    query = (
        assessment_id,
        st.query_params.get("framework"),
        st.query_params.get("indicator"),
    )
    held = st.session_state.get("assess__pos")
    position = None
    if query != st.session_state.get("assess__query"):
        position = _from_query(catalogue)
        if (  # the URL names only the framework (a reload): resume where the user was in it
            position is not None
            and position.indicator_id is None
            and _valid(remembered, catalogue)
            and remembered is not None
            and remembered.framework_id == position.framework_id
        ):
            position = remembered
        elif position is not None:
            _remember(assessment_id, position)
    if position is None and held and held[0] == assessment_id:
        position = held[1]
    if not _valid(position, catalogue):
        position = remembered
    if not _valid(position, catalogue):
        first = next(iter(catalogue.values()))
        position = drafts.Position(first.id, first.dimensions[0].id, None)
    assert position is not None
    _hold(assessment_id, position)
    return position


def _hold(assessment_id: int, position: drafts.Position) -> None:
    """Keep the position in this session and in the URL."""
    st.session_state["assess__pos"] = (assessment_id, position)
    st.query_params["framework"] = position.framework_id
    if position.indicator_id:
        st.query_params["indicator"] = position.indicator_id
    elif "indicator" in st.query_params:
        del st.query_params["indicator"]
    st.session_state["assess__query"] = (
        assessment_id,
        position.framework_id,
        position.indicator_id,
    )


def _remember(assessment_id: int, position: drafts.Position) -> None:
    try:
        with session_scope(engine()) as session:
            drafts.remember_position(
                session, actor=actor(session), assessment_id=assessment_id, position=position
            )
    except RepositoryError:
        pass  # the place is a convenience; never block the page for it


def _move(assessment_id: int, position: drafts.Position) -> None:
    st.session_state["assess__pos"] = (assessment_id, position)
    _remember(assessment_id, position)


def _on_framework(assessment_id: int, widget: str, catalogue: dict[str, Framework]) -> None:
    framework = catalogue[st.session_state[widget]]
    _move(assessment_id, drafts.Position(framework.id, framework.dimensions[0].id, None))


def _on_dimension(assessment_id: int, widget: str, framework_id: str) -> None:
    _move(assessment_id, drafts.Position(framework_id, st.session_state[widget], None))


def render_navigation(
    assessment_id: int,
    catalogue: dict[str, Framework],
    progress: dict[str, FrameworkProgress],
    position: drafts.Position,
) -> tuple[Framework, str]:
    """Framework and dimension pickers with their progress; returns what is picked."""
    lg = lang()
    framework_widget = f"assess__fwsel__{assessment_id}__{lg}"
    st.session_state[framework_widget] = position.framework_id
    left, right = st.columns(2)
    left.selectbox(
        t("指标体系", "Framework"),
        list(catalogue),
        # labels stay fixed between reruns (a selectbox whose option texts change loses its
        # value); progress is shown beside the pickers instead
        format_func=lambda f: catalogue[f].short_title.get(lg),
        key=framework_widget,
        on_change=_on_framework,
        args=(assessment_id, framework_widget, catalogue),
    )
    framework = catalogue[position.framework_id]
    counts = progress[framework.id].dimensions
    names = {d.id: d.name.get(lg) for d in framework.dimensions}
    dimension_widget = f"assess__dimsel__{assessment_id}__{framework.id}__{lg}"
    st.session_state[dimension_widget] = position.dimension_id
    right.selectbox(
        t("维度", "Dimension"),
        [d.id for d in framework.dimensions],
        format_func=names.__getitem__,
        key=dimension_widget,
        on_change=_on_dimension,
        args=(assessment_id, dimension_widget, framework.id),
    )
    left.caption(
        " · ".join(
            f"{catalogue[f].short_title.get(lg)} {p.overall.answered}/{p.overall.total}"
            for f, p in progress.items()
        )
    )
    here = counts[str(position.dimension_id)]
    right.caption(
        t("本维度已答 {a}/{n} 项", "This dimension: {a} of {n} answered").format(
            a=here.answered, n=here.total
        )
    )
    share = progress[framework.id].overall.share
    st.progress(
        share,
        text=t("{name}：已答 {p:.0%}", "{name}: {p:.0%} answered").format(
            name=framework.short_title.get(lg), p=share
        ),
    )
    return framework, str(position.dimension_id)


def render_pager(assessment_id: int, framework: Framework, dimension_id: str) -> None:
    """Previous / next dimension buttons under the indicators."""
    ids = [d.id for d in framework.dimensions]
    here = ids.index(dimension_id)
    left, right = st.columns(2)
    if here > 0:
        left.button(
            t("← 上一维度", "← Previous dimension"),
            key="assess__prev",
            on_click=_move,
            args=(assessment_id, drafts.Position(framework.id, ids[here - 1], None)),
        )
    if here < len(ids) - 1:
        right.button(
            t("下一维度 →", "Next dimension →"),
            key="assess__next",
            on_click=_move,
            args=(assessment_id, drafts.Position(framework.id, ids[here + 1], None)),
        )


def render_submit(assessment_id: int, version: int, progress: dict[str, FrameworkProgress]) -> None:
    """Submit: refused with the exact list of missing required indicators, each a link."""
    st.divider()
    missing = [m for p in progress.values() for m in p.missing]
    if st.button(t("提交评估", "Submit the assessment"), type="primary", key="assess__submit"):
        st.session_state["assess__show_missing"] = True
        if not missing:
            try:
                with session_scope(engine()) as session:
                    submit_assessment(
                        session,
                        actor=actor(session),
                        assessment_id=assessment_id,
                        base_version=version,
                    )
            except RepositoryError as error:
                st.error(error.message(lang()))
            else:
                st.switch_page(
                    "app_pages/results.py", query_params={"assessment": str(assessment_id)}
                )
    if missing and st.session_state.get("assess__show_missing"):
        st.error(
            t(
                "还有 {n} 项必答指标未作答，无法提交：",
                "{n} required indicators are unanswered, so the assessment cannot be submitted:",
            ).format(n=len(missing))
        )
        lg = lang()
        for item in missing:
            st.page_link(
                PAGE,
                label=f"{item.framework_name.get(lg)} › {item.dimension_name.get(lg)} › "
                f"{item.indicator_name.get(lg)}",
                icon=":material/arrow_forward:",
                query_params={
                    "assessment": str(assessment_id),
                    "framework": item.framework_id,
                    "indicator": item.indicator_id,
                },
            )
