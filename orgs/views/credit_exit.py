"""Leaving the serious dishonesty list (移出严重违法失信名单): the organization applies, staff decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.views import paginate, querystring_without_page
from orgs import permissions, selectors, services
from orgs.forms.workflow import CreditExitApplyForm, CreditExitDecideForm
from orgs.models import CreditExitStatus
from orgs.views.helpers import (
    form_error_text,
    is_registry_staff,
    require,
    safe_next,
    service_errors,
    status_tabs,
    subnav,
)


@login_required
def credit_exit_list(request):
    require(is_registry_staff(request.user))
    status, tabs = status_tabs(request, selectors.credit_exit_application_list(user=request.user), CreditExitStatus)
    page = paginate(request, selectors.credit_exit_application_list(user=request.user, status=status or None))
    for application in page.object_list:
        application.can_decide = (application.status == CreditExitStatus.PENDING
                                  and permissions.can_decide_credit_exit(request.user, application))
    return render(request, "orgs/workflow/credit_exit_list.html", {
        "page": page, "tabs": tabs, "status": status, "query": querystring_without_page(request),
        "next": request.get_full_path(), "subnav": subnav(request.user, "orgs:credit-list"),
    })


@login_required
@require_POST
def credit_exit_apply(request, pk: int):
    record = selectors.credit_record_get_for_user(user=request.user, pk=pk)
    require(permissions.can_apply_credit_exit(request.user, record))
    default = reverse("orgs:portal") if permissions.is_member(request.user, record.organization) else reverse(
        "orgs:credit-exit-list")
    done = redirect(safe_next(request, default))
    form = CreditExitApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return done
    with service_errors(request) as outcome:
        services.credit_exit_apply(actor=request.user, record=record, statement=form.cleaned_data["statement"])
    if outcome.ok:
        messages.success(request, _("Application to leave the serious list made: the street office decides on it."))
    return done


@login_required
@require_POST
def credit_exit_decide(request, pk: int):
    application = selectors.credit_exit_application_get_for_user(user=request.user, pk=pk)
    require(permissions.can_decide_credit_exit(request.user, application))
    done = redirect(safe_next(request, reverse("orgs:credit-exit-list")))
    form = CreditExitDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return done
    approve = form.cleaned_data["decision"] == "approve"
    with service_errors(request) as outcome:
        services.credit_exit_decide(actor=request.user, application=application, approve=approve,
                                    note=form.cleaned_data["note"])
    if outcome.ok:
        if approve:
            messages.success(request, _("%(org)s was removed from the serious dishonesty list.")
                             % {"org": application.organization.name})
        else:
            messages.success(request, _("Application refused; the organization sees the reason."))
    return done
