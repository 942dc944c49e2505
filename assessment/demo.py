"""Synthetic but realistic demo data: enterprises, one assessment per enterprise-year, answers.

Everything is drawn from one ``numpy.random.Generator`` seeded by the caller, so a seed always
gives the same data. Generation is vectorised over enterprises; loops run over frameworks and
indicators only.

How the data are made:

* region: a province by a rough share of China's manufacturing output (:data:`PROVINCE_WEIGHTS`),
  then one of its prefectures uniformly, then one of that prefecture's real GB/T 2260 counties
  uniformly (the enterprise's region code is the county's); industry by a rough share of
  manufacturing (:data:`INDUSTRY_WEIGHTS`); production type from the industry's default;
* size: employees log-normal, revenue = employees × a log-normal revenue per head, so the two are
  correlated; the size class is derived by :func:`assessment.identity.size_classes`;
* code: ``91`` + prefecture code + an 8-character organisation body (``MA…`` as issued since
  2015, or 8 digits) + its GB 11714 check + the GB 32100 check, checked by identity.py's rules;
* answers: a latent maturity per enterprise (higher for larger firms) that rises each year, plus
  a per-framework offset and per-indicator noise, so frameworks are correlated but not equal;
  some N/A where allowed and some optional indicators unanswered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from assessment import columns as c
from assessment.identity import ORG_CODE_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS, size_classes
from assessment.reference import industries, regions
from assessment.tabular import find_table, numeric_column, read_table, require_columns, write_table
from indicators.loader import load_all
from indicators.schema import AnswerType, Framework, Indicator

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TextArray = npt.NDArray[np.str_]

SIZE_CLASS: Final = "size_class"
END_YEAR: Final = 2025
BLOCK: Final = 2_000  # enterprises whose answers are drawn together (generate_blocks)
TABLES: Final = ("enterprises", "assessments", "answers")
ENTERPRISE_COLUMNS: Final = (
    c.USCC,
    c.NAME,
    c.REGION_CODE,
    c.INDUSTRY_CODE,
    c.EMPLOYEES,
    c.REVENUE_WAN,
    c.PRODUCTION_TYPE,
)
ASSESSMENT_COLUMNS: Final = (c.ASSESSMENT_ID, c.USCC, c.YEAR, c.FRAMEWORKS)
ANSWER_COLUMNS: Final = (c.ASSESSMENT_ID, c.FRAMEWORK_ID, c.INDICATOR_ID, c.ANSWER)

# Rough share (%) of national manufacturing output by province, rounded from the orders of
# magnitude of recent statistical yearbooks. For realistic-looking demo data only; not a
# statistic to quote.
PROVINCE_WEIGHTS: Final[dict[str, float]] = {
    "44": 12.0,
    "32": 12.0,
    "33": 7.5,
    "37": 7.5,
    "35": 4.5,
    "41": 4.5,
    "42": 3.8,
    "51": 3.8,
    "43": 3.5,
    "34": 3.5,
    "13": 3.2,
    "31": 2.8,
    "36": 2.5,
    "61": 2.2,
    "21": 2.2,
    "50": 2.0,
    "14": 1.8,
    "15": 1.6,
    "45": 1.5,
    "12": 1.4,
    "53": 1.3,
    "11": 1.2,
    "52": 1.1,
    "65": 1.0,
    "22": 0.8,
    "23": 0.7,
    "62": 0.5,
    "64": 0.3,
    "46": 0.2,
    "63": 0.2,
    "54": 0.05,
}
# Rough share (%) of manufacturing enterprises and output by GB/T 4754 division (same caveat).
INDUSTRY_WEIGHTS: Final[dict[str, float]] = {
    "13": 5.0,
    "14": 2.2,
    "15": 1.6,
    "16": 0.2,
    "17": 3.0,
    "18": 2.2,
    "19": 1.3,
    "20": 1.2,
    "21": 1.0,
    "22": 1.4,
    "23": 0.9,
    "24": 1.5,
    "25": 1.5,
    "26": 7.0,
    "27": 2.6,
    "28": 0.6,
    "29": 4.5,
    "30": 6.5,
    "31": 2.5,
    "32": 2.5,
    "33": 5.5,
    "34": 6.5,
    "35": 5.0,
    "36": 5.5,
    "37": 1.4,
    "38": 7.0,
    "39": 8.0,
    "40": 1.2,
    "41": 0.4,
    "42": 0.8,
    "43": 0.3,
}
# The word a company name of each division typically carries.
INDUSTRY_WORDS: Final[dict[str, str]] = {
    "13": "食品",
    "14": "食品",
    "15": "饮品",
    "16": "烟草",
    "17": "纺织",
    "18": "服饰",
    "19": "鞋业",
    "20": "木业",
    "21": "家具",
    "22": "纸业",
    "23": "印务",
    "24": "文体用品",
    "25": "能源",
    "26": "化工",
    "27": "药业",
    "28": "化纤",
    "29": "塑胶",
    "30": "建材",
    "31": "钢铁",
    "32": "有色金属",
    "33": "金属制品",
    "34": "机械",
    "35": "装备",
    "36": "汽车零部件",
    "37": "交通装备",
    "38": "电气",
    "39": "电子",
    "40": "仪器仪表",
    "41": "工艺品",
    "42": "再生资源",
    "43": "设备维修",
}
TRADE_NAME_CHARS: Final = (
    "华恒盛达鑫宏信安泰瑞德丰成远兴金嘉新永昌润创正元通力天中海亿鼎博精诚联合万汇"
)
SIZE_MATURITY: Final[dict[str, float]] = {
    "large": 0.12,
    "medium": 0.06,
    "small": 0.0,
    "micro": -0.05,
}
NA_SHARE: Final = 0.05  # answers "na" where allowed
SKIP_SHARE: Final = 0.15  # optional indicators left unanswered


@dataclass(frozen=True)
class Counts:
    """Rows written per table by :meth:`DemoData.write_blocks`, and the files."""

    enterprises: int
    assessments: int
    answers: int
    paths: list[Path]


@dataclass(frozen=True)
class DemoData:
    """The three tables of a data set (see docs/file-formats.md)."""

    enterprises: pd.DataFrame
    assessments: pd.DataFrame
    answers: pd.DataFrame

    @staticmethod
    def write_blocks(blocks: Iterable[DemoData], directory: Path, fmt: str = "csv") -> Counts:
        """Write data sets block by block into ``<name>.<fmt>`` (each table appended as it
        comes, renamed into place when all is written); the rows written per table."""
        from assessment.streaming import TableSink

        sinks = [TableSink(directory / f"{name}.{fmt}") for name in TABLES]
        try:
            for block in blocks:
                for sink, frame in zip(
                    sinks, (block.enterprises, block.assessments, block.answers), strict=True
                ):
                    sink.write(frame)
            for sink in sinks:
                sink.commit()
        except BaseException:
            for sink in sinks:
                sink.discard()
            raise
        enterprises, assessments, answers = (sink.rows for sink in sinks)
        return Counts(enterprises, assessments, answers, [sink.path for sink in sinks])

    def write(self, directory: Path, fmt: str = "csv") -> list[Path]:
        """Write ``enterprises``, ``assessments`` and ``answers`` as ``<name>.<fmt>``."""
        frames = (self.enterprises, self.assessments, self.answers)
        return [
            write_table(frame, directory / f"{name}.{fmt}")
            for name, frame in zip(TABLES, frames, strict=True)
        ]

    @classmethod
    def read(cls, directory: Path) -> DemoData:
        """Read the three tables from ``directory`` (any supported format each)."""
        paths = [find_table(directory, name) for name in TABLES]
        tables = [read_table(path) for path in paths]
        for path, table, needed in zip(
            paths, tables, (ENTERPRISE_COLUMNS, ASSESSMENT_COLUMNS, ANSWER_COLUMNS), strict=True
        ):
            require_columns(table, needed, path)
        enterprises, assessments, answers = tables
        enterprises[c.EMPLOYEES] = numeric_column(enterprises, c.EMPLOYEES, paths[0], integer=True)
        enterprises[c.REVENUE_WAN] = numeric_column(enterprises, c.REVENUE_WAN, paths[0])
        assessments[c.YEAR] = numeric_column(assessments, c.YEAR, paths[1], integer=True)
        return cls(enterprises=enterprises, assessments=assessments, answers=answers)


def generate(
    *,
    enterprises: int,
    years: int,
    seed: int,
    end_year: int = END_YEAR,
    frameworks: dict[str, Framework] | None = None,
) -> DemoData:
    """Synthetic enterprises, one assessment per enterprise and year, and their answers.

    Args:
        enterprises: how many enterprises.
        years: how many consecutive years, ending with ``end_year``.
        seed: the seed of the random generator; the same seed gives the same data.
        end_year: the last assessment year.
        frameworks: the frameworks to answer; every released framework by default.
    """
    blocks = list(
        generate_blocks(
            enterprises=enterprises,
            years=years,
            seed=seed,
            end_year=end_year,
            frameworks=frameworks,
        )
    )
    if len(blocks) == 1:
        return blocks[0]
    return DemoData(
        *(
            pd.concat([getattr(b, name) for b in blocks], ignore_index=True)
            for name in ("enterprises", "assessments", "answers")
        )
    )


def generate_blocks(
    *,
    enterprises: int,
    years: int,
    seed: int,
    end_year: int = END_YEAR,
    frameworks: dict[str, Framework] | None = None,
) -> Iterator[DemoData]:
    """:func:`generate`'s data set in blocks of ``BLOCK`` enterprises (with their assessments
    and answers), so a large one is written with bounded memory. The enterprises and their
    maturity are drawn for all at once (codes stay unique), the answers block by block; the
    blocks do not depend on how they are consumed, so the same arguments give the same data."""
    if enterprises < 1 or years < 1:
        raise ValueError("enterprises and years must be at least 1 / 企业数和年数至少为 1")
    rng = np.random.default_rng(seed)
    chosen = frameworks if frameworks is not None else load_all()
    firms = _enterprises(rng, enterprises)
    year_values = np.arange(end_year - years + 1, end_year + 1)
    maturity = _maturity(rng, firms, years)
    for start in range(0, enterprises, BLOCK):
        block = firms.iloc[start : start + BLOCK].reset_index(drop=True)
        assessments = _assessments(block, year_values, chosen)
        mature = maturity[start * years : (start + len(block)) * years]
        answers = _answers(rng, assessments, block, mature, chosen)
        yield DemoData(enterprises=block, assessments=assessments, answers=answers)


# ----------------------------------------------------------------------------- enterprises


def _enterprises(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The enterprise table (with the derived size class as an extra column)."""
    prefectures = _prefectures()
    place = rng.choice(len(prefectures), size=n, p=prefectures["weight"].to_numpy())
    region_code = _counties_within(rng, prefectures["code"].to_numpy()[place])
    divisions = industries().set_index("code")
    codes = np.array(list(INDUSTRY_WEIGHTS))
    weights = np.array(list(INDUSTRY_WEIGHTS.values()))
    industry_code = rng.choice(codes, size=n, p=weights / weights.sum())
    drawn = np.round(np.exp(rng.normal(np.log(80), 1.2, n)))
    employees: FloatArray = np.clip(drawn, 3, 200_000).astype(np.float64)
    per_head = np.exp(rng.normal(np.log(60), 0.7, n))  # 万元 of revenue per employee
    revenue = np.round(employees * per_head, 1)
    firms = pd.DataFrame(
        {
            c.USCC: _credit_codes(rng, region_code),
            c.NAME: _names(
                rng, prefectures["short_name"].to_numpy()[place], industry_code, employees
            ),
            c.REGION_CODE: region_code,
            c.INDUSTRY_CODE: industry_code,
            c.EMPLOYEES: employees.astype("int64"),
            c.REVENUE_WAN: revenue,
            c.PRODUCTION_TYPE: divisions.loc[industry_code, "production_type"].to_numpy(),
        }
    )
    firms[SIZE_CLASS] = size_classes(firms[c.EMPLOYEES], firms[c.REVENUE_WAN]).astype(str)
    return firms


