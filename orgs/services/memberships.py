"""Memberships: which organization users act for an organization in the portal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError
from governance.models import Role
from governance.selectors import user_roles
from orgs.models import Organization, OrgMembership
from orgs.permissions import can_manage_memberships, forget_memberships


def membership_check(*, actor, user, organization: Organization) -> None:
    """Raise ApplicationError unless ``actor`` may let ``user`` act for ``organization`` (forms check first)."""
    if not can_manage_memberships(actor, organization):
        raise ApplicationError(_("You may not manage the users of this organization."))
    if user.tenant_id != organization.tenant_id:
        raise ApplicationError(_("The user belongs to another tenant."))
    if Role.ORG_USER not in user_roles(user):
        raise ApplicationError(_("The user needs the role “Social organization user”."))


@transaction.atomic
def membership_add(*, actor, user, organization: Organization) -> OrgMembership:
    """Let an organization user act for ``organization`` in the portal."""
    membership_check(actor=actor, user=user, organization=organization)
    membership, created = OrgMembership.objects.get_or_create(
        tenant_id=organization.tenant_id, user=user, organization=organization
    )
    if created:
        audit_record(actor=actor, action="membership.add", obj=membership,
                     changes={"user": user.username, "organization": organization.pk})
    forget_memberships(user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: OrgMembership) -> None:
    if not can_manage_memberships(actor, membership.organization):
        raise ApplicationError(_("You may not manage the users of this organization."))
    audit_record(actor=actor, action="membership.remove", obj=membership,
                 changes={"user": membership.user.username, "organization": membership.organization_id})
    membership.delete()
    forget_memberships(membership.user)
