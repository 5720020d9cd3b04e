"""Annual report campaign pages (年报工作): progress per year and opening a campaign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from governance.web import SortKey, sort_queryset
from orgs import permissions, selectors, services
from orgs.audit import OrgsAudit
from orgs.exporting import campaign_columns, list_export
from orgs.forms.workflow import CampaignOpenForm
from orgs.models import ReportStatus
from orgs.views.helpers import is_registry_staff, require, service_errors, subnav

CAMPAIGN_SORTS = {
    "year": SortKey(gettext_lazy("Year"), "year"),
    "due": SortKey(gettext_lazy("Due date"), "due_date"),
}


def _campaigns(request) -> tuple[list, object]:
    """The campaigns, sorted, each with the counts of the user's jurisdiction (the page and its export)."""
    queryset, sorting = sort_queryset(request, selectors.campaign_list(user=request.user).select_related("opened_by"),
                                      allowed=CAMPAIGN_SORTS, default="-year")
    campaigns = list(queryset)
    reports = selectors.annual_report_list(user=request.user)
    by_year: dict[int, dict] = {}
    for row in reports.values("year", "status").annotate(n=Count("id")).order_by():
        by_year.setdefault(row["year"], {})[row["status"]] = row["n"]
    overdue = {
        row["year"]: row["n"]
        for row in selectors.annual_report_list(user=request.user, filters={"overdue": "1"})
        .values("year").annotate(n=Count("id")).order_by()
    }
    for campaign in campaigns:
        counts = by_year.get(campaign.year, {})
        campaign.status_counts = [{"code": code, "label": label, "count": counts.get(code, 0)}
                                  for code, label in ReportStatus.choices]
        campaign.total_in_scope = sum(counts.values())
        campaign.overdue_count = overdue.get(campaign.year, 0)
    return campaigns, sorting


def _campaign_page(request, form):
    require(is_registry_staff(request.user))
    campaigns, sorting = _campaigns(request)
    return render(request, "orgs/workflow/campaign_list.html", {
        "campaigns": campaigns, "form": form, "today": timezone.localdate(), "sorting": sorting,
        "can_open": permissions.can_open_campaign(request.user),
        "subnav": subnav(request.user, "orgs:campaign-list"),
    })


@login_required
def campaign_list(request):
    form = CampaignOpenForm() if permissions.can_open_campaign(request.user) else None
    return _campaign_page(request, form)


@login_required
@require_GET
def campaign_export(request):
    """The campaigns with the counts of the user's jurisdiction, as an Excel workbook, audited."""
    require(is_registry_staff(request.user))
    campaigns, sorting = _campaigns(request)
    return list_export(request, rows=campaigns, columns=campaign_columns(), title="年报工作",
                       action=OrgsAudit.CAMPAIGN_EXPORT, filters={"sort": sorting.key},
                       object_repr=_("Annual report campaign export"))


@login_required
@require_POST
def campaign_open(request):
    require(permissions.can_open_campaign(request.user))
    form = CampaignOpenForm(request.POST)
    if form.is_valid():
        year, due_date = form.cleaned_data["year"], form.cleaned_data["due_date"]
        if not request.POST.get("confirm"):
            # Opening reports is not undone: show how many of the user's organizations it covers first.
            return render(request, "orgs/workflow/campaign_confirm.html", {
                "form": form, "year": year, "due_date": due_date,
                "count": selectors.campaign_organizations_missing_report(user=request.user, year=year).count(),
                "subnav": subnav(request.user, "orgs:campaign-list"),
            })
        with service_errors(request, form) as outcome:
            campaign = services.campaign_open(actor=request.user, year=year, due_date=due_date)
        if outcome.ok:
            opened = getattr(campaign, "reports_opened", 0)
            if opened:
                messages.success(request, ngettext(
                    "Campaign %(year)s is open: %(count)d new annual report was opened.",
                    "Campaign %(year)s is open: %(count)d new annual reports were opened.", opened,
                ) % {"year": campaign.year, "count": opened})
            else:
                messages.info(request, _("Campaign %(year)s is already open; every active organization has its "
                                         "report, so no new report was opened.") % {"year": campaign.year})
            if campaign.due_date != due_date:
                messages.info(request, _("The campaign for %(year)s keeps its due date %(date)s.")
                              % {"year": campaign.year, "date": campaign.due_date.isoformat()})
            return redirect("orgs:campaign-list")
    return _campaign_page(request, form)
