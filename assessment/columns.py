"""Column-name constants of the frames passed between modules (see docs/architecture.md)."""

from __future__ import annotations

from typing import Final

# answers (canonical long format) and data sets
ASSESSMENT_ID: Final = "assessment_id"
FRAMEWORK_ID: Final = "framework_id"
INDICATOR_ID: Final = "indicator_id"
ANSWER: Final = "answer"
USCC: Final = "uscc"
NAME: Final = "name"
REGION_CODE: Final = "region_code"
INDUSTRY_CODE: Final = "industry_code"
EMPLOYEES: Final = "employees"
REVENUE_WAN: Final = "revenue_wan"
PRODUCTION_TYPE: Final = "production_type"
YEAR: Final = "year"
FRAMEWORKS: Final = "frameworks"

# scoring results
DIMENSION_ID: Final = "dimension_id"
STATUS: Final = "status"
LEVEL: Final = "level"
SCORE: Final = "score"
WEIGHT: Final = "weight"
ANSWERED: Final = "answered"
APPLICABLE: Final = "applicable"
COVERAGE: Final = "coverage"
SCALE_MAX: Final = "scale_max"
SCORE_100: Final = "score_100"
MISSING_REQUIRED: Final = "missing_required"
COMPLETE: Final = "complete"
PATH: Final = "path"

# values of STATUS in indicator scores
STATUS_ANSWERED: Final = "answered"
STATUS_NA: Final = "na"
STATUS_MISSING: Final = "missing"

# diagnosis
GATE_LEVEL: Final = "gate_level"
CONTRIBUTION: Final = "contribution"
MAX_CONTRIBUTION: Final = "max_contribution"
SATISFACTION: Final = "satisfaction"
PASSED: Final = "passed"
RAISED_ANSWER: Final = "raised_answer"
RAISED_LEVEL: Final = "raised_level"
SCORE_GAIN: Final = "score_gain"
LEVEL_AFTER: Final = "level_after"
HELPS_CONDITION: Final = "helps_condition"

# composite and peers
COMPOSITE: Final = "composite"
STAGE: Final = "stage"