def _counties_within(rng: np.random.Generator, prefecture_codes: TextArray) -> TextArray:
    """A county of each prefecture, uniformly among its counties in the reference table."""
    table = regions()
    counties = table[table["level"] == "county"]
    by_parent = counties.groupby("parent")["code"].agg(list).to_dict()
    pick = rng.random(len(prefecture_codes))
    chosen = [
        by_parent[code][int(u * len(by_parent[code]))] if code in by_parent else code
        for code, u in zip(prefecture_codes.tolist(), pick.tolist(), strict=True)
    ]
    return np.asarray(chosen, dtype="<U6")


def _prefectures() -> pd.DataFrame:
    """Prefectures with a draw weight (province share spread evenly) and a short name."""
    table = regions()
    prefectures = table[table["level"] == "prefecture"].copy()
    province = prefectures["code"].str[:2]
    share = province.map(PROVINCE_WEIGHTS).fillna(0.0)
    prefectures["weight"] = share / province.map(province.value_counts())
    prefectures["weight"] /= prefectures["weight"].sum()
    names = table.set_index("code")["name_zh"]
    parent_name = prefectures["parent"].map(names).fillna("")
    direct = prefectures["name_zh"].str.contains("直辖")
    own = prefectures["name_zh"].where(~direct, parent_name)
    prefectures["short_name"] = own.map(_short_place_name)
    return prefectures.reset_index(drop=True)


