"""Reads of tenders, bids, awards and contracts; every list is scoped, look-ups raise 404 otherwise.

Staff see a tender, its bids and awards, and a contract when its buyer region (the program owner) or the
applying unit lies in their subtree. An organization user sees the open calls of their tenant and only
their own organizations' bids and contracts. ``risk_flags`` lists the supervision flags of DESIGN.md §8.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import Abs
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.selectors import get_object_for_user_or_404, user_region_paths
from orgs.permissions import is_org_user, member_organization_ids
from projects.models import (
    Award,
    AwardStatus,
    Bid,
    BidEvaluation,
    BidStatus,
    Contract,
    ReviewAssignment,
    Tender,
    TenderStatus,
)
from projects.permissions import PROGRAM_ROLES, VIEW_ROLES

TENDER_ORDERINGS = ("-bid_closes", "bid_closes", "-budget_amount", "budget_amount", "title", "-title")
BID_ORDERINGS = ("-submitted_at", "submitted_at", "price", "-price")
CONTRACT_ORDERINGS = ("-start_date", "start_date", "-amount", "amount", "number", "-number", "end_date")
AWARD_ORDERINGS = ("-decided_at", "decided_at", "-amount", "amount")


def _text(filters: dict, key: str = "q") -> str:
    return (filters.get(key) or "").strip()


def _staff_scope(queryset: QuerySet, user, *, buyer: str, unit: str) -> QuerySet:
    paths = user_region_paths(user, VIEW_ROLES)
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{buyer}__path__startswith": path}) | Q(**{f"{unit}__path__startswith": path})
    return queryset.filter(condition)


def _order(queryset: QuerySet, filters: dict, allowed, default: str) -> QuerySet:
    ordering = filters.get("ordering")
    return queryset.order_by(ordering if ordering in allowed else default, "-id")


# --- staff -----------------------------------------------------------------------------------


def tender_list(*, user, filters: dict | None = None) -> QuerySet[Tender]:
    filters = filters or {}
    queryset = _staff_scope(Tender.objects.all(), user, buyer="region", unit="application__region").select_related(
        "region", "application__program", "application__region").annotate(
        bid_count=Count("bids", filter=Q(bids__status__in=[BidStatus.PENDING, BidStatus.VALID]), distinct=True))
    if q := _text(filters):
        queryset = queryset.filter(Q(title__icontains=q) | Q(ocid__icontains=q) | Q(application__number__icontains=q))
    for key, lookup in (("status", "status"), ("program", "application__program_id"),
                        ("year", "application__program__year")):
        if filters.get(key):
            queryset = queryset.filter(**{lookup: filters[key]})
    return _order(queryset, filters, TENDER_ORDERINGS, "-bid_closes")


def applications_to_tender(*, user, limit: int = 10) -> list:
    """Approved projects without a tender whose program the user runs (社区自治金 excepted: residents decide)."""
    from projects.models import Application, ApplicationStatus, ProgramKind
    from projects.permissions import PROGRAM_ROLES

    paths = user_region_paths(user, PROGRAM_ROLES)
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(program__region__path__startswith=path)
    return list(Application.objects.filter(condition, status=ApplicationStatus.APPROVED, tenders__isnull=True)
                .exclude(program__kind=ProgramKind.SELF_GOVERNANCE_FUND).select_related("region", "program")
                .order_by("-program__year", "number")[:limit])


def tender_get_for_user(*, user, pk) -> Tender:
    return get_object_for_user_or_404(tender_list(user=user), pk=pk)


def breakdown_display(rows) -> list[dict]:
    """A bid's budget breakdown with the category labels, for display."""
    from projects.models import BudgetCategory

    labels = dict(BudgetCategory.choices)
    return [{**row, "label": str(labels.get(row.get("category"), row.get("category")))} for row in rows or []]


def tender_detail_rows(tender: Tender) -> dict:
    """Bids with their evaluations and the awards of one tender (a constant number of queries)."""
    bids = list(Bid.objects.filter(tender=tender).select_related("organization").prefetch_related(
        "attachments", "evaluations").order_by("submitted_at", "id"))
    for bid in bids:
        bid.breakdown_rows = breakdown_display(bid.budget_breakdown)
        scores = [e.total_score for e in bid.evaluations.all()]
        bid.mean_total = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    return {"bids": bids,
            "awards": list(Award.objects.filter(tender=tender).select_related("organization", "bid").order_by("-id"))}


