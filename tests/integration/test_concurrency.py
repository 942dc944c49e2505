"""No lost updates: concurrent writers (threads, each with its own session) on one draft, on a
SQLite file (WAL) and on PostgreSQL. Every save either lands, visible afterwards, or is refused
with ConflictError; versions are handed out exactly once each."""

from __future__ import annotations

import random
import threading
from collections import defaultdict

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assessment import repository
from assessment.models import AuditEvent, Role, User
from assessment.repository import ConflictError
from tests.integration.factories import dcmm_answers, make_admin, make_enterprise, make_user

WRITERS = 6
SAVES_PER_WRITER = 15


def test_concurrent_writers_never_lose_a_save(file_engine: Engine) -> None:
    with Session(file_engine, expire_on_commit=False) as session:
        admin = make_admin(session)
        enterprise = make_enterprise(session, admin, "320102")
        writers: list[User] = [make_user(session, Role.CONSULTANT) for _ in range(WRITERS)]
        repository.assign_consultant(
            session,
            actor=None,
            consultant_id=writers[0].id or 0,
            enterprise_ids=[enterprise.id or 0],
        )
        for writer in writers[1:]:
            repository.assign_consultant(
                session,
                actor=None,
                consultant_id=writer.id or 0,
                enterprise_ids=[enterprise.id or 0],
            )
        draft = repository.create_assessment(
            session, actor=admin, enterprise_id=enterprise.id or 0, year=2025, frameworks=["dcmm"]
        )
    indicators = [a[1] for a in dcmm_answers()]
    landed: list[tuple[int, str, str, str]] = []  # (version, writer, indicator, value)
    refused: list[ConflictError] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def write(writer: User, seed: int) -> None:
        rng = random.Random(seed)
        try:
            start.wait()
            for _ in range(SAVES_PER_WRITER):
                with Session(file_engine) as session:
                    base = repository.get_assessment(
                        session, actor=writer, assessment_id=draft.id or 0
                    ).version
                    indicator = rng.choice(indicators)  # shared indicators: real contention
                    value = str(rng.randint(0, 5))
                    try:
                        version = repository.save_answers(
                            session,
                            actor=writer,
                            assessment_id=draft.id or 0,
                            base_version=base,
                            answers=[("dcmm", indicator, value)],
                        )
                    except ConflictError as exc:
                        with lock:
                            refused.append(exc)
                        continue
                with lock:
                    landed.append((version, writer.username, indicator, value))
        except BaseException as exc:  # surfaced below: a thread must not die silently
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(w, i)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(landed) + len(refused) == WRITERS * SAVES_PER_WRITER
    versions = sorted(v for v, *_ in landed)
    assert versions == list(range(2, 2 + len(landed)))  # each version claimed exactly once
    assert landed  # at least the first save of the race lands
    for conflict in refused:
        assert conflict.current_version > conflict.base_version
        assert conflict.saved_by in {w.username for w in writers}
        assert len(conflict.refused_answers) == 1

    last_write: dict[str, str] = {}
    for _, _, indicator, value in sorted(landed):
        last_write[indicator] = value
    by_writer: dict[str, int] = defaultdict(int)
    for _, username, *_ in landed:
        by_writer[username] += 1
    with Session(file_engine) as session:
        final = repository.get_assessment(session, actor=admin, assessment_id=draft.id or 0)
        assert final.version == 1 + len(landed)
        stored = repository.get_answers(session, actor=admin, assessment_id=draft.id or 0)
        assert dict(zip(stored["indicator_id"], stored["answer"], strict=True)) == last_write
        saves = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "assessment.save")
        ).all()
        assert len(saves) == len(landed)
        audited: dict[str, int] = defaultdict(int)
        for event in saves:
            audited[event.actor_username] += 1
        assert audited == by_writer


@pytest.mark.parametrize("writers", [2])
def test_two_people_saving_the_same_base_one_wins_one_is_told(
    file_engine: Engine, writers: int
) -> None:
    with Session(file_engine, expire_on_commit=False) as session:
        admin = make_admin(session)
        enterprise = make_enterprise(session, admin, "320102")
        owner = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)
        draft = repository.create_assessment(
            session, actor=owner, enterprise_id=enterprise.id or 0, year=2025, frameworks=["dcmm"]
        )
    indicator = dcmm_answers()[0][1]
    outcomes: list[object] = []
    barrier = threading.Barrier(writers)

    def save(value: str) -> None:
        with Session(file_engine) as session:
            barrier.wait()
            try:
                outcomes.append(
                    repository.save_answers(
                        session,
                        actor=owner,
                        assessment_id=draft.id or 0,
                        base_version=1,
                        answers=[("dcmm", indicator, value)],
                    )
                )
            except ConflictError as exc:
                outcomes.append(exc)

    threads = [threading.Thread(target=save, args=(str(i + 1),)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o for o in outcomes if isinstance(o, int)) == [2]
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(conflicts) == writers - 1
    with Session(file_engine) as session:
        stored = repository.get_answers(session, actor=owner, assessment_id=draft.id or 0)
    winner_value = stored["answer"].tolist()
    refused_values = [c.refused_answers[0].answer for c in conflicts]
    assert len(winner_value) == 1
    assert winner_value[0] not in refused_values
