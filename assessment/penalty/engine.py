"""The tier engine: Articles 6–10 choose the tier (or the options the decision-maker chooses among),
Article 11 gives the fine band, Articles 12, 13 and 15 apply, Article 17's paragraph is written."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from assessment.penalty import reasoning
from assessment.penalty.bands import (
    RangeError,
    boundaries,
    classify_amount,
    fine_band,
    highest_provision,
)
from assessment.penalty.models import (
    Case,
    CaseResult,
    Decision,
    FineBand,
    FineProvision,
    PersonResult,
    Ref,
    ResponsiblePerson,
    Text,
    Tier,
    Violation,
    ViolationResult,
)
from assessment.penalty.refs import article, paragraph, provision_ref, tier_name
from assessment.penalty.rules import Circumstance, load_rules

Rule = Literal["art6", "art7", "art8", "art9", "art10", "art12"]

ALL_SEVERITIES = (Tier.MITIGATED, Tier.LIGHTER, Tier.GENERAL, Tier.HEAVIER)


class PenaltyError(ValueError):
    """A choice or amount the rules do not allow (a user error)."""


@dataclass(frozen=True)
class Basis:
    """Which article fixes the tier, and the tiers open to the decision-maker."""

    rule: Rule
    options: tuple[Tier, ...]
    may_no_penalty: bool


def tier_basis(circumstances: Sequence[Circumstance], *, warning_only: bool) -> Basis:
    """The governing article and the open tiers for a set of circumstances (Articles 6–10, 12)."""
    effects = {c.effect for c in circumstances if c.modality == "must"}
    may = any(c.modality == "may" for c in circumstances)
    if "no_penalty" in effects:
        # Article 6(1)–(3) say 应当: no other circumstance can bring a penalty back.
        return Basis("art6", (Tier.NO_PENALTY,), may)
    rule: Rule
    base: tuple[Tier, ...]
    if warning_only:
        rule, base = "art12", (Tier.GENERAL,)
    elif {"lighter_or_mitigated", "heavier"} <= effects:
        rule, base = "art10", ALL_SEVERITIES
    elif "lighter_or_mitigated" in effects:
        rule, base = "art7", (Tier.MITIGATED, Tier.LIGHTER)
    elif "heavier" in effects:
        rule, base = "art8", (Tier.HEAVIER,)
    else:
        rule, base = "art9", (Tier.GENERAL,)
    # Article 6(2) says 可以: not punishing is an option beside the tier that otherwise applies.
    return Basis(rule, (Tier.NO_PENALTY, *base) if may else base, may)


def choose_tier(
    options: tuple[Tier, ...], decision: Decision | None
) -> tuple[Tier | None, Decision | None, tuple[Text, ...]]:
    """The tier: fixed by the rules, or the decision-maker's recorded choice with its reasons."""
    if len(options) == 1:
        if decision is not None and decision.tier is not options[0]:
            raise PenaltyError(
                f"tier {decision.tier.value!r} is not open: the circumstances fix "
                f"{options[0].value!r}"
            )
        return options[0], decision, ()
    names = Text(
        zh="、".join(tier_name(t).zh for t in options),
        en=", ".join(tier_name(t).en for t in options),
    )
    if decision is None:
        return (
            None,
            None,
            (
                Text(
                    zh=f"需由决定者在以下裁量阶次中选择并记录理由：{names.zh}。",
                    en=f"The decision-maker must choose, with reasons, among: {names.en}.",
                ),
            ),
        )
    if decision.tier not in options:
        raise PenaltyError(
            f"tier {decision.tier.value!r} is not among the open tiers "
            f"{', '.join(t.value for t in options)}"
        )
    if not decision.reason.strip():
        return (
            None,
            None,
            (
                Text(
                    zh="裁量选择须记录理由，尚未记录，选择未生效。",
                    en="A discretionary choice must be recorded with its reasons; none given, "
                    "so it is not applied.",
                ),
            ),
        )
    return decision.tier, decision, ()


def applied_provision(
    fines: tuple[FineProvision, ...],
) -> tuple[FineProvision | None, tuple[FineProvision, ...]]:
    """Article 15: one fine per act, by the provision with the highest fine; the others."""
    if not fines:
        return None, ()
    chosen = highest_provision(fines)
    return fines[chosen], tuple(p for i, p in enumerate(fines) if i != chosen)


def _band(tier: Tier | None, bands: tuple[FineBand, ...]) -> FineBand | None:
    return next((b for b in bands if b.tier is tier), None)


def _proposed_fit(
    violation: Violation, provision: FineProvision | None, fine: FineBand | None
) -> tuple[bool | None, Tier | None]:
    if violation.proposed_fine is None or provision is None:
        return None, None
    try:
        actual = classify_amount(violation.proposed_fine, provision, violation.movement)
    except RangeError as exc:
        raise PenaltyError(str(exc)) from exc
    return (fine.contains(violation.proposed_fine) if fine else None), actual


def _warnings(
    violation: Violation, circumstances: Sequence[Circumstance], fine: FineBand | None
) -> tuple[Text, ...]:
    notes: list[Text] = []
    for c in circumstances:
        if c.catch_all and not violation.details.get(c.id, "").strip():
            ref = provision_ref(c)
            notes.append(
                Text(
                    zh=f"{ref.zh}为兜底情形，应当写明所依据的具体法律规定和事实。",
                    en=f"{ref.en} is a catch-all: state the specific legal basis and facts.",
                )
            )
    if not violation.movement.is_zero() and not violation.movement.reason.strip():
        notes.append(
            Text(
                zh="分界已浮动，应当说明浮动理由（第十一条第三款）。",
                en="The boundaries were moved: state the reasons (Article 11, paragraph 3).",
            )
        )
    if fine is not None and fine.empty:
        notes.append(
            Text(
                zh="该裁量阶次在本法定幅度内没有可处的罚款数额。",
                en="This tier leaves no fine amount within this statutory range.",
            )
        )
    return tuple(notes)


