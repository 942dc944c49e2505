"""Peer percentile: hand-computed values, widening at exactly k-1 and k, suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.peers import (
    WIDENING,
    group_name,
    peer_percentile,
    peer_percentile_of,
)


def _firms(rows: list[tuple[str, str, str, str, float | None]]) -> pd.DataFrame:
    """Rows of (assessment_id, industry, size class, region code, score)."""
    ids, industry, size, region, score = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "assessment_id": list(ids),
            "industry_code": list(industry),
            "size_class": list(size),
            "region_code": list(region),
            "score": pd.array(list(score), dtype="Float64"),
        }
    )


def _local(
    n: int, *, region: str = "320500", start: int = 0
) -> list[tuple[str, str, str, str, float | None]]:
    """n machinery firms (industry 34, small) in one region scoring 10, 20, 30 …"""
    return [
        (f"{region}-{start + i}", "34", "small", region, 10.0 * (start + i + 1)) for i in range(n)
    ]


def test_hand_computed_percentiles_in_one_prefecture() -> None:
    # scores 10, 20, 30, 30, 50: ranks 1, 2, 3.5, 3.5, 5 → (rank − 1) / 4
    rows = _local(5)
    rows[3] = (rows[3][0], "34", "small", "320500", 30.0)
    got = peer_percentile(_firms(rows)).set_index("assessment_id")
    assert got["percentile"].tolist() == pytest.approx([0.0, 25.0, 62.5, 62.5, 100.0])
    assert set(got["peer_group"]) == {"prefecture"}
    assert set(got["peer_count"]) == {5}


def test_county_codes_count_in_their_prefecture() -> None:
    rows = [*_local(4), ("county", "34", "small", "320581", 45.0)]  # 常熟市 lies in 苏州市
    got = peer_percentile(_firms(rows)).set_index("assessment_id")
    assert got.loc["county", "peer_group"] == "prefecture"
    assert got.loc["county", "percentile"] == pytest.approx(100.0)


@pytest.mark.parametrize(("members", "group"), [(4, "province"), (5, "prefecture")])
def test_prefecture_widens_to_province_below_k(members: int, group: str) -> None:
    # the prefecture holds `members`; four more in another prefecture of the same province
    rows = _local(members) + _local(4, region="320200", start=members)
    got = peer_percentile(_firms(rows), k=5).set_index("assessment_id")
    first = got.loc["320500-0"]
    assert first["peer_group"] == group
    assert first["peer_count"] == (members if group == "prefecture" else members + 4)


@pytest.mark.parametrize(("members", "group"), [(4, "nation"), (5, "province")])
def test_province_widens_to_nation_below_k(members: int, group: str) -> None:
    # two in the prefecture, the rest of `members` elsewhere in the province, 3 in Guangdong
    rows = (
        _local(2)
        + _local(members - 2, region="320200", start=2)
        + _local(3, region="440300", start=members)
    )
    got = peer_percentile(_firms(rows), k=5).set_index("assessment_id")
    assert got.loc["320500-0", "peer_group"] == group
    assert got.loc["320500-0", "peer_count"] == (members if group == "province" else members + 3)


def test_size_is_dropped_before_industry_then_everything() -> None:
    rows = [
        *_local(3),
        ("medium-1", "34", "medium", "440300", 5.0),
        ("medium-2", "34", "medium", "510100", 95.0),
    ]
    got = peer_percentile(_firms(rows), k=5).set_index("assessment_id")
    assert got.loc["320500-0", "peer_group"] == "nation_industry"
    # ranks among 5, 10, 20, 30, 95: "320500-0" scores 10 → rank 2 → 25
    assert got.loc["320500-0", "percentile"] == pytest.approx(25.0)
    mixed = [
        *_local(3),
        ("food-1", "13", "small", "320500", 1.0),
        ("food-2", "13", "small", "320500", 2.0),
    ]
    got = peer_percentile(_firms(mixed), k=5).set_index("assessment_id")
    assert set(got["peer_group"]) == {"nation_all"}
    assert got.loc["food-1", "percentile"] == pytest.approx(0.0)


def test_too_few_everywhere_is_suppressed() -> None:
    got = peer_percentile(_firms(_local(4)), k=5)
    assert got["percentile"].isna().all()
    assert set(got["peer_group"]) == {"suppressed"}
    assert (got["peer_count"] == 0).all()


def test_unscored_assessments_neither_count_nor_get_a_percentile() -> None:
    rows = [*_local(5), ("blank", "34", "small", "320500", None)]
    got = peer_percentile(_firms(rows)).set_index("assessment_id")
    assert np.isnan(got.loc["blank", "percentile"])
    assert got.loc["320500-4", "peer_count"] == 5
    assert got.loc["320500-4", "percentile"] == pytest.approx(100.0)


def test_within_columns_are_held_fixed() -> None:
    frame = _firms(_local(5) + _local(5, start=5)).assign(year=[2024] * 5 + [2025] * 5)
    got = peer_percentile(frame, within=["year"]).set_index("assessment_id")
    assert got.loc["320500-0", "percentile"] == pytest.approx(0.0)
    assert got.loc["320500-5", "percentile"] == pytest.approx(0.0)  # lowest of 2025
    assert set(got["peer_count"]) == {5}


def test_result_is_invariant_to_row_order() -> None:
    rng = np.random.default_rng(5)
    rows = [
        (
            f"a{i}",
            str(rng.choice(["33", "34"])),
            str(rng.choice(["small", "medium"])),
            str(rng.choice(["320500", "320200", "440300"])),
            float(rng.integers(0, 100)),
        )
        for i in range(60)
    ]
    frame = _firms(rows)
    forward = peer_percentile(frame).set_index("assessment_id").sort_index()
    backward = peer_percentile(frame.iloc[::-1]).set_index("assessment_id").sort_index()
    pd.testing.assert_frame_equal(forward, backward)


def test_single_assessment_convenience() -> None:
    frame = _firms(_local(5))
    one = peer_percentile_of("320500-2", frame)
    assert one.percentile == pytest.approx(50.0)
    assert (one.group, one.count) == ("prefecture", 5)
    assert one.group_name("en") == "same industry, size class and prefecture"
    assert peer_percentile_of("320500-2", frame, k=6).percentile is None
    with pytest.raises(KeyError, match="nobody"):
        peer_percentile_of("nobody", frame)


def test_every_group_has_both_names_and_k_must_allow_a_comparison() -> None:
    for name, _ in WIDENING:
        assert group_name(name, "zh") != group_name(name, "en")
    with pytest.raises(ValueError, match="at least 2"):
        peer_percentile(_firms(_local(5)), k=1)
