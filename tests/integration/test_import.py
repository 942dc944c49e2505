"""Importing filled templates and long tables: drafts of the consultant's clients, encodings
detected and said, all or nothing, idempotent, audited with the file's hash."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from assessment.exchange.importing import apply_import, check_import, issues_workbook
from assessment.exchange.reading import ImportRefused, Issue, read_upload
from assessment.exchange.templates import template_workbook
from assessment.models import Answer, Assessment, AuditEvent, Enterprise
from indicators.loader import load_framework
from tests.integration.consultant_setup import Client, make_client


def _filled_template(client: Client, value: str = "3", year: int = 2026) -> bytes:
    book = load_workbook(io.BytesIO(template_workbook(["dcmm", "sme"])))
    sheet = book["dcmm"]
    sheet.append([client.enterprise.uscc, year] + [value] * (sheet.max_column - 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _answers(session: Session, assessment_id: int) -> dict[str, str]:
    rows = session.execute(
        select(Answer.indicator_id, Answer.answer).where(Answer.assessment_id == assessment_id)
    ).all()
    return {str(i): str(a) for i, a in rows}


def test_template_names_every_indicator_of_the_version_with_lists() -> None:
    book = load_workbook(io.BytesIO(template_workbook({"dcmm": "2018.1"})))
    keys = [c.value for c in book["dcmm"][1]]
    framework = load_framework("dcmm", "2018.1")
    assert keys == ["uscc", "year", *[i.id for i in framework.indicators]]
    assert book["dcmm"].freeze_panes == "C4"
    assert [c.value for c in book["dcmm"][2]][2] == framework.indicators[0].name.zh
    rules = book["dcmm"].data_validations.dataValidation
    assert len(rules) == len(framework.indicators)
    assert ["framework", "dcmm", "2018.1"] in [
        [c.value for c in row] for row in book["_meta"].iter_rows()
    ]


def test_filled_template_imports_as_a_draft_and_twice_changes_nothing(session: Session) -> None:
    client = make_client(session)
    data = _filled_template(client)
    first = apply_import(session, actor=client.consultant, parsed=read_upload("filled.xlsx", data))
    assert first.changed
    assert first.assessments_new == 1
    (new_id,) = first.assessment_ids
    draft = session.get(Assessment, new_id)
    assert draft is not None
    assert (draft.status, draft.year, draft.created_by) == ("draft", 2026, client.consultant.id)
    assert draft.framework_versions == {"dcmm": load_framework("dcmm").version}
    assert set(_answers(session, new_id).values()) == {"3"}
    counts = [
        session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Assessment, Answer)
    ]
    second = apply_import(session, actor=client.consultant, parsed=read_upload("filled.xlsx", data))
    assert not second.changed
    assert second.previously_imported_at is not None
    assert "Nothing changed" in second.message("en")
    assert "没有变化" in second.message("zh")
    assert counts == [
        session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Assessment, Answer)
    ]
    session.refresh(draft)
    assert draft.version == 1
    events = session.execute(
        select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.action.in_(["import", "import.unchanged"])  # type: ignore[attr-defined]
        )
    ).all()
    digest = hashlib.sha256(data).hexdigest()
    assert [a for a, _ in events] == ["import", "import.unchanged"]
    assert all(d["sha256"] == digest for _, d in events)


def test_import_into_an_existing_draft_sets_the_answers_given(session: Session) -> None:
    client = make_client(session)  # a 2025 draft with every DCMM answer at 2
    assert client.assessment.id is not None
    csv = "uscc,year,framework_id,indicator_id,answer\n"
    csv += f"{client.enterprise.uscc},2025,dcmm,data_strategy_planning,4\n"
    outcome = apply_import(
        session, actor=client.consultant, parsed=read_upload("a.csv", csv.encode())
    )
    assert (outcome.assessments_new, outcome.answers_written) == (0, 1)
    answers = _answers(session, client.assessment.id)
    assert answers["data_strategy_planning"] == "4"
    assert sorted(set(answers.values())) == ["2", "4"]  # the others are kept
    session.refresh(client.assessment)
    assert client.assessment.version == 3  # created 1, saved 2, imported 3


@pytest.mark.parametrize(
    ("encoding", "prefix", "said"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 (BOM)"),
        ("gbk", b"", "GBK"),
        ("gb18030", b"", "GB18030"),
    ],
)
def test_csv_encodings_are_detected_and_said(
    session: Session, encoding: str, prefix: bytes, said: str
) -> None:
    client = make_client(session)
    note = "已核实𠀀" if said == "GB18030" else "已核实"  # 𠀀 exists in GB18030, not in GBK
    text = (
        "uscc,year,framework_id,indicator_id,answer,备注\n"
        f"{client.enterprise.uscc},2026,dcmm,data_strategy_planning,3,{note}\n"
    )
    parsed = read_upload("answers.csv", prefix + text.encode(encoding))
    assert parsed.encoding == said
    outcome = apply_import(session, actor=client.consultant, parsed=parsed)
    assert outcome.answers_written == 1


def test_one_bad_row_among_good_ones_stores_nothing(session: Session) -> None:
    client = make_client(session)
    u = client.enterprise.uscc
    csv = (
        "uscc,year,framework_id,indicator_id,answer\n"
        f"{u},2026,dcmm,data_strategy_planning,3\n{u},2026,dcmm,data_governance_org,7\n"
        f"{u},2026,dcmm,data_strategy_implementation,3\n"
    )
    before = session.execute(select(func.count()).select_from(Assessment)).scalar_one()
    parsed = read_upload("a.csv", csv.encode())
    check = check_import(session, actor=client.consultant, parsed=parsed)
    assert [(i.row, i.column) for i in check.issues] == [(3, "answer")]
    with pytest.raises(ImportRefused):
        apply_import(session, actor=client.consultant, parsed=parsed)
    assert session.execute(select(func.count()).select_from(Assessment)).scalar_one() == before


def test_long_layout_with_assessment_ids_and_a_zipped_data_set(session: Session) -> None:
    client = make_client(session)
    u = client.enterprise.uscc
    answers = (
        f"assessment_id,framework_id,indicator_id,answer\n{u}-2024,dcmm,data_strategy_planning,1\n"
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("data/answers.csv", answers)
    outcome = apply_import(
        session, actor=client.consultant, parsed=read_upload("set.zip", archive.getvalue())
    )
    assert outcome.assessments_new == 1


def test_an_admin_registers_new_enterprises_from_the_template(session: Session) -> None:
    from tests.integration.factories import make_uscc

    client = make_client(session)
    code = make_uscc("320102")
    book = load_workbook(io.BytesIO(template_workbook(["dcmm"])))
    book["企业 Enterprises"].append(
        [code, "新登记企业有限公司", "320102", "C34", 120, 8000, "discrete"]
    )
    book["dcmm"].append([code, 2026, "2", "2", "2"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = read_upload("t.xlsx", buffer.getvalue())
    assert check_import(session, actor=client.admin, parsed=parsed).assessments_new == 1
    outcome = apply_import(session, actor=client.admin, parsed=parsed)
    assert (outcome.assessments_new, outcome.answers_written) == (1, 3)
    firm = session.execute(select(Enterprise).where(Enterprise.uscc == code)).scalar_one()
    assert firm.name == "新登记企业有限公司"


def test_validation_report_workbook_is_inert() -> None:
    issues = [Issue("dcmm", 4, "C", '=HYPERLINK("x")', "公式", "formula")]
    sheet = load_workbook(io.BytesIO(issues_workbook(issues))).active
    assert sheet is not None
    assert sheet["D2"].value == '\'=HYPERLINK("x")'
    assert sheet["D2"].data_type == "s"


@pytest.mark.parametrize(
    ("reason", "zh"),
    [
        ("level outside 0..5", "等级应在 0–5 之间"),
        ("not 'yes' or 'no'", "应为 yes 或 no"),
        ("N/A not allowed", "该指标不允许填 na（不适用）"),
        ("not a percentage 0..100", "应为 0–100 的百分数"),
        ("not a number", "应为数字"),
        ("something new", "something new"),
    ],
)
def test_engine_reasons_are_said_in_chinese(reason: str, zh: str) -> None:
    from assessment.exchange.importing import answer_reason

    level = load_framework("dcmm").indicators[0]
    assert answer_reason(reason, level) == (zh, reason)


def test_an_unknown_option_lists_the_options() -> None:
    from assessment.exchange.importing import answer_reason

    choice = next(i for i in load_framework("sme").indicators if i.options)
    zh, en = answer_reason("unknown option", choice)
    assert zh.startswith("不是该指标的选项；可选：")
    assert choice.options is not None
    assert en.endswith(", ".join(o.id for o in choice.options))


def test_the_size_limit_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RONGHE_MAX_UPLOAD_BYTES", str(2**20))
    with pytest.raises(ImportRefused, match="file too large"):
        read_upload("a.csv", b"x" * (2**20 + 1))
