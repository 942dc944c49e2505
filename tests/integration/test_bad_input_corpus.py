"""The bad-input corpus (issue 11 item 9): every case under tests/corpus is refused by its
command with exit status 2 and one line naming the file and the reason in Chinese and English,
never a traceback; a refused ``ronghe load`` leaves the database exactly as it was, on SQLite
and on PostgreSQL. Rebuild the corpus with ``python -m tests.corpus.build``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import assessment.models  # noqa: F401  (registers the tables)
from assessment.cli import main
from assessment.db import make_engine
from tests.conftest import BACKENDS, new_postgres_database

CORPUS = Path(__file__).parents[1] / "corpus"
CASES: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_corpus_is_large_enough() -> None:
    kinds = {name.split("/")[0] for name in CASES}
    assert kinds == {"load", "score", "penalty"}
    assert len(CASES) >= 40
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS]
    assert len(files) >= 40


def _run(
    name: str,
    extra: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    named: Path | None = None,
) -> str:
    """Run the case; the refusal must name ``named`` (default: the case's own file or folder)."""
    spec = CASES[name]
    for key, value in spec.get("env", {}).items():
        monkeypatch.setenv(key, value)
    kind = name.split("/")[0]
    path = CORPUS / name
    status = main([kind, str(path), *extra, *spec["args"]])
    out = capsys.readouterr()
    assert status == 2, out
    error = out.err
    assert "Traceback" not in error
    assert error.startswith(f"ronghe {kind}: ")
    assert error.count("\n") == 1, error
    assert spec["expect"] in error
    assert CJK.search(error), "no Chinese in the message"
    assert str(named or path) in error
    return error


def _out(tmp_path: Path, spec: dict[str, Any]) -> Path:
    if spec.get("out_under_file"):
        blocker = tmp_path / "a-file"
        blocker.write_text("", encoding="utf-8")
        return blocker / "out.csv"
    return tmp_path / spec.get("out_name", "out.csv")


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("score/")))
def test_score_refuses(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = CASES[name]
    out = _out(tmp_path, spec)
    named = out if spec.get("out_under_file") or "out_name" in spec else None
    _run(name, ["--out", str(out)], monkeypatch, capsys, named)


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("penalty/")))
def test_penalty_refuses(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = CASES[name]
    out = _out(tmp_path, spec) if spec.get("out_under_file") else None
    _run(name, ["--out", str(out)] if out else [], monkeypatch, capsys, out)


@pytest.fixture(scope="module", params=BACKENDS)
def loaded_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of a migrated database holding the corpus' base data set (loaded by the CLI)."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'ronghe.db'}"
            patch.setenv("DATABASE_URL", url)
            assert main(["load", str(CORPUS / "base")]) == 0
            yield url
            return
        with new_postgres_database("ronghe_corpus") as url:
            patch.setenv("DATABASE_URL", url)
            assert main(["load", str(CORPUS / "base")]) == 0
            yield url


def _snapshot(url: str) -> dict[str, str]:
    """A digest of every table's rows."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            digests = {}
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.execute(text(f"SELECT * FROM {table.name}")).all()
                digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode())
                digests[table.name] = f"{len(rows)}:{digest.hexdigest()}"
            return digests
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("load/")))
def test_load_refuses_and_changes_nothing(
    name: str,
    loaded_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", loaded_database)
    before = _snapshot(loaded_database)
    assert before["enterprise"].startswith("3:")
    _run(name, [], monkeypatch, capsys)
    assert _snapshot(loaded_database) == before
