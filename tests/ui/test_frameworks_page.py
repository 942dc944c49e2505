"""The framework browser, driven through the app's entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.loader import load_all

pytestmark = pytest.mark.ui
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("app_pages/frameworks.py").run()  # public: no sign-in needed
    assert not at.exception
    return at


def test_opens_on_the_framework_browser_in_chinese(app: AppTest) -> None:
    first = next(iter(load_all().values()))
    assert app.title[0].value == "指标体系"
    assert app.subheader[0].value == first.title.zh
    assert len(app.tabs) == len(first.dimensions)


def test_search_finds_indicators_across_frameworks(app: AppTest) -> None:
    app.text_input(key="fw__query").input("主数据").run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert any("参考数据和主数据" in label for label in labels)
    assert app.caption[0].value.startswith("找到")


def test_search_without_hits_says_so(app: AppTest) -> None:
    app.text_input(key="fw__query").input("zzzz-no-such-indicator").run()
    assert app.caption[0].value == "找到 0 个指标"


def test_open_a_framework_and_see_its_rule(app: AppTest) -> None:
    dcmm = load_all()["dcmm"]
    app.selectbox(key="fw__id__zh").set_value("dcmm").run()
    assert not app.exception
    assert app.subheader[0].value == dcmm.title.zh
    assert [tab.label for tab in app.tabs] == [d.name.zh for d in dcmm.dimensions]
    assert "#### 结果规则：按各能力域平均分定级" in [md.value for md in app.markdown]


def test_switch_to_english(app: AppTest) -> None:
    app.selectbox(key="fw__id__zh").set_value("sme").run()
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    sme = load_all()["sme"]
    chooser = app.selectbox(key="fw__id__en")
    assert chooser.value == "sme"  # the choice survives the switch, its text is English
    assert sme.title.en in chooser.options
    assert app.title[0].value == "Frameworks"
    assert app.subheader[0].value == sme.title.en
    assert [tab.label for tab in app.tabs] == [d.name.en for d in sme.dimensions]


RULE_IDS = ("bands", "cumulative_gates", "mean_of_areas")
TAG_IDS = ("constrained", "guiding", "capability")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("framework_id", list(load_all()))
def test_rules_tags_and_work_points_read_as_words(
    app: AppTest, framework_id: str, lang: str
) -> None:
    from indicators.vocabulary import vocabulary

    app.radio(key="lang").set_value(lang).run()
    app.selectbox(key=f"fw__id__{lang}").set_value(framework_id).run()
    assert not app.exception
    framework = load_all()[framework_id]
    texts = [e.value for e in (*app.markdown, *app.caption, *app.info)]
    tables = [str(table.value.to_dict()) for table in app.table]
    shown = "\n".join(texts + tables)
    # ids as codes (texts of the data may use "bands" as an English word)
    assert not [rule for rule in RULE_IDS if f"`{rule}`" in shown or f": {rule}" in shown]
    flags = {flag for e in app.caption for flag in e.value.split(" · ")}
    assert not [tag for tag in TAG_IDS if f"[{tag}]" in shown or tag in flags]
    heading = next(e for e in texts if e.startswith(("#### 结果规则", "#### Result rule")))
    assert heading.endswith(vocabulary().rule(framework.result.rule, lang))
    for source in framework.sources:  # in full, never cut off
        assert source.citation in shown
        if source.note:
            assert source.note.get(lang) in shown
    work_points = {wp for i in framework.indicators for wp in i.work_points}
    for wp in work_points:
        assert vocabulary().work_point(wp, lang) in shown
    assert not [t for t in texts if "wp1" in t.split(": ")[-1].split()]
