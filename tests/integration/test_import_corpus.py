"""A corpus of bad files: each is refused with the right reason and stores nothing (row counts
of every data table before and after). The files are generated here, small and deterministic."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from assessment import repository
from assessment.exchange.importing import apply_import
from assessment.exchange.reading import ImportRefused, Limits, read_upload
from assessment.exchange.templates import template_workbook
from assessment.models import Answer, Assessment, AuditEvent, Enterprise, Role
from tests.integration import factories as f
from tests.integration.consultant_setup import Client, make_client

LONG_HEADER = "uscc,year,framework_id,indicator_id,answer\n"


@dataclass(frozen=True)
class Bad:
    """One kind of bad file: how to make it and the reason it must be refused with."""

    name: str
    make: Callable[[Session, Client], tuple[str, bytes]]
    reason: str
    limits: Limits | None = None


def _long(client: Client, *lines: str, header: str = LONG_HEADER) -> tuple[str, bytes]:
    body = "".join(line.replace("{U}", client.enterprise.uscc) + "\n" for line in lines)
    return "answers.csv", (header + body).encode("utf-8")


def _template(change: Callable[..., None], client: Client) -> tuple[str, bytes]:
    book = load_workbook(io.BytesIO(template_workbook(["dcmm"])))
    sheet = book["dcmm"]
    width = sheet.max_column
    sheet.append([client.enterprise.uscc, 2026] + ["3"] * (width - 2))
    change(book, client)
    buffer = io.BytesIO()
    book.save(buffer)
    return "filled.xlsx", buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _submitted(session: Session, client: Client) -> tuple[str, bytes]:
    assert client.assessment.id is not None
    repository.submit_assessment(
        session,
        actor=client.consultant,
        assessment_id=client.assessment.id,
        base_version=client.assessment.version,
    )
    return _long(client, "{U},2025,dcmm,data_strategy_planning,4")


def _outsider(session: Session, client: Client) -> tuple[str, bytes]:
    other = f.make_enterprise(session, client.admin, name="别家企业有限公司")
    return "answers.csv", (
        LONG_HEADER + f"{other.uscc},2026,dcmm,data_strategy_planning,3\n"
    ).encode()


def _enterprise_row(region: str, industry: str) -> Callable[..., None]:
    def change(book, client):  # type: ignore[no-untyped-def]
        book["企业 Enterprises"].append(
            [client.enterprise.uscc, "企业", region, industry, 100, 5000, "discrete"]
        )

    return change


def _merge(cells: str) -> Callable[..., None]:
    return lambda book, client: book["dcmm"].merge_cells(cells)


def _set(cell: str, value: object, sheet: str = "dcmm") -> Callable[..., None]:
    def change(book, client):  # type: ignore[no-untyped-def]
        book[sheet][cell] = value

    return change


CORPUS = [
    Bad("empty file", lambda s, c: ("answers.csv", b""), "empty"),
    Bad("unsupported type", lambda s, c: ("answers.txt", b"a,b\n"), "unsupported file type"),
    Bad(
        "too large",
        lambda s, c: _long(c, "{U},2026,dcmm,data_strategy_planning,3"),
        "file too large",
        Limits(max_bytes=40),
    ),
    Bad(
        "zip bomb",
        lambda s, c: ("bomb.zip", _zip({"answers.csv": b"0" * 30_000_000})),
        "zip bomb",
    ),
    Bad(
        "expands beyond the limit",
        lambda s, c: ("big.zip", _zip({"answers.csv": LONG_HEADER.encode() * 2000})),
        "expands too far",
        Limits(max_expanded_bytes=10_000),
    ),
    Bad(
        "archive in an archive",
        lambda s, c: ("nested.zip", _zip({"inner.zip": _zip({"a.csv": b"x"})})),
        "archives inside the archive",
    ),
    Bad("damaged workbook", lambda s, c: ("filled.xlsx", b"PK\x03\x04garbage"), "damaged file"),
    Bad(
        "UTF-16 text",
        lambda s, c: ("answers.csv", LONG_HEADER.encode("utf-16")),
        "UTF-16",
    ),
    Bad("binary data", lambda s, c: ("answers.csv", b"\x00\x01\x02binary"), "not a text file"),
    Bad(
        "unknown encoding", lambda s, c: ("answers.csv", b"\x80abc,def\n"), "unknown text encoding"
    ),
    Bad(
        "malformed CSV",
        lambda s, c: _long(c, '{U},2026,dcmm,"data_strategy_planning,3'),
        "malformed CSV",
    ),
    Bad(
        "missing column",
        lambda s, c: _long(
            c,
            "{U},2026,dcmm,data_strategy_planning",
            header="uscc,year,framework_id,indicator_id\n",
        ),
        "missing required column",
    ),
    Bad("header only", lambda s, c: _long(c), "holds no answers"),
    Bad(
        "unknown framework",
        lambda s, c: _long(c, "{U},2026,nosuch,data_strategy_planning,3"),
        "unknown framework",
    ),
    Bad(
        "unreleased version",
        lambda s, c: _long(
            c,
            "{U},2026,dcmm,data_strategy_planning,3,2099.9",
            header="uscc,year,framework_id,indicator_id,answer,framework_version\n",
        ),
        "no released version",
    ),
    Bad(
        "unknown indicator",
        lambda s, c: _long(c, "{U},2026,dcmm,no_such_indicator,3"),
        "not an indicator of framework",
    ),
    Bad(
        "level out of range",
        lambda s, c: _long(c, "{U},2026,dcmm,data_strategy_planning,9"),
        "invalid answer",
    ),
    Bad(
        "bad credit code",
        lambda s, c: _long(c, "91320102MA1ABCDE1X,2026,dcmm,data_strategy_planning,3"),
        "invalid unified social credit code",
    ),
    Bad(
        "duplicate rows",
        lambda s, c: _long(
            c, "{U},2026,dcmm,data_strategy_planning,3", "{U},2026,dcmm,data_strategy_planning,4"
        ),
        "duplicate row",
    ),
    Bad(
        "empty required cell",
        lambda s, c: _long(c, "{U},2026,dcmm,,3"),
        "empty required cell",
    ),
    Bad("bad year", lambda s, c: _long(c, "{U},20x6,dcmm,data_strategy_planning,3"), "the year"),
    Bad(
        "formula in a CSV",
        lambda s, c: _long(c, "{U},2026,dcmm,data_strategy_planning,=1+2"),
        "formula",
    ),
    Bad("formula in a template", lambda s, c: _template(_set("C4", "=2+1"), c), "formula"),
    Bad("merged header cells", lambda s, c: _template(_merge("C2:D2"), c), "merged header"),
    Bad(
        "merged data cells", lambda s, c: _template(_merge("C4:D4"), c), "merged cells in the data"
    ),
    Bad(
        "wrong template format",
        lambda s, c: _template(_set("B1", "other/9", "_meta"), c),
        "template format",
    ),
    Bad(
        "unknown region",
        lambda s, c: _template(_enterprise_row("999999", "C34"), c),
        "Region code",
    ),
    Bad(
        "unknown industry",
        lambda s, c: _template(_enterprise_row("320102", "C99"), c),
        "Industry code",
    ),
    Bad("enterprise outside the assignments", _outsider, "outside your assignments"),
    Bad("submitted assessment", _submitted, "submitted and cannot be overwritten"),
]


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        int(session.execute(select(func.count()).select_from(model)).scalar_one())
        for model in (Enterprise, Assessment, Answer, AuditEvent)
    )


def _import(
    session: Session, client: Client, filename: str, data: bytes, limits: Limits | None
) -> None:
    apply_import(session, actor=client.consultant, parsed=read_upload(filename, data, limits))


def test_the_corpus_is_large() -> None:
    assert len({bad.name for bad in CORPUS}) >= 20


@pytest.mark.parametrize("bad", CORPUS, ids=[bad.name for bad in CORPUS])
def test_bad_file_is_refused_and_nothing_is_stored(session: Session, bad: Bad) -> None:
    client = make_client(session)
    filename, data = bad.make(session, client)
    before = _counts(session)
    with pytest.raises(ImportRefused) as refused:
        _import(session, client, filename, data, bad.limits)
    reasons = " | ".join(i.reason_en for i in refused.value.issues)
    assert bad.reason in reasons
    assert refused.value.message_zh  # every refusal says why in Chinese too
    assert all(i.reason_zh for i in refused.value.issues)
    assert _counts(session) == before


def test_a_bureau_may_not_import(session: Session) -> None:
    from assessment.repo.errors import AccessDenied

    client = make_client(session)
    bureau = f.make_user(session, Role.BUREAU, region_code="320000")
    parsed = read_upload(*_long(client, "{U},2026,dcmm,data_strategy_planning,3"))
    with pytest.raises(AccessDenied):
        apply_import(session, actor=bureau, parsed=parsed)
