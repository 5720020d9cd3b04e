"""Filings (备案) of community groups: submission and the street's decision."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, snapshot
from governance.exceptions import ApplicationError
from governance.models import Role
from governance.tenancy import actor_or_none
from governance.workflows import lock_row
from orgs import notifications
from orgs.models import Filing, FilingStatus, Organization, OrgKind, OrgMembership, OrgStatus
from orgs.permissions import (
    EDIT_ROLES,
    can_submit_filing,
    forget_memberships,
    is_org_user,
    region_in_jurisdiction,
)
from orgs.services._common import _reject_unknown_fields
from orgs.services.numbering import filing_numbers_reserve, street_code
from orgs.services.organizations import _build_organization, pending_name_conflict
from orgs.workflows import FILING_WORKFLOW, ORGANIZATION_WORKFLOW

# A filing applicant describes the group; kind, status, dates and number are the office's to set.
FILING_FIELDS = (
    "name", "uscc", "legal_representative", "contact_person", "contact_phone", "email", "address",
    "established_date", "supervising_unit", "staff_fulltime", "staff_social_workers", "retired_cadre_leaders",
    "volunteers", "funding_sources",
)


@transaction.atomic
def filing_submit(*, actor, region, domains=(), **fields) -> Filing:
    """Apply for the filing of a community group: a pending organization plus its Filing."""
    _reject_unknown_fields(fields, FILING_FIELDS)
    if not can_submit_filing(actor) or not region_in_jurisdiction(actor, region, EDIT_ROLES | {Role.ORG_USER}):
        raise ApplicationError(_("You may not submit a filing in this region."))
    name = (fields.get("name") or "").strip()
    # Filings in one region queue behind each other; the unique constraint catches the rest.
    lock_row(region)
    if name and Organization.objects.filter(name=name, status=OrgStatus.PENDING).exists():
        raise pending_name_conflict(name)
    org, codes = _build_organization(
        region=region, domains=domains,
        values={**fields, "kind": OrgKind.COMMUNITY_GROUP, "status": OrgStatus.PENDING},
    )
    filing = Filing(tenant_id=org.tenant_id, organization=org, status=FilingStatus.SUBMITTED,
                    submitted_by=actor_or_none(actor))
    filing.full_clean()
    filing.save()
    audit_record(actor=actor, action="organization.create", obj=org, changes={**snapshot(org), "domains": codes})
    FILING_WORKFLOW.start(obj=filing, actor=actor, changes=snapshot(filing))
    if is_org_user(actor):
        membership = OrgMembership.objects.create(tenant_id=org.tenant_id, user=actor, organization=org)
        audit_record(actor=actor, action="membership.add", obj=membership,
                     changes={"user": actor.username, "organization": org.pk})
        forget_memberships(actor)
    notifications.filing_awaits_review(filing=filing, actor=actor)
    return filing


def filing_number_next(org: Organization, year: int) -> str:
    """The next filing number of the tenant's format for ``org`` (locks the tenant's counter of the year)."""
    return filing_numbers_reserve(tenant=org.tenant, year=year, streets=[street_code(org.region)])[0]


@transaction.atomic
def filing_transition(*, actor, filing: Filing, to: str, note: str = "") -> Filing:
    """Move a filing through FILING_WORKFLOW; filing or rejecting also decides the organization."""
    fields: dict = {}
    if to in (FilingStatus.FILED, FilingStatus.REJECTED):
        fields["decided_at"] = timezone.now()
    if to == FilingStatus.REJECTED:
        fields["rejection_reason"] = (note or "").strip()
    FILING_WORKFLOW.transition(obj=filing, to=to, actor=actor, note=note or "", fields=fields)
    if to not in (FilingStatus.FILED, FilingStatus.REJECTED):
        notifications.filing_awaits_review(filing=filing, actor=actor)  # now the street's turn
        return filing
    org = Organization.unscoped.get(pk=filing.organization_id)
    if to == FilingStatus.FILED:
        today = timezone.localdate()
        fields = {"registered_date": today}
        if not org.filing_number:
            # The tenant's counter stays locked until the commit: parallel approvals queue for their numbers.
            fields["filing_number"] = filing_number_next(org, today.year)
        ORGANIZATION_WORKFLOW.transition(obj=org, to=OrgStatus.ACTIVE, actor=actor, fields=fields)
    else:
        ORGANIZATION_WORKFLOW.transition(obj=org, to=OrgStatus.REJECTED, actor=actor, note=note or "")
    filing.organization = org
    notifications.filing_decided(filing=filing, actor=actor)
    return filing
