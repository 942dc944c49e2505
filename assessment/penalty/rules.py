"""The rules file (``rules.yaml``): circumstances and factors of the articles, validated on load."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

RULES_PATH = Path(__file__).with_name("rules.yaml")

Effect = Literal["no_penalty", "lighter_or_mitigated", "heavier"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in Chinese and English."""

    zh: str
    en: str


class TierRule(_Frozen):
    """One tier of Article 5 with its definition."""

    id: str
    zh: str
    en: str
    definition: Text


class Provision(_Frozen):
    """An item (or paragraph) of an article, quoted in Chinese with an English rendering."""

    id: str
    article: int
    item: int | None = None
    paragraph: int | None = None
    zh: str
    en: str

    @model_validator(mode="after")
    def _id_matches_place(self) -> Provision:
        expected = (
            f"art{self.article}_para{self.paragraph}"
            if self.paragraph is not None
            else f"art{self.article}_item{self.item}"
        )
        if self.id != expected and not self.id.startswith(f"art{self.article}_factor"):
            raise ValueError(f"id {self.id!r} does not match its place, expected {expected!r}")
        return self


class Circumstance(Provision):
    """A circumstance of Articles 6–8 and what it does to the tier."""

    effect: Effect
    modality: Literal["must", "may"]
    catch_all: bool = False


class Rules(_Frozen):
    """The whole rules file."""

    schema_version: Literal[1]
    title: Text
    in_force: str
    tiers: tuple[TierRule, ...]
    circumstances: tuple[Circumstance, ...]
    factors: tuple[Provision, ...]
    person_factors: tuple[Provision, ...]

    @model_validator(mode="after")
    def _ids_unique(self) -> Rules:
        ids = [p.id for p in (*self.circumstances, *self.factors, *self.person_factors)]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate ids: {duplicates}")
        return self

    def circumstance(self, circumstance_id: str) -> Circumstance:
        """The circumstance with this id (KeyError when unknown)."""
        return {c.id: c for c in self.circumstances}[circumstance_id]

    def factor(self, factor_id: str) -> Provision:
        """The Article 14 or Article 13 factor with this id (KeyError when unknown)."""
        return {f.id: f for f in (*self.factors, *self.person_factors)}[factor_id]

    def tier(self, tier_id: str) -> TierRule:
        """The Article 5 tier with this id."""
        return {t.id: t for t in self.tiers}[tier_id]

    def all_ids(self) -> frozenset[str]:
        """Every circumstance and factor id in the file."""
        return frozenset(p.id for p in (*self.circumstances, *self.factors, *self.person_factors))


def load_rules_file(path: Path) -> Rules:
    """Read and validate a rules file."""
    return Rules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def load_rules() -> Rules:
    """The shipped rules file, read once."""
    return load_rules_file(RULES_PATH)
