"""State machines of the registry, as transition tables (governance.workflows.Workflow).

Filing (备案): submitted → community_approved → filed, with rejection possible at both steps.
Annual report (年报): open/returned → submitted → returned (for correction) or reviewed.
Organization (社会组织状态): a filing's decision moves it out of pending; staff suspend, reactivate,
deregister (注销) or revoke (撤销登记) it; deregistered and revoked are final.
Change request (变更申请): pending → approved or rejected (with a reason).
Application to leave the serious list (移出严重违法失信名单申请): pending → approved (the entry is removed)
or rejected (with the reason the organization sees).
"""

from __future__ import annotations

from governance.workflows import Workflow
from orgs.models import (
    AnnualReport,
    ChangeRequestStatus,
    CreditExitApplication,
    CreditExitStatus,
    Filing,
    FilingStatus,
    Organization,
    OrgChangeRequest,
    OrgStatus,
    ReportStatus,
)
from orgs.permissions import (
    can_approve_filing_as_street,
    can_change_org_status,
    can_decide_change_request,
    can_decide_credit_exit,
    can_decide_filing_of,
    can_edit_report,
    can_review_filing_as_community,
    can_review_report,
)
from orgs.signals import send_organization_status_changed

FILING_WORKFLOW = Workflow(
    name="filing",
    model=Filing,
    field="status",
    transitions={
        FilingStatus.SUBMITTED: {
            FilingStatus.COMMUNITY_APPROVED: can_review_filing_as_community,
            FilingStatus.REJECTED: can_review_filing_as_community,
        },
        FilingStatus.COMMUNITY_APPROVED: {
            FilingStatus.FILED: can_approve_filing_as_street,
            FilingStatus.REJECTED: can_approve_filing_as_street,
        },
    },
    note_required={FilingStatus.REJECTED},
)

REPORT_WORKFLOW = Workflow(
    name="annual_report",
    model=AnnualReport,
    field="status",
    transitions={
        ReportStatus.OPEN: {ReportStatus.SUBMITTED: can_edit_report},
        ReportStatus.RETURNED: {ReportStatus.SUBMITTED: can_edit_report},
        ReportStatus.SUBMITTED: {
            ReportStatus.RETURNED: can_review_report,
            ReportStatus.REVIEWED: can_review_report,
        },
    },
    note_required={ReportStatus.RETURNED},
)

_STAFF_MOVES = {
    OrgStatus.DEREGISTERED: can_change_org_status,
    OrgStatus.REVOKED: can_change_org_status,
}

ORGANIZATION_WORKFLOW = Workflow(
    name="organization",
    model=Organization,
    field="status",
    transitions={
        # The street's filing decision (orgs.services.filing_transition) moves a pending group.
        OrgStatus.PENDING: {OrgStatus.ACTIVE: can_decide_filing_of, OrgStatus.REJECTED: can_decide_filing_of},
        OrgStatus.ACTIVE: {OrgStatus.SUSPENDED: can_change_org_status, **_STAFF_MOVES},
        OrgStatus.SUSPENDED: {OrgStatus.ACTIVE: can_change_org_status, **_STAFF_MOVES},
    },
    note_required={OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED},
    on_commit=[send_organization_status_changed],  # orgs.signals.organization_status_changed
)

CHANGE_REQUEST_WORKFLOW = Workflow(
    name="change_request",
    model=OrgChangeRequest,
    field="status",
    transitions={
        ChangeRequestStatus.PENDING: {
            ChangeRequestStatus.APPROVED: can_decide_change_request,
            ChangeRequestStatus.REJECTED: can_decide_change_request,
        },
    },
    note_required={ChangeRequestStatus.REJECTED},
)

CREDIT_EXIT_WORKFLOW = Workflow(
    name="credit_exit",
    model=CreditExitApplication,
    field="status",
    transitions={
        CreditExitStatus.PENDING: {
            CreditExitStatus.APPROVED: can_decide_credit_exit,
            CreditExitStatus.REJECTED: can_decide_credit_exit,
        },
    },
    note_required={CreditExitStatus.REJECTED},
)
