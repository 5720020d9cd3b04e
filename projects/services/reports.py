"""Progress reports (进度报告), the report schedule, reminders, and tranche releases gated on approvals.

The schedule of a contract (``projects.services.schedule``) is built when it is signed, from its term and
the tenant's report settings; tranches waiting for an acceptance or an approved report are tied to the
report whose approval releases them (``ProgressReport.tranche``). ``tranche_release`` refuses a tranche
whose report is not approved, pays it through the contract's ``tranche_pay`` and records the OCDS
transaction (date, amount, payer, payee).
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_record_many
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row, lock_rows
from projects import notifications_reports as notifications
from projects.models import (
    BudgetLine,
    Contract,
    ContractIndicator,
    ContractStatus,
    IndicatorActual,
    PaymentTranche,
    ProgressReport,
    ReportEvidence,
    ReportExpenditure,
    ReportStatus,
    TranchePayment,
    TrancheStatus,
    TrancheTrigger,
)
from projects.permissions_reports import can_edit_report, can_release_tranche
from projects.permissions_tenders import can_manage_contract
from projects.services._common import reject_unknown
from projects.services.contracts import tranche_pay
from projects.services.schedule import report_settings_for, schedule_audit, schedule_build
from projects.workflows_reports import REPORT_WORKFLOW

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"})
MAX_EVIDENCE_FILES = 30
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
ACTUAL_FIELDS = ("indicator", "value", "numerator", "denominator", "narrative")
EXPENDITURE_FIELDS = ("budget_line", "amount", "description")
MAX_DECIMAL = Decimal("999999999999.99")


def is_percentage(indicator: ContractIndicator) -> bool:
    return indicator.unit.strip() == "%"


@transaction.atomic
def report_schedule_generate(*, actor, contract: Contract) -> list[ProgressReport]:
    """The report schedule of a signed contract from its term (idempotent: a second call changes nothing)."""
    require_tenant(contract.tenant)
    if not can_manage_contract(actor, contract):
        raise ApplicationError(_("You may not plan the reports of this contract."))
    lock_row(contract, "status")
    if contract.status not in (ContractStatus.PENDING, ContractStatus.ACTIVE):
        raise ConflictError(_("Reports are planned for a contract in force."))
    had = contract.progress_reports.exists()
    reports = schedule_build(contract)
    if not had:
        schedule_audit(actor=actor, contract=contract, reports=reports)
    return reports


# --- filling in and reviewing ----------------------------------------------------------------


def _decimal(value, *, key: str, errors: dict, positive: bool = False) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        errors[key] = [_("Enter a number.")]
        return None
    if not number.is_finite() or abs(number) > MAX_DECIMAL:
        errors[key] = [_("Enter a number.")]
        return None
    if number < 0 or (positive and number == 0):
        errors[key] = [_("Enter a number greater than zero.") if positive else _("Enter a number of zero or more.")]
        return None
    return number.quantize(Decimal("0.01"))


def _id_of(value) -> int | None:
    value = getattr(value, "pk", value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _actual_rows(report: ProgressReport, rows) -> list[IndicatorActual]:
    indicators = {i.pk: i for i in report.contract.indicators.all()}
    actuals, errors, seen = [], {}, set()
    for index, row in enumerate(rows or []):
        if not isinstance(row, dict):
            raise ValidationError({f"actuals.{index}": [_("Enter the figures of an indicator.")]})
        reject_unknown(row, ACTUAL_FIELDS)
        indicator = indicators.get(_id_of(row.get("indicator")))
        if indicator is None or indicator.pk in seen:
            errors[f"actuals.{index}.indicator"] = [_("Choose an indicator of this contract, once.")]
            continue
        seen.add(indicator.pk)
        value = _decimal(row.get("value"), key=f"actuals.{index}.value", errors=errors)
        numerator = _decimal(row.get("numerator"), key=f"actuals.{index}.numerator", errors=errors)
        denominator = _decimal(row.get("denominator"), key=f"actuals.{index}.denominator", errors=errors,
                               positive=True)
        if (numerator is None) != (denominator is None):
            errors[f"actuals.{index}.denominator"] = [_("Give both the numerator and the denominator.")]
        elif numerator is not None:
            if not is_percentage(indicator):
                errors[f"actuals.{index}.numerator"] = [_("A numerator and denominator are given for a share (%).")]
            elif numerator > denominator:
                errors[f"actuals.{index}.numerator"] = [_("The numerator cannot exceed the denominator.")]
            else:
                value = (numerator * 100 / denominator).quantize(Decimal("0.01"))
        if value is None and f"actuals.{index}.value" not in errors and numerator is None:
            errors[f"actuals.{index}.value"] = [_("Give the value reached.")]
        narrative = str(row.get("narrative") or "").strip()
        actuals.append(IndicatorActual(tenant_id=report.tenant_id, report=report, indicator=indicator, value=value,
                                       numerator=numerator, denominator=denominator, narrative=narrative))
    if errors:
        raise ValidationError(errors)
    return actuals


def _expenditure_rows(report: ProgressReport, rows) -> list[ReportExpenditure]:
    lines = {b.pk: b for b in BudgetLine.objects.filter(application_id=report.contract.application_id)}
    expenditures, errors = [], {}
    rows = list(rows or [])
    if len(rows) > 200:
        raise ApplicationError(_("At most 200 expenditure lines."), extra={"field": "expenditures"})
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError({f"expenditures.{index}": [_("Enter an expenditure line.")]})
        reject_unknown(row, EXPENDITURE_FIELDS)
        line = lines.get(_id_of(row.get("budget_line")))
        if line is None:
            errors[f"expenditures.{index}.budget_line"] = [_("Choose a budget line of this project.")]
        amount = _decimal(row.get("amount"), key=f"expenditures.{index}.amount", errors=errors, positive=True)
        if amount is None and f"expenditures.{index}.amount" not in errors:
            errors[f"expenditures.{index}.amount"] = [_("Give the amount spent.")]
        description = str(row.get("description") or "").strip()
        if len(description) > 200:
            errors[f"expenditures.{index}.description"] = [_("At most 200 characters.")]
        if line is not None and amount is not None:
            expenditures.append(ReportExpenditure(tenant_id=report.tenant_id, report=report, budget_line=line,
                                                  amount=amount, description=description))
    if errors:
        raise ValidationError(errors)
    return expenditures


def _editable(actor, report: ProgressReport) -> None:
    require_tenant(report.tenant)
    if not can_edit_report(actor, report):
        raise ApplicationError(_("You may not fill in this progress report."))
    lock_row(report, "status")
    if report.status not in EDITABLE:
        raise ConflictError(_("A submitted or approved report cannot change."))


@transaction.atomic
def report_save(*, actor, report: ProgressReport, activities_held=0, beneficiaries_reached=0, summary: str = "",
                actuals=(), expenditures=()) -> ProgressReport:
    """Replace the figures of a draft or returned report (the organization)."""
    _editable(actor, report)
    errors = {}
    counts = {}
    for name, value in (("activities_held", activities_held), ("beneficiaries_reached", beneficiaries_reached)):
        try:
            counts[name] = int(value or 0)
            if not 0 <= counts[name] <= 10_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = [_("Enter a whole number of zero or more.")]
    if errors:
        raise ValidationError(errors)
    new_actuals = _actual_rows(report, actuals)
    new_expenditures = _expenditure_rows(report, expenditures)
    report.activities_held = counts["activities_held"]
    report.beneficiaries_reached = counts["beneficiaries_reached"]
    report.summary = str(summary or "").strip()
    report.full_clean()
    report.save(update_fields=["activities_held", "beneficiaries_reached", "summary"])
    report.actuals.all().delete()
    report.expenditures.all().delete()
    IndicatorActual.objects.bulk_create(new_actuals)
    ReportExpenditure.objects.bulk_create(new_expenditures)
    audit_record(actor=actor, action="progress_report.save", obj=report, changes={
        **counts, "actuals": {a.indicator_id: str(a.value) for a in new_actuals},
        "expenditures": [[e.budget_line_id, str(e.amount)] for e in new_expenditures]})
    return report


@transaction.atomic
def report_evidence_add(*, actor, report: ProgressReport, uploaded_file) -> ReportEvidence:
    """Attach an evidence file (PDF, image, Word or Excel, at most 10 MB, 30 per report) to an editable report."""
    _editable(actor, report)
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    errors = []
    if extension not in EVIDENCE_EXTENSIONS:
        errors.append(_("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(EVIDENCE_EXTENSIONS))})
    if (getattr(uploaded_file, "size", 0) or 0) > MAX_EVIDENCE_BYTES:
        errors.append(_("A file may be at most 10 MB."))
    if errors:
        raise ValidationError({"file": errors})
    if report.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ApplicationError(_("A report has at most %(n)s evidence files.") % {"n": MAX_EVIDENCE_FILES},
                               extra={"field": "file"})
    evidence = ReportEvidence(tenant_id=report.tenant_id, report=report, file=uploaded_file, name=name[:200],
                              uploaded_by=actor_or_none(actor))
    evidence.full_clean()
    evidence.save()
    audit_record(actor=actor, action="progress_report.evidence", obj=report,
                 changes={"evidence": evidence.pk, "name": evidence.name, "size": uploaded_file.size})
    return evidence


@transaction.atomic
def report_submit(*, actor, report: ProgressReport) -> ProgressReport:
    """Submit for review; every indicator of the contract has a figure."""
    lock_row(report, "status")
    missing = list(report.contract.indicators.exclude(actuals__report=report).values_list("name", flat=True))
    if missing and report.status in EDITABLE:
        raise ApplicationError(_("Give the figures of every indicator first: %(names)s.")
                               % {"names": _("; ").join(missing)}, extra={"missing": missing})
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.SUBMITTED, actor=actor, fields={
        "submitted_at": timezone.now(), "submitted_by": actor_or_none(actor)})
    notifications.report_submitted(report=report, actor=actor)
    return report


@transaction.atomic
def report_approve(*, actor, report: ProgressReport, note: str = "") -> ProgressReport:
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.APPROVED, actor=actor, note=note or "", fields={
        "review_comment": (note or "").strip(), "reviewed_at": timezone.now(), "reviewed_by": actor_or_none(actor)})
    notifications.report_reviewed(report=report, actor=actor)
    return report


@transaction.atomic
def report_return(*, actor, report: ProgressReport, note: str) -> ProgressReport:
    """Return with comments (required); the organization corrects and submits again."""
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.RETURNED, actor=actor, note=note or "", fields={
        "review_comment": (note or "").strip(), "reviewed_at": timezone.now(), "reviewed_by": actor_or_none(actor)})
    notifications.report_reviewed(report=report, actor=actor)
    return report


# --- the daily run ---------------------------------------------------------------------------


@transaction.atomic
def reports_daily(*, tenant, today: datetime.date | None = None) -> dict:
    """Schedules for signed contracts without one, overdue marking, reminders before and after the due date.

    Idempotent: a second run on the same day changes nothing and sends nothing (flags are set by
    conditional updates, so two overlapping runs send each reminder once)."""
    require_tenant(tenant)
    today = today or timezone.localdate()
    settings = report_settings_for(tenant)
    created = 0
    for contract in Contract.objects.filter(tenant=tenant, status=ContractStatus.ACTIVE,
                                            progress_reports__isnull=True):
        lock_row(contract, "status")
        if not contract.progress_reports.exists():
            reports = schedule_build(contract)
            created += len(reports)
            schedule_audit(actor=None, contract=contract, reports=reports)
    open_reports = ProgressReport.objects.filter(tenant=tenant, status__in=EDITABLE,
                                                 contract__status=ContractStatus.ACTIVE)
    related = ("contract__organization", "contract__region")
    # Overlapping runs queue on the row locks and the second sees the flags the first set (no double reminder).
    late = lock_rows(open_reports.filter(due_date__lt=today, overdue=False).select_related(*related))
    ProgressReport.objects.filter(pk__in=[r.pk for r in late]).update(overdue=True)
    before = lock_rows(open_reports.filter(
        reminded_before=False, due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=settings.remind_days_before)).select_related(*related))
    after = lock_rows(open_reports.filter(
        reminded_after=False, due_date__lte=today - datetime.timedelta(days=settings.remind_days_after))
        .select_related(*related))
    ProgressReport.objects.filter(pk__in=[r.pk for r in before]).update(reminded_before=True)
    ProgressReport.objects.filter(pk__in=[r.pk for r in after]).update(reminded_after=True)
    notifications.reports_due(before=before, after=after)
    audit_record_many(actor=None, action="progress_report.overdue", objs=late,
                      changes=lambda r: {"overdue": [False, True], "due_date": r.due_date.isoformat()})
    audit_record_many(actor=None, action="progress_report.remind", objs=[*before, *after],
                      changes=lambda r: {"due_date": r.due_date.isoformat()})
    return {"scheduled": created, "overdue": len(late), "reminded_before": len(before), "reminded_after": len(after)}


# --- tranche release -------------------------------------------------------------------------


def tranche_gate_problem(tranche: PaymentTranche, *, on: datetime.date, gate: ProgressReport | None = None,
                         gate_known: bool = False) -> str | None:
    """Why ``tranche`` may not be released yet (translated), or None. A page listing several tranches
    passes each one's ``gate`` report (``gate_known``) instead of a query per tranche."""
    contract = tranche.contract
    if contract.status != ContractStatus.ACTIVE:
        return _("Payments are recorded for a signed contract.")
    if tranche.trigger in (TrancheTrigger.MIDTERM_ACCEPTANCE, TrancheTrigger.FINAL_ACCEPTANCE,
                           TrancheTrigger.REPORT_APPROVED):
        report = gate if gate_known else ProgressReport.objects.filter(tranche=tranche).first()
        if report is None:
            return _("Tranche %(n)s waits for “%(trigger)s”, but no report of the schedule releases it; "
                     "plan the reports first.") % {"n": tranche.sequence, "trigger": tranche.get_trigger_display()}
        if report.status != ReportStatus.APPROVED:
            return _("Tranche %(n)s is released once progress report %(m)s (%(kind)s) is approved; it is now "
                     "“%(status)s”.") % {"n": tranche.sequence, "m": report.sequence,
                                         "kind": report.get_kind_display(), "status": report.get_status_display()}
    elif not tranche.trigger and tranche.due_date and on < tranche.due_date:
        return _("Tranche %(n)s is due on %(date)s.") % {"n": tranche.sequence, "date": tranche.due_date.isoformat()}
    return None


