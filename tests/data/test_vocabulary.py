"""Every result rule, tag and work point that a framework file uses has a name in both
languages in ``indicators/vocabulary.yaml``."""

from __future__ import annotations

from typing import get_args

import pytest

from indicators.loader import framework_files, load_framework_file
from indicators.schema import BandsRule, CumulativeGatesRule, MeanOfAreasRule
from indicators.vocabulary import vocabulary

FILES = framework_files()


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_every_id_a_framework_uses_has_words(path) -> None:  # type: ignore[no-untyped-def]
    framework = load_framework_file(path)
    words = vocabulary()
    indicators = [i for d in framework.dimensions for i in d.indicators]
    tags = {tag for i in indicators for tag in i.tags}
    if isinstance(framework.result, BandsRule):
        tags |= {c.tag for b in framework.result.bands for c in b.conditions if c.tag}
    assert tags <= set(words.tags)
    assert {wp for i in indicators for wp in i.work_points} <= set(words.work_points)
    assert framework.result.rule in words.rules


def test_all_rule_kinds_and_seventeen_work_points_are_named() -> None:
    words = vocabulary()
    kinds = {
        get_args(m.model_fields["rule"].annotation)[0]
        for m in (BandsRule, CumulativeGatesRule, MeanOfAreasRule)
    }
    assert set(words.rules) == kinds
    assert list(words.work_points) == [f"wp{n}" for n in range(1, 18)]
    assert words.work_point("wp6", "zh") == "6 提升工业数据要素供给"
    assert words.tag("constrained", "en") == "constrained scenario"
    assert words.rule("bands", "zh") == "按分数线与场景条件定级"
    assert words.tag("unknown", "zh") == "unknown"
