"""Organization portal of purchased services: open calls with each eligibility rule explained for the
organizations the user acts for, their bids (submit, change, withdraw) and their contracts.

Only organization users open these pages; a bid or contract of another organization is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.views import paginate
from governance.web import service_errors
from orgs import selectors as org_selectors
from orgs.permissions import is_org_user
from projects import selectors_renewals, selectors_tenders
from projects.forms_tenders import BidForm, BreakdownFormSet, NoteForm, breakdown_rows
from projects.models import Bid, BidStatus, Contract
from projects.services import eligibility_many, program_rules
from projects.services import tenders as services
from projects.views.helpers import labels, require
from projects.views.tenders import serve_attachment


def _organizations(request):
    return list(org_selectors.portal_organizations(user=request.user))


@login_required
def portal_calls(request):
    require(is_org_user(request.user))
    page = paginate(request, selectors_tenders.open_calls(user=request.user))
    own = set(selectors_tenders.my_bids(user=request.user).filter(
        tender_id__in=[t.pk for t in page.object_list], status__in=[BidStatus.PENDING, BidStatus.VALID])
        .values_list("tender_id", flat=True))
    for tender in page.object_list:
        tender.has_bid = tender.pk in own
    return render(request, "projects/portal_calls.html", {"page": page})


@login_required
def portal_call(request, pk):
    require(is_org_user(request.user))
    tender = selectors_tenders.open_call_get(user=request.user, pk=pk)
    program = tender.application.program
    organizations = _organizations(request)
    failures = eligibility_many(program=program, organization_ids=[o.pk for o in organizations],
                                on_date=timezone.localdate())
    live = {b.organization_id: b for b in selectors_tenders.my_bids(user=request.user).filter(
        tender=tender, status__in=[BidStatus.PENDING, BidStatus.VALID])}
    for org in organizations:
        org.failures = failures.get(org.pk, [])
        org.bid = live.get(org.pk)
    now = timezone.now()
    return render(request, "projects/portal_call.html", {
        "tender": tender, "program": program, "rules": program_rules(program), "organizations": organizations,
        "indicators": list(tender.application.indicators.all()),
        "open": tender.status == "active" and tender.bid_opens <= now < tender.bid_closes})


def _bid_form(request, *, tender, organization, bid=None):
    initial = {}
    breakdown = []
    if bid is not None:
        initial = {name: getattr(bid, name) for name in ("proposal", "team_size", "team_social_workers",
                                                         "team_description", "price")}
        breakdown = bid.budget_breakdown
    form = BidForm(request.POST or None, request.FILES or None, initial=initial)
    formset = BreakdownFormSet(request.POST or None, prefix="lines", initial=breakdown)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        attachment = data.pop("attachment", None)
        data["budget_breakdown"] = [{**row, "amount": str(row["amount"]) if row["amount"] is not None else None}
                                    for row in breakdown_rows(formset)]
        with service_errors(request, form) as outcome:
            if bid is None:
                bid = services.bid_submit(actor=request.user, tender=tender, organization=organization,
                                          attachments=[attachment] if attachment else [], **data)
            else:
                bid = services.bid_update(actor=request.user, bid=bid,
                                          attachments=[attachment] if attachment else [], **data)
        if outcome.ok:
            messages.success(request, _("Bid saved."))
            return redirect("projects:portal-bid", bid.pk)
    return render(request, "projects/portal_bid_form.html", {"form": form, "formset": formset, "tender": tender,
                                                             "organization": organization, "bid": bid})


@login_required
def portal_bid_create(request, pk, org_pk):
    require(is_org_user(request.user))
    tender = selectors_tenders.open_call_get(user=request.user, pk=pk)
    organization = next((o for o in _organizations(request) if o.pk == org_pk), None)
    require(organization is not None)
    return _bid_form(request, tender=tender, organization=organization)


@login_required
def portal_bids(request):
    require(is_org_user(request.user))
    status = request.GET.get("status", "")
    page = paginate(request, selectors_tenders.my_bids(user=request.user, filters={"status": status}))
    return render(request, "projects/portal_bids.html", {"page": page, "status": status,
                                                         "statuses": BidStatus.choices, "L": labels(Bid)})


@login_required
def portal_bid(request, pk):
    require(is_org_user(request.user))
    bid = selectors_tenders.my_bid_get(user=request.user, pk=pk)
    now = timezone.now()
    editable = bid.status == BidStatus.PENDING and bid.tender.status == "active" and now < bid.tender.bid_closes
    award = bid.awards.exclude(status="cancelled").first()
    return render(request, "projects/portal_bid.html", {
        "bid": bid, "breakdown": selectors_tenders.breakdown_display(bid.budget_breakdown), "editable": editable, "award": award, "L": labels(Bid), "note_form": NoteForm(),
        "withdrawable": bid.status in (BidStatus.PENDING, BidStatus.VALID) and award is None})


@login_required
@require_GET
def portal_bid_attachment(request, pk, attachment_pk):
    require(is_org_user(request.user))
    return serve_attachment(selectors_tenders.my_bid_get(user=request.user, pk=pk), attachment_pk)


@login_required
def portal_bid_edit(request, pk):
    require(is_org_user(request.user))
    bid = selectors_tenders.my_bid_get(user=request.user, pk=pk)
    return _bid_form(request, tender=bid.tender, organization=bid.organization, bid=bid)


@login_required
@require_POST
def portal_bid_withdraw(request, pk):
    require(is_org_user(request.user))
    bid = selectors_tenders.my_bid_get(user=request.user, pk=pk)
    with service_errors(request) as outcome:
        services.bid_withdraw(actor=request.user, bid=bid, note=request.POST.get("note", ""))
    if outcome.ok:
        messages.success(request, _("Bid withdrawn."))
    return redirect("projects:portal-bid", bid.pk)


@login_required
def portal_contracts(request):
    require(is_org_user(request.user))
    page = paginate(request, selectors_tenders.my_contracts(user=request.user))
    return render(request, "projects/portal_contracts.html", {"page": page, "L": labels(Contract)})


@login_required
def portal_contract(request, pk):
    require(is_org_user(request.user))
    contract = selectors_tenders.my_contract_get(user=request.user, pk=pk)
    return render(request, "projects/portal_contract.html", {
        "contract": contract, **selectors_tenders.contract_detail_rows(contract), "L": labels(Contract),
        "renewal": selectors_renewals.my_renewal_for_contract(user=request.user, contract=contract)})
