"""The penalty-discretion page driven with AppTest: tick circumstances, see the tier."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "penalty.py")
P = "penalty__"

pytestmark = pytest.mark.ui


def page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


def metric(at: AppTest, index: int) -> str:
    """The tier (index 0, a metric tile) or the fine range (index 1, a line of text)."""
    if index == 0:
        return str(at.metric[0].value)
    line = next(
        m.value for m in at.markdown if m.value.startswith(("**罚款区间:**", "**Fine range:**"))
    )
    return line.split(":**", 1)[1].strip()


def test_no_circumstance_is_general() -> None:
    at = page()
    assert not at.exception
    assert metric(at, 0) == "一般处罚"
    assert any("第九条" in m.value for m in at.markdown)


def test_aggravating_circumstance_gives_heavier_tier_and_band() -> None:
    at = page()
    at.radio(key=P + "kind").set_value("amount").run()
    at.checkbox(key=P + "art8_item1").check().run()
    assert not at.exception
    assert metric(at, 0) == "从重处罚"
    assert metric(at, 1) == "人民币70,000元（不含） 至 人民币100,000元（含）"


def test_article10_choice_is_recorded_with_reasons() -> None:
    at = page()
    at.checkbox(key=P + "art7_item1").check()
    at.checkbox(key=P + "art8_item2").check().run()
    assert metric(at, 0) == "待决定"
    choice = at.radio(key=P + "decision_art7_item1-art8_item2")
    assert choice.options == ["减轻处罚", "从轻处罚", "一般处罚", "从重处罚"]
    choice.set_value("lighter")
    at.text_area(key=P + "reason_art7_item1-art8_item2").input("主动整改").run()
    assert not at.exception
    assert metric(at, 0) == "从轻处罚"
    assert any("主动整改" in m.value for m in at.markdown)


def test_bad_range_shows_an_error() -> None:
    at = page("en")
    at.radio(key=P + "kind").set_value("amount").run()
    at.number_input(key=P + "min").set_value(500000.0).run()
    assert not at.exception
    assert "above the maximum" in at.error[0].value


def test_english_page_shows_no_penalty_and_offers_the_download() -> None:
    at = page("en")
    at.checkbox(key=P + "art6_item1").check().run()
    assert not at.exception
    assert metric(at, 0) == "no penalty"
    assert metric(at, 1) == "no fine"
    assert any("Article 6(1)" in m.value for m in at.markdown)
    assert len(at.get("download_button")) == 1
