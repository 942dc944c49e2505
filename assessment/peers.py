"""Peer comparison: an assessment's percentile among enterprises like it, k-suppressed.

Peers share the industry (GB/T 4754 division), the size class and the region. When that group
holds fewer than ``k`` enterprises the comparison widens, in this order, and says which group
it used:

1. ``prefecture`` — same industry, size class and prefecture;
2. ``province`` — same industry, size class and province;
3. ``nation`` — same industry and size class, nationwide;
4. ``nation_industry`` — same industry nationwide (size dropped first: size matters less to
   comparability than what is made);
5. ``nation_all`` — every enterprise nationwide.

If even the last holds fewer than ``k``, the percentile is suppressed (``suppressed``, NaN), so
no figure ever rests on fewer than k enterprises (DESIGN §1). Extra columns named in ``within``
(e.g. year, framework_id) are held fixed at every step.

Percentile = the share of the *other* group members the assessment scores above, ties counted
half: ``100 × (average rank − 1) / (n − 1)``; the best scores 100, the worst 0, the median 50.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from assessment import columns as c

SIZE_CLASS: Final = "size_class"
PERCENTILE: Final = "percentile"
PEER_GROUP: Final = "peer_group"
PEER_COUNT: Final = "peer_count"
SUPPRESSED: Final = "suppressed"
DEFAULT_K: Final = 5

_PREFECTURE: Final = "_prefecture"
_PROVINCE: Final = "_province"
# (group name, the keys it holds fixed), narrowest first: the widening order documented above.
WIDENING: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("prefecture", (c.INDUSTRY_CODE, SIZE_CLASS, _PREFECTURE)),
    ("province", (c.INDUSTRY_CODE, SIZE_CLASS, _PROVINCE)),
    ("nation", (c.INDUSTRY_CODE, SIZE_CLASS)),
    ("nation_industry", (c.INDUSTRY_CODE,)),
    ("nation_all", ()),
)
GROUP_NAMES: Final[dict[str, tuple[str, str]]] = {
    "prefecture": ("同行业、同规模、同地市", "same industry, size class and prefecture"),
    "province": ("同行业、同规模、同省份", "same industry, size class and province"),
    "nation": ("同行业、同规模、全国", "same industry and size class, nationwide"),
    "nation_industry": ("同行业、全国", "same industry, nationwide"),
    "nation_all": ("全国全部企业", "all enterprises, nationwide"),
    SUPPRESSED: ("样本不足，不予显示", "too few enterprises to show"),
}


def group_name(group: str, lang: str = "zh") -> str:
    """The display name of a peer group ("prefecture", … or "suppressed")."""
    zh, en = GROUP_NAMES[group]
    return en if lang == "en" else zh


def peer_percentile(
    scores: pd.DataFrame, *, k: int = DEFAULT_K, score: str = c.SCORE, within: Sequence[str] = ()
) -> pd.DataFrame:
    """Percentile of every assessment among its peers, vectorised (one groupby per step).

    Args:
        scores: one row per assessment: assessment_id, ``score``, industry_code, size_class and
            region_code (6-digit GB/T 2260, prefecture or county); typically one year.
        k: the smallest group that may be shown (at least 2).
        score: the column to compare (e.g. score_100 or composite).
        within: further columns held fixed in every group (e.g. year, framework_id).

    Returns:
        assessment_id, percentile (0..100; NaN when suppressed or unscored), peer_group (the
        group used, or "suppressed"), peer_count (enterprises in that group; 0 if suppressed).
    """
    if k < 2:
        raise ValueError("k must be at least 2 / k 至少为 2")
    frame = _with_region_keys(scores)
    scored = frame[score].notna().to_numpy()
    percentile = np.full(len(frame), np.nan)
    count = np.zeros(len(frame), dtype=np.int64)
    group = np.full(len(frame), SUPPRESSED, dtype=object)
    open_rows = scored.copy()
    for name, keys in WIDENING:
        rank, size = _rank_within(frame, score, [*within, *keys])
        use = open_rows & (size >= k)
        with np.errstate(invalid="ignore", divide="ignore"):
            percentile[use] = 100.0 * (rank[use] - 1.0) / (size[use] - 1.0)
        count[use] = size[use]
        group[use] = name
        open_rows &= ~use
    return pd.DataFrame(
        {
            c.ASSESSMENT_ID: frame[c.ASSESSMENT_ID].to_numpy(),
            PERCENTILE: percentile,
            PEER_GROUP: group,
            PEER_COUNT: count,
        }
    )


def _with_region_keys(scores: pd.DataFrame) -> pd.DataFrame:
    """Add the prefecture (XXYY00) and province (XX0000) of each region code."""
    region = scores[c.REGION_CODE].astype("string").str.strip()
    return scores.reset_index(drop=True).assign(
        **{
            _PREFECTURE: (region.str[:4] + "00").to_numpy(),
            _PROVINCE: (region.str[:2] + "0000").to_numpy(),
        }
    )


def _rank_within(frame: pd.DataFrame, score: str, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Average rank (1 = lowest) and group size of each scored row; NaN/0 where keys are NA."""
    values = frame[score].astype("float64")
    if not keys:
        return values.rank(method="average").to_numpy(), np.full(
            len(frame), int(values.notna().sum())
        )
    scored = frame[keys].assign(_score=values)
    grouped = scored.groupby(keys, dropna=True, sort=False)["_score"]
    rank = grouped.rank(method="average").reindex(frame.index).to_numpy()
    size = grouped.transform("count").reindex(frame.index).fillna(0).to_numpy(dtype=np.int64)
    return rank, size


@dataclass(frozen=True)
class PeerResult:
    """One assessment's peer comparison."""

    assessment_id: str
    percentile: float | None  # None when suppressed or unscored
    group: str
    count: int

    def group_name(self, lang: str = "zh") -> str:
        """The display name of the group used."""
        return group_name(self.group, lang)


def peer_percentile_of(
    assessment_id: str,
    scores: pd.DataFrame,
    *,
    k: int = DEFAULT_K,
    score: str = c.SCORE,
    within: Sequence[str] = (),
) -> PeerResult:
    """The peer comparison of one assessment against ``scores`` (which must contain it)."""
    result = peer_percentile(scores, k=k, score=score, within=within)
    row = result[result[c.ASSESSMENT_ID] == assessment_id]
    if row.empty:
        raise KeyError(f"assessment {assessment_id!r} is not among the scores")
    value = float(row[PERCENTILE].iloc[0])
    return PeerResult(
        assessment_id=assessment_id,
        percentile=None if np.isnan(value) else value,
        group=str(row[PEER_GROUP].iloc[0]),
        count=int(row[PEER_COUNT].iloc[0]),
    )
