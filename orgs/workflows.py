"""State machines of the registry, as transition tables (governance.workflows.Workflow).

Filing (备案): submitted → community_approved → filed, with rejection possible at both steps.
Annual report (年报): open/returned → submitted → returned (for correction) or reviewed.
"""

from __future__ import annotations

from governance.workflows import Workflow
from orgs.models import FilingStatus, ReportStatus
from orgs.permissions import (
    can_approve_filing_as_street,
    can_edit_report,
    can_review_filing_as_community,
    can_review_report,
)

FILING_WORKFLOW = Workflow(
    name="filing",
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
