"""Who progress-report steps notify (governance.notifications).

* a report is due soon, or overdue: the supplier's members (and, once overdue, the buyer's staff);
* a report is submitted: the buyer's staff who review it;
* a report is approved or returned: the supplier's members, with the comments.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.notifications import (
    Message,
    notify,
    notify_many,
    platform_language,
    register_notification_kind,
)
from governance.selectors import users_with_roles_over
from orgs.notifications import members_of
from projects.permissions import PROGRAM_ROLES

REPORT_DUE = "projects.report_due"
REPORT_SUBMITTED = "projects.report_submitted"
REPORT_REVIEWED = "projects.report_reviewed"


def register() -> None:
    register_notification_kind(REPORT_DUE, gettext_lazy("A progress report is due or overdue"), order=330)
    register_notification_kind(REPORT_SUBMITTED, gettext_lazy("A progress report awaits review"), order=331)
    register_notification_kind(REPORT_REVIEWED, gettext_lazy("Your progress report was reviewed"), order=332)


def _portal_url(report) -> str:
    return reverse("projects:portal-report", args=[report.pk])


def report_submitted(*, report, actor) -> None:
    contract = report.contract
    with platform_language():
        title = _("%(org)s submitted progress report %(n)s of contract %(number)s") % {
            "org": contract.organization.name, "n": report.sequence, "number": contract.number}
    notify(recipients=users_with_roles_over(contract.region, PROGRAM_ROLES).values_list("pk", flat=True),
           kind=REPORT_SUBMITTED, title=title, url=reverse("projects:report-detail", args=[report.pk]),
           obj=report, actor=actor)


def report_reviewed(*, report, actor) -> None:
    contract = report.contract
    with platform_language():
        title = _("Progress report %(n)s of contract %(number)s: %(status)s") % {
            "n": report.sequence, "number": contract.number, "status": report.get_status_display()}
    notify(recipients=members_of([contract.organization_id]).get(contract.organization_id, []),
           kind=REPORT_REVIEWED, title=title, body=report.review_comment, url=_portal_url(report), obj=report,
           actor=actor)


def reports_due(*, before: list, after: list) -> None:
    """Reminders of one daily run, in one batch (a constant number of queries)."""
    members = members_of({report.contract.organization_id for report in [*before, *after]})
    messages, staff_by_region = [], {}
    with platform_language():
        for report in before:
            title = _("Progress report %(n)s of contract %(number)s is due on %(date)s") % {
                "n": report.sequence, "number": report.contract.number, "date": report.due_date.isoformat()}
            messages.append(Message(recipients=members.get(report.contract.organization_id, []), kind=REPORT_DUE,
                                    title=title, url=_portal_url(report), obj=report))
        for report in after:
            title = _("Progress report %(n)s of contract %(number)s is overdue (due %(date)s)") % {
                "n": report.sequence, "number": report.contract.number, "date": report.due_date.isoformat()}
            region = report.contract.region
            if region.pk not in staff_by_region:  # one query per buyer region, not per report
                staff_by_region[region.pk] = list(users_with_roles_over(region, PROGRAM_ROLES)
                                                  .values_list("pk", flat=True))
            staff = staff_by_region[region.pk]
            messages.append(Message(recipients=sorted({*members.get(report.contract.organization_id, []), *staff}),
                                    kind=REPORT_DUE, title=title, url=_portal_url(report), obj=report))
    if messages:
        notify_many(messages, actor=None)