def evaluate_person(
    person: ResponsiblePerson, unit_tier: Tier | None, violation: Violation
) -> PersonResult:
    """Article 13: a responsible person's tier, by reference to the unit's tier unless recorded."""
    messages: tuple[Text, ...] = ()
    tier: Tier | None = unit_tier
    if person.decision is not None:
        # Article 12's limit applies to the persons too.
        open_tiers = (Tier.NO_PENALTY, Tier.GENERAL) if violation.warning_only else tuple(Tier)
        tier, _, messages = choose_tier(open_tiers, person.decision)
    elif unit_tier is None:
        messages = (
            Text(
                zh="单位的裁量阶次尚未确定，无法参照。",
                en="The unit's tier is not decided yet, so there is nothing to refer to.",
            ),
        )
    fine = fine_band(tier, person.fine, violation.movement) if person.fine and tier else None
    by_reference = person.decision is None and tier is not None
    return PersonResult(
        name=person.name,
        role=person.role,
        tier=tier,
        by_reference=by_reference,
        fine=fine,
        reasoning=reasoning.person(person, tier, unit_tier, fine),
        messages=messages,
    )


def _articles(refs: Iterable[Ref]) -> tuple[Ref, ...]:
    def key(ref: Ref) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", ref.id))

    unique = {ref.id: ref for ref in refs}
    return tuple(sorted(unique.values(), key=key))


def _violation_articles(
    violation: Violation,
    circumstances: Sequence[Circumstance],
    basis: Basis,
    tier: Tier | None,
    others: int,
) -> tuple[Ref, ...]:
    rules = load_rules()
    refs = [article(5), *(provision_ref(c) for c in circumstances), article(17)]
    refs += [article(int(basis.rule[3:]))]
    if tier is Tier.NO_PENALTY:
        refs.append(paragraph(6, 3))
    if violation.fines:
        refs.append(article(11))
    if not violation.movement.is_zero():
        refs.append(paragraph(11, 3))
    if others:
        refs.append(article(15))
    if violation.responsible_persons:
        refs.append(article(13))
    refs += [provision_ref(rules.factor(f)) for f in violation.factors]
    return _articles(refs)


def evaluate_violation(violation: Violation) -> ViolationResult:
    """Decide one violation: tier or open options, fine band, articles, Article 17 paragraph."""
    rules = load_rules()
    circumstances = [rules.circumstance(c) for c in violation.circumstances]
    basis = tier_basis(circumstances, warning_only=violation.warning_only)
    tier, decision, pending = choose_tier(basis.options, violation.decision)
    provision, others = applied_provision(violation.fines)
    bands = (
        tuple(fine_band(t, provision, violation.movement) for t in basis.options)
        if provision
        else ()
    )
    fine = _band(tier, bands)
    fits, proposed_tier = _proposed_fit(violation, provision, fine)
    persons = tuple(evaluate_person(p, tier, violation) for p in violation.responsible_persons)
    low, high = provision.amount_range() if provision else (None, None)
    lower, upper = boundaries(violation.movement)
    return ViolationResult(
        label=violation.label,
        tier=tier,
        options=basis.options,
        decided=tier is not None,
        decision=decision,
        circumstances=tuple(provision_ref(c) for c in circumstances),
        provision=provision,
        statutory_low=low,
        statutory_high=high,
        lower_boundary=lower,
        upper_boundary=upper,
        bands=bands,
        fine=fine,
        proposed_fine_fits=fits,
        articles=_violation_articles(violation, circumstances, basis, tier, len(others)),
        reasoning=reasoning.violation(
            reasoning.Facts(
                violation=violation,
                circumstances=tuple(circumstances),
                rule=basis.rule,
                options=basis.options,
                may_no_penalty=basis.may_no_penalty,
                tier=tier,
                decision=decision,
                provision=provision,
                others=others,
                bands=bands,
                proposed_tier=proposed_tier,
                persons=persons,
            )
        ),
        messages=pending + _warnings(violation, circumstances, fine),
        persons=persons,
    )


def _combined(results: tuple[ViolationResult, ...]) -> tuple[Decimal | None, Decimal | None]:
    if not all(r.decided for r in results):
        return None, None
    fines = [r.fine for r in results if r.fine is not None and not r.fine.empty]
    if not fines:
        return Decimal(0), Decimal(0)
    return sum((f.low or Decimal(0) for f in fines), Decimal(0)), sum(
        (f.high or Decimal(0) for f in fines), Decimal(0)
    )


def evaluate(case: Case) -> CaseResult:
    """Decide a case: each violation separately, fines combined (Article 15)."""
    results = tuple(evaluate_violation(v) for v in case.violations)
    low, high = _combined(results)
    refs = [ref for r in results for ref in r.articles]
    if len(results) > 1:
        refs.append(article(15))
    return CaseResult(
        violations=results,
        decided=all(r.decided for r in results),
        combined_low=low,
        combined_high=high,
        articles=_articles(refs),
        reasoning=reasoning.case(results, low, high),
    )
