"""Who the tender and contract steps notify (governance.notifications); called inside the services.

* a tender opens: the members of the organizations named as likely bidders;
* a bid is submitted or withdrawn: the buyer's staff (street staff and tenant administrators over it);
* a bid is found valid or disqualified: the bidder's members, with the reason;
* a tender is awarded: the winner's members, and every other live bidder's members (not awarded);
* a contract is drawn up and signed: the supplier's members.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.notifications import (
    Message,
    notify,
    notify_many,
    platform_language,
    register_notification_kind,
)
from governance.selectors import users_with_roles_over
from orgs.notifications import members_of
from projects.models import BidStatus
from projects.permissions import PROGRAM_ROLES

TENDER_OPEN = "projects.tender_open"
BID_RECEIVED = "projects.bid_received"
BID_DECIDED = "projects.bid_decided"
AWARD_WON = "projects.award_won"
AWARD_LOST = "projects.award_lost"
CONTRACT_UPDATE = "projects.contract_update"


def register() -> None:
    register_notification_kind(TENDER_OPEN, gettext_lazy("A call for bids is open for your organization"), order=320)
    register_notification_kind(BID_RECEIVED, gettext_lazy("A bid was submitted or withdrawn"), order=321)
    register_notification_kind(BID_DECIDED, gettext_lazy("Your bid was checked"), order=322)
    register_notification_kind(AWARD_WON, gettext_lazy("Your bid won the tender"), order=323)
    register_notification_kind(AWARD_LOST, gettext_lazy("Your bid was not awarded"), order=324)
    register_notification_kind(CONTRACT_UPDATE, gettext_lazy("A service contract of yours changed"), order=325)


def _buyer_staff(tender):
    return users_with_roles_over(tender.region, PROGRAM_ROLES).values_list("pk", flat=True)


def tender_opened(*, tender, actor) -> None:
    org_ids = [org.pk for org in tender.application.likely_bidders.all()]
    if not org_ids:
        return
    members = members_of(org_ids)
    with platform_language():
        title = _("Call for bids “%(title)s” is open until %(date)s") % {
            "title": tender.title, "date": f"{tender.bid_closes:%Y-%m-%d %H:%M}"}
        body = _("Budget %(amount)s yuan.") % {"amount": tender.budget_amount}
    recipients = sorted({user for org_id in org_ids for user in members.get(org_id, [])})
    notify(recipients=recipients, kind=TENDER_OPEN, title=title, body=body,
           url=reverse("projects:portal-call", args=[tender.pk]), obj=tender, actor=actor)


def bid_received(*, bid, actor, withdrawn: bool = False) -> None:
    with platform_language():
        template = (_("%(org)s withdrew its bid for “%(title)s”") if withdrawn
                    else _("%(org)s bid %(price)s yuan for “%(title)s”"))
        title = template % {"org": bid.organization.name, "title": bid.tender.title, "price": bid.price}
    notify(recipients=_buyer_staff(bid.tender), kind=BID_RECEIVED, title=title,
           url=reverse("projects:tender-detail", args=[bid.tender_id]), obj=bid, actor=actor)


def bid_decided(*, bid, actor) -> None:
    with platform_language():
        title = _("Your bid for “%(title)s”: %(status)s") % {"title": bid.tender.title,
                                                            "status": BidStatus(bid.status).label}
    notify(recipients=members_of([bid.organization_id]).get(bid.organization_id, []), kind=BID_DECIDED, title=title,
           body=bid.status_reason, url=reverse("projects:portal-bid", args=[bid.pk]), obj=bid, actor=actor)


def tender_awarded(*, award, losing_bids, actor) -> None:
    """The winner and every losing live bidder, in one call (a constant number of queries)."""
    tender = award.tender
    members = members_of([award.organization_id, *(bid.organization_id for bid in losing_bids)])
    with platform_language():
        won = _("Your bid for “%(title)s” won: %(amount)s yuan") % {"title": tender.title, "amount": award.amount}
        won_body = _("Standstill period until %(date)s; the contract follows.") % {
            "date": award.standstill_ends.isoformat()}
        lost = _("Your bid for “%(title)s” was not awarded") % {"title": tender.title}
        lost_body = _("The tender was awarded to %(org)s (%(reason)s). You may raise a question until %(date)s.") % {
            "org": award.organization.name, "reason": award.reason, "date": award.standstill_ends.isoformat()}
    messages = [Message(recipients=members.get(award.organization_id, []), kind=AWARD_WON, title=won, body=won_body,
                        url=reverse("projects:portal-bid", args=[award.bid_id]), obj=award)]
    messages += [Message(recipients=members.get(bid.organization_id, []), kind=AWARD_LOST, title=lost,
                         body=lost_body, url=reverse("projects:portal-bid", args=[bid.pk]), obj=bid)
                 for bid in losing_bids]
    notify_many(messages, actor=actor)


def contract_changed(*, contract, actor) -> None:
    with platform_language():
        title = _("Service contract %(number)s: %(status)s") % {"number": contract.number,
                                                               "status": contract.get_status_display()}
        body = _("%(amount)s yuan, %(start)s to %(end)s.") % {
            "amount": contract.amount, "start": contract.start_date.isoformat(), "end": contract.end_date.isoformat()}
    notify(recipients=members_of([contract.organization_id]).get(contract.organization_id, []),
           kind=CONTRACT_UPDATE, title=title, body=body,
           url=reverse("projects:portal-contract", args=[contract.pk]), obj=contract, actor=actor)
