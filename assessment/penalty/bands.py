"""Article 11: the fine bands of the tiers within a statutory range, and Article 15's choice."""

from __future__ import annotations

from decimal import Decimal

from assessment.penalty.models import FineBand, FineProvision, Movement, Tier

LOWER_BOUNDARY = Decimal(30)
UPPER_BOUNDARY = Decimal(70)
_HUNDRED = Decimal(100)


class RangeError(ValueError):
    """An amount outside the statutory range."""


def boundaries(movement: Movement) -> tuple[Decimal, Decimal]:
    """The lighter/general and general/heavier boundaries in percent, after the movement."""
    return LOWER_BOUNDARY + movement.lower, UPPER_BOUNDARY + movement.upper


def _at(low: Decimal, high: Decimal, percent: Decimal) -> Decimal:
    return low + (high - low) * percent / _HUNDRED


def _multiple(amount: Decimal | None, provision: FineProvision) -> Decimal | None:
    if amount is None or provision.kind != "multiple" or not provision.illegal_gains:
        return None
    return amount / provision.illegal_gains


def _within(
    tier: Tier,
    provision: FineProvision,
    lo_pct: Decimal,
    hi_pct: Decimal,
    low_inclusive: bool,
    high_inclusive: bool,
) -> FineBand:
    low, high = provision.amount_range()
    band_low, band_high = _at(low, high, lo_pct), _at(low, high, hi_pct)
    empty = band_low > band_high or (
        band_low == band_high and not (low_inclusive and high_inclusive)
    )
    return FineBand(
        tier=tier,
        low=band_low,
        high=band_high,
        low_inclusive=low_inclusive,
        high_inclusive=high_inclusive,
        low_percent=lo_pct,
        high_percent=hi_pct,
        low_multiple=_multiple(band_low, provision),
        high_multiple=_multiple(band_high, provision),
        empty=empty,
    )


def fine_band(tier: Tier, provision: FineProvision, movement: Movement) -> FineBand:
    """The fine band of one tier: lighter < 30 % ≤ general ≤ 70 % < heavier (boundaries moved)."""
    lower, upper = boundaries(movement)
    low, _ = provision.amount_range()
    if tier is Tier.NO_PENALTY:
        return FineBand(tier=tier, low=Decimal(0), high=Decimal(0))
    if tier is Tier.MITIGATED:
        # Article 5: below the statutory minimum; the rules set no floor. A fine must stay above
        # zero, so with a minimum of zero only fewer kinds of penalty can mitigate.
        return FineBand(
            tier=tier,
            low=None,
            high=low,
            high_inclusive=False,
            high_multiple=_multiple(low, provision),
            empty=low == 0,
        )
    if tier is Tier.LIGHTER:
        return _within(tier, provision, Decimal(0), lower, True, False)
    if tier is Tier.GENERAL:
        return _within(tier, provision, lower, upper, True, True)
    return _within(tier, provision, upper, _HUNDRED, False, True)


def classify_amount(amount: Decimal, provision: FineProvision, movement: Movement) -> Tier:
    """The tier whose band holds this fine amount (Article 11); above the maximum is an error."""
    low, high = provision.amount_range()
    if amount > high:
        raise RangeError(f"the fine {amount} is above the statutory maximum {high}")
    if amount == 0:
        return Tier.NO_PENALTY
    if amount < low:
        return Tier.MITIGATED
    for tier in (Tier.LIGHTER, Tier.GENERAL):
        if fine_band(tier, provision, movement).contains(amount):
            return tier
    return Tier.HEAVIER


def highest_provision(provisions: tuple[FineProvision, ...]) -> int:
    """Article 15: the index of the provision with the highest fine (maximum, then minimum)."""
    keys = [(p.amount_range()[1], p.amount_range()[0]) for p in provisions]
    return max(range(len(provisions)), key=keys.__getitem__)
