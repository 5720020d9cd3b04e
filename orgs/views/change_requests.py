"""Change request pages (变更申请): staff see and decide the portal's key-field changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.views import paginate, querystring_without_page
from orgs import permissions, selectors, services
from orgs.forms.workflow import ChangeRequestDecideForm
from orgs.models import ChangeRequestStatus
from orgs.views.helpers import (
    change_rows,
    form_error_text,
    is_registry_staff,
    key_field_labels,
    require,
    safe_next,
    service_errors,
    status_tabs,
    subnav,
)


@login_required
def change_request_list(request):
    require(is_registry_staff(request.user))
    status, tabs = status_tabs(request, selectors.change_request_list(user=request.user), ChangeRequestStatus)
    queryset = selectors.change_request_list(user=request.user, status=status or None).order_by(
        Case(When(status=ChangeRequestStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-requested_at", "-id",
    )
    page = paginate(request, queryset)
    for change_request in page.object_list:
        change_request.rows = change_rows(change_request)
        change_request.can_decide = (change_request.status == ChangeRequestStatus.PENDING
                                     and permissions.can_decide_change_request(request.user, change_request))
    return render(request, "orgs/workflow/change_request_list.html", {
        "page": page, "tabs": tabs, "status": status, "query": querystring_without_page(request),
        "next": request.get_full_path(), "key_fields": key_field_labels(),
        "subnav": subnav(request.user, "orgs:change-request-list"),
    })


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
