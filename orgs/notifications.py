"""Who the registry notifies, and of what (governance.notifications); called by orgs.services.

Each function runs inside the service's transaction: the inbox rows commit with the change, the e-mail
is queued after the commit. Recipients:

* a filing awaits review: community staff over the group's community (submitted), then street staff over
  it (community approved); the decision goes to whoever submitted it;
* a change request awaits a decision: for a registered organization the registration authority (tenant
  administrators over it), for a community group the street and community staff over it;
* an annual report returned, a change request decided, a credit-list entry added or removed (by staff or
  by the daily rules): the organization users of that organization.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models.accounts import Role
from governance.notifications import (
    Message,
    notify,
    notify_many,
    platform_language,
    register_notification_kind,
)
from governance.selectors import users_with_roles_over
from orgs import permissions
from orgs.models import ChangeRequestStatus, CreditList, FilingStatus, Organization, OrgMembership

FILING_TO_REVIEW = "orgs.filing_to_review"
FILING_DECIDED = "orgs.filing_decided"
REPORT_RETURNED = "orgs.report_returned"
CHANGE_REQUEST_TO_DECIDE = "orgs.change_request_to_decide"
CHANGE_REQUEST_DECIDED = "orgs.change_request_decided"
CREDIT_LISTED = "orgs.credit_listed"
CREDIT_REMOVED = "orgs.credit_removed"
CREDIT_EXIT_TO_DECIDE = "orgs.credit_exit_to_decide"
CREDIT_EXIT_REFUSED = "orgs.credit_exit_refused"


def register() -> None:
    register_notification_kind(FILING_TO_REVIEW, gettext_lazy("A filing awaits your review"), order=200)
    register_notification_kind(FILING_DECIDED, gettext_lazy("Your filing application was decided"), order=201)
    register_notification_kind(REPORT_RETURNED, gettext_lazy("Your annual report was returned"), order=210)
    register_notification_kind(CHANGE_REQUEST_TO_DECIDE, gettext_lazy("A change request awaits your decision"),
                               order=219)
    register_notification_kind(CHANGE_REQUEST_DECIDED, gettext_lazy("Your change request was decided"), order=220)
    register_notification_kind(CREDIT_LISTED, gettext_lazy("Your organization was put on a credit list"),
                               order=230)
    register_notification_kind(CREDIT_REMOVED, gettext_lazy("Your organization was removed from a credit list"),
                               order=231)
    register_notification_kind(CREDIT_EXIT_TO_DECIDE,
                               gettext_lazy("An application to leave the serious list awaits your decision"),
                               order=232)
    register_notification_kind(CREDIT_EXIT_REFUSED,
                               gettext_lazy("Your application to leave the serious list was refused"), order=233)


def members_of(organization_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{organization_id: [user ids]}`` of the organizations' users (one query for any number)."""
    members: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in OrgMembership.objects.filter(organization_id__in=set(organization_ids)).values_list(
        "organization_id", "user_id"
    ):
        members[org_id].append(user_id)
    return members


# --- filings ---------------------------------------------------------------------------------


def filing_awaits_review(*, filing, actor) -> None:
    """Submitted → the community's staff; community approved → the street's staff."""
    org = filing.organization
    if filing.status == FilingStatus.SUBMITTED:
        roles, step = {Role.COMMUNITY_STAFF}, _("community review")
    elif filing.status == FilingStatus.COMMUNITY_APPROVED:
        roles, step = {Role.STREET_STAFF}, _("street approval")
    else:
        return
    with platform_language():
        title = _("Filing of “%(name)s” awaits your review") % {"name": org.name}
        body = _("%(region)s · awaiting %(step)s") % {"region": org.region.name, "step": step}
    notify(recipients=users_with_roles_over(org.region, roles).values_list("pk", flat=True),
           kind=FILING_TO_REVIEW, title=title, body=body, url=reverse("orgs:filing-detail", args=[filing.pk]),
           obj=filing, actor=actor)


def filing_decided(*, filing, actor) -> None:
    if filing.submitted_by_id is None or filing.status not in (FilingStatus.FILED, FilingStatus.REJECTED):
        return
    org = filing.organization
    with platform_language():
        if filing.status == FilingStatus.FILED:
            title = _("“%(name)s” is filed") % {"name": org.name}
            body = _("Filing number: %(number)s") % {"number": org.filing_number} if org.filing_number else ""
        else:
            title = _("The filing of “%(name)s” was rejected") % {"name": org.name}
            body = _("Reason: %(reason)s") % {"reason": filing.rejection_reason}
    notify(recipients=[filing.submitted_by_id], kind=FILING_DECIDED, title=title, body=body,
           url=reverse("orgs:filing-detail", args=[filing.pk]), obj=filing, actor=actor)


# --- annual reports and change requests --------------------------------------------------------