def place_short_names() -> dict[str, str]:
    """Prefecture code → the short city name company names start with (苏州市 → 苏州)."""
    table = _prefectures()
    return dict(zip(table["code"], table["short_name"], strict=True))


def _short_place_name(name: str) -> str:
    """The short city name a company name starts with: 苏州市 → 苏州, 延边朝鲜族自治州 → 延边."""
    if "族" in name or "自治" in name:
        return name[:2]  # ethnic autonomous prefectures go by their first two characters
    for marker in ("市辖区", "地区", "省", "市", "盟"):
        if marker in name and name.index(marker) >= 2:
            name = name[: name.index(marker)]
    return name


def _names(
    rng: np.random.Generator, places: TextArray, industry_code: TextArray, employees: FloatArray
) -> TextArray:
    """Names like 苏州恒达机械有限公司: city, two-character trade name, industry word, suffix."""
    chars = np.array(list(TRADE_NAME_CHARS))
    first, second = rng.choice(chars, size=(2, len(places)))
    words = pd.Series(industry_code).map(INDUSTRY_WORDS).to_numpy(dtype=str)
    suffix = np.where(employees >= 1000, "股份有限公司", "有限公司")
    parts = (places.astype(str), first, second, words, suffix)
    names: TextArray = np.char.add(
        np.char.add(np.char.add(np.char.add(*parts[:2]), parts[2]), parts[3]), parts[4]
    )
    return names


