"""Article 17: the paragraph of a decision stating how the benchmark was applied (zh and en)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessment.penalty.bands import boundaries
from assessment.penalty.models import (
    Decision,
    FineBand,
    FineProvision,
    Movement,
    PersonResult,
    ResponsiblePerson,
    Text,
    Tier,
    Violation,
    ViolationResult,
)
from assessment.penalty.refs import article, money, number, paragraph, provision_ref, tier_name
from assessment.penalty.rules import Circumstance, load_rules


@dataclass(frozen=True)
class Facts:
    """Everything the engine decided about one violation, for the paragraph."""

    violation: Violation
    circumstances: tuple[Circumstance, ...]
    rule: str
    options: tuple[Tier, ...]
    may_no_penalty: bool
    tier: Tier | None
    decision: Decision | None
    provision: FineProvision | None
    others: tuple[FineProvision, ...]
    bands: tuple[FineBand, ...]
    proposed_tier: Tier | None
    persons: tuple[PersonResult, ...]


def _join(parts: Sequence[Text]) -> Text:
    return Text(zh="".join(p.zh for p in parts), en=" ".join(p.en for p in parts))


def _refs(circumstances: Sequence[Circumstance]) -> Text:
    refs = [provision_ref(c) for c in circumstances]
    return Text(zh="、".join(r.zh for r in refs), en=", ".join(r.en for r in refs))


def _tiers(tiers: Sequence[Tier]) -> Text:
    return Text(
        zh="、".join(tier_name(t).zh for t in tiers), en=", ".join(tier_name(t).en for t in tiers)
    )


def _intro(label: str) -> Text:
    title = load_rules().title
    head = Text(zh=f"关于{label}：", en=f"As to {label}:") if label else Text(zh="", en="")
    return Text(
        zh=f"{head.zh}本案适用《{title.zh}》（自2025年8月1日起施行）。",
        en=f"{head.en} This decision applies the {title.en} (in force from 1 August 2025).".strip(),
    )


def _circumstances(facts: Facts) -> Text:
    if not facts.circumstances:
        return Text(zh="", en="")
    zh, en = [], []
    for c in facts.circumstances:
        ref, detail = provision_ref(c), facts.violation.details.get(c.id, "").strip()
        zh.append(f"{ref.zh}规定的情形（“{c.zh}”{'，具体为：' + detail if detail else ''}）")
        en.append(f"{ref.en} ({c.en}{'; facts: ' + detail if detail else ''})")
    return Text(
        zh=f"经查，当事人存在{'；'.join(zh)}。",
        en=f"The party is found in the circumstances of {'; '.join(en)}.",
    )


def _of(facts: Facts, effect: str) -> list[Circumstance]:
    return [c for c in facts.circumstances if c.effect == effect and c.modality == "must"]


def _rule(facts: Facts) -> Text:
    if facts.rule == "art6":
        refs = _refs(_of(facts, "no_penalty"))
        rest = [c for c in facts.circumstances if c not in _of(facts, "no_penalty")]
        aside = (
            Text(
                zh=f"{_refs(rest).zh}所列情形不改变应当不予处罚的结论。",
                en=f" The circumstances of {_refs(rest).en} do not change that.",
            )
            if rest
            else Text(zh="", en="")
        )
        return Text(
            zh=f"依据{refs.zh}，应当不予处罚。{aside.zh}",
            en=f"Under {refs.en}, no penalty must be imposed.{aside.en}",
        )
    if facts.rule == "art9":
        return Text(
            zh="当事人不具有不予处罚、减轻处罚、从轻处罚或者从重处罚情形，依据第九条，应当给予一般处罚。",
            en="The party has none of the circumstances for no, mitigated, lighter or heavier "
            "penalty; under Article 9 a general penalty applies.",
        )
    if facts.rule == "art8":
        refs = _refs(_of(facts, "heavier"))
        return Text(
            zh=f"依据{refs.zh}，应当从重处罚。",
            en=f"Under {refs.en}, a heavier penalty must be imposed.",
        )
    if facts.rule == "art7":
        refs = _refs(_of(facts, "lighter_or_mitigated"))
        return Text(
            zh=f"依据{refs.zh}，应当从轻或者减轻处罚，二者之间由决定者裁量选择。",
            en=f"Under {refs.en}, a lighter or mitigated penalty must be imposed; which of the two "
            "is the decision-maker's choice.",
        )
    if facts.rule == "art10":
        light, heavy = _refs(_of(facts, "lighter_or_mitigated")), _refs(_of(facts, "heavier"))
        return Text(
            zh=f"当事人同时存在从轻或者减轻处罚情形（{light.zh}）和从重处罚情形（{heavy.zh}），"
            "依据第十条，应当根据案件具体情况综合考量进行处罚。",
            en="The party is in circumstances both for a lighter or mitigated penalty "
            f"({light.en}) and for a heavier penalty ({heavy.en}); under Article 10 the "
            "penalty is decided by weighing the specific circumstances of the case as a whole.",
        )
    return _article12(facts)


def _article12(facts: Facts) -> Text:
    moving = [c for c in facts.circumstances if c.effect != "no_penalty"]
    extra = (
        Text(
            zh=f"，{_refs(moving).zh}所列情形不改变裁量阶次，作为第十四条因素予以考量",
            en=f"; the circumstances of {_refs(moving).en} do not change the tier and are weighed "
            "as Article 14 factors",
        )
        if moving
        else Text(zh="", en="")
    )
    return Text(
        zh=f"本案依法单独处警告、通报批评或者没收违法所得，依据第十二条，仅适用不予处罚、一般处罚两种裁量阶次{extra.zh}。",
        en="The penalty is solely a warning, a notice of criticism or confiscation of "
        f"illegal gains; under Article 12 only the no-penalty and general tiers apply{extra.en}.",
    )


def _may(facts: Facts) -> Text:
    if not facts.may_no_penalty or facts.rule == "art6":
        return Text(zh="", en="")
    return Text(
        zh="当事人初次违法且危害后果轻微并及时改正，依据第六条第二款，可以不予处罚，是否不予处罚由决定者裁量。",
        en="This is a first violation with minor harmful consequences, promptly corrected; under "
        "Article 6, paragraph 2, it may go unpunished, at the decision-maker's discretion.",
    )


def _choice(facts: Facts) -> Text:
    if facts.tier is None:
        opts = _tiers(facts.options)
        return Text(
            zh=f"裁量阶次尚待决定者在{opts.zh}中选择并记录理由。",
            en=f"The tier awaits the decision-maker's choice, with reasons, among: {opts.en}.",
        )
    name = tier_name(facts.tier)
    if len(facts.options) > 1 and facts.decision is not None:
        opts = _tiers(facts.options)
        return Text(
            zh=f"在{opts.zh}中，经裁量决定适用“{name.zh}”，理由：{facts.decision.reason.strip()}。",
            en=f"Among {opts.en}, the decision-maker chose the tier '{name.en}', for these "
            f"reasons: {facts.decision.reason.strip()}.",
        )
    return Text(zh=f"裁量阶次为“{name.zh}”。", en=f"The tier is '{name.en}'.")


def _education(facts: Facts) -> Text:
    if facts.tier is not Tier.NO_PENALTY:
        return Text(zh="", en="")
    ref = paragraph(6, 3)
    return Text(
        zh=f"依据{ref.zh}，可以根据情节采取相应的行政监管措施，并应当对当事人进行教育。",
        en=f"Under {ref.en}, supervisory measures may be taken as the circumstances warrant, and "
        "the party must be educated.",
    )


def _statutory(provision: FineProvision, others: tuple[FineProvision, ...]) -> Text:
    low, high = provision.amount_range()
    law = (
        Text(zh=f"（{provision.law}）", en=f" ({provision.law})")
        if provision.law
        else Text(zh="", en="")
    )
    parts = [
        Text(
            zh=f"法定罚款幅度为{money(low).zh}至{money(high).zh}{law.zh}",
            en=f"The statutory fine range is {money(low).en} to {money(high).en}{law.en}",
        )
    ]
    if provision.kind == "multiple" and provision.illegal_gains is not None:
        gains = money(provision.illegal_gains)
        parts.append(
            Text(
                zh=f"，即违法所得{gains.zh}的{number(provision.minimum)}倍至{number(provision.maximum)}倍",
                en=f", i.e. {number(provision.minimum)} to {number(provision.maximum)} times the "
                f"illegal gains of {gains.en}",
            )
        )
    if others:
        names = Text(
            zh="、".join(p.law or "其他规定" for p in others),
            en=", ".join(p.law or "another provision" for p in others),
        )
        parts.append(
            Text(
                zh=f"；该违法行为同时违反{names.zh}，依据第十五条，按照罚款数额高的规定处罚，不得给予两次以上罚款",
                en=f"; the act also breaches {names.en}, and under Article 15 it is fined "
                "once, under the provision with the higher fine",
            )
        )
    return Text(zh="".join(p.zh for p in parts) + "。", en="".join(p.en for p in parts) + ".")


def _shift(name: Text, base: int, points: Decimal) -> Text:
    if points == 0:
        return Text(zh=f"{name.zh}保持{base}%", en=f"the {name.en} boundary stays at {base} %")
    up = points > 0
    size, to = number(abs(points)), number(base + points)
    return Text(
        zh=f"{name.zh}由{base}%{'上浮' if up else '下浮'}{size}个百分点至{to}%",
        en=f"the {name.en} boundary moves {'up' if up else 'down'} by {size} percentage points "
        f"from {base} % to {to} %",
    )


def _movement(movement: Movement) -> Text:
    lower, upper = boundaries(movement)
    base = Text(
        zh=f"依据第十一条，从轻、一般、从重处罚以法定幅度的{number(lower)}%和{number(upper)}%为分界",
        en=f"Under Article 11, the lighter, general and heavier bands divide the statutory range "
        f"at {number(lower)} % and {number(upper)} %",
    )
    if movement.is_zero():
        return Text(zh=f"{base.zh}（未浮动）。", en=f"{base.en} (not moved).")
    low = _shift(Text(zh="从轻与一般处罚的分界", en="lighter/general"), 30, movement.lower)
    high = _shift(Text(zh="一般与从重处罚的分界", en="general/heavier"), 70, movement.upper)
    reason = movement.reason.strip()
    return Text(
        zh=f"{base.zh}（依据第十一条第三款，{low.zh}，{high.zh}"
        f"{'，理由：' + reason if reason else ''}）。",
        en=f"{base.en} (under Article 11, paragraph 3, {low.en} and {high.en}"
        f"{'; reasons: ' + reason if reason else ''}).",
    )


def edge(amount: Decimal | None, inclusive: bool) -> Text:
    """An amount with its inclusive or exclusive mark."""
    if amount is None:
        return Text(zh="", en="")
    mark = (
        Text(zh="（含）", en=" (inclusive)")
        if inclusive
        else Text(zh="（不含）", en=" (exclusive)")
    )
    m = money(amount)
    return Text(zh=f"{m.zh}{mark.zh}", en=f"{m.en}{mark.en}")


def band(fine: FineBand, provision: FineProvision) -> Text:
    """One sentence stating a tier's fine band."""
    name = tier_name(fine.tier)
    if fine.tier is Tier.NO_PENALTY:
        return Text(zh="不予处罚的，不处罚款。", en="With no penalty, no fine is imposed.")
    if fine.tier is Tier.MITIGATED:
        minimum = money(provision.amount_range()[0])
        if fine.empty:
            return Text(
                zh="法定最低限为零，罚款无法低于最低限度，依据第五条，减轻处罚只能通过减少并处的处罚种类实现。",
                en="The statutory minimum is zero, so no fine can go below it; under Article 5 a "
                "mitigated penalty can only impose fewer of the concurrent kinds of penalty.",
            )
        return Text(
            zh=f"依据第五条，减轻处罚的罚款数额应当低于法定最低限{minimum.zh}（或者减少并处的处罚种类），本规定未设下限。",
            en="Under Article 5, a mitigated fine lies below the statutory minimum of "
            f"{minimum.en} (or fewer concurrent kinds of penalty are imposed); these rules "
            "set no floor.",
        )
    low, high = edge(fine.low, fine.low_inclusive), edge(fine.high, fine.high_inclusive)
    multiples = Text(zh="", en="")
    if fine.low_multiple is not None and fine.high_multiple is not None:
        multiples = Text(
            zh=f"，相当于违法所得的{number(fine.low_multiple)}倍至{number(fine.high_multiple)}倍",
            en=f", i.e. {number(fine.low_multiple)} to {number(fine.high_multiple)} times the "
            "illegal gains",
        )
    lo_pct = number(fine.low_percent or Decimal(0))
    hi_pct = number(fine.high_percent or Decimal(0))
    span = Text(
        zh=f"法定幅度的{lo_pct}%至{hi_pct}%", en=f"{lo_pct} % to {hi_pct} % of the statutory range"
    )
    return Text(
        zh=f"{name.zh}的罚款数额为{span.zh}，即{low.zh}至{high.zh}{multiples.zh}。",
        en=f"The {name.en} band is {span.en}: {low.en} to {high.en}{multiples.en}.",
    )


