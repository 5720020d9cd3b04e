"""State machine of progress reports (Akvo RSR update states, governance.workflows).

draft → submitted (the organization) → approved / returned with comments (the buyer's staff);
returned → submitted again. An approved report is final: only approved figures count.
"""

from __future__ import annotations

from governance.workflows import Workflow
from projects.models import ProgressReport, ReportStatus
from projects.permissions_reports import can_edit_report, can_review_report

REPORT_WORKFLOW = Workflow(
    name="progress_report",
    model=ProgressReport,
    transitions={
        ReportStatus.DRAFT: {ReportStatus.SUBMITTED: can_edit_report},
        ReportStatus.RETURNED: {ReportStatus.SUBMITTED: can_edit_report},
        ReportStatus.SUBMITTED: {ReportStatus.APPROVED: can_review_report, ReportStatus.RETURNED: can_review_report},
    },
    note_required={ReportStatus.RETURNED},
)
