"""Reference data: GB/T 2260 regions, GB/T 4754-2017 industries and the 2017 size classes.

The files live in ``data/reference/`` (see its README for sources and verification status).
Every loader validates its file on first use and raises :class:`ReferenceDataError` naming
the file, the line and the reason; results are cached per path.

Jurisdiction rule (used for bureau access scope), on 6-digit GB/T 2260 codes:

* a province ``XX0000`` contains every code starting with ``XX``;
* a prefecture ``XXYY00`` (incl. ``110100`` 市辖区, ``500200`` 县 and the 省直辖县级行政区划
  placeholders ``419000`` / ``429000`` / ``469000`` / ``659000``) contains every code
  starting with ``XXYY``;
* any other code (a county) contains only itself.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from indicators.schema import SourceStatus, Text

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"
REGIONS_FILE = DATA_DIR / "regions.csv"
INDUSTRIES_FILE = DATA_DIR / "industries.csv"
SIZE_CLASSES_FILE = DATA_DIR / "size_classes.yaml"

PROVINCE_COUNT = 31
MANUFACTURING_DIVISIONS = tuple(f"{n:02d}" for n in range(13, 44))
REGION_COLUMNS = ("code", "name_zh", "name_en", "level", "parent", "macro_region")
INDUSTRY_COLUMNS = ("code", "section", "name_zh", "name_en", "production_type")

Lang = Literal["zh", "en"]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$")]
Name = Annotated[str, Field(min_length=1)]
_M = TypeVar("_M", bound=BaseModel)


class RegionLevel(StrEnum):
    """Administrative level of a GB/T 2260 code."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class MacroRegion(StrEnum):
    """NBS four-region grouping (东部 / 中部 / 西部 / 东北), standards.md §7.4 [U]."""

    EAST = "east"
    CENTRAL = "central"
    WEST = "west"
    NORTHEAST = "northeast"


MACRO_REGION_NAMES: Mapping[MacroRegion, Text] = {
    MacroRegion.EAST: Text(zh="东部", en="East"),
    MacroRegion.CENTRAL: Text(zh="中部", en="Central"),
    MacroRegion.WEST: Text(zh="西部", en="West"),
    MacroRegion.NORTHEAST: Text(zh="东北", en="Northeast"),
}


class ProductionType(StrEnum):
    """Discrete (assembled parts) or process (continuous / batch transformation) production."""

    DISCRETE = "discrete"
    PROCESS = "process"


