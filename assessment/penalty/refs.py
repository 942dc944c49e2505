"""References to articles, items and paragraphs, and number formatting, in Chinese and English."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assessment.penalty.models import Ref, Text, Tier
from assessment.penalty.rules import Provision, load_rules

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (十一, 二十), as articles and items are numbered."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def article(n: int) -> Ref:
    """A whole article."""
    return Ref(id=f"art{n}", zh=f"第{chinese_number(n)}条", en=f"Article {n}")


def item(n: int, i: int) -> Ref:
    """An item of an article: 第八条第（三）项, Article 8(3)."""
    return Ref(
        id=f"art{n}_item{i}",
        zh=f"第{chinese_number(n)}条第（{chinese_number(i)}）项",
        en=f"Article {n}({i})",
    )


def paragraph(n: int, p: int) -> Ref:
    """A paragraph of an article: 第六条第二款, Article 6, paragraph 2."""
    return Ref(
        id=f"art{n}_para{p}",
        zh=f"第{chinese_number(n)}条第{chinese_number(p)}款",
        en=f"Article {n}, paragraph {p}",
    )


def provision_ref(provision: Provision) -> Ref:
    """The reference of a circumstance or factor of the rules file."""
    if provision.paragraph is not None:
        return paragraph(provision.article, provision.paragraph)
    base = item(provision.article, provision.item or 0)
    # Article 13 lists its factors in one sentence: the id is ours, the citation is the article.
    if provision.id.startswith(f"art{provision.article}_factor"):
        return Ref(
            id=provision.id, zh=article(provision.article).zh, en=f"Article {provision.article}"
        )
    return base


def tier_name(tier: Tier) -> Text:
    """The Article 5 name of a tier."""
    rule = load_rules().tier(tier.value)
    return Text(zh=rule.zh, en=rule.en)


def money(amount: Decimal) -> Text:
    """An amount in yuan: 人民币307,000元, CNY 307,000 (fen shown only when present)."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{cents:,.0f}" if cents == cents.to_integral_value() else f"{cents:,.2f}"
    return Text(zh=f"人民币{text}元", en=f"CNY {text}")


def number(value: Decimal) -> str:
    """A percentage or multiple without trailing zeros (30, 35.5, 1.6)."""
    rounded = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"