def _credit_codes(rng: np.random.Generator, region_code: TextArray) -> TextArray:
    """Unique, valid unified social credit codes for enterprises (prefix 91), vectorised."""
    n = len(region_code)
    modern = rng.random(n) < 0.6  # "MA…" bodies, issued since the 2015 registration reform
    body = np.empty((n, 8), dtype=np.int64)  # values in USCC_CHARSET
    tail = _digits(_unique_integers(rng, 31**6, int(modern.sum())), 31, 6)
    marks = np.array([USCC_CHARSET.index("M"), USCC_CHARSET.index("A")])
    body[modern] = np.column_stack([np.broadcast_to(marks, (len(tail), 2)), tail])
    body[~modern] = _digits(_unique_integers(rng, 10**8, int((~modern).sum())), 10, 8)
    region = np.asarray(region_code, dtype="<U6").view("<U1").reshape(n, 6).astype(np.int64)
    authority = np.broadcast_to(np.array([9, 1]), (n, 2))  # 9 market regulation, 1 enterprise
    first17 = np.column_stack([authority, region, body, _org_check(body)])
    check = (31 - (first17 @ np.array(USCC_WEIGHTS)) % 31) % 31
    full = np.column_stack([first17, check])
    chars = np.ascontiguousarray(np.array(list(USCC_CHARSET))[full])
    codes: TextArray = chars.view("<U18").reshape(n)
    return codes


def _org_check(body: IntArray) -> IntArray:
    """GB 11714 check character of each 8-character body, as a USCC_CHARSET value."""
    base36 = np.array([int(char, 36) for char in USCC_CHARSET])  # GB 11714 values A=10 … Z=35
    check = 11 - (base36[body] @ np.array(ORG_CODE_WEIGHTS)) % 11
    # 10 → "X", 11 → "0"; "X" is also a USCC character, so the code stays in one charset.
    values: IntArray = np.where(
        check == 10, USCC_CHARSET.index("X"), np.where(check == 11, 0, check)
    )
    return values


def _unique_integers(rng: np.random.Generator, population: int, size: int) -> IntArray:
    drawn: IntArray = rng.choice(population, size=size, replace=False).astype(np.int64)
    return drawn


