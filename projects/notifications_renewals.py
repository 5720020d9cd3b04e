"""Who renewal steps and the daily reminders notify (governance.notifications).

* a renewal review is decided: the supplier organization's members, with the decision (and conditions);
* a contract nears its end (the tenant's reminder days before it): the buyer's staff and the supplier's members;
* an evaluation is due (its mid-term or final report's due date has passed) and not yet published: the buyer's
  staff, who enter the expert scores and publish it.

Progress reports have their own reminders (``notifications_reports.reports_due``, from ``reports_daily``).
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
from projects.permissions import PROGRAM_ROLES

RENEWAL_DECIDED = "projects.renewal_decided"
CONTRACT_EXPIRING = "projects.contract_expiring"
EVALUATION_DUE = "projects.evaluation_due"


def register() -> None:
    register_notification_kind(RENEWAL_DECIDED, gettext_lazy("The renewal of your contract was decided"), order=350)
    register_notification_kind(CONTRACT_EXPIRING, gettext_lazy("A service contract is about to end"), order=351)
    register_notification_kind(EVALUATION_DUE, gettext_lazy("An evaluation is due"), order=352)


def renewal_decided(*, review, actor) -> None:
    contract = review.contract
    with platform_language():
        title = _("Renewal of contract %(number)s: %(decision)s") % {
            "number": contract.number, "decision": review.get_status_display()}
        body = review.conditions or review.decision_note
    notify(recipients=members_of([contract.organization_id]).get(contract.organization_id, []),
           kind=RENEWAL_DECIDED, title=title, body=body,
           url=reverse("projects:portal-contract", args=[contract.pk]), obj=review, actor=actor)


class _StaffOf:
    """The buyer's staff per region, one query per region (not per contract)."""

    def __init__(self):
        self.cache: dict[int, list[int]] = {}

    def __call__(self, region) -> list[int]:
        if region.pk not in self.cache:
            self.cache[region.pk] = list(users_with_roles_over(region, PROGRAM_ROLES).values_list("pk", flat=True))
        return self.cache[region.pk]


def reminders(*, expiring: list, evaluations_due: list) -> None:
    """The reminders of one daily run, in one batch: ``expiring`` contracts, ``evaluations_due`` as
    (contract, kind, due date) tuples."""
    staff = _StaffOf()
    members = members_of({c.organization_id for c in expiring})
    messages = []
    with platform_language():
        for contract in expiring:
            title = _("Service contract %(number)s ends on %(date)s") % {
                "number": contract.number, "date": contract.end_date.isoformat()}
            messages.append(Message(recipients=staff(contract.region), kind=CONTRACT_EXPIRING, title=title,
                                    url=reverse("projects:contract-detail", args=[contract.pk]), obj=contract))
            if members.get(contract.organization_id):
                messages.append(Message(recipients=members[contract.organization_id], kind=CONTRACT_EXPIRING,
                                        title=title, url=reverse("projects:portal-contract", args=[contract.pk]),
                                        obj=contract))
        kinds = {"midterm": _("mid-term evaluation"), "final": _("final evaluation")}
        for contract, kind, due in evaluations_due:
            title = _("The %(kind)s of contract %(number)s is due (report due %(date)s)") % {
                "kind": kinds.get(kind, kind), "number": contract.number, "date": due.isoformat()}
            messages.append(Message(recipients=staff(contract.region), kind=EVALUATION_DUE, title=title,
                                    url=reverse("projects:contract-detail", args=[contract.pk]), obj=contract))
    if messages:
        notify_many(messages, actor=None)
