"""The organization portal: direct updates and change requests (变更申请) staff decide."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError
from governance.standards import normalize_uscc
from governance.tenancy import actor_or_none
from governance.workflows import lock_row
from orgs import notifications
from orgs.models import ChangeRequestStatus, Organization, OrgChangeRequest
from orgs.permissions import can_decide_change_request, is_member
from orgs.selectors import pending_change_request
from orgs.services._common import _json, _merge_errors
from orgs.services.organizations import (
    _clean_domains,
    _normalize_org_values,
    _organization_apply,
    _organization_errors,
)
from orgs.workflows import CHANGE_REQUEST_WORKFLOW

# Organization users change these at once in the portal ...
PORTAL_DIRECT_FIELDS = (
    "contact_person", "contact_phone", "email", "address", "staff_fulltime", "staff_social_workers",
    "retired_cadre_leaders", "volunteers", "funding_sources", "domains",
)
# ... and request these, which staff approve (OrgChangeRequest).
PORTAL_KEY_FIELDS = ("name", "legal_representative", "supervising_unit", "established_date", "uscc")


def _key_field_value(name: str, value):
    """The requested value of a key field, converted like the model field would (for comparison)."""
    if name == "uscc":
        return normalize_uscc(value or "") or None
    field = Organization._meta.get_field(name)
    if isinstance(value, str):
        value = value.strip()
    try:
        return field.to_python(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc


@transaction.atomic
def portal_update(*, actor, organization: Organization, domains=None,
                  **fields) -> tuple[Organization, OrgChangeRequest | None]:
    """An organization user updates its own data: contact details at once, key data for approval."""
    if not is_member(actor, organization):
        raise ApplicationError(_("You may not change this organization."))
    allowed = set(PORTAL_DIRECT_FIELDS) | set(PORTAL_KEY_FIELDS)
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed in the portal.")] for name in unknown})
    direct = {name: value for name, value in fields.items() if name in PORTAL_DIRECT_FIELDS}
    requested = {name: _key_field_value(name, value) for name, value in fields.items() if name in PORTAL_KEY_FIELDS}
    # Validate direct and requested values together, so the user sees every problem at once.
    candidate = copy.copy(organization)
    for name, value in {**_normalize_org_values(direct), **requested}.items():
        setattr(candidate, name, value)
    errors = _organization_errors(candidate)
    if domains is not None:
        try:
            _clean_domains(domains)
        except ValidationError as exc:
            _merge_errors(errors, exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _organization_apply(actor=actor, organization=organization, fields=direct, domains=domains,
                        action="organization.portal_update")
    changes = {
        name: [_json(getattr(organization, name)), _json(value)]
        for name, value in requested.items() if value != getattr(organization, name)
    }
    if not changes:
        return organization, None
    change_request = pending_change_request(organization=organization)
    if change_request is not None:
        lock_row(change_request, "changes", "status")
        before = dict(change_request.changes)
        change_request.changes = {**before, **changes}
        change_request.save(update_fields=["changes"])
        audit_record(actor=actor, action="change_request.update", obj=change_request,
                     changes={"changes": [before, change_request.changes]})
    else:
        change_request = OrgChangeRequest(tenant_id=organization.tenant_id, organization=organization,
                                          changes=changes, requested_by=actor_or_none(actor))
        change_request.full_clean()
        change_request.save()
        CHANGE_REQUEST_WORKFLOW.start(obj=change_request, actor=actor, changes={"changes": changes})
        notifications.change_request_awaits_decision(change_request=change_request, actor=actor)
    return organization, change_request


@transaction.atomic
def change_request_decide(*, actor, change_request: OrgChangeRequest, approve: bool,
                          note: str = "") -> OrgChangeRequest:
    """Staff approve (apply the requested values, re-validated) or reject (with a reason) a change."""
    if not can_decide_change_request(actor, change_request):
        raise ApplicationError(_("You may not decide on changes of this organization."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("Please give a reason.")]})
    # The workflow locks the row and refuses a request decided meanwhile; the changes apply after.
    CHANGE_REQUEST_WORKFLOW.transition(
        obj=change_request, actor=actor, note=note,
        to=ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED,
        fields={"decided_by_id": getattr(actor_or_none(actor), "pk", None), "decided_at": timezone.now(),
                "decision_note": note},
    )
    if approve:
        requested = {name: pair[1] for name, pair in change_request.changes.items() if name in PORTAL_KEY_FIELDS}
        organization = lock_row(Organization.unscoped.get(pk=change_request.organization_id))
        _organization_apply(actor=actor, organization=organization, fields=requested)
        change_request.organization = organization
    notifications.change_request_decided(change_request=change_request, actor=actor)
    return change_request
