"""Applications (项目申报): drafting with budget lines and task book, submission, decisions, consultations."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row
from orgs.permissions import region_in_jurisdiction
from projects import notifications
from projects.models import (
    Aggregation,
    Application,
    ApplicationCosigner,
    ApplicationStatus,
    BudgetLine,
    ConsultationOutcome,
    Indicator,
    ProgramStatus,
    ResidentConsultation,
)
from projects.permissions import APPLY_ROLES, can_decide_application, can_edit_application
from projects.services._common import clean_rows, reject_unknown, weights_sum_to_100
from projects.services.eligibility import eligibility_explain
from projects.workflows import APPLICATION_WORKFLOW

APPLICATION_FIELDS = ("title", "need_statement", "target_groups", "beneficiaries", "service_period_months",
                      "applicant_organization")
LINE_FIELDS = ("category", "amount", "rationale")
INDICATOR_FIELDS = ("name", "kind", "unit", "baseline", "target", "weight", "direction", "aggregation",
                    "verification")
COSIGNER_FIELDS = ("name", "capacity", "signed_on")
EDITABLE = {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED}
MAX_COSIGNERS = 30


def _check_cap(program, lines: list[BudgetLine]) -> Decimal:
    total = sum((Decimal(line.amount) for line in lines), Decimal(0))
    if total > program.cap_per_application:
        raise ApplicationError(
            _("The budget lines total %(total)s yuan, more than the program's cap of %(cap)s yuan per application.")
            % {"total": total, "cap": program.cap_per_application}, extra={"field": "budget_lines"})
    return total


def _default_aggregation(row: dict) -> dict:
    """An indicator given without an aggregation: a share (%) per period (it is never added up), else cumulative."""
    if row.get("aggregation"):
        return row
    share = str(row.get("unit") or "").strip() == "%"
    return {**row, "aggregation": Aggregation.PER_PERIOD if share else Aggregation.CUMULATIVE}


def _cosigner_rows(application, *, tenant, cosigners) -> list[ApplicationCosigner]:
    """Co-signers as rows: at most ``MAX_COSIGNERS``, a name each (once), signed on a day not after today."""
    if len(cosigners) > MAX_COSIGNERS:
        raise ApplicationError(_("An application has at most %(n)s co-signers.") % {"n": MAX_COSIGNERS},
                               extra={"field": "cosigners"})
    for row in cosigners:
        reject_unknown(row, COSIGNER_FIELDS)
    signers = [ApplicationCosigner(tenant=tenant, application=application,
                                   **{**row, "name": " ".join(str(row.get("name") or "").split()),
                                      "capacity": str(row.get("capacity") or "").strip()}) for row in cosigners]
    clean_rows(signers, prefix="cosigners", exclude=["application"])
    errors, seen, today = {}, set(), timezone.localdate()
    for index, signer in enumerate(signers):
        if signer.name in seen:
            errors[f"cosigners.{index}.name"] = [_("%(name)s is listed twice among the co-signers.")
                                                 % {"name": signer.name}]
        seen.add(signer.name)
        if signer.signed_on > today:
            errors[f"cosigners.{index}.signed_on"] = [_("A co-signer's signing date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return signers


def _replace_children(application, *, tenant, budget_lines, indicators, cosigners) -> None:
    """Replace the child rows given (None: keep them); totals and weights are checked before any write."""
    if budget_lines is not None:
        for row in budget_lines:
            reject_unknown(row, LINE_FIELDS)
        lines = [BudgetLine(tenant=tenant, application=application, **row) for row in budget_lines]
        clean_rows(lines, prefix="budget_lines", exclude=["application"])
        application.requested_amount = _check_cap(application.program, lines)
    if indicators is not None:
        for row in indicators:
            reject_unknown(row, INDICATOR_FIELDS)
        if indicators:
            weights_sum_to_100([row.get("weight") or 0 for row in indicators], what=_("indicator weights"))
        indicators = [_default_aggregation(row) for row in indicators]
        rows = [Indicator(tenant=tenant, application=application, position=i, **row)
                for i, row in enumerate(indicators)]
        clean_rows(rows, prefix="indicators", exclude=["application"])
    if cosigners is not None:
        signers = _cosigner_rows(application, tenant=tenant, cosigners=cosigners)
    application.full_clean()
    application.save()
    if budget_lines is not None:
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(lines)
    if indicators is not None:
        application.indicators.all().delete()
        Indicator.objects.bulk_create(rows)
    if cosigners is not None:
        application.cosigners.all().delete()
        ApplicationCosigner.objects.bulk_create(signers)


@transaction.atomic
def application_create(*, actor, program, region, budget_lines=(), indicators=(), cosigners=(),
                       likely_bidders=(), **fields) -> Application:
    tenant = require_tenant()
    reject_unknown(fields, APPLICATION_FIELDS)
    if not region_in_jurisdiction(actor, region, APPLY_ROLES):
        raise ApplicationError(_("You may not apply for this unit."))
    if program.status != ProgramStatus.OPEN:
        raise ConflictError(_("This program does not accept applications now."))
    application = Application(tenant=tenant, program=program, region=region, created_by=actor_or_none(actor),
                              number=f"tmp-{uuid.uuid4().hex}", **fields)
    _replace_children(application, tenant=tenant, budget_lines=list(budget_lines), indicators=list(indicators),
                      cosigners=list(cosigners))
    application.number = f"SB{program.year}-{application.pk:06d}"
    application.save(update_fields=["number"])
    application.likely_bidders.set(likely_bidders)
    APPLICATION_WORKFLOW.start(obj=application, actor=actor)
    audit_record(actor=actor, action="application.create", obj=application,
                 changes={**snapshot(application, ["number", "title", "requested_amount"]),
                          "budget_lines": len(budget_lines), "indicators": len(indicators),
                          "cosigners": _cosigner_names(application)})
    return application


@transaction.atomic
def application_update(*, actor, application: Application, budget_lines=None, indicators=None, cosigners=None,
                       likely_bidders=None, **fields) -> Application:
    require_tenant(application.tenant)
    reject_unknown(fields, APPLICATION_FIELDS)
    if not can_edit_application(actor, application):
        raise ApplicationError(_("You may not change this application."))
    lock_row(application, "status", "requested_amount")
    if application.status not in EDITABLE:
        raise ConflictError(_("Only a draft or a returned application can be changed."))
    before = snapshot(application, [*fields, "requested_amount"])
    if cosigners is not None:
        before["cosigners"] = _cosigner_names(application)
    for name, value in fields.items():
        setattr(application, name, value)
    _replace_children(application, tenant=application.tenant, budget_lines=budget_lines, indicators=indicators,
                      cosigners=cosigners)
    if likely_bidders is not None:
        application.likely_bidders.set(likely_bidders)
    after = snapshot(application, [*fields, "requested_amount"])
    if cosigners is not None:
        after["cosigners"] = _cosigner_names(application)
    audit_record(actor=actor, action="application.update", obj=application, changes=diff(before, after))
    return application


def _cosigner_names(application) -> list[list[str]]:
    return [[name, capacity, str(signed_on)] for name, capacity, signed_on in
            ApplicationCosigner.objects.filter(application=application).order_by("id")
            .values_list("name", "capacity", "signed_on")]


def completeness_problems(application: Application) -> list[str]:
    """What must be fixed before the application can be submitted (each in plain words)."""
    problems = []
    lines = list(application.budget_lines.all())
    indicators = list(application.indicators.all())
    if not lines:
        problems.append(_("Add at least one budget line."))
    if not indicators:
        problems.append(_("Add at least one indicator to the task book."))
    else:
        total = sum((i.weight for i in indicators), Decimal(0))
        if total != 100:
            problems.append(_("The indicator weights must sum to 100; they sum to %(total)s.")
                            % {"total": f"{total.normalize():f}"})
    if sum((line.amount for line in lines), Decimal(0)) > application.program.cap_per_application:
        problems.append(_("The budget exceeds the program's cap of %(cap)s yuan.")
                        % {"cap": application.program.cap_per_application})
    return problems


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    require_tenant(application.tenant)
    program = application.program
    today = timezone.localdate()
    if program.status != ProgramStatus.OPEN or not (program.application_opens <= today <= program.application_closes):
        raise ConflictError(_("Applications to this program are accepted from %(opens)s to %(closes)s.")
                               % {"opens": program.application_opens, "closes": program.application_closes})
    problems = completeness_problems(application)
    if problems:
        raise ConflictError(" ".join(problems), extra={"problems": problems})
    if application.applicant_organization_id:
        failures = eligibility_explain(program=program, organization=application.applicant_organization,
                                       on_date=today)
        if failures:
            raise ConflictError(" ".join(f.message for f in failures),
                                   extra={"eligibility": [f.rule for f in failures]})
    APPLICATION_WORKFLOW.transition(obj=application, to=ApplicationStatus.SUBMITTED, actor=actor,
                                    fields={"submitted_at": timezone.now(), "decision_reason": ""})
    notifications.application_submitted(application=application, actor=actor)
    return application


@transaction.atomic
def application_decide(*, actor, application: Application, to: str, note: str = "",
                       approved_amount: Decimal | None = None) -> Application:
    """Return for revision or reject (with a reason), or approve (after review or a consultation)."""
    require_tenant(application.tenant)
    if to not in (ApplicationStatus.APPROVED, ApplicationStatus.RETURNED, ApplicationStatus.REJECTED):
        raise ApplicationError(_("Unknown decision."))
    fields: dict = {"decision_reason": note.strip()}
    if to == ApplicationStatus.APPROVED:
        amount = Decimal(approved_amount if approved_amount is not None else application.requested_amount)
        _check_approvable(application, amount)
        fields["approved_amount"] = amount
    APPLICATION_WORKFLOW.transition(obj=application, to=to, actor=actor, note=note, fields=fields)
    notifications.application_decided(application=application, actor=actor)
    return application


def _check_approvable(application: Application, amount: Decimal) -> None:
    program = application.program
    if program.decided_by_residents:
        consultation = ResidentConsultation.objects.filter(application=application).first()
        if consultation is None or consultation.outcome != ConsultationOutcome.ADOPTED:
            raise ConflictError(_("A community self-governance fund application is approved by an adopted "
                                     "residents' consultation."))
    elif application.status != ApplicationStatus.IN_REVIEW or application.final_score is None:
        raise ConflictError(_("Approve after every drawn expert has submitted their scores."))
    if amount <= 0 or amount > application.requested_amount:
        raise ApplicationError(_("The approved amount must be positive and at most the %(amount)s yuan requested.")
                               % {"amount": application.requested_amount})
    approved = sum(program.applications.filter(status=ApplicationStatus.APPROVED)
                   .exclude(pk=application.pk).values_list("approved_amount", flat=True), Decimal(0))
    if approved + amount > program.budget_pool:
        raise ConflictError(_("Approving %(amount)s yuan would exceed the budget pool: %(left)s yuan are left.")
                               % {"amount": amount, "left": program.budget_pool - approved})


CONSULTATION_FIELDS = ("held_on", "venue", "meeting_reference", "participants", "votes_for", "votes_against",
                       "votes_abstain", "minutes")


@transaction.atomic
def consultation_record(*, actor, application: Application, **fields) -> ResidentConsultation:
    """Record the residents' consultation of a 社区自治金 application and decide it by its vote."""
    require_tenant(application.tenant)
    reject_unknown(fields, CONSULTATION_FIELDS)
    if not application.program.decided_by_residents:
        raise ConflictError(_("Only community self-governance fund applications are decided by residents."))
    if not can_decide_application(actor, application):
        raise ApplicationError(_("You may not record this consultation."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ConflictError(_("Record the consultation of a submitted application."))
    if ResidentConsultation.objects.filter(application=application).exists():
        raise ConflictError(_("This application's consultation is already recorded."))
    consultation = ResidentConsultation(tenant=application.tenant, application=application,
                                        recorded_by=actor_or_none(actor), **fields)
    votes_cast = (consultation.votes_for or 0) + (consultation.votes_against or 0)
    consultation.outcome = (ConsultationOutcome.ADOPTED if (consultation.votes_for or 0) * 2 > votes_cast
                            and votes_cast else ConsultationOutcome.NOT_ADOPTED)
    votes = sum(int(v or 0) for v in (consultation.votes_for, consultation.votes_against, consultation.votes_abstain))
    if consultation.participants is not None and votes > consultation.participants:
        raise ApplicationError(_("%(votes)s votes were cast by %(participants)s participants: more votes than "
                                 "participants.") % {"votes": votes, "participants": consultation.participants})
    consultation.full_clean()
    consultation.save()
    audit_record(actor=actor, action="consultation.record", obj=consultation,
                 changes=snapshot(consultation, [*CONSULTATION_FIELDS, "outcome"]))
    if consultation.outcome == ConsultationOutcome.ADOPTED:
        application_decide(actor=actor, application=application, to=ApplicationStatus.APPROVED,
                           note=_("Adopted by the residents' consultation of %(date)s.") % {"date": fields["held_on"]})
    else:
        application_decide(actor=actor, application=application, to=ApplicationStatus.REJECTED,
                           note=_("Not adopted by the residents' consultation of %(date)s.")
                           % {"date": fields["held_on"]})
    return consultation
