"""Every UI text is written in both languages: each ``t(...)`` call gets a Chinese and an
English string literal."""

from __future__ import annotations

import ast
from pathlib import Path

from indicators.schema import looks_chinese

ROOT = Path(__file__).resolve().parents[2]


def ui_files() -> list[Path]:
    files = [ROOT / "app.py", *(ROOT / "app_pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    return [f for f in files if f.exists()]


def t_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
    ]


def test_every_t_call_has_chinese_and_english() -> None:
    problems = []
    calls = 0
    for path in ui_files():
        for call in t_calls(path):
            calls += 1
            args = call.args
            literal = len(args) == 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.strip()
                for a in args
            )
            if not literal:
                problems.append(f"{path.name}:{call.lineno}: t() needs two non-empty literals")
                continue
            zh, en = (a.value for a in args)  # type: ignore[attr-defined]
            if not looks_chinese(zh) and zh != en:
                problems.append(f"{path.name}:{call.lineno}: first text is not Chinese: {zh!r}")
            if looks_chinese(en):
                problems.append(f"{path.name}:{call.lineno}: second text is Chinese: {en!r}")
    assert calls > 0
    assert problems == []
