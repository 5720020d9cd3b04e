"""Organization portal (社会组织门户): an organization user's own organization(s).

Only users with the role "social organization user" open these pages; anyone else gets a 404, and an
organization user gets a 404 for organizations they are not a member of. Annual reports and credit
rectification use the shared workflow pages, where the permissions decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from governance import registry
from governance.selectors import get_object_for_user_or_404
from orgs import permissions, selectors, services
from orgs.forms.workflow import PortalForm
from orgs.models import ChangeRequestStatus, CreditExitStatus, CreditList, FundingSource
from orgs.views.helpers import (
    change_rows,
    mark_credit_actions,
    mark_report,
    require,
    service_errors,
    subnav,
)


def _portal_form(data=None, organization=None) -> PortalForm:
    initial = PortalForm.initial_for(organization, [*services.PORTAL_DIRECT_FIELDS, *services.PORTAL_KEY_FIELDS])
    return PortalForm(data, initial=initial, direct_fields=services.PORTAL_DIRECT_FIELDS,
                      key_fields=services.PORTAL_KEY_FIELDS)


def _mark_exit_applications(user, records) -> None:
    """On serious-list entries: the pending application, the latest refusal (with its reason) and whether
    the organization may apply now (the service decides whether the conditions are met). One query."""
    serious = {record.pk: record for record in records if record.list_type == CreditList.SERIOUS}
    for record in serious.values():
        record.exit_pending = record.exit_refused = None
    for application in selectors.credit_exit_application_list(user=user).filter(record_id__in=list(serious)):
        record = serious[application.record_id]
        if application.status == CreditExitStatus.PENDING:
            record.exit_pending = application
        elif application.status == CreditExitStatus.REJECTED and record.exit_refused is None:
            record.exit_refused = application  # newest first
    for record in serious.values():
        record.show_exit_apply = record.exit_pending is None and permissions.can_apply_credit_exit(user, record)


@login_required
def portal(request):
    user = request.user
    require(permissions.is_org_user(user))
    organizations = list(selectors.portal_organizations(user=user))
    by_id = {org.pk: org for org in organizations}
    funding = dict(FundingSource.choices)
    for org in organizations:
        org.portal_reports, org.portal_credit, org.portal_changes = [], [], []
        org.funding_labels = [str(funding.get(code, code)) for code in org.funding_sources or []]
    today = timezone.localdate()
    for report in selectors.annual_report_list(user=user).filter(organization_id__in=by_id):
        mark_report(user, report, today)
        by_id[report.organization_id].portal_reports.append(report)
    for record in selectors.credit_record_list(user=user, filters={"active": "1"}).filter(organization_id__in=by_id):
        mark_credit_actions(user, record)
        by_id[record.organization_id].portal_credit.append(record)
    _mark_exit_applications(user, [record for org in organizations for record in org.portal_credit])
    for change_request in selectors.change_request_list(user=user, status=ChangeRequestStatus.PENDING).filter(
        organization_id__in=by_id
    ):
        change_request.rows = change_rows(change_request)
        by_id[change_request.organization_id].portal_changes.append(change_request)
    return render(request, "orgs/portal/portal.html", {"organizations": organizations, "today": today,
                                                       "subnav": subnav(user, "orgs:portal"),
                                                       "todos": registry.todo_items(user)})


@login_required
def portal_edit(request, org_pk: int):
    user = request.user
    require(permissions.is_org_user(user))
    organization = get_object_for_user_or_404(selectors.portal_organizations(user=user), pk=org_pk)
    form = _portal_form(request.POST or None, organization)
    if request.method == "POST" and form.is_valid():
        changed = [name for name in form.changed_data if name in form.fields]
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect("orgs:portal")
        fields = {name: form.cleaned_data[name] for name in changed if name != "domains"}
        domains = form.cleaned_data["domains"] if "domains" in changed else None
        with service_errors(request, form) as outcome:
            _org, change_request = services.portal_update(actor=user, organization=organization, domains=domains,
                                                          **fields)
        if outcome.ok:
            saved = [capfirst(str(form.fields[name].label)) for name in changed
                     if name in services.PORTAL_DIRECT_FIELDS]
            waiting = [capfirst(str(form.fields[name].label)) for name in changed
                       if name in services.PORTAL_KEY_FIELDS and change_request is not None
                       and name in change_request.changes]
            if saved:
                messages.success(request, _("Saved: %(fields)s.") % {"fields": "、".join(saved)})
            if waiting:
                messages.info(request, _("Awaiting approval by the community or street office: %(fields)s.")
                              % {"fields": "、".join(waiting)})
            if not saved and not waiting:
                messages.info(request, _("Nothing was changed."))
            return redirect("orgs:portal")
    pending = selectors.pending_change_request(organization=organization)
    return render(request, "orgs/portal/portal_form.html", {
        "form": form, "org": organization, "pending": pending,
        "pending_rows": change_rows(pending) if pending else [],
    })
