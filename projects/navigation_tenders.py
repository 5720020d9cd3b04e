"""What the tender and contract part of projects plugs into the core: menu, 待办, notification kinds,
audit labels and the demo seeder (called from ``ProjectsConfig.ready``).

The role sets are the ones the views check (``projects.permissions``), so menu and access agree.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import registry
from governance.models.accounts import Role
from governance.registry import TodoItem
from governance.selectors import scope_to_user, user_roles
from orgs.permissions import member_organization_ids
from projects import notifications_tenders, permissions
from projects.audit_tenders import TendersAudit
from projects.models import Award, AwardStatus, Bid, BidStatus, Contract, ContractStatus, Tender, TenderStatus

SECTION = "projects"
PORTAL_ROLES = frozenset({Role.ORG_USER})


def register() -> None:
    from projects import workflows_tenders  # noqa: F401  (declares the workflows: admin read-only statuses)
    from projects.demo_tenders import seed_tenders

    staff = permissions.VIEW_ROLES
    entries = [
        ("projects:tender-list", gettext_lazy("Tenders and bids"), staff, "projects.tender", 10),
        ("projects:contract-list", gettext_lazy("Service contracts"), staff, "projects.contract", 11),
        ("projects:risk-list", gettext_lazy("Risk flags"), staff, None, 12),
        ("projects:portal-calls", gettext_lazy("Open calls for bids"), PORTAL_ROLES, "projects.portal.calls", 20),
        ("projects:portal-bids", gettext_lazy("My bids"), PORTAL_ROLES, None, 21),
        ("projects:portal-contracts", gettext_lazy("My service contracts"), PORTAL_ROLES, None, 22),
    ]
    for url_name, label, roles, badge, order in entries:
        registry.register_nav(section=SECTION, label=label, url_name=url_name, roles=roles, badge=badge, order=order)
    registry.register_todo(todos)
    registry.register_audit_actions(TendersAudit)
    notifications_tenders.register()
    registry.register_seeder("projects_tenders", seed_tenders, layer=31,
                             help="tenders, bids, awards and contracts with payment tranches over three years")


def todos(user) -> list[TodoItem]:
    """Bids to check, awards past their standstill period without a contract, contracts to sign; open calls."""
    roles = user_roles(user)
    items: list[TodoItem] = []
    if roles & permissions.PROGRAM_ROLES:
        now = timezone.now()
        pending = Bid.objects.filter(tender=OuterRef("pk"), status=BidStatus.PENDING)
        n = scope_to_user(Tender.objects.filter(status=TenderStatus.ACTIVE, bid_closes__lte=now)
                          .filter(Exists(pending)), user, roles=permissions.PROGRAM_ROLES).count()
        items.append(TodoItem("projects.tender.check", _("%(n)s closed tenders have bids to check") % {"n": n}, n,
                              reverse("projects:tender-list") + "?status=active", priority=18))
        n = scope_to_user(Award.objects.filter(status=AwardStatus.PENDING,
                                               standstill_ends__lte=timezone.localdate()),
                          user, region_field="tender__region", roles=permissions.PROGRAM_ROLES).count()
        items.append(TodoItem("projects.contract.draw", _("%(n)s awards await their contract") % {"n": n}, n,
                              reverse("projects:award-list") + "?status=pending", priority=17))
        n = scope_to_user(Contract.objects.filter(status=ContractStatus.PENDING), user,
                          roles=permissions.PROGRAM_ROLES).count()
        items.append(TodoItem("projects.contract.sign", _("%(n)s contracts await signing") % {"n": n}, n,
                              reverse("projects:contract-list") + "?status=pending", priority=16))
    if Role.ORG_USER in roles:
        now = timezone.now()
        own = Bid.objects.filter(tender=OuterRef("pk"), organization_id__in=member_organization_ids(user),
                                 status__in=[BidStatus.PENDING, BidStatus.VALID])
        n = Tender.objects.filter(status=TenderStatus.ACTIVE, bid_opens__lte=now, bid_closes__gt=now).exclude(
            Exists(own)).count()
        items.append(TodoItem("projects.portal.calls", _("%(n)s calls for bids are open") % {"n": n}, n,
                              reverse("projects:portal-calls"), priority=10))
    return items
