"""Writes of the registry: keyword-only, atomic, validated, audited; one module per entity.

Field problems raise ``ValidationError({field: [messages]})``; broken business rules raise
``ApplicationError``. Every change writes audit events in the same transaction. ``actor=None`` means
the system (scheduled jobs) and is accepted only where a job needs it (campaigns, Party coverage,
the daily credit rules).

Callers use ``from orgs import services; services.filing_submit(...)``: every public name of the
entity modules is re-exported here.
"""

from orgs.services.annual_reports import (
    ATTACHMENT_EXTENSIONS,
    MAX_ATTACHMENT_BYTES,
    REPORT_FIELDS,
    annual_report_return,
    annual_report_review,
    annual_report_save,
    annual_report_submit,
    campaign_open,
    report_attachment_add,
)
from orgs.services.credit import (
    SERIOUS_REMOVAL_YEARS,
    credit_add,
    credit_apply_rectification,
    credit_remove,
    credit_verify_rectification,
    serious_latest_listing,
    serious_removal_check,
    unfulfilled_obligations,
)
from orgs.services.credit_exit import REMOVAL_EXIT_APPROVED, credit_exit_apply, credit_exit_decide
from orgs.services.credit_rules import (
    ABNORMAL_TO_SERIOUS_YEARS,
    GRADE_EXPIRY_WARNING_DAYS,
    NO_RECTIFICATION_MONTHS,
    REMOVAL_DEREGISTERED,
    REMOVAL_MOVED,
    REMOVAL_NO_RECTIFICATION,
    REMOVAL_VERIFIED,
    credit_rules_apply,
)
from orgs.services.filings import FILING_FIELDS, filing_submit, filing_transition
from orgs.services.grades import grade_award, grade_bands_set
from orgs.services.list_flags import organization_flags_check, organization_refresh_flags
from orgs.services.memberships import membership_add, membership_check, membership_remove
from orgs.services.numbering import (
    filing_number_peek,
    filing_numbers_reserve,
    registry_settings_for,
    registry_settings_update,
)
from orgs.services.organizations import (
    KEY_DATA_FIELDS,
    MANUAL_STATUSES,
    ORGANIZATION_FIELDS,
    ORGANIZATION_UPDATE_FIELDS,
    organization_create,
    organization_set_party_coverage,
    organization_set_status,
    organization_update,
)
from orgs.services.performance import (
    organization_refresh_satisfaction,
    organization_satisfaction_check,
    performance_record_add,
)
from orgs.services.portal import PORTAL_DIRECT_FIELDS, PORTAL_KEY_FIELDS, change_request_decide, portal_update

__all__ = [
    "ABNORMAL_TO_SERIOUS_YEARS", "ATTACHMENT_EXTENSIONS", "FILING_FIELDS", "GRADE_EXPIRY_WARNING_DAYS",
    "KEY_DATA_FIELDS",
    "filing_number_peek", "filing_numbers_reserve", "registry_settings_for", "registry_settings_update",
    "MANUAL_STATUSES", "MAX_ATTACHMENT_BYTES", "NO_RECTIFICATION_MONTHS", "ORGANIZATION_FIELDS",
    "ORGANIZATION_UPDATE_FIELDS", "PORTAL_DIRECT_FIELDS", "PORTAL_KEY_FIELDS", "REMOVAL_DEREGISTERED",
    "REMOVAL_EXIT_APPROVED", "REMOVAL_MOVED", "REMOVAL_NO_RECTIFICATION", "REMOVAL_VERIFIED", "REPORT_FIELDS", "SERIOUS_REMOVAL_YEARS",
    "annual_report_return", "annual_report_review", "annual_report_save", "annual_report_submit",
    "campaign_open", "change_request_decide", "credit_add", "credit_apply_rectification", "credit_exit_apply",
    "credit_exit_decide", "credit_remove",
    "credit_rules_apply", "credit_verify_rectification", "filing_submit", "filing_transition", "grade_award",
    "grade_bands_set", "membership_add", "membership_check", "membership_remove", "organization_create",
    "organization_flags_check", "organization_refresh_flags", "organization_set_party_coverage",
    "organization_set_status",
    "organization_refresh_satisfaction", "organization_satisfaction_check", "performance_record_add",
    "organization_update", "portal_update", "report_attachment_add", "serious_latest_listing",
    "serious_removal_check", "unfulfilled_obligations",
]
