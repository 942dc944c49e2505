"""Client reports: the PDF holds the enterprise and Chinese level names with an embedded font,
renders to a non-blank page, the workbook holds its four sheets, and scope is enforced."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, select

from assessment.models import AuditEvent, Role
from assessment.repo.errors import AccessDenied
from assessment.reports.bundle import export_reports, find_assessment, render_report
from assessment.reports.content import report_content
from assessment.reports.pdf import report_pdf
from indicators.loader import load_framework
from tests.integration import factories as f
from tests.integration.consultant_setup import CLIENT_NAME, make_client


def _pdf(session: Session, lang: str = "zh") -> bytes:
    client = make_client(session)
    assert client.assessment.id is not None
    content = report_content(session, actor=client.consultant, assessment_id=client.assessment.id)
    return report_pdf(content, lang=lang)


def test_pdf_text_holds_the_enterprise_and_chinese_level_names(session: Session) -> None:
    reader = PdfReader(io.BytesIO(_pdf(session)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert CLIENT_NAME in text
    assert "受管理级" in text  # DCMM level 2, reached with every answer at 2
    assert "融合指数" in text
    assert "不是工业和信息化部发布的两化融合发展指数" in text.replace("\n", "")
    assert f"dcmm@{load_framework('dcmm').version}" in text


def test_pdf_embeds_its_cjk_font(session: Session) -> None:
    reader = PdfReader(io.BytesIO(_pdf(session)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            embedded.append(any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert embedded
    assert all(embedded)


def test_english_report_is_in_english(session: Session) -> None:
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_pdf(session, "en"))).pages)
    assert "Ronghe Index" in text
    assert "Managed" in text  # DCMM level 2 in English
    assert CLIENT_NAME in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_rasterised_page_is_not_blank(session: Session, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(_pdf(session))
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    image = next(tmp_path.glob("p*.pgm")).read_bytes()
    pixels = image.split(b"\n", 3)[3]  # P5 header: magic, size, maxval
    dark = sum(1 for value in pixels if value < 128)
    assert dark > 200  # text and the bar chart, not an empty page


def test_workbook_has_summary_scores_answers_and_gaps(session: Session) -> None:
    client = make_client(session)
    assert client.assessment.id is not None
    name, data = render_report(
        session, actor=client.consultant, assessment_id=client.assessment.id, fmt="xlsx"
    )
    assert name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["概要", "得分", "答案", "差距与建议"]
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["企业名称"] == CLIENT_NAME
    assert "融合指数" in summary
    answers = list(book["答案"].iter_rows(min_row=2, values_only=True))
    assert {row[3] for row in answers} == {"2"}
    assert len(list(book["差距与建议"].iter_rows(min_row=2))) > 0


def test_another_consultant_gets_no_report(session: Session) -> None:
    client = make_client(session)
    stranger = f.make_user(session, Role.CONSULTANT)
    assert client.assessment.id is not None
    with pytest.raises(AccessDenied):
        report_content(session, actor=stranger, assessment_id=client.assessment.id)
    with pytest.raises(Exception, match="2025"):
        find_assessment(session, actor=stranger, uscc=client.enterprise.uscc, year=2025)


def test_several_reports_come_as_one_audited_zip(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assessment.reports.bundle as bundle

    monkeypatch.setattr(bundle, "PARALLEL_FROM", 2)  # render in worker processes
    client = make_client(session)
    other = make_client(session, year=2024)
    ids = [client.assessment.id, other.assessment.id]
    name, data = export_reports(session, actor=client.admin, assessment_ids=ids)  # type: ignore[arg-type]
    assert name.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == 2
    assert all(n.endswith(".pdf") for n in names)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert events[-1].detail["what"] == "report.pdf"


def test_worker_processes_do_not_rerun_a_served_app_script(
    session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Under ``streamlit run`` the app script is ``__main__``; spawned workers used to re-run it
    and the bulk export died with BrokenProcessPool."""
    import types

    import assessment.reports.bundle as bundle

    script = tmp_path / "served_app.py"
    script.write_text("raise SystemExit('the app script ran in a worker')\n")
    served = types.ModuleType("__main__")
    served.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", served)
    monkeypatch.setattr(bundle, "PARALLEL_FROM", 2)
    client = make_client(session)
    other = make_client(session, year=2024)
    ids = [client.assessment.id, other.assessment.id]
    _name, data = export_reports(session, actor=client.admin, assessment_ids=ids)  # type: ignore[arg-type]
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 2
    assert sys.modules["__main__"] is served


def test_a_rare_character_in_a_name_switches_to_the_whole_font(session: Session) -> None:
    from assessment.reports.pdf import FAST_FONT_FILE, FONT_FILE, font_path

    assert font_path(["南京融合精密机械有限公司", "受管理级"]) == str(FAST_FONT_FILE)
    assert font_path(["喆堃科技有限公司"]) == str(FONT_FILE)
    client = make_client(session)
    client.enterprise.name = "喆堃科技有限公司"
    session.add(client.enterprise)
    session.commit()
    assert client.assessment.id is not None
    content = report_content(session, actor=client.consultant, assessment_id=client.assessment.id)
    text = PdfReader(io.BytesIO(report_pdf(content))).pages[0].extract_text()
    assert "喆堃科技有限公司" in text
