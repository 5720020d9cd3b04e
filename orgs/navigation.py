"""What the registry plugs into the core (registered in ``OrgsConfig.ready``): sidebar entries and 待办.

The role sets come from ``orgs.permissions`` — the same sets the views check — so what a role may open
and what it sees in the menu cannot drift apart.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import registry
from governance.models.accounts import Role
from governance.registry import TodoItem
from governance.selectors import scope_to_user, user_roles
from orgs import permissions
from orgs.models import (
    AnnualReport,
    ChangeRequestStatus,
    CreditExitApplication,
    CreditExitStatus,
    CreditRecord,
    Filing,
    FilingStatus,
    OrgChangeRequest,
    OrgKind,
    ReportStatus,
)

SECTION = "orgs"
COMMUNITY_REVIEW_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.TENANT_ADMIN})


def register() -> None:
    registry.register_section(SECTION, gettext_lazy("Social organizations"), order=20)
    staff, users = permissions.VIEW_ROLES, permissions.REGISTRY_USER_ROLES
    entries = [
        ("orgs:list", gettext_lazy("Organization registry"), staff, None, ("/orgs/",)),
        ("orgs:filing-list", gettext_lazy("Filings"), users, "orgs.filing", ()),
        ("orgs:report-list", gettext_lazy("Annual reports"), users, "orgs.report", ()),
        ("orgs:campaign-list", gettext_lazy("Annual-report campaigns"), staff, None, ()),
        ("orgs:credit-list", gettext_lazy("Credit lists"), users, "orgs.credit", ()),
        ("orgs:credit-exit-list", gettext_lazy("Applications to leave the serious list"), staff,
         "orgs.credit.exit", ()),
        ("orgs:change-request-list", gettext_lazy("Change requests"), staff, "orgs.change", ()),
        ("orgs:import", gettext_lazy("Import organizations"), None, None, ()),
        ("orgs:portal", gettext_lazy("Our organization"), frozenset({Role.ORG_USER}), "orgs.portal", ()),
        ("orgs:registry-settings", gettext_lazy("Registry settings"), permissions.AUTHORITY_ROLES, None, ()),
    ]
    for order, (url_name, label, roles, badge, match) in enumerate(entries):
        registry.register_nav(section=SECTION, label=label, url_name=url_name, roles=roles, badge=badge,
                              order=order, match=match,
                              visible=permissions.can_import_orgs if url_name == "orgs:import" else None)
    registry.register_todo(todos)


def _count(queryset, user, roles) -> int:
    return scope_to_user(queryset, user, region_field="organization__region", roles=roles).count()


def _pending_change_requests(user) -> int:
    """Pending change requests this user decides (one COUNT): of community groups in the subtree where
    they are staff; of registered organizations only where they are the registration authority."""
    pending = OrgChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING)
    groups = pending.filter(organization__kind=OrgKind.COMMUNITY_GROUP)
    registered = pending.exclude(organization__kind=OrgKind.COMMUNITY_GROUP)
    scope = "organization__region"
    return (scope_to_user(groups, user, region_field=scope, roles=permissions.key_data_roles(registered=False))
            | scope_to_user(registered, user, region_field=scope,
                            roles=permissions.key_data_roles(registered=True))).count()


def todos(user) -> list[TodoItem]:
    """Work waiting for this user in the registry: one COUNT per kind of work the user's roles can do."""
    roles = user_roles(user)
    items: list[TodoItem] = []
    if roles & COMMUNITY_REVIEW_ROLES:
        n = _count(Filing.objects.filter(status=FilingStatus.SUBMITTED), user, COMMUNITY_REVIEW_ROLES)
        items.append(TodoItem("orgs.filing.review", _("%(n)s filings await your community review") % {"n": n},
                              n, reverse("orgs:filing-list") + "?status=submitted", priority=20))
    if roles & permissions.STREET_ROLES:
        n = _count(Filing.objects.filter(status=FilingStatus.COMMUNITY_APPROVED), user, permissions.STREET_ROLES)
        items.append(TodoItem("orgs.filing.approve", _("%(n)s filings await your approval") % {"n": n},
                              n, reverse("orgs:filing-list") + "?status=community_approved", priority=20))
        n = _count(CreditRecord.objects.filter(removed_on__isnull=True, rectification_applied_on__isnull=False,
                                               rectification_verified_on__isnull=True),
                   user, permissions.STREET_ROLES)
        items.append(TodoItem("orgs.credit.verify",
                              _("%(n)s rectification applications await your verification") % {"n": n},
                              n, reverse("orgs:credit-list") + "?active=1", priority=15))
        n = _count(CreditExitApplication.objects.filter(status=CreditExitStatus.PENDING), user,
                   permissions.STREET_ROLES)
        items.append(TodoItem("orgs.credit.exit",
                              _("%(n)s applications to leave the serious list await your decision") % {"n": n},
                              n, reverse("orgs:credit-exit-list") + "?status=pending", priority=15))
    if roles & permissions.EDIT_ROLES:
        n = _count(AnnualReport.objects.filter(status=ReportStatus.SUBMITTED), user, permissions.EDIT_ROLES)
        items.append(TodoItem("orgs.report.review", _("%(n)s annual reports await your review") % {"n": n},
                              n, reverse("orgs:report-list") + "?status=submitted", priority=10))
        n = _pending_change_requests(user)
        items.append(TodoItem("orgs.change.decide", _("%(n)s change requests await your decision") % {"n": n},
                              n, reverse("orgs:change-request-list") + "?status=pending", priority=10))
    if Role.ORG_USER in roles:
        member_of = permissions.member_organization_ids(user)
        reports = AnnualReport.objects.filter(organization_id__in=member_of)
        n = reports.filter(status=ReportStatus.RETURNED).count()
        items.append(TodoItem("orgs.portal.returned", _("%(n)s annual reports were returned for correction")
                              % {"n": n}, n, reverse("orgs:report-list") + "?status=returned", priority=30,
                              level="danger"))
        n = reports.filter(status=ReportStatus.OPEN).count()
        items.append(TodoItem("orgs.portal.open", _("%(n)s annual reports to fill in and submit") % {"n": n},
                              n, reverse("orgs:report-list") + "?status=open", priority=25, level="warning"))
    return items
