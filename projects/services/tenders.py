"""Tenders (招标), bids, bid evaluation and awards of approved projects, in OCDS 1.1 terms.

An approved application (not a 社区自治金 one: residents decide those) opens a tender with a bid window,
price and quality weights and a standstill period. Organizations bid within the window while eligible
(the program's rules, checked at bid time and again at award), at a price within the budget and with a
budget breakdown summing to it. After the window the buyer finds bids valid or disqualifies them with a
reason, evaluates the valid ones (quality score by hand, price score by the lowest-price method unless
given) and awards one with a reason: the award waits out the standstill period before the contract,
and every losing bidder is told. One award per tender holds in the database (``award_one_per_tender``).
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row
from projects import notifications_tenders as notifications
from projects.models import (
    ApplicationStatus,
    Award,
    AwardStatus,
    Bid,
    BidAttachment,
    BidEvaluation,
    BidStatus,
    BudgetCategory,
    Tender,
    TenderStatus,
)
from projects.permissions_tenders import can_bid, can_edit_bid, can_manage_tender
from projects.services._common import HUNDRED, reject_unknown, weights_sum_to_100
from projects.services.eligibility import eligibility_explain
from projects.workflows_tenders import AWARD_WORKFLOW, BID_WORKFLOW, TENDER_WORKFLOW

TENDER_FIELDS = ("title", "description", "budget_amount", "bid_opens", "bid_closes", "price_weight",
                 "quality_weight", "standstill_days")
BID_FIELDS = ("proposal", "team_size", "team_social_workers", "team_description", "price", "budget_breakdown")
BREAKDOWN_FIELDS = ("category", "amount", "description")
LIVE_BID = (BidStatus.PENDING, BidStatus.VALID)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"})
CENT = Decimal("0.01")


# --- tenders ---------------------------------------------------------------------------------


@transaction.atomic
def tender_open(*, actor, application, **fields) -> Tender:
    """Open an approved project for bids (OCDS tender ``active``); the budget defaults to the approved amount."""
    return _tender_new(actor=actor, application=application, round_=1, fields=fields)


@transaction.atomic
def tender_reopen(*, actor, application, **fields) -> Tender:
    """Open the next round of bidding on the same task book (a renewal review's re-tender): a new OCDS process
    (``ocid`` with the round) once every earlier round is over (complete, unsuccessful or cancelled)."""
    return _tender_new(actor=actor, application=application, round_=None, fields=fields)


def _tender_new(*, actor, application, round_: int | None, fields: dict) -> Tender:
    tenant = require_tenant(application.tenant)
    reject_unknown(fields, TENDER_FIELDS)
    program = application.program
    lock_row(application, "status", "approved_amount")
    probe = Tender(tenant=tenant, application=application, region=program.region)
    if not can_manage_tender(actor, probe):
        raise ApplicationError(_("You may not open a tender for this project."))
    if application.status != ApplicationStatus.APPROVED:
        raise ConflictError(_("Only an approved project can be tendered."))
    if program.decided_by_residents:
        raise ConflictError(_("A community self-governance fund project is decided by the residents' "
                              "consultation, not by a tender."))
    earlier = list(Tender.objects.filter(application=application).only("round", "status").order_by("round"))
    if round_ == 1 and earlier:
        raise ConflictError(_("This project already has a tender."))
    if round_ is None:
        if not earlier:
            raise ConflictError(_("This project has no earlier tender to repeat; open its first tender."))
        if any(t.status in (TenderStatus.PLANNING, TenderStatus.ACTIVE) for t in earlier):
            raise ConflictError(_("A tender of this project is still open."))
        round_ = earlier[-1].round + 1
    budget = fields.pop("budget_amount", None) or application.approved_amount
    if budget > application.approved_amount:
        raise ApplicationError(_("The tender budget of %(budget)s yuan exceeds the approved amount of %(approved)s "
                                 "yuan.") % {"budget": budget, "approved": application.approved_amount},
                               extra={"field": "budget_amount"})
    price_weight = Decimal(fields.pop("price_weight", Decimal("30")))
    quality_weight = Decimal(fields.pop("quality_weight", HUNDRED - price_weight))
    weights_sum_to_100([price_weight, quality_weight], what=_("price and quality weights"))
    ocid = f"ocds-{tenant.slug}-{application.number}" + (f"-{round_}" if round_ > 1 else "")
    tender = Tender(tenant=tenant, application=application, region=program.region, budget_amount=budget,
                    ocid=ocid, round=round_, title=fields.pop("title", "") or application.title,
                    price_weight=price_weight, quality_weight=quality_weight, status=TenderStatus.ACTIVE,
                    created_by=actor_or_none(actor), **fields)
    if tender.bid_opens and tender.bid_closes and tender.bid_closes <= tender.bid_opens:
        raise ValidationError({"bid_closes": [_("Bids must close after they open.")]})
    tender.full_clean()
    try:
        with transaction.atomic():
            tender.save()
    except IntegrityError as exc:  # a parallel opening of the same round
        raise ConflictError(_("This project already has a tender.")) from exc
    TENDER_WORKFLOW.start(obj=tender, actor=actor)
    audit_record(actor=actor, action="tender.open", obj=tender,
                 changes=snapshot(tender, ["ocid", "round", "budget_amount", "bid_opens", "bid_closes",
                                           "price_weight", "quality_weight", "standstill_days"]))
    notifications.tender_opened(tender=tender, actor=actor)
    return tender


@transaction.atomic
def tender_close(*, actor, tender: Tender, to: str, note: str) -> Tender:
    """No acceptable bid (``unsuccessful``, 流标) or cancelled, with a reason; live bids stay as they are."""
    if to not in (TenderStatus.UNSUCCESSFUL, TenderStatus.CANCELLED):
        raise ApplicationError(_("Choose unsuccessful or cancelled."))
    TENDER_WORKFLOW.transition(obj=tender, to=to, actor=actor, note=note)
    return tender


# --- bids ------------------------------------------------------------------------------------


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: [_("Enter an amount in yuan.")]}) from exc
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationError({field: [_("Enter a positive amount in yuan with at most two decimals.")]})
    return amount


def _clean_breakdown(rows, *, price: Decimal) -> list[dict]:
    """OCDS budgetBreakdown: [{category, amount, description}], amounts summing to the bid price."""
    if not isinstance(rows, list | tuple) or not rows:
        raise ValidationError({"budget_breakdown": [_("Give at least one budget line.")]})
    if len(rows) > 50:
        raise ValidationError({"budget_breakdown": [_("At most 50 budget lines.")]})
    cleaned = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError({f"budget_breakdown.{index}": [_("A budget line has a category and an amount.")]})
        reject_unknown(row, BREAKDOWN_FIELDS)
        if row.get("category") not in BudgetCategory.values:
            raise ValidationError({f"budget_breakdown.{index}.category": [_("Choose a budget category.")]})
        description = str(row.get("description") or "").strip()
        if len(description) > 200:
            raise ValidationError({f"budget_breakdown.{index}.description": [_("At most 200 characters.")]})
        cleaned.append({"category": row["category"],
                        "amount": str(_money(row.get("amount"), f"budget_breakdown.{index}.amount")),
                        "description": description})
    total = sum((Decimal(row["amount"]) for row in cleaned), Decimal(0))
    if total != price:
        raise ApplicationError(_("The budget breakdown totals %(total)s yuan; it must equal the bid price of "
                                 "%(price)s yuan.") % {"total": total, "price": price},
                               extra={"field": "budget_breakdown", "total": str(total)})
    return cleaned


def _check_bid_fields(bid: Bid, tender: Tender) -> None:
    bid.price = _money(bid.price, "price")
    if bid.price > tender.budget_amount:
        raise ApplicationError(_("The bid price of %(price)s yuan exceeds the tender budget of %(budget)s yuan.")
                               % {"price": bid.price, "budget": tender.budget_amount}, extra={"field": "price"})
    if bid.team_social_workers < 1:
        raise ApplicationError(_("The team needs at least one licensed social worker."),
                               extra={"field": "team_social_workers"})
    if bid.team_social_workers > bid.team_size:
        raise ValidationError({"team_social_workers": [_("More licensed social workers than team members.")]})
    bid.budget_breakdown = _clean_breakdown(bid.budget_breakdown, price=bid.price)


def _check_window(tender: Tender, now: datetime.datetime) -> None:
    if tender.status != TenderStatus.ACTIVE:
        raise ConflictError(_("This tender does not accept bids."))
    if now < tender.bid_opens:
        raise ConflictError(_("Bids open on %(date)s.") % {"date": f"{timezone.localtime(tender.bid_opens):%Y-%m-%d %H:%M}"})
    if now >= tender.bid_closes:
        raise ConflictError(_("Bids closed on %(date)s.") % {"date": f"{timezone.localtime(tender.bid_closes):%Y-%m-%d %H:%M}"})


def eligibility_failures(*, tender: Tender, organization, on_date: datetime.date | None = None) -> list:
    """The program's eligibility rules the organization fails (empty: eligible)."""
    return eligibility_explain(program=tender.application.program, organization=organization,
                               on_date=on_date or timezone.localdate())


def _refuse_ineligible(failures, *, when: str) -> None:
    if failures:
        raise ApplicationError(
            _("The organization is not eligible %(when)s: %(reasons)s")
            % {"when": when, "reasons": " ".join(failure.message for failure in failures)},
            extra={"failures": [{"rule": f.rule, "message": f.message} for f in failures]})


def _attach(bid: Bid, files, actor) -> list[BidAttachment]:
    attachments = []
    for uploaded in files or ():
        name = os.path.basename(uploaded.name or "")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        errors = []
        if extension not in ATTACHMENT_EXTENSIONS:
            errors.append(_("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(ATTACHMENT_EXTENSIONS))})
        if uploaded.size > MAX_ATTACHMENT_BYTES:
            errors.append(_("A file may be at most 10 MB."))
        if errors:
            raise ValidationError({"attachments": errors})
        attachment = BidAttachment(tenant_id=bid.tenant_id, bid=bid, file=uploaded, name=name[:200],
                                   uploaded_by=actor_or_none(actor))
        attachment.full_clean()
        attachment.save()
        attachments.append(attachment)
    return attachments


@transaction.atomic
def bid_submit(*, actor, tender: Tender, organization, attachments=(), **fields) -> Bid:
    """A bid by an organization the actor acts for, within the window, eligible, at a price within budget."""
    tenant = require_tenant(tender.tenant)
    reject_unknown(fields, BID_FIELDS)
    if not can_bid(actor, organization):
        raise ApplicationError(_("You may not bid for this organization."))
    lock_row(tender, "status", "bid_opens", "bid_closes", "budget_amount")
    _check_window(tender, timezone.now())
    today = timezone.localdate()
    failures = eligibility_failures(tender=tender, organization=organization, on_date=today)
    _refuse_ineligible(failures, when=_("to bid"))
    if Bid.objects.filter(tender=tender, organization=organization, status__in=LIVE_BID).exists():
        raise ConflictError(_("%(org)s already has a bid for this tender; change or withdraw it instead.")
                            % {"org": organization.name})
    bid = Bid(tenant=tenant, tender=tender, organization=organization, submitted_by=actor_or_none(actor),
              eligibility_snapshot={"checked_on": today.isoformat(), "eligible": True}, **fields)
    _check_bid_fields(bid, tender)
    bid.full_clean()
    try:
        with transaction.atomic():  # a parallel submission of the same organization loses here, not with a 500
            bid.save()
    except IntegrityError as exc:
        raise ConflictError(_("%(org)s already has a bid for this tender; change or withdraw it instead.")
                            % {"org": organization.name}) from exc
    _attach(bid, attachments, actor)
    BID_WORKFLOW.start(obj=bid, actor=actor, changes=snapshot(bid, ["price", "team_size", "team_social_workers"]))
    notifications.bid_received(bid=bid, actor=actor)
    return bid


@transaction.atomic
def bid_update(*, actor, bid: Bid, attachments=(), **fields) -> Bid:
    """The bidder changes a pending bid while the window is open (price, breakdown, proposal, team)."""
    require_tenant(bid.tenant)
    reject_unknown(fields, BID_FIELDS)
    if not can_edit_bid(actor, bid):
        raise ApplicationError(_("You may not change this bid."))
    lock_row(bid, "status")
    if bid.status != BidStatus.PENDING:
        raise ConflictError(_("Only a pending bid can be changed."))
    _check_window(bid.tender, timezone.now())
    before = snapshot(bid, list(fields))
    for name, value in fields.items():
        setattr(bid, name, value)
    _check_bid_fields(bid, bid.tender)
    bid.full_clean()
    bid.save(update_fields=list(fields) or ["price"])
    added = _attach(bid, attachments, actor)
    changes = diff(before, snapshot(bid, list(fields)))
    if added:
        changes["attachments"] = [a.name for a in added]
    audit_record(actor=actor, action="bid.update", obj=bid, changes=changes)
    return bid


@transaction.atomic
def bid_withdraw(*, actor, bid: Bid, note: str = "") -> Bid:
    """The bidder withdraws (OCDS ``withdrawn``) before the award; a new bid may follow while the window is open."""
    if Award.objects.filter(bid=bid).exclude(status=AwardStatus.CANCELLED).exists():
        raise ConflictError(_("An awarded bid cannot be withdrawn."))
    BID_WORKFLOW.transition(obj=bid, to=BidStatus.WITHDRAWN, actor=actor, note=note)
    notifications.bid_received(bid=bid, actor=actor, withdrawn=True)
    return bid


@transaction.atomic
def bid_qualify(*, actor, bid: Bid, valid: bool, note: str = "") -> Bid:
    """The buyer finds a bid valid (the organization is still eligible) or disqualifies it with a reason."""
    require_tenant(bid.tenant)
    if timezone.now() < bid.tender.bid_closes:
        raise ConflictError(_("Bids are checked after the bid window closes."))
    if valid:
        failures = eligibility_failures(tender=bid.tender, organization=bid.organization)
        _refuse_ineligible(failures, when=_("any more"))
    to = BidStatus.VALID if valid else BidStatus.DISQUALIFIED
    BID_WORKFLOW.transition(obj=bid, to=to, actor=actor, note=note, fields={"status_reason": (note or "").strip()})
    notifications.bid_decided(bid=bid, actor=actor)
    return bid


def price_score(*, price: Decimal, lowest: Decimal) -> Decimal:
    """Lowest-price method (低价优先法): the lowest valid price scores 100, others lowest/price × 100."""
    return min(HUNDRED, (lowest / price * HUNDRED).quantize(CENT))


def total_score(*, tender: Tender, quality: Decimal, price: Decimal) -> Decimal:
    return ((quality * tender.quality_weight + price * tender.price_weight) / HUNDRED).quantize(CENT)


def _score(value, field: str) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: [_("Enter a score from 0 to 100.")]}) from exc
    if not score.is_finite() or not Decimal(0) <= score <= HUNDRED:
        raise ValidationError({field: [_("Enter a score from 0 to 100.")]})
    return score.quantize(CENT)


@transaction.atomic
def bid_evaluate(*, actor, bid: Bid, quality_score, price_score_value=None, note: str = "") -> BidEvaluation:
    """The evaluator's quality score (0-100) of a valid bid; the price score follows the lowest-price method
    unless given; the total uses the tender's weights. Evaluating again replaces the evaluator's scores."""
    tenant = require_tenant(bid.tenant)
    tender = bid.tender
    if not can_manage_tender(actor, tender):
        raise ApplicationError(_("You may not evaluate bids of this tender."))
    lock_row(tender, "status")
    lock_row(bid, "status")
    if tender.status != TenderStatus.ACTIVE:
        raise ConflictError(_("This tender is no longer being evaluated."))
    if bid.status != BidStatus.VALID:
        raise ConflictError(_("Only a valid bid is evaluated."))
    quality = _score(quality_score, "quality_score")
    if price_score_value in (None, ""):
        lowest = min(Bid.objects.filter(tender=tender, status=BidStatus.VALID).values_list("price", flat=True))
        price = price_score(price=bid.price, lowest=lowest)
    else:
        price = _score(price_score_value, "price_score")
    evaluation = BidEvaluation.objects.filter(bid=bid, evaluator_id=getattr(actor, "pk", None)).first() \
        or BidEvaluation(tenant=tenant, bid=bid, evaluator=actor_or_none(actor))
    before = snapshot(evaluation, ["quality_score", "price_score", "total_score"]) if evaluation.pk else {}
    evaluation.quality_score, evaluation.price_score = quality, price
    evaluation.total_score = total_score(tender=tender, quality=quality, price=price)
    evaluation.note = (note or "").strip()
    evaluation.full_clean()
    evaluation.save()
    audit_record(actor=actor, action="bid.evaluate", obj=bid,
                 changes={**diff(before, snapshot(evaluation, ["quality_score", "price_score", "total_score"])),
                          "evaluation": evaluation.pk})
    return evaluation


# --- awards ----------------------------------------------------------------------------------


@transaction.atomic
def tender_award(*, actor, tender: Tender, bid: Bid, reason: str) -> Award:
    """Award the tender to a valid, evaluated, still eligible bid, with a reason; the standstill period starts.

    The tender row is locked first, so of two parallel awards the second sees the first and is refused;
    the partial unique index ``award_one_per_tender`` holds even if a writer skipped the lock.
    """
    tenant = require_tenant(tender.tenant)
    if not can_manage_tender(actor, tender):
        raise ApplicationError(_("You may not award this tender."))
    if not (reason or "").strip():
        raise ApplicationError(_("Please give the reason for the award."), extra={"field": "reason"})
    lock_row(tender, "status")
    if Award.objects.filter(tender=tender).exclude(status__in=[AwardStatus.CANCELLED,
                                                               AwardStatus.UNSUCCESSFUL]).exists():
        raise ConflictError(_("This tender is already awarded; cancel that award first."))
    if tender.status != TenderStatus.ACTIVE:
        raise ConflictError(_("Only a tender open for evaluation can be awarded."))
    if bid.tender_id != tender.pk:
        raise ApplicationError(_("This bid belongs to another tender."))
    if timezone.now() < tender.bid_closes:
        raise ConflictError(_("The tender is awarded after the bid window closes."))
    lock_row(bid, "status")
    if bid.status != BidStatus.VALID:
        raise ConflictError(_("Only a valid bid can win."))
    if not BidEvaluation.objects.filter(bid=bid).exists():
        raise ConflictError(_("Evaluate the bid before awarding it."))
    _refuse_ineligible(eligibility_failures(tender=tender, organization=bid.organization), when=_("at award"))
    award = Award(tenant=tenant, tender=tender, bid=bid, organization=bid.organization, amount=bid.price,
                  reason=reason.strip(), decided_by=actor_or_none(actor),
                  standstill_ends=timezone.localdate() + datetime.timedelta(days=tender.standstill_days))
    award.full_clean()
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as exc:
        raise ConflictError(_("This tender is already awarded; cancel that award first.")) from exc
    AWARD_WORKFLOW.start(obj=award, actor=actor, changes={"bid": bid.pk, "amount": str(award.amount),
                                                          "reason": award.reason})
    TENDER_WORKFLOW.transition(obj=tender, to=TenderStatus.COMPLETE, actor=actor, note=award.reason)
    losing = list(Bid.objects.filter(tender=tender, status__in=LIVE_BID).exclude(pk=bid.pk)
                  .select_related("organization"))
    notifications.tender_awarded(award=award, losing_bids=losing, actor=actor)
    return award


@transaction.atomic
def award_cancel(*, actor, award: Award, note: str) -> Award:
    """Cancel an award during its standstill period (e.g. a justified complaint); the tender reopens."""
    AWARD_WORKFLOW.transition(obj=award, to=AwardStatus.CANCELLED, actor=actor, note=note)
    TENDER_WORKFLOW.transition(obj=award.tender, to=TenderStatus.ACTIVE, actor=actor, note=note)
    return award
