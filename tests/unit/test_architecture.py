"""The layering rules of docs/architecture.md, made executable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "indicators": {"streamlit", "sqlmodel", "sqlalchemy", "assessment", "ui", "app_pages"},
    "assessment": {"streamlit", "ui", "app_pages"},
    "ui": {"app_pages"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def package_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_its_import_rule(package: str) -> None:
    files = package_files(package)
    assert files, f"{package}/ has no Python files"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & FORBIDDEN[package])
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_detector_sees_a_streamlit_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom streamlit import session_state\n", encoding="utf-8")
    assert "streamlit" in imported_modules(sample)


def test_every_package_states_its_rule() -> None:
    for package in ("indicators", "assessment", "ui"):
        doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
        assert doc, f"{package}/__init__.py needs a docstring stating its import rule"