def _fine(facts: Facts) -> Text:
    provision = facts.provision
    if provision is None:
        return Text(zh="", en="")
    shown = [b for b in facts.bands if facts.tier is None or b.tier is facts.tier]
    parts = [_statutory(provision, facts.others), _movement(facts.violation.movement)]
    parts += [band(b, provision) for b in shown]
    proposed = facts.violation.proposed_fine
    if proposed is not None and facts.proposed_tier is not None:
        where = tier_name(facts.proposed_tier)
        parts.append(
            Text(
                zh=f"拟处罚款{money(proposed).zh}，属于“{where.zh}”的罚款区间。",
                en=f"The proposed fine of {money(proposed).en} lies in the '{where.en}' band.",
            )
        )
    return _join(parts)


def _factors(notes: dict[str, str], lead: Text) -> Text:
    if not notes:
        return Text(zh="", en="")
    rules = load_rules()
    zh, en = [], []
    for factor_id, note in notes.items():
        factor, ref = rules.factor(factor_id), provision_ref(rules.factor(factor_id))
        cite = Text(zh="", en="") if factor.article == 13 else Text(zh=ref.zh, en=f"{ref.en}: ")
        zh.append(f"{cite.zh}{factor.zh}{'（' + note.strip() + '）' if note.strip() else ''}")
        en.append(f"{cite.en}{factor.en}{' (' + note.strip() + ')' if note.strip() else ''}")
    return Text(zh=f"{lead.zh}{'；'.join(zh)}等因素。", en=f"{lead.en}{'; '.join(en)}.")


