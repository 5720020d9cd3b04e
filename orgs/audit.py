"""Audit actions of the registry (Zulip's AuditLogEventType): code → translated label.

Workflow transitions are recorded as ``<workflow>.<target status>``; every target of every transition
table in ``orgs.workflows`` has a label here (``tests/test_registry.py`` checks it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgsAudit(models.TextChoices):
    ORGANIZATION_CREATE = "organization.create", _("Register organization")
    ORGANIZATION_UPDATE = "organization.update", _("Change organization")
    ORGANIZATION_PORTAL_UPDATE = "organization.portal_update", _("Change organization (portal)")
    ORGANIZATION_SET_STATUS = "organization.set_status", _("Change organization status")
    ORGANIZATION_ACTIVE = "organization.active", _("Organization status: active")
    ORGANIZATION_SUSPENDED = "organization.suspended", _("Organization status: suspended")
    ORGANIZATION_DEREGISTERED = "organization.deregistered", _("Organization status: deregistered")
    ORGANIZATION_REVOKED = "organization.revoked", _("Organization status: revoked")
    ORGANIZATION_PENDING = "organization.pending", _("Organization status: filing under review")
    ORGANIZATION_REJECTED = "organization.rejected", _("Organization status: filing rejected")
    ORGANIZATION_FILED = "organization.filed", _("Organization filed")
    ORGANIZATION_FILING_REJECTED = "organization.filing_rejected", _("Organization filing rejected")
    ORGANIZATION_SET_PARTY_COVERAGE = "organization.set_party_coverage", _("Record Party coverage")
    ORGANIZATION_IMPORT = "organization.import", _("Import organizations")
    ORGANIZATION_EXPORT = "organization.export", _("Export organizations")
    ORGANIZATION_SEED_DEMO = "organization.seed_demo", _("Create demo organizations")
    MEMBERSHIP_ADD = "membership.add", _("Add organization user")
    MEMBERSHIP_REMOVE = "membership.remove", _("Remove organization user")
    ORG_MEMBERSHIP_CREATE = "org_membership.create", _("Add organization user")
    FILING_SUBMIT = "filing.submit", _("Submit filing")
    FILING_SUBMITTED = "filing.submitted", _("Submit filing")
    FILING_COMMUNITY_APPROVED = "filing.community_approved", _("Filing approved by the community")
    FILING_FILED = "filing.filed", _("Filing approved")
    FILING_REJECTED = "filing.rejected", _("Filing rejected")
    CAMPAIGN_OPEN = "campaign.open", _("Open annual-report campaign")
    ANNUAL_REPORT_UPDATE = "annual_report.update", _("Edit annual report")
    ANNUAL_REPORT_ATTACHMENT_ADD = "annual_report.attachment_add", _("Attach file to annual report")
    ANNUAL_REPORT_SUBMITTED = "annual_report.submitted", _("Submit annual report")
    ANNUAL_REPORT_RETURNED = "annual_report.returned", _("Return annual report")
    ANNUAL_REPORT_REVIEWED = "annual_report.reviewed", _("Review annual report")
    GRADE_AWARD = "grade.award", _("Award evaluation grade")
    GRADE_SUPERSEDE = "grade.supersede", _("Grade superseded")
    GRADE_EXPIRE = "grade.expire", _("Grade expired")
    GRADE_FLAG_EXPIRY = "grade.flag_expiry", _("Grade expiry flagged")
    GRADE_BANDS_SET = "grade_bands.set", _("Set grade bands")
    CREDIT_ADD = "credit.add", _("Put on credit list")
    CREDIT_REMOVE = "credit.remove", _("Remove from credit list")
    CREDIT_AUTO_LIST = "credit.auto_list", _("Put on credit list (daily rules)")
    CREDIT_AUTO_REMOVE = "credit.auto_remove", _("Remove from credit list (daily rules)")
    CREDIT_MOVE_TO_SERIOUS = "credit.move_to_serious", _("Move to the serious dishonesty list")
    CREDIT_APPLY_RECTIFICATION = "credit.apply_rectification", _("Apply for removal after rectification")
    CREDIT_VERIFY_RECTIFICATION = "credit.verify_rectification", _("Verify rectification")
    CHANGE_REQUEST_CREATE = "change_request.create", _("Request change of key fields")
    CHANGE_REQUEST_UPDATE = "change_request.update", _("Change key-field request")
    CHANGE_REQUEST_APPROVE = "change_request.approve", _("Approve change request")
    CHANGE_REQUEST_PENDING = "change_request.pending", _("Request change of key fields")
    CHANGE_REQUEST_APPROVED = "change_request.approved", _("Approve change request")
    CHANGE_REQUEST_REJECTED = "change_request.rejected", _("Reject change request")
