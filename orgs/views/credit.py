"""Credit list pages (信用名单): the list, listing, removal and rectification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.views import paginate, querystring_without_page
from governance.web import SortKey
from orgs import permissions, selectors, services
from orgs.audit import OrgsAudit
from orgs.exporting import CREDIT_COLUMNS, EXPORT_CHUNK, list_export
from orgs.forms.lists import CreditListForm
from orgs.forms.workflow import CreditAddForm, CreditRectifyForm, CreditRemoveForm
from orgs.models import CreditList
from orgs.views.helpers import (
    filtered_sorted,
    is_registry_staff,
    mark_credit_actions,
    organization_sort,
    organization_url,
    require,
    safe_next,
    service_errors,
    subnav,
    uses_registry,
)

CREDIT_SORTS = {
    "organization": organization_sort(gettext_lazy("Organization")),
    "list": SortKey(gettext_lazy("List"), "list_type"),
    "reason": SortKey(gettext_lazy("Reason"), "reason"),
    "listed": SortKey(gettext_lazy("Listed on"), "listed_on"),
    "decision": SortKey(gettext_lazy("Decision number"), "decision_number"),
    "state": SortKey(gettext_lazy("State"), "-removed_on"),
}


def _credit_records(request):
    """The list's form, filters and the filtered, sorted entries (the page and its export)."""
    return filtered_sorted(request, CreditListForm, selectors.credit_record_list, sorts=CREDIT_SORTS,
                           default="-listed")


@login_required
@cached_page
def credit_list(request):
    require(uses_registry(request.user))
    form, _filters, queryset, sorting = _credit_records(request)
    page = paginate(request, queryset)
    for record in page.object_list:
        mark_credit_actions(request.user, record)
    return render(request, "orgs/workflow/credit_list.html", {
        "form": form, "page": page, "query": querystring_without_page(request), "sorting": sorting,
        "today": timezone.localdate(), "next": request.get_full_path(),
        "subnav": subnav(request.user, "orgs:credit-list"), "show_exit_link": is_registry_staff(request.user),
    })


@login_required
@require_GET
def credit_export(request):
    """Every entry of the filtered, sorted list as an Excel workbook, audited."""
    require(uses_registry(request.user))
    _form, filters, queryset, _sorting = _credit_records(request)
    return list_export(request, rows=queryset.iterator(chunk_size=EXPORT_CHUNK), columns=CREDIT_COLUMNS,
                       title="信用名单", action=OrgsAudit.CREDIT_EXPORT, filters=filters,
                       object_repr=_("Credit list export"))


@login_required
def credit_add(request, org_pk: int):
    org = selectors.organization_get_for_user(user=request.user, pk=org_pk)
    require(permissions.can_manage_credit(request.user, org))
    if request.method == "GET" and request.htmx and "list_type" in request.GET:
        form = CreditAddForm(initial={"list_type": request.GET["list_type"]})
        return render(request, "orgs/workflow/_credit_reason.html", {"field": form["reason"]})
    initial = {"list_type": request.GET.get("list_type") or CreditList.ABNORMAL.value}
    form = CreditAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            record = services.credit_add(actor=request.user, organization=org, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("%(org)s was put on the %(list)s.")
                             % {"org": org.name, "list": record.get_list_type_display()})
            return redirect(organization_url(org) or reverse("orgs:credit-list"))
    return render(request, "orgs/workflow/credit_form.html", {"form": form, "org": org,
                                                              "org_url": organization_url(org)})


@login_required
def credit_remove(request, pk: int):
    record = selectors.credit_record_get_for_user(user=request.user, pk=pk)
    require(permissions.can_manage_credit(request.user, record.organization))
    form = CreditRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            services.credit_remove(actor=request.user, record=record, removed_on=form.cleaned_data["removed_on"],
                                   reason=form.cleaned_data["reason"])
        if outcome.ok:
            messages.success(request, _("The entry was removed from the %(list)s.")
                             % {"list": record.get_list_type_display()})
            return redirect(reverse("orgs:credit-list"))
    return render(request, "orgs/workflow/credit_remove.html", {
        "form": form, "record": record, "org": record.organization, "org_url": organization_url(record.organization),
    })


@login_required
@require_POST
def credit_rectify(request, pk: int):
    record = selectors.credit_record_get_for_user(user=request.user, pk=pk)
    default = reverse("orgs:credit-list") if is_registry_staff(request.user) else reverse("orgs:portal")
    done = redirect(safe_next(request, default))
    form = CreditRectifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible."))
        return done
    date = form.cleaned_data["date"]
    with service_errors(request):
        if form.cleaned_data["action"] == "apply":
            services.credit_apply_rectification(actor=request.user, record=record, applied_on=date)
            messages.success(request, _("Removal applied for. The office verifies the rectification; the entry is "
                                        "removed within 5 working days after verification."))
        else:
            services.credit_verify_rectification(actor=request.user, record=record, verified_on=date)
            messages.success(request, _("Rectification verified; the daily job removes the entry."))
    return done
