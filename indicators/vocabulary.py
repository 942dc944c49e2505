"""Names for the ids framework files use (result rules, indicator tags, 2025 work points), read
from ``vocabulary.yaml`` so that pages and reports show words instead of codes."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from indicators.loader import read_model
from indicators.schema import Identifier, Text, WorkPoint

VOCABULARY_FILE = Path(__file__).parent / "vocabulary.yaml"


class Vocabulary(BaseModel):
    """Words for rule kinds, tags and work points, each in Chinese and English."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: dict[Identifier, Text]
    tags: dict[Identifier, Text]
    work_points: dict[WorkPoint, Text]

    def rule(self, rule: str, language: str) -> str:
        """The rule kind in words (its id if unnamed)."""
        return _get(self.rules, rule, language)

    def tag(self, tag: str, language: str) -> str:
        """The tag in words (its id if unnamed)."""
        return _get(self.tags, tag, language)

    def work_point(self, work_point: str, language: str) -> str:
        """The work point as "number name", e.g. "6 提升工业数据要素供给"."""
        return f"{work_point.removeprefix('wp')} {_get(self.work_points, work_point, language)}"


def _get(names: dict[str, Text], key: str, language: str) -> str:
    text = names.get(key)
    if text is None:
        return key
    return text.en if language == "en" else text.zh


@functools.cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """The validated vocabulary (cached)."""
    return read_model(path, Vocabulary)
