"""Input and output models of the penalty engine (pydantic, frozen, unknown keys refused)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from assessment.penalty.rules import load_rules

# Amounts in yuan and percentages are exact decimals, so that 30 % of a range is exactly 30 %;
# JSON carries them as numbers.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Percent = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
# Inputs: finite and within a bound no real fine reaches (¥10^12, or 10^12 times the gains),
# so the arithmetic and its JSON output stay exact and finite.
MAX_INPUT = Decimal(10) ** 12
InputMoney = Annotated[
    Decimal,
    Field(allow_inf_nan=False, le=MAX_INPUT, ge=-MAX_INPUT),
    PlainSerializer(float, return_type=float, when_used="json"),
]
InputPercent = Annotated[
    Decimal,
    Field(allow_inf_nan=False, le=MAX_INPUT, ge=-MAX_INPUT),
    PlainSerializer(float, return_type=float, when_used="json"),
]

MAX_MOVEMENT = Decimal(10)


class Tier(StrEnum):
    """The five tiers of Article 5, from the most lenient to the most severe."""

    NO_PENALTY = "no_penalty"
    MITIGATED = "mitigated"
    LIGHTER = "lighter"
    GENERAL = "general"
    HEAVIER = "heavier"


TIER_ORDER: tuple[Tier, ...] = tuple(Tier)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in Chinese (primary) and English."""

    zh: str
    en: str


class Ref(_Frozen):
    """A reference to an article, item or paragraph of the rules."""

    id: str
    zh: str
    en: str


# ---- inputs ----------------------------------------------------------------------------------


class FineProvision(_Frozen):
    """A statutory fine range: amounts in yuan, or multiples of the illegal gains."""

    law: str = ""
    kind: Literal["amount", "multiple"] = "amount"
    minimum: InputMoney = Decimal(0)
    maximum: InputMoney
    illegal_gains: InputMoney | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FineProvision:
        unit = "multiple" if self.kind == "multiple" else "amount"
        if self.minimum < 0 or self.maximum < 0:
            raise ValueError(f"the statutory {unit}s must not be negative")
        if self.minimum > self.maximum:
            raise ValueError(
                f"the statutory minimum {unit} ({self.minimum}) is above the maximum "
                f"({self.maximum})"
            )
        if self.illegal_gains is not None and self.illegal_gains < 0:
            raise ValueError("illegal_gains must not be negative")
        if self.kind == "multiple" and not self.illegal_gains:
            raise ValueError(
                "a range of multiples needs positive illegal_gains "
                "(without illegal gains use the provision's amount range)"
            )
        return self

    def amount_range(self) -> tuple[Decimal, Decimal]:
        """The range in yuan: multiples × illegal gains for a range of multiples."""
        if self.kind == "multiple" and self.illegal_gains is not None:
            return self.minimum * self.illegal_gains, self.maximum * self.illegal_gains
        return self.minimum, self.maximum


class Movement(_Frozen):
    """Article 11(3): movement of the 30 % and 70 % boundaries, in percentage points (±10)."""

    lower: InputPercent = Decimal(0)
    upper: InputPercent = Decimal(0)
    reason: str = ""

    @model_validator(mode="before")
    @classmethod
    def _number_moves_both(cls, data: Any) -> Any:
        if isinstance(data, int | float | str | Decimal) and not isinstance(data, bool):
            return {"lower": data, "upper": data}
        return data

    @field_validator("lower", "upper")
    @classmethod
    def _within_ten_points(cls, value: Decimal) -> Decimal:
        if abs(value) > MAX_MOVEMENT:
            raise ValueError(
                f"boundary movement {value} is beyond the 10 percentage points Article 11 allows"
            )
        return value

    def is_zero(self) -> bool:
        """True when neither boundary moves."""
        return self.lower == 0 and self.upper == 0


class Decision(_Frozen):
    """The decision-maker's recorded choice of tier, with reasons, where the rules leave one."""

    tier: Tier
    reason: str = ""


def _check_ids(ids: list[str] | dict[str, str], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(ids) - allowed)
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)}")