def bid_list(*, user, filters: dict | None = None) -> QuerySet[Bid]:
    filters = filters or {}
    queryset = _staff_scope(Bid.objects.all(), user, buyer="tender__region", unit="tender__application__region")
    queryset = queryset.select_related("tender", "organization").annotate(
        best_total=Max("evaluations__total_score"))
    if q := _text(filters):
        queryset = queryset.filter(Q(organization__name__icontains=q) | Q(tender__title__icontains=q))
    for key, lookup in (("status", "status"), ("tender", "tender_id"), ("organization", "organization_id")):
        if filters.get(key):
            queryset = queryset.filter(**{lookup: filters[key]})
    return _order(queryset, filters, BID_ORDERINGS, "-submitted_at")


def bid_get_for_user(*, user, pk) -> Bid:
    return get_object_for_user_or_404(bid_list(user=user), pk=pk)


def award_list(*, user, filters: dict | None = None) -> QuerySet[Award]:
    filters = filters or {}
    queryset = _staff_scope(Award.objects.all(), user, buyer="tender__region",
                            unit="tender__application__region").select_related("tender", "organization", "bid")
    if q := _text(filters):
        queryset = queryset.filter(Q(organization__name__icontains=q) | Q(tender__title__icontains=q))
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return _order(queryset, filters, AWARD_ORDERINGS, "-decided_at")


def award_get_for_user(*, user, pk) -> Award:
    return get_object_for_user_or_404(award_list(user=user), pk=pk)


def contract_list(*, user, filters: dict | None = None) -> QuerySet[Contract]:
    filters = filters or {}
    queryset = _staff_scope(Contract.objects.all(), user, buyer="region", unit="application__region")
    return _contract_filters(queryset, filters)


def _contract_filters(queryset: QuerySet, filters: dict) -> QuerySet:
    queryset = queryset.select_related("region", "organization", "application__program")
    if q := _text(filters):
        queryset = queryset.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(organization__name__icontains=q))
    for key, lookup in (("status", "status"), ("organization", "organization_id"),
                        ("year", "start_date__year")):
        if filters.get(key):
            queryset = queryset.filter(**{lookup: filters[key]})
    if filters.get("renewal") in ("1", "true", True):
        queryset = queryset.filter(prior_contract__isnull=False)
    return _order(queryset, filters, CONTRACT_ORDERINGS, "-start_date")


def contract_get_for_user(*, user, pk) -> Contract:
    return get_object_for_user_or_404(contract_list(user=user), pk=pk)


def contract_detail_rows(contract: Contract) -> dict:
    return {"indicators": list(contract.indicators.all()),
            "tranches": list(contract.tranches.select_related("depends_on").order_by("sequence")),
            "renewals": list(contract.renewals.order_by("start_date"))}


# --- the organization portal ------------------------------------------------------------------


def open_calls(*, user) -> QuerySet[Tender]:
    """Tenders open for bids now, for organization users of the tenant."""
    if not is_org_user(user):
        return Tender.objects.none()
    now = timezone.now()
    return (Tender.objects.filter(status=TenderStatus.ACTIVE, bid_opens__lte=now, bid_closes__gt=now)
            .select_related("region", "application__program").order_by("bid_closes", "id"))


def open_call_get(*, user, pk) -> Tender:
    """An open call, or a tender the user's organizations bid for (to follow the outcome)."""
    if not is_org_user(user):
        return get_object_for_user_or_404(Tender.objects.none(), pk=pk)
    own = Bid.objects.filter(organization_id__in=member_organization_ids(user)).values("tender_id")
    now = timezone.now()
    queryset = Tender.objects.filter(Q(status=TenderStatus.ACTIVE, bid_opens__lte=now, bid_closes__gt=now)
                                     | Q(pk__in=own)).select_related("region", "application__program")
    return get_object_for_user_or_404(queryset, pk=pk)


def my_bids(*, user, filters: dict | None = None) -> QuerySet[Bid]:
    filters = filters or {}
    ids = member_organization_ids(user) if is_org_user(user) else frozenset()
    queryset = Bid.objects.filter(organization_id__in=ids).select_related("tender", "organization")
    if filters.get("status") in BidStatus.values:
        queryset = queryset.filter(status=filters["status"])
    return queryset.order_by("-submitted_at", "-id")


def my_bid_get(*, user, pk) -> Bid:
    return get_object_for_user_or_404(my_bids(user=user).prefetch_related("attachments"), pk=pk)


def my_contracts(*, user, filters: dict | None = None) -> QuerySet[Contract]:
    ids = member_organization_ids(user) if is_org_user(user) else frozenset()
    return _contract_filters(Contract.objects.filter(organization_id__in=ids), filters or {})


def my_contract_get(*, user, pk) -> Contract:
    return get_object_for_user_or_404(my_contracts(user=user), pk=pk)


# --- risk flags ------------------------------------------------------------------------------


