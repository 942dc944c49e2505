"""The framework browser says which edition a version follows, shows DCMM 2025 as a documented
slot and names what each source was checked against (issue 14 items 4 and 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "frameworks.py")

pytestmark = pytest.mark.ui


def test_dcmm_shows_its_edition_the_2025_slot_and_what_sources_were_checked_against() -> None:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    picker = at.selectbox[0]
    picker.select_index(next(i for i, o in enumerate(picker.options) if "GB/T 36073" in o)).run()
    assert not at.exception
    assert "Edition followed: GB/T 36073-2018" in [c.value for c in at.caption]
    assert any(
        i.value.startswith("Newer edition (not released here yet): GB/T 36073-2025")
        for i in at.info
    )
    sources = [m.value for m in at.markdown if m.value.startswith("- **")]
    verified = [line for line in sources if "— verified." in line]
    assert verified
    assert all("Checked against: " in line for line in verified)
