"""State machine of evaluations (governance.workflows): computed → published by the buyer's staff.

A published evaluation is final (the run skips it, a database trigger refuses changes)."""

from __future__ import annotations

from governance.workflows import Workflow
from projects.models import Evaluation, EvaluationStatus
from projects.permissions_evaluations import can_publish_evaluation

EVALUATION_WORKFLOW = Workflow(
    name="evaluation",
    model=Evaluation,
    transitions={EvaluationStatus.COMPUTED: {EvaluationStatus.PUBLISHED: can_publish_evaluation}},
)
