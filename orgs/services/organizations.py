"""Organizations: registration, data changes, status and Party coverage."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.pinyin import pinyin_sort_key
from governance.standards import normalize_uscc
from governance.tenancy import all_tenants
from orgs.models import (
    FundingSource,
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgStatus,
    PartyCoverage,
    ServiceDomain,
)
from orgs.permissions import (
    EDIT_ROLES,
    can_change_key_data,
    can_change_org_status,
    can_create_org,
    can_edit_org,
    can_set_party_coverage,
    key_data_roles,
    region_in_jurisdiction,
)
from orgs.services._common import _merge_errors, _reject_unknown_fields, _required_text
from orgs.validation import identity_errors

# Fields staff set when registering an organization (party_coverage belongs to the party app).
ORGANIZATION_FIELDS = (
    "name", "kind", "uscc", "filing_number", "legal_representative", "contact_person", "contact_phone", "email",
    "address", "established_date", "registered_date", "supervising_unit", "status", "staff_fulltime",
    "staff_social_workers", "retired_cadre_leaders", "volunteers", "funding_sources",
)
# Status changes go through organization_set_status (reason required) or the filing workflow.
ORGANIZATION_UPDATE_FIELDS = tuple(f for f in ORGANIZATION_FIELDS if f != "status") + ("region",)

# Key data (登记事项): of a registered organization only the registration authority changes these
# (permissions.can_change_key_data); an organization user requests them (orgs.services.portal).
KEY_DATA_FIELDS = (
    "name", "kind", "uscc", "filing_number", "legal_representative", "established_date", "registered_date",
    "supervising_unit", "region",
)

# Statuses staff set by hand; pending/rejected belong to the filing workflow.
MANUAL_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED)


def _normalize_org_values(values: dict) -> dict:
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    if "uscc" in values:
        values["uscc"] = normalize_uscc(values["uscc"] or "") or None
    if "filing_number" in values:
        values["filing_number"] = values["filing_number"] or ""
    if "funding_sources" in values and values["funding_sources"] is not None:
        sources = values["funding_sources"]
        values["funding_sources"] = list(dict.fromkeys([sources] if isinstance(sources, str) else sources))
    return values


def _clean_domains(domains) -> list[str]:
    codes = list(dict.fromkeys([domains] if isinstance(domains, str) else (domains or ())))
    unknown = [code for code in codes if code not in ServiceDomain.values]
    if unknown:
        raise ValidationError({"domains": [_("Unknown service domain: %(code)s.") % {"code": code}
                                           for code in unknown]})
    return sorted(codes)


def _uscc_taken(org: Organization) -> bool:
    """Is the credit code used by another organization of ANY tenant?

    The one deliberate cross-tenant read of the registry: row-level security hides other tenants'
    rows from the tenant's own scope, so the check runs in the explicit all-tenants scope.
    """
    with all_tenants():
        return Organization.objects.filter(uscc=org.uscc).exclude(pk=org.pk).exists()


def _organization_errors(org: Organization) -> dict[str, list[str]]:
    """Every field problem of ``org`` as it stands in memory (identity, uniqueness, model rules)."""
    errors: dict[str, list[str]] = {}
    identity = identity_errors(kind=org.kind, uscc=org.uscc, filing_number=org.filing_number)
    waived: dict[str, list[str]] = {}
    if org.status in (OrgStatus.PENDING, OrgStatus.REJECTED):
        # A filing gets its number when the street approves it, so none is needed before. The model's
        # clean() applies the same identity rules and reports this one too: it is waived there as well.
        waived["filing_number"] = identity.pop("filing_number", [])
    _merge_errors(errors, identity)
    today = timezone.localdate()
    for name in ("established_date", "registered_date"):
        value = getattr(org, name)
        if isinstance(value, datetime.date) and value > today:
            errors.setdefault(name, []).append(_("The date cannot be in the future."))
    sources = org.funding_sources
    if not isinstance(sources, list) or any(source not in FundingSource.values for source in sources):
        errors.setdefault("funding_sources", []).append(
            _("Choose funding sources from: %(choices)s.") % {"choices": ", ".join(FundingSource.values)}
        )
    # The credit code is a national identifier: unique across all tenants, so look at every tenant.
    if org.uscc and "uscc" not in errors and _uscc_taken(org):
        errors["uscc"] = [_("This credit code is already registered.")]
    if org.filing_number and Organization.unscoped.filter(
        tenant_id=org.tenant_id, filing_number=org.filing_number
    ).exclude(pk=org.pk).exists():
        errors.setdefault("filing_number", []).append(_("This filing number is already in use."))
    try:
        # The two unique constraints were checked above, across tenants where it matters.
        org.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            kept = [m for m in messages if m not in waived.get(name, [])]
            if kept:
                _merge_errors(errors, {name: kept})
    return errors


def _validate_organization(org: Organization) -> None:
    errors = _organization_errors(org)
    if errors:
        raise ValidationError(errors)


def pending_name_conflict(name: str) -> ConflictError:
    return ConflictError(_("A filing for “%(name)s” is already under review.") % {"name": name})


def _pending_name_taken(org: Organization) -> bool:
    return org.status == OrgStatus.PENDING and Organization.unscoped.filter(
        tenant_id=org.tenant_id, name=org.name, status=OrgStatus.PENDING
    ).exclude(pk=org.pk).exists()


def _save_organization(org: Organization, **save_kwargs) -> None:
    """Save, turning a lost race on a unique code or name into the same error as the check."""
    org.name_pinyin = pinyin_sort_key(org.name)  # the lists' sort key goes with the name
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and "name" in update_fields:
        save_kwargs["update_fields"] = [*update_fields, "name_pinyin"]
    try:
        with transaction.atomic():
            org.save(**save_kwargs)
    except IntegrityError as exc:
        if _pending_name_taken(org):
            raise pending_name_conflict(org.name) from exc
        if org.uscc and _uscc_taken(org):
            raise ValidationError({"uscc": [_("This credit code is already registered.")]}) from exc
        if org.filing_number and Organization.unscoped.filter(
            tenant_id=org.tenant_id, filing_number=org.filing_number
        ).exclude(pk=org.pk).exists():
            raise ValidationError({"filing_number": [_("This filing number is already in use.")]}) from exc
        raise


def _set_domains(org: Organization, codes: list[str]) -> list[str]:
    """Replace the organization's service domains; returns the previous codes."""
    before = sorted(OrganizationDomain.objects.filter(organization=org).values_list("domain", flat=True))
    if before != codes:
        OrganizationDomain.objects.filter(organization=org).exclude(domain__in=codes).delete()
        OrganizationDomain.objects.bulk_create([
            OrganizationDomain(tenant_id=org.tenant_id, organization=org, domain=code)
            for code in codes if code not in before
        ])
    # A list page may have prefetched the old rows onto this instance.
    getattr(org, "_prefetched_objects_cache", {}).pop("domains", None)
    return before


