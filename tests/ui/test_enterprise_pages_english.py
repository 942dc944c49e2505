"""The English switch changes every text of the enterprise pages: after switching, no Chinese is
left on the page except Chinese that the English data itself quotes (e.g. a standard's stage
names, the name of MIIT's official index)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from assessment.models import Role, User
from assessment.repo.assessments import create_assessment, save_answers, submit_assessment
from assessment.work_points import work_points
from indicators.crosswalk import load_crosswalk
from indicators.loader import load_all
from indicators.schema import lang_texts
from tests.integration.factories import dcmm_answers, make_admin, make_enterprise, make_user
from ui.state import session_values

pytestmark = pytest.mark.ui
APP = str(Path(__file__).resolve().parents[2] / "app.py")
CJK = re.compile(r"[\u4e00-\u9fff]+")
ATTRIBUTES = ("value", "label", "body", "placeholder", "help")


def quoted_chinese() -> set[str]:
    """Chinese runs that the English texts of the data quote on purpose."""
    runs = {"两化融合发展指数"}
    models = [*load_all().values(), load_crosswalk()]
    for model in models:
        for _, text in lang_texts(model):
            runs.update(CJK.findall(text.en))
    for text in work_points().values():
        runs.update(CJK.findall(text.en))
    return runs


def texts(node: Any) -> Iterator[str]:
    """Every user-visible string below an AppTest node (values, labels, option texts)."""
    for name in ATTRIBUTES:
        value = getattr(node, name, None)
        if isinstance(value, str):
            yield value
    for option in getattr(node, "options", None) or ():
        if isinstance(option, str):
            yield option
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from texts(child)


def chinese_left(at: AppTest) -> list[str]:
    allowed = quoted_chinese()
    found = []
    for text in texts(at.main):
        runs = [r for r in CJK.findall(text) if not any(r in a for a in allowed)]
        if runs:
            found.append(f"{runs}: {text[:60]}")
    return found


def open_page(user: User | None, page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if user is not None:
        for key, value in session_values(user).items():
            at.session_state[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    return at


@pytest.fixture
def owner(app_engine) -> tuple[User, int, int]:
    """An enterprise account with a submitted DCMM assessment and a draft of all frameworks."""
    with Session(app_engine, expire_on_commit=False) as session:
        admin = make_admin(session)
        enterprise = make_enterprise(session, admin, name="Acme Precision Parts")
        user = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)
        done = create_assessment(
            session, actor=user, enterprise_id=enterprise.id, year=2024, frameworks=["dcmm"]
        )
        version = save_answers(
            session,
            actor=user,
            assessment_id=done.id,
            base_version=done.version,
            answers=dcmm_answers("2"),
        )
        submit_assessment(session, actor=user, assessment_id=done.id, base_version=version)
        draft = create_assessment(
            session, actor=user, enterprise_id=enterprise.id, year=2025, frameworks=list(load_all())
        )
    return user, done.id, draft.id


def test_register_page_in_english(app_engine) -> None:
    at = open_page(None, "app_pages/register.py")
    assert at.title[0].value == "Register an enterprise"
    at.text_input(key="register__uscc").input("91320500ABC").run()
    assert any("length should be 18" in e.value for e in at.error)
    assert chinese_left(at) == []


def test_assessment_pages_in_english(owner) -> None:
    user, _, draft = owner
    start = open_page(user, "app_pages/assessment.py")
    assert chinese_left(start) == []
    editor = open_page(user, "app_pages/assessment.py", assessment=str(draft))
    assert editor.main.radio  # the questions are there
    assert chinese_left(editor) == []
    editor.button(key="assess__submit").click().run()
    assert chinese_left(editor) == []
    units = [n.label for n in editor.main.number_input if n.label != "Answer"]
    assert units  # a percentage or quantity question is on the first page
    assert all(label.startswith("Answer (") and "（" not in label for label in units), units


def test_results_and_profile_in_english(owner) -> None:
    user, done, _ = owner
    results = open_page(user, "app_pages/results.py", assessment=str(done))
    assert "Ronghe Index" in [m.label for m in results.metric]
    assert chinese_left(results) == []
    profile = open_page(user, "app_pages/profile.py")
    assert chinese_left(profile) == []
