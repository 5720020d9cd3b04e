"""Writes of projects, one module per entity (re-exported: ``from projects import services``)."""

from projects.services.applications import (
    application_create,
    application_decide,
    application_submit,
    application_update,
    completeness_problems,
    consultation_record,
)
from projects.services.eligibility import eligibility_explain, eligibility_many, program_rules
from projects.services.experts import expert_create, expert_update, relation_declare, relation_withdraw
from projects.services.programs import (
    program_create,
    program_transition,
    program_update,
    review_template_copy,
    review_template_save,
)
from projects.services.reviews import (
    application_start_review,
    assignment_recuse,
    draw_candidates,
    program_rank_and_approve,
    scores_save,
)

__all__ = [
    "application_create", "application_decide", "application_start_review", "application_submit",
    "application_update", "assignment_recuse", "completeness_problems", "consultation_record", "draw_candidates",
    "eligibility_explain", "eligibility_many", "expert_create", "expert_update", "program_create",
    "program_rank_and_approve", "program_rules", "program_transition", "program_update", "relation_declare", "relation_withdraw", "review_template_copy", "review_template_save",
    "scores_save",
]