class SizeClass(StrEnum):
    """Enterprise size class of the 2017 NBS method."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


class ReferenceDataError(ValueError):
    """A reference-data file is malformed; names the file, the line (if any) and the reason."""

    def __init__(self, path: Path, line: int | None, reason_zh: str, reason_en: str) -> None:
        self.path = path
        self.line = line
        where_zh = f"{path.name} 第{line}行" if line is not None else path.name
        where_en = f"{path.name} line {line}" if line is not None else path.name
        self.message_zh = f"参考数据文件 {where_zh}：{reason_zh}"
        self.message_en = f"reference data file {where_en}: {reason_en}"
        super().__init__(f"{self.message_en} ({self.message_zh})")


class UnknownCode(LookupError):
    """A region or industry code that is not in the reference table."""

    def __init__(self, kind_zh: str, kind_en: str, code: str) -> None:
        self.code = code
        self.message_zh = f"未知的{kind_zh}代码“{code}”"
        self.message_en = f"unknown {kind_en} code '{code}'"
        super().__init__(f"{self.message_en} ({self.message_zh})")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Region(_Model):
    """One row of ``regions.csv``."""

    code: RegionCode
    name_zh: Name
    name_en: Name
    level: RegionLevel
    parent: RegionCode | None
    macro_region: MacroRegion

    @model_validator(mode="after")
    def _code_matches_level(self) -> Self:
        if code_level(self.code) is not self.level:
            raise ValueError(f"code {self.code} is not a {self.level} code")
        if (self.level is RegionLevel.PROVINCE) != (self.parent is None):
            raise ValueError("a province has no parent; every other region needs one")
        if self.parent is not None and not within(self.code, self.parent):
            raise ValueError(f"code {self.code} does not lie inside its parent {self.parent}")
        return self

    def name(self, lang: Lang = "zh") -> str:
        """The name in ``lang``."""
        return self.name_en if lang == "en" else self.name_zh


class Industry(_Model):
    """One row of ``industries.csv`` (a GB/T 4754-2017 manufacturing division)."""

    code: Annotated[str, Field(pattern=r"^\d{2}$")]
    section: Literal["C"]
    name_zh: Name
    name_en: Name
    production_type: ProductionType

    def name(self, lang: Lang = "zh") -> str:
        """The name in ``lang``."""
        return self.name_en if lang == "en" else self.name_zh


class SizeClassRule(_Model):
    """Inclusive floors a firm must meet (both) to belong to a size class."""

    id: SizeClass
    name: Text
    min_employees: Annotated[int, Field(ge=0)]
    min_revenue_wan: Annotated[float, Field(ge=0)]


class SizeClassMethod(_Model):
    """The 2017 NBS size-class method for industry, classes from largest to smallest."""

    method: Text
    document_number: str
    document_number_status: SourceStatus
    status: SourceStatus
    sources: tuple[str, ...]
    sector: Text
    classes: tuple[SizeClassRule, ...]

    @model_validator(mode="after")
    def _ordered_classes(self) -> Self:
        if [rule.id for rule in self.classes] != list(SizeClass):
            raise ValueError(f"classes must be exactly {', '.join(SizeClass)} in that order")
        for bigger, smaller in zip(self.classes, self.classes[1:], strict=False):
            if not (
                bigger.min_employees > smaller.min_employees
                and bigger.min_revenue_wan > smaller.min_revenue_wan
            ):
                raise ValueError(f"floors of {bigger.id} must exceed those of {smaller.id}")
        if self.classes[-1].min_employees != 0 or self.classes[-1].min_revenue_wan != 0:
            raise ValueError("the smallest class must have floors of 0 (it takes every firm)")
        return self


class AboveDesignatedSize(_Model):
    """The 规模以上工业企业 threshold on main business revenue."""

    name: Text
    min_main_business_revenue_wan: Annotated[float, Field(gt=0)]
    since: int
    status: SourceStatus
    sources: tuple[str, ...]


class SizeThresholds(_Model):
    """Contents of ``size_classes.yaml``."""

    schema_version: Literal[1]
    size_classes: SizeClassMethod
    above_designated_size: AboveDesignatedSize


def code_level(code: str) -> RegionLevel:
    """The level a 6-digit code denotes by its shape (``XX0000``, ``XXYY00``, other)."""
    _require_code(code)
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


def within(code: str, jurisdiction: str) -> bool:
    """Whether region ``code`` lies inside (or is) ``jurisdiction``; both are 6-digit codes.

    A province contains its ``XX`` codes, a prefecture its ``XXYY`` codes, a county only itself
    (see the module docstring). Pure code arithmetic: the codes need not be in the table.
    """
    _require_code(code)
    prefix = {RegionLevel.PROVINCE: 2, RegionLevel.PREFECTURE: 4, RegionLevel.COUNTY: 6}
    length = prefix[code_level(jurisdiction)]
    return code[:length] == jurisdiction[:length]


def province_of(code: str) -> str:
    """The province code (``XX0000``) of any 6-digit code; the province must be in the table."""
    return region(code_prefix(code, 2)).code


def prefecture_of(code: str) -> str | None:
    """The prefecture code (``XXYY00``) of a prefecture or county code; None for a province."""
    if code_level(code) is RegionLevel.PROVINCE:
        return None
    return code_prefix(code, 4)


def code_prefix(code: str, digits: int) -> str:
    """The first ``digits`` digits of ``code`` padded with zeros to 6 digits."""
    _require_code(code)
    return code[:digits].ljust(6, "0")


def region(code: str) -> Region:
    """The region with this code; raises :class:`UnknownCode` if it is not in the table."""
    found = _region_index(REGIONS_FILE).get(code.strip())
    return found if found is not None else _unknown_region(code)


def region_name(code: str, lang: Lang = "zh") -> str:
    """The name of a region in ``lang`` ("zh" or "en")."""
    return region(code).name(lang)


def descendants(code: str) -> list[str]:
    """Codes in the table that lie strictly inside ``code``, in table order."""
    return [other for other in _region_index(REGIONS_FILE) if other != code and within(other, code)]


def children(code: str) -> list[str]:
    """Codes in the table whose parent is ``code`` (a province's prefectures, a prefecture's
    counties), in table order."""
    return [other for other, row in _region_index(REGIONS_FILE).items() if row.parent == code]


def macro_region_name(macro_region: MacroRegion | str, lang: Lang = "zh") -> str:
    """The display name of a macro-region."""
    return MACRO_REGION_NAMES[MacroRegion(macro_region)].get(lang)


def industry(code: str) -> Industry:
    """The manufacturing division with this code ("13" or "C13")."""
    key = code.strip().upper().removeprefix("C")
    found = _industry_index(INDUSTRIES_FILE).get(key)
    if found is None:
        raise UnknownCode("行业", "industry", code)
    return found


def regions(path: Path | None = None) -> pd.DataFrame:
    """All regions (provinces, prefectures and counties) as a frame with :data:`REGION_COLUMNS`."""
    rows = _region_index(path or REGIONS_FILE).values()
    return pd.DataFrame([row.model_dump(mode="json") for row in rows], columns=REGION_COLUMNS)


def industries(path: Path | None = None) -> pd.DataFrame:
    """The 31 manufacturing divisions as a frame with :data:`INDUSTRY_COLUMNS`."""
    rows = _industry_index(path or INDUSTRIES_FILE).values()
    return pd.DataFrame([row.model_dump(mode="json") for row in rows], columns=INDUSTRY_COLUMNS)


@functools.cache
def size_thresholds(path: Path = SIZE_CLASSES_FILE) -> SizeThresholds:
    """The size-class and above-designated-size thresholds of ``size_classes.yaml``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return SizeThresholds.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ReferenceDataError(path, None, f"格式错误：{exc}", f"invalid: {exc}") from exc


