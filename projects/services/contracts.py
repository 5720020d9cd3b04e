"""Service contracts (服务协议) drawn up from an award, with payment tranches, signing and payments.

MoF Order 102 (2020): a term of at most one year, up to three years only for continuous, stably funded
services; a longer term is refused, always. The contract copies the task book's indicators with their
targets. Payment tranches are OCDS milestones in the Prozorro financing shape: sequence, percentage
(summing to 100), a due date or a trigger (signing, an acceptance, an approved report) and the earlier
tranche they depend on; a tranche is paid only after the one it depends on.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row
from projects import notifications_tenders as notifications
from projects.models import (
    MAX_CONTINUOUS_TERM_MONTHS,
    MAX_TERM_MONTHS,
    Award,
    AwardStatus,
    Contract,
    ContractIndicator,
    ContractStatus,
    PaymentTranche,
    TrancheStatus,
    TrancheTrigger,
)
from projects.permissions_tenders import can_manage_contract, can_manage_tender
from projects.services._common import clean_rows, reject_unknown, weights_sum_to_100
from projects.services.schedule import schedule_audit, schedule_build
from projects.workflows_tenders import AWARD_WORKFLOW, CONTRACT_WORKFLOW

CONTRACT_FIELDS = ("number", "title", "buyer_name", "start_date", "end_date", "continuous_service", "note",
                   "prior_contract")
TRANCHE_FIELDS = ("percentage", "due_date", "trigger", "depends_on", "description")
INDICATOR_COPY = ("position", "name", "kind", "unit", "baseline", "target", "weight", "direction", "aggregation",
                  "verification")


def term_months_allowed(*, continuous_service: bool) -> int:
    return MAX_CONTINUOUS_TERM_MONTHS if continuous_service else MAX_TERM_MONTHS


def check_term(*, start_date: datetime.date, end_date: datetime.date, continuous_service: bool) -> None:
    """Refuse a term longer than MoF Order 102 allows (the end date is the term's last day)."""
    if end_date <= start_date:
        raise ValidationError({"end_date": [_("The contract ends after it starts.")]})
    months = term_months_allowed(continuous_service=continuous_service)
    last_day = start_date + relativedelta(months=months) - datetime.timedelta(days=1)
    if end_date > last_day:
        if continuous_service:
            message = _("A contract term may be at most three years, even for a continuous, stably funded "
                        "service (MoF Order 102); this one would run until %(end)s, the latest end is %(last)s.")
        else:
            message = _("A contract term may be at most one year (MoF Order 102); up to three years only for a "
                        "continuous, stably funded service. This one would run until %(end)s, the latest end "
                        "is %(last)s.")
        raise ApplicationError(message % {"end": end_date.isoformat(), "last": last_day.isoformat()},
                               extra={"field": "end_date", "latest_end": last_day.isoformat()})


MAX_CHAIN_LENGTH = 50  # a renewal chain longer than this is a data error, not a service


def renewal_chain(prior: Contract) -> list[Contract]:
    """The contracts a renewal of ``prior`` continues, newest first (``prior``, its prior, ...).

    One query per link; a chain is a handful of yearly contracts. A cycle (possible only through the admin)
    stops the walk instead of looping.
    """
    chain, seen, current = [], set(), prior
    while current is not None and current.pk not in seen and len(chain) < MAX_CHAIN_LENGTH:
        chain.append(current)
        seen.add(current.pk)
        if current.prior_contract_id is None:
            break
        current = (Contract.objects.filter(pk=current.prior_contract_id)
                   .only("pk", "number", "start_date", "end_date", "prior_contract_id").first())
    return chain


def term_cap_last_day(chain_start: datetime.date) -> datetime.date:
    """The last day continuous service begun on ``chain_start`` may run to (three years, MoF Order 102)."""
    return chain_start + relativedelta(months=MAX_CONTINUOUS_TERM_MONTHS) - datetime.timedelta(days=1)


def next_term(contract: Contract) -> tuple[datetime.date, datetime.date]:
    """The term of a renewal of ``contract``: the same length, starting the day after it ends
    (1 January–31 December 2026 → 1 January–31 December 2027)."""
    length = relativedelta(contract.end_date + datetime.timedelta(days=1), contract.start_date)
    start = contract.end_date + datetime.timedelta(days=1)
    return start, start + length - datetime.timedelta(days=1)


def check_term_cap(*, prior_contract: Contract | None, start_date: datetime.date, end_date: datetime.date) -> None:
    """Refuse a renewal that would make the chain of continuous service longer than three years.

    MoF Order 102 allows at most three years for a continuous, stably funded service; renewing a contract
    (``prior_contract``, and its own prior, ...) continues the same service, so the cap applies from the
    first contract's start to the renewal's end, gaps included (a gap does not restart the clock). The
    per-contract rule is ``check_term``; both are checked by ``contract_create`` and are to be called by any
    other service that links a contract to a prior one.
    """
    if prior_contract is None:
        return
    chain = renewal_chain(prior_contract)
    first = min(chain, key=lambda c: c.start_date)
    chain_start = min(first.start_date, start_date)
    last_day = term_cap_last_day(chain_start)
    if end_date > last_day:
        raise ApplicationError(
            _("A renewal may not extend continuous service beyond three years (MoF Order 102): the service began "
              "with contract %(first)s on %(start)s, so the renewal must end by %(last)s, not %(end)s.")
            % {"first": first.number, "start": chain_start.isoformat(), "last": last_day.isoformat(),
               "end": end_date.isoformat()},
            extra={"field": "end_date", "latest_end": last_day.isoformat(), "chain": [c.pk for c in chain]})


def _tranche_rows(contract: Contract, rows) -> tuple[list[PaymentTranche], list[int | None]]:
    """Tranches in order (sequence 1..n); ``depends_on`` names an earlier tranche by its sequence."""
    rows = list(rows or [])
    if not rows:
        raise ApplicationError(_("Give at least one payment tranche."), extra={"field": "tranches"})
    if len(rows) > 24:
        raise ApplicationError(_("At most 24 payment tranches."), extra={"field": "tranches"})
    percentages = []
    for index, row in enumerate(rows):
        reject_unknown(row, TRANCHE_FIELDS)
        try:
            percentages.append(Decimal(str(row.get("percentage"))))
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise ValidationError({f"tranches.{index}.percentage": [_("Enter a percentage.")]}) from exc
    if not all(p.is_finite() for p in percentages):
        raise ValidationError({"tranches": [_("Enter a percentage.")]})
    weights_sum_to_100(percentages, what=_("payment tranche percentages"))
    tranches, depends = [], []
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        sequence = index + 1
        trigger = row.get("trigger") or ""
        if trigger and trigger not in TrancheTrigger.values:
            errors[f"tranches.{index}.trigger"] = [_("Choose a trigger.")]
        if not row.get("due_date") and not trigger:
            errors[f"tranches.{index}.due_date"] = [_("Give a due date or a trigger.")]
        depends_on = row.get("depends_on")
        if depends_on in ("", None):
            depends_on = None
        else:
            try:
                depends_on = int(depends_on)
            except (TypeError, ValueError):
                depends_on = -1
            if not 1 <= depends_on < sequence:
                errors[f"tranches.{index}.depends_on"] = [_("A tranche depends on an earlier tranche.")]
        depends.append(depends_on)
        tranches.append(PaymentTranche(tenant_id=contract.tenant_id, contract=contract, sequence=sequence,
                                       percentage=percentages[index], due_date=row.get("due_date") or None,
                                       trigger=trigger, description=(row.get("description") or "").strip()))
    if errors:
        raise ValidationError(errors)
    clean_rows(tranches, prefix="tranches", exclude=["contract", "depends_on"])
    return tranches, depends


def _save_tranches(contract: Contract, tranches: list[PaymentTranche], depends: list[int | None]) -> None:
    by_sequence = {}
    for tranche, depends_on in zip(tranches, depends, strict=True):
        tranche.depends_on = by_sequence.get(depends_on)
        tranche.save()
        by_sequence[tranche.sequence] = tranche


def _tranche_snapshot(tranches) -> list[dict]:
    return [{"sequence": t.sequence, "percentage": str(t.percentage),
             "due_date": t.due_date.isoformat() if t.due_date else None, "trigger": t.trigger,
             "depends_on": t.depends_on.sequence if t.depends_on_id else None} for t in tranches]


def _check_prior(prior: Contract | None, *, award: Award, tenant) -> None:
    if prior is None:
        return
    if prior.tenant_id != tenant.pk or prior.organization_id != award.organization_id:
        raise ApplicationError(_("A renewal continues a contract of the same supplier."),
                               extra={"field": "prior_contract"})
    if prior.status not in (ContractStatus.ACTIVE, ContractStatus.TERMINATED):
        raise ApplicationError(_("Only a signed or completed contract can be renewed."),
                               extra={"field": "prior_contract"})


@transaction.atomic
def contract_create(*, actor, award: Award, tranches, **fields) -> Contract:
    """Draw up the contract of an award once its standstill period is over (the award comes into force)."""
    tenant = require_tenant(award.tenant)
    reject_unknown(fields, CONTRACT_FIELDS)
    tender = award.tender
    if not can_manage_tender(actor, tender):
        raise ApplicationError(_("You may not draw up this contract."))
    lock_row(award, "status")
    if award.status != AwardStatus.PENDING:
        raise ConflictError(_("A contract is drawn up once, for an award in its standstill period."))
    today = timezone.localdate()
    if today < award.standstill_ends:
        raise ConflictError(_("The standstill period ends on %(date)s; the contract may be drawn up after it.")
                            % {"date": award.standstill_ends.isoformat()})
    application = tender.application
    start, end = fields.get("start_date"), fields.get("end_date")
    if not start or not end:
        raise ValidationError({"end_date" if start else "start_date": [_("This field is required.")]})
    continuous = bool(fields.get("continuous_service"))
    check_term(start_date=start, end_date=end, continuous_service=continuous)
    prior = fields.pop("prior_contract", None)
    _check_prior(prior, award=award, tenant=tenant)
    check_term_cap(prior_contract=prior, start_date=start, end_date=end)
    number = (fields.pop("number", "") or "").strip() or f"HT{start:%Y}-{award.pk:06d}"
    contract = Contract(
        tenant=tenant, application=application, award=award, region=tender.region,
        buyer_name=(fields.pop("buyer_name", "") or "").strip() or _("%(region)s office") % {"region": tender.region.name},
        organization=award.organization, number=number, title=(fields.pop("title", "") or "").strip() or tender.title,
        amount=award.amount, prior_contract=prior, status=ContractStatus.PENDING, **fields)
    contract.full_clean(exclude=["award"])
    tranche_rows, depends = _tranche_rows(contract, tranches)
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as exc:
        raise ConflictError(_("Contract number %(number)s is already in use.") % {"number": number},
                            extra={"field": "number"}) from exc
    _save_tranches(contract, tranche_rows, depends)
    indicators = [ContractIndicator(tenant=tenant, contract=contract, source=indicator,
                                    **{name: getattr(indicator, name) for name in INDICATOR_COPY})
                  for indicator in application.indicators.all()]
    ContractIndicator.objects.bulk_create(indicators)
    AWARD_WORKFLOW.transition(obj=award, to=AwardStatus.ACTIVE, actor=actor, note=_("Contract %(number)s drawn up")
                              % {"number": number})
    CONTRACT_WORKFLOW.start(obj=contract, actor=actor)
    audit_record(actor=actor, action="contract.create", obj=contract, changes={
        **snapshot(contract, ["number", "amount", "start_date", "end_date", "continuous_service"]),
        "prior_contract": prior.pk if prior else None, "indicators": len(indicators),
        "tranches": _tranche_snapshot(tranche_rows)})
    notifications.contract_changed(contract=contract, actor=actor)
    return contract


@transaction.atomic
def contract_set_tranches(*, actor, contract: Contract, tranches) -> list[PaymentTranche]:
    """Replace the tranches of a contract not yet signed (percentages sum to 100)."""
    require_tenant(contract.tenant)
    if not can_manage_contract(actor, contract):
        raise ApplicationError(_("You may not change this contract."))
    lock_row(contract, "status")
    if contract.status != ContractStatus.PENDING:
        raise ConflictError(_("The tranches of a signed contract cannot change."))
    before = _tranche_snapshot(contract.tranches.select_related("depends_on"))
    rows, depends = _tranche_rows(contract, tranches)
    contract.tranches.update(depends_on=None)
    contract.tranches.all().delete()
    _save_tranches(contract, rows, depends)
    audit_record(actor=actor, action="contract.tranches", obj=contract,
                 changes={"tranches": [before, _tranche_snapshot(rows)]})
    return rows


@transaction.atomic
def contract_sign(*, actor, contract: Contract, signed_on: datetime.date | None = None) -> Contract:
    """Both parties signed (OCDS ``active``, dateSigned); the contract's report schedule is planned."""
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": [_("The signing date cannot be in the future.")]})
    CONTRACT_WORKFLOW.transition(obj=contract, to=ContractStatus.ACTIVE, actor=actor,
                                 fields={"signed_on": signed_on, "signed_by": actor_or_none(actor)})
    # The report schedule follows from the term and the tenant's report settings (idempotent).
    if not contract.progress_reports.exists():
        schedule_audit(actor=actor, contract=contract, reports=schedule_build(contract))
    notifications.contract_changed(contract=contract, actor=actor)
    return contract


@transaction.atomic
def contract_close(*, actor, contract: Contract, to: str, note: str = "") -> Contract:
    """Completed (``terminated``) or cancelled before signing (with a reason)."""
    if to not in (ContractStatus.TERMINATED, ContractStatus.CANCELLED):
        raise ApplicationError(_("Choose completed or cancelled."))
    if to == ContractStatus.TERMINATED and contract.tranches.exclude(status=TrancheStatus.MET).exists():
        raise ConflictError(_("A contract is completed once every tranche is paid or withheld."))
    CONTRACT_WORKFLOW.transition(obj=contract, to=to, actor=actor, note=note)
    notifications.contract_changed(contract=contract, actor=actor)
    return contract


@transaction.atomic
def tranche_pay(*, actor, tranche: PaymentTranche, paid_on: datetime.date | None = None) -> PaymentTranche:
    """Record the payment of a tranche of a signed contract, after the tranche it depends on."""
    contract = tranche.contract
    require_tenant(contract.tenant)
    if not can_manage_contract(actor, contract):
        raise ApplicationError(_("You may not record payments of this contract."))
    lock_row(contract, "status")
    lock_row(tranche, "status", "paid_on")
    if contract.status != ContractStatus.ACTIVE:
        raise ConflictError(_("Payments are recorded for a signed contract."))
    if tranche.status != TrancheStatus.SCHEDULED:
        raise ConflictError(_("This tranche is already settled."))
    if tranche.depends_on_id and tranche.depends_on.status != TrancheStatus.MET:
        raise ConflictError(_("Tranche %(n)s is paid after tranche %(m)s.")
                            % {"n": tranche.sequence, "m": tranche.depends_on.sequence})
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The payment date cannot be in the future.")]})
    tranche.status, tranche.paid_on = TrancheStatus.MET, paid_on
    tranche.full_clean()
    tranche.save(update_fields=["status", "paid_on"])
    audit_record(actor=actor, action="tranche.paid", obj=contract,
                 changes={"sequence": tranche.sequence, "amount": str(tranche.amount), "paid_on": paid_on.isoformat()})
    return tranche
