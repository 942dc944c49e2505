"""CAC administrative-penalty discretion engine (Articles 5–17 of the 2025 CAC rules).

The rules: 《网信部门行政处罚裁量权基准适用规定》, in force 2025-08-01.

Pure core: imports pydantic and PyYAML only, never streamlit. ``evaluate(case)`` is the entry point;
``rules.yaml`` holds the articles' circumstances as data.
"""

from assessment.penalty.engine import PenaltyError, evaluate
from assessment.penalty.models import (
    Case,
    CaseResult,
    Decision,
    FineBand,
    FineProvision,
    Movement,
    ResponsiblePerson,
    Tier,
    Violation,
    ViolationResult,
)
from assessment.penalty.report import to_markdown
from assessment.penalty.rules import Rules, load_rules

__all__ = [
    "Case",
    "CaseResult",
    "Decision",
    "FineBand",
    "FineProvision",
    "Movement",
    "PenaltyError",
    "ResponsiblePerson",
    "Rules",
    "Tier",
    "Violation",
    "ViolationResult",
    "evaluate",
    "load_rules",
    "to_markdown",
]