def report_returned(*, report, actor) -> None:
    org = report.organization
    with platform_language():
        title = _("Annual report %(year)s of “%(name)s” was returned for correction") % {
            "year": report.year, "name": org.name}
        body = _("Reason: %(reason)s") % {"reason": report.review_note}
    notify(recipients=members_of([org.pk])[org.pk], kind=REPORT_RETURNED, title=title, body=body,
           url=reverse("orgs:report-detail", args=[report.pk]), obj=report, actor=actor)


def change_request_awaits_decision(*, change_request, actor) -> None:
    """A new change request → whoever decides it (orgs.permissions.can_decide_change_request)."""
    org = change_request.organization
    registered = permissions.is_registered(org)
    roles = permissions.key_data_roles(registered=registered)
    if not registered:
        # The city's administrators may decide a group's change too, but its street and community answer for it.
        roles = roles - permissions.AUTHORITY_ROLES
    with platform_language():
        title = _("A change request of “%(name)s” awaits your decision") % {"name": org.name}
        body = _("%(region)s · %(fields)s") % {
            "region": org.region.name,
            "fields": "、".join(str(Organization._meta.get_field(name).verbose_name)
                               for name in change_request.changes),
        }
    notify(recipients=users_with_roles_over(org.region, roles).values_list("pk", flat=True),
           kind=CHANGE_REQUEST_TO_DECIDE, title=title, body=body,
           url=reverse("orgs:change-request-list") + "?status=pending", obj=change_request, actor=actor)


def change_request_decided(*, change_request, actor) -> None:
    org = change_request.organization
    with platform_language():
        if change_request.status == ChangeRequestStatus.APPROVED:
            title = _("Your change request for “%(name)s” was approved") % {"name": org.name}
            body = change_request.decision_note
        else:
            title = _("Your change request for “%(name)s” was rejected") % {"name": org.name}
            body = _("Reason: %(reason)s") % {"reason": change_request.decision_note}
    notify(recipients=members_of([org.pk])[org.pk], kind=CHANGE_REQUEST_DECIDED, title=title, body=body,
           url=reverse("orgs:portal"), obj=change_request, actor=actor)


# --- credit lists ----------------------------------------------------------------------------


def _credit_messages(records, *, kind: str) -> list[Message]:
    records = list(records)
    members = members_of(record.organization_id for record in records)
    url = reverse("orgs:portal")
    messages = []
    with platform_language():
        for record in records:
            org, list_label = record.organization, CreditList(record.list_type).label
            if kind == CREDIT_LISTED:
                title = _("“%(name)s” was put on the %(list)s") % {"name": org.name, "list": list_label}
                body = _("Reason: %(reason)s · listed on %(date)s") % {
                    "reason": record.get_reason_display(), "date": record.listed_on.isoformat()}
            else:
                title = _("“%(name)s” was removed from the %(list)s") % {"name": org.name, "list": list_label}
                body = _("Reason: %(reason)s · removed on %(date)s") % {
                    "reason": record.removal_reason, "date": record.removed_on.isoformat()}
            messages.append(Message(recipients=members.get(record.organization_id, []), kind=kind, title=title,
                                    body=body, url=url, obj=record))
    return messages


def credit_listed(*, records, actor=None) -> None:
    """Entries added (by staff or the daily rules): one query for the members of every organization."""
    notify_many(_credit_messages(records, kind=CREDIT_LISTED), actor=actor)


def credit_removed(*, records, actor=None) -> None:
    notify_many(_credit_messages(records, kind=CREDIT_REMOVED), actor=actor)


# --- leaving the serious list ----------------------------------------------------------------


def credit_exit_to_decide(*, application, actor) -> None:
    """An organization applied to leave the serious list: the street staff (and tenant administrators)
    over it, who decide. An approval reaches the organization as the removal (``credit_removed``)."""
    org = application.organization
    with platform_language():
        title = _("“%(name)s” applies to leave the serious dishonesty list") % {"name": org.name}
        body = _("%(region)s · entry of %(date)s: %(reason)s") % {
            "region": org.region.name, "date": application.record.listed_on.isoformat(),
            "reason": application.record.get_reason_display()}
    recipients = users_with_roles_over(org.region, {Role.STREET_STAFF, Role.TENANT_ADMIN})
    notify(recipients=recipients.values_list("pk", flat=True), kind=CREDIT_EXIT_TO_DECIDE, title=title,
           body=body, url=reverse("orgs:credit-exit-list") + "?status=pending", obj=application, actor=actor)


def credit_exit_refused(*, application, actor) -> None:
    org = application.organization
    with platform_language():
        title = _("The application of “%(name)s” to leave the serious dishonesty list was refused") % {
            "name": org.name}
        body = _("Reason: %(reason)s") % {"reason": application.decision_note}
    notify(recipients=members_of([org.pk])[org.pk], kind=CREDIT_EXIT_REFUSED, title=title, body=body,
           url=reverse("orgs:portal"), obj=application, actor=actor)
