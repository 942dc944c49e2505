"""Shared fixtures for AppTest: a migrated SQLite database per test and a signed-in app.

Pages that need a user are tested through :func:`app_as`, which puts the user into the
session the way a completed sign-in does, so page tests do not depend on how sign-in works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from assessment.db import make_engine, migrate
from assessment.models import User
from assessment.repo.reference_data import sync_reference_data
from ui import resources
from ui.state import session_values

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite database with reference data, which the app under test opens too."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate(engine)
    from sqlmodel import Session

    with Session(engine) as session:
        sync_reference_data(session)
    resources.engine.clear()
    yield engine
    resources.engine.clear()
    engine.dispose()


AppAs = Callable[..., AppTest]


@pytest.fixture
def app_as(app_engine: Engine) -> AppAs:
    """``app_as(user, page="app_pages/x.py", lang="zh")``: the app, run once as ``user``."""

    def open_app(user: User, page: str | None = None, lang: str = "zh") -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in session_values(user).items():
            at.session_state[key] = value
        at.session_state["lang"] = lang
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    return open_app