def _digits(numbers: IntArray, base: int, width: int) -> IntArray:
    """Each number's ``width`` digits in ``base``, most significant first, as a matrix."""
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits: IntArray = (numbers[:, None] // powers[None, :]) % base
    return digits


# ----------------------------------------------------------------------------- assessments


def _assessments(
    firms: pd.DataFrame, years: IntArray, frameworks: dict[str, Framework]
) -> pd.DataFrame:
    """One assessment per enterprise and year, answering every framework."""
    uscc = np.repeat(firms[c.USCC].to_numpy(dtype=str), len(years))
    year = np.tile(years, len(firms))
    versions = "|".join(f"{f.id}@{f.version}" for f in frameworks.values())
    return pd.DataFrame(
        {
            c.ASSESSMENT_ID: np.char.add(np.char.add(uscc, "-"), year.astype(str)),
            c.USCC: uscc,
            c.YEAR: year.astype("int64"),
            c.FRAMEWORKS: versions,
        }
    )


def _maturity(rng: np.random.Generator, firms: pd.DataFrame, years: int) -> FloatArray:
    """Latent maturity (0..1) per assessment, in assessment order (enterprise-major)."""
    n = len(firms)
    size_effect = firms[SIZE_CLASS].map(SIZE_MATURITY).fillna(0.0).to_numpy(dtype=float)
    base = rng.beta(2.0, 3.5, n) + size_effect
    growth = np.clip(rng.normal(0.04, 0.015, n), 0.0, None)
    step = np.arange(years)
    level = base[:, None] + growth[:, None] * step[None, :] + rng.normal(0, 0.02, (n, years))
    clipped: FloatArray = np.clip(level, 0.02, 0.98).reshape(-1)
    return clipped


# ----------------------------------------------------------------------------- answers


def _answers(
    rng: np.random.Generator,
    assessments: pd.DataFrame,
    firms: pd.DataFrame,
    maturity: FloatArray,
    frameworks: dict[str, Framework],
) -> pd.DataFrame:
    """Answers to every framework, sorted by assessment, framework and indicator."""
    years = len(assessments) // len(firms)
    context = _Context(
        employees=np.repeat(firms[c.EMPLOYEES].to_numpy(dtype=float), years),
        revenue=np.repeat(firms[c.REVENUE_WAN].to_numpy(dtype=float), years),
        production_type=np.repeat(firms[c.PRODUCTION_TYPE].to_numpy(dtype=str), years),
    )
    parts: list[pd.DataFrame] = []
    for rank, framework in enumerate(frameworks.values()):
        offset = np.repeat(rng.normal(0, 0.08, len(firms)), years)  # firm's bent for it
        level = np.clip(maturity + offset + rng.normal(0, 0.03, len(maturity)), 0.0, 1.0)
        parts.extend(_framework_answers(rng, framework, rank, level, context))
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in ANSWER_COLUMNS})
    answers = pd.concat(parts, ignore_index=True)
    order = np.lexsort((answers.pop("_order").to_numpy(), answers["_row"].to_numpy()))
    ids = assessments[c.ASSESSMENT_ID].to_numpy()[answers.pop("_row").to_numpy()[order]]
    answers = answers.iloc[order].reset_index(drop=True)
    answers.insert(0, c.ASSESSMENT_ID, ids)
    return answers[list(ANSWER_COLUMNS)]


@dataclass(frozen=True)
class _Context:
    """Per-assessment facts some answers draw on."""

    employees: FloatArray
    revenue: FloatArray
    production_type: TextArray


