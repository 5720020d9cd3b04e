"""Daily reminders of contracts about to end and of evaluations due (DESIGN.md §4: "reminders for reports due,
evaluations due and contracts expiring").

Progress reports are reminded by ``reports.reports_daily`` (before and after the due date, with overdue
marking); this run does not repeat them. It reminds:

- a signed contract ending within the tenant's ``remind_days_before_end`` (30 by default): the buyer's staff
  and the supplier's members, once;
- an evaluation due: the contract's mid-term or final report is past its due date or approved, and that
  evaluation is not published yet: the buyer's staff (who enter the expert scores and publish), once.

Each reminder is a ``ContractReminder`` row, unique per (contract, kind, key): a rerun or a parallel run
sends nothing twice (the rows are inserted first; a conflicting insert means another run sent it).
Set-based: a constant number of queries, whatever the number of contracts.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from governance.audit import audit_record_many
from governance.tenancy import require_tenant
from governance.workflows import lock_rows
from projects import notifications_renewals as notifications
from projects.models import (
    Contract,
    ContractStatus,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    ProgressReport,
    ReportStatus,
)
from projects.models.renewals import ContractReminder, ReminderKind
from projects.services.renewals import renewal_settings_for

EVALUATED = (ContractStatus.ACTIVE, ContractStatus.TERMINATED)


def _insert_new(rows: list[ContractReminder]) -> list[ContractReminder]:
    """Insert the reminders not sent yet and return them. The contracts are locked first, so a parallel run
    waits here, then sees the rows the first one committed and sends nothing twice."""
    if not rows:
        return []
    contract_ids = sorted({r.contract_id for r in rows})
    lock_rows(Contract.objects.filter(pk__in=contract_ids), no_key=True)
    sent = set(ContractReminder.objects.filter(contract_id__in=contract_ids)
               .values_list("contract_id", "kind", "key"))
    fresh = list({(r.contract_id, r.kind, r.key): r for r in rows
                  if (r.contract_id, r.kind, r.key) not in sent}.values())
    ContractReminder.objects.bulk_create(fresh, batch_size=500)
    return fresh


@transaction.atomic
def reminders_daily(*, tenant, today: datetime.date | None = None) -> dict:
    require_tenant(tenant)
    today = today or timezone.localdate()
    settings = renewal_settings_for(tenant)
    expiring = list(Contract.objects.filter(
        tenant=tenant, status=ContractStatus.ACTIVE, end_date__gte=today,
        end_date__lte=today + datetime.timedelta(days=settings.remind_days_before_end))
        .exclude(reminders__kind=ReminderKind.CONTRACT_EXPIRING).select_related("region").order_by("pk"))
    published = Evaluation.objects.filter(contract_id=OuterRef("contract_id"), kind=OuterRef("kind"),
                                          status=EvaluationStatus.PUBLISHED)
    sent = ContractReminder.objects.filter(contract_id=OuterRef("contract_id"), kind=ReminderKind.EVALUATION_DUE,
                                           key=OuterRef("kind"))
    due_rows = list(ProgressReport.objects
                    .filter(tenant=tenant, kind__in=[EvaluationKind.MIDTERM, EvaluationKind.FINAL],
                            contract__status__in=EVALUATED)
                    .filter(Q(status=ReportStatus.APPROVED) | Q(due_date__lt=today))
                    .exclude(Exists(published)).exclude(Exists(sent))
                    .select_related("contract__region").order_by("contract_id", "kind"))
    rows = [ContractReminder(tenant_id=tenant.pk, contract=c, kind=ReminderKind.CONTRACT_EXPIRING, key="",
                             sent_on=today) for c in expiring]
    rows += [ContractReminder(tenant_id=tenant.pk, contract=r.contract, kind=ReminderKind.EVALUATION_DUE,
                              key=r.kind, sent_on=today) for r in due_rows]
    inserted = _insert_new(rows)
    ours = {(r.contract_id, r.kind, r.key) for r in inserted}
    expiring = [c for c in expiring if (c.pk, ReminderKind.CONTRACT_EXPIRING, "") in ours]
    due = [(r.contract, r.kind, r.due_date) for r in due_rows if (r.contract_id, ReminderKind.EVALUATION_DUE,
                                                                  r.kind) in ours]
    notifications.reminders(expiring=expiring, evaluations_due=due)
    audit_record_many(actor=None, action="reminder.sent", objs=inserted,
                      changes=lambda r: {"contract": r.contract_id, "kind": r.kind, "key": r.key})
    return {"contracts_expiring": len(expiring), "evaluations_due": len(due)}
