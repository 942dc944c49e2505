"""Login timing and the parallel lock-out probe, with the production Argon2id parameters.

* timing: median seconds of a login with an unknown username, a wrong password and an inactive
  account (they should be the same: a dummy hash is verified when there is no account);
* probe: 30 logins at once (29 wrong, 1 right) against one account, on a SQLite file and, when
  ``RONGHE_TEST_POSTGRES_URL`` is set, on PostgreSQL: how many passwords were checked, what each
  caller got, and whether the account is locked afterwards.

``python -m bench login``
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import assessment.models  # noqa: F401
import assessment.repo.accounts as accounts
from assessment.db import make_engine
from assessment.repo.errors import AccountLocked, LoginFailed

PASSWORD = "correct horse battery"
ROUNDS = 15
PARALLEL = 30


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    with contextlib.suppress(LoginFailed, AccountLocked):
        call()
    return time.perf_counter() - started


def _login(engine: Engine, username: str, password: str) -> float:
    with Session(engine) as session:
        return _timed(lambda: accounts.authenticate(session, username=username, password=password))


def timing(engine: Engine) -> dict[str, float]:
    with Session(engine) as session:
        accounts.create_user(session, actor=None, username="timed", role="admin", password=PASSWORD)
        inactive = accounts.create_user(
            session, actor=None, username="gone", role="admin", password=PASSWORD
        )
        inactive.is_active = False
        session.add(inactive)
        session.commit()
    cases = {
        "unknown username": ("nobody-here", "wrong password!"),
        "wrong password": ("timed", "wrong password!"),
        "inactive account": ("gone", PASSWORD),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, (username, password) in cases.items():
            times[name].append(_login(engine, username, password))
            if name != "unknown username":  # keep the accounts below the lock-out limit
                with engine.begin() as connection:
                    connection.execute(text("UPDATE app_user SET failed_logins = 0"))
    return {name: statistics.median(values) for name, values in times.items()}


def probe(engine: Engine) -> dict[str, object]:
    with Session(engine) as session:
        accounts.create_user(
            session, actor=None, username="target", role="admin", password=PASSWORD
        )
    real = accounts.verify_password
    checked = Counter[str]()
    lock = threading.Lock()

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            checked["verify"] += 1
        return real(password_hash, password)

    accounts.verify_password = counting
    outcomes = Counter[str]()
    barrier = threading.Barrier(PARALLEL)

    def attempt(password: str) -> None:
        barrier.wait()
        with Session(engine) as session:
            try:
                accounts.authenticate(session, username="target", password=password)
                result = "signed in"
            except AccountLocked:
                result = "locked"
            except LoginFailed:
                result = "wrong password"
        with lock:
            outcomes[result] += 1

    passwords = ["wrong password!"] * (PARALLEL - 1) + [PASSWORD]
    threads = [threading.Thread(target=attempt, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accounts.verify_password = real
    with Session(engine) as session:
        try:
            accounts.authenticate(session, username="target", password="wrong password!")
            after = "open"
        except AccountLocked:
            after = "locked"
        except LoginFailed:
            after = "open (wrong password checked)"
    return {"checked": checked["verify"], "outcomes": dict(outcomes), "afterwards": after}


def _engines() -> list[tuple[str, Engine, Callable[[], None]]]:
    folder = Path(tempfile.mkdtemp())
    sqlite = make_engine(f"sqlite:///{folder / 'login.db'}")
    found = [("sqlite", sqlite, lambda: None)]
    url = os.environ.get("RONGHE_TEST_POSTGRES_URL")
    if url:
        name = f"ronghe_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(make_url(url).set(database=name).render_as_string(hide_password=False))

        def drop() -> None:
            engine.dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))

        found.append(("postgres", engine, drop))
    return found


def run() -> None:
    for backend, engine, drop in _engines():
        try:
            SQLModel.metadata.create_all(engine)
            medians = timing(engine)
            shown = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in medians.items())
            print(f"{backend}: login median over {ROUNDS}: {shown}")
            print(f"{backend}: {PARALLEL} parallel logins (29 wrong, 1 right): {probe(engine)}")
        finally:
            drop()


if __name__ == "__main__":
    run()
