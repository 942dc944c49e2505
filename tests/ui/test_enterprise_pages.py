"""Enterprise pages through the app: register (a wrong credit code refused with its reason),
fill part of a framework, leave, come back and resume, answer the rest, submit, see results;
the English switch; and no way into another enterprise's assessment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from assessment.models import Assessment, Enterprise, Role, User
from assessment.repo.assessments import create_assessment
from indicators.loader import load_framework
from tests.integration.factories import PASSWORD, make_admin, make_enterprise, make_uscc, make_user

pytestmark = pytest.mark.ui
APP = str(Path(__file__).resolve().parents[2] / "app.py")
DCMM = load_framework("dcmm")


def enterprise_user(engine: Engine, name: str = "admin") -> tuple[User, User]:
    """An admin and an enterprise account."""
    with Session(engine, expire_on_commit=False) as session:
        admin = make_admin(session, name)
        enterprise = make_enterprise(session, admin, industry_code="C34")
        return admin, make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)


def open_assessment(
    app_as, user: User, assessment_id: int, lang: str = "zh", **params: str
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    from ui.state import session_values

    for key, value in session_values(user).items():
        at.session_state[key] = value
    at.session_state["lang"] = lang
    at.query_params["assessment"] = str(assessment_id)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/assessment.py").run()
    assert not at.exception
    return at


def answer_key(assessment_id: int, framework_id: str, indicator_id: str, lang: str = "zh") -> str:
    return f"assess__answer__{assessment_id}__{framework_id}__{indicator_id}__{lang}__0"


def answer_dimension(at: AppTest, assessment_id: int, dimension_index: int, value: str) -> None:
    dimension = DCMM.dimensions[dimension_index]
    at.selectbox(key=f"assess__dimsel__{assessment_id}__dcmm__zh").set_value(dimension.id).run()
    for indicator in dimension.indicators:
        at.radio(key=answer_key(assessment_id, "dcmm", indicator.id)).set_value(value).run()
        assert not at.exception
        problems = [e.value for e in at.error if "未作答" not in e.value]
        assert problems == []


def test_register_refuses_a_wrong_code_with_its_reason_then_signs_in(app_engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("app_pages/register.py").run()
    good = make_uscc("320500")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    at.text_input(key="register__uscc").input(wrong).run()
    assert any("校验码应为" in e.value for e in at.error)
    at.text_input(key="register__uscc").input("91320500ABC").run()
    assert any("长度应为18位" in e.value for e in at.error)
    at.text_input(key="register__uscc").input(good).run()
    assert not at.error
    at.text_input(key="register__name").input("苏州新材料有限公司").run()
    at.selectbox(key="register__region__2__None__zh").set_value("320000").run()
    at.selectbox(key="register__region__4__320000__zh").set_value("320500").run()
    at.selectbox(key="register__industry__zh").set_value("26").run()
    at.number_input(key="register__employees").set_value(120).run()
    at.number_input(key="register__revenue").set_value(5000.0).run()
    assert any("小型" in m.value for m in at.markdown)
    assert any("从业人员 ≥ 20" in c.value for c in at.caption)
    at.text_input(key="register__username").input("xcl")  # inside the form: sent on submit
    at.text_input(key="register__password").input(PASSWORD)
    at.text_input(key="register__repeat").input(PASSWORD)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    # registered and signed in: the browser is sent to the cookie route, then to the assessment
    redirect = at.get("html")[0].proto.body
    assert "/ronghe-auth/session?grant=" in redirect
    assert "next=%2Fassessment" in redirect
    with Session(app_engine) as session:
        account = session.exec(select(User).where(col(User.username) == "xcl")).one()
        firm = session.get(Enterprise, account.enterprise_id)
        assert firm is not None
        assert (firm.name, firm.confirmed_at) == ("苏州新材料有限公司", None)


def test_fill_leave_resume_submit_and_see_results(app_as, app_engine) -> None:
    _, user = enterprise_user(app_engine)
    at = app_as(user, page="app_pages/assessment.py")
    assert not at.exception
    at.multiselect(key=f"assess__frameworks__{user.enterprise_id}__zh").set_value(["dcmm"]).run()
    at.number_input(key="assess__year").set_value(2025).run()
    at.button(key="assess__start").click().run()
    assert not at.exception
    aid = int(at.query_params["assessment"][0])
    answer_dimension(at, aid, 0, "3")
    answer_dimension(at, aid, 1, "2")  # part of a framework, then leave

    back = open_assessment(app_as, user, aid)  # a new browser session
    assert back.selectbox(key=f"assess__dimsel__{aid}__dcmm__zh").value == DCMM.dimensions[1].id
    first = DCMM.dimensions[1].indicators[0]
    assert back.radio(key=answer_key(aid, "dcmm", first.id)).value == "2"

    back.button(key="assess__submit").click().run()
    links = [link for link in back.get("page_link") if "indicator=" in str(link.proto)]
    missing = [i for d in DCMM.dimensions[2:] for i in d.indicators]
    assert len(links) == len(missing)
    assert any(f"indicator={missing[0].id}" in str(link.proto) for link in links)
    for index in range(2, len(DCMM.dimensions)):
        answer_dimension(back, aid, index, "3")
    back.button(key="assess__submit").click().run()
    assert not back.exception
    with Session(app_engine) as session:
        assert session.get(Assessment, aid).status == "submitted"

    results = open_results(user, aid)
    metrics = {m.label: m.value for m in results.metric}
    assert "融合指数" in metrics
    assert results.get("plotly_chart")
    readonly = open_assessment(app_as, user, aid, framework="dcmm", indicator=first.id)
    assert readonly.radio(key=answer_key(aid, "dcmm", first.id)).disabled


def open_results(user: User, assessment_id: int, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    from ui.state import session_values

    for key, value in session_values(user).items():
        at.session_state[key] = value
    at.session_state["lang"] = lang
    at.query_params["assessment"] = str(assessment_id)
    at.run()
    at.switch_page("app_pages/results.py").run()
    assert not at.exception
    return at


def test_another_enterprise_cannot_open_it(app_as, app_engine) -> None:
    admin, owner = enterprise_user(app_engine)
    with Session(app_engine, expire_on_commit=False) as session:
        draft = create_assessment(
            session, actor=owner, enterprise_id=owner.enterprise_id, year=2025, frameworks=["dcmm"]
        )
        other_enterprise = make_enterprise(session, admin)
        other = make_user(session, Role.ENTERPRISE, enterprise_id=other_enterprise.id)
    at = open_assessment(app_as, other, draft.id)
    assert any("无权" in e.value for e in at.error)
    assert not at.main.radio
    results = open_results(other, draft.id)
    assert any("无权" in e.value for e in results.error)
    assert not results.main.metric
    # forged session state: the core reads the signed-in user, never a page key
    at.session_state["assess__pos"] = (draft.id, None)
    at.run()
    assert not at.main.radio


def draft_of(app_engine, user: User, frameworks: list[str]) -> int:
    with Session(app_engine, expire_on_commit=False) as session:
        draft = create_assessment(
            session, actor=user, enterprise_id=user.enterprise_id, year=2025, frameworks=frameworks
        )
    assert draft.id is not None
    return draft.id


def test_a_conflicting_save_is_shown_side_by_side_and_nothing_is_lost(app_as, app_engine) -> None:
    _, user = enterprise_user(app_engine)
    with Session(app_engine, expire_on_commit=False) as session:
        colleague = make_user(session, Role.ENTERPRISE, enterprise_id=user.enterprise_id)
    aid = draft_of(app_engine, user, ["dcmm"])
    first, second = DCMM.dimensions[0].indicators[:2]
    mine = open_assessment(app_as, user, aid)
    theirs = open_assessment(app_as, colleague, aid)
    theirs.radio(key=answer_key(aid, "dcmm", second.id)).set_value("4").run()
    # a colleague saved another indicator in between: mine is merged without a conflict
    mine.radio(key=answer_key(aid, "dcmm", first.id)).set_value("2").run()
    assert not mine.warning
    assert mine.radio(key=answer_key(aid, "dcmm", second.id)).value == "4"  # theirs, shown
    theirs.radio(key=answer_key(aid, "dcmm", second.id)).set_value("5").run()
    # now both changed the same indicator: both values are shown, nothing is discarded
    mine.radio(key=answer_key(aid, "dcmm", second.id)).set_value("1").run()
    assert any("保存冲突" in w.value for w in mine.warning)
    shown = " ".join(m.value for m in mine.markdown)
    assert "5 优化级" in shown
    assert "1 初始级" in shown
    mine.button(key=f"assess__mine__answer__dcmm__{second.id}").click().run()
    assert not mine.warning
    with Session(app_engine) as session:
        from assessment.repo.drafts import draft_state

        state = draft_state(session, actor=user, assessment_id=aid)
    assert state.answers == {("dcmm", first.id): "2", ("dcmm", second.id): "1"}


def test_evidence_files_are_checked_by_content(app_as, app_engine) -> None:
    import io

    from PIL import Image

    _, user = enterprise_user(app_engine)
    aid = draft_of(app_engine, user, ["dcmm"])
    indicator = DCMM.dimensions[0].indicators[0]
    at = open_assessment(app_as, user, aid)
    base = f"{aid}__dcmm__{indicator.id}__zh__0"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    at.file_uploader(key=f"assess__upload__{base}__0").set_value(
        ("org-chart.png", buffer.getvalue(), "image/png")
    ).run()
    assert not at.error
    assert any("org-chart.png" in c.value for c in at.caption)
    assert any("已上传：org-chart.png" in n.value for n in at.toast)
    at.file_uploader(key=f"assess__upload__{base}__1").set_value(
        ("policy.pdf", b"MZ this is not a pdf", "application/pdf")
    ).run()
    assert any("不是有效的 PDF 或图片" in e.value for e in at.error)
    at.text_area(key=f"assess__note__{base}").input("见组织架构图").run()
    assert not at.exception
    with Session(app_engine) as session:
        from assessment.repo.drafts import draft_state

        state = draft_state(session, actor=user, assessment_id=aid)
    assert state.notes == {("dcmm", indicator.id): "见组织架构图"}
    assert [e.filename for e in state.evidence] == ["org-chart.png"]


def test_a_returned_assessment_shows_the_comment_and_opens_again(app_as, app_engine) -> None:
    from assessment.repo.assessments import review_assessment, save_answers, submit_assessment
    from tests.integration.factories import dcmm_answers

    _, user = enterprise_user(app_engine)
    aid = draft_of(app_engine, user, ["dcmm"])
    with Session(app_engine, expire_on_commit=False) as session:
        bureau = make_user(session, Role.BUREAU, region_code="320000")
        version = save_answers(
            session, actor=user, assessment_id=aid, base_version=1, answers=dcmm_answers("3")
        )
        submit_assessment(session, actor=user, assessment_id=aid, base_version=version)
    submitted = open_assessment(app_as, user, aid)
    assert any("只读" in i.value for i in submitted.info)
    with Session(app_engine, expire_on_commit=False) as session:
        review_assessment(
            session, actor=bureau, assessment_id=aid, verify=False, comment="请补充数据标准佐证"
        )
    returned = open_assessment(app_as, user, aid)
    assert any("请补充数据标准佐证" in w.value for w in returned.warning)
    radio = returned.main.radio[0]
    assert not radio.disabled
    results = open_results(user, aid)
    assert any("请补充数据标准佐证" in w.value for w in results.warning)


def test_printable_results_show_every_framework_without_the_interactive_parts(
    app_as, app_engine
) -> None:
    from assessment.repo.assessments import save_answers, submit_assessment
    from tests.integration.factories import dcmm_answers

    _, user = enterprise_user(app_engine)
    aid = draft_of(app_engine, user, ["dcmm"])
    with Session(app_engine, expire_on_commit=False) as session:
        version = save_answers(
            session, actor=user, assessment_id=aid, base_version=1, answers=dcmm_answers("3")
        )
        submit_assessment(session, actor=user, assessment_id=aid, base_version=version)
    at = open_results(user, aid)
    assert at.tabs
    assert at.multiselect  # the what-if panel
    at.toggle(key="results__print").set_value(True).run()
    assert not at.exception
    assert not at.tabs
    assert not at.multiselect
    assert DCMM.title.zh in [h.value for h in at.subheader]
    assert "@media print" in at.get("html")[0].proto.body


def weak_answers(framework_id: str) -> list[tuple[str, str, str | None]]:
    """The lowest answer to every indicator of a framework (a weak result everywhere)."""
    answers = []
    for indicator in load_framework(framework_id).indicators:
        if indicator.answer.value == "level":
            value = "1"
        elif indicator.answer.value == "boolean":
            value = "no"
        elif indicator.options:
            value = indicator.options[0].id
        else:
            value = "0"
        answers.append((framework_id, indicator.id, value))
    return answers


def test_data_security_results_link_the_penalty_calculator_with_their_provisions(
    app_as, app_engine
) -> None:
    from assessment.penalty.prefill import decode_prefill
    from assessment.repo.assessments import save_answers, submit_assessment

    _, user = enterprise_user(app_engine)
    aid = draft_of(app_engine, user, ["data_security"])
    with Session(app_engine, expire_on_commit=False) as session:
        version = save_answers(
            session,
            actor=user,
            assessment_id=aid,
            base_version=1,
            answers=weak_answers("data_security"),
        )
        submit_assessment(session, actor=user, assessment_id=aid, base_version=version)
    at = open_results(user, aid)
    links = [m.value for m in at.markdown if "/penalty?prefill=" in m.value]
    assert len(links) == 1
    token = links[0].split("/penalty?prefill=", 1)[1].rstrip(")")
    violation = decode_prefill(token)
    assert violation["fines"]
    assert all(fine["kind"] == "amount" for fine in violation["fines"])
    assert any("数据安全法" in fine["law"] for fine in violation["fines"])


def test_the_assessment_list_joins_framework_names_the_chinese_way(app_as, app_engine) -> None:
    _, user = enterprise_user(app_engine)
    with Session(app_engine, expire_on_commit=False) as session:
        create_assessment(
            session,
            actor=user,
            enterprise_id=user.enterprise_id,
            year=2025,
            frameworks=["sme", "dcmm"],
        )
    at = app_as(user, page="app_pages/assessment.py", lang="zh")
    assert not at.exception
    rows = [m.value for m in at.markdown if m.value.startswith("**2025**")]
    assert rows == ["**2025** · 草稿 · 中小企业数字化水平、数据管理能力成熟度（DCMM）"], rows


def test_a_reload_stays_on_the_dimension_being_filled(app_as, app_engine) -> None:
    """The URL keeps only the framework: a reload (a new session) used to reopen its first
    dimension instead of the one being filled."""
    _, user = enterprise_user(app_engine)
    with Session(app_engine, expire_on_commit=False) as session:
        draft = create_assessment(
            session, actor=user, enterprise_id=user.enterprise_id, year=2025, frameworks=["dcmm"]
        )
    at = open_assessment(app_as, user, draft.id)
    answer_dimension(at, draft.id, 2, "3")
    assert at.query_params["framework"] in ("dcmm", ["dcmm"])
    assert "indicator" not in at.query_params
    again = open_assessment(app_as, user, draft.id, framework="dcmm")  # the reload
    assert not again.exception
    dimension = again.selectbox(key=f"assess__dimsel__{draft.id}__dcmm__zh").value
    assert dimension == DCMM.dimensions[2].id
    linked = open_assessment(  # a link to one indicator still opens its dimension
        app_as, user, draft.id, framework="dcmm", indicator=DCMM.dimensions[4].indicators[0].id
    )
    assert linked.selectbox(key=f"assess__dimsel__{draft.id}__dcmm__zh").value == (
        DCMM.dimensions[4].id
    )


def test_the_results_page_lists_the_assessments_by_enterprise_without_an_id(
    app_as, app_engine
) -> None:
    _, user = enterprise_user(app_engine)
    aid = draft_of(app_engine, user, ["dcmm"])
    with Session(app_engine) as session:
        firm = session.get(Enterprise, user.enterprise_id)
        assert firm is not None
        name = firm.name
    at = app_as(user, page="app_pages/results.py")
    assert not at.exception
    labels = [p.proto.label for p in at.main.get("page_link")]
    assert f"{name} · 2025 · 草稿 · #{aid}" in labels
