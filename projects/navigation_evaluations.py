"""What evaluations plug into the core (called from ``ProjectsConfig.ready``): audit labels, notification
kinds and the daily periodic task (fanned out per tenant)."""

from __future__ import annotations

from governance import registry
from projects import notifications_evaluations
from projects.audit_evaluations import EvaluationsAudit


def register() -> None:
    from projects import tasks_evaluations, workflows_evaluations  # noqa: F401  (the task and the workflow register)

    registry.register_audit_actions(EvaluationsAudit)
    notifications_evaluations.register()
    registry.register_periodic_task(
        "projects: evaluations", "projects.evaluations_run", crontab={"minute": "10", "hour": "2"},
        description="Mid-term and final evaluations of contracts whose mid-term or final report is approved or "
                    "past due, per tenant (idempotent; published results never change).")
