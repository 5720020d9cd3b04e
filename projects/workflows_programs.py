"""State machine of funding programs (资金项目), as a transition table (governance.workflows.Workflow).

draft (草稿) → open for applications (申报中) → under review (评审中) → closed (已结束). A draft or an open
call may be closed early (withdrawn, no applications worth reviewing) with a reason; the program owner
takes every step.
"""

from __future__ import annotations

from governance.workflows import Workflow
from projects.models import FundingProgram, ProgramStatus
from projects.permissions import can_edit_program

S = ProgramStatus

PROGRAM_WORKFLOW = Workflow(
    name="program",
    model=FundingProgram,
    transitions={
        S.DRAFT: {S.OPEN: can_edit_program, S.CLOSED: can_edit_program},
        S.OPEN: {S.REVIEWING: can_edit_program, S.CLOSED: can_edit_program},
        S.REVIEWING: {S.CLOSED: can_edit_program},
    },
)

# Closing a call that never reached review needs a reason (checked by the service: the table's
# note_required is per target status, and closing after review needs none).
EARLY_CLOSE_FROM = frozenset({S.DRAFT, S.OPEN})