def _organization_apply(*, actor, organization: Organization, fields: dict, domains=None,
                        action: str = "organization.update") -> dict:
    """Apply ``fields`` (and ``domains``) to ``organization``: validate, save changed fields, audit.

    Returns the audited changes. On any error the in-memory instance is restored.
    """
    values = _normalize_org_values(fields)
    codes = _clean_domains(domains) if domains is not None else None
    names = list(values)
    before = snapshot(organization, names)
    previous = {name: getattr(organization, name) for name in names}
    try:
        for name, value in values.items():
            setattr(organization, name, value)
        _validate_organization(organization)
        changes = diff(before, snapshot(organization, names))
        if changes:
            _save_organization(organization, update_fields=[*changes, "updated_at"])
    except Exception:
        for name, value in previous.items():
            setattr(organization, name, value)
        raise
    if codes is not None:
        old_codes = _set_domains(organization, codes)
        if old_codes != codes:
            changes["domains"] = [old_codes, codes]
    if changes:
        audit_record(actor=actor, action=action, obj=organization, changes=changes)
    return changes


def _build_organization(*, region, domains, values: dict) -> tuple[Organization, list[str]]:
    codes = _clean_domains(domains)
    org = Organization(tenant_id=region.tenant_id, region=region, **_normalize_org_values(values))
    _validate_organization(org)
    _save_organization(org)
    OrganizationDomain.objects.bulk_create(
        [OrganizationDomain(tenant_id=org.tenant_id, organization=org, domain=code) for code in codes]
    )
    return org, codes


