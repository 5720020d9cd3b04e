"""Filing pages (备案): list with status tabs, application form, detail and the review steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, sort_queryset
from orgs import permissions, selectors, services
from orgs.audit import OrgsAudit
from orgs.exporting import EXPORT_CHUNK, filing_columns, list_export
from orgs.forms.lists import FilingListForm
from orgs.forms.workflow import FilingForm, FilingTransitionForm
from orgs.models import FilingStatus
from orgs.views.helpers import (
    history,
    organization_sort,
    organization_url,
    requested_status,
    require,
    service_errors,
    status_tabs,
    subnav,
    uses_registry,
)
from orgs.workflows import FILING_WORKFLOW

FILING_SORTS = {
    "organization": organization_sort(gettext_lazy("Group")),
    "region": SortKey(gettext_lazy("Community or street"), "organization__region__path"),
    "person": SortKey(gettext_lazy("Person in charge"), "organization__legal_representative"),
    "submitted": SortKey(gettext_lazy("Submitted"), "submitted_at"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}


def _filings(request, *, tabs: bool = True):
    """The list's form, status, tabs and the filtered, sorted filings (the page; the export without tabs)."""
    form = FilingListForm(request.GET or None, user=request.user)
    filters = form.filters()
    if tabs:
        status, tabs = status_tabs(request, selectors.filing_list(user=request.user, filters=filters), FilingStatus)
    else:
        status, tabs = requested_status(request, FilingStatus), []
    queryset = selectors.filing_list(user=request.user, status=status or None, filters=filters)
    queryset, sorting = sort_queryset(request, queryset, allowed=FILING_SORTS, default="-submitted")
    return form, {**filters, "status": status, "sort": sorting.key}, tabs, queryset, sorting


@login_required
@cached_page
def filing_list(request):
    require(uses_registry(request.user))
    form, filters, tabs, queryset, sorting = _filings(request)
    page = paginate(request, queryset)
    for filing in page.object_list:
        filing.needs_action = bool(FILING_WORKFLOW.allowed_targets(filing, request.user))
    return render(request, "orgs/workflow/filing_list.html", {
        "form": form, "page": page, "tabs": tabs, "status": filters["status"], "sorting": sorting,
        "query": querystring_without_page(request), "can_submit": permissions.can_submit_filing(request.user),
        "subnav": subnav(request.user, "orgs:filing-list"),
    })


@login_required
@require_GET
def filing_export(request):
    """Every filing of the filtered, sorted list (not only one page) as an Excel workbook, audited."""
    require(uses_registry(request.user))
    _form, filters, _tabs, queryset, _sorting = _filings(request, tabs=False)
    return list_export(request, rows=queryset.iterator(chunk_size=EXPORT_CHUNK),
                       columns=filing_columns(request.user), title="备案申请", action=OrgsAudit.FILING_EXPORT,
                       filters=filters, object_repr=_("Filing list export"))


@login_required
def filing_create(request):
    require(permissions.can_submit_filing(request.user))
    form = FilingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        region = fields.pop("region")
        domains = fields.pop("domains")
        with service_errors(request, form) as outcome:
            filing = services.filing_submit(actor=request.user, region=region, domains=domains, **fields)
        if outcome.ok:
            messages.success(request, _("Filing application submitted. The community reviews it next."))
            if selectors.organization_name_in_use(name=filing.organization.name, exclude_pk=filing.organization_id):
                messages.warning(request, NAME_IN_USE)
            return redirect("orgs:filing-detail", filing.pk)
    return render(request, "orgs/workflow/filing_form.html", {"form": form})


NAME_IN_USE = gettext_lazy("Another organization of this name is already in the registry: check that this is "
                           "not a duplicate before approving.")

FILING_BUTTONS = {
    FilingStatus.COMMUNITY_APPROVED: {"label": gettext_lazy("Approve (community review)"), "css": "btn-success"},
    FilingStatus.FILED: {"label": gettext_lazy("Approve filing (street)"), "css": "btn-success"},
}


@login_required
def filing_detail(request, pk: int):
    filing = selectors.filing_get_for_user(user=request.user, pk=pk)
    targets = FILING_WORKFLOW.allowed_targets(filing, request.user)
    approvals = [{"to": to, **FILING_BUTTONS[to]} for to in targets if to in FILING_BUTTONS]
    org = filing.organization
    return render(request, "orgs/workflow/filing_detail.html", {
        "filing": filing, "org": org, "domains": list(org.domains.all()),
        "approvals": approvals, "can_reject": FilingStatus.REJECTED in targets,
        "history": history(filing, FilingStatus.choices), "org_url": organization_url(org),
        "name_in_use": NAME_IN_USE if filing.status != FilingStatus.FILED and selectors.organization_name_in_use(
            name=org.name, exclude_pk=org.pk) else "",
    })


@login_required
@require_POST
def filing_transition(request, pk: int):
    filing = selectors.filing_get_for_user(user=request.user, pk=pk)
    form = FilingTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible."))
        return redirect("orgs:filing-detail", filing.pk)
    to = form.cleaned_data["to"]
    with service_errors(request) as outcome:
        services.filing_transition(actor=request.user, filing=filing, to=to, note=form.cleaned_data["note"])
    if outcome.ok:
        if to == FilingStatus.FILED:
            messages.success(request, _("Filed. The organization is active with filing number %(number)s.")
                             % {"number": filing.organization.filing_number})
        elif to == FilingStatus.REJECTED:
            messages.success(request, _("The filing was rejected; the applicant sees the reason."))
        else:
            messages.success(request, _("Approved by the community; the street office decides next."))
    return redirect("orgs:filing-detail", filing.pk)