def violation(facts: Facts) -> Text:
    """The Article 17 paragraph for one violation, with its responsible persons."""
    ref14 = article(14)
    parts = [
        _intro(facts.violation.label),
        _circumstances(facts),
        _rule(facts),
        _may(facts),
        _choice(facts),
        _education(facts),
        _fine(facts),
        _factors(
            facts.violation.factors,
            Text(
                zh=f"依据{ref14.zh}，判断违法行为性质、情节以及社会危害程度，综合考量了",
                en=f"Under {ref14.en}, the nature, circumstances and social harm of the "
                "violation were judged weighing these factors: ",
            ),
        ),
    ]
    parts += [p.reasoning for p in facts.persons]
    return _join([p for p in parts if p.zh])


def person(
    person: ResponsiblePerson,
    tier: Tier | None,
    unit_tier: Tier | None,
    fine: FineBand | None,
) -> Text:
    """Article 13: the sentence on a directly responsible person."""
    who = Text(
        zh=f"对直接负责的主管人员和其他直接责任人员{person.name}"
        f"{'（' + person.role + '）' if person.role else ''}，依据第十三条，",
        en=f"As to {person.name}{' (' + person.role + ')' if person.role else ''}, a directly "
        "responsible person, under Article 13",
    )
    weighed = _factors(person.factors, Text(zh="综合考量", en=", weighing "))
    weighed = (
        Text(zh=weighed.zh.removesuffix("。") + "，", en=weighed.en.removesuffix("."))
        if person.factors
        else Text(zh="", en="")
    )
    unit = tier_name(unit_tier) if unit_tier else Text(zh="尚未确定", en="not yet decided")
    if tier is None:
        outcome = Text(
            zh=f"参照对单位的裁量阶次（{unit.zh}），其裁量阶次尚待确定。",
            en=f", by reference to the unit's tier ({unit.en}), the tier is still open.",
        )
    elif person.decision is not None:
        outcome = Text(
            zh=f"参照对单位的裁量阶次（{unit.zh}），经裁量确定为“{tier_name(tier).zh}”，理由：{person.decision.reason.strip()}。",
            en=f", by reference to the unit's tier ({unit.en}), the tier '{tier_name(tier).en}' "
            f"was chosen, for these reasons: {person.decision.reason.strip()}.",
        )
    else:
        outcome = Text(
            zh=f"参照对单位的裁量阶次，确定为“{tier_name(tier).zh}”。",
            en=f", by reference to the unit's tier, the tier is '{tier_name(tier).en}'.",
        )
    parts = [who, weighed, outcome]
    if fine is not None and person.fine is not None:
        parts += [_statutory(person.fine, ()), band(fine, person.fine)]
    head = Text(zh="".join(p.zh for p in parts[:3]), en="".join(p.en for p in parts[:3]))
    return _join([head, *parts[3:]])


def case(results: tuple[ViolationResult, ...], low: Decimal | None, high: Decimal | None) -> Text:
    """The case paragraph: one violation's, or several decided separately and combined."""
    if len(results) == 1:
        return results[0].reasoning
    numbered = [
        Text(zh=f"（{i}）{r.reasoning.zh}", en=f"({i}) {r.reasoning.en}")
        for i, r in enumerate(results, start=1)
    ]
    total = (
        Text(
            zh=f"罚款合计{money(low).zh}至{money(high).zh}。",
            en=f"The fines total {money(low).en} to {money(high).en}.",
        )
        if low is not None and high is not None
        else Text(
            zh="合并数额待各违法行为的裁量阶次确定后计算。",
            en="The combined amount follows once every violation's tier is decided.",
        )
    )
    rule = Text(
        zh=f"当事人有{len(results)}个应当给予行政处罚的违法行为，依据第十五条，分别裁量，合并处罚。{total.zh}",
        en=f"The party committed {len(results)} violations to be penalised; under Article 15 each "
        f"is decided separately and the penalties are combined. {total.en}",
    )
    return Text(
        zh="\n\n".join([*(n.zh for n in numbered), rule.zh]),
        en="\n\n".join([*(n.en for n in numbered), rule.en]),
    )
