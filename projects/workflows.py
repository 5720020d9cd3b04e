"""State machine of applications (项目申报), as a transition table (governance.workflows.Workflow).

draft/returned → submitted (applying unit) → in_review (program owner, after the draw) →
approved / returned for revision / rejected (program owner, with a reason for the last two).
A 社区自治金 application is decided by its residents' consultation: submitted → approved/rejected.
Review assignment (评审任务): pending → submitted (the expert) or recused (the expert or the program owner).
"""

from __future__ import annotations

from governance.workflows import Workflow
from projects.models import Application, ApplicationStatus, AssignmentStatus, ReviewAssignment
from projects.permissions import can_decide_application, can_edit_application, is_assigned_expert

S = ApplicationStatus

APPLICATION_WORKFLOW = Workflow(
    name="application",
    model=Application,
    field="status",
    transitions={
        S.DRAFT: {S.SUBMITTED: can_edit_application},
        S.RETURNED: {S.SUBMITTED: can_edit_application},
        S.SUBMITTED: {
            S.IN_REVIEW: can_decide_application,
            S.RETURNED: can_decide_application,
            S.APPROVED: can_decide_application,
            S.REJECTED: can_decide_application,
        },
        S.IN_REVIEW: {
            S.APPROVED: can_decide_application,
            S.RETURNED: can_decide_application,
            S.REJECTED: can_decide_application,
        },
    },
    note_required={S.RETURNED, S.REJECTED},
)


def _may_recuse(user, assignment) -> bool:
    """The expert declares a recusal; the program owner records one (e.g. a conflict found later)."""
    return is_assigned_expert(user, assignment) or can_decide_application(user, assignment.application)


ASSIGNMENT_WORKFLOW = Workflow(
    name="review_assignment",
    model=ReviewAssignment,
    field="status",
    transitions={
        AssignmentStatus.PENDING: {
            AssignmentStatus.SUBMITTED: is_assigned_expert,
            AssignmentStatus.RECUSED: _may_recuse,
        },
    },
    note_required={AssignmentStatus.RECUSED},
)
