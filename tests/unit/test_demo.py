"""The synthetic demo data set: deterministic, valid codes and sizes, answers the engine accepts,
maturity that rises and frameworks that agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment.composite import composite_index
from assessment.demo import PROVINCE_WEIGHTS, DemoData, generate
from assessment.identity import size_class, validate_uscc
from assessment.reference import industries, regions
from assessment.scoring import score
from indicators.loader import load_all

FRAMEWORKS = load_all()


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(enterprises=240, years=3, seed=7)


@pytest.fixture(scope="module")
def overall(data: DemoData) -> pd.DataFrame:
    """Every framework scored on the demo answers, long: assessment, framework, level, score."""
    paths = data.assessments.merge(data.enterprises, on="uscc").set_index("assessment_id")
    frames = []
    for framework_id, framework in FRAMEWORKS.items():
        answers = data.answers[data.answers["framework_id"] == framework_id]
        result = score(answers, framework, paths=paths["production_type"]).overall
        frames.append(result.assign(framework_id=framework_id))
    return pd.concat(frames, ignore_index=True)


def test_same_seed_same_data_other_seed_other_data(data: DemoData) -> None:
    again = generate(enterprises=240, years=3, seed=7)
    for name in ("enterprises", "assessments", "answers"):
        pd.testing.assert_frame_equal(getattr(data, name), getattr(again, name))
    other = generate(enterprises=240, years=1, seed=8, frameworks={})
    assert not other.enterprises["uscc"].equals(data.enterprises["uscc"])


def test_credit_codes_are_valid_unique_and_carry_the_region(data: DemoData) -> None:
    codes = data.enterprises["uscc"]
    assert all(validate_uscc(code) == code for code in codes)
    assert codes.is_unique
    assert (codes.str[:2] == "91").all()
    assert (codes.str[2:8] == data.enterprises["region_code"]).all()


def test_regions_and_industries_are_real_codes(data: DemoData) -> None:
    table = regions()
    counties = table.loc[table["level"] == "county"].set_index("code")["parent"]
    placed = data.enterprises["region_code"]
    # real GB/T 2260 counties, or a city that has none (东莞, 中山, 嘉峪关, 儋州)
    childless = set(table.loc[table["level"] == "prefecture", "code"]) - set(counties)
    assert set(placed) <= set(counties.index) | childless
    assert placed.str[:4].nunique() < placed.nunique()  # several counties of one prefecture
    assert set(PROVINCE_WEIGHTS) == set(table.loc[table["level"] == "province", "code"].str[:2])
    divisions = industries().set_index("code")
    assert set(data.enterprises["industry_code"]) <= set(divisions.index)
    expected = divisions.loc[data.enterprises["industry_code"], "production_type"]
    assert (data.enterprises["production_type"].to_numpy() == expected.to_numpy()).all()


def test_big_provinces_dominate_small_ones() -> None:
    firms = generate(enterprises=3000, years=1, seed=3, frameworks={}).enterprises
    province = firms["region_code"].str[:2].value_counts()
    assert province.get("44", 0) > 10 * province.get("63", 0)
    assert province.get("32", 0) > province.get("62", 0)


def test_size_classes_follow_the_2017_rules(data: DemoData) -> None:
    firms = data.enterprises
    expected = [
        size_class(int(e), float(r)).value
        for e, r in zip(firms["employees"], firms["revenue_wan"], strict=True)
    ]
    assert firms["size_class"].tolist() == expected
    assert np.corrcoef(np.log(firms["employees"]), np.log(firms["revenue_wan"]))[0, 1] > 0.5


def test_one_assessment_per_enterprise_and_year(data: DemoData) -> None:
    assessments = data.assessments
    assert len(assessments) == 240 * 3
    assert not assessments.duplicated(["uscc", "year"]).any()
    assert assessments["assessment_id"].is_unique
    assert sorted(assessments["year"].unique()) == [2023, 2024, 2025]
    versions = {f"{f.id}@{f.version}" for f in FRAMEWORKS.values()}
    assert set(assessments["frameworks"].iloc[0].split("|")) == versions


def test_every_answer_is_accepted_and_required_ones_are_complete(overall: pd.DataFrame) -> None:
    assert set(overall["framework_id"]) == set(FRAMEWORKS)
    assert (overall["missing_required"] == 0).all()
    assert overall["score_100"].between(0, 100).all()


def test_some_na_and_some_optional_indicators_unanswered(data: DemoData) -> None:
    assert (data.answers["answer"] == "na").any()
    optional = {(f.id, i.id) for f in FRAMEWORKS.values() for i in f.indicators if not i.required}
    if optional:
        answered = data.answers.groupby(["framework_id", "indicator_id"]).size()
        counts = [answered.get(key, 0) for key in optional]
        assert min(counts) < len(data.assessments)


def test_every_answer_type_is_generated(data: DemoData) -> None:
    kinds = {i.answer for f in FRAMEWORKS.values() for i in f.indicators}
    answered = set(zip(data.answers["framework_id"], data.answers["indicator_id"], strict=True))
    generated = {
        i.answer for f in FRAMEWORKS.values() for i in f.indicators if (f.id, i.id) in answered
    }
    assert generated == kinds


def test_maturity_improves_over_the_years(data: DemoData, overall: pd.DataFrame) -> None:
    years = overall.merge(data.assessments, on="assessment_id")
    mean = years.groupby("year")["score_100"].mean()
    assert mean.is_monotonic_increasing
    assert mean.iloc[-1] - mean.iloc[0] > 2


def test_frameworks_are_positively_correlated(overall: pd.DataFrame) -> None:
    wide = overall.pivot(index="assessment_id", columns="framework_id", values="score_100")
    correlation = wide.corr().to_numpy()
    off_diagonal = correlation[~np.eye(len(correlation), dtype=bool)]
    assert (off_diagonal > 0.2).all()


def test_composite_covers_every_assessment(overall: pd.DataFrame) -> None:
    composite = composite_index(overall[["assessment_id", "framework_id", "level", "score_100"]])
    assert composite["frameworks"].eq(len(FRAMEWORKS)).all()
    assert composite["stage"].between(1, 5).all()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_then_read_round_trips(data: DemoData, tmp_path: Path, fmt: str) -> None:
    small = DemoData(
        enterprises=data.enterprises.head(5),
        assessments=data.assessments.head(5),
        answers=data.answers.head(200),
    )
    written = small.write(tmp_path, fmt)
    assert [p.name for p in written] == [
        f"{n}.{fmt}" for n in ("enterprises", "assessments", "answers")
    ]
    back = DemoData.read(tmp_path)
    assert back.enterprises["uscc"].tolist() == small.enterprises["uscc"].tolist()
    assert back.enterprises["employees"].tolist() == small.enterprises["employees"].tolist()
    assert back.assessments["year"].tolist() == small.assessments["year"].tolist()
    assert back.answers["answer"].tolist() == small.answers["answer"].tolist()


def test_generation_rejects_empty_requests() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(enterprises=0, years=1, seed=1)


def test_demo_set_up_gives_every_bureau_several_sub_regions_above_k() -> None:
    from assessment.repo.demo_setup import with_county

    data, county = with_county(generate(enterprises=300, years=1, seed=2026, frameworks={}))
    again, county_again = with_county(generate(enterprises=300, years=1, seed=2026, frameworks={}))
    assert county == county_again
    pd.testing.assert_frame_equal(data.enterprises, again.enterprises)  # deterministic
    codes = data.enterprises["region_code"]
    assert county in set(regions()["code"])  # a real county, not an invented code

    def groups_of_five(values: pd.Series) -> int:
        return int((values.value_counts() >= 5).sum())

    assert groups_of_five(codes.str[:2]) >= 3  # national: provinces
    assert groups_of_five(codes[codes.str[:2] == county[:2]].str[:4]) >= 3  # province
    assert groups_of_five(codes[codes.str[:4] == county[:4]]) >= 3  # prefecture: counties
    moved = data.enterprises[codes.str[:4] == county[:4]]
    assert moved["name"].str.startswith(moved["name"].iloc[0][:2]).all()  # renamed to the city
