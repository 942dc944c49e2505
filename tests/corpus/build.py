"""Build the bad-input corpus (issue 11 item 9): ``python -m tests.corpus.build``.

Writes one case per folder or file under ``tests/corpus/{load,score,penalty}/`` and
``expected.json``: for every case the command-line arguments, environment overrides and a
fragment of the one-line refusal it must give. The files are committed; this script documents
how they were made and rebuilds them.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from assessment.demo import DemoData, generate
from indicators.loader import load_framework

HERE = Path(__file__).parent
Tables = dict[str, pd.DataFrame]
CASES: dict[str, dict[str, Any]] = {}


def dataset(seed: int) -> Tables:
    data = generate(enterprises=3, years=1, seed=seed, frameworks={"dcmm": load_framework("dcmm")})
    return {
        "enterprises": data.enterprises.drop(columns=["size_class"]).astype(str),
        "assessments": data.assessments.astype(str),
        "answers": data.answers.astype(str),
    }


def base() -> Tables:
    return dataset(2)


def write_set(folder: Path, tables: Tables, fmt: str = "csv") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "csv" or name != "enterprises":
            frame.to_csv(folder / f"{name}.csv", index=False)
        else:
            frame.to_excel(folder / f"{name}.xlsx", index=False)


def case(kind: str, name: str, expect: str, *, args: list[str] | None = None, **extra: Any) -> None:
    CASES[f"{kind}/{name}"] = {"expect": expect, "args": args or [], **extra}


def load_case(name: str, expect: str, change: Callable[[Tables], None], **extra: Any) -> None:
    tables = base()
    change(tables)
    write_set(HERE / "load" / name, tables)
    case("load", name, expect, **extra)


def cell(table: str, column: str, value: str, row: int = 0) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table].loc[row, column] = value

    return change


def build_load() -> None:
    load_case(
        "unknown_framework",
        "unknown framework 'nosuch'",
        cell("assessments", "frameworks", "nosuch@1.0"),
    )
    load_case(
        "unknown_version", "has no version '9.9'", cell("assessments", "frameworks", "dcmm@9.9")
    )
    load_case(
        "frameworks_without_at",
        "should read framework@version",
        cell("assessments", "frameworks", "dcmm"),
    )
    load_case("frameworks_empty", "lists no framework", cell("assessments", "frameworks", "|"))
    load_case(
        "frameworks_twice",
        "listed twice",
        cell("assessments", "frameworks", "dcmm@2018.1|dcmm@2018.1"),
    )
    load_case(
        "negative_employees",
        "'-5' is not a whole number from 0 to 2147483647",
        cell("enterprises", "employees", "-5"),
    )
    load_case(
        "employees_underscore",
        "'1_000' is not a whole number",
        cell("enterprises", "employees", "1_000"),
    )
    load_case(
        "employees_fullwidth", "is not a whole number", cell("enterprises", "employees", "１２３")
    )
    load_case(
        "employees_out_of_range",
        "is not a whole number from 0 to 2147483647",
        cell("enterprises", "employees", "99999999999"),
    )
    load_case(
        "employees_decimal",
        "'12.5' is not a whole number",
        cell("enterprises", "employees", "12.5"),
    )
    load_case("revenue_inf", "'inf' is not a number", cell("enterprises", "revenue_wan", "inf"))
    load_case("revenue_nan", "'nan' is not a number", cell("enterprises", "revenue_wan", "nan"))
    load_case(
        "revenue_negative",
        "is not a number from 0 to 10000000000",
        cell("enterprises", "revenue_wan", "-1.5"),
    )
    load_case(
        "name_too_long", "longer than 200 characters", cell("enterprises", "name", "长" * 201)
    )
    load_case("name_nul", "control character", cell("enterprises", "name", "A\x00B"))
    load_case("name_empty", "must not be empty", cell("enterprises", "name", ""))
    load_case(
        "uscc_check_char", "check character", cell("enterprises", "uscc", _wrong_check(base()))
    )
    load_case(
        "region_unknown", "not in the reference data", cell("enterprises", "region_code", "990100")
    )
    load_case(
        "industry_not_manufacturing",
        "not a manufacturing division",
        cell("enterprises", "industry_code", "A01"),
    )
    load_case(
        "production_type",
        "must be discrete or process",
        cell("enterprises", "production_type", "batch"),
    )
    load_case(
        "assessment_uscc_missing",
        "is not in enterprises.csv",
        cell("assessments", "uscc", "91110000100000000X"),
    )
    load_case("year_text", "'2025a' is not a whole number", cell("assessments", "year", "2025a"))
    load_case("year_out_of_range", "from 1990 to 2100", cell("assessments", "year", "20250"))
    load_case(
        "assessment_id_too_long",
        "longer than 64 characters",
        cell("assessments", "assessment_id", "x" * 65),
    )

    def duplicate_ids(tables: Tables) -> None:
        tables["assessments"].loc[1, "assessment_id"] = tables["assessments"].loc[
            0, "assessment_id"
        ]

    load_case("duplicate_assessment_ids", "appears more than once", duplicate_ids)

    def duplicate_uscc(tables: Tables) -> None:
        tables["enterprises"].loc[1, "uscc"] = tables["enterprises"].loc[0, "uscc"]

    load_case("duplicate_uscc", "appears more than once", duplicate_uscc)
    load_case(
        "answer_unknown_assessment",
        "is not in assessments.csv",
        cell("answers", "assessment_id", "nobody-2025"),
    )
    load_case(
        "answer_unknown_indicator",
        "is not an indicator of framework dcmm",
        cell("answers", "indicator_id", "nosuch"),
    )
    load_case(
        "answer_level_9",
        "does not accept the answer '9'",
        cell("answers", "answer", "9"),
        args=["--no-score"],
    )
    load_case("answer_nul", "control character", cell("answers", "answer", "3\x00"))
    load_case(
        "answer_too_long", "longer than 1024 characters", cell("answers", "answer", "3" * 1025)
    )

    def unlisted_framework(tables: Tables) -> None:
        indicator = load_framework("cdo").indicators[0].id
        tables["answers"].loc[0, ["framework_id", "indicator_id"]] = ["cdo", indicator]

    load_case("answer_framework_not_listed", "not listed for this assessment", unlisted_framework)

    def repeated(tables: Tables) -> None:
        tables["answers"].loc[1, "indicator_id"] = tables["answers"].loc[0, "indicator_id"]

    load_case("answer_repeated", "answered more than once", repeated)

    def missing_column(tables: Tables) -> None:
        tables["enterprises"] = tables["enterprises"].drop(columns=["region_code"])

    load_case("missing_column", "missing required column", missing_column)
    # the data set already in the database (tests load seed 1 first)
    write_set(HERE / "load" / "already_registered", dataset(1))
    case("load", "already_registered", "already registered")

    def known_ids(tables: Tables) -> None:
        first = dataset(1)["assessments"]["assessment_id"]
        old = dict(zip(tables["assessments"]["assessment_id"], first, strict=True))
        tables["assessments"]["assessment_id"] = first
        tables["answers"]["assessment_id"] = tables["answers"]["assessment_id"].map(old)

    load_case("assessment_id_in_database", "already in the database", known_ids)
    folder = HERE / "load" / "truncated_xlsx"
    write_set(folder, base(), fmt="xlsx")
    data = (folder / "enterprises.xlsx").read_bytes()
    (folder / "enterprises.xlsx").write_bytes(data[: len(data) // 2])
    case("load", "truncated_xlsx", "not a complete XLSX file")

    def header_only(tables: Tables) -> None:
        tables["enterprises"] = tables["enterprises"].iloc[:0]

    load_case("enterprises_header_only", "holds no rows", header_only)
    load_case(
        "too_many_rows",
        "over the limit (set by RONGHE_MAX_ROWS)",
        lambda _: None,
        env={"RONGHE_MAX_ROWS": "10"},
    )


def _wrong_check(tables: Tables) -> str:
    code = str(tables["enterprises"].loc[0, "uscc"])
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def build_score() -> None:
    folder = HERE / "score"
    answers = base()["answers"]
    answers.iloc[:0].to_csv(folder / "header_only.csv", index=False)
    case("score", "header_only.csv", "holds no answers")
    (folder / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    case("score", "corrupt.xlsx", "not a complete XLSX file")
    buffer = io.BytesIO()
    answers.to_excel(buffer, index=False)
    (folder / "truncated.xlsx").write_bytes(buffer.getvalue()[:1500])
    case("score", "truncated.xlsx", "not a complete XLSX file")
    (folder / "corrupt.parquet").write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    case("score", "corrupt.parquet", "cannot read")
    (folder / "not_utf8.csv").write_bytes(
        "assessment_id,framework_id,indicator_id,answer\na,dcmm,x,\xff\n".encode("latin-1")
    )
    case("score", "not_utf8.csv", "not UTF-8 text")
    (folder / "ragged.csv").write_text(
        "assessment_id,framework_id,indicator_id,answer\na,dcmm,x,1,surplus,cells\n",
        encoding="utf-8",
    )
    case("score", "ragged.csv", "cannot read")
    (folder / "bom_only.csv").write_bytes(b"\xef\xbb\xbf")
    case("score", "bom_only.csv", "No columns to parse")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    (folder / "zip_not_xlsx.xlsx").write_bytes(buffer.getvalue())
    case("score", "zip_not_xlsx.xlsx", "cannot read")
    (folder / "wrong_type.txt").write_text("hello", encoding="utf-8")
    case("score", "wrong_type.txt", "unsupported file type")
    answers.to_csv(folder / "unwritable_output.csv", index=False)
    case("score", "unwritable_output.csv", "cannot write", out_under_file=True)
    answers.to_csv(folder / "output_not_a_table.csv", index=False)
    case("score", "output_not_a_table.csv", "unsupported file type", out_name="x.txt")

    def single(name: str, expect: str, column: str, value: str, **extra: Any) -> None:
        frame = answers.copy()
        frame.loc[0, column] = value
        frame.to_csv(folder / f"{name}.csv", index=False)
        case("score", f"{name}.csv", expect, **extra)

    single("unknown_framework", "unknown framework 'nosuch'", "framework_id", "nosuch")
    single("unknown_indicator", "is not an indicator of framework dcmm", "indicator_id", "nosuch")
    single("level_9", "does not accept the answer '9'", "answer", "9")
    single("blank_indicator", "must not be empty", "indicator_id", "")
    frame = answers.copy()
    frame.loc[1, "indicator_id"] = frame.loc[0, "indicator_id"]
    frame.to_csv(folder / "repeated.csv", index=False)
    case("score", "repeated.csv", "answered more than once")
    frame = answers.drop(columns=["answer"])
    frame.to_csv(folder / "missing_column.csv", index=False)
    case("score", "missing_column.csv", "missing required column")
    answers.to_csv(folder / "too_big.csv", index=False)
    case(
        "score", "too_big.csv", "set by RONGHE_MAX_FILE_BYTES", env={"RONGHE_MAX_FILE_BYTES": "100"}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 3_000_000 + b">")
    (folder / "expands.xlsx").write_bytes(buffer.getvalue())
    case(
        "score",
        "expands.xlsx",
        "set by RONGHE_MAX_EXPANDED_BYTES",
        env={"RONGHE_MAX_EXPANDED_BYTES": "1000000"},
    )

    def score_set(name: str, expect: str, change: Callable[[Tables], None]) -> None:
        tables = base()
        change(tables)
        write_set(folder / name, tables)
        case("score", name, expect)

    score_set(
        "set_answer_not_listed",
        "is not in assessments.csv",
        cell("answers", "assessment_id", "nobody-2025"),
    )
    score_set(
        "set_uscc_missing",
        "is not in enterprises.csv",
        cell("assessments", "uscc", "91110000100000000X"),
    )
    score_set(
        "set_uscc_check_char", "check character", cell("enterprises", "uscc", _wrong_check(base()))
    )
    score_set(
        "set_unknown_region",
        "not in the reference data",
        cell("enterprises", "region_code", "990100"),
    )

    def different_years(tables: Tables) -> None:
        extra = tables["assessments"].iloc[[0]].assign(year="2024")
        tables["assessments"] = pd.concat([tables["assessments"], extra], ignore_index=True)

    score_set("set_duplicate_assessment_rows", "appears more than once", different_years)
    score_set(
        "set_negative_employees",
        "'-3' is not a whole number from 0 to 2147483647",
        cell("enterprises", "employees", "-3"),
    )


def build_penalty() -> None:
    folder = HERE / "penalty"
    fine = '{"label": "x", "fines": [{"law": "l", "kind": "amount", "minimum": 0, "maximum": %s}]}'
    raw: dict[str, tuple[bytes, str, dict[str, Any]]] = {
        "digits_5000.json": ((fine % ("9" * 5000)).encode(), "too long to read", {}),
        "digits_4000.json": (
            (fine % ("9" * 4000)).encode(),
            "less than or equal to 1000000000000",
            {},
        ),
        "huge_float.json": ((fine % "1e308").encode(), "less than or equal to", {}),
        "infinite.json": ((fine % "1e400").encode(), "finite number", {}),
        "nan.json": ((fine % "NaN").encode(), "finite number", {}),
        "negative.json": ((fine % "-5").encode(), "must not be negative", {}),
        "deep.json": (b"[" * 50_000 + b"]" * 50_000, "over the limit of 32", {}),
        "deep_objects.json": (b'{"a":' * 40 + b"1" + b"}" * 40, "nested 40 levels", {}),
        "not_utf8.json": (b'{"label": "\xff\xfe"}', "not UTF-8 text", {}),
        "not_json.json": (b"{oops", "not valid JSON", {}),
        "empty.json": (b"", "not valid JSON", {}),
        "too_big.json": (
            (fine % "100").encode(),
            "set by RONGHE_MAX_JSON_BYTES",
            {"env": {"RONGHE_MAX_JSON_BYTES": "50"}},
        ),
        "unknown_key.json": (
            b'{"label": "x", "colour": "red"}',
            "Extra inputs are not permitted",
            {},
        ),
        "min_above_max.json": (
            b'{"fines": [{"minimum": 10, "maximum": 5}]}',
            "above the maximum",
            {},
        ),
        "movement.json": (b'{"movement": {"lower": 12}}', "beyond the 10 percentage points", {}),
        "no_violations.json": (b'{"violations": []}', "at least 1 item", {}),
        "amount_as_text.json": (b'{"fines": [{"maximum": "lots"}]}', "maximum", {}),
        "output_folder_missing.json": (
            (fine % "100").encode(),
            "cannot write",
            {"out_under_file": True},
        ),
    }
    for name, (content, expect, extra) in raw.items():
        (folder / name).write_bytes(content)
        case("penalty", name, expect, **extra)


def main() -> None:
    for kind in ("load", "score", "penalty"):
        shutil.rmtree(HERE / kind, ignore_errors=True)
        (HERE / kind).mkdir(parents=True)
    build_load()
    build_score()
    build_penalty()
    (HERE / "expected.json").write_text(
        json.dumps(CASES, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    base_folder = HERE / "base"
    shutil.rmtree(base_folder, ignore_errors=True)
    write_set(base_folder, dataset(1))
    DemoData.read(base_folder)  # the base set itself must be readable


if __name__ == "__main__":
    main()
