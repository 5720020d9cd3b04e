"""What evaluations plug into the core (called from ``ProjectsConfig.ready``): menu entries, 待办, audit labels,
notification kinds and the daily periodic task (fanned out per tenant). The menu's role sets are the ones
the views check, so menu and access agree."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import registry
from governance.models.accounts import Role
from governance.registry import TodoItem
from governance.selectors import user_roles
from projects import notifications_evaluations, permissions
from projects.audit_evaluations import EvaluationsAudit
from projects.selectors_evaluations import evaluations_to_publish_count

PORTAL_ROLES = frozenset({Role.ORG_USER})


def register() -> None:
    from projects import tasks_evaluations, workflows_evaluations  # noqa: F401  (the task and the workflow register)

    registry.register_nav(section="projects", label=gettext_lazy("Evaluations"), url_name="projects:evaluation-list",
                          roles=permissions.VIEW_ROLES, order=16)
    registry.register_nav(section="projects", label=gettext_lazy("My evaluations"),
                          url_name="projects:portal-evaluations", roles=PORTAL_ROLES, order=24)
    registry.register_todo(todos)
    registry.register_audit_actions(EvaluationsAudit)
    notifications_evaluations.register()
    registry.register_periodic_task(
        "projects: evaluations", "projects.evaluations_run", crontab={"minute": "10", "hour": "2"},
        description="Mid-term and final evaluations of contracts whose mid-term or final report is approved or "
                    "past due, per tenant (idempotent; published results never change).")


def todos(user) -> list[TodoItem]:
    if not user_roles(user) & permissions.PROGRAM_ROLES:
        return []
    n = evaluations_to_publish_count(user)
    return [TodoItem("projects.evaluation.publish", _("%(n)s evaluations await publication") % {"n": n}, n,
                     reverse("projects:evaluation-list") + "?status=computed", priority=16)]