def _framework_answers(
    rng: np.random.Generator,
    framework: Framework,
    rank: int,
    maturity: FloatArray,
    context: _Context,
) -> list[pd.DataFrame]:
    """One frame per indicator: the rows answered, their answer texts and sort keys."""
    path = _paths(framework, context.production_type)
    n_levels = len(framework.result_levels)
    parts = []
    for position, indicator in enumerate(framework.indicators):
        quality = np.clip(
            maturity + rng.normal(0, 0.06) + rng.normal(0, 0.15, len(maturity)), 0.0, 1.0
        )
        if indicator.gate_level is not None:  # requirement of a level: met once maturity is there
            quality = np.clip(quality * n_levels - indicator.gate_level + 1.2, 0.0, 1.0)
        texts = _answer_texts(rng, indicator, quality, framework.max_answer_level, context)
        keep = (
            np.ones(len(texts), dtype=bool)
            if indicator.paths is None
            else np.isin(path, indicator.paths)
        )
        if indicator.na_allowed:
            texts = np.where(rng.random(len(texts)) < NA_SHARE, "na", texts)
        if not indicator.required:
            keep &= rng.random(len(texts)) >= SKIP_SHARE
        rows = np.flatnonzero(keep)
        parts.append(
            pd.DataFrame(
                {
                    "_row": rows,
                    "_order": rank * 100_000 + position,
                    c.FRAMEWORK_ID: framework.id,
                    c.INDICATOR_ID: indicator.id,
                    c.ANSWER: texts[rows].astype(object),
                }
            )
        )
    return parts


def _paths(framework: Framework, production_type: TextArray) -> TextArray:
    """Each assessment's production path: its production type if the framework has it."""
    ids = [p.id for p in framework.paths or ()]
    if not ids:
        return np.full(len(production_type), "", dtype=str)
    chosen: TextArray = np.where(np.isin(production_type, ids), production_type, ids[0])
    return chosen


def _answer_texts(
    rng: np.random.Generator,
    indicator: Indicator,
    quality: FloatArray,
    max_level: int,
    context: _Context,
) -> TextArray:
    """Canonical answer texts of one indicator for every assessment."""
    kind = indicator.answer
    if kind is AnswerType.LEVEL:
        level = np.minimum(np.floor(quality * (max_level + 1)), max_level).astype(np.int64)
        return level.astype(str)
    if kind is AnswerType.BOOLEAN:
        return np.where(quality >= 0.45, "yes", "no")
    if kind is AnswerType.CHOICE:
        ordered = sorted(indicator.options or (), key=lambda o: o.score)
        ids = np.array([o.id for o in ordered])
        pick = np.minimum(np.floor(quality * len(ids)), len(ids) - 1).astype(np.int64)
        return ids[pick]
    if kind is AnswerType.MULTI:
        return _multi(rng, indicator, quality)
    return _number(rng, indicator, quality, context)


def _multi(rng: np.random.Generator, indicator: Indicator, quality: FloatArray) -> TextArray:
    """Options ticked with a probability that grows with quality; an exclusive option alone."""
    options = indicator.options or ()
    ticked = np.zeros(len(quality), dtype=bool)
    text = np.full(len(quality), "", dtype=object)
    for option in (o for o in options if not o.exclusive):
        tick = rng.random(len(quality)) < quality
        text = np.where(tick, text + "|" + option.id, text)
        ticked |= tick
    exclusive = [o.id for o in options if o.exclusive]
    if exclusive:
        text = np.where(ticked, text, "|" + exclusive[0])
    stripped: TextArray = pd.Series(text).str.removeprefix("|").to_numpy(dtype=str)
    return stripped


def _number(
    rng: np.random.Generator, indicator: Indicator, quality: FloatArray, context: _Context
) -> TextArray:
    """Numbers and percentages: along the breakpoints, or plausible figures when unscored."""
    n = len(quality)
    if indicator.breakpoints is not None:
        xs = [x for x, _ in indicator.breakpoints]
        value = xs[0] + quality * (xs[-1] - xs[0]) * rng.uniform(0.9, 1.15, n)
    elif indicator.answer is AnswerType.PERCENT:
        value = quality * 100
    else:
        value = _figure(indicator, quality, context) * rng.uniform(0.9, 1.1, n)
    if indicator.answer is AnswerType.PERCENT:
        value = np.clip(value, 0, 100)
    rounded: TextArray = np.round(value, 1).astype(str)
    return rounded


def _figure(indicator: Indicator, quality: FloatArray, context: _Context) -> FloatArray:
    """A supporting figure sized to the firm, chosen by what the indicator id names."""
    name = indicator.id
    shares = (("revenue", 1.0), ("cost", 0.85), ("investment", 0.02), ("energy", 0.05))
    for word, share in shares:
        if word in name:
            base: FloatArray = context.revenue * share * (quality if word == "investment" else 1)
            return base
    if "staff" in name or "employee" in name:
        return context.employees
    equipment: FloatArray = np.maximum(context.employees / 5, 1) * (
        quality if "digitised" in name or "networked" in name else 1
    )
    return equipment
