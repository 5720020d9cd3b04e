"""What progress reports plug into the core (called from ``ProjectsConfig.ready``): menu entries, 待办,
notification kinds, audit labels and the daily periodic task. The menu's role sets are the ones the
views check, so menu and access agree."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import registry
from governance.models.accounts import Role
from governance.registry import TodoItem
from governance.selectors import scope_to_user, user_roles
from orgs.permissions import member_organization_ids
from projects import notifications_reports, permissions
from projects.audit_reports import ReportsAudit
from projects.models import ContractStatus, ProgressReport, ReportStatus

SECTION = "projects"
PORTAL_ROLES = frozenset({Role.ORG_USER})
# Reports due within this many days show in the organization's 待办 (the reminder comes per tenant settings).
TODO_DAYS_AHEAD = 14


def register() -> None:
    from projects import tasks_reports, workflows_reports  # noqa: F401  (the task and the workflow register)

    registry.register_nav(section=SECTION, label=gettext_lazy("Progress reports"), url_name="projects:report-list",
                          roles=permissions.VIEW_ROLES, order=14)
    registry.register_nav(section=SECTION, label=gettext_lazy("My progress reports"),
                          url_name="projects:portal-reports", roles=PORTAL_ROLES, order=23)
    registry.register_todo(todos)
    registry.register_audit_actions(ReportsAudit)
    from projects.demo_reports import seed_reports

    registry.register_seeder("projects_reports", seed_reports, layer=33,
                             help="progress reports (one returned, one awaiting review), expert scores and the "
                                  "evaluations of the demo contracts")
    notifications_reports.register()
    registry.register_periodic_task(
        "projects: daily progress reports", "projects.reports_daily", crontab={"minute": "40", "hour": "6"},
        description="Report schedules of signed contracts, overdue marking, reminders before and after the due "
                    "date, per tenant (idempotent).")


def todos(user) -> list[TodoItem]:
    roles = user_roles(user)
    items: list[TodoItem] = []
    if roles & permissions.PROGRAM_ROLES:
        n = scope_to_user(ProgressReport.objects.filter(status=ReportStatus.SUBMITTED), user,
                          region_field="contract__region", roles=permissions.PROGRAM_ROLES).count()
        items.append(TodoItem("projects.report.review", _("%(n)s progress reports await review") % {"n": n}, n,
                              reverse("projects:report-list") + "?status=submitted", priority=15))
    if Role.ORG_USER in roles:
        soon = timezone.localdate() + datetime.timedelta(days=TODO_DAYS_AHEAD)
        n = ProgressReport.objects.filter(
            contract__organization_id__in=member_organization_ids(user), contract__status=ContractStatus.ACTIVE,
        ).filter(Q(status=ReportStatus.RETURNED) | Q(status=ReportStatus.DRAFT, due_date__lte=soon)).count()
        items.append(TodoItem("projects.portal.reports", _("%(n)s progress reports to fill in") % {"n": n}, n,
                              reverse("projects:portal-reports"), priority=12, level="warning"))
    return items
