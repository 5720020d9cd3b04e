"""Permission predicates of tenders, bids, awards and contracts: ``(user, obj=None) -> bool``.

Staff act over the tender's (the buyer's) region, the program owner's: street staff and tenant
administrators run tenders and contracts; the applying community and auditors read them. An
organization user acts only for the organizations they are a member of (their bids, their contracts).
Predicates never look at a status: the workflows and services do.
"""

from __future__ import annotations

from orgs.permissions import has_any_role, is_member, is_org_user, region_in_jurisdiction
from projects.permissions import PROGRAM_ROLES, VIEW_ROLES

__all__ = ["can_bid", "can_edit_bid", "can_manage_contract", "can_manage_tender", "can_manage_tenders",
           "can_view_contract", "can_view_tender", "can_view_tenders", "is_org_user"]


def can_view_tenders(user, obj=None) -> bool:
    """Staff lists of tenders, bids, awards, contracts and the risk flags."""
    return has_any_role(user, VIEW_ROLES)


def can_manage_tenders(user, obj=None) -> bool:
    return has_any_role(user, PROGRAM_ROLES)


def can_view_tender(user, tender=None) -> bool:
    return tender is not None and (region_in_jurisdiction(user, tender.region, VIEW_ROLES)
                                   or region_in_jurisdiction(user, tender.application.region, VIEW_ROLES))


def can_manage_tender(user, tender=None) -> bool:
    """Open, qualify and evaluate bids, award, cancel: the buyer (the program owner)."""
    return tender is not None and region_in_jurisdiction(user, tender.region, PROGRAM_ROLES)


def can_bid(user, organization=None) -> bool:
    """An organization user bids for an organization they act for."""
    return organization is not None and is_member(user, organization)


def can_edit_bid(user, bid=None) -> bool:
    return bid is not None and is_member(user, bid.organization)


def can_decide_bid(user, bid=None) -> bool:
    return bid is not None and can_manage_tender(user, bid.tender)


def can_withdraw_bid(user, bid=None) -> bool:
    return can_edit_bid(user, bid)


def can_manage_award(user, award=None) -> bool:
    return award is not None and can_manage_tender(user, award.tender)


def can_view_contract(user, contract=None) -> bool:
    return contract is not None and (region_in_jurisdiction(user, contract.region, VIEW_ROLES)
                                     or region_in_jurisdiction(user, contract.application.region, VIEW_ROLES)
                                     or is_member(user, contract.organization))


def can_manage_contract(user, contract=None) -> bool:
    return contract is not None and region_in_jurisdiction(user, contract.region, PROGRAM_ROLES)
