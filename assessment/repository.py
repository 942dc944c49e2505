"""The persistence API in one place (implementation in ``assessment/repo/``).

Every function takes ``session`` first and keyword-only arguments; every read or write of
enterprise data takes the acting user (``actor``) and is filtered by that user's scope.
"""

from __future__ import annotations

from assessment.repo.access import jurisdiction_prefix, region_condition, scope_condition
from assessment.repo.accounts import (
    assign_consultant,
    authenticate,
    create_user,
    generate_password,
    get_user_by_username,
    hash_password,
    list_users,
    set_password,
    verify_password,
)
from assessment.repo.assessments import (
    AnswerInput,
    create_assessment,
    get_answers,
    get_assessment,
    get_results,
    list_assessments,
    rescore_assessments,
    results_frame,
    review_assessment,
    save_answers,
    submit_assessment,
)
from assessment.repo.audit import list_audit_events, record_export
from assessment.repo.enterprises import (
    count_enterprises,
    create_enterprise,
    get_enterprise,
    get_enterprise_by_uscc,
    list_enterprises,
    update_enterprise,
)
from assessment.repo.errors import (
    AccessDenied,
    AccountLocked,
    ConflictError,
    IncompleteAssessment,
    InvalidState,
    LoginFailed,
    NotFound,
    RepositoryError,
    ValidationFailed,
)
from assessment.repo.reference_data import sync_reference_data

__all__ = [
    "AccessDenied",
    "AccountLocked",
    "AnswerInput",
    "ConflictError",
    "IncompleteAssessment",
    "InvalidState",
    "LoginFailed",
    "NotFound",
    "RepositoryError",
    "ValidationFailed",
    "assign_consultant",
    "authenticate",
    "count_enterprises",
    "create_assessment",
    "create_enterprise",
    "create_user",
    "generate_password",
    "get_answers",
    "get_assessment",
    "get_enterprise",
    "get_enterprise_by_uscc",
    "get_results",
    "get_user_by_username",
    "hash_password",
    "jurisdiction_prefix",
    "list_assessments",
    "list_audit_events",
    "list_enterprises",
    "list_users",
    "record_export",
    "region_condition",
    "rescore_assessments",
    "results_frame",
    "review_assessment",
    "save_answers",
    "scope_condition",
    "set_password",
    "submit_assessment",
    "sync_reference_data",
    "update_enterprise",
    "verify_password",
]
