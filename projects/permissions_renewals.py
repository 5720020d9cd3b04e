"""Permission predicates of renewal reviews: ``(user, obj=None) -> bool`` (never looking at a status).

The buyer's staff (who manage the contract) decide a review; whoever may see the contract reads it; the
supplier organization's members read the decision on their contract in the portal.
"""

from __future__ import annotations

from orgs.permissions import is_member
from projects.permissions import PROGRAM_ROLES, VIEW_ROLES
from projects.permissions_tenders import can_manage_contract, can_view_contract, can_view_tenders


def can_view_renewals(user, obj=None) -> bool:
    return can_view_tenders(user)


def can_view_renewal(user, review=None) -> bool:
    return review is not None and can_view_contract(user, review.contract)


def can_decide_renewal(user, review=None) -> bool:
    return review is not None and can_manage_contract(user, review.contract)


def is_supplier_member(user, review=None) -> bool:
    return review is not None and is_member(user, review.contract.organization)


__all__ = ["PROGRAM_ROLES", "VIEW_ROLES", "can_decide_renewal", "can_view_renewal", "can_view_renewals",
           "is_supplier_member"]
