"""Reads of renewal reviews; every list is scoped, look-ups raise 404 otherwise.

Staff see the reviews of contracts whose buyer region or applying unit lies in their subtree; an
organization user sees only the decided reviews of their own organizations' contracts (the portal).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance.selectors import get_object_for_user_or_404, user_region_paths
from orgs.permissions import is_org_user, member_organization_ids
from projects.models.renewals import Recommendation, RenewalReview, RenewalStatus
from projects.permissions import VIEW_ROLES

RENEWAL_ORDERINGS = ("end_date", "-end_date", "number", "-number", "organization", "-organization")
_ORDER_FIELDS = {"end_date": ("contract__end_date",), "number": ("contract__number",),
                 "organization": ("contract__organization__name_pinyin", "contract__organization__name")}
LIST_RELATED = ("contract__organization", "contract__region")


def _filtered(queryset: QuerySet, filters: dict) -> QuerySet:
    queryset = queryset.select_related(*LIST_RELATED)
    if q := str(filters.get("q") or "").strip()[:100]:
        queryset = queryset.filter(Q(contract__number__icontains=q) | Q(contract__title__icontains=q)
                                   | Q(contract__organization__name__icontains=q))
    if filters.get("status") in RenewalStatus.values:
        queryset = queryset.filter(status=filters["status"])
    if filters.get("recommendation") in Recommendation.values:
        queryset = queryset.filter(recommendation=filters["recommendation"])
    ordering = filters.get("ordering")
    if ordering not in RENEWAL_ORDERINGS:
        ordering = "end_date"
    fields = _ORDER_FIELDS[ordering.removeprefix("-")]
    prefix = "-" if ordering.startswith("-") else ""
    return queryset.order_by(*(prefix + f for f in fields), f"{prefix}id")


def renewal_list(*, user, filters: dict | None = None) -> QuerySet[RenewalReview]:
    """Staff: the reviews of the contracts in the user's subtree."""
    paths = user_region_paths(user, VIEW_ROLES)
    if not paths:
        return RenewalReview.objects.none()
    condition = Q()
    for path in paths:
        condition |= (Q(contract__region__path__startswith=path)
                      | Q(contract__application__region__path__startswith=path))
    return _filtered(RenewalReview.objects.filter(condition), filters or {})


def renewal_get_for_user(*, user, pk) -> RenewalReview:
    return get_object_for_user_or_404(renewal_list(user=user).select_related(
        "evaluation", "decided_by", "next_contract", "new_tender", "contract__application"), pk=pk)


def renewal_for_contract(*, user, contract) -> RenewalReview | None:
    """Staff: the renewal review of ``contract`` when there is one the user may see (the contract page links it)."""
    return (renewal_list(user=user).filter(contract=contract).select_related(None)
            .only("pk", "status", "recommendation").first())


def my_renewal_for_contract(*, user, contract) -> RenewalReview | None:
    """Portal: the decided review of one of the user's organizations' contracts (None while pending)."""
    ids = member_organization_ids(user) if is_org_user(user) else frozenset()
    return (RenewalReview.objects.filter(contract=contract, contract__organization_id__in=ids)
            .exclude(status=RenewalStatus.PENDING).select_related("next_contract", "new_tender").first())


__all__ = ["RENEWAL_ORDERINGS", "my_renewal_for_contract", "renewal_for_contract", "renewal_get_for_user",
           "renewal_list"]
