"""Funding programs and review templates."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from orgs.permissions import region_in_jurisdiction
from projects.models import FundingProgram, ProgramStatus, ReviewCriterion, ReviewTemplate
from projects.permissions import PROGRAM_ROLES, can_edit_program, can_manage_programs
from projects.services._common import clean_rows, reject_unknown, weights_sum_to_100
from projects.workflows_programs import EARLY_CLOSE_FROM, PROGRAM_WORKFLOW

PROGRAM_FIELDS = (
    "name", "kind", "year", "description", "budget_pool", "cap_per_application", "application_opens",
    "application_closes", "review_opens", "review_closes", "review_template", "experts_per_application",
    "spread_margin", "pass_score", "min_grade", "require_not_credit_listed", "require_active",
    "min_years_registered", "min_last_conclusion",
)
CRITERION_FIELDS = ("name", "weight", "min_score", "max_score", "guidance", "allow_not_applicable")


@transaction.atomic
def review_template_save(*, actor, name: str, description: str = "", criteria: list[dict],
                         template: ReviewTemplate | None = None) -> ReviewTemplate:
    """Create a template, or replace its criteria (only while no program under review uses it)."""
    tenant = require_tenant()
    if not can_manage_programs(actor):
        raise ApplicationError(_("You may not edit review templates."))
    if not criteria:
        raise ApplicationError(_("A review template needs at least one criterion."))
    for row in criteria:
        reject_unknown(row, CRITERION_FIELDS)
    weights_sum_to_100([row.get("weight") or 0 for row in criteria], what=_("criterion weights"))
    if template is None:
        template = ReviewTemplate(tenant=tenant, created_by=actor_or_none(actor))
    elif review_template_in_use(template):
        raise ApplicationError(_("Experts have already been drawn with this template; copy it instead."))
    template.name, template.description = name, description
    template.full_clean()
    template.save()
    template.criteria.all().delete()
    rows = [ReviewCriterion(tenant=tenant, template=template, position=i, **row) for i, row in enumerate(criteria)]
    clean_rows(rows, prefix="criteria", exclude=["template"])
    ReviewCriterion.objects.bulk_create(rows)
    audit_record(actor=actor, action="review_template.save", obj=template,
                 changes={"criteria": [[r.name, str(r.weight)] for r in rows]})
    return template


def review_template_in_use(template: ReviewTemplate) -> bool:
    """Experts were drawn with it: changing its criteria would change finished or running reviews."""
    return template.programs.filter(applications__assignments__isnull=False).exists()


@transaction.atomic
def review_template_copy(*, actor, template: ReviewTemplate) -> ReviewTemplate:
    """A new version of a template (its criteria copied) that can be edited while the original stays in use."""
    require_tenant(template.tenant)
    taken = set(ReviewTemplate.objects.filter(name__startswith=template.name).values_list("name", flat=True))
    version = 2
    while f"{template.name} v{version}" in taken:
        version += 1
    criteria = [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in template.criteria.all()]
    copy = review_template_save(actor=actor, name=f"{template.name} v{version}"[:200],
                                description=template.description, criteria=criteria)
    audit_record(actor=actor, action="review_template.copy", obj=copy, changes={"copied_from": template.pk})
    return copy


def _check_program(actor, program: FundingProgram) -> None:
    if not region_in_jurisdiction(actor, program.region, PROGRAM_ROLES):
        raise ApplicationError(_("You may not run programs in this region."))
    if program.review_template_id and program.review_template.tenant_id != program.tenant_id:
        raise ApplicationError(_("Unknown review template."))


@transaction.atomic
def program_create(*, actor, region, status: str = ProgramStatus.DRAFT, **fields) -> FundingProgram:
    """A new call starts as a draft, or open for applications at once; later steps go through the workflow."""
    tenant = require_tenant()
    reject_unknown(fields, PROGRAM_FIELDS)
    if status not in (ProgramStatus.DRAFT, ProgramStatus.OPEN):
        raise ApplicationError(_("A new program starts as a draft or open for applications."),
                               extra={"field": "status"})
    program = FundingProgram(tenant=tenant, region=region, status=status, created_by=actor_or_none(actor), **fields)
    _check_program(actor, program)
    program.full_clean()
    try:
        with transaction.atomic():  # a parallel double submission meets the unique name constraint
            program.save()
    except IntegrityError as exc:
        raise ConflictError(_("A program of this name already exists for this region and year."),
                            extra={"field": "name"}) from exc
    audit_record(actor=actor, action="program.create", obj=program, changes=snapshot(program, list(PROGRAM_FIELDS)))
    PROGRAM_WORKFLOW.start(obj=program, actor=actor)
    return program


@transaction.atomic
def program_transition(*, actor, program: FundingProgram, to: str, note: str = "") -> FundingProgram:
    """Move the program one step (draft → open → under review → closed); closing before review needs a reason."""
    require_tenant(program.tenant)
    if to == ProgramStatus.CLOSED and program.status in EARLY_CLOSE_FROM and not note.strip():
        raise ApplicationError(_("Please give a reason for closing the program before its review."),
                               extra={"field": "note"})
    PROGRAM_WORKFLOW.transition(obj=program, to=to, actor=actor, note=note)
    return program


@transaction.atomic
def program_update(*, actor, program: FundingProgram, **fields) -> FundingProgram:
    require_tenant(program.tenant)
    reject_unknown(fields, PROGRAM_FIELDS)
    if not can_edit_program(actor, program):
        raise ApplicationError(_("You may not change this program."))
    before = snapshot(program, list(fields))
    if "budget_pool" in fields:
        approved = sum(program.applications.filter(approved_amount__isnull=False)
                       .values_list("approved_amount", flat=True), Decimal(0))
        if Decimal(fields["budget_pool"]) < approved:
            raise ApplicationError(_("The budget pool cannot be less than the %(amount)s yuan already approved.")
                                   % {"amount": approved})
    for name, value in fields.items():
        setattr(program, name, value)
    _check_program(actor, program)
    program.full_clean()
    program.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action="program.update", obj=program, changes=diff(before, snapshot(program, list(fields))))
    return program
