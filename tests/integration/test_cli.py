"""The persistence commands: ``init-db [--demo-if-empty]``, ``user add|assign``, ``load``,
``rescore`` against a SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from assessment import reference, repository
from assessment.cli import main
from assessment.db import make_engine
from assessment.models import Assessment, Enterprise, FrameworkResult, User
from tests.conftest import BACKENDS, new_postgres_database


@pytest.fixture(params=BACKENDS)
def cli_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """DATABASE_URL of an empty database; the working directory is a temporary folder."""
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'local' / 'cli.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        return
    with new_postgres_database("ronghe_cli") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


def count(url: str, model: type) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return int(session.exec(select(func.count()).select_from(model)).one())
    finally:
        engine.dispose()


def test_init_db_with_demo_creates_accounts_whose_scope_holds_demo_data(
    cli_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["init-db", "--demo-if-empty", "--demo-enterprises", "60", "--demo-years", "2"]) == 0
    )
    out = capsys.readouterr().out
    listing = Path("data/local/demo-accounts.txt").read_text(encoding="utf-8")
    assert Path("data/local/.gitignore").read_text() == "*\n"  # the accounts file stays local
    engine = make_engine(cli_url)
    try:
        with Session(engine) as session:
            users = session.exec(select(User).order_by(col(User.username))).all()
            assert {u.role for u in users} == {"admin", "bureau", "enterprise", "consultant"}
            for user in users:
                line = next(ln for ln in listing.splitlines() if f" {user.username} " in ln)
                password = line.split()[2]
                assert password in out  # printed once, and kept in the git-ignored file
                assert (
                    repository.authenticate(session, username=user.username, password=password).id
                    == user.id
                )
                visible = repository.list_enterprises(session, actor=user)
                assert visible, user.username
                if user.role == "bureau":
                    assert all(
                        reference.within(e.region_code, user.region_code or "") for e in visible
                    )
            levels = {reference.code_level(u.region_code).value for u in users if u.region_code}
            assert levels == {"province", "prefecture", "county"}
            assert session.exec(select(func.count()).select_from(FrameworkResult)).one() > 0
    finally:
        engine.dispose()
    assert main(["init-db", "--demo-if-empty"]) == 0  # not empty any more: nothing added
    assert count(cli_url, Enterprise) == 60


def test_user_add_without_default_password(
    cli_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["init-db"]) == 0
    assert main(["user", "add", "--role", "admin", "--username", "root"]) == 0
    generated = capsys.readouterr().out.strip().splitlines()[-1].split()[-1]
    monkeypatch.setattr("sys.stdin", io.StringIO("my chosen password\n"))
    assert (
        main(
            [
                "user",
                "add",
                "--role",
                "bureau",
                "--username",
                "js",
                "--region",
                "320000",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert "shown once" not in capsys.readouterr().out
    engine = make_engine(cli_url)
    try:
        with Session(engine) as session:
            assert repository.authenticate(session, username="root", password=generated)
            bureau = repository.authenticate(session, username="js", password="my chosen password")
            assert bureau.region_code == "320000"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--role", "bureau", "--username", "b"], "needs a region"),
        (["--role", "bureau", "--username", "b", "--region", "990000"], "990000"),
        (
            ["--role", "enterprise", "--username", "e", "--enterprise", "91320102MA1XXXXX0X"],
            "91320102MA1XXXXX0X",
        ),
    ],
)
def test_user_add_errors_are_one_line_in_both_languages(
    cli_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(["init-db"]) == 0
    assert main(["user", "add", *argv]) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert " / " in err


def test_load_and_rescore(cli_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--enterprises", "15", "--years", "2", "--out", str(tmp_path / "ds")]) == 0
    assert main(["load", str(tmp_path / "ds")]) == 0
    said = capsys.readouterr().out
    assert "30 assessments" in said
    for step in ("检查 / checks", "看板汇总 / dashboard summary"):  # where the time went
        assert re.search(rf"{step} \d+\.\d s", said), said
    assert count(cli_url, Assessment) == 30
    assert main(["load", str(tmp_path / "ds")]) == 2  # already registered: refused, no change
    assert "already registered" in capsys.readouterr().err
    assert count(cli_url, Assessment) == 30
    assert main(["rescore", "--framework", "dcmm@2018.1"]) == 0
    assert "30 assessments" in capsys.readouterr().out
    assert main(["rescore", "--framework", "dcmm"]) == 2


def test_load_in_chunks_reports_progress(
    cli_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ronghe load --chunk-size``: every chunk stored, a plain progress line off a terminal."""
    data = tmp_path / "ds"
    assert main(["demo", "--enterprises", "10", "--years", "2", "--out", str(data)]) == 0
    capsys.readouterr()
    assert main(["load", str(data), "--chunk-size", "3"]) == 0
    out = capsys.readouterr()
    assert "20 assessments" in out.out
    assert "loaded 20/20" in out.err
    steps = out.err.index("看板汇总 / dashboard summary …"), out.err.index("提交 / commit …")
    assert out.err.index("loaded 20/20") < steps[0] < steps[1]  # the long steps after the chunks
    assert count(cli_url, Assessment) == 20
    assert main(["load", str(data), "--chunk-size", "0"]) == 2
