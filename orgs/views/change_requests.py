"""Change request pages (变更申请): staff see and decide the portal's key-field changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.views import paginate, querystring_without_page
from governance.web import SortKey, sort_queryset
from orgs import permissions, selectors, services
from orgs.audit import OrgsAudit
from orgs.exporting import CHANGE_REQUEST_COLUMNS, EXPORT_CHUNK, list_export
from orgs.forms.lists import ChangeRequestListForm
from orgs.forms.workflow import ChangeRequestDecideForm
from orgs.models import ChangeRequestStatus
from orgs.views.helpers import (
    change_rows,
    form_error_text,
    is_registry_staff,
    key_field_labels,
    organization_sort,
    requested_status,
    require,
    safe_next,
    service_errors,
    status_tabs,
    subnav,
)

CHANGE_REQUEST_SORTS = {
    "pending": SortKey(gettext_lazy("Pending first"), "pending_last", "-requested_at"),
    "requested": SortKey(gettext_lazy("Requested"), "requested_at"),
    "organization": organization_sort(gettext_lazy("Organization")),
    "region": SortKey(gettext_lazy("Region"), "organization__region__path"),
    "decided": SortKey(gettext_lazy("Decided"), "decided_at"),
}


def _change_requests(request, *, tabs: bool = True):
    """The list's form, status, tabs and the filtered, sorted requests (the page; the export without tabs)."""
    form = ChangeRequestListForm(request.GET or None, user=request.user)
    filters = form.filters()
    if tabs:
        status, tabs = status_tabs(request, selectors.change_request_list(user=request.user, filters=filters),
                                   ChangeRequestStatus)
    else:
        status, tabs = requested_status(request, ChangeRequestStatus), []
    queryset = selectors.change_request_list(user=request.user, status=status or None, filters=filters).annotate(
        pending_last=Case(When(status=ChangeRequestStatus.PENDING, then=Value(0)), default=Value(1),
                          output_field=IntegerField()))
    queryset, sorting = sort_queryset(request, queryset, allowed=CHANGE_REQUEST_SORTS, default="pending")
    return form, {**filters, "status": status, "sort": sorting.key}, tabs, queryset, sorting


@login_required
def change_request_list(request):
    require(is_registry_staff(request.user))
    form, filters, tabs, queryset, sorting = _change_requests(request)
    status = filters["status"]
    page = paginate(request, queryset)
    for change_request in page.object_list:
        change_request.rows = change_rows(change_request)
        change_request.can_decide = (change_request.status == ChangeRequestStatus.PENDING
                                     and permissions.can_decide_change_request(request.user, change_request))
    return render(request, "orgs/workflow/change_request_list.html", {
        "page": page, "tabs": tabs, "status": status, "query": querystring_without_page(request),
        "next": request.get_full_path(), "key_fields": key_field_labels(), "form": form, "sorting": sorting,
        "subnav": subnav(request.user, "orgs:change-request-list"),
    })


@login_required
@require_GET
def change_request_export(request):
    """Every change request of the filtered, sorted list as an Excel workbook, audited."""
    require(is_registry_staff(request.user))
    _form, filters, _tabs, queryset, _sorting = _change_requests(request, tabs=False)
    return list_export(request, rows=queryset.iterator(chunk_size=EXPORT_CHUNK), columns=CHANGE_REQUEST_COLUMNS,
                       title="变更申请", action=OrgsAudit.CHANGE_REQUEST_EXPORT, filters=filters,
                       object_repr=_("Change request list export"))


@login_required
@require_POST
def change_request_decide(request, pk: int):
    change_request = selectors.change_request_get_for_user(user=request.user, pk=pk)
    # Key data of a registered organization is the registration authority's to approve (issue 7 item 11).
    require(permissions.can_decide_change_request(request.user, change_request))
    default = reverse("orgs:change-request-list") if is_registry_staff(request.user) else reverse("orgs:portal")
    done = redirect(safe_next(request, default))
    form = ChangeRequestDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return done
    approve = form.cleaned_data["decision"] == "approve"
    with service_errors(request) as outcome:
        services.change_request_decide(actor=request.user, change_request=change_request, approve=approve,
                                       note=form.cleaned_data["note"])
    if outcome.ok:
        if approve:
            messages.success(request, _("Change approved: the data of %(org)s was updated.")
                             % {"org": change_request.organization.name})
        else:
            messages.success(request, _("Change rejected; the organization sees the reason."))
    return done