class ResponsiblePerson(_Frozen):
    """Article 13: a directly responsible manager or other directly responsible person of a unit."""

    name: str
    role: str = ""
    fine: FineProvision | None = None
    factors: dict[str, str] = Field(default_factory=dict)
    decision: Decision | None = None

    @field_validator("factors")
    @classmethod
    def _known_factors(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = frozenset(f.id for f in load_rules().person_factors)
        _check_ids(value, allowed, "Article 13 factor")
        return value


class Violation(_Frozen):
    """One illegal act: its circumstances, the fine provisions it breaches and recorded choices."""

    label: str = ""
    circumstances: tuple[str, ...] = ()
    details: dict[str, str] = Field(default_factory=dict)
    factors: dict[str, str] = Field(default_factory=dict)
    fines: tuple[FineProvision, ...] = ()
    movement: Movement = Movement()
    warning_only: bool = False
    decision: Decision | None = None
    proposed_fine: InputMoney | None = None
    responsible_persons: tuple[ResponsiblePerson, ...] = ()

    @field_validator("circumstances")
    @classmethod
    def _known_circumstances(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_ids(list(value), frozenset(c.id for c in load_rules().circumstances), "circumstance")
        return tuple(dict.fromkeys(value))

    @field_validator("factors")
    @classmethod
    def _known_factors(cls, value: dict[str, str]) -> dict[str, str]:
        _check_ids(value, frozenset(f.id for f in load_rules().factors), "Article 14 factor")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Violation:
        stray = sorted(set(self.details) - set(self.circumstances))
        if stray:
            raise ValueError(f"details given for circumstances not present: {', '.join(stray)}")
        if self.warning_only and self.fines:
            raise ValueError("warning_only (Article 12) excludes fines")
        if self.proposed_fine is not None and not self.fines:
            raise ValueError("proposed_fine needs a statutory fine range")
        if self.proposed_fine is not None and self.proposed_fine < 0:
            raise ValueError("proposed_fine must not be negative")
        return self


class Case(_Frozen):
    """A case: one or more violations of one party (Article 15: decided separately, combined)."""

    violations: tuple[Violation, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _single_violation(cls, data: Any) -> Any:
        # A bare violation is accepted as a case of one, so simple inputs stay simple.
        if isinstance(data, dict) and "violations" not in data:
            return {"violations": [data]}
        return data


# ---- outputs ---------------------------------------------------------------------------------


class FineBand(_Frozen):
    """The fine amounts a tier allows; ``low`` None means the rules set no floor."""

    tier: Tier
    low: Money | None
    high: Money | None
    low_inclusive: bool = True
    high_inclusive: bool = True
    low_percent: Percent | None = None
    high_percent: Percent | None = None
    low_multiple: Money | None = None
    high_multiple: Money | None = None
    empty: bool = False

    def contains(self, amount: Decimal) -> bool:
        """True when the amount lies in the band."""
        if self.empty:
            return False
        above_low = self.low is None or (
            amount >= self.low if self.low_inclusive else amount > self.low
        )
        below_high = self.high is None or (
            amount <= self.high if self.high_inclusive else amount < self.high
        )
        return above_low and below_high


class PersonResult(_Frozen):
    """Article 13: the tier and fine band of a responsible person."""

    name: str
    role: str
    tier: Tier | None
    by_reference: bool
    fine: FineBand | None
    reasoning: Text
    messages: tuple[Text, ...] = ()


class ViolationResult(_Frozen):
    """The tier of one violation, its fine band, the articles it rests on and its reasoning."""

    label: str
    tier: Tier | None
    options: tuple[Tier, ...]
    decided: bool
    decision: Decision | None
    circumstances: tuple[Ref, ...]
    provision: FineProvision | None
    statutory_low: Money | None
    statutory_high: Money | None
    lower_boundary: Percent
    upper_boundary: Percent
    bands: tuple[FineBand, ...]
    fine: FineBand | None
    proposed_fine_fits: bool | None
    articles: tuple[Ref, ...]
    reasoning: Text
    messages: tuple[Text, ...]
    persons: tuple[PersonResult, ...]


class CaseResult(_Frozen):
    """The whole case: every violation decided separately, fines combined (Article 15)."""

    violations: tuple[ViolationResult, ...]
    decided: bool
    combined_low: Money | None
    combined_high: Money | None
    articles: tuple[Ref, ...]
    reasoning: Text


def error_message(exc: ValidationError) -> str:
    """The first validation error as one line: where, then what."""
    # A failed violation also empties the list, so "at least 1 item" would only repeat the cause.
    errors = [e for e in exc.errors() if e["type"] != "too_short"] or exc.errors()
    where = ".".join(str(part) for part in errors[0]["loc"]) or "input"
    message = str(errors[0]["msg"]).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {message}{more}"