@dataclass
class RiskFlag:
    """One flag; an outlying expert's names the expert and the reviews behind it (``reviews``: dicts with the
    application's id, number, title, the expert's weighted score, the final score, the deviation, the margin)."""

    kind: str
    label: str
    detail: str
    tender: Tender | None = None
    organization_name: str = ""
    expert_id: int | None = None
    expert_name: str = ""
    reviews: list[dict] = field(default_factory=list)


# The kinds of flag (``RiskFlag.kind``) with their labels, for the list's filter.
RISK_KINDS = (("single_bidder", gettext_lazy("Single bidder")), ("price_at_cap", gettext_lazy("Bid price at the cap")),
              ("repeat_winner", gettext_lazy("Same organization wins repeatedly")),
              ("outlying_expert", gettext_lazy("Expert with outlying scores")))
REPEAT_WINS = 3  # the same organization winning this many tenders of one community (applying unit) is flagged
OUTLIER_MIN_APPLICATIONS = 2  # an expert beyond the spread margin on this many applications is flagged


def risk_flags(*, user) -> list[RiskFlag]:
    """Single bidder, repeated winner in one community, bid price at the cap, experts with outlying scores.

    A constant number of queries: tenders with bid counts and the lowest/highest price, awards grouped by
    community and organization, and the submitted expert scores of the visible applications.
    """
    tenders = list(tender_list(user=user).exclude(status=TenderStatus.PLANNING).annotate(
        top_price=Max("bids__price", filter=Q(bids__status__in=[BidStatus.PENDING, BidStatus.VALID]))))
    flags: list[RiskFlag] = []
    now = timezone.now()
    for tender in tenders:
        if tender.bid_closes <= now and tender.bid_count == 1:
            flags.append(RiskFlag("single_bidder", _("Single bidder"),
                                  _("Only one live bid when the window closed."), tender))
        if tender.top_price is not None and tender.top_price >= tender.budget_amount:
            flags.append(RiskFlag("price_at_cap", _("Bid price at the cap"),
                                  _("A bid of %(price)s yuan equals the budget.") % {"price": tender.top_price},
                                  tender))
    wins = (award_list(user=user).filter(status__in=[AwardStatus.PENDING, AwardStatus.ACTIVE])
            .values("tender__application__region__name", "organization__name")
            .annotate(n=Count("id"), first=Min("decided_at__year"), last=Max("decided_at__year"))
            .filter(n__gte=REPEAT_WINS).order_by("-n"))
    for row in wins:
        flags.append(RiskFlag("repeat_winner", _("Same organization wins repeatedly"),
                              _("%(org)s won %(n)s tenders of %(unit)s (%(first)s-%(last)s).") % {
                                  "org": row["organization__name"], "n": row["n"],
                                  "unit": row["tender__application__region__name"], "first": row["first"],
                                  "last": row["last"]}, organization_name=row["organization__name"]))
    flags.extend(outlying_experts(user=user))
    return flags


def outlying_experts(*, user) -> list[RiskFlag]:
    """Experts with outlying scores: on at least ``OUTLIER_MIN_APPLICATIONS`` applications, the expert's weighted
    score lay further from the final (trimmed-mean) score than the program's spread margin (the deviation stored on
    the assignment at aggregation). Applications of programs owned in the user's jurisdiction (the staff who see the
    experts' scores behind the links); one query.
    """
    paths = user_region_paths(user, PROGRAM_ROLES)
    if not paths:
        return []
    owned = Q()
    for path in paths:
        owned |= Q(application__program__region__path__startswith=path)
    rows = (ReviewAssignment.objects.filter(owned, deviation__isnull=False)
            .annotate(off=Abs("deviation")).filter(off__gt=F("application__program__spread_margin"))
            .values("expert_id", "expert__name", "application_id", "application__number", "application__title",
                    "weighted_score", "deviation", "application__final_score", "application__program__spread_margin")
            .order_by("expert__name", "expert_id", "application__number", "application_id"))
    by_expert: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_expert[row["expert_id"]].append(row)
    flags = []
    for expert_id, reviews in by_expert.items():
        if len(reviews) < OUTLIER_MIN_APPLICATIONS:
            continue
        name = reviews[0]["expert__name"]
        flags.append(RiskFlag(
            "outlying_expert", _("Expert with outlying scores"),
            _("%(expert)s scored beyond the program's spread margin from the final score on %(n)s applications.")
            % {"expert": name, "n": len(reviews)},
            expert_id=expert_id, expert_name=name,
            reviews=[{"application": r["application_id"], "number": r["application__number"],
                      "title": r["application__title"], "weighted_score": r["weighted_score"],
                      "final_score": r["application__final_score"], "deviation": r["deviation"],
                      "margin": r["application__program__spread_margin"]} for r in reviews]))
    return flags


def bid_evaluations(bid: Bid) -> list[BidEvaluation]:
    return list(bid.evaluations.select_related("evaluator").order_by("id"))