@transaction.atomic
def tranche_release(*, actor, tranche: PaymentTranche, paid_on: datetime.date | None = None,
                    payer_name: str = "") -> TranchePayment:
    """Release a tranche whose milestone is accepted and record the payment (OCDS transaction).

    Two parallel releases of one tranche: the row lock in ``tranche_pay`` lets one through, the other
    sees the tranche settled (and the one-to-one payment row backs this up)."""
    contract = tranche.contract
    require_tenant(contract.tenant)
    if not can_release_tranche(actor, tranche):
        raise ApplicationError(_("You may not record payments of this contract."))
    lock_row(contract, "status")
    lock_row(tranche, "status", "paid_on")
    if tranche.status != TrancheStatus.SCHEDULED:
        raise ConflictError(_("This tranche is already settled."))
    paid_on = paid_on or timezone.localdate()
    problem = tranche_gate_problem(tranche, on=paid_on)
    if problem:
        raise ConflictError(problem, extra={"tranche": tranche.sequence})
    tranche_pay(actor=actor, tranche=tranche, paid_on=paid_on)
    payer = (payer_name or "").strip()[:200] or contract.buyer_name
    payment = TranchePayment(tenant_id=contract.tenant_id, tranche=tranche, contract=contract, date=paid_on,
                             amount=tranche.amount, payer_name=payer, payee_name=contract.organization.name,
                             payee=contract.organization, recorded_by=actor_or_none(actor))
    payment.full_clean(exclude=["tranche", "contract", "payee"])
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError as exc:
        raise ConflictError(_("This tranche is already settled.")) from exc
    audit_record(actor=actor, action="tranche.release", obj=contract, changes={
        "sequence": tranche.sequence, "amount": str(payment.amount), "date": paid_on.isoformat(),
        "payer": payer, "payee": payment.payee_name})
    return payment


__all__ = ["report_approve", "report_evidence_add", "report_return", "report_save", "report_schedule_generate",
           "report_settings_for", "report_submit", "reports_daily", "tranche_gate_problem", "tranche_release"]
