"""The penalty-discretion page driven with AppTest: the case handler's form beside the decision."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Element

from assessment.models import AuditEvent, PenaltyCase, Role, User
from assessment.penalty.prefill import encode_prefill
from tests.integration.factories import make_user
from tests.ui.conftest import AppAs
from tests.unit.test_penalty_prefill import VIOLATION

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "penalty.py")
P = "penalty__"
# the form's first violation has uid 0 and its first fine provision uid 1
MAX, MIN = P + "v_0_f_1_max_amount", P + "v_0_f_1_min_amount"
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.ui


def page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


def tier(at: AppTest) -> str:
    return str(at.metric[0].value)


def fine_line(at: AppTest) -> str:
    line = next(
        m.value for m in at.markdown if m.value.startswith(("**罚款区间:**", "**Fine range:**"))
    )
    return line.split(":**", 1)[1].strip()


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def with_range(at: AppTest, maximum: float = 100000.0) -> AppTest:
    return at.number_input(key=MAX).set_value(maximum).run()


def walk(block: Block | Element) -> Iterator[Block | Element]:
    yield block
    for child in getattr(block, "children", {}).values():
        yield from walk(child)


def smallest_block_with(at: AppTest, widget_key: str, kind: str) -> Block:
    """The innermost block holding both the widget ``widget_key`` and an element of ``kind``."""
    found = None
    for node in walk(at._tree):
        if not isinstance(node, Block):
            continue
        inside = list(walk(node))
        if any(getattr(e, "key", None) == widget_key for e in inside) and any(
            e.type == kind for e in inside
        ):
            found = node  # walk goes outside in, so the last match is the innermost
    assert found is not None
    return found


def test_no_circumstance_is_general_and_asks_for_the_range() -> None:
    at = page()
    assert not at.exception
    assert tier(at) == "一般处罚"
    assert fine_line(at) == "填写法定罚款幅度后显示"
    assert "第九条" in text(at)


def test_aggravating_circumstance_gives_heavier_tier_and_band() -> None:
    at = with_range(page())
    at.checkbox(key=P + "v_0_c_art8_item1").check().run()
    assert not at.exception
    assert tier(at) == "从重处罚"
    assert fine_line(at) == "人民币70,000元（不含） 至 人民币100,000元（含）"


def test_chinese_page_reads_in_chinese_only() -> None:
    at = with_range(page("zh"))
    labels = [c.label for c in at.checkbox]
    assert len(labels) >= 20
    assert all(CJK.search(label) for label in labels)
    assert not [label for label in labels if re.search(r"[A-Za-z]{3,}", label)]
    assert not re.search(r"\b(Article|penalty|the)\b", text(at))


def test_english_page_reads_in_english_only() -> None:
    at = with_range(page("en"))
    at.checkbox(key=P + "v_0_c_art6_item1").check().run()
    assert not at.exception
    labels = [c.label for c in at.checkbox]
    assert not [label for label in labels if CJK.search(label)]
    assert tier(at) == "no penalty"
    assert "Article 6(1)" in text(at)
    assert not CJK.search(text(at))


def test_switching_amounts_and_multiples_resets_the_range_with_units() -> None:
    at = page()
    at.number_input(key=MIN).set_value(1000.0)
    with_range(at, 50000.0)
    assert [n.label for n in at.number_input][:2] == ["法定最低罚款（元）", "法定最高罚款（元）"]
    at.radio(key=P + "v_0_f_1_kind__zh").set_value("multiple").run()
    assert not at.exception
    low, high = (
        at.number_input(key=P + "v_0_f_1_min_multiple"),
        at.number_input(key=P + "v_0_f_1_max_multiple"),
    )
    assert (low.value, high.value) == (0.0, None)
    assert (low.label, high.label) == ("法定最低倍数（倍）", "法定最高倍数（倍）")
    assert at.number_input(key=P + "v_0_f_1_gains").label == "违法所得（元）"
    high.set_value(5.0).run()
    at.number_input(key=P + "v_0_f_1_gains").set_value(10000.0).run()
    assert fine_line(at) == "人民币15,000元（含） 至 人民币35,000元（含）（违法所得的 1.5–3.5 倍）"
    at.radio(key=P + "v_0_f_1_kind__zh").set_value("amount").run()
    assert at.number_input(key=MAX).value is None
    assert at.number_input(key=MIN).value == 0.0


def test_pending_choice_shows_each_open_tiers_band_then_records_the_choice() -> None:
    at = with_range(page())
    at.checkbox(key=P + "v_0_c_art7_item1").check()
    at.checkbox(key=P + "v_0_c_art8_item2").check().run()
    assert tier(at) == "待决定"
    shown = text(at)
    assert "**从轻处罚**：人民币0元（含） 至 人民币30,000元（不含）" in shown
    assert "**一般处罚**：人民币30,000元（含） 至 人民币70,000元（含）" in shown
    assert "**从重处罚**：人民币70,000元（不含） 至 人民币100,000元（含）" in shown
    assert "**减轻处罚**：无可处罚款数额" in shown
    choice = at.radio(key=P + "v_0_decision_art7_item1-art8_item2__zh")
    assert choice.options == ["减轻处罚", "从轻处罚", "一般处罚", "从重处罚"]
    choice.set_value("lighter")
    at.text_area(key=P + "v_0_reason_art7_item1-art8_item2").input("主动整改").run()
    assert not at.exception
    assert tier(at) == "从轻处罚"
    assert fine_line(at) == "人民币0元（含） 至 人民币30,000元（不含）"


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "法定最低限（500,000）高于最高限（100,000）"), ("en", "is above the maximum")],
)
def test_a_bad_range_is_reported_beside_the_field_in_the_users_language(
    lang: str, message: str
) -> None:
    at = page(lang)
    at.number_input(key=MIN).set_value(500000.0)
    with_range(at)
    assert not at.exception
    (error,) = at.error
    assert message in error.value
    assert ("Value error" in error.value) is False
    assert not CJK.search(error.value) if lang == "en" else CJK.search(error.value)
    # the error sits in the fine provision's own box, not at the top of the page
    box = smallest_block_with(at, MIN, "error")
    assert not any(getattr(e, "key", "") == P + "v_0_c_art8_item1" for e in walk(box))


def test_proposed_fine_above_the_maximum_is_reported_at_the_proposed_fine() -> None:
    at = with_range(page("en"))
    at.number_input(key=P + "v_0_proposed").set_value(200000.0).run()
    (error,) = at.error
    assert (
        error.value
        == "The proposed fine of CNY 200,000 is above the statutory maximum of CNY 100,000."
    )
    box = smallest_block_with(at, P + "v_0_proposed", "error")
    assert not any(getattr(e, "key", "") == MAX for e in walk(box))


def test_several_violations_are_decided_separately_and_combined() -> None:
    at = with_range(page())
    at.checkbox(key=P + "v_0_c_art8_item1").check().run()
    at.button(key=P + "add_violation").click().run()
    # the new violation has uid 2 and its fine provision uid 3
    at.number_input(key=P + "v_2_f_3_max_amount").set_value(200000.0).run()
    at.text_input(key=P + "v_2_label").input("未按规定留存日志").run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["从重处罚", "一般处罚"]
    assert "**合并罚款（第十五条）:** 人民币130,000元 至 人民币240,000元" in text(at)
    assert "第十五条" in text(at)


def test_several_fine_provisions_of_one_act_use_the_highest() -> None:
    at = with_range(page())
    at.button(key=P + "v_0_add_fine").click().run()
    at.number_input(key=P + "v_0_f_2_max_amount").set_value(1000000.0).run()
    assert fine_line(at) == "人民币300,000元（含） 至 人民币700,000元（含）"


def test_responsible_persons_get_their_own_band() -> None:
    at = with_range(page())
    at.checkbox(key=P + "v_0_c_art8_item1").check()
    at.button(key=P + "v_0_add_person").click().run()
    at.text_input(key=P + "v_0_p_2_name").input("张三")
    at.text_input(key=P + "v_0_p_2_role").input("技术负责人")
    at.number_input(key=P + "v_0_p_2_max").set_value(10000.0)
    at.checkbox(key=P + "v_0_p_2_x_art13_factor1").check().run()
    at.text_input(key=P + "v_0_p_2_xnote_art13_factor1").input("分管数据安全").run()
    assert not at.exception
    assert (
        "- **张三（技术负责人）**：从重处罚（参照单位） · "
        "人民币7,000元（不含） 至 人民币10,000元（含）"
    ) in text(at)
    assert "分管数据安全" in text(at)


def test_factor_notes_go_into_the_reasoning() -> None:
    at = page()
    at.checkbox(key=P + "v_0_x_art14_item2").check().run()
    at.text_input(key=P + "v_0_xnote_art14_item2").input("持续六个月").run()
    assert "持续六个月" in text(at)
    assert "第十四条第（二）项" in text(at)


# ---- saved cases and prefill links (signed in, with a database) ------------------------------


@pytest.fixture
def handler(app_engine: Engine) -> User:
    with Session(app_engine) as session:
        return make_user(session, Role.BUREAU, region_code="320500", username="handler")


def penalty_page(app_as: AppAs, user: User, lang: str = "zh", **query: str) -> AppTest:
    at = app_as(user, lang=lang)
    for name, value in query.items():
        at.query_params[name] = value
    return at.switch_page("app_pages/penalty.py").run()


def test_a_case_is_saved_reopened_and_audited(
    app_as: AppAs, handler: User, app_engine: Engine
) -> None:
    at = penalty_page(app_as, handler)
    with_range(at)
    at.text_input(key=P + "v_0_label").input("未履行数据安全保护义务")
    at.checkbox(key=P + "v_0_c_art8_item1").check()
    at.text_input(key=P + "reference").input("苏网信罚〔2026〕12号").run()
    at.button(key=P + "save").click().run()
    assert not at.exception
    assert "已保存案件“苏网信罚〔2026〕12号”（版本 1）" in at.success[0].value
    with Session(app_engine) as session:
        stored = session.exec(select(PenaltyCase)).one()
        assert stored.case_input["violations"][0]["circumstances"] == ["art8_item1"]
        actions = session.exec(
            select(AuditEvent.action).where(col(AuditEvent.object_type) == "penalty_case")
        ).all()
        assert actions == ["penalty_case.create"]
    at.button(key=P + "new").click().run()
    assert at.checkbox(key=P + "v_0_c_art8_item1").value is False
    assert tier(at) == "一般处罚"
    at.selectbox(key=P + "open_choice").set_value(stored.id)
    at.button(key=P + "open").click().run()
    assert not at.exception
    assert at.checkbox(key=P + "v_0_c_art8_item1").value is True
    assert at.text_input(key=P + "v_0_label").value == "未履行数据安全保护义务"
    assert tier(at) == "从重处罚"
    at.checkbox(key=P + "v_0_c_art7_item1").check().run()
    at.radio(key=P + "v_0_decision_art7_item1-art8_item1__zh").set_value("general")
    at.text_area(key=P + "v_0_reason_art7_item1-art8_item1").input("整改及时").run()
    at.button(key=P + "save").click().run()
    assert "（版本 2）" in at.success[0].value


def test_a_prefill_link_fills_the_first_violation(app_as: AppAs, handler: User) -> None:
    at = penalty_page(app_as, handler, prefill=encode_prefill(VIOLATION))
    assert not at.exception
    assert at.text_input(key=P + "v_0_label").value == "未履行数据安全保护义务"
    assert at.text_input(key=P + "v_0_f_1_law").value == "《数据安全法》第四十五条第一款"
    assert at.number_input(key=P + "v_0_f_1_max_amount").value == 500000.0
    assert tier(at) == "从重处罚"
    assert fine_line(at) == "人民币365,000元（不含） 至 人民币500,000元（含）"
    # the link fills the form once; the user's changes are not overwritten on the next run
    at.checkbox(key=P + "v_0_c_art8_item1").uncheck().run()
    assert tier(at) == "一般处罚"


@pytest.mark.parametrize(("lang", "message"), [("zh", "预填链接"), ("en", "prefill link")])
def test_a_bad_prefill_link_says_so_and_the_page_still_works(
    app_as: AppAs, handler: User, lang: str, message: str
) -> None:
    at = penalty_page(app_as, handler, lang=lang, prefill="not-a-token!")
    assert not at.exception
    assert message in at.error[0].value
    assert bool(CJK.search(at.error[0].value)) is (lang == "zh")
    with_range(at)
    assert tier(at) in {"一般处罚", "general penalty"}


def test_switching_the_language_keeps_the_case_and_changes_every_text() -> None:
    at = page("zh")
    at.radio(key=P + "v_0_f_1_kind__zh").set_value("multiple").run()
    at.number_input(key=P + "v_0_f_1_max_multiple").set_value(5.0)
    at.number_input(key=P + "v_0_f_1_gains").set_value(10000.0)
    at.checkbox(key=P + "v_0_c_art8_item1").check().run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    kind = at.radio(key=P + "v_0_f_1_kind__en")
    assert kind.value == "multiple"
    assert kind.options == ["Amounts (yuan)", "Multiples of illegal gains (×)"]
    assert at.checkbox(key=P + "v_0_c_art8_item1").value is True
    assert at.checkbox(key=P + "v_0_c_art8_item1").label.startswith("Article 8(1): ")
    assert tier(at) == "heavier penalty"
    assert fine_line(at) == "CNY 35,000 (exclusive) to CNY 50,000 (inclusive) (3.5–5 × gains)"
