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
    assert any("mean_of_areas" in md.value for md in app.markdown)


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
