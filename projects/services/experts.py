"""The expert pool: experts and the relations they declare."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import require_tenant
from orgs.models import ServiceDomain
from orgs.permissions import region_in_jurisdiction
from projects.models import Expert, ExpertRelation
from projects.permissions import PROGRAM_ROLES, can_edit_expert

EXPERT_FIELDS = ("name", "title", "affiliation", "employer", "fields", "phone", "email", "available",
                 "unavailable_until", "note", "user")


def _check_fields(expert: Expert) -> None:
    unknown = [code for code in expert.fields or [] if code not in ServiceDomain.values]
    if unknown or not isinstance(expert.fields, list):
        raise ApplicationError(_("Unknown fields of expertise: %(codes)s.") % {"codes": ", ".join(map(str, unknown))})
    if expert.employer_id and expert.employer.tenant_id != expert.tenant_id:
        raise ApplicationError(_("Unknown employer organization."))
    if expert.user_id and expert.user.tenant_id != expert.tenant_id:
        raise ApplicationError(_("Unknown user account."))


def _duplicate(expert: Expert) -> ConflictError | None:
    same = Expert.objects.filter(tenant_id=expert.tenant_id).exclude(pk=expert.pk)
    if same.filter(region_id=expert.region_id, name=expert.name, phone=expert.phone).exists():
        if expert.phone:
            return ConflictError(_("This pool already has an expert named %(name)s with phone %(phone)s.")
                                 % {"name": expert.name, "phone": expert.phone}, extra={"field": "name"})
        return ConflictError(_("This pool already has an expert named %(name)s: enter a phone number to tell "
                               "two experts of the same name apart.") % {"name": expert.name}, extra={"field": "phone"})
    if expert.user_id and same.filter(user_id=expert.user_id).exists():
        return ConflictError(_("This user account already belongs to another expert."), extra={"field": "user"})
    return None


def _save_unique(expert: Expert, **save_kwargs) -> None:
    """Validate and save; a duplicate (also one saved in parallel, caught by the unique constraints) is a 409."""
    expert.full_clean(validate_constraints=False)
    duplicate = _duplicate(expert)
    if duplicate is not None:
        raise duplicate
    try:
        with transaction.atomic():
            expert.save(**save_kwargs)
    except IntegrityError as exc:
        raise (_duplicate(expert) or ConflictError(_("This expert was just saved by someone else."))) from exc


@transaction.atomic
def expert_create(*, actor, region, **fields) -> Expert:
    tenant = require_tenant()
    unknown = set(fields) - set(EXPERT_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not region_in_jurisdiction(actor, region, PROGRAM_ROLES):
        raise ApplicationError(_("You may not keep an expert pool in this region."))
    expert = Expert(tenant=tenant, region=region, **fields)
    _check_fields(expert)
    _save_unique(expert)
    audit_record(actor=actor, action="expert.create", obj=expert, changes=snapshot(expert, list(EXPERT_FIELDS)))
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, **fields) -> Expert:
    require_tenant(expert.tenant)
    unknown = set(fields) - set(EXPERT_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not can_edit_expert(actor, expert):
        raise ApplicationError(_("You may not change this expert."))
    before = snapshot(expert, list(fields))
    for name, value in fields.items():
        setattr(expert, name, value)
    _check_fields(expert)
    _save_unique(expert, update_fields=list(fields))
    audit_record(actor=actor, action="expert.update", obj=expert, changes=diff(before, snapshot(expert, list(fields))))
    return expert


@transaction.atomic
def relation_declare(*, actor, expert: Expert, organization, kind: str, reason: str) -> ExpertRelation:
    """Staff record, or the expert declares, a relation with an organization (excluded from its reviews)."""
    require_tenant(expert.tenant)
    own = expert.user_id is not None and getattr(actor, "pk", None) == expert.user_id
    if not (own or can_edit_expert(actor, expert)):
        raise ApplicationError(_("You may not declare relations for this expert."))
    if organization.tenant_id != expert.tenant_id:
        raise ApplicationError(_("Unknown organization."))
    relation = ExpertRelation(tenant=expert.tenant, expert=expert, organization=organization, kind=kind,
                              reason=reason.strip(), declared_on=timezone.localdate())
    relation.full_clean(validate_constraints=False)
    duplicate = ConflictError(_("This relation is already declared."))
    if ExpertRelation.objects.filter(expert=expert, organization=organization, kind=kind).exists():
        raise duplicate
    try:
        with transaction.atomic():  # a parallel declaration of the same relation meets the unique constraint
            relation.save()
    except IntegrityError as exc:
        raise duplicate from exc
    audit_record(actor=actor, action="expert.relation_declare", obj=relation,
                 changes={"organization": organization.pk, "kind": kind, "reason": relation.reason})
    return relation


@transaction.atomic
def relation_withdraw(*, actor, relation: ExpertRelation) -> None:
    """The expert (or staff keeping the pool) removes a declared relation; draws already made keep their record."""
    expert = relation.expert
    require_tenant(expert.tenant)
    own = expert.user_id is not None and getattr(actor, "pk", None) == expert.user_id
    if not (own or can_edit_expert(actor, expert)):
        raise ApplicationError(_("You may not remove relations of this expert."))
    audit_record(actor=actor, action="expert.relation_withdraw", obj=relation,
                 changes={"organization": relation.organization_id, "kind": relation.kind, "reason": relation.reason})
    relation.delete()
