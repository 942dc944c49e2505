"""Reports by enterprise and year, one at a time or many as a zip, each export audited."""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import sys
import types
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Final, Literal

from sqlmodel import Session, col, select

from assessment.models import Assessment, Enterprise, User
from assessment.repo.access import scope_condition
from assessment.repo.audit import record_export
from assessment.repo.errors import NotFound
from assessment.reports.content import ReportContent, report_content
from assessment.reports.pdf import report_pdf
from assessment.reports.workbook import report_workbook

Format = Literal["pdf", "xlsx"]
FORMATS: Final = ("pdf", "xlsx")
PARALLEL_FROM: Final = 12  # below this, starting worker processes costs more than it saves
MAX_WORKERS: Final = 4


def find_assessment(session: Session, *, actor: User, uscc: str, year: int) -> Assessment:
    """The assessment of enterprise ``uscc`` for ``year`` in the actor's scope (newest first)."""
    found = session.exec(
        select(Assessment)
        .join(Enterprise, col(Enterprise.id) == col(Assessment.enterprise_id))
        .where(
            col(Enterprise.uscc) == uscc.strip().upper(),
            col(Assessment.year) == year,
            scope_condition(actor),
        )
        .order_by(col(Assessment.id).desc())
    ).first()
    if found is None:
        raise NotFound(
            f"在您的范围内找不到企业 {uscc} 的 {year} 年评估。",
            f"No {year} assessment of enterprise {uscc} within your scope.",
        )
    return found


def _file(content: ReportContent, fmt: Format, lang: str) -> tuple[str, bytes]:
    """(file name, bytes) of one report's content (a pure function: runs in worker processes)."""
    data = report_pdf(content, lang=lang) if fmt == "pdf" else report_workbook(content, lang=lang)
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", content.enterprise_name)[:60]
    return f"{content.uscc}_{content.year}_{safe}.{fmt}", data


def render_report(
    session: Session, *, actor: User, assessment_id: int, fmt: Format = "pdf", lang: str = "zh"
) -> tuple[str, bytes]:
    """(file name, bytes) of one report, not audited (see :func:`export_reports`)."""
    return _file(report_content(session, actor=actor, assessment_id=assessment_id), fmt, lang)


@contextmanager
def _bare_main() -> Iterator[None]:
    """A spawned worker re-runs its parent's ``__main__`` file before its first task. Under
    ``streamlit run`` that file is the app script: each worker would run the whole app and die
    (BrokenProcessPool). The workers need only importable modules, so they start while
    ``__main__`` is a bare module."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def _render_all(
    session: Session, actor: User, ids: Sequence[int], fmt: Format, lang: str
) -> list[tuple[str, bytes]]:
    """Gather each report's content here (database work) and, when there are many, render them
    in worker processes meanwhile, so gathering and rendering overlap."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(ids) < PARALLEL_FROM or workers < 2:
        return [
            render_report(session, actor=actor, assessment_id=i, fmt=fmt, lang=lang) for i in ids
        ]
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server process
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        with _bare_main():  # start every worker now, while __main__ is bare
            started = [pool.submit(os.getpid) for _ in range(workers)]
        for future in started:
            future.result()
        futures = [
            pool.submit(_file, report_content(session, actor=actor, assessment_id=i), fmt, lang)
            for i in ids
        ]
        return [future.result() for future in futures]


def export_reports(
    session: Session,
    *,
    actor: User,
    assessment_ids: Sequence[int],
    fmt: Format = "pdf",
    lang: str = "zh",
    as_zip: bool = False,
) -> tuple[str, bytes]:
    """One report file, or a zip of several (or of one, with ``as_zip``), recorded in the audit
    log as one export."""
    if not assessment_ids:
        raise NotFound("没有选中评估。", "No assessment selected.")
    files = _render_all(session, actor, assessment_ids, fmt, lang)
    record_export(
        session,
        actor=actor,
        what=f"report.{fmt}",
        object_type="assessment",
        object_ids=assessment_ids,
        detail={"lang": lang, "files": len(files)},
    )
    if len(files) == 1 and not as_zip:
        return files[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return f"reports_{fmt}_{len(files)}.zip", buffer.getvalue()
