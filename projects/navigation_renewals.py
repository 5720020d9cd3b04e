"""What renewal reviews plug into the core (called from ``ProjectsConfig.ready``): the menu entry, the 待办 of
reviews awaiting a decision, notification kinds, audit labels, orgs' signal receivers and the daily periodic
tasks (the renewal scan and the reminders, fanned out per tenant). The menu's role set is the views'."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import registry
from governance.registry import TodoItem
from governance.selectors import scope_to_user, user_roles
from projects import notifications_renewals, permissions, receivers_renewals
from projects.audit_renewals import RenewalsAudit
from projects.models.renewals import RenewalReview, RenewalStatus

SECTION = "projects"


def register() -> None:
    from projects import tasks_renewals, workflows_renewals  # noqa: F401  (the tasks and the workflow register)

    registry.register_nav(section=SECTION, label=gettext_lazy("Renewal reviews"), url_name="projects:renewal-list",
                          roles=permissions.VIEW_ROLES, order=17)
    registry.register_todo(todos)
    registry.register_audit_actions(RenewalsAudit)
    notifications_renewals.register()
    receivers_renewals.connect()
    from projects.demo_renewals import seed_renewals

    registry.register_seeder("projects_renewals", seed_renewals, layer=34,
                             help="renewal reviews of the latest finished term (one renewed, one not continued, "
                                  "the rest awaiting a decision)")
    registry.register_periodic_task(
        "projects: renewal reviews", "projects.renewals_scan", crontab={"minute": "30", "hour": "2"},
        description="Renewal reviews of contracts ending within the tenant's window, recommendations of pending "
                    "reviews recomputed, per tenant (idempotent).")
    registry.register_periodic_task(
        "projects: reminders", "projects.reminders_daily", crontab={"minute": "50", "hour": "6"},
        description="Reminders of contracts about to end and evaluations due, per tenant (at most one per item "
                    "and day; progress reports have their own in the daily progress reports task).")


def todos(user) -> list[TodoItem]:
    if not user_roles(user) & permissions.PROGRAM_ROLES:
        return []
    n = scope_to_user(RenewalReview.objects.filter(status=RenewalStatus.PENDING), user,
                      region_field="contract__region", roles=permissions.PROGRAM_ROLES).count()
    return [TodoItem("projects.renewal.decide", _("%(n)s renewal reviews await a decision") % {"n": n}, n,
                     reverse("projects:renewal-list") + "?status=pending", priority=14)]