@transaction.atomic
def organization_create(*, actor, region, domains=(), **fields) -> Organization:
    """Register an organization in ``region`` (which must lie in the actor's jurisdiction)."""
    _reject_unknown_fields(fields, ORGANIZATION_FIELDS)
    if not can_create_org(actor) or not region_in_jurisdiction(actor, region, EDIT_ROLES):
        raise ApplicationError(_("You may not register organizations in this region."))
    if fields.get("status", OrgStatus.ACTIVE) not in MANUAL_STATUSES:
        # Pending and rejected belong to the filing workflow: a pending organization without a filing
        # could never leave pending (issue 7). Community groups apply through filing_submit.
        raise ValidationError({"status": [_("Choose one of: %(choices)s.") % {
            "choices": ", ".join(str(OrgStatus(s).label) for s in MANUAL_STATUSES)}]})
    org, codes = _build_organization(region=region, domains=domains, values=fields)
    audit_record(actor=actor, action="organization.create", obj=org, changes={**snapshot(org), "domains": codes})
    return org


@transaction.atomic
def organization_update(*, actor, organization: Organization, domains=None, **fields) -> Organization:
    """Change an organization's data (not its status: see ``organization_set_status``)."""
    _reject_unknown_fields(fields, ORGANIZATION_UPDATE_FIELDS)
    if not can_edit_org(actor, organization):
        raise ApplicationError(_("You may not change this organization."))
    new_region = fields.get("region")
    if (new_region is not None and new_region.pk != organization.region_id
            and not region_in_jurisdiction(actor, new_region, EDIT_ROLES)):
        raise ApplicationError(_("You may not move the organization to this region."))
    changed = _changed_key_data(organization, fields)
    if changed and not _may_change_key_data(actor, organization, fields.get("kind")):
        raise ApplicationError(_("Only the registration authority may change the registration data of a "
                                 "registered organization: %(fields)s.") % {
            "fields": "、".join(str(Organization._meta.get_field(name).verbose_name) for name in changed)})
    _organization_apply(actor=actor, organization=organization, fields=fields, domains=domains)
    return organization


def _changed_key_data(organization: Organization, fields: dict) -> list[str]:
    """The key-data fields whose value in ``fields`` differs from the organization's (as the model reads it)."""
    values = _normalize_org_values({name: fields[name] for name in KEY_DATA_FIELDS if name in fields})
    changed = []
    for name, value in values.items():
        if name == "region":
            differs = getattr(value, "pk", value) != organization.region_id
        else:
            try:
                differs = Organization._meta.get_field(name).to_python(value) != getattr(organization, name)
            except ValidationError:
                differs = True  # not a valid value: certainly not the current one
        if differs:
            changed.append(name)
    return changed


def _may_change_key_data(actor, organization: Organization, new_kind) -> bool:
    """Staff of the subtree for a community group; the authority when it is or becomes a registered one."""
    if not can_change_key_data(actor, organization):
        return False
    if new_kind is None or new_kind == organization.kind:
        return True
    return region_in_jurisdiction(actor, organization.region,
                                  key_data_roles(registered=new_kind != OrgKind.COMMUNITY_GROUP))


@transaction.atomic
def organization_set_status(*, actor, organization: Organization, status: str, note: str) -> Organization:
    """Suspend, reactivate, deregister or revoke an organization (ORGANIZATION_WORKFLOW), reason recorded."""
    from orgs.workflows import ORGANIZATION_WORKFLOW

    if not can_change_org_status(actor, organization):
        raise ApplicationError(_("You may not change the status of this organization."))
    if status not in MANUAL_STATUSES:
        raise ValidationError({"status": [_("Choose one of: %(choices)s.")
                                          % {"choices": ", ".join(str(OrgStatus(s).label) for s in MANUAL_STATUSES)}]})
    note = _required_text(note, "note")
    ORGANIZATION_WORKFLOW.transition(obj=organization, to=status, actor=actor, note=note)
    return organization


@transaction.atomic
def organization_set_party_coverage(*, actor, organization: Organization, coverage: str) -> Organization:
    """Record how the organization is covered by Party organizations (written by the party app)."""
    if actor is not None and not can_set_party_coverage(actor, organization):
        raise ApplicationError(_("You may not change the Party coverage of this organization."))
    if coverage not in PartyCoverage.values:
        raise ValidationError({"party_coverage": [_("Unknown Party coverage: %(v)s.") % {"v": coverage}]})
    if organization.party_coverage == coverage:
        return organization
    before = organization.party_coverage
    organization.party_coverage = coverage
    organization.save(update_fields=["party_coverage", "updated_at"])
    audit_record(actor=actor, action="organization.set_party_coverage", obj=organization,
                 changes={"party_coverage": [before, coverage]})
    return organization
