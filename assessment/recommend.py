"""Recommended frameworks for an enterprise's self-assessment, with the reasons.

The rule is data (``data/reference/recommended_frameworks.yaml``): each rule names conditions on
size class, the above-designated-size flag, industry and production type, and the frameworks it
brings in. The recommended set is the union over the rules that apply, in rule order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assessment.models import Enterprise
from assessment.reference import DATA_DIR
from indicators.schema import Identifier, Text

RULES_FILE = DATA_DIR / "recommended_frameworks.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Model):
    """Frameworks recommended when every condition named holds."""

    id: Identifier
    frameworks: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    reason: Text
    size_classes: tuple[str, ...] | None = None
    above_designated_size: bool | None = None
    industries: tuple[str, ...] | None = None
    production_types: tuple[str, ...] | None = None

    def applies(self, profile: Profile) -> bool:
        """Whether the enterprise ``profile`` meets every condition of this rule."""
        return (
            (self.size_classes is None or profile.size_class in self.size_classes)
            and (
                self.above_designated_size is None
                or self.above_designated_size == profile.above_designated_size
            )
            and (self.industries is None or profile.industry_code in self.industries)
            and (self.production_types is None or profile.production_type in self.production_types)
        )


class Rules(_Model):
    schema_version: Literal[1]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Profile:
    """What the rules look at (an ``Enterprise`` row has these attributes)."""

    size_class: str | None
    above_designated_size: bool
    industry_code: str
    production_type: str

    @classmethod
    def of(cls, enterprise: Enterprise) -> Profile:
        """The profile of an enterprise row."""
        return cls(
            size_class=enterprise.size_class,
            above_designated_size=enterprise.above_designated_size,
            industry_code=enterprise.industry_code,
            production_type=enterprise.production_type,
        )


@dataclass(frozen=True)
class Recommendation:
    """A recommended framework and the reasons of the rules that brought it in."""

    framework_id: str
    reasons: tuple[Text, ...]


@functools.cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    """The recommendation rules (validated)."""
    return Rules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def recommend_frameworks(
    profile: Profile, available: tuple[str, ...] | None = None
) -> list[Recommendation]:
    """The frameworks to preselect for ``profile`` (only ``available`` ones when given)."""
    reasons: dict[str, list[Text]] = {}
    for rule in load_rules().rules:
        if rule.applies(profile):
            for framework_id in rule.frameworks:
                if available is None or framework_id in available:
                    reasons.setdefault(framework_id, []).append(rule.reason)
    return [Recommendation(fid, tuple(texts)) for fid, texts in reasons.items()]
