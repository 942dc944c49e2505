"""The CAC penalty-discretion engine: tiers (Articles 6–10, 12), bands (11), persons (13),
factors (14), several provisions and violations (15), the Article 17 paragraph, and the CLI."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from assessment.cli import main
from assessment.penalty import (
    Case,
    Decision,
    FineProvision,
    Movement,
    PenaltyError,
    Tier,
    Violation,
    evaluate,
    load_rules,
    to_markdown,
)
from assessment.penalty.bands import RangeError, classify_amount, fine_band
from assessment.penalty.refs import chinese_number, money

NP, MIT, LIGHT, GEN, HEAVY = (
    Tier.NO_PENALTY,
    Tier.MITIGATED,
    Tier.LIGHTER,
    Tier.GENERAL,
    Tier.HEAVIER,
)


def decide(**violation: Any) -> Any:
    """Evaluate a case of one violation and return its result."""
    return evaluate(Case(violations=(Violation.model_validate(violation),))).violations[0]


def amount(low: int | str, high: int | str, **extra: Any) -> dict[str, Any]:
    return {"minimum": low, "maximum": high, **extra}


# ---- one case per circumstance: id → the tiers it opens -----------------------------------------

SINGLE = [
    ("art6_item1", (NP,)),
    ("art6_item2", (NP,)),
    ("art6_item3", (NP,)),
    ("art6_para2", (NP, GEN)),
    *[(f"art7_item{i}", (MIT, LIGHT)) for i in range(1, 6)],
    *[(f"art8_item{i}", (HEAVY,)) for i in range(1, 10)],
]


@pytest.mark.parametrize(("circumstance", "options"), SINGLE, ids=[c for c, _ in SINGLE])
def test_each_circumstance_opens_its_tiers(circumstance: str, options: tuple[Tier, ...]) -> None:
    result = decide(circumstances=[circumstance], details={circumstance: "事实"})
    assert result.options == options
    assert result.decided is (len(options) == 1)
    assert circumstance in {ref.id for ref in result.articles}
    assert load_rules().circumstance(circumstance).zh in result.reasoning.zh


def test_no_circumstance_is_general_under_article_9() -> None:
    result = decide()
    assert (result.tier, result.options) == (GEN, (GEN,))
    assert {"art5", "art9", "art17"} <= {ref.id for ref in result.articles}
    assert "第九条" in result.reasoning.zh
    assert "Article 9" in result.reasoning.en


COMBINATIONS = [
    ("must_not_punish_beats_aggravation", ["art6_item1", "art8_item1"], False, (NP,)),
    ("may_plus_article7", ["art6_para2", "art7_item1"], False, (NP, MIT, LIGHT)),
    ("may_plus_article8", ["art6_para2", "art8_item2"], False, (NP, HEAVY)),
    ("article10", ["art7_item2", "art8_item3"], False, (MIT, LIGHT, GEN, HEAVY)),
    ("may_plus_article10", ["art6_para2", "art7_item3", "art8_item4"], False, tuple(Tier)),
    ("art12_aggravation", ["art8_item4"], True, (GEN,)),
    ("art12_lightening", ["art7_item3"], True, (GEN,)),
    ("art12_may", ["art6_para2"], True, (NP, GEN)),
    ("art12_must_not", ["art6_item2"], True, (NP,)),
    ("art12_none", [], True, (GEN,)),
]


@pytest.mark.parametrize(
    ("circumstances", "warning_only", "options"),
    [c[1:] for c in COMBINATIONS],
    ids=[c[0] for c in COMBINATIONS],
)
def test_combinations(
    circumstances: list[str], warning_only: bool, options: tuple[Tier, ...]
) -> None:
    assert decide(circumstances=circumstances, warning_only=warning_only).options == options


def test_article12_names_its_limit() -> None:
    result = decide(circumstances=["art8_item4"], warning_only=True)
    assert result.tier is GEN
    assert "art12" in {ref.id for ref in result.articles}
    assert "仅适用不予处罚、一般处罚两种裁量阶次" in result.reasoning.zh
    assert result.fine is None


def test_article12_refuses_a_fine() -> None:
    with pytest.raises(ValidationError, match="warning_only"):
        Violation(warning_only=True, fines=(FineProvision(maximum=Decimal(10)),))


# ---- discretionary choices are recorded, never guessed ------------------------------------------

BOTH = ["art7_item1", "art8_item5"]


def test_article10_without_a_choice_is_pending() -> None:
    result = decide(circumstances=BOTH, fines=[amount(0, 100)])
    assert (result.tier, result.decided, result.fine) == (None, False, None)
    assert [b.tier for b in result.bands] == [MIT, LIGHT, GEN, HEAVY]
    assert "第十条" in result.reasoning.zh
    assert "尚待决定者" in result.reasoning.zh
    assert result.messages[0].en.startswith("The decision-maker must choose")


@pytest.mark.parametrize("tier", [MIT, LIGHT, GEN, HEAVY])
def test_article10_records_the_choice_in_either_direction(tier: Tier) -> None:
    result = decide(
        circumstances=BOTH, fines=[amount(0, 100)], decision={"tier": tier, "reason": "综合考量"}
    )
    assert result.tier is tier
    assert result.decision == Decision(tier=tier, reason="综合考量")
    assert result.fine is not None
    assert result.fine.tier is tier
    assert "理由：综合考量" in result.reasoning.zh


def test_a_choice_without_reasons_is_not_applied() -> None:
    result = decide(circumstances=BOTH, decision={"tier": "heavier", "reason": "  "})
    assert result.tier is None
    assert "reasons" in result.messages[0].en


@pytest.mark.parametrize(
    ("circumstances", "tier"),
    [
        (BOTH, NP),
        (["art7_item4"], GEN),
        (["art6_para2"], HEAVY),
        ([], HEAVY),
        (["art8_item6"], LIGHT),
    ],
)
def test_a_choice_of_a_tier_that_is_not_open_is_an_error(
    circumstances: list[str], tier: Tier
) -> None:
    with pytest.raises(PenaltyError, match="not"):
        decide(circumstances=circumstances, decision={"tier": tier, "reason": "x"})


def test_a_choice_matching_the_fixed_tier_is_kept() -> None:
    result = decide(circumstances=["art8_item7"], decision={"tier": "heavier", "reason": "x"})
    assert (result.tier, result.decision.tier) == (HEAVY, HEAVY)


@pytest.mark.parametrize(("tier", "expected"), [(NP, "不处罚款"), (GEN, "一般处罚的罚款数额")])
def test_article6_paragraph2_choice(tier: Tier, expected: str) -> None:
    result = decide(
        circumstances=["art6_para2"],
        fines=[amount(0, 100)],
        decision={"tier": tier, "reason": "初次"},
    )
    assert result.tier is tier
    assert "第六条第二款" in result.reasoning.zh
    assert expected in result.reasoning.zh
    assert ("art6_para3" in {r.id for r in result.articles}) is (tier is NP)


# ---- Article 11: bands, boundaries, movement, multiples -----------------------------------------

ZERO = Movement()
CLASSIFY = [
    # (min, max, movement lower, movement upper, amount, tier)
    (0, 100, 0, 0, "29.99", LIGHT),
    (0, 100, 0, 0, "30", GEN),
    (0, 100, 0, 0, "70", GEN),
    (0, 100, 0, 0, "70.01", HEAVY),
    (0, 100, 0, 0, "100", HEAVY),
    (0, 100, 0, 0, "0", NP),
    (10000, 1000000, 0, 0, "307000", GEN),
    (10000, 1000000, 0, 0, "306999.99", LIGHT),
    (10000, 1000000, 0, 0, "703000", GEN),
    (10000, 1000000, 0, 0, "703000.01", HEAVY),
    (10000, 1000000, 0, 0, "9999", MIT),
    (10000, 1000000, 0, 0, "10000", LIGHT),
    (0, 100, 10, -10, "39.99", LIGHT),
    (0, 100, 10, -10, "40", GEN),
    (0, 100, 10, -10, "60", GEN),
    (0, 100, 10, -10, "60.01", HEAVY),
    (0, 100, -10, 10, "19.99", LIGHT),
    (0, 100, -10, 10, "20", GEN),
    (0, 100, -10, 10, "80", GEN),
    (0, 100, -10, 10, "80.01", HEAVY),
    (50, 50, 0, 0, "50", GEN),
]


@pytest.mark.parametrize(("low", "high", "lower", "upper", "value", "tier"), CLASSIFY)
def test_article11_boundaries(
    low: int, high: int, lower: int, upper: int, value: str, tier: Tier
) -> None:
    provision = FineProvision(minimum=Decimal(low), maximum=Decimal(high))
    movement = Movement(lower=Decimal(lower), upper=Decimal(upper))
    assert classify_amount(Decimal(value), provision, movement) is tier


def test_above_the_maximum_is_an_error() -> None:
    with pytest.raises(RangeError):
        classify_amount(Decimal("100.01"), FineProvision(maximum=Decimal(100)), ZERO)


def test_bands_of_a_range() -> None:
    provision = FineProvision(minimum=Decimal(10000), maximum=Decimal(1000000))
    bands = {t: fine_band(t, provision, ZERO) for t in Tier}
    assert (bands[LIGHT].low, bands[LIGHT].high, bands[LIGHT].high_inclusive) == (
        10000,
        307000,
        False,
    )
    assert (bands[GEN].low, bands[GEN].high) == (307000, 703000)
    assert bands[GEN].low_inclusive
    assert bands[GEN].high_inclusive
    assert (bands[HEAVY].low, bands[HEAVY].high, bands[HEAVY].low_inclusive) == (
        703000,
        1000000,
        False,
    )
    assert (bands[MIT].low, bands[MIT].high, bands[MIT].high_inclusive) == (None, 10000, False)
    assert (bands[NP].low, bands[NP].high) == (0, 0)


@pytest.mark.parametrize("points", [10, -10, "9.5", 0])
def test_movement_up_to_ten_points_is_allowed(points: int | str) -> None:
    movement = Movement.model_validate(points)
    assert movement.lower == movement.upper == Decimal(points)


@pytest.mark.parametrize(
    "movement", [11, -11, "10.01", {"lower": 10.5}, {"upper": -12}, {"lower": 0, "upper": 20}]
)
def test_movement_beyond_ten_points_is_an_error(movement: Any) -> None:
    with pytest.raises(ValidationError, match="beyond the 10 percentage points"):
        Violation.model_validate({"movement": movement})


def test_movement_is_stated_with_its_reason() -> None:
    result = decide(
        fines=[amount(0, 100)], movement={"lower": 5, "upper": -5, "reason": "本地经济欠发达"}
    )
    assert (result.lower_boundary, result.upper_boundary) == (35, 65)
    assert (result.fine.low, result.fine.high) == (35, 65)
    assert "由30%上浮5个百分点至35%" in result.reasoning.zh
    assert "由70%下浮5个百分点至65%" in result.reasoning.zh
    assert "本地经济欠发达" in result.reasoning.zh
    assert "art11_para3" in {r.id for r in result.articles}
    assert not result.messages


def test_movement_without_a_reason_is_flagged() -> None:
    result = decide(fines=[amount(0, 100)], movement=3)
    assert any("Article 11, paragraph 3" in m.en for m in result.messages)


def test_multiples_times_illegal_gains() -> None:
    fine = {"kind": "multiple", "minimum": 1, "maximum": 5, "illegal_gains": 20000}
    result = decide(fines=[fine])
    assert (result.statutory_low, result.statutory_high) == (20000, 100000)
    assert (result.fine.low, result.fine.high) == (44000, 76000)
    assert (result.fine.low_multiple, result.fine.high_multiple) == (Decimal("2.2"), Decimal("3.8"))
    assert "违法所得人民币20,000元的1倍至5倍" in result.reasoning.zh
    assert "2.2倍至3.8倍" in result.reasoning.zh


@pytest.mark.parametrize("gains", [None, 0])
def test_multiples_need_illegal_gains(gains: int | None) -> None:
    with pytest.raises(ValidationError, match="illegal_gains"):
        FineProvision.model_validate(
            {"kind": "multiple", "minimum": 1, "maximum": 5, "illegal_gains": gains}
        )


def test_mitigated_is_below_the_minimum_without_a_floor() -> None:
    result = decide(
        circumstances=["art7_item2"],
        fines=[amount(50000, 500000)],
        decision={"tier": "mitigated", "reason": "受胁迫"},
    )
    assert (result.fine.low, result.fine.high, result.fine.high_inclusive) == (None, 50000, False)
    assert result.fine.contains(Decimal(1))
    assert not result.fine.contains(Decimal(50000))
    assert "低于法定最低限人民币50,000元" in result.reasoning.zh
    assert "本规定未设下限" in result.reasoning.zh


def test_mitigated_with_a_zero_minimum_has_no_fine_amount() -> None:
    result = decide(
        circumstances=["art7_item2"],
        fines=[amount(0, 100000)],
        decision={"tier": "mitigated", "reason": "受胁迫"},
    )
    assert result.fine.empty
    assert "减少并处的处罚种类" in result.reasoning.zh
    assert any("no fine amount" in m.en for m in result.messages)


@pytest.mark.parametrize(("proposed", "fits"), [(400000, True), (100000, False)])
def test_proposed_fine_is_checked_against_the_band(proposed: int, fits: bool) -> None:
    result = decide(
        circumstances=["art8_item1"], fines=[amount(50000, 500000)], proposed_fine=proposed
    )
    assert result.proposed_fine_fits is fits
    assert "拟处罚款" in result.reasoning.zh


def test_proposed_fine_above_the_maximum_is_an_error() -> None:
    with pytest.raises(PenaltyError, match="above the statutory maximum"):
        decide(fines=[amount(0, 100)], proposed_fine=101)


# ---- Article 13: responsible persons ------------------------------------------------------------

PERSON_FACTORS = [f"art13_factor{i}" for i in range(1, 7)]


def test_person_takes_the_units_tier_by_reference() -> None:
    person = {
        "name": "张三",
        "role": "技术负责人",
        "fine": amount(10000, 100000),
        "factors": {f: f"说明{f}" for f in PERSON_FACTORS},
    }
    result = decide(circumstances=["art8_item8"], responsible_persons=[person])
    (who,) = result.persons
    assert (who.tier, who.by_reference) == (HEAVY, True)
    assert (who.fine.low, who.fine.high) == (73000, 100000)
    assert "art13" in {r.id for r in result.articles}
    assert "参照对单位的裁量阶次" in result.reasoning.zh
    for factor in PERSON_FACTORS:
        assert load_rules().factor(factor).zh in who.reasoning.zh
        assert load_rules().factor(factor).en in who.reasoning.en


def test_person_with_a_recorded_choice() -> None:
    person = {"name": "李四", "decision": {"tier": "lighter", "reason": "次要责任"}}
    (who,) = decide(circumstances=["art8_item8"], responsible_persons=[person]).persons
    assert (who.tier, who.by_reference) == (LIGHT, False)
    assert "次要责任" in who.reasoning.zh


def test_person_of_a_pending_unit_is_pending() -> None:
    (who,) = decide(circumstances=BOTH, responsible_persons=[{"name": "王五"}]).persons
    assert who.tier is None
    assert who.messages


def test_person_under_article12_only_no_penalty_or_general() -> None:
    person = {"name": "赵六", "decision": {"tier": "heavier", "reason": "x"}}
    with pytest.raises(PenaltyError):
        decide(warning_only=True, responsible_persons=[person])


# ---- Article 14 factors -------------------------------------------------------------------------

ART14 = [f"art14_item{i}" for i in range(1, 9)]


@pytest.mark.parametrize("factor", ART14)
def test_article14_factor_is_listed_in_the_reasoning(factor: str) -> None:
    result = decide(factors={factor: "具体情况"})
    assert factor in {r.id for r in result.articles}
    assert load_rules().factor(factor).zh + "（具体情况）" in result.reasoning.zh
    assert load_rules().factor(factor).en in result.reasoning.en


# ---- Article 15 ---------------------------------------------------------------------------------


def test_one_act_under_several_laws_takes_the_highest_fine_once() -> None:
    fines = [
        amount(10000, 100000, law="甲法"),
        {"law": "乙法", "kind": "multiple", "minimum": 1, "maximum": 10, "illegal_gains": 50000},
        amount(0, 200000, law="丙法"),
    ]
    result = decide(fines=fines)
    assert result.provision.law == "乙法"
    assert (result.statutory_low, result.statutory_high) == (50000, 500000)
    assert "art15" in {r.id for r in result.articles}
    assert "不得给予两次以上罚款" in result.reasoning.zh


def test_several_violations_are_decided_separately_and_combined() -> None:
    case = Case.model_validate(
        {
            "violations": [
                {"label": "甲", "fines": [amount(0, 100)]},
                {"label": "乙", "circumstances": ["art8_item2"], "fines": [amount(0, 1000)]},
                {"label": "丙", "warning_only": True},
            ]
        }
    )
    result = evaluate(case)
    assert [v.tier for v in result.violations] == [GEN, HEAVY, GEN]
    assert (result.combined_low, result.combined_high) == (30 + 700, 70 + 1000)
    assert result.decided
    assert "分别裁量，合并处罚" in result.reasoning.zh
    assert "art15" in {r.id for r in result.articles}


def test_combined_waits_for_every_choice() -> None:
    case = Case.model_validate(
        {
            "violations": [
                {"fines": [amount(0, 100)]},
                {"circumstances": ["art7_item1"], "fines": [amount(0, 100)]},
            ]
        }
    )
    result = evaluate(case)
    assert not result.decided
    assert (result.combined_low, result.combined_high) == (None, None)


# ---- inputs refused -----------------------------------------------------------------------------

BAD = [
    ("negative_amount", {"fines": [amount(-1, 100)]}, "negative"),
    ("min_above_max", {"fines": [amount(200, 100)]}, "above the maximum"),
    ("negative_gains", {"fines": [amount(1, 2, kind="multiple", illegal_gains=-5)]}, "negative"),
    ("unknown_circumstance", {"circumstances": ["art9_item1"]}, "unknown circumstance"),
    ("unknown_factor", {"factors": {"art14_item9": ""}}, "unknown Article 14 factor"),
    ("stray_detail", {"details": {"art8_item1": "x"}}, "not present"),
    ("unknown_key", {"fine": []}, "Extra inputs"),
    ("proposed_without_range", {"proposed_fine": 5}, "needs a statutory fine range"),
    ("negative_proposed", {"fines": [amount(0, 9)], "proposed_fine": -1}, "negative"),
    (
        "unknown_person_factor",
        {"responsible_persons": [{"name": "x", "factors": {"a": ""}}]},
        "unknown Article 13 factor",
    ),
]


@pytest.mark.parametrize(("data", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Case.model_validate(data)


def test_catch_all_items_ask_for_their_basis() -> None:
    bare = decide(circumstances=["art8_item9"])
    assert any("catch-all" in m.en for m in bare.messages)
    stated = decide(circumstances=["art8_item9"], details={"art8_item9": "针对老年人诈骗"})
    assert not stated.messages
    assert "具体为：针对老年人诈骗" in stated.reasoning.zh


# ---- rules file, formatting, report -------------------------------------------------------------


def test_rules_file_holds_the_articles() -> None:
    rules = load_rules()
    per_article = [c.article for c in rules.circumstances]
    assert [per_article.count(a) for a in (6, 7, 8)] == [4, 5, 9]
    assert len(rules.factors) == 8
    assert [t.id for t in rules.tiers] == [t.value for t in Tier]


def test_every_rules_id_is_tested() -> None:
    tested = {c for c, _ in SINGLE} | set(ART14) | set(PERSON_FACTORS)
    assert tested == load_rules().all_ids()


@pytest.mark.parametrize(
    ("n", "zh"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (17, "十七"), (20, "二十")]
)
def test_chinese_numbers(n: int, zh: str) -> None:
    assert chinese_number(n) == zh


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [("307000", "人民币307,000元", "CNY 307,000"), ("1234.5", "人民币1,234.50元", "CNY 1,234.50")],
)
def test_money(value: str, zh: str, en: str) -> None:
    assert (money(Decimal(value)).zh, money(Decimal(value)).en) == (zh, en)


def test_markdown_report() -> None:
    result = evaluate(
        Case.model_validate({"circumstances": ["art8_item1"], "fines": [amount(0, 100)]})
    )
    text = to_markdown(result).decode("utf-8")
    assert "从重处罚 / heavier penalty" in text
    assert "第八条第（一）项 / Article 8(1)" in text
    assert result.reasoning.zh in text
    assert result.reasoning.en in text


# ---- CLI ----------------------------------------------------------------------------------------

CASE = {
    "violations": [
        {
            "label": "未履行数据安全保护义务",
            "fines": [{"law": "《数据安全法》第四十五条", "minimum": 50000, "maximum": 500000}],
            "circumstances": ["art8_item1", "art7_item1"],
            "decision": {"tier": "heavier", "reason": "危害后果严重"},
            "movement": {"lower": 0, "upper": -10, "reason": "本地区情况"},
        }
    ]
}


def test_cli_round_trip(tmp_path: Path) -> None:
    source, out = tmp_path / "case.json", tmp_path / "result.json"
    source.write_text(json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
    assert main(["penalty", str(source), "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    (violation,) = result["violations"]
    assert violation["tier"] == "heavier"
    assert (violation["fine"]["low"], violation["fine"]["high"]) == (320000, 500000)
    assert {"art7_item1", "art8_item1", "art10", "art11"} <= {a["id"] for a in result["articles"]}
    assert "第十条" in result["reasoning"]["zh"]
    assert "Article 10" in result["reasoning"]["en"]


def test_cli_reads_stdin_and_writes_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"circumstances": ["art6_item1"]})))
    assert main(["penalty", "-"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["violations"][0]["tier"] == "no_penalty"
    assert result["decided"] is True


def test_cli_markdown(tmp_path: Path) -> None:
    source, out = tmp_path / "case.json", tmp_path / "r.md"
    source.write_text(json.dumps(CASE), encoding="utf-8")
    assert main(["penalty", str(source), "--format", "markdown", "--out", str(out)]) == 0
    assert "## 说明（中文）" in out.read_text(encoding="utf-8")


CLI_ERRORS = [
    ("negative", {"fines": [amount(-5, 10)]}, "must not be negative"),
    ("min_above_max", {"fines": [amount(10, 5)]}, "above the maximum"),
    ("unknown", {"circumstances": ["art8_item10"]}, "unknown circumstance: art8_item10"),
    ("movement", {"movement": {"lower": 12}}, "beyond the 10 percentage points"),
    ("not_open", {"decision": {"tier": "heavier", "reason": "x"}}, "not open"),
    ("empty", {"violations": []}, "at least 1 item"),
]


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in CLI_ERRORS], ids=[c[0] for c in CLI_ERRORS]
)
def test_cli_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: dict[str, Any], message: str
) -> None:
    source = tmp_path / "case.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert main(["penalty", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ronghe penalty: ")
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"), [(None, "cannot read"), ("{oops", "not valid JSON")]
)
def test_cli_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    source = tmp_path / "case.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    assert main(["penalty", str(source)]) == 2
    assert message in capsys.readouterr().err


def test_must_not_punish_says_the_rest_does_not_count() -> None:
    result = decide(circumstances=["art6_item1", "art8_item1"])
    assert result.tier is NP
    assert "第八条第（一）项所列情形不改变应当不予处罚的结论" in result.reasoning.zh
    assert "do not change that" in result.reasoning.en
