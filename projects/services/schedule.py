"""The report schedule (报告计划) of a contract, generated once from its term and the tenant's report settings.

One report per period (``ReportSettings.period_months``, quarterly by default), due ``due_days`` after the
period ends; the last is the final report (结项报告), the one holding the middle of the term the mid-term
report (中期报告). Tranches waiting for an acceptance or an approved report are tied to the report whose
approval releases them. Signing a contract builds its schedule (``contract_sign``); the daily run builds any
that is missing; both go through ``schedule_build``, which does nothing when the schedule exists.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta

from governance.audit import audit_record
from projects.models import (
    Contract,
    PaymentTranche,
    ProgressReport,
    ReportKind,
    ReportSettings,
    TrancheTrigger,
)


def report_settings_for(tenant) -> ReportSettings:
    """The tenant's settings row, or the defaults (unsaved) when it has none."""
    return ReportSettings.objects.filter(tenant=tenant).first() or ReportSettings(tenant=tenant)


def _periods(contract: Contract, months: int) -> list[tuple[datetime.date, datetime.date]]:
    periods, start = [], contract.start_date
    while start <= contract.end_date:
        end = min(start + relativedelta(months=months) - datetime.timedelta(days=1), contract.end_date)
        periods.append((start, end))
        start = end + datetime.timedelta(days=1)
    return periods


def _gate_tranches(reports: list[ProgressReport], tranches: list[PaymentTranche]) -> None:
    """Tie each tranche waiting for an acceptance or an approved report to the report that releases it."""
    free = [r for r in reports if r.kind == ReportKind.PERIODIC]
    by_kind = {r.kind: r for r in reports if r.kind != ReportKind.PERIODIC}
    for tranche in sorted(tranches, key=lambda t: t.sequence):
        if tranche.trigger == TrancheTrigger.MIDTERM_ACCEPTANCE:
            report = by_kind.pop(ReportKind.MIDTERM, None) or by_kind.pop(ReportKind.FINAL, None)
        elif tranche.trigger == TrancheTrigger.FINAL_ACCEPTANCE:
            report = by_kind.pop(ReportKind.FINAL, None)
        elif tranche.trigger == TrancheTrigger.REPORT_APPROVED:
            # The first free report due on or after the tranche's date (or the next free one).
            due = [r for r in free if tranche.due_date is None or r.due_date >= tranche.due_date]
            report = (due or free or [None])[0]
            if report is not None:
                free.remove(report)
        else:
            continue
        if report is not None:
            report.tranche = tranche


def schedule_build(contract: Contract) -> list[ProgressReport]:
    """Create the schedule of ``contract`` unless it has one (idempotent; the contract row is locked)."""
    existing = list(contract.progress_reports.order_by("sequence"))
    if existing:
        return existing
    settings = report_settings_for(contract.tenant)
    periods = _periods(contract, settings.period_months)
    middle = contract.start_date + (contract.end_date - contract.start_date) / 2
    reports = []
    for index, (start, end) in enumerate(periods):
        if index == len(periods) - 1:
            kind = ReportKind.FINAL
        elif start <= middle <= end:
            kind = ReportKind.MIDTERM
        else:
            kind = ReportKind.PERIODIC
        reports.append(ProgressReport(tenant_id=contract.tenant_id, contract=contract, sequence=index + 1, kind=kind,
                                      period_start=start, period_end=end,
                                      due_date=end + datetime.timedelta(days=settings.due_days)))
    _gate_tranches(reports, list(contract.tranches.all()))
    for report in reports:
        report.full_clean(exclude=["contract", "tranche"])
    ProgressReport.objects.bulk_create(reports)
    return reports


def schedule_audit(*, actor, contract: Contract, reports: list[ProgressReport]) -> None:
    audit_record(actor=actor, action="progress_report.schedule", obj=contract, changes={
        "reports": [{"sequence": r.sequence, "kind": r.kind, "due_date": r.due_date.isoformat(),
                     "tranche": r.tranche.sequence if r.tranche_id else None} for r in reports]})
