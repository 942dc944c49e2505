"""The reasoning as a Markdown document (bytes for a download), Chinese first, then English."""

from __future__ import annotations

import json
from typing import Any

from assessment.penalty.models import CaseResult, FineBand, Text
from assessment.penalty.reasoning import edge
from assessment.penalty.refs import money, tier_name


def amount_text(fine: FineBand | None) -> Text:
    """A fine band as text: 人民币A元（含）至人民币B元（不含）, or why there is no amount."""
    if fine is None:
        return Text(zh="不适用罚款", en="no fine")
    if fine.empty:
        return Text(zh="无可处罚款数额", en="no fine amount available")
    low = (
        edge(fine.low, fine.low_inclusive)
        if fine.low is not None
        else Text(zh="（无下限）", en="(no floor)")
    )
    high = edge(fine.high, fine.high_inclusive)
    return Text(zh=f"{low.zh} 至 {high.zh}", en=f"{low.en} to {high.en}")


def to_markdown(result: CaseResult) -> bytes:
    """The case result as UTF-8 Markdown: tiers, fine ranges, articles and the Article 17 text."""
    lines = ["# 行政处罚裁量权基准适用说明 / Application of the penalty-discretion benchmark", ""]
    for i, v in enumerate(result.violations, start=1):
        tier = tier_name(v.tier) if v.tier else Text(zh="待决定", en="to be decided")
        amount = amount_text(v.fine)
        lines += [
            f"## {i}. {v.label or '违法行为 / Violation'}",
            "",
            f"- 裁量阶次 / Tier: {tier.zh} / {tier.en}",
            f"- 罚款区间 / Fine range: {amount.zh} / {amount.en}",
        ]
        lines += [f"- {m.zh} / {m.en}" for m in v.messages]
        lines.append("")
    if len(result.violations) > 1 and result.combined_low is not None:
        assert result.combined_high is not None
        low, high = money(result.combined_low), money(result.combined_high)
        lines += [f"合并罚款 / Combined fines: {low.zh} 至 {high.zh} / {low.en} to {high.en}", ""]
    lines += ["## 依据 / Articles", ""]
    lines += [f"- {ref.zh} / {ref.en}" for ref in result.articles]
    lines += [
        "",
        "## 说明（中文）",
        "",
        result.reasoning.zh,
        "",
        "## Reasoning (English)",
        "",
        result.reasoning.en,
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def input_json(case_input: dict[str, Any]) -> bytes:
    """The case input as UTF-8 JSON, readable by ``ronghe penalty``."""
    return (json.dumps(case_input, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
