"""The browser never shows a traceback (issue 11 item 8)."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).parents[2] / ".streamlit" / "config.toml"


def test_error_details_are_not_shown_in_the_browser() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