@functools.cache
def _region_index(path: Path) -> dict[str, Region]:
    """Validated regions by code, in file order."""
    index: dict[str, Region] = {}
    for line, record in _csv_records(path, REGION_COLUMNS):
        row = _parse(path, line, Region, {**record, "parent": record["parent"] or None})
        _check_region(path, line, row, index)
        index[row.code] = row
    provinces = sum(row.level is RegionLevel.PROVINCE for row in index.values())
    if provinces != PROVINCE_COUNT:
        raise ReferenceDataError(
            path,
            None,
            f"应有{PROVINCE_COUNT}个省级行政区，实际{provinces}个",
            f"expected {PROVINCE_COUNT} provinces, found {provinces}",
        )
    return index


def _check_region(path: Path, line: int, row: Region, seen: Mapping[str, Region]) -> None:
    """Cross-row rules: unique code; the parent is listed earlier, one level up, same macro."""
    if row.code in seen:
        raise ReferenceDataError(path, line, f"代码{row.code}重复", f"duplicate code {row.code}")
    if row.parent is None:
        return
    parent = seen.get(row.parent)
    expected = {
        RegionLevel.PREFECTURE: RegionLevel.PROVINCE,
        RegionLevel.COUNTY: RegionLevel.PREFECTURE,
    }
    if parent is None or parent.level is not expected[row.level]:
        raise ReferenceDataError(
            path,
            line,
            f"上级{row.parent}不存在（须在前面列出）或不是{expected[row.level]}",
            f"parent {row.parent} is not an earlier {expected[row.level]} row",
        )
    if parent.macro_region is not row.macro_region:
        raise ReferenceDataError(
            path,
            line,
            f"macro_region {row.macro_region} 与上级 {parent.macro_region} 不一致",
            f"macro_region {row.macro_region} differs from its parent's {parent.macro_region}",
        )


@functools.cache
def _industry_index(path: Path) -> dict[str, Industry]:
    """Validated manufacturing divisions by code, in file order."""
    index: dict[str, Industry] = {}
    for line, record in _csv_records(path, INDUSTRY_COLUMNS):
        row = _parse(path, line, Industry, record)
        if row.code in index or row.code not in MANUFACTURING_DIVISIONS:
            raise ReferenceDataError(
                path,
                line,
                f"代码{row.code}重复或不在13–43之间",
                f"code {row.code} is a duplicate or outside 13–43",
            )
        index[row.code] = row
    missing = sorted(set(MANUFACTURING_DIVISIONS) - set(index))
    if missing:
        listed = ", ".join(missing)
        raise ReferenceDataError(path, None, f"缺少大类{listed}", f"missing divisions {listed}")
    return index


def _csv_records(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a UTF-8 CSV whose header must equal ``columns``."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, ()))
        if header != columns:
            raise ReferenceDataError(
                path, 1, f"表头应为 {','.join(columns)}", f"header must be {','.join(columns)}"
            )
        for values in reader:
            if len(values) != len(columns):
                raise ReferenceDataError(
                    path,
                    reader.line_num,
                    f"应有{len(columns)}列，实际{len(values)}列",
                    f"expected {len(columns)} fields, got {len(values)}",
                )
            yield reader.line_num, dict(zip(columns, (v.strip() for v in values), strict=True))


def _parse(path: Path, line: int, model: type[_M], record: Mapping[str, Any]) -> _M:
    """Validate one record, turning pydantic's error into a :class:`ReferenceDataError`."""
    try:
        return model.model_validate(record)
    except ValidationError as exc:
        reason = "; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'row'}: {err['msg']}" for err in exc.errors()
        )
        raise ReferenceDataError(path, line, f"字段无效：{reason}", reason) from exc


def _require_code(code: str) -> None:
    """Raise ValueError unless ``code`` is exactly six ASCII digits."""
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        raise ValueError(f"区划代码须为6位数字：“{code}” / region code must be 6 digits: '{code}'")


def _unknown_region(code: str) -> Region:
    """Raise :class:`UnknownCode` for a region code (typed to fit lookups)."""
    raise UnknownCode("行政区划", "region", code)


__all__ = [
    "MACRO_REGION_NAMES",
    "Industry",
    "MacroRegion",
    "ProductionType",
    "ReferenceDataError",
    "Region",
    "RegionLevel",
    "SizeClass",
    "SizeThresholds",
    "UnknownCode",
    "children",
    "code_level",
    "code_prefix",
    "descendants",
    "industries",
    "industry",
    "macro_region_name",
    "prefecture_of",
    "province_of",
    "region",
    "region_name",
    "regions",
    "size_thresholds",
    "within",
]
